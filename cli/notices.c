/*
 * notices.c: reasoned notices for `gavel report --notices DIR`: writes, as
 * Markdown, what notice_model.c gathered for each decision with the notice
 * outcome (one file per record, named after its id), and DIR/index.md.
 * It decides nothing a notice says, only how it reads.
 *
 * Calls gavel.h, notices.h (notice_model.h) and cli.h's escapers, messages
 * and value helpers.
 */
#include "notices.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Markdown text: an underscore inside a word (frontier_herald) cannot start
 * markup, and stays readable (escape.c). Every value may be the first
 * thing of a line or of a list item or quote ("- ", "1. ", "> "), so what
 * would start a heading or a list there is escaped too: a record cannot
 * forge a "# NOTICE WITHDRAWN". */
static void md(FILE *f, const char *s)
{
    cli_markdown(f, s, CLI_MD_PROSE | CLI_MD_LINE_START);
}

/* Code spans: backticks inside become quotes. In a table's cell a '|'
 * would end the cell even inside the span; GFM reads "\|" there as '|'. */
static void code_span(FILE *f, const char *s, int in_table)
{
    fputc('`', f);
    for (; s && *s; s++) {
        if (in_table && *s == '|')
            fputc('\\', f);
        if ((*s > 0 && *s < 0x20 && !strchr("\t\n\r", *s)) || *s == 0x7f)
            fprintf(f, "\\x%02x", *s);        /* as cli_markdown */
        else
            fputc(*s == '`' ? '\'' : *s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('`', f);
}

static void code(FILE *f, const char *s)
{
    code_span(f, s, 0);
}

static void code_cell(FILE *f, const char *s)
{
    code_span(f, s, 1);
}

/* An order's value for a person: lists joined, snake_case words spaced. */
static void md_words(FILE *f, const gavel_value *v)
{
    char *t = cli_value_plain(v);
    if (!t)
        return;
    for (char *c = t; *c; c++)
        if (*c == '_')
            *c = ' ';
    md(f, t);
    free(t);
}

int notices_open(notices *ns)
{
    if (mkdir(ns->dir, 0777) != 0 && errno != EEXIST) {
        cli_error("%s: cannot create: %s", ns->dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(ns->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: not a directory", ns->dir);
        return -1;
    }
    return 0;
}

static int name_used(const notices *ns, const char *name)
{
    for (size_t i = 0; i < ns->n; i++)
        if (!strcmp(ns->names[i], name))
            return 1;
    return 0;
}

/* A file name from the id: letters, digits, '.', '_' and '-' kept, the
 * rest '_'; a second record with the same name gets its line number. */
static char *file_name(const notices *ns, const char *id, long lineno)
{
    char base[120];
    size_t n = 0;
    for (const char *s = id; *s && n < 100; s++)
        base[n++] = (strchr("._-", *s) || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                     (*s >= '0' && *s <= '9')) ? *s : '_';
    base[n] = '\0';
    if (!n || base[0] == '.')
        snprintf(base, sizeof base, "record-%ld", lineno);
    char name[160];
    snprintf(name, sizeof name, "%s.md", base);
    if (name_used(ns, name))
        snprintf(name, sizeof name, "%s-line%ld.md", base, lineno);
    return strdup(name);
}

/* " (provision)", when there is one. */
static void md_paren(FILE *f, const char *s)
{
    if (!s)
        return;
    fputs(" (", f);
    md(f, s);
    fputc(')', f);
}

/* lead and s, when there is an s: ", issued 2021-01-31". */
static void md_after(FILE *f, const char *lead, const char *s)
{
    if (!s)
        return;
    fputs(lead, f);
    md(f, s);
}

/* "| Label | " ... " |\n" around a row of the table. */
static void row_begin(FILE *f, const char *label)
{
    fprintf(f, "| %s | ", label);
}

/* "India (IN)", "Germany (DE) and India (IN)", "everywhere": a scope's
 * places, as notices_place names them. */
static void md_places(FILE *f, const gavel_value *scope)
{
    size_t n = gavel_value_len(scope);
    for (size_t i = 0; i < n; i++) {
        const char *code = gavel_value_string(gavel_value_at(scope, i), NULL);
        fputs(i == 0 ? "" : i + 1 == n ? " and " : ", ", f);
        md(f, notices_place(code ? code : "?"));
    }
    if (!n)
        fputs("(no place)", f);
}

/* The Where row: the one scope of the measures; or each scope with the
 * actions ordered there; or, without measures, the jurisdiction. */
static void write_where(FILE *f, const notice *n)
{
    if (!n->nmeasures) {
        if (*n->place) {
            row_begin(f, "Where");
            md(f, n->place);
            fputs(" |\n", f);
        }
        return;
    }
    row_begin(f, "Where");
    for (size_t i = 0; i < n->nwhere; i++) {
        const notice_where *w = &n->where[i];
        fputs(i ? "; " : "", f);
        md_places(f, w->scope);
        for (size_t k = 0; k < w->nactions && n->nwhere > 1; k++) {
            fputs(k ? ", " : ": ", f);
            code_cell(f, w->actions[k]);
        }
    }
    fputs(" |\n", f);
}

static void write_table(FILE *f, const notice *n)
{
    fputs("# Notice of ", f);
    md(f, n->noun ? n->noun : "decision");
    fputs(": account ", f);
    md(f, n->id);
    fputs("\n\n| | |\n|---|---|\n| Account | ", f);
    code_cell(f, n->id);
    fputs(" |\n| Decision | **", f);
    md(f, n->decision);
    fputs("** |\n", f);
    write_where(f, n);
    if (n->order_id || n->issued || n->issuer) {
        row_begin(f, "Order");
        md(f, n->order_id ? n->order_id : "(no number)");
        md_after(f, ", issued ", n->issued);
        if (n->issuer) {
            fputs(" by ", f);
            md_words(f, n->issuer);
        }
        fputs(" |\n", f);
    }
    if (n->grounds) {
        row_begin(f, "Grounds stated in the order");
        md_words(f, n->grounds);
        fputs(" |\n", f);
    }
    if (n->has_policy) {
        row_begin(f, "Policy");
        md(f, n->policy_name);
        fputc(' ', f);
        md(f, n->policy_version);
        fputs(", ", f);
        code_cell(f, n->policy_digest);
        fputs(" |\n", f);
    }
    if (n->as_of) {
        row_begin(f, "Law applied as of");
        md(f, n->as_of);
        fputs(" |\n", f);
    }
}

static int same_kind(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

/* A scope of "*" alone. */
static int is_everywhere(const gavel_value *scope)
{
    const char *s = gavel_value_string(gavel_value_at(scope, 0), NULL);
    return gavel_value_len(scope) == 1 && s && !strcmp(s, "*");
}

/* "posts `p1` and `p3`", "the account `acc01`": a measure's targets,
 * each kind once before its ids. */
static void md_targets(FILE *f, const gavel_value *targets)
{
    size_t n = gavel_value_len(targets);
    for (size_t i = 0; i < n;) {
        const char *kind = cli_str(gavel_value_at(targets, i), "kind");
        size_t end = i + 1;
        while (end < n && same_kind(kind, cli_str(gavel_value_at(targets, end), "kind")))
            end++;
        fputs(i ? "; " : "", f);
        if (kind && !strcmp(kind, "account"))
            fputs(end - i == 1 ? "the account " : "the accounts ", f);
        else {
            md(f, kind ? kind : "target");
            fputs(end - i == 1 ? " " : "s ", f);
        }
        for (size_t k = i; k < end; k++) {
            char *id = cli_value_text(gavel_value_get(gavel_value_at(targets, k), "id"));
            fputs(k == i ? "" : k + 1 == end ? " and " : ", ", f);
            code(f, id ? id : "?");
            free(id);
        }
        i = end;
    }
}

/* "1. `withhold_post`: posts `p1` and `p3`, in India (IN), due by ...,
 * until ... (`g.incite`)" */
static void write_measure(FILE *f, size_t i, const notice_measure *m)
{
    fprintf(f, "%zu. ", i + 1);
    code(f, m->action ? m->action : "?");
    fputs(": ", f);
    md_targets(f, m->targets);
    fputs(is_everywhere(m->scope) ? ", " : ", in ", f);
    md_places(f, m->scope);
    md_after(f, ", due by ", m->due);
    md_after(f, ", until ", m->until);
    for (size_t k = 0; k < gavel_value_len(m->rules); k++) {
        fputs(k ? ", " : " (", f);
        code(f, gavel_value_string(gavel_value_at(m->rules, k), NULL));
    }
    fputs(gavel_value_len(m->rules) ? ")\n" : "\n", f);
}

/* " The decision rests on posts `a` and `b`." */
static void write_posts(FILE *f, const notice *n)
{
    if (!n->nposts)
        return;
    fprintf(f, " The decision rests on post%s ", n->nposts == 1 ? "" : "s");
    for (size_t i = 0; i < n->nposts; i++) {
        fputs(i == 0 ? "" : i + 1 == n->nposts ? " and " : ", ", f);
        code(f, n->posts[i]);
    }
    fputc('.', f);
}

/* What, where, on which order, resting on which posts: the measures when
 * the decision orders any, else the decision and the jurisdiction. */
static void write_restricted(FILE *f, const notice *n)
{
    fputs("\n## What is restricted\n\n", f);
    int withheld = !n->nmeasures && !strcmp(n->decision, "withhold");
    fputs(withheld ? "Access to the account " : "The decision for the account ", f);
    code(f, n->id);
    if (withheld)
        fputs(" is **withheld**", f);
    else {
        fputs(" is **", f);
        md(f, n->decision);
        fputs("**", f);
    }
    if (!n->nmeasures && *n->place) {
        fputs(withheld ? " in " : ", in ", f);
        md(f, n->place);
    }
    md_after(f, ", on order ", n->order_id);
    fputc('.', f);
    write_posts(f, n);
    fputc('\n', f);
    if (n->nmeasures)
        fprintf(f, "\nIt orders %s:\n\n", n->nmeasures == 1 ? "this measure" : "these measures");
    for (size_t i = 0; i < n->nmeasures; i++)
        write_measure(f, i, &n->measures[i]);
}

static void write_provisions(FILE *f, const notice *n)
{
    fputs("\n## Under which provision\n\n", f);
    for (size_t i = 0; i < n->nprovisions; i++) {
        const notice_provision *p = &n->provisions[i];
        fputs("- ", f);
        md(f, p->cites ? p->cites : "(the rule cites no provision)");
        fputs(" (", f);
        for (size_t k = 0; k < p->nrules; k++) {
            fputs(k ? ", " : "", f);
            code(f, p->rules[k]);
        }
        fputs(")\n", f);
    }
    if (!n->nprovisions)
        fputs("No rule decided this record: it is the policy's default outcome.\n", f);
    if (n->order_reasons) {
        fputs("\nThe order records these reasons:\n\n> ", f);
        md(f, n->order_reasons);
        fputc('\n', f);
    }
}

/* "post: p5001; term: attack the police". */
static void evidence(FILE *f, const gavel_value *ev)
{
    for (size_t i = 0; i < gavel_value_len(ev); i++) {
        if (gavel_value_type(ev) != GAVEL_OBJECT)
            break;
        char *v = cli_value_plain(gavel_value_at(ev, i));
        fprintf(f, "%s", i ? "; " : "");
        md(f, gavel_value_key(ev, i, NULL));
        fputs(": ", f);
        md(f, v);
        free(v);
    }
}

/* "N. reason (`rule`)": a reason in a numbered list, without its newline. */
static void write_numbered_reason(FILE *f, size_t i, const notice_entry *x)
{
    fprintf(f, "%zu. ", i + 1);
    md(f, x->reason);
    fputs(" (", f);
    code(f, x->rule);
    fputs(")", f);
}

static void write_facts(FILE *f, const notice *n)
{
    fputs("\n## On which facts\n\n", f);
    for (size_t i = 0; i < n->facts.n; i++) {
        const notice_entry *x = &n->facts.it[i];
        write_numbered_reason(f, i, x);
        if (gavel_value_len(x->evidence)) {
            fputs("  \n   Evidence: ", f);
            evidence(f, x->evidence);
        }
        fputc('\n', f);
    }
    if (!n->facts.n)
        fputs("No rule found facts that decide this record.\n", f);
    for (size_t i = 0; i < n->errors.n; i++) {
        const notice_entry *e = &n->errors.it[i];
        fputs("- An error kept the rules from deciding", f);
        if (e->rule) {
            fputs(" (", f);
            code(f, e->rule);
            fputc(')', f);
        }
        fputs(": ", f);
        md(f, e->reason);
        fputc('\n', f);
    }
}

/* The rules behind the measures that are not among the reasons (a duty to
 * tell someone, a ground to contest): each with its reason and what it
 * rests on. Nothing when there are none. */
static void write_measure_facts(FILE *f, const notice *n)
{
    if (!n->measure_facts.n)
        return;
    fputs("\n## Why the other measures are ordered\n\n", f);
    for (size_t i = 0; i < n->measure_facts.n; i++) {
        const notice_entry *x = &n->measure_facts.it[i];
        write_numbered_reason(f, i, x);
        if (x->cites) {
            fputs("  \n   Under: ", f);
            md(f, x->cites);
        }
        fputc('\n', f);
    }
}

/* "<lead>`by`: why": the rule that set x aside, and its reason. */
static void set_aside_by(FILE *f, const char *lead, const notice_entry *x)
{
    fputs(lead, f);
    code(f, x->by ? x->by : "?");
    if (x->by_reason) {
        fputs(": ", f);
        md(f, x->by_reason);
    }
}

/* " Its measures are not ordered: `withhold_account` (India (IN))": what
 * went with a rule set aside, when it ordered any. */
static void measures_not_ordered(FILE *f, const gavel_value *measures)
{
    for (size_t i = 0; i < gavel_value_len(measures); i++) {
        const gavel_value *m = gavel_value_at(measures, i);
        fputs(i ? ", " : gavel_value_len(measures) == 1 ? " Its measure is not ordered: "
                                                          : " Its measures are not ordered: ", f);
        code(f, cli_str(m, "action") ? cli_str(m, "action") : "?");
        fputs(" (", f);
        md_places(f, gavel_value_get(m, "scope"));
        fputc(')', f);
    }
    fputs(gavel_value_len(measures) ? ".\n" : "\n", f);
}

/* "- `rule` (provision) applied: reason. It was set aside by `by`: why (provision)." */
static void write_applied(FILE *f, const notice_entry *x)
{
    fputs("- ", f);
    code(f, x->rule);
    md_paren(f, x->cites);
    fputs(" applied: ", f);
    md(f, x->reason);
    set_aside_by(f, ". It was set aside by ", x);
    md_paren(f, x->by_cites);
    fputc('.', f);
    measures_not_ordered(f, x->measures);
}

/* Exemptions (rules for the policy's default outcome, keep), then other
 * objections (review, ...) that could set the grounds aside: those that
 * applied and why they were set aside; then, with the policy, those that
 * did not apply. */
static void write_objections(FILE *f, const notice *n)
{
    static const char *const heading[] = { "\n## Exemptions considered\n\n",
                                           "\n## Other objections considered\n\n" };
    static const char *const unused[] = {
        "These rules would keep the account and could set aside a ground relied on here; "
        "none applies on the facts of this record:\n\n",
        "These rules could set aside a ground relied on here, and found nothing on the facts "
        "of this record or its order:\n\n" };
    for (int k = NOTICE_EXEMPTIONS; k <= NOTICE_OTHER_OBJECTIONS; k++) {
        const notice_objections *o = &n->objections[k];
        if (k == NOTICE_EXEMPTIONS || o->applied.n || o->unused.n)
            fputs(heading[k], f);
        for (size_t i = 0; i < o->applied.n; i++)
            write_applied(f, &o->applied.it[i]);
        if (o->unused.n)
            fprintf(f, "%s%s", o->applied.n ? "\n" : "", unused[k]);
        for (size_t i = 0; i < o->unused.n; i++) {
            fputs("- ", f);
            code(f, o->unused.it[i].rule);
            md_paren(f, o->unused.it[i].cites);
            fputc('\n', f);
        }
        if (k == NOTICE_EXEMPTIONS && !o->applied.n && !o->unused.n)
            fputs("No exemption applied on the facts of this record.\n", f);
    }
}

/* Grounds that were set aside (the notice does not rest on them), and the
 * facts the rules read but the record lacks. */
static void write_set_aside_missing(FILE *f, const notice *n)
{
    if (n->grounds_set_aside.n)
        fputs("\n## Grounds set aside\n\nThese grounds applied but were set aside; this "
              "notice does not rest on them.\n\n", f);
    for (size_t i = 0; i < n->grounds_set_aside.n; i++) {
        const notice_entry *x = &n->grounds_set_aside.it[i];
        fputs("- ", f);
        code(f, x->rule);
        fputs(": ", f);
        md(f, x->reason);
        set_aside_by(f, ". Set aside by ", x);
        fputc('.', f);
        measures_not_ordered(f, x->measures);
    }
    if (n->missing.n)
        fputs("\n## Facts not in the record\n\nThe rules read these facts and the record does "
              "not have them, so no rule could rely on them:\n\n", f);
    for (size_t i = 0; i < n->missing.n; i++) {
        const gavel_value *rules = n->missing.it[i].read_by;
        fputs("- ", f);
        code(f, n->missing.it[i].rule);
        for (size_t k = 0; k < gavel_value_len(rules); k++) {
            fputs(k ? ", " : " (read by ", f);
            code(f, gavel_value_string(gavel_value_at(rules, k), NULL));
        }
        fputs(gavel_value_len(rules) ? ")\n" : "\n", f);
    }
}

/* The notice into DIR/name. 0, or -1 after saying what was wrong. */
static int write_notice(const notices *ns, const notice *n, const char *name, long lineno)
{
    size_t plen = strlen(ns->dir) + strlen(name) + 2;
    char *path = malloc(plen);
    if (!path) {
        cli_error("out of memory");
        return -1;
    }
    snprintf(path, plen, "%s/%s", ns->dir, name);
    FILE *f = cli_own_open(path);
    if (!f) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    write_table(f, n);
    write_restricted(f, n);
    write_provisions(f, n);
    write_facts(f, n);
    write_measure_facts(f, n);
    write_objections(f, n);
    write_set_aside_missing(f, n);
    fprintf(f, "\n---\n\n*Made by gavel from line %ld of ", lineno);
    code(f, ns->source);
    fputs(". `gavel replay` with the policy of this digest and the same record makes the "
          "decision again.*\n", f);
    int bad = ferror(f) != 0;
    bad |= cli_own_close(f) != 0;
    if (bad)
        cli_error("%s: write error", path);
    free(path);
    return bad ? -1 : 0;
}

/* The index line: account, provisions, file. Malloc'd, or NULL. */
static char *index_line(const notice *n, const char *name)
{
    char *line = NULL;
    size_t len = 0;
    FILE *l = open_memstream(&line, &len);
    if (!l)
        return NULL;
    fputs("| ", l);
    code_cell(l, n->id);
    fputs(" | ", l);
    for (size_t i = 0, m = 0; i < n->nprovisions; i++) {
        if (!n->provisions[i].cites)
            continue;
        fputs(m++ ? "<br>" : "", l);
        md(l, n->provisions[i].cites);
    }
    fprintf(l, " | [%s](%s) |", name, name);
    if (fclose(l) != 0 || !line) {
        free(line);
        return NULL;
    }
    return line;
}

/* Keeps the file's name and its index line. 0, or -1 out of memory. */
static int remember(notices *ns, char *name, char *line)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        char **names = realloc(ns->names, cap * sizeof *names);
        if (names)
            ns->names = names;
        char **index = names ? realloc(ns->index, cap * sizeof *index) : NULL;
        if (!names || !index) {
            cli_error("out of memory");
            return -1;
        }
        ns->index = index;
        ns->cap = cap;
    }
    ns->names[ns->n] = name;
    ns->index[ns->n++] = line;
    return 0;
}

int notices_add(notices *ns, const gavel_value *d, long lineno)
{
    const char *decision = cli_str(d, "decision");
    if (!decision || strcmp(decision, ns->outcome))
        return 0;
    notice n;
    notice_build(&n, d, ns->context, ns->jurisdiction, ns->policy);
    char *name = file_name(ns, n.id, lineno), *line = NULL;
    int rc = -1;
    if (!name)
        cli_error("out of memory");
    else if (write_notice(ns, &n, name, lineno) == 0 && (line = index_line(&n, name)) &&
             remember(ns, name, line) == 0)
        rc = 1;
    if (rc < 0) {
        free(name);
        free(line);
    }
    notice_free(&n);
    return rc;
}

int notices_close(notices *ns)
{
    int rc = 0;
    size_t plen = strlen(ns->dir) + 16;
    char *path = malloc(plen);
    FILE *f = NULL;
    if (path) {
        snprintf(path, plen, "%s/index.md", ns->dir);
        f = cli_own_open(path);
    }
    if (!f) {
        cli_error("%s/index.md: cannot write: %s", ns->dir, strerror(errno));
        rc = -1;
    } else {
        fputs("# Notices: ", f);
        md(f, ns->outcome);
        fprintf(f, "\n\n%zu notice%s, one per record whose decision is **", ns->n,
                ns->n == 1 ? "" : "s");
        md(f, ns->outcome);
        fputs("**, from ", f);
        code(f, ns->source);
        fputs(".\n", f);
        const gavel_value *order = notices_order(ns->context);
        if (cli_str(order, "id")) {
            fputs("Order: ", f);
            md(f, cli_str(order, "id"));
            if (cli_str(order, "issued_at")) {
                fputs(" of ", f);
                md(f, cli_str(order, "issued_at"));
            }
            fputs(".\n", f);
        }
        if (ns->n)
            fputs("\n| Account | Provisions | Notice |\n|---|---|---|\n", f);
        for (size_t i = 0; i < ns->n; i++)
            fprintf(f, "%s\n", ns->index[i]);
        if (cli_own_close(f) != 0) {
            cli_error("%s: write error", path);
            rc = -1;
        }
    }
    free(path);
    for (size_t i = 0; i < ns->n; i++) {
        free(ns->names[i]);
        free(ns->index[i]);
    }
    free(ns->names);
    free(ns->index);
    ns->names = ns->index = NULL;
    ns->n = ns->cap = 0;
    return rc;
}
