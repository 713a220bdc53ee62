/*
 * fuzz_policy_eval.c: the input as rules.lua, with a fixed manifest
 * (lexicon, schema, tests), loaded and evaluated on fixed records through
 * the public API with small budgets (100,000 instructions, 200 ms, 32 MiB).
 * Covers the sandbox (sandbox.c, harden.c, lang.c, proxy.c), the rule table
 * and defeat graph (rules.c), evaluation (eval.c) and decisions (decision.c).
 *
 * Checks: the load either succeeds or says why; every decision is complete
 * and its JSON valid; the counterfactual of every fired rule is a decision;
 * no state leaks from one record to the next: record A evaluated again
 * after record B gives the same decision; and a second evaluator (a new
 * Lua state) decides A the same way. Decisions with an error are not
 * compared: a budget's timing may vary.
 */
#include "fuzz_common.h"
#include "fuzz_fixture.h"

static char *copy_json(gavel_decision *d)
{
    size_t len;
    const char *j = gavel_decision_json(d, &len);
    char *c = malloc(len + 1);
    FUZZ_CHECK(c != NULL, "out of memory");
    memcpy(c, j, len + 1);
    return c;
}

/* GAVEL_FUZZ_SKIP_DETERMINISM=1 skips the two comparisons, for long runs
 * that look for other things while a known finding there is open. */
static int check_determinism = 1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        const char *e = getenv("GAVEL_FUZZ_SKIP_DETERMINISM");
        check_determinism = !(e && *e && strcmp(e, "0") != 0);
        fix_write_policy(NULL, 0, NULL, 0);
        fix_write_others();
        ready = 1;
    }
    fuzz_write("rules.lua", data, size);

    gavel_limits lim;
    fuzz_gavel_limits(&lim);
    gavel_policy *p = gavel_policy_load(fuzz_dir(), &lim);
    FUZZ_CHECK(p != NULL, "policy_load returned NULL");
    gavel_status ps = gavel_policy_status(p);
    FUZZ_CHECK(ps == GAVEL_OK || ps == GAVEL_EPOLICY, "policy status %s", gavel_status_name(ps));
    if (ps != GAVEL_OK) {
        const char *msg = gavel_policy_errmsg(p);
        FUZZ_CHECK(msg && msg[0], "a failed load without a message");
        gavel_policy_free(p);
        return 0;
    }

    gavel_evaluator *ev = gavel_evaluator_new(p);
    FUZZ_CHECK(ev != NULL, "evaluator_new returned NULL");
    if (gavel_evaluator_status(ev) == GAVEL_OK) {
        FUZZ_CHECK(gavel_evaluator_set_context(ev, FIX_CONTEXT, strlen(FIX_CONTEXT),
                                               "context.yaml") == GAVEL_OK,
                   "set_context: %s", gavel_evaluator_errmsg(ev));
        gavel_evaluator_set_as_of(ev, "2021-02-04");
        gavel_decision *d = gavel_decision_new();

        gavel_status s1 = fix_eval_text(ev, p, d, FIX_RECORD_A, strlen(FIX_RECORD_A), GAVEL_JSON);
        fix_check_without(p, d);
        char *a1 = copy_json(d);
        gavel_status s2 = fix_eval_text(ev, p, d, FIX_RECORD_B, strlen(FIX_RECORD_B), GAVEL_JSON);
        fix_check_without(p, d);
        gavel_status s3 = fix_eval_text(ev, p, d, FIX_RECORD_A, strlen(FIX_RECORD_A), GAVEL_JSON);
        char *a3 = copy_json(d);
        if (check_determinism && s1 == GAVEL_OK && s2 == GAVEL_OK && s3 == GAVEL_OK)
            FUZZ_CHECK(strcmp(a1, a3) == 0, "record A decided differently after record B:\n"
                       "  %s\n  %s", a1, a3);
        free(a3);

        /* Another evaluator (another Lua state) decides A the same way:
         * what -j and a second run rely on. */
        if (check_determinism && s1 == GAVEL_OK) {
            gavel_evaluator *ev2 = gavel_evaluator_new(p);
            FUZZ_CHECK(ev2 != NULL, "evaluator_new returned NULL");
            if (gavel_evaluator_status(ev2) == GAVEL_OK) {
                gavel_evaluator_set_context(ev2, FIX_CONTEXT, strlen(FIX_CONTEXT), "context.yaml");
                gavel_evaluator_set_as_of(ev2, "2021-02-04");
                gavel_status s4 = fix_eval_text(ev2, p, d, FIX_RECORD_A, strlen(FIX_RECORD_A),
                                                GAVEL_JSON);
                char *a4 = copy_json(d);
                if (s4 == GAVEL_OK)
                    FUZZ_CHECK(strcmp(a1, a4) == 0, "record A decided differently by another "
                               "evaluator:\n  %s\n  %s", a1, a4);
                free(a4);
            }
            gavel_evaluator_free(ev2);
        }
        free(a1);
        gavel_decision_free(d);
    }
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    return 0;
}
