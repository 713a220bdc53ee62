/*
 * rules.c: the policy's rule table and its defeat graph (rules.h).
 *
 * Rule metadata is read by running the rule files once in a throwaway
 * sandbox (sandbox.h); each evaluator later runs the same sources in its
 * own state. Owns checking each definition (outcome, in_force dates,
 * unique ids), expanding `defeats` globs into edges, and the topological
 * order, with a cycle named when there is one. Calls sandbox.h, lang.h,
 * measure.h (each rule's measures)
 * (the definitions the files made), date.h, policy.h (diagnostics) and
 * libc.
 */
#include "rules.h"
#include "buf.h"
#include "date.h"
#include "lang.h"
#include "measure.h"
#include "policy.h"
#include "sandbox.h"

#include <fnmatch.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* A Lua error "path:line: message" becomes a diagnostic at that place. */
static void lua_diag(gavel_policy *p, const char *fallback_file, const char *msg)
{
    const char *colon = strchr(msg, ':');
    while (colon) {
        char *end;
        unsigned long line = strtoul(colon + 1, &end, 10);
        if (end > colon + 1 && *end == ':') {
            char file[1024];
            size_t n = (size_t)(colon - msg) < sizeof file - 1 ? (size_t)(colon - msg) : sizeof file - 1;
            memcpy(file, msg, n);
            file[n] = '\0';
            const char *rest = end + 1;
            while (*rest == ' ')
                rest++;
            gvpol_diag(p, GAVEL_ERROR, file, (unsigned)line, 1, "%s", rest);
            return;
        }
        colon = strchr(colon + 1, ':');
    }
    gvpol_diag(p, GAVEL_ERROR, fallback_file, 0, 0, "%s", msg);
}

static char *field_dup(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    char *s = lua_isstring(L, -1) ? strdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* An in_force bound: a date (the start of its day, UTC) or a date-time
 * with Z or an offset. */
static int valid_bound(const char *s)
{
    int64_t ms;
    int date_only;
    return gvdate_instant(s, strlen(s), &ms, &date_only) == 0;
}

/* Reads the rule definitions the loader state collected. */
static void collect_rules(gavel_policy *p, lua_State *L)
{
    gvlang_rules_push(L);
    int list = lua_gettop(L);
    int n = (int)lua_rawlen(L, list);
    p->rules = calloc(n ? (size_t)n : 1, sizeof *p->rules);
    if (!p->rules) {
        p->status = GAVEL_ENOMEM;
        return;
    }
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, list, i + 1);
        int t = lua_gettop(L);
        gvpol_rule *r = &p->rules[p->nrules++];
        gavel_rule_info *info = &r->info;
        info->id = field_dup(L, t, "id");
        info->file = field_dup(L, t, "file");
        lua_getfield(L, t, "line");
        info->line = (unsigned)lua_tointeger(L, -1);
        lua_pop(L, 1);
        char *outcome = field_dup(L, t, "outcome");
        info->cites = field_dup(L, t, "cites");
        info->reason = field_dup(L, t, "reason");
        info->in_force_from = field_dup(L, t, "from");
        info->in_force_until = field_dup(L, t, "until");
        r->outcome = gvpol_outcome_index(p, outcome);
        info->outcome = r->outcome >= 0 ? p->outcomes[r->outcome] : NULL;
        if (outcome && r->outcome < 0)
            gvpol_diag(p, GAVEL_ERROR, info->file, info->line, 1,
                       "rule '%s': unknown outcome '%s'", info->id, outcome);
        free(outcome);
        if (info->in_force_from && !valid_bound(info->in_force_from))
            gvpol_diag(p, GAVEL_ERROR, info->file, info->line, 1,
                       "rule '%s': in_force.from '%s' is not a date YYYY-MM-DD or a "
                       "date-time with a zone",
                       info->id, info->in_force_from);
        if (info->in_force_until && !valid_bound(info->in_force_until))
            gvpol_diag(p, GAVEL_ERROR, info->file, info->line, 1,
                       "rule '%s': in_force.until '%s' is not a date YYYY-MM-DD or a "
                       "date-time with a zone",
                       info->id, info->in_force_until);
        int mt = lua_gettop(L);
        lua_getfield(L, t, "measures");
        char merr[600];
        if (gvms_parse_specs(L, -1, p, &r->measures, &r->nmeasures, merr, sizeof merr) != 0)
            gvpol_diag(p, GAVEL_ERROR, info->file, info->line, 1, "rule '%s': %s", info->id,
                       merr);
        lua_settop(L, mt);
        r->measures_read_evidence = gvms_reads_evidence(r->measures, r->nmeasures);
        r->measure_texts = calloc((size_t)r->nmeasures + 1, sizeof *r->measure_texts);
        for (int k = 0; r->measure_texts && k < r->nmeasures; k++)
            r->measure_texts[k] = r->measures[k].text;
        info->nmeasures = r->measure_texts ? (size_t)r->nmeasures : 0;
        info->measures = r->measure_texts;
        lua_getfield(L, t, "defeats");
        r->npatterns = (int)lua_rawlen(L, -1);
        r->patterns = calloc(r->npatterns ? (size_t)r->npatterns : 1, sizeof *r->patterns);
        for (int k = 0; r->patterns && k < r->npatterns; k++) {
            lua_rawgeti(L, -1, k + 1);
            r->patterns[k] = strdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        lua_settop(L, t - 1);
    }
    lua_settop(L, list - 1);
}

static void check_duplicates(gavel_policy *p)
{
    for (int i = 0; i < p->nrules; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(p->rules[i].info.id, p->rules[j].info.id) == 0) {
                gvpol_diag(p, GAVEL_ERROR, p->rules[i].info.file, p->rules[i].info.line, 1,
                           "duplicate rule id '%s' (first defined at %s:%u)",
                           p->rules[i].info.id, p->rules[j].info.file, p->rules[j].info.line);
                break;
            }
}

static int push_int(int **arr, int *n, int v)
{
    int *a = realloc(*arr, (size_t)(*n + 1) * sizeof *a);
    if (!a)
        return -1;
    a[(*n)++] = v;
    *arr = a;
    return 0;
}

/* Expands `defeats` patterns into edges; a pattern that matches no rule is
 * an error (a typo would otherwise silently disable an exemption). */
static void build_edges(gavel_policy *p)
{
    for (int i = 0; i < p->nrules; i++) {
        gvpol_rule *r = &p->rules[i];
        for (int k = 0; k < r->npatterns; k++) {
            int hits = 0;
            for (int j = 0; j < p->nrules; j++) {
                if (fnmatch(r->patterns[k], p->rules[j].info.id, 0) != 0)
                    continue;
                if (j == i) {
                    gvpol_diag(p, GAVEL_ERROR, r->info.file, r->info.line, 1,
                               "rule '%s' defeats itself (pattern '%s')",
                               r->info.id, r->patterns[k]);
                    continue;
                }
                hits++;
                int dup = 0;
                for (int d = 0; d < r->ndefeats_idx; d++)
                    dup |= r->defeats[d] == j;
                if (dup)
                    continue;
                push_int(&r->defeats, &r->ndefeats_idx, j);
            }
            if (!hits)
                gvpol_diag(p, GAVEL_ERROR, r->info.file, r->info.line, 1,
                           "rule '%s': defeats pattern '%s' matches no rule",
                           r->info.id, r->patterns[k]);
        }
    }
    /* Incoming edges in policy order, so `by` is the first defeater. */
    for (int j = 0; j < p->nrules; j++)
        for (int i = 0; i < p->nrules; i++)
            for (int d = 0; d < p->rules[i].ndefeats_idx; d++)
                if (p->rules[i].defeats[d] == j)
                    push_int(&p->rules[j].defeaters, &p->rules[j].ndefeaters, i);
    for (int i = 0; i < p->nrules; i++) {
        gvpol_rule *r = &p->rules[i];
        r->info.ndefeats = (size_t)r->ndefeats_idx;
        const char **ids = calloc(r->ndefeats_idx ? (size_t)r->ndefeats_idx : 1, sizeof *ids);
        for (int d = 0; ids && d < r->ndefeats_idx; d++)
            ids[d] = p->rules[r->defeats[d]].info.id;
        r->info.defeats = ids;
    }
}

/* Names one cycle: walk defeater links among the rules left over by Kahn's
 * algorithm until a rule repeats. */
static void report_cycle(gavel_policy *p, const int *indeg)
{
    int start = -1;
    for (int i = 0; i < p->nrules && start < 0; i++)
        if (indeg[i] > 0)
            start = i;
    int *seen = calloc((size_t)p->nrules, sizeof *seen);
    int *path = calloc((size_t)p->nrules + 1, sizeof *path);
    if (!seen || !path) {
        free(seen);
        free(path);
        return;
    }
    int n = 0, cur = start;
    while (!seen[cur]) {
        seen[cur] = n + 1;
        path[n++] = cur;
        int next = -1;
        for (int d = 0; d < p->rules[cur].ndefeaters && next < 0; d++)
            if (indeg[p->rules[cur].defeaters[d]] > 0)
                next = p->rules[cur].defeaters[d];
        if (next < 0)
            break;
        cur = next;
    }
    gv_buf b = GV_BUF_INIT;
    int from = seen[cur] ? seen[cur] - 1 : 0;
    for (int k = n - 1; k >= from; k--) {
        gv_buf_adds(&b, p->rules[path[k]].info.id);
        gv_buf_adds(&b, " -> ");
    }
    gv_buf_adds(&b, p->rules[path[n - 1]].info.id);
    const gavel_rule_info *r = &p->rules[cur].info;
    gvpol_diag(p, GAVEL_ERROR, r->file, r->line, 1, "defeat cycle: %s", b.ptr ? b.ptr : "");
    gv_buf_free(&b);
    free(seen);
    free(path);
}

/* Kahn's algorithm, taking the earliest ready rule in policy order so the
 * order is stable. */
static void order_rules(gavel_policy *p)
{
    int n = p->nrules;
    int *indeg = calloc(n ? (size_t)n : 1, sizeof *indeg);
    p->topo = calloc(n ? (size_t)n : 1, sizeof *p->topo);
    if (!indeg || !p->topo) {
        free(indeg);
        p->status = GAVEL_ENOMEM;
        return;
    }
    for (int i = 0; i < n; i++)
        indeg[i] = p->rules[i].ndefeaters;
    int done = 0;
    for (int progress = 1; progress && done < n;) {
        progress = 0;
        for (int i = 0; i < n; i++) {
            if (indeg[i] != 0)
                continue;
            indeg[i] = -1;
            p->topo[done++] = i;
            for (int d = 0; d < p->rules[i].ndefeats_idx; d++)
                indeg[p->rules[i].defeats[d]]--;
            progress = 1;
            break;
        }
    }
    if (done < n)
        report_cycle(p, indeg);
    free(indeg);
}

void gvrule_load(gavel_policy *p)
{
    gvsb sb;
    memset(&sb, 0, sizeof sb);
    sb.mem_limit = p->limits.memory;
    sb.budget = p->limits.instructions;
    sb.millis = p->limits.millis;
    char msg[1024];
    lua_State *L = gvsb_new(p, &sb, msg, sizeof msg);
    if (!L) {
        gvpol_diag(p, GAVEL_ERROR, p->dir, 0, 0, "%s", msg);
        return;
    }
    if (gvsb_load_rules(L, p, msg, sizeof msg) != 0) {
        lua_diag(p, p->dir, msg);
        gvsb_close(L);
        return;
    }
    collect_rules(p, L);
    gvsb_close(L);
    check_duplicates(p);
    build_edges(p);
    if (p->status == GAVEL_OK)
        order_rules(p);
}

void gvrule_free(gavel_policy *p)
{
    for (int i = 0; i < p->nrules; i++) {
        gvpol_rule *r = &p->rules[i];
        free((char *)r->info.id);
        free((char *)r->info.file);
        free((char *)r->info.cites);
        free((char *)r->info.reason);
        free(r->json_id);
        free(r->json_head);
        free(r->json_cites);
        free((char *)r->info.in_force_from);
        free((char *)r->info.in_force_until);
        free((void *)r->info.defeats);
        gvms_free_specs(r->measures, r->nmeasures);
        free(r->measure_texts);
        for (int k = 0; k < r->npatterns; k++)
            free(r->patterns[k]);
        free(r->patterns);
        free(r->defeats);
        free(r->defeaters);
    }
    free(p->rules);
    free(p->topo);
}
