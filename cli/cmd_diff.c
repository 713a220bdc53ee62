/*
 * cmd_diff.c: `gavel diff -p OLD -p NEW INPUT...`: what a policy change does
 * to a data set. One pass over the input, each record evaluated by both
 * policies (an evaluator each) into the comparison (diff.c); then the
 * comparison as text or JSON:
 *
 *   - the rules that differ between the two policies (added, removed, and
 *     changed outcome, citation, reason template, defeats or in_force),
 *   - the old x new decision matrix,
 *   - the records whose decision changed, grouped by (old decision -> new
 *     decision, old determining rules -> new), with counts, example ids and
 *     the first example's reasons before and after,
 *   - the records that kept their decision but for other reasons, or with
 *     other citations or measures, grouped the same way; a group whose
 *     measures changed says what changed (when a policy declares actions).
 *
 * Exit status like diff(1): 0 nothing changed, 1 something did, 2 trouble.
 *
 * Calls gavel.h, diff.h and the shared pieces of cli.h (options, inputs,
 * messages, escapers).
 */
#include "cli.h"
#include "diff.h"

#include <stdlib.h>
#include <string.h>

static const char diff_usage[] =
    "usage: gavel diff -p OLD -p NEW [options] [INPUT...]\n"
    "\n"
    "Evaluates every record of the inputs under both policies, in one pass, and\n"
    "reports what the change does: the rules that differ, the old x new decision\n"
    "matrix, the records whose decision changes (grouped by old -> new decision\n"
    "and determining rules, with example ids), and the records that keep their\n"
    "decision for other reasons or with other citations or measures.\n"
    "\n"
    "  -p, --policy DIR       the old policy, then the new one (give -p twice)\n"
    "      --context FILE     context file for both (e.g. the order)\n"
    "      --as-of DATE       evaluation date YYYY-MM-DD (or a date-time) for both\n"
    "      --as-of-field PATH judge each record at the time it carries, under both\n"
    "                         (a dotted path, e.g. notice.received_at); a record\n"
    "                         without it gets on_error\n"
    "      --id-field NAME    record field used as the decision id (default: id)\n"
    "      --input-format F   jsonl, json or yaml for stdin and unknown extensions\n"
    "  -f, --format FORMAT    text (default) or json\n"
    "      --examples N       example ids per group (default 5)\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 no record changes; 1 some records change decision, reasons\n"
    "or citations; 2 could not run (usage, policy, unreadable input).\n";

typedef struct diff_opts {
    const char *policy[2], *context, *as_of, *as_of_field, *id_field;
    int         npolicies, json;
    size_t      nexamples;
    gavel_format input_format;
    gavel_limits limits;
    char      **inputs;
    int         ninputs;
} diff_opts;

/* The text output, through cli_term_stream: record bytes in it reach a
 * terminal escaped (escape.c). */
static FILE *out;

/* ---- text ---------------------------------------------------------------------------- */

static void text_ids(const diff_group *g, unsigned long long count)
{
    fputs("      e.g. ", out);
    for (size_t k = 0; k < g->nex; k++) {
        fprintf(out, "%s%.255s", k ? ", " : "", g->examples[k]);
    }
    if (count > g->nex)
        fprintf(out, " (and %llu more)", count - g->nex);
    fputc('\n', out);
}

/* "      acc001 was: first line", the next lines under the first. */
static void print_lines(const char *id, const char *label, const char *text)
{
    static int width;
    if (*id)
        width = (int)strlen(id);
    fprintf(out, "      %-*s %s: ", width, id, label);
    for (const char *s = text; *s; s++) {
        fputc(*s, out);
        if (*s == '\n')
            fprintf(out, "      %-*s      ", width, "");
    }
    fputc('\n', out);
}

static void text_groups(const tally *groups, int same)
{
    for (size_t i = 0; i < groups->n; i++) {
        const diff_group *g = diff_group_of(&groups->it[i]);
        unsigned long long count = groups->it[i].n;
        if (same)
            fprintf(out, "  %s, %s: %llu record%s\n", g->from, g->what, count, count == 1 ? "" : "s");
        else
            fprintf(out, "  %s -> %s: %llu record%s\n", g->from, g->to, count, count == 1 ? "" : "s");
        if (strcmp(g->old_rules.text, g->new_rules.text)) {
            fprintf(out, "      old  %s\n", g->old_rules.text);
            fprintf(out, "      new  %s\n", g->new_rules.text);
        } else {
            fprintf(out, "      by   %s\n", g->old_rules.text);
        }
        text_ids(g, count);
        char id[256];                   /* a long id cut to 255 bytes */
        snprintf(id, sizeof id, "%s", g->examples[0]);
        print_lines(id, "was", g->old_why);
        print_lines("", "now", g->new_why);
        if (*g->because)
            fprintf(out, "      because %s\n", g->because);
        if (*g->measures)
            fprintf(out, "      measures %s\n", g->measures);
    }
}

static void print_text(const diff_result *r)
{
    const gavel_policy *po = r->old, *pn = r->new_;
    fprintf(out, "gavel diff: %llu record%s, as of %s%s\n", r->records, r->records == 1 ? "" : "s",
           r->as_of_field ? "each record's " : "", r->as_of_field ? r->as_of_field : r->as_of);
    fprintf(out, "  old  %s %s  %s  (%s)\n", gavel_policy_name(po), gavel_policy_version(po),
           gavel_policy_digest(po), gavel_policy_dir(po));
    fprintf(out, "  new  %s %s  %s  (%s)\n", gavel_policy_name(pn), gavel_policy_version(pn),
           gavel_policy_digest(pn), gavel_policy_dir(pn));
    if (r->same_digest)
        fprintf(out, "%s\n", "  the two policies are the same (same digest)");

    if (r->nrc) {
        fprintf(out, "%s\n", "\nRules that differ");
        for (size_t i = 0; i < r->nrc; i++) {
            const diff_rule_change *c = &r->rc[i];
            if (c->sign == '~')
                fprintf(out, "  ~ %s: %s\n", c->id, c->detail);
            else
                fprintf(out, "  %c %s (%s) %s\n", c->sign, c->id, c->outcome ? c->outcome : "no outcome",
                       c->sign == '+' ? "added" : "removed");
        }
    } else if (!r->same_digest) {
        fprintf(out, "\nRules that differ: none in outcome, citation, reason, defeats%s or in_force\n"
               "  (the files differ: a rule's `when`, a lexicon or the manifest changed)\n",
               r->measures ? ", measures" : "");
    }

    fprintf(out, "%s\n", "\nDecisions, old (rows) x new (columns)");
    int w = 10;
    for (size_t i = 0; i < r->m.n; i++)
        if ((int)strlen(r->m.names[i]) + 2 > w)
            w = (int)strlen(r->m.names[i]) + 2;
    fprintf(out, "  %-*s", w, "");
    for (size_t k = 0; k < r->m.n; k++)
        fprintf(out, "%*s", w, r->m.names[k]);
    fputc('\n', out);
    for (size_t i = 0; i < r->m.n; i++) {
        fprintf(out, "  %-*s", w, r->m.names[i]);
        for (size_t k = 0; k < r->m.n; k++)
            fprintf(out, "%*llu", w, r->m.cell[i * r->m.cap + k]);
        fputc('\n', out);
    }
    const char *other = r->measures ? "other reasons, citations or measures"
                                    : "other reasons or citations";
    fprintf(out, "\n%llu record%s change%s decision, %llu keep%s it for %s, %llu unchanged.\n",
           r->changed, r->changed == 1 ? "" : "s", r->changed == 1 ? "s" : "",
           r->reasons_changed, r->reasons_changed == 1 ? "s" : "", other, r->unchanged);
    if (r->changes.n) {
        fprintf(out, "%s\n", "\nChanged decisions");
        text_groups(&r->changes, 0);
    }
    if (r->reasons.n) {
        fprintf(out, "\nSame decision, %s\n", other);
        text_groups(&r->reasons, 1);
    }
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_policy(const char *key, const gavel_policy *p)
{
    printf("\"%s\":{\"name\":", key);
    cli_json_string(stdout, gavel_policy_name(p));
    fputs(",\"version\":", stdout);
    cli_json_string(stdout, gavel_policy_version(p));
    fputs(",\"digest\":", stdout);
    cli_json_string(stdout, gavel_policy_digest(p));
    fputs(",\"dir\":", stdout);
    cli_json_string(stdout, gavel_policy_dir(p));
    putchar('}');
}

/* Lines as an array of strings. */
static void json_lines(const char *text)
{
    putchar('[');
    for (const char *s = text; *s; ) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        if (s != text)
            putchar(',');
        cli_json_string(stdout, line ? line : "");
        free(line);
        s += n;
        if (*s)
            s++;
    }
    putchar(']');
}

/* The ids as an array; "(default)" and "(error)" stay words. */
static void json_rules(const diff_rules *r)
{
    if (r->word) {
        cli_json_string(stdout, r->text);
        return;
    }
    putchar('[');
    for (size_t i = 0; i < r->nids; i++) {
        fputs(i ? "," : "", stdout);
        cli_json_string(stdout, r->ids[i]);
    }
    putchar(']');
}

static void json_groups(const tally *groups, int same)
{
    putchar('[');
    for (size_t i = 0; i < groups->n; i++) {
        const diff_group *g = diff_group_of(&groups->it[i]);
        printf("%s\n {", i ? "," : "");
        if (same) {
            fputs("\"decision\":", stdout);
            cli_json_string(stdout, g->from);
            fputs(",\"what\":", stdout);
            cli_json_string(stdout, g->what);
        } else {
            fputs("\"old\":", stdout);
            cli_json_string(stdout, g->from);
            fputs(",\"new\":", stdout);
            cli_json_string(stdout, g->to);
        }
        fputs(",\"old_rules\":", stdout);
        json_rules(&g->old_rules);
        fputs(",\"new_rules\":", stdout);
        json_rules(&g->new_rules);
        printf(",\"count\":%llu,\"examples\":[", groups->it[i].n);
        for (size_t k = 0; k < g->nex; k++)
            printf("%s%s", k ? "," : "", g->examples_json[k]);
        fputs("],\"example_old\":", stdout);
        json_lines(g->old_why);
        fputs(",\"example_new\":", stdout);
        json_lines(g->new_why);
        fputs(",\"because\":", stdout);
        cli_json_string(stdout, g->because);
        if (*g->measures) {            /* only a policy with actions has any */
            fputs(",\"measures_change\":", stdout);
            cli_json_string(stdout, g->measures);
        }
        putchar('}');
    }
    fputs(groups->n ? "\n]" : "]", stdout);
}

static void print_json(const diff_result *r)
{
    putchar('{');
    json_policy("old", r->old);
    putchar(',');
    json_policy("new", r->new_);
    fputs(",\"as_of\":", stdout);
    if (r->as_of_field) {
        fputs("null,\"as_of_field\":", stdout);
        cli_json_string(stdout, r->as_of_field);
    } else {
        cli_json_string(stdout, r->as_of);
    }
    printf(",\"records\":%llu,\"changed\":%llu,\"reasons_changed\":%llu,\"unchanged\":%llu",
           r->records, r->changed, r->reasons_changed, r->unchanged);
    fputs(",\n\"rules\":[", stdout);
    for (size_t i = 0; i < r->nrc; i++) {
        const diff_rule_change *c = &r->rc[i];
        printf("%s{\"rule\":", i ? "," : "");
        cli_json_string(stdout, c->id);
        printf(",\"change\":\"%s\"", c->sign == '+' ? "added" : c->sign == '-' ? "removed" : "changed");
        if (c->detail) {
            fputs(",\"detail\":", stdout);
            cli_json_string(stdout, c->detail);
        }
        putchar('}');
    }
    fputs("],\n\"outcomes\":[", stdout);
    for (size_t i = 0; i < r->m.n; i++) {
        printf("%s", i ? "," : "");
        cli_json_string(stdout, r->m.names[i]);
    }
    fputs("],\n\"matrix\":[", stdout);
    for (size_t i = 0; i < r->m.n; i++) {
        printf("%s[", i ? "," : "");
        for (size_t k = 0; k < r->m.n; k++)
            printf("%s%llu", k ? "," : "", r->m.cell[i * r->m.cap + k]);
        putchar(']');
    }
    fputs("],\n\"changed_decisions\":", stdout);
    json_groups(&r->changes, 0);
    fputs(",\n\"changed_reasons\":", stdout);
    json_groups(&r->reasons, 1);
    puts("}");
}
/* ---- the run --------------------------------------------------------------------- */

enum { OPT_CONTEXT = 256, OPT_AS_OF, OPT_AS_OF_FIELD, OPT_ID_FIELD, OPT_EXAMPLES };

static const cli_option diff_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "as-of", 0, OPT_VALUE, OPT_AS_OF, NULL },
    { "as-of-field", 0, OPT_VALUE, OPT_AS_OF_FIELD, NULL },
    { "id-field", 0, OPT_VALUE, OPT_ID_FIELD, NULL },
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "examples", 0, OPT_VALUE, OPT_EXAMPLES, NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

/* One option of diff's own: 0, or -1 after saying what was wrong. */
static int diff_option(void *ctx, const cli_opts *args, int id)
{
    diff_opts *o = ctx;
    const char *v = args->value;
    char *end;
    long k;
    switch (id) {
    case 'p':
        if (o->npolicies == 2) {
            cli_error("diff takes two policies, OLD and NEW; -p was given a third time");
            return -1;
        }
        o->policy[o->npolicies++] = v;
        break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_AS_OF: o->as_of = v; break;
    case OPT_AS_OF_FIELD: o->as_of_field = v; break;
    case OPT_ID_FIELD: o->id_field = v; break;
    case OPT_EXAMPLES:
        k = strtol(v, &end, 10);
        if (*end || k < 1 || k > DIFF_MAX_EXAMPLES) {
            cli_error("--examples needs a number from 1 to %d", DIFF_MAX_EXAMPLES);
            return -1;
        }
        o->nexamples = (size_t)k;
        break;
    case 'f':
        if (!strcmp(v, "json"))
            o->json = 1;
        else if (strcmp(v, "text")) {
            cli_error("unknown format '%s' (text, json)", v);
            return -1;
        }
        break;
    case 'h':
        cli_help(diff_usage, cli_limit_help);
        return 1;
    case OPT_OPERAND: o->inputs[o->ninputs++] = (char *)v; break;
    default:
        return cli_input_option(args, id, &o->input_format, &o->limits) < 0 ? -1 : 0;
    }
    return 0;
}

/* 0 to run, 1 when --help was shown, -1 after a usage error. */
static int parse_opts(int argc, char **argv, diff_opts *o)
{
    memset(o, 0, sizeof *o);
    o->nexamples = 5;
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!o->inputs)
        return -1;
    cli_opts args;
    cli_opts_init(&args, "diff", argc, argv, diff_options, cli_input_options);
    int st = cli_opts_parse(&args, diff_option, o);
    if (st != 0)
        return st;
    if (o->npolicies != 2) {
        cli_error("diff needs two policies: -p OLD -p NEW (see 'gavel diff --help')");
        return -1;
    }
    return 0;
}

/* Every record under both policies. 0, or -1 when something could not be
 * read or evaluated (said). */
static int diff_inputs(diff_result *r, const diff_opts *o, gavel_evaluator *eo,
                       gavel_evaluator *en, gavel_record *rec, gavel_decision *da,
                       gavel_decision *db)
{
    int trouble = 0;
    cli_inputs in;
    cli_inputs_init(&in, o->inputs, o->ninputs, o->input_format, gavel_policy_limits(r->old));
    while (cli_inputs_next(&in, rec)) {
        gavel_status sa = gavel_evaluate(eo, rec, da);
        gavel_status sb = gavel_evaluate(en, rec, db);
        if (sa == GAVEL_ENOMEM || sa == GAVEL_EARG || sb == GAVEL_ENOMEM || sb == GAVEL_EARG) {
            cli_error("%s", gavel_evaluator_errmsg(sa == GAVEL_OK || sa == GAVEL_ERULE ||
                                                   sa == GAVEL_EINPUT ? en : eo));
            trouble = 1;
            cli_inputs_skip(&in);      /* the rest of this input; the next one still runs */
            continue;
        }
        diff_add(r, da, db);
    }
    cli_inputs_close(&in);
    return trouble || in.unreadable ? -1 : 0;
}

int cmd_diff(int argc, char **argv)
{
    diff_opts o;
    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0) {
        free(o.inputs);
        return parsed > 0 ? EXIT_DONE : EXIT_TROUBLE;
    }
    int status = EXIT_TROUBLE;
    gavel_policy *po = NULL, *pn = NULL;
    gavel_evaluator *eo = NULL, *en = NULL;
    gavel_record *rec = gavel_record_new();
    gavel_decision *da = gavel_decision_new(), *db = gavel_decision_new();
    diff_result r;
    memset(&r, 0, sizeof r);
    if (!rec || !da || !db)
        goto done;
    if (!(po = cli_load_policy(o.policy[0], &o.limits)) ||
        !(pn = cli_load_policy(o.policy[1], &o.limits)))
        goto done;
    if (!(eo = cli_evaluator(po, o.context, o.as_of, o.as_of_field, o.id_field)) ||
        !(en = cli_evaluator(pn, o.context, o.as_of, o.as_of_field, o.id_field)))
        goto done;
    if (diff_init(&r, po, pn, gavel_evaluator_as_of(eo), o.nexamples) != 0)
        goto done;
    r.as_of_field = o.as_of_field;

    int trouble = diff_inputs(&r, &o, eo, en, rec, da, db) != 0;
    diff_finish(&r);
    if (o.json)
        print_json(&r);
    else {
        out = cli_term_stream(stdout);
        print_text(&r);
        fclose(out);
    }
    if (fflush(stdout) != 0) {
        cli_error("<stdout>: write error");
        trouble = 1;
    }
    status = trouble ? EXIT_TROUBLE : (r.changed || r.reasons_changed) ? EXIT_FAILED : EXIT_DONE;
done:
    diff_free(&r);
    gavel_decision_free(da);
    gavel_decision_free(db);
    gavel_record_free(rec);
    gavel_evaluator_free(eo);
    gavel_evaluator_free(en);
    gavel_policy_free(po);
    gavel_policy_free(pn);
    free(o.inputs);
    return status;
}
