/* Every block and chain rejection of reliability.md BI05/BI06 with a real
 * bad block built here: the reject reason is Core's, the tip and the UTXO
 * set hash are unchanged, and the block is remembered as invalid exactly
 * when Core would (never when merely mutated, stripped of its witness, or
 * from the future); the honest block is accepted afterwards. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "sato/amount.h"
#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/script.h"
#include "test.h"

static int64_t fake_now;

/* Resident set size in KiB (Linux), 0 if unknown. */
static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = 0;
    if (f == NULL) return 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) v = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return v;
}
static int64_t clock_cb(void *ctx) {
    (void)ctx;
    return fake_now;
}

static void block_copy(sato_block_t *dst, const sato_block_t *src) {
    sato_buf_t buf;
    sato_buf_init(&buf);
    sato_block_write(&buf, src, 1);
    if (!sato_block_parse(dst, buf.data, buf.len)) abort();
    sato_buf_clear(&buf);
}

/* Submits b and checks reason, unchanged tip and UTXO set, and whether the
 * block was remembered as invalid. As Core's ProcessNewBlock, a block
 * that fails CheckBlock is never remembered (unknown malleability must
 * not turn into a cached verdict); contextual and connect failures are. */
static void expect(sato_chainstate_t *cs, const sato_block_t *b, const char *reason, int cached,
                   const char *name) {
    sato_utxo_stats_t before, after;
    sato_block_state_t st;
    unsigned char hash[32];
    const sato_blocknode_t *e;
    sato_err_t err;
    cs_stats(cs, &before);
    err = sato_chainstate_process_block(cs, &st, b, 1, NULL);
    cs_stats(cs, &after);
    sato_block_header_hash(hash, &b->header);
    e = sato_chainstate_lookup(cs, hash);
    test_case(err == SATO_OK && strcmp(st.reason, reason) == 0, "%s: want %s, got '%s' (err %d)",
              name, reason, st.reason, (int)err);
    test_case(stats_equal(&before, &after), "%s: tip and UTXO set unchanged", name);
    test_case((e != NULL && (e->status & SATO_BLOCKNODE_FAILED)) == (cached != 0), "%s: %s", name,
              cached ? "remembered invalid" : "not remembered invalid");
}

static void accept(sato_chainstate_t *cs, chaingen_t *g, sato_block_t *b, const char *name) {
    sato_block_state_t st;
    int ok = cs_submit(cs, b, &st);
    test_case(ok && memcmp(sato_chainstate_tip(cs)->hash, b->header.prev_hash, 32) != 0,
              "%s: accepted (%s %s)", name, st.reason, st.debug);
    if (ok) chaingen_accept(g, b);
}

/* A finished block on g's tip with n spends (1 input, 2 outputs). */
static void honest(chaingen_t *g, sato_block_t *b, size_t n) {
    size_t i;
    int64_t fee = 0;
    sato_tx_t *txs = sato_calloc(n + 1, sizeof(*txs));
    for (i = 0; i < n; i++) {
        if (!chaingen_spend(g, &txs[i], 1, 2, 1000)) abort();
        fee += 1000;
    }
    chaingen_block_init(g, b, fee);
    for (i = 0; i < n; i++) chaingen_block_add(b, &txs[i]);
    free(txs);
    chaingen_block_finish(g, b);
}

static void add_tx_copy(sato_block_t *b, const sato_tx_t *tx) {
    sato_tx_t c;
    sato_tx_copy(&c, tx);
    chaingen_block_add(b, &c);
}

int main(void) {
    char dir[256];
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    chaingen_t g;
    sato_block_t b, h;
    int i;
    make_tmpdir(dir, sizeof(dir), "chain-reject");
    fake_now = 1296688602 + 100000;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.now = clock_cb;
    o.script_threads = 2;
    CHECK(sato_chainstate_open(&cs, &o) == SATO_OK);
    if (cs == NULL) return test_report("test_chain_reject");
    chaingen_init(&g, &sato_chainparams_regtest, 7);
    for (i = 0; i < 260; i++) {
        chaingen_next(&g, &b, 0, 0, 0);
        CHECK(cs_submit(cs, &b, NULL));
        sato_block_clear(&b);
    }
    CHECK(sato_chainstate_tip(cs)->height == 260);

    /* B02: CVE-2012-2459 duplicate of the last tx, same merkle root. */
    honest(&g, &h, 2);
    block_copy(&b, &h);
    add_tx_copy(&b, &b.txs[2]);
    expect(cs, &b, "bad-txns-duplicate", 0, "B02 duplicated tx");
    sato_block_clear(&b);
    accept(cs, &g, &h, "B02 honest block after its mutated copy");
    sato_block_clear(&h);

    /* Two coinbases. */
    honest(&g, &h, 1);
    block_copy(&b, &h);
    add_tx_copy(&b, &b.txs[0]);
    chaingen_block_finish(&g, &b);
    expect(cs, &b, "bad-cb-multiple", 0, "two coinbases");
    sato_block_clear(&b);

    /* First transaction not a coinbase. */
    block_copy(&b, &h);
    sato_tx_clear(&b.txs[0]);
    memmove(&b.txs[0], &b.txs[1], sizeof(sato_tx_t));
    b.txs_len = 1;
    chaingen_block_finish(&g, &b);
    expect(cs, &b, "bad-cb-missing", 0, "first tx not coinbase");
    sato_block_clear(&b);

    /* No transactions. */
    block_copy(&b, &h);
    for (i = 0; i < (int)b.txs_len; i++) sato_tx_clear(&b.txs[i]);
    b.txs_len = 0;
    memset(b.header.merkle_root, 0, 32);
    chaingen_mine(&g, &b);
    expect(cs, &b, "bad-blk-length", 0, "no transactions");
    sato_block_clear(&b);

    /* Bad proof of work: a nonce whose hash misses the target. */
    block_copy(&b, &h);
    {
        sato_u256_t limit;
        unsigned char hash[32];
        sato_chainparams_pow_limit(&limit, &sato_chainparams_regtest);
        for (b.header.nonce = 0;; b.header.nonce++) {
            sato_block_header_hash(hash, &b.header);
            if (!sato_pow_check(hash, b.header.bits, &limit)) break;
        }
    }
    expect(cs, &b, "high-hash", 0, "bad PoW");
    {
        unsigned char hash[32];
        sato_block_header_hash(hash, &b.header);
        test_case(sato_chainstate_lookup(cs, hash) == NULL, "bad PoW: header not even stored");
    }
    sato_block_clear(&b);

    /* Wrong nBits. */
    block_copy(&b, &h);
    b.header.bits = 0x207ffffe;
    chaingen_mine(&g, &b);
    expect(cs, &b, "bad-diffbits", 0, "bad nBits");
    sato_block_clear(&b);

    /* Time at the median time past. */
    block_copy(&b, &h);
    {
        uint32_t t[11];
        memcpy(t, g.times, sizeof(t));
        b.header.time = (uint32_t)sato_median_time_past(t, 11);
    }
    chaingen_mine(&g, &b);
    expect(cs, &b, "time-too-old", 0, "time <= MTP");
    sato_block_clear(&b);

    /* Coinbase claims one satoshi too many. */
    block_copy(&b, &h);
    b.txs[0].vout[0].value += 1;
    chaingen_block_finish(&g, &b);
    expect(cs, &b, "bad-cb-amount", 1, "coinbase > subsidy + fees");
    sato_block_clear(&b);

    /* Coinbase without the BIP34 height. */
    block_copy(&b, &h);
    b.txs[0].vin[0].script_sig.data[1] ^= 1;
    chaingen_block_finish(&g, &b);
    expect(cs, &b, "bad-cb-height", 1, "BIP34 height");
    sato_block_clear(&b);

    /* Witness commitment missing (a witness without one). */
    block_copy(&b, &h);
    b.txs[0].vout_len = 1;
    chaingen_block_finish(&g, &b);
    expect(cs, &b, "unexpected-witness", 0, "witness commitment missing");
    sato_block_clear(&b);

    /* Wrong commitment. */
    block_copy(&b, &h);
    b.txs[0].vout[1].script_pubkey.data[10] ^= 1;
    {
        int mutated;
        sato_block_merkle_root(b.header.merkle_root, &mutated, &b);
        chaingen_mine(&g, &b);
    }
    expect(cs, &b, "bad-witness-merkle-match", 0, "witness commitment wrong");
    sato_block_clear(&b);

    /* Witness nonce of 33 bytes. */
    block_copy(&b, &h);
    sato_tx_make_editable(&b.txs[0]);
    b.txs[0].vin[0].witness[0].data = sato_realloc(b.txs[0].vin[0].witness[0].data, 33);
    b.txs[0].vin[0].witness[0].data[32] = 0;
    b.txs[0].vin[0].witness[0].len = 33;
    chaingen_mine(&g, &b);
    expect(cs, &b, "bad-witness-nonce-size", 0, "witness nonce size");
    sato_block_clear(&b);

    /* B14: every witness stripped, and only the spend's witness stripped. */
    block_copy(&b, &h);
    for (i = 0; i < (int)b.txs_len; i++) b.txs[i].vin[0].witness_len = 0;
    expect(cs, &b, "bad-witness-nonce-size", 0, "B14 stripped block");
    sato_block_clear(&b);
    block_copy(&b, &h);
    b.txs[1].vin[0].witness_len = 0;
    expect(cs, &b, "bad-witness-merkle-match", 0, "B14 stripped spend");
    sato_block_clear(&b);

    /* Bad signature (the witness commits to it: a consensus failure). */
    block_copy(&b, &h);
    b.txs[1].vin[0].witness[0].data[b.txs[1].vin[0].witness[0].len - 2] ^= 1;
    chaingen_block_finish(&g, &b);
    {
        sato_block_state_t st;
        sato_utxo_stats_t s0, s1;
        cs_stats(cs, &s0);
        CHECK(sato_chainstate_process_block(cs, &st, &b, 1, NULL) == SATO_OK);
        cs_stats(cs, &s1);
        test_case(strncmp(st.reason, "block-script-verify-flag-failed", 31) == 0,
                  "bad signature: got '%s'", st.reason);
        test_case(stats_equal(&s0, &s1), "bad signature: tip and UTXO set unchanged");
    }
    sato_block_clear(&b);

    /* Non-canonical CompactSize copy cannot even be parsed; the honest
     * block then goes through (B22 class, "bloated copy"). */
    {
        sato_buf_t raw, bad;
        sato_block_t p;
        sato_buf_init(&raw);
        sato_buf_init(&bad);
        sato_block_write(&raw, &h, 1);
        sato_buf_write(&bad, raw.data, 80);
        sato_buf_write_u8(&bad, 0xfd);
        sato_buf_write_u16(&bad, (uint16_t)h.txs_len);
        sato_buf_write(&bad, raw.data + 81, raw.len - 81);
        test_case(!sato_block_parse(&p, bad.data, bad.len), "bloated tx count does not parse");
        sato_buf_clear(&raw);
        sato_buf_clear(&bad);
    }
    accept(cs, &g, &h, "honest block after its mutations");

    /* B03 BIP30: a transaction repeated while its outputs are unspent
     * (checked before any input is spent, so its spent input is no
     * excuse). */
    {
        sato_tx_t t = h.txs[1];
        honest(&g, &b, 0);
        add_tx_copy(&b, &t);
        chaingen_block_finish(&g, &b);
        expect(cs, &b, "bad-txns-BIP30", 1, "B03 BIP30 duplicate txid");
        sato_block_clear(&b);
    }
    sato_block_clear(&h);

    /* Spending a later transaction of the same block. */
    {
        sato_tx_t t1, t2;
        chaingen_utxo_t u;
        if (!chaingen_spend(&g, &t1, 1, 2, 1000)) abort();
        sato_tx_txid(u.op.hash, &t1);
        u.op.n = 0;
        u.value = t1.vout[0].value;
        u.kind = CHAINGEN_P2WPKH;
        u.height = g.height + 1;
        u.coinbase = 0;
        chaingen_spend_utxos(&g, &t2, &u, 1, 1, 1000);
        chaingen_block_init(&g, &b, 2000);
        chaingen_block_add(&b, &t2);
        chaingen_block_add(&b, &t1);
        chaingen_block_finish(&g, &b);
        expect(cs, &b, "bad-txns-inputs-missingorspent", 1, "spend of a later tx");
        /* The same two in the right order are fine. */
        block_copy(&h, &b);
        {
            sato_tx_t tmp = h.txs[1];
            h.txs[1] = h.txs[2];
            h.txs[2] = tmp;
        }
        chaingen_block_finish(&g, &h);
        accept(cs, &g, &h, "spend of an earlier tx");
        sato_block_clear(&b);
        sato_block_clear(&h);
    }

    /* B05: two transactions spending one coin, and one input twice. */
    {
        sato_tx_t t1, t2;
        chaingen_utxo_t u[2];
        /* Take a wallet coin by spending it into t1, then spend it again. */
        if (!chaingen_spend(&g, &t1, 1, 1, 1000)) abort();
        u[0].op = t1.vin[0].prevout;
        u[0].value = t1.vout[0].value + 1000;
        u[0].kind = CHAINGEN_P2WPKH; /* wrong kind is fine: never reaches scripts */
        u[0].height = 0;
        u[0].coinbase = 0;
        chaingen_spend_utxos(&g, &t2, u, 1, 2, 1000);
        chaingen_block_init(&g, &b, 2000);
        chaingen_block_add(&b, &t1);
        chaingen_block_add(&b, &t2);
        chaingen_block_finish(&g, &b);
        expect(cs, &b, "bad-txns-inputs-missingorspent", 1, "B05 double spend in a block");
        sato_block_clear(&b);
        u[1] = u[0];
        chaingen_spend_utxos(&g, &t2, u, 2, 1, 1000);
        chaingen_block_init(&g, &b, 1000);
        chaingen_block_add(&b, &t2);
        chaingen_block_finish(&g, &b);
        expect(cs, &b, "bad-txns-inputs-duplicate", 0, "B05 duplicate input");
        sato_block_clear(&b);
    }

    /* Immature coinbase spend. */
    {
        sato_tx_t t;
        chaingen_utxo_t u = g.cb.v[g.cb.n - 1];
        chaingen_spend_utxos(&g, &t, &u, 1, 1, 1000);
        chaingen_block_init(&g, &b, 1000);
        chaingen_block_add(&b, &t);
        chaingen_block_finish(&g, &b);
        expect(cs, &b, "bad-txns-premature-spend-of-coinbase", 1, "immature coinbase spend");
        sato_block_clear(&b);
    }

    /* B01: outputs out of range, and outputs above inputs. */
    {
        static const struct {
            int64_t v0, v1;
            const char *reason;
        } cases[] = {
            {-1, 1, "bad-txns-vout-negative"},          /* CheckBlock's */
            {SATO_MAX_MONEY + 1, 1, "bad-txns-vout-toolarge"},
            {SATO_MAX_MONEY, SATO_MAX_MONEY, "bad-txns-txouttotal-toolarge"},
            {5000000000LL, 1, "bad-txns-in-belowout"}, /* ConnectBlock's */
        };
        size_t k;
        for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            honest(&g, &b, 1);
            b.txs[1].vout[0].value = cases[k].v0;
            b.txs[1].vout[1].value = cases[k].v1;
            chaingen_block_finish(&g, &b);
            expect(cs, &b, cases[k].reason, k == 3, cases[k].reason);
            sato_block_clear(&b);
        }
    }

    /* Sigops: 20,000 legacy CHECKSIGs (80,000 cost) pass, 20,001 fail. */
    {
        int extra;
        for (extra = 0; extra < 2; extra++) {
            sato_txout_t *out;
            honest(&g, &b, 0);
            b.txs[0].vout = sato_realloc(b.txs[0].vout, 3 * sizeof(sato_txout_t));
            out = &b.txs[0].vout[2];
            out->value = 0;
            out->script_pubkey.len = 20000 + (size_t)extra;
            out->script_pubkey.data = sato_malloc(out->script_pubkey.len);
            memset(out->script_pubkey.data, SATO_OP_CHECKSIG, out->script_pubkey.len);
            b.txs[0].vout_len = 3;
            chaingen_block_finish(&g, &b);
            if (extra == 0) accept(cs, &g, &b, "sigops exactly 80,000");
            else expect(cs, &b, "bad-blk-sigops", 0, "sigops 80,004");
            sato_block_clear(&b);
        }
    }

    /* Weight just over 4,000,000 through a large witness item. */
    {
        size_t w, pad;
        honest(&g, &b, 1);
        {
            sato_txin_t *in = &b.txs[1].vin[0];
            in->witness = sato_realloc(in->witness, (in->witness_len + 1) * sizeof(sato_bytes_t));
            in->witness[in->witness_len].data = NULL;
            in->witness[in->witness_len].len = 0;
            in->witness_len++;
        }
        w = sato_block_weight(&b);
        pad = 4000001 - w - 4; /* the item's CompactSize grows by 4 bytes */
        b.txs[1].vin[0].witness[b.txs[1].vin[0].witness_len - 1].data = sato_calloc(1, pad);
        b.txs[1].vin[0].witness[b.txs[1].vin[0].witness_len - 1].len = pad;
        chaingen_block_finish(&g, &b);
        test_case(sato_block_weight(&b) > 4000000 && sato_block_weight(&b) <= 4000004,
                  "weight %zu just over the limit", sato_block_weight(&b));
        expect(cs, &b, "bad-blk-weight", 1, "weight MAX+1");
        sato_block_clear(&b);
    }

    /* A child of a block remembered invalid, and that block again. */
    {
        sato_block_t child;
        chaingen_t g2;
        honest(&g, &b, 0);
        b.txs[0].vout[0].value += 1;
        chaingen_block_finish(&g, &b);
        expect(cs, &b, "bad-cb-amount", 1, "invalid parent");
        expect(cs, &b, "duplicate-invalid", 1, "resubmitted invalid block");
        chaingen_copy(&g2, &g);
        chaingen_accept(&g2, &b);
        chaingen_next(&g2, &child, 0, 0, 0);
        expect(cs, &child, "bad-prevblk", 0, "child of an invalid block");
        sato_block_clear(&child);
        chaingen_clear(&g2);
        sato_block_clear(&b);
    }

    /* B08: more than 2 h ahead of the clock: rejected, not remembered,
     * accepted once the clock has caught up. */
    honest(&g, &h, 1);
    h.header.time = (uint32_t)(fake_now + 2 * 60 * 60 + 1);
    chaingen_mine(&g, &h);
    expect(cs, &h, "time-too-new", 0, "B08 time > now + 2h");
    fake_now += 3 * 60 * 60;
    accept(cs, &g, &h, "B08 same block later");
    sato_block_clear(&h);

    /* BI06: headers. */
    {
        sato_block_header_t hs[40];
        sato_block_state_t st;
        chaingen_t f;
        size_t before = sato_chainstate_index_size(cs);
        chaingen_init(&f, &sato_chainparams_regtest, 99); /* a fork from genesis */
        for (i = 0; i < 40; i++) {
            chaingen_next(&f, &b, 0, 0, 0);
            hs[i] = b.header;
            sato_block_clear(&b);
        }
        CHECK(sato_chainstate_process_headers(cs, &st, hs, 40) == SATO_OK);
        test_case(strcmp(st.reason, "too-little-chainwork") == 0,
                  "low-work header fork refused (%s)", st.reason);
        test_case(sato_chainstate_index_size(cs) == before, "low-work headers not stored");
        /* B15: 100,000 headers in batches of 2,000 (MAX_HEADERS_RESULTS)
         * against a node whose network demands the work of a million
         * regtest blocks (nMinimumChainWork): nothing is stored, memory
         * stays flat. (On plain regtest every header has the same work,
         * so 100,000 of them outweigh our short chain and are rightly
         * kept.) */
        {
            sato_chainparams_t lowp = sato_chainparams_regtest;
            sato_chainstate_opts_t o2;
            sato_chainstate_t *cs2 = NULL;
            char dir2[256];
            sato_block_header_t *batch = sato_malloc(2000 * sizeof(*batch));
            sato_u256_t limit;
            unsigned char prev[32];
            long rss0, rss1;
            size_t refused = 0, k, m;
            lowp.minimum_chain_work_hex =
                "00000000000000000000000000000000000000000000000000000000001e8480";
            make_tmpdir(dir2, sizeof(dir2), "chain-lowwork");
            sato_chainstate_opts_init(&o2, &lowp, dir2);
            o2.now = clock_cb;
            CHECK(sato_chainstate_open(&cs2, &o2) == SATO_OK);
            if (cs2 == NULL) abort();
            rss0 = rss_kib();
            sato_chainparams_pow_limit(&limit, &sato_chainparams_regtest);
            sato_chainparams_genesis_hash(prev, &sato_chainparams_regtest);
            for (k = 0; k < 50; k++) {
                for (m = 0; m < 2000; m++) {
                    sato_block_header_t *x = &batch[m];
                    memset(x, 0, sizeof(*x));
                    x->version = 0x20000000;
                    memcpy(x->prev_hash, prev, 32);
                    x->merkle_root[0] = (unsigned char)m;
                    x->merkle_root[1] = (unsigned char)k;
                    x->time = 1296688602u + (uint32_t)(k * 2000 + m) + 1;
                    x->bits = sato_chainparams_regtest.genesis_bits;
                    for (;; x->nonce++) {
                        sato_block_header_hash(prev, x);
                        if (sato_pow_check(prev, x->bits, &limit)) break;
                    }
                }
                CHECK(sato_chainstate_process_headers(cs2, &st, batch, 2000) == SATO_OK);
                refused += !sato_validation_is_valid(&st);
            }
            rss1 = rss_kib();
            test_case(refused == 50 && sato_chainstate_index_size(cs2) == 1,
                      "B15 100,000 low-work headers: every batch refused, none stored (%zu)",
                      refused);
            test_case(rss1 - rss0 < 8192, "B15: memory flat (RSS %ld -> %ld KiB)", rss0, rss1);
            free(batch);
            CHECK(sato_chainstate_close(cs2) == SATO_OK);
            rm_tree(dir2);
        }
        hs[5].nonce ^= 1;
        CHECK(sato_chainstate_process_headers(cs, &st, hs, 40) == SATO_OK);
        test_case(strcmp(st.reason, "non-continuous-headers") == 0, "non-continuous headers (%s)",
                  st.reason);
        /* An unrequested block forking from genesis is not stored. */
        chaingen_clear(&f);
        chaingen_init(&f, &sato_chainparams_regtest, 98);
        chaingen_next(&f, &b, 0, 0, 0);
        CHECK(sato_chainstate_process_block(cs, &st, &b, 0, NULL) == SATO_OK);
        {
            unsigned char hash[32];
            sato_block_header_hash(hash, &b.header);
            test_case(sato_chainstate_lookup(cs, hash) == NULL,
                      "unrequested fork from genesis not stored (%s)", st.reason);
        }
        sato_block_clear(&b);
        chaingen_clear(&f);
        /* Headers that extend the tip are stored. */
        chaingen_copy(&f, &g);
        for (i = 0; i < 10; i++) {
            chaingen_next(&f, &b, 0, 0, 0);
            hs[i] = b.header;
            sato_block_clear(&b);
        }
        CHECK(sato_chainstate_process_headers(cs, &st, hs, 10) == SATO_OK);
        test_case(sato_validation_is_valid(&st) && sato_chainstate_index_size(cs) == before + 10 &&
                      sato_chainstate_best_header(cs)->height == g.height + 10,
                  "headers extending the tip stored (%s)", st.reason);
        chaingen_clear(&f);
    }

    CHECK(sato_chainstate_close(cs) == SATO_OK);
    chaingen_clear(&g);
    rm_tree(dir);
    return test_report("test_chain_reject");
}
