/*
 * measure_set.c: one record's measures (measure.h): building a firing
 * rule's measures from its evidence, the record and the context;
 * combining those of the rules left standing; writing them as JSON and
 * as the public views (docs/policy.md, "Measures"). Calls measure.c (the
 * countries, scopes and paths), date.h, value.h, buf.h and policy.h.
 */
#include "measure.h"
#include "date.h"
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a firing rule's measures ----------------------------------------------------- */

static int grow(void **arr, size_t *cap, int n, size_t size)
{
    return gv_buf_grow_array(arr, cap, (size_t)n, size, 8);
}

static int target_equal(const gvms_target *a, const gvms_target *b)
{
    if (a->id.type != b->id.type || strcmp(a->kind, b->kind) != 0)
        return 0;
    if (a->id.type == GV_STR)
        return a->id.len == b->id.len && memcmp(a->id.u.s, b->id.u.s, a->id.len) == 0;
    return a->id.type == GV_INT ? a->id.u.i == b->id.u.i : a->id.u.n == b->id.u.n;
}

static int has_target(const gvms_set *s, int t0, int nt, const gvms_target *t)
{
    for (int i = t0; i < t0 + nt; i++)
        if (target_equal(&s->targets[i], t))
            return 1;
    return 0;
}

/* The order targets sort in, to find repeats among many: a record may
 * name a hundred thousand posts, and comparing each with each would run
 * for minutes outside every budget. Sorting is O(n log n) whatever the ids
 * (a hash with a fixed seed could be flooded by chosen ones). */
static int target_cmp(const gvms_target *a, const gvms_target *b)
{
    int c = strcmp(a->kind, b->kind);
    if (c || a->id.type != b->id.type)
        return c ? c : a->id.type < b->id.type ? -1 : 1;
    if (a->id.type == GV_STR) {
        c = memcmp(a->id.u.s, b->id.u.s, a->id.len < b->id.len ? a->id.len : b->id.len);
        return c ? c : (a->id.len > b->id.len) - (a->id.len < b->id.len);
    }
    if (a->id.type == GV_INT)
        return (a->id.u.i > b->id.u.i) - (a->id.u.i < b->id.u.i);
    return (a->id.u.n > b->id.u.n) - (a->id.u.n < b->id.u.n);
}

static int target_ptr_cmp(const void *x, const void *y)
{
    const gvms_target *a = *(const gvms_target *const *)x, *b = *(const gvms_target *const *)y;
    int c = target_cmp(a, b);
    return c ? c : (a > b) - (a < b);      /* ties: the one named first, first */
}

enum { FEW_TARGETS = 16 };     /* below this, comparing pairwise is cheaper */

/* n targets from first, sorted by target_ptr_cmp; NULL when out of memory. */
static const gvms_target **sorted_targets(const gvms_target *first, int n)
{
    const gvms_target **p = malloc((size_t)(n ? n : 1) * sizeof *p);
    for (int i = 0; p && i < n; i++)
        p[i] = first + i;
    if (p)
        qsort(p, (size_t)n, sizeof *p, target_ptr_cmp);
    return p;
}

/* Removes repeats from targets[t0..], keeping each target where it was
 * first named. 0, or -1 out of memory. */
static int drop_repeats(gvms_set *s, int t0)
{
    int n = s->ntargets - t0, w = 0;
    gvms_target *base = s->targets + t0;
    if (n < 2)
        return 0;
    unsigned char *drop = calloc((size_t)n, 1);
    if (!drop)
        return -1;
    if (n <= FEW_TARGETS) {
        for (int i = 1; i < n; i++)
            drop[i] = (unsigned char)has_target(s, t0, i, &base[i]);
    } else {
        const gvms_target **p = sorted_targets(base, n);
        if (!p) {
            free(drop);
            return -1;
        }
        for (int k = 1; k < n; k++)
            if (target_cmp(p[k - 1], p[k]) == 0)
                drop[p[k] - base] = 1;
        free(p);
    }
    for (int i = 0; i < n; i++)
        if (!drop[i])
            base[w++] = base[i];
    s->ntargets = t0 + w;
    free(drop);
    return 0;
}

static int push_target(gvms_set *s, const gvms_target *t)
{
    if (grow((void **)&s->targets, &s->captargets, s->ntargets, sizeof *s->targets))
        return -1;
    s->targets[s->ntargets++] = *t;
    return 0;
}

/* Adds the id v (a string or a number, as the record has it) of the given
 * kind; the decision keeps its own copy. Repeats go later (drop_repeats). */
static int add_target(gvms_set *s, const char *kind, const gv_value *v, gv_arena *a)
{
    gvms_target t = { kind, { .type = v->type, .len = v->len, .u = v->u }, NULL };
    if (v->type == GV_STR) {
        t.id.u.s = t.text = gv_arena_strdup(a, v->u.s, v->len);
    } else {
        gv_buf b = GV_BUF_INIT;
        gv_write_json(&b, &t.id);
        t.text = b.oom ? NULL : gv_arena_strdup(a, b.ptr, b.len);
        gv_buf_free(&b);
    }
    return t.text ? push_target(s, &t) : -1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    char msg[400];
    GV_BUF_FORMAT(msg, fmt);
    snprintf(err, errlen, "%s", msg);
    return 1;
}

static const char *type_name(const gv_value *v)
{
    static const char *const names[] = { "null", "boolean", "number", "number", "string",
                                         "list", "mapping" };
    return names[v->type];
}

static int id_value(const gv_value *v, const gv_value **id)
{
    if (v->type == GV_OBJ)
        v = gv_gets(v, "id");
    *id = v;
    return v && (v->type == GV_STR || v->type == GV_INT || v->type == GV_NUM) ? 0 : -1;
}

/* The ids one target spec names: an id, an item with an id, or a list of
 * either. 0, -1 out of memory, 1 with err. */
static int spec_targets(gvms_set *s, const gvms_target_spec *ts, const gvms_fire_ctx *c,
                        const char *action, char *err, size_t errlen)
{
    const gv_value *v = gvms_path_value(&ts->from, c);
    if (!v)
        return fail(err, errlen, "measure '%s': targets.%s: %s is missing", action, ts->kind,
                    ts->from.text);
    uint32_t n = v->type == GV_ARR ? v->len : 1;
    for (uint32_t i = 0; i < n; i++) {
        const gv_value *item = v->type == GV_ARR ? v->u.items[i] : v, *id;
        if (id_value(item, &id) != 0)
            return fail(err, errlen, "measure '%s': targets.%s: %s%s holds a %s%s, not an "
                        "id or an item with an id", action, ts->kind, ts->from.text,
                        v->type == GV_ARR ? " item" : "", type_name(id ? id : item),
                        item->type == GV_OBJ ? (id ? " as its id" : " without an id") : "");
        if (add_target(s, ts->kind, id, c->arena))
            return -1;
    }
    return 0;
}

static int spec_scope(gvms_scope *scope, const gvms_path *from, const gvms_fire_ctx *c,
                      const char *action, char *err, size_t errlen)
{
    const gv_value *v = gvms_path_value(from, c);
    if (!v)
        return fail(err, errlen, "measure '%s': scope: %s is missing", action, from->text);
    uint32_t n = v->type == GV_ARR ? v->len : 1;
    for (uint32_t i = 0; i < n; i++) {
        const gv_value *w = v->type == GV_ARR ? v->u.items[i] : v;
        char serr[300];
        if (w->type != GV_STR)
            return fail(err, errlen, "measure '%s': scope: %s holds a %s, not a country "
                        "code", action, from->text, type_name(w));
        if (gvms_scope_word(w->u.s, w->len, c->policy, scope, serr, sizeof serr) != 0)
            return fail(err, errlen, "measure '%s': %s (read from %s)", action, serr,
                        from->text);
    }
    return 0;
}

#define YEAR_10000_MS INT64_C(253402300800000)   /* 10000-01-01T00:00:00Z */

/* A due or until when the rule fires: 0 with *at; 1 with err; 2 when an
 * optional time's path is absent (then there is none). */
static int spec_time(const gvms_time *tm, const gvms_fire_ctx *c, const char *field,
                     const char *action, int64_t *at, char *err, size_t errlen)
{
    int64_t base = 0;
    if (tm->fixed) {
        *at = tm->at;
        return 0;
    }
    if (tm->from.root == GVMS_AS_OF) {
        base = c->as_of;
    } else {
        const gv_value *v = gvms_path_value(&tm->from, c);
        int date_only, rc = v && v->type == GV_STR
                          ? gvdate_instant(v->u.s, v->len, &base, &date_only) : -1;
        if (!v && tm->optional)
            return 2;                    /* no such time: no deadline, no end */
        if (!v)
            return fail(err, errlen, "measure '%s': %s: %s is missing", action, field,
                        tm->from.text);
        if (rc != 0)
            return fail(err, errlen, "measure '%s': %s: %s is not a date YYYY-MM-DD or a "
                        "date-time with a zone", action, field, tm->from.text);
    }
    *at = base + tm->at;
    if (*at >= YEAR_10000_MS)
        return fail(err, errlen, "measure '%s': %s falls after the year 9999", action, field);
    return 0;
}

int gvms_fire(gvms_set *s, const gvms_spec *spec, int fired, int rule, const gvms_fire_ctx *c,
              char *err, size_t errlen)
{
    const char *action = c->policy->actions[spec->action];
    gvms_measure m = { .action = spec->action, .fired = fired, .rule = rule,
                       .t0 = s->ntargets, .scope = spec->scope };
    int rc = 0;
    if (spec->account && c->id)
        rc = add_target(s, "account", c->id, c->arena);
    for (int k = 0; rc == 0 && k < spec->ntargets; k++)
        rc = spec_targets(s, &spec->targets[k], c, action, err, errlen);
    for (int k = 0; rc == 0 && k < spec->nscope_from; k++)
        rc = spec_scope(&m.scope, &spec->scope_from[k], c, action, err, errlen);
    if (rc == 0 && gvms_scope_empty(&m.scope))
        rc = fail(err, errlen, "measure '%s': its scope names no country", action);
    if (rc == 0 && spec->due.set) {
        rc = spec_time(&spec->due, c, "due", action, &m.due, err, errlen);
        m.has_due = rc == 0;
        rc = rc == 2 ? 0 : rc;
    }
    if (rc == 0 && spec->until.set) {
        rc = spec_time(&spec->until, c, "until", action, &m.until, err, errlen);
        m.has_until = rc == 0;
        rc = rc == 2 ? 0 : rc;
    }
    if (rc == 0)
        rc = drop_repeats(s, m.t0);
    m.nt = s->ntargets - m.t0;
    if (rc == 0 && m.nt > 0) {        /* naming nothing, it orders nothing */
        if (grow((void **)&s->own, &s->capown, s->nown, sizeof *s->own))
            rc = -1;
        else
            s->own[s->nown++] = m;
    }
    if (rc != 0 || m.nt == 0)
        s->ntargets = m.t0;
    s->nowntargets = s->ntargets;
    return rc;
}

int gvms_copy_own(gvms_set *s, const gvms_set *src, int from, int fired, gv_arena *a)
{
    for (int i = 0; i < src->nown; i++) {
        const gvms_measure *o = &src->own[i];
        if (o->fired != from)
            continue;
        gvms_measure m = *o;
        m.fired = fired;
        m.t0 = s->ntargets;
        for (int k = 0; k < o->nt; k++)
            if (add_target(s, src->targets[o->t0 + k].kind, &src->targets[o->t0 + k].id, a))
                return -1;
        if (grow((void **)&s->own, &s->capown, s->nown, sizeof *s->own))
            return -1;
        s->own[s->nown++] = m;
        s->nowntargets = s->ntargets;
    }
    return 0;
}

/* ---- combining ------------------------------------------------------------------------ */

static int push_rule(gvms_set *s, int rule)
{
    if (grow((void **)&s->rules, &s->caprules, s->nrules, sizeof *s->rules))
        return -1;
    s->rules[s->nrules++] = rule;
    return 0;
}

static void earliest_due(gvms_measure *into, const gvms_measure *m)
{
    if (m->has_due && (!into->has_due || m->due < into->due)) {
        into->due = m->due;
        into->has_due = 1;
    }
}

static int same_until(const gvms_measure *a, const gvms_measure *b)
{
    return a->has_until == b->has_until && (!a->has_until || a->until == b->until);
}

/* Do a and b name the same targets (each names each once)? Out of memory,
 * it answers no: the measures then stay apart, which is still right. */
static int same_targets(const gvms_set *s, const gvms_measure *a, const gvms_measure *b)
{
    if (a->nt != b->nt)
        return 0;
    if (a->nt <= FEW_TARGETS) {
        for (int i = 0; i < a->nt; i++)
            if (!has_target(s, b->t0, b->nt, &s->targets[a->t0 + i]))
                return 0;
        return 1;
    }
    const gvms_target **x = sorted_targets(s->targets + a->t0, a->nt);
    const gvms_target **y = x ? sorted_targets(s->targets + b->t0, b->nt) : NULL;
    int same = y != NULL;
    for (int i = 0; same && i < a->nt; i++)
        same = target_cmp(x[i], y[i]) == 0;
    free(x);
    free(y);
    return same;
}

/* Step one: measures of one action, scope and end unite their targets. */
static int unite_targets(gvms_set *s, int (*standing)(const void *, int), const void *ud)
{
    for (int i = 0; i < s->nown; i++) {
        const gvms_measure *m = &s->own[i];
        if (!standing(ud, m->fired))
            continue;
        int o = 0;
        while (o < s->nout && !(s->out[o].action == m->action &&
                                gvms_scope_equal(&s->out[o].scope, &m->scope) &&
                                same_until(&s->out[o], m)))
            o++;
        if (o < s->nout)
            continue;                 /* taken in with the first of its kind */
        if (grow((void **)&s->out, &s->capout, s->nout, sizeof *s->out))
            return -1;
        gvms_measure *c = &s->out[s->nout++];
        *c = *m;
        c->has_due = 0;
        c->t0 = s->ntargets;
        c->r0 = s->nrules;
        for (int j = i; j < s->nown; j++) {
            const gvms_measure *n = &s->own[j];
            if (n->action != m->action || !gvms_scope_equal(&n->scope, &m->scope) ||
                !same_until(n, m) || !standing(ud, n->fired))
                continue;
            for (int k = 0; k < n->nt; k++) {
                gvms_target t = s->targets[n->t0 + k];   /* a copy: the list may move */
                if (push_target(s, &t))
                    return -1;
            }
            earliest_due(c, n);
            if ((s->nrules == c->r0 || s->rules[s->nrules - 1] != n->rule) &&
                push_rule(s, n->rule))
                return -1;
        }
        if (drop_repeats(s, c->t0))
            return -1;
        c->nt = s->ntargets - c->t0;
        c->nr = s->nrules - c->r0;
    }
    return 0;
}

/* Step two: measures of one action, targets and end unite their scopes. */
static int unite_scopes(gvms_set *s)
{
    for (int a = 0; a < s->nout; a++) {
        for (int b = a + 1; b < s->nout; b++) {
            gvms_measure *x = &s->out[a], *y = &s->out[b];
            if (y->action != x->action || !same_until(x, y) || !same_targets(s, x, y))
                continue;
            gvms_scope_unite(&x->scope, &y->scope);
            earliest_due(x, y);
            int r0 = s->nrules, i = 0, j = 0;        /* merge two lists in policy order */
            while (i < x->nr || j < y->nr) {
                int ri = i < x->nr ? s->rules[x->r0 + i] : -1;
                int rj = j < y->nr ? s->rules[y->r0 + j] : -1;
                int take = rj < 0 || (ri >= 0 && ri <= rj) ? ri : rj;
                i += ri == take;
                j += rj == take;
                if (push_rule(s, take))
                    return -1;
            }
            x = &s->out[a];
            x->r0 = r0;
            x->nr = s->nrules - r0;
            memmove(&s->out[b], &s->out[b + 1], (size_t)(s->nout - b - 1) * sizeof *s->out);
            s->nout--;
            b--;
        }
    }
    return 0;
}

int gvms_combine(gvms_set *s, int (*standing)(const void *ud, int fired), const void *ud)
{
    s->nout = 0;
    s->ntargets = s->nowntargets;
    s->nrules = 0;
    if (unite_targets(s, standing, ud) || unite_scopes(s))
        return -1;
    for (int i = 1; i < s->nout; i++)          /* stable, by the manifest's order */
        for (int j = i; j > 0 && s->out[j - 1].action > s->out[j].action; j--) {
            gvms_measure t = s->out[j];
            s->out[j] = s->out[j - 1];
            s->out[j - 1] = t;
        }
    return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

void gvms_set_reset(gvms_set *s)
{
    s->nown = s->nout = s->ntargets = s->nowntargets = s->nrules = 0;
}

void gvms_set_free(gvms_set *s)
{
    free(s->own);
    free(s->out);
    free(s->targets);
    free(s->rules);
    free(s->view_own);
    free(s->view_out);
    free(s->view_targets);
    free(s->view_strs);
    memset(s, 0, sizeof *s);
}

static void json_time(gv_buf *b, const char *key, int has, int64_t ms)
{
    if (!has)
        return;
    char at[GVDATE_MAX];
    gvdate_format(ms, at);
    gv_buf_printf(b, ",\"%s\":\"%s\"", key, at);
}

static void json_measure(gv_buf *b, const gvms_set *s, const gvms_measure *m, int own,
                         const gavel_policy *p)
{
    gv_buf_adds(b, "{\"action\":");
    gv_buf_json_str(b, p->actions[m->action], strlen(p->actions[m->action]));
    gv_buf_adds(b, ",\"targets\":[");
    for (int i = 0; i < m->nt; i++) {
        const gvms_target *t = &s->targets[m->t0 + i];
        gv_buf_adds(b, i ? ",{\"kind\":" : "{\"kind\":");
        gv_buf_json_str(b, t->kind, strlen(t->kind));
        gv_buf_adds(b, ",\"id\":");
        gv_write_json(b, &t->id);
        gv_buf_addc(b, '}');
    }
    gv_buf_adds(b, "],\"scope\":[");
    if (m->scope.everywhere) {
        gv_buf_adds(b, "\"*\"");
    } else {
        int first = 1;
        for (int c = 0; c < gvms_ncountries(); c++)
            if (gvms_scope_has(&m->scope, c)) {
                gv_buf_printf(b, first ? "\"%s\"" : ",\"%s\"", gvms_country_code(c));
                first = 0;
            }
    }
    gv_buf_addc(b, ']');
    json_time(b, "due", m->has_due, m->due);
    json_time(b, "until", m->has_until, m->until);
    gv_buf_adds(b, ",\"rules\":[");
    if (own)
        gv_buf_adds(b, p->rules[m->rule].json_id);
    for (int i = 0; !own && i < m->nr; i++) {
        if (i)
            gv_buf_addc(b, ',');
        gv_buf_adds(b, p->rules[s->rules[m->r0 + i]].json_id);
    }
    gv_buf_adds(b, "]}");
}

void gvms_json(gv_buf *b, const gvms_set *s, int fired, const gavel_policy *p)
{
    gv_buf_addc(b, '[');
    const gvms_measure *list = fired < 0 ? s->out : s->own;
    int n = fired < 0 ? s->nout : s->nown, written = 0;
    for (int i = 0; i < n; i++) {
        if (fired >= 0 && list[i].fired != fired)
            continue;
        if (written++)
            gv_buf_addc(b, ',');
        json_measure(b, s, &list[i], fired >= 0, p);
    }
    gv_buf_addc(b, ']');
}

int gvms_count_own(const gvms_set *s, int fired)
{
    int n = 0;
    for (int i = 0; i < s->nown; i++)
        n += s->own[i].fired == fired;
    return n;
}

/* ---- public views --------------------------------------------------------------------- */

static const char *time_text(int has, int64_t ms, gv_arena *a)
{
    if (!has)
        return NULL;
    char at[GVDATE_MAX];
    gvdate_format(ms, at);
    return gv_arena_strdup(a, at, strlen(at));
}

static int view_measure(gvms_set *s, const gvms_measure *m, int own, const gavel_policy *p,
                        gv_arena *a, size_t *str, gavel_measure *v)
{
    v->action = p->actions[m->action];
    v->ntargets = (size_t)m->nt;
    v->targets = &s->view_targets[m->t0];
    v->scope = &s->view_strs[*str];
    if (m->scope.everywhere)
        s->view_strs[(*str)++] = "*";
    for (int c = 0; c < gvms_ncountries() && !m->scope.everywhere; c++)
        if (gvms_scope_has(&m->scope, c))
            s->view_strs[(*str)++] = gvms_country_code(c);
    v->nscope = (size_t)(&s->view_strs[*str] - v->scope);
    v->rules = &s->view_strs[*str];
    v->nrules = own ? 1 : (size_t)m->nr;
    for (size_t i = 0; i < v->nrules; i++)
        s->view_strs[(*str)++] = p->rules[own ? m->rule : s->rules[m->r0 + (int)i]].info.id;
    v->due = time_text(m->has_due, m->due, a);
    v->until = time_text(m->has_until, m->until, a);
    return (m->has_due && !v->due) || (m->has_until && !v->until) ? -1 : 0;
}

static size_t strs_needed(const gvms_measure *list, int n, int own)
{
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        const gvms_scope *sc = &list[i].scope;
        k += own ? 1 : (size_t)list[i].nr;
        k += sc->everywhere;
        for (int w = 0; w < GVMS_WORDS && !sc->everywhere; w++)
            k += (size_t)__builtin_popcountll(sc->bits[w]);
    }
    return k;
}

int gvms_build_views(gvms_set *s, const gavel_policy *p, gv_arena *a)
{
    size_t nstr = strs_needed(s->own, s->nown, 1) + strs_needed(s->out, s->nout, 0);
    free(s->view_own);
    free(s->view_out);
    free(s->view_targets);
    s->view_own = calloc((size_t)s->nown + 1, sizeof *s->view_own);
    s->view_out = calloc((size_t)s->nout + 1, sizeof *s->view_out);
    s->view_targets = calloc((size_t)s->ntargets + 1, sizeof *s->view_targets);
    if (nstr + 1 > s->capview_strs) {
        free(s->view_strs);
        s->view_strs = malloc((nstr + 1) * sizeof *s->view_strs);
        s->capview_strs = s->view_strs ? nstr + 1 : 0;
    }
    if (!s->view_own || !s->view_out || !s->view_targets || !s->view_strs)
        return -1;
    for (int i = 0; i < s->ntargets; i++) {
        s->view_targets[i].kind = s->targets[i].kind;
        s->view_targets[i].id = s->targets[i].text;
        s->view_targets[i].id_value = (const gavel_value *)&s->targets[i].id;
    }
    size_t str = 0;
    for (int i = 0; i < s->nown; i++)
        if (view_measure(s, &s->own[i], 1, p, a, &str, &s->view_own[i]))
            return -1;
    for (int i = 0; i < s->nout; i++)
        if (view_measure(s, &s->out[i], 0, p, a, &str, &s->view_out[i]))
            return -1;
    return 0;
}

const gavel_measure *gvms_view_own(const gvms_set *s, int fired, size_t *n)
{
    *n = 0;
    const gavel_measure *first = NULL;
    for (int i = 0; i < s->nown; i++)
        if (s->own[i].fired == fired) {
            if (!first)
                first = &s->view_own[i];
            (*n)++;
        }
    return first;
}
