/*
 * cmd_report.c: `gavel report DECISIONS.jsonl [-o report.html]`: the
 * decisions as one self-contained HTML page a person would rather read
 * than the JSON Lines: totals by outcome (cards and a ring), bar charts
 * (inline SVG) of the determining rules, the cited provisions, what was
 * set aside and by what, and the missing facts; the table of records with
 * decision, reasons and citations, sortable and filterable by a small
 * inline script; the policy's name, version and digest and the as_of the
 * law was applied at. Nothing is loaded from the network. The page is the
 * same for the same input (the time it was made appears only with --now).
 *
 * --notices DIR also writes a reasoned notice per withheld record
 * (notices.c).
 *
 * Calls gavel.h, the shared pieces of cli.h (options, messages, escapers,
 * values) and notices.h.
 */
#include "cli.h"
#include "notices.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char report_usage[] =
    "usage: gavel report DECISIONS.jsonl [options]\n"
    "\n"
    "Writes the decisions ('gavel eval' output; '-' for stdin) as one\n"
    "self-contained HTML page: totals by outcome, charts of determining rules,\n"
    "cited provisions, set-aside rules and missing facts, and the table of\n"
    "records with their reasons and citations.\n"
    "\n"
    "  -o, --output FILE       the page (default: stdout); complete or not at all\n"
    "      --title TEXT        the page's title (default: the policy's name)\n"
    "  -p, --policy DIR        the policy: outcome order, the policy's jurisdiction,\n"
    "                          and in notices the exemptions that did not apply\n"
    "      --context FILE      the context the decisions were made with (the order):\n"
    "                          shown in the page and used by notices\n"
    "      --notices DIR       also write a reasoned notice (Markdown) per withheld\n"
    "                          record into DIR, with an index.md\n"
    "      --notice-outcome O  the decision that gets a notice (default: withhold)\n"
    "      --jurisdiction CODE where the restriction applies, when neither the order\n"
    "                          nor the policy says (e.g. IN)\n"
    "      --max-rows N        records in the table (default 5000; totals and\n"
    "                          charts always count every record)\n"
    "      --now               print when the page was made (SOURCE_DATE_EPOCH if\n"
    "                          set, else the clock); without it the page is the same\n"
    "                          for the same input\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 done; 1 some lines were not decisions (skipped, each named);\n"
    "2 could not run.\n";

typedef struct report_opts {
    const char *input, *output, *title, *policy, *context, *notices, *notice_outcome;
    const char *jurisdiction;
    long        max_rows;
    int         now;
} report_opts;

/* ---- tallies ---------------------------------------------------------------------- */

typedef struct item {
    char  *name;
    char  *extra;       /* rule: its outcome; missing: the rules that read it */
    unsigned long long n;
    size_t first;
} item;

typedef struct tally {
    item  *it;
    size_t n, cap;
} tally;


static item *tally_add(tally *t, const char *name, unsigned long long by)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->it[i].name, name)) {
            t->it[i].n += by;
            return &t->it[i];
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        item *it = realloc(t->it, cap * sizeof *it);
        if (!it) {
            cli_error("out of memory");
            exit(EXIT_TROUBLE);
        }
        t->it = it;
        t->cap = cap;
    }
    item *it = &t->it[t->n];
    *it = (item){ cli_strdup(name), NULL, by, t->n };
    t->n++;
    return it;
}

static item *tally_find(const tally *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->it[i].name, name))
            return &t->it[i];
    return NULL;
}

static int item_by_count(const void *x, const void *y)
{
    const item *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

static void tally_free(tally *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->it[i].name);
        free(t->it[i].extra);
    }
    free(t->it);
}

/* Adds `word` to a comma-separated set held in *extra. */
static void extra_add(char **extra, const char *word)
{
    if (*extra) {
        size_t n = strlen(word);
        for (const char *s = *extra; (s = strstr(s, word)); s += n)
            if ((s == *extra || s[-1] == ' ') && (s[n] == ',' || s[n] == '\0'))
                return;
    }
    size_t len = (*extra ? strlen(*extra) + 2 : 0) + strlen(word) + 1;
    char *e = malloc(len);
    if (!e) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    snprintf(e, len, "%s%s%s", *extra ? *extra : "", *extra ? ", " : "", word);
    free(*extra);
    *extra = e;
}

typedef struct report {
    unsigned long long records, defaults, errors, with_missing, bad_lines;
    tally outcomes, rules, cites, setaside, missing, policies, as_of;
    char **rows;           /* decision lines for the table, parsed again there */
    size_t nrows;
    gavel_record *scratch; /* holds one parsed line at a time */
    const gavel_policy *policy;
} report;

/* posts[2].labels.x -> posts[].labels.x: facts, not positions. */
static void normalize_path(const char *in, char *out, size_t sz)
{
    size_t o = 0;
    for (const char *s = in; *s && o + 3 < sz; s++) {
        if (*s == '[') {
            const char *e = s + 1;
            while (*e >= '0' && *e <= '9')
                e++;
            if (*e == ']' && e > s + 1) {
                out[o++] = '[';
                out[o++] = ']';
                s = e;
                continue;
            }
        }
        out[o++] = *s;
    }
    out[o] = '\0';
}

static void report_add(report *r, const gavel_value *d)
{
    const char *outcome = cli_str(d, "decision");
    r->records++;
    tally_add(&r->outcomes, outcome ? outcome : "(none)", 1);
    const gavel_value *def = gavel_value_get(d, "default");
    r->defaults += gavel_value_bool(def);
    r->errors += gavel_value_len(gavel_value_get(d, "errors")) > 0;
    const gavel_value *pol = gavel_value_get(d, "policy");
    if (pol) {
        char key[1024];
        snprintf(key, sizeof key, "%s\t%s\t%s", cli_str(pol, "name") ? cli_str(pol, "name") : "?",
                 cli_str(pol, "version") ? cli_str(pol, "version") : "?",
                 cli_str(pol, "digest") ? cli_str(pol, "digest") : "?");
        tally_add(&r->policies, key, 1);
    }
    const char *as_of = cli_str(d, "as_of");
    tally_add(&r->as_of, as_of ? as_of : "(none)", 1);

    const gavel_value *reasons = gavel_value_get(d, "reasons");
    tally seen = { 0 };
    for (size_t i = 0; i < gavel_value_len(reasons); i++) {
        const gavel_value *x = gavel_value_at(reasons, i);
        const char *rule = cli_str(x, "rule"), *cites = cli_str(x, "cites");
        if (rule) {
            item *it = tally_add(&r->rules, rule, 1);
            if (!it->extra && cli_str(x, "outcome"))
                it->extra = cli_strdup(cli_str(x, "outcome"));
        }
        if (cites && !tally_find(&seen, cites)) {      /* once per record */
            tally_add(&seen, cites, 1);
            tally_add(&r->cites, cites, 1);
        }
    }
    tally_free(&seen);
    const gavel_value *defeated = gavel_value_get(d, "defeated");
    for (size_t i = 0; i < gavel_value_len(defeated); i++) {
        const gavel_value *x = gavel_value_at(defeated, i);
        char key[512];
        snprintf(key, sizeof key, "%s\t%s", cli_str(x, "rule") ? cli_str(x, "rule") : "?",
                 cli_str(x, "by") ? cli_str(x, "by") : "?");
        item *it = tally_add(&r->setaside, key, 1);
        if (!it->extra && cli_str(x, "outcome"))
            it->extra = cli_strdup(cli_str(x, "outcome"));
    }
    const gavel_value *missing = gavel_value_get(d, "missing");
    r->with_missing += gavel_value_len(missing) > 0;
    tally mseen = { 0 };
    for (size_t i = 0; i < gavel_value_len(missing); i++) {
        const gavel_value *m = gavel_value_at(missing, i);
        char path[512];
        normalize_path(cli_str(m, "path") ? cli_str(m, "path") : "?", path, sizeof path);
        item *it;
        if (!tally_find(&mseen, path)) {
            tally_add(&mseen, path, 1);
            it = tally_add(&r->missing, path, 1);
        } else {
            it = tally_find(&r->missing, path);
        }
        const gavel_value *rules = gavel_value_get(m, "rules");
        for (size_t k = 0; k < gavel_value_len(rules); k++)
            if (gavel_value_string(gavel_value_at(rules, k), NULL))
                extra_add(&it->extra, gavel_value_string(gavel_value_at(rules, k), NULL));
    }
    tally_free(&mseen);
}

/* ---- HTML --------------------------------------------------------------------------- */

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
    size_t k = 0;
    for (size_t i = 0; i < r->outcomes.n; i++) {
        if (!strcmp(r->outcomes.it[i].name, o))
            return palette[k % (sizeof palette / sizeof *palette)];
        k++;
    }
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
        const item *it = &r->outcomes.it[i];
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
    size_t rank = 0;
    for (size_t i = 0; i < r->outcomes.n; i++)
        if (dec && !strcmp(r->outcomes.it[i].name, dec))
            rank = i;
    fprintf(f, "</td><td data-k=\"%zu\"><span class=\"badge\" style=\"--c:%s\">", rank,
            outcome_color(r, dec));
    cli_html(f, dec ? dec : "?");
    fputs("</span>", f);
    if (gavel_value_bool(gavel_value_get(d, "default")))
        fputs("<span class=\"dflt\">default</span>", f);
    fputs("</td><td>", f);
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
        fputs("<div class=\"rs\"><span class=\"rule\">", f);
        cli_html(f, cli_str(x, "rule"));
        fputs("</span>", f);
        cli_html(f, cli_str(x, "reason"));
        if (cli_str(x, "cites")) {
            fputs("<div class=\"cite\">", f);
            cli_html(f, cli_str(x, "cites"));
            fputs("</div>", f);
        }
        fputs("</div>", f);
    }
    fputs("</td><td class=\"aside\">", f);
    const gavel_value *defeated = gavel_value_get(d, "defeated");
    for (size_t i = 0; i < gavel_value_len(defeated); i++) {
        const gavel_value *x = gavel_value_at(defeated, i);
        fputs("<div><span class=\"rule\">", f);
        cli_html(f, cli_str(x, "rule"));
        fputs("</span><span class=\"by\">by ", f);
        cli_html(f, cli_str(x, "by"));
        fputs("</span></div>", f);
    }
    fputs("</td><td class=\"miss\">", f);
    const gavel_value *missing = gavel_value_get(d, "missing");
    for (size_t i = 0; i < gavel_value_len(missing); i++) {
        fputs("<code>", f);
        cli_html(f, cli_str(gavel_value_at(missing, i), "path"));
        fputs("</code>", f);
    }
    fputs("</td></tr>\n", f);
}

static void write_html(FILE *f, const report *r, const report_opts *o, const gavel_value *ctx)
{
    /* The policy, when the decisions agree on one. */
    const char *name = NULL, *version = NULL, *digest = NULL;
    char *pk = r->policies.n == 1 ? cli_strdup(r->policies.it[0].name) : NULL;
    if (pk) {
        name = pk;
        char *t = strchr(pk, '\t');
        if (t) {
            *t++ = '\0';
            version = t;
            if ((t = strchr(t, '\t'))) {
                *t++ = '\0';
                digest = t;
            }
        }
    }
    fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"gavel ", f);
    cli_html(f, GAVEL_VERSION);
    fputs("\">\n<title>", f);
    if (o->title)
        cli_html(f, o->title);
    else {
        fputs("gavel report: ", f);
        cli_html(f, name ? name : "decisions");
        if (version) {
            fputc(' ', f);
            cli_html(f, version);
        }
    }
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);

    /* Header: what, which policy, which law, which data. */
    fputs("<header class=\"top\"><div class=\"wrap\">\n<div class=\"brand\">gavel \xc2\xb7 "
          "decision report</div>\n<h1>", f);
    if (o->title)
        cli_html(f, o->title);
    else if (name) {
        cli_html(f, name);
        fputs("<span class=\"ver\">", f);
        cli_html(f, version);
        fputs("</span>", f);
    } else if (r->policies.n)
        fprintf(f, "Decisions of %zu policies", r->policies.n);
    else
        fputs("No decisions", f);
    fputs("</h1>\n<dl class=\"meta\">\n", f);
    if (digest) {
        fputs("<div><dt>Policy digest</dt><dd><code>", f);
        cli_html(f, digest);
        fputs("</code></dd></div>\n", f);
    } else {
        for (size_t i = 0; i < r->policies.n; i++) {
            char *k = cli_strdup(r->policies.it[i].name);
            for (char *t = k; (t = strchr(t, '\t')); )
                *t = ' ';
            fputs("<div><dt>Policy</dt><dd><code>", f);
            cli_html(f, k);
            fprintf(f, "</code> (%llu)</dd></div>\n", r->policies.it[i].n);
            free(k);
        }
    }
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
    cli_html(f, strcmp(o->input, "-") ? o->input : "standard input");
    fprintf(f, " \xc2\xb7 %llu record%s</dd></div>\n", r->records, r->records == 1 ? "" : "s");
    const gavel_value *order = notices_order(ctx);
    if (order && (cli_str(order, "id") || cli_str(order, "issued_at"))) {
        fputs("<div><dt>Order</dt><dd>", f);
        cli_html(f, cli_str(order, "id") ? cli_str(order, "id") : "(no id)");
        if (cli_str(order, "issued_at")) {
            fputs(" of ", f);
            cli_html(f, cli_str(order, "issued_at"));
        }
        fputs("</dd></div>\n", f);
    }
    if (o->now) {
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
    fputs("</dl>\n</div></header>\n<main class=\"wrap\">\n", f);

    /* Totals. */
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

    /* Charts. */
    bar *b = calloc(r->rules.n + r->cites.n + r->setaside.n + r->missing.n + 1, sizeof *b);
    char **subs = calloc(2 * r->setaside.n + 1, sizeof *subs);
    if (!b || !subs) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    fputs("<div class=\"grid2\">\n<section class=\"panel\"><h2>Determining rules</h2>"
          "<p class=\"sub\">Records each rule decided, coloured by its outcome; a record may "
          "rest on several rules</p>\n", f);
    for (size_t i = 0; i < r->rules.n; i++)
        b[i] = (bar){ r->rules.it[i].name, NULL, outcome_color(r, r->rules.it[i].extra),
                      r->rules.it[i].n };
    svg_bars(f, b, r->rules.n, r->records, "determining rules");
    fputs("</section>\n<section class=\"panel\"><h2>Cited provisions</h2>"
          "<p class=\"sub\">Records whose decision rests on each provision</p>\n", f);
    for (size_t i = 0; i < r->cites.n; i++)
        b[i] = (bar){ r->cites.it[i].name, NULL, "#4f46e5", r->cites.it[i].n };
    svg_bars(f, b, r->cites.n, r->records, "cited provisions");
    fputs("</section>\n<section class=\"panel\"><h2>Set aside</h2>"
          "<p class=\"sub\">Rules that applied but were set aside, and the rule that set them "
          "aside (an exemption over a ground, an exception over an exemption)</p>\n", f);
    for (size_t i = 0; i < r->setaside.n; i++) {
        char *label = cli_strdup(r->setaside.it[i].name), *by = strchr(label, '\t');
        if (by)
            *by++ = '\0';
        size_t len = strlen(by ? by : "?") + 4;
        subs[2 * i] = label;
        if (!(subs[2 * i + 1] = malloc(len))) {
            cli_error("out of memory");
            exit(EXIT_TROUBLE);
        }
        snprintf(subs[2 * i + 1], len, "by %s", by ? by : "?");
        b[i] = (bar){ label, subs[2 * i + 1], "#64748b", r->setaside.it[i].n };
    }
    svg_bars(f, b, r->setaside.n, r->records, "rules set aside");
    fputs("</section>\n<section class=\"panel\"><h2>Missing facts</h2>"
          "<p class=\"sub\">Record fields rules read but the records lack, with the rules that "
          "read them: facts that would settle a review</p>\n", f);
    for (size_t i = 0; i < r->missing.n; i++)
        b[i] = (bar){ r->missing.it[i].name, r->missing.it[i].extra, "#0891b2", r->missing.it[i].n };
    svg_bars(f, b, r->missing.n, r->records, "missing facts");
    fputs("</section>\n</div>\n", f);
    for (size_t i = 0; i < 2 * r->setaside.n; i++)
        free(subs[i]);
    free(subs);
    free(b);

    /* The records. */
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
    fputs("<span class=\"count\" id=\"count\"></span></div>\n"
          "<table id=\"records\"><thead><tr><th>Id</th><th>Decision</th>"
          "<th>Determining reasons and citations</th><th>Set aside</th><th>Missing facts</th>"
          "</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < r->nrows; i++) {
        char err[8];
        const gavel_value *d = cli_parse_line(r->scratch, r->rows[i], strlen(r->rows[i]), err,
                                              sizeof err);
        if (d)                  /* it parsed when read */
            row_html(f, r, d);
    }
    fputs("</tbody></table>\n</section>\n</main>\n", f);

    fputs("<footer class=\"wrap\">Made by gavel ", f);
    cli_html(f, GAVEL_VERSION);
    fputs(" from <code>", f);
    cli_html(f, strcmp(o->input, "-") ? o->input : "standard input");
    fputs("</code>. Every decision carries the policy digest and the date the law was applied "
          "at: <code>gavel replay</code> with the same policy and records makes it again.</footer>\n",
          f);
    fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", script);
    free(pk);
}

/* ---- the run ------------------------------------------------------------------------ */

/* Outcome order: the policy's when given, else the usual strongest-first
 * (withhold, review, keep), then the others as they came. */
static void order_outcomes(report *r, const gavel_policy *p)
{
    static const char *const usual[] = { "withhold", "review", "keep" };
    size_t k = 0;
    size_t n = p ? gavel_policy_noutcomes(p) : 3;
    for (size_t i = 0; i < n; i++) {
        const char *o = p ? gavel_policy_outcome(p, i) : usual[i];
        for (size_t j = k; j < r->outcomes.n; j++)
            if (!strcmp(r->outcomes.it[j].name, o)) {
                item t = r->outcomes.it[j];
                memmove(&r->outcomes.it[k + 1], &r->outcomes.it[k], (j - k) * sizeof t);
                r->outcomes.it[k++] = t;
                break;
            }
    }
}

enum { OPT_TITLE = 256, OPT_CONTEXT, OPT_NOTICES, OPT_NOTICE_OUTCOME, OPT_JURISDICTION,
       OPT_MAX_ROWS, OPT_NOW };

static const cli_option report_options[] = {
    { "output", 'o', OPT_VALUE, 'o', NULL },
    { "title", 0, OPT_VALUE, OPT_TITLE, NULL },
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "notices", 0, OPT_VALUE, OPT_NOTICES, NULL },
    { "notice-outcome", 0, OPT_VALUE, OPT_NOTICE_OUTCOME, NULL },
    { "jurisdiction", 0, OPT_VALUE, OPT_JURISDICTION, NULL },
    { "max-rows", 0, OPT_VALUE, OPT_MAX_ROWS, NULL },
    { "now", 0, OPT_FLAG, OPT_NOW, NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

/* One option or operand: 0, or -1 after saying what was wrong. */
static int report_option(void *ctx, const cli_opts *args, int id)
{
    report_opts *o = ctx;
    const char *v = args->value;
    char *end;
    switch (id) {
    case 'o': o->output = v; break;
    case OPT_TITLE: o->title = v; break;
    case 'p': o->policy = v; break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_NOTICES: o->notices = v; break;
    case OPT_NOTICE_OUTCOME: o->notice_outcome = v; break;
    case OPT_JURISDICTION: o->jurisdiction = v; break;
    case OPT_NOW: o->now = 1; break;
    case OPT_MAX_ROWS:
        o->max_rows = strtol(v, &end, 10);
        if (*end || !*v || o->max_rows < 0) {
            cli_error("--max-rows needs a number");
            return -1;
        }
        break;
    case OPT_OPERAND:
        if (o->input) {
            cli_error("report reads one decisions file; '%s' is a second", v);
            return -1;
        }
        o->input = v;
        break;
    case 'h':
        cli_help(report_usage, NULL);
        return 1;
    default:
        return -1;
    }
    return 0;
}

/* 0 to run, 1 when --help was shown, -1 after a usage error. */
static int parse_opts(int argc, char **argv, report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_rows = 5000;
    o->notice_outcome = "withhold";
    cli_opts args;
    cli_opts_init(&args, "report", argc, argv, report_options, NULL);
    int st = cli_opts_parse(&args, report_option, o);
    if (st != 0)
        return st;
    if (!o->input) {
        cli_error("report needs the decisions: gavel report DECISIONS.jsonl [-o report.html]");
        return -1;
    }
    return 0;
}

int cmd_report(int argc, char **argv)
{
    report_opts o;
    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0)
        return parsed > 0 ? EXIT_DONE : EXIT_TROUBLE;
    int status = EXIT_TROUBLE;
    report r;
    memset(&r, 0, sizeof r);
    gavel_policy *p = NULL;
    gavel_record *ctx_rec = NULL;
    const gavel_value *ctx = NULL;
    char *jurisdiction = NULL, *tmp = NULL, *buf = NULL;
    FILE *in = NULL, *out = stdout;
    notices ns;
    memset(&ns, 0, sizeof ns);
    int notices_on = 0;

    if (o.policy && !(p = cli_load_policy(o.policy, NULL)))
        goto done;
    if (!(r.scratch = gavel_record_new())) {
        cli_error("out of memory");
        goto done;
    }
    if (o.context) {
        /* Read as the rules read it: one schema for both. */
        ctx_rec = gavel_record_new();
        if (gavel_record_parse_file(ctx_rec, o.context, GAVEL_AUTO,
                                    p ? gavel_policy_limits(p) : NULL) != GAVEL_OK) {
            cli_error("%s", ctx_rec ? gavel_record_errmsg(ctx_rec) : "out of memory");
            goto done;
        }
        ctx = gavel_record_value(ctx_rec);
    }
    in = strcmp(o.input, "-") ? fopen(o.input, "r") : stdin;
    if (!in) {
        cli_error("%s: cannot open: %s", o.input, strerror(errno));
        goto done;
    }
    if (o.notices) {
        const gavel_value *order = notices_order(ctx);
        const char *j = cli_str(order, "jurisdiction");
        if (!j)
            j = cli_str(ctx, "jurisdiction");
        if (!j)
            j = o.jurisdiction;
        if (j)
            jurisdiction = strdup(j);
        else if (o.policy)
            jurisdiction = (gavel_policy_jurisdiction(p) ? strdup(gavel_policy_jurisdiction(p)) : NULL);
        ns = (notices){ .dir = o.notices, .outcome = o.notice_outcome, .context = ctx,
                        .jurisdiction = jurisdiction, .policy = p, .source = o.input };
        if (notices_open(&ns) != 0)
            goto done;
        notices_on = 1;
    }
    size_t cap = 0, rows_cap = 0;
    long len, lineno = 0;
    unsigned long long written = 0;
    while ((len = cli_getline(&buf, &cap, in)) >= 0) {
        lineno++;
        if (strspn(buf, " \t") == (size_t)len)
            continue;
        char err[200];
        const gavel_value *d = cli_parse_line(r.scratch, buf, (size_t)len, err, sizeof err);
        if (!d || !cli_str(d, "decision")) {
            cli_warn("%s:%ld: not a decision (%s); skipped", o.input, lineno,
                     d ? "no \"decision\"" : err);
            r.bad_lines++;
            continue;
        }
        report_add(&r, d);
        if (notices_on) {
            int w = notices_add(&ns, d, lineno);
            if (w < 0)
                goto done;
            written += (unsigned long long)w;
        }
        if ((long)r.nrows < o.max_rows) {
            if (r.nrows == rows_cap) {
                rows_cap = rows_cap ? rows_cap * 2 : 256;
                char **rows = realloc(r.rows, rows_cap * sizeof *rows);
                if (!rows) {
                    cli_error("out of memory");
                    goto done;
                }
                r.rows = rows;
            }
            r.rows[r.nrows++] = cli_strdup(buf);
        }
    }
    if (ferror(in)) {
        cli_error("%s: read error: %s", o.input, strerror(errno));
        goto done;
    }
    if (p) {
        for (size_t i = 0; i < r.policies.n; i++) {
            const char *digest = strrchr(r.policies.it[i].name, '\t');
            if (digest && strcmp(digest + 1, gavel_policy_digest(p)))
                cli_warn("%llu decisions were made by a policy with digest %s, not %s's %s",
                         r.policies.it[i].n, digest + 1, o.policy, gavel_policy_digest(p));
        }
    }
    order_outcomes(&r, p);
    if (r.rules.n)
        qsort(r.rules.it, r.rules.n, sizeof *r.rules.it, item_by_count);
    if (r.cites.n)
        qsort(r.cites.it, r.cites.n, sizeof *r.cites.it, item_by_count);
    if (r.setaside.n)
        qsort(r.setaside.it, r.setaside.n, sizeof *r.setaside.it, item_by_count);
    if (r.missing.n)
        qsort(r.missing.it, r.missing.n, sizeof *r.missing.it, item_by_count);
    r.policy = p;

    if (o.output) {
        if (!(out = cli_open_temp(o.output, &tmp))) {
            cli_error("%s: cannot write: %s", o.output, strerror(errno));
            out = stdout;
            goto done;
        }
    }
    write_html(out, &r, &o, ctx);
    if (fflush(out) != 0 || ferror(out)) {
        cli_error("%s: write error: %s", o.output ? o.output : "<stdout>", strerror(errno));
        goto done;
    }
    if (out != stdout) {
        int bad = fsync(fileno(out)) != 0;              /* on disk before the rename */
        bad |= fclose(out) != 0;
        out = stdout;
        if (bad || rename(tmp, o.output) != 0) {
            cli_error("%s: cannot write: %s", o.output, strerror(errno));
            goto done;
        }
        free(tmp);
        tmp = NULL;
    }
    if (notices_on) {
        if (notices_close(&ns) != 0) {
            notices_on = 0;
            goto done;
        }
        notices_on = 0;
        fprintf(stderr, "gavel: %llu notice%s in %s\n", written, written == 1 ? "" : "s", o.notices);
    }
    status = r.bad_lines ? EXIT_FAILED : EXIT_DONE;
done:
    if (notices_on)
        notices_close(&ns);
    if (out != stdout)
        fclose(out);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    if (in && in != stdin)
        fclose(in);
    free(buf);
    for (size_t i = 0; i < r.nrows; i++)
        free(r.rows[i]);
    free(r.rows);
    tally_free(&r.outcomes);
    tally_free(&r.rules);
    tally_free(&r.cites);
    tally_free(&r.setaside);
    tally_free(&r.missing);
    tally_free(&r.policies);
    tally_free(&r.as_of);
    free(jurisdiction);
    gavel_record_free(ctx_rec);
    gavel_record_free(r.scratch);
    gavel_policy_free(p);
    return status;
}
