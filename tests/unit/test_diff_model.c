/*
 * test_diff_model.c: the comparison behind `gavel diff` (cli/diff.c),
 * apart from its text and JSON: decisions of the quick-start accounts,
 * paired by hand, counted in the matrix and grouped by old -> new decision
 * and rules, groups most records first, example ids kept up to the limit.
 * Built with cli/diff.c, tally.c, inputs.c, value.c, common.c and opt.c
 * (tests/CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli.h"
#include "diff.h"

#define QUICKSTART GAVEL_SOURCE_DIR "/examples/quickstart"
#define MAX_RECORDS 64

static size_t outcome_at(const diff_result *r, const char *name)
{
    for (size_t i = 0; i < r->m.n; i++)
        if (!strcmp(r->m.names[i], name))
            return i;
    fail_msg("no outcome %s", name);
    return 0;
}

static void groups_changes(void **state)
{
    (void)state;
    gavel_policy *p = cli_load_policy(QUICKSTART "/policy", NULL);
    assert_non_null(p);
    gavel_evaluator *ev = cli_evaluator(p, NULL, "2021-02-04", NULL, NULL);
    assert_non_null(ev);
    gavel_decision *d[MAX_RECORDS];
    size_t n = 0, withhold = SIZE_MAX, keep = SIZE_MAX;
    char *paths[] = { QUICKSTART "/accounts.jsonl" };
    cli_inputs in;
    cli_inputs_init(&in, paths, 1, GAVEL_AUTO, NULL);
    gavel_record *rec = gavel_record_new();
    while (n < MAX_RECORDS && cli_inputs_next(&in, rec)) {
        d[n] = gavel_decision_new();
        assert_int_equal(gavel_evaluate(ev, rec, d[n]), GAVEL_OK);
        const char *o = gavel_decision_outcome(d[n]);
        if (!strcmp(o, "withhold") && withhold == SIZE_MAX)
            withhold = n;
        if (!strcmp(o, "keep") && keep == SIZE_MAX && gavel_decision_nreasons(d[n]) == 0)
            keep = n;
        n++;
    }
    cli_inputs_close(&in);
    assert_true(withhold < n && keep < n);

    diff_result r;
    assert_int_equal(diff_init(&r, p, p, "2021-02-04", 1), 0);
    assert_int_equal(r.nrc, 0);                 /* the same policy on both sides */
    for (size_t i = 0; i < n; i++)
        diff_add(&r, d[i], d[i]);
    diff_add(&r, d[keep], d[withhold]);
    diff_add(&r, d[withhold], d[keep]);
    diff_add(&r, d[withhold], d[keep]);
    diff_finish(&r);

    assert_int_equal(r.records, n + 3);
    assert_int_equal(r.unchanged, n);
    assert_int_equal(r.changed, 3);
    assert_int_equal(r.reasons_changed, 0);
    assert_int_equal(r.m.cell[outcome_at(&r, "withhold") * r.m.cap + outcome_at(&r, "keep")], 2);
    assert_int_equal(r.m.cell[outcome_at(&r, "keep") * r.m.cap + outcome_at(&r, "withhold")], 1);
    /* Two groups, the larger first though it came second. */
    assert_int_equal(r.changes.n, 2);
    assert_int_equal(r.changes.it[0].n, 2);
    const diff_group *g = diff_group_of(&r.changes.it[0]);
    assert_string_equal(g->from, "withhold");
    assert_string_equal(g->to, "keep");
    assert_string_equal(g->new_rules.text, "(default)");
    assert_true(g->new_rules.word);
    assert_false(g->old_rules.word);
    assert_true(g->old_rules.nids > 0);
    assert_string_equal(g->old_rules.ids[0], gavel_decision_reason(d[withhold], 0)->rule);
    assert_int_equal(g->nex, 1);                /* --examples 1 */
    assert_string_equal(g->examples[0], gavel_decision_id(d[withhold]));
    assert_string_equal(g->new_why, "no rule applies (the policy's default)");
    assert_int_equal(diff_group_of(&r.changes.it[1])->nex, 1);

    diff_free(&r);
    for (size_t i = 0; i < n; i++)
        gavel_decision_free(d[i]);
    gavel_record_free(rec);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
