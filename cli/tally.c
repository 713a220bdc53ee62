/*
 * tally.c: counts by name (tally.h). Names are found by a linear search:
 * the tallies are of rules, provisions, outcomes and groups, a few hundred
 * at most, not of records. Calls cli.h for its out-of-memory message only.
 */
#include "tally.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

void *tally_grow(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (!q) {
        cli_error("out of memory");
        exit(EXIT_TROUBLE);
    }
    return q;
}

tally_item *tally_find(const tally *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->it[i].name, name))
            return &t->it[i];
    return NULL;
}

tally_item *tally_add(tally *t, const char *name, unsigned long long by)
{
    tally_item *it = tally_find(t, name);
    if (it) {
        it->n += by;
        return it;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->it = tally_grow(t->it, t->cap * sizeof *t->it);
    }
    it = &t->it[t->n];
    *it = (tally_item){ .name = cli_strdup(name), .n = by, .first = t->n };
    t->n++;
    return it;
}

tally_item *tally_add_parts(tally *t, const char *const *parts, size_t nparts,
                            unsigned long long by)
{
    size_t len = 1;
    for (size_t i = 0; i < nparts; i++)
        len += strlen(parts[i]) + 1;
    char *name = tally_grow(NULL, len);
    name[0] = '\0';
    for (size_t i = 0; i < nparts; i++) {
        if (i)
            strcat(name, "\t");
        strcat(name, parts[i]);
    }
    tally_item *it = tally_add(t, name, by);
    free(name);
    if (it->n == by && !it->part[0])    /* new */
        for (size_t i = 0; i < nparts && i < TALLY_PARTS; i++)
            it->part[i] = cli_strdup(parts[i]);
    return it;
}

static int by_count(const void *x, const void *y)
{
    const tally_item *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

void tally_sort(tally *t)
{
    if (t->n)
        qsort(t->it, t->n, sizeof *t->it, by_count);
}

int tally_move(tally *t, const char *name, size_t at)
{
    for (size_t j = at; j < t->n; j++)
        if (!strcmp(t->it[j].name, name)) {
            tally_item moved = t->it[j];
            memmove(&t->it[at + 1], &t->it[at], (j - at) * sizeof moved);
            t->it[at] = moved;
            return 1;
        }
    return 0;
}

void tally_note_add(tally_item *it, const char *word)
{
    char *note = it->note;
    if (note) {
        size_t n = strlen(word);
        for (const char *s = note; (s = strstr(s, word)); s += n)
            if ((s == note || s[-1] == ' ') && (s[n] == ',' || s[n] == '\0'))
                return;
    }
    size_t len = (note ? strlen(note) + 2 : 0) + strlen(word) + 1;
    char *e = tally_grow(NULL, len);
    snprintf(e, len, "%s%s%s", note ? note : "", note ? ", " : "", word);
    free(note);
    it->note = e;
}

void tally_free(tally *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->it[i].name);
        for (size_t k = 0; k < TALLY_PARTS; k++)
            free(t->it[i].part[k]);
        free(t->it[i].note);
        if (t->free_data)
            t->free_data(t->it[i].data);
    }
    free(t->it);
    t->it = NULL;
    t->n = t->cap = 0;
}
