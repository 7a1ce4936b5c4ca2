/* Hand-built transactions for the mempool tests. */
#ifndef SATO_TEST_MEMPOOL_UTIL_H
#define SATO_TEST_MEMPOOL_UTIL_H

#include <string.h>

#include "sato/mem.h"
#include "sato/tx.h"

static inline void mp_bytes(sato_bytes_t *b, const unsigned char *data, size_t len) {
    b->data = sato_malloc(len ? len : 1);
    if (len) memcpy(b->data, data, len);
    b->len = len;
}

/* A version 2 transaction with n_in inputs spending (prev, first_n + i)
 * and n_out outputs of `value` paying spk. */
static inline void mp_tx(sato_tx_t *tx, const unsigned char prev[32], uint32_t first_n, size_t n_in, size_t n_out,
                         int64_t value, const unsigned char *spk, size_t spk_len) {
    size_t i;
    sato_tx_init(tx);
    tx->version = 2;
    tx->vin = sato_calloc(n_in ? n_in : 1, sizeof(sato_txin_t));
    tx->vin_len = n_in;
    for (i = 0; i < n_in; i++) {
        memcpy(tx->vin[i].prevout.hash, prev, 32);
        tx->vin[i].prevout.n = first_n + (uint32_t)i;
        tx->vin[i].sequence = 0xfffffffd;
    }
    tx->vout = sato_calloc(n_out ? n_out : 1, sizeof(sato_txout_t));
    tx->vout_len = n_out;
    for (i = 0; i < n_out; i++) {
        tx->vout[i].value = value;
        mp_bytes(&tx->vout[i].script_pubkey, spk, spk_len);
    }
}

static inline void mp_set_script_sig(sato_txin_t *in, const unsigned char *s, size_t len) {
    free(in->script_sig.data);
    mp_bytes(&in->script_sig, s, len);
}

static inline void mp_set_spk(sato_txout_t *out, const unsigned char *s, size_t len) {
    free(out->script_pubkey.data);
    mp_bytes(&out->script_pubkey, s, len);
}

/* Gives input i a witness of n items of the given sizes (filled with 0x01). */
static inline void mp_set_witness(sato_txin_t *in, const size_t *sizes, size_t n) {
    size_t i;
    in->witness = sato_calloc(n ? n : 1, sizeof(sato_bytes_t));
    in->witness_len = n;
    for (i = 0; i < n; i++) {
        in->witness[i].data = sato_malloc(sizes[i] ? sizes[i] : 1);
        memset(in->witness[i].data, 1, sizes[i]);
        in->witness[i].len = sizes[i];
    }
}

static const unsigned char mp_p2wpkh[22] = {0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                            11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

#endif
