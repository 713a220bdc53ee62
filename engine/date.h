/*
 * date.h: ISO 8601 dates and times (date.c). Depends on nothing but libc.
 */
#ifndef GAVEL_DATE_H
#define GAVEL_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Room for an as_of as gavel writes it: YYYY-MM-DD, or a UTC date-time
 * YYYY-MM-DDTHH:MM:SS[.sss]Z, with its NUL. */
enum { GVDATE_MAX = 32 };

/* Parses YYYY-MM-DD[THH:MM[:SS[.f]]][Z|±HH:MM] (the first n bytes of s)
 * into seconds since the epoch; returns 0 ok, -1 malformed. *date_only is
 * set when there was no time part. */
int gvdate_parse(const char *s, size_t n, double *secs, int *date_only);

/* An instant for as_of and in_force: a date (the start of that day, UTC) or
 * a date-time with Z or an offset, in milliseconds since the epoch. Returns
 * 0 ok, -1 malformed, -2 a date-time without a zone (whose instant nobody
 * can know). */
int gvdate_instant(const char *s, size_t n, int64_t *ms, int *date_only);

/* The as_of text of s (n bytes): a date as written, a date-time as its
 * instant in UTC, "YYYY-MM-DDTHH:MM:SS[.sss]Z", so every way of writing one
 * instant reads the same. Returns gvdate_instant's answer; out is
 * GVDATE_MAX bytes. */
int gvdate_as_of(const char *s, size_t n, char *out, int64_t *ms, int *date_only);

/* An instant as RFC 3339 in UTC, "YYYY-MM-DDTHH:MM:SS[.sss]Z" (milliseconds
 * only when there are some); out is GVDATE_MAX bytes. */
void gvdate_format(int64_t ms, char *out);

#endif
