"""Evaluating records: the decisions equal `gavel eval`'s, byte for byte;
what a Decision holds; input, rule, context and argument errors."""
import datetime
import io
import json
import os
import pathlib
import signal
import tempfile
import time
import unittest

import gavel

from .support import ACCOUNTS, AS_OF, POLICY, TempPolicy, cli_lines


def records():
    with open(ACCOUNTS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class TestSameAsTheCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = gavel.Policy(POLICY)
        cls.expected = cli_lines()
        assert len(cls.expected) == 20

    def test_evaluate_many_over_file_lines(self):
        with open(ACCOUNTS, encoding="utf-8") as f:
            got = [d.to_json() for d in self.policy.evaluate_many(f, as_of=AS_OF)]
        self.assertEqual(got, self.expected)

    def test_evaluate_many_over_bytes_lines(self):
        with open(ACCOUNTS, "rb") as f:
            got = [d.to_json() for d in self.policy.evaluate_many(f, as_of=AS_OF)]
        self.assertEqual(got, self.expected)

    def test_evaluate_each_dict(self):
        got = [self.policy.evaluate(r, as_of=AS_OF).to_json() for r in records()]
        self.assertEqual(got, self.expected)

    def test_to_dict_is_the_json(self):
        for d, line in zip(self.policy.evaluate_many(records(), as_of=AS_OF), self.expected):
            self.assertEqual(d.to_dict(), json.loads(line))

    def test_date_object(self):
        d = self.policy.evaluate(records()[0], as_of=datetime.date(2021, 2, 4))
        self.assertEqual(d.to_json(), self.expected[0])

    def test_yaml_record(self):
        d = self.policy.evaluate("id: acc003\nposts:\n  - id: p3001\n    text: Go there and BURN IT DOWN tonight\n"
                                 "    hashtags: []\n    labels: {speech_level: incitement, violence_call: true,"
                                 " context: original}\nhandle: angry_user_77\ncategory: individual\nverified: false\n",
                                 as_of=AS_OF, format="yaml")
        self.assertEqual(d.decision, "withhold")
        self.assertEqual([r.rule for r in d.reasons], ["g.incitement", "xx.explicit_violence"])
        with self.assertRaises(ValueError):
            self.policy.evaluate("{}", format="xml")


class TestDecision(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        p = gavel.Policy(POLICY)
        cls.d = {d.id: d for d in p.evaluate_many(records(), as_of=AS_OF)}

    def test_exemption_sets_a_ground_aside(self):
        d = self.d["acc001"]
        self.assertEqual(d.decision, "keep")
        self.assertEqual(d.outcome, "keep")
        self.assertFalse(d.default)
        self.assertTrue(d.ok)
        self.assertEqual(d.status, 0)
        self.assertEqual([r.rule for r in d.reasons], ["x.news_media", "x.reporting"])
        news = d.reasons[0]
        self.assertEqual(news.outcome, "keep")
        self.assertEqual(news.cites, "Constitution of India, Art. 19(1)(a): freedom of the press")
        self.assertEqual(news.reason, "caravan_mag is a verified news media entity")
        self.assertEqual(news.evidence, {"handle": "caravan_mag"})
        self.assertIsNone(news.by)
        (ground,) = d.defeated
        self.assertEqual((ground.rule, ground.outcome, ground.by),
                         ("g.flagged_hashtag", "withhold", "x.news_media"))
        self.assertEqual(ground.evidence, {"post": "p1001", "tag": "FarmersGenocide"})
        self.assertEqual(d.fired, ["g.flagged_hashtag", "x.news_media", "x.reporting"])
        self.assertEqual(d.missing, [("bot_signals", ["r.automation"])])
        self.assertEqual(d.missing[0].path, "bot_signals")
        self.assertEqual(d.errors, [])
        self.assertEqual(d.as_of, AS_OF)
        self.assertEqual(d.policy["name"], "quickstart")

    def test_default_and_exception(self):
        self.assertTrue(self.d["acc002"].default)
        self.assertEqual(self.d["acc002"].reasons, [])
        d = self.d["acc005"]
        self.assertEqual(d.decision, "withhold")
        self.assertIn("xx.explicit_violence", [r.rule for r in d.reasons])
        self.assertEqual(repr(d), "<Decision 'acc005' withhold by g.incitement,xx.explicit_violence>")

    def test_equality_and_hash(self):
        p = gavel.Policy(POLICY)
        again = p.evaluate(records()[0], as_of=AS_OF)
        self.assertEqual(again, self.d["acc001"])
        self.assertEqual(len({again, self.d["acc001"]}), 1)
        self.assertNotEqual(again, self.d["acc002"])


class TestPositionsAndBlankLines(unittest.TestCase):
    def setUp(self):
        self.policy = gavel.Policy(POLICY)

    def test_blank_lines_are_skipped_and_not_counted(self):
        lines = ['{"x": 1}\n', "\n", "   \t\n", '{"x": 2}\n', b"\n", b'{"x": 3}']
        got = [d.id for d in self.policy.evaluate_many(lines, as_of=AS_OF)]
        self.assertEqual(got, [1, 2, 3])
        cli = cli_lines(records="-", stdin=b'{"x": 1}\n\n   \t\n{"x": 2}\n\n{"x": 3}')
        again = [d.to_json() for d in self.policy.evaluate_many(lines, as_of=AS_OF)]
        self.assertEqual(again, cli)

    def test_position_of_one_record(self):
        self.assertEqual(self.policy.evaluate({}, as_of=AS_OF).id, 1)
        self.assertEqual(self.policy.evaluate({}, as_of=AS_OF, position=7).id, 7)

    def test_streaming_is_lazy(self):
        seen = []

        def source():
            for r in records():
                seen.append(r["id"])
                yield r

        it = self.policy.evaluate_many(source(), as_of=AS_OF)
        self.assertEqual(next(it).id, "acc001")
        self.assertEqual(seen, ["acc001"])
        self.assertEqual(next(it).id, "acc002")
        self.assertEqual(len(seen), 2)

    def test_ids_keep_their_kind(self):
        # The library hands out ids as plain text and writes them back as
        # JSON by kind: the string "7" stays a string, the number 7 a number.
        for record, want in (({"id": "7"}, "7"), ({"id": 7}, 7), ({"id": 1.5}, 1.5),
                             ({"id": 'a"b'}, 'a"b'), ({"id": [1]}, 1)):
            d = self.policy.evaluate(record, as_of=AS_OF)
            self.assertEqual(d.id, want)
            self.assertIs(type(d.id), type(want))

    def test_id_field(self):
        p = gavel.Policy(POLICY, id_field="handle")
        self.assertEqual(p.evaluate(records()[0], as_of=AS_OF).id, "caravan_mag")
        self.assertEqual(cli_lines("--id-field", "handle")[0],
                         p.evaluate(records()[0], as_of=AS_OF).to_json())


class TestErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = gavel.Policy(POLICY)

    def test_unreadable_record_gets_on_error(self):
        d = self.policy.evaluate('{"id": "a", ', as_of=AS_OF)
        self.assertEqual(d.decision, "review")          # the policy's on_error
        self.assertEqual(d.status, 4)                   # GAVEL_EINPUT
        self.assertFalse(d.ok)
        (err,) = d.errors
        self.assertIsNone(err.rule)
        self.assertTrue(err.message.startswith("record:1:"), err.message)

    def test_strict_raises_input_error(self):
        with self.assertRaises(gavel.InputError) as cm:
            self.policy.evaluate("nope", as_of=AS_OF, strict=True)
        self.assertEqual(cm.exception.decision.decision, "review")
        self.assertIn("record:1:1", str(cm.exception))

    def test_a_failing_rule(self):
        rules = """\
            rule 'g.boom' { outcome = 'withhold', reason = 'boom',
              when = function(r) if r.boom then error('it broke') end return false end }
            rule 'x.ok' { outcome = 'keep', reason = 'ok', when = function(r) return true end }
        """
        with TempPolicy(rules) as d:
            p = gavel.Policy(d)
        quiet = p.evaluate({"id": "q"}, as_of=AS_OF)
        self.assertEqual((quiet.decision, quiet.ok), ("keep", True))
        d = p.evaluate({"id": "b", "boom": True}, as_of=AS_OF)
        self.assertEqual(d.decision, "review")
        self.assertEqual(d.status, 5)                   # GAVEL_ERULE
        self.assertEqual(d.errors[0].rule, "g.boom")
        self.assertIn("it broke", d.errors[0].message)
        with self.assertRaises(gavel.RuleError) as cm:
            p.evaluate({"id": "b", "boom": True}, as_of=AS_OF, strict=True)
        self.assertIn("it broke", str(cm.exception))
        self.assertEqual(cm.exception.decision.errors[0].rule, "g.boom")

    def test_a_runaway_rule_is_stopped(self):
        rules = "rule 'g.loop' { outcome = 'withhold', when = function(r) while true do end end }\n"
        with TempPolicy(rules) as d:
            p = gavel.Policy(d, gavel.Limits(instructions=100_000))
        dec = p.evaluate({}, as_of=AS_OF)
        self.assertEqual(dec.decision, "review")
        self.assertEqual(dec.errors[0].rule, "g.loop")

    def test_a_rule_looping_inside_c_is_stopped_by_the_clock(self):
        # One call into C is one instruction to the hook: the time inside
        # must still count (docs/security.md, "What each library call costs").
        rules = ("rule 'g.c' { outcome = 'withhold', when = function(r)\n"
                 "  local s = (''):rep(math.maxinteger)\n"
                 "  for j = 1, 1e9 do table.move({}, 1, 1e12, 2) end end }\n")
        with TempPolicy(rules) as d:
            p = gavel.Policy(d, gavel.Limits(instructions=1 << 50, millis=100))
        # A Python handler would wait for the C call to return: the default
        # action ends the process, and so fails the run, if it hangs.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(60)
        try:
            start = time.monotonic()
            dec = p.evaluate({}, as_of=AS_OF)
            took = time.monotonic() - start
        finally:
            signal.alarm(0)
        self.assertEqual(dec.decision, "review")
        self.assertIn("exceeded the time budget", dec.errors[0].message)
        self.assertLess(took, 3.0)

    def test_bad_date(self):
        with self.assertRaises(gavel.ArgumentError) as cm:
            self.policy.evaluate({}, as_of="04/02/2021")
        self.assertIsInstance(cm.exception, ValueError)
        self.assertEqual(cm.exception.status, 6)
        self.assertIn("04/02/2021", str(cm.exception))
        # The evaluator is unharmed.
        self.assertEqual(self.policy.evaluate({}, as_of=AS_OF).as_of, AS_OF)

    def test_unserialisable_record(self):
        with self.assertRaises(TypeError):
            self.policy.evaluate({"when": object()})


class TestContext(unittest.TestCase):
    RULES = """\
        rule 'g.ordered' { outcome = 'withhold', reason = 'named in order {order}',
          when = function(r, ctx)
            for _, h in ipairs(ctx.handles or {}) do
              if h == r.handle then return true, { order = ctx.order } end
            end
            return false
          end }
    """

    @classmethod
    def setUpClass(cls):
        with TempPolicy(cls.RULES) as d:
            cls.policy = gavel.Policy(d)

    def test_dict_text_and_path(self):
        ctx = {"order": "MeitY-1", "as_of": "2021-02-01", "handles": ["a"]}
        for c in (ctx, json.dumps(ctx), "order: MeitY-1\nas_of: 2021-02-01\nhandles: [a]\n"):
            d = self.policy.evaluate({"handle": "a"}, context=c)
            self.assertEqual(d.decision, "withhold", c)
            self.assertEqual(d.reasons[0].reason, "named in order MeitY-1")
            self.assertEqual(d.as_of, "2021-02-01")     # the context's as_of
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("order: MeitY-2\nhandles: [b]\n")
        try:
            d = self.policy.evaluate({"handle": "b"}, context=pathlib.Path(f.name), as_of=AS_OF)
            self.assertEqual(d.reasons[0].evidence, {"order": "MeitY-2"})
            many = list(self.policy.evaluate_many([{"handle": "b"}, {"handle": "a"}],
                                                  context=pathlib.Path(f.name), as_of=AS_OF))
            self.assertEqual([x.decision for x in many], ["withhold", "keep"])
        finally:
            os.unlink(f.name)

    def test_context_is_not_sticky(self):
        d = self.policy.evaluate({"handle": "a"}, context={"handles": ["a"]}, as_of=AS_OF)
        self.assertEqual(d.decision, "withhold")
        d = self.policy.evaluate({"handle": "a"}, as_of=AS_OF)
        self.assertEqual(d.decision, "keep")
        self.assertEqual(d.missing, [("ctx.handles", ["g.ordered"])])

    def test_context_errors(self):
        with self.assertRaises(gavel.InputError) as cm:
            self.policy.evaluate({}, context="handles: [", as_of=AS_OF)
        self.assertIn("context:", str(cm.exception))
        with self.assertRaises(gavel.InputError):
            self.policy.evaluate({}, context="[1, 2]", as_of=AS_OF)   # not a mapping
        with self.assertRaises(gavel.GavelIOError) as cm:
            self.policy.evaluate({}, context=pathlib.Path("/nonexistent/ctx.yaml"))
        self.assertIsInstance(cm.exception, OSError)
        self.assertEqual(cm.exception.status, 2)
        with self.assertRaises(TypeError):
            self.policy.evaluate({}, context=42)
        # A good context afterwards works again.
        d = self.policy.evaluate({"handle": "a"}, context={"handles": ["a"]}, as_of=AS_OF)
        self.assertEqual(d.decision, "withhold")


if __name__ == "__main__":
    unittest.main()
