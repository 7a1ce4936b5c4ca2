#ifndef SATO_SHA512_H
#define SATO_SHA512_H

#include <stddef.h>
#include <stdint.h>

/* Streaming SHA-512 (FIPS 180-4), for HMAC-SHA512 (BIP32) and the like. */
typedef struct {
    uint64_t s[8];
    unsigned char buf[128];
    uint64_t bytes; /* messages beyond 2^64 bytes are not supported */
} sato_sha512_t;

void sato_sha512_init(sato_sha512_t *ctx);
void sato_sha512_write(sato_sha512_t *ctx, const unsigned char *data, size_t len);
void sato_sha512_finalize(sato_sha512_t *ctx, unsigned char out64[64]);

void sato_sha512(unsigned char out64[64], const unsigned char *data, size_t len);

#endif
