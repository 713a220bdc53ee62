/*
 * test_sandbox.c: what rules can and cannot reach (docs/security.md, items 1-11):
 * the allow-list, frozen tables, read-only records, budgets that pcall
 * cannot swallow, library calls that loop in C charged to them, the memory
 * cap, the pattern cost cap, no __gc.
 */
#include "testutil.h"
#include "buf.h"
#include "decision.h"
#include "json.h"
#include "policy.h"
#include "proxy.h"
#include "sandbox.h"
#include "value.h"

#include <lauxlib.h>
#include <time.h>
#include <unistd.h>

/* Evaluates one rule body `when = function(r, ctx) BODY end` on a record and
 * returns the first error message, or "" when the rule ran clean. */
static char result[1024];

static const char *run_limited(const char *body, const char *record, const gavel_limits *lim)
{
    char rules[4096];
    snprintf(rules, sizeof rules,
             "rule 't' { outcome = 'withhold', reason = '{v}',\n"
             "  when = function(r, ctx) if r.probe == nil then return false end\n"
             "    %s\n  end }\n", body);
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_policy *p = gavel_policy_load(dir, lim);
    tu_rmdir(dir);
    if (gavel_policy_status(p) != GAVEL_OK) {
        snprintf(result, sizeof result, "LOAD: %s", gavel_policy_errmsg(p));
        gavel_policy_free(p);
        return result;
    }
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, record ? record : "{\"id\":\"x\",\"probe\":1,\"posts\":[{\"text\":\"hi\"}]}");
    if (gavel_decision_nerrors(d))
        snprintf(result, sizeof result, "%s", gavel_decision_error(d, 0)->message);
    else if (gavel_decision_nreasons(d))
        snprintf(result, sizeof result, "fired:%s", gavel_decision_reason(d, 0)->reason);
    else
        snprintf(result, sizeof result, "clean");
    /* The evaluator must still work after whatever happened. */
    tu_eval(ev, d, "{}");
    assert_int_equal(gavel_decision_nerrors(d), 0);
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    return result;
}

static const char *run(const char *body) { return run_limited(body, NULL, NULL); }

#define assert_contains(hay, needle) do { \
    const char *h_ = (hay); \
    if (!strstr(h_, (needle))) fail_msg("'%s' does not contain '%s'", h_, (needle)); \
} while (0)

static void test_forbidden_globals(void **state)
{
    (void)state;
    static const char *const names[] = { "io", "os", "debug", "package", "require",
        "load", "loadstring", "loadfile", "dofile", "collectgarbage", "print", "warn",
        "coroutine", "getmetatable", "rawset", "_G", NULL };
    for (int i = 0; names[i]; i++) {
        char body[128], want[64];
        snprintf(body, sizeof body, "return %s ~= nil", names[i]);
        snprintf(want, sizeof want, "undefined global '%s'", names[i]);
        assert_contains(run(body), want);
    }
}

static void test_forbidden_functions(void **state)
{
    (void)state;
    assert_string_equal(run("return string.dump == nil and math.random == nil "
                            "and math.randomseed == nil, { v = 'gone' }"), "fired:gone");
    assert_string_equal(run("return (''):rep(2) == '' and (\"x\").dump == nil, { v = 'ok' }"),
                        "fired:ok");
}

static void test_allowed(void **state)
{
    (void)state;
    assert_string_equal(run("local t = {} setmetatable(t, { __index = function() return 5 end })\n"
                            "return t.x == 5 and select('#', 1, 2) == 2 and math.floor(2.5) == 2\n"
                            "  and utf8.len('ü') == 1 and table.concat({'a','b'}) == 'ab'\n"
                            "  and tostring(1) == '1' and tonumber('2') == 2 and type(r) == 'table'\n"
                            "  and type(r.posts) == 'table' and #r.posts == 1, { v = 'ok' }"),
                        "fired:ok");
}

static void test_no_gc_metamethod(void **state)
{
    (void)state;
    assert_contains(run("setmetatable({}, { __gc = function() end }) return false"),
                    "__gc is not allowed");
}

static void test_globals_are_read_only(void **state)
{
    (void)state;
    assert_contains(run("x = 1 return false"), "assignment to global 'x'");
    assert_contains(run("string.upper = nil return false"), "read-only");
    assert_contains(run("math.pi = 3 return false"), "read-only");
    assert_contains(run("lexicon.x = 1 return false"), "read-only");
}

static void test_record_is_read_only(void **state)
{
    (void)state;
    assert_contains(run("r.id = 'y' return false"), "record is read-only");
    assert_contains(run("r.posts[1].text = 'y' return false"), "record is read-only");
    assert_contains(run("table.insert(r.posts, 1) return false"), "read-only");
    assert_contains(run("ctx.x = 1 return false"), "context is read-only");
}

/* Evaluates `rules` on records a then b with one evaluator; *out gets the
 * JSON of b's decision. */
static void two_records(const char *rules, char *out, size_t outlen)
{
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, "{\"id\":\"a\"}");
    tu_eval(ev, d, "{\"id\":\"b\"}");
    size_t len;
    snprintf(out, outlen, "%s", gavel_decision_json(d, &len));
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_load_time_tables_frozen(void **state)
{
    (void)state;
    char out[2048];
    /* A table built when the rule file loaded cannot carry state from one
     * record to the next. */
    two_records("local seen = {}\n"
                "rule 't' { outcome = 'withhold', when = function(r)\n"
                "  seen[#seen + 1] = r.id return #seen > 1 end }\n", out, sizeof out);
    assert_contains(out, "read-only");
    assert_contains(out, "\"fired\":[]");
}

static void test_tables_with_metatables_frozen(void **state)
{
    (void)state;
    char out[2048];
    /* A table given a metatable at load time is policy data like any
     * other: writing to it fails, so record b cannot see record a. */
    two_records("local seen = setmetatable({}, {})\n"
                "rule 't' { outcome = 'withhold', when = function(r)\n"
                "  seen.n = (seen.n or 0) + 1 return seen.n > 1 end }\n", out, sizeof out);
    assert_contains(out, "read-only");
    assert_contains(out, "\"decision\":\"review\"");
    /* Its metamethods still work: __index (function and table), __call,
     * __len, __eq; and a load-time metatable still works for a table made
     * while evaluating. */
    two_records("local mt = { __index = function(t, k) return k .. '!' end,\n"
                "  __call = function(self, x) return x * 2 end, __len = function() return 7 end }\n"
                "local D = setmetatable({ a = 1 }, mt)\n"
                "local base = { greet = 'hi' }\n"
                "local E = setmetatable({}, { __index = base })\n"
                "rule 't' { outcome = 'withhold', reason = '{a} {x} {c} {l} {g} {n}',\n"
                "  when = function(r)\n"
                "    local N = setmetatable({}, mt)\n"
                "    return true, { a = D.a, x = D.x, c = D(21), l = #D, g = E.greet, n = N.y }\n"
                "  end }\n", out, sizeof out);
    assert_contains(out, "\"reason\":\"1 x! 42 7 hi y!\"");
    /* The metatable itself is frozen too. */
    two_records("local mt = {}\n"
                "local D = setmetatable({}, mt)\n"
                "rule 't' { outcome = 'withhold', when = function(r)\n"
                "  mt.__index = function() return r.id end return D.x == 'b' end }\n",
                out, sizeof out);
    assert_contains(out, "read-only");
}

static void test_frozen_state_cannot_escape(void **state)
{
    (void)state;
    char out[2048];
    /* pairs() on a frozen table returns the frozen table as its state,
     * never the writable contents behind it. */
    two_records("local cfg = { a = 1 }\n"
                "rule 't' { outcome = 'withhold', when = function(r)\n"
                "  local _, h = pairs(cfg) local hit = h.seen ~= nil\n"
                "  h.seen = r.id return hit end }\n", out, sizeof out);
    assert_contains(out, "read-only");
    /* A captured table variable pointed at a new table is caught and put
     * back: record b sees the table the policy loaded with. */
    two_records("local prev = {}\n"
                "rule 't' { outcome = 'withhold', when = function(r)\n"
                "  local hit = prev.id ~= nil prev = { id = r.id } return hit end }\n",
                out, sizeof out);
    assert_contains(out, "changed the local 'prev'");
    assert_contains(out, "\"fired\":[]");
}

static void test_load_time_iterators(void **state)
{
    (void)state;
    char out[2048];
    /* An iterator made at load time keeps its position in upvalues: it is
     * frozen and watched like any captured state, so record b starts
     * where record a did (and a's change is reported). */
    two_records("local nextk = pairs({ 10, 20, 30 })\n"
                "rule 't' { outcome = 'withhold', when = function(r) return nextk() == 2 end }\n",
                out, sizeof out);
    assert_contains(out, "\"fired\":[]");
    /* gmatch's keeps its position where it cannot be watched: refused. */
    const char *dir = tu_policy_dir(NULL, "local w = ('a b c'):gmatch('%a')\n"
                                          "rule 't' { outcome = 'keep', when = function() return w() end }\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_EPOLICY);
    assert_contains(gavel_policy_errmsg(p), "an iterator kept from load time");
    gavel_policy_free(p);
}

static void test_freezing_keeps_lua_semantics(void **state)
{
    (void)state;
    char out[2048];
    /* A table that is its own metatable keeps its metamethods. */
    two_records("local M = {} M.__call = function(_, x) return x > 1 end setmetatable(M, M)\n"
                "rule 't' { outcome = 'withhold', when = function(r) return M(2) end }\n",
                out, sizeof out);
    assert_contains(out, "\"fired\":[\"t\"]");
    /* Metamethods are looked up raw, as Lua does: a metatable whose own
     * __index raises must not make the policy fail to load. */
    two_records("local A = setmetatable({}, { __index = function(_, k) error('no ' .. k) end })\n"
                "local o = setmetatable({ v = 1 }, A)\n"
                "rule 't' { outcome = 'withhold', when = function(r) return o.v == 1 end }\n",
                out, sizeof out);
    assert_contains(out, "\"fired\":[\"t\"]");
    /* A __gc added to a metatable after setmetatable checked it is not
     * armed by freezing (it would run, unbudgeted, when the state closes). */
    two_records("local mt = {} local t = setmetatable({}, mt)\n"
                "mt.__gc = function() while true do end end\n"
                "rule 't' { outcome = 'withhold', when = function(r) return t ~= nil end }\n",
                out, sizeof out);
    assert_contains(out, "\"fired\":[\"t\"]");
}

static void test_no_weak_tables(void **state)
{
    (void)state;
    assert_contains(run("setmetatable({}, { __mode = 'k' }) return false"),
                    "__mode (weak tables) is not allowed");
    /* Nor added afterwards, to a metatable already in use. */
    assert_contains(run("local mt = {} local w = setmetatable({}, mt) mt.__mode = 'v'\n"
                        "return false"), "__mode cannot be added to a metatable in use");
    /* Anything else may be: Lua's semantics hold while evaluating. */
    assert_string_equal(run("local mt = {} local o = setmetatable({}, mt)\n"
                            "mt.__index = function(_, k) return k .. '!' end\n"
                            "return true, { v = o.x }"), "fired:x!");
    /* A metatable with a metatable of its own is copied, and the copy is
     * counted toward the budget. */
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = 1000000;
    assert_contains(run_limited("local big = setmetatable({}, {}) for i = 1, 100000 do big[i] = i end\n"
                                "for i = 1, 1000 do setmetatable({}, big) end return false",
                                NULL, &lim), "instruction budget");
}

static void test_captured_scalars_watched(void **state)
{
    (void)state;
    /* A counter captured by `when` would make a decision depend on the
     * records before it: the change is caught, reported and undone. */
    const char *rules =
        "local n = 0\n"
        "rule 't' { outcome = 'withhold', when = function(r)\n"
        "  n = n + 1 return n > 1 end }\n";
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    for (int i = 0; i < 3; i++) {
        tu_eval(ev, d, "{\"id\":\"a\"}");
        assert_string_equal(gavel_decision_outcome(d), "review");
        assert_contains(tu_error(d, 0), "changed the local 'n'");
        assert_int_equal(gavel_decision_nfired(d), 0);
    }
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_captured_scalars_restored_after_errors(void **state)
{
    (void)state;
    char out[2048];
    /* Record a changes the local, then runs out of instructions: b must
     * still see the value the policy loaded with. */
    two_records("local n = 0\n"
                "rule 't' { outcome = 'withhold', reason = 'n={n}', when = function(r)\n"
                "  if r.id == 'a' then n = 5 while true do end end\n"
                "  return true, { n = n } end }\n", out, sizeof out);
    assert_contains(out, "\"reason\":\"n=0\"");
    /* The same when the error is raised outside the rule's own call (its
     * evidence cannot be written). */
    two_records("local n = 0\n"
                "rule 't' { outcome = 'withhold', reason = 'n={n}', when = function(r)\n"
                "  if r.id == 'a' then n = 5 return true, { f = print or tostring } end\n"
                "  return true, { n = n } end }\n", out, sizeof out);
    assert_contains(out, "\"reason\":\"n=0\"");
}

static void test_instruction_budget(void **state)
{
    (void)state;
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = 100000;
    lim.millis = 600000;    /* the instruction budget, not the clock, under valgrind too */
    assert_contains(run_limited("while true do end", NULL, &lim), "instruction budget");
    /* pcall in rule code cannot swallow the budget. */
    assert_contains(run_limited("while true do pcall(function() while true do end end) end",
                                NULL, &lim), "instruction budget");
    /* Nor can a tail-call loop escape it. */
    assert_contains(run_limited("local function f(n) return f(n + 1) end return f(1)",
                                NULL, &lim), "instruction budget");
    /* Work inside one C call counts too: next() over a big table sorts its
     * keys each time (the hook sees one instruction), as do sort and the
     * scans of a long text. */
    lim.instructions = 1000000;
    assert_contains(run_limited("local t = {} for i = 1, 20000 do t[i] = i end\n"
                                "local k repeat k = next(t, k) until k == nil return false",
                                NULL, &lim), "instruction budget");
    assert_contains(run_limited("local t = {} for i = 1, 20000 do t[i] = -i end\n"
                                "for j = 1, 1000 do table.sort(t) end return false",
                                NULL, &lim), "instruction budget");
    assert_contains(run_limited("local s = ('x'):rep(1000000)\n"
                                "for j = 1, 1000 do s:find('y', 1, true) end return false",
                                NULL, &lim), "instruction budget");
}

static void test_time_budget(void **state)
{
    (void)state;
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = (uint64_t)1 << 50;
    lim.millis = 50;
    assert_contains(run_limited("while true do end", NULL, &lim), "time budget");
}

/* Library calls that loop inside C, where the hook cannot see (docs/security.md,
 * "What each library call costs"): each runs far past any budget unless
 * charged. */
static const char *const c_loops[] = {
    "local s = ('x'):rep(1e8, '')",
    "local s = (''):rep(1e8, 'y')",
    "table.move({}, 1, 1e12, 2)",
    "local t = {} for i = 1, 1e5 do t[i] = '' end for j = 1, 1e5 do table.concat(t) end",
    "local t = {} for i = 1, 1e5 do t[i] = i end\n"
    "  for j = 1, 1e5 do table.insert(t, 1, j) table.remove(t, 1) end",
    "local t = {} for i = 1, 1e5 do t[i] = i end\n"
    "  for j = 1, 1e5 do local a = math.max(table.unpack(t)) end",
    "local t = {} for i = 1, 1e5 do t[i] = 65 end\n"
    "  for j = 1, 1e5 do local a = utf8.char(table.unpack(t)) .. select('#', table.unpack(t)) end",
    "local s = ('x'):rep(1e5) for j = 1, 1e6 do local a = s:byte(1, -1) end",
    "local s = ('\\x80'):rep(1e7) for j = 1, 1e6 do utf8.len(s) end",
    "local s = ('\\x80'):rep(1e7) for j = 1, 1e6 do utf8.offset(s, 0, 1e7) end",
    "local s = 'a' .. ('\\x80'):rep(1e7) for j = 1, 1e6 do for p, c in utf8.codes(s) do end end",
    "local s = ('1'):rep(1e7) for j = 1, 1e6 do tonumber(s) end",
    "local s, u = ('1'):rep(1e7), ('1'):rep(1e7) for j = 1, 1e6 do rawequal(s, u) end",
    "local s = ('x'):rep(1e7) for j = 1, 1e6 do local u = s:upper() end",
    "local s = ('x'):rep(1e7) for j = 1, 1e6 do local u = s .. 'y' end",
    "local s = ('x'):rep(1e7) for j = 1, 1e6 do local u = string.format('%s%s', s, s) end",
    "local s = ('x'):rep(1e6) for j = 1, 1e6 do local u = s:gsub('x', 'yy') end",
    "local t = {} for i = 1, 1e5 do t[i] = false end for j = 1, 1e6 do count(t) end",
    NULL };

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Runs each hostile call under lim: it must end in `error` within
 * within_ms. An alarm fails the test rather than let a regression hang. */
static void c_loops_end(const gavel_limits *lim, const char *error, double within_ms)
{
    alarm(120);
    for (int i = 0; c_loops[i]; i++) {
        char body[1024];
        snprintf(body, sizeof body, "%s\n    return false", c_loops[i]);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        const char *got = run_limited(body, NULL, lim);
        double ms = elapsed_ms(&t0);
        if (!strstr(got, error) || ms > within_ms)
            fail_msg("%s: '%s' after %.0f ms (want '%s' within %.0f ms)", c_loops[i], got, ms,
                     error, within_ms);
    }
    alarm(0);
}

static void test_c_calls_instruction_budget(void **state)
{
    (void)state;
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = 1000000;
    lim.millis = 600000;        /* the instruction charge, not the clock */
    c_loops_end(&lim, "instruction budget", 20000);
    /* Refused up front, before any work: */
    assert_contains(run_limited("local s = ('x'):rep(1e8) return false", NULL, &lim),
                    "instruction budget");
    assert_contains(run_limited("local t = table.unpack({}, 1, 1e8) return false", NULL, &lim),
                    "instruction budget");
    /* What used to loop forever in one call is no work at all. */
    assert_string_equal(run_limited("local s = (''):rep(math.maxinteger) return s ~= ''",
                                    NULL, &lim), "clean");
    /* Lua's own argument checks still speak for themselves. */
    assert_contains(run_limited("table.move({}, 1, math.maxinteger, 2)", NULL, &lim),
                    "bad argument #4 to 'move' (destination wrap around)");
    assert_contains(run_limited("table.concat({}, '', 1, 3)", NULL, &lim),
                    "invalid value (nil) at index 1 in table for 'concat'");
}

static void test_c_calls_time_budget(void **state)
{
    (void)state;
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = (uint64_t)1 << 50;
    lim.millis = 100;
    /* The budget plus the documented slack, and room for a loaded or
     * sanitized build: far below what any of these takes unchecked. */
    c_loops_end(&lim, "time budget", 3000);
}

static void test_charged_calls_keep_lua_semantics(void **state)
{
    (void)state;
    /* Moves of more than a chunk, overlapping either way or to another table. */
    assert_contains(run(
        "local t = {} for i = 1, 10000 do t[i] = i end\n"
        "    table.move(t, 1, 10000, 5)\n"
        "    assert(t[5] == 1 and t[10004] == 10000 and t[4] == 4)\n"
        "    local u = {} for i = 1, 10000 do u[i] = i end\n"
        "    table.move(u, 3, 10000, 1)\n"
        "    assert(u[1] == 3 and u[9998] == 10000 and u[9999] == 9999)\n"
        "    local v = table.move(u, 1, 5000, 1, {})\n"
        "    assert(#v == 5000 and v[5000] == 5002)\n"
        "    local x = table.move(u, 1, 9000, 1, {})\n"
        "    assert(#x == 9000 and x[9000] == 9002)\n"
        "    return true"), "fired:");
    assert_contains(run(
        "assert(('ab'):rep(3, ',') == 'ab,ab,ab' and ('ab'):rep(0) == '')\n"
        "    assert((''):rep(3, '-') == '--' and select('#', 1, 2, 3) == 3)\n"
        "    assert(math.max(3, 9, 2) == 9 and utf8.char(72, 105) == 'Hi')\n"
        "    assert(table.concat({1, 2, 3}, '-', 2) == '2-3')\n"
        "    assert(select(2, ('abc'):byte(1, -1)) == 98)\n"
        "    local w = {1, 2, 3} table.insert(w, 1, 0)\n"
        "    assert(table.remove(w, 2) == 1 and w[2] == 2)\n"
        "    assert(utf8.len('h\\xc3\\xa9') == 2 and tonumber('0x10') == 16)\n"
        "    return rawequal('a', 'a')"), "fired:");
}

static void test_memory_budget(void **state)
{
    (void)state;
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.memory = 8u << 20;
    assert_contains(run_limited("local t = {} for i = 1, 1e8 do t[i] = i end", NULL, &lim),
                    "memory budget");
    assert_contains(run_limited("local s = ('x'):rep(64 * 1024 * 1024) return #s > 0", NULL, &lim),
                    "memory budget");
    /* pcall cannot swallow running out either. */
    assert_contains(run_limited("while true do pcall(function() local t = {}\n"
                                "  for i = 1, 1e8 do t[i] = i end end) end", NULL, &lim),
                    "memory budget");
}

static void test_memory_budget_at_load(void **state)
{
    (void)state;
    /* pcall cannot swallow running out while the rule files load either. */
    const char *dir = tu_policy_dir(NULL, "rule 't' { outcome = 'keep', when = function() end }\n"
                                          "pcall(string.rep, 'x', 1 << 30)\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_EPOLICY);
    assert_contains(gavel_policy_errmsg(p), "exceeded the memory budget");
    gavel_policy_free(p);
}

/* Evaluates records a and b alternately, `n` in all, under a 16 MiB memory
 * cap: every one must be decided without an error. */
static void alternate_under_16m(const char *rules, int n)
{
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.memory = 16u << 20;
    lim.millis = 600000;    /* a test of memory: under valgrind a record takes seconds */
    gavel_policy *p = gavel_policy_load(dir, &lim);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    for (int i = 0; i < n; i++) {
        tu_eval(ev, d, i % 2 ? "{\"id\":\"b\"}" : "{\"id\":\"a\"}");
        assert_int_equal(gavel_decision_nerrors(d), 0);
        assert_string_equal(gavel_decision_outcome(d), "keep");
    }
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_memory_budget_ignores_old_garbage(void **state)
{
    (void)state;
    /* Each record builds ~12 MB of strings and drops them, under a 16 MiB
     * cap: whether one fits must not depend on the garbage the ones before
     * it left (Lua's emergency collection runs before the budget trips). */
    alternate_under_16m(
        "rule 'm' { outcome = 'withhold', when = function(r)\n"
        "  local t = {} for i = 1, 11000 do t[i] = string.rep('x', 1000) .. i end\n"
        "  local u = {} for i = 1, 1000 do u[i] = string.rep('y', 2000) end\n"
        "  return false end }\n", 6);
}

static void test_memory_budget_buffers_ignore_old_garbage(void **state)
{
    (void)state;
    /* string.rep's buffer is refused without Lua's emergency collection:
     * record b fits alone, and must fit after record a's garbage too (the
     * record is tried once more on a fresh state). */
    alternate_under_16m(
        "rule 'm' { outcome = 'withhold', when = function(r)\n"
        "  if r.id == 'a' then local t = {} for i = 1, 11000 do\n"
        "    t[i] = string.rep('x', 1000) .. i end end\n"
        "  if r.id == 'b' then local s = string.rep('z', 6 * 1024 * 1024) end\n"
        "  return false end }\n", 4);
}

static void test_pattern_cost(void **state)
{
    (void)state;
    assert_contains(run("return (('a'):rep(400)):find('a-a-a-b')"), "pattern too costly");
    /* %b scans to the end of the subject from every start, and a
     * back-reference compares a whole capture: each is a factor too. */
    assert_contains(run("return (('('):rep(100000)):find('%b()')"), "pattern too costly");
    assert_contains(run("return (('a'):rep(100000)):find('^(.-)%1x')"), "pattern too costly");
    /* Just under the cap, one match takes a tenth of a second the hook
     * cannot see: a loop of them runs out of instructions all the same. */
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = 100000;
    assert_contains(run_limited("local s = ('a'):rep(400)\n"
                                "for i = 1, 1000 do s:find('a-a-ab') end return false", NULL, &lim),
                    "instruction budget");
    assert_contains(run("return ('abc'):find(('x'):rep(300))"), "pattern longer than");
    /* Ordinary patterns and plain finds are fine. */
    assert_string_equal(run("return ('  hi  '):match('^%s*(.-)%s*$') == 'hi'"
                            " and (('a'):rep(400)):find('a-a-a-b', 1, true) == nil, {v='ok'}"),
                        "fired:ok");
}

static void test_evidence_read_raw(void **state)
{
    (void)state;
    /* A cycle in the evidence is stopped, not followed forever. */
    assert_contains(run("local t = {} t.t = t return true, { v = 'x', t = t }"),
                    "evidence nested deeper than");
    /* A metatable on the evidence is never consulted: no __pairs, no
     * __index, no __tostring runs outside the rule's own protection. */
    assert_string_equal(run("local e = setmetatable({ v = 'raw' }, {\n"
                            "  __index = function() error('__index ran') end,\n"
                            "  __pairs = function() error('__pairs ran') end,\n"
                            "  __tostring = function() error('__tostring ran') end })\n"
                            "return true, e"), "fired:raw");
    /* Values evidence cannot hold are refused by name. */
    assert_contains(run("return true, { v = 'x', f = print }"), "undefined global 'print'");
    assert_contains(run("return true, { v = 'x', f = function() end }"),
                    "evidence holds a function");
}

static void test_deep_recursion(void **state)
{
    (void)state;
    /* Lua's own C-stack guard turns runaway recursion into an error. */
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = (uint64_t)1 << 40;
    lim.millis = 600000;    /* Lua's guard is the test, not the clock (slow under valgrind) */
    assert_contains(run_limited("local function f(n) return 1 + f(n + 1) end return f(1)",
                                NULL, &lim), "stack overflow");
    assert_contains(run_limited("local function f(s) return s:gsub('.', function(c) "
                                "return f(c) end) end return f('ab')", NULL, &lim),
                    "stack overflow");
}

static void test_source_size_capped(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(NULL, NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/rules.lua", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 17 * 1024; i++)
        fprintf(f, "-- %1020d\n", i);                 /* 17 MiB of comments */
    fclose(f);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_EPOLICY);
    assert_contains(gavel_policy_errmsg(p), "larger than 16 MiB");
    gavel_policy_free(p);
}

static void test_fixed_iteration_order(void **state)
{
    (void)state;
    /* pairs() and next() visit numbers, then strings in byte order, then
     * booleans, whatever Lua's per-state hash seed: decisions that build
     * evidence in pairs() order can be made again. */
    assert_string_equal(run(
        "local t = { zeta = 1, alpha = 2, [10] = 3, [2.5] = 4, [-1] = 5, Beta = 6, [true] = 7 }\n"
        "local seen = {}\n"
        "for k in pairs(t) do seen[#seen + 1] = tostring(k) end\n"
        "local first = next(t)\n"
        "local second = next(t, first)\n"
        "return true, { v = table.concat(seen, ' ') .. ' | ' .. tostring(first) .. ' ' .. "
        "tostring(second) .. ' ' .. tostring(next({})) }"),
        "fired:-1 2.5 10 Beta alpha zeta true | -1 2.5 nil");
    /* Frozen load-time tables iterate in the same order. */
    const char *rules =
        "local T = { c = 1, a = 2, b = 3 }\n"
        "rule 't' { outcome = 'withhold', reason = '{v}', when = function(r)\n"
        "  local s = '' for k in pairs(T) do s = s .. k end\n"
        "  return true, { v = s .. tostring(next(T)) } end }\n";
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, "{}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "abca");
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    /* Keys with no order are refused rather than iterated at random. */
    assert_contains(run("for k in pairs({ [{}] = 1 }) do end return false"),
                    "keyed by a table has no fixed order");
}

static void test_stable_sort(void **state)
{
    (void)state;
    /* Equal keys keep their order, however long the array. */
    assert_string_equal(run(
        "local t = {}\n"
        "for i = 1, 500 do t[i] = { k = i % 3, i = i } end\n"
        "table.sort(t, function(a, b) return a.k < b.k end)\n"
        "for i = 2, 500 do\n"
        "  if t[i - 1].k == t[i].k and t[i - 1].i > t[i].i then return true, { v = 'unstable' } end\n"
        "  if t[i - 1].k > t[i].k then return true, { v = 'unsorted' } end\n"
        "end\n"
        "local s = { 'b', 'c', 'a' } table.sort(s)\n"
        "return true, { v = t[1].i .. ' ' .. t[500].i .. ' ' .. table.concat(s) }"),
        "fired:3 500 abc");
    assert_contains(run("table.sort(r.posts) return false"), "table expected, got record");
}

static void test_no_addresses(void **state)
{
    (void)state;
    assert_string_equal(run("return true, { v = tostring({}) .. ' ' .. tostring(ipairs) .. ' ' .. "
                            "string.format('%s %s %d', {}, ipairs ~= nil, 3) }"),
                        "fired:table function table true 3");
    assert_contains(run("return true, { v = string.format('%p', {}) }"), "%p prints a memory address");
    /* A record proxy still names itself. */
    assert_string_equal(run("return true, { v = tostring(r.posts) }"), "fired:record posts");
}

/* A sandboxed state of a one-rule policy, without an evaluator. */
static lua_State *bare_state(gvsb *sb, gavel_policy **p)
{
    *p = tu_load("rule 'r' { outcome = 'keep', when = function() end }\n");
    memset(sb, 0, sizeof *sb);
    char msg[256];
    lua_State *L = gvsb_new(*p, sb, msg, sizeof msg);
    assert_non_null(L);
    return L;
}

static void test_registry_globals_are_the_sandbox(void **state)
{
    (void)state;
    /* docs/security.md, items 3 and 5, checked on the state itself: the registry's
     * globals (what a stray load() would bind to) are the sandbox, and the
     * string metatable is locked. */
    gvsb sb;
    gavel_policy *p;
    lua_State *L = bare_state(&sb, &p);
    static const char *const gone[] = { "io", "os", "load", "require", "debug", "print", NULL };
    for (int i = 0; gone[i]; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        lua_pushstring(L, gone[i]);
        assert_int_equal(lua_rawget(L, -2), LUA_TNIL);
        lua_pop(L, 2);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    assert_int_equal(lua_getfield(L, -1, "pairs"), LUA_TFUNCTION);   /* the allow-list */
    lua_pop(L, 2);
    assert_int_equal(lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE), LUA_TNIL);
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    assert_true(lua_getmetatable(L, -1));
    assert_int_equal(lua_getfield(L, -1, "__metatable"), LUA_TBOOLEAN);
    assert_false(lua_toboolean(L, -1));
    lua_pop(L, 3);
    gvsb_close(L);
    gavel_policy_free(p);
}

/* The record cache and the lexicon memo are valid for one generation, a
 * 32-bit count of records: when it wraps, entries 2^32 records old must
 * not look current again (they would hand rules the wrong value, or nil). */
static void test_generation_wraps(void **state)
{
    (void)state;
    gvsb sb;
    gavel_policy *p;
    lua_State *L = bare_state(&sb, &p);
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };
    const char *json = "{\"posts\":[1]}";
    gv_value *v = gvjson_parse(json, strlen(json), 1, &a, NULL, &e);
    assert_non_null(v);
    sb.gen = 4;
    gvsb_new_record(L);                         /* generation 5 */
    gvproxy_push(L, v, 0);
    assert_int_equal(lua_type(L, -1), LUA_TUSERDATA);
    lua_pop(L, 1);
    sb.gen = UINT32_MAX;
    gvsb_new_record(L);                         /* wraps */
    for (int i = 0; i < 5; i++)
        gvsb_new_record(L);                     /* generation 5 again, or past it */
    gvproxy_push(L, v, 0);
    assert_int_equal(lua_type(L, -1), LUA_TUSERDATA);
    assert_ptr_equal(gvproxy_value(L, -1), v);
    lua_pop(L, 1);
    gv_arena_free(&a);
    gvsb_close(L);
    gavel_policy_free(p);
}

static void test_error_values(void **state)
{
    (void)state;
    /* docs/security.md, item 9: an error value that is not a string is reported
     * generically (no __tostring of the rule's runs), and messages are cut. */
    assert_string_equal(run("error(setmetatable({}, { __tostring = function() return 'ran' end }))"),
                        "error object is not a string");
    const char *m = run("error(('x'):rep(5000), 0)");
    assert_int_equal(strlen(m), 600);
}

static void test_record_iterator_called_directly(void **state)
{
    (void)state;
    /* The iterator pairs() returns for a record is a function rule code can
     * call with anything (fuzz_policy_eval: `pairs(r) "keep"`); it reads
     * its own record, never its arguments. */
    assert_string_equal(run("local it = pairs(r) local k = it('x') local k2 = it(nil, 5)\n"
                            "return true, { v = tostring(k) .. ',' .. tostring(k2) }"),
                        "fired:id,probe");
}

/* ipairs over a record array reads the items directly (no __index call
 * per item) and must behave exactly as Lua's ipairs over the proxy did:
 * it stops at a null, an object has no items, values are the same proxies
 * as indexing gives, and the iterator called by hand with anything is
 * still Lua's. */
static void test_record_ipairs(void **state)
{
    (void)state;
    const char *rec = "{\"id\":\"x\",\"probe\":1,\"xs\":[10,null,30],"
                      "\"objs\":[{\"a\":1},{\"a\":2}],\"o\":{\"k\":1}}";
    assert_string_equal(run_limited(
        "local out = {}\n"
        "for i, v in ipairs(r.xs) do out[#out + 1] = i .. '=' .. v end\n"
        "for i, v in ipairs(r.objs) do out[#out + 1] = tostring(v == r.objs[i]) end\n"
        "for _ in ipairs(r.o) do out[#out + 1] = 'never' end\n"
        "local it = ipairs(r.objs)\n"
        "local a, b = it(r.objs, 1)\n"
        "out[#out + 1] = a .. ':' .. b.a\n"
        "out[#out + 1] = tostring(it({ 'p', 'q' }, 1)) .. tostring(it(r.objs, 2))\n"
        "out[#out + 1] = tostring(it('s', 0))\n"
        "local ok, e = pcall(it, r.objs, 1.5)\n"
        "out[#out + 1] = tostring(ok) .. ':' .. tostring(e:find('integer') ~= nil)\n"
        "return true, { v = table.concat(out, ',') }", rec, NULL),
        "fired:1=10,true,true,2:2,2nil,nil,false:true");
}

/* The record's cache grows with the record and lets a big one go: a record
 * of 3,000 objects between small ones, read with ipairs, pairs and
 * indexing, each record seeing only its own values. The iterator an
 * ipairs at load time gives is Lua's, and loading does not freeze what
 * records need. */
static void test_record_cache_sizes(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(NULL,
        "local lua_ipairs_it = ipairs({})\n"
        "rule 's' { outcome = 'withhold', reason = '{n} {m} {k}',\n"
        "  when = function(r)\n"
        "    local n, m, k = 0, 0, 0\n"
        "    for _, x in ipairs(r.xs) do n = n + x.a end\n"
        "    for _, x in pairs(r.xs) do m = m + x.a end\n"
        "    for i = 1, #r.xs do if r.xs[i] == r.xs[i] then k = k + 1 end end\n"
        "    return lua_ipairs_it({ 1 }, 0) == 1, { n = n, m = m, k = k } end }\n");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_OK);
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new();
    gv_buf big = GV_BUF_INIT;
    gv_buf_adds(&big, "{\"xs\":[");
    for (int i = 1; i <= 3000; i++)
        gv_buf_printf(&big, "%s{\"a\":%d}", i > 1 ? "," : "", i);
    gv_buf_adds(&big, "]}");
    for (int round = 0; round < 2; round++) {
        tu_eval(ev, d, "{\"xs\":[{\"a\":1},{\"a\":2}]}");
        assert_string_equal(gavel_decision_reason(d, 0)->reason, "3 3 2");
        tu_eval(ev, d, big.ptr);
        assert_int_equal(gavel_decision_nerrors(d), 0);
        assert_string_equal(gavel_decision_reason(d, 0)->reason, "4501500 4501500 3000");
    }
    tu_eval(ev, d, "{\"xs\":[{\"a\":5}]}");
    assert_string_equal(gavel_decision_reason(d, 0)->reason, "5 5 1");
    gv_buf_free(&big);
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

static void test_big_objects_charged(void **state)
{
    (void)state;
    /* A lookup in an object with many keys scans them: it counts toward
     * the instruction budget, so a record with 100,000 keys cannot make
     * each field read cost a millisecond unseen. */
    size_t cap = 4u << 20;
    char *rec = malloc(cap);
    assert_non_null(rec);
    size_t n = (size_t)sprintf(rec, "{\"probe\":1");
    for (int i = 0; i < 100000; i++)
        n += (size_t)sprintf(rec + n, ",\"k%d\":%d", i, i);
    strcpy(rec + n, "}");
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.instructions = 1000000;
    assert_contains(run_limited("for i = 1, 1000 do local x = r.nothere end return false", rec,
                                &lim), "instruction budget");
    free(rec);
}

static void test_conversions_are_protected(void **state)
{
    (void)state;
    /* docs/security.md, item 8: pushing a record value can run out of memory; that must
     * be an error on the record, never a panic. */
    gavel_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.memory = 512u << 10;
    char *rec = malloc(2u << 20);
    assert_non_null(rec);
    int n = sprintf(rec, "{\"id\":\"m\",\"probe\":1,\"big\":\"");
    memset(rec + n, 'x', (size_t)(600u << 10));         /* under the string limit */
    strcpy(rec + n + (600u << 10), "\"}");
    assert_contains(run_limited("return #r.big > 0", rec, &lim), "memory budget");
    free(rec);
}

static void test_binary_chunks_refused(void **state)
{
    (void)state;
    const char *dir = tu_policy_dir(NULL, NULL);
    tu_write(dir, "rules.lua", "\x1bLua\x54\x00 binary");
    gavel_policy *p = gavel_policy_load(dir, NULL);
    tu_rmdir(dir);
    assert_int_equal(gavel_policy_status(p), GAVEL_EPOLICY);
    assert_contains(gavel_policy_errmsg(p), "binary");
    gavel_policy_free(p);
}

static void test_rule_outside_load(void **state)
{
    (void)state;
    assert_contains(run("rule 'y' { when = function() end } return false"),
                    "only be called while the policy loads");
}

static void test_stale_proxy(void **state)
{
    (void)state;
    /* Even a stashed proxy cannot reach a finished record: a frozen upvalue
     * refuses the stash, and the generation check backs that up. */
    assert_contains(run("return false, { v = tostring(r.posts[1]) }"), "clean");
    assert_string_equal(run("return true, { v = tostring(r.posts[1]) }"), "fired:record posts[1]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forbidden_globals),
        cmocka_unit_test(test_forbidden_functions),
        cmocka_unit_test(test_allowed),
        cmocka_unit_test(test_no_gc_metamethod),
        cmocka_unit_test(test_globals_are_read_only),
        cmocka_unit_test(test_record_is_read_only),
        cmocka_unit_test(test_load_time_tables_frozen),
        cmocka_unit_test(test_tables_with_metatables_frozen),
        cmocka_unit_test(test_no_weak_tables),
        cmocka_unit_test(test_frozen_state_cannot_escape),
        cmocka_unit_test(test_freezing_keeps_lua_semantics),
        cmocka_unit_test(test_load_time_iterators),
        cmocka_unit_test(test_captured_scalars_watched),
        cmocka_unit_test(test_captured_scalars_restored_after_errors),
        cmocka_unit_test(test_instruction_budget),
        cmocka_unit_test(test_time_budget),
        cmocka_unit_test(test_c_calls_instruction_budget),
        cmocka_unit_test(test_c_calls_time_budget),
        cmocka_unit_test(test_charged_calls_keep_lua_semantics),
        cmocka_unit_test(test_memory_budget),
        cmocka_unit_test(test_memory_budget_at_load),
        cmocka_unit_test(test_memory_budget_ignores_old_garbage),
        cmocka_unit_test(test_memory_budget_buffers_ignore_old_garbage),
        cmocka_unit_test(test_pattern_cost),
        cmocka_unit_test(test_evidence_read_raw),
        cmocka_unit_test(test_deep_recursion),
        cmocka_unit_test(test_source_size_capped),
        cmocka_unit_test(test_fixed_iteration_order),
        cmocka_unit_test(test_stable_sort),
        cmocka_unit_test(test_no_addresses),
        cmocka_unit_test(test_registry_globals_are_the_sandbox),
        cmocka_unit_test(test_conversions_are_protected),
        cmocka_unit_test(test_error_values),
        cmocka_unit_test(test_record_iterator_called_directly),
        cmocka_unit_test(test_big_objects_charged),
        cmocka_unit_test(test_binary_chunks_refused),
        cmocka_unit_test(test_rule_outside_load),
        cmocka_unit_test(test_stale_proxy),
        cmocka_unit_test(test_record_ipairs),
        cmocka_unit_test(test_record_cache_sizes),
        cmocka_unit_test(test_generation_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
