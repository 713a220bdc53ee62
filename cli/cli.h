/*
 * cli.h: what the gavel command's files share: exit statuses, the shared
 * infrastructure (common.c), the option parser (opt.h), the input loop
 * (inputs.c), the escapers (escape.c), the output writers (output.c),
 * reading values back (value.c) and the commands. Only the CLI prints or
 * exits; the library never does.
 */
#ifndef GAVEL_CLI_H
#define GAVEL_CLI_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include "gavel.h"
#include "opt.h"

/* Exit statuses, defined once (docs/man/gavel.1, EXIT STATUS). */
enum {
    EXIT_DONE = 0,     /* done, no errors */
    EXIT_FAILED = 1,   /* done, but records or tests failed, or a diff found changes */
    EXIT_TROUBLE = 2   /* could not run: usage, policy load, unreadable input */
};

/* ---- common.c ------------------------------------------------------------ */

/* "gavel: message" on stderr, GNU style. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A command's --help: usage, then `more` (may be NULL), on stdout. */
int cli_help(const char *usage, const char *more);

/* strdup for the CLI's own bookkeeping: out of memory ends the command
 * (exit 2) with a message; NULL becomes "". */
char *cli_strdup(const char *s);

/* At start: opens /dev/null on any of fds 0-2 that is closed, so no file
 * gavel opens takes their place. -1 when it could not. */
int cli_std_fds(void);
/* At the end of every command: flushes and closes stdout. A write that
 * failed (a full disk, /dev/full) turns `status` into EXIT_TROUBLE, with a
 * message unless status was EXIT_TROUBLE already; a closed pipe does not. */
int cli_stdout_close(int status);

/* An output: stdout, or -o FILE (docs/security.md, "Nothing lost").
 * A new path or a regular file is written as FILE.tmp.XXXXXX (created
 * exclusively; a replaced file's mode and, where allowed, owner kept) and
 * renamed onto the path once complete and on disk; SIGINT, SIGTERM and
 * SIGHUP remove the temporary first (unless inherited as ignored). Anything
 * else (a FIFO, a device, a symlink) is written through, as a shell
 * redirect does. With CLI_OUT_OWN (a name gavel chose, as in a notices
 * directory) whatever is at the path is replaced, never followed. */
typedef struct cli_out {
    FILE       *f;      /* stdout when path is NULL */
    const char *path;
    char       *tmp;    /* the temporary renamed onto path, or NULL */
} cli_out;
enum { CLI_OUT_OWN = 1 };
/* 0, or -1 after saying why not (o->f is then stdout). */
int cli_out_open(cli_out *o, const char *path, int flags);
/* Closes a file output: with ok, flushes, syncs and renames into place (0,
 * or -1 after saying why not); without, removes the temporary (-1). On
 * stdout it does nothing but return 0 with ok (cli_stdout_close checks it). */
int cli_out_close(cli_out *o, int ok);

/* A file at a path gavel names itself (a notice in a notices directory),
 * as CLI_OUT_OWN: written to a temporary, renamed over whatever is there
 * (a planted symlink is replaced, not followed) by cli_own_close, which
 * removes the temporary instead when a write failed (-1, errno set). */
FILE *cli_own_open(const char *path);
int   cli_own_close(FILE *f);

/* Parses a size like 64M, 512k, 1G, or a plain count. -1 on junk, -2 when
 * it does not fit in 64 bits. */
int cli_parse_size(const char *s, unsigned long long *out);

/* The options every command that reads records shares: --input-format F
 * and the --max-* limits (see docs/policy.md, Limits). A command passes
 * cli_input_options as the parser's shared table, and each id it gets back
 * to cli_input_option: 1 when it was one of them (and is now set), 0 when
 * it is not, -1 after saying what was wrong with the value. */
enum {
    OPT_INPUT_FORMAT = 0x1000, OPT_MAX_INSTRUCTIONS, OPT_MAX_MILLIS, OPT_MAX_MEMORY,
    OPT_MAX_RECORD_BYTES, OPT_MAX_DEPTH, OPT_MAX_NODES, OPT_MAX_STRING_BYTES
};
extern const cli_option cli_input_options[];
extern const char cli_limit_help[];
int cli_input_option(const cli_opts *p, int id, gavel_format *format, gavel_limits *limits);

/* Loads a policy, printing every error diagnostic; NULL when it failed. */
gavel_policy *cli_load_policy(const char *dir, const gavel_limits *limits);

/* An evaluator with the run's context, date, the record field holding
 * each record's own date (--as-of-field) and id field (each may be NULL),
 * or NULL after saying why not. */
gavel_evaluator *cli_evaluator(const gavel_policy *p, const char *context, const char *as_of,
                               const char *as_of_field, const char *id_field);

/* ---- inputs.c: the records of INPUT..., stdin when none ------------------- */

typedef struct cli_inputs {
    char *const        *paths;
    int                 npaths, cur;
    gavel_format        format;
    const gavel_limits *limits;
    int                 defer;          /* set before the first next: workers parse */
    int                 stop_on_error;  /* set to end at the first unreadable input */
    gavel_reader       *rd;             /* the input being read, or NULL */
    uint64_t            position;       /* records in the inputs finished */
    uint64_t            done_bytes;     /* size of the inputs finished */
    int                 unreadable;     /* an input could not be opened or read (said) */
} cli_inputs;

void cli_inputs_init(cli_inputs *in, char *const *paths, int n, gavel_format format,
                     const gavel_limits *limits);
/* The next record, numbered by its position over all inputs: 1, or 0 at
 * the end. An input that cannot be read is named on stderr and skipped. */
int  cli_inputs_next(cli_inputs *in, gavel_record *rec);
/* Drops the rest of the input being read; the next record is the next input's. */
void cli_inputs_skip(cli_inputs *in);
/* Input bytes consumed so far, over all inputs. */
uint64_t cli_inputs_offset(const cli_inputs *in);
void cli_inputs_close(cli_inputs *in);

/* ---- escape.c: one escaper per language ---------------------------------- */

/* A JSON string literal (also a YAML double-quoted scalar); NULL is null. */
void cli_json_string(FILE *f, const char *s);
/* The same as a YAML double-quoted scalar: what YAML may not hold raw
 * escaped (cli_yaml_json). */
void cli_yaml_string(FILE *f, const char *s);
/* JSON text (a literal or a value) written as valid YAML flow: DEL, C1
 * controls, U+2028/9, U+FEFF, U+FFFE, U+FFFF (and bidi controls) as \uXXXX,
 * a surrogate pair as one \UXXXXXXXX. */
void cli_yaml_json(FILE *f, const char *json, size_t len);
/* HTML text or attribute value: < > & " ' escaped. */
void cli_html(FILE *f, const char *s);
/* Markdown text: what would start markup (GFM's ~strikethrough~ and an
 * &entity; included) is backslash-escaped. With
 * CLI_MD_PROSE an underscore inside a word (frontier_herald) stays as it is
 * and a newline becomes a space, for running text. A CR is always a space;
 * what would start a block (heading, list item, rule) is escaped after a
 * newline, and at the start with CLI_MD_LINE_START (text after "- ").
 */
enum { CLI_MD_PROSE = 1, CLI_MD_LINE_START = 2 };
void cli_markdown(FILE *f, const char *s, int flags);
/* Terminal text: C0 controls and DEL as \x1b, bytes that are not UTF-8 as
 * \xff, C1 controls, U+2028/9, bidi overrides and isolates, U+FEFF, U+FFFE
 * and U+FFFF as \u0085; everything else as it is (a backslash too). With
 * CLI_TERM_LINES newline and tab stay; with CLI_TERM_PARTIAL an incomplete
 * UTF-8 sequence at the end is left unwritten. Returns the bytes consumed. */
enum { CLI_TERM_LINES = 1, CLI_TERM_PARTIAL = 2 };
size_t cli_term_put(FILE *f, const char *s, size_t n, int flags);
void   cli_term(FILE *f, const char *s);                 /* all of s, newlines escaped */
char  *cli_term_text(const char *s, size_t n);            /* the same, malloc'd */
/* A stream that writes to `under` as cli_term_put with CLI_TERM_LINES, for
 * a command's text output as a whole; fclose flushes it (not `under`'s close). */
FILE  *cli_term_stream(FILE *under);
/* lead, the message fmt makes (escaped as cli_term), a newline: cli_error's. */
void   cli_term_message(FILE *f, const char *lead, const char *fmt, va_list ap);

/* ---- output.c: decision writers ------------------------------------------ */

typedef enum out_format { OUT_JSONL, OUT_JSON, OUT_YAML, OUT_CSV, OUT_TABLE } out_format;

typedef struct out_writer {
    FILE      *f;
    out_format format;
    unsigned long long count;
    int        color;
    int        measures;   /* the policy declares actions: write measures */
} out_writer;

int  out_format_parse(const char *s, out_format *f);
void out_begin(out_writer *w);
void out_decision(out_writer *w, gavel_decision *d);
void out_end(out_writer *w);

/* ---- measures.c: measures in words --------------------------------------- */

/* One measure in one line: "ACTION KIND:ID,... in SCOPE,... [due T] [until T]"
 * (docs/policy.md, "Output formats"). */
void cli_measure_put(FILE *f, const gavel_measure *m);
/* What changed from a's measures to b's, phrase by phrase, `sep` between:
 * "no longer M", "now M", or "ACTION TARGETS: in A -> B and due X -> Y".
 * Returns how many phrases; f may be NULL just to count them. */
size_t cli_measures_changes(FILE *f, const gavel_decision *a, const gavel_decision *b,
                            const char *sep);

/* ---- commands ------------------------------------------------------------- */

int cmd_eval(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_doc(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* ---- reading values back (value.c) --------------------------------------- */

/* One line of a stream, without its newline. Returns the length, or -1 at
 * the end. *buf grows as needed (free it when done). */
long cli_getline(char **buf, size_t *cap, FILE *f);
/* Calls fn(ctx, lineno, line, len) for each line of f that is not blank
 * (a decision log, a statements file), until fn returns nonzero; that, or
 * -1 after saying a read error on path happened, or 0. */
typedef int cli_line_fn(void *ctx, long lineno, char *line, long len);
int cli_each_line(FILE *f, const char *path, cli_line_fn *fn, void *ctx);
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
/* The value at a path written as measures write theirs: dotted keys, a
 * number counting a list's items from 1 ("posts.1.created_at"); NULL when
 * absent. cli_dotted_path_ok: is it such a path (no empty part)? */
const gavel_value *cli_value_at_dotted(const gavel_value *v, const char *path);
int                cli_dotted_path_ok(const char *path);
/* Malloc'd text, NULL when out of memory: compact JSON; a string as itself
 * and anything else as JSON; the same with a list of strings as "a, b". */
char *cli_value_json(const gavel_value *v);
char *cli_value_text(const gavel_value *v);
char *cli_value_plain(const gavel_value *v);

#endif
