/* Required nBits and median time past over a chain view: Bitcoin Core's
 * pow_tests retarget numbers, testnet's 20-minute rule with its walk back,
 * BIP94, regtest without retargeting, and the 2016 headers of
 * mainnet_alt.json rebuilt and checked block by block. */
#include <stdlib.h>
#include <string.h>

#include "sato/amount.h"
#include "sato/block_check.h"
#include "sato/difficulty.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "test.h"

#define MAIN (&sato_chainparams_main)
#define TESTNET (&sato_chainparams_testnet)
#define TESTNET4 (&sato_chainparams_testnet4)
#define REGTEST (&sato_chainparams_regtest)
#define LIMIT_BITS 0x1d00ffffu

/* A chain held as an array of entries for heights base .. base+len-1;
 * asking outside that range fails, so a rule that reads further back than
 * Core does shows up as a failed lookup. */
typedef struct {
    sato_chain_entry_t *e;
    int32_t base;
    int32_t len;
    int lookups;
} chain_t;

static int chain_get(void *ctx, int32_t height, sato_chain_entry_t *out) {
    chain_t *c = ctx;
    c->lookups++;
    if (height < c->base || height >= c->base + c->len) return 0;
    *out = c->e[height - c->base];
    return 1;
}

static void chain_init(chain_t *c, int32_t base, int32_t len, uint32_t bits, uint32_t time0,
                       uint32_t spacing) {
    int32_t i;
    c->e = sato_calloc((size_t)len, sizeof(*c->e));
    c->base = base;
    c->len = len;
    c->lookups = 0;
    for (i = 0; i < len; i++) {
        c->e[i].bits = bits;
        c->e[i].time = time0 + (uint32_t)i * spacing;
    }
}

static sato_chain_entry_t *at(chain_t *c, int32_t height) {
    return &c->e[height - c->base];
}

/* A view whose tip is the chain's block at `tip`. */
static sato_chain_view_t view_of(chain_t *c, int32_t tip) {
    sato_chain_view_t v;
    v.get = chain_get;
    v.ctx = c;
    v.tip_height = tip;
    return v;
}

static uint32_t required(chain_t *c, int32_t tip, int64_t new_time, const sato_chainparams_t *p) {
    sato_chain_view_t v = view_of(c, tip);
    uint32_t bits = 0xdeadbeef;
    if (!sato_next_work_required(&bits, &v, new_time, p)) return 0;
    return bits;
}

/* Core's pow_tests: one period [first, last] with the given times. */
static void core_retarget(int32_t last_height, uint32_t first_time, uint32_t last_time,
                          uint32_t bits, uint32_t expect, const char *name) {
    chain_t c;
    uint32_t got, direct;
    sato_u256_t limit;
    chain_init(&c, last_height - 2015, 2016, bits, first_time, 0);
    at(&c, last_height)->time = last_time;
    got = required(&c, last_height, last_time + 600, MAIN);
    direct = sato_calculate_next_work(bits, last_time, bits, first_time, MAIN);
    sato_chainparams_pow_limit(&limit, MAIN);
    test_case(got == expect && direct == expect, "%s: %08x / %08x, want %08x", name, got, direct,
              expect);
    CHECK(sato_pow_permitted_transition(last_height + 1, bits, expect, 2016, 14 * 86400, &limit));
    free(c.e);
}

static void test_core_pow_vectors(void) {
    core_retarget(32255, 1261130161, 1262152739, 0x1d00ffff, 0x1d00d86a, "get_next_work");
    core_retarget(2015, 1231006505, 1233061996, 0x1d00ffff, 0x1d00ffff, "get_next_work_pow_limit");
    core_retarget(68543, 1279008237, 1279297671, 0x1c05a3f4, 0x1c0168fd,
                  "get_next_work_lower_limit_actual");
    core_retarget(46367, 1263163443, 1269211443, 0x1c387f6f, 0x1d00e1fd,
                  "get_next_work_upper_limit_actual");
}

static void test_mainnet_no_change(void) {
    chain_t c;
    chain_init(&c, 0, 3000, 0x1c05a3f4, 1300000000, 600);
    /* Off a retarget height nothing changes, however late the block. */
    CHECK(required(&c, 2500, at(&c, 2500)->time + 100000, MAIN) == 0x1c05a3f4);
    CHECK(required(&c, 2500, at(&c, 2500)->time, MAIN) == 0x1c05a3f4);
    /* At one, a period of exactly two weeks keeps the target (measured
     * first to last block: 2015 spacings, not 2016)... */
    at(&c, 2015)->time = at(&c, 0)->time + 14 * 86400;
    CHECK(required(&c, 2015, at(&c, 2015)->time + 600, MAIN) == 0x1c05a3f4);
    /* ...and 2015 spacings of 600 s make it a little harder. */
    at(&c, 2015)->time = at(&c, 0)->time + 2015 * 600;
    CHECK(required(&c, 2015, at(&c, 2015)->time + 600, MAIN) ==
          sato_calculate_next_work(0x1c05a3f4, at(&c, 2015)->time, 0x1c05a3f4, at(&c, 0)->time,
                                   MAIN));
    CHECK(required(&c, 2015, at(&c, 2015)->time + 600, MAIN) != 0x1c05a3f4);
    /* An empty view has no tip to build on. */
    {
        sato_chain_view_t v = view_of(&c, -1);
        uint32_t bits = 1;
        CHECK(!sato_next_work_required(&bits, &v, 0, MAIN) && bits == 0);
    }
    /* A view that cannot supply the period's first block is an error. */
    c.base = 100;
    CHECK(required(&c, 2015, 0, MAIN) == 0);
    free(c.e);
}

/* Testnet3's rule: 20 minutes after the tip anything goes; otherwise the
 * last block not mined under that exception sets the bits. */
static void test_testnet_min_difficulty(void) {
    chain_t c;
    uint32_t real = 0x1c0ffff0, other = 0x1c0aaaaa;
    int32_t h;
    chain_init(&c, 0, 4200, real, 1400000000, 600);
    at(&c, 0)->bits = LIMIT_BITS;
    /* More than twice the spacing after the tip: the limit. */
    CHECK(required(&c, 4100, at(&c, 4100)->time + 1201, TESTNET) == LIMIT_BITS);
    /* Exactly twice is not more. */
    CHECK(required(&c, 4100, at(&c, 4100)->time + 1200, TESTNET) == real);
    /* Mainnet has no such rule. */
    CHECK(required(&c, 4100, at(&c, 4100)->time + 1201, MAIN) == real);

    /* Walk back over min-difficulty blocks to the last real one. */
    for (h = 4051; h <= 4100; h++) at(&c, h)->bits = LIMIT_BITS;
    at(&c, 4050)->bits = other;
    c.lookups = 0;
    CHECK(required(&c, 4100, at(&c, 4100)->time + 60, TESTNET) == other);
    test_case(c.lookups >= 51, "walk back looked at %d blocks", c.lookups);
    /* ...but never past the period's first block (4032), whose bits are
     * whatever the retarget gave, even the limit. */
    for (h = 4032; h <= 4100; h++) at(&c, h)->bits = LIMIT_BITS;
    at(&c, 4031)->bits = other;
    CHECK(required(&c, 4100, at(&c, 4100)->time + 60, TESTNET) == LIMIT_BITS);
    /* A tip on the period's first block is itself the answer. */
    CHECK(required(&c, 4032, at(&c, 4032)->time + 60, TESTNET) == LIMIT_BITS);
    /* And down to genesis on a young chain. */
    for (h = 0; h <= 10; h++) at(&c, h)->bits = LIMIT_BITS;
    CHECK(required(&c, 10, at(&c, 10)->time + 60, TESTNET) == LIMIT_BITS);
    at(&c, 0)->bits = other; /* not a real genesis, but shows where it stops */
    CHECK(required(&c, 10, at(&c, 10)->time + 60, TESTNET) == other);
    free(c.e);
}

/* At a retarget testnet3 scales the last block's bits, so a period that
 * ends in a min-difficulty block resets the difficulty; BIP94 (testnet4)
 * scales the first block's, which is never a min-difficulty one. */
static void test_bip94_retarget(void) {
    chain_t c;
    uint32_t real = 0x1c0fffff;
    chain_init(&c, 0, 4100, real, 1500000000, 600);
    at(&c, 4031)->bits = LIMIT_BITS;
    /* A period of exactly two weeks: the target stays what it started from. */
    at(&c, 4031)->time = at(&c, 2016)->time + 14 * 86400;
    {
        uint32_t t3 = required(&c, 4031, at(&c, 4031)->time + 600, TESTNET);
        uint32_t t4 = required(&c, 4031, at(&c, 4031)->time + 600, TESTNET4);
        test_case(t3 == LIMIT_BITS, "testnet3 retarget from a min-difficulty last block: %08x", t3);
        test_case(t4 == real, "testnet4 retarget from the first block: %08x", t4);
    }
    /* 2015 spacings of 600 s: a little harder than either base. */
    at(&c, 4031)->time = at(&c, 2016)->time + 2015 * 600;
    {
        uint32_t t4 = required(&c, 4031, at(&c, 4031)->time + 600, TESTNET4);
        CHECK(t4 != real && t4 == sato_calculate_next_work(real, at(&c, 4031)->time, real,
                                                           at(&c, 2016)->time, MAIN));
    }
    /* The 20-minute rule is used on testnet4 as well. */
    CHECK(required(&c, 4040, at(&c, 4040)->time + 1201, TESTNET4) == LIMIT_BITS);
    free(c.e);
}

/* The BIP94 timestamp rule in the header check: a period's first block may
 * not be more than 600 s before its parent. PoW is not part of this check,
 * so the header carries whatever bits are required. */
static void test_bip94_timewarp(void) {
    chain_t c;
    sato_block_header_t h;
    sato_block_state_t st;
    sato_chain_view_t v;
    chain_init(&c, 0, 4032, 0x1c0fffff, 1600000000, 600);
    v = view_of(&c, 4031);
    memset(&h, 0, sizeof(h));
    h.version = 0x20000000;
    h.time = at(&c, 4031)->time - 600;
    CHECK(sato_next_work_required(&h.bits, &v, h.time, TESTNET4));
    sato_validation_state_init(&st);
    CHECK(sato_block_verify_header(&st, &h, &v, h.time, TESTNET4));
    h.time--;
    sato_validation_state_init(&st);
    CHECK(sato_next_work_required(&h.bits, &v, h.time, TESTNET4));
    CHECK(!sato_block_verify_header(&st, &h, &v, h.time, TESTNET4) &&
          st.result == SATO_BLOCK_INVALID_HEADER && strcmp(st.reason, "time-timewarp-attack") == 0);
    /* testnet3 has no such rule... */
    sato_validation_state_init(&st);
    CHECK(sato_next_work_required(&h.bits, &v, h.time, TESTNET));
    CHECK(sato_block_verify_header(&st, &h, &v, h.time, TESTNET));
    /* ...and testnet4 applies it only on a period's first block. */
    v = view_of(&c, 4030);
    h.time = at(&c, 4030)->time - 601;
    sato_validation_state_init(&st);
    CHECK(sato_next_work_required(&h.bits, &v, h.time, TESTNET4));
    CHECK(sato_block_verify_header(&st, &h, &v, h.time, TESTNET4));
    free(c.e);
}

static void test_regtest(void) {
    chain_t c;
    uint32_t limit = sato_difficulty_limit_bits(REGTEST);
    CHECK(limit == 0x207fffff);
    CHECK(sato_difficulty_interval(REGTEST) == 144);
    CHECK(sato_difficulty_interval(MAIN) == 2016);
    chain_init(&c, 0, 300, 0x1f00ffff, 1296688602, 1);
    /* No retargeting: a period of one-second blocks keeps its bits. */
    CHECK(required(&c, 143, at(&c, 143)->time + 1, REGTEST) == 0x1f00ffff);
    CHECK(sato_calculate_next_work(0x1f00ffff, 1000, 0x1f00ffff, 0, REGTEST) == 0x1f00ffff);
    /* Min-difficulty blocks are allowed. */
    CHECK(required(&c, 150, at(&c, 150)->time + 1201, REGTEST) == limit);
    CHECK(required(&c, 150, at(&c, 150)->time + 1, REGTEST) == 0x1f00ffff);
    free(c.e);
}

static void test_mtp(void) {
    static const uint32_t t[11] = {50, 10, 90, 30, 70, 20, 60, 40, 100, 80, 0};
    uint32_t same[5] = {7, 7, 7, 7, 7};
    chain_t c;
    sato_chain_view_t v;
    int64_t m = -1;
    CHECK(sato_median_time_past(t, 0) == 0);
    CHECK(sato_median_time_past(t, 1) == 50);
    CHECK(sato_median_time_past(t, 2) == 50);  /* {10,50}: index 1 */
    CHECK(sato_median_time_past(t, 3) == 50);  /* {10,50,90} */
    CHECK(sato_median_time_past(t, 4) == 50);  /* {10,30,50,90}: index 2 */
    CHECK(sato_median_time_past(t, 11) == 50); /* 0..100 step 10 */
    CHECK(sato_median_time_past(t, 12) == 50); /* only eleven are read */
    CHECK(sato_median_time_past(same, 5) == 7);
    CHECK(t[0] == 50 && t[1] == 10); /* input untouched */

    chain_init(&c, 0, 30, 1, 1000, 10);
    v = view_of(&c, 29);
    /* At height 29: times of 19..29 = 1190..1290, median 1240. */
    CHECK(sato_chain_view_mtp(&m, &v, 29) && m == 1240);
    /* Near genesis fewer blocks count: 0..3 → {1000,1010,1020,1030}, index 2. */
    CHECK(sato_chain_view_mtp(&m, &v, 3) && m == 1020);
    CHECK(sato_chain_view_mtp(&m, &v, 0) && m == 1000);
    /* Out-of-order times are sorted first. */
    at(&c, 29)->time = 1;
    CHECK(sato_chain_view_mtp(&m, &v, 29) && m == 1230);
    CHECK(!sato_chain_view_mtp(&m, &v, 30) && m == 0);
    CHECK(!sato_chain_view_mtp(&m, &v, -1));
    c.base = 25; /* ancestors missing: an error, not a number */
    CHECK(!sato_chain_view_mtp(&m, &v, 29));
    free(c.e);
}

/* ---- mainnet_alt.json ---- */

static void set_bytes(sato_bytes_t *b, const unsigned char *p, size_t n) {
    b->data = sato_malloc(n);
    memcpy(b->data, p, n);
    b->len = n;
}

/* The vector file's coinbase for height h: version 2, scriptSig OP_h OP_0
 * (h <= 16) or one minimal number push, one 50 BTC output. */
static void alt_coinbase(sato_tx_t *tx, uint32_t h, const unsigned char *spk, size_t spk_len) {
    unsigned char sig[8], num[9];
    size_t n;
    if (h <= 16) {
        sig[0] = (unsigned char)(0x50 + h);
        sig[1] = 0x00;
        n = 2;
    } else {
        n = sato_scriptnum_encode(num, h);
        sig[0] = (unsigned char)n;
        memcpy(sig + 1, num, n);
        n++;
    }
    sato_tx_init(tx);
    tx->version = 2;
    tx->vin = sato_calloc(1, sizeof(sato_txin_t));
    tx->vin_len = 1;
    tx->vin[0].prevout.n = SATO_OUTPOINT_NULL_INDEX;
    tx->vin[0].sequence = SATO_SEQUENCE_FINAL;
    set_bytes(&tx->vin[0].script_sig, sig, n);
    tx->vout = sato_calloc(1, sizeof(sato_txout_t));
    tx->vout_len = 1;
    tx->vout[0].value = 50 * SATO_COIN;
    set_bytes(&tx->vout[0].script_pubkey, spk, spk_len);
}

static void test_mainnet_alt(void) {
    static const char spk_hex[] = "76a914eadbac7f36c37e39361168b7aaee3cb24a25312d88ac";
    json_t *root = test_load_json("bitcoin-core/mainnet_alt.json");
    json_t *times, *nonces;
    unsigned char spk[25], hash[32];
    size_t spk_len, i, n, ok_bits = 0, ok_pow = 0, ok_hdr = 0;
    sato_u256_t limit;
    sato_block_t genesis;
    chain_t c;
    if (root == NULL) return;
    times = json_object_get(root, "timestamps");
    nonces = json_object_get(root, "nonces");
    n = json_array_size(times);
    test_case(n == 2016 && json_array_size(nonces) == n, "mainnet_alt: %zu entries", n);
    if (n == 0 || json_array_size(nonces) != n) goto out;
    CHECK(sato_hex_decode(spk, sizeof(spk), &spk_len, spk_hex) && spk_len == 25);
    sato_chainparams_pow_limit(&limit, MAIN);
    sato_chainparams_genesis(&genesis, MAIN);
    chain_init(&c, 0, (int32_t)n + 1, 0, 0, 0);
    c.e[0].time = genesis.header.time;
    c.e[0].bits = genesis.header.bits;
    sato_block_hash(c.e[0].hash, &genesis);
    sato_block_clear(&genesis);
    for (i = 0; i < n; i++) {
        int32_t height = (int32_t)i + 1;
        sato_chain_view_t v = view_of(&c, height - 1);
        sato_block_t b;
        sato_block_state_t st;
        uint32_t bits = 0;
        sato_block_init(&b);
        b.txs = sato_calloc(1, sizeof(sato_tx_t));
        b.txs_len = 1;
        alt_coinbase(&b.txs[0], (uint32_t)height, spk, spk_len);
        b.header.version = 0x20000000;
        memcpy(b.header.prev_hash, c.e[height - 1].hash, 32);
        b.header.time = (uint32_t)json_integer_value(json_array_get(times, i));
        b.header.nonce = (uint32_t)json_integer_value(json_array_get(nonces, i));
        sato_block_merkle_root(b.header.merkle_root, NULL, &b);
        /* The bits come from our rule; the nonce only works if they are
         * the ones the chain was mined at. */
        if (sato_next_work_required(&bits, &v, b.header.time, MAIN)) ok_bits++;
        b.header.bits = bits;
        sato_block_hash(hash, &b);
        if (sato_pow_check(hash, bits, &limit)) ok_pow++;
        else test_case(0, "mainnet_alt height %d: bits %08x do not fit the nonce", height, bits);
        sato_validation_state_init(&st);
        if (sato_block_verify_header(&st, &b.header, &v, b.header.time, MAIN) &&
            sato_block_check(&st, &b, MAIN, 1, 1))
            ok_hdr++;
        else test_case(0, "mainnet_alt height %d: %s", height, st.reason);
        if (height == 2016) test_case(bits == 0x1c3fffc0, "retarget at 2016: %08x", bits);
        c.e[height].time = b.header.time;
        c.e[height].bits = bits;
        memcpy(c.e[height].hash, hash, 32);
        sato_block_clear(&b);
    }
    test_case(ok_bits == n && ok_pow == n && ok_hdr == n,
              "mainnet_alt: %zu bits, %zu PoW, %zu header checks of %zu", ok_bits, ok_pow, ok_hdr, n);
    {
        char shown[65];
        sato_hex_encode_rev(shown, c.e[n].hash, 32);
        CHECK(strcmp(shown, "000000000c806553811fd3e6c40bc9c279db53643da7d3b401a9882c074c24b2") == 0);
    }
    /* One second earlier than the median of the last eleven is too old. */
    {
        sato_chain_view_t v = view_of(&c, (int32_t)n);
        sato_block_header_t h;
        sato_block_state_t st;
        int64_t mtp;
        CHECK(sato_chain_view_mtp(&mtp, &v, (int32_t)n));
        memset(&h, 0, sizeof(h));
        h.version = 0x20000000;
        h.time = (uint32_t)mtp;
        CHECK(sato_next_work_required(&h.bits, &v, h.time, MAIN) && h.bits == 0x1c3fffc0);
        sato_validation_state_init(&st);
        CHECK(!sato_block_verify_header(&st, &h, &v, mtp, MAIN) &&
              strcmp(st.reason, "time-too-old") == 0);
        h.time++;
        sato_validation_state_init(&st);
        CHECK(sato_block_verify_header(&st, &h, &v, mtp, MAIN));
        /* The wrong bits: a header check failure, cached as invalid. */
        h.bits = 0x1d00ffff;
        sato_validation_state_init(&st);
        CHECK(!sato_block_verify_header(&st, &h, &v, mtp, MAIN) &&
              strcmp(st.reason, "bad-diffbits") == 0 && st.result == SATO_BLOCK_INVALID_HEADER &&
              sato_block_state_cacheable(&st));
    }
    free(c.e);
out:
    json_decref(root);
}

int main(void) {
    test_core_pow_vectors();
    test_mainnet_no_change();
    test_testnet_min_difficulty();
    test_bip94_retarget();
    test_bip94_timewarp();
    test_regtest();
    test_mtp();
    test_mainnet_alt();
    return test_report("test_difficulty");
}
