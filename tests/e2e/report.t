# gavel report: the quick-start decisions as one self-contained HTML page,
# and reasoned notices for the withheld accounts. (tests/browser/ renders
# the page in Chromium.)
Q=examples/quickstart
W=$(workdir)
LOG=$W/decisions.jsonl
"$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 -o "$LOG" $Q/accounts.jsonl || fail "eval"

gavel report "$LOG"
status 0
stdout_has "<!doctype html>"
stdout_has "<title>gavel report: quickstart 1.0</title>"
stdout_has "sha256:af96a741ed83f6eee49d126057b7fd8f6e2816383afe1ada5ca720d9bdaaa055"
stdout_has "<dt>Law applied as of</dt><dd>2021-02-04</dd>"
stdout_has '<div class="n">8</div><div class="l">withhold</div><div class="pct">40.0%</div>'
stdout_has '<div class="n">3</div><div class="l">review</div>'
stdout_has '<div class="n">9</div><div class="l">keep</div>'
stdout_has "<h2>Determining rules</h2>"
stdout_has "<h2>Cited provisions</h2>"
stdout_has "<h2>Missing facts</h2>"
stdout_has "Constitution of India, Art. 19(1)(a): freedom of the press"
stdout_has '<tr data-decision="withhold"><td class="id">acc003</td>'
stdout_has "post p3001 calls for violence (&quot;burn it down&quot;)"
stdout_lacks "Report made"
[ "$(grep -c '<tr data-decision=' "$W/out")" -eq 20 ] || fail "not 20 table rows"
# Nothing from the network: no external scripts, styles, images or links.
if grep -Eqi '<(link|img|iframe)\b|<script[^>]*\bsrc=|@import|url\(|https?://' "$W/out"; then
  fail "the page refers to something outside itself"
fi
# The same decisions give the same page, byte for byte.
gavel report "$LOG"
same_stdout_as_previous

# -o writes the file whole; --now stamps it (SOURCE_DATE_EPOCH when set);
# --max-rows caps the table, not the totals.
SOURCE_DATE_EPOCH=1612396800 gavel report "$LOG" -o "$W/report.html" --now --max-rows 5 --title "Quick start, February 2021"
status 0
[ ! -s "$W/out" ] || fail "stdout not empty with -o"
grep -q "<dt>Report made</dt><dd>2021-02-04 00:00 UTC</dd>" "$W/report.html" || fail "no --now stamp"
grep -q "<title>Quick start, February 2021</title>" "$W/report.html" || fail "no --title"
grep -q "The first 5 of 20 records" "$W/report.html" || fail "no --max-rows note"
[ "$(grep -c '<tr data-decision=' "$W/report.html")" -eq 5 ] || fail "--max-rows"
ls "$W" | grep -q tmp && fail "temporary file left behind"

# Notices: one per withheld account, from the decision, the order in the
# context and the policy. acc900 is a newspaper whose post calls for
# violence: the press exemption applied and the exception set it aside.
cat >"$W/order.yaml" <<'YAML'
as_of: "2021-02-04"
order:
  id: "MeitY/69A/2021/031"
  issued_at: "2021-01-31"
  issuer_role: secretary
  jurisdiction: IN
  stated_grounds: [public_order]
  reasons_text: "The named hashtags were used to call for violence at the protest sites."
YAML
cp $Q/accounts.jsonl "$W/accounts.jsonl"
echo '{"id": "acc900", "handle": "frontier_herald", "category": "news_media", "verified": true, "posts": [{"id": "p9001", "text": "Burn it down, says our columnist", "hashtags": ["FarmersGenocide"], "labels": {"speech_level": "incitement", "violence_call": true, "context": "original"}}]}' >>"$W/accounts.jsonl"
"$GAVEL_BIN" eval -p $Q/policy --context "$W/order.yaml" -o "$W/all.jsonl" "$W/accounts.jsonl"
gavel report "$W/all.jsonl" -p $Q/policy --context "$W/order.yaml" --notices "$W/notices" -o "$W/all.html"
status 0
stderr_has "9 notices in $W/notices"
[ "$(ls "$W/notices" | wc -l)" -eq 10 ] || fail "expected 9 notices and index.md"
grep -q "MeitY/69A/2021/031 of 2021-01-31" "$W/all.html" || fail "the order is not in the page"
N=$W/notices/acc900.md
sed -i "s#$W#WORK#g" "$N"
if [ "${GAVEL_UPDATE:-}" = 1 ]; then cp "$N" tests/e2e/expected/acc900.notice.md; fi
diff -u tests/e2e/expected/acc900.notice.md "$N" >&2 || fail "the acc900 notice differs"
grep -q "^# Notice of withholding: account acc003" "$W/notices/acc003.md" || fail "acc003 notice"
grep -q "Access to the account \`acc003\` is \*\*withheld\*\* in India (IN), on order MeitY/69A/2021/031." "$W/notices/acc003.md" || fail "acc003: what and where"
grep -q "^- \`x.news_media\` (Constitution of India, Art. 19(1)(a): freedom of the press)$" "$W/notices/acc003.md" || fail "acc003: exemptions that did not apply"
grep -q "| \`acc900\` | IT Act 2000, s.69A(1): public order<br>IT Act 2000, s.69A(1); Constitution of India, Art. 19(2) | \[acc900.md\](acc900.md) |" "$W/notices/index.md" || fail "index.md"
# A '|' in an id does not split a table's cell: escaped in the code span
# (GFM reads "\|" as "|" there), in the notice's table and in the index.
grep '"id":"acc900"' "$W/all.jsonl" | sed 's/"id":"acc900"/"id":"acc|900"/' >"$W/pipe.jsonl"
gavel report "$W/pipe.jsonl" --notices "$W/pipe" -o "$W/pipe.html"
status 0
grep -qF '| Account | `acc\|900` |' "$W/pipe/acc_900.md" || fail "a '|' in the notice's table"
grep -qF '| `acc\|900` | ' "$W/pipe/index.md" || fail "a '|' in the index"
grep -qF 'Access to the account `acc|900` is' "$W/pipe/acc_900.md" || fail "a '|' outside a table"
# Without the policy or the order, a notice says only what the decision says.
gavel report "$LOG" --notices "$W/bare" --jurisdiction IN -o "$W/bare.html"
status 0
grep -q "No exemption applied on the facts of this record." "$W/bare/acc006.md" || fail "bare notice"
grep -q "| Where | India (IN) |" "$W/bare/acc006.md" || fail "--jurisdiction"
grep -q "Order" "$W/bare/acc006.md" && fail "an order without a context"

# Lines that are not decisions are named and skipped: exit 1.
{ head -2 "$LOG"; echo '{"id":"x"}'; echo 'oops'; } >"$W/mixed.jsonl"
gavel report "$W/mixed.jsonl"
status 1
stderr_has "mixed.jsonl:3: not a decision (no \"decision\"); skipped"
stderr_has "mixed.jsonl:4: not a decision"
[ "$(grep -c '<tr data-decision=' "$W/out")" -eq 2 ] || fail "not 2 rows"

# Trouble: exit 2.
gavel report
status 2
stderr_has "report needs the decisions"
gavel report /nonexistent.jsonl
status 2
stderr_has "/nonexistent.jsonl: cannot open"
gavel report "$LOG" --context /nonexistent.yaml
status 2
gavel report --help
status 0
stdout_has "usage: gavel report"
