"""Measures reach Python: in the decision's dict as `gavel eval` writes
them, and as Decision.measures and each defeated Reason's measures, over
tests/data/measures-policy."""
import json
import os
import pathlib
import unittest

import gavel

from .support import REPO

MEASURES = os.path.join(REPO, "tests", "data", "measures-policy")
CONTEXT = pathlib.Path(MEASURES, "context.yaml")


def accounts():
    with open(os.path.join(MEASURES, "accounts.jsonl"), encoding="utf-8") as f:
        return {r["id"]: r for r in map(json.loads, f)}


class TestMeasures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = gavel.Policy(MEASURES)
        cls.records = accounts()

    def decide(self, id):
        return self.policy.evaluate(self.records[id], CONTEXT, "2021-02-02")

    def test_in_the_dict(self):
        d = self.decide("acc01").to_dict()
        self.assertEqual(list(d).index("measures"), list(d).index("reasons") + 1)
        self.assertEqual(d["measures"][0], {
            "action": "withhold_post",
            "targets": [{"kind": "post", "id": "p1"}, {"kind": "post", "id": "p3"}],
            "scope": ["IN"], "due": "2021-02-02T16:30:00Z", "rules": ["g.incite"]})
        self.assertEqual([m["action"] for m in d["measures"]],
                         ["withhold_post", "withhold_post", "notify_user"])

    def test_as_measures(self):
        m = self.decide("acc04").measures
        self.assertEqual(m[0], gavel.Measure("withhold_post", [gavel.Target("post", 7)],
                                             ["DE", "IN"], "2021-02-02T16:30:00Z", None,
                                             ["g.incite", "g.de_court"]))
        self.assertIsInstance(m[0].targets[0].id, int)
        self.assertEqual((m[1].action, m[1].scope, m[1].until),
                         ("notify_user", ["*"], "2021-08-01T00:00:00Z"))

    def test_defeated_measures_go_with_the_rule(self):
        d = self.decide("acc02")
        self.assertEqual(d.measures, [])
        (g,) = d.defeated
        self.assertEqual((g.rule, g.by), ("g.bot", "x.news"))
        self.assertEqual(g.measures, [gavel.Measure(
            "withhold_account", [gavel.Target("account", "acc02")], ["IN"], None, None,
            ["g.bot"])])
        self.assertEqual(d.reasons[0].measures, [])

    def test_policy_without_actions(self):
        quick = gavel.Policy(os.path.join(REPO, "examples", "quickstart", "policy"))
        d = quick.evaluate({"id": "a", "category": "news_media"}, as_of="2021-02-04")
        self.assertNotIn("measures", d.to_dict())
        self.assertEqual(d.measures, [])


if __name__ == "__main__":
    unittest.main()
