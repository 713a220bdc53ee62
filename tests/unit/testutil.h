/*
 * testutil.h: helpers the unit tests share: write a throwaway policy
 * directory, evaluate a JSON record, look into the decision.
 */
#ifndef GAVEL_TESTUTIL_H
#define GAVEL_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gavel.h"

/* Writes dir/name with text. */
static inline void tu_write(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A fresh policy directory with a manifest and one rules file. The manifest
 * text may be NULL for the standard three outcomes. Returns a static path. */
static inline const char *tu_policy_dir(const char *manifest, const char *rules)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/gavel-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    tu_write(dir, "policy.yaml", manifest ? manifest :
             "name: t\nversion: \"1\"\noutcomes: [withhold, review, keep]\n"
             "default: keep\non_error: review\nrules: [rules.lua]\n");
    if (rules)
        tu_write(dir, "rules.lua", rules);
    return dir;
}

static inline void tu_rmdir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Loads a policy from rules text; fails the test on load errors. */
static inline gavel_policy *tu_load(const char *rules)
{
    const char *dir = tu_policy_dir(NULL, rules);
    gavel_policy *p = gavel_policy_load(dir, NULL);
    assert_non_null(p);
    if (gavel_policy_status(p) != GAVEL_OK)
        fail_msg("policy did not load: %s", gavel_policy_errmsg(p));
    tu_rmdir(dir);
    return p;
}

/* Evaluates a JSON record; returns the status. */
static inline gavel_status tu_eval(gavel_evaluator *ev, gavel_decision *d, const char *json)
{
    gavel_record *r = gavel_record_new();
    gavel_record_parse(r, json, strlen(json), GAVEL_JSON, "test", NULL);
    gavel_record_set_position(r, 1);
    gavel_status st = gavel_evaluate(ev, r, d);
    gavel_record_free(r);
    return st;
}

/* "a,b,c": the determining rules (reasons), defeated "rule<by", fired. */
static inline const char *tu_reasons(const gavel_decision *d)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < gavel_decision_nreasons(d); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 gavel_decision_reason(d, i)->rule);
    return buf;
}

static inline const char *tu_defeated(const gavel_decision *d)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < gavel_decision_ndefeated(d); i++) {
        const gavel_reason *r = gavel_decision_defeated(d, i);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s<%s", i ? "," : "",
                 r->rule, r->by);
    }
    return buf;
}

static inline const char *tu_missing(const gavel_decision *d)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < gavel_decision_nmissing(d); i++) {
        const gavel_missing *m = gavel_decision_missing(d, i);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s(", i ? "," : "", m->path);
        for (size_t k = 0; k < m->nrules; k++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", k ? " " : "",
                     m->rules[k]);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ")");
    }
    return buf;
}

static inline const char *tu_error(const gavel_decision *d, size_t i)
{
    const gavel_error_entry *e = gavel_decision_error(d, i);
    return e ? e->message : "(no error)";
}

#endif
