/*
 * cmd_doc.c: `gavel doc`: the policy as a document for lawyers: outcomes,
 * rules grouped by the provision they cite (each with its outcome, reason,
 * what it sets aside and what sets it aside), and the defeat graph as DOT,
 * or drawn as inline SVG in the HTML page.
 *
 * Calls gavel.h and the shared pieces of cli.h (options, messages, escapers).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char doc_usage[] =
    "usage: gavel doc -p POLICY [-f md|html|dot] [-o FILE]\n";

typedef enum { DOC_MD, DOC_HTML, DOC_DOT } doc_format;

/* ---- escaping (HTML and Markdown in escape.c) ---------------------------------- */

/* Markdown as doc has always escaped it: every underscore too. */
static void md(FILE *f, const char *s)
{
    cli_markdown(f, s, 0);
}

static void dot_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* ---- the policy's shape -------------------------------------------------------- */

/* Rules that set rule i aside. */
static size_t defeaters_of(const gavel_policy *p, size_t i, const char **out, size_t max)
{
    const char *id = gavel_policy_rule(p, i)->id;
    size_t n = 0;
    for (size_t k = 0; k < gavel_policy_nrules(p) && n < max; k++) {
        const gavel_rule_info *r = gavel_policy_rule(p, k);
        for (size_t d = 0; d < r->ndefeats; d++)
            if (!strcmp(r->defeats[d], id))
                out[n++] = r->id;
    }
    return n;
}

static size_t rule_index(const gavel_policy *p, const char *id)
{
    for (size_t k = 0; k < gavel_policy_nrules(p); k++)
        if (!strcmp(gavel_policy_rule(p, k)->id, id))
            return k;
    return 0;
}

/* Layer 0: rules nothing defeats; below, one more than the deepest
 * defeater. The graph is acyclic (the loader refuses cycles). */
static void layers(const gavel_policy *p, int *layer)
{
    size_t n = gavel_policy_nrules(p);
    for (size_t i = 0; i < n; i++)
        layer[i] = 0;
    for (size_t pass = 0; pass < n; pass++)
        for (size_t i = 0; i < n; i++) {
            const gavel_rule_info *r = gavel_policy_rule(p, i);
            for (size_t d = 0; d < r->ndefeats; d++) {
                size_t k = rule_index(p, r->defeats[d]);
                if (layer[k] < layer[i] + 1)
                    layer[k] = layer[i] + 1;
            }
        }
}

static const char *outcome_color(const gavel_policy *p, const char *outcome)
{
    static const char *const palette[] = { "#c0392b", "#d68910", "#1e8449", "#2e86c1", "#7d3c98" };
    if (!outcome)
        return "#7f8c8d";
    for (size_t i = 0; i < gavel_policy_noutcomes(p); i++)
        if (!strcmp(gavel_policy_outcome(p, i), outcome))
            return palette[i % 5];
    return "#7f8c8d";
}

/* ---- DOT and SVG ----------------------------------------------------------------- */

static void write_dot(FILE *f, const gavel_policy *p)
{
    fprintf(f, "digraph ");
    dot_str(f, gavel_policy_name(p));
    fprintf(f, " {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", "
               "fontname=\"Helvetica\", fillcolor=\"#ffffff\"];\n");
    for (size_t i = 0; i < gavel_policy_nrules(p); i++) {
        const gavel_rule_info *r = gavel_policy_rule(p, i);
        char label[512];
        snprintf(label, sizeof label, "%s\n%s", r->id, r->outcome ? r->outcome : "(defeats only)");
        fputs("  ", f);
        dot_str(f, r->id);
        fputs(" [label=", f);
        dot_str(f, label);
        fprintf(f, ", color=\"%s\"];\n", outcome_color(p, r->outcome));
    }
    for (size_t i = 0; i < gavel_policy_nrules(p); i++) {
        const gavel_rule_info *r = gavel_policy_rule(p, i);
        for (size_t d = 0; d < r->ndefeats; d++) {
            fputs("  ", f);
            dot_str(f, r->id);
            fputs(" -> ", f);
            dot_str(f, r->defeats[d]);
            fputs(" [label=\"defeats\"];\n", f);
        }
    }
    fputs("}\n", f);
}

enum { BOX_H = 44, ROW_H = 100, GAP = 24, CHAR_W = 8, PAD = 20 };

static void write_svg(FILE *f, const gavel_policy *p)
{
    size_t n = gavel_policy_nrules(p);
    int *layer = calloc(n + 1, sizeof *layer), *x = calloc(n + 1, sizeof *x),
        *w = calloc(n + 1, sizeof *w), maxl = 0, width = 0;
    if (!layer || !x || !w)
        goto done;
    layers(p, layer);
    for (size_t i = 0; i < n; i++)
        maxl = layer[i] > maxl ? layer[i] : maxl;
    for (int l = 0; l <= maxl; l++) {
        int cx = PAD;
        for (size_t i = 0; i < n; i++) {
            if (layer[i] != l)
                continue;
            w[i] = (int)strlen(gavel_policy_rule(p, i)->id) * CHAR_W + 2 * PAD;
            x[i] = cx;
            cx += w[i] + GAP;
        }
        width = cx > width ? cx : width;
    }
    int height = (maxl + 1) * ROW_H;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"defeat graph\">\n"
               "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
               "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
               "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n",
            width, height, width, height);
    for (size_t i = 0; i < n; i++) {
        const gavel_rule_info *r = gavel_policy_rule(p, i);
        for (size_t d = 0; d < r->ndefeats; d++) {
            size_t k = rule_index(p, r->defeats[d]);
            fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" "
                       "stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n",
                    x[i] + w[i] / 2, layer[i] * ROW_H + 10 + BOX_H,
                    x[k] + w[k] / 2, layer[k] * ROW_H + 10);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const gavel_rule_info *r = gavel_policy_rule(p, i);
        int y = layer[i] * ROW_H + 10;
        fprintf(f, "<g><title>");
        cli_html(f, r->reason);
        fprintf(f, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" "
                   "fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\"/>"
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" "
                   "font-family=\"monospace\">",
                x[i], y, w[i], BOX_H, outcome_color(p, r->outcome), x[i] + w[i] / 2, y + 18);
        cli_html(f, r->id);
        fprintf(f, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
                   "fill=\"%s\" font-family=\"sans-serif\">",
                x[i] + w[i] / 2, y + 35, outcome_color(p, r->outcome));
        cli_html(f, r->outcome ? r->outcome : "defeats only");
        fputs("</text></g>\n", f);
    }
    fputs("</svg>\n", f);
done:
    free(layer);
    free(x);
    free(w);
}

/* ---- the document ------------------------------------------------------------------ */

/* Distinct citations in policy order, uncited last (NULL). */
static size_t provisions(const gavel_policy *p, const char **out)
{
    size_t n = 0;
    int uncited = 0;
    for (size_t i = 0; i < gavel_policy_nrules(p); i++) {
        const char *c = gavel_policy_rule(p, i)->cites;
        if (!c) {
            uncited = 1;
            continue;
        }
        int seen = 0;
        for (size_t k = 0; k < n; k++)
            seen |= !strcmp(out[k], c);
        if (!seen)
            out[n++] = c;
    }
    if (uncited)
        out[n++] = NULL;
    return n;
}

static void write_rule(FILE *f, const gavel_policy *p, size_t i, doc_format fmt)
{
    const gavel_rule_info *r = gavel_policy_rule(p, i);
    const char *by[256];
    size_t nby = defeaters_of(p, i, by, 256);
    void (*esc)(FILE *, const char *) = fmt == DOC_HTML ? cli_html : md;
    fputs(fmt == DOC_HTML ? "<li><code>" : "- `", f);
    fputs(r->id, f);
    fputs(fmt == DOC_HTML ? "</code> → <b>" : "` → **", f);
    esc(f, r->outcome ? r->outcome : "sets others aside");
    fputs(fmt == DOC_HTML ? "</b>: " : "**: ", f);
    esc(f, r->reason && *r->reason ? r->reason : "(no reason given)");
    if (r->ndefeats) {
        fputs(fmt == DOC_HTML ? "<br>Sets aside: " : "  \n  Sets aside: ", f);
        for (size_t d = 0; d < r->ndefeats; d++) {
            fputs(d ? ", " : "", f);
            esc(f, r->defeats[d]);
        }
    }
    if (nby) {
        fputs(fmt == DOC_HTML ? "<br>Set aside by: " : "  \n  Set aside by: ", f);
        for (size_t d = 0; d < nby; d++) {
            fputs(d ? ", " : "", f);
            esc(f, by[d]);
        }
    }
    for (size_t m = 0; m < r->nmeasures; m++) {
        fputs(fmt == DOC_HTML ? "<br>Orders: " : "  \n  Orders: ", f);
        esc(f, r->measures[m]);
    }
    if (r->in_force_from || r->in_force_until) {
        fprintf(f, "%sIn force: %s to %s", fmt == DOC_HTML ? "<br>" : "  \n  ",
                r->in_force_from ? r->in_force_from : "any date",
                r->in_force_until ? r->in_force_until : "now");
    }
    fputs(fmt == DOC_HTML ? " <small>(" : "  \n  (", f);
    esc(f, r->file);                /* the manifest's to name: any text */
    fprintf(f, ":%u)%s\n", r->line, fmt == DOC_HTML ? "</small></li>" : "");
}

static void write_doc(FILE *f, const gavel_policy *p, doc_format fmt)
{
    size_t n = gavel_policy_nrules(p);
    const char **prov = calloc(n + 2, sizeof *prov);
    if (!prov)
        return;
    size_t np = provisions(p, prov);
    int h = fmt == DOC_HTML;
    if (h) {
        fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", f);
        cli_html(f, gavel_policy_name(p));
        fputs("</title><style>body{font-family:Georgia,serif;max-width:60em;margin:2em auto;"
              "padding:0 1em;color:#222;line-height:1.5}h1,h2,h3{font-family:Helvetica,"
              "sans-serif}code{background:#f3f3f3;padding:0 .2em}li{margin:.6em 0}"
              "small{color:#777}.meta{color:#555}svg{max-width:100%;height:auto}</style>"
              "</head><body>\n<h1>", f);
        cli_html(f, gavel_policy_name(p));
        fputs(" ", f);
        cli_html(f, gavel_policy_version(p));
        fprintf(f, "</h1>\n<p class=\"meta\">Digest <code>%s</code></p>\n", gavel_policy_digest(p));
    } else {
        /* The name is a [a-z0-9._-] name (the loader checks); the version
         * is free text. */
        fprintf(f, "# %s ", gavel_policy_name(p));
        md(f, gavel_policy_version(p));
        fprintf(f, "\n\nDigest `%s`\n\n", gavel_policy_digest(p));
    }
    fputs(h ? "<p>Outcomes, strongest first: " : "Outcomes, strongest first: ", f);
    for (size_t i = 0; i < gavel_policy_noutcomes(p); i++)
        fprintf(f, "%s%s", i ? ", " : "", gavel_policy_outcome(p, i));
    fprintf(f, ". When no rule applies: %s. When a rule fails on a record: %s.%s\n\n",
            gavel_policy_default(p), gavel_policy_on_error(p), h ? "</p>" : "");
    fputs(h ? "<h2>Rules by provision</h2>\n" : "## Rules by provision\n\n", f);
    for (size_t k = 0; k < np; k++) {
        fputs(h ? "<h3>" : "### ", f);
        (h ? cli_html : md)(f, prov[k] ? prov[k] : "Rules that cite no provision");
        fputs(h ? "</h3>\n<ul>\n" : "\n\n", f);
        for (size_t i = 0; i < n; i++) {
            const char *c = gavel_policy_rule(p, i)->cites;
            if ((c && prov[k] && !strcmp(c, prov[k])) || (!c && !prov[k]))
                write_rule(f, p, i, fmt);
        }
        fputs(h ? "</ul>\n" : "\n", f);
    }
    fputs(h ? "<h2>Defeat graph</h2>\n<p>An arrow runs from a rule to the rule it sets aside. "
              "Hover a box for its reason.</p>\n"
            : "## Defeat graph\n\nAn arrow runs from a rule to the rule it sets aside.\n\n```dot\n",
          f);
    if (h)
        write_svg(f, p);
    else
        write_dot(f, p);
    fputs(h ? "</body></html>\n" : "```\n", f);
    free(prov);
}

static const cli_option doc_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "format", 'f', OPT_VALUE, 'f', NULL },
    { "output", 'o', OPT_VALUE, 'o', NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

int cmd_doc(int argc, char **argv)
{
    const char *policy = NULL, *format = "md", *output = NULL;
    cli_opts args;
    cli_opts_init(&args, "doc", argc, argv, doc_options, NULL);
    for (int id; (id = cli_opts_next(&args)) != OPT_END; ) {
        switch (id) {
        case 'h': return cli_help(doc_usage, NULL);
        case 'p': policy = args.value; break;
        case 'f': format = args.value; break;
        case 'o': output = args.value; break;
        case OPT_OPERAND: return cli_opts_unknown(&args, args.value), EXIT_TROUBLE;
        default: return EXIT_TROUBLE;
        }
    }
    doc_format fmt = !strcmp(format, "md") ? DOC_MD : !strcmp(format, "html") ? DOC_HTML
                   : !strcmp(format, "dot") ? DOC_DOT : (doc_format)-1;
    if (!policy || (int)fmt < 0) {
        cli_error(policy ? "unknown format (md, html, dot)" : "doc needs a policy: -p DIR");
        return EXIT_TROUBLE;
    }
    gavel_policy *p = cli_load_policy(policy, NULL);
    if (!p)
        return EXIT_TROUBLE;
    cli_out out;
    if (cli_out_open(&out, output, 0) != 0) {
        gavel_policy_free(p);
        return EXIT_TROUBLE;
    }
    if (fmt == DOC_DOT)
        write_dot(out.f, p);
    else
        write_doc(out.f, p, fmt);
    gavel_policy_free(p);
    /* stdout: checked by cli_stdout_close at the end (main.c) */
    return cli_out_close(&out, 1) == 0 ? EXIT_DONE : EXIT_TROUBLE;
}
