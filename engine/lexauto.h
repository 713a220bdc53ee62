/*
 * lexauto.h: the lexicon automaton's layout (see lexicon.c's header), shared
 * by building it (lexicon.c) and running it (lexfind.c). Private to the
 * lexicon module. What both sides step through is static inline here, so
 * the search's inner loops make no calls.
 */
#ifndef GAVEL_LEXAUTO_H
#define GAVEL_LEXAUTO_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "lexicon.h"

#define FOLD_FLAGS  (UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_IGNORE)
#define FOLD_CPS    32          /* code points one code point may fold to */
#define FOLD_BYTES  (FOLD_CPS * 4)
#ifndef DENSE_CAP               /* overridable to test the sparse path */
#define DENSE_CAP   (1u << 20)  /* bytes of dense rows per lexicon */
#endif
#define MAX_STATES  (UINT32_MAX / 2)
/* The scan remembers expansions over the last RING_BITS folded bytes, so
 * a folded term must be shorter. */
#define RING_BITS   4096        /* a multiple of 64 */
#define QUICK_CPS   0x3000      /* fold_kind cached below this code point */

struct gvlex {
    size_t    nterms;
    char     *pool;       /* terms as written, NUL-terminated, back to back */
    uint32_t *toff;       /* term i is pool + toff[i] */
    uint32_t *tlen;       /* folded length of term i in bytes */
    int32_t  *tnext;      /* next shorter term that is a suffix of term i */
    uint32_t  maxlen;     /* longest folded term */

    uint32_t  nstates;
    uint32_t *first;      /* nstates+1 entries: children of s start here */
    uint8_t  *label;      /* byte on the edge into s */
    uint32_t *fail;       /* longest proper suffix of s that is a state */
    int32_t  *out;        /* longest term that is a suffix of s, or -1 */

    uint32_t  ndense;     /* states below this have a dense row */
    uint32_t  ncls;       /* byte classes, class 0 = in no term */
    uint32_t  shift;      /* a dense row is 1 << shift entries, > ncls */
    uint32_t  bshift;     /* shift + 2: a dense row is 1 << bshift bytes */
    uint8_t   cls[256];   /* class of a folded byte */
    uint32_t *dense;      /* ndense rows of coded next states, by class,
                             and a last column, ncls, for non-ASCII text */
    const unsigned char *tcolp[256];  /* text byte c: its column in row 0 */

    /* A union (gvlex_union) also has its parts: union term t is term
     * pterm[t * nparts + i] of parts[i], or -1 if parts[i] lacks it. */
    size_t        nparts;       /* 0 for a lexicon parsed from a file */
    const gvlex **parts;
    int32_t      *pterm;
};

/* Dense rows hold coded states, so that the ASCII loop of gvlex_find has
 * nothing but a load on its per-byte chain: the address of the next load is
 * the coded state plus the byte's column, and the column comes from the
 * text alone. A state v that has a dense row and where no term ends is
 * coded as the byte offset of its row, v << bshift; any other state (a term
 * ends there, or it has no dense row) as STOP_BIT | v, which makes the
 * loop stop. The root never ends a term, so STOP_BIT alone is free: it
 * fills the column that tcolp gives to the bytes 0x80-0xFF, the loop's exit
 * to the code point path. */
#define STOP_BIT      0x80000000u
#define NONASCII_CODE STOP_BIT

_Static_assert(DENSE_CAP <= (1u << 31), "row offsets must leave STOP_BIT free");

/* Decodes the valid sequence of k bytes at s (k from gv_utf8_seq). */
static inline int32_t utf8_decode(const unsigned char *s, int k)
{
    switch (k) {
    case 1:  return s[0];
    case 2:  return (s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    case 3:  return (s[0] & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    default: return (s[0] & 0x07) << 18 | (s[1] & 0x3F) << 12 |
                    (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    }
}

static inline unsigned char ascii_lower(unsigned char c)
{
    return (unsigned char)(c + (((unsigned)c - 'A' < 26u) << 5));
}

static inline uint32_t child(const gvlex *lx, uint32_t s, unsigned char c)
{
    uint32_t lo = lx->first[s], hi = lx->first[s + 1];
    if (hi - lo <= 8) {
        for (; lo < hi; lo++)
            if (lx->label[lo] >= c)
                return lx->label[lo] == c ? lo : 0;
        return 0;
    }
    while (lo < hi) {             /* state 0 is never a child: 0 = none */
        uint32_t mid = lo + (hi - lo) / 2;
        if (lx->label[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < lx->first[s + 1] && lx->label[lo] == c ? lo : 0;
}

/* Folds the non-ASCII code point of k valid bytes at s (lexfind.c): returns
 * the folded length and points *out at the bytes (s itself when nothing
 * changes, else buf, FOLD_BYTES of room). *mark: the first folded code
 * point is a combining mark. Terms are folded through this, text through
 * the same code inline, which is what makes them comparable byte for byte. */
int  gvlex_fold(const unsigned char *s, int k, unsigned char *buf,
                const unsigned char **out, int *mark);
/* Builds the per-process fold cache once; before any fold or find. */
void gvlex_fold_init(void);

#endif
