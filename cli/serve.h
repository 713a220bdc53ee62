/*
 * serve.h: what the files of `gavel serve` share (docs/serve.md):
 *   serve.c          the command: options, the daemon, signals, draining
 *   serve_policy.c   policy generations (reference-counted, swapped on
 *                    reload) and each thread's evaluators
 *   serve_http.c     the routes: decide, policy, reload, healthz, metrics
 *   serve_log.c      the decision log: one write() per request, rotation
 *   serve_redact.c   --redact: evidence members left out of the log
 *   serve_metrics.c  the counters and their Prometheus text
 * They call gavel.h, cli.h, diff.h and libmicrohttpd; nothing else.
 */
#ifndef GAVEL_SERVE_H
#define GAVEL_SERVE_H

#include "cli.h"

#include <pthread.h>
#include <stdatomic.h>

struct sockaddr;
struct MHD_Daemon;

/* ---- serve_policy.c: generations ------------------------------------------ */

/* One loaded policy. Requests hold a reference for as long as they use it;
 * the last release frees it, so a reload never pulls a policy out from
 * under a request in flight. */
typedef struct serve_gen {
    gavel_policy      *policy;
    atomic_uint        refs;
    unsigned long long number;        /* 1, 2, ... per slot */
    char               loaded_at[32]; /* RFC 3339, UTC */
} serve_gen;

typedef struct serve_opts {
    const char *policy, *shadow, *context, *as_of, *id_field, *listen, *log;
    const char **redact;
    int         nredact, jobs, log_fsync;
    unsigned    timeout, conn_limit, per_ip;
    unsigned long long max_body, log_max_bytes;
    gavel_limits limits;
} serve_opts;

typedef struct serve_log serve_log;

enum { SLOT_MAIN, SLOT_SHADOW, NSLOTS };

/* Prometheus counters (serve_metrics.c). */
enum { LAT_BUCKETS = 12 };
typedef struct serve_names serve_names;   /* name -> count, under a lock */
typedef struct serve_metrics {
    atomic_ullong by_status[600];
    atomic_ullong errors, log_failures, reloads, reload_failures;
    atomic_ullong shadow_records, shadow_changed, shadow_reasons_changed;
    atomic_ullong lat_bucket[LAT_BUCKETS + 1], lat_count;
    atomic_ullong lat_micros;
    serve_names  *outcomes, *rules, *shadow_what;
} serve_metrics;

typedef struct server {
    serve_opts      o;
    pthread_mutex_t gen_lock;      /* guards slot[] pointers */
    serve_gen      *slot[NSLOTS];
    pthread_mutex_t reload_lock;   /* one reload at a time */
    serve_log      *log;
    serve_metrics   m;
    atomic_int      draining;
    atomic_ullong   next_request;
    pthread_mutex_t idle_lock;
    pthread_cond_t  idle;          /* in_flight fell to 0 */
    long            in_flight;
} server;

/* Loads dir; NULL with *diags (malloc'ed "file:line:col: error: ..." lines). */
serve_gen *serve_gen_load(const char *dir, const gavel_limits *limits, char **diags);
serve_gen *serve_gen_acquire(server *s, int slot);  /* NULL: no such slot */
void       serve_gen_release(serve_gen *g);
/* Loads the main policy again and swaps it in: 0, or -1 with *diags. */
int        serve_reload(server *s, char **diags);

/* This thread's evaluator and decision for generation g (made on first
 * use, with the run's context, as_of and id field). NULL after saying why. */
typedef struct serve_decider {
    gavel_evaluator *ev;
    gavel_decision  *d;
} serve_decider;
int            serve_threads_init(server *s);
serve_decider *serve_decider_for(server *s, serve_gen *g, int slot);
gavel_record  *serve_thread_record(void);
/* Frees the calling thread's evaluators (threads that exit do it themselves). */
void           serve_thread_done(void);

/* ---- serve_log.c --------------------------------------------------------- */

serve_log *serve_log_open(const char *path, unsigned long long max_bytes, int fsync_each);
/* Appends len bytes (whole lines) in one write(); 0, or -1 with errno when
 * they could not all be written (then none of them are in the file). */
int        serve_log_write(serve_log *l, const char *text, size_t len);
void       serve_log_close(serve_log *l);

/* ---- serve_redact.c ------------------------------------------------------ */

/* The decision JSON with the evidence members at `paths` removed
 * (malloc'ed, *outlen its length); NULL when out of memory. */
char *serve_redact(const char *json, size_t len, const char *const *paths, size_t n,
                   size_t *outlen);

/* ---- serve_metrics.c ----------------------------------------------------- */

int   serve_metrics_init(serve_metrics *m);
void  serve_metrics_free(serve_metrics *m);
void  serve_metrics_request(serve_metrics *m, unsigned status, double seconds);
void  serve_metrics_decision(serve_metrics *m, const gavel_decision *d);
/* A record the shadow decides otherwise: "decision", or gavel diff's words. */
void  serve_metrics_shadow(serve_metrics *m, const char *what);
char *serve_metrics_text(server *s, size_t *len);

/* ---- serve_http.c --------------------------------------------------------- */

struct MHD_Daemon *serve_http_start(server *s, const struct sockaddr *addr);
/* RFC 3339 UTC with milliseconds, now. */
void serve_now(char *buf, size_t size);

#endif
