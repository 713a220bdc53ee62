/*
 * lexicon.h: named word lists compiled once at policy load into a
 * multi-pattern automaton, matched case-insensitively and UTF-8 aware.
 *
 * Terms and text are compared after Unicode full case folding and canonical
 * decomposition (utf8proc), so 'ÜBERFALL' finds 'überfall' whether the text
 * spells ü precomposed or as u + U+0308, and Greek and Cyrillic fold as they
 * should. A compiled lexicon is immutable: find is safe from any number of
 * threads at once.
 *
 * Private to libgavel.
 */
#ifndef GAVEL_LEXICON_H
#define GAVEL_LEXICON_H

#include <stddef.h>
#include "value.h"

typedef struct gvlex gvlex;

/* Parses a lexicon file's contents: UTF-8, one term per line, leading and
 * trailing white space trimmed, blank lines and lines starting with '#'
 * ignored. Errors (invalid UTF-8, NUL, a term that folds to nothing) carry
 * the line. Duplicate terms (after folding) are kept once. Returns NULL with
 * err set on failure. */
gvlex *gvlex_parse(const char *buf, size_t len, gv_error *err);
void   gvlex_free(gvlex *lx);

size_t      gvlex_count(const gvlex *lx);          /* terms after dedup */
const char *gvlex_term(const gvlex *lx, size_t i); /* as written in the file */

/* The term that occurs first in text (smallest start; on a tie, the longest
 * match), as written in the lexicon file, or NULL. A match never ends in the
 * middle of a character or just before a combining mark (so "u" does not
 * match the first letter of "ü"). Text that is not valid UTF-8 is matched
 * byte-wise where it is invalid. Linear in len. */
const char *gvlex_find(const gvlex *lx, const char *text, size_t len);

/* One automaton over the terms of several lexicons (at most
 * GVLEX_UNION_MAX), which must outlive it: one pass over a text answers
 * for all of them. found[i] is what gvlex_find(parts[i], text, len) would
 * return, exactly. Free with gvlex_free; gvlex_find on a union is NULL. */
#define GVLEX_UNION_MAX 32
gvlex *gvlex_union(const gvlex *const *parts, size_t nparts, gv_error *err);
void   gvlex_find_all(const gvlex *u, const char *text, size_t len, const char **found);

#endif
