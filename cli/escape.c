/*
 * escape.c: the CLI's escapers, one per language it writes (cli.h): JSON
 * strings (diff -f json, check --format json, the yaml writer) through the
 * library's one escaper, HTML text (report, doc -f html) and Markdown text
 * (doc, notices), and terminal text (-f table, explain, diff, the stderr
 * messages): every control character escaped (docs/security.md, "Record
 * bytes on the terminal"). Nothing else.
 */
#define _GNU_SOURCE 1   /* fopencookie */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef void json_put_fn(FILE *f, const char *json, size_t len);

static void json_put_raw(FILE *f, const char *json, size_t len)
{
    fwrite(json, 1, len, f);
}

/* The library's escaper (gavel_json_string), so every string gavel writes
 * as JSON, in a decision or beside one, is escaped the same way; `put`
 * writes the literal. */
static void json_string_with(FILE *f, const char *s, json_put_fn *put)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    char small[256];
    size_t len = strlen(s);
    size_t need = gavel_json_string(s, len, small, sizeof small);
    if (need && need < sizeof small) {
        put(f, small, need);
        return;
    }
    char *big = need ? malloc(need + 1) : NULL;
    if (!big || gavel_json_string(s, len, big, need + 1) != need) {
        free(big);
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    put(f, big, need);
    free(big);
}

void cli_json_string(FILE *f, const char *s)
{
    json_string_with(f, s, json_put_raw);
}

void cli_yaml_string(FILE *f, const char *s)
{
    json_string_with(f, s, cli_yaml_json);
}

/* &#39; rather than &apos;: the same in HTML 4 and 5, and what makes a
 * value safe inside a single-quoted attribute. */
void cli_html(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:  fputc(*s, f);
        }
    }
}

static int alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Where a line beginning at s would start a block (CommonMark), the offset
 * of the character to backslash-escape: an ATX heading ("#" to "######"
 * then a space or the end), a list item ("-", "+", or up to nine digits
 * then "." or ")", then a space or the end: the "." escaped, as a
 * backslash before a digit is no escape), a thematic break or setext
 * underline ("--", "="). -1 when it would not. '*', '>' and '_' are
 * escaped wherever they are. */
static int md_block_start(const char *s)
{
    int n = 0;
    if (*s == '#') {
        while (s[n] == '#')
            n++;
        return n <= 6 && (!s[n] || s[n] == ' ' || s[n] == '\t') ? 0 : -1;
    }
    if (*s == '=')
        return 0;
    if (*s == '-' || *s == '+')
        return !s[1] || s[1] == ' ' || s[1] == '\t' || (*s == '-' && s[1] == '-') ? 0 : -1;
    while (n < 9 && s[n] >= '0' && s[n] <= '9')
        n++;
    int marker = n && (s[n] == '.' || s[n] == ')');
    return marker && (!s[n + 1] || s[n + 1] == ' ' || s[n + 1] == '\t') ? n : -1;
}

/* A CR is a line ending to Markdown: it becomes a space, so a value cannot
 * begin a line of its own. */
void cli_markdown(FILE *f, const char *s, int flags)
{
    int prose = flags & CLI_MD_PROSE;
    const char *escape_at = NULL;           /* a block marker at a line's start */
    if (s && (flags & CLI_MD_LINE_START) && md_block_start(s) >= 0)
        escape_at = s + md_block_start(s);
    for (const char *start = s; s && *s; s++) {
        int inword = s > start && alnum(s[-1]) && alnum(s[1]);
        if (s == escape_at || strchr("\\*`[]<>|~&", *s) || (*s == '_' && !(prose && inword)))
            fputc('\\', f);
        if (*s == '\r' || (prose && *s == '\n'))
            fputc(' ', f);
        else if ((*s > 0 && *s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
            fprintf(f, "\\x%02x", *s);        /* for whoever cats the file */
        else
            fputc(*s, f);
        if (*s == '\n' && !prose && md_block_start(s + 1) >= 0)
            escape_at = s + 1 + md_block_start(s + 1);
    }
}

/* ---- terminal text ------------------------------------------------------ */

/* The length of the UTF-8 sequence at s (n bytes available): 1..4 when it
 * is well formed, 0 when it is not, -1 when it is cut short by the end. */
static int utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    int len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
            : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len <= 1)
        return len;
    unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
            return 0;
    }
    return len;
}

static unsigned long utf8_code(const unsigned char *s, int len)
{
    unsigned long c = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++)
        c = c << 6 | (s[i] & 0x3f);
    return c;
}

/* A character a terminal would act on rather than show: C1 controls, line
 * and paragraph separators, the bidirectional overrides and isolates (which
 * reorder what the operator reads), and the non-characters. */
static int term_unsafe(unsigned long c)
{
    return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
        || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
        || c == 0xfeff || c == 0xfffe || c == 0xffff;
}

size_t cli_term_put(FILE *f, const char *text, size_t n, int flags)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        int len = utf8_len(s + i, n - i);
        if (len < 0 && (flags & CLI_TERM_PARTIAL))
            break;                              /* the rest comes with the next write */
        if (len <= 0) {
            fprintf(f, "\\x%02x", s[i++]);      /* not UTF-8: the byte, in hex */
            continue;
        }
        unsigned long c = utf8_code(s + i, len);
        int line = c == '\n' || c == '\t';
        if ((c < 0x20 && !(line && (flags & CLI_TERM_LINES))) || c == 0x7f)
            fprintf(f, "\\x%02lx", c);
        else if (term_unsafe(c))
            fprintf(f, "\\u%04lx", c);
        else
            fwrite(s + i, 1, (size_t)len, f);
        i += (size_t)len;
    }
    return i;
}

void cli_term(FILE *f, const char *s)
{
    if (s)
        cli_term_put(f, s, strlen(s), 0);
}

char *cli_term_text(const char *s, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m)
        cli_term_put(m, s ? s : "", s ? n : 0, 0);
    if (!m || fclose(m) != 0 || !text) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    return text;
}

/* The stream cli_term_stream returns: what is written goes to `under`
 * escaped, an incomplete UTF-8 sequence at the end of one write held back
 * for the next. */
typedef struct term_stream {
    FILE         *under;
    unsigned char held[4];
    size_t        nheld;
} term_stream;

static ssize_t term_write(void *cookie, const char *buf, size_t size)
{
    term_stream *t = cookie;
    size_t done = 0;
    while (t->nheld && done < size) {           /* complete the held sequence first */
        t->held[t->nheld++] = (unsigned char)buf[done++];
        size_t used = cli_term_put(t->under, (char *)t->held, t->nheld, CLI_TERM_LINES | CLI_TERM_PARTIAL);
        memmove(t->held, t->held + used, t->nheld - used);
        t->nheld -= used;
    }
    if (done < size) {                          /* nothing held: the rest, its tail held */
        size_t used = cli_term_put(t->under, buf + done, size - done,
                                   CLI_TERM_LINES | CLI_TERM_PARTIAL);
        memcpy(t->held, buf + done + used, size - done - used);   /* at most 3 bytes */
        t->nheld = size - done - used;
    }
    return ferror(t->under) ? -1 : (ssize_t)size;
}

static int term_close(void *cookie)
{
    term_stream *t = cookie;
    cli_term_put(t->under, (char *)t->held, t->nheld, CLI_TERM_LINES);
    int rc = fflush(t->under) == 0 ? 0 : -1;
    free(t);
    return rc;
}

FILE *cli_term_stream(FILE *under)
{
    term_stream *t = calloc(1, sizeof *t);
    FILE *f = t ? fopencookie(t, "w", (cookie_io_functions_t){ .write = term_write,
                                                              .close = term_close })
                : NULL;
    if (!f) {
        free(t);
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    t->under = under;
    return f;
}

void cli_term_message(FILE *f, const char *lead, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    char *text = need >= 0 ? malloc((size_t)need + 1) : NULL;
    if (text)
        vsnprintf(text, (size_t)need + 1, fmt, again);
    va_end(again);
    fputs(lead, f);
    cli_term(f, text ? text : "out of memory");
    fputc('\n', f);
    free(text);
}

/* ---- JSON text as YAML ----------------------------------------------------- */

static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* A JSON escape at j (n bytes left) that YAML reads differently: a
 * surrogate pair, which YAML does not join, becomes one \U escape.
 * Returns the bytes used, 0 when it is not one. */
static size_t yaml_pair(FILE *f, const char *j, size_t n)
{
    if (n < 12 || j[1] != 'u' || j[6] != '\\' || j[7] != 'u')
        return 0;
    long hi = hex4(j + 2), lo = hex4(j + 8);
    if (hi < 0xd800 || hi > 0xdbff || lo < 0xdc00 || lo > 0xdfff)
        return 0;
    fprintf(f, "\\U%08lX", 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
    return 12;
}

/* JSON text (a string literal or a whole value, as the library writes it)
 * as YAML flow: what JSON leaves raw but YAML may not hold or would fold
 * (DEL, C1 controls, U+2028/9, U+FEFF, U+FFFE, U+FFFF; the bidi controls
 * too, as on a terminal) escaped; outside strings JSON is ASCII, so only
 * strings change. */
void cli_yaml_json(FILE *f, const char *json, size_t n)
{
    const unsigned char *j = (const unsigned char *)json;
    for (size_t i = 0; i < n;) {
        if (j[i] == '\\' && i + 1 < n) {
            size_t used = yaml_pair(f, json + i, n - i);
            if (!used)
                fwrite(j + i, 1, used = 2, f);
            i += used;
            continue;
        }
        int len = utf8_len(j + i, n - i);
        unsigned long c = len > 0 ? utf8_code(j + i, len) : j[i];
        if (len <= 0)
            len = 1;
        if (c == 0x7f || term_unsafe(c))
            fprintf(f, "\\u%04lX", c);
        else
            fwrite(j + i, 1, (size_t)len, f);
        i += (size_t)len;
    }
}
