/*
 * cmd_explain.c: `gavel explain`: a readable account of one decision: what
 * decided it, with citations and evidence; what was set aside and by what;
 * the facts that were missing; and counterfactuals: the decision without
 * each rule that decided it or set another aside. When the policy declares
 * actions, also the measures: what to do, to what, where, by and until
 * when, ordered by which rules; those set aside with a defeated rule; and
 * how each counterfactual's measures differ.
 *
 * Calls gavel.h and the shared pieces of cli.h (options, messages, escapers,
 * measures in words).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char explain_usage[] =
    "usage: gavel explain -p POLICY [--context FILE] [--as-of DATE] [--id ID]\n"
    "                     [--as-of-field PATH] [--format text|json] RECORD\n"
    "\n"
    "Explains the decision for one record of RECORD (a .json, .jsonl or .yaml\n"
    "file, or - for stdin): the first, or the one whose id is ID. DATE is\n"
    "YYYY-MM-DD or a date-time with Z or an offset; --as-of-field PATH judges\n"
    "the record at the time it carries (e.g. notice.received_at).\n";

typedef struct explain_opts {
    const char *policy, *context, *as_of, *as_of_field, *id, *input, *format;
} explain_opts;

/* Reads records until the one asked for. Returns 1 found, 0 not. */
static int find_record(gavel_reader *rd, gavel_evaluator *ev, gavel_record *rec,
                       gavel_decision *d, const char *id)
{
    while (gavel_reader_next(rd, rec) == 1) {
        gavel_evaluate(ev, rec, d);
        if (!id)
            return 1;
        if (!strcmp(gavel_decision_id(d), id))
            return 1;
    }
    return 0;
}

/* Would taking this rule away be worth telling? Every rule that decided, and
 * every fired rule that sets others aside (an exemption or an exception). */
static int worth_counterfactual(const gavel_policy *p, const gavel_decision *d, const char *rule)
{
    for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
        if (!strcmp(gavel_decision_reason(d, i)->rule, rule))
            return 1;
    for (size_t i = 0; i < gavel_policy_nrules(p); i++) {
        const gavel_rule_info *r = gavel_policy_rule(p, i);
        if (!strcmp(r->id, rule))
            return r->ndefeats > 0;
    }
    return 0;
}

/* The text output, through cli_term_stream: record bytes in it reach a
 * terminal escaped (escape.c). */
static FILE *out;

static void print_reason(const gavel_reason *r, int defeated)
{
    fprintf(out, "  %s%s%s%s\n", r->rule, r->outcome ? " (" : "", r->outcome ? r->outcome : "",
           r->outcome ? ")" : "");
    if (r->cites)
        fprintf(out, "    cites:    %s\n", r->cites);
    if (r->reason && *r->reason)
        fprintf(out, "    reason:   %s\n", r->reason);
    if (strcmp(r->evidence, "{}"))
        fprintf(out, "    evidence: %s\n", r->evidence);
    if (defeated)
        fprintf(out, "    set aside by %s\n", r->by);
    for (size_t i = 0; defeated && i < r->nmeasures; i++) {
        fputs(i ? "; " : "    set aside with it: ", out);
        cli_measure_put(out, &r->measures[i]);
    }
    if (defeated && r->nmeasures)
        fputc('\n', out);
}

/* One measure for a reader: what, to which items, where, by and until when,
 * and which rules ordered it. */
static void print_measure(const gavel_measure *m)
{
    fprintf(out, "  %s:", m->action);
    for (size_t i = 0; i < m->ntargets; i++)
        fprintf(out, "%s %s %s", i ? "," : "", m->targets[i].kind, m->targets[i].id);
    fputs("\n    where:    ", out);
    if (m->nscope == 1 && !strcmp(m->scope[0], "*"))
        fputs("everywhere", out);
    for (size_t i = 0; i < m->nscope && strcmp(m->scope[0], "*"); i++)
        fprintf(out, "%s%s", i ? ", " : "", m->scope[i]);
    fputc('\n', out);
    if (m->due)
        fprintf(out, "    by:       %s\n", m->due);
    if (m->until)
        fprintf(out, "    until:    %s\n", m->until);
    for (size_t i = 0; i < m->nrules; i++)
        fprintf(out, "%s%s", i ? ", " : "    ordered by ", m->rules[i]);
    fputc('\n', out);
}

static void print_measures(const gavel_decision *d)
{
    size_t n = gavel_decision_nmeasures(d);
    fprintf(out, "%s\n", "Measures (what to do)");
    if (!n)
        fprintf(out, "%s\n", gavel_decision_nerrors(d) ? "  none: the decision is the on_error outcome"
                                       : "  none");
    for (size_t i = 0; i < n; i++)
        print_measure(gavel_decision_measure(d, i));
    fputc('\n', out);
    size_t nm = gavel_decision_nmeasure_reasons(d);
    if (!nm)
        return;
    fprintf(out, "%s\n", "Why the measures' other rules ordered them");   /* not among the reasons above */
    for (size_t i = 0; i < nm; i++)
        print_reason(gavel_decision_measure_reason(d, i), 0);
    fputc('\n', out);
}

static void print_determining(const gavel_decision *d)
{
    size_t n = gavel_decision_nreasons(d);
    for (size_t i = 0; i < n; i++) {
        const gavel_reason *r = gavel_decision_reason(d, i);
        fprintf(out, "%s%s", i ? ", " : "", r->rule);
    }
    if (!n)
        fputs(gavel_decision_is_default(d) ? "the default: no rule applies" : "no rule", out);
}

static void explain_text(const gavel_policy *p, gavel_decision *d, gavel_decision *cf)
{
    fprintf(out, "%s: %s\n", gavel_decision_id(d), gavel_decision_outcome(d));
    const char *as_of = gavel_decision_as_of(d);
    fprintf(out, "policy %s %s (%s), as of %s\n\n", gavel_policy_name(p), gavel_policy_version(p),
           gavel_policy_digest(p), *as_of ? as_of : "no time (see the errors)");
    if (gavel_decision_nerrors(d)) {
        fprintf(out, "%s\n", "Errors (the decision is the policy's on_error outcome)");
        for (size_t i = 0; i < gavel_decision_nerrors(d); i++) {
            const gavel_error_entry *e = gavel_decision_error(d, i);
            fprintf(out, "  %s%s%s\n", e->rule ? e->rule : "", e->rule ? ": " : "", e->message);
        }
        fputc('\n', out);
    }
    if (gavel_decision_nreasons(d)) {
        fprintf(out, "%s\n", "Decided by");
        for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
            print_reason(gavel_decision_reason(d, i), 0);
        fputc('\n', out);
    } else if (gavel_decision_is_default(d)) {
        fprintf(out, "No rule applies: %s is the policy's default.\n\n", gavel_decision_outcome(d));
    }
    if (gavel_policy_nactions(p))
        print_measures(d);
    if (gavel_decision_ndefeated(d)) {
        fprintf(out, "%s\n", "Set aside");
        for (size_t i = 0; i < gavel_decision_ndefeated(d); i++)
            print_reason(gavel_decision_defeated(d, i), 1);
        fputc('\n', out);
    }
    if (gavel_decision_nmissing(d)) {
        fprintf(out, "%s\n", "Missing facts (rules read these; the record does not have them)");
        for (size_t i = 0; i < gavel_decision_nmissing(d); i++) {
            const gavel_missing *m = gavel_decision_missing(d, i);
            fprintf(out, "  %s", m->path);
            for (size_t k = 0; k < m->nrules; k++)
                fprintf(out, "%s%s", k ? ", " : "  (read by ", m->rules[k]);
            fprintf(out, "%s\n", m->nrules ? ")" : "");
        }
        fputc('\n', out);
    }
    int header = 0;
    for (size_t i = 0; i < gavel_decision_nfired(d); i++) {
        const char *rule = gavel_decision_fired(d, i);
        if (!worth_counterfactual(p, d, rule) || gavel_decision_without(d, rule, cf) != GAVEL_OK)
            continue;
        if (!header++)
            fprintf(out, "%s\n", "What would change it");
        int same = !strcmp(gavel_decision_outcome(cf), gavel_decision_outcome(d));
        fprintf(out, "  without %s, this record would %s %s, by ", rule,
               same ? "still be" : "be", gavel_decision_outcome(cf));
        print_determining(cf);
        if (gavel_decision_nreasons(cf)) {
            const gavel_reason *r = gavel_decision_reason(cf, 0);
            fprintf(out, ": %s", r->reason);
        }
        fputc('\n', out);
        if (gavel_policy_nactions(p) && cli_measures_changes(NULL, d, cf, "")) {
            fputs("    and its measures change: ", out);
            cli_measures_changes(out, d, cf, "; ");
            fputc('\n', out);
        }
    }
}

/* ,"measures":[...] of a decision, as the library writes them, when the
 * policy declares actions. */
static void json_measures(const gavel_policy *p, gavel_decision *d)
{
    if (!gavel_policy_nactions(p))
        return;
    size_t len;
    const char *json = gavel_decision_json(d, &len);
    gavel_record *rec = gavel_record_new();
    char err[128];
    const gavel_value *v = json && rec ? cli_parse_line(rec, json, len, err, sizeof err) : NULL;
    char *measures = v ? cli_value_json(gavel_value_get(v, "measures")) : NULL;
    printf(",\"measures\":%s", measures ? measures : "null");
    free(measures);
    gavel_record_free(rec);
}

static void explain_json(const gavel_policy *p, gavel_decision *d, gavel_decision *cf)
{
    size_t len;
    printf("{\"decision\":%s,\"counterfactuals\":[", gavel_decision_json(d, &len));
    int n = 0;
    for (size_t i = 0; i < gavel_decision_nfired(d); i++) {
        const char *rule = gavel_decision_fired(d, i);
        if (!worth_counterfactual(p, d, rule) || gavel_decision_without(d, rule, cf) != GAVEL_OK)
            continue;
        printf("%s{\"without\":\"%s\",\"decision\":\"%s\",\"rules\":[", n++ ? "," : "", rule,
               gavel_decision_outcome(cf));
        for (size_t k = 0; k < gavel_decision_nreasons(cf); k++)
            printf("%s\"%s\"", k ? "," : "", gavel_decision_reason(cf, k)->rule);
        putchar(']');
        json_measures(p, cf);
        putchar('}');
    }
    puts("]}");
}

enum { OPT_CONTEXT = 256, OPT_AS_OF, OPT_AS_OF_FIELD, OPT_ID };

static const cli_option explain_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "as-of", 0, OPT_VALUE, OPT_AS_OF, NULL },
    { "as-of-field", 0, OPT_VALUE, OPT_AS_OF_FIELD, NULL },
    { "id", 0, OPT_VALUE, OPT_ID, NULL },
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

int cmd_explain(int argc, char **argv)
{
    explain_opts o = { 0 };
    cli_opts args;
    cli_opts_init(&args, "explain", argc, argv, explain_options, NULL);
    for (int id; (id = cli_opts_next(&args)) != OPT_END; ) {
        switch (id) {
        case 'h': return cli_help(explain_usage, NULL);
        case 'p': o.policy = args.value; break;
        case OPT_CONTEXT: o.context = args.value; break;
        case OPT_AS_OF: o.as_of = args.value; break;
        case OPT_AS_OF_FIELD: o.as_of_field = args.value; break;
        case OPT_ID: o.id = args.value; break;
        case 'f': o.format = args.value; break;
        case OPT_OPERAND: o.input = args.value; break;
        default: return EXIT_TROUBLE;
        }
    }
    if (!o.policy || !o.input) {
        cli_error("explain needs a policy and a record file: gavel explain -p DIR RECORD");
        return EXIT_TROUBLE;
    }
    int json = o.format && !strcmp(o.format, "json");
    if (o.format && !json && strcmp(o.format, "text")) {
        cli_error("unknown format '%s' (text, json)", o.format);
        return EXIT_TROUBLE;
    }
    int status = EXIT_TROUBLE;
    gavel_policy *p = cli_load_policy(o.policy, NULL);
    gavel_evaluator *ev = p ? cli_evaluator(p, o.context, o.as_of, o.as_of_field, NULL) : NULL;
    gavel_reader *rd = NULL;
    gavel_record *rec = gavel_record_new();
    gavel_decision *d = gavel_decision_new(), *cf = gavel_decision_new();
    if (!p || !ev || !rec || !d || !cf)
        goto done;
    rd = gavel_reader_open(o.input, GAVEL_AUTO, gavel_policy_limits(p));
    if (!rd || gavel_reader_status(rd) != GAVEL_OK) {
        cli_error("%s", rd ? gavel_reader_errmsg(rd) : "out of memory");
        goto done;
    }
    if (!find_record(rd, ev, rec, d, o.id)) {
        if (gavel_reader_status(rd) != GAVEL_OK)     /* the rest was not read: why */
            cli_error("%s", gavel_reader_errmsg(rd));
        cli_error("%s: no record%s%s", o.input, o.id ? " with id " : "", o.id ? o.id : "");
        goto done;
    }
    if (json)
        explain_json(p, d, cf);
    else {
        out = cli_term_stream(stdout);
        explain_text(p, d, cf);
        fclose(out);
    }
    status = gavel_decision_nerrors(d) ? EXIT_FAILED : EXIT_DONE;
done:
    gavel_decision_free(cf);
    gavel_decision_free(d);
    gavel_record_free(rec);
    gavel_reader_free(rd);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    return status;
}
