/*
 * json.h: a strict JSON reader that builds a value tree (value.h).
 *
 * Strict means RFC 8259 and nothing more: no comments, no trailing commas,
 * no NaN; duplicate keys, invalid UTF-8, NUL bytes (raw or \u0000 escaped),
 * lone surrogate escapes, integers beyond int64 and numbers beyond double
 * range are errors, and so is anything but whitespace after the value.
 * Limits (gv_limits) bound size, depth, node count and string length.
 *
 * Private to libgavel.
 */
#ifndef GAVEL_JSON_H
#define GAVEL_JSON_H

#include "value.h"

/* Parses exactly one JSON text from buf[0..len). `line0` is the 1-based line
 * of buf[0] in its file, so positions in values and errors are the file's.
 * Returns the root, or NULL with `err` set (line and column of the fault). */
gv_value *gvjson_parse(const char *buf, size_t len, uint32_t line0,
                       gv_arena *a, const gv_limits *lim, gv_error *err);

#endif
