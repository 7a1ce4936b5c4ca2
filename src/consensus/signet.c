/* BIP325 signet block solutions (Bitcoin Core's signet.cpp): a block is
 * signed by spending the network's challenge script in a virtual
 * transaction that commits to the block, through a solution carried in
 * the coinbase's witness commitment output. */
#include <stdlib.h>
#include <string.h>

#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/sigcheck.h"

static const unsigned char SIGNET_HEADER[4] = {0xec, 0xc7, 0xda, 0xa2};

/* The solution is checked with the flags of a signet block's own scripts
 * at launch (Core's BLOCK_SCRIPT_VERIFY_FLAGS in signet.cpp). */
#define SIGNET_SCRIPT_FLAGS                                                          \
    (SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS | SATO_SCRIPT_VERIFY_DERSIG | \
     SATO_SCRIPT_VERIFY_NULLDUMMY)

static void set_bytes(sato_bytes_t *b, const unsigned char *p, size_t n) {
    b->data = n ? sato_malloc(n) : NULL;
    if (n) memcpy(b->data, p, n);
    b->len = n;
}

/* Appends a push as CScript << bytes writes it: the shortest push opcode
 * for the length, never OP_0/OP_N. */
static void write_push(sato_buf_t *out, const unsigned char *data, size_t len) {
    if (len < SATO_OP_PUSHDATA1) {
        sato_buf_write_u8(out, (uint8_t)len);
    } else if (len <= 0xff) {
        sato_buf_write_u8(out, SATO_OP_PUSHDATA1);
        sato_buf_write_u8(out, (uint8_t)len);
    } else if (len <= 0xffff) {
        sato_buf_write_u8(out, SATO_OP_PUSHDATA2);
        sato_buf_write_u16(out, (uint16_t)len);
    } else {
        sato_buf_write_u8(out, SATO_OP_PUSHDATA4);
        sato_buf_write_u32(out, (uint32_t)len);
    }
    sato_buf_write(out, data, len);
}

/* Core's FetchAndClearCommitmentSection: the first push that starts with
 * the signet header and holds more gives the solution (the bytes after
 * the header) and is cut down to the header. The script is rebuilt op by
 * op as Core rebuilds it: pushes re-encoded in the shortest form, an empty
 * push written as its bare opcode, anything after a truncated push
 * dropped. Returns 1 (with *rebuilt and the solution span) if found. */
static int fetch_solution(sato_buf_t *rebuilt, const unsigned char **sol, size_t *sol_len,
                          const unsigned char *script, size_t len) {
    size_t pos = 0, data_len;
    const unsigned char *data;
    int op, found = 0;
    *sol = NULL;
    *sol_len = 0;
    while (sato_script_get_op(script, len, &pos, &op, &data, &data_len)) {
        if (data_len == 0) {
            sato_buf_write_u8(rebuilt, (uint8_t)op);
            continue;
        }
        if (!found && data_len > sizeof(SIGNET_HEADER) &&
            memcmp(data, SIGNET_HEADER, sizeof(SIGNET_HEADER)) == 0) {
            *sol = data + sizeof(SIGNET_HEADER);
            *sol_len = data_len - sizeof(SIGNET_HEADER);
            data_len = sizeof(SIGNET_HEADER);
            found = 1;
        }
        write_push(rebuilt, data, data_len);
    }
    return found;
}

/* The solution: a serialized scriptSig, then a witness stack, nothing
 * more. */
static int parse_solution(sato_txin_t *in, const unsigned char *sol, size_t len) {
    sato_reader_t r;
    uint64_t n, count, i;
    const unsigned char *p;
    sato_reader_init(&r, sol, len);
    if (!sato_read_compactsize(&r, &n) || !sato_read_span(&r, &p, (size_t)n)) return 0;
    set_bytes(&in->script_sig, p, (size_t)n);
    if (!sato_read_compactsize(&r, &count)) return 0;
    /* Grown item by item: the count alone allocates nothing. */
    for (i = 0; i < count; i++) {
        if (!sato_read_compactsize(&r, &n) || !sato_read_span(&r, &p, (size_t)n)) return 0;
        in->witness = sato_realloc(in->witness, (in->witness_len + 1) * sizeof(*in->witness));
        set_bytes(&in->witness[in->witness_len++], p, (size_t)n);
    }
    return sato_reader_left(&r) == 0;
}

/* One input, one output, version 0, locktime 0, sequence 0. */
static void virtual_tx(sato_tx_t *tx, const unsigned char *spk, size_t spk_len) {
    sato_tx_init(tx);
    tx->version = 0;
    tx->vin = sato_calloc(1, sizeof(*tx->vin));
    tx->vin_len = 1;
    tx->vin[0].prevout.n = SATO_OUTPOINT_NULL_INDEX;
    tx->vout = sato_calloc(1, sizeof(*tx->vout));
    tx->vout_len = 1;
    set_bytes(&tx->vout[0].script_pubkey, spk, spk_len);
}

/* The block's merkle root with the coinbase's txid taken after the
 * solution was cut out of it. */
static void modified_merkle_root(unsigned char out32[32], const sato_block_t *b, size_t cidx,
                                 const sato_buf_t *rebuilt) {
    sato_tx_t cb = b->txs[0];
    sato_txout_t *outs = sato_malloc(cb.vout_len * sizeof(*outs));
    unsigned char *leaves = sato_malloc(32 * b->txs_len);
    size_t i;
    /* A shallow copy with the one script replaced; nothing is freed. */
    memcpy(outs, cb.vout, cb.vout_len * sizeof(*outs));
    outs[cidx].script_pubkey.data = rebuilt->data;
    outs[cidx].script_pubkey.len = rebuilt->len;
    cb.vout = outs;
    sato_tx_txid(leaves, &cb);
    for (i = 1; i < b->txs_len; i++) sato_tx_txid(leaves + 32 * i, &b->txs[i]);
    sato_merkle_root(out32, NULL, leaves, b->txs_len);
    free(leaves);
    free(outs);
}

int sato_signet_txs_create(sato_signet_txs_t *out, const sato_block_t *b,
                           const unsigned char *challenge, size_t challenge_len) {
    static const unsigned char op_return[1] = {SATO_OP_RETURN};
    unsigned char data[72], root[32], txid[32];
    const unsigned char *sol;
    size_t cidx, sol_len;
    sato_buf_t rebuilt, sig;
    int ok = 0;
    sato_buf_init(&rebuilt);
    sato_buf_init(&sig);
    virtual_tx(&out->to_spend, challenge, challenge_len);
    virtual_tx(&out->to_sign, op_return, 1);
    if (b->txs_len == 0 || !sato_block_witness_commitment_find(&cidx, b)) goto out;
    {
        const sato_bytes_t *spk = &b->txs[0].vout[cidx].script_pubkey;
        /* No solution at all is allowed: a challenge of OP_TRUE needs none. */
        if (fetch_solution(&rebuilt, &sol, &sol_len, spk->data, spk->len)) {
            if (!parse_solution(&out->to_sign.vin[0], sol, sol_len)) goto out;
        } else {
            sato_buf_clear(&rebuilt);
            sato_buf_init(&rebuilt);
            sato_buf_write(&rebuilt, spk->data, spk->len);
        }
    }
    modified_merkle_root(root, b, cidx, &rebuilt);
    /* to_spend's scriptSig: OP_0, then a push of the header fields that
     * the signature commits to (not the nonce: a block is signed, then
     * mined). */
    sato_put_le32(data, (uint32_t)b->header.version);
    memcpy(data + 4, b->header.prev_hash, 32);
    memcpy(data + 36, root, 32);
    sato_put_le32(data + 68, b->header.time);
    sato_buf_write_u8(&sig, SATO_OP_0);
    write_push(&sig, data, sizeof(data));
    set_bytes(&out->to_spend.vin[0].script_sig, sig.data, sig.len);
    sato_tx_txid(txid, &out->to_spend);
    memcpy(out->to_sign.vin[0].prevout.hash, txid, 32);
    out->to_sign.vin[0].prevout.n = 0;
    ok = 1;
out:
    sato_buf_clear(&rebuilt);
    sato_buf_clear(&sig);
    if (!ok) sato_signet_txs_clear(out);
    return ok;
}

void sato_signet_txs_clear(sato_signet_txs_t *t) {
    if (t == NULL) return;
    sato_tx_clear(&t->to_spend);
    sato_tx_clear(&t->to_sign);
}

int sato_signet_check_block(const sato_block_t *b, const sato_chainparams_t *p) {
    sato_signet_txs_t txs;
    sato_txdata_t txdata;
    sato_sigchecker_t checker;
    sato_tx_checker_ctx_t ctx;
    unsigned char hash[32], genesis[32];
    const sato_txin_t *in;
    int ok;
    sato_block_hash(hash, b);
    sato_chainparams_genesis_hash(genesis, p);
    if (memcmp(hash, genesis, 32) == 0) return 1;
    if (!sato_signet_txs_create(&txs, b, p->signet_challenge, p->signet_challenge_len)) return 0;
    sato_txdata_init(&txdata, &txs.to_sign, &txs.to_spend.vout[0], 1);
    sato_tx_sigchecker_init(&checker, &ctx, &txs.to_sign, 0, 0, &txdata, NULL);
    in = &txs.to_sign.vin[0];
    ok = sato_script_verify(in->script_sig.data, in->script_sig.len,
                            txs.to_spend.vout[0].script_pubkey.data,
                            txs.to_spend.vout[0].script_pubkey.len, in->witness, in->witness_len,
                            SIGNET_SCRIPT_FLAGS, &checker, NULL);
    sato_signet_txs_clear(&txs);
    return ok;
}
