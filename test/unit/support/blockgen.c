/* Hand-built transactions, blocks and chains for validation tests. */
#include <stdlib.h>
#include <string.h>

#include "blockgen.h"
#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"

const unsigned char blockgen_op_true[1] = {0x51};

static void set_bytes(sato_bytes_t *b, const unsigned char *p, size_t n) {
    b->data = n ? sato_malloc(n) : NULL;
    if (n) memcpy(b->data, p, n);
    b->len = n;
}

void blockgen_tx_add_input(sato_tx_t *tx, const unsigned char txid[32], uint32_t n,
                           uint32_t sequence, const unsigned char *script_sig, size_t len) {
    sato_txin_t *in;
    unsigned char hash[32];
    memcpy(hash, txid, 32); /* txid may point into tx->vin */
    tx->vin = sato_realloc(tx->vin, (tx->vin_len + 1) * sizeof(*tx->vin));
    in = &tx->vin[tx->vin_len++];
    memset(in, 0, sizeof(*in));
    memcpy(in->prevout.hash, hash, 32);
    in->prevout.n = n;
    in->sequence = sequence;
    set_bytes(&in->script_sig, script_sig, len);
}

void blockgen_tx_add_output(sato_tx_t *tx, int64_t value, const unsigned char *spk, size_t len) {
    sato_txout_t *out;
    tx->vout = sato_realloc(tx->vout, (tx->vout_len + 1) * sizeof(*tx->vout));
    out = &tx->vout[tx->vout_len++];
    out->value = value;
    set_bytes(&out->script_pubkey, spk, len);
}

void blockgen_tx_add_witness(sato_tx_t *tx, size_t nin, const unsigned char *item, size_t len) {
    sato_txin_t *in = &tx->vin[nin];
    in->witness = sato_realloc(in->witness, (in->witness_len + 1) * sizeof(*in->witness));
    set_bytes(&in->witness[in->witness_len++], item, len);
}

void blockgen_tx_spend(sato_tx_t *tx, const unsigned char txid[32], uint32_t n, int64_t value) {
    sato_tx_init(tx);
    tx->version = 2;
    blockgen_tx_add_input(tx, txid, n, SATO_SEQUENCE_FINAL, NULL, 0);
    blockgen_tx_add_output(tx, value, blockgen_op_true, 1);
}

void blockgen_coinbase(sato_tx_t *tx, int32_t height, int64_t value) {
    static const unsigned char zero[32];
    unsigned char sig[7];
    size_t n = sato_bip34_height_script(sig, height);
    sig[n++] = 0x00;
    sato_tx_init(tx);
    tx->version = 2;
    blockgen_tx_add_input(tx, zero, SATO_OUTPOINT_NULL_INDEX, SATO_SEQUENCE_FINAL, sig, n);
    blockgen_tx_add_output(tx, value, blockgen_op_true, 1);
}

void blockgen_block_init(sato_block_t *b, const unsigned char prev_hash[32], uint32_t time) {
    sato_block_init(b);
    b->header.version = 0x20000000;
    memcpy(b->header.prev_hash, prev_hash, 32);
    b->header.time = time;
    b->header.bits = 0x207fffff;
}

void blockgen_block_add_tx(sato_block_t *b, sato_tx_t *tx) {
    b->txs = sato_realloc(b->txs, (b->txs_len + 1) * sizeof(*b->txs));
    b->txs[b->txs_len++] = *tx;
    sato_tx_init(tx);
}

static void add_commitment(sato_block_t *b) {
    static const unsigned char reserved[32];
    unsigned char spk[SATO_WITNESS_COMMITMENT_MIN_SIZE], root[32];
    sato_tx_t *cb = &b->txs[0];
    size_t pos;
    memcpy(spk, SATO_WITNESS_COMMITMENT_HEADER, 6);
    memset(spk + 6, 0, 32);
    if (!sato_block_witness_commitment_find(&pos, b)) {
        blockgen_tx_add_output(cb, 0, spk, sizeof(spk));
        pos = cb->vout_len - 1;
    }
    if (cb->vin[0].witness_len == 0) blockgen_tx_add_witness(cb, 0, reserved, 32);
    sato_block_witness_merkle_root(root, NULL, b);
    sato_witness_commitment(cb->vout[pos].script_pubkey.data + 6, root, cb->vin[0].witness[0].data);
}

void blockgen_mine(sato_block_header_t *h) {
    unsigned char hash[32];
    sato_u256_t limit;
    sato_chainparams_pow_limit(&limit, &sato_chainparams_regtest);
    for (;;) {
        sato_block_header_hash(hash, h);
        if (sato_pow_check(hash, h->bits, &limit)) return;
        h->nonce++;
    }
}

void blockgen_block_finish(sato_block_t *b, int force_commitment) {
    size_t i;
    int witness = force_commitment;
    for (i = 1; i < b->txs_len; i++) witness |= sato_tx_has_witness(&b->txs[i]);
    if (witness && b->txs_len > 0 && b->txs[0].vin_len > 0) add_commitment(b);
    sato_block_merkle_root(b->header.merkle_root, NULL, b);
    blockgen_mine(&b->header);
}

void blockgen_chain_init(blockgen_chain_t *c, const sato_chainparams_t *p) {
    sato_block_t g;
    c->cap = 16;
    c->len = 0;
    c->e = sato_calloc((size_t)c->cap, sizeof(*c->e));
    sato_chainparams_genesis(&g, p);
    blockgen_chain_push(c, &g.header);
    sato_block_clear(&g);
}

void blockgen_chain_free(blockgen_chain_t *c) {
    free(c->e);
    c->e = NULL;
    c->len = c->cap = 0;
}

void blockgen_chain_push(blockgen_chain_t *c, const sato_block_header_t *h) {
    if (c->len == c->cap) {
        c->cap *= 2;
        c->e = sato_realloc(c->e, (size_t)c->cap * sizeof(*c->e));
    }
    c->e[c->len].time = h->time;
    c->e[c->len].bits = h->bits;
    sato_block_header_hash(c->e[c->len].hash, h);
    c->len++;
}

static int chain_get(void *ctx, int32_t height, sato_chain_entry_t *out) {
    blockgen_chain_t *c = ctx;
    if (height < 0 || height >= c->len) return 0;
    *out = c->e[height];
    return 1;
}

sato_chain_view_t blockgen_chain_view(blockgen_chain_t *c) {
    sato_chain_view_t v;
    v.get = chain_get;
    v.ctx = c;
    v.tip_height = c->len - 1;
    return v;
}

int blockgen_chain_mtp_at(void *ctx, int32_t height, int64_t *mtp) {
    blockgen_chain_t *c = ctx;
    sato_chain_view_t v = blockgen_chain_view(c);
    return sato_chain_view_mtp(mtp, &v, height);
}

int64_t blockgen_chain_tip_mtp(blockgen_chain_t *c) {
    int64_t mtp = 0;
    blockgen_chain_mtp_at(c, c->len - 1, &mtp);
    return mtp;
}
