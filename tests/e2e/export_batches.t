# gavel export: 250 decisions, one statement each, go out as batches of at
# most 100 statements (100, 100, 50), each line one submission body;
# --batch-size makes them smaller; every puid is distinct and the output
# passes the independent checker.
P=tests/data/dsa-policy
W=$(workdir)
for i in $(seq -w 1 250); do
  printf '{"id":"u%s","posted_at":"2021-01-%02d","removal_order":{"post":"x%s","received_at":"2021-02-01T00:00:00Z"},"posts":[{"id":"x%s"}]}\n' \
    "$i" $(( (10#$i % 28) + 1 )) "$i" "$i"
done >"$W/records.jsonl"
"$GAVEL_BIN" eval -p $P --context $P/context.yaml --as-of 2021-02-02 -o "$W/log.jsonl" "$W/records.jsonl" 2>/dev/null
[ "$(wc -l <"$W/log.jsonl")" -eq 250 ] || fail "eval did not decide 250 records"

gavel export --format dsa-sor -p $P --records "$W/records.jsonl" "$W/log.jsonl"
status 0
stdout_lines 3
stderr_has "gavel: 250 decisions: 250 statements written in 3 batches"
sizes=$(python3 -c '
import json, sys
print(" ".join(str(len(json.loads(l)["statements"])) for l in open(sys.argv[1])))' "$W/out")
[ "$sizes" = "100 100 50" ] || fail "batches of $sizes, expected 100 100 50"
python3 tests/e2e/dsa_check.py "$W/out" || fail "dsa_check.py rejects the batches"
grep -o '"puid":"[^"]*"' "$W/out" | sort | uniq -d | grep -q . && fail "a puid twice"
[ "$(grep -o '"puid":"u[0-9]*-[0-9a-f]\{32\}"' "$W/out" | wc -l)" -eq 250 ] || fail "puids not ID-HEX32"

gavel export --format dsa-sor -p $P --records "$W/records.jsonl" --batch-size 40 -q "$W/log.jsonl"
status 0
stdout_lines 7
python3 tests/e2e/dsa_check.py "$W/out" || fail "dsa_check.py rejects the batches of 40"

# -o FILE.json: the same batches as one JSON array, read back by both checkers.
gavel export --format dsa-sor -p $P --records "$W/records.jsonl" -o "$W/sor.json" "$W/log.jsonl"
status 0
python3 -c '
import json, sys
print(" ".join(str(len(b["statements"])) for b in json.load(open(sys.argv[1]))))' "$W/sor.json" >"$W/sizes" ||
  fail "sor.json is not one JSON array"
[ "$(cat "$W/sizes")" = "100 100 50" ] || fail "array batches of $(cat "$W/sizes")"
gavel export --validate "$W/sor.json"
status 0
stderr_has "250 statements checked, 0 invalid"
python3 tests/e2e/dsa_check.py "$W/sor.json" || fail "dsa_check.py rejects the array"

# The checkers refuse a batch of more than 100.
python3 -c '
import json, sys
sts = [st for l in open(sys.argv[1]) for st in json.loads(l)["statements"]]
print(json.dumps({"statements": sts[:101]}))' "$W/out" >"$W/big.jsonl"
gavel export --validate "$W/big.jsonl"
status 1
stderr_has "big.jsonl:1: statements: a batch holds 1 to 100 statements"
python3 tests/e2e/dsa_check.py "$W/big.jsonl" >/dev/null 2>&1 && fail "dsa_check.py takes a batch of 101"
true
