/*
 * notice_model.c: what a reasoned notice says (notice_model.h), from the
 * decision line, the order in the context and the policy. It writes
 * nothing; notices.c does. Calls gavel.h, cli.h's value helpers and
 * tally_grow (running out of memory ends the command).
 */
#include "notice_model.h"
#include "cli.h"
#include "tally.h"

#include <stdlib.h>
#include <string.h>

const gavel_value *notices_order(const gavel_value *context)
{
    const gavel_value *o = gavel_value_get(context, "order");
    if (gavel_value_type(o) == GAVEL_OBJECT)
        return o;
    return gavel_value_type(context) == GAVEL_OBJECT ? context : NULL;
}

const char *notices_place(const char *code)
{
    /* The countries of the policies' orders and of the EU's regulations;
     * any other code is said as it is. */
    static const char *const names[][2] = {
        { "IN", "India" }, { "US", "the United States" }, { "GB", "the United Kingdom" },
        { "DE", "Germany" }, { "FR", "France" }, { "BR", "Brazil" }, { "TR", "Turkey" },
        { "RU", "Russia" }, { "PK", "Pakistan" }, { "ID", "Indonesia" }, { "NG", "Nigeria" },
        { "AU", "Australia" }, { "CA", "Canada" }, { "EU", "the European Union" },
        { "AT", "Austria" }, { "BE", "Belgium" }, { "BG", "Bulgaria" }, { "CY", "Cyprus" },
        { "CZ", "Czechia" }, { "DK", "Denmark" }, { "EE", "Estonia" }, { "ES", "Spain" },
        { "FI", "Finland" }, { "GR", "Greece" }, { "HR", "Croatia" }, { "HU", "Hungary" },
        { "IE", "Ireland" }, { "IT", "Italy" }, { "LT", "Lithuania" }, { "LU", "Luxembourg" },
        { "LV", "Latvia" }, { "MT", "Malta" }, { "NL", "the Netherlands" }, { "PL", "Poland" },
        { "PT", "Portugal" }, { "RO", "Romania" }, { "SE", "Sweden" }, { "SI", "Slovenia" },
        { "SK", "Slovakia" }, { "IS", "Iceland" }, { "LI", "Liechtenstein" }, { "NO", "Norway" },
        { "CH", "Switzerland" } };
    static char buf[128];
    if (!strcmp(code, "*"))
        return "everywhere";
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(code, names[i][0])) {
            snprintf(buf, sizeof buf, "%s (%s)", names[i][1], code);
            return buf;
        }
    snprintf(buf, sizeof buf, "%s", code);
    return buf;
}

static notice_entry *list_add(notice_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->it = tally_grow(l->it, l->cap * sizeof *l->it);
    }
    l->it[l->n] = (notice_entry){ 0 };
    return &l->it[l->n++];
}

static const char *first_str(const gavel_value *o, const char *const *keys)
{
    for (; *keys; keys++)
        if (cli_str(o, *keys))
            return cli_str(o, *keys);
    return NULL;
}

static const gavel_value *first_of(const gavel_value *o, const char *const *keys)
{
    for (; *keys; keys++)
        if (gavel_value_get(o, *keys))
            return gavel_value_get(o, *keys);
    return NULL;
}

static const gavel_value *reason_of(const gavel_value *list, const char *rule)
{
    for (size_t i = 0; i < gavel_value_len(list); i++)
        if (rule && cli_str(gavel_value_at(list, i), "rule") &&
            !strcmp(cli_str(gavel_value_at(list, i), "rule"), rule))
            return gavel_value_at(list, i);
    return NULL;
}

static int in_list(const gavel_value *list, const char *s)
{
    for (size_t i = 0; i < gavel_value_len(list); i++) {
        const char *item = gavel_value_string(gavel_value_at(list, i), NULL);
        if (item && !strcmp(item, s))
            return 1;
    }
    return 0;
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* The record, the decision, where, the order, the policy, the date. */
static void build_heading(notice *n, const gavel_value *d, const gavel_value *context,
                          const char *jurisdiction)
{
    static const char *const nouns[][2] = { { "withhold", "withholding" },
        { "block", "blocking" }, { "remove", "removal" }, { "suspend", "suspension" },
        { "restrict", "restriction" }, { "review", "review" } };
    static const char *const k_issuer[] = { "issuer", "issuer_role", "issuing_authority",
                                            "authority", NULL };
    static const char *const k_grounds[] = { "stated_grounds", "grounds", NULL };
    static const char *const k_reasons[] = { "reasons_text", "reasons", NULL };
    char *id = cli_value_text(gavel_value_get(d, "id"));
    snprintf(n->id, sizeof n->id, "%s", id ? id : "?");
    free(id);
    n->decision = cli_str(d, "decision");
    for (size_t i = 0; i < sizeof nouns / sizeof *nouns; i++)
        if (!strcmp(n->decision, nouns[i][0]))
            n->noun = nouns[i][1];
    snprintf(n->place, sizeof n->place, "%s", jurisdiction ? notices_place(jurisdiction) : "");
    n->order = notices_order(context);
    n->order_id = cli_str(n->order, "id");
    n->issued = cli_str(n->order, "issued_at");
    /* Named when some issuer key is text; then shown as the first present. */
    n->issuer = first_str(n->order, k_issuer) ? first_of(n->order, k_issuer) : NULL;
    n->grounds = first_of(n->order, k_grounds);
    n->order_reasons = first_str(n->order, k_reasons);
    const gavel_value *pol = gavel_value_get(d, "policy");
    n->has_policy = pol != NULL;
    n->policy_name = cli_str(pol, "name");
    n->policy_version = cli_str(pol, "version");
    n->policy_digest = cli_str(pol, "digest");
    n->as_of = cli_str(d, "as_of");
}

/* The posts the decision rests on, from the evidence ("post", "posts"). */
static void build_posts(notice *n, const gavel_value *reasons)
{
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *ev = gavel_value_get(gavel_value_at(reasons, i), "evidence");
        const gavel_value *one = gavel_value_get(ev, "post"), *many = gavel_value_get(ev, "posts");
        for (size_t k = 0; k < 1 + gavel_value_len(many); k++) {
            const char *p = gavel_value_string(k == 0 ? one : gavel_value_at(many, k - 1), NULL);
            if (!p)
                continue;
            int dup = 0;
            for (size_t j = 0; j < n->nposts; j++)
                dup |= !strcmp(n->posts[j], p);
            if (!dup && n->nposts < NOTICE_MAX_POSTS)
                n->posts[n->nposts++] = p;
        }
    }
}

/* Each provision once, in the order first cited, with its rules. */
static void build_provisions(notice *n, const gavel_value *reasons)
{
    size_t nr = gavel_value_len(reasons);
    n->provisions = tally_grow(NULL, (nr + 1) * sizeof *n->provisions);
    for (size_t i = 0; i < nr; i++) {
        const char *cites = cli_str(gavel_value_at(reasons, i), "cites");
        int dup = 0;
        for (size_t k = 0; k < i && cites; k++)
            dup |= same(cli_str(gavel_value_at(reasons, k), "cites"), cites);
        if (dup)
            continue;
        notice_provision *p = &n->provisions[n->nprovisions++];
        *p = (notice_provision){ cites, tally_grow(NULL, (nr - i) * sizeof *p->rules), 0 };
        for (size_t k = i; k < nr; k++)
            if (k == i || same(cites, cli_str(gavel_value_at(reasons, k), "cites")))
                p->rules[p->nrules++] = cli_str(gavel_value_at(reasons, k), "rule");
    }
}

static void build_facts(notice *n, const gavel_value *d)
{
    const gavel_value *reasons = gavel_value_get(d, "reasons");
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *x = gavel_value_at(reasons, i);
        notice_entry *e = list_add(&n->facts);
        e->rule = cli_str(x, "rule");
        e->reason = cli_str(x, "reason");
        e->evidence = gavel_value_get(x, "evidence");
    }
    const gavel_value *mreasons = gavel_value_get(d, "measure_reasons");
    for (size_t i = 0; i < gavel_value_len(mreasons); i++) {
        const gavel_value *x = gavel_value_at(mreasons, i);
        notice_entry *e = list_add(&n->measure_facts);
        e->rule = cli_str(x, "rule");
        e->cites = cli_str(x, "cites");
        e->reason = cli_str(x, "reason");
        e->evidence = gavel_value_get(x, "evidence");
    }
    const gavel_value *errors = gavel_value_get(d, "errors");
    for (size_t i = 0; i < gavel_value_len(errors); i++) {
        notice_entry *e = list_add(&n->errors);
        e->rule = cli_str(gavel_value_at(errors, i), "rule");
        e->reason = cli_str(gavel_value_at(errors, i), "message");
    }
    const gavel_value *missing = gavel_value_get(d, "missing");
    for (size_t i = 0; i < gavel_value_len(missing); i++) {
        notice_entry *e = list_add(&n->missing);
        e->rule = cli_str(gavel_value_at(missing, i), "path");
        e->read_by = gavel_value_get(gavel_value_at(missing, i), "rules");
    }
}

/* A rule that applied and was set aside, with the reason of the rule that
 * set it aside, looked up in `why` and then in `why_too` (may be NULL). */
static void add_set_aside(notice_list *l, const gavel_value *x, const gavel_value *why,
                          const gavel_value *why_too)
{
    notice_entry *e = list_add(l);
    e->rule = cli_str(x, "rule");
    e->cites = cli_str(x, "cites");
    e->reason = cli_str(x, "reason");
    e->by = cli_str(x, "by");
    const gavel_value *by = reason_of(why, e->by);
    if (!by)
        by = reason_of(why_too, e->by);
    e->by_reason = cli_str(by, "reason");
    e->by_cites = cli_str(by, "cites");
    e->measures = gavel_value_get(x, "measures");
}

/* The policy's rules for another outcome that did not fire here but could
 * set aside a ground relied on: exemptions (outcome `weak`) or others. */
static void build_unused(notice *n, const gavel_value *d, const gavel_policy *policy,
                         const char *weak)
{
    const gavel_value *reasons = gavel_value_get(d, "reasons");
    const gavel_value *fired = gavel_value_get(d, "fired");
    for (size_t i = 0; policy && i < gavel_policy_nrules(policy); i++) {
        const gavel_rule_info *ri = gavel_policy_rule(policy, i);
        if (in_list(fired, ri->id) || same(ri->outcome, n->decision))
            continue;
        int relevant = 0;
        for (size_t k = 0; k < ri->ndefeats && !relevant; k++)
            relevant = reason_of(reasons, ri->defeats[k]) != NULL;
        if (!relevant)
            continue;
        int pass = same(ri->outcome, weak) ? NOTICE_EXEMPTIONS : NOTICE_OTHER_OBJECTIONS;
        notice_entry *e = list_add(&n->objections[pass].unused);
        e->rule = ri->id;
        e->cites = ri->cites;
    }
}

/* What was set aside: objections to the decision, and its own grounds. */
static void build_set_aside(notice *n, const gavel_value *d, const gavel_policy *policy)
{
    const char *weak = policy ? gavel_policy_default(policy) : "keep";
    const gavel_value *reasons = gavel_value_get(d, "reasons");
    const gavel_value *defeated = gavel_value_get(d, "defeated");
    for (size_t i = 0; i < gavel_value_len(defeated); i++) {
        const gavel_value *x = gavel_value_at(defeated, i);
        const char *out = cli_str(x, "outcome");
        if (same(out, n->decision))
            add_set_aside(&n->grounds_set_aside, x, defeated, reasons);
        else
            add_set_aside(&n->objections[same(out, weak) ? NOTICE_EXEMPTIONS
                                                         : NOTICE_OTHER_OBJECTIONS].applied,
                          x, reasons, NULL);
    }
    build_unused(n, d, policy, weak);
}

/* The same strings in the same order. */
static int same_list(const gavel_value *a, const gavel_value *b)
{
    if (gavel_value_len(a) != gavel_value_len(b))
        return 0;
    for (size_t i = 0; i < gavel_value_len(a); i++)
        if (!same(gavel_value_string(gavel_value_at(a, i), NULL),
                  gavel_value_string(gavel_value_at(b, i), NULL)))
            return 0;
    return 1;
}

/* Where the measures apply: each scope once, with its actions. */
static void add_where(notice *n, const notice_measure *m)
{
    notice_where *w = NULL;
    for (size_t i = 0; i < n->nwhere && !w; i++)
        if (same_list(n->where[i].scope, m->scope))
            w = &n->where[i];
    if (!w) {
        w = &n->where[n->nwhere++];
        *w = (notice_where){ .scope = m->scope };
    }
    for (size_t i = 0; i < w->nactions; i++)
        if (same(w->actions[i], m->action))
            return;
    if (m->action && w->nactions < NOTICE_MAX_ACTIONS)
        w->actions[w->nactions++] = m->action;
}

/* The measures the decision orders, and where they apply. */
static void build_measures(notice *n, const gavel_value *measures)
{
    size_t nm = gavel_value_type(measures) == GAVEL_ARRAY ? gavel_value_len(measures) : 0;
    n->measures = tally_grow(NULL, (nm + 1) * sizeof *n->measures);
    n->where = tally_grow(NULL, (nm + 1) * sizeof *n->where);
    for (size_t i = 0; i < nm; i++) {
        const gavel_value *m = gavel_value_at(measures, i);
        notice_measure *x = &n->measures[n->nmeasures++];
        *x = (notice_measure){ cli_str(m, "action"), gavel_value_get(m, "targets"),
                               gavel_value_get(m, "scope"), cli_str(m, "due"),
                               cli_str(m, "until"), gavel_value_get(m, "rules") };
        add_where(n, x);
    }
}

void notice_build(notice *n, const gavel_value *d, const gavel_value *context,
                  const char *jurisdiction, const gavel_policy *policy)
{
    memset(n, 0, sizeof *n);
    build_heading(n, d, context, jurisdiction);
    const gavel_value *reasons = gavel_value_get(d, "reasons");
    build_posts(n, reasons);
    build_provisions(n, reasons);
    build_facts(n, d);
    build_set_aside(n, d, policy);
    build_measures(n, gavel_value_get(d, "measures"));
}

void notice_free(notice *n)
{
    for (size_t i = 0; i < n->nprovisions; i++)
        free(n->provisions[i].rules);
    free(n->provisions);
    free(n->facts.it);
    free(n->measure_facts.it);
    free(n->errors.it);
    for (int k = 0; k < 2; k++) {
        free(n->objections[k].applied.it);
        free(n->objections[k].unused.it);
    }
    free(n->grounds_set_aside.it);
    free(n->missing.it);
    free(n->measures);
    free(n->where);
}
