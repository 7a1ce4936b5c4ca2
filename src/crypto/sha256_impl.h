#ifndef SATO_CRYPTO_SHA256_IMPL_H
#define SATO_CRYPTO_SHA256_IMPL_H

#include <stddef.h>
#include <stdint.h>

/* Compresses `blocks` consecutive 64-byte chunks into the state s. */
typedef void (*sato_sha256_transform_fn)(uint32_t s[8], const unsigned char *chunk, size_t blocks);

void sato_sha256_transform_generic(uint32_t s[8], const unsigned char *chunk, size_t blocks);

extern const uint32_t sato_sha256_k[64];
extern const uint32_t sato_sha256_iv[8];

#endif
