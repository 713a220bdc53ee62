/*
 * fuzz_yaml.c: the YAML reader (yamlin.c, yamldoc.c) over libyaml's event API.
 *
 * For each input:
 *  1. gvyaml_open_buf with split_seq=1, records until the end or a broken
 *     stream, with small limits: every call makes progress, a record is
 *     within the limits and is valid as JSON (UTF-8, no NUL, finite numbers,
 *     unique keys: it must write out and read back through the strict JSON
 *     reader unchanged), a bad record says why and where.
 *  2. The same stream read from a FILE (the chunked path the command uses):
 *     the same sequence of results.
 *  3. gvyaml_load_buf: exactly one document, or an error.
 */
#include "fuzz_common.h"
#include "yamldoc.h"

enum { MAX_RESULTS = 4096 };

typedef struct result {
    int      rc;
    uint32_t line;
    char     text[64];    /* start of the record's JSON, or the message */
} result;

static result buf_results[MAX_RESULTS];

static size_t run_stream(gvyaml *y, size_t size, const gv_limits *lim, result *keep,
                         size_t nkeep, int compare)
{
    gv_arena a = GV_ARENA_INIT;
    size_t calls = 0;
    for (;;) {
        gv_value *v = (gv_value *)1;
        gv_error e = { 0 };
        int rc = gvyaml_next(y, &a, lim, &v, &e);
        calls++;
        /* libyaml makes at least one event per few bytes: a stream that
         * yields more results than that is not moving on. */
        FUZZ_CHECK(calls <= 2 * size + 8, "gvyaml_next called %zu times on %zu bytes",
                   calls, size);
        result r = { rc, 0, "" };
        if (rc == GVYAML_RECORD) {
            FUZZ_CHECK(v != NULL, "RECORD without a value");
            unsigned d = fuzz_depth(v);
            FUZZ_CHECK(d <= lim->max_depth, "record depth %u past the limit %u", d, lim->max_depth);
            FUZZ_CHECK(v->line >= 1, "record without a line");
            fuzz_check_roundtrip("YAML record", v, lim->max_depth);
            gv_buf b = GV_BUF_INIT;
            gv_write_json(&b, v);
            snprintf(r.text, sizeof r.text, "%s", b.ptr ? b.ptr : "");
            gv_buf_free(&b);
            r.line = v->line;
        } else {
            FUZZ_CHECK(v == NULL, "rc %d left a value", rc);
            FUZZ_CHECK(rc == GVYAML_END || rc == GVYAML_BAD || rc == GVYAML_BROKEN,
                       "unknown rc %d", rc);
            if (rc != GVYAML_END) {
                FUZZ_CHECK(e.msg[0] != '\0', "rc %d without a message", rc);
                snprintf(r.text, sizeof r.text, "%s", e.msg);
                r.line = e.line;
            }
        }
        if (calls <= nkeep) {
            if (compare) {
                const result *k = &keep[calls - 1];
                FUZZ_CHECK(k->rc == r.rc && strcmp(k->text, r.text) == 0,
                           "result %zu: buffer gave %d '%s' (line %u), file gave %d '%s' (line %u)",
                           calls, k->rc, k->text, k->line, r.rc, r.text, r.line);
            } else {
                keep[calls - 1] = r;
            }
        }
        gv_arena_reset(&a);
        if (rc == GVYAML_END || rc == GVYAML_BROKEN) {
            /* Both are sticky. */
            int again = gvyaml_next(y, &a, lim, &v, &e);
            FUZZ_CHECK(again == rc, "rc %d then %d", rc, again);
            break;
        }
    }
    gv_arena_free(&a);
    return calls;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gv_limits lim = fuzz_gv_limits();
    if (size > 0 && (data[0] & 1))
        lim.max_bytes = 256;        /* reach the record-size paths too */

    /* 1. A record stream over the buffer. */
    gvyaml *y = gvyaml_open_buf((const char *)data, size, 1);
    FUZZ_CHECK(y != NULL, "open_buf returned NULL");
    size_t n1 = run_stream(y, size, &lim, buf_results, MAX_RESULTS, 0);
    gvyaml_close(y);

    /* 2. The same stream from a FILE. */
    static char one[1];
    FILE *f = fmemopen(size ? (void *)data : one, size ? size : 1, "rb");
    if (f) {
        if (size == 0)
            fgetc(f);                 /* fmemopen cannot open an empty buffer */
        y = gvyaml_open_file(f, 1);
        FUZZ_CHECK(y != NULL, "open_file returned NULL");
        size_t n2 = run_stream(y, size, &lim, buf_results, n1 < MAX_RESULTS ? n1 : MAX_RESULTS, 1);
        FUZZ_CHECK(n1 == n2, "buffer gave %zu results, file gave %zu", n1, n2);
        gvyaml_close(y);
        fclose(f);
    }

    /* 3. One document. */
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };
    gv_value *v = gvyaml_load_buf((const char *)data, size, &a, &lim, &e);
    if (v)
        fuzz_check_roundtrip("YAML document", v, lim.max_depth);
    else
        FUZZ_CHECK(e.msg[0] != '\0', "load_buf failed without a message");
    gv_arena_free(&a);
    return 0;
}
