/*
 * lint.c: `gavel check`'s warnings on a policy that loads:
 *
 *   - a rule that cites no provision;
 *   - a reason placeholder that no evidence the rule returns can fill;
 *   - a rule with the default outcome that defeats nothing (it can change
 *     no decision);
 *   - a rule that can never be decisive, because a rule that always fires
 *     and that nothing sets aside defeats it or outranks it;
 *   - record fields rules read that the schema does not declare;
 *   - a measure that reads evidence the rule never returns, and an action
 *     the manifest declares that no rule orders.
 *
 * The last two need to see rules run: the policy's own test cases and an
 * empty record are evaluated with read tracing on. "Always fires" means
 * fired on every one of those records, which is what the warning says.
 *
 * Calls the public API (evaluator, records, test suite), eval.h and
 * testsuite.h (read tracing, the suite's evaluator), schema.h, buf.h (a
 * growing array), measure.h (the specs) and the policy struct.
 */
#include "buf.h"
#include "decision.h"
#include "eval.h"
#include "measure.h"
#include "policy.h"
#include "schema.h"
#include "testsuite.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct trace {
    const gavel_policy *p;
    char  **paths;     /* "rule\tpath", deduplicated */
    size_t  n, cap;
} trace;

static void on_read(void *ud, const char *path, int rule)
{
    trace *t = ud;
    const char *id = t->p->rules[rule].info.id;
    size_t len = strlen(id) + strlen(path) + 2;
    char *key = malloc(len);
    if (!key)
        return;
    snprintf(key, len, "%s\t%s", id, path);
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->paths[i], key)) {
            free(key);
            return;
        }
    if (gv_buf_grow_array((void **)&t->paths, &t->cap, t->n, sizeof *t->paths, 64)) {
        free(key);
        return;
    }
    t->paths[t->n++] = key;
}

static const gavel_rule_info *rule_named(const gavel_policy *p, const char *id, size_t n)
{
    for (int i = 0; i < p->nrules; i++)
        if (strlen(p->rules[i].info.id) == n && !strncmp(p->rules[i].info.id, id, n))
            return &p->rules[i].info;
    return NULL;
}

static void warn_rule(gavel_policy *p, const gavel_rule_info *r, const char *fmt, const char *a,
                      const char *b)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a, b);
    gvpol_diag(p, GAVEL_WARNING, r->file, r->line, 1, "%s", msg);
}

/* ---- static lints ------------------------------------------------------------------- */

/* The text of the rule's definition: from its line to the next rule's in
 * the same file. Good enough to ask "does this rule ever set `post`?". */
static void rule_text(const gavel_policy *p, int i, const char **start, const char **end)
{
    const gavel_rule_info *r = &p->rules[i].info;
    *start = *end = NULL;
    for (int f = 0; f < p->nfiles; f++) {
        if (strcmp(p->files[f].path, r->file))
            continue;
        const char *s = p->files[f].text, *e = s + p->files[f].len;
        unsigned next = 0;
        for (int k = 0; k < p->nrules; k++)
            if (!strcmp(p->rules[k].info.file, r->file) && p->rules[k].info.line > r->line &&
                (!next || p->rules[k].info.line < next))
                next = p->rules[k].info.line;
        unsigned line = 1;
        for (const char *c = s; c < e; c++) {
            if (line == r->line && !*start)
                *start = c;
            if (next && line == next) {
                *end = c;
                break;
            }
            if (*c == '\n')
                line++;
        }
        if (*start && !*end)
            *end = e;
        return;
    }
}

static int sets_name(const char *s, const char *e, const char *name, size_t n)
{
    for (const char *c = s; c && c + n <= e; c++) {
        if (strncmp(c, name, n) != 0)
            continue;
        int left = c == s || !(isalnum((unsigned char)c[-1]) || c[-1] == '_');
        const char *after = c + n;
        int right = after >= e || !(isalnum((unsigned char)*after) || *after == '_');
        if (!left || !right)
            continue;
        while (after < e && (*after == ' ' || *after == '"' || *after == '\'' || *after == ']'))
            after++;
        if (after < e && *after == '=' && (after + 1 >= e || after[1] != '='))
            return 1;
    }
    return 0;
}

static void lint_rule_text(gavel_policy *p)
{
    for (int i = 0; i < p->nrules; i++) {
        const gavel_rule_info *r = &p->rules[i].info;
        if (!r->cites)
            warn_rule(p, r, "rule '%s' cites no provision%s", r->id,
                      " (every decision should say what law or policy it rests on)");
        if (r->outcome && p->rules[i].outcome == p->default_outcome && r->ndefeats == 0)
            warn_rule(p, r, "rule '%s' gives the default outcome '%s' and defeats nothing: "
                      "it cannot change a decision", r->id, r->outcome);
        const char *s, *e;
        rule_text(p, i, &s, &e);
        for (const char *c = r->reason; c && (c = strchr(c, '{')); c++) {
            size_t n = strspn(c + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
            if (n == 0 || c[1 + n] != '}')
                continue;
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(n < 120 ? n : 120), c + 1);
            if (!sets_name(s, e, name, strlen(name)))
                warn_rule(p, r, "rule '%s': reason placeholder {%s} is filled by no evidence "
                          "the rule returns", r->id, name);
        }
    }
}

/* The first key of an evidence path ("posts" of evidence.posts.1.id). */
static void evidence_key(const gvms_path *path, char *out, size_t size)
{
    size_t n = strcspn(path->rest, ".");
    snprintf(out, size, "%.*s", (int)(n < size - 1 ? n : size - 1), path->rest);
}

static void lint_measure_path(gavel_policy *p, int i, const gvms_path *path, const char *s,
                              const char *e)
{
    char key[128];
    if (path->root != GVMS_EVIDENCE)
        return;
    evidence_key(path, key, sizeof key);
    const gavel_rule_info *r = &p->rules[i].info;
    if (!sets_name(s, e, key, strlen(key)))
        gvpol_diag(p, GAVEL_WARNING, r->file, r->line, 1, "rule '%s': a measure reads %s, but "
                   "the rule returns no evidence '%s'", r->id, path->text, key);
}

/* Measures that read evidence the rule never sets, and declared actions
 * no rule orders. */
static void lint_measures(gavel_policy *p)
{
    unsigned char *ordered = calloc((size_t)p->nactions + 1, 1);
    for (int i = 0; i < p->nrules; i++) {
        const char *s, *e;
        rule_text(p, i, &s, &e);
        for (int k = 0; k < p->rules[i].nmeasures; k++) {
            const gvms_spec *m = &p->rules[i].measures[k];
            if (ordered)
                ordered[m->action] = 1;
            for (int t = 0; t < m->ntargets; t++)
                lint_measure_path(p, i, &m->targets[t].from, s, e);
            for (int t = 0; t < m->nscope_from; t++)
                lint_measure_path(p, i, &m->scope_from[t], s, e);
            if (m->due.set && !m->due.fixed)
                lint_measure_path(p, i, &m->due.from, s, e);
            if (m->until.set && !m->until.fixed)
                lint_measure_path(p, i, &m->until.from, s, e);
        }
    }
    for (int a = 0; ordered && a < p->nactions; a++)
        if (!ordered[a])
            gvpol_diag(p, GAVEL_WARNING, p->dir, 0, 0, "action '%s' is declared, but no rule "
                       "orders it", p->actions[a]);
    free(ordered);
}

/* ---- lints that watch rules run -------------------------------------------------------- */

static void lint_schema(gavel_policy *p, const trace *t)
{
    if (!p->schema)
        return;
    for (size_t i = 0; i < t->n; i++) {
        const char *tab = strchr(t->paths[i], '\t');
        const gavel_rule_info *r = rule_named(p, t->paths[i], (size_t)(tab - t->paths[i]));
        if (r && !gvsc_declares(p->schema, tab + 1))
            warn_rule(p, r, "rule '%s' reads '%s', which the schema does not declare",
                      r->id, tab + 1);
    }
}

static void lint_never_decisive(gavel_policy *p, const unsigned *fired, unsigned runs)
{
    if (runs == 0)
        return;
    for (int u = 0; u < p->nrules; u++) {
        const gvpol_rule *U = &p->rules[u];
        if (fired[u] != runs || U->ndefeaters > 0)
            continue;
        for (int k = 0; k < U->ndefeats_idx; k++)
            warn_rule(p, &p->rules[U->defeats[k]].info,
                      "rule '%s' can never be decisive: '%s' fired on every test record "
                      "(and an empty one, where the schema allows), and sets it aside", p->rules[U->defeats[k]].info.id,
                      U->info.id);
        for (int r = 0; U->outcome >= 0 && r < p->nrules; r++)
            if (p->rules[r].outcome > U->outcome)
                warn_rule(p, &p->rules[r].info,
                          "rule '%s' can never be decisive: '%s' fired on every test record "
                          "with a stronger outcome, and nothing sets it aside", p->rules[r].info.id, U->info.id);
    }
}

static void run_traced(gavel_policy *p, trace *t, unsigned *fired, unsigned *runs)
{
    gavel_testsuite *ts = gavel_testsuite_new(p);
    if (!ts)
        return;
    gavel_evaluator *ev = gvts_evaluator(ts);
    gvev_set_trace(ev, on_read, t);
    for (int i = 0; i < p->ntests; i++)
        gavel_testsuite_run_file(ts, p->tests[i], NULL);
    for (size_t i = 0; i < gavel_testsuite_nresults(ts); i++) {
        const gavel_test_result *r = gavel_testsuite_result(ts, i);
        if (!r->decision || gavel_decision_nerrors(r->decision))
            continue;       /* refused or failed: says nothing about firing */
        (*runs)++;
        for (size_t k = 0; k < gavel_decision_nfired(r->decision); k++)
            fired[r->decision->fired[k].rule]++;
    }
    gavel_record *empty = gavel_record_new();
    gavel_decision *d = gavel_decision_new();
    if (empty && d && gavel_record_parse(empty, "{}", 2, GAVEL_JSON, "empty", NULL) == GAVEL_OK) {
        gavel_evaluate(ev, empty, d);
        if (gavel_decision_nerrors(d) == 0) {
            (*runs)++;
            for (size_t k = 0; k < gavel_decision_nfired(d); k++)
                fired[d->fired[k].rule]++;
        }
    }
    gavel_decision_free(d);
    gavel_record_free(empty);
    gavel_testsuite_free(ts);
}

static int diag_cmp(const void *a, const void *b)
{
    const gavel_diag *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return strcmp(x->message, y->message);
}

gavel_policy *gavel_policy_check(const char *dir, const gavel_limits *limits)
{
    gavel_policy *p = gavel_policy_load(dir, limits);
    if (!p)
        return NULL;
    if (p->status == GAVEL_OK) {
        lint_rule_text(p);
        lint_measures(p);
        trace t = { p, NULL, 0, 0 };
        unsigned *fired = calloc((size_t)p->nrules + 1, sizeof *fired), runs = 0;
        if (fired) {
            run_traced(p, &t, fired, &runs);
            lint_schema(p, &t);
            lint_never_decisive(p, fired, runs);
        }
        free(fired);
        for (size_t i = 0; i < t.n; i++)
            free(t.paths[i]);
        free(t.paths);
    }
    if (p->ndiags > 1)
        qsort(p->diags, p->ndiags, sizeof *p->diags, diag_cmp);
    return p;
}
