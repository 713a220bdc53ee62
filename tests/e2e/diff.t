# gavel diff: what a policy change does to the quick-start accounts.
# Two changed copies of the quick-start policy, made here: one without the
# press exemption x.news_media, one where it no longer sets aside
# incitement. diff must name the accounts that change, and why.
Q=examples/quickstart
W=$(workdir)
cp -r $Q/policy "$W/no-press"
python3 - "$W/no-press/rules.lua" <<'PY' || fail "could not edit the policy copy"
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index('rule "x.news_media"'); j = s.index('rule "x.reporting"')
open(p, "w").write(s[:i] + s[j:])
PY
cp -r $Q/policy "$W/narrow-press"
python3 - "$W/narrow-press/rules.lua" <<'PY' || fail "could not edit the policy copy"
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index('rule "x.news_media"')
old = 'defeats = { "g.*" }'
k = s.index(old, i)
open(p, "w").write(s[:k] + 'defeats = { "g.flagged_hashtag" }' + s[k + len(old):])
PY
workpaths() { sed -i "s#$W#WORK#g" "$W/out"; }

# The same policy on both sides: nothing changes, exit 0.
gavel diff -p $Q/policy -p $Q/policy --as-of 2021-02-04 $Q/accounts.jsonl
status 0
stdout_has "the two policies are the same (same digest)"
stdout_has "0 records change decision, 0 keep it for other reasons or citations, 20 unchanged."
stdout_lacks "Changed decisions"

# Without the press exemption: acc004 (a newspaper quoting a call to
# violence) is withheld; acc001 and acc019 keep their decision, for other
# reasons. The whole report is compared with one a person has read.
gavel diff -p $Q/policy -p "$W/no-press" --as-of 2021-02-04 $Q/accounts.jsonl
status 1
workpaths
stdout_has "  - x.news_media (keep) removed"
stdout_has "  keep -> withhold: 1 record"
stdout_has "because x.news_media is not in the new policy; g.incitement is no longer set aside (it was, by x.news_media)"
stdout_has "1 record changes decision, 2 keep it for other reasons or citations, 17 unchanged."
stdout_is tests/e2e/expected/quickstart-no-press.diff

# Narrowing the exemption's defeats: the rule change is named, and the
# same account changes for that reason.
gavel diff -p $Q/policy -p "$W/narrow-press" --as-of 2021-02-04 $Q/accounts.jsonl
status 1
stdout_has "  ~ x.news_media: no longer defeats g.incitement"
stdout_has "      old  x.news_media"
stdout_has "      new  g.incitement"
stdout_has "      e.g. acc004"
stdout_has "because x.news_media no longer decides (a stronger outcome applies); g.incitement is no longer set aside (it was, by x.news_media)"

# -f json for machines: the same numbers, groups and example ids.
gavel diff -p $Q/policy -p "$W/no-press" --as-of 2021-02-04 -f json $Q/accounts.jsonl
status 1
python3 - "$W/out" <<'PY' || fail "diff -f json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["records"] == 20 and d["changed"] == 1 and d["reasons_changed"] == 2 and d["unchanged"] == 17, d
assert d["rules"] == [{"rule": "x.news_media", "change": "removed"}], d["rules"]
assert d["outcomes"] == ["withhold", "review", "keep"]
assert d["matrix"] == [[8, 0, 0], [0, 3, 0], [1, 0, 8]], d["matrix"]
g, = d["changed_decisions"]
assert (g["old"], g["new"], g["old_rules"], g["new_rules"], g["count"], g["examples"]) == \
    ("keep", "withhold", ["x.news_media"], ["g.incitement"], 1, ["acc004"]), g
same = {(x["what"], tuple(x["examples"])) for x in d["changed_reasons"]}
assert same == {("determining rules", ("acc001",)), ("determining rules", ("acc019",))}, same
assert [x["new_rules"] for x in d["changed_reasons"] if x["examples"] == ["acc019"]] == ["(default)"]
PY

# Records come from stdin too, and --examples caps the ids per group.
gavel_stdin $Q/accounts.jsonl diff -p $Q/policy -p "$W/no-press" --as-of 2021-02-04 --examples 1 -
status 1
stdout_has "keep -> withhold: 1 record"

# Trouble: exit 2.
gavel diff -p $Q/policy $Q/accounts.jsonl
status 2
stderr_has "diff needs two policies"
gavel diff -p $Q/policy -p /nonexistent-policy $Q/accounts.jsonl
status 2
stderr_has "/nonexistent-policy/policy.yaml"
gavel diff -p $Q/policy -p "$W/no-press" /nonexistent.jsonl
status 2
stderr_has "/nonexistent.jsonl: cannot open"
gavel diff -p $Q/policy -p "$W/no-press" -f xml $Q/accounts.jsonl
status 2
gavel diff --help
status 0
stdout_has "usage: gavel diff"
