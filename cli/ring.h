/*
 * ring.h: the batch ring behind `gavel eval -j N` (ring.c): records are
 * read on the calling thread, decided by N worker threads, and written back
 * in input order. The ring knows nothing of decisions: the caller gives
 * how to read a record and how a worker turns a batch into output text.
 */
#ifndef GAVEL_RING_H
#define GAVEL_RING_H

#include <stdint.h>
#include <stdio.h>
#include "gavel.h"

typedef struct ring_job {
    void *ctx;
    /* Calling thread: the next record into rec, 1, or 0 at the end. */
    int      (*read)(void *ctx, gavel_record *rec);
    /* Calling thread: input bytes consumed so far (batches are cut by it). */
    uint64_t (*offset)(void *ctx);
    /* Worker `worker` (0..jobs-1): decides recs[0..n-1], the output's
     * records first.. onwards, writing their text to out. 0, or -1 when
     * some decisions could not be made (out of memory). */
    int      (*decide)(void *ctx, int worker, gavel_record *const *recs, int n,
                       uint64_t first, FILE *out);
    /* Calling thread: n more records were written to the output. */
    void     (*wrote)(void *ctx, int n);
    FILE     *out;
} ring_job;

/* Runs the job with `jobs` workers. Returns 0, or -1 when not every worker
 * could be started (the records read were still decided and written).
 * *broken is set when writing failed (errno says why) and the run stopped. */
int ring_run(const ring_job *job, int jobs, int *broken);

#endif
