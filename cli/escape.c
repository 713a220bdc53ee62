/*
 * escape.c: the CLI's escapers, one per language it writes (cli.h): JSON
 * strings (diff -f json, check --format json, the yaml writer) through the
 * library's one escaper, HTML text (report, doc -f html) and Markdown text
 * (doc, notices). Nothing else.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The library's escaper (gavel_json_string), so every string gavel writes
 * as JSON, in a decision or beside one, is escaped the same way. */
void cli_json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    char small[256];
    size_t len = strlen(s);
    size_t need = gavel_json_string(s, len, small, sizeof small);
    if (need && need < sizeof small) {
        fwrite(small, 1, need, f);
        return;
    }
    char *big = need ? malloc(need + 1) : NULL;
    if (!big || gavel_json_string(s, len, big, need + 1) != need) {
        free(big);
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    fwrite(big, 1, need, f);
    free(big);
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

void cli_markdown(FILE *f, const char *s, int flags)
{
    int prose = flags & CLI_MD_PROSE;
    for (const char *start = s; s && *s; s++) {
        int inword = s > start && alnum(s[-1]) && alnum(s[1]);
        if (strchr("\\*`[]<>|~&", *s) || (*s == '_' && !(prose && inword)))
            fputc('\\', f);
        fputc(prose && *s == '\n' ? ' ' : *s, f);
    }
}
