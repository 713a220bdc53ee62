/*
 * test_as_of.c: the evaluation time (docs/policy.md, "When a rule is in
 * force"): as_of as a date or a date-time with a zone, in_force bounds as
 * instants at their edges and across time zones, how as_of is written, and
 * each record judged at its own time (gavel_evaluator_set_as_of_field).
 */
#include "testutil.h"
#include "date.h"

/* 'old' until and 'new' from the same instant, 10:00 UTC on 25 February;
 * 'month' from a date to a date; each reason shows the ctx.as_of it saw. */
static const char *BOUNDS =
    "rule 'old' { outcome = 'withhold', reason = '{d}',\n"
    "  in_force = { ['until'] = '2021-02-25T15:30:00+05:30' },\n"
    "  when = function(r, ctx) return r.old == true, { d = ctx.as_of } end }\n"
    "rule 'new' { outcome = 'withhold', reason = '{d}',\n"
    "  in_force = { from = '2021-02-25T10:00:00Z' },\n"
    "  when = function(r, ctx) return r.new == true, { d = ctx.as_of } end }\n"
    "rule 'month' { outcome = 'withhold', reason = '{d}',\n"
    "  in_force = { from = '2021-02-25', ['until'] = '2021-03-01' },\n"
    "  when = function(r, ctx) return r.month == true, { d = ctx.as_of } end }\n";

static const char *ALL = "{\"old\":true,\"new\":true,\"month\":true}";

typedef struct fixture {
    gavel_policy *p;
    gavel_evaluator *ev;
    gavel_decision *d;
} fixture;

static fixture fx_new(void)
{
    fixture f;
    f.p = tu_load(BOUNDS);
    f.ev = gavel_evaluator_new(f.p);
    assert_int_equal(gavel_evaluator_status(f.ev), GAVEL_OK);
    f.d = gavel_decision_new();
    return f;
}

static void fx_free(fixture *f)
{
    gavel_decision_free(f->d);
    gavel_evaluator_free(f->ev);
    gavel_policy_free(f->p);
}

/* The rules in force at as_of, as the determining rules of ALL. */
static const char *in_force_at(fixture *f, const char *as_of)
{
    assert_int_equal(gavel_evaluator_set_as_of(f->ev, as_of), GAVEL_OK);
    tu_eval(f->ev, f->d, ALL);
    return tu_reasons(f->d);
}

static void test_as_of_text(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        { "2021-02-04", "2021-02-04" },                      /* a date as written */
        { "2021-02-04T18:30:00+05:30", "2021-02-04T13:00:00Z" },
        { "2021-02-04t13:00z", "2021-02-04T13:00:00Z" },
        { "2021-02-04T13:00:00.250Z", "2021-02-04T13:00:00.250Z" },
        { "2021-12-31T23:30:00-01:00", "2022-01-01T00:30:00Z" },
        { "2021-01-01T01:00:00+05:30", "2020-12-31T19:30:00Z" },
        { "2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00Z" },
        { "1900-03-01T00:00:00+01:00", "1900-02-28T23:00:00Z" },
        { "1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[GVDATE_MAX];
        int64_t ms;
        int date_only;
        assert_int_equal(gvdate_as_of(cases[i][0], strlen(cases[i][0]), out, &ms, &date_only), 0);
        assert_string_equal(out, cases[i][1]);
    }
    int64_t ms;
    int date_only;
    assert_int_equal(gvdate_instant("2021-02-04T13:00", 16, &ms, &date_only), -2);
    assert_int_equal(gvdate_instant("2021-02-04T13:00:00", 19, &ms, &date_only), -2);
    assert_int_equal(gvdate_instant("2021-02-04T13:00:00.5", 21, &ms, &date_only), -2);
    assert_int_equal(gvdate_instant("2021-02-04T13:00+0530", 21, &ms, &date_only), -1);
    assert_int_equal(gvdate_instant("2021-02-0", 9, &ms, &date_only), -1);
    assert_int_equal(gvdate_instant("2021-02-04", 10, &ms, &date_only), 0);
    assert_int_equal(ms, 1612396800000);
}

/* from is inclusive, until exclusive, compared as instants. */
static void test_boundaries(void **state)
{
    (void)state;
    fixture f = fx_new();
    assert_string_equal(in_force_at(&f, "2021-02-25T09:59:59Z"), "old,month");
    assert_string_equal(in_force_at(&f, "2021-02-25T09:59:59.999Z"), "old,month");
    assert_string_equal(gavel_decision_as_of(f.d), "2021-02-25T09:59:59.999Z");
    assert_string_equal(in_force_at(&f, "2021-02-25T10:00:00Z"), "new,month");
    assert_string_equal(in_force_at(&f, "2021-02-25T15:30:00+05:30"), "new,month");
    /* The decision's as_of and ctx.as_of: the instant in UTC. */
    assert_string_equal(gavel_decision_as_of(f.d), "2021-02-25T10:00:00Z");
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, "2021-02-25T10:00:00Z");
    assert_string_equal(gavel_evaluator_as_of(f.ev), "2021-02-25T10:00:00Z");
    /* A date is the start of its day: before 10:00, so 'old'. */
    assert_string_equal(in_force_at(&f, "2021-02-25"), "old,month");
    assert_string_equal(gavel_decision_as_of(f.d), "2021-02-25");
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, "2021-02-25");
    fx_free(&f);
}

/* Date bounds against date-times, and offsets whose UTC date is not the
 * local one. */
static void test_date_bounds_and_zones(void **state)
{
    (void)state;
    fixture f = fx_new();
    assert_string_equal(in_force_at(&f, "2021-02-24T23:59:59Z"), "old");
    assert_string_equal(in_force_at(&f, "2021-02-25T00:00:00Z"), "old,month");
    assert_string_equal(in_force_at(&f, "2021-02-28T23:59:59Z"), "new,month");
    assert_string_equal(in_force_at(&f, "2021-03-01T00:00:00Z"), "new");
    assert_string_equal(in_force_at(&f, "2021-03-01"), "new");
    /* 1 March in Delhi, still 28 February in UTC: in force. */
    assert_string_equal(in_force_at(&f, "2021-03-01T02:00:00+05:30"), "new,month");
    assert_string_equal(gavel_decision_as_of(f.d), "2021-02-28T20:30:00Z");
    /* 24 February in New York, already 25 February in UTC: in force. */
    assert_string_equal(in_force_at(&f, "2021-02-24T20:00:00-05:00"), "old,month");
    assert_string_equal(gavel_decision_as_of(f.d), "2021-02-25T01:00:00Z");
    /* 25 February in Delhi at 05:00 is still the 24th in UTC. */
    assert_string_equal(in_force_at(&f, "2021-02-25T05:00:00+05:30"), "old");
    fx_free(&f);
}

static void test_bad_as_of(void **state)
{
    (void)state;
    fixture f = fx_new();
    assert_int_equal(gavel_evaluator_set_as_of(f.ev, "2021-02-25T10:00:00Z"), GAVEL_OK);
    assert_int_equal(gavel_evaluator_set_as_of(f.ev, "2021-02-25T10:00"), GAVEL_EARG);
    assert_non_null(strstr(gavel_evaluator_errmsg(f.ev), "has no time zone"));
    assert_int_equal(gavel_evaluator_set_as_of(f.ev, "2021-02-25T24:00Z"), GAVEL_EARG);
    assert_non_null(strstr(gavel_evaluator_errmsg(f.ev), "is not a date YYYY-MM-DD"));
    /* A refused as_of leaves the one in effect. */
    assert_string_equal(gavel_evaluator_as_of(f.ev), "2021-02-25T10:00:00Z");
    fx_free(&f);
}

static void test_bad_bounds(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(NULL,
        "rule 'r' { outcome = 'keep', in_force = { ['until'] = '2021-02-25T10:00' },\n"
        "  when = function() return true end }\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    assert_int_not_equal(gavel_policy_status(p), GAVEL_OK);
    assert_non_null(strstr(gavel_policy_errmsg(p), "in_force.until '2021-02-25T10:00' is not a "
                           "date YYYY-MM-DD or a date-time with a zone"));
    gavel_policy_free(p);
    tu_rmdir(dir);
}

/* Each record at its own time, in one run, on both sides of the boundary
 * and back. */
static void test_as_of_field(void **state)
{
    (void)state;
    fixture f = fx_new();
    gavel_evaluator_set_as_of(f.ev, "2020-01-01");
    assert_int_equal(gavel_evaluator_set_as_of_field(f.ev, "notice.received_at"), GAVEL_OK);
    static const char *records[][3] = {
        { "2021-02-25T09:59:59Z", "old", "2021-02-25T09:59:59Z" },
        { "2021-02-25T10:00:00Z", "new", "2021-02-25T10:00:00Z" },
        { "2021-02-25T15:30:00+05:30", "new", "2021-02-25T10:00:00Z" },
        { "2021-02-25T15:29:59+05:30", "old", "2021-02-25T09:59:59Z" },
        { "2021-02-25", "old", "2021-02-25" },
        { "2021-02-25T00:00:00Z", "old", "2021-02-25T00:00:00Z" },
        { "2021-03-01T02:00:00+05:30", "new", "2021-02-28T20:30:00Z" },
    };
    for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
        char json[200];
        snprintf(json, sizeof json, "{\"old\":true,\"new\":true,\"notice\":{\"received_at\":"
                 "\"%s\"}}", records[i][0]);
        assert_int_equal(tu_eval(f.ev, f.d, json), GAVEL_OK);
        assert_string_equal(tu_reasons(f.d), records[i][1]);
        assert_string_equal(gavel_decision_as_of(f.d), records[i][2]);
        assert_string_equal(gavel_decision_reason(f.d, 0)->reason, records[i][2]);
    }
    /* The run's as_of is untouched, and comes back with the field off. */
    assert_string_equal(gavel_evaluator_as_of(f.ev), "2020-01-01");
    assert_int_equal(gavel_evaluator_set_as_of_field(f.ev, NULL), GAVEL_OK);
    tu_eval(f.ev, f.d, ALL);
    assert_string_equal(tu_reasons(f.d), "old");
    assert_string_equal(gavel_decision_as_of(f.d), "2020-01-01");
    fx_free(&f);
}

/* A record without its time is not judged under the run's: on_error,
 * naming the field and the record, as_of null. */
static void test_as_of_field_missing_or_bad(void **state)
{
    (void)state;
    fixture f = fx_new();
    gavel_evaluator_set_as_of(f.ev, "2021-02-25T10:00:00Z");
    assert_int_equal(gavel_evaluator_set_as_of_field(f.ev, "notice.received_at"), GAVEL_OK);
    static const char *records[][2] = {
        { "{\"old\":true}", "is missing" },
        { "{\"old\":true,\"notice\":\"x\"}", "is missing" },
        { "{\"old\":true,\"notice\":{\"received_at\":null}}", "is missing" },
        { "{\"old\":true,\"notice\":{\"received_at\":20210225}}", "not 20210225" },
        { "{\"old\":true,\"notice\":{\"received_at\":\"2021-02-25T10:00\"}}",
          "not \"2021-02-25T10:00\"" },
        { "{\"old\":true,\"notice\":{\"received_at\":\"soon\"}}", "not \"soon\"" },
    };
    for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
        assert_int_equal(tu_eval(f.ev, f.d, records[i][0]), GAVEL_EINPUT);
        assert_string_equal(gavel_decision_outcome(f.d), "review");     /* on_error */
        assert_int_equal(gavel_decision_nfired(f.d), 0);
        assert_int_equal(gavel_decision_nerrors(f.d), 1);
        const char *msg = gavel_decision_error(f.d, 0)->message;
        assert_non_null(strstr(msg, "test:1: the as_of field 'notice.received_at' "));
        assert_non_null(strstr(msg, records[i][1]));
        assert_string_equal(gavel_decision_as_of(f.d), "");
        size_t len;
        assert_non_null(strstr(gavel_decision_json(f.d, &len), "\"as_of\":null}"));
    }
    /* The next good record is judged at its own time again. */
    tu_eval(f.ev, f.d, "{\"old\":true,\"notice\":{\"received_at\":\"2021-02-25\"}}");
    assert_string_equal(tu_reasons(f.d), "old");
    const char *bad[] = { "", ".a", "a.", "a..b" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(gavel_evaluator_set_as_of_field(f.ev, bad[i]), GAVEL_EARG);
        assert_non_null(strstr(gavel_evaluator_errmsg(f.ev), "is not a dotted path"));
    }
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_as_of_text),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_date_bounds_and_zones),
        cmocka_unit_test(test_bad_as_of),
        cmocka_unit_test(test_bad_bounds),
        cmocka_unit_test(test_as_of_field),
        cmocka_unit_test(test_as_of_field_missing_or_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
