/*
 * dsa_map.c: from a gavel decision to DSA statements of reasons, by the
 * policy manifest's `export: {dsa-sor: ...}` section (docs/export.md). It
 * owns reading and checking that section, and writing one statement (JSON
 * text) per mapped measure of a decision; the schema's check of each
 * statement is dsa_sor.c's, called by the command (cmd_export.c).
 *
 * A field's value is set in one of three layers, the first that sets it
 * winning: the entry of the measure's first mapped rule under `rules:`, the
 * measure's action's entry under `actions:`, the section itself. A value is
 * a constant or {from: PATH, map: {...}, default: ...}, PATH reading the
 * record (r.X), the evidence of the measure's rules (evidence.X) or
 * the decision line (decision.X).
 *
 * Calls gavel.h, cli.h (messages, values, the JSON escaper), dsa_sor.h and
 * nettle's SHA-256 (for the puid: see puid_write).
 */
#include "cli.h"
#include "dsa_sor.h"

#include <fnmatch.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The statement fields a manifest sets; the rest are computed here. */
static const char *const settable[] = {
    "decision_visibility", "decision_visibility_other", "decision_monetary",
    "decision_monetary_other", "decision_provision", "decision_account", "account_type",
    "category", "category_addition", "category_specification", "category_specification_other",
    "incompatible_content_illegal", "content_type", "content_type_other", "content_language",
    "content_date", "source_type", "source_identity", "automated_detection",
    "decision_ground_reference_url", "content_id_ean", NULL };

/* Every measure's statement needs these from some layer. */
static const char *const needed[] = {
    "category", "ground", "content_type", "source_type", "automated_detection", "content_date",
    NULL };

static const char *const decision_fields[] = {
    "decision_visibility", "decision_monetary", "decision_provision", "decision_account", NULL };
/* The end date that goes with each, in the same order. */
static const char *const end_fields[] = {
    "end_date_visibility_restriction", "end_date_monetary_restriction",
    "end_date_service_restriction", "end_date_account_restriction", NULL };

typedef struct rule_entry {
    const char        *glob;
    const gavel_value *layer;
} rule_entry;

struct dsa_map {
    const gavel_policy *p;
    const char         *manifest;
    const gavel_value  *top, *actions;
    rule_entry         *rules;
    size_t              nrules;
    const gavel_value  *reviewed_outcomes;
    const char         *reviewed_automation;
    const char         *records_key;    /* the first key that reads the record */
    char                records_path[900];
    int                 errors;
};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

static void map_error(dsa_map *m, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void map_error(dsa_map *m, const char *key, const char *fmt, ...)
{
    char why[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    cli_error("%s: export.dsa-sor%s%s: %s", m->manifest, *key ? "." : "", key, why);
    m->errors++;
}

/* ---- checking the section ---------------------------------------------------------- */

static int yes_no_field(const char *field)
{
    return !strcmp(field, "automated_detection") || !strcmp(field, "incompatible_content_illegal");
}

/* A constant for `field` (booleans stand for Yes and No). */
static void check_constant(dsa_map *m, const char *field, const gavel_value *v, const char *key)
{
    char buf[300];
    if (gavel_value_type(v) == GAVEL_BOOL && yes_no_field(field))
        return;
    const char *why = !strcmp(field, "ground") ?
        (in_list((const char *const[]){ "illegal", "incompatible", NULL },
                 gavel_value_string(v, NULL)) ? NULL : "must be illegal or incompatible") :
        !strcmp(field, "legal_ground") ?
        (gavel_value_string(v, NULL) ? NULL : "must be text (the legal ground)") :
        dsa_check_value(field, v, buf, sizeof buf);
    if (why)
        map_error(m, key, "%s", why);
}

/* A value: a constant, or {from, map, default}. */
static void check_spec(dsa_map *m, const char *field, const gavel_value *v, const char *key)
{
    const gavel_value *from = gavel_value_get(v, "from");
    if (gavel_value_type(v) != GAVEL_OBJECT || !from) {
        check_constant(m, field, v, key);
        return;
    }
    char sub[900];
    for (size_t i = 0; i < gavel_value_len(v); i++) {
        const char *k = gavel_value_key(v, i, NULL);
        snprintf(sub, sizeof sub, "%s.%s", key, k);
        if (!in_list((const char *const[]){ "from", "map", "default", NULL }, k))
            map_error(m, sub, "not a key of a value (from, map, default)");
    }
    const char *path = gavel_value_string(from, NULL);
    if (!path || !(strncmp(path, "r.", 2) == 0 || strncmp(path, "evidence.", 9) == 0 ||
                   strncmp(path, "decision.", 9) == 0) || !cli_dotted_path_ok(strchr(path, '.') + 1))
        map_error(m, key, "from: must be a path r.X, evidence.X or decision.X (dotted; list "
                          "items counted from 1)");
    else if (!strncmp(path, "r.", 2) && !m->records_key) {
        snprintf(m->records_path, sizeof m->records_path, "%s", key);
        m->records_key = m->records_path;
    }
    const gavel_value *map = gavel_value_get(v, "map");
    if (map && gavel_value_type(map) != GAVEL_OBJECT)
        map_error(m, key, "map: must be a mapping of the path's values to this field's");
    for (size_t i = 0; i < gavel_value_len(map); i++) {
        snprintf(sub, sizeof sub, "%s.map.%s", key, gavel_value_key(map, i, NULL));
        check_constant(m, field, gavel_value_at(map, i), sub);
    }
    const gavel_value *def = gavel_value_get(v, "default");
    if (def) {
        snprintf(sub, sizeof sub, "%s.default", key);
        check_constant(m, field, def, sub);
    }
}

static const char *const top_only[] = {
    "actions", "rules", "reviewed_outcomes", "reviewed_automation", NULL };

/* A layer: the section, an action's entry or a rule's entry. */
static void check_layer(dsa_map *m, const gavel_value *layer, const char *path, int top)
{
    char key[600];
    if (gavel_value_type(layer) != GAVEL_OBJECT) {
        map_error(m, path, "must be a mapping of statement fields");
        return;
    }
    for (size_t i = 0; i < gavel_value_len(layer); i++) {
        const char *k = gavel_value_key(layer, i, NULL);
        snprintf(key, sizeof key, "%s%s%s", path, *path ? "." : "", k);
        if (top && in_list(top_only, k))
            continue;
        if (in_list(settable, k) || !strcmp(k, "ground") || !strcmp(k, "legal_ground"))
            check_spec(m, k, gavel_value_at(layer, i), key);
        else if (dsa_is_field(k))
            map_error(m, key, "is made by gavel export, not set in the manifest (docs/export.md)");
        else
            map_error(m, key, "not a key of the dsa-sor mapping (docs/export.md)");
    }
}

static int policy_has_action(const gavel_policy *p, const char *name)
{
    for (size_t i = 0; i < gavel_policy_nactions(p); i++)
        if (!strcmp(gavel_policy_action(p, i), name))
            return 1;
    return 0;
}

static void check_actions(dsa_map *m)
{
    char key[300];
    if (!m->actions || gavel_value_type(m->actions) != GAVEL_OBJECT) {
        map_error(m, "actions", "must be a mapping of the policy's actions to restrictions");
        return;
    }
    for (size_t i = 0; i < gavel_value_len(m->actions); i++) {
        const char *action = gavel_value_key(m->actions, i, NULL);
        const gavel_value *layer = gavel_value_at(m->actions, i);
        snprintf(key, sizeof key, "actions.%s", action);
        if (!policy_has_action(m->p, action))
            map_error(m, key, "not one of the policy's actions");
        check_layer(m, layer, key, 0);
        int restricts = 0;
        for (const char *const *f = decision_fields; *f; f++)
            restricts |= gavel_value_get(layer, *f) != NULL;
        if (!restricts)
            map_error(m, key, "maps to none of decision_visibility, decision_monetary, "
                      "decision_provision, decision_account");
    }
}

static void check_rules(dsa_map *m)
{
    const gavel_value *rules = gavel_value_get(m->top, "rules");
    char key[300];
    if (!rules)
        return;
    if (gavel_value_type(rules) != GAVEL_OBJECT) {
        map_error(m, "rules", "must be a mapping of rule ids (or globs) to categories and grounds");
        return;
    }
    m->rules = calloc(gavel_value_len(rules) + 1, sizeof *m->rules);
    for (size_t i = 0; m->rules && i < gavel_value_len(rules); i++) {
        rule_entry *e = &m->rules[m->nrules++];
        e->glob = gavel_value_key(rules, i, NULL);
        e->layer = gavel_value_at(rules, i);
        snprintf(key, sizeof key, "rules.%s", e->glob);
        size_t hits = 0;
        for (size_t r = 0; r < gavel_policy_nrules(m->p); r++)
            hits += fnmatch(e->glob, gavel_policy_rule(m->p, r)->id, 0) == 0;
        if (!hits)
            map_error(m, key, "matches none of the policy's rules");
        check_layer(m, e->layer, key, 0);
    }
}

static const gavel_value *rule_layer(const dsa_map *m, const char *rule)
{
    for (size_t i = 0; i < m->nrules; i++)
        if (fnmatch(m->rules[i].glob, rule, 0) == 0)
            return m->rules[i].layer;
    return NULL;
}

/* Every rule that orders a mapped action gets what a statement needs from
 * some layer. A rule's measures are described "ACTION: ...". */
static void check_coverage(dsa_map *m)
{
    for (size_t r = 0; r < gavel_policy_nrules(m->p); r++) {
        const gavel_rule_info *info = gavel_policy_rule(m->p, r);
        for (size_t k = 0; k < info->nmeasures; k++) {
            char action[128];
            snprintf(action, sizeof action, "%.*s", (int)strcspn(info->measures[k], ":"),
                     info->measures[k]);
            const gavel_value *act = gavel_value_get(m->actions, action);
            if (!act)
                continue;
            const gavel_value *layers[] = { rule_layer(m, info->id), act, m->top };
            for (const char *const *f = needed; *f; f++) {
                int found = 0;
                for (int l = 0; l < 3; l++)
                    found |= gavel_value_get(layers[l], *f) != NULL;
                if (!found)
                    map_error(m, "rules", "rule '%s' orders %s, but no '%s' is given for it "
                              "(in rules, actions.%s or the section)", info->id, action, *f,
                              action);
            }
        }
    }
}

static void check_review(dsa_map *m)
{
    m->reviewed_outcomes = gavel_value_get(m->top, "reviewed_outcomes");
    const gavel_value *ro = m->reviewed_outcomes;
    if (ro && gavel_value_type(ro) != GAVEL_ARRAY)
        map_error(m, "reviewed_outcomes", "must be a list of outcomes");
    for (size_t i = 0; i < gavel_value_len(ro); i++) {
        const char *o = gavel_value_string(gavel_value_at(ro, i), NULL);
        int known = 0;
        for (size_t k = 0; o && k < gavel_policy_noutcomes(m->p); k++)
            known |= !strcmp(gavel_policy_outcome(m->p, k), o);
        if (!known)
            map_error(m, "reviewed_outcomes", "'%s' is not one of the policy's outcomes",
                      o ? o : "(not text)");
    }
    const gavel_value *ra = gavel_value_get(m->top, "reviewed_automation");
    m->reviewed_automation = ra ? gavel_value_string(ra, NULL) : "AUTOMATED_DECISION_PARTIALLY";
    if (!in_list((const char *const[]){ "AUTOMATED_DECISION_PARTIALLY",
                                        "AUTOMATED_DECISION_NOT_AUTOMATED", NULL },
                 m->reviewed_automation))
        map_error(m, "reviewed_automation",
                  "must be AUTOMATED_DECISION_PARTIALLY or AUTOMATED_DECISION_NOT_AUTOMATED");
}

dsa_map *dsa_map_new(const gavel_policy *p, const char *manifest)
{
    dsa_map *m = calloc(1, sizeof *m);
    if (!m) {
        cli_error("out of memory");
        return NULL;
    }
    m->p = p;
    m->manifest = manifest;
    m->top = gavel_policy_export(p, "dsa-sor");
    if (!m->top) {
        map_error(m, "", "the manifest has no export: {dsa-sor: ...} section (docs/export.md)");
    } else if (gavel_value_type(m->top) != GAVEL_OBJECT) {
        map_error(m, "", "must be a mapping (docs/export.md)");
    } else {
        m->actions = gavel_value_get(m->top, "actions");
        check_layer(m, m->top, "", 1);
        check_actions(m);
        check_rules(m);
        check_review(m);
        if (!m->errors)
            check_coverage(m);
    }
    if (m->errors) {
        dsa_map_free(m);
        return NULL;
    }
    return m;
}

void dsa_map_free(dsa_map *m)
{
    if (!m)
        return;
    free(m->rules);
    free(m);
}

int dsa_map_reads_records(const dsa_map *m, const char **key)
{
    *key = m->records_key;
    return m->records_key != NULL;
}

/* ---- one statement ----------------------------------------------------------------- */

typedef struct job {
    const dsa_map     *m;
    const gavel_value *decision, *record, *measure;
    const gavel_value *layers[3];   /* first rule's entry, the action's, the section */
    FILE              *f;           /* the statement being written */
    int                nfields;
} job;

/* The decision's reason for `rule`, one of a measure's: among the
 * determining reasons, else among measure_reasons (a rule without an
 * outcome, or a weaker one); NULL when neither has it. */
static const gavel_value *reason_of(const job *j, const char *rule)
{
    static const char *const lists[] = { "reasons", "measure_reasons" };
    for (int l = 0; l < 2; l++) {
        const gavel_value *reasons = gavel_value_get(j->decision, lists[l]);
        for (size_t i = 0; i < gavel_value_len(reasons); i++) {
            const char *id = cli_str(gavel_value_at(reasons, i), "rule");
            if (id && !strcmp(id, rule))
                return gavel_value_at(reasons, i);
        }
    }
    return NULL;
}

static const gavel_rule_info *rule_info(const job *j, const char *rule)
{
    for (size_t i = 0; i < gavel_policy_nrules(j->m->p); i++)
        if (!strcmp(gavel_policy_rule(j->m->p, i)->id, rule))
            return gavel_policy_rule(j->m->p, i);
    return NULL;
}

/* What PATH names: in the record, the evidence of the measure's rules (the
 * first that has it), or the decision line. */
static const gavel_value *from_path(const job *j, const char *path)
{
    if (!strncmp(path, "r.", 2))
        return j->record ? cli_value_at_dotted(j->record, path + 2) : NULL;
    if (!strncmp(path, "decision.", 9))
        return cli_value_at_dotted(j->decision, path + 9);
    const gavel_value *rules = gavel_value_get(j->measure, "rules");
    for (size_t i = 0; i < gavel_value_len(rules); i++) {
        const char *rule = gavel_value_string(gavel_value_at(rules, i), NULL);
        const gavel_value *ev = gavel_value_get(rule ? reason_of(j, rule) : NULL, "evidence");
        const gavel_value *v = ev ? cli_value_at_dotted(ev, path + 9) : NULL;
        if (v && gavel_value_type(v) != GAVEL_NULL)
            return v;
    }
    return NULL;
}

/* A value spec's value for this decision, or NULL for none. */
static const gavel_value *resolve(const job *j, const gavel_value *spec)
{
    const gavel_value *from = gavel_value_get(spec, "from");
    if (gavel_value_type(spec) != GAVEL_OBJECT || !from)
        return spec;
    const gavel_value *v = from_path(j, gavel_value_string(from, NULL));
    const gavel_value *map = gavel_value_get(spec, "map");
    if (v && map) {
        char *text = cli_value_text(v);
        v = text ? gavel_value_get(map, text) : NULL;
        free(text);
    }
    if (!v || gavel_value_type(v) == GAVEL_NULL)
        v = gavel_value_get(spec, "default");
    return v;
}

/* `field` from the first of these layers that sets it. */
static const gavel_value *lookup_in(const job *j, const gavel_value *const *layers,
                                    const char *field)
{
    for (int l = 0; l < 3; l++) {
        const gavel_value *spec = gavel_value_get(layers[l], field);
        if (spec)
            return resolve(j, spec);
    }
    return NULL;
}

static const gavel_value *lookup(const job *j, const char *field)
{
    return lookup_in(j, j->layers, field);
}

static void put_key(job *j, const char *key)
{
    fputs(j->nfields++ ? ",\"" : "{\"", j->f);
    fputs(key, j->f);
    fputs("\":", j->f);
}

/* Text cut to `max` characters (an ellipsis ending what was cut), as a
 * JSON string: what gavel composes from reasons must not fail a limit. */
static void put_text(job *j, const char *key, const char *text, size_t max)
{
    size_t n = 0, i = 0;
    for (; text[i]; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80 && ++n > max - 1 && text[i + 1])
            break;
    put_key(j, key);
    if (!text[i]) {
        cli_json_string(j->f, text);
        return;
    }
    char *cut = malloc(i + 4);
    if (!cut)
        return;
    memcpy(cut, text, i);
    strcpy(cut + i, "\xE2\x80\xA6");
    cli_json_string(j->f, cut);
    free(cut);
}

static void put_value(job *j, const char *field, const gavel_value *v)
{
    const char *s = gavel_value_string(v, NULL);
    put_key(j, field);
    if (gavel_value_type(v) == GAVEL_BOOL) {
        fputs(gavel_value_bool(v) ? "\"Yes\"" : "\"No\"", j->f);
    } else if (s && !strcmp(field, "content_date") && strlen(s) > 10 && s[10] == 'T') {
        fprintf(j->f, "\"%.10s\"", s);       /* the day of a date-time */
    } else {
        char *json = cli_value_json(v);
        fputs(json ? json : "null", j->f);
        free(json);
    }
}

/* A growing list of distinct strings. */
enum { SET_MAX = 63 };   /* s[SET_MAX] stays NULL: the set is also a list */
typedef struct strset {
    const char *s[SET_MAX + 1];
    size_t      n;
} strset;

static void set_add(strset *set, const gavel_value *v)
{
    if (gavel_value_type(v) == GAVEL_ARRAY) {
        for (size_t i = 0; i < gavel_value_len(v); i++)
            set_add(set, gavel_value_at(v, i));
        return;
    }
    const char *s = gavel_value_string(v, NULL);
    if (!s || set->n == SET_MAX)
        return;
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->s[i], s))
            return;
    set->s[set->n++] = s;
}

static void put_set(job *j, const char *key, const strset *set)
{
    if (!set->n)
        return;
    put_key(j, key);
    for (size_t i = 0; i < set->n; i++) {
        fputc(i ? ',' : '[', j->f);
        cli_json_string(j->f, set->s[i]);
    }
    fputc(']', j->f);
}

/* The layers for the measure's rule `rule`: its entry, the action's, the section. */
static void layers_of(const job *j, const char *rule, const gavel_value **layers)
{
    layers[0] = rule_layer(j->m, rule);
    layers[1] = j->layers[1];
    layers[2] = j->layers[2];
}

/* category and category_addition (the other rules' categories), and the
 * keywords of every rule of the measure. */
static void put_categories(job *j)
{
    const gavel_value *rules = gavel_value_get(j->measure, "rules");
    const char *category = gavel_value_string(lookup(j, "category"), NULL);
    strset addition = { .n = 0 }, keywords = { .n = 0 };
    if (category)
        put_value(j, "category", lookup(j, "category"));
    set_add(&addition, lookup(j, "category_addition"));
    set_add(&keywords, lookup(j, "category_specification"));
    for (size_t i = 0; i < gavel_value_len(rules); i++) {
        const gavel_value *layer = rule_layer(j->m, gavel_value_string(gavel_value_at(rules, i), NULL));
        if (!layer || layer == j->layers[0])
            continue;
        const gavel_value *c = resolve(j, gavel_value_get(layer, "category"));
        if (gavel_value_string(c, NULL) && (!category || strcmp(category, gavel_value_string(c, NULL))))
            set_add(&addition, c);
        set_add(&keywords, resolve(j, gavel_value_get(layer, "category_specification")));
    }
    put_set(j, "category_addition", &addition);
    put_set(j, "category_specification", &keywords);
}

/* Joins, with "; ", for each rule of the measure on this ground, its legal
 * ground (legal_ground, else its cites) or its explanation (its reason). */
static char *ground_text(const job *j, const char *ground, int explanation)
{
    const gavel_value *rules = gavel_value_get(j->measure, "rules");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    strset seen = { .n = 0 };
    for (size_t i = 0; i < gavel_value_len(rules); i++) {
        const char *rule = gavel_value_string(gavel_value_at(rules, i), NULL);
        const gavel_value *layers[3];
        layers_of(j, rule, layers);
        const char *g = gavel_value_string(lookup_in(j, layers, "ground"), NULL);
        if (!g || strcmp(g, ground))
            continue;
        const gavel_value *reason = reason_of(j, rule);
        const gavel_rule_info *info = rule_info(j, rule);
        const char *s = explanation ? cli_str(reason, "reason") :
                        gavel_value_string(lookup_in(j, layers, "legal_ground"), NULL);
        if (!s && !explanation)
            s = reason ? cli_str(reason, "cites") : info ? info->cites : NULL;
        if (!s || !*s || in_list(seen.s, s))
            continue;
        if (seen.n < SET_MAX)
            seen.s[seen.n++] = s;
        fprintf(f, "%s%s", ftell(f) > 0 ? "; " : "", s);
    }
    fclose(f);
    return text;
}

/* decision_ground and its legal ground and explanation. */
static void put_ground(job *j)
{
    const char *ground = gavel_value_string(lookup(j, "ground"), NULL);
    if (!ground)
        return;
    int illegal = !strcmp(ground, "illegal");
    put_key(j, "decision_ground");
    fputs(illegal ? "\"DECISION_GROUND_ILLEGAL_CONTENT\"" : "\"DECISION_GROUND_INCOMPATIBLE_CONTENT\"",
          j->f);
    char *legal = ground_text(j, ground, 0), *why = ground_text(j, ground, 1);
    if (legal && *legal)
        put_text(j, illegal ? "illegal_content_legal_ground" : "incompatible_content_ground",
                 legal, 500);
    if (why && *why)
        put_text(j, illegal ? "illegal_content_explanation" : "incompatible_content_explanation",
                 why, 2000);
    free(legal);
    free(why);
    const gavel_value *also_illegal = lookup(j, "incompatible_content_illegal");
    if (!illegal && also_illegal)
        put_value(j, "incompatible_content_illegal", also_illegal);
}

static void put_targets(FILE *f, const gavel_value *measure, const char *kind_sep,
                        const char *sep)
{
    const gavel_value *targets = gavel_value_get(measure, "targets");
    for (size_t i = 0; i < gavel_value_len(targets); i++) {
        const gavel_value *t = gavel_value_at(targets, i);
        char *id = cli_value_text(gavel_value_get(t, "id"));
        fprintf(f, "%s%s%s%s", i ? sep : "", cli_str(t, "kind") ? cli_str(t, "kind") : "",
                kind_sep, id ? id : "");
        free(id);
    }
}

/* The facts: the reasons of the measure's rules, what the measure does to
 * what, and under which policy. */
static void put_facts(job *j)
{
    const gavel_value *rules = gavel_value_get(j->measure, "rules");
    const gavel_value *policy = gavel_value_get(j->decision, "policy");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    for (size_t i = 0; i < gavel_value_len(rules); i++) {
        const char *rule = gavel_value_string(gavel_value_at(rules, i), NULL);
        const char *why = cli_str(reason_of(j, rule), "reason");
        if (why && *why)
            fprintf(f, "%s%s", ftell(f) > 0 ? "; " : "", why);
    }
    fprintf(f, "%sMeasure %s on ", ftell(f) > 0 ? ". " : "", cli_str(j->measure, "action"));
    put_targets(f, j->measure, " ", ", ");
    fputs(" (rules ", f);
    for (size_t i = 0; i < gavel_value_len(rules); i++)
        fprintf(f, "%s%s", i ? ", " : "", gavel_value_string(gavel_value_at(rules, i), NULL));
    fprintf(f, "; policy %s %s).", cli_str(policy, "name") ? cli_str(policy, "name") : "?",
            cli_str(policy, "version") ? cli_str(policy, "version") : "?");
    fclose(f);
    if (text)
        put_text(j, "decision_facts", text, 5000);
    free(text);
}

/* The measure's scope within the EEA ("*" is all of it); 0 when none of it is. */
static int put_scope(job *j)
{
    const gavel_value *scope = gavel_value_get(j->measure, "scope");
    strset codes = { .n = 0 };
    for (size_t i = 0; i < gavel_value_len(scope); i++) {
        const char *c = gavel_value_string(gavel_value_at(scope, i), NULL);
        if (c && !strcmp(c, "*")) {
            codes.n = 0;
            for (const char *const *e = dsa_eea_codes; *e; e++)
                codes.s[codes.n++] = *e;
            break;
        }
        if (c && dsa_is_eea(c) && codes.n < SET_MAX)
            codes.s[codes.n++] = c;
    }
    put_set(j, "territorial_scope", &codes);
    return codes.n > 0;
}

static void hash_text(struct sha256_ctx *h, const char *s)
{
    sha256_update(h, strlen(s ? s : "") + 1, (const uint8_t *)(s ? s : ""));
}

/* The platform's unique id of the statement: the record's id made safe
 * (other characters become '_', at most 64), then 32 hex digits of the
 * SHA-256 of what identifies the measure: the id, the digest of the policy
 * that decided, the action, its targets, its scope and its end. The same
 * decision exported again gets the same puid, so the database refuses it
 * as a duplicate rather than counting it twice; a cryptographic hash, so
 * two measures never share one. */
static void put_puid(job *j, const char *id)
{
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    hash_text(&h, id);
    hash_text(&h, cli_str(gavel_value_get(j->decision, "policy"), "digest"));
    hash_text(&h, cli_str(j->measure, "action"));
    char *targets = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&targets, &len);
    if (f) {
        put_targets(f, j->measure, "\x1f", "\x1e");
        fclose(f);
    }
    hash_text(&h, targets);
    free(targets);
    char *scope = cli_value_json(gavel_value_get(j->measure, "scope"));
    hash_text(&h, scope);
    free(scope);
    hash_text(&h, cli_str(j->measure, "until"));
    sha256_digest(&h, sizeof digest, digest);
    put_key(j, "puid");
    fputc('"', j->f);
    for (int i = 0; id[i] && i < 64; i++)
        fputc(strchr("-_", id[i]) || (id[i] >= '0' && id[i] <= '9') ||
              ((id[i] | 0x20) >= 'a' && (id[i] | 0x20) <= 'z') ? id[i] : '_', j->f);
    fputc('-', j->f);
    for (int i = 0; i < 16; i++)
        fprintf(j->f, "%02x", digest[i]);
    fputc('"', j->f);
}

/* The restrictions, each with its end date when the measure has one. */
static void put_restrictions(job *j)
{
    const char *until = cli_str(j->measure, "until");
    for (int i = 0; decision_fields[i]; i++) {
        const gavel_value *v = lookup(j, decision_fields[i]);
        if (!v)
            continue;
        put_value(j, decision_fields[i], v);
        if (until && strlen(until) >= 10) {
            put_key(j, end_fields[i]);
            fprintf(j->f, "\"%.10s\"", until);
        }
    }
}

static int is_reviewed(const job *j)
{
    const char *outcome = cli_str(j->decision, "decision");
    const gavel_value *ro = j->m->reviewed_outcomes;
    for (size_t i = 0; outcome && i < gavel_value_len(ro); i++)
        if (!strcmp(outcome, gavel_value_string(gavel_value_at(ro, i), NULL)))
            return 1;
    return 0;
}

/* Every field: the set ones (except the restrictions and categories, done
 * with what they bring), then the ones made here. */
static void write_statement(job *j, const char *id)
{
    put_puid(j, id);
    put_restrictions(j);
    for (const char *const *f = settable; *f; f++) {
        if (in_list(decision_fields, *f) || !strncmp(*f, "category", 8) ||
            !strcmp(*f, "incompatible_content_illegal"))
            continue;
        const gavel_value *v = lookup(j, *f);
        if (v && gavel_value_type(v) != GAVEL_NULL)
            put_value(j, *f, v);
    }
    put_categories(j);
    const gavel_value *other = lookup(j, "category_specification_other");
    if (other)
        put_value(j, "category_specification_other", other);
    put_ground(j);
    put_key(j, "automated_decision");
    fprintf(j->f, "\"%s\"", is_reviewed(j) ? j->m->reviewed_automation : "AUTOMATED_DECISION_FULLY");
    const char *as_of = cli_str(j->decision, "as_of");
    if (as_of) {
        put_key(j, "application_date");
        fprintf(j->f, "\"%.10s\"", as_of);
    }
    put_facts(j);
}

/* The first of the measure's rules with an entry under rules:, or NULL. */
static const gavel_value *first_rule_layer(const dsa_map *m, const gavel_value *measure)
{
    const gavel_value *rules = gavel_value_get(measure, "rules");
    for (size_t i = 0; i < gavel_value_len(rules); i++) {
        const gavel_value *l = rule_layer(m, gavel_value_string(gavel_value_at(rules, i), NULL));
        if (l)
            return l;
    }
    return NULL;
}

/* One measure's statement (skipped, counted, when outside the EEA). */
static int map_measure(job *j, const char *id, dsa_counts *counts, dsa_statement_fn *emit,
                       void *ctx)
{
    char *text = NULL;
    size_t len = 0;
    j->f = open_memstream(&text, &len);
    if (!j->f) {
        cli_error("out of memory");
        return -1;
    }
    j->nfields = 0;
    write_statement(j, id);
    int in_eea = put_scope(j);
    fputc('}', j->f);
    int bad = ferror(j->f);
    bad |= fclose(j->f) != 0;
    int rc = 0;
    if (bad || !text) {
        cli_error("out of memory");
        rc = -1;
    } else if (!in_eea) {
        counts->outside_eea++;
    } else {
        counts->statements++;
        rc = emit(ctx, text, len);
    }
    free(text);
    return rc;
}

int dsa_map_decision(dsa_map *m, const gavel_value *decision, const gavel_value *record,
                     dsa_counts *counts, dsa_statement_fn *emit, void *ctx)
{
    const gavel_value *measures = gavel_value_get(decision, "measures");
    char *id = cli_value_text(gavel_value_get(decision, "id"));
    if (!id) {
        cli_error("out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < gavel_value_len(measures); i++) {
        const gavel_value *measure = gavel_value_at(measures, i);
        const gavel_value *act = gavel_value_get(m->actions, cli_str(measure, "action") ?
                                                 cli_str(measure, "action") : "");
        counts->measures++;
        if (!act) {
            counts->unmapped++;
            continue;
        }
        job j = { .m = m, .decision = decision, .record = record, .measure = measure,
                  .layers = { first_rule_layer(m, measure), act, m->top } };
        rc = map_measure(&j, id, counts, emit, ctx);
    }
    free(id);
    return rc;
}
