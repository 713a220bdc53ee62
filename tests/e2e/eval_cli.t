# gavel eval as a command: summary, -o, exit statuses, bad input, filters.
Q=examples/quickstart
gavel eval -p $Q/policy --as-of 2021-02-04 --summary $Q/accounts.jsonl
status 0
stderr_has "20 records"
stderr_has "  withhold            8"
stderr_has "  x.news_media                                    3"

# -o writes the file whole, and nothing to stdout.
OUT=$(workdir)/decisions.jsonl
gavel eval -p $Q/policy --as-of 2021-02-04 -o "$OUT" $Q/accounts.jsonl
status 0
[ ! -s "$(workdir)/out" ] || fail "stdout not empty with -o"
diff -u tests/e2e/expected/quickstart.jsonl "$OUT" >&2 || fail "-o output differs"
ls "$(workdir)" | grep -q tmp && fail "temporary file left behind"
# The temporary file is made exclusively (mode 0600), but the result has
# the mode a plain create would give under the umask.
( umask 027; "$GAVEL_BIN" eval -p $Q/policy -o "$(workdir)/masked.jsonl" $Q/accounts.jsonl ) ||
  fail "eval -o under umask 027"
[ "$(stat -c %a "$(workdir)/masked.jsonl")" = 640 ] || fail "-o file mode $(stat -c %a "$(workdir)/masked.jsonl"), expected 640"

# A bad record among good ones: one line each, the bad one on_error with
# file:line, exit 1.
BAD=$(workdir)/mixed.jsonl
printf '{"id":"a","category":"news_media","verified":true}\n{"id":"b",\n\n{"id":"c"}\n[1]\n' >"$BAD"
gavel eval -p $Q/policy --as-of 2021-02-04 "$BAD"
status 1
stdout_lines 4
stdout_has '"id":2,"decision":"review"'
stdout_has "mixed.jsonl:2:"
stdout_has '"id":"c","decision":"keep","default":true'
stdout_has '"id":4,"decision":"review"'
stdout_has "mixed.jsonl:5: a record must be a mapping"

# Usage errors and unreadable input: exit 2.
gavel eval $Q/accounts.jsonl
status 2
stderr_has "eval needs a policy"
gavel eval -p $Q/policy --bogus
status 2
stderr_has "unknown option '--bogus'"
gavel eval -p $Q/policy -f xml $Q/accounts.jsonl
status 2
gavel eval -p $Q/policy /nonexistent.jsonl
status 2
stderr_has "/nonexistent.jsonl: cannot open"
gavel eval -p /nonexistent-policy $Q/accounts.jsonl
status 2
stderr_has "/nonexistent-policy/policy.yaml"
gavel eval -p $Q/policy --as-of 2021-02-30 $Q/accounts.jsonl
status 2
stderr_has "as_of '2021-02-30' is not a date"
gavel eval --help
status 0
stdout_has "usage: gavel eval"
gavel --version
status 0
stdout_has "Lua 5.4"

# --id-field and the position fallback.
gavel eval -p $Q/policy --as-of 2021-02-04 --id-field handle $Q/accounts.jsonl
stdout_has '"id":"caravan_mag"'

# -j: the same bytes, in input order, whatever the number of threads.
gavel eval -p $Q/policy --as-of 2021-02-04 -j 1 $Q/accounts.jsonl $Q/accounts.yaml $Q/accounts.jsonl
gavel eval -p $Q/policy --as-of 2021-02-04 -j 3 $Q/accounts.jsonl $Q/accounts.yaml $Q/accounts.jsonl
status 0
stdout_lines 60
same_stdout_as_previous
gavel eval -p $Q/policy --as-of 2021-02-04 -j 2 -f json $Q/accounts.jsonl
gavel eval -p $Q/policy --as-of 2021-02-04 -j 1 -f json $Q/accounts.jsonl
same_stdout_as_previous

# A closed pipe ends quietly; a full disk is an error (exit 2).
BIG=$(workdir)/big.jsonl
for i in $(seq 200); do cat $Q/accounts.jsonl; done >"$BIG"
"$GAVEL_BIN" eval -p $Q/policy -j 2 "$BIG" 2>"$(workdir)/pipe.err" | head -1 >/dev/null
[ ! -s "$(workdir)/pipe.err" ] || { cat "$(workdir)/pipe.err" >&2; fail "noise on a closed pipe"; }
# ... but not more quietly than a run to the end: an input that could not be
# read before the pipe closed still makes it exit 2, at any -j.
for j in 1 2; do
  "$GAVEL_BIN" eval -p $Q/policy -j $j "$(workdir)/none.jsonl" "$BIG" 2>"$(workdir)/pipe.err" |
    head -1 >/dev/null
  [ "${PIPESTATUS[0]}" -eq 2 ] || fail "-j $j: an unreadable input before a closed pipe must exit 2"
  grep -q "none.jsonl: cannot open" "$(workdir)/pipe.err" || fail "-j $j: the unreadable input not named"
  grep -q "write error" "$(workdir)/pipe.err" && fail "-j $j: a closed pipe is no write error"
done
"$GAVEL_BIN" eval -p $Q/policy "$BIG" >/dev/full 2>"$(workdir)/full.err"
[ $? -eq 2 ] || fail "a full disk must exit 2"
grep -q "write error" "$(workdir)/full.err" || fail "no write error reported"

# Worker threads that cannot be started (here: no address space for their
# stacks) are trouble, exit 2, not a quiet run that decided nothing. Where
# the limit stops the run sooner (a sanitizer's or valgrind's own address
# space), there is nothing to check.
( ulimit -v 20000; exec "$GAVEL_BIN" eval -p $Q/policy -j 2 $Q/accounts.jsonl ) \
  >"$(workdir)/nothreads.out" 2>"$(workdir)/nothreads.err"
st=$?
if grep -q "could not start 2 threads" "$(workdir)/nothreads.err"; then
  [ $st -eq 2 ] || fail "threads that could not start: exit $st, expected 2"
fi

# Interrupted with -o: no file that looks complete, no temporary left.
for i in $(seq 40); do cat "$BIG"; done >"$(workdir)/huge.jsonl"
"$GAVEL_BIN" eval -p $Q/policy -j 1 -o "$(workdir)/cut.jsonl" "$(workdir)/huge.jsonl" &
pid=$!
# Once its temporary file is there (gavel arms its handler right after
# opening that file; slow under valgrind). SIGTERM: a background job starts
# with SIGINT ignored, and gavel keeps an ignored signal ignored.
for i in $(seq 600); do ls "$(workdir)" | grep -q 'cut.jsonl.tmp' && break; sleep 0.1; done
sleep 0.3
kill -TERM $pid
wait $pid
[ $? -ne 0 ] || fail "an interrupted run exited 0"
[ ! -e "$(workdir)/cut.jsonl" ] || fail "an interrupted run left the output file"
ls "$(workdir)" | grep -q 'cut.jsonl.tmp' && fail "an interrupted run left its temporary file"
true

# --summary=json for scripts.
gavel eval -p $Q/policy --as-of 2021-02-04 --summary=json $Q/accounts.jsonl
python3 - "$(workdir)/err" <<'PY' || fail "--summary=json"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["records"] == 20 and s["outcomes"] == {"withhold": 8, "review": 3, "keep": 9}, s
assert s["rules"]["x.news_media"] == 3 and s["defaults"] == 5, s
PY

# --input-format for stdin; a bad limit value is a usage error.
gavel_stdin $Q/accounts.yaml eval -p $Q/policy --as-of 2021-02-04 --input-format yaml -
status 0
stdout_is tests/e2e/expected/quickstart.jsonl
gavel eval -p $Q/policy --max-depth zero $Q/accounts.jsonl
status 2
stderr_has "--max-depth needs a positive number"
# Too large for the limit: refused, not wrapped round to a small one.
gavel eval -p $Q/policy --max-millis 5000000000 $Q/accounts.jsonl
status 2
stderr_has "--max-millis: '5000000000' is too large"
gavel eval -p $Q/policy --max-memory 99999999999999G $Q/accounts.jsonl
status 2
stderr_has "--max-memory: '99999999999999G' is too large"
gavel eval -p $Q/policy --input-format xml $Q/accounts.jsonl
status 2
stderr_has "unknown input format 'xml'"

# Failed records are named on stderr (the first five), then counted.
gavel eval -p $Q/policy --as-of 2021-02-04 "$BAD"
stderr_has 'gavel: warning: record 2: '
stderr_has 'mixed.jsonl:2:'
stderr_has '2 of 4 records got the on_error decision'

# A rule that fails names the rule, its file:line and the record.
FP=$(workdir)/failing
mkdir -p "$FP"
printf 'name: f\nversion: "1"\noutcomes: [withhold, review, keep]\ndefault: keep\nrules: [r.lua]\n' >"$FP/policy.yaml"
printf 'rule "bad.read" {\n  outcome = "withhold",\n  when = function(r) return r.profile.bio ~= nil end,\n}\n' >"$FP/r.lua"
printf '{"id":"acc9","profile":{"bio":"x"}}\n{"id":"acc10"}\n' >"$(workdir)/two.jsonl"
gavel eval -p "$FP" "$(workdir)/two.jsonl"
status 1
stderr_has "gavel: warning: record \"acc10\": rule 'bad.read' failed: "
stderr_has "r.lua:3: attempt to index a nil value (field 'profile')"
stdout_has '"id":"acc9","decision":"withhold"'
stdout_has '"id":"acc10","decision":"review"'
