/*
 * measures.c: measures in words, for the views that are not JSON (eval's
 * csv and table, explain, diff): one measure in one line, and what changed
 * between two lists of measures (a counterfactual's, a new policy's).
 *
 * The one-line form, documented in docs/policy.md ("Output formats"):
 *
 *     ACTION TARGET[,TARGET...] in SCOPE[,SCOPE...] [due TIME] [until TIME]
 *
 * TARGET is KIND:ID; SCOPE is the sorted codes or *. An id that holds a
 * space, comma, semicolon, colon, quote, backslash or control character,
 * is empty, or is a string that reads as a number, is written as a JSON
 * string, so every line reads back one way.
 *
 * Calls gavel.h and escape.c.
 */
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Would this id, written bare, read as something else? */
static int id_needs_quotes(const gavel_target *t)
{
    const char *s = t->id;
    if (gavel_value_type(t->id_value) != GAVEL_STRING)
        return 0;                       /* a number: bare, as JSON writes it */
    if (!*s)
        return 1;
    for (const char *c = s; *c; c++)
        if (strchr(" ,;:\"\\", *c) || (unsigned char)*c < 0x20)
            return 1;
    char *end;
    (void)strtod(s, &end);
    return *end == '\0';
}

static void put_targets(FILE *f, const gavel_measure *m)
{
    for (size_t i = 0; i < m->ntargets; i++) {
        const gavel_target *t = &m->targets[i];
        fprintf(f, "%s%s:", i ? "," : "", t->kind);
        if (id_needs_quotes(t))
            cli_json_string(f, t->id);
        else
            fputs(t->id, f);
    }
}

static void put_scope(FILE *f, const gavel_measure *m)
{
    for (size_t i = 0; i < m->nscope; i++)
        fprintf(f, "%s%s", i ? "," : "", m->scope[i]);
}

void cli_measure_put(FILE *f, const gavel_measure *m)
{
    fprintf(f, "%s ", m->action);
    put_targets(f, m);
    fputs(" in ", f);
    put_scope(f, m);
    if (m->due)
        fprintf(f, " due %s", m->due);
    if (m->until)
        fprintf(f, " until %s", m->until);
}

static int streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_targets(const gavel_measure *a, const gavel_measure *b)
{
    if (a->ntargets != b->ntargets)
        return 0;
    for (size_t i = 0; i < a->ntargets; i++) {
        const gavel_target *x = &a->targets[i], *y = &b->targets[i];
        if (strcmp(x->kind, y->kind) || strcmp(x->id, y->id) ||
            gavel_value_type(x->id_value) != gavel_value_type(y->id_value))
            return 0;
    }
    return 1;
}

static int same_scope(const gavel_measure *a, const gavel_measure *b)
{
    if (a->nscope != b->nscope)
        return 0;
    for (size_t i = 0; i < a->nscope; i++)
        if (strcmp(a->scope[i], b->scope[i]))
            return 0;
    return 1;
}

/* Did the same rules order both (in any order)? For a measure such as
 * `contest` the rules are its grounds, so a ground gained or lost is a
 * change even when nothing else about the measure is. */
static int same_rules(const gavel_measure *a, const gavel_measure *b)
{
    if (a->nrules != b->nrules)
        return 0;
    for (size_t i = 0; i < a->nrules; i++) {
        size_t k = 0;
        while (k < b->nrules && strcmp(a->rules[i], b->rules[k]))
            k++;
        if (k == b->nrules)
            return 0;
    }
    return 1;
}

/* The same measure, ordered by the same rules. */
static int same_measure(const gavel_measure *a, const gavel_measure *b)
{
    return !strcmp(a->action, b->action) && same_targets(a, b) && same_scope(a, b) &&
           streq(a->due, b->due) && streq(a->until, b->until) && same_rules(a, b);
}

static void put_rules(FILE *f, const gavel_measure *m)
{
    for (size_t i = 0; i < m->nrules; i++)
        fprintf(f, "%s%s", i ? "," : "", m->rules[i]);
}

static void put_time_change(FILE *f, const char **sep, const char *what, const char *a,
                            const char *b)
{
    if (streq(a, b))
        return;
    fprintf(f, "%s%s %s -> %s", *sep, what, a ? a : "none", b ? b : "none");
    *sep = " and ";
}

/* "ACTION TARGETS: in A -> B and due X -> Y": one measure kept, changed. */
static void put_change(FILE *f, const gavel_measure *a, const gavel_measure *b)
{
    const char *sep = "";
    fprintf(f, "%s ", a->action);
    if (same_targets(a, b)) {
        put_targets(f, a);
        fputs(": ", f);
    } else {
        fputs("in ", f);
        put_scope(f, a);
        fputs(": targets ", f);
        put_targets(f, a);
        fputs(" -> ", f);
        put_targets(f, b);
        sep = " and ";
    }
    if (!same_scope(a, b)) {
        fprintf(f, "%sin ", sep);
        put_scope(f, a);
        fputs(" -> ", f);
        put_scope(f, b);
        sep = " and ";
    }
    put_time_change(f, &sep, "due", a->due, b->due);
    put_time_change(f, &sep, "until", a->until, b->until);
    if (!same_rules(a, b)) {
        fprintf(f, "%sordered by ", sep);
        put_rules(f, a);
        fputs(" -> ", f);
        put_rules(f, b);
    }
}

/* The unmatched measure of b that a became: the same action with the same
 * targets, else with the same scope; SIZE_MAX when none. */
static size_t counterpart(const gavel_measure *a, const gavel_decision *b, const char *matched)
{
    size_t nb = gavel_decision_nmeasures(b);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < nb; k++) {
            const gavel_measure *m = gavel_decision_measure(b, k);
            if (!matched[k] && !strcmp(a->action, m->action) &&
                (pass == 0 ? same_targets(a, m) : same_scope(a, m)))
                return k;
        }
    return SIZE_MAX;
}

/* Marks the measures of a and b that are the same in both. */
static void match_same(const gavel_decision *a, const gavel_decision *b, char *ma, char *mb)
{
    size_t na = gavel_decision_nmeasures(a), nb = gavel_decision_nmeasures(b);
    for (size_t i = 0; i < na; i++)
        for (size_t k = 0; k < nb && !ma[i]; k++)
            if (!mb[k] && same_measure(gavel_decision_measure(a, i), gavel_decision_measure(b, k)))
                ma[i] = mb[k] = 1;
}

size_t cli_measures_changes(FILE *f, const gavel_decision *a, const gavel_decision *b,
                            const char *sep)
{
    size_t na = gavel_decision_nmeasures(a), nb = gavel_decision_nmeasures(b), n = 0;
    char *ma = calloc(na + 1, 1), *mb = calloc(nb + 1, 1);
    if (!ma || !mb) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    match_same(a, b, ma, mb);
    for (size_t i = 0; i < na; i++) {
        if (ma[i])
            continue;
        const gavel_measure *m = gavel_decision_measure(a, i);
        size_t k = counterpart(m, b, mb);
        if (f)
            fputs(n ? sep : "", f);
        n++;
        if (k != SIZE_MAX)
            mb[k] = 1;
        if (f && k != SIZE_MAX) {
            put_change(f, m, gavel_decision_measure(b, k));
        } else if (f) {
            fputs("no longer ", f);
            cli_measure_put(f, m);
        }
    }
    for (size_t k = 0; k < nb; k++) {
        if (mb[k])
            continue;
        if (f) {
            fprintf(f, "%snow ", n ? sep : "");
            cli_measure_put(f, gavel_decision_measure(b, k));
        }
        n++;
    }
    free(ma);
    free(mb);
    return n;
}
