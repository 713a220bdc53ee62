/*
 * fuzz_manifest.c: policy loading (policy.c, rules.c, digest.c, schema.c,
 * lexicon.c and the loader's sandbox) with the input as policy.yaml.
 *
 * The scratch directory holds a fixed rules.lua, words.txt (a lexicon),
 * schema.yaml and tests/cases.yaml, written once per process; each input
 * rewrites only policy.yaml. The manifest may name any of those files in
 * any role (policy.yaml itself as rules, lexicon, schema or tests), so
 * this harness also feeds its input to the Lua loader, the lexicon parser
 * and the schema parser. A manifest that names a path with '/' in it is not
 * tried: the harness must not read the rest of the machine.
 *
 * A policy that loads is also checked (gavel_policy_check: lints and the
 * policy's own tests), run over its test files, and evaluated on a fixed
 * record: the combined harness of docs/security.md, item 18.
 */
#include "fuzz_common.h"
#include "fuzz_fixture.h"
#include "yamldoc.h"

static int has_slash(const gv_value *v)
{
    switch (v->type) {
    case GV_STR:
        return memchr(v->u.s, '/', v->len) != NULL;
    case GV_ARR:
        for (uint32_t i = 0; i < v->len; i++)
            if (has_slash(v->u.items[i]))
                return 1;
        return 0;
    case GV_OBJ:
        for (uint32_t i = 0; i < v->len; i++)
            if (memchr(v->u.members[i].key, '/', v->u.members[i].klen) ||
                has_slash(v->u.members[i].val))
                return 1;
        return 0;
    default:
        return 0;
    }
}

static void check_policy(const gavel_policy *p)
{
    gavel_status st = gavel_policy_status(p);
    FUZZ_CHECK(st == GAVEL_OK || st == GAVEL_EPOLICY, "policy status %s", gavel_status_name(st));
    const char *msg = gavel_policy_errmsg(p);
    FUZZ_CHECK(msg != NULL && (st == GAVEL_OK) == (msg[0] == '\0'),
               "status %s with errmsg '%s'", gavel_status_name(st), msg ? msg : "(null)");
    size_t nerr = 0;
    for (size_t i = 0; i < gavel_policy_ndiags(p); i++) {
        const gavel_diag *d = gavel_policy_diag(p, i);
        FUZZ_CHECK(d && d->file && d->message && d->message[0], "diag %zu", i);
        nerr += d->severity == GAVEL_ERROR;
    }
    FUZZ_CHECK((st == GAVEL_OK) == (nerr == 0), "status %s with %zu error diagnostics",
               gavel_status_name(st), nerr);
    if (st != GAVEL_OK)
        return;
    FUZZ_CHECK(gavel_policy_name(p) && gavel_policy_version(p), "name or version");
    const char *dg = gavel_policy_digest(p);
    FUZZ_CHECK(dg && strlen(dg) == 71 && strncmp(dg, "sha256:", 7) == 0, "digest %s",
               dg ? dg : "(null)");
    FUZZ_CHECK(gavel_policy_default(p) && gavel_policy_on_error(p), "default or on_error");
    for (size_t i = 0; i < gavel_policy_nrules(p); i++) {
        const gavel_rule_info *r = gavel_policy_rule(p, i);
        FUZZ_CHECK(r && r->id && r->file, "rule %zu", i);
        FUZZ_CHECK(!r->outcome || fix_outcome_known(p, r->outcome), "rule %s outcome", r->id);
        for (size_t k = 0; k < r->ndefeats; k++)
            FUZZ_CHECK(r->defeats[k] && strcmp(r->defeats[k], r->id) != 0,
                       "rule %s defeats %zu", r->id, k);
    }
}

static void evaluate(const gavel_policy *p)
{
    gavel_evaluator *ev = gavel_evaluator_new(p);
    FUZZ_CHECK(ev != NULL, "evaluator_new returned NULL");
    if (gavel_evaluator_status(ev) != GAVEL_OK) {
        gavel_evaluator_free(ev);
        return;
    }
    gavel_evaluator_set_as_of(ev, "2021-02-04");
    gavel_decision *d = gavel_decision_new();
    fix_eval_text(ev, p, d, FIX_RECORD_A, strlen(FIX_RECORD_A), GAVEL_JSON);
    fix_check_without(p, d);
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
}

static void run_tests(const gavel_policy *p)
{
    gavel_testsuite *t = gavel_testsuite_new(p);
    FUZZ_CHECK(t != NULL, "testsuite_new returned NULL");
    for (size_t i = 0; i < gavel_policy_ntests(p) && i < 4; i++) {
        gavel_testsuite_run_file(t, gavel_policy_test_file(p, i), NULL);
        for (size_t k = 0; k < gavel_testsuite_nresults(t); k++) {
            const gavel_test_result *r = gavel_testsuite_result(t, k);
            FUZZ_CHECK(r && r->name && (r->passed || r->failure), "test result %zu", k);
        }
    }
    for (size_t i = 0; i < gavel_testsuite_nunfired(t); i++)
        FUZZ_CHECK(gavel_testsuite_unfired(t, i) != NULL, "unfired %zu", i);
    for (size_t i = 0; i < gavel_testsuite_nunexercised(t); i++)
        FUZZ_CHECK(gavel_testsuite_unexercised(t, i) != NULL, "unexercised %zu", i);
    gavel_testsuite_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        fix_write_policy(NULL, 0, NULL, 0);
        fix_write_others();
        ready = 1;
    }

    /* Names with '/' could reach any file on the machine: not tried. */
    gv_limits dl = GV_LIMITS_DEFAULT;
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };
    gv_value *m = gvyaml_load_buf((const char *)data, size, &a, &dl, &e);
    int skip = m && has_slash(m);
    gv_arena_free(&a);
    if (skip)
        return -1;

    fuzz_write("policy.yaml", data, size);
    gavel_limits lim;
    fuzz_gavel_limits(&lim);
    gavel_policy *p = gavel_policy_load(fuzz_dir(), &lim);
    FUZZ_CHECK(p != NULL, "policy_load returned NULL");
    check_policy(p);
    int loaded = gavel_policy_status(p) == GAVEL_OK;
    if (loaded) {
        evaluate(p);
        run_tests(p);
    }
    gavel_policy_free(p);

    if (loaded) {
        p = gavel_policy_check(fuzz_dir(), &lim);
        FUZZ_CHECK(p != NULL, "policy_check returned NULL");
        check_policy(p);
        gavel_policy_free(p);
    }
    return 0;
}
