/* Blocks and headers: the mainnet genesis, an alternative mainnet chain of
 * 2016 blocks rebuilt from timestamps and nonces (PoW and the first
 * retarget), and 104 regtest blocks parsed and cross-checked against
 * getblockstats results. */
#include <stdlib.h>
#include <string.h>

#include "sato/block.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/sha256.h"
#include "sato/tx_check.h"
#include "test.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#endif
#ifdef TEST_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "max_allocation_size_mb=16";
}
#endif

#define MAINNET_POW_LIMIT "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define REGTEST_POW_LIMIT "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define TARGET_TIMESPAN (14 * 24 * 60 * 60)

static void set_bytes(sato_bytes_t *b, const unsigned char *p, size_t n) {
    b->data = n ? sato_malloc(n) : NULL;
    if (n) memcpy(b->data, p, n);
    b->len = n;
}

/* A one-input, one-output coinbase built part by part. */
static void make_coinbase(sato_tx_t *tx, uint32_t version, const unsigned char *script_sig,
                          size_t script_sig_len, int64_t value, const unsigned char *spk,
                          size_t spk_len) {
    sato_tx_init(tx);
    tx->version = version;
    tx->vin = sato_calloc(1, sizeof(sato_txin_t));
    tx->vin_len = 1;
    tx->vin[0].prevout.n = SATO_OUTPOINT_NULL_INDEX;
    tx->vin[0].sequence = SATO_SEQUENCE_FINAL;
    set_bytes(&tx->vin[0].script_sig, script_sig, script_sig_len);
    tx->vout = sato_calloc(1, sizeof(sato_txout_t));
    tx->vout_len = 1;
    tx->vout[0].value = value;
    set_bytes(&tx->vout[0].script_pubkey, spk, spk_len);
}

static int hash_is(const unsigned char h[32], const char *display_hex) {
    char shown[65];
    sato_hex_encode_rev(shown, h, 32);
    return strcmp(shown, display_hex) == 0;
}

/* Serializes a block, parses it back and checks it is the same. */
static int block_roundtrip(const sato_block_t *block) {
    sato_buf_t b;
    sato_block_t back;
    size_t i;
    int ok;
    sato_buf_init(&b);
    sato_block_write(&b, block, 1);
    ok = b.len == sato_block_size(block, 1) && sato_block_parse(&back, b.data, b.len);
    ok = ok && back.txs_len == block->txs_len &&
         memcmp(&back.header, &block->header, sizeof(back.header)) == 0;
    for (i = 0; ok && i < back.txs_len; i++) ok = sato_tx_equal(&back.txs[i], &block->txs[i]);
    sato_block_clear(&back);
    sato_buf_clear(&b);
    return ok;
}

/* The genesis block from Bitcoin Core's CreateGenesisBlock. */
static void make_genesis(sato_block_t *block) {
    static const char msg[] = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks";
    static const char pubkey[] = "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61de"
                                 "b649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";
    unsigned char sig[128], spk[67];
    size_t n = 0, m = sizeof(msg) - 1, plen;
    /* scriptSig: push of 486604799 (4 bytes), push of CScriptNum(4), the
     * headline as a push; output script: <pubkey> OP_CHECKSIG. */
    sig[n++] = 4;
    sato_put_le32(sig + n, 486604799u);
    n += 4;
    sig[n++] = 1;
    sig[n++] = 4;
    sig[n++] = (unsigned char)m;
    memcpy(sig + n, msg, m);
    n += m;
    spk[0] = 65;
    if (!sato_hex_decode(spk + 1, 65, &plen, pubkey) || plen != 65) abort();
    spk[66] = 0xac;
    sato_block_init(block);
    block->txs = sato_calloc(1, sizeof(sato_tx_t));
    block->txs_len = 1;
    make_coinbase(&block->txs[0], 1, sig, n, 50 * 100000000LL, spk, sizeof(spk));
    block->header.version = 1;
    block->header.time = 1231006505;
    block->header.bits = 0x1d00ffff;
    block->header.nonce = 2083236893;
    sato_block_merkle_root(block->header.merkle_root, NULL, block);
}

static void test_genesis(sato_block_t *genesis) {
    unsigned char h[32], id[32];
    sato_u256_t limit;
    int mutated = 1;
    CHECK(sato_u256_from_hex(&limit, MAINNET_POW_LIMIT));
    make_genesis(genesis);
    sato_tx_txid(id, &genesis->txs[0]);
    CHECK(hash_is(id, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"));
    sato_block_merkle_root(h, &mutated, genesis);
    CHECK(memcmp(h, id, 32) == 0 && mutated == 0);
    sato_block_hash(h, genesis);
    CHECK(hash_is(h, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));
    CHECK(sato_pow_check(h, genesis->header.bits, &limit));
    CHECK(sato_tx_check(&genesis->txs[0], NULL));
    CHECK(block_roundtrip(genesis));
    CHECK(sato_block_size(genesis, 1) == 285 && sato_block_weight(genesis) == 4 * 285);
    /* The header alone: 80 bytes that parse back. */
    {
        unsigned char raw[80];
        sato_block_header_t hh;
        sato_block_header_serialize(raw, &genesis->header);
        CHECK(sato_block_header_parse(&hh, raw) && memcmp(&hh, &genesis->header, sizeof(hh)) == 0);
        sato_sha256d(id, raw, 80);
        CHECK(memcmp(id, h, 32) == 0);
    }
}

/* BIP34-style height push of mainnet_alt's coinbases: OP_h OP_0 up to 16,
 * else one minimal CScriptNum push. */
static size_t height_script(unsigned char *out, uint32_t h) {
    size_t n = 0;
    unsigned char num[5];
    if (h <= 16) {
        out[0] = (unsigned char)(0x50 + h);
        out[1] = 0x00;
        return 2;
    }
    while (h) {
        num[n++] = (unsigned char)h;
        h >>= 8;
    }
    if (num[n - 1] & 0x80) num[n++] = 0;
    out[0] = (unsigned char)n;
    memcpy(out + 1, num, n);
    return n + 1;
}

static void test_mainnet_alt(const sato_block_t *genesis) {
    static const char spk_hex[] = "76a914eadbac7f36c37e39361168b7aaee3cb24a25312d88ac";
    json_t *root = test_load_json("bitcoin-core/mainnet_alt.json");
    json_t *times, *nonces;
    unsigned char spk[25], prev[32], hash[32];
    size_t spk_len, i, pow_ok = 0, built = 0, n;
    uint32_t last_time = 0;
    sato_u256_t limit;
    if (root == NULL) return;
    times = json_object_get(root, "timestamps");
    nonces = json_object_get(root, "nonces");
    n = json_array_size(times);
    test_case(n == 2016 && json_array_size(nonces) == 2016, "mainnet_alt: %zu entries", n);
    CHECK(sato_u256_from_hex(&limit, MAINNET_POW_LIMIT));
    CHECK(sato_hex_decode(spk, sizeof(spk), &spk_len, spk_hex) && spk_len == 25);
    sato_block_hash(prev, genesis);
    for (i = 0; i < n && i < json_array_size(nonces); i++) {
        uint32_t height = (uint32_t)i + 1;
        unsigned char sig[8];
        size_t sig_len = height_script(sig, height);
        sato_block_t block;
        uint32_t bits = height < 2016 ? 0x1d00ffffu : 0x1c3fffc0u;
        int mutated = 1, ok = 1;
        if (height == 2016) {
            /* The retarget from the first period's timestamps: genesis
             * to height 2015. */
            uint32_t next = sato_pow_next_bits(0x1d00ffffu, last_time, genesis->header.time,
                                               TARGET_TIMESPAN, &limit);
            test_case(next == 0x1c3fffc0u, "retarget at 2016 gives %08x", next);
            CHECK(sato_pow_permitted_transition(2016, 0x1d00ffffu, next, 2016, TARGET_TIMESPAN,
                                                &limit));
        } else {
            ok &= sato_pow_permitted_transition(height, 0x1d00ffffu, bits, 2016, TARGET_TIMESPAN,
                                                &limit);
        }
        sato_block_init(&block);
        block.txs = sato_calloc(1, sizeof(sato_tx_t));
        block.txs_len = 1;
        make_coinbase(&block.txs[0], 2, sig, sig_len, 50 * 100000000LL, spk, spk_len);
        block.header.version = 0x20000000;
        memcpy(block.header.prev_hash, prev, 32);
        block.header.time = (uint32_t)json_integer_value(json_array_get(times, i));
        block.header.bits = bits;
        block.header.nonce = (uint32_t)json_integer_value(json_array_get(nonces, i));
        sato_block_merkle_root(block.header.merkle_root, &mutated, &block);
        sato_tx_txid(hash, &block.txs[0]);
        ok &= memcmp(hash, block.header.merkle_root, 32) == 0 && mutated == 0;
        ok &= sato_tx_check(&block.txs[0], NULL);
        ok &= block_roundtrip(&block);
        sato_block_hash(hash, &block);
        if (sato_pow_check(hash, bits, &limit)) pow_ok++;
        else test_case(0, "mainnet_alt height %u: hash above target", height);
        if (ok) built++;
        else test_case(0, "mainnet_alt height %u: block checks", height);
        memcpy(prev, hash, 32);
        last_time = block.header.time;
        sato_block_clear(&block);
    }
    CHECK(hash_is(prev, "000000000c806553811fd3e6c40bc9c279db53643da7d3b401a9882c074c24b2"));
    /* A hash is not accepted against an easier nBits than the limit. */
    CHECK(!sato_pow_check(prev, 0x1d01ffffu, &limit));
    test_case(pow_ok == 2016 && built == 2016, "mainnet_alt: %zu PoW ok, %zu built", pow_ok, built);
    printf("mainnet_alt: %zu/%zu headers rebuilt, %zu meet their target, retarget 0x1c3fffc0\n", built,
           n, pow_ok);
    json_decref(root);
}

/* getblockstats fields that follow from the block bytes alone. */
static void check_stats(json_t *stats, const sato_block_t *block, const unsigned char hash[32]) {
    int64_t ins = 0, outs = 0, total_size = 0, total_weight = 0, swtxs = 0, swsize = 0, swweight = 0;
    int64_t total_out = 0, cb_out = 0, minsize = 0, maxsize = 0;
    size_t i, j;
    const char *bh = json_string_value(json_object_get(stats, "blockhash"));
#define STAT(name) json_integer_value(json_object_get(stats, name))
    for (i = 0; i < block->txs_len; i++) {
        const sato_tx_t *tx = &block->txs[i];
        int64_t size = (int64_t)sato_tx_size(tx, 1);
        outs += (int64_t)tx->vout_len;
        if (i == 0) {
            for (j = 0; j < tx->vout_len; j++) cb_out += tx->vout[j].value;
            continue;
        }
        ins += (int64_t)tx->vin_len;
        total_size += size;
        total_weight += (int64_t)sato_tx_weight(tx);
        if (sato_tx_has_witness(tx)) {
            swtxs++;
            swsize += size;
            swweight += (int64_t)sato_tx_weight(tx);
        }
        for (j = 0; j < tx->vout_len; j++) total_out += tx->vout[j].value;
        if (minsize == 0 || size < minsize) minsize = size;
        if (size > maxsize) maxsize = size;
    }
    test_case(bh != NULL && hash_is(hash, bh), "stats: block hash %s", bh ? bh : "?");
    test_case(STAT("txs") == (json_int_t)block->txs_len && STAT("ins") == ins && STAT("outs") == outs &&
                  STAT("total_size") == total_size && STAT("total_weight") == total_weight &&
                  STAT("swtxs") == swtxs && STAT("swtotal_size") == swsize &&
                  STAT("swtotal_weight") == swweight && STAT("total_out") == total_out &&
                  STAT("mintxsize") == minsize && STAT("maxtxsize") == maxsize &&
                  STAT("time") == block->header.time &&
                  STAT("subsidy") + STAT("totalfee") == cb_out,
              "stats for height %lld disagree with the block", (long long)STAT("height"));
#undef STAT
}

static void test_regtest_blocks(void) {
    static const char regtest_genesis[] =
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
    json_t *root = test_load_json("bitcoin-core/rpc_getblockstats.json");
    json_t *blocks, *stats;
    unsigned char prev[32];
    size_t i, n, good = 0, commitments = 0, witness_txs = 0, txs = 0;
    sato_u256_t limit;
    if (root == NULL) return;
    blocks = json_object_get(root, "blocks");
    stats = json_object_get(root, "stats");
    n = json_array_size(blocks);
    test_case(n == 104 && json_array_size(stats) == 3, "getblockstats: %zu blocks", n);
    CHECK(sato_u256_from_hex(&limit, REGTEST_POW_LIMIT));
    memset(prev, 0, 32);
    for (i = 0; i < n; i++) {
        size_t len, pos, j;
        unsigned char *raw = sato_hex_decode_alloc(json_string_value(json_array_get(blocks, i)), &len);
        unsigned char root_hash[32], hash[32];
        sato_block_t block;
        sato_buf_t b;
        const char *reason = "unset";
        int mutated = 1, ok = 1, has_commitment;
        if (raw == NULL || !sato_block_parse(&block, raw, len)) {
            test_case(0, "regtest block %zu does not parse", i);
            free(raw);
            continue;
        }
        sato_buf_init(&b);
        sato_block_write(&b, &block, 1);
        ok &= b.len == len && memcmp(b.data, raw, len) == 0 && sato_block_size(&block, 1) == len;
        ok &= sato_block_weight(&block) == 3 * sato_block_size(&block, 0) + len;
        sato_block_merkle_root(root_hash, &mutated, &block);
        ok &= memcmp(root_hash, block.header.merkle_root, 32) == 0 && mutated == 0;
        ok &= memcmp(block.header.prev_hash, prev, 32) == 0;
        sato_block_hash(hash, &block);
        ok &= sato_pow_check(hash, block.header.bits, &limit);
        if (i == 0) ok &= hash_is(hash, regtest_genesis);
        ok &= block.txs_len >= 1 && sato_tx_is_coinbase(&block.txs[0]);
        for (j = 0; j < block.txs_len; j++) {
            ok &= sato_tx_check(&block.txs[j], NULL);
            ok &= (j == 0) == sato_tx_is_coinbase(&block.txs[j]);
            witness_txs += sato_tx_has_witness(&block.txs[j]);
        }
        txs += block.txs_len;
        /* Segwit is active from the start on regtest: a commitment, when
         * present, must match; without one no tx may carry a witness. */
        has_commitment = sato_block_witness_commitment_find(&pos, &block);
        commitments += has_commitment;
        ok &= sato_block_check_witness_commitment(&block, 1, &reason) && reason == NULL;
        if (has_commitment) {
            /* Flipping a committed byte must be caught. */
            block.txs[0].vout[pos].script_pubkey.data[10] ^= 1;
            ok &= !sato_block_check_witness_commitment(&block, 1, &reason) &&
                  strcmp(reason, "bad-witness-merkle-match") == 0;
            block.txs[0].vout[pos].script_pubkey.data[10] ^= 1;
        }
        if (i >= 101 && i - 101 < json_array_size(stats)) {
            check_stats(json_array_get(stats, i - 101), &block, hash);
        }
        test_case(ok, "regtest block %zu: checks failed", i);
        good += ok;
        memcpy(prev, hash, 32);
        sato_buf_clear(&b);
        sato_block_clear(&block);
        free(raw);
    }
    test_case(good == 104, "getblockstats: %zu of 104 blocks good", good);
    test_case(commitments > 0 && witness_txs > 0, "no witness commitments seen");
    printf("rpc_getblockstats: %zu/%zu blocks parse exactly, round-trip, link, match merkle roots; "
           "%zu txs (%zu with witness), %zu witness commitments verified, 3 stats rows\n",
           good, n, txs, witness_txs, commitments);
    json_decref(root);
}

/* Witness commitment rules on a synthetic block. */
static void test_witness_commitment_rules(void) {
    sato_block_t block;
    sato_tx_t *cb;
    unsigned char root[32], commit[32], spk[38];
    const char *reason;
    size_t pos;
    static const unsigned char nonce[32] = {1, 2, 3};
    sato_block_init(&block);
    block.txs = sato_calloc(2, sizeof(sato_tx_t));
    block.txs_len = 2;
    memcpy(spk, SATO_WITNESS_COMMITMENT_HEADER, 6);
    memset(spk + 6, 0, 32);
    make_coinbase(&block.txs[0], 2, (const unsigned char *)"\x51\x00", 2, 1, spk, sizeof(spk));
    make_coinbase(&block.txs[1], 2, (const unsigned char *)"\x52\x00", 2, 1, spk, 1);
    block.txs[1].vin[0].prevout.n = 0;
    /* The second tx gets a witness. */
    block.txs[1].vin[0].witness = sato_calloc(1, sizeof(sato_bytes_t));
    block.txs[1].vin[0].witness_len = 1;
    set_bytes(&block.txs[1].vin[0].witness[0], nonce, 3);
    cb = &block.txs[0];
    CHECK(sato_block_witness_commitment_find(&pos, &block) && pos == 0);
    /* No reserved value in the coinbase witness. */
    CHECK(!sato_block_check_witness_commitment(&block, 1, &reason) &&
          strcmp(reason, "bad-witness-nonce-size") == 0);
    cb->vin[0].witness = sato_calloc(1, sizeof(sato_bytes_t));
    cb->vin[0].witness_len = 1;
    set_bytes(&cb->vin[0].witness[0], nonce, 31);
    CHECK(!sato_block_check_witness_commitment(&block, 1, &reason) &&
          strcmp(reason, "bad-witness-nonce-size") == 0);
    free(cb->vin[0].witness[0].data);
    set_bytes(&cb->vin[0].witness[0], nonce, 32);
    CHECK(!sato_block_check_witness_commitment(&block, 1, &reason) &&
          strcmp(reason, "bad-witness-merkle-match") == 0);
    sato_block_witness_merkle_root(root, NULL, &block);
    sato_witness_commitment(commit, root, nonce);
    memcpy(cb->vout[0].script_pubkey.data + 6, commit, 32);
    CHECK(sato_block_check_witness_commitment(&block, 1, &reason) && reason == NULL);
    /* The coinbase's own witness does not enter the witness root. */
    cb->vin[0].witness[0].data[0] ^= 1;
    sato_block_witness_merkle_root(commit, NULL, &block);
    CHECK(memcmp(commit, root, 32) == 0);
    CHECK(!sato_block_check_witness_commitment(&block, 1, &reason));
    cb->vin[0].witness[0].data[0] ^= 1;
    /* Before segwit, witness data is unexpected whatever is committed. */
    CHECK(!sato_block_check_witness_commitment(&block, 0, &reason) &&
          strcmp(reason, "unexpected-witness") == 0);
    /* A 37-byte script is no commitment, and then witnesses are refused. */
    cb->vout[0].script_pubkey.len = 37;
    CHECK(!sato_block_witness_commitment_find(&pos, &block));
    CHECK(!sato_block_check_witness_commitment(&block, 1, &reason) &&
          strcmp(reason, "unexpected-witness") == 0);
    cb->vout[0].script_pubkey.len = 38;
    sato_block_clear(&block);
    /* An empty block has no commitment and passes. */
    sato_block_init(&block);
    CHECK(!sato_block_witness_commitment_find(&pos, &block));
    CHECK(sato_block_check_witness_commitment(&block, 1, NULL));
    sato_block_merkle_root(root, NULL, &block);
    CHECK(root[0] == 0 && memcmp(root, root + 1, 31) == 0);
}

/* Malformed blocks: truncations and announced counts without data. */
static void test_hostile_blocks(const sato_block_t *genesis) {
    sato_buf_t b;
    sato_block_t block;
    size_t cut, fails = 0;
    unsigned char raw[90];
    sato_reader_t r;
    sato_buf_init(&b);
    sato_block_write(&b, genesis, 1);
    for (cut = 0; cut < b.len; cut++) fails += !sato_block_parse(&block, b.data, cut);
    test_case(fails == b.len, "block truncations: %zu of %zu fail", fails, b.len);
    /* Trailing data is refused by parse, left to the caller by read. */
    sato_buf_write_u8(&b, 0);
    CHECK(!sato_block_parse(&block, b.data, b.len));
    sato_reader_init(&r, b.data, b.len);
    CHECK(sato_block_read(&block, &r) && sato_reader_left(&r) == 1);
    sato_block_clear(&block);
    sato_buf_clear(&b);
    /* Header plus a count of MAX_SIZE, MAX_SIZE + 1 and 2^64 - 1. */
    memset(raw, 0, sizeof(raw));
    raw[80] = 0xfe;
    sato_put_le32(raw + 81, SATO_MAX_SIZE);
    CHECK(!sato_block_parse(&block, raw, 85));
    CHECK(block.txs == NULL && block.txs_len == 0);
    sato_put_le32(raw + 81, SATO_MAX_SIZE + 1);
    CHECK(!sato_block_parse(&block, raw, 85));
    memset(raw + 80, 0xff, 9);
    CHECK(!sato_block_parse(&block, raw, 89));
    /* A header alone with no count, and an empty block (count 0). */
    CHECK(!sato_block_parse(&block, raw, 80));
    raw[80] = 0;
    CHECK(sato_block_parse(&block, raw, 81) && block.txs_len == 0);
    sato_block_clear(&block);
    sato_block_clear(NULL);
    /* Many minimal transactions: the array grows past its first size. */
    {
        size_t ntx = 3000, i, len = 80 + 3 + ntx * 10;
        unsigned char *many = sato_calloc(1, len);
        many[80] = 0xfd;
        many[81] = (unsigned char)ntx;
        many[82] = (unsigned char)(ntx >> 8);
        for (i = 0; i < ntx; i++) many[83 + 10 * i] = (unsigned char)i; /* versions differ */
        CHECK(sato_block_parse(&block, many, len) && block.txs_len == ntx);
        CHECK(block.txs_len == ntx && block.txs[2999].version == (2999 & 0xff));
        sato_block_clear(&block);
        CHECK(!sato_block_parse(&block, many, len - 1));
        free(many);
    }
}

int main(void) {
    sato_block_t genesis;
    test_genesis(&genesis);
    test_mainnet_alt(&genesis);
    test_regtest_blocks();
    test_witness_commitment_rules();
    test_hostile_blocks(&genesis);
    sato_block_clear(&genesis);
    return test_report("test_block");
}
