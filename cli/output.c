/*
 * output.c: the decision writers, one per format (docs/man/gavel.1, eval
 * --format), each working from the decision alone through the public
 * accessors.
 *
 *   jsonl  one JSON object per line (the library's own writer)
 *   json   the same objects in one array
 *   yaml   a sequence of mappings; strings in JSON-compatible double quotes
 *   csv    id, decision, determining rules, cites (RFC 4180 quoting)
 *   table  aligned columns for a terminal
 *
 * Calls gavel.h, escape.c and value.c.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int out_format_parse(const char *s, out_format *f)
{
    static const char *const names[] = { "jsonl", "json", "yaml", "csv", "table" };
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) {
            *f = (out_format)i;
            return 0;
        }
    return -1;
}

/* A YAML flow sequence of n strings, [a, b], item i being at(list, i): a
 * JSON string literal is also a valid YAML double-quoted scalar. */
static void put_yaml_list(FILE *f, const void *list, size_t n,
                          const char *(*at)(const void *list, size_t i))
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        cli_json_string(f, at(list, i));
    }
    fputc(']', f);
}

static const char *fired_at(const void *d, size_t i)
{
    return gavel_decision_fired(d, i);
}

static const char *missing_rule_at(const void *m, size_t i)
{
    return ((const gavel_missing *)m)->rules[i];
}

static void put_csv_field(FILE *f, const char *s, size_t n)
{
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

static void write_yaml_reasons(FILE *f, const char *key, gavel_decision *d, int defeated)
{
    size_t n = defeated ? gavel_decision_ndefeated(d) : gavel_decision_nreasons(d);
    fprintf(f, "  %s:%s\n", key, n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        const gavel_reason *r = defeated ? gavel_decision_defeated(d, i)
                                         : gavel_decision_reason(d, i);
        fputs("    - rule: ", f);
        cli_json_string(f, r->rule);
        fputs("\n      outcome: ", f);
        cli_json_string(f, r->outcome);
        if (defeated) {
            fputs("\n      by: ", f);
            cli_json_string(f, r->by);
        }
        fputs("\n      cites: ", f);
        cli_json_string(f, r->cites);
        fputs("\n      reason: ", f);
        cli_json_string(f, r->reason);
        fprintf(f, "\n      evidence: %s\n", r->evidence);
    }
}

static void write_yaml(FILE *f, gavel_decision *d)
{
    char *id = cli_value_json(gavel_decision_id_value(d));   /* JSON is YAML too */
    fprintf(f, "- id: %s\n  decision: ", id ? id : "null");
    free(id);
    cli_json_string(f, gavel_decision_outcome(d));
    fputc('\n', f);
    if (gavel_decision_is_default(d))
        fputs("  default: true\n", f);
    write_yaml_reasons(f, "reasons", d, 0);
    write_yaml_reasons(f, "defeated", d, 1);
    size_t n = gavel_decision_nfired(d);
    fputs("  fired: ", f);
    put_yaml_list(f, d, n, fired_at);
    fputc('\n', f);
    n = gavel_decision_nmissing(d);
    fprintf(f, "  missing:%s\n", n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        const gavel_missing *m = gavel_decision_missing(d, i);
        fputs("    - path: ", f);
        cli_json_string(f, m->path);
        fputs("\n      rules: ", f);
        put_yaml_list(f, m, m->nrules, missing_rule_at);
        fputc('\n', f);
    }
    n = gavel_decision_nerrors(d);
    fprintf(f, "  errors:%s\n", n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        const gavel_error_entry *e = gavel_decision_error(d, i);
        fputs("    - rule: ", f);
        cli_json_string(f, e->rule);
        fputs("\n      message: ", f);
        cli_json_string(f, e->message);
        fputc('\n', f);
    }
    fprintf(f, "  as_of: \"%s\"\n", gavel_decision_as_of(d));
}

/* The determining rules and their citations, joined. */
static void write_csv(FILE *f, gavel_decision *d)
{
    const char *id = gavel_decision_id(d);
    put_csv_field(f, id, strlen(id));
    fputc(',', f);
    const char *o = gavel_decision_outcome(d);
    put_csv_field(f, o, strlen(o));
    char rules[4096] = "", cites[4096] = "";
    size_t nr = gavel_decision_nreasons(d);
    for (size_t i = 0; i < nr; i++) {
        const gavel_reason *r = gavel_decision_reason(d, i);
        size_t lr = strlen(rules), lc = strlen(cites);
        snprintf(rules + lr, sizeof rules - lr, "%s%s", i ? ";" : "", r->rule);
        if (r->cites && !strstr(cites, r->cites))
            snprintf(cites + lc, sizeof cites - lc, "%s%s", lc ? "; " : "", r->cites);
    }
    fputc(',', f);
    put_csv_field(f, rules, strlen(rules));
    fputc(',', f);
    put_csv_field(f, cites, strlen(cites));
    fputc('\n', f);
}

static void write_table(FILE *f, gavel_decision *d)
{
    fprintf(f, "%-16.63s %-10s ", gavel_decision_id(d), gavel_decision_outcome(d));
    size_t nr = gavel_decision_nreasons(d), ne = gavel_decision_nerrors(d);
    if (ne) {
        const gavel_error_entry *e = gavel_decision_error(d, 0);
        fprintf(f, "error%s%s: %s", e->rule ? " in " : "", e->rule ? e->rule : "", e->message);
    } else if (nr == 0) {
        fputs("(default: no rule applied)", f);
    }
    for (size_t i = 0; i < nr && !ne; i++) {
        const gavel_reason *r = gavel_decision_reason(d, i);
        fprintf(f, "%s%s: %s", i ? "; " : "", r->rule, r->reason);
    }
    size_t nd = gavel_decision_ndefeated(d);
    if (nd) {
        fputs("  [set aside:", f);
        for (size_t i = 0; i < nd; i++) {
            const gavel_reason *r = gavel_decision_defeated(d, i);
            fprintf(f, " %s by %s%s", r->rule, r->by, i + 1 < nd ? "," : "");
        }
        fputc(']', f);
    }
    fputc('\n', f);
}

void out_begin(out_writer *w)
{
    w->count = 0;
    if (w->format == OUT_JSON)
        fputc('[', w->f);
    else if (w->format == OUT_CSV)
        fputs("id,decision,rules,cites\n", w->f);
    else if (w->format == OUT_TABLE)
        fprintf(w->f, "%-16s %-10s %s\n", "ID", "DECISION", "REASONS");
}

void out_decision(out_writer *w, gavel_decision *d)
{
    size_t len;
    const char *json;
    switch (w->format) {
    case OUT_JSONL:
    case OUT_JSON:
        json = gavel_decision_json(d, &len);
        if (w->format == OUT_JSON)
            fputs(w->count ? ",\n" : "\n", w->f);
        if (json)
            fwrite(json, 1, len, w->f);
        if (w->format == OUT_JSONL)
            fputc('\n', w->f);
        break;
    case OUT_YAML:  write_yaml(w->f, d); break;
    case OUT_CSV:   write_csv(w->f, d); break;
    case OUT_TABLE: write_table(w->f, d); break;
    }
    w->count++;
}

void out_end(out_writer *w)
{
    if (w->format == OUT_JSON)
        fputs(w->count ? "\n]\n" : "]\n", w->f);
    else if (w->format == OUT_YAML && w->count == 0)
        fputs("[]\n", w->f);
}
