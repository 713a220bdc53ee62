/*
 * harden.c: what makes the Lua state safe for untrusted rules (harden.h).
 *
 * Owns the environment built from an allow-list (docs/security.md, items
 * 1-11), freezing what the rule files built at load time and watching the
 * locals they captured, setmetatable without __gc or __mode, pairs and next
 * in a fixed order, tostring and string.format without addresses, a stable
 * table.sort, and the cost cap on string patterns. Calls the Lua API,
 * sandbox.h (budgets) and libcost.h (the charged library calls) only.
 *
 * Freezing: a frozen table is emptied and its contents moved to a hidden
 * table reached through __index, with __newindex raising. That makes every
 * table the rule files built at load time read-only, so no record can leave
 * state behind for the next. Reading an undefined global is an error (it is
 * nearly always a typo in a rule); writing one is an error once the policy
 * has loaded.
 *
 * Stack effects are noted as [-pop, +push] like the Lua manual.
 */
#include "harden.h"
#include "libcost.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Registry keys: addresses of these constants, never their contents. */
static const char KEY_FROZEN_MT = 0, KEY_GLOBALS_MT = 0, KEY_WATCH = 0, KEY_GUARD_MT = 0;

enum { PATTERN_MAX = 256 };
#define PATTERN_COST_MAX 1e8     /* ~0.2-0.5 s at worst in Lua 5.4's matcher */

/* ---- freezing --------------------------------------------------------------- */

/* The __newindex of frozen tables and of the `lexicon` table. */
int gvhard_readonly(lua_State *L)
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

/* Copies the metamethods of table base into table mt, but not __gc
 * (setting mt would arm a finalizer added after setmetatable checked) nor
 * __mode (weak). [-0, +0] */
static void copy_metamethods(lua_State *L, int base, int mt)
{
    lua_pushnil(L);
    while (lua_next(L, base)) {
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
    if (base)                                          /* inherit __call, __eq, ... */
        copy_metamethods(L, base, mt);
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
    lua_pushcfunction(L, is_globals ? global_newindex : gvhard_readonly);
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

int gvhard_check_upvalues(lua_State *L, char *msg, size_t msglen)
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
void gvhard_freeze_reachable(lua_State *L, int idx, int root_is_globals)
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

/* ---- setmetatable without finalizers or weak tables ------------------------ */

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
 * could run unbounded (docs/security.md). Without __mode: what a weak table
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
                gvsb_charge(L, n);
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
    gvsb_charge(L, (uint64_t)n);
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
    gvsb_charge(L, n > 0 ? (uint64_t)n : 0);
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
    gvsb_charge(L, ls / 8 + (uint64_t)(cost / 1024));
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

/* ---- the environment: an allow-list ------------------------------------------ */

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
    luaL_requiref(L, name, open, 0);    /* [-0, +1], not into _G */
}

int gvhard_open_env(lua_State *L)
{
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
        { "setmetatable", sb_setmetatable }, { "pairs", sb_pairs },
        { "next", sb_next }, { "tostring", sb_tostring }, { NULL, NULL } };
    luaL_setfuncs(L, own, 0);                          /* into G, the top */

    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    tame_string(L, -1);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    lua_pushcfunction(L, sb_sort);
    lua_setfield(L, -2, "sort");
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    lua_pushnil(L);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    gvcost_open(L, G, G + 1, G + 2, G + 3, G + 4);
    lua_setfield(L, G, "math");
    lua_setfield(L, G, "utf8");
    lua_setfield(L, G, "table");
    lua_setfield(L, G, "string");
    return G;
}

void gvhard_seal(lua_State *L, int G)
{
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
        gvhard_freeze_reachable(L, -1, 0);
        lua_pop(L, 1);
    }
    /* G replaces the real globals: nothing else is reachable. The loaded
     * table still holds the libraries; empty it too. */
    lua_pushvalue(L, G);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
}
