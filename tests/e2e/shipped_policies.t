# The shipped policies (rules/*): their own test cases pass, every rule fires
# in some case, and they load and lint without errors.
gavel test -p rules/in-it-act-69a
status 0
stdout_has "32 of 32 rules fired"
stdout_has ", 0 failed"
gavel test -p rules/platform-manipulation
status 0
stdout_has "5 of 5 rules fired"
stdout_has ", 0 failed"
gavel check -p rules/in-it-act-69a
status 0
gavel check -p rules/platform-manipulation
status 0

# explain on the s.69A policy: a verified politician's inciting post under
# a binding direction is withheld in India, the post and not the account,
# and the press ground to contest is recorded with its reason and what it
# rests on (X Corp), as a lawyer would put it.
O=examples/farmers-protest/order-2021-01-31.yaml
gavel explain -p rules/in-it-act-69a --context $O tests/data/s69a-politician-anon.json
status 0
stdout_has "acc_0002: withhold"
stdout_has "  withhold_post: post p1"
stdout_has "  contest: account acc_0002"
stdout_has "    ordered by contest.press_politics"
stdout_has "Why the measures' other rules ordered them"
stdout_has "which is a ground for the platform to ask the committee to reconsider the direction, or for the user to petition a High Court under Art. 226 (under X Corp the platform cannot claim the user's Art. 19 rights itself)"
stdout_lacks "withhold_account"
gavel explain -p rules/in-it-act-69a --context $O -f json tests/data/s69a-politician-anon.json
stdout_has '"measures":[{"action":"withhold_post","targets":[{"kind":"post","id":"p1"}],"scope":["IN"],"rules":["ground.public_order"]},{"action":"contest","targets":[{"kind":"account","id":"acc_0002"}],"scope":["IN"],"rules":["contest.press_politics"]}]'

# gavel diff sees a ground to contest lost: without `activist` among the
# press, 20 accounts of the second order keep their decision and their
# contest measure, but no longer on contest.press_politics.
W=$(workdir)
mkdir -p "$W/rules"
cp -r rules/lib rules/in-it-act-69a "$W/rules/"
sed -i '/activist   = "an activist",/d' "$W/rules/in-it-act-69a/contest.lua"
gavel diff -p rules/in-it-act-69a -p "$W/rules/in-it-act-69a" --context examples/farmers-protest/order-2021-02-04.yaml examples/farmers-protest/accounts-1178.jsonl
status 1
stdout_has "0 records change decision, 20 keep it for other reasons, citations or measures, 1158 unchanged."
stdout_has "measures contest account:acc_1344: ordered by contest.press_politics,contest.reporting,contest.foreign_backed -> contest.reporting,contest.foreign_backed"

# A notice says why each ground to contest is recorded, and under what.
gavel eval -p rules/in-it-act-69a --context examples/farmers-protest/order-2021-02-04.yaml examples/farmers-protest/accounts-1178.jsonl
cp "$(workdir)/out" "$W/d.jsonl"
gavel report "$W/d.jsonl" -p rules/in-it-act-69a --context examples/farmers-protest/order-2021-02-04.yaml --notices "$W/n" -o "$W/r.html"
status 0
grep -q '^## Why the other measures are ordered$' "$W/n/acc_0259.md" || fail "the notice lacks the grounds to contest"
grep -qF 'who is behind an account is not itself an interest s.69A(1) lists' "$W/n/acc_0259.md" || fail "the ground's reason is missing"
grep -qF '(`contest.foreign_backed`)' "$W/n/acc_0259.md" || fail "the ground's rule is missing"
grep -qF 'Under: IT Act 2000, s.69A(1): blocking only where necessary for a listed interest' "$W/n/acc_0259.md" || fail "what the ground rests on is missing"

# -f yaml carries measure_reasons as JSON does.
gavel eval -p rules/in-it-act-69a --context examples/farmers-protest/order-2021-02-04.yaml -f yaml examples/farmers-protest/accounts-1178.jsonl
python3 - "$(workdir)/out" "$W/d.jsonl" <<'PY' || fail "-f yaml's measure_reasons differ from the JSON's"
import json, sys, yaml
ys = yaml.safe_load(open(sys.argv[1]))
js = [json.loads(l) for l in open(sys.argv[2])]
assert len(ys) == len(js) == 1178
for y, j in zip(ys, js):
    assert [r["rule"] for r in y["measure_reasons"]] == [r["rule"] for r in j["measure_reasons"]], j["id"]
    assert [r["reason"] for r in y["measure_reasons"]] == [r["reason"] for r in j["measure_reasons"]], j["id"]
assert sum(len(j["measure_reasons"]) for j in js) > 1000
PY
