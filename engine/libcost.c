/*
 * libcost.c: the cost of the allow-listed library calls whose work the
 * hook cannot see (libcost.h, docs/security.md "What each library call
 * costs").
 *
 * Owns the charged wrappers (select, tonumber, rawequal, string.byte/char,
 * table.concat/unpack/insert/remove, utf8.char/codepoint/len/offset/codes,
 * math.max/min) and gavel's own string.rep and table.move, which charge as
 * they go. Calls the Lua API and sandbox.h (gvsb_charge) only.
 *
 * The hook sees one instruction for a C call however long it runs, and big
 * allocations are charged by the allocator (sandbox.c). What is left is
 * work that loops without allocating: over arguments, over a table's
 * elements, over a text's bytes. Each such function is called through
 * `charged`, which charges its work and checks the clock (gvsb_charge)
 * before calling the original in the same frame, so its error messages
 * still name it.
 */
#include "libcost.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <limits.h>
#include <string.h>

enum cost {
    COST_ARGS,      /* one unit per argument */
    COST_TEXT,      /* the first argument's length / 8 */
    COST_SPAN,      /* string.byte, utf8.codepoint: the range (i, j = i) */
    COST_RANGE,     /* table.unpack: the range (i = 1, j = #t) */
    COST_CONCAT,    /* table.concat: the range (i = 1, j = #t) */
    COST_INSERT,    /* table.insert(t, pos, v): the elements moved */
    COST_REMOVE,    /* table.remove(t, pos): the elements moved */
    COST_EQUAL      /* rawequal: two long strings compared */
};

/* Charges units, a budget's worth at most (so the sum cannot wrap). */
static void charge_units(lua_State *L, double units)
{
    if (units >= 1)
        gvsb_charge(L, units > 0x1p56 ? (uint64_t)1 << 56 : (uint64_t)units);
}

/* Argument arg as a number, or def when it is absent or not one (the
 * original function then reports it). */
static double soft_number(lua_State *L, int arg, double def)
{
    int ok;
    lua_Number x = lua_tonumberx(L, arg, &ok);
    return ok ? (double)x : def;
}

static double table_len(lua_State *L, int arg)
{
    if (!lua_istable(L, arg))
        return 0;
    return (double)luaL_len(L, arg);
}

/* The work of a call to the function with cost model `model`, in units.
 * [-0, +0] */
static double cost_of(lua_State *L, int model)
{
    int top = lua_gettop(L);
    double units = 0, i, j;
    size_t len = 0, len2 = 0;
    switch (model) {
    case COST_ARGS:
        units = top;
        break;
    case COST_TEXT:
        if (lua_type(L, 1) == LUA_TSTRING)
            lua_tolstring(L, 1, &len);
        units = (double)len / 8;
        break;
    case COST_SPAN:
        if (lua_type(L, 1) == LUA_TSTRING)
            lua_tolstring(L, 1, &len);
        i = soft_number(L, 2, 1);
        j = soft_number(L, 3, i);
        i = i < 0 ? (double)len + i + 1 : i < 1 ? 1 : i;
        j = j < 0 ? (double)len + j + 1 : j > (double)len ? (double)len : j;
        units = j - i + 1;
        break;
    case COST_RANGE:
    case COST_CONCAT: {
        int at = model == COST_RANGE ? 2 : 3;
        i = soft_number(L, at, 1);
        j = lua_isnoneornil(L, at + 1) ? table_len(L, 1) : soft_number(L, at + 1, 0);
        units = j - i + 1;
        break;
    }
    case COST_INSERT:
    case COST_REMOVE:                   /* appending or popping moves nothing */
        if (top >= (model == COST_INSERT ? 3 : 2))
            units = table_len(L, 1) - soft_number(L, 2, 0) + 1;
        break;
    case COST_EQUAL:
        if (lua_type(L, 1) == LUA_TSTRING && lua_type(L, 2) == LUA_TSTRING) {
            lua_tolstring(L, 1, &len);
            lua_tolstring(L, 2, &len2);
            units = (double)(len < len2 ? len : len2) / 8;
        }
        break;
    }
    lua_settop(L, top);
    return units;
}

/* Upvalues: the original C function (light), the cost model. */
static int charged(lua_State *L)
{
    charge_units(L, cost_of(L, (int)lua_tointeger(L, lua_upvalueindex(2))));
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* Replaces the function `name` of the table at idx by its charged call.
 * [-0, +0] */
static void charge_calls(lua_State *L, int idx, const char *name, int model)
{
    idx = lua_absindex(L, idx);
    lua_getfield(L, idx, name);
    lua_CFunction orig = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    if (!orig)
        return;
    lua_pushcfunction(L, orig);
    lua_pushinteger(L, model);
    lua_pushcclosure(L, charged, 2);
    lua_setfield(L, idx, name);
}

/* Refuses up front work the instruction budget cannot pay for. */
static void charge_ahead(lua_State *L, double units)
{
    gvsb *sb = gvsb_get(L);
    if (sb->budget && (double)sb->spent + units > (double)sb->budget)
        charge_units(L, units);                      /* trips */
}

enum { REP_CHUNK = 64 * 1024, MOVE_CHUNK = 4096 };

/* string.rep, charged as it copies: Lua's loops n times even when the
 * pieces are empty, so (""):rep(math.maxinteger) never returns. */
static int sb_rep(lua_State *L)
{
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (l + lsep < l || l + lsep > (size_t)INT_MAX / (size_t)n)
        return luaL_error(L, "resulting string too large");
    size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, total);   /* the memory cap refuses first */
    charge_ahead(L, (double)total / 8);
    size_t since = 0;                /* bytes (and 8 a piece) since the last charge */
    for (; n > 0; n--) {
        memcpy(p, s, l);
        p += l;
        if (n > 1 && lsep) {
            memcpy(p, sep, lsep);
            p += lsep;
        }
        since += l + lsep + 1;
        if (since >= REP_CHUNK) {
            gvsb_charge(L, since / 8);
            since = 0;
        }
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

/* table.move in chunks, each charged (and the clock checked) before the
 * original moves it: a range of 2^62 empty slots is a loop Lua would run
 * to the end. Chunks go in the order the whole move would, so overlapping
 * ranges move as they would in one call. Upvalue: the original. */
static int sb_move(lua_State *L)
{
    lua_CFunction orig = lua_tocfunction(L, lua_upvalueindex(1));
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    if (e < f || e - f < MOVE_CHUNK) {
        charge_units(L, e >= f ? (double)(e - f + 1) : 0);
        return orig(L);
    }
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    charge_ahead(L, (double)n);
    lua_settop(L, 5);
    int other = !lua_isnil(L, 5) && !lua_rawequal(L, 1, 5);
    if (lua_isnil(L, 5)) {
        lua_pushvalue(L, 1);
        lua_replace(L, 5);
    }
    int forward = t > e || t <= f || other;
    for (lua_Integer done = 0; done < n; done += MOVE_CHUNK) {
        lua_Integer len = n - done < MOVE_CHUNK ? n - done : MOVE_CHUNK;
        lua_Integer start = forward ? done : n - done - len;
        charge_units(L, (double)len);
        lua_pushinteger(L, f + start);
        lua_replace(L, 2);
        lua_pushinteger(L, f + start + len - 1);
        lua_replace(L, 3);
        lua_pushinteger(L, t + start);
        lua_replace(L, 4);
        orig(L);
        lua_settop(L, 5);
    }
    return 1;
}

void gvcost_open(lua_State *L, int G, int string, int table, int utf8, int math)
{
    static const struct { int lib; const char *name; int model; } calls[] = {
        { 0, "select", COST_ARGS }, { 0, "tonumber", COST_TEXT }, { 0, "rawequal", COST_EQUAL },
        { 1, "byte", COST_SPAN }, { 1, "char", COST_ARGS },
        { 2, "concat", COST_CONCAT }, { 2, "unpack", COST_RANGE },
        { 2, "insert", COST_INSERT }, { 2, "remove", COST_REMOVE },
        { 3, "char", COST_ARGS }, { 3, "codepoint", COST_SPAN }, { 3, "len", COST_TEXT },
        { 3, "offset", COST_TEXT }, { 3, "codes", COST_TEXT },
        { 4, "max", COST_ARGS }, { 4, "min", COST_ARGS } };
    int libs[] = { G, string, table, utf8, math };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++)
        charge_calls(L, libs[calls[i].lib], calls[i].name, calls[i].model);
    lua_pushcfunction(L, sb_rep);
    lua_setfield(L, string, "rep");
    lua_getfield(L, table, "move");
    lua_pushcclosure(L, sb_move, 1);
    lua_setfield(L, table, "move");
}
