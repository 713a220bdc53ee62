/*
 * lexicon.c: parsing lexicon files and building the Aho-Corasick automaton
 * that finds their terms in text (lexicon.h, lexauto.h).
 *
 * Owns: the term file format (trim, comments, BOM, CRLF, errors with the
 * line), the automaton build, and unions of lexicons.
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
 * Finding terms in text is lexfind.c's; this file builds what it runs
 * (lexauto.h). Calls utf8proc (through lexfind.c's folding), buf.h and
 * libc.
 */
#include "lexicon.h"
#include "buf.h"
#include "lexauto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    uint32_t len;
    size_t   cap;
    uint32_t root[256];   /* 0 = no child (the root is never a child) */
} trie;

static uint32_t trie_new(trie *t, uint8_t label)
{
    if (t->len == t->cap && t->cap >= MAX_STATES)
        return 0;
    if (gv_buf_grow_array((void **)&t->n, &t->cap, t->len, sizeof *t->n, 1024))
        return 0;
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
            int m = gvlex_fold(s + i, k, buf, &out, &mark);
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
    gvlex_fold_init();
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
    gvlex_fold_init();
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
