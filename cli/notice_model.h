/*
 * notice_model.h: what a reasoned notice says (notice_model.c), gathered
 * from one decision line, the order in the context file and, when given,
 * the policy: what is restricted and where (the measures the decision
 * orders: which posts or the account, where, by when, until when; or,
 * for a decision without measures, the jurisdiction), under which provisions, on
 * which facts, which exemptions and other objections were considered (those
 * that applied and what set them aside; with the policy, those that did not
 * apply), which grounds were set aside and which facts were missing.
 * notices.c writes it as Markdown. Nothing is invented: every text is
 * borrowed from the decision, the context or the policy, and lives as long
 * as they do.
 */
#ifndef GAVEL_NOTICE_MODEL_H
#define GAVEL_NOTICE_MODEL_H

#include <stddef.h>
#include "gavel.h"

/* The order in a context: ctx.order when it is a mapping, else ctx itself. */
const gavel_value *notices_order(const gavel_value *context);
/* A country for a code: "India (IN)"; "*" as "everywhere"; other text as
 * it is. Static buffer. */
const char *notices_place(const char *code);

/* A rule in a notice, with what the notice says of it. */
typedef struct notice_entry {
    const char *rule, *cites, *reason;   /* for an error, reason is its message */
    const gavel_value *evidence;         /* a fact's evidence (a mapping), or NULL */
    const gavel_value *read_by;          /* a missing fact's rules, or NULL */
    const char *by;                      /* set aside: by this rule ... */
    const char *by_reason, *by_cites;    /* ... for this reason, under this provision */
    const gavel_value *measures;         /* set aside: the measures that went with it */
} notice_entry;

typedef struct notice_list {
    notice_entry *it;
    size_t n, cap;
} notice_list;

/* A provision the decision rests on, once, with every rule citing it (a
 * rule citing nothing is one of its own, with cites NULL). */
typedef struct notice_provision {
    const char  *cites;
    const char **rules;
    size_t       nrules;
} notice_provision;

/* Rules that could set a ground aside: exemptions (for the policy's
 * default outcome, keep) or other objections (review, ...). */
typedef struct notice_objections {
    notice_list applied;     /* applied, and were set aside (by, by_reason, by_cites) */
    notice_list unused;      /* with the policy: did not apply here (rule, cites) */
} notice_objections;

/* A measure the decision orders, as its "measures" say it. */
typedef struct notice_measure {
    const char *action;
    const gavel_value *targets;   /* [{kind, id}]: which posts, or the account */
    const gavel_value *scope;     /* country codes, or ["*"]: everywhere */
    const char *due, *until;      /* RFC 3339, or NULL when the measure sets none */
    const gavel_value *rules;     /* the rules that ordered it */
} notice_measure;

/* Where the measures apply: each scope once (the same codes), with the
 * actions ordered there, in the order the measures come. */
#define NOTICE_MAX_ACTIONS 16
typedef struct notice_where {
    const gavel_value *scope;
    const char *actions[NOTICE_MAX_ACTIONS];
    size_t nactions;
} notice_where;

enum { NOTICE_EXEMPTIONS, NOTICE_OTHER_OBJECTIONS };
#define NOTICE_MAX_POSTS 32

typedef struct notice {
    char        id[256];          /* the record's id as text */
    const char *decision, *noun;  /* "withhold", "withholding" (NULL: no noun known) */
    char        place[160];       /* without measures: where it applies, "" when unknown */
    const gavel_value *order;     /* the order, or NULL */
    const char *order_id, *issued, *order_reasons;
    const gavel_value *issuer, *grounds;   /* the order's, or NULL */
    const char *policy_name, *policy_version, *policy_digest;  /* has_policy */
    int         has_policy;
    const char *as_of;
    const char *posts[NOTICE_MAX_POSTS];   /* the posts the decision rests on */
    size_t      nposts;
    notice_provision *provisions;
    size_t      nprovisions;
    notice_list facts;            /* the reasons: rule, reason, evidence */
    notice_list measure_facts;    /* measure_reasons: why the other measures' rules ordered them */
    notice_list errors;           /* rule (or NULL), reason: the message */
    notice_objections objections[2];   /* NOTICE_EXEMPTIONS, NOTICE_OTHER_OBJECTIONS */
    notice_list grounds_set_aside;     /* grounds for this decision that were set aside */
    notice_list missing;          /* rule: the fact's path; read_by */
    notice_measure *measures;     /* what the decision orders; where, when it has any */
    size_t      nmeasures;
    notice_where *where;
    size_t      nwhere;
} notice;

/* What the notice for decision d says. The policy may be NULL; running
 * out of memory ends the command, as cli_strdup does. */
void notice_build(notice *n, const gavel_value *d, const gavel_value *context,
                  const char *jurisdiction, const gavel_policy *policy);
void notice_free(notice *n);

#endif
