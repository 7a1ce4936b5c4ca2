/* Streaming SHA-256 over a run-time selected compression function. */
#include <string.h>

#include "crypto/sha256_impl.h"
#include "sato/buf.h"
#include "sato/sha256.h"

static sato_sha256_transform_fn transform(void) {
    return sato_sha256_transform_generic;
}

const char *sato_sha256_impl(void) {
    return "generic";
}

void sato_sha256_init(sato_sha256_t *ctx) {
    memcpy(ctx->s, sato_sha256_iv, sizeof(ctx->s));
    ctx->bytes = 0;
}

void sato_sha256_write(sato_sha256_t *ctx, const unsigned char *data, size_t len) {
    size_t fill = (size_t)(ctx->bytes % 64);
    ctx->bytes += len;
    if (fill) {
        size_t take = 64 - fill < len ? 64 - fill : len;
        memcpy(ctx->buf + fill, data, take);
        data += take;
        len -= take;
        if (fill + take < 64) return;
        transform()(ctx->s, ctx->buf, 1);
    }
    if (len >= 64) {
        transform()(ctx->s, data, len / 64);
        data += len - len % 64;
        len %= 64;
    }
    if (len) memcpy(ctx->buf, data, len);
}

void sato_sha256_finalize(sato_sha256_t *ctx, unsigned char out32[32]) {
    static const unsigned char pad[64] = {0x80};
    unsigned char lenbuf[8];
    uint64_t bits = ctx->bytes << 3;
    int i;
    sato_put_be64(lenbuf, bits);
    sato_sha256_write(ctx, pad, 1 + ((119 - (ctx->bytes % 64)) % 64));
    sato_sha256_write(ctx, lenbuf, 8);
    for (i = 0; i < 8; i++) sato_put_be32(out32 + 4 * i, ctx->s[i]);
}

void sato_sha256(unsigned char out32[32], const unsigned char *data, size_t len) {
    sato_sha256_t ctx;
    sato_sha256_init(&ctx);
    sato_sha256_write(&ctx, data, len);
    sato_sha256_finalize(&ctx, out32);
}

void sato_sha256d(unsigned char out32[32], const unsigned char *data, size_t len) {
    unsigned char h[32];
    sato_sha256(h, data, len);
    sato_sha256(out32, h, 32);
}

void sato_sha256d64(unsigned char *out, const unsigned char *in, size_t blocks) {
    size_t i;
    for (i = 0; i < blocks; i++) sato_sha256d(out + 32 * i, in + 64 * i, 64);
}
