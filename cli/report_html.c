/*
 * report_html.c: the page of `gavel report` (report.h): one self-contained
 * HTML file a person would rather read than the JSON Lines: totals by
 * outcome (cards and a ring), bar charts (inline SVG) of what the report
 * counted (with measures: by action and by country), the table of records, sortable and filterable by a small inline
 * script, the policy's name, version and digest and the as_of the law was
 * applied at. Nothing is loaded from the network; the page is the same for
 * the same input (the time it was made appears only with --now). It shows
 * what report.c counted and computes none of it.
 *
 * Calls gavel.h, report.h, cli.h's escapers and value helpers, and
 * notice_model.h for the names of countries.
 */
#include "report.h"
#include "cli.h"
#include "notice_model.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const palette[] = { "#2563eb", "#7c3aed", "#0891b2", "#db2777",
                                       "#4d7c0f", "#9333ea", "#475569" };

/* The colour of an outcome: the usual three by name, others from a palette
 * in the order they are listed. */
static const char *outcome_color(const report *r, const char *o)
{
    if (!o)
        return "#64748b";
    if (!strcmp(o, "withhold") || !strcmp(o, "block") || !strcmp(o, "remove"))
        return "#dc2626";
    if (!strcmp(o, "review") || !strcmp(o, "escalate"))
        return "#d97706";
    if (!strcmp(o, "keep") || !strcmp(o, "allow"))
        return "#16a34a";
    long k = report_outcome_index(r, o);
    if (k >= 0)
        return palette[(size_t)k % (sizeof palette / sizeof *palette)];
    return "#64748b";
}

static const char css[] =
    ":root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f1f5f9;--card:#fff;"
    "--accent:#4f46e5}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'DejaVu Sans','Liberation Sans',Arial,sans-serif}\n"
    "header.top{background:linear-gradient(120deg,#1e1b4b,#312e81 55%,#4338ca);color:#fff;"
    "padding:28px 0 30px}\n"
    ".wrap{max-width:1200px;margin:0 auto;padding:0 28px}\n"
    ".brand{font-size:12px;letter-spacing:.14em;text-transform:uppercase;opacity:.75}\n"
    "h1{margin:6px 0 14px;font-size:30px;font-weight:650;letter-spacing:-.01em}\n"
    "h1 .ver{font-weight:400;opacity:.7;font-size:22px;margin-left:6px}\n"
    ".meta{display:flex;flex-wrap:wrap;gap:10px 34px;margin:0}\n"
    ".meta div{min-width:0}.meta dt{font-size:11px;text-transform:uppercase;letter-spacing:.1em;"
    "opacity:.65}\n"
    ".meta dd{margin:2px 0 0;font-size:14px;overflow-wrap:anywhere}\n"
    ".meta code{font-size:12.5px;background:rgba(255,255,255,.12);padding:1px 6px;border-radius:4px}\n"
    "main.wrap{padding-top:22px;padding-bottom:30px}\n"
    ".summary{display:grid;grid-template-columns:220px 1fr;gap:18px;margin-bottom:18px}\n"
    ".panel{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 20px;"
    "box-shadow:0 1px 2px rgba(15,23,42,.04)}\n"
    ".panel h2{margin:0 0 2px;font-size:16px;font-weight:650}\n"
    ".panel p.sub{margin:0 0 12px;color:var(--muted);font-size:13px}\n"
    ".ring{display:flex;align-items:center;justify-content:center}\n"
    ".right{display:flex;flex-direction:column;gap:12px}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}\n"
    ".cards.minor .card{border-top-width:1px;border-left:4px solid var(--c,#94a3b8);padding:10px 14px}\n"
    ".cards.minor .n{font-size:20px}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 16px;"
    "border-top:4px solid var(--c,#94a3b8)}\n"
    ".card .n{font-size:28px;font-weight:700;line-height:1.1}\n"
    ".card .l{font-size:13px;color:var(--muted)}\n"
    ".card .pct{font-size:12px;color:var(--c,#64748b);font-weight:600}\n"
    ".grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px;margin-bottom:18px}\n"
    "svg text{font-family:inherit}\n"
    ".none{color:var(--muted);font-style:italic;font-size:14px;margin:8px 0}\n"
    ".more{color:var(--muted);font-size:12px;margin-top:4px}\n"
    ".tools{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:6px 0 12px}\n"
    ".tools input{flex:1 1 260px;padding:8px 12px;border:1px solid #cbd5e1;border-radius:8px;"
    "font:inherit}\n"
    ".chip{border:1px solid #cbd5e1;background:#fff;border-radius:999px;padding:5px 12px;"
    "font:inherit;font-size:13px;cursor:pointer;color:var(--ink)}\n"
    ".chip[aria-pressed=true]{background:var(--c,#334155);border-color:var(--c,#334155);color:#fff}\n"
    ".count{color:var(--muted);font-size:13px;margin-left:auto}\n"
    "table{width:100%;border-collapse:collapse;font-size:13.5px}\n"
    "th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);"
    "border-bottom:2px solid var(--line);padding:8px 10px;cursor:pointer;user-select:none;"
    "white-space:nowrap;position:sticky;top:0;background:#fff}\n"
    "th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}\n"
    "td{border-bottom:1px solid var(--line);padding:9px 10px;vertical-align:top}\n"
    "tr:hover td{background:#f8fafc}\n"
    "td.id{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12.5px;white-space:nowrap}\n"
    ".badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:650;"
    "color:#fff;background:var(--c)}\n"
    ".dflt{display:block;color:var(--muted);font-size:11.5px;margin-top:3px}\n"
    ".rs+.rs{margin-top:6px}\n"
    ".rule{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;background:#eef2ff;"
    "color:#3730a3;padding:1px 6px;border-radius:4px;margin-right:6px}\n"
    ".cite{color:var(--muted);font-size:12px;margin-top:2px}\n"
    ".cite::before{content:'\\00A7  '}\n"
    ".aside{font-size:12.5px}.aside .rule{background:#f1f5f9;color:#475569}\n"
    ".by{color:var(--muted)}\n"
    ".miss code{font-size:12px;background:#ecfeff;color:#155e75;padding:1px 5px;border-radius:4px;"
    "display:inline-block;margin:0 4px 3px 0}\n"
    ".err{color:#b91c1c;font-size:12.5px}\n"
    ".muted{color:var(--muted)}\n"
    "footer{color:var(--muted);font-size:12.5px;padding:8px 0 40px}\n"
    "footer code{font-size:12px}\n"
    "@media (max-width:900px){.grid2,.summary{grid-template-columns:1fr}}\n"
    "@media print{.tools{display:none}th{position:static}body{background:#fff}}\n";

/* Only in the pages of decisions with measures: the others stay as they were. */
static const char measures_css[] =
    ".ms+.ms{margin-top:6px}\n"
    ".act{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;background:#fef2f2;"
    "color:#991b1b;padding:1px 6px;border-radius:4px;margin-right:6px}\n"
    ".ms code{font-size:12px;background:#f1f5f9;padding:0 4px;border-radius:4px}\n"
    ".when{color:var(--muted);font-size:12px;margin-top:2px}\n";

/* The table: sort by a column, filter by text and outcome. No network, no
 * innerHTML: rows are moved and hidden, never rebuilt. */
static const char script[] =
    "(function(){\n"
    "var table=document.getElementById('records');if(!table)return;\n"
    "var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);\n"
    "var q=document.getElementById('q'),count=document.getElementById('count');\n"
    "var chips=Array.prototype.slice.call(document.querySelectorAll('.chip'));\n"
    "var want='';\n"
    "function apply(){var t=q.value.toLowerCase().trim(),n=0;\n"
    " rows.forEach(function(r){var ok=(!want||r.getAttribute('data-decision')===want)&&\n"
    "  (!t||r.textContent.toLowerCase().indexOf(t)>=0);r.hidden=!ok;if(ok)n++;});\n"
    " count.textContent=n+' of '+rows.length+' shown';}\n"
    "chips.forEach(function(c){c.addEventListener('click',function(){\n"
    " want=c.getAttribute('data-outcome');chips.forEach(function(o){\n"
    "  o.setAttribute('aria-pressed',o===c?'true':'false');});apply();});});\n"
    "q.addEventListener('input',apply);\n"
    "var heads=Array.prototype.slice.call(table.tHead.rows[0].cells);\n"
    "heads.forEach(function(th,i){th.addEventListener('click',function(){\n"
    " var asc=th.getAttribute('aria-sort')!=='ascending';\n"
    " heads.forEach(function(o){o.removeAttribute('aria-sort');});\n"
    " th.setAttribute('aria-sort',asc?'ascending':'descending');\n"
    " var key=function(r){var c=r.cells[i];return c.getAttribute('data-k')||c.textContent;};\n"
    " rows.sort(function(a,b){var x=key(a),y=key(b);\n"
    "  var d=x.localeCompare(y,undefined,{numeric:true});return asc?d:-d;});\n"
    " rows.forEach(function(r){body.appendChild(r);});});});\n"
    "apply();\n"
    "})();\n";

typedef struct bar {
    const char *label, *sub, *color;
    unsigned long long n;
} bar;

#define MAX_BARS 14

/* Breaks text into lines of at most `width` bytes at spaces (a word longer
 * than that is cut at a UTF-8 boundary); at most `max` lines, the last one
 * ending in an ellipsis when text is left over. Returns the line count;
 * line k is text[start[k] .. start[k] + len[k]). */
static size_t wrap(const char *text, size_t width, size_t max, size_t *start, size_t *len,
                   int *cut)
{
    size_t n = 0, at = 0, total = strlen(text);
    *cut = 0;
    while (at < total && n < max) {
        while (text[at] == ' ')
            at++;
        size_t end = at + width;
        if (end >= total) {
            end = total;
        } else {
            size_t sp = end;
            while (sp > at && text[sp] != ' ')
                sp--;
            if (sp > at)
                end = sp;
            else
                while (end > at && ((unsigned char)text[end] & 0xc0) == 0x80)
                    end--;
        }
        start[n] = at;
        len[n++] = end - at;
        at = end;
    }
    while (at < total && text[at] == ' ')
        at++;
    *cut = at < total;
    return n;
}

static void put_lines(FILE *f, const char *text, size_t width, size_t max, int x, int *y,
                      const char *attrs)
{
    size_t start[4], len[4];
    int cut;
    size_t n = wrap(text, width, max > 4 ? 4 : max, start, len, &cut);
    for (size_t k = 0; k < n; k++) {
        char *t = strndup(text + start[k], len[k]);
        if (!t)
            return;
        fprintf(f, "<text x=\"%d\" y=\"%d\" %s>", x, *y, attrs);
        cli_html(f, t);
        if (cut && k + 1 == n)
            fputs("\xe2\x80\xa6", f);
        fputs("</text>\n", f);
        free(t);
        *y += 16;
    }
}

/* A horizontal bar chart: each row a label (wrapped, up to three lines) and
 * an optional grey note over its bar, the count at the bar's end. The SVG
 * scales to its panel. */
static void svg_bars(FILE *f, const bar *b, size_t n, unsigned long long total, const char *what)
{
    if (n == 0) {
        fprintf(f, "<p class=\"none\">No %s.</p>\n", what);
        return;
    }
    size_t shown = n > MAX_BARS ? MAX_BARS : n;
    unsigned long long max = 1;
    for (size_t i = 0; i < shown; i++)
        if (b[i].n > max)
            max = b[i].n;
    const int W = 560, track = W - 70;
    /* Lay out first to know the height. */
    int height = 0;
    for (size_t i = 0; i < shown; i++) {
        size_t st[4], ln[4];
        int cut;
        height += 16 * (int)wrap(b[i].label, 76, 3, st, ln, &cut);
        if (b[i].sub)
            height += 16 * (int)wrap(b[i].sub, 84, 2, st, ln, &cut);
        height += 35;      /* the bar and the gap: see the loop below */
    }
    fprintf(f, "<svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" aria-label=\"%s\">\n", W,
            height + 4, what);
    int y = 0;
    for (size_t i = 0; i < shown; i++) {
        double w = (double)b[i].n / (double)max * track;
        if (w < 3)
            w = 3;
        fputs("<g><title>", f);
        cli_html(f, b[i].label);
        if (b[i].sub) {
            fputs(" \xe2\x80\x94 ", f);
            cli_html(f, b[i].sub);
        }
        fprintf(f, ": %llu</title>\n", b[i].n);
        int ty = y + 14;
        put_lines(f, b[i].label, 76, 3, 0, &ty, "font-size=\"13\" fill=\"#0f172a\"");
        if (b[i].sub)
            put_lines(f, b[i].sub, 84, 2, 0, &ty, "font-size=\"12\" fill=\"#64748b\"");
        int by = ty - 7;
        fprintf(f, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"14\" rx=\"4\" fill=\"#f1f5f9\"/>\n",
                by, track);
        fprintf(f, "<rect x=\"0\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"4\" fill=\"%s\"/>\n",
                by, w, b[i].color);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"12.5\" font-weight=\"600\" "
                "fill=\"#334155\">%llu", w + 6, by + 11, b[i].n);
        if (total)
            fprintf(f, "<tspan fill=\"#94a3b8\" font-weight=\"400\"> %.0f%%</tspan>",
                    100.0 * (double)b[i].n / (double)total);
        fputs("</text></g>\n", f);
        y = by + 14 + 14;
    }
    fputs("</svg>\n", f);
    if (n > shown)
        fprintf(f, "<p class=\"more\">and %zu more</p>\n", n - shown);
}

/* The outcomes as a ring, the total in its middle. */
static void svg_ring(FILE *f, const report *r)
{
    const double R = 70, C = 2 * 3.141592653589793 * R;
    fputs("<svg viewBox=\"0 0 180 180\" width=\"180\" height=\"180\" role=\"img\" "
          "aria-label=\"decisions by outcome\">\n"
          "<circle cx=\"90\" cy=\"90\" r=\"70\" fill=\"none\" stroke=\"#e2e8f0\" stroke-width=\"22\"/>\n",
          f);
    double at = 0;
    for (size_t i = 0; i < r->outcomes.n && r->records; i++) {
        const tally_item *it = &r->outcomes.it[i];
        double len = (double)it->n / (double)r->records * C;
        if (len <= 0)
            continue;
        fprintf(f, "<circle cx=\"90\" cy=\"90\" r=\"70\" fill=\"none\" stroke=\"%s\" "
                "stroke-width=\"22\" stroke-dasharray=\"%.2f %.2f\" stroke-dashoffset=\"%.2f\" "
                "transform=\"rotate(-90 90 90)\"><title>",
                outcome_color(r, it->name), len, C - len, -at);
        cli_html(f, it->name);
        fprintf(f, ": %llu</title></circle>\n", it->n);
        at += len;
    }
    fprintf(f, "<text x=\"90\" y=\"92\" text-anchor=\"middle\" font-size=\"30\" font-weight=\"700\" "
            "fill=\"#0f172a\">%llu</text>\n"
            "<text x=\"90\" y=\"114\" text-anchor=\"middle\" font-size=\"12\" fill=\"#64748b\">"
            "record%s</text>\n</svg>\n", r->records, r->records == 1 ? "" : "s");
}

static void card(FILE *f, const char *color, unsigned long long n, const char *label,
                 unsigned long long total)
{
    fprintf(f, "<div class=\"card\" style=\"--c:%s\"><div class=\"n\">%llu</div><div class=\"l\">",
            color, n);
    cli_html(f, label);
    fputs("</div>", f);
    if (total)
        fprintf(f, "<div class=\"pct\">%.1f%%</div>", 100.0 * (double)n / (double)total);
    fputs("</div>\n", f);
}

/* A rule's id, as the table marks it. */
static void rule_span(FILE *f, const char *rule)
{
    fputs("<span class=\"rule\">", f);
    cli_html(f, rule);
    fputs("</span>", f);
}

/* A record's determining reasons, with its citations, or why there are none. */
static void row_reasons(FILE *f, const gavel_value *d)
{
    const gavel_value *errors = gavel_value_get(d, "errors");
    for (size_t i = 0; i < gavel_value_len(errors); i++) {
        const gavel_value *e = gavel_value_at(errors, i);
        fputs("<div class=\"err\">error", f);
        if (cli_str(e, "rule")) {
            fputs(" in ", f);
            cli_html(f, cli_str(e, "rule"));
        }
        fputs(": ", f);
        cli_html(f, cli_str(e, "message"));
        fputs("</div>", f);
    }
    const gavel_value *reasons = gavel_value_get(d, "reasons");
    if (gavel_value_len(reasons) == 0 && gavel_value_len(errors) == 0)
        fputs("<span class=\"muted\">no rule applied: the policy's default</span>", f);
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *x = gavel_value_at(reasons, i);
        fputs("<div class=\"rs\">", f);
        rule_span(f, cli_str(x, "rule"));
        cli_html(f, cli_str(x, "reason"));
        if (cli_str(x, "cites")) {
            fputs("<div class=\"cite\">", f);
            cli_html(f, cli_str(x, "cites"));
            fputs("</div>", f);
        }
        fputs("</div>", f);
    }
}

/* Joins the strings of a list with ", ", "*" said as "everywhere". */
static void list_html(FILE *f, const gavel_value *list)
{
    for (size_t i = 0; i < gavel_value_len(list); i++) {
        const char *s = gavel_value_string(gavel_value_at(list, i), NULL);
        fputs(i ? ", " : "", f);
        cli_html(f, s && !strcmp(s, "*") ? "everywhere" : s ? s : "?");
    }
}

/* What was set aside and by what; then the missing facts. */
static void row_setaside_missing(FILE *f, const gavel_value *d)
{
    fputs("</td><td class=\"aside\">", f);
    const gavel_value *defeated = gavel_value_get(d, "defeated");
    for (size_t i = 0; i < gavel_value_len(defeated); i++) {
        const gavel_value *x = gavel_value_at(defeated, i);
        fputs("<div>", f);
        rule_span(f, cli_str(x, "rule"));
        fputs("<span class=\"by\">by ", f);
        cli_html(f, cli_str(x, "by"));
        fputs("</span>", f);
        /* Its measures went with it: said, so no one takes them. */
        const gavel_value *measures = gavel_value_get(x, "measures");
        for (size_t k = 0; k < gavel_value_len(measures); k++) {
            const gavel_value *m = gavel_value_at(measures, k);
            fputs(k ? ", " : "<div class=\"when\">not ordered: ", f);
            cli_html(f, cli_str(m, "action") ? cli_str(m, "action") : "?");
            fputs(" (", f);
            list_html(f, gavel_value_get(m, "scope"));
            fputc(')', f);
        }
        fputs(gavel_value_len(measures) ? "</div></div>" : "</div>", f);
    }
    fputs("</td><td class=\"miss\">", f);
    const gavel_value *missing = gavel_value_get(d, "missing");
    for (size_t i = 0; i < gavel_value_len(missing); i++) {
        fputs("<code>", f);
        cli_html(f, cli_str(gavel_value_at(missing, i), "path"));
        fputs("</code>", f);
    }
}

/* "post p1, p3; account acc01": each kind once, before its ids. */
static void targets_html(FILE *f, const gavel_value *targets)
{
    const char *kind = NULL;
    for (size_t i = 0; i < gavel_value_len(targets); i++) {
        const gavel_value *t = gavel_value_at(targets, i);
        const char *k = cli_str(t, "kind") ? cli_str(t, "kind") : "?";
        if (kind && !strcmp(kind, k))
            fputs(", ", f);
        else {
            fputs(kind ? "; " : "", f);
            cli_html(f, k);
            fputc(' ', f);
        }
        kind = k;
        char *id = cli_value_text(gavel_value_get(t, "id"));
        fputs("<code>", f);
        cli_html(f, id ? id : "?");
        fputs("</code>", f);
        free(id);
    }
}

/* A record's measures: the action, its targets, then where, by when, until
 * when and the rules that ordered it. */
static void row_measures(FILE *f, const gavel_value *d)
{
    const gavel_value *measures = gavel_value_get(d, "measures");
    for (size_t i = 0; i < gavel_value_len(measures); i++) {
        const gavel_value *m = gavel_value_at(measures, i);
        fputs("<div class=\"ms\"><span class=\"act\">", f);
        cli_html(f, cli_str(m, "action") ? cli_str(m, "action") : "?");
        fputs("</span>", f);
        targets_html(f, gavel_value_get(m, "targets"));
        fputs("<div class=\"when\">", f);
        list_html(f, gavel_value_get(m, "scope"));
        if (cli_str(m, "due")) {
            fputs(" \xc2\xb7 due ", f);
            cli_html(f, cli_str(m, "due"));
        }
        if (cli_str(m, "until")) {
            fputs(" \xc2\xb7 until ", f);
            cli_html(f, cli_str(m, "until"));
        }
        if (gavel_value_len(gavel_value_get(m, "rules"))) {
            fputs(" \xc2\xb7 from ", f);
            list_html(f, gavel_value_get(m, "rules"));
        }
        fputs("</div></div>", f);
    }
}

static void row_html(FILE *f, const report *r, const gavel_value *d)
{
    char id[256];
    char *idt = cli_value_text(gavel_value_get(d, "id"));
    snprintf(id, sizeof id, "%s", idt ? idt : "?");
    free(idt);
    const char *dec = cli_str(d, "decision");
    fputs("<tr data-decision=\"", f);
    cli_html(f, dec);
    fputs("\"><td class=\"id\">", f);
    cli_html(f, id);
    /* Decisions sort strongest first: the outcome's place in the order. */
    long rank = report_outcome_index(r, dec);
    fprintf(f, "</td><td data-k=\"%ld\"><span class=\"badge\" style=\"--c:%s\">",
            rank < 0 ? 0 : rank, outcome_color(r, dec));
    cli_html(f, dec ? dec : "?");
    fputs("</span>", f);
    if (gavel_value_bool(gavel_value_get(d, "default")))
        fputs("<span class=\"dflt\">default</span>", f);
    fputs("</td><td>", f);
    if (r->has_measures) {
        row_measures(f, d);
        fputs("</td><td>", f);
    }
    row_reasons(f, d);
    row_setaside_missing(f, d);
    fputs("</td></tr>\n", f);
}

/* The policy, when the decisions agree on one: its parts, else NULL. */
static const tally_item *one_policy(const report *r)
{
    return r->policies.n == 1 ? &r->policies.it[0] : NULL;
}

static void page_head(FILE *f, const report *r, const report_page *pg)
{
    const tally_item *pol = one_policy(r);
    fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"gavel ", f);
    cli_html(f, GAVEL_VERSION);
    fputs("\">\n<title>", f);
    if (pg->title)
        cli_html(f, pg->title);
    else {
        fputs("gavel report: ", f);
        cli_html(f, pol ? pol->part[0] : "decisions");
        if (pol) {
            fputc(' ', f);
            cli_html(f, pol->part[1]);
        }
    }
    fprintf(f, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", css,
            r->has_measures ? measures_css : "");
}

/* The policy's digest, or each policy with its count. */
static void meta_policies(FILE *f, const report *r)
{
    const tally_item *pol = one_policy(r);
    if (pol) {
        fputs("<div><dt>Policy digest</dt><dd><code>", f);
        cli_html(f, pol->part[2]);
        fputs("</code></dd></div>\n", f);
        return;
    }
    for (size_t i = 0; i < r->policies.n; i++) {
        const tally_item *it = &r->policies.it[i];
        fputs("<div><dt>Policy</dt><dd><code>", f);
        for (size_t k = 0; k < TALLY_PARTS; k++) {
            fputs(k ? " " : "", f);
            cli_html(f, it->part[k]);
        }
        fprintf(f, "</code> (%llu)</dd></div>\n", it->n);
    }
}

static void meta_order_and_time(FILE *f, const report_page *pg)
{
    const gavel_value *order = pg->order;
    if (order && (cli_str(order, "id") || cli_str(order, "issued_at"))) {
        fputs("<div><dt>Order</dt><dd>", f);
        cli_html(f, cli_str(order, "id") ? cli_str(order, "id") : "(no id)");
        if (cli_str(order, "issued_at")) {
            fputs(" of ", f);
            cli_html(f, cli_str(order, "issued_at"));
        }
        fputs("</dd></div>\n", f);
    }
    if (pg->now) {
        time_t t = time(NULL);
        const char *sde = getenv("SOURCE_DATE_EPOCH");
        if (sde && *sde)
            t = (time_t)strtoll(sde, NULL, 10);
        struct tm tm;
        char when[64];
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
        fprintf(f, "<div><dt>Report made</dt><dd>%s</dd></div>\n", when);
    }
}

static const char *source_name(const report_page *pg)
{
    return strcmp(pg->source, "-") ? pg->source : "standard input";
}

/* Header: what, which policy, which law, which data. */
static void page_header(FILE *f, const report *r, const report_page *pg)
{
    const tally_item *pol = one_policy(r);
    fputs("<header class=\"top\"><div class=\"wrap\">\n<div class=\"brand\">gavel \xc2\xb7 "
          "decision report</div>\n<h1>", f);
    if (pg->title)
        cli_html(f, pg->title);
    else if (pol) {
        cli_html(f, pol->part[0]);
        fputs("<span class=\"ver\">", f);
        cli_html(f, pol->part[1]);
        fputs("</span>", f);
    } else if (r->policies.n)
        fprintf(f, "Decisions of %zu policies", r->policies.n);
    else
        fputs("No decisions", f);
    fputs("</h1>\n<dl class=\"meta\">\n", f);
    meta_policies(f, r);
    fputs("<div><dt>Law applied as of</dt><dd>", f);
    for (size_t i = 0; i < r->as_of.n && i < 6; i++) {
        if (i)
            fputs(", ", f);
        cli_html(f, r->as_of.it[i].name);
        if (r->as_of.n > 1)
            fprintf(f, " (%llu)", r->as_of.it[i].n);
    }
    if (r->as_of.n > 6)
        fprintf(f, " and %zu more dates", r->as_of.n - 6);
    fputs("</dd></div>\n<div><dt>Decisions</dt><dd>", f);
    cli_html(f, source_name(pg));
    fprintf(f, " \xc2\xb7 %llu record%s</dd></div>\n", r->records, r->records == 1 ? "" : "s");
    meta_order_and_time(f, pg);
    fputs("</dl>\n</div></header>\n<main class=\"wrap\">\n", f);
}

static void page_totals(FILE *f, const report *r)
{
    fputs("<div class=\"summary\">\n<section class=\"panel ring\">\n", f);
    svg_ring(f, r);
    fputs("</section>\n<div class=\"right\">\n<section class=\"cards\">\n", f);
    for (size_t i = 0; i < r->outcomes.n; i++)
        card(f, outcome_color(r, r->outcomes.it[i].name), r->outcomes.it[i].n,
             r->outcomes.it[i].name, r->records);
    fputs("</section>\n<section class=\"cards minor\">\n", f);
    card(f, "#94a3b8", r->defaults, "decided by default: no rule applied", r->records);
    card(f, "#0891b2", r->with_missing, "with missing facts", r->records);
    card(f, r->errors ? "#b91c1c" : "#94a3b8", r->errors, "with errors (on_error)", r->records);
    fputs("</section>\n</div>\n</div>\n", f);
}

/* One panel: a tally as bars. A set-aside rule's note is the rule that set
 * it aside; a rule's colour is its outcome's. */
enum chart_kind { CHART_RULES, CHART_CITES, CHART_SETASIDE, CHART_MISSING };

static void chart(FILE *f, const report *r, const tally *t, enum chart_kind kind,
                  const char *what)
{
    bar *b = calloc(t->n + 1, sizeof *b);
    char **subs = calloc(t->n + 1, sizeof *subs);
    if (!b || !subs) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    for (size_t i = 0; i < t->n; i++) {
        const tally_item *it = &t->it[i];
        b[i] = (bar){ it->name, NULL, "#4f46e5", it->n };
        if (kind == CHART_RULES)
            b[i].color = outcome_color(r, it->note);
        else if (kind == CHART_MISSING)
            b[i] = (bar){ it->name, it->note, "#0891b2", it->n };
        else if (kind == CHART_SETASIDE) {
            size_t len = strlen(it->part[1]) + 4;
            if (!(subs[i] = malloc(len))) {
                cli_error("out of memory");
                exit(EXIT_TROUBLE);
            }
            snprintf(subs[i], len, "by %s", it->part[1]);
            b[i] = (bar){ it->part[0], subs[i], "#64748b", it->n };
        }
    }
    svg_bars(f, b, t->n, r->records, what);
    for (size_t i = 0; i < t->n; i++)
        free(subs[i]);
    free(subs);
    free(b);
}

static void page_charts(FILE *f, const report *r)
{
    fputs("<div class=\"grid2\">\n<section class=\"panel\"><h2>Determining rules</h2>"
          "<p class=\"sub\">Records each rule decided, coloured by its outcome; a record may "
          "rest on several rules</p>\n", f);
    chart(f, r, &r->rules, CHART_RULES, "determining rules");
    fputs("</section>\n<section class=\"panel\"><h2>Cited provisions</h2>"
          "<p class=\"sub\">Records whose decision rests on each provision</p>\n", f);
    chart(f, r, &r->cites, CHART_CITES, "cited provisions");
    fputs("</section>\n<section class=\"panel\"><h2>Set aside</h2>"
          "<p class=\"sub\">Rules that applied but were set aside, and the rule that set them "
          "aside (an exemption over a ground, an exception over an exemption)</p>\n", f);
    chart(f, r, &r->setaside, CHART_SETASIDE, "rules set aside");
    fputs("</section>\n<section class=\"panel\"><h2>Missing facts</h2>"
          "<p class=\"sub\">Record fields rules read but the records lack, with the rules that "
          "read them: facts that would settle a review</p>\n", f);
    chart(f, r, &r->missing, CHART_MISSING, "missing facts");
    fputs("</section>\n</div>\n", f);
}

/* Bars of a tally of measures: each name (a country's as notices name it
 * when `places`), its targets and records under it. */
static void measure_bars(FILE *f, const report *r, const tally *t, int places,
                         const char *what)
{
    bar *b = tally_grow(NULL, (t->n + 1) * sizeof *b);
    char **texts = tally_grow(NULL, (2 * t->n + 1) * sizeof *texts);
    for (size_t i = 0; i < t->n; i++) {
        const tally_item *it = &t->it[i];
        report_count c = report_counts(it);
        char sub[96];
        snprintf(sub, sizeof sub, "%llu target%s in %llu record%s", c.targets,
                 c.targets == 1 ? "" : "s", c.records, c.records == 1 ? "" : "s");
        texts[2 * i] = cli_strdup(places ? notices_place(it->name) : it->name);
        texts[2 * i + 1] = cli_strdup(sub);
        b[i] = (bar){ texts[2 * i], texts[2 * i + 1], places ? "#0891b2" : "#be123c", it->n };
    }
    svg_bars(f, b, t->n, r->measures, what);
    for (size_t i = 0; i < 2 * t->n; i++)
        free(texts[i]);
    free(texts);
    free(b);
}

/* What the decisions order: by action, by country. Only for decisions that
 * carry measures. */
static void page_measures(FILE *f, const report *r)
{
    if (!r->has_measures)
        return;
    fprintf(f, "<div class=\"grid2\">\n<section class=\"panel\"><h2>Measures by action</h2>"
            "<p class=\"sub\">%llu measure%s on %llu target%s in %llu record%s; each action's "
            "measures, with their targets and the records that order them</p>\n",
            r->measures, r->measures == 1 ? "" : "s", r->targets, r->targets == 1 ? "" : "s",
            r->with_measures, r->with_measures == 1 ? "" : "s");
    measure_bars(f, r, &r->actions, 0, "measures");
    fputs("</section>\n<section class=\"panel\"><h2>Measures by country</h2>"
          "<p class=\"sub\">Measures that apply in each country (one in several countries "
          "counts in each), or everywhere</p>\n", f);
    measure_bars(f, r, &r->scopes, 1, "measures by country");
    fputs("</section>\n</div>\n", f);
}

static void page_records(FILE *f, report *r)
{
    fputs("<section class=\"panel\"><h2>Records</h2>\n", f);
    if (r->nrows < r->records)
        fprintf(f, "<p class=\"sub\">The first %zu of %llu records (--max-rows); the totals and "
                "charts count them all</p>\n", r->nrows, r->records);
    else
        fputs("<p class=\"sub\">Click a column to sort; type to filter</p>\n", f);
    fputs("<div class=\"tools\"><input id=\"q\" type=\"search\" placeholder=\"Filter by id, rule, "
          "reason, provision\xe2\x80\xa6\" aria-label=\"filter records\">\n"
          "<button class=\"chip\" data-outcome=\"\" aria-pressed=\"true\">all</button>\n", f);
    for (size_t i = 0; i < r->outcomes.n; i++) {
        fprintf(f, "<button class=\"chip\" style=\"--c:%s\" data-outcome=\"",
                outcome_color(r, r->outcomes.it[i].name));
        cli_html(f, r->outcomes.it[i].name);
        fputs("\" aria-pressed=\"false\">", f);
        cli_html(f, r->outcomes.it[i].name);
        fprintf(f, " %llu</button>\n", r->outcomes.it[i].n);
    }
    fprintf(f, "<span class=\"count\" id=\"count\"></span></div>\n"
            "<table id=\"records\"><thead><tr><th>Id</th><th>Decision</th>%s"
            "<th>Determining reasons and citations</th><th>Set aside</th><th>Missing facts</th>"
            "</tr></thead>\n<tbody>\n", r->has_measures ? "<th>Measures</th>" : "");
    for (size_t i = 0; i < r->nrows; i++) {
        const gavel_value *d = report_row(r, i);
        if (d)                  /* it parsed when read */
            row_html(f, r, d);
    }
    fputs("</tbody></table>\n</section>\n</main>\n", f);
}

void report_html(FILE *f, report *r, const report_page *pg)
{
    page_head(f, r, pg);
    page_header(f, r, pg);
    page_totals(f, r);
    page_charts(f, r);
    page_measures(f, r);
    page_records(f, r);
    fputs("<footer class=\"wrap\">Made by gavel ", f);
    cli_html(f, GAVEL_VERSION);
    fputs(" from <code>", f);
    cli_html(f, source_name(pg));
    fputs("</code>. Every decision carries the policy digest and the date the law was applied "
          "at: <code>gavel replay</code> with the same policy and records makes it again.</footer>\n",
          f);
    fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", script);
}
