/* Any byte string through Base58, Bech32, address and WIF decoding. Beyond
 * not crashing, whatever decodes must encode back to the canonical form of
 * the same input, and re-decode to the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/address.h"
#include "sato/base58.h"
#include "sato/bech32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond) {
    if (!cond) abort();
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void check_base58(const char *s, size_t len) {
    unsigned char out[128];
    char enc[SATO_BASE58_ENCODE_SIZE(128)];
    size_t n, elen, start = 0, end = len;
    if (!sato_base58_decode(out, sizeof(out), &n, s, len)) return;
    /* Base58 has one spelling per value: decoding drops only whitespace. */
    while (start < end && is_space(s[start])) start++;
    while (end > start && is_space(s[end - 1])) end--;
    require(sato_base58_encode(enc, sizeof(enc), &elen, out, n));
    require(elen == end - start && memcmp(enc, s + start, elen) == 0);
}

static void check_bech32(const char *s, size_t len) {
    char hrp[SATO_BECH32_MAX_LEN], enc[SATO_BECH32_MAX_LEN + 1];
    unsigned char values[SATO_BECH32_MAX_LEN];
    size_t n, i;
    sato_bech32_encoding_t e = sato_bech32_decode(hrp, values, &n, s, len);
    if (e == SATO_BECH32_INVALID) return;
    require(sato_bech32_encode(enc, sizeof(enc), hrp, values, n, e));
    require(strlen(enc) == len);
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        require(enc[i] == c);
    }
}

static void check_chain(const sato_chain_addr_t *chain, const char *s, size_t len) {
    unsigned char script[SATO_ADDRESS_SCRIPT_MAX], again[SATO_ADDRESS_SCRIPT_MAX], secret[32], s2[32];
    char addr[SATO_ADDRESS_MAX_LEN], wif[SATO_WIF_MAX_LEN];
    size_t slen, alen;
    int compressed, c2;
    if (sato_address_decode(script, &slen, chain, s, len)) {
        require(sato_address_encode(addr, chain, script, slen));
        require(sato_address_decode(again, &alen, chain, addr, strlen(addr)));
        require(alen == slen && memcmp(again, script, slen) == 0);
    }
    if (sato_wif_decode(secret, &compressed, chain, s, len)) {
        require(sato_wif_encode(wif, chain, secret, compressed));
        require(sato_wif_decode(s2, &c2, chain, wif, strlen(wif)));
        require(c2 == compressed && memcmp(s2, secret, 32) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    check_base58(s, size);
    check_bech32(s, size);
    check_chain(&sato_chain_addr_main, s, size);
    check_chain(&sato_chain_addr_testnet, s, size);
    check_chain(&sato_chain_addr_signet, s, size);
    check_chain(&sato_chain_addr_regtest, s, size);
    return 0;
}
