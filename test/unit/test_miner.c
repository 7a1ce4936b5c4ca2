/* Block assembly: a regtest chain of 200 blocks built on the real genesis,
 * each with a BIP34 coinbase and a witness commitment, checked by the
 * consensus code's own rules. */
#include <string.h>

#include "sato/chainparams.h"
#include "sato/merkle.h"
#include "sato/miner.h"
#include "sato/pow.h"
#include "sato/script.h"
#include "sato/tx_check.h"
#include "test.h"

static const unsigned char p2wpkh[22] = {0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                         11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

static void test_chain(void) {
    const sato_chainparams_t *p = &sato_chainparams_regtest;
    sato_block_t genesis;
    sato_u256_t limit;
    unsigned char prev[32];
    uint32_t time;
    int32_t h;
    int all_ok = 1;

    sato_chainparams_genesis(&genesis, p);
    sato_block_hash(prev, &genesis);
    time = genesis.header.time;
    sato_block_clear(&genesis);
    sato_chainparams_pow_limit(&limit, p);
    for (h = 1; h <= 200 && all_ok; h++) {
        sato_block_template_t t;
        sato_tx_t cb;
        sato_block_t b, back;
        sato_buf_t buf;
        const char *reason = NULL;
        unsigned char root[32];
        int mutated;

        memset(&t, 0, sizeof(t));
        memcpy(t.prev_hash, prev, 32);
        t.height = h;
        t.time = ++time;
        t.bits = p->genesis_bits;
        t.version = SATO_BLOCK_VERSION_TOP_BITS;
        t.segwit_active = 1;
        sato_miner_coinbase(&cb, h, p2wpkh, sizeof(p2wpkh), sato_block_subsidy(h, p), 1);
        sato_miner_assemble(&b, &t, &cb, NULL, 0);
        sato_tx_clear(&cb);
        all_ok &= sato_miner_solve(&b.header, &limit, 0);
        sato_block_hash(prev, &b);
        all_ok &= sato_pow_check(prev, b.header.bits, &limit);
        sato_block_merkle_root(root, &mutated, &b);
        all_ok &= !mutated && memcmp(root, b.header.merkle_root, 32) == 0;
        all_ok &= sato_block_check_witness_commitment(&b, 1, &reason);
        all_ok &= sato_tx_check(&b.txs[0], &reason);
        all_ok &= sato_tx_is_coinbase(&b.txs[0]);
        all_ok &= b.txs[0].vout_len == 2 && b.txs[0].vout[0].value == sato_block_subsidy(h, p);
        /* BIP34: the scriptSig starts with the height as CScript pushes it. */
        if (h <= 16) {
            all_ok &= b.txs[0].vin[0].script_sig.data[0] == 0x50 + h;
        } else {
            const unsigned char *s = b.txs[0].vin[0].script_sig.data;
            int64_t v = 0;
            all_ok &= s[0] <= 4 && sato_scriptnum_decode(&v, s + 1, s[0], 1, 4) && v == h;
        }
        sato_buf_init(&buf);
        sato_block_write(&buf, &b, 1);
        all_ok &= sato_block_parse(&back, buf.data, buf.len) && back.txs_len == 1;
        sato_block_clear(&back);
        sato_buf_clear(&buf);
        sato_block_clear(&b);
        test_case(all_ok, "block %d", (int)h);
    }
}

static void test_with_txs(void) {
    /* Transactions are copied after the coinbase, the merkle root covers
     * them, and the commitment covers their witnesses. */
    sato_block_template_t t;
    sato_tx_t cb, txs[2];
    sato_block_t b;
    const char *reason;
    size_t i;
    memset(&t, 0, sizeof(t));
    t.height = 300;
    t.bits = 0x207fffff;
    t.version = SATO_BLOCK_VERSION_TOP_BITS;
    t.segwit_active = 1;
    sato_miner_coinbase(&cb, 300, p2wpkh, sizeof(p2wpkh), 1000, 1);
    for (i = 0; i < 2; i++) {
        sato_miner_coinbase(&txs[i], 500 + (int32_t)i, p2wpkh, sizeof(p2wpkh), 5, 1);
        txs[i].vin[0].prevout.n = (uint32_t)i; /* no longer a coinbase */
        txs[i].vin[0].prevout.hash[0] = 1;
    }
    sato_miner_assemble(&b, &t, &cb, txs, 2);
    CHECK(b.txs_len == 3 && sato_tx_equal(&b.txs[2], &txs[1]));
    CHECK(sato_block_check_witness_commitment(&b, 1, &reason));
    b.txs[1].vin[0].witness[0].data[0] ^= 1; /* a witness changes: the commitment breaks */
    CHECK(!sato_block_check_witness_commitment(&b, 1, &reason) && strcmp(reason, "bad-witness-merkle-match") == 0);
    sato_block_clear(&b);
    /* Without segwit: no commitment, no coinbase witness needed. */
    t.segwit_active = 0;
    sato_tx_clear(&cb);
    sato_miner_coinbase(&cb, 300, p2wpkh, sizeof(p2wpkh), 1000, 0);
    sato_miner_assemble(&b, &t, &cb, NULL, 0);
    CHECK(b.txs[0].vout_len == 1 && b.txs[0].vin[0].witness_len == 0);
    sato_block_clear(&b);
    sato_tx_clear(&cb);
    for (i = 0; i < 2; i++) sato_tx_clear(&txs[i]);
}

static void test_solve_gives_up(void) {
    sato_block_header_t h;
    sato_u256_t limit;
    memset(&h, 0, sizeof(h));
    h.bits = 0x1d00ffff; /* mainnet difficulty: not found in 1000 tries */
    sato_chainparams_pow_limit(&limit, &sato_chainparams_main);
    CHECK(!sato_miner_solve(&h, &limit, 1000) && h.nonce == 999);
}

int main(void) {
    test_chain();
    test_with_txs();
    test_solve_gives_up();
    return test_report("miner");
}
