/*
 * tally.h: counts by name (tally.c), the one piece behind the report's
 * totals and charts and the groups of `gavel diff`: names kept in the order
 * they first came, sortable most-counted first. A name may be made of parts
 * (a set-aside rule and the rule that set it aside), each kept, so no
 * reader splits a name again. Out of memory ends the command (exit 2), as
 * cli_strdup does.
 */
#ifndef GAVEL_TALLY_H
#define GAVEL_TALLY_H

#include <stddef.h>

#define TALLY_PARTS 3

typedef struct tally_item {
    char  *name;              /* unique in its tally; parts joined by a tab */
    char  *part[TALLY_PARTS]; /* with tally_add_parts: each part, else NULL */
    char  *note;              /* the owner's: a rule's outcome, the rules that read a fact */
    void  *data;              /* the owner's, freed by the tally's free_data */
    unsigned long long n;
    size_t first;             /* order of first appearance */
} tally_item;

typedef struct tally {
    tally_item *it;
    size_t      n, cap;
    void      (*free_data)(void *);   /* for each item's data, or NULL */
} tally;

/* Counts `by` more under name; the item, new (n == by) or not. */
tally_item *tally_add(tally *t, const char *name, unsigned long long by);
/* The same for a name made of nparts (at most TALLY_PARTS) parts. */
tally_item *tally_add_parts(tally *t, const char *const *parts, size_t nparts,
                            unsigned long long by);
tally_item *tally_find(const tally *t, const char *name);
/* Most counted first; equal counts in the order they first came. */
void tally_sort(tally *t);
/* Moves the item named `name`, if any at or after `at`, to position `at`,
 * the ones between one down. Returns 1 when it was there. */
int  tally_move(tally *t, const char *name, size_t at);
/* Adds word to the note as a set: "a, b". */
void tally_note_add(tally_item *it, const char *word);
void tally_free(tally *t);

/* realloc, or the end of the command (exit 2) after saying so: for the
 * tallies and the models built beside them. */
void *tally_grow(void *p, size_t size);

#endif
