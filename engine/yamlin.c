/*
 * yamlin.c: the YAML reader's input and events (yamlin.h): libyaml's
 * parser fed from a file or a buffer, its errors turned into ours, and the
 * event stream with its nesting count, for yamldoc.c to build trees from.
 * Calls libyaml, value.h (errors), buf.h (UTF-8) and libc only.
 *
 * The nesting count stops the stream as soon as it passes the depth
 * limit: libyaml has none, and deep flow nesting is quadratic in its
 * scanner.
 *
 * Input is UTF-8 only (set on the parser, so no guessing from a BOM) and
 * reaches libyaml through read_input(), a line at a time and never past
 * a character libyaml would refuse (check_input() judges as its reader
 * does): libyaml decodes every byte it is handed at once and fails on
 * the first bad one, so a bad byte handed early loses the records ahead
 * of it, as many as depended on where libyaml's reads and the file's
 * chunks fell. We report the bad character ourselves when libyaml asks
 * for it. read_input() also caps how far libyaml may read into one
 * record, and keeps enough of the input to put a line on errors.
 */
#include "yamlin.h"
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors --------------------------------------------------------------- */

void *gvyaml_fail_at(gvyaml *y, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gv_error_vset(y->err, line, col, fmt, ap);
    va_end(ap);
    return NULL;
}

void *gvyaml_fail(gvyaml *y, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gv_error_vset(y->err, (uint32_t)y->ev.start_mark.line + 1,
                  (uint32_t)y->ev.start_mark.column + 1, fmt, ap);
    va_end(ap);
    return NULL;
}

int gvyaml_set_broken(gvyaml *y)
{
    y->broken = 1;
    if (y->err)
        y->broken_err = *y->err;
    return GVYAML_BROKEN;
}

/* Line and column of an input offset, when it falls in the chunk we still
 * have (always, for a buffer); else the scanner's line. */
static void locate(gvyaml *y, size_t off, uint32_t *line, uint32_t *col)
{
    *line = (uint32_t)y->parser.mark.line + 1;
    *col = 0;
    if (off < y->chunk_off || off > y->chunk_off + y->chunk_len)
        return;
    const unsigned char *p = y->chunk, *end = p + (off - y->chunk_off), *bol = NULL;
    uint32_t n = y->chunk_line;
    for (; p < end; p++) {
        if (*p == '\n') {
            n++;
            bol = p + 1;
        }
    }
    *line = n + 1;
    if (bol)
        *col = (uint32_t)(end - bol) + 1;
    else if (y->chunk_line == 0)       /* still on the input's first line */
        *col = (uint32_t)(end - y->chunk) + (uint32_t)y->chunk_off + 1;
}

/* After yaml_parser_parse failed: its error (or ours, from read_input). */
static void parser_error(gvyaml *y)
{
    const yaml_parser_t *p = &y->parser;
    uint32_t line, col;

    if (y->too_long) {
        gvyaml_fail_at(y, y->rec_line, 0, "record longer than %zu bytes", y->lim->max_bytes);
    } else if (y->read_errno) {
        gvyaml_fail_at(y, (uint32_t)p->mark.line + 1, 0, "read error: %s",
                       strerror(y->read_errno));
    } else if (y->refused) {
        locate(y, y->bad_off, &line, &col);
        gvyaml_fail_at(y, line, col, "%s", y->bad_msg);
    } else if (p->error == YAML_MEMORY_ERROR) {
        gvyaml_fail_at(y, (uint32_t)p->mark.line + 1, 0, "out of memory");
    } else if (p->error == YAML_READER_ERROR) {
        locate(y, p->problem_offset, &line, &col);
        if (p->problem_value == 0)
            gvyaml_fail_at(y, line, col, "NUL byte in input");
        else if (strstr(p->problem, "UTF-8") || strstr(p->problem, "Unicode"))
            gvyaml_fail_at(y, line, col, "invalid UTF-8 (%s)", p->problem);
        else
            gvyaml_fail_at(y, line, col, "%s", p->problem);
    } else {
        line = (uint32_t)p->problem_mark.line + 1;
        col = (uint32_t)p->problem_mark.column + 1;
        if (p->context)
            gvyaml_fail_at(y, line, col, "%s (%s)", p->problem ? p->problem : "syntax error",
                           p->context);
        else
            gvyaml_fail_at(y, line, col, "%s", p->problem ? p->problem : "syntax error");
    }
}

/* ---- input ---------------------------------------------------------------- */

/* The next chunk of a file. Bytes not yet handed over (the start of a
 * character the chunk cut in two) move to the front of the new chunk. */
static int refill(gvyaml *y)
{
    size_t keep = y->chunk_len - y->chunk_pos;
    for (size_t i = 0; i < y->chunk_pos; i++)
        y->chunk_line += y->chunk[i] == '\n';
    y->chunk_off += y->chunk_pos;
    memmove(y->fbuf, y->fbuf + y->chunk_pos, keep);
    y->chunk_pos = y->checked = 0;
    size_t got = fread(y->fbuf + keep, 1, CHUNK - keep, y->f);
    y->chunk_len = keep + got;
    if (got == 0) {
        if (ferror(y->f)) {
            y->read_errno = errno ? errno : EIO;
            return -1;
        }
        y->at_eof = 1;
    }
    return 0;
}

enum { CHAR_CUT = -1 };

/* The character at s as libyaml's reader judges it: its length if YAML
 * allows it (tab, newlines, printable ASCII, U+0085, U+00A0 on, minus
 * surrogates, U+FFFE and U+FFFF); 0 if not, with the reason in why;
 * CHAR_CUT if the `avail` bytes end inside a character. */
static int yaml_char(const unsigned char *s, size_t avail, char why[static 64])
{
    unsigned c = s[0], cp = c;
    int n = 1;
    if (c >= 0x80) {
        n = gv_utf8_seq(s, avail);
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (n == 0 && avail < need && c >= 0xC2 && c <= 0xF4) {
            size_t i = 1;
            while (i < avail && (s[i] & 0xC0) == 0x80)
                i++;
            if (i == avail)
                return CHAR_CUT;
        }
        if (n == 0) {
            snprintf(why, 64, "invalid UTF-8 (a sequence starting with byte 0x%02X)", c);
            return 0;
        }
        if (n == 4)
            return 4;                       /* U+10000 to U+10FFFF: all allowed */
        cp = n == 2 ? (c & 0x1Fu) << 6 | (s[1] & 0x3Fu)
                    : (c & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
    }
    if (cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0x7E) ||
        cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD))
        return n;
    if (cp == 0)
        snprintf(why, 64, "NUL byte in input");
    else
        snprintf(why, 64, "character U+%04X is not allowed in YAML", cp);
    return 0;
}

/* Checks the chunk's characters up to `end` (the last one may run past it)
 * and returns where the bytes fit to hand to libyaml end: at `end`, or
 * before a character refused (y->bad set) or cut by the chunk's end. */
static size_t check_input(gvyaml *y, size_t end)
{
    while (y->checked < end && !y->bad) {
        size_t i = y->checked;
        int n = yaml_char(y->chunk + i, y->chunk_len - i, y->bad_msg);
        if (n == CHAR_CUT && y->f && !y->at_eof)
            break;                          /* its rest is in the next chunk */
        if (n <= 0) {
            if (n == CHAR_CUT)
                snprintf(y->bad_msg, sizeof y->bad_msg,
                         "invalid UTF-8 (the input ends inside a character)");
            y->bad = 1;
            y->bad_off = y->chunk_off + i;
            break;
        }
        y->checked = i + (size_t)n;
    }
    return y->checked < end ? y->checked : end;
}

/* libyaml's read handler: 1 with *got bytes (0 at the end), 0 on error.
 * It hands over one line at a time, and only characters libyaml will take
 * (see the top of the file). */
static int read_input(void *data, unsigned char *buf, size_t size, size_t *got)
{
    gvyaml *y = data;
    size_t max = y->lim->max_bytes, n;
    *got = 0;
    for (;;) {
        const unsigned char *p = y->chunk + y->chunk_pos;
        n = y->chunk_len - y->chunk_pos;
        if (n > size)
            n = size;
        const unsigned char *nl = memchr(p, '\n', n);
        if (nl)
            n = (size_t)(nl - p) + 1;
        n = check_input(y, y->chunk_pos + n) - y->chunk_pos;
        if (n > 0)
            break;
        if (y->bad) {
            y->refused = 1;                 /* parser_error() says why */
            return 0;
        }
        if (!y->f || y->at_eof)
            return 1;                       /* the end */
        if (refill(y))
            return 0;
    }
    /* Past the record's budget (plus what libyaml reads ahead), the record
     * is too long whatever follows: stop before libyaml buffers more. */
    size_t used = y->chunk_off + y->chunk_pos - y->rec_start;
    if (max <= SIZE_MAX - READ_SLACK && used > max + READ_SLACK) {
        y->too_long = 1;
        return 0;
    }
    memcpy(buf, y->chunk + y->chunk_pos, n);
    y->chunk_pos += n;
    *got = n;
    return 1;
}

void gvyaml_mark_record_start(gvyaml *y)
{
    y->rec_start = y->chunk_off + y->chunk_pos;
    y->rec_line = (uint32_t)y->ev.end_mark.line + 1;
}

/* ---- events --------------------------------------------------------------- */

int gvyaml_next_event(gvyaml *y)
{
    yaml_event_delete(&y->ev);
    if (!yaml_parser_parse(&y->parser, &y->ev)) {
        parser_error(y);
        gvyaml_set_broken(y);
        return -1;
    }
    switch (y->ev.type) {
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (++y->open - y->rec_base > y->max_depth) {
            gvyaml_fail(y, "nesting deeper than %u", y->max_depth);
            gvyaml_set_broken(y);
            return -1;
        }
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        y->open--;
        break;
    default:
        break;
    }
    return 0;
}

int gvyaml_skip_record(gvyaml *y)
{
    while (y->open > y->rec_base) {
        if (gvyaml_next_event(y))
            return -1;
    }
    return 0;
}

/* ---- readers -------------------------------------------------------------- */

static gvyaml *open_reader(int split_seq)
{
    gvyaml *y = calloc(1, sizeof *y);
    if (!y)
        return NULL;
    if (!yaml_parser_initialize(&y->parser)) {
        free(y);
        return NULL;
    }
    /* Records are UTF-8: no guessing from a BOM, no UTF-16. */
    yaml_parser_set_encoding(&y->parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input(&y->parser, read_input, y);
    y->split_seq = split_seq;
    y->stack = (gv_buf)GV_BUF_INIT;
    return y;
}

gvyaml *gvyaml_open_file(FILE *f, int split_seq)
{
    gvyaml *y = open_reader(split_seq);
    if (y) {
        y->f = f;
        y->chunk = y->fbuf;
    }
    return y;
}

gvyaml *gvyaml_open_buf(const char *buf, size_t len, int split_seq)
{
    gvyaml *y = open_reader(split_seq);
    if (y) {
        y->chunk = (const unsigned char *)buf;
        y->chunk_len = len;
    }
    return y;
}

void gvyaml_close(gvyaml *y)
{
    if (!y)
        return;
    yaml_event_delete(&y->ev);
    yaml_parser_delete(&y->parser);
    gv_buf_free(&y->stack);
    free(y);
}
