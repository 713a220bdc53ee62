/*
 * diff.c: the model of `gavel diff` (diff.h): the rule changes between two
 * policies, the decision matrix and the groups of records that changed.
 * It composes the texts a group carries (its reasons before and after,
 * what moved and why) but writes nothing out; cmd_diff.c does. Out of
 * memory ends the command (exit 2), as cli_strdup does.
 *
 * A change of measures (an action ordered or no longer, a target, scope,
 * due or until changed, or the rules that ordered it) is a change like one
 * of reasons: counted, and grouped with what changed.
 *
 * Calls gavel.h, tally.h, and cli.h's value helpers and measures in words.
 */
#include "diff.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
    cli_error("out of memory");
    exit(EXIT_TROUBLE);
}

/* A growing string. */
typedef struct sbuf {
    char  *s;
    size_t len;
    FILE  *f;
} sbuf;

static void sb_open(sbuf *b)
{
    b->s = NULL;
    b->len = 0;
    b->f = open_memstream(&b->s, &b->len);
    if (!b->f)
        out_of_memory();
}

static char *sb_take(sbuf *b)
{
    if (fclose(b->f) != 0 || !b->s)
        out_of_memory();
    return b->s;
}


typedef enum { WHY_REASON, WHY_CITES, WHY_EVIDENCE, WHY_MEASURES } why_kind;

/* A decision's measures, one a line, in their one-line form. */
static void put_measures(FILE *f, const gavel_decision *d)
{
    size_t n = gavel_decision_nmeasures(d);
    if (!n)
        fputs("no measures", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "\n" : "", f);
        cli_measure_put(f, gavel_decision_measure(d, i));
    }
}

/* The reasons of a decision for a person: "rule: reason", one a line. */
static char *why(const gavel_decision *d, why_kind k)
{
    sbuf b;
    sb_open(&b);
    if (k == WHY_MEASURES) {
        put_measures(b.f, d);
        return sb_take(&b);
    }
    if (gavel_decision_nerrors(d)) {
        const gavel_error_entry *e = gavel_decision_error(d, 0);
        fprintf(b.f, "error%s%s: %s", e->rule ? " in " : "", e->rule ? e->rule : "", e->message);
    } else if (gavel_decision_nreasons(d) == 0) {
        fputs("no rule applies (the policy's default)", b.f);
    }
    for (size_t i = 0; !gavel_decision_nerrors(d) && i < gavel_decision_nreasons(d); i++) {
        const gavel_reason *r = gavel_decision_reason(d, i);
        const char *text = k == WHY_CITES ? (r->cites ? r->cites : "(cites nothing)")
                         : k == WHY_EVIDENCE ? r->evidence : r->reason;
        fprintf(b.f, "%s%s: %s", i ? "\n" : "", r->rule, text ? text : "");
    }
    return sb_take(&b);
}

static int streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* For two decisions with the same outcome: what differs in their reasons
 * ("determining rules", or some of "citations", "reasons", "evidence")
 * and then in their measures ("measures"), or NULL when nothing does.
 * *kind says which text shows it best. */
static char *reasons_what(const gavel_decision *a, const gavel_decision *b, why_kind *kind)
{
    size_t na = gavel_decision_nreasons(a), nb = gavel_decision_nreasons(b);
    int rules = na != nb || (gavel_decision_nerrors(a) > 0) != (gavel_decision_nerrors(b) > 0) ||
                (gavel_decision_is_default(a) != 0) != (gavel_decision_is_default(b) != 0);
    for (size_t i = 0; !rules && i < na; i++)
        rules = strcmp(gavel_decision_reason(a, i)->rule, gavel_decision_reason(b, i)->rule) != 0;
    int measures = cli_measures_changes(NULL, a, b, "") > 0;
    *kind = WHY_REASON;
    if (rules)
        return cli_strdup(measures ? "determining rules, measures" : "determining rules");
    int cites = 0, reason = 0, evidence = 0;
    for (size_t i = 0; i < na; i++) {
        const gavel_reason *x = gavel_decision_reason(a, i), *y = gavel_decision_reason(b, i);
        cites |= !streq(x->cites, y->cites);
        reason |= !streq(x->reason, y->reason);
        evidence |= !streq(x->evidence, y->evidence);
    }
    if (!cites && !reason && !evidence && !measures)
        return NULL;
    *kind = cites ? WHY_CITES : reason ? WHY_REASON : evidence ? WHY_EVIDENCE : WHY_MEASURES;
    sbuf s;
    sb_open(&s);
    const char *sep = "";
    if (cites) { fprintf(s.f, "%scitations", sep); sep = ", "; }
    if (reason) { fprintf(s.f, "%sreasons", sep); sep = ", "; }
    if (evidence) { fprintf(s.f, "%sevidence", sep); sep = ", "; }
    if (measures) fprintf(s.f, "%smeasures", sep);
    return sb_take(&s);
}

char *diff_what_changed(const gavel_decision *a, const gavel_decision *b)
{
    why_kind kind;
    return reasons_what(a, b, &kind);
}

/* What changed in the measures of one record, "; " between; "" when
 * nothing did. */
static char *measures_change(const gavel_decision *a, const gavel_decision *b)
{
    sbuf s;
    sb_open(&s);
    cli_measures_changes(s.f, a, b, "; ");
    return sb_take(&s);
}

static const gavel_reason *find_in(const gavel_decision *d, int defeated, const char *rule)
{
    size_t n = defeated ? gavel_decision_ndefeated(d) : gavel_decision_nreasons(d);
    for (size_t i = 0; i < n; i++) {
        const gavel_reason *r = defeated ? gavel_decision_defeated(d, i) : gavel_decision_reason(d, i);
        if (!strcmp(r->rule, rule))
            return r;
    }
    return NULL;
}

static int fired_in(const gavel_decision *d, const char *rule)
{
    for (size_t i = 0; i < gavel_decision_nfired(d); i++)
        if (!strcmp(gavel_decision_fired(d, i), rule))
            return 1;
    return 0;
}

static int policy_has(const gavel_policy *p, const char *id)
{
    for (size_t i = 0; i < gavel_policy_nrules(p); i++)
        if (!strcmp(gavel_policy_rule(p, i)->id, id))
            return 1;
    return 0;
}

/* Why the determining rules moved, from the two decisions of one record:
 * each rule that stopped deciding, and each that started. */
static char *because(const gavel_decision *a, const gavel_decision *b, const gavel_policy *po,
                     const gavel_policy *pn)
{
    sbuf s;
    sb_open(&s);
    const char *sep = "";
    for (size_t i = 0; i < gavel_decision_nreasons(a); i++) {
        const char *rule = gavel_decision_reason(a, i)->rule;
        if (find_in(b, 0, rule))
            continue;
        const gavel_reason *d = find_in(b, 1, rule);
        if (!policy_has(pn, rule))
            fprintf(s.f, "%s%s is not in the new policy", sep, rule);
        else if (d)
            fprintf(s.f, "%s%s is now set aside by %s", sep, rule, d->by);
        else if (!fired_in(b, rule))
            fprintf(s.f, "%s%s no longer applies", sep, rule);
        else
            fprintf(s.f, "%s%s no longer decides (a stronger outcome applies)", sep, rule);
        sep = "; ";
    }
    for (size_t i = 0; i < gavel_decision_nreasons(b); i++) {
        const char *rule = gavel_decision_reason(b, i)->rule;
        if (find_in(a, 0, rule))
            continue;
        const gavel_reason *d = find_in(a, 1, rule);
        if (d)
            fprintf(s.f, "%s%s is no longer set aside (it was, by %s)", sep, rule, d->by);
        else if (!fired_in(a, rule))
            fprintf(s.f, "%s%s %s", sep, rule,
                    policy_has(po, rule) ? "now applies" : "is new in this policy");
        else
            fprintf(s.f, "%s%s now decides", sep, rule);
        sep = "; ";
    }
    return sb_take(&s);
}

/* The determining rules of a decision: a group's key and its ids. */
static diff_rules rules_of(const gavel_decision *d)
{
    diff_rules r = { 0 };
    if (gavel_decision_nerrors(d) || gavel_decision_is_default(d) ||
        gavel_decision_nreasons(d) == 0) {
        r.text = cli_strdup(gavel_decision_nerrors(d) ? "(error)" : "(default)");
        r.word = 1;
        return r;
    }
    r.nids = gavel_decision_nreasons(d);
    if (!(r.ids = calloc(r.nids, sizeof *r.ids)))
        out_of_memory();
    sbuf b;
    sb_open(&b);
    for (size_t i = 0; i < r.nids; i++) {
        r.ids[i] = cli_strdup(gavel_decision_reason(d, i)->rule);
        fprintf(b.f, "%s%s", i ? ", " : "", r.ids[i]);
    }
    r.text = sb_take(&b);
    return r;
}

static void rules_free(diff_rules *r)
{
    for (size_t i = 0; i < r->nids; i++)
        free(r->ids[i]);
    free(r->ids);
    free(r->text);
}

static void group_free(void *data)
{
    diff_group *g = data;
    if (!g)
        return;
    free(g->from);
    free(g->to);
    rules_free(&g->old_rules);
    rules_free(&g->new_rules);
    free(g->what);
    free(g->old_why);
    free(g->new_why);
    free(g->because);
    free(g->measures);
    for (size_t k = 0; k < g->nex; k++) {
        free(g->examples[k]);
        free(g->examples_json[k]);
    }
    free(g);
}

/* A group's key: its decisions, rules and what changed, a tab apart (rule
 * ids and outcomes are names, without tabs). */
static char *group_key(const char *from, const char *to, const diff_rules *o,
                       const diff_rules *n, const char *what)
{
    sbuf b;
    sb_open(&b);
    fprintf(b.f, "%s\t%s\t%s\t%s\t%s", from, to, o->text, n->text, what ? what : "");
    return sb_take(&b);
}

/* Counts a record in its group, made at its first record (whose reasons
 * the group shows); keeps its id while there is room for examples. */
static void group_add(const diff_result *r, tally *groups, const gavel_decision *a,
                      const gavel_decision *b, char *what, why_kind kind)
{
    diff_rules orules = rules_of(a), nrules = rules_of(b);
    const char *from = gavel_decision_outcome(a), *to = gavel_decision_outcome(b);
    char *key = group_key(from, to, &orules, &nrules, what);
    tally_item *it = tally_add(groups, key, 1);
    free(key);
    diff_group *g = it->data;
    if (g) {
        rules_free(&orules);
        rules_free(&nrules);
        free(what);
    } else {
        if (!(g = calloc(1, sizeof *g)))
            out_of_memory();
        *g = (diff_group){ .from = cli_strdup(from), .to = cli_strdup(to),
                           .old_rules = orules, .new_rules = nrules, .what = what,
                           .old_why = why(a, kind), .new_why = why(b, kind),
                           .because = because(a, b, r->old, r->new_),
                           .measures = measures_change(a, b) };
        it->data = g;
    }
    if (g->nex < r->nexamples) {
        char *json = cli_value_json(gavel_decision_id_value(a));
        if (!json)
            out_of_memory();
        g->examples_json[g->nex] = json;
        g->examples[g->nex++] = cli_strdup(gavel_decision_id(a));
    }
}

/* ---- rule changes between the two policies ---------------------------------------- */

static const gavel_rule_info *find_rule(const gavel_policy *p, const char *id)
{
    for (size_t i = 0; i < gavel_policy_nrules(p); i++)
        if (!strcmp(gavel_policy_rule(p, i)->id, id))
            return gavel_policy_rule(p, i);
    return NULL;
}

static int defeats_has(const gavel_rule_info *r, const char *id)
{
    for (size_t i = 0; i < r->ndefeats; i++)
        if (!strcmp(r->defeats[i], id))
            return 1;
    return 0;
}

static void put_quoted(FILE *f, const char *s)
{
    if (s)
        fprintf(f, "\"%s\"", s);
    else
        fputs("none", f);
}

/* "; cites "old" -> "new"" when a text field of a rule changed. */
static void put_text_change(FILE *f, const char **sep, const char *what, const char *a,
                            const char *b)
{
    if (streq(a, b))
        return;
    fprintf(f, "%s%s ", *sep, what);
    put_quoted(f, a);
    fputs(" -> ", f);
    put_quoted(f, b);
    *sep = "; ";
}

static int same_specs(const gavel_rule_info *a, const gavel_rule_info *b)
{
    if (a->nmeasures != b->nmeasures)
        return 0;
    for (size_t i = 0; i < a->nmeasures; i++)
        if (strcmp(a->measures[i], b->measures[i]))
            return 0;
    return 1;
}

/* "; measures "old" -> "new"" when the measures a rule orders changed, each
 * side its specs in words, " | " between. */
static void put_measures_change(FILE *f, const char **sep, const gavel_rule_info *a,
                                const gavel_rule_info *b)
{
    if (same_specs(a, b))
        return;
    fprintf(f, "%smeasures ", *sep);
    for (int side = 0; side < 2; side++) {
        const gavel_rule_info *r = side ? b : a;
        fputs(side ? " -> " : "", f);
        if (!r->nmeasures)
            fputs("none", f);
        for (size_t i = 0; i < r->nmeasures; i++)
            fprintf(f, "%s\"%s\"", i ? " | " : "", r->measures[i]);
    }
    *sep = "; ";
}

/* What changed in one rule, or NULL. Defeats are compared only over rules
 * both policies have: a ground that was removed is reported once, not as a
 * change in every exemption whose glob matched it. */
static char *rule_detail(const gavel_policy *po, const gavel_policy *pn,
                         const gavel_rule_info *a, const gavel_rule_info *b)
{
    sbuf s;
    sb_open(&s);
    const char *sep = "";
    if (!streq(a->outcome, b->outcome)) {
        fprintf(s.f, "%soutcome %s -> %s", sep, a->outcome ? a->outcome : "none",
                b->outcome ? b->outcome : "none");
        sep = "; ";
    }
    put_text_change(s.f, &sep, "cites", a->cites, b->cites);
    put_text_change(s.f, &sep, "reason", a->reason, b->reason);
    const char *lead = "no longer defeats ";
    for (size_t i = 0; i < a->ndefeats; i++)
        if (find_rule(pn, a->defeats[i]) && !defeats_has(b, a->defeats[i])) {
            fprintf(s.f, "%s%s%s", lead == NULL ? ", " : sep, lead ? lead : "", a->defeats[i]);
            lead = NULL;
            sep = "; ";
        }
    lead = "now defeats ";
    for (size_t i = 0; i < b->ndefeats; i++)
        if (find_rule(po, b->defeats[i]) && !defeats_has(a, b->defeats[i])) {
            fprintf(s.f, "%s%s%s", lead == NULL ? ", " : sep, lead ? lead : "", b->defeats[i]);
            lead = NULL;
            sep = "; ";
        }
    put_measures_change(s.f, &sep, a, b);
    if (!streq(a->in_force_from, b->in_force_from) || !streq(a->in_force_until, b->in_force_until))
        fprintf(s.f, "%sin force %s..%s -> %s..%s", sep,
                a->in_force_from ? a->in_force_from : "", a->in_force_until ? a->in_force_until : "",
                b->in_force_from ? b->in_force_from : "", b->in_force_until ? b->in_force_until : "");
    char *t = sb_take(&s);
    if (!*t) {
        free(t);
        return NULL;
    }
    return t;
}

static size_t rule_changes(const gavel_policy *po, const gavel_policy *pn, diff_rule_change **out)
{
    size_t n = 0, no = gavel_policy_nrules(po), nn = gavel_policy_nrules(pn);
    diff_rule_change *c = calloc(no + nn + 1, sizeof *c);
    if (!c)
        out_of_memory();
    for (size_t i = 0; i < no; i++) {
        const gavel_rule_info *a = gavel_policy_rule(po, i), *b = find_rule(pn, a->id);
        if (!b) {
            c[n++] = (diff_rule_change){ '-', a->id, a->outcome, NULL };
        } else {
            char *d = rule_detail(po, pn, a, b);
            if (d)
                c[n++] = (diff_rule_change){ '~', a->id, b->outcome, d };
        }
    }
    for (size_t i = 0; i < nn; i++) {
        const gavel_rule_info *b = gavel_policy_rule(pn, i);
        if (!find_rule(po, b->id))
            c[n++] = (diff_rule_change){ '+', b->id, b->outcome, NULL };
    }
    *out = c;
    return n;
}

/* ---- outcomes and the matrix ------------------------------------------------------- */

static size_t outcome_index(diff_matrix *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->names[i], name))
            return i;
    if (m->n == m->cap) {      /* an outcome neither policy lists: grow */
        size_t cap = m->cap * 2 + 4;
        char **names = realloc(m->names, cap * sizeof *names);
        unsigned long long *cell = calloc(cap * cap, sizeof *cell);
        if (!names || !cell)
            out_of_memory();
        for (size_t r = 0; r < m->n; r++)
            for (size_t k = 0; k < m->n; k++)
                cell[r * cap + k] = m->cell[r * m->cap + k];
        free(m->cell);
        m->names = names;
        m->cell = cell;
        m->cap = cap;
    }
    m->names[m->n] = cli_strdup(name);
    return m->n++;
}

/* ---- the result ---------------------------------------------------------------------- */

int diff_init(diff_result *r, const gavel_policy *po, const gavel_policy *pn,
              const char *as_of, size_t nexamples)
{
    *r = (diff_result){ .old = po, .new_ = pn, .as_of = as_of, .nexamples = nexamples };
    r->same_digest = !strcmp(gavel_policy_digest(po), gavel_policy_digest(pn));
    r->measures = gavel_policy_nactions(po) > 0 || gavel_policy_nactions(pn) > 0;
    r->changes.free_data = r->reasons.free_data = group_free;
    r->m.cap = gavel_policy_noutcomes(po) + gavel_policy_noutcomes(pn);
    r->m.names = calloc(r->m.cap + 1, sizeof *r->m.names);
    r->m.cell = calloc(r->m.cap * r->m.cap + 1, sizeof *r->m.cell);
    if (!r->m.names || !r->m.cell) {
        cli_error("out of memory");
        return -1;
    }
    for (size_t i = 0; i < gavel_policy_noutcomes(po); i++)
        outcome_index(&r->m, gavel_policy_outcome(po, i));
    for (size_t i = 0; i < gavel_policy_noutcomes(pn); i++)
        outcome_index(&r->m, gavel_policy_outcome(pn, i));
    r->nrc = rule_changes(po, pn, &r->rc);
    return 0;
}

void diff_add(diff_result *r, const gavel_decision *da, const gavel_decision *db)
{
    r->records++;
    const char *a = gavel_decision_outcome(da), *b = gavel_decision_outcome(db);
    size_t ia = outcome_index(&r->m, a), ib = outcome_index(&r->m, b);
    r->m.cell[ia * r->m.cap + ib]++;
    why_kind kind = WHY_REASON;
    char *what;
    if (strcmp(a, b)) {
        r->changed++;
        group_add(r, &r->changes, da, db, NULL, WHY_REASON);
    } else if ((what = reasons_what(da, db, &kind))) {
        r->reasons_changed++;
        group_add(r, &r->reasons, da, db, what, kind);
    } else {
        r->unchanged++;
    }
}

void diff_finish(diff_result *r)
{
    tally_sort(&r->changes);
    tally_sort(&r->reasons);
}

void diff_free(diff_result *r)
{
    for (size_t i = 0; i < r->nrc; i++)
        free(r->rc[i].detail);
    free(r->rc);
    for (size_t i = 0; i < r->m.n; i++)
        free(r->m.names[i]);
    free(r->m.names);
    free(r->m.cell);
    tally_free(&r->changes);
    tally_free(&r->reasons);
}
