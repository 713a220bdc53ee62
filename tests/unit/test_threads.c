/*
 * test_threads.c: the threading contract of gavel.h, checked: one policy
 * shared by 8 threads, each with its own evaluator, gives every thread the
 * same decisions, byte for byte, as one thread alone. Built and run under
 * ThreadSanitizer too (-DGAVEL_TSAN=ON), where a data race fails the run.
 *
 * Three shapes of sharing:
 *   - each thread reads the records itself (its own reader and record);
 *   - the main thread reads the records once and the threads evaluate the
 *     same parsed records (records are read-only during evaluation);
 *   - each thread also reads the policy's accessors while the others run.
 */
#include "testutil.h"

#include <pthread.h>

#define NTHREADS 8
#define ROUNDS   20       /* every thread evaluates every record this often */

static const char *POLICY  = GAVEL_SOURCE_DIR "/examples/quickstart/policy";
static const char *RECORDS = GAVEL_SOURCE_DIR "/examples/quickstart/accounts.jsonl";
static const char *AS_OF   = "2021-02-04";

/* A growable string: the concatenated decision JSON of one run. */
typedef struct text {
    char  *s;
    size_t len, cap;
} text;

static int text_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + n + 2)
            cap *= 2;
        char *s2 = realloc(t->s, cap);
        if (!s2)
            return -1;
        t->s = s2;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len++] = '\n';
    t->s[t->len] = '\0';
    return 0;
}

/* What one thread does, and what it found. Failures are recorded here, not
 * asserted, since cmocka's assertions belong to the main thread. */
typedef struct job {
    const gavel_policy *policy;
    gavel_record *const *shared;  /* NULL: read the file in the thread */
    size_t nshared;
    pthread_barrier_t *start;
    const char *expected;         /* one round's output; NULL: keep it */
    text out;                     /* the first round (or the kept one) */
    int rounds_equal;             /* rounds whose output equalled expected */
    char failure[256];
} job;

static void job_fail(job *j, const char *what, const char *msg)
{
    if (!j->failure[0])
        snprintf(j->failure, sizeof j->failure, "%s: %s", what, msg ? msg : "?");
}

/* Evaluates one record into `out`. */
static int eval_one(job *j, gavel_evaluator *ev, const gavel_record *r,
                    gavel_decision *d, text *out)
{
    gavel_status st = gavel_evaluate(ev, r, d);
    if (st != GAVEL_OK) {
        job_fail(j, "evaluate", gavel_status_name(st));
        return -1;
    }
    size_t len;
    const char *json = gavel_decision_json(d, &len);
    if (!json || text_add(out, json, len) != 0) {
        job_fail(j, "decision_json", "no text");
        return -1;
    }
    return 0;
}

/* One round: every record once, from the file or from the shared records. */
static int one_round(job *j, gavel_evaluator *ev, gavel_record *rec,
                     gavel_decision *d, text *out)
{
    if (j->shared) {
        for (size_t i = 0; i < j->nshared; i++)
            if (eval_one(j, ev, j->shared[i], d, out) != 0)
                return -1;
        return 0;
    }
    gavel_reader *rd = gavel_reader_open(RECORDS, GAVEL_AUTO, gavel_policy_limits(j->policy));
    if (!rd || gavel_reader_status(rd) != GAVEL_OK) {
        job_fail(j, "reader", rd ? gavel_reader_errmsg(rd) : "out of memory");
        gavel_reader_free(rd);
        return -1;
    }
    int r, rc = 0;
    while (rc == 0 && (r = gavel_reader_next(rd, rec)) == 1)
        rc = eval_one(j, ev, rec, d, out);
    gavel_reader_free(rd);
    return rc;
}

/* Reads every public fact of the policy: all of it is shared, read-only. */
static void touch_policy(job *j)
{
    const gavel_policy *p = j->policy;
    size_t n = 0;
    for (size_t i = 0; i < gavel_policy_nrules(p); i++) {
        const gavel_rule_info *ri = gavel_policy_rule(p, i);
        n += strlen(ri->id) + ri->ndefeats + (ri->reason ? strlen(ri->reason) : 0);
    }
    for (size_t i = 0; i < gavel_policy_noutcomes(p); i++)
        n += strlen(gavel_policy_outcome(p, i));
    n += strlen(gavel_policy_digest(p)) + strlen(gavel_policy_name(p));
    n += gavel_policy_limits(p)->instructions > 0;
    if (n == 0)
        job_fail(j, "policy", "empty");
}

static void *run_job(void *arg)
{
    job *j = arg;
    if (j->start)
        pthread_barrier_wait(j->start);
    gavel_evaluator *ev = gavel_evaluator_new(j->policy);
    gavel_record *rec = gavel_record_new();
    gavel_decision *d = gavel_decision_new();
    text round = { 0 };
    if (!ev || gavel_evaluator_status(ev) != GAVEL_OK) {
        job_fail(j, "evaluator", ev ? gavel_evaluator_errmsg(ev) : "out of memory");
        goto done;
    }
    if (gavel_evaluator_set_as_of(ev, AS_OF) != GAVEL_OK) {
        job_fail(j, "as_of", gavel_evaluator_errmsg(ev));
        goto done;
    }
    int rounds = j->expected ? ROUNDS : 1;
    for (int k = 0; k < rounds; k++) {
        round.len = 0;
        if (one_round(j, ev, rec, d, &round) != 0)
            break;
        touch_policy(j);
        if (k == 0 && text_add(&j->out, round.s, round.len ? round.len - 1 : 0) != 0)
            break;
        if (j->expected && round.len && strcmp(round.s, j->expected) == 0)
            j->rounds_equal++;
    }
done:
    free(round.s);
    gavel_decision_free(d);
    gavel_record_free(rec);
    gavel_evaluator_free(ev);
    return NULL;
}

static gavel_policy *load_quickstart(void)
{
    gavel_policy *p = gavel_policy_load(POLICY, NULL);
    assert_non_null(p);
    if (gavel_policy_status(p) != GAVEL_OK)
        fail_msg("quickstart policy did not load: %s", gavel_policy_errmsg(p));
    return p;
}

/* The single-threaded output of one round, the reference. */
static char *reference(const gavel_policy *p, gavel_record *const *shared, size_t n)
{
    job j = { .policy = p, .shared = shared, .nshared = n };
    run_job(&j);
    if (j.failure[0])
        fail_msg("single-threaded run: %s", j.failure);
    assert_non_null(j.out.s);
    return j.out.s;
}

/* Runs NTHREADS jobs at once and checks every round of every thread. */
static void run_threads(const gavel_policy *p, gavel_record *const *shared, size_t n,
                        const char *expected)
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
    job jobs[NTHREADS];
    pthread_t tids[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i] = (job){ .policy = p, .shared = shared, .nshared = n, .start = &start,
                         .expected = expected };
        assert_int_equal(pthread_create(&tids[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(tids[i], NULL), 0);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < NTHREADS; i++) {
        if (jobs[i].failure[0])
            fail_msg("thread %d: %s", i, jobs[i].failure);
        assert_non_null(jobs[i].out.s);
        assert_string_equal(jobs[i].out.s, expected);
        assert_int_equal(jobs[i].rounds_equal, ROUNDS);
        free(jobs[i].out.s);
    }
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Each thread reads the file with its own reader and record. */
static void test_threads_read_their_own_records(void **state)
{
    (void)state;
    gavel_policy *p = load_quickstart();
    char *expected = reference(p, NULL, 0);
    assert_int_equal(count_lines(expected), 20);
    /* The reference is what the quick-start documents: acc003 is withheld. */
    assert_non_null(strstr(expected, "{\"id\":\"acc003\",\"decision\":\"withhold\""));
    run_threads(p, NULL, 0, expected);
    free(expected);
    gavel_policy_free(p);
}

/* The main thread parses once; all threads evaluate the same records. */
static void test_threads_share_parsed_records(void **state)
{
    (void)state;
    gavel_policy *p = load_quickstart();
    gavel_record *recs[64];
    size_t n = 0;
    gavel_reader *rd = gavel_reader_open(RECORDS, GAVEL_AUTO, gavel_policy_limits(p));
    assert_non_null(rd);
    assert_int_equal(gavel_reader_status(rd), GAVEL_OK);
    for (;;) {
        assert_true(n < 64);
        recs[n] = gavel_record_new();
        assert_non_null(recs[n]);
        if (gavel_reader_next(rd, recs[n]) != 1)
            break;
        n++;
    }
    gavel_record_free(recs[n]);
    gavel_reader_free(rd);
    assert_int_equal(n, 20);

    char *expected = reference(p, recs, n);
    char *from_file = reference(p, NULL, 0);
    assert_string_equal(expected, from_file);   /* sharing changes nothing */
    run_threads(p, recs, n, expected);
    free(from_file);
    free(expected);
    for (size_t i = 0; i < n; i++)
        gavel_record_free(recs[i]);
    gavel_policy_free(p);
}

/* Evaluators come and go while other threads evaluate: a policy freed only
 * after the last evaluator is the one rule, and nothing else is shared. */
static void test_threads_start_and_stop_evaluators(void **state)
{
    (void)state;
    gavel_policy *p = load_quickstart();
    char *expected = reference(p, NULL, 0);
    for (int k = 0; k < 3; k++)
        run_threads(p, NULL, 0, expected);
    free(expected);
    gavel_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_read_their_own_records),
        cmocka_unit_test(test_threads_share_parsed_records),
        cmocka_unit_test(test_threads_start_and_stop_evaluators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
