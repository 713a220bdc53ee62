/*
 * policy.c: loading a policy directory (docs/policy.md) into an immutable
 * gavel_policy (policy.h): the manifest, the rule files' sources, the
 * lexicons, the schema, and the public accessors.
 *
 * The rule table and its defeat graph are rules.c's; the digest over what
 * is loaded is digest.c's. Everything the loader rejects becomes a
 * diagnostic with file:line:col, so `gavel check` can show them all at
 * once. Calls yamldoc.h, lexicon.h, words.h, schema.h, rules.h, digest.h,
 * decision.h (the JSON every decision repeats), buf.h and libc.
 */
#include "policy.h"
#include "buf.h"
#include "decision.h"
#include "digest.h"
#include "rules.h"
#include "schema.h"
#include "words.h"
#include "yamldoc.h"

#include <errno.h>
#include <glob.h>
#include <lua.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { SOURCE_MAX = 16 << 20 };

void gavel_limits_init(gavel_limits *l)
{
    l->instructions = 10000000;
    l->millis = 2000;
    l->memory = (size_t)256 << 20;
    l->record_bytes = (size_t)8 << 20;
    l->depth = 64;
    l->nodes = 1000000;
    l->string_bytes = (size_t)1 << 20;
}

const char *gavel_version(void)
{
    return GAVEL_VERSION " (" LUA_RELEASE ")";
}

const char *gavel_status_name(gavel_status s)
{
    static const char *const names[] = { "ok", "out of memory", "I/O error",
        "policy error", "input error", "rule error", "bad argument" };
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown status";
}

/* ---- diagnostics ------------------------------------------------------------ */

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void gvpol_diag(gavel_policy *p, gavel_severity sev, const char *file,
                unsigned line, unsigned col, const char *fmt, ...)
{
    if (gv_buf_grow_array((void **)&p->diags, &p->capdiags, p->ndiags, sizeof *p->diags, 8)) {
        p->status = GAVEL_ENOMEM;
        return;
    }
    char msg[1024];
    GV_BUF_FORMAT(msg, fmt);
    gavel_diag *d = &p->diags[p->ndiags++];
    d->file = xstrdup(file ? file : "");
    d->line = line;
    d->col = col;
    d->severity = sev;
    d->message = xstrdup(msg);
    if (sev == GAVEL_ERROR && p->status == GAVEL_OK) {
        p->status = GAVEL_EPOLICY;
        char full[1400];
        if (line)
            snprintf(full, sizeof full, "%s:%u:%u: %s", d->file, line, col ? col : 1, msg);
        else
            snprintf(full, sizeof full, "%s: %s", d->file, msg);
        free(p->errmsg);
        p->errmsg = xstrdup(full);
    }
}

/* ---- files --------------------------------------------------------------------- */

static char *join_path(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir[0] || strcmp(dir, ".") == 0)
        return strdup(name);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return s;
}

/* Reads a whole file. Returns NULL with errno-style message in err. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    gv_buf b = GV_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + n > SOURCE_MAX) {
            snprintf(err, errlen, "file larger than %d MiB", SOURCE_MAX >> 20);
            fclose(f);
            gv_buf_free(&b);
            return NULL;
        }
        gv_buf_add(&b, tmp, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        snprintf(err, errlen, bad ? "read error" : "out of memory");
        gv_buf_free(&b);
        return NULL;
    }
    return gv_buf_detach(&b, len);
}

/* ---- manifest ---------------------------------------------------------------- */

typedef struct loader {
    gavel_policy *p;
    const char   *mpath;     /* the manifest's path, for diagnostics */
    gv_arena      arena;
} loader;

static void at(loader *ld, const gv_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void at(loader *ld, const gv_value *v, const char *fmt, ...)
{
    char msg[900];
    GV_BUF_FORMAT(msg, fmt);
    gvpol_diag(ld->p, GAVEL_ERROR, ld->mpath, v ? v->line : 1, v ? v->col : 1, "%s", msg);
}

static const char *str_field(loader *ld, const gv_value *m, const char *key, int required)
{
    const gv_value *v = gv_gets(m, key);
    if (!v || v->type == GV_NULL) {
        if (required)
            at(ld, m, "missing required key '%s'", key);
        return NULL;
    }
    if (v->type != GV_STR) {
        at(ld, v, "'%s' must be a string%s", key,
           v->type == GV_NUM || v->type == GV_INT ? " (quote it)" : "");
        return NULL;
    }
    return v->u.s;
}

int gvpol_outcome_index(const gavel_policy *p, const char *name)
{
    for (int i = 0; name && i < p->noutcomes; i++)
        if (strcmp(p->outcomes[i], name) == 0)
            return i;
    return -1;
}

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("._-", *s)))
            return 0;
    return 1;
}

static void read_outcomes(loader *ld, const gv_value *m)
{
    gavel_policy *p = ld->p;
    const gv_value *v = gv_gets(m, "outcomes");
    if (!v) {
        at(ld, m, "missing required key 'outcomes'");
        return;
    }
    if (v->type != GV_ARR || v->len == 0) {
        at(ld, v, "'outcomes' must be a non-empty list, strongest first");
        return;
    }
    p->outcomes = calloc(v->len, sizeof *p->outcomes);
    for (uint32_t i = 0; p->outcomes && i < v->len; i++) {
        const gv_value *o = v->u.items[i];
        if (o->type != GV_STR || !valid_name(o->u.s)) {
            at(ld, o, "an outcome must be a name of [a-z0-9._-]");
            continue;
        }
        if (gvpol_outcome_index(p, o->u.s) >= 0) {
            at(ld, o, "outcome '%s' is listed twice", o->u.s);
            continue;
        }
        p->outcomes[p->noutcomes++] = strdup(o->u.s);
    }
    const char *def = str_field(ld, m, "default", 1);
    p->default_outcome = gvpol_outcome_index(p, def);
    if (def && p->default_outcome < 0)
        at(ld, gv_gets(m, "default"), "default '%s' is not one of the outcomes", def);
    const char *oe = str_field(ld, m, "on_error", 0);
    p->on_error_outcome = gvpol_outcome_index(p, oe ? oe : "review");
    if (oe && p->on_error_outcome < 0)
        at(ld, gv_gets(m, "on_error"), "on_error '%s' is not one of the outcomes", oe);
    else if (!oe && p->on_error_outcome < 0 && p->noutcomes)
        at(ld, m, "no 'on_error' and no 'review' outcome: say which outcome a "
                  "record gets when a rule fails");
}

/* actions: [withhold_post, ...], names like outcomes, none twice. */
static void read_actions(loader *ld, const gv_value *m)
{
    gavel_policy *p = ld->p;
    const gv_value *v = gv_gets(m, "actions");
    if (!v || v->type == GV_NULL)
        return;
    if (v->type != GV_ARR || v->len == 0) {
        at(ld, v, "'actions' must be a non-empty list of the actions measures may take");
        return;
    }
    p->actions = calloc(v->len, sizeof *p->actions);
    for (uint32_t i = 0; p->actions && i < v->len; i++) {
        const gv_value *a = v->u.items[i];
        int dup = 0;
        for (int k = 0; a->type == GV_STR && k < p->nactions; k++)
            dup |= strcmp(p->actions[k], a->u.s) == 0;
        if (a->type != GV_STR || !valid_name(a->u.s))
            at(ld, a, "an action must be a name of [a-z0-9._-]");
        else if (dup)
            at(ld, a, "action '%s' is listed twice", a->u.s);
        else
            p->actions[p->nactions++] = strdup(a->u.s);
    }
}

/* A region's name: a letter, then letters, digits, _ or - ("EU", "EEA"). */
static int valid_region(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) || strlen(s) > 40)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static void read_region(loader *ld, const gv_member *e, gvms_region *r)
{
    if (!valid_region(e->key) || gvms_country(e->key, e->klen) >= 0) {
        at(ld, e->val, "region '%s': a name of letters, digits, _ and - that is not itself "
                       "a country code", e->key);
        return;
    }
    if (e->val->type != GV_ARR || e->val->len == 0) {
        at(ld, e->val, "region '%s' must be a non-empty list of ISO 3166-1 alpha-2 codes",
           e->key);
        return;
    }
    for (uint32_t k = 0; k < e->val->len; k++) {
        const gv_value *c = e->val->u.items[k];
        int i = c->type == GV_STR ? gvms_country(c->u.s, c->len) : -1;
        if (i < 0)
            at(ld, c, "region '%s': '%s' is not an ISO 3166-1 alpha-2 code", e->key,
               c->type == GV_STR ? c->u.s : "?");
        else
            gvms_scope_add(&r->scope, i);
    }
    size_t n = 0;
    for (int i = 0; i < gvms_ncountries(); i++)
        n += (size_t)gvms_scope_has(&r->scope, i);
    const char **codes = calloc(n + 1, sizeof *codes);
    r->name = strdup(e->key);
    r->view.codes = codes;
    r->view.name = r->name;
    for (int i = 0; codes && i < gvms_ncountries(); i++)
        if (gvms_scope_has(&r->scope, i))
            codes[r->view.ncodes++] = gvms_country_code(i);
}

/* regions: { EU: [AT, BE, ...] }: sets of countries measures may name. */
static void read_regions(loader *ld, const gv_value *m)
{
    gavel_policy *p = ld->p;
    const gv_value *v = gv_gets(m, "regions");
    if (!v || v->type == GV_NULL)
        return;
    if (v->type != GV_OBJ) {
        at(ld, v, "'regions' must be a mapping of names to lists of country codes");
        return;
    }
    p->regions = calloc(v->len + 1, sizeof *p->regions);
    for (uint32_t i = 0; p->regions && i < v->len; i++)
        read_region(ld, &v->u.members[i], &p->regions[p->nregions++]);
}

/* export: { FORMAT: ... }, kept as written for the program that exports. */
static void read_export(loader *ld, const gv_value *m)
{
    const gv_value *v = gv_gets(m, "export");
    if (!v || v->type == GV_NULL)
        return;
    if (v->type != GV_OBJ) {
        at(ld, v, "'export' must be a mapping of formats (dsa-sor: ...)");
        return;
    }
    if (!(ld->p->export_ = gv_copy(&ld->p->arena, v, NULL, 0)))
        ld->p->status = GAVEL_ENOMEM;
}

static int add_file(gavel_policy *p, const char *name, const char *path)
{
    for (int i = 0; i < p->nfiles; i++)
        if (strcmp(p->files[i].path, path) == 0)
            return 0;                      /* a glob and a name for one file */
    gvpol_file *f = realloc(p->files, (size_t)(p->nfiles + 1) * sizeof *f);
    if (!f)
        return -1;
    p->files = f;
    f = &p->files[p->nfiles++];
    memset(f, 0, sizeof *f);
    f->name = strdup(name);
    f->path = strdup(path);
    return 0;
}

/* Calls each(ld, e, pattern) for every entry e of the list of files or
 * globs under key (`rules`, `tests`), pattern being e joined to the policy
 * directory (NULL when out of memory). Missing (an error if required), not
 * a list, or an entry that is not a string: an error, and no call. */
static void for_each_glob(loader *ld, const gv_value *m, const char *key, int required,
                          void (*each)(loader *ld, const gv_value *e, const char *pattern))
{
    const gv_value *v = gv_gets(m, key);
    if (!v || (!required && v->type == GV_NULL)) {
        if (required)
            at(ld, m, "missing required key '%s'", key);
        return;
    }
    if (v->type != GV_ARR) {
        at(ld, v, "'%s' must be a list of files or globs", key);
        return;
    }
    for (uint32_t i = 0; i < v->len; i++) {
        const gv_value *e = v->u.items[i];
        if (e->type != GV_STR) {
            at(ld, e, "a %s entry must be a file name or a glob", key);
            continue;
        }
        char *pattern = join_path(ld->p->dir, e->u.s);
        each(ld, e, pattern);
        free(pattern);
    }
}

/* A `rules:` entry: a file that must exist, or a glob that must match. */
static void add_rule_files(loader *ld, const gv_value *e, const char *pattern)
{
    gavel_policy *p = ld->p;
    if (!pattern)
        return;
    if (!strpbrk(e->u.s, "*?[")) {
        struct stat st;
        if (stat(pattern, &st) != 0)
            at(ld, e, "rule file '%s' not found", pattern);
        else
            add_file(p, e->u.s, pattern);
        return;
    }
    glob_t g;
    int r = glob(pattern, 0, NULL, &g);
    if (r == GLOB_NOMATCH || (r == 0 && g.gl_pathc == 0))
        at(ld, e, "'%s' matches no file", e->u.s);
    for (size_t k = 0; r == 0 && k < g.gl_pathc; k++) {
        const char *rel = g.gl_pathv[k] + (strlen(pattern) - strlen(e->u.s));
        add_file(p, rel, g.gl_pathv[k]);
    }
    if (r == 0)
        globfree(&g);
}

static void read_rule_files(loader *ld, const gv_value *m)
{
    gavel_policy *p = ld->p;
    for_each_glob(ld, m, "rules", 1, add_rule_files);
    for (int i = 0; i < p->nfiles; i++) {
        char err[256];
        gvpol_file *f = &p->files[i];
        f->text = read_file(f->path, &f->len, err, sizeof err);
        if (!f->text)
            gvpol_diag(p, GAVEL_ERROR, f->path, 0, 0, "%s", err);
    }
}

/* A `tests:` entry, expanded now so every command sees the same files. A
 * glob that matches nothing is worth a warning, not a failed load. */
static void add_test_files(loader *ld, const gv_value *e, const char *pattern)
{
    gavel_policy *p = ld->p;
    glob_t g;
    int r = pattern ? glob(pattern, 0, NULL, &g) : GLOB_NOSPACE;
    if (r != 0 || g.gl_pathc == 0)
        gvpol_diag(p, GAVEL_WARNING, ld->mpath, e->line, e->col,
                   "tests '%s' matches no file", e->u.s);
    for (size_t k = 0; r == 0 && k < g.gl_pathc; k++) {
        char **t = realloc(p->tests, (size_t)(p->ntests + 1) * sizeof *t);
        if (!t)
            break;
        p->tests = t;
        p->tests[p->ntests++] = strdup(g.gl_pathv[k]);
    }
    if (r == 0)
        globfree(&g);
}

static int lexicon_cmp(const void *a, const void *b)
{
    return strcmp(((const gvpol_lexicon *)a)->name, ((const gvpol_lexicon *)b)->name);
}

/* One union of the lexicons idx[0..n), recorded in each; -1 on out of
 * memory. */
static int add_union(gavel_policy *p, const int *idx, size_t n)
{
    const gvlex *parts[GVLEX_UNION_MAX];
    for (size_t k = 0; k < n; k++)
        parts[k] = p->lexicons[idx[k]].lex;
    gv_error ge = { 0 };
    gvlex *u = gvlex_union(parts, n, &ge);
    if (!u)
        return -1;
    p->unions[p->nunions++] = u;
    for (size_t k = 0; k < n; k++) {
        p->lexicons[idx[k]].uni = u;
        p->lexicons[idx[k]].part = (int)k;
    }
    return 0;
}

/* Puts every lexicon in a union, the plain ones and the word ones apart
 * (they match different text), GVLEX_UNION_MAX to a union: rules tend to
 * look for several lexicons in the same text, and one pass answers all.
 * -1 on out of memory. */
static int join_lexicons(gavel_policy *p)
{
    /* ceil(plain / MAX) + ceil(words / MAX) <= all / MAX + 2 */
    p->unions = calloc((size_t)(p->nlexicons / GVLEX_UNION_MAX + 2), sizeof *p->unions);
    if (!p->unions)
        return -1;
    for (int words = 0; words < 2; words++) {
        int idx[GVLEX_UNION_MAX];
        size_t n = 0;
        for (int i = 0; i < p->nlexicons; i++) {
            if (p->lexicons[i].words != words)
                continue;
            idx[n++] = i;
            if (n == GVLEX_UNION_MAX) {
                if (add_union(p, idx, n) < 0)
                    return -1;
                n = 0;
            }
        }
        if (n && add_union(p, idx, n) < 0)
            return -1;
    }
    return 0;
}

/* Lexicon files in name order go into the digest after the rule files. */
static void read_lexicons(loader *ld, const gv_value *m, gvdigest *dg)
{
    gavel_policy *p = ld->p;
    const gv_value *v = gv_gets(m, "lexicons");
    if (!v || v->type == GV_NULL)
        return;
    if (v->type != GV_OBJ) {
        at(ld, v, "'lexicons' must map names to files");
        return;
    }
    p->lexicons = calloc(v->len ? v->len : 1, sizeof *p->lexicons);
    if (!p->lexicons)
        return;
    for (uint32_t i = 0; i < v->len; i++) {
        const gv_member *e = &v->u.members[i];
        const gv_value *file = e->val, *match = NULL;
        if (file->type == GV_OBJ) {            /* {file: ..., match: words} */
            match = gv_gets(file, "match");
            file = gv_gets(file, "file");
        }
        if (!file || file->type != GV_STR) {
            at(ld, e->val, "lexicon '%s' must name a file, or be {file: ..., match: "
                           "substring|words}", e->key);
            continue;
        }
        if (match && (match->type != GV_STR ||
                      (strcmp(match->u.s, "words") && strcmp(match->u.s, "substring")))) {
            at(ld, match, "lexicon '%s': match is 'substring' (the default) or 'words'",
               e->key);
            continue;
        }
        int ident = e->klen > 0 && !(e->key[0] >= '0' && e->key[0] <= '9');
        for (const char *c = e->key; *c; c++)
            ident &= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                     (*c >= '0' && *c <= '9') || *c == '_';
        if (!ident) {
            at(ld, e->val, "lexicon name '%s' must be an identifier "
                           "(rules write lexicon.NAME)", e->key);
            continue;
        }
        p->lexicons[p->nlexicons].name = strdup(e->key);
        p->lexicons[p->nlexicons].lex = (gvlex *)file;     /* resolved below */
        p->lexicons[p->nlexicons].words = match && !strcmp(match->u.s, "words");
        p->nlexicons++;
    }
    qsort(p->lexicons, (size_t)p->nlexicons, sizeof *p->lexicons, lexicon_cmp);
    for (int i = 0; i < p->nlexicons; i++) {
        const gv_value *file = (const gv_value *)p->lexicons[i].lex;
        p->lexicons[i].lex = NULL;
        char *path = join_path(p->dir, file->u.s);
        char err[256];
        size_t len;
        char *text = path ? read_file(path, &len, err, sizeof err) : NULL;
        if (!text) {
            at(ld, file, "lexicon '%s': %s: %s", p->lexicons[i].name,
               path ? path : file->u.s, path ? err : "out of memory");
            free(path);
            continue;
        }
        gvdigest_file(dg, file->u.s, text, len);
        if (p->lexicons[i].words) {
            size_t wlen;
            char *words = gvwords_lexicon(text, len, &wlen);
            free(text);
            text = words;
            len = wlen;
        }
        gv_error ge = { 0 };
        p->lexicons[i].lex = text ? gvlex_parse(text, len, &ge) : NULL;
        if (!text)
            snprintf(ge.msg, sizeof ge.msg, "out of memory");
        if (!p->lexicons[i].lex)
            gvpol_diag(p, GAVEL_ERROR, path, ge.line, ge.col ? ge.col : 1, "%s", ge.msg);
        free(text);
        free(path);
    }
    if (p->status == GAVEL_OK && join_lexicons(p) < 0)
        gvpol_diag(p, GAVEL_ERROR, p->dir, 0, 0, "out of memory joining the lexicons");
}

static void read_limits(loader *ld, const gv_value *m, const gavel_limits *given)
{
    gavel_policy *p = ld->p;
    const gv_value *v = gv_gets(m, "limits");
    if (v && v->type != GV_OBJ) {
        at(ld, v, "'limits' must be a mapping");
        v = NULL;
    }
    for (uint32_t i = 0; v && i < v->len; i++) {
        const gv_member *e = &v->u.members[i];
        if (e->val->type != GV_INT || e->val->u.i <= 0) {
            at(ld, e->val, "limit '%s' must be a positive integer", e->key);
            continue;
        }
        uint64_t x = (uint64_t)e->val->u.i;
        if ((!strcmp(e->key, "millis") || !strcmp(e->key, "depth")) && x > UINT32_MAX) {
            at(ld, e->val, "limit '%s' is too large", e->key);
            continue;
        }
        if (!strcmp(e->key, "instructions"))      p->limits.instructions = x;
        else if (!strcmp(e->key, "millis"))       p->limits.millis = (uint32_t)x;
        else if (!strcmp(e->key, "memory"))       p->limits.memory = (size_t)x;
        else if (!strcmp(e->key, "record_bytes")) p->limits.record_bytes = (size_t)x;
        else if (!strcmp(e->key, "depth"))        p->limits.depth = (unsigned)x;
        else if (!strcmp(e->key, "nodes"))        p->limits.nodes = (size_t)x;
        else if (!strcmp(e->key, "string_bytes")) p->limits.string_bytes = (size_t)x;
        else at(ld, e->val, "unknown limit '%s' (instructions, millis, memory, "
                            "record_bytes, depth, nodes, string_bytes)", e->key);
    }
    if (!given)
        return;
    /* Limits given by the caller (command-line flags) win over the manifest. */
    if (given->instructions) p->limits.instructions = given->instructions;
    if (given->millis)       p->limits.millis = given->millis;
    if (given->memory)       p->limits.memory = given->memory;
    if (given->record_bytes) p->limits.record_bytes = given->record_bytes;
    if (given->depth)        p->limits.depth = given->depth;
    if (given->nodes)        p->limits.nodes = given->nodes;
    if (given->string_bytes) p->limits.string_bytes = given->string_bytes;
}

static void check_keys(loader *ld, const gv_value *m)
{
    static const char *const known[] = { "name", "version", "jurisdiction", "outcomes",
        "default", "on_error", "rules", "lexicons", "schema", "tests", "limits",
        "description", "actions", "regions", "export", NULL };
    for (uint32_t i = 0; i < m->len; i++) {
        int ok = 0;
        for (int k = 0; known[k]; k++)
            ok |= strcmp(m->u.members[i].key, known[k]) == 0;
        if (!ok)
            at(ld, m->u.members[i].val, "unknown manifest key '%s'", m->u.members[i].key);
    }
}

/* The schema, if the manifest names one, into the digest and parsed. */
static void read_schema(loader *ld, const gv_value *m, gvdigest *dg)
{
    gavel_policy *p = ld->p;
    gv_limits lim = GV_LIMITS_DEFAULT;
    char err[256] = "out of memory";
    const char *schema = str_field(ld, m, "schema", 0);
    if (schema) {
        char *spath = join_path(p->dir, schema);
        size_t slen;
        char *stext = spath ? read_file(spath, &slen, err, sizeof err) : NULL;
        if (!stext) {
            at(ld, gv_gets(m, "schema"), "schema '%s': %s", schema, err);
        } else {
            gvdigest_file(dg, schema, stext, slen);
            gv_error se = { 0 };
            gv_value *doc = gvyaml_load_buf(stext, slen, &p->arena, &lim, &se);
            p->schema = doc ? gvsc_parse(&p->arena, doc, &se) : NULL;
            if (!p->schema)
                gvpol_diag(p, GAVEL_ERROR, spath, se.line, se.col ? se.col : 1, "%s", se.msg);
            p->schema_path = spath;
            spath = NULL;
        }
        free(stext);
        free(spath);
    }
}

/* ---- entry point ------------------------------------------------------------- */

static char *manifest_dir(const char *path, char **mpath)
{
    struct stat st;
    size_t n = strlen(path);
    int named_file = n > 5 && (!strcmp(path + n - 5, ".yaml") || !strcmp(path + n - 4, ".yml"));
    if ((stat(path, &st) == 0 && S_ISDIR(st.st_mode)) || !named_file) {
        *mpath = join_path(path, "policy.yaml");
        return strdup(path);
    }
    *mpath = strdup(path);
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return strndup(path, (size_t)(slash - path) ? (size_t)(slash - path) : 1);
}

gavel_policy *gavel_policy_load(const char *dir, const gavel_limits *limits)
{
    gavel_policy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    gavel_limits_init(&p->limits);
    p->default_outcome = p->on_error_outcome = -1;
    if (!dir) {
        p->status = GAVEL_EARG;
        p->errmsg = strdup("no policy directory given");
        return p;
    }
    loader ld = { .p = p, .arena = GV_ARENA_INIT };
    char *mpath = NULL;
    p->dir = manifest_dir(dir, &mpath);
    ld.mpath = mpath;
    char err[256];
    size_t mlen;
    char *mtext = read_file(mpath, &mlen, err, sizeof err);
    if (!mtext) {
        gvpol_diag(p, GAVEL_ERROR, mpath, 0, 0, "%s", err);
        goto done;
    }
    gv_limits lim = GV_LIMITS_DEFAULT;
    gv_error ge = { 0 };
    const gv_value *m = gvyaml_load_buf(mtext, mlen, &ld.arena, &lim, &ge);
    if (!m) {
        gvpol_diag(p, GAVEL_ERROR, mpath, ge.line, ge.col, "%s", ge.msg);
        goto done;
    }
    if (m->type != GV_OBJ) {
        at(&ld, m, "the manifest must be a mapping (name, version, outcomes, ...)");
        goto done;
    }
    check_keys(&ld, m);
    const char *name = str_field(&ld, m, "name", 1);
    if (name && !valid_name(name))
        at(&ld, gv_gets(m, "name"), "name '%s' must match [a-z0-9._-]+", name);
    p->name = xstrdup(name);
    p->version = xstrdup(str_field(&ld, m, "version", 1));
    p->jurisdiction = xstrdup(str_field(&ld, m, "jurisdiction", 0));
    read_outcomes(&ld, m);
    read_actions(&ld, m);
    read_regions(&ld, m);
    read_export(&ld, m);
    read_limits(&ld, m, limits);

    gvdigest dg;
    gvdigest_init(&dg);
    gvdigest_file(&dg, "policy.yaml", mtext, mlen);
    read_rule_files(&ld, m);
    for (int i = 0; i < p->nfiles; i++)
        if (p->files[i].text)
            gvdigest_file(&dg, p->files[i].name, p->files[i].text, p->files[i].len);
    read_lexicons(&ld, m, &dg);
    for_each_glob(&ld, m, "tests", 0, add_test_files);
    read_schema(&ld, m, &dg);
    p->digest = gvdigest_hex(&dg);
    if (p->status == GAVEL_OK)
        gvrule_load(p);
    if (p->status == GAVEL_OK && gvdec_encode_policy(p) < 0)
        p->status = GAVEL_ENOMEM;
done:
    free(mtext);
    free(mpath);
    gv_arena_free(&ld.arena);
    if (p->status != GAVEL_OK && !p->errmsg)
        p->errmsg = strdup(gavel_status_name(p->status));
    return p;
}

void gavel_policy_free(gavel_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ndiags; i++) {
        free((char *)p->diags[i].file);
        free((char *)p->diags[i].message);
    }
    free(p->diags);
    for (int i = 0; i < p->noutcomes; i++)
        free(p->outcomes[i]);
    free(p->outcomes);
    for (int i = 0; i < p->nactions; i++)
        free(p->actions[i]);
    free(p->actions);
    for (int i = 0; i < p->nregions; i++) {
        free(p->regions[i].name);
        free((void *)p->regions[i].view.codes);
    }
    free(p->regions);
    for (int i = 0; i < p->nfiles; i++) {
        free(p->files[i].path);
        free(p->files[i].name);
        free(p->files[i].text);
    }
    free(p->files);
    for (int i = 0; i < p->nlexicons; i++) {
        free(p->lexicons[i].name);
        gvlex_free(p->lexicons[i].lex);
    }
    free(p->lexicons);
    free(p->json_policy);
    for (int i = 0; i < p->nunions; i++)
        gvlex_free(p->unions[i]);
    free(p->unions);
    gvrule_free(p);
    gv_arena_free(&p->arena);
    free(p->schema_path);
    for (int i = 0; i < p->ntests; i++)
        free(p->tests[i]);
    free(p->tests);
    free(p->errmsg);
    free(p->dir);
    free(p->name);
    free(p->version);
    free(p->jurisdiction);
    free(p->digest);
    free(p);
}

/* ---- accessors ----------------------------------------------------------------- */

gavel_status gavel_policy_status(const gavel_policy *p) { return p ? p->status : GAVEL_EARG; }
const char *gavel_policy_errmsg(const gavel_policy *p)
{
    return p && p->errmsg ? p->errmsg : "";
}
size_t gavel_policy_ndiags(const gavel_policy *p) { return p ? p->ndiags : 0; }
const gavel_diag *gavel_policy_diag(const gavel_policy *p, size_t i)
{
    return p && i < p->ndiags ? &p->diags[i] : NULL;
}
const char *gavel_policy_name(const gavel_policy *p) { return p ? p->name : NULL; }
const char *gavel_policy_version(const gavel_policy *p) { return p ? p->version : NULL; }
const char *gavel_policy_jurisdiction(const gavel_policy *p)
{
    return p ? p->jurisdiction : NULL;
}
const char *gavel_policy_digest(const gavel_policy *p) { return p ? p->digest : NULL; }
const char *gavel_policy_dir(const gavel_policy *p) { return p ? p->dir : NULL; }
const gavel_limits *gavel_policy_limits(const gavel_policy *p) { return p ? &p->limits : NULL; }
size_t gavel_policy_noutcomes(const gavel_policy *p) { return p ? (size_t)p->noutcomes : 0; }
const char *gavel_policy_outcome(const gavel_policy *p, size_t i)
{
    return p && i < (size_t)p->noutcomes ? p->outcomes[i] : NULL;
}
const char *gavel_policy_default(const gavel_policy *p)
{
    return p && p->default_outcome >= 0 ? p->outcomes[p->default_outcome] : NULL;
}
const char *gavel_policy_on_error(const gavel_policy *p)
{
    return p && p->on_error_outcome >= 0 ? p->outcomes[p->on_error_outcome] : NULL;
}
size_t gavel_policy_nrules(const gavel_policy *p) { return p ? (size_t)p->nrules : 0; }
const gavel_rule_info *gavel_policy_rule(const gavel_policy *p, size_t i)
{
    return p && i < (size_t)p->nrules ? &p->rules[i].info : NULL;
}
size_t gavel_policy_nactions(const gavel_policy *p) { return p ? (size_t)p->nactions : 0; }
const char *gavel_policy_action(const gavel_policy *p, size_t i)
{
    return p && i < (size_t)p->nactions ? p->actions[i] : NULL;
}
size_t gavel_policy_nregions(const gavel_policy *p) { return p ? (size_t)p->nregions : 0; }
const gavel_region *gavel_policy_region(const gavel_policy *p, size_t i)
{
    return p && i < (size_t)p->nregions ? &p->regions[i].view : NULL;
}
const gavel_value *gavel_policy_export(const gavel_policy *p, const char *format)
{
    return p && p->export_ && format ? (const gavel_value *)gv_gets(p->export_, format) : NULL;
}
size_t gavel_policy_ntests(const gavel_policy *p) { return p ? (size_t)p->ntests : 0; }
const char *gavel_policy_test_file(const gavel_policy *p, size_t i)
{
    return p && i < (size_t)p->ntests ? p->tests[i] : NULL;
}
