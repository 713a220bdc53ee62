/*
 * json.c: the strict JSON reader (json.h).
 *
 * Owns: turning one JSON text (one JSON Lines record, or a whole .json file)
 * into a gv_value tree in the caller's arena, or a precise error. Calls
 * value.h (arena, errors), buf.h (scratch stack, UTF-8 check) and libc only.
 *
 * Shape: recursive descent over a byte span that need not be NUL-terminated.
 * Recursion is bounded by the depth limit (and by DEPTH_CEILING whatever the
 * limit says, so a careless limit cannot overflow the C stack).
 *
 * Invariants worth knowing before editing:
 *  - A value never moves once made: containers are allocated when their
 *    opening bracket is read, so children can point to them; the children
 *    themselves are gathered on one scratch stack shared by every level (a
 *    container remembers where its children start) and copied into a single
 *    arena array when the container closes.
 *  - Newlines can only appear in whitespace (a raw newline inside a string
 *    is an error), so skip_ws is the only place that moves to a new line and
 *    every error position is on the current line.
 *  - The scratch stack is the only memory of a call outside the arena. It
 *    starts in gvjson_parse's frame (STACK_INLINE bytes, enough for most
 *    records) and moves to the heap if it outgrows that; it is freed before
 *    gvjson_parse returns: no state survives a call, so parses on different
 *    arenas may run in parallel.
 */
#include "json.h"
#include "buf.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    DEPTH_CEILING = 1000, /* hard bound on recursion, whatever lim says */
    STACK_INLINE = 4096   /* scratch stack bytes before it moves to the heap */
};

typedef struct jp {
    const unsigned char *p, *end;  /* cursor and end of input */
    const unsigned char *bol;      /* beginning of the current line */
    uint32_t        line;
    unsigned        depth, max_depth;
    size_t          nodes;
    gv_arena       *a;
    const gv_limits *lim;
    gv_error       *err;
    gv_buf          stack;         /* children of the open containers */
    int             stack_heap;    /* stack.ptr is malloc'd, not inline */
} jp;

/* A member while its object is open: the key's position is kept for the
 * duplicate-key error, which for large objects is found at the close. */
typedef gv_pmember jmember;      /* a member with its key's position */

static gv_value *parse_value(jp *j, const gv_value *parent, uint32_t index);

/* ---- errors --------------------------------------------------------------- */

static uint32_t col_of(const jp *j, const unsigned char *at)
{
    return (uint32_t)(at - j->bol) + 1;
}

/* Sets the error at `at` (on the current line); NULL, for `return fail(...)`. */
static void *fail(jp *j, const unsigned char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void *fail(jp *j, const unsigned char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gv_error_vset(j->err, j->line, col_of(j, at), fmt, ap);
    va_end(ap);
    return NULL;
}

/* The error for a byte that cannot start or continue what we expect. */
static gv_value *unexpected(jp *j, const unsigned char *at)
{
    if (at >= j->end)
        return fail(j, at, "unexpected end of input");
    if (*at == 0)
        return fail(j, at, "NUL byte");
    if (*at < 0x20 || *at >= 0x7F)
        return fail(j, at, "unexpected byte 0x%02x", *at);
    return fail(j, at, "unexpected character '%c'", *at);
}

/* ---- scanning helpers ----------------------------------------------------- */

static void skip_ws_run(jp *j)
{
    const unsigned char *p = j->p;
    while (p < j->end) {
        if (*p == ' ' || *p == '\t' || *p == '\r') {
            p++;
        } else if (*p == '\n') {
            j->line++;
            j->bol = ++p;
        } else {
            break;
        }
    }
    j->p = p;
}

/* Most tokens follow the previous one directly: that case stays inline. */
static inline void skip_ws(jp *j)
{
    if (j->p < j->end && *j->p > ' ')
        return;
    skip_ws_run(j);
}

static int peek(const jp *j)
{
    return j->p < j->end ? *j->p : -1;
}

/* Makes room for n more bytes on the stack, moving it to the heap the
 * first time it outgrows its inline start. 0, or -1 when out of memory. */
static int stack_grow(jp *j, size_t n)
{
    if (j->stack_heap)
        return gv_buf_grow(&j->stack, n);
    gv_buf h = GV_BUF_INIT;
    if (gv_buf_grow(&h, j->stack.len + n))
        return -1;
    memcpy(h.ptr, j->stack.ptr, j->stack.len);
    h.len = j->stack.len;
    j->stack = h;
    j->stack_heap = 1;
    return 0;
}

static inline void *push(jp *j, size_t n)
{
    /* the test gv_buf_grow starts with, inline */
    if ((j->stack.oom || j->stack.cap - j->stack.len <= n) && stack_grow(j, n))
        return NULL;
    void *p = j->stack.ptr + j->stack.len;
    j->stack.len += n;
    return p;
}

static inline void init_value(jp *j, gv_value *v, gv_type type,
                              const gv_value *parent, uint32_t index,
                              const unsigned char *at)
{
    v->type = (uint8_t)type;
    v->line = j->line;
    v->col = col_of(j, at);
    v->len = 0;
    v->index = index;
    v->parent = parent;
}

static gv_value *new_value(jp *j, gv_type type, const gv_value *parent,
                           uint32_t index, const unsigned char *at)
{
    if (++j->nodes > j->lim->max_nodes)
        return fail(j, at, "more than %zu values", j->lim->max_nodes);
    gv_value *v = gv_arena_alloc(j->a, sizeof *v);
    if (!v)
        return fail(j, at, "out of memory");
    init_value(j, v, type, parent, index, at);
    return v;
}

/* ---- strings -------------------------------------------------------------- */

/* Bytes the fast scan must stop at: '"', '\\', controls, non-ASCII. */
static const unsigned char stop[256] = {
    ['"'] = 1, ['\\'] = 1,
    [0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0x90] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0xA0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0xB0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0xC0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0xD0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0xE0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0xF0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Eight bytes at a time (SWAR): the high bit of a byte of stop8(v) is set
 * where v has a stop byte. Borrows only carry upwards from a byte that is
 * itself a stop byte, so the lowest flagged byte is the first stop byte;
 * bytes above it may be flagged wrongly. */
#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t stop8(uint64_t v)
{
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | (v - ONES * 0x20) | v) & HIGHS;
}

/* The first stop byte at or after p, or end. */
static inline const unsigned char *find_stop(const unsigned char *p,
                                             const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t v, m;
        memcpy(&v, p, 8);
        if ((m = stop8(v)) != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return p + (__builtin_ctzll(m) >> 3);
#else
            while (!stop[*p])
                p++;
            return p;
#endif
        }
        p += 8;
    }
    while (p < end && !stop[*p])
        p++;
    return p;
}


/* First pass over the string whose opening quote is at j->p: finds the
 * closing quote and checks raw bytes (controls, NUL, UTF-8). Escapes are
 * only stepped over here; decode() checks them. */
static inline const unsigned char *scan_string(jp *j, int *escaped)
{
    const unsigned char *p = j->p + 1, *end = j->end;
    *escaped = 0;
    for (;;) {
        p = find_stop(p, end);
        if (p >= end)
            return fail(j, j->p, "unterminated string");
        unsigned c = *p;
        if (c == '"')
            return p;
        if (c == '\\') {
            *escaped = 1;
            p += (p + 1 < end) ? 2 : 1;
        } else if (c == 0) {
            return fail(j, p, "NUL byte in string");
        } else if (c < 0x20) {
            return fail(j, p, "control character 0x%02x in string", c);
        } else {
            do {                    /* a run of non-ASCII characters */
                int k = gv_utf8_seq(p, (size_t)(end - p));
                if (!k)
                    return fail(j, p, "invalid UTF-8");
                p += k;
            } while (p < end && *p >= 0x80);
        }
    }
}

static int hex4(const unsigned char *s, const unsigned char *end, unsigned *out)
{
    unsigned v = 0;
    if (end - s < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | cp >> 6);
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | cp >> 12);
        *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | cp >> 18);
        *d++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

/* A \u escape at s (pointing at the backslash); the code point, combined
 * from a surrogate pair when there is one. *s is moved past the escape(s). */
static int decode_u(jp *j, const unsigned char **s, const unsigned char *e,
                    unsigned *cp)
{
    const unsigned char *at = *s;
    unsigned hi, lo;
    if (hex4(at + 2, e, &hi)) {
        fail(j, at, "invalid \\u escape");
        return -1;
    }
    *s = at + 6;
    if (hi == 0) {
        fail(j, at, "NUL byte in string (\\u0000)");
        return -1;
    }
    if (hi >= 0xDC00 && hi <= 0xDFFF) {
        fail(j, at, "lone surrogate \\u%04x", hi);
        return -1;
    }
    if (hi < 0xD800 || hi > 0xDBFF) {
        *cp = hi;
        return 0;
    }
    if (e - *s < 6 || (*s)[0] != '\\' || (*s)[1] != 'u' ||
        hex4(*s + 2, e, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
        fail(j, at, "lone surrogate \\u%04x", hi);
        return -1;
    }
    *s += 6;
    *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    return 0;
}

/* Second pass for strings with escapes: s..e (between the quotes) into d,
 * which has room for e - s bytes (an escape never grows). The length, or
 * -1 with err set. */
static long decode(jp *j, const unsigned char *s, const unsigned char *e, char *d)
{
    char *d0 = d;
    while (s < e) {
        const unsigned char *run = s;
        while (s < e && *s != '\\')
            s++;
        memcpy(d, run, (size_t)(s - run));
        d += s - run;
        if (s >= e)
            break;
        unsigned cp;
        switch (s[1]) {
        case '"':  *d++ = '"';  s += 2; break;
        case '\\': *d++ = '\\'; s += 2; break;
        case '/':  *d++ = '/';  s += 2; break;
        case 'b':  *d++ = '\b'; s += 2; break;
        case 'f':  *d++ = '\f'; s += 2; break;
        case 'n':  *d++ = '\n'; s += 2; break;
        case 'r':  *d++ = '\r'; s += 2; break;
        case 't':  *d++ = '\t'; s += 2; break;
        case 'u':
            if (decode_u(j, &s, e, &cp))
                return -1;
            d = put_utf8(d, cp);
            break;
        default:
            if (s[1] > 0x20 && s[1] < 0x7F)
                fail(j, s, "invalid escape \\%c", s[1]);
            else
                fail(j, s, "invalid escape");
            return -1;
        }
    }
    return (long)(d - d0);
}

/* The bytes between body and close (a scanned string) into s, which has
 * room for close - body + 1: decoded if escaped, NUL-terminated. Checks
 * the length against the limit. The length, or -1 with err set. */
static inline long string_body(jp *j, const char *what,
                               const unsigned char *start,
                               const unsigned char *close, int escaped, char *s)
{
    const unsigned char *body = start + 1;
    size_t n = (size_t)(close - body);
    if (escaped) {
        long k = decode(j, body, close, s);
        if (k < 0)
            return -1;
        n = (size_t)k;
    } else {
        memcpy(s, body, n);
    }
    s[n] = '\0';
    if (n > j->lim->max_string || n > UINT32_MAX) {
        fail(j, start, "%s longer than %zu bytes", what, j->lim->max_string);
        return -1;
    }
    return (long)n;
}

/* Reads the string at j->p into the arena. `what` names it in the length
 * error ("string" or "key"). 0, or -1 with err set. */
static int read_string(jp *j, const char *what, const char **out, uint32_t *outlen)
{
    const unsigned char *start = j->p, *close;
    int escaped;
    if (!(close = scan_string(j, &escaped)))
        return -1;
    char *s = gv_arena_alloc(j->a, (size_t)(close - start));   /* raw + 1 */
    if (!s) {
        fail(j, start, "out of memory");
        return -1;
    }
    long n = string_body(j, what, start, close, escaped, s);
    if (n < 0)
        return -1;
    j->p = close + 1;
    *out = s;
    *outlen = (uint32_t)n;
    return 0;
}

/* A string value and its bytes share one arena block, the bytes at
 * VALUE_ROOM: the arena hands out multiples of 16 bytes, so this takes
 * the same room as two blocks. */
enum { VALUE_ROOM = (sizeof(gv_value) + 15) / 16 * 16 };

static gv_value *parse_string(jp *j, const gv_value *parent, uint32_t index)
{
    const unsigned char *start = j->p, *close;
    const char *s;
    uint32_t n;
    int escaped;
    if (!(close = scan_string(j, &escaped)))
        return NULL;
    size_t raw = (size_t)(close - start) - 1;
    gv_value *v = raw < SIZE_MAX - VALUE_ROOM - 1
                  ? gv_arena_alloc(j->a, VALUE_ROOM + raw + 1) : NULL;
    if (v) {
        char *d = (char *)v + VALUE_ROOM;
        long k = string_body(j, "string", start, close, escaped, d);
        if (k < 0)
            return NULL;
        if (++j->nodes > j->lim->max_nodes)
            return fail(j, start, "more than %zu values", j->lim->max_nodes);
        j->p = close + 1;
        init_value(j, v, GV_STR, parent, index, start);
        v->len = (uint32_t)k;
        v->u.s = d;
        return v;
    }
    /* Out of room for both: one at a time, for the error each would give */
    if (read_string(j, "string", &s, &n))
        return NULL;
    if (!(v = new_value(j, GV_STR, parent, index, start)))
        return NULL;
    v->len = n;
    v->u.s = s;
    return v;
}

/* ---- numbers and literals ------------------------------------------------- */

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* The double of a well-formed number s..e without strtod when that is
 * exact (Clinger's fast path): a significand m of at most 19 digits that
 * is below 2^53 and a decimal exponent x with |x| <= 22 make m and 10^|x|
 * exact doubles, and m * 10^x (or m / 10^-x) one correctly rounded
 * operation, which is what strtod returns. 0, or -1 for strtod to do it.
 * Only where doubles are evaluated as doubles (not x87). */
static int fast_double(const unsigned char *s, const unsigned char *e, double *out)
{
#if FLT_EVAL_METHOD == 0
    static const double p10[] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    uint64_t m = 0;
    int neg = *s == '-', nd = 0, frac = 0;
    long x = 0;
    for (s += neg; s < e; s++) {
        unsigned c = *s;
        if (c == '.') {
            frac = 1;
            continue;
        }
        if (c == 'e' || c == 'E')
            break;
        x -= frac;
        if (m == 0 && c == '0')
            continue;               /* leading zeros are not significant */
        if (++nd > 19)
            return -1;
        m = m * 10 + (c - '0');
    }
    if (s < e) {                    /* the exponent */
        int xneg = 0;
        long xv = 0;
        if (*++s == '+' || *s == '-')
            xneg = *s++ == '-';
        for (; s < e; s++)
            if (xv < 100000)
                xv = xv * 10 + (*s - '0');
        x += xneg ? -xv : xv;
    }
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
    if (m > (UINT64_C(1) << 53) || x < -22 || x > 22)
        return -1;
    double d = (double)m;
    d = x < 0 ? d / p10[-x] : d * p10[x];
    *out = neg ? -d : d;
    return 0;
#else
    (void)s;
    (void)e;
    (void)out;
    return -1;
#endif
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? : GV_INT when there is no
 * fraction or exponent and it fits int64, else GV_NUM when finite. */
static gv_value *parse_number(jp *j, const gv_value *parent, uint32_t index)
{
    const unsigned char *start = j->p, *p = j->p, *end = j->end;
    int neg = 0, is_float = 0, overflow = 0;
    uint64_t mag = 0;

    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end || !is_digit(*p))
        return fail(j, p, "expected a digit after '-'");
    if (*p == '0' && p + 1 < end && is_digit(p[1]))
        return fail(j, start, "leading zero in number");
    for (; p < end && is_digit(*p); p++) {
        unsigned d = *p - '0';
        if (mag > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            mag = mag * 10 + d;
    }
    if (p < end && *p == '.') {
        is_float = 1;
        if (++p >= end || !is_digit(*p))
            return fail(j, p, "expected a digit after '.'");
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_float = 1;
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            return fail(j, p, "expected a digit in the exponent");
        while (p < end && is_digit(*p))
            p++;
    }

    gv_value *v = new_value(j, is_float ? GV_NUM : GV_INT, parent, index, start);
    if (!v)
        return NULL;
    if (!is_float) {
        uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (overflow || mag > limit)
            return fail(j, start, "integer out of range");
        if (!neg)
            v->u.i = (int64_t)mag;
        else if (mag == limit)
            v->u.i = INT64_MIN;   /* 2^63 itself does not fit int64 */
        else
            v->u.i = -(int64_t)mag;
    } else {
        if (fast_double(start, p, &v->u.n) &&
            gv_strtod((const char *)start, (size_t)(p - start), &v->u.n))
            return fail(j, start, "out of memory");
        if (isinf(v->u.n))
            return fail(j, start, "number out of range");
    }
    j->p = p;
    return v;
}

static gv_value *parse_literal(jp *j, const gv_value *parent, uint32_t index)
{
    static const struct { const char *word; size_t n; uint8_t type; int b; } lits[] = {
        { "true", 4, GV_BOOL, 1 }, { "false", 5, GV_BOOL, 0 }, { "null", 4, GV_NULL, 0 },
    };
    const unsigned char *start = j->p;
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        if ((size_t)(j->end - start) < lits[i].n ||
            memcmp(start, lits[i].word, lits[i].n) != 0)
            continue;
        gv_value *v = new_value(j, lits[i].type, parent, index, start);
        if (!v)
            return NULL;
        v->u.b = lits[i].b;
        j->p = start + lits[i].n;
        return v;
    }
    return fail(j, start, "invalid literal (expected true, false or null)");
}

/* ---- containers ----------------------------------------------------------- */

/* Makes the container whose bracket is at j->p, past the depth check. */
static gv_value *open_container(jp *j, gv_type type, const gv_value *parent,
                                uint32_t index)
{
    if (++j->depth > j->max_depth)
        return fail(j, j->p, "nesting deeper than %u", j->max_depth);
    gv_value *v = new_value(j, type, parent, index, j->p);
    if (v)
        j->p++;
    return v;
}

static gv_value *parse_array(jp *j, const gv_value *parent, uint32_t index)
{
    gv_value *arr = open_container(j, GV_ARR, parent, index);
    if (!arr)
        return NULL;
    size_t base = j->stack.len;
    uint32_t n = 0;

    skip_ws(j);
    if (peek(j) == ']') {
        j->p++;
    } else {
        for (;;) {
            gv_value *item = parse_value(j, arr, n), **slot;
            if (!item)
                return NULL;
            if (!(slot = push(j, sizeof *slot)))
                return fail(j, j->p, "out of memory");
            *slot = item;
            n++;
            skip_ws(j);
            int c = peek(j);
            if (c == ']') {
                j->p++;
                break;
            }
            if (c != ',')
                return c < 0 ? unexpected(j, j->p) : fail(j, j->p, "expected ',' or ']'");
            j->p++;
            skip_ws(j);
            if (peek(j) == ']')
                return fail(j, j->p, "trailing comma before ']'");
        }
    }

    if (gv_set_items(j->a, arr, n ? j->stack.ptr + base : NULL, n))
        return fail(j, j->p, "out of memory");
    j->stack.len = base;
    j->depth--;
    return arr;
}

/* Reads `"key" :` at j->p, checking it against the members so far when the
 * object is still small. */
static int read_key(jp *j, size_t base, uint32_t n, jmember *km)
{
    const unsigned char *at = j->p;
    km->line = j->line;
    km->col = col_of(j, at);
    if (read_string(j, "key", &km->m.key, &km->m.klen))
        return -1;
    const jmember *ms = n ? (const jmember *)(void *)(j->stack.ptr + base) : NULL;
    if (gv_check_new_key(ms, n, km, km->m.key, j->err))
        return -1;
    skip_ws(j);
    if (peek(j) != ':') {
        if (peek(j) < 0)
            unexpected(j, j->p);
        else
            fail(j, j->p, "expected ':'");
        return -1;
    }
    j->p++;
    return 0;
}

static gv_value *parse_object(jp *j, const gv_value *parent, uint32_t index)
{
    gv_value *obj = open_container(j, GV_OBJ, parent, index);
    if (!obj)
        return NULL;
    size_t base = j->stack.len;
    uint32_t n = 0;

    skip_ws(j);
    if (peek(j) == '}') {
        j->p++;
    } else {
        for (;;) {
            jmember km, *slot;
            int c = peek(j);
            if (c != '"') {
                if (c < 0)
                    return unexpected(j, j->p);
                if (c == '}')
                    return fail(j, j->p, "trailing comma before '}'");
                return fail(j, j->p, n ? "expected a key" : "expected a key or '}'");
            }
            if (read_key(j, base, n, &km))
                return NULL;
            /* The value goes first: its own children use the stack above
             * ours and are gone again when it returns. */
            if (!(km.m.val = parse_value(j, obj, n)))
                return NULL;
            if (!(slot = push(j, sizeof *slot)))
                return fail(j, j->p, "out of memory");
            *slot = km;
            n++;
            skip_ws(j);
            c = peek(j);
            if (c == '}') {
                j->p++;
                break;
            }
            if (c != ',')
                return c < 0 ? unexpected(j, j->p) : fail(j, j->p, "expected ',' or '}'");
            j->p++;
            skip_ws(j);
        }
    }

    int r = gv_close_object(j->a, obj, n ? (jmember *)(void *)(j->stack.ptr + base) : NULL, n,
                            j->err);
    if (r)
        return r > 0 ? fail(j, j->p, "out of memory") : NULL;
    j->stack.len = base;
    j->depth--;
    return obj;
}

/* ---- values --------------------------------------------------------------- */

static gv_value *parse_value(jp *j, const gv_value *parent, uint32_t index)
{
    skip_ws(j);
    if (j->p >= j->end)
        return unexpected(j, j->p);
    switch (*j->p) {
    case '{': return parse_object(j, parent, index);
    case '[': return parse_array(j, parent, index);
    case '"': return parse_string(j, parent, index);
    case 't': case 'f': case 'n':
        return parse_literal(j, parent, index);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return parse_number(j, parent, index);
    default:
        return unexpected(j, j->p);
    }
}

gv_value *gvjson_parse(const char *buf, size_t len, uint32_t line0,
                       gv_arena *a, const gv_limits *lim, gv_error *err)
{
    static const gv_limits defaults = GV_LIMITS_DEFAULT;
    jp j;
    memset(&j, 0, sizeof j);
    j.p = j.bol = (const unsigned char *)buf;
    j.end = j.p + len;
    j.line = line0;
    j.a = a;
    j.lim = lim ? lim : &defaults;
    j.err = err;
    j.max_depth = j.lim->max_depth < DEPTH_CEILING ? j.lim->max_depth : DEPTH_CEILING;
    /* max_align_t: the stack holds pointers and jmembers */
    union { max_align_t align; char b[STACK_INLINE]; } stack0;
    j.stack = (gv_buf){ stack0.b, 0, sizeof stack0.b, 0 };

    if (len > j.lim->max_bytes) {
        gv_error_set(err, line0, 1, "record longer than %zu bytes", j.lim->max_bytes);
        return NULL;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        gv_error_set(err, line0, 1, "byte order mark before the value");
        return NULL;
    }
    skip_ws(&j);
    if (j.p >= j.end) {
        fail(&j, j.p, "empty input");
        return NULL;
    }
    gv_value *root = parse_value(&j, NULL, 0);
    if (root) {
        skip_ws(&j);
        if (j.p < j.end)
            root = fail(&j, j.p, "trailing data after the value");
    }
    if (j.stack_heap)
        gv_buf_free(&j.stack);
    return root;
}
