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
#   run-fuzz.sh long   FUZZER NAME SECONDS DIR   a long run (make fuzz): the corpus
#                                                grows in DIR/corpus, crashes land in
#                                                DIR/crashes
#
# Every mode uses -timeout=5 -rss_limit_mb=512 (HARDENING.md item 18).
set -eu
[ $# -ge 3 ] || { echo "usage: run-fuzz.sh run|replay|long FUZZER NAME ..." >&2; exit 2; }
mode=$1 fuzzer=$2 name=$3
here=$(cd "$(dirname "$0")" && pwd)
seeds=$here/corpus/$name
limits="-timeout=5 -rss_limit_mb=512 -max_len=65536"
dict=
[ -f "$here/dict/$name.dict" ] && dict="-dict=$here/dict/$name.dict"

# The harnesses make their scratch directories under $TMPDIR, and libFuzzer
# leaves without running atexit handlers: each mode gives them a TMPDIR of
# its own and removes it.
artifacts=${TMPDIR:-/tmp}

case $mode in
run)
    runs=$4
    work=$(mktemp -d "$artifacts/gavel-fuzz-$name.XXXXXX")
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
    work=$(mktemp -d "$artifacts/gavel-fuzz-$name.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
    TMPDIR=$work "$fuzzer" $limits "$@"
    ;;
long)
    seconds=$4 work=$5
    mkdir -p "$work/corpus" "$work/crashes"
    cp -n "$seeds"/* "$work/corpus/"
    tmp=$(mktemp -d "$artifacts/gavel-fuzz-$name.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    TMPDIR=$tmp "$fuzzer" $limits $dict -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/crashes/" "$work/corpus"
    ;;
*)
    echo "usage: run-fuzz.sh run|replay|long FUZZER NAME ..." >&2
    exit 2
    ;;
esac
