/*
 * cmd_export.c: `gavel export --format dsa-sor -p POLICY DECISIONS...`: the
 * command: its options, reading the decision lines (and, with --records,
 * the records they were made on, joined by id), handing each decision to
 * the mapping (dsa_map.c), checking every statement against the schema
 * (dsa_sor.c) before it is written, and writing the batches: one JSON
 * object {"statements":[...]} per line, at most 100 statements each, to
 * stdout or, complete or not at all, to -o FILE (with a .json name, one
 * JSON array of those objects, for tools that read one document).
 * `--validate` checks statement files made by anyone instead, either form.
 *
 * Calls gavel.h, the shared pieces of cli.h and dsa_sor.h.
 */
#include "cli.h"
#include "dsa_sor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char export_usage[] =
    "usage: gavel export --format dsa-sor -p POLICY [options] DECISIONS...\n"
    "       gavel export --validate STATEMENTS...\n"
    "\n"
    "Writes the decisions ('gavel eval' output; '-' for stdin) as EU Digital\n"
    "Services Act statements of reasons for the DSA Transparency Database: one\n"
    "statement per measure whose action the manifest's export: {dsa-sor: ...}\n"
    "section maps (docs/export.md), each checked against the database's rules\n"
    "before it is written. Output: JSON Lines, one submission body\n"
    "{\"statements\":[...]} per line, at most 100 statements each.\n"
    "\n"
    "  -f, --format F          the export format: dsa-sor (the only one)\n"
    "  -p, --policy DIR        the policy whose manifest maps the decisions\n"
    "  -o, --output FILE       the batches (default: stdout); complete or not at all;\n"
    "                          JSON Lines, or one JSON array of them for FILE.json\n"
    "      --records FILE      the records the decisions were made on, joined by id,\n"
    "                          for values the mapping reads from r.X (repeatable)\n"
    "      --id-field NAME     the records' id field (default: id)\n"
    "      --batch-size N      statements per batch, 1 to 100 (default 100)\n"
    "      --validate          check statement files instead: JSON Lines of batches\n"
    "                          or of single statements, as the database would\n"
    "  -q, --quiet             no counts on stderr\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 done; 1 some statements failed the schema (each named, not\n"
    "written) or some lines were not decisions; 2 could not run (usage, policy,\n"
    "an invalid mapping, unreadable input).\n";

typedef struct export_opts {
    const char  *format, *policy, *output, *id_field;
    char       **inputs, **records;
    int          ninputs, nrecords;
    long         batch_size;
    int          validate, quiet;
} export_opts;

enum { OPT_RECORDS = 256, OPT_ID_FIELD, OPT_BATCH_SIZE, OPT_VALIDATE };

static const cli_option export_options[] = {
    { "format", 'f', OPT_VALUE, 'f', "dsa-sor" },
    { "policy", 'p', OPT_VALUE, 'p', NULL },
    { "output", 'o', OPT_VALUE, 'o', NULL },
    { "records", 0, OPT_VALUE, OPT_RECORDS, NULL },
    { "id-field", 0, OPT_VALUE, OPT_ID_FIELD, NULL },
    { "batch-size", 0, OPT_VALUE, OPT_BATCH_SIZE, "1 to 100" },
    { "validate", 0, OPT_FLAG, OPT_VALIDATE, NULL },
    { "quiet", 'q', OPT_FLAG, 'q', NULL },
    { "help", 'h', OPT_FLAG, 'h', NULL },
    { NULL, 0, 0, 0, NULL }
};

static int add_path(char ***list, int *n, const char *path)
{
    char **grown = realloc(*list, (size_t)(*n + 1) * sizeof *grown);
    if (!grown) {
        cli_error("out of memory");
        return -1;
    }
    grown[(*n)++] = (char *)path;
    *list = grown;
    return 0;
}

/* One option or operand: 0, 1 after --help, or -1 after saying what was wrong. */
static int export_option(void *ctx, const cli_opts *args, int id)
{
    export_opts *o = ctx;
    const char *v = args->value;
    char *end;
    switch (id) {
    case 'f': o->format = v; break;
    case 'p': o->policy = v; break;
    case 'o': o->output = v; break;
    case OPT_ID_FIELD: o->id_field = v; break;
    case OPT_VALIDATE: o->validate = 1; break;
    case 'q': o->quiet = 1; break;
    case OPT_RECORDS: return add_path(&o->records, &o->nrecords, v);
    case OPT_OPERAND: return add_path(&o->inputs, &o->ninputs, v);
    case OPT_BATCH_SIZE:
        o->batch_size = strtol(v, &end, 10);
        if (*end || !*v || o->batch_size < 1 || o->batch_size > DSA_BATCH_MAX) {
            cli_error("--batch-size needs a number from 1 to %d", DSA_BATCH_MAX);
            return -1;
        }
        break;
    case 'h':
        cli_help(export_usage, NULL);
        return 1;
    default:
        return -1;
    }
    return 0;
}

/* 0 to run, 1 when --help was shown, -1 after a usage error. */
static int parse_opts(int argc, char **argv, export_opts *o)
{
    memset(o, 0, sizeof *o);
    o->batch_size = DSA_BATCH_MAX;
    o->id_field = "id";
    cli_opts args;
    cli_opts_init(&args, "export", argc, argv, export_options, NULL);
    int st = cli_opts_parse(&args, export_option, o);
    if (st != 0)
        return st;
    if (o->validate) {
        if (!o->ninputs) {
            cli_error("export --validate needs the statement files");
            return -1;
        }
        return 0;
    }
    if (!o->format || strcmp(o->format, "dsa-sor")) {
        cli_error(o->format ? "unknown export format '%s' (dsa-sor is the only one)"
                            : "export needs --format dsa-sor%s", o->format ? o->format : "");
        return -1;
    }
    if (!o->policy) {
        cli_error("export needs the policy: gavel export --format dsa-sor -p POLICY DECISIONS...");
        return -1;
    }
    if (!o->ninputs)
        return add_path(&o->inputs, &o->ninputs, "-");
    return 0;
}

/* ---- the records, by id ---------------------------------------------------------- */

typedef struct keyed_record {
    char         *id;
    gavel_record *rec;
} keyed_record;

typedef struct record_index {
    keyed_record *r;
    size_t        n, cap;
} record_index;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const keyed_record *)a)->id, ((const keyed_record *)b)->id);
}

/* Keeps one read record under its id; 0, or -1 when out of memory. */
static int index_add(record_index *ix, gavel_record *rec, const char *id_field)
{
    char *id = cli_value_text(gavel_value_get(gavel_record_value(rec), id_field));
    if (!id)
        return 0;                /* no id (or no memory): cannot be joined */
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        keyed_record *grown = realloc(ix->r, cap * sizeof *grown);
        if (!grown) {
            free(id);
            return -1;
        }
        ix->r = grown;
        ix->cap = cap;
    }
    ix->r[ix->n++] = (keyed_record){ id, rec };
    return 0;
}

/* Every record of the --records files; 0, or -1 after saying what was wrong. */
static int index_read(record_index *ix, const export_opts *o, const gavel_limits *limits)
{
    cli_inputs in;
    cli_inputs_init(&in, o->records, o->nrecords, GAVEL_AUTO, limits);
    int rc = 0;
    for (;;) {
        gavel_record *rec = gavel_record_new();
        if (!rec || cli_inputs_next(&in, rec) != 1) {
            gavel_record_free(rec);
            rc = rec ? 0 : -1;
            break;
        }
        if (!gavel_record_value(rec)) {
            cli_warn("%s", gavel_record_errmsg(rec));
            gavel_record_free(rec);
        } else if (index_add(ix, rec, o->id_field) != 0) {
            gavel_record_free(rec);
            rc = -1;
            break;
        } else if (ix->n == 0 || ix->r[ix->n - 1].rec != rec) {
            gavel_record_free(rec);
        }
    }
    cli_inputs_close(&in);
    if (rc != 0)
        cli_error("out of memory");
    qsort(ix->r, ix->n, sizeof *ix->r, by_id);
    return rc || in.unreadable ? -1 : 0;
}

static const gavel_value *index_find(const record_index *ix, const char *id)
{
    keyed_record key = { (char *)id, NULL };
    keyed_record *hit = ix->n ? bsearch(&key, ix->r, ix->n, sizeof *ix->r, by_id) : NULL;
    return hit ? gavel_record_value(hit->rec) : NULL;
}

static void index_free(record_index *ix)
{
    for (size_t i = 0; i < ix->n; i++) {
        free(ix->r[i].id);
        gavel_record_free(ix->r[i].rec);
    }
    free(ix->r);
}

/* ---- checking and writing statements ----------------------------------------------- */

typedef struct export_run {
    export_opts    o;
    gavel_policy  *policy;
    dsa_map       *map;
    record_index   records;
    gavel_record  *scratch;        /* a statement, read back to be checked */
    FILE          *out;      /* stdout, or output.f */
    cli_out        output;
    const char    *name;           /* whose statements these are, for messages */
    const char    *path;           /* the input being read */
    size_t         in_batch;
    int            array;          /* -o FILE.json: one JSON array of the bodies */
    dsa_counts     counts;
    unsigned long long decisions, silent, invalid, batches, bad_lines, checked;
} export_run;

static void say_fault(void *ctx, const char *field, const char *why)
{
    cli_error("%s: %s: %s", ((const export_run *)ctx)->name, field, why);
}

/* Reads a statement's text back and checks it: 1 valid, 0 not (said). */
static int statement_ok(export_run *run, const char *json, size_t len)
{
    char err[200];
    const gavel_value *st = cli_parse_line(run->scratch, json, len, err, sizeof err);
    if (!st) {
        cli_error("%s: statement is not JSON (%s)", run->name, err);
        return 0;
    }
    return dsa_validate(st, say_fault, run) == 0;
}

static void batch_end(export_run *run)
{
    if (run->in_batch)
        fputs(run->array ? "]}" : "]}\n", run->out);
    run->in_batch = 0;
}

/* After the last batch: an array closes (and is [] when there is none). */
static void batches_end(export_run *run)
{
    batch_end(run);
    if (run->array)
        fputs(run->batches ? "\n]\n" : "[]\n", run->out);
}

/* The mapping's callback: checks the statement, writes it when valid. */
static int emit_statement(void *ctx, const char *json, size_t len)
{
    export_run *run = ctx;
    if (!statement_ok(run, json, len)) {
        run->invalid++;
        return 0;
    }
    if (run->in_batch == (size_t)run->o.batch_size)
        batch_end(run);
    if (!run->in_batch++) {
        if (run->array)
            fputs(run->batches ? ",\n" : "[\n", run->out);
        fputs("{\"statements\":[", run->out);
        run->batches++;
    } else {
        fputc(',', run->out);
    }
    fwrite(json, 1, len, run->out);
    return 0;
}

/* One decision line: its statements. 0, or -1 to stop (said). */
static int export_line(void *ctx, long lineno, char *buf, long len)
{
    export_run *run = ctx;
    const char *path = run->path;
    char err[200], name[300];
    gavel_record *line = run->scratch;
    const gavel_value *d = cli_parse_line(line, buf, (size_t)len, err, sizeof err);
    if (!d || !cli_str(d, "decision")) {
        cli_warn("%s:%ld: not a decision (%s); skipped", path, lineno,
                 d ? "no \"decision\"" : err);
        run->bad_lines++;
        return 0;
    }
    /* The statements are read back into a record of their own. */
    gavel_record *keep = gavel_record_new();
    if (!keep) {
        cli_error("out of memory");
        return -1;
    }
    run->scratch = keep;
    char *id = cli_value_text(gavel_value_get(d, "id"));
    snprintf(name, sizeof name, "%s", id ? id : "?");
    run->name = name;
    const gavel_value *record = id ? index_find(&run->records, id) : NULL;
    unsigned long long before = run->counts.statements;
    run->decisions++;
    int rc = dsa_map_decision(run->map, d, record, &run->counts, emit_statement, run);
    run->silent += run->counts.statements == before;
    free(id);
    run->scratch = line;
    gavel_record_free(keep);
    return rc;
}

static int export_file(export_run *run, const char *path, cli_line_fn *each)
{
    FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!in) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    run->path = path;
    int rc = cli_each_line(in, path, each, run);
    if (in != stdin)
        fclose(in);
    return rc;
}

/* ---- --validate ---------------------------------------------------------------------- */

static void check_one(export_run *run, const gavel_value *st, const char *where)
{
    const char *puid = cli_str(st, "puid");
    run->name = puid ? puid : where;
    run->checked++;
    run->invalid += dsa_validate(st, say_fault, run) > 0;
}

/* A batch body, or one statement. */
static void validate_body(export_run *run, const gavel_value *v, const char *where)
{
    const gavel_value *batch = gavel_value_get(v, "statements");
    if (!batch) {
        check_one(run, v, where);
        return;
    }
    size_t n = gavel_value_len(batch);
    if (gavel_value_type(batch) != GAVEL_ARRAY || n < 1 || n > DSA_BATCH_MAX) {
        cli_error("%s: statements: a batch holds 1 to %d statements", where, DSA_BATCH_MAX);
        run->bad_lines++;
    }
    for (size_t i = 0; i < n; i++) {
        char at[340];
        snprintf(at, sizeof at, "%s: statement %zu", where, i + 1);
        check_one(run, gavel_value_at(batch, i), at);
    }
}

/* A statements file written with -o FILE.json: one array of bodies. */
static int validate_array_file(export_run *run, const char *path)
{
    gavel_record *doc = gavel_record_new();
    if (!doc || gavel_record_parse_file(doc, path, GAVEL_JSON, NULL) != GAVEL_OK) {
        cli_error("%s", doc ? gavel_record_errmsg(doc) : "out of memory");
        gavel_record_free(doc);
        return -1;
    }
    const gavel_value *v = gavel_record_value(doc);
    for (size_t i = 0; i < gavel_value_len(v); i++) {
        char where[300];
        snprintf(where, sizeof where, "%s: batch %zu", path, i + 1);
        validate_body(run, gavel_value_at(v, i), where);
    }
    gavel_record_free(doc);
    return 0;
}

/* Does the file hold one JSON array (-o FILE.json) rather than lines? */
static int is_array_file(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : NULL;
    int c = EOF;
    while (f && (c = fgetc(f)) != EOF && (c == ' ' || c == '\n' || c == '\t' || c == '\r'))
        ;
    if (f)
        fclose(f);
    return c == '[';
}

/* One line of a statements file: a batch body or one statement. */
static int validate_line(void *ctx, long lineno, char *buf, long len)
{
    export_run *run = ctx;
    const char *path = run->path;
    char err[200], where[300];
    const gavel_value *v = cli_parse_line(run->scratch, buf, (size_t)len, err, sizeof err);
    snprintf(where, sizeof where, "%s:%ld", path, lineno);
    if (!v) {
        cli_error("%s: not JSON (%s)", where, err);
        run->bad_lines++;
        return 0;
    }
    validate_body(run, v, where);
    return 0;
}

/* ---- the run ------------------------------------------------------------------------ */

/* The manifest's file, for messages: POLICY/policy.yaml, or POLICY itself. */
static char *manifest_path(const char *policy)
{
    struct stat sb;
    if (stat(policy, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return cli_strdup(policy);
    size_t n = strlen(policy);
    char *path = malloc(n + sizeof "/policy.yaml");
    if (!path)
        return NULL;
    snprintf(path, n + sizeof "/policy.yaml", "%s%spolicy.yaml", policy,
             n && policy[n - 1] == '/' ? "" : "/");
    return path;
}

/* The policy, its mapping and the records. 0, or -1 after saying why not. */
static int run_open(export_run *run)
{
    const export_opts *o = &run->o;
    if (!(run->scratch = gavel_record_new())) {
        cli_error("out of memory");
        return -1;
    }
    if (o->validate)
        return 0;
    if (!(run->policy = cli_load_policy(o->policy, NULL)))
        return -1;
    char *manifest = manifest_path(o->policy);
    run->map = manifest ? dsa_map_new(run->policy, manifest) : NULL;
    free(manifest);
    if (!run->map)
        return -1;
    const char *key;
    if (dsa_map_reads_records(run->map, &key) && !o->nrecords) {
        cli_error("export.dsa-sor.%s reads the record: give the records with --records FILE", key);
        return -1;
    }
    return o->nrecords ? index_read(&run->records, o, gavel_policy_limits(run->policy)) : 0;
}

static int run_output(export_run *run)
{
    const char *o = run->o.output;
    size_t n = o ? strlen(o) : 0;
    run->array = n > 5 && !strcmp(o + n - 5, ".json");
    if (cli_out_open(&run->output, run->o.output, 0) != 0)
        return -1;
    run->out = run->output.f;
    return 0;
}

/* Flushes, and renames -o's temporary file into place. 0, or -1 (said). */
static int run_close(export_run *run, int ok)
{
    const char *output = run->o.output;
    int rc = ok ? 0 : -1;
    if (fflush(run->out) != 0 || ferror(run->out)) {
        cli_error("%s: write error: %s", output ? output : "<stdout>", strerror(errno));
        rc = -1;
    }
    return cli_out_close(&run->output, rc == 0);
}

static void summary(const export_run *run)
{
    const dsa_counts *c = &run->counts;
    if (run->o.quiet)
        return;
    if (run->o.validate) {
        fprintf(stderr, "gavel: %llu statements checked, %llu invalid\n", run->checked,
                run->invalid);
        return;
    }
    fprintf(stderr, "gavel: %llu decisions: %llu statements written in %llu batch%s; %llu "
            "decisions with no mapped measure; %llu measures of unmapped actions, %llu outside "
            "the EEA; %llu statements invalid (not written)\n", run->decisions,
            c->statements - run->invalid, run->batches, run->batches == 1 ? "" : "es",
            run->silent, c->unmapped, c->outside_eea, run->invalid);
}

static int run_inputs(export_run *run)
{
    for (int i = 0; i < run->o.ninputs; i++) {
        const char *in = run->o.inputs[i];
        int rc = run->o.validate && is_array_file(in)
                   ? validate_array_file(run, in)
                   : export_file(run, in, run->o.validate ? validate_line : export_line);
        if (rc)
            return -1;
    }
    return 0;
}

int cmd_export(int argc, char **argv)
{
    export_run run;
    memset(&run, 0, sizeof run);
    int parsed = parse_opts(argc, argv, &run.o);
    int status = EXIT_TROUBLE;
    if (parsed == 0 && run_open(&run) == 0 && (run.o.validate || run_output(&run) == 0)) {
        int ok = run_inputs(&run) == 0;
        if (!run.o.validate) {
            batches_end(&run);
            ok = run_close(&run, ok) == 0;
        }
        if (ok) {
            summary(&run);
            status = run.invalid || run.bad_lines ? EXIT_FAILED : EXIT_DONE;
        }
    }
    if (run.output.f)
        cli_out_close(&run.output, 0);
    free(run.o.inputs);
    free(run.o.records);
    index_free(&run.records);
    gavel_record_free(run.scratch);
    dsa_map_free(run.map);
    gavel_policy_free(run.policy);
    return parsed > 0 ? EXIT_DONE : status;
}
