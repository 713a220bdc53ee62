/*
 * date.c: ISO 8601 dates and times (date.h), for as_of, in_force,
 * days_between and the schema's date and datetime types.
 *
 * Owns parsing YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+-HH:MM] into seconds since the
 * epoch, proleptic Gregorian, leap days checked. Calls libc only.
 */
#include "date.h"

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
