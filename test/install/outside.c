/* An outside program built against an installed Sato with nothing but
 * `pkg-config --cflags --libs sato` (test/install/install_test.sh). It
 * uses the consensus library for real: the regtest genesis block through
 * hex and back, its hash and CheckBlock; then the scripts of mainnet
 * block 170's first payment, as it is and with an output changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sato/block.h>
#include <sato/block_check.h>
#include <sato/buf.h>
#include <sato/chainparams.h>
#include <sato/hex.h>
#include <sato/tx.h>
#include <sato/tx_verify.h>

#define REGTEST_GENESIS "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"

/* Block 170's second transaction, which spends block 9's coinbase
 * (50 BTC to a bare public key). */
#define TX_HEX                                                                                     \
    "0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847304402" \
    "204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4" \
    "acdd12909d831cc56cbbac4622082221a8768d1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b" \
    "13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1ba" \
    "ded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482e" \
    "cad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3ac00000000"
#define TXID "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
#define SPENT_SCRIPT                                                                               \
    "410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f8" \
    "2e160bfa9b8b64f9d4c03f999b8643f656b412a3ac"

static int genesis(void) {
    const sato_chainparams_t *p = sato_chainparams_by_name("regtest");
    sato_block_t made, parsed;
    sato_block_state_t st;
    sato_buf_t raw;
    char *hex, hash_hex[65];
    unsigned char hash[32], *bytes;
    size_t len;
    int ok;

    sato_chainparams_genesis(&made, p);
    sato_buf_init(&raw);
    sato_block_write(&raw, &made, 1);
    sato_block_clear(&made);
    hex = malloc(raw.len * 2 + 1);
    sato_hex_encode(hex, raw.data, raw.len);
    sato_buf_clear(&raw);

    bytes = sato_hex_decode_alloc(hex, &len);
    free(hex);
    ok = bytes != NULL && sato_block_parse(&parsed, bytes, len);
    free(bytes);
    if (!ok) {
        printf("genesis: parse failed\n");
        return 0;
    }
    sato_block_hash(hash, &parsed);
    sato_hex_encode_rev(hash_hex, hash, 32);
    sato_validation_state_init(&st);
    ok = sato_block_check(&st, &parsed, p, 1, 1);
    printf("genesis %s %zu txs, CheckBlock %s\n", hash_hex, parsed.txs_len, ok ? "ok" : st.reason);
    sato_block_clear(&parsed);
    return ok && strcmp(hash_hex, REGTEST_GENESIS) == 0;
}

/* Verifies the input's scripts; prints and returns 1 if they pass. */
static int verify(const char *label, const sato_tx_t *tx) {
    sato_txout_t spent;
    sato_tx_state_t st;
    size_t len;
    int ok;
    spent.value = 50 * 100000000LL;
    spent.script_pubkey.data = sato_hex_decode_alloc(SPENT_SCRIPT, &len);
    spent.script_pubkey.len = len;
    sato_validation_state_init(&st);
    ok = sato_tx_verify_scripts(&st, tx, &spent, SATO_SCRIPT_VERIFY_P2SH, NULL, NULL, 0);
    printf("%s: %s\n", label, ok ? "scripts ok" : st.reason);
    free(spent.script_pubkey.data);
    return ok;
}

static int script(void) {
    sato_tx_t tx;
    unsigned char *bytes, txid[32];
    char txid_hex[65];
    size_t len;
    int ok;
    bytes = sato_hex_decode_alloc(TX_HEX, &len);
    ok = bytes != NULL && sato_tx_parse(&tx, bytes, len, 1);
    free(bytes);
    if (!ok) {
        printf("tx: parse failed\n");
        return 0;
    }
    sato_tx_txid(txid, &tx);
    sato_hex_encode_rev(txid_hex, txid, 32);
    printf("tx %s\n", txid_hex);
    ok = strcmp(txid_hex, TXID) == 0 && verify("signed", &tx);
    tx.vout[0].value += 1; /* the signature commits to every output */
    ok = !verify("tampered", &tx) && ok;
    sato_tx_clear(&tx);
    return ok;
}

int main(void) {
    int ok = genesis();
    ok = script() && ok;
    printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
