/*
 * opt.h: the one option parser every gavel command uses. A command gives a
 * table of its options; the parser walks argv with getopt_long's
 * conventions and hands back one option or operand at a time, in argv
 * order. It owns only the parsing and the messages about usage.
 */
#ifndef GAVEL_OPT_H
#define GAVEL_OPT_H

/* What an option takes. */
enum { OPT_FLAG, OPT_VALUE, OPT_OPTIONAL };

typedef struct cli_option {
    const char *name;     /* long name without "--"; NULL ends a table */
    int         letter;   /* short letter, or 0 for none */
    int         arg;      /* OPT_FLAG, OPT_VALUE or OPT_OPTIONAL (only --name=VALUE) */
    int         id;       /* what cli_opts_next returns for it (> 0) */
    const char *values;   /* for a missing value: the values it takes, or NULL */
} cli_option;

/* What cli_opts_next returns besides an option's id. */
enum { OPT_END = 0, OPT_OPERAND = -1, OPT_ERROR = -2 };

typedef struct cli_opts {
    int               argc;
    char            **argv;
    const char       *cmd;          /* for "see 'gavel CMD --help'" */
    const cli_option *table[2];     /* the command's, then a shared one (or NULL) */
    int               next;         /* argv index to read next */
    const char       *cluster;      /* the rest of "-qj2" still to read */
    int               operands_only;/* after "--" */
    const char       *value;        /* the option's value (NULL if none), or the operand */
    const char       *arg;          /* the argument it came in, "--summary=xml" or "-qj2" */
    char              name[64];     /* the option's name, "--format" or "-f", for messages */
} cli_opts;

/* argv[0] is the command's name and is skipped. `shared` may be NULL. */
void cli_opts_init(cli_opts *p, const char *cmd, int argc, char **argv,
                   const cli_option *own, const cli_option *shared);

/* The next option's id (its value in p->value), OPT_OPERAND (the operand in
 * p->value), OPT_END, or OPT_ERROR after saying what was wrong. */
int cli_opts_next(cli_opts *p);

/* Hands every option and operand, in argv order, to on(ctx, p, id), which
 * returns 0 to go on, 1 to stop (--help was shown) or -1 after saying what
 * was wrong. Returns 0 at the end, 1 or -1 as the handler did, and -1 after
 * a usage error the parser found. */
typedef int cli_opt_handler(void *ctx, const cli_opts *p, int id);
int cli_opts_parse(cli_opts *p, cli_opt_handler *on, void *ctx);

/* "unknown option 'ARG' (see 'gavel CMD --help')": for an operand a command
 * does not take, worded as before the parser existed. Returns OPT_ERROR. */
int cli_opts_unknown(const cli_opts *p, const char *arg);

#endif
