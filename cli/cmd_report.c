/*
 * cmd_report.c: `gavel report DECISIONS.jsonl [-o report.html]`: the
 * command: its options, reading the decision lines into the report
 * (report.c) and the notices (notices.c), and writing the page
 * (report_html.c) complete or not at all.
 *
 * Calls gavel.h, the shared pieces of cli.h (options, messages, values),
 * report.h and notices.h.
 */
#include "cli.h"
#include "notices.h"
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char report_usage[] =
    "usage: gavel report DECISIONS.jsonl [options]\n"
    "\n"
    "Writes the decisions ('gavel eval' output; '-' for stdin) as one\n"
    "self-contained HTML page: totals by outcome, charts of determining rules,\n"
    "cited provisions, set-aside rules and missing facts, and the table of\n"
    "records with their reasons and citations. Decisions that carry measures\n"
    "add measures by action and by country, and each record's measures.\n"
    "\n"
    "  -o, --output FILE       the page (default: stdout); complete or not at all\n"
    "      --title TEXT        the page's title (default: the policy's name)\n"
    "  -p, --policy DIR        the policy: outcome order, the policy's jurisdiction,\n"
    "                          and in notices the exemptions that did not apply\n"
    "      --context FILE      the context the decisions were made with (the order):\n"
    "                          shown in the page and used by notices\n"
    "      --notices DIR       also write a reasoned notice (Markdown) per withheld\n"
    "                          record into DIR, with an index.md; each measure\n"
    "                          says its posts or the account, where, by and until when\n"
    "      --notice-outcome O  the decision that gets a notice (default: withhold)\n"
    "      --jurisdiction CODE where the restriction applies, when neither the\n"
    "                          decision's measures, the order nor the policy says (e.g. IN)\n"
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

/* ---- the run ------------------------------------------------------------------------ */

typedef struct report_run {
    report_opts o;
    report r;
    gavel_policy *policy;
    gavel_record *context_rec;
    const gavel_value *context;
    char *jurisdiction;
    FILE *in;
    notices ns;
    int notices_on;
    unsigned long long notices_written;
} report_run;

/* Where the restriction applies: the order's, the context's, --jurisdiction,
 * else the policy's. Malloc'd, or NULL. */
static char *notice_jurisdiction(const report_run *run)
{
    const char *j = cli_str(notices_order(run->context), "jurisdiction");
    if (!j)
        j = cli_str(run->context, "jurisdiction");
    if (!j)
        j = run->o.jurisdiction;
    if (!j && run->policy)
        j = gavel_policy_jurisdiction(run->policy);
    return j ? strdup(j) : NULL;
}

/* The policy, the context, the input and the notices' directory. 0, or -1
 * after saying what was wrong. */
static int run_open(report_run *run)
{
    const report_opts *o = &run->o;
    if (o->policy && !(run->policy = cli_load_policy(o->policy, NULL)))
        return -1;
    if (report_init(&run->r, (size_t)o->max_rows) != 0) {
        cli_error("out of memory");
        return -1;
    }
    if (o->context) {
        /* Read as the rules read it: one schema for both. */
        run->context_rec = gavel_record_new();
        if (gavel_record_parse_file(run->context_rec, o->context, GAVEL_AUTO,
                                    run->policy ? gavel_policy_limits(run->policy) : NULL)
            != GAVEL_OK) {
            cli_error("%s", run->context_rec ? gavel_record_errmsg(run->context_rec)
                                             : "out of memory");
            return -1;
        }
        run->context = gavel_record_value(run->context_rec);
    }
    run->in = strcmp(o->input, "-") ? fopen(o->input, "r") : stdin;
    if (!run->in) {
        cli_error("%s: cannot open: %s", o->input, strerror(errno));
        return -1;
    }
    if (!o->notices)
        return 0;
    run->jurisdiction = notice_jurisdiction(run);
    run->ns = (notices){ .dir = o->notices, .outcome = o->notice_outcome,
                         .context = run->context, .jurisdiction = run->jurisdiction,
                         .policy = run->policy, .source = o->input };
    if (notices_open(&run->ns) != 0)
        return -1;
    run->notices_on = 1;
    return 0;
}

/* One decision line into the report and the notices; a line that is not
 * a decision is named and skipped. 0, or -1 after saying what was wrong. */
static int read_line(void *ctx, long lineno, char *buf, long len)
{
    report_run *run = ctx;
    char err[200];
    const gavel_value *d = cli_parse_line(run->r.scratch, buf, (size_t)len, err, sizeof err);
    if (!d || !cli_str(d, "decision")) {
        cli_warn("%s:%ld: not a decision (%s); skipped", run->o.input, lineno,
                 d ? "no \"decision\"" : err);
        run->r.bad_lines++;
        return 0;
    }
    if (run->notices_on) {
        int w = notices_add(&run->ns, d, lineno);
        if (w < 0)
            return -1;
        run->notices_written += (unsigned long long)w;
    }
    return report_add(&run->r, d, buf);
}

static int run_read(report_run *run)
{
    return cli_each_line(run->in, run->o.input, read_line, run);
}

/* Decisions made by another policy than the one given. */
static void warn_other_digests(const report_run *run)
{
    const char *digest = run->policy ? gavel_policy_digest(run->policy) : NULL;
    for (size_t i = 0; digest && i < run->r.policies.n; i++) {
        const tally_item *it = &run->r.policies.it[i];
        if (strcmp(it->part[2], digest))
            cli_warn("%llu decisions were made by a policy with digest %s, not %s's %s",
                     it->n, it->part[2], run->o.policy, digest);
    }
}

/* The page to stdout, or to -o FILE through a temporary file renamed once
 * complete. 0, or -1 after saying what was wrong. */
static int run_write(report_run *run)
{
    const char *output = run->o.output;
    cli_out out;
    if (cli_out_open(&out, output, 0) != 0)
        return -1;
    report_page page = { run->o.title, run->o.input, notices_order(run->context), run->o.now };
    report_html(out.f, &run->r, &page);
    int rc = 0;
    if (fflush(out.f) != 0 || ferror(out.f)) {
        cli_error("%s: write error: %s", output ? output : "<stdout>", strerror(errno));
        rc = -1;
    }
    return cli_out_close(&out, rc == 0);
}

/* DIR/index.md, and how many notices were written. 0, or -1 (said). */
static int run_close_notices(report_run *run)
{
    if (!run->notices_on)
        return 0;
    run->notices_on = 0;
    if (notices_close(&run->ns) != 0)
        return -1;
    unsigned long long n = run->notices_written;
    fprintf(stderr, "gavel: %llu notice%s in %s\n", n, n == 1 ? "" : "s", run->o.notices);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    report_run run;
    memset(&run, 0, sizeof run);
    int parsed = parse_opts(argc, argv, &run.o);
    if (parsed != 0)
        return parsed > 0 ? EXIT_DONE : EXIT_TROUBLE;
    int status = EXIT_TROUBLE;
    if (run_open(&run) == 0 && run_read(&run) == 0) {
        warn_other_digests(&run);
        report_finish(&run.r, run.policy);
        if (run_write(&run) == 0 && run_close_notices(&run) == 0)
            status = run.r.bad_lines ? EXIT_FAILED : EXIT_DONE;
    }
    if (run.notices_on)
        notices_close(&run.ns);
    if (run.in && run.in != stdin)
        fclose(run.in);
    report_free(&run.r);
    free(run.jurisdiction);
    gavel_record_free(run.context_rec);
    gavel_policy_free(run.policy);
    return status;
}
