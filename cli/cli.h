/*
 * cli.h: what the gavel command's files share: exit statuses, the output
 * writers, option helpers. Only the CLI prints or exits; the library never
 * does.
 */
#ifndef GAVEL_CLI_H
#define GAVEL_CLI_H

#include <stdio.h>
#include "gavel.h"

/* Exit statuses, defined once (SPEC §7). */
enum {
    EXIT_DONE = 0,     /* done, no errors */
    EXIT_FAILED = 1,   /* done, but records or tests failed, or a diff found changes */
    EXIT_TROUBLE = 2   /* could not run: usage, policy load, unreadable input */
};

/* "gavel: message" on stderr, GNU style. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strdup for the CLI's own bookkeeping: out of memory ends the command
 * (exit 2) with a message; NULL becomes "". */
char *cli_strdup(const char *s);

/* While a run writes FILE.tmp.XXXXXX, SIGINT/SIGTERM/SIGHUP remove it
 * before the process dies, so no file that looks complete is left. NULL
 * disarms. */
void cli_cleanup_on_signal(const char *tmp_path);

/* Opens a new temporary file next to `final` (FILE.tmp.XXXXXX, created
 * exclusively, so never through a planted link), with the permissions a
 * plain fopen would give, for renaming to `final` once complete. Returns
 * NULL with errno set; *tmp_path (malloc'ed) is its name. */
FILE *cli_open_temp(const char *final, char **tmp_path);

/* Parses a size like 64M, 512k, 1G, or a plain count. -1 on junk, -2 when
 * it does not fit in 64 bits. */
int cli_parse_size(const char *s, unsigned long long *out);

/* Shared option: a limit flag (--max-*) given as `name` with `value`.
 * Returns 1 when it was one, 0 when not, -1 when the value is bad, -2
 * when it is too large for the limit. */
int cli_limit_option(const char *name, const char *value, gavel_limits *l);
extern const char cli_limit_help[];

/* The options every command that reads records shares: --input-format F
 * and the --max-* limits. 1 when `name` was one (its value is used), 0 when
 * it is not, -1 after saying what was wrong. */
int cli_input_option(const char *name, const char *value, gavel_format *format,
                     gavel_limits *limits);

/* ---- output writers (output.c) ------------------------------------------ */

typedef enum out_format { OUT_JSONL, OUT_JSON, OUT_YAML, OUT_CSV, OUT_TABLE } out_format;

typedef struct out_writer {
    FILE      *f;
    out_format format;
    unsigned long long count;
    int        color;
} out_writer;

int  out_format_parse(const char *s, out_format *f);
void out_begin(out_writer *w);
void out_decision(out_writer *w, gavel_decision *d);
void out_end(out_writer *w);

/* Loads a policy, printing every error diagnostic; NULL when it failed. */
gavel_policy *cli_load_policy(const char *dir, const gavel_limits *limits);

/* An evaluator with the run's context, date and id field (each may be
 * NULL), or NULL after saying why not. */
gavel_evaluator *cli_evaluator(const gavel_policy *p, const char *context,
                               const char *as_of, const char *id_field);

/* Commands. */
int cmd_eval(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_doc(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_replay(int argc, char **argv);

/* ---- reading values back (value.c) --------------------------------------- */

/* One line of a stream, without its newline. Returns the length, or -1 at
 * the end. *buf grows as needed (free it when done). */
long cli_getline(char **buf, size_t *cap, FILE *f);
/* One decision line (JSON) parsed into rec, whose value it returns. NULL
 * when it is not JSON, with "col N: why" in err. */
const gavel_value *cli_parse_line(gavel_record *rec, const char *line, size_t len,
                                  char *err, size_t errsz);
/* A member's string (gavel_value_string of gavel_value_get), or NULL. */
const char *cli_str(const gavel_value *obj, const char *key);
/* Where a and b first differ (numbers by value, objects by key), as a path
 * ("reasons[0].cites") appended to `path`. Returns 1 when they differ. */
int cli_value_first_diff(const gavel_value *a, const gavel_value *b, char *path,
                         size_t pathsz);
const gavel_value *cli_value_at_path(const gavel_value *v, const char *path);
/* Malloc'd text, NULL when out of memory: compact JSON; a string as itself
 * and anything else as JSON; the same with a list of strings as "a, b". */
char *cli_value_json(const gavel_value *v);
char *cli_value_text(const gavel_value *v);
char *cli_value_plain(const gavel_value *v);

#endif
