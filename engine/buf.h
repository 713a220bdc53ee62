/*
 * buf.h: a growable byte buffer (in the manner of git's strbuf) and the
 * JSON text encoders every writer shares.
 *
 * A gv_buf is transparent: initialise with GV_BUF_INIT, append, read
 * b.ptr/b.len, release with gv_buf_free. Appends never fail silently: on
 * out-of-memory the buffer sets `oom` and drops the append, so a writer can
 * check once at the end.
 *
 * Private to libgavel.
 */
#ifndef GAVEL_BUF_H
#define GAVEL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct gv_buf {
    char  *ptr;    /* NUL-terminated when len > 0 or after any append */
    size_t len, cap;
    int    oom;
} gv_buf;

#define GV_BUF_INIT { NULL, 0, 0, 0 }

int  gv_buf_grow(gv_buf *b, size_t extra);   /* 0 ok, -1 oom */

/* Appends; inline, as the writers call them for every piece. */
static inline void gv_buf_add(gv_buf *b, const void *p, size_t n)
{
    if (n >= b->cap - b->len && gv_buf_grow(b, n))
        return;
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

static inline void gv_buf_adds(gv_buf *b, const char *s) { gv_buf_add(b, s, strlen(s)); }

static inline void gv_buf_addc(gv_buf *b, char c)
{
    if (1 >= b->cap - b->len && gv_buf_grow(b, 1))
        return;
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}
void gv_buf_printf(gv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gv_buf_reset(gv_buf *b);                /* len = 0, keeps memory */
void gv_buf_free(gv_buf *b);
char *gv_buf_detach(gv_buf *b, size_t *len); /* caller frees; buffer is reset */

/* Makes room for item n in the malloc'd array *items of `size`-byte items
 * (*cap of them): nothing while n < *cap, else the array doubles, to
 * `first` items the first time, its new items zeroed. 0, or -1 when out
 * of memory (the array is kept as it was). */
int gv_buf_grow_array(void **items, size_t *cap, size_t n, size_t size, size_t first);

/* The body of a printf-like function (`fmt`, then `...`) that keeps its
 * message in the char array `arr`: formats the arguments into it, cut to
 * its size. A macro because only the variadic function itself can reach
 * its arguments; the check refuses a pointer, whose sizeof would cut every
 * message short. */
#define GV_BUF_FORMAT(arr, fmt) do {                                          \
        _Static_assert(!__builtin_types_compatible_p(__typeof__(arr),         \
                                                     __typeof__(&(arr)[0])),  \
                       "GV_BUF_FORMAT needs an array");                       \
        va_list ap_;                                                          \
        va_start(ap_, fmt);                                                   \
        vsnprintf(arr, sizeof(arr), fmt, ap_);                                \
        va_end(ap_);                                                          \
    } while (0)

/* A JSON string literal with quotes. Control characters are escaped; bytes
 * that are not valid UTF-8, and NUL, become U+FFFD, so the output is always
 * valid JSON whatever the input held, and gavel's own readers (which refuse
 * \u0000, docs/security.md, item 17) read it back. Only rule code can make such
 * strings: records cannot hold them. */
void gv_buf_json_str(gv_buf *b, const char *s, size_t n);
/* A number as JSON: integers exactly; floats in the shortest form that reads
 * back to the same double; NaN and infinities (which JSON lacks) as null. */
void gv_buf_json_int(gv_buf *b, int64_t i);
void gv_buf_json_num(gv_buf *b, double d);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid: no
 * overlongs, no surrogates, nothing past U+10FFFF. Inline: readers call it
 * per character. */
static inline int gv_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0;               /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0;               /* UTF-16 surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;               /* overlong */
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;               /* past U+10FFFF */
        return 4;
    }
    return 0;
}


#endif
