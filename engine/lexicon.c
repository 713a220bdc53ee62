/*
 * lexicon.c: parsing lexicon files and the Aho-Corasick automaton that
 * finds their terms in text.
 *
 * Owns: the term file format (trim, comments, BOM, CRLF, errors with the
 * line), the folding that terms and text share, the automaton build, and
 * gvlex_find.
 *
 * Folding is Unicode full case folding plus canonical decomposition, with
 * default-ignorable code points (soft hyphen, zero-width space and joiners)
 * dropped: utf8proc_decompose_char per code point, so 'ß' is "ss", final
 * 'ς' is 'σ' and 'ü' is u + U+0308. ASCII never calls utf8proc, and a code
 * point that folds to itself (most letters of caseless scripts) is fed as
 * it stands. Marks are not reordered (NFD would), so a text that stacks
 * two marks in a non-canonical order does not match (rare in practice).
 *
 * Terms are folded at parse time into a byte trie; find folds text one
 * code point at a time and feeds the bytes through the automaton, using
 * only its own stack, so one lexicon serves any number of threads. Match
 * rules: earliest start, then longest. A match must end where a code
 * point's folding ends, not before a combining mark, and start where a
 * code point's folding starts ("sen" is not in "großen").
 *
 * Layout. States are numbered breadth first, which makes the children of a
 * state a contiguous run of state numbers: the edge into state s is just
 * label[s], and the children of s are first[s] .. first[s+1]-1 (labels
 * ascending). The shallow states, where text spends nearly all its time,
 * also get a dense row of complete transitions over byte classes (bytes
 * that occur in no term share class 0, which always leads back to the
 * root); rows are added breadth first up to DENSE_CAP bytes. Deeper states
 * use their sparse children plus failure links. That is 13 bytes a state
 * plus at most 1 MB of rows and a 12 KB fold cache: 100,000 terms of
 * ordinary length come to about 13 MB and build in well under a second.
 *
 * Unions. A policy's rules tend to search one text for several lexicons:
 * gvlex_union builds one automaton over the terms of several, each union
 * term mapped back to the part terms it stands for, and one scan keeps a
 * best match per part (consider() applies each part's rules to its own
 * terms), so gvlex_find_all answers for every part at the cost of one
 * find. Equal folded terms of different parts are one union term.
 *
 * Speed. Text is mostly ASCII, and an ASCII byte costs one dependent load:
 * a dense row entry holds the next state already coded as the byte offset
 * of its row, tcolp[c] points at the column of text byte c (ASCII case
 * folded in) in the first row, so the next entry is at tcolp[c] + offset,
 * and a flag bit in the entry stops the loop only where a term ends, where
 * rows end, or at a non-ASCII byte (see ascii_run).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "lexicon.h"

#define FOLD_FLAGS  (UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_IGNORE)
#define FOLD_CPS    32          /* code points one code point may fold to */
#define FOLD_BYTES  (FOLD_CPS * 4)
#ifndef DENSE_CAP               /* overridable to test the sparse path */
#define DENSE_CAP   (1u << 20)  /* bytes of dense rows per lexicon */
#endif
#define MAX_STATES  (UINT32_MAX / 2)
_Static_assert(DENSE_CAP <= (1u << 31), "row offsets must leave STOP_BIT free");
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

/* ---- folding ------------------------------------------------------------ */

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

/* gv_utf8_seq and utf8_decode in one, for text: the length of the valid
 * sequence at s (which is not ASCII) with its code point in *cp, or 0. */
static inline int utf8_next(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    if (c < 0xC2)
        return 0;
    if (c <= 0xDF) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = (int32_t)((c & 0x1F) << 6 | (s[1] & 0x3F));
        return 2;
    }
    if (c <= 0xEF) {
        if (n < 3)
            return 0;
        unsigned b1 = s[1] ^ 0x80u, b2 = s[2] ^ 0x80u;   /* < 0x40: 10xxxxxx */
        if ((b1 | b2) >= 0x40)
            return 0;
        int32_t v = (int32_t)((c & 0x0F) << 12 | b1 << 6 | b2);
        if (v < 0x800 || (uint32_t)(v - 0xD800) < 0x800)
            return 0;               /* overlong, or a UTF-16 surrogate */
        *cp = v;
        return 3;
    }
    if (c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        int32_t v = (int32_t)((c & 0x07) << 18 | (s[1] & 0x3F) << 12 |
                              (s[2] & 0x3F) << 6 | (s[3] & 0x3F));
        if (v < 0x10000 || v > 0x10FFFF)
            return 0;               /* overlong, or past U+10FFFF */
        *cp = v;
        return 4;
    }
    return 0;
}

static int is_mark_cat(int cat)
{
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME;
}

static inline unsigned char ascii_lower(unsigned char c)
{
    return (unsigned char)(c + (((unsigned)c - 'A' < 26u) << 5));
}

/* How folding treats a non-ASCII code point: FOLD_SELF if it folds to
 * itself, FOLD_SELF_MARK if it also is a combining mark, FOLD_CHANGES if
 * fold_slow must run. Nearly every letter of a caseless script
 * (Devanagari, Gurmukhi, CJK, Arabic) folds to itself. This mirrors
 * utf8proc_decompose_char with FOLD_FLAGS, which changes a code point only
 * for a Hangul syllable, an ignorable, a case folding or a canonical
 * (untyped) decomposition. */
enum { FOLD_CHANGES, FOLD_SELF, FOLD_SELF_MARK };

static int fold_kind(int32_t cp)
{
    const utf8proc_property_t *pr = utf8proc_get_property(cp);
    if (pr->casefold_seqindex != UINT16_MAX || pr->ignorable ||
        (pr->decomp_seqindex != UINT16_MAX && !pr->decomp_type) ||
        (cp >= 0xAC00 && cp <= 0xD7A3))
        return FOLD_CHANGES;
    return is_mark_cat(pr->category) ? FOLD_SELF_MARK : FOLD_SELF;
}

/* fold_kind of every code point below QUICK_CPS: the same for every
 * lexicon, so built once per process (12,288 property lookups), not at
 * each compile. */
static uint8_t quick_kind[QUICK_CPS];
static pthread_once_t quick_once = PTHREAD_ONCE_INIT;

static void build_quick(void)
{
    for (int32_t cp = 0x80; cp < QUICK_CPS; cp++)
        quick_kind[cp] = (uint8_t)fold_kind(cp);
}

/* Folds cp to UTF-8 at buf (FOLD_BYTES of room); returns the byte count,
 * 0 for an ignorable. *mark: the first folded code point is a combining
 * mark. */
static int fold_slow(int32_t cp, unsigned char *buf, int *mark)
{
    utf8proc_int32_t d[FOLD_CPS];
    int bound = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, FOLD_CPS, FOLD_FLAGS, &bound);
    if (n < 0 || n > FOLD_CPS) {   /* not for any valid code point; be safe */
        d[0] = cp;
        n = 1;
    }
    int len = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++)
        len += (int)utf8proc_encode_char(d[i], buf + len);
    *mark = n > 0 && is_mark_cat(utf8proc_category(d[0]));
    return len;
}

/* Folds the non-ASCII code point of k valid bytes at s: returns the folded
 * length and points *out at the bytes, s itself when nothing changes.
 * Terms and text both come through here or through the same pair of
 * functions, which is what makes them comparable byte for byte. */
static int fold_at(const unsigned char *s, int k, unsigned char *buf,
                   const unsigned char **out, int *mark)
{
    int32_t cp = utf8_decode(s, k);
    int kind = cp < QUICK_CPS ? quick_kind[cp] : fold_kind(cp);
    if (kind == FOLD_CHANGES) {
        *out = buf;
        return fold_slow(cp, buf, mark);
    }
    *out = s;
    *mark = kind == FOLD_SELF_MARK;
    return k;
}

/* ---- automaton: matching ------------------------------------------------ */

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

static inline uint32_t decode_state(const gvlex *lx, uint32_t e)
{
    return e & STOP_BIT ? e & ~STOP_BIT : e >> lx->bshift;
}

/* The transition function: dense rows answer at once; a sparse state tries
 * its own children, then falls back along failure links, which always end
 * in the dense region because the root is dense and failure goes shallower. */
static inline uint32_t step(const gvlex *lx, uint32_t s, unsigned char c)
{
    unsigned k = lx->cls[c];
    if (k == 0)
        return 0;
    for (;;) {
        if (s < lx->ndense)
            return decode_state(lx, lx->dense[((size_t)s << lx->shift) + k]);
        uint32_t t = child(lx, s, c);
        if (t)
            return t;
        s = lx->fail[s];
    }
}

/* A run of ASCII text from s[i] (which is ASCII) in state *stp: the bytes
 * up to and including the first one where some term ends, or up to the
 * first non-ASCII byte or the end. Returns the index after the run. */
static size_t ascii_run(const gvlex *lx, const unsigned char *s, size_t i,
                        size_t len, uint32_t *stp)
{
    const unsigned char *p = s + i, *e = s + len;
    const unsigned char *const *tcolp = lx->tcolp;
    const unsigned bshift = lx->bshift;
    uint32_t st = *stp;
    for (;;) {
        if (st < lx->ndense) {
            /* The hot loop: x is the byte offset of the state's row, y the
             * coded next state. Unrolled by four, the end tested once. */
            size_t x = (size_t)st << bshift;
            uint32_t y;
#define HOT_STEP(k)                                                 \
            {                                                       \
                const unsigned char *col = tcolp[p[k]];             \
                y = *(const uint32_t *)(const void *)(col + x);     \
                if (y & STOP_BIT) {                                 \
                    p += k;                                         \
                    goto special;                                   \
                }                                                   \
                x = y;                                              \
            }
            while (e - p >= 4) {
                HOT_STEP(0) HOT_STEP(1) HOT_STEP(2) HOT_STEP(3)
                p += 4;
            }
            for (;;) {
                if (p == e) {
                    *stp = (uint32_t)(x >> bshift);
                    return len;
                }
                HOT_STEP(0)
                p++;
            }
#undef HOT_STEP
        special:
            if (y == NONASCII_CODE) {
                *stp = (uint32_t)(x >> bshift);
                return (size_t)(p - s);
            }
            p++;
            st = y & ~STOP_BIT;
            if (lx->out[st] >= 0 || p == e || *p >= 0x80) {
                *stp = st;
                return (size_t)(p - s);
            }
        }
        /* A state without a dense row: one byte at a time. */
        do {
            st = step(lx, st, ascii_lower(*p++));
            if (lx->out[st] >= 0 || p == e || *p >= 0x80) {
                *stp = st;
                return (size_t)(p - s);
            }
        } while (st >= lx->ndense);
    }
}

/* Where a match may start. A match ends on a code point boundary by
 * construction, but it could start inside a code point that folds to
 * several ('sen' in 'großen', ß being "ss"). find remembers, in a ring of
 * bits over the last RING_BITS folded bytes, which positions lie inside
 * such an expansion. Only code points that fold to something else write
 * to it, and they clear the stale bits since the last write first, so
 * ASCII and caseless text never touch it. */
#define RING_BITS 4096          /* a multiple of 64; terms are shorter */

typedef struct ring {
    uint64_t w[RING_BITS / 64];   /* 1 = inside an expansion */
    size_t   clr;                 /* bits below this are current */
} ring;

static void ring_bit(ring *r, size_t p, int on)
{
    uint64_t m = (uint64_t)1 << (p % 64);
    uint64_t *w = &r->w[(p / 64) % (RING_BITS / 64)];
    *w = on ? *w | m : *w & ~m;
}

/* Positions clr..upto-1 came from code points that fold to themselves:
 * none is inside an expansion. */
static void ring_sync(ring *r, size_t upto)
{
    if (upto - r->clr >= RING_BITS) {
        memset(r->w, 0, sizeof r->w);
    } else {
        for (size_t p = r->clr; p < upto; p++)
            ring_bit(r, p, 0);
    }
    r->clr = upto;
}

/* A code point folded to n bytes at folded offset at. */
static void ring_expansion(ring *r, size_t at, int n)
{
    ring_sync(r, at);
    ring_bit(r, at, 0);
    for (int j = 1; j < n; j++)
        ring_bit(r, at + (size_t)j, 1);
    r->clr = at + (size_t)n;
}

/* The best match so far for one lexicon: the earliest start, then the
 * longest. */
typedef struct best {
    int32_t  term;        /* -1 until something matched */
    size_t   start;       /* in folded bytes */
    uint32_t len;         /* folded length */
} best;

/* One find in progress: for one lexicon, or for each part of a union. */
typedef struct scan {
    const gvlex *lx;
    unsigned nbest;       /* 1, or the union's parts */
    unsigned nfound;      /* entries of b that hold a match */
    size_t   last_start;  /* no entry of b starts later */
    best     b[GVLEX_UNION_MAX];
    ring     ring;
} scan;

/* Considers the terms ending in state st at folded offset fend, for each
 * lexicon. The output chain runs longest first, i.e. earliest start first,
 * so for each lexicon the first of its terms that starts cleanly, or that
 * loses to its best so far, settles it here. Terms are shorter than
 * RING_BITS, so the ring covers every start. */
static void consider(scan *sc, uint32_t st, size_t fend)
{
    const gvlex *lx = sc->lx;
    const uint32_t all = sc->nbest == 32 ? UINT32_MAX : (1u << sc->nbest) - 1;
    uint32_t settled = 0;
    ring_sync(&sc->ring, fend);
    for (int32_t t = lx->out[st]; t >= 0 && settled != all; t = lx->tnext[t]) {
        uint32_t tl = lx->tlen[t];
        size_t fs = fend - tl;
        uint64_t w = sc->ring.w[(fs / 64) % (RING_BITS / 64)];
        int clean = !(w >> (fs % 64) & 1);
        const int32_t *pt = lx->nparts ? lx->pterm + (size_t)t * lx->nparts : NULL;
        for (unsigned i = 0; i < sc->nbest; i++) {
            if ((settled >> i & 1) || (pt && pt[i] < 0))
                continue;
            best *b = &sc->b[i];
            if (b->term >= 0 && (fs > b->start || (fs == b->start && tl <= b->len))) {
                settled |= 1u << i;
            } else if (clean) {
                sc->nfound += b->term < 0;
                *b = (best){ t, fs, tl };
                if (fs > sc->last_start)
                    sc->last_start = fs;
                settled |= 1u << i;
            }
        }
    }
}

/* A match is only taken once the next code point is known not to be a
 * combining mark, so the candidate waits in `pend` until then. Equal folded
 * terms were merged at parse time, so (start, length) decides every tie. */
static void run_scan(scan *sc, const char *text, size_t len)
{
    const gvlex *lx = sc->lx;
    const unsigned char *s = (const unsigned char *)text;
    uint32_t st = 0, pst = 0;
    size_t fpos = 0, pfpos = 0, i = 0;
    int pend = 0;

    while (i < len) {
        /* Stop once nothing can start at or before the best start: a
         * match ending after fpos starts after fpos - maxlen, and the
         * pending one (ending at fpos) still needs the next code point.
         * (Only a shortcut: consider() would refuse every later match.) */
        if (sc->nfound == sc->nbest && fpos >= sc->last_start + lx->maxlen &&
            (!pend || fpos > sc->last_start + lx->maxlen)) {
            pend = 0;
            break;
        }
        if (s[i] < 0x80) {
            if (pend) {             /* ASCII is never a combining mark */
                consider(sc, pst, pfpos);
                pend = 0;
            }
            /* A run of ASCII is most text: keep it tight, leaving only
             * when some term ends. */
            size_t i0 = i;
            i = ascii_run(lx, s, i, len, &st);
            fpos += i - i0;
            if (lx->out[st] >= 0) {
                pend = 1;
                pst = st;
                pfpos = fpos;
            }
            continue;
        }
        /* A run of non-ASCII code points. */
        do {
            int32_t cp;
            int k = utf8_next(s + i, len - i, &cp);
            if (k == 0) {           /* opaque byte: matches nothing */
                if (pend) {
                    consider(sc, pst, pfpos);
                    pend = 0;
                }
                st = 0;
                fpos++;
                i++;
                continue;
            }
            /* fold_at, with the answer for common code points cached */
            int kind = cp < QUICK_CPS ? quick_kind[cp] : fold_kind(cp);
            if (kind != FOLD_CHANGES) {
                if (pend) {
                    if (kind != FOLD_SELF_MARK)
                        consider(sc, pst, pfpos);
                    pend = 0;
                }
                const unsigned char *f = s + i;
                i += (size_t)k;
                fpos += (size_t)k;
                if (!lx->cls[f[k - 1]]) {
                    st = 0;         /* a byte in no term leads to the root */
                    continue;
                }
                for (int j = 0; j < k; j++)
                    st = step(lx, st, f[j]);
            } else {
                unsigned char buf[FOLD_BYTES];
                int mark;
                int n = fold_slow(cp, buf, &mark);
                i += (size_t)k;
                if (n == 0)
                    continue;       /* ignorable: invisible to matching */
                if (pend) {
                    if (!mark)
                        consider(sc, pst, pfpos);
                    pend = 0;
                }
                ring_expansion(&sc->ring, fpos, n);
                for (int j = 0; j < n; j++)
                    st = step(lx, st, buf[j]);
                fpos += (size_t)n;
            }
            if (lx->out[st] >= 0) {
                pend = 1;
                pst = st;
                pfpos = fpos;
            }
        } while (i < len && s[i] >= 0x80);
    }
    if (pend)
        consider(sc, pst, pfpos);
}

static void scan_init(scan *sc, const gvlex *lx, unsigned nbest)
{
    sc->lx = lx;                    /* the ring's bits need no clearing */
    sc->nbest = nbest;
    sc->nfound = 0;
    sc->last_start = 0;
    for (unsigned i = 0; i < nbest; i++)
        sc->b[i] = (best){ -1, 0, 0 };
    sc->ring.clr = 0;
}

const char *gvlex_find(const gvlex *lx, const char *text, size_t len)
{
    if (!lx || lx->nterms == 0 || !text)
        return NULL;
    if (lx->nparts)
        return NULL;                /* a union answers through gvlex_find_all */
    scan sc;
    scan_init(&sc, lx, 1);
    run_scan(&sc, text, len);
    return sc.b[0].term >= 0 ? lx->pool + lx->toff[sc.b[0].term] : NULL;
}

void gvlex_find_all(const gvlex *u, const char *text, size_t len, const char **found)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->nparts; i++)
        found[i] = NULL;
    if (u->nterms == 0 || !text)
        return;
    scan sc;
    scan_init(&sc, u, (unsigned)u->nparts);
    run_scan(&sc, text, len);
    for (size_t i = 0; i < u->nparts; i++) {
        int32_t t = sc.b[i].term;
        if (t >= 0) {
            const gvlex *part = u->parts[i];
            found[i] = part->pool + part->toff[u->pterm[(size_t)t * u->nparts + i]];
        }
    }
}

size_t gvlex_count(const gvlex *lx)
{
    return lx ? lx->nterms : 0;
}

const char *gvlex_term(const gvlex *lx, size_t i)
{
    return lx && i < lx->nterms ? lx->pool + lx->toff[i] : NULL;
}

void gvlex_free(gvlex *lx)
{
    if (!lx)
        return;
    free(lx->pool);
    free(lx->toff);
    free(lx->tlen);
    free(lx->tnext);
    free(lx->first);
    free(lx->label);
    free(lx->fail);
    free(lx->out);
    free(lx->dense);
    free(lx->parts);
    free(lx->pterm);
    free(lx);
}

/* ---- automaton: building ------------------------------------------------ */

/* The build trie: first-child/next-sibling lists, except the root, which
 * has a direct table because every term passes through it. */
typedef struct tnode {
    uint32_t kid, sib;
    int32_t  term;
    uint8_t  label;
} tnode;

typedef struct trie {
    tnode   *n;
    uint32_t len, cap;
    uint32_t root[256];   /* 0 = no child (the root is never a child) */
} trie;

static uint32_t trie_new(trie *t, uint8_t label)
{
    if (t->len == t->cap) {
        if (t->cap >= MAX_STATES)
            return 0;
        uint32_t cap = t->cap ? t->cap * 2 : 1024;
        tnode *n = realloc(t->n, (size_t)cap * sizeof *n);
        if (!n)
            return 0;
        t->n = n;
        t->cap = cap;
    }
    t->n[t->len] = (tnode){ 0, 0, -1, label };
    return t->len++;
}

/* Inserts folded bytes; returns the end node, or 0 on out of memory. */
static uint32_t trie_add(trie *t, const unsigned char *w, size_t n)
{
    uint32_t cur = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = cur == 0 ? t->root[w[i]] : t->n[cur].kid;
        if (cur != 0)
            while (x && t->n[x].label != w[i])
                x = t->n[x].sib;
        if (!x) {
            if (!(x = trie_new(t, w[i])))
                return 0;
            if (cur != 0) {         /* index, not pointer: trie_new moves n */
                t->n[x].sib = t->n[cur].kid;
                t->n[cur].kid = x;
            } else {
                t->root[w[i]] = x;
            }
        }
        cur = x;
    }
    return cur;
}

/* Renumbers the trie breadth first into lx->first/label, returning each
 * state's own term (or -1) in *termp. */
static int build_bfs(gvlex *lx, const trie *t, int32_t **termp)
{
    uint32_t n = t->len;
    uint32_t *q = malloc((size_t)n * sizeof *q);
    int32_t *term = malloc((size_t)n * sizeof *term);
    lx->first = malloc(((size_t)n + 1) * sizeof *lx->first);
    lx->label = malloc((size_t)n);
    if (!q || !term || !lx->first || !lx->label) {
        free(q);
        free(term);
        return -1;
    }
    uint32_t tail = 1;
    q[0] = 0;
    lx->label[0] = 0;
    for (uint32_t h = 0; h < n; h++) {
        const tnode *u = &t->n[q[h]];
        term[h] = u->term;
        lx->first[h] = tail;
        if (h == 0) {
            for (int c = 0; c < 256; c++)
                if (t->root[c]) {
                    lx->label[tail] = (uint8_t)c;
                    q[tail++] = t->root[c];
                }
            continue;
        }
        /* Children, sorted by label; lists are short, insertion sort. */
        uint32_t kids[256], nk = 0;   /* a node has at most 256 children */
        for (uint32_t x = u->kid; x; x = t->n[x].sib) {
            uint32_t k = nk++;
            for (; k > 0 && t->n[kids[k - 1]].label > t->n[x].label; k--)
                kids[k] = kids[k - 1];
            kids[k] = x;
        }
        for (uint32_t k = 0; k < nk; k++) {
            lx->label[tail] = t->n[kids[k]].label;
            q[tail++] = kids[k];
        }
    }
    lx->first[n] = n;
    lx->nstates = n;
    free(q);
    *termp = term;
    return 0;
}

/* Failure and output links, parents before children so that the failure
 * state (always shallower) is finished before it is used. */
static int build_links(gvlex *lx, const int32_t *term)
{
    uint32_t n = lx->nstates;
    lx->fail = malloc((size_t)n * sizeof *lx->fail);
    lx->out = malloc((size_t)n * sizeof *lx->out);
    if (!lx->fail || !lx->out)
        return -1;
    lx->fail[0] = 0;
    lx->out[0] = -1;
    for (uint32_t u = 0; u < n; u++) {
        for (uint32_t v = lx->first[u]; v < lx->first[u + 1]; v++) {
            uint32_t f = 0;
            if (u != 0) {
                uint32_t s = lx->fail[u];
                while (!(f = child(lx, s, lx->label[v])) && s != 0)
                    s = lx->fail[s];
            }
            lx->fail[v] = f;
            lx->out[v] = term[v] >= 0 ? term[v] : lx->out[f];
            if (term[v] >= 0)
                lx->tnext[term[v]] = lx->out[f];
        }
    }
    return 0;
}

/* Byte classes and dense rows for the shallowest states. A row copies the
 * row of its failure state and overrides its own children; rows hold
 * coded states (see decode_state), and one more column, ncls, for the
 * text bytes 0x80-0xFF. */
static int build_dense(gvlex *lx)
{
    memset(lx->cls, 0, sizeof lx->cls);
    lx->ncls = 1;
    for (uint32_t s = 1; s < lx->nstates; s++)
        if (!lx->cls[lx->label[s]])
            lx->cls[lx->label[s]] = (uint8_t)lx->ncls++;   /* <= 243 bytes occur in UTF-8 */
    uint32_t nonascii = lx->ncls;   /* one more column: <= 244 < 256 */
    lx->shift = 0;
    while ((1u << lx->shift) < nonascii + 1)
        lx->shift++;
    lx->bshift = lx->shift + 2;     /* sizeof(uint32_t) == 1 << 2 */
    size_t row = ((size_t)1 << lx->shift) * sizeof(uint32_t);
    size_t nd = DENSE_CAP / row;
    if (nd < 1)
        nd = 1;
    if (nd > lx->nstates)
        nd = lx->nstates;
    lx->ndense = (uint32_t)nd;
    lx->dense = calloc(nd, row);
    if (!lx->dense)
        return -1;
    for (uint32_t s = 0; s < lx->ndense; s++) {
        uint32_t *r = lx->dense + ((size_t)s << lx->shift);
        if (s != 0)
            memcpy(r, lx->dense + ((size_t)lx->fail[s] << lx->shift), row);
        for (uint32_t v = lx->first[s]; v < lx->first[s + 1]; v++)
            r[lx->cls[lx->label[v]]] = v < lx->ndense && lx->out[v] < 0
                                       ? v << lx->bshift : STOP_BIT | v;
        r[nonascii] = NONASCII_CODE;
    }
    for (int c = 0; c < 256; c++) {
        uint32_t k = c < 0x80 ? lx->cls[ascii_lower((unsigned char)c)] : nonascii;
        lx->tcolp[c] = (const unsigned char *)(lx->dense + k);
    }
    return 0;
}

/* ---- term file ---------------------------------------------------------- */

static int is_space(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    utf8proc_category_t c = utf8proc_category(cp);
    return cp == 0x85 || c == UTF8PROC_CATEGORY_ZS ||
           c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

/* Checks a line for NUL and invalid UTF-8; returns the 1-based column of
 * the first bad byte, or 0 if the line is good. */
static size_t bad_byte(const unsigned char *s, size_t n, int *nul)
{
    for (size_t i = 0; i < n;) {
        if (s[i] == 0) {
            *nul = 1;
            return i + 1;
        }
        int k = gv_utf8_seq(s + i, n - i);
        if (k == 0) {
            *nul = 0;
            return i + 1;
        }
        i += (size_t)k;
    }
    return 0;
}

/* Trims white space (ASCII and Unicode) from both ends of a valid line. */
static void trim(const unsigned char **sp, size_t *np)
{
    const unsigned char *s = *sp;
    size_t n = *np;
    while (n > 0) {
        int k = gv_utf8_seq(s, n);
        if (!is_space(utf8_decode(s, k)))
            break;
        s += k;
        n -= (size_t)k;
    }
    while (n > 0) {
        size_t q = n - 1;
        while (q > 0 && (s[q] & 0xC0) == 0x80)
            q--;
        if (!is_space(utf8_decode(s + q, (int)(n - q))))
            break;
        n = q;
    }
    *sp = s;
    *np = n;
}

static void fold_term(gv_buf *f, const unsigned char *s, size_t n)
{
    gv_buf_reset(f);
    for (size_t i = 0; i < n;) {
        int k = gv_utf8_seq(s + i, n - i);
        if (k == 1) {
            gv_buf_addc(f, (char)ascii_lower(s[i]));
        } else {
            unsigned char buf[FOLD_BYTES];
            const unsigned char *out;
            int mark;
            int m = fold_at(s + i, k, buf, &out, &mark);
            gv_buf_add(f, out, (size_t)m);
        }
        i += (size_t)k;
    }
}

typedef struct parser {
    trie     t;
    gv_buf   pool, offs, lens, fold;
    size_t   nterms;
    uint32_t maxlen;
} parser;

/* Handles one line; returns 0, or -1 with err set. */
static int parse_line(parser *p, const unsigned char *s, size_t n,
                      uint32_t line, gv_error *err)
{
    int nul = 0;
    size_t col = bad_byte(s, n, &nul);
    if (col) {
        gv_error_set(err, line, (uint32_t)col, nul ? "NUL byte in lexicon"
                                                   : "invalid UTF-8 in lexicon");
        return -1;
    }
    trim(&s, &n);
    if (n == 0 || s[0] == '#')
        return 0;
    fold_term(&p->fold, s, n);
    if (p->fold.oom)
        goto oom;
    if (p->fold.len == 0) {
        gv_error_set(err, line, 1, "lexicon term folds to nothing "
                     "(only ignorable characters)");
        return -1;
    }
    if (p->fold.len >= RING_BITS) {
        gv_error_set(err, line, 1, "lexicon term too long (%zu bytes once "
                     "folded, the limit is %d)", p->fold.len, RING_BITS - 1);
        return -1;
    }
    if (p->pool.len >= MAX_STATES) {
        gv_error_set(err, line, 1, "lexicon too large");
        return -1;
    }
    uint32_t end = trie_add(&p->t, (const unsigned char *)p->fold.ptr, p->fold.len);
    if (!end)
        goto oom;
    if (p->t.n[end].term >= 0)
        return 0;                   /* same term after folding: keep the first */
    p->t.n[end].term = (int32_t)p->nterms++;
    uint32_t off = (uint32_t)p->pool.len, fl = (uint32_t)p->fold.len;
    gv_buf_add(&p->pool, s, n);
    gv_buf_addc(&p->pool, '\0');
    gv_buf_add(&p->offs, &off, sizeof off);
    gv_buf_add(&p->lens, &fl, sizeof fl);
    if (fl > p->maxlen)
        p->maxlen = fl;
    if (p->pool.oom || p->offs.oom || p->lens.oom)
        goto oom;
    return 0;
oom:
    gv_error_set(err, line, 0, "out of memory");
    return -1;
}

static int parse_lines(parser *p, const char *buf, size_t len, gv_error *err)
{
    const unsigned char *s = (const unsigned char *)buf;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        s += 3;                     /* UTF-8 byte order mark */
        len -= 3;
    }
    uint32_t line = 1;
    while (len > 0) {
        const unsigned char *nl = memchr(s, '\n', len);
        size_t n = nl ? (size_t)(nl - s) : len;
        if (parse_line(p, s, n, line, err) < 0)
            return -1;
        if (!nl)
            break;
        s += n + 1;
        len -= n + 1;
        line++;
    }
    return 0;
}

static void parser_free(parser *p)
{
    free(p->t.n);
    gv_buf_free(&p->pool);
    gv_buf_free(&p->offs);
    gv_buf_free(&p->lens);
    gv_buf_free(&p->fold);
}

/* Moves the term tables out of the parser into lx. */
static int take_terms(gvlex *lx, parser *p)
{
    lx->nterms = p->nterms;
    lx->maxlen = p->maxlen;
    size_t n = p->nterms ? p->nterms : 1;
    lx->tnext = malloc(n * sizeof *lx->tnext);
    lx->pool = gv_buf_detach(&p->pool, NULL);
    lx->toff = (uint32_t *)(void *)gv_buf_detach(&p->offs, NULL);
    lx->tlen = (uint32_t *)(void *)gv_buf_detach(&p->lens, NULL);
    return lx->tnext && lx->pool && lx->toff && lx->tlen ? 0 : -1;
}

/* Builds the automaton of lx from the parser's terms; -1 on out of memory. */
static int compile(gvlex *lx, parser *p)
{
    int32_t *term = NULL;
    if (take_terms(lx, p) < 0 || build_bfs(lx, &p->t, &term) < 0)
        return -1;
    free(p->t.n);
    p->t.n = NULL;
    int rc = build_links(lx, term) < 0 || build_dense(lx) < 0 ? -1 : 0;
    free(term);
    return rc;
}

gvlex *gvlex_parse(const char *buf, size_t len, gv_error *err)
{
    parser p = { 0 };
    gvlex *lx = NULL;
    if (len && !buf) {
        gv_error_set(err, 0, 0, "no lexicon text");
        return NULL;
    }
    pthread_once(&quick_once, build_quick);
    trie_new(&p.t, 0);              /* the root, node 0 */
    if (p.t.len != 1)
        goto oom;
    if (parse_lines(&p, buf, len, err) < 0)
        goto fail;
    if (!(lx = calloc(1, sizeof *lx)) || compile(lx, &p) < 0)
        goto oom;
    parser_free(&p);
    return lx;
oom:
    gv_error_set(err, 0, 0, "out of memory");
fail:
    gvlex_free(lx);
    parser_free(&p);
    return NULL;
}

/* Adds term j of part i to the union's parser; -1 on out of memory. */
static int union_add(parser *p, gv_buf *map, const gvlex *part, size_t i, size_t j,
                     size_t nparts)
{
    const char *w = part->pool + part->toff[j];
    fold_term(&p->fold, (const unsigned char *)w, strlen(w));
    uint32_t end = p->fold.oom ? 0 : trie_add(&p->t, (const unsigned char *)p->fold.ptr,
                                              p->fold.len);
    if (!end || p->nterms >= (size_t)INT32_MAX / nparts)
        return -1;
    int32_t t = p->t.n[end].term;
    if (t < 0) {                    /* a term no earlier part has */
        t = p->t.n[end].term = (int32_t)p->nterms++;
        uint32_t off = 0, fl = (uint32_t)p->fold.len;
        int32_t none = -1;
        gv_buf_add(&p->offs, &off, sizeof off);
        gv_buf_add(&p->lens, &fl, sizeof fl);
        for (size_t k = 0; k < nparts; k++)
            gv_buf_add(map, &none, sizeof none);
        if (fl > p->maxlen)
            p->maxlen = fl;
        if (p->offs.oom || p->lens.oom || map->oom)
            return -1;
    }
    ((int32_t *)(void *)map->ptr)[(size_t)t * nparts + i] = (int32_t)j;
    return 0;
}

gvlex *gvlex_union(const gvlex *const *parts, size_t nparts, gv_error *err)
{
    parser p = { 0 };
    gv_buf map = GV_BUF_INIT;
    gvlex *u = NULL;
    if (nparts == 0 || nparts > GVLEX_UNION_MAX) {
        gv_error_set(err, 0, 0, "a union has 1 to %d lexicons", GVLEX_UNION_MAX);
        return NULL;
    }
    pthread_once(&quick_once, build_quick);
    trie_new(&p.t, 0);
    if (p.t.len != 1)
        goto oom;
    for (size_t i = 0; i < nparts; i++)
        for (size_t j = 0; j < parts[i]->nterms; j++)
            if (union_add(&p, &map, parts[i], i, j, nparts) < 0)
                goto oom;
    gv_buf_addc(&p.pool, '\0');     /* the parts hold the terms as written */
    if (!(u = calloc(1, sizeof *u)) ||
        !(u->parts = malloc(nparts * sizeof *u->parts)))
        goto oom;
    memcpy(u->parts, parts, nparts * sizeof *parts);
    u->nparts = nparts;
    if (!(u->pterm = (int32_t *)(void *)gv_buf_detach(&map, NULL)) || compile(u, &p) < 0)
        goto oom;
    parser_free(&p);
    return u;
oom:
    gv_error_set(err, 0, 0, "out of memory");
    gvlex_free(u);
    gv_buf_free(&map);
    parser_free(&p);
    return NULL;
}
