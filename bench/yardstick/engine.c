/*
 * engine.c: the C yardstick, the benchmark's 12 rules written by hand in C
 * with cJSON (Debian's libcjson-dev) and no rule engine: the floor a rule
 * engine is measured against. Owns reading the records, the rules and the
 * output lines; calls cJSON and libc only.
 *
 *   cc -O2 -o engine bench/yardstick/engine.c -lcjson
 *   python3 bench/lexicons.py lexicons.json
 *   ./engine ACCOUNTS.jsonl --lexicons lexicons.json > decisions.jsonl
 *
 * One output line per record, {"id","decision","rules"}, rules being the ids
 * of the fired, undefeated rules whose outcome is the decision, in byte
 * order; the same lines as bench/yardstick/engine.py. On stderr:
 * eval_s=<seconds spent deciding, without reading and writing> records=<n>.
 * The lexicons come from bench/policy through bench/lexicons.py, and the
 * rules are those of bench/policy/rules.lua (bench/README.md, "The rules").
 * Text is lower-cased in ASCII only: the workload's other characters are
 * from scripts without case.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum outcome { WITHHOLD, REVIEW, KEEP };               /* strongest first */
static const char *const OUTCOME_NAME[] = { "withhold", "review", "keep" };

enum rule {
    R_INCITEMENT, R_HASHTAG, R_SEPARATISM, R_FOREIGN, R_BOT, R_NEWS,
    R_JOURNALIST, R_POLITICIAN, R_ACTIVIST, R_COMMENTARY, R_VIOLENCE,
    R_NO_REASONS, RULE_COUNT
};

/* In the policy's order; what each rule may defeat, as an id prefix (a glob
 * "g.*" is the prefix "g."; an exact id is the whole id, and no other id in
 * the policy has it as a prefix). */
static const struct {
    const char *id;
    enum outcome outcome;
    const char *defeats;
} RULES[RULE_COUNT] = {
    [R_INCITEMENT] = { "g.public_order.incitement", WITHHOLD, NULL },
    [R_HASHTAG]    = { "g.public_order.hashtag",    WITHHOLD, NULL },
    [R_SEPARATISM] = { "g.sovereignty.separatism",  WITHHOLD, NULL },
    [R_FOREIGN]    = { "g.foreign.coordinated",     WITHHOLD, NULL },
    [R_BOT]        = { "p.bot_amplifier",           REVIEW,   NULL },
    [R_NEWS]       = { "x.news_media",              KEEP,     "g." },
    [R_JOURNALIST] = { "x.journalist",              KEEP,     "g." },
    [R_POLITICIAN] = { "x.politician",              KEEP,     "g." },
    [R_ACTIVIST]   = { "x.activist",                KEEP,     "g.public_order." },
    [R_COMMENTARY] = { "x.commentary",              KEEP,     "g.public_order.hashtag" },
    [R_VIOLENCE]   = { "xx.violence",               WITHHOLD, "x." },
    [R_NO_REASONS] = { "proc.no_reasons",           REVIEW,   NULL },
};

/* Resolution order: the exception first (nothing defeats it), then the
 * exemptions (only it defeats them), then the rest. */
static const enum rule RESOLVE_ORDER[RULE_COUNT] = {
    R_VIOLENCE, R_NEWS, R_JOURNALIST, R_POLITICIAN, R_ACTIVIST, R_COMMENTARY,
    R_INCITEMENT, R_HASHTAG, R_SEPARATISM, R_FOREIGN, R_BOT, R_NO_REASONS,
};

struct lexicon { char **terms; int count; };
static struct lexicon INCITEMENT, SEPARATISM, VIOLENCE, FLAGGED;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "engine: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    if (!text || fread(text, 1, (size_t)n, f) != (size_t)n)
        die("cannot read", path);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void take_list(const cJSON *root, const char *name, struct lexicon *lex)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, name), *item;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        die("lexicons: missing or empty list", name);
    lex->terms = calloc((size_t)cJSON_GetArraySize(list), sizeof *lex->terms);
    cJSON_ArrayForEach(item, list) {
        if (!cJSON_IsString(item))
            die("lexicons: a term is not a string in", name);
        lex->terms[lex->count++] = strdup(item->valuestring);
    }
}

static void load_lexicons(const char *path)
{
    char *text = read_file(path);
    cJSON *root = cJSON_Parse(text);
    if (!root)
        die("lexicons: not JSON", path);
    take_list(root, "incitement", &INCITEMENT);
    take_list(root, "separatism", &SEPARATISM);
    take_list(root, "violence", &VIOLENCE);
    take_list(root, "flagged_hashtags", &FLAGGED);
    cJSON_Delete(root);
    free(text);
}

/* Lower-cased post texts of one record, joined by '\n' (no term holds one,
 * so no match runs from one post into the next). */
struct texts { char *buf; size_t len, cap; };

static void gather_texts(const cJSON *posts, struct texts *t)
{
    const cJSON *post;
    t->len = 0;
    cJSON_ArrayForEach(post, posts) {
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(post, "text");
        if (!cJSON_IsString(text))
            continue;
        size_t n = strlen(text->valuestring);
        if (t->len + n + 2 > t->cap) {
            t->cap = (t->len + n + 2) * 2;
            t->buf = realloc(t->buf, t->cap);
            if (!t->buf)
                die("out of memory", NULL);
        }
        for (size_t i = 0; i < n; i++)
            t->buf[t->len++] = (char)tolower((unsigned char)text->valuestring[i]);
        t->buf[t->len++] = '\n';
    }
    if (!t->buf && !(t->buf = malloc(t->cap = 256)))
        die("out of memory", NULL);
    t->buf[t->len] = '\0';
}

static int text_matches(const struct texts *t, const struct lexicon *lex)
{
    for (int i = 0; i < lex->count; i++)
        if (strstr(t->buf, lex->terms[i]))
            return 1;
    return 0;
}

static int hashtag_flagged(const cJSON *posts)
{
    const cJSON *post, *tag;
    char lower[256];
    cJSON_ArrayForEach(post, posts) {
        cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(post, "hashtags")) {
            if (!cJSON_IsString(tag) || strlen(tag->valuestring) >= sizeof lower)
                continue;
            size_t i = 0;
            for (; tag->valuestring[i]; i++)
                lower[i] = (char)tolower((unsigned char)tag->valuestring[i]);
            lower[i] = '\0';
            for (int k = 0; k < FLAGGED.count; k++)
                if (strcmp(lower, FLAGGED.terms[k]) == 0)
                    return 1;
        }
    }
    return 0;
}

static double number(const cJSON *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int is(const cJSON *r, const char *key, const char *value)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    return cJSON_IsString(v) && strcmp(v->valuestring, value) == 0;
}

static double bot_score(const cJSON *r)
{
    int s = (number(r, "created_days_ago") < 90) + (number(r, "tweets_per_day") > 50)
          + cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "default_profile"))
          + (number(r, "followers") / (number(r, "following") + 1) < 0.1);
    return s / 4.0;
}

static void fire(const cJSON *r, struct texts *t, int fired[RULE_COUNT])
{
    const cJSON *posts = cJSON_GetObjectItemCaseSensitive(r, "posts");
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(r, "order");
    int has_order = order && !cJSON_IsNull(order);
    double score = bot_score(r);

    gather_texts(posts, t);
    fired[R_INCITEMENT] = text_matches(t, &INCITEMENT);
    fired[R_HASHTAG]    = hashtag_flagged(posts);
    fired[R_SEPARATISM] = text_matches(t, &SEPARATISM);
    fired[R_FOREIGN]    = !is(r, "operating_country", "IN") && has_order && score >= 0.75;
    fired[R_BOT]        = !has_order && score >= 0.5;
    fired[R_NEWS]       = is(r, "category", "news_media");
    fired[R_JOURNALIST] = is(r, "category", "journalist")
                        && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "verified"));
    fired[R_POLITICIAN] = is(r, "category", "politician");
    fired[R_ACTIVIST]   = is(r, "category", "activist");
    fired[R_COMMENTARY] = !fired[R_INCITEMENT];
    fired[R_VIOLENCE]   = text_matches(t, &VIOLENCE);
    fired[R_NO_REASONS] = has_order && is(order, "reasons", "");
}

/* The decision; standing[] gets the fired, undefeated rules. */
static enum outcome decide(const int fired[RULE_COUNT], int standing[RULE_COUNT])
{
    enum outcome best = KEEP;                      /* the default */
    for (int k = 0; k < RULE_COUNT; k++) {
        enum rule i = RESOLVE_ORDER[k];
        standing[i] = fired[i];
        for (int d = 0; d < RULE_COUNT && standing[i]; d++) {
            const char *p = RULES[d].defeats;
            if (p && standing[d] && strncmp(RULES[i].id, p, strlen(p)) == 0)
                standing[i] = 0;
        }
    }
    for (int i = 0; i < RULE_COUNT; i++)
        if (standing[i] && RULES[i].outcome < best)
            best = RULES[i].outcome;
    return best;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(RULES[*(const int *)a].id, RULES[*(const int *)b].id);
}

static void put_json_string(const char *s, FILE *out)
{
    putc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            putc(c, out);
    }
    putc('"', out);
}

static void write_line(const char *id, enum outcome decision, const int standing[RULE_COUNT], FILE *out)
{
    int determining[RULE_COUNT], n = 0;
    for (int i = 0; i < RULE_COUNT; i++)
        if (standing[i] && RULES[i].outcome == decision)
            determining[n++] = i;
    qsort(determining, (size_t)n, sizeof *determining, by_id);
    fputs("{\"id\":", out);
    put_json_string(id, out);
    fprintf(out, ",\"decision\":\"%s\",\"rules\":[", OUTCOME_NAME[decision]);
    for (int i = 0; i < n; i++)
        fprintf(out, "%s\"%s\"", i ? "," : "", RULES[determining[i]].id);
    fputs("]}\n", out);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *input = NULL, *lexicons = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lexicons") == 0 && i + 1 < argc)
            lexicons = argv[++i];
        else
            input = argv[i];
    }
    if (!input || !lexicons)
        die("usage", "engine ACCOUNTS.jsonl --lexicons LEXICONS.json");
    load_lexicons(lexicons);
    FILE *in = strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
    if (!in)
        die("cannot open", input);

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long records = 0;
    double spent = 0;
    struct texts texts = { 0 };
    while ((len = getline(&line, &cap, in)) > 0) {
        if (len == 1 && line[0] == '\n')
            continue;
        cJSON *r = cJSON_ParseWithLength(line, (size_t)len);
        if (!r)
            die("not JSON at record", NULL);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
        int fired[RULE_COUNT], standing[RULE_COUNT];
        double t0 = now();
        fire(r, &texts, fired);
        enum outcome decision = decide(fired, standing);
        spent += now() - t0;
        write_line(cJSON_IsString(id) ? id->valuestring : "", decision, standing, stdout);
        cJSON_Delete(r);
        records++;
    }
    fprintf(stderr, "eval_s=%.3f records=%ld\n", spent, records);
    free(line);
    free(texts.buf);
    return ferror(stdout) ? 2 : 0;
}
