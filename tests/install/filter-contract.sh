#!/usr/bin/env bash
# `gavel eval` as a JSON-Lines filter, as docs/scale-out.md promises it to
# Spark's RDD.pipe and Hadoop Streaming (ctest scaleout.filter):
#   tests/install/filter-contract.sh GAVEL_BIN
#  - one line out per record line in, in input order, with -j 1 and -j 2;
#  - whitespace-only lines (blank, spaces, tabs, a lone \r) are skipped;
#  - a line that is not a record still gets its line: the on_error decision,
#    in its place, with an error naming <stdin>:LINE;
#  - exit 0 when every record was decided cleanly, 1 when some got on_error,
#    2 when it could not run (and then nothing on stdout);
#  - the gavel-filter wrapper shown in docs/scale-out.md maps 1 to 0 and
#    keeps 2.
set -euo pipefail
GAVEL=${1:?usage: filter-contract.sh GAVEL_BIN}
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: filter: $*" >&2; exit 1; }
P=examples/quickstart/policy
run() { "$GAVEL" eval -p $P --as-of 2021-02-04 -q "$@"; }

# 400 records with blank lines of every kind mixed in.
python3 - "$TMP" <<'PY'
import json, sys
out = sys.argv[1]
recs = [json.loads(l) for l in open("examples/quickstart/accounts.jsonl", encoding="utf-8") if l.strip()]
blanks = ["", "   ", "\t", " \t ", "\r"]
with open(out + "/in.jsonl", "w", encoding="utf-8", newline="") as f, \
     open(out + "/ids", "w", encoding="utf-8") as ids:
    for k in range(20):
        for i, r in enumerate(recs):
            rid = "%s-%02d" % (r["id"], k)
            f.write(json.dumps(dict(r, id=rid), ensure_ascii=False) + "\n")
            ids.write(json.dumps(rid) + "\n")
            if (i + k) % 9 == 0:
                f.write(blanks[(i + k) % len(blanks)] + "\n")
PY
for j in 1 2; do
  run -j $j <"$TMP/in.jsonl" >"$TMP/out.$j" && st=0 || st=$?
  [ "$st" = 0 ] || fail "-j $j: exit $st on clean records"
  python3 -c 'import json,sys; [print(json.dumps(json.loads(l)["id"])) for l in open(sys.argv[1])]' \
    "$TMP/out.$j" >"$TMP/ids.$j"
  diff -q "$TMP/ids" "$TMP/ids.$j" >/dev/null || fail "-j $j: not one line per record in input order"
done
cmp -s "$TMP/out.1" "$TMP/out.2" || fail "-j 2 output differs from -j 1"
[ "$(grep -c . "$TMP/in.jsonl")" -gt 400 ] || fail "the input has no blank lines to skip"

# Lines that are not records keep their place.
printf '{"id":"a"}\nnot json\n[1,2]\n\n\xff\n{"id":"b"}\n' >"$TMP/bad.jsonl"
run <"$TMP/bad.jsonl" >"$TMP/bad.out" && st=0 || st=$?
[ "$st" = 1 ] || fail "exit $st with unreadable lines, expected 1"
python3 - "$TMP/bad.out" <<'PY' || fail "unreadable lines are not kept in place"
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
assert [x["id"] for x in d] == ["a", 2, 3, 4, "b"], [x["id"] for x in d]
assert [x["decision"] for x in d] == ["keep", "review", "review", "review", "keep"]
for x, line in zip(d[1:4], (2, 3, 5)):
    assert x["errors"][0]["rule"] is None and x["errors"][0]["message"].startswith("<stdin>:%d" % line), x
PY

# No raw tab or newline inside an output line, whatever the record holds.
printf '{"id":"t\\tab","handle":"a\\tb\\nc","category":"news_media","verified":true}\n' >"$TMP/tab.jsonl"
run <"$TMP/tab.jsonl" >"$TMP/tab.out" || fail "a record with tabs: exit $?"
[ "$(wc -l <"$TMP/tab.out")" = 1 ] && ! grep -q "$(printf '\t')" "$TMP/tab.out" \
  || fail "a raw tab or newline in the output: $(cat "$TMP/tab.out")"
grep -qF '"reason":"a\tb\nc is a verified news media entity"' "$TMP/tab.out" || fail "tab record: $(cat "$TMP/tab.out")"

# Could not run: exit 2, nothing on stdout.
"$GAVEL" eval -p /nonexistent/policy <"$TMP/in.jsonl" >"$TMP/none.out" 2>/dev/null && st=0 || st=$?
[ "$st" = 2 ] && [ ! -s "$TMP/none.out" ] || fail "a missing policy: exit $st, $(wc -c <"$TMP/none.out") bytes out"

# The wrapper of docs/scale-out.md.
python3 - docs/scale-out.md >"$TMP/gavel-filter" <<'PY'
import re, sys
blocks = re.findall(r"^```sh\n(.*?)^```$", open(sys.argv[1], encoding="utf-8").read(), re.S | re.M)
print([b for b in blocks if "# gavel-filter:" in b][0], end="")
PY
head -n1 "$TMP/gavel-filter" | grep -qx '#!/bin/sh' || fail "no gavel-filter wrapper in docs/scale-out.md"
chmod +x "$TMP/gavel-filter"
mkdir "$TMP/bin" && ln -s "$(cd "$(dirname "$GAVEL")" && pwd)/$(basename "$GAVEL")" "$TMP/bin/gavel"
PATH="$TMP/bin:$PATH" "$TMP/gavel-filter" -p $P --as-of 2021-02-04 <"$TMP/bad.jsonl" >"$TMP/w.out" && st=0 || st=$?
[ "$st" = 0 ] && cmp -s "$TMP/w.out" "$TMP/bad.out" || fail "gavel-filter: exit $st on on_error records, expected 0 and the same lines"
PATH="$TMP/bin:$PATH" "$TMP/gavel-filter" -p /nonexistent/policy <"$TMP/bad.jsonl" >/dev/null 2>&1 && st=0 || st=$?
[ "$st" = 2 ] || fail "gavel-filter: exit $st when gavel could not run, expected 2"
echo "ok: filter contract: 400 records with blank lines, -j 1 and -j 2; unreadable lines in place; exit 0/1/2; gavel-filter"
