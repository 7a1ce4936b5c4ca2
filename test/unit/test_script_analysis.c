/* Static script analysis: output classification (Core's Solver), sigop
 * counting (legacy, P2SH, witness), FindAndDelete, push-only and
 * witness-program tests, script numbers, and op parsing edge cases. */
#include <stdlib.h>
#include <string.h>

#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "script_asm.h"
#include "test.h"

static sato_buf_t asm_buf(const char *text) {
    sato_buf_t b;
    sato_buf_init(&b);
    if (!script_asm_parse(&b, text)) test_case(0, "unparseable: %s", text);
    return b;
}

#define PK33 "0x21 0x02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define PK33B "0x21 0x03bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define PK65 "0x41 0x04cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define H20 "0x14 0x1111111111111111111111111111111111111111"
#define H32 "0x20 0x2222222222222222222222222222222222222222222222222222222222222222"

static void check_type(const char *text, sato_txout_type_t want, size_t nsol) {
    sato_buf_t b = asm_buf(text);
    sato_script_solution_t sol;
    sato_txout_type_t t = sato_script_solve(&sol, b.data, b.len);
    test_case(t == want && sol.type == want && sol.nsolutions == nsol, "solve %s: %s (%zu)", text,
              sato_txout_type_name(t), sol.nsolutions);
    sato_buf_clear(&b);
}

static void test_solver(void) {
    check_type(PK33 " CHECKSIG", SATO_TXOUT_PUBKEY, 1);
    check_type(PK65 " CHECKSIG", SATO_TXOUT_PUBKEY, 1);
    check_type("0x21 0x05aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa CHECKSIG",
               SATO_TXOUT_NONSTANDARD, 0);
    check_type("DUP HASH160 " H20 " EQUALVERIFY CHECKSIG", SATO_TXOUT_PUBKEYHASH, 1);
    check_type("HASH160 " H20 " EQUAL", SATO_TXOUT_SCRIPTHASH, 1);
    check_type("1 " PK33 " " PK33B " 2 CHECKMULTISIG", SATO_TXOUT_MULTISIG, 2);
    check_type("2 " PK33 " " PK33B " 2 CHECKMULTISIG", SATO_TXOUT_MULTISIG, 2);
    check_type("3 " PK33 " " PK33B " 2 CHECKMULTISIG", SATO_TXOUT_NONSTANDARD, 0);
    check_type("0 " PK33 " 1 CHECKMULTISIG", SATO_TXOUT_NONSTANDARD, 0);
    check_type("1 " PK33 " 2 CHECKMULTISIG", SATO_TXOUT_NONSTANDARD, 0);
    /* Counts may be minimal number pushes (Core allows up to 20 keys). */
    check_type("0x01 0x01 " PK33 " 0x01 0x01 CHECKMULTISIG", SATO_TXOUT_NONSTANDARD, 0);
    check_type("1 " PK33 " " PK33B " 0x01 0x02 CHECKMULTISIG", SATO_TXOUT_NONSTANDARD, 0);
    {
        char text[4096] = "1";
        int k;
        for (k = 0; k < 17; k++) strcat(text, " " PK33);
        strcat(text, " 0x01 0x11 CHECKMULTISIG");
        check_type(text, SATO_TXOUT_MULTISIG, 17);
        strcpy(text, "0x01 0x11");
        for (k = 0; k < 20; k++) strcat(text, " " PK33);
        strcat(text, " 0x01 0x14 CHECKMULTISIG");
        check_type(text, SATO_TXOUT_MULTISIG, 20);
        strcpy(text, "1");
        for (k = 0; k < 17; k++) strcat(text, " " PK33);
        strcat(text, " 0x02 0x1100 CHECKMULTISIG");
        check_type(text, SATO_TXOUT_NONSTANDARD, 0);
    }
    check_type("RETURN", SATO_TXOUT_NULL_DATA, 0);
    check_type("RETURN 0x04 0x01020304 1", SATO_TXOUT_NULL_DATA, 0);
    check_type("RETURN DUP", SATO_TXOUT_NONSTANDARD, 0);
    check_type("0 " H20, SATO_TXOUT_WITNESS_V0_KEYHASH, 1);
    check_type("0 " H32, SATO_TXOUT_WITNESS_V0_SCRIPTHASH, 1);
    check_type("0 0x03 0x010203", SATO_TXOUT_NONSTANDARD, 0);
    check_type("1 " H32, SATO_TXOUT_WITNESS_V1_TAPROOT, 1);
    check_type("1 0x02 0x4e73", SATO_TXOUT_ANCHOR, 0);
    check_type("2 0x02 0x4e73", SATO_TXOUT_WITNESS_UNKNOWN, 1);
    check_type("16 " H20, SATO_TXOUT_WITNESS_UNKNOWN, 1);
    check_type("1 " H20, SATO_TXOUT_WITNESS_UNKNOWN, 1);
    check_type("", SATO_TXOUT_NONSTANDARD, 0);
    check_type("DUP", SATO_TXOUT_NONSTANDARD, 0);
}

static unsigned int sigops(const char *text, int accurate) {
    sato_buf_t b = asm_buf(text);
    unsigned int n = sato_script_sigop_count(b.data, b.len, accurate);
    sato_buf_clear(&b);
    return n;
}

static void test_sigops(void) {
    sato_buf_t spk, sig, redeem, wspk;
    sato_bytes_t wit[2];
    test_case(sigops("CHECKSIG CHECKSIGVERIFY", 0) == 2, "checksig count");
    test_case(sigops("2 CHECKMULTISIG", 0) == 20, "inaccurate multisig");
    test_case(sigops("2 CHECKMULTISIG", 1) == 2, "accurate multisig");
    test_case(sigops("0 CHECKMULTISIGVERIFY", 1) == 20, "OP_0 multisig counts 20");
    test_case(sigops("16 CHECKMULTISIG", 1) == 16, "16 multisig");
    test_case(sigops("CHECKSIG 0x4c", 0) == 1, "stop at truncated push");
    test_case(sigops("0x02 0xacac CHECKSIG", 0) == 1, "pushed bytes are not ops");

    /* P2SH: counted in the redeem script, the last push of scriptSig. */
    redeem = asm_buf("2 " PK33 " " PK33B " 2 CHECKMULTISIG");
    spk = asm_buf("HASH160 " H20 " EQUAL");
    sato_buf_init(&sig);
    sato_buf_write_u8(&sig, SATO_OP_0);
    script_asm_push_data(&sig, redeem.data, redeem.len);
    test_case(sato_script_p2sh_sigop_count(spk.data, spk.len, sig.data, sig.len) == 2, "p2sh sigops");
    sato_buf_write_u8(&sig, SATO_OP_NOP);
    test_case(sato_script_p2sh_sigop_count(spk.data, spk.len, sig.data, sig.len) == 0,
              "p2sh with non-push scriptSig");

    /* Witness sigops: P2WPKH 1, P2WSH counted in the witness script,
     * nested in P2SH too, nothing without the WITNESS flag. */
    wspk = asm_buf("0 " H20);
    test_case(sato_script_witness_sigop_count(NULL, 0, wspk.data, wspk.len, NULL, 0,
                                              SATO_SCRIPT_VERIFY_WITNESS) == 1, "p2wpkh sigops");
    test_case(sato_script_witness_sigop_count(NULL, 0, wspk.data, wspk.len, NULL, 0, 0) == 0,
              "no witness flag");
    sato_buf_clear(&wspk);
    wspk = asm_buf("0 " H32);
    wit[0].data = NULL;
    wit[0].len = 0;
    wit[1].data = redeem.data;
    wit[1].len = redeem.len;
    test_case(sato_script_witness_sigop_count(NULL, 0, wspk.data, wspk.len, wit, 2,
                                              SATO_SCRIPT_VERIFY_WITNESS) == 2, "p2wsh sigops");
    test_case(sato_script_witness_sigop_count(NULL, 0, wspk.data, wspk.len, NULL, 0,
                                              SATO_SCRIPT_VERIFY_WITNESS) == 0, "p2wsh without witness");
    sato_buf_clear(&sig);
    script_asm_push_data(&sig, wspk.data, wspk.len);
    test_case(sato_script_witness_sigop_count(sig.data, sig.len, spk.data, spk.len, wit, 2,
                                              SATO_SCRIPT_VERIFY_WITNESS) == 2, "p2sh-p2wsh sigops");
    sato_buf_clear(&wspk);
    wspk = asm_buf("1 " H32);
    test_case(sato_script_witness_sigop_count(NULL, 0, wspk.data, wspk.len, wit, 2,
                                              SATO_SCRIPT_VERIFY_WITNESS) == 0, "taproot counts 0");
    sato_buf_clear(&wspk);
    sato_buf_clear(&sig);
    sato_buf_clear(&spk);
    sato_buf_clear(&redeem);
}

static void fad(const char *script, const char *pattern, const char *expect, size_t count) {
    sato_buf_t s = asm_buf(script), p = asm_buf(pattern), e = asm_buf(expect);
    size_t len = s.len, n = sato_script_find_and_delete(s.data, &len, p.data, p.len);
    test_case(n == count && len == e.len && (len == 0 || memcmp(s.data, e.data, len) == 0),
              "FindAndDelete(%s, %s) = %zu", script, pattern, n);
    sato_buf_clear(&s);
    sato_buf_clear(&p);
    sato_buf_clear(&e);
}

static void test_find_and_delete(void) {
    /* The cases of Core's script_FindAndDelete test, in the text syntax. */
    fad("CHECKSIG", "CHECKSIG", "", 1);
    fad("CHECKSIG CHECKSIG", "CHECKSIG", "", 2);
    fad("0x02 0x0302", "0x02 0x0302", "", 1);
    fad("0x02 0x0302 0x02 0x0302", "0x02 0x0302", "", 2);
    /* A one-byte pattern equal to a push opcode removes that opcode only. */
    fad("0x02 0x0302 0x02 0x0302", "0x02", "0x03020203", 2);
    fad("0x02 0x0302 0x02 0x0302", "0x03", "0x02 0x0302 0x02 0x0302", 0);
    /* Matches only at op boundaries, but may span several ops. */
    fad("0x03 0x020302 0x02 0x0302", "0x02 0x0302", "0x03 0x020302", 1);
    fad("0x02 0x0302 0x02 0x0302 0x02 0x0302", "0x02 0x0302 0x02 0x0302", "0x02 0x0302", 1);
    fad("0x0302ff03", "0x0302ff03", "", 1);
    fad("0x0302ff030302ff03", "0x0302ff03", "", 2);
    fad("0x0302ff030302ff03", "0x02", "0x0302ff030302ff03", 0);
    fad("0x0302ff030302ff03", "0xff", "0x0302ff030302ff03", 0);
    fad("0x0302ff030302ff03", "0x03", "0x02ff0302ff03", 2);
    fad("0x02feed5169", "0xfeed51", "0x02feed5169", 0);
    fad("0x02feed5169", "0x02feed51", "0x69", 1);
    fad("0x516902feed5169", "0xfeed51", "0x516902feed5169", 0);
    fad("0x516902feed5169", "0x02feed51", "0x516969", 1);
    fad("0 0 1 1", "0 1", "0 1", 1);
    fad("0 0 1 0 1 1", "0 1", "0 1", 2);
    fad("0x0003feed", "0x03feed", "0x00", 1);
    fad("0x0003feed", "0x00", "0x03feed", 1);
    fad("0x00030000feed", "0x03feed", "0x00030000feed", 0);
    fad("0x0200", "", "0x0200", 0);
    /* A truncated push at the end is kept as is. */
    fad("0x01ab 0x4c", "0x01ab", "0x4c", 1);
}

static void test_parsing(void) {
    static const unsigned char truncated[][3] = {{0x01}, {0x4c}, {0x4d, 0x01}, {0x4e, 0, 0}};
    static const size_t tlen[] = {1, 1, 2, 3};
    unsigned char p2wsh[34] = {0x00, 0x20}, big[10001];
    size_t i, pos;
    int op, version;
    const unsigned char *d;
    size_t dl;
    for (i = 0; i < 4; i++) {
        pos = 0;
        test_case(!sato_script_get_op(truncated[i], tlen[i], &pos, &op, &d, &dl) && pos == tlen[i],
                  "truncated push %zu", i);
        test_case(!sato_script_is_push_only(truncated[i], tlen[i]), "truncated not push-only %zu", i);
    }
    test_case(sato_script_is_push_only((const unsigned char *)"\x50\x51\x4f", 3), "RESERVED counts as push");
    test_case(!sato_script_is_push_only((const unsigned char *)"\x61", 1), "NOP is not a push");
    test_case(sato_script_is_p2wsh(p2wsh, 34), "p2wsh");
    test_case(sato_script_is_witness_program(p2wsh, 34, &version, &d, &dl) && version == 0 && dl == 32,
              "witness program");
    p2wsh[0] = SATO_OP_1NEGATE;
    test_case(!sato_script_is_witness_program(p2wsh, 34, &version, &d, &dl), "1NEGATE is no version");
    test_case(sato_script_is_unspendable((const unsigned char *)"\x6a", 1), "OP_RETURN unspendable");
    memset(big, 0, sizeof(big));
    test_case(sato_script_is_unspendable(big, sizeof(big)), "oversized unspendable");
    test_case(!sato_script_is_unspendable(big, 10000), "10000 bytes spendable");
    test_case(strcmp(sato_opcode_name(SATO_OP_CHECKSIGADD), "OP_CHECKSIGADD") == 0, "name");
    test_case(strcmp(sato_opcode_name(0xbb), "OP_UNKNOWN") == 0, "unknown name");
    test_case(strcmp(sato_script_error_name(SATO_SCRIPT_ERR_SIG_NULLFAIL), "NULLFAIL") == 0, "NULLFAIL");
    for (i = 0; i < SATO_SCRIPT_ERR_ERROR_COUNT; i++) {
        test_case(sato_script_error_name((sato_script_error_t)i)[0] != '\0', "error name %zu", i);
    }
}

static void test_scriptnum(void) {
    static const struct {
        const char *hex;
        int minimal_ok;
        int64_t value;
    } cases[] = {
        {"", 1, 0},           {"00", 0, 0},         {"80", 0, 0},           {"01", 1, 1},
        {"81", 1, -1},        {"7f", 1, 127},       {"8000", 1, 128},       {"ff00", 1, 255},
        {"0080", 0, 0},       {"ff7f", 1, 32767},   {"ffff", 1, -32767},    {"0100", 0, 1},
        {"ffffff7f", 1, 2147483647}, {"ffffffff", 1, -2147483647}, {"00000080", 0, 0},
    };
    unsigned char buf[9], raw[8];
    size_t i, len, n;
    int64_t v, samples[] = {0, 1, -1, 127, 128, -128, 255, 256, -255, 32767, -32768, 2147483647,
                            -2147483647, 2147483648LL, -2147483648LL, 549755813887LL, INT64_MAX, -INT64_MAX};
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        len = 0;
        sato_hex_decode(raw, sizeof(raw), &len, cases[i].hex);
        test_case(sato_scriptnum_decode(&v, raw, len, 0, 4) && v == cases[i].value, "decode %s", cases[i].hex);
        test_case(sato_scriptnum_decode(&v, raw, len, 1, 4) == cases[i].minimal_ok, "minimal %s", cases[i].hex);
    }
    test_case(!sato_scriptnum_decode(&v, (const unsigned char *)"\x01\x02\x03\x04\x05", 5, 0, 4),
              "5 bytes over the 4-byte limit");
    test_case(sato_scriptnum_decode(&v, (const unsigned char *)"\xff\xff\xff\xff\x7f", 5, 1, 5) &&
                  v == 549755813887LL, "5-byte locktime");
    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        n = sato_scriptnum_encode(buf, samples[i]);
        test_case(sato_scriptnum_decode(&v, buf, n, 1, 9) && v == samples[i], "round trip %lld",
                  (long long)samples[i]);
    }
}

/* The "type" field of Core's decodescript RPC is Solver's verdict. */
static void test_decodescript_types(void) {
    json_t *root = test_load_json("bitcoin-core/rpc_decodescript.json");
    size_t i, n = 0;
    for (i = 0; root != NULL && i < json_array_size(root); i++) {
        json_t *row = json_array_get(root, i);
        const char *hex = json_string_value(json_array_get(row, 0));
        const char *type = json_string_value(json_object_get(json_array_get(row, 1), "type"));
        unsigned char *script;
        size_t len;
        sato_script_solution_t sol;
        if (hex == NULL || type == NULL || (script = sato_hex_decode_alloc(hex, &len)) == NULL) {
            test_case(0, "decodescript row %zu unreadable", i);
            continue;
        }
        n++;
        test_case(strcmp(sato_txout_type_name(sato_script_solve(&sol, script, len)), type) == 0,
                  "decodescript %s: %s", hex, type);
        free(script);
    }
    test_case(n == 10, "decodescript: %zu rows", n);
    json_decref(root);
}

int main(void) {
    test_decodescript_types();
    test_solver();
    test_sigops();
    test_find_and_delete();
    test_parsing();
    test_scriptnum();
    return test_report("test_script_analysis");
}
