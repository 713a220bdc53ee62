/*
 * sandbox.c: the Lua state a policy runs in.
 *
 * Owns everything Lua-facing: the allocator with its memory cap, the
 * instruction and wall-clock budgets (a count hook), the environment built
 * from an allow-list (HARDENING.md items 1-11), the helpers rules call
 * (`rule`, `lexicon`, `any`, `all`, `count`, `days_between`), freezing what
 * the rule files built, and the read-only proxies through which rules see
 * records and the context.
 *
 * Design notes:
 * - Globals: the registry's global table G is the sandbox itself, so even a
 *   stray `load` could reach nothing else. Reading an undefined global is an
 *   error (it is nearly always a typo in a rule); writing one is an error
 *   once the policy has loaded.
 * - Freezing: a frozen table is emptied and its contents moved to a hidden
 *   table reached through __index, with __newindex raising. That makes
 *   every table the rule files built at load time read-only, so no record
 *   can leave state behind for the next.
 * - Records are not copied into Lua tables: a proxy is a small userdata over
 *   the parsed value tree, created lazily when a rule reaches for a field.
 *   That is what lets the evaluator notice reads of absent fields (the
 *   `missing` list) and keeps untouched parts of a record free. What a
 *   record hands out (proxies, long strings) is made once per record and
 *   kept in the record's cache (see "The record's cache" below).
 * - Lexicons: every find on a text in a record answers for all the
 *   policy's lexicons of its kind at once (a union, lexicon.h), and the
 *   answers are remembered for the record (gvsb.lexmemo).
 *
 * Stack effects are noted as [-pop, +push] like the Lua manual.
 */
#include "engine.h"
#include "date.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Registry keys: addresses of these constants, never their contents. */
static const char KEY_RULES = 0, KEY_CACHE = 0, KEY_PROXY_MT = 0,
                  KEY_FROZEN_MT = 0, KEY_GLOBALS_MT = 0, KEY_WATCH = 0,
                  KEY_GUARD_MT = 0, KEY_IPAIRS_PROXY = 0, KEY_LEXANCHOR = 0;

/* A record value as rules see it (record proxies, below). */
typedef struct proxy {
    uint32_t        magic;      /* PROXY_MAGIC: see as_proxy */
    uint32_t        gen;
    const gv_value *v;
    int             in_context;
} proxy;

#define PROXY_MAGIC 0x70727879u     /* "prxy" */

/* The proxy at idx, or NULL if the value there is not one: rules cannot
 * make userdata, so a proxy is the only one of its size with the magic
 * (cheaper than fetching and comparing metatables). */
static const proxy *as_proxy(lua_State *L, int idx)
{
    const proxy *px = lua_touserdata(L, idx);   /* a light one has rawlen 0 */
    return px && lua_rawlen(L, idx) == sizeof *px && px->magic == PROXY_MAGIC ? px : NULL;
}

enum { HOOK_EVERY = 1000, PATTERN_MAX = 256, EVIDENCE_DEPTH = 16 };
#define PATTERN_COST_MAX 1e8     /* ~0.2-0.5 s at worst in Lua 5.4's matcher */


/* ---- allocator and budgets ------------------------------------------------ */

static lua_State *sb_state(gvsb *sb);

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void hook(lua_State *L, lua_Debug *ar);

/* Once a budget is exceeded the hook fires on every instruction and raises
 * again, so a pcall in rule code cannot swallow the error. */
static void trip(gvsb *sb, lua_State *L, gvsb_trip why)
{
    if (!sb->trip)
        sb->trip = why;
    if (L)
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
}

static void clear_refusal(gvsb *sb)
{
    sb->mem_refused = 0;
    sb->mem_gate = sb->mem_limit ? sb->mem_limit : SIZE_MAX;
}

/* The allocator's slow path, for a growth past mem_gate: 1 if it may go
 * ahead. A refusal is not yet a trip: Lua answers it with a full
 * (emergency) collection and asks again for the same block. Only what is
 * live then counts, so whether a record fits does not depend on the
 * garbage earlier records left. Any other growth first means Lua did not
 * retry (lauxlib's buffers call the allocator directly). */
static __attribute__((noinline, cold)) int admit(gvsb *sb, void *ptr, size_t old,
                                                 size_t nsize)
{
    int over = sb->mem_limit && sb->mem_used + (nsize - old) > sb->mem_limit;
    if (sb->mem_refused) {
        int retry = ptr == sb->refused_ptr && nsize == sb->refused_size;
        clear_refusal(sb);
        if (!retry || over)
            trip(sb, sb_state(sb), GVSB_MEMORY);
    }
    if (!over)
        return 1;
    if (!sb->trip) {
        sb->mem_refused = 1;
        sb->mem_gate = 0;                   /* the next growth comes here */
        sb->refused_ptr = ptr;
        sb->refused_size = nsize;
    }
    return 0;
}

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    gvsb *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->mem_used -= old;
        return NULL;
    }
    if (nsize > old && sb->mem_used + (nsize - old) > sb->mem_gate && !admit(sb, ptr, old, nsize))
        return NULL;
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    sb->mem_used = sb->mem_used - old + nsize;
    return p;
}

const char *gvsb_trip_message(const gvsb *sb)
{
    switch (sb->trip) {
    case GVSB_INSTRUCTIONS: return "exceeded the instruction budget";
    case GVSB_DEADLINE:     return "exceeded the time budget";
    case GVSB_MEMORY:       return "exceeded the memory budget";
    default:                return "";
    }
}

static void hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    gvsb *sb = gvsb_get(L);
    if (!sb->trip) {
        sb->spent += HOOK_EVERY;
        if (sb->budget && sb->spent > sb->budget)
            trip(sb, L, GVSB_INSTRUCTIONS);
        else if (sb->deadline_ns && now_ns() > sb->deadline_ns)
            trip(sb, L, GVSB_DEADLINE);
    }
    if (sb->trip)
        luaL_error(L, "%s", gvsb_trip_message(sb));
}

/* Work a C function does in one call, in instruction-sized units: the
 * hook sees one instruction for a call however long it runs, so the
 * functions whose work grows with their input (pairs and next over a big
 * table, sort, lexicon and pattern scans) count it here, and check the
 * deadline, as the hook would. */
static __attribute__((noinline)) void charge_slow(lua_State *L, gvsb *sb, uint64_t units)
{
    if (!sb->trip) {
        if (sb->budget && sb->spent > sb->budget)
            trip(sb, L, GVSB_INSTRUCTIONS);
        else if (units >= HOOK_EVERY && sb->deadline_ns && now_ns() > sb->deadline_ns)
            trip(sb, L, GVSB_DEADLINE);     /* small calls: the hook looks soon */
    }
    if (sb->trip)
        luaL_error(L, "%s", gvsb_trip_message(sb));
}

static inline void charge(lua_State *L, uint64_t units)
{
    gvsb *sb = gvsb_get(L);
    sb->spent += units;
    if (sb->trip || (sb->budget && sb->spent > sb->budget) || units >= HOOK_EVERY)
        charge_slow(L, sb, units);
}

void gvsb_settle_memory(lua_State *L)
{
    gvsb *sb = gvsb_get(L);
    if (sb->mem_refused) {
        clear_refusal(sb);
        trip(sb, L, GVSB_MEMORY);
    }
}

void gvsb_arm(lua_State *L)
{
    gvsb *sb = gvsb_get(L);
    sb->spent = 0;
    sb->trip = GVSB_OK;
    clear_refusal(sb);
    sb->deadline_ns = sb->millis ? now_ns() + (uint64_t)sb->millis * 1000000u : 0;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
}

/* ---- freezing --------------------------------------------------------------- */

static int ro_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only table (policy data "
                         "is frozen once the policy has loaded)");
}

static int global_newindex(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "assignment to global '%s': rules are pure, use a local",
                      k ? k : "?");
}

static int global_index(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "undefined global '%s'", k ? k : "?");
}

/* The hidden table behind frozen table 1. [-0, +1] */
static void push_hidden(lua_State *L)
{
    if (lua_getmetatable(L, 1))
        lua_rawgetp(L, -1, &KEY_FROZEN_MT), lua_remove(L, -2);
    else
        lua_pushnil(L);
}

static int frozen_len(lua_State *L)
{
    push_hidden(L);
    lua_pushinteger(L, lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0);
    return 1;
}

static int frozen_next(lua_State *L)
{
    push_hidden(L);
    if (!lua_istable(L, -1))
        return 0;
    lua_pushvalue(L, 2);
    return lua_next(L, -2) ? 2 : 0;
}

static int sorted_pairs(lua_State *L, int t);
static int sorted_iter(lua_State *L);

/* A frozen table iterates its hidden contents, in the same fixed order as
 * any table (sorted_pairs). */
static int frozen_pairs(lua_State *L)
{
    push_hidden(L);
    if (!lua_istable(L, -1)) {
        lua_pushcfunction(L, frozen_next);
        lua_pushvalue(L, 1);
        lua_pushnil(L);
        return 3;
    }
    /* The iterator reads its upvalues only; the state it returns is the
     * frozen table, never the hidden one, which is writable. */
    int n = sorted_pairs(L, lua_gettop(L));
    lua_pushvalue(L, 1);
    lua_replace(L, -3);
    return n;
}

/* A miss in the hidden contents of a frozen table whose own metatable had
 * an __index function: that function, called with the frozen table (never
 * the hidden one, which is writable). Upvalues: the table, the function. */
static int frozen_index_miss(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
}

/* The contents of table idx: its hidden table if it is frozen, else
 * itself. [-0, +1] */
static void push_contents(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_getmetatable(L, idx)) {
        if (lua_rawgetp(L, -1, &KEY_FROZEN_MT) == LUA_TTABLE) {
            lua_remove(L, -2);
            return;
        }
        lua_pop(L, 2);
    }
    lua_pushvalue(L, idx);
}

/* Freezes table idx in place: contents move to a hidden table. A table
 * that had a metatable of its own (`base`, an index, or 0) keeps its
 * metamethods: they are copied into the frozen metatable, and its __index
 * is consulted after the frozen contents. [-0, +0] */
static void freeze_table(lua_State *L, int idx, int is_globals, int base)
{
    idx = lua_absindex(L, idx);
    if (base) {
        base = lua_absindex(L, base);
        push_contents(L, base);
        base = lua_gettop(L);
    }
    lua_newtable(L);                                   /* hidden */
    int hidden = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, hidden);
    }
    lua_pushnil(L);
    while (lua_next(L, hidden)) {                      /* now empty the original */
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, idx);
    }
    if (is_globals) {                                  /* strict reads stay */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_GLOBALS_MT);
        lua_setmetatable(L, hidden);
    }
    lua_createtable(L, 0, 6);                          /* the frozen metatable */
    int mt = lua_gettop(L);
    if (base && lua_rawequal(L, base, idx)) {          /* its own metatable */
        lua_pushvalue(L, hidden);
        lua_replace(L, base);
    }
    if (base) {                                        /* inherit __call, __eq, ... */
        lua_pushnil(L);
        while (lua_next(L, base)) {
            /* not __gc (setting this metatable would arm a finalizer added
             * after setmetatable checked) nor __mode (weak) */
            if (lua_type(L, -2) == LUA_TSTRING &&
                (!strcmp(lua_tostring(L, -2), "__gc") || !strcmp(lua_tostring(L, -2), "__mode"))) {
                lua_pop(L, 1);
                continue;
            }
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, mt);
        }
    }
    /* Reads hit the hidden contents natively; a miss goes on to the
     * table's own __index through the hidden table's metatable. */
    if (base && (lua_pushliteral(L, "__index"), lua_rawget(L, base)) != LUA_TNIL &&
        !lua_rawequal(L, -1, idx) && !lua_rawequal(L, -1, hidden)) {
        lua_createtable(L, 0, 1);
        lua_insert(L, -2);
        if (lua_isfunction(L, -1)) {
            lua_pushvalue(L, idx);
            lua_insert(L, -2);
            lua_pushcclosure(L, frozen_index_miss, 2);
        }
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, hidden);
    } else if (base) {
        lua_pop(L, 1);
    }
    lua_pushvalue(L, hidden);
    lua_setfield(L, mt, "__index");
    lua_pushcfunction(L, is_globals ? global_newindex : ro_newindex);
    lua_setfield(L, mt, "__newindex");
    if (!base || (lua_pushliteral(L, "__len"), lua_rawget(L, base)) == LUA_TNIL) {
        if (base)
            lua_pop(L, 1);
        lua_pushcfunction(L, frozen_len);
    }
    lua_setfield(L, mt, "__len");
    lua_pushcfunction(L, frozen_pairs);
    lua_setfield(L, mt, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, mt, "__metatable");
    lua_pushvalue(L, hidden);
    lua_rawsetp(L, mt, &KEY_FROZEN_MT);
    lua_setmetatable(L, idx);
    lua_pop(L, base ? 2 : 1);
}

/* Remembers a captured local's value so a change shows (a number, a
 * string or a flag cannot be frozen; a table or function variable can be
 * reassigned). The upvalue's value is on the stack top and is popped. */
static void watch_upvalue(lua_State *L, int fn, int n)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_WATCH);
    /* Once per upvalue, not per closure that shares it (_ENV and a file's
     * locals are shared by every function of the file): the watch list is
     * walked after every record. */
    void *id = lua_upvalueid(L, fn, n);
    if (id) {
        if (lua_rawgetp(L, -1, id) != LUA_TNIL) {
            lua_pop(L, 3);
            return;
        }
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
        lua_rawsetp(L, -2, id);
    }
    /* Flat triples (function, upvalue index, value), for a cheap walk. */
    lua_Integer at = (lua_Integer)lua_rawlen(L, -1);
    lua_pushvalue(L, fn);
    lua_rawseti(L, -2, at + 1);
    lua_pushinteger(L, n);
    lua_rawseti(L, -2, at + 2);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, at + 3);
    lua_pop(L, 2);
}

int gvsb_check_upvalues(lua_State *L, char *msg, size_t msglen)
{
    int changed = 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_WATCH);
    int w = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, w);
    for (lua_Integer i = 1; i + 2 <= n; i += 3) {
        lua_rawgeti(L, w, i);                      /* the function */
        lua_rawgeti(L, w, i + 1);
        int up = (int)lua_tointeger(L, -1);
        const char *name = lua_getupvalue(L, w + 1, up);
        if (!name) {
            lua_settop(L, w);
            continue;
        }
        lua_rawgeti(L, w, i + 2);                  /* the value at load */
        if (!lua_rawequal(L, -1, -2)) {
            if (!changed++) {
                lua_Debug ar;
                lua_pushvalue(L, w + 1);
                lua_getinfo(L, ">S", &ar);
                snprintf(msg, msglen, "a rule changed the local '%s' captured from %s:%d; "
                         "rules must be pure (restored for the next record)",
                         name ? name : "?", ar.short_src, ar.linedefined);
            }
            lua_setupvalue(L, w + 1, up);          /* restore; pops the value */
        }
        lua_settop(L, w);
    }
    lua_pop(L, 1);
    return changed;
}

/* Freezes every table reachable from the value at idx, through table
 * contents, metatables and the upvalues of Lua functions. A table with a
 * metatable of its own is frozen too, keeping its metamethods: otherwise
 * `local t = setmetatable({}, {})` would carry state from one record to
 * the next. Frozen tables are left as they are. */
static void freeze_reachable(lua_State *L, int idx, int root_is_globals)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);                                   /* seen */
    int seen = lua_gettop(L);
    lua_newtable(L);                                   /* work list */
    int work = lua_gettop(L);
    lua_Integer top = 0;
    lua_pushvalue(L, idx);
    lua_rawseti(L, work, ++top);
    while (top > 0) {
        luaL_checkstack(L, 8, "freezing policy data");
        lua_rawgeti(L, work, top);
        lua_pushnil(L);
        lua_rawseti(L, work, top--);
        int v = lua_gettop(L);
        lua_pushvalue(L, v);
        if (lua_rawget(L, seen) != LUA_TNIL || (!lua_istable(L, v) && !lua_isfunction(L, v))) {
            lua_settop(L, v - 1);
            continue;
        }
        lua_pop(L, 1);
        lua_pushvalue(L, v);
        lua_pushboolean(L, 1);
        lua_rawset(L, seen);
        if (lua_istable(L, v)) {
            int is_root_globals = root_is_globals && lua_rawequal(L, v, idx);
            int base = 0;
            if (!is_root_globals && lua_getmetatable(L, v)) {
                if (lua_rawgetp(L, -1, &KEY_FROZEN_MT) != LUA_TNIL) {
                    lua_settop(L, v - 1);              /* frozen already */
                    continue;
                }
                lua_pop(L, 1);
                base = lua_gettop(L);                  /* the rule's metatable */
                lua_pushvalue(L, base);
                lua_rawseti(L, work, ++top);
            }
            lua_pushnil(L);
            while (lua_next(L, v)) {
                if (lua_istable(L, -1) || lua_isfunction(L, -1)) {
                    lua_pushvalue(L, -1);
                    lua_rawseti(L, work, ++top);
                }
                lua_pop(L, 1);
            }
            freeze_table(L, v, is_root_globals, base);
        } else {
            /* Every captured local is watched, a table or function one
             * too: its contents are frozen, but the variable could still
             * be pointed at a new table that carries state. Of the C
             * closures, only the pairs iterator changes its own upvalues
             * (its position); gmatch's keeps its position in a userdata,
             * which cannot be watched. */
            int cfn = lua_iscfunction(L, v);
            int watch = !cfn || lua_tocfunction(L, v) == sorted_iter;
            for (int n = 1; lua_getupvalue(L, v, n); n++) {
                if (cfn && lua_type(L, -1) == LUA_TUSERDATA)
                    luaL_error(L, "an iterator kept from load time (string.gmatch's, say) "
                                  "would carry its position from one record to the next; "
                                  "make it inside the rule");
                if (lua_istable(L, -1) || lua_isfunction(L, -1)) {
                    lua_pushvalue(L, -1);
                    lua_rawseti(L, work, ++top);
                }
                if (watch)
                    watch_upvalue(L, v, n);
                else
                    lua_pop(L, 1);
            }
        }
        lua_settop(L, v - 1);
    }
    lua_pop(L, 2);
}

/* ---- the base allow-list ------------------------------------------------------ */

/* __newindex of the guard put on metatables rules pass while evaluating. */
static int guard_newindex(lua_State *L)
{
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
    if (!strcmp(k, "__mode") || !strcmp(k, "__gc"))
        return luaL_error(L, "%s cannot be added to a metatable in use: rules have no weak "
                             "tables and no finalizers", k);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* setmetatable without __gc: finalizers run with hooks off, so a finalizer
 * could run unbounded (HARDENING.md). Without __mode: what a weak table
 * holds depends on when the collector ran, and decisions must not. A
 * frozen metatable (policy data) lends its hidden contents, where Lua's
 * raw metamethod lookup finds them. */
static int sb_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        push_contents(L, 2);
        int frozen = !lua_rawequal(L, -1, 2);
        lua_replace(L, 2);
        /* raw, as Lua looks metamethods up */
        if ((lua_pushliteral(L, "__gc"), lua_rawget(L, 2)) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc is not allowed in rules");
        if ((lua_pushliteral(L, "__mode"), lua_rawget(L, 2)) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __mode (weak tables) is not allowed in "
                                 "rules: decisions would depend on garbage collection");
        lua_pop(L, 2);
        /* While evaluating, the rule still holds the table it passed and
         * could add __mode (Lua reads it at every collection) to it
         * afterwards: a guard metatable on it refuses __mode and __gc and
         * lets every other key through, so Lua's semantics hold. One that
         * has a metatable of its own is copied instead. Policy data
         * (frozen) cannot change; at load time freezing copies. */
        if (!frozen && !gvsb_get(L)->loading) {
            lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_GUARD_MT);
            if (!lua_getmetatable(L, 2)) {
                lua_setmetatable(L, 2);
            } else if (!lua_rawequal(L, -1, -2)) {
                lua_pop(L, 2);
                lua_createtable(L, 0, 4);
                uint64_t n = 0;
                lua_pushnil(L);
                while (lua_next(L, 2)) {
                    lua_pushvalue(L, -2);
                    lua_insert(L, -2);
                    lua_rawset(L, -4);
                    n++;
                }
                charge(L, n);
                lua_replace(L, 2);
            } else {
                lua_pop(L, 2);
            }
        }
    }
    if (lua_getmetatable(L, 1)) {
        if (lua_getfield(L, -1, "__metatable") != LUA_TNIL)
            return luaL_error(L, "cannot change a protected metatable");
        lua_pop(L, 2);
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* ---- a fixed iteration order ----------------------------------------------- */

/* Lua seeds its string hashes per state, so plain pairs() visits keys in an
 * order that differs between evaluators and between runs: a rule that
 * builds evidence in pairs() order would make decisions that cannot be
 * repeated. Rules get pairs() and next() that visit numbers (ascending),
 * then strings (byte order), then false and true. Other keys have no
 * order worth trusting and are refused. */
typedef struct sortkey {
    int         rank;           /* 0 number, 1 string, 2 boolean */
    int         isint;
    lua_Integer ival;
    lua_Number  num;
    const char *str;
    size_t      len;
    int         b;
} sortkey;

static int key_cmp(const void *a, const void *b)
{
    const sortkey *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    switch (x->rank) {
    case 0:  return x->num < y->num ? -1 : x->num > y->num;
    case 1: {
        size_t n = x->len < y->len ? x->len : y->len;
        int c = memcmp(x->str, y->str, n);
        return c ? c : (x->len < y->len ? -1 : x->len > y->len);
    }
    default: return x->b - y->b;
    }
}

/* Pushes a sequence of t's keys in the fixed order. [-0, +1] */
static void push_sorted_keys(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        n++;
    }
    charge(L, (uint64_t)n);
    sortkey *keys = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *keys, 0);
    int holder = lua_gettop(L);
    lua_Integer i = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        sortkey *k = &keys[i++];
        memset(k, 0, sizeof *k);
        switch (lua_type(L, -1)) {
        case LUA_TNUMBER:
            k->rank = 0;
            k->num = lua_tonumber(L, -1);
            k->isint = lua_isinteger(L, -1);
            k->ival = lua_tointeger(L, -1);
            break;
        case LUA_TSTRING:  k->rank = 1; k->str = lua_tolstring(L, -1, &k->len); break;
        case LUA_TBOOLEAN: k->rank = 2; k->b = lua_toboolean(L, -1); break;
        default:
            luaL_error(L, "pairs/next: a table keyed by a %s has no fixed order (rules must "
                          "decide the same way every time); key it by numbers or strings",
                       luaL_typename(L, -1));
        }
    }
    qsort(keys, (size_t)n, sizeof *keys, key_cmp);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        const sortkey *k = &keys[i];
        if (k->rank == 1)
            lua_pushlstring(L, k->str, k->len);
        else if (k->rank == 2)
            lua_pushboolean(L, k->b);
        else if (k->isint)
            lua_pushinteger(L, k->ival);
        else
            lua_pushnumber(L, k->num);
        lua_rawseti(L, -2, i + 1);
    }
    lua_remove(L, holder);
}

static int sorted_iter(lua_State *L)
{
    for (;;) {
        lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
        lua_pushinteger(L, i);
        lua_replace(L, lua_upvalueindex(2));
        if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL)
            return 0;
        lua_pushvalue(L, -1);
        if (lua_rawget(L, lua_upvalueindex(3)) != LUA_TNIL)
            return 2;
        lua_pop(L, 2);                 /* removed while iterating: skip */
    }
}

/* Pushes the iterator triple over table t in the fixed order. */
static int sorted_pairs(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    push_sorted_keys(L, t);
    lua_pushinteger(L, 0);
    lua_pushvalue(L, t);
    lua_pushcclosure(L, sorted_iter, 3);
    lua_pushvalue(L, t);
    lua_pushnil(L);
    return 3;
}

static int sb_pairs(lua_State *L)
{
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {   /* records, frozen tables */
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    return sorted_pairs(L, 1);
}

/* next(t, k) in the same order; O(n log n) a call, so loops should use
 * pairs. A frozen table answers for its hidden contents. */
static int sb_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    int t = 1;
    push_hidden(L);
    if (lua_istable(L, -1))
        t = 3;
    else
        lua_pop(L, 1);
    push_sorted_keys(L, t);
    int keys = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, keys), at = 0;
    if (!lua_isnil(L, 2)) {
        for (lua_Integer i = 1; i <= n && !at; i++) {
            lua_rawgeti(L, keys, i);
            if (lua_rawequal(L, -1, 2))
                at = i;
            lua_pop(L, 1);
        }
        if (!at)
            return luaL_error(L, "next: key not in the table");
    }
    if (at >= n) {
        lua_pushnil(L);
        return 1;
    }
    lua_rawgeti(L, keys, at + 1);
    lua_pushvalue(L, -1);
    lua_rawget(L, t);
    return 2;
}

/* tostring() and string.format() without memory addresses: "table: 0x55..."
 * would differ from run to run and reveal the process's layout. A value
 * with a __tostring (a record proxy) still speaks for itself. */
static int has_tostring(lua_State *L, int idx)
{
    int t = luaL_getmetafield(L, idx, "__tostring");
    if (t != LUA_TNIL)
        lua_pop(L, 1);
    return t != LUA_TNIL;
}

static int addressless(lua_State *L, int idx)
{
    int t = lua_type(L, idx);
    return (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TUSERDATA ||
            t == LUA_TTHREAD || t == LUA_TLIGHTUSERDATA) && !has_tostring(L, idx);
}

static int sb_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    if (addressless(L, 1))
        lua_pushstring(L, luaL_typename(L, 1));
    else
        luaL_tolstring(L, 1, NULL);
    return 1;
}

static int sb_format(lua_State *L)
{
    size_t n;
    const char *fmt = luaL_checklstring(L, 1, &n);
    for (size_t i = 0; i + 1 < n; i++)
        if (fmt[i] == '%') {
            size_t j = i + 1;
            while (j < n && strchr("-+ #0123456789.", fmt[j]))
                j++;
            if (j < n && fmt[j] == 'p')
                return luaL_error(L, "string.format: %%p prints a memory address, which "
                                     "a decision must not depend on");
            i = j;
        }
    int top = lua_gettop(L);
    for (int i = 2; i <= top; i++)
        if (addressless(L, i)) {
            lua_pushstring(L, luaL_typename(L, i));
            lua_replace(L, i);
        }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, 1);
    return 1;
}

/* table.sort, stable: Lua's own quicksort is not, and for long arrays it
 * picks pivots from the clock, so equal elements could come out in another
 * order on another run. A bottom-up merge sort over two scratch tables. */
static int sort_less(lua_State *L, int cmp, int a, int b)
{
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    if (!cmp)
        return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, cmp);
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_call(L, 2, 1);
    int r = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return r;
}

static int sb_sort(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    int cmp = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TFUNCTION);
        cmp = 2;
    }
    lua_settop(L, 2);
    luaL_argcheck(L, n < (lua_Integer)1 << 30, 1, "array too big");
    charge(L, n > 0 ? (uint64_t)n : 0);
    lua_createtable(L, (int)n, 0);                       /* 3: a */
    lua_createtable(L, (int)n, 0);                       /* 4: b */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        lua_rawseti(L, 3, i);
    }
    int from = 3, to = 4;
    for (lua_Integer w = 1; w < n; w *= 2) {
        for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
            lua_Integer mid = lo + w < n + 1 ? lo + w : n + 1;
            lua_Integer hi = lo + 2 * w < n + 1 ? lo + 2 * w : n + 1;
            lua_Integer i = lo, j = mid, k = lo;
            while (i < mid || j < hi) {
                int take_right = 0;
                if (i < mid && j < hi) {
                    lua_rawgeti(L, from, j);
                    lua_rawgeti(L, from, i);
                    take_right = sort_less(L, cmp, -2, -1);   /* right < left */
                    lua_pop(L, 2);
                } else {
                    take_right = i >= mid;
                }
                lua_rawgeti(L, from, take_right ? j++ : i++);
                lua_rawseti(L, to, k++);
            }
        }
        int t = from;
        from = to;
        to = t;
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, from, i);
        lua_seti(L, 1, i);                /* a frozen table refuses here */
    }
    return 0;
}

/* type() that calls a record proxy a table, which is what rules see. */
static int sb_type(lua_State *L)
{
    luaL_checkany(L, 1);
    if (as_proxy(L, 1))
        lua_pushliteral(L, "table");
    else
        lua_pushstring(L, luaL_typename(L, 1));
    return 1;
}

/* ---- string matching with a cost cap -------------------------------------- */

/* Lua patterns backtrack: each unbounded quantifier, %b (which scans to the
 * end) and back-reference (which compares a capture) can multiply the work
 * by the subject length, and time inside string.find is invisible to the
 * hook. So estimate n^(k+1) (k such factors, one less when anchored) and
 * refuse what could run for more than a fraction of a second. */
static double pattern_cost(const char *p, size_t lp, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < lp; i++) {
        char c = p[i];
        if (c == '%') {
            i++;
            if (i < lp && p[i] == 'b') {           /* scans to the end: a factor */
                i += 2;
                k++;
            } else if (i < lp && p[i] >= '1' && p[i] <= '9') {
                k++;                               /* compares a capture's length */
            }
        } else if (c == '[') {
            i++;
            if (i < lp && p[i] == '^')
                i++;
            do {                                   /* first ']' is literal */
                if (i < lp && p[i] == '%')
                    i++;
                i++;
            } while (i < lp && p[i] != ']');
        } else if (c == '*' || c == '+' || c == '-' || c == '?') {
            k++;
        }
    }
    int anchored = lp > 0 && p[0] == '^';
    return pow((double)n + 1, k + (anchored ? 0 : 1));
}

static int guarded_match(lua_State *L)
{
    size_t ls, lp;
    luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    int plain = strcmp(name, "find") == 0 && lua_toboolean(L, 4);
    double cost = 0;
    if (!plain) {
        if (lp > PATTERN_MAX)
            return luaL_error(L, "string.%s: pattern longer than %d bytes", name, PATTERN_MAX);
        cost = pattern_cost(p, lp, ls);
        if (cost > PATTERN_COST_MAX)
            return luaL_error(L, "string.%s: pattern too costly for a %d-byte subject "
                                 "(use fewer quantifiers, a plain find or a lexicon)",
                              name, (int)ls);
    }
    /* The scan, and the worst case of the backtracking: the hook cannot see
     * inside the match, and a loop of costly matches must still run out
     * of budget (and look at the clock) like any other loop. */
    charge(L, ls / 8 + (uint64_t)(cost / 1024));
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* string library: no dump; find/match/gmatch/gsub behind the cost cap.
 * [-0, +0] with the string table at idx */
static void tame_string(lua_State *L, int idx)
{
    static const char *const guarded[] = { "find", "match", "gmatch", "gsub" };
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    lua_setfield(L, idx, "dump");
    lua_getfield(L, idx, "format");
    lua_pushcclosure(L, sb_format, 1);
    lua_setfield(L, idx, "format");
    for (size_t i = 0; i < sizeof guarded / sizeof *guarded; i++) {
        lua_getfield(L, idx, guarded[i]);
        lua_pushstring(L, guarded[i]);
        lua_pushcclosure(L, guarded_match, 2);
        lua_setfield(L, idx, guarded[i]);
    }
    /* Lock the shared string metatable. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* ---- helpers: any, all, count, days_between ----------------------------- */

/* Calls pred(item, i) (or takes the item itself) for each item of arr,
 * stopping when stop_on says. Returns the number of truthy results. */
static lua_Integer each_item(lua_State *L, int stop_on, int *stopped)
{
    lua_Integer hits = 0;
    *stopped = 0;
    if (lua_isnoneornil(L, 1))
        return 0;
    int has_pred = !lua_isnoneornil(L, 2);
    for (lua_Integer i = 1;; i++) {
        if (lua_geti(L, 1, i) == LUA_TNIL) {
            lua_pop(L, 1);
            break;
        }
        if (has_pred) {
            lua_pushvalue(L, 2);
            lua_insert(L, -2);
            lua_pushinteger(L, i);
            lua_call(L, 2, 1);
        }
        int truth = lua_toboolean(L, -1);
        lua_pop(L, 1);
        hits += truth;
        if (truth == stop_on) {
            *stopped = 1;
            break;
        }
    }
    return hits;
}

static int h_any(lua_State *L)
{
    int stopped;
    each_item(L, 1, &stopped);
    lua_pushboolean(L, stopped);
    return 1;
}

static int h_all(lua_State *L)
{
    int stopped;
    each_item(L, 0, &stopped);
    lua_pushboolean(L, !stopped);
    return 1;
}

static int h_count(lua_State *L)
{
    int stopped;
    lua_pushinteger(L, each_item(L, -1, &stopped));
    return 1;
}

/* days_between(a, b): b minus a in days. Whole days (an integer) between
 * two dates; a float when either has a time. nil in, nil out: the absent
 * field is already in `missing`. */
static int h_days_between(lua_State *L)
{
    if (lua_isnoneornil(L, 1) || lua_isnoneornil(L, 2)) {
        lua_pushnil(L);
        return 1;
    }
    double t[2];
    int all_dates = 1;
    for (int i = 0; i < 2; i++) {
        size_t n;
        const char *s = luaL_checklstring(L, i + 1, &n);
        int date_only;
        if (gvdate_parse(s, n, &t[i], &date_only))
            return luaL_error(L, "days_between: '%s' is not an ISO 8601 date", s);
        all_dates &= date_only;
    }
    double days = (t[1] - t[0]) / 86400.0;
    if (all_dates)
        lua_pushinteger(L, (lua_Integer)days);
    else
        lua_pushnumber(L, days);
    return 1;
}

/* ---- lexicons ----------------------------------------------------------------- */

typedef struct lexref {
    uint32_t     magic;     /* LEXREF_MAGIC: see check_lexref */
    int          words;
    const gvlex *uni;       /* its union (gvpol_lexicon) */
    int          part;
} lexref;

#define LEXREF_MAGIC 0x6C657866u    /* "lexf" */

/* luaL_checkudata without its registry lookup by name, which cost more
 * than a remembered find: rules cannot make userdata, so ours are the
 * only ones, and a lexref is the only one of its size with the magic. */
static const lexref *check_lexref(lua_State *L)
{
    const lexref *ud = lua_touserdata(L, 1);     /* a light one has rawlen 0 */
    if (!ud || lua_rawlen(L, 1) != sizeof *ud || ud->magic != LEXREF_MAGIC)
        luaL_typeerror(L, 1, "lexicon");
    return ud;
}

/* What every part of ud's union finds in the text at stack index 2 (in
 * word mode, in its words: words.c), from the memo of this record's
 * texts, or found now and remembered. */
static const char *const *lex_find_all(lua_State *L, const lexref *ud,
                                       const char *text, size_t n)
{
    gvsb *sb = gvsb_get(L);
    /* A text has four places from its hash; a clash only costs a scan. */
    uint64_t h = ((uint64_t)(uintptr_t)text ^ (uint64_t)(uintptr_t)ud->uni) * 0x9E3779B97F4A7C15ull;
    unsigned home = (unsigned)(h >> 32) % GVSB_LEXMEMO;
    struct gvsb_lexmemo *m = NULL;
    for (unsigned k = 0; k < 4; k++) {
        struct gvsb_lexmemo *e = &sb->lexmemo[(home + k) % GVSB_LEXMEMO];
        if (e->gen != sb->gen || !e->text) {
            if (!m)
                m = e;                  /* free this record */
        } else if (e->text == text && e->len == n && e->uni == ud->uni) {
            return e->found;
        }
    }
    if (!m)
        m = &sb->lexmemo[home];
    m->text = NULL;
    /* Anchor the text while the entry holds it (this may raise): one
     * anchor per entry, dropped at the next record (gvsb_new_record). */
    unsigned at = (unsigned)(m - sb->lexmemo);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LEXANCHOR);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, at + 1);
    lua_pop(L, 1);
    sb->lexmemo_anchored |= (uint32_t)1 << at;
    if (ud->words) {
        gv_buf b = GV_BUF_INIT;
        gv_words(&b, text, n);
        if (b.oom) {
            gv_buf_free(&b);
            luaL_error(L, "lexicon find: out of memory");
        }
        gvlex_find_all(ud->uni, b.ptr, b.len, m->found);
        gv_buf_free(&b);
    } else {
        gvlex_find_all(ud->uni, text, n, m->found);
    }
    m->text = text;
    m->len = n;
    m->uni = ud->uni;
    m->gen = sb->gen;
    return m->found;
}

/* lexicon.NAME:find(text). In word mode the text is first reduced to its
 * words (words.c) and the term comes back with plain spaces. */
static int lex_find(lua_State *L)
{
    const lexref *ud = check_lexref(L);
    if (lua_isnoneornil(L, 2) || !ud->uni) {    /* no union: its file failed */
        lua_pushnil(L);
        return 1;
    }
    size_t n;
    const char *text = luaL_checklstring(L, 2, &n);
    charge(L, n / 8);               /* memo or not: budgets do not vary */
    const char *term = lex_find_all(L, ud, text, n)[ud->part];
    if (!term) {
        lua_pushnil(L);
    } else if (!ud->words) {
        lua_pushstring(L, term);
    } else {                        /* word form: separators become spaces */
        char plain[4096];
        size_t k = 0;
        for (const char *c = term; *c && k + 1 < sizeof plain; c++)
            if (*c != GV_WORD_SEP || (k > 0 && plain[k - 1] != ' '))
                plain[k++] = *c == GV_WORD_SEP ? ' ' : *c;
        while (k > 0 && plain[k - 1] == ' ')
            k--;
        lua_pushlstring(L, plain, k);
    }
    return 1;
}

static int lexicon_unknown(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "no lexicon named '%s' in the policy manifest", k ? k : "?");
}

/* Pushes the `lexicon` table: name -> userdata over the shared compiled
 * lexicon (immutable, so every state may point at it). [-0, +1] */
static void push_lexicons(lua_State *L, const gavel_policy *p)
{
    luaL_newmetatable(L, "gavel.lexicon");
    lua_newtable(L);
    lua_pushcfunction(L, lex_find);
    lua_setfield(L, -2, "find");
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);

    lua_newtable(L);                                      /* what rules see */
    lua_createtable(L, 0, p ? p->nlexicons : 0);          /* the contents */
    for (int i = 0; p && i < p->nlexicons; i++) {
        lexref *ud = lua_newuserdatauv(L, sizeof *ud, 0);
        ud->magic = LEXREF_MAGIC;
        ud->words = p->lexicons[i].words;
        ud->uni = p->lexicons[i].uni;
        ud->part = p->lexicons[i].part;
        luaL_setmetatable(L, "gavel.lexicon");
        lua_setfield(L, -2, p->lexicons[i].name);
    }
    lua_newtable(L);                                      /* unknown names fail */
    lua_pushcfunction(L, lexicon_unknown);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    /* Frozen like any policy table: empty, contents behind __index. */
    lua_createtable(L, 0, 3);
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* ---- rule definitions ------------------------------------------------------------ */

static void check_string_field(lua_State *L, int def, const char *id,
                               const char *field, int required)
{
    int t = lua_getfield(L, def, field);
    if (t == LUA_TNIL && required)
        luaL_error(L, "rule '%s': '%s' is required", id, field);
    if (t != LUA_TNIL && t != LUA_TSTRING)
        luaL_error(L, "rule '%s': '%s' must be a string", id, field);
}

/* Normalises a list-or-string field into a sequence of strings. [-0, +1] */
static void push_string_list(lua_State *L, int def, const char *id, const char *field)
{
    int t = lua_getfield(L, def, field);
    lua_newtable(L);
    if (t == LUA_TSTRING) {
        lua_pushvalue(L, -2);
        lua_rawseti(L, -2, 1);
    } else if (t == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -2);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, -2, i) != LUA_TSTRING)
                luaL_error(L, "rule '%s': '%s' must be a list of strings", id, field);
            lua_rawseti(L, -2, i);
        }
    } else if (t != LUA_TNIL) {
        luaL_error(L, "rule '%s': '%s' must be a string or a list of strings", id, field);
    }
    lua_remove(L, -2);
}

static int rule_define(lua_State *L)
{
    const char *id = lua_tostring(L, lua_upvalueindex(1));
    if (!lua_istable(L, 1))
        return luaL_error(L, "rule '%s': expected a table: rule \"%s\" { ... }", id, id);
    static const char *const known[] = { "outcome", "cites", "reason", "defeats",
                                         "when", "in_force", NULL };
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int ok = 0;
        for (int i = 0; k && known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok)
            return luaL_error(L, "rule '%s': unknown field '%s' (expected outcome, "
                                 "cites, reason, defeats, when, in_force)",
                              id, k ? k : luaL_typename(L, -1));
    }
    lua_createtable(L, 0, 12);
    int e = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setfield(L, e, "id");
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_setfield(L, e, "file");
    lua_pushvalue(L, lua_upvalueindex(3));
    lua_setfield(L, e, "line");
    static const char *const strs[] = { "outcome", "cites", "reason" };
    for (int i = 0; i < 3; i++) {
        check_string_field(L, 1, id, strs[i], 0);
        lua_setfield(L, e, strs[i]);
    }
    if (lua_getfield(L, 1, "when") != LUA_TFUNCTION)
        return luaL_error(L, "rule '%s': 'when' must be a function(r, ctx)", id);
    lua_setfield(L, e, "when");
    push_string_list(L, 1, id, "defeats");
    lua_setfield(L, e, "defeats");
    int t = lua_getfield(L, 1, "in_force");
    if (t == LUA_TTABLE) {
        int f = lua_gettop(L);
        check_string_field(L, f, id, "from", 0);
        lua_setfield(L, e, "from");
        check_string_field(L, f, id, "until", 0);
        lua_setfield(L, e, "until");
    } else if (t != LUA_TNIL) {
        return luaL_error(L, "rule '%s': 'in_force' must be a table { from = ..., "
                             "[\"until\"] = ... }", id);
    }
    lua_settop(L, e);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_RULES);
    lua_pushvalue(L, e);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    return 0;
}

/* rule "id" -> a function that takes the definition table. */
static int h_rule(lua_State *L)
{
    if (!gvsb_get(L)->loading)
        return luaL_error(L, "rule() can only be called while the policy loads");
    size_t n;
    const char *id = luaL_checklstring(L, 1, &n);
    if (n == 0 || n > 200)
        return luaL_error(L, "rule id must be 1 to 200 characters");
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || (c && strchr("._-:/", c))))
            return luaL_error(L, "rule id '%s': use letters, digits and . _ - : /", id);
    }
    lua_Debug ar;
    const char *file = "?";
    int line = 0;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
        file = ar.source[0] == '@' ? ar.source + 1 : ar.short_src;
        line = ar.currentline;
    }
    lua_settop(L, 1);
    lua_pushstring(L, file);
    lua_pushinteger(L, line);
    lua_pushcclosure(L, rule_define, 3);
    return 1;
}

void gvsb_rules_push(lua_State *L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_RULES); }

/* ---- record proxies -------------------------------------------------------------- */

enum {
    SHORT_STRING = 40,          /* Lua's LUAI_MAXSHORTLEN: interned below */
    CACHE_KEEP = 1024           /* cache slots cleared, not dropped, per record */
};


/* The proxy at idx, which must be current. Metamethods get their proxy
 * from the VM as argument 1; functions rule code can call directly (the
 * pairs iterator) keep theirs in an upvalue instead. */
static const proxy *proxy_at(lua_State *L, int idx)
{
    const proxy *px = lua_touserdata(L, idx);
    if (px->gen != gvsb_get(L)->gen)
        luaL_error(L, "a record value was kept after its record was evaluated");
    return px;
}

static const proxy *check_proxy(lua_State *L)
{
    return proxy_at(L, 1);
}

/* The record's cache. What rules are handed from a record (proxies, and
 * long strings) is made once per record and kept in the slots of one
 * Lua array, the cache table, so that r.posts is the same table every
 * time and a text is copied into Lua once. Which slot holds which value
 * is a C hash table over gv_value addresses (sb->slots), valid for one
 * generation: a lookup is a hash probe and one array read, not the two
 * Lua hash lookups of light-userdata keys it replaces. The proxy
 * metamethods hold the cache table and the proxy metatable as upvalues
 * 1 and 2 (CACHE_UP, MT_UP); they are never reachable from the globals,
 * so loading does not freeze them. */
#define CACHE_UP lua_upvalueindex(1)
#define MT_UP    lua_upvalueindex(2)

static uint32_t slot_home(const void *key, uint32_t cap)
{
    uint64_t k = (uint64_t)(uintptr_t)key;
    return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

/* The cache slot of key in this record, or 0. */
static uint32_t slot_find(const gvsb *sb, const void *key)
{
    if (!sb->slots)
        return 0;
    for (uint32_t i = slot_home(key, sb->slots_cap);; i = (i + 1) & (sb->slots_cap - 1)) {
        const struct gvsb_slot *e = &sb->slots[i];
        if (e->gen != sb->gen || !e->key)
            return 0;               /* free: a stale entry counts as free */
        if (e->key == key)
            return e->slot;
    }
}

static void slot_insert(struct gvsb_slot *tab, uint32_t cap, uint32_t gen,
                        const void *key, uint32_t slot)
{
    uint32_t i = slot_home(key, cap);
    while (tab[i].gen == gen && tab[i].key)
        i = (i + 1) & (cap - 1);
    tab[i] = (struct gvsb_slot){ key, slot, gen };
}

/* Keeps the value on the stack top in a new slot of the cache table at
 * ci (an absolute or upvalue index), findable under key. The value stays
 * on the stack. Raises on out of memory. */
static void slot_put(lua_State *L, gvsb *sb, int ci, const void *key)
{
    if ((sb->slots_used + 1) * 2 > sb->slots_cap) {
        uint32_t cap = sb->slots_cap ? sb->slots_cap * 2 : 64;
        struct gvsb_slot *tab = cap > sb->slots_cap ? calloc(cap, sizeof *tab) : NULL;
        if (!tab)
            luaL_error(L, "out of memory (record cache)");
        for (uint32_t i = 0; i < sb->slots_cap; i++)
            if (sb->slots[i].gen == sb->gen && sb->slots[i].key)
                slot_insert(tab, cap, sb->gen, sb->slots[i].key, sb->slots[i].slot);
        free(sb->slots);
        sb->slots = tab;
        sb->slots_cap = cap;
    }
    uint32_t slot = ++sb->nslots;
    lua_pushvalue(L, -1);
    lua_rawseti(L, ci, slot);       /* may raise: before the hash knows it */
    slot_insert(sb->slots, sb->slots_cap, sb->gen, key, slot);
    sb->slots_used++;
}

/* Pushes what rules see for v: nil, a boolean, a number, a string, or a
 * proxy; ci and mt are where the cache table and the proxy metatable are. */
static void push_value_at(lua_State *L, const gv_value *v, int in_context, int ci, int mt)
{
    if (!v) {
        lua_pushnil(L);
        return;
    }
    switch (v->type) {
    case GV_NULL: lua_pushnil(L); return;
    case GV_BOOL: lua_pushboolean(L, v->u.b); return;
    case GV_INT:  lua_pushinteger(L, (lua_Integer)v->u.i); return;
    case GV_NUM:  lua_pushnumber(L, v->u.n); return;
    case GV_STR:
        if (v->len <= SHORT_STRING) {
            lua_pushlstring(L, v->u.s, v->len);
            return;
        }
        break;
    default:
        break;
    }
    gvsb *sb = gvsb_get(L);
    uint32_t slot = slot_find(sb, v);
    if (slot) {
        lua_rawgeti(L, ci, slot);
        return;
    }
    if (v->type == GV_STR) {
        lua_pushlstring(L, v->u.s, v->len);
    } else {
        proxy *px = lua_newuserdatauv(L, sizeof *px, 0);
        px->magic = PROXY_MAGIC;
        px->v = v;
        px->gen = sb->gen;
        px->in_context = in_context;
        lua_pushvalue(L, mt);
        lua_setmetatable(L, -2);
    }
    slot_put(L, sb, ci, v);
}

void gvsb_push_value(lua_State *L, const gv_value *v, int in_context)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CACHE);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_PROXY_MT);
    int mt = lua_gettop(L);
    push_value_at(L, v, in_context, mt - 1, mt);
    lua_replace(L, mt - 1);
    lua_pop(L, 1);
}

static int proxy_index(lua_State *L)
{
    const proxy *px = check_proxy(L);
    const gv_value *v = px->v;
    gvsb *sb = gvsb_get(L);
    if (v->type == GV_OBJ) {
        if (lua_type(L, 2) != LUA_TSTRING) {
            lua_pushnil(L);
            return 1;
        }
        size_t klen;
        const char *k = lua_tolstring(L, 2, &klen);
        if (px->in_context && !v->parent && klen == 5 && memcmp(k, "as_of", 5) == 0) {
            lua_pushstring(L, sb->as_of ? sb->as_of : "");
            return 1;
        }
        if (v->len > 256)               /* a lookup is a scan of the keys */
            charge(L, v->len / 16);
        const gv_value *c = gv_get(v, k, klen);
        if (sb->on_read)
            sb->on_read(sb->ud, v, k, klen, px->in_context);
        if (!c && sb->on_missing)
            sb->on_missing(sb->ud, v, k, klen, px->in_context);
        push_value_at(L, c, px->in_context, CACHE_UP, MT_UP);
        return 1;
    }
    int isint;
    lua_Integer i = lua_tointegerx(L, 2, &isint);
    if (isint && i >= 1 && (uint64_t)i <= v->len)
        push_value_at(L, v->u.items[i - 1], px->in_context, CACHE_UP, MT_UP);
    else
        lua_pushnil(L);
    return 1;
}

static int proxy_len(lua_State *L)
{
    const proxy *px = check_proxy(L);
    lua_pushinteger(L, px->v->type == GV_ARR ? (lua_Integer)px->v->len : 0);
    return 1;
}

/* The pairs iterator keeps its position and its proxy in upvalues 3 and 4
 * (1 and 2 are the cache's): O(1) per step, and its arguments are ignored
 * (rule code can call it with anything: `pairs(r) "x"`, found by
 * fuzz_policy_eval). */
static int proxy_next(lua_State *L)
{
    const proxy *px = proxy_at(L, lua_upvalueindex(4));
    const gv_value *v = px->v;
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
    for (; (uint64_t)i < v->len; i++) {
        if (v->type == GV_ARR) {
            if (v->u.items[i]->type == GV_NULL)
                continue;
            lua_pushinteger(L, i + 1);
            push_value_at(L, v->u.items[i], px->in_context, CACHE_UP, MT_UP);
        } else {
            const gv_member *m = &v->u.members[i];
            if (m->val->type == GV_NULL)
                continue;
            lua_pushlstring(L, m->key, m->klen);
            push_value_at(L, m->val, px->in_context, CACHE_UP, MT_UP);
        }
        lua_pushinteger(L, i + 1);
        lua_replace(L, lua_upvalueindex(3));
        return 2;
    }
    lua_pushinteger(L, i);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
}

static int proxy_pairs(lua_State *L)
{
    check_proxy(L);
    lua_pushvalue(L, CACHE_UP);
    lua_pushvalue(L, MT_UP);
    lua_pushinteger(L, 0);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, proxy_next, 4);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* ipairs(t) as Lua's own: the iterator reads t[i] (with __index). */
static int ipairs_next(lua_State *L)
{
    lua_Integer i = luaL_checkinteger(L, 2);
    i = luaL_intop(+, i, 1);
    lua_pushinteger(L, i);
    return lua_geti(L, 1, i) == LUA_TNIL ? 1 : 2;
}

/* The iterator ipairs gives for a record array (upvalues: the cache's):
 * it reads the items directly, not through an __index call each. Rule
 * code can call it with anything; what is not a proxy goes as above. */
static int ipairs_next_proxy(lua_State *L)
{
    int isint;
    lua_Integer i = lua_tointegerx(L, 2, &isint);
    const proxy *px = isint ? as_proxy(L, 1) : NULL;
    if (!px)
        return ipairs_next(L);
    if (px->gen != gvsb_get(L)->gen)
        proxy_at(L, 1);                 /* raises */
    i = luaL_intop(+, i, 1);
    lua_pushinteger(L, i);
    const gv_value *v = px->v;
    if (v->type == GV_ARR && i >= 1 && (uint64_t)i <= v->len)
        push_value_at(L, v->u.items[i - 1], px->in_context, CACHE_UP, MT_UP);
    else
        lua_pushnil(L);             /* as proxy_index: an object has no items */
    return lua_isnil(L, -1) ? 1 : 2;
}

/* ipairs: the record-aware iterator for a proxy (it exists only while a
 * record is evaluated, so loading can never capture it), Lua's otherwise. */
static int sb_ipairs(lua_State *L)
{
    luaL_checkany(L, 1);
    if (as_proxy(L, 1))
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_IPAIRS_PROXY);
    else
        lua_pushcfunction(L, ipairs_next);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int proxy_newindex(lua_State *L)
{
    const proxy *px = check_proxy(L);
    return luaL_error(L, "%s is read-only", px->in_context ? "the context" : "the record");
}

static int proxy_tostring(lua_State *L)
{
    const proxy *px = check_proxy(L);
    gv_buf b = GV_BUF_INIT;
    gv_buf_adds(&b, px->in_context ? "ctx" : "record");
    if (px->v->parent) {
        gv_buf_addc(&b, ' ');
        gv_path(&b, px->v);
    }
    lua_pushlstring(L, b.ptr ? b.ptr : "", b.len);
    gv_buf_free(&b);
    return 1;
}

const gv_value *gvsb_to_value(lua_State *L, int idx)
{
    const proxy *px = as_proxy(L, idx);
    return px && px->gen == gvsb_get(L)->gen ? px->v : NULL;
}

/* A new, empty cache table, in the registry and in upvalue 1 of every
 * closure that holds it. */
static void new_cache_table(lua_State *L)
{
    lua_createtable(L, 64, 0);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_CACHE);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_PROXY_MT);
    static const char *const holders[] = { "__index", "__pairs" };
    for (int i = 0; i < 2; i++) {
        lua_getfield(L, -1, holders[i]);
        lua_pushvalue(L, -3);
        lua_setupvalue(L, -2, 1);
        lua_pop(L, 1);
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_IPAIRS_PROXY);
    lua_pushvalue(L, -3);
    lua_setupvalue(L, -2, 1);
    lua_pop(L, 3);
}

void gvsb_new_record(lua_State *L)
{
    gvsb *sb = gvsb_get(L);
    if (sb->nslots > CACHE_KEEP) {  /* let a big record's cache go */
        new_cache_table(L);
    } else {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CACHE);
        for (uint32_t i = 1; i <= sb->nslots; i++) {
            lua_pushnil(L);
            lua_rawseti(L, -2, i);
        }
        lua_pop(L, 1);
    }
    if (sb->lexmemo_anchored) {     /* no text outlives its record */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LEXANCHOR);
        for (unsigned i = 0; i < GVSB_LEXMEMO; i++) {
            if (sb->lexmemo_anchored >> i & 1) {
                lua_pushnil(L);
                lua_rawseti(L, -2, i + 1);
            }
        }
        lua_pop(L, 1);
        sb->lexmemo_anchored = 0;
    }
    sb->nslots = 0;
    sb->slots_used = 0;
    if (++sb->gen == 0) {           /* wrapped: old entries would look current */
        if (sb->slots)
            memset(sb->slots, 0, sb->slots_cap * sizeof *sb->slots);
        memset(sb->lexmemo, 0, sizeof sb->lexmemo);
        sb->gen = 1;
    }
}

/* ---- building the state ---------------------------------------------------------- */

static lua_State *sb_state(gvsb *sb)
{
    /* The allocator runs before lua_newstate returns; L is known after. */
    return sb->L;
}

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
    luaL_requiref(L, name, open, 0);    /* [-0, +1], not into _G */
}

/* Builds the globals from the allow-list. Runs protected. */
static int build_env(lua_State *L)
{
    const gavel_policy *p = lua_touserdata(L, 1);
    static const char *const base_ok[] = {
        "assert", "error", "pcall", "xpcall",
        "rawequal", "rawlen", "rawget", "select", "tonumber", NULL };

    open_lib(L, "_G", luaopen_base);
    int base = lua_gettop(L);
    lua_newtable(L);                                   /* G, the sandbox */
    int G = lua_gettop(L);
    for (int i = 0; base_ok[i]; i++) {
        lua_getfield(L, base, base_ok[i]);
        lua_setfield(L, G, base_ok[i]);
    }
    lua_pushliteral(L, LUA_VERSION);
    lua_setfield(L, G, "_VERSION");
    static const luaL_Reg own[] = {                    /* gavel's versions */
        { "setmetatable", sb_setmetatable }, { "type", sb_type }, { "pairs", sb_pairs },
        { "next", sb_next }, { "tostring", sb_tostring }, { "ipairs", sb_ipairs },
        { NULL, NULL } };
    luaL_setfuncs(L, own, 0);                          /* into G, the top */

    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    tame_string(L, -1);
    lua_setfield(L, G, "string");
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    lua_pushcfunction(L, sb_sort);
    lua_setfield(L, -2, "sort");
    lua_setfield(L, G, "table");
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    lua_setfield(L, G, "utf8");
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    lua_pushnil(L);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_setfield(L, G, "math");

    static const luaL_Reg helpers[] = {
        { "any", h_any }, { "all", h_all }, { "count", h_count },
        { "days_between", h_days_between }, { "rule", h_rule }, { NULL, NULL } };
    lua_pushvalue(L, G);
    luaL_setfuncs(L, helpers, 0);
    lua_pop(L, 1);
    push_lexicons(L, p);
    lua_setfield(L, G, "lexicon");

    /* Proxy metatable; the closures that read the record's cache get it
     * (set by new_cache_table) and the metatable as upvalues. */
    static const luaL_Reg proxy_mt[] = {
        { "__len", proxy_len }, { "__newindex", proxy_newindex },
        { "__tostring", proxy_tostring }, { NULL, NULL } };
    static const luaL_Reg proxy_mt_cached[] = {
        { "__index", proxy_index }, { "__pairs", proxy_pairs }, { NULL, NULL } };
    lua_newtable(L);
    luaL_setfuncs(L, proxy_mt, 0);
    lua_pushnil(L);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, proxy_mt_cached, 2);
    lua_pushliteral(L, "record");
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushnil(L);
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, ipairs_next_proxy, 2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_IPAIRS_PROXY);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_PROXY_MT);
    new_cache_table(L);
    lua_createtable(L, GVSB_LEXMEMO, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_LEXANCHOR);

    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_RULES);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_WATCH);

    lua_createtable(L, 0, 2);                          /* setmetatable's guard */
    lua_pushcfunction(L, guard_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_GUARD_MT);

    /* Strict globals: reading an undefined one is an error. */
    lua_newtable(L);
    lua_pushcfunction(L, global_index);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_GLOBALS_MT);
    lua_setmetatable(L, G);

    /* The standard tables are frozen now; G itself after the rules load. */
    static const char *const libs[] = { "string", "table", "utf8", "math", NULL };
    for (int i = 0; libs[i]; i++) {
        lua_getfield(L, G, libs[i]);
        freeze_reachable(L, -1, 0);
        lua_pop(L, 1);
    }
    /* G replaces the real globals: nothing else is reachable. The loaded
     * table still holds the libraries; empty it too. */
    lua_pushvalue(L, G);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    return 0;
}

lua_State *gvsb_new(const gavel_policy *p, gvsb *sb, char *msg, size_t msglen)
{
    sb->mem_used = 0;
    clear_refusal(sb);
    sb->L = NULL;
    lua_State *L = lua_newstate(sb_alloc, sb);
    if (!L) {
        snprintf(msg, msglen, "out of memory creating a Lua state");
        return NULL;
    }
    sb->L = L;
    *(gvsb **)lua_getextraspace(L) = sb;
    sb->policy = p;
    sb->cur_rule = -1;
    memset(sb->lexmemo, 0, sizeof sb->lexmemo);
    sb->lexmemo_anchored = 0;
    sb->slots = NULL;
    sb->slots_cap = sb->slots_used = sb->nslots = 0;
    lua_pushcfunction(L, build_env);
    lua_pushlightuserdata(L, (void *)p);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        snprintf(msg, msglen, "building the sandbox: %s", lua_tostring(L, -1));
        lua_close(L);
        return NULL;
    }
    /* Many short-lived proxies per record: generational GC suits that. */
    lua_gc(L, LUA_GCGEN, 0, 0);
    return L;
}

void gvsb_close(lua_State *L)
{
    if (!L)
        return;
    gvsb *sb = gvsb_get(L);
    lua_close(L);
    free(sb->slots);
    sb->slots = NULL;
    sb->slots_cap = sb->slots_used = sb->nslots = 0;
}

static int freeze_globals(lua_State *L)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    freeze_reachable(L, -1, 1);
    gvsb_rules_push(L);            /* the `when` functions and their upvalues */
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "when");
        freeze_reachable(L, -1, 0);
        lua_pop(L, 2);
    }
    return 0;
}

static void copy_error(lua_State *L, char *msg, size_t msglen)
{
    const char *e = lua_tostring(L, -1);
    gvsb *sb = gvsb_get(L);
    if (sb->trip && !(e && strstr(e, gvsb_trip_message(sb))))
        snprintf(msg, msglen, "%s%s%s", e ? e : "", e ? ": " : "", gvsb_trip_message(sb));
    else if (sb->trip)
        snprintf(msg, msglen, "%s", e);
    else
        snprintf(msg, msglen, "%s", e ? e : "error object is not a string");
}

int gvsb_load_rules(lua_State *L, const gavel_policy *p, char *msg, size_t msglen)
{
    gvsb *sb = gvsb_get(L);
    sb->loading = 1;
    for (int i = 0; i < p->nfiles; i++) {
        const gvpol_file *f = &p->files[i];
        char chunk[1024];
        snprintf(chunk, sizeof chunk, "@%s", f->path);
        if (luaL_loadbufferx(L, f->text, f->len, chunk, "t") != LUA_OK) {
            copy_error(L, msg, msglen);
            lua_pop(L, 1);
            sb->loading = 0;
            return -1;
        }
        gvsb_arm(L);
        int rc = lua_pcall(L, 0, 0, 0);
        gvsb_settle_memory(L);      /* a refusal caught by pcall still counts */
        if (rc != LUA_OK || sb->trip) {
            if (rc != LUA_OK) {
                copy_error(L, msg, msglen);
                lua_pop(L, 1);
            } else {
                snprintf(msg, msglen, "%s: %s while loading", f->path, gvsb_trip_message(sb));
            }
            sb->loading = 0;
            return -1;
        }
    }
    sb->loading = 0;
    lua_pushcfunction(L, freeze_globals);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        copy_error(L, msg, msglen);
        lua_pop(L, 1);
        return -1;
    }
    lua_sethook(L, NULL, 0, 0);
    return 0;
}
