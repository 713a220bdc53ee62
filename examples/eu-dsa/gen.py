#!/usr/bin/env python3
"""gen.py: writes notices.jsonl, the eu-dsa example's synthetic notices.

Deterministic (seeded), standard library only. Each record is one notice
(or removal order) with the posts it names, the platform's assessment of
them and the account's facts, built from one of the scenarios in MIX; the
record's `scenario` field says which (the policy does not read it). MIX
also says the decision each scenario should get, which the e2e test checks.

    python3 examples/eu-dsa/gen.py [--out DIR]     # writes DIR/notices.jsonl
    python3 examples/eu-dsa/gen.py --expect        # prints scenario -> decision, as JSON

The texts are labelled placeholders, not real hateful or terrorist content.
"""
import argparse
import datetime
import json
import os
import random

# scenario: (how many, the decision the policy should make)
MIX = {
    "de_hate":              (40, "disable"),
    "de_hate_journalism":   (15, "no_action"),
    "de_hate_satire":       (15, "no_action"),
    "de_satire_threat":     (8,  "disable"),
    "fr_terror":            (30, "disable"),
    "fr_terror_journalism": (12, "no_action"),
    "fr_manifesto":         (8,  "disable"),
    "tco_order":            (25, "remove"),
    "tco_order_journalism": (5,  "remove"),
    "tco_order_repeat":     (5,  "remove"),
    "tos_hate":             (40, "remove"),
    "tos_threat":           (20, "remove"),
    "tos_extremism":        (10, "remove"),
    "tos_graphic":          (25, "restrict"),
    "tos_borderline":       (25, "restrict"),
    "no_violation":         (45, "no_action"),
    "incomplete":           (15, "review"),
    "incomplete_tos":       (6,  "remove"),
    "automated":            (15, "review"),
    "unassessed":           (10, "review"),
    "other_law":            (10, "review"),
    "repeat_warned":        (10, "disable"),
    "repeat_unwarned":      (10, "disable"),
}

OFFSET = {"DE": 1, "FR": 1, "AT": 1, "BE": 1, "NL": 1, "IT": 1, "ES": 1, "PL": 1,
          "GR": 2, "FI": 2, "RO": 2, "IE": 0, "PT": 0}
LANG = {"DE": "de", "AT": "de", "FR": "fr", "BE": "fr"}
TEXT = {
    "incitement_to_hatred": "[synthetic] incitement to hatred against a {g} group",
    "terrorist_provocation": "[synthetic] call to commit a terrorist attack",
    "terrorist_content": "[synthetic] terrorist propaganda video description",
    "threat": "[synthetic] threat to hurt a named person",
    "hateful_conduct": "[synthetic] slur aimed at a group",
    "graphic_violence": "[synthetic] footage of a violent accident",
    "borderline": "[synthetic] sneering generalisation about a group",
    "none": "[synthetic] ordinary post about the weather",
}
GROUPS = ["national", "racial", "religious", "ethnic", "section_of_population"]


def stamp(t, hours):
    """An RFC 3339 time with the zone of a member state."""
    z = datetime.timezone(datetime.timedelta(hours=hours))
    return t.astimezone(z).isoformat(timespec="seconds").replace("+00:00", "Z")


class Gen:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.n = 0
        self.start = datetime.datetime(2024, 2, 19, 8, 0, tzinfo=datetime.timezone.utc)

    def post(self, nid, k, state, category, **assessment):
        r = self.rnd
        created = self.received - datetime.timedelta(hours=r.randint(1, 400), minutes=r.randint(0, 59))
        text = TEXT[category].format(g=assessment.get("target_group", "").replace("_", " "))
        a = {"category": category, "genre": "none", "manifest": False, "names_private_person": False,
             "credible_threat": False, "reproduces_manifesto": False, "editorial_context": False,
             "confidence": round(r.uniform(0.8, 0.99), 2)}
        a.update(assessment)
        return {"id": "%s-p%d" % (nid, k), "text": text, "language": LANG.get(state, "en"),
                "created_at": stamp(created, OFFSET.get(state, 0)), "assessment": a}

    def record(self, scenario):
        r = self.rnd
        self.n += 1
        nid = "N-%04d" % self.n
        self.received = self.start + datetime.timedelta(minutes=self.n * 97 + r.randint(0, 90))
        law, state, kind = "ToS", r.choice(["DE", "FR", "IE", "NL", "PL", "IT", "ES", None]), "notice"
        posts, previous, warned = [], r.randint(0, 1), False
        detection = {"automated_flag": r.random() < 0.3, "human_reviewed": True}
        hate = lambda **kw: self.post(nid, len(posts) + 1, state, "incitement_to_hatred",
                                      target_group=r.choice(GROUPS), **kw)
        terror = lambda **kw: self.post(nid, len(posts) + 1, state, "terrorist_provocation", **kw)
        other = lambda c, **kw: self.post(nid, len(posts) + 1, state, c, **kw)
        if scenario.startswith(("de_", "repeat_")) or scenario in ("incomplete", "incomplete_tos"):
            law, state = "DE-StGB-130", r.choice(["DE", "DE", "DE", "AT"])
        elif scenario.startswith("fr_"):
            law, state = "FR-CP-421-2-5", r.choice(["FR", "FR", "BE"])
        elif scenario.startswith("tco_"):
            law, kind, state = "EU-TCO", "removal_order", r.choice(["DE", "FR", "ES", "IT", "GR", "IE"])
        elif scenario == "other_law":
            law, state = "other", r.choice(["AT", "PL", "FI", "PT"])
        elif scenario == "no_violation":
            law = r.choice(["DE-StGB-130", "FR-CP-421-2-5", "ToS"])
            state = {"DE-StGB-130": "DE", "FR-CP-421-2-5": "FR"}.get(law, state)

        if scenario in ("de_hate", "incomplete"):
            posts.append(hate(manifest=r.random() < 0.5))
        elif scenario == "de_hate_journalism":
            posts.append(hate(genre="journalism", editorial_context=True))
        elif scenario == "de_hate_satire":
            posts.append(hate(genre=r.choice(["satire", "parody"])))
        elif scenario == "de_satire_threat":
            posts.append(hate(genre="satire", names_private_person=True, credible_threat=True))
        elif scenario == "fr_terror":
            posts.append(terror(manifest=r.random() < 0.5))
        elif scenario == "fr_terror_journalism":
            posts.append(terror(genre="journalism", editorial_context=True))
        elif scenario == "fr_manifesto":
            posts.append(terror(genre="journalism", reproduces_manifesto=True, editorial_context=False))
        elif scenario == "tco_order":   # within the hour, not yet assessed by the platform
            for _ in range(r.randint(1, 3)):
                posts.append(other("terrorist_content"))
                del posts[-1]["assessment"]
        elif scenario == "tco_order_journalism":
            posts.append(other("terrorist_content", genre="journalism", editorial_context=True))
        elif scenario == "tco_order_repeat":
            posts.append(other("terrorist_content", manifest=True))
        elif scenario == "tos_hate":
            posts.append(other("hateful_conduct"))
        elif scenario == "tos_threat":
            posts.append(other("threat", credible_threat=r.random() < 0.6))
        elif scenario == "tos_extremism":
            posts.append(other("terrorist_content", manifest=r.random() < 0.5))
        elif scenario == "tos_graphic":
            posts.append(other("graphic_violence"))
        elif scenario == "tos_borderline":
            posts.append(other("borderline"))
        elif scenario in ("no_violation", "other_law"):
            posts.append(other("none"))
        elif scenario == "incomplete_tos":
            posts.append(hate())
            posts.append(other("hateful_conduct"))
        elif scenario == "automated":
            law, state = r.choice([("DE-StGB-130", "DE"), ("ToS", None)])
            posts.append(hate() if law != "ToS" else other("hateful_conduct"))
            detection = {"automated_flag": True, "human_reviewed": False}
        elif scenario == "unassessed":
            posts.append(other("none"))
            posts.append(other("none"))
            del posts[-1]["assessment"]
        elif scenario.startswith("repeat_"):
            posts.append(hate(manifest=True))
        if scenario in ("repeat_warned", "repeat_unwarned", "tco_order_repeat"):
            previous, warned = r.randint(2, 5), scenario != "repeat_unwarned"
        # Unrelated posts of the same notice, assessed as nothing.
        if r.random() < 0.2 and scenario not in ("unassessed", "tco_order"):
            posts.append(other("none"))

        notifier_type = "authority" if kind == "removal_order" else \
            r.choice(["individual", "individual", "trusted_flagger", "ngo"])
        notice = {
            "id": ("TCO-%s-%04d" % (state, self.n)) if kind == "removal_order" else "DSA-%06d" % (100000 + self.n),
            "kind": kind,
            "received_at": stamp(self.received, OFFSET.get(state, 0)),
            "law": law,
            "notifier": {"id": "NF-%03d" % r.randint(1, 120), "type": notifier_type,
                         "name": "Notifier %d" % r.randint(1, 120),
                         "contact": kind == "removal_order" or r.random() < 0.85},
        }
        if state:
            notice["member_state"] = state
        if kind == "notice":
            notice["explanation"] = ("The post breaks the platform's terms." if law == "ToS"
                                     else "The post is unlawful under %s." % law)
            notice["locations"] = ["https://example.social/p/%s" % p["id"] for p in posts]
            notice["good_faith"] = True
        else:
            notice["notifier"]["id"] = "AUTH-%s" % state
            notice["notifier"]["name"] = "Competent authority of %s" % state
            notice["order"] = {"authority": "Competent authority of %s" % state, "member_state": state,
                               "issued_at": stamp(self.received - datetime.timedelta(minutes=r.randint(5, 50)),
                                                  OFFSET.get(state, 0))}
        if scenario in ("incomplete", "incomplete_tos"):
            gap = r.choice(["explanation", "locations", "good_faith"])
            notice[gap] = {"explanation": "", "locations": [], "good_faith": False}[gap]
        handle = "user_%04d" % r.randint(1, 9999)
        account = {"id": "A-%05d" % r.randint(1, 99999), "handle": handle,
                   "type": "journalist" if "journalism" in scenario else r.choice(["individual", "individual", "organisation"]),
                   "contact": r.random() < 0.95, "warned": warned,
                   "previous_violations": {"manifestly_illegal_12m": previous, "tos_12m": r.randint(0, 4)}}
        return {"id": nid, "scenario": scenario, "notice": notice, "detection": detection,
                "account": account, "posts": posts}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--expect", action="store_true", help="print each scenario's decision as JSON")
    args = ap.parse_args()
    if args.expect:
        print(json.dumps({s: d for s, (_, d) in MIX.items()}, sort_keys=True))
        return
    g = Gen(2024)
    order = [s for s, (n, _) in MIX.items() for _ in range(n)]
    g.rnd.shuffle(order)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "notices.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for s in order:
            f.write(json.dumps(g.record(s), ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
