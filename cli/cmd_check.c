/*
 * cmd_check.c: `gavel check`: load a policy and lint it. One diagnostic a
 * line, "file:line:col: error|warning: message", sorted; or --format json
 * for editors and CI.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "usage: gavel check -p POLICY [--format text|json]\n"
    "\n"
    "Loads the policy and reports what is wrong (errors) and what looks wrong\n"
    "(warnings): unknown outcomes, defeats that match nothing, defeat cycles,\n"
    "duplicate ids, Lua errors; rules that can never decide, rules without a\n"
    "citation, reason placeholders no evidence fills, fields the schema lacks.\n"
    "\n"
    "exit status: 0 no errors (warnings allowed); 1 errors; 2 could not run.\n";

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

int cmd_check(int argc, char **argv)
{
    const char *policy = NULL, *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(check_usage, stdout);
            return EXIT_DONE;
        } else if ((!strcmp(a, "-p") || !strcmp(a, "--policy")) && i + 1 < argc) {
            policy = argv[++i];
        } else if ((!strcmp(a, "--format") || !strcmp(a, "-f")) && i + 1 < argc) {
            format = argv[++i];
        } else if (!policy && a[0] != '-') {
            policy = a;
        } else {
            cli_error("unknown option '%s' (see 'gavel check --help')", a);
            return EXIT_TROUBLE;
        }
    }
    int json = !strcmp(format, "json");
    if (!policy || (!json && strcmp(format, "text"))) {
        cli_error(policy ? "unknown format '%s' (text, json)" : "check needs a policy: -p DIR%s",
                  policy ? format : "");
        return EXIT_TROUBLE;
    }
    gavel_policy *p = gavel_policy_check(policy, NULL);
    if (!p) {
        cli_error("out of memory");
        return EXIT_TROUBLE;
    }
    size_t n = gavel_policy_ndiags(p), errors = 0, warnings = 0;
    if (json)
        putchar('[');
    for (size_t i = 0; i < n; i++) {
        const gavel_diag *d = gavel_policy_diag(p, i);
        const char *sev = d->severity == GAVEL_ERROR ? "error" : "warning";
        if (d->severity == GAVEL_ERROR)
            errors++;
        else
            warnings++;
        if (json) {
            printf("%s{\"file\":", i ? ",\n " : "");
            json_string(d->file);
            printf(",\"line\":%u,\"col\":%u,\"severity\":\"%s\",\"message\":", d->line,
                   d->col, sev);
            json_string(d->message);
            putchar('}');
        } else if (d->line) {
            printf("%s:%u:%u: %s: %s\n", d->file, d->line, d->col ? d->col : 1, sev, d->message);
        } else {
            printf("%s: %s: %s\n", d->file, sev, d->message);
        }
    }
    if (json)
        puts("]");
    else if (gavel_policy_status(p) == GAVEL_OK)
        fprintf(stderr, "%s %s: %zu rules, %zu warning%s\n", gavel_policy_name(p),
                gavel_policy_version(p), gavel_policy_nrules(p), warnings,
                warnings == 1 ? "" : "s");
    int status = errors || gavel_policy_status(p) != GAVEL_OK ? EXIT_FAILED : EXIT_DONE;
    if (status && n == 0)
        cli_error("%s", gavel_policy_errmsg(p));
    gavel_policy_free(p);
    return status;
}
