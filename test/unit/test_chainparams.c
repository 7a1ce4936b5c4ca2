/* The built-in networks: genesis blocks rebuilt and hashed, wire magic
 * against Core's netmagic files (and the custom-signet derivation),
 * subsidies, and consistency of the tables. */
#include <stdlib.h>
#include <string.h>

#include "sato/chainparams.h"
#include "sato/hex.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/tx_check.h"
#include "test.h"

static const struct {
    const char *chain, *magic_file;
} magic_files[] = {
    {"main", "netmagic-mainnet.hex"}, {"test", "netmagic-testnet.hex"},
    {"testnet4", "netmagic-testnet4.hex"}, {"signet", "netmagic-signet.hex"},
    {"regtest", "netmagic-regtest.hex"},
};

static int magic_matches(const unsigned char magic[4], const char *file) {
    char rel[128], *text, hex[9];
    size_t n;
    int ok;
    snprintf(rel, sizeof(rel), "bitcoin-core/util/%s", file);
    text = test_read_file(test_vector_path(rel), &n);
    if (text == NULL) return 0;
    sato_hex_encode(hex, magic, 4);
    ok = n >= 8 && strncmp(text, hex, 8) == 0;
    free(text);
    return ok;
}

static void test_networks(void) {
    size_t i;
    for (i = 0; i < sizeof(magic_files) / sizeof(magic_files[0]); i++) {
        const sato_chainparams_t *p = sato_chainparams_by_name(magic_files[i].chain);
        sato_block_t genesis;
        unsigned char h[32], want[32], merkle[32];
        sato_u256_t limit;
        int mutated;
        const char *reason = NULL;
        test_case(p != NULL, "no params for %s", magic_files[i].chain);
        if (p == NULL) continue;
        test_case(magic_matches(p->magic, magic_files[i].magic_file), "%s: magic", p->name);
        sato_chainparams_genesis(&genesis, p);
        sato_block_hash(h, &genesis);
        sato_chainparams_genesis_hash(want, p);
        test_case(memcmp(h, want, 32) == 0, "%s: genesis hash", p->name);
        sato_block_merkle_root(merkle, &mutated, &genesis);
        test_case(!mutated && memcmp(merkle, genesis.header.merkle_root, 32) == 0, "%s: merkle", p->name);
        sato_chainparams_pow_limit(&limit, p);
        test_case(sato_pow_check(h, genesis.header.bits, &limit), "%s: genesis meets its target", p->name);
        test_case(sato_tx_check(&genesis.txs[0], &reason), "%s: genesis coinbase passes CheckTransaction",
                  p->name);
        test_case(strcmp(p->addr->name, p->name) == 0, "%s: address params are %s", p->name, p->addr->name);
        test_case(p->nflag_exceptions == 0 || p->flag_exceptions != NULL, "%s: exceptions table", p->name);
        sato_block_clear(&genesis);
    }
    CHECK(sato_chainparams_by_name("testnet3") == NULL);
    CHECK(sato_chainparams_by_name("") == NULL);
}

static void test_custom_signet(void) {
    /* Core's bitcoin-util test: -signetchallenge=<1-of-1 multisig> netmagic. */
    static const char challenge_hex[] =
        "512102f7561d208dd9ae99bf497273e16f389bdbd6c4742ddb8e6b216e64fa2928ad8f51ae";
    unsigned char challenge[64];
    size_t n;
    sato_chainparams_t p;
    CHECK(sato_hex_decode(challenge, sizeof(challenge), &n, challenge_hex));
    CHECK(sato_chainparams_custom_signet(&p, challenge, n));
    CHECK(magic_matches(p.magic, "netmagic-signet-custom.hex"));
    CHECK(p.signet_blocks && p.signet_challenge_len == n);
    /* The default challenge gives the default magic. */
    CHECK(sato_chainparams_custom_signet(&p, sato_chainparams_signet.signet_challenge,
                                  sato_chainparams_signet.signet_challenge_len));
    CHECK(memcmp(p.magic, sato_chainparams_signet.magic, 4) == 0);
    CHECK(!sato_chainparams_custom_signet(&p, challenge, 0));
}

static void test_subsidy(void) {
    const sato_chainparams_t *m = &sato_chainparams_main, *r = &sato_chainparams_regtest;
    int64_t total = 0;
    int32_t h;
    CHECK(sato_block_subsidy(0, m) == 5000000000LL);
    CHECK(sato_block_subsidy(209999, m) == 5000000000LL);
    CHECK(sato_block_subsidy(210000, m) == 2500000000LL);
    CHECK(sato_block_subsidy(210000 * 33, m) == 0);
    CHECK(sato_block_subsidy(210000 * 64, m) == 0);
    CHECK(sato_block_subsidy(INT32_MAX, m) == 0);
    CHECK(sato_block_subsidy(149, r) == 5000000000LL && sato_block_subsidy(150, r) == 2500000000LL);
    /* Every 1000th block stands for its neighbours: the supply stays under 21M. */
    for (h = 0; h < 14000000; h += 1000) total += sato_block_subsidy(h, m) * 1000;
    CHECK(total == 2099999997690000LL);
}

int main(void) {
    test_networks();
    test_custom_signet();
    test_subsidy();
    return test_report("chainparams");
}
