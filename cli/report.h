/*
 * report.h: what `gavel report` knows of a decisions file (report.c), read
 * from its decision lines: totals by outcome, the determining rules, the
 * cited provisions, what was set aside and by what, the missing facts, the
 * policies and dates, the measures the decisions order (by action and by
 * country), and the lines kept for the table. The page (report_html.c)
 * only shows it.
 */
#ifndef GAVEL_REPORT_H
#define GAVEL_REPORT_H

#include <stdio.h>
#include "gavel.h"
#include "tally.h"

typedef struct report {
    unsigned long long records, defaults, errors, with_missing, bad_lines;
    tally outcomes;  /* by decision; in the policy's order after report_finish */
    tally rules;     /* determining rules; note: the rule's outcome */
    tally cites;     /* cited provisions, once per record */
    tally setaside;  /* parts: the rule set aside, the rule that set it aside */
    tally missing;   /* fact paths, positions as []; note: the rules that read it */
    tally policies;  /* parts: name, version, digest ("?" when absent) */
    tally as_of;     /* the dates the law was applied at */
    /* Measures, when the decisions carry them (a policy with actions):
     * has_measures is 1 once a decision has a "measures" member, even []. */
    int   has_measures;
    unsigned long long measures, targets, with_measures;  /* with_measures: records */
    tally actions;   /* n: measures of the action; data: its report_count */
    tally scopes;    /* a country code or "*": n measures there; data: report_count */
    char **rows;     /* decision lines for the table, parsed again there */
    size_t nrows, rows_cap, max_rows;
    gavel_record *scratch;       /* holds one parsed line at a time */
} report;

/* What a tally of measures counts besides the measures (its n). */
typedef struct report_count {
    unsigned long long targets;   /* the targets of those measures */
    unsigned long long records;   /* the records that ordered any */
} report_count;

/* An action's or a scope's counts; zeros when the item has none. */
report_count report_counts(const tally_item *it);

/* An empty report keeping at most max_rows lines. 0, or -1 out of memory. */
int  report_init(report *r, size_t max_rows);
/* One decision, parsed from `line`. 0, or -1 out of memory (said). */
int  report_add(report *r, const gavel_value *decision, const char *line);
/* Orders what was added: outcomes and actions as the policy (may be NULL)
 * lists them, the charts and scopes most counted first. */
void report_finish(report *r, const gavel_policy *p);
/* An outcome's place in the order, or -1 when no decision had it. */
long report_outcome_index(const report *r, const char *outcome);
/* Table row i parsed again (into the scratch record: valid until the next
 * call), or NULL. */
const gavel_value *report_row(report *r, size_t i);
void report_free(report *r);

/* What the page shows beside the report. */
typedef struct report_page {
    const char *title;          /* or NULL: from the policy */
    const char *source;         /* the decisions file, "-" for stdin */
    const gavel_value *order;   /* the order in the context, or NULL */
    int now;                    /* show when the page was made */
} report_page;

/* The page (report_html.c). */
void report_html(FILE *f, report *r, const report_page *page);

#endif
