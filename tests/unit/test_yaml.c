/*
 * test_yaml.c: YAML records (engine/yamlin.c, yamldoc.c), statement by statement of
 * yamldoc.h: the core schema, tags, the record refusals (anchors, aliases,
 * duplicate and non-scalar keys, limits, NUL, depth), document streams,
 * top-level sequences split into records, and one-document loading.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yamldoc.h"

static gv_arena arena = GV_ARENA_INIT;
static gv_error err;
static gvyaml *rd;

static int teardown(void **state)
{
    (void)state;
    gvyaml_close(rd);
    rd = NULL;
    gv_arena_free(&arena);
    return 0;
}

static void open_n(const char *s, size_t n, int split)
{
    gvyaml_close(rd);
    rd = gvyaml_open_buf(s, n, split);
    assert_non_null(rd);
}

static void open_s(const char *s, int split)
{
    open_n(s, strlen(s), split);
}

static int next_lim(gv_value **v, const gv_limits *lim)
{
    memset(&err, 0, sizeof err);
    return gvyaml_next(rd, &arena, lim, v, &err);
}

static int next(gv_value **v)
{
    return next_lim(v, NULL);
}

/* The next record must be bad (or broken) with this message and line. */
static void expect_fail(int rc, const char *msg, uint32_t line)
{
    gv_value *v;
    assert_int_equal(next(&v), rc);
    assert_null(v);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
}

/* The next record must be a mapping with "id" equal to `id`. */
static void expect_id(int64_t id)
{
    gv_value *v;
    int rc = next(&v);
    if (rc != GVYAML_RECORD)
        print_error("rc %d: %u:%u: %s\n", rc, err.line, err.col, err.msg);
    assert_int_equal(rc, GVYAML_RECORD);
    const gv_value *x = gv_gets(v, "id");
    assert_non_null(x);
    assert_int_equal(x->type, GV_INT);
    assert_int_equal(x->u.i, id);
}

static void expect_end(void)
{
    gv_value *v;
    assert_int_equal(next(&v), GVYAML_END);
    assert_null(v);
}

static gv_value *load(const char *s)
{
    memset(&err, 0, sizeof err);
    gv_value *v = gvyaml_load_buf(s, strlen(s), &arena, NULL, &err);
    if (!v)
        print_error("unexpected error: %u:%u: %s\n", err.line, err.col, err.msg);
    return v;
}

static void load_fails(const char *s, const char *msg, uint32_t line, uint32_t col)
{
    memset(&err, 0, sizeof err);
    assert_null(gvyaml_load_buf(s, strlen(s), &arena, NULL, &err));
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
}

static const gv_value *get(const gv_value *obj, const char *key)
{
    const gv_value *v = gv_gets(obj, key);
    if (!v)
        print_error("no key %s\n", key);
    assert_non_null(v);
    return v;
}

static void is_str(const gv_value *obj, const char *key, const char *want)
{
    const gv_value *v = get(obj, key);
    assert_int_equal(v->type, GV_STR);
    assert_string_equal(v->u.s, want);
    assert_int_equal(v->len, strlen(want));
}

static void is_int(const gv_value *obj, const char *key, int64_t want)
{
    const gv_value *v = get(obj, key);
    assert_int_equal(v->type, GV_INT);
    assert_true(v->u.i == want);
}

static void is_num(const gv_value *obj, const char *key, double want)
{
    const gv_value *v = get(obj, key);
    assert_int_equal(v->type, GV_NUM);
    assert_true(v->u.n == want);
}

static void is_bool(const gv_value *obj, const char *key, int want)
{
    const gv_value *v = get(obj, key);
    assert_int_equal(v->type, GV_BOOL);
    assert_int_equal(v->u.b, want);
}

static void is_null(const gv_value *obj, const char *key)
{
    assert_int_equal(get(obj, key)->type, GV_NULL);
}

/* ---- the core schema ---------------------------------------------------- */

static void test_core_schema(void **state)
{
    (void)state;
    gv_value *v = load(
        "n1: ~\nn2: null\nn3: Null\nn4: NULL\nn5:\n"
        "b1: true\nb2: True\nb3: TRUE\nb4: false\nb5: False\nb6: FALSE\n"
        "i1: 42\ni2: -17\ni3: +8\ni4: 0x1F\ni5: 0o17\ni6: 0012\n"
        "f1: 1.5\nf2: .5\nf3: 1.\nf4: 1e3\nf5: -2.5E-1\nf6: +.25\n"
        "s1: yes\ns2: no\ns3: on\ns4: 2021-02-04\ns5: 0x\ns6: 1_000\n"
        "s7: TRUE1\ns8: nULL\ns9: -0x10\ns10: 0o8\ns11: 12:30\ns12: '1.5'\n"
        "q1: \"123\"\nq2: 'true'\nq3: \"\"\nq4: \"~\"\n"
        "blk: |\n  42\nfold: >\n  a\n  b\n");
    assert_non_null(v);
    is_null(v, "n1"); is_null(v, "n2"); is_null(v, "n3"); is_null(v, "n4"); is_null(v, "n5");
    is_bool(v, "b1", 1); is_bool(v, "b2", 1); is_bool(v, "b3", 1);
    is_bool(v, "b4", 0); is_bool(v, "b5", 0); is_bool(v, "b6", 0);
    is_int(v, "i1", 42); is_int(v, "i2", -17); is_int(v, "i3", 8);
    is_int(v, "i4", 31); is_int(v, "i5", 15); is_int(v, "i6", 12);
    is_num(v, "f1", 1.5); is_num(v, "f2", 0.5); is_num(v, "f3", 1.0);
    is_num(v, "f4", 1000.0); is_num(v, "f5", -0.25); is_num(v, "f6", 0.25);
    is_str(v, "s1", "yes"); is_str(v, "s2", "no"); is_str(v, "s3", "on");
    is_str(v, "s4", "2021-02-04"); is_str(v, "s5", "0x"); is_str(v, "s6", "1_000");
    is_str(v, "s7", "TRUE1"); is_str(v, "s8", "nULL"); is_str(v, "s9", "-0x10");
    is_str(v, "s10", "0o8"); is_str(v, "s11", "12:30"); is_str(v, "s12", "1.5");
    is_str(v, "q1", "123"); is_str(v, "q2", "true"); is_str(v, "q3", ""); is_str(v, "q4", "~");
    is_str(v, "blk", "42\n");
    is_str(v, "fold", "a b\n");
}

static void test_int64_edges(void **state)
{
    (void)state;
    gv_value *v = load("max: 9223372036854775807\nmin: -9223372036854775808\n"
                       "hex: 0x7fffffffffffffff\n");
    assert_non_null(v);
    is_int(v, "max", INT64_MAX);
    is_int(v, "min", INT64_MIN);
    is_int(v, "hex", INT64_MAX);
    load_fails("a: 1\nbig: 9223372036854775808\n", "integer out of range", 2, 6);
    load_fails("small: -9223372036854775809\n", "integer out of range", 1, 8);
    load_fails("hex: 0x8000000000000000\n", "integer out of range", 1, 6);
    load_fails("x: 99999999999999999999999999\n", "integer out of range", 1, 4);
}

static void test_floats_refused(void **state)
{
    (void)state;
    load_fails("x: .inf\n", ".inf and .nan are not allowed", 1, 4);
    load_fails("x: -.Inf\n", ".inf and .nan are not allowed", 1, 4);
    load_fails("x: [1, .NaN]\n", ".inf and .nan are not allowed", 1, 8);
    load_fails("x: 1e400\n", "number out of range", 1, 4);
    gv_value *v = load("x: '.inf'\ny: .infinity\n");
    assert_non_null(v);
    is_str(v, "x", ".inf");
    is_str(v, "y", ".infinity");
}

static void test_core_tags(void **state)
{
    (void)state;
    gv_value *v = load("a: !!str 123\nb: !!int \"12\"\nc: !!float 1\nd: !!bool \"true\"\n"
                       "e: !!null \"\"\nf: !!float 2.5\ng: !!str\nh: !!map {x: 1}\n"
                       "i: !!seq [1]\nj: !!int 0x10\n");
    assert_non_null(v);
    is_str(v, "a", "123");
    is_int(v, "b", 12);
    is_num(v, "c", 1.0);
    is_bool(v, "d", 1);
    is_null(v, "e");
    is_num(v, "f", 2.5);
    is_str(v, "g", "");
    is_int(get(v, "h"), "x", 1);
    assert_int_equal(get(v, "i")->len, 1);
    is_int(v, "j", 16);
    load_fails("a: !!int abc\n", "invalid !!int value", 1, 4);
    load_fails("a: !!bool yes\n", "invalid !!bool value", 1, 4);
    load_fails("a: !!null x\n", "invalid !!null value", 1, 4);
    load_fails("a: !!float x\n", "invalid !!float value", 1, 4);
    load_fails("a: !!map [1]\n", "tag !!map on a sequence", 1, 4);
    load_fails("a: !!seq x\n", "tag !!seq on a scalar", 1, 4);
}

static void test_other_tags_refused(void **state)
{
    (void)state;
    load_fails("a: !!python/object:os.system {}\n",
               "tag !!python/object:os.system is not allowed", 1, 4);
    load_fails("a: !!python/object/apply:os.system [ls]\n",
               "tag !!python/object/apply:os.system is not allowed", 1, 4);
    load_fails("x: 1\ny: !custom 3\n", "tag !custom is not allowed", 2, 4);
    load_fails("!!set {a: 1}\n", "tag !!set is not allowed", 1, 1);
    load_fails("%TAG !! tag:evil.example,2000:\n---\na: !!str x\n",
               "tag tag:evil.example,2000:str is not allowed", 3, 4);
    load_fails("a: ! x\n", "tag ! is not allowed", 1, 4);
}

/* ---- structure ---------------------------------------------------------- */

static void test_nested_links(void **state)
{
    (void)state;
    gv_value *root = load("name: x\nposts:\n  - id: 1\n    tags: [a, b]\n  - {id: 2}\n");
    assert_non_null(root);
    assert_int_equal(root->type, GV_OBJ);
    assert_int_equal(root->len, 2);
    assert_null(root->parent);
    assert_int_equal(root->line, 1);
    assert_int_equal(root->col, 1);
    assert_string_equal(root->u.members[1].key, "posts");
    assert_int_equal(root->u.members[1].klen, 5);

    const gv_value *posts = get(root, "posts");
    assert_int_equal(posts->type, GV_ARR);
    assert_int_equal(posts->len, 2);
    assert_ptr_equal(posts->parent, root);
    assert_int_equal(posts->index, 1);
    assert_int_equal(posts->line, 3);
    assert_int_equal(posts->col, 3);

    const gv_value *p0 = posts->u.items[0], *p1 = posts->u.items[1];
    assert_ptr_equal(p0->parent, posts);
    assert_int_equal(p0->index, 0);
    assert_int_equal(p0->line, 3);
    assert_int_equal(p0->col, 5);
    assert_ptr_equal(p1->parent, posts);
    assert_int_equal(p1->index, 1);
    assert_int_equal(p1->line, 5);
    is_int(p1, "id", 2);

    const gv_value *tags = get(p0, "tags");
    assert_ptr_equal(tags->parent, p0);
    assert_int_equal(tags->index, 1);
    assert_int_equal(tags->len, 2);
    assert_string_equal(tags->u.items[1]->u.s, "b");
    assert_ptr_equal(tags->u.items[1]->parent, tags);
    assert_int_equal(tags->u.items[1]->index, 1);
    assert_int_equal(tags->u.items[1]->line, 4);
    assert_int_equal(tags->u.items[1]->col, 15);

    gv_value *e = load("a: {}\nb: []\n");
    assert_int_equal(get(e, "a")->type, GV_OBJ);
    assert_int_equal(get(e, "a")->len, 0);
    assert_int_equal(get(e, "b")->type, GV_ARR);
    assert_int_equal(get(e, "b")->len, 0);
}

static void test_strings(void **state)
{
    (void)state;
    gv_value *v = load("a: \"caf\\u00e9 \\U0001F600 \\t\"\nb: \xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xB8\xE0\xA4\xBE\xE0\xA4\xA8\n"
                       "\"k\\u00e9y\": 1\n");
    assert_non_null(v);
    is_str(v, "a", "caf\xC3\xA9 \xF0\x9F\x98\x80 \t");
    is_str(v, "b", "\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xB8\xE0\xA4\xBE\xE0\xA4\xA8");
    is_int(v, "k\xC3\xA9y", 1);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    load_fails("id: 1\nname: x\nid: 2\n", "duplicate key \"id\"", 3, 1);
    load_fails("a:\n  b: {c: 1, c: 2}\n", "duplicate key \"c\"", 2, 13);
    load_fails("'1': a\n1: b\n", "duplicate key \"1\"", 2, 1);
    load_fails("\"a\\nb\": 1\n\"a\\nb\": 2\n", "duplicate key \"a\\u000ab\"", 2, 1);
    gv_value *v = load("a: {x: 1}\nb: {x: 2}\n");
    assert_non_null(v);
    is_int(get(v, "b"), "x", 2);
}

static void test_duplicate_keys_large(void **state)
{
    (void)state;
    enum { N = 3000 };
    char *s = malloc(N * 20), *p = s;
    for (int i = 0; i < N; i++)
        p += sprintf(p, "k%d: %d\n", i, i);
    gv_value *v = load(s);
    assert_non_null(v);
    assert_int_equal(v->len, N);
    is_int(v, "k2999", 2999);
    assert_int_equal(get(v, "k2999")->index, 2999);

    /* a duplicate of an early key late in a big mapping: the key's line */
    p += sprintf(p, "k5: again\n");
    load_fails(s, "duplicate key \"k5\"", N + 1, 1);
    free(s);
}

static void test_non_scalar_keys(void **state)
{
    (void)state;
    load_fails("? [a, b]\n: 1\n", "mapping keys must be scalars", 1, 3);
    load_fails("{? {x: 1} : 2}\n", "mapping keys must be scalars", 1, 4);
}

static void test_anchors_aliases(void **state)
{
    (void)state;
    load_fails("a: &x 1\nb: *x\n", "anchors and aliases are not allowed in records", 1, 4);
    load_fails("a: 1\nb: *x\n", "anchors and aliases are not allowed in records", 2, 4);
    load_fails("base: &b {x: 1}\n", "anchors and aliases are not allowed in records", 1, 7);
    load_fails("&r\na: 1\n", "anchors and aliases are not allowed in records", 1, 1);
    load_fails("*x : 1\n", "anchors and aliases are not allowed in records", 1, 1);
    load_fails("a: [&i 1]\n", "anchors and aliases are not allowed in records", 1, 5);
}

/* ---- streams ------------------------------------------------------------ */

static void test_multi_document_stream(void **state)
{
    (void)state;
    open_s("---\nid: 1\n---\nid: 2\n...\n---\nid: 3\n", 0);
    expect_id(1);
    expect_id(2);
    expect_id(3);
    expect_end();
    expect_end();

    /* a bad document does not stop the stream */
    open_s("id: 1\n---\nid: 2\nid: 3\n---\nid: 4\n---\nid: [1, *a]\n---\nid: 5\n", 0);
    expect_id(1);
    expect_fail(GVYAML_BAD, "duplicate key \"id\"", 4);
    expect_id(4);
    expect_fail(GVYAML_BAD, "anchors and aliases are not allowed in records", 8);
    expect_id(5);
    expect_end();

    /* without split_seq a top-level sequence is one record */
    open_s("- 1\n- 2\n", 0);
    gv_value *v;
    assert_int_equal(next(&v), GVYAML_RECORD);
    assert_int_equal(v->type, GV_ARR);
    assert_int_equal(v->len, 2);
    expect_end();
}

static void test_empty_documents(void **state)
{
    (void)state;
    open_s("", 0);
    expect_end();
    open_s("# nothing here\n\n", 1);
    expect_end();
    open_s("---\n", 0);
    expect_fail(GVYAML_BAD, "empty document", 1);
    expect_end();
    open_s("id: 1\n---\n", 0);
    expect_id(1);
    expect_fail(GVYAML_BAD, "empty document", 2);
    expect_end();
    open_s("--- ~\n---\nid: 2\n", 1);
    expect_fail(GVYAML_BAD, "empty document", 1);
    expect_id(2);
    expect_end();
}

static void test_split_sequence(void **state)
{
    (void)state;
    open_s("- id: 1\n"
           "- id: 2\n"
           "  id: 3\n"
           "- {id: 4, x: *a}\n"
           "- id: 5\n"
           "- &y {id: 6}\n"
           "- id: 7\n"
           "- a: [1, {b: 1, b: 2}, [3, [4]]]\n"
           "  c: {d: 5}\n"
           "- id: 8\n"
           "- id: 99999999999999999999\n"
           "- id: 9\n", 1);
    expect_id(1);
    expect_fail(GVYAML_BAD, "duplicate key \"id\"", 3);
    expect_fail(GVYAML_BAD, "anchors and aliases are not allowed in records", 4);
    expect_id(5);
    expect_fail(GVYAML_BAD, "anchors and aliases are not allowed in records", 6);
    expect_id(7);
    expect_fail(GVYAML_BAD, "duplicate key \"b\"", 8);
    expect_id(8);
    expect_fail(GVYAML_BAD, "integer out of range", 11);
    expect_id(9);
    expect_end();
}

static void test_split_items_and_documents(void **state)
{
    (void)state;
    gv_value *v;
    /* scalar items are records too (a null item is a record, not an error) */
    open_s("- 1\n- x\n- ~\n- []\n", 1);
    assert_int_equal(next(&v), GVYAML_RECORD);
    assert_int_equal(v->type, GV_INT);
    assert_null(v->parent);
    assert_int_equal(v->line, 1);
    assert_int_equal(v->col, 3);
    assert_int_equal(next(&v), GVYAML_RECORD);
    assert_string_equal(v->u.s, "x");
    assert_int_equal(next(&v), GVYAML_RECORD);
    assert_int_equal(v->type, GV_NULL);
    assert_int_equal(next(&v), GVYAML_RECORD);
    assert_int_equal(v->type, GV_ARR);
    expect_end();

    /* sequences and mappings as documents in one stream */
    open_s("- id: 1\n- id: 2\n---\nid: 3\n---\n[{id: 4}, {id: 5}]\n---\n[]\n---\nid: 6\n", 1);
    for (int id = 1; id <= 6; id++)
        expect_id(id);
    expect_end();

    /* a bad root sequence is one bad record */
    open_s("--- &all\n- id: 1\n- id: 2\n---\n- id: 3\n", 1);
    expect_fail(GVYAML_BAD, "anchors and aliases are not allowed in records", 1);
    expect_id(3);
    expect_end();
}

static void test_syntax_error_is_broken(void **state)
{
    (void)state;
    open_s("id: 1\n---\nid: 2\nb: c: d\n---\nid: 3\n", 0);
    expect_id(1);
    expect_fail(GVYAML_BROKEN, "mapping values are not allowed in this context", 4);
    assert_int_equal(err.col, 5);
    /* sticky */
    expect_fail(GVYAML_BROKEN, "mapping values are not allowed in this context", 4);

    open_s("- id: 1\n- [1, 2\n- id: 3\n", 1);
    expect_id(1);
    gv_value *v;
    assert_int_equal(next(&v), GVYAML_BROKEN);
    assert_string_equal(err.msg, "did not find expected ',' or ']' (while parsing a flow sequence)");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 5);
}

/* ---- refusals and limits ------------------------------------------------ */

static char *deep_flow(int depth)
{
    char *s = malloc((size_t)depth + 1);
    memset(s, '[', (size_t)depth);
    s[depth] = '\0';
    return s;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    /* 100000 '[' would take libyaml many seconds to scan: we stop early */
    char *s = deep_flow(100000);
    load_fails(s, "nesting deeper than 64", 1, 65);
    open_s(s, 1);
    expect_fail(GVYAML_BROKEN, "nesting deeper than 64", 1);
    expect_fail(GVYAML_BROKEN, "nesting deeper than 64", 1);
    free(s);

    /* 64 levels are fine, 65 are not */
    char ok[200], bad[200];
    memset(ok, '[', 64);
    memset(ok + 64, ']', 64);
    ok[128] = '\0';
    memset(bad, '[', 65);
    memset(bad + 65, ']', 65);
    bad[130] = '\0';
    assert_non_null(load(ok));
    load_fails(bad, "nesting deeper than 64", 1, 65);

    /* depth counts from the record: a split item may hold 64 levels */
    char item[256];
    snprintf(item, sizeof item, "- %s\n", ok);
    open_s(item, 1);
    gv_value *v;
    assert_int_equal(next(&v), GVYAML_RECORD);
    expect_end();

    gv_limits lim = GV_LIMITS_DEFAULT;
    lim.max_depth = 2;
    open_s("a:\n  b:\n    c: 1\n", 0);
    assert_int_equal(next_lim(&v, &lim), GVYAML_BROKEN);
    assert_string_equal(err.msg, "nesting deeper than 2");
    assert_int_equal(err.line, 3);
}

static void test_nul(void **state)
{
    (void)state;
    /* raw NUL: libyaml refuses it, and we say where */
    open_n("id: 1\n---\nid: 2\nx: a\0b\n", 21, 0);
    expect_id(1);
    expect_fail(GVYAML_BROKEN, "NUL byte in input", 4);
    assert_int_equal(err.col, 5);

    /* escaped NUL in a double-quoted scalar or key */
    open_s("- id: 1\n- x: \"a\\0b\"\n- \"k\\x00\": 1\n- id: 2\n", 1);
    expect_id(1);
    expect_fail(GVYAML_BAD, "NUL byte in string", 2);
    expect_fail(GVYAML_BAD, "NUL byte in key", 3);
    expect_id(2);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    open_s("id: 1\n---\nx: caf\xC3\x28\n", 0);
    expect_id(1);
    gv_value *v;
    assert_int_equal(next(&v), GVYAML_BROKEN);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "invalid UTF-8"));

    /* UTF-16 input is not guessed from a BOM: it is refused */
    open_n("\xFF\xFEi\0d\0:\0 \0001\0", 12, 0);
    assert_int_equal(next(&v), GVYAML_BROKEN);
    assert_non_null(strstr(err.msg, "invalid UTF-8"));
}

/* Opens s as a record stream read from a FILE, as `gavel eval` reads. */
static void open_file_n(const char *s, size_t n, int split)
{
    static FILE *f;
    gvyaml_close(rd);
    rd = NULL;
    if (f)
        fclose(f);
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    rewind(f);
    rd = gvyaml_open_file(f, split);
    assert_non_null(rd);
}

/* libyaml refuses all the input it is handed if any byte of it is bad, so
 * gavel hands it only the characters before a bad one: every record that
 * libyaml can finish without reading the bad byte comes out, whatever line
 * or file chunk it shares with it. (libyaml reads a flow collection at least
 * 1024 characters ahead, in case it is a key, so the line is long.) */
static void test_bad_characters(void **state)
{
    (void)state;
    char line[4096], *p = line;
    p += sprintf(p, "[");
    for (int i = 1; i <= 300; i++)
        p += sprintf(p, "{id: %d}, ", i);
    size_t bad_col = (size_t)(p - line) + 7;   /* 1-based, at the 0xFF */
    p += sprintf(p, "{x: \"a\xFF\"}, {id: 301}]\n");
    for (int file = 0; file < 2; file++) {
        if (file)
            open_file_n(line, (size_t)(p - line), 1);
        else
            open_n(line, (size_t)(p - line), 1);
        for (int i = 1; i <= 300; i++)
            expect_id(i);
        expect_fail(GVYAML_BROKEN, "invalid UTF-8 (a sequence starting with byte 0xFF)", 1);
        assert_int_equal(err.col, bad_col);
    }

    static const struct { const char *text, *msg; } refused[] = {
        { "x: a\x01z\n", "character U+0001 is not allowed in YAML" },
        { "x: a\x7Fz\n", "character U+007F is not allowed in YAML" },
        { "x: a\xC2\x9Fz\n", "character U+009F is not allowed in YAML" },
        { "x: a\xEF\xBF\xBEz\n", "character U+FFFE is not allowed in YAML" },
        { "x: a\xED\xA0\x80z\n", "invalid UTF-8 (a sequence starting with byte 0xED)" },
        { "x: a\xC0\xAFz\n", "invalid UTF-8 (a sequence starting with byte 0xC0)" },
        { "x: caf\xC3", "invalid UTF-8 (the input ends inside a character)" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        for (int file = 0; file < 2; file++) {
            const char *t = refused[i].text;
            char doc[64];
            int n = snprintf(doc, sizeof doc, "id: 1\n---\n%s", t);
            if (file)
                open_file_n(doc, (size_t)n, 0);
            else
                open_n(doc, (size_t)n, 0);
            expect_id(1);
            expect_fail(GVYAML_BROKEN, refused[i].msg, 3);
        }
    }

    /* Allowed: tab, CR, U+0085, U+00A0, U+FFFD, a BOM, and beyond U+FFFF. */
    open_s("x: \"a\tb\xC2\x85\xC2\xA0\xEF\xBF\xBD\xEF\xBB\xBF\xF0\x9F\x8C\xBE\"\r\nid: 4\n", 0);
    expect_id(4);
}

/* A file is read in 16 KiB chunks, which can cut a character in two: its
 * first bytes wait for the rest, and a bad byte after the cut is found. */
static void test_characters_across_chunks(void **state)
{
    (void)state;
    enum { CHUNK = 16384 };
    static const char *const chars[] = { "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x8C\xBE" };
    char *doc = malloc(2 * CHUNK);
    assert_non_null(doc);
    for (int c = 0; c < 3; c++) {
        size_t clen = strlen(chars[c]);
        for (size_t shift = 0; shift < clen; shift++) {
            size_t n = (size_t)sprintf(doc, "id: 7\ntext: \"");
            memset(doc + n, 'a', shift);
            n += shift;
            while (n < CHUNK + 8) {
                memcpy(doc + n, chars[c], clen);
                n += clen;
            }
            size_t chars_end = n;
            n += (size_t)sprintf(doc + n, "\"\n");
            open_file_n(doc, n, 0);
            gv_value *v;
            assert_int_equal(next(&v), GVYAML_RECORD);
            const gv_value *t = gv_gets(v, "text");
            assert_non_null(t);
            assert_int_equal(t->len, chars_end - 13);
            assert_memory_equal(t->u.s, doc + 13, t->len);

            /* the same with a bad byte just past the cut */
            doc[CHUNK + 1] = '\xFF';
            open_file_n(doc, n, 0);
            assert_int_equal(next(&v), GVYAML_BROKEN);
            assert_int_equal(err.line, 2);
            assert_non_null(strstr(err.msg, "invalid UTF-8"));
        }
    }
    free(doc);
}

static void test_node_and_string_limits(void **state)
{
    (void)state;
    gv_limits lim = GV_LIMITS_DEFAULT;
    gv_value *v;
    lim.max_nodes = 4;
    open_s("- [1, 2, 3]\n- [1, 2, 3, 4]\n- {a: 1, b: 2}\n", 1);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    assert_int_equal(next_lim(&v, &lim), GVYAML_BAD);
    assert_string_equal(err.msg, "more than 4 values");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 13);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    assert_int_equal(next_lim(&v, &lim), GVYAML_END);

    lim = (gv_limits)GV_LIMITS_DEFAULT;
    lim.max_string = 4;
    open_s("- a: abcd\n- a: abcde\n- abcde: 1\n- a: 'x'\n", 1);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    assert_int_equal(next_lim(&v, &lim), GVYAML_BAD);
    assert_string_equal(err.msg, "string longer than 4 bytes");
    assert_int_equal(err.line, 2);
    assert_int_equal(next_lim(&v, &lim), GVYAML_BAD);
    assert_string_equal(err.msg, "key longer than 4 bytes");
    assert_int_equal(err.line, 3);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    assert_int_equal(next_lim(&v, &lim), GVYAML_END);
}

static void test_byte_limit(void **state)
{
    (void)state;
    gv_limits lim = GV_LIMITS_DEFAULT;
    gv_value *v;
    lim.max_bytes = 40;
    /* a record past the limit is bad; the stream goes on */
    open_s("- id: 1\n- text: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n- id: 3\n", 1);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    assert_int_equal(next_lim(&v, &lim), GVYAML_BAD);
    assert_string_equal(err.msg, "record longer than 40 bytes");
    assert_int_equal(err.line, 2);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    is_int(v, "id", 3);

    /* one huge scalar: libyaml is stopped before it buffers it all */
    size_t n = 4u << 20;
    char *s = malloc(n + 16);
    memcpy(s, "id: 1\n---\nx: ", 13);
    memset(s + 13, 'a', n);
    strcpy(s + 13 + n, "\n");
    lim.max_bytes = 1000;
    open_s(s, 0);
    assert_int_equal(next_lim(&v, &lim), GVYAML_RECORD);
    assert_int_equal(next_lim(&v, &lim), GVYAML_BROKEN);
    assert_string_equal(err.msg, "record longer than 1000 bytes");
    assert_int_equal(err.line, 2);
    free(s);
}

/* ---- one-document loading ----------------------------------------------- */

static void test_load_buf(void **state)
{
    (void)state;
    gv_value *v = load("---\nname: x\n...\n");
    assert_non_null(v);
    is_str(v, "name", "x");
    assert_non_null(load("[1, 2]"));
    load_fails("", "empty file", 1, 0);
    load_fails("# only a comment\n", "empty file", 1, 0);
    load_fails("---\n", "empty document", 1, 1);
    load_fails("a: 1\n---\nb: 2\n", "more than one document where one is expected", 2, 1);
    load_fails("a: 1\n---\n", "more than one document where one is expected", 2, 1);
    load_fails("a: 1\nb: [\n", "did not find expected node content (while parsing a flow node)", 3, 1);
}

static char *write_temp(const char *text, size_t n)
{
    static char path[64];
    strcpy(path, "/tmp/test_yaml_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_load_file(void **state)
{
    (void)state;
    /* big enough to be read in several chunks */
    enum { N = 5000 };
    char *s = malloc(N * 24), *p = s;
    for (int i = 0; i < N; i++)
        p += sprintf(p, "key%d: value %d\n", i, i);
    char *path = write_temp(s, (size_t)(p - s));
    memset(&err, 0, sizeof err);
    gv_value *v = gvyaml_load_file(path, &arena, NULL, &err);
    assert_non_null(v);
    assert_int_equal(v->len, N);
    is_str(v, "key4999", "value 4999");
    assert_int_equal(get(v, "key4999")->line, N);
    unlink(path);

    /* an error deep in the file carries its line */
    p += sprintf(p, "key17: again\n");
    path = write_temp(s, (size_t)(p - s));
    assert_null(gvyaml_load_file(path, &arena, NULL, &err));
    assert_string_equal(err.msg, "duplicate key \"key17\"");
    assert_int_equal(err.line, N + 1);
    unlink(path);

    /* so does a reader error found in a later chunk */
    p[-3] = '\0';
    path = write_temp(s, (size_t)(p - s));
    assert_null(gvyaml_load_file(path, &arena, NULL, &err));
    assert_string_equal(err.msg, "NUL byte in input");
    assert_int_equal(err.line, N + 1);
    assert_int_equal(err.col, 11);
    unlink(path);
    free(s);

    assert_null(gvyaml_load_file("/nonexistent/x.yaml", &arena, NULL, &err));
    assert_string_equal(err.msg, "cannot open: No such file or directory");
}

static void test_stream_file_split(void **state)
{
    (void)state;
    enum { N = 3000, BAD_AT = 1500 };
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < N; i++) {
        if (i == BAD_AT)
            fprintf(f, "- id: %d\n  id: %d\n", i, i);
        else
            fprintf(f, "- id: %d\n  text: \"record number %d\"\n", i, i);
    }
    rewind(f);
    gvyaml *y = gvyaml_open_file(f, 1);
    assert_non_null(y);
    int good = 0, bad = 0, rc;
    gv_value *v;
    for (;;) {
        gv_arena_reset(&arena);
        rc = gvyaml_next(y, &arena, NULL, &v, &err);
        if (rc == GVYAML_END)
            break;
        if (rc == GVYAML_BAD) {
            bad++;
            assert_string_equal(err.msg, "duplicate key \"id\"");
            assert_int_equal(err.line, 2 * BAD_AT + 2);
            continue;
        }
        assert_int_equal(rc, GVYAML_RECORD);
        assert_int_equal(get(v, "id")->u.i, good + (good >= BAD_AT));
        assert_int_equal(v->line, 2 * (good + (good >= BAD_AT)) + 1);
        good++;
    }
    assert_int_equal(good, N - 1);
    assert_int_equal(bad, 1);
    gvyaml_close(y);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_core_schema, teardown),
        cmocka_unit_test_teardown(test_int64_edges, teardown),
        cmocka_unit_test_teardown(test_floats_refused, teardown),
        cmocka_unit_test_teardown(test_core_tags, teardown),
        cmocka_unit_test_teardown(test_other_tags_refused, teardown),
        cmocka_unit_test_teardown(test_nested_links, teardown),
        cmocka_unit_test_teardown(test_strings, teardown),
        cmocka_unit_test_teardown(test_duplicate_keys, teardown),
        cmocka_unit_test_teardown(test_duplicate_keys_large, teardown),
        cmocka_unit_test_teardown(test_non_scalar_keys, teardown),
        cmocka_unit_test_teardown(test_anchors_aliases, teardown),
        cmocka_unit_test_teardown(test_multi_document_stream, teardown),
        cmocka_unit_test_teardown(test_empty_documents, teardown),
        cmocka_unit_test_teardown(test_split_sequence, teardown),
        cmocka_unit_test_teardown(test_split_items_and_documents, teardown),
        cmocka_unit_test_teardown(test_syntax_error_is_broken, teardown),
        cmocka_unit_test_teardown(test_deep_nesting, teardown),
        cmocka_unit_test_teardown(test_nul, teardown),
        cmocka_unit_test_teardown(test_invalid_utf8, teardown),
        cmocka_unit_test_teardown(test_bad_characters, teardown),
        cmocka_unit_test_teardown(test_characters_across_chunks, teardown),
        cmocka_unit_test_teardown(test_node_and_string_limits, teardown),
        cmocka_unit_test_teardown(test_byte_limit, teardown),
        cmocka_unit_test_teardown(test_load_buf, teardown),
        cmocka_unit_test_teardown(test_load_file, teardown),
        cmocka_unit_test_teardown(test_stream_file_split, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
