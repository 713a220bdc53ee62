/*
 * gavel.h: the whole public API of libgavel, a rule engine for legal-policy
 * decisions on accounts and posts.
 *
 * Concepts, one opaque handle each:
 *   gavel_policy     a policy directory, loaded once. Immutable after load,
 *                    so any number of threads may share one.
 *   gavel_evaluator  evaluates records against a policy. Owns a Lua state:
 *                    one evaluator per thread, never shared.
 *   gavel_record     one input record (parsed, or the error that stopped it).
 *                    Evaluation only reads it: several evaluators on several
 *                    threads may evaluate the same record at once.
 *   gavel_reader     a stream of records from a file or stdin.
 *   gavel_decision   the outcome for one record, with its reasons. Reused
 *                    from record to record to avoid allocation.
 *   gavel_value      a read-only view of a parsed value (a record's, a
 *                    context file's, a decision's id), borrowed, never freed.
 *
 * Ownership, once for the whole API: arguments are borrowed; every handle a
 * call returns is freed with its own _free function, and every _free accepts
 * NULL. A string returned by an accessor belongs to the handle it came from
 * and stays valid until that handle is freed or next modified (for a
 * decision: the next evaluation into it). So does a gavel_value: values are
 * borrowed from the record (or decision) that holds them, never freed on
 * their own, and valid until that record is freed or read into again
 * (or that decision is evaluated into again).
 *
 * Errors: functions that can fail return a gavel_status; the handle keeps a
 * message (gavel_*_errmsg) until the next call on it. Messages about files
 * say "file:line:col: ...". The library never prints, exits or aborts.
 *
 * Accessors, once for the whole API: lists are read as a count,
 * gavel_*_nTHINGS(h), and item i, gavel_*_THING(h, i), which is NULL past
 * the end. Every accessor takes a NULL handle: counts and flags are then 0,
 * strings and items NULL, a status GAVEL_EARG and a message some text
 * (never NULL).
 */
#ifndef GAVEL_H
#define GAVEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GAVEL_VERSION_MAJOR 0
#define GAVEL_VERSION_MINOR 1
#define GAVEL_VERSION_PATCH 0
const char *gavel_version(void);      /* "0.1.0 (Lua 5.4.4)": the linked Lua */

typedef enum gavel_status {
    GAVEL_OK = 0,
    GAVEL_ENOMEM,   /* out of memory */
    GAVEL_EIO,      /* a file could not be read or written */
    GAVEL_EPOLICY,  /* the policy did not load */
    GAVEL_EINPUT,   /* a record or context file could not be read */
    GAVEL_ERULE,    /* a rule failed on this record: decision is on_error */
    GAVEL_EARG      /* a bad argument (NULL handle, malformed date, ...) */
} gavel_status;

/* The status in words, for messages ("out of memory"); never NULL. */
const char *gavel_status_name(gavel_status s);

/* ---- limits ------------------------------------------------------------ */

/* Every limit has a default (gavel_limits_init) and may be changed before
 * the policy is loaded; a policy's manifest may set its own under `limits:`
 * and the values given here (when not zero) win over the manifest. */
typedef struct gavel_limits {
    uint64_t instructions;   /* Lua instructions per record (default 10,000,000) */
    uint32_t millis;         /* wall-clock ms per record (default 2,000) */
    size_t   memory;         /* Lua heap bytes per evaluator (default 256 MiB) */
    size_t   record_bytes;   /* source bytes of one record (default 8 MiB) */
    unsigned depth;          /* nesting depth of a record (default 64) */
    size_t   nodes;          /* values in one record (default 1,000,000) */
    size_t   string_bytes;   /* bytes in one string of a record (default 1 MiB) */
} gavel_limits;

void gavel_limits_init(gavel_limits *l);   /* the defaults; a zero field given
                                             * to any call means "the default" */

/* ---- policy ------------------------------------------------------------ */

typedef struct gavel_policy gavel_policy;

typedef enum gavel_severity { GAVEL_ERROR = 0, GAVEL_WARNING = 1 } gavel_severity;

typedef struct gavel_diag {
    const char    *file;     /* relative to the current directory; may be "" */
    unsigned       line, col; /* 1-based; 0 when not known */
    gavel_severity severity;
    const char    *message;
} gavel_diag;

/* Loads the policy in directory `dir` (or the manifest file itself).
 * `limits` may be NULL for the defaults. Returns NULL only when out of
 * memory; otherwise check gavel_policy_status: a policy that failed to load
 * still answers errmsg and the diagnostics. */
gavel_policy *gavel_policy_load(const char *dir, const gavel_limits *limits);
void          gavel_policy_free(gavel_policy *p);

/* Loads like gavel_policy_load, then lints (`gavel check`): warnings join
 * the diagnostics, all sorted by file, line and column. Lints run the
 * policy's own tests and an empty record to see what rules read. */
gavel_policy *gavel_policy_check(const char *dir, const gavel_limits *limits);

gavel_status  gavel_policy_status(const gavel_policy *p);
const char   *gavel_policy_errmsg(const gavel_policy *p);  /* first error, or "" */
size_t        gavel_policy_ndiags(const gavel_policy *p);
const gavel_diag *gavel_policy_diag(const gavel_policy *p, size_t i);

const char *gavel_policy_name(const gavel_policy *p);
const char *gavel_policy_version(const gavel_policy *p);
const char *gavel_policy_jurisdiction(const gavel_policy *p);   /* NULL if none */
const char *gavel_policy_digest(const gavel_policy *p);   /* "sha256:<hex>" */
const char *gavel_policy_dir(const gavel_policy *p);
/* The limits in effect: defaults, then the manifest's, then the caller's. */
const gavel_limits *gavel_policy_limits(const gavel_policy *p);

size_t      gavel_policy_noutcomes(const gavel_policy *p);
const char *gavel_policy_outcome(const gavel_policy *p, size_t i); /* strongest first */
const char *gavel_policy_default(const gavel_policy *p);
const char *gavel_policy_on_error(const gavel_policy *p);

typedef struct gavel_rule_info {
    const char *id;
    const char *outcome;     /* NULL for a rule that only defeats others */
    const char *cites;       /* NULL when the rule cites nothing */
    const char *reason;      /* template, with {name} placeholders */
    const char *file;        /* where `rule` was called */
    unsigned    line;
    const char *in_force_from, *in_force_until;  /* NULL = open-ended */
    size_t      ndefeats;    /* rule ids this rule defeats (globs expanded) */
    const char *const *defeats;
    size_t      nmeasures;   /* the measures it orders, each described in words: */
    const char *const *measures;  /* "withhold_post: post from evidence.posts; in IN; ..." */
} gavel_rule_info;

size_t gavel_policy_nrules(const gavel_policy *p);
const gavel_rule_info *gavel_policy_rule(const gavel_policy *p, size_t i);

/* The actions measures may take (the manifest's `actions:`, in its order:
 * the order measures are written in), and its regions: named sets of ISO
 * 3166-1 alpha-2 codes a measure's scope may name. */
size_t      gavel_policy_nactions(const gavel_policy *p);
const char *gavel_policy_action(const gavel_policy *p, size_t i);
typedef struct gavel_region {
    const char *name;
    size_t      ncodes;
    const char *const *codes;    /* sorted */
} gavel_region;
size_t gavel_policy_nregions(const gavel_policy *p);
const gavel_region *gavel_policy_region(const gavel_policy *p, size_t i);
/* The manifest's `export.FORMAT` section (`export: {dsa-sor: ...}`), as
 * written, for the program that exports; NULL when there is none. The
 * library keeps it and does not read it. */
const struct gavel_value *gavel_policy_export(const gavel_policy *p, const char *format);

/* ---- records and readers ----------------------------------------------- */

typedef struct gavel_record gavel_record;

typedef enum gavel_format {
    GAVEL_AUTO = 0,   /* by file extension; stdin and unknown: JSON Lines */
    GAVEL_JSONL,      /* one JSON value per line */
    GAVEL_JSON,       /* one JSON value; an array is a list of records */
    GAVEL_YAML        /* documents; a top-level sequence is a list of records */
} gavel_format;

gavel_record *gavel_record_new(void);
void          gavel_record_free(gavel_record *r);

/* Parses one record from text (a JSON value, or a single YAML document).
 * On GAVEL_EINPUT the record still exists, holding the error, and evaluates
 * to an on_error decision. `name` labels errors ("record", a file name). */
gavel_status gavel_record_parse(gavel_record *r, const char *text, size_t len,
                                gavel_format format, const char *name,
                                const gavel_limits *limits);
const char  *gavel_record_errmsg(const gavel_record *r); /* NULL if parsed */

typedef struct gavel_reader gavel_reader;

/* Opens `path` ("-" is stdin). Returns NULL only when out of memory; check
 * gavel_reader_status for an open failure (GAVEL_EIO). */
gavel_reader *gavel_reader_open(const char *path, gavel_format format,
                                const gavel_limits *limits);
/* A JSON Lines reader over `len` bytes of text in memory (copied), its
 * records and messages named `name` ("<stdin>", "request") and numbered by
 * line exactly as a file's would be: for a program that receives records
 * other than from a file (a request body). NULL only when out of memory. */
gavel_reader *gavel_reader_open_text(const char *text, size_t len, const char *name,
                                     const gavel_limits *limits);
void          gavel_reader_free(gavel_reader *rd);
gavel_status  gavel_reader_status(const gavel_reader *rd);
const char   *gavel_reader_errmsg(const gavel_reader *rd);

/* Reads the next record into `r`: 1 a record (which may hold an input
 * error: nothing is ever skipped), 0 end of input, -1 a read error that
 * ends this input (errmsg says why). The record's position is numbered
 * by the reader (see gavel_reader_set_position). */
int gavel_reader_next(gavel_reader *rd, gavel_record *r);
/* Deferred parsing, for one reading thread feeding several evaluating ones:
 * a JSON Lines reader then only splits lines, and each record is parsed by
 * gavel_record_finish, on whichever thread evaluates it. Other formats
 * ignore this. */
void gavel_reader_defer_parsing(gavel_reader *rd, int on);
/* Parses a deferred record (a no-op for one already parsed). GAVEL_EINPUT
 * when it does not parse: the record then holds the error, as always. */
gavel_status gavel_record_finish(gavel_record *r);

/* Bytes of the input consumed so far (approximate for YAML): for progress. */
uint64_t gavel_reader_offset(const gavel_reader *rd);

/* Where the record came from: "file:line" and its position, the id of a
 * record without one. A reader numbers the records it hands out 1, 2, ...;
 * a run over several inputs numbers on from one input to the next by giving
 * each new reader the position the one before ended at. Parsing from text
 * leaves the position as it was (0 for a new record). */
const char *gavel_record_where(const gavel_record *r);
uint64_t    gavel_record_position(const gavel_record *r);
void        gavel_record_set_position(gavel_record *r, uint64_t pos);
void        gavel_reader_set_position(gavel_reader *rd, uint64_t records_before);
uint64_t    gavel_reader_position(const gavel_reader *rd);  /* of the last record read */

/* Parses a file that holds one document (a context file, a test file): a
 * top-level sequence stays one value, where a reader would split it into
 * records. GAVEL_AUTO reads it as a context file is read: JSON when it
 * starts with '{', else YAML. The record holds the error otherwise
 * (GAVEL_EINPUT "file:line:col: ...", GAVEL_EIO "file: cannot open: ..."). */
gavel_status gavel_record_parse_file(gavel_record *r, const char *path,
                                     gavel_format format, const gavel_limits *limits);

/* ---- values (read-only) ------------------------------------------------- */

/* A parsed value, in the manner of SQLite's value accessors: the tree a
 * record was read into (the very tree rules see, JSON or YAML, with YAML's
 * core schema: 0x1F and 0o17 are integers, 1e3 a float, 2021-02-04 a
 * string), or a decision's id. Values are read-only and borrowed (see
 * ownership above). A NULL value stands for "absent": every accessor takes
 * it (type GAVEL_NULL, length 0, lookups NULL), so lookups chain. */
typedef struct gavel_value gavel_value;

typedef enum gavel_type {
    GAVEL_NULL = 0, GAVEL_BOOL, GAVEL_INT, GAVEL_FLOAT, GAVEL_STRING, GAVEL_ARRAY,
    GAVEL_OBJECT
} gavel_type;

/* The record's value; NULL when it holds an input error (or was read with
 * deferred parsing and not yet finished). */
const gavel_value *gavel_record_value(const gavel_record *r);

gavel_type gavel_value_type(const gavel_value *v);
/* Items of an array, members of an object; 0 for anything else. */
size_t     gavel_value_len(const gavel_value *v);
/* An object's member by key (NUL-terminated); NULL when absent or not an
 * object. A member that is present and null is a GAVEL_NULL value. */
const gavel_value *gavel_value_get(const gavel_value *obj, const char *key);
/* Item i of an array, or the value of member i of an object (in the order
 * written); NULL past the end. */
const gavel_value *gavel_value_at(const gavel_value *v, size_t i);
/* The key of member i of an object (NUL-terminated, valid UTF-8; *len, if
 * not NULL, its bytes); NULL past the end or for anything else. */
const char *gavel_value_key(const gavel_value *obj, size_t i, size_t *len);
/* A string's text: NUL-terminated, valid UTF-8, with no NUL inside (readers
 * refuse it); *len, if not NULL, its bytes. NULL when not a string. */
const char *gavel_value_string(const gavel_value *v, size_t *len);
int64_t     gavel_value_int(const gavel_value *v);     /* GAVEL_INT; else 0 */
double      gavel_value_float(const gavel_value *v);   /* any number; else 0 */
int         gavel_value_bool(const gavel_value *v);    /* 1 for true; else 0 */
/* The value as compact JSON, written as the decisions are (integers exactly,
 * floats in the shortest form that reads back the same), snprintf-style:
 * at most `size` bytes with the NUL go to buf (which may be NULL when size
 * is 0), and the return is the full length, not counting the NUL; 0 when
 * out of memory (no JSON text is empty). */
size_t gavel_value_json(const gavel_value *v, char *buf, size_t size);
/* `len` bytes of text as a JSON string literal, quotes included, escaped
 * exactly as the decisions' strings are (control characters escaped; NUL
 * and bytes that are not UTF-8 as U+FFFD, so the result is always valid
 * JSON). snprintf-style, as gavel_value_json. The one JSON string escaper:
 * programs that write JSON of their own next to gavel's use it. */
size_t gavel_json_string(const char *text, size_t len, char *buf, size_t size);

/* ---- evaluator ---------------------------------------------------------- */

typedef struct gavel_evaluator gavel_evaluator;

/* Returns NULL only when out of memory; check gavel_evaluator_status. */
gavel_evaluator *gavel_evaluator_new(const gavel_policy *p);
void             gavel_evaluator_free(gavel_evaluator *ev);
gavel_status     gavel_evaluator_status(const gavel_evaluator *ev);
const char      *gavel_evaluator_errmsg(const gavel_evaluator *ev);

/* The context file (YAML or JSON, one document), seen by rules as `ctx`.
 * NULL clears it. */
gavel_status gavel_evaluator_set_context_file(gavel_evaluator *ev, const char *path);
gavel_status gavel_evaluator_set_context(gavel_evaluator *ev, const char *text,
                                         size_t len, const char *name);
/* The evaluation date: this, else the context's `as_of`, else today (UTC).
 * A date YYYY-MM-DD, or a date-time with Z or an offset (RFC 3339,
 * "2021-02-04T18:30:00+05:30"); a date-time without a zone is refused. A
 * rule is in force when from <= as_of < until, compared as instants, a date
 * being the start of its day in UTC. gavel_evaluator_as_of gives it as
 * written in decisions and seen by rules as ctx.as_of: a date as given, a
 * date-time in UTC ("2021-02-04T13:00:00Z"). NULL returns to the default. */
gavel_status gavel_evaluator_set_as_of(gavel_evaluator *ev, const char *date);
const char  *gavel_evaluator_as_of(const gavel_evaluator *ev);
/* Judges each record at the time it carries: path is a dotted path into
 * the record ("notice.received_at") to a date or date-time as above. Rules
 * in force, the decision's as_of and ctx.as_of are then the record's; a
 * record without the field, or with a value that is not such a time, is
 * not judged under the run's as_of instead: it gets on_error, an error
 * naming the field and the record's file:line, and as_of null. NULL turns
 * it off. GAVEL_EARG for an empty path or an empty part ("a..b"). */
gavel_status gavel_evaluator_set_as_of_field(gavel_evaluator *ev, const char *path);
/* The record field used as the decision id (default "id"). */
gavel_status gavel_evaluator_set_id_field(gavel_evaluator *ev, const char *name);

/* ---- decisions ---------------------------------------------------------- */

typedef struct gavel_decision gavel_decision;

gavel_decision *gavel_decision_new(void);
void            gavel_decision_free(gavel_decision *d);

/* Evaluates one record into `d`. Returns GAVEL_OK, GAVEL_ERULE when a rule
 * failed, GAVEL_EINPUT when the record could not be read (both still give a
 * complete on_error decision), GAVEL_ENOMEM or GAVEL_EARG. */
gavel_status gavel_evaluate(gavel_evaluator *ev, const gavel_record *r,
                            gavel_decision *d);

/* A measure: what to do (docs/policy.md, "Measures"). */
typedef struct gavel_target {
    const char *kind;                    /* "account", "post", ... */
    const char *id;                      /* as plain text, as gavel_decision_id */
    const struct gavel_value *id_value;  /* a string or a number */
} gavel_target;

typedef struct gavel_measure {
    const char *action;                  /* one of the policy's actions */
    size_t ntargets;
    const gavel_target *targets;         /* in the order first named */
    size_t nscope;
    const char *const *scope;            /* ISO 3166-1 alpha-2, sorted; or "*" alone */
    const char *due, *until;             /* RFC 3339 in UTC; NULL when none */
    size_t nrules;
    const char *const *rules;            /* the rules that ordered it, policy order */
} gavel_measure;

typedef struct gavel_reason {
    const char *rule, *outcome, *cites;  /* outcome, cites may be NULL */
    const char *reason;                  /* rendered with the evidence */
    const char *evidence;                /* JSON object text */
    const char *by;                      /* for a defeated rule: its defeater */
    size_t nmeasures;                    /* what this rule ordered, as it ordered */
    const gavel_measure *measures;       /* it (one rule each; not combined) */
} gavel_reason;

typedef struct gavel_missing {
    const char *path;                    /* "posts[2].labels.speech_level" */
    size_t      nrules;
    const char *const *rules;
} gavel_missing;

typedef struct gavel_error_entry {
    const char *rule;                    /* NULL: an error in the record */
    const char *message;
} gavel_error_entry;

/* The id as plain text: acc001 for the string "acc001", 7 for the number 7
 * (or the record's position, for a record without an id); NULL before the
 * first evaluation. The value says which it was, for writing it back as
 * JSON. */
const char *gavel_decision_id(const gavel_decision *d);
const gavel_value *gavel_decision_id_value(const gavel_decision *d);
/* The outcome (NULL before the first evaluation); whether no rule decided
 * it (the policy's default); the evaluation date ("" before the first). */
const char *gavel_decision_outcome(const gavel_decision *d);
int         gavel_decision_is_default(const gavel_decision *d);
const char *gavel_decision_as_of(const gavel_decision *d);
/* The determining reasons (rules of the outcome that were not set aside),
 * the rules set aside, every rule that fired (ids, in policy order), the
 * facts rules read and the record lacks, and the errors. */
size_t gavel_decision_nreasons(const gavel_decision *d);
const gavel_reason *gavel_decision_reason(const gavel_decision *d, size_t i);
size_t gavel_decision_ndefeated(const gavel_decision *d);
const gavel_reason *gavel_decision_defeated(const gavel_decision *d, size_t i);
size_t gavel_decision_nfired(const gavel_decision *d);
const char *gavel_decision_fired(const gavel_decision *d, size_t i);
size_t gavel_decision_nmissing(const gavel_decision *d);
const gavel_missing *gavel_decision_missing(const gavel_decision *d, size_t i);
size_t gavel_decision_nerrors(const gavel_decision *d);
const gavel_error_entry *gavel_decision_error(const gavel_decision *d, size_t i);
/* The measures to take: those of every fired, undefeated rule, combined
 * per action (docs/policy.md, "Measures"), in the order of the policy's
 * actions; none when the decision is on_error. */
size_t gavel_decision_nmeasures(const gavel_decision *d);
const gavel_measure *gavel_decision_measure(const gavel_decision *d, size_t i);
/* Why the measures' rules that are not among the reasons (a rule without
 * an outcome, or with a weaker one) ordered what they did: their reasons,
 * in policy order, so every rule a measure names says why. */
size_t gavel_decision_nmeasure_reasons(const gavel_decision *d);
const gavel_reason *gavel_decision_measure_reason(const gavel_decision *d, size_t i);

/* The decision as one line of JSON (no trailing newline), its fields in the
 * order docs/policy.md, "The decision", gives; NULL before the first
 * evaluation or when out of memory. */
const char *gavel_decision_json(gavel_decision *d, size_t *len);

/* The counterfactual: what `d` would have been had `rule` not fired (same
 * record, same evidence; defeats and outcome resolved again). Rules are
 * pure, so taking one away changes no other rule's firing and needs no
 * re-evaluation. GAVEL_EARG when `rule` did not fire in `d`. */
gavel_status gavel_decision_without(const gavel_decision *d, const char *rule,
                                    gavel_decision *out);

/* ---- policy tests (gavel test) ------------------------------------------ */

typedef struct gavel_testsuite gavel_testsuite;

typedef struct gavel_test_result {
    const char *name;
    const char *file;
    unsigned    line;          /* where the case starts */
    int         passed;
    const char *failure;       /* what differed, one "key: expected ..., got ..." per line */
    const gavel_decision *decision;  /* valid until the next run_file or free */
} gavel_test_result;

/* Test files hold a YAML sequence of cases: name, record, optional context
 * and as_of, and expect: {decision, rules, defeated, fired, missing, errors}
 * (docs/testing.md). The manifest's `tests:` globs name the default files. */
gavel_testsuite *gavel_testsuite_new(const gavel_policy *p);
void             gavel_testsuite_free(gavel_testsuite *t);
/* Runs the cases of one file whose name matches `filter` (a glob; a plain
 * word matches as a substring; NULL for all). GAVEL_EINPUT when the file
 * could not be read (errmsg says where); its cases then count as failed. */
gavel_status gavel_testsuite_run_file(gavel_testsuite *t, const char *path,
                                      const char *filter);
const char  *gavel_testsuite_errmsg(const gavel_testsuite *t);
size_t       gavel_testsuite_nresults(const gavel_testsuite *t);
const gavel_test_result *gavel_testsuite_result(const gavel_testsuite *t, size_t i);
/* Coverage over every case run so far: rules that never fired, and cited
 * provisions that no fired rule cites. */
size_t       gavel_testsuite_nunfired(const gavel_testsuite *t);
const gavel_rule_info *gavel_testsuite_unfired(const gavel_testsuite *t, size_t i);
size_t       gavel_testsuite_nunexercised(const gavel_testsuite *t);
const char  *gavel_testsuite_unexercised(const gavel_testsuite *t, size_t i);

size_t      gavel_policy_ntests(const gavel_policy *p);    /* files from `tests:` */
const char *gavel_policy_test_file(const gavel_policy *p, size_t i);

#ifdef __cplusplus
}
#endif
#endif
