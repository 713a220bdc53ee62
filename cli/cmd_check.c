/*
 * cmd_check.c: `gavel check`: load a policy and lint it. One diagnostic a
 * line, "file:line:col: error|warning: message", sorted; or --format json
 * for editors and CI.
 *
 * Calls gavel.h and the shared pieces of cli.h (options, messages, escapers).
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

static const cli_option check_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

int cmd_check(int argc, char **argv)
{
    const char *policy = NULL, *format = "text";
    cli_opts args;
    cli_opts_init(&args, "check", argc, argv, check_options, NULL);
    for (int id; (id = cli_opts_next(&args)) != OPT_END; ) {
        if (id == 'h')
            return cli_help(check_usage, NULL);
        else if (id == 'p')
            policy = args.value;
        else if (id == 'f')
            format = args.value;
        else if (id == OPT_OPERAND && !policy)
            policy = args.value;           /* gavel check DIR */
        else if (id == OPT_OPERAND)
            return cli_opts_unknown(&args, args.value), EXIT_TROUBLE;
        else
            return EXIT_TROUBLE;
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
            cli_json_string(stdout, d->file);
            printf(",\"line\":%u,\"col\":%u,\"severity\":\"%s\",\"message\":", d->line,
                   d->col, sev);
            cli_json_string(stdout, d->message);
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
