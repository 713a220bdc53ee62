/*
 * digest.c: the policy digest (digest.h). Owns the framing of the files
 * that go into it; calls nettle's SHA-256 and libc only.
 */
#include "digest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gvdigest_init(gvdigest *d)
{
    sha256_init(&d->sha);
}

void gvdigest_file(gvdigest *d, const char *name, const char *text, size_t len)
{
    uint8_t n8[8];
    for (int k = 0; k < 8; k++)
        n8[k] = (uint8_t)((uint64_t)len >> (8 * k));
    sha256_update(&d->sha, strlen(name) + 1, (const uint8_t *)name);
    sha256_update(&d->sha, 8, n8);
    sha256_update(&d->sha, len, (const uint8_t *)text);
}

char *gvdigest_hex(gvdigest *dg)
{
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&dg->sha, sizeof d, d);
    char *s = malloc(8 + 2 * sizeof d);
    if (!s)
        return NULL;
    memcpy(s, "sha256:", 7);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(s + 7 + 2 * i, 3, "%02x", d[i]);
    return s;
}
