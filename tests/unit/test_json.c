/*
 * test_json.c: the strict JSON reader (engine/json.c), statement by
 * statement of json.h: values and their links, escapes, every error class
 * with its message and position, and the limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static gv_arena arena = GV_ARENA_INIT;
static gv_error err;

static int teardown(void **state)
{
    (void)state;
    gv_arena_free(&arena);
    return 0;
}

static gv_value *parse_n(const char *s, size_t n, uint32_t line0, const gv_limits *lim)
{
    memset(&err, 0, sizeof err);
    return gvjson_parse(s, n, line0, &arena, lim, &err);
}

static gv_value *parse(const char *s)
{
    gv_value *v = parse_n(s, strlen(s), 1, NULL);
    if (!v)
        print_error("unexpected error: %u:%u: %s\n", err.line, err.col, err.msg);
    return v;
}

/* The text must fail with exactly this message at this line and column. */
static void check_error_n(const char *s, size_t n, const gv_limits *lim,
                          const char *msg, uint32_t line, uint32_t col)
{
    gv_value *v = parse_n(s, n, 1, lim);
    assert_null(v);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
}

static void check_error(const char *s, const char *msg, uint32_t line, uint32_t col)
{
    check_error_n(s, strlen(s), NULL, msg, line, col);
}

static const gv_value *item(const gv_value *arr, uint32_t i)
{
    assert_int_equal(arr->type, GV_ARR);
    assert_true(i < arr->len);
    return arr->u.items[i];
}

/* ---- values ------------------------------------------------------------- */

static void test_scalars(void **state)
{
    (void)state;
    gv_value *v;
    assert_non_null(v = parse("true"));
    assert_int_equal(v->type, GV_BOOL);
    assert_int_equal(v->u.b, 1);
    assert_non_null(v = parse("false"));
    assert_int_equal(v->type, GV_BOOL);
    assert_int_equal(v->u.b, 0);
    assert_non_null(v = parse("null"));
    assert_int_equal(v->type, GV_NULL);
    assert_non_null(v = parse(" \t\r\n 42 \n"));
    assert_int_equal(v->type, GV_INT);
    assert_int_equal(v->u.i, 42);
    assert_int_equal(v->line, 2);
    assert_int_equal(v->col, 2);
    assert_null(v->parent);
    assert_non_null(v = parse("\"hi\""));
    assert_int_equal(v->type, GV_STR);
    assert_int_equal(v->len, 2);
    assert_string_equal(v->u.s, "hi");
    assert_non_null(v = parse("\"\""));
    assert_int_equal(v->len, 0);
    assert_string_equal(v->u.s, "");
}

static void test_nested_links(void **state)
{
    (void)state;
    const char *src =
        "{\"a\": [1, {\"b\": \"x\"}],\n"
        " \"c\": {}, \"d\": []}";
    gv_value *root = parse_n(src, strlen(src), 10, NULL);
    assert_non_null(root);
    assert_int_equal(root->type, GV_OBJ);
    assert_int_equal(root->len, 3);
    assert_int_equal(root->line, 10);
    assert_int_equal(root->col, 1);
    assert_string_equal(root->u.members[0].key, "a");
    assert_int_equal(root->u.members[0].klen, 1);
    assert_string_equal(root->u.members[2].key, "d");

    const gv_value *a = gv_gets(root, "a");
    assert_non_null(a);
    assert_int_equal(a->type, GV_ARR);
    assert_int_equal(a->len, 2);
    assert_ptr_equal(a->parent, root);
    assert_int_equal(a->index, 0);
    assert_int_equal(a->col, 7);

    const gv_value *one = item(a, 0), *inner = item(a, 1);
    assert_int_equal(one->u.i, 1);
    assert_ptr_equal(one->parent, a);
    assert_int_equal(one->index, 0);
    assert_ptr_equal(inner->parent, a);
    assert_int_equal(inner->index, 1);
    assert_int_equal(inner->col, 11);

    const gv_value *b = gv_gets(inner, "b");
    assert_string_equal(b->u.s, "x");
    assert_ptr_equal(b->parent, inner);
    assert_int_equal(b->index, 0);
    assert_int_equal(b->line, 10);
    assert_int_equal(b->col, 17);

    const gv_value *c = gv_gets(root, "c"), *d = gv_gets(root, "d");
    assert_int_equal(c->type, GV_OBJ);
    assert_int_equal(c->len, 0);
    assert_int_equal(c->line, 11);
    assert_int_equal(c->col, 7);
    assert_int_equal(c->index, 1);
    assert_int_equal(d->type, GV_ARR);
    assert_int_equal(d->len, 0);
    assert_int_equal(d->index, 2);
    assert_null(gv_gets(root, "zz"));
}

static void test_big_array(void **state)
{
    (void)state;
    enum { N = 20000 };
    char *s = malloc(N * 8 + 8), *p = s;
    *p++ = '[';
    for (int i = 0; i < N; i++)
        p += sprintf(p, i ? ",[%d]" : "[%d]", i);
    *p++ = ']';
    gv_value *v = parse_n(s, (size_t)(p - s), 1, NULL);
    assert_non_null(v);
    assert_int_equal(v->len, N);
    for (uint32_t i = 0; i < N; i += 997) {
        const gv_value *x = item(v, i);
        assert_ptr_equal(x->parent, v);
        assert_int_equal(x->index, i);
        assert_int_equal(item(x, 0)->u.i, (int64_t)i);
        assert_ptr_equal(item(x, 0)->parent, x);
    }
    free(s);
}

static void test_escapes(void **state)
{
    (void)state;
    gv_value *v = parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u20AC \\u0041\"");
    assert_non_null(v);
    assert_string_equal(v->u.s, "q\" b\\ s/ \b\f\n\r\t \xC3\xA9\xE2\x82\xAC A");
    assert_int_equal(v->len, strlen(v->u.s));
}

static void test_surrogate_pairs(void **state)
{
    (void)state;
    gv_value *v = parse("\"\\ud83d\\ude00|\\uD834\\uDD1E\"");
    assert_non_null(v);
    assert_string_equal(v->u.s, "\xF0\x9F\x98\x80|\xF0\x9D\x84\x9E");
    assert_int_equal(v->len, 9);
}

static void test_raw_utf8(void **state)
{
    (void)state;
    gv_value *v = parse("{\"cl\xC3\xA9\": \"\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xB8\xE0\xA4\xBE\xE0\xA4\xA8 \xF0\x9F\x99\x8F\"}");
    assert_non_null(v);
    assert_string_equal(v->u.members[0].key, "cl\xC3\xA9");
    assert_int_equal(v->u.members[0].klen, 4);
    assert_string_equal(v->u.members[0].val->u.s, "\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xB8\xE0\xA4\xBE\xE0\xA4\xA8 \xF0\x9F\x99\x8F");
}

/* ---- numbers ------------------------------------------------------------ */

static void test_int64_edges(void **state)
{
    (void)state;
    gv_value *v;
    assert_non_null(v = parse("9223372036854775807"));
    assert_int_equal(v->type, GV_INT);
    assert_true(v->u.i == INT64_MAX);
    assert_non_null(v = parse("-9223372036854775808"));
    assert_int_equal(v->type, GV_INT);
    assert_true(v->u.i == INT64_MIN);
    assert_non_null(v = parse("-0"));
    assert_int_equal(v->type, GV_INT);
    assert_int_equal(v->u.i, 0);
    assert_non_null(v = parse("0"));
    assert_int_equal(v->u.i, 0);
    check_error("9223372036854775808", "integer out of range", 1, 1);
    check_error("-9223372036854775809", "integer out of range", 1, 1);
    check_error("[1, 123456789012345678901234567890]", "integer out of range", 1, 5);
    check_error("18446744073709551616", "integer out of range", 1, 1);
}

static void test_floats(void **state)
{
    (void)state;
    gv_value *v;
    assert_non_null(v = parse("1.5"));
    assert_int_equal(v->type, GV_NUM);
    assert_true(v->u.n == 1.5);
    assert_non_null(v = parse("-0.25e2"));
    assert_true(v->u.n == -25.0);
    assert_non_null(v = parse("1E3"));
    assert_int_equal(v->type, GV_NUM);   /* an exponent makes a float */
    assert_true(v->u.n == 1000.0);
    assert_non_null(v = parse("2e+2"));
    assert_true(v->u.n == 200.0);
    assert_non_null(v = parse("1.0"));
    assert_int_equal(v->type, GV_NUM);
    assert_non_null(v = parse("1e-400"));   /* underflow is not an error */
    assert_true(v->u.n >= 0.0 && v->u.n < 1e-300);
    assert_non_null(v = parse("1.7976931348623157e308"));
    assert_true(isfinite(v->u.n));

    /* longer than the on-stack copy */
    char big[200] = "0.";
    memset(big + 2, '0', 150);
    strcpy(big + 152, "125");
    assert_non_null(v = parse(big));
    assert_true(v->u.n > 1.24e-151 && v->u.n < 1.26e-151);

    check_error("1e400", "number out of range", 1, 1);
    check_error("{\"x\": -1.5e309}", "number out of range", 1, 7);
}

static void test_number_syntax(void **state)
{
    (void)state;
    check_error("01", "leading zero in number", 1, 1);
    check_error("-01", "leading zero in number", 1, 1);
    check_error("1.", "expected a digit after '.'", 1, 3);
    check_error("1.e5", "expected a digit after '.'", 1, 3);
    check_error("1e", "expected a digit in the exponent", 1, 3);
    check_error("1e+", "expected a digit in the exponent", 1, 4);
    check_error("-", "expected a digit after '-'", 1, 2);
    check_error("-x", "expected a digit after '-'", 1, 2);
    check_error(".5", "unexpected character '.'", 1, 1);
    check_error("+1", "unexpected character '+'", 1, 1);
    check_error("NaN", "unexpected character 'N'", 1, 1);
    check_error("[Infinity]", "unexpected character 'I'", 1, 2);
}

/* ---- string errors ------------------------------------------------------ */

static void test_invalid_utf8(void **state)
{
    (void)state;
    check_error("\"ab\xC3\x28\"", "invalid UTF-8", 1, 4);
    check_error("\"\xC0\xAF\"", "invalid UTF-8", 1, 2);          /* overlong */
    check_error("\"x\xED\xA0\x80\"", "invalid UTF-8", 1, 3);      /* raw surrogate */
    check_error("\"\xF4\x90\x80\x80\"", "invalid UTF-8", 1, 2);  /* past U+10FFFF */
    check_error("\"\xFF\"", "invalid UTF-8", 1, 2);
    check_error("{\"k\xE2\x82\": 1}", "invalid UTF-8", 1, 4);    /* in a key */
    check_error("[\xC3\xA9]", "unexpected byte 0xc3", 1, 2);    /* outside a string */
}

static void test_nul(void **state)
{
    (void)state;
    check_error_n("\"a\0b\"", 5, NULL, "NUL byte in string", 1, 3);
    check_error_n("{\"a\0\": 1}", 9, NULL, "NUL byte in string", 1, 4);
    check_error("\"a\\u0000b\"", "NUL byte in string (\\u0000)", 1, 3);
    check_error_n("[1,\0]", 5, NULL, "NUL byte", 1, 4);
    check_error_n("1\0", 2, NULL, "trailing data after the value", 1, 2);
}

static void test_lone_surrogates(void **state)
{
    (void)state;
    check_error("\"\\ud800\"", "lone surrogate \\ud800", 1, 2);
    check_error("\"x\\uD800\\u0041\"", "lone surrogate \\ud800", 1, 3);
    check_error("\"\\udc00\"", "lone surrogate \\udc00", 1, 2);
    check_error("\"\\ud83d\\ud83d\"", "lone surrogate \\ud83d", 1, 2);
    check_error("\"\\ud83dx\"", "lone surrogate \\ud83d", 1, 2);
}

static void test_string_errors(void **state)
{
    (void)state;
    check_error("\"a\tb\"", "control character 0x09 in string", 1, 3);
    check_error("\"a\nb\"", "control character 0x0a in string", 1, 3);
    check_error("\"a\\xb\"", "invalid escape \\x", 1, 3);
    check_error("\"\\u12G4\"", "invalid \\u escape", 1, 2);
    check_error("\"\\u12\"", "invalid \\u escape", 1, 2);
    check_error("\"abc", "unterminated string", 1, 1);
    check_error("[\"abc\\\"]", "unterminated string", 1, 2);
    check_error("\"abc\\", "unterminated string", 1, 1);
}

/* ---- structure errors --------------------------------------------------- */

static void test_structure_errors(void **state)
{
    (void)state;
    check_error("", "empty input", 1, 1);
    check_error("  \n ", "empty input", 2, 2);
    check_error("[", "unexpected end of input", 1, 2);
    check_error("{\"a\":", "unexpected end of input", 1, 6);
    check_error("{\"a\"", "unexpected end of input", 1, 5);
    check_error("[1", "unexpected end of input", 1, 3);
    check_error("{\"a\": 1", "unexpected end of input", 1, 8);
    check_error("[1,]", "trailing comma before ']'", 1, 4);
    check_error("{\"a\":1,}", "trailing comma before '}'", 1, 8);
    check_error("[1 2]", "expected ',' or ']'", 1, 4);
    check_error("{\"a\" 1}", "expected ':'", 1, 6);
    check_error("{\"a\":1 \"b\":2}", "expected ',' or '}'", 1, 8);
    check_error("{1:2}", "expected a key or '}'", 1, 2);
    check_error("{\"a\":1, 2:3}", "expected a key", 1, 9);
    check_error("[,1]", "unexpected character ','", 1, 2);
    check_error("tru", "invalid literal (expected true, false or null)", 1, 1);
    check_error("[True]", "unexpected character 'T'", 1, 2);
    check_error("nul", "invalid literal (expected true, false or null)", 1, 1);
    check_error("1 2", "trailing data after the value", 1, 3);
    check_error("{} x", "trailing data after the value", 1, 4);
    check_error("[1]]", "trailing data after the value", 1, 4);
    check_error("truex", "trailing data after the value", 1, 5);
    check_error("@", "unexpected character '@'", 1, 1);
    check_error("[1] // c", "trailing data after the value", 1, 5);
    check_error("\xEF\xBB\xBF{}", "byte order mark before the value", 1, 1);
}

static void test_positions_absolute(void **state)
{
    (void)state;
    const char *src = "{\n  \"a\": [1,\n    tru]\n}";
    assert_null(parse_n(src, strlen(src), 41, NULL));
    assert_string_equal(err.msg, "invalid literal (expected true, false or null)");
    assert_int_equal(err.line, 43);
    assert_int_equal(err.col, 5);

    src = "{\"a\": 1,\r\n \"a\": 2}";
    assert_null(parse_n(src, strlen(src), 7, NULL));
    assert_string_equal(err.msg, "duplicate key \"a\"");
    assert_int_equal(err.line, 8);
    assert_int_equal(err.col, 2);
}

/* ---- duplicate keys ----------------------------------------------------- */

static void test_duplicate_keys_small(void **state)
{
    (void)state;
    check_error("{\"id\": 1, \"id\": 2}", "duplicate key \"id\"", 1, 11);
    check_error("{\"a\": 1, \"\\u0061\": 2}", "duplicate key \"a\"", 1, 10);
    check_error("{\"x\": {\"q\\\"\\n\": 1, \"q\\\"\\n\": 2}}",
                "duplicate key \"q\\\"\\u000a\"", 1, 20);
    /* the same key in different objects is fine */
    gv_value *v = parse("{\"a\": {\"a\": 1}, \"b\": {\"a\": 2}}");
    assert_non_null(v);
    assert_int_equal(gv_gets(gv_gets(v, "b"), "a")->u.i, 2);
    /* long keys are cut short in the message */
    char src[256], key[100];
    memset(key, 'k', 60);
    key[60] = '\0';
    snprintf(src, sizeof src, "{\"%s\": 1, \"%s\": 2}", key, key);
    check_error(src, "duplicate key \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\"", 1, 69);
}

/* Builds {"k0":0, ..., "k<n-1>":n-1} with key `dup_of` repeated at `dup_at`. */
static char *big_object(int n, int dup_at, int dup_of)
{
    char *s = malloc((size_t)n * 24 + 16), *p = s;
    *p++ = '{';
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s\"k%d\":%d", i ? "," : "", i == dup_at ? dup_of : i, i);
    *p++ = '}';
    *p = '\0';
    return s;
}

static void test_duplicate_keys_large(void **state)
{
    (void)state;
    char *s = big_object(5000, -1, 0);
    gv_value *v = parse(s);
    assert_non_null(v);
    assert_int_equal(v->len, 5000);
    assert_int_equal(gv_gets(v, "k4321")->u.i, 4321);
    assert_ptr_equal(gv_gets(v, "k4321")->parent, v);
    assert_int_equal(gv_gets(v, "k4321")->index, 4321);
    free(s);

    /* duplicate of an early key, found past the linear part */
    s = big_object(100, 70, 5);
    assert_null(parse_n(s, strlen(s), 1, NULL));
    assert_string_equal(err.msg, "duplicate key \"k5\"");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.col, (uint32_t)(strstr(s, ",\"k5\":70") - s) + 2);
    free(s);

    /* two duplicates: the first in the source is reported */
    s = big_object(200, 150, 120);
    char *second = strstr(s, ",\"k90\":");
    second[3] = '1';
    second[4] = '0';                 /* "k90" -> "k10" at position 90 */
    assert_null(parse_n(s, strlen(s), 1, NULL));
    assert_string_equal(err.msg, "duplicate key \"k10\"");
    assert_int_equal(err.col, (uint32_t)(second - s) + 2);
    free(s);

    /* many keys, all colliding in length and prefix, stay fast and correct */
    s = big_object(60000, 59999, 0);
    assert_null(parse_n(s, strlen(s), 1, NULL));
    assert_string_equal(err.msg, "duplicate key \"k0\"");
    free(s);
}

/* ---- limits ------------------------------------------------------------- */

static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 2 + 1);
    memset(s, '[', (size_t)depth);
    memset(s + depth, ']', (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

static void test_depth(void **state)
{
    (void)state;
    char *s = nested(64);
    gv_value *v = parse(s);
    assert_non_null(v);
    free(s);

    s = nested(65);
    check_error(s, "nesting deeper than 64", 1, 65);
    free(s);

    s = nested(100000);
    check_error(s, "nesting deeper than 64", 1, 65);
    free(s);

    gv_limits lim = GV_LIMITS_DEFAULT;
    lim.max_depth = 2;
    assert_non_null(parse_n("{\"a\":[1]}", 9, 1, &lim));
    check_error_n("{\"a\":[{}]}", 10, &lim, "nesting deeper than 2", 1, 7);

    /* a huge limit is still bounded by the recursion ceiling */
    lim.max_depth = 4000000000u;
    s = nested(100000);
    check_error_n(s, strlen(s), &lim, "nesting deeper than 1000", 1, 1001);
    free(s);
}

static void test_node_limit(void **state)
{
    (void)state;
    gv_limits lim = GV_LIMITS_DEFAULT;
    lim.max_nodes = 4;
    assert_non_null(parse_n("[1,2,3]", 7, 1, &lim));
    check_error_n("[1,2,3,4]", 9, &lim, "more than 4 values", 1, 8);
    check_error_n("{\"a\":{\"b\":[1,2]}}", 17, &lim, "more than 4 values", 1, 14);
}

static void test_string_limit(void **state)
{
    (void)state;
    gv_limits lim = GV_LIMITS_DEFAULT;
    lim.max_string = 4;
    assert_non_null(parse_n("\"abcd\"", 6, 1, &lim));
    /* the limit is on decoded bytes: 4 escapes of 6 bytes make 4 bytes */
    const char *esc = "\"\\u0041\\u0042\\u0043\\u0044\"";
    assert_non_null(parse_n(esc, strlen(esc), 1, &lim));
    check_error_n("[\"abcde\"]", 9, &lim, "string longer than 4 bytes", 1, 2);
    check_error_n("\"\\u00e9\\u00e9\\u00e9\"", 20, &lim, "string longer than 4 bytes", 1, 1);
    check_error_n("{\"abcde\": 1}", 12, &lim, "key longer than 4 bytes", 1, 2);
}

static void test_byte_limit(void **state)
{
    (void)state;
    gv_limits lim = GV_LIMITS_DEFAULT;
    lim.max_bytes = 8;
    assert_non_null(parse_n("[1,2,3] ", 8, 1, &lim));
    assert_null(parse_n("[1,2,3,4]", 9, 3, &lim));
    assert_string_equal(err.msg, "record longer than 8 bytes");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 1);
}

static void test_error_then_success(void **state)
{
    (void)state;
    /* no state survives a failed call: the next parse in the same arena works */
    check_error("{\"a\": [1, {\"b\": ", "unexpected end of input", 1, 17);
    gv_value *v = parse("{\"a\": [1, {\"b\": 2}]}");
    assert_non_null(v);
    assert_int_equal(gv_gets(gv_gets(v, "a")->u.items[1], "b")->u.i, 2);
}

/* An arena keeps one chunk across resets (a record stream settles on it),
 * but not a huge one: a big record must not pin its memory for the run. */
static void test_arena_reset_keeps_small_chunks_only(void **state)
{
    (void)state;
    gv_arena a = GV_ARENA_INIT;
    assert_non_null(gv_arena_alloc(&a, 1000));
    gv_arena_reset(&a);
    assert_non_null(a.head);                 /* kept for the next record */
    assert_non_null(gv_arena_alloc(&a, (size_t)3 << 20));
    gv_arena_reset(&a);
    assert_non_null(a.head);                 /* the small one, not the 3 MiB one */
    gv_arena b = GV_ARENA_INIT;
    assert_non_null(gv_arena_alloc(&b, (size_t)3 << 20));
    gv_arena_reset(&b);
    assert_null(b.head);
    gv_arena_free(&a);
    gv_arena_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_scalars, teardown),
        cmocka_unit_test_teardown(test_nested_links, teardown),
        cmocka_unit_test_teardown(test_big_array, teardown),
        cmocka_unit_test_teardown(test_escapes, teardown),
        cmocka_unit_test_teardown(test_surrogate_pairs, teardown),
        cmocka_unit_test_teardown(test_raw_utf8, teardown),
        cmocka_unit_test_teardown(test_int64_edges, teardown),
        cmocka_unit_test_teardown(test_floats, teardown),
        cmocka_unit_test_teardown(test_number_syntax, teardown),
        cmocka_unit_test_teardown(test_invalid_utf8, teardown),
        cmocka_unit_test_teardown(test_nul, teardown),
        cmocka_unit_test_teardown(test_lone_surrogates, teardown),
        cmocka_unit_test_teardown(test_string_errors, teardown),
        cmocka_unit_test_teardown(test_structure_errors, teardown),
        cmocka_unit_test_teardown(test_positions_absolute, teardown),
        cmocka_unit_test_teardown(test_duplicate_keys_small, teardown),
        cmocka_unit_test_teardown(test_duplicate_keys_large, teardown),
        cmocka_unit_test_teardown(test_depth, teardown),
        cmocka_unit_test_teardown(test_node_limit, teardown),
        cmocka_unit_test_teardown(test_string_limit, teardown),
        cmocka_unit_test_teardown(test_byte_limit, teardown),
        cmocka_unit_test_teardown(test_error_then_success, teardown),
        cmocka_unit_test(test_arena_reset_keeps_small_chunks_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
