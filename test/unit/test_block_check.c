/* Block rules on regtest blocks built from genesis: one case per reject
 * reason of CheckBlockHeader, CheckBlock, ContextualCheckBlockHeader and
 * ContextualCheckBlock, each checked for its exact reason and its class
 * (MUTATED, TIME_FUTURE, INVALID_HEADER, CONSENSUS), plus IsBlockMutated:
 * CVE-2012-2459, stripped and malleated witnesses, 64-byte transactions. */
#include <stdlib.h>
#include <string.h>

#include "blockgen.h"
#include "sato/amount.h"
#include "sato/block_check.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/script.h"
#include "sato/tx_check.h"
#include "test.h"

#define REGTEST (&sato_chainparams_regtest)

static blockgen_chain_t chain;
static unsigned next_fake = 1;

/* A distinct outpoint that no one has to provide: context-free rules
 * never look coins up. */
static void fake_txid(unsigned char txid[32]) {
    memset(txid, 0, 32);
    txid[0] = (unsigned char)next_fake;
    txid[1] = (unsigned char)(next_fake >> 8);
    txid[31] = 0xee;
    next_fake++;
}

static void spend_tx(sato_tx_t *tx, int64_t value) {
    unsigned char txid[32];
    fake_txid(txid);
    blockgen_tx_spend(tx, txid, 0, value);
}

static int32_t next_height(void) {
    return chain.len;
}

/* A block on the tip, time one spacing on, with a coinbase and `ntx`
 * spends; not finished. */
static void start_block(sato_block_t *b, size_t ntx) {
    sato_tx_t tx;
    size_t i;
    const sato_chain_entry_t *tip = &chain.e[chain.len - 1];
    blockgen_block_init(b, tip->hash, tip->time + 600);
    blockgen_coinbase(&tx, next_height(), sato_block_subsidy(next_height(), REGTEST));
    blockgen_block_add_tx(b, &tx);
    for (i = 0; i < ntx; i++) {
        spend_tx(&tx, 1000 + (int64_t)i);
        blockgen_block_add_tx(b, &tx);
    }
}

static int64_t now_for(const sato_block_t *b) {
    return (int64_t)b->header.time + 60;
}

/* Everything a block goes through before its coins are touched, in Core's
 * order, for a block on top of `chain` with params p. */
static int accept_p(sato_block_state_t *st, const sato_block_t *b, int64_t now,
                    const sato_chainparams_t *p) {
    sato_chain_view_t v = blockgen_chain_view(&chain);
    sato_validation_state_init(st);
    return sato_block_check_header(st, &b->header, p) &&
           sato_block_verify_header(st, &b->header, &v, now, p) && sato_block_check(st, b, p, 1, 1) &&
           sato_block_verify(st, b, chain.len, blockgen_chain_tip_mtp(&chain), p);
}

static int accept(sato_block_state_t *st, const sato_block_t *b) {
    return accept_p(st, b, now_for(b), REGTEST);
}

static void expect_reject(const char *name, int ok, const sato_block_state_t *st, int result,
                          const char *reason) {
    test_case(!ok && st->mode == SATO_VALIDATION_INVALID && st->result == result &&
                  strcmp(st->reason, reason) == 0,
              "%s: ok=%d mode=%d result=%d reason=%s (want %d %s)", name, ok, (int)st->mode,
              st->result, st->reason, result, reason);
}

static void expect_accept(const char *name, int ok, const sato_block_state_t *st) {
    test_case(ok && sato_validation_is_valid(st), "%s: rejected: %s (%s)", name, st->reason,
              st->debug);
}

/* Mines `n` honest blocks onto the chain. */
static void grow_chain(int n) {
    int i;
    for (i = 0; i < n; i++) {
        sato_block_t b;
        sato_block_state_t st;
        start_block(&b, 0);
        blockgen_block_finish(&b, 0);
        test_case(accept(&st, &b), "grow height %d: %s", chain.len, st.reason);
        blockgen_chain_push(&chain, &b.header);
        sato_block_clear(&b);
    }
}

static void test_honest(void) {
    sato_block_t b;
    sato_block_state_t st;
    char s[256];
    start_block(&b, 3);
    blockgen_block_finish(&b, 0);
    expect_accept("honest block", accept(&st, &b), &st);
    CHECK(!sato_block_is_mutated(&st, &b, 1));
    sato_validation_state_string(s, sizeof(s), &st);
    CHECK(strcmp(s, "Valid") == 0);
    /* With a witness spend and its commitment. */
    blockgen_tx_add_witness(&b.txs[2], 0, (const unsigned char *)"\x01\x02", 2);
    blockgen_block_finish(&b, 0);
    expect_accept("honest segwit block", accept(&st, &b), &st);
    CHECK(!sato_block_is_mutated(NULL, &b, 1));
    sato_block_clear(&b);
}

static void test_high_hash(void) {
    sato_block_t b;
    sato_block_state_t st;
    unsigned char hash[32];
    sato_u256_t limit;
    start_block(&b, 1);
    blockgen_block_finish(&b, 0);
    sato_chainparams_pow_limit(&limit, REGTEST);
    /* The next nonce whose hash misses the target. */
    do {
        b.header.nonce++;
        sato_block_header_hash(hash, &b.header);
    } while (sato_pow_check(hash, b.header.bits, &limit));
    expect_reject("high-hash", accept(&st, &b), &st, SATO_BLOCK_INVALID_HEADER, "high-hash");
    CHECK(sato_block_state_cacheable(&st));
    /* CheckBlock without the PoW check does not look. */
    sato_validation_state_init(&st);
    CHECK(sato_block_check(&st, &b, REGTEST, 0, 1));
    sato_block_clear(&b);
}

static void test_merkle(void) {
    sato_block_t b;
    sato_block_state_t st;
    start_block(&b, 2);
    blockgen_block_finish(&b, 0);
    b.txs[1].vout[0].value++;
    expect_reject("bad-txnmrklroot", accept(&st, &b), &st, SATO_BLOCK_MUTATED, "bad-txnmrklroot");
    CHECK(!sato_block_state_cacheable(&st));
    CHECK(sato_block_is_mutated(&st, &b, 1) && strcmp(st.reason, "bad-txnmrklroot") == 0);
    sato_validation_state_init(&st);
    CHECK(sato_block_check(&st, &b, REGTEST, 1, 0)); /* merkle check off */
    sato_block_clear(&b);
}

/* Appends a copy of tx i to the block (the txid, hence the tree leaf, is
 * the same). */
static void append_copy(sato_block_t *b, size_t i) {
    sato_tx_t copy;
    sato_tx_copy(&copy, &b->txs[i]);
    blockgen_block_add_tx(b, &copy);
}

/* CVE-2012-2459 (B02): a block whose last transactions are repeated has
 * the same merkle root and header; the copy is mutated, the honest block
 * still good. */
static void test_cve_2012_2459(void) {
    static const struct {
        size_t ntx;    /* spends besides the coinbase */
        size_t copies; /* times the last is repeated */
    } v[] = {{2, 1}, {4, 1}, {4, 3}, {6, 1}};
    size_t k, i;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        sato_block_t b;
        sato_block_state_t st;
        unsigned char root[32], hash1[32], hash2[32];
        int mutated = 0;
        start_block(&b, v[k].ntx);
        blockgen_block_finish(&b, 0);
        sato_block_hash(hash1, &b);
        for (i = 0; i < v[k].copies; i++) append_copy(&b, v[k].ntx);
        sato_block_merkle_root(root, &mutated, &b);
        sato_block_hash(hash2, &b);
        CHECK(memcmp(root, b.header.merkle_root, 32) == 0 && mutated);
        CHECK(memcmp(hash1, hash2, 32) == 0);
        expect_reject("bad-txns-duplicate", accept(&st, &b), &st, SATO_BLOCK_MUTATED,
                      "bad-txns-duplicate");
        CHECK(!sato_block_state_cacheable(&st));
        CHECK(sato_block_is_mutated(NULL, &b, 1));
        /* Drop the copies: the honest block with the same hash passes. */
        for (i = 0; i < v[k].copies; i++) sato_tx_clear(&b.txs[--b.txs_len]);
        expect_accept("honest block after its duplicate", accept(&st, &b), &st);
        CHECK(!sato_block_is_mutated(NULL, &b, 1));
        sato_block_clear(&b);
    }
}

static void test_length(void) {
    sato_block_t b;
    sato_block_state_t st;
    sato_tx_t tx;
    unsigned char *big;
    const sato_chain_entry_t *tip = &chain.e[chain.len - 1];
    /* No transactions: the merkle root of nothing is zero. */
    blockgen_block_init(&b, tip->hash, tip->time + 600);
    blockgen_mine(&b.header);
    expect_reject("bad-blk-length (empty)", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                  "bad-blk-length");
    CHECK(sato_block_state_cacheable(&st));
    sato_block_clear(&b);
    /* Over 1,000,000 stripped bytes. */
    start_block(&b, 0);
    big = sato_calloc(1, 1000000);
    spend_tx(&tx, 1);
    blockgen_tx_add_output(&tx, 1, big, 1000000);
    blockgen_block_add_tx(&b, &tx);
    blockgen_block_finish(&b, 0);
    expect_reject("bad-blk-length (size)", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                  "bad-blk-length");
    sato_block_clear(&b);
    free(big);
}

static void test_coinbase_rules(void) {
    sato_block_t b;
    sato_block_state_t st;
    sato_tx_t tx;
    const sato_chain_entry_t *tip = &chain.e[chain.len - 1];
    /* First transaction not a coinbase. */
    blockgen_block_init(&b, tip->hash, tip->time + 600);
    spend_tx(&tx, 5);
    blockgen_block_add_tx(&b, &tx);
    blockgen_block_finish(&b, 0);
    expect_reject("bad-cb-missing", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS, "bad-cb-missing");
    CHECK(!sato_block_is_mutated(NULL, &b, 1));
    sato_block_clear(&b);
    /* Two coinbases. */
    start_block(&b, 1);
    blockgen_coinbase(&tx, next_height() + 1, 1);
    blockgen_block_add_tx(&b, &tx);
    blockgen_block_finish(&b, 0);
    expect_reject("bad-cb-multiple", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                  "bad-cb-multiple");
    sato_block_clear(&b);
}

/* A failing CheckTransaction rejects the block with its own reason. */
static void tx_case(const char *reason, void (*spoil)(sato_tx_t *tx)) {
    sato_block_t b;
    sato_block_state_t st;
    start_block(&b, 2);
    spoil(&b.txs[2]);
    blockgen_block_finish(&b, 0);
    expect_reject(reason, accept(&st, &b), &st, SATO_BLOCK_CONSENSUS, reason);
    test_case(strstr(st.debug, "Transaction check failed (tx hash ") != NULL, "debug: %s", st.debug);
    sato_block_clear(&b);
}

static void spoil_negative(sato_tx_t *tx) {
    tx->vout[0].value = -1;
}
static void spoil_toolarge(sato_tx_t *tx) {
    tx->vout[0].value = SATO_MAX_MONEY + 1;
}
/* B01 (CVE-2010-5139): two outputs that are each in range but whose sum
 * is not; in 2010 their sum overflowed. */
static void spoil_sum(sato_tx_t *tx) {
    tx->vout[0].value = SATO_MAX_MONEY;
    blockgen_tx_add_output(tx, SATO_MAX_MONEY, blockgen_op_true, 1);
}
static void spoil_overflow(sato_tx_t *tx) {
    tx->vout[0].value = INT64_MAX;
    blockgen_tx_add_output(tx, INT64_MAX, blockgen_op_true, 1);
}
/* B05 (CVE-2018-17144): one outpoint spent twice in one transaction. */
static void spoil_duplicate_input(sato_tx_t *tx) {
    blockgen_tx_add_input(tx, tx->vin[0].prevout.hash, tx->vin[0].prevout.n, SATO_SEQUENCE_FINAL,
                          NULL, 0);
}
static void spoil_null_prevout(sato_tx_t *tx) {
    static const unsigned char zero[32];
    blockgen_tx_add_input(tx, zero, SATO_OUTPOINT_NULL_INDEX, SATO_SEQUENCE_FINAL, NULL, 0);
}
static void spoil_no_inputs(sato_tx_t *tx) {
    sato_tx_t fresh;
    sato_tx_init(&fresh);
    fresh.version = 2;
    blockgen_tx_add_output(&fresh, 1, blockgen_op_true, 1);
    sato_tx_clear(tx);
    *tx = fresh;
}
static void spoil_no_outputs(sato_tx_t *tx) {
    free(tx->vout[0].script_pubkey.data);
    free(tx->vout);
    tx->vout = NULL;
    tx->vout_len = 0;
}

static void test_tx_checks(void) {
    sato_block_t b;
    sato_block_state_t st;
    tx_case("bad-txns-vout-negative", spoil_negative);
    tx_case("bad-txns-vout-toolarge", spoil_toolarge);
    tx_case("bad-txns-txouttotal-toolarge", spoil_sum);
    tx_case("bad-txns-vout-toolarge", spoil_overflow);
    tx_case("bad-txns-inputs-duplicate", spoil_duplicate_input);
    tx_case("bad-txns-prevout-null", spoil_null_prevout);
    tx_case("bad-txns-vin-empty", spoil_no_inputs);
    tx_case("bad-txns-vout-empty", spoil_no_outputs);
    /* A coinbase scriptSig of one byte. */
    start_block(&b, 0);
    b.txs[0].vin[0].script_sig.len = 1;
    blockgen_block_finish(&b, 0);
    expect_reject("bad-cb-length", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS, "bad-cb-length");
    sato_block_clear(&b);
}

/* Legacy sigops, counted before any coin is read: 20,000 pass (cost
 * 80,000), one more fails. */
static void test_legacy_sigops(void) {
    static const struct {
        size_t checksig, multisig;
        int ok;
    } v[] = {{20000, 0, 1}, {20001, 0, 0}, {0, 1000, 1}, {0, 1001, 0}, {19980, 1, 1}, {19981, 1, 0}};
    size_t k;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        sato_block_t b;
        sato_block_state_t st;
        sato_tx_t tx;
        size_t n = v[k].checksig + v[k].multisig;
        unsigned char *spk = sato_malloc(n);
        memset(spk, SATO_OP_CHECKSIG, v[k].checksig);
        memset(spk + v[k].checksig, SATO_OP_CHECKMULTISIG, v[k].multisig);
        start_block(&b, 0);
        spend_tx(&tx, 1);
        blockgen_tx_add_output(&tx, 0, spk, n);
        blockgen_block_add_tx(&b, &tx);
        blockgen_block_finish(&b, 0);
        if (v[k].ok) {
            expect_accept("sigops at the limit", accept(&st, &b), &st);
        } else {
            expect_reject("bad-blk-sigops", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                          "bad-blk-sigops");
        }
        sato_block_clear(&b);
        free(spk);
    }
}

/* B06: a 64-byte transaction could be read as an inner merkle node; in a
 * block without coinbase (invalid anyway) that makes the block "mutated"
 * rather than invalid. With a coinbase it is valid by consensus. */
static void test_64_byte_tx(void) {
    static const unsigned char spk4[4] = {0x51, 0x51, 0x51, 0x51};
    sato_block_t b;
    sato_block_state_t st;
    sato_tx_t tx;
    const sato_chain_entry_t *tip = &chain.e[chain.len - 1];
    unsigned char txid[32];
    fake_txid(txid);
    sato_tx_init(&tx);
    tx.version = 2;
    blockgen_tx_add_input(&tx, txid, 0, SATO_SEQUENCE_FINAL, NULL, 0);
    blockgen_tx_add_output(&tx, 1, spk4, 4);
    CHECK(sato_tx_size(&tx, 0) == 64);
    blockgen_block_init(&b, tip->hash, tip->time + 600);
    blockgen_block_add_tx(&b, &tx);
    blockgen_block_finish(&b, 0);
    sato_validation_state_init(&st);
    CHECK(sato_block_is_mutated(&st, &b, 1) && st.result == SATO_BLOCK_MUTATED);
    expect_reject("64-byte tx without coinbase", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                  "bad-cb-missing");
    sato_block_clear(&b);
    /* One byte more is not suspicious. */
    blockgen_block_init(&b, tip->hash, tip->time + 600);
    sato_tx_init(&tx);
    tx.version = 2;
    blockgen_tx_add_input(&tx, txid, 0, SATO_SEQUENCE_FINAL, NULL, 0);
    blockgen_tx_add_output(&tx, 1, spk4, 3);
    blockgen_tx_add_output(&tx, 1, NULL, 0);
    CHECK(sato_tx_size(&tx, 0) == 72);
    blockgen_block_add_tx(&b, &tx);
    blockgen_block_finish(&b, 0);
    CHECK(!sato_block_is_mutated(NULL, &b, 1));
    sato_block_clear(&b);
    /* With a coinbase first: not mutated, and valid. */
    start_block(&b, 0);
    sato_tx_init(&tx);
    tx.version = 2;
    blockgen_tx_add_input(&tx, txid, 0, SATO_SEQUENCE_FINAL, NULL, 0);
    blockgen_tx_add_output(&tx, 1, spk4, 4);
    blockgen_block_add_tx(&b, &tx);
    blockgen_block_finish(&b, 0);
    CHECK(!sato_block_is_mutated(NULL, &b, 1));
    expect_accept("64-byte tx after a coinbase", accept(&st, &b), &st);
    sato_block_clear(&b);
}

/* Witnesses are outside the txid tree: changing them leaves the header
 * and its PoW intact, so every witness fault is a mutation (B14). */
static void test_witness(void) {
    sato_block_t b;
    sato_block_state_t st;
    /* Witness added after mining, without a commitment. */
    start_block(&b, 2);
    blockgen_block_finish(&b, 0);
    blockgen_tx_add_witness(&b.txs[1], 0, (const unsigned char *)"\x07", 1);
    expect_reject("unexpected-witness", accept(&st, &b), &st, SATO_BLOCK_MUTATED,
                  "unexpected-witness");
    CHECK(!sato_block_state_cacheable(&st));
    CHECK(sato_block_is_mutated(NULL, &b, 1) && sato_block_is_mutated(NULL, &b, 0));
    sato_block_clear(&b);

    /* A committed block, then its coinbase reserved value resized. */
    start_block(&b, 2);
    blockgen_tx_add_witness(&b.txs[1], 0, (const unsigned char *)"\x07", 1);
    blockgen_block_finish(&b, 0);
    expect_accept("committed witness", accept(&st, &b), &st);
    b.txs[0].vin[0].witness[0].len = 31;
    expect_reject("bad-witness-nonce-size", accept(&st, &b), &st, SATO_BLOCK_MUTATED,
                  "bad-witness-nonce-size");
    CHECK(sato_block_is_mutated(NULL, &b, 1));
    /* Without segwit expected, the witness is simply unexpected. */
    CHECK(sato_block_is_mutated(&st, &b, 0) && strcmp(st.reason, "unexpected-witness") == 0);
    b.txs[0].vin[0].witness[0].len = 32;
    blockgen_tx_add_witness(&b.txs[0], 0, (const unsigned char *)"\x00", 1);
    expect_reject("bad-witness-nonce-size (two items)", accept(&st, &b), &st, SATO_BLOCK_MUTATED,
                  "bad-witness-nonce-size");
    free(b.txs[0].vin[0].witness[1].data);
    b.txs[0].vin[0].witness_len = 1;
    expect_accept("committed witness restored", accept(&st, &b), &st);

    /* A different witness for a committed transaction. */
    b.txs[1].vin[0].witness[0].data[0] = 0x08;
    expect_reject("bad-witness-merkle-match", accept(&st, &b), &st, SATO_BLOCK_MUTATED,
                  "bad-witness-merkle-match");
    CHECK(!sato_block_state_cacheable(&st));
    b.txs[1].vin[0].witness[0].data[0] = 0x07;
    /* Stripped in transit (B14): mutated, never invalid. */
    free(b.txs[1].vin[0].witness[0].data);
    free(b.txs[1].vin[0].witness);
    b.txs[1].vin[0].witness = NULL;
    b.txs[1].vin[0].witness_len = 0;
    expect_reject("stripped witness", accept(&st, &b), &st, SATO_BLOCK_MUTATED,
                  "bad-witness-merkle-match");
    CHECK(!sato_block_state_cacheable(&st));
    CHECK(sato_block_is_mutated(NULL, &b, 1));
    sato_block_clear(&b);

    /* A commitment with no witness anywhere else still needs the reserved
     * value and a matching root; a block without witnesses needs none. */
    start_block(&b, 1);
    blockgen_block_finish(&b, 1);
    expect_accept("commitment without witness txs", accept(&st, &b), &st);
    sato_block_clear(&b);
}

static void test_diffbits(void) {
    sato_block_t b;
    sato_block_state_t st;
    start_block(&b, 1);
    b.header.bits = 0x207ffffe; /* a valid, slightly harder target */
    blockgen_block_finish(&b, 0);
    expect_reject("bad-diffbits", accept(&st, &b), &st, SATO_BLOCK_INVALID_HEADER, "bad-diffbits");
    CHECK(sato_block_state_cacheable(&st));
    sato_block_clear(&b);
}

static void test_times(void) {
    sato_block_t b;
    sato_block_state_t st;
    int64_t mtp = blockgen_chain_tip_mtp(&chain), now;
    /* At the median time past: too old; one second later: fine. */
    start_block(&b, 1);
    b.header.time = (uint32_t)mtp;
    blockgen_block_finish(&b, 0);
    expect_reject("time-too-old", accept(&st, &b), &st, SATO_BLOCK_INVALID_HEADER, "time-too-old");
    CHECK(sato_block_state_cacheable(&st));
    b.header.time = (uint32_t)mtp + 1;
    blockgen_mine(&b.header);
    expect_accept("time just past MTP", accept(&st, &b), &st);
    sato_block_clear(&b);
    /* Two hours ahead is the limit; beyond it the block waits (B08). */
    start_block(&b, 1);
    now = chain.e[chain.len - 1].time + 600;
    b.header.time = (uint32_t)(now + SATO_MAX_FUTURE_BLOCK_TIME + 1);
    blockgen_block_finish(&b, 0);
    expect_reject("time-too-new", accept_p(&st, &b, now, REGTEST), &st, SATO_BLOCK_TIME_FUTURE,
                  "time-too-new");
    CHECK(!sato_block_state_cacheable(&st));
    expect_accept("the same block a second later", accept_p(&st, &b, now + 1, REGTEST), &st);
    b.header.time--;
    blockgen_mine(&b.header);
    expect_accept("exactly two hours ahead", accept_p(&st, &b, now, REGTEST), &st);
    sato_block_clear(&b);
}

static void test_versions(void) {
    static const struct {
        int32_t version;
        const char *reason; /* NULL: accepted */
    } v[] = {{1, "bad-version(0x00000001)"}, {2, "bad-version(0x00000002)"},
             {3, "bad-version(0x00000003)"}, {4, NULL},
             {0, "bad-version(0x00000000)"}, {-1, "bad-version(0xffffffff)"},
             {INT32_MIN, "bad-version(0x80000000)"}, {0x20000000, NULL}, {INT32_MAX, NULL}};
    sato_chainparams_t early = sato_chainparams_regtest;
    size_t k;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        sato_block_t b;
        sato_block_state_t st;
        start_block(&b, 0);
        b.header.version = v[k].version;
        blockgen_block_finish(&b, 0);
        if (v[k].reason == NULL) {
            expect_accept("version", accept(&st, &b), &st);
        } else {
            expect_reject(v[k].reason, accept(&st, &b), &st, SATO_BLOCK_INVALID_HEADER,
                          v[k].reason);
            test_case(strncmp(st.debug, "rejected nVersion=0x", 20) == 0, "debug %s", st.debug);
        }
        sato_block_clear(&b);
    }
    /* Each minimum applies from its own deployment height. */
    early.bip34_height = chain.len + 1;
    early.bip66_height = chain.len + 2;
    early.bip65_height = chain.len;
    for (k = 1; k <= 4; k++) {
        sato_block_t b;
        sato_block_state_t st;
        int ok;
        start_block(&b, 0);
        b.header.version = (int32_t)k;
        blockgen_block_finish(&b, 0);
        ok = accept_p(&st, &b, now_for(&b), &early);
        /* Only BIP65 (version 4) is active at this height. */
        if (k < 4) {
            expect_reject("bad-version (BIP65 only)", ok, &st, SATO_BLOCK_INVALID_HEADER,
                          k == 1 ? "bad-version(0x00000001)"
                          : k == 2 ? "bad-version(0x00000002)"
                                   : "bad-version(0x00000003)");
        } else {
            expect_accept("version 4", ok, &st);
        }
        sato_block_clear(&b);
    }
    early.bip65_height = chain.len + 3;
    {
        sato_block_t b;
        sato_block_state_t st;
        start_block(&b, 0);
        b.header.version = 1;
        blockgen_block_finish(&b, 0);
        expect_accept("version 1 before BIP34 (coinbase height not yet required)",
                      accept_p(&st, &b, now_for(&b), &early), &st);
        sato_block_clear(&b);
    }
}

/* Absolute lock times in a block: BIP113 judges them against the
 * parent's median time past once CSV is active, else the block's time. */
static void test_nonfinal(void) {
    sato_chainparams_t pre_csv = sato_chainparams_regtest;
    int64_t mtp = blockgen_chain_tip_mtp(&chain);
    int32_t h = next_height();
    static const struct {
        int height_lock; /* 1: locktime is a height, 0: a time */
        int64_t delta;   /* added to the height or the MTP */
        uint32_t sequence;
        int ok, ok_pre_csv;
    } v[] = {
        {1, -1, 0, 1, 1},
        {1, 0, 0, 0, 0},
        {1, 0, SATO_SEQUENCE_FINAL, 1, 1}, /* every input final: locktime ignored */
        {1, 1, 0, 0, 0},
        {0, -1, 0, 1, 1},
        {0, 0, 0, 0, 1}, /* block time (MTP + more) passes it before CSV */
        {0, 300, 0, 0, 1},
        {0, 0, SATO_SEQUENCE_FINAL, 1, 1},
    };
    size_t k;
    pre_csv.csv_height = h + 1;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        sato_block_t b;
        sato_block_state_t st;
        int ok;
        start_block(&b, 1);
        b.txs[1].locktime = (uint32_t)((v[k].height_lock ? h : mtp) + v[k].delta);
        b.txs[1].vin[0].sequence = v[k].sequence;
        b.header.time = (uint32_t)(mtp + 1000);
        blockgen_block_finish(&b, 0);
        ok = accept(&st, &b);
        if (v[k].ok) expect_accept("final tx", ok, &st);
        else expect_reject("bad-txns-nonfinal", ok, &st, SATO_BLOCK_CONSENSUS, "bad-txns-nonfinal");
        ok = accept_p(&st, &b, now_for(&b), &pre_csv);
        if (v[k].ok_pre_csv) expect_accept("final tx before CSV", ok, &st);
        else expect_reject("bad-txns-nonfinal before CSV", ok, &st, SATO_BLOCK_CONSENSUS,
                           "bad-txns-nonfinal");
        sato_block_clear(&b);
    }
}

static void test_bip34(void) {
    static const struct {
        int32_t height;
        const char *hex;
    } v[] = {{0, "00"},        {1, "51"},          {16, "60"},         {17, "0111"},
             {127, "017f"},    {128, "028000"},    {255, "02ff00"},    {256, "020001"},
             {32767, "02ff7f"}, {32768, "03008000"}, {227931, "035b7a03"}, {8388608, "0400008000"},
             {INT32_MAX, "04ffffff7f"}};
    sato_chainparams_t pre = sato_chainparams_regtest;
    size_t k;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        unsigned char s[6];
        char hex[13];
        size_t n = sato_bip34_height_script(s, v[k].height);
        sato_hex_encode(hex, s, n);
        test_case(strcmp(hex, v[k].hex) == 0, "BIP34 script for %d: %s", v[k].height, hex);
    }
    /* A coinbase claiming the next height. */
    {
        sato_block_t b;
        sato_block_state_t st;
        sato_tx_t cb;
        start_block(&b, 1);
        blockgen_coinbase(&cb, next_height() + 1, 1);
        sato_tx_clear(&b.txs[0]);
        b.txs[0] = cb;
        blockgen_block_finish(&b, 0);
        expect_reject("bad-cb-height", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS, "bad-cb-height");
        pre.bip34_height = next_height() + 1;
        expect_accept("any coinbase before BIP34", accept_p(&st, &b, now_for(&b), &pre), &st);
        /* The height must be a prefix, not merely present. */
        b.txs[0].vin[0].script_sig.data[0] = 0x00;
        b.txs[0].vin[0].script_sig.data[1] = 0x00;
        blockgen_block_finish(&b, 0);
        expect_reject("bad-cb-height (prefix)", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                      "bad-cb-height");
        sato_block_clear(&b);
    }
}

/* Weight is checked after the commitment: a coinbase or transaction
 * witness can push the weight over 4,000,000 with 1 MB stripped. */
static void test_weight(void) {
    sato_block_t b;
    sato_block_state_t st;
    unsigned char *big = sato_calloc(1, 4000000);
    start_block(&b, 1);
    blockgen_tx_add_witness(&b.txs[1], 0, big, 4000000);
    blockgen_block_finish(&b, 0);
    expect_reject("bad-blk-weight", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS, "bad-blk-weight");
    CHECK(sato_block_weight(&b) > SATO_MAX_BLOCK_WEIGHT);
    sato_block_clear(&b);
    /* Just under the limit is fine: shrink the witness to fit. */
    start_block(&b, 1);
    blockgen_tx_add_witness(&b.txs[1], 0, big, 1);
    blockgen_block_finish(&b, 0);
    {
        size_t w = sato_block_weight(&b);
        /* The item's length prefix grows from 1 to 5 bytes along with it. */
        size_t item = SATO_MAX_BLOCK_WEIGHT - w + 1 - 4;
        free(b.txs[1].vin[0].witness[0].data);
        b.txs[1].vin[0].witness[0].data = sato_calloc(1, item + 1); /* room for +1 below */
        b.txs[1].vin[0].witness[0].len = item;
        blockgen_block_finish(&b, 0);
        test_case(sato_block_weight(&b) == SATO_MAX_BLOCK_WEIGHT, "weight %zu",
                  sato_block_weight(&b));
        expect_accept("weight at the limit", accept(&st, &b), &st);
        b.txs[1].vin[0].witness[0].len++;
        blockgen_block_finish(&b, 0);
        expect_reject("bad-blk-weight (+1)", accept(&st, &b), &st, SATO_BLOCK_CONSENSUS,
                      "bad-blk-weight");
    }
    sato_block_clear(&b);
    free(big);
}

/* A view that cannot answer makes an error, never an invalid header. */
static int failing_get(void *ctx, int32_t height, sato_chain_entry_t *out) {
    (void)ctx;
    (void)height;
    (void)out;
    return 0;
}

static void test_view_error(void) {
    sato_block_t b;
    sato_block_state_t st;
    sato_chain_view_t v;
    start_block(&b, 0);
    blockgen_block_finish(&b, 0);
    v.get = failing_get;
    v.ctx = NULL;
    v.tip_height = chain.len - 1;
    sato_validation_state_init(&st);
    CHECK(!sato_block_verify_header(&st, &b.header, &v, now_for(&b), REGTEST));
    CHECK(sato_validation_is_error(&st) && !sato_block_state_cacheable(&st));
    /* An error is sticky: a later "invalid" does not overwrite it. */
    sato_validation_invalid(&st, SATO_BLOCK_CONSENSUS, "bad-x", NULL);
    CHECK(sato_validation_is_error(&st));
    sato_block_clear(&b);
}

static void test_state(void) {
    sato_block_state_t st;
    char s[64];
    char longer[300];
    sato_validation_state_init(&st);
    sato_validation_invalid(&st, SATO_BLOCK_CONSENSUS, "bad-cb-amount", "pays %d", 5);
    sato_validation_state_string(s, sizeof(s), &st);
    CHECK(strcmp(s, "bad-cb-amount, pays 5") == 0);
    sato_validation_invalid(&st, SATO_BLOCK_MUTATED, "bad-txnmrklroot", NULL);
    sato_validation_state_string(s, sizeof(s), &st);
    CHECK(strcmp(s, "bad-txnmrklroot") == 0);
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = 0;
    sato_validation_invalid(&st, SATO_BLOCK_CONSENSUS, longer, "%s", longer);
    CHECK(strlen(st.reason) == SATO_REJECT_REASON_MAX - 1);
    CHECK(strlen(st.debug) == SATO_DEBUG_MESSAGE_MAX - 1);
    CHECK(sato_validation_invalid(NULL, 1, "x", NULL) == 0);
}

int main(void) {
    blockgen_chain_init(&chain, REGTEST);
    grow_chain(12);
    test_honest();
    test_high_hash();
    test_merkle();
    test_cve_2012_2459();
    test_length();
    test_coinbase_rules();
    test_tx_checks();
    test_legacy_sigops();
    test_64_byte_tx();
    test_witness();
    test_diffbits();
    test_times();
    test_versions();
    test_nonfinal();
    test_bip34();
    test_weight();
    test_view_error();
    test_state();
    blockgen_chain_free(&chain);
    return test_report("test_block_check");
}
