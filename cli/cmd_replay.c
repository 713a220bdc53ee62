/*
 * cmd_replay.c: `gavel replay DECISIONS.jsonl -p POLICY INPUT...`: proves
 * that logged decisions can be made again. Each input record is evaluated
 * under the policy, at the as_of its logged line gives, and the new
 * decision is compared with the logged one, field by field: the policy
 * (name, version, digest), decision, default, reasons (rule, outcome,
 * cites, reason, evidence), defeated, fired, missing, errors and as_of.
 *
 * Logged lines are matched to records by id (the --id-field, else the
 * record's position, as `gavel eval` numbers them), so a log may be a
 * subset of the inputs or in another order. A logged decision with no
 * record is a difference; a record with no logged decision is only
 * counted. A member "served" (what `gavel serve --log` adds: request id,
 * time, shadow) is not part of the decision and not compared. Exit 1 on
 * any difference, 0 when every logged line is made again exactly, 2 when
 * the replay could not run.
 *
 * Calls gavel.h and the shared pieces of cli.h (options, messages, values).
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The report, through cli_term_stream: record bytes in it (ids, values)
 * reach a terminal escaped (escape.c). */
static FILE *out;

static const char replay_usage[] =
    "usage: gavel replay DECISIONS.jsonl -p POLICY [options] [INPUT...]\n"
    "\n"
    "Re-evaluates the records of the inputs and confirms that every decision\n"
    "logged in DECISIONS.jsonl (the output of 'gavel eval') is made again\n"
    "exactly: same policy digest, the logged as_of, same decision, reasons,\n"
    "citations, evidence, set-aside rules, missing facts and errors. Prints the\n"
    "first differences (record, field, logged value, value now) and a summary.\n"
    "\n"
    "  -p, --policy DIR       the policy the decisions claim to come from\n"
    "      --context FILE     the context file the decisions were made with\n"
    "      --as-of-field PATH the field the decisions took each record's time from\n"
    "                         (eval --as-of-field): each is remade at that time\n"
    "      --id-field NAME    record field used as the decision id (default: id)\n"
    "      --input-format F   jsonl, json or yaml for stdin and unknown extensions\n"
    "      --show N           differences to print (default 10; 0 for none)\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 every logged decision is reproduced; 1 some differ or have no\n"
    "record in the inputs; 2 could not run (usage, policy, unreadable input).\n";

typedef struct replay_opts {
    const char *log, *policy, *context, *as_of_field, *id_field;
    long        show;
    gavel_format input_format;
    gavel_limits limits;
    char      **inputs;
    int         ninputs;
} replay_opts;

/* ---- the log ----------------------------------------------------------------------- */

typedef struct entry {
    char  *line;      /* the logged text */
    char  *key;       /* its id, compact JSON */
    char  *id;        /* its id for a person */
    long   lineno;
    size_t next;      /* next entry with the same key + 1; 0 for none */
    int    matched;
} entry;

typedef struct logbook {
    entry  *e;
    size_t  n, cap;
    size_t *slot;     /* hash of key -> first entry + 1 */
    size_t  nslots;
} logbook;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The first not yet matched entry with this key, or NULL. */
static entry *log_find(logbook *b, const char *key)
{
    if (!b->nslots)
        return NULL;
    size_t i = hash(key) & (b->nslots - 1);
    for (; b->slot[i]; i = (i + 1) & (b->nslots - 1)) {
        entry *e = &b->e[b->slot[i] - 1];
        if (strcmp(e->key, key))
            continue;
        while (e->matched && e->next)
            e = &b->e[e->next - 1];
        return e->matched ? NULL : e;
    }
    return NULL;
}

static int log_index(logbook *b)
{
    b->nslots = 16;
    while (b->nslots < b->n * 2)
        b->nslots *= 2;
    b->slot = calloc(b->nslots, sizeof *b->slot);
    size_t *last = calloc(b->nslots, sizeof *last);   /* per slot: the chain's tail */
    if (!b->slot || !last) {
        free(last);
        return -1;
    }
    for (size_t k = 0; k < b->n; k++) {
        if (!b->e[k].key)
            continue;
        size_t i = hash(b->e[k].key) & (b->nslots - 1);
        for (; b->slot[i]; i = (i + 1) & (b->nslots - 1))
            if (!strcmp(b->e[b->slot[i] - 1].key, b->e[k].key))
                break;
        if (!b->slot[i])
            b->slot[i] = k + 1;
        else
            b->e[last[i] - 1].next = k + 1;
        last[i] = k + 1;
    }
    free(last);
    return 0;
}

/* ---- differences --------------------------------------------------------------------- */

typedef struct tally {
    char *field;
    unsigned long long n;
} tally;

typedef struct replay_state {
    long   show, shown;
    char  *policy_shown;   /* a policy difference already printed: once is enough */
    tally *fields;
    size_t nfields;
    unsigned long long logged, reproduced, differ, missing_record, not_logged, bad_lines;
    unsigned long long policy_only;   /* records that differ only in the policy */
    gavel_record *logged_rec, *made_rec;  /* a logged line, a new decision, parsed */
    int    record_time;    /* --as-of-field: the record, not the log, gives as_of */
} replay_state;

static void count_field(replay_state *s, const char *field)
{
    for (size_t i = 0; i < s->nfields; i++)
        if (!strcmp(s->fields[i].field, field)) {
            s->fields[i].n++;
            return;
        }
    tally *t = realloc(s->fields, (s->nfields + 1) * sizeof *t);
    char *f = strdup(field);
    if (!t || !f) {
        free(f);
        if (t)
            s->fields = t;
        return;
    }
    s->fields = t;
    s->fields[s->nfields++] = (tally){ f, 1 };
}

/* A value, short enough for a line. */
static void put_value(const gavel_value *v)
{
    if (!v) {
        fputs("(absent)", out);
        return;
    }
    char *t = cli_value_json(v);
    if (!t)
        return;
    if (strlen(t) > 160)
        fprintf(out, "%.150s...", t);
    else
        fputs(t, out);
    free(t);
}

static void report(replay_state *s, const char *id, long lineno, const char *field,
                   const gavel_value *logged, const gavel_value *now, const char *note)
{
    if (s->shown++ >= s->show)
        return;
    if (id)
        fprintf(out, "%s (line %ld): %s: ", id, lineno, field);
    else
        fprintf(out, "line %ld: ", lineno);
    if (note) {
        fprintf(out, "%s\n", note);
        return;
    }
    fputs("logged ", out);
    put_value(logged);
    fputs(", now ", out);
    put_value(now);
    fputc('\n', out);
}

/* Compares a logged decision with the one made now. Returns differences. */
static int compare(replay_state *s, const char *id, long lineno, const gavel_value *l,
                   const gavel_value *n)
{
    int diffs = 0, others = 0;
    for (int pass = 0; pass < 2; pass++) {
        const gavel_value *a = pass ? n : l, *b = pass ? l : n;
        for (size_t i = 0; i < gavel_value_len(a); i++) {
            const char *key = gavel_value_key(a, i, NULL);
            if (pass && gavel_value_get(b, key))
                continue;           /* compared on the first pass */
            if (!strcmp(key, "served"))
                continue;           /* gavel serve's log: the request, not the decision */
            char path[512];
            snprintf(path, sizeof path, "%s", key);
            const gavel_value *was = gavel_value_get(l, key), *now = gavel_value_get(n, key);
            if (!cli_value_first_diff(was, now, path, sizeof path))
                continue;
            diffs++;
            others += strcmp(key, "policy") != 0;
            /* Tally by the field a person asks about: policy.digest, reasons, ... */
            char field[64];
            if (!strcmp(key, "policy"))
                snprintf(field, sizeof field, "%.*s", (int)strcspn(path, "["), path);
            else
                snprintf(field, sizeof field, "%s", key);
            count_field(s, field);
            if (!strcmp(key, "policy")) {
                /* A policy difference is the same on every line it touches:
                 * print it once, count it always. */
                char *pair = NULL, *a = cli_value_json(was), *b = cli_value_json(now);
                if (a && b && (pair = malloc(strlen(a) + strlen(b) + 2)))
                    sprintf(pair, "%s\t%s", a, b);
                free(a);
                free(b);
                if (pair && s->policy_shown && !strcmp(pair, s->policy_shown)) {
                    free(pair);
                    continue;
                }
                free(s->policy_shown);
                s->policy_shown = pair;
                report(s, id, lineno, path, cli_value_at_path(l, path), cli_value_at_path(n, path),
                       NULL);
                if (s->shown <= s->show)
                    fprintf(out, "  (not repeated below for the lines with the same %s)\n", path);
                continue;
            }
            report(s, id, lineno, path, cli_value_at_path(l, path), cli_value_at_path(n, path),
                   NULL);
        }
    }
    s->policy_only += diffs && !others;
    return diffs;
}

/* ---- the run ----------------------------------------------------------------------- */

enum { OPT_CONTEXT = 256, OPT_AS_OF_FIELD, OPT_ID_FIELD, OPT_SHOW };

static const cli_option replay_options[] = {
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "context", 0, OPT_VALUE, OPT_CONTEXT, NULL },
    { "as-of-field", 0, OPT_VALUE, OPT_AS_OF_FIELD, NULL },
    { "id-field", 0, OPT_VALUE, OPT_ID_FIELD, NULL },
    { "show", 0, OPT_VALUE, OPT_SHOW, NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

/* One option of replay's own: 0, or -1 after saying what was wrong. */
static int replay_option(void *ctx, const cli_opts *args, int id)
{
    replay_opts *o = ctx;
    const char *v = args->value;
    char *end;
    switch (id) {
    case 'p': o->policy = v; break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_AS_OF_FIELD: o->as_of_field = v; break;
    case OPT_ID_FIELD: o->id_field = v; break;
    case OPT_SHOW:
        o->show = strtol(v, &end, 10);
        if (*end || !*v || o->show < 0) {
            cli_error("--show needs a number");
            return -1;
        }
        break;
    case 'h':
        cli_help(replay_usage, cli_limit_help);
        return 1;
    case OPT_OPERAND:
        if (!o->log)
            o->log = v;
        else
            o->inputs[o->ninputs++] = (char *)v;
        break;
    default:
        return cli_input_option(args, id, &o->input_format, &o->limits) < 0 ? -1 : 0;
    }
    return 0;
}

/* 0 to run, 1 when --help was shown, -1 after a usage error. The first
 * operand is the log, the others the inputs. */
static int parse_opts(int argc, char **argv, replay_opts *o)
{
    memset(o, 0, sizeof *o);
    o->show = 10;
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!o->inputs)
        return -1;
    cli_opts args;
    cli_opts_init(&args, "replay", argc, argv, replay_options, cli_input_options);
    int st = cli_opts_parse(&args, replay_option, o);
    if (st != 0)
        return st;
    if (!o->log || !o->policy) {
        cli_error("replay needs the decisions and a policy: gavel replay DECISIONS.jsonl "
                  "-p POLICY INPUT... (see 'gavel replay --help')");
        return -1;
    }
    if (!strcmp(o->log, "-") && o->ninputs == 0) {
        cli_error("replay: the decisions and the records cannot both come from stdin");
        return -1;
    }
    return 0;
}

typedef struct log_reader {
    logbook      *b;
    replay_state *s;
} log_reader;

/* One line of the log into the book; a line that is not a decision is a
 * difference already. 0, or -1 out of memory. */
static int log_line(void *ctx, long lineno, char *buf, long len)
{
    logbook *b = ((log_reader *)ctx)->b;
    replay_state *s = ((log_reader *)ctx)->s;
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 256;
        entry *e = realloc(b->e, ncap * sizeof *e);
        if (!e)
            return -1;
        b->e = e;
        b->cap = ncap;
    }
    entry *e = &b->e[b->n];
    memset(e, 0, sizeof *e);
    e->lineno = lineno;
    char err[200];
    const gavel_value *v = cli_parse_line(s->logged_rec, buf, (size_t)len, err, sizeof err);
    const gavel_value *id = gavel_value_get(v, "id");
    s->logged++;
    if (!id) {
        char note[300];
        snprintf(note, sizeof note, "not a decision (%s)", !v ? err : "no \"id\"");
        count_field(s, "unreadable line");
        s->bad_lines++;
        s->differ++;
        report(s, NULL, lineno, "line", NULL, NULL, note);
        return 0;
    }
    e->key = cli_value_json(id);
    e->id = cli_value_text(id);
    e->line = strdup(buf);
    if (!e->key || !e->id || !e->line) {
        free(e->key);
        free(e->id);
        free(e->line);
        return -1;
    }
    b->n++;
    return 0;
}

/* Reads the log into the book, indexed by id. */
static int read_log(const char *path, logbook *b, replay_state *s)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    log_reader lr = { b, s };
    int rc = cli_each_line(f, path, log_line, &lr);
    if (rc && !ferror(f))
        cli_error("out of memory reading %s", path);
    if (f != stdin)
        fclose(f);
    return rc ? rc : log_index(b);
}

/* Evaluates one record against its logged line and compares. */
static int replay_one(replay_state *s, gavel_evaluator *ev, const gavel_record *rec,
                      gavel_decision *d, logbook *b)
{
    if (gavel_evaluate(ev, rec, d) == GAVEL_ENOMEM)
        return -1;
    char err[200], id[256];
    char *key = cli_value_json(gavel_decision_id_value(d));
    entry *e = key ? log_find(b, key) : NULL;
    free(key);
    if (!e) {
        s->not_logged++;
        return 0;
    }
    e->matched = 1;
    snprintf(id, sizeof id, "%s", gavel_decision_id(d));
    const gavel_value *l = cli_parse_line(s->logged_rec, e->line, strlen(e->line), err, sizeof err);
    if (!l)
        return -1;
    /* With --as-of-field the record's own time is remade and as_of is
     * compared like any other field. */
    const char *as_of = s->record_time ? NULL : cli_str(l, "as_of");
    if (as_of && strcmp(as_of, gavel_evaluator_as_of(ev))) {
        if (gavel_evaluator_set_as_of(ev, as_of) != GAVEL_OK) {
            count_field(s, "as_of");
            s->differ++;
            report(s, id, e->lineno, "as_of", NULL, NULL, gavel_evaluator_errmsg(ev));
            return 0;
        }
        if (gavel_evaluate(ev, rec, d) == GAVEL_ENOMEM)
            return -1;
    }
    size_t len;
    const char *json = gavel_decision_json(d, &len);
    const gavel_value *n = json ? cli_parse_line(s->made_rec, json, len, err, sizeof err) : NULL;
    if (!n)
        return -1;
    if (compare(s, id, e->lineno, l, n))
        s->differ++;
    else
        s->reproduced++;
    return 0;
}

/* The closing lines: how many were reproduced, the differences by field. */
static void print_summary(const replay_state *s, const gavel_policy *p)
{
    if (s->shown > s->show)
        fprintf(out, "... and %ld more difference%s\n", s->shown - s->show, s->shown - s->show == 1 ? "" : "s");
    fprintf(out, "replay: %llu logged decision%s, %llu reproduced, %llu differ", s->logged,
           s->logged == 1 ? "" : "s", s->reproduced, s->differ);
    if (s->missing_record)
        fprintf(out, " (%llu with no record in the inputs)", s->missing_record);
    if (s->policy_only)
        fprintf(out, " (%llu only in the policy)", s->policy_only);
    fprintf(out, "; policy %s %s %s\n", gavel_policy_name(p), gavel_policy_version(p),
           gavel_policy_digest(p));
    if (s->nfields) {
        fputs("differences by field:", out);
        for (size_t i = 0; i < s->nfields; i++)
            fprintf(out, "%s %s %llu", i ? "," : "", s->fields[i].field, s->fields[i].n);
        fputc('\n', out);
    }
    for (size_t i = 0; i < s->nfields; i++)
        if (!strcmp(s->fields[i].field, "policy.digest"))
            fprintf(out, "%s\n", "the policy's digest is not the logged one: these decisions were made with "
                 "other rules, lexicons or manifest");
    if (s->not_logged)
        fprintf(out, "%llu input record%s had no logged decision (not a difference)\n", s->not_logged,
               s->not_logged == 1 ? "" : "s");
}

int cmd_replay(int argc, char **argv)
{
    replay_opts o;
    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0) {
        free(o.inputs);
        return parsed > 0 ? EXIT_DONE : EXIT_TROUBLE;
    }
    int status = EXIT_TROUBLE, trouble = 0;
    out = cli_term_stream(stdout);
    logbook b = { 0 };
    replay_state s = { 0 };
    s.show = o.show;
    gavel_policy *p = NULL;
    gavel_evaluator *ev = NULL;
    gavel_record *rec = gavel_record_new();
    gavel_decision *d = gavel_decision_new();
    s.logged_rec = gavel_record_new();
    s.made_rec = gavel_record_new();
    if (!rec || !d || !s.logged_rec || !s.made_rec)
        goto done;
    if (!(p = cli_load_policy(o.policy, &o.limits)))
        goto done;
    s.record_time = o.as_of_field != NULL;
    if (!(ev = cli_evaluator(p, o.context, NULL, o.as_of_field, o.id_field)))
        goto done;
    if (read_log(o.log, &b, &s) != 0)
        goto done;

    cli_inputs in;
    cli_inputs_init(&in, o.inputs, o.ninputs, o.input_format, gavel_policy_limits(p));
    in.stop_on_error = 1;          /* a replay over part of the inputs proves nothing */
    while (!trouble && cli_inputs_next(&in, rec)) {
        if (replay_one(&s, ev, rec, d, &b) != 0) {
            cli_error("out of memory");
            trouble = 1;
        }
    }
    cli_inputs_close(&in);
    trouble |= in.unreadable;
    for (size_t i = 0; i < b.n && !trouble; i++) {
        if (b.e[i].matched)
            continue;
        char id[256];
        snprintf(id, sizeof id, "%s", b.e[i].id);
        s.missing_record++;
        s.differ++;
        count_field(&s, "record");
        report(&s, id, b.e[i].lineno, "record", NULL, NULL, "no record with this id in the inputs");
    }
    if (trouble)
        goto done;
    print_summary(&s, p);
    if (fflush(out) != 0 || fflush(stdout) != 0) {
        cli_error("<stdout>: write error");
        goto done;
    }
    status = s.differ ? EXIT_FAILED : EXIT_DONE;
done:
    fclose(out);
    for (size_t i = 0; i < b.n; i++) {
        free(b.e[i].line);
        free(b.e[i].key);
        free(b.e[i].id);
    }
    free(b.e);
    free(b.slot);
    for (size_t i = 0; i < s.nfields; i++)
        free(s.fields[i].field);
    free(s.fields);
    free(s.policy_shown);
    gavel_decision_free(d);
    gavel_record_free(rec);
    gavel_record_free(s.logged_rec);
    gavel_record_free(s.made_rec);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
    free(o.inputs);
    return status;
}
