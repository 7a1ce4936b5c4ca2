/* Block assembly and nonce grinding for the generate* RPCs. */
#include <string.h>

#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/miner.h"
#include "sato/pow.h"
#include "sato/script.h"

void sato_miner_coinbase(sato_tx_t *out, int32_t height, const unsigned char *script_pubkey,
                         size_t script_pubkey_len, int64_t value, int segwit) {
    unsigned char sig[16];
    size_t n = sato_bip34_height_script(sig, height);
    sig[n++] = SATO_OP_0; /* keeps the scriptSig at least 2 bytes long */

    sato_tx_init(out);
    out->version = 2;
    out->vin = sato_calloc(1, sizeof(sato_txin_t));
    out->vin_len = 1;
    out->vin[0].prevout.n = 0xffffffffu;
    out->vin[0].script_sig.data = sato_malloc(n);
    memcpy(out->vin[0].script_sig.data, sig, n);
    out->vin[0].script_sig.len = n;
    out->vin[0].sequence = SATO_SEQUENCE_FINAL;
    if (segwit) {
        out->vin[0].witness = sato_calloc(1, sizeof(sato_bytes_t));
        out->vin[0].witness_len = 1;
        out->vin[0].witness[0].data = sato_calloc(1, 32);
        out->vin[0].witness[0].len = 32;
    }
    out->vout = sato_calloc(1, sizeof(sato_txout_t));
    out->vout_len = 1;
    out->vout[0].value = value;
    out->vout[0].script_pubkey.data = sato_malloc(script_pubkey_len ? script_pubkey_len : 1);
    memcpy(out->vout[0].script_pubkey.data, script_pubkey, script_pubkey_len);
    out->vout[0].script_pubkey.len = script_pubkey_len;
}

void sato_miner_assemble(sato_block_t *out, const sato_block_template_t *tmpl, const sato_tx_t *coinbase,
                         const sato_tx_t *txs, size_t ntxs) {
    size_t i;
    sato_block_init(out);
    out->txs = sato_calloc(ntxs + 1, sizeof(sato_tx_t));
    out->txs_len = ntxs + 1;
    sato_tx_init(&out->txs[0]);
    sato_tx_copy(&out->txs[0], coinbase);
    for (i = 0; i < ntxs; i++) {
        sato_tx_init(&out->txs[i + 1]);
        sato_tx_copy(&out->txs[i + 1], &txs[i]);
    }
    out->header.version = tmpl->version;
    memcpy(out->header.prev_hash, tmpl->prev_hash, 32);
    out->header.time = tmpl->time;
    out->header.bits = tmpl->bits;
    out->header.nonce = 0;
    if (tmpl->segwit_active) {
        /* The commitment output: OP_RETURN, a 36-byte push of the tag and
         * HASH256(witness root || reserved value). */
        unsigned char root[32], reserved[32] = {0}, *spk;
        sato_tx_t *cb = &out->txs[0];
        sato_txout_t *o;
        sato_tx_make_editable(cb);
        cb->vout = sato_realloc(cb->vout, (cb->vout_len + 1) * sizeof(sato_txout_t));
        o = &cb->vout[cb->vout_len++];
        memset(o, 0, sizeof(*o));
        sato_block_witness_merkle_root(root, NULL, out);
        spk = sato_malloc(38);
        spk[0] = SATO_OP_RETURN;
        spk[1] = 36;
        memcpy(spk + 2, SATO_WITNESS_COMMITMENT_HEADER + 2, 4);
        sato_witness_commitment(spk + 6, root, reserved);
        o->script_pubkey.data = spk;
        o->script_pubkey.len = 38;
    }
    sato_block_merkle_root(out->header.merkle_root, NULL, out);
}

int sato_miner_solve(sato_block_header_t *header, const sato_u256_t *pow_limit, uint64_t max_tries) {
    uint64_t tries = 0;
    unsigned char hash[32];
    for (;;) {
        sato_block_header_hash(hash, header);
        if (sato_pow_check(hash, header->bits, pow_limit)) return 1;
        if (++tries == max_tries || header->nonce == 0xffffffffu) return 0;
        header->nonce++;
    }
}
