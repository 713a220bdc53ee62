/*
 * test_lexicon.c: lexicon file parsing and term matching (lexicon.c, lexfind.c).
 *
 * Every test asserts the term that comes back, not just that something
 * did: matching rules (earliest start, then longest) are the contract.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lexicon.h"

/* ---- helpers ------------------------------------------------------------ */

static gvlex *lex(const char *src)
{
    gv_error err = { 0 };
    gvlex *lx = gvlex_parse(src, strlen(src), &err);
    if (!lx)
        fail_msg("parse failed at line %u: %s", err.line, err.msg);
    return lx;
}

static const char *find(const gvlex *lx, const char *text)
{
    return gvlex_find(lx, text, strlen(text));
}

#define assert_found(lx, text, want) do {      \
        const char *got_ = find(lx, text);        \
        assert_non_null(got_);                    \
        assert_string_equal(got_, want);          \
    } while (0)
#define assert_none(lx, text)        assert_null(find(lx, text))

/* Parses src expecting failure; returns the error line, checks the message. */
static uint32_t parse_error(const char *src, size_t len, const char *msg_part)
{
    gv_error err = { 0 };
    gvlex *lx = gvlex_parse(src, len, &err);
    assert_null(lx);
    assert_non_null(strstr(err.msg, msg_part));
    return err.line;
}

/* ---- ASCII -------------------------------------------------------------- */

static void test_ascii_case(void **state)
{
    (void)state;
    gvlex *lx = lex("burn\n");
    assert_found(lx, "we will BURN it", "burn");
    assert_found(lx, "bUrN", "burn");
    assert_found(lx, "burn", "burn");
    assert_none(lx, "bur n");
    assert_none(lx, "");
    gvlex_free(lx);

    lx = lex("BuRn\n");             /* returned as written in the file */
    assert_found(lx, "burn", "BuRn");
    gvlex_free(lx);
}

static void test_earliest_start(void **state)
{
    (void)state;
    gvlex *lx = lex("them\nburn\nalive\n");
    assert_found(lx, "burn them alive", "burn");
    assert_found(lx, "alive and them", "alive");
    assert_found(lx, "x them burn", "them");
    gvlex_free(lx);
}

static void test_tie_longest(void **state)
{
    (void)state;
    gvlex *lx = lex("burn\nburn them alive\nburn them\n");
    assert_found(lx, "we will burn them alive tonight", "burn them alive");
    assert_found(lx, "we will burn them later", "burn them");
    assert_found(lx, "we will burn things", "burn");
    assert_found(lx, "BURN THEM ALIV", "burn them");
    gvlex_free(lx);
}

static void test_overlapping(void **state)
{
    (void)state;
    /* The two overlap on "them"; the one that starts first wins, though
     * it is listed second. */
    gvlex *lx = lex("them alive\nburn them\n");
    assert_found(lx, "burn them alive", "burn them");
    assert_found(lx, "urn them alive", "them alive");
    gvlex_free(lx);

    /* A failed long candidate must not hide a shorter one inside it. */
    lx = lex("burn them alive\nthem\n");
    assert_found(lx, "burn them alike", "them");
    assert_none(lx, "sunburn");
    gvlex_free(lx);
}

/* ---- scripts ------------------------------------------------------------ */

static void test_hindi_punjabi(void **state)
{
    (void)state;
    gvlex *lx = lex("# Hindi, Punjabi, English\n"
                    "मार डालो\n"
                    "ਮਾਰ ਦਿਓ\n"
                    "kill\n");
    assert_found(lx, "bro उसे मार डालो lol", "मार डालो");
    assert_found(lx, "ਉਸ ਨੂੰ ਮਾਰ ਦਿਓ!!", "ਮਾਰ ਦਿਓ");
    assert_found(lx, "ਮਾਰ ਦਿਓ and मार डालो", "ਮਾਰ ਦਿਓ");
    assert_found(lx, "मार डालो, KILL", "मार डालो");
    assert_found(lx, "KILL, मार डालो", "kill");
    assert_none(lx, "मार दो");
    gvlex_free(lx);

    /* A vowel sign is a combining mark (Mc): "मार" does not end inside
     * "मारो" (maaro), whose last syllable is रो, not र. */
    lx = lex("मार\n");
    assert_found(lx, "उसे मार दो", "मार");
    assert_none(lx, "मारो");
    gvlex_free(lx);

    /* Nukta letters decompose canonically: precomposed U+0958 (क़) in the
     * term finds क + U+093C in the text, and plain क does not match क़. */
    lx = lex("\xE0\xA5\x98\n");
    assert_found(lx, "\xE0\xA4\x95\xE0\xA4\xBC", "\xE0\xA5\x98");
    gvlex_free(lx);
    lx = lex("क\n");
    assert_none(lx, "\xE0\xA5\x98");
    assert_none(lx, "\xE0\xA4\x95\xE0\xA4\xBC");
    gvlex_free(lx);
}

static void test_german(void **state)
{
    (void)state;
    gvlex *lx = lex("ÜBERFALL\n");
    assert_found(lx, "ein überfall!", "ÜBERFALL");
    assert_found(lx, "ein u\xCC\x88""berfall!", "ÜBERFALL");   /* u + U+0308 */
    assert_found(lx, "ÜberFALL", "ÜBERFALL");
    assert_none(lx, "ueberfall");
    assert_none(lx, "uberfall");
    gvlex_free(lx);

    lx = lex("straße\n");
    assert_found(lx, "STRASSE", "straße");
    assert_found(lx, "Strasse", "straße");
    assert_found(lx, "STRAẞE", "straße");                    /* U+1E9E */
    gvlex_free(lx);

    lx = lex("STRASSE\n");
    assert_found(lx, "die straße", "STRASSE");
    gvlex_free(lx);
}

static void test_greek_sigma(void **state)
{
    (void)state;
    gvlex *lx = lex("σοφός\n");
    assert_found(lx, "ΣΟΦΌΣ", "σοφός");
    assert_found(lx, "ο σοφόσ", "σοφός");
    assert_found(lx, "Σοφός", "σοφός");
    assert_none(lx, "σοφοσ");                 /* the accent is not optional */
    gvlex_free(lx);

    lx = lex("ΟΔΟΣ\n");
    assert_found(lx, "η οδος", "ΟΔΟΣ");
    assert_found(lx, "η οδοσ", "ΟΔΟΣ");
    gvlex_free(lx);
}

static void test_cyrillic(void **state)
{
    (void)state;
    gvlex *lx = lex("ПРИВЕТ\nёж\n");
    assert_found(lx, "ну привет всем", "ПРИВЕТ");
    assert_found(lx, "ПрИвЕт", "ПРИВЕТ");
    assert_found(lx, "Ёж", "ёж");
    assert_found(lx, "е\xCC\x88ж", "ёж");                     /* е + U+0308 */
    assert_none(lx, "еж");
    gvlex_free(lx);
}

/* ---- character boundaries ----------------------------------------------- */

static void test_combining_mark(void **state)
{
    (void)state;
    gvlex *lx = lex("u\n");
    assert_none(lx, "u\xCC\x88");            /* u + U+0308 */
    assert_none(lx, "ü");                    /* precomposed folds the same */
    assert_found(lx, "u\xCC\x88 u", "u");
    assert_found(lx, "ü\xCC\x88u", "u");     /* a later bare u still counts */
    gvlex_free(lx);

    /* The longer match at the same start is refused for the mark after
     * it; the shorter one stands. */
    lx = lex("u\nub\n");
    assert_found(lx, "ub\xCC\x88", "u");
    assert_found(lx, "ub!", "ub");
    gvlex_free(lx);

    lx = lex("e\ncafe\n");
    assert_none(lx, "café");                 /* é is e + U+0301 once folded */
    assert_none(lx, "cafe\xCC\x81");
    assert_found(lx, "café e", "e");
    assert_found(lx, "cafe\xCC\x81 cafe!", "cafe");
    gvlex_free(lx);
}

static void test_expansion_boundaries(void **state)
{
    (void)state;
    /* ß folds to "ss": a match may neither end nor start inside it. */
    gvlex *lx = lex("s\n");
    assert_none(lx, "ß");
    assert_found(lx, "ßs", "s");
    gvlex_free(lx);

    lx = lex("sen\n");
    assert_none(lx, "großen");
    assert_found(lx, "grossen", "sen");
    gvlex_free(lx);

    lx = lex("ss\n");
    assert_found(lx, "groß", "ss");
    gvlex_free(lx);

    lx = lex("fish\n");
    assert_found(lx, "\xEF\xAC\x81sh", "fish");   /* U+FB01 ﬁ folds to fi */
    gvlex_free(lx);

    /* A long term ("s" then 1500 ß, 3001 bytes folded) over a long run of
     * ß: its folded form occurs everywhere, but always starting inside a
     * ß, until an ASCII s shifts the parity. */
    enum { REPS = 1500 };
    char *term = malloc(2 * REPS + 3), *text = malloc(2 * 2 * REPS + 4);
    assert_non_null(term);
    assert_non_null(text);
    size_t n = 0;
    term[n++] = 's';
    for (int i = 0; i < REPS; i++, n += 2)
        memcpy(term + n, "ß", 2);
    term[n++] = '\n';
    term[n] = '\0';
    size_t m = 0;
    for (int i = 0; i < 2 * REPS; i++, m += 2)
        memcpy(text + m, "ß", 2);
    text[m] = '\0';
    lx = lex(term);
    assert_none(lx, text);
    text[2 * (REPS - 1)] = 's';              /* one ß becomes "s" + ... */
    memmove(text + 2 * (REPS - 1) + 1, text + 2 * REPS, m - 2 * REPS + 1);
    term[n - 1] = '\0';
    assert_found(lx, text, term);
    gvlex_free(lx);
    free(term);
    free(text);
}

static void test_ignorables(void **state)
{
    (void)state;
    gvlex *lx = lex("burn\n");
    assert_found(lx, "b\xC2\xAD""urn", "burn");            /* soft hyphen */
    assert_found(lx, "bu\xE2\x80\x8B""rn", "burn");        /* zero-width space */
    gvlex_free(lx);
}

static void test_invalid_text(void **state)
{
    (void)state;
    gvlex *lx = lex("burn\nüber\n");
    assert_found(lx, "\xFF\xFE\xC3 \xE2\x82 burn", "burn");
    assert_none(lx, "bu\xFFrn");
    assert_none(lx, "\xC3");                 /* truncated sequence at end */
    assert_none(lx, "\xED\xA0\x80");         /* surrogate */
    assert_found(lx, "\xC0\xAF\xF8\x80 \xC3\xBC""ber", "über");
    assert_found(lx, "burn\xC3", "burn");
    gvlex_free(lx);

    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(0x80 + (i * 7) % 128);
    gvlex *l2 = lex("burn\n");
    assert_null(gvlex_find(l2, junk, sizeof junk));
    memcpy(junk + 3000, "BURN", 4);
    assert_string_equal(gvlex_find(l2, junk, sizeof junk), "burn");
    gvlex_free(l2);
}

static void test_text_length_respected(void **state)
{
    (void)state;
    gvlex *lx = lex("burn\n");
    assert_null(gvlex_find(lx, "burn", 3));
    assert_string_equal(gvlex_find(lx, "burnt", 4), "burn");
    gvlex_free(lx);
}

/* ---- file format -------------------------------------------------------- */

static void test_file_format(void **state)
{
    (void)state;
    const char src[] = "\xEF\xBB\xBF"          /* BOM */
                       "# a comment\r\n"
                       "\r\n"
                       "  first term \t\r\n"
                       "   # indented comment\n"
                       "\n"
                       "\xC2\xA0second\xE3\x80\x80\n"  /* NBSP, ideographic space */
                       "third";                   /* no final newline */
    gv_error err = { 0 };
    gvlex *lx = gvlex_parse(src, sizeof src - 1, &err);
    assert_non_null(lx);
    assert_int_equal(gvlex_count(lx), 3);
    assert_string_equal(gvlex_term(lx, 0), "first term");
    assert_string_equal(gvlex_term(lx, 1), "second");
    assert_string_equal(gvlex_term(lx, 2), "third");
    assert_null(gvlex_term(lx, 3));
    assert_found(lx, "the FIRST TERM", "first term");
    assert_none(lx, "a comment, an indented comment");
    gvlex_free(lx);

    lx = lex("#only\n\n   \n");
    assert_int_equal(gvlex_count(lx), 0);
    gvlex_free(lx);
}

static void test_parse_errors(void **state)
{
    (void)state;
    const char bad_utf8[] = "ok\n# fine\nbad \xC3(\nnever\n";
    assert_int_equal(parse_error(bad_utf8, sizeof bad_utf8 - 1, "UTF-8"), 3);

    const char nul[] = "ok\r\nwith\0nul\r\n";
    assert_int_equal(parse_error(nul, sizeof nul - 1, "NUL"), 2);

    const char crlf[] = "\xEF\xBB\xBF" "a\r\nb\r\n\r\nc\r\n\xFF\r\n";
    assert_int_equal(parse_error(crlf, sizeof crlf - 1, "UTF-8"), 5);

    const char comment[] = "a\n# bad \xE2\x82 in a comment\n";
    assert_int_equal(parse_error(comment, sizeof comment - 1, "UTF-8"), 2);

    const char trunc[] = "a\nb\n\xF0\x9F\x98";
    assert_int_equal(parse_error(trunc, sizeof trunc - 1, "UTF-8"), 3);

    const char ignorable[] = "a\n\n\xE2\x80\x8B\xC2\xAD\n";  /* ZWSP, SHY */
    assert_int_equal(parse_error(ignorable, sizeof ignorable - 1, "nothing"), 3);

    /* 2048 ß fold to 4096 bytes, one past the limit. */
    char *big = malloc(3 + 4096 + 2);
    assert_non_null(big);
    memcpy(big, "a\n", 2);
    for (int i = 0; i < 2048; i++)
        memcpy(big + 2 + 2 * i, "ß", 2);
    memcpy(big + 2 + 4096, "\n", 2);
    assert_int_equal(parse_error(big, strlen(big), "too long"), 2);
    big[2 + 4094] = 'x';                     /* 2047 ß and an x: fits */
    big[2 + 4095] = '\n';
    gv_error err = { 0 };
    gvlex *lx = gvlex_parse(big, strlen(big), &err);
    assert_non_null(lx);
    assert_int_equal(gvlex_count(lx), 2);
    gvlex_free(lx);
    free(big);

    assert_null(gvlex_parse("x\n\xC3\xA9\xC3", 6, &err));
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 3);
}

static void test_empty(void **state)
{
    (void)state;
    gv_error err = { 0 };
    gvlex *lx = gvlex_parse("", 0, &err);
    assert_non_null(lx);
    assert_int_equal(gvlex_count(lx), 0);
    assert_null(gvlex_term(lx, 0));
    assert_none(lx, "anything at all");
    assert_null(gvlex_find(lx, "", 0));
    gvlex_free(lx);
    gvlex_free(NULL);
}

static void test_dedup(void **state)
{
    (void)state;
    gvlex *lx = lex("Burn\nburn\nBURN\nstraße\nSTRASSE\n"
                    "Über\nu\xCC\x88""ber\nσοφός\nΣΟΦΌΣ\nburn them\n");
    assert_int_equal(gvlex_count(lx), 5);
    assert_string_equal(gvlex_term(lx, 0), "Burn");
    assert_string_equal(gvlex_term(lx, 1), "straße");
    assert_string_equal(gvlex_term(lx, 2), "Über");
    assert_string_equal(gvlex_term(lx, 3), "σοφός");
    assert_string_equal(gvlex_term(lx, 4), "burn them");
    assert_found(lx, "burn", "Burn");
    assert_found(lx, "strasse", "straße");
    gvlex_free(lx);
}

/* ---- scale -------------------------------------------------------------- */

/* Term i: letters from a bijective hash of i (so all distinct and sharing
 * prefixes the way real words do), some with Latin, Cyrillic or Devanagari
 * tails. */
static size_t gen_term(char *out, uint32_t i)
{
    static const char *tails[] = { "", "é", "ция", "ाना", "", "ß" };
    uint32_t h = i * 2654435761u;
    size_t n = 0;
    do {
        out[n++] = (char)('a' + h % 26);
        h /= 26;
    } while (h);
    n += (size_t)sprintf(out + n, "%s", tails[i % 6]);
    return n;
}

static void test_large(void **state)
{
    (void)state;
    enum { N = 100000 };
    char *src = malloc((size_t)N * 24 + 64);
    assert_non_null(src);
    size_t len = 0;
    for (uint32_t i = 0; i < N; i++) {
        len += gen_term(src + len, i);
        src[len++] = '\n';
    }
    char t0[32];
    size_t n0 = gen_term(t0, 0);
    memcpy(src + len, t0, n0);               /* a duplicate at the end */
    len += n0;

    clock_t c0 = clock();
    gv_error err = { 0 };
    gvlex *lx = gvlex_parse(src, len, &err);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    assert_non_null(lx);
    print_message("100k terms built in %.3f s\n", secs);
    assert_int_equal(gvlex_count(lx), N);

    char want[32], text[128];
    size_t nw = gen_term(want, 77777);
    want[nw] = '\0';
    assert_string_equal(gvlex_term(lx, 77777), want);
    snprintf(text, sizeof text, "... %s ...", want);
    assert_string_equal(find(lx, text), want);

    /* Upper-cased ASCII part still matches. */
    for (size_t k = 4; k < 4 + nw && (unsigned char)text[k] < 0x80; k++)
        if (text[k] >= 'a' && text[k] <= 'z')
            text[k] = (char)(text[k] - 32);
    assert_string_equal(find(lx, text), want);

    /* Digits and punctuation occur in no term. */
    assert_null(find(lx, "0123456789 !?. 42 -- 17"));
    gvlex_free(lx);
    free(src);
}

/* ---- unions -------------------------------------------------------------- */

/* A union answers for each part exactly what the part alone would. */
static void assert_union_agrees(gvlex *const *parts, size_t n, const gvlex *u,
                                const char *text, size_t len)
{
    const char *all[GVLEX_UNION_MAX];
    gvlex_find_all(u, text, len, all);
    for (size_t i = 0; i < n; i++) {
        const char *one = gvlex_find(parts[i], text, len);
        if (one != all[i])
            fail_msg("part %zu of \"%.*s\": alone '%s', in the union '%s'", i, (int)len,
                     text, one ? one : "(none)", all[i] ? all[i] : "(none)");
    }
}

static void test_union(void **state)
{
    (void)state;
    /* The same folded term in two parts comes back as each part wrote it;
     * a part that matches nothing gets NULL; an empty part is allowed. */
    gvlex *parts[4] = { lex("kill\nStraße\nu\n"), lex("KILL\nsecede\nss\nub\n"),
                        lex(""), lex("e\ncafe\n") };
    gv_error err = { 0 };
    gvlex *u = gvlex_union((const gvlex *const *)parts, 4, &err);
    assert_non_null(u);
    const char *all[GVLEX_UNION_MAX];
    const char *text = "We will KiLL the STRASSE ub\xCC\x88 to secede, café";
    gvlex_find_all(u, text, strlen(text), all);
    assert_string_equal(all[0], "kill");
    assert_string_equal(all[1], "KILL");
    assert_null(all[2]);
    assert_string_equal(all[3], "e");
    assert_union_agrees(parts, 4, u, text, strlen(text));
    assert_null(gvlex_find(u, text, strlen(text)));   /* a union is not a lexicon */

    /* Each part's own rules: earliest start, then longest; not inside ß;
     * not before a combining mark. */
    static const char *const texts[] = {
        "ß", "ßs", "ub\xCC\x88", "ub!", "straße", "u\xCC\x88 u", "", "secedes",
        "cafe\xCC\x81 cafe!", "\xFF kill \xFF", "xkillx", "SS", "uu",
    };
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
        assert_union_agrees(parts, 4, u, texts[k], strlen(texts[k]));
    gvlex_free(u);

    assert_null(gvlex_union((const gvlex *const *)parts, 0, &err));
    assert_non_null(strstr(err.msg, "1 to"));
    for (int i = 0; i < 4; i++)
        gvlex_free(parts[i]);
}

/* Random lexicons and texts over an alphabet of the hard cases: case, ß
 * (folds to ss), ü and u + U+0308, final sigma, a soft hyphen (ignored),
 * a byte that is not UTF-8. The union must agree with every part. */
static void test_union_random(void **state)
{
    (void)state;
    static const char *const alpha[] = {
        "s", "S", "u", "b", "e", "ß", "ü", "\xCC\x88", "σ", "ς", "\xC2\xAD", " ", "\xFF",
    };
    enum { NA = sizeof alpha / sizeof *alpha, NP = 5, ROUNDS = 40, TEXTS = 500 };
    uint32_t seed = 20210204;
#define RAND(n) ((seed = seed * 1103515245u + 12345u) >> 16) % (n)
    for (int round = 0; round < ROUNDS; round++) {
        gvlex *parts[NP];
        for (int i = 0; i < NP; i++) {
            char src[512];
            size_t len = 0;
            for (unsigned t = RAND(8); t > 0; t--) {
                for (unsigned c = 1 + RAND(4); c > 0; c--) {
                    const char *a = alpha[RAND(NA - 3)];   /* terms: no space, NUL, bad byte */
                    memcpy(src + len, a, strlen(a));
                    len += strlen(a);
                }
                src[len++] = '\n';
            }
            gv_error err = { 0 };
            parts[i] = gvlex_parse(src, len, &err);
            if (!parts[i]) {                /* a term of soft hyphens only */
                assert_non_null(strstr(err.msg, "folds to nothing"));
                parts[i] = lex("");
            }
        }
        gv_error err = { 0 };
        gvlex *u = gvlex_union((const gvlex *const *)parts, NP, &err);
        assert_non_null(u);
        for (int k = 0; k < TEXTS; k++) {
            char text[256];
            size_t len = 0;
            for (unsigned c = RAND(24); c > 0; c--) {
                const char *a = alpha[RAND(NA)];
                memcpy(text + len, a, strlen(a));
                len += strlen(a);
            }
            assert_union_agrees(parts, NP, u, text, len);
        }
        gvlex_free(u);
        for (int i = 0; i < NP; i++)
            gvlex_free(parts[i]);
    }
#undef RAND
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_case),
        cmocka_unit_test(test_earliest_start),
        cmocka_unit_test(test_tie_longest),
        cmocka_unit_test(test_overlapping),
        cmocka_unit_test(test_hindi_punjabi),
        cmocka_unit_test(test_german),
        cmocka_unit_test(test_greek_sigma),
        cmocka_unit_test(test_cyrillic),
        cmocka_unit_test(test_combining_mark),
        cmocka_unit_test(test_expansion_boundaries),
        cmocka_unit_test(test_ignorables),
        cmocka_unit_test(test_invalid_text),
        cmocka_unit_test(test_text_length_respected),
        cmocka_unit_test(test_file_format),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_union),
        cmocka_unit_test(test_union_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
