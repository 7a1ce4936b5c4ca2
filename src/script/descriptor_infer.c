/* Descriptor checksums and inference from an output script. */
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/descriptor.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sha256.h"

static const char input_charset[] =
    "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
static const char checksum_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint64_t polymod(uint64_t c, int val) {
    uint8_t c0 = (uint8_t)(c >> 35);
    c = ((c & 0x7ffffffffULL) << 5) ^ (uint64_t)val;
    if (c0 & 1) c ^= 0xf5dee51989ULL;
    if (c0 & 2) c ^= 0xa9fdca3312ULL;
    if (c0 & 4) c ^= 0x1bab10e32dULL;
    if (c0 & 8) c ^= 0x3706b1677aULL;
    if (c0 & 16) c ^= 0x644d626ffdULL;
    return c;
}

int sato_descriptor_checksum(char out[9], const char *desc, size_t len) {
    uint64_t c = 1;
    int cls = 0, clscount = 0, j;
    size_t i;
    out[0] = '\0';
    for (i = 0; i < len; i++) {
        const char *p = desc[i] ? strchr(input_charset, desc[i]) : NULL;
        int pos;
        if (p == NULL) return 0;
        pos = (int)(p - input_charset);
        /* Every character feeds its position in a group of 32; every
         * third character also feeds the three group numbers. */
        c = polymod(c, pos & 31);
        cls = cls * 3 + (pos >> 5);
        if (++clscount == 3) {
            c = polymod(c, cls);
            cls = 0;
            clscount = 0;
        }
    }
    if (clscount > 0) c = polymod(c, cls);
    for (j = 0; j < 8; j++) c = polymod(c, 0);
    c ^= 1;
    for (j = 0; j < 8; j++) out[j] = checksum_charset[(c >> (5 * (7 - j))) & 31];
    out[8] = '\0';
    return 1;
}

/* Key is acceptable to a descriptor: a valid-looking non-hybrid encoding,
 * and compressed inside wsh() (Core's InferPubkey). */
static int key_ok(const unsigned char *key, size_t len, int in_wsh) {
    if (len == 33) return key[0] == 0x02 || key[0] == 0x03;
    if (len == 65) return key[0] == 0x04 && !in_wsh;
    return 0;
}

static void append(sato_buf_t *b, const char *s) {
    sato_buf_write(b, s, strlen(s));
}

static void append_hex(sato_buf_t *b, const unsigned char *p, size_t n) {
    char *h = sato_malloc(2 * n + 1);
    sato_hex_encode(h, p, n);
    append(b, h);
    free(h);
}

/* pk() or multi() for a bare-key script, in or out of wsh(). */
static int infer_keys(sato_buf_t *b, const sato_script_solution_t *sol, int in_wsh) {
    size_t i;
    char num[16];
    if (sol->type == SATO_TXOUT_PUBKEY) {
        if (!key_ok(sol->sol[0], sol->sol_len[0], in_wsh)) return 0;
        append(b, "pk(");
        append_hex(b, sol->sol[0], sol->sol_len[0]);
        append(b, ")");
        return 1;
    }
    if (sol->type == SATO_TXOUT_MULTISIG) {
        for (i = 0; i < sol->nsolutions; i++)
            if (!key_ok(sol->sol[i], sol->sol_len[i], in_wsh)) return 0;
        snprintf(num, sizeof(num), "multi(%d", sol->required);
        append(b, num);
        for (i = 0; i < sol->nsolutions; i++) {
            append(b, ",");
            append_hex(b, sol->sol[i], sol->sol_len[i]);
        }
        append(b, ")");
        return 1;
    }
    return 0;
}

static int xonly_valid(const unsigned char *x) {
    secp256k1_xonly_pubkey pk;
    return secp256k1_xonly_pubkey_parse(secp256k1_context_static, &pk, x);
}

char *sato_descriptor_infer(const sato_chain_addr_t *chain, const unsigned char *script, size_t len,
                            const unsigned char *witness_script, size_t witness_script_len) {
    sato_buf_t b;
    sato_script_solution_t sol;
    char addr[SATO_ADDRESS_MAX_LEN], sum[9];
    int done = 0;

    sato_buf_init(&b);
    sato_script_solve(&sol, script, len);
    if (infer_keys(&b, &sol, 0)) {
        done = 1;
    } else if (sol.type == SATO_TXOUT_WITNESS_V0_SCRIPTHASH && witness_script != NULL) {
        unsigned char h[32];
        sato_script_solution_t inner;
        sato_sha256(h, witness_script, witness_script_len);
        if (sol.sol_len[0] == 32 && memcmp(h, sol.sol[0], 32) == 0) {
            sato_script_solve(&inner, witness_script, witness_script_len);
            append(&b, "wsh(");
            if (infer_keys(&b, &inner, 1)) {
                append(&b, ")");
                done = 1;
            } else {
                b.len = 0;
            }
        }
    } else if (sol.type == SATO_TXOUT_WITNESS_V1_TAPROOT && xonly_valid(sol.sol[0])) {
        append(&b, "rawtr(");
        append_hex(&b, sol.sol[0], 32);
        append(&b, ")");
        done = 1;
    }
    if (!done && sato_address_encode(addr, chain, script, len)) {
        append(&b, "addr(");
        append(&b, addr);
        append(&b, ")");
        done = 1;
    }
    if (!done) {
        append(&b, "raw(");
        append_hex(&b, script, len);
        append(&b, ")");
    }
    sato_descriptor_checksum(sum, (const char *)b.data, b.len);
    append(&b, "#");
    append(&b, sum);
    sato_buf_write_u8(&b, 0);
    return (char *)b.data;
}
