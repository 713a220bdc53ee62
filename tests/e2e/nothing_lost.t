# Nothing lost, nothing false (docs/security.md): what -o replaces, what a
# notices directory follows, closed standard fds, lost writes, a context
# from a pipe, inherited ignored signals.
Q=examples/quickstart
W=$(workdir)
EXP=tests/e2e/expected/quickstart.jsonl
ev() { "$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 "$@"; }

# -o onto a FIFO writes through it (the reader gets every decision) and
# leaves the FIFO a FIFO.
mkfifo "$W/fifo"
cat "$W/fifo" >"$W/from-fifo" &
reader=$!
ev -o "$W/fifo" $Q/accounts.jsonl || { kill $reader; fail "eval -o FIFO"; }
[ -p "$W/fifo" ] || { kill $reader; fail "-o replaced the FIFO"; }
wait $reader
diff -u $EXP "$W/from-fifo" >&2 || fail "the FIFO's reader got other bytes"

# -o through a symlink to a device writes to the device; the link stays.
ln -s /dev/null "$W/null-link"
ev -o "$W/null-link" $Q/accounts.jsonl || fail "eval -o symlink to /dev/null"
[ -L "$W/null-link" ] || fail "-o replaced the symlink"
[ -c /dev/null ] || fail "/dev/null is no longer a device"
# ... and a device that cannot be written is a write error, exit 2.
ev -o /dev/full $Q/accounts.jsonl 2>"$W/full.err"
[ $? -eq 2 ] || fail "-o /dev/full must exit 2"
grep -q "/dev/full: write error" "$W/full.err" || fail "-o /dev/full: no write error said"

# A regular file is replaced atomically and keeps its mode; another hard
# link to it keeps the old contents (docs/security.md).
echo old >"$W/private.jsonl"
chmod 600 "$W/private.jsonl"
ln "$W/private.jsonl" "$W/hard-link"
( umask 022; ev -o "$W/private.jsonl" $Q/accounts.jsonl ) || fail "eval -o a 0600 file"
[ "$(stat -c %a "$W/private.jsonl")" = 600 ] ||
  fail "a 0600 file became $(stat -c %a "$W/private.jsonl")"
diff -u $EXP "$W/private.jsonl" >&2 || fail "the replaced file's contents"
[ "$(cat "$W/hard-link")" = old ] || fail "the other hard link changed"

# A full disk (here: the file size limit) leaves the old file whole and no
# temporary, for eval, doc and report alike.
echo old >"$W/kept"
( trap '' XFSZ; ulimit -f 1; ev -o "$W/kept" $Q/accounts.jsonl ) 2>"$W/fsize.err"
[ $? -eq 2 ] || fail "eval -o past the size limit must exit 2"
( trap '' XFSZ; ulimit -f 1; exec "$GAVEL_BIN" doc -p $Q/policy -o "$W/kept" ) 2>>"$W/fsize.err"
[ $? -eq 2 ] || fail "doc -o past the size limit must exit 2"
"$GAVEL_BIN" eval -p $Q/policy -o "$W/log.jsonl" $Q/accounts.jsonl
( trap '' XFSZ; ulimit -f 1; exec "$GAVEL_BIN" report "$W/log.jsonl" -o "$W/kept" ) 2>>"$W/fsize.err"
[ $? -eq 2 ] || fail "report -o past the size limit must exit 2"
[ "$(cat "$W/kept")" = old ] || fail "a failed write changed the old file"
ls "$W" | grep -q 'kept.tmp' && fail "a failed write left its temporary file"

# A symlink planted in a notices directory is replaced, not followed.
echo precious >"$W/victim"
mkdir "$W/notices"
ln -s "$W/victim" "$W/notices/acc003.md"
ln -s "$W/victim" "$W/notices/index.md"
gavel report "$W/log.jsonl" --notices "$W/notices" --jurisdiction IN -o "$W/r.html"
status 0
[ "$(cat "$W/victim")" = precious ] || fail "a notice was written through a planted symlink"
[ ! -L "$W/notices/acc003.md" ] && [ -f "$W/notices/acc003.md" ] || fail "acc003.md is not a new file"
[ ! -L "$W/notices/index.md" ] || fail "index.md is still the planted link"
ls "$W/notices" | grep -q tmp && fail "a notice's temporary file left behind"

# Started with stderr (or stdin) closed, nothing but decisions lands in -o.
ev --summary -o "$W/closed.jsonl" $Q/accounts.jsonl tests/e2e/no-such-input.jsonl 2>&- <&-
diff -u $EXP "$W/closed.jsonl" >&2 || fail "with fd 2 closed, -o got more than the decisions"

# A lost write on stdout is an error, whatever the command, also when
# stderr's reader is gone (the errno seen last is not the write's).
ev --summary $Q/accounts.jsonl >/dev/full 2> >(exec true)
[ $? -eq 2 ] || fail "eval --summary >/dev/full must exit 2"
ev --summary $Q/accounts.jsonl >/dev/full 2>"$W/full.err"
[ $? -eq 2 ] || fail "eval --summary >/dev/full must exit 2"
grep -q "write error" "$W/full.err" || fail "eval >/dev/full: no write error said"
full() {   # full WHAT ARGS...: the command with stdout on /dev/full fails, saying so
  local what=$1; shift
  "$GAVEL_BIN" "$@" >/dev/full 2>"$W/full.err"
  local st=$?
  [ $st -ne 0 ] || fail "$what >/dev/full exited 0"
  grep -q "write error" "$W/full.err" || { cat "$W/full.err" >&2; fail "$what >/dev/full: not said"; }
}
full explain explain -p $Q/policy --as-of 2021-02-04 --id acc003 $Q/accounts.jsonl
full test test -p $Q/policy
full "check --format json" check -p $Q/policy --format json
full doc doc -p $Q/policy
full diff diff -p $Q/policy -p $Q/policy --as-of 2021-02-04 $Q/accounts.jsonl
full report report "$W/log.jsonl"
full --help --help
full "eval --help" eval --help
full --version --version

# --context from a pipe, read once for every evaluator: -j 2 and diff's two.
printf 'as_of: "2021-02-03"\n' >"$W/ctx.yaml"
"$GAVEL_BIN" eval -p $Q/policy -j 1 --context "$W/ctx.yaml" $Q/accounts.jsonl >"$W/ctx-file.jsonl" ||
  fail "eval --context FILE"
"$GAVEL_BIN" eval -p $Q/policy -j 2 --context <(cat "$W/ctx.yaml") $Q/accounts.jsonl \
  >"$W/ctx-pipe.jsonl" || fail "eval -j 2 --context from a pipe"
diff -u "$W/ctx-file.jsonl" "$W/ctx-pipe.jsonl" >&2 || fail "--context from a pipe differs"
grep -q '"as_of":"2021-02-03"' "$W/ctx-pipe.jsonl" || fail "the piped context's as_of not seen"
"$GAVEL_BIN" eval -p $Q/policy -j 2 --context /dev/stdin $Q/accounts.jsonl <"$W/ctx.yaml" \
  >"$W/ctx-stdin.jsonl" || fail "eval -j 2 --context /dev/stdin"
diff -u "$W/ctx-file.jsonl" "$W/ctx-stdin.jsonl" >&2 || fail "--context /dev/stdin differs"
gavel diff -p $Q/policy -p $Q/policy --context <(cat "$W/ctx.yaml") $Q/accounts.jsonl
status 0

# Signals inherited as ignored stay ignored (nohup; a background job's
# SIGINT): neither SIGHUP nor SIGINT stops the run.
for i in $(seq 100); do cat $Q/accounts.jsonl; done >"$W/big.jsonl"
for i in $(seq 20); do cat "$W/big.jsonl"; done >"$W/huge.jsonl"
( trap '' HUP INT; exec "$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 -o "$W/nohup.jsonl" \
    "$W/huge.jsonl" ) &
pid=$!
for i in $(seq 600); do ls "$W" | grep -q 'nohup.jsonl.tmp' && break; sleep 0.1; done
kill -HUP $pid 2>/dev/null
kill -INT $pid 2>/dev/null
wait $pid
[ $? -eq 0 ] || fail "an ignored SIGHUP or SIGINT stopped the run"
[ "$(wc -l <"$W/nohup.jsonl")" -eq 40000 ] || fail "the run under an ignored SIGHUP lost decisions"
