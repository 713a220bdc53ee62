#!/usr/bin/env python3
"""Generates the farmers'-protest example: synthetic account records for the
two blocking orders of February 2021, and the two orders as context files.

    python3 examples/farmers-protest/gen.py            # rewrites the files below
    python3 examples/farmers-protest/gen.py --out DIR  # writes them to DIR instead

Writes, next to this script (or to DIR):
    accounts-257.jsonl     the 257 accounts of the order of 31 January 2021
    accounts-1178.jsonl    the 1,178 accounts of the order of 4 February 2021
    order-2021-01-31.yaml  the first order, as a --context file
    order-2021-02-04.yaml  the second order, as a --context file

Everything is synthetic: handles, names, outlets and posts are invented, and
the mix of accounts is a plausible reading of the public reports (see
README.md), not data about any real account. Python 3 standard library
only; the seed is fixed, so the output is the same on every run and every
machine (the files are checked in, and tests/e2e/farmers.t holds the
counts they give).
"""
import json
import os
import random
import sys

SEED = 20210208
HERE = os.path.dirname(os.path.abspath(__file__))

FIRST_FLAGGED = "ModiPlanningFarmerGenocide"

# ---- text ------------------------------------------------------------------------
# Each pool: (language, text). Labels are set by the kind of post, below.

DISCUSSION = [
    ("en", "Day {day} at Singhu border. Langar for everyone, rain or shine."),
    ("en", "Why were the farm laws passed by voice vote, without a division in the Rajya Sabha?"),
    ("en", "The internet shutdown at the protest sites has to end."),
    ("en", "Proud of my grandfather, 80 years old and sitting at Tikri since November."),
    ("en", "Talks between the unions and the government failed again today. What next?"),
    ("hi", "सिंघु बॉर्डर पर आज भी हजारों किसान डटे हैं"),
    ("hi", "सरकार किसानों से बात क्यों नहीं करती?"),
    ("hi", "गाज़ीपुर बॉर्डर पर आज रात भी ठंड में किसान बैठे हैं"),
    ("pa", "ਦਿੱਲੀ ਦੀਆਂ ਸਰਹੱਦਾਂ ਤੇ ਅਸੀਂ ਸ਼ਾਂਤੀ ਨਾਲ ਬੈਠੇ ਹਾਂ"),
    ("pa", "ਟਿੱਕਰੀ ਬਾਰਡਰ ਤੇ ਅੱਜ ਵੀ ਲੰਗਰ ਚੱਲ ਰਿਹਾ ਹੈ"),
]
ADVOCACY = [
    ("en", "Repeal the three farm laws. Talk to the farmers, not at them. #FarmersProtest"),
    ("en", "MSP must be a legal right. #StandWithFarmers"),
    ("en", "Peaceful protest is our right. We will sit here until the laws go. #FarmersProtest"),
    ("en", "Farmers feed the nation; the least we can do is listen. #StandWithFarmers"),
    ("hi", "तीनों कृषि कानून वापस लो #FarmersProtest"),
    ("hi", "किसान नहीं तो खाना नहीं"),
    ("hi", "एमएसपी को कानूनी गारंटी दो"),
    ("pa", "ਕਾਲੇ ਕਾਨੂੰਨ ਰੱਦ ਕਰੋ #FarmersProtest"),
    ("pa", "ਕਿਸਾਨ ਮਜ਼ਦੂਰ ਏਕਤਾ ਜ਼ਿੰਦਾਬਾਦ"),
    ("pa", "ਪੰਜਾਬ ਦੇ ਕਿਸਾਨ ਪਿੱਛੇ ਨਹੀਂ ਹਟਣਗੇ"),
]
HASHTAG_ADVOCACY = [   # the hashtag the first order names, used as protest, not incitement
    ("en", "#" + FIRST_FLAGGED + " is how it feels at the border when no one in Delhi listens."),
    ("en", "Three laws, no consultation, 150 dead at the borders. #" + FIRST_FLAGGED),
    ("hi", "सुनवाई नहीं, बातचीत नहीं #" + FIRST_FLAGGED),
    ("pa", "ਸਰਕਾਰ ਸੁਣਦੀ ਨਹੀਂ #" + FIRST_FLAGGED),
]
SEPARATIST_ADVOCACY = [  # advocacy of secession, no call to violence (Balwant Singh)
    ("en", "Punjab deserves the right to decide its own future. A referendum, not bullets."),
    ("en", "Khalistan is our political goal and we will pursue it peacefully, through the ballot."),
    ("pa", "ਪੰਜਾਬ ਨੂੰ ਆਪਣਾ ਭਵਿੱਖ ਆਪ ਤੈਅ ਕਰਨ ਦਾ ਹੱਕ ਹੈ"),
]
REPORTING = [
    ("en", "Live: talks between farmer unions and the government fail for the {nth} time."),
    ("en", "Our reporters at Singhu and Tikri on the protests behind #" + FIRST_FLAGGED + "."),
    ("en", "Police say a post urging people to 'attack the police' is under investigation; union leaders condemned it."),
    ("hi", "किसान आंदोलन: सिंघु बॉर्डर से हमारी ग्राउंड रिपोर्ट"),
    ("pa", "ਕਿਸਾਨ ਅੰਦੋਲਨ: ਟਿੱਕਰੀ ਬਾਰਡਰ ਤੋਂ ਸਾਡੀ ਰਿਪੋਰਟ"),
]
POLITICAL = [
    ("en", "I stand with the farmers at Delhi's borders. The laws must go, and the talks must be real."),
    ("en", "Raised the farm laws in the House today. The government has no answer on MSP."),
    ("en", "Troubling reports from India. The right to peaceful protest must be protected everywhere."),
    ("hi", "किसानों की आवाज़ संसद में उठाई, सरकार जवाब दे"),
]
VIOLENCE = [   # a call to violence in the account's own voice: (lang, text, interest)
    ("en", "Go to the police station tonight and burn it down.", "public_order"),
    ("en", "Attack the police at the barricades, no mercy.", "public_order"),
    ("en", "Kill them all when they come to clear the camps.", "public_order"),
    ("hi", "थाने में आग लगा दो आज रात", "public_order"),
    ("hi", "इन गद्दारों को मार डालो", "public_order"),
    ("pa", "ਥਾਣੇ ਨੂੰ ਅੱਗ ਲਾ ਦਿਓ", "public_order"),
    ("pa", "ਪੁਲਿਸ ਤੇ ਹਮਲਾ ਕਰੋ, ਬੈਰੀਕੇਡ ਤੋੜੋ", "public_order"),
    ("en", "@agri_minister_x we know where you live.", "public_order"),
    ("hi", "कानून वापस नहीं लिए तो जान से मार देंगे", "public_order"),
]
SEPARATIST_VIOLENCE = [
    ("en", "Take up arms for a free Khalistan, the only way out of India.", "sovereignty_integrity"),
    ("pa", "ਹਥਿਆਰ ਚੁੱਕੋ, ਆਜ਼ਾਦ ਪੰਜਾਬ ਲਈ", "sovereignty_integrity"),
]
CONDEMNATION = [   # quotes a call to violence to condemn it
    ("en", "Someone posted 'burn the police station'. That is not us. Our struggle is peaceful."),
    ("hi", "जो कह रहे हैं 'थाना फूंक दो' वो किसान नहीं हैं"),
    ("pa", "'ਅੱਗ ਲਾ ਦਿਓ' ਕਹਿਣ ਵਾਲੇ ਸਾਡੇ ਨਹੀਂ, ਸਾਡਾ ਸੰਘਰਸ਼ ਸ਼ਾਂਤਮਈ ਹੈ"),
]
FIGURATIVE = [     # a violent phrase used figuratively: labelled discussion, text disagrees
    ("en", "These laws are rotten from the root. Burn it down and start again, at the ballot box."),
    ("hi", "इस पूरी व्यवस्था को जला दो, वोट से"),
]
AMBIGUOUS = [      # what a labeller could not settle
    ("en", "If they come for our land, we will be ready for them."),
    ("hi", "अब आर-पार की लड़ाई होगी"),
    ("pa", "ਹੁਣ ਆਰ-ਪਾਰ ਦੀ ਲੜਾਈ ਹੋਵੇਗੀ"),
    ("hi", "दिल्ली को घेर लो, कोई अंदर बाहर न जाए"),
]
AMPLIFY = [        # what the bot clusters post, duplicated across the cluster
    ("en", "#FarmersProtest #" + FIRST_FLAGGED + " the world is watching"),
    ("en", "Army ordered to shoot farmers at Singhu!! Share before it is deleted #FarmersProtest"),
    ("en", "RT if you stand with farmers #FarmersProtest #StandWithFarmers"),
    ("hi", "किसानों पर गोली चलाने का आदेश, डिलीट होने से पहले शेयर करें"),
    ("pa", "ਪੰਜਾਬ ਜਾਗੋ #FarmersProtest"),
]

FIRST = ["gurpreet", "harjeet", "manpreet", "simran", "balwinder", "jaspreet", "navdeep",
         "ramesh", "sunita", "rajesh", "pooja", "amarjit", "kuldeep", "sukhwinder",
         "parminder", "vikram", "anita", "rakesh", "harpreet", "deepak", "lakhwinder", "neha"]
LAST = ["sandhu", "gill", "dhillon", "brar", "sidhu", "kaur", "singh", "yadav", "sharma",
        "malik", "chauhan", "grewal", "virk", "bajwa", "randhawa", "tomar", "jakhar"]
PLACES_IN = ["Ludhiana", "Amritsar", "Patiala", "Bathinda", "Moga", "Karnal", "Hisar",
             "Sonipat", "Meerut", "Muzaffarnagar", "Delhi", "Jalandhar"]
PLACES_ABROAD = {"CA": ["Brampton", "Surrey BC", "Toronto"], "GB": ["Southall", "Birmingham", "Leicester"],
                 "US": ["Yuba City", "Fresno", "Queens NY"], "AU": ["Melbourne", "Sydney"],
                 "PK": ["Lahore", "Rawalpindi"], "AE": ["Dubai", "Sharjah"]}
OUTLETS = ["panjab_ledger", "doaba_times", "delhi_wire_desk", "kisan_khabar", "the_furrow_mag",
           "haryana_herald", "lens_on_punjab", "diaspora_dispatch", "maple_punjabi_news", "southall_sun"]


class Gen:
    def __init__(self, rng, as_of_ordinal):
        self.rng = rng
        self.as_of = as_of_ordinal
        self.handles = set()

    # -- small pieces --------------------------------------------------------------
    def handle(self, style):
        r = self.rng
        for _ in range(1000):
            if style == "numeric":
                h = r.choice(FIRST) + str(r.randint(10_000_000, 99_999_999))
            elif style == "bot":
                h = r.choice(["jatt", "khalsa", "panth", "kisan", "sher", "desi", "true"]) + "_" + \
                    r.choice(["fauj", "voice", "awaaz", "yodha", "news", "truth"]) + "_" + str(r.randint(1000, 99999))
            elif style == "outlet":
                h = r.choice(OUTLETS)
                if h in self.handles:
                    h = h + "_" + r.choice(["live", "news", "tv", "hindi", "punjabi"])
            else:
                h = r.choice(FIRST) + r.choice(["_", ".", ""]) + r.choice(LAST) + \
                    r.choice(["", "", str(r.randint(1, 99))])
            if h not in self.handles:
                self.handles.add(h)
                return h
        raise RuntimeError("out of handles")

    def created_at(self, age_days):
        import datetime
        d = datetime.date.fromordinal(self.as_of - age_days)
        return "%sT%02d:%02d:00Z" % (d.isoformat(), self.rng.randint(0, 23), self.rng.randint(0, 59))

    def labels(self, level, violence, context, interest=None, conf=None):
        r = self.rng
        lab = {"speech_level": level, "violence_call": violence, "context": context,
               "confidence": round(conf if conf is not None else r.uniform(0.78, 0.99), 2)}
        if interest:
            lab["interest"] = interest
        return lab

    def text(self, pool):
        lang, t = self.rng.choice(pool)[:2]
        return lang, t.format(day=self.rng.randint(60, 75), nth=self.rng.choice(["ninth", "tenth", "eleventh"]))

    def post(self, acc_id, n, kind, lang_bias=None):
        r = self.rng
        pools = {"discussion": DISCUSSION, "advocacy": ADVOCACY, "hashtag": HASHTAG_ADVOCACY,
                 "separatist": SEPARATIST_ADVOCACY, "reporting": REPORTING, "political": POLITICAL,
                 "condemnation": CONDEMNATION, "figurative": FIGURATIVE, "ambiguous": AMBIGUOUS,
                 "amplify": AMPLIFY}
        interest = None
        if kind in ("violence", "separatist_violence"):
            lang, text, interest = r.choice(VIOLENCE if kind == "violence" else SEPARATIST_VIOLENCE)
        else:
            lang, text = self.text(pools[kind])
        p = {"id": "%s_p%d" % (acc_id, n),
             "created_at": "2021-%s" % r.choice(["01-2%dT%02d:%02d:00Z" % (r.randint(6, 9), r.randint(0, 23), r.randint(0, 59)),
                                                 "01-3%dT%02d:%02d:00Z" % (r.randint(0, 1), r.randint(0, 23), r.randint(0, 59))]),
             "text": text, "language": lang,
             "hashtags": [w[1:].rstrip(".!,") for w in text.split() if w.startswith("#")]}
        if kind == "reporting":
            quoted = "attack the police" in text
            p["labels"] = self.labels("incitement" if quoted else "discussion", quoted, "reporting",
                                      "public_order" if quoted else None)
        elif kind in ("discussion", "political", "amplify"):
            p["labels"] = self.labels("discussion", False, "original")
        elif kind in ("advocacy", "hashtag", "separatist"):
            p["labels"] = self.labels("advocacy", False, "original")
        elif kind in ("violence", "separatist_violence"):
            p["labels"] = self.labels("incitement", True, "original", interest)
        elif kind == "condemnation":
            p["quoted_post_id"] = "x%05d" % r.randint(0, 99999)
            p["labels"] = self.labels("incitement", True, "condemnation", "public_order")
        elif kind == "figurative":
            p["labels"] = self.labels("discussion", False, "original", conf=r.uniform(0.62, 0.8))
        elif kind == "ambiguous":
            p["labels"] = r.choice([
                self.labels("unknown", False, "original", conf=r.uniform(0.2, 0.5)),
                self.labels("discussion", False, "original", conf=r.uniform(0.3, 0.58)),
            ])
        p["engagement"] = {"likes": r.randint(0, 4000), "reposts": r.randint(0, 900), "replies": r.randint(0, 300)}
        return p

    def strip_labels(self, p):
        """A post the labeller never reached, or reached only in part."""
        how = self.rng.choice(["all", "all", "violence_call"])
        if how == "all":
            del p["labels"]
        else:
            del p["labels"]["violence_call"]

    def human_signals(self, age, busy=False, cluster=1):
        r = self.rng
        return {"account_age_days": age,
                "posts_per_day_avg": round(r.uniform(55, 140) if busy else r.uniform(0.5, 30), 1),
                "follower_following_ratio": round(r.uniform(0.2, 40), 2),
                "duplicate_content_ratio": round(r.uniform(0.0, 0.35), 2),
                "cluster_size": cluster,
                "bot_score": round(r.uniform(0.02, 0.5), 2)}

    # -- accounts --------------------------------------------------------------------
    def account(self, acc_id, category, source, country, identifiable, posts_kinds,
                handle_style="name", verified=False, signals=None, weak=False, age=None,
                followers=None, location=None):
        r = self.rng
        if signals is not None and "account_age_days" in signals:
            age = signals["account_age_days"]
        age = age if age is not None else r.randint(200, 4000)
        h = self.handle(handle_style)
        acc = {"id": acc_id, "handle": h, "created_at": self.created_at(age),
               "category": category}
        if source:
            acc["category_source"] = source
        acc["verified"] = verified
        acc["followers_count"] = followers if followers is not None else (
            r.randint(0, 9) if weak else r.randint(40, 250_000 if verified else 5000))
        acc["following_count"] = r.randint(0, 2000)
        acc["statuses_count"] = r.randint(10, 60_000)
        acc["default_profile"] = weak
        acc["default_profile_image"] = weak and r.random() < 0.8
        if country:
            acc["profile_location"] = location or r.choice(PLACES_IN if country == "IN" else PLACES_ABROAD[country])
            acc["inferred_operating_country"] = country
        acc["originator_identifiable"] = identifiable
        if signals is not None:
            acc["bot_signals"] = signals
        acc["posts"] = [self.post(acc_id, i + 1, k) for i, k in enumerate(posts_kinds)]
        return acc


def ids(start, n):
    return ["acc_%04d" % i for i in range(start, start + n)]


# ---- the first order: 31 January 2021, 257 accounts -----------------------------

def order_one(rng):
    import datetime
    g = Gen(rng, datetime.date(2021, 2, 1).toordinal())
    out = []
    acc_ids = iter(ids(1, 257))

    def add(n, make):
        for _ in range(n):
            out.append(make(next(acc_ids)))

    r = rng
    # News media that covered the hashtag, all verified by the platform.
    add(4, lambda i: g.account(i, "news_media", "platform_verified", "IN", True,
                               ["reporting", r.choice(["reporting", "discussion"])], "outlet", verified=True,
                               signals=g.human_signals(r.randint(1500, 4000), busy=True, cluster=r.randint(20, 40))))
    # Journalists: verified, registered, and one who only says so.
    add(6, lambda i: g.account(i, "journalist", "platform_verified", "IN", True,
                               ["reporting", "discussion"], verified=True, signals=g.human_signals(r.randint(900, 4000))))
    add(3, lambda i: g.account(i, "journalist", "external_registry", "IN", True,
                               ["reporting", "hashtag"], signals=g.human_signals(r.randint(900, 4000))))
    add(1, lambda i: g.account(i, "journalist", "self_declared", "IN", True,
                               ["discussion", "hashtag"], signals=g.human_signals(r.randint(300, 900))))
    # Politicians; one of them posts an explicit call to violence.
    add(5, lambda i: g.account(i, "politician", "platform_verified", "IN", True,
                               ["political", "hashtag"], verified=True, signals=g.human_signals(r.randint(1000, 4000))))
    add(1, lambda i: g.account(i, "politician", "platform_verified", "IN", True,
                               ["political", "violence"], verified=True, signals=g.human_signals(r.randint(1000, 4000))))
    # Farmers' unions and activists.
    add(8, lambda i: g.account(i, "organisation", None, "IN", True,
                               ["advocacy", "hashtag", "discussion"], signals=g.human_signals(r.randint(60, 3000))))
    add(7, lambda i: g.account(i, "activist", r.choice(["external_registry", "self_declared"]), "IN", True,
                               ["advocacy", r.choice(["hashtag", "condemnation"])],
                               signals=g.human_signals(r.randint(60, 3000), cluster=r.choice([1, 1, 25, 60]))))
    # Ordinary users in India using the hashtag.
    add(128, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.55,
                                 [r.choice(["hashtag", "hashtag", "advocacy"]), r.choice(["discussion", "advocacy"])],
                                 signals=g.human_signals(r.randint(30, 4000))))
    add(20, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.4,
                                [r.choice(["hashtag", "advocacy"])], "numeric", weak=True, age=r.randint(2, 25),
                                signals=g.human_signals(r.randint(2, 25))))
    add(6, lambda i: g.account(i, "individual", None, "IN", True, ["condemnation", "advocacy"],
                               signals=g.human_signals(r.randint(100, 3000))))
    add(12, lambda i: g.account(i, "individual", None, "IN", i[-1] in "02468",
                                ["violence", r.choice(["hashtag", "discussion"])],
                                signals=g.human_signals(r.randint(30, 3000))))
    add(4, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.5, ["figurative"],
                               signals=g.human_signals(r.randint(30, 3000))))
    add(10, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.5, ["ambiguous", "advocacy"],
                                signals=g.human_signals(r.randint(30, 3000))))

    def unlabelled(i):
        a = g.account(i, "individual", None, "IN", r.random() < 0.5, ["advocacy", "hashtag"],
                      signals=g.human_signals(r.randint(30, 3000)))
        g.strip_labels(a["posts"][r.randrange(2)])
        return a
    add(12, unlabelled)

    # Two bot clusters pushing the hashtag: 30 accounts.
    def bot(cluster, size, country):
        def make(i):
            age = r.randint(3, 40)
            sig = {"account_age_days": age, "posts_per_day_avg": round(r.uniform(70, 420), 1),
                   "follower_following_ratio": round(r.uniform(0.01, 0.2), 2),
                   "duplicate_content_ratio": round(r.uniform(0.72, 0.97), 2),
                   "cluster_id": cluster, "cluster_size": size, "bot_score": round(r.uniform(0.6, 0.98), 2)}
            return g.account(i, "individual", "self_declared", country, False, ["amplify", "amplify"],
                             "bot", signals=sig, weak=True, age=age)
        return make
    add(18, bot("c-jan-1", 18 * 4, "IN"))
    add(12, bot("c-jan-2", 12 * 3, "PK"))
    assert next(acc_ids, None) is None, "order one must hold exactly 257 accounts"
    return out


# ---- the second order: 4 February 2021, 1,178 accounts --------------------------

def order_two(rng):
    import datetime
    g = Gen(rng, datetime.date(2021, 2, 8).toordinal())
    out = []
    acc_ids = iter(ids(258, 1178))
    r = rng

    def add(n, make):
        for _ in range(n):
            out.append(make(next(acc_ids)))

    # Bot clusters run from abroad: 520 accounts in five clusters.
    def bot(cluster, size, country, provocative):
        def make(i):
            age = r.randint(2, 60)
            strong = r.random() < 0.9     # most show two or more strong signals
            sig = {"account_age_days": age,
                   "posts_per_day_avg": round(r.uniform(60, 480) if strong else r.uniform(10, 45), 1),
                   "follower_following_ratio": round(r.uniform(0.01, 0.3), 2),
                   "duplicate_content_ratio": round(r.uniform(0.7, 0.98) if strong else r.uniform(0.2, 0.6), 2),
                   "cluster_id": cluster, "cluster_size": size,
                   "bot_score": round(r.uniform(0.55, 0.99), 2)}
            if not strong:
                sig["cluster_size"] = r.randint(3, 12)
                sig["bot_score"] = round(r.uniform(0.3, 0.79), 2)
            kinds = ["amplify", "amplify"]
            x = r.random()
            if x < provocative:
                kinds[1] = r.choice(["violence", "separatist_violence"])
            elif x < provocative + 0.15:
                kinds[1] = "separatist"
            category, source, style, verified = "individual", "self_declared", "bot", False
            if r.random() < 0.04:          # bots that call themselves journalists
                category, style = "journalist", "name"
                verified = r.random() < 0.3
            return g.account(i, category, source, country, False, kinds, style, verified=verified,
                             signals=sig, weak=r.random() < 0.7, age=age)
        return make
    add(220, bot("c-feb-pk", 220, "PK", 0.10))
    add(90, bot("c-feb-gb", 90, "GB", 0.06))
    add(80, bot("c-feb-ca", 80, "CA", 0.06))
    add(60, bot("c-feb-us", 60, "US", 0.05))
    add(70, bot("c-feb-ae", 70, "AE", 0.08))

    # People abroad: the diaspora, supporting the farmers; some advocate a
    # separate state; a few call for violence; some posts not labelled.
    abroad = ["CA", "CA", "GB", "GB", "US", "AU"]
    add(140, lambda i: g.account(i, "individual", None, r.choice(abroad), r.random() < 0.6,
                                 [r.choice(["advocacy", "discussion"]), r.choice(["advocacy", "discussion", "discussion"])],
                                 signals=g.human_signals(r.randint(100, 4000))))
    add(50, lambda i: g.account(i, "individual", None, r.choice(abroad), r.random() < 0.5,
                                ["separatist", r.choice(["advocacy", "discussion"])],
                                signals=g.human_signals(r.randint(100, 4000))))
    add(15, lambda i: g.account(i, "individual", None, r.choice(abroad), r.random() < 0.3,
                                [r.choice(["violence", "separatist_violence"]), "advocacy"],
                                signals=g.human_signals(r.randint(100, 4000))))

    def abroad_unlabelled(i):
        a = g.account(i, "individual", None, r.choice(abroad), r.random() < 0.5,
                      ["advocacy", "ambiguous"], signals=g.human_signals(r.randint(100, 4000)))
        g.strip_labels(a["posts"][0])
        return a
    add(15, abroad_unlabelled)

    # People in India.
    add(266, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.55,
                                 [r.choice(["advocacy", "discussion"]), r.choice(["advocacy", "discussion"])],
                                 signals=g.human_signals(r.randint(30, 4000))))
    add(20, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.4,
                                [r.choice(["advocacy", "discussion"])], "numeric", weak=True,
                                age=r.randint(2, 25), signals=g.human_signals(r.randint(2, 25))))
    add(10, lambda i: g.account(i, "individual", None, "IN", i[-1] in "02468", ["violence"],
                                signals=g.human_signals(r.randint(30, 3000))))
    add(6, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.5, ["figurative", "discussion"],
                               signals=g.human_signals(r.randint(30, 3000))))
    add(10, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.5, ["ambiguous"],
                                signals=g.human_signals(r.randint(30, 3000))))

    def india_unlabelled(i):
        a = g.account(i, "individual", None, "IN", r.random() < 0.5, ["advocacy", "discussion"],
                      signals=g.human_signals(r.randint(30, 3000)))
        g.strip_labels(a["posts"][1])
        return a
    add(14, india_unlabelled)

    # Records the platform could not fill in: no automation signals, or no
    # operating country.
    add(12, lambda i: g.account(i, "individual", None, "IN", r.random() < 0.5, ["advocacy"]))

    def no_country(i):
        a = g.account(i, "individual", None, "GB", False, ["separatist", "discussion"],
                      signals=g.human_signals(r.randint(100, 3000)))
        del a["profile_location"], a["inferred_operating_country"]
        return a
    add(8, no_country)

    # Farmers' unions and activists (some in campaign clusters of real people).
    add(40, lambda i: g.account(i, r.choice(["activist", "activist", "organisation"]),
                                r.choice(["external_registry", "self_declared", "platform_verified"]),
                                r.choice(["IN", "IN", "IN", "CA", "GB"]), True,
                                ["advocacy", r.choice(["discussion", "condemnation", "hashtag"])],
                                verified=r.random() < 0.3,
                                signals=g.human_signals(r.randint(60, 3000), cluster=r.choice([1, 1, 1, 30, 120]))))
    # Journalists, in India and abroad.
    add(30, lambda i: g.account(i, "journalist", r.choice(["platform_verified", "external_registry"]),
                                r.choice(["IN", "IN", "IN", "GB", "CA"]), True, ["reporting", "discussion"],
                                verified=r.random() < 0.6, signals=g.human_signals(r.randint(500, 4000))))
    # Politicians: Indian MPs and MLAs, and British and Canadian MPs who spoke up.
    add(12, lambda i: g.account(i, "politician", "platform_verified", r.choice(["IN", "IN", "IN", "GB", "CA"]), True,
                                ["political", "political"], verified=True,
                                signals=g.human_signals(r.randint(1000, 4000))))
    # News outlets, including diaspora outlets abroad.
    add(10, lambda i: g.account(i, "news_media", "platform_verified", r.choice(["IN", "IN", "CA", "GB"]), True,
                                ["reporting", "reporting"], "outlet", verified=True,
                                signals=g.human_signals(r.randint(1500, 4000), busy=True, cluster=r.randint(20, 40))))
    assert next(acc_ids, None) is None, "order two must hold exactly 1,178 accounts"
    return out


# ---- the orders -------------------------------------------------------------------

ORDER_ONE = """\
# The order of 31 January 2021 (synthetic, after the press reports; see
# README.md). An emergency direction under rule 9 of the Blocking Rules
# 2009, as the platform's own statement of 10 February 2021 describes two
# of the directions of this episode: about 250 (reported as 257) accounts
# and posts, for the "farmer genocide" hashtag and posts called "fake,
# intimidatory and provocative", a threat to public order. Issued by the
# Secretary with reasons recorded; on 1 February, the date the law is
# applied at, it was within rule 9(3)'s 48 hours and not yet before the
# committee, so it bound as an interim direction. (The platform complied
# for a few hours and then restored the accounts: under s.69A(3), as X Corp
# v. Union of India later read it, that was not open to it.)
# Generated by gen.py with the account list; edit gen.py, not this file.
as_of: "2021-02-01"
order:
  id: "MeitY/69A/2021-01-31"
  issued_at: "2021-01-31T19:00:00+05:30"
  issuer_role: secretary
  request_via_nodal_officer: true
  order_type: emergency_rule9
  stated_grounds: [public_order]
  reasons_recorded: true
  reasons_text: "Posts using the hashtag #ModiPlanningFarmerGenocide are fake, intimidatory and provocative, and threaten public order during the farmers' protests."
  committee_considered_at: null
  final_decision: pending
  allegations: [misinformation]
  flagged_hashtags: [ModiPlanningFarmerGenocide]
"""

ORDER_TWO = """\
# The order of 4 February 2021 (synthetic, after the press reports; see
# README.md). 1,178 accounts flagged by security agencies as "Khalistan
# sympathisers or backed by Pakistan and operating from foreign territories",
# many said to be automated bots, "causing threat to public order".
# Two of the orders in this episode were said to be emergency orders; this
# example takes the 4 February order as an emergency direction under rule 9,
# issued by the Secretary without a hearing, put to the committee the next
# day (within 48 hours, as rule 9(3) requires), with the final order still
# pending on 8 February, the date of the report this example follows.
# Generated by gen.py with the account list; edit gen.py, not this file.
as_of: "2021-02-08"
order:
  id: "MeitY/69A/2021-02-04"
  issued_at: "2021-02-04T17:30:00+05:30"
  issuer_role: secretary
  request_via_nodal_officer: true
  order_type: emergency_rule9
  stated_grounds: [public_order, sovereignty_integrity]
  reasons_recorded: true
  reasons_text: "Accounts of separatist sympathisers, backed from abroad and operating from foreign territory, many of them automated, amplify misinformation and provocative content on the farmers' protests and threaten public order and the integrity of India."
  committee_considered_at: "2021-02-05T15:00:00+05:30"
  final_decision: pending
  allegations: [foreign_backed, sympathiser, automated_bot, misinformation]
  flagged_hashtags: []
"""


def accounts_yaml(accs):
    lines, line = [], "  accounts: ["
    for k, a in enumerate(accs):
        item = a["id"] + (", " if k + 1 < len(accs) else "]")
        if len(line) + len(item) > 96:
            lines.append(line.rstrip())
            line = "    "
        line += item
    lines.append(line)
    return "\n".join(lines) + "\n"


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


OUT = HERE


def main():
    global OUT
    args = sys.argv[1:]
    if args[:1] == ["--out"] and len(args) == 2:
        OUT = args[1]
        os.makedirs(OUT, exist_ok=True)
    elif args:
        sys.exit("usage: gen.py [--out DIR]")
    rng = random.Random(SEED)
    one = order_one(rng)
    two = order_two(rng)
    for name, accs in (("accounts-257.jsonl", one), ("accounts-1178.jsonl", two)):
        write(name, "".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) + "\n" for a in accs))
    write("order-2021-01-31.yaml", ORDER_ONE + accounts_yaml(one))
    write("order-2021-02-04.yaml", ORDER_TWO + accounts_yaml(two))


if __name__ == "__main__":
    main()
