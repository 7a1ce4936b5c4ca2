/* Fuzz target for the script interpreter: arbitrary scriptSig,
 * scriptPubKey, witness and flags through sato_script_verify, with either
 * a deterministic fake signature checker (so signature-dependent paths are
 * reached both ways) or the real transaction checker over a synthetic
 * spending transaction. Wrapping modes build P2SH, P2WSH and P2TR script
 * path outputs around the fuzzed script so those paths run too.
 *
 * Input: flags (4 bytes LE), mode (1 byte), then pieces each prefixed by a
 * 2-byte LE length: scriptSig, scriptPubKey, witness items (at most 32).
 *
 * The interpreter must never crash, leak or trip a sanitizer, and its
 * verdict must not depend on anything but its inputs: each input is run
 * twice and the results compared. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include "sato/hash.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "sato/tx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WITNESS 32

enum {
    MODE_REAL_CHECKER = 1,
    MODE_WRAP_P2SH = 2,
    MODE_WRAP_P2WSH = 4,
    MODE_WRAP_P2TR = 8
};

static int fake_ecdsa(void *ctx, const unsigned char *sig, size_t siglen, const unsigned char *pk,
                      size_t pklen, const unsigned char *code, size_t code_len, sato_sigversion_t sv) {
    return siglen > 0 && (sig[0] & 1);
}

static int fake_schnorr(void *ctx, const unsigned char *sig, size_t siglen, const unsigned char pk[32],
                        sato_sigversion_t sv, const sato_execdata_t *ex, sato_script_error_t *err) {
    if (siglen != 64 && siglen != 65) {
        *err = SATO_SCRIPT_ERR_SCHNORR_SIG_SIZE;
        return 0;
    }
    if (!(sig[0] & 1)) {
        *err = SATO_SCRIPT_ERR_SCHNORR_SIG;
        return 0;
    }
    return 1;
}

static int fake_locktime(void *ctx, int64_t v) {
    return (v & 1) == 0;
}

static int fake_sequence(void *ctx, int64_t v) {
    return (v & 2) == 0;
}

static int take(const uint8_t **p, size_t *left, const uint8_t **out, size_t *out_len) {
    size_t n;
    if (*left < 2) return 0;
    n = (size_t)(*p)[0] | (size_t)(*p)[1] << 8;
    *p += 2;
    *left -= 2;
    if (n > *left) n = *left;
    *out = *p;
    *out_len = n;
    *p += n;
    *left -= n;
    return 1;
}

/* A one-leaf taproot output over leaf with internal key G; the control
 * block goes to control[33]. */
static int wrap_taproot(unsigned char spk[34], unsigned char control[33], const unsigned char *leaf,
                        size_t leaf_len) {
    static const unsigned char gx[32] = {
        0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
        0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98};
    static secp256k1_context *ctx;
    secp256k1_xonly_pubkey internal, out_x;
    secp256k1_pubkey out;
    unsigned char h[32], msg[64];
    int parity;
    if (ctx == NULL) ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    sato_taproot_leaf_hash(h, SATO_TAPROOT_LEAF_TAPSCRIPT, leaf, leaf_len);
    memcpy(msg, gx, 32);
    memcpy(msg + 32, h, 32);
    sato_tagged_hash(h, "TapTweak", msg, 64);
    if (!secp256k1_xonly_pubkey_parse(ctx, &internal, gx) ||
        !secp256k1_xonly_pubkey_tweak_add(ctx, &out, &internal, h) ||
        !secp256k1_xonly_pubkey_from_pubkey(ctx, &out_x, &parity, &out)) {
        return 0;
    }
    spk[0] = SATO_OP_1;
    spk[1] = 32;
    secp256k1_xonly_pubkey_serialize(ctx, spk + 2, &out_x);
    control[0] = (unsigned char)(SATO_TAPROOT_LEAF_TAPSCRIPT | parity);
    memcpy(control + 1, gx, 32);
    return 1;
}

static int run(const unsigned char *sig, size_t sig_len, const unsigned char *spk, size_t spk_len,
               sato_bytes_t *wit, size_t nwit, unsigned int flags, int real, sato_script_error_t *err) {
    sato_sigchecker_t checker;
    sato_tx_checker_ctx_t cctx;
    sato_tx_t tx;
    sato_txin_t in;
    sato_txout_t out, spent;
    sato_txdata_t txdata;
    int ok;
    if (!real) {
        checker.check_ecdsa = fake_ecdsa;
        checker.check_schnorr = fake_schnorr;
        checker.check_locktime = fake_locktime;
        checker.check_sequence = fake_sequence;
        checker.ctx = NULL;
        return sato_script_verify(sig, sig_len, spk, spk_len, wit, nwit, flags, &checker, err);
    }
    memset(&tx, 0, sizeof(tx));
    memset(&in, 0, sizeof(in));
    memset(&out, 0, sizeof(out));
    tx.version = 2;
    tx.vin = &in;
    tx.vin_len = 1;
    tx.vout = &out;
    tx.vout_len = 1;
    tx.locktime = 500;
    in.prevout.n = 1;
    in.script_sig.data = (unsigned char *)sig;
    in.script_sig.len = sig_len;
    in.sequence = 10;
    in.witness = wit;
    in.witness_len = nwit;
    out.value = 1000;
    spent.value = 2000;
    spent.script_pubkey.data = (unsigned char *)spk;
    spent.script_pubkey.len = spk_len;
    sato_txdata_init(&txdata, &tx, &spent, 1);
    sato_tx_sigchecker_init(&checker, &cctx, &tx, 0, spent.value, &txdata, NULL);
    ok = sato_script_verify(sig, sig_len, spk, spk_len, wit, nwit, flags, &checker, err);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *p = data, *sig, *spk, *item;
    size_t left = size, sig_len, spk_len, item_len, nwit = 0;
    sato_bytes_t wit[MAX_WITNESS + 1];
    unsigned char *sig_buf = NULL, spk_buf[34], control[33];
    unsigned int flags;
    int mode, ok1, ok2;
    sato_script_error_t e1, e2;

    if (size < 5) return 0;
    flags = (unsigned int)sato_le32(p) & SATO_SCRIPT_VERIFY_ALL;
    mode = p[4];
    p += 5;
    left -= 5;
    if (!take(&p, &left, &sig, &sig_len)) return 0;
    if (!take(&p, &left, &spk, &spk_len)) return 0;
    while (nwit < MAX_WITNESS && take(&p, &left, &item, &item_len)) {
        wit[nwit].data = (unsigned char *)item;
        wit[nwit].len = item_len;
        nwit++;
    }

    if ((mode & MODE_WRAP_P2TR) && nwit > 0) {
        /* The last witness item is the leaf; add its control block. */
        if (!wrap_taproot(spk_buf, control, wit[nwit - 1].data, wit[nwit - 1].len)) return 0;
        wit[nwit].data = control;
        wit[nwit].len = sizeof(control);
        nwit++;
        spk = spk_buf;
        spk_len = 34;
    } else if ((mode & MODE_WRAP_P2WSH) && nwit > 0) {
        spk_buf[0] = SATO_OP_0;
        spk_buf[1] = 32;
        sato_sha256(spk_buf + 2, wit[nwit - 1].data, wit[nwit - 1].len);
        spk = spk_buf;
        spk_len = 34;
    } else if ((mode & MODE_WRAP_P2SH) && spk_len <= 520) {
        /* scriptSig gains a push of the fuzzed scriptPubKey as redeem script. */
        size_t n = 0;
        sig_buf = sato_malloc(sig_len + spk_len + 3);
        memcpy(sig_buf, sig, sig_len);
        n = sig_len;
        if (spk_len < SATO_OP_PUSHDATA1) {
            sig_buf[n++] = (unsigned char)spk_len;
        } else if (spk_len <= 0xff) {
            sig_buf[n++] = SATO_OP_PUSHDATA1;
            sig_buf[n++] = (unsigned char)spk_len;
        } else {
            sig_buf[n++] = SATO_OP_PUSHDATA2;
            sig_buf[n++] = (unsigned char)spk_len;
            sig_buf[n++] = (unsigned char)(spk_len >> 8);
        }
        memcpy(sig_buf + n, spk, spk_len);
        n += spk_len;
        spk_buf[0] = SATO_OP_HASH160;
        spk_buf[1] = 20;
        sato_hash160(spk_buf + 2, spk, spk_len);
        spk_buf[22] = SATO_OP_EQUAL;
        sig = sig_buf;
        sig_len = n;
        spk = spk_buf;
        spk_len = 23;
    }

    ok1 = run(sig, sig_len, spk, spk_len, wit, nwit, flags, mode & MODE_REAL_CHECKER, &e1);
    ok2 = run(sig, sig_len, spk, spk_len, wit, nwit, flags, mode & MODE_REAL_CHECKER, &e2);
    if (ok1 != ok2 || e1 != e2 || (ok1 != (e1 == SATO_SCRIPT_ERR_OK)) ||
        (unsigned)e1 >= SATO_SCRIPT_ERR_ERROR_COUNT) {
        abort();
    }
    /* Sigop counting must accept the same arbitrary scripts. */
    (void)sato_script_sigop_count(spk, spk_len, 1);
    (void)sato_script_p2sh_sigop_count(spk, spk_len, sig, sig_len);
    (void)sato_script_witness_sigop_count(sig, sig_len, spk, spk_len, wit, nwit, flags);
    {
        sato_script_solution_t sol;
        (void)sato_script_solve(&sol, spk, spk_len);
    }
    free(sig_buf);
    return 0;
}
