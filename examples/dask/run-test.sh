#!/usr/bin/env bash
# The Dask example's test (ctest example.dask):
#   examples/dask/run-test.sh GAVEL_BIN
# makes a data set (the quick-start accounts 60 times over, with fresh ids,
# in two files, with some blank lines), decides it with evaluate.py on a
# LocalCluster of 2 worker processes, and checks the decisions equal
# `gavel eval` on the same files: sorted, and also in order.
# Exit 77 (ctest: skipped) when no python3 here has Dask distributed.
set -euo pipefail
GAVEL_BIN=${1:?usage: run-test.sh GAVEL_BIN}
cd "$(dirname "$0")/../.."
PY=""
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import dask.bag, distributed' 2>/dev/null; then
    PY=$cand; break
  fi
done
if [ -z "$PY" ]; then
  echo "SKIPPED: Dask distributed is not installed for python3 (Debian: apt-get install python3-distributed)"
  exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: dask: $*" >&2; exit 1; }

"$PY" - examples/quickstart/accounts.jsonl "$TMP" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
records = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
for part, copies in (("a", range(0, 30)), ("b", range(30, 60))):
    with open("%s/%s.jsonl" % (out, part), "w", encoding="utf-8") as f:
        for k in copies:
            for r in records:
                f.write(json.dumps(dict(r, id="%s-%02d" % (r["id"], k)), ensure_ascii=False) + "\n")
            if k % 7 == 0:
                f.write("\n   \n")      # gavel skips whitespace-only lines
PY
Q=examples/quickstart
"$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 "$TMP/a.jsonl" "$TMP/b.jsonl" >"$TMP/expected" \
  || fail "gavel eval failed"
[ "$(wc -l <"$TMP/expected")" -eq 1200 ] || fail "gavel eval gave $(wc -l <"$TMP/expected") lines, not 1200"

timeout 300 "$PY" examples/dask/evaluate.py -p $Q/policy --as-of 2021-02-04 --workers 2 --blocksize 64KiB \
  -o "$TMP/out" "$TMP/a.jsonl" "$TMP/b.jsonl" || fail "evaluate.py exited $?"
nparts=$(ls "$TMP/out" | wc -l)
[ "$nparts" -ge 4 ] || fail "only $nparts partitions: the data was not split"
cat "$TMP"/out/part-*.jsonl >"$TMP/got"
LC_ALL=C sort "$TMP/expected" >"$TMP/expected.sorted"
LC_ALL=C sort "$TMP/got" >"$TMP/got.sorted"
diff -u "$TMP/expected.sorted" "$TMP/got.sorted" >&2 || fail "the decisions differ from gavel eval"
diff -q "$TMP/expected" "$TMP/got" >/dev/null || fail "same decisions, but not in input order"
echo "ok: dask: 1200 decisions in $nparts partitions on 2 workers, equal to gavel eval"
