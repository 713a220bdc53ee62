"""What the binding's tests share: the repository's paths, the quick-start
decisions as `gavel eval` prints them, and throwaway policies."""
import os
import shutil
import subprocess
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
QUICKSTART = os.path.join(REPO, "examples", "quickstart")
POLICY = os.path.join(QUICKSTART, "policy")
ACCOUNTS = os.path.join(QUICKSTART, "accounts.jsonl")
AS_OF = "2021-02-04"


def gavel_bin():
    """The gavel command to compare with: GAVEL_BIN (set by ctest), else
    the build tree's."""
    path = os.environ.get("GAVEL_BIN") or os.path.join(REPO, "build", "gavel")
    return path if os.path.exists(path) else None


def cli_lines(*args, records=ACCOUNTS, stdin=None):
    """The lines `gavel eval -p POLICY --as-of AS_OF ARGS RECORDS` prints.
    Without a gavel binary: the reviewed golden file of the e2e tests."""
    exe = gavel_bin()
    if exe is None:
        if args or records != ACCOUNTS:
            raise unittest_skip("no gavel binary (set GAVEL_BIN)")
        with open(os.path.join(REPO, "tests", "e2e", "expected", "quickstart.jsonl"),
                  encoding="utf-8") as f:
            return f.read().splitlines()
    cmd = [exe, "eval", "-p", POLICY, "--as-of", AS_OF, *args]
    if records is not None:
        cmd.append(records)
    out = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, check=False)
    return out.stdout.decode("utf-8").splitlines()


def unittest_skip(msg):
    import unittest
    return unittest.SkipTest(msg)


MANIFEST = """\
name: t
version: "1"
outcomes: [withhold, review, keep]
default: keep
on_error: review
rules: [rules.lua]
"""


class TempPolicy:
    """A policy directory written from rules text; removed on exit."""

    def __init__(self, rules, manifest=MANIFEST):
        self.rules, self.manifest = textwrap.dedent(rules), manifest

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="gavel-py-")
        with open(os.path.join(self.dir, "policy.yaml"), "w", encoding="utf-8") as f:
            f.write(self.manifest)
        with open(os.path.join(self.dir, "rules.lua"), "w", encoding="utf-8") as f:
            f.write(self.rules)
        return self.dir

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)
