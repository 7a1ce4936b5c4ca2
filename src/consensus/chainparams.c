/* The five built-in networks, as Bitcoin Core defines them. */
#include <string.h>

#include "sato/chainparams.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/script.h"
#include "sato/sha256.h"

#define TWO_WEEKS (14 * 24 * 60 * 60)
#define SATOSHI_MESSAGE "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"
#define SATOSHI_PUBKEY                                                  \
    "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61de" \
    "b649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"
#define LIMIT_MAIN "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define ZERO_HEX "0000000000000000000000000000000000000000000000000000000000000000"

/* Blocks that break a rule which was later enforced from genesis: BIP16's
 * exception predates P2SH; the taproot one holds an early, invalid-looking
 * spend of a v1 output. */
static const sato_flag_exception_t main_exceptions[] = {
    {"00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22", SATO_SCRIPT_VERIFY_NONE},
    {"0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad",
     SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS},
};
static const sato_flag_exception_t test_exceptions[] = {
    {"00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105", SATO_SCRIPT_VERIFY_NONE},
};

const sato_chainparams_t sato_chainparams_main = {
    .name = "main", .subdir = "", .magic = {0xf9, 0xbe, 0xb4, 0xd9},
    .default_port = 8333, .rpc_port = 8332,
    .subsidy_halving_interval = 210000,
    .bip34_height = 227931,
    .bip34_hash_hex = "000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8",
    .bip65_height = 388381, .bip66_height = 363725, .csv_height = 419328, .segwit_height = 481824,
    .pow_limit_hex = LIMIT_MAIN,
    .pow_target_timespan = TWO_WEEKS, .pow_target_spacing = 600,
    .minimum_chain_work_hex = "0000000000000000000000000000000000000001128750f82f4c366153a3a030",
    .default_assume_valid_hex = "00000000000000000000ccebd6d74d9194d8dcdc1d177c478e094bfad51ba5ac",
    .flag_exceptions = main_exceptions, .nflag_exceptions = 2,
    .genesis_message = SATOSHI_MESSAGE, .genesis_pubkey_hex = SATOSHI_PUBKEY,
    .genesis_time = 1231006505, .genesis_nonce = 2083236893, .genesis_bits = 0x1d00ffff,
    .genesis_version = 1,
    .genesis_hash_hex = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
    .addr = &sato_chain_addr_main,
};

const sato_chainparams_t sato_chainparams_testnet = {
    .name = "test", .subdir = "testnet3", .magic = {0x0b, 0x11, 0x09, 0x07},
    .default_port = 18333, .rpc_port = 18332,
    .subsidy_halving_interval = 210000,
    .bip34_height = 21111,
    .bip34_hash_hex = "0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8",
    .bip65_height = 581885, .bip66_height = 330776, .csv_height = 770112, .segwit_height = 834624,
    .pow_limit_hex = LIMIT_MAIN,
    .pow_target_timespan = TWO_WEEKS, .pow_target_spacing = 600,
    .pow_allow_min_difficulty_blocks = 1,
    .minimum_chain_work_hex = "0000000000000000000000000000000000000000000017dde1c649f3708d14b6",
    .default_assume_valid_hex = "000000007a61e4230b28ac5cb6b5e5a0130de37ac1faf2f8987d2fa6505b67f4",
    .flag_exceptions = test_exceptions, .nflag_exceptions = 1,
    .genesis_message = SATOSHI_MESSAGE, .genesis_pubkey_hex = SATOSHI_PUBKEY,
    .genesis_time = 1296688602, .genesis_nonce = 414098458, .genesis_bits = 0x1d00ffff,
    .genesis_version = 1,
    .genesis_hash_hex = "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
    .addr = &sato_chain_addr_testnet,
};

const sato_chainparams_t sato_chainparams_testnet4 = {
    .name = "testnet4", .subdir = "testnet4", .magic = {0x1c, 0x16, 0x3f, 0x28},
    .default_port = 48333, .rpc_port = 48332,
    .subsidy_halving_interval = 210000,
    .bip34_height = 1, .bip65_height = 1, .bip66_height = 1, .csv_height = 1, .segwit_height = 1,
    .pow_limit_hex = LIMIT_MAIN,
    .pow_target_timespan = TWO_WEEKS, .pow_target_spacing = 600,
    .pow_allow_min_difficulty_blocks = 1, .enforce_bip94 = 1,
    .minimum_chain_work_hex = "0000000000000000000000000000000000000000000009a0fe15d0177d086304",
    .default_assume_valid_hex = "0000000002368b1e4ee27e2e85676ae6f9f9e69579b29093e9a82c170bf7cf8a",
    .genesis_message = "03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e",
    .genesis_pubkey_hex = "000000000000000000000000000000000000000000000000000000000000000000",
    .genesis_time = 1714777860, .genesis_nonce = 393743547, .genesis_bits = 0x1d00ffff,
    .genesis_version = 1,
    .genesis_hash_hex = "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
    .addr = &sato_chain_addr_testnet4,
};

/* BIP325's default signet: a 1-of-2 bare multisig challenge. */
#define SIGNET_CHALLENGE_LEN 71
const sato_chainparams_t sato_chainparams_signet = {
    .name = "signet", .subdir = "signet", .magic = {0x0a, 0x03, 0xcf, 0x40},
    .default_port = 38333, .rpc_port = 38332,
    .subsidy_halving_interval = 210000,
    .bip34_height = 1, .bip65_height = 1, .bip66_height = 1, .csv_height = 1, .segwit_height = 1,
    .pow_limit_hex = "00000377ae000000000000000000000000000000000000000000000000000000",
    .pow_target_timespan = TWO_WEEKS, .pow_target_spacing = 600,
    .minimum_chain_work_hex = "00000000000000000000000000000000000000000000000000000b463ea0a4b8",
    .default_assume_valid_hex = "00000008414aab61092ef93f1aacc54cf9e9f16af29ddad493b908a01ff5c329",
    .signet_blocks = 1,
    .signet_challenge = {0x51, 0x21, 0x03, 0xad, 0x5e, 0x0e, 0xda, 0xd1, 0x8c, 0xb1, 0xf0, 0xfc, 0x0d,
                         0x28, 0xa3, 0xd4, 0xf1, 0xf3, 0xe4, 0x45, 0x64, 0x03, 0x37, 0x48, 0x9a, 0xbb,
                         0x10, 0x40, 0x4f, 0x2d, 0x1e, 0x08, 0x6b, 0xe4, 0x30, 0x21, 0x03, 0x59, 0xef,
                         0x50, 0x21, 0x96, 0x4f, 0xe2, 0x2d, 0x6f, 0x8e, 0x05, 0xb2, 0x46, 0x3c, 0x95,
                         0x40, 0xce, 0x96, 0x88, 0x3f, 0xe3, 0xb2, 0x78, 0x76, 0x0f, 0x04, 0x8f, 0x51,
                         0x89, 0xf2, 0xe6, 0xc4, 0x52, 0xae},
    .signet_challenge_len = SIGNET_CHALLENGE_LEN,
    .genesis_message = SATOSHI_MESSAGE, .genesis_pubkey_hex = SATOSHI_PUBKEY,
    .genesis_time = 1598918400, .genesis_nonce = 52613770, .genesis_bits = 0x1e0377ae,
    .genesis_version = 1,
    .genesis_hash_hex = "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
    .addr = &sato_chain_addr_signet,
};

const sato_chainparams_t sato_chainparams_regtest = {
    .name = "regtest", .subdir = "regtest", .magic = {0xfa, 0xbf, 0xb5, 0xda},
    .default_port = 18444, .rpc_port = 18443,
    .subsidy_halving_interval = 150,
    .bip34_height = 1, .bip65_height = 1, .bip66_height = 1, .csv_height = 1, .segwit_height = 0,
    .pow_limit_hex = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    .pow_target_timespan = 24 * 60 * 60, .pow_target_spacing = 600,
    .pow_allow_min_difficulty_blocks = 1, .pow_no_retargeting = 1,
    .minimum_chain_work_hex = ZERO_HEX,
    .default_assume_valid_hex = ZERO_HEX,
    .genesis_message = SATOSHI_MESSAGE, .genesis_pubkey_hex = SATOSHI_PUBKEY,
    .genesis_time = 1296688602, .genesis_nonce = 2, .genesis_bits = 0x207fffff,
    .genesis_version = 1,
    .genesis_hash_hex = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
    .addr = &sato_chain_addr_regtest,
};

const sato_chainparams_t *sato_chainparams_by_name(const char *name) {
    static const sato_chainparams_t *const all[] = {&sato_chainparams_main, &sato_chainparams_testnet,
                                                    &sato_chainparams_testnet4, &sato_chainparams_signet,
                                                    &sato_chainparams_regtest};
    size_t i;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    return NULL;
}

int sato_chainparams_custom_signet(sato_chainparams_t *out, const unsigned char *challenge, size_t len) {
    unsigned char ser[sizeof(out->signet_challenge) + 9], h[32];
    size_t n = 0;
    if (len == 0 || len > sizeof(out->signet_challenge)) return 0;
    *out = sato_chainparams_signet;
    memcpy(out->signet_challenge, challenge, len);
    out->signet_challenge_len = len;
    /* The challenge is serialized as a script (length-prefixed) before hashing. */
    if (len < 253) {
        ser[n++] = (unsigned char)len;
    } else {
        ser[n++] = 253;
        ser[n++] = (unsigned char)len;
        ser[n++] = (unsigned char)(len >> 8);
    }
    memcpy(ser + n, challenge, len);
    sato_sha256d(h, ser, n + len);
    memcpy(out->magic, h, 4);
    out->minimum_chain_work_hex = ZERO_HEX;
    out->default_assume_valid_hex = ZERO_HEX;
    return 1;
}

void sato_chainparams_genesis(sato_block_t *out, const sato_chainparams_t *p) {
    sato_tx_t *tx;
    unsigned char *sig, *spk;
    size_t mlen = strlen(p->genesis_message), klen = strlen(p->genesis_pubkey_hex) / 2, n = 0, got;

    /* scriptSig: <486604799> <4> <message>, pushed as CScript would. */
    sig = sato_malloc(mlen + 16);
    sig[n++] = 4;
    sig[n++] = 0xff;
    sig[n++] = 0xff;
    sig[n++] = 0x00;
    sig[n++] = 0x1d;
    sig[n++] = 1;
    sig[n++] = 4;
    if (mlen >= 0x4c) sig[n++] = 0x4c; /* OP_PUSHDATA1 */
    sig[n++] = (unsigned char)mlen;
    memcpy(sig + n, p->genesis_message, mlen);
    n += mlen;
    /* scriptPubKey: <pubkey> OP_CHECKSIG */
    spk = sato_malloc(klen + 2);
    spk[0] = (unsigned char)klen;
    sato_hex_decode(spk + 1, klen, &got, p->genesis_pubkey_hex);
    spk[klen + 1] = 0xac;

    sato_block_init(out);
    out->txs = sato_calloc(1, sizeof(sato_tx_t));
    out->txs_len = 1;
    tx = &out->txs[0];
    sato_tx_init(tx);
    tx->version = 1;
    tx->vin = sato_calloc(1, sizeof(sato_txin_t));
    tx->vin_len = 1;
    tx->vin[0].prevout.n = 0xffffffffu;
    tx->vin[0].script_sig.data = sig;
    tx->vin[0].script_sig.len = n;
    tx->vin[0].sequence = SATO_SEQUENCE_FINAL;
    tx->vout = sato_calloc(1, sizeof(sato_txout_t));
    tx->vout_len = 1;
    tx->vout[0].value = 50 * 100000000LL;
    tx->vout[0].script_pubkey.data = spk;
    tx->vout[0].script_pubkey.len = klen + 2;
    out->header.version = p->genesis_version;
    out->header.time = p->genesis_time;
    out->header.bits = p->genesis_bits;
    out->header.nonce = p->genesis_nonce;
    sato_block_merkle_root(out->header.merkle_root, NULL, out);
}

void sato_chainparams_genesis_hash(unsigned char out32[32], const sato_chainparams_t *p) {
    sato_hex_decode_rev(out32, 32, p->genesis_hash_hex);
}

void sato_chainparams_pow_limit(sato_u256_t *out, const sato_chainparams_t *p) {
    sato_u256_from_hex(out, p->pow_limit_hex);
}

int64_t sato_block_subsidy(int32_t height, const sato_chainparams_t *p) {
    int32_t halvings = height / p->subsidy_halving_interval;
    if (height < 0 || halvings >= 64) return 0;
    return (50 * 100000000LL) >> halvings;
}
