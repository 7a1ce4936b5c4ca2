/* Regtest block builder for tests and benchmarks. */
#include "chaingen.h"

#include <secp256k1_schnorrsig.h>
#include <stdlib.h>
#include <string.h>

#include "sato/block_check.h"
#include "sato/hash.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/script.h"
#include "sato/sha256.h"
#include "sato/sighash.h"

static void q_push(struct chaingen_queue *q, const chaingen_utxo_t *u) {
    if (q->n == q->cap) {
        /* Drop the consumed front before growing. */
        if (q->first > 0) {
            memmove(q->v, q->v + q->first, (q->n - q->first) * sizeof(*q->v));
            q->n -= q->first;
            q->first = 0;
        }
        if (q->n == q->cap) q->v = sato_realloc(q->v, (q->cap = q->cap ? q->cap * 2 : 256) * sizeof(*q->v));
    }
    q->v[q->n++] = *u;
}

static void q_copy(struct chaingen_queue *d, const struct chaingen_queue *s) {
    d->cap = s->cap;
    d->first = s->first;
    d->n = s->n;
    d->v = s->cap ? sato_malloc(s->cap * sizeof(*s->v)) : NULL;
    if (s->n) memcpy(d->v, s->v, s->n * sizeof(*s->v));
}

void chaingen_init(chaingen_t *g, const sato_chainparams_t *p, uint64_t seed) {
    sato_block_t genesis;
    secp256k1_pubkey pk;
    secp256k1_xonly_pubkey xo;
    unsigned char px[32], tweak[32], h160[20];
    size_t len = 33;
    memset(g, 0, sizeof(*g));
    g->params = p;
    g->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    sato_sha256(g->seckey, (const unsigned char *)&seed, sizeof(seed));
    if (!secp256k1_ec_pubkey_create(g->secp, &pk, g->seckey)) abort();
    secp256k1_ec_pubkey_serialize(g->secp, g->pub33, &len, &pk, SECP256K1_EC_COMPRESSED);
    sato_hash160(h160, g->pub33, 33);
    g->spk_wpkh[0] = 0x00;
    g->spk_wpkh[1] = 20;
    memcpy(g->spk_wpkh + 2, h160, 20);
    if (!secp256k1_keypair_create(g->secp, &g->tweaked, g->seckey)) abort();
    if (!secp256k1_keypair_xonly_pub(g->secp, &xo, NULL, &g->tweaked)) abort();
    secp256k1_xonly_pubkey_serialize(g->secp, px, &xo);
    sato_tagged_hash(tweak, "TapTweak", px, 32);
    if (!secp256k1_keypair_xonly_tweak_add(g->secp, &g->tweaked, tweak)) abort();
    if (!secp256k1_keypair_xonly_pub(g->secp, &xo, NULL, &g->tweaked)) abort();
    g->spk_tr[0] = SATO_OP_1;
    g->spk_tr[1] = 32;
    secp256k1_xonly_pubkey_serialize(g->secp, g->spk_tr + 2, &xo);
    sato_chainparams_genesis(&genesis, p);
    sato_block_header_hash(g->tip, &genesis.header);
    g->time = genesis.header.time;
    g->times[10] = g->time;
    g->height = 0;
    g->counter = seed << 32;
    sato_block_clear(&genesis);
}

void chaingen_clear(chaingen_t *g) {
    if (g->secp != NULL) secp256k1_context_destroy(g->secp);
    free(g->cb.v);
    free(g->reg.v);
    memset(g, 0, sizeof(*g));
}

void chaingen_copy(chaingen_t *dst, const chaingen_t *src) {
    static uint64_t forks;
    *dst = *src;
    dst->secp = secp256k1_context_clone(src->secp);
    q_copy(&dst->cb, &src->cb);
    q_copy(&dst->reg, &src->reg);
    /* Different coinbases (so different blocks) from here on, however
     * many forks are made of one generator. */
    dst->counter += ++forks * 1000000007ull;
}

static void bytes_set(sato_bytes_t *b, const unsigned char *p, size_t n) {
    b->data = n ? sato_malloc(n) : NULL;
    if (n) memcpy(b->data, p, n);
    b->len = n;
}

void chaingen_block_init(chaingen_t *g, sato_block_t *b, int64_t fees) {
    sato_tx_t *cb;
    unsigned char script[16], zero[32] = {0};
    size_t n;
    int32_t height = g->height + 1;
    sato_block_init(b);
    b->header.version = 0x20000000;
    memcpy(b->header.prev_hash, g->tip, 32);
    b->header.time = g->time + 1;
    b->header.bits = g->params->genesis_bits;
    b->txs = sato_calloc(1, sizeof(sato_tx_t));
    b->txs_len = 1;
    cb = &b->txs[0];
    sato_tx_init(cb);
    cb->version = 2;
    cb->vin = sato_calloc(1, sizeof(sato_txin_t));
    cb->vin_len = 1;
    cb->vin[0].prevout.n = SATO_OUTPOINT_NULL_INDEX;
    cb->vin[0].sequence = SATO_SEQUENCE_FINAL;
    n = sato_bip34_height_script(script, height);
    script[n++] = 8;
    g->counter++;
    memcpy(script + n, &g->counter, 8);
    n += 8;
    bytes_set(&cb->vin[0].script_sig, script, n);
    cb->vin[0].witness = sato_calloc(1, sizeof(sato_bytes_t));
    cb->vin[0].witness_len = 1;
    bytes_set(&cb->vin[0].witness[0], zero, 32);
    cb->vout = sato_calloc(2, sizeof(sato_txout_t));
    cb->vout_len = 2;
    cb->vout[0].value = sato_block_subsidy(height, g->params) + fees;
    if (height & 1) bytes_set(&cb->vout[0].script_pubkey, g->spk_tr, 34);
    else bytes_set(&cb->vout[0].script_pubkey, g->spk_wpkh, 22);
    {
        unsigned char c[38];
        memcpy(c, SATO_WITNESS_COMMITMENT_HEADER, 6);
        memset(c + 6, 0, 32);
        bytes_set(&cb->vout[1].script_pubkey, c, 38);
    }
}

void chaingen_block_add(sato_block_t *b, sato_tx_t *tx) {
    b->txs = sato_realloc(b->txs, (b->txs_len + 1) * sizeof(sato_tx_t));
    b->txs[b->txs_len++] = *tx;
    sato_tx_init(tx);
}

void chaingen_mine(chaingen_t *g, sato_block_t *b) {
    sato_u256_t limit;
    unsigned char hash[32];
    sato_chainparams_pow_limit(&limit, g->params);
    for (b->header.nonce = 0;; b->header.nonce++) {
        sato_block_header_hash(hash, &b->header);
        if (sato_pow_check(hash, b->header.bits, &limit)) return;
    }
}

void chaingen_block_finish(chaingen_t *g, sato_block_t *b) {
    size_t idx;
    int mutated;
    if (b->txs_len > 0 && sato_block_witness_commitment_find(&idx, b)) {
        unsigned char root[32], commit[32];
        const sato_tx_t *cb = &b->txs[0];
        const unsigned char *nonce = (cb->vin_len > 0 && cb->vin[0].witness_len == 1 &&
                                      cb->vin[0].witness[0].len == 32)
                                         ? cb->vin[0].witness[0].data
                                         : NULL;
        unsigned char zero[32] = {0};
        sato_block_witness_merkle_root(root, &mutated, b);
        sato_witness_commitment(commit, root, nonce ? nonce : zero);
        memcpy(b->txs[0].vout[idx].script_pubkey.data + 6, commit, 32);
    }
    sato_block_merkle_root(b->header.merkle_root, &mutated, b);
    chaingen_mine(g, b);
}

static int spk_kind(const chaingen_t *g, const sato_bytes_t *s) {
    if (s->len == 22 && memcmp(s->data, g->spk_wpkh, 22) == 0) return CHAINGEN_P2WPKH;
    if (s->len == 34 && memcmp(s->data, g->spk_tr, 34) == 0) return CHAINGEN_P2TR;
    return -1;
}

static int cmp32(const void *a, const void *b) {
    return memcmp(a, b, 32);
}

/* Whether an input of the block spends op (only outputs created in the
 * block itself can be: wallet coins leave the wallet when spent). */
static int spent_in_block(const sato_block_t *b, const unsigned char *sorted_txids,
                          const sato_outpoint_t *op) {
    size_t i, j;
    if (bsearch(op->hash, sorted_txids, b->txs_len, 32, cmp32) == NULL) return 0;
    for (i = 1; i < b->txs_len; i++) {
        for (j = 0; j < b->txs[i].vin_len; j++) {
            const sato_outpoint_t *p = &b->txs[i].vin[j].prevout;
            if (p->n == op->n && memcmp(p->hash, op->hash, 32) == 0) return 1;
        }
    }
    return 0;
}

void chaingen_accept(chaingen_t *g, const sato_block_t *b) {
    size_t i, j;
    unsigned char *txids = sato_malloc(b->txs_len * 32 + 1);
    int chained = 0;
    for (i = 0; i < b->txs_len; i++) sato_tx_txid(txids + 32 * i, &b->txs[i]);
    qsort(txids, b->txs_len, 32, cmp32);
    /* Does any input spend an output of this block? */
    for (i = 1; i < b->txs_len && !chained; i++) {
        for (j = 0; j < b->txs[i].vin_len && !chained; j++) {
            if (bsearch(b->txs[i].vin[j].prevout.hash, txids, b->txs_len, 32, cmp32)) chained = 1;
        }
    }
    g->height++;
    sato_block_header_hash(g->tip, &b->header);
    g->time = b->header.time;
    memmove(g->times, g->times + 1, 10 * sizeof(uint32_t));
    g->times[10] = g->time;
    for (i = 0; i < b->txs_len; i++) {
        unsigned char txid[32];
        sato_tx_txid(txid, &b->txs[i]);
        for (j = 0; j < b->txs[i].vout_len; j++) {
            chaingen_utxo_t u;
            int kind = spk_kind(g, &b->txs[i].vout[j].script_pubkey);
            if (kind < 0 || b->txs[i].vout[j].value <= 0) continue;
            memcpy(u.op.hash, txid, 32);
            u.op.n = (uint32_t)j;
            if (chained && spent_in_block(b, txids, &u.op)) continue;
            u.value = b->txs[i].vout[j].value;
            u.height = g->height;
            u.coinbase = (i == 0);
            u.kind = kind;
            q_push(i == 0 ? &g->cb : &g->reg, &u);
        }
    }
    free(txids);
}

size_t chaingen_mature(const chaingen_t *g) {
    size_t n = g->reg.n - g->reg.first, i;
    for (i = g->cb.first; i < g->cb.n; i++) {
        if (g->cb.v[i].height + SATO_COINBASE_MATURITY > g->height + 1) break;
        n++;
    }
    return n;
}

static int take(chaingen_t *g, chaingen_utxo_t *u) {
    if (g->reg.first < g->reg.n) {
        *u = g->reg.v[g->reg.first++];
        return 1;
    }
    if (g->cb.first < g->cb.n &&
        g->cb.v[g->cb.first].height + SATO_COINBASE_MATURITY <= g->height + 1) {
        *u = g->cb.v[g->cb.first++];
        return 1;
    }
    return 0;
}

int chaingen_spend(chaingen_t *g, sato_tx_t *tx, size_t n_in, size_t n_out, int64_t fee) {
    chaingen_utxo_t *ins;
    size_t i;
    sato_tx_init(tx);
    if (n_in == 0 || n_out == 0 || chaingen_mature(g) < n_in) return 0;
    ins = sato_malloc(n_in * sizeof(*ins));
    for (i = 0; i < n_in; i++) take(g, &ins[i]);
    chaingen_spend_utxos(g, tx, ins, n_in, n_out, fee);
    free(ins);
    return 1;
}

void chaingen_spend_utxos(chaingen_t *g, sato_tx_t *tx, const chaingen_utxo_t *ins, size_t n_in,
                          size_t n_out, int64_t fee) {
    sato_txout_t *spent;
    sato_txdata_t txdata;
    int64_t total = 0, each;
    size_t i;
    sato_tx_init(tx);
    spent = sato_calloc(n_in, sizeof(*spent));
    for (i = 0; i < n_in; i++) total += ins[i].value;
    tx->version = 2;
    tx->vin = sato_calloc(n_in, sizeof(sato_txin_t));
    tx->vin_len = n_in;
    for (i = 0; i < n_in; i++) {
        tx->vin[i].prevout = ins[i].op;
        tx->vin[i].sequence = 0xfffffffd;
        spent[i].value = ins[i].value;
        spent[i].script_pubkey.data = ins[i].kind == CHAINGEN_P2TR ? g->spk_tr : g->spk_wpkh;
        spent[i].script_pubkey.len = ins[i].kind == CHAINGEN_P2TR ? 34 : 22;
    }
    while (n_out > 1 && (total - fee) / (int64_t)n_out < 1000) n_out--;
    tx->vout = sato_calloc(n_out, sizeof(sato_txout_t));
    tx->vout_len = n_out;
    each = (total - fee) / (int64_t)n_out;
    for (i = 0; i < n_out; i++) {
        tx->vout[i].value = i + 1 < n_out ? each : total - fee - each * (int64_t)(n_out - 1);
        if (i & 1) bytes_set(&tx->vout[i].script_pubkey, g->spk_tr, 34);
        else bytes_set(&tx->vout[i].script_pubkey, g->spk_wpkh, 22);
    }
    sato_txdata_init(&txdata, tx, spent, n_in);
    for (i = 0; i < n_in; i++) {
        unsigned char sighash[32];
        if (ins[i].kind == CHAINGEN_P2TR) {
            unsigned char sig[64];
            sato_sighash_taproot(sighash, tx, i, 0, &txdata, NULL, NULL, 0xffffffffu);
            if (!secp256k1_schnorrsig_sign32(g->secp, sig, sighash, &g->tweaked, NULL)) abort();
            tx->vin[i].witness = sato_calloc(1, sizeof(sato_bytes_t));
            tx->vin[i].witness_len = 1;
            bytes_set(&tx->vin[i].witness[0], sig, 64);
        } else {
            unsigned char code[25], der[80];
            size_t der_len = sizeof(der) - 1;
            secp256k1_ecdsa_signature s;
            code[0] = SATO_OP_DUP;
            code[1] = SATO_OP_HASH160;
            code[2] = 20;
            memcpy(code + 3, g->spk_wpkh + 2, 20);
            code[23] = SATO_OP_EQUALVERIFY;
            code[24] = SATO_OP_CHECKSIG;
            sato_sighash_v0(sighash, tx, i, code, 25, ins[i].value, SATO_SIGHASH_ALL, &txdata);
            if (!secp256k1_ecdsa_sign(g->secp, &s, sighash, g->seckey, NULL, NULL)) abort();
            secp256k1_ecdsa_signature_serialize_der(g->secp, der, &der_len, &s);
            der[der_len++] = SATO_SIGHASH_ALL;
            tx->vin[i].witness = sato_calloc(2, sizeof(sato_bytes_t));
            tx->vin[i].witness_len = 2;
            bytes_set(&tx->vin[i].witness[0], der, der_len);
            bytes_set(&tx->vin[i].witness[1], g->pub33, 33);
        }
    }
    free(spent);
}

void chaingen_next(chaingen_t *g, sato_block_t *b, size_t n_tx, size_t in_per_tx,
                   size_t out_per_tx) {
    sato_tx_t *txs = sato_calloc(n_tx ? n_tx : 1, sizeof(*txs));
    size_t i, made = 0;
    int64_t fee = 1000;
    for (i = 0; i < n_tx; i++) {
        if (!chaingen_spend(g, &txs[made], in_per_tx, out_per_tx, fee)) break;
        made++;
    }
    chaingen_block_init(g, b, fee * (int64_t)made);
    for (i = 0; i < made; i++) chaingen_block_add(b, &txs[i]);
    free(txs);
    chaingen_block_finish(g, b);
    chaingen_accept(g, b);
}
