/* SipHash-2-4 (Aumasson, Bernstein 2012): two compression rounds per
 * 8-byte word, four finalization rounds. */
#include "sato/buf.h"
#include "sato/siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3)                                  \
    do {                                                          \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                    \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                    \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
    } while (0)

/* "somepseudorandomlygeneratedbytes" */
#define SIP_C0 0x736f6d6570736575ULL
#define SIP_C1 0x646f72616e646f6dULL
#define SIP_C2 0x6c7967656e657261ULL
#define SIP_C3 0x7465646279746573ULL

void sato_siphash_init(sato_siphash_t *ctx, uint64_t k0, uint64_t k1) {
    ctx->v[0] = SIP_C0 ^ k0;
    ctx->v[1] = SIP_C1 ^ k1;
    ctx->v[2] = SIP_C2 ^ k0;
    ctx->v[3] = SIP_C3 ^ k1;
    ctx->tail = 0;
    ctx->count = 0;
}

static void compress(uint64_t v[4], uint64_t m) {
    uint64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3];
    v3 ^= m;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    v0 ^= m;
    v[0] = v0; v[1] = v1; v[2] = v2; v[3] = v3;
}

void sato_siphash_write(sato_siphash_t *ctx, const unsigned char *data, size_t len) {
    uint64_t t = ctx->tail;
    unsigned c = ctx->count;
    while (len--) {
        t |= (uint64_t)*data++ << (8 * (c % 8));
        c = (c + 1) & 0xff;
        if (c % 8 == 0) {
            compress(ctx->v, t);
            t = 0;
        }
    }
    ctx->tail = t;
    ctx->count = (uint8_t)c;
}

void sato_siphash_write_u64(sato_siphash_t *ctx, uint64_t v) {
    unsigned char b[8];
    if (ctx->count % 8 == 0) {
        compress(ctx->v, v);
        ctx->count = (uint8_t)(ctx->count + 8);
        return;
    }
    sato_put_le64(b, v);
    sato_siphash_write(ctx, b, 8);
}

static uint64_t finish(uint64_t v0, uint64_t v1, uint64_t v2, uint64_t v3, uint64_t last) {
    v3 ^= last;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t sato_siphash_finalize(const sato_siphash_t *ctx) {
    /* The final word carries the length mod 256 in its top byte. */
    return finish(ctx->v[0], ctx->v[1], ctx->v[2], ctx->v[3],
                  ctx->tail | (uint64_t)ctx->count << 56);
}

uint64_t sato_siphash_uint256(uint64_t k0, uint64_t k1, const unsigned char hash[32]) {
    uint64_t v[4] = {SIP_C0 ^ k0, SIP_C1 ^ k1, SIP_C2 ^ k0, SIP_C3 ^ k1};
    int i;
    for (i = 0; i < 4; i++) compress(v, sato_le64(hash + 8 * i));
    return finish(v[0], v[1], v[2], v[3], (uint64_t)32 << 56);
}

uint64_t sato_siphash_uint256_extra(uint64_t k0, uint64_t k1, const unsigned char hash[32],
                                    uint32_t extra) {
    uint64_t v[4] = {SIP_C0 ^ k0, SIP_C1 ^ k1, SIP_C2 ^ k0, SIP_C3 ^ k1};
    int i;
    for (i = 0; i < 4; i++) compress(v, sato_le64(hash + 8 * i));
    return finish(v[0], v[1], v[2], v[3], (uint64_t)36 << 56 | extra);
}
