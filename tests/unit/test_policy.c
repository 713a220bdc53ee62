/*
 * test_policy.c: loading a policy (docs/policy.md, "The manifest"): the
 * manifest, rule files in order, lexicons, the digest, and every load
 * error with its place.
 */
#include "testutil.h"

static const char *MANIFEST =
    "name: t\nversion: \"1\"\noutcomes: [withhold, review, keep]\n"
    "default: keep\non_error: review\nrules: [rules.lua]\n";

/* Loads; returns the first error message ("" when it loaded). */
static char msg[2048];

static const char *load_error(const char *manifest, const char *rules)
{
    const char *dir = tu_policy_dir(manifest, rules);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    assert_non_null(p);
    /* Messages name files under the temporary dir; keep only the tail. */
    const char *e = gavel_policy_errmsg(p);
    const char *tail = strstr(e, dir) ? strstr(e, dir) + strlen(dir) + 1 : e;
    snprintf(msg, sizeof msg, "%s", tail);
    gavel_policy_free(p);
    tu_rmdir(dir);
    return msg;
}

#define assert_contains(hay, needle) do { \
    const char *h_ = (hay); \
    if (!strstr(h_, (needle))) fail_msg("'%s' does not contain '%s'", h_, (needle)); \
} while (0)

static void test_loads(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(
        "name: t.x-1\nversion: \"2021.02\"\njurisdiction: IN\n"
        "outcomes: [withhold, review, keep]\ndefault: keep\n"
        "rules: [a.lua, 'more/*.lua']\n", NULL);
    tu_write(dir, "a.lua", "rule 'a' { outcome = 'withhold', cites = 'C', reason = 'R',\n"
                           "  when = function() return false end }\n");
    char sub[600];
    snprintf(sub, sizeof sub, "mkdir -p '%s/more'", dir);
    assert_int_equal(system(sub), 0);
    tu_write(dir, "more/c.lua", "rule 'c' { outcome = 'keep', defeats = 'b', when = function() end }\n");
    tu_write(dir, "more/b.lua", "rule 'b' { outcome = 'review', defeats = { 'a' }, when = function() end }\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    assert_string_equal(gavel_policy_name(p), "t.x-1");
    assert_string_equal(gavel_policy_version(p), "2021.02");
    /* on_error defaults to review when review is an outcome. */
    assert_string_equal(gavel_policy_on_error(p), "review");
    assert_string_equal(gavel_policy_default(p), "keep");
    /* Files in manifest order, globs sorted. */
    assert_int_equal(gavel_policy_nrules(p), 3);
    assert_string_equal(gavel_policy_rule(p, 0)->id, "a");
    assert_string_equal(gavel_policy_rule(p, 1)->id, "b");
    assert_string_equal(gavel_policy_rule(p, 2)->id, "c");
    assert_int_equal(gavel_policy_rule(p, 0)->line, 1);
    assert_string_equal(gavel_policy_rule(p, 1)->defeats[0], "a");
    const char *digest = gavel_policy_digest(p);
    assert_int_equal(strlen(digest), 7 + 64);
    char keep[80];
    snprintf(keep, sizeof keep, "%s", digest);
    gavel_policy_free(p);
    /* Same files, same digest; one byte changed, another digest. */
    p = gavel_policy_load(dir, NULL);
    assert_string_equal(gavel_policy_digest(p), keep);
    gavel_policy_free(p);
    tu_write(dir, "more/c.lua", "rule 'c' { outcome = 'keep', defeats = 'b', when = function() end }\n ");
    p = gavel_policy_load(dir, NULL);
    assert_string_not_equal(gavel_policy_digest(p), keep);
    gavel_policy_free(p);
    tu_rmdir(dir);
}

static void test_manifest_errors(void **state)
{
    (void)state;
    assert_contains(load_error("name: t\nversion: 1\noutcomes: [a\n", NULL), "policy.yaml:");
    assert_contains(load_error("version: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\nrules: []\n",
                               NULL), "missing required key 'name'");
    assert_contains(load_error("name: T!\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: []\n", NULL), "policy.yaml:1:7: name 'T!' must match");
    assert_contains(load_error("name: t\nversion: 1.5\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: []\n", NULL), "'version' must be a string (quote it)");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a, b]\ndefault: c\n"
                               "on_error: a\nrules: []\n", NULL),
                    "policy.yaml:4:10: default 'c' is not one of the outcomes");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a, b]\ndefault: a\nrules: []\n",
                               NULL), "no 'on_error' and no 'review' outcome");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: [nothere.lua]\n", NULL), "rule file");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: ['x/*.lua']\n", NULL), "'x/*.lua' matches no file");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: []\ndefualt: a\n", NULL), "unknown manifest key 'defualt'");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: []\nlexicons: { w: nofile.txt }\n", NULL),
                    "lexicon 'w'");
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: []\nlimits: { millis: 0 }\n", NULL),
                    "limit 'millis' must be a positive integer");
    /* Not wrapped round to a small limit. */
    assert_contains(load_error("name: t\nversion: \"1\"\noutcomes: [a]\ndefault: a\non_error: a\n"
                               "rules: []\nlimits: { millis: 4294967296 }\n", NULL),
                    "policy.yaml:7:19: limit 'millis' is too large");
}

static void test_rule_errors(void **state)
{
    (void)state;
    assert_contains(load_error(MANIFEST, "rule 'a' {\n  outcome = 'keep',\n  when = function() end\n"
                                         "rule 'b' { }\n"),
                    "rules.lua:4:");
    assert_contains(load_error(MANIFEST, "rule 'a' { outcome = 'block', when = function() end }\n"),
                    "rules.lua:1:1: rule 'a': unknown outcome 'block'");
    assert_contains(load_error(MANIFEST, "rule 'a' { when = function() end }\n\n"
                                         "rule 'a' { when = function() end }\n"),
                    "rules.lua:3:1: duplicate rule id 'a' (first defined at ");
    assert_contains(load_error(MANIFEST, "rule 'a' { when = function() end }\n\n"
                                         "rule 'a' { when = function() end }\n"),
                    "rules.lua:1)");
    assert_contains(load_error(MANIFEST, "rule 'a' { defeats = 'g.*', when = function() end }\n"),
                    "rule 'a': defeats pattern 'g.*' matches no rule");
    assert_contains(load_error(MANIFEST,
                               "rule 'a' { defeats = 'b', when = function() end }\n"
                               "rule 'b' { defeats = 'c', when = function() end }\n"
                               "rule 'c' { defeats = 'a', when = function() end }\n"),
                    "defeat cycle: ");
    const char *m = load_error(MANIFEST,
                               "rule 'a' { defeats = 'b', when = function() end }\n"
                               "rule 'b' { defeats = 'c', when = function() end }\n"
                               "rule 'c' { defeats = 'a', when = function() end }\n");
    assert_contains(m, "a -> ");
    assert_contains(m, "b -> ");
    assert_contains(m, "c -> ");
    assert_contains(load_error(MANIFEST, "rule 'a' { outcome = 'keep', defeat = 'x', "
                                         "when = function() end }\n"),
                    "rule 'a': unknown field 'defeat'");
    assert_contains(load_error(MANIFEST, "rule 'a' { outcome = 'keep' }\n"),
                    "'when' must be a function");
    assert_contains(load_error(MANIFEST, "rule 'a' { in_force = { from = '2021-13-01' }, "
                                         "when = function() end }\n"),
                    "in_force.from '2021-13-01' is not a date");
    assert_contains(load_error(MANIFEST, "rule 'a b' { when = function() end }\n"),
                    "rule id 'a b'");
    assert_contains(load_error(MANIFEST, "while true do end\n"), "instruction budget");
    assert_contains(load_error(MANIFEST, "x = nil .. 1\n"), "rules.lua:1:");
}

static void test_lib_globals_shared(void **state)
{
    (void)state;
    /* A helper file defines a global table for the rule files after it;
     * once loaded, it is frozen. */
    const char *dir = tu_policy_dir(
        "name: t\nversion: \"1\"\noutcomes: [withhold, review, keep]\ndefault: keep\n"
        "rules: [lib.lua, rules.lua]\n",
        "rule 'a' { outcome = 'withhold', when = function(r) return helpers.big(r.n) end }\n");
    tu_write(dir, "lib.lua", "helpers = {}\nfunction helpers.big(n) return (n or 0) > 10 end\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, "{\"n\":11}");
    assert_string_equal(gavel_decision_outcome(d), "withhold");
    tu_eval(ev, d, "{\"n\":1}");
    assert_string_equal(gavel_decision_outcome(d), "keep");
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    tu_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads),
        cmocka_unit_test(test_manifest_errors),
        cmocka_unit_test(test_rule_errors),
        cmocka_unit_test(test_lib_globals_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
