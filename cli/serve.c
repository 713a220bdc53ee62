/*
 * serve.c: `gavel serve`: decisions over HTTP (docs/serve.md). Its
 * options, loading the policies, starting the daemon (serve_http.c), and
 * the main thread's one job after that: waiting for signals. SIGHUP
 * reloads the policy; SIGTERM and SIGINT drain: no new connections, the
 * requests in flight answered, then exit 0.
 *
 * Calls gavel.h, cli.h, the other serve files and libmicrohttpd.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char serve_usage[] =
    "usage: gavel serve -p POLICY [options]\n"
    "\n"
    "Decides records sent over HTTP: POST /v1/decide (application/json: one\n"
    "record; application/x-ndjson: one per line) answers what 'gavel eval' writes.\n"
    "Also GET /v1/policy, /healthz, /metrics and POST /v1/reload (docs/serve.md).\n"
    "\n"
    "  -p, --policy DIR       the policy directory (or its policy.yaml)\n"
    "      --listen ADDR:PORT where to listen (default 127.0.0.1:8181; port 0 picks\n"
    "                         a free one); the address is printed on stderr\n"
    "      --context FILE     context file seen by rules as ctx\n"
    "      --as-of DATE       evaluation date (default: the context's, else today);\n"
    "                         a request's ?as_of= wins\n"
    "      --id-field NAME    record field used as the decision id (default: id);\n"
    "                         a request's ?id_field= wins\n"
    "  -j, --jobs N           threads deciding (default: the number of cores)\n"
    "      --shadow DIR       also decide every record under this policy; count and\n"
    "                         log the differences; answers never depend on it\n"
    "      --log FILE         the decision log: a line per decision, written before\n"
    "                         the answer; 503 when it cannot be written\n"
    "      --log-max-bytes SIZE  start a new log past SIZE (FILE becomes FILE.N)\n"
    "      --log-fsync        fdatasync the log after every request\n"
    "      --redact PATH      leave this field out of the evidence in the log (a\n"
    "                         dotted path in evidence, e.g. posts.text; repeatable)\n"
    "      --max-body SIZE    largest request body (default: --max-record-bytes)\n"
    "      --timeout SECONDS  close a connection idle this long (default 30)\n"
    "      --max-connections N  connections at once (default 1000)\n"
    "      --max-per-ip N     connections at once from one address (default: no limit)\n"
    "  -h, --help             this help\n"
    "\n"
    "SIGHUP reloads the policy (as POST /v1/reload); SIGTERM finishes the requests\n"
    "in flight and exits 0.\n";

enum {
    OPT_LISTEN = 1, OPT_CONTEXT, OPT_AS_OF, OPT_ID_FIELD, OPT_SHADOW, OPT_LOG, OPT_LOG_MAX,
    OPT_LOG_FSYNC, OPT_REDACT, OPT_MAX_BODY, OPT_TIMEOUT, OPT_MAX_CONN, OPT_MAX_PER_IP
};

static const cli_option serve_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "listen", 0, OPT_VALUE, OPT_LISTEN, NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "as-of", 0, OPT_VALUE, OPT_AS_OF, NULL },
    { "id-field", 0, OPT_VALUE, OPT_ID_FIELD, NULL },
    { "jobs", 'j', OPT_VALUE, 'j', NULL },
    { "shadow", 0, OPT_VALUE, OPT_SHADOW, NULL },
    { "log", 0, OPT_VALUE, OPT_LOG, NULL },
    { "log-max-bytes", 0, OPT_VALUE, OPT_LOG_MAX, NULL },
    { "log-fsync", 0, OPT_FLAG, OPT_LOG_FSYNC, NULL },
    { "redact", 0, OPT_VALUE, OPT_REDACT, NULL },
    { "max-body", 0, OPT_VALUE, OPT_MAX_BODY, NULL },
    { "timeout", 0, OPT_VALUE, OPT_TIMEOUT, NULL },
    { "max-connections", 0, OPT_VALUE, OPT_MAX_CONN, NULL },
    { "max-per-ip", 0, OPT_VALUE, OPT_MAX_PER_IP, NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

/* A count option: 0, or -1 after saying what was wrong. */
static int count_of(const cli_opts *args, unsigned long long max, unsigned long long *out)
{
    if (cli_parse_size(args->value, out) != 0 || *out > max) {
        cli_error("%s needs a number up to %llu, not '%s'", args->name, max, args->value);
        return -1;
    }
    return 0;
}

static int small_count(const cli_opts *args, unsigned max, unsigned *out)
{
    unsigned long long n;
    if (count_of(args, max, &n) != 0)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static int serve_option(void *ctx, const cli_opts *args, int id)
{
    serve_opts *o = ctx;
    const char *v = args->value;
    unsigned long long n;
    switch (id) {
    case 'p': o->policy = v; break;
    case OPT_LISTEN: o->listen = v; break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_AS_OF: o->as_of = v; break;
    case OPT_ID_FIELD: o->id_field = v; break;
    case OPT_SHADOW: o->shadow = v; break;
    case OPT_LOG: o->log = v; break;
    case OPT_LOG_FSYNC: o->log_fsync = 1; break;
    case OPT_REDACT:
        if (!cli_dotted_path_ok(v)) {
            cli_error("--redact needs a dotted path of field names (posts.text), not '%s'", v);
            return -1;
        }
        o->redact[o->nredact++] = v;
        break;
    case OPT_LOG_MAX: return count_of(args, ~0ULL, &o->log_max_bytes);
    case OPT_MAX_BODY: return count_of(args, (size_t)-1 / 2, &o->max_body);
    case 'j':
        if (count_of(args, 256, &n) != 0)
            return -1;
        if (n == 0) {
            cli_error("-j needs 1 to 256 threads");
            return -1;
        }
        o->jobs = (int)n;
        break;
    case OPT_TIMEOUT: return small_count(args, 86400, &o->timeout);
    case OPT_MAX_CONN: return small_count(args, 1000000, &o->conn_limit);
    case OPT_MAX_PER_IP: return small_count(args, 1000000, &o->per_ip);
    case 'h':
        cli_help(serve_usage, cli_limit_help);
        return 1;
    case OPT_OPERAND:
        return cli_opts_unknown(args, v) == OPT_ERROR ? -1 : -1;
    default: {
        gavel_format ignored;
        return cli_input_option(args, id, &ignored, &o->limits) < 0 ? -1 : 0;
    }
    }
    return 0;
}

/* "127.0.0.1:8181" into an IPv4 socket address; 0, or -1 after saying why. */
static int parse_listen(const char *s, struct sockaddr_in *sa)
{
    const char *colon = strrchr(s, ':');
    char host[64];
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - s) >= sizeof host || colon[1] == '\0' || *end || port < 0 ||
        port > 65535) {
        cli_error("--listen needs ADDR:PORT (an IPv4 address), not '%s'", s);
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        cli_error("--listen: '%s' is not an IPv4 address", host);
        return -1;
    }
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

/* Loads the policies and checks the context and as_of once, here, so a
 * mistake is said at start and not on every request. */
static int load(server *s)
{
    const char *dirs[NSLOTS] = { s->o.policy, s->o.shadow };
    for (int slot = 0; slot < NSLOTS; slot++) {
        if (!dirs[slot])
            continue;
        char *diags = NULL;
        if (!(s->slot[slot] = serve_gen_load(dirs[slot], &s->o.limits, &diags))) {
            fputs(diags ? diags : "out of memory\n", stderr);
            free(diags);
            return -1;
        }
        s->slot[slot]->number = 1;
        gavel_evaluator *ev = cli_evaluator(s->slot[slot]->policy, s->o.context, s->o.as_of,
                                            NULL, s->o.id_field);
        if (!ev)
            return -1;
        gavel_evaluator_free(ev);
    }
    if (!s->o.max_body)
        s->o.max_body = gavel_policy_limits(s->slot[SLOT_MAIN]->policy)->record_bytes;
    if (s->o.log && !(s->log = serve_log_open(s->o.log, s->o.log_max_bytes, s->o.log_fsync))) {
        cli_error("%s: cannot open the log: %s", s->o.log, strerror(errno));
        return -1;
    }
    return 0;
}

/* Stops taking connections, waits for the requests in flight (at most
 * --timeout seconds more), then stops the daemon. */
static void drain(server *s, struct MHD_Daemon *d)
{
    atomic_store(&s->draining, 1);
    /* the listening socket is ours now, but the pool's threads may still
     * be taking it out of their epoll sets: closed once they have stopped */
    MHD_socket fd = MHD_quiesce_daemon(d);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->o.timeout ? s->o.timeout : 30;
    pthread_mutex_lock(&s->idle_lock);
    while (s->in_flight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->idle_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&s->idle_lock);
    MHD_stop_daemon(d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
}

static void wait_for_signals(server *s, struct MHD_Daemon *d, const sigset_t *set)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        char *diags = NULL;
        if (serve_reload(s, &diags) == 0) {
            serve_gen *g = serve_gen_acquire(s, SLOT_MAIN);
            cli_warn("reloaded: %s", gavel_policy_digest(g->policy));
            serve_gen_release(g);
        } else {
            fputs(diags ? diags : "", stderr);
            cli_warn("reload failed; still serving the policy loaded before");
        }
        free(diags);
    }
    drain(s, d);
}

static int run(server *s)
{
    struct sockaddr_in sa;
    if (parse_listen(s->o.listen, &sa) != 0 || load(s) != 0 || serve_threads_init(s) != 0)
        return EXIT_TROUBLE;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);     /* the pool's threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = serve_http_start(s, (const struct sockaddr *)&sa);
    if (!d) {
        cli_error("cannot listen on %s: %s", s->o.listen, strerror(errno));
        return EXIT_TROUBLE;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    fprintf(stderr, "gavel: listening on http://%s:%u\n", host, info ? info->port : 0);
    fflush(stderr);
    wait_for_signals(s, d, &set);
    serve_thread_done();
    return EXIT_DONE;
}

int cmd_serve(int argc, char **argv)
{
    static server s;
    memset(&s.o, 0, sizeof s.o);
    s.o.listen = "127.0.0.1:8181";
    s.o.timeout = 30;
    s.o.conn_limit = 1000;
    s.o.redact = calloc((size_t)argc + 1, sizeof *s.o.redact);
    if (!s.o.redact)
        return EXIT_TROUBLE;
    cli_opts args;
    cli_opts_init(&args, "serve", argc, argv, serve_options, cli_input_options);
    int st = cli_opts_parse(&args, serve_option, &s.o);
    if (st != 0 || !s.o.policy) {
        if (st == 0)
            cli_error("serve needs a policy: -p DIR (see 'gavel serve --help')");
        free(s.o.redact);
        return st > 0 ? EXIT_DONE : EXIT_TROUBLE;
    }
    if (!s.o.jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s.o.jobs = n > 0 ? (int)n : 1;
    }
    pthread_mutex_init(&s.gen_lock, NULL);
    pthread_mutex_init(&s.reload_lock, NULL);
    pthread_mutex_init(&s.idle_lock, NULL);
    pthread_cond_init(&s.idle, NULL);
    if (serve_metrics_init(&s.m) != 0) {
        cli_error("out of memory");
        return EXIT_TROUBLE;
    }
    st = run(&s);
    for (int slot = 0; slot < NSLOTS; slot++)
        serve_gen_release(s.slot[slot]);
    serve_log_close(s.log);
    serve_metrics_free(&s.m);
    free(s.o.redact);
    return st;
}
