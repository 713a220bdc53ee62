/*
 * notices.c: reasoned notices for `gavel report --notices DIR`. One
 * Markdown file per decision with the notice outcome, saying what is
 * restricted, where, under which provision, on which facts (the reasons and
 * their evidence), which exemptions were considered and why they were set
 * aside, which other grounds were set aside, and which facts were missing;
 * with the order from the context file and the policy's digest, so the
 * notice can be traced to the decision and the decision made again.
 * Everything in a notice comes from the decision line, the context and the
 * policy: nothing is invented.
 */
#include "notices.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const gavel_value *notices_order(const gavel_value *context)
{
    const gavel_value *o = gavel_value_get(context, "order");
    if (gavel_value_type(o) == GAVEL_OBJECT)
        return o;
    return gavel_value_type(context) == GAVEL_OBJECT ? context : NULL;
}

const char *notices_place(const char *code)
{
    static const char *const names[][2] = {
        { "IN", "India" }, { "US", "the United States" }, { "GB", "the United Kingdom" },
        { "DE", "Germany" }, { "FR", "France" }, { "BR", "Brazil" }, { "TR", "Turkey" },
        { "RU", "Russia" }, { "PK", "Pakistan" }, { "ID", "Indonesia" }, { "NG", "Nigeria" },
        { "AU", "Australia" }, { "CA", "Canada" }, { "EU", "the European Union" } };
    static char buf[128];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(code, names[i][0])) {
            snprintf(buf, sizeof buf, "%s (%s)", names[i][1], code);
            return buf;
        }
    snprintf(buf, sizeof buf, "%s", code);
    return buf;
}

/* Markdown text: an underscore inside a word (frontier_herald) cannot start
 * markup, and stays readable (escape.c). */
static void md(FILE *f, const char *s)
{
    cli_markdown(f, s, CLI_MD_PROSE);
}

/* Code spans: backticks inside become quotes. */
static void code(FILE *f, const char *s)
{
    fputc('`', f);
    for (; s && *s; s++)
        fputc(*s == '`' ? '\'' : *s == '\n' ? ' ' : *s, f);
    fputc('`', f);
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

/* The posts the decision rests on, from the evidence ("post", "posts"). */
static void posts_of(FILE *f, const gavel_value *reasons)
{
    const char *seen[32];
    size_t n = 0;
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *ev = gavel_value_get(gavel_value_at(reasons, i), "evidence");
        const gavel_value *one = gavel_value_get(ev, "post"), *many = gavel_value_get(ev, "posts");
        for (size_t k = 0; k < 1 + gavel_value_len(many); k++) {
            const char *p = gavel_value_string(k == 0 ? one : gavel_value_at(many, k - 1), NULL);
            if (!p)
                continue;
            int dup = 0;
            for (size_t j = 0; j < n; j++)
                dup |= !strcmp(seen[j], p);
            if (!dup && n < 32)
                seen[n++] = p;
        }
    }
    if (!n)
        return;
    fprintf(f, " The decision rests on post%s ", n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        fputs(i == 0 ? "" : i + 1 == n ? " and " : ", ", f);
        code(f, seen[i]);
    }
    fputc('.', f);
}

int notices_add(notices *ns, const gavel_value *d, long lineno)
{
    const char *decision = cli_str(d, "decision");
    if (!decision || strcmp(decision, ns->outcome))
        return 0;
    char id[256];
    char *idt = cli_value_text(gavel_value_get(d, "id"));
    snprintf(id, sizeof id, "%s", idt ? idt : "?");
    free(idt);
    char *name = file_name(ns, id, lineno);
    size_t plen = strlen(ns->dir) + (name ? strlen(name) : 0) + 2;
    char *path = malloc(plen);
    if (!name || !path) {
        free(name);
        free(path);
        cli_error("out of memory");
        return -1;
    }
    snprintf(path, plen, "%s/%s", ns->dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        free(name);
        free(path);
        return -1;
    }

    const gavel_value *order = notices_order(ns->context);
    static const char *const k_issuer[] = { "issuer", "issuer_role", "issuing_authority",
                                            "authority", NULL };
    static const char *const k_grounds[] = { "stated_grounds", "grounds", NULL };
    static const char *const k_reasons[] = { "reasons_text", "reasons", NULL };
    const char *order_id = cli_str(order, "id"), *issued = cli_str(order, "issued_at");
    const char *issuer = first_str(order, k_issuer);
    const gavel_value *grounds = first_of(order, k_grounds);
    const char *order_reasons = first_str(order, k_reasons);
    const gavel_value *pol = gavel_value_get(d, "policy");
    const char *as_of = cli_str(d, "as_of");
    const gavel_value *reasons = gavel_value_get(d, "reasons");
    const gavel_value *defeated = gavel_value_get(d, "defeated");
    const gavel_value *missing = gavel_value_get(d, "missing");
    const gavel_value *fired = gavel_value_get(d, "fired");
    const char *where = ns->jurisdiction ? notices_place(ns->jurisdiction) : NULL;
    char place[160];
    snprintf(place, sizeof place, "%s", where ? where : "");

    static const char *const nouns[][2] = { { "withhold", "withholding" },
        { "block", "blocking" }, { "remove", "removal" }, { "suspend", "suspension" },
        { "restrict", "restriction" }, { "review", "review" } };
    const char *noun = NULL;
    for (size_t i = 0; i < sizeof nouns / sizeof *nouns; i++)
        if (!strcmp(decision, nouns[i][0]))
            noun = nouns[i][1];
    fputs("# Notice of ", f);
    md(f, noun ? noun : "decision");
    fputs(": account ", f);
    md(f, id);
    fputs("\n\n| | |\n|---|---|\n| Account | ", f);
    code(f, id);
    fputs(" |\n| Decision | **", f);
    md(f, decision);
    fputs("** |\n", f);
    if (*place) {
        fputs("| Where | ", f);
        md(f, place);
        fputs(" |\n", f);
    }
    if (order_id || issued || issuer) {
        fputs("| Order | ", f);
        md(f, order_id ? order_id : "(no number)");
        if (issued) {
            fputs(", issued ", f);
            md(f, issued);
        }
        if (issuer) {
            fputs(" by ", f);
            md_words(f, first_of(order, k_issuer));
        }
        fputs(" |\n", f);
    }
    if (grounds) {
        fputs("| Grounds stated in the order | ", f);
        md_words(f, grounds);
        fputs(" |\n", f);
    }
    if (pol) {
        fputs("| Policy | ", f);
        md(f, cli_str(pol, "name"));
        fputc(' ', f);
        md(f, cli_str(pol, "version"));
        fputs(", ", f);
        code(f, cli_str(pol, "digest"));
        fputs(" |\n", f);
    }
    if (as_of) {
        fputs("| Law applied as of | ", f);
        md(f, as_of);
        fputs(" |\n", f);
    }

    /* What, where. */
    if (!strcmp(decision, "withhold")) {
        fputs("\n## What is restricted\n\nAccess to the account ", f);
        code(f, id);
        fputs(" is **withheld**", f);
        if (*place) {
            fputs(" in ", f);
            md(f, place);
        }
    } else {
        fputs("\n## What is restricted\n\nThe decision for the account ", f);
        code(f, id);
        fputs(" is **", f);
        md(f, decision);
        fputs("**", f);
        if (*place) {
            fputs(", in ", f);
            md(f, place);
        }
    }
    if (order_id) {
        fputs(", on order ", f);
        md(f, order_id);
    }
    fputc('.', f);
    posts_of(f, reasons);
    fputc('\n', f);

    /* Under which provisions. */
    fputs("\n## Under which provision\n\n", f);
    int any = 0;
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *x = gavel_value_at(reasons, i);
        const char *cites = cli_str(x, "cites");
        /* Each provision once, with every rule that rests on it. */
        int dup = 0;
        for (size_t k = 0; k < i && cites; k++)
            dup |= cli_str(gavel_value_at(reasons, k), "cites") &&
                   !strcmp(cli_str(gavel_value_at(reasons, k), "cites"), cites);
        if (dup)
            continue;
        fputs("- ", f);
        md(f, cites ? cites : "(the rule cites no provision)");
        fputs(" (", f);
        for (size_t k = i, m = 0; k < gavel_value_len(reasons); k++) {
            const char *c2 = cli_str(gavel_value_at(reasons, k), "cites");
            if (k != i && !(cites && c2 && !strcmp(cites, c2)))
                continue;
            fputs(m++ ? ", " : "", f);
            code(f, cli_str(gavel_value_at(reasons, k), "rule"));
        }
        fputs(")\n", f);
        any = 1;
    }
    if (!any)
        fputs("No rule decided this record: it is the policy's default outcome.\n", f);
    if (order_reasons) {
        fputs("\nThe order records these reasons:\n\n> ", f);
        md(f, order_reasons);
        fputc('\n', f);
    }

    /* On which facts. */
    fputs("\n## On which facts\n\n", f);
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *x = gavel_value_at(reasons, i);
        fprintf(f, "%zu. ", i + 1);
        md(f, cli_str(x, "reason"));
        fputs(" (", f);
        code(f, cli_str(x, "rule"));
        fputs(")", f);
        const gavel_value *ev = gavel_value_get(x, "evidence");
        if (gavel_value_len(ev)) {
            fputs("  \n   Evidence: ", f);
            evidence(f, ev);
        }
        fputc('\n', f);
    }
    if (!gavel_value_len(reasons))
        fputs("No rule found facts that decide this record.\n", f);
    const gavel_value *errors = gavel_value_get(d, "errors");
    for (size_t i = 0; i < gavel_value_len(errors); i++) {
        const gavel_value *e = gavel_value_at(errors, i);
        fputs("- An error kept the rules from deciding", f);
        if (cli_str(e, "rule")) {
            fputs(" (", f);
            code(f, cli_str(e, "rule"));
            fputc(')', f);
        }
        fputs(": ", f);
        md(f, cli_str(e, "message"));
        fputc('\n', f);
    }

    /* Exemptions: those that applied and were set aside, and why. */
    /* Exemptions (rules for the policy's default outcome, keep) and other
     * objections (review, ...) that could set the grounds aside: those that
     * applied and why they were set aside; then, with the policy, those that
     * did not apply. */
    const char *weak = ns->policy ? gavel_policy_default(ns->policy) : "keep";
    for (int pass = 0; pass < 2; pass++) {
        int n = 0;
        fputs(pass ? "" : "\n## Exemptions considered\n\n", f);
        for (size_t i = 0; i < gavel_value_len(defeated); i++) {
            const gavel_value *x = gavel_value_at(defeated, i);
            const char *out = cli_str(x, "outcome"), *by = cli_str(x, "by");
            if (out && !strcmp(out, decision))
                continue;                           /* a ground, below */
            if ((out && !strcmp(out, weak)) == pass)
                continue;
            if (pass && !n)
                fputs("\n## Other objections considered\n\n", f);
            n++;
            fputs("- ", f);
            code(f, cli_str(x, "rule"));
            if (cli_str(x, "cites")) {
                fputs(" (", f);
                md(f, cli_str(x, "cites"));
                fputc(')', f);
            }
            fputs(" applied: ", f);
            md(f, cli_str(x, "reason"));
            fputs(". It was set aside by ", f);
            code(f, by ? by : "?");
            const gavel_value *why = reason_of(reasons, by);
            if (why && cli_str(why, "reason")) {
                fputs(": ", f);
                md(f, cli_str(why, "reason"));
            }
            if (why && cli_str(why, "cites")) {
                fputs(" (", f);
                md(f, cli_str(why, "cites"));
                fputc(')', f);
            }
            fputs(".\n", f);
        }
        int header = 0;
        for (size_t i = 0; ns->policy && i < gavel_policy_nrules(ns->policy); i++) {
            const gavel_rule_info *ri = gavel_policy_rule(ns->policy, i);
            if (in_list(fired, ri->id) || (ri->outcome && !strcmp(ri->outcome, decision)))
                continue;
            if ((ri->outcome && !strcmp(ri->outcome, weak)) == pass)
                continue;
            int relevant = 0;
            for (size_t k = 0; k < ri->ndefeats && !relevant; k++)
                relevant = reason_of(reasons, ri->defeats[k]) != NULL;
            if (!relevant)
                continue;
            if (pass && !n)
                fputs("\n## Other objections considered\n\n", f);
            if (!header++) {
                fputs(n ? "\n" : "", f);
                fputs(pass ? "These rules could set aside a ground relied on here, and found "
                             "nothing on the facts of this record or its order:\n\n"
                           : "These rules would keep the account and could set aside a ground "
                             "relied on here; none applies on the facts of this record:\n\n", f);
            }
            fputs("- ", f);
            code(f, ri->id);
            if (ri->cites) {
                fputs(" (", f);
                md(f, ri->cites);
                fputc(')', f);
            }
            fputc('\n', f);
            n++;
        }
        if (!pass && !n)
            fputs("No exemption applied on the facts of this record.\n", f);
    }

    /* Grounds that were set aside: the notice does not rest on them. */
    int ng = 0;
    for (size_t i = 0; i < gavel_value_len(defeated); i++) {
        const gavel_value *x = gavel_value_at(defeated, i);
        const char *out = cli_str(x, "outcome"), *by = cli_str(x, "by");
        if (!out || strcmp(out, decision))
            continue;
        if (!ng++)
            fputs("\n## Grounds set aside\n\nThese grounds applied but were set aside; this "
                  "notice does not rest on them.\n\n", f);
        fputs("- ", f);
        code(f, cli_str(x, "rule"));
        fputs(": ", f);
        md(f, cli_str(x, "reason"));
        fputs(". Set aside by ", f);
        code(f, by ? by : "?");
        const gavel_value *why = reason_of(defeated, by);
        if (!why)
            why = reason_of(reasons, by);
        if (why && cli_str(why, "reason")) {
            fputs(": ", f);
            md(f, cli_str(why, "reason"));
        }
        fputs(".\n", f);
    }

    /* Missing facts. */
    if (gavel_value_len(missing)) {
        fputs("\n## Facts not in the record\n\nThe rules read these facts and the record does not "
              "have them, so no rule could rely on them:\n\n", f);
        for (size_t i = 0; i < gavel_value_len(missing); i++) {
            const gavel_value *m = gavel_value_at(missing, i);
            fputs("- ", f);
            code(f, cli_str(m, "path"));
            const gavel_value *rules = gavel_value_get(m, "rules");
            for (size_t k = 0; k < gavel_value_len(rules); k++) {
                fputs(k ? ", " : " (read by ", f);
                code(f, gavel_value_string(gavel_value_at(rules, k), NULL));
            }
            fputs(gavel_value_len(rules) ? ")\n" : "\n", f);
        }
    }

    fputs("\n---\n\n*Made by gavel from line ", f);
    fprintf(f, "%ld of ", lineno);
    code(f, ns->source);
    fputs(". `gavel replay` with the policy of this digest and the same record makes the "
          "decision again.*\n", f);

    int bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    if (bad) {
        cli_error("%s: write error", path);
        free(name);
        free(path);
        return -1;
    }
    free(path);

    /* The index line: account, provisions, file. */
    char *line = NULL;
    size_t len = 0;
    FILE *l = open_memstream(&line, &len);
    if (!l) {
        free(name);
        return -1;
    }
    fputs("| ", l);
    code(l, id);
    fputs(" | ", l);
    for (size_t i = 0, m = 0; i < gavel_value_len(reasons); i++) {
        const char *c = cli_str(gavel_value_at(reasons, i), "cites");
        int dup = 0;
        for (size_t k = 0; k < i && c; k++)
            dup |= cli_str(gavel_value_at(reasons, k), "cites") &&
                   !strcmp(cli_str(gavel_value_at(reasons, k), "cites"), c);
        if (!c || dup)
            continue;
        fputs(m++ ? "<br>" : "", l);
        md(l, c);
    }
    fprintf(l, " | [%s](%s) |", name, name);
    if (fclose(l) != 0 || !line) {
        free(line);
        free(name);
        return -1;
    }
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        char **names = realloc(ns->names, cap * sizeof *names);
        if (names)
            ns->names = names;
        char **index = names ? realloc(ns->index, cap * sizeof *index) : NULL;
        if (!names || !index) {
            free(line);
            free(name);
            cli_error("out of memory");
            return -1;
        }
        ns->index = index;
        ns->cap = cap;
    }
    ns->names[ns->n] = name;
    ns->index[ns->n++] = line;
    return 1;
}

int notices_close(notices *ns)
{
    int rc = 0;
    size_t plen = strlen(ns->dir) + 16;
    char *path = malloc(plen);
    FILE *f = NULL;
    if (path) {
        snprintf(path, plen, "%s/index.md", ns->dir);
        f = fopen(path, "w");
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
        if (fclose(f) != 0) {
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
