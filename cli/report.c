/*
 * report.c: the model of `gavel report` (report.h): tallies read from
 * decision lines. It prints nothing; out of memory ends the command (exit
 * 2) as the tallies do. Calls gavel.h, tally.h and cli.h's value helpers.
 */
#include "report.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int report_init(report *r, size_t max_rows)
{
    memset(r, 0, sizeof *r);
    r->max_rows = max_rows;
    r->actions.free_data = free;
    r->scopes.free_data = free;
    r->scratch = gavel_record_new();
    return r->scratch ? 0 : -1;
}

/* posts[2].labels.x -> posts[].labels.x: facts, not positions. */
static void normalize_path(const char *in, char *out, size_t sz)
{
    size_t o = 0;
    for (const char *s = in; *s && o + 3 < sz; s++) {
        if (*s == '[') {
            const char *e = s + 1;
            while (*e >= '0' && *e <= '9')
                e++;
            if (*e == ']' && e > s + 1) {
                out[o++] = '[';
                out[o++] = ']';
                s = e;
                continue;
            }
        }
        out[o++] = *s;
    }
    out[o] = '\0';
}

static const char *or_unknown(const char *s)
{
    return s ? s : "?";
}

/* The determining rules, and each provision once per record. */
static void add_reasons(report *r, const gavel_value *reasons)
{
    tally seen = { 0 };
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *x = gavel_value_at(reasons, i);
        const char *rule = cli_str(x, "rule"), *cites = cli_str(x, "cites");
        if (rule) {
            tally_item *it = tally_add(&r->rules, rule, 1);
            if (!it->note && cli_str(x, "outcome"))
                it->note = cli_strdup(cli_str(x, "outcome"));
        }
        if (cites && !tally_find(&seen, cites)) {
            tally_add(&seen, cites, 1);
            tally_add(&r->cites, cites, 1);
        }
    }
    tally_free(&seen);
}

static void add_defeated(report *r, const gavel_value *defeated)
{
    for (size_t i = 0; i < gavel_value_len(defeated); i++) {
        const gavel_value *x = gavel_value_at(defeated, i);
        const char *parts[] = { or_unknown(cli_str(x, "rule")), or_unknown(cli_str(x, "by")) };
        tally_add_parts(&r->setaside, parts, 2, 1);
    }
}

/* Each missing fact once per record, with every rule that read it. */
static void add_missing(report *r, const gavel_value *missing)
{
    r->with_missing += gavel_value_len(missing) > 0;
    tally seen = { 0 };
    for (size_t i = 0; i < gavel_value_len(missing); i++) {
        const gavel_value *m = gavel_value_at(missing, i);
        char path[512];
        normalize_path(or_unknown(cli_str(m, "path")), path, sizeof path);
        tally_item *it;
        if (!tally_find(&seen, path)) {
            tally_add(&seen, path, 1);
            it = tally_add(&r->missing, path, 1);
        } else {
            it = tally_find(&r->missing, path);
        }
        const gavel_value *rules = gavel_value_get(m, "rules");
        for (size_t k = 0; k < gavel_value_len(rules); k++)
            if (gavel_value_string(gavel_value_at(rules, k), NULL))
                tally_note_add(it, gavel_value_string(gavel_value_at(rules, k), NULL));
    }
    tally_free(&seen);
}

report_count report_counts(const tally_item *it)
{
    return it && it->data ? *(const report_count *)it->data : (report_count){ 0, 0 };
}

/* One measure under name: its targets, and the record once (`seen` holds
 * the names this record has counted already). */
static void count_measure(tally *t, tally *seen, const char *name, size_t ntargets)
{
    tally_item *it = tally_add(t, name, 1);
    if (!it->data)
        it->data = memset(tally_grow(NULL, sizeof(report_count)), 0, sizeof(report_count));
    report_count *c = it->data;
    c->targets += ntargets;
    if (!tally_find(seen, name)) {
        tally_add(seen, name, 1);
        c->records++;
    }
}

/* Each measure under its action and under each country of its scope (a
 * measure in 27 countries counts in each), or "*" for everywhere. */
static void add_measures(report *r, const gavel_value *measures)
{
    if (gavel_value_type(measures) != GAVEL_ARRAY)
        return;
    r->has_measures = 1;
    r->with_measures += gavel_value_len(measures) > 0;
    tally seen_actions = { 0 }, seen_scopes = { 0 };
    for (size_t i = 0; i < gavel_value_len(measures); i++) {
        const gavel_value *m = gavel_value_at(measures, i);
        const gavel_value *scope = gavel_value_get(m, "scope");
        size_t ntargets = gavel_value_len(gavel_value_get(m, "targets"));
        r->measures++;
        r->targets += ntargets;
        count_measure(&r->actions, &seen_actions, or_unknown(cli_str(m, "action")), ntargets);
        for (size_t k = 0; k < gavel_value_len(scope); k++)
            count_measure(&r->scopes, &seen_scopes,
                          or_unknown(gavel_value_string(gavel_value_at(scope, k), NULL)),
                          ntargets);
        if (gavel_value_len(scope) == 0)
            count_measure(&r->scopes, &seen_scopes, "?", ntargets);
    }
    tally_free(&seen_actions);
    tally_free(&seen_scopes);
}

/* Keeps the line for the table while there is room. */
static int keep_row(report *r, const char *line)
{
    if (r->nrows >= r->max_rows)
        return 0;
    if (r->nrows == r->rows_cap) {
        size_t cap = r->rows_cap ? r->rows_cap * 2 : 256;
        char **rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows) {
            cli_error("out of memory");
            return -1;
        }
        r->rows = rows;
        r->rows_cap = cap;
    }
    r->rows[r->nrows++] = cli_strdup(line);
    return 0;
}

int report_add(report *r, const gavel_value *d, const char *line)
{
    const char *outcome = cli_str(d, "decision");
    r->records++;
    tally_add(&r->outcomes, outcome ? outcome : "(none)", 1);
    r->defaults += gavel_value_bool(gavel_value_get(d, "default"));
    r->errors += gavel_value_len(gavel_value_get(d, "errors")) > 0;
    const gavel_value *pol = gavel_value_get(d, "policy");
    if (pol) {
        const char *parts[] = { or_unknown(cli_str(pol, "name")),
                                or_unknown(cli_str(pol, "version")),
                                or_unknown(cli_str(pol, "digest")) };
        tally_add_parts(&r->policies, parts, 3, 1);
    }
    const char *as_of = cli_str(d, "as_of");
    tally_add(&r->as_of, as_of ? as_of : "(none)", 1);
    add_reasons(r, gavel_value_get(d, "reasons"));
    add_defeated(r, gavel_value_get(d, "defeated"));
    add_missing(r, gavel_value_get(d, "missing"));
    add_measures(r, gavel_value_get(d, "measures"));
    return keep_row(r, line);
}

/* Outcome order: the policy's when given, else the usual strongest-first
 * (withhold, review, keep), then the others as they came. Actions: the
 * policy's order when given (the order decisions list measures in), else
 * as they came. */
void report_finish(report *r, const gavel_policy *p)
{
    static const char *const usual[] = { "withhold", "review", "keep" };
    size_t k = 0, n = p ? gavel_policy_noutcomes(p) : 3;
    for (size_t i = 0; i < n; i++)
        k += (size_t)tally_move(&r->outcomes, p ? gavel_policy_outcome(p, i) : usual[i], k);
    k = 0;
    for (size_t i = 0; p && i < gavel_policy_nactions(p); i++)
        k += (size_t)tally_move(&r->actions, gavel_policy_action(p, i), k);
    tally_sort(&r->scopes);
    tally_sort(&r->rules);
    tally_sort(&r->cites);
    tally_sort(&r->setaside);
    tally_sort(&r->missing);
}

long report_outcome_index(const report *r, const char *outcome)
{
    for (size_t i = 0; outcome && i < r->outcomes.n; i++)
        if (!strcmp(r->outcomes.it[i].name, outcome))
            return (long)i;
    return -1;
}

const gavel_value *report_row(report *r, size_t i)
{
    char err[8];
    return cli_parse_line(r->scratch, r->rows[i], strlen(r->rows[i]), err, sizeof err);
}

void report_free(report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        free(r->rows[i]);
    free(r->rows);
    tally_free(&r->outcomes);
    tally_free(&r->rules);
    tally_free(&r->cites);
    tally_free(&r->setaside);
    tally_free(&r->missing);
    tally_free(&r->policies);
    tally_free(&r->as_of);
    tally_free(&r->actions);
    tally_free(&r->scopes);
    gavel_record_free(r->scratch);
    r->scratch = NULL;
}
