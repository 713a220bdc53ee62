/*
 * fuzz_lexicon.c: lexicon files and matching (lexicon.c, lexfind.c).
 *
 * The input up to its first NUL byte is a lexicon file, the rest is text
 * to search (with no NUL, the file is searched in itself). Checks: find
 * returns NULL or one of the lexicon's terms; every term is found in its
 * own text and between spaces; a find on any text stays linear (the
 * libFuzzer timeout catches the rest); and a union of the lexicon with
 * its odd and its even lines answers for each part on every text tried
 * exactly what the part alone does.
 */
#include "fuzz_common.h"
#include "lexicon.h"

/* The lines of the file at index parity (0 even, 1 odd). The file's byte
 * order mark, if any, is dropped first and the subset starts with a blank
 * line, so that no line of it is read as a byte order mark it was not. */
static gvlex *every_other_line(const char *file, size_t len, int parity)
{
    gv_buf b = GV_BUF_INIT;
    size_t i = 0;
    if (len >= 3 && memcmp(file, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    gv_buf_addc(&b, '\n');
    for (int line = 0; i < len; line++) {
        const char *nl = memchr(file + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (file + i)) + 1 : len - i;
        if (line % 2 == parity)
            gv_buf_add(&b, file + i, n);
        i += n;
    }
    gv_error e = { 0 };
    gvlex *lx = gvlex_parse(b.ptr ? b.ptr : "", b.len, &e);
    FUZZ_CHECK(lx != NULL, "a subset of good lines failed: %s", e.msg);
    gv_buf_free(&b);
    return lx;
}

static void check_union(const gvlex *u, gvlex *const *parts, const char *text, size_t len)
{
    const char *all[3];
    gvlex_find_all(u, text, len, all);
    for (int i = 0; i < 3; i++) {
        const char *one = gvlex_find(parts[i], text, len);
        FUZZ_CHECK(one == all[i], "part %d: alone '%s', in the union '%s'", i,
                   one ? one : "(none)", all[i] ? all[i] : "(none)");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t flen = nul ? (size_t)(nul - data) : size;
    const char *text = nul ? (const char *)nul + 1 : (const char *)data;
    size_t tlen = nul ? size - flen - 1 : size;

    gv_error e = { 0 };
    gvlex *lx = gvlex_parse((const char *)data, flen, &e);
    if (!lx) {
        FUZZ_CHECK(e.msg[0] != '\0', "parse failed without a message");
        FUZZ_CHECK(e.line >= 1, "parse error without a line: %s", e.msg);
        return 0;
    }
    size_t n = gvlex_count(lx);
    const char *hit = gvlex_find(lx, text, tlen);
    if (hit) {
        size_t i = 0;
        while (i < n && gvlex_term(lx, i) != hit)
            i++;
        FUZZ_CHECK(i < n, "find returned something that is not a term");
    }
    gv_buf b = GV_BUF_INIT;
    for (size_t i = 0; i < n && i < 64; i++) {
        const char *t = gvlex_term(lx, i);
        FUZZ_CHECK(t && t[0], "term %zu is empty", i);
        FUZZ_CHECK(gvlex_find(lx, t, strlen(t)) != NULL, "term '%s' not found in itself", t);
        gv_buf_reset(&b);
        gv_buf_adds(&b, "x ");
        gv_buf_adds(&b, t);
        gv_buf_adds(&b, " y");
        FUZZ_CHECK(gvlex_find(lx, b.ptr, b.len) != NULL, "term '%s' not found in '%s'", t, b.ptr);
    }

    gvlex *parts[3] = { lx, every_other_line((const char *)data, flen, 0),
                        every_other_line((const char *)data, flen, 1) };
    gvlex *u = gvlex_union((const gvlex *const *)parts, 3, &e);
    FUZZ_CHECK(u != NULL, "union failed: %s", e.msg);
    check_union(u, parts, text, tlen);
    for (size_t i = 0; i < n && i < 64; i++) {
        gv_buf_reset(&b);
        gv_buf_adds(&b, "x ");
        gv_buf_adds(&b, gvlex_term(lx, i));
        gv_buf_adds(&b, " y");
        check_union(u, parts, b.ptr, b.len);
    }
    gvlex_free(u);
    gvlex_free(parts[1]);
    gvlex_free(parts[2]);
    gv_buf_free(&b);
    gvlex_free(lx);
    return 0;
}
