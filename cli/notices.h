/*
 * notices.h: reasoned notices (`gavel report --notices DIR`): for each
 * decision with the notice outcome (withhold), a short Markdown notice that
 * says what is restricted, where, under which provision, on which facts,
 * and which exemptions were considered and why they were set aside, from
 * the decision line, the order in the context file and, when given, the
 * policy. What a notice says is notice_model.h's; notices.c writes it.
 */
#ifndef GAVEL_NOTICES_H
#define GAVEL_NOTICES_H

#include "gavel.h"
#include "notice_model.h"

typedef struct notices {
    const char *dir;            /* where the notices go (created if absent) */
    const char *outcome;        /* decisions that get a notice: "withhold" */
    const gavel_value *context; /* the context file, or NULL */
    const char *jurisdiction;   /* where the restriction applies, or NULL */
    const gavel_policy *policy; /* optional: exemptions that did not apply */
    const char *source;         /* the decisions file, for the footer */
    /* filled as notices are written */
    char      **names;          /* file names used */
    char      **index;          /* index.md lines */
    size_t      n, cap;
} notices;

int  notices_open(notices *ns);                      /* 0, or -1 with a message */
/* One decision line; writes a notice when its decision is the outcome.
 * Returns 1 written, 0 not for this decision, -1 could not write. */
int  notices_add(notices *ns, const gavel_value *decision, long lineno);
int  notices_close(notices *ns);                     /* writes DIR/index.md */

#endif
