#!/usr/bin/env bash
# bench/serve.sh: `gavel serve` under wrk (make bench-serve): requests/s and
# p50/p99 latency at 1, 16 and 64 connections, for single records
# (application/json) and NDJSON batches of 100, beside `gavel eval`'s
# records/s on the same records. The farmers'-protest accounts (1,178) under
# rules/platform-manipulation and the order of 4 February 2021.
#
#   bench/serve.sh [GAVEL] [SECONDS]       # defaults: build/gavel, 10 s a run
set -euo pipefail
cd "$(dirname "$0")/.."
GAVEL=${1:-build/gavel}
SECS=${2:-10}
JOBS=${JOBS:-$(nproc)}
POLICY=rules/platform-manipulation
CTX=examples/farmers-protest/order-2021-02-04.yaml
DATA=examples/farmers-protest/accounts-1178.jsonl
command -v wrk >/dev/null || { echo "bench-serve needs wrk: apt-get install wrk" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# The CLI on the same records, 20 times over (about 23,000), best of 3.
for _ in $(seq 20); do cat "$DATA"; done > "$work/many.jsonl"
n=$(wc -l < "$work/many.jsonl")
best=0
for _ in 1 2 3; do
  t0=$(date +%s.%N)
  "$GAVEL" eval -p "$POLICY" --context "$CTX" -j "$JOBS" "$work/many.jsonl" > /dev/null
  t1=$(date +%s.%N)
  best=$(python3 -c "print(max($best, $n / ($t1 - $t0)))")
done
printf 'gavel eval -j %s: %.0f records/s\n' "$JOBS" "$best"

"$GAVEL" serve -p "$POLICY" --context "$CTX" -j "$JOBS" --listen 127.0.0.1:0 \
  --max-connections 200 2> "$work/serve.err" &
pid=$!
for _ in $(seq 500); do grep -q 'listening on' "$work/serve.err" 2>/dev/null && break; sleep 0.01; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/serve.err")
[ -n "$url" ] || { cat "$work/serve.err" >&2; exit 1; }

# wrk's script: a body per request, cycling through the records (or
# batches of 100), and one line of figures at the end.
cat > "$work/bodies.lua" <<'LUA'
local bodies, i = {}, 0
local path, per, ctype = os.getenv("BODIES"), tonumber(os.getenv("PER")), os.getenv("CTYPE")
local batch, n = {}, 0
for line in io.lines(path) do
  batch[#batch + 1] = line
  if #batch == per then bodies[#bodies + 1] = table.concat(batch, "\n") .. "\n"; batch = {} end
end
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/decide", { ["Content-Type"] = ctype }, bodies[i])
end
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("%.0f req/s  %.0f records/s  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / s, summary.requests * per / s, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
for kind in "single 1 application/json" "batch100 100 application/x-ndjson"; do
  set -- $kind
  for c in 1 16 64; do
    printf '%-9s c=%-3s ' "$1" "$c"
    BODIES=$DATA PER=$2 CTYPE=$3 wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${SECS}s" \
      -s "$work/bodies.lua" "$url" | tail -n 1
  done
done
kill -TERM "$pid"
wait "$pid"
