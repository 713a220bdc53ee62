/*
 * escape.c: the CLI's escapers, one per language it writes (cli.h): JSON
 * strings (diff -f json, check --format json, the yaml writer), HTML text
 * (report, doc -f html) and Markdown text (doc, notices). Nothing else.
 */
#include "cli.h"

#include <string.h>

void cli_json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
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
        if (strchr("\\*`[]<>|", *s) || (*s == '_' && !(prose && inword)))
            fputc('\\', f);
        fputc(prose && *s == '\n' ? ' ' : *s, f);
    }
}
