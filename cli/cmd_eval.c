/*
 * cmd_eval.c: `gavel eval`: evaluate records from files or stdin against a
 * policy and write one decision per record, in input order.
 *
 * Output to -o FILE goes to FILE.tmp.XXXXXX and is renamed into place only
 * when the run completes, so a file under the final name is always whole.
 * A closed stdout pipe (gavel eval ... | head) ends the run quietly.
 */
#define _GNU_SOURCE 1   /* fopencookie */
#include "cli.h"

#include <errno.h>
#include <pthread.h>
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
    "      --as-of DATE       evaluation date YYYY-MM-DD (default: the context's\n"
    "                         as_of, else today in UTC)\n"
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
    const char *policy, *context, *as_of, *id_field, *output;
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
        } else if (!strcmp(a, "--summary")) {
            o->summary = 1;
        } else if (!strcmp(a, "--summary=json")) {
            o->summary = 2;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            const char *j;
            TAKE(j);
            char *end;
            long n = strtol(j, &end, 10);
            if (*end || n < 1 || n > 256) {
                cli_error("-j needs a number of jobs from 1 to 256");
                return -1;
            }
            o->jobs = (int)n;
        } else if (!strcmp(a, "--input-format") || !strncmp(a, "--max-", 6)) {
            if (cli_input_option(a, v, &o->input_format, &o->limits) < 0)
                return -1;
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

/* ---- inputs ------------------------------------------------------------------------ */

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

/* One run of `gavel eval`: the inputs in order, the output, the tallies. */
typedef struct run {
    const eval_opts *o;
    gavel_policy    *p;
    FILE            *out;
    char *const     *inputs;
    int              ninputs, cur;
    gavel_reader    *rd;
    uint64_t         position;       /* records in the inputs finished */
    uint64_t         done_bytes;     /* size of the inputs finished */
    uint64_t         total_bytes;    /* 0 when unknown (stdin, a pipe) */
    int              unreadable, broken;
    int              defer;          /* workers parse (parallel runs) */
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

/* The next record from the inputs, opening each in turn. 1, or 0 at the end. */
static int next_record(run *r, gavel_record *rec)
{
    for (;;) {
        if (!r->rd) {
            if (r->cur >= r->ninputs)
                return 0;
            const char *path = r->inputs[r->cur++];
            r->rd = gavel_reader_open(path, r->o->input_format, gavel_policy_limits(r->p));
            gavel_reader_defer_parsing(r->rd, r->defer);
            if (!r->rd || gavel_reader_status(r->rd) != GAVEL_OK) {
                cli_error("%s", r->rd ? gavel_reader_errmsg(r->rd) : "out of memory");
                r->unreadable = 1;
                gavel_reader_free(r->rd);
                r->rd = NULL;
                continue;
            }
            gavel_reader_set_position(r->rd, r->position);  /* numbered on across the inputs */
        }
        int st = gavel_reader_next(r->rd, rec);
        if (st == 1)
            return 1;
        if (st < 0) {
            cli_error("%s", gavel_reader_errmsg(r->rd));
            r->unreadable = 1;
        }
        r->done_bytes += gavel_reader_offset(r->rd);
        r->position = gavel_reader_position(r->rd);
        gavel_reader_free(r->rd);
        r->rd = NULL;
    }
}

/* Input bytes consumed so far, over all inputs. */
static uint64_t bytes_read(const run *r)
{
    return r->done_bytes + (r->rd ? gavel_reader_offset(r->rd) : 0);
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
    uint64_t at = bytes_read(r);
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

static void run_sequential(run *r, gavel_evaluator *ev)
{
    gavel_record *rec = gavel_record_new();
    gavel_decision *d = gavel_decision_new();
    out_writer w = { .f = r->out, .format = r->o->format, .count = 0 };
    while (rec && d && !r->broken && next_record(r, rec)) {
        decide(r->o, ev, rec, d, &w, &r->t);
        r->written++;
        if (ferror(r->out))
            r->broken = 1;
        show_progress(r, 0);
    }
    gavel_decision_free(d);
    gavel_record_free(rec);
}

/* ---- parallel evaluation ------------------------------------------------------------ */

/* Batches of records go round a ring: the main thread reads into batch
 * seq % NB, workers (one evaluator each) decide and format a batch into
 * memory, and the main thread writes batches back in seq order. At most
 * NB batches are in flight, so memory stays flat whatever the input. */
enum { BATCH = 256, BATCH_BYTES = 4 << 20, STACK_BYTES = 16 << 20 };

typedef struct batch {
    gavel_record *recs[BATCH];
    int           n;
    uint64_t      first;       /* index of its first record in the output */
    char         *text;        /* its decisions, formatted; kept, not freed, */
    size_t        len, cap;    /* between rounds of the ring */
    int           lost;        /* out of memory: some decisions are not in text */
    int           done;
} batch;

typedef struct pool {
    run            *r;
    batch          *b;
    int             nb;
    uint64_t        filled, taken, written;   /* batch sequence numbers */
    int             stop;
    pthread_mutex_t mu;
    pthread_cond_t  work, done;
} pool;

typedef struct worker {
    pool            *pl;
    gavel_evaluator *ev;
    tallies          t;
    pthread_t        tid;
    batch           *cur;      /* where its output stream writes */
    int              oom;
} worker;

/* The worker's output stream appends to the text of its current batch.
 * One stream per worker and one buffer per batch, both reused: a fresh
 * open_memstream per batch grew by realloc past the mmap threshold and
 * cost about 70 page faults a batch (10% more CPU at -j 2 than -j 1). */
static ssize_t batch_write(void *cookie, const char *buf, size_t n)
{
    worker *wk = cookie;
    batch *b = wk->cur;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 64 << 10;
        while (n > cap - b->len)
            cap *= 2;
        char *t = realloc(b->text, cap);
        if (!t) {
            wk->oom = 1;
            return -1;
        }
        b->text = t;
        b->cap = cap;
    }
    memcpy(b->text + b->len, buf, n);
    b->len += n;
    return (ssize_t)n;
}

static void *work(void *arg)
{
    worker *wk = arg;
    pool *pl = wk->pl;
    gavel_decision *d = gavel_decision_new();
    FILE *out = fopencookie(wk, "w", (cookie_io_functions_t){ .write = batch_write });
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (pl->taken == pl->filled && !pl->stop)
            pthread_cond_wait(&pl->work, &pl->mu);
        if (pl->taken == pl->filled) {
            pthread_mutex_unlock(&pl->mu);
            break;
        }
        batch *b = &pl->b[pl->taken++ % (uint64_t)pl->nb];
        pthread_mutex_unlock(&pl->mu);
        wk->cur = b;
        b->len = 0;
        out_writer w = { .f = out, .format = pl->r->o->format, .count = b->first };
        for (int i = 0; out && d && i < b->n; i++) {
            gavel_record_finish(b->recs[i]);     /* parse here, not in the reader */
            decide(pl->r->o, wk->ev, b->recs[i], d, &w, &wk->t);
        }
        b->lost = !out || !d || fflush(out) != 0 || wk->oom;
        pthread_mutex_lock(&pl->mu);
        b->done = 1;
        pthread_cond_broadcast(&pl->done);
        pthread_mutex_unlock(&pl->mu);
    }
    if (out)
        fclose(out);
    gavel_decision_free(d);
    return NULL;
}

/* Writes finished batches in order; waits for the oldest when `wait`. */
static void drain(pool *pl, int wait)
{
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        batch *b = &pl->b[pl->written % (uint64_t)pl->nb];
        while (wait && pl->written < pl->filled && !b->done)
            pthread_cond_wait(&pl->done, &pl->mu);
        int ready = pl->written < pl->filled && b->done;
        pthread_mutex_unlock(&pl->mu);
        if (!ready)
            return;
        if (b->lost) {              /* reported as a write error: exit 2, no file */
            errno = ENOMEM;
            pl->r->broken = 1;
        } else if (b->len && fwrite(b->text, 1, b->len, pl->r->out) != b->len) {
            pl->r->broken = 1;
        }
        b->done = 0;
        pl->r->written += (uint64_t)b->n;
        pl->written++;
        show_progress(pl->r, 0);
        wait = 0;
    }
}

static int run_parallel(run *r, gavel_evaluator **evs, int jobs)
{
    pool pl = { .r = r, .nb = 2 * jobs + 2 };
    worker *wk = calloc((size_t)jobs, sizeof *wk);
    pl.b = calloc((size_t)pl.nb, sizeof *pl.b);
    if (!wk || !pl.b) {
        free(wk);
        free(pl.b);
        return -1;
    }
    for (int i = 0; i < pl.nb; i++)
        for (int k = 0; k < BATCH; k++)
            if (!(pl.b[i].recs[k] = gavel_record_new()))
                r->broken = 1;
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, STACK_BYTES);   /* Lua wants deep C stacks */
    int started = 0;
    for (; started < jobs; started++) {
        wk[started].pl = &pl;
        wk[started].ev = evs[started];
        summary_init(&wk[started].t.sum, r->p);
        if (pthread_create(&wk[started].tid, &attr, work, &wk[started]) != 0)
            break;
    }
    pthread_attr_destroy(&attr);
    uint64_t next_index = 0;
    int input_done = started == 0;
    while (!input_done && !r->broken) {
        if (pl.filled - pl.written >= (uint64_t)pl.nb) {
            drain(&pl, 1);
            continue;
        }
        batch *b = &pl.b[pl.filled % (uint64_t)pl.nb];
        b->n = 0;
        b->first = next_index;
        /* A batch ends at BATCH records or BATCH_BYTES of input, so that
         * the ring holds little however long the records are. */
        uint64_t from = bytes_read(r);
        int more = 1;
        while (b->n < BATCH && (more = next_record(r, b->recs[b->n]))) {
            b->n++;
            if (bytes_read(r) - from >= BATCH_BYTES)
                break;
        }
        next_index += (uint64_t)b->n;
        input_done = !more;
        if (b->n > 0) {
            pthread_mutex_lock(&pl.mu);
            pl.filled++;
            pthread_cond_signal(&pl.work);
            pthread_mutex_unlock(&pl.mu);
        }
        drain(&pl, 0);
    }
    while (pl.written < pl.filled && !r->broken)
        drain(&pl, 1);
    pthread_mutex_lock(&pl.mu);
    pl.stop = 1;
    pl.taken = pl.filled;          /* after a write error, drop what is left */
    pthread_cond_broadcast(&pl.work);
    pthread_mutex_unlock(&pl.mu);
    for (int i = 0; i < started; i++) {
        pthread_join(wk[i].tid, NULL);
        r->t.any_error |= wk[i].t.any_error;
        r->t.failed += wk[i].t.failed;
        r->t.trouble |= wk[i].t.trouble;
        summary_merge(&r->t.sum, &wk[i].t.sum);
    }
    for (int i = 0; i < pl.nb; i++) {
        for (int k = 0; k < BATCH; k++)
            gavel_record_free(pl.b[i].recs[k]);
        free(pl.b[i].text);
    }
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.work);
    pthread_cond_destroy(&pl.done);
    free(pl.b);
    free(wk);
    return started == jobs ? 0 : -1;
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

int cmd_eval(int argc, char **argv)
{
    eval_opts o;
    if (parse_opts(argc, argv, &o) != 0) {
        free(o.inputs);
        return EXIT_TROUBLE;
    }
    static char *const stdin_only[] = { "-" };
    run r = { .o = &o, .out = stdout };
    r.inputs = o.ninputs ? o.inputs : stdin_only;
    r.ninputs = o.ninputs ? o.ninputs : 1;
    int status = EXIT_TROUBLE, jobs = o.jobs;
    char *tmp = NULL;
    gavel_evaluator **evs = NULL;
    r.p = cli_load_policy(o.policy, &o.limits);
    if (!r.p)
        goto done;
    if (jobs <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (int)n : 1;
    }
    evs = calloc((size_t)jobs, sizeof *evs);
    for (int i = 0; evs && i < jobs; i++)
        if (!(evs[i] = cli_evaluator(r.p, o.context, o.as_of, o.id_field)))
            goto done;
    if (!evs)
        goto done;
    if (o.output) {
        r.out = cli_open_temp(o.output, &tmp);
        if (!r.out) {
            cli_error("%s: cannot write: %s", o.output, strerror(errno));
            r.out = stdout;
            goto done;
        }
        cli_cleanup_on_signal(tmp);
    }
    signal(SIGPIPE, SIG_IGN);
    r.progress = !o.quiet && isatty(STDERR_FILENO);
    r.total_bytes = input_size(r.inputs, r.ninputs);
    r.started = now_s();
    summary_init(&r.t.sum, r.p);
    out_writer w = { .f = r.out, .format = o.format };
    out_begin(&w);
    r.defer = jobs > 1;
    if (jobs == 1)
        run_sequential(&r, evs[0]);
    else if (run_parallel(&r, evs, jobs) != 0)
        cli_error("could not start %d threads", jobs);
    w.count = r.written;
    out_end(&w);
    show_progress(&r, 1);
    if (fflush(r.out) != 0 || ferror(r.out))
        r.broken = 1;
    if (r.t.failed)
        cli_warn("%llu of %llu records got the on_error decision; their errors[] say why",
                 r.t.failed, (unsigned long long)r.written);
    if (o.summary == 2)
        summary_print_json(&r.t.sum);
    else if (o.summary)
        summary_print(&r.t.sum);
    summary_free(&r.t.sum);
    if (r.broken && errno == EPIPE && !o.output) {
        status = r.t.any_error ? EXIT_FAILED : EXIT_DONE;   /* | head: a quiet end */
        goto done;
    }
    if (r.broken) {
        cli_error("%s: write error: %s", o.output ? o.output : "<stdout>", strerror(errno));
        goto done;
    }
    if (r.out != stdout) {
        FILE *f = r.out;
        r.out = stdout;
        int bad = fsync(fileno(f)) != 0;                /* on disk before the rename */
        bad |= fclose(f) != 0;
        if (bad) {
            cli_error("%s: write error: %s", o.output, strerror(errno));
            goto done;
        }
        if (rename(tmp, o.output) != 0) {
            cli_error("%s: cannot rename into place: %s", o.output, strerror(errno));
            goto done;
        }
        cli_cleanup_on_signal(NULL);
        free(tmp);
        tmp = NULL;
    }
    status = r.unreadable || r.t.trouble ? EXIT_TROUBLE : r.t.any_error ? EXIT_FAILED : EXIT_DONE;
done:
    if (r.out != stdout)
        fclose(r.out);
    if (tmp) {
        unlink(tmp);
        cli_cleanup_on_signal(NULL);
        free(tmp);
    }
    gavel_reader_free(r.rd);
    for (int i = 0; evs && i < jobs; i++)
        gavel_evaluator_free(evs[i]);
    free(evs);
    gavel_policy_free(r.p);
    free(o.inputs);
    return status;
}
