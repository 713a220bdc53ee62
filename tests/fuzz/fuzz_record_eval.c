/*
 * fuzz_record_eval.c: the input as one record, read through
 * gavel_record_parse (as JSON, then as YAML) and evaluated against a fixed
 * policy (fuzz_fixture.h: a lexicon, a schema, grounds, an exemption and
 * an exception) through the public API. Covers the record proxies rules read
 * (proxy.c), `missing` paths, schema checks (schema.c), evidence and
 * reasons (eval.c, decision.c) on hostile records.
 *
 * Checks: every record gets a complete decision whose JSON is valid, with
 * an error when the record could not be read; the counterfactual of every
 * fired rule is a decision; the evaluator goes on normally afterwards.
 */
#include "fuzz_common.h"
#include "fuzz_fixture.h"

static gavel_policy *policy;
static gavel_evaluator *evaluator;
static char *baseline;     /* the decision for FIX_RECORD_B on a fresh evaluator */

static void teardown(void)
{
    free(baseline);
    gavel_evaluator_free(evaluator);
    gavel_policy_free(policy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gavel_decision *d = gavel_decision_new();
    if (!policy) {
        fix_write_policy(NULL, 0, NULL, 0);
        fix_write_others();
        gavel_limits lim;
        fuzz_gavel_limits(&lim);
        policy = gavel_policy_load(fuzz_dir(), &lim);
        FUZZ_CHECK(policy && gavel_policy_status(policy) == GAVEL_OK, "fixed policy: %s",
                   policy ? gavel_policy_errmsg(policy) : "NULL");
        evaluator = gavel_evaluator_new(policy);
        FUZZ_CHECK(evaluator && gavel_evaluator_status(evaluator) == GAVEL_OK, "evaluator: %s",
                   evaluator ? gavel_evaluator_errmsg(evaluator) : "NULL");
        FUZZ_CHECK(gavel_evaluator_set_context(evaluator, FIX_CONTEXT, strlen(FIX_CONTEXT),
                                               "context.yaml") == GAVEL_OK, "context");
        gavel_evaluator_set_as_of(evaluator, "2021-02-04");
        gavel_status bst = fix_eval_text(evaluator, policy, d, FIX_RECORD_B,
                                         strlen(FIX_RECORD_B), GAVEL_JSON);
        size_t len;
        FUZZ_CHECK(bst == GAVEL_OK, "baseline record: %s", gavel_decision_json(d, &len));
        baseline = strdup(gavel_decision_json(d, &len));
        atexit(teardown);
    }

    fix_eval_text(evaluator, policy, d, (const char *)data, size, GAVEL_JSON);
    fix_check_without(policy, d);
    fix_eval_text(evaluator, policy, d, (const char *)data, size, GAVEL_YAML);
    fix_check_without(policy, d);

    /* The evaluator is not left worse for it. */
    gavel_status st = fix_eval_text(evaluator, policy, d, FIX_RECORD_B, strlen(FIX_RECORD_B),
                                    GAVEL_JSON);
    size_t len;
    const char *j = gavel_decision_json(d, &len);
    FUZZ_CHECK(st == GAVEL_OK && strcmp(j, baseline) == 0,
               "the next record decided differently (%s):\n  %s\n  %s",
               gavel_status_name(st), baseline, j);
    gavel_decision_free(d);
    return 0;
}
