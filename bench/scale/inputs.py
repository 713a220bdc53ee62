#!/usr/bin/env python3
"""Inputs for the scale measurements in docs/performance.md.

    inputs.py rules  K OUT_DIR             bench/policy with its 12 rules copied K times
    inputs.py posts  K N SRC OUT           N records with exactly K posts each
    inputs.py big    BYTES SRC OUT         one record of about BYTES bytes
    inputs.py lexicon N SRC OUT_DIR        policies for N lexicon terms (find + baseline)
    inputs.py loop   TERMS OUT_DIR         the same lookup as a Lua loop of string.find
    inputs.py index  OUT_DIR N [M ...]     scope.not_named two ways, contexts of N accounts

SRC is bench/gen.py output (bench/gen.py N --seed 20210204). Python 3
standard library only; the same arguments always give the same bytes.

Posts for `posts` and `big` come from SRC, keeping only "clean" posts: no
lexicon phrase in the text and no flagged hashtag. No rule then stops at a
first match, so every rule reads every post: the full-scan (worst) case,
which is also what most real posts cost.
"""
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
POLICY = os.path.join(HERE, "..", "policy")
sys.path.insert(0, os.path.join(HERE, ".."))
import lexicons  # noqa: E402  (bench/lexicons.py: the word lists of bench/policy)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def phrases():
    """Every lexicon phrase and flagged hashtag of the workload, lower-cased."""
    lex = lexicons.load()
    words = [t for name in lexicons.PHRASE_LEXICONS for t in lex[name]]
    return words, set(lex["flagged_hashtags"])


def clean_posts(src):
    """Posts of SRC (in order) that no lexicon or hashtag rule matches."""
    words, tags = phrases()
    for rec in read_lines(src):
        for p in rec["posts"]:
            t = p["text"].lower()
            if any(w in t for w in words) or any(h.lower() in tags for h in p["hashtags"]):
                continue
            yield p


class atomic_open:
    """open(path, "w"), renamed into place only when the block ends without
    an error, so an interrupted run leaves no short file behind."""
    def __init__(self, path):
        self.path = path
        self.f = open(path + ".part", "w", encoding="utf-8")

    def __enter__(self):
        return self.f

    def __exit__(self, exc, *_):
        self.f.close()
        if exc is None:
            os.replace(self.path + ".part", self.path)


def dump(rec):
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def cmd_rules(k, out):
    """bench/policy with rules.lua repeated K times (rules-1.lua .. rules-K.lua).
    Copy i > 1 renames each rule "ID" to "ID.cI": the copies fire on the same
    records, and the globs in defeats (g.*, x.*) reach them like the originals."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(POLICY, "rules.lua"), encoding="utf-8") as f:
        lua = f.read()
    for i in range(1, k + 1):
        text = lua if i == 1 else re.sub(r'^rule "([^"]+)"', r'rule "\1.c%d"' % i, lua, flags=re.M)
        with open(os.path.join(out, "rules-%03d.lua" % i), "w", encoding="utf-8") as f:
            f.write(text)
    for name in ("incitement", "separatism", "violence"):
        with open(os.path.join(POLICY, name + ".txt"), encoding="utf-8") as f, \
             open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as g:
            g.write(f.read())
    with open(os.path.join(POLICY, "policy.yaml"), encoding="utf-8") as f:
        manifest = f.read().replace("rules: [rules.lua]", "rules: [rules-*.lua]")
    assert "rules-*.lua" in manifest
    with open(os.path.join(out, "policy.yaml"), "w", encoding="utf-8") as f:
        f.write(manifest)


def cmd_posts(k, n, src, out):
    """N records: the account fields of SRC's records in turn, each with the
    next K clean posts of SRC (both wrap around when SRC runs out)."""
    pool = list(clean_posts(src))
    assert len(pool) >= k, "SRC has too few clean posts"
    accounts = list(read_lines(src))
    j = 0
    with atomic_open(out) as f:
        for i in range(n):
            rec = accounts[i % len(accounts)]
            rec["posts"] = [pool[(j + i) % len(pool)] for i in range(k)]
            j = (j + k) % len(pool)
            f.write(dump(rec) + "\n")


def cmd_big(size, src, out):
    """One record (SRC's first account) with as many clean posts as fit in
    SIZE bytes of JSON (e.g. 5000000, or 9000000 to exceed the 8 MiB limit)."""
    rec = next(read_lines(src))
    rec["posts"] = []
    n = len(dump(rec).encode())                # bytes, as gavel counts them
    for p in clean_posts(src):
        m = len(dump(p).encode()) + 1
        if n + m > size:
            break
        rec["posts"].append(p)
        n += m
    assert n + 1000 > size, "SRC has too few posts for SIZE"
    with atomic_open(out) as f:
        f.write(dump(rec) + "\n")
    print("%s: %d bytes, %d posts" % (out, n, len(rec["posts"])), file=sys.stderr)


def scan_rule(body):
    """The one rule both lexicon-cost policies use: `body` runs for each post
    (as Lua, indented to sit in the loop) and returns true to fire."""
    return ('rule "scan" {\n'
            '  outcome = "review",\n'
            '  cites = "none",\n'
            '  reason = "never",\n'
            '  when = function(r)\n'
            '    for _, p in ipairs(r.posts) do\n'
            + body +
            '    end\n'
            '    return false\n'
            '  end,\n'
            '}\n')


LEX_RULE = ("-- One rule that looks up every post text in a lexicon of %(n)d terms and\n"
            "-- never fires (no term occurs in the data): the cost of lexicon:find.\n"
            + scan_rule("      if %(test)s then return true end\n"))

LEX_MANIFEST = """name: scale-lexicon
version: "1.0"
outcomes: [review, keep]
default: keep
rules: [rules.lua]
lexicons:
  big: terms.txt
"""


def cmd_lexicon(n, src, out):
    """OUT/find: a policy whose one rule calls lexicon.big:find on each post
    text, with N random terms of 5-12 lower-case letters; OUT/base: the same
    rule reading p.text without the find. No term is a substring of any word
    of SRC's post texts, so no find succeeds and each scans the whole text."""
    seen = set()
    for rec in read_lines(src):
        for p in rec["posts"]:
            for w in p["text"].lower().split():
                seen.add(w)
    subs = {w[i:j] for w in seen for i in range(len(w)) for j in range(i + 5, min(len(w), i + 12) + 1)}
    rng = random.Random(20210204)
    letters = "abcdefghijklmnopqrstuvwxyz"
    terms = set()
    while len(terms) < n:
        t = "".join(rng.choice(letters) for _ in range(rng.randint(5, 12)))
        if t not in subs:
            terms.add(t)
    for sub, test in (("find", "lexicon.big:find(p.text)"), ("base", "p.text == 1")):
        d = os.path.join(out, sub)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "policy.yaml"), "w", encoding="utf-8") as f:
            f.write(LEX_MANIFEST)
        with open(os.path.join(d, "rules.lua"), "w", encoding="utf-8") as f:
            f.write(LEX_RULE % {"n": n, "test": test})
        with atomic_open(os.path.join(d, "terms.txt")) as f:
            f.write("".join(t + "\n" for t in sorted(terms)))


LOOP_RULE = ("-- The lookup of lexicon/find written without a lexicon: lower-case the\n"
             "-- text once (ASCII only, unlike a lexicon), then one plain string.find per\n"
             "-- term. Never fires: no term occurs in the data.\n"
             "local TERMS = {\n"
             "%(terms)s}\n"
             "\n"
             + scan_rule("      local t = string.lower(p.text)\n"
                         "      for _, w in ipairs(TERMS) do\n"
                         "        if string.find(t, w, 1, true) then return true end\n"
                         "      end\n"))


def cmd_loop(terms, out):
    """OUT: a policy doing lexicon/find's lookup with string.find over the
    terms of the file TERMS (e.g. OUT_DIR/find/terms.txt of `lexicon`)."""
    with open(terms, encoding="utf-8") as f:
        words = [l.strip() for l in f if l.strip()]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "policy.yaml"), "w", encoding="utf-8") as f:
        f.write(LEX_MANIFEST.replace("lexicons:\n  big: terms.txt\n", ""))
    with open(os.path.join(out, "rules.lua"), "w", encoding="utf-8") as f:
        f.write(LOOP_RULE % {"terms": "".join('  "%s",\n' % w for w in words)})


INDEX_MANIFEST = """name: index-%(way)s
version: "1"
outcomes: [withhold, review, keep]
default: withhold
on_error: review
rules: [rules.lua]
"""

# scope.not_named of rules/in-it-act-69a, three ways: util.contains's scan
# of the order's list, the index helper, and a baseline that reads the
# same fields and looks nothing up (subtracted from both).
INDEX_RULES = {
    "scan": "local function contains(list, x)\n"
            "  for _, y in ipairs(list) do if y == x then return true end end\n"
            "  return false\n"
            "end\n",
    "index": "local function contains(list, x) return index(list):has(x) end\n",
    "base": "local function contains(list, x) return false end\n",
}
INDEX_RULE = """
rule "scope.not_named" {
  outcome = "keep",
  reason  = "the order does not name account {account}",
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.accounts == nil then return false end
    local id = r.id
%(repeat)s    if contains(o.accounts, id) then return false end
    return true, { account = tostring(id) }
  end,
}
"""
# The -x100 ways also look up the 100 ids of r.more (recs100-N.jsonl):
# CPU time per lookup then stands out of the machine's noise, which one
# lookup a record does not.
INDEX_REPEAT = "    for _, x in ipairs(r.more or {}) do contains(o.accounts, x) end\n"


def cmd_index(out, sizes):
    """OUT/{scan,index,base,index-x100,base-x100}: policies; OUT/ctx-N.json: an order naming N
    accounts (acc0 .. acc<N-1>, shuffled); OUT/recs-N.jsonl: 200,000
    records the order does not name (ids drawn from acc<N> .. acc<2N-1>);
    OUT/recs100-N.jsonl: 20,000 such records with 100 more such ids each.
    So the rule fires for each, the three ways write the same decisions,
    and the scan reads the whole list: its worst case, and the common one
    (an order names few of the accounts in a file)."""
    ways = [(w, h, "") for w, h in INDEX_RULES.items()]
    ways += [(w + "-x100", INDEX_RULES[w], INDEX_REPEAT) for w in ("index", "base")]
    for way, helper, repeat in ways:
        d = os.path.join(out, way)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "policy.yaml"), "w", encoding="utf-8") as f:
            f.write(INDEX_MANIFEST % {"way": way})
        with open(os.path.join(d, "rules.lua"), "w", encoding="utf-8") as f:
            f.write(helper + INDEX_RULE % {"repeat": repeat})
    for n in sizes:
        rng = random.Random(n)
        ids = ["acc%d" % i for i in range(n)]
        rng.shuffle(ids)
        with atomic_open(os.path.join(out, "ctx-%d.json" % n)) as f:
            f.write(json.dumps({"order": {"name": "order %d" % n, "accounts": ids}}) + "\n")
        with atomic_open(os.path.join(out, "recs-%d.jsonl" % n)) as f:
            for _ in range(200000):
                f.write('{"id": "acc%d"}\n' % (n + rng.randrange(n)))
        with atomic_open(os.path.join(out, "recs100-%d.jsonl" % n)) as f:
            for _ in range(20000):
                more = ["acc%d" % (n + rng.randrange(n)) for _ in range(100)]
                f.write(json.dumps({"id": "acc%d" % (n + rng.randrange(n)), "more": more}) + "\n")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "rules":
        cmd_rules(int(args[0]), args[1])
    elif cmd == "posts":
        cmd_posts(int(args[0]), int(args[1]), args[2], args[3])
    elif cmd == "big":
        cmd_big(int(args[0]), args[1], args[2])
    elif cmd == "lexicon":
        cmd_lexicon(int(args[0]), args[1], args[2])
    elif cmd == "loop":
        cmd_loop(args[0], args[1])
    elif cmd == "index":
        cmd_index(args[0], [int(a) for a in args[1:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
