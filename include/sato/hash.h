#ifndef SATO_HASH_H
#define SATO_HASH_H

#include <stddef.h>

#include "sato/sha256.h"

/* RIPEMD-160(SHA-256(x)): Bitcoin's HASH160. */
void sato_hash160(unsigned char out20[20], const unsigned char *data, size_t len);

/* BIP340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || msg). */
void sato_tagged_hash_init(sato_sha256_t *ctx, const char *tag);
void sato_tagged_hash(unsigned char out32[32], const char *tag,
                      const unsigned char *msg, size_t len);

#endif
