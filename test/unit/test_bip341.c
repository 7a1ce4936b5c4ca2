/* BIP341 wallet vectors (bitcoin-core/bip341_wallet_vectors.json):
 *  - scriptPubKey: leaf hashes, merkle root, tweak, tweaked key,
 *    scriptPubKey, bech32m address, control blocks;
 *  - keyPathSpending: the precomputed hashes, every input's SigMsg and
 *    sighash, tweak and tweaked private key, the exact signature (BIP340
 *    with zero aux_rand), and the signed transaction verifying through
 *    the transaction checker. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "sato/address.h"
#include "sato/buf.h"
#include "sato/hash.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "sato/tx.h"
#include "test.h"

#define MAX_LEAVES 16
#define MAX_DEPTH 16

static secp256k1_context *ctx;

/* 1 if bytes equal the hex string (NULL or JSON null never matches). */
static int eq_hex(const unsigned char *b, size_t n, const char *hex) {
    char *s;
    int ok;
    if (hex == NULL) return 0;
    s = sato_malloc(2 * n + 1);
    sato_hex_encode(s, b, n);
    ok = strcmp(s, hex) == 0;
    free(s);
    return ok;
}

static const char *jstr(json_t *o, const char *key) {
    return json_string_value(json_object_get(o, key));
}

static int decode32(unsigned char out[32], const char *hex) {
    size_t n;
    return hex != NULL && sato_hex_decode(out, 32, &n, hex) && n == 32;
}

typedef struct {
    int id;
    unsigned version;
    unsigned char hash[32];
    unsigned char path[MAX_DEPTH][32];
    size_t depth;
} leaf_t;

typedef struct {
    leaf_t leaf[MAX_LEAVES];
    size_t n;
    int bad;
} tree_t;

static void tapbranch(unsigned char out[32], const unsigned char a[32], const unsigned char b[32]) {
    unsigned char cat[64];
    const int a_first = memcmp(a, b, 32) < 0;
    memcpy(cat, a_first ? a : b, 32);
    memcpy(cat + 32, a_first ? b : a, 32);
    sato_tagged_hash(out, "TapBranch", cat, 64);
}

/* Hash of a script tree node; records each leaf and its path upwards. */
static void tree_hash(tree_t *t, json_t *node, unsigned char out[32]) {
    if (json_is_object(node)) {
        leaf_t *l;
        unsigned char *script, *msg;
        size_t slen;
        sato_buf_t b;
        if (t->n == MAX_LEAVES || (script = sato_hex_decode_alloc(jstr(node, "script"), &slen)) == NULL) {
            t->bad = 1;
            memset(out, 0, 32);
            return;
        }
        l = &t->leaf[t->n++];
        l->id = (int)json_integer_value(json_object_get(node, "id"));
        l->version = (unsigned)json_integer_value(json_object_get(node, "leafVersion"));
        l->depth = 0;
        sato_buf_init(&b);
        sato_buf_write_u8(&b, (uint8_t)l->version);
        sato_buf_write_varbytes(&b, script, slen);
        msg = b.data;
        sato_tagged_hash(l->hash, "TapLeaf", msg, b.len);
        memcpy(out, l->hash, 32);
        sato_buf_clear(&b);
        free(script);
    } else if (json_is_array(node) && json_array_size(node) == 2) {
        unsigned char left[32], right[32];
        size_t i, start = t->n, mid;
        tree_hash(t, json_array_get(node, 0), left);
        mid = t->n;
        tree_hash(t, json_array_get(node, 1), right);
        for (i = start; i < t->n; i++) {
            leaf_t *l = &t->leaf[i];
            if (l->depth == MAX_DEPTH) {
                t->bad = 1;
                continue;
            }
            memcpy(l->path[l->depth++], i < mid ? right : left, 32);
        }
        tapbranch(out, left, right);
    } else {
        t->bad = 1;
        memset(out, 0, 32);
    }
}

static void tap_tweak(unsigned char out[32], const unsigned char internal[32], const unsigned char *root) {
    unsigned char msg[64];
    memcpy(msg, internal, 32);
    if (root != NULL) memcpy(msg + 32, root, 32);
    sato_tagged_hash(out, "TapTweak", msg, root != NULL ? 64 : 32);
}

static void test_script_pubkeys(json_t *cases) {
    size_t i, j;
    for (i = 0; i < json_array_size(cases); i++) {
        json_t *c = json_array_get(cases, i);
        json_t *given = json_object_get(c, "given"), *inter = json_object_get(c, "intermediary");
        json_t *expected = json_object_get(c, "expected"), *tree_json = json_object_get(given, "scriptTree");
        json_t *leaf_hashes = json_object_get(inter, "leafHashes");
        json_t *blocks = json_object_get(expected, "scriptPathControlBlocks");
        unsigned char internal[32], root[32], tweak[32], q[32], spk[34];
        char addr[SATO_ADDRESS_MAX_LEN];
        secp256k1_xonly_pubkey ip, xq;
        secp256k1_pubkey qfull;
        int parity = 0, has_tree = !json_is_null(tree_json);
        tree_t *t = sato_calloc(1, sizeof(*t));

        if (!decode32(internal, jstr(given, "internalPubkey"))) {
            test_case(0, "spk %zu: bad internal key", i);
            free(t);
            continue;
        }
        if (has_tree) tree_hash(t, tree_json, root);
        test_case(!t->bad, "spk %zu: tree malformed", i);

        /* Leaf hashes, in the order of their ids. */
        test_case(json_array_size(leaf_hashes) == t->n, "spk %zu: %zu leaf hashes, %zu leaves", i,
                  json_array_size(leaf_hashes), t->n);
        for (j = 0; j < t->n; j++) {
            int id = t->leaf[j].id;
            test_case(id >= 0 && (size_t)id < t->n &&
                          eq_hex(t->leaf[j].hash, 32, json_string_value(json_array_get(leaf_hashes, (size_t)id))),
                      "spk %zu: leaf %d hash", i, id);
        }
        if (has_tree) {
            test_case(eq_hex(root, 32, jstr(inter, "merkleRoot")), "spk %zu: merkle root", i);
        } else {
            test_case(json_is_null(json_object_get(inter, "merkleRoot")), "spk %zu: merkle root not null", i);
        }

        tap_tweak(tweak, internal, has_tree ? root : NULL);
        test_case(eq_hex(tweak, 32, jstr(inter, "tweak")), "spk %zu: tweak", i);
        test_case(secp256k1_xonly_pubkey_parse(ctx, &ip, internal) &&
                      secp256k1_xonly_pubkey_tweak_add(ctx, &qfull, &ip, tweak) &&
                      secp256k1_xonly_pubkey_from_pubkey(ctx, &xq, &parity, &qfull) &&
                      secp256k1_xonly_pubkey_serialize(ctx, q, &xq) &&
                      eq_hex(q, 32, jstr(inter, "tweakedPubkey")),
                  "spk %zu: tweaked pubkey", i);
        /* The commitment check the interpreter does on a script path. */
        test_case(secp256k1_xonly_pubkey_tweak_add_check(ctx, q, parity, &ip, tweak) == 1,
                  "spk %zu: tweak_add_check", i);
        spk[0] = 0x51;
        spk[1] = 0x20;
        memcpy(spk + 2, q, 32);
        test_case(eq_hex(spk, 34, jstr(expected, "scriptPubKey")), "spk %zu: scriptPubKey", i);
        test_case(sato_address_encode(addr, &sato_chain_addr_main, spk, 34) &&
                      strcmp(addr, jstr(expected, "bip350Address")) == 0,
                  "spk %zu: bip350 address", i);

        test_case(json_array_size(blocks) == t->n, "spk %zu: control block count", i);
        for (j = 0; j < t->n; j++) {
            const leaf_t *l = &t->leaf[j];
            unsigned char cb[33 + 32 * MAX_DEPTH];
            size_t k;
            cb[0] = (unsigned char)(l->version | (unsigned)parity);
            memcpy(cb + 1, internal, 32);
            for (k = 0; k < l->depth; k++) memcpy(cb + 33 + 32 * k, l->path[k], 32);
            test_case(l->id >= 0 && (size_t)l->id < t->n &&
                          eq_hex(cb, 33 + 32 * l->depth, json_string_value(json_array_get(blocks, (size_t)l->id))),
                      "spk %zu: control block of leaf %d", i, l->id);
        }
        free(t);
    }
    test_case(json_array_size(cases) == 7, "scriptPubKey: %zu cases, expected 7", json_array_size(cases));
}

static void test_key_path(json_t *kp) {
    json_t *given = json_object_get(kp, "given"), *inter = json_object_get(kp, "intermediary");
    json_t *utxos = json_object_get(given, "utxosSpent"), *inputs = json_object_get(kp, "inputSpending");
    sato_tx_t tx, signed_tx;
    sato_txout_t *spent;
    sato_txdata_t txdata;
    size_t i, nspent = json_array_size(utxos);

    if (!test_tx_from_hex(&tx, jstr(given, "rawUnsignedTx"))) {
        test_case(0, "keyPath: cannot parse the unsigned tx");
        return;
    }
    spent = sato_calloc(nspent ? nspent : 1, sizeof(*spent));
    for (i = 0; i < nspent; i++) {
        json_t *u = json_array_get(utxos, i);
        spent[i].value = (int64_t)json_integer_value(json_object_get(u, "amountSats"));
        spent[i].script_pubkey.data = sato_hex_decode_alloc(jstr(u, "scriptPubKey"), &spent[i].script_pubkey.len);
    }
    sato_txdata_init(&txdata, &tx, spent, nspent);
    test_case(txdata.bip341_ready && nspent == tx.vin_len, "keyPath: spent outputs");
    test_case(eq_hex(txdata.amounts_sha, 32, jstr(inter, "hashAmounts")), "keyPath: hashAmounts");
    test_case(eq_hex(txdata.outputs_sha, 32, jstr(inter, "hashOutputs")), "keyPath: hashOutputs");
    test_case(eq_hex(txdata.prevouts_sha, 32, jstr(inter, "hashPrevouts")), "keyPath: hashPrevouts");
    test_case(eq_hex(txdata.scriptpubkeys_sha, 32, jstr(inter, "hashScriptPubkeys")), "keyPath: hashScriptPubkeys");
    test_case(eq_hex(txdata.sequences_sha, 32, jstr(inter, "hashSequences")), "keyPath: hashSequences");

    if (!test_tx_from_hex(&signed_tx, jstr(json_object_get(kp, "auxiliary"), "fullySignedTx"))) {
        test_case(0, "keyPath: cannot parse the signed tx");
    }

    for (i = 0; i < json_array_size(inputs); i++) {
        json_t *in = json_array_get(inputs, i);
        json_t *ig = json_object_get(in, "given"), *ii = json_object_get(in, "intermediary");
        json_t *wit = json_object_get(json_object_get(in, "expected"), "witness");
        size_t nin = (size_t)json_integer_value(json_object_get(ig, "txinIndex"));
        unsigned hash_type = (unsigned)json_integer_value(json_object_get(ig, "hashType"));
        json_t *root_json = json_object_get(ig, "merkleRoot");
        unsigned char seckey[32], root[32], ipub[32], tweak[32], tsec[32], hash[32], sig[65], aux[32] = {0};
        secp256k1_keypair kpair;
        secp256k1_xonly_pubkey xpk;
        secp256k1_schnorrsig_extraparams extra = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
        sato_buf_t msg;
        size_t siglen;
        int has_root = !json_is_null(root_json), ok;

        if (nin >= tx.vin_len || !decode32(seckey, jstr(ig, "internalPrivkey")) ||
            (has_root && !decode32(root, json_string_value(root_json)))) {
            test_case(0, "input %zu: malformed", i);
            continue;
        }
        ok = secp256k1_keypair_create(ctx, &kpair, seckey) &&
             secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &kpair) &&
             secp256k1_xonly_pubkey_serialize(ctx, ipub, &xpk);
        test_case(ok && eq_hex(ipub, 32, jstr(ii, "internalPubkey")), "input %zu: internal pubkey", i);
        tap_tweak(tweak, ipub, has_root ? root : NULL);
        test_case(eq_hex(tweak, 32, jstr(ii, "tweak")), "input %zu: tweak", i);
        ok = secp256k1_keypair_xonly_tweak_add(ctx, &kpair, tweak) && secp256k1_keypair_sec(ctx, tsec, &kpair);
        test_case(ok && eq_hex(tsec, 32, jstr(ii, "tweakedPrivkey")), "input %zu: tweaked privkey", i);

        sato_buf_init(&msg);
        ok = sato_sighash_taproot_msg(&msg, &tx, nin, (uint8_t)hash_type, &txdata, NULL, NULL, 0);
        test_case(ok && eq_hex(msg.data, msg.len, jstr(ii, "sigMsg")), "input %zu: sigMsg", i);
        sato_buf_clear(&msg);
        ok = sato_sighash_taproot(hash, &tx, nin, (uint8_t)hash_type, &txdata, NULL, NULL, 0);
        test_case(ok && eq_hex(hash, 32, jstr(ii, "sigHash")), "input %zu: sigHash", i);

        extra.ndata = aux;
        ok = secp256k1_schnorrsig_sign_custom(ctx, sig, hash, 32, &kpair, &extra);
        siglen = 64;
        if (hash_type != SATO_SIGHASH_DEFAULT) sig[siglen++] = (unsigned char)hash_type;
        test_case(ok && json_array_size(wit) == 1 && eq_hex(sig, siglen, json_string_value(json_array_get(wit, 0))),
                  "input %zu: witness signature", i);

        /* The signed transaction carries that witness, and the checker
         * accepts it against the spent output's key. */
        if (nin < signed_tx.vin_len && signed_tx.vin[nin].witness_len == 1) {
            const sato_bytes_t *w = &signed_tx.vin[nin].witness[0];
            sato_txdata_t sdata;
            sato_tx_checker_ctx_t cctx;
            sato_sigchecker_t chk;
            sato_execdata_t exec;
            sato_script_error_t err = SATO_SCRIPT_ERR_OK;
            memset(&exec, 0, sizeof(exec));
            exec.annex_init = 1;
            sato_txdata_init(&sdata, &signed_tx, spent, nspent);
            sato_tx_sigchecker_init(&chk, &cctx, &signed_tx, nin, spent[nin].value, &sdata, NULL);
            test_case(w->len == siglen && memcmp(w->data, sig, siglen) == 0 &&
                          spent[nin].script_pubkey.len == 34 &&
                          chk.check_schnorr(chk.ctx, w->data, w->len, spent[nin].script_pubkey.data + 2,
                                            SATO_SIGVERSION_TAPROOT, &exec, &err) == 1,
                      "input %zu: signed tx witness does not verify (err %d)", i, (int)err);
        } else {
            test_case(0, "input %zu: signed tx lacks the witness", i);
        }
    }
    test_case(json_array_size(inputs) == 7, "keyPath: %zu inputs, expected 7", json_array_size(inputs));

    /* BIP341 annex and BIP342 extension, laid out by hand from the BIP
     * texts against the key-path message of input 0 (SIGHASH_ALL):
     * 170 bytes of transaction data, spend_type, input index, then
     * sha_annex, then tapleaf_hash || key_version 0 || codesep_pos. */
    if (tx.vin_len > 0) {
        static const unsigned char annex_hash[32] = {0xa1, 0xa2}, leaf[32] = {0x1e, 0xaf};
        sato_buf_t mk, ms;
        unsigned char h[32], want[32];
        int ok;
        sato_buf_init(&mk);
        sato_buf_init(&ms);
        ok = sato_sighash_taproot_msg(&mk, &tx, 0, SATO_SIGHASH_ALL, &txdata, NULL, NULL, 0) &&
             sato_sighash_taproot_msg(&ms, &tx, 0, SATO_SIGHASH_ALL, &txdata, annex_hash, leaf, 0x01020304);
        test_case(ok && mk.len == 175 && ms.len == 244 && memcmp(mk.data, ms.data, 170) == 0 &&
                      mk.data[170] == 0 && ms.data[170] == 3 && memcmp(mk.data + 171, ms.data + 171, 4) == 0 &&
                      memcmp(ms.data + 175, annex_hash, 32) == 0 && memcmp(ms.data + 207, leaf, 32) == 0 &&
                      ms.data[239] == 0 && sato_le32(ms.data + 240) == 0x01020304,
                  "BIP342 message layout");
        ok = ok && sato_sighash_taproot(h, &tx, 0, SATO_SIGHASH_ALL, &txdata, annex_hash, leaf, 0x01020304);
        sato_tagged_hash(want, "TapSighash", ms.data, ms.len);
        test_case(ok && memcmp(h, want, 32) == 0, "BIP342 sighash is TapSighash of the message");
        sato_buf_clear(&mk);
        sato_buf_clear(&ms);
    }

    for (i = 0; i < nspent; i++) free(spent[i].script_pubkey.data);
    free(spent);
    sato_tx_clear(&tx);
    sato_tx_clear(&signed_tx);
}

int main(void) {
    json_t *root = test_load_json("bitcoin-core/bip341_wallet_vectors.json");
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (root != NULL) {
        json_t *kp = json_object_get(root, "keyPathSpending");
        test_script_pubkeys(json_object_get(root, "scriptPubKey"));
        test_case(json_array_size(kp) == 1, "keyPathSpending: expected 1 entry");
        if (json_array_size(kp) >= 1) test_key_path(json_array_get(kp, 0));
        json_decref(root);
    }
    secp256k1_context_destroy(ctx);
    return test_report("test_bip341");
}
