/*
 * yamlin.h: the YAML reader's state, shared by its input and events
 * (yamlin.c) and the building of trees (yamldoc.c). Private to the YAML
 * module; everyone else uses yamldoc.h.
 */
#ifndef GAVEL_YAMLIN_H
#define GAVEL_YAMLIN_H

#include <stdio.h>

#include <yaml.h>       /* libyaml's; this module's header is yamldoc.h */

#include "buf.h"
#include "value.h"
#include "yamldoc.h"

enum {
    DEPTH_CEILING = 1000,  /* hard bound on recursion, whatever lim says */
    CHUNK = 16384,         /* file input is read in chunks this size */
    READ_SLACK = 65536     /* libyaml's read-ahead past the current record */
};

#define CORE_TAG "tag:yaml.org,2002:"

struct gvyaml {
    yaml_parser_t parser;
    yaml_event_t  ev;           /* the current event; YAML_NO_EVENT if none */
    int           split_seq;
    int           in_split;     /* inside a root sequence of records */
    int           ended, broken;
    gv_error      broken_err;   /* repeated by every call after BROKEN */
    unsigned      open;         /* collections open in the document */
    unsigned      rec_base;     /* `open` just outside the current record */
    yaml_mark_t   doc_start;    /* where the current document began */
    size_t        rec_start;    /* input handed to libyaml when it began */
    uint32_t      rec_line;

    /* the call in progress */
    gv_arena        *a;
    const gv_limits *lim;
    gv_error        *err;
    unsigned         max_depth;
    size_t           nodes;
    gv_buf           stack;     /* children of the open collections */

    /* input: the whole buffer as one chunk, or a file read chunk by chunk */
    FILE                *f;
    const unsigned char *chunk;
    size_t               chunk_len, chunk_pos;
    size_t               chunk_off;    /* input offset of chunk[0] */
    uint32_t             chunk_line;   /* newlines before chunk[0] */
    size_t               checked;      /* chunk[chunk_pos..checked) is good */
    int                  at_eof, too_long, read_errno;
    int                  bad;          /* at bad_off: a character libyaml refuses */
    int                  refused;      /* ... and libyaml has asked for it */
    size_t               bad_off;
    char                 bad_msg[64];
    unsigned char        fbuf[CHUNK];
};

/* Sets the error at a position, or at the current event; NULL, for
 * `return gvyaml_fail(...)`. */
void *gvyaml_fail_at(gvyaml *y, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void *gvyaml_fail(gvyaml *y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Marks the stream as unreadable from here on; the error stays for later
 * calls. Returns GVYAML_BROKEN. */
int   gvyaml_set_broken(gvyaml *y);
/* Replaces the current event with the next one, keeping the nesting count.
 * 0, or -1 when the stream is broken (err set). */
int   gvyaml_next_event(gvyaml *y);
/* Consumes the rest of a bad record. 0, or -1 when the stream broke. */
int   gvyaml_skip_record(gvyaml *y);
/* The next record's byte budget starts here. */
void  gvyaml_mark_record_start(gvyaml *y);

#endif
