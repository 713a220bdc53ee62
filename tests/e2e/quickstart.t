# The quick-start example: whole outputs in every format, compared with
# files a person has read. JSONL and YAML inputs give identical decisions.
Q=examples/quickstart
gavel eval -p $Q/policy --as-of 2021-02-04 $Q/accounts.jsonl
status 0
stdout_lines 20
stdout_is tests/e2e/expected/quickstart.jsonl
gavel eval -p $Q/policy --as-of 2021-02-04 $Q/accounts.yaml
status 0
same_stdout_as_previous
gavel_stdin $Q/accounts.jsonl eval -p $Q/policy --as-of 2021-02-04 -
same_stdout_as_previous
gavel eval -p $Q/policy --as-of 2021-02-04 -f table $Q/accounts.jsonl
stdout_is tests/e2e/expected/quickstart.table
gavel eval -p $Q/policy --as-of 2021-02-04 -f csv $Q/accounts.jsonl
stdout_is tests/e2e/expected/quickstart.csv
gavel eval -p $Q/policy --as-of 2021-02-04 -f yaml $Q/accounts.jsonl
stdout_is tests/e2e/expected/quickstart.yaml
gavel eval -p $Q/policy --as-of 2021-02-04 -f json $Q/accounts.jsonl
status 0
python3 - "$(workdir)/out" "tests/e2e/expected/quickstart.jsonl" <<'PY' || fail "json array differs from jsonl"
import json, sys
arr = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
assert arr == lines, "mismatch"
PY
gavel eval -p $Q/policy --as-of 2021-02-04 -f yaml $Q/accounts.jsonl
python3 - "$(workdir)/out" "tests/e2e/expected/quickstart.jsonl" <<'PY' || fail "yaml output does not parse to the jsonl decisions"
import json, sys, yaml
docs = yaml.safe_load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
for d in lines: del d["policy"]
assert docs == lines, (docs[0], lines[0])
PY
