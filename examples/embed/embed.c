/*
 * embed.c: libgavel embedded in a C program, written from gavel.h alone.
 *
 *     embed [-j THREADS] [--as-of DATE] [--context FILE] POLICY RECORDS.jsonl
 *
 * Loads POLICY once, reads every record of RECORDS (JSON Lines, JSON or
 * YAML, by extension) in the main thread, splits them among THREADS worker
 * threads (default 4), each with its own evaluator and decision over the one
 * shared policy, and prints one decision JSON line per record, in input
 * order: the same lines as `gavel eval -p POLICY RECORDS`.
 *
 * The threading rules it follows (gavel.h):
 *   - a gavel_policy is immutable once loaded: every thread may use it;
 *   - a gavel_evaluator (and the gavel_decision it writes) belongs to one
 *     thread at a time;
 *   - records are parsed in the main thread and only read by the workers,
 *     which start after the parsing is done (pthread_create orders it);
 *   - the policy is freed after the last evaluator.
 *
 * Exit status like gavel eval: 0 all decided without errors, 1 some records
 * got the policy's on_error decision, 2 could not run.
 */
#include <gavel.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct options {
    const char *policy, *records, *as_of, *context;
    int threads;
} options;

/* One worker: a contiguous slice of the records, and what it made of them. */
typedef struct worker {
    const gavel_policy *policy;
    const options *opt;
    gavel_record **records;
    size_t first, count;
    char **out;            /* out[i]: the decision JSON of record first+i */
    int errors;            /* records that got an on_error decision */
    char failure[512];     /* why the worker could not run, "" if it could */
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    gavel_evaluator *ev = gavel_evaluator_new(w->policy);
    gavel_decision *d = gavel_decision_new();
    if (!ev || !d) {
        snprintf(w->failure, sizeof w->failure, "out of memory");
        goto done;
    }
    if (gavel_evaluator_status(ev) != GAVEL_OK ||
        (w->opt->as_of && gavel_evaluator_set_as_of(ev, w->opt->as_of) != GAVEL_OK) ||
        (w->opt->context && gavel_evaluator_set_context_file(ev, w->opt->context) != GAVEL_OK)) {
        snprintf(w->failure, sizeof w->failure, "%s", gavel_evaluator_errmsg(ev));
        goto done;
    }
    for (size_t i = 0; i < w->count; i++) {
        gavel_status st = gavel_evaluate(ev, w->records[w->first + i], d);
        if (st == GAVEL_ENOMEM || st == GAVEL_EARG) {
            snprintf(w->failure, sizeof w->failure, "%s", gavel_evaluator_errmsg(ev));
            goto done;
        }
        /* GAVEL_ERULE and GAVEL_EINPUT still give a complete decision. */
        w->errors += gavel_decision_nerrors(d) > 0;
        size_t len;
        const char *json = gavel_decision_json(d, &len);
        /* The text belongs to d until the next evaluation: keep a copy. */
        w->out[i] = json ? malloc(len + 1) : NULL;
        if (!w->out[i]) {
            snprintf(w->failure, sizeof w->failure, "out of memory");
            goto done;
        }
        memcpy(w->out[i], json, len);
        w->out[i][len] = '\0';
    }
done:
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    return NULL;
}

/* Reads every record of the file. Returns the count, or -1 (message said). */
static long read_records(const char *path, const gavel_policy *p, gavel_record ***out)
{
    gavel_reader *rd = gavel_reader_open(path, GAVEL_AUTO, gavel_policy_limits(p));
    if (!rd || gavel_reader_status(rd) != GAVEL_OK) {
        fprintf(stderr, "embed: %s\n", rd ? gavel_reader_errmsg(rd) : "out of memory");
        gavel_reader_free(rd);
        return -1;
    }
    gavel_record **recs = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            gavel_record **more = realloc(recs, cap * sizeof *recs);
            if (!more) {
                fputs("embed: out of memory\n", stderr);
                break;
            }
            recs = more;
        }
        recs[n] = gavel_record_new();
        if (!recs[n]) {
            fputs("embed: out of memory\n", stderr);
            break;
        }
        int r = gavel_reader_next(rd, recs[n]);
        if (r == 1) {          /* a record, possibly one that holds an input error */
            n++;
            continue;
        }
        gavel_record_free(recs[n]);
        if (r == 0) {
            gavel_reader_free(rd);
            *out = recs;
            return (long)n;
        }
        fprintf(stderr, "embed: %s\n", gavel_reader_errmsg(rd));
        break;
    }
    while (n)
        gavel_record_free(recs[--n]);
    free(recs);
    gavel_reader_free(rd);
    return -1;
}

static int usage(void)
{
    fputs("usage: embed [-j THREADS] [--as-of DATE] [--context FILE] POLICY RECORDS\n", stderr);
    return 2;
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){ .threads = 4 };
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if ((!strcmp(a, "-j") || !strcmp(a, "--threads")) && v) {
            o->threads = atoi(v);
            i++;
        } else if (!strcmp(a, "--as-of") && v) {
            o->as_of = v;
            i++;
        } else if (!strcmp(a, "--context") && v) {
            o->context = v;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return -1;
        } else if (npos == 0) {
            o->policy = a;
            npos++;
        } else if (npos == 1) {
            o->records = a;
            npos++;
        } else {
            return -1;
        }
    }
    return npos == 2 && o->threads >= 1 && o->threads <= 256 ? 0 : -1;
}

/* Prints the policy's diagnostics the way gavel does. */
static void print_diags(const gavel_policy *p)
{
    size_t n = gavel_policy_ndiags(p);
    for (size_t i = 0; i < n; i++) {
        const gavel_diag *d = gavel_policy_diag(p, i);
        fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col,
                d->severity == GAVEL_ERROR ? "error" : "warning", d->message);
    }
    if (n == 0)
        fprintf(stderr, "embed: %s\n", gavel_policy_errmsg(p));
}

int main(int argc, char **argv)
{
    options opt;
    if (parse_args(argc, argv, &opt) != 0)
        return usage();

    gavel_policy *policy = gavel_policy_load(opt.policy, NULL);
    if (!policy) {
        fputs("embed: out of memory\n", stderr);
        return 2;
    }
    if (gavel_policy_status(policy) != GAVEL_OK) {
        print_diags(policy);
        gavel_policy_free(policy);
        return 2;
    }

    gavel_record **records = NULL;
    long n = read_records(opt.records, policy, &records);
    if (n < 0) {
        gavel_policy_free(policy);
        return 2;
    }

    /* Split the records into contiguous slices, one per thread. */
    size_t nthreads = (size_t)opt.threads;
    char **out = calloc((size_t)n + 1, sizeof *out);
    worker *workers = calloc(nthreads, sizeof *workers);
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    int status = 2;
    size_t started = 0;
    if (!out || !workers || !tids) {
        fputs("embed: out of memory\n", stderr);
        goto done;
    }
    /* Evaluating threads want a C stack of at least 8 MiB (Lua's parsers
     * and pattern matcher recurse on it; docs/embedding.md, Threads). */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)16 << 20);
    for (size_t t = 0, first = 0; t < nthreads; t++) {
        size_t count = (size_t)n / nthreads + (t < (size_t)n % nthreads);
        workers[t] = (worker){ .policy = policy, .opt = &opt, .records = records,
                               .first = first, .count = count, .out = out + first };
        first += count;
        if (pthread_create(&tids[t], &attr, work, &workers[t]) != 0) {
            fputs("embed: cannot start a thread\n", stderr);
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    int failed = started < nthreads, errors = 0;
    for (size_t t = 0; t < started; t++) {
        pthread_join(tids[t], NULL);
        if (workers[t].failure[0]) {
            fprintf(stderr, "embed: %s\n", workers[t].failure);
            failed = 1;
        }
        errors += workers[t].errors;
    }
    if (!failed) {
        for (long i = 0; i < n; i++)
            puts(out[i]);
        status = fflush(stdout) != 0 ? 2 : errors ? 1 : 0;
    }
done:
    for (long i = 0; out && i < n; i++)
        free(out[i]);
    free(out);
    free(workers);
    free(tids);
    for (long i = 0; i < n; i++)
        gavel_record_free(records[i]);
    free(records);
    gavel_policy_free(policy);   /* after every evaluator is gone */
    return status;
}
