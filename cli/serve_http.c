/*
 * serve_http.c: the routes of `gavel serve` on libmicrohttpd
 * (docs/serve.md):
 *   POST /v1/decide   a record (application/json) or records
 *                     (application/x-ndjson): their decisions, each byte
 *                     for byte what `gavel eval` writes for it
 *   POST /v1/reload   load the policy again (422 and diagnostics if not)
 *   GET  /v1/policy   what is serving; GET /healthz; GET /metrics
 * A request's body is collected up to --max-body, then decided on the
 * pool thread that received it, logged, and only then answered.
 *
 * Calls gavel.h, cli.h, diff.h, the other serve files and libmicrohttpd.
 */
#include "serve.h"
#include "diff.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef enum route { R_NONE, R_DECIDE, R_RELOAD, R_POLICY, R_HEALTH, R_METRICS } route;
typedef enum body_kind { B_JSON = 1, B_NDJSON } body_kind;

typedef struct request {
    server   *s;
    route     route;
    body_kind kind;
    int       too_large, answered;
    unsigned  status;
    char     *body;
    size_t    len, cap;
    struct timespec start;
    char      id[80];
} request;

void serve_now(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char day[24];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%.19s.%03dZ", day, (int)(ts.tv_nsec / 1000000) % 1000);
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- answers ------------------------------------------------------------------------ */

static enum MHD_Result answer(struct MHD_Connection *c, request *rq, unsigned status,
                              const char *type, char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    if (rq->id[0])
        MHD_add_response_header(r, "X-Request-Id", rq->id);
    if (status == 405)
        MHD_add_response_header(r, "Allow", rq->route == R_DECIDE || rq->route == R_RELOAD
                                ? "POST" : "GET, HEAD");
    rq->status = status;
    rq->answered = 1;
    /* counted now, not when MHD is done with the connection: a client that
     * has its answer finds it in /metrics */
    serve_metrics_request(&rq->s->m, status, since(&rq->start));
    enum MHD_Result st = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return st;
}

/* {"error":"MESSAGE"} plus `more` members (text already JSON, may be ""). */
static enum MHD_Result answer_error(struct MHD_Connection *c, request *rq, unsigned status,
                                    const char *message, const char *more)
{
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f)
        return MHD_NO;
    fputs("{\"error\":", f);
    cli_json_string(f, message);
    fprintf(f, "%s}\n", more ? more : "");
    fclose(f);
    return answer(c, rq, status, "application/json", body, len);
}

static enum MHD_Result answer_text(struct MHD_Connection *c, request *rq, unsigned status,
                                   const char *type, const char *text)
{
    char *body = cli_strdup(text);
    return answer(c, rq, status, type, body, strlen(body));
}

/* ---- deciding ---------------------------------------------------------------------- */

typedef struct batch {
    FILE   *out, *log;          /* memstreams: the response, the log lines */
    char   *out_text, *log_text;
    size_t  out_len, log_len;
    const char *request_id;
    char    time[32];
    unsigned long long line;    /* the record's number in the request */
} batch;

static void put_rules(FILE *f, const gavel_decision *d)
{
    fputc('[', f);
    for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", gavel_decision_reason(d, i)->rule);
    fputc(']', f);
}

/* The shadow's decision, when it differs: "shadow":{...} in the log line,
 * and the counts in the metrics, as `gavel diff` counts. */
static void shadow_compare(server *s, batch *b, const gavel_decision *d, serve_gen *sg,
                           const gavel_decision *sd)
{
    atomic_fetch_add(&s->m.shadow_records, 1);
    char *what = NULL;
    int changed = strcmp(gavel_decision_outcome(d), gavel_decision_outcome(sd)) != 0;
    if (changed)
        atomic_fetch_add(&s->m.shadow_changed, 1);
    else if ((what = diff_what_changed(d, sd)) != NULL)
        atomic_fetch_add(&s->m.shadow_reasons_changed, 1);
    if (changed || what)
        serve_metrics_shadow(&s->m, changed ? "decision" : what);
    if (b->log && (changed || what)) {
        fprintf(b->log, ",\"shadow\":{\"digest\":\"%s\",\"decision\":",
                gavel_policy_digest(sg->policy));
        cli_json_string(b->log, gavel_decision_outcome(sd));
        fputs(",\"rules\":", b->log);
        put_rules(b->log, sd);
        fputs(",\"differs\":", b->log);
        cli_json_string(b->log, changed ? "decision" : what);
        fputc('}', b->log);
    }
    free(what);
}

/* Decides one record: its line in the response and in the log. */
static int decide_one(server *s, batch *b, const gavel_record *rec, serve_decider *main,
                      serve_gen *sg, serve_decider *shadow)
{
    gavel_status st = gavel_evaluate(main->ev, rec, main->d);
    size_t len = 0;
    const char *json = st == GAVEL_ENOMEM || st == GAVEL_EARG ? NULL
                     : gavel_decision_json(main->d, &len);
    if (!json)
        return -1;
    b->line++;
    fwrite(json, 1, len, b->out);
    fputc('\n', b->out);
    serve_metrics_decision(&s->m, main->d);
    if (b->log) {
        char *redacted = NULL;
        size_t rlen = 0;
        if (s->o.nredact && !(redacted = serve_redact(json, len, s->o.redact,
                                                      (size_t)s->o.nredact, &rlen)))
            return -1;                           /* never log what should be redacted */
        if (redacted)
            fwrite(redacted, 1, rlen - 1, b->log);
        else
            fwrite(json, 1, len - 1, b->log);    /* without its closing brace */
        free(redacted);
        fprintf(b->log, ",\"served\":{\"request\":");
        cli_json_string(b->log, b->request_id);
        fprintf(b->log, ",\"record\":%llu,\"time\":\"%s\"", b->line, b->time);
    }
    if (shadow && gavel_evaluate(shadow->ev, rec, shadow->d) != GAVEL_ENOMEM)
        shadow_compare(s, b, main->d, sg, shadow->d);
    if (b->log)
        fputs("}}\n", b->log);
    return 0;
}

/* "<stdin>:3:14: message" -> line 3, column 14. */
static void where_of(const char *msg, unsigned *line, unsigned *col)
{
    const char *p = strstr(msg, ">:");
    *line = *col = 0;
    if (p)
        sscanf(p + 2, "%u:%u", line, col);
}

/* The records of the body decided into b; 0, or an HTTP status. */
static unsigned decide_body(server *s, request *rq, batch *b, serve_decider *main,
                            serve_gen *g, serve_gen *sg, serve_decider *shadow, char *err,
                            size_t errsz)
{
    gavel_record *rec = serve_thread_record();
    if (!rec)
        return 500;
    const gavel_limits *lim = gavel_policy_limits(g->policy);
    if (rq->kind == B_JSON) {
        /* One value, read as `gavel eval` reads a line of its standard
         * input: record 1 of "<stdin>". */
        if (gavel_record_parse(rec, rq->body, rq->len, GAVEL_JSON, "<stdin>", lim) != GAVEL_OK) {
            snprintf(err, errsz, "%s", gavel_record_errmsg(rec));
            return 400;
        }
        gavel_record_set_position(rec, 1);
        return decide_one(s, b, rec, main, sg, shadow) ? 500 : 0;
    }
    gavel_reader *rd = gavel_reader_open_text(rq->body, rq->len, "<stdin>", lim);
    if (!rd)
        return 500;
    int st;
    while ((st = gavel_reader_next(rd, rec)) == 1)
        if (decide_one(s, b, rec, main, sg, shadow) != 0)
            break;
    gavel_reader_free(rd);
    return st == 0 ? 0 : 500;
}

/* Sets the request's as_of and id field (query parameters) on the
 * evaluator; NULL, or what was wrong. */
static const char *per_request(server *s, struct MHD_Connection *c, serve_decider *d)
{
    const char *as_of = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "as_of");
    const char *id_field = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "id_field");
    if (gavel_evaluator_set_as_of(d->ev, as_of ? as_of : s->o.as_of) != GAVEL_OK)
        return gavel_evaluator_errmsg(d->ev);
    if (gavel_evaluator_set_id_field(d->ev, id_field ? id_field : s->o.id_field ? s->o.id_field
                                                                                : "id") != GAVEL_OK)
        return "id_field must not be empty";
    return NULL;
}

static enum MHD_Result finish_decide(server *s, struct MHD_Connection *c, request *rq,
                                     batch *b, unsigned status, const char *err)
{
    fclose(b->out);
    if (b->log)
        fclose(b->log);
    if (status == 400) {
        char more[64] = "";
        unsigned line, col;
        where_of(err, &line, &col);
        if (line)
            snprintf(more, sizeof more, ",\"line\":%u,\"column\":%u", line, col);
        free(b->out_text);
        free(b->log_text);
        return answer_error(c, rq, 400, err, more);
    }
    if (status == 0 && s->log && serve_log_write(s->log, b->log_text, b->log_len) != 0) {
        atomic_fetch_add(&s->m.log_failures, 1);
        status = 503;
        err = "the decision log cannot be written: nothing is decided unlogged";
    }
    free(b->log_text);
    if (status) {
        free(b->out_text);
        return answer_error(c, rq, status, err && *err ? err : "could not decide", NULL);
    }
    return answer(c, rq, 200, rq->kind == B_JSON ? "application/json" : "application/x-ndjson",
                  b->out_text, b->out_len);
}

static enum MHD_Result handle_decide(server *s, struct MHD_Connection *c, request *rq)
{
    serve_gen *g = serve_gen_acquire(s, SLOT_MAIN), *sg = serve_gen_acquire(s, SLOT_SHADOW);
    serve_decider *main = serve_decider_for(s, g, SLOT_MAIN);
    serve_decider *shadow = sg ? serve_decider_for(s, sg, SLOT_SHADOW) : NULL;
    batch b = { .request_id = rq->id };
    char err[512] = "";
    unsigned status = 0;
    const char *bad = NULL;
    serve_now(b.time, sizeof b.time);
    b.out = open_memstream(&b.out_text, &b.out_len);
    if (s->log)
        b.log = open_memstream(&b.log_text, &b.log_len);
    if (shadow && per_request(s, c, shadow) != NULL)
        shadow = NULL;           /* the shadow's trouble is never the request's */
    if (!main || !b.out || (s->log && !b.log))
        status = 500;
    else if ((bad = per_request(s, c, main)) != NULL) {
        snprintf(err, sizeof err, "%s", bad);
        status = 400;
    } else
        status = decide_body(s, rq, &b, main, g, sg, shadow, err, sizeof err);
    enum MHD_Result r;
    if (!b.out || (s->log && !b.log)) {
        if (b.out)
            fclose(b.out);
        if (b.log)
            fclose(b.log);
        free(b.out_text);
        free(b.log_text);
        r = answer_text(c, rq, 500, "text/plain", "out of memory\n");
    } else
        r = finish_decide(s, c, rq, &b, status, err);
    serve_gen_release(sg);
    serve_gen_release(g);
    return r;
}

/* ---- the other routes ---------------------------------------------------------------- */

/* The policy's members, the object left open. */
static void put_policy(FILE *f, serve_gen *g)
{
    const gavel_policy *p = g->policy;
    fputs("{\"name\":", f);
    cli_json_string(f, gavel_policy_name(p));
    fputs(",\"version\":", f);
    cli_json_string(f, gavel_policy_version(p));
    fprintf(f, ",\"digest\":\"%s\",\"outcomes\":[", gavel_policy_digest(p));
    for (size_t i = 0; i < gavel_policy_noutcomes(p); i++) {
        fputs(i ? "," : "", f);
        cli_json_string(f, gavel_policy_outcome(p, i));
    }
    fputs("],\"actions\":[", f);
    for (size_t i = 0; i < gavel_policy_nactions(p); i++) {
        fputs(i ? "," : "", f);
        cli_json_string(f, gavel_policy_action(p, i));
    }
    fprintf(f, "],\"rules\":%zu,\"generation\":%llu,\"loaded_at\":\"%s\"",
            gavel_policy_nrules(p), g->number, g->loaded_at);
}

static enum MHD_Result handle_policy(server *s, struct MHD_Connection *c, request *rq)
{
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f)
        return MHD_NO;
    serve_gen *g = serve_gen_acquire(s, SLOT_MAIN), *sg = serve_gen_acquire(s, SLOT_SHADOW);
    put_policy(f, g);
    if (sg) {
        fputs(",\"shadow\":", f);
        put_policy(f, sg);
        fputc('}', f);
    }
    fputs("}\n", f);
    fclose(f);
    serve_gen_release(sg);
    serve_gen_release(g);
    return answer(c, rq, 200, "application/json", body, len);
}

static enum MHD_Result handle_reload(server *s, struct MHD_Connection *c, request *rq)
{
    char *diags = NULL;
    if (serve_reload(s, &diags) == 0)
        return handle_policy(s, c, rq);
    /* the diagnostics as a list of "file:line:col: error: ..." strings */
    char *more = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&more, &len);
    if (!f) {
        free(diags);
        return MHD_NO;
    }
    fputs(",\"diagnostics\":[", f);
    int first = 1;
    for (char *line = diags, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        fputs(first ? "" : ",", f);
        cli_json_string(f, line);
        first = 0;
    }
    fputc(']', f);
    fclose(f);
    cli_warn("reload failed; still serving the policy loaded before");
    enum MHD_Result r = answer_error(c, rq, 422, "the policy did not load; the old one serves on",
                                     more);
    free(more);
    free(diags);
    return r;
}

static enum MHD_Result handle_get(server *s, struct MHD_Connection *c, request *rq)
{
    if (rq->route == R_POLICY)
        return handle_policy(s, c, rq);
    if (rq->route == R_HEALTH)
        return atomic_load(&s->draining) ? answer_text(c, rq, 503, "text/plain", "draining\n")
                                         : answer_text(c, rq, 200, "text/plain", "ok\n");
    size_t len = 0;
    char *text = serve_metrics_text(s, &len);
    return text ? answer(c, rq, 200, "text/plain; version=0.0.4", text, len) : MHD_NO;
}

/* ---- the request cycle --------------------------------------------------------------- */

static route route_of(const char *url)
{
    static const struct { const char *path; route r; } routes[] = {
        { "/v1/decide", R_DECIDE }, { "/v1/reload", R_RELOAD }, { "/v1/policy", R_POLICY },
        { "/healthz", R_HEALTH }, { "/metrics", R_METRICS },
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
        if (!strcmp(url, routes[i].path))
            return routes[i].r;
    return R_NONE;
}

/* application/json or application/x-ndjson, parameters (charset) aside. */
static body_kind kind_of(const char *type)
{
    if (!type)
        return 0;
    size_t n = strcspn(type, ";");
    while (n && (type[n - 1] == ' ' || type[n - 1] == '\t'))
        n--;
    if (n == 16 && !strncasecmp(type, "application/json", n))
        return B_JSON;
    if (n == 20 && !strncasecmp(type, "application/x-ndjson", n))
        return B_NDJSON;
    return 0;
}

static void request_id(server *s, struct MHD_Connection *c, request *rq)
{
    const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    size_t n = given ? strlen(given) : 0;
    int ok = n > 0 && n < sizeof rq->id;
    for (size_t i = 0; ok && i < n; i++)
        ok = given[i] > ' ' && given[i] < 0x7f && given[i] != '"' && given[i] != '\\';
    if (ok)
        memcpy(rq->id, given, n + 1);
    else
        snprintf(rq->id, sizeof rq->id, "%lx-%llu", (long)getpid(),
                 atomic_fetch_add(&s->next_request, 1) + 1);
}

/* The first call for a request: its route, method, type and length. */
static enum MHD_Result begin(server *s, struct MHD_Connection *c, request *rq, const char *url,
                             const char *method)
{
    rq->route = route_of(url);
    request_id(s, c, rq);
    int post = !strcmp(method, "POST"), get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (rq->route == R_NONE)
        return answer_error(c, rq, 404, "no such path (/v1/decide, /v1/reload, /v1/policy, "
                            "/healthz, /metrics)", NULL);
    if ((rq->route <= R_RELOAD && !post) || (rq->route > R_RELOAD && !get))
        return answer_error(c, rq, 405, "method not allowed", NULL);
    if (rq->route != R_DECIDE)
        return MHD_YES;
    if (!(rq->kind = kind_of(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"))))
        return answer_error(c, rq, 415, "Content-Type must be application/json or "
                            "application/x-ndjson", NULL);
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (length && strtoull(length, NULL, 10) > s->o.max_body)
        return answer_error(c, rq, 413, "the body is longer than --max-body", NULL);
    return MHD_YES;
}

static int take_body(server *s, request *rq, const char *data, size_t n)
{
    if (rq->too_large || rq->len + n > s->o.max_body) {
        rq->too_large = 1;
        free(rq->body);
        rq->body = NULL;
        rq->len = rq->cap = 0;
        return 0;
    }
    if (rq->len + n + 1 > rq->cap) {
        size_t cap = rq->cap ? rq->cap : 4096;
        while (cap < rq->len + n + 1)
            cap *= 2;
        char *b = realloc(rq->body, cap);
        if (!b)
            return -1;
        rq->body = b;
        rq->cap = cap;
    }
    memcpy(rq->body + rq->len, data, n);
    rq->len += n;
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    (void)version;
    server *s = cls;
    request *rq = *con_cls;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        rq->s = s;
        *con_cls = rq;
        pthread_mutex_lock(&s->idle_lock);
        s->in_flight++;
        pthread_mutex_unlock(&s->idle_lock);
        return begin(s, c, rq, url, method);
    }
    if (rq->answered) {
        *data_size = 0;         /* the rest of a refused body is dropped */
        return MHD_YES;
    }
    if (*data_size) {
        int st = take_body(s, rq, data, *data_size);
        *data_size = 0;
        return st == 0 ? MHD_YES : MHD_NO;
    }
    if (rq->too_large)
        return answer_error(c, rq, 413, "the body is longer than --max-body", NULL);
    if (rq->route == R_DECIDE)
        return handle_decide(s, c, rq);
    if (rq->route == R_RELOAD)
        return handle_reload(s, c, rq);
    return handle_get(s, c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    server *s = cls;
    request *rq = *con_cls;
    if (!rq)
        return;
    free(rq->body);
    free(rq);
    *con_cls = NULL;
    pthread_mutex_lock(&s->idle_lock);
    if (--s->in_flight == 0)
        pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->idle_lock);
}

struct MHD_Daemon *serve_http_start(server *s, const struct sockaddr *addr)
{
    /* no MHD_USE_ERROR_LOG: a flood of malformed requests would be a flood
     * of lines on stderr; the clients get their 4xx */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, addr,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.jobs,
                            MHD_OPTION_CONNECTION_LIMIT, s->o.conn_limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_END);
}
