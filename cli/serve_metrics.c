/*
 * serve_metrics.c: the counters of `gavel serve` and GET /metrics, in the
 * Prometheus text exposition format (version 0.0.4). Plain counters are
 * atomics; decisions by outcome and by determining rule are counted under
 * a lock in a small table of names (a request takes it once per record).
 *
 * Calls gavel.h and the C library.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

struct serve_names {
    pthread_mutex_t lock;
    char          **name;
    unsigned long long *count;
    size_t          n, cap;
};

static const double lat_bounds[LAT_BUCKETS] = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
};

static serve_names *names_new(void)
{
    serve_names *t = calloc(1, sizeof *t);
    if (t)
        pthread_mutex_init(&t->lock, NULL);
    return t;
}

static void names_free(serve_names *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->name[i]);
    free(t->name);
    free(t->count);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static void names_add(serve_names *t, const char *name)
{
    if (!name)
        return;
    pthread_mutex_lock(&t->lock);
    size_t i = 0;
    while (i < t->n && strcmp(t->name[i], name))
        i++;
    if (i == t->n && t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **nm = realloc(t->name, cap * sizeof *nm);
        if (nm)
            t->name = nm;
        unsigned long long *c = nm ? realloc(t->count, cap * sizeof *c) : NULL;
        if (c) {
            t->count = c;
            t->cap = cap;
        }
    }
    if (i == t->n && t->n < t->cap && (t->name[i] = strdup(name)) != NULL)
        t->count[t->n++] = 0;
    if (i < t->n)
        t->count[i]++;
    pthread_mutex_unlock(&t->lock);
}

int serve_metrics_init(serve_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->outcomes = names_new();
    m->rules = names_new();
    m->shadow_what = names_new();
    return m->outcomes && m->rules && m->shadow_what ? 0 : -1;
}

void serve_metrics_free(serve_metrics *m)
{
    names_free(m->outcomes);
    names_free(m->rules);
    names_free(m->shadow_what);
}

void serve_metrics_request(serve_metrics *m, unsigned status, double seconds)
{
    atomic_fetch_add(&m->by_status[status < 600 ? status : 599], 1);
    int b = 0;
    while (b < LAT_BUCKETS && seconds > lat_bounds[b])
        b++;
    atomic_fetch_add(&m->lat_bucket[b], 1);
    atomic_fetch_add(&m->lat_count, 1);
    atomic_fetch_add(&m->lat_micros, (unsigned long long)(seconds * 1e6));
}

void serve_metrics_decision(serve_metrics *m, const gavel_decision *d)
{
    names_add(m->outcomes, gavel_decision_outcome(d));
    for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
        names_add(m->rules, gavel_decision_reason(d, i)->rule);
    if (gavel_decision_nerrors(d))
        atomic_fetch_add(&m->errors, 1);
}

void serve_metrics_shadow(serve_metrics *m, const char *what)
{
    names_add(m->shadow_what, what);
}

/* A label value: backslash, quote and newline escaped. */
static void put_label(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', f);
        if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
}

static void put_names(FILE *f, serve_names *t, const char *metric, const char *label,
                      const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", metric, help, metric);
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->n; i++) {
        fprintf(f, "%s{%s=\"", metric, label);
        put_label(f, t->name[i]);
        fprintf(f, "\"} %llu\n", t->count[i]);
    }
    pthread_mutex_unlock(&t->lock);
}

static void put_counter(FILE *f, const char *metric, const char *help, unsigned long long v)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", metric, help, metric, metric, v);
}

static void put_latency(FILE *f, serve_metrics *m)
{
    const char *h = "gavel_serve_request_duration_seconds";
    fprintf(f, "# HELP %s Time from a request's headers to its response.\n# TYPE %s histogram\n",
            h, h);
    unsigned long long sum = 0;
    for (int b = 0; b <= LAT_BUCKETS; b++) {
        sum += atomic_load(&m->lat_bucket[b]);
        if (b < LAT_BUCKETS)
            fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", h, lat_bounds[b], sum);
        else
            fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", h, sum);
    }
    fprintf(f, "%s_sum %.6f\n%s_count %llu\n", h, atomic_load(&m->lat_micros) / 1e6, h,
            atomic_load(&m->lat_count));
}

static void put_info(FILE *f, server *s)
{
    fputs("# HELP gavel_serve_policy_info The policy serving (and the shadow), by digest.\n"
          "# TYPE gavel_serve_policy_info gauge\n", f);
    for (int slot = 0; slot < NSLOTS; slot++) {
        serve_gen *g = serve_gen_acquire(s, slot);
        if (!g)
            continue;
        fprintf(f, "gavel_serve_policy_info{role=\"%s\",name=\"", slot ? "shadow" : "main");
        put_label(f, gavel_policy_name(g->policy));
        fputs("\",version=\"", f);
        put_label(f, gavel_policy_version(g->policy));
        fprintf(f, "\",digest=\"%s\"} 1\n", gavel_policy_digest(g->policy));
        serve_gen_release(g);
    }
}

char *serve_metrics_text(server *s, size_t *len)
{
    serve_metrics *m = &s->m;
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    fputs("# HELP gavel_serve_requests_total Requests answered, by HTTP status.\n"
          "# TYPE gavel_serve_requests_total counter\n", f);
    for (unsigned st = 100; st < 600; st++)
        if (atomic_load(&m->by_status[st]))
            fprintf(f, "gavel_serve_requests_total{code=\"%u\"} %llu\n", st,
                    atomic_load(&m->by_status[st]));
    put_names(f, m->outcomes, "gavel_serve_decisions_total", "outcome", "Decisions, by outcome.");
    put_names(f, m->rules, "gavel_serve_decisions_by_rule_total", "rule",
              "Decisions, by determining rule.");
    put_counter(f, "gavel_serve_decision_errors_total", "Decisions with errors (on_error).",
                atomic_load(&m->errors));
    put_counter(f, "gavel_serve_log_failures_total", "Requests answered 503: the log failed.",
                atomic_load(&m->log_failures));
    put_counter(f, "gavel_serve_reloads_total", "Reloads tried.", atomic_load(&m->reloads));
    put_counter(f, "gavel_serve_reload_failures_total", "Reloads that left the old policy.",
                atomic_load(&m->reload_failures));
    put_counter(f, "gavel_serve_shadow_records_total", "Records also decided by the shadow.",
                atomic_load(&m->shadow_records));
    put_counter(f, "gavel_serve_shadow_changed_total",
                "Records the shadow decides otherwise (gavel diff: changed).",
                atomic_load(&m->shadow_changed));
    put_counter(f, "gavel_serve_shadow_reasons_changed_total",
                "Records with the same decision for other reasons or measures "
                "(gavel diff: reasons changed).", atomic_load(&m->shadow_reasons_changed));
    pthread_mutex_lock(&s->idle_lock);
    long in_flight = s->in_flight;
    pthread_mutex_unlock(&s->idle_lock);
    fprintf(f, "# HELP gavel_serve_requests_in_flight Requests begun and not yet answered.\n"
            "# TYPE gavel_serve_requests_in_flight gauge\ngavel_serve_requests_in_flight %ld\n",
            in_flight);
    put_names(f, m->shadow_what, "gavel_serve_shadow_differences_total", "what",
              "Records the shadow decides differently, by what differs.");
    put_latency(f, m);
    put_info(f, s);
    fclose(f);
    return text;
}
