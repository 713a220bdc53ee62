#!/usr/bin/env bash
# bench/run.sh: gavel against the benchmark's two yardsticks, side by side.
#
#   bench/run.sh [N] [--runs K] [--scale]        (make bench = bench/run.sh)
#
#   N          records to generate (default 200000), bench/gen.py at a fixed seed
#   --runs K   timed runs per engine (default 5); the figure is the median
#   --scale    also run gavel over 1,000,000 records for its peak RSS
#              (generates a ~1.5 GB file once; not run by default)
#
# Engines, run round-robin so a noisy neighbour hurts them all alike:
#   gavel        gavel eval -p bench/policy -f jsonl --as-of 2021-02-04
#   gavel-empty  the same with bench/empty (one rule that never fires): the
#                read/parse/write floor of gavel itself
#   gavel-j2     with -j 2, when gavel eval has -j (then gavel runs -j 1)
#   python       bench/yardstick/engine.py (plain Python, json module)
#   c            bench/yardstick/engine.c (hand-written C with cJSON)
# Figures are whole-process, as a user sees them: records/s and MB/s of
# input from the median wall time of K runs, peak RSS (max over the runs)
# from /usr/bin/time -f %M, and the median user+sys CPU time (steadier than
# wall time on a shared machine). Decisions are checked: gavel's output,
# reduced to the yardsticks' {"id","decision","rules"} lines, must equal the
# C program's and the Python script's after LC_ALL=C sort (exit 1 if not).
#
# Everything it runs is in this repository: the data from bench/gen.py, the
# word lists from bench/policy (bench/lexicons.py). Generated data are cached
# under a name that holds a digest of the generator and its word lists, so a
# change to either makes new data.
#
# Environment: BENCH_TMP (data, binaries and outputs; default
# $TMPDIR/gavel-bench), BENCH_BUILD (gavel build dir, default build-bench),
# BENCH_REV (measure that commit, built from a `git archive` of it in
# BENCH_TMP, instead of the working tree: e.g. BENCH_REV=HEAD while the
# tree is being edited), BENCH_SEED (default 20210204), BENCH_SCALE_N
# (records for --scale, default 1000000).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=${BENCH_TMP:-${TMPDIR:-/tmp}/gavel-bench}
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
SEED=${BENCH_SEED:-20210204}
AS_OF=2021-02-04
SCALE_N=${BENCH_SCALE_N:-1000000}

N=200000
RUNS=5
SCALE=0
while [ $# -gt 0 ]; do
    case $1 in
        --scale) SCALE=1 ;;
        --runs) RUNS=${2:?--runs needs a number}; shift ;;
        --runs=*) RUNS=${1#--runs=} ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        ''|*[!0-9]*) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
        *) N=$1 ;;
    esac
    shift
done
[ "$N" -gt 0 ] && [ "$RUNS" -gt 0 ] || { echo "run.sh: N and --runs must be positive" >&2; exit 2; }

mkdir -p "$TMP"
say() { printf '%s\n' "$*" >&2; }

# ---- what it needs ----------------------------------------------------------

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() {
    say "installing $* (apt-get)"
    $SUDO apt-get install -y -q "$@" >/dev/null 2>&1 ||
        { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "$@" >/dev/null; }
}
[ -x /usr/bin/time ] || apt_install time
[ -f /usr/include/cjson/cJSON.h ] || apt_install libcjson-dev

# The real interpreter, not a version manager's shim that would add its own
# start-up to every Python run.
PY=$(python3 -c 'import sys; print(sys.executable)')

SRC=$ROOT
LABEL="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?') (working tree)"
if [ -n "${BENCH_REV:-}" ]; then
    REV=$(git -C "$ROOT" rev-parse --short "$BENCH_REV^{commit}")
    SRC=$TMP/src-$REV
    if [ ! -f "$SRC/CMakeLists.txt" ]; then
        rm -rf "$SRC" && mkdir -p "$SRC"
        git -C "$ROOT" archive "$REV" | tar -x -C "$SRC"
    fi
    BUILD=${BENCH_BUILD:-$TMP/build-$REV}
    LABEL="$REV (commit)"
fi

say "building gavel (Release) from $SRC in $BUILD"
if ! { cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DGAVEL_WERROR=OFF &&
       cmake --build "$BUILD" -j2; } >"$TMP/build.log" 2>&1; then
    tail -30 "$TMP/build.log" >&2
    say "run.sh: gavel build failed (log: $TMP/build.log)"
    exit 2
fi
GAVEL=$BUILD/gavel

say "building the C yardstick"
cc -O2 -o "$TMP/cfloor" "$ROOT/bench/yardstick/engine.c" -lcjson
"$PY" "$ROOT/bench/lexicons.py" "$TMP/lexicons.json"

GEN_ID=$("$ROOT/bench/gen-id.sh")
data_file() {   # N -> path of the cached data set, generated once
    local f="$TMP/accounts-$GEN_ID-$1-$SEED.jsonl"
    if [ ! -s "$f" ]; then
        say "generating $1 records (seed $SEED) -> $f"
        "$PY" "$ROOT/bench/gen.py" "$1" --seed "$SEED" --out "$f.part"
        mv "$f.part" "$f"
    fi
    printf '%s\n' "$f"
}
DATA=$(data_file "$N")
BYTES=$(stat -c %s "$DATA")
cat "$DATA" >/dev/null   # page cache: every engine reads it warm

HAVE_J=0
"$GAVEL" eval --help 2>&1 | grep -qE -- '(^|[ ,])-j([ ,]|$)|--jobs' && HAVE_J=1
JONE=()
[ $HAVE_J -eq 1 ] && JONE=(-j 1)

# ---- the engines -------------------------------------------------------------

ENGINES=(c python gavel gavel-empty)
[ $HAVE_J -eq 1 ] && ENGINES+=(gavel-j2)

engine_cmd() {   # name -> the command, as words in CMD
    case $1 in
        c)           CMD=("$TMP/cfloor" "$DATA" --lexicons "$TMP/lexicons.json") ;;
        python)      CMD=("$PY" "$ROOT/bench/yardstick/engine.py" "$DATA") ;;
        gavel)       CMD=("$GAVEL" eval "${JONE[@]}" -p "$ROOT/bench/policy" -f jsonl --as-of $AS_OF "$DATA") ;;
        gavel-empty) CMD=("$GAVEL" eval "${JONE[@]}" -p "$ROOT/bench/empty" -f jsonl --as-of $AS_OF "$DATA") ;;
        gavel-j2)    CMD=("$GAVEL" eval -j 2 -p "$ROOT/bench/policy" -f jsonl --as-of $AS_OF "$DATA") ;;
    esac
}

# Runs one engine once: its decisions go to $TMP/out.NAME.jsonl; appends the
# wall time (ns), peak RSS (KiB) and CPU time (user+sys, s) to
# $TMP/times.NAME, $TMP/rss.NAME and $TMP/cpu.NAME.
run_once() {
    local name=$1 t0 t1 rc=0
    engine_cmd "$name"
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$TMP/rss.last" "${CMD[@]}" >"$TMP/out.$name.jsonl" 2>"$TMP/err.$name" || rc=$?
    t1=$(date +%s%N)
    # gavel exits 1 when some record got on_error: a result, not a failure
    if [ $rc -ge 2 ] || { [ $rc -ne 0 ] && [ "${name#gavel}" = "$name" ]; }; then
        say "run.sh: $name failed (exit $rc):"; tail -5 "$TMP/err.$name" >&2; exit 2
    fi
    echo $((t1 - t0)) >>"$TMP/times.$name"
    tail -1 "$TMP/rss.last" | awk '{ print $1 }' >>"$TMP/rss.$name"
    tail -1 "$TMP/rss.last" | awk '{ print $2 + $3 }' >>"$TMP/cpu.$name"
}

for e in "${ENGINES[@]}"; do rm -f "$TMP/times.$e" "$TMP/rss.$e" "$TMP/cpu.$e"; done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "timing $N records ($((BYTES / 1000000)) MB), $RUNS runs each: ${ENGINES[*]}"
for ((i = 1; i <= RUNS; i++)); do
    for e in "${ENGINES[@]}"; do
        run_once "$e"
        printf '  run %d %-12s %6.2f s\n' "$i" "$e" \
            "$(awk '{ v = $1 } END { print v / 1e9 }' "$TMP/times.$e")" >&2
    done
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

median_of() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
median_ns() { median_of "$TMP/times.$1"; }
best_rate() { sort -n "$TMP/times.$1" | head -1 | awk -v n="$N" '{ printf "%.0f", n / ($1 / 1e9) }'; }
cpu_rate() { awk -v n="$N" -v t="$(median_of "$TMP/cpu.$1")" 'BEGIN { printf "%.0f", n / t }'; }
rate() { awk -v n="$N" -v t="$(median_ns "$1")" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# ---- agreement ---------------------------------------------------------------

"$PY" "$ROOT/bench/to-yardstick.py" <"$TMP/out.gavel.jsonl" >"$TMP/out.gavel.decisions.jsonl"
sum_of() { LC_ALL=C sort "$1" | md5sum | cut -d' ' -f1; }
SUM_G=$(sum_of "$TMP/out.gavel.decisions.jsonl")
SUM_C=$(sum_of "$TMP/out.c.jsonl")
SUM_P=$(sum_of "$TMP/out.python.jsonl")
AGREE=AGREE
[ "$SUM_G" = "$SUM_C" ] && [ "$SUM_G" = "$SUM_P" ] || AGREE=DISAGREE
if [ $HAVE_J -eq 1 ]; then
    "$PY" "$ROOT/bench/to-yardstick.py" <"$TMP/out.gavel-j2.jsonl" >"$TMP/out.gavel-j2.decisions.jsonl"
    # -j must also keep input order: compare unsorted with -j 1
    cmp -s "$TMP/out.gavel.decisions.jsonl" "$TMP/out.gavel-j2.decisions.jsonl" || AGREE=DISAGREE
fi

# ---- scale: peak RSS at 1,000,000 records ------------------------------------

SCALE_RSS=
if [ $SCALE -eq 1 ]; then
    BIG=$(data_file $SCALE_N)
    say "gavel over $SCALE_N records for peak RSS"
    /usr/bin/time -f %M -o "$TMP/rss.scale" "$GAVEL" eval "${JONE[@]}" -p "$ROOT/bench/policy" -f jsonl \
        --as-of $AS_OF "$BIG" >/dev/null 2>"$TMP/err.scale" || [ $? -lt 2 ]
    SCALE_RSS=$(tail -1 "$TMP/rss.scale")
    if [ $HAVE_J -eq 1 ]; then
        /usr/bin/time -f %M -o "$TMP/rss.scale-j2" "$GAVEL" eval -j 2 -p "$ROOT/bench/policy" -f jsonl \
            --as-of $AS_OF "$BIG" >/dev/null 2>"$TMP/err.scale" || [ $? -lt 2 ]
        SCALE_RSS_J2=$(tail -1 "$TMP/rss.scale-j2")
    fi
fi

# ---- the table ---------------------------------------------------------------

R_C=$(rate c); R_P=$(rate python); R_G=$(rate gavel)
echo
echo "gavel benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "gavel $LABEL, $N records (seed $SEED), $((BYTES / 1000000)) MB, median of $RUNS runs, whole-process wall time"
echo "load average (1/5/15 min) before the timed runs: $LOAD_BEFORE, after: $LOAD_AFTER"
echo
printf '%-12s %10s %8s %9s %9s %8s %8s %8s %9s\n' engine records/s MB/s median_s spread_s RSS_MB vs_C cpu_s rec/cpu_s
for e in "${ENGINES[@]}"; do
    t=$(median_ns "$e")
    printf '%-12s %10s %8.1f %9.2f %9.2f %8.1f %8s %8.2f %9s\n' "$e" "$(rate "$e")" \
        "$(awk -v b="$BYTES" -v t="$t" 'BEGIN { print b / 1e6 / (t / 1e9) }')" \
        "$(awk -v t="$t" 'BEGIN { print t / 1e9 }')" \
        "$(sort -n "$TMP/times.$e" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print (hi - lo) / 1e9 }')" \
        "$(sort -n "$TMP/rss.$e" | tail -1 | awk '{ print $1 / 1024 }')" \
        "$(ratio "$(rate "$e")" "$R_C")" "$(median_of "$TMP/cpu.$e")" "$(cpu_rate "$e")"
done
echo "(records/s, MB/s: from the median wall time; spread: slowest minus fastest run;"
echo " cpu_s: median user+sys CPU seconds, less sensitive than wall time to a busy machine)"
echo
mark() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "meets" : "misses" }'; }
G_C=$(ratio "$R_G" "$R_C"); G_P=$(ratio "$R_G" "$R_P")
echo "ratios from the median wall time (fastest runs; median CPU time):"
echo "gavel/C       $G_C x   (target >= 0.6: $(mark "$G_C" 0.6))   ($(ratio "$(best_rate gavel)" "$(best_rate c)") x; $(ratio "$(cpu_rate gavel)" "$(cpu_rate c)") x)"
echo "gavel/Python  $G_P x   (target >= 2.5: $(mark "$G_P" 2.5))   ($(ratio "$(best_rate gavel)" "$(best_rate python)") x; $(ratio "$(cpu_rate gavel)" "$(cpu_rate python)") x)"
if [ $HAVE_J -eq 1 ]; then
    J=$(ratio "$(rate gavel-j2)" "$R_G")
    echo "-j2/-j1       $J x   (target >= 1.8: $(mark "$J" 1.8))   ($(ratio "$(best_rate gavel-j2)" "$(best_rate gavel)") x; CPU used $(ratio "$(median_of "$TMP/cpu.gavel-j2")" "$(median_of "$TMP/cpu.gavel")") x -j 1's)"
else
    echo "-j2/-j1       n/a     (gavel eval has no -j yet)"
fi
echo "peak RSS      gavel $(sort -n "$TMP/rss.gavel" | tail -1 | awk '{ printf "%.1f", $1 / 1024 }') MB at $N records${SCALE_RSS:+, $(awk -v k="$SCALE_RSS" 'BEGIN { printf "%.1f", k / 1024 }') MB at $SCALE_N (target < 64: $(awk -v k="$SCALE_RSS" 'BEGIN { print (k < 65536) ? "meets" : "misses" }'))}${SCALE_RSS_J2:+, -j 2: $(awk -v k="$SCALE_RSS_J2" 'BEGIN { printf "%.1f", k / 1024 }') MB}"
echo
echo "decisions     gavel $SUM_G  C $SUM_C  Python $SUM_P"
echo "$AGREE"
if [ "$AGREE" != AGREE ]; then
    for other in c python; do
        if ! LC_ALL=C cmp -s <(LC_ALL=C sort "$TMP/out.gavel.decisions.jsonl") <(LC_ALL=C sort "$TMP/out.$other.jsonl"); then
            echo "first differences, gavel (<) vs $other (>):"
            diff <(LC_ALL=C sort "$TMP/out.gavel.decisions.jsonl") <(LC_ALL=C sort "$TMP/out.$other.jsonl") | head -10 || true
        fi
    done
    if [ $HAVE_J -eq 1 ] && ! cmp -s "$TMP/out.gavel.decisions.jsonl" "$TMP/out.gavel-j2.decisions.jsonl"; then
        echo "first differences, -j 1 (<) vs -j 2 (>), in output order:"
        diff "$TMP/out.gavel.decisions.jsonl" "$TMP/out.gavel-j2.decisions.jsonl" | head -10 || true
    fi
    exit 1
fi
