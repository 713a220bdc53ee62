#!/usr/bin/env bash
# bench/check-workload.sh GAVEL: a quick check of the benchmark's own parts
# (ctest bench.workload), on 500 records:
#   - bench/gen.py gives the same bytes twice for the same N and seed, and
#     its first records for a larger N are the same lines (bench/scale
#     relies on that);
#   - every one of the 12 rules fires on some record, so the data exercise
#     the whole policy;
#   - the Python yardstick's decisions equal gavel's, reduced by
#     to-yardstick.py, line for line (bench/run.sh makes the same check at
#     full size, and with the C yardstick too).
# Python 3 and the gavel binary only; no compiler, no cJSON.
set -euo pipefail
GAVEL=${1:?usage: check-workload.sh GAVEL}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "check-workload: $*" >&2; exit 1; }

python3 "$ROOT/bench/gen.py" 500 --seed 7 --out "$W/a.jsonl"
python3 "$ROOT/bench/gen.py" 500 --seed 7 >"$W/b.jsonl"
cmp -s "$W/a.jsonl" "$W/b.jsonl" || fail "gen.py gave different bytes for the same N and seed"
[ "$(wc -l <"$W/a.jsonl")" -eq 500 ] || fail "gen.py 500 did not write 500 lines"
python3 "$ROOT/bench/gen.py" 600 --seed 7 | head -n 500 | cmp -s - "$W/a.jsonl" ||
    fail "the first 500 records for N=600 differ from those for N=500"
python3 "$ROOT/bench/gen.py" 500 --seed 8 | cmp -s - "$W/a.jsonl" && fail "the seed changes nothing"

"$GAVEL" eval -q -j 1 -p "$ROOT/bench/policy" -f jsonl --as-of 2021-02-04 "$W/a.jsonl" >"$W/gavel.jsonl" ||
    fail "gavel eval failed (exit $?)"
python3 - "$W/gavel.jsonl" "$ROOT/bench/policy/rules.lua" <<'PY' || exit 1
import json, re, sys
fired = {r for line in open(sys.argv[1]) for r in json.loads(line)["fired"]}
ids = re.findall(r'^rule "([^"]+)"', open(sys.argv[2]).read(), re.M)
missing = [i for i in ids if i not in fired]
if len(ids) != 12 or missing:
    sys.exit("check-workload: rules that never fire on the data: %s" % (missing or ids))
PY
python3 "$ROOT/bench/to-yardstick.py" <"$W/gavel.jsonl" >"$W/gavel.decisions.jsonl"
python3 "$ROOT/bench/yardstick/engine.py" "$W/a.jsonl" >"$W/python.jsonl" 2>/dev/null
if ! cmp -s "$W/gavel.decisions.jsonl" "$W/python.jsonl"; then
    diff "$W/gavel.decisions.jsonl" "$W/python.jsonl" | head -6 >&2
    fail "the Python yardstick and gavel disagree (gavel <, Python >)"
fi
echo "bench workload: 500 records, deterministic, all 12 rules fire, Python yardstick agrees with gavel"
