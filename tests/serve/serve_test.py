#!/usr/bin/env python3
"""tests/serve/serve_test.py: `gavel serve` end to end, with a real HTTP
client (the standard library's http.client) against a server started on a
free loopback port, the port read from its stderr.

    serve_test.py GAVEL GROUP      GROUP: decide errors reload log crash shadow hostile

Each group is one ctest entry (serve.GROUP). Nothing here sleeps and hopes:
every wait is on a condition (a line on stderr, a counter in /metrics, a
process's exit) with a deadline that only a broken server reaches.
"""
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

GAVEL = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QS = os.path.join(ROOT, "examples", "quickstart")
FP = os.path.join(ROOT, "examples", "farmers-protest")
DEADLINE = 60.0          # seconds: only a broken server waits this long


class Server:
    """A `gavel serve` process: started, its port read, stopped by SIGTERM."""

    def __init__(self, *args, preexec=None):
        self.proc = subprocess.Popen([GAVEL, "serve", "--listen", "127.0.0.1:0", "-j", "2", *args],
                                     stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
        self.stderr = []
        line = self.proc.stderr.readline()
        while line and "listening on http://" not in line:
            self.stderr.append(line)
            line = self.proc.stderr.readline()
        if not line:
            raise AssertionError("gavel serve did not start: " + "".join(self.stderr))
        self.host, port = line.strip().rsplit("http://", 1)[1].split(":")
        self.port = int(port)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def request(self, method, path, body=None, ctype=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=DEADLINE)
        h = dict(headers or {})
        if ctype:
            h["Content-Type"] = ctype
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, dict(r.getheaders()), data

    def decide(self, body, ctype="application/json", query=""):
        return self.request("POST", "/v1/decide" + query, body, ctype)

    def metric(self, name):
        """The sum of a metric's samples whose line starts with name."""
        status, _, text = self.request("GET", "/metrics")
        total = 0.0
        for line in text.decode().splitlines():
            if line.startswith(name) and not line.startswith("#"):
                rest = line[len(name):]
                if rest[:1] in (" ", "{"):
                    total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=DEADLINE)
        self.reader.join(timeout=DEADLINE)
        return rc


def eval_lines(policy, path, *args):
    out = subprocess.run([GAVEL, "eval", "-p", policy, "-j", "1", *args, path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return out.stdout


def wait_until(cond, what):
    end = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.01)


class ServerCase(unittest.TestCase):
    def tearDown(self):
        srv = getattr(self, "srv", None)
        if srv and srv.proc.poll() is None:
            self.assertEqual(srv.stop(), 0, "".join(srv.stderr))


# ---- decide: byte for byte gavel eval -----------------------------------------------

class Decide(ServerCase):
    def check_file(self, policy, data, *args, query="", batch=100, every=1):
        self.srv = Server("-p", policy, *args)
        want = eval_lines(policy, data, *args).splitlines(keepends=True)
        lines = open(data, "rb").read().splitlines(keepends=True)
        self.assertEqual(len(want), len(lines))
        for i in range(0, len(lines), every):        # JSON bodies: one record each
            st, h, got = self.srv.decide(lines[i], query=query)
            self.assertEqual(st, 200, got)
            self.assertEqual(h["Content-Type"], "application/json")
            self.assertEqual(got, want[i], "record %d" % (i + 1))
        got = b""                                     # NDJSON bodies: batches
        for i in range(0, len(lines), batch):
            st, h, part = self.srv.decide(b"".join(lines[i:i + batch]), "application/x-ndjson",
                                          query)
            self.assertEqual(st, 200, part)
            self.assertEqual(h["Content-Type"], "application/x-ndjson")
            got += part
        # each batch numbers from 1, as eval numbers a file: records have ids
        self.assertEqual(got, b"".join(want))

    def test_quickstart(self):
        self.check_file(os.path.join(QS, "policy"), os.path.join(QS, "accounts.jsonl"),
                        "--as-of", "2021-02-04", batch=3)

    def test_farmers_protest_with_context(self):
        for pol in ("platform-manipulation", "in-it-act-69a"):
            self.check_file(os.path.join(ROOT, "rules", pol), os.path.join(FP, "accounts-1178.jsonl"),
                            "--context", os.path.join(FP, "order-2021-02-04.yaml"), every=25)
            self.assertEqual(self.srv.stop(), 0)

    def test_query_as_of_and_id_field(self):
        pol, data = os.path.join(QS, "policy"), os.path.join(QS, "accounts.jsonl")
        self.srv = Server("-p", pol, "--as-of", "2021-02-04")
        body = open(data, "rb").read()
        for as_of in ("2021-01-31", "2021-02-05T10:00:00+05:30"):
            want = eval_lines(pol, data, "--as-of", as_of, "--id-field", "handle")
            st, _, got = self.srv.decide(body, "application/x-ndjson",
                                         "?as_of=%s&id_field=handle" % as_of.replace("+", "%2B"))
            self.assertEqual((st, got), (200, want))
        # the request's parameters do not stick to the thread's evaluator
        self.assertEqual(self.srv.decide(body, "application/x-ndjson")[2],
                         eval_lines(pol, data, "--as-of", "2021-02-04"))

    def test_example_client(self):
        pol, data = os.path.join(QS, "policy"), os.path.join(QS, "accounts.jsonl")
        self.srv = Server("-p", pol, "--as-of", "2021-02-04")
        out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "serve", "client.py"),
                              "http://%s:%d" % (self.srv.host, self.srv.port), data, "--batch", "4"],
                             stdout=subprocess.PIPE, check=True).stdout
        self.assertEqual(out, eval_lines(pol, data, "--as-of", "2021-02-04"))

    def test_bad_lines_get_on_error_as_in_eval(self):
        pol = os.path.join(QS, "policy")
        body = b'{"id":"a","x":1}\n\n  \n{bad\r\n{"x":2}\n[1,2]\n"text"\n{"id":7}'
        tmp = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False)
        tmp.write(body)
        tmp.close()
        with open(tmp.name, "rb") as f:
            want = subprocess.run([GAVEL, "eval", "-p", pol, "--as-of", "2021-02-04"], stdin=f,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        os.unlink(tmp.name)
        self.srv = Server("-p", pol, "--as-of", "2021-02-04")
        st, _, got = self.srv.decide(body, "application/x-ndjson")
        self.assertEqual(st, 200)
        self.assertEqual(got, want)
        self.assertIn(b"<stdin>:4:2: expected a key", got)
        self.assertEqual(len(got.splitlines()), 6)
        # a JSON body that is a value but not a record: on_error, as eval
        st, _, got = self.srv.decide(b"[1,2]")
        self.assertEqual(st, 200)
        self.assertIn(b"a record must be a mapping", got)


# ---- errors ------------------------------------------------------------------------------

class Errors(ServerCase):
    def setUp(self):
        self.srv = Server("-p", os.path.join(QS, "policy"), "--max-body", "4k")

    def test_statuses(self):
        s = self.srv
        st, h, body = s.decide(b'{"id": "a",\n  "x": [1, }')
        self.assertEqual(st, 400)
        err = json.loads(body)
        self.assertEqual((err["line"], err["column"]), (2, 12))
        self.assertIn("<stdin>:2:12", err["error"])
        self.assertEqual(s.decide(b'{"a":1} {"b":2}')[0], 400)     # two values
        self.assertEqual(s.decide(b'')[0], 400)
        st, h, _ = s.request("GET", "/v1/decide")
        self.assertEqual((st, h.get("Allow")), (405, "POST"))
        st, h, _ = s.request("DELETE", "/metrics")
        self.assertEqual((st, h.get("Allow")), (405, "GET, HEAD"))
        self.assertEqual(s.request("GET", "/nope")[0], 404)
        self.assertEqual(s.request("GET", "/v1/decide/x")[0], 404)
        self.assertEqual(s.decide(b'{"id":"' + b"x" * 5000 + b'"}')[0], 413)
        self.assertEqual(s.decide(b"{}", "text/plain")[0], 415)
        self.assertEqual(s.request("POST", "/v1/decide", b"{}")[0], 415)
        self.assertEqual(s.decide(b"{}", "application/json; charset=utf-8")[0], 200)
        self.assertEqual(s.decide(b"{}", query="?as_of=yesterday")[0], 400)
        self.assertEqual(s.request("GET", "/healthz")[:1], (200,))
        st, _, body = s.request("GET", "/v1/policy")
        pol = json.loads(body)
        self.assertEqual((pol["name"], pol["rules"], pol["outcomes"]),
                         ("quickstart", 7, ["withhold", "review", "keep"]))
        self.assertTrue(pol["digest"].startswith("sha256:"))

    def test_usage_errors_exit_2(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        broken = copy_policy(tmp)
        with open(os.path.join(broken, "rules.lua"), "a") as f:
            f.write("\nrule \"broken\" {\n")
        pol = os.path.join(QS, "policy")
        for args, says in ((["--listen", "localhost"], "ADDR:PORT"),
                           (["--listen", "example.org:80"], "IPv4"),
                           (["--redact", "a..b"], "dotted path"),
                           (["--as-of", "soon"], "soon"),
                           (["--log", os.path.join(tmp, "no", "such", "dir")], "cannot open the log"),
                           (["-j", "0"], "-j"),
                           (["nonsense"], "unknown option")):
            r = subprocess.run([GAVEL, "serve", "-p", pol, *args], stderr=subprocess.PIPE, text=True,
                               timeout=DEADLINE)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(says, r.stderr, args)
        r = subprocess.run([GAVEL, "serve", "-p", broken], stderr=subprocess.PIPE, text=True,
                           timeout=DEADLINE)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"rules\.lua:\d+:\d+: error: ")

    def test_chunked_body_too_large(self):
        conn = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=DEADLINE)
        conn.putrequest("POST", "/v1/decide")
        conn.putheader("Content-Type", "application/x-ndjson")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for _ in range(10):
            conn.send(b"400\r\n" + b"{}\n" * 341 + b"\n" + b"\r\n")   # 1024 bytes each
        conn.send(b"0\r\n\r\n")
        self.assertEqual(conn.getresponse().status, 413)

    def test_metrics_count_statuses(self):
        for _ in range(3):
            self.srv.request("GET", "/nope")
        self.srv.decide(b'{"id":"a"}')
        self.assertEqual(self.srv.metric('gavel_serve_requests_total{code="404"}'), 3)
        self.assertEqual(self.srv.metric('gavel_serve_decisions_total{outcome="keep"}'), 1)
        # 3 + 1, and the two /metrics requests before this one
        self.assertEqual(self.srv.metric("gavel_serve_request_duration_seconds_count"), 6)
        _, _, text = self.srv.request("GET", "/metrics")
        self.assertIn(b'gavel_serve_policy_info{role="main",name="quickstart"', text)

    def test_per_ip_limit(self):
        self.assertEqual(self.srv.stop(), 0)
        # one thread: connections are accepted in the order they were made
        self.srv = s = Server("-p", os.path.join(QS, "policy"), "-j", "1", "--max-per-ip", "2")
        held = []
        for _ in range(2):
            sock = socket.create_connection((s.host, s.port), timeout=DEADLINE)
            sock.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{")
            held.append(sock)
        third = socket.create_connection((s.host, s.port), timeout=DEADLINE)
        try:
            third.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            refused = third.recv(100) == b""
        except OSError:
            refused = True
        third.close()
        self.assertTrue(refused, "a third connection from one address was served")
        for sock in held:                 # their requests were kept, and finish
            sock.sendall(b"}")
            self.assertTrue(sock.recv(100).startswith(b"HTTP/1.1 200"))
            sock.close()

        def served():
            try:
                return s.request("GET", "/healthz")[0] == 200
            except OSError:
                return False
        wait_until(served, "a connection once the others closed")

    def test_sigterm_finishes_the_request_in_flight(self):
        s = self.srv
        sock = socket.create_connection((s.host, s.port))
        body = b'{"id":"late"}'
        sock.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:5])
        # the server has the request when it counts two in flight (it and /metrics)
        wait_until(lambda: s.metric("gavel_serve_requests_in_flight") >= 2, "the request")
        keep = http.client.HTTPConnection(s.host, s.port, timeout=DEADLINE)
        keep.request("GET", "/healthz")
        self.assertEqual(keep.getresponse().read(), b"ok\n")
        s.proc.send_signal(signal.SIGTERM)

        def draining():              # on a connection made before: 503 while draining
            keep.request("GET", "/healthz")
            r = keep.getresponse()
            r.read()
            return r.status == 503
        wait_until(draining, "the drain")
        keep.close()
        sock.sendall(body[5:])
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.endswith(b"}\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
        sock.close()
        self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply[:200])
        self.assertIn(b'"id":"late"', reply)
        self.assertEqual(s.proc.wait(timeout=DEADLINE), 0)


# ---- reload ------------------------------------------------------------------------------

def copy_policy(tmp):
    dst = os.path.join(tmp, "policy")
    shutil.copytree(os.path.join(QS, "policy"), dst)
    return dst


def set_version(policy, version):
    path = os.path.join(policy, "policy.yaml")
    text = open(path).read()
    lines = [('version: "%s"' % version) if l.startswith("version:") else l
             for l in text.splitlines()]
    open(path, "w").write("\n".join(lines) + "\n")


class Reload(ServerCase):
    def test_reload_under_load(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        pol = copy_policy(tmp)
        self.srv = s = Server("-p", pol, "--as-of", "2021-02-04", "-j", "4")
        digest = lambda: json.loads(s.request("GET", "/v1/policy")[2])["digest"]
        seen, failures, stop = [], [], threading.Event()
        record = open(os.path.join(QS, "accounts.jsonl"), "rb").readline()

        def client(k):
            conn = http.client.HTTPConnection(s.host, s.port, timeout=DEADLINE)
            mine = []
            while not stop.is_set():
                try:
                    conn.request("POST", "/v1/decide", record, {"Content-Type": "application/json"})
                    r = conn.getresponse()
                    data = r.read()
                    if r.status != 200:
                        failures.append((r.status, data))
                    else:
                        mine.append(json.loads(data)["policy"]["digest"])
                except Exception as e:       # any failed request fails the test
                    failures.append(repr(e))
                    conn = http.client.HTTPConnection(s.host, s.port, timeout=DEADLINE)
            seen.append(mine)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        digests = [digest()]
        for version in ("2.0", "3.0"):
            wait_until(lambda: s.metric('gavel_serve_requests_total{code="200"}') > 50 * len(digests),
                       "requests before reloading")
            set_version(pol, version)
            st, _, body = s.request("POST", "/v1/reload")
            self.assertEqual(st, 200, body)
            digests.append(json.loads(body)["digest"])
        wait_until(lambda: s.metric('gavel_serve_requests_total{code="200"}') > 200, "requests after")
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertEqual(len(set(digests)), 3)
        self.assertEqual(set(d for mine in seen for d in mine), set(digests))
        for mine in seen:             # each client: old, then new, then newer; never back
            order = [digests.index(d) for d in mine]
            self.assertEqual(order, sorted(order))
        self.assertEqual(s.metric("gavel_serve_reloads_total"), 2)

    def test_broken_policy_leaves_the_old_one(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        pol = copy_policy(tmp)
        self.srv = s = Server("-p", pol, "--as-of", "2021-02-04")
        before = json.loads(s.request("GET", "/v1/policy")[2])["digest"]
        with open(os.path.join(pol, "rules.lua"), "a") as f:
            f.write("\nrule \"broken\" {\n")
        st, _, body = s.request("POST", "/v1/reload")
        self.assertEqual(st, 422)
        diags = json.loads(body)["diagnostics"]
        self.assertTrue(any(d.startswith(os.path.join(pol, "rules.lua") + ":") and ": error: " in d
                            for d in diags), diags)
        st, _, got = s.decide(b'{"id":"a"}')
        self.assertEqual((st, json.loads(got)["policy"]["digest"]), (200, before))
        self.assertEqual(s.metric("gavel_serve_reload_failures_total"), 1)
        # SIGHUP: a failing reload says so on stderr; a good one swaps
        s.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: s.metric("gavel_serve_reload_failures_total") == 2, "the SIGHUP reload")
        shutil.copy(os.path.join(QS, "policy", "rules.lua"), os.path.join(pol, "rules.lua"))
        set_version(pol, "9.9")
        s.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: json.loads(s.request("GET", "/v1/policy")[2])["version"] == "9.9",
                   "the second SIGHUP reload")
        # stderr is read on another thread: the diagnostics may still be on
        # their way when the reload shows in /v1/policy.
        wait_until(lambda: "error" in "".join(s.stderr), "the failed reload's diagnostics on stderr")
        self.assertIn("error", "".join(s.stderr))


# ---- the decision log ----------------------------------------------------------------

class Log(ServerCase):
    def test_replay_accepts_the_log(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        log = os.path.join(tmp, "decisions.jsonl")
        pol, data = os.path.join(QS, "policy"), os.path.join(QS, "accounts.jsonl")
        self.srv = s = Server("-p", pol, "--as-of", "2021-02-04", "--log", log, "--log-fsync")
        lines = open(data, "rb").read().splitlines(keepends=True)
        st, h, got = s.decide(b"".join(lines[:4]), "application/x-ndjson")
        for line in lines[4:]:
            self.assertEqual(s.decide(line)[0], 200)
        self.assertEqual(s.stop(), 0)
        logged = [json.loads(l) for l in open(log)]
        self.assertEqual(len(logged), len(lines))
        self.assertEqual(logged[0]["served"]["request"], h["X-Request-Id"])
        self.assertEqual([l["served"]["record"] for l in logged[:4]], [1, 2, 3, 4])
        # each logged line is the decision served, with "served" added
        first = json.loads(got.splitlines()[0])
        self.assertEqual({k: v for k, v in logged[0].items() if k != "served"}, first)
        r = subprocess.run([GAVEL, "replay", log, "-p", pol, data], stdout=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_redact(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        log = os.path.join(tmp, "d.jsonl")
        pol, data = os.path.join(QS, "policy"), os.path.join(QS, "accounts.jsonl")
        self.srv = s = Server("-p", pol, "--as-of", "2021-02-04", "--log", log,
                              "--redact", "handle", "--redact", "signals")
        st, _, got = s.decide(open(data, "rb").read(), "application/x-ndjson")
        self.assertEqual(st, 200)
        self.assertIn(b'"evidence":{"handle":', got)          # the answer keeps them
        self.assertEqual(s.stop(), 0)
        served = [json.loads(l) for l in got.splitlines()]
        logged = [json.loads(l) for l in open(log)]
        self.assertEqual(len(logged), len(served))
        redactions = 0
        for a, b in zip(served, logged):
            for ra, rb in zip(a["reasons"] + a["defeated"], b["reasons"] + b["defeated"]):
                want = {k: v for k, v in ra["evidence"].items() if k not in ("handle", "signals")}
                redactions += want != ra["evidence"]
                self.assertEqual(rb["evidence"], want)
                self.assertEqual({k: v for k, v in ra.items() if k != "evidence"},
                                 {k: v for k, v in rb.items() if k != "evidence"})
        self.assertGreater(redactions, 2)

    def test_rotation(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        log = os.path.join(tmp, "d.jsonl")
        self.srv = s = Server("-p", os.path.join(QS, "policy"), "--log", log, "--log-max-bytes", "3k")
        for i in range(20):
            self.assertEqual(s.decide(b'{"id":%d}' % i)[0], 200)
        self.assertEqual(s.stop(), 0)
        files = sorted(f for f in os.listdir(tmp) if f.startswith("d.jsonl."))
        self.assertGreater(len(files), 2)
        ids = []
        for f in files + ["d.jsonl"]:
            self.assertLessEqual(os.path.getsize(os.path.join(tmp, f)), 3072)
            ids += [json.loads(l)["id"] for l in open(os.path.join(tmp, f))]
        self.assertEqual(sorted(ids), list(range(20)))

    def test_disk_full_is_503(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        log = os.path.join(tmp, "d.jsonl")

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        self.srv = s = Server("-p", os.path.join(QS, "policy"), "--log", log, preexec=small_files)
        ok = 0
        for i in range(200):
            st, _, body = s.decide(b'{"id":%d}' % i)
            if st == 503:
                break
            self.assertEqual(st, 200)
            ok += 1
        self.assertEqual(st, 503, "the log never filled")
        self.assertGreater(ok, 5)
        self.assertIn(b"log", body)
        self.assertEqual(s.decide(b'{"id":"again"}')[0], 503)   # and stays refused
        self.assertEqual(s.request("GET", "/healthz")[0], 200)
        ids = [json.loads(l)["id"] for l in open(log)]          # whole lines, nothing lost
        self.assertEqual(ids, list(range(ok)))
        self.assertEqual(s.metric("gavel_serve_log_failures_total"), 2)


class Crash(ServerCase):
    def test_kill_9_under_load(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        log = os.path.join(tmp, "d.jsonl")
        self.srv = s = Server("-p", os.path.join(QS, "policy"), "--log", log, "-j", "4")
        record = open(os.path.join(QS, "accounts.jsonl"), "rb").read().splitlines()[3]
        answered, lock = [], threading.Lock()

        def client(k):
            conn = http.client.HTTPConnection(s.host, s.port, timeout=DEADLINE)
            n = 0
            while True:
                rid = "c%d-%d" % (k, n)
                n += 1
                try:
                    conn.request("POST", "/v1/decide", b"\n".join([record] * 3),
                                 {"Content-Type": "application/x-ndjson", "X-Request-Id": rid})
                    r = conn.getresponse()
                    r.read()
                except Exception:
                    return
                if r.status == 200:
                    with lock:
                        answered.append(rid)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        wait_until(lambda: len(answered) > 300, "answers")
        s.proc.kill()
        s.proc.wait()
        for t in threads:
            t.join()
        text = open(log, "rb").read()
        self.assertTrue(text.endswith(b"\n"))
        logged = {}
        for line in text.splitlines():
            d = json.loads(line)                      # every line parses
            logged.setdefault(d["served"]["request"], []).append(d["served"]["record"])
        for rid in answered:                          # every answer was logged first
            self.assertEqual(logged.get(rid), [1, 2, 3], rid)


# ---- shadow --------------------------------------------------------------------------

class Shadow(ServerCase):
    def test_counts_equal_gavel_diff(self):
        ctx = os.path.join(FP, "order-2021-02-04.yaml")
        data = os.path.join(FP, "accounts-257.jsonl")
        old, new = os.path.join(ROOT, "rules", "platform-manipulation"), os.path.join(ROOT, "rules", "in-it-act-69a")
        diff = json.loads(subprocess.run([GAVEL, "diff", "-p", old, "-p", new, "--context", ctx,
                                          "-f", "json", data], stdout=subprocess.PIPE).stdout)
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        log = os.path.join(tmp, "d.jsonl")
        self.srv = s = Server("-p", old, "--shadow", new, "--context", ctx, "--log", log)
        body = open(data, "rb").read()
        st, _, got = s.decide(body, "application/x-ndjson")
        self.assertEqual(st, 200)
        self.assertEqual(got, eval_lines(old, data, "--context", ctx))   # never the shadow's
        self.assertEqual(s.metric("gavel_serve_shadow_records_total"), diff["records"])
        self.assertEqual(s.metric("gavel_serve_shadow_changed_total"), diff["changed"])
        self.assertEqual(s.metric("gavel_serve_shadow_reasons_changed_total"), diff["reasons_changed"])
        self.assertEqual(s.metric("gavel_serve_shadow_differences_total"),
                         diff["changed"] + diff["reasons_changed"])
        self.assertEqual(s.metric('gavel_serve_shadow_differences_total{what="decision"}'),
                         diff["changed"])
        pol = json.loads(s.request("GET", "/v1/policy")[2])
        self.assertEqual(pol["shadow"]["name"], "in-it-act-69a")
        self.assertEqual(s.stop(), 0)
        logged = [json.loads(l) for l in open(log)]
        differing = [l for l in logged if "shadow" in l["served"]]
        self.assertEqual(len(differing), diff["changed"] + diff["reasons_changed"])
        self.assertEqual(sum(l["served"]["shadow"]["differs"] == "decision" for l in logged),
                         diff["changed"])


# ---- hostile requests ---------------------------------------------------------------

class Hostile(ServerCase):
    def raw(self, payload, wait):
        """Sends payload; with wait, reads until the server answers or closes."""
        sock = socket.create_connection((self.srv.host, self.srv.port), timeout=DEADLINE)
        reply = b""
        try:
            sock.sendall(payload)
            while wait and b"\r\n\r\n" not in reply:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass
        sock.close()
        return reply

    def test_a_few_thousand_hostile_requests(self):
        self.srv = s = Server("-p", os.path.join(QS, "policy"), "--timeout", "1", "-j", "2",
                              "--max-body", "64k")
        import random
        rnd = random.Random(16)
        good = (b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 10\r\n\r\n{\"id\":\"a\"}")
        payloads = [
            b"\x00\xff garbage \r\n\r\n",
            b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"a" * 100000 + b"\r\n\r\n",
            b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: -5\r\n\r\n{}",
            b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 99999999999999999999999\r\n\r\n{}",
            b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{\"id\":",
            b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n",
            b"GET /v1/policy HTTP/9.9\r\n\r\n",
            b"GET /%00%ff/../../etc/passwd?as_of=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            good[:-3] + b"\xff\xfe\x00",
            b"POST /v1/decide?as_of=" + b"9" * 5000 + b" HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 6000\r\n\r\n" + b"[" * 6000,
        ]
        for i in range(2400):
            p = payloads[i % len(payloads)]
            if i % 3 == 0:
                p = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200)))
            elif i % 7 == 0:
                cut = rnd.randrange(len(good))
                p = good[:cut] + bytes([rnd.randrange(256)]) + good[cut + 1:]
            # the first of each kind waits for its answer; then they come and go
            reply = self.raw(p, wait=i < len(payloads))
            if i < len(payloads) and reply:
                self.assertRegex(reply, rb"^HTTP/1\.1 [45]\d\d ", p[:80])
        # slowloris: partial requests held open; the server closes them after --timeout
        socks = []
        for i in range(20):
            sock = socket.create_connection((s.host, s.port), timeout=DEADLINE)
            sock.sendall(good[:len(good) - 4 if i % 2 else 30])
            socks.append(sock)
        for sock in socks:           # closed by the server, unanswered or answered 408
            data = sock.recv(65536)
            self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 408"), data[:80])
            sock.close()
        self.assertIsNone(s.proc.poll())
        st, _, body = s.decide(b'{"id":"still"}')
        self.assertEqual(st, 200)
        self.assertIn(b'"id":"still"', body)
        self.assertEqual(s.request("GET", "/healthz")[0], 200)


GROUPS = {"decide": Decide, "errors": Errors, "reload": Reload, "log": Log, "crash": Crash,
          "shadow": Shadow, "hostile": Hostile}

if __name__ == "__main__":
    GAVEL = os.path.abspath(sys.argv[1])
    suite = unittest.TestLoader().loadTestsFromTestCase(GROUPS[sys.argv[2]])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
