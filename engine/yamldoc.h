/*
 * yamldoc.h: YAML documents and record streams into value trees (value.h),
 * through libyaml's event API.
 *
 * Scalars follow the YAML 1.2 core schema: null/~/empty -> null,
 * true/false -> bool, decimal/0x/0o integers, floats (.inf and .nan
 * refused), everything else and every quoted scalar -> string. So
 * "2021-02-04" and "yes" stay strings. Records refuse anchors and aliases,
 * tags other than the core ones (!!str !!int !!float !!bool !!null !!seq
 * !!map), duplicate keys, non-scalar keys, and anything past the limits.
 *
 * Private to libgavel.
 */
#ifndef GAVEL_YAML_H
#define GAVEL_YAML_H

#include <stdio.h>
#include "value.h"

typedef struct gvyaml gvyaml;

/* A reader over an open stream (the caller keeps ownership of f) or over a
 * buffer (borrowed; must outlive the reader). With split_seq set, a document
 * whose root is a sequence yields each item as its own record (streamed, so
 * memory does not grow with the sequence); otherwise each document is one
 * record. NULL on out-of-memory. */
gvyaml *gvyaml_open_file(FILE *f, int split_seq);
gvyaml *gvyaml_open_buf(const char *buf, size_t len, int split_seq);
void    gvyaml_close(gvyaml *y);

enum {
    GVYAML_RECORD = 1,   /* *out is the next record */
    GVYAML_END    = 0,   /* no more records */
    GVYAML_BAD    = -1,  /* this record is bad (err says why); call again */
    GVYAML_BROKEN = -2   /* the stream cannot be read further (err says why) */
};

/* The next record, allocated in `a`. `err->line` is where the fault is. */
int gvyaml_next(gvyaml *y, gv_arena *a, const gv_limits *lim,
                gv_value **out, gv_error *err);

/* A whole file (or buffer) that must hold exactly one document: manifests,
 * context files, test files. An empty file is an error. */
gv_value *gvyaml_load_file(const char *path, gv_arena *a, const gv_limits *lim,
                           gv_error *err);
gv_value *gvyaml_load_buf(const char *buf, size_t len, gv_arena *a,
                          const gv_limits *lim, gv_error *err);

#endif
