/*
 * test_measures.c: measures (docs/policy.md, "Measures"): what a rule's
 * specs read when it fires, how the measures of the rules left standing
 * combine, what a defeated rule's measures become, the public views, and
 * the counterfactual that takes a rule (and its measures) away.
 */
#include "testutil.h"
#include "buf.h"
#include "measure.h"

static const char *MANIFEST =
    "name: t\nversion: \"1\"\noutcomes: [withhold, review, keep]\n"
    "default: keep\non_error: review\nrules: [rules.lua]\n"
    "actions: [suspend, remove, notify]\n"
    "regions: {DACH: [DE, AT, CH], BENELUX: [BE, NL, LU]}\n";

static gavel_policy *load(const char *rules)
{
    const char *dir = tu_policy_dir(MANIFEST, rules);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    assert_non_null(p);
    if (gavel_policy_status(p) != GAVEL_OK)
        fail_msg("policy did not load: %s", gavel_policy_errmsg(p));
    tu_rmdir(dir);
    return p;
}

/* The decision's measures as one line: "remove[post:a,post:b]@DE,FR<36h-from-x>{r1,r2}". */
static const char *measures_text(const gavel_decision *d)
{
    static char buf[2048];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < gavel_decision_nmeasures(d); i++) {
        const gavel_measure *m = gavel_decision_measure(d, i);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s[", i ? " " : "", m->action);
        for (size_t k = 0; k < m->ntargets; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%s", k ? "," : "",
                                  m->targets[k].kind, m->targets[k].id);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "]@");
        for (size_t k = 0; k < m->nscope; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k ? "," : "", m->scope[k]);
        if (m->due)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "<%s", m->due);
        if (m->until)
            n += (size_t)snprintf(buf + n, sizeof buf - n, ">%s", m->until);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "{");
        for (size_t k = 0; k < m->nrules; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k ? "," : "", m->rules[k]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "}");
    }
    return buf;
}

typedef struct fixture {
    gavel_policy *p;
    gavel_evaluator *ev;
    gavel_decision *d;
} fixture;

static fixture fx(const char *rules)
{
    fixture f = { load(rules), NULL, gavel_decision_new() };
    f.ev = gavel_evaluator_new(f.p);
    assert_int_equal(gavel_evaluator_set_as_of(f.ev, "2021-02-01T06:00:00Z"), GAVEL_OK);
    return f;
}

static void fx_free(fixture *f)
{
    gavel_decision_free(f->d);
    gavel_evaluator_free(f->ev);
    gavel_policy_free(f->p);
}

static const char *run(fixture *f, const char *json)
{
    tu_eval(f->ev, f->d, json);
    return measures_text(f->d);
}

/* Two laws on the same post unite their scopes; on different posts in one
 * scope, their targets; never the cross product of both. */
static void test_combine(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'de' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { post = 'evidence.posts' }, scope = 'DE',\n"
        "               due = { after = 'as_of', hours = 24 } },\n"
        "  when = function(r) return r.de ~= nil, { posts = r.de } end }\n"
        "rule 'fr' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { post = 'evidence.posts' }, scope = 'FR',\n"
        "               due = { after = 'as_of', hours = 1 } },\n"
        "  when = function(r) return r.fr ~= nil, { posts = r.fr } end }\n"
        "rule 'de2' { outcome = 'review',\n"
        "  measures = { action = 'remove', targets = { post = 'evidence.posts' }, scope = 'DE' },\n"
        "  when = function(r) return r.de2 ~= nil, { posts = r.de2 } end }\n");
    /* One post, two states: one measure, both codes, the earlier deadline. */
    assert_string_equal(run(&f, "{\"id\":1,\"de\":[\"p\"],\"fr\":[\"p\"]}"),
                        "remove[post:p]@DE,FR<2021-02-01T07:00:00Z{de,fr}");
    /* Two posts, two states: two measures. */
    assert_string_equal(run(&f, "{\"id\":1,\"de\":[\"a\"],\"fr\":[\"b\"]}"),
                        "remove[post:a]@DE<2021-02-02T06:00:00Z{de} "
                        "remove[post:b]@FR<2021-02-01T07:00:00Z{fr}");
    /* One state, two rules, overlapping posts: targets unite, each once. */
    assert_string_equal(run(&f, "{\"id\":1,\"de\":[\"a\",\"b\",\"a\"],\"de2\":[\"b\",\"c\"]}"),
                        "remove[post:a,post:b,post:c]@DE<2021-02-02T06:00:00Z{de,de2}");
    /* Targets, after uniting in one scope, then meet the same set elsewhere. */
    assert_string_equal(run(&f, "{\"id\":1,\"de\":[\"a\"],\"de2\":[\"b\"],\"fr\":[\"b\",\"a\"]}"),
                        "remove[post:a,post:b]@DE,FR<2021-02-01T07:00:00Z{de,fr,de2}");
    fx_free(&f);
}

/* Many targets: repeats found by sorting, each kept where first named;
 * two rules naming one large set in different orders unite their scopes. */
static void test_many_targets(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'de' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { post = 'r.a' }, scope = 'DE' },\n"
        "  when = function(r) return true end }\n"
        "rule 'fr' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { post = 'r.b' }, scope = 'FR' },\n"
        "  when = function(r) return true end }\n");
    /* a: 0..299 twice over, then as strings; b: the same numbers backwards. */
    gv_buf b = GV_BUF_INIT;
    gv_buf_adds(&b, "{\"id\":1,\"a\":[");
    for (int i = 0; i < 600; i++)
        gv_buf_printf(&b, "%s%d", i ? "," : "", (i * 7) % 300);
    for (int i = 0; i < 300; i++)
        gv_buf_printf(&b, ",\"%d\"", i);
    gv_buf_adds(&b, "],\"b\":[");
    for (int i = 299; i >= 0; i--)
        gv_buf_printf(&b, "%d,", i);
    for (int i = 0; i < 300; i++)
        gv_buf_printf(&b, "\"%d\"%s", i, i < 299 ? "," : "");
    gv_buf_adds(&b, "]}");
    assert_int_equal(tu_eval(f.ev, f.d, b.ptr), GAVEL_OK);
    assert_int_equal(gavel_decision_nmeasures(f.d), 1);
    const gavel_measure *m = gavel_decision_measure(f.d, 0);
    assert_int_equal(m->ntargets, 600);                 /* 300 numbers, 300 strings */
    assert_string_equal(m->targets[0].id, "0");
    assert_string_equal(m->targets[1].id, "7");         /* in the order first named */
    assert_int_equal(gavel_value_type(m->targets[299].id_value), GAVEL_INT);
    assert_int_equal(gavel_value_type(m->targets[300].id_value), GAVEL_STRING);
    assert_int_equal(m->nscope, 2);
    assert_string_equal(m->scope[0], "DE");
    assert_string_equal(m->scope[1], "FR");
    /* One more in b: the sets differ, the measures stay apart. */
    b.ptr[b.len - 2] = '\0';
    b.len -= 2;
    gv_buf_adds(&b, ",\"x\"]}");
    assert_int_equal(tu_eval(f.ev, f.d, b.ptr), GAVEL_OK);
    assert_int_equal(gavel_decision_nmeasures(f.d), 2);
    assert_int_equal(gavel_decision_measure(f.d, 1)->ntargets, 601);
    gv_buf_free(&b);
    fx_free(&f);
}

/* Measures come out in the manifest's order of actions; "*" stands for
 * every country and absorbs a national scope for the same targets; a
 * different end keeps measures apart. */
static void test_order_everywhere_until(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'a' { outcome = 'review',\n"
        "  measures = { { action = 'notify', scope = 'DACH' },\n"
        "               { action = 'suspend', scope = '*', ['until'] = '2021-03-01' } },\n"
        "  when = function(r) return r.a == true end }\n"
        "rule 'b' { outcome = 'withhold',\n"
        "  measures = { action = 'notify', scope = '*' },\n"
        "  when = function(r) return r.b == true end }\n"
        "rule 'c' { outcome = 'withhold',\n"
        "  measures = { action = 'suspend', scope = 'IN', ['until'] = { after = 'as_of', days = 7 } },\n"
        "  when = function(r) return r.c == true end }\n");
    assert_string_equal(run(&f, "{\"id\":\"u\",\"a\":true}"),
                        "suspend[account:u]@*>2021-03-01T00:00:00Z{a} notify[account:u]@AT,CH,DE{a}");
    assert_string_equal(run(&f, "{\"id\":\"u\",\"a\":true,\"b\":true}"),
                        "suspend[account:u]@*>2021-03-01T00:00:00Z{a} notify[account:u]@*{a,b}");
    assert_string_equal(run(&f, "{\"id\":\"u\",\"a\":true,\"c\":true}"),
                        "suspend[account:u]@*>2021-03-01T00:00:00Z{a} "
                        "suspend[account:u]@IN>2021-02-08T06:00:00Z{c} notify[account:u]@AT,CH,DE{a}");
    fx_free(&f);
}

/* What a spec reads: ids as strings or numbers, items with an id, a scope
 * from the evidence (a code, a region, a list), times from the record and
 * the context; an empty list of targets orders nothing. */
static void test_reading(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'x' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { 'account', post = 'evidence.posts', media = 'r.media' },\n"
        "               scope = 'evidence.where', due = { after = 'r.notice.at', minutes = 90 } },\n"
        "  when = function(r) return r.where ~= nil, { posts = r.posts, where = r.where } end }\n");
    assert_string_equal(run(&f, "{\"id\":9,\"where\":\"BENELUX\",\"posts\":[{\"id\":1},{\"id\":\"1\"}],"
                                "\"media\":\"m1\",\"notice\":{\"at\":\"2021-02-01T12:00:00+01:00\"}}"),
                        "remove[account:9,media:m1,post:1,post:1]@BE,LU,NL<2021-02-01T12:30:00Z{x}");
    /* The number 1 and the string "1" are two ids, and say so in JSON. */
    const char *json = gavel_decision_json(f.d, NULL);
    assert_non_null(strstr(json, "{\"kind\":\"post\",\"id\":1},{\"kind\":\"post\",\"id\":\"1\"}"));
    const gavel_measure *m = gavel_decision_measure(f.d, 0);
    assert_int_equal(gavel_value_type(m->targets[0].id_value), GAVEL_INT);
    assert_int_equal(gavel_value_type(m->targets[3].id_value), GAVEL_STRING);
    assert_string_equal(run(&f, "{\"id\":9,\"where\":[\"IN\",\"*\"],\"posts\":[],\"media\":[],"
                                "\"notice\":{\"at\":\"2021-02-01\"}}"),
                        "remove[account:9]@*<2021-02-01T01:30:00Z{x}");
    assert_int_equal(gavel_decision_nerrors(f.d), 0);
    fx_free(&f);
    /* An optional time that the record lacks is no time, not an error. */
    f = fx("rule 'o' { outcome = 'withhold',\n"
           "  measures = { action = 'remove', scope = 'DE',\n"
           "               due = { after = 'r.order.comply_by', optional = true } },\n"
           "  when = function(r) return true end }\n");
    assert_string_equal(run(&f, "{\"id\":\"x\"}"), "remove[account:x]@DE{o}");
    assert_int_equal(gavel_decision_nerrors(f.d), 0);
    assert_string_equal(run(&f, "{\"id\":\"x\",\"order\":{\"comply_by\":\"2021-02-05T12:00:00+05:30\"}}"),
                        "remove[account:x]@DE<2021-02-05T06:30:00Z{o}");
    assert_string_equal(gavel_policy_rule(f.p, 0)->measures[0],
                        "remove: account; in DE; due at r.order.comply_by (when there is one)");
    fx_free(&f);
    /* account = PATH names the accounts a record points at (a notice's
     * uploader); "account" alone is the record itself. */
    f = fx("rule 'n' { outcome = 'withhold',\n"
           "  measures = { action = 'suspend', targets = { account = 'r.uploader' }, scope = 'DE' },\n"
           "  when = function(r) return true end }\n");
    assert_string_equal(run(&f, "{\"id\":\"N-1\",\"uploader\":{\"id\":\"A-7\"}}"),
                        "suspend[account:A-7]@DE{n}");
    fx_free(&f);
}

/* What cannot be read is an error on the record, naming the measure and
 * the path; the record is then on_error and has no measures. */
static void test_errors(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'x' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { post = 'evidence.posts' },\n"
        "               scope = 'evidence.where', due = { after = 'ctx.order.at', hours = 1 } },\n"
        "  when = function(r) return true, { posts = r.posts, where = r.where } end }\n");
    static const char *cases[][2] = {
        { "{\"id\":1,\"where\":\"DE\"}", "measure 'remove': targets.post: evidence.posts is missing" },
        { "{\"id\":1,\"where\":\"DE\",\"posts\":[true]}",
          "targets.post: evidence.posts item holds a boolean, not an id or an item with an id" },
        { "{\"id\":1,\"where\":\"DE\",\"posts\":[{\"text\":\"x\"}]}", "holds a mapping without an id, not an id" },
        { "{\"id\":1,\"where\":\"Germany\",\"posts\":[\"p\"]}",
          "scope 'Germany' is not an ISO 3166-1 alpha-2 code, a region of the manifest or \"*\" "
          "(read from evidence.where)" },
        { "{\"id\":1,\"where\":[],\"posts\":[\"p\"]}", "its scope names no country" },
        { "{\"id\":1,\"where\":\"DE\",\"posts\":[\"p\"]}", "due: ctx.order.at is missing" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(tu_eval(f.ev, f.d, cases[i][0]), GAVEL_ERULE);
        assert_string_equal(gavel_decision_outcome(f.d), "review");
        assert_int_equal(gavel_decision_nmeasures(f.d), 0);
        if (!strstr(tu_error(f.d, 0), cases[i][1]))
            fail_msg("case %zu: %s", i, tu_error(f.d, 0));
    }
    /* The deadline from a context time; one that names no instant is refused. */
    const char *ctx = "{\"order\":{\"at\":\"2021-02-01T10:00\"}}";
    assert_int_equal(gavel_evaluator_set_context(f.ev, ctx, strlen(ctx), "ctx"), GAVEL_OK);
    tu_eval(f.ev, f.d, "{\"id\":1,\"where\":\"DE\",\"posts\":[\"p\"]}");
    assert_non_null(strstr(tu_error(f.d, 0), "due: ctx.order.at is not a date YYYY-MM-DD or a "
                                             "date-time with a zone"));
    ctx = "{\"order\":{\"at\":\"9999-12-31T23:30:00Z\"}}";
    assert_int_equal(gavel_evaluator_set_context(f.ev, ctx, strlen(ctx), "ctx"), GAVEL_OK);
    tu_eval(f.ev, f.d, "{\"id\":1,\"where\":\"DE\",\"posts\":[\"p\"]}");
    assert_non_null(strstr(tu_error(f.d, 0), "due falls after the year 9999"));
    fx_free(&f);
}

/* A defeated rule's measures go with it: out of the decision's, into its
 * entry under defeated; the counterfactual without the exemption brings
 * them back. */
static void test_defeated_and_without(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'bot' { outcome = 'withhold', measures = { action = 'suspend', scope = 'IN' },\n"
        "  when = function(r) return r.bot == true end }\n"
        "rule 'post' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { post = 'evidence.p' }, scope = 'IN' },\n"
        "  when = function(r) return r.p ~= nil, { p = r.p } end }\n"
        "rule 'news' { outcome = 'keep', defeats = 'bot', when = function(r) return r.news == true end }\n");
    assert_string_equal(run(&f, "{\"id\":\"n\",\"bot\":true,\"news\":true,\"p\":\"x\"}"),
                        "remove[post:x]@IN{post}");
    assert_int_equal(gavel_decision_ndefeated(f.d), 1);
    const gavel_reason *r = gavel_decision_defeated(f.d, 0);
    assert_string_equal(r->rule, "bot");
    assert_int_equal(r->nmeasures, 1);
    assert_string_equal(r->measures[0].action, "suspend");
    assert_string_equal(r->measures[0].targets[0].id, "n");
    assert_string_equal(r->measures[0].rules[0], "bot");
    const char *json = gavel_decision_json(f.d, NULL);
    assert_non_null(strstr(json, "\"by\":\"news\",\"cites\":null,\"reason\":\"\",\"evidence\":{},"
                                 "\"measures\":[{\"action\":\"suspend\",\"targets\":[{\"kind\":"
                                 "\"account\",\"id\":\"n\"}],\"scope\":[\"IN\"],\"rules\":[\"bot\"]}]}"));
    gavel_decision *cf = gavel_decision_new();
    assert_int_equal(gavel_decision_without(f.d, "news", cf), GAVEL_OK);
    assert_string_equal(gavel_decision_outcome(cf), "withhold");
    assert_string_equal(measures_text(cf), "suspend[account:n]@IN{bot} remove[post:x]@IN{post}");
    assert_int_equal(gavel_decision_without(f.d, "post", cf), GAVEL_OK);
    assert_string_equal(measures_text(cf), "");
    /* The counterfactual owns its strings: the original may be reused. */
    assert_int_equal(gavel_decision_without(f.d, "news", cf), GAVEL_OK);
    run(&f, "{\"id\":\"other\"}");
    assert_string_equal(measures_text(cf), "suspend[account:n]@IN{bot} remove[post:x]@IN{post}");
    gavel_decision_free(cf);
    fx_free(&f);
}

/* Every rule a measure names says why: one without an outcome, or with a
 * weaker one, is in measure_reasons; not when it is set aside, nor when
 * it is already among the reasons. */
static void test_measure_reasons(void **state)
{
    (void)state;
    fixture f = fx(
        "rule 'tell' { cites = 'DSA Art. 16(5)', reason = 'notifier {n} asked',\n"
        "  measures = { action = 'notify', scope = '*' },\n"
        "  when = function(r) return r.n ~= nil, { n = r.n } end }\n"
        "rule 'weak' { outcome = 'review', reason = 'weak',\n"
        "  measures = { action = 'suspend', scope = 'DE' },\n"
        "  when = function(r) return r.weak == true end }\n"
        "rule 'strong' { outcome = 'withhold', reason = 'strong',\n"
        "  measures = { action = 'remove', scope = 'DE' },\n"
        "  when = function(r) return r.strong == true end }\n"
        "rule 'x' { outcome = 'keep', defeats = 'weak', when = function(r) return r.x == true end }\n");
    run(&f, "{\"id\":1,\"n\":\"NF-1\",\"weak\":true,\"strong\":true}");
    assert_string_equal(gavel_decision_outcome(f.d), "withhold");
    assert_int_equal(gavel_decision_nmeasure_reasons(f.d), 2);
    const gavel_reason *r = gavel_decision_measure_reason(f.d, 0);
    assert_string_equal(r->rule, "tell");
    assert_null(r->outcome);
    assert_string_equal(r->reason, "notifier NF-1 asked");
    assert_string_equal(r->cites, "DSA Art. 16(5)");
    assert_int_equal(r->nmeasures, 1);
    assert_string_equal(gavel_decision_measure_reason(f.d, 1)->rule, "weak");
    assert_null(gavel_decision_measure_reason(f.d, 2));
    assert_non_null(strstr(gavel_decision_json(f.d, NULL),
        "\"measure_reasons\":[{\"rule\":\"tell\",\"outcome\":null,\"cites\":\"DSA Art. 16(5)\","
        "\"reason\":\"notifier NF-1 asked\",\"evidence\":{\"n\":\"NF-1\"}},{\"rule\":\"weak\""));
    /* Set aside, 'weak' orders nothing and says nothing here. */
    run(&f, "{\"id\":1,\"weak\":true,\"strong\":true,\"x\":true}");
    assert_int_equal(gavel_decision_nmeasure_reasons(f.d), 0);
    /* The decision's own reasons are not repeated. */
    run(&f, "{\"id\":1,\"weak\":true}");
    assert_string_equal(gavel_decision_outcome(f.d), "review");
    assert_int_equal(gavel_decision_nmeasure_reasons(f.d), 0);
    assert_int_equal(gavel_decision_nreasons(f.d), 1);
    fx_free(&f);
}

/* The policy's actions, regions and the rules' measures in words. */
static void test_policy_views(void **state)
{
    (void)state;
    gavel_policy *p = load(
        "rule 'x' { outcome = 'withhold',\n"
        "  measures = { action = 'remove', targets = { 'account', post = 'evidence.posts' },\n"
        "               scope = { 'DACH', 'FR' }, due = { after = 'ctx.order.issued_at', hours = 36 },\n"
        "               ['until'] = '2021-06-01' },\n"
        "  when = function(r) return false end }\n");
    assert_int_equal(gavel_policy_nactions(p), 3);
    assert_string_equal(gavel_policy_action(p, 1), "remove");
    assert_null(gavel_policy_action(p, 3));
    assert_int_equal(gavel_policy_nregions(p), 2);
    const gavel_region *r = gavel_policy_region(p, 0);
    assert_string_equal(r->name, "DACH");
    assert_int_equal(r->ncodes, 3);
    assert_string_equal(r->codes[0], "AT");
    assert_string_equal(r->codes[2], "DE");
    const gavel_rule_info *info = gavel_policy_rule(p, 0);
    assert_int_equal(info->nmeasures, 1);
    assert_string_equal(info->measures[0], "remove: account, post from evidence.posts; in AT, CH, "
                        "DE, FR; due 36 hours after ctx.order.issued_at; until 2021-06-01T00:00:00Z");
    assert_null(gavel_policy_export(p, "dsa-sor"));
    gavel_policy_free(p);
}

static void test_countries(void **state)
{
    (void)state;
    assert_int_equal(gvms_ncountries(), 249);
    assert_string_equal(gvms_country_code(gvms_country("IN", 2)), "IN");
    assert_int_equal(gvms_country("UK", 2), -1);
    assert_int_equal(gvms_country("EU", 2), -1);
    assert_int_equal(gvms_country("de", 2), -1);
    assert_int_equal(gvms_country("DEU", 3), -1);
    for (int i = 1; i < gvms_ncountries(); i++)         /* sorted, so binary search holds */
        assert_true(strcmp(gvms_country_code(i - 1), gvms_country_code(i)) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_combine),
        cmocka_unit_test(test_many_targets),
        cmocka_unit_test(test_order_everywhere_until),
        cmocka_unit_test(test_reading),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_defeated_and_without),
        cmocka_unit_test(test_measure_reasons),
        cmocka_unit_test(test_policy_views),
        cmocka_unit_test(test_countries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
