/*
 * cmd_eval.c: `gavel eval`: evaluate records from files or stdin against a
 * policy and write one decision per record, in input order.
 *
 * Output to -o FILE goes to FILE.tmp.<pid> and is renamed into place only
 * when the run completes, so a file under the final name is always whole.
 * A closed stdout pipe (gavel eval ... | head) ends the run quietly.
 */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char eval_usage[] =
    "usage: gavel eval -p POLICY [options] [INPUT...]\n"
    "\n"
    "Evaluates each record of the inputs (JSON Lines, .json, .yaml; '-' or none\n"
    "for stdin) and writes one decision per record, in input order.\n"
    "\n"
    "  -p, --policy DIR       the policy directory (or its policy.yaml)\n"
    "      --context FILE     context file seen by rules as ctx (e.g. the order)\n"
    "      --as-of DATE       evaluation date YYYY-MM-DD (default: the context's\n"
    "                         as_of, else today in UTC)\n"
    "      --id-field NAME    record field used as the decision id (default: id)\n"
    "  -f, --format FORMAT    jsonl (default), json, yaml, csv, table\n"
    "      --input-format F   jsonl, json or yaml for stdin and unknown extensions\n"
    "  -o, --output FILE      write decisions to FILE (complete or not at all)\n"
    "      --summary          counts per outcome and determining rule on stderr\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 all records decided without errors; 1 some records got\n"
    "on_error; 2 could not run (usage, policy, unreadable input).\n";

typedef struct eval_opts {
    const char *policy, *context, *as_of, *id_field, *output;
    out_format  format;
    gavel_format input_format;
    int         summary;
    gavel_limits limits;
    char      **inputs;
    int         ninputs;
} eval_opts;

/* ---- summary ---------------------------------------------------------------- */

typedef struct tally {
    const char *name;
    unsigned long long n;
} tally;

typedef struct summary {
    tally *outcomes;  size_t noutcomes;
    tally *rules;     size_t nrules;
    unsigned long long records, errors, defaults;
} summary;

static void tally_add(tally *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].name && !strcmp(t[i].name, name)) {
            t[i].n++;
            return;
        }
}

static void summary_init(summary *s, const gavel_policy *p)
{
    memset(s, 0, sizeof *s);
    s->noutcomes = gavel_policy_noutcomes(p);
    s->nrules = gavel_policy_nrules(p);
    s->outcomes = calloc(s->noutcomes + 1, sizeof *s->outcomes);
    s->rules = calloc(s->nrules + 1, sizeof *s->rules);
    for (size_t i = 0; s->outcomes && i < s->noutcomes; i++)
        s->outcomes[i].name = gavel_policy_outcome(p, i);
    for (size_t i = 0; s->rules && i < s->nrules; i++)
        s->rules[i].name = gavel_policy_rule(p, i)->id;
}

static void summary_add(summary *s, const gavel_decision *d)
{
    s->records++;
    s->errors += gavel_decision_nerrors(d) > 0;
    s->defaults += gavel_decision_is_default(d) != 0;
    if (s->outcomes)
        tally_add(s->outcomes, s->noutcomes, gavel_decision_outcome(d));
    for (size_t i = 0; s->rules && i < gavel_decision_nreasons(d); i++)
        tally_add(s->rules, s->nrules, gavel_decision_reason(d, i)->rule);
}

static void summary_print(summary *s)
{
    fprintf(stderr, "%llu records\n", s->records);
    for (size_t i = 0; s->outcomes && i < s->noutcomes; i++)
        fprintf(stderr, "  %-12s %8llu\n", s->outcomes[i].name, s->outcomes[i].n);
    fprintf(stderr, "  (by default %llu, with errors %llu)\n", s->defaults, s->errors);
    fputs("determining rules:\n", stderr);
    for (size_t i = 0; s->rules && i < s->nrules; i++)
        if (s->rules[i].n)
            fprintf(stderr, "  %-40s %8llu\n", s->rules[i].name, s->rules[i].n);
    free(s->outcomes);
    free(s->rules);
}

/* ---- options ------------------------------------------------------------------ */

static int parse_opts(int argc, char **argv, eval_opts *o)
{
    memset(o, 0, sizeof *o);
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!o->inputs)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(dst) do { if (!v) { cli_error("%s needs a value", a); return -1; } (dst) = v; i++; } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(eval_usage, stdout);
            fputs(cli_limit_help, stdout);
            exit(EXIT_DONE);
        } else if (!strcmp(a, "-p") || !strcmp(a, "--policy")) {
            TAKE(o->policy);
        } else if (!strcmp(a, "--context")) {
            TAKE(o->context);
        } else if (!strcmp(a, "--as-of")) {
            TAKE(o->as_of);
        } else if (!strcmp(a, "--id-field")) {
            TAKE(o->id_field);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            TAKE(o->output);
        } else if (!strcmp(a, "-f") || !strcmp(a, "--format")) {
            const char *f;
            TAKE(f);
            if (out_format_parse(f, &o->format)) {
                cli_error("unknown format '%s' (jsonl, json, yaml, csv, table)", f);
                return -1;
            }
        } else if (!strcmp(a, "--input-format")) {
            const char *f;
            TAKE(f);
            if (!strcmp(f, "jsonl")) o->input_format = GAVEL_JSONL;
            else if (!strcmp(f, "json")) o->input_format = GAVEL_JSON;
            else if (!strcmp(f, "yaml")) o->input_format = GAVEL_YAML;
            else {
                cli_error("unknown input format '%s' (jsonl, json, yaml)", f);
                return -1;
            }
        } else if (!strcmp(a, "--summary")) {
            o->summary = 1;
        } else if (!strncmp(a, "--max-", 6)) {
            int r = cli_limit_option(a, v, &o->limits);
            if (r == 0) {
                cli_error("unknown option '%s'", a);
                return -1;
            }
            if (r < 0) {
                cli_error("%s needs a positive number (suffixes k, M, G allowed)", a);
                return -1;
            }
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("unknown option '%s' (see 'gavel eval --help')", a);
            return -1;
        } else {
            o->inputs[o->ninputs++] = argv[i];
        }
#undef TAKE
    }
    if (!o->policy) {
        cli_error("eval needs a policy: -p DIR (see 'gavel eval --help')");
        return -1;
    }
    return 0;
}

/* ---- the run ---------------------------------------------------------------------- */

/* Loads the policy or says why not, every diagnostic with its place. */
gavel_policy *cli_load_policy(const char *dir, const gavel_limits *limits)
{
    gavel_policy *p = gavel_policy_load(dir, limits);
    if (!p) {
        cli_error("out of memory loading the policy");
        return NULL;
    }
    if (gavel_policy_status(p) == GAVEL_OK)
        return p;
    size_t n = gavel_policy_ndiags(p);
    for (size_t i = 0; i < n; i++) {
        const gavel_diag *d = gavel_policy_diag(p, i);
        if (d->severity != GAVEL_ERROR)
            continue;
        if (d->line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->col ? d->col : 1,
                    d->message);
        else
            fprintf(stderr, "%s: error: %s\n", d->file, d->message);
    }
    if (n == 0)
        cli_error("%s", gavel_policy_errmsg(p));
    gavel_policy_free(p);
    return NULL;
}

static int output_broken(FILE *f)
{
    return ferror(f) != 0;
}

int cmd_eval(int argc, char **argv)
{
    eval_opts o;
    if (parse_opts(argc, argv, &o) != 0) {
        free(o.inputs);
        return EXIT_TROUBLE;
    }
    int status = EXIT_TROUBLE;
    gavel_policy *p = NULL;
    gavel_evaluator *ev = NULL;
    gavel_record *rec = gavel_record_new();
    gavel_decision *d = gavel_decision_new();
    char *tmp = NULL;
    FILE *out = stdout;
    if (!rec || !d)
        goto done;
    p = cli_load_policy(o.policy, &o.limits);
    if (!p)
        goto done;
    ev = gavel_evaluator_new(p);
    if (!ev || gavel_evaluator_status(ev) != GAVEL_OK) {
        cli_error("%s", ev ? gavel_evaluator_errmsg(ev) : "out of memory");
        goto done;
    }
    if (o.context && gavel_evaluator_set_context_file(ev, o.context) != GAVEL_OK) {
        cli_error("%s", gavel_evaluator_errmsg(ev));
        goto done;
    }
    if (o.as_of && gavel_evaluator_set_as_of(ev, o.as_of) != GAVEL_OK) {
        cli_error("%s", gavel_evaluator_errmsg(ev));
        goto done;
    }
    if (o.id_field)
        gavel_evaluator_set_id_field(ev, o.id_field);
    if (o.output) {
        size_t n = strlen(o.output) + 32;
        tmp = malloc(n);
        if (!tmp)
            goto done;
        snprintf(tmp, n, "%s.tmp.%ld", o.output, (long)getpid());
        out = fopen(tmp, "w");
        if (!out) {
            cli_error("%s: cannot write: %s", o.output, strerror(errno));
            out = stdout;
            goto done;
        }
    }
    signal(SIGPIPE, SIG_IGN);

    static char *const stdin_only[] = { "-" };
    char *const *inputs = o.ninputs ? o.inputs : stdin_only;
    int ninputs = o.ninputs ? o.ninputs : 1;
    out_writer w = { .f = out, .format = o.format };
    summary sum;
    summary_init(&sum, p);
    out_begin(&w);
    int any_error = 0, unreadable = 0, broken = 0;
    uint64_t position = 0;
    for (int i = 0; i < ninputs && !broken; i++) {
        gavel_reader *rd = gavel_reader_open(inputs[i], o.input_format,
                                             gavel_policy_limits(p));
        if (!rd || gavel_reader_status(rd) != GAVEL_OK) {
            cli_error("%s", rd ? gavel_reader_errmsg(rd) : "out of memory");
            unreadable = 1;
            gavel_reader_free(rd);
            continue;
        }
        int r;
        while ((r = gavel_reader_next(rd, rec)) == 1) {
            gavel_record_set_position(rec, ++position);
            gavel_status st = gavel_evaluate(ev, rec, d);
            if (st == GAVEL_ENOMEM || st == GAVEL_EARG) {
                cli_error("%s", gavel_evaluator_errmsg(ev));
                unreadable = 1;
            }
            any_error |= gavel_decision_nerrors(d) > 0;
            out_decision(&w, d);
            if (o.summary)
                summary_add(&sum, d);
            if (output_broken(out)) {
                broken = 1;
                break;
            }
        }
        if (r < 0) {
            cli_error("%s", gavel_reader_errmsg(rd));
            unreadable = 1;
        }
        gavel_reader_free(rd);
    }
    out_end(&w);
    if (fflush(out) != 0 || output_broken(out))
        broken = 1;
    if (o.summary)
        summary_print(&sum);
    else {
        free(sum.outcomes);
        free(sum.rules);
    }
    if (broken && errno == EPIPE && !o.output) {
        status = any_error ? EXIT_FAILED : EXIT_DONE;   /* | head: a quiet end */
        goto done;
    }
    if (broken) {
        cli_error("%s: write error: %s", o.output ? o.output : "<stdout>", strerror(errno));
        goto done;
    }
    if (out != stdout) {
        if (fclose(out) != 0) {
            out = stdout;
            cli_error("%s: write error: %s", o.output, strerror(errno));
            goto done;
        }
        out = stdout;
        if (rename(tmp, o.output) != 0) {
            cli_error("%s: cannot rename into place: %s", o.output, strerror(errno));
            goto done;
        }
        free(tmp);
        tmp = NULL;
    }
    status = unreadable ? EXIT_TROUBLE : any_error ? EXIT_FAILED : EXIT_DONE;
done:
    if (out != stdout)
        fclose(out);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    gavel_decision_free(d);
    gavel_record_free(rec);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    free(o.inputs);
    return status;
}
