/* Context-free transaction rules (Bitcoin Core's CheckTransaction). */
#include <stdlib.h>
#include <string.h>

#include "sato/amount.h"
#include "sato/mem.h"
#include "sato/tx_check.h"

/* Below this many inputs a pairwise scan beats sorting a copy. */
#define DUP_SCAN_MAX 16

static int outpoint_cmp(const void *a, const void *b) {
    const sato_outpoint_t *x = a, *y = b;
    int c = memcmp(x->hash, y->hash, 32);
    if (c != 0) return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

static int outpoint_eq(const sato_outpoint_t *x, const sato_outpoint_t *y) {
    return x->n == y->n && memcmp(x->hash, y->hash, 32) == 0;
}

/* CVE-2018-17144: nothing else catches an input spent twice in one tx. */
static int has_duplicate_inputs(const sato_tx_t *tx) {
    size_t i, j, n = tx->vin_len;
    sato_outpoint_t *sorted;
    int dup = 0;
    if (n <= DUP_SCAN_MAX) {
        for (i = 1; i < n; i++) {
            for (j = 0; j < i; j++) {
                if (outpoint_eq(&tx->vin[i].prevout, &tx->vin[j].prevout)) return 1;
            }
        }
        return 0;
    }
    sorted = sato_malloc(n * sizeof(*sorted));
    for (i = 0; i < n; i++) sorted[i] = tx->vin[i].prevout;
    qsort(sorted, n, sizeof(*sorted), outpoint_cmp);
    for (i = 1; i < n && !dup; i++) dup = outpoint_eq(&sorted[i - 1], &sorted[i]);
    free(sorted);
    return dup;
}

static int reject(const char **reason, const char *why) {
    if (reason != NULL) *reason = why;
    return 0;
}

int sato_tx_check(const sato_tx_t *tx, const char **reason) {
    int64_t total = 0;
    size_t i;
    if (reason != NULL) *reason = NULL;
    if (tx->vin_len == 0) return reject(reason, "bad-txns-vin-empty");
    if (tx->vout_len == 0) return reject(reason, "bad-txns-vout-empty");
    /* The witness is left out: it has not been checked for malleation yet. */
    if (sato_tx_size(tx, 0) > SATO_MAX_BLOCK_WEIGHT / SATO_WITNESS_SCALE_FACTOR) {
        return reject(reason, "bad-txns-oversize");
    }
    /* CVE-2010-5139: each value and every running sum stays in range, so
     * the sum can never overflow. */
    for (i = 0; i < tx->vout_len; i++) {
        int64_t v = tx->vout[i].value;
        if (v < 0) return reject(reason, "bad-txns-vout-negative");
        if (v > SATO_MAX_MONEY) return reject(reason, "bad-txns-vout-toolarge");
        total += v;
        if (!sato_money_range(total)) return reject(reason, "bad-txns-txouttotal-toolarge");
    }
    if (has_duplicate_inputs(tx)) return reject(reason, "bad-txns-inputs-duplicate");
    if (sato_tx_is_coinbase(tx)) {
        size_t len = tx->vin[0].script_sig.len;
        if (len < 2 || len > 100) return reject(reason, "bad-cb-length");
    } else {
        for (i = 0; i < tx->vin_len; i++) {
            if (sato_outpoint_is_null(&tx->vin[i].prevout)) {
                return reject(reason, "bad-txns-prevout-null");
            }
        }
    }
    return 1;
}
