/*
 * diff.h: what `gavel diff` finds (diff.c) when every record is decided
 * under an old and a new policy: the rules that differ between the two,
 * the old x new decision matrix, and the records whose decision changed,
 * or kept it for other reasons or citations, grouped by (old -> new
 * decision, old -> new determining rules), with counts, example ids and
 * the first example's reasons before and after (a change of measures is
 * one too). cmd_diff.c shows it as text or JSON.
 */
#ifndef GAVEL_DIFF_H
#define GAVEL_DIFF_H

#include "gavel.h"
#include "tally.h"

#define DIFF_MAX_EXAMPLES 50

/* The determining rules of one side of a group: the ids, or a word. */
typedef struct diff_rules {
    char  *text;        /* "a, b"; "(default)" or "(error)" when no rule decided */
    char **ids;         /* the ids; none for a word */
    size_t nids;
    int    word;        /* text is "(default)" or "(error)" */
} diff_rules;

/* A group: the data of an item of a diff_result's changes or reasons
 * tally, whose n is how many records are in it. */
typedef struct diff_group {
    char *from, *to;              /* decisions */
    diff_rules old_rules, new_rules;
    char *what;                   /* same decision: what changed; NULL otherwise */
    char *examples[DIFF_MAX_EXAMPLES];      /* ids, plain text */
    char *examples_json[DIFF_MAX_EXAMPLES]; /* the same as JSON */
    size_t nex;
    char *old_why, *new_why;      /* the first example, before and after: "rule: text" lines */
    char *because;                /* the first example: what moved, rule by rule */
    char *measures;               /* the first example: what changed in its measures, or "" */
} diff_group;

typedef struct diff_rule_change {
    char        sign;   /* '+' added, '-' removed, '~' changed */
    const char *id;
    const char *outcome;
    char       *detail; /* what changed, for '~' */
} diff_rule_change;

/* The outcomes of both policies (then any other met), and how many records
 * went from each (row, old) to each (column, new). */
typedef struct diff_matrix {
    char **names;
    size_t n, cap;
    unsigned long long *cell;   /* cap x cap: cell[old * cap + new] */
} diff_matrix;

typedef struct diff_result {
    const gavel_policy *old, *new_;
    const char *as_of;
    const char *as_of_field;    /* --as-of-field: each record's own time, not as_of */
    int same_digest;            /* the two policies are the same files */
    int measures;               /* either policy declares actions */
    size_t nexamples;           /* example ids kept per group */
    unsigned long long records, unchanged, changed, reasons_changed;
    diff_matrix m;
    tally changes, reasons;     /* groups; most records first after diff_finish */
    diff_rule_change *rc;
    size_t nrc;
} diff_result;

/* An empty result for the two policies, with their rule changes. 0, or -1
 * out of memory (said). */
int  diff_init(diff_result *r, const gavel_policy *old, const gavel_policy *new_,
               const char *as_of, size_t nexamples);
/* For two decisions with the same outcome, what differs as `gavel diff`
 * words it ("determining rules", "citations, evidence", "measures", ...),
 * malloc'ed, or NULL when nothing does. */
char *diff_what_changed(const gavel_decision *a, const gavel_decision *b);
/* The two decisions of one record. */
void diff_add(diff_result *r, const gavel_decision *old, const gavel_decision *new_);
void diff_finish(diff_result *r);
void diff_free(diff_result *r);

/* A group of a changes or reasons tally. */
static inline const diff_group *diff_group_of(const tally_item *it)
{
    return it->data;
}

#endif
