/* Explaining a rejected address as Bitcoin Core's DecodeDestination and
 * bech32::LocateErrors do, for validateaddress (the Bech32 part, checksum
 * error location included, lives in src/util/bech32_locate.c). */
#include <stdio.h>
#include <string.h>

#include "sato/address.h"
#include "sato/base58.h"
#include "sato/bech32.h"

int sato_address_error(char *err, size_t errlen, int *loc, size_t *nloc,
                       const sato_chain_addr_t *chain, const char *str, size_t len) {
    unsigned char script[SATO_ADDRESS_SCRIPT_MAX], data[SATO_BECH32_MAX_LEN], prog[64];
    unsigned char payload[128];
    char hrp[SATO_BECH32_MAX_LEN];
    size_t scriptlen, n, datalen, proglen, cap = *nloc, hrplen = strlen(chain->bech32_hrp), i;
    int is_bech32 = len >= hrplen;
    sato_bech32_encoding_t enc;

    *nloc = 0;
    err[0] = '\0';
    if (sato_address_decode(script, &scriptlen, chain, str, len)) return 0;
    for (i = 0; is_bech32 && i < hrplen; i++) {
        char c = str[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != chain->bech32_hrp[i]) is_bech32 = 0;
    }
    if (!is_bech32) {
        if (sato_base58check_decode(payload, 21, &n, str, len)) {
            /* Decodes, but as neither of this chain's address kinds. */
            if (n >= 1 && (payload[0] == chain->pubkey_prefix || payload[0] == chain->script_prefix))
                snprintf(err, errlen, "Invalid length for Base58 address (P2PKH or P2SH)");
            else
                snprintf(err, errlen, "Invalid or unsupported Base58-encoded address.");
        } else if (sato_base58_decode(payload, 100, &n, str, len)) {
            snprintf(err, errlen, "Invalid checksum or length of Base58 address (P2PKH or P2SH)");
        } else {
            snprintf(err, errlen, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.");
        }
        return 1;
    }
    enc = sato_bech32_decode(hrp, data, &datalen, str, len);
    if (enc == SATO_BECH32_INVALID) {
        const char *msg;
        *nloc = sato_bech32_locate_errors(loc, cap, str, len, &msg);
        snprintf(err, errlen, "%s", msg);
        return 1;
    }
    if (datalen == 0) {
        snprintf(err, errlen, "Empty Bech32 data section");
    } else if (strcmp(hrp, chain->bech32_hrp) != 0) {
        snprintf(err, errlen, "Invalid or unsupported prefix for Segwit (Bech32) address (expected %s, got %s).",
                 chain->bech32_hrp, hrp);
    } else if (data[0] == 0 && enc != SATO_BECH32) {
        snprintf(err, errlen, "Version 0 witness address must use Bech32 checksum");
    } else if (data[0] != 0 && enc != SATO_BECH32M) {
        snprintf(err, errlen, "Version 1+ witness address must use Bech32m checksum");
    } else if (!sato_bech32_convertbits(prog, sizeof(prog), &proglen, 8, data + 1, datalen - 1, 5, 0)) {
        snprintf(err, errlen, "Invalid padding in Bech32 data section");
    } else if (data[0] == 0) {
        snprintf(err, errlen, "Invalid Bech32 v0 address program size (%zu %s), per BIP141", proglen,
                 proglen == 1 ? "byte" : "bytes");
    } else if (data[0] > 16) {
        snprintf(err, errlen, "Invalid Bech32 address witness version");
    } else {
        snprintf(err, errlen, "Invalid Bech32 address program size (%zu %s)", proglen,
                 proglen == 1 ? "byte" : "bytes");
    }
    return 1;
}
