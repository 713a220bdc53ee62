# gavel replay: the quick-start decisions are made again exactly, and an
# altered, missing or foreign decision line is caught with its place.
Q=examples/quickstart
W=$(workdir)
LOG=$W/decisions.jsonl
"$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 -o "$LOG" $Q/accounts.jsonl || fail "eval"

# The log as written: every decision reproduced, exit 0.
gavel replay "$LOG" -p $Q/policy $Q/accounts.jsonl
status 0
stdout_is tests/e2e/expected/quickstart.replay
# The committed expected decisions too, and from the YAML copy of the records.
gavel replay tests/e2e/expected/quickstart.jsonl -p $Q/policy $Q/accounts.yaml
status 0
stdout_has "replay: 20 logged decisions, 20 reproduced, 0 differ"

# as_of comes from each logged line, not from today.
"$GAVEL_BIN" eval -p $Q/policy --as-of 2021-03-15 -o "$W/march.jsonl" $Q/accounts.jsonl || fail "eval"
gavel replay "$W/march.jsonl" -p $Q/policy $Q/accounts.jsonl
status 0
stdout_has "20 reproduced, 0 differ"

# A deliberately altered decision: acc004 logged as withheld.
sed 's/"id":"acc004","decision":"keep"/"id":"acc004","decision":"withhold"/' "$LOG" >"$W/altered.jsonl"
gavel replay "$W/altered.jsonl" -p $Q/policy $Q/accounts.jsonl
status 1
stdout_has 'acc004 (line 4): decision: logged "withhold", now "keep"'
stdout_has "replay: 20 logged decisions, 19 reproduced, 1 differ;"
stdout_has "differences by field: decision 1"

# An altered reason, citation and evidence: each named by its path.
sed -e 's/caravan_mag is a verified/caravan_mag is an unverified/' \
    -e 's/"cites":"IT Act 2000, s.69A(1): public order","reason":"post p3001/"cites":"IT Act 2000, s.66A","reason":"post p3001/' \
    -e 's/"evidence":{"post":"p6001"/"evidence":{"post":"p6002"/' "$LOG" >"$W/reasons.jsonl"
gavel replay "$W/reasons.jsonl" -p $Q/policy $Q/accounts.jsonl
status 1
stdout_has 'acc001 (line 1): reasons[0].reason: logged "caravan_mag is an unverified news media entity", now "caravan_mag is a verified news media entity"'
stdout_has 'acc003 (line 3): reasons[0].cites: logged "IT Act 2000, s.66A", now "IT Act 2000, s.69A(1): public order"'
stdout_has 'acc006 (line 6): reasons[0].evidence.post: logged "p6002", now "p6001"'
stdout_has "17 reproduced, 3 differ"

# A decision for a record that is not in the inputs, and a line that is
# not a decision: both differences. A log of a few records is fine.
{ head -3 "$LOG"; echo '{"id":"acc999","decision":"keep"}'; echo 'not json'; } >"$W/partial.jsonl"
gavel replay "$W/partial.jsonl" -p $Q/policy $Q/accounts.jsonl
status 1
stdout_has "line 5: not a decision (col 1: invalid literal (expected true, false or null))"
stdout_has "acc999 (line 4): record: no record with this id in the inputs"
stdout_has "replay: 5 logged decisions, 3 reproduced, 2 differ (1 with no record in the inputs)"
stdout_has "17 input records had no logged decision (not a difference)"

# Another policy than the one that decided: the digest differs on every
# line, and so do the decisions it changes.
W2=$W/no-press
cp -r $Q/policy "$W2"
python3 - "$W2/rules.lua" <<'PY' || fail "could not edit the policy copy"
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index('rule "x.news_media"'); j = s.index('rule "x.reporting"')
open(p, "w").write(s[:i] + s[j:])
PY
gavel replay "$LOG" -p "$W2" --show 2 $Q/accounts.jsonl
status 1
stdout_has 'acc001 (line 1): policy.digest: logged "sha256:'
stdout_has "... and "
stdout_has "replay: 20 logged decisions, 0 reproduced, 20 differ (16 only in the policy)"
stdout_has "policy.digest 20, reasons 3, defeated 2, fired 4, decision 1, default 1"
stdout_has "the policy's digest is not the logged one"

# Trouble: exit 2.
gavel replay "$LOG" $Q/accounts.jsonl
status 2
stderr_has "replay needs the decisions and a policy"
gavel replay /nonexistent.jsonl -p $Q/policy $Q/accounts.jsonl
status 2
stderr_has "/nonexistent.jsonl: cannot open"
gavel replay "$LOG" -p $Q/policy /nonexistent.jsonl
status 2
gavel replay --help
status 0
stdout_has "usage: gavel replay"
