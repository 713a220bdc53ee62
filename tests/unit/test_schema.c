/*
 * test_schema.c: schema.yaml (docs/schema.md): loading it, and records that
 * violate it getting on_error with each path and what was expected.
 */
#include "testutil.h"

static const char *MANIFEST =
    "name: s\nversion: \"1\"\noutcomes: [withhold, review, keep]\ndefault: keep\n"
    "rules: [rules.lua]\nschema: schema.yaml\n";

static const char *SCHEMA =
    "fields:\n"
    "  id: string\n"
    "  created_at: datetime?\n"
    "  joined: date?\n"
    "  verified: bool?\n"
    "  followers: int?\n"
    "  score: number?\n"
    "  category: {type: enum, values: [news_media, individual]}\n"
    "  tags: \"string[]?\"\n"
    "  extra: {type: any, required: false}\n"
    "  posts:\n"
    "    type: array\n"
    "    required: false\n"
    "    items:\n"
    "      type: object\n"
    "      fields:\n"
    "        id: string\n"
    "        labels: {type: object, required: false, fields: {speech_level: "
    "{type: enum, values: [discussion, incitement]}}}\n";

static gavel_policy *load_schema(const char *schema, char *errbuf, size_t n)
{
    const char *dir = tu_policy_dir(MANIFEST, "rule 'k' { outcome = 'withhold', cites = 'c',\n"
                                              "  when = function(r) return r.category == 'x' end }\n");
    tu_write(dir, "schema.yaml", schema);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    snprintf(errbuf, n, "%s", gavel_policy_errmsg(p));
    tu_rmdir(dir);
    return p;
}

static const char *first_error(gavel_evaluator *ev, gavel_decision *d, const char *rec)
{
    tu_eval(ev, d, rec);
    return gavel_decision_nerrors(d) ? gavel_decision_error(d, 0)->message : "";
}

#define assert_contains(hay, needle) do { \
    const char *h_ = (hay); \
    if (!strstr(h_, (needle))) fail_msg("'%s' does not contain '%s'", h_, (needle)); \
} while (0)

static void test_valid_records_pass(void **state)
{
    (void)state;
    char err[1024];
    gavel_policy *p = load_schema(SCHEMA, err, sizeof err);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    assert_string_equal(first_error(ev, d, "{\"id\":\"a\",\"category\":\"individual\"}"), "");
    assert_string_equal(first_error(ev, d,
        "{\"id\":\"a\",\"category\":\"news_media\",\"created_at\":\"2021-02-04T10:00:00+05:30\","
        "\"joined\":\"2020-02-29\",\"verified\":true,\"followers\":3,\"score\":0.5,"
        "\"tags\":[\"x\"],\"extra\":{\"any\":[1,{}]},\"unknown_field\":1,\"created_at2\":null,"
        "\"posts\":[{\"id\":\"p\",\"labels\":{\"speech_level\":\"discussion\"}}]}"), "");
    /* Optional fields may be null. */
    assert_string_equal(first_error(ev, d, "{\"id\":\"a\",\"category\":\"individual\","
                                           "\"score\":null,\"posts\":null}"), "");
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_violations(void **state)
{
    (void)state;
    char err[1024];
    gavel_policy *p = load_schema(SCHEMA, err, sizeof err);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    assert_contains(first_error(ev, d, "{\"category\":\"individual\"}"),
                    "schema: id: required string is absent");
    assert_contains(first_error(ev, d, "{\"id\":null,\"category\":\"individual\"}"),
                    "schema: id: required string is null");
    assert_contains(first_error(ev, d, "{\"id\":1,\"category\":\"individual\"}"),
                    "schema: id: expected string, got an integer");
    assert_contains(first_error(ev, d, "{\"id\":\"a\",\"category\":\"bot\"}"),
                    "schema: category: expected one of news_media, individual; got \"bot\"");
    assert_contains(first_error(ev, d, "{\"id\":\"a\",\"category\":\"individual\","
                                       "\"joined\":\"2021-02-30\"}"),
                    "schema: joined: expected date, got \"2021-02-30\"");
    assert_contains(first_error(ev, d, "{\"id\":\"a\",\"category\":\"individual\","
                                       "\"followers\":1.5}"),
                    "schema: followers: expected int, got a number");
    assert_contains(first_error(ev, d, "{\"id\":\"a\",\"category\":\"individual\","
                                       "\"tags\":[\"x\",2]}"),
                    "schema: tags[2]: expected string, got an integer");
    assert_contains(first_error(ev, d, "{\"id\":\"a\",\"category\":\"individual\",\"posts\":"
                                       "[{\"id\":\"p\"},{\"id\":\"q\",\"labels\":"
                                       "{\"speech_level\":\"shouting\"}}]}"),
                    "schema: posts[2].labels.speech_level: expected one of discussion, "
                    "incitement; got \"shouting\"");
    /* The decision is on_error, and no rule ran. */
    assert_string_equal(gavel_decision_outcome(d), "review");
    assert_int_equal(gavel_decision_nfired(d), 0);
    assert_null(gavel_decision_error(d, 0)->rule);
    /* Several violations are all listed. */
    tu_eval(ev, d, "{\"id\":2,\"category\":3,\"verified\":\"yes\"}");
    assert_int_equal(gavel_decision_nerrors(d), 3);
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_bad_schemas(void **state)
{
    (void)state;
    char err[1024];
    gavel_policy_free(load_schema("fields:\n  id: strin\n", err, sizeof err));
    assert_contains(err, "schema.yaml:2:7: unknown type 'strin'");
    gavel_policy_free(load_schema("fields:\n  c: {type: enum}\n", err, sizeof err));
    assert_contains(err, "an enum needs 'values'");
    gavel_policy_free(load_schema("fields:\n  c: {type: string, requried: false}\n", err, sizeof err));
    assert_contains(err, "unknown schema key 'requried'");
    gavel_policy_free(load_schema("id: string\n", err, sizeof err));
    assert_contains(err, "a schema is a mapping with 'fields'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_records_pass),
        cmocka_unit_test(test_violations),
        cmocka_unit_test(test_bad_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
