/*
 * policy.h: a loaded policy (policy.c loads it from its manifest): the
 * struct every module reads, immutable once loaded, and its diagnostics.
 */
#ifndef GAVEL_POLICY_H
#define GAVEL_POLICY_H

#include "gavel.h"
#include "lexicon.h"
#include "measure.h"
#include "schema.h"
#include "value.h"

typedef struct gvpol_file {
    char  *path;      /* as the user would name it: dir/relative */
    char  *name;      /* as the manifest names it, for the digest */
    char  *text;
    size_t len;
} gvpol_file;

typedef struct gvpol_rule {
    gavel_rule_info info;     /* public view; strings owned below */
    int   outcome;            /* index in outcomes, -1 = none */
    int  *defeaters;          /* rules that defeat this one, policy order */
    int   ndefeaters;
    int  *defeats;            /* rules this one defeats */
    int   ndefeats_idx;
    char **patterns;          /* `defeats` as written */
    int   npatterns;
    unsigned pattern_line;
    char *json_id;            /* the id as a JSON string */
    char *json_head;          /* {"rule":ID,"outcome":OUTCOME */
    char *json_cites;         /* ,"cites":CITES */
    gvms_spec *measures;      /* what it orders done (measure.h) */
    int   nmeasures;
    int   measures_read_evidence;
    const char **measure_texts;
} gvpol_rule;

typedef struct gvpol_lexicon {
    char  *name;
    gvlex *lex;
    int    words;          /* match: words (whole words only) */
    const gvlex *uni;      /* the union it is part `part` of */
    int    part;
} gvpol_lexicon;

struct gavel_policy {
    gavel_status status;
    char        *errmsg;
    gavel_diag  *diags;
    size_t       ndiags, capdiags;

    char  *dir, *name, *version, *jurisdiction, *digest;
    char **outcomes;
    int    noutcomes, default_outcome, on_error_outcome;
    char **actions;            /* what measures may do, in output order */
    int    nactions;
    gvms_region *regions;
    int    nregions;
    const gv_value *export_;   /* the manifest's `export:`, in arena; NULL if none */

    gvpol_file   *files;       /* rule files, in load order */
    int           nfiles;
    gvpol_lexicon *lexicons;   /* sorted by name */
    int           nlexicons;
    char         *json_policy; /* ,"policy":{...} of every decision */
    gvlex       **unions;      /* every lexicon is part of one, so that one
                                  pass over a text answers them all */
    int           nunions;
    gvpol_rule   *rules;       /* policy order */
    int           nrules;
    int          *topo;        /* rule indexes, every defeater before what it defeats */

    gvsc_node    *schema;      /* NULL without one; lives in arena */
    gv_arena      arena;       /* what is kept of the manifest: schema, export */
    char         *schema_path;
    char        **tests;       /* test files from the manifest's `tests:` */
    int           ntests;

    gavel_limits limits;
};

/* Adds a diagnostic; an error sets the status and errmsg. */
void gvpol_diag(gavel_policy *p, gavel_severity sev, const char *file,
                unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The index of an outcome by name, or -1 (also for NULL). */
int gvpol_outcome_index(const gavel_policy *p, const char *name);

#endif
