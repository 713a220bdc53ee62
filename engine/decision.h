/*
 * decision.h: the decision object (decision.c): what the evaluator fills in,
 * the resolution of defeats, and the JSON every decision repeats.
 */
#ifndef GAVEL_DECISION_H
#define GAVEL_DECISION_H

#include "gavel.h"
#include "buf.h"
#include "date.h"
#include "measure.h"
#include "policy.h"
#include "value.h"

typedef struct gvdec_entry {
    int   rule;            /* index in policy rules */
    int   by;              /* defeater (rule index), -1 when undefeated */
    char *reason;          /* rendered, in the decision's arena */
    char *evidence;        /* JSON object text */
} gvdec_entry;

typedef struct gvdec_missing {
    char  *path;
    int   *rules;
    int    nrules;
    size_t caprules;
} gvdec_missing;

struct gavel_decision {
    const gavel_policy *policy;
    gv_arena arena;        /* strings of this decision */
    char    *id;           /* plain text (gavel_decision_id), NULL before any */
    gv_value idv;          /* the id as a value: a string (pointing at id) or a number */
    int      outcome;
    int      is_default;
    char     as_of[GVDATE_MAX];   /* "" when no law was applied (a record without its time) */

    gvdec_entry *fired;    /* every rule that fired, in policy order */
    int nfired; size_t capfired;
    int *reasons, nreasons; size_t capreasons;     /* indexes into fired */
    int *mreasons, nmreasons; size_t capmreasons;  /* ... of rules whose measures are
                                                      taken, not among reasons */
    int *defeated, ndefeated; size_t capdefeated;  /* indexes into fired */
    int *slot, capslot;    /* rule index -> fired index, -1 (for resolve) */
    gvdec_missing *missing; int nmissing; size_t capmissing;
    gavel_error_entry *errors; int nerrors; size_t caperrors;
    gvms_set measures;     /* each fired rule's, and the combined (measure.h) */

    /* Public views built on demand by the accessors. */
    gavel_reason  *view_reasons, *view_defeated, *view_mreasons;
    gavel_missing *view_missing;
    const char   **view_rules;
    int            views_ready;

    gv_buf json;
};

void gvdec_reset(gavel_decision *d, const gavel_policy *p);
/* Sets the id from a string or number value (copied). -1 on out of memory. */
int  gvdec_set_id(gavel_decision *d, const gv_value *id);
/* Rules are added in policy order; strings are copied into the decision. */
int  gvdec_add_fired(gavel_decision *d, int rule, const char *reason, const char *evidence);
int  gvdec_add_missing(gavel_decision *d, const char *path, size_t plen, int rule);
int  gvdec_add_error(gavel_decision *d, int rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* docs/policy.md, "How a decision is reached", over the fired rules:
 * defeats in topological order, then the strongest undefeated outcome, the
 * default, or on_error. */
int  gvdec_resolve(gavel_decision *d);
/* Encodes, once per policy, the JSON that every decision repeats: the
 * policy object and each rule's id, outcome and cites. -1 on out of
 * memory. */
int  gvdec_encode_policy(gavel_policy *p);

#endif
