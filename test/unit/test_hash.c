/* BIP340 tagged hashes: against the definition, and the taproot tweaks and
 * signature hashes that the BIP341 wallet vectors list as intermediates. */
#include <string.h>

#include "sato/hash.h"
#include "sato/hex.h"
#include "test.h"

static void tagged_by_definition(unsigned char out[32], const char *tag, const unsigned char *msg,
                                 size_t len) {
    unsigned char t[32];
    sato_sha256_t ctx;
    sato_sha256(t, (const unsigned char *)tag, strlen(tag));
    sato_sha256_init(&ctx);
    sato_sha256_write(&ctx, t, 32);
    sato_sha256_write(&ctx, t, 32);
    sato_sha256_write(&ctx, msg, len);
    sato_sha256_finalize(&ctx, out);
}

static int hex_is(const unsigned char *h, const char *hex) {
    char buf[65];
    sato_hex_encode(buf, h, 32);
    return strcmp(buf, hex) == 0;
}

static void test_definition(void) {
    static const char *tags[] = {"BIP0340/challenge", "BIP0340/aux", "BIP0340/nonce", "TapLeaf",
                                 "TapBranch", "TapTweak", "TapSighash", ""};
    unsigned char msg[100], a[32], b[32];
    sato_sha256_t ctx;
    size_t i, len;
    for (i = 0; i < sizeof(msg); i++) msg[i] = (unsigned char)(3 * i);
    for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        for (len = 0; len <= sizeof(msg); len += 33) {
            tagged_by_definition(a, tags[i], msg, len);
            sato_tagged_hash(b, tags[i], msg, len);
            test_case(memcmp(a, b, 32) == 0, "tag '%s' length %zu", tags[i], len);
            sato_tagged_hash_init(&ctx, tags[i]);
            sato_sha256_write(&ctx, msg, len);
            sato_sha256_finalize(&ctx, b);
            test_case(memcmp(a, b, 32) == 0, "tag '%s' length %zu streamed", tags[i], len);
        }
    }
    /* Different tags separate domains. */
    sato_tagged_hash(a, "BIP0340/challenge", msg, 32);
    sato_tagged_hash(b, "BIP0340/aux", msg, 32);
    CHECK(memcmp(a, b, 32) != 0);
}

static int decode(unsigned char *out, size_t cap, size_t *n, json_t *s) {
    return json_is_string(s) && sato_hex_decode(out, cap, n, json_string_value(s));
}

/* TapTweak(internal key [|| merkle root]) must give the listed tweak. */
static void check_tweak(json_t *given_key, json_t *merkle_root, json_t *tweak, const char *what,
                        size_t idx) {
    unsigned char buf[64], h[32];
    size_t n = 0, m = 0;
    if (!decode(buf, 32, &n, given_key) || n != 32 || !json_is_string(tweak)) {
        test_case(0, "%s %zu: malformed", what, idx);
        return;
    }
    if (!json_is_null(merkle_root) && (!decode(buf + 32, 32, &m, merkle_root) || m != 32)) {
        test_case(0, "%s %zu: malformed merkle root", what, idx);
        return;
    }
    sato_tagged_hash(h, "TapTweak", buf, n + m);
    test_case(hex_is(h, json_string_value(tweak)), "%s %zu: TapTweak", what, idx);
}

static void test_bip341(void) {
    json_t *root = test_load_json("bitcoin-core/bip341_wallet_vectors.json"), *spk, *kps, *c;
    size_t i, j;
    if (root == NULL) return;
    spk = json_object_get(root, "scriptPubKey");
    kps = json_object_get(root, "keyPathSpending");
    if (!json_is_array(spk) || !json_is_array(kps)) {
        test_case(0, "bip341 vectors: unexpected layout");
        json_decref(root);
        return;
    }
    json_array_foreach(spk, i, c) {
        json_t *given = json_object_get(c, "given"), *inter = json_object_get(c, "intermediary");
        check_tweak(json_object_get(given, "internalPubkey"), json_object_get(inter, "merkleRoot"),
                    json_object_get(inter, "tweak"), "scriptPubKey", i);
    }
    json_array_foreach(kps, i, c) {
        json_t *inputs = json_object_get(c, "inputSpending"), *in;
        json_array_foreach(inputs, j, in) {
            json_t *given = json_object_get(in, "given"), *inter = json_object_get(in, "intermediary");
            unsigned char msg[400], h[32];
            size_t n;
            check_tweak(json_object_get(inter, "internalPubkey"), json_object_get(given, "merkleRoot"),
                        json_object_get(inter, "tweak"), "keyPathSpending input", j);
            if (!decode(msg, sizeof(msg), &n, json_object_get(inter, "sigMsg")) ||
                !json_is_string(json_object_get(inter, "sigHash"))) {
                test_case(0, "keyPathSpending input %zu: malformed sigMsg", j);
                continue;
            }
            sato_tagged_hash(h, "TapSighash", msg, n);
            test_case(hex_is(h, json_string_value(json_object_get(inter, "sigHash"))),
                      "keyPathSpending input %zu: TapSighash", j);
        }
    }
    json_decref(root);
}

int main(void) {
    test_definition();
    test_bip341();
    return test_report("test_hash");
}
