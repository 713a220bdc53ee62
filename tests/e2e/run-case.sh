#!/usr/bin/env bash
# Runs one end-to-end case: tests/e2e/NAME.t is a bash script that calls
# `gavel ARGS...` (the binary under test, output captured) and then checks
# with `status N`, `stdout_is FILE`, `stdout_has TEXT`, `stderr_has TEXT`,
# `same_stdout_as_previous`. Paths are relative to the repository root.
# GAVEL_UPDATE=1 rewrites expected files instead of comparing (review the diff!).
set -uo pipefail
GAVEL_BIN=$1
CASE=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $CASE: $*" >&2; exit 1; }

# GAVEL_MEMCHECK=1 (make memcheck): every gavel the case starts, however it
# starts it, runs under valgrind memcheck, one log per process; the case
# fails if any log reports an error or a leak.
if [ -n "${GAVEL_MEMCHECK:-}" ]; then
  mkdir "$WORK/vg"
  printf '#!/bin/sh\nexec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --log-file="%s/vg/%%p.log" "%s" "$@"\n' \
    "$WORK" "$GAVEL_BIN" >"$WORK/gavel-memcheck"
  chmod +x "$WORK/gavel-memcheck"
  GAVEL_BIN=$WORK/gavel-memcheck
  memcheck_verdict() {
    local bad=0 log
    for log in "$WORK"/vg/*.log; do
      [ -s "$log" ] || continue
      echo "valgrind: $log" >&2; cat "$log" >&2; bad=1
    done
    [ $bad -eq 0 ] || fail "valgrind memcheck found errors"
    echo "memcheck: $(ls "$WORK/vg" | wc -l) gavel processes, no errors, no leaks"
  }
fi

gavel() {
  [ -f "$WORK/out" ] && cp "$WORK/out" "$WORK/prev"
  "$GAVEL_BIN" "$@" >"$WORK/out" 2>"$WORK/err"
  echo $? >"$WORK/status"
}
gavel_stdin() {   # gavel_stdin FILE ARGS...: FILE on stdin
  local in=$1; shift
  [ -f "$WORK/out" ] && cp "$WORK/out" "$WORK/prev"
  "$GAVEL_BIN" "$@" <"$in" >"$WORK/out" 2>"$WORK/err"
  echo $? >"$WORK/status"
}
status() {
  local got; got=$(cat "$WORK/status")
  [ "$got" = "$1" ] || { cat "$WORK/err" >&2; fail "exit status $got, expected $1"; }
}
stdout_is() {
  if [ "${GAVEL_UPDATE:-}" = 1 ]; then cp "$WORK/out" "$1"; return; fi
  diff -u "$1" "$WORK/out" >&2 || fail "stdout differs from $1"
}
stdout_has() { grep -qF -- "$1" "$WORK/out" || { cat "$WORK/out" >&2; fail "stdout lacks: $1"; }; }
stdout_lacks() { ! grep -qF -- "$1" "$WORK/out" || fail "stdout has: $1"; }
stderr_has() { grep -qF -- "$1" "$WORK/err" || { cat "$WORK/err" >&2; fail "stderr lacks: $1"; }; }
stdout_lines() {
  local n; n=$(wc -l <"$WORK/out")
  [ "$n" -eq "$1" ] || fail "stdout has $n lines, expected $1"
}
same_stdout_as_previous() { diff -u "$WORK/prev" "$WORK/out" >&2 || fail "outputs differ"; }
workdir() { echo "$WORK"; }

cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=/dev/null
source "$CASE"
[ -z "${GAVEL_MEMCHECK:-}" ] || memcheck_verdict
echo "ok: $CASE"
