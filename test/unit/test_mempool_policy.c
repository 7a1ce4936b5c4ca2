/* Relay policy (src/mempool/policy.c) against Bitcoin Core 31's values:
 * fee rounding, virtual size, dust thresholds, each IsStandardTx reason,
 * input and witness standardness. */
#include <stdlib.h>
#include <string.h>

#include "mempool_util.h"
#include "sato/policy.h"
#include "test.h"

static const unsigned char p2pkh[25] = {0x76, 0xa9, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                        13, 14, 15, 16, 17, 18, 19, 20, 0x88, 0xac};
static const unsigned char p2sh[23] = {0xa9, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                       13, 14, 15, 16, 17, 18, 19, 20, 0x87};
static unsigned char p2tr[34] = {0x51, 0x20};
static unsigned char p2wsh[34] = {0x00, 0x20};
static const unsigned char zero[32];

static int64_t dust(const unsigned char *spk, size_t len) {
    sato_txout_t o;
    o.value = 0;
    o.script_pubkey.data = (unsigned char *)spk;
    o.script_pubkey.len = len;
    return sato_policy_dust_threshold(&o, SATO_POLICY_DUST_RELAY_FEE);
}

static void test_numbers(void) {
    static const unsigned char op_return[3] = {0x6a, 0x01, 0x00};
    /* Core's CFeeRate::GetFee rounds up. */
    CHECK(sato_policy_fee(100, 110) == 11);
    CHECK(sato_policy_fee(1000, 1) == 1 && sato_policy_fee(1, 1) == 1 && sato_policy_fee(0, 500) == 0);
    CHECK(sato_policy_fee(3000, 182) == 546);
    CHECK(sato_policy_feerate(10000, 110) == 90909);
    /* GetVirtualTransactionSize: the weight or 20 bytes a sigop. */
    CHECK(sato_policy_vsize(437, 0, 20) == 110 && sato_policy_vsize(440, 0, 20) == 110);
    CHECK(sato_policy_vsize(441, 100, 20) == 500);
    /* The thresholds Core's comments give, and the others as it computes them. */
    test_case(dust(p2pkh, sizeof(p2pkh)) == 546, "P2PKH dust threshold 546 (got %lld)",
              (long long)dust(p2pkh, sizeof(p2pkh)));
    test_case(dust(mp_p2wpkh, sizeof(mp_p2wpkh)) == 294, "P2WPKH dust threshold 294 (got %lld)",
              (long long)dust(mp_p2wpkh, sizeof(mp_p2wpkh)));
    test_case(dust(p2tr, sizeof(p2tr)) == 330, "P2TR dust threshold 330 (got %lld)", (long long)dust(p2tr, sizeof(p2tr)));
    CHECK(dust(p2wsh, sizeof(p2wsh)) == 330);
    CHECK(dust(p2sh, sizeof(p2sh)) == 540);
    CHECK(dust(op_return, sizeof(op_return)) == 0);
    {
        sato_txout_t o = {545, {(unsigned char *)p2pkh, sizeof(p2pkh)}};
        CHECK(sato_policy_is_dust(&o, SATO_POLICY_DUST_RELAY_FEE));
        o.value = 546;
        CHECK(!sato_policy_is_dust(&o, SATO_POLICY_DUST_RELAY_FEE));
    }
}

static const char *std_reason(const sato_policy_t *p, const sato_tx_t *tx) {
    const char *r = NULL;
    if (sato_policy_is_standard_tx(p, tx, &r)) return "ok";
    return r;
}

static void test_standard_tx(void) {
    sato_policy_t p;
    sato_tx_t tx;
    size_t i;
    unsigned char big[1651];
    static const unsigned char nop = 0x61, op_true = 0x51;
    /* OP_1 <33-byte key> ... OP_n OP_CHECKMULTISIG */
    unsigned char multisig[1 + 4 * 34 + 2];

    sato_policy_init(&p);
    mp_tx(&tx, zero, 0, 1, 1, 10000, mp_p2wpkh, sizeof(mp_p2wpkh));
    CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);
    tx.version = 0;
    CHECK(strcmp(std_reason(&p, &tx), "version") == 0);
    tx.version = 4;
    CHECK(strcmp(std_reason(&p, &tx), "version") == 0);
    tx.version = 3; /* TRUC */
    CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);
    tx.version = 1;
    CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);

    /* scriptSig: at most 1650 bytes, pushes only. */
    memset(big, 1, sizeof(big));
    big[0] = SATO_OP_PUSHDATA2;
    big[1] = (1651 - 3) & 0xff;
    big[2] = (1651 - 3) >> 8;
    mp_set_script_sig(&tx.vin[0], big, 1651);
    CHECK(strcmp(std_reason(&p, &tx), "scriptsig-size") == 0);
    big[1] = (1650 - 3) & 0xff;
    big[2] = (1650 - 3) >> 8;
    mp_set_script_sig(&tx.vin[0], big, 1650);
    CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);
    mp_set_script_sig(&tx.vin[0], &nop, 1);
    CHECK(strcmp(std_reason(&p, &tx), "scriptsig-not-pushonly") == 0);
    mp_set_script_sig(&tx.vin[0], NULL, 0);

    /* Outputs. */
    mp_set_spk(&tx.vout[0], &op_true, 1);
    CHECK(strcmp(std_reason(&p, &tx), "scriptpubkey") == 0);
    multisig[0] = SATO_OP_1;
    for (i = 0; i < 4; i++) {
        multisig[1 + 34 * i] = 33;
        memset(multisig + 2 + 34 * i, 0, 33);
        multisig[2 + 34 * i] = 0x02;
    }
    multisig[1 + 3 * 34] = SATO_OP_3;
    multisig[2 + 3 * 34] = SATO_OP_CHECKMULTISIG;
    mp_set_spk(&tx.vout[0], multisig, 3 + 3 * 34);
    CHECK(strcmp(std_reason(&p, &tx), "ok") == 0); /* bare 1-of-3: Core's -permitbaremultisig=1 */
    p.permit_bare_multisig = 0;
    CHECK(strcmp(std_reason(&p, &tx), "bare-multisig") == 0);
    p.permit_bare_multisig = 1;
    multisig[1 + 4 * 34] = SATO_OP_4;
    multisig[2 + 4 * 34] = SATO_OP_CHECKMULTISIG;
    mp_set_spk(&tx.vout[0], multisig, sizeof(multisig));
    CHECK(strcmp(std_reason(&p, &tx), "scriptpubkey") == 0); /* 1-of-4 */

    /* OP_RETURN: any number of outputs, 100,000 script bytes in all. */
    {
        unsigned char *data = sato_calloc(1, 60000);
        data[0] = SATO_OP_RETURN;
        data[1] = SATO_OP_PUSHDATA4;
        data[2] = (60000 - 6) & 0xff;
        data[3] = (60000 - 6) >> 8;
        mp_set_spk(&tx.vout[0], data, 60000);
        tx.vout[0].value = 0;
        CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);
        p.max_datacarrier_bytes = -1; /* -datacarrier=0 */
        CHECK(strcmp(std_reason(&p, &tx), "datacarrier") == 0);
        sato_policy_init(&p);
        sato_tx_clear(&tx);
        /* Over the default the transaction is too large anyway: the
         * limit counts all OP_RETURN outputs together. */
        data[1] = 48;
        mp_tx(&tx, zero, 0, 1, 2, 0, data, 50);
        p.max_datacarrier_bytes = 100;
        CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);
        p.max_datacarrier_bytes = 99;
        CHECK(strcmp(std_reason(&p, &tx), "datacarrier") == 0);
        free(data);
    }
    sato_tx_clear(&tx);

    /* Dust: one output may be (ephemeral dust), two may not. */
    mp_tx(&tx, zero, 0, 1, 3, 100, mp_p2wpkh, sizeof(mp_p2wpkh));
    tx.vout[0].value = 100000;
    CHECK(strcmp(std_reason(&p, &tx), "dust") == 0);
    tx.vout[1].value = 294;
    CHECK(strcmp(std_reason(&p, &tx), "ok") == 0);
    CHECK(sato_policy_dust_count(&tx, p.dust_relay_fee) == 1);
    sato_tx_clear(&tx);

    /* Weight: 70 inputs of 1,500-byte scriptSigs are over 400,000. */
    mp_tx(&tx, zero, 0, 70, 1, 10000, mp_p2wpkh, sizeof(mp_p2wpkh));
    big[0] = SATO_OP_PUSHDATA2;
    big[1] = (1500 - 3) & 0xff;
    big[2] = (1500 - 3) >> 8;
    for (i = 0; i < 70; i++) mp_set_script_sig(&tx.vin[i], big, 1500);
    CHECK(strcmp(std_reason(&p, &tx), "tx-size") == 0);
    sato_tx_clear(&tx);
}

static void test_inputs(void) {
    sato_tx_t tx;
    sato_coin_t coin;
    const sato_coin_t *coins[1] = {&coin};
    sato_tx_state_t st;
    static const unsigned char op_true = 0x51;
    static unsigned char v2[22] = {0x52, 0x14};
    unsigned char redeem[17], sig[19];
    size_t i, sizes[3];

    mp_tx(&tx, zero, 0, 1, 1, 10000, mp_p2wpkh, sizeof(mp_p2wpkh));
    memset(&coin, 0, sizeof(coin));
    coin.out.value = 20000;
    coin.out.script_pubkey.data = (unsigned char *)mp_p2wpkh;
    coin.out.script_pubkey.len = sizeof(mp_p2wpkh);
    sato_validation_state_init(&st);
    CHECK(sato_policy_inputs_standard(&st, &tx, coins));

    coin.out.script_pubkey.data = (unsigned char *)&op_true;
    coin.out.script_pubkey.len = 1;
    sato_validation_state_init(&st);
    CHECK(!sato_policy_inputs_standard(&st, &tx, coins) && strcmp(st.reason, "bad-txns-nonstandard-inputs") == 0 &&
          strcmp(st.debug, "input 0 script unknown") == 0);
    coin.out.script_pubkey.data = v2;
    coin.out.script_pubkey.len = sizeof(v2);
    sato_validation_state_init(&st);
    CHECK(!sato_policy_inputs_standard(&st, &tx, coins) && strcmp(st.debug, "input 0 witness program is undefined") == 0);

    /* P2SH: the redeem script's sigops are capped at 15. */
    coin.out.script_pubkey.data = (unsigned char *)p2sh;
    coin.out.script_pubkey.len = sizeof(p2sh);
    sato_validation_state_init(&st);
    CHECK(!sato_policy_inputs_standard(&st, &tx, coins) && strcmp(st.debug, "input 0 P2SH redeemscript missing") == 0);
    memset(redeem, SATO_OP_CHECKSIG, sizeof(redeem));
    sig[0] = 16;
    memcpy(sig + 1, redeem, 16);
    mp_set_script_sig(&tx.vin[0], sig, 17);
    sato_validation_state_init(&st);
    CHECK(!sato_policy_inputs_standard(&st, &tx, coins) &&
          strcmp(st.debug, "p2sh redeemscript sigops exceed limit (input 0: 16 > 15)") == 0);
    sig[0] = 15;
    mp_set_script_sig(&tx.vin[0], sig, 16);
    sato_validation_state_init(&st);
    CHECK(sato_policy_inputs_standard(&st, &tx, coins));
    mp_set_script_sig(&tx.vin[0], NULL, 0);

    /* Witness standardness. */
    coin.out.script_pubkey.data = (unsigned char *)mp_p2wpkh;
    coin.out.script_pubkey.len = sizeof(mp_p2wpkh);
    sizes[0] = 72;
    sizes[1] = 33;
    mp_set_witness(&tx.vin[0], sizes, 2);
    CHECK(sato_policy_witness_standard(&tx, coins));
    coin.out.script_pubkey.data = (unsigned char *)p2pkh; /* a witness where none belongs */
    coin.out.script_pubkey.len = sizeof(p2pkh);
    CHECK(!sato_policy_witness_standard(&tx, coins));
    for (i = 0; i < 2; i++) free(tx.vin[0].witness[i].data);
    free(tx.vin[0].witness);
    coin.out.script_pubkey.data = p2wsh;
    coin.out.script_pubkey.len = sizeof(p2wsh);
    sizes[0] = 80;
    sizes[1] = 3600;
    mp_set_witness(&tx.vin[0], sizes, 2);
    CHECK(sato_policy_witness_standard(&tx, coins));
    tx.vin[0].witness[1].len = 3601; /* the witness script is over 3,600 bytes */
    CHECK(!sato_policy_witness_standard(&tx, coins));
    tx.vin[0].witness[1].len = 3600;
    tx.vin[0].witness[0].len = 81; /* an item over 80 */
    CHECK(!sato_policy_witness_standard(&tx, coins));
    for (i = 0; i < 2; i++) free(tx.vin[0].witness[i].data);
    free(tx.vin[0].witness);
    /* Taproot: an annex is not standard. */
    coin.out.script_pubkey.data = p2tr;
    coin.out.script_pubkey.len = sizeof(p2tr);
    sizes[0] = 64;
    sizes[1] = 5;
    mp_set_witness(&tx.vin[0], sizes, 2);
    tx.vin[0].witness[1].data[0] = SATO_ANNEX_TAG;
    CHECK(!sato_policy_witness_standard(&tx, coins));
    tx.vin[0].witness_len = 1; /* key path */
    CHECK(sato_policy_witness_standard(&tx, coins));
    tx.vin[0].witness_len = 2;
    CHECK(sato_policy_spends_witness_program(&tx, coins));
    sato_tx_clear(&tx);
}

int main(void) {
    memset(p2tr + 2, 7, 32);
    memset(p2wsh + 2, 9, 32);
    test_numbers();
    test_standard_tx();
    test_inputs();
    return test_report("mempool_policy");
}
