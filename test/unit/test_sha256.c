/* SHA-256: NIST vectors on every implementation this CPU runs, each
 * implementation against the portable one on many lengths and chunkings,
 * and the multi-way 64-byte double hash against the plain double hash. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256_impl.h"
#include "sato/hex.h"
#include "sato/sha256.h"
#include "test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fill_random(unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = (unsigned char)rng();
}

static int hash_is(const unsigned char *h, size_t n, const char *hex) {
    char buf[129];
    sato_hex_encode(buf, h, n);
    return strcmp(buf, hex) == 0;
}

/* The portable implementation, called directly, as the reference. */
static void sha256_ref(unsigned char out[32], const unsigned char *data, size_t len) {
    uint32_t s[8];
    unsigned char last[128] = {0};
    size_t full = len / 64, rest = len % 64, tail;
    uint64_t bits = (uint64_t)len * 8;
    int i;
    memcpy(s, sato_sha256_iv, sizeof(s));
    sato_sha256_transform_generic(s, data, full);
    memcpy(last, data + full * 64, rest);
    last[rest] = 0x80;
    tail = rest < 56 ? 64 : 128;
    for (i = 0; i < 8; i++) last[tail - 1 - i] = (unsigned char)(bits >> (8 * i));
    sato_sha256_transform_generic(s, last, tail / 64);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s[i] >> 8);
        out[4 * i + 3] = (unsigned char)s[i];
    }
}

static void test_nist(const char *impl) {
    static const struct {
        const char *msg;
        const char *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    unsigned char h[32], *million;
    sato_sha256_t ctx;
    size_t i;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        sato_sha256(h, (const unsigned char *)v[i].msg, strlen(v[i].msg));
        test_case(hash_is(h, 32, v[i].hex), "%s: NIST vector %zu", impl, i);
    }
    /* One million 'a', one-shot and in uneven pieces. */
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    sato_sha256(h, million, 1000000);
    test_case(hash_is(h, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
              "%s: million a", impl);
    sato_sha256_init(&ctx);
    for (i = 0; i < 1000000; i += 997) sato_sha256_write(&ctx, million + i, i + 997 <= 1000000 ? 997 : 1000000 - i);
    sato_sha256_finalize(&ctx, h);
    test_case(hash_is(h, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
              "%s: million a in 997-byte pieces", impl);
    free(million);
    /* Bitcoin's double SHA-256 of the empty string. */
    sato_sha256d(h, NULL, 0);
    test_case(hash_is(h, 32, "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"),
              "%s: sha256d of empty", impl);
}

static void test_against_reference(const char *impl) {
    unsigned char msg[1000], want[32], got[32];
    sato_sha256_t ctx;
    size_t len, split, n, ok;
    int r;
    fill_random(msg, sizeof(msg));
    /* Every length 0..200. */
    ok = 1;
    for (len = 0; len <= 200; len++) {
        sha256_ref(want, msg, len);
        sato_sha256(got, msg, len);
        ok &= memcmp(want, got, 32) == 0;
    }
    test_case((int)ok, "%s: lengths 0..200", impl);
    /* A 200-byte message split in two at every offset. */
    sha256_ref(want, msg, 200);
    ok = 1;
    for (split = 0; split <= 200; split++) {
        sato_sha256_init(&ctx);
        sato_sha256_write(&ctx, msg, split);
        sato_sha256_write(&ctx, msg + split, 200 - split);
        sato_sha256_finalize(&ctx, got);
        ok &= memcmp(want, got, 32) == 0;
    }
    test_case((int)ok, "%s: every two-way split of 200 bytes", impl);
    /* Random lengths up to 1000, written in random chunks. */
    for (r = 0; r < 200; r++) {
        size_t pos = 0;
        len = (size_t)(rng() % 1001);
        fill_random(msg, len);
        sha256_ref(want, msg, len);
        sato_sha256_init(&ctx);
        while (pos < len) {
            n = (size_t)(rng() % 150);
            if (n > len - pos) n = len - pos;
            sato_sha256_write(&ctx, msg + pos, n);
            pos += n;
        }
        sato_sha256_finalize(&ctx, got);
        test_case(memcmp(want, got, 32) == 0, "%s: random length %zu chunked", impl, len);
    }
}

static void test_d64(const char *d64) {
    unsigned char in[64 * 40], want[32 * 40], got[32 * 40 + 1];
    size_t blocks, i;
    fill_random(in, sizeof(in));
    for (i = 0; i < 40; i++) sato_sha256d(want + 32 * i, in + 64 * i, 64);
    for (blocks = 0; blocks <= 40; blocks++) {
        got[32 * blocks] = 0xa5; /* nothing written past the end */
        sato_sha256d64(got, in, blocks);
        test_case(memcmp(want, got, 32 * blocks) == 0 && got[32 * blocks] == 0xa5,
                  "sha256d64 %s: %zu blocks", d64, blocks);
    }
}

/* Several threads race the one-time implementation choice. */
static void *hash_abc(void *arg) {
    unsigned char *out = arg, in[128];
    memset(in, 7, sizeof(in));
    sato_sha256(out, (const unsigned char *)"abc", 3);
    sato_sha256d64(out + 32, in, 2);
    return NULL;
}

static void test_threads_first_use(void) {
    enum { N = 4 };
    pthread_t th[N];
    unsigned char out[N][96], in[128], want[64];
    int i, started[N];
    for (i = 0; i < N; i++) started[i] = pthread_create(&th[i], NULL, hash_abc, out[i]) == 0;
    for (i = 0; i < N; i++)
        if (started[i]) pthread_join(th[i], NULL);
    memset(in, 7, sizeof(in));
    sato_sha256d(want, in, 64);
    sato_sha256d(want + 32, in + 64, 64);
    for (i = 0; i < N; i++) {
        test_case(started[i] && hash_is(out[i], 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") &&
                      memcmp(out[i] + 32, want, 64) == 0,
                  "thread %d hashing during first use", i);
    }
}

int main(void) {
    const char *t, *d;
    size_t i, j, n_t = 0, n_d = 0;

    test_threads_first_use();
    CHECK(sato_sha256_impl() != NULL && strlen(sato_sha256_impl()) > 0);
    CHECK(sato_sha256_select("no-such-impl", NULL) == 0);
    CHECK(sato_sha256_transform_name(0) != NULL);
    for (i = 0; (t = sato_sha256_transform_name(i)) != NULL; i++) {
        n_t++;
        CHECK(sato_sha256_select(t, NULL));
        test_nist(t);
        test_against_reference(t);
        for (j = 0; (d = sato_sha256_d64_name(j)) != NULL; j++) {
            CHECK(sato_sha256_select(t, d));
            test_d64(d);
            n_d++;
        }
    }
    /* generic and the 1-way double hash exist everywhere. */
    CHECK(n_t >= 1 && n_d >= 1);
    CHECK(sato_sha256_select("generic", "1way"));
    CHECK(sato_sha256_select(NULL, NULL));
    printf("sha256 implementations: %zu single-buffer, tested with %zu double-hash combinations; auto: %s\n",
           n_t, n_d, sato_sha256_impl());
    return test_report("test_sha256");
}
