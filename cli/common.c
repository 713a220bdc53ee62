/*
 * common.c: what every gavel command shares (declared in cli.h): the
 * "gavel: ..." messages, the standard streams (fds 0-2 open at start,
 * stdout's last write checked), output files (-o, notices: replaced
 * atomically or written through) and the signal handler that removes their
 * temporaries, sizes like 64M, the options every command that reads
 * records takes (--input-format, the --max-* limits), loading a policy and
 * making an evaluator (the context read once). Calls only the public
 * gavel.h and the C library.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
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

/* ---- the standard streams ------------------------------------------------------- */

/* Started with 0, 1 or 2 closed (2>&-), the first file gavel opens would
 * take that number and warnings would land in the output file. */
int cli_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            return -1;                          /* the lowest free number is fd */
    }
    return 0;
}

int cli_stdout_close(int status)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad || e == EPIPE)                     /* | head: the reader had enough */
        return status;
    if (status != EXIT_TROUBLE)                 /* else it was said already */
        cli_error("<stdout>: write error: %s", strerror(e ? e : EIO));
    return EXIT_TROUBLE;
}

/* ---- temporary files and the signals that remove them ------------------------- */

/* A few at once: report -o and the notice being written. */
enum { CLEANUP_SLOTS = 4 };
static char cleanup_path[CLEANUP_SLOTS][4096];
static volatile sig_atomic_t cleanup_armed[CLEANUP_SLOTS];

static void on_fatal_signal(int sig)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_armed[i])
            unlink(cleanup_path[i]);            /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Once per process. A signal inherited as ignored (nohup) stays ignored. */
static void install_cleanup(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    static int installed;
    if (installed)
        return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

static void cleanup_arm(const char *tmp_path)
{
    install_cleanup();
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (!cleanup_armed[i] && strlen(tmp_path) < sizeof cleanup_path[i]) {
            strcpy(cleanup_path[i], tmp_path);
            cleanup_armed[i] = 1;
            return;
        }
}

static void cleanup_disarm(const char *tmp_path)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_armed[i] && !strcmp(cleanup_path[i], tmp_path)) {
            cleanup_armed[i] = 0;
            return;
        }
}

/* FILE.tmp.XXXXXX next to `final`, created exclusively (never through a
 * planted link), with `mode` when it replaces a file, else what a plain
 * fopen would give. NULL with errno set. */
static FILE *open_temp(const char *final, const struct stat *old, char **tmp_path)
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
    mode_t mask = umask(0);                     /* no other thread runs yet */
    umask(mask);
    mode_t mode = old ? old->st_mode & 0777 : 0666 & ~mask;
    if (old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
        fchown(fd, old->st_uid, old->st_gid) != 0) {
        /* not ours to give away: the new file is the writer's */
    }
    FILE *f = NULL;
    if (fchmod(fd, mode) != 0 || !(f = fdopen(fd, "w"))) {
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

/* Through whatever is at the path, as a shell redirect writes. */
static FILE *open_through(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (fd >= 0 && !f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

int cli_out_open(cli_out *o, const char *path, int flags)
{
    *o = (cli_out){ .f = stdout, .path = path };
    if (!path)
        return 0;
    struct stat st;
    int exists = lstat(path, &st) == 0, regular = exists && S_ISREG(st.st_mode);
    FILE *f;
    if (exists && !regular && !(flags & CLI_OUT_OWN))
        f = open_through(path);
    else
        f = open_temp(path, regular ? &st : NULL, &o->tmp);
    if (!f) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    o->f = f;
    if (o->tmp)
        cleanup_arm(o->tmp);
    return 0;
}

/* Flushed, on disk, closed: 0, or errno. */
static int finish_file(FILE *f, int sync)
{
    int e = 0;
    errno = 0;
    if (fflush(f) != 0 || ferror(f))
        e = errno ? errno : EIO;
    if (!e && sync && fsync(fileno(f)) != 0)   /* on disk before the rename */
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    return e;
}

int cli_out_close(cli_out *o, int ok)
{
    if (!o->f || o->f == stdout) {
        o->f = NULL;
        return ok ? 0 : -1;
    }
    int e = finish_file(o->f, o->tmp != NULL), rc = ok && !e ? 0 : -1;
    o->f = NULL;
    if (ok && e)
        cli_error("%s: write error: %s", o->path, strerror(e));
    if (rc == 0 && o->tmp && rename(o->tmp, o->path) != 0) {
        cli_error("%s: cannot rename into place: %s", o->path, strerror(errno));
        rc = -1;
    }
    if (o->tmp) {
        if (rc != 0)
            unlink(o->tmp);
        cleanup_disarm(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
    return rc;
}

/* The files open through cli_own_open, found again by their FILE. */
static cli_out owned[CLEANUP_SLOTS];

FILE *cli_own_open(const char *path)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++) {
        if (owned[i].f)
            continue;
        struct stat st;
        int regular = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
        FILE *f = open_temp(path, regular ? &st : NULL, &owned[i].tmp);
        if (!f)
            return NULL;
        owned[i].f = f;
        owned[i].path = path;
        cleanup_arm(owned[i].tmp);
        return f;
    }
    errno = EMFILE;
    return NULL;
}

int cli_own_close(FILE *f)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++) {
        cli_out *o = &owned[i];
        if (o->f != f)
            continue;
        int e = finish_file(f, 1);
        o->f = NULL;
        if (!e && rename(o->tmp, o->path) != 0)
            e = errno;
        if (e)
            unlink(o->tmp);
        cleanup_disarm(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        errno = e;
        return e ? -1 : 0;
    }
    return fclose(f);
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

/* The context file's text, read once per run: every evaluator (-j N, diff's
 * two) gets the same bytes, and a pipe (<(cat ctx.yaml), /dev/stdin) can
 * only be read once. Kept until the process ends. 0, or -1 (said). */
static int context_text(const gavel_policy *p, const char *path, const char **text,
                        size_t *len)
{
    static char *read_path, *read_text;
    static size_t read_len;
    if (read_path && !strcmp(read_path, path)) {
        *text = read_text;
        *len = read_len;
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("%s: cannot open the context file", path);
        return -1;
    }
    /* stop past the limit, as the library does: it says "too large" */
    size_t limit = gavel_policy_limits(p)->record_bytes, cap = 0, n = 0, got = 1;
    char *buf = NULL;
    int bad = 0;
    while (!bad && got > 0 && n <= limit) {
        if (cap - n < 65536) {
            char *grown = realloc(buf, cap = cap ? 2 * cap : 65536 + 1);
            bad = !grown;
            buf = grown ? grown : buf;
            if (bad)
                break;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    }
    bad |= ferror(f);
    fclose(f);
    if (bad) {
        cli_error("%s: cannot read the context file", path);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    free(read_path);
    free(read_text);
    read_path = cli_strdup(path);
    read_text = buf;
    read_len = n;
    *text = buf;
    *len = n;
    return 0;
}

gavel_evaluator *cli_evaluator(const gavel_policy *p, const char *context, const char *as_of,
                               const char *as_of_field, const char *id_field)
{
    const char *text = NULL;
    size_t len = 0;
    if (context && context_text(p, context, &text, &len) != 0)
        return NULL;
    gavel_evaluator *ev = gavel_evaluator_new(p);
    if (!ev || gavel_evaluator_status(ev) != GAVEL_OK ||
        (context && gavel_evaluator_set_context(ev, text, len, context) != GAVEL_OK) ||
        (as_of && gavel_evaluator_set_as_of(ev, as_of) != GAVEL_OK) ||
        (as_of_field && gavel_evaluator_set_as_of_field(ev, as_of_field) != GAVEL_OK) ||
        (id_field && gavel_evaluator_set_id_field(ev, id_field) != GAVEL_OK)) {
        cli_error("%s", ev ? gavel_evaluator_errmsg(ev) : "out of memory");
        gavel_evaluator_free(ev);
        return NULL;
    }
    return ev;
}
