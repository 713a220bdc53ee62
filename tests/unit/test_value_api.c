/*
 * test_value_api.c: the public read-only value API (gavel.h, "values"):
 * types, nesting, absent members, the YAML core schema seen the same by
 * rules and by callers, streams of records and their positions, single-
 * document files, the JSON writer and string escaper, and decision ids as
 * plain text.
 */
#include "testutil.h"

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gavel-value-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    tu_rmdir(tmpdir);
    return 0;
}

/* Writes tmpdir/name; returns its path (static: the last four stay valid). */
static const char *tmp_file(const char *name, const char *text)
{
    static char paths[4][128];
    static int next;
    char *path = paths[next++ % 4];
    tu_write(tmpdir, name, text);
    snprintf(path, sizeof paths[0], "%s/%s", tmpdir, name);
    return path;
}

static const gavel_value *parse(gavel_record *r, const char *text, gavel_format f)
{
    gavel_status st = gavel_record_parse(r, text, strlen(text), f, "t", NULL);
    if (st != GAVEL_OK)
        fail_msg("did not parse: %s", gavel_record_errmsg(r));
    return gavel_record_value(r);
}

static void test_types_and_nesting(void **state)
{
    (void)state;
    gavel_record *r = gavel_record_new();
    const gavel_value *v = parse(r, "{\"s\":\"caf\\u00e9\",\"i\":-7,\"f\":2.5,\"t\":true,"
                                    "\"n\":null,\"a\":[1,[2,{\"k\":\"v\"}]],\"o\":{\"z\":1,\"a\":2}}",
                                 GAVEL_JSON);
    assert_int_equal(gavel_value_type(v), GAVEL_OBJECT);
    assert_int_equal(gavel_value_len(v), 7);
    size_t len = 0;
    assert_string_equal(gavel_value_string(gavel_value_get(v, "s"), &len), "caf\xc3\xa9");
    assert_int_equal(len, 5);
    assert_int_equal(gavel_value_type(gavel_value_get(v, "i")), GAVEL_INT);
    assert_int_equal(gavel_value_int(gavel_value_get(v, "i")), -7);
    assert_true(gavel_value_float(gavel_value_get(v, "i")) == -7.0);   /* any number */
    assert_int_equal(gavel_value_type(gavel_value_get(v, "f")), GAVEL_FLOAT);
    assert_true(gavel_value_float(gavel_value_get(v, "f")) == 2.5);
    assert_int_equal(gavel_value_int(gavel_value_get(v, "f")), 0);      /* not an integer */
    assert_int_equal(gavel_value_bool(gavel_value_get(v, "t")), 1);
    assert_int_equal(gavel_value_type(gavel_value_get(v, "n")), GAVEL_NULL);
    /* Nesting: a[2][2].k */
    const gavel_value *a = gavel_value_get(v, "a");
    assert_int_equal(gavel_value_type(a), GAVEL_ARRAY);
    assert_int_equal(gavel_value_len(a), 2);
    const gavel_value *inner = gavel_value_at(a, 1);
    assert_int_equal(gavel_value_int(gavel_value_at(inner, 0)), 2);
    assert_string_equal(gavel_value_string(gavel_value_get(gavel_value_at(inner, 1), "k"), NULL),
                        "v");
    /* Members in the order written, not sorted. */
    const gavel_value *o = gavel_value_get(v, "o");
    assert_string_equal(gavel_value_key(o, 0, &len), "z");
    assert_int_equal(len, 1);
    assert_string_equal(gavel_value_key(o, 1, NULL), "a");
    assert_int_equal(gavel_value_int(gavel_value_at(o, 0)), 1);
    assert_int_equal(gavel_value_int(gavel_value_at(o, 1)), 2);
    assert_string_equal(gavel_value_key(v, 6, NULL), "o");
    gavel_record_free(r);
}

static void test_absent_and_wrong_types(void **state)
{
    (void)state;
    gavel_record *r = gavel_record_new();
    const gavel_value *v = parse(r, "{\"n\":null,\"a\":[1],\"s\":\"x\"}", GAVEL_JSON);
    /* Absent is NULL; a present null is a value. */
    assert_null(gavel_value_get(v, "nope"));
    assert_non_null(gavel_value_get(v, "n"));
    /* Lookups chain through absent values. */
    assert_null(gavel_value_get(gavel_value_get(v, "nope"), "deeper"));
    assert_null(gavel_value_at(gavel_value_get(v, "nope"), 0));
    /* The wrong kind of value answers nothing. */
    const gavel_value *arr = gavel_value_get(v, "a"), *s = gavel_value_get(v, "s");
    assert_null(gavel_value_get(arr, "0"));
    assert_null(gavel_value_at(arr, 1));
    assert_null(gavel_value_key(arr, 0, NULL));
    assert_null(gavel_value_string(arr, NULL));
    assert_int_equal(gavel_value_len(s), 0);       /* a string's length is its own */
    assert_null(gavel_value_at(s, 0));
    assert_int_equal(gavel_value_bool(s), 0);
    /* NULL reads as null. */
    assert_int_equal(gavel_value_type(NULL), GAVEL_NULL);
    assert_int_equal(gavel_value_len(NULL), 0);
    assert_null(gavel_value_string(NULL, NULL));
    assert_int_equal(gavel_value_int(NULL), 0);
    char buf[8];
    assert_int_equal(gavel_value_json(NULL, buf, sizeof buf), 4);
    assert_string_equal(buf, "null");
    /* A record that holds an error has no value. */
    assert_int_equal(gavel_record_parse(r, "{\"a\":", 5, GAVEL_JSON, "t", NULL), GAVEL_EINPUT);
    assert_null(gavel_record_value(r));
    assert_null(gavel_record_value(NULL));
    gavel_record_free(r);
}

/* YAML 1.2's core schema, through the record API. */
static void test_yaml_core_schema(void **state)
{
    (void)state;
    gavel_record *r = gavel_record_new();
    const gavel_value *v = parse(r, "o: 0o17\nx: 0x1F\ne: 1e3\nd: 2021-02-04\n"
                                    "y: yes\nq: '0o17'\nz: ~\n", GAVEL_YAML);
    assert_int_equal(gavel_value_type(gavel_value_get(v, "o")), GAVEL_INT);
    assert_int_equal(gavel_value_int(gavel_value_get(v, "o")), 15);
    assert_int_equal(gavel_value_type(gavel_value_get(v, "x")), GAVEL_INT);
    assert_int_equal(gavel_value_int(gavel_value_get(v, "x")), 31);
    assert_int_equal(gavel_value_type(gavel_value_get(v, "e")), GAVEL_FLOAT);
    assert_true(gavel_value_float(gavel_value_get(v, "e")) == 1000.0);
    assert_string_equal(gavel_value_string(gavel_value_get(v, "d"), NULL), "2021-02-04");
    assert_string_equal(gavel_value_string(gavel_value_get(v, "y"), NULL), "yes");
    assert_string_equal(gavel_value_string(gavel_value_get(v, "q"), NULL), "0o17");
    assert_int_equal(gavel_value_type(gavel_value_get(v, "z")), GAVEL_NULL);
    gavel_record_free(r);
}

/* One context file, read by a rule (as ctx) and by a caller (as the CLI's
 * notices read it): the same types on both sides. */
static void test_one_schema_for_rules_and_callers(void **state)
{
    (void)state;
    gavel_policy *p = tu_load(
        "rule 'c' { outcome = 'review', reason = 'r',\n"
        "  when = function(r, ctx) local o = ctx.order\n"
        "    return true, { o = o.o, x = o.x, e = o.e,\n"
        "      types = math.type(o.o) .. ',' .. math.type(o.x) .. ',' .. math.type(o.e) } end }\n");
    const char *path = tmp_file("order.yaml", "order:\n  o: 0o17\n  x: 0x1F\n  e: 1e3\n");
    gavel_evaluator *ev = gavel_evaluator_new(p);
    assert_int_equal(gavel_evaluator_set_context_file(ev, path), GAVEL_OK);
    gavel_decision *d = gavel_decision_new();
    tu_eval(ev, d, "{}");
    assert_string_equal(gavel_decision_reason(d, 0)->evidence,
                        "{\"e\":1000.0,\"o\":15,\"types\":\"integer,integer,float\",\"x\":31}");

    gavel_record *r = gavel_record_new();
    assert_int_equal(gavel_record_parse_file(r, path, GAVEL_AUTO, NULL), GAVEL_OK);
    const gavel_value *o = gavel_value_get(gavel_record_value(r), "order");
    assert_int_equal(gavel_value_type(gavel_value_get(o, "o")), GAVEL_INT);
    assert_int_equal(gavel_value_int(gavel_value_get(o, "o")), 15);
    assert_int_equal(gavel_value_type(gavel_value_get(o, "x")), GAVEL_INT);
    assert_int_equal(gavel_value_int(gavel_value_get(o, "x")), 31);
    assert_int_equal(gavel_value_type(gavel_value_get(o, "e")), GAVEL_FLOAT);
    char json[64];
    gavel_value_json(o, json, sizeof json);
    assert_string_equal(json, "{\"o\":15,\"x\":31,\"e\":1000.0}");
    gavel_record_free(r);
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

/* Reads every record of path; checks the count, and returns the positions
 * and ids ("1:a 2:! 3:c", '!' for an error) in out. */
static void read_all(gavel_reader *rd, char *out, size_t cap)
{
    gavel_record *r = gavel_record_new();
    out[0] = '\0';
    while (gavel_reader_next(rd, r) == 1) {
        const char *id = gavel_value_string(gavel_value_get(gavel_record_value(r), "id"), NULL);
        snprintf(out + strlen(out), cap - strlen(out), "%s%llu:%s", *out ? " " : "",
                 (unsigned long long)gavel_record_position(r), id ? id : "!");
    }
    gavel_record_free(r);
}

static void test_streams_and_positions(void **state)
{
    (void)state;
    char got[256];
    const char *jsonl = tmp_file("a.jsonl", "{\"id\":\"a\"}\n\n{\"id\":\nnot json\n{\"id\":\"c\"}\n");
    gavel_reader *rd = gavel_reader_open(jsonl, GAVEL_AUTO, NULL);
    read_all(rd, got, sizeof got);
    assert_string_equal(got, "1:a 2:! 3:! 4:c");
    assert_int_equal(gavel_reader_position(rd), 4);
    gavel_reader_free(rd);

    /* An error names its file and line. */
    rd = gavel_reader_open(jsonl, GAVEL_AUTO, NULL);
    gavel_record *r = gavel_record_new();
    gavel_reader_next(rd, r);
    gavel_reader_next(rd, r);
    assert_null(gavel_record_value(r));
    char where[160];
    snprintf(where, sizeof where, "%s:3", jsonl);
    assert_string_equal(gavel_record_where(r), where);
    assert_non_null(strstr(gavel_record_errmsg(r), "a.jsonl:3:"));
    gavel_record_free(r);
    gavel_reader_free(rd);

    /* Several inputs numbered on: YAML documents, then a JSON array. */
    const char *yaml = tmp_file("b.yaml", "id: y1\n---\nid: y2\n");
    const char *json = tmp_file("c.json", "[{\"id\":\"j1\"},{\"id\":\"j2\"},{\"id\":\"j3\"}]");
    rd = gavel_reader_open(yaml, GAVEL_AUTO, NULL);
    gavel_reader_set_position(rd, 4);
    read_all(rd, got, sizeof got);
    assert_string_equal(got, "5:y1 6:y2");
    uint64_t at = gavel_reader_position(rd);
    gavel_reader_free(rd);
    rd = gavel_reader_open(json, GAVEL_AUTO, NULL);
    gavel_reader_set_position(rd, at);
    read_all(rd, got, sizeof got);
    assert_string_equal(got, "7:j1 8:j2 9:j3");
    gavel_reader_free(rd);
}

/* Deferred parsing: no value until the record is finished. */
static void test_deferred_record(void **state)
{
    (void)state;
    const char *jsonl = tmp_file("d.jsonl", "{\"id\":\"late\"}\n");
    gavel_reader *rd = gavel_reader_open(jsonl, GAVEL_JSONL, NULL);
    gavel_reader_defer_parsing(rd, 1);
    gavel_record *r = gavel_record_new();
    assert_int_equal(gavel_reader_next(rd, r), 1);
    assert_null(gavel_record_value(r));
    assert_int_equal(gavel_record_finish(r), GAVEL_OK);
    assert_string_equal(gavel_value_string(gavel_value_get(gavel_record_value(r), "id"), NULL),
                        "late");
    gavel_record_free(r);
    gavel_reader_free(rd);
}

static void test_single_document_files(void **state)
{
    (void)state;
    gavel_record *r = gavel_record_new();
    /* A top-level sequence stays one value (a reader would split it). */
    const char *seq = tmp_file("cases.yaml", "- name: one\n- name: two\n");
    assert_int_equal(gavel_record_parse_file(r, seq, GAVEL_AUTO, NULL), GAVEL_OK);
    assert_int_equal(gavel_value_type(gavel_record_value(r)), GAVEL_ARRAY);
    assert_int_equal(gavel_value_len(gavel_record_value(r)), 2);
    assert_string_equal(gavel_value_string(gavel_value_get(gavel_value_at(gavel_record_value(r), 1),
                                                           "name"), NULL), "two");
    /* JSON when it starts with '{', as a context is read. */
    const char *js = tmp_file("ctx.txt", "  {\"a\": 0}");
    assert_int_equal(gavel_record_parse_file(r, js, GAVEL_AUTO, NULL), GAVEL_OK);
    assert_int_equal(gavel_value_int(gavel_value_get(gavel_record_value(r), "a")), 0);
    /* Errors say file:line:col. */
    const char *bad = tmp_file("bad.yaml", "a: 1\nb: [1, 2\n");
    assert_int_equal(gavel_record_parse_file(r, bad, GAVEL_AUTO, NULL), GAVEL_EINPUT);
    assert_null(gavel_record_value(r));
    assert_non_null(strstr(gavel_record_errmsg(r), "bad.yaml:"));
    const char *dup = tmp_file("dup.yaml", "a: 1\na: 2\n");
    assert_int_equal(gavel_record_parse_file(r, dup, GAVEL_YAML, NULL), GAVEL_EINPUT);
    assert_non_null(strstr(gavel_record_errmsg(r), "dup.yaml:2:"));
    assert_int_equal(gavel_record_parse_file(r, "/nonexistent/x.yaml", GAVEL_AUTO, NULL),
                     GAVEL_EIO);
    assert_string_equal(gavel_record_errmsg(r),
                        "/nonexistent/x.yaml: cannot open: No such file or directory");
    /* Past the byte limit. */
    gavel_limits lim;
    gavel_limits_init(&lim);
    lim.record_bytes = 4;
    assert_int_equal(gavel_record_parse_file(r, seq, GAVEL_AUTO, &lim), GAVEL_EINPUT);
    assert_non_null(strstr(gavel_record_errmsg(r), "longer than 4 bytes"));
    gavel_record_free(r);
}

static void test_json_writer(void **state)
{
    (void)state;
    gavel_record *r = gavel_record_new();
    const gavel_value *v = parse(r, "{ \"s\" : \"a\\\"b\\n\", \"i\": 10, \"f\": 2.0,"
                                    " \"l\": [true, null, 1e2], \"o\": {} }", GAVEL_JSON);
    const char *want = "{\"s\":\"a\\\"b\\n\",\"i\":10,\"f\":2.0,\"l\":[true,null,100.0],\"o\":{}}";
    char buf[128];
    assert_int_equal(gavel_value_json(v, buf, sizeof buf), strlen(want));
    assert_string_equal(buf, want);
    /* snprintf-style: cut to fit, the full length returned. */
    char small[6];
    assert_int_equal(gavel_value_json(v, small, sizeof small), strlen(want));
    assert_string_equal(small, "{\"s\":");
    assert_int_equal(gavel_value_json(v, NULL, 0), strlen(want));
    /* An exact fit has room for the NUL; one byte less cuts the last. */
    char exact[sizeof "[true,null,100.0]"];
    const gavel_value *l = gavel_value_get(v, "l");
    assert_int_equal(gavel_value_json(l, exact, sizeof exact), sizeof exact - 1);
    assert_string_equal(exact, "[true,null,100.0]");
    assert_int_equal(gavel_value_json(l, exact, sizeof exact - 1), sizeof exact - 1);
    assert_string_equal(exact, "[true,null,100.0");
    assert_int_equal(gavel_value_json(l, exact, 1), sizeof exact - 1);
    assert_string_equal(exact, "");
    gavel_record_free(r);
}

/* The one JSON string escaper: what the decisions' strings get, callers
 * get too, with snprintf's contract. */
static void test_json_string(void **state)
{
    (void)state;
    char buf[64];
    const char in[] = "a\"b\\c\nd\re\tf\001g";
    size_t n = gavel_json_string(in, sizeof in - 1, buf, sizeof buf);
    assert_string_equal(buf, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\"");
    assert_int_equal(n, strlen(buf));

    /* NUL and a byte that is not UTF-8 become U+FFFD; UTF-8 stays as it is. */
    const char odd[] = { 'x', 0, '\xff', '\xe0', '\xa4', '\x95' };
    gavel_json_string(odd, sizeof odd, buf, sizeof buf);
    assert_string_equal(buf, "\"x\xef\xbf\xbd\xef\xbf\xbd\xe0\xa4\x95\"");

    /* Too small a buffer: truncated, NUL-terminated, full length returned. */
    char small[4];
    assert_int_equal(gavel_json_string("hello", 5, small, sizeof small), 7);
    assert_string_equal(small, "\"he");
    assert_int_equal(gavel_json_string("hello", 5, NULL, 0), 7);
    assert_int_equal(gavel_json_string(NULL, 0, buf, sizeof buf), 2);
    assert_string_equal(buf, "\"\"");
}

static void test_decision_ids(void **state)
{
    (void)state;
    gavel_policy *p = tu_load("rule 'r' { outcome = 'review', when = function(r) return true end }\n");
    gavel_evaluator *ev = gavel_evaluator_new(p);
    gavel_decision *d = gavel_decision_new(), *cf = gavel_decision_new();
    static const struct { const char *record, *plain, *json; gavel_type type; } cases[] = {
        { "{\"id\":\"acc001\"}", "acc001", "\"acc001\"", GAVEL_STRING },
        { "{\"id\":\"7\"}", "7", "\"7\"", GAVEL_STRING },
        { "{\"id\":7}", "7", "7", GAVEL_INT },
        { "{\"id\":1.5}", "1.5", "1.5", GAVEL_FLOAT },
        { "{\"id\":\"a\\\"b\"}", "a\"b", "\"a\\\"b\"", GAVEL_STRING },
        { "{\"id\":[1]}", "1", "1", GAVEL_INT },        /* not an id: the position */
        { "{}", "1", "1", GAVEL_INT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tu_eval(ev, d, cases[i].record);
        assert_string_equal(gavel_decision_id(d), cases[i].plain);
        assert_int_equal(gavel_value_type(gavel_decision_id_value(d)), cases[i].type);
        char json[64], field[80];
        gavel_value_json(gavel_decision_id_value(d), json, sizeof json);
        assert_string_equal(json, cases[i].json);
        snprintf(field, sizeof field, "{\"id\":%s,", cases[i].json);
        assert_memory_equal(gavel_decision_json(d, NULL), field, strlen(field));
        /* A counterfactual keeps the id, and its kind. */
        assert_int_equal(gavel_decision_without(d, "r", cf), GAVEL_OK);
        assert_string_equal(gavel_decision_id(cf), cases[i].plain);
        assert_memory_equal(gavel_decision_json(cf, NULL), field, strlen(field));
    }
    /* A decision never evaluated has no id. */
    gavel_decision *fresh = gavel_decision_new();
    assert_null(gavel_decision_id(fresh));
    assert_null(gavel_decision_id_value(fresh));
    gavel_decision_free(fresh);
    gavel_decision_free(cf);
    gavel_decision_free(d);
    gavel_evaluator_free(ev);
    gavel_policy_free(p);
}

/* A reader over text in memory numbers lines and names them as a file's
 * reader would: blank lines skipped, errors at "name:line:col". */
static void test_reader_over_text(void **state)
{
    (void)state;
    static const char text[] = "{\"id\":\"a\"}\n\n  \n{bad\r\n[1]";
    gavel_reader *rd = gavel_reader_open_text(text, sizeof text - 1, "<stdin>", NULL);
    gavel_record *r = gavel_record_new();
    assert_int_equal(gavel_reader_status(rd), GAVEL_OK);
    assert_int_equal(gavel_reader_next(rd, r), 1);
    assert_string_equal(gavel_value_string(gavel_value_get(gavel_record_value(r), "id"), NULL), "a");
    assert_int_equal(gavel_record_position(r), 1);
    assert_int_equal(gavel_reader_next(rd, r), 1);
    assert_null(gavel_record_value(r));
    assert_string_equal(gavel_record_errmsg(r), "<stdin>:4:2: expected a key or '}'");
    assert_int_equal(gavel_reader_next(rd, r), 1);
    assert_string_equal(gavel_record_where(r), "<stdin>:5");
    assert_int_equal(gavel_record_position(r), 3);
    assert_int_equal(gavel_reader_next(rd, r), 0);
    gavel_reader_free(rd);
    rd = gavel_reader_open_text(NULL, 0, NULL, NULL);
    assert_int_equal(gavel_reader_next(rd, r), 0);
    gavel_reader_free(rd);
    gavel_record_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_and_nesting),
        cmocka_unit_test(test_absent_and_wrong_types),
        cmocka_unit_test(test_yaml_core_schema),
        cmocka_unit_test(test_one_schema_for_rules_and_callers),
        cmocka_unit_test(test_streams_and_positions),
        cmocka_unit_test(test_deferred_record),
        cmocka_unit_test(test_single_document_files),
        cmocka_unit_test(test_json_writer),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_decision_ids),
        cmocka_unit_test(test_reader_over_text),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
