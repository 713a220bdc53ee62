/*
 * jsonread.c: a compact recursive-descent JSON reader (and, through
 * libyaml's event API, a YAML one for context files) into a small value
 * tree, with comparison and a compact writer. See jsonread.h.
 */
#include "jsonread.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define JV_MAX_DEPTH 256

/* ---- building ----------------------------------------------------------------- */

static jv *jv_new(jv_type t)
{
    jv *v = calloc(1, sizeof *v);
    if (v)
        v->type = t;
    return v;
}

void jv_free(jv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        jv_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}

/* Appends item (and key, for an object); takes both. 0 ok, -1 no memory. */
static int jv_push(jv *c, char *key, jv *item)
{
    if ((c->n & (c->n - 1)) == 0) {   /* 0, 1, 2, 4, ...: grow to double */
        size_t cap = c->n ? c->n * 2 : 4;
        jv **items = realloc(c->items, cap * sizeof *items);
        if (!items)
            goto fail;
        c->items = items;
        if (c->type == JV_OBJ) {
            char **keys = realloc(c->keys, cap * sizeof *keys);
            if (!keys)
                goto fail;
            c->keys = keys;
        }
    }
    c->items[c->n] = item;
    if (c->type == JV_OBJ)
        c->keys[c->n] = key;
    c->n++;
    return 0;
fail:
    free(key);
    jv_free(item);
    return -1;
}

/* ---- JSON -------------------------------------------------------------------------- */

typedef struct jparser {
    const char *s, *end, *start;
    char *err;
    size_t errsz;
    int failed;
} jparser;

static void jfail(jparser *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    int n = snprintf(p->err, p->errsz, "col %ld: ", (long)(p->s - p->start) + 1);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < p->errsz)
        vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
    va_end(ap);
}

static void jws(jparser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static void put_utf8(char *out, size_t *n, unsigned long c)
{
    if (c < 0x80) {
        out[(*n)++] = (char)c;
    } else if (c < 0x800) {
        out[(*n)++] = (char)(0xc0 | (c >> 6));
        out[(*n)++] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out[(*n)++] = (char)(0xe0 | (c >> 12));
        out[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (c & 0x3f));
    } else {
        out[(*n)++] = (char)(0xf0 | (c >> 18));
        out[(*n)++] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (c & 0x3f));
    }
}

static int hex4(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)s[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v * 16 + (unsigned long)d;
    }
    *out = v;
    return 0;
}

/* A string at p->s (on the opening quote). Returns malloc'd UTF-8. */
static char *jstring(jparser *p)
{
    p->s++;
    const char *q = p->s;
    while (q < p->end && *q != '"') {
        if (*q == '\\')
            q++;
        q++;
    }
    if (q >= p->end) {
        jfail(p, "unterminated string");
        return NULL;
    }
    /* Escapes never make the text longer than the source. */
    char *out = malloc((size_t)(q - p->s) + 1);
    size_t n = 0;
    if (!out) {
        jfail(p, "out of memory");
        return NULL;
    }
    while (p->s < q) {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) {
            jfail(p, "control character in a string");
            goto fail;
        }
        if (c != '\\') {
            out[n++] = (char)c;
            p->s++;
            continue;
        }
        p->s++;
        char e = *p->s++;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned long c1, c2;
            if (q - p->s < 4 || hex4(p->s, &c1)) {
                jfail(p, "bad \\u escape");
                goto fail;
            }
            p->s += 4;
            if (c1 >= 0xd800 && c1 < 0xdc00 && q - p->s >= 6 && p->s[0] == '\\' &&
                p->s[1] == 'u' && !hex4(p->s + 2, &c2) && c2 >= 0xdc00 && c2 < 0xe000) {
                c1 = 0x10000 + ((c1 - 0xd800) << 10) + (c2 - 0xdc00);
                p->s += 6;
            } else if (c1 >= 0xd800 && c1 < 0xe000) {
                c1 = 0xfffd;          /* a lone surrogate */
            }
            if (c1 == 0) {
                jfail(p, "\\u0000 in a string");
                goto fail;
            }
            put_utf8(out, &n, c1);
            break;
        }
        default:
            jfail(p, "bad escape '\\%c'", e);
            goto fail;
        }
    }
    p->s = q + 1;
    out[n] = '\0';
    return out;
fail:
    free(out);
    return NULL;
}

static jv *jvalue(jparser *p, int depth);

static jv *jcontainer(jparser *p, int depth, int obj)
{
    jv *c = jv_new(obj ? JV_OBJ : JV_ARR);
    if (!c) {
        jfail(p, "out of memory");
        return NULL;
    }
    p->s++;
    jws(p);
    char close = obj ? '}' : ']';
    if (p->s < p->end && *p->s == close) {
        p->s++;
        return c;
    }
    for (;;) {
        char *key = NULL;
        jws(p);
        if (obj) {
            if (p->s >= p->end || *p->s != '"') {
                jfail(p, "expected a key");
                goto fail;
            }
            if (!(key = jstring(p)))
                goto fail;
            jws(p);
            if (p->s >= p->end || *p->s != ':') {
                free(key);
                jfail(p, "expected ':'");
                goto fail;
            }
            p->s++;
        }
        jv *item = jvalue(p, depth + 1);
        if (!item) {
            free(key);
            goto fail;
        }
        if (jv_push(c, key, item)) {
            jfail(p, "out of memory");
            goto fail;
        }
        jws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == close) {
            p->s++;
            return c;
        }
        jfail(p, "expected ',' or '%c'", close);
        goto fail;
    }
fail:
    jv_free(c);
    return NULL;
}

static jv *jvalue(jparser *p, int depth)
{
    jws(p);
    if (depth > JV_MAX_DEPTH) {
        jfail(p, "nested too deep");
        return NULL;
    }
    if (p->s >= p->end) {
        jfail(p, "unexpected end");
        return NULL;
    }
    char c = *p->s;
    if (c == '{' || c == '[')
        return jcontainer(p, depth, c == '{');
    if (c == '"') {
        char *s = jstring(p);
        jv *v = s ? jv_new(JV_STR) : NULL;
        if (!v) {
            free(s);
            jfail(p, "out of memory");
            return NULL;
        }
        v->s = s;
        return v;
    }
    static const struct { const char *word; jv_type t; int b; } words[] = {
        { "true", JV_BOOL, 1 }, { "false", JV_BOOL, 0 }, { "null", JV_NULL, 0 } };
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(p->end - p->s) >= n && !memcmp(p->s, words[i].word, n)) {
            p->s += n;
            jv *v = jv_new(words[i].t);
            if (!v)
                jfail(p, "out of memory");
            else
                v->b = words[i].b;
            return v;
        }
    }
    const char *q = p->s;
    if (q < p->end && *q == '-')
        q++;
    if (q >= p->end || !isdigit((unsigned char)*q)) {
        jfail(p, "unexpected '%c'", c);
        return NULL;
    }
    while (q < p->end && (isdigit((unsigned char)*q) || strchr(".eE+-", *q)))
        q++;
    jv *v = jv_new(JV_NUM);
    if (!v || !(v->s = strndup(p->s, (size_t)(q - p->s)))) {
        jv_free(v);
        jfail(p, "out of memory");
        return NULL;
    }
    char *endp;
    v->num = strtod(v->s, &endp);
    if (*endp) {
        jv_free(v);
        jfail(p, "bad number");
        return NULL;
    }
    p->s = q;
    return v;
}

jv *jv_parse(const char *text, size_t len, char *err, size_t errsz)
{
    jparser p = { text, text + len, text, err, errsz, 0 };
    jv *v = jvalue(&p, 0);
    if (v) {
        jws(&p);
        if (p.s < p.end) {
            jfail(&p, "text after the value");
            jv_free(v);
            v = NULL;
        }
    }
    return v;
}

/* ---- YAML (context files) ------------------------------------------------------------- */

/* A plain scalar as YAML 1.2's core schema reads it. */
static jv *yaml_scalar(const char *s, int plain)
{
    jv *v;
    if (plain) {
        if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
            !strcmp(s, "NULL"))
            return jv_new(JV_NULL);
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
            !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
            v = jv_new(JV_BOOL);
            if (v)
                v->b = s[0] == 't' || s[0] == 'T';
            return v;
        }
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (!*end && end != s && errno == 0 && (isdigit((unsigned char)s[0]) ||
            ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))) && isfinite(d)) {
            v = jv_new(JV_NUM);
            if (v && !(v->s = strdup(s))) {
                jv_free(v);
                return NULL;
            }
            if (v)
                v->num = d;
            return v;
        }
    }
    v = jv_new(JV_STR);
    if (v && !(v->s = strdup(s))) {
        jv_free(v);
        return NULL;
    }
    return v;
}

typedef struct yframe {
    jv   *c;
    char *key;       /* a mapping's pending key */
    int   want_key;
} yframe;

jv *jv_parse_file(const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t n = strlen(path);
    if (n >= 5 && !strcmp(path + n - 5, ".json")) {
        char *text = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
            if (len + 4096 > cap) {
                char *t = realloc(text, cap = cap * 2 + 8192);
                if (!t)
                    break;
                text = t;
            }
            size_t got = fread(text + len, 1, cap - len, f);
            len += got;
            if (got == 0)
                break;
        }
        fclose(f);
        char msg[256];
        jv *v = text ? jv_parse(text, len, msg, sizeof msg) : NULL;
        if (!v)
            snprintf(err, errsz, "%s: %s", path, text ? msg : "out of memory");
        free(text);
        return v;
    }
    yaml_parser_t yp;
    yaml_event_t ev;
    yframe stack[JV_MAX_DEPTH];
    int top = -1;
    jv *root = NULL;
    int done = 0, ok = 1;
    if (!yaml_parser_initialize(&yp)) {
        fclose(f);
        snprintf(err, errsz, "%s: out of memory", path);
        return NULL;
    }
    yaml_parser_set_input_file(&yp, f);
    while (!done && ok) {
        if (!yaml_parser_parse(&yp, &ev)) {
            snprintf(err, errsz, "%s:%lu: %s", path, (unsigned long)yp.problem_mark.line + 1,
                     yp.problem ? yp.problem : "YAML error");
            ok = 0;
            break;
        }
        jv *item = NULL;
        int open = 0;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_END_EVENT:
            done = root != NULL;     /* the first document only */
            break;
        case YAML_ALIAS_EVENT:
            snprintf(err, errsz, "%s:%lu: aliases are not supported in a context file", path,
                     (unsigned long)ev.start_mark.line + 1);
            ok = 0;
            break;
        case YAML_SCALAR_EVENT:
            item = yaml_scalar((const char *)ev.data.scalar.value,
                               ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
            if (!item)
                ok = 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            item = jv_new(ev.type == YAML_MAPPING_START_EVENT ? JV_OBJ : JV_ARR);
            open = 1;
            if (!item)
                ok = 0;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            top--;
            break;
        default:
            break;
        }
        if (item && ok) {
            if (top < 0) {
                root = item;
            } else {
                yframe *fr = &stack[top];
                if (fr->c->type == JV_OBJ && fr->want_key) {
                    /* A key: scalars by their text; anything else as JSON. */
                    fr->key = item->type == JV_STR || item->type == JV_NUM
                                  ? strdup(item->s) : item->type == JV_NULL ? strdup("null")
                                  : jv_text(item);
                    fr->want_key = 0;
                    if (open) {
                        snprintf(err, errsz, "%s:%lu: a mapping key must be a scalar", path,
                                 (unsigned long)ev.start_mark.line + 1);
                        ok = 0;
                    }
                    jv_free(item);
                    item = NULL;
                } else {
                    if (jv_push(fr->c, fr->key, item))
                        ok = 0;
                    fr->key = NULL;
                    fr->want_key = 1;
                }
            }
            if (ok && open && item) {
                if (top + 1 >= JV_MAX_DEPTH) {
                    snprintf(err, errsz, "%s: nested too deep", path);
                    ok = 0;
                } else {
                    stack[++top] = (yframe){ item, NULL, 1 };
                }
            }
        }
        yaml_event_delete(&ev);
    }
    if (!ok) {
        if (!*err)
            snprintf(err, errsz, "%s: out of memory", path);
        for (int i = 0; i <= top; i++)
            free(stack[i].key);
        jv_free(root);
        root = NULL;
    } else if (!root) {
        root = jv_new(JV_NULL);
    }
    yaml_parser_delete(&yp);
    fclose(f);
    return root;
}

/* ---- access ----------------------------------------------------------------------------- */

const jv *jv_get(const jv *obj, const char *key)
{
    if (!obj || obj->type != JV_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key))
            return obj->items[i];
    return NULL;
}

const char *jv_str(const jv *v)
{
    return v && v->type == JV_STR ? v->s : NULL;
}

const char *jv_get_str(const jv *obj, const char *key)
{
    return jv_str(jv_get(obj, key));
}

size_t jv_len(const jv *v)
{
    return v && (v->type == JV_ARR || v->type == JV_OBJ) ? v->n : 0;
}

const jv *jv_at(const jv *v, size_t i)
{
    return v && (v->type == JV_ARR || v->type == JV_OBJ) && i < v->n ? v->items[i] : NULL;
}

int jv_equal(const jv *a, const jv *b)
{
    char path[8] = "";
    return !jv_first_diff(a, b, path, sizeof path);
}

/* Appends ".key", or "[idx]" when key is NULL; a full path stays as it is. */
static void path_add(char *path, size_t sz, const char *key, size_t idx)
{
    size_t n = strlen(path);
    if (n + 1 >= sz)
        return;
    char part[64];
    if (key)
        snprintf(path + n, sz - n, "%s%s", n ? "." : "", key);
    else {
        snprintf(part, sizeof part, "[%zu]", idx);
        snprintf(path + n, sz - n, "%s", part);
    }
}

int jv_first_diff(const jv *a, const jv *b, char *path, size_t pathsz)
{
    if (!a || !b)
        return a != b;
    if (a->type != b->type)
        return 1;
    switch (a->type) {
    case JV_NULL: return 0;
    case JV_BOOL: return a->b != b->b;
    case JV_NUM:  return a->num != b->num;
    case JV_STR:  return strcmp(a->s, b->s) != 0;
    case JV_ARR:
        for (size_t i = 0; i < a->n && i < b->n; i++) {
            size_t keep = strlen(path);
            path_add(path, pathsz, NULL, i);
            if (jv_first_diff(a->items[i], b->items[i], path, pathsz))
                return 1;
            path[keep] = '\0';
        }
        return a->n != b->n;
    case JV_OBJ:
        for (size_t i = 0; i < a->n; i++) {
            size_t keep = strlen(path);
            path_add(path, pathsz, a->keys[i], 0);
            if (jv_first_diff(a->items[i], jv_get(b, a->keys[i]), path, pathsz))
                return 1;
            path[keep] = '\0';
        }
        for (size_t i = 0; i < b->n; i++)
            if (!jv_get(a, b->keys[i])) {
                path_add(path, pathsz, b->keys[i], 0);
                return 1;
            }
        return 0;
    }
    return 0;
}

const jv *jv_at_path(const jv *v, const char *path)
{
    const char *s = path;
    while (v && *s) {
        if (*s == '.') {
            s++;
            continue;
        }
        if (*s == '[') {
            char *end;
            unsigned long i = strtoul(s + 1, &end, 10);
            if (*end != ']')
                return NULL;
            v = v->type == JV_ARR ? jv_at(v, i) : NULL;
            s = end + 1;
            continue;
        }
        size_t n = strcspn(s, ".[");
        const jv *next = NULL;
        for (size_t i = 0; v->type == JV_OBJ && i < v->n; i++)
            if (strlen(v->keys[i]) == n && !memcmp(v->keys[i], s, n))
                next = v->items[i];
        v = next;
        s += n;
    }
    return v;
}

/* ---- writing ----------------------------------------------------------------------------- */

static void write_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void jv_write(FILE *f, const jv *v)
{
    if (!v) {
        fputs("null", f);
        return;
    }
    switch (v->type) {
    case JV_NULL: fputs("null", f); break;
    case JV_BOOL: fputs(v->b ? "true" : "false", f); break;
    case JV_NUM:  fputs(v->s, f); break;
    case JV_STR:  write_str(f, v->s); break;
    case JV_ARR:
    case JV_OBJ:
        fputc(v->type == JV_ARR ? '[' : '{', f);
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                fputc(',', f);
            if (v->type == JV_OBJ) {
                write_str(f, v->keys[i]);
                fputc(':', f);
            }
            jv_write(f, v->items[i]);
        }
        fputc(v->type == JV_ARR ? ']' : '}', f);
        break;
    }
}

char *jv_text(const jv *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    jv_write(f, v);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *jv_plain(const jv *v)
{
    if (v && v->type == JV_STR)
        return strdup(v->s);
    if (v && v->type == JV_ARR) {   /* a list of strings reads as "a, b" */
        int all_str = 1;
        size_t len = 1;
        for (size_t i = 0; i < v->n; i++) {
            all_str &= v->items[i]->type == JV_STR;
            if (all_str)
                len += strlen(v->items[i]->s) + 2;
        }
        if (all_str) {
            char *s = malloc(len);
            if (!s)
                return NULL;
            s[0] = '\0';
            for (size_t i = 0; i < v->n; i++) {
                if (i)
                    strcat(s, ", ");
                strcat(s, v->items[i]->s);
            }
            return s;
        }
    }
    return jv_text(v);
}

void cli_id_plain(const char *json, char *buf, size_t bufsz)
{
    size_t n = json ? strlen(json) : 0;
    if (n >= 2 && json[0] == '"' && !memchr(json + 1, '\\', n - 2))
        snprintf(buf, bufsz, "%.*s", (int)(n - 2), json + 1);
    else if (n >= 2 && json[0] == '"') {
        char err[64];
        jv *v = jv_parse(json, n, err, sizeof err);
        snprintf(buf, bufsz, "%s", v ? v->s : json);
        jv_free(v);
    } else
        snprintf(buf, bufsz, "%s", json ? json : "?");
}

long cli_getline(char **buf, size_t *cap, FILE *f)
{
    ssize_t n = getline(buf, cap, f);
    if (n < 0)
        return -1;
    while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
        (*buf)[--n] = '\0';
    return (long)n;
}
