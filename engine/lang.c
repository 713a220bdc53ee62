/*
 * lang.c: the rule language (lang.h): what rule files call beyond plain
 * Lua. `rule "id" { ... }` records a definition while the policy loads;
 * any, all, count, days_between and index are the helpers;
 * `lexicon.NAME:find` searches a text for a policy's lexicon.
 *
 * Lexicons: every find on a text in a record answers for all the policy's
 * lexicons of its kind at once (a union, lexicon.h), and the answers are
 * remembered for the record (gvsb.lexmemo). Indexes: lookups over the
 * context's lists, built once per context (see "index" below).
 *
 * Calls the Lua API, sandbox.h (budgets), harden.h (read-only tables),
 * proxy.h (the context's values as rules see them), lexicon.h, words.h,
 * date.h and the policy's lexicon and rule tables.
 *
 * Stack effects are noted as [-pop, +push] like the Lua manual.
 */
#include "lang.h"
#include "buf.h"
#include "date.h"
#include "harden.h"
#include "lexicon.h"
#include "policy.h"
#include "proxy.h"
#include "sandbox.h"
#include "words.h"

#include <lauxlib.h>
#include <stdio.h>
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
        if ((i & 1023) == 0)            /* without a predicate the hook sees nothing */
            gvsb_charge(L, 1024);
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

/* ---- index: lookups in the context's lists ------------------------------------ */

/* index(list [, field]) answers "does this list name v?" (has) and
 * "which entries name v?" (find) in constant time. The context is the
 * same for every record, so an index over one of its lists is built once
 * per evaluator and context, and kept in the registry (KEY_INDEXES: the
 * list's value address -> the index, or -> field -> the index) until
 * the context changes (sb->ctx_gen, bumped by eval.c). An index is one
 * userdata, so its memory is the state's and counts against the cap;
 * it points into the context's value tree and holds no Lua value. Only
 * context lists are indexed: docs/policy.md, "Helpers", says why.
 *
 * Keys compare as == does: strings by their bytes, numbers by value (7
 * and 7.0 are one key), booleans, each type apart ("7" is not 7). */

typedef struct ixkey {
    int         type;           /* GV_BOOL, GV_INT, GV_NUM (never integral), GV_STR */
    int64_t     i;              /* GV_BOOL, GV_INT */
    double      n;
    const char *s;
    size_t      len;
} ixkey;

typedef struct ixentry {
    const gv_value *key;        /* the first value with this key */
    uint32_t        last;       /* the entry that named it last, + 1 (building) */
    gv_value        hits;       /* GV_ARR of the entries naming it, in list order */
} ixentry;

typedef struct gvindex {
    uint32_t  magic;            /* INDEX_MAGIC: see check_index */
    uint32_t  ctx_gen;          /* the context it was built over */
    uint32_t  cap, nkeys;       /* cap: slots, a power of two */
    struct ixslot {
        uint32_t hash;          /* the key's, so that a probe seldom reads the key */
        uint32_t key;           /* key number + 1; 0 = free */
    } *slots;
    ixentry  *keys;
    gv_value **items;           /* the hits' items, grouped by key */
} gvindex;

#define INDEX_MAGIC 0x696E6478u     /* "indx" */

static const char KEY_INDEXES = 0;
static const gv_value NO_HITS = { .type = GV_ARR };

/* Integral floats become integers, as Lua compares 7.0 == 7. Returns 0
 * for what can never be equal to anything (NaN). */
static int key_number(ixkey *k, double n)
{
    if (n != n)
        return 0;
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0 && (double)(int64_t)n == n) {
        k->type = GV_INT;
        k->i = (int64_t)n;
    } else {
        k->type = GV_NUM;
        k->n = n;
    }
    return 1;
}

/* The key of a scalar value of the context; 0 for null. */
static int key_of_value(ixkey *k, const gv_value *v)
{
    memset(k, 0, sizeof *k);
    switch (v->type) {
    case GV_BOOL: k->type = GV_BOOL; k->i = v->u.b != 0; return 1;
    case GV_INT:  k->type = GV_INT; k->i = v->u.i; return 1;
    case GV_NUM:  return key_number(k, v->u.n);
    case GV_STR:  k->type = GV_STR; k->s = v->u.s; k->len = v->len; return 1;
    default:      return 0;
    }
}

/* The key of the Lua value at idx; 0 for nil (and NaN), which no list
 * names. A table is an error: nothing in a list is equal to one. */
static int key_of_arg(lua_State *L, int idx, ixkey *k)
{
    memset(k, 0, sizeof *k);
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:     return 0;
    case LUA_TBOOLEAN: k->type = GV_BOOL; k->i = lua_toboolean(L, idx); return 1;
    case LUA_TSTRING:  k->type = GV_STR; k->s = lua_tolstring(L, idx, &k->len); return 1;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            k->type = GV_INT;
            k->i = (int64_t)lua_tointeger(L, idx);
            return 1;
        }
        return key_number(k, (double)lua_tonumber(L, idx));
    default:
        return luaL_error(L, "index: cannot look up a %s (keys are strings, numbers "
                             "and booleans)", luaL_typename(L, idx));
    }
}

static uint32_t key_hash(const ixkey *k)
{
    uint64_t h;
    if (k->type == GV_STR) {
        h = 0xcbf29ce484222325ull;                  /* FNV-1a */
        for (size_t i = 0; i < k->len; i++)
            h = (h ^ (unsigned char)k->s[i]) * 0x100000001b3ull;
    } else if (k->type == GV_NUM) {
        memcpy(&h, &k->n, sizeof h);
    } else {
        h = (uint64_t)k->i;
    }
    h = (h ^ (uint64_t)k->type) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 32);
}

static int key_equal(const ixkey *a, const ixkey *b)
{
    if (a->type != b->type)
        return 0;
    if (a->type == GV_STR)
        return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    return a->type == GV_NUM ? a->n == b->n : a->i == b->i;
}

/* The slot where k (of hash h) is, or the free slot where it would go. */
static struct ixslot *index_slot(const gvindex *ix, const ixkey *k, uint32_t h)
{
    for (uint32_t i = h & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
        struct ixslot *s = &ix->slots[i];
        ixkey at;
        if (!s->key ||
            (s->hash == h && (key_of_value(&at, ix->keys[s->key - 1].key), key_equal(&at, k))))
            return s;
    }
}

/* Raises "index: ctx.orders[2] WHAT (rule 'id')": v is the value at
 * fault (NULL for none), of the context or of the record. */
static int index_fail(lua_State *L, const gv_value *v, int in_context, const char *what)
{
    char path[256] = "";
    if (v) {
        gv_buf b = GV_BUF_INIT;
        gv_buf_adds(&b, in_context ? "ctx" : "r");
        if (v->parent) {
            gv_buf_addc(&b, '.');
            gv_path(&b, v);
        }
        snprintf(path, sizeof path, "%.*s ", b.ptr ? (int)b.len : 0, b.ptr ? b.ptr : "");
        gv_buf_free(&b);
    }
    const gvsb *sb = gvsb_get(L);
    const char *rule = sb->policy && sb->cur_rule >= 0 && sb->cur_rule < sb->policy->nrules
                       ? sb->policy->rules[sb->cur_rule].info.id : NULL;
    return luaL_error(L, "index: %s%s%s%s%s", path, what, rule ? " (rule '" : "",
                      rule ? rule : "", rule ? "')" : "");
}

typedef struct ixbuild {
    lua_State      *L;
    const gv_value *list;
    const char     *field;      /* NULL: the items themselves are the keys */
    size_t          flen;
    int             pass;       /* 0: count and check; 1: keys, hits per key; 2: the hits */
    uint64_t        n;          /* pass 0: keys named, counting repeats */
    gvindex        *ix;
} ixbuild;

/* Key v, named by entry number e of the list: counted, or put in. */
static void index_add(ixbuild *b, uint32_t e, const gv_value *entry, const gv_value *v)
{
    ixkey k;
    if (b->pass == 0 && (v->type == GV_ARR || v->type == GV_OBJ))
        index_fail(b->L, v, 1, "is a table; the keys of an index are strings, numbers "
                               "and booleans");
    if (!key_of_value(&k, v))
        return;                         /* null: nothing to find */
    if (b->pass == 0) {
        b->n++;
        return;
    }
    gvindex *ix = b->ix;
    uint32_t h = key_hash(&k);
    struct ixslot *s = index_slot(ix, &k, h);
    if (!s->key) {                      /* new: only in pass 1 */
        ix->keys[ix->nkeys] = (ixentry){ v, 0, { .type = GV_ARR } };
        s->hash = h;
        s->key = ++ix->nkeys;
    }
    ixentry *x = &ix->keys[s->key - 1];
    if (x->last == e + 1)
        return;                         /* this entry named it already */
    x->last = e + 1;
    if (b->pass == 2)
        x->hits.u.items[x->hits.len] = (gv_value *)entry;   /* never written through */
    x->hits.len++;
}

/* Every key every entry names, in list order, to index_add. */
static void index_walk(ixbuild *b)
{
    const gv_value *list = b->list;
    for (uint32_t e = 0; list && e < list->len; e++) {
        const gv_value *entry = list->u.items[e], *v = entry;
        if (b->field) {
            if (entry->type == GV_NULL)
                continue;
            if (entry->type != GV_OBJ)
                index_fail(b->L, entry, 1, "is not a mapping, so it has no field to index");
            v = gv_get(entry, b->field, b->flen);
            if (!v)
                continue;
            if (v->type == GV_ARR) {    /* a list of keys: each is named */
                for (uint32_t j = 0; j < v->len; j++)
                    index_add(b, e, entry, v->u.items[j]);
                continue;
            }
        }
        index_add(b, e, entry, v);
    }
}

/* A new index with room for n keys, on the stack. [-0, +1] */
static gvindex *index_new(lua_State *L, uint64_t n)
{
    if (n > UINT32_MAX / 4)
        luaL_error(L, "index: a list of %llu keys is too long", (unsigned long long)n);
    uint32_t cap = 8;               /* at most 2/3 full: few probes, and fewer */
    while (cap < n + n / 2)         /* cache lines than half full for a miss */
        cap *= 2;
    size_t head = (sizeof(gvindex) + 7) & ~(size_t)7, slots = (size_t)cap * sizeof(struct ixslot),
           keys = (size_t)n * sizeof(ixentry);
    gvindex *ix = lua_newuserdatauv(L, head + slots + keys + (size_t)n * sizeof(gv_value *), 0);
    ix->magic = INDEX_MAGIC;
    ix->ctx_gen = gvsb_get(L)->ctx_gen;
    ix->cap = cap;
    ix->nkeys = 0;
    ix->slots = (struct ixslot *)((char *)ix + head);
    ix->keys = (ixentry *)((char *)ix->slots + slots);
    ix->items = (gv_value **)((char *)ix->keys + keys);
    memset(ix->slots, 0, slots);
    luaL_setmetatable(L, "gavel.index");
    return ix;
}

/* Builds the index of list (NULL: the empty one), on the stack: a pass
 * to count and check, one to find the keys and their number of hits,
 * one to fill the hits in. Its memory is charged to the state; its
 * work is not charged to the record's instruction budget, since it
 * falls on whichever record comes first in each thread. [-0, +1] */
static void index_build(lua_State *L, const gv_value *list, const char *field, size_t flen)
{
    ixbuild b = { L, list, field, flen, 0, 0, NULL };
    index_walk(&b);
    b.ix = index_new(L, b.n);
    b.pass = 1;
    index_walk(&b);
    gv_value **at = b.ix->items;
    for (uint32_t i = 0; i < b.ix->nkeys; i++) {
        ixentry *x = &b.ix->keys[i];
        x->hits.u.items = at;
        at += x->hits.len;
        x->hits.len = 0;
        x->last = 0;
    }
    b.pass = 2;
    index_walk(&b);
    gvsb_get(L)->index_builds++;
}

/* index's first argument: a list of the context, or nil (NULL). */
static const gv_value *index_list(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        return NULL;
    int in_context = 0;
    const gv_value *v = gvproxy_value_where(L, 1, &in_context);
    if (!v)
        index_fail(L, NULL, 0, lua_istable(L, 1)
                   ? "expects a list of the context (ctx...), not a table of the rules' own "
                     "(for a set, use a table's keys)"
                   : lua_pushfstring(L, "expects a list of the context (ctx...), not a %s",
                                     luaL_typename(L, 1)));
    if (!in_context)
        index_fail(L, v, 0, "is the record's: index takes the context's lists, which are "
                            "the same for every record (search a record's list with any)");
    if (v->type != GV_ARR)
        index_fail(L, v, 1, v->type == GV_OBJ ? "is a mapping, not a list" : "is not a list");
    return v;
}

/* The registry's table of this context's indexes (list -> true or
 * field -> index), made anew when the context has changed. [-0, +1] */
static void push_index_cache(lua_State *L, gvsb *sb)
{
    if (sb->index_gen != sb->ctx_gen) {
        lua_newtable(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_INDEXES);
        sb->index_gen = sb->ctx_gen;
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_INDEXES);
}

/* index(list [, field]): the index of a context list, built on first use. */
static int h_index(lua_State *L)
{
    gvsb *sb = gvsb_get(L);
    if (sb->loading)
        return luaL_error(L, "index() can only be called while a record is evaluated");
    size_t flen = 0;
    const char *field = lua_isnoneornil(L, 2) ? NULL : luaL_checklstring(L, 2, &flen);
    const gv_value *list = index_list(L);
    lua_settop(L, 2);
    push_index_cache(L, sb);                                    /* 3 */
    lua_pushlightuserdata(L, (void *)list);
    if (lua_rawget(L, 3) != LUA_TTABLE) {                       /* 4: this list's */
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushlightuserdata(L, (void *)list);
        lua_pushvalue(L, -2);
        lua_rawset(L, 3);
    }
    if (field)
        lua_pushvalue(L, 2);                                    /* 5: which index */
    else
        lua_pushboolean(L, 1);
    lua_pushvalue(L, 5);
    if (lua_rawget(L, 4) == LUA_TUSERDATA)
        return 1;
    lua_pop(L, 1);
    index_build(L, list, field, flen);                          /* 6 */
    lua_pushvalue(L, 5);
    lua_pushvalue(L, 6);
    lua_rawset(L, 4);
    return 1;
}

/* ix at argument 1, current: rules cannot make userdata, so an index is
 * the only one at least its size with the magic. */
static const gvindex *check_index(lua_State *L)
{
    const gvindex *ix = lua_touserdata(L, 1);
    if (!ix || lua_rawlen(L, 1) < sizeof *ix || ix->magic != INDEX_MAGIC)
        luaL_typeerror(L, 1, "index");
    if (ix->ctx_gen != gvsb_get(L)->ctx_gen)
        luaL_error(L, "an index was kept after its context changed");
    return ix;
}

/* The entry of the key at argument 2, or NULL. */
static const ixentry *index_lookup(lua_State *L)
{
    const gvindex *ix = check_index(L);
    ixkey k;
    if (!key_of_arg(L, 2, &k))
        return NULL;
    uint32_t s = index_slot(ix, &k, key_hash(&k))->key;
    return s ? &ix->keys[s - 1] : NULL;
}

static int index_has(lua_State *L)
{
    lua_pushboolean(L, index_lookup(L) != NULL);
    return 1;
}

/* ix:find(v): the entries naming v, a read-only list (a context proxy
 * over them: #, ipairs, evidence), empty when none does. */
static int index_find(lua_State *L)
{
    const ixentry *x = index_lookup(L);
    gvproxy_push(L, x ? &x->hits : &NO_HITS, 1);
    return 1;
}

static int index_readonly(lua_State *L)
{
    return luaL_error(L, "an index is read-only");
}

/* The metatable of indexes: methods, read-only, locked, no __gc. */
static void make_index_metatable(lua_State *L)
{
    luaL_newmetatable(L, "gavel.index");
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, index_has);
    lua_setfield(L, -2, "has");
    lua_pushcfunction(L, index_find);
    lua_setfield(L, -2, "find");
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, index_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_INDEXES);
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
                                         "when", "in_force", "measures", NULL };
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int ok = 0;
        for (int i = 0; k && known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok)
            return luaL_error(L, "rule '%s': unknown field '%s' (expected outcome, "
                                 "cites, reason, defeats, when, in_force, measures)",
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
    lua_getfield(L, 1, "measures");       /* read by rules.c (measure.h) */
    lua_setfield(L, e, "measures");
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
        { "days_between", h_days_between }, { "index", h_index }, { "rule", h_rule },
        { NULL, NULL } };
    lua_pushvalue(L, G);
    luaL_setfuncs(L, helpers, 0);
    lua_pop(L, 1);
    push_lexicons(L, p);
    lua_setfield(L, G, "lexicon");
    make_index_metatable(L);
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
