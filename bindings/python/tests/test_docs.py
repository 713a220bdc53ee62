"""The Python examples in docs/embedding.md run, and say what they get."""
import contextlib
import io
import os
import re
import unittest

import gavel

from .support import REPO, cli_lines

DOC = os.path.join(REPO, "docs", "embedding.md")


def python_blocks():
    with open(DOC, encoding="utf-8") as f:
        return re.findall(r"^```python\n(.*?)^```$", f.read(), re.S | re.M)


class TestDocs(unittest.TestCase):
    def test_the_use_example(self):
        blocks = python_blocks()
        self.assertTrue(blocks, "no python example in docs/embedding.md")
        ns = {}
        out = io.StringIO()
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            with contextlib.redirect_stdout(out):
                for block in blocks:
                    exec(compile(block, DOC, "exec"), ns)
        finally:
            os.chdir(cwd)
        self.assertEqual(out.getvalue().splitlines(), cli_lines())
        p = ns["policy"]
        self.assertEqual((p.name, p.version), ("quickstart", "1.0"))
        d = p.evaluate({"id": "acc001", "handle": "caravan_mag", "category": "news_media",
                        "verified": True, "posts": []}, as_of="2021-02-04")
        self.assertEqual(d.decision, "keep")
        self.assertEqual(d.reasons[0].rule, "x.news_media")
        self.assertTrue(d.reasons[0].cites.startswith("Constitution of India, Art. 19(1)(a): "))
        self.assertEqual(d.reasons[0].evidence, {"handle": "caravan_mag"})
        self.assertEqual(d.missing, [gavel.Missing("bot_signals", ["r.automation"])])


if __name__ == "__main__":
    unittest.main()
