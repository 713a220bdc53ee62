#!/usr/bin/env python3
"""dsa_check.py: an independent check of DSA statements of reasons.

Written from the DSA Transparency Database's own rules (its
StatementStoreRequest and the value lists of its Statement model), apart
from gavel's C validator (cli/dsa_sor.c), so the two can check each other:
the tests run it over what `gavel export --format dsa-sor` writes.

usage: dsa_check.py FILE...   (JSON Lines: batch bodies {"statements":[...]}
                               or single statements, or one JSON array of
                               batch bodies; '-' for stdin)
Prints one "WHO: FIELD: why" per fault; exit 1 when any, 0 when none.
Also checks that a batch holds 1 to 100 statements and that no puid comes
twice. Python 3 standard library only.
"""
import datetime
import json
import re
import sys

VIS = {"DECISION_VISIBILITY_" + s for s in (
    "CONTENT_REMOVED CONTENT_DISABLED CONTENT_DEMOTED CONTENT_AGE_RESTRICTED "
    "CONTENT_INTERACTION_RESTRICTED CONTENT_LABELLED OTHER").split()}
MONETARY = {"DECISION_MONETARY_" + s for s in "SUSPENSION TERMINATION OTHER".split()}
PROVISION = {"DECISION_PROVISION_" + s for s in (
    "PARTIAL_SUSPENSION TOTAL_SUSPENSION PARTIAL_TERMINATION TOTAL_TERMINATION").split()}
ACCOUNT = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
ACCOUNT_TYPE = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
GROUND = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
YES_NO = {"Yes", "No"}
CATEGORY = {"STATEMENT_CATEGORY_" + s for s in (
    "ANIMAL_WELFARE CONSUMER_INFORMATION CYBER_VIOLENCE CYBER_VIOLENCE_AGAINST_WOMEN "
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS ILLEGAL_OR_HARMFUL_SPEECH "
    "INTELLECTUAL_PROPERTY_INFRINGEMENTS NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS "
    "NOT_SPECIFIED_NOTICE OTHER_VIOLATION_TC PROTECTION_OF_MINORS RISK_FOR_PUBLIC_SECURITY "
    "SCAMS_AND_FRAUD SELF_HARM UNSAFE_AND_PROHIBITED_PRODUCTS VIOLENCE").split()}
KEYWORD = {"KEYWORD_" + s for s in (
    "ADULT_SEXUAL_MATERIAL AGE_SPECIFIC_RESTRICTIONS AGE_SPECIFIC_RESTRICTIONS_MINORS "
    "ANIMAL_HARM BIOMETRIC_DATA_BREACH BULLYING_AGAINST_GIRLS CHILD_SEXUAL_ABUSE_MATERIAL "
    "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE CONTENT_PROMOTING_EATING_DISORDERS COORDINATED_HARM "
    "COPYRIGHT_INFRINGEMENT CYBER_BULLYING_INTIMIDATION CYBER_HARASSMENT "
    "CYBER_HARASSMENT_AGAINST_WOMEN CYBER_INCITEMENT CYBER_STALKING CYBER_STALKING_AGAINST_WOMEN "
    "DATA_FALSIFICATION DEFAMATION DESIGN_INFRINGEMENT DISCRIMINATION "
    "FEMALE_GENDERED_DISINFORMATION GEOGRAPHIC_INDICATIONS_INFRINGEMENT "
    "GEOGRAPHICAL_REQUIREMENTS GOODS_SERVICES_NOT_PERMITTED GROOMING_SEXUAL_ENTICEMENT_MINORS "
    "HATE_SPEECH HIDDEN_ADVERTISEMENT HUMAN_EXPLOITATION HUMAN_TRAFFICKING ILLEGAL_ORGANIZATIONS "
    "IMPERSONATION_ACCOUNT_HIJACKING INAUTHENTIC_ACCOUNTS INAUTHENTIC_LISTINGS "
    "INAUTHENTIC_USER_REVIEWS INCITEMENT_AGAINST_WOMEN INCITEMENT_VIOLENCE_HATRED "
    "INSUFFICIENT_INFORMATION_ON_TRADERS LANGUAGE_REQUIREMENTS MISINFORMATION_DISINFORMATION "
    "MISLEADING_INFO_CONSUMER_RIGHTS MISLEADING_INFO_GOODS_SERVICES MISSING_PROCESSING_GROUND "
    "NON_CONSENSUAL_IMAGE_SHARING NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN "
    "NON_CONSENSUAL_MATERIAL_DEEPFAKE NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN "
    "NONCOMPLIANCE_PRICING NUDITY PATENT_INFRINGEMENT PHISHING PROHIBITED_PRODUCTS "
    "PYRAMID_SCHEMES RIGHT_TO_BE_FORGOTTEN RISK_ENVIRONMENTAL_DAMAGE RISK_PUBLIC_HEALTH "
    "SELF_MUTILATION STALKING SUICIDE TERRORIST_CONTENT TRADE_SECRET_INFRINGEMENT "
    "TRADEMARK_INFRINGEMENT TRAFFICKING_WOMEN_GIRLS UNLAWFUL_SALE_ANIMALS UNSAFE_CHALLENGES "
    "UNSAFE_PRODUCTS VIOLATION_EU_LAW VIOLATION_NATIONAL_LAW OTHER").split()}
CONTENT_TYPE = {"CONTENT_TYPE_" + s for s in
                "APP AUDIO IMAGE PRODUCT SYNTHETIC_MEDIA TEXT VIDEO OTHER".split()}
SOURCE = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION",
          "SOURCE_VOLUNTARY"}
AUTOMATED = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
             "AUTOMATED_DECISION_NOT_AUTOMATED"}
EEA = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT "
          "RO SE SI SK".split())
LANGUAGES = set((
    "AB AA AF AK SQ AM AR AN HY AS AV AE AY AZ BM BA EU BE BN BH BI BS BR BG MY CA KM CH CE "
    "NY ZH CU CV KW CO CR HR CS DA DV NL DZ EN EO ET EE FO FJ FI FR FF GD GL LG KA DE KI EL KL "
    "GN GU HT HA HE HZ HI HO HU IS IO IG ID IA IE IU IK GA IT JA JV KN KR KS KK RW KV KG KO KJ "
    "KU KY LO LA LV LB LI LN LT LU MK MG MS ML MT GV MI MR MH RO MN NA NV ND NG NE SE NO NB NN "
    "II OC OJ OR OM OS PI PA PS FA PL PT QU RM RN RU SM SG SA SC SR SN SD SI SK SL SO ST NR ES "
    "SU SW SS SV TL TY TG TA TT TE TH BO TI TO TS TN TR TK TW UG UK UR UZ VE VI VO WA CY FY WO "
    "XH YI YO ZA ZU").split())

# field: (kind, values or max length, required), kinds: one, many, text, date
FIELDS = {
    "decision_visibility": ("many", VIS, False),
    "decision_visibility_other": ("text", 500, False),
    "decision_monetary": ("one", MONETARY, False),
    "decision_monetary_other": ("text", 500, False),
    "decision_provision": ("one", PROVISION, False),
    "decision_account": ("one", ACCOUNT, False),
    "account_type": ("one", ACCOUNT_TYPE, False),
    "category_specification": ("many", KEYWORD, False),
    "category_specification_other": ("text", 500, False),
    "decision_ground": ("one", GROUND, True),
    "decision_ground_reference_url": ("url", 500, False),
    "illegal_content_legal_ground": ("text", 500, False),
    "illegal_content_explanation": ("text", 2000, False),
    "incompatible_content_ground": ("text", 500, False),
    "incompatible_content_explanation": ("text", 2000, False),
    "incompatible_content_illegal": ("one", YES_NO, False),
    "content_type": ("many", CONTENT_TYPE, True),
    "content_type_other": ("text", 500, False),
    "category": ("one", CATEGORY, True),
    "category_addition": ("many", CATEGORY, False),
    "territorial_scope": ("many", EEA, False),
    "content_language": ("one", LANGUAGES, False),
    "content_date": ("date", ("2000-01-01", "2038-01-01"), True),
    "application_date": ("date", ("2020-01-01", "2038-01-01"), True),
    "end_date_account_restriction": ("date", (None, "2038-01-01"), False),
    "end_date_monetary_restriction": ("date", (None, "2038-01-01"), False),
    "end_date_service_restriction": ("date", (None, "2038-01-01"), False),
    "end_date_visibility_restriction": ("date", (None, "2038-01-01"), False),
    "decision_facts": ("text", 5000, True),
    "source_type": ("one", SOURCE, True),
    "source_identity": ("text", 500, False),
    "automated_detection": ("one", YES_NO, True),
    "automated_decision": ("one", AUTOMATED, True),
    "puid": ("puid", 500, True),
    "content_id": ("content_id", None, False),
    "content_id_ean": ("ean", None, False),
}

PUID = re.compile(r"[a-zA-Z0-9_-]+\Z")
EAN = re.compile(r"[0-9]{13}\Z")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s][^\s]*\Z")


def filled(st, name):
    v = st.get(name)
    if v is None:
        return False
    if isinstance(v, str):
        return v.strip() != ""
    if isinstance(v, (list, dict)):
        return len(v) > 0
    return True


def date_fault(v, bounds):
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return "not a date YYYY-MM-DD"
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return "not a date YYYY-MM-DD"
    lo, hi = bounds
    if lo and v < lo:
        return "before " + lo
    if v > hi:
        return "after " + hi
    return None


def value_fault(name, v):
    kind, arg, _ = FIELDS[name]
    if kind == "one":
        return None if isinstance(v, str) and v in arg else "not a %s value" % name
    if kind == "many":
        if not isinstance(v, list):
            return "not a list"
        bad = [x for x in v if not isinstance(x, str) or x not in arg]
        return "not a %s value: %r" % (name, bad[0]) if bad else None
    if kind == "date":
        return date_fault(v, arg)
    if kind == "content_id":
        if not isinstance(v, dict):
            return "not an object"
        e = v.get("EAN-13")
        return None if e is None or (isinstance(e, str) and EAN.match(e)) else "EAN-13"
    if not isinstance(v, str):
        return "not a string"
    if kind == "ean":
        return None if EAN.match(v) else "not 13 digits"
    if len(v) > arg:
        return "longer than %d characters" % arg
    if kind == "puid" and not PUID.match(v):
        return "not of the form [a-zA-Z0-9-_]+"
    if kind == "url" and not URL.match(v):
        return "not a URL"
    return None


def has(st, field, value):
    v = st.get(field)
    return value in v if isinstance(v, list) else v == value


# (field, when field2 holds value: "required" and/or "dropped otherwise")
IF_ONLY = [
    ("decision_visibility_other", "decision_visibility", "DECISION_VISIBILITY_OTHER", True),
    ("decision_monetary_other", "decision_monetary", "DECISION_MONETARY_OTHER", True),
    ("illegal_content_legal_ground", "decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT", True),
    ("illegal_content_explanation", "decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT", True),
    ("incompatible_content_ground", "decision_ground",
     "DECISION_GROUND_INCOMPATIBLE_CONTENT", True),
    ("incompatible_content_explanation", "decision_ground",
     "DECISION_GROUND_INCOMPATIBLE_CONTENT", True),
    ("incompatible_content_illegal", "decision_ground",
     "DECISION_GROUND_INCOMPATIBLE_CONTENT", False),
    ("content_type_other", "content_type", "CONTENT_TYPE_OTHER", True),
]


def faults(st):
    if not isinstance(st, dict):
        yield "statement", "not an object"
        return
    for name, v in st.items():
        if name not in FIELDS:
            yield name, "not a statement field"
        elif v is not None:
            why = value_fault(name, v)
            if why:
                yield name, why
    for name, (_, _, required) in FIELDS.items():
        if required and not filled(st, name):
            yield name, "required"
    four = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    if not any(filled(st, f) for f in four):
        yield "decision_visibility", "required: one of the four restrictions must be given"
    for field, on, value, required in IF_ONLY:
        if has(st, on, value):
            if required and not filled(st, field):
                yield field, "required when %s holds %s" % (on, value)
        elif filled(st, field):
            yield field, "not allowed unless %s holds %s" % (on, value)
    if st.get("source_type") == "SOURCE_VOLUNTARY" and filled(st, "source_identity"):
        yield "source_identity", "not allowed when source_type is SOURCE_VOLUNTARY"


def main(paths):
    bad = 0
    count = 0
    puids = {}
    for path in paths:
        f = sys.stdin if path == "-" else open(path, encoding="utf-8")
        text = f.read()
        if text.lstrip().startswith("["):      # -o FILE.json: one array of bodies
            docs = [("%s: batch %d" % (path, i), d) for i, d in enumerate(json.loads(text), 1)]
        else:
            docs = [("%s:%d" % (path, n), json.loads(line))
                    for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        for where, doc in docs:
            if isinstance(doc, dict) and "statements" in doc:
                batch = doc["statements"]
                if not isinstance(batch, list) or not 1 <= len(batch) <= 100:
                    print("%s: statements: a batch holds 1 to 100" % where)
                    bad += 1
                    batch = batch if isinstance(batch, list) else []
            else:
                batch = [doc]
            for st in batch:
                count += 1
                who = st.get("puid", where) if isinstance(st, dict) else where
                for field, why in faults(st):
                    print("%s: %s: %s" % (who, field, why))
                    bad += 1
                if isinstance(st, dict) and isinstance(st.get("puid"), str):
                    if st["puid"] in puids:
                        print("%s: puid: also at %s" % (who, puids[st["puid"]]))
                        bad += 1
                    puids[st["puid"]] = where
    print("dsa_check: %d statements, %d faults" % (count, bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["-"]))
