/* Streaming SHA-256 over compression functions chosen once at run time:
 * SHA-NI where the CPU has it, portable C otherwise; and for many 64-byte
 * inputs (merkle nodes) a multi-way double-hash. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256_impl.h"
#if SATO_SHA256_X86
#include <cpuid.h>
#endif
#include "sato/buf.h"
#include "sato/sha256.h"

enum {
    CPU_SSE41 = 1 << 0,
    CPU_AVX2 = 1 << 1,
    CPU_SHANI = 1 << 2,
    CPU_AVX = 1 << 3,
    CPU_AVX512 = 1 << 4,
};

typedef struct {
    const char *name;
    unsigned need; /* CPU_* bits the code requires */
    sato_sha256_transform_fn fn;
} transform_impl_t;

typedef struct {
    const char *name;
    unsigned need;
    size_t ways;
    sato_sha256_d64_fn fn;
} d64_impl_t;

static void d64_1way(unsigned char *out, const unsigned char *in);

/* Fastest first: the first entry the CPU supports is the automatic choice.
 * Measured on an Ice Lake Xeon (sato_bench): for 64-byte double hashes,
 * 16-way AVX-512 runs ~2.4x two interleaved SHA-NI streams, which beat
 * 8-way AVX2 (as Bitcoin Core also found); tails narrower than 16 go to
 * SHA-NI. The VEX-encoded SHA-NI code saves register copies over the SSE
 * one. SATO_SHA256_D64 overrides the choice (e.g. where AVX-512 lowers the
 * clock too much). */
static const transform_impl_t transforms[] = {
#if SATO_SHA256_X86
    {"shani-avx", CPU_SHANI | CPU_AVX, sato_sha256_transform_shani_avx},
    {"shani", CPU_SHANI | CPU_SSE41, sato_sha256_transform_shani},
#endif
    {"generic", 0, sato_sha256_transform_generic},
};

static const d64_impl_t d64s[] = {
#if SATO_SHA256_X86
    {"avx512-16way", CPU_AVX512, 16, sato_sha256d64_avx512_16way},
    {"shani-avx-2way", CPU_SHANI | CPU_AVX, 2, sato_sha256d64_shani_avx_2way},
    {"shani-2way", CPU_SHANI | CPU_SSE41, 2, sato_sha256d64_shani_2way},
    {"avx2-8way", CPU_AVX2, 8, sato_sha256d64_avx2_8way},
    {"sse41-4way", CPU_SSE41, 4, sato_sha256d64_sse41_4way},
#endif
    {"1way", 0, 1, d64_1way},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct {
    unsigned cpu;
    const transform_impl_t *transform;
    const d64_impl_t *d64;
    char name[64];
} chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static unsigned cpu_features(void) {
    unsigned f = 0;
#if SATO_SHA256_X86
    unsigned a, b, c, d, sha = 0, avx2 = 0, avx512 = 0, avx_os = 0, avx512_os = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    /* SSSE3 (bit 9) and SSE4.1 (bit 19) */
    if ((c & (1u << 9)) && (c & (1u << 19))) f |= CPU_SSE41;
    if (__get_cpuid_max(0, NULL) >= 7) {
        unsigned a7, b7, c7, d7;
        __cpuid_count(7, 0, a7, b7, c7, d7);
        (void)a7; (void)c7; (void)d7;
        sha = (b7 >> 29) & 1;
        avx2 = (b7 >> 5) & 1;
        avx512 = (b7 >> 16) & 1;
    }
    if (sha) f |= CPU_SHANI;
    /* AVX registers are usable only if the OS saves them (OSXSAVE, and
     * XCR0 enabling SSE and AVX state). */
    if ((c & (1u << 27)) && (c & (1u << 28))) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        (void)hi;
        avx_os = (lo & 6) == 6;
        /* plus opmask and both halves of the ZMM registers */
        avx512_os = (lo & 0xe6) == 0xe6;
    }
    if (avx_os && (f & CPU_SSE41)) f |= CPU_AVX;
    if (avx_os && avx2) f |= CPU_AVX2;
    if (avx512_os && avx512) f |= CPU_AVX512;
#endif
    return f;
}

static const transform_impl_t *find_transform(const char *name) {
    size_t i;
    for (i = 0; i < COUNT(transforms); i++) {
        if ((transforms[i].need & chosen.cpu) != transforms[i].need) continue;
        if (name == NULL || strcmp(name, transforms[i].name) == 0) return &transforms[i];
    }
    return NULL;
}

static const d64_impl_t *find_d64(const char *name) {
    size_t i;
    for (i = 0; i < COUNT(d64s); i++) {
        if ((d64s[i].need & chosen.cpu) != d64s[i].need) continue;
        if (name == NULL || strcmp(name, d64s[i].name) == 0) return &d64s[i];
    }
    return NULL;
}

static void set_choice(const transform_impl_t *t, const d64_impl_t *d) {
    chosen.transform = t;
    chosen.d64 = d;
    snprintf(chosen.name, sizeof(chosen.name), "%s (64-byte double: %s)", t->name, d->name);
}

/* SATO_SHA256=generic forces the portable code; SATO_SHA256_D64=<name>
 * pins the 64-byte double hash (unknown or unsupported names are ignored). */
static void choose_once(void) {
    const char *env = getenv("SATO_SHA256"), *env_d64 = getenv("SATO_SHA256_D64");
    const d64_impl_t *d = NULL;
    chosen.cpu = cpu_features();
    if (env && strcmp(env, "generic") == 0) {
        set_choice(find_transform("generic"), find_d64("1way"));
        return;
    }
    if (env_d64) d = find_d64(env_d64);
    set_choice(find_transform(NULL), d ? d : find_d64(NULL));
}

static void ensure_chosen(void) {
    pthread_once(&chosen_once, choose_once);
}

const char *sato_sha256_transform_name(size_t i) {
    size_t k;
    ensure_chosen();
    for (k = 0; k < COUNT(transforms); k++) {
        if ((transforms[k].need & chosen.cpu) != transforms[k].need) continue;
        if (i-- == 0) return transforms[k].name;
    }
    return NULL;
}

const char *sato_sha256_d64_name(size_t i) {
    size_t k;
    ensure_chosen();
    for (k = 0; k < COUNT(d64s); k++) {
        if ((d64s[k].need & chosen.cpu) != d64s[k].need) continue;
        if (i-- == 0) return d64s[k].name;
    }
    return NULL;
}

int sato_sha256_select(const char *transform, const char *d64) {
    const transform_impl_t *t;
    const d64_impl_t *d;
    ensure_chosen();
    t = find_transform(transform);
    d = find_d64(d64);
    if (t == NULL || d == NULL) return 0;
    set_choice(t, d);
    return 1;
}

const char *sato_sha256_impl(void) {
    ensure_chosen();
    return chosen.name;
}

static sato_sha256_transform_fn transform(void) {
    ensure_chosen();
    return chosen.transform->fn;
}

void sato_sha256_init(sato_sha256_t *ctx) {
    memcpy(ctx->s, sato_sha256_iv, sizeof(ctx->s));
    ctx->bytes = 0;
}

void sato_sha256_write(sato_sha256_t *ctx, const unsigned char *data, size_t len) {
    size_t fill = (size_t)(ctx->bytes % 64);
    sato_sha256_transform_fn fn;
    ctx->bytes += len;
    if (len < 64 - fill) {
        /* Small writes (serializers write field by field) only buffer. */
        if (len) memcpy(ctx->buf + fill, data, len);
        return;
    }
    fn = transform();
    if (fill) {
        /* Complete the buffered block (len >= 64 - fill here). */
        memcpy(ctx->buf + fill, data, 64 - fill);
        data += 64 - fill;
        len -= 64 - fill;
        fn(ctx->s, ctx->buf, 1);
    }
    if (len >= 64) {
        fn(ctx->s, data, len / 64);
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

/* One input at a time through the single-buffer compression function, with
 * the padding blocks prebuilt instead of going through the stream. */
static void d64_1way(unsigned char *out, const unsigned char *in) {
    static const unsigned char pad64[64] = {0x80, [62] = 0x02};       /* 512 bits */
    static const unsigned char pad32[32] = {0x80, [30] = 0x01};       /* 256 bits */
    sato_sha256_transform_fn fn = chosen.transform->fn;
    unsigned char mid[64];
    uint32_t s[8];
    int i;
    memcpy(s, sato_sha256_iv, sizeof(s));
    fn(s, in, 1);
    fn(s, pad64, 1);
    for (i = 0; i < 8; i++) sato_put_be32(mid + 4 * i, s[i]);
    memcpy(mid + 32, pad32, 32);
    memcpy(s, sato_sha256_iv, sizeof(s));
    fn(s, mid, 1);
    for (i = 0; i < 8; i++) sato_put_be32(out + 4 * i, s[i]);
}

void sato_sha256d64(unsigned char *out, const unsigned char *in, size_t blocks) {
    const d64_impl_t *d;
    size_t last_ways;
    ensure_chosen();
    /* The chosen implementation, then for the tail the next ones in order
     * of preference that the CPU runs and that are narrower than the last
     * one used. */
    last_ways = chosen.d64->ways + 1;
    for (d = chosen.d64; d < d64s + COUNT(d64s) && blocks; d++) {
        if (d->ways >= last_ways || (d->need & chosen.cpu) != d->need) continue;
        last_ways = d->ways;
        while (blocks >= d->ways) {
            d->fn(out, in);
            out += 32 * d->ways;
            in += 64 * d->ways;
            blocks -= d->ways;
        }
    }
}
