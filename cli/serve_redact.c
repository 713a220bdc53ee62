/*
 * serve_redact.c: `gavel serve --redact PATH`: the decision log without
 * the named record fields in the evidence rules give (docs/serve.md,
 * "Redaction"). PATH is a dotted path of member names inside an evidence
 * object, lists being looked through: "handle" drops evidence.handle,
 * "posts.text" the text of every post the evidence lists. Every
 * "evidence" object of the decision (reasons, defeated, ...) is filtered;
 * the rest is written back as it was (the library's compact JSON).
 *
 * Calls gavel.h (values), cli.h (cli_json_string, cli_value_json) and the C
 * library.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

typedef struct redaction {
    const char *const *paths;
    size_t n;
    int    oom;       /* something was not written: no line rather than a wrong one */
} redaction;

static int redacted(const redaction *r, const char *path)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->paths[i], path))
            return 1;
    return 0;
}

static void put_leaf(FILE *f, const gavel_value *v, redaction *r)
{
    char *json = cli_value_json(v);
    if (json)
        fputs(json, f);
    else
        r->oom = 1;
    free(json);
}

/* v written back; `at` is its path inside an evidence object, or NULL
 * outside one. */
static void put(FILE *f, const gavel_value *v, redaction *r, const char *at)
{
    gavel_type t = gavel_value_type(v);
    if (t == GAVEL_ARRAY) {
        fputc('[', f);
        for (size_t i = 0; i < gavel_value_len(v); i++) {
            fputs(i ? "," : "", f);
            put(f, gavel_value_at(v, i), r, at);
        }
        fputc(']', f);
        return;
    }
    if (t != GAVEL_OBJECT) {
        put_leaf(f, v, r);
        return;
    }
    fputc('{', f);
    int first = 1;
    for (size_t i = 0; i < gavel_value_len(v); i++) {
        size_t klen;
        const char *key = gavel_value_key(v, i, &klen);
        const gavel_value *item = gavel_value_at(v, i);
        char *path = NULL;
        if (at) {
            size_t n = strlen(at) + klen + 2;
            if (!(path = malloc(n))) {
                r->oom = 1;
                continue;
            }
            snprintf(path, n, "%s%s%s", at, *at ? "." : "", key);
            if (redacted(r, path)) {
                free(path);
                continue;
            }
        }
        fputs(first ? "" : ",", f);
        first = 0;
        cli_json_string(f, key);
        fputc(':', f);
        int evidence = !at && !strcmp(key, "evidence") && gavel_value_type(item) == GAVEL_OBJECT;
        put(f, item, r, evidence ? "" : path);
        free(path);
    }
    fputc('}', f);
}

char *serve_redact(const char *json, size_t len, const char *const *paths, size_t n,
                   size_t *outlen)
{
    gavel_record *rec = gavel_record_new();
    char *text = NULL;
    FILE *f = rec ? open_memstream(&text, outlen) : NULL;
    if (!f || gavel_record_parse(rec, json, len, GAVEL_JSON, "decision", NULL) != GAVEL_OK) {
        if (f)
            fclose(f);
        free(text);
        gavel_record_free(rec);
        return NULL;
    }
    redaction r = { paths, n, 0 };
    put(f, gavel_record_value(rec), &r, NULL);
    fclose(f);
    gavel_record_free(rec);
    if (r.oom) {
        free(text);
        return NULL;
    }
    return text;
}
