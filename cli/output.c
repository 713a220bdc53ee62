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
 * When the policy declares actions (out_writer.measures), yaml carries the
 * measures as JSON does, csv gains a measures column and table a line per
 * measure; otherwise their output is what it was before measures existed.
 *
 * Calls gavel.h, escape.c, measures.c and value.c.
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
        cli_yaml_string(f, at(list, i));
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

static const char *scope_at(const void *m, size_t i)
{
    return ((const gavel_measure *)m)->scope[i];
}

static const char *measure_rule_at(const void *m, size_t i)
{
    return ((const gavel_measure *)m)->rules[i];
}

/* One measure as a YAML mapping, its first line after "- " at `indent`;
 * the fields of the JSON form, in its order. */
static void write_yaml_measure(FILE *f, const gavel_measure *m, int indent)
{
    fprintf(f, "%*s- action: ", indent, "");
    cli_yaml_string(f, m->action);
    fprintf(f, "\n%*s  targets: [", indent, "");
    for (size_t i = 0; i < m->ntargets; i++) {
        char *id = cli_value_json(m->targets[i].id_value);
        fputs(i ? ", {kind: " : "{kind: ", f);
        cli_yaml_string(f, m->targets[i].kind);
        fputs(", id: ", f);
        cli_yaml_json(f, id ? id : "null", id ? strlen(id) : 4);
        fputc('}', f);
        free(id);
    }
    fprintf(f, "]\n%*s  scope: ", indent, "");
    put_yaml_list(f, m, m->nscope, scope_at);
    if (m->due)
        fprintf(f, "\n%*s  due: \"%s\"", indent, "", m->due);
    if (m->until)
        fprintf(f, "\n%*s  until: \"%s\"", indent, "", m->until);
    fprintf(f, "\n%*s  rules: ", indent, "");
    put_yaml_list(f, m, m->nrules, measure_rule_at);
    fputc('\n', f);
}

static void write_yaml_measures(FILE *f, gavel_decision *d)
{
    size_t n = gavel_decision_nmeasures(d);
    fprintf(f, "  measures:%s\n", n ? "" : " []");
    for (size_t i = 0; i < n; i++)
        write_yaml_measure(f, gavel_decision_measure(d, i), 4);
}

enum { REASONS, DEFEATED, MEASURE_REASONS };   /* the decision's lists of reasons */

static size_t nreasons_of(const gavel_decision *d, int which)
{
    return which == DEFEATED ? gavel_decision_ndefeated(d)
         : which == MEASURE_REASONS ? gavel_decision_nmeasure_reasons(d)
         : gavel_decision_nreasons(d);
}

static const gavel_reason *reason_of(const gavel_decision *d, int which, size_t i)
{
    return which == DEFEATED ? gavel_decision_defeated(d, i)
         : which == MEASURE_REASONS ? gavel_decision_measure_reason(d, i)
         : gavel_decision_reason(d, i);
}

static void write_yaml_reasons(FILE *f, const char *key, gavel_decision *d, int which)
{
    int defeated = which == DEFEATED;
    size_t n = nreasons_of(d, which);
    fprintf(f, "  %s:%s\n", key, n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        const gavel_reason *r = reason_of(d, which, i);
        fputs("    - rule: ", f);
        cli_yaml_string(f, r->rule);
        fputs("\n      outcome: ", f);
        cli_yaml_string(f, r->outcome);
        if (defeated) {
            fputs("\n      by: ", f);
            cli_yaml_string(f, r->by);
        }
        fputs("\n      cites: ", f);
        cli_yaml_string(f, r->cites);
        fputs("\n      reason: ", f);
        cli_yaml_string(f, r->reason);
        fputs("\n      evidence: ", f);
        cli_yaml_json(f, r->evidence, strlen(r->evidence));
        fputc('\n', f);
        if (defeated && r->nmeasures) {      /* as JSON: only when it ordered any */
            fputs("      measures:\n", f);
            for (size_t k = 0; k < r->nmeasures; k++)
                write_yaml_measure(f, &r->measures[k], 8);
        }
    }
}

static void write_yaml(FILE *f, gavel_decision *d, int measures)
{
    char *id = cli_value_json(gavel_decision_id_value(d));   /* JSON is YAML too */
    fputs("- id: ", f);
    cli_yaml_json(f, id ? id : "null", id ? strlen(id) : 4);
    fputs("\n  decision: ", f);
    free(id);
    cli_yaml_string(f, gavel_decision_outcome(d));
    fputc('\n', f);
    if (gavel_decision_is_default(d))
        fputs("  default: true\n", f);
    write_yaml_reasons(f, "reasons", d, REASONS);
    if (measures) {
        write_yaml_measures(f, d);
        write_yaml_reasons(f, "measure_reasons", d, MEASURE_REASONS);
    }
    write_yaml_reasons(f, "defeated", d, DEFEATED);
    size_t n = gavel_decision_nfired(d);
    fputs("  fired: ", f);
    put_yaml_list(f, d, n, fired_at);
    fputc('\n', f);
    n = gavel_decision_nmissing(d);
    fprintf(f, "  missing:%s\n", n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        const gavel_missing *m = gavel_decision_missing(d, i);
        fputs("    - path: ", f);
        cli_yaml_string(f, m->path);
        fputs("\n      rules: ", f);
        put_yaml_list(f, m, m->nrules, missing_rule_at);
        fputc('\n', f);
    }
    n = gavel_decision_nerrors(d);
    fprintf(f, "  errors:%s\n", n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        const gavel_error_entry *e = gavel_decision_error(d, i);
        fputs("    - rule: ", f);
        cli_yaml_string(f, e->rule);
        fputs("\n      message: ", f);
        cli_yaml_string(f, e->message);
        fputc('\n', f);
    }
    fprintf(f, "  as_of: \"%s\"\n", gavel_decision_as_of(d));
}

/* The measures in their one-line form (measures.c), "; " between: a
 * measure's own text has no semicolon outside a quoted id. */
static void put_csv_measures(FILE *f, gavel_decision *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    for (size_t i = 0; i < gavel_decision_nmeasures(d); i++) {
        fputs(i ? "; " : "", m);
        cli_measure_put(m, gavel_decision_measure(d, i));
    }
    if (fclose(m) != 0 || !text) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    fputc(',', f);
    put_csv_field(f, text, len);
    free(text);
}

/* The determining rules and their citations, joined, whole; the measures
 * when the policy declares actions. The id as its plain text. */
static void write_csv(FILE *f, gavel_decision *d, int measures)
{
    const char *id = gavel_decision_id(d);
    put_csv_field(f, id, strlen(id));
    fputc(',', f);
    const char *o = gavel_decision_outcome(d);
    put_csv_field(f, o, strlen(o));
    char *rules = NULL, *cites = NULL;
    size_t lr = 0, lc = 0;
    FILE *mr = open_memstream(&rules, &lr), *mc = open_memstream(&cites, &lc);
    if (!mr || !mc) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    size_t nr = gavel_decision_nreasons(d);
    for (size_t i = 0; i < nr; i++) {
        const gavel_reason *r = gavel_decision_reason(d, i);
        fprintf(mr, "%s%s", i ? ";" : "", r->rule);
        fflush(mc);                             /* cites is current for strstr */
        if (r->cites && !(cites && strstr(cites, r->cites)))
            fprintf(mc, "%s%s", lc ? "; " : "", r->cites);
    }
    if (fclose(mr) != 0 || fclose(mc) != 0 || !rules || !cites) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    fputc(',', f);
    put_csv_field(f, rules, lr);
    fputc(',', f);
    put_csv_field(f, cites, lc);
    free(rules);
    free(cites);
    if (measures)
        put_csv_measures(f, d);
    fputc('\n', f);
}

/* How many of the first bytes of s, at most max, end on a character
 * boundary: an id is cut, never a character. */
static int utf8_prefix(const char *s, int max)
{
    int n = (int)strnlen(s, (size_t)max + 1);
    if (n <= max)
        return n;
    n = max;                                    /* s[max] begins what is cut off */
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

/* A table line is written whole to a buffer, then to f escaped as terminal
 * text (escape.c): a record's bytes cannot move the cursor or end the line. */
static FILE *line_open(char **text, size_t *len)
{
    FILE *m = open_memstream(text, len);
    if (!m) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    return m;
}

static void line_close(FILE *f, FILE *m, char **text, size_t *len)
{
    if (fclose(m) != 0 || !*text) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    cli_term_put(f, *text, *len, 0);
    fputc('\n', f);
    free(*text);
    *text = NULL;
}

static void write_table_reasons(FILE *f, gavel_decision *d)
{
    const char *id = gavel_decision_id(d);
    fprintf(f, "%-16.*s %-10s ", utf8_prefix(id, 63), id, gavel_decision_outcome(d));
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
}

static void write_table(FILE *f, gavel_decision *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = line_open(&text, &len);
    write_table_reasons(m, d);
    line_close(f, m, &text, &len);
    for (size_t i = 0; i < gavel_decision_nmeasures(d); i++) {   /* under REASONS */
        m = line_open(&text, &len);
        fprintf(m, "%-28s-> ", "");
        cli_measure_put(m, gavel_decision_measure(d, i));
        line_close(f, m, &text, &len);
    }
}

void out_begin(out_writer *w)
{
    w->count = 0;
    if (w->format == OUT_JSON)
        fputc('[', w->f);
    else if (w->format == OUT_CSV)
        fputs(w->measures ? "id,decision,rules,cites,measures\n" : "id,decision,rules,cites\n",
              w->f);
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
    case OUT_YAML:  write_yaml(w->f, d, w->measures); break;
    case OUT_CSV:   write_csv(w->f, d, w->measures); break;
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
