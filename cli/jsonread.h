/*
 * jsonread.h: a small value tree for what the CLI reads back: decision
 * lines (JSON, SPEC §6) for report and replay, and context files (JSON or
 * YAML) for notices. The library's own parsers stay private; this one only
 * has to read what gavel writes and what a person writes in an order file.
 */
#ifndef GAVEL_JSONREAD_H
#define GAVEL_JSONREAD_H

#include <stddef.h>
#include <stdio.h>

typedef enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ } jv_type;

typedef struct jv jv;
struct jv {
    jv_type type;
    int     b;          /* JV_BOOL */
    double  num;        /* JV_NUM */
    char   *s;          /* JV_STR: the text; JV_NUM: the number as written */
    size_t  n;          /* JV_ARR, JV_OBJ: entries */
    jv    **items;
    char  **keys;       /* JV_OBJ: in the order written */
};

/* One JSON value (surrounding whitespace allowed). NULL on error, with a
 * message "col N: ..." in err. Nesting deeper than 256 is an error. */
jv  *jv_parse(const char *text, size_t len, char *err, size_t errsz);
/* A JSON (.json) or YAML (anything else) file holding one document. NULL on
 * error, with "file:line: ..." in err. */
jv  *jv_parse_file(const char *path, char *err, size_t errsz);
void jv_free(jv *v);

const jv   *jv_get(const jv *obj, const char *key);     /* NULL if absent */
const char *jv_str(const jv *v);                        /* a string's text, else NULL */
const char *jv_get_str(const jv *obj, const char *key); /* jv_str(jv_get(...)) */
size_t      jv_len(const jv *v);                        /* entries of an array/object */
const jv   *jv_at(const jv *v, size_t i);

int   jv_equal(const jv *a, const jv *b);  /* numbers by value, objects by key */
/* Where a and b first differ, as a path ("reasons[0].cites"), appended to
 * `path`. Returns 1 when they differ. */
int   jv_first_diff(const jv *a, const jv *b, char *path, size_t pathsz);
const jv *jv_at_path(const jv *v, const char *path);    /* the value a path names */
void  jv_write(FILE *f, const jv *v);      /* compact JSON */
char *jv_text(const jv *v);                /* compact JSON, malloc'd */
/* A value for a person: a string as itself, anything else as JSON. */
char *jv_plain(const jv *v);

/* An id as gavel writes it (JSON text: "acc001" or 7) for a person: acc001. */
void  cli_id_plain(const char *json, char *buf, size_t bufsz);

/* One line of a stream, without its newline. Returns the length, or -1 at
 * the end. *buf grows as needed (free it when done). */
long  cli_getline(char **buf, size_t *cap, FILE *f);

#endif
