# gavel export --format dsa-sor: the decisions of tests/data/dsa-policy as
# DSA statements of reasons: one per measure of a mapped action in the EEA,
# each field from where docs/export.md says, checked again by an
# independent validator (dsa_check.py); the same decisions give the same
# bytes and the same puids; -o writes the file whole.
P=tests/data/dsa-policy
W=$(workdir)
LOG=$W/decisions.jsonl
"$GAVEL_BIN" eval -p $P --context $P/context.yaml --as-of 2021-02-02 -o "$LOG" $P/accounts.jsonl 2>/dev/null
[ -s "$LOG" ] || fail "eval wrote no decisions"

gavel export --format dsa-sor -p $P --records $P/accounts.jsonl "$LOG"
status 0
stdout_lines 1
stderr_has "gavel: 8 decisions: 6 statements written in 1 batch; 3 decisions with no mapped measure; 3 measures of unmapped actions, 1 outside the EEA; 0 statements invalid (not written)"
python3 tests/e2e/dsa_check.py "$W/out" || fail "dsa_check.py rejects the export"
cp "$W/out" "$W/first.jsonl"
# One statement per line, to look at fields by puid.
python3 -c '
import json, sys
for st in json.load(open(sys.argv[1]))["statements"]:
    print(json.dumps(st, sort_keys=True))' "$W/first.jsonl" >"$W/st.jsonl"
st() { grep "\"puid\": \"$1-" "$W/st.jsonl" || fail "no statement for $1"; }
# acc01: p1 and p3 withheld in India (outside the EEA: none), p3 in Germany.
[ "$(grep -c '"puid": "acc01-' "$W/st.jsonl")" -eq 1 ] || fail "acc01: not one statement"
st acc01 | grep -qF '"territorial_scope": ["DE"]' || fail "acc01: scope"
st acc01 | grep -qF '"illegal_content_legal_ground": "StGB s.130"' || fail "acc01: cites"
st acc01 | grep -qF '"illegal_content_explanation": "a German court named 1 posts"' || fail "acc01: reason"
st acc01 | grep -qF '"source_identity": "Jane Doe"' || fail "acc01: record path"
st acc01 | grep -qF '"content_date": "2021-01-30"' || fail "acc01: the day of a date-time"
st acc01 | grep -qF '"application_date": "2021-02-02"' || fail "acc01: as_of"
st acc01 | grep -qF '"automated_decision": "AUTOMATED_DECISION_FULLY"' || fail "acc01: automated"
# acc03: the bot account, EU-wide, on a ground of the terms of service.
st acc03 | grep -qF '"decision_account": "DECISION_ACCOUNT_SUSPENDED"' || fail "acc03: account"
st acc03 | grep -qF '"incompatible_content_ground": "Terms of service, s.4: inauthentic behaviour"' || fail "acc03: legal_ground"
st acc03 | grep -qF '"incompatible_content_illegal": "No"' || fail "acc03: false is No"
st acc03 | grep -qF '"account_type": "ACCOUNT_TYPE_BUSINESS"' || fail "acc03: map"
st acc03 | grep -qF '"content_type_other": "the account"' || fail "acc03: action layer"
# acc04: two rules ordered one measure: both cited, both keywords.
st acc04 | grep -qF '"illegal_content_legal_ground": "IT Act 2000, s.69A(1); StGB s.130"' || fail "acc04: both cites"
st acc04 | grep -qF '"category_specification": ["KEYWORD_INCITEMENT_VIOLENCE_HATRED", "KEYWORD_HATE_SPEECH"]' || fail "acc04: keywords"
st acc04 | grep -qF '"automated_detection": "Yes"' || fail "acc04: detection"
# acc06: an EU removal order; acc08: a person's review, "*" is the EEA, until an end date.
st acc06 | grep -qF '"source_type": "SOURCE_TRUSTED_FLAGGER"' || fail "acc06: source"
st acc08 | grep -qF '"automated_decision": "AUTOMATED_DECISION_PARTIALLY"' || fail "acc08: reviewed"
st acc08 | grep -qF '"end_date_visibility_restriction": "2021-03-04"' || fail "acc08: until"
st acc08 | grep -qF '"IS", "IT", "LI"' || fail "acc08: * is not the whole EEA"
st acc08 | grep -qF '"decision_visibility_other": "hidden from recommendations until reviewed"' || fail "acc08: other"
! grep -qF '"source_identity"' <(st acc08) || fail "acc08: source_identity of a voluntary statement"
# No statement for a decision without measures, for notify_user, nor outside the EEA.
! grep -qE 'acc0[257]-' "$W/st.jsonl" || fail "a statement for a decision with no mapped measure"

# puids: the pattern, the limit, unique, and the same on every run.
python3 -c '
import json, re, sys
p = [json.loads(l)["puid"] for l in open(sys.argv[1])]
assert all(re.fullmatch(r"[a-zA-Z0-9_-]+", x) and len(x) <= 500 for x in p), p
assert len(set(p)) == len(p), p' "$W/st.jsonl" || fail "puids"
gavel export --format dsa-sor -p $P --records $P/accounts.jsonl "$LOG"
same_stdout_as_previous
# A decision log made again gives the same statements: nothing depends on the clock.
"$GAVEL_BIN" eval -p $P --context $P/context.yaml --as-of 2021-02-02 -o "$W/again.jsonl" $P/accounts.jsonl 2>/dev/null
gavel export --format dsa-sor -p $P --records $P/accounts.jsonl -q "$W/again.jsonl"
status 0
diff -u "$W/first.jsonl" "$W/out" >&2 || fail "a new log gives other statements"
[ ! -s "$W/err" ] || fail "-q still counts"

# -o: the same bytes in the file, nothing on stdout; stdin as '-'.
gavel export -f dsa-sor -p $P --records $P/accounts.jsonl -o "$W/sor.jsonl" "$LOG"
status 0
[ ! -s "$W/out" ] || fail "stdout not empty with -o"
cmp -s "$W/first.jsonl" "$W/sor.jsonl" || fail "-o differs from stdout"
gavel_stdin "$LOG" export -f dsa-sor -p $P --records $P/accounts.jsonl -q -
stdout_is "$W/first.jsonl"
# The whole output passes the command's own --validate too.
gavel export --validate "$W/sor.jsonl"
status 0
stderr_has "gavel: 6 statements checked, 0 invalid"

# Without --records, a mapping that reads the record cannot run.
gavel export --format dsa-sor -p $P "$LOG"
status 2
stderr_has "gavel: export.dsa-sor.content_date reads the record: give the records with --records FILE"
# Usage.
gavel export -p $P "$LOG"
status 2
stderr_has "export needs --format dsa-sor"
gavel export --format csv -p $P "$LOG"
status 2
stderr_has "unknown export format 'csv'"
gavel export --format dsa-sor -p $P --batch-size 101 "$LOG"
status 2
stderr_has "--batch-size needs a number from 1 to 100"
gavel export --help
status 0
stdout_has "usage: gavel export --format dsa-sor -p POLICY [options] DECISIONS..."
gavel help
stdout_has "export   DSA statements of reasons for the Transparency Database"
# A line that is not a decision is named and skipped: exit 1.
printf 'not json\n' >"$W/bad.jsonl"
gavel export --format dsa-sor -p $P --records $P/accounts.jsonl "$W/bad.jsonl" "$LOG"
status 1
stderr_has "bad.jsonl:1: not a decision"
stdout_lines 1
