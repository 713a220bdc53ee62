/*
 * dsa_sor.h: statements of reasons for the EU Digital Services Act's
 * Transparency Database (DSA Art. 17 and 24(5)), as its API takes them:
 * the schema (dsa_sor.c: every field, its type, its values, its limits, and
 * the rules that make one field required or not allowed by another, as
 * data), and the mapping of a gavel decision to statements by the policy
 * manifest's `export: {dsa-sor: ...}` section (dsa_map.c). docs/export.md
 * says what each field is filled from. Calls gavel.h and cli.h only.
 */
#ifndef GAVEL_DSA_SOR_H
#define GAVEL_DSA_SOR_H

#include <stddef.h>
#include <stdio.h>
#include "gavel.h"

/* ---- the schema (dsa_sor.c) -------------------------------------------- */

/* The database's limit on statements in one submission (POST /statements). */
#define DSA_BATCH_MAX 100

/* A statement's fault: called once per fault, with the field it is about
 * and why ("required when decision_ground is DECISION_GROUND_..."). */
typedef void dsa_fault_fn(void *ctx, const char *field, const char *why);

/* Checks one statement (a JSON object) against every rule of the schema;
 * returns the number of faults, each handed to `fault`. */
int dsa_validate(const gavel_value *statement, dsa_fault_fn *fault, void *ctx);

/* Checks one field's value alone (type, value list, length, format), for
 * constants in the manifest: NULL when it is fine, else why not (static
 * or in buf). Unknown field: "not a statement field". */
const char *dsa_check_value(const char *field, const gavel_value *v, char *buf, size_t bufsz);

/* Whether `field` is one of the statement's fields. */
int dsa_is_field(const char *field);

/* The EEA's country codes (the database's territorial scope), sorted. */
extern const char *const dsa_eea_codes[];
int dsa_is_eea(const char *code);

/* ---- the mapping (dsa_map.c) -------------------------------------------- */

typedef struct dsa_map dsa_map;

/* Reads and checks the manifest's `export.dsa-sor` section of policy `p`;
 * `manifest` names it in messages. NULL after saying what was wrong
 * ("MANIFEST: export.dsa-sor.KEY: why"). */
dsa_map *dsa_map_new(const gavel_policy *p, const char *manifest);
void     dsa_map_free(dsa_map *m);
/* Whether some value is read from the record (`from: record.X`): then the
 * records must be given. *key names the first such key. */
int dsa_map_reads_records(const dsa_map *m, const char **key);

/* What dsa_map_decision did with a decision's measures. */
typedef struct dsa_counts {
    unsigned long long measures;       /* measures seen */
    unsigned long long unmapped;       /* of an action the mapping does not map */
    unsigned long long outside_eea;    /* mapped, but in no EEA country */
    unsigned long long statements;     /* statements made */
} dsa_counts;

/* One statement made: its JSON text (compact, one object), valid until the
 * next call. Returns 0 to go on, -1 to stop (out of memory, said). */
typedef int dsa_statement_fn(void *ctx, const char *json, size_t len);

/* The statements for one decision (a decision line's value) and the record
 * it was made on (NULL when not given or not found). -1 on out of memory. */
int dsa_map_decision(dsa_map *m, const gavel_value *decision, const gavel_value *record,
                     dsa_counts *counts, dsa_statement_fn *emit, void *ctx);

#endif
