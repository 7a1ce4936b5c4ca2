/* BIP325 signet block solutions: the parse cases of Bitcoin Core's
 * signet_parse_tests on an OP_TRUE challenge, and blocks signed for a
 * pay-to-pubkey challenge with a real ECDSA signature, checked through
 * sato_block_check (PoW made easy so that the test can mine). */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>

#include "blockgen.h"
#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/sighash.h"
#include "test.h"

static const unsigned char HEADER141[4] = {0xaa, 0x21, 0xa9, 0xed};
static const unsigned char HEADER325[4] = {0xec, 0xc7, 0xda, 0xa2};

static void push(sato_buf_t *b, const unsigned char *p, size_t n) {
    if (n < 0x4c) {
        sato_buf_write_u8(b, (uint8_t)n);
    } else {
        sato_buf_write_u8(b, 0x4c);
        sato_buf_write_u8(b, (uint8_t)n);
    }
    sato_buf_write(b, p, n);
}

/* Replaces output 0's script of tx. */
static void set_spk(sato_tx_t *tx, size_t i, const sato_buf_t *s) {
    free(tx->vout[i].script_pubkey.data);
    tx->vout[i].script_pubkey.data = sato_malloc(s->len);
    memcpy(tx->vout[i].script_pubkey.data, s->data, s->len);
    tx->vout[i].script_pubkey.len = s->len;
}

/* OP_RETURN <aa21a9ed ff..ff> [<ecc7daa2 || extra>]: a commitment output,
 * with a signet section when extra is not NULL. */
static void commitment_script(sato_buf_t *s, const unsigned char *extra, size_t extra_len,
                              int with_325) {
    unsigned char c141[36], c325[64];
    memcpy(c141, HEADER141, 4);
    memset(c141 + 4, 0xff, 32);
    sato_buf_init(s);
    sato_buf_write_u8(s, 0x6a);
    push(s, c141, sizeof(c141));
    if (with_325) {
        memcpy(c325, HEADER325, 4);
        if (extra_len) memcpy(c325 + 4, extra, extra_len);
        push(s, c325, 4 + extra_len);
    }
}

/* Core's signet_parse_tests, OP_TRUE challenge. */
static void test_parse_cases(void) {
    static const unsigned char op_true[1] = {0x51};
    sato_chainparams_t p;
    sato_signet_txs_t txs;
    sato_block_t b;
    sato_tx_t cb;
    sato_buf_t s;
    static const struct {
        const char *name;
        int with_325;
        const unsigned char *extra;
        size_t extra_len;
        int parses, ok;
    } v[] = {
        {"no signet header: valid", 0, NULL, 0, 1, 1},
        {"header without data: valid", 1, NULL, 0, 1, 1},
        {"premature end of data", 1, (const unsigned char *)"\x01\x51", 2, 0, 0},
        {"scriptSig OP_TRUE, empty witness: valid", 1, (const unsigned char *)"\x01\x51\x00", 3, 1, 1},
        {"extraneous data", 1, (const unsigned char *)"\x01\x51\x00\x00", 4, 0, 0},
        {"witness item cut short", 1, (const unsigned char *)"\x00\x01\x05\x01", 4, 0, 0},
        {"witness for a non-witness challenge", 1, (const unsigned char *)"\x00\x01\x01\x07", 4, 1, 0},
        {"scriptSig OP_0: no CLEANSTACK, valid", 1, (const unsigned char *)"\x01\x00\x00", 3, 1, 1},
        {"scriptSig OP_RETURN", 1, (const unsigned char *)"\x01\x6a\x00", 3, 1, 0},
    };
    size_t k;
    CHECK(sato_chainparams_custom_signet(&p, op_true, 1));
    /* No transactions. */
    sato_block_init(&b);
    CHECK(!sato_signet_txs_create(&txs, &b, op_true, 1));
    CHECK(!sato_signet_check_block(&b, &p));
    /* A coinbase without a witness commitment (and a second tx). */
    sato_tx_init(&cb);
    blockgen_tx_add_output(&cb, 0, NULL, 0);
    blockgen_block_add_tx(&b, &cb);
    sato_tx_init(&cb);
    blockgen_tx_add_output(&cb, 0, NULL, 0);
    blockgen_block_add_tx(&b, &cb);
    CHECK(!sato_signet_txs_create(&txs, &b, op_true, 1));
    CHECK(!sato_signet_check_block(&b, &p));
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        int created;
        commitment_script(&s, v[k].extra, v[k].extra_len, v[k].with_325);
        set_spk(&b.txs[0], 0, &s);
        sato_buf_clear(&s);
        created = sato_signet_txs_create(&txs, &b, op_true, 1);
        if (created) sato_signet_txs_clear(&txs);
        test_case(sato_signet_check_block(&b, &p) == v[k].ok, "signet parse: %s", v[k].name);
        test_case(created == v[k].parses, "signet parse: %s: created %d", v[k].name, created);
    }
    sato_block_clear(&b);
    /* The genesis block needs no solution. */
    sato_chainparams_genesis(&b, &sato_chainparams_signet);
    CHECK(sato_signet_check_block(&b, &sato_chainparams_signet));
    CHECK(sato_signet_check_block(&b, &p)); /* a custom signet keeps the genesis */
    sato_block_clear(&b);
    /* Another network's genesis has no commitment and is not exempt. */
    sato_chainparams_genesis(&b, &sato_chainparams_regtest);
    CHECK(!sato_signet_check_block(&b, &p));
    sato_block_clear(&b);
}

/* Signs the block's to_sign input for a P2PK challenge and writes the
 * solution into the commitment output (which must end with a bare signet
 * header push), then fixes the merkle root and mines. */
static int sign_block(sato_block_t *b, const sato_chainparams_t *p, const unsigned char key[32]) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_ecdsa_signature sig;
    sato_signet_txs_t txs;
    unsigned char hash[32], der[80];
    size_t der_len = sizeof(der), cidx;
    sato_buf_t sol, s;
    int ok = 0;
    if (!sato_signet_txs_create(&txs, b, p->signet_challenge, p->signet_challenge_len)) goto out;
    sato_sighash_legacy(hash, &txs.to_sign, 0, p->signet_challenge, p->signet_challenge_len,
                        SATO_SIGHASH_ALL);
    sato_signet_txs_clear(&txs);
    if (!secp256k1_ecdsa_sign(ctx, &sig, hash, key, NULL, NULL)) goto out;
    secp256k1_ecdsa_signature_serialize_der(ctx, der, &der_len, &sig);
    der[der_len++] = SATO_SIGHASH_ALL;
    /* Solution: scriptSig <sig>, then an empty witness. */
    sato_buf_init(&sol);
    sato_buf_write_u8(&sol, (uint8_t)(der_len + 1));
    push(&sol, der, der_len);
    sato_buf_write_u8(&sol, 0);
    CHECK(sato_block_witness_commitment_find(&cidx, b));
    sato_buf_init(&s);
    sato_buf_write(&s, b->txs[0].vout[cidx].script_pubkey.data, SATO_WITNESS_COMMITMENT_MIN_SIZE);
    {
        unsigned char sec[128];
        memcpy(sec, HEADER325, 4);
        memcpy(sec + 4, sol.data, sol.len);
        push(&s, sec, 4 + sol.len);
    }
    set_spk(&b->txs[0], cidx, &s);
    sato_buf_clear(&s);
    sato_buf_clear(&sol);
    blockgen_block_finish(b, 1);
    ok = 1;
out:
    secp256k1_context_destroy(ctx);
    return ok;
}

/* A block with a coinbase, one spend and a commitment ending in a bare
 * signet header (what gets signed). */
static void unsigned_block(sato_block_t *b, const sato_chainparams_t *p) {
    sato_tx_t tx;
    unsigned char prev[32], txid[32];
    size_t cidx;
    sato_buf_t s;
    sato_chainparams_genesis_hash(prev, p);
    blockgen_block_init(b, prev, p->genesis_time + 600);
    blockgen_coinbase(&tx, 1, 50 * 100000000LL);
    blockgen_block_add_tx(b, &tx);
    memset(txid, 0x77, 32);
    blockgen_tx_spend(&tx, txid, 0, 1000);
    blockgen_block_add_tx(b, &tx);
    blockgen_block_finish(b, 1);
    CHECK(sato_block_witness_commitment_find(&cidx, b));
    sato_buf_init(&s);
    sato_buf_write(&s, b->txs[0].vout[cidx].script_pubkey.data, SATO_WITNESS_COMMITMENT_MIN_SIZE);
    push(&s, HEADER325, 4);
    set_spk(&b->txs[0], cidx, &s);
    sato_buf_clear(&s);
    blockgen_block_finish(b, 1);
}

static void test_signed_blocks(void) {
    unsigned char key[32], other[32], pub[33], challenge[35];
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_pubkey pk;
    size_t pub_len = sizeof(pub);
    sato_chainparams_t p;
    sato_block_t b;
    sato_block_state_t st;
    sato_signet_txs_t txs;
    memset(key, 0x11, 32);
    memset(other, 0x22, 32);
    CHECK(secp256k1_ec_pubkey_create(ctx, &pk, key));
    secp256k1_ec_pubkey_serialize(ctx, pub, &pub_len, &pk, SECP256K1_EC_COMPRESSED);
    secp256k1_context_destroy(ctx);
    challenge[0] = 33;
    memcpy(challenge + 1, pub, 33);
    challenge[34] = 0xac;
    CHECK(sato_chainparams_custom_signet(&p, challenge, sizeof(challenge)));
    /* Regtest's limit, so that a block can be mined here. */
    p.pow_limit_hex = sato_chainparams_regtest.pow_limit_hex;

    unsigned_block(&b, &p);
    CHECK(!sato_signet_check_block(&b, &p)); /* no signature yet */
    sato_validation_state_init(&st);
    CHECK(!sato_block_check(&st, &b, &p, 1, 1) && strcmp(st.reason, "bad-signet-blksig") == 0 &&
          st.result == SATO_BLOCK_CONSENSUS);
    CHECK(strcmp(st.debug, "signet block signature validation failure") == 0);
    /* Without the PoW check the signature is not looked at either. */
    sato_validation_state_init(&st);
    CHECK(sato_block_check(&st, &b, &p, 0, 1));

    CHECK(sign_block(&b, &p, key));
    CHECK(sato_signet_check_block(&b, &p));
    sato_validation_state_init(&st);
    test_case(sato_block_check(&st, &b, &p, 1, 1), "signed block: %s", st.reason);
    /* The to_spend scriptSig: OP_0 and a 72-byte push of version, prev,
     * modified root and time. */
    CHECK(sato_signet_txs_create(&txs, &b, challenge, sizeof(challenge)));
    {
        const sato_bytes_t *ss = &txs.to_spend.vin[0].script_sig;
        CHECK(ss->len == 74 && ss->data[0] == 0x00 && ss->data[1] == 72);
        CHECK(sato_le32(ss->data + 2) == (uint32_t)b.header.version);
        CHECK(memcmp(ss->data + 6, b.header.prev_hash, 32) == 0);
        CHECK(sato_le32(ss->data + 70) == b.header.time);
        /* The root is not the block's: the coinbase lost its solution. */
        CHECK(memcmp(ss->data + 38, b.header.merkle_root, 32) != 0);
        CHECK(txs.to_sign.vin[0].script_sig.len > 60 && txs.to_sign.vin[0].witness_len == 0);
        CHECK(txs.to_spend.version == 0 && txs.to_sign.version == 0 &&
              txs.to_sign.vin[0].sequence == 0 && txs.to_sign.vout[0].script_pubkey.data[0] == 0x6a);
    }
    sato_signet_txs_clear(&txs);

    /* The nonce is not signed: re-mining keeps the signature valid. */
    b.header.nonce += 1000;
    blockgen_mine(&b.header);
    CHECK(sato_signet_check_block(&b, &p));
    /* The time is. */
    b.header.time++;
    blockgen_mine(&b.header);
    CHECK(!sato_signet_check_block(&b, &p));
    b.header.time--;
    blockgen_mine(&b.header);
    CHECK(sato_signet_check_block(&b, &p));
    /* So are the transactions (through the modified merkle root). */
    b.txs[1].vout[0].value++;
    blockgen_block_finish(&b, 1);
    sato_validation_state_init(&st);
    CHECK(!sato_block_check(&st, &b, &p, 1, 1) && strcmp(st.reason, "bad-signet-blksig") == 0);
    sato_block_clear(&b);

    /* A signature by another key fails. */
    unsigned_block(&b, &p);
    CHECK(sign_block(&b, &p, other));
    CHECK(!sato_signet_check_block(&b, &p));
    sato_block_clear(&b);
}

int main(void) {
    test_parse_cases();
    test_signed_blocks();
    return test_report("test_signet");
}
