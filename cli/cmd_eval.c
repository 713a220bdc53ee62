/*
 * cmd_eval.c: `gavel eval`: evaluate records from files or stdin against a
 * policy and write one decision per record, in input order: its options,
 * the --summary tallies, the progress line, and the run, on one thread or
 * on the batch ring of -j N (ring.c).
 *
 * Output to -o FILE goes to FILE.tmp.XXXXXX and is renamed into place only
 * when the run completes, so a file under the final name is always whole.
 * A closed stdout pipe (gavel eval ... | head) ends the run quietly.
 *
 * Calls gavel.h, the shared pieces of cli.h and the batch ring (ring.h).
 */
#include "cli.h"
#include "ring.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char eval_usage[] =
    "usage: gavel eval -p POLICY [options] [INPUT...]\n"
    "\n"
    "Evaluates each record of the inputs (JSON Lines, .json, .yaml; '-' or none\n"
    "for stdin) and writes one decision per record, in input order.\n"
    "\n"
    "  -p, --policy DIR       the policy directory (or its policy.yaml)\n"
    "      --context FILE     context file seen by rules as ctx (e.g. the order)\n"
    "      --as-of DATE       evaluation date YYYY-MM-DD, or a date-time with Z or\n"
    "                         an offset (default: the context's as_of, else today\n"
    "                         in UTC)\n"
    "      --as-of-field PATH judge each record at the time it carries (a dotted\n"
    "                         path, e.g. notice.received_at): the rules in force\n"
    "                         and as_of are the record's; without it, on_error\n"
    "      --id-field NAME    record field used as the decision id (default: id)\n"
    "  -f, --format FORMAT    jsonl (default), json, yaml, csv, table\n"
    "      --input-format F   jsonl, json or yaml for stdin and unknown extensions\n"
    "  -o, --output FILE      write decisions to FILE (complete or not at all)\n"
    "  -j, --jobs N           evaluate with N threads (default: the number of cores);\n"
    "                         output stays in input order\n"
    "      --summary          counts per outcome and determining rule on stderr\n"
    "      --summary=json     the same as one JSON object, for scripts\n"
    "  -q, --quiet            no progress line (shown only when stderr is a terminal)\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 all records decided without errors; 1 some records got\n"
    "on_error; 2 could not run (usage, policy, unreadable input).\n";

typedef struct eval_opts {
    const char *policy, *context, *as_of, *as_of_field, *id_field, *output;
    out_format  format;
    gavel_format input_format;
    int         summary, quiet, jobs;
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

static void summary_merge(summary *into, const summary *from)
{
    into->records += from->records;
    into->errors += from->errors;
    into->defaults += from->defaults;
    for (size_t i = 0; into->outcomes && from->outcomes && i < into->noutcomes; i++)
        into->outcomes[i].n += from->outcomes[i].n;
    for (size_t i = 0; into->rules && from->rules && i < into->nrules; i++)
        into->rules[i].n += from->rules[i].n;
    free(from->outcomes);
    free(from->rules);
}

static void summary_free(summary *s)
{
    free(s->outcomes);
    free(s->rules);
    s->outcomes = NULL;
    s->rules = NULL;
}

/* --summary=json: one object on stderr, for scripts. Names are rule ids and
 * outcomes ([a-z0-9._-:/] only), so they need no escaping. */
static void summary_print_json(const summary *s)
{
    fprintf(stderr, "{\"records\":%llu,\"defaults\":%llu,\"errors\":%llu,\"outcomes\":{",
            s->records, s->defaults, s->errors);
    for (size_t i = 0; s->outcomes && i < s->noutcomes; i++)
        fprintf(stderr, "%s\"%s\":%llu", i ? "," : "", s->outcomes[i].name, s->outcomes[i].n);
    fputs("},\"rules\":{", stderr);
    int first = 1;
    for (size_t i = 0; s->rules && i < s->nrules; i++)
        if (s->rules[i].n) {
            fprintf(stderr, "%s\"%s\":%llu", first ? "" : ",", s->rules[i].name, s->rules[i].n);
            first = 0;
        }
    fputs("}}\n", stderr);
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
}

/* ---- options ------------------------------------------------------------------ */

enum { OPT_CONTEXT = 256, OPT_AS_OF, OPT_AS_OF_FIELD, OPT_ID_FIELD, OPT_SUMMARY };

static const cli_option eval_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "as-of", 0, OPT_VALUE, OPT_AS_OF, NULL },
    { "as-of-field", 0, OPT_VALUE, OPT_AS_OF_FIELD, NULL },
    { "id-field", 0, OPT_VALUE, OPT_ID_FIELD, NULL },
    { "output", 'o', OPT_VALUE, 'o', NULL },
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "jobs", 'j', OPT_VALUE, 'j', NULL },
    { "summary", 0, OPT_OPTIONAL, OPT_SUMMARY, NULL },
    { "quiet", 'q', OPT_FLAG, 'q', NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

/* One option of eval's own: 0, or -1 after saying what was wrong. */
static int eval_option(void *ctx, const cli_opts *args, int id)
{
    eval_opts *o = ctx;
    const char *v = args->value;
    char *end;
    long n;
    switch (id) {
    case 'p': o->policy = v; break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_AS_OF: o->as_of = v; break;
    case OPT_AS_OF_FIELD: o->as_of_field = v; break;
    case OPT_ID_FIELD: o->id_field = v; break;
    case 'o': o->output = v; break;
    case 'q': o->quiet = 1; break;
    case 'f':
        if (out_format_parse(v, &o->format)) {
            cli_error("unknown format '%s' (jsonl, json, yaml, csv, table)", v);
            return -1;
        }
        break;
    case OPT_SUMMARY:
        if (v && strcmp(v, "json")) {
            cli_opts_unknown(args, args->arg);
            return -1;
        }
        o->summary = v ? 2 : 1;
        break;
    case 'j':
        n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 256) {
            cli_error("-j needs a number of jobs from 1 to 256");
            return -1;
        }
        o->jobs = (int)n;
        break;
    case 'h':
        cli_help(eval_usage, cli_limit_help);
        return 1;
    case OPT_OPERAND: o->inputs[o->ninputs++] = (char *)v; break;
    default:
        return cli_input_option(args, id, &o->input_format, &o->limits) < 0 ? -1 : 0;
    }
    return 0;
}

/* 0 to run, 1 when --help was shown, -1 after a usage error. */
static int parse_opts(int argc, char **argv, eval_opts *o)
{
    memset(o, 0, sizeof *o);
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!o->inputs)
        return -1;
    cli_opts args;
    cli_opts_init(&args, "eval", argc, argv, eval_options, cli_input_options);
    int st = cli_opts_parse(&args, eval_option, o);
    if (st != 0)
        return st;
    if (!o->policy) {
        cli_error("eval needs a policy: -p DIR (see 'gavel eval --help')");
        return -1;
    }
    return 0;
}

/* ---- the run ---------------------------------------------------------------------- */

typedef struct tallies {
    summary sum;
    int     any_error, trouble;
    unsigned long long failed;     /* records whose decision has errors */
} tallies;

/* The first few failed records are named on stderr as they happen (the
 * decisions carry every error; this is so a run does not fail silently). */
enum { ERRORS_SHOWN = 5 };
static atomic_int errors_shown;

static void show_error(const gavel_decision *d)
{
    if (atomic_fetch_add(&errors_shown, 1) >= ERRORS_SHOWN)
        return;
    const gavel_error_entry *e = gavel_decision_error(d, 0);
    char *id = cli_value_json(gavel_decision_id_value(d));    /* "acc001", 7 */
    if (e->rule)
        cli_warn("record %s: rule '%s' failed: %s", id ? id : "?", e->rule, e->message);
    else
        cli_warn("record %s: %s", id ? id : "?", e->message);
    free(id);
}

/* What one thread of the run decides with, and what it counted. */
typedef struct decider {
    gavel_evaluator *ev;
    gavel_decision  *d;
    tallies          t;
} decider;

/* One run of `gavel eval`: the inputs, the output, the tallies. */
typedef struct run {
    const eval_opts *o;
    gavel_policy    *p;
    FILE            *out;            /* stdout, or output.f */
    cli_out          output;         /* -o FILE */
    cli_inputs       in;
    uint64_t         total_bytes;    /* 0 when unknown (stdin, a pipe) */
    int              broken;
    int              write_errno;    /* why it broke, before later calls change errno */
    decider         *deciders;       /* one per job */
    tallies          t;
    /* progress */
    int              progress;
    double           started, last_shown;
    uint64_t         written;
} run;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show_progress(run *r, int final)
{
    if (!r->progress)
        return;
    double t = now_s();
    if (!final && t - r->last_shown < 0.25)
        return;
    r->last_shown = t;
    double rate = r->written / (t - r->started > 1e-9 ? t - r->started : 1e-9);
    fprintf(stderr, "\r\033[K%llu records, %.0f/s", (unsigned long long)r->written, rate);
    uint64_t at = cli_inputs_offset(&r->in);
    if (r->total_bytes && at <= r->total_bytes && at > 0) {
        double frac = (double)at / (double)r->total_bytes;
        fprintf(stderr, ", %.0f%%, ETA %.0fs", frac * 100,
                (t - r->started) * (1 - frac) / (frac > 1e-9 ? frac : 1e-9));
    }
    if (final)
        fputs("\r\033[K", stderr);
}

/* Evaluates one record and writes its decision; the tallies follow. */
static void decide(const eval_opts *o, gavel_evaluator *ev, gavel_record *rec,
                   gavel_decision *d, out_writer *w, tallies *t)
{
    gavel_status st = gavel_evaluate(ev, rec, d);
    if (st == GAVEL_ENOMEM || st == GAVEL_EARG) {
        cli_error("%s", gavel_evaluator_errmsg(ev));
        t->trouble = 1;
    }
    if (gavel_decision_nerrors(d) > 0) {
        t->any_error = 1;
        t->failed++;
        show_error(d);
    }
    out_decision(w, d);
    if (o->summary)
        summary_add(&t->sum, d);
}

static void run_sequential(run *r)
{
    gavel_record *rec = gavel_record_new();
    decider *dc = &r->deciders[0];
    out_writer w = { .f = r->out, .format = r->o->format, .count = 0,
                     .measures = gavel_policy_nactions(r->p) > 0 };
    while (rec && dc->d && !r->broken && cli_inputs_next(&r->in, rec)) {
        decide(r->o, dc->ev, rec, dc->d, &w, &r->t);
        r->written++;
        if (ferror(r->out) && !r->broken) {
            r->broken = 1;
            r->write_errno = errno;
        }
        show_progress(r, 0);
    }
    gavel_record_free(rec);
}

/* ---- the batch ring's side of the run (ring.h) -------------------------------------- */

static int ring_read(void *ctx, gavel_record *rec)
{
    return cli_inputs_next(&((run *)ctx)->in, rec);
}

static uint64_t ring_offset(void *ctx)
{
    return cli_inputs_offset(&((run *)ctx)->in);
}

static int ring_decide(void *ctx, int worker, gavel_record *const *recs, int n,
                       uint64_t first, FILE *out)
{
    run *r = ctx;
    decider *dc = &r->deciders[worker];
    out_writer w = { .f = out, .format = r->o->format, .count = first,
                     .measures = gavel_policy_nactions(r->p) > 0 };
    for (int i = 0; dc->d && i < n; i++) {
        gavel_record_finish(recs[i]);     /* parse here, not in the reader */
        decide(r->o, dc->ev, recs[i], dc->d, &w, &dc->t);
    }
    return dc->d ? 0 : -1;
}

static void ring_wrote(void *ctx, int n)
{
    run *r = ctx;
    r->written += (uint64_t)n;
    show_progress(r, 0);
}

static int run_parallel(run *r, int jobs)
{
    ring_job job = { .ctx = r, .read = ring_read, .offset = ring_offset,
                     .decide = ring_decide, .wrote = ring_wrote, .out = r->out };
    for (int i = 0; i < jobs; i++)
        summary_init(&r->deciders[i].t.sum, r->p);
    int st = ring_run(&job, jobs, &r->broken);
    for (int i = 0; i < jobs; i++) {
        tallies *t = &r->deciders[i].t;
        r->t.any_error |= t->any_error;
        r->t.failed += t->failed;
        r->t.trouble |= t->trouble;
        summary_merge(&r->t.sum, &t->sum);
    }
    return st;
}

/* ---- the command ------------------------------------------------------------------- */

static uint64_t input_size(char *const *inputs, int n)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (!strcmp(inputs[i], "-") || stat(inputs[i], &st) != 0 || !S_ISREG(st.st_mode))
            return 0;
        total += (uint64_t)st.st_size;
    }
    return total;
}

/* -o FILE (cli_out_open); 0, or -1 after saying why not. */
static int open_output(run *r)
{
    if (cli_out_open(&r->output, r->o->output, 0) != 0)
        return -1;
    r->out = r->output.f;
    return 0;
}

/* Reads, decides and writes every record; then the closing lines. */
static void evaluate_all(run *r, int jobs)
{
    const eval_opts *o = r->o;
    signal(SIGPIPE, SIG_IGN);
    r->progress = !o->quiet && isatty(STDERR_FILENO);
    r->total_bytes = input_size(r->in.paths, r->in.npaths);
    r->started = now_s();
    summary_init(&r->t.sum, r->p);
    out_writer w = { .f = r->out, .format = o->format,
                     .measures = gavel_policy_nactions(r->p) > 0 };
    out_begin(&w);
    r->in.defer = jobs > 1;
    if (jobs == 1)
        run_sequential(r);
    else if ((errno = 0, run_parallel(r, jobs) != 0)) {
        cli_error("could not start %d threads", jobs);
        r->t.trouble = 1;          /* with none started, nothing was decided */
    }
    if (r->broken && !r->write_errno)
        r->write_errno = errno ? errno : EIO;
    w.count = r->written;
    out_end(&w);
    show_progress(r, 1);
    if ((fflush(r->out) != 0 || ferror(r->out)) && !r->broken) {
        r->broken = 1;
        r->write_errno = errno ? errno : EIO;
    }
    if (r->t.failed)
        cli_warn("%llu of %llu records got the on_error decision; their errors[] say why",
                 r->t.failed, (unsigned long long)r->written);
    if (o->summary == 2)
        summary_print_json(&r->t.sum);
    else if (o->summary)
        summary_print(&r->t.sum);
    summary_free(&r->t.sum);
}

int cmd_eval(int argc, char **argv)
{
    eval_opts o;
    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0) {
        free(o.inputs);
        return parsed > 0 ? EXIT_DONE : EXIT_TROUBLE;
    }
    run r = { .o = &o, .out = stdout, .output = { .f = stdout } };
    int status = EXIT_TROUBLE, jobs = o.jobs;
    r.p = cli_load_policy(o.policy, &o.limits);
    if (!r.p)
        goto done;
    cli_inputs_init(&r.in, o.inputs, o.ninputs, o.input_format, gavel_policy_limits(r.p));
    if (jobs <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (int)n : 1;
    }
    r.deciders = calloc((size_t)jobs, sizeof *r.deciders);
    if (!r.deciders)
        goto done;
    for (int i = 0; i < jobs; i++)
        if (!(r.deciders[i].ev = cli_evaluator(r.p, o.context, o.as_of, o.as_of_field,
                                                o.id_field)))
            goto done;
    for (int i = 0; i < jobs; i++)
        r.deciders[i].d = gavel_decision_new();
    if (open_output(&r) != 0)
        goto done;
    evaluate_all(&r, jobs);
    /* | head: a quiet end, with the status of what was read until then */
    int closed_pipe = r.broken && r.write_errno == EPIPE && !o.output;
    if (r.broken && !closed_pipe) {
        cli_error("%s: write error: %s", o.output ? o.output : "<stdout>",
                  strerror(r.write_errno));
        goto done;
    }
    if (closed_pipe)
        clearerr(stdout);       /* what is left meets the closed pipe again, quietly */
    if (cli_out_close(&r.output, 1) != 0)
        goto done;
    status = r.in.unreadable || r.t.trouble ? EXIT_TROUBLE : r.t.any_error ? EXIT_FAILED : EXIT_DONE;
done:
    cli_out_close(&r.output, 0);
    cli_inputs_close(&r.in);
    for (int i = 0; r.deciders && i < jobs; i++) {
        gavel_evaluator_free(r.deciders[i].ev);
        gavel_decision_free(r.deciders[i].d);
    }
    free(r.deciders);
    gavel_policy_free(r.p);
    free(o.inputs);
    return status;
}
