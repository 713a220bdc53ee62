/*
 * value.c: the arena and member lookup for parsed-value trees, paths,
 * and what the JSON and YAML readers share (value.h). Calls buf.h and libc.
 */
#include "value.h"
#include "buf.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gv_chunk {
    gv_chunk *next;
    size_t    size;
    /* max_align_t keeps the payload aligned for any value we store */
    _Alignas(16) unsigned char data[];
};

enum { CHUNK_MIN = 64 * 1024 };

/* gv_arena_alloc's slow path: a new head chunk (what room the old one had
 * left is not used again until a reset). */
void *gv_arena_alloc_chunk(gv_arena *a, size_t size)
{
    size_t n = size ? (size + 15) & ~(size_t)15 : 16;
    if (n < size || (a->limit && a->used + n > a->limit))
        return NULL;
    size_t want = n > CHUNK_MIN ? n : CHUNK_MIN;
    gv_chunk *c = want <= SIZE_MAX - sizeof *c ? malloc(sizeof *c + want) : NULL;
    if (!c)
        return NULL;
    c->size = want;
    c->next = a->head;
    a->head = c;
    a->next = c->data + n;
    a->room = want - n;
    a->used += n;
    return c->data;
}

char *gv_arena_strdup(gv_arena *a, const char *s, size_t len)
{
    char *p = gv_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void gv_arena_reset(gv_arena *a)
{
    /* Keep the largest chunk, so a record stream settles on one chunk, but
     * not a huge one: one big record must not pin its memory for the rest
     * of the run (gavel eval -j keeps a ring of 1,500 records). */
    enum { KEEP_MAX = 1 << 20 };
    gv_chunk *keep = NULL;
    for (gv_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        if (c->size <= KEEP_MAX && (!keep || c->size > keep->size)) {
            free(keep);
            keep = c;
        } else {
            free(c);
        }
    }
    if (keep)
        keep->next = NULL;
    a->head = keep;
    a->used = 0;
    a->next = keep ? keep->data : NULL;
    a->room = keep ? keep->size : 0;
}

void gv_arena_free(gv_arena *a)
{
    for (gv_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    a->head = NULL;
    a->used = 0;
    a->next = NULL;
    a->room = 0;
}

gv_value *gv_copy(gv_arena *a, const gv_value *v, const gv_value *parent, uint32_t index)
{
    gv_value *c = gv_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *v;
    c->parent = parent;
    c->index = index;
    if (v->type == GV_STR) {
        if (!(c->u.s = gv_arena_strdup(a, v->u.s, v->len)))
            return NULL;
    } else if (v->type == GV_ARR) {
        if (!(c->u.items = gv_arena_alloc(a, (v->len ? v->len : 1) * sizeof *c->u.items)))
            return NULL;
        for (uint32_t i = 0; i < v->len; i++)
            if (!(c->u.items[i] = gv_copy(a, v->u.items[i], c, i)))
                return NULL;
    } else if (v->type == GV_OBJ) {
        if (!(c->u.members = gv_arena_alloc(a, (v->len ? v->len : 1) * sizeof *c->u.members)))
            return NULL;
        for (uint32_t i = 0; i < v->len; i++) {
            const gv_member *m = &v->u.members[i];
            gv_member *cm = &c->u.members[i];
            cm->klen = m->klen;
            if (!(cm->key = gv_arena_strdup(a, m->key, m->klen)) ||
                !(cm->val = gv_copy(a, m->val, c, i)))
                return NULL;
        }
    }
    return c;
}

const gv_value *gv_get(const gv_value *obj, const char *key, size_t klen)
{
    if (!obj || obj->type != GV_OBJ)
        return NULL;
    for (uint32_t i = 0; i < obj->len; i++) {
        const gv_member *m = &obj->u.members[i];
        if (m->klen == klen && memcmp(m->key, key, klen) == 0)
            return m->val;
    }
    return NULL;
}

const gv_value *gv_gets(const gv_value *obj, const char *key)
{
    return gv_get(obj, key, strlen(key));
}

void gv_error_vset(gv_error *e, uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
    if (!e)
        return;
    e->line = line;
    e->col = col;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

void gv_error_set(gv_error *e, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gv_error_vset(e, line, col, fmt, ap);
    va_end(ap);
}

/* ---- paths and JSON text ---------------------------------------------------- */

static int is_ident(const char *k, size_t n)
{
    if (n == 0 || (k[0] >= '0' && k[0] <= '9'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

void gv_path_key(gv_buf *out, int at_root, const char *key, size_t klen)
{
    if (is_ident(key, klen)) {
        if (!at_root)
            gv_buf_addc(out, '.');
        gv_buf_add(out, key, klen);
    } else {
        gv_buf_addc(out, '[');
        gv_buf_json_str(out, key, klen);
        gv_buf_addc(out, ']');
    }
}

static void path_walk(gv_buf *out, const gv_value *v, int shape);

void gv_path(gv_buf *out, const gv_value *v) { path_walk(out, v, 0); }
void gv_path_shape(gv_buf *out, const gv_value *v) { path_walk(out, v, 1); }

static void path_walk(gv_buf *out, const gv_value *v, int shape)
{
    const gv_value *chain[128];
    int n = 0;
    for (const gv_value *x = v; x->parent && n < 128; x = x->parent)
        chain[n++] = x;
    for (int i = n - 1; i >= 0; i--) {
        const gv_value *x = chain[i], *par = x->parent;
        if (par->type == GV_ARR) {
            if (shape)
                gv_buf_add(out, "[]", 2);
            else
                gv_buf_printf(out, "[%u]", x->index + 1);
        } else {
            const gv_member *m = &par->u.members[x->index];
            gv_path_key(out, i == n - 1, m->key, m->klen);
        }
    }
}

void gv_write_json(gv_buf *out, const gv_value *v)
{
    switch (v->type) {
    case GV_NULL: gv_buf_add(out, "null", 4); break;
    case GV_BOOL: gv_buf_adds(out, v->u.b ? "true" : "false"); break;
    case GV_INT:  gv_buf_json_int(out, v->u.i); break;
    case GV_NUM:  gv_buf_json_num(out, v->u.n); break;
    case GV_STR:  gv_buf_json_str(out, v->u.s, v->len); break;
    case GV_ARR:
        gv_buf_addc(out, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i)
                gv_buf_addc(out, ',');
            gv_write_json(out, v->u.items[i]);
        }
        gv_buf_addc(out, ']');
        break;
    case GV_OBJ:
        gv_buf_addc(out, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            const gv_member *m = &v->u.members[i];
            if (i)
                gv_buf_addc(out, ',');
            gv_buf_json_str(out, m->key, m->klen);
            gv_buf_addc(out, ':');
            gv_write_json(out, m->val);
        }
        gv_buf_addc(out, '}');
        break;
    }
}

/* ---- what both readers share ----------------------------------------------------- */

int gv_check_duplicates(const gv_pmember *ms, uint32_t n, gv_error *err)
{
    int oom;
    const gv_pmember *first = gv_first_duplicate(ms, n, &oom);
    if (oom)
        return 1;
    if (!first)
        return 0;
    gv_error_duplicate(err, first->line, first->col, first->m.key, first->m.klen);
    return -1;
}

void gv_error_duplicate(gv_error *err, uint32_t line, uint32_t col, const char *key, size_t klen)
{
    char q[GV_QUOTED_CAP];
    gv_error_set(err, line, col, "duplicate key %s", gv_quote_key(q, sizeof q, key, klen));
}

int gv_strtod(const char *s, size_t n, double *out)
{
    char small[64], *buf = small, *endp;
    if (n >= sizeof small && !(buf = malloc(n + 1)))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, &endp);
    if (*endp == '.') {
        *endp = localeconv()->decimal_point[0];
        *out = strtod(buf, &endp);
    }
    if (buf != small)
        free(buf);
    return 0;
}

const char *gv_quote_key(char *out, size_t cap, const char *k, size_t n)
{
    size_t o = 0, i = 0, show = n > 32 ? 32 : n;
    while (show < n && show > 0 && ((unsigned char)k[show] & 0xC0) == 0x80)
        show--;                          /* do not cut a character in two */
    out[o++] = '"';
    for (; i < show && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (i < n && o + 5 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

static int cmp_member(const void *x, const void *y)
{
    const gv_pmember *a = *(const gv_pmember *const *)x, *b = *(const gv_pmember *const *)y;
    if (a->m.klen != b->m.klen)
        return a->m.klen < b->m.klen ? -1 : 1;
    int c = memcmp(a->m.key, b->m.key, a->m.klen);
    if (c)
        return c;
    return a < b ? -1 : a > b;  /* source order within equal keys */
}

const gv_pmember *gv_first_duplicate(const gv_pmember *ms, uint32_t n, int *oom)
{
    *oom = 0;
    const gv_pmember **order = malloc((n ? n : 1) * sizeof *order), *first = NULL;
    if (!order) {
        *oom = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        order[i] = &ms[i];
    qsort(order, n, sizeof *order, cmp_member);
    for (uint32_t i = 1; i < n; i++)
        if (gv_same_key(&order[i - 1]->m, &order[i]->m) && (!first || order[i] < first))
            first = order[i];
    free(order);
    return first;
}
