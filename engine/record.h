/*
 * record.h: a record as read (record.c): its value tree, or the error that
 * stands in for it, and where it came from.
 */
#ifndef GAVEL_RECORD_H
#define GAVEL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "gavel.h"
#include "value.h"

struct gavel_record {
    gv_arena  arena;
    gv_value *root;        /* NULL when err is set */
    char      err[320];    /* "file:line:col: message", "" when parsed */
    char      where[256];  /* "file:line" */
    uint64_t  position;
    /* Read but not yet parsed (a deferring reader): the line's text. */
    char     *raw;
    size_t    rawlen;
    uint32_t  line;
    size_t    namelen;     /* where[0..namelen) is the file name */
    gv_limits lim;
};

/* One document from text: GAVEL_YAML, GAVEL_JSON, or GAVEL_AUTO as a context
 * is read (JSON when it starts with '{', else YAML). */
gv_value *gvrec_parse_doc(const char *text, size_t len, gavel_format format,
                          gv_arena *a, const gv_limits *lim, gv_error *e);

#endif
