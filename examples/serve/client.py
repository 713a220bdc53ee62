#!/usr/bin/env python3
"""examples/serve/client.py: a client of `gavel serve`, standard library only.

    client.py URL FILE.jsonl [--batch N] [--as-of DATE]

Sends the records of FILE.jsonl to URL/v1/decide in NDJSON batches of N
(default 100) over one kept-alive connection and prints the decisions, one
line each, in input order: the same lines `gavel eval` writes. Retries a 503
(the server's log is full, or it is draining) a few times, then gives up.
"""
import argparse
import http.client
import sys
import time
import urllib.parse


class Gavel:
    def __init__(self, url, timeout=30):
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        self.conn = conn(u.hostname, u.port, timeout=timeout)

    def decide(self, records, as_of=None):
        """records: bytes of JSON Lines. Returns the decision lines (bytes)."""
        path = "/v1/decide" + ("?" + urllib.parse.urlencode({"as_of": as_of}) if as_of else "")
        for attempt in range(5):
            self.conn.request("POST", path, records, {"Content-Type": "application/x-ndjson"})
            r = self.conn.getresponse()
            body = r.read()
            if r.status == 200:
                return body
            if r.status != 503:
                raise RuntimeError("gavel serve answered %d: %s" % (r.status, body.decode()))
            time.sleep(0.2 * 2 ** attempt)
        raise RuntimeError("gavel serve kept answering 503: " + body.decode())

    def policy(self):
        self.conn.request("GET", "/v1/policy")
        return self.conn.getresponse().read().decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("file")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--as-of")
    a = ap.parse_args()
    g = Gavel(a.url)
    with open(a.file, "rb") as f:
        lines = [l for l in f if l.strip()]
    for i in range(0, len(lines), a.batch):
        sys.stdout.buffer.write(g.decide(b"".join(lines[i:i + a.batch]), a.as_of))


if __name__ == "__main__":
    main()
