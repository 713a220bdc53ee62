/*
 * eval.c: the evaluator (one per thread) and the decision semantics of
 * docs/policy.md, "How a decision is reached": run every rule in force,
 * resolve defeats in topological order of the defeat graph, take the
 * strongest undefeated outcome, else the default; a rule that fails makes
 * the decision on_error.
 *
 * The evaluator owns one sandboxed Lua state with the policy's rules loaded,
 * the context, and the evaluation date. No I/O happens here beyond reading a
 * context file when asked to. Calls sandbox.h, harden.h, lang.h, proxy.h
 * (the state and what rules see), decision.h, schema.h, date.h, the readers
 * (json.h, yamldoc.h) and the policy and record structs.
 */
#include "eval.h"
#include "buf.h"
#include "date.h"
#include "decision.h"
#include "harden.h"
#include "json.h"
#include "lang.h"
#include "policy.h"
#include "proxy.h"
#include "record.h"
#include "sandbox.h"
#include "schema.h"
#include "value.h"
#include "yamldoc.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EVIDENCE_DEPTH = 16, EVIDENCE_MAX = 64 * 1024, MESSAGE_MAX = 600 };

struct gavel_evaluator {
    const gavel_policy *p;
    gavel_status status;
    char         errmsg[1024];

    lua_State *L;
    gvsb       sb;
    int        when_ref;          /* registry ref: when functions by rule index */
    int        rebuild;           /* the state hit its memory cap: make a new one */
    int        locals_checked;    /* run_rules got to check the captured locals */
    int        used;              /* the state has evaluated a record since it was built */

    gv_arena   ctx_arena;
    const gv_value *context;
    char       as_of_given[GVDATE_MAX];   /* from set_as_of, "" if none */
    char       as_of[GVDATE_MAX];         /* the run's, in effect */
    int64_t    as_of_ms;                  /* ... as an instant */
    char      *id_field;

    /* With set_as_of_field, each record is judged at the time it carries:
     * its dotted path, and the last record's time, whose in-force
     * vector is kept until a record brings another time. */
    char      *as_of_field;
    char       rec_as_of[GVDATE_MAX];
    int64_t    rec_ms;
    int        rec_date_only;             /* -1 before the first record */

    int64_t       *bounds;        /* per rule: from, until as instants (open: the extremes) */
    unsigned char *in_force;      /* per rule, at in_force_at */
    int64_t        in_force_at;

    gavel_decision *cur;
    gv_buf          scratch, scratch2;
    gv_arena        evidence_arena;   /* evidence read back for measures */
    void          (*trace)(void *ud, const char *path, int rule);
    void           *trace_ud;
};

static const gv_value EMPTY_OBJECT = { .type = GV_OBJ };

static gavel_status fail(gavel_evaluator *ev, gavel_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static gavel_status fail(gavel_evaluator *ev, gavel_status st, const char *fmt, ...)
{
    GV_BUF_FORMAT(ev->errmsg, fmt);
    ev->status = st;
    return st;
}

/* ---- the Lua state ------------------------------------------------------------ */

/* Collects the `when` functions in rule order into a registry table. */
static int index_rules(lua_State *L)
{
    const gavel_policy *p = lua_touserdata(L, 1);
    gvlang_rules_push(L);
    int n = (int)lua_rawlen(L, -1);
    if (n != p->nrules)
        return luaL_error(L, "rule files defined %d rules this time, %d at load", n, p->nrules);
    lua_createtable(L, n, 0);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, -2, i);
        lua_getfield(L, -1, "id");
        if (strcmp(lua_tostring(L, -1), p->rules[i - 1].info.id) != 0)
            return luaL_error(L, "rule %d is '%s' this time, '%s' at load", i,
                              lua_tostring(L, -1), p->rules[i - 1].info.id);
        lua_pop(L, 1);
        lua_getfield(L, -1, "when");
        lua_rawseti(L, -3, i);
        lua_pop(L, 1);
    }
    lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
    return 1;
}

static int build_state(gavel_evaluator *ev)
{
    const gavel_policy *p = ev->p;
    gvsb_close(ev->L);
    ev->L = NULL;
    ev->used = 0;
    memset(&ev->sb, 0, sizeof ev->sb);
    ev->sb.mem_limit = p->limits.memory;
    ev->sb.budget = p->limits.instructions;
    ev->sb.millis = p->limits.millis;
    char msg[1024];
    lua_State *L = gvsb_new(p, &ev->sb, msg, sizeof msg);
    if (!L)
        return fail(ev, GAVEL_ENOMEM, "%s", msg), -1;
    if (gvsb_load_rules(L, p, msg, sizeof msg) != 0) {
        gvsb_close(L);
        return fail(ev, GAVEL_EPOLICY, "%s", msg), -1;
    }
    lua_pushcfunction(L, index_rules);
    lua_pushlightuserdata(L, (void *)p);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        fail(ev, GAVEL_EPOLICY, "%s", lua_tostring(L, -1));
        gvsb_close(L);
        return -1;
    }
    ev->when_ref = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    ev->L = L;
    ev->sb.as_of = ev->as_of;
    ev->rebuild = 0;
    return 0;
}

/* ---- evaluation date and context ------------------------------------------------ */

/* A rule is in force from `from` (inclusive) until `until` (exclusive),
 * compared as instants: a date bound is the start of its day in UTC. */
static void update_in_force(gavel_evaluator *ev, int64_t at)
{
    if (!ev->in_force)
        return;
    for (int i = 0; i < ev->p->nrules; i++)
        ev->in_force[i] = ev->bounds[2 * i] <= at && at < ev->bounds[2 * i + 1];
    ev->in_force_at = at;
}

/* The bounds as instants, once: the loader refused any that is not a date
 * or a date-time with a zone. */
static void read_bounds(gavel_evaluator *ev)
{
    for (int i = 0; i < ev->p->nrules; i++) {
        const gavel_rule_info *r = &ev->p->rules[i].info;
        int64_t *b = &ev->bounds[2 * i];
        int date_only;
        b[0] = INT64_MIN;
        b[1] = INT64_MAX;
        if (r->in_force_from)
            gvdate_instant(r->in_force_from, strlen(r->in_force_from), &b[0], &date_only);
        if (r->in_force_until)
            gvdate_instant(r->in_force_until, strlen(r->in_force_until), &b[1], &date_only);
    }
}

/* as_of: the one given, else the context's, else today in UTC. */
static void settle_as_of(gavel_evaluator *ev)
{
    const gv_value *c = ev->context ? gv_gets(ev->context, "as_of") : NULL;
    int date_only;
    if (ev->as_of_given[0]) {
        gvdate_as_of(ev->as_of_given, strlen(ev->as_of_given), ev->as_of, &ev->as_of_ms,
                     &date_only);
    } else if (!c || c->type != GV_STR ||     /* else checked by adopt_context */
               gvdate_as_of(c->u.s, c->len, ev->as_of, &ev->as_of_ms, &date_only) != 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(ev->as_of, sizeof ev->as_of, "%Y-%m-%d", &tm);
        gvdate_instant(ev->as_of, 10, &ev->as_of_ms, &date_only);
    }
    update_in_force(ev, ev->as_of_ms);
}

gavel_status gavel_evaluator_set_as_of(gavel_evaluator *ev, const char *date)
{
    if (!ev)
        return GAVEL_EARG;
    char text[GVDATE_MAX] = "";
    int64_t ms;
    int date_only, rc = date ? gvdate_as_of(date, strlen(date), text, &ms, &date_only) : 0;
    if (rc == -2)
        return fail(ev, GAVEL_EARG, "as_of '%.40s' has no time zone (Z or +HH:MM)", date);
    if (rc != 0)
        return fail(ev, GAVEL_EARG, "as_of '%.40s' is not a date YYYY-MM-DD or a date-time "
                    "with a zone", date);
    memcpy(ev->as_of_given, text, sizeof text);
    settle_as_of(ev);
    return GAVEL_OK;
}

gavel_status gavel_evaluator_set_as_of_field(gavel_evaluator *ev, const char *path)
{
    if (!ev)
        return GAVEL_EARG;
    if (path && (!*path || *path == '.' || path[strlen(path) - 1] == '.' || strstr(path, "..")))
        return fail(ev, GAVEL_EARG, "as_of field '%.100s' is not a dotted path to a field "
                    "(a.b.c)", path);
    char *s = path ? strdup(path) : NULL;
    if (path && !s)
        return fail(ev, GAVEL_ENOMEM, "out of memory");
    free(ev->as_of_field);
    ev->as_of_field = s;
    ev->rec_date_only = -1;
    update_in_force(ev, ev->as_of_ms);
    return GAVEL_OK;
}

const char *gavel_evaluator_as_of(const gavel_evaluator *ev) { return ev ? ev->as_of : NULL; }

/* A context's as_of that is not a date or a date-time with a zone must
 * not quietly become today: 1, with the error set, if so. */
static int bad_as_of(gavel_evaluator *ev, const gv_value *ctx, const char *name)
{
    const gv_value *as_of = ctx ? gv_gets(ctx, "as_of") : NULL;
    int64_t ms;
    int date_only;
    if (!as_of || as_of->type == GV_NULL ||
        (as_of->type == GV_STR && gvdate_instant(as_of->u.s, as_of->len, &ms, &date_only) == 0))
        return 0;
    gv_buf b = GV_BUF_INIT;
    gv_write_json(&b, as_of);
    fail(ev, GAVEL_EINPUT, "%s:%u:%u: as_of must be a date YYYY-MM-DD or a date-time with a "
         "zone, not %.40s", name, as_of->line, as_of->col, b.ptr ? b.ptr : "?");
    gv_buf_free(&b);
    return 1;
}

static gavel_status adopt_context(gavel_evaluator *ev, gv_value *root, const gv_error *ge,
                                  const char *name)
{
    if (!root) {
        gv_arena_reset(&ev->ctx_arena);
        ev->context = NULL;
        settle_as_of(ev);
        return fail(ev, GAVEL_EINPUT, "%s:%u:%u: %s", name, ge->line, ge->col ? ge->col : 1,
                    ge->msg);
    }
    if (root->type != GV_OBJ) {
        gv_arena_reset(&ev->ctx_arena);
        ev->context = NULL;
        settle_as_of(ev);
        return fail(ev, GAVEL_EINPUT, "%s:%u:%u: the context must be a mapping", name,
                    root->line, root->col);
    }
    if (bad_as_of(ev, root, name)) {
        gv_arena_reset(&ev->ctx_arena);
        settle_as_of(ev);
        return GAVEL_EINPUT;
    }
    ev->context = root;
    settle_as_of(ev);
    return GAVEL_OK;
}

static gv_limits context_limits(const gavel_policy *p)
{
    gv_limits lim = { p->limits.record_bytes, p->limits.depth, p->limits.nodes,
                      p->limits.string_bytes };
    return lim;
}

gavel_status gavel_evaluator_set_context(gavel_evaluator *ev, const char *text,
                                         size_t len, const char *name)
{
    if (!ev)
        return GAVEL_EARG;
    gv_arena_reset(&ev->ctx_arena);
    ev->context = NULL;
    ev->sb.ctx_gen++;           /* what was built over the old one goes (lang.c) */
    if (!text) {
        settle_as_of(ev);
        return GAVEL_OK;
    }
    gv_limits lim = context_limits(ev->p);
    gv_error ge = { 0 };
    gv_value *root = gvrec_parse_doc(text, len, GAVEL_AUTO, &ev->ctx_arena, &lim, &ge);
    return adopt_context(ev, root, &ge, name ? name : "context");
}

int gvev_set_context_tree(gavel_evaluator *ev, const gv_value *ctx, const char *name)
{
    gv_arena_reset(&ev->ctx_arena);
    ev->sb.ctx_gen++;
    int bad = bad_as_of(ev, ctx, name ? name : "context");
    ev->context = bad ? NULL : ctx;
    settle_as_of(ev);
    return bad ? -1 : 0;
}

gavel_status gavel_evaluator_set_context_file(gavel_evaluator *ev, const char *path)
{
    if (!ev)
        return GAVEL_EARG;
    if (!path)
        return gavel_evaluator_set_context(ev, NULL, 0, NULL);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(ev, GAVEL_EIO, "%s: cannot open the context file", path);
    gv_buf b = GV_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len <= ev->p->limits.record_bytes)
        gv_buf_add(&b, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        gv_buf_free(&b);
        return fail(ev, bad ? GAVEL_EIO : GAVEL_ENOMEM, "%s: cannot read the context file", path);
    }
    gavel_status st = gavel_evaluator_set_context(ev, b.ptr ? b.ptr : "", b.len, path);
    gv_buf_free(&b);
    return st;
}

gavel_status gavel_evaluator_set_id_field(gavel_evaluator *ev, const char *name)
{
    if (!ev || !name || !*name)
        return GAVEL_EARG;
    char *s = strdup(name);
    if (!s)
        return GAVEL_ENOMEM;
    free(ev->id_field);
    ev->id_field = s;
    return GAVEL_OK;
}

/* ---- lifecycle -------------------------------------------------------------------- */

gavel_evaluator *gavel_evaluator_new(const gavel_policy *p)
{
    gavel_evaluator *ev = calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->p = p;
    ev->ctx_arena = (gv_arena)GV_ARENA_INIT;
    if (!p || p->status != GAVEL_OK) {
        fail(ev, GAVEL_EARG, "the policy did not load: %s", p ? gavel_policy_errmsg(p) : "none");
        return ev;
    }
    int n = p->nrules ? p->nrules : 1;
    ev->in_force = calloc((size_t)n, 1);
    ev->bounds = calloc((size_t)n * 2, sizeof *ev->bounds);
    ev->id_field = strdup("id");
    if (!ev->in_force || !ev->bounds || !ev->id_field) {
        free(ev->in_force);
        ev->in_force = NULL;
        fail(ev, GAVEL_ENOMEM, "out of memory");
        return ev;
    }
    read_bounds(ev);
    settle_as_of(ev);
    build_state(ev);
    return ev;
}

void gavel_evaluator_free(gavel_evaluator *ev)
{
    if (!ev)
        return;
    gvsb_close(ev->L);
    gv_arena_free(&ev->ctx_arena);
    gv_buf_free(&ev->scratch);
    gv_buf_free(&ev->scratch2);
    gv_arena_free(&ev->evidence_arena);
    free(ev->in_force);
    free(ev->bounds);
    free(ev->id_field);
    free(ev->as_of_field);
    free(ev);
}

gavel_status gavel_evaluator_status(const gavel_evaluator *ev)
{
    return ev ? ev->status : GAVEL_EARG;
}

const char *gavel_evaluator_errmsg(const gavel_evaluator *ev)
{
    return ev ? ev->errmsg : "no evaluator";
}

/* ---- evidence and reasons ------------------------------------------------------- */

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Writes the Lua value at idx as JSON. Tables whose keys are exactly 1..n
 * become arrays; others objects with sorted string keys (Lua's own order
 * varies from run to run, and output must not). Raises on what evidence
 * cannot hold. */
static void value_json(lua_State *L, int idx, gv_buf *out, int depth)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:     gv_buf_add(out, "null", 4); return;
    case LUA_TBOOLEAN: gv_buf_adds(out, lua_toboolean(L, idx) ? "true" : "false"); return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        gv_buf_json_str(out, s, n);
        return;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            gv_buf_json_int(out, (int64_t)lua_tointeger(L, idx));
        else
            gv_buf_json_num(out, (double)lua_tonumber(L, idx));
        return;
    case LUA_TUSERDATA: {
        const gv_value *v = gvproxy_value(L, idx);
        if (!v)
            luaL_error(L, "evidence holds a userdata");
        gv_write_json(out, v);
        return;
    }
    case LUA_TTABLE:
        break;
    default:
        luaL_error(L, "evidence holds a %s", luaL_typename(L, idx));
    }
    if (depth > EVIDENCE_DEPTH)
        luaL_error(L, "evidence nested deeper than %d (a cycle?)", EVIDENCE_DEPTH);
    luaL_checkstack(L, 6, "evidence");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx), keys = 0;
    int only_strings = 1;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        keys++;
        only_strings &= lua_type(L, -1) == LUA_TSTRING;
    }
    if (keys > 0 && keys == n && depth > 0) {
        gv_buf_addc(out, '[');
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1)
                gv_buf_addc(out, ',');
            lua_rawgeti(L, idx, i);
            value_json(L, -1, out, depth + 1);
            lua_pop(L, 1);
        }
        gv_buf_addc(out, ']');
        return;
    }
    if (!only_strings)
        luaL_error(L, "evidence keys must be strings (or a list 1..n)");
    const char **names = lua_newuserdatauv(L, (size_t)(keys ? keys : 1) * sizeof *names, 0);
    lua_Integer k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        names[k++] = lua_tostring(L, -1);    /* kept alive by the table */
    }
    qsort(names, (size_t)keys, sizeof *names, key_cmp);
    gv_buf_addc(out, '{');
    for (lua_Integer i = 0; i < keys; i++) {
        if (i)
            gv_buf_addc(out, ',');
        gv_buf_json_str(out, names[i], strlen(names[i]));
        gv_buf_addc(out, ':');
        lua_getfield(L, idx, names[i]);
        value_json(L, -1, out, depth + 1);
        lua_pop(L, 1);
    }
    gv_buf_addc(out, '}');
    lua_pop(L, 1);
    if (out->len > EVIDENCE_MAX)
        luaL_error(L, "evidence larger than %d bytes", EVIDENCE_MAX);
}

/* Appends a string a rule made, a NUL as U+FFFD: a reason is a C string,
 * and would otherwise end at the NUL (gv_buf_json_str does the same). */
static void add_rule_text(gv_buf *out, const char *s, size_t n)
{
    const char *nul;
    while ((nul = memchr(s, '\0', n)) != NULL) {
        gv_buf_add(out, s, (size_t)(nul - s));
        gv_buf_add(out, "\xEF\xBF\xBD", 3);
        n -= (size_t)(nul - s) + 1;
        s = nul + 1;
    }
    gv_buf_add(out, s, n);
}

/* Text for a {name} placeholder: strings as they are, lists joined. */
static void placeholder_text(lua_State *L, int idx, gv_buf *out)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        add_rule_text(out, s, n);
    } else if (lua_type(L, idx) == LUA_TTABLE && lua_rawlen(L, idx) > 0) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1)
                gv_buf_add(out, ", ", 2);
            lua_rawgeti(L, idx, i);
            placeholder_text(L, -1, out);
            lua_pop(L, 1);
        }
    } else if (gvproxy_value(L, idx) && gvproxy_value(L, idx)->type == GV_ARR) {
        const gv_value *v = gvproxy_value(L, idx);
        for (uint32_t i = 0; i < v->len; i++) {
            const gv_value *it = v->u.items[i];
            if (i)
                gv_buf_add(out, ", ", 2);
            if (it->type == GV_STR)
                gv_buf_add(out, it->u.s, it->len);
            else
                gv_write_json(out, it);
        }
    } else {
        value_json(L, idx, out, 1);
    }
}

/* Fills {name} from the evidence table at idx; unknown names stay as
 * written, so a missing fact shows rather than vanishes. */
static void render_reason(lua_State *L, const char *tpl, int evidence, gv_buf *out)
{
    for (const char *s = tpl; s && *s;) {
        const char *open = strchr(s, '{');
        if (!open) {
            gv_buf_adds(out, s);
            break;
        }
        gv_buf_add(out, s, (size_t)(open - s));
        const char *close = open + 1;
        while ((*close >= 'a' && *close <= 'z') || (*close >= 'A' && *close <= 'Z') ||
               (*close >= '0' && *close <= '9') || *close == '_')
            close++;
        if (*close != '}' || close == open + 1 || !lua_istable(L, evidence)) {
            gv_buf_addc(out, '{');
            s = open + 1;
            continue;
        }
        lua_pushlstring(L, open + 1, (size_t)(close - open - 1));
        if (lua_rawget(L, evidence) == LUA_TNIL)
            gv_buf_add(out, open, (size_t)(close - open + 1));
        else
            placeholder_text(L, -1, out);
        lua_pop(L, 1);
        s = close + 1;
    }
}

/* ---- running the rules ------------------------------------------------------------ */

static void note_missing(void *ud, const gv_value *obj, const char *key, size_t klen,
                         int in_context)
{
    gavel_evaluator *ev = ud;
    gv_buf *b = &ev->scratch;
    gv_buf_reset(b);
    if (in_context) {
        gv_buf_adds(b, "ctx");
        if (obj->parent) {                     /* ctx.order..., ctx["a b"]... */
            size_t at = b->len;
            gv_buf_addc(b, '.');
            gv_path(b, obj);
            if (b->len > at + 1 && b->ptr[at + 1] == '[')
                memmove(b->ptr + at, b->ptr + at + 1, b->len-- - at);
        }
    } else {
        gv_path(b, obj);
    }
    gv_path_key(b, !in_context && !obj->parent, key, klen);
    if (!b->oom)
        gvdec_add_missing(ev->cur, b->ptr, b->len, ev->sb.cur_rule);
}

static void note_read(void *ud, const gv_value *obj, const char *key, size_t klen,
                      int in_context)
{
    gavel_evaluator *ev = ud;
    if (in_context || !ev->trace || ev->sb.cur_rule < 0)
        return;
    gv_buf b = GV_BUF_INIT;
    gv_path_shape(&b, obj);
    gv_path_key(&b, !obj->parent, key, klen);
    if (!b.oom)
        ev->trace(ev->trace_ud, b.ptr, ev->sb.cur_rule);
    gv_buf_free(&b);
}

void gvev_set_trace(gavel_evaluator *ev, void (*fn)(void *ud, const char *path, int rule),
                    void *ud)
{
    ev->trace = fn;
    ev->trace_ud = ud;
}

static void rule_error(gavel_evaluator *ev, int rule, lua_State *L)
{
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                     : "error object is not a string";
    if (ev->sb.trip) {
        const gavel_limits *l = &ev->p->limits;
        switch (ev->sb.trip) {
        case GVSB_INSTRUCTIONS:
            gvdec_add_error(ev->cur, rule, "exceeded the instruction budget (%llu per "
                            "record; --max-instructions)", (unsigned long long)l->instructions);
            break;
        case GVSB_DEADLINE:
            gvdec_add_error(ev->cur, rule, "exceeded the time budget (%u ms per record; "
                            "--max-millis)", l->millis);
            break;
        default:
            gvdec_add_error(ev->cur, rule, "exceeded the memory budget (%zu bytes per "
                            "evaluator; --max-memory)", l->memory);
        }
        return;
    }
    gvdec_add_error(ev->cur, rule, "%.*s", MESSAGE_MAX, msg);
}

/* The measures of rule i, which just fired with the evidence whose JSON
 * is in ev_json. What a measure reads from the evidence it reads from
 * that JSON, parsed back: the evidence as the decision records it. 0, or
 * -1 out of memory; a measure that cannot be made is an error on the
 * record. */
static int fire_measures(gavel_evaluator *ev, int i, const gv_buf *ev_json)
{
    const gvpol_rule *r = &ev->p->rules[i];
    gavel_decision *d = ev->cur;
    gvms_fire_ctx c = { ev->p, ev->sb.record, ev->context ? ev->context : &EMPTY_OBJECT,
                        NULL, d->id ? &d->idv : NULL, ev->in_force_at, &d->arena };
    if (r->measures_read_evidence) {
        gv_arena_reset(&ev->evidence_arena);
        gv_limits lim = GV_LIMITS_DEFAULT;
        lim.max_bytes = ev_json->len + 1;
        gv_error ge;
        c.evidence = gvjson_parse(ev_json->ptr, ev_json->len, 1, &ev->evidence_arena, &lim, &ge);
        if (!c.evidence) {
            gvdec_add_error(d, i, "the evidence could not be read back for its measures: %s",
                            ge.msg);
            return 0;
        }
    }
    for (int k = 0; k < r->nmeasures; k++) {
        char err[600];
        int rc = gvms_fire(&d->measures, &r->measures[k], d->nfired - 1, i, &c, err, sizeof err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            gvdec_add_error(d, i, "%s", err);
    }
    return 0;
}

static void restore_locals(gavel_evaluator *ev, lua_State *L);

/* Runs protected: every push that could fail is inside this pcall. */
static int run_rules(lua_State *L)
{
    gavel_evaluator *ev = lua_touserdata(L, 1);
    const gavel_policy *p = ev->p;
    gavel_decision *d = ev->cur;
    gvsb_new_record(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ev->when_ref);
    int W = lua_gettop(L);
    gvproxy_push(L, ev->sb.record, 0);
    gvproxy_push(L, ev->context ? ev->context : &EMPTY_OBJECT, 1);
    int base = lua_gettop(L);
    gvsb_arm(L);
    for (int i = 0; i < p->nrules; i++) {
        if (!ev->in_force[i])
            continue;
        ev->sb.cur_rule = i;
        lua_rawgeti(L, W, i + 1);
        lua_pushvalue(L, base - 1);
        lua_pushvalue(L, base);
        int rc = lua_pcall(L, 2, 2, 0);
        gvsb_settle_memory(L);
        if (rc == LUA_OK && ev->sb.trip) {     /* it caught running out: still over */
            lua_settop(L, base);
            lua_pushnil(L);
            rc = LUA_ERRMEM;
        }
        if (rc != LUA_OK) {
            rule_error(ev, i, L);
            lua_settop(L, base);
            if (ev->sb.trip)
                break;          /* the budget is the record's, not the rule's */
            continue;
        }
        if (!lua_toboolean(L, -2)) {
            lua_settop(L, base);
            continue;
        }
        int evid = lua_gettop(L);
        if (!lua_isnil(L, evid) && !lua_istable(L, evid)) {
            gvdec_add_error(d, i, "when returned a %s as evidence; evidence is a table",
                            luaL_typename(L, evid));
            lua_settop(L, base);
            continue;
        }
        gv_buf *e = &ev->scratch, *b = &ev->scratch2;
        gv_buf_reset(e);
        if (lua_istable(L, evid))
            value_json(L, evid, e, 0);
        else
            gv_buf_add(e, "{}", 2);
        gv_buf_reset(b);
        render_reason(L, p->rules[i].info.reason ? p->rules[i].info.reason : "", evid, b);
        if (e->oom || b->oom || gvdec_add_fired(d, i, b->ptr ? b->ptr : "", e->ptr))
            luaL_error(L, "out of memory recording the decision");
        if (p->rules[i].nmeasures && fire_measures(ev, i, e) < 0)
            luaL_error(L, "out of memory recording the decision");
        lua_settop(L, base);
    }
    ev->sb.cur_rule = -1;
    if (!ev->sb.trip)
        restore_locals(ev, L);
    return 0;
}

/* Restores the captured locals a rule changed (an error on the record if
 * any was). run_rules does it when the rules ran to the end; otherwise (a
 * budget trip, an error outside a rule) restore_locals_protected does,
 * so the change is never carried to the next record. */
static void restore_locals(gavel_evaluator *ev, lua_State *L)
{
    char msg[512];
    if (gvhard_check_upvalues(L, msg, sizeof msg) > 0)
        gvdec_add_error(ev->cur, -1, "%s", msg);
    ev->locals_checked = 1;
}

static int restore_locals_protected(lua_State *L)
{
    restore_locals(lua_touserdata(L, 1), L);
    return 0;
}

typedef struct violation_ctx {
    gavel_decision *d;
    const char     *where;
} violation_ctx;

static void schema_violation(void *ud, const char *msg)
{
    violation_ctx *v = ud;
    gvdec_add_error(v->d, -1, "%s%s%s", v->where, v->where[0] ? ": " : "", msg);
}

static void set_id(gavel_evaluator *ev, gavel_decision *d, const gv_value *root, uint64_t pos)
{
    const gv_value *id = root ? gv_gets(root, ev->id_field) : NULL;
    gv_value position = { .type = GV_INT, .u.i = (int64_t)pos };
    if (!id || (id->type != GV_STR && id->type != GV_INT && id->type != GV_NUM))
        id = &position;
    gvdec_set_id(d, id);
}

/* The record's own time (set_as_of_field): 0 with its text in rec_as_of
 * and the rules in force at it, else -1 with the error on d. A record
 * without one is not judged under the run's law instead: which law applies
 * is the question, and guessing it silently is the worse answer. */
static int record_as_of(gavel_evaluator *ev, const gavel_record *r, gavel_decision *d)
{
    const gv_value *v = r->root;
    for (const char *k = ev->as_of_field; v;) {
        const char *dot = strchr(k, '.');
        size_t klen = dot ? (size_t)(dot - k) : strlen(k);
        v = v->type == GV_OBJ ? gv_get(v, k, klen) : NULL;
        if (!dot)
            break;
        k = dot + 1;
    }
    if (!v || v->type == GV_NULL) {
        gvdec_add_error(d, -1, "%s: the as_of field '%s' is missing", r->where, ev->as_of_field);
        return -1;
    }
    int64_t ms;
    int date_only, rc = v->type == GV_STR ? gvdate_instant(v->u.s, v->len, &ms, &date_only) : -1;
    if (rc != 0) {
        gv_buf b = GV_BUF_INIT;
        gv_write_json(&b, v);
        gvdec_add_error(d, -1, "%s: the as_of field '%s' must be a date YYYY-MM-DD or a "
                        "date-time with a zone, not %.40s", r->where, ev->as_of_field,
                        b.ptr ? b.ptr : "?");
        gv_buf_free(&b);
        return -1;
    }
    if (ms != ev->rec_ms || date_only != ev->rec_date_only) {
        gvdate_as_of(v->u.s, v->len, ev->rec_as_of, &ms, &date_only);
        ev->rec_ms = ms;
        ev->rec_date_only = date_only;
    }
    if (ms != ev->in_force_at)
        update_in_force(ev, ms);
    return 0;
}

/* One run of the rules over a record on the current state; the trip, if
 * any, is left in ev->sb.trip. */
static void evaluate_once(gavel_evaluator *ev, const gavel_record *r, gavel_decision *d)
{
    ev->cur = d;
    ev->sb.record = r->root;
    ev->sb.on_missing = note_missing;
    ev->sb.on_read = ev->trace ? note_read : NULL;
    ev->sb.ud = ev;
    ev->sb.as_of = d->as_of;              /* ctx.as_of: the decision's */
    lua_State *L = ev->L;
    ev->locals_checked = 0;
    lua_pushcfunction(L, run_rules);
    lua_pushlightuserdata(L, ev);
    int rc = lua_pcall(L, 1, 0, 0);
    gvsb_settle_memory(L);
    if (rc != LUA_OK) {
        rule_error(ev, ev->sb.cur_rule, L);
        lua_pop(L, 1);
    }
    lua_sethook(L, NULL, 0, 0);
    if (!ev->locals_checked && ev->sb.trip != GVSB_MEMORY) {   /* memory: a new state */
        lua_pushcfunction(L, restore_locals_protected);
        lua_pushlightuserdata(L, ev);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            lua_pop(L, 1);
            ev->rebuild = 1;
        }
    }
    ev->sb.record = NULL;
    ev->sb.as_of = ev->as_of;
    ev->cur = NULL;
}

gavel_status gavel_evaluate(gavel_evaluator *ev, const gavel_record *r, gavel_decision *d)
{
    if (!ev || !r || !d)
        return GAVEL_EARG;
    const gavel_policy *p = ev->p;
    gvdec_reset(d, p);
    if (!ev->as_of_field)             /* else the record's, once it is read */
        memcpy(d->as_of, ev->as_of, sizeof d->as_of);
    if (ev->status != GAVEL_OK && !ev->L) {
        set_id(ev, d, NULL, r->position);
        d->outcome = p ? p->on_error_outcome : -1;
        gvdec_add_error(d, -1, "%s", ev->errmsg);
        return ev->status;
    }
    if (r->raw) {
        set_id(ev, d, NULL, r->position);
        gvdec_add_error(d, -1, "%s: record read with deferred parsing but not finished "
                        "(gavel_record_finish)", r->where);
        gvdec_resolve(d);
        return GAVEL_EARG;
    }
    set_id(ev, d, r->root && r->root->type == GV_OBJ ? r->root : NULL, r->position);
    if (!r->root || r->root->type != GV_OBJ) {
        if (r->root)
            gvdec_add_error(d, -1, "%s: a record must be a mapping (JSON object)", r->where);
        else
            gvdec_add_error(d, -1, "%s", r->err[0] ? r->err : "no record");
        gvdec_resolve(d);
        return GAVEL_EINPUT;
    }
    if (ev->as_of_field) {
        if (record_as_of(ev, r, d) != 0) {
            gvdec_resolve(d);
            return GAVEL_EINPUT;
        }
        memcpy(d->as_of, ev->rec_as_of, sizeof d->as_of);
    }
    violation_ctx vc = { d, r->where };
    if (p->schema && gvsc_check(p->schema, r->root, schema_violation, &vc) > 0) {
        gvdec_resolve(d);          /* rules never see a record the schema refuses */
        return GAVEL_EINPUT;
    }
    /* A memory trip on a state that has run other records is tried once
     * more on a fresh state: lauxlib's buffers are refused without Lua's
     * emergency collection, so the first answer could depend on the
     * garbage earlier records left; the second depends on the record.
     * The retry has whole budgets of its own (carrying the first
     * attempt's over would make the answer depend on that garbage again),
     * so such a record may take up to twice the per-record budgets. */
    for (int retry = 0;; retry = 1) {
        if (ev->rebuild && build_state(ev) != 0) {
            gvdec_add_error(d, -1, "%s", ev->errmsg);
            gvdec_resolve(d);
            return ev->status;
        }
        int was_used = ev->used;
        evaluate_once(ev, r, d);
        ev->used = 1;
        if (ev->sb.trip != GVSB_MEMORY)
            break;
        ev->rebuild = 1;
        if (retry || !was_used)
            break;
        char as_of[GVDATE_MAX];
        memcpy(as_of, d->as_of, sizeof as_of);
        gvdec_reset(d, p);
        memcpy(d->as_of, as_of, sizeof d->as_of);
        set_id(ev, d, r->root, r->position);
    }
    if (gvdec_resolve(d) != 0)
        return GAVEL_ENOMEM;
    return d->nerrors ? GAVEL_ERULE : GAVEL_OK;
}
