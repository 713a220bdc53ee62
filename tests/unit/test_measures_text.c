/*
 * test_measures_text.c: measures in words (cli/measures.c): the one-line
 * form the csv and table views, explain and diff write, ids quoted where
 * bare they would read otherwise, and what changed between two decisions'
 * measures. Over tests/data/measures-policy. Built with cli/measures.c,
 * escape.c, common.c and opt.c (tests/CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define POLICY GAVEL_TEST_DATA "/measures-policy"

typedef struct fixture {
    gavel_policy *p;
    gavel_evaluator *ev;
    gavel_decision *d, *cf;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->p = cli_load_policy(POLICY, NULL);
    fx->ev = fx->p ? cli_evaluator(fx->p, POLICY "/context.yaml", "2021-02-02", NULL, NULL) : NULL;
    fx->d = gavel_decision_new();
    fx->cf = gavel_decision_new();
    *state = fx;
    return fx->ev && fx->d && fx->cf ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    gavel_decision_free(fx->d);
    gavel_decision_free(fx->cf);
    gavel_evaluator_free(fx->ev);
    gavel_policy_free(fx->p);
    free(fx);
    return 0;
}

static void evaluate(fixture *fx, const char *json)
{
    gavel_record *r = gavel_record_new();
    assert_int_equal(gavel_record_parse(r, json, strlen(json), GAVEL_JSON, "test", NULL), GAVEL_OK);
    assert_int_equal(gavel_evaluate(fx->ev, r, fx->d), GAVEL_OK);
    gavel_record_free(r);
}

/* Malloc'd text of a writer given a stream. */
static char *text_of(void (*write)(FILE *, const void *), const void *arg)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    write(f, arg);
    fclose(f);
    return s;
}

static void put_first(FILE *f, const void *d)
{
    cli_measure_put(f, gavel_decision_measure(d, 0));
}

static void one_line_quotes_what_would_misread(void **state)
{
    fixture *fx = *state;
    evaluate(fx, "{\"id\":\"a1\",\"posts\":[{\"id\":\"x y\",\"incites\":true},"
                 "{\"id\":\"12\",\"incites\":true},{\"id\":13,\"incites\":true},"
                 "{\"id\":\"\",\"incites\":true},{\"id\":\"a;b\",\"incites\":true},"
                 "{\"id\":\"p-1.x\",\"incites\":true}]}");
    assert_int_equal(gavel_decision_nmeasures(fx->d), 1);
    char *s = text_of(put_first, fx->d);
    /* a string "12" is quoted, the number 13 is not: they read back apart */
    assert_string_equal(s, "withhold_post post:\"x y\",post:\"12\",post:13,post:\"\","
                           "post:\"a;b\",post:p-1.x in IN due 2021-02-02T16:30:00Z");
    free(s);
}

typedef struct pair { const gavel_decision *a, *b; } pair;

static void put_changes(FILE *f, const void *arg)
{
    const pair *p = arg;
    cli_measures_changes(f, p->a, p->b, " | ");
}

static void changes_name_what_moved(void **state)
{
    fixture *fx = *state;
    evaluate(fx, "{\"id\":\"acc04\",\"posts\":[{\"id\":7,\"incites\":true,\"court_de\":true}]}");
    assert_int_equal(cli_measures_changes(NULL, fx->d, fx->d, ""), 0);
    assert_int_equal(gavel_decision_without(fx->d, "g.incite", fx->cf), GAVEL_OK);
    assert_int_equal(cli_measures_changes(NULL, fx->d, fx->cf, ""), 1);
    pair p = { fx->d, fx->cf };
    char *s = text_of(put_changes, &p);
    assert_string_equal(s, "withhold_post post:7: in DE,IN -> DE and "
                           "due 2021-02-02T16:30:00Z -> 2021-02-03T00:00:00Z and "
                           "ordered by g.incite,g.de_court -> g.de_court");
    free(s);
    /* the other way round, and a measure ordered or no longer */
    assert_int_equal(gavel_decision_without(fx->d, "g.de_court", fx->cf), GAVEL_OK);
    p = (pair){ fx->cf, fx->d };
    s = text_of(put_changes, &p);
    assert_string_equal(s, "withhold_post post:7: in IN -> DE,IN and ordered by g.incite -> g.incite,g.de_court | "
                           "now notify_user account:acc04 in * until 2021-08-01T00:00:00Z");
    free(s);
    assert_int_equal(cli_measures_changes(NULL, fx->cf, fx->d, ""), 2);
}

static void targets_changed_under_one_scope(void **state)
{
    fixture *fx = *state;
    evaluate(fx, "{\"id\":\"acc01\",\"posts\":[{\"id\":\"p1\",\"incites\":true},"
                 "{\"id\":\"p3\",\"court_de\":true}]}");
    gavel_decision *first = gavel_decision_new();
    assert_int_equal(gavel_decision_without(fx->d, "g.de_court", first), GAVEL_OK);
    evaluate(fx, "{\"id\":\"acc01\",\"posts\":[{\"id\":\"p1\",\"incites\":true},"
                 "{\"id\":\"p2\",\"incites\":true}]}");
    pair p = { first, fx->d };
    char *s = text_of(put_changes, &p);
    assert_string_equal(s, "withhold_post in IN: targets post:p1 -> post:p1,post:p2");
    free(s);
    gavel_decision_free(first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_line_quotes_what_would_misread),
        cmocka_unit_test(changes_name_what_moved),
        cmocka_unit_test(targets_changed_under_one_scope),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
