# Proportionate blocking under s.69A, by measures, over the farmers-protest
# example's 257 accounts and the order of 31 January 2021: the posts the
# order's ground reaches are withheld in India, and an account is withheld
# whole only when a rule says the account itself is the problem.
EX=examples/farmers-protest
W=$(workdir)
gavel eval -p tests/data/s69a-measures --context $EX/order-2021-01-31.yaml $EX/accounts-257.jsonl
status 0
stdout_lines 257
cp "$(workdir)/out" "$W/decisions.jsonl"
python3 - "$EX/accounts-257.jsonl" "$EX/order-2021-01-31.yaml" "$W/decisions.jsonl" <<'PY' || fail "measures do not follow the policy"
import json, sys, yaml
records = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
order = yaml.safe_load(open(sys.argv[2]))["order"]
named, tags = set(order["accounts"]), {t.lower() for t in order["flagged_hashtags"]}
def flagged(p):   # the order's ground, computed here independently of the rules
    return (p.get("labels") or {}).get("violence_call") is True or \
        any(h.lower().lstrip("#") in tags for h in p.get("hashtags") or [])
stats = {"posts": 0, "accounts": 0, "untouched": 0}
for line in open(sys.argv[3]):
    d = json.loads(line)
    r = records[d["id"]]
    want_posts = [p["id"] for p in r.get("posts") or [] if flagged(p)] if r["id"] in named else []
    by_action = {m["action"]: m for m in d["measures"]}
    assert set(by_action) <= {"withhold_post", "withhold_account"}, d["measures"]
    for m in d["measures"]:
        assert m["scope"] == ["IN"], m          # withheld in India only
        assert "due" not in m and "until" not in m, m
    post = by_action.get("withhold_post")
    got_posts = [t["id"] for t in post["targets"]] if post else []
    assert got_posts == want_posts, (d["id"], got_posts, want_posts)
    assert all(t["kind"] == "post" for t in (post or {"targets": []})["targets"])
    stats["posts"] += len(got_posts)
    stats["untouched"] += len(r.get("posts") or []) - len(got_posts)
    acct = by_action.get("withhold_account")
    if acct:   # only the automation rule withholds an account
        assert acct["rules"] == ["account.automated"], acct
        assert acct["targets"] == [{"kind": "account", "id": d["id"]}], acct
        assert r["id"] in named
        stats["accounts"] += 1
    assert ("account.automated" in d["fired"]) == bool(acct), d["id"]
    assert d["decision"] == ("withhold" if d["measures"] else "keep"), d["id"]
assert stats["posts"] > 100 and stats["accounts"] > 10, stats
assert stats["untouched"] > stats["posts"], stats     # most posts stay up
# README.md quotes these figures:
assert stats == {"posts": 181, "accounts": 34, "untouched": 317}, stats
assert sum(1 for l in open(sys.argv[3]) if '"action":"withhold_post"' in l) == 175
print("posts withheld %(posts)d, posts untouched %(untouched)d, accounts withheld %(accounts)d" % stats)
PY
