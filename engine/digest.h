/*
 * digest.h: the policy digest (digest.c): SHA-256 over the manifest and
 * every file it loads, each framed by its name and length, so the same
 * bytes under another name, or split differently, digest differently.
 */
#ifndef GAVEL_DIGEST_H
#define GAVEL_DIGEST_H

#include <nettle/sha2.h>
#include <stddef.h>

typedef struct gvdigest {
    struct sha256_ctx sha;
} gvdigest;

void  gvdigest_init(gvdigest *d);
/* Adds one file: its name as the manifest gives it, then its text. */
void  gvdigest_file(gvdigest *d, const char *name, const char *text, size_t len);
/* "sha256:" and 64 hex digits, malloc'd; NULL on out of memory. */
char *gvdigest_hex(gvdigest *d);

#endif
