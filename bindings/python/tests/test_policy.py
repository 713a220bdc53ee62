"""Loading policies: what a Policy tells, limits, and the errors of a
policy that does not load."""
import json
import os
import pickle
import unittest

import gavel

from .support import POLICY, REPO, TempPolicy, cli_lines


class TestPolicy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = gavel.Policy(POLICY)

    def test_identity_matches_the_cli(self):
        p = self.policy
        self.assertEqual(p.name, "quickstart")
        self.assertEqual(p.version, "1.0")
        self.assertTrue(p.digest.startswith("sha256:"))
        self.assertEqual(len(p.digest), len("sha256:") + 64)
        first = json.loads(cli_lines()[0])
        self.assertEqual(first["policy"], {"name": p.name, "version": p.version,
                                           "digest": p.digest})

    def test_outcomes_and_rules_in_policy_order(self):
        p = self.policy
        self.assertEqual(p.outcomes, ["withhold", "review", "keep"])
        self.assertEqual(p.default, "keep")
        self.assertEqual(p.on_error, "review")
        ids = [r.id for r in p.rules]
        self.assertEqual(ids[:3], ["g.incitement", "g.flagged_hashtag", "x.news_media"])
        news = p.rules[2]
        self.assertEqual(news.outcome, "keep")
        self.assertEqual(news.cites, "Constitution of India, Art. 19(1)(a): freedom of the press")
        self.assertEqual(news.reason, "{handle} is a verified news media entity")
        self.assertEqual(news.defeats, ("g.incitement", "g.flagged_hashtag"))
        self.assertTrue(news.file.endswith("rules.lua"))
        self.assertGreater(news.line, 0)

    def test_default_limits(self):
        lim = self.policy.limits
        self.assertEqual(lim.instructions, 10_000_000)
        self.assertEqual(lim.millis, 2000)
        self.assertEqual(lim.memory, 256 << 20)
        self.assertEqual(lim.depth, 64)

    def test_limits_given_win(self):
        p = gavel.Policy(POLICY, gavel.Limits(instructions=5000, depth=8))
        self.assertEqual(p.limits.instructions, 5000)
        self.assertEqual(p.limits.depth, 8)
        self.assertEqual(p.limits.millis, 2000)      # 0: the default
        p = gavel.Policy(POLICY, {"millis": 100})
        self.assertEqual(p.limits.millis, 100)
        with self.assertRaises(TypeError):
            gavel.Policy(POLICY, 5)

    def test_a_path_object_and_the_manifest_itself(self):
        import pathlib
        p = gavel.Policy(pathlib.Path(POLICY) / "policy.yaml")
        self.assertEqual(p.digest, self.policy.digest)

    def test_not_picklable(self):
        with self.assertRaises(TypeError):
            pickle.dumps(self.policy)

    def test_version(self):
        self.assertRegex(gavel.version(), r"^\d+\.\d+\.\d+ \(Lua 5\.4")
        self.assertTrue(gavel.library_path())


class TestPolicyErrors(unittest.TestCase):
    def test_missing_directory(self):
        with self.assertRaises(gavel.PolicyError) as cm:
            gavel.Policy("/nonexistent/policy")
        e = cm.exception
        self.assertEqual(e.status, 3)               # GAVEL_EPOLICY
        self.assertEqual(e.status_name, "policy error")
        self.assertIn("/nonexistent/policy", str(e))
        self.assertEqual(e.diagnostics[0].severity, "error")
        self.assertIsInstance(e, gavel.GavelError)

    def test_lua_syntax_error_has_its_place(self):
        with TempPolicy("rule 'a' { outcome = 'keep',\n  when = function(r) return r. end }\n") as d:
            with self.assertRaises(gavel.PolicyError) as cm:
                gavel.Policy(d)
        diag = [x for x in cm.exception.diagnostics if x.severity == "error"][0]
        self.assertTrue(diag.file.endswith("rules.lua"), diag)
        self.assertEqual(diag.line, 2)
        self.assertIn("rules.lua:2:", str(cm.exception))

    def test_unknown_outcome(self):
        with TempPolicy("rule 'a' { outcome = 'banish', when = function(r) return true end }\n") as d:
            with self.assertRaises(gavel.PolicyError) as cm:
                gavel.Policy(d)
        self.assertIn("banish", str(cm.exception))

    def test_check_lints(self):
        lint = os.path.join(REPO, "tests", "data", "lint-policy")
        diags = gavel.check(lint)
        self.assertTrue(diags)
        self.assertTrue(all(isinstance(d, gavel.Diagnostic) for d in diags))
        self.assertIn("warning", {d.severity for d in diags})
        self.assertEqual(gavel.check(POLICY), [])
        broken = gavel.check("/nonexistent/policy")
        self.assertEqual(broken[0].severity, "error")


if __name__ == "__main__":
    unittest.main()
