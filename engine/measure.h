/*
 * measure.h: measures, what a rule orders done (measure.c): the ISO 3166-1
 * country codes and the manifest's regions, a rule's measure specs as
 * loaded, the measures one record's rules ordered, and how they combine
 * (docs/policy.md, "Measures").
 */
#ifndef GAVEL_MEASURE_H
#define GAVEL_MEASURE_H

#include "gavel.h"
#include "buf.h"
#include "value.h"

#include <lua.h>
#include <stdint.h>

/* ---- scopes ------------------------------------------------------------------- */

/* A set of countries (a bit per ISO 3166-1 alpha-2 code, in code order),
 * or everywhere. */
enum { GVMS_WORDS = 4 };
typedef struct gvms_scope {
    uint64_t bits[GVMS_WORDS];
    int      everywhere;
} gvms_scope;

/* The index of an assigned ISO 3166-1 alpha-2 code (n bytes at s), or -1. */
int         gvms_country(const char *s, size_t n);
const char *gvms_country_code(int i);
int         gvms_ncountries(void);

void gvms_scope_add(gvms_scope *s, int country);
int  gvms_scope_has(const gvms_scope *s, int country);
void gvms_scope_unite(gvms_scope *s, const gvms_scope *t);
int  gvms_scope_equal(const gvms_scope *a, const gvms_scope *b);
int  gvms_scope_empty(const gvms_scope *s);
/* Adds one scope word ("*", a country code, a region of p) to s: 0, or -1
 * with err saying why it is none of those. */
int  gvms_scope_word(const char *w, size_t n, const gavel_policy *p, gvms_scope *s,
                     char *err, size_t errlen);

typedef struct gvms_region {
    char      *name;
    gvms_scope scope;
    gavel_region view;
} gvms_region;

/* ---- specs (what a rule definition says) -------------------------------------- */

/* Where a value is read from when a rule fires: the record (`r.a.b`), the
 * context (`ctx.a.b`), the rule's evidence (`evidence.a.b`) or the
 * evaluation time (`as_of`). */
typedef enum { GVMS_RECORD, GVMS_CONTEXT, GVMS_EVIDENCE, GVMS_AS_OF } gvms_root;
typedef struct gvms_path {
    gvms_root root;
    char     *text;     /* as written, "evidence.order.issued_at" */
    char     *rest;     /* after the root: "order.issued_at"; "" for the root itself */
} gvms_path;

typedef struct gvms_time {     /* a due or until */
    int       set;
    int       fixed;           /* 1: at is the instant; 0: `from` plus at ms */
    int       optional;        /* `from` absent: no time, rather than an error */
    int64_t   at;
    gvms_path from;
} gvms_time;

typedef struct gvms_target_spec {
    char     *kind;            /* "post" */
    gvms_path from;            /* ids, items with an id, or lists of either */
} gvms_target_spec;

typedef struct gvms_spec {
    int               action;  /* index in the policy's actions */
    int               account; /* targets the record itself */
    gvms_target_spec *targets;
    int               ntargets;
    gvms_scope        scope;   /* the codes written out */
    gvms_path        *scope_from;   /* and those read when the rule fires */
    int               nscope_from;
    gvms_time         due, until;
    char             *text;    /* in words, for gavel_rule_info.measures */
} gvms_spec;

struct gvms_fire_ctx;
/* The value at a path when a rule fires; NULL when absent or null (for
 * as_of too: its time is the context's as_of instant). */
const gv_value *gvms_path_value(const gvms_path *p, const struct gvms_fire_ctx *c);

/* Reads the measure specs of a rule definition (the value at idx, the
 * `measures` field as written: one measure or a list) against the
 * policy's actions and regions. 0, or -1 with a message in err. */
int  gvms_parse_specs(lua_State *L, int idx, const gavel_policy *p, gvms_spec **specs,
                      int *nspecs, char *err, size_t errlen);
void gvms_free_specs(gvms_spec *specs, int n);
/* Does any spec read the evidence? (Only then is it parsed back.) */
int  gvms_reads_evidence(const gvms_spec *specs, int n);

/* ---- a record's measures ------------------------------------------------------ */

typedef struct gvms_target {
    const char *kind;          /* the spec's, or "account" */
    gv_value    id;            /* a string (in the decision's arena) or a number */
    const char *text;          /* as plain text */
} gvms_target;

typedef struct gvms_measure {
    int        action;
    int        fired;          /* a rule's own: its index in the decision's fired list */
    int        rule;           /* ... and its rule */
    int        t0, nt;         /* targets, in the set's list */
    gvms_scope scope;
    int        has_due, has_until;
    int64_t    due, until;     /* ms since the epoch */
    int        r0, nr;         /* combined: the rules, in the set's list */
} gvms_measure;

typedef struct gvms_set {
    gvms_measure *own;  int nown;  size_t capown;     /* each rule's, in firing order */
    gvms_measure *out;  int nout;  size_t capout;     /* combined */
    gvms_target  *targets; int ntargets, nowntargets; size_t captargets;
    int          *rules; int nrules; size_t caprules;
    /* Public views, built on demand. */
    gavel_measure *view_own, *view_out;
    gavel_target  *view_targets;
    const char   **view_strs;
    size_t         capview_strs;
} gvms_set;

/* What a firing rule's measures are read from. */
typedef struct gvms_fire_ctx {
    const gavel_policy *policy;
    const gv_value *record, *context, *evidence, *id;
    int64_t         as_of;     /* the evaluation time, ms */
    gv_arena       *arena;     /* the decision's, for target ids */
} gvms_fire_ctx;

void gvms_set_reset(gvms_set *s);
void gvms_set_free(gvms_set *s);
/* Adds the measures of spec to s for the rule at fired-list index `fired`.
 * 0; -1 out of memory; 1 with a message in err (a path that is missing or
 * of the wrong kind: an error on the record). */
int  gvms_fire(gvms_set *s, const gvms_spec *spec, int fired, int rule, const gvms_fire_ctx *c,
               char *err, size_t errlen);
/* Copies the own measures of fired entry `from` of src as entry `fired`. */
int  gvms_copy_own(gvms_set *s, const gvms_set *src, int from, int fired, gv_arena *a);
/* Combines the own measures of the fired entries standing(ud, f) is true
 * for into s->out (docs/policy.md, "Measures"). -1 on out of memory. */
int  gvms_combine(gvms_set *s, int (*standing)(const void *ud, int fired), const void *ud);
/* Writes a list of measures as JSON: s->out when fired < 0, else the own
 * measures of that fired entry. */
void gvms_json(gv_buf *b, const gvms_set *s, int fired, const gavel_policy *p);
int  gvms_count_own(const gvms_set *s, int fired);
/* Builds the public views (their strings are formatted into arena). */
int  gvms_build_views(gvms_set *s, const gavel_policy *p, gv_arena *a);
/* The views of fired entry `fired`'s own measures: count and first. */
const gavel_measure *gvms_view_own(const gvms_set *s, int fired, size_t *n);

#endif
