/*
 * dsa_sor.c: the schema of a DSA statement of reasons, as the Transparency
 * Database validates one it is sent (its StatementStoreRequest rules and the
 * value lists of its Statement model, 2025 revision), written here as data:
 * a table of fields (type, values, length, dates) and a table of the rules
 * by which one field's value makes another required or not allowed. The
 * validator walks both tables; nothing about a single field is an if.
 *
 * Choices where the database is lenient or silent (docs/export.md,
 * "Validation"): null counts as absent; a field the database would drop
 * (Laravel's `exclude_*`) is a fault here, for the submitter would think it
 * sent what the database threw away; an unknown field is a fault.
 *
 * Calls gavel.h (values) only.
 */
#include "dsa_sor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- value lists ------------------------------------------------------------------- */

static const char *const visibilities[] = {
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER", NULL };
static const char *const monetaries[] = {
    "DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER",
    NULL };
static const char *const provisions[] = {
    "DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION", NULL };
static const char *const accounts[] = {
    "DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED", NULL };
static const char *const account_types[] = {
    "ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE", NULL };
static const char *const grounds[] = {
    "DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT", NULL };
static const char *const yes_no[] = { "Yes", "No", NULL };
static const char *const categories[] = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE", "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE", NULL };
static const char *const keywords[] = {
    "KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS", "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH", "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS", "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT", "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT", "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT", "KEYWORD_CYBER_STALKING", "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION", "KEYWORD_DEFAMATION", "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION", "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT", "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED", "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH", "KEYWORD_HIDDEN_ADVERTISEMENT", "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS", "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN", "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS", "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION_DISINFORMATION", "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES", "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING", "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN", "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY", "KEYWORD_PATENT_INFRINGEMENT", "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS", "KEYWORD_PYRAMID_SCHEMES", "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE", "KEYWORD_RISK_PUBLIC_HEALTH", "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING", "KEYWORD_SUICIDE", "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT", "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS", "KEYWORD_UNLAWFUL_SALE_ANIMALS", "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS", "KEYWORD_VIOLATION_EU_LAW", "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER", NULL };
static const char *const content_types[] = {
    "CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER", NULL };
static const char *const source_types[] = {
    "SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY", NULL };
static const char *const automated_decisions[] = {
    "AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED", NULL };

/* The EU's 27 and Iceland, Liechtenstein, Norway: the database's countries. */
const char *const dsa_eea_codes[] = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
    NULL };

/* ISO 639-1, upper case, as the database lists them. */
static const char *const languages[] = {
    "AB", "AA", "AF", "AK", "SQ", "AM", "AR", "AN", "HY", "AS", "AV", "AE", "AY", "AZ", "BM",
    "BA", "EU", "BE", "BN", "BH", "BI", "BS", "BR", "BG", "MY", "CA", "KM", "CH", "CE", "NY",
    "ZH", "CU", "CV", "KW", "CO", "CR", "HR", "CS", "DA", "DV", "NL", "DZ", "EN", "EO", "ET",
    "EE", "FO", "FJ", "FI", "FR", "FF", "GD", "GL", "LG", "KA", "DE", "KI", "EL", "KL", "GN",
    "GU", "HT", "HA", "HE", "HZ", "HI", "HO", "HU", "IS", "IO", "IG", "ID", "IA", "IE", "IU",
    "IK", "GA", "IT", "JA", "JV", "KN", "KR", "KS", "KK", "RW", "KV", "KG", "KO", "KJ", "KU",
    "KY", "LO", "LA", "LV", "LB", "LI", "LN", "LT", "LU", "MK", "MG", "MS", "ML", "MT", "GV",
    "MI", "MR", "MH", "RO", "MN", "NA", "NV", "ND", "NG", "NE", "SE", "NO", "NB", "NN", "II",
    "OC", "OJ", "OR", "OM", "OS", "PI", "PA", "PS", "FA", "PL", "PT", "QU", "RM", "RN", "RU",
    "SM", "SG", "SA", "SC", "SR", "SN", "SD", "SI", "SK", "SL", "SO", "ST", "NR", "ES", "SU",
    "SW", "SS", "SV", "TL", "TY", "TG", "TA", "TT", "TE", "TH", "BO", "TI", "TO", "TS", "TN",
    "TR", "TK", "TW", "UG", "UK", "UR", "UZ", "VE", "VI", "VO", "WA", "CY", "FY", "WO", "XH",
    "YI", "YO", "ZA", "ZU", NULL };

/* ---- the fields -------------------------------------------------------------------- */

typedef enum field_type {
    F_TEXT,      /* a string of at most `max` characters */
    F_CODE,      /* one string of `values` */
    F_CODES,     /* a list of strings of `values` */
    F_DATE,      /* YYYY-MM-DD, a real day, within [min_date, max_date] */
    F_URL,       /* scheme://host..., at most `max` characters */
    F_PUID,      /* [a-zA-Z0-9_-]+, at most `max` characters */
    F_EAN,       /* 13 digits */
    F_CONTENT_ID /* an object; its "EAN-13" 13 digits */
} field_type;

enum { REQUIRED = 1 };

typedef struct field {
    const char *name;
    field_type  type;
    unsigned    flags;
    const char *const *values;     /* F_CODE, F_CODES */
    size_t      max;               /* characters; 0: none */
    const char *min_date, *max_date;
} field;

#define LAST_DAY "2038-01-01"

static const field fields[] = {
    { "decision_visibility", F_CODES, 0, visibilities, 0, NULL, NULL },
    { "decision_visibility_other", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "decision_monetary", F_CODE, 0, monetaries, 0, NULL, NULL },
    { "decision_monetary_other", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "decision_provision", F_CODE, 0, provisions, 0, NULL, NULL },
    { "decision_account", F_CODE, 0, accounts, 0, NULL, NULL },
    { "account_type", F_CODE, 0, account_types, 0, NULL, NULL },
    { "category_specification", F_CODES, 0, keywords, 0, NULL, NULL },
    { "category_specification_other", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "decision_ground", F_CODE, REQUIRED, grounds, 0, NULL, NULL },
    { "decision_ground_reference_url", F_URL, 0, NULL, 500, NULL, NULL },
    { "illegal_content_legal_ground", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "illegal_content_explanation", F_TEXT, 0, NULL, 2000, NULL, NULL },
    { "incompatible_content_ground", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "incompatible_content_explanation", F_TEXT, 0, NULL, 2000, NULL, NULL },
    { "incompatible_content_illegal", F_CODE, 0, yes_no, 0, NULL, NULL },
    { "content_type", F_CODES, REQUIRED, content_types, 0, NULL, NULL },
    { "content_type_other", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "category", F_CODE, REQUIRED, categories, 0, NULL, NULL },
    { "category_addition", F_CODES, 0, categories, 0, NULL, NULL },
    { "territorial_scope", F_CODES, 0, dsa_eea_codes, 0, NULL, NULL },
    { "content_language", F_CODE, 0, languages, 0, NULL, NULL },
    { "content_date", F_DATE, REQUIRED, NULL, 0, "2000-01-01", LAST_DAY },
    { "application_date", F_DATE, REQUIRED, NULL, 0, "2020-01-01", LAST_DAY },
    { "end_date_account_restriction", F_DATE, 0, NULL, 0, NULL, LAST_DAY },
    { "end_date_monetary_restriction", F_DATE, 0, NULL, 0, NULL, LAST_DAY },
    { "end_date_service_restriction", F_DATE, 0, NULL, 0, NULL, LAST_DAY },
    { "end_date_visibility_restriction", F_DATE, 0, NULL, 0, NULL, LAST_DAY },
    { "decision_facts", F_TEXT, REQUIRED, NULL, 5000, NULL, NULL },
    { "source_type", F_CODE, REQUIRED, source_types, 0, NULL, NULL },
    { "source_identity", F_TEXT, 0, NULL, 500, NULL, NULL },
    { "automated_detection", F_CODE, REQUIRED, yes_no, 0, NULL, NULL },
    { "automated_decision", F_CODE, REQUIRED, automated_decisions, 0, NULL, NULL },
    { "puid", F_PUID, REQUIRED, NULL, 500, NULL, NULL },
    { "content_id", F_CONTENT_ID, 0, NULL, 0, NULL, NULL },
    { "content_id_ean", F_EAN, 0, NULL, 0, NULL, NULL },
};
enum { NFIELDS = sizeof fields / sizeof *fields };

/* ---- the rules between fields ------------------------------------------------------ */

typedef enum rule_kind {
    REQUIRED_IF,      /* `field` is required when `on` holds `value` */
    EXCLUDED_UNLESS,  /* `field` is dropped unless `on` holds `value` */
    EXCLUDED_IF,      /* `field` is dropped when `on` holds `value` */
    ONE_OF            /* at least one of `group` is given */
} rule_kind;

typedef struct cross_rule {
    rule_kind   kind;
    const char *field, *on, *value;
    const char *const *group;
} cross_rule;

static const char *const restrictions[] = {
    "decision_visibility", "decision_monetary", "decision_provision", "decision_account", NULL };

#define ILLEGAL "DECISION_GROUND_ILLEGAL_CONTENT"
#define INCOMPATIBLE "DECISION_GROUND_INCOMPATIBLE_CONTENT"
#define BOTH(f, on, v) { REQUIRED_IF, f, on, v, NULL }, { EXCLUDED_UNLESS, f, on, v, NULL }

static const cross_rule cross_rules[] = {
    { ONE_OF, "decision_visibility", NULL, NULL, restrictions },
    BOTH("decision_visibility_other", "decision_visibility", "DECISION_VISIBILITY_OTHER"),
    BOTH("decision_monetary_other", "decision_monetary", "DECISION_MONETARY_OTHER"),
    BOTH("illegal_content_legal_ground", "decision_ground", ILLEGAL),
    BOTH("illegal_content_explanation", "decision_ground", ILLEGAL),
    BOTH("incompatible_content_ground", "decision_ground", INCOMPATIBLE),
    BOTH("incompatible_content_explanation", "decision_ground", INCOMPATIBLE),
    { EXCLUDED_UNLESS, "incompatible_content_illegal", "decision_ground", INCOMPATIBLE, NULL },
    BOTH("content_type_other", "content_type", "CONTENT_TYPE_OTHER"),
    { EXCLUDED_IF, "source_identity", "source_type", "SOURCE_VOLUNTARY", NULL },
};
enum { NCROSS = sizeof cross_rules / sizeof *cross_rules };

/* ---- checking one value ------------------------------------------------------------ */

static const field *find_field(const char *name)
{
    for (int i = 0; i < NFIELDS; i++)
        if (!strcmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

int dsa_is_field(const char *name)
{
    return find_field(name) != NULL;
}

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

int dsa_is_eea(const char *code)
{
    return in_list(dsa_eea_codes, code);
}

/* Characters, as the database counts them (code points of UTF-8). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int all_of(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD naming a day that exists. */
static int is_date(const char *s)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* scheme://host[...], with no spaces: what a reference URL must look like. */
static int is_url(const char *s)
{
    size_t scheme = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
    if (scheme == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return 0;
    if (strncmp(s + scheme, "://", 3))
        return 0;
    const char *host = s + scheme + 3;
    return *host && !strchr("/?#", *host) && !strpbrk(s, " \t\r\n");
}

static const char *check_text(const field *f, const char *s, char *buf, size_t bufsz)
{
    static const char puid_chars[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    if (f->max && utf8_chars(s) > f->max) {
        snprintf(buf, bufsz, "longer than %zu characters (%zu)", f->max, utf8_chars(s));
        return buf;
    }
    switch (f->type) {
    case F_DATE:
        if (!is_date(s))
            return "not a date YYYY-MM-DD";
        if (f->min_date && strcmp(s, f->min_date) < 0) {
            snprintf(buf, bufsz, "before %s", f->min_date);
            return buf;
        }
        if (f->max_date && strcmp(s, f->max_date) > 0) {
            snprintf(buf, bufsz, "after %s", f->max_date);
            return buf;
        }
        return NULL;
    case F_URL: return is_url(s) ? NULL : "not a URL (scheme://host/...)";
    case F_PUID: return all_of(s, puid_chars) ? NULL : "not of the form [a-zA-Z0-9-_]+";
    case F_EAN: return strlen(s) == 13 && all_of(s, "0123456789") ? NULL : "not 13 digits";
    default: return NULL;
    }
}

static const char *check_code(const field *f, const gavel_value *v, char *buf, size_t bufsz)
{
    const char *s = gavel_value_string(v, NULL);
    if (!s)
        return "not a string";
    if (!in_list(f->values, s)) {
        snprintf(buf, bufsz, "'%s' is not a value of %s", s, f->name);
        return buf;
    }
    return NULL;
}

static const char *check_content_id(const gavel_value *v)
{
    if (gavel_value_type(v) != GAVEL_OBJECT)
        return "not an object";
    const gavel_value *ean = gavel_value_get(v, "EAN-13");
    const char *s = gavel_value_string(ean, NULL);
    if (ean && (!s || strlen(s) != 13 || !all_of(s, "0123456789")))
        return "EAN-13 is not 13 digits";
    return NULL;
}

const char *dsa_check_value(const char *name, const gavel_value *v, char *buf, size_t bufsz)
{
    const field *f = find_field(name);
    if (!f)
        return "not a statement field";
    if (f->type == F_CODE)
        return check_code(f, v, buf, bufsz);
    if (f->type == F_CONTENT_ID)
        return check_content_id(v);
    if (f->type == F_CODES) {
        if (gavel_value_type(v) != GAVEL_ARRAY)
            return "not a list";
        for (size_t i = 0; i < gavel_value_len(v); i++) {
            const char *why = check_code(f, gavel_value_at(v, i), buf, bufsz);
            if (why)
                return why;
        }
        return NULL;
    }
    const char *s = gavel_value_string(v, NULL);
    return s ? check_text(f, s, buf, bufsz) : "not a string";
}

/* ---- checking a statement ---------------------------------------------------------- */

/* Given: present, not null, not blank text, not an empty list (the
 * database's `required`). */
static int given(const gavel_value *statement, const char *name)
{
    const gavel_value *v = gavel_value_get(statement, name);
    const char *s = gavel_value_string(v, NULL);
    switch (gavel_value_type(v)) {
    case GAVEL_NULL: return 0;
    case GAVEL_STRING: return strspn(s, " \t\r\n") < strlen(s);
    case GAVEL_ARRAY: case GAVEL_OBJECT: return gavel_value_len(v) > 0;
    default: return 1;
    }
}

/* Whether field `on` is `value`, or is a list that has it. */
static int holds(const gavel_value *statement, const char *on, const char *value)
{
    const gavel_value *v = gavel_value_get(statement, on);
    if (gavel_value_type(v) != GAVEL_ARRAY) {
        const char *s = gavel_value_string(v, NULL);
        return s && !strcmp(s, value);
    }
    for (size_t i = 0; i < gavel_value_len(v); i++) {
        const char *s = gavel_value_string(gavel_value_at(v, i), NULL);
        if (s && !strcmp(s, value))
            return 1;
    }
    return 0;
}

/* "has" for a list field, "is" for one value: how a message reads. */
static const char *verb(const char *on)
{
    return find_field(on)->type == F_CODES ? "has" : "is";
}

/* One cross rule: 0, or 1 after reporting the fault. */
static int check_cross(const cross_rule *r, const gavel_value *st, dsa_fault_fn *fault, void *ctx)
{
    char why[400];
    if (r->kind == ONE_OF) {
        for (const char *const *g = r->group; *g; g++)
            if (given(st, *g))
                return 0;
        snprintf(why, sizeof why, "required when none of decision_monetary, decision_provision, "
                 "decision_account is given (one of the four must be)");
        fault(ctx, r->field, why);
        return 1;
    }
    int h = holds(st, r->on, r->value), present = given(st, r->field);
    if (r->kind == REQUIRED_IF && h && !present)
        snprintf(why, sizeof why, "required when %s %s %s", r->on, verb(r->on), r->value);
    else if (r->kind == EXCLUDED_UNLESS && !h && present)
        snprintf(why, sizeof why, "not allowed unless %s %s %s (the database would drop it)",
                 r->on, verb(r->on), r->value);
    else if (r->kind == EXCLUDED_IF && h && present)
        snprintf(why, sizeof why, "not allowed when %s %s %s (the database would drop it)",
                 r->on, verb(r->on), r->value);
    else
        return 0;
    fault(ctx, r->field, why);
    return 1;
}

int dsa_validate(const gavel_value *st, dsa_fault_fn *fault, void *ctx)
{
    int faults = 0;
    char buf[300];
    if (gavel_value_type(st) != GAVEL_OBJECT) {
        fault(ctx, "statement", "not a JSON object");
        return 1;
    }
    for (size_t i = 0; i < gavel_value_len(st); i++) {
        const char *key = gavel_value_key(st, i, NULL);
        const gavel_value *v = gavel_value_at(st, i);
        const char *why = NULL;
        if (!find_field(key))
            why = "not a statement field";
        else if (gavel_value_type(v) != GAVEL_NULL)
            why = dsa_check_value(key, v, buf, sizeof buf);
        if (why) {
            fault(ctx, key, why);
            faults++;
        }
    }
    for (int i = 0; i < NFIELDS; i++)
        if ((fields[i].flags & REQUIRED) && !given(st, fields[i].name)) {
            fault(ctx, fields[i].name, "required");
            faults++;
        }
    for (int i = 0; i < NCROSS; i++)
        faults += check_cross(&cross_rules[i], st, fault, ctx);
    return faults;
}
