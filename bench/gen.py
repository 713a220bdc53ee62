#!/usr/bin/env python3
"""The benchmark workload: synthetic account records, one JSON object a line.

    python3 bench/gen.py N [--seed S] [--out FILE]      (default seed 20210204)

Python 3 standard library only. Output depends on N and the seed alone: each
record draws from its own random.Random seeded with "SEED/INDEX" (string
seeds are hashed with SHA-512, not Python's per-process hash), so the same
arguments give the same bytes on every run, and the first K records for any
N >= K are the same K lines (bench/scale/run.sh cuts small sets from big).

bench/README.md, "The workload", says what the records hold and why. In
short: accounts in seven categories with a latent bot class that makes the
automation signals move together, 1-8 posts of 8-40 words in English, Hindi
or Punjabi, and the benchmark policy's phrases (bench/lexicons.py) written
into some posts in random case at rates that make each rule fire on a few
per cent of records.

Every character the generator writes is either ASCII or from a script
without letter case (Devanagari, Gurmukhi, emoji), so ASCII lower-casing
(engine.c), Python's str.lower (engine.py) and gavel's Unicode case folding
all see the same text.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lexicons  # noqa: E402

# (category, weight in %, probability that such an account is verified)
CATEGORIES = (
    ("individual", 70, 0.02),
    ("news_media", 4, 0.85),
    ("journalist", 4, 0.65),
    ("politician", 3, 0.55),
    ("activist", 5, 0.25),
    ("celebrity", 4, 0.75),
    ("organization", 10, 0.35),
)
ABROAD = ("PK", "GB", "CA", "US", "AE")
GROUNDS = ("public_order", "sovereignty", "foreign_relations")
ORDER_ID = "MeitY-69A-2021-02-04"
LANGS = (("en", 70), ("hi", 20), ("pa", 10))

# Per-record rates of planted content. Violence phrases also contain
# incitement terms in part ("burn them alive"), and a flagged hashtag is five
# times likelier beside incitement: campaigns and calls to act travel together.
P_BOT = 0.15
P_INCITEMENT = 0.072
P_SEPARATISM = 0.04
P_VIOLENCE = 0.024
P_FLAGGED = 0.05
P_FLAGGED_WITH_INCITEMENT = 0.22
P_BOUNDARY = 0.001          # each of tweets_per_day = 50.0, created_days_ago = 90

# Words of the post texts. No lexicon term may occur inside any of them
# (checked by check_vocabulary), so a rule fires only where a phrase was
# planted; "them" is left out too, so a planted "lynch" cannot become the
# violence phrase "lynch them" by chance.
WORDS_EN = """
farmers protest border camp tractor rally mandi crop wheat paddy mustard
sugarcane harvest field village district union leaders elders youth women
families langar tea blankets tents winter fog night morning evening today
tomorrow yesterday week month road highway toll railway station bus truck
convoy march sit peaceful voices rights justice dignity law laws bill repeal
withdraw minimum support price procurement market private contract reform
talks round meeting agreement demand guarantee committee court hearing
parliament session debate ministry officials police barricade water cold
songs stage speech poem flag banner slogan chant we you they our your their
us with without for against about over under after before during since
until while because and or but not no yes all every many some few more
most very so too also just only still even again always never often here
there now then what why how who which when where is are was were be been
will would should could must can may might this that these those a an the
of to in on at from by into onto near far long short big small new old good
hard cold warm first last next strong tired hungry hopeful proud grateful
share watch read listen join stand support solidarity update live news
report video photo thread please thanks everyone nobody someone together
alone day days hours counting continue begin wait hold walk drive reach
Delhi Punjab Haryana Singhu Tikri Ghazipur Kisan Morcha Parliament India
MSP SKM BKU Tomar Tikait Ugrahan Lakhowal Rajewal Sangrur Bathinda Patiala
""".split()
WORDS_HI = ("किसान", "आंदोलन", "सरकार", "दिल्ली", "सीमा", "कानून", "वापस",
            "जय", "जवान", "संघर्ष", "जारी", "एकता", "खेती", "फसल", "हक")
WORDS_PA = ("ਕਿਸਾਨ", "ਮੋਰਚਾ", "ਪੰਜਾਬ", "ਦਿੱਲੀ", "ਸੰਘਰਸ਼", "ਜਿੱਤ", "ਹੱਕ",
            "ਲੰਗਰ", "ਟਰੈਕਟਰ", "ਚੜ੍ਹਦੀ", "ਕਲਾ", "ਏਕਤਾ")
EMOJI = ("\U0001F69C", "\U0001F33E", "\U0001F64F", "\U0001F4AA")
ENDINGS = ("", "", "", "", ".", ".", "!", "?", "!!", "...")

# Ordinary hashtags. The last three are near misses of the flagged ones:
# a hashtag rule matches whole tags, so these must never fire it.
HASHTAGS = ("FarmersProtest", "StandWithFarmers", "NoFarmersNoFood",
            "FarmLaws", "KisanAndolan", "DelhiChalo", "TractorRally",
            "RepealFarmLaws", "MSPGuarantee", "KisanEktaMorcha",
            "SinghuBorder", "TikriBorder", "FarmersAreIndia",
            "StopFarmersGenocide", "FarmersGenocideTruth", "FarmerGenocide")
HANDLE_WORDS = ("kisan", "jatt", "desi", "voice", "truth", "news", "live",
                "punjabi", "farmer", "india", "real", "official", "daily",
                "singh", "kaur", "sharma", "khan", "gill", "reporter")


def check_vocabulary(lex):
    """Refuses a vocabulary word that holds a lexicon term's first word: a
    term can then only occur where it was planted (a term starting inside a
    word would need its first word to end inside that word)."""
    words = [w.lower() for w in WORDS_EN + list(WORDS_HI + WORDS_PA)]
    for name in lexicons.PHRASE_LEXICONS:
        for term in lex[name]:
            first = term.split(" ")[0]
            bad = [w for w in words if first in w]
            if bad:
                raise SystemExit("gen.py: vocabulary word %r holds %r of lexicon %s" % (bad[0], first, name))
    if "them" in words:
        raise SystemExit("gen.py: 'them' must stay out of the vocabulary")


def random_case(rng, text):
    """text as typed by someone: as is, SHOUTED, Capitalised, or mIxEd."""
    r = rng.random()
    if r < 0.5:
        return text
    if r < 0.7:
        return text.upper()
    if r < 0.9:
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def account_signals(rng, bot):
    """(created_days_ago, tweets_per_day, default_profile, followers,
    following): a bot is young, busy, on the default profile and follows far
    more than it is followed, each only more likely, so the signals
    correlate without any one settling it."""
    if bot:
        created = rng.randint(1, 150) if rng.random() < 0.65 else rng.randint(1, 3650)
        tpd = rng.uniform(45, 240) if rng.random() < 0.65 else rng.uniform(0, 55)
        default_profile = rng.random() < 0.7
        if rng.random() < 0.7:
            followers, following = rng.randint(0, 60), rng.randint(300, 6000)
        else:
            followers, following = rng.randint(0, 4000), rng.randint(0, 4000)
    else:
        created = rng.randint(1, 5000)
        tpd = rng.uniform(15, 110) if rng.random() < 0.03 else min(220.0, rng.expovariate(0.18))
        default_profile = rng.random() < 0.07
        followers = int(rng.lognormvariate(6.2, 2.1))
        following = int(rng.lognormvariate(5.4, 1.2))
        if rng.random() < 0.03:
            followers = rng.randint(0, 4)
    tpd = round(tpd, 2)
    if rng.random() < P_BOUNDARY:
        tpd = 50.0
    if rng.random() < P_BOUNDARY:
        created = 90
    return created, tpd, default_profile, followers, following


def post_text(rng, lang, planted):
    """8-40 words (an emoji or a planted phrase counts by its words) in
    lang, with the planted phrases at random places, in random case."""
    total = rng.randint(8, 40)
    taken = sum(len(p.split(" ")) for p in planted)
    emoji = rng.random() < 0.15 and taken < total
    n = max(1, total - taken - emoji)
    if lang == "en":
        words = rng.choices(WORDS_EN, k=n)
    else:
        native = WORDS_HI if lang == "hi" else WORDS_PA
        k = rng.randint(2, max(2, n // 2)) if n > 2 else n
        words = rng.choices(native, k=k) + rng.choices(WORDS_EN, k=n - k)
        rng.shuffle(words)
    for p in planted:
        words.insert(rng.randint(0, len(words)), random_case(rng, p))
    if emoji:
        words.insert(rng.randint(0, len(words)), rng.choice(EMOJI))
    return " ".join(words) + rng.choice(ENDINGS)


def posts_of(rng, index, plan):
    """1-8 posts; plan = (phrases to plant, flagged tag to plant or None)."""
    count = rng.randint(1, 8)
    planted = {}
    for phrase in plan[0]:
        planted.setdefault(rng.randrange(count), []).append(phrase)
    tag_at = rng.randrange(count) if plan[1] else -1
    posts = []
    for j in range(count):
        lang = weighted(rng, LANGS)
        tags = rng.sample(HASHTAGS, rng.choice((0, 0, 1, 1, 1, 2, 2, 3)))
        if j == tag_at:
            tags.insert(rng.randint(0, len(tags)), random_case(rng, plan[1]))
        posts.append({
            "id": "%d" % (1350000000000000000 + index * 16 + j),
            "text": post_text(rng, lang, planted.get(j, ())),
            "hashtags": tags,
            "lang": lang,
            "retweets": min(100000, int(rng.paretovariate(1.1)) - 1),
        })
    return posts


def content_plan(rng, lex):
    """What to plant in the record's posts: ([phrases], flagged tag or None).
    Each lexicon drawn goes in once, or twice in three records of ten."""
    incite = rng.random() < P_INCITEMENT
    drawn = (("incitement", incite), ("separatism", rng.random() < P_SEPARATISM),
             ("violence", rng.random() < P_VIOLENCE))
    phrases = []
    for name, on in drawn:
        if on:
            phrases += rng.choices(lex[name], k=2 if rng.random() < 0.3 else 1)
    p_tag = P_FLAGGED_WITH_INCITEMENT if incite else P_FLAGGED
    tag = rng.choice(lex["flagged_hashtags"]) if rng.random() < p_tag else None
    return phrases, tag


def order_of(rng, bot, flagged_content):
    """The blocking order naming the account, or None. Orders follow what
    the agencies flag: accounts with planted content are named more often,
    bots more often than people."""
    p = 0.6 if flagged_content else (0.4 if bot else 0.22)
    if rng.random() >= p:
        return None
    reasons = ""
    if rng.random() >= 0.27:
        reasons = " ".join(rng.choices(WORDS_EN, k=rng.randint(6, 16))) + "."
    return {"id": ORDER_ID, "ground": rng.choice(GROUNDS), "reasons": reasons}


def record(seed, index, lex):
    rng = random.Random("%d/%d" % (seed, index))
    category, _, p_verified = CATEGORIES[rng.choices(range(len(CATEGORIES)),
                                                     [c[1] for c in CATEGORIES])[0]]
    bot = rng.random() < P_BOT
    plan = content_plan(rng, lex)
    created, tpd, default_profile, followers, following = account_signals(rng, bot)
    abroad = rng.random() < (0.62 if bot else 0.12)
    order = order_of(rng, bot, bool(plan[0] or plan[1]))
    handle = "_".join(rng.choices(HANDLE_WORDS, k=rng.randint(1, 3))) + str(rng.randint(0, 9999))
    return {
        "id": "acc%07d" % index,
        "handle": handle,
        "category": category,
        "verified": rng.random() < p_verified,
        "created_days_ago": created,
        "followers": followers,
        "following": following,
        "tweets_per_day": tpd,
        "default_profile": default_profile,
        "operating_country": rng.choice(ABROAD) if abroad else "IN",
        "order": order,
        "posts": posts_of(rng, index, plan),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description="Synthetic account records for bench/ (JSON Lines).")
    ap.add_argument("n", type=int, help="number of records")
    ap.add_argument("--seed", type=int, default=20210204)
    ap.add_argument("--out", default="-", help="output file (default: stdout)")
    args = ap.parse_args(argv)
    lex = lexicons.load()
    check_vocabulary(lex)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    batch = []
    for i in range(1, args.n + 1):
        batch.append(encode(record(args.seed, i, lex)) + "\n")
        if len(batch) == 1000:
            out.write("".join(batch))
            batch = []
    out.write("".join(batch))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
