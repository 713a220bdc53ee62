# The EU DSA example (examples/eu-dsa): the policy loads, lints clean and
# passes its own tests with every rule fired; notices.jsonl is what gen.py
# writes; run.sh writes one decision per notice into $OUT, each the decision
# gen.py's mix says for its scenario; and the measures are the ones the
# policy orders (EU-wide removal within the hour of a TCO order, DE-only
# disabling within 24 hours, the Art. 16(5) notification, Art. 18 reports,
# Art. 23 suspension for 30 days, a 30-day restriction).
EX=examples/eu-dsa
W=$(workdir)

gavel check -p $EX/policy
status 0
stderr_has "eu-dsa 2024.1: 20 rules, 0 warnings"
gavel test -p $EX/policy
status 0
stdout_has "20 of 20 rules fired"
stdout_has ", 0 failed"

python3 "$EX/gen.py" --out "$W/gen" || fail "gen.py failed"
cmp -s "$EX/notices.jsonl" "$W/gen/notices.jsonl" ||
  fail "$EX/notices.jsonl is not what gen.py writes: rerun python3 $EX/gen.py"
python3 "$EX/gen.py" --expect >"$W/expect.json" || fail "gen.py --expect failed"

OUT="$W/dsa" "$EX/run.sh" "$GAVEL_BIN" >"$W/run.out" 2>&1 || { cat "$W/run.out" >&2; fail "run.sh failed"; }
grep -qF "404 records" "$W/run.out" || { cat "$W/run.out" >&2; fail "run.sh did not decide 404 notices"; }
[ ! -e "$EX/out" ] || git check-ignore -q "$EX/out" || fail "$EX/out is not ignored"

python3 - "$EX/notices.jsonl" "$W/dsa/decisions.jsonl" "$W/expect.json" <<'PY' || fail "decisions of run.sh are not what the example says"
import collections, datetime, json, sys
notices = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
decisions = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
expect = json.load(open(sys.argv[3], encoding="utf-8"))
EU = sorted("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
bad = []
def check(ok, what):
    if not ok:
        bad.append(what)
check(len(decisions) == len(notices) == 404, "one decision per notice")
check([d["id"] for d in decisions] == [n["id"] for n in notices], "decisions in notice order")
want = collections.Counter(expect[n["scenario"]] for n in notices)
got = collections.Counter(d["decision"] for d in decisions)
check(got == want, "counts per decision %s, expected %s" % (dict(got), dict(want)))
check(got == {"remove": 111, "disable": 106, "no_action": 87, "restrict": 50, "review": 50}, "the mix's counts")

def utc(s, hours=0, days=0):
    t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00")) + datetime.timedelta(hours=hours, days=days)
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def measure(d, action):
    ms = [m for m in d["measures"] if m["action"] == action]
    return ms[0] if len(ms) == 1 else None

seen = collections.Counter()
for n, d in zip(notices, decisions):
    s, recv, nid = n["scenario"], n["notice"]["received_at"], n["id"]
    check(d["decision"] == expect[s], "%s (%s): %s, expected %s" % (nid, s, d["decision"], expect[s]))
    check(not d["errors"], "%s: errors %s" % (nid, d["errors"]))
    told = measure(d, "notify_notifier")
    if n["notice"]["kind"] == "notice":
        contact = n["notice"]["notifier"].get("contact") is True
        check((told is not None) == contact, "%s: notifier told iff it gave a contact" % nid)
        if told:
            check(told["targets"] == [{"kind": "notifier", "id": n["notice"]["notifier"]["id"]}]
                  and told["rules"] == ["notice.inform_notifier"], "%s: Art. 16(5) notification" % nid)
    if s == "tco_order":
        m = measure(d, "remove_content")
        check(m is not None and m["scope"] == EU and m["due"] == utc(recv, hours=1)
              and m["rules"] == ["eu.tco_removal_order"]
              and [t["id"] for t in m["targets"]] == [p["id"] for p in n["posts"]],
              "%s: EU-wide removal within an hour of receipt" % nid)
        check(told is not None and told["targets"] == [{"kind": "authority", "id": n["notice"]["notifier"]["id"]}],
              "%s: the issuing authority is told" % nid)
        seen[s] += 1
    if s in ("de_hate", "repeat_warned", "repeat_unwarned", "de_satire_threat"):
        m = measure(d, "disable_content")
        check(m is not None and m["scope"] == ["DE"] and m["due"] == utc(recv, hours=24)
              and measure(d, "remove_content") is None, "%s: disabled in DE only, within 24 hours" % nid)
        seen["de"] += 1
    if s in ("fr_terror", "fr_manifesto"):
        m = measure(d, "disable_content")
        check(m is not None and m["scope"] == ["FR"] and m["due"] == utc(recv, hours=24), "%s: disabled in FR" % nid)
    if s in ("de_hate_journalism", "de_hate_satire", "fr_terror_journalism"):
        check(all(m["action"] == "notify_notifier" for m in d["measures"]), "%s: exempt, nothing restricted" % nid)
        check(any(x["rule"] in ("de.stgb130", "fr.cp421_2_5") and x["measures"] for x in d["defeated"]),
              "%s: the defeated ground shows its measures" % nid)
    if s == "tos_borderline":
        for action in ("restrict_visibility", "demonetise"):
            m = measure(d, action)
            check(m is not None and m["scope"] == ["*"] and m.get("until") == utc(recv, days=30) and "due" not in m,
                  "%s: %s for 30 days" % (nid, action))
    suspend, warn = measure(d, "suspend_account"), measure(d, "warn_account")
    if s in ("repeat_warned", "tco_order_repeat"):
        check(suspend is not None and suspend["until"] == utc(recv, days=30)
              and suspend["targets"] == [{"kind": "account", "id": n["account"]["id"]}] and warn is None,
              "%s: suspended for 30 days (Art. 23)" % nid)
    elif s == "repeat_unwarned":
        check(warn is not None and suspend is None, "%s: warned first (Art. 23)" % nid)
    else:
        check(suspend is None and warn is None, "%s: no account measure" % nid)
    threat = any((p.get("assessment") or {}).get("credible_threat") for p in n["posts"])
    report = measure(d, "report_to_authorities")
    check((report is not None) == threat, "%s: Art. 18 report iff a credible threat" % nid)
    if report:
        state = n["notice"].get("member_state")
        check(report["scope"] == ([state] if state else EU), "%s: reported where the threat is" % nid)
        seen["art18"] += 1
check(seen["tco_order"] == 25 and seen["de"] == 68 and seen["art18"] > 10, "scenarios seen: %s" % dict(seen))
if bad:
    sys.exit("\n".join(bad[:20]))
PY

# Specific notices, as the decisions file has them.
grep -F '"id":"N-0014"' "$W/dsa/decisions.jsonl" >"$W/n14" || fail "no decision for N-0014"
grep -qF '"action":"remove_content","targets":[{"kind":"post","id":"N-0014-p1"},{"kind":"post","id":"N-0014-p2"},{"kind":"post","id":"N-0014-p3"}],"scope":["AT","BE","BG","CY","CZ","DE","DK","EE","ES","FI","FR","GR","HR","HU","IE","IT","LT","LU","LV","MT","NL","PL","PT","RO","SE","SI","SK"],"due":"2024-02-20T08:09:00Z"' "$W/n14" ||
  fail "N-0014: no EU-wide removal due an hour after 2024-02-20T08:09:00+01:00"
grep -F '"id":"N-0002"' "$W/dsa/decisions.jsonl" >"$W/n2" || fail "no decision for N-0002"
grep -qF '{"action":"disable_content","targets":[{"kind":"post","id":"N-0002-p1"}],"scope":["DE"],"due":"2024-02-20T11:30:00Z","rules":["de.stgb130"]}' "$W/n2" ||
  fail "N-0002: no DE-only disabling due 24 hours after receipt"
grep -qF '{"action":"notify_notifier","targets":[{"kind":"notifier","id":"NF-060"}],"scope":["*"],"rules":["notice.inform_notifier"]}' "$W/n2" ||
  fail "N-0002: the notifier is not told"

# The statements of reasons: run.sh exported them to statements.json, one
# JSON array of submission bodies, each valid by both checkers; one
# statement per measure of a restricting action, with the scope's EEA
# countries, for the notices with such a measure.
[ -f "$W/dsa/statements.json" ] || fail "run.sh wrote no statements.json"
gavel export --validate "$W/dsa/statements.json"
status 0
stderr_has "308 statements checked, 0 invalid"
python3 tests/e2e/dsa_check.py "$W/dsa/statements.json" || fail "dsa_check.py rejects the statements"
python3 - "$W/dsa/statements.json" "$W/dsa/decisions.jsonl" <<'PY' || fail "statements do not follow the decisions"
import json, sys
bodies = json.load(open(sys.argv[1]))
assert [len(b["statements"]) for b in bodies] == [100, 100, 100, 8], [len(b["statements"]) for b in bodies]
sts = {st["puid"].rsplit("-", 1)[0]: [] for b in bodies for st in b["statements"]}
for b in bodies:
    for st in b["statements"]:
        sts[st["puid"].rsplit("-", 1)[0]].append(st)
EEA = ["AT","BE","BG","CY","CZ","DE","DK","EE","ES","FI","FR","GR","HR","HU","IE","IS","IT",
       "LI","LT","LU","LV","MT","NL","NO","PL","PT","RO","SE","SI","SK"]
mapped = {"remove_content", "disable_content", "restrict_visibility", "demonetise", "suspend_account"}
for line in open(sys.argv[2]):
    d = json.loads(line)
    want = [m for m in d["measures"] if m["action"] in mapped]
    got = sts.get(d["id"], [])
    assert len(got) == len(want), (d["id"], len(got), len(want))
    for m in want:
        scope = EEA if m["scope"] == ["*"] else [c for c in m["scope"] if c in EEA]
        assert any(st["territorial_scope"] == scope for st in got), (d["id"], m)
    if d["id"] == "N-0002":   # the DE-only disabling under StGB s.130
        (st,) = got
        assert st["territorial_scope"] == ["DE"] and st["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
        assert st["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT" and "130" in st["illegal_content_legal_ground"]
        assert st["source_type"] == "SOURCE_TRUSTED_FLAGGER" or st["source_type"] == "SOURCE_ARTICLE_16"
PY
