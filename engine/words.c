/*
 * words.c: the word view of a text, for lexicons matched on whole words
 * (`lexicons: {name: {file: ..., match: words}}`).
 *
 * A text becomes its words separated by a byte no term or text can hold as
 * such (0x01), with one before the first word and one after the last:
 * "Burn them, NOW!" -> "\1Burn\1them\1NOW\1". Terms get the same treatment,
 * so the substring automaton finds "\1burn\1them\1" only at word boundaries:
 * "kill" no longer matches "skill" or "killed". (A phrase is still found
 * inside a longer one: "kill the" is in "kill the bill".)
 *
 * A word character is a letter, a number or a mark (Unicode categories L,
 * N, M), so Devanagari and Gurmukhi vowel signs stay inside their words.
 * Calls utf8proc (categories), buf.h and libc only.
 */
#include "words.h"
#include "buf.h"

#include <string.h>
#include <utf8proc.h>

static int is_word_cp(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

void gvwords_append(gv_buf *out, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    int in_word = 0;
    gv_buf_addc(out, GVWORDS_SEP);
    for (size_t i = 0; i < len;) {
        int k = gv_utf8_seq(s + i, len - i);
        int word;
        if (k == 0) {
            word = 0;                  /* an invalid byte separates */
            k = 1;
        } else if (s[i] < 0x80) {
            unsigned char c = s[i];
            word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        } else {
            utf8proc_int32_t cp;
            utf8proc_iterate(s + i, k, &cp);
            word = is_word_cp(cp);
        }
        if (word) {
            gv_buf_add(out, s + i, (size_t)k);
            in_word = 1;
        } else if (in_word) {
            gv_buf_addc(out, GVWORDS_SEP);
            in_word = 0;
        }
        i += (size_t)k;
    }
    if (in_word)
        gv_buf_addc(out, GVWORDS_SEP);
}

/* A lexicon file in word form: each term line as words; comments and blank
 * lines as they were, so line numbers in errors stay true. */
char *gvwords_lexicon(const char *text, size_t len, size_t *outlen)
{
    gv_buf out = GV_BUF_INIT;
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t' || line[lead] == '\r'))
            lead++;
        if (lead == n || line[lead] == '#') {
            gv_buf_add(&out, line, n);
        } else {
            size_t at = out.len;
            gvwords_append(&out, line, n);
            if (out.len == at + 1)       /* no word at all: keep it, so the  */
                gv_buf_add(&out, line, n);   /* parser reports it, not us */
        }
        if (nl)
            gv_buf_addc(&out, '\n');
        line += n + (nl ? 1 : 0);
    }
    if (out.oom) {
        gv_buf_free(&out);
        return NULL;
    }
    return gv_buf_detach(&out, outlen);
}
