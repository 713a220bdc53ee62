/*
 * test_buf.c: the JSON text every writer shares: string escaping (control
 * characters, quotes, invalid UTF-8 in input text) and number formatting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static const char *json_str(const char *s, size_t n)
{
    static gv_buf b = GV_BUF_INIT;
    gv_buf_reset(&b);
    gv_buf_json_str(&b, s, n);
    return b.ptr;
}

static const char *json_num(double d)
{
    static gv_buf b = GV_BUF_INIT;
    gv_buf_reset(&b);
    gv_buf_json_num(&b, d);
    return b.ptr;
}

static void test_escapes(void **state)
{
    (void)state;
    assert_string_equal(json_str("plain", 5), "\"plain\"");
    assert_string_equal(json_str("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
    assert_string_equal(json_str("\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
    assert_string_equal(json_str("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\x7f\"");
    /* An embedded NUL is not a terminator; it becomes U+FFFD, because
     * gavel's readers refuse \u0000 and must read gavel's output back. */
    assert_string_equal(json_str("a\0b", 3), "\"a\xEF\xBF\xBD" "b\"");
    /* Valid UTF-8 passes through unchanged. */
    assert_string_equal(json_str("ü क ਸ 🚜", strlen("ü क ਸ 🚜")), "\"ü क ਸ 🚜\"");
}

static void test_invalid_utf8_replaced(void **state)
{
    (void)state;
    /* Each bad byte becomes U+FFFD, so the output is always valid JSON. */
    assert_string_equal(json_str("a\xff" "b", 3), "\"a\xEF\xBF\xBD" "b\"");
    assert_string_equal(json_str("\xC3", 1), "\"\xEF\xBF\xBD\"");                 /* truncated */
    assert_string_equal(json_str("\xC0\xAF", 2), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  /* overlong */
    assert_string_equal(json_str("\xED\xA0\x80", 3),                              /* surrogate */
                        "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    assert_string_equal(json_str("\xF4\x90\x80\x80", 4),                          /* > U+10FFFF */
                        "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

static void test_numbers(void **state)
{
    (void)state;
    assert_string_equal(json_num(0.5), "0.5");
    assert_string_equal(json_num(2.0), "2.0");
    assert_string_equal(json_num(0.1), "0.1");
    assert_string_equal(json_num(1e300), "1e+300");
    assert_string_equal(json_num(-12.25), "-12.25");
    assert_string_equal(json_num(1.0 / 3.0), "0.3333333333333333");
    assert_string_equal(json_num(NAN), "null");
    assert_string_equal(json_num(INFINITY), "null");
    gv_buf b = GV_BUF_INIT;
    gv_buf_json_int(&b, INT64_MIN);
    assert_string_equal(b.ptr, "-9223372036854775808");
    gv_buf_free(&b);
}

static void test_growth(void **state)
{
    (void)state;
    gv_buf b = GV_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        gv_buf_printf(&b, "%d,", i);
    assert_false(b.oom);
    assert_int_equal(b.len, strlen(b.ptr));
    assert_memory_equal(b.ptr + b.len - 5, "9999,", 5);
    size_t n;
    char *p = gv_buf_detach(&b, &n);
    assert_null(b.ptr);
    assert_int_equal(n, strlen(p));
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
