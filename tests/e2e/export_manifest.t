# gavel export: a mapping that cannot be right is refused before any
# decision is read, naming the manifest and the key (exit 2, no output);
# a statement that fails the schema for one record's data is named by the
# record's id and the field, and not written, while the others are (exit 1).
P=tests/data/dsa-policy
W=$(workdir)
LOG=$W/decisions.jsonl
"$GAVEL_BIN" eval -p $P --context $P/context.yaml --as-of 2021-02-02 -o "$LOG" $P/accounts.jsonl 2>/dev/null
n=0
# broken 'sed script' 'what stderr must say': the policy with its manifest changed.
broken() {
  n=$((n + 1))
  rm -rf "$W/p$n"; cp -r $P "$W/p$n"
  sed -i "$1" "$W/p$n/policy.yaml"
  cmp -s $P/policy.yaml "$W/p$n/policy.yaml" && fail "case $n: the sed script changed nothing"
  gavel export --format dsa-sor -p "$W/p$n" --records $P/accounts.jsonl "$LOG"
  status 2
  stderr_has "gavel: $W/p$n/policy.yaml: export.dsa-sor.$2"
  [ ! -s "$W/out" ] || fail "case $n: output from a broken mapping"
}
broken 's/\[DECISION_VISIBILITY_CONTENT_DISABLED\]/[DECISION_VISIBILITY_FOO]/' \
  "actions.withhold_post.decision_visibility: 'DECISION_VISIBILITY_FOO' is not a value of decision_visibility"
broken 's/^      demote_post:/      demote_posts:/' "actions.demote_posts: not one of the policy's actions"
broken 's/^      g.flagged:/      g.flaged:/' "rules.g.flaged: matches none of the policy's rules"
broken 's/^    content_language: EN/    content_language: EN\n    puid: x/' \
  "puid: is made by gavel export, not set in the manifest (docs/export.md)"
broken 's/^    content_language: EN/    content_langauge: EN/' "content_langauge: not a key of the dsa-sor mapping (docs/export.md)"
broken '0,/ground: illegal/s//ground: unlawful/' "rules.g.incite.ground: must be illegal or incompatible"
broken 's/reviewed_outcomes: \[review\]/reviewed_outcomes: [reviewed]/' "reviewed_outcomes: 'reviewed' is not one of the policy's outcomes"
broken 's/from: r.posted_at/from: posted_at/' "content_date: from: must be a path r.X, evidence.X or decision.X (dotted; list items counted from 1)"
broken 's/map: { article16: SOURCE_ARTICLE_16/map: { article16: SOURCE_ART16/' "source_type.map.article16: 'SOURCE_ART16' is not a value of source_type"
broken 's/default: ACCOUNT_TYPE_PRIVATE/default: private/' "account_type.default: 'private' is not a value of account_type"
broken 's/^        category: STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE/        category_addition: [STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE]/' \
  "rules: rule 'g.flagged' orders demote_post, but no 'category' is given for it (in rules, actions.demote_post or the section)"
broken 's/^        decision_visibility: \[DECISION_VISIBILITY_CONTENT_DISABLED\]/        content_language: DE/' \
  "actions.withhold_post: maps to none of decision_visibility, decision_monetary, decision_provision, decision_account"
broken 's/^    automated_detection: .*/    automated_detection: maybe/' "automated_detection: 'maybe' is not a value of automated_detection"
broken 's/^      "g.bot\*":/      "g.bot*":\n        territorial_scope: [DE]/' "rules.g.bot*.territorial_scope: is made by gavel export"
# A policy without the section.
gavel export --format dsa-sor -p tests/data/measures-policy "$LOG"
status 2
stderr_has "gavel: tests/data/measures-policy/policy.yaml: export.dsa-sor: the manifest has no export: {dsa-sor: ...} section (docs/export.md)"

# A record's data fails the schema: that statement is named and left out.
sed 's/"posted_at":"2021-01-30T12:00:00Z"/"posted_at":"last week"/' $P/accounts.jsonl >"$W/records.jsonl"
gavel export --format dsa-sor -p $P --records "$W/records.jsonl" "$LOG"
status 1
stderr_has "gavel: acc01: content_date: not a date YYYY-MM-DD"
stderr_has "gavel: 8 decisions: 5 statements written in 1 batch; 3 decisions with no mapped measure; 3 measures of unmapped actions, 1 outside the EEA; 1 statements invalid (not written)"
grep -q '"puid":"acc01-' "$W/out" && fail "the invalid statement was written"
python3 tests/e2e/dsa_check.py "$W/out" 2>/dev/null || fail "dsa_check.py rejects what was written"
# DECISION_VISIBILITY_OTHER with its text from a record that lacks it.
cp -r $P "$W/other"
sed -i 's/decision_visibility_other: hidden from recommendations until reviewed/decision_visibility_other: { from: r.why }/' "$W/other/policy.yaml"
"$GAVEL_BIN" eval -p "$W/other" --context $P/context.yaml --as-of 2021-02-02 -o "$W/other.jsonl" $P/accounts.jsonl 2>/dev/null
gavel export --format dsa-sor -p "$W/other" --records $P/accounts.jsonl "$W/other.jsonl"
status 1
stderr_has "gavel: acc08: decision_visibility_other: required when decision_visibility has DECISION_VISIBILITY_OTHER"
# A record not among --records: its values fall back to their defaults.
head -1 $P/accounts.jsonl >"$W/one.jsonl"
gavel export --format dsa-sor -p $P --records "$W/one.jsonl" "$LOG"
status 0
stdout_has '"content_date":"2021-01-01"'
