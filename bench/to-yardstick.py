#!/usr/bin/env python3
"""gavel's JSON Lines decisions -> the yardsticks' line format.

    python3 bench/to-yardstick.py < gavel.jsonl > decisions.jsonl

Each gavel decision becomes {"id","decision","rules"}, rules being the ids
of its reasons (the fired, undefeated rules whose outcome is the decision)
sorted by byte order, exactly as bench/yardstick/engine.py and engine.c print them.
"""
import json
import sys

loads = json.loads
dumps = json.JSONEncoder(separators=(",", ":")).encode
out = []
write = sys.stdout.write
for line in sys.stdin:
    if not line.strip():
        continue
    d = loads(line)
    rules = sorted(r["rule"] for r in d.get("reasons", ()))
    out.append(dumps({"id": d["id"], "decision": d["decision"], "rules": rules}))
    if len(out) >= 10000:
        out.append("")
        write("\n".join(out))
        out = []
if out:
    out.append("")
    write("\n".join(out))
