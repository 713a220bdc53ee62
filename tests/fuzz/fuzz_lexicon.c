/*
 * fuzz_lexicon.c: lexicon files and matching (lexicon.c).
 *
 * The input up to its first NUL byte is a lexicon file, the rest is text
 * to search (with no NUL, the file is searched in itself). Checks: find
 * returns NULL or one of the lexicon's terms; every term is found in its
 * own text and between spaces; and a find on any text stays linear (the
 * libFuzzer timeout catches the rest).
 */
#include "fuzz_common.h"
#include "lexicon.h"

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
    gv_buf_free(&b);
    gvlex_free(lx);
    return 0;
}
