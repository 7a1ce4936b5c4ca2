/* ECDSA: the Wycheproof vectors vendored in Bitcoin Core's libsecp256k1
 * (strict DER and low S: what a BIP66 + LOW_S spender must satisfy), and
 * the lax DER parser consensus uses on hand-made BER encodings. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>

#include "sato/hex.h"
#include "sato/script.h"
#include "sato/sha256.h"
#include "sato/sigcheck.h"
#include "test.h"

static int hex_alloc(const char *hex, unsigned char **out, size_t *len) {
    *out = sato_hex_decode_alloc(hex ? hex : "", len);
    return *out != NULL;
}

/* BIP66's strict DER rule (without the hash-type byte), restated here
 * from the BIP so this test does not lean on the interpreter. */
static int bip66_der(const unsigned char *d, size_t n) {
    size_t lr, ls;
    if (n < 8 || n > 72 || d[0] != 0x30 || d[1] != n - 2 || d[2] != 0x02) return 0;
    lr = d[3];
    if (lr == 0 || 5 + lr >= n || d[4 + lr] != 0x02) return 0;
    ls = d[5 + lr];
    if (ls == 0 || lr + ls + 6 != n) return 0;
    if ((d[4] & 0x80) || (lr > 1 && d[4] == 0 && !(d[5] & 0x80))) return 0;
    if ((d[6 + lr] & 0x80) || (ls > 1 && d[6 + lr] == 0 && !(d[7 + lr] & 0x80))) return 0;
    return 1;
}

static int all_zero(const unsigned char *p, size_t n) {
    while (n > 0 && p[n - 1] == 0) n--;
    return n == 0;
}

static void test_wycheproof(void) {
    json_t *root = test_load_json("bitcoin-core/secp256k1-wycheproof/ecdsa_secp256k1_sha256_bitcoin_test.json");
    json_t *groups;
    size_t gi, ti, total = 0;
    if (root == NULL) return;
    groups = json_object_get(root, "testGroups");
    for (gi = 0; gi < json_array_size(groups); gi++) {
        json_t *g = json_array_get(groups, gi);
        json_t *tests = json_object_get(g, "tests");
        const char *pkhex = json_string_value(json_object_get(json_object_get(g, "publicKey"), "uncompressed"));
        unsigned char pub[65];
        size_t publen = 0;
        secp256k1_pubkey pk;
        int pk_ok = pkhex != NULL && sato_hex_decode(pub, sizeof(pub), &publen, pkhex) &&
                    secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, pub, publen);

        for (ti = 0; ti < json_array_size(tests); ti++) {
            json_t *t = json_array_get(tests, ti);
            json_int_t id = json_integer_value(json_object_get(t, "tcId"));
            const char *result = json_string_value(json_object_get(t, "result"));
            unsigned char *msg = NULL, *der = NULL, hash[32];
            size_t msglen, derlen;
            secp256k1_ecdsa_signature strict, lax;
            int expect, strict_ok, got_lib, got_sato;
            unsigned char c1[64], c2[64];

            total++;
            if (!pk_ok || result == NULL ||
                !hex_alloc(json_string_value(json_object_get(t, "msg")), &msg, &msglen) ||
                !hex_alloc(json_string_value(json_object_get(t, "sig")), &der, &derlen)) {
                test_case(0, "wycheproof tc %lld: malformed", (long long)id);
                free(msg);
                free(der);
                continue;
            }
            expect = strcmp(result, "valid") == 0;
            sato_sha256(hash, msg, msglen);

            /* libsecp256k1's strict DER parser, and verify without
             * normalizing: high S fails, as Bitcoin's LOW_S wants. */
            strict_ok = secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &strict, der, derlen);
            got_lib = strict_ok && secp256k1_ecdsa_verify(secp256k1_context_static, &strict, hash, &pk);
            test_case(got_lib == expect, "wycheproof tc %lld (%s): libsecp256k1 gave %d",
                      (long long)id, json_string_value(json_object_get(t, "comment")), got_lib);

            /* Our consensus path (lax DER, normalize, verify) plus the
             * policy checks: strict DER and low S. */
            got_sato = bip66_der(der, derlen) && sato_ecdsa_sig_has_low_s(der, derlen) &&
                       sato_ecdsa_verify(der, derlen, pub, publen, hash);
            test_case(got_sato == expect, "wycheproof tc %lld: sato path gave %d", (long long)id, got_sato);

            /* The interpreter's BIP66 check (which sees the hash-type
             * byte too) agrees with the rule restated above. */
            {
                unsigned char *withtype = malloc(derlen + 1);
                memcpy(withtype, der, derlen);
                withtype[derlen] = 0x01;
                test_case(sato_script_is_valid_signature_encoding(withtype, derlen + 1) == bip66_der(der, derlen),
                          "wycheproof tc %lld: interpreter DER check disagrees", (long long)id);
                free(withtype);
            }

            /* Where strict parsing gives a usable R and S, the lax parser
             * reads the same values. (libsecp256k1 zeroes a negative or
             * out-of-range half, which the lax parser reads unsigned or
             * zeroes whole: the verdicts above cover those.) */
            if (strict_ok) {
                secp256k1_ecdsa_signature_serialize_compact(secp256k1_context_static, c1, &strict);
            }
            if (strict_ok && !all_zero(c1, 32) && !all_zero(c1 + 32, 32)) {
                int same = sato_ecdsa_sig_parse_der_lax(&lax, der, derlen);
                secp256k1_ecdsa_signature_serialize_compact(secp256k1_context_static, c2, &lax);
                test_case(same && memcmp(c1, c2, 64) == 0, "wycheproof tc %lld: lax != strict", (long long)id);
            }
            free(msg);
            free(der);
        }
    }
    test_case(total == 463, "wycheproof: %zu tests, expected 463", total);
    json_decref(root);
}

/* Builds 30 <seqlen> 02 <rlen> R 02 <slen> S from pieces given as hex. */
static size_t build(unsigned char *out, const char *seq_hdr, const char *r_hdr, const unsigned char *r,
                    size_t rn, const char *s_hdr, const unsigned char *s, size_t sn, const char *tail) {
    size_t n = 0, k;
    CHECK(sato_hex_decode(out + n, 64, &k, seq_hdr));
    n += k;
    CHECK(sato_hex_decode(out + n, 64, &k, r_hdr));
    n += k;
    memcpy(out + n, r, rn);
    n += rn;
    CHECK(sato_hex_decode(out + n, 64, &k, s_hdr));
    n += k;
    memcpy(out + n, s, sn);
    n += sn;
    CHECK(sato_hex_decode(out + n, 64, &k, tail));
    n += k;
    return n;
}

/* Encodings Bitcoin Core's lax parser accepts (they verify) or rejects. */
static void test_lax_ber(void) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char seckey[32] = {0}, hash[32], compact[64], pub[33], der[200], r[40], s[40];
    size_t publen = 33, n;
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature sig;
    unsigned i;

    seckey[31] = 7;
    CHECK(secp256k1_ec_pubkey_create(ctx, &pk, seckey));
    CHECK(secp256k1_ec_pubkey_serialize(ctx, pub, &publen, &pk, SECP256K1_EC_COMPRESSED));
    /* Find a signature whose R and S have no high bit and no zero first
     * byte, so the canonical DER is 30 44 02 20 R 02 20 S. */
    for (i = 0;; i++) {
        unsigned char m[4];
        sato_put_le32(m, i);
        sato_sha256(hash, m, 4);
        CHECK(secp256k1_ecdsa_sign(ctx, &sig, hash, seckey, NULL, NULL));
        secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &sig);
        if (compact[0] > 0 && compact[0] < 0x80 && compact[32] > 0 && compact[32] < 0x80) break;
    }
    memcpy(r, compact, 32);
    memcpy(s, compact + 32, 32);

    struct {
        const char *seq, *rh, *sh, *tail;
        int r_pad, s_pad; /* leading zero bytes added to R / S */
        int parses, verifies, strict;
    } cases[] = {
        {"3044", "0220", "0220", "", 0, 0, 1, 1, 1},             /* canonical DER */
        {"308144", "0220", "0220", "", 0, 0, 1, 1, 0},           /* long-form sequence length */
        {"3000", "0220", "0220", "", 0, 0, 1, 1, 0},             /* wrong sequence length: ignored */
        {"3080", "0220", "0220", "", 0, 0, 1, 1, 0},             /* indefinite-looking length */
        {"3044", "028120", "0220", "", 0, 0, 1, 1, 0},           /* long-form R length */
        {"3044", "028400000020", "0220", "", 0, 0, 1, 1, 0},     /* zero-padded long-form length */
        {"3044", "0222", "0220", "", 2, 0, 1, 1, 0},             /* R padded with zeros */
        {"3044", "0220", "0223", "", 0, 3, 1, 1, 0},             /* S padded with zeros */
        {"3044", "0220", "0220", "0000ff", 0, 0, 1, 1, 0},       /* trailing garbage */
        {"3044", "0220", "028120", "01", 0, 0, 1, 1, 0},         /* long-form S and garbage */
        {"3144", "0220", "0220", "", 0, 0, 0, 0, 0},             /* not a SEQUENCE */
        {"3044", "0320", "0220", "", 0, 0, 0, 0, 0},             /* R not an INTEGER */
        {"3044", "0220", "0420", "", 0, 0, 0, 0, 0},             /* S not an INTEGER */
        {"3044", "02850000000020", "0220", "", 0, 0, 1, 1, 0},   /* 5 length bytes, zeros skipped */
        {"3044", "028401000000", "0220", "", 0, 0, 0, 0, 0},     /* 4 significant length bytes */
        {"3044", "0221", "0220", "", 0, 0, 0, 0, 0},             /* R length past S: S tag misread */
        {"3044", "0220", "0221", "", 0, 0, 0, 0, 0},             /* S runs past the end */
        {"30ff", "0220", "0220", "", 0, 0, 0, 0, 0},             /* long form with 127 length bytes */
    };
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char rp[40] = {0}, sp[40] = {0};
        size_t rn = 32 + (size_t)cases[i].r_pad, sn = 32 + (size_t)cases[i].s_pad;
        secp256k1_ecdsa_signature strict;
        memcpy(rp + cases[i].r_pad, r, 32);
        memcpy(sp + cases[i].s_pad, s, 32);
        n = build(der, cases[i].seq, cases[i].rh, rp, rn, cases[i].sh, sp, sn, cases[i].tail);
        test_case(sato_ecdsa_sig_parse_der_lax(&sig, der, n) == cases[i].parses, "lax case %u: parse", i);
        test_case(sato_ecdsa_verify(der, n, pub, publen, hash) == cases[i].verifies, "lax case %u: verify", i);
        test_case(secp256k1_ecdsa_signature_parse_der(ctx, &strict, der, n) == cases[i].strict,
                  "lax case %u: strict parser", i);
    }

    /* An R of 33 significant bytes overflows: parsed, but never valid. */
    {
        unsigned char big[33];
        memset(big, 0xff, sizeof(big));
        n = build(der, "3045", "0221", big, 33, "0220", s, 32, "");
        CHECK(sato_ecdsa_sig_parse_der_lax(&sig, der, n) == 1);
        secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &sig);
        for (i = 0; i < 64 && compact[i] == 0; i++) {
        }
        CHECK(i == 64);
        CHECK(sato_ecdsa_verify(der, n, pub, publen, hash) == 0);
    }
    /* R >= the group order (32 bytes of ff) overflows the same way. */
    {
        unsigned char big[32];
        memset(big, 0xff, sizeof(big));
        n = build(der, "3044", "0220", big, 32, "0220", s, 32, "");
        CHECK(sato_ecdsa_sig_parse_der_lax(&sig, der, n) == 1);
        CHECK(sato_ecdsa_verify(der, n, pub, publen, hash) == 0);
    }
    /* Truncations of the canonical encoding never read out of bounds. */
    n = build(der, "3044", "0220", r, 32, "0220", s, 32, "");
    for (i = 0; i < n; i++) {
        unsigned char *copy = malloc(i ? i : 1);
        memcpy(copy, der, i);
        CHECK(sato_ecdsa_sig_parse_der_lax(&sig, copy, i) == 0);
        free(copy);
    }
    /* High S verifies for consensus but fails the LOW_S policy check. */
    {
        unsigned char hder[80];
        size_t hn = sizeof(hder);
        secp256k1_ecdsa_signature neg;
        CHECK(secp256k1_ecdsa_sign(ctx, &sig, hash, seckey, NULL, NULL));
        secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &sig);
        /* s' = n - s */
        {
            static const unsigned char order[32] = {
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
            int borrow = 0, k;
            for (k = 31; k >= 0; k--) {
                int d = order[k] - compact[32 + k] - borrow;
                borrow = d < 0;
                compact[32 + k] = (unsigned char)(d + (borrow ? 256 : 0));
            }
        }
        CHECK(secp256k1_ecdsa_signature_parse_compact(ctx, &neg, compact));
        CHECK(secp256k1_ecdsa_signature_serialize_der(ctx, hder, &hn, &neg));
        CHECK(sato_ecdsa_sig_has_low_s(hder, hn) == 0);
        CHECK(sato_ecdsa_verify(hder, hn, pub, publen, hash) == 1);
        CHECK(secp256k1_ecdsa_verify(ctx, &neg, hash, &pk) == 0);
    }
    /* Public keys as Core's CPubKey takes them. */
    {
        unsigned char upub[65], hyb[65];
        size_t ulen = 65;
        CHECK(secp256k1_ec_pubkey_serialize(ctx, upub, &ulen, &pk, SECP256K1_EC_UNCOMPRESSED));
        n = build(der, "3044", "0220", r, 32, "0220", s, 32, "");
        CHECK(sato_ecdsa_verify(der, n, upub, 65, hash) == 1);
        memcpy(hyb, upub, 65);
        hyb[0] = (unsigned char)(6 | (upub[64] & 1)); /* hybrid form, right parity */
        CHECK(sato_ecdsa_verify(der, n, hyb, 65, hash) == 1);
        hyb[0] ^= 1; /* wrong parity */
        CHECK(sato_ecdsa_verify(der, n, hyb, 65, hash) == 0);
        CHECK(sato_ecdsa_verify(der, n, upub, 64, hash) == 0);
        CHECK(sato_ecdsa_verify(der, n, pub, 32, hash) == 0);
        CHECK(sato_ecdsa_verify(der, n, pub, 0, hash) == 0);
        upub[0] = 5;
        CHECK(sato_ecdsa_verify(der, n, upub, 65, hash) == 0);
    }
    secp256k1_context_destroy(ctx);
}

int main(void) {
    test_wycheproof();
    test_lax_ber();
    return test_report("test_ecdsa_wycheproof");
}
