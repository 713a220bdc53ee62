/*
 * date.h: ISO 8601 dates and times (date.c). Depends on nothing but libc.
 */
#ifndef GAVEL_DATE_H
#define GAVEL_DATE_H

#include <stddef.h>

/* Parses YYYY-MM-DD[THH:MM[:SS[.f]]][Z|±HH:MM] (the first n bytes of s)
 * into seconds since the epoch; returns 0 ok, -1 malformed. *date_only is
 * set when there was no time part. */
int gvdate_parse(const char *s, size_t n, double *secs, int *date_only);

#endif
