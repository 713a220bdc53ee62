/*
 * fuzz_common.h: what the libFuzzer harnesses share (docs/security.md, item 18):
 * a scratch directory made once per process and removed at exit, small
 * files written into it, an input as a NUL-terminated copy, limits small
 * enough that one input stays well inside -timeout=5 -rss_limit_mb=512, and
 * a check that aborts (so libFuzzer keeps the input) when an invariant fails.
 *
 * Harnesses may include private engine headers: they link the engine's
 * objects, not libgavel.so.
 */
#ifndef GAVEL_FUZZ_COMMON_H
#define GAVEL_FUZZ_COMMON_H

#define _GNU_SOURCE 1   /* memfd_create */

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gavel.h"
#include "buf.h"
#include "json.h"
#include "value.h"

/* An invariant failed: say which, and abort so the input is kept. */
#define FUZZ_CHECK(cond, ...)                                              \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n  ",      \
                    __FILE__, __LINE__, #cond);                            \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            abort();                                                       \
        }                                                                  \
    } while (0)

/* Limits for one fuzz input: small, so budgets trip quickly and often. */
static inline gv_limits fuzz_gv_limits(void)
{
    gv_limits l = { 64u << 10, 24, 20000, 4096 };
    return l;
}

static inline void fuzz_gavel_limits(gavel_limits *l)
{
    gavel_limits_init(l);
    l->instructions = 100000;
    l->millis = 200;
    l->memory = (size_t)32 << 20;
    l->record_bytes = 64u << 10;
    l->depth = 24;
    l->nodes = 20000;
    l->string_bytes = 4096;
}

/* ---- the scratch directory ------------------------------------------------ */

static char fuzz_dir_path[256];

static int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void fuzz_rm_dir(void)
{
    if (fuzz_dir_path[0])
        nftw(fuzz_dir_path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The process's scratch directory, made on first use, removed at exit. */
static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/gavel-fuzz-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir_path)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_rm_dir);
    }
    return fuzz_dir_path;
}

/* Writes `name` (which may hold one level of subdirectory) in the scratch
 * directory. Returns the full path in a static buffer. */
static inline const char *fuzz_write(const char *name, const void *data, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    char *slash = strrchr(path, '/');
    if (slash > path + strlen(fuzz_dir())) {
        *slash = '\0';
        mkdir(path, 0700);
        *slash = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    if (len && fwrite(data, 1, len, f) != len) {
        perror(path);
        abort();
    }
    if (fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

static inline const char *fuzz_write_str(const char *name, const char *text)
{
    return fuzz_write(name, text, strlen(text));
}

/* The input in an anonymous in-memory file, for APIs that take a path:
 * "/proc/self/fd/N". Close *fd afterwards. */
static inline const char *fuzz_memfile(const uint8_t *data, size_t size, int *fd)
{
    static char path[64];
    *fd = memfd_create("gavel-fuzz", MFD_CLOEXEC);
    if (*fd < 0) {
        perror("fuzz: memfd_create");
        abort();
    }
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(*fd, data + off, size - off);
        if (n <= 0) {
            perror("fuzz: write");
            abort();
        }
        off += (size_t)n;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", *fd);
    return path;
}

/* ---- checks --------------------------------------------------------------- */

/* `text` must be one strict JSON value (gavel's own reader says so). */
static inline void fuzz_check_json(const char *what, const char *text, size_t len)
{
    gv_limits lim = { (size_t)-1, 1000, (size_t)-1, (size_t)-1 };
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };
    gv_value *v = gvjson_parse(text, len, 1, &a, &lim, &e);
    FUZZ_CHECK(v != NULL, "%s is not valid JSON (%u:%u: %s): %.*s", what, e.line, e.col,
               e.msg, (int)(len > 2000 ? 2000 : len), text);
    gv_arena_free(&a);
}

/* v written as JSON must read back as JSON and write out the same text. */
static inline void fuzz_check_roundtrip(const char *what, const gv_value *v, unsigned depth)
{
    gv_buf b1 = GV_BUF_INIT, b2 = GV_BUF_INIT;
    gv_write_json(&b1, v);
    FUZZ_CHECK(!b1.oom, "%s: out of memory writing JSON", what);
    gv_limits lim = { (size_t)-1, depth + 1, (size_t)-1, (size_t)-1 };
    gv_arena a = GV_ARENA_INIT;
    gv_error e = { 0 };
    gv_value *w = gvjson_parse(b1.ptr ? b1.ptr : "", b1.len, 1, &a, &lim, &e);
    FUZZ_CHECK(w != NULL, "%s: the value written as JSON does not read back (%u:%u: %s): %.*s",
               what, e.line, e.col, e.msg, (int)(b1.len > 2000 ? 2000 : b1.len), b1.ptr);
    gv_write_json(&b2, w);
    FUZZ_CHECK(b1.len == b2.len && memcmp(b1.ptr, b2.ptr, b1.len) == 0,
               "%s: JSON round trip changed the value:\n  %.*s\n  %.*s", what,
               (int)(b1.len > 2000 ? 2000 : b1.len), b1.ptr,
               (int)(b2.len > 2000 ? 2000 : b2.len), b2.ptr);
    gv_arena_free(&a);
    gv_buf_free(&b1);
    gv_buf_free(&b2);
}

/* Depth of a value tree (a leaf is 0). */
static inline unsigned fuzz_depth(const gv_value *v)
{
    unsigned d = 0;
    if (v->type == GV_ARR) {
        for (uint32_t i = 0; i < v->len; i++) {
            unsigned k = fuzz_depth(v->u.items[i]);
            d = k > d ? k : d;
        }
        return d + 1;
    }
    if (v->type == GV_OBJ) {
        for (uint32_t i = 0; i < v->len; i++) {
            unsigned k = fuzz_depth(v->u.members[i].val);
            d = k > d ? k : d;
        }
        return d + 1;
    }
    return 0;
}

#endif
