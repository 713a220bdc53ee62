#!/bin/sh
# run-fuzz.sh: runs a libFuzzer harness the ways the build needs.
#
#   run-fuzz.sh run    FUZZER CORPUS RUNS      a short fixed run (ctest fuzz.<name>):
#                                              RUNS executions over a scratch copy
#                                              of CORPUS, fixed seed
#   run-fuzz.sh replay FUZZER REGRESSIONS NAME every REGRESSIONS/NAME-* file once
#                                              (ctest fuzz.regressions.<name>)
#   run-fuzz.sh long   FUZZER CORPUS SECONDS WORKDIR
#                                              a long run (make fuzz): corpus grows in
#                                              WORKDIR/corpus, crashes land in WORKDIR
#
# Every mode uses -timeout=5 -rss_limit_mb=512 (HARDENING.md item 18).
set -eu
mode=$1 fuzzer=$2
limits="-timeout=5 -rss_limit_mb=512 -max_len=65536"

case $mode in
run)
    corpus=$3 runs=$4
    work=$(mktemp -d "${TMPDIR:-/tmp}/gavel-fuzz-run.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
    mkdir "$work/corpus"
    [ -d "$corpus" ] && cp "$corpus"/* "$work/corpus/" 2>/dev/null || true
    cd "$work"
    # -artifact_prefix puts a crashing input where the log says, for copying
    # into tests/fuzz/regressions/.
    "$fuzzer" $limits -seed=1 -runs="$runs" -print_final_stats=1 \
        -artifact_prefix="${TMPDIR:-/tmp}/$(basename "$fuzzer")-" "$work/corpus"
    ;;
replay)
    dir=$3 name=$4
    set -- "$dir/$name"-*
    if [ ! -e "$1" ]; then
        echo "no regression inputs for $name"
        exit 0
    fi
    "$fuzzer" $limits "$@"
    ;;
long)
    corpus=$3 seconds=$4 work=$5
    mkdir -p "$work/corpus" "$work/crashes"
    [ -d "$corpus" ] && cp -n "$corpus"/* "$work/corpus/" 2>/dev/null || true
    "$fuzzer" $limits -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/crashes/" "$work/corpus"
    ;;
*)
    echo "usage: run-fuzz.sh run|replay|long FUZZER ..." >&2
    exit 2
    ;;
esac
