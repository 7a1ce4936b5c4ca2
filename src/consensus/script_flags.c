/* Which rules a block is held to at its height: script verification
 * flags, BIP68, BIP30 (Bitcoin Core's GetBlockScriptFlags, IsBIP30Repeat,
 * IsBIP30Unspendable and ConnectBlock's BIP30 logic). */
#include <string.h>

#include "sato/block_check.h"
#include "sato/hex.h"
#include "sato/script.h"

static int hash_is(const unsigned char hash[32], const char *display_hex) {
    unsigned char h[32];
    return sato_hex_decode_rev(h, 32, display_hex) && memcmp(h, hash, 32) == 0;
}

unsigned int sato_block_script_flags(int32_t height, const unsigned char hash[32],
                                     const sato_chainparams_t *p) {
    /* P2SH, segwit and taproot are enforced from genesis: only the listed
     * historic blocks broke them before they activated. */
    unsigned int flags = SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS |
                         SATO_SCRIPT_VERIFY_TAPROOT;
    size_t i;
    for (i = 0; i < p->nflag_exceptions; i++) {
        if (hash_is(hash, p->flag_exceptions[i].hash_hex)) {
            flags = p->flag_exceptions[i].flags;
            break;
        }
    }
    if (height >= p->bip66_height) flags |= SATO_SCRIPT_VERIFY_DERSIG;
    if (height >= p->bip65_height) flags |= SATO_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY;
    if (height >= p->csv_height) flags |= SATO_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
    /* BIP147 activated with segwit. */
    if (height >= p->segwit_height) flags |= SATO_SCRIPT_VERIFY_NULLDUMMY;
    return flags;
}

unsigned int sato_block_lock_flags(int32_t height, const sato_chainparams_t *p) {
    return height >= p->csv_height ? SATO_LOCKTIME_VERIFY_SEQUENCE : 0;
}

int sato_bip30_is_repeat(int32_t height, const unsigned char hash[32]) {
    return (height == 91842 &&
            hash_is(hash, "00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec")) ||
           (height == 91880 &&
            hash_is(hash, "00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721"));
}

int sato_bip30_is_unspendable(int32_t height, const unsigned char hash[32]) {
    return (height == 91722 &&
            hash_is(hash, "00000000000271a2dc26e7667f8419f2e15416dc6955e5a6c6cdf3f2574dd08e")) ||
           (height == 91812 &&
            hash_is(hash, "00000000000af0aed4792b1acee3d966af36cf5def14935db8de83d6f9306f2f"));
}

int sato_bip30_enforced(int32_t height, const unsigned char hash[32],
                        const unsigned char *bip34_hash, const sato_chainparams_t *p) {
    int enforce = !sato_bip30_is_repeat(height, hash);
    /* On the chain through the pinned BIP34 block every later coinbase
     * starts with its own height, so none can repeat an earlier one... */
    if (enforce && bip34_hash != NULL && p->bip34_hash_hex != NULL &&
        hash_is(bip34_hash, p->bip34_hash_hex)) {
        enforce = 0;
    }
    /* ...until the heights that some pre-BIP34 coinbases already claim in
     * their scriptSigs: the lowest of those still ahead is 1,983,702. */
    return enforce || height >= SATO_BIP34_IMPLIES_BIP30_LIMIT;
}

int sato_block_verify_bip30(sato_block_state_t *st, const sato_block_t *b, sato_have_coin_fn have,
                            void *ctx) {
    sato_outpoint_t op;
    size_t i, o;
    for (i = 0; i < b->txs_len; i++) {
        sato_tx_txid(op.hash, &b->txs[i]);
        for (o = 0; o < b->txs[i].vout_len; o++) {
            sato_err_t r;
            op.n = (uint32_t)o;
            r = have(ctx, &op);
            if (r != SATO_OK && r != SATO_ENOTFOUND)
                return sato_validation_error(st, "coin view read failed");
            if (r == SATO_OK) {
                return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-txns-BIP30",
                                               "tried to overwrite transaction");
            }
        }
    }
    return 1;
}
