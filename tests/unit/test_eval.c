/*
 * test_eval.c: decision semantics (docs/policy.md, "How a decision is
 * reached") through the public API: defeat in topological order, strongest outcome, default, on_error,
 * evidence and reasons, missing facts, in_force, context and as_of.
 */
#include "testutil.h"
#include "buf.h"
#include "decision.h"

/* A ground, an exemption that defeats every ground, and an exception that
 * defeats every exemption: the exception revives the ground. */
static const char *LAYERED =
    "rule 'g.a' { outcome = 'withhold', cites = 'G-A', reason = 'ground a',\n"
    "  when = function(r) return r.a == true end }\n"
    "rule 'g.b' { outcome = 'review', reason = 'ground b',\n"
    "  when = function(r) return r.b == true end }\n"
    "rule 'gx.c' { outcome = 'withhold', reason = 'not a g.* id',\n"
    "  when = function(r) return r.c == true end }\n"
    "rule 'x.one' { outcome = 'keep', defeats = { 'g.*' }, reason = 'exempt one',\n"
    "  when = function(r) return r.x1 == true end }\n"
    "rule 'x.two' { outcome = 'keep', defeats = 'g.a', reason = 'exempt two',\n"
    "  when = function(r) return r.x2 == true end }\n"
    "rule 'xx.exc' { outcome = 'withhold', defeats = { 'x.one' }, reason = 'exception',\n"
    "  when = function(r) return r.xx == true end }\n";

typedef struct fixture {
    gavel_policy *p;
    gavel_evaluator *ev;
    gavel_decision *d;
} fixture;

static fixture fx_policy(gavel_policy *p)
{
    fixture f;
    f.p = p;
    assert_int_equal(gavel_policy_status(f.p), GAVEL_OK);
    f.ev = gavel_evaluator_new(f.p);
    assert_int_equal(gavel_evaluator_status(f.ev), GAVEL_OK);
    gavel_evaluator_set_as_of(f.ev, "2021-02-04");
    f.d = gavel_decision_new();
    return f;
}

static fixture fx_new(const char *rules)
{
    return fx_policy(tu_load(rules));
}

/* A fixture over a policy directory made with tu_policy_dir. */
static fixture fx_dir(const char *dir)
{
    return fx_policy(gavel_policy_load(dir, NULL));
}

static void fx_free(fixture *f)
{
    gavel_decision_free(f->d);
    gavel_evaluator_free(f->ev);
    gavel_policy_free(f->p);
}

static void test_ground_alone(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    assert_int_equal(tu_eval(f.ev, f.d, "{\"id\":\"r1\",\"a\":true}"), GAVEL_OK);
    assert_string_equal(gavel_decision_outcome(f.d), "withhold");
    assert_string_equal(tu_reasons(f.d), "g.a");
    assert_string_equal(gavel_decision_reason(f.d, 0)->cites, "G-A");
    assert_string_equal(tu_defeated(f.d), "");
    assert_string_equal(gavel_decision_id(f.d), "r1");
    fx_free(&f);
}

static void test_exemption_defeats_ground(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    tu_eval(f.ev, f.d, "{\"a\":true,\"b\":true,\"x1\":true}");
    assert_string_equal(gavel_decision_outcome(f.d), "keep");
    assert_string_equal(tu_reasons(f.d), "x.one");
    assert_string_equal(tu_defeated(f.d), "g.a<x.one,g.b<x.one");
    assert_false(gavel_decision_is_default(f.d));
    fx_free(&f);
}

static void test_glob_does_not_overreach(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    tu_eval(f.ev, f.d, "{\"c\":true,\"x1\":true}");
    assert_string_equal(gavel_decision_outcome(f.d), "withhold");
    assert_string_equal(tu_reasons(f.d), "gx.c");
    assert_string_equal(tu_defeated(f.d), "");
    fx_free(&f);
}

static void test_exception_revives_ground(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    tu_eval(f.ev, f.d, "{\"a\":true,\"x1\":true,\"xx\":true}");
    assert_string_equal(gavel_decision_outcome(f.d), "withhold");
    assert_string_equal(tu_reasons(f.d), "g.a,xx.exc");
    assert_string_equal(tu_defeated(f.d), "x.one<xx.exc");
    fx_free(&f);
}

static void test_two_defeaters(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    /* Both defeat g.a: `by` names the first in policy order. */
    tu_eval(f.ev, f.d, "{\"a\":true,\"x1\":true,\"x2\":true}");
    assert_string_equal(tu_defeated(f.d), "g.a<x.one");
    /* With x.one itself defeated, x.two still holds g.a off. */
    tu_eval(f.ev, f.d, "{\"a\":true,\"x1\":true,\"x2\":true,\"xx\":true}");
    assert_string_equal(gavel_decision_outcome(f.d), "withhold");
    assert_string_equal(tu_reasons(f.d), "xx.exc");
    assert_string_equal(tu_defeated(f.d), "g.a<x.two,x.one<xx.exc");
    /* g.b is only defeated by x.one, which is defeated: g.b stands. */
    tu_eval(f.ev, f.d, "{\"b\":true,\"x1\":true,\"xx\":true}");
    assert_string_equal(tu_reasons(f.d), "xx.exc");
    assert_string_equal(tu_defeated(f.d), "x.one<xx.exc");
    assert_int_equal(gavel_decision_nfired(f.d), 3);
    fx_free(&f);
}

static void test_default(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    tu_eval(f.ev, f.d, "{\"id\":7}");
    assert_string_equal(gavel_decision_outcome(f.d), "keep");
    assert_true(gavel_decision_is_default(f.d));
    assert_int_equal(gavel_decision_nreasons(f.d), 0);
    assert_string_equal(gavel_decision_id(f.d), "7");
    size_t len;
    const char *json = gavel_decision_json(f.d, &len);
    assert_non_null(strstr(json, "\"decision\":\"keep\",\"default\":true,"));
    assert_non_null(strstr(json, "\"as_of\":\"2021-02-04\""));
    fx_free(&f);
}

/* Out of memory while the JSON is written: NULL, and NULL again when asked
 * again, never the part written before the allocation failed. The
 * buffer's failure is set by hand where realloc would have failed: the
 * decision keeps the capacity of the shorter one before it, so the first
 * pieces fit and a later one does not. */
static void test_json_out_of_memory_stays_null(void **state)
{
    (void)state;
    fixture f = fx_new("rule 'r' { outcome = 'review', reason = 'r',\n"
                       "  when = function(r) return true, { t = r.t } end }\n");
    tu_eval(f.ev, f.d, "{\"id\":1,\"t\":\"x\"}");
    assert_non_null(gavel_decision_json(f.d, NULL));
    char rec[4200];
    snprintf(rec, sizeof rec, "{\"id\":2,\"t\":\"%04000d\"}", 0);
    tu_eval(f.ev, f.d, rec);
    f.d->json.oom = 1;
    size_t len = 0;
    assert_null(gavel_decision_json(f.d, &len));
    assert_null(gavel_decision_json(f.d, &len));
    fx_free(&f);
}

static void test_all_defeated_is_default(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'g' { outcome = 'withhold', when = function() return true end }\n"
        "rule 'x' { defeats = 'g', reason = 'a pure defeater has no outcome',\n"
        "  when = function() return true end }\n");
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(gavel_decision_outcome(f.d), "keep");
    assert_true(gavel_decision_is_default(f.d));
    assert_string_equal(tu_defeated(f.d), "g<x");
    assert_int_equal(gavel_decision_nfired(f.d), 2);
    fx_free(&f);
}

static void test_rule_error_is_on_error(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'ok' { outcome = 'keep', when = function() return true end }\n"
        "rule 'bad' { outcome = 'withhold', when = function(r) return r.x.y end }\n");
    assert_int_equal(tu_eval(f.ev, f.d, "{\"id\":\"e1\"}"), GAVEL_ERULE);
    assert_string_equal(gavel_decision_outcome(f.d), "review");
    assert_int_equal(gavel_decision_nerrors(f.d), 1);
    assert_string_equal(gavel_decision_error(f.d, 0)->rule, "bad");
    assert_non_null(strstr(tu_error(f.d, 0), "rules.lua:2:"));
    /* The next record is not affected. */
    assert_int_equal(tu_eval(f.ev, f.d, "{\"x\":{\"y\":false}}"), GAVEL_OK);
    assert_string_equal(gavel_decision_outcome(f.d), "keep");
    fx_free(&f);
}

static void test_bad_record_is_on_error(void **state)
{
    (void)state;
    fixture f = fx_new(LAYERED);
    assert_int_equal(tu_eval(f.ev, f.d, "{\"a\":tru}"), GAVEL_EINPUT);
    assert_string_equal(gavel_decision_outcome(f.d), "review");
    assert_null(gavel_decision_error(f.d, 0)->rule);
    assert_non_null(strstr(tu_error(f.d, 0), "test:1:"));
    assert_string_equal(gavel_decision_id(f.d), "1");
    assert_int_equal(tu_eval(f.ev, f.d, "[1,2]"), GAVEL_EINPUT);
    assert_non_null(strstr(tu_error(f.d, 0), "must be a mapping"));
    fx_free(&f);
}

static void test_evidence_and_reason(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'g' { outcome = 'withhold', reason = 'post {post} says {term} in {tags}; {nope}',\n"
        "  when = function(r) return true, { post = r.posts[2].id, term = 'burn',\n"
        "    tags = { 'a', 'b' }, n = 3, f = 0.5, ok = true, p = r.posts[2] } end }\n");
    tu_eval(f.ev, f.d, "{\"posts\":[{\"id\":\"p1\"},{\"id\":\"p2\",\"x\":[1]}]}");
    const gavel_reason *r = gavel_decision_reason(f.d, 0);
    assert_string_equal(r->reason, "post p2 says burn in a, b; {nope}");
    assert_string_equal(r->evidence, "{\"f\":0.5,\"n\":3,\"ok\":true,\"p\":{\"id\":\"p2\",\"x\":[1]},"
                                     "\"post\":\"p2\",\"tags\":[\"a\",\"b\"],\"term\":\"burn\"}");
    fx_free(&f);
}

/* A NUL a rule puts in evidence or a reason is written as U+FFFD: the
 * decision's JSON must read back through gavel's own reader, which refuses
 * \u0000 (found by fuzz_policy_eval). */
static void test_nul_in_rule_text(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'g' { outcome = 'withhold', reason = 'says {v}!',\n"
        "  when = function(r) return true, { v = 'a\\0b', list = { 'c\\0' } } end }\n");
    assert_int_equal(tu_eval(f.ev, f.d, "{\"id\":\"x\"}"), GAVEL_OK);
    const gavel_reason *r = gavel_decision_reason(f.d, 0);
    assert_string_equal(r->reason, "says a\xEF\xBF\xBD" "b!");
    assert_string_equal(r->evidence, "{\"list\":[\"c\xEF\xBF\xBD\"],\"v\":\"a\xEF\xBF\xBD" "b\"}");
    size_t len;
    const char *json = gavel_decision_json(f.d, &len);
    gavel_record *back = gavel_record_new();
    assert_int_equal(gavel_record_parse(back, json, len, GAVEL_JSON, "decision", NULL), GAVEL_OK);
    gavel_record_free(back);
    fx_free(&f);
}

/* A record read from a .json file (one array) outlives its reader: gavel
 * eval -j frees the reader at the end of the file while workers still
 * evaluate its last records (ASan found them reading freed memory). */
static void test_json_records_outlive_reader(void **state)
{
    (void)state;
    fixture f = fx_new("rule 'g' { outcome = 'withhold', reason = '{v}',\n"
                       "  when = function(r) return true, { v = r.x.y } end }\n");
    char dir[] = "/tmp/gavel-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    tu_write(dir, "in.json", "[{\"id\":\"a\",\"x\":{\"y\":\"first\"}},\n"
                             " {\"id\":\"b\",\"x\":{\"y\":\"second\"}}]\n");
    char path[600];
    snprintf(path, sizeof path, "%s/in.json", dir);
    gavel_reader *rd = gavel_reader_open(path, GAVEL_AUTO, NULL);
    gavel_record *a = gavel_record_new(), *b = gavel_record_new();
    assert_int_equal(gavel_reader_next(rd, a), 1);
    assert_int_equal(gavel_reader_next(rd, b), 1);
    gavel_reader_free(rd);
    tu_rmdir(dir);
    assert_int_equal(gavel_evaluate(f.ev, b, f.d), GAVEL_OK);
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, "second");
    assert_int_equal(gavel_evaluate(f.ev, a, f.d), GAVEL_OK);
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, "first");
    gavel_record_free(a);
    gavel_record_free(b);
    fx_free(&f);
}

static void test_missing(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'adv' { outcome = 'keep', when = function(r)\n"
        "  for _, p in ipairs(r.posts or {}) do\n"
        "    if p.labels.speech_level == nil then return false end end\n"
        "  return r.category == 'x' and r.nothing == nil end }\n"
        "rule 'cat' { outcome = 'review', when = function(r) return r.category == 'y' end }\n");
    tu_eval(f.ev, f.d, "{\"nothing\":null,\"posts\":[{\"labels\":{\"speech_level\":\"a\"}},"
                       "{\"labels\":{}}]}");
    /* posts[3] (the end of ipairs) and the null `nothing` are not missing. */
    assert_string_equal(tu_missing(f.d), "posts[2].labels.speech_level(adv),category(cat)");
    fx_free(&f);
}

static void test_in_force(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'old' { outcome = 'withhold', in_force = { ['until'] = '2021-02-25' },\n"
        "  when = function() return true end }\n"
        "rule 'new' { outcome = 'review', in_force = { from = '2021-02-25' },\n"
        "  when = function() return true end }\n");
    gavel_evaluator_set_as_of(f.ev, "2021-02-24");
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(tu_reasons(f.d), "old");
    gavel_evaluator_set_as_of(f.ev, "2021-02-25");
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(tu_reasons(f.d), "new");
    assert_string_equal(gavel_decision_as_of(f.d), "2021-02-25");
    assert_int_equal(gavel_evaluator_set_as_of(f.ev, "2021-02-30"), GAVEL_EARG);
    fx_free(&f);
}

static void test_context_and_as_of(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'c' { outcome = 'review', reason = '{d} {g}',\n"
        "  when = function(r, ctx) return ctx.order.reasons_recorded == false,\n"
        "    { d = ctx.as_of, g = ctx.order.stated_grounds } end }\n");
    gavel_evaluator_set_as_of(f.ev, NULL);
    const char *ctx = "as_of: 2021-02-04\norder:\n  reasons_recorded: false\n"
                      "  stated_grounds: [public_order, defamation]\n";
    assert_int_equal(gavel_evaluator_set_context(f.ev, ctx, strlen(ctx), "order.yaml"), GAVEL_OK);
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason,
                        "2021-02-04 public_order, defamation");
    /* --as-of wins over the context's. */
    gavel_evaluator_set_as_of(f.ev, "2022-01-01");
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason,
                        "2022-01-01 public_order, defamation");
    /* Without a context, what the rule read is missing, under ctx. */
    gavel_evaluator_set_context(f.ev, NULL, 0, NULL);
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(tu_missing(f.d), "ctx.order(c)");
    assert_string_equal(gavel_decision_outcome(f.d), "review");  /* errors: nil index */
    assert_int_equal(gavel_decision_nerrors(f.d), 1);
    /* Deeper in the context, the path keeps its dots. */
    const char *thin = "order: {stated_grounds: []}\n";
    gavel_evaluator_set_context(f.ev, thin, strlen(thin), "thin.yaml");
    tu_eval(f.ev, f.d, "{}");
    assert_string_equal(tu_missing(f.d), "ctx.order.reasons_recorded(c)");
    /* A date-time is the instant, written in UTC (once no as_of is given). */
    gavel_evaluator_set_as_of(f.ev, NULL);
    const char *dt = "as_of: \"2021-03-05T23:59:00+05:30\"\n";
    assert_int_equal(gavel_evaluator_set_context(f.ev, dt, strlen(dt), "o.yaml"), GAVEL_OK);
    assert_string_equal(gavel_evaluator_as_of(f.ev), "2021-03-05T18:29:00Z");
    /* ... and one without a zone names no instant: an error. */
    const char *local = "as_of: \"2021-03-05T23:59:00\"\n";
    assert_int_equal(gavel_evaluator_set_context(f.ev, local, strlen(local), "o.yaml"),
                     GAVEL_EINPUT);
    /* A context's as_of that is not a date is an error, not today. */
    const char *bad[] = { "as_of: 2021-02-04junk\n", "as_of: 2021-13-01\n", "as_of: 20210204\n",
                          "as_of: [2021-02-04]\n" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(gavel_evaluator_set_context(f.ev, bad[i], strlen(bad[i]), "o.yaml"),
                         GAVEL_EINPUT);
        assert_non_null(strstr(gavel_evaluator_errmsg(f.ev), "o.yaml:1:8: as_of must be a date"));
    }
    fx_free(&f);
}

/* The start of the manifest the lexicon tests share; each adds its own
 * `lexicons:` (and limits). */
#define LEXICON_MANIFEST \
    "name: t\nversion: \"1\"\noutcomes: [withhold, keep]\ndefault: keep\n" \
    "on_error: withhold\nrules: [rules.lua]\n"

static void test_lexicon_in_rules(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(
        LEXICON_MANIFEST "lexicons: { words: words.txt }\n",
        "rule 'w' { outcome = 'withhold', reason = '{t}',\n"
        "  when = function(r) local t = lexicon.words:find(r.text)\n"
        "    return t ~= nil, { t = t } end }\n");
    tu_write(dir, "words.txt", "# comment\nüberfall\nпривет\n");
    fixture f = fx_dir(dir);
    gavel_evaluator *ev = f.ev;
    gavel_decision *d = f.d;
    tu_eval(ev, d, "{\"text\":\"EIN ÜBERFALL!\"}");
    assert_string_equal(gavel_decision_outcome(d), "withhold");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "überfall");
    tu_eval(ev, d, "{\"text\":\"ПРИВЕТ мир\"}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "привет");
    tu_eval(ev, d, "{\"text\":\"nothing here\"}");
    assert_string_equal(gavel_decision_outcome(d), "keep");
    fx_free(&f);
    tu_rmdir(dir);
}

static void test_lexicon_words(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(
        LEXICON_MANIFEST ""
        "lexicons: { words: {file: words.txt, match: words}, sub: sub.txt }\n",
        "rule 'w' { outcome = 'withhold', reason = '{t}/{u}',\n"
        "  when = function(r) local t = lexicon.words:find(r.text)\n"
        "    return t ~= nil, { t = t, u = lexicon.sub:find(r.text) or '-' } end }\n");
    tu_write(dir, "words.txt", "# whole words only\nkill\nburn  them\nमार\n");
    tu_write(dir, "sub.txt", "kill\n");
    fixture f = fx_dir(dir);
    gavel_evaluator *ev = f.ev;
    gavel_decision *d = f.d;
    /* "kill" inside "skill": a substring, not a word. */
    tu_eval(ev, d, "{\"text\":\"a real skill\"}");
    assert_string_equal(gavel_decision_outcome(d), "keep");
    tu_eval(ev, d, "{\"text\":\"They said: KILL, now.\"}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "kill/kill");
    /* Any run of spaces and punctuation between a phrase's words. */
    tu_eval(ev, d, "{\"text\":\"go burn -- them!\"}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "burn them/-");
    /* A vowel sign is part of the word: मार is not the word मारो. */
    tu_eval(ev, d, "{\"text\":\"उसे मारो\"}");
    assert_string_equal(gavel_decision_outcome(d), "keep");
    tu_eval(ev, d, "{\"text\":\"मार दो\"}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "मार/-");
    fx_free(&f);
    tu_rmdir(dir);
}

/* The policy's lexicons share one scan of a text (a union per match mode)
 * and a record's answers are remembered by text: each lexicon must still
 * get its own answer, words and substrings must not mix, and texts past
 * the memo's size must be searched again, not confused. */
static void test_lexicons_share_a_scan(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(
        LEXICON_MANIFEST ""
        "lexicons: { a: a.txt, b: b.txt, w: {file: w.txt, match: words} }\n",
        "local function f(lex, t) return lex:find(t) or '-' end\n"
        "rule 'x' { outcome = 'withhold', reason = '{s} {n}',\n"
        "  when = function(r)\n"
        "    local out = {}\n"
        "    for _, t in ipairs(r.texts) do\n"
        "      out[#out + 1] = f(lexicon.a, t) .. '/' .. f(lexicon.b, t) .. '/' ..\n"
        "                      f(lexicon.w, t) .. '/' .. f(lexicon.a, t)\n"
        "    end\n"
        "    local n = 0\n"
        "    for i = 1, 40 do\n"
        "      local t = string.rep('x', 40 + i) .. (i % 2 == 0 and 'burn' or 'kill')\n"
        "      if lexicon.b:find(t) == 'burn' and lexicon.a:find(t) == nil then n = n + 1 end\n"
        "    end\n"
        "    local ok, e = pcall(lexicon.a.find, r.texts, 'kill')\n"
        "    local ok2, e2 = pcall(lexicon.a.find, {}, 'kill')\n"
        "    return true, { s = table.concat(out, ','), n = n .. ' ' .. e .. ' ' .. e2 } end }\n");
    tu_write(dir, "a.txt", "kill\n");
    tu_write(dir, "b.txt", "burn\nill\n");
    tu_write(dir, "w.txt", "kill\n");
    fixture f = fx_dir(dir);
    gavel_evaluator *ev = f.ev;
    gavel_decision *d = f.d;
    tu_eval(ev, d, "{\"texts\":[\"a skill to burn, a skill to burn, a skill to burn\","
                   "\"nothing\",\"KILL it\"]}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason,
                        "kill/ill/-/kill,-/-/-/-,kill/ill/kill/kill 20 "
                        "bad argument #1 to '?' (lexicon expected, got record) "
                        "bad argument #1 to '?' (lexicon expected, got table)");
    tu_eval(ev, d, "{\"texts\":[\"to burn a skill, to burn a skill, to burn a skill\"]}");
    assert_non_null(strstr(gavel_decision_reason(d, 0)->reason, "kill/burn/-/kill 20 "));
    fx_free(&f);
    tu_rmdir(dir);
}

/* The memo holds 32 texts; a rule that cycles through more misses on
 * every find. Each miss must not leave something behind for the rest of
 * the record: 60,000 finds over 200 texts stay within a 1 MiB heap. */
/* A union holds GVLEX_UNION_MAX (32) lexicons; a policy with more gets
 * more than one, and each lexicon still answers for itself. */
static void test_lexicons_past_one_union(void **state)
{
    (void)state;
    enum { N = 70 };
    gv_buf m = GV_BUF_INIT;
    gv_buf_adds(&m, LEXICON_MANIFEST "lexicons:\n");
    for (int i = 0; i < N; i++)
        gv_buf_printf(&m, "  l%02d: %s\n", i, i % 3 == 2 ? "{file: w.txt, match: words}" : "t.txt");
    const char *dir = tu_policy_dir(m.ptr,
        "rule 'x' { outcome = 'withhold', reason = '{s}',\n"
        "  when = function(r)\n"
        "    local out = {}\n"
        "    for i = 0, 69 do\n"
        "      out[#out + 1] = lexicon[string.format('l%02d', i)]:find(r.text) or '-'\n"
        "    end\n"
        "    return true, { s = table.concat(out, ',') } end }\n");
    gv_buf_free(&m);
    tu_write(dir, "t.txt", "kill\n");
    tu_write(dir, "w.txt", "kill\n");
    fixture f = fx_dir(dir);
    tu_eval(f.ev, f.d, "{\"text\":\"skill\"}");
    gv_buf want = GV_BUF_INIT;
    for (int i = 0; i < N; i++)
        gv_buf_printf(&want, "%s%s", i ? "," : "", i % 3 == 2 ? "-" : "kill");
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, want.ptr);
    gv_buf_free(&want);
    fx_free(&f);
    tu_rmdir(dir);
}

static void test_lexicon_memo_misses_stay_small(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(
        LEXICON_MANIFEST "lexicons: { a: a.txt }\n"
        "limits: { memory: 1048576 }\n",
        "rule 'x' { outcome = 'withhold', reason = '{n}',\n"
        "  when = function(r)\n"
        "    local texts, n = {}, 0\n"
        "    for i = 1, 200 do texts[i] = string.rep('x', 60) .. i .. (i % 4 == 0 and ' kill' or '') end\n"
        "    for k = 0, 59999 do if lexicon.a:find(texts[k % 200 + 1]) then n = n + 1 end end\n"
        "    return true, { n = n } end }\n");
    tu_write(dir, "a.txt", "kill\n");
    fixture f = fx_dir(dir);
    tu_eval(f.ev, f.d, "{}");
    assert_int_equal(gavel_decision_nerrors(f.d), 0);
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, "15000");
    fx_free(&f);
    tu_rmdir(dir);
}

/* A find answered from the memo is charged like a scan, so the budget
 * does not depend on what was remembered: 1,000 finds on one 1 MB text
 * (125,000 units each) run out of a 1,000,000-instruction budget. */
static void test_lexicon_memo_hits_are_charged(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(
        LEXICON_MANIFEST "lexicons: { a: a.txt }\n"
        "limits: { instructions: 1000000 }\n",
        "rule 'x' { outcome = 'keep', reason = '{n}',\n"
        "  when = function(r)\n"
        "    local t, n = string.rep('x', 1000000), 0\n"
        "    for k = 1, 1000 do if not lexicon.a:find(t) then n = n + 1 end end\n"
        "    return true, { n = n } end }\n");
    tu_write(dir, "a.txt", "kill\n");
    fixture f = fx_dir(dir);
    tu_eval(f.ev, f.d, "{}");
    assert_int_equal(gavel_decision_nerrors(f.d), 1);
    assert_non_null(strstr(gavel_decision_error(f.d, 0)->message, "instruction budget"));
    fx_free(&f);
    tu_rmdir(dir);
}

static void test_helpers(void **state)
{
    (void)state;
    fixture f = fx_new(
        "rule 'h' { outcome = 'keep', reason = '{a} {b} {c} {d} {e} {f}',\n"
        "  when = function(r) return true, {\n"
        "    a = any(r.xs, function(x) return x > 2 end),\n"
        "    b = all(r.xs, function(x) return x > 0 end),\n"
        "    c = count(r.xs, function(x) return x % 2 == 1 end),\n"
        "    d = days_between('2021-01-31', '2021-02-04'),\n"
        "    e = days_between('2021-02-04T00:00:00Z', '2021-02-05T12:00:00Z'),\n"
        "    f = tostring(any(nil)) .. tostring(all(nil)) .. count(nil) } end }\n");
    tu_eval(f.ev, f.d, "{\"xs\":[1,2,3]}");
    assert_string_equal(gavel_decision_reason(f.d, 0)->reason, "true true 2 4 1.5 falsetrue0");
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ground_alone),
        cmocka_unit_test(test_exemption_defeats_ground),
        cmocka_unit_test(test_glob_does_not_overreach),
        cmocka_unit_test(test_exception_revives_ground),
        cmocka_unit_test(test_two_defeaters),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_json_out_of_memory_stays_null),
        cmocka_unit_test(test_all_defeated_is_default),
        cmocka_unit_test(test_rule_error_is_on_error),
        cmocka_unit_test(test_bad_record_is_on_error),
        cmocka_unit_test(test_evidence_and_reason),
        cmocka_unit_test(test_nul_in_rule_text),
        cmocka_unit_test(test_json_records_outlive_reader),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_in_force),
        cmocka_unit_test(test_context_and_as_of),
        cmocka_unit_test(test_lexicon_in_rules),
        cmocka_unit_test(test_lexicons_share_a_scan),
        cmocka_unit_test(test_lexicons_past_one_union),
        cmocka_unit_test(test_lexicon_memo_misses_stay_small),
        cmocka_unit_test(test_lexicon_memo_hits_are_charged),
        cmocka_unit_test(test_lexicon_words),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
