/* HMAC-SHA256 and HMAC-SHA512 (RFC 2104): H((K^opad) || H((K^ipad) || m)),
 * with K the key zero-padded to the block size, or its hash if longer. */
#include <string.h>

#include "sato/hmac.h"
#include "sato/mem.h"

void sato_hmac_sha256_init(sato_hmac_sha256_t *ctx, const unsigned char *key, size_t keylen) {
    unsigned char k[64] = {0};
    int i;
    if (keylen > sizeof(k)) {
        sato_sha256(k, key, keylen);
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    for (i = 0; i < 64; i++) k[i] ^= 0x5c;
    sato_sha256_init(&ctx->outer);
    sato_sha256_write(&ctx->outer, k, 64);
    for (i = 0; i < 64; i++) k[i] ^= 0x5c ^ 0x36;
    sato_sha256_init(&ctx->inner);
    sato_sha256_write(&ctx->inner, k, 64);
    sato_memzero(k, sizeof(k));
}

void sato_hmac_sha256_write(sato_hmac_sha256_t *ctx, const unsigned char *data, size_t len) {
    sato_sha256_write(&ctx->inner, data, len);
}

void sato_hmac_sha256_finalize(sato_hmac_sha256_t *ctx, unsigned char out32[32]) {
    unsigned char h[32];
    sato_sha256_finalize(&ctx->inner, h);
    sato_sha256_write(&ctx->outer, h, 32);
    sato_sha256_finalize(&ctx->outer, out32);
    sato_memzero(h, sizeof(h));
    sato_memzero(ctx, sizeof(*ctx));
}

void sato_hmac_sha256(unsigned char out32[32], const unsigned char *key, size_t keylen,
                      const unsigned char *msg, size_t msglen) {
    sato_hmac_sha256_t ctx;
    sato_hmac_sha256_init(&ctx, key, keylen);
    sato_hmac_sha256_write(&ctx, msg, msglen);
    sato_hmac_sha256_finalize(&ctx, out32);
}

void sato_hmac_sha512_init(sato_hmac_sha512_t *ctx, const unsigned char *key, size_t keylen) {
    unsigned char k[128] = {0};
    int i;
    if (keylen > sizeof(k)) {
        sato_sha512(k, key, keylen);
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    for (i = 0; i < 128; i++) k[i] ^= 0x5c;
    sato_sha512_init(&ctx->outer);
    sato_sha512_write(&ctx->outer, k, 128);
    for (i = 0; i < 128; i++) k[i] ^= 0x5c ^ 0x36;
    sato_sha512_init(&ctx->inner);
    sato_sha512_write(&ctx->inner, k, 128);
    sato_memzero(k, sizeof(k));
}

void sato_hmac_sha512_write(sato_hmac_sha512_t *ctx, const unsigned char *data, size_t len) {
    sato_sha512_write(&ctx->inner, data, len);
}

void sato_hmac_sha512_finalize(sato_hmac_sha512_t *ctx, unsigned char out64[64]) {
    unsigned char h[64];
    sato_sha512_finalize(&ctx->inner, h);
    sato_sha512_write(&ctx->outer, h, 64);
    sato_sha512_finalize(&ctx->outer, out64);
    sato_memzero(h, sizeof(h));
    sato_memzero(ctx, sizeof(*ctx));
}

void sato_hmac_sha512(unsigned char out64[64], const unsigned char *key, size_t keylen,
                      const unsigned char *msg, size_t msglen) {
    sato_hmac_sha512_t ctx;
    sato_hmac_sha512_init(&ctx, key, keylen);
    sato_hmac_sha512_write(&ctx, msg, msglen);
    sato_hmac_sha512_finalize(&ctx, out64);
}
