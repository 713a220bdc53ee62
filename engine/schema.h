/*
 * schema.h: a policy's record schema (schema.c).
 */
#ifndef GAVEL_SCHEMA_H
#define GAVEL_SCHEMA_H

#include "value.h"

typedef struct gvsc_node  gvsc_node;
typedef struct gvsc_field gvsc_field;

/* Parses schema.yaml's tree; the result lives in `a` and points into doc. */
gvsc_node *gvsc_parse(gv_arena *a, const gv_value *doc, gv_error *e);
/* Reports each violation ("schema: path: expected ..., got ...", at most a
 * few) and returns how many there were. */
int gvsc_check(const gvsc_node *schema, const gv_value *record,
               void (*report)(void *ud, const char *msg), void *ud);
/* Is a normalised path ("posts[].labels.speech_level") declared? */
int gvsc_declares(const gvsc_node *schema, const char *path);

#endif
