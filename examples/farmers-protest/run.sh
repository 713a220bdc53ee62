#!/bin/sh
# The farmers'-protest example in one command: decides the accounts of both
# orders under both policies and prints the counts (README.md tells the
# story they make; tests/e2e/farmers.t checks that the README's numbers are
# exactly what this prints).
#
#   examples/farmers-protest/run.sh [GAVEL]      # GAVEL defaults to build/gavel
#   OUT=dir examples/farmers-protest/run.sh      # also keep the decisions in dir
#
# Needs python3 (standard library only) for the table of both tracks.
set -eu
cd "$(dirname "$0")/../.."
GAVEL=${1:-build/gavel}
EX=examples/farmers-protest
if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT"
else
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
fi

decide() {  # decide DATE N POLICY TITLE
  echo "== $4: the order of $1, $2 accounts, policy $3"
  "$GAVEL" eval -p "rules/$3" --context "$EX/order-$1.yaml" --summary \
    -o "$OUT/$1.$3.jsonl" "$EX/accounts-$2.jsonl" 2>&1
  echo
}

for spec in "2021-01-31 257" "2021-02-04 1178"; do
  set -- $spec
  decide "$1" "$2" in-it-act-69a "the legal track (withhold in India)"
  decide "$1" "$2" platform-manipulation "the platform track (suspend everywhere)"
  python3 - "$1" "$OUT/$1.in-it-act-69a.jsonl" "$OUT/$1.platform-manipulation.jsonl" <<'PY'
import collections, json, sys
date, legal_file, platform_file = sys.argv[1:]
legal = [json.loads(line) for line in open(legal_file, encoding="utf-8")]
platform = [json.loads(line) for line in open(platform_file, encoding="utf-8")]
assert [d["id"] for d in legal] == [d["id"] for d in platform]
both = collections.Counter((l["decision"], p["decision"]) for l, p in zip(legal, platform))
cols = ["suspend", "review", "keep"]
print("== both tracks: the order of %s (rows: s.69A decision; columns: platform decision)" % date)
print("%-10s" % "" + "".join("%9s" % c for c in cols) + "%9s" % "total")
for row in ["withhold", "review", "keep"]:
    n = [both[(row, c)] for c in cols]
    print("%-10s" % row + "".join("%9d" % x for x in n) + "%9d" % sum(n))
print("%-10s" % "total" + "".join("%9d" % sum(both[(r, c)] for r in ["withhold", "review", "keep"]) for c in cols)
      + "%9d" % len(legal))
print()
# What the legal track's measures do, account by account.
count, posts = collections.Counter(), 0
for d in legal:
    actions = {m["action"]: m for m in d["measures"]}
    if "withhold_account" in actions:
        count["whole"] += 1
    elif "withhold_post" in actions:
        count["posts"] += 1
        posts += len(actions["withhold_post"]["targets"])
    if d["decision"] == "withhold" and "contest" in actions:
        count["contested"] += 1
    if d["decision"] == "review":
        count["review"] += 1
    if d["decision"] == "keep":
        outside = d["reasons"] and d["reasons"][0]["rule"].startswith("scope.")
        count["outside" if outside else "restored"] += 1
print("== the legal track's measures: the order of %s" % date)
for label, n in (("withheld in India, the whole account", count["whole"]),
                 ("withheld in India, only posts (%d posts)" % posts, count["posts"]),
                 ("complied with and contested", count["contested"]),
                 ("sent to review", count["review"]),
                 ("kept: outside the order", count["outside"]),
                 ("kept: the direction no longer stands", count["restored"])):
    print("%-44s%6d" % (label, n))
grounds = collections.Counter(r for d in legal for m in d["measures"] if m["action"] == "contest"
                              for r in m["rules"])
print("grounds to contest (accounts):")
for rule, n in sorted(grounds.items(), key=lambda kv: (-kv[1], kv[0])):
    print("  %-42s%6d" % (rule, n))
print()
PY
done

python3 - "$OUT" <<'PY'
import collections, json, os, sys
out = sys.argv[1]
count = collections.Counter()
for date in ("2021-01-31", "2021-02-04"):
    for policy in ("in-it-act-69a", "platform-manipulation"):
        for line in open(os.path.join(out, "%s.%s.jsonl" % (date, policy)), encoding="utf-8"):
            count[(policy, json.loads(line)["decision"])] += 1
print("== both orders together (1435 accounts)")
for label, key in (("withheld in India (legal track)", ("in-it-act-69a", "withhold")),
                   ("sent to review (legal track)", ("in-it-act-69a", "review")),
                   ("kept (legal track)", ("in-it-act-69a", "keep")),
                   ("suspended everywhere (platform track)", ("platform-manipulation", "suspend")),
                   ("sent to review (platform track)", ("platform-manipulation", "review")),
                   ("kept (platform track)", ("platform-manipulation", "keep"))):
    print("%-40s%6d" % (label, count[key]))
PY
