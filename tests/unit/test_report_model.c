/*
 * test_report_model.c: the models behind `gavel report`, apart from the
 * page and the Markdown: the tally (counts by name, most first, ties in
 * the order they came), the report's tallies read from decision lines, and
 * what a notice gathers (each provision once with its rules; exemptions
 * that applied, split from other objections and from grounds set aside).
 * Built with cli/tally.c, report.c, notice_model.c, value.c, common.c and
 * opt.c (tests/CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli.h"
#include "notice_model.h"
#include "report.h"
#include "tally.h"

static void tally_counts_and_sorts(void **state)
{
    (void)state;
    tally t = { 0 };
    tally_add(&t, "b", 1);
    tally_add(&t, "a", 2);
    tally_add(&t, "c", 1);
    tally_add(&t, "b", 1);           /* b: 2, a tie with a, but it came first */
    assert_int_equal(t.n, 3);
    assert_int_equal(tally_find(&t, "b")->n, 2);
    assert_null(tally_find(&t, "z"));
    tally_sort(&t);
    assert_string_equal(t.it[0].name, "b");
    assert_string_equal(t.it[1].name, "a");
    assert_string_equal(t.it[2].name, "c");
    assert_int_equal(tally_move(&t, "c", 0), 1);
    assert_string_equal(t.it[0].name, "c");
    assert_string_equal(t.it[1].name, "b");
    assert_int_equal(tally_move(&t, "z", 0), 0);
    tally_free(&t);
}

static void tally_parts_and_notes(void **state)
{
    (void)state;
    tally t = { 0 };
    const char *ab[] = { "x.news", "xx.violence" }, *a_b[] = { "x.news", "other" };
    tally_item *it = tally_add_parts(&t, ab, 2, 1);
    tally_add_parts(&t, ab, 2, 1);
    tally_add_parts(&t, a_b, 2, 1);
    assert_int_equal(t.n, 2);
    assert_int_equal(it->n, 2);
    assert_string_equal(it->part[0], "x.news");
    assert_string_equal(it->part[1], "xx.violence");
    assert_null(it->part[2]);
    tally_note_add(it, "r.a");
    tally_note_add(it, "r.ab");
    tally_note_add(it, "r.a");        /* a set: once */
    assert_string_equal(it->note, "r.a, r.ab");
    tally_free(&t);
}

static const char *const lines[] = {
    "{\"id\":\"a1\",\"decision\":\"keep\",\"default\":true,\"reasons\":[],"
    "\"missing\":[{\"path\":\"posts[0].labels\",\"rules\":[\"r.one\"]},"
    "{\"path\":\"posts[3].labels\",\"rules\":[\"r.two\"]}]}",
    "{\"id\":\"a2\",\"decision\":\"withhold\",\"as_of\":\"2021-02-04\","
    "\"reasons\":[{\"rule\":\"g.a\",\"outcome\":\"withhold\",\"cites\":\"s.69A\"},"
    "{\"rule\":\"g.b\",\"outcome\":\"withhold\",\"cites\":\"s.69A\"}],"
    "\"defeated\":[{\"rule\":\"x.news\",\"by\":\"g.a\",\"outcome\":\"keep\"}]}",
    "{\"id\":\"a3\",\"decision\":\"maybe\",\"errors\":[{\"message\":\"boom\"}]}",
    "{\"id\":\"a4\",\"decision\":\"withhold\",\"reasons\":[{\"rule\":\"g.b\",\"cites\":\"s.69A\"}]}",
};

static void report_tallies(void **state)
{
    (void)state;
    report r;
    assert_int_equal(report_init(&r, 2), 0);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        char err[64];
        const gavel_value *d = cli_parse_line(r.scratch, lines[i], strlen(lines[i]), err,
                                              sizeof err);
        assert_non_null(d);
        assert_int_equal(report_add(&r, d, lines[i]), 0);
    }
    report_finish(&r, NULL);
    assert_int_equal(r.records, 4);
    assert_int_equal(r.defaults, 1);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.with_missing, 1);
    /* The usual order, strongest first, then the others as they came. */
    assert_int_equal(r.outcomes.n, 3);
    assert_string_equal(r.outcomes.it[0].name, "withhold");
    assert_int_equal(r.outcomes.it[0].n, 2);
    assert_string_equal(r.outcomes.it[1].name, "keep");
    assert_string_equal(r.outcomes.it[2].name, "maybe");
    assert_int_equal(report_outcome_index(&r, "maybe"), 2);
    assert_int_equal(report_outcome_index(&r, "review"), -1);
    /* g.b decided two records, g.a one; a provision counts once a record. */
    assert_string_equal(r.rules.it[0].name, "g.b");
    assert_string_equal(r.rules.it[1].note, "withhold");
    assert_int_equal(r.cites.n, 1);
    assert_int_equal(r.cites.it[0].n, 2);
    assert_string_equal(r.setaside.it[0].part[0], "x.news");
    assert_string_equal(r.setaside.it[0].part[1], "g.a");
    /* Positions are not facts: one path, once for the record, both readers. */
    assert_int_equal(r.missing.n, 1);
    assert_string_equal(r.missing.it[0].name, "posts[].labels");
    assert_int_equal(r.missing.it[0].n, 1);
    assert_string_equal(r.missing.it[0].note, "r.one, r.two");
    assert_int_equal(r.nrows, 2);                       /* --max-rows */
    assert_string_equal(cli_str(report_row(&r, 1), "id"), "a2");
    report_free(&r);
}

static void notice_gathers(void **state)
{
    (void)state;
    const char *line =
        "{\"id\":\"acc9\",\"decision\":\"withhold\",\"as_of\":\"2021-02-04\","
        "\"reasons\":[{\"rule\":\"g.a\",\"cites\":\"s.69A\",\"reason\":\"ra\","
        "\"evidence\":{\"post\":\"p1\"}},"
        "{\"rule\":\"g.b\",\"reason\":\"rb\",\"evidence\":{\"posts\":[\"p2\",\"p1\"]}},"
        "{\"rule\":\"g.c\",\"cites\":\"s.69A\",\"reason\":\"rc\"}],"
        "\"defeated\":[{\"rule\":\"x.news\",\"by\":\"g.a\",\"outcome\":\"keep\",\"reason\":\"rx\"},"
        "{\"rule\":\"v.flag\",\"by\":\"g.c\",\"outcome\":\"review\"},"
        "{\"rule\":\"g.old\",\"by\":\"x.news\",\"outcome\":\"withhold\"}]}";
    gavel_record *rec = gavel_record_new();
    char err[64];
    const gavel_value *d = cli_parse_line(rec, line, strlen(line), err, sizeof err);
    assert_non_null(d);
    notice n;
    notice_build(&n, d, NULL, "IN", NULL);
    assert_string_equal(n.id, "acc9");
    assert_string_equal(n.noun, "withholding");
    assert_string_equal(n.place, "India (IN)");
    assert_int_equal(n.nposts, 2);
    assert_string_equal(n.posts[1], "p2");
    /* s.69A once, with g.a and g.c; g.b, citing nothing, on its own. */
    assert_int_equal(n.nprovisions, 2);
    assert_string_equal(n.provisions[0].cites, "s.69A");
    assert_int_equal(n.provisions[0].nrules, 2);
    assert_string_equal(n.provisions[0].rules[1], "g.c");
    assert_null(n.provisions[1].cites);
    assert_int_equal(n.facts.n, 3);
    /* keep is the exemptions' outcome without a policy; review another. */
    assert_int_equal(n.objections[NOTICE_EXEMPTIONS].applied.n, 1);
    assert_string_equal(n.objections[NOTICE_EXEMPTIONS].applied.it[0].by_reason, "ra");
    assert_string_equal(n.objections[NOTICE_EXEMPTIONS].applied.it[0].by_cites, "s.69A");
    assert_int_equal(n.objections[NOTICE_OTHER_OBJECTIONS].applied.n, 1);
    assert_int_equal(n.grounds_set_aside.n, 1);
    assert_string_equal(n.grounds_set_aside.it[0].by_reason, "rx");   /* from the defeated */
    notice_free(&n);
    gavel_record_free(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tally_counts_and_sorts),
        cmocka_unit_test(tally_parts_and_notes),
        cmocka_unit_test(report_tallies),
        cmocka_unit_test(notice_gathers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
