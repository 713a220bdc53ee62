#!/bin/sh
# run-fuzz.sh: runs a libFuzzer harness the ways the build needs. NAME is the
# harness's name (jsonl, yaml, ...): its seeds are corpus/NAME/, its
# dictionary dict/NAME.dict (if any), its saved crashes regressions/NAME-*,
# all next to this script.
#
#   run-fuzz.sh run    FUZZER NAME RUNS          a short fixed run (ctest fuzz.NAME):
#                                                RUNS executions from a scratch copy
#                                                of the seeds, fixed seed
#   run-fuzz.sh replay FUZZER NAME               every saved crash once
#                                                (ctest fuzz.regressions.NAME)
#   run-fuzz.sh long   FUZZER NAME SECONDS DIR [RUNS]
#                                                a long run (make fuzz): SECONDS or RUNS
#                                                executions, whichever first; the corpus
#                                                grows in DIR/corpus, crashes land in
#                                                DIR/crashes
#   run-fuzz.sh corpus FUZZER NAME DIR           every input in DIR/corpus once
#                                                (make fuzz-replay)
#
# Every mode uses -timeout=5 -rss_limit_mb=512 (docs/security.md, item 18).
set -eu
[ $# -ge 3 ] || { echo "usage: run-fuzz.sh run|replay|long|corpus FUZZER NAME ..." >&2; exit 2; }
mode=$1 fuzzer=$2 name=$3
here=$(cd "$(dirname "$0")" && pwd)
seeds=$here/corpus/$name
limits="-timeout=5 -rss_limit_mb=512 -max_len=65536"
dict=
[ -f "$here/dict/$name.dict" ] && dict="-dict=$here/dict/$name.dict"

# The harnesses make their scratch directories under $TMPDIR, and libFuzzer
# leaves without running atexit handlers: each mode gives them a TMPDIR of
# its own and removes it. The policy harnesses write files on every
# execution, so the scratch goes in memory (/dev/shm) when there is one and
# TMPDIR is not set.
artifacts=${TMPDIR:-/tmp}
scratch=$artifacts
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && scratch=/dev/shm

case $mode in
run)
    runs=$4
    work=$(mktemp -d "$scratch/gavel-fuzz-$name.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
    mkdir "$work/corpus" "$work/tmp"
    cp "$seeds"/* "$work/corpus/"
    # A crashing input is written where the log says ("Test unit written
    # to"), outside the scratch directory, for copying into regressions/.
    TMPDIR=$work/tmp "$fuzzer" $limits $dict -seed=1 -runs="$runs" -print_final_stats=1 \
        -artifact_prefix="$artifacts/fuzz_$name-" "$work/corpus"
    ;;
replay)
    set -- "$here/regressions/$name"-*
    if [ ! -e "$1" ]; then
        echo "no saved inputs for $name"
        exit 0
    fi
    work=$(mktemp -d "$scratch/gavel-fuzz-$name.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
    TMPDIR=$work "$fuzzer" $limits "$@"
    ;;
long)
    seconds=$4 work=$5 runs=${6:--1}
    mkdir -p "$work/corpus" "$work/crashes"
    cp -n "$seeds"/* "$work/corpus/"
    tmp=$(mktemp -d "$scratch/gavel-fuzz-$name.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    TMPDIR=$tmp "$fuzzer" $limits $dict -max_total_time="$seconds" -runs="$runs" \
        -print_final_stats=1 -artifact_prefix="$work/crashes/" "$work/corpus"
    ;;
corpus)
    work=$4
    [ -d "$work/corpus" ] || { echo "run-fuzz.sh: no corpus in $work" >&2; exit 2; }
    tmp=$(mktemp -d "$scratch/gavel-fuzz-$name.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    n=$(find "$work/corpus" -type f | wc -l)
    # Given files, libFuzzer runs each once and stops at the first failure.
    find "$work/corpus" -type f -print0 |
        TMPDIR=$tmp xargs -0 -n 256 "$fuzzer" $limits >"$tmp/log" 2>&1 ||
        { tail -n 40 "$tmp/log"; echo "run-fuzz.sh: $name: an input of $work/corpus failed" >&2; exit 1; }
    echo "$name: $n inputs from $work/corpus, all passed"
    ;;
*)
    echo "usage: run-fuzz.sh run|replay|long|corpus FUZZER NAME ..." >&2
    exit 2
    ;;
esac
