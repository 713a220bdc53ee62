/*
 * main.c: the gavel command: dispatch to a subcommand, --help, --version,
 * and the messages every command shares.
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

static const char usage[] =
    "usage: gavel <command> [options]\n"
    "\n"
    "Rule engine for legal-policy decisions on accounts and posts.\n"
    "\n"
    "commands:\n"
    "  eval     evaluate records against a policy, one decision per record\n"
    "  test     run a policy's test cases, with coverage\n"
    "  explain  tell why one record gets its decision, and what would change it\n"
    "  check    load a policy and lint it\n"
    "  doc      the policy as a document for lawyers (Markdown, HTML, DOT)\n"
    "  diff     what a policy change does to a data set: old x new decisions\n"
    "  report   an HTML report of decisions, and reasoned notices (--notices)\n"
    "  replay   prove logged decisions are reproduced exactly\n"
    "\n"
    "Run 'gavel <command> --help' for a command's options.\n"
    "  --version   print the version and the Lua release linked\n";

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gavel: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gavel: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

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

char *cli_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    return d;
}

int cli_parse_size(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-')
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

int cli_limit_option(const char *name, const char *value, gavel_limits *l)
{
    static const char *const names[] = { "--max-instructions", "--max-millis",
        "--max-memory", "--max-record-bytes", "--max-depth", "--max-nodes",
        "--max-string-bytes", NULL };
    int which = -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            which = i;
    if (which < 0)
        return 0;
    unsigned long long v;
    int st = cli_parse_size(value, &v);
    if (st != 0)
        return st;
    if ((which == 1 || which == 4) && v > UINT32_MAX)   /* millis, depth */
        return -2;
    switch (which) {
    case 0: l->instructions = v; break;
    case 1: l->millis = (uint32_t)v; break;
    case 2: l->memory = (size_t)v; break;
    case 3: l->record_bytes = (size_t)v; break;
    case 4: l->depth = (unsigned)v; break;
    case 5: l->nodes = (size_t)v; break;
    default: l->string_bytes = (size_t)v; break;
    }
    return 1;
}

int cli_input_option(const char *name, const char *value, gavel_format *format,
                     gavel_limits *limits)
{
    if (!strcmp(name, "--input-format")) {
        if (!value) {
            cli_error("--input-format needs a value (jsonl, json, yaml)");
            return -1;
        }
        if (!strcmp(value, "jsonl")) *format = GAVEL_JSONL;
        else if (!strcmp(value, "json")) *format = GAVEL_JSON;
        else if (!strcmp(value, "yaml")) *format = GAVEL_YAML;
        else {
            cli_error("unknown input format '%s' (jsonl, json, yaml)", value);
            return -1;
        }
        return 1;
    }
    if (strncmp(name, "--max-", 6))
        return 0;
    int r = cli_limit_option(name, value, limits);
    if (r == 0)
        cli_error("unknown option '%s'", name);
    else if (r < 0)
        cli_error(r == -2 ? "%s: '%s' is too large" :
                  "%s needs a positive number (suffixes k, M, G allowed), not '%s'", name, value);
    return r > 0 ? 1 : -1;
}

gavel_evaluator *cli_evaluator(const gavel_policy *p, const char *context,
                               const char *as_of, const char *id_field)
{
    gavel_evaluator *ev = gavel_evaluator_new(p);
    if (!ev || gavel_evaluator_status(ev) != GAVEL_OK ||
        (context && gavel_evaluator_set_context_file(ev, context) != GAVEL_OK) ||
        (as_of && gavel_evaluator_set_as_of(ev, as_of) != GAVEL_OK) ||
        (id_field && gavel_evaluator_set_id_field(ev, id_field) != GAVEL_OK)) {
        cli_error("%s", ev ? gavel_evaluator_errmsg(ev) : "out of memory");
        gavel_evaluator_free(ev);
        return NULL;
    }
    return ev;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_TROUBLE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return EXIT_DONE;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("gavel %s\n", gavel_version());
        return EXIT_DONE;
    }
    static const struct { const char *name; int (*run)(int, char **); } cmds[] = {
        { "eval", cmd_eval }, { "test", cmd_test }, { "explain", cmd_explain },
        { "check", cmd_check }, { "doc", cmd_doc },
        { "diff", cmd_diff }, { "report", cmd_report }, { "replay", cmd_replay } };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (!strcmp(cmd, cmds[i].name))
            return cmds[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'gavel --help')", cmd);
    return EXIT_TROUBLE;
}
