/*
 * testsuite.c: policy tests (`gavel test`, docs/testing.md). A test file is a YAML
 * sequence of cases; each case's record is evaluated with its own context
 * and as_of, and the decision is compared with `expect`. The suite keeps
 * one result per case and coverage over all of them: the rules no case
 * fired and the cited provisions no fired rule cites.
 *
 * Case fields: name, record, context (a mapping, as --context would hold),
 * as_of, expect. A file may instead be a mapping {context, as_of, cases}:
 * its context and as_of apply to every case that does not give its own.
 * Expect keys, all but decision optional:
 *   decision  the outcome
 *   rules     the determining rules (order does not matter)
 *   defeated  rules set aside: ids, or {rule, by} mappings
 *   fired     every rule that fired (order does not matter)
 *   missing   paths that must be among the missing facts
 *   errors    a count, or a list of texts each found in some error message
 *   measures  exactly these measures, in any order: action and any of
 *             targets ("post:p1", "account"), scope, due, until, rules
 *
 * Calls the public API (evaluator, decisions), eval.h (a parsed context),
 * yamldoc.h, value.h, buf.h and the policy and record structs.
 */
#include "testsuite.h"
#include "buf.h"
#include "date.h"
#include "decision.h"
#include "eval.h"
#include "measure.h"
#include "policy.h"
#include "record.h"
#include "value.h"
#include "yamldoc.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct result {
    gavel_test_result pub;
    gavel_decision   *decision;
    char             *name, *file, *failure;
} result;

struct gavel_testsuite {
    const gavel_policy *p;
    gavel_evaluator    *ev;
    result             *results;
    size_t              nresults, cap;
    unsigned char      *fired;            /* per rule: fired in some case */
    const gavel_rule_info **unfired;
    size_t              nunfired;
    const char        **unexercised;
    size_t              nunexercised;
    char                errmsg[1024];
};

gavel_testsuite *gavel_testsuite_new(const gavel_policy *p)
{
    if (!p || p->status != GAVEL_OK)
        return NULL;
    gavel_testsuite *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->p = p;
    t->ev = gavel_evaluator_new(p);
    t->fired = calloc((size_t)p->nrules + 1, 1);
    t->unfired = calloc((size_t)p->nrules + 1, sizeof *t->unfired);
    t->unexercised = calloc((size_t)p->nrules + 1, sizeof *t->unexercised);
    if (!t->ev || !t->fired || !t->unfired || !t->unexercised ||
        gavel_evaluator_status(t->ev) != GAVEL_OK) {
        gavel_testsuite_free(t);
        return NULL;
    }
    return t;
}

static void clear_results(gavel_testsuite *t)
{
    for (size_t i = 0; i < t->nresults; i++) {
        gavel_decision_free(t->results[i].decision);
        free(t->results[i].name);
        free(t->results[i].file);
        free(t->results[i].failure);
    }
    t->nresults = 0;
}

void gavel_testsuite_free(gavel_testsuite *t)
{
    if (!t)
        return;
    clear_results(t);
    free(t->results);
    gavel_evaluator_free(t->ev);
    free(t->fired);
    free(t->unfired);
    free(t->unexercised);
    free(t);
}

/* ---- comparing ------------------------------------------------------------------ */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "[a, b]" from a list of strings, sorted. */
static void list_text(gv_buf *b, const char **items, size_t n)
{
    qsort(items, n, sizeof *items, str_cmp);
    gv_buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            gv_buf_add(b, ", ", 2);
        gv_buf_adds(b, items[i]);
    }
    gv_buf_addc(b, ']');
}

/* The ids an expect list names: strings, or mappings with `rule`. */
static size_t expected_ids(const gv_value *v, const char **out, size_t max)
{
    size_t n = 0;
    for (uint32_t i = 0; v && v->type == GV_ARR && i < v->len && n < max; i++) {
        const gv_value *e = v->u.items[i];
        if (e->type == GV_OBJ)
            e = gv_gets(e, "rule");
        if (e && e->type == GV_STR)
            out[n++] = e->u.s;
    }
    return n;
}

/* Compares a set of rule ids; adds a line to `why` when they differ. */
static void compare_set(gv_buf *why, const char *key, const gv_value *want,
                        const char **got, size_t ngot)
{
    const char *exp[256];
    size_t nexp = expected_ids(want, exp, 256);
    gv_buf a = GV_BUF_INIT, b = GV_BUF_INIT;
    list_text(&a, exp, nexp);
    list_text(&b, got, ngot);
    if (strcmp(a.ptr, b.ptr) != 0)
        gv_buf_printf(why, "%s: expected %s, got %s\n", key, a.ptr, b.ptr);
    gv_buf_free(&a);
    gv_buf_free(&b);
}

static void check_defeated_by(gv_buf *why, const gv_value *want, const gavel_decision *d)
{
    for (uint32_t i = 0; want && want->type == GV_ARR && i < want->len; i++) {
        const gv_value *e = want->u.items[i], *rule = gv_gets(e, "rule"), *by = gv_gets(e, "by");
        if (e->type != GV_OBJ || !rule || !by || rule->type != GV_STR || by->type != GV_STR)
            continue;
        for (size_t k = 0; k < gavel_decision_ndefeated(d); k++) {
            const gavel_reason *r = gavel_decision_defeated(d, k);
            if (!strcmp(r->rule, rule->u.s) && strcmp(r->by, by->u.s))
                gv_buf_printf(why, "defeated: expected %s set aside by %s, got by %s\n",
                              rule->u.s, by->u.s, r->by);
        }
    }
}

static void check_missing(gv_buf *why, const gv_value *want, const gavel_decision *d)
{
    for (uint32_t i = 0; want && want->type == GV_ARR && i < want->len; i++) {
        const gv_value *e = want->u.items[i];
        if (e->type != GV_STR)
            continue;
        int found = 0;
        for (size_t k = 0; k < gavel_decision_nmissing(d) && !found; k++)
            found = !strcmp(gavel_decision_missing(d, k)->path, e->u.s);
        if (!found) {
            gv_buf_printf(why, "missing: expected %s among the missing facts, got [", e->u.s);
            for (size_t k = 0; k < gavel_decision_nmissing(d); k++)
                gv_buf_printf(why, "%s%s", k ? ", " : "", gavel_decision_missing(d, k)->path);
            gv_buf_adds(why, "]\n");
        }
    }
}

static void check_errors(gv_buf *why, const gv_value *want, const gavel_decision *d)
{
    size_t n = gavel_decision_nerrors(d);
    if (want->type == GV_INT) {
        if ((int64_t)n != want->u.i)
            gv_buf_printf(why, "errors: expected %lld, got %zu%s%s\n", (long long)want->u.i, n,
                          n ? ": " : "", n ? gavel_decision_error(d, 0)->message : "");
        return;
    }
    for (uint32_t i = 0; want->type == GV_ARR && i < want->len; i++) {
        const gv_value *e = want->u.items[i];
        int found = 0;
        for (size_t k = 0; e->type == GV_STR && k < n && !found; k++)
            found = strstr(gavel_decision_error(d, k)->message, e->u.s) != NULL;
        if (!found)
            gv_buf_printf(why, "errors: expected one saying \"%s\", got %zu%s%s\n",
                          e->type == GV_STR ? e->u.s : "?", n, n ? ": " : "",
                          n ? gavel_decision_error(d, 0)->message : "");
    }
    if (want->type == GV_ARR && want->len == 0 && n)
        gv_buf_printf(why, "errors: expected none, got %zu: %s\n", n,
                      gavel_decision_error(d, 0)->message);
}

/* ---- expect: measures ------------------------------------------------------------ */

/* "withhold_post [post:p1, post:p3] in [IN] due ... by [g.incite]", for messages. */
static void measure_text(gv_buf *b, const gavel_measure *m)
{
    gv_buf_printf(b, "%s [", m->action);
    for (size_t i = 0; i < m->ntargets; i++)
        gv_buf_printf(b, "%s%s:%s", i ? ", " : "", m->targets[i].kind, m->targets[i].id);
    gv_buf_adds(b, "] in [");
    for (size_t i = 0; i < m->nscope; i++)
        gv_buf_printf(b, "%s%s", i ? ", " : "", m->scope[i]);
    gv_buf_adds(b, "]");
    if (m->due)
        gv_buf_printf(b, " due %s", m->due);
    if (m->until)
        gv_buf_printf(b, " until %s", m->until);
    gv_buf_adds(b, " by [");
    for (size_t i = 0; i < m->nrules; i++)
        gv_buf_printf(b, "%s%s", i ? ", " : "", m->rules[i]);
    gv_buf_adds(b, "]");
}

/* Do the strings of want (one string, or a list) make the set got[0..n)? */
static int same_strings(const gv_value *want, const char *const *got, size_t n)
{
    uint32_t nw = want->type == GV_ARR ? want->len : 1;
    if (want->type != GV_STR && want->type != GV_ARR)
        return 0;
    for (uint32_t i = 0; i < nw; i++) {
        const gv_value *w = want->type == GV_ARR ? want->u.items[i] : want;
        size_t k = 0;
        while (k < n && !(w->type == GV_STR && !strcmp(w->u.s, got[k])))
            k++;
        if (k == n)
            return 0;
    }
    for (size_t k = 0; k < n; k++) {         /* and nothing more */
        uint32_t i = 0;
        for (; i < nw; i++) {
            const gv_value *w = want->type == GV_ARR ? want->u.items[i] : want;
            if (w->type == GV_STR && !strcmp(w->u.s, got[k]))
                break;
        }
        if (i == nw)
            return 0;
    }
    return 1;
}

/* A target as the tests write it: "post:p1", or "account" for the record. */
static int target_named(const gv_value *w, const gavel_target *t)
{
    if (w->type == GV_OBJ) {
        const gv_value *kind = gv_gets(w, "kind"), *id = gv_gets(w, "id");
        char num[32] = "";
        if (id && id->type == GV_INT)
            snprintf(num, sizeof num, "%lld", (long long)id->u.i);
        return kind && kind->type == GV_STR && !strcmp(kind->u.s, t->kind) && id &&
               !strcmp(id->type == GV_STR ? id->u.s : num, t->id);
    }
    if (w->type != GV_STR)
        return 0;
    if (!strcmp(w->u.s, "account"))
        return !strcmp(t->kind, "account");
    size_t k = strlen(t->kind);
    return !strncmp(w->u.s, t->kind, k) && w->u.s[k] == ':' && !strcmp(w->u.s + k + 1, t->id);
}

static int same_targets(const gv_value *want, const gavel_measure *m)
{
    if (want->type != GV_ARR || want->len != m->ntargets)
        return 0;
    for (uint32_t i = 0; i < want->len; i++) {
        size_t k = 0;
        while (k < m->ntargets && !target_named(want->u.items[i], &m->targets[k]))
            k++;
        if (k == m->ntargets)
            return 0;
    }
    return 1;
}

/* A due or until: null for none, else the same instant however written. */
static int same_time(const gv_value *want, const char *got)
{
    if (want->type == GV_NULL)
        return got == NULL;
    int64_t a, b;
    int da, db;
    return want->type == GV_STR && got && gvdate_instant(want->u.s, want->len, &a, &da) == 0 &&
           gvdate_instant(got, strlen(got), &b, &db) == 0 && a == b;
}

/* The scope as a test writes it: codes, "*", or the policy's regions (EU),
 * as one set. */
static int same_scope(const gv_value *want, const gavel_measure *m, const gavel_policy *p)
{
    gvms_scope w = { { 0 }, 0 }, got = { { 0 }, 0 };
    uint32_t n = want->type == GV_ARR ? want->len : 1;
    char err[300];
    for (uint32_t i = 0; i < n; i++) {
        const gv_value *x = want->type == GV_ARR ? want->u.items[i] : want;
        if (x->type != GV_STR || gvms_scope_word(x->u.s, x->len, p, &w, err, sizeof err) != 0)
            return 0;
    }
    for (size_t i = 0; i < m->nscope; i++)
        gvms_scope_word(m->scope[i], strlen(m->scope[i]), p, &got, err, sizeof err);
    return gvms_scope_equal(&w, &got);
}

static int measure_matches(const gv_value *want, const gavel_measure *m, const gavel_policy *p)
{
    const gv_value *v = gv_gets(want, "action");
    if (!v || v->type != GV_STR || strcmp(v->u.s, m->action))
        return 0;
    if ((v = gv_gets(want, "targets")) && !same_targets(v, m))
        return 0;
    if ((v = gv_gets(want, "scope")) && !same_scope(v, m, p))
        return 0;
    if ((v = gv_gets(want, "rules")) && !same_strings(v, m->rules, m->nrules))
        return 0;
    if ((v = gv_gets(want, "due")) && !same_time(v, m->due))
        return 0;
    return !(v = gv_gets(want, "until")) || same_time(v, m->until);
}

static void got_measures(gv_buf *why, const gavel_decision *d)
{
    size_t n = gavel_decision_nmeasures(d);
    gv_buf_adds(why, n ? "got " : "got none\n");
    for (size_t i = 0; i < n; i++) {
        gv_buf_adds(why, i ? "; " : "");
        measure_text(why, gavel_decision_measure(d, i));
    }
    if (n)
        gv_buf_addc(why, '\n');
}

/* expect.measures: exactly these, in any order; each a mapping with the
 * action and any of targets, scope, due, until, rules (docs/testing.md). */
static void check_measures(gv_buf *why, const gv_value *want, const gavel_decision *d)
{
    static const char *const keys[] = { "action", "targets", "scope", "due", "until",
                                        "rules", NULL };
    size_t n = gavel_decision_nmeasures(d);
    unsigned char used[256] = { 0 };
    if (want->type != GV_ARR) {
        gv_buf_adds(why, "measures: expected a list of measures ({action, targets, scope, "
                         "due, until, rules})\n");
        return;
    }
    for (uint32_t i = 0; i < want->len; i++) {
        const gv_value *w = want->u.items[i];
        for (uint32_t k = 0; w->type == GV_OBJ && k < w->len; k++) {
            int ok = 0;
            for (int j = 0; keys[j]; j++)
                ok |= !strcmp(w->u.members[k].key, keys[j]);
            if (!ok)
                gv_buf_printf(why, "measures: unknown key '%s' (action, targets, scope, due, "
                              "until, rules)\n", w->u.members[k].key);
        }
        size_t k = 0;
        for (; k < n && k < sizeof used; k++)
            if (!used[k] && measure_matches(w, gavel_decision_measure(d, k), d->policy))
                break;
        if (k < n && k < sizeof used) {
            used[k] = 1;
            continue;
        }
        const gv_value *a = w->type == GV_OBJ ? gv_gets(w, "action") : NULL;
        gv_buf_printf(why, "measures: expected %s (item %u) to match one, ",
                      a && a->type == GV_STR ? a->u.s : "a measure with an action", i + 1);
        got_measures(why, d);
    }
    if (n != want->len) {
        gv_buf_printf(why, "measures: expected %u, ", want->len);
        got_measures(why, d);
    }
}

static void compare(gv_buf *why, const gv_value *expect, const gavel_decision *d)
{
    static const char *const keys[] = { "decision", "rules", "defeated", "fired",
                                        "missing", "errors", "measures", NULL };
    for (uint32_t i = 0; i < expect->len; i++) {
        int ok = 0;
        for (int k = 0; keys[k]; k++)
            ok |= !strcmp(expect->u.members[i].key, keys[k]);
        if (!ok)
            gv_buf_printf(why, "expect: unknown key '%s' (decision, rules, defeated, fired, "
                          "missing, errors, measures)\n", expect->u.members[i].key);
    }
    const gv_value *v = gv_gets(expect, "decision");
    const char *got = gavel_decision_outcome(d);
    if (!v || v->type != GV_STR)
        gv_buf_adds(why, "expect: 'decision' is required\n");
    else if (strcmp(v->u.s, got))
        gv_buf_printf(why, "decision: expected %s, got %s%s\n", v->u.s, got,
                      gavel_decision_is_default(d) ? " (by default: no rule applied)" : "");
    const char *ids[256];
    size_t n;
    if ((v = gv_gets(expect, "rules"))) {
        n = 0;
        for (size_t i = 0; i < gavel_decision_nreasons(d) && n < 256; i++)
            ids[n++] = gavel_decision_reason(d, i)->rule;
        compare_set(why, "rules", v, ids, n);
    }
    if ((v = gv_gets(expect, "defeated"))) {
        n = 0;
        for (size_t i = 0; i < gavel_decision_ndefeated(d) && n < 256; i++)
            ids[n++] = gavel_decision_defeated(d, i)->rule;
        compare_set(why, "defeated", v, ids, n);
        check_defeated_by(why, v, d);
    }
    if ((v = gv_gets(expect, "fired"))) {
        n = 0;
        for (size_t i = 0; i < gavel_decision_nfired(d) && n < 256; i++)
            ids[n++] = gavel_decision_fired(d, i);
        compare_set(why, "fired", v, ids, n);
    }
    if ((v = gv_gets(expect, "missing")))
        check_missing(why, v, d);
    if ((v = gv_gets(expect, "measures")))
        check_measures(why, v, d);
    if ((v = gv_gets(expect, "errors")))
        check_errors(why, v, d);
    else if (gavel_decision_nerrors(d) && !strstr(why->ptr ? why->ptr : "", "decision:"))
        gv_buf_printf(why, "errors: %s\n", gavel_decision_error(d, 0)->message);
}

/* ---- running -------------------------------------------------------------------- */

static result *new_result(gavel_testsuite *t, const char *name, const char *file, unsigned line)
{
    if (gv_buf_grow_array((void **)&t->results, &t->cap, t->nresults, sizeof *t->results, 32))
        return NULL;
    result *r = &t->results[t->nresults++];
    memset(r, 0, sizeof *r);
    r->name = strdup(name);
    r->file = strdup(file);
    r->pub.line = line;
    return r;
}

static int matches(const char *filter, const char *name)
{
    if (!filter || !*filter)
        return 1;
    if (strpbrk(filter, "*?["))
        return fnmatch(filter, name, 0) == 0;
    return strstr(name, filter) != NULL;
}

static void finish(result *r, gv_buf *why)
{
    r->pub.name = r->name;
    r->pub.file = r->file;
    r->pub.passed = why->len == 0;
    r->failure = why->len ? strdup(why->ptr) : NULL;
    r->pub.failure = r->failure;
    r->pub.decision = r->decision;
}

/* What a file may set for all its cases. */
typedef struct file_defaults {
    gv_value       *context;
    const gv_value *as_of;
} file_defaults;

static void run_case(gavel_testsuite *t, const char *path, gv_value *c, uint32_t index,
                     const char *filter, const file_defaults *fd)
{
    char fallback[32];
    snprintf(fallback, sizeof fallback, "case %u", index + 1);
    const gv_value *name = c->type == GV_OBJ ? gv_gets(c, "name") : NULL;
    const char *title = name && name->type == GV_STR ? name->u.s : fallback;
    if (!matches(filter, title))
        return;
    result *r = new_result(t, title, path, c->line);
    if (!r)
        return;
    gv_buf why = GV_BUF_INIT;
    gv_value *record = (gv_value *)(c->type == GV_OBJ ? gv_gets(c, "record") : NULL);
    gv_value *ctx = (gv_value *)(c->type == GV_OBJ ? gv_gets(c, "context") : NULL);
    const gv_value *as_of = c->type == GV_OBJ ? gv_gets(c, "as_of") : NULL;
    if (!ctx)
        ctx = fd->context;
    if (!as_of)
        as_of = fd->as_of;
    if (as_of && as_of->type == GV_NULL)  /* as_of: null drops the file's date */
        as_of = NULL;
    const gv_value *expect = c->type == GV_OBJ ? gv_gets(c, "expect") : NULL;
    if (c->type != GV_OBJ)
        gv_buf_adds(&why, "a case must be a mapping with name, record and expect\n");
    else if (!record)
        gv_buf_adds(&why, "the case has no 'record'\n");
    else if (!expect || expect->type != GV_OBJ)
        gv_buf_adds(&why, "the case has no 'expect' mapping\n");
    else if (ctx && ctx->type != GV_OBJ)
        gv_buf_adds(&why, "'context' must be a mapping\n");
    if (why.len) {
        finish(r, &why);
        gv_buf_free(&why);
        return;
    }
    /* The record and context become roots of their own: paths in `missing`
     * must start at the record, not at the test file. */
    record->parent = NULL;
    if (ctx)
        ctx->parent = NULL;
    if (gvev_set_context_tree(t->ev, ctx, path) != 0) {
        gv_buf_printf(&why, "%s\n", gavel_evaluator_errmsg(t->ev));
    } else if (as_of && (as_of->type != GV_STR ||
                         gavel_evaluator_set_as_of(t->ev, as_of->u.s) != GAVEL_OK)) {
        gv_buf_printf(&why, "%s:%u: as_of must be a date YYYY-MM-DD or a date-time with a zone\n", path, as_of->line);
    } else if (!as_of) {
        gavel_evaluator_set_as_of(t->ev, NULL);
    }
    if (why.len) {
        gvev_set_context_tree(t->ev, NULL, NULL);
        finish(r, &why);
        gv_buf_free(&why);
        return;
    }
    gavel_record rec;
    memset(&rec, 0, sizeof rec);
    rec.root = record;
    rec.position = index + 1;
    snprintf(rec.where, sizeof rec.where, "%s:%u", path, record->line);
    r->decision = gavel_decision_new();
    if (r->decision) {
        gavel_evaluate(t->ev, &rec, r->decision);
        compare(&why, expect, r->decision);
        for (size_t i = 0; i < gavel_decision_nfired(r->decision); i++)
            t->fired[r->decision->fired[i].rule] = 1;
    }
    gvev_set_context_tree(t->ev, NULL, NULL);
    finish(r, &why);
    gv_buf_free(&why);
}

static void update_coverage(gavel_testsuite *t)
{
    const gavel_policy *p = t->p;
    t->nunfired = t->nunexercised = 0;
    for (int i = 0; i < p->nrules; i++)
        if (!t->fired[i])
            t->unfired[t->nunfired++] = &p->rules[i].info;
    for (int i = 0; i < p->nrules; i++) {
        const char *c = p->rules[i].info.cites;
        int exercised = 0, listed = 0;
        for (int k = 0; c && k < p->nrules; k++)
            exercised |= t->fired[k] && p->rules[k].info.cites &&
                         !strcmp(p->rules[k].info.cites, c);
        for (size_t k = 0; c && k < t->nunexercised; k++)
            listed |= !strcmp(t->unexercised[k], c);
        if (c && !exercised && !listed)
            t->unexercised[t->nunexercised++] = c;
    }
}

gavel_status gavel_testsuite_run_file(gavel_testsuite *t, const char *path, const char *filter)
{
    if (!t || !path)
        return GAVEL_EARG;
    t->errmsg[0] = '\0';
    gv_arena arena = GV_ARENA_INIT;
    gv_limits lim = GV_LIMITS_DEFAULT;
    lim.max_bytes = (size_t)64 << 20;
    lim.max_depth = t->p->limits.depth + 4;    /* cases nest records two deep */
    gv_error e = { 0 };
    gv_value *doc = gvyaml_load_file(path, &arena, &lim, &e);
    gavel_status st = GAVEL_OK;
    file_defaults fd = { NULL, NULL };
    if (doc && doc->type == GV_OBJ) {
        /* {context: ..., as_of: ..., cases: [...]}: defaults for every case */
        fd.context = (gv_value *)gv_gets(doc, "context");
        fd.as_of = gv_gets(doc, "as_of");
        for (uint32_t i = 0; i < doc->len; i++) {
            const char *k = doc->u.members[i].key;
            if (strcmp(k, "context") && strcmp(k, "as_of") && strcmp(k, "cases")) {
                gv_error_set(&e, doc->u.members[i].val->line, doc->u.members[i].val->col,
                             "unknown key '%s' (context, as_of, cases)", k);
                doc = NULL;
                break;
            }
        }
        if (doc)
            doc = (gv_value *)gv_gets(doc, "cases");
        if (!doc && !e.msg[0])
            gv_error_set(&e, 1, 1, "a test file mapping needs 'cases'");
    }
    if (!doc || doc->type != GV_ARR) {
        if (doc)
            gv_error_set(&e, doc->line, doc->col,
                         "a test file is a sequence of cases, or a mapping with cases");
        snprintf(t->errmsg, sizeof t->errmsg, "%s:%u:%u: %s", path, e.line, e.col ? e.col : 1,
                 e.msg);
        result *r = new_result(t, "(test file)", path, e.line);
        if (r) {
            gv_buf why = GV_BUF_INIT;
            gv_buf_printf(&why, "%s\n", e.msg);
            finish(r, &why);
            gv_buf_free(&why);
        }
        st = GAVEL_EINPUT;
    } else {
        for (uint32_t i = 0; i < doc->len; i++)
            run_case(t, path, doc->u.items[i], i, filter, &fd);
    }
    gv_arena_free(&arena);
    update_coverage(t);
    return st;
}

const char *gavel_testsuite_errmsg(const gavel_testsuite *t) { return t ? t->errmsg : ""; }
size_t gavel_testsuite_nresults(const gavel_testsuite *t) { return t ? t->nresults : 0; }
const gavel_test_result *gavel_testsuite_result(const gavel_testsuite *t, size_t i)
{
    return t && i < t->nresults ? &t->results[i].pub : NULL;
}
size_t gavel_testsuite_nunfired(const gavel_testsuite *t) { return t ? t->nunfired : 0; }
const gavel_rule_info *gavel_testsuite_unfired(const gavel_testsuite *t, size_t i)
{
    return t && i < t->nunfired ? t->unfired[i] : NULL;
}
size_t gavel_testsuite_nunexercised(const gavel_testsuite *t) { return t ? t->nunexercised : 0; }
const char *gavel_testsuite_unexercised(const gavel_testsuite *t, size_t i)
{
    return t && i < t->nunexercised ? t->unexercised[i] : NULL;
}

gavel_evaluator *gvts_evaluator(gavel_testsuite *t) { return t ? t->ev : NULL; }
