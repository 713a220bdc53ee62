/*
 * record.c: records and record streams. A reader turns a file (JSON Lines,
 * a JSON document, a YAML stream) into records one at a time; nothing is
 * ever skipped: a record that cannot be read becomes a record that holds the
 * error with its file:line, and evaluates to an on_error decision.
 *
 * JSON Lines are read with a buffered line splitter (a line longer than the
 * record limit is reported and skipped to its end, not read into memory);
 * YAML goes through yamldoc.c's streaming reader; a .json file is read whole,
 * and an array in it is a list of records. The reader numbers the records
 * (their position); a file that holds one document (a context, a test
 * file) is read whole into one record by gavel_record_parse_file.
 *
 * Calls json.h, yamldoc.h, value.h, buf.h and libc (file I/O) only.
 */
#include "record.h"
#include "buf.h"
#include "json.h"
#include "value.h"
#include "yamldoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

enum { READ_CHUNK = 1 << 16 };

/* Zero fields mean "the default", as everywhere limits are given. */
static gv_limits to_gv(const gavel_limits *l)
{
    gavel_limits d;
    gavel_limits_init(&d);
    gv_limits g = { d.record_bytes, d.depth, d.nodes, d.string_bytes };
    if (l && l->record_bytes) g.max_bytes = l->record_bytes;
    if (l && l->depth)        g.max_depth = l->depth;
    if (l && l->nodes)        g.max_nodes = l->nodes;
    if (l && l->string_bytes) g.max_string = l->string_bytes;
    return g;
}

/* ---- records --------------------------------------------------------------------- */

gavel_record *gavel_record_new(void)
{
    gavel_record *r = calloc(1, sizeof *r);
    return r;
}

void gavel_record_free(gavel_record *r)
{
    if (!r)
        return;
    gv_arena_free(&r->arena);
    free(r);
}

static void record_clear(gavel_record *r)
{
    gv_arena_reset(&r->arena);
    r->root = NULL;
    r->raw = NULL;
    r->err[0] = '\0';
    r->where[0] = '\0';
}

static void record_fail(gavel_record *r, const char *name, const gv_error *e)
{
    r->root = NULL;
    snprintf(r->err, sizeof r->err, "%.*s:%u:%u: %.*s", 120, name, e->line, e->col ? e->col : 1,
             180, e->msg);
}

gv_value *gvrec_parse_doc(const char *text, size_t len, gavel_format format,
                          gv_arena *a, const gv_limits *lim, gv_error *e)
{
    if (format == GAVEL_AUTO) {
        size_t i = 0;
        while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
            i++;
        format = i < len && text[i] == '{' ? GAVEL_JSON : GAVEL_YAML;
    }
    if (format == GAVEL_YAML)
        return gvyaml_load_buf(text, len, a, lim, e);
    return gvjson_parse(text, len, 1, a, lim, e);
}

gavel_status gavel_record_parse(gavel_record *r, const char *text, size_t len,
                                gavel_format format, const char *name,
                                const gavel_limits *limits)
{
    if (!r || (!text && len))
        return GAVEL_EARG;
    record_clear(r);
    name = name ? name : "record";
    snprintf(r->where, sizeof r->where, "%s:1", name);
    gv_limits lim = to_gv(limits);
    gv_error e = { 0 };
    r->root = gvrec_parse_doc(text ? text : "", len, format == GAVEL_YAML ? GAVEL_YAML : GAVEL_JSON,
                              &r->arena, &lim, &e);
    if (!r->root) {
        record_fail(r, name, &e);
        return GAVEL_EINPUT;
    }
    return GAVEL_OK;
}

/* Reads all of fd into b: 0, -1 on a read error, 1 past `cap` bytes.
 * *count, when given, grows by the bytes read. */
static int read_fd(int fd, gv_buf *b, size_t cap, uint64_t *count)
{
    char tmp[READ_CHUNK];
    ssize_t n;
    while ((n = read(fd, tmp, sizeof tmp)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        gv_buf_add(b, tmp, (size_t)n);
        if (count)
            *count += (uint64_t)n;
        if (b->oom)
            return -1;
        if (b->len > cap)
            return 1;
    }
    return 0;
}

gavel_status gavel_record_parse_file(gavel_record *r, const char *path,
                                     gavel_format format, const gavel_limits *limits)
{
    if (!r || !path)
        return GAVEL_EARG;
    record_clear(r);
    snprintf(r->where, sizeof r->where, "%s:1", path);
    gv_limits lim = to_gv(limits);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(r->err, sizeof r->err, "%.200s: cannot open: %s", path, strerror(errno));
        return GAVEL_EIO;
    }
    gv_buf b = GV_BUF_INIT;
    int st = read_fd(fd, &b, lim.max_bytes, NULL);
    int read_errno = errno;
    close(fd);
    if (st != 0) {
        if (st > 0)
            snprintf(r->err, sizeof r->err, "%.200s: longer than %zu bytes (--max-record-bytes)",
                     path, lim.max_bytes);
        else
            snprintf(r->err, sizeof r->err, "%.200s: read error: %s", path,
                     b.oom ? "out of memory" : strerror(read_errno));
        gv_buf_free(&b);
        return st > 0 ? GAVEL_EINPUT : GAVEL_EIO;
    }
    gv_error e = { 0 };
    gavel_format f = format == GAVEL_JSONL ? GAVEL_JSON : format;   /* one document */
    r->root = gvrec_parse_doc(b.ptr ? b.ptr : "", b.len, f, &r->arena, &lim, &e);
    gv_buf_free(&b);
    if (!r->root) {
        record_fail(r, path, &e);
        return GAVEL_EINPUT;
    }
    return GAVEL_OK;
}

const gavel_value *gavel_record_value(const gavel_record *r)
{
    return r && r->root && !r->raw ? (const gavel_value *)r->root : NULL;
}

const char *gavel_record_errmsg(const gavel_record *r)
{
    return r && r->err[0] ? r->err : NULL;
}
const char *gavel_record_where(const gavel_record *r) { return r ? r->where : NULL; }
uint64_t gavel_record_position(const gavel_record *r) { return r ? r->position : 0; }
void gavel_record_set_position(gavel_record *r, uint64_t pos)
{
    if (r)
        r->position = pos;
}

/* ---- readers ----------------------------------------------------------------------- */

struct gavel_reader {
    gavel_status status;
    char         errmsg[512];
    char        *name;          /* for messages: the path, or "<stdin>" */
    gavel_format format;
    gv_limits    lim;
    int          fd;            /* JSON Lines */
    FILE        *file;          /* YAML */
    gvyaml      *yaml;
    uint64_t     position;      /* of the last record handed out */
    uint64_t     bytes_read;    /* from the file so far (JSON Lines, .json) */
    int          done;
    int          defer;         /* JSON Lines: hand out lines, parse later */

    /* JSON Lines: a sliding buffer over the file. */
    char    *buf;
    size_t   cap, start, end;   /* unread bytes are buf[start..end) */
    uint32_t line;              /* line number of buf[start] */
    int      eof;

    /* .json: the whole document, and the next array item. */
    gv_arena  doc_arena;
    gv_value *doc;
    uint32_t  next_item;
};

static gavel_format format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return GAVEL_JSONL;
    if (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))
        return GAVEL_YAML;
    if (!strcmp(dot, ".json"))
        return GAVEL_JSON;
    return GAVEL_JSONL;
}

static void reader_fail(gavel_reader *rd, gavel_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reader_fail(gavel_reader *rd, gavel_status st, const char *fmt, ...)
{
    GV_BUF_FORMAT(rd->errmsg, fmt);
    rd->status = st;
    rd->done = 1;
}

/* Values in the tree at v, counting at most past `max`. */
static size_t count_values(const gv_value *v, size_t max)
{
    size_t n = 1;
    for (uint32_t i = 0; n <= max && (v->type == GV_ARR || v->type == GV_OBJ) && i < v->len; i++)
        n += count_values(v->type == GV_ARR ? v->u.items[i] : v->u.members[i].val, max - n);
    return n;
}

static void open_json(gavel_reader *rd)
{
    gv_buf b = GV_BUF_INIT;
    int st = read_fd(rd->fd, &b, rd->lim.max_bytes, &rd->bytes_read);
    if (st < 0) {
        reader_fail(rd, GAVEL_EIO, "%s: read error: %s", rd->name, strerror(errno));
        gv_buf_free(&b);
        return;
    }
    if (st > 0) {                   /* unreadable: no record, the run says so */
        reader_fail(rd, GAVEL_EINPUT, "%s: a .json file is read whole, and this one is "
                    "longer than %zu bytes (--max-record-bytes); JSON Lines has no such "
                    "limit", rd->name, rd->lim.max_bytes);
        gv_buf_free(&b);
        return;
    }
    /* The whole file is one document, at most --max-record-bytes long;
     * the depth and value limits apply to each of its items (next_json). */
    gv_limits lim = rd->lim;
    lim.max_bytes = b.len + 1;
    lim.max_nodes = (size_t)-1;
    lim.max_depth = rd->lim.max_depth + 1;
    gv_error e = { 0 };
    rd->doc = gvjson_parse(b.ptr ? b.ptr : "", b.len, 1, &rd->doc_arena, &lim, &e);
    gv_buf_free(&b);
    if (!rd->doc)
        snprintf(rd->errmsg, sizeof rd->errmsg, "%s:%u:%u: %s", rd->name, e.line,
                 e.col ? e.col : 1, e.msg);
}

/* A reader at its first line, with no input yet. */
static gavel_reader *reader_new(const char *name, const gavel_limits *limits)
{
    gavel_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return NULL;
    rd->fd = -1;
    rd->lim = to_gv(limits);
    rd->line = 1;
    rd->name = strdup(name);
    return rd;
}

gavel_reader *gavel_reader_open(const char *path, gavel_format format,
                                const gavel_limits *limits)
{
    int is_stdin = !path || !strcmp(path, "-");
    gavel_reader *rd = reader_new(is_stdin ? "<stdin>" : path, limits);
    if (!rd)
        return NULL;
    rd->format = format != GAVEL_AUTO ? format : is_stdin ? GAVEL_JSONL : format_for(path);
    rd->fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (rd->fd < 0) {
        reader_fail(rd, GAVEL_EIO, "%s: cannot open: %s", rd->name, strerror(errno));
        return rd;
    }
    if (rd->format == GAVEL_YAML) {
        rd->file = fdopen(rd->fd, "rb");
        rd->yaml = rd->file ? gvyaml_open_file(rd->file, 1) : NULL;
        if (!rd->yaml)
            reader_fail(rd, GAVEL_ENOMEM, "%s: out of memory", rd->name);
        if (rd->file)
            rd->fd = -1;      /* owned by the FILE now */
    } else if (rd->format == GAVEL_JSON) {
        open_json(rd);
    }
    return rd;
}

gavel_reader *gavel_reader_open_text(const char *text, size_t len, const char *name,
                                     const gavel_limits *limits)
{
    if (!text && len)
        return NULL;
    gavel_reader *rd = reader_new(name ? name : "text", limits);
    if (!rd)
        return NULL;
    rd->format = GAVEL_JSONL;
    rd->buf = malloc(len + 1);
    if (!rd->name || !rd->buf) {
        free(rd->name);
        free(rd->buf);
        free(rd);
        return NULL;
    }
    if (len)
        memcpy(rd->buf, text, len);
    rd->cap = len + 1;
    rd->end = len;
    rd->eof = 1;
    rd->bytes_read = len;
    return rd;
}

void gavel_reader_free(gavel_reader *rd)
{
    if (!rd)
        return;
    gvyaml_close(rd->yaml);
    if (rd->file)
        fclose(rd->file);
    if (rd->fd >= 0)
        close(rd->fd);
    gv_arena_free(&rd->doc_arena);
    free(rd->buf);
    free(rd->name);
    free(rd);
}

gavel_status gavel_reader_status(const gavel_reader *rd) { return rd ? rd->status : GAVEL_EARG; }
const char *gavel_reader_errmsg(const gavel_reader *rd) { return rd ? rd->errmsg : ""; }

/* Fills the buffer; returns bytes added, 0 at end of file, -1 on error. */
static ssize_t fill(gavel_reader *rd)
{
    if (rd->fd < 0)             /* a reader over text in memory: all of it is in buf */
        return 0;
    if (rd->start > 0 && rd->start == rd->end)
        rd->start = rd->end = 0;
    if (rd->cap - rd->end < READ_CHUNK) {
        if (rd->start > 0) {            /* slide unread bytes to the front */
            memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
            rd->end -= rd->start;
            rd->start = 0;
        }
        if (rd->cap - rd->end < READ_CHUNK) {
            size_t cap = rd->cap ? rd->cap * 2 : 4 * READ_CHUNK;
            char *b = realloc(rd->buf, cap);
            if (!b)
                return -1;
            rd->buf = b;
            rd->cap = cap;
        }
    }
    for (;;) {
        ssize_t n = read(rd->fd, rd->buf + rd->end, rd->cap - rd->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0) {
            rd->end += (size_t)n;
            rd->bytes_read += (uint64_t)n;
        }
        return n;
    }
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Skips the rest of an overlong line without keeping it. */
static int skip_line(gavel_reader *rd)
{
    for (;;) {
        char *nl = memchr(rd->buf + rd->start, '\n', rd->end - rd->start);
        if (nl) {
            rd->start = (size_t)(nl - rd->buf) + 1;
            return 0;
        }
        rd->start = rd->end;
        ssize_t n = fill(rd);
        if (n <= 0)
            return (int)n;
    }
}

static int next_jsonl(gavel_reader *rd, gavel_record *r)
{
    for (;;) {
        char *s = rd->buf ? rd->buf + rd->start : NULL;
        char *nl = s ? memchr(s, '\n', rd->end - rd->start) : NULL;
        if (!nl && !rd->eof) {
            if (rd->end - rd->start > rd->lim.max_bytes) {
                uint32_t line = rd->line++;
                snprintf(r->where, sizeof r->where, "%s:%u", rd->name, line);
                snprintf(r->err, sizeof r->err, "%s:%u:1: line longer than %zu bytes "
                         "(--max-record-bytes)", rd->name, line, rd->lim.max_bytes);
                if (skip_line(rd) < 0)
                    reader_fail(rd, GAVEL_EIO, "%s: read error: %s", rd->name, strerror(errno));
                return 1;
            }
            ssize_t n = fill(rd);
            if (n < 0) {
                reader_fail(rd, GAVEL_EIO, "%s: read error: %s", rd->name, strerror(errno));
                return -1;
            }
            if (n == 0)
                rd->eof = 1;
            continue;
        }
        size_t len = nl ? (size_t)(nl - s) : rd->end - rd->start;
        if (!nl && len == 0)
            return 0;
        uint32_t line = rd->line++;
        rd->start += len + (nl ? 1 : 0);
        if (blank(s, len))
            continue;
        if (len && s[len - 1] == '\r')
            len--;
        snprintf(r->where, sizeof r->where, "%s:%u", rd->name, line);
        if (len > rd->lim.max_bytes) {
            snprintf(r->err, sizeof r->err, "%s:%u:1: line longer than %zu bytes "
                     "(--max-record-bytes)", rd->name, line, rd->lim.max_bytes);
            return 1;
        }
        if (rd->defer) {
            r->raw = gv_arena_strdup(&r->arena, s, len);
            r->rawlen = len;
            r->line = line;
            r->namelen = strlen(rd->name) < sizeof r->where ? strlen(rd->name) : 0;
            r->lim = rd->lim;
            if (!r->raw)
                snprintf(r->err, sizeof r->err, "%s:%u:1: out of memory", rd->name, line);
            return 1;
        }
        gv_error e = { 0 };
        r->root = gvjson_parse(s, len, line, &r->arena, &rd->lim, &e);
        if (!r->root)
            record_fail(r, rd->name, &e);
        return 1;
    }
}

void gavel_reader_defer_parsing(gavel_reader *rd, int on)
{
    if (rd)
        rd->defer = on && rd->format == GAVEL_JSONL;
}

gavel_status gavel_record_finish(gavel_record *r)
{
    if (!r)
        return GAVEL_EARG;
    if (!r->raw)
        return r->root ? GAVEL_OK : GAVEL_EINPUT;
    gv_error e = { 0 };
    r->root = gvjson_parse(r->raw, r->rawlen, r->line, &r->arena, &r->lim, &e);
    r->raw = NULL;
    if (!r->root) {
        char name[256];             /* the file name: where less its ":line" */
        snprintf(name, sizeof name, "%.*s", (int)r->namelen, r->where);
        record_fail(r, name, &e);
        return GAVEL_EINPUT;
    }
    return GAVEL_OK;
}

static int next_yaml(gavel_reader *rd, gavel_record *r)
{
    gv_error e = { 0 };
    gv_value *v = NULL;
    int st = gvyaml_next(rd->yaml, &r->arena, &rd->lim, &v, &e);
    if (st == GVYAML_END)
        return 0;
    snprintf(r->where, sizeof r->where, "%s:%u", rd->name, v ? v->line : e.line);
    if (st == GVYAML_RECORD) {
        r->root = v;
        return 1;
    }
    record_fail(r, rd->name, &e);
    /* The parser cannot go on: this error is the last record, and the
     * reader fails after it, so a caller that counts records learns that
     * the rest of the file, if any, was not read. */
    if (st == GVYAML_BROKEN)
        reader_fail(rd, GAVEL_EINPUT, "%s:%u: the YAML stream cannot be read past this "
                    "error; records after it, if any, were not read (JSON Lines recovers "
                    "line by line)", rd->name, v ? v->line : e.line);
    return 1;
}

static int next_json(gavel_reader *rd, gavel_record *r)
{
    if (!rd->doc) {                 /* the file did not parse: one error record */
        rd->done = 1;
        snprintf(r->where, sizeof r->where, "%s:1", rd->name);
        snprintf(r->err, sizeof r->err, "%.300s", rd->errmsg);
        rd->errmsg[0] = '\0';
        return 1;
    }
    gv_value *item = rd->doc;
    if (rd->doc->type == GV_ARR) {
        if (rd->next_item >= rd->doc->len)
            return 0;
        item = rd->doc->u.items[rd->next_item++];
    } else if (rd->next_item++ > 0) {
        return 0;
    }
    snprintf(r->where, sizeof r->where, "%s:%u", rd->name, item->line);
    if (count_values(item, rd->lim.max_nodes) > rd->lim.max_nodes) {
        gv_error e;
        gv_error_set(&e, item->line, item->col, "more than %zu values (--max-nodes)",
                     rd->lim.max_nodes);
        record_fail(r, rd->name, &e);
        return 1;
    }
    /* Each item is copied into the record, a root of its own (paths in
     * `missing` start at the record): the record must outlive the reader,
     * which gavel eval -j frees at the end of the file while workers are
     * still evaluating its last records. */
    r->root = gv_copy(&r->arena, item, NULL, 0);
    if (!r->root) {
        gv_error e;
        gv_error_set(&e, item->line, item->col, "out of memory");
        record_fail(r, rd->name, &e);
    }
    return 1;
}

int gavel_reader_next(gavel_reader *rd, gavel_record *r)
{
    if (!rd || !r)
        return -1;
    record_clear(r);
    if (rd->done)
        return rd->status == GAVEL_OK ? 0 : -1;
    int st;
    switch (rd->format) {
    case GAVEL_YAML: st = next_yaml(rd, r); break;
    case GAVEL_JSON: st = next_json(rd, r); break;
    default:         st = next_jsonl(rd, r); break;
    }
    if (st == 1)
        r->position = ++rd->position;
    return st;
}

void gavel_reader_set_position(gavel_reader *rd, uint64_t records_before)
{
    if (rd)
        rd->position = records_before;
}

uint64_t gavel_reader_position(const gavel_reader *rd) { return rd ? rd->position : 0; }

uint64_t gavel_reader_offset(const gavel_reader *rd)
{
    if (!rd)
        return 0;
    if (rd->file) {
        long off = ftell(rd->file);
        return off > 0 ? (uint64_t)off : 0;
    }
    return rd->bytes_read - (rd->end - rd->start);
}
