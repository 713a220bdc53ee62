/*
 * measure.c: what a measure may say (measure.h): the ISO 3166-1 alpha-2
 * table, scopes, the paths a measure reads, and a rule's measure specs as
 * the policy loads them, checked against the manifest's actions and
 * regions (docs/policy.md, "Measures"). Specs are declarative: what a rule
 * works out goes into its evidence, and its measures read the evidence,
 * so what a measure names is always in the decision beside it. One
 * record's measures are measure_set.c's. Calls date.h, value.h, buf.h,
 * policy.h and Lua (reading the specs only).
 */
#include "measure.h"
#include "date.h"
#include "policy.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- countries ------------------------------------------------------------------ */

/* The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted. */
static const char COUNTRIES[][3] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

enum { NCOUNTRIES = sizeof COUNTRIES / sizeof *COUNTRIES };

int gvms_ncountries(void) { return NCOUNTRIES; }

int gvms_country(const char *s, size_t n)
{
    if (n != 2)
        return -1;
    int lo = 0, hi = NCOUNTRIES - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = memcmp(COUNTRIES[mid], s, 2);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

const char *gvms_country_code(int i)
{
    return i >= 0 && i < NCOUNTRIES ? COUNTRIES[i] : NULL;
}

void gvms_scope_add(gvms_scope *s, int c) { s->bits[c / 64] |= (uint64_t)1 << (c % 64); }
int  gvms_scope_has(const gvms_scope *s, int c) { return s->bits[c / 64] >> (c % 64) & 1; }

void gvms_scope_unite(gvms_scope *s, const gvms_scope *t)
{
    for (int i = 0; i < GVMS_WORDS; i++)
        s->bits[i] |= t->bits[i];
    s->everywhere |= t->everywhere;
}

int gvms_scope_equal(const gvms_scope *a, const gvms_scope *b)
{
    if (a->everywhere || b->everywhere)
        return a->everywhere == b->everywhere;
    return memcmp(a->bits, b->bits, sizeof a->bits) == 0;
}

int gvms_scope_empty(const gvms_scope *s)
{
    for (int i = 0; i < GVMS_WORDS; i++)
        if (s->bits[i])
            return 0;
    return !s->everywhere;
}

/* One scope word: "*", a code, or a region. 0, or -1 with err saying why. */
int gvms_scope_word(const char *w, size_t n, const gavel_policy *p, gvms_scope *s,
                      char *err, size_t errlen)
{
    if (n == 1 && w[0] == '*') {
        s->everywhere = 1;
        return 0;
    }
    int c = gvms_country(w, n);
    if (c >= 0) {
        gvms_scope_add(s, c);
        return 0;
    }
    for (int i = 0; i < p->nregions; i++)
        if (strlen(p->regions[i].name) == n && memcmp(p->regions[i].name, w, n) == 0) {
            gvms_scope_unite(s, &p->regions[i].scope);
            return 0;
        }
    const char *hint = "";
    if (n == 2 && !memcmp(w, "UK", 2))
        hint = " (the United Kingdom is GB)";
    else if (n == 2 && !memcmp(w, "EL", 2))
        hint = " (Greece is GR)";
    else if (n == 2 && w[0] >= 'a' && w[0] <= 'z')
        hint = " (codes are written in capitals)";
    snprintf(err, errlen, "scope '%.*s' is not an ISO 3166-1 alpha-2 code, a region of "
             "the manifest or \"*\"%s", (int)(n > 40 ? 40 : n), w, hint);
    return -1;
}

/* ---- paths ---------------------------------------------------------------------- */

static int path_parse(const char *s, gvms_path *out, char *err, size_t errlen)
{
    static const struct { const char *prefix; gvms_root root; } roots[] = {
        { "r.", GVMS_RECORD }, { "ctx.", GVMS_CONTEXT }, { "evidence.", GVMS_EVIDENCE } };
    memset(out, 0, sizeof *out);
    if (!strcmp(s, "as_of")) {
        out->root = GVMS_AS_OF;
    } else {
        size_t k = 0, n = sizeof roots / sizeof *roots;
        while (k < n && strncmp(s, roots[k].prefix, strlen(roots[k].prefix)) != 0)
            k++;
        const char *rest = k < n ? s + strlen(roots[k].prefix) : NULL;
        if (!rest || !*rest || strstr(rest, "..") || rest[strlen(rest) - 1] == '.') {
            snprintf(err, errlen, "'%.60s' is not a path: write evidence.KEY, r.FIELD, "
                     "ctx.FIELD (dotted, list items counted from 1) or as_of", s);
            return -1;
        }
        out->root = roots[k].root;
        out->rest = strdup(rest);
    }
    out->text = strdup(s);
    if (!out->text || (out->root != GVMS_AS_OF && !out->rest)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void path_free(gvms_path *p)
{
    free(p->text);
    free(p->rest);
}

static const gv_value *path_walk(const gv_value *v, const char *rest)
{
    for (const char *k = rest; v && *k;) {
        const char *dot = strchr(k, '.');
        size_t klen = dot ? (size_t)(dot - k) : strlen(k);
        if (v->type == GV_OBJ) {
            v = gv_get(v, k, klen);
        } else if (v->type == GV_ARR) {
            char *end;
            unsigned long i = strtoul(k, &end, 10);
            v = end == k + klen && i >= 1 && i <= v->len ? v->u.items[i - 1] : NULL;
        } else {
            v = NULL;
        }
        k += klen + (dot != NULL);
    }
    return v;
}

const gv_value *gvms_path_value(const gvms_path *p, const gvms_fire_ctx *c)
{
    const gv_value *root = p->root == GVMS_RECORD ? c->record
                         : p->root == GVMS_CONTEXT ? c->context : c->evidence;
    const gv_value *v = root ? path_walk(root, p->rest) : NULL;
    return v && v->type != GV_NULL ? v : NULL;
}

/* ---- reading specs ----------------------------------------------------------------- */

typedef struct spec_reader {
    lua_State *L;
    const gavel_policy *p;
    char *err;
    size_t errlen;
    const char *action;      /* for messages */
} spec_reader;

static int bad(spec_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(spec_reader *r, const char *fmt, ...)
{
    char msg[400];
    GV_BUF_FORMAT(msg, fmt);
    if (r->action)
        snprintf(r->err, r->errlen, "measure '%s': %s", r->action, msg);
    else
        snprintf(r->err, r->errlen, "measures: %s", msg);
    return -1;
}

static int only_keys(spec_reader *r, int t, const char *const *known, const char *what)
{
    lua_pushnil(r->L);
    while (lua_next(r->L, t)) {
        lua_pop(r->L, 1);
        const char *k = lua_type(r->L, -1) == LUA_TSTRING ? lua_tostring(r->L, -1) : NULL;
        int ok = 0;
        for (int i = 0; k && known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok) {
            char list[200] = "";
            for (int i = 0; known[i]; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         i ? ", " : "", known[i]);
            int rc = bad(r, "unknown field '%s' in %s (expected %s)",
                         k ? k : luaL_typename(r->L, -1), what, list);
            lua_pop(r->L, 1);
            return rc;
        }
    }
    return 0;
}

static int valid_kind(const char *s)
{
    if (!*s || strlen(s) > 40)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* targets = "account" | { "account", post = "evidence.posts", ... }. "account"
 * alone is the record itself; account = PATH names accounts the record
 * points at (a notice's uploader, say). */
static int read_targets(spec_reader *r, int t, gvms_spec *s)
{
    lua_State *L = r->L;
    int ty = lua_getfield(L, t, "targets");
    int top = lua_gettop(L);
    if (ty == LUA_TNIL || (ty == LUA_TSTRING && !strcmp(lua_tostring(L, top), "account"))) {
        s->account = 1;
        lua_pop(L, 1);
        return 0;
    }
    if (ty != LUA_TTABLE)
        return bad(r, "targets must be \"account\" or a table { \"account\", KIND = PATH }");
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, top)) {
        lua_pop(L, 1);
        n++;
    }
    s->targets = calloc((size_t)n + 1, sizeof *s->targets);
    if (!s->targets)
        return bad(r, "out of memory");
    lua_pushnil(L);
    while (lua_next(L, top)) {
        if (lua_type(L, -2) == LUA_TNUMBER) {
            if (lua_type(L, -1) != LUA_TSTRING || strcmp(lua_tostring(L, -1), "account"))
                return bad(r, "a target without a kind must be \"account\"; others are "
                              "KIND = PATH (post = \"evidence.posts\")");
            s->account = 1;
        } else {
            const char *kind = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
            if (!valid_kind(kind))
                return bad(r, "target kind '%.60s' must be a name of [a-z0-9_], at most 40 "
                              "characters", kind);
            if (lua_type(L, -1) != LUA_TSTRING)
                return bad(r, "targets.%s must be a path string (\"evidence.posts\")", kind);
            gvms_target_spec *ts = &s->targets[s->ntargets];
            char perr[200];
            if (path_parse(lua_tostring(L, -1), &ts->from, perr, sizeof perr) != 0)
                return bad(r, "targets.%s: %s", kind, perr);
            s->ntargets++;
            if (ts->from.root == GVMS_AS_OF)
                return bad(r, "targets.%s: as_of names no items", kind);
            if (!(ts->kind = strdup(kind)))
                return bad(r, "out of memory");
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (!s->account && !s->ntargets)
        return bad(r, "targets is empty");
    /* Kinds in name order: a table's own order is Lua's, and varies. */
    for (int i = 1; i < s->ntargets; i++)
        for (int j = i; j > 0 && strcmp(s->targets[j - 1].kind, s->targets[j].kind) > 0; j--) {
            gvms_target_spec tmp = s->targets[j];
            s->targets[j] = s->targets[j - 1];
            s->targets[j - 1] = tmp;
        }
    return 0;
}

static int scope_item(spec_reader *r, const char *w, gvms_spec *s)
{
    if (!strncmp(w, "r.", 2) || !strncmp(w, "ctx.", 4) || !strncmp(w, "evidence.", 9)) {
        gvms_path *grown = realloc(s->scope_from, (size_t)(s->nscope_from + 1) * sizeof *grown);
        if (!grown)
            return bad(r, "out of memory");
        s->scope_from = grown;
        char perr[200];
        if (path_parse(w, &s->scope_from[s->nscope_from], perr, sizeof perr) != 0)
            return bad(r, "scope: %s", perr);
        s->nscope_from++;
        return 0;
    }
    char serr[300];
    if (gvms_scope_word(w, strlen(w), r->p, &s->scope, serr, sizeof serr) != 0)
        return bad(r, "%s", serr);
    return 0;
}

/* scope = "IN" | { "DE", "AT" } | "EU" (a region) | "*" | "evidence.country" */
static int read_scope(spec_reader *r, int t, gvms_spec *s)
{
    lua_State *L = r->L;
    int ty = lua_getfield(L, t, "scope");
    int rc = 0;
    if (ty == LUA_TSTRING) {
        rc = scope_item(r, lua_tostring(L, -1), s);
    } else if (ty == LUA_TTABLE && lua_rawlen(L, -1) > 0) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; rc == 0 && i <= n; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                rc = bad(r, "scope must be a list of strings");
            else
                rc = scope_item(r, lua_tostring(L, -1), s);
            lua_pop(L, 1);
        }
    } else {
        rc = bad(r, "scope is required: ISO 3166-1 alpha-2 codes (\"IN\", { \"DE\", "
                    "\"AT\" }), a region of the manifest, \"*\" for everywhere, or a path");
    }
    lua_pop(L, 1);
    return rc;
}

static int read_duration(spec_reader *r, int t, const char *field, const char *unit,
                         int64_t unit_ms, int64_t *ms)
{
    lua_State *L = r->L;
    int ty = lua_getfield(L, t, unit);
    int rc = 0;
    if (ty != LUA_TNIL) {
        lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
        if (v < 0 || v > 36500 * (86400000 / unit_ms))
            rc = bad(r, "%s.%s must be a whole number from 0 to 100 years", field, unit);
        else
            *ms += v * unit_ms;
    }
    lua_pop(L, 1);
    return rc;
}

/* due/until = "2021-02-10" | "2021-02-10T12:00:00Z" | { after = PATH, days, hours, minutes } */
static int read_time(spec_reader *r, int t, const char *field, gvms_time *tm)
{
    lua_State *L = r->L;
    int ty = lua_getfield(L, t, field);
    int rc = 0, top = lua_gettop(L);
    if (ty == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, top, &n);
        int date_only;
        if (gvdate_instant(s, n, &tm->at, &date_only) != 0)
            rc = bad(r, "%s '%.40s' is not a date YYYY-MM-DD or a date-time with a zone",
                     field, s);
        tm->set = tm->fixed = 1;
    } else if (ty == LUA_TTABLE) {
        static const char *const known[] = { "after", "days", "hours", "minutes", "optional",
                                             NULL };
        char what[40];
        snprintf(what, sizeof what, "%s", field);
        rc = only_keys(r, top, known, what);
        char perr[200];
        if (rc == 0 && lua_getfield(L, top, "after") != LUA_TSTRING)
            rc = bad(r, "%s.after is required: the path of the time it counts from "
                        "(ctx.order.issued_at, evidence.notice.received_at, as_of)", field);
        else if (rc == 0 && path_parse(lua_tostring(L, -1), &tm->from, perr, sizeof perr))
            rc = bad(r, "%s.after: %s", field, perr);
        if (rc == 0)
            lua_pop(L, 1);
        tm->set = 1;
        if (rc == 0) rc = read_duration(r, top, field, "days", 86400000, &tm->at);
        if (rc == 0) rc = read_duration(r, top, field, "hours", 3600000, &tm->at);
        if (rc == 0) rc = read_duration(r, top, field, "minutes", 60000, &tm->at);
        int ot = lua_getfield(L, top, "optional");
        if (rc == 0 && ot != LUA_TNIL && ot != LUA_TBOOLEAN)
            rc = bad(r, "%s.optional must be true or false", field);
        tm->optional = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (rc == 0 && tm->optional && tm->from.root == GVMS_AS_OF)
            rc = bad(r, "%s.optional: as_of is always there", field);
    } else if (ty != LUA_TNIL) {
        rc = bad(r, "%s must be a date, a date-time with a zone, or { after = PATH, "
                    "days = N, hours = N, minutes = N }", field);
    }
    lua_settop(L, top - 1);
    return rc;
}

static void describe_time(gv_buf *b, const char *label, const gvms_time *tm)
{
    if (!tm->set)
        return;
    char at[GVDATE_MAX];
    gv_buf_adds(b, "; ");
    gv_buf_adds(b, label);
    gv_buf_addc(b, ' ');
    if (tm->fixed) {
        gvdate_format(tm->at, at);
        gv_buf_adds(b, at);
        return;
    }
    int64_t m = tm->at / 60000;
    static const struct { int64_t minutes; const char *unit; } units[] = {
        { 1440, "day" }, { 60, "hour" }, { 1, "minute" } };
    for (int u = 0; m && u < 3; u++)
        if (m % units[u].minutes == 0) {
            long long n = (long long)(m / units[u].minutes);
            gv_buf_printf(b, "%lld %s%s after ", n, units[u].unit, n == 1 ? "" : "s");
            break;
        }
    if (!m)
        gv_buf_adds(b, "at ");
    gv_buf_adds(b, tm->from.text);
    if (tm->optional)
        gv_buf_adds(b, " (when there is one)");
}

/* "withhold_post: post from evidence.posts; in IN; due 36 hours after ..." */
static char *describe(const gavel_policy *p, const gvms_spec *s)
{
    gv_buf b = GV_BUF_INIT;
    gv_buf_adds(&b, p->actions[s->action]);
    gv_buf_adds(&b, ": ");
    if (s->account)
        gv_buf_adds(&b, s->ntargets ? "account, " : "account");
    for (int i = 0; i < s->ntargets; i++)
        gv_buf_printf(&b, "%s%s from %s", i ? ", " : "", s->targets[i].kind,
                      s->targets[i].from.text);
    gv_buf_adds(&b, "; in ");
    int first = 1;
    if (s->scope.everywhere) {
        gv_buf_adds(&b, "*");
        first = 0;
    }
    for (int c = 0; c < NCOUNTRIES && !s->scope.everywhere; c++)
        if (gvms_scope_has(&s->scope, c)) {
            gv_buf_printf(&b, "%s%s", first ? "" : ", ", gvms_country_code(c));
            first = 0;
        }
    for (int i = 0; i < s->nscope_from; i++) {
        gv_buf_printf(&b, "%s%s", first ? "" : ", ", s->scope_from[i].text);
        first = 0;
    }
    describe_time(&b, "due", &s->due);
    describe_time(&b, "until", &s->until);
    if (b.oom) {
        gv_buf_free(&b);
        return NULL;
    }
    return gv_buf_detach(&b, NULL);
}

static int read_spec(spec_reader *r, int t, gvms_spec *s)
{
    lua_State *L = r->L;
    static const char *const known[] = { "action", "targets", "scope", "due", "until", NULL };
    if (lua_getfield(L, t, "action") != LUA_TSTRING)
        return bad(r, "each measure needs an action, a string the manifest's actions list");
    const char *action = lua_tostring(L, -1);
    s->action = -1;
    for (int i = 0; i < r->p->nactions; i++)
        if (!strcmp(r->p->actions[i], action))
            s->action = i;
    if (s->action < 0) {
        char list[200] = "";
        for (int i = 0; i < r->p->nactions; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     r->p->actions[i]);
        int rc = r->p->nactions
            ? bad(r, "unknown action '%.60s' (the manifest's actions: %s)", action, list)
            : bad(r, "unknown action '%.60s': the manifest declares no actions "
                     "(actions: [%.60s, ...])", action, action);
        lua_pop(L, 1);
        return rc;
    }
    r->action = r->p->actions[s->action];
    lua_pop(L, 1);
    if (only_keys(r, t, known, "a measure") || read_targets(r, t, s) || read_scope(r, t, s) ||
        read_time(r, t, "due", &s->due) || read_time(r, t, "until", &s->until))
        return -1;
    if (!(s->text = describe(r->p, s)))
        return bad(r, "out of memory");
    return 0;
}

int gvms_parse_specs(lua_State *L, int idx, const gavel_policy *p, gvms_spec **specs,
                     int *nspecs, char *err, size_t errlen)
{
    spec_reader r = { L, p, err, errlen, NULL };
    *specs = NULL;
    *nspecs = 0;
    idx = lua_absindex(L, idx);
    if (lua_isnil(L, idx))
        return 0;
    if (!lua_istable(L, idx))
        return bad(&r, "must be a measure { action = ..., scope = ... } or a list of them");
    int single = lua_getfield(L, idx, "action") != LUA_TNIL;
    lua_pop(L, 1);
    lua_Integer n = single ? 1 : (lua_Integer)lua_rawlen(L, idx);
    if (n == 0)
        return bad(&r, "an empty list: leave measures out instead");
    if (n > 64)
        return bad(&r, "more than 64 measures in one rule");
    *specs = calloc((size_t)n, sizeof **specs);
    if (!*specs)
        return bad(&r, "out of memory");
    for (lua_Integer i = 1; i <= n; i++) {
        if (single)
            lua_pushvalue(L, idx);
        else if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
            return lua_pop(L, 1), bad(&r, "item %lld is not a measure table", (long long)i);
        r.action = NULL;
        int rc = read_spec(&r, lua_gettop(L), &(*specs)[(*nspecs)++]);
        lua_pop(L, 1);
        if (rc)
            return -1;
    }
    return 0;
}

void gvms_free_specs(gvms_spec *specs, int n)
{
    for (int i = 0; specs && i < n; i++) {
        gvms_spec *s = &specs[i];
        for (int k = 0; k < s->ntargets; k++) {
            free(s->targets[k].kind);
            path_free(&s->targets[k].from);
        }
        free(s->targets);
        for (int k = 0; k < s->nscope_from; k++)
            path_free(&s->scope_from[k]);
        free(s->scope_from);
        path_free(&s->due.from);
        path_free(&s->until.from);
        free(s->text);
    }
    free(specs);
}

int gvms_reads_evidence(const gvms_spec *specs, int n)
{
    for (int i = 0; i < n; i++) {
        const gvms_spec *s = &specs[i];
        int ev = (s->due.set && !s->due.fixed && s->due.from.root == GVMS_EVIDENCE) ||
                 (s->until.set && !s->until.fixed && s->until.from.root == GVMS_EVIDENCE);
        for (int k = 0; k < s->ntargets; k++)
            ev |= s->targets[k].from.root == GVMS_EVIDENCE;
        for (int k = 0; k < s->nscope_from; k++)
            ev |= s->scope_from[k].root == GVMS_EVIDENCE;
        if (ev)
            return 1;
    }
    return 0;
}

