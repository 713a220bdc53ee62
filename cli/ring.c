/*
 * ring.c: the batch ring of `gavel eval -j N` (ring.h). Batches of records
 * go round a ring: the calling thread reads into batch seq % NB, workers
 * decide and format a batch into memory, and the calling thread writes
 * batches back in seq order. At most NB batches are in flight, so memory
 * stays flat whatever the input. Calls gavel.h (records) and pthreads.
 */
#define _GNU_SOURCE 1   /* fopencookie */
#include "ring.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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
    const ring_job *job;
    int            *broken;
    batch          *b;
    int             nb;
    uint64_t        filled, taken, written;   /* batch sequence numbers */
    int             stop;
    pthread_mutex_t mu;
    pthread_cond_t  work, done;
} pool;

typedef struct worker {
    pool      *pl;
    int        index;
    pthread_t  tid;
    batch     *cur;      /* where its output stream writes */
    int        oom;
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
    const ring_job *job = pl->job;
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
        int lost = !out || job->decide(job->ctx, wk->index, b->recs, b->n, b->first, out) != 0;
        b->lost = lost || fflush(out) != 0 || wk->oom;
        pthread_mutex_lock(&pl->mu);
        b->done = 1;
        pthread_cond_broadcast(&pl->done);
        pthread_mutex_unlock(&pl->mu);
    }
    if (out)
        fclose(out);
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
            *pl->broken = 1;
        } else if (b->len && fwrite(b->text, 1, b->len, pl->job->out) != b->len) {
            *pl->broken = 1;
        }
        b->done = 0;
        pl->written++;
        pl->job->wrote(pl->job->ctx, b->n);
        wait = 0;
    }
}

/* Reads batches into the ring until the input ends or writing fails. A
 * batch ends at BATCH records or BATCH_BYTES of input, so that the ring
 * holds little however long the records are. */
static void fill(pool *pl)
{
    const ring_job *job = pl->job;
    uint64_t next_index = 0;
    int input_done = 0;
    while (!input_done && !*pl->broken) {
        if (pl->filled - pl->written >= (uint64_t)pl->nb) {
            drain(pl, 1);
            continue;
        }
        batch *b = &pl->b[pl->filled % (uint64_t)pl->nb];
        b->n = 0;
        b->first = next_index;
        uint64_t from = job->offset(job->ctx);
        int more = 1;
        while (b->n < BATCH && (more = job->read(job->ctx, b->recs[b->n]))) {
            b->n++;
            if (job->offset(job->ctx) - from >= BATCH_BYTES)
                break;
        }
        next_index += (uint64_t)b->n;
        input_done = !more;
        if (b->n > 0) {
            pthread_mutex_lock(&pl->mu);
            pl->filled++;
            pthread_cond_signal(&pl->work);
            pthread_mutex_unlock(&pl->mu);
        }
        drain(pl, 0);
    }
    while (pl->written < pl->filled && !*pl->broken)
        drain(pl, 1);
}

static int start_workers(pool *pl, worker *wk, int jobs)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, STACK_BYTES);   /* Lua wants deep C stacks */
    int started = 0;
    for (; started < jobs; started++) {
        wk[started].pl = pl;
        wk[started].index = started;
        if (pthread_create(&wk[started].tid, &attr, work, &wk[started]) != 0)
            break;
    }
    pthread_attr_destroy(&attr);
    return started;
}

int ring_run(const ring_job *job, int jobs, int *broken)
{
    pool pl = { .job = job, .broken = broken, .nb = 2 * jobs + 2 };
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
                *broken = 1;
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
    int started = start_workers(&pl, wk, jobs);
    if (started > 0)
        fill(&pl);
    pthread_mutex_lock(&pl.mu);
    pl.stop = 1;
    pl.taken = pl.filled;          /* after a write error, drop what is left */
    pthread_cond_broadcast(&pl.work);
    pthread_mutex_unlock(&pl.mu);
    for (int i = 0; i < started; i++)
        pthread_join(wk[i].tid, NULL);
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
