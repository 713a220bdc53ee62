/*
 * fuzz_fixture.h: the fixed policy pieces the policy harnesses combine with
 * their input (the manifest, the rules, a record), and one pass of
 * evaluation through the public API with the checks every decision must
 * pass.
 */
#ifndef GAVEL_FUZZ_FIXTURE_H
#define GAVEL_FUZZ_FIXTURE_H

#include "fuzz_common.h"

static const char FIX_MANIFEST[] =
    "name: fuzz\n"
    "version: \"1\"\n"
    "outcomes: [withhold, review, keep]\n"
    "default: keep\n"
    "on_error: review\n"
    "rules: [rules.lua]\n"
    "actions: [withhold_post, withhold_account, notify]\n"
    "regions: {EU: [DE, FR, AT]}\n"
    "lexicons:\n"
    "  words: words.txt\n"
    "  incitement: words.txt\n"
    "schema: schema.yaml\n"
    "tests: [tests/*.yaml]\n";

static const char FIX_RULES[] =
    "local FLAGGED = { farmersgenocide = true }\n"
    "rule \"g.word\" {\n"
    "  outcome = \"withhold\", cites = \"Act s.1\",\n"
    "  reason = \"post {post} says \\\"{term}\\\"\",\n"
    "  when = function(r)\n"
    "    for _, p in ipairs(r.posts or {}) do\n"
    "      local ok, t = pcall(function() return lexicon.words:find(p.text or '') end)\n"
    "      if ok and t then return true, { post = p.id, term = t } end\n"
    "    end\n"
    "    return false\n"
    "  end,\n"
    "}\n"
    "rule \"g.tag\" {\n"
    "  outcome = \"withhold\", cites = \"Act s.2\", reason = \"#{tag}\",\n"
    "  when = function(r)\n"
    "    for _, p in ipairs(r.posts or {}) do\n"
    "      for _, tag in ipairs(p.hashtags or {}) do\n"
    "        if type(tag) == 'string' and FLAGGED[string.lower(tag)] then\n"
    "          return true, { tag = tag }\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    return false\n"
    "  end,\n"
    "}\n"
    "rule \"x.news\" {\n"
    "  outcome = \"keep\", defeats = { \"g.*\" }, cites = \"Const. 19(1)(a)\",\n"
    "  reason = \"{handle} is news media\",\n"
    "  when = function(r, ctx)\n"
    "    return r.category == 'news_media' and r.verified == true, { handle = r.handle }\n"
    "  end,\n"
    "}\n"
    "rule \"xx.violence\" {\n"
    "  outcome = \"withhold\", defeats = \"x.*\", reason = \"explicit\",\n"
    "  in_force = { from = \"2020-01-01\" },\n"
    "  when = function(r)\n"
    "    return any(r.posts, function(p) return p.labels and p.labels.violence_call == true end)\n"
    "  end,\n"
    "}\n"
    "rule \"r.unlabelled\" {\n"
    "  outcome = \"review\", reason = \"{n} unlabelled\",\n"
    "  when = function(r)\n"
    "    local n = count(r.posts, function(p) return p.labels == nil end)\n"
    "    return n > 0, { n = n }\n"
    "  end,\n"
    "}\n";

static const char FIX_WORDS[] =
    "# incitement terms\n"
    "burn it down\n"
    "attack the police\n"
    "\xC3\x9C" "BERFALL\n"
    "\xE0\xA4\xAE\xE0\xA4\xBE\xE0\xA4\xB0\xE0\xA5\x8B\n";

static const char FIX_SCHEMA[] =
    "fields:\n"
    "  id: string\n"
    "  category: {type: enum, values: [news_media, individual, activist]}\n"
    "  posts:\n"
    "    type: array\n"
    "    required: false\n"
    "    items: {type: object, fields: {id: string, text: string?}}\n";

static const char FIX_TESTS[] =
    "- name: news\n"
    "  record: {id: a, category: news_media, verified: true, handle: n,\n"
    "           posts: [{id: p1, text: burn it down}]}\n"
    "  expect: {decision: keep}\n"
    "- name: plain\n"
    "  record: {id: b, category: individual}\n"
    "  as_of: \"2021-02-04\"\n"
    "  expect: {decision: keep, fired: []}\n";

static const char FIX_CONTEXT[] =
    "as_of: \"2021-02-04\"\n"
    "order: {id: \"2021/69A/1\", hashtags: [FarmersGenocide]}\n";

static const char FIX_RECORD_A[] =
    "{\"id\":\"acc1\",\"handle\":\"caravan\",\"category\":\"news_media\",\"verified\":true,"
    "\"posts\":[{\"id\":\"p1\",\"text\":\"They said: BURN it down!\","
    "\"hashtags\":[\"FarmersGenocide\"],\"labels\":{\"violence_call\":false}},"
    "{\"id\":\"p2\",\"text\":\"\xC3\xBC" "berfall\"}]}";

static const char FIX_RECORD_B[] =
    "{\"id\":\"b\",\"category\":\"individual\",\"posts\":[{\"id\":\"q\",\"text\":\"hi\","
    "\"labels\":{\"violence_call\":true}}],\"bot_signals\":null}";

/* The scratch directory as a policy with `rules` for rules.lua (NULL: the
 * fixed rules) and `manifest` for policy.yaml (NULL: the fixed one). */
static inline void fix_write_policy(const void *manifest, size_t mlen,
                                    const void *rules, size_t rlen)
{
    fuzz_write("policy.yaml", manifest ? manifest : FIX_MANIFEST,
               manifest ? mlen : strlen(FIX_MANIFEST));
    fuzz_write("rules.lua", rules ? rules : FIX_RULES, rules ? rlen : strlen(FIX_RULES));
}

static inline void fix_write_others(void)
{
    fuzz_write_str("words.txt", FIX_WORDS);
    fuzz_write_str("schema.yaml", FIX_SCHEMA);
    fuzz_write_str("tests/cases.yaml", FIX_TESTS);
}

static inline int fix_outcome_known(const gavel_policy *p, const char *o)
{
    for (size_t i = 0; i < gavel_policy_noutcomes(p); i++)
        if (strcmp(gavel_policy_outcome(p, i), o) == 0)
            return 1;
    return 0;
}

/* Measures name a declared action, some targets, a scope in order (or
 * "*" alone) and the rules that ordered them; a record with errors has
 * none. */
static inline void fix_check_measures(const gavel_policy *p, const gavel_decision *d)
{
    size_t n = gavel_decision_nmeasures(d);
    FUZZ_CHECK(n == 0 || gavel_decision_nerrors(d) == 0, "measures on a record with errors");
    for (size_t i = 0; i < n; i++) {
        const gavel_measure *m = gavel_decision_measure(d, i);
        FUZZ_CHECK(m && m->action && m->ntargets && m->nscope && m->nrules, "measure %zu", i);
        int known = 0;
        for (size_t a = 0; a < gavel_policy_nactions(p); a++)
            known |= strcmp(gavel_policy_action(p, a), m->action) == 0;
        FUZZ_CHECK(known, "measure %zu: action %s", i, m->action);
        for (size_t k = 0; k < m->ntargets; k++)
            FUZZ_CHECK(m->targets[k].kind && m->targets[k].id && m->targets[k].id_value,
                       "measure %zu target %zu", i, k);
        for (size_t k = 1; k < m->nscope; k++)
            FUZZ_CHECK(strcmp(m->scope[k - 1], m->scope[k]) < 0, "measure %zu scope order", i);
        FUZZ_CHECK(strcmp(m->scope[0], "*") != 0 || m->nscope == 1, "measure %zu: * and codes", i);
    }
}

/* Every accessor of a decision answers, and its JSON is valid. */
static inline void fix_check_decision(const gavel_policy *p, gavel_decision *d,
                                      gavel_status st)
{
    FUZZ_CHECK(st == GAVEL_OK || st == GAVEL_ERULE || st == GAVEL_EINPUT,
               "evaluate returned %s", gavel_status_name(st));
    const char *o = gavel_decision_outcome(d);
    FUZZ_CHECK(o && fix_outcome_known(p, o), "outcome %s", o ? o : "(null)");
    if (st != GAVEL_OK)
        FUZZ_CHECK(gavel_decision_nerrors(d) > 0, "%s without an error", gavel_status_name(st));
    for (size_t i = 0; i < gavel_decision_nreasons(d); i++) {
        const gavel_reason *r = gavel_decision_reason(d, i);
        FUZZ_CHECK(r && r->rule && r->reason && r->evidence, "reason %zu incomplete", i);
        fuzz_check_json("evidence", r->evidence, strlen(r->evidence));
    }
    for (size_t i = 0; i < gavel_decision_ndefeated(d); i++) {
        const gavel_reason *r = gavel_decision_defeated(d, i);
        FUZZ_CHECK(r && r->rule && r->by, "defeated %zu incomplete", i);
    }
    for (size_t i = 0; i < gavel_decision_nfired(d); i++)
        FUZZ_CHECK(gavel_decision_fired(d, i) != NULL, "fired %zu", i);
    for (size_t i = 0; i < gavel_decision_nmissing(d); i++) {
        const gavel_missing *m = gavel_decision_missing(d, i);
        FUZZ_CHECK(m && m->path, "missing %zu", i);
        for (size_t k = 0; k < m->nrules; k++)
            FUZZ_CHECK(m->rules[k] != NULL, "missing %zu rule %zu", i, k);
    }
    for (size_t i = 0; i < gavel_decision_nerrors(d); i++) {
        const gavel_error_entry *e = gavel_decision_error(d, i);
        FUZZ_CHECK(e && e->message, "error %zu", i);
    }
    fix_check_measures(p, d);
    size_t len = 0;
    const char *json = gavel_decision_json(d, &len);
    FUZZ_CHECK(json != NULL && len == strlen(json), "decision json");
    fuzz_check_json("decision", json, len);
}

/* The counterfactual for every fired rule. */
static inline void fix_check_without(const gavel_policy *p, const gavel_decision *d)
{
    gavel_decision *w = gavel_decision_new();
    for (size_t i = 0; i < gavel_decision_nfired(d); i++) {
        gavel_status st = gavel_decision_without(d, gavel_decision_fired(d, i), w);
        FUZZ_CHECK(st == GAVEL_OK, "without %s: %s", gavel_decision_fired(d, i),
                   gavel_status_name(st));
        fix_check_decision(p, w, GAVEL_OK);
    }
    gavel_decision_free(w);
}

/* Evaluates the JSON text through record_parse and evaluate; returns the
 * status and leaves the decision in d. */
static inline gavel_status fix_eval_text(gavel_evaluator *ev, const gavel_policy *p,
                                         gavel_decision *d, const char *text, size_t len,
                                         gavel_format fmt)
{
    gavel_limits lim;
    fuzz_gavel_limits(&lim);
    gavel_record *r = gavel_record_new();
    gavel_status pst = gavel_record_parse(r, text, len, fmt, "record", &lim);
    FUZZ_CHECK(pst == GAVEL_OK || pst == GAVEL_EINPUT, "record_parse: %s",
               gavel_status_name(pst));
    FUZZ_CHECK((pst == GAVEL_OK) == (gavel_record_errmsg(r) == NULL), "record errmsg");
    gavel_record_set_position(r, 1);
    gavel_status st = gavel_evaluate(ev, r, d);
    if (pst == GAVEL_EINPUT)
        FUZZ_CHECK(st == GAVEL_EINPUT, "an unreadable record evaluated to %s",
                   gavel_status_name(st));
    fix_check_decision(p, d, st);
    gavel_record_free(r);
    return st;
}

#endif
