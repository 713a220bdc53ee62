#!/usr/bin/env bash
# bench/scale/run.sh: how gavel's cost grows, for docs/performance.md.
#
#   bench/scale/run.sh [records] [rules] [posts] [lexicon] [loop] [limits] [index]   (default: all)
#
# Each part prints a Markdown table. Two kinds of figure:
#   Ir       instructions counted by valgrind --tool=callgrind, per record:
#            (Ir of the run - Ir of the same run on an empty input) / records.
#            Independent of machine load; the primary figure.
#   wall     median of RUNS (default 3) whole-process wall times from
#            /usr/bin/time, with the median user+sys CPU time and the peak
#            RSS (max over the runs). Context only on a shared machine.
# Every run is `gavel eval -q -j 1 -p POLICY --as-of 2021-02-04 FILE >/dev/null`;
# callgrind runs add --max-millis 600000 so that valgrind's slowdown cannot
# trip the 2 s per-record budget (it changes no work).
#
# Environment: GAVEL (the binary; default: a Release build of SCALE_REV,
# default HEAD, from a `git archive` in SCALE_TMP), SCALE_TMP (inputs and
# builds, default /tmp/gavel-scale), BENCH_TMP (bench/gen.py data cache shared with
# bench/run.sh, default /tmp/gavel-bench), RUNS (default 3; the lexicon
# table in docs/performance.md used RUNS=5). Needs valgrind and /usr/bin/time
# (apt-get install valgrind time); all parts take about half an hour.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GEN=$ROOT/bench/gen.py
GEN_ID=$("$ROOT/bench/gen-id.sh")   # names the cached data, as bench/run.sh does
INPUTS=$ROOT/bench/scale/inputs.py
TMP=${SCALE_TMP:-/tmp/gavel-scale}
DATA=${BENCH_TMP:-/tmp/gavel-bench}
RUNS=${RUNS:-3}
SEED=20210204
PY=$(python3 -c 'import sys; print(sys.executable)')
mkdir -p "$TMP" "$DATA"
say() { printf '%s\n' "$*" >&2; }

if [ -z "${GAVEL:-}" ]; then
    REV=$(git -C "$ROOT" rev-parse --short "${SCALE_REV:-HEAD}^{commit}")
    if [ ! -x "$TMP/build-$REV/gavel" ]; then
        say "building gavel $REV (Release) in $TMP/build-$REV"
        rm -rf "$TMP/src-$REV" && mkdir -p "$TMP/src-$REV"
        git -C "$ROOT" archive "$REV" | tar -x -C "$TMP/src-$REV"
        { cmake -S "$TMP/src-$REV" -B "$TMP/build-$REV" -DCMAKE_BUILD_TYPE=Release -DGAVEL_WERROR=OFF &&
          cmake --build "$TMP/build-$REV" -j2 --target gavel; } >"$TMP/build.log" 2>&1 ||
            { tail -20 "$TMP/build.log" >&2; exit 2; }
    fi
    GAVEL=$TMP/build-$REV/gavel
fi
say "gavel: $GAVEL ($("$GAVEL" --version))"

# data N: the first N records of gen.py's output (gen.py's output for N is a
# prefix of its output for any larger N, so a larger cached file serves too).
data() {
    local f=$DATA/accounts-$GEN_ID-$1-$SEED.jsonl big
    if [ ! -s "$f" ]; then
        big=$(ls "$DATA"/accounts-$GEN_ID-*-$SEED.jsonl 2>/dev/null |
              awk -F- -v n="$1" '$(NF-1)+0 >= n+0 { print $(NF-1), $0 }' | sort -n | head -1 | cut -d' ' -f2)
        if [ -n "$big" ]; then head -n "$1" "$big" >"$f.part"
        else say "generating $1 records"; "$PY" "$GEN" "$1" --seed $SEED --out "$f.part"; fi
        mv "$f.part" "$f"
    fi
    printf '%s\n' "$f"
}
: >"$TMP/empty.jsonl"

EVAL=(eval -q -j 1 --as-of 2021-02-04)

# ir POLICY FILE [flags]: total instructions of one run.
ir() {
    local pol=$1 file=$2; shift 2
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" \
        "$GAVEL" "${EVAL[@]}" --max-millis 600000 "$@" -p "$pol" "$file" >/dev/null 2>"$TMP/cg.err" || true
    awk '/^totals:/ { print $2 }' "$TMP/cg.out"
}
# ir_cache POLICY FILE: "Ir D1_misses LL_misses" of one run, with valgrind's
# cache simulation (32 KiB L1 as on the host, LL set to 32 MiB 16-way: the
# host's L3, which valgrind misreads on this VM).
ir_cache() {
    valgrind --tool=callgrind --cache-sim=yes --LL=33554432,16,64 --callgrind-out-file="$TMP/cg.out" \
        "$GAVEL" "${EVAL[@]}" --max-millis 600000 -p "$1" "$2" >/dev/null 2>"$TMP/cg.err" || true
    awk '/^events:/ { for (i = 2; i <= NF; i++) ev[$i] = i }
         /^totals:/ { print $ev["Ir"], $ev["D1mr"] + $ev["D1mw"], $ev["DLmr"] + $ev["DLmw"] }' "$TMP/cg.out"
}
# ir_per POLICY FILE N: (Ir(FILE) - Ir(empty)) / N
ir_per() {
    local a b
    a=$(ir "$1" "$2"); b=$(ir "$1" "$TMP/empty.jsonl")
    echo $(( (a - b) / $3 ))
}
# wall POLICY FILE [flags]: "median_wall_s median_cpu_s max_rss_kB exit_status"
wall() {
    local pol=$1 file=$2 i rc; shift 2
    : >"$TMP/wall.txt"
    for i in $(seq "$RUNS"); do
        rc=0
        /usr/bin/time -f '%e %U %S %M' -o "$TMP/t.txt" \
            "$GAVEL" "${EVAL[@]}" "$@" -p "$pol" "$file" >/dev/null 2>"$TMP/wall.err" || rc=$?
        echo "$(tail -1 "$TMP/t.txt") $rc" >>"$TMP/wall.txt"
    done
    median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    echo "$(awk '{ print $1 }' "$TMP/wall.txt" | median)" \
         "$(awk '{ printf "%.2f\n", $2 + $3 }' "$TMP/wall.txt" | median)" \
         "$(awk '{ print $4 }' "$TMP/wall.txt" | sort -n | tail -1)" \
         "$(tail -1 "$TMP/wall.txt" | awk '{ print $5 }')"
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
per() { awk -v a="$1" -v b="$2" -v k="${3:-1}" 'BEGIN { printf "%.0f", a * k / b }'; }   # a*k/b

# One function per table; each prints it on stdout, progress on stderr.

part_records() {
    say "== records"
    echo "| records | input MiB | Ir/record | wall s | CPU s | records/s (wall) | records/CPU-s | peak RSS MiB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    local n f irp
    for n in 1000 3000 10000 100000 1000000; do
        f=$(data $n); cat "$f" >/dev/null                   # read it warm
        irp=-; [ $n -le 10000 ] && irp=$(ir_per "$ROOT/bench/policy" "$f" $n)
        set -- - - - -                                      # wall time from 10,000 up
        [ $n -ge 10000 ] && set -- $(wall "$ROOT/bench/policy" "$f")
        echo "| $n | $(mib "$(stat -c %s "$f")") | $irp | $1 | $2 |" \
             "$([ "$1" = - ] && echo - || per $n $1) | $([ "$1" = - ] && echo - || per $n $2) |" \
             "$([ "$1" = - ] && echo - || mib $(( $3 * 1024 ))) |"
    done
}

part_rules() {
    say "== rules"
    echo "| rules | Ir/record | Ir/record/rule | wall s, 100k records | CPU s | peak RSS MiB | output bytes/record |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    local k pol irp out f3 f100
    f3=$(data 3000); f100=$(data 100000)
    for k in 1 2 4 8; do
        pol=$TMP/rules-$((12 * k)); rm -rf "$pol"
        "$PY" "$INPUTS" rules $k "$pol"
        irp=$(ir_per "$pol" "$f3" 3000)
        out=$("$GAVEL" "${EVAL[@]}" -p "$pol" "$f3" | wc -c)
        set -- $(wall "$pol" "$f100")
        echo "| $((12 * k)) | $irp | $((irp / (12 * k))) | $1 | $2 | $(mib $(( $3 * 1024 ))) | $((out / 3000)) |"
    done
}

part_posts() {
    say "== posts per record"
    echo "| posts/record | bytes/record | Ir/record | Ir/post | records timed | wall s | CPU s | CPU µs/record | peak RSS MiB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    local k src n f irp nw fw
    src=$(data 20000)
    for k in 1 4 16 64 256; do
        n=$((16384 / k)); f=$TMP/posts-$k-$n.jsonl           # 16,384 posts for callgrind
        [ -s "$f" ] || "$PY" "$INPUTS" posts $k $n "$src" "$f"
        irp=$(ir_per "$ROOT/bench/policy" "$f" $n)
        nw=$((262144 / k)); fw=$TMP/posts-$k-$nw.jsonl       # 262,144 posts for wall time
        [ -s "$fw" ] || "$PY" "$INPUTS" posts $k $nw "$src" "$fw"
        cat "$fw" >/dev/null
        set -- $(wall "$ROOT/bench/policy" "$fw")
        echo "| $k | $(( $(stat -c %s "$f") / n )) | $irp | $((irp / k)) | $nw | $1 | $2 | $(per $2 $nw 1000000) | $(mib $(( $3 * 1024 ))) |"
    done
}

part_lexicon() {
    say "== lexicon size"
    echo "| terms | file MiB | load Ir | load wall s | load RSS MiB | Ir/find | D1 misses/find | LL misses/find | CPU s find, 100k | CPU s base, 100k | CPU ns/find | peak RSS MiB, 100k |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    local n dir f3 f100 finds3 finds100 l0 cf cb lw lr i
    f3=$(data 3000); f100=$(data 100000); cat "$f100" >/dev/null
    finds3=$(grep -o '"hashtags":' "$f3" | wc -l)          # one find per post
    finds100=$(grep -o '"hashtags":' "$f100" | wc -l)
    for n in 10 1000 10000 100000 1000000; do
        dir=$TMP/lex-$n
        [ -s "$dir/base/terms.txt" ] || "$PY" "$INPUTS" lexicon $n "$(data 20000)" "$dir"
        l0=$(ir "$dir/find" "$TMP/empty.jsonl")              # start-up and policy load
        cf=($(ir_cache "$dir/find" "$f3")); cb=($(ir_cache "$dir/base" "$f3"))
        set -- $(RUNS=5 wall "$dir/find" "$TMP/empty.jsonl"); lw=$1; lr=$3
        # find and base in turn, so that load from other jobs hits both alike
        : >"$TMP/lexwall.txt"
        for i in $(seq "$RUNS"); do
            echo "$(RUNS=1 wall "$dir/find" "$f100") $(RUNS=1 wall "$dir/base" "$f100")" >>"$TMP/lexwall.txt"
        done
        set -- $(awk '{ print $2 }' "$TMP/lexwall.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') \
               $(awk '{ print $6 }' "$TMP/lexwall.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') \
               $(awk '{ print $3 }' "$TMP/lexwall.txt" | sort -n | tail -1)
        echo "| $n | $(mib "$(stat -c %s "$dir/find/terms.txt")") | $l0 | $lw | $(mib $((lr * 1024))) |" \
             "$(( (cf[0] - cb[0]) / finds3 )) | $(( (cf[1] - cb[1]) / finds3 )) | $(( (cf[2] - cb[2]) / finds3 )) |" \
             "$1 | $2 | $(awk -v a=$1 -v b=$2 -v n=$finds100 'BEGIN { printf "%.0f", (a - b) * 1e9 / n }') | $(mib $(( $3 * 1024 ))) |"
    done
    set -- $(wall "$TMP/lex-1000000/find" "$f100" -j 2)   # the automaton is the policy's, shared by threads
    echo; echo "1,000,000 terms with -j 2, 100k records: peak RSS $(mib $(( $3 * 1024 ))) MiB"
    say "lexicon: $finds3 finds in 3000 records (callgrind), $finds100 in 100000 (CPU time); per find = find minus base"
}

part_loop() {
    say "== lexicon vs a loop of string.find"
    echo "| terms | lexicon Ir/post | string.find loop Ir/post | loop / lexicon | loop CPU µs/post |"
    echo "|---:|---:|---:|---:|---:|"
    local n dir f300 f3 p300 p3 a b c lb lc
    f300=$(data 300); f3=$(data 3000)
    p300=$(grep -o '"hashtags":' "$f300" | wc -l); p3=$(grep -o '"hashtags":' "$f3" | wc -l)
    for n in 10 100 1000 10000; do
        dir=$TMP/lex-$n
        [ -s "$dir/base/terms.txt" ] || "$PY" "$INPUTS" lexicon $n "$(data 20000)" "$dir"
        [ -s "$dir/loop/rules.lua" ] || "$PY" "$INPUTS" loop "$dir/find/terms.txt" "$dir/loop"
        a=$(ir "$dir/find" "$f300"); b=$(ir "$dir/loop" "$f300"); c=$(ir "$dir/base" "$f300")
        lb=$(wall "$dir/loop" "$f3" | cut -d' ' -f2); lc=$(wall "$dir/base" "$f3" | cut -d' ' -f2)
        echo "| $n | $(( (a - c) / p300 )) | $(( (b - c) / p300 )) | $(awk -v a=$((a - c)) -v b=$((b - c)) 'BEGIN { printf "%.1f", b / a }') |" \
             "$(awk -v a=$lb -v c=$lc -v n=$p3 'BEGIN { printf "%.2f", (a - c) * 1e6 / n }') |"
    done
    say "loop: $p300 posts in 300 records (callgrind), $p3 in 3000 (CPU time); per post = policy minus base"
}

part_limits() {
    say "== largest record"
    echo "| record bytes | posts | Ir | wall s | CPU s | peak RSS MiB | exit | decision |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---|"
    local size f posts irr base dec
    base=$(ir "$ROOT/bench/policy" "$TMP/empty.jsonl")
    for size in 1000000 5000000 8000000 8388000 9000000; do     # the limit: 8 MiB = 8388608
        f=$TMP/big-$size.jsonl
        [ -s "$f" ] || "$PY" "$INPUTS" big $size "$(data 20000)" "$f" 2>/dev/null
        posts=$(grep -o '"hashtags":' "$f" | wc -l)
        irr=$(( $(ir "$ROOT/bench/policy" "$f") - base ))
        dec=$("$GAVEL" "${EVAL[@]}" -p "$ROOT/bench/policy" "$f" | "$PY" -c 'import json, sys
d = json.loads(sys.stdin.readline())
print(d["decision"], "; ".join(e["message"] for e in d["errors"])[:150].replace("|", "/"))' || true)
        set -- $(wall "$ROOT/bench/policy" "$f")
        echo "| $(( $(stat -c %s "$f") - 1 )) | $posts | $irr | $1 | $2 | $(mib $(( $3 * 1024 ))) | $4 | $dec |"
    done
    # The largest record under the limit against the per-record budgets: the
    # fewest Lua instructions that let it pass (bisected, with no time budget),
    # with 12 and 96 rules; then its wall time under the default budgets.
    f=$TMP/big-8388000.jsonl
    [ -s "$TMP/rules-96/policy.yaml" ] || "$PY" "$INPUTS" rules 8 "$TMP/rules-96"
    echo
    local pol lo hi mid
    for pol in "$ROOT/bench/policy" "$TMP/rules-96"; do
        lo=100000; hi=100000000
        while [ $((hi - lo)) -gt 20000 ]; do
            mid=$(( (lo + hi) / 2 ))
            if "$GAVEL" "${EVAL[@]}" --max-millis 600000 --max-instructions $mid -p "$pol" "$f" >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
        done
        set -- $(wall "$pol" "$f")
        echo "- $(basename "$pol"): the $(( $(stat -c %s "$f") - 1 ))-byte record needs $hi Lua instructions" \
             "(budget 10,000,000) and $1 s wall (budget 2 s, wall-clock)"
    done
    # Several such records in flight: four copies of it, -j 1 and -j 2.
    for i in 1 2 3 4; do cat "$f"; done >"$TMP/big-x4.jsonl"
    set -- $(wall "$ROOT/bench/policy" "$TMP/big-x4.jsonl"); local r1=$3
    set -- $(wall "$ROOT/bench/policy" "$TMP/big-x4.jsonl" -j 2)
    echo "- four of them in one file: peak RSS $(mib $((r1 * 1024))) MiB with -j 1, $(mib $(( $3 * 1024 ))) MiB with -j 2"
    rm -f "$TMP/big-x4.jsonl"
}

part_index() {
    say "== index vs a scan of the order's list"
    echo "| accounts named | scan Ir/record | index Ir/record | index build Ir (once) | scan CPU µs/record | index CPU µs/record | index CPU µs/lookup, 100 ids a record | scan / index (CPU) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    local dir=$TMP/index n ctx f ks irs irx b1 x1 cs cx cl
    [ -s "$dir/recs100-20000.jsonl" ] || "$PY" "$INPUTS" index "$dir" 1000 20000
    # ir_rec WAY FILE K: Ir per record of WAY minus the baseline's, past the
    # first record (which pays for the context's index, if any).
    ir_rec() {
        head -n 1 "$2" >"$dir/one.jsonl"
        echo $(( ( ($(ir "$dir/$1" "$2" "${ctx[@]}") - $(ir "$dir/$1" "$dir/one.jsonl" "${ctx[@]}")) -
                   ($(ir "$dir/base" "$2" "${ctx[@]}") - $(ir "$dir/base" "$dir/one.jsonl" "${ctx[@]}")) ) / ($3 - 1) ))
    }
    # cpu_rec WAY FILE K [BASE]: median over RUNS of (CPU of WAY - CPU of
    # BASE, the baseline) / K in µs, the two run in turn so that load from
    # other jobs hits both alike.
    cpu_rec() {
        local i a b
        for i in $(seq "$RUNS"); do
            a=$(RUNS=1 wall "$dir/$1" "$2" "${ctx[@]}" | cut -d' ' -f2)
            b=$(RUNS=1 wall "$dir/${4:-base}" "$2" "${ctx[@]}" | cut -d' ' -f2)
            awk -v a="$a" -v b="$b" -v n="$3" 'BEGIN { printf "%.3f\n", (a - b) * 1e6 / n }'
        done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
    }
    for n in 1000 20000; do
        ctx=(--context "$dir/ctx-$n.json"); f=$dir/recs-$n.jsonl
        ks=$((4000000 / n))                                  # the scan: ~0.5 s of it
        head -n $ks "$f" >"$dir/scan-$n.jsonl"; head -n $((ks / 10)) "$f" >"$dir/scan-cg-$n.jsonl"
        head -n 20000 "$f" >"$dir/index-cg-$n.jsonl"
        irs=$(ir_rec scan "$dir/scan-cg-$n.jsonl" $((ks / 10)))
        irx=$(ir_rec index "$dir/index-cg-$n.jsonl" 20000)
        head -n 1 "$f" >"$dir/one.jsonl"
        b1=$(ir "$dir/base" "$dir/one.jsonl" "${ctx[@]}"); x1=$(ir "$dir/index" "$dir/one.jsonl" "${ctx[@]}")
        cs=$(cpu_rec scan "$dir/scan-$n.jsonl" $ks); cx=$(cpu_rec index "$f" 200000)
        cl=$(cpu_rec index-x100 "$dir/recs100-$n.jsonl" 2000000 base-x100)
        echo "| $n | $irs | $irx | $((x1 - b1)) | $cs | $cx | $cl | $(awk -v a="$cs" -v b="$cx" 'BEGIN { printf "%.0f", (b > 0) ? a / b : 0 }') |"
    done
    say "index: every record is one the order does not name; 200,000 records (index CPU), 20,000 of 100 ids (per lookup), $((4000000 / 1000)) and $((4000000 / 20000)) (scan CPU); per record = way minus baseline"
}

PARTS=${*:-records rules posts lexicon loop limits index}
for p in $PARTS; do "part_$p"; echo; done
