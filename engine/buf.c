/*
 * buf.c: growable buffer and JSON text encoders (buf.h). Calls libc only.
 */
#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gv_buf_grow(gv_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (extra < b->cap - b->len)
        return 0;
    if (extra >= SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return -1;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->ptr, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->ptr = p;
    b->cap = cap;
    return 0;
}

int gv_buf_grow_array(void **items, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : first;
    if (ncap < *cap || ncap > SIZE_MAX / size)
        return -1;
    void *a = realloc(*items, ncap * size);
    if (!a)
        return -1;
    memset((char *)a + *cap * size, 0, (ncap - *cap) * size);
    *items = a;
    *cap = ncap;
    return 0;
}

void gv_buf_printf(gv_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        gv_buf_add(b, small, (size_t)n);
        return;
    }
    if (gv_buf_grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void gv_buf_reset(gv_buf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

void gv_buf_free(gv_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

char *gv_buf_detach(gv_buf *b, size_t *len)
{
    char *p = b->ptr;
    if (len)
        *len = b->len;
    if (!p)
        p = calloc(1, 1);
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}


void gv_buf_json_str(gv_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    if (gv_buf_grow(b, n + 2))
        return;
    gv_buf_addc(b, '"');
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            gv_buf_add(b, run, (size_t)(p - run));
        if (p >= end)
            break;
        unsigned c = *p;
        if (c == 0) {
            gv_buf_add(b, "\xEF\xBF\xBD", 3);      /* U+FFFD, not \u0000 */
            p++;
            continue;
        }
        if (c >= 0x80) {
            int k = gv_utf8_seq(p, (size_t)(end - p));
            if (k) {
                gv_buf_add(b, p, (size_t)k);
                p += k;
            } else {
                gv_buf_add(b, "\xEF\xBF\xBD", 3);  /* U+FFFD */
                p++;
            }
            continue;
        }
        p++;
        switch (c) {
        case '"':  gv_buf_add(b, "\\\"", 2); break;
        case '\\': gv_buf_add(b, "\\\\", 2); break;
        case '\n': gv_buf_add(b, "\\n", 2); break;
        case '\r': gv_buf_add(b, "\\r", 2); break;
        case '\t': gv_buf_add(b, "\\t", 2); break;
        case '\b': gv_buf_add(b, "\\b", 2); break;
        case '\f': gv_buf_add(b, "\\f", 2); break;
        default: {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            gv_buf_add(b, u, 6);
        }
        }
    }
    gv_buf_addc(b, '"');
}

void gv_buf_json_int(gv_buf *b, int64_t i)
{
    gv_buf_printf(b, "%lld", (long long)i);
}

void gv_buf_json_num(gv_buf *b, double d)
{
    if (!isfinite(d)) {
        gv_buf_add(b, "null", 4);
        return;
    }
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* Keep a float recognisable as one: 2.0 stays "2.0", not "2". */
    if (!strpbrk(tmp, ".eEn"))
        strcat(tmp, ".0");
    gv_buf_adds(b, tmp);
}
