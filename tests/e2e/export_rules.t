# The schema's rules, one failing statement each: every conditional rule of
# the Transparency Database's StatementStoreRequest (required_if,
# exclude_unless, exclude_if, required_without_all), and its required
# fields, value lists, lengths, dates and patterns. Each case changes one
# thing in a valid statement; `gavel export --validate` must refuse it
# naming the field and why, and so must the independent dsa_check.py.
W=$(workdir)
BASE='{"puid":"acc0042-x","decision_visibility":["DECISION_VISIBILITY_CONTENT_REMOVED"],
"decision_ground":"DECISION_GROUND_ILLEGAL_CONTENT","illegal_content_legal_ground":"StGB s.130",
"illegal_content_explanation":"it incites","content_type":["CONTENT_TYPE_TEXT"],
"category":"STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH","territorial_scope":["DE"],
"content_date":"2021-01-30","application_date":"2021-02-02","decision_facts":"it incites",
"source_type":"SOURCE_ARTICLE_16","source_identity":"Jane Doe","automated_detection":"No",
"automated_decision":"AUTOMATED_DECISION_FULLY"}'
INCOMPATIBLE='st["decision_ground"]="DECISION_GROUND_INCOMPATIBLE_CONTENT"; del st["illegal_content_legal_ground"]; del st["illegal_content_explanation"]; st["incompatible_content_ground"]="ToS 4"; st["incompatible_content_explanation"]="spam"'
n=0
# case 'python changing st' 'what stderr must say'
case_() {
  n=$((n + 1))
  python3 -c '
import json, sys
st = json.loads(sys.argv[1])
exec(sys.argv[2])
print(json.dumps(st))' "$BASE" "$1" >"$W/case$n.jsonl" || fail "case $n: bad python"
  gavel export --validate "$W/case$n.jsonl"
  status 1
  stderr_has "gavel: acc0042-x: $2"
  python3 tests/e2e/dsa_check.py "$W/case$n.jsonl" >"$W/py" 2>/dev/null && fail "case $n: dsa_check.py takes it"
  grep -qF "acc0042-x: ${2%%:*}:" "$W/py" || { cat "$W/py" >&2; fail "case $n: dsa_check.py names another field"; }
}

# The base statement is valid, to both.
echo "$BASE" | tr -d '\n' >"$W/base.jsonl"; echo >>"$W/base.jsonl"
gavel export --validate "$W/base.jsonl"
status 0
python3 tests/e2e/dsa_check.py "$W/base.jsonl" 2>/dev/null || fail "dsa_check.py refuses the base"
# The same with its incompatible ground, and a statement per line or in a batch.
python3 -c '
import json, sys
st = json.loads(sys.argv[1]); exec(sys.argv[2])
print(json.dumps({"statements": [st]}))' "$BASE" "$INCOMPATIBLE" >"$W/inc.jsonl"
gavel export --validate "$W/inc.jsonl"
status 0

# -- conditional rules ---------------------------------------------------------------
# required_without_all: one of the four restrictions.
case_ 'del st["decision_visibility"]' "decision_visibility: required when none of decision_monetary, decision_provision, decision_account is given"
case_ 'st["decision_visibility"]=[]' "decision_visibility: required when none of"
# DECISION_VISIBILITY_OTHER: requires decision_visibility_other, which is dropped otherwise.
case_ 'st["decision_visibility"].append("DECISION_VISIBILITY_OTHER")' "decision_visibility_other: required when decision_visibility has DECISION_VISIBILITY_OTHER"
case_ 'st["decision_visibility_other"]="shadow ban"' "decision_visibility_other: not allowed unless decision_visibility has DECISION_VISIBILITY_OTHER"
# DECISION_MONETARY_OTHER: likewise decision_monetary_other.
case_ 'st["decision_monetary"]="DECISION_MONETARY_OTHER"' "decision_monetary_other: required when decision_monetary is DECISION_MONETARY_OTHER"
case_ 'st["decision_monetary"]="DECISION_MONETARY_SUSPENSION"; st["decision_monetary_other"]="x"' "decision_monetary_other: not allowed unless decision_monetary is DECISION_MONETARY_OTHER"
# DECISION_GROUND_ILLEGAL_CONTENT: legal ground and explanation, dropped otherwise.
case_ 'del st["illegal_content_legal_ground"]' "illegal_content_legal_ground: required when decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"
case_ 'st["illegal_content_explanation"]="  "' "illegal_content_explanation: required when decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"
case_ "$INCOMPATIBLE"'; st["illegal_content_legal_ground"]="StGB"' "illegal_content_legal_ground: not allowed unless decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"
case_ "$INCOMPATIBLE"'; st["illegal_content_explanation"]="why"' "illegal_content_explanation: not allowed unless decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"
# DECISION_GROUND_INCOMPATIBLE_CONTENT: ground and explanation; incompatible_content_illegal only then.
case_ "$INCOMPATIBLE"'; del st["incompatible_content_ground"]' "incompatible_content_ground: required when decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"
case_ "$INCOMPATIBLE"'; del st["incompatible_content_explanation"]' "incompatible_content_explanation: required when decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"
case_ 'st["incompatible_content_ground"]="ToS 4"' "incompatible_content_ground: not allowed unless decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"
case_ 'st["incompatible_content_explanation"]="spam"' "incompatible_content_explanation: not allowed unless decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"
case_ 'st["incompatible_content_illegal"]="Yes"' "incompatible_content_illegal: not allowed unless decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"
# CONTENT_TYPE_OTHER: content_type_other, dropped otherwise.
case_ 'st["content_type"]=["CONTENT_TYPE_OTHER"]' "content_type_other: required when content_type has CONTENT_TYPE_OTHER"
case_ 'st["content_type_other"]="a poll"' "content_type_other: not allowed unless content_type has CONTENT_TYPE_OTHER"
# SOURCE_VOLUNTARY: source_identity is dropped.
case_ 'st["source_type"]="SOURCE_VOLUNTARY"' "source_identity: not allowed when source_type is SOURCE_VOLUNTARY"

# -- required fields -----------------------------------------------------------------
for f in decision_ground content_type category content_date application_date decision_facts \
         source_type automated_detection automated_decision; do
  case_ "del st['$f']" "$f: required"
done
case_ 'st["decision_facts"]=None' "decision_facts: required"

# -- values, lengths, formats --------------------------------------------------------
case_ 'st["decision_visibility"]=["DECISION_VISIBILITY_SHADOW_BAN"]' "decision_visibility: 'DECISION_VISIBILITY_SHADOW_BAN' is not a value of decision_visibility"
case_ 'st["decision_visibility"]="DECISION_VISIBILITY_CONTENT_REMOVED"' "decision_visibility: not a list"
case_ 'st["decision_account"]="DECISION_ACCOUNT_BANNED"' "decision_account: 'DECISION_ACCOUNT_BANNED' is not a value of decision_account"
case_ 'st["decision_provision"]="DECISION_PROVISION_SOME"' "decision_provision: 'DECISION_PROVISION_SOME' is not"
case_ 'st["account_type"]="ACCOUNT_TYPE_BOT"' "account_type: 'ACCOUNT_TYPE_BOT' is not"
case_ 'st["category"]="STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"' "category: 'STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT' is not a value of category"
case_ 'st["category_addition"]=["STATEMENT_CATEGORY_X"]' "category_addition: 'STATEMENT_CATEGORY_X' is not"
case_ 'st["category_specification"]=["KEYWORD_SPAM"]' "category_specification: 'KEYWORD_SPAM' is not"
case_ 'st["content_type"]=["CONTENT_TYPE_LIVESTREAM"]' "content_type: 'CONTENT_TYPE_LIVESTREAM' is not"
case_ 'st["territorial_scope"]=["DE","IN"]' "territorial_scope: 'IN' is not a value of territorial_scope"
case_ 'st["content_language"]="XX"' "content_language: 'XX' is not"
case_ 'st["source_type"]="SOURCE_POLICE"' "source_type: 'SOURCE_POLICE' is not"
case_ 'st["automated_detection"]=True' "automated_detection: not a string"
case_ 'st["automated_decision"]="AUTOMATED_DECISION_MOSTLY"' "automated_decision: 'AUTOMATED_DECISION_MOSTLY' is not"
case_ 'st["decision_ground"]="DECISION_GROUND_OTHER"' "decision_ground: 'DECISION_GROUND_OTHER' is not"
case_ 'st["decision_facts"]="é"*5001' "decision_facts: longer than 5000 characters (5001)"
case_ 'st["illegal_content_explanation"]="x"*2001' "illegal_content_explanation: longer than 2000 characters"
case_ 'st["illegal_content_legal_ground"]="x"*501' "illegal_content_legal_ground: longer than 500 characters"
case_ 'st["source_identity"]="x"*501' "source_identity: longer than 500 characters"
case_ 'st["content_date"]="2021-02-30"' "content_date: not a date YYYY-MM-DD"
case_ 'st["content_date"]="30/01/2021"' "content_date: not a date YYYY-MM-DD"
case_ 'st["content_date"]="1999-12-31"' "content_date: before 2000-01-01"
case_ 'st["application_date"]="2019-12-31"' "application_date: before 2020-01-01"
case_ 'st["application_date"]="2038-01-02"' "application_date: after 2038-01-01"
case_ 'st["end_date_visibility_restriction"]="2040-01-01"' "end_date_visibility_restriction: after 2038-01-01"
case_ 'st["end_date_account_restriction"]="2021-13-01"' "end_date_account_restriction: not a date YYYY-MM-DD"
case_ 'st["decision_ground_reference_url"]="example.com/terms"' "decision_ground_reference_url: not a URL"
case_ 'st["content_id_ean"]="12345"' "content_id_ean: not 13 digits"
case_ 'st["content_id"]={"EAN-13":"12"}' "content_id: EAN-13 is not 13 digits"
case_ 'st["decison_facts"]="typo"' "decison_facts: not a statement field"
# A puid missing, too long or outside [a-zA-Z0-9-_] (named as given, or by position).
printf '%s\n' "$(python3 -c '
import json, sys
st = json.loads(sys.argv[1]); del st["puid"]; print(json.dumps(st))' "$BASE")" >"$W/nopuid.jsonl"
gavel export --validate "$W/nopuid.jsonl"
status 1
stderr_has "nopuid.jsonl:1: puid: required"
printf '%s\n' "$(python3 -c '
import json, sys
st = json.loads(sys.argv[1]); st["puid"] = "x" * 501; print(json.dumps(st))' "$BASE")" >"$W/long.jsonl"
gavel export --validate "$W/long.jsonl"
status 1
stderr_has "puid: longer than 500 characters (501)"
printf '%s\n' "$(python3 -c '
import json, sys
st = json.loads(sys.argv[1]); st["puid"] = "acc 42/x"; print(json.dumps(st))' "$BASE")" >"$W/pat.jsonl"
gavel export --validate "$W/pat.jsonl"
status 1
stderr_has "gavel: acc 42/x: puid: not of the form [a-zA-Z0-9-_]+"
python3 tests/e2e/dsa_check.py "$W/pat.jsonl" >/dev/null 2>&1 && fail "dsa_check.py takes a bad puid"
true
