/*
 * schema.c: a policy's record schema (schema.yaml): loading it, checking a
 * record against it, and answering whether a path a rule reads is declared.
 *
 * The format is small on purpose (docs/schema.md):
 *
 *   fields:
 *     id: string                 # shorthand: a type; required
 *     created_at: datetime?      # "?" makes a field optional
 *     hashtags: "string[]?"      # "T[]" is an array of T
 *     category: {type: enum, values: [news_media, journalist, unknown]}
 *     posts: {type: array, items: {type: object, fields: {...}}}
 *
 * Types: string int number bool date datetime enum array object any.
 * Full form keys: type, required (default true), values, items, fields.
 * Fields a record has and the schema does not declare are allowed; a null
 * is allowed where the field is optional.
 *
 * Calls value.h, buf.h, date.h and libc only: it reads a tree some reader
 * built, and knows nothing of the sandbox.
 */
#include "schema.h"
#include "buf.h"
#include "date.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SCHEMA_ERRORS_MAX = 10 };

typedef enum sc_type {
    SC_ANY, SC_STRING, SC_INT, SC_NUMBER, SC_BOOL, SC_DATE, SC_DATETIME,
    SC_ENUM, SC_ARRAY, SC_OBJECT
} sc_type;

static const char *const type_names[] = { "any", "string", "int", "number", "bool",
    "date", "datetime", "enum", "array", "object" };

struct gvsc_node {
    sc_type         type;
    int             required;
    const gv_value *values;        /* enum: the allowed strings */
    gvsc_node      *items;         /* array */
    gvsc_field     *fields;        /* object */
    uint32_t        nfields;
};

struct gvsc_field {
    const char *name;
    gvsc_node   node;
};

/* ---- loading ---------------------------------------------------------------------- */

static int parse_node(gv_arena *a, const gv_value *v, gvsc_node *out, gv_error *e);

static int type_from(const char *s, size_t n, sc_type *t)
{
    for (int i = 0; i < (int)(sizeof type_names / sizeof *type_names); i++)
        if (strlen(type_names[i]) == n && !strncmp(type_names[i], s, n)) {
            *t = (sc_type)i;
            return 0;
        }
    return -1;
}

/* "string", "datetime?", "string[]", "int[]?" */
static int parse_short(gv_arena *a, const gv_value *v, gvsc_node *out, gv_error *e)
{
    size_t n = v->len;
    const char *s = v->u.s;
    out->required = 1;
    if (n && s[n - 1] == '?') {
        out->required = 0;
        n--;
    }
    int array = n > 2 && s[n - 2] == '[' && s[n - 1] == ']';
    if (array)
        n -= 2;
    sc_type t;
    if (type_from(s, n, &t) || t == SC_ENUM || t == SC_OBJECT || t == SC_ARRAY) {
        gv_error_set(e, v->line, v->col, "unknown type '%s' (string, int, number, bool, "
                     "date, datetime, any; enum, array and object take the full form)", s);
        return -1;
    }
    if (!array) {
        out->type = t;
        return 0;
    }
    out->type = SC_ARRAY;
    out->items = gv_arena_alloc(a, sizeof *out->items);
    if (!out->items)
        return -1;
    memset(out->items, 0, sizeof *out->items);
    out->items->type = t;
    out->items->required = 1;
    return 0;
}

static int parse_fields(gv_arena *a, const gv_value *v, gvsc_node *out, gv_error *e)
{
    if (!v || v->type != GV_OBJ) {
        gv_error_set(e, v ? v->line : 0, v ? v->col : 0, "'fields' must map names to types");
        return -1;
    }
    out->nfields = v->len;
    out->fields = gv_arena_alloc(a, (v->len ? v->len : 1) * sizeof *out->fields);
    if (!out->fields)
        return -1;
    for (uint32_t i = 0; i < v->len; i++) {
        out->fields[i].name = v->u.members[i].key;
        memset(&out->fields[i].node, 0, sizeof out->fields[i].node);
        if (parse_node(a, v->u.members[i].val, &out->fields[i].node, e))
            return -1;
    }
    return 0;
}

static int parse_node(gv_arena *a, const gv_value *v, gvsc_node *out, gv_error *e)
{
    if (v->type == GV_STR)
        return parse_short(a, v, out, e);
    if (v->type != GV_OBJ) {
        gv_error_set(e, v->line, v->col, "a field is a type name or a mapping with 'type'");
        return -1;
    }
    static const char *const keys[] = { "type", "required", "values", "items", "fields",
                                        "description", NULL };
    for (uint32_t i = 0; i < v->len; i++) {
        int ok = 0;
        for (int k = 0; keys[k]; k++)
            ok |= !strcmp(v->u.members[i].key, keys[k]);
        if (!ok) {
            gv_error_set(e, v->u.members[i].val->line, v->u.members[i].val->col,
                         "unknown schema key '%s' (type, required, values, items, fields)",
                         v->u.members[i].key);
            return -1;
        }
    }
    const gv_value *t = gv_gets(v, "type"), *req = gv_gets(v, "required");
    if (!t || t->type != GV_STR || type_from(t->u.s, t->len, &out->type)) {
        gv_error_set(e, t ? t->line : v->line, t ? t->col : v->col,
                     "'type' must be one of string, int, number, bool, date, datetime, "
                     "enum, array, object, any");
        return -1;
    }
    out->required = !(req && req->type == GV_BOOL && !req->u.b);
    switch (out->type) {
    case SC_ENUM:
        out->values = gv_gets(v, "values");
        if (!out->values || out->values->type != GV_ARR) {
            gv_error_set(e, v->line, v->col, "an enum needs 'values', a list of strings");
            return -1;
        }
        return 0;
    case SC_ARRAY: {
        const gv_value *items = gv_gets(v, "items");
        out->items = gv_arena_alloc(a, sizeof *out->items);
        if (!out->items)
            return -1;
        memset(out->items, 0, sizeof *out->items);
        out->items->required = 1;
        if (!items)
            return 0;                          /* items of any type */
        return parse_node(a, items, out->items, e);
    }
    case SC_OBJECT:
        return parse_fields(a, gv_gets(v, "fields"), out, e);
    default:
        return 0;
    }
}

gvsc_node *gvsc_parse(gv_arena *a, const gv_value *doc, gv_error *e)
{
    if (!doc || doc->type != GV_OBJ || !gv_gets(doc, "fields")) {
        gv_error_set(e, doc ? doc->line : 1, doc ? doc->col : 1,
                     "a schema is a mapping with 'fields'");
        return NULL;
    }
    gvsc_node *root = gv_arena_alloc(a, sizeof *root);
    if (!root)
        return NULL;
    memset(root, 0, sizeof *root);
    root->type = SC_OBJECT;
    root->required = 1;
    if (parse_fields(a, gv_gets(doc, "fields"), root, e))
        return NULL;
    return root;
}

/* ---- checking records ------------------------------------------------------------- */

typedef struct checker {
    gv_buf  *path;
    int      errors;
    void   (*report)(void *ud, const char *msg);
    void    *ud;
} checker;

static void violation(checker *c, const char *fmt, const char *a, const char *b)
{
    if (++c->errors > SCHEMA_ERRORS_MAX)
        return;
    char msg[512];
    char what[256];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(msg, sizeof msg, "schema: %s: %s", c->path->len ? c->path->ptr : "(record)", what);
    c->report(c->ud, msg);
}

static int is_time(const gv_value *v, int want_date)
{
    double t;
    int date_only;
    if (v->type != GV_STR || gvdate_parse(v->u.s, v->len, &t, &date_only))
        return 0;
    return want_date ? date_only : 1;
}

static void got_text(const gv_value *v, char *buf, size_t n)
{
    static const char *const names[] = { "null", "a boolean", "an integer", "a number",
                                         "a string", "an array", "an object" };
    if (v->type == GV_STR)
        snprintf(buf, n, "\"%.60s\"", v->u.s);
    else
        snprintf(buf, n, "%s", names[v->type]);
}

static void check_value(checker *c, const gvsc_node *s, const gv_value *v);

static void check_object(checker *c, const gvsc_node *s, const gv_value *v)
{
    size_t base = c->path->len;
    for (uint32_t i = 0; i < s->nfields; i++) {
        const gvsc_field *f = &s->fields[i];
        gv_path_key(c->path, base == 0, f->name, strlen(f->name));
        const gv_value *x = gv_gets(v, f->name);
        if (!x || x->type == GV_NULL) {
            if (f->node.required)
                violation(c, "required %s is %s", type_names[f->node.type],
                          x ? "null" : "absent");
        } else {
            check_value(c, &f->node, x);
        }
        c->path->len = base;
        if (c->path->ptr)
            c->path->ptr[base] = '\0';
    }
}

static void check_value(checker *c, const gvsc_node *s, const gv_value *v)
{
    char got[96];
    got_text(v, got, sizeof got);
    int ok = 1;
    switch (s->type) {
    case SC_ANY:      break;
    case SC_STRING:   ok = v->type == GV_STR; break;
    case SC_INT:      ok = v->type == GV_INT; break;
    case SC_NUMBER:   ok = v->type == GV_INT || v->type == GV_NUM; break;
    case SC_BOOL:     ok = v->type == GV_BOOL; break;
    case SC_DATE:     ok = is_time(v, 1); break;
    case SC_DATETIME: ok = is_time(v, 0); break;
    case SC_ENUM:
        ok = 0;
        for (uint32_t i = 0; v->type == GV_STR && i < s->values->len; i++) {
            const gv_value *e = s->values->u.items[i];
            ok |= e->type == GV_STR && e->len == v->len && !memcmp(e->u.s, v->u.s, v->len);
        }
        if (!ok) {
            gv_buf list = GV_BUF_INIT;
            for (uint32_t i = 0; i < s->values->len; i++)
                if (s->values->u.items[i]->type == GV_STR)
                    gv_buf_printf(&list, "%s%s", i ? ", " : "", s->values->u.items[i]->u.s);
            violation(c, "expected one of %s; got %s", list.ptr ? list.ptr : "", got);
            gv_buf_free(&list);
            return;
        }
        break;
    case SC_ARRAY:
        if (v->type != GV_ARR) {
            ok = 0;
            break;
        }
        for (uint32_t i = 0; i < v->len; i++) {
            size_t base = c->path->len;
            gv_buf_printf(c->path, "[%u]", i + 1);
            if (v->u.items[i]->type == GV_NULL)
                violation(c, "expected %s%s, got null", type_names[s->items->type], "");
            else
                check_value(c, s->items, v->u.items[i]);
            c->path->len = base;
            c->path->ptr[base] = '\0';
        }
        return;
    case SC_OBJECT:
        if (v->type != GV_OBJ) {
            ok = 0;
            break;
        }
        check_object(c, s, v);
        return;
    }
    if (!ok)
        violation(c, "expected %s, got %s", type_names[s->type] , got);
}

int gvsc_check(const gvsc_node *schema, const gv_value *record,
               void (*report)(void *ud, const char *msg), void *ud)
{
    gv_buf path = GV_BUF_INIT;
    checker c = { &path, 0, report, ud };
    gv_buf_adds(&path, "");
    path.len = 0;
    check_object(&c, schema, record);
    if (c.errors > SCHEMA_ERRORS_MAX) {
        char msg[128];
        snprintf(msg, sizeof msg, "schema: %d more violations not listed",
                 c.errors - SCHEMA_ERRORS_MAX);
        report(ud, msg);
    }
    gv_buf_free(&path);
    return c.errors;
}

/* ---- declared paths ------------------------------------------------------------------ */

/* Is "posts[].labels.speech_level" declared? Path segments: keys joined by
 * '.', and "[]" for array items. A field of type any, or an object or
 * array whose parts are not spelled out, declares everything below it. */
int gvsc_declares(const gvsc_node *s, const char *path)
{
    const char *p = path;
    while (*p) {
        if (s->type == SC_ANY)
            return 1;
        if (p[0] == '[' && p[1] == ']') {
            if (s->type != SC_ARRAY)
                return 0;
            s = s->items;
            p += 2;
            if (*p == '.')
                p++;
            continue;
        }
        if (s->type != SC_OBJECT)
            return 0;
        size_t n = strcspn(p, ".[");
        const gvsc_node *next = NULL;
        for (uint32_t i = 0; i < s->nfields && !next; i++)
            if (strlen(s->fields[i].name) == n && !strncmp(s->fields[i].name, p, n))
                next = &s->fields[i].node;
        if (!next)
            return 0;
        s = next;
        p += n;
        if (*p == '.')
            p++;
    }
    return 1;
}
