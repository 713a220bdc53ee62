/*
 * date.c: ISO 8601 dates and times (date.h), for as_of, in_force,
 * days_between and the schema's date and datetime types.
 *
 * Owns parsing YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+-HH:MM] into seconds since the
 * epoch, proleptic Gregorian, leap days checked; the instants of as_of and
 * in_force (milliseconds, a zone required) and as_of's text, a date as
 * written or a date-time in UTC. Calls libc only.
 */
#include "date.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int days_from_civil(int y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: days since 1970-01-01, proleptic Gregorian. */
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int)doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
    if (at + k > n)
        return -1;
    int v = 0;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int gvdate_parse(const char *s, size_t n, double *secs, int *date_only)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || s[7] != '-' ||
        digits(s, n, 5, 2, &mo) || digits(s, n, 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return -1;
    double frac = 0, offset = 0;
    size_t i = 10;
    *date_only = 1;
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return -1;
        if (digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' ||
            digits(s, n, i + 4, 2, &mi) || h > 23 || mi > 59)
            return -1;
        *date_only = 0;
        i += 6;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &se) || se > 60)
                return -1;
            i += 3;
            if (i < n && s[i] == '.') {
                double scale = 0.1;
                for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
                    frac += (s[i] - '0') * scale;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int oh, om;
            if (digits(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
                digits(s, n, i + 4, 2, &om))
                return -1;
            offset = (s[i] == '-' ? -1 : 1) * (oh * 3600.0 + om * 60.0);
            i += 6;
        }
        if (i != n)
            return -1;
    }
    *secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 +
            h * 3600.0 + mi * 60.0 + se + frac - offset;
    return 0;
}

/* The date-time had a zone: it ends in Z or in an offset +HH:MM (the
 * parser accepted it, so a sign six from the end can only be one). */
static int has_zone(const char *s, size_t n)
{
    return s[n - 1] == 'Z' || s[n - 1] == 'z' ||
           (n > 16 && (s[n - 6] == '+' || s[n - 6] == '-'));
}

int gvdate_instant(const char *s, size_t n, int64_t *ms, int *date_only)
{
    double secs;
    if (n < 10 || gvdate_parse(s, n, &secs, date_only) != 0)
        return -1;
    if (!*date_only && !has_zone(s, n))
        return -2;
    *ms = (int64_t)llround(secs * 1000.0);
    return 0;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    /* The inverse of days_from_civil (the same algorithm's other half). */
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void gvdate_format(int64_t ms, char *out)
{
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t in_day = ms - days * 86400000, y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int len = snprintf(out, GVDATE_MAX, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
                       (int)(in_day / 3600000), (int)(in_day / 60000 % 60),
                       (int)(in_day / 1000 % 60));
    if (in_day % 1000)
        snprintf(out + len, (size_t)(GVDATE_MAX - len), ".%03dZ", (int)(in_day % 1000));
    else
        snprintf(out + len, (size_t)(GVDATE_MAX - len), "Z");
}

int gvdate_as_of(const char *s, size_t n, char *out, int64_t *ms, int *date_only)
{
    int rc = gvdate_instant(s, n, ms, date_only);
    if (rc != 0)
        return rc;
    if (*date_only) {
        memcpy(out, s, 10);
        out[10] = '\0';
        return 0;
    }
    gvdate_format(*ms, out);
    return 0;
}
