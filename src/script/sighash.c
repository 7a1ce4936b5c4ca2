/* Signature hashes: the original one, BIP143 (segwit v0) and BIP341/342
 * (taproot). Everything is streamed into SHA-256; no copy of the
 * transaction is ever built. */

#include <string.h>

#include "sato/buf.h"
#include "sato/hash.h"
#include "sato/sha256.h"
#include "sato/sighash.h"

#define OP_PUSHDATA1 0x4c
#define OP_PUSHDATA2 0x4d
#define OP_PUSHDATA4 0x4e
#define OP_CODESEPARATOR 0xab

/* Where serialized data goes: always into SHA-256, and also into a copy
 * when a caller wants the preimage itself (tests, debugging). */
typedef struct {
    sato_sha256_t sha;
    sato_buf_t *copy;
} sink_t;

static void sink_init(sink_t *s) {
    sato_sha256_init(&s->sha);
    s->copy = NULL;
}

static void put(sink_t *s, const unsigned char *p, size_t n) {
    sato_sha256_write(&s->sha, p, n);
    if (s->copy != NULL) sato_buf_write(s->copy, p, n);
}

static void hash_u8(sink_t *sha, uint8_t v) {
    put(sha, &v, 1);
}

static void hash_u32(sink_t *sha, uint32_t v) {
    unsigned char b[4];
    sato_put_le32(b, v);
    put(sha, b, 4);
}

static void hash_u64(sink_t *sha, uint64_t v) {
    unsigned char b[8];
    sato_put_le64(b, v);
    put(sha, b, 8);
}

static void hash_compactsize(sink_t *sha, uint64_t v) {
    unsigned char b[9];
    size_t n;
    if (v < 0xfd) {
        b[0] = (unsigned char)v;
        n = 1;
    } else if (v <= 0xffff) {
        b[0] = 0xfd;
        b[1] = (unsigned char)v;
        b[2] = (unsigned char)(v >> 8);
        n = 3;
    } else if (v <= 0xffffffffu) {
        b[0] = 0xfe;
        sato_put_le32(b + 1, (uint32_t)v);
        n = 5;
    } else {
        b[0] = 0xff;
        sato_put_le64(b + 1, v);
        n = 9;
    }
    put(sha, b, n);
}

static void hash_varbytes(sink_t *sha, const unsigned char *p, size_t n) {
    hash_compactsize(sha, n);
    if (n > 0) {
        put(sha, p, n);
    }
}

static void hash_outpoint(sink_t *sha, const sato_outpoint_t *o) {
    put(sha, o->hash, 32);
    hash_u32(sha, o->n);
}

static void hash_txout(sink_t *sha, const sato_txout_t *out) {
    hash_u64(sha, (uint64_t)out->value);
    hash_varbytes(sha, out->script_pubkey.data, out->script_pubkey.len);
}

/* Finishes a double SHA-256 (HASH256). */
static void finalize_double(sink_t *sha, unsigned char out32[32]) {
    unsigned char first[32];
    sato_sha256_finalize(&sha->sha, first);
    sato_sha256(out32, first, 32);
}

/* Steps over one script operation the way Bitcoin Core's GetOp does,
 * including where it leaves the cursor when a push runs past the end
 * (after the opcode and its length bytes): the legacy sighash depends on
 * that position. */
static int script_next_op(const unsigned char *s, size_t len, size_t *pc, unsigned *opcode) {
    size_t p = *pc;
    size_t n = 0;
    unsigned op;
    int ok = 0;

    if (p >= len) {
        return 0;
    }
    op = s[p++];
    if (op < OP_PUSHDATA1) {
        n = op;
    } else if (op == OP_PUSHDATA1) {
        if (len - p < 1) goto out;
        n = s[p];
        p += 1;
    } else if (op == OP_PUSHDATA2) {
        if (len - p < 2) goto out;
        n = (size_t)s[p] | (size_t)s[p + 1] << 8;
        p += 2;
    } else if (op == OP_PUSHDATA4) {
        if (len - p < 4) goto out;
        n = sato_le32(s + p);
        p += 4;
    }
    if (len - p < n) goto out;
    p += n;
    *opcode = op;
    ok = 1;
out:
    *pc = p;
    return ok;
}

/* The script code as the legacy sighash serializes it: OP_CODESEPARATORs
 * dropped, the length prefix counting every byte but them. */
static void hash_script_code_legacy(sink_t *sha, const unsigned char *s, size_t len) {
    size_t pc = 0, begin = 0, nsep = 0;
    unsigned op;

    while (script_next_op(s, len, &pc, &op)) {
        if (op == OP_CODESEPARATOR) nsep++;
    }
    hash_compactsize(sha, len - nsep);
    pc = 0;
    while (script_next_op(s, len, &pc, &op)) {
        if (op == OP_CODESEPARATOR) {
            if (pc - begin - 1 > 0) put(sha, s + begin, pc - begin - 1);
            begin = pc;
        }
    }
    /* pc is where parsing stopped: the end, or inside a truncated push. */
    if (begin != len && pc > begin) put(sha, s + begin, pc - begin);
}

void sato_sighash_legacy(unsigned char out32[32], const sato_tx_t *tx, size_t nin,
                         const unsigned char *script_code, size_t script_code_len,
                         int32_t hash_type) {
    const uint32_t ht = (uint32_t)hash_type;
    const int anyone = (ht & SATO_SIGHASH_ANYONECANPAY) != 0;
    const int single = (ht & 0x1f) == SATO_SIGHASH_SINGLE;
    const int none = (ht & 0x1f) == SATO_SIGHASH_NONE;
    size_t i, ninputs, noutputs;
    sink_t sha;

    if (single && nin >= tx->vout_len) {
        /* Bitcoin Core returns the number 1 here instead of failing; a
         * signature over it is valid, so consensus depends on it. */
        memset(out32, 0, 32);
        out32[0] = 1;
        return;
    }

    sink_init(&sha);
    hash_u32(&sha, tx->version);

    ninputs = anyone ? 1 : tx->vin_len;
    hash_compactsize(&sha, ninputs);
    for (i = 0; i < ninputs; i++) {
        const size_t idx = anyone ? nin : i;
        const sato_txin_t *in = &tx->vin[idx];
        hash_outpoint(&sha, &in->prevout);
        if (idx == nin) {
            hash_script_code_legacy(&sha, script_code, script_code_len);
            hash_u32(&sha, in->sequence);
        } else {
            hash_u8(&sha, 0); /* other inputs' scripts are blanked */
            hash_u32(&sha, (single || none) ? 0 : in->sequence);
        }
    }

    noutputs = none ? 0 : single ? nin + 1 : tx->vout_len;
    hash_compactsize(&sha, noutputs);
    for (i = 0; i < noutputs; i++) {
        if (single && i != nin) {
            /* A null output: value -1, empty script. */
            hash_u64(&sha, UINT64_MAX);
            hash_u8(&sha, 0);
        } else {
            hash_txout(&sha, &tx->vout[i]);
        }
    }
    hash_u32(&sha, tx->locktime);
    hash_u32(&sha, ht);
    finalize_double(&sha, out32);
}

static void prevouts_sha(unsigned char out32[32], const sato_tx_t *tx) {
    sink_t sha;
    size_t i;
    sink_init(&sha);
    for (i = 0; i < tx->vin_len; i++) hash_outpoint(&sha, &tx->vin[i].prevout);
    sato_sha256_finalize(&sha.sha, out32);
}

static void sequences_sha(unsigned char out32[32], const sato_tx_t *tx) {
    sink_t sha;
    size_t i;
    sink_init(&sha);
    for (i = 0; i < tx->vin_len; i++) hash_u32(&sha, tx->vin[i].sequence);
    sato_sha256_finalize(&sha.sha, out32);
}

static void outputs_sha(unsigned char out32[32], const sato_tx_t *tx) {
    sink_t sha;
    size_t i;
    sink_init(&sha);
    for (i = 0; i < tx->vout_len; i++) hash_txout(&sha, &tx->vout[i]);
    sato_sha256_finalize(&sha.sha, out32);
}

void sato_txdata_init(sato_txdata_t *txdata, const sato_tx_t *tx,
                      const sato_txout_t *spent_outputs, size_t nspent) {
    size_t i;
    sink_t sha;

    memset(txdata, 0, sizeof(*txdata));
    prevouts_sha(txdata->prevouts_sha, tx);
    sequences_sha(txdata->sequences_sha, tx);
    outputs_sha(txdata->outputs_sha, tx);
    sato_sha256(txdata->hash_prevouts, txdata->prevouts_sha, 32);
    sato_sha256(txdata->hash_sequence, txdata->sequences_sha, 32);
    sato_sha256(txdata->hash_outputs, txdata->outputs_sha, 32);
    txdata->bip143_ready = 1;
    sato_tagged_hash_init(&txdata->tapsighash, "TapSighash");

    if (spent_outputs == NULL || nspent != tx->vin_len) {
        return;
    }
    sink_init(&sha);
    for (i = 0; i < nspent; i++) hash_u64(&sha, (uint64_t)spent_outputs[i].value);
    sato_sha256_finalize(&sha.sha, txdata->amounts_sha);
    sink_init(&sha);
    for (i = 0; i < nspent; i++) {
        hash_varbytes(&sha, spent_outputs[i].script_pubkey.data, spent_outputs[i].script_pubkey.len);
    }
    sato_sha256_finalize(&sha.sha, txdata->scriptpubkeys_sha);
    txdata->spent_outputs = spent_outputs;
    txdata->spent_outputs_len = nspent;
    txdata->bip341_ready = 1;
}

void sato_sighash_v0(unsigned char out32[32], const sato_tx_t *tx, size_t nin,
                     const unsigned char *script_code, size_t script_code_len,
                     int64_t amount, int32_t hash_type, const sato_txdata_t *txdata) {
    const uint32_t ht = (uint32_t)hash_type;
    const int anyone = (ht & SATO_SIGHASH_ANYONECANPAY) != 0;
    const int single = (ht & 0x1f) == SATO_SIGHASH_SINGLE;
    const int none = (ht & 0x1f) == SATO_SIGHASH_NONE;
    const int ready = txdata != NULL && txdata->bip143_ready;
    unsigned char hprevouts[32] = {0}, hsequence[32] = {0}, houtputs[32] = {0};
    unsigned char tmp[32];
    const sato_txin_t *in = &tx->vin[nin];
    sink_t sha;

    if (!anyone) {
        if (ready) {
            memcpy(hprevouts, txdata->hash_prevouts, 32);
        } else {
            prevouts_sha(tmp, tx);
            sato_sha256(hprevouts, tmp, 32);
        }
    }
    if (!anyone && !single && !none) {
        if (ready) {
            memcpy(hsequence, txdata->hash_sequence, 32);
        } else {
            sequences_sha(tmp, tx);
            sato_sha256(hsequence, tmp, 32);
        }
    }
    if (!single && !none) {
        if (ready) {
            memcpy(houtputs, txdata->hash_outputs, 32);
        } else {
            outputs_sha(tmp, tx);
            sato_sha256(houtputs, tmp, 32);
        }
    } else if (single && nin < tx->vout_len) {
        sink_init(&sha);
        hash_txout(&sha, &tx->vout[nin]);
        finalize_double(&sha, houtputs);
    }

    sink_init(&sha);
    hash_u32(&sha, tx->version);
    put(&sha, hprevouts, 32);
    put(&sha, hsequence, 32);
    hash_outpoint(&sha, &in->prevout);
    hash_varbytes(&sha, script_code, script_code_len);
    hash_u64(&sha, (uint64_t)amount);
    hash_u32(&sha, in->sequence);
    put(&sha, houtputs, 32);
    hash_u32(&sha, tx->locktime);
    hash_u32(&sha, ht);
    finalize_double(&sha, out32);
}

int sato_sighash_taproot_type_valid(uint8_t hash_type) {
    return hash_type <= 0x03 || (hash_type >= 0x81 && hash_type <= 0x83);
}

static int sighash_taproot(unsigned char out32[32], sato_buf_t *msg, const sato_tx_t *tx,
                           size_t nin, uint8_t hash_type, const sato_txdata_t *txdata,
                           const unsigned char *annex_hash, const unsigned char *tapleaf_hash,
                           uint32_t codesep_pos) {
    const uint8_t output_type = hash_type == SATO_SIGHASH_DEFAULT ? SATO_SIGHASH_ALL : (hash_type & 0x03);
    const int anyone = (hash_type & SATO_SIGHASH_ANYONECANPAY) != 0;
    const uint8_t spend_type = (uint8_t)((tapleaf_hash != NULL ? 2 : 0) | (annex_hash != NULL ? 1 : 0));
    sink_t sha;

    memset(out32, 0, 32);
    if (txdata == NULL || !txdata->bip341_ready || nin >= tx->vin_len) return 0;
    if (!sato_sighash_taproot_type_valid(hash_type)) return 0;
    if (output_type == SATO_SIGHASH_SINGLE && nin >= tx->vout_len) return 0;

    sha.sha = txdata->tapsighash;
    sha.copy = msg;
    hash_u8(&sha, 0); /* epoch */
    hash_u8(&sha, hash_type);
    hash_u32(&sha, tx->version);
    hash_u32(&sha, tx->locktime);
    if (!anyone) {
        put(&sha, txdata->prevouts_sha, 32);
        put(&sha, txdata->amounts_sha, 32);
        put(&sha, txdata->scriptpubkeys_sha, 32);
        put(&sha, txdata->sequences_sha, 32);
    }
    if (output_type == SATO_SIGHASH_ALL) {
        put(&sha, txdata->outputs_sha, 32);
    }
    hash_u8(&sha, spend_type);
    if (anyone) {
        hash_outpoint(&sha, &tx->vin[nin].prevout);
        hash_txout(&sha, &txdata->spent_outputs[nin]);
        hash_u32(&sha, tx->vin[nin].sequence);
    } else {
        hash_u32(&sha, (uint32_t)nin);
    }
    if (annex_hash != NULL) {
        put(&sha, annex_hash, 32);
    }
    if (output_type == SATO_SIGHASH_SINGLE) {
        unsigned char single_sha[32];
        sink_t osha;
        sink_init(&osha);
        hash_txout(&osha, &tx->vout[nin]);
        sato_sha256_finalize(&osha.sha, single_sha);
        put(&sha, single_sha, 32);
    }
    if (tapleaf_hash != NULL) {
        put(&sha, tapleaf_hash, 32);
        hash_u8(&sha, 0); /* key_version */
        hash_u32(&sha, codesep_pos);
    }
    sato_sha256_finalize(&sha.sha, out32);
    return 1;
}

int sato_sighash_taproot(unsigned char out32[32], const sato_tx_t *tx, size_t nin,
                         uint8_t hash_type, const sato_txdata_t *txdata,
                         const unsigned char *annex_hash,
                         const unsigned char *tapleaf_hash, uint32_t codesep_pos) {
    return sighash_taproot(out32, NULL, tx, nin, hash_type, txdata, annex_hash, tapleaf_hash,
                           codesep_pos);
}

int sato_sighash_taproot_msg(sato_buf_t *msg, const sato_tx_t *tx, size_t nin,
                             uint8_t hash_type, const sato_txdata_t *txdata,
                             const unsigned char *annex_hash,
                             const unsigned char *tapleaf_hash, uint32_t codesep_pos) {
    unsigned char unused[32];
    return sighash_taproot(unused, msg, tx, nin, hash_type, txdata, annex_hash, tapleaf_hash,
                           codesep_pos);
}
