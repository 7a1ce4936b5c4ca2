/* Addresses and WIF keys (Bitcoin Core's key_io), on top of the generic
 * Base58Check and Bech32 codecs. */
#include <string.h>

#include <secp256k1.h>

#include "sato/address.h"
#include "sato/base58.h"
#include "sato/bech32.h"
#include "sato/mem.h"

/* Values from Bitcoin Core's kernel/chainparams.cpp. */
const sato_chain_addr_t sato_chain_addr_main = {"main", 0, 5, 128, "bc"};
const sato_chain_addr_t sato_chain_addr_testnet = {"test", 111, 196, 239, "tb"};
const sato_chain_addr_t sato_chain_addr_testnet4 = {"testnet4", 111, 196, 239, "tb"};
const sato_chain_addr_t sato_chain_addr_signet = {"signet", 111, 196, 239, "tb"};
const sato_chain_addr_t sato_chain_addr_regtest = {"regtest", 111, 196, 239, "bcrt"};

const sato_chain_addr_t *sato_chain_addr_by_name(const char *name) {
    static const sato_chain_addr_t *const all[] = {
        &sato_chain_addr_main, &sato_chain_addr_testnet, &sato_chain_addr_testnet4,
        &sato_chain_addr_signet, &sato_chain_addr_regtest,
    };
    size_t i;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(all[i]->name, name) == 0) return all[i];
    }
    return NULL;
}

/* Script opcodes of the address templates. */
#define OP_0 0x00
#define OP_1 0x51
#define OP_16 0x60
#define OP_DUP 0x76
#define OP_HASH160 0xa9
#define OP_EQUAL 0x87
#define OP_EQUALVERIFY 0x88
#define OP_CHECKSIG 0xac

/* Base58Check payload: a version byte and a 20-byte hash. */
#define BASE58_ADDR_LEN 21
/* WIF payload: a version byte, the secret and an optional 0x01. */
#define WIF_MAX_PAYLOAD 34

static size_t p2pkh_script(unsigned char *script, const unsigned char hash[20]) {
    script[0] = OP_DUP;
    script[1] = OP_HASH160;
    script[2] = 20;
    memcpy(script + 3, hash, 20);
    script[23] = OP_EQUALVERIFY;
    script[24] = OP_CHECKSIG;
    return 25;
}

static size_t p2sh_script(unsigned char *script, const unsigned char hash[20]) {
    script[0] = OP_HASH160;
    script[1] = 20;
    memcpy(script + 2, hash, 20);
    script[22] = OP_EQUAL;
    return 23;
}

static size_t witness_script(unsigned char *script, int version,
                             const unsigned char *program, size_t len) {
    script[0] = (unsigned char)(version == 0 ? OP_0 : OP_1 + version - 1);
    script[1] = (unsigned char)len;
    memcpy(script + 2, program, len);
    return 2 + len;
}

/* Core's test for a string meant as Bech32: it starts with the chain's HRP
 * in either case. Such a string is never tried as Base58, whatever follows. */
static int has_hrp_prefix(const char *str, size_t len, const char *hrp) {
    size_t i, n = strlen(hrp);
    if (len < n) return 0;
    for (i = 0; i < n; i++) {
        char c = str[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != hrp[i]) return 0;
    }
    return 1;
}

int sato_address_decode(unsigned char script[SATO_ADDRESS_SCRIPT_MAX], size_t *scriptlen,
                        const sato_chain_addr_t *chain, const char *str, size_t len) {
    unsigned char data[BASE58_ADDR_LEN], program[SATO_SEGWIT_PROGRAM_MAX];
    size_t n;
    int version;
    *scriptlen = 0;
    if (!has_hrp_prefix(str, len, chain->bech32_hrp)) {
        if (!sato_base58check_decode(data, sizeof(data), &n, str, len) || n != BASE58_ADDR_LEN) {
            return 0;
        }
        if (data[0] == chain->pubkey_prefix) {
            *scriptlen = p2pkh_script(script, data + 1);
        } else if (data[0] == chain->script_prefix) {
            *scriptlen = p2sh_script(script, data + 1);
        } else {
            return 0;
        }
        return 1;
    }
    if (!sato_segwit_decode(&version, program, &n, chain->bech32_hrp, str, len)) return 0;
    *scriptlen = witness_script(script, version, program, n);
    return 1;
}

int sato_address_encode(char out[SATO_ADDRESS_MAX_LEN], const sato_chain_addr_t *chain,
                        const unsigned char *script, size_t scriptlen) {
    unsigned char data[BASE58_ADDR_LEN];
    size_t n;
    out[0] = '\0';
    if (scriptlen == 25 && script[0] == OP_DUP && script[1] == OP_HASH160 && script[2] == 20 &&
        script[23] == OP_EQUALVERIFY && script[24] == OP_CHECKSIG) {
        data[0] = chain->pubkey_prefix;
        memcpy(data + 1, script + 3, 20);
        return sato_base58check_encode(out, SATO_ADDRESS_MAX_LEN, &n, data, sizeof(data));
    }
    if (scriptlen == 23 && script[0] == OP_HASH160 && script[1] == 20 && script[22] == OP_EQUAL) {
        data[0] = chain->script_prefix;
        memcpy(data + 1, script + 2, 20);
        return sato_base58check_encode(out, SATO_ADDRESS_MAX_LEN, &n, data, sizeof(data));
    }
    /* A witness program (BIP141): OP_0 or OP_1..OP_16, then one direct push
     * of 2..40 bytes that ends the script. */
    if (scriptlen >= 4 && scriptlen <= SATO_ADDRESS_SCRIPT_MAX &&
        (script[0] == OP_0 || (script[0] >= OP_1 && script[0] <= OP_16)) &&
        (size_t)script[1] + 2 == scriptlen) {
        int version = script[0] == OP_0 ? 0 : script[0] - OP_1 + 1;
        /* Version 0 programs of other sizes are not standard: no address.
         * sato_segwit_encode refuses them. */
        return sato_segwit_encode(out, chain->bech32_hrp, version, script + 2, scriptlen - 2);
    }
    return 0;
}

int sato_wif_encode(char out[SATO_WIF_MAX_LEN], const sato_chain_addr_t *chain,
                    const unsigned char secret[32], int compressed) {
    unsigned char data[WIF_MAX_PAYLOAD];
    size_t n;
    int ok = 0;
    out[0] = '\0';
    if (!secp256k1_ec_seckey_verify(secp256k1_context_static, secret)) return 0;
    data[0] = chain->secret_prefix;
    memcpy(data + 1, secret, 32);
    data[33] = 1;
    ok = sato_base58check_encode(out, SATO_WIF_MAX_LEN, &n, data, compressed ? 34 : 33);
    sato_memzero(data, sizeof(data));
    return ok;
}

int sato_wif_decode(unsigned char secret[32], int *compressed,
                    const sato_chain_addr_t *chain, const char *str, size_t len) {
    unsigned char data[WIF_MAX_PAYLOAD];
    size_t n = 0;
    int ok = 0;
    memset(secret, 0, 32);
    *compressed = 0;
    if (!sato_base58check_decode(data, sizeof(data), &n, str, len)) goto out;
    /* 33 bytes: uncompressed; 34 only with the 0x01 compression marker. */
    if (n != 33 && !(n == 34 && data[33] == 1)) goto out;
    if (data[0] != chain->secret_prefix) goto out;
    if (!secp256k1_ec_seckey_verify(secp256k1_context_static, data + 1)) goto out;
    memcpy(secret, data + 1, 32);
    *compressed = n == 34;
    ok = 1;
out:
    sato_memzero(data, sizeof(data));
    return ok;
}
