/* Parsing single-script descriptors (the forms generatetodescriptor and
 * friends need). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/descriptor.h"
#include "sato/hash.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/script.h"

/* Splits off and checks "#checksum" as Core's CheckChecksum; *len gets
 * the length of the payload. */
static int check_checksum(size_t *len, char *err, size_t errlen, const char *desc) {
    const char *hash = strchr(desc, '#');
    char want[9];
    *len = hash ? (size_t)(hash - desc) : strlen(desc);
    if (hash && strchr(hash + 1, '#')) {
        snprintf(err, errlen, "Multiple '#' symbols");
        return 0;
    }
    if (hash && strlen(hash + 1) != 8) {
        snprintf(err, errlen, "Expected 8 character checksum, not %zu characters", strlen(hash + 1));
        return 0;
    }
    if (!sato_descriptor_checksum(want, desc, *len)) {
        snprintf(err, errlen, "Invalid characters in payload");
        return 0;
    }
    if (hash && strcmp(hash + 1, want) != 0) {
        snprintf(err, errlen, "Provided checksum '%s' does not match computed checksum '%s'", hash + 1, want);
        return 0;
    }
    return 1;
}

/* If s[0..len) is "name(...)", points *inner at the inside. */
static int func(const char *name, const char *s, size_t len, const char **inner, size_t *inner_len) {
    size_t n = strlen(name);
    if (len < n + 2 || strncmp(s, name, n) != 0 || s[n] != '(' || s[len - 1] != ')') return 0;
    *inner = s + n + 1;
    *inner_len = len - n - 2;
    return 1;
}

static unsigned char *hex_span(const char *s, size_t len, size_t *out_len) {
    char *copy = sato_malloc(len + 1);
    unsigned char *bytes;
    memcpy(copy, s, len);
    copy[len] = '\0';
    bytes = sato_hex_decode_alloc(copy, out_len);
    free(copy);
    return bytes;
}

/* A compressed or uncompressed public key in hex; uncompressed only where
 * allowed. */
static unsigned char *parse_key(const char *s, size_t len, size_t *key_len, int compressed_only, char *err,
                                size_t errlen) {
    unsigned char *key = hex_span(s, len, key_len);
    int ok = key != NULL && ((*key_len == 33 && (key[0] == 2 || key[0] == 3)) ||
                             (*key_len == 65 && key[0] == 4 && !compressed_only));
    if (!ok) {
        snprintf(err, errlen, "%s", key && *key_len == 65 ? "Uncompressed keys are not allowed"
                                                           : "key is not valid (only hex public keys are supported)");
        free(key);
        return NULL;
    }
    return key;
}

static unsigned char *keyhash_script(const unsigned char *key, size_t key_len, int witness, size_t *len) {
    unsigned char *s = sato_malloc(25);
    if (witness) {
        s[0] = 0x00;
        s[1] = 20;
        sato_hash160(s + 2, key, key_len);
        *len = 22;
    } else {
        s[0] = SATO_OP_DUP;
        s[1] = SATO_OP_HASH160;
        s[2] = 20;
        sato_hash160(s + 3, key, key_len);
        s[23] = SATO_OP_EQUALVERIFY;
        s[24] = SATO_OP_CHECKSIG;
        *len = 25;
    }
    return s;
}

int sato_descriptor_parse_script(unsigned char **script, size_t *script_len, char *err, size_t errlen,
                                 const sato_chain_addr_t *chain, const char *desc) {
    const char *in, *in2;
    size_t len, in_len, in2_len, klen;
    unsigned char *key, *s = NULL;

    *script = NULL;
    *script_len = 0;
    err[0] = '\0';
    if (!check_checksum(&len, err, errlen, desc)) return 0;
    if (func("addr", desc, len, &in, &in_len)) {
        unsigned char spk[SATO_ADDRESS_SCRIPT_MAX];
        if (!sato_address_decode(spk, script_len, chain, in, in_len)) {
            snprintf(err, errlen, "Address is not valid");
            return 0;
        }
        s = sato_malloc(*script_len);
        memcpy(s, spk, *script_len);
    } else if (func("raw", desc, len, &in, &in_len)) {
        if ((s = hex_span(in, in_len, script_len)) == NULL) {
            snprintf(err, errlen, "Raw script is not hex");
            return 0;
        }
    } else if (func("pk", desc, len, &in, &in_len)) {
        if ((key = parse_key(in, in_len, &klen, 0, err, errlen)) == NULL) return 0;
        s = sato_malloc(klen + 2);
        s[0] = (unsigned char)klen;
        memcpy(s + 1, key, klen);
        s[klen + 1] = SATO_OP_CHECKSIG;
        *script_len = klen + 2;
        free(key);
    } else if (func("pkh", desc, len, &in, &in_len) || func("wpkh", desc, len, &in, &in_len)) {
        int witness = desc[0] == 'w';
        if ((key = parse_key(in, in_len, &klen, witness, err, errlen)) == NULL) return 0;
        s = keyhash_script(key, klen, witness, script_len);
        free(key);
    } else if (func("sh", desc, len, &in, &in_len) && func("wpkh", in, in_len, &in2, &in2_len)) {
        unsigned char *inner;
        size_t inner_len;
        if ((key = parse_key(in2, in2_len, &klen, 1, err, errlen)) == NULL) return 0;
        inner = keyhash_script(key, klen, 1, &inner_len);
        s = sato_malloc(23);
        s[0] = SATO_OP_HASH160;
        s[1] = 20;
        sato_hash160(s + 2, inner, inner_len);
        s[22] = SATO_OP_EQUAL;
        *script_len = 23;
        free(inner);
        free(key);
    } else if (func("rawtr", desc, len, &in, &in_len)) {
        if ((key = hex_span(in, in_len, &klen)) == NULL || klen != 32) {
            free(key);
            snprintf(err, errlen, "rawtr(): key is not a valid x-only public key");
            return 0;
        }
        s = sato_malloc(34);
        s[0] = SATO_OP_1;
        s[1] = 32;
        memcpy(s + 2, key, 32);
        *script_len = 34;
        free(key);
    } else {
        snprintf(err, errlen, "'%.*s' is not a supported descriptor function", (int)(len < 64 ? len : 64), desc);
        return 0;
    }
    *script = s;
    return 1;
}
