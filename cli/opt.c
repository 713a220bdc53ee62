/*
 * opt.c: the option parser (opt.h). It follows getopt_long's conventions:
 * --name=VALUE and --name VALUE, -xVALUE and -x VALUE, clustered flags
 * (-qj2), "--" ends the options, "-" is an operand (stdin), options and
 * operands may come in any order.
 *
 * It is not getopt_long itself, for three reasons: getopt_long keeps its
 * state in globals (optind, optarg) and permutes argv, where commands here
 * want their operands in argv order interleaved with options (replay's
 * first operand is the log, the rest the inputs); it accepts any unambiguous
 * prefix of a long name, so adding an option could break a script that
 * used a prefix; and its messages are not the ones gavel has printed since
 * its first release (tests and scripts match them). May call only cli_error.
 */
#include "opt.h"
#include "cli.h"

#include <string.h>

void cli_opts_init(cli_opts *p, const char *cmd, int argc, char **argv,
                   const cli_option *own, const cli_option *shared)
{
    memset(p, 0, sizeof *p);
    p->argc = argc;
    p->argv = argv;
    p->cmd = cmd;
    p->table[0] = own;
    p->table[1] = shared;
    p->next = 1;
}

int cli_opts_unknown(const cli_opts *p, const char *arg)
{
    cli_error("unknown option '%s' (see 'gavel %s --help')", arg, p->cmd);
    return OPT_ERROR;
}

/* The option with this long name (n bytes of it) or this letter. */
static const cli_option *lookup(const cli_opts *p, const char *name, size_t n, int letter)
{
    for (int t = 0; t < 2; t++)
        for (const cli_option *o = p->table[t]; o && o->name; o++)
            if (letter ? o->letter == letter : strlen(o->name) == n && !strncmp(o->name, name, n))
                return o;
    return NULL;
}

/* The value of an option that needs one: attached, else the next argument
 * whatever it looks like (as getopt does: "-f -" gives "-"). */
static int take_value(cli_opts *p, const cli_option *o, const char *attached)
{
    if (attached) {
        p->value = attached;
    } else if (p->next < p->argc) {
        p->value = p->argv[p->next++];
    } else {
        cli_error("%s needs a value%s%s%s", p->name, o->values ? " (" : "",
                  o->values ? o->values : "", o->values ? ")" : "");
        return OPT_ERROR;
    }
    return o->id;
}

static int long_option(cli_opts *p, const char *arg)
{
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name);
    const cli_option *o = lookup(p, name, n, 0);
    if (!o)
        return cli_opts_unknown(p, arg);
    snprintf(p->name, sizeof p->name, "--%s", o->name);
    if (o->arg == OPT_VALUE)
        return take_value(p, o, eq ? eq + 1 : NULL);
    if (eq && o->arg == OPT_FLAG) {
        cli_error("%s takes no value (see 'gavel %s --help')", p->name, p->cmd);
        return OPT_ERROR;
    }
    p->value = eq ? eq + 1 : NULL;
    return o->id;
}

/* One letter of a cluster; a letter that takes a value takes the rest. */
static int short_option(cli_opts *p)
{
    int letter = (unsigned char)*p->cluster++;
    const cli_option *o = lookup(p, NULL, 0, letter);
    snprintf(p->name, sizeof p->name, "-%c", letter);
    if (!o) {
        p->cluster = NULL;
        return cli_opts_unknown(p, p->name);
    }
    const char *rest = *p->cluster ? p->cluster : NULL;
    p->value = NULL;
    if (o->arg == OPT_FLAG) {
        if (!rest)
            p->cluster = NULL;
        return o->id;
    }
    p->cluster = NULL;
    if (o->arg == OPT_OPTIONAL) {
        p->value = rest;
        return o->id;
    }
    return take_value(p, o, rest);
}

int cli_opts_next(cli_opts *p)
{
    if (p->cluster)
        return short_option(p);
    if (p->next >= p->argc)
        return OPT_END;
    const char *arg = p->argv[p->next++];
    p->arg = arg;
    if (!p->operands_only && !strcmp(arg, "--")) {
        p->operands_only = 1;
        return cli_opts_next(p);
    }
    if (p->operands_only || arg[0] != '-' || arg[1] == '\0') {
        p->value = arg;
        return OPT_OPERAND;
    }
    if (arg[1] == '-')
        return long_option(p, arg);
    p->cluster = arg + 1;
    return short_option(p);
}

int cli_opts_parse(cli_opts *p, cli_opt_handler *on, void *ctx)
{
    for (int id; (id = cli_opts_next(p)) != OPT_END; ) {
        int st = id == OPT_ERROR ? -1 : on(ctx, p, id);
        if (st != 0)
            return st;
    }
    return 0;
}
