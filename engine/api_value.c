/*
 * api_value.c: the public read-only value API (gavel.h, "values"): the
 * accessors over the engine's own value tree (value.h) and its JSON
 * writer. A gavel_value is a gv_value seen from outside; nothing is copied
 * or converted, so a caller reads exactly what the readers built and the
 * rules see. Calls only value.h and buf.h; the records and decisions that
 * hand out values (record.c, decision.c) own them.
 */
#include "gavel.h"
#include "value.h"
#include "buf.h"

#include <string.h>

static const gv_value *gv(const gavel_value *v) { return (const gv_value *)v; }
static const gavel_value *pub(const gv_value *v) { return (const gavel_value *)v; }

gavel_type gavel_value_type(const gavel_value *v)
{
    static const gavel_type types[] = {
        [GV_NULL] = GAVEL_NULL, [GV_BOOL] = GAVEL_BOOL, [GV_INT] = GAVEL_INT,
        [GV_NUM] = GAVEL_FLOAT, [GV_STR] = GAVEL_STRING, [GV_ARR] = GAVEL_ARRAY,
        [GV_OBJ] = GAVEL_OBJECT };
    return v ? types[gv(v)->type] : GAVEL_NULL;
}

size_t gavel_value_len(const gavel_value *v)
{
    return v && (gv(v)->type == GV_ARR || gv(v)->type == GV_OBJ) ? gv(v)->len : 0;
}

const gavel_value *gavel_value_get(const gavel_value *obj, const char *key)
{
    return obj && key && gv(obj)->type == GV_OBJ ? pub(gv_gets(gv(obj), key)) : NULL;
}

const gavel_value *gavel_value_at(const gavel_value *v, size_t i)
{
    if (!v || i >= gavel_value_len(v))
        return NULL;
    return pub(gv(v)->type == GV_ARR ? gv(v)->u.items[i] : gv(v)->u.members[i].val);
}

const char *gavel_value_key(const gavel_value *obj, size_t i, size_t *len)
{
    if (!obj || gv(obj)->type != GV_OBJ || i >= gv(obj)->len)
        return NULL;
    const gv_member *m = &gv(obj)->u.members[i];
    if (len)
        *len = m->klen;
    return m->key;
}

const char *gavel_value_string(const gavel_value *v, size_t *len)
{
    if (!v || gv(v)->type != GV_STR)
        return NULL;
    if (len)
        *len = gv(v)->len;
    return gv(v)->u.s;
}

int64_t gavel_value_int(const gavel_value *v)
{
    return v && gv(v)->type == GV_INT ? gv(v)->u.i : 0;
}

double gavel_value_float(const gavel_value *v)
{
    if (v && gv(v)->type == GV_NUM)
        return gv(v)->u.n;
    return v && gv(v)->type == GV_INT ? (double)gv(v)->u.i : 0;
}

int gavel_value_bool(const gavel_value *v)
{
    return v && gv(v)->type == GV_BOOL && gv(v)->u.b;
}

/* Hands over b's text snprintf-style (see gavel.h) and frees b. */
static size_t buf_out(gv_buf *b, char *buf, size_t size)
{
    size_t len = b->oom ? 0 : b->len;
    if (size) {
        size_t n = len < size ? len : size - 1;
        if (n)
            memcpy(buf, b->ptr, n);
        buf[n] = '\0';
    }
    gv_buf_free(b);
    return len;
}

size_t gavel_value_json(const gavel_value *v, char *buf, size_t size)
{
    static const gv_value null = { .type = GV_NULL };
    gv_buf b = GV_BUF_INIT;
    gv_write_json(&b, v ? gv(v) : &null);
    return buf_out(&b, buf, size);
}

size_t gavel_json_string(const char *text, size_t len, char *buf, size_t size)
{
    gv_buf b = GV_BUF_INIT;
    gv_buf_json_str(&b, text ? text : "", text ? len : 0);
    return buf_out(&b, buf, size);
}
