/*
 * cmd_diff.c: `gavel diff -p OLD -p NEW INPUT...`: what a policy change does
 * to a data set. One pass over the input, each record evaluated by both
 * policies (an evaluator each); then
 *
 *   - the rules that differ between the two policies (added, removed, and
 *     changed outcome, citation, reason template, defeats or in_force),
 *   - the old x new decision matrix,
 *   - the records whose decision changed, grouped by (old decision -> new
 *     decision, old determining rules -> new), with counts, example ids and
 *     the first example's reasons before and after,
 *   - the records that kept their decision but for other reasons, or with
 *     other citations, grouped the same way.
 *
 * Exit status like diff(1): 0 nothing changed, 1 something did, 2 trouble.
 *
 * Calls gavel.h and the shared pieces of cli.h (options, messages, values).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char diff_usage[] =
    "usage: gavel diff -p OLD -p NEW [options] [INPUT...]\n"
    "\n"
    "Evaluates every record of the inputs under both policies, in one pass, and\n"
    "reports what the change does: the rules that differ, the old x new decision\n"
    "matrix, the records whose decision changes (grouped by old -> new decision\n"
    "and determining rules, with example ids), and the records that keep their\n"
    "decision for other reasons or with other citations.\n"
    "\n"
    "  -p, --policy DIR       the old policy, then the new one (give -p twice)\n"
    "      --context FILE     context file for both (e.g. the order)\n"
    "      --as-of DATE       evaluation date YYYY-MM-DD for both\n"
    "      --id-field NAME    record field used as the decision id (default: id)\n"
    "      --input-format F   jsonl, json or yaml for stdin and unknown extensions\n"
    "  -f, --format FORMAT    text (default) or json\n"
    "      --examples N       example ids per group (default 5)\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 no record changes; 1 some records change decision, reasons\n"
    "or citations; 2 could not run (usage, policy, unreadable input).\n";

typedef struct diff_opts {
    const char *policy[2], *context, *as_of, *id_field;
    int         npolicies, json;
    size_t      nexamples;
    gavel_format input_format;
    gavel_limits limits;
    char      **inputs;
    int         ninputs;
} diff_opts;

/* ---- groups ------------------------------------------------------------------- */

#define MAX_EXAMPLES 50

typedef struct group {
    char *from, *to;              /* decisions */
    char *old_rules, *new_rules;  /* determining rules, "a, b"; "(default)", "(error)" */
    char *what;                   /* same decision: what changed; NULL otherwise */
    unsigned long long count;
    size_t first;                 /* order of first appearance */
    char *examples[MAX_EXAMPLES]; /* ids, plain text */
    char *examples_json[MAX_EXAMPLES]; /* the same as JSON */
    size_t nex;
    char *old_why, *new_why;      /* the first example, before and after */
    char *because;                /* the first example: what moved, rule by rule */
} group;

typedef struct grouplist {
    group *g;
    size_t n, cap;
} grouplist;


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
    if (!b->f) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
}

static char *sb_take(sbuf *b)
{
    if (fclose(b->f) != 0 || !b->s) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    return b->s;
}

/* The determining rules of a decision, as a group key. */
static char *rules_key(const gavel_decision *d)
{
    if (gavel_decision_nerrors(d))
        return cli_strdup("(error)");
    if (gavel_decision_is_default(d) || gavel_decision_nreasons(d) == 0)
        return cli_strdup("(default)");
    sbuf b;
    sb_open(&b);
    for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
        fprintf(b.f, "%s%s", i ? ", " : "", gavel_decision_reason(d, i)->rule);
    return sb_take(&b);
}

typedef enum { WHY_REASON, WHY_CITES, WHY_EVIDENCE } why_kind;

/* The reasons of a decision for a person: "rule: reason", one a line. */
static char *why(const gavel_decision *d, why_kind k)
{
    sbuf b;
    sb_open(&b);
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
 * ("determining rules", or some of "citations", "reasons", "evidence"), or
 * NULL when nothing does. *kind says which text shows it best. */
static char *reasons_what(const gavel_decision *a, const gavel_decision *b, why_kind *kind)
{
    size_t na = gavel_decision_nreasons(a), nb = gavel_decision_nreasons(b);
    int rules = na != nb || (gavel_decision_nerrors(a) > 0) != (gavel_decision_nerrors(b) > 0) ||
                (gavel_decision_is_default(a) != 0) != (gavel_decision_is_default(b) != 0);
    for (size_t i = 0; !rules && i < na; i++)
        rules = strcmp(gavel_decision_reason(a, i)->rule, gavel_decision_reason(b, i)->rule) != 0;
    *kind = WHY_REASON;
    if (rules)
        return cli_strdup("determining rules");
    int cites = 0, reason = 0, evidence = 0;
    for (size_t i = 0; i < na; i++) {
        const gavel_reason *x = gavel_decision_reason(a, i), *y = gavel_decision_reason(b, i);
        cites |= !streq(x->cites, y->cites);
        reason |= !streq(x->reason, y->reason);
        evidence |= !streq(x->evidence, y->evidence);
    }
    if (!cites && !reason && !evidence)
        return NULL;
    *kind = cites ? WHY_CITES : reason ? WHY_REASON : WHY_EVIDENCE;
    sbuf s;
    sb_open(&s);
    const char *sep = "";
    if (cites) { fprintf(s.f, "%scitations", sep); sep = ", "; }
    if (reason) { fprintf(s.f, "%sreasons", sep); sep = ", "; }
    if (evidence) fprintf(s.f, "%sevidence", sep);
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

static void group_add(grouplist *l, const gavel_decision *a, const gavel_decision *b,
                      char *what, why_kind kind, size_t nexamples,
                      const gavel_policy *po, const gavel_policy *pn)
{
    char *orules = rules_key(a), *nrules = rules_key(b);
    const char *from = gavel_decision_outcome(a), *to = gavel_decision_outcome(b);
    group *g = NULL;
    for (size_t i = 0; i < l->n && !g; i++)
        if (!strcmp(l->g[i].from, from) && !strcmp(l->g[i].to, to) &&
            !strcmp(l->g[i].old_rules, orules) && !strcmp(l->g[i].new_rules, nrules) &&
            streq(l->g[i].what, what))
            g = &l->g[i];
    if (g) {
        free(orules);
        free(nrules);
        free(what);
    } else {
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 16;
            group *ng = realloc(l->g, cap * sizeof *ng);
            if (!ng) {
                cli_error("out of memory");
                exit(EXIT_TROUBLE);
            }
            l->g = ng;
            l->cap = cap;
        }
        g = &l->g[l->n];
        memset(g, 0, sizeof *g);
        g->first = l->n++;
        g->from = cli_strdup(from);
        g->to = cli_strdup(to);
        g->old_rules = orules;
        g->new_rules = nrules;
        g->what = what;
        g->old_why = why(a, kind);
        g->new_why = why(b, kind);
        g->because = because(a, b, po, pn);
    }
    g->count++;
    if (g->nex < nexamples) {
        char *json = cli_value_json(gavel_decision_id_value(a));
        if (!json) {
            cli_error("out of memory");
            exit(EXIT_TROUBLE);
        }
        g->examples_json[g->nex] = json;
        g->examples[g->nex++] = cli_strdup(gavel_decision_id(a));
    }
}

static int group_cmp(const void *x, const void *y)
{
    const group *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

static void groups_free(grouplist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        group *g = &l->g[i];
        free(g->from);
        free(g->to);
        free(g->old_rules);
        free(g->new_rules);
        free(g->what);
        free(g->old_why);
        free(g->new_why);
        free(g->because);
        for (size_t k = 0; k < g->nex; k++) {
            free(g->examples[k]);
            free(g->examples_json[k]);
        }
    }
    free(l->g);
}

/* ---- rule changes between the two policies ---------------------------------------- */

typedef struct rule_change {
    char        sign;   /* '+' added, '-' removed, '~' changed */
    const char *id;
    const char *outcome;
    char       *detail; /* what changed, for '~' */
} rule_change;

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

static size_t rule_changes(const gavel_policy *po, const gavel_policy *pn, rule_change **out)
{
    size_t n = 0, no = gavel_policy_nrules(po), nn = gavel_policy_nrules(pn);
    rule_change *c = calloc(no + nn + 1, sizeof *c);
    if (!c) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    for (size_t i = 0; i < no; i++) {
        const gavel_rule_info *a = gavel_policy_rule(po, i), *b = find_rule(pn, a->id);
        if (!b) {
            c[n++] = (rule_change){ '-', a->id, a->outcome, NULL };
        } else {
            char *d = rule_detail(po, pn, a, b);
            if (d)
                c[n++] = (rule_change){ '~', a->id, b->outcome, d };
        }
    }
    for (size_t i = 0; i < nn; i++) {
        const gavel_rule_info *b = gavel_policy_rule(pn, i);
        if (!find_rule(po, b->id))
            c[n++] = (rule_change){ '+', b->id, b->outcome, NULL };
    }
    *out = c;
    return n;
}

/* ---- outcomes and the matrix ------------------------------------------------------- */

typedef struct matrix {
    char **names;       /* owned */
    size_t n, cap;
    unsigned long long *cell;   /* cap x cap, old row, new column */
} matrix;

static size_t outcome_index(matrix *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->names[i], name))
            return i;
    if (m->n == m->cap) {      /* an outcome neither policy lists: grow */
        size_t cap = m->cap * 2 + 4;
        char **names = realloc(m->names, cap * sizeof *names);
        unsigned long long *cell = calloc(cap * cap, sizeof *cell);
        if (!names || !cell) {
            cli_error("out of memory");
            exit(EXIT_TROUBLE);
        }
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

/* ---- output ------------------------------------------------------------------------ */

typedef struct diff_result {
    const gavel_policy *old, *new_;
    const char *as_of;
    unsigned long long records, unchanged, changed, reasons_changed;
    matrix m;
    grouplist changes, reasons;
    rule_change *rc;
    size_t nrc;
} diff_result;

static void text_ids(const group *g)
{
    fputs("      e.g. ", stdout);
    for (size_t k = 0; k < g->nex; k++) {
        printf("%s%.255s", k ? ", " : "", g->examples[k]);
    }
    if (g->count > g->nex)
        printf(" (and %llu more)", g->count - g->nex);
    putchar('\n');
}

/* "      acc001 was: first line", the next lines under the first. */
static void print_lines(const char *id, const char *label, const char *text)
{
    static int width;
    if (*id)
        width = (int)strlen(id);
    printf("      %-*s %s: ", width, id, label);
    for (const char *s = text; *s; s++) {
        putchar(*s);
        if (*s == '\n')
            printf("      %-*s      ", width, "");
    }
    putchar('\n');
}

static void text_groups(const grouplist *l, int same)
{
    for (size_t i = 0; i < l->n; i++) {
        const group *g = &l->g[i];
        if (same)
            printf("  %s, %s: %llu record%s\n", g->from, g->what, g->count, g->count == 1 ? "" : "s");
        else
            printf("  %s -> %s: %llu record%s\n", g->from, g->to, g->count, g->count == 1 ? "" : "s");
        if (strcmp(g->old_rules, g->new_rules)) {
            printf("      old  %s\n", g->old_rules);
            printf("      new  %s\n", g->new_rules);
        } else {
            printf("      by   %s\n", g->old_rules);
        }
        text_ids(g);
        char id[256];                   /* a long id cut to 255 bytes */
        snprintf(id, sizeof id, "%s", g->examples[0]);
        print_lines(id, "was", g->old_why);
        print_lines("", "now", g->new_why);
        if (*g->because)
            printf("      because %s\n", g->because);
    }
}

static void print_text(const diff_result *r)
{
    const gavel_policy *po = r->old, *pn = r->new_;
    printf("gavel diff: %llu record%s, as of %s\n", r->records, r->records == 1 ? "" : "s", r->as_of);
    printf("  old  %s %s  %s  (%s)\n", gavel_policy_name(po), gavel_policy_version(po),
           gavel_policy_digest(po), gavel_policy_dir(po));
    printf("  new  %s %s  %s  (%s)\n", gavel_policy_name(pn), gavel_policy_version(pn),
           gavel_policy_digest(pn), gavel_policy_dir(pn));
    if (!strcmp(gavel_policy_digest(po), gavel_policy_digest(pn)))
        puts("  the two policies are the same (same digest)");

    if (r->nrc) {
        puts("\nRules that differ");
        for (size_t i = 0; i < r->nrc; i++) {
            const rule_change *c = &r->rc[i];
            if (c->sign == '~')
                printf("  ~ %s: %s\n", c->id, c->detail);
            else
                printf("  %c %s (%s) %s\n", c->sign, c->id, c->outcome ? c->outcome : "no outcome",
                       c->sign == '+' ? "added" : "removed");
        }
    } else if (strcmp(gavel_policy_digest(po), gavel_policy_digest(pn))) {
        puts("\nRules that differ: none in outcome, citation, reason, defeats or in_force\n"
             "  (the files differ: a rule's `when`, a lexicon or the manifest changed)");
    }

    puts("\nDecisions, old (rows) x new (columns)");
    int w = 10;
    for (size_t i = 0; i < r->m.n; i++)
        if ((int)strlen(r->m.names[i]) + 2 > w)
            w = (int)strlen(r->m.names[i]) + 2;
    printf("  %-*s", w, "");
    for (size_t k = 0; k < r->m.n; k++)
        printf("%*s", w, r->m.names[k]);
    putchar('\n');
    for (size_t i = 0; i < r->m.n; i++) {
        printf("  %-*s", w, r->m.names[i]);
        for (size_t k = 0; k < r->m.n; k++)
            printf("%*llu", w, r->m.cell[i * r->m.cap + k]);
        putchar('\n');
    }
    printf("\n%llu record%s change%s decision, %llu keep%s it for other reasons or citations, "
           "%llu unchanged.\n", r->changed, r->changed == 1 ? "" : "s", r->changed == 1 ? "s" : "",
           r->reasons_changed, r->reasons_changed == 1 ? "s" : "", r->unchanged);
    if (r->changes.n) {
        puts("\nChanged decisions");
        text_groups(&r->changes, 0);
    }
    if (r->reasons.n) {
        puts("\nSame decision, other reasons or citations");
        text_groups(&r->reasons, 1);
    }
}

static void json_policy(const char *key, const gavel_policy *p)
{
    printf("\"%s\":{\"name\":", key);
    cli_json_string(stdout, gavel_policy_name(p));
    fputs(",\"version\":", stdout);
    cli_json_string(stdout, gavel_policy_version(p));
    fputs(",\"digest\":", stdout);
    cli_json_string(stdout, gavel_policy_digest(p));
    fputs(",\"dir\":", stdout);
    cli_json_string(stdout, gavel_policy_dir(p));
    putchar('}');
}

/* Lines as an array of strings. */
static void json_lines(const char *text)
{
    putchar('[');
    for (const char *s = text; *s; ) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        if (s != text)
            putchar(',');
        cli_json_string(stdout, line ? line : "");
        free(line);
        s += n;
        if (*s)
            s++;
    }
    putchar(']');
}

/* "a, b" back to ["a","b"]; "(default)" and "(error)" stay words. */
static void json_rules(const char *list)
{
    if (list[0] == '(') {
        cli_json_string(stdout, list);
        return;
    }
    putchar('[');
    const char *s = list;
    for (int first = 1; *s; first = 0) {
        size_t n = strcspn(s, ",");
        printf("%s\"%.*s\"", first ? "" : ",", (int)n, s);
        s += n;
        while (*s == ',' || *s == ' ')
            s++;
    }
    putchar(']');
}

static void json_groups(const grouplist *l, int same)
{
    putchar('[');
    for (size_t i = 0; i < l->n; i++) {
        const group *g = &l->g[i];
        printf("%s\n {", i ? "," : "");
        if (same) {
            fputs("\"decision\":", stdout);
            cli_json_string(stdout, g->from);
            fputs(",\"what\":", stdout);
            cli_json_string(stdout, g->what);
        } else {
            fputs("\"old\":", stdout);
            cli_json_string(stdout, g->from);
            fputs(",\"new\":", stdout);
            cli_json_string(stdout, g->to);
        }
        fputs(",\"old_rules\":", stdout);
        json_rules(g->old_rules);
        fputs(",\"new_rules\":", stdout);
        json_rules(g->new_rules);
        printf(",\"count\":%llu,\"examples\":[", g->count);
        for (size_t k = 0; k < g->nex; k++)
            printf("%s%s", k ? "," : "", g->examples_json[k]);
        fputs("],\"example_old\":", stdout);
        json_lines(g->old_why);
        fputs(",\"example_new\":", stdout);
        json_lines(g->new_why);
        fputs(",\"because\":", stdout);
        cli_json_string(stdout, g->because);
        putchar('}');
    }
    fputs(l->n ? "\n]" : "]", stdout);
}

static void print_json(const diff_result *r)
{
    putchar('{');
    json_policy("old", r->old);
    putchar(',');
    json_policy("new", r->new_);
    fputs(",\"as_of\":", stdout);
    cli_json_string(stdout, r->as_of);
    printf(",\"records\":%llu,\"changed\":%llu,\"reasons_changed\":%llu,\"unchanged\":%llu",
           r->records, r->changed, r->reasons_changed, r->unchanged);
    fputs(",\n\"rules\":[", stdout);
    for (size_t i = 0; i < r->nrc; i++) {
        const rule_change *c = &r->rc[i];
        printf("%s{\"rule\":", i ? "," : "");
        cli_json_string(stdout, c->id);
        printf(",\"change\":\"%s\"", c->sign == '+' ? "added" : c->sign == '-' ? "removed" : "changed");
        if (c->detail) {
            fputs(",\"detail\":", stdout);
            cli_json_string(stdout, c->detail);
        }
        putchar('}');
    }
    fputs("],\n\"outcomes\":[", stdout);
    for (size_t i = 0; i < r->m.n; i++) {
        printf("%s", i ? "," : "");
        cli_json_string(stdout, r->m.names[i]);
    }
    fputs("],\n\"matrix\":[", stdout);
    for (size_t i = 0; i < r->m.n; i++) {
        printf("%s[", i ? "," : "");
        for (size_t k = 0; k < r->m.n; k++)
            printf("%s%llu", k ? "," : "", r->m.cell[i * r->m.cap + k]);
        putchar(']');
    }
    fputs("],\n\"changed_decisions\":", stdout);
    json_groups(&r->changes, 0);
    fputs(",\n\"changed_reasons\":", stdout);
    json_groups(&r->reasons, 1);
    puts("}");
}

/* ---- the run --------------------------------------------------------------------- */

enum { OPT_CONTEXT = 256, OPT_AS_OF, OPT_ID_FIELD, OPT_EXAMPLES };

static const cli_option diff_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "as-of", 0, OPT_VALUE, OPT_AS_OF, NULL },
    { "id-field", 0, OPT_VALUE, OPT_ID_FIELD, NULL },
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "examples", 0, OPT_VALUE, OPT_EXAMPLES, NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

/* One option of diff's own: 0, or -1 after saying what was wrong. */
static int diff_option(void *ctx, const cli_opts *args, int id)
{
    diff_opts *o = ctx;
    const char *v = args->value;
    char *end;
    long k;
    switch (id) {
    case 'p':
        if (o->npolicies == 2) {
            cli_error("diff takes two policies, OLD and NEW; -p was given a third time");
            return -1;
        }
        o->policy[o->npolicies++] = v;
        break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_AS_OF: o->as_of = v; break;
    case OPT_ID_FIELD: o->id_field = v; break;
    case OPT_EXAMPLES:
        k = strtol(v, &end, 10);
        if (*end || k < 1 || k > MAX_EXAMPLES) {
            cli_error("--examples needs a number from 1 to %d", MAX_EXAMPLES);
            return -1;
        }
        o->nexamples = (size_t)k;
        break;
    case 'f':
        if (!strcmp(v, "json"))
            o->json = 1;
        else if (strcmp(v, "text")) {
            cli_error("unknown format '%s' (text, json)", v);
            return -1;
        }
        break;
    case 'h':
        cli_help(diff_usage, cli_limit_help);
        return 1;
    case OPT_OPERAND: o->inputs[o->ninputs++] = (char *)v; break;
    default:
        return cli_input_option(args, id, &o->input_format, &o->limits) < 0 ? -1 : 0;
    }
    return 0;
}

/* 0 to run, 1 when --help was shown, -1 after a usage error. */
static int parse_opts(int argc, char **argv, diff_opts *o)
{
    memset(o, 0, sizeof *o);
    o->nexamples = 5;
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!o->inputs)
        return -1;
    cli_opts args;
    cli_opts_init(&args, "diff", argc, argv, diff_options, cli_input_options);
    int st = cli_opts_parse(&args, diff_option, o);
    if (st != 0)
        return st;
    if (o->npolicies != 2) {
        cli_error("diff needs two policies: -p OLD -p NEW (see 'gavel diff --help')");
        return -1;
    }
    return 0;
}

/* Both decisions of one record, counted in the matrix and grouped. */
static void diff_one(diff_result *r, const diff_opts *o, const gavel_decision *da,
                     const gavel_decision *db)
{
    r->records++;
    const char *a = gavel_decision_outcome(da), *b = gavel_decision_outcome(db);
    size_t ia = outcome_index(&r->m, a), ib = outcome_index(&r->m, b);
    r->m.cell[ia * r->m.cap + ib]++;
    why_kind kind = WHY_REASON;
    char *what;
    if (strcmp(a, b)) {
        r->changed++;
        group_add(&r->changes, da, db, NULL, WHY_REASON, o->nexamples, r->old, r->new_);
    } else if ((what = reasons_what(da, db, &kind))) {
        r->reasons_changed++;
        group_add(&r->reasons, da, db, what, kind, o->nexamples, r->old, r->new_);
    } else {
        r->unchanged++;
    }
}

/* Every record under both policies. 0, or -1 when something could not be
 * read or evaluated (said). */
static int diff_inputs(diff_result *r, const diff_opts *o, gavel_evaluator *eo,
                       gavel_evaluator *en, gavel_record *rec, gavel_decision *da,
                       gavel_decision *db)
{
    int trouble = 0;
    cli_inputs in;
    cli_inputs_init(&in, o->inputs, o->ninputs, o->input_format, gavel_policy_limits(r->old));
    while (cli_inputs_next(&in, rec)) {
        gavel_status sa = gavel_evaluate(eo, rec, da);
        gavel_status sb = gavel_evaluate(en, rec, db);
        if (sa == GAVEL_ENOMEM || sa == GAVEL_EARG || sb == GAVEL_ENOMEM || sb == GAVEL_EARG) {
            cli_error("%s", gavel_evaluator_errmsg(sa == GAVEL_OK || sa == GAVEL_ERULE ||
                                                   sa == GAVEL_EINPUT ? en : eo));
            trouble = 1;
            cli_inputs_skip(&in);      /* the rest of this input; the next one still runs */
            continue;
        }
        diff_one(r, o, da, db);
    }
    cli_inputs_close(&in);
    return trouble || in.unreadable ? -1 : 0;
}

int cmd_diff(int argc, char **argv)
{
    diff_opts o;
    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0) {
        free(o.inputs);
        return parsed > 0 ? EXIT_DONE : EXIT_TROUBLE;
    }
    int status = EXIT_TROUBLE;
    gavel_policy *po = NULL, *pn = NULL;
    gavel_evaluator *eo = NULL, *en = NULL;
    gavel_record *rec = gavel_record_new();
    gavel_decision *da = gavel_decision_new(), *db = gavel_decision_new();
    diff_result r;
    memset(&r, 0, sizeof r);
    if (!rec || !da || !db)
        goto done;
    if (!(po = cli_load_policy(o.policy[0], &o.limits)) ||
        !(pn = cli_load_policy(o.policy[1], &o.limits)))
        goto done;
    if (!(eo = cli_evaluator(po, o.context, o.as_of, o.id_field)) ||
        !(en = cli_evaluator(pn, o.context, o.as_of, o.id_field)))
        goto done;
    r.old = po;
    r.new_ = pn;
    r.as_of = gavel_evaluator_as_of(eo);
    r.m.cap = gavel_policy_noutcomes(po) + gavel_policy_noutcomes(pn);
    r.m.names = calloc(r.m.cap + 1, sizeof *r.m.names);
    r.m.cell = calloc(r.m.cap * r.m.cap + 1, sizeof *r.m.cell);
    if (!r.m.names || !r.m.cell) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < gavel_policy_noutcomes(po); i++)
        outcome_index(&r.m, gavel_policy_outcome(po, i));
    for (size_t i = 0; i < gavel_policy_noutcomes(pn); i++)
        outcome_index(&r.m, gavel_policy_outcome(pn, i));
    r.nrc = rule_changes(po, pn, &r.rc);

    int trouble = diff_inputs(&r, &o, eo, en, rec, da, db) != 0;
    if (r.changes.n)
        qsort(r.changes.g, r.changes.n, sizeof *r.changes.g, group_cmp);
    if (r.reasons.n)
        qsort(r.reasons.g, r.reasons.n, sizeof *r.reasons.g, group_cmp);
    if (o.json)
        print_json(&r);
    else
        print_text(&r);
    if (fflush(stdout) != 0) {
        cli_error("<stdout>: write error");
        trouble = 1;
    }
    status = trouble ? EXIT_TROUBLE : (r.changed || r.reasons_changed) ? EXIT_FAILED : EXIT_DONE;
done:
    for (size_t i = 0; i < r.nrc; i++)
        free(r.rc[i].detail);
    free(r.rc);
    for (size_t i = 0; i < r.m.n; i++)
        free(r.m.names[i]);
    free(r.m.names);
    free(r.m.cell);
    groups_free(&r.changes);
    groups_free(&r.reasons);
    gavel_decision_free(da);
    gavel_decision_free(db);
    gavel_record_free(rec);
    gavel_evaluator_free(eo);
    gavel_evaluator_free(en);
    gavel_policy_free(po);
    gavel_policy_free(pn);
    free(o.inputs);
    return status;
}
