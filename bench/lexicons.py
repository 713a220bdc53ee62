#!/usr/bin/env python3
"""The benchmark's word lists, read from the one place they live: bench/policy.

    python3 bench/lexicons.py [OUT.json]     # the same lists as JSON (for engine.c)

The three phrase lexicons are the policy's own lexicon files
(bench/policy/{incitement,separatism,violence}.txt), read the way gavel reads
them: one term a line, trimmed, blank lines and lines starting with '#'
skipped. The flagged hashtags are the keys of the FLAGGED set in
bench/policy/rules.lua, which matches them as whole tags (a lexicon would
match substrings). The generator and both yardsticks take their lists from
here, so a term added to the policy reaches every engine and the data alike.

Python 3 standard library only. Every phrase is lower-case ASCII: load()
refuses anything else, because the yardsticks lower-case ASCII only.
"""
import json
import os
import re
import sys

POLICY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policy")
PHRASE_LEXICONS = ("incitement", "separatism", "violence")


def read_terms(path):
    """The terms of one lexicon file, in file order."""
    with open(path, encoding="utf-8") as f:
        lines = (line.strip() for line in f)
        return [t for t in lines if t and not t.startswith("#")]


def read_flagged(path):
    """The keys of `local FLAGGED = { a = true, b = true }` in rules.lua."""
    with open(path, encoding="utf-8") as f:
        m = re.search(r"^local FLAGGED = \{([^}]*)\}", f.read(), re.M)
    if not m:
        raise SystemExit("%s: no `local FLAGGED = { ... }` table" % path)
    return re.findall(r"([a-z0-9_]+)\s*=\s*true", m.group(1))


def load(policy=POLICY):
    """{"incitement": [...], "separatism": [...], "violence": [...],
    "flagged_hashtags": [...]}, every entry lower-case ASCII."""
    lex = {name: read_terms(os.path.join(policy, name + ".txt")) for name in PHRASE_LEXICONS}
    lex["flagged_hashtags"] = read_flagged(os.path.join(policy, "rules.lua"))
    for name, terms in lex.items():
        if not terms:
            raise SystemExit("bench lexicon %s is empty" % name)
        for t in terms:
            if not t.isascii() or t != t.lower():
                raise SystemExit("bench lexicon %s: %r is not lower-case ASCII" % (name, t))
    return lex


def main(argv):
    text = json.dumps(load(), indent=1) + "\n"
    if len(argv) > 1:
        with open(argv[1], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
