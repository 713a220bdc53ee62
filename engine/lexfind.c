/*
 * lexfind.c: finding a lexicon's terms in text (lexicon.h): the folding
 * that text and terms share, and the scan of the automaton lexicon.c built
 * (lexauto.h). Uses only its own stack, so one lexicon serves any number
 * of threads. Calls utf8proc, pthread_once and libc.
 *
 * Speed. Text is mostly ASCII, and an ASCII byte costs one dependent load:
 * a dense row entry holds the next state already coded as the byte offset
 * of its row, tcolp[c] points at the column of text byte c (ASCII case
 * folded in) in the first row, so the next entry is at tcolp[c] + offset,
 * and a flag bit in the entry stops the loop only where a term ends, where
 * rows end, or at a non-ASCII byte (see ascii_run).
 */
#include "lexicon.h"
#include "buf.h"
#include "lexauto.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* ---- folding ------------------------------------------------------------ */

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

int gvlex_fold(const unsigned char *s, int k, unsigned char *buf,
               const unsigned char **out, int *mark)
{
    return fold_at(s, k, buf, out, mark);
}

void gvlex_fold_init(void)
{
    pthread_once(&quick_once, build_quick);
}

/* ---- automaton: matching ------------------------------------------------ */


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
 * terms were merged at parse time, so (start, length) decides every tie.
 * Long: one flat loop, the search's hot path, whose state stays in registers. */
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
