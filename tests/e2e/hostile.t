# Hostile records: each gets exactly one on_error decision that says where
# and what; the good records around them are decided normally.
Q=examples/quickstart/policy
H=$(workdir)/hostile.jsonl
python3 - "$H" <<'PY'
import sys
good = b'{"id":"ok","posts":[]}'
lines = [
  good,
  b'{"id":"dup","a":1,"a":2}',
  b'{"id":"utf8","t":"\xff\xfe"}',
  b'{"id":"nul","t":"a\\u0000b"}',
  b'{"id":"surrogate","t":"\\ud800"}',
  b'{"id":"big","n":123456789012345678901234567890}',
  b'{"id":"inf","n":1e999}',
  b'{"id":"trailing"} {"x":1}',
  b'[' * 100 + b']' * 100,
  b'{"id":"deep","a":' + b'[' * 70 + b']' * 70 + b'}',
  b'{"id":"rawnul","t":"a\x00b"}',
  b'"just a string"',
  b'{"id":"long","t":"' + b'x' * 300000 + b'"}',
  good,
]
open(sys.argv[1], "wb").write(b"\n".join(lines) + b"\n")
PY
gavel eval -p $Q --as-of 2021-02-04 --max-record-bytes 100k "$H"
status 1
stdout_lines 14
stdout_has 'hostile.jsonl:2:'
stdout_has 'duplicate key'
stdout_has 'hostile.jsonl:3:'
stdout_has 'invalid UTF-8'
stdout_has 'NUL'
stdout_has 'surrogate'
stdout_has 'integer out of range'
stdout_has 'number out of range'
stdout_has 'trailing data'
stdout_has 'hostile.jsonl:9:'
stdout_has 'nesting deeper than 64'
stdout_has 'hostile.jsonl:12: a record must be a mapping'
stdout_has 'hostile.jsonl:13:1: line longer than 102400 bytes'
python3 - "$(workdir)/out" <<'PY' || fail "not one on_error decision per hostile record"
import json, sys
ds = [json.loads(l) for l in open(sys.argv[1])]
assert ds[0]["decision"] == "keep" and ds[-1]["decision"] == "keep", ds[0]
for d in ds[1:-1]:
    assert d["decision"] == "review" and d["errors"] and d["errors"][0]["rule"] is None, d
PY

# With -j the workers parse: the same errors, the same lines, the same order.
cp "$(workdir)/out" "$(workdir)/j1.out"
gavel eval -p $Q --as-of 2021-02-04 --max-record-bytes 100k -j 3 "$H"
status 1
cmp -s "$(workdir)/j1.out" "$(workdir)/out" || fail "-j 3 differs from -j 1 on hostile input"

# YAML: aliases, tags, duplicate keys are bad records and the stream goes
# on; a syntax error ends the stream with one error record, and the run
# says that the rest of the file was not read (exit 2, not 1).
Y=$(workdir)/hostile.yaml
cat >"$Y" <<'YML'
- {id: ok1, posts: []}
- &a {id: anchor, posts: []}
- {id: tagged, x: !!python/object:os.system ls}
- {id: dup, a: 1, a: 2}
- {id: ok2, posts: []}
YML
gavel eval -p $Q --as-of 2021-02-04 "$Y"
status 1
stdout_lines 5
stdout_has '"id":"ok1","decision":"keep"'
stdout_has 'anchors and aliases are not allowed'
stdout_has 'hostile.yaml:3:'
stdout_has 'duplicate key'
stdout_has '"id":"ok2","decision":"keep"'

B=$(workdir)/broken.yaml
printf -- '- {id: ok1, posts: []}\n- {id: bad, x: [1, 2}\n- {id: ok2, posts: []}\n' >"$B"
gavel eval -p $Q --as-of 2021-02-04 "$B"
status 2
stdout_lines 2
stdout_has '"id":"ok1","decision":"keep"'
stdout_has 'broken.yaml:2:21: did not find expected'
stderr_has 'broken.yaml:2: the YAML stream cannot be read past this error; records after it, if any, were not read'

# Same decisions whatever the order of the records: shuffle, sort, compare.
S=$(workdir)/shuffled.jsonl
python3 -c 'import random,sys; l=open(sys.argv[1]).readlines(); random.Random(7).shuffle(l); open(sys.argv[2],"w").writelines(l)' examples/quickstart/accounts.jsonl "$S"
gavel eval -p $Q --as-of 2021-02-04 examples/quickstart/accounts.jsonl
sort "$(workdir)/out" >"$(workdir)/a.sorted"
gavel eval -p $Q --as-of 2021-02-04 -j 2 "$S"
sort "$(workdir)/out" >"$(workdir)/b.sorted"
cmp -s "$(workdir)/a.sorted" "$(workdir)/b.sorted" || fail "shuffled input gave other decisions"

# Nothing lost at scale: 100,000 records, 1% of them garbage, give exactly
# 100,000 decisions, the garbage ones on_error, in order.
M=$(workdir)/mass.jsonl
python3 - "$M" examples/quickstart/accounts.jsonl <<'PY'
import random, sys
good = open(sys.argv[2], "rb").read().splitlines()
rng = random.Random(1)
junk = [b'{"id":', b'\xff\xfe\x00', b'[1,2', b'{"a":1,"a":2}', b'nul\x00l', b'{"n":1e999}']
with open(sys.argv[1], "wb") as f:
    for i in range(100000):
        f.write((junk[rng.randrange(len(junk))] if i % 100 == 57 else good[i % len(good)]) + b"\n")
PY
gavel eval -p $Q --as-of 2021-02-04 -f csv "$M"
status 1
stdout_lines 100001
python3 - "$(workdir)/out" <<'PY' || fail "garbage records not on_error in place"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))[1:]
assert len(rows) == 100000
bad = [i for i, r in enumerate(rows) if r[0] == str(i + 1)]
assert bad == [i for i in range(100000) if i % 100 == 57], bad[:5]
assert all(rows[i][1] == "review" for i in bad)
PY

# A .json file: the value limit holds for each item, which gets its own
# on_error in place; a file past --max-record-bytes (it is read whole) is
# refused as unreadable, exit 2, rather than read into memory.
J=$(workdir)/items.json
python3 -c "
import json, sys
recs = [{'id': 'a', 'posts': []}, {'id': 'big', 'posts': [{'id': str(i)} for i in range(30)]}, {'id': 'c'}]
json.dump(recs, open(sys.argv[1], 'w'))" "$J"
gavel eval -p $Q --as-of 2021-02-04 --max-nodes 20 "$J"
status 1
stdout_lines 3
stdout_has '"id":"a","decision":"keep"'
stdout_has 'items.json:1:28: more than 20 values (--max-nodes)'
stdout_has '"id":"c","decision":"keep"'
gavel eval -p $Q --as-of 2021-02-04 --max-record-bytes 100 "$J"
status 2
stdout_lines 0
stderr_has 'items.json: a .json file is read whole, and this one is longer than 100 bytes (--max-record-bytes)'
