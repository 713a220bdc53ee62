/*
 * test_escape.c: the CLI's escapers (cli/escape.c) on hostile text:
 * terminal text (controls, C1, DEL, bytes that are not UTF-8, through the
 * stream whatever the writes' boundaries), YAML scalars (what YAML may not
 * hold raw, surrogate pairs) and Markdown (block markers at a line's
 * start, CR). Built with cli/escape.c, common.c and opt.c
 * (tests/CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What fn(f, s) writes, malloc'd. */
static char *written(void (*fn)(FILE *, const char *), const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    fn(m, s);
    assert_int_equal(fclose(m), 0);
    return text;
}

static void md_prose_line(FILE *f, const char *s)
{
    cli_markdown(f, s, CLI_MD_PROSE | CLI_MD_LINE_START);
}

static void md_text(FILE *f, const char *s)
{
    cli_markdown(f, s, 0);
}

static void yaml_json(FILE *f, const char *s)
{
    cli_yaml_json(f, s, strlen(s));
}

static const char hostile[] = "\x1b[2J\x1b]0;t\x07\r\xc2\x85\x7f\xff\xc2 ok \xc3\xa9\t\n"
                              "\xe2\x80\xae\xef\xbf\xbe\xf0\x9f\x98\x80";

static void terminal_text_escapes_every_control(void **state)
{
    (void)state;
    char *t = written(cli_term, hostile);
    assert_string_equal(t, "\\x1b[2J\\x1b]0;t\\x07\\x0d\\u0085\\x7f\\xff\\xc2 ok \xc3\xa9\\x09\\x0a"
                           "\\u202e\\ufffe\xf0\x9f\x98\x80");
    free(t);
}

/* The stream escapes the same whatever its writes' boundaries: a UTF-8
 * sequence split between two writes is held, not escaped byte by byte. */
static void terminal_stream_holds_split_characters(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    FILE *t = cli_term_stream(m);
    for (size_t i = 0; i < sizeof hostile - 1; i++) {
        fputc(hostile[i], t);
        fflush(t);
    }
    assert_int_equal(fclose(t), 0);
    assert_int_equal(fclose(m), 0);
    assert_string_equal(text, "\\x1b[2J\\x1b]0;t\\x07\\x0d\\u0085\\x7f\\xff\\xc2 ok \xc3\xa9\t\n"
                              "\\u202e\\ufffe\xf0\x9f\x98\x80");
    free(text);
}

static void yaml_escapes_what_yaml_cannot_hold(void **state)
{
    (void)state;
    char *y = written(cli_yaml_string, "a\x7f\xc2\x85\xef\xbf\xbe\xef\xbf\xbf\xe2\x80\xa8\x1b");
    assert_string_equal(y, "\"a\\u007F\\u0085\\uFFFE\\uFFFF\\u2028\\u001b\"");
    free(y);
    char *text = written(yaml_json, "{\"k\":\"\\ud83d\\ude00 \\\\ud83d\"}");
    assert_string_equal(text, "{\"k\":\"\\U0001F600 \\\\ud83d\"}");   /* an escaped backslash stays */
    free(text);
}

static void markdown_escapes_block_markers_and_cr(void **state)
{
    (void)state;
    char *md = written(md_prose_line, "# NOTICE\r# WITHDRAWN\n|x|");
    assert_string_equal(md, "\\# NOTICE # WITHDRAWN \\|x\\|");
    free(md);
    md = written(md_prose_line, "12. item");
    assert_string_equal(md, "12\\. item");
    free(md);
    md = written(md_prose_line, "1.0 #tag - x");       /* no block there: as it is */
    assert_string_equal(md, "1.0 #tag - x");
    free(md);
    md = written(md_text, "a\n- b\n## c\n===\nd");
    assert_string_equal(md, "a\n\\- b\n\\## c\n\\===\nd");
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(terminal_text_escapes_every_control),
        cmocka_unit_test(terminal_stream_holds_split_characters),
        cmocka_unit_test(yaml_escapes_what_yaml_cannot_hold),
        cmocka_unit_test(markdown_escapes_block_markers_and_cr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
