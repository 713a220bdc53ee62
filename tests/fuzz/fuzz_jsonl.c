/*
 * fuzz_jsonl.c: the strict JSON reader (json.c) and the record readers over
 * it (record.c: JSON Lines and .json).
 *
 * For each input:
 *  1. gvjson_parse over the whole input with small limits; a value it
 *     returns must write out as JSON that reads back to the same text, and
 *     an error must have a position and a message.
 *  2. gvjson_parse over each line, as the JSON Lines reader would call it.
 *  3. gavel_reader over the input as a JSON Lines file: no line is lost (one
 *     record per line that is not blank) and every record either parsed or
 *     says why not.
 *  4. gavel_reader over the input as a .json file.
 */
#include "fuzz_common.h"
#include "json.h"
#include "record.h"
#include "value.h"

static void check_value(const char *what, const gv_value *v, const gv_error *e,
                        const gv_limits *lim)
{
    if (!v) {
        FUZZ_CHECK(e->msg[0] != '\0', "%s: failed without a message", what);
        FUZZ_CHECK(e->line >= 1, "%s: error without a line: %s", what, e->msg);
        return;
    }
    unsigned d = fuzz_depth(v);
    FUZZ_CHECK(d <= lim->max_depth, "%s: depth %u past the limit %u", what, d, lim->max_depth);
    fuzz_check_roundtrip(what, v, lim->max_depth);
}

static int blank(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static void read_all(const uint8_t *data, size_t size, gavel_format format,
                     const gavel_limits *lim, uint64_t *nrec)
{
    int fd;
    const char *path = fuzz_memfile(data, size, &fd);
    gavel_reader *rd = gavel_reader_open(path, format, lim);
    FUZZ_CHECK(rd != NULL, "reader_open returned NULL");
    FUZZ_CHECK(gavel_reader_status(rd) == GAVEL_OK, "reader_open: %s", gavel_reader_errmsg(rd));
    gavel_record *r = gavel_record_new();
    uint64_t n = 0;
    int st;
    while ((st = gavel_reader_next(rd, r)) == 1) {
        n++;
        FUZZ_CHECK(gavel_record_position(r) == n, "position %llu for record %llu",
                   (unsigned long long)gavel_record_position(r), (unsigned long long)n);
        const char *err = gavel_record_errmsg(r);
        FUZZ_CHECK((r->root != NULL) != (err != NULL), "record %llu: root %p, error %s",
                   (unsigned long long)n, (void *)r->root, err ? err : "(none)");
        FUZZ_CHECK(gavel_record_where(r)[0] != '\0', "record %llu has no where",
                   (unsigned long long)n);
        if (r->root)
            fuzz_check_roundtrip("reader record", r->root, 1000);
        FUZZ_CHECK(n <= size + 1, "more records than bytes");
    }
    FUZZ_CHECK(st == 0, "reader_next: %d (%s)", st, gavel_reader_errmsg(rd));
    gavel_record_free(r);
    gavel_reader_free(rd);
    close(fd);
    *nrec = n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gv_limits lim = fuzz_gv_limits();
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };

    /* 1. The whole input as one JSON text. */
    gv_value *v = gvjson_parse((const char *)data, size, 1, &a, &lim, &e);
    check_value("whole input", v, &e, &lim);
    gv_arena_reset(&a);

    /* 2. Each line, with its line number, as one JSON text. */
    uint32_t line = 1;
    size_t nonblank = 0, overlong_blank = 0;
    gavel_limits glim;
    fuzz_gavel_limits(&glim);
    glim.record_bytes = size > 0 && (data[0] & 1) ? 64 : 4096;
    for (size_t at = 0; at < size || (at == size && size == 0); line++) {
        const uint8_t *nl = size ? memchr(data + at, '\n', size - at) : NULL;
        size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
        if (blank(data + at, len)) {
            if (len > glim.record_bytes)
                overlong_blank++;
        } else {
            nonblank++;
        }
        size_t n = len && data[at + len - 1] == '\r' ? len - 1 : len;
        memset(&e, 0, sizeof e);
        v = gvjson_parse((const char *)data + at, n, line, &a, &lim, &e);
        check_value("line", v, &e, &lim);
        if (!v)
            FUZZ_CHECK(e.line == line, "error on line %u reported at line %u", line, e.line);
        gv_arena_reset(&a);
        at += len + (nl ? 1 : 0);
        if (size == 0)
            break;
    }
    gv_arena_free(&a);

    /* 3. The JSON Lines reader: one record per non-blank line. */
    uint64_t nrec;
    read_all(data, size, GAVEL_JSONL, &glim, &nrec);
    FUZZ_CHECK(nrec >= nonblank && nrec <= nonblank + overlong_blank,
               "JSON Lines: %llu records from %zu non-blank lines (%zu blank lines past the limit)",
               (unsigned long long)nrec, nonblank, overlong_blank);

    /* 4. A .json file: a value, or an array of records. */
    fuzz_gavel_limits(&glim);
    read_all(data, size, GAVEL_JSON, &glim, &nrec);
    return 0;
}
