/*
 * value.c: what the CLI needs on top of the library's value accessors
 * (gavel.h, "values") to read back decision lines (report, replay) and
 * context files (notices): one decision line parsed into a record, where
 * two values first differ (as a path) and the value a path names, and a
 * value as text, for JSON output or for a person. Every value is the
 * library's: one JSON reader and one YAML schema for the whole program.
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

long cli_getline(char **buf, size_t *cap, FILE *f)
{
    ssize_t n = getline(buf, cap, f);
    if (n < 0)
        return -1;
    while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
        (*buf)[--n] = '\0';
    return (long)n;
}

int cli_each_line(FILE *f, const char *path, cli_line_fn *fn, void *ctx)
{
    char *buf = NULL;
    size_t cap = 0;
    long len, lineno = 0;
    int rc = 0;
    while (rc == 0 && (len = cli_getline(&buf, &cap, f)) >= 0) {
        lineno++;
        if (strspn(buf, " \t") != (size_t)len)
            rc = fn(ctx, lineno, buf, len);
    }
    if (rc == 0 && ferror(f)) {
        cli_error("%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}

/* A decision line is what gavel wrote: no record limits apply to it, only a
 * depth bound, so a hostile line cannot exhaust the stack. */
static const gavel_limits line_limits = {
    .record_bytes = (size_t)1 << 40, .depth = 256, .nodes = (size_t)1 << 40,
    .string_bytes = (size_t)1 << 40 };

const gavel_value *cli_parse_line(gavel_record *rec, const char *line, size_t len,
                                  char *err, size_t errsz)
{
    if (gavel_record_parse(rec, line, len, GAVEL_JSON, "line", &line_limits) == GAVEL_OK)
        return gavel_record_value(rec);
    /* "line:1:COL: why" (the name given above): the caller says which line. */
    const char *msg = gavel_record_errmsg(rec);
    if (!msg)
        msg = "out of memory";
    else if (!strncmp(msg, "line:1:", 7))
        msg += 7;
    snprintf(err, errsz, "col %s", msg);
    return NULL;
}

const char *cli_str(const gavel_value *obj, const char *key)
{
    return gavel_value_string(gavel_value_get(obj, key), NULL);
}

static int is_number(const gavel_value *v)
{
    return gavel_value_type(v) == GAVEL_INT || gavel_value_type(v) == GAVEL_FLOAT;
}

/* Numbers by value (2 and 2.0 are the same), strings by bytes. */
static int scalars_differ(const gavel_value *a, const gavel_value *b)
{
    if (is_number(a) && is_number(b)) {
        if (gavel_value_type(a) == GAVEL_INT && gavel_value_type(b) == GAVEL_INT)
            return gavel_value_int(a) != gavel_value_int(b);
        return gavel_value_float(a) != gavel_value_float(b);
    }
    if (gavel_value_type(a) != gavel_value_type(b))
        return 1;
    size_t na, nb;
    const char *sa = gavel_value_string(a, &na), *sb = gavel_value_string(b, &nb);
    if (sa)
        return na != nb || memcmp(sa, sb, na) != 0;
    return gavel_value_bool(a) != gavel_value_bool(b);
}

/* Appends ".key" ("key" at the start), or "[idx]" when key is NULL; a full
 * path stays as it is. */
static void path_add(char *path, size_t sz, const char *key, size_t idx)
{
    size_t n = strlen(path);
    if (n + 1 >= sz)
        return;
    if (key)
        snprintf(path + n, sz - n, "%s%s", n ? "." : "", key);
    else
        snprintf(path + n, sz - n, "[%zu]", idx);
}

int cli_value_first_diff(const gavel_value *a, const gavel_value *b, char *path, size_t pathsz)
{
    if (!a || !b)
        return a != b;
    gavel_type t = gavel_value_type(a);
    if (t != GAVEL_ARRAY && t != GAVEL_OBJECT)
        return scalars_differ(a, b);
    if (gavel_value_type(b) != t)
        return 1;
    size_t na = gavel_value_len(a), nb = gavel_value_len(b);
    for (size_t i = 0; i < na && (t == GAVEL_OBJECT || i < nb); i++) {
        size_t keep = strlen(path);
        const char *key = gavel_value_key(a, i, NULL);
        path_add(path, pathsz, key, i);
        if (cli_value_first_diff(gavel_value_at(a, i),
                                 key ? gavel_value_get(b, key) : gavel_value_at(b, i),
                                 path, pathsz))
            return 1;
        path[keep] = '\0';
    }
    if (t == GAVEL_ARRAY)
        return na != nb;
    for (size_t i = 0; i < nb; i++) {
        const char *key = gavel_value_key(b, i, NULL);
        if (!gavel_value_get(a, key)) {
            path_add(path, pathsz, key, 0);
            return 1;
        }
    }
    return 0;
}

const gavel_value *cli_value_at_path(const gavel_value *v, const char *path)
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
            v = gavel_value_type(v) == GAVEL_ARRAY ? gavel_value_at(v, i) : NULL;
            s = end + 1;
            continue;
        }
        size_t n = strcspn(s, ".["), klen;
        const gavel_value *next = NULL;
        for (size_t i = 0; i < gavel_value_len(v); i++) {
            const char *key = gavel_value_key(v, i, &klen);
            if (key && klen == n && !memcmp(key, s, n))
                next = gavel_value_at(v, i);
        }
        v = next;
        s += n;
    }
    return v;
}

const gavel_value *cli_value_at_dotted(const gavel_value *v, const char *path)
{
    for (const char *s = path; v && *s;) {
        size_t n = strcspn(s, "."), klen;
        const gavel_value *next = NULL;
        if (gavel_value_type(v) == GAVEL_ARRAY) {
            char *end;
            unsigned long i = strtoul(s, &end, 10);
            next = end == s + n && i >= 1 ? gavel_value_at(v, i - 1) : NULL;
        }
        for (size_t i = 0; gavel_value_type(v) == GAVEL_OBJECT && i < gavel_value_len(v); i++) {
            const char *key = gavel_value_key(v, i, &klen);
            if (key && klen == n && !memcmp(key, s, n))
                next = gavel_value_at(v, i);
        }
        v = next;
        s += n + (s[n] == '.');
    }
    return v;
}

int cli_dotted_path_ok(const char *path)
{
    size_t n = strlen(path);
    return n && path[0] != '.' && path[n - 1] != '.' && !strstr(path, "..");
}

char *cli_value_json(const gavel_value *v)
{
    size_t len = gavel_value_json(v, NULL, 0);
    char *t = len ? malloc(len + 1) : NULL;
    if (t)
        gavel_value_json(v, t, len + 1);
    return t;
}

char *cli_value_text(const gavel_value *v)
{
    const char *s = gavel_value_string(v, NULL);
    return s ? strdup(s) : cli_value_json(v);
}

char *cli_value_plain(const gavel_value *v)
{
    size_t n = gavel_value_len(v), len = 1;
    int all_str = gavel_value_type(v) == GAVEL_ARRAY;
    for (size_t i = 0; i < n && all_str; i++) {
        const char *s = gavel_value_string(gavel_value_at(v, i), NULL);
        all_str = s != NULL;
        len += all_str ? strlen(s) + 2 : 0;
    }
    if (!all_str)
        return cli_value_text(v);
    char *out = malloc(len);        /* a list of strings reads as "a, b" */
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, gavel_value_string(gavel_value_at(v, i), NULL));
    }
    return out;
}
