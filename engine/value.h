/*
 * value.h: the parsed-value tree that every reader builds (JSON, YAML) and
 * that rules read through read-only proxies.
 *
 * Values live in an arena (gv_arena) and are freed together when the arena
 * is reset or freed; nothing in a tree is ever freed on its own. A value
 * knows its parent and its position there, so a path such as
 * "posts[2].labels.speech_level" can be rebuilt for the `missing` list
 * without paying for paths that are never asked for.
 *
 * Private to libgavel.
 */
#ifndef GAVEL_VALUE_H
#define GAVEL_VALUE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- arena -------------------------------------------------------------- */

typedef struct gv_chunk gv_chunk;
typedef struct gv_arena {
    gv_chunk      *head;   /* newest chunk first */
    size_t         used;   /* bytes handed out since the last reset */
    size_t         limit;  /* 0 = none; else gv_arena_alloc fails past it */
    unsigned char *next;   /* free room in the head chunk: next .. next+room */
    size_t         room;
} gv_arena;

#define GV_ARENA_INIT { NULL, 0, 0, NULL, 0 }

void *gv_arena_alloc_chunk(gv_arena *a, size_t size);

/* Returns 16-byte aligned memory, or NULL when out of memory or past
 * limit. Inline: the JSON reader calls it for every value. */
static inline void *gv_arena_alloc(gv_arena *a, size_t size)
{
    size_t n = size ? (size + 15) & ~(size_t)15 : 16;   /* 0 bytes: a real block */
    if (n >= size && n <= a->room && (!a->limit || a->used + n <= a->limit)) {
        void *p = a->next;
        a->next += n;
        a->room -= n;
        a->used += n;
        return p;
    }
    return gv_arena_alloc_chunk(a, size);
}
char *gv_arena_strdup(gv_arena *a, const char *s, size_t len); /* NUL-terminated copy */
void  gv_arena_reset(gv_arena *a);   /* keeps one chunk for reuse */
void  gv_arena_free(gv_arena *a);

/* ---- values ------------------------------------------------------------- */

typedef enum gv_type {
    GV_NULL, GV_BOOL, GV_INT, GV_NUM, GV_STR, GV_ARR, GV_OBJ
} gv_type;

typedef struct gv_value  gv_value;
typedef struct gv_member gv_member;

struct gv_value {
    uint8_t   type;        /* gv_type */
    uint32_t  line, col;   /* 1-based position in the source; 0 = unknown */
    uint32_t  len;         /* GV_STR: bytes; GV_ARR: items; GV_OBJ: members */
    uint32_t  index;       /* position in parent (0-based) */
    const gv_value *parent;
    union {
        int        b;
        int64_t    i;
        double     n;
        const char *s;        /* NUL-terminated, `len` bytes, valid UTF-8 */
        gv_value  **items;    /* GV_ARR */
        gv_member  *members;  /* GV_OBJ, in source order, keys unique */
    } u;
};

struct gv_member {
    const char *key;       /* NUL-terminated, valid UTF-8 */
    uint32_t    klen;
    gv_value   *val;
};

/* A deep copy of v (strings, keys, positions) in arena a, as a child of
 * `parent` at `index` (NULL, 0 for a root). NULL when out of memory. */
gv_value *gv_copy(gv_arena *a, const gv_value *v, const gv_value *parent, uint32_t index);

/* Member lookup; NULL when absent (a present null is a GV_NULL value). */
const gv_value *gv_get(const gv_value *obj, const char *key, size_t klen);
const gv_value *gv_gets(const gv_value *obj, const char *key); /* NUL-terminated key */

/* ---- limits and errors shared by the readers ---------------------------- */

typedef struct gv_limits {
    size_t   max_bytes;    /* one record's source text */
    unsigned max_depth;    /* nesting of arrays/objects */
    size_t   max_nodes;    /* values in one record */
    size_t   max_string;   /* bytes in one string or key */
} gv_limits;

#define GV_LIMITS_DEFAULT { 8u << 20, 64, 1000000, 1u << 20 }

typedef struct gv_error {
    uint32_t line, col;    /* 1-based, 0 = unknown */
    char     msg[240];
} gv_error;

/* Sets *e (nothing when e is NULL): where, and the formatted message, cut
 * to fit. The va_list form serves each reader's own fail(). */
void gv_error_set(gv_error *e, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gv_error_vset(gv_error *e, uint32_t line, uint32_t col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* ---- what both readers share ----------------------------------------------------- */

/* A member while its object is being read: the key's position, for errors. */
typedef struct gv_pmember {
    gv_member m;
    uint32_t  line, col;
} gv_pmember;

/* Is m's key the klen bytes at key? Both are NUL-terminated, so the first
 * bytes compare even when empty. */
static inline int gv_key_is(const gv_member *m, const char *key, size_t klen)
{
    return m->klen == klen && m->key[0] == key[0] && memcmp(m->key, key, klen) == 0;
}

static inline int gv_same_key(const gv_member *a, const gv_member *b)
{
    return gv_key_is(a, b->key, b->klen);
}

/* Objects of up to this many keys are checked for a repeated key pairwise,
 * as the keys arrive; a larger one once, when it closes. */
enum { GV_LINEAR_KEYS = 32 };

/* Does one of ms[0..n) have the key? */
static inline int gv_key_repeats(const gv_pmember *ms, uint32_t n, const char *key, size_t klen)
{
    for (uint32_t i = 0; i < n; i++)
        if (gv_key_is(&ms[i].m, key, klen))
            return 1;
    return 0;
}

/* Sets err to "duplicate key ..." (the key quoted) at line:col. */
void gv_error_duplicate(gv_error *err, uint32_t line, uint32_t col, const char *key, size_t klen);

/* A reader has read the key of member n of an object, ms[0..n) being the
 * members before it (NULL when none: a reader's stack may be empty, and
 * NULL + 0 is undefined): the key's bytes are at `key`, its length and
 * position in km (whose key may not be copied yet). 0, or -1 with err set
 * when the object is still small enough to check pairwise and one of ms
 * has the key. */
static inline int gv_check_new_key(const gv_pmember *ms, uint32_t n, const gv_pmember *km,
                                   const char *key, gv_error *err)
{
    if (n == 0 || n >= GV_LINEAR_KEYS)   /* n == 0: ms is NULL */
        return 0;
    if (!gv_key_repeats(ms, n, key, km->m.klen))
        return 0;
    gv_error_duplicate(err, km->line, km->col, key, km->m.klen);
    return -1;
}

/* The member, first in source order, whose key repeats an earlier one, or
 * NULL (then *oom says whether that is because memory ran out). Sorts a
 * copy of the order: O(n log n) whatever the keys, where a hash with a
 * fixed seed could be flooded by chosen keys. For objects past a few dozen
 * keys; below that, readers compare pairwise as keys arrive. */
const gv_pmember *gv_first_duplicate(const gv_pmember *ms, uint32_t n, int *oom);

/* 0 if no key of ms[0..n) repeats; -1 with err set at the first repeat
 * ("duplicate key ..."); 1 on out of memory, for the caller to report.
 * For objects past a few dozen keys (gv_first_duplicate). */
int gv_check_duplicates(const gv_pmember *ms, uint32_t n, gv_error *err);

/* A reader closes an array or object by moving the n children it gathered
 * on its scratch stack into the arena: 0, or -1 on out of memory. Inline:
 * the JSON reader does this for every container. */
static inline int gv_set_items(gv_arena *a, gv_value *arr, const void *items, uint32_t n)
{
    if (n) {
        size_t size = n * sizeof(gv_value *);
        if (!(arr->u.items = gv_arena_alloc(a, size)))
            return -1;
        memcpy(arr->u.items, items, size);
    } else {
        arr->u.items = NULL;
    }
    arr->len = n;
    return 0;
}

static inline int gv_set_members(gv_arena *a, gv_value *obj, const gv_pmember *ms, uint32_t n)
{
    if (n) {
        if (!(obj->u.members = gv_arena_alloc(a, n * sizeof(gv_member))))
            return -1;
        for (uint32_t i = 0; i < n; i++)
            obj->u.members[i] = ms[i].m;
    } else {
        obj->u.members = NULL;
    }
    obj->len = n;
    return 0;
}

/* A reader closes an object by checking a large one for a repeated key
 * (a small one was checked as its keys arrived) and moving its n members,
 * gathered at ms (NULL when none), into the arena. 0; -1 with err set at
 * the repeat; 1 on out of memory, for the caller to report. */
static inline int gv_close_object(gv_arena *a, gv_value *obj, const gv_pmember *ms, uint32_t n,
                                  gv_error *err)
{
    int dup = n > GV_LINEAR_KEYS ? gv_check_duplicates(ms, n, err) : 0;
    if (dup)
        return dup;
    return gv_set_members(a, obj, ms, n) ? 1 : 0;
}

/* strtod on the n bytes at s (not NUL-terminated): 0, or -1 on out of
 * memory. strtod reads the locale's decimal point; we never call
 * setlocale, but an embedding program may, so, as Lua does, it retries with
 * the locale's point when strtod stops at our '.'. */
int gv_strtod(const char *s, size_t n, double *out);

/* "key" with quotes, escaped and cut to 32 bytes (on a character edge),
 * for messages about a key. out needs GV_QUOTED_CAP bytes. */
#define GV_QUOTED_CAP 208
const char *gv_quote_key(char *out, size_t cap, const char *k, size_t n);

/* ---- paths and JSON text ---------------------------------------------------- */

struct gv_buf;
/* Appends v's path from its root: "posts[2].labels" (arrays 1-based, as
 * rules index them; keys that are not identifiers as ["a key"]). */
void gv_path(struct gv_buf *out, const gv_value *v);
/* The same with every array position as "[]": the path's shape. */
void gv_path_shape(struct gv_buf *out, const gv_value *v);
/* Appends ".key" (or "key" at the root, or ["k y"]) to a path. */
void gv_path_key(struct gv_buf *out, int at_root, const char *key, size_t klen);
/* Appends v as compact JSON. */
void gv_write_json(struct gv_buf *out, const gv_value *v);

#endif
