#!/usr/bin/env python3
"""The Python yardstick: the benchmark's 12 rules as an analyst would write
them, in plain Python 3 with the json module and no rule engine.

    python3 bench/yardstick/engine.py [ACCOUNTS.jsonl] > decisions.jsonl

Reads records (bench/gen.py's output; stdin without a file) and prints one
line per record, {"id","decision","rules"}, where rules are the ids of the
fired, undefeated rules whose outcome is the decision, in byte order. On
stderr: eval_s=<seconds spent deciding, without reading and writing>
records=<n>. The lexicons come from bench/policy (bench/lexicons.py); the
rules, their outcomes and what defeats what are those of
bench/policy/rules.lua, described in bench/README.md, "The rules".
"""
import fnmatch
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import lexicons  # noqa: E402

STRENGTH = {"withhold": 0, "review": 1, "keep": 2}    # strongest first
DEFAULT = "keep"


def bot_score(r):
    return ((r["created_days_ago"] < 90) + (r["tweets_per_day"] > 50) + bool(r["default_profile"])
            + (r["followers"] / (r["following"] + 1) < 0.1)) / 4


# (id, outcome, defeats globs), in the policy's order
RULES = (
    ("g.public_order.incitement", "withhold", ()),
    ("g.public_order.hashtag", "withhold", ()),
    ("g.sovereignty.separatism", "withhold", ()),
    ("g.foreign.coordinated", "withhold", ()),
    ("p.bot_amplifier", "review", ()),
    ("x.news_media", "keep", ("g.*",)),
    ("x.journalist", "keep", ("g.*",)),
    ("x.politician", "keep", ("g.*",)),
    ("x.activist", "keep", ("g.public_order.*",)),
    ("x.commentary", "keep", ("g.public_order.hashtag",)),
    ("xx.violence", "withhold", ("x.*",)),
    ("proc.no_reasons", "review", ()),
)


def fired_rules(r, lex, flagged):
    """Which of RULES fire on record r, as a list of booleans in RULES order."""
    # one string for all the posts: no term holds a newline, so no match
    # can run from one post into the next
    text = "\n".join(p["text"] for p in r["posts"]).lower()

    def matches(terms):
        return any(t in text for t in terms)

    incites = matches(lex["incitement"])
    order = r["order"]
    category = r["category"]
    score = bot_score(r)
    return [
        incites,
        any(tag.lower() in flagged for p in r["posts"] for tag in p["hashtags"]),
        matches(lex["separatism"]),
        r["operating_country"] != "IN" and order is not None and score >= 0.75,
        order is None and score >= 0.5,
        category == "news_media",
        category == "journalist" and r["verified"] is True,
        category == "politician",
        category == "activist",
        not incites,
        matches(lex["violence"]),
        order is not None and order["reasons"] == "",
    ]


def defeat_plan(rules):
    """Rule indexes in an order where every possible defeater of a rule comes
    before it, each with the indexes of the rules that may defeat it."""
    ids = [r[0] for r in rules]
    by = {i: [j for j, d in enumerate(rules) if any(fnmatch.fnmatchcase(ids[i], g) for g in d[2])]
          for i in range(len(rules))}
    order, placed = [], set()
    while len(order) < len(rules):
        ready = [i for i in range(len(rules)) if i not in placed and all(j in placed for j in by[i])]
        if not ready:
            raise SystemExit("engine.py: the defeat graph has a cycle")
        order += ready
        placed.update(ready)
    return [(i, by[i]) for i in order]


def decide(fired, plan):
    """(decision, determining rule ids in byte order) from the fired rules."""
    standing = [False] * len(RULES)
    for i, defeaters in plan:
        standing[i] = fired[i] and not any(standing[j] for j in defeaters)
    outcomes = [RULES[i][1] for i in range(len(RULES)) if standing[i]]
    decision = min(outcomes, key=STRENGTH.get) if outcomes else DEFAULT
    return decision, sorted(RULES[i][0] for i in range(len(RULES)) if standing[i] and RULES[i][1] == decision)


def main(argv):
    lex = lexicons.load()
    flagged = set(lex["flagged_hashtags"])
    plan = defeat_plan(RULES)
    src = open(argv[1], encoding="utf-8") if len(argv) > 1 else sys.stdin
    encode = json.JSONEncoder(separators=(",", ":")).encode
    out, spent, n = [], 0.0, 0
    for line in src:
        if not line.strip():
            continue
        r = json.loads(line)
        t = time.perf_counter()
        decision, determining = decide(fired_rules(r, lex, flagged), plan)
        spent += time.perf_counter() - t
        n += 1
        out.append(encode({"id": r["id"], "decision": decision, "rules": determining}))
        if len(out) == 5000:
            sys.stdout.write("\n".join(out) + "\n")
            out = []
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    print("eval_s=%.3f records=%d" % (spent, n), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
