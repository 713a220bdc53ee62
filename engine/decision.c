/*
 * decision.c: the decision object: what the evaluator fills in, the public
 * accessors, and the JSON writer (docs/policy.md, "The decision"). A
 * decision is reused from record to record; its lists keep their capacity
 * and its strings live in an arena reset per evaluation, so a steady stream
 * allocates nothing. Calls buf.h, value.h (the arena) and the policy's rule
 * table only.
 */
#include "decision.h"
#include "buf.h"
#include "policy.h"
#include "value.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MISSING_MAX = 256 };

gavel_decision *gavel_decision_new(void)
{
    gavel_decision *d = calloc(1, sizeof *d);
    if (d)
        d->outcome = -1;
    return d;
}

void gavel_decision_free(gavel_decision *d)
{
    if (!d)
        return;
    gv_arena_free(&d->arena);
    for (size_t i = 0; i < d->capmissing; i++)
        free(d->missing[i].rules);
    free(d->missing);
    free(d->reasons);
    free(d->defeated);
    free(d->fired);
    free(d->slot);
    free(d->errors);
    free(d->view_reasons);
    free(d->view_mreasons);
    free(d->mreasons);
    free(d->view_defeated);
    free(d->view_missing);
    free(d->view_rules);
    gvms_set_free(&d->measures);
    gv_buf_free(&d->json);
    free(d);
}

void gvdec_reset(gavel_decision *d, const gavel_policy *p)
{
    d->policy = p;
    gv_arena_reset(&d->arena);
    d->id = NULL;
    d->outcome = -1;
    d->is_default = 0;
    d->as_of[0] = '\0';
    d->nreasons = d->ndefeated = d->nfired = d->nmissing = d->nerrors = d->nmreasons = 0;
    gvms_set_reset(&d->measures);
    d->views_ready = 0;
    gv_buf_reset(&d->json);
}

int gvdec_set_id(gavel_decision *d, const gv_value *id)
{
    d->idv = (gv_value){ .type = id->type, .u = id->u };
    if (id->type == GV_STR) {
        d->id = gv_arena_strdup(&d->arena, id->u.s, id->len);
        d->idv.len = id->len;
        d->idv.u.s = d->id;
        return d->id ? 0 : -1;
    }
    /* A number: its text as JSON writes it (an integer, most often the
     * position, without a buffer to allocate). */
    if (id->type == GV_INT) {
        char num[24];
        int n = snprintf(num, sizeof num, "%lld", (long long)id->u.i);
        d->id = gv_arena_strdup(&d->arena, num, (size_t)n);
        return d->id ? 0 : -1;
    }
    gv_buf b = GV_BUF_INIT;
    gv_write_json(&b, &d->idv);
    d->id = b.oom ? NULL : gv_arena_strdup(&d->arena, b.ptr, b.len);
    gv_buf_free(&b);
    return d->id ? 0 : -1;
}

/* Makes room for item n of an array that starts at 8 items. */
static int grow(void **arr, size_t *cap, int n, size_t size)
{
    return gv_buf_grow_array(arr, cap, (size_t)n, size, 8);
}

int gvdec_add_fired(gavel_decision *d, int rule, const char *reason, const char *evidence)
{
    if (grow((void **)&d->fired, &d->capfired, d->nfired, sizeof *d->fired))
        return -1;
    gvdec_entry *e = &d->fired[d->nfired++];
    e->rule = rule;
    e->by = -1;
    e->reason = gv_arena_strdup(&d->arena, reason ? reason : "", reason ? strlen(reason) : 0);
    e->evidence = gv_arena_strdup(&d->arena, evidence ? evidence : "{}",
                                  evidence ? strlen(evidence) : 2);
    if (!e->reason || !e->evidence) {
        d->nfired--;
        return -1;
    }
    return 0;
}

static int push_index(int **arr, int *n, size_t *cap, int v)
{
    if (grow((void **)arr, cap, *n, sizeof **arr))
        return -1;
    (*arr)[(*n)++] = v;
    return 0;
}

/* A rule's measures are taken when it stands: fired and not set aside, on
 * a record no rule failed on (on_error hands the record to a person). */
static int stands(const void *ud, int f)
{
    const gavel_decision *d = ud;
    return d->fired[f].by < 0 && d->nerrors == 0;
}

int gvdec_resolve(gavel_decision *d)
{
    const gavel_policy *p = d->policy;
    if (d->capslot < p->nrules) {
        int *s = realloc(d->slot, (size_t)p->nrules * sizeof *s);
        if (!s)
            return -1;
        d->slot = s;
        d->capslot = p->nrules;
    }
    for (int i = 0; i < p->nrules; i++)
        d->slot[i] = -1;
    for (int f = 0; f < d->nfired; f++) {
        d->slot[d->fired[f].rule] = f;
        d->fired[f].by = -1;
    }
    /* Every defeater comes before what it defeats, so its own standing is
     * settled when it is consulted. */
    for (int t = 0; t < p->nrules; t++) {
        int i = p->topo[t], f = d->slot[i];
        if (f < 0)
            continue;
        for (int k = 0; k < p->rules[i].ndefeaters; k++) {
            int by = p->rules[i].defeaters[k], bf = d->slot[by];
            if (bf >= 0 && d->fired[bf].by < 0) {
                d->fired[f].by = by;
                break;
            }
        }
    }
    int best = -1;
    for (int f = 0; f < d->nfired; f++) {
        int o = p->rules[d->fired[f].rule].outcome;
        if (d->fired[f].by < 0 && o >= 0 && (best < 0 || o < best))
            best = o;
    }
    d->is_default = 0;
    if (d->nerrors > 0)
        d->outcome = p->on_error_outcome;
    else if (best >= 0)
        d->outcome = best;
    else {
        d->outcome = p->default_outcome;
        d->is_default = 1;
    }
    d->nreasons = d->ndefeated = 0;
    for (int f = 0; f < d->nfired; f++) {
        const gvdec_entry *e = &d->fired[f];
        int rc = 0;
        if (e->by >= 0)
            rc = push_index(&d->defeated, &d->ndefeated, &d->capdefeated, f);
        else if (p->rules[e->rule].outcome == d->outcome)
            rc = push_index(&d->reasons, &d->nreasons, &d->capreasons, f);
        if (rc)
            return -1;
    }
    if (gvms_combine(&d->measures, stands, d) != 0)
        return -1;
    /* A measure's rules must say why too: those not among the reasons (no
     * outcome, or a weaker one) are listed beside them. */
    d->nmreasons = 0;
    for (int f = 0; f < d->nfired; f++)
        if (stands(d, f) && p->rules[d->fired[f].rule].outcome != d->outcome &&
            gvms_count_own(&d->measures, f) > 0 &&
            push_index(&d->mreasons, &d->nmreasons, &d->capmreasons, f))
            return -1;
    d->views_ready = 0;
    gv_buf_reset(&d->json);
    return 0;
}

int gvdec_add_missing(gavel_decision *d, const char *path, size_t plen, int rule)
{
    gvdec_missing *m = NULL;
    for (int i = 0; i < d->nmissing && !m; i++)
        if (strlen(d->missing[i].path) == plen && memcmp(d->missing[i].path, path, plen) == 0)
            m = &d->missing[i];
    if (!m) {
        if (d->nmissing >= MISSING_MAX)
            return -1;
        if (grow((void **)&d->missing, &d->capmissing, d->nmissing, sizeof *d->missing))
            return -1;
        m = &d->missing[d->nmissing];
        m->path = gv_arena_strdup(&d->arena, path, plen);
        if (!m->path)
            return -1;
        m->nrules = 0;
        d->nmissing++;
    }
    for (int i = 0; i < m->nrules; i++)
        if (m->rules[i] == rule)
            return 0;
    if (rule < 0)
        return 0;
    if (grow((void **)&m->rules, &m->caprules, m->nrules, sizeof *m->rules))
        return -1;
    m->rules[m->nrules++] = rule;
    return 0;
}

int gvdec_add_error(gavel_decision *d, int rule, const char *fmt, ...)
{
    if (grow((void **)&d->errors, &d->caperrors, d->nerrors, sizeof *d->errors))
        return -1;
    char msg[1024];
    GV_BUF_FORMAT(msg, fmt);
    gavel_error_entry *e = &d->errors[d->nerrors++];
    e->rule = rule >= 0 && d->policy ? d->policy->rules[rule].info.id : NULL;
    e->message = gv_arena_strdup(&d->arena, msg, strlen(msg));
    if (!e->message)
        e->message = "out of memory";
    return 0;
}

/* ---- accessors --------------------------------------------------------------- */

static const char *rule_id(const gavel_decision *d, int i)
{
    return i >= 0 ? d->policy->rules[i].info.id : NULL;
}

static void fill_reason(const gavel_decision *d, const gvdec_entry *e, gavel_reason *out)
{
    const gavel_rule_info *r = &d->policy->rules[e->rule].info;
    out->rule = r->id;
    out->outcome = r->outcome;
    out->cites = r->cites;
    out->reason = e->reason;
    out->evidence = e->evidence;
    out->by = rule_id(d, e->by);
    out->measures = gvms_view_own(&d->measures, (int)(e - d->fired), &out->nmeasures);
}

/* The public views point into the decision; built once per evaluation. */
static int build_views(gavel_decision *dd)
{
    if (dd->views_ready)
        return 0;
    size_t nrules = 0;
    for (int i = 0; i < dd->nmissing; i++)
        nrules += (size_t)dd->missing[i].nrules;
    free(dd->view_reasons);
    free(dd->view_mreasons);
    free(dd->view_defeated);
    free(dd->view_missing);
    free(dd->view_rules);
    dd->view_reasons = calloc((size_t)dd->nreasons + 1, sizeof *dd->view_reasons);
    dd->view_mreasons = calloc((size_t)dd->nmreasons + 1, sizeof *dd->view_mreasons);
    dd->view_defeated = calloc((size_t)dd->ndefeated + 1, sizeof *dd->view_defeated);
    dd->view_missing = calloc((size_t)dd->nmissing + 1, sizeof *dd->view_missing);
    dd->view_rules = calloc(nrules + 1, sizeof *dd->view_rules);
    if (!dd->view_reasons || !dd->view_mreasons || !dd->view_defeated || !dd->view_missing ||
        !dd->view_rules)
        return -1;
    if (gvms_build_views(&dd->measures, dd->policy, &dd->arena) != 0)
        return -1;
    for (int i = 0; i < dd->nreasons; i++)
        fill_reason(dd, &dd->fired[dd->reasons[i]], &dd->view_reasons[i]);
    for (int i = 0; i < dd->ndefeated; i++)
        fill_reason(dd, &dd->fired[dd->defeated[i]], &dd->view_defeated[i]);
    for (int i = 0; i < dd->nmreasons; i++)
        fill_reason(dd, &dd->fired[dd->mreasons[i]], &dd->view_mreasons[i]);
    const char **r = dd->view_rules;
    for (int i = 0; i < dd->nmissing; i++) {
        dd->view_missing[i].path = dd->missing[i].path;
        dd->view_missing[i].rules = r;
        dd->view_missing[i].nrules = (size_t)dd->missing[i].nrules;
        for (int k = 0; k < dd->missing[i].nrules; k++)
            *r++ = rule_id(dd, dd->missing[i].rules[k]);
    }
    dd->views_ready = 1;
    return 0;
}

#define VIEW(d) (build_views((gavel_decision *)(d)) == 0)

const char *gavel_decision_id(const gavel_decision *d) { return d ? d->id : NULL; }
const gavel_value *gavel_decision_id_value(const gavel_decision *d)
{
    return d && d->id ? (const gavel_value *)&d->idv : NULL;
}
const char *gavel_decision_outcome(const gavel_decision *d)
{
    return d && d->policy && d->outcome >= 0 ? d->policy->outcomes[d->outcome] : NULL;
}
int gavel_decision_is_default(const gavel_decision *d) { return d ? d->is_default : 0; }
const char *gavel_decision_as_of(const gavel_decision *d) { return d ? d->as_of : NULL; }
size_t gavel_decision_nreasons(const gavel_decision *d) { return d ? (size_t)d->nreasons : 0; }
size_t gavel_decision_ndefeated(const gavel_decision *d) { return d ? (size_t)d->ndefeated : 0; }
size_t gavel_decision_nfired(const gavel_decision *d) { return d ? (size_t)d->nfired : 0; }
size_t gavel_decision_nmissing(const gavel_decision *d) { return d ? (size_t)d->nmissing : 0; }
size_t gavel_decision_nerrors(const gavel_decision *d) { return d ? (size_t)d->nerrors : 0; }

const gavel_reason *gavel_decision_reason(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->nreasons && VIEW(d) ? &d->view_reasons[i] : NULL;
}
const gavel_reason *gavel_decision_defeated(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->ndefeated && VIEW(d) ? &d->view_defeated[i] : NULL;
}
const char *gavel_decision_fired(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->nfired ? rule_id(d, d->fired[i].rule) : NULL;
}
const gavel_missing *gavel_decision_missing(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->nmissing && VIEW(d) ? &d->view_missing[i] : NULL;
}
const gavel_error_entry *gavel_decision_error(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->nerrors ? &d->errors[i] : NULL;
}
size_t gavel_decision_nmeasure_reasons(const gavel_decision *d)
{
    return d ? (size_t)d->nmreasons : 0;
}
const gavel_reason *gavel_decision_measure_reason(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->nmreasons && VIEW(d) ? &d->view_mreasons[i] : NULL;
}
size_t gavel_decision_nmeasures(const gavel_decision *d)
{
    return d ? (size_t)d->measures.nout : 0;
}
const gavel_measure *gavel_decision_measure(const gavel_decision *d, size_t i)
{
    return d && i < (size_t)d->measures.nout && VIEW(d) ? &d->measures.view_out[i] : NULL;
}

/* ---- JSON ----------------------------------------------------------------------- */

static void json_str_or_null(gv_buf *b, const char *s)
{
    if (s)
        gv_buf_json_str(b, s, strlen(s));
    else
        gv_buf_add(b, "null", 4);
}

/* Every decision repeats these; they are encoded once per policy. */
static char *encoded(gv_buf *b)
{
    if (!b->oom)
        return gv_buf_detach(b, NULL);
    gv_buf_free(b);
    return NULL;
}

int gvdec_encode_policy(gavel_policy *p)
{
    gv_buf b = GV_BUF_INIT;
    gv_buf_adds(&b, ",\"policy\":{\"name\":");
    json_str_or_null(&b, p->name);
    gv_buf_adds(&b, ",\"version\":");
    json_str_or_null(&b, p->version);
    gv_buf_adds(&b, ",\"digest\":");
    json_str_or_null(&b, p->digest);
    gv_buf_addc(&b, '}');
    if (!(p->json_policy = encoded(&b)))
        return -1;
    for (int i = 0; i < p->nrules; i++) {
        gvpol_rule *r = &p->rules[i];
        json_str_or_null(&b, r->info.id);
        if (!(r->json_id = encoded(&b)))
            return -1;
        gv_buf_adds(&b, "{\"rule\":");
        gv_buf_adds(&b, r->json_id);
        gv_buf_adds(&b, ",\"outcome\":");
        json_str_or_null(&b, r->info.outcome);
        if (!(r->json_head = encoded(&b)))
            return -1;
        gv_buf_adds(&b, ",\"cites\":");
        json_str_or_null(&b, r->info.cites);
        if (!(r->json_cites = encoded(&b)))
            return -1;
    }
    return 0;
}

static void json_entry(gv_buf *b, const gavel_decision *d, const gvdec_entry *e)
{
    const gvpol_rule *r = &d->policy->rules[e->rule];
    gv_buf_adds(b, r->json_head);
    if (e->by >= 0) {
        gv_buf_add(b, ",\"by\":", 6);
        gv_buf_adds(b, d->policy->rules[e->by].json_id);
    }
    gv_buf_adds(b, r->json_cites);
    gv_buf_add(b, ",\"reason\":", 10);
    json_str_or_null(b, e->reason);
    gv_buf_add(b, ",\"evidence\":", 12);
    gv_buf_adds(b, e->evidence);    /* already JSON */
    if (e->by >= 0 && gvms_count_own(&d->measures, (int)(e - d->fired)) > 0) {
        gv_buf_adds(b, ",\"measures\":");    /* what was set aside with it */
        gvms_json(b, &d->measures, (int)(e - d->fired), d->policy);
    }
    gv_buf_addc(b, '}');
}

static void json_entries(gv_buf *b, const gavel_decision *d, const int *idx, int n)
{
    gv_buf_addc(b, '[');
    for (int i = 0; i < n; i++) {
        if (i)
            gv_buf_addc(b, ',');
        json_entry(b, d, &d->fired[idx[i]]);
    }
    gv_buf_addc(b, ']');
}

const char *gavel_decision_json(gavel_decision *d, size_t *len)
{
    if (!d || !d->policy)
        return NULL;
    gv_buf *b = &d->json;
    if (b->len == 0) {
        const gavel_policy *p = d->policy;
        gv_buf_add(b, "{\"id\":", 6);
        if (d->id)
            gv_write_json(b, &d->idv);
        else
            gv_buf_add(b, "null", 4);
        gv_buf_add(b, ",\"decision\":", 12);
        json_str_or_null(b, gavel_decision_outcome(d));
        if (d->is_default)
            gv_buf_adds(b, ",\"default\":true");
        gv_buf_adds(b, p->json_policy);
        gv_buf_adds(b, ",\"reasons\":");
        json_entries(b, d, d->reasons, d->nreasons);
        if (p->nactions) {          /* a policy without actions writes what it always did */
            gv_buf_adds(b, ",\"measures\":");
            gvms_json(b, &d->measures, -1, p);
            gv_buf_adds(b, ",\"measure_reasons\":");
            json_entries(b, d, d->mreasons, d->nmreasons);
        }
        gv_buf_adds(b, ",\"defeated\":");
        json_entries(b, d, d->defeated, d->ndefeated);
        gv_buf_adds(b, ",\"fired\":[");
        for (int i = 0; i < d->nfired; i++) {
            if (i)
                gv_buf_addc(b, ',');
            gv_buf_adds(b, p->rules[d->fired[i].rule].json_id);
        }
        gv_buf_adds(b, "],\"missing\":[");
        for (int i = 0; i < d->nmissing; i++) {
            const gvdec_missing *m = &d->missing[i];
            if (i)
                gv_buf_addc(b, ',');
            gv_buf_adds(b, "{\"path\":");
            json_str_or_null(b, m->path);
            gv_buf_adds(b, ",\"rules\":[");
            for (int k = 0; k < m->nrules; k++) {
                if (k)
                    gv_buf_addc(b, ',');
                json_str_or_null(b, rule_id(d, m->rules[k]));
            }
            gv_buf_adds(b, "]}");
        }
        gv_buf_adds(b, "],\"errors\":[");
        for (int i = 0; i < d->nerrors; i++) {
            if (i)
                gv_buf_addc(b, ',');
            gv_buf_adds(b, "{\"rule\":");
            json_str_or_null(b, d->errors[i].rule);
            gv_buf_adds(b, ",\"message\":");
            json_str_or_null(b, d->errors[i].message);
            gv_buf_addc(b, '}');
        }
        gv_buf_adds(b, "],\"as_of\":");
        json_str_or_null(b, d->as_of[0] ? d->as_of : NULL);   /* null: no law applied */
        gv_buf_addc(b, '}');
    }
    if (b->oom)          /* asked again: still no JSON, not the part written */
        return NULL;
    if (len)
        *len = b->len;
    return b->ptr;
}

/* ---- counterfactuals ------------------------------------------------------------ */

gavel_status gavel_decision_without(const gavel_decision *d, const char *rule,
                                    gavel_decision *out)
{
    if (!d || !rule || !out || !d->policy || d == out)
        return GAVEL_EARG;
    int found = 0;
    gvdec_reset(out, d->policy);
    memcpy(out->as_of, d->as_of, sizeof out->as_of);
    if (d->id && gvdec_set_id(out, &d->idv) != 0)
        return GAVEL_ENOMEM;
    for (int f = 0; f < d->nfired; f++) {
        const gvdec_entry *e = &d->fired[f];
        if (strcmp(d->policy->rules[e->rule].info.id, rule) == 0) {
            found = 1;
            continue;
        }
        if (gvdec_add_fired(out, e->rule, e->reason, e->evidence) ||
            gvms_copy_own(&out->measures, &d->measures, f, out->nfired - 1, &out->arena))
            return GAVEL_ENOMEM;
    }
    for (int i = 0; i < d->nerrors; i++) {
        const gavel_error_entry *e = &d->errors[i];
        int r = -1;
        for (int k = 0; e->rule && k < d->policy->nrules; k++)
            if (d->policy->rules[k].info.id == e->rule)
                r = k;
        gvdec_add_error(out, r, "%s", e->message);
    }
    for (int i = 0; i < d->nmissing; i++)
        for (int k = 0; k < d->missing[i].nrules; k++)
            gvdec_add_missing(out, d->missing[i].path, strlen(d->missing[i].path),
                              d->missing[i].rules[k]);
    if (gvdec_resolve(out) != 0)
        return GAVEL_ENOMEM;
    return found ? GAVEL_OK : GAVEL_EARG;
}
