/*
 * test_report_model.c: the models behind `gavel report`, apart from the
 * page and the Markdown: the tally (counts by name, most first, ties in
 * the order they came), the report's tallies read from decision lines, and
 * what a notice gathers (each provision once with its rules; exemptions
 * that applied, split from other objections and from grounds set aside),
 * and the measures: the report's totals by action and by country, what a
 * notice says of each measure and where.
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

/* Three decisions of a policy with actions: two with measures, one with
 * none ("measures":[]). */
static const char *const measured[] = {
    "{\"id\":\"m1\",\"decision\":\"withhold\",\"reasons\":[],\"measures\":["
    "{\"action\":\"withhold_post\",\"targets\":[{\"kind\":\"post\",\"id\":\"p1\"},"
    "{\"kind\":\"post\",\"id\":7}],\"scope\":[\"DE\",\"IN\"],\"due\":\"2021-02-02T16:30:00Z\","
    "\"rules\":[\"g.a\"]},"
    "{\"action\":\"withhold_post\",\"targets\":[{\"kind\":\"post\",\"id\":\"p2\"}],"
    "\"scope\":[\"IN\"],\"rules\":[\"g.b\"]},"
    "{\"action\":\"notify_user\",\"targets\":[{\"kind\":\"account\",\"id\":\"m1\"}],"
    "\"scope\":[\"*\"],\"until\":\"2021-08-01T00:00:00Z\",\"rules\":[\"g.b\"]}]}",
    "{\"id\":\"m2\",\"decision\":\"keep\",\"reasons\":[],\"measures\":[]}",
    "{\"id\":\"m3\",\"decision\":\"withhold\",\"reasons\":[],\"measures\":["
    "{\"action\":\"withhold_account\",\"targets\":[{\"kind\":\"account\",\"id\":\"m3\"}],"
    "\"scope\":[\"IN\"],\"rules\":[\"g.c\"]}]}",
};

static void add_lines(report *r, const char *const *ls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char err[64];
        const gavel_value *d = cli_parse_line(r->scratch, ls[i], strlen(ls[i]), err, sizeof err);
        assert_non_null(d);
        assert_int_equal(report_add(r, d, ls[i]), 0);
    }
}

static void report_measure_totals(void **state)
{
    (void)state;
    report r;
    assert_int_equal(report_init(&r, 10), 0);
    add_lines(&r, measured, sizeof measured / sizeof *measured);
    report_finish(&r, NULL);
    assert_int_equal(r.has_measures, 1);
    assert_int_equal(r.measures, 4);
    assert_int_equal(r.targets, 5);
    assert_int_equal(r.with_measures, 2);          /* m2 ordered none */
    /* By action, in the order they came (no policy to order them). */
    assert_int_equal(r.actions.n, 3);
    assert_string_equal(r.actions.it[0].name, "withhold_post");
    assert_int_equal(r.actions.it[0].n, 2);
    assert_int_equal(report_counts(&r.actions.it[0]).targets, 3);
    assert_int_equal(report_counts(&r.actions.it[0]).records, 1);   /* one record, twice */
    assert_string_equal(r.actions.it[1].name, "notify_user");
    assert_string_equal(r.actions.it[2].name, "withhold_account");
    assert_int_equal(report_counts(&r.actions.it[2]).targets, 1);
    /* By country, most first: a measure in two countries counts in each. */
    assert_int_equal(r.scopes.n, 3);
    assert_string_equal(r.scopes.it[0].name, "IN");
    assert_int_equal(r.scopes.it[0].n, 3);
    assert_int_equal(report_counts(&r.scopes.it[0]).targets, 4);
    assert_int_equal(report_counts(&r.scopes.it[0]).records, 2);
    assert_string_equal(r.scopes.it[1].name, "DE");
    assert_int_equal(report_counts(&r.scopes.it[1]).targets, 2);
    assert_string_equal(r.scopes.it[2].name, "*");
    assert_int_equal(report_counts(tally_find(&r.scopes, "*")).records, 1);
    assert_int_equal(report_counts(NULL).targets, 0);
    report_free(&r);

    /* Decisions without a "measures" member: none counted, none shown. */
    assert_int_equal(report_init(&r, 10), 0);
    add_lines(&r, lines, sizeof lines / sizeof *lines);
    report_finish(&r, NULL);
    assert_int_equal(r.has_measures, 0);
    assert_int_equal(r.measures, 0);
    assert_int_equal(r.actions.n, 0);
    report_free(&r);
}

static void notice_measures_and_where(void **state)
{
    (void)state;
    gavel_record *rec = gavel_record_new();
    char err[64];
    const gavel_value *d = cli_parse_line(rec, measured[0], strlen(measured[0]), err, sizeof err);
    assert_non_null(d);
    notice n;
    notice_build(&n, d, NULL, "FR", NULL);
    assert_int_equal(n.nmeasures, 3);
    assert_string_equal(n.measures[0].action, "withhold_post");
    assert_int_equal(gavel_value_len(n.measures[0].targets), 2);
    assert_string_equal(n.measures[0].due, "2021-02-02T16:30:00Z");
    assert_null(n.measures[0].until);
    assert_string_equal(n.measures[2].until, "2021-08-01T00:00:00Z");
    assert_null(n.measures[2].due);
    /* Where: each scope once, with its actions; DE+IN is not IN. */
    assert_int_equal(n.nwhere, 3);
    assert_int_equal(gavel_value_len(n.where[0].scope), 2);
    assert_int_equal(n.where[1].nactions, 1);
    assert_string_equal(n.where[2].actions[0], "notify_user");
    notice_free(&n);
    /* No measures: where is the jurisdiction, as before. */
    d = cli_parse_line(rec, measured[1], strlen(measured[1]), err, sizeof err);
    notice_build(&n, d, NULL, "FR", NULL);
    assert_int_equal(n.nmeasures, 0);
    assert_int_equal(n.nwhere, 0);
    assert_string_equal(n.place, "France (FR)");
    notice_free(&n);
    gavel_record_free(rec);
    /* The names of places: countries, never a region for one of its members. */
    assert_string_equal(notices_place("FR"), "France (FR)");
    assert_string_equal(notices_place("SK"), "Slovakia (SK)");
    assert_string_equal(notices_place("*"), "everywhere");
    assert_string_equal(notices_place("ZW"), "ZW");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tally_counts_and_sorts),
        cmocka_unit_test(tally_parts_and_notes),
        cmocka_unit_test(report_tallies),
        cmocka_unit_test(notice_gathers),
        cmocka_unit_test(report_measure_totals),
        cmocka_unit_test(notice_measures_and_where),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
