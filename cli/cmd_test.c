/*
 * cmd_test.c: `gavel test`: run a policy's test cases, show each failure
 * with where the case is and what differed, then coverage, then the
 * closing line "N passed, N failed".
 *
 * Calls gavel.h and the shared pieces of cli.h (options, messages, escapers).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char test_usage[] =
    "usage: gavel test -p POLICY [--filter PATTERN] [-v] [FILE...]\n"
    "\n"
    "Runs the policy's test cases: the files given, else the manifest's `tests:`.\n"
    "\n"
    "  -p, --policy DIR     the policy directory\n"
    "      --filter PAT     only cases whose name matches (a glob, or a substring)\n"
    "  -v, --verbose        also list the cases that passed\n"
    "  -h, --help           this help\n"
    "\n"
    "exit status: 0 all passed; 1 a case failed; 2 could not run.\n";

static void print_failure(const gavel_test_result *r)
{
    printf("FAIL %s:%u: %s\n", r->file, r->line, r->name);
    const char *s = r->failure ? r->failure : "";
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        printf("     %.*s\n", (int)n, s);
        s += n + (nl ? 1 : 0);
    }
    const gavel_decision *d = r->decision;
    if (d && gavel_decision_nreasons(d)) {
        fputs("     decided by:", stdout);
        for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
            printf(" %s", gavel_decision_reason(d, i)->rule);
        fputc('\n', stdout);
    }
}

enum { OPT_FILTER = 256 };

static const cli_option test_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "filter", 0, OPT_VALUE, OPT_FILTER, NULL },
    { "verbose", 'v', OPT_FLAG, 'v', NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

int cmd_test(int argc, char **argv)
{
    const char *policy = NULL, *filter = NULL;
    int verbose = 0, nfiles = 0;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        return EXIT_TROUBLE;
    cli_opts args;
    cli_opts_init(&args, "test", argc, argv, test_options, NULL);
    for (int id; (id = cli_opts_next(&args)) != OPT_END; ) {
        switch (id) {
        case 'h':
            free(files);
            return cli_help(test_usage, NULL);
        case 'p': policy = args.value; break;
        case OPT_FILTER: filter = args.value; break;
        case 'v': verbose = 1; break;
        case OPT_OPERAND: files[nfiles++] = (char *)args.value; break;
        default:
            free(files);
            return EXIT_TROUBLE;
        }
    }
    if (!policy) {
        cli_error("test needs a policy: -p DIR");
        free(files);
        return EXIT_TROUBLE;
    }
    gavel_policy *p = cli_load_policy(policy, NULL);
    if (!p) {
        free(files);
        return EXIT_TROUBLE;
    }
    gavel_testsuite *t = gavel_testsuite_new(p);
    if (!t) {
        cli_error("cannot start the test suite");
        gavel_policy_free(p);
        free(files);
        return EXIT_TROUBLE;
    }
    size_t n = nfiles ? (size_t)nfiles : gavel_policy_ntests(p);
    if (n == 0)
        cli_warn("no test files: name some, or list them under `tests:` in the manifest");
    for (size_t i = 0; i < n; i++) {
        const char *f = nfiles ? files[i] : gavel_policy_test_file(p, i);
        if (gavel_testsuite_run_file(t, f, filter) != GAVEL_OK)
            cli_error("%s", gavel_testsuite_errmsg(t));
    }
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < gavel_testsuite_nresults(t); i++) {
        const gavel_test_result *r = gavel_testsuite_result(t, i);
        if (r->passed) {
            passed++;
            if (verbose)
                printf("ok   %s:%u: %s\n", r->file, r->line, r->name);
        } else {
            failed++;
            print_failure(r);
        }
    }
    if (!filter) {
        size_t nu = gavel_testsuite_nunfired(t), ne = gavel_testsuite_nunexercised(t);
        for (size_t i = 0; i < nu; i++) {
            const gavel_rule_info *r = gavel_testsuite_unfired(t, i);
            printf("coverage: rule %s (%s:%u) fired in no test\n", r->id, r->file, r->line);
        }
        for (size_t i = 0; i < ne; i++)
            printf("coverage: provision \"%s\" exercised by no test\n",
                   gavel_testsuite_unexercised(t, i));
        size_t nr = gavel_policy_nrules(p);
        printf("coverage: %zu of %zu rules fired\n", nr - nu, nr);
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    gavel_testsuite_free(t);
    gavel_policy_free(p);
    free(files);
    return failed ? EXIT_FAILED : EXIT_DONE;
}
