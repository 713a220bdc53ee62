/*
 * lang.c: the rule language (lang.h): what rule files call beyond plain
 * Lua. `rule "id" { ... }` records a definition while the policy loads;
 * any, all, count and days_between are the helpers; `lexicon.NAME:find`
 * searches a text for a policy's lexicon.
 *
 * Lexicons: every find on a text in a record answers for all the policy's
 * lexicons of its kind at once (a union, lexicon.h), and the answers are
 * remembered for the record (gvsb.lexmemo).
 *
 * Calls the Lua API, sandbox.h (budgets), harden.h (read-only tables),
 * lexicon.h, words.h, date.h and the policy's lexicon table.
 *
 * Stack effects are noted as [-pop, +push] like the Lua manual.
 */
#include "lang.h"
#include "buf.h"
#include "date.h"
#include "harden.h"
#include "lexicon.h"
#include "policy.h"
#include "sandbox.h"
#include "words.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Registry keys: addresses of these constants, never their contents. */
static const char KEY_RULES = 0, KEY_LEXANCHOR = 0;

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
     * anchor per entry, dropped at the next record (gvlang_new_record). */
    unsigned at = (unsigned)(m - sb->lexmemo);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LEXANCHOR);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, at + 1);
    lua_pop(L, 1);
    sb->lexmemo_anchored |= (uint32_t)1 << at;
    if (ud->words) {
        gv_buf b = GV_BUF_INIT;
        gvwords_append(&b, text, n);
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
    gvsb_charge(L, n / 8);               /* memo or not: budgets do not vary */
    const char *term = lex_find_all(L, ud, text, n)[ud->part];
    if (!term) {
        lua_pushnil(L);
    } else if (!ud->words) {
        lua_pushstring(L, term);
    } else {                        /* word form: separators become spaces */
        char plain[4096];
        size_t k = 0;
        for (const char *c = term; *c && k + 1 < sizeof plain; c++)
            if (*c != GVWORDS_SEP || (k > 0 && plain[k - 1] != ' '))
                plain[k++] = *c == GVWORDS_SEP ? ' ' : *c;
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
    lua_pushcfunction(L, gvhard_readonly);
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

void gvlang_rules_push(lua_State *L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_RULES); }

/* ---- opening ------------------------------------------------------------------- */

void gvlang_open(lua_State *L, int G, const gavel_policy *p)
{
    static const luaL_Reg helpers[] = {
        { "any", h_any }, { "all", h_all }, { "count", h_count },
        { "days_between", h_days_between }, { "rule", h_rule }, { NULL, NULL } };
    lua_pushvalue(L, G);
    luaL_setfuncs(L, helpers, 0);
    lua_pop(L, 1);
    push_lexicons(L, p);
    lua_setfield(L, G, "lexicon");
    lua_createtable(L, GVSB_LEXMEMO, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_LEXANCHOR);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_RULES);
}

void gvlang_new_record(lua_State *L, gvsb *sb)
{
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
}
