/*
 * engine.h: the internals the library's modules share: the loaded policy,
 * records, decisions and the Lua sandbox. Nothing here is API; gavel.h is.
 *
 * Module prefixes: gv_ values and buffers, gvjson_/gvyaml_ readers, gvlex_
 * lexicons, gvpol_ policy loading, gvsb_ the Lua sandbox, gvdec_ decisions.
 */
#ifndef GAVEL_ENGINE_H
#define GAVEL_ENGINE_H

#include <lua.h>
#include <stdint.h>

#include "gavel.h"
#include "buf.h"
#include "lexicon.h"
#include "value.h"

/* ---- record schema (schema.c) --------------------------------------------- */

typedef struct gvsc_node  gvsc_node;
typedef struct gvsc_field gvsc_field;

/* Parses schema.yaml's tree; the result lives in `a` and points into doc. */
gvsc_node *gvsc_parse(gv_arena *a, const gv_value *doc, gv_error *e);
/* Reports each violation ("schema: path: expected ..., got ...", at most a
 * few) and returns how many there were. */
int gvsc_check(const gvsc_node *schema, const gv_value *record,
               void (*report)(void *ud, const char *msg), void *ud);
/* Is a normalised path ("posts[].labels.speech_level") declared? */
int gvsc_declares(const gvsc_node *schema, const char *path);

/* ---- policy (policy.c) --------------------------------------------------- */

typedef struct gvpol_file {
    char  *path;      /* as the user would name it: dir/relative */
    char  *name;      /* as the manifest names it, for the digest */
    char  *text;
    size_t len;
} gvpol_file;

typedef struct gvpol_rule {
    gavel_rule_info info;     /* public view; strings owned below */
    int   outcome;            /* index in outcomes, -1 = none */
    int  *defeaters;          /* rules that defeat this one, policy order */
    int   ndefeaters;
    int  *defeats;            /* rules this one defeats */
    int   ndefeats_idx;
    char **patterns;          /* `defeats` as written */
    int   npatterns;
    unsigned pattern_line;
    char *json_id;            /* the id as a JSON string */
    char *json_head;          /* {"rule":ID,"outcome":OUTCOME */
    char *json_cites;         /* ,"cites":CITES */
} gvpol_rule;

typedef struct gvpol_lexicon {
    char  *name;
    gvlex *lex;
    int    words;          /* match: words (whole words only) */
    const gvlex *uni;      /* the union it is part `part` of */
    int    part;
} gvpol_lexicon;

/* ---- words (words.c) ------------------------------------------------------------ */

#define GV_WORD_SEP '\x01'
/* Appends text as its words, GV_WORD_SEP before, between and after them. */
void  gv_words(gv_buf *out, const char *text, size_t len);
/* A lexicon file with every term line in word form; malloc'd. */
char *gv_words_lexicon(const char *text, size_t len, size_t *outlen);

struct gavel_policy {
    gavel_status status;
    char        *errmsg;
    gavel_diag  *diags;
    size_t       ndiags, capdiags;

    char  *dir, *name, *version, *jurisdiction, *digest;
    char **outcomes;
    int    noutcomes, default_outcome, on_error_outcome;

    gvpol_file   *files;       /* rule files, in load order */
    int           nfiles;
    gvpol_lexicon *lexicons;   /* sorted by name */
    int           nlexicons;
    char         *json_policy; /* ,"policy":{...} of every decision */
    gvlex       **unions;      /* every lexicon is part of one, so that one
                                  pass over a text answers them all */
    int           nunions;
    gvpol_rule   *rules;       /* policy order */
    int           nrules;
    int          *topo;        /* rule indexes, every defeater before what it defeats */

    gvsc_node    *schema;      /* NULL without one; lives in schema_arena */
    gv_arena      schema_arena;
    char         *schema_path;
    char        **tests;       /* test files from the manifest's `tests:` */
    int           ntests;

    gavel_limits limits;
};

void gvpol_diag(gavel_policy *p, gavel_severity sev, const char *file,
                unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#include "sandbox.h"
#include "harden.h"
#include "lang.h"
#include "proxy.h"

/* ---- records (record.c) ---------------------------------------------------- */

struct gavel_record {
    gv_arena  arena;
    gv_value *root;        /* NULL when err is set */
    char      err[320];    /* "file:line:col: message", "" when parsed */
    char      where[256];  /* "file:line" */
    uint64_t  position;
    /* Read but not yet parsed (a deferring reader): the line's text. */
    char     *raw;
    size_t    rawlen;
    uint32_t  line;
    size_t    namelen;     /* where[0..namelen) is the file name */
    gv_limits lim;
};

/* ---- evaluator internals (eval.c) ------------------------------------------ */

/* Borrows a parsed context tree (NULL clears); the caller keeps it alive
 * until it is cleared or replaced. */
/* Sets a context already parsed (the test suite's); -1, with the
 * evaluator's error set, when its as_of is not a date. */
int gvev_set_context_tree(gavel_evaluator *ev, const gv_value *ctx, const char *name);
/* Calls fn(ud, path, rule) for every record field a rule reads, the path
 * with array positions as "[]" ("posts[].labels"). NULL turns it off. */
void gvev_set_trace(gavel_evaluator *ev, void (*fn)(void *ud, const char *path, int rule),
                    void *ud);

/* ---- tests and lints (testsuite.c, lint.c) --------------------------------------- */

gavel_evaluator *gvts_evaluator(gavel_testsuite *t);

/* ---- decisions (decision.c) ------------------------------------------------- */

typedef struct gvdec_entry {
    int   rule;            /* index in policy rules */
    int   by;              /* defeater (rule index), -1 when undefeated */
    char *reason;          /* rendered, in the decision's arena */
    char *evidence;        /* JSON object text */
} gvdec_entry;

typedef struct gvdec_missing {
    char  *path;
    int   *rules;
    int    nrules, caprules;
} gvdec_missing;

struct gavel_decision {
    const gavel_policy *policy;
    gv_arena arena;        /* strings of this decision */
    char    *id;           /* JSON text */
    int      outcome;
    int      is_default;
    char     as_of[16];

    gvdec_entry *fired;    /* every rule that fired, in policy order */
    int nfired, capfired;
    int *reasons, nreasons, capreasons;     /* indexes into fired */
    int *defeated, ndefeated, capdefeated;  /* indexes into fired */
    int *slot, capslot;    /* rule index -> fired index, -1 (for resolve) */
    gvdec_missing *missing; int nmissing, capmissing;
    gavel_error_entry *errors; int nerrors, caperrors;

    /* Public views built on demand by the accessors. */
    gavel_reason  *view_reasons, *view_defeated;
    gavel_missing *view_missing;
    const char   **view_rules;
    int            views_ready;

    gv_buf json;
};

void gvdec_reset(gavel_decision *d, const gavel_policy *p);
/* Rules are added in policy order; strings are copied into the decision. */
int  gvdec_add_fired(gavel_decision *d, int rule, const char *reason, const char *evidence);
int  gvdec_add_missing(gavel_decision *d, const char *path, size_t plen, int rule);
int  gvdec_add_error(gavel_decision *d, int rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* SPEC §5 over the fired rules: defeats in topological order, then the
 * strongest undefeated outcome, the default, or on_error. */
int  gvdec_resolve(gavel_decision *d);
/* Encodes, once per policy, the JSON that every decision repeats: the
 * policy object and each rule's id, outcome and cites. -1 on out of
 * memory. */
int  gvdec_encode_policy(gavel_policy *p);

#endif
