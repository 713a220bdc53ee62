/*
 * main.c: the gavel command: finds the subcommand in a table and runs it.
 * `gavel help CMD` is `gavel CMD --help`; `gavel help` and `gavel --help`
 * print the commands; `gavel --version` the version. Around every command:
 * fds 0-2 open at start, stdout's last write checked at the end.
 */
#include "cli.h"

#include <string.h>

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "eval", cmd_eval, "evaluate records against a policy, one decision per record" },
    { "test", cmd_test, "run a policy's test cases, with coverage" },
    { "explain", cmd_explain, "tell why one record gets its decision, and what would change it" },
    { "check", cmd_check, "load a policy and lint it" },
    { "doc", cmd_doc, "the policy as a document for lawyers (Markdown, HTML, DOT)" },
    { "diff", cmd_diff, "what a policy change does to a data set: old x new decisions" },
    { "report", cmd_report, "an HTML report of decisions, and reasoned notices (--notices)" },
    { "replay", cmd_replay, "prove logged decisions are reproduced exactly" },
    { "export", cmd_export, "DSA statements of reasons for the Transparency Database" },
    { "serve", cmd_serve, "decide records over HTTP, with a decision log and hot reload" },
};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

static void usage(FILE *f)
{
    fputs("usage: gavel <command> [options]\n"
          "\n"
          "Rule engine for legal-policy decisions on accounts and posts.\n"
          "\n"
          "commands:\n", f);
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Run 'gavel <command> --help' for a command's options.\n"
          "Options follow getopt_long: --opt=VALUE or --opt VALUE, -oVALUE or -o VALUE,\n"
          "clustered flags (-qj2), '--' ends the options, '-' is stdin.\n"
          "  --version   print the version and the Lua release linked\n", f);
}

static const struct command *find(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    cli_error("unknown command '%s' (see 'gavel --help')", name);
    return NULL;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") && argc > 2) {
        const struct command *c = find(argv[2]);
        char *help_argv[] = { argv[2], "--help", NULL };
        return c ? c->run(2, help_argv) : EXIT_TROUBLE;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("gavel %s\n", gavel_version());
        return EXIT_DONE;
    }
    const struct command *c = find(cmd);
    return c ? c->run(argc - 1, argv + 1) : EXIT_TROUBLE;
}

/* Every command ends here: what it wrote to stdout must have been written. */
int main(int argc, char **argv)
{
    if (cli_std_fds() != 0)
        return EXIT_TROUBLE;
    return cli_stdout_close(run(argc, argv));
}
