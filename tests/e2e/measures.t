# Measures: what a rule orders done, to which items, where and by when.
# tests/data/measures-policy withholds single posts in India, an account
# only when the bot rule says so, posts named by a German court in
# Germany, and EU-wide under a removal order.
M=tests/data/measures-policy
W=$(workdir)
gavel eval -p $M --context $M/context.yaml --as-of 2021-02-02 $M/accounts.jsonl
status 1                                          # acc07's order has no time
stdout_lines 7
# Single posts in India, by 36 hours after the order (10:00 IST = 04:30Z):
stdout_has '"id":"acc01","decision":"withhold"'
stdout_has '"measures":[{"action":"withhold_post","targets":[{"kind":"post","id":"p1"},{"kind":"post","id":"p3"}],"scope":["IN"],"due":"2021-02-02T16:30:00Z","rules":["g.incite"]},{"action":"withhold_post","targets":[{"kind":"post","id":"p3"}],"scope":["DE"],"due":"2021-02-03T00:00:00Z","rules":["g.de_court"]},{"action":"notify_user","targets":[{"kind":"account","id":"acc01"}],"scope":["*"],"until":"2021-08-01T00:00:00Z","rules":["g.de_court"]}],"measure_reasons":[],"defeated":[]'
# The account is withheld only where the bot rule stands, first by the
# manifest's order of actions:
stdout_has '"id":"acc03","decision":"withhold","policy":'
stdout_has '"measures":[{"action":"withhold_account","targets":[{"kind":"account","id":"acc03"}],"scope":["IN"],"rules":["g.bot"]},'
# ... and set aside with it, shown under defeated, when the news exemption stands:
stdout_has '"measures":[],"measure_reasons":[],"defeated":[{"rule":"g.bot","outcome":"withhold","by":"x.news","cites":"Platform rules: inauthentic behaviour","reason":"the account is automated","evidence":{},"measures":[{"action":"withhold_account","targets":[{"kind":"account","id":"acc02"}],"scope":["IN"],"rules":["g.bot"]}]}]'
# One post under two laws: the scopes unite, the earlier deadline wins, the
# id keeps its type:
stdout_has '{"action":"withhold_post","targets":[{"kind":"post","id":7}],"scope":["DE","IN"],"due":"2021-02-02T16:30:00Z","rules":["g.incite","g.de_court"]}'
# A region expands to its codes; the deadline counts from the evidence:
stdout_has '"scope":["AT","BE","BG","CY","CZ","DE","DK","EE","ES","FI","FR","GR","HR","HU","IE","IT","LT","LU","LV","MT","NL","PL","PT","RO","SE","SI","SK"],"due":"2021-02-02T09:15:00Z"'
# No deadline can be computed: an error on that record, and no measures.
stdout_has '"id":"acc07","decision":"review"'
stdout_has '"reasons":[],"measures":[],"measure_reasons":[],"defeated":[],"fired":["g.eu_terror"]'
stdout_has '"errors":[{"rule":"g.eu_terror","message":"measure '"'"'withhold_post'"'"': due: evidence.order_at is missing"}]'
stderr_has "rule 'g.eu_terror' failed: measure 'withhold_post': due: evidence.order_at is missing"

# The policy's own tests check measures (expect: measures).
gavel test -p $M
status 0
stdout_has '10 passed, 0 failed'
cp -r $M "$W/m"
sed -i 's/withhold_post, due: "2021-02-02T16:30:00Z"/withhold_post, due: "2021-02-02T16:31:00Z"/' "$W/m/tests/measures.yaml"
gavel test -p "$W/m"
status 1
stdout_has 'measures: expected withhold_post (item 1) to match one, got withhold_post [post:p1] in [IN] due 2021-02-02T16:30:00Z by [g.incite]'
stdout_has '9 passed, 1 failed'
printf -- '- name: extra key\n  record: {id: x, bot: true}\n  expect: {decision: withhold, measures: [{action: withhold_account, scpe: IN}]}\n- name: too few\n  record: {id: x, bot: true}\n  expect: {decision: withhold, measures: []}\n- name: a region is not its part\n  record: {id: e, removal_order: {post: t, received_at: "2021-02-02T09:15:00Z"}}\n  expect: {decision: withhold, measures: [{action: withhold_post, scope: [DE]}]}\n' >"$W/bad.yaml"
gavel test -p $M "$W/bad.yaml"
status 1
stdout_has "measures: unknown key 'scpe' (action, targets, scope, due, until, rules)"
stdout_has 'measures: expected 0, got withhold_account [account:x] in [IN] by [g.bot]'
stdout_has 'measures: expected withhold_post (item 1) to match one, got withhold_post [post:t] in [AT, BE, BG,'
stdout_has '0 passed, 3 failed'

# A policy without actions writes what it always wrote: no "measures".
gavel eval -p examples/quickstart/policy --as-of 2021-02-04 examples/quickstart/accounts.jsonl
stdout_lacks '"measures"'

# Mistakes in a measure are load errors at the rule's line, saying what is wrong.
mkdir -p "$W/p"
printf 'name: p\nversion: "1"\noutcomes: [withhold, keep]\ndefault: keep\non_error: withhold\nactions: [withhold_post]\nregions: {EU: [DE, FR]}\nrules: [r.lua]\n' >"$W/p/policy.yaml"
bad_measure() {    # bad_measure 'MEASURES' 'EXPECTED MESSAGE'
  printf '\nrule "g" {\n  outcome = "withhold",\n  measures = %s,\n  when = function(r) return true end,\n}\n' "$1" >"$W/p/r.lua"
  gavel check -p "$W/p"
  status 1
  stdout_has "$W/p/r.lua:2:1: error: rule 'g': "
  stdout_has "$2"
}
bad_measure '{ action = "remove", scope = "IN" }' \
  "measures: unknown action 'remove' (the manifest's actions: withhold_post)"
bad_measure '{ action = "withhold_post", scope = "UK" }' \
  "measure 'withhold_post': scope 'UK' is not an ISO 3166-1 alpha-2 code, a region of the manifest or \"*\" (the United Kingdom is GB)"
bad_measure '{ action = "withhold_post", scope = "in" }' "(codes are written in capitals)"
bad_measure '{ action = "withhold_post" }' "measure 'withhold_post': scope is required"
bad_measure '{ action = "withhold_post", scope = "IN", targets = { post = "posts" } }' \
  "measure 'withhold_post': targets.post: 'posts' is not a path: write evidence.KEY, r.FIELD, ctx.FIELD"
bad_measure '{ action = "withhold_post", scope = "IN", due = "2021-02-01T10:00" }' \
  "measure 'withhold_post': due '2021-02-01T10:00' is not a date YYYY-MM-DD or a date-time with a zone"
bad_measure '{ action = "withhold_post", scope = "IN", due = { hours = 36 } }' "due.after is required"
bad_measure '{ action = "withhold_post", scope = "IN", due = { after = "as_of", hour = 36 } }' \
  "unknown field 'hour' in due (expected after, days, hours, minutes, optional)"
bad_measure '{ action = "withhold_post", scope = "IN", due = { after = "as_of", hours = -1 } }' \
  "due.hours must be a whole number from 0 to 100 years"
bad_measure '{ action = "withhold_post", scope = "EU", where = "x" }' \
  "unknown field 'where' in a measure (expected action, targets, scope, due, until)"
bad_measure '{}' "measures: an empty list: leave measures out instead"
printf 'name: p\nversion: "1"\noutcomes: [withhold, keep]\ndefault: keep\non_error: withhold\nactions: [a, a]\nregions: {DE: [DE], EU: [DE, XX]}\nrules: [r.lua]\n' >"$W/p/policy.yaml"
gavel check -p "$W/p"
status 1
stdout_has "policy.yaml:6:14: error: action 'a' is listed twice"
stdout_has "error: region 'DE': a name of letters, digits, _ and - that is not itself a country code"
stdout_has "error: region 'EU': 'XX' is not an ISO 3166-1 alpha-2 code"

# gavel doc says what each rule orders.
gavel doc -p tests/data/measures-policy
status 0
stdout_has 'Orders: withhold\_post: post from evidence.posts; in IN; due 36 hours after ctx.order.issued\_at'
stdout_has 'Orders: withhold\_post: post from evidence.posts; in DE; due 1 day after as\_of'
stdout_has 'Orders: notify\_user: account; in \*; until 180 days after as\_of'
gavel doc -p tests/data/measures-policy -f html
stdout_has '<br>Orders: withhold_account: account; in IN'

# gavel check: a measure reading evidence its rule never returns; an action
# no rule orders.
cp -r $M "$W/lint"
sed -i 's/evidence.order_at/evidence.order_time/' "$W/lint/rules/measures.lua"
sed -i 's/notify_user\]/notify_user, report_police]/' "$W/lint/policy.yaml"
gavel check -p "$W/lint"
stdout_has "$W/lint/rules/measures.lua:41:1: warning: rule 'g.eu_terror': a measure reads evidence.order_time, but the rule returns no evidence 'order_time'"
stdout_has "$W/lint: warning: action 'report_police' is declared, but no rule orders it"
gavel check -p $M
status 0
stderr_has "5 rules, 0 warnings"

# gavel replay compares measures field by field: a deadline moved from 36
# to 48 hours after the order is found, on the records it changes.
gavel eval -p $M --context $M/context.yaml --as-of 2021-02-02 $M/accounts.jsonl
cp "$(workdir)/out" "$W/log.jsonl"
gavel replay "$W/log.jsonl" -p $M --context $M/context.yaml $M/accounts.jsonl
status 0
stdout_has 'replay: 7 logged decisions, 7 reproduced, 0 differ'
cp -r $M "$W/later"
sed -i 's/hours = 36/hours = 48/' "$W/later/rules/measures.lua"
gavel replay "$W/log.jsonl" -p "$W/later" --context $M/context.yaml $M/accounts.jsonl
status 1
stdout_has 'acc01 (line 1): measures[0].due: logged "2021-02-02T16:30:00Z", now "2021-02-03T04:30:00Z"'
stdout_has 'acc04 (line 4): measures[0].due: logged "2021-02-02T16:30:00Z", now "2021-02-03T00:00:00Z"'
stdout_has 'differences by field: policy.digest 7, measures 2'
