/* Transaction parser: anything that parses must serialize back to exactly
 * the bytes consumed, parse again to the same transaction, and survive
 * every other operation on transactions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/sha256.h"
#include "sato/tx.h"
#include "sato/tx_check.h"

#define FUZZ_ASSERT(cond)                                                         \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                              \
        }                                                                         \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_copies(const sato_tx_t *tx) {
    sato_tx_t a, b;
    sato_tx_copy(&a, tx);
    FUZZ_ASSERT(a.arena != NULL && sato_tx_equal(&a, tx));
    sato_tx_make_editable(&a);
    FUZZ_ASSERT(a.arena == NULL && sato_tx_equal(&a, tx));
    sato_tx_copy(&b, &a);
    FUZZ_ASSERT(sato_tx_equal(&b, tx));
    sato_tx_clear(&a);
    sato_tx_clear(&b);
}

static void check_tx(const sato_tx_t *tx, const uint8_t *data, size_t consumed, int allow_witness) {
    sato_buf_t out, stripped;
    sato_tx_t again;
    unsigned char h[32], id[32];
    const char *reason = "unset";
    int ok;
    sato_buf_init(&out);
    sato_buf_init(&stripped);
    /* The serialization is canonical: writing reproduces the input. */
    sato_tx_write(&out, tx, allow_witness);
    FUZZ_ASSERT(out.len == consumed && (consumed == 0 || memcmp(out.data, data, consumed) == 0));
    FUZZ_ASSERT(sato_tx_size(tx, allow_witness) == consumed);
    FUZZ_ASSERT(allow_witness || !sato_tx_has_witness(tx));
    FUZZ_ASSERT(sato_tx_parse(&again, out.data, out.len, allow_witness));
    FUZZ_ASSERT(sato_tx_equal(&again, tx));
    sato_tx_clear(&again);
    /* Hashes are those of the two serializations. */
    sato_tx_write(&stripped, tx, 0);
    FUZZ_ASSERT(stripped.len == sato_tx_size(tx, 0));
    FUZZ_ASSERT(sato_tx_weight(tx) == 3 * stripped.len + sato_tx_size(tx, 1));
    sato_sha256d(h, stripped.data, stripped.len);
    sato_tx_txid(id, tx);
    FUZZ_ASSERT(memcmp(h, id, 32) == 0);
    sato_buf_clear(&out);
    sato_tx_write(&out, tx, 1);
    sato_sha256d(h, out.data, out.len);
    sato_tx_wtxid(id, tx);
    FUZZ_ASSERT(memcmp(h, id, 32) == 0);
    check_copies(tx);
    ok = sato_tx_check(tx, &reason);
    FUZZ_ASSERT(ok ? reason == NULL : reason != NULL);
    FUZZ_ASSERT(!ok || (tx->vin_len > 0 && tx->vout_len > 0));
    sato_buf_clear(&out);
    sato_buf_clear(&stripped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int allow_witness;
    for (allow_witness = 0; allow_witness < 2; allow_witness++) {
        sato_reader_t r;
        sato_tx_t tx;
        sato_reader_init(&r, data, size);
        if (!sato_tx_read(&tx, &r, allow_witness)) {
            FUZZ_ASSERT(r.failed && tx.arena == NULL && tx.vin_len == 0 && tx.vout_len == 0);
            continue;
        }
        check_tx(&tx, data, r.pos, allow_witness);
        sato_tx_clear(&tx);
    }
    return 0;
}
