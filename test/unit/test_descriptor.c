/* Descriptors: checksums (BIP380 examples), parsing single-script forms
 * against Core's outputs, and parse(infer(script)) == script. */
#include <stdlib.h>
#include <string.h>

#include "sato/descriptor.h"
#include "sato/hex.h"
#include "test.h"

static int parses_to(const sato_chain_addr_t *chain, const char *desc, const char *want_hex) {
    unsigned char *s;
    size_t n;
    char err[256], hex[2 * 100 + 1];
    int ok = sato_descriptor_parse_script(&s, &n, err, sizeof(err), chain, desc);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", desc, err);
        return 0;
    }
    ok = n <= 100;
    if (ok) {
        sato_hex_encode(hex, s, n);
        ok = strcmp(hex, want_hex) == 0;
    }
    free(s);
    return ok;
}

static int fails_with(const char *desc, const char *want_err) {
    unsigned char *s;
    size_t n;
    char err[256];
    int ok = !sato_descriptor_parse_script(&s, &n, err, sizeof(err), &sato_chain_addr_regtest, desc) &&
             strstr(err, want_err) != NULL && s == NULL;
    if (!ok) fprintf(stderr, "%s: '%s'\n", desc, err);
    return ok;
}

static void test_checksums(void) {
    /* BIP380's examples. */
    char sum[9];
    CHECK(sato_descriptor_checksum(sum, "raw(deadbeef)", 13) && strcmp(sum, "89f8spxm") == 0);
    CHECK(!sato_descriptor_checksum(sum, "raw(d\xc3\xa9)", 8));
    CHECK(fails_with("raw(deadbeef)#", "Expected 8 character checksum, not 0 characters"));
    CHECK(fails_with("raw(deadbeef)#89f8spxmx", "Expected 8 character checksum, not 9 characters"));
    CHECK(fails_with("raw(deedbeef)#89f8spxm", "Provided checksum '89f8spxm' does not match computed checksum"));
    CHECK(fails_with("raw(deadbeef)##9f8spxm", "Multiple '#' symbols"));
    CHECK(parses_to(&sato_chain_addr_regtest, "raw(deadbeef)#89f8spxm", "deadbeef"));
    CHECK(parses_to(&sato_chain_addr_regtest, "raw(deadbeef)", "deadbeef"));
}

static void test_forms(void) {
    static const char key[] = "02a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff397";
    char d[256];
    /* Scripts from Core's bitcoin-tx vectors (txcreateoutpubkey1..3). */
    json_t *v1 = test_load_json("bitcoin-core/util/txcreateoutpubkey1.json");
    json_t *v2 = test_load_json("bitcoin-core/util/txcreateoutpubkey2.json");
    json_t *v3 = test_load_json("bitcoin-core/util/txcreateoutpubkey3.json");
#define SPK(v) json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(v, "vout"), 0), \
                                                                 "scriptPubKey"), "hex"))
    snprintf(d, sizeof(d), "pk(%s)", key);
    CHECK(SPK(v1) && parses_to(&sato_chain_addr_main, d, SPK(v1)));
    snprintf(d, sizeof(d), "wpkh(%s)", key);
    CHECK(SPK(v2) && parses_to(&sato_chain_addr_main, d, SPK(v2)));
    snprintf(d, sizeof(d), "sh(wpkh(%s))", key);
    CHECK(SPK(v3) && parses_to(&sato_chain_addr_main, d, SPK(v3)));
    json_decref(v1);
    json_decref(v2);
    json_decref(v3);
    snprintf(d, sizeof(d), "pkh(%s)", key);
    /* The same key hash as the wpkh() vector, in a P2PKH script. */
    CHECK(parses_to(&sato_chain_addr_main, d, "76a914a2516e770582864a6a56ed21a102044e388c62e388ac"));
    CHECK(fails_with("wpkh(04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f)",
                     "Uncompressed keys are not allowed"));
    CHECK(fails_with("addr(bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4)", "Address is not valid"));
    CHECK(fails_with("raw(xyz)", "Raw script is not hex"));
    CHECK(fails_with("combo(02a5)", "not a supported descriptor function"));
    CHECK(fails_with("pk(02a5)", "key is not valid"));
}

/* Every inferred descriptor of the decodescript vectors parses back to
 * its script. */
static void test_roundtrip(void) {
    json_t *rows = test_load_json("bitcoin-core/rpc_decodescript.json"), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        const char *hex = json_string_value(json_array_get(row, 0));
        unsigned char *script;
        size_t len;
        char *desc;
        if (hex == NULL || (script = sato_hex_decode_alloc(hex, &len)) == NULL) continue;
        desc = sato_descriptor_infer(&sato_chain_addr_regtest, script, len, NULL, 0);
        test_case(parses_to(&sato_chain_addr_regtest, desc, hex), "%s -> %s", hex, desc);
        test_case(strcmp(desc, json_string_value(json_object_get(json_array_get(row, 1), "desc"))) == 0,
                  "%s: desc %s", hex, desc);
        free(desc);
        free(script);
    }
    json_decref(rows);
}

int main(void) {
    test_checksums();
    test_forms();
    test_roundtrip();
    return test_report("descriptor");
}
