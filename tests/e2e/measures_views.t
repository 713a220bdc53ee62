# Measures in every view of a decision: eval's yaml, csv and table, explain
# (text and JSON) and diff (text and JSON), over tests/data/measures-policy
# and its variant measures-policy-v2 (other deadlines and scopes, the same
# decisions). Each format is read back with a standard parser and its
# fields checked, not only that something printed.
M=tests/data/measures-policy
V2=tests/data/measures-policy-v2
RUN="--context $M/context.yaml --as-of 2021-02-02"
W=$(workdir)

# ---- eval -f yaml: the JSON form's measures, field by field ----------------
gavel eval -p $M $RUN -f jsonl $M/accounts.jsonl
status 1                                   # acc07: a measure's due is missing
cp "$W/out" "$W/decisions.jsonl"
gavel eval -p $M $RUN -f yaml $M/accounts.jsonl
status 1
python3 - "$W/out" "$W/decisions.jsonl" <<'PY' || fail "eval -f yaml: measures"
import json, sys, yaml
docs = yaml.safe_load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
assert len(docs) == len(lines) == 7, len(docs)
for y, j in zip(docs, lines):          # the same measures as JSON, every field
    assert y["measures"] == j["measures"], (y["id"], y["measures"], j["measures"])
    assert [d.get("measures") for d in y["defeated"]] == \
           [d.get("measures") for d in j["defeated"]], y["id"]
a1 = docs[0]["measures"]
assert [m["action"] for m in a1] == ["withhold_post", "withhold_post", "notify_user"], a1
assert a1[0]["targets"] == [{"kind": "post", "id": "p1"}, {"kind": "post", "id": "p3"}], a1
assert a1[0]["scope"] == ["IN"] and a1[0]["due"] == "2021-02-02T16:30:00Z", a1[0]
assert a1[0]["rules"] == ["g.incite"] and "until" not in a1[0], a1[0]
assert a1[2]["scope"] == ["*"] and a1[2]["until"] == "2021-08-01T00:00:00Z" and "due" not in a1[2]
assert a1[2]["targets"] == [{"kind": "account", "id": "acc01"}], a1[2]
# acc02: nothing to do; the exemption set aside g.bot and its measure
assert docs[1]["measures"] == [], docs[1]
dm = docs[1]["defeated"][0]["measures"]
assert dm == [{"action": "withhold_account", "targets": [{"kind": "account", "id": "acc02"}],
               "scope": ["IN"], "rules": ["g.bot"]}], dm
# acc04: a number id stays a number; two rules' scopes united
m = docs[3]["measures"][0]
assert m["targets"] == [{"kind": "post", "id": 7}] and m["scope"] == ["DE", "IN"], m
assert m["rules"] == ["g.incite", "g.de_court"], m
assert docs[6]["decision"] == "review" and docs[6]["measures"] == []   # on_error: none
PY

# ---- eval -f csv: a measures column, one-line form, "; " between -----------
gavel eval -p $M $RUN -f csv $M/accounts.jsonl
status 1
python3 - "$W/out" <<'PY' || fail "eval -f csv: measures"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["id", "decision", "rules", "cites", "measures"], rows[0]
by = {r[0]: r for r in rows[1:]}
assert all(len(r) == 5 for r in rows), rows
assert by["acc01"][4].split("; ") == [
    "withhold_post post:p1,post:p3 in IN due 2021-02-02T16:30:00Z",
    "withhold_post post:p3 in DE due 2021-02-03T00:00:00Z",
    "notify_user account:acc01 in * until 2021-08-01T00:00:00Z"], by["acc01"]
assert by["acc02"][4] == "" and by["acc05"][4] == "" and by["acc07"][4] == "", rows
assert by["acc04"][4].startswith("withhold_post post:7 in DE,IN due 2021-02-02T16:30:00Z; "), by["acc04"]
assert by["acc06"][4].startswith("withhold_post post:t1 in AT,BE,BG,"), by["acc06"]
assert by["acc06"][4].endswith(",SK due 2021-02-02T09:15:00Z"), by["acc06"]
PY

# ---- eval -f table: a line per measure under the decision's reasons --------
gavel eval -p $M $RUN -f table $M/accounts.jsonl
status 1
python3 - "$W/out" <<'PY' || fail "eval -f table: measures"
import sys
lines = open(sys.argv[1]).read().splitlines()
i = next(k for k, l in enumerate(lines) if l.startswith("acc03 "))
assert lines[i + 1:i + 4] == [" " * 28 + "-> withhold_account account:acc03 in IN",
    " " * 28 + "-> withhold_post post:p9 in DE due 2021-02-03T00:00:00Z",
    " " * 28 + "-> notify_user account:acc03 in * until 2021-08-01T00:00:00Z"], lines[i:i + 4]
assert lines[i + 4].startswith("acc04 "), lines[i + 4]
j = next(k for k, l in enumerate(lines) if l.startswith("acc02 "))
assert lines[j + 1].startswith("acc03 "), "acc02 has no measures, so no measure line"
PY

# ---- policies without actions: no measures anywhere, nothing added ---------
Q=examples/quickstart
gavel eval -p $Q/policy --as-of 2021-02-04 -f csv $Q/accounts.jsonl
stdout_has "id,decision,rules,cites"
stdout_lacks "measures"
gavel eval -p $Q/policy --as-of 2021-02-04 -f yaml $Q/accounts.jsonl
stdout_lacks "measures"
gavel eval -p $Q/policy --as-of 2021-02-04 -f table $Q/accounts.jsonl
stdout_lacks "->"

# ---- explain: what to do, to what, where, by and until when, by which rules -
gavel explain -p $M $RUN --id acc01 $M/accounts.jsonl
status 0
python3 - "$W/out" <<'PY' || fail "explain: the measures section"
import sys
text = open(sys.argv[1]).read()
i = text.index("Measures (what to do)\n")
section = text[i:text.index("\n\n", i)].splitlines()[1:]
assert section == [
    "  withhold_post: post p1, post p3", "    where:    IN", "    by:       2021-02-02T16:30:00Z",
    "    ordered by g.incite",
    "  withhold_post: post p3", "    where:    DE", "    by:       2021-02-03T00:00:00Z",
    "    ordered by g.de_court",
    "  notify_user: account acc01", "    where:    everywhere",
    "    until:    2021-08-01T00:00:00Z", "    ordered by g.de_court"], section
PY
stdout_has "  without g.de_court, this record would still be withhold, by g.incite: posts p1, p3 incite
    and its measures change: no longer withhold_post post:p3 in DE due 2021-02-03T00:00:00Z; no longer notify_user account:acc01 in * until 2021-08-01T00:00:00Z"
stdout_has "  without g.incite, this record would still be withhold, by g.de_court: a German court named 1 posts
    and its measures change: no longer withhold_post post:p1,post:p3 in IN due 2021-02-02T16:30:00Z"

# a counterfactual that keeps the target but narrows the scope and moves the due
gavel explain -p $M $RUN --id acc04 $M/accounts.jsonl
status 0
stdout_has "    and its measures change: withhold_post post:7: in DE,IN -> DE and due 2021-02-02T16:30:00Z -> 2021-02-03T00:00:00Z and ordered by g.incite,g.de_court -> g.de_court"
stdout_has "    and its measures change: withhold_post post:7: in DE,IN -> IN and ordered by g.incite,g.de_court -> g.incite; no longer notify_user account:acc04 in * until 2021-08-01T00:00:00Z"

# a defeated rule's measures go with it; without the exemption they return
gavel explain -p $M $RUN --id acc02 $M/accounts.jsonl
status 0
stdout_has "    set aside by x.news
    set aside with it: withhold_account account:acc02 in IN"
stdout_has "Measures (what to do)
  none"
stdout_has "  without x.news, this record would be withhold, by g.bot: the account is automated
    and its measures change: now withhold_account account:acc02 in IN"

# on_error: no measures, and why
gavel explain -p $M $RUN --id acc07 $M/accounts.jsonl
status 1
stdout_has "  none: the decision is the on_error outcome"

# explain -f json: each counterfactual carries its measures, as eval writes them
gavel explain -p $M $RUN --id acc04 -f json $M/accounts.jsonl
status 0
python3 - "$W/out" <<'PY' || fail "explain -f json: measures"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["decision"]["measures"]) == 2, d["decision"]["measures"]
cf = {c["without"]: c for c in d["counterfactuals"]}
assert cf["g.de_court"]["measures"] == [{"action": "withhold_post",
    "targets": [{"kind": "post", "id": 7}], "scope": ["IN"],
    "due": "2021-02-02T16:30:00Z", "rules": ["g.incite"]}], cf["g.de_court"]
assert [m["action"] for m in cf["g.incite"]["measures"]] == ["withhold_post", "notify_user"]
assert cf["g.incite"]["measures"][0]["due"] == "2021-02-03T00:00:00Z", cf["g.incite"]
PY
gavel explain -p $Q/policy --as-of 2021-02-04 -f json --id acc004 $Q/accounts.jsonl
status 0
stdout_lacks "measures"
gavel explain -p $Q/policy --as-of 2021-02-04 --id acc004 $Q/accounts.jsonl
status 0
stdout_has "Decided by"
stdout_lacks "Measures"

# ---- diff: a change of measures is a change, though every decision stays ---
gavel diff -p $M -p $V2 $RUN $M/accounts.jsonl
status 1
stdout_has "0 records change decision, 3 keep it for other reasons, citations or measures, 4 unchanged."
stdout_has "  ~ g.bot: measures \"withhold_account: account; in IN\" -> \"withhold_account: account; in IN, PK\""
stdout_has "  withhold, measures: 2 records
      by   g.incite, g.de_court
      e.g. acc01, acc04"
stdout_has "      measures withhold_post post:p3: due 2021-02-03T00:00:00Z -> 2021-02-02T12:00:00Z"
stdout_has "      measures withhold_account account:acc03: in IN -> IN,PK; withhold_post post:p9: due 2021-02-03T00:00:00Z -> 2021-02-02T12:00:00Z"
stdout_has "            now: withhold_account account:acc03 in IN,PK"

gavel diff -p $M -p $V2 $RUN -f json $M/accounts.jsonl
status 1
python3 - "$W/out" <<'PY' || fail "diff -f json: measures"
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["changed"], d["reasons_changed"], d["unchanged"]) == (0, 3, 4), d
g = {tuple(x["examples"]): x for x in d["changed_reasons"]}
assert set(g) == {("acc01", "acc04"), ("acc03",)}, list(g)
assert all(x["what"] == "measures" for x in d["changed_reasons"])
assert g[("acc03",)]["measures_change"] == ("withhold_account account:acc03: in IN -> IN,PK; "
    "withhold_post post:p9: due 2021-02-03T00:00:00Z -> 2021-02-02T12:00:00Z"), g[("acc03",)]
assert "withhold_account account:acc03 in IN,PK" in g[("acc03",)]["example_new"], g[("acc03",)]
assert {r["rule"] for r in d["rules"]} == {"g.de_court", "g.bot"}, d["rules"]
PY

# the same policy on both sides: its measures are no change
gavel diff -p $M -p $M $RUN $M/accounts.jsonl
status 0
stdout_has "0 records change decision, 0 keep it for other reasons, citations or measures, 7 unchanged."
