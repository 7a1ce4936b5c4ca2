/* BIP340 test vectors (specs/bips/bip-0340/test-vectors.csv): rows with a
 * secret key are signed and must give the exact signature; every row is
 * verified and must give the expected result. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "sato/hex.h"
#include "sato/sigcheck.h"
#include "test.h"

#define MAX_FIELDS 8

/* Splits one CSV line in place (the file has no quoted commas). */
static size_t split(char *line, char **fields) {
    size_t n = 0;
    char *p = line;
    fields[n++] = p;
    while (*p && n < MAX_FIELDS) {
        if (*p == ',') {
            *p = '\0';
            fields[n++] = p + 1;
        }
        p++;
    }
    return n;
}

static void run_row(secp256k1_context *ctx, char **f) {
    const char *idx = f[0];
    unsigned char seckey[32], pubkey[32], aux[32], sig[64], msg[256], got[64];
    size_t msglen = 0, n;
    int has_secret = f[1][0] != '\0';
    int expect = strcmp(f[6], "TRUE") == 0;
    int ok, verified;
    secp256k1_xonly_pubkey pk;

    ok = sato_hex_decode(pubkey, 32, &n, f[2]) && n == 32 &&
         sato_hex_decode(sig, 64, &n, f[5]) && n == 64 &&
         sato_hex_decode(msg, sizeof(msg), &msglen, f[4]);
    if (!ok) {
        test_case(0, "bip340 row %s: malformed", idx);
        return;
    }

    if (has_secret) {
        secp256k1_keypair kp;
        secp256k1_xonly_pubkey xpk;
        unsigned char xser[32];
        secp256k1_schnorrsig_extraparams extra = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
        int sok = sato_hex_decode(seckey, 32, &n, f[1]) && n == 32 &&
                  sato_hex_decode(aux, 32, &n, f[3]) && n == 32 &&
                  secp256k1_keypair_create(ctx, &kp, seckey) &&
                  secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &kp) &&
                  secp256k1_xonly_pubkey_serialize(ctx, xser, &xpk) &&
                  memcmp(xser, pubkey, 32) == 0;
        extra.ndata = aux;
        sok = sok && secp256k1_schnorrsig_sign_custom(ctx, got, msg, msglen, &kp, &extra) &&
              memcmp(got, sig, 64) == 0;
        test_case(sok, "bip340 row %s: signing does not reproduce the signature", idx);
    }

    verified = secp256k1_xonly_pubkey_parse(secp256k1_context_static, &pk, pubkey) &&
               secp256k1_schnorrsig_verify(secp256k1_context_static, sig, msg, msglen, &pk);
    test_case(verified == expect, "bip340 row %s: verify gave %d, expected %d (%s)", idx,
              verified, expect, f[7]);
    if (msglen == 32) {
        /* The consensus wrapper used by the checker agrees. */
        test_case(sato_schnorr_verify(sig, pubkey, msg) == expect,
                  "bip340 row %s: sato_schnorr_verify disagrees", idx);
    }
}

int main(void) {
    const char *path = test_spec_path("bips/bip-0340/test-vectors.csv");
    char *text = test_read_file(path, NULL);
    char *line, *save = NULL, *fields[MAX_FIELDS];
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    int rows = 0, header = 1;

    secp256k1_selftest();
    test_case(text != NULL, "cannot read %s", path);
    for (line = text ? strtok_r(text, "\r\n", &save) : NULL; line != NULL;
         line = strtok_r(NULL, "\r\n", &save)) {
        if (header) {
            header = 0;
            continue;
        }
        if (split(line, fields) != MAX_FIELDS) {
            test_case(0, "bip340: malformed line %d", rows);
            continue;
        }
        rows++;
        run_row(ctx, fields);
    }
    test_case(rows == 19, "bip340: %d rows, expected 19", rows);
    free(text);
    secp256k1_context_destroy(ctx);
    return test_report("test_bip340");
}
