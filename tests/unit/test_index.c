/*
 * test_index.c: index(list [, field]) (docs/policy.md, "Helpers"): has and
 * find over the context's lists, keys compared as == compares, read-only
 * results, one build per evaluator and context, the memory cap, and what
 * it refuses (record lists, tables of the rules' own, non-lists).
 */
#include "testutil.h"
#include "buf.h"
#include "json.h"
#include "proxy.h"
#include "sandbox.h"
#include "value.h"

#include <lauxlib.h>

/* Evaluates `rule 't' { when = function(r, ctx) BODY end }` on a record
 * against a context: the first error ("rule: message"), "fired:REASON"
 * (the reason is '{v}', the evidence's v) or "clean". */
static char result[4096];

static const char *decide(gavel_evaluator *ev, const char *record)
{
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, record);
    if (gavel_decision_nerrors(d)) {
        const gavel_error_entry *e = gavel_decision_error(d, 0);
        snprintf(result, sizeof result, "%s: %s [%s]", e->rule ? e->rule : "-", e->message,
                 gavel_decision_outcome(d));
    } else if (gavel_decision_nreasons(d)) {
        snprintf(result, sizeof result, "fired:%s", gavel_decision_reason(d, 0)->reason);
    } else {
        snprintf(result, sizeof result, "clean");
    }
    gavel_decision_free(d);
    return result;
}

static gavel_policy *load_body(const char *body, const gavel_limits *lim)
{
    char rules[4096];
    snprintf(rules, sizeof rules,
             "rule 't' { outcome = 'withhold', reason = '{v}',\n"
             "  when = function(r, ctx)\n    %s\n  end }\n", body);
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_policy *p = gavel_policy_load(dir, lim);
    tu_rmdir(dir);
    if (gavel_policy_status(p) != GAVEL_OK)
        fail_msg("policy did not load: %s", gavel_policy_errmsg(p));
    return p;
}

static gavel_evaluator *with_context(gavel_policy *p, const char *ctx)
{
    gavel_evaluator *ev = gavel_evaluator_new(p);
    assert_int_equal(gavel_evaluator_status(ev), GAVEL_OK);
    if (ctx)
        assert_int_equal(gavel_evaluator_set_context(ev, ctx, strlen(ctx), "ctx.json"), GAVEL_OK);
    return ev;
}

static const char *run(const char *body, const char *ctx, const char *record)
{
    gavel_policy *p = load_body(body, NULL);
    gavel_evaluator *ev = with_context(p, ctx);
    decide(ev, record);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    return result;
}

#define assert_contains(hay, needle) do { \
    const char *h_ = (hay); \
    if (!strstr(h_, (needle))) fail_msg("'%s' does not contain '%s'", h_, (needle)); \
} while (0)

static const char *ORDERS =
    "{\"order\": {\"accounts\": [\"a\", \"b\", 7, 2.5, true]},\n"
    " \"orders\": [{\"name\": \"o1\", \"accounts\": [\"a\", \"c\"]},\n"
    "              {\"name\": \"o2\", \"accounts\": [\"b\", \"a\", \"a\"]},\n"
    "              null,\n"
    "              {\"name\": \"o3\"},\n"
    "              {\"name\": \"o4\", \"accounts\": \"a\"}]}";

/* Names of the orders naming r.id, "-" for none. */
static const char *FIND_NAMES =
    "local found = index(ctx.orders, 'accounts'):find(r.id)\n"
    "local names = {} for _, o in ipairs(found) do names[#names + 1] = o.name end\n"
    "return true, { v = #found .. ':' .. (#names > 0 and table.concat(names, ' ') or '-') }";

static void test_has(void **state)
{
    (void)state;
    const char *has = "return true, { v = tostring(index(ctx.order.accounts):has(r.id)) }";
    assert_string_equal(run(has, ORDERS, "{\"id\":\"a\"}"), "fired:true");
    assert_string_equal(run(has, ORDERS, "{\"id\":\"b\"}"), "fired:true");
    assert_string_equal(run(has, ORDERS, "{\"id\":\"c\"}"), "fired:false");
    assert_string_equal(run(has, ORDERS, "{\"id\":\"A\"}"), "fired:false");
    assert_string_equal(run(has, ORDERS, "{\"id\":\"\"}"), "fired:false");
    /* find without a field: the items equal to the key. */
    assert_string_equal(run("return true, { v = #index(ctx.order.accounts):find('b') .. ' ' .. "
                            "#index(ctx.order.accounts):find('z') }", ORDERS, "{\"id\":1}"),
                        "fired:1 0");
}

static void test_find_several_orders(void **state)
{
    (void)state;
    /* In context order, each order once however often it names the account;
     * a field that is one value names it; null entries and orders without
     * the field name nothing. */
    assert_string_equal(run(FIND_NAMES, ORDERS, "{\"id\":\"a\"}"), "fired:3:o1 o2 o4");
    assert_string_equal(run(FIND_NAMES, ORDERS, "{\"id\":\"b\"}"), "fired:1:o2");
    assert_string_equal(run(FIND_NAMES, ORDERS, "{\"id\":\"c\"}"), "fired:1:o1");
    assert_string_equal(run(FIND_NAMES, ORDERS, "{\"id\":\"d\"}"), "fired:0:-");
    /* The entries are the context's own values: paths, pairs, evidence. */
    assert_string_equal(run("local o = index(ctx.orders, 'accounts'):find(r.id)[2]\n"
                            "local n = 0 for _ in pairs(o) do n = n + 1 end\n"
                            "return true, { v = tostring(o) .. ' ' .. n .. ' ' .. type(o) }",
                            ORDERS, "{\"id\":\"a\"}"),
                        "fired:ctx orders[2] 2 table");
    gavel_policy *p = load_body("return true, { v = 'x', orders = index(ctx.orders, 'accounts'):find(r.id) }",
                                NULL);
    gavel_evaluator *ev = with_context(p, ORDERS);
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, "{\"id\":\"c\"}");
    assert_contains(gavel_decision_json(d, NULL),
                    "\"evidence\":{\"orders\":[{\"name\":\"o1\",\"accounts\":[\"a\",\"c\"]}],\"v\":\"x\"}");
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_keys_compare_as_rules_compare(void **state)
{
    (void)state;
    const char *has = "local ix = index(ctx.order.accounts)\n"
                      "return true, { v = tostring(ix:has(r.id)) .. ' ' .. tostring(r.id == 7) }";
    assert_string_equal(run(has, ORDERS, "{\"id\":7}"), "fired:true true");
    assert_string_equal(run(has, ORDERS, "{\"id\":7.0}"), "fired:true true");
    assert_string_equal(run(has, ORDERS, "{\"id\":\"7\"}"), "fired:false false");
    assert_string_equal(run("return true, { v = tostring(index(ctx.order.accounts):has(2.5)) ..\n"
                            "  tostring(index(ctx.order.accounts):has(true)) ..\n"
                            "  tostring(index(ctx.order.accounts):has('true')) ..\n"
                            "  tostring(index(ctx.order.accounts):has(nil)) ..\n"
                            "  tostring(index(ctx.order.accounts):has(0/0)) }", ORDERS, "{}"),
                        "fired:truetruefalsefalsefalse");
    /* A number in the context written 7.0 is the integer 7 to rules too. */
    assert_string_equal(run(has, "{\"order\":{\"accounts\":[7.0]}}", "{\"id\":7}"),
                        "fired:true true");
    assert_contains(run("return index(ctx.order.accounts):has({})", ORDERS, "{}"),
                    "index: cannot look up a table");
}

static void test_refusals(void **state)
{
    (void)state;
    /* Each message says what was wrong, where, and in which rule. */
    assert_contains(run("return index(ctx.order):has(1)", ORDERS, "{}"),
                    "rules.lua:3: index: ctx.order is a mapping, not a list (rule 't') [review]");
    assert_contains(run("return index(ctx.order.accounts[1]):has(1)", ORDERS, "{}"),
                    "index: expects a list of the context (ctx...), not a string (rule 't')");
    assert_contains(run("return index({ 'a' }):has('a')", ORDERS, "{}"),
                    "not a table of the rules' own");
    assert_contains(run("return index(ctx.order.accounts, 'x'):has(1)", ORDERS, "{}"),
                    "index: ctx.order.accounts[1] is not a mapping, so it has no field to index");
    assert_contains(run("return index(ctx.orders):has(1)", ORDERS, "{}"),
                    "index: ctx.orders[1] is a table; the keys of an index are strings");
    assert_contains(run("return index(ctx.l, 'k'):has(1)", "{\"l\":[{\"k\":[[1]]}]}", "{}"),
                    "index: ctx.l[1].k[1] is a table");
    /* A record's list is per record: refused, with the way to go instead. */
    assert_contains(run("return index(r.tags):has('x')", ORDERS, "{\"tags\":[\"x\"]}"),
                    "index: r.tags is the record's: index takes the context's lists");
    /* A missing list names nothing; its absence is in `missing`. */
    assert_string_equal(run("local ix = index(ctx.nothing)\n"
                            "return true, { v = tostring(ix:has('a')) .. #ix:find('a') }",
                            ORDERS, "{}"),
                        "fired:false0");
    assert_string_equal(run("return true, { v = tostring(index(ctx.orders, 'accounts'):has('a')) }",
                            NULL, "{}"),
                        "fired:false");
    /* Not while loading: there is no context then. */
    const char *dir = tu_policy_dir(NULL, "local ix = index(nil)\n"
                                          "rule 't' { outcome = 'keep', when = function() end }\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_EPOLICY);
    assert_contains(gavel_policy_errmsg(p), "index() can only be called while a record is evaluated");
    gavel_policy_free(p);
}

static void test_read_only(void **state)
{
    (void)state;
    assert_contains(run("local ix = index(ctx.orders, 'accounts') ix.has = nil", ORDERS, "{}"),
                    "an index is read-only");
    assert_contains(run("local f = index(ctx.orders, 'accounts'):find('a') f[1] = 1", ORDERS, "{}"),
                    "the context is read-only");
    assert_contains(run("local f = index(ctx.orders, 'accounts'):find('zz') f[1] = 1", ORDERS, "{}"),
                    "the context is read-only");
    assert_contains(run("index(ctx.orders, 'accounts'):find('a')[1].name = 'x'", ORDERS, "{}"),
                    "the context is read-only");
    assert_contains(run("return getmetatable(index(ctx.orders, 'accounts'))", ORDERS, "{}"),
                    "undefined global 'getmetatable'");
    assert_contains(run("setmetatable(index(ctx.orders, 'accounts'), {})", ORDERS, "{}"),
                    "bad argument #1 to 'setmetatable' (table expected, got gavel.index)");
    assert_contains(run("return index(ctx.orders, 'accounts').has(1, 'a')", ORDERS, "{}"),
                    "bad argument #1 to 'has' (index expected");
    /* No address in its text. */
    assert_string_equal(run("return true, { v = tostring(index(ctx.orders, 'accounts')) }",
                            ORDERS, "{}"), "fired:userdata");
}

/* A context of n accounts, "acc0" ... */
static char *accounts_context(int n)
{
    gv_buf b = GV_BUF_INIT;
    gv_buf_adds(&b, "{\"order\":{\"accounts\":[");
    for (int i = 0; i < n; i++) {
        char s[32];
        snprintf(s, sizeof s, "%s\"acc%d\"", i ? "," : "", i);
        gv_buf_adds(&b, s);
    }
    gv_buf_adds(&b, "]}}");
    assert_false(b.oom);
    return b.ptr;
}

static void test_context_changed(void **state)
{
    (void)state;
    /* Two contexts of one shape: the second's values sit where the first's
     * did, and must still not be answered from the first's index. */
    gavel_policy *p = load_body("return true, { v = tostring(index(ctx.order.accounts):has(r.id)) }",
                                NULL);
    gavel_evaluator *ev = with_context(p, "{\"order\":{\"accounts\":[\"aaa\"]}}");
    assert_string_equal(decide(ev, "{\"id\":\"aaa\"}"), "fired:true");
    assert_string_equal(decide(ev, "{\"id\":\"bbb\"}"), "fired:false");
    const char *other = "{\"order\":{\"accounts\":[\"bbb\"]}}";
    assert_int_equal(gavel_evaluator_set_context(ev, other, strlen(other), "b.json"), GAVEL_OK);
    assert_string_equal(decide(ev, "{\"id\":\"aaa\"}"), "fired:false");
    assert_string_equal(decide(ev, "{\"id\":\"bbb\"}"), "fired:true");
    const char *none = "{\"order\":{}}";
    assert_int_equal(gavel_evaluator_set_context(ev, none, strlen(none), "none.json"), GAVEL_OK);
    assert_string_equal(decide(ev, "{\"id\":\"bbb\"}"), "fired:false");
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

/* Calls index(ctx.order.accounts):has(key) in state L as a record's rule
 * would, against context value ctx; returns the answer. */
static int has_in_state(lua_State *L, const gv_value *ctx, const char *key)
{
    gvsb_new_record(L);
    gvsb_arm(L);
    const char *code = "local ctx, k = ... return index(ctx.order.accounts):has(k)";
    assert_int_equal(luaL_loadbufferx(L, code, strlen(code), "=t", "t"), LUA_OK);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);      /* the sandbox's */
    lua_setupvalue(L, -2, 1);
    gvproxy_push(L, ctx, 1);
    lua_pushstring(L, key);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    int yes = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return yes;
}

static void test_built_once_per_context(void **state)
{
    (void)state;
    gavel_policy *p = tu_load("rule 'r' { outcome = 'keep', when = function() end }\n");
    gvsb sb;
    memset(&sb, 0, sizeof sb);
    char msg[256];
    lua_State *L = gvsb_new(p, &sb, msg, sizeof msg);
    assert_non_null(L);
    char *text = accounts_context(1000);
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };
    gv_value *ctx = gvjson_parse(text, strlen(text), 1, &a, NULL, &e);
    assert_non_null(ctx);
    for (int i = 0; i < 50; i++) {              /* 50 records, one build */
        char key[32];
        snprintf(key, sizeof key, "acc%d", i * 19);
        assert_true(has_in_state(L, ctx, key));
        assert_false(has_in_state(L, ctx, "acc1000"));
    }
    assert_int_equal(sb.index_builds, 1);
    sb.ctx_gen++;                               /* what eval.c does on a new context */
    assert_true(has_in_state(L, ctx, "acc999"));
    assert_true(has_in_state(L, ctx, "acc0"));
    assert_int_equal(sb.index_builds, 2);
    gv_arena_free(&a);
    free(text);
    gvsb_close(L);
    gavel_policy_free(p);
}

static void test_memory_cap_while_building(void **state)
{
    (void)state;
    /* 200,000 keys take some 14 MiB of index: past a 4 MiB cap, each record
     * is decided on_error with the memory message, and the evaluator lives
     * on; a context that fits is answered again afterwards. */
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.memory = 4u << 20;
    gavel_policy *p = load_body("return true, { v = tostring(index(ctx.order.accounts):has(r.id)) }",
                                &lim);
    char *big = accounts_context(200000);
    gavel_evaluator *ev = with_context(p, big);
    for (int i = 0; i < 3; i++)
        assert_string_equal(decide(ev, "{\"id\":\"acc5\"}"),
                            "t: exceeded the memory budget (4194304 bytes per evaluator; "
                            "--max-memory) [review]");
    char *small = accounts_context(1000);
    assert_int_equal(gavel_evaluator_set_context(ev, small, strlen(small), "small.json"), GAVEL_OK);
    assert_string_equal(decide(ev, "{\"id\":\"acc5\"}"), "fired:true");
    assert_string_equal(decide(ev, "{\"id\":\"acc1000\"}"), "fired:false");
    gavel_evaluator_free(ev);
    free(small);
    free(big);
    gavel_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has),
        cmocka_unit_test(test_find_several_orders),
        cmocka_unit_test(test_keys_compare_as_rules_compare),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_context_changed),
        cmocka_unit_test(test_built_once_per_context),
        cmocka_unit_test(test_memory_cap_while_building),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
