/*
 * common.c: what every gavel command shares (declared in cli.h): the
 * "gavel: ..." messages, temporary output files and the signal handler
 * that removes them, sizes like 64M, the options every command that reads
 * records takes (--input-format, the --max-* limits), loading a policy and
 * making an evaluator. Calls only the public gavel.h and the C library.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- messages ------------------------------------------------------------------ */

static void message(const char *lead, const char *fmt, va_list ap)
{
    cli_term_message(stderr, lead, fmt, ap);   /* record bytes reach messages: escaped */
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("gavel: ", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("gavel: warning: ", fmt, ap);
    va_end(ap);
}

int cli_help(const char *usage, const char *more)
{
    fputs(usage, stdout);
    if (more)
        fputs(more, stdout);
    return EXIT_DONE;
}

char *cli_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    return d;
}

/* ---- temporary files ----------------------------------------------------------- */

static char cleanup_path[4096];
static volatile sig_atomic_t cleanup_armed;

static void on_fatal_signal(int sig)
{
    if (cleanup_armed)
        unlink(cleanup_path);           /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_cleanup_on_signal(const char *tmp_path)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    cleanup_armed = 0;
    if (!tmp_path || strlen(tmp_path) >= sizeof cleanup_path) {
        for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
            signal(sigs[i], SIG_DFL);
        return;
    }
    strcpy(cleanup_path, tmp_path);
    cleanup_armed = 1;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        signal(sigs[i], on_fatal_signal);
}

FILE *cli_open_temp(const char *final, char **tmp_path)
{
    *tmp_path = NULL;
    size_t n = strlen(final) + sizeof ".tmp.XXXXXX";
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s.tmp.XXXXXX", final);
    int fd = mkstemp(path);                     /* O_EXCL, mode 0600 */
    if (fd < 0) {
        free(path);
        return NULL;
    }
    mode_t mask = umask(0);                     /* single-threaded here */
    umask(mask);
    FILE *f = NULL;
    if (fchmod(fd, 0666 & ~mask) != 0 || !(f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(path);
        free(path);
        errno = e;
        return NULL;
    }
    *tmp_path = path;
    return f;
}

/* ---- sizes and the shared options ---------------------------------------------- */

int cli_parse_size(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')   /* strtoull would skip blanks and take a sign */
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -2;
    unsigned long long mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    default: break;
    }
    if (*end || end == s || v == 0)
        return -1;
    if (v > ULLONG_MAX / mul)
        return -2;
    *out = v * mul;
    return 0;
}

const char cli_limit_help[] =
    "limits (per record unless said; see docs/policy.md, Limits):\n"
    "  --max-instructions N   Lua instructions per record (10000000)\n"
    "  --max-millis N         wall-clock milliseconds per record (2000)\n"
    "  --max-memory SIZE      Lua memory per evaluator (256M)\n"
    "  --max-record-bytes SIZE  source size of one record (8M)\n"
    "  --max-depth N          nesting depth of a record (64)\n"
    "  --max-nodes N          values in one record (1000000)\n"
    "  --max-string-bytes SIZE  bytes in one string (1M)\n";

const cli_option cli_input_options[] = {
    { "input-format", 0, OPT_VALUE, OPT_INPUT_FORMAT, "jsonl, json, yaml" },
    { "max-instructions", 0, OPT_VALUE, OPT_MAX_INSTRUCTIONS, NULL },
    { "max-millis", 0, OPT_VALUE, OPT_MAX_MILLIS, NULL },
    { "max-memory", 0, OPT_VALUE, OPT_MAX_MEMORY, NULL },
    { "max-record-bytes", 0, OPT_VALUE, OPT_MAX_RECORD_BYTES, NULL },
    { "max-depth", 0, OPT_VALUE, OPT_MAX_DEPTH, NULL },
    { "max-nodes", 0, OPT_VALUE, OPT_MAX_NODES, NULL },
    { "max-string-bytes", 0, OPT_VALUE, OPT_MAX_STRING_BYTES, NULL },
    { NULL, 0, 0, 0, NULL }
};

/* A --max-* limit: 0, or -1 when the value is bad, -2 when too large. */
static int set_limit(int id, const char *value, gavel_limits *l)
{
    unsigned long long v;
    int st = cli_parse_size(value, &v);
    if (st != 0)
        return st;
    if ((id == OPT_MAX_MILLIS || id == OPT_MAX_DEPTH) && v > UINT32_MAX)
        return -2;
    switch (id) {
    case OPT_MAX_INSTRUCTIONS: l->instructions = v; break;
    case OPT_MAX_MILLIS: l->millis = (uint32_t)v; break;
    case OPT_MAX_MEMORY: l->memory = (size_t)v; break;
    case OPT_MAX_RECORD_BYTES: l->record_bytes = (size_t)v; break;
    case OPT_MAX_DEPTH: l->depth = (unsigned)v; break;
    case OPT_MAX_NODES: l->nodes = (size_t)v; break;
    default: l->string_bytes = (size_t)v; break;
    }
    return 0;
}

int cli_input_option(const cli_opts *p, int id, gavel_format *format, gavel_limits *limits)
{
    const char *value = p->value;
    if (id == OPT_INPUT_FORMAT) {
        if (!strcmp(value, "jsonl")) *format = GAVEL_JSONL;
        else if (!strcmp(value, "json")) *format = GAVEL_JSON;
        else if (!strcmp(value, "yaml")) *format = GAVEL_YAML;
        else {
            cli_error("unknown input format '%s' (jsonl, json, yaml)", value);
            return -1;
        }
        return 1;
    }
    if (id < OPT_MAX_INSTRUCTIONS || id > OPT_MAX_STRING_BYTES)
        return 0;
    int r = set_limit(id, value, limits);
    if (r < 0)
        cli_error(r == -2 ? "%s: '%s' is too large" :
                  "%s needs a positive number (suffixes k, M, G allowed), not '%s'", p->name, value);
    return r < 0 ? -1 : 1;
}

/* ---- policies and evaluators --------------------------------------------------- */

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

gavel_evaluator *cli_evaluator(const gavel_policy *p, const char *context, const char *as_of,
                               const char *as_of_field, const char *id_field)
{
    gavel_evaluator *ev = gavel_evaluator_new(p);
    if (!ev || gavel_evaluator_status(ev) != GAVEL_OK ||
        (context && gavel_evaluator_set_context_file(ev, context) != GAVEL_OK) ||
        (as_of && gavel_evaluator_set_as_of(ev, as_of) != GAVEL_OK) ||
        (as_of_field && gavel_evaluator_set_as_of_field(ev, as_of_field) != GAVEL_OK) ||
        (id_field && gavel_evaluator_set_id_field(ev, id_field) != GAVEL_OK)) {
        cli_error("%s", ev ? gavel_evaluator_errmsg(ev) : "out of memory");
        gavel_evaluator_free(ev);
        return NULL;
    }
    return ev;
}
