#!/bin/sh
# The EU DSA notice-and-action example in one command: decides every notice
# in notices.jsonl under policy/ and writes the decisions, measures and all,
# to out/decisions.jsonl (or $OUT/decisions.jsonl), then prints the counts.
# Where this gavel has `gavel export`, it also writes the statements of
# reasons for the DSA Transparency Database to out/statements.json.
#
#   examples/eu-dsa/run.sh [GAVEL]      # GAVEL defaults to build/gavel
#   OUT=dir examples/eu-dsa/run.sh      # write into dir instead of out/
set -eu
EX=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in      # resolved before the cd below
  "") GAVEL=$EX/../../build/gavel ;;
  /*) GAVEL=$1 ;;
  *)  GAVEL=$(pwd)/$1 ;;
esac
case "${OUT:-}" in
  "") OUT=$EX/out ;;
  /*) ;;
  *)  OUT=$(pwd)/$OUT ;;
esac
cd "$EX"
mkdir -p "$OUT"

# The notices' own times decide (due and until are counted from each
# notice's receipt), so as_of is fixed for a reproducible run.
"$GAVEL" eval -p policy --as-of 2024-03-31 --summary -o "$OUT/decisions.jsonl" notices.jsonl 2>&1

if "$GAVEL" help export >/dev/null 2>&1; then
  "$GAVEL" export --format dsa-sor -p policy --records notices.jsonl "$OUT/decisions.jsonl" \
    -o "$OUT/statements.json"
  echo "statements of reasons: $OUT/statements.json"
fi
echo "decisions: $OUT/decisions.jsonl"
