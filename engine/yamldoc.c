/*
 * yamldoc.c: YAML documents and record streams into value trees
 * (yamldoc.h).
 *
 * Owns: building value trees from libyaml's events (its event API, never
 * its document API), the YAML 1.2 core schema for scalars, and the record
 * rules of docs/security.md, items 12-16. The events and the input come
 * from yamlin.c (yamlin.h). Calls value.h, buf.h, libyaml and libc only.
 *
 * libyaml checks syntax and nothing else: it has no nesting limit (and deep
 * flow nesting is quadratic in its scanner), it reports anchors and aliases
 * without judging them, and it accepts duplicate keys. So:
 *  - every event goes through gvyaml_next_event() (yamlin.c), which keeps
 *    the nesting count and stops the stream as soon as it passes the depth
 *    limit (skipping the rest of a deep record would cost exactly the
 *    quadratic scan we avoid);
 *  - the tree is built by recursive descent over events, bounded by that
 *    count, refusing anchors, aliases, non-core tags, non-scalar keys,
 *    duplicate keys and values past the limits;
 *  - a bad record is skipped event by event up to its end, so the stream
 *    goes on with the next record; only libyaml errors, the depth limit and
 *    oversized input end the stream (GVYAML_BROKEN, sticky).
 *
 * Lines and columns are 1-based; libyaml's marks are 0-based and count
 * columns in characters, so YAML columns are characters, not bytes.
 */
#include "yamldoc.h"
#include "buf.h"
#include "yamlin.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A member while its mapping is open (see json.c: the same scheme). */
typedef gv_pmember ymember;      /* a member with its key's position */

static gv_value *build(gvyaml *y, const gv_value *parent, uint32_t index);

/* gvyaml_fail for functions that return a status: -1. */
static int refuse(gvyaml *y, const char *msg)
{
    gvyaml_fail(y, "%s", msg);
    return -1;
}

/* ---- tags and checks ------------------------------------------------------ */

enum { TAG_NONE, TAG_STR, TAG_INT, TAG_FLOAT, TAG_BOOL, TAG_NULL, TAG_SEQ, TAG_MAP, TAG_OTHER };

static int tag_kind(const yaml_char_t *tag)
{
    static const char *const core[] = { "str", "int", "float", "bool", "null", "seq", "map" };
    const char *t = (const char *)tag;
    if (!t)
        return TAG_NONE;
    if (strncmp(t, CORE_TAG, sizeof CORE_TAG - 1) != 0)
        return TAG_OTHER;
    for (int i = 0; i < 7; i++) {
        if (strcmp(t + sizeof CORE_TAG - 1, core[i]) == 0)
            return TAG_STR + i;
    }
    return TAG_OTHER;
}

/* Refuses anchors, and tags other than the core ones or not fit for the
 * node (`want` is TAG_SEQ, TAG_MAP, or TAG_STR for any scalar tag). */
static int check_node(gvyaml *y, const yaml_char_t *anchor, const yaml_char_t *tag, int want)
{
    if (anchor) {
        gvyaml_fail(y, "anchors and aliases are not allowed in records");
        return -1;
    }
    int kind = tag_kind(tag);
    const char *t = (const char *)tag;
    if (kind == TAG_OTHER) {
        if (strncmp(t, CORE_TAG, sizeof CORE_TAG - 1) == 0)
            gvyaml_fail(y, "tag !!%.60s is not allowed", t + sizeof CORE_TAG - 1);
        else
            gvyaml_fail(y, "tag %.60s is not allowed", t);
        return -1;
    }
    int scalar_tag = kind != TAG_SEQ && kind != TAG_MAP;
    if (kind != TAG_NONE && (want == TAG_STR ? !scalar_tag : kind != want)) {
        gvyaml_fail(y, "tag !!%s on a %s", t + sizeof CORE_TAG - 1,
             want == TAG_SEQ ? "sequence" : want == TAG_MAP ? "mapping" : "scalar");
        return -1;
    }
    return 0;
}

/* A scalar's text: within the length limit, no NUL, valid UTF-8. */
static int check_text(gvyaml *y, const char *s, size_t n, const char *what)
{
    if (n > y->lim->max_string || n > UINT32_MAX) {
        gvyaml_fail(y, "%s longer than %zu bytes", what, y->lim->max_string);
        return -1;
    }
    if (memchr(s, '\0', n)) {
        gvyaml_fail(y, "NUL byte in %s", what);
        return -1;
    }
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int k = gv_utf8_seq(p, (size_t)(end - p));
        if (!k) {
            gvyaml_fail(y, "invalid UTF-8");
            return -1;
        }
        p += k;
    }
    return 0;
}

/* ---- the core schema ------------------------------------------------------ */

static int is_word(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++) {
        if (strlen(*words) == n && memcmp(s, *words, n) == 0)
            return 1;
    }
    return 0;
}

static int is_null(const char *s, size_t n)
{
    static const char *const w[] = { "~", "null", "Null", "NULL", NULL };
    return n == 0 || is_word(s, n, w);
}

static int is_bool(const char *s, size_t n, int *b)
{
    static const char *const t[] = { "true", "True", "TRUE", NULL };
    static const char *const f[] = { "false", "False", "FALSE", NULL };
    if (is_word(s, n, t)) {
        *b = 1;
        return 1;
    }
    if (is_word(s, n, f)) {
        *b = 0;
        return 1;
    }
    return 0;
}

static int is_special_float(const char *s, size_t n)
{
    static const char *const w[] = {
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN", NULL
    };
    return is_word(s, n, w);
}

static int digit_in(int c, int base)
{
    if (c >= '0' && c <= '9')
        return c - '0' < base ? c - '0' : -1;
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* [-+]?[0-9]+ | 0x[0-9a-fA-F]+ | 0o[0-7]+ : 1 and *out when it is one and
 * fits int64, -1 when it is one that does not fit, 0 when it is not one. */
static int parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0, base = 10, overflow = 0;
    uint64_t mag = 0;

    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        i = 2;
    } else if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    for (; i < n; i++) {
        int d = digit_in((unsigned char)s[i], base);
        if (d < 0)
            return 0;
        if (mag > (UINT64_MAX - (unsigned)d) / (unsigned)base)
            overflow = 1;
        else
            mag = mag * (unsigned)base + (unsigned)d;
    }
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (overflow || mag > limit)
        return -1;
    if (!neg)
        *out = (int64_t)mag;
    else if (mag == limit)
        *out = INT64_MIN;         /* 2^63 itself does not fit int64 */
    else
        *out = -(int64_t)mag;
    return 1;
}

static size_t skip_digits(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float_syntax(const char *s, size_t n)
{
    size_t i = 0, j;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i < n && s[i] == '.') {
        if ((j = skip_digits(s, i + 1, n)) == i + 1)
            return 0;
        i = j;
    } else {
        if ((j = skip_digits(s, i, n)) == i)
            return 0;
        i = j;
        if (i < n && s[i] == '.')
            i = skip_digits(s, i + 1, n);
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        if ((j = skip_digits(s, i, n)) == i)
            return 0;
        i = j;
    }
    return i == n;
}

/* Fills v from the scalar text as the tag (or, for a plain untagged
 * scalar, the core schema) says. 0, or -1 with err set. */
static int resolve(gvyaml *y, gv_value *v, const char *s, size_t n, int kind)
{
    int64_t i;
    int r, b;

    if (kind == TAG_NONE || kind == TAG_NULL) {
        if (is_null(s, n)) {
            v->type = GV_NULL;
            return 0;
        }
        if (kind == TAG_NULL)
            return refuse(y, "invalid !!null value");
    }
    if (kind == TAG_NONE || kind == TAG_BOOL) {
        if (is_bool(s, n, &b)) {
            v->type = GV_BOOL;
            v->u.b = b;
            return 0;
        }
        if (kind == TAG_BOOL)
            return refuse(y, "invalid !!bool value");
    }
    if (kind == TAG_NONE || kind == TAG_INT) {
        if ((r = parse_int(s, n, &i)) < 0)
            return refuse(y, "integer out of range");
        if (r > 0) {
            v->type = GV_INT;
            v->u.i = i;
            return 0;
        }
        if (kind == TAG_INT)
            return refuse(y, "invalid !!int value");
    }
    if (kind == TAG_NONE || kind == TAG_FLOAT) {
        if (is_special_float(s, n))
            return refuse(y, ".inf and .nan are not allowed");
        if (is_float_syntax(s, n)) {
            v->type = GV_NUM;
            if (gv_strtod(s, n, &v->u.n))
                return refuse(y, "out of memory");
            if (isinf(v->u.n))
                return refuse(y, "number out of range");
            return 0;
        }
        if (kind == TAG_FLOAT && (r = parse_int(s, n, &i)) > 0) {
            v->type = GV_NUM;
            v->u.n = (double)i;
            return 0;
        }
        if (kind == TAG_FLOAT)
            return refuse(y, "invalid !!float value");
    }
    v->type = GV_STR;
    v->len = (uint32_t)n;
    if (!(v->u.s = gv_arena_strdup(y->a, s, n)))
        return refuse(y, "out of memory");
    return 0;
}

/* ---- the tree ------------------------------------------------------------- */

static void *push(gvyaml *y, size_t n)
{
    if (gv_buf_grow(&y->stack, n))
        return NULL;
    void *p = y->stack.ptr + y->stack.len;
    y->stack.len += n;
    return p;
}

static gv_value *new_value(gvyaml *y, gv_type type, const gv_value *parent, uint32_t index)
{
    if (++y->nodes > y->lim->max_nodes)
        return gvyaml_fail(y, "more than %zu values", y->lim->max_nodes);
    gv_value *v = gv_arena_alloc(y->a, sizeof *v);
    if (!v)
        return gvyaml_fail(y, "out of memory");
    v->type = (uint8_t)type;
    v->line = (uint32_t)y->ev.start_mark.line + 1;
    v->col = (uint32_t)y->ev.start_mark.column + 1;
    v->len = 0;
    v->index = index;
    v->parent = parent;
    return v;
}

static gv_value *build_scalar(gvyaml *y, const gv_value *parent, uint32_t index)
{
    const yaml_event_t *e = &y->ev;
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    if (check_node(y, e->data.scalar.anchor, e->data.scalar.tag, TAG_STR) ||
        check_text(y, s, n, "string"))
        return NULL;
    int kind = tag_kind(e->data.scalar.tag);
    /* Only plain scalars are resolved; quoted and block ones are strings. */
    if (kind == TAG_NONE && e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        kind = TAG_STR;
    gv_value *v = new_value(y, GV_STR, parent, index);
    if (!v || resolve(y, v, s, n, kind))
        return NULL;
    return v;
}

/* The sequence or mapping the current event starts, checked and made. */
static gv_value *open_collection(gvyaml *y, gv_type type, const gv_value *parent,
                                 uint32_t index)
{
    const yaml_event_t *e = &y->ev;
    int seq = type == GV_ARR;
    if (check_node(y, seq ? e->data.sequence_start.anchor : e->data.mapping_start.anchor,
                   seq ? e->data.sequence_start.tag : e->data.mapping_start.tag,
                   seq ? TAG_SEQ : TAG_MAP))
        return NULL;
    return new_value(y, type, parent, index);
}

static gv_value *build_seq(gvyaml *y, const gv_value *parent, uint32_t index)
{
    gv_value *seq = open_collection(y, GV_ARR, parent, index);
    if (!seq)
        return NULL;
    size_t base = y->stack.len;
    uint32_t n = 0;
    for (;;) {
        if (gvyaml_next_event(y))
            return NULL;
        if (y->ev.type == YAML_SEQUENCE_END_EVENT)
            break;
        gv_value *item = build(y, seq, n), **slot;
        if (!item)
            return NULL;
        if (!(slot = push(y, sizeof *slot)))
            return gvyaml_fail(y, "out of memory");
        *slot = item;
        n++;
    }
    if (gv_set_items(y->a, seq, n ? y->stack.ptr + base : NULL, n))
        return gvyaml_fail(y, "out of memory");
    y->stack.len = base;
    return seq;
}

/* The current event as the key of member n of the mapping whose members
 * start at `base`. */
static int read_key(gvyaml *y, size_t base, uint32_t n, ymember *km)
{
    const yaml_event_t *e = &y->ev;
    if (e->type == YAML_ALIAS_EVENT) {
        gvyaml_fail(y, "anchors and aliases are not allowed in records");
        return -1;
    }
    if (e->type != YAML_SCALAR_EVENT) {
        gvyaml_fail(y, "mapping keys must be scalars");
        return -1;
    }
    const char *s = (const char *)e->data.scalar.value;
    size_t len = e->data.scalar.length;
    if (check_node(y, e->data.scalar.anchor, e->data.scalar.tag, TAG_STR) ||
        check_text(y, s, len, "key"))
        return -1;
    km->line = (uint32_t)e->start_mark.line + 1;
    km->col = (uint32_t)e->start_mark.column + 1;
    km->m.klen = (uint32_t)len;
    const ymember *ms = n ? (const ymember *)(void *)(y->stack.ptr + base) : NULL;
    if (gv_check_new_key(ms, n, km, s, y->err))
        return -1;
    if (!(km->m.key = gv_arena_strdup(y->a, s, len))) {
        gvyaml_fail(y, "out of memory");
        return -1;
    }
    return 0;
}

static gv_value *build_map(gvyaml *y, const gv_value *parent, uint32_t index)
{
    gv_value *map = open_collection(y, GV_OBJ, parent, index);
    if (!map)
        return NULL;
    size_t base = y->stack.len;
    uint32_t n = 0;
    for (;;) {
        ymember km, *slot;
        if (gvyaml_next_event(y))
            return NULL;
        if (y->ev.type == YAML_MAPPING_END_EVENT)
            break;
        if (read_key(y, base, n, &km) || gvyaml_next_event(y))
            return NULL;
        /* The value goes first: its own children use the stack above ours
         * and are gone again when it returns. */
        if (!(km.m.val = build(y, map, n)))
            return NULL;
        if (!(slot = push(y, sizeof *slot)))
            return gvyaml_fail(y, "out of memory");
        *slot = km;
        n++;
    }
    int r = gv_close_object(y->a, map, n ? (ymember *)(void *)(y->stack.ptr + base) : NULL, n,
                            y->err);
    if (r)
        return r > 0 ? gvyaml_fail(y, "out of memory") : NULL;
    y->stack.len = base;
    return map;
}

/* The node whose first event is the current one; on return the current
 * event is its last. */
static gv_value *build(gvyaml *y, const gv_value *parent, uint32_t index)
{
    switch (y->ev.type) {
    case YAML_SCALAR_EVENT:
        return build_scalar(y, parent, index);
    case YAML_SEQUENCE_START_EVENT:
        return build_seq(y, parent, index);
    case YAML_MAPPING_START_EVENT:
        return build_map(y, parent, index);
    case YAML_ALIAS_EVENT:
        return gvyaml_fail(y, "anchors and aliases are not allowed in records");
    default:
        return gvyaml_fail(y, "unexpected YAML event %d", (int)y->ev.type);
    }
}

/* ---- records -------------------------------------------------------------- */

/* The record whose first event is the current one. */
static int read_record(gvyaml *y, gv_value **out)
{
    yaml_mark_t start = y->ev.start_mark;
    int doc_root = !y->in_split;
    y->nodes = 0;
    y->stack.len = 0;
    gv_value *v = build(y, NULL, 0);
    if (v && doc_root && v->type == GV_NULL)
        v = gvyaml_fail_at(y, (uint32_t)y->doc_start.line + 1, (uint32_t)y->doc_start.column + 1,
                    "empty document");
    if (v && y->ev.end_mark.index - start.index > y->lim->max_bytes)
        v = gvyaml_fail_at(y, (uint32_t)start.line + 1, (uint32_t)start.column + 1,
                    "record longer than %zu bytes", y->lim->max_bytes);
    if (v) {
        gvyaml_mark_record_start(y);
        *out = v;
        return GVYAML_RECORD;
    }
    if (y->broken || gvyaml_skip_record(y))
        return GVYAML_BROKEN;
    gvyaml_mark_record_start(y);
    return GVYAML_BAD;
}

/* The current event opens a document's root sequence whose items are the
 * records: 0, or, when the root itself is bad (anchor, tag), the whole
 * document is one bad record. */
static int start_split(gvyaml *y)
{
    const yaml_event_t *e = &y->ev;
    if (check_node(y, e->data.sequence_start.anchor, e->data.sequence_start.tag, TAG_SEQ))
        return gvyaml_skip_record(y) ? GVYAML_BROKEN : GVYAML_BAD;
    y->in_split = 1;
    y->rec_base = 1;
    gvyaml_mark_record_start(y);
    return 0;
}

static void begin_call(gvyaml *y, gv_arena *a, const gv_limits *lim, gv_error *err)
{
    static const gv_limits defaults = GV_LIMITS_DEFAULT;
    y->a = a;
    y->lim = lim ? lim : &defaults;
    y->err = err;
    y->max_depth = y->lim->max_depth < DEPTH_CEILING ? y->lim->max_depth : DEPTH_CEILING;
}

int gvyaml_next(gvyaml *y, gv_arena *a, const gv_limits *lim,
                gv_value **out, gv_error *err)
{
    *out = NULL;
    if (y->broken) {
        if (err)
            *err = y->broken_err;
        return GVYAML_BROKEN;
    }
    if (y->ended)
        return GVYAML_END;
    begin_call(y, a, lim, err);
    for (;;) {
        if (gvyaml_next_event(y))
            return GVYAML_BROKEN;
        switch (y->ev.type) {
        case YAML_STREAM_END_EVENT:
            y->ended = 1;
            return GVYAML_END;
        case YAML_DOCUMENT_START_EVENT:
            y->doc_start = y->ev.start_mark;
            y->open = y->rec_base = 0;
            y->in_split = 0;
            gvyaml_mark_record_start(y);
            break;
        case YAML_SEQUENCE_END_EVENT:      /* the end of a split root */
            y->in_split = 0;
            y->rec_base = 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (y->split_seq && !y->in_split) {
                int rc = start_split(y);
                if (rc)
                    return rc;
                break;
            }
            return read_record(y, out);
        case YAML_MAPPING_START_EVENT:
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
            return read_record(y, out);
        default:                           /* stream start, document end */
            break;
        }
    }
}

/* Exactly one document: the first record, then nothing but the stream end. */
static gv_value *load_one(gvyaml *y, gv_arena *a, const gv_limits *lim, gv_error *err)
{
    gv_value *root;
    int rc = gvyaml_next(y, a, lim, &root, err);
    if (rc == GVYAML_END) {
        gv_error_set(err, 1, 0, "empty file");
        return NULL;
    }
    if (rc != GVYAML_RECORD)
        return NULL;
    for (;;) {
        if (gvyaml_next_event(y))
            return NULL;
        if (y->ev.type == YAML_STREAM_END_EVENT)
            return root;
        if (y->ev.type == YAML_DOCUMENT_START_EVENT)
            return gvyaml_fail(y, "more than one document where one is expected");
    }
}

gv_value *gvyaml_load_buf(const char *buf, size_t len, gv_arena *a,
                          const gv_limits *lim, gv_error *err)
{
    gvyaml *y = gvyaml_open_buf(buf, len, 0);
    if (!y) {
        gv_error_set(err, 0, 0, "out of memory");
        return NULL;
    }
    gv_value *root = load_one(y, a, lim, err);
    gvyaml_close(y);
    return root;
}

gv_value *gvyaml_load_file(const char *path, gv_arena *a, const gv_limits *lim,
                           gv_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gv_error_set(err, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    gvyaml *y = gvyaml_open_file(f, 0);
    gv_value *root = NULL;
    if (y)
        root = load_one(y, a, lim, err);
    else
        gv_error_set(err, 0, 0, "out of memory");
    gvyaml_close(y);
    fclose(f);
    return root;
}
