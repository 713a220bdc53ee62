/*
 * test_opt.c: the CLI's option parser (cli/opt.c): every spelling of an
 * option getopt_long accepts, operands in argv order, "--" and "-", and
 * the usage errors. Built with cli/opt.c and cli/common.c (tests/CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli.h"

enum { OPT_SUMMARY = 256, OPT_CONTEXT };

static const cli_option table[] = {
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "jobs", 'j', OPT_VALUE, 'j', NULL },
    { "quiet", 'q', OPT_FLAG, 'q', NULL },
    { "summary", 0, OPT_OPTIONAL, OPT_SUMMARY, NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { NULL, 0, 0, 0, NULL }
};

/* Parses argv (NULL-terminated, argv[0] the command) into "id=value ..."
 * with operands as "@value" and an error as "!". */
static const char *parse(char **argv)
{
    static char out[512];
    int argc = 0;
    while (argv[argc])
        argc++;
    cli_opts p;
    cli_opts_init(&p, "test", argc, argv, table, cli_input_options);
    out[0] = '\0';
    for (int id; (id = cli_opts_next(&p)) != OPT_END; ) {
        size_t n = strlen(out);
        if (id == OPT_ERROR) {
            snprintf(out + n, sizeof out - n, "%s!", n ? " " : "");
            break;
        }
        if (id == OPT_OPERAND)
            snprintf(out + n, sizeof out - n, "%s@%s", n ? " " : "", p.value);
        else if (id < 256)
            snprintf(out + n, sizeof out - n, "%s%c=%s", n ? " " : "", id,
                     p.value ? p.value : "-");
        else
            snprintf(out + n, sizeof out - n, "%s%d=%s", n ? " " : "", id,
                     p.value ? p.value : "-");
    }
    return out;
}

#define PARSE(...) parse((char *[]){ "cmd", __VA_ARGS__, NULL })

static void values_attached_or_apart(void **state)
{
    (void)state;
    assert_string_equal(PARSE("--format=table"), "f=table");
    assert_string_equal(PARSE("--format", "table"), "f=table");
    assert_string_equal(PARSE("-ftable"), "f=table");
    assert_string_equal(PARSE("-f", "table"), "f=table");
    assert_string_equal(PARSE("--format="), "f=");
    assert_string_equal(PARSE("-f", "-"), "f=-");          /* the next argument, whatever */
    assert_string_equal(PARSE("--context", "--quiet"), "257=--quiet");
}

static void clusters(void **state)
{
    (void)state;
    assert_string_equal(PARSE("-qj2"), "q=- j=2");
    assert_string_equal(PARSE("-qj", "2"), "q=- j=2");
    assert_string_equal(PARSE("-qq"), "q=- q=-");
    assert_string_equal(PARSE("-qfj"), "q=- f=j");
}

static void optional_value(void **state)
{
    (void)state;
    assert_string_equal(PARSE("--summary"), "256=-");
    assert_string_equal(PARSE("--summary=json"), "256=json");
    assert_string_equal(PARSE("--summary", "json"), "256=- @json");   /* only attached */
}

static void operands_in_order(void **state)
{
    (void)state;
    assert_string_equal(PARSE("a", "-q", "b", "-", "c"), "@a q=- @b @- @c");
    assert_string_equal(PARSE("-q", "--", "-f", "--", "x"), "q=- @-f @-- @x");
}

static void shared_table(void **state)
{
    (void)state;
    assert_string_equal(PARSE("--max-depth=9", "--input-format", "yaml"),
                        "4101=9 4096=yaml");
}

static void usage_errors(void **state)
{
    (void)state;
    assert_string_equal(PARSE("-f"), "!");
    assert_string_equal(PARSE("-q", "--jobs"), "q=- !");
    assert_string_equal(PARSE("--bogus"), "!");
    assert_string_equal(PARSE("-x"), "!");
    assert_string_equal(PARSE("-qx"), "q=- !");
    assert_string_equal(PARSE("--quiet=1"), "!");
    assert_string_equal(PARSE("--form", "table"), "!");      /* no prefixes */
    assert_string_equal(PARSE("--max-nothing=1"), "!");
}

/* The parse loop stops where its handler says. */
static int count_or_stop(void *ctx, const cli_opts *p, int id)
{
    int *n = ctx;
    (*n)++;
    return id == 'q' ? 1 : p->value && !strcmp(p->value, "bad") ? -1 : 0;
}

static void parse_loop(void **state)
{
    (void)state;
    char *argv[] = { "cmd", "a", "-fbad", "-q", NULL };
    cli_opts p;
    int n = 0;
    cli_opts_init(&p, "test", 2, argv, table, NULL);
    assert_int_equal(cli_opts_parse(&p, count_or_stop, &n), 0);
    assert_int_equal(n, 1);
    cli_opts_init(&p, "test", 4, argv, table, NULL);
    assert_int_equal(cli_opts_parse(&p, count_or_stop, &n), -1);
    char *help[] = { "cmd", "-q", "-z", NULL };
    cli_opts_init(&p, "test", 3, help, table, NULL);
    assert_int_equal(cli_opts_parse(&p, count_or_stop, &n), 1);
    cli_opts_init(&p, "test", 3, (char *[]){ "cmd", "-z", "-q", NULL }, table, NULL);
    assert_int_equal(cli_opts_parse(&p, count_or_stop, &n), -1);
}

/* Sizes (--max-*): a count with an optional k, M or G; anything strtoull
 * would read as a number only by skipping blanks or taking a sign is junk,
 * not a huge value (" -1" would be 2^64 - 1). */
static void sizes(void **state)
{
    (void)state;
    unsigned long long v = 0;
    assert_int_equal(cli_parse_size("64M", &v), 0);
    assert_int_equal(v, 64ull << 20);
    assert_int_equal(cli_parse_size("512k", &v), 0);
    assert_int_equal(v, 512ull << 10);
    assert_int_equal(cli_parse_size("7", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(cli_parse_size("18446744073709551616", &v), -2);
    assert_int_equal(cli_parse_size("17179869184G", &v), -2);
    static const char *const junk[] = { "", "-1", " -1", "\t-5", " 5", "+5", "0", "5x", "M", "5MB" };
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        v = 99;
        if (cli_parse_size(junk[i], &v) != -1)
            fail_msg("'%s' read as a size", junk[i]);
        assert_int_equal(v, 99);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_attached_or_apart),
        cmocka_unit_test(clusters),
        cmocka_unit_test(optional_value),
        cmocka_unit_test(operands_in_order),
        cmocka_unit_test(shared_table),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(parse_loop),
        cmocka_unit_test(sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
