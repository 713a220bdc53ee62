/*
 * proxy.c: the read-only proxies through which rules see records and the
 * context (proxy.h).
 *
 * Records are not copied into Lua tables: a proxy is a small userdata over
 * the parsed value tree, created lazily when a rule reaches for a field.
 * That is what lets the evaluator notice reads of absent fields (the
 * `missing` list) and keeps untouched parts of a record free. What a record
 * hands out (proxies, long strings) is made once per record and kept in the
 * record's cache (see "The record's cache" below). type() and ipairs() know
 * proxies, so rules see them as tables.
 *
 * Calls the Lua API, sandbox.h (budgets, the per-record state), value.h and
 * buf.h only.
 *
 * Stack effects are noted as [-pop, +push] like the Lua manual.
 */
#include "proxy.h"
#include "buf.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Registry keys: addresses of these constants, never their contents. */
static const char KEY_CACHE = 0, KEY_PROXY_MT = 0, KEY_IPAIRS_PROXY = 0;

/* A record value as rules see it. */
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

void gvproxy_push(lua_State *L, const gv_value *v, int in_context)
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
            gvsb_charge(L, v->len / 16);
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

const gv_value *gvproxy_value(lua_State *L, int idx)
{
    const proxy *px = as_proxy(L, idx);
    return px && px->gen == gvsb_get(L)->gen ? px->v : NULL;
}

const gv_value *gvproxy_value_where(lua_State *L, int idx, int *in_context)
{
    const proxy *px = as_proxy(L, idx);
    if (!px || px->gen != gvsb_get(L)->gen)
        return NULL;
    *in_context = px->in_context;
    return px->v;
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


/* ---- opening ------------------------------------------------------------------- */

void gvproxy_open(lua_State *L, int G)
{
    lua_pushcfunction(L, sb_type);
    lua_setfield(L, G, "type");
    lua_pushcfunction(L, sb_ipairs);
    lua_setfield(L, G, "ipairs");
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
}

void gvproxy_new_record(lua_State *L, gvsb *sb)
{
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
    sb->nslots = 0;
    sb->slots_used = 0;
}
