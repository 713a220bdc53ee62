# The policy author's loop: check, test, explain, doc.
Q=examples/quickstart/policy

gavel test -p $Q
status 0
stdout_has "7 passed, 0 failed"
stdout_has "coverage: 7 of 7 rules fired"

gavel test -p $Q tests/data/quickstart-failing.yaml
status 1
stdout_has "FAIL tests/data/quickstart-failing.yaml:2: wrong decision"
stdout_has "decision: expected withhold, got keep"
stdout_has "rules: expected [g.incitement], got [x.news_media]"
stdout_has "FAIL tests/data/quickstart-failing.yaml:7: wrong defeater"
stdout_has "defeated: expected g.flagged_hashtag set aside by x.reporting, got by x.news_media"
stdout_has "coverage: rule g.incitement (examples/quickstart/policy/rules.lua:9) fired in no test"
stdout_has 'coverage: provision "Platform manipulation policy: automation signals" exercised by no test'
stdout_has "1 passed, 2 failed"

# A case whose as_of (its own or its context's) is not a date fails, saying
# so, instead of running on today's date.
cat >"$(workdir)/dates.yaml" <<'YML'
- name: bad context date
  record: {id: d1, category: individual}
  context: {as_of: 2021-13-01}
  expect: {decision: keep}
- name: bad case date
  record: {id: d2, category: individual}
  as_of: "2021-02-04junk"
  expect: {decision: keep}
- name: good date-time
  record: {id: d3, category: individual}
  context: {as_of: "2021-02-04T10:00:00Z"}
  expect: {decision: keep}
- name: as_of null is no date of its own
  record: {id: d4, category: individual}
  as_of: null
  context: {as_of: "2021-02-04"}
  expect: {decision: keep}
YML
gavel test -p $Q "$(workdir)/dates.yaml"
status 1
stdout_has "dates.yaml:3:20: as_of must be a date YYYY-MM-DD or a date-time with a zone, not \"2021-13-01\""
stdout_has "dates.yaml:7: as_of must be a date YYYY-MM-DD or a date-time with a zone"
stdout_has "2 passed, 2 failed"

gavel test -p $Q --filter "wrong*" tests/data/quickstart-failing.yaml
status 1
stdout_has "0 passed, 2 failed"
gavel test -p $Q --filter passes tests/data/quickstart-failing.yaml
status 0
stdout_has "1 passed, 0 failed"

# check: a clean policy, then one with everything to warn about.
gavel check -p $Q
status 0
[ ! -s "$(workdir)/out" ] || fail "warnings on the quick-start policy"
gavel check -p tests/data/lint-policy
status 0
stdout_is tests/e2e/expected/lint-policy.check
gavel check -p tests/data/lint-policy --format json
status 0
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==6 and all(x["severity"]=="warning" for x in d)' "$(workdir)/out" || fail "json diagnostics"

# A policy with errors: exit 1 and every error with its place.
BAD=$(workdir)/bad
mkdir -p "$BAD"
printf 'name: bad\nversion: "1"\noutcomes: [keep]\ndefault: keep\non_error: keep\nrules: [r.lua]\n' >"$BAD/policy.yaml"
printf 'rule "a" { outcome = "block", when = function() end }\nrule "a" { defeats = "zz", when = function() end }\n' >"$BAD/r.lua"
gavel check -p "$BAD"
status 1
stdout_has "r.lua:1:1: error: rule 'a': unknown outcome 'block'"
stdout_has "r.lua:2:1: error: duplicate rule id 'a'"
stdout_has "r.lua:2:1: error: rule 'a': defeats pattern 'zz' matches no rule"

# explain: the account, the set-aside rule, the counterfactual.
gavel explain -p $Q --as-of 2021-02-04 --id acc001 examples/quickstart/accounts.jsonl
status 0
stdout_is tests/e2e/expected/acc001.explain
gavel explain -p $Q --as-of 2021-02-04 --id acc004 -f json examples/quickstart/accounts.jsonl
status 0
stdout_has '"counterfactuals":[{"without":"x.news_media","decision":"withhold","rules":["g.incitement"]}]'
gavel explain -p $Q --id nobody examples/quickstart/accounts.jsonl
status 2
stderr_has "no record with id nobody"
# An input that cannot be read to its end says why, not only that the
# record was not found.
printf 'id: a1\n---\n{a: [\n---\nid: a2\n' >"$(workdir)/broken.yaml"
gavel explain -p $Q --id a2 "$(workdir)/broken.yaml"
status 2
stderr_has "the YAML stream cannot be read past this error"
gavel explain -p $Q --id a2 "$(workdir)"
status 2
stderr_has "read error: Is a directory"

# doc: Markdown, DOT and HTML with the graph drawn inline.
gavel doc -p $Q
status 0
stdout_is tests/e2e/expected/quickstart.doc.md
gavel doc -p $Q -f dot
stdout_has '"x.news_media" -> "g.incitement" [label="defeats"];'
gavel doc -p $Q -f html
stdout_has "<svg"
stdout_has "marker-end=\"url(#arrow)\""
stdout_lacks "<script"
# The manifest's free text (the version, the rule files' names) is escaped
# like the rest: HTML in the page, Markdown in the Markdown.
D=$(workdir)/odd-names
mkdir -p "$D"
printf 'name: t\nversion: "1 <i>v</i>"\noutcomes: [withhold, keep]\ndefault: keep\non_error: keep\nrules: ["a&<b>.lua"]\n' >"$D/policy.yaml"
echo "rule 'r1' { outcome = 'withhold', reason = 'x ~~y~~ &amp;', when = function(r) return false end }" >"$D/a&<b>.lua"
gavel doc -p "$D" -f html
status 0
stdout_has "a&amp;&lt;b&gt;.lua:1)"
stdout_lacks "<b>.lua"
gavel doc -p "$D"
status 0
stdout_has "# t 1 \<i\>v\</i\>"
stdout_has "a\&\<b\>.lua:1)"
# GFM's strikethrough and an entity would not show the text as written.
stdout_has 'x \~\~y\~\~ \&amp;'

# A test file may give one context and as_of for all its cases.
gavel test -p tests/data/ctx-policy -v
status 0
stdout_has "3 passed, 0 failed"
gavel eval -p tests/data/ctx-policy --as-of 2021-03-01 --context /dev/null examples/quickstart/accounts.jsonl
status 2
stderr_has "/dev/null:1:1: empty file"
