#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include "sato/hash.h"
#include "sato/script.h"
#include "taproot_leaf.h"

const unsigned char test_generator_x[32] = {
    0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
    0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98};

int test_taproot_one_leaf(unsigned char out_key[32], unsigned char control[33],
                          const unsigned char *leaf_script, size_t leaf_len) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_xonly_pubkey internal, out_x;
    secp256k1_pubkey out;
    unsigned char leaf[32], tweak[32], msg[64];
    int parity, ok = 0;
    /* One leaf: the merkle root is the leaf hash itself. */
    sato_taproot_leaf_hash(leaf, SATO_TAPROOT_LEAF_TAPSCRIPT, leaf_script, leaf_len);
    memcpy(msg, test_generator_x, 32);
    memcpy(msg + 32, leaf, 32);
    sato_tagged_hash(tweak, "TapTweak", msg, 64);
    if (!secp256k1_xonly_pubkey_parse(ctx, &internal, test_generator_x)) goto out;
    if (!secp256k1_xonly_pubkey_tweak_add(ctx, &out, &internal, tweak)) goto out;
    if (!secp256k1_xonly_pubkey_from_pubkey(ctx, &out_x, &parity, &out)) goto out;
    if (!secp256k1_xonly_pubkey_serialize(ctx, out_key, &out_x)) goto out;
    control[0] = (unsigned char)(SATO_TAPROOT_LEAF_TAPSCRIPT | parity);
    memcpy(control + 1, test_generator_x, 32);
    ok = 1;
out:
    secp256k1_context_destroy(ctx);
    return ok;
}
