#ifndef SATO_HMAC_H
#define SATO_HMAC_H

#include <stddef.h>

#include "sato/sha256.h"
#include "sato/sha512.h"

/* HMAC (RFC 2104) over SHA-256 and SHA-512. Keys of any length; keys
 * longer than the block size are hashed first. finalize wipes the context,
 * which holds key-derived state. */
typedef struct {
    sato_sha256_t inner, outer;
} sato_hmac_sha256_t;

typedef struct {
    sato_sha512_t inner, outer;
} sato_hmac_sha512_t;

void sato_hmac_sha256_init(sato_hmac_sha256_t *ctx, const unsigned char *key, size_t keylen);
void sato_hmac_sha256_write(sato_hmac_sha256_t *ctx, const unsigned char *data, size_t len);
void sato_hmac_sha256_finalize(sato_hmac_sha256_t *ctx, unsigned char out32[32]);
void sato_hmac_sha256(unsigned char out32[32], const unsigned char *key, size_t keylen,
                      const unsigned char *msg, size_t msglen);

void sato_hmac_sha512_init(sato_hmac_sha512_t *ctx, const unsigned char *key, size_t keylen);
void sato_hmac_sha512_write(sato_hmac_sha512_t *ctx, const unsigned char *data, size_t len);
void sato_hmac_sha512_finalize(sato_hmac_sha512_t *ctx, unsigned char out64[64]);
void sato_hmac_sha512(unsigned char out64[64], const unsigned char *key, size_t keylen,
                      const unsigned char *msg, size_t msglen);

#endif
