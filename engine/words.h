/*
 * words.h: the word view of a text, for lexicons matched on whole words
 * (words.c).
 */
#ifndef GAVEL_WORDS_H
#define GAVEL_WORDS_H

#include <stddef.h>

#include "buf.h"

#define GVWORDS_SEP '\x01'
/* Appends text as its words, GVWORDS_SEP before, between and after them. */
void  gvwords_append(gv_buf *out, const char *text, size_t len);
/* A lexicon file with every term line in word form; malloc'd. */
char *gvwords_lexicon(const char *text, size_t len, size_t *outlen);

#endif
