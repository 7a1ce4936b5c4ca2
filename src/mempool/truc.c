/* Core's SingleTRUCChecks (see truc.h). */
#include <stdio.h>
#include <stdlib.h>

#include "sato/hex.h"
#include "truc.h"

int sato_mempool_truc_check(sato_mempool_t *pool, const sato_tx_t *tx, const unsigned char txid[32],
                            const unsigned char wtxid[32], int64_t vsize, char *err, size_t errlen) {
    sato_mempool_entry_t *parents[2] = {NULL, NULL};
    size_t n_parents = 0, i;
    char t[65], w[65], pt[65], pw[65];
    int v3 = tx->version == SATO_TRUC_VERSION;
    sato_hex_encode_rev(t, txid, 32);
    sato_hex_encode_rev(w, wtxid, 32);
    for (i = 0; i < tx->vin_len; i++) {
        sato_mempool_entry_t *p = sato_mempool_get(pool, tx->vin[i].prevout.hash);
        if (p == NULL || p == parents[0] || p == parents[1]) continue;
        /* TRUC and non-TRUC never mix in the pool. */
        if (v3 != (p->tx.version == SATO_TRUC_VERSION)) {
            sato_hex_encode_rev(pt, p->txid, 32);
            sato_hex_encode_rev(pw, p->wtxid, 32);
            snprintf(err, errlen, "%sversion=3 tx %s (wtxid=%s) cannot spend from %sversion=3 tx %s (wtxid=%s)",
                     v3 ? "" : "non-", t, w, v3 ? "non-" : "", pt, pw);
            return 0;
        }
        if (n_parents < 2) parents[n_parents] = p;
        n_parents++;
    }
    if (!v3) return 1;
    if (vsize > SATO_TRUC_MAX_VSIZE) {
        snprintf(err, errlen, "version=3 tx %s (wtxid=%s) is too big: %lld > %d virtual bytes", t, w,
                 (long long)vsize, SATO_TRUC_MAX_VSIZE);
        return 0;
    }
    if (n_parents == 0) return 1;
    /* One unconfirmed parent, itself without unconfirmed parents. */
    if (n_parents > 1 || parents[0]->n_parents > 0) {
        snprintf(err, errlen, "tx %s (wtxid=%s) would have too many ancestors", t, w);
        return 0;
    }
    if (vsize > SATO_TRUC_CHILD_MAX_VSIZE) {
        snprintf(err, errlen, "version=3 child tx %s (wtxid=%s) is too big: %lld > %d virtual bytes", t, w,
                 (long long)vsize, SATO_TRUC_CHILD_MAX_VSIZE);
        return 0;
    }
    /* One child per parent: a sibling would need replacing. */
    if (parents[0]->n_children > 0) {
        sato_hex_encode_rev(pt, parents[0]->txid, 32);
        sato_hex_encode_rev(pw, parents[0]->wtxid, 32);
        snprintf(err, errlen, "tx %s (wtxid=%s) would exceed descendant count limit", pt, pw);
        return 0;
    }
    return 1;
}
