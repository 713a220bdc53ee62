/*
 * sandbox.c: the Lua state a policy runs in (sandbox.h).
 *
 * Owns the state's life: the allocator with its memory cap, the
 * instruction and wall-clock budgets (a count hook), building the state
 * (the allow-list from harden.c, the rule language from lang.c, the record
 * proxies from proxy.c) and loading the rule files into it. Calls the Lua
 * API, harden.h, lang.h, proxy.h and the policy's file list.
 *
 * Globals: the registry's global table G is the sandbox itself, so even a
 * stray `load` could reach nothing else.
 */
#include "sandbox.h"
#include "harden.h"
#include "lang.h"
#include "policy.h"
#include "proxy.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* A big growth: charged, and the hook looks at the budgets on the next
 * instruction (once rules run; not while the state is built). */
static __attribute__((noinline, cold)) void charge_growth(gvsb *sb, size_t grown)
{
    sb->spent += grown / GVSB_BYTES_PER_UNIT;
    lua_State *L = sb->L;
    if (L && !sb->trip && !sb->hook_soon && lua_gethook(L) == hook) {
        sb->hook_soon = 1;
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    }
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
    if (nsize > old && nsize - old >= GVSB_BIG_ALLOC)
        charge_growth(sb, nsize - old);
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
        sb->spent += sb->hook_soon ? 1 : GVSB_HOOK_EVERY;
        if (sb->budget && sb->spent > sb->budget)
            trip(sb, L, GVSB_INSTRUCTIONS);
        else if (sb->deadline_ns && now_ns() > sb->deadline_ns)
            trip(sb, L, GVSB_DEADLINE);
        else if (sb->hook_soon)
            lua_sethook(L, hook, LUA_MASKCOUNT, GVSB_HOOK_EVERY);
        sb->hook_soon = 0;
    }
    if (sb->trip)
        luaL_error(L, "%s", gvsb_trip_message(sb));
}

__attribute__((noinline)) void gvsb_charge_slow(lua_State *L, gvsb *sb, uint64_t units)
{
    if (!sb->trip) {
        if (sb->budget && sb->spent > sb->budget)
            trip(sb, L, GVSB_INSTRUCTIONS);
        else if (units >= GVSB_HOOK_EVERY && sb->deadline_ns && now_ns() > sb->deadline_ns)
            trip(sb, L, GVSB_DEADLINE);     /* small calls: the hook looks soon */
    }
    if (sb->trip)
        luaL_error(L, "%s", gvsb_trip_message(sb));
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
    sb->hook_soon = 0;
    clear_refusal(sb);
    sb->deadline_ns = sb->millis ? now_ns() + (uint64_t)sb->millis * 1000000u : 0;
    lua_sethook(L, hook, LUA_MASKCOUNT, GVSB_HOOK_EVERY);
}

void gvsb_new_record(lua_State *L)
{
    gvsb *sb = gvsb_get(L);
    gvproxy_new_record(L, sb);
    gvlang_new_record(L, sb);
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

/* Builds the globals: the allow-list, the rule language and the record
 * proxies, then seals them. Runs protected. */
static int build_env(lua_State *L)
{
    const gavel_policy *p = lua_touserdata(L, 1);
    int G = gvhard_open_env(L);
    gvlang_open(L, G, p);
    gvproxy_open(L, G);
    gvhard_seal(L, G);
    return 0;
}

lua_State *gvsb_new(const gavel_policy *p, gvsb *sb, char *msg, size_t msglen)
{
    sb->mem_used = 0;
    clear_refusal(sb);
    sb->L = NULL;
    sb->hook_soon = 0;
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
    gvhard_freeze_reachable(L, -1, 1);
    gvlang_rules_push(L);            /* the `when` functions and their upvalues */
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "when");
        gvhard_freeze_reachable(L, -1, 0);
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
