#ifndef SATO_BLOCK_CHECK_H
#define SATO_BLOCK_CHECK_H

/* The block rules of Bitcoin Core's validation.cpp as pure functions, with
 * Core's reject reasons and result classes (sato/validation.h). A chain
 * layer accepting a block calls them in Core's order:
 *
 *   header:  sato_block_check_header        (CheckBlockHeader: PoW)
 *            sato_block_verify_header       (ContextualCheckBlockHeader)
 *   block:   sato_block_check               (CheckBlock: context-free)
 *            sato_block_verify              (ContextualCheckBlock)
 *   connect: sato_block_script_flags, sato_bip30_enforced and
 *            sato_block_verify_bip30, then per transaction in order:
 *            read its coins, sato_block_connect_tx, run or queue its
 *            script checks (sato/tx_verify.h), spend and add its coins;
 *            then sato_block_connect_finish, then the queued script
 *            results (ConnectBlock). The genesis block is not connected:
 *            its coinbase is unspendable.
 *
 * A block that fails with SATO_BLOCK_MUTATED may be a valid block whose
 * transactions or witnesses were tampered with in transit: reject the
 * copy, never the hash. sato_block_is_mutated is Core's quick test for
 * that, for use before a block is stored.
 *
 * In-block double spends (CVE-2018-17144): sato_block_check rejects a
 * transaction that spends one outpoint twice (bad-txns-inputs-duplicate);
 * two transactions of one block spending the same outpoint are caught
 * while connecting, because the first spend removes the coin from the
 * caller's view before the second is looked up, which then arrives as a
 * missing coin: bad-txns-inputs-missingorspent. The chain layer must spend
 * each transaction's inputs before reading the next one's coins. */

#include <stddef.h>
#include <stdint.h>

#include "sato/block.h"
#include "sato/chainparams.h"
#include "sato/coins.h"
#include "sato/difficulty.h"
#include "sato/tx_verify.h"
#include "sato/error.h"
#include "sato/validation.h"

/* A block's time may be at most this far ahead of the node's clock. */
#define SATO_MAX_FUTURE_BLOCK_TIME (2 * 60 * 60)
/* BIP94: how far a period's first block may go back from its parent. */
#define SATO_MAX_TIMEWARP 600
/* Core's BIP34_IMPLIES_BIP30_LIMIT: from this height a coinbase may repeat
 * one of the pre-BIP34 coinbases whose scriptSig began with a larger
 * "height", so BIP30 is checked again. */
#define SATO_BIP34_IMPLIES_BIP30_LIMIT 1983702

/* ---- Context-free (CheckBlockHeader, CheckBlock) ---- */

/* The header's hash meets its nBits (INVALID_HEADER "high-hash"). */
int sato_block_check_header(sato_block_state_t *st, const sato_block_header_t *h,
                            const sato_chainparams_t *p);

/* The transactions hash to the header's merkle root (MUTATED
 * "bad-txnmrklroot") through a tree without the CVE-2012-2459 repeated
 * pair (MUTATED "bad-txns-duplicate"). */
int sato_block_check_merkle_root(sato_block_state_t *st, const sato_block_t *b);

/* Core's CheckBlock: PoW (if check_pow), merkle root (if check_merkle),
 * then CONSENSUS failures: "bad-blk-length" (no transactions, or the
 * count or stripped size over the weight limit), "bad-cb-missing",
 * "bad-cb-multiple", any sato_tx_check reason, and "bad-blk-sigops"
 * (legacy sigops * 4 over 80,000). Witnesses are not examined: they are
 * not committed to until sato_block_verify has checked the commitment.
 * On a signet, with check_pow, the block's signature comes right after
 * the PoW (CONSENSUS "bad-signet-blksig"). */
int sato_block_check(sato_block_state_t *st, const sato_block_t *b, const sato_chainparams_t *p,
                     int check_pow, int check_merkle);

/* ---- Signet (BIP325) ---- */

/* The two virtual transactions of a signet block (Core's SignetTxs):
 * to_spend pays 0 to the challenge from a scriptSig committing to the
 * header without its nonce and with the merkle root the block would have
 * without its solution; to_sign spends it with the solution's scriptSig
 * and witness. A signer signs to_sign's input 0; a verifier runs it. */
typedef struct {
    sato_tx_t to_spend;
    sato_tx_t to_sign;
} sato_signet_txs_t;

/* Builds both from the block's witness commitment output: the first push
 * there starting with ec c7 da a2 carries the solution (none is allowed,
 * for a challenge that needs no input). Returns 0 (out left empty) if the
 * block has no transactions, no witness commitment, or a solution that
 * does not parse exactly. Clear with sato_signet_txs_clear. */
int sato_signet_txs_create(sato_signet_txs_t *out, const sato_block_t *b,
                           const unsigned char *challenge, size_t challenge_len);
void sato_signet_txs_clear(sato_signet_txs_t *t);

/* Core's CheckSignetBlockSolution: 1 if the block is the network's genesis
 * or its solution satisfies p->signet_challenge (flags P2SH, WITNESS,
 * DERSIG, NULLDUMMY). sato_block_check calls it on signets when check_pow
 * is set ("bad-signet-blksig"). */
int sato_signet_check_block(const sato_block_t *b, const sato_chainparams_t *p);

/* Core's CheckWitnessMalleation, as MUTATED: with expect_commitment (segwit
 * active) and a commitment present, "bad-witness-nonce-size" or
 * "bad-witness-merkle-match"; otherwise any witness is
 * "unexpected-witness". */
int sato_block_check_witness_malleation(sato_block_state_t *st, const sato_block_t *b,
                                        int expect_commitment);

/* Core's IsBlockMutated: 1 if the block's transactions or witnesses do not
 * match what its header commits to (merkle root, CVE-2012-2459 pairs, the
 * witness commitment when check_witness_root), or if it has no coinbase
 * and holds a 64-byte transaction (which could pose as an inner merkle
 * node). st (may be NULL) receives the reason, if there is one. */
int sato_block_is_mutated(sato_block_state_t *st, const sato_block_t *b, int check_witness_root);

/* ---- Contextual (ContextualCheckBlockHeader, ContextualCheckBlock) ---- */

/* Core's ContextualCheckBlockHeader for a header extending `prev` (the
 * chain ending at its parent; tip_height >= 0), with `now` the node's
 * (adjusted) clock in UNIX seconds:
 *   INVALID_HEADER "bad-diffbits"          nBits is not sato_next_work_required
 *   INVALID_HEADER "time-too-old"          time <= the parent's median time past
 *   INVALID_HEADER "time-timewarp-attack"  (BIP94) a period's first block more
 *                                          than 600 s before its parent
 *   TIME_FUTURE    "time-too-new"          time > now + 2 h (may pass later)
 *   INVALID_HEADER "bad-version(0x%08x)"   version below 2, 3, 4 once BIP34,
 *                                          BIP66, BIP65 are active
 * A view that cannot supply an ancestor makes an error state. */
int sato_block_verify_header(sato_block_state_t *st, const sato_block_header_t *h,
                             const sato_chain_view_t *prev, int64_t now,
                             const sato_chainparams_t *p);

/* The scriptSig prefix BIP34 demands of the coinbase at `height` (Core's
 * CScript() << height); returns its length (at most 6). */
size_t sato_bip34_height_script(unsigned char out[6], int32_t height);

/* Core's ContextualCheckBlock for a block at `height` (0 for genesis) whose
 * parent has median time past prev_mtp (unused before CSV is active):
 *   CONSENSUS "bad-txns-nonfinal"  a transaction not final at this height and
 *                                  the parent's median time past (BIP113, with
 *                                  CSV) or the block's time (before)
 *   CONSENSUS "bad-cb-height"      (BIP34) coinbase scriptSig does not start
 *                                  with the height
 *   MUTATED   witness malleation  (sato_block_check_witness_malleation, with
 *                                  a commitment expected once segwit is active)
 *   CONSENSUS "bad-blk-weight"     weight over 4,000,000
 * The block must have passed sato_block_check. */
int sato_block_verify(sato_block_state_t *st, const sato_block_t *b, int32_t height,
                      int64_t prev_mtp, const sato_chainparams_t *p);

/* ---- Deployments and script flags ---- */

/* Core's GetBlockScriptFlags for the block with hash `hash` (internal byte
 * order) at `height`: P2SH, WITNESS and TAPROOT for every block but the
 * network's listed exceptions (which get their own flags), plus DERSIG,
 * CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY and NULLDUMMY from the BIP66,
 * BIP65, CSV and segwit heights. */
unsigned int sato_block_script_flags(int32_t height, const unsigned char hash[32],
                                     const sato_chainparams_t *p);

/* SATO_LOCKTIME_VERIFY_SEQUENCE (BIP68) for a block at `height` once CSV
 * is active, else 0. */
unsigned int sato_block_lock_flags(int32_t height, const sato_chainparams_t *p);

/* ---- BIP30 ---- */

/* The two mainnet blocks (91842, 91880) whose coinbases repeated earlier
 * ones while those were unspent (Core's IsBIP30Repeat): exempt from BIP30. */
int sato_bip30_is_repeat(int32_t height, const unsigned char hash[32]);
/* The two blocks whose coinbases were overwritten by those repeats, so
 * their outputs can never be spent (Core's IsBIP30Unspendable). */
int sato_bip30_is_unspendable(int32_t height, const unsigned char hash[32]);

/* Whether connecting the block `hash` at `height` must check BIP30. Not
 * for the two repeats; not where the chain contains the network's pinned
 * BIP34 activation block (bip34_hash: the hash of this chain's block at
 * p->bip34_height, NULL if the chain is not that long), since BIP34
 * coinbases cannot repeat; but always again from height 1,983,702, where
 * early coinbases with a larger height prefix could be repeated. */
int sato_bip30_enforced(int32_t height, const unsigned char hash[32],
                        const unsigned char *bip34_hash, const sato_chainparams_t *p);

/* Asks whether the caller's view holds an unspent output at *op:
 * SATO_OK yes, SATO_ENOTFOUND no, any other code: the view could not be
 * read. */
typedef sato_err_t (*sato_have_coin_fn)(void *ctx, const sato_outpoint_t *op);

/* BIP30: no transaction of the block may have a txid that already has an
 * unspent output (CONSENSUS "bad-txns-BIP30"), asked before any of the
 * block's transactions is connected. A failed read is an error state. */
int sato_block_verify_bip30(sato_block_state_t *st, const sato_block_t *b, sato_have_coin_fn have,
                            void *ctx);

/* ---- ConnectBlock's per-transaction checks ---- */

/* Running totals of a block being connected. Fill with
 * sato_block_connect_init; read fees and sigop_cost when done. */
typedef struct {
    int32_t height;
    int64_t prev_mtp; /* the parent's median time past */
    unsigned int script_flags;
    unsigned int lock_flags;
    int64_t fees;
    int64_t sigop_cost;
    const sato_chainparams_t *params;
} sato_block_connect_t;

void sato_block_connect_init(sato_block_connect_t *c, int32_t height, const unsigned char hash[32],
                             int64_t prev_mtp, const sato_chainparams_t *p);

/* ConnectBlock's checks of the block's next transaction, coins[i] being
 * what input i spends (NULL if missing or spent; ignored for the
 * coinbase), all as CONSENSUS: sato_tx_check_inputs' reasons, the fee sum
 * in range ("bad-txns-accumulated-fee-outofrange"), BIP68 sequence locks
 * ("bad-txns-nonfinal"), and the running sigop cost at most 80,000
 * ("bad-blk-sigops"). Scripts are left to the caller. mtp_at gives the
 * median time past of ancestors for time-based locks; its failure is an
 * error state. */
int sato_block_connect_tx(sato_block_connect_t *c, sato_block_state_t *st, const sato_tx_t *tx,
                          const sato_coin_t *const *coins, sato_mtp_at_fn mtp_at, void *mtp_ctx);

/* After the last transaction: the coinbase may claim at most the subsidy
 * plus the fees (CONSENSUS "bad-cb-amount"). */
int sato_block_connect_finish(const sato_block_connect_t *c, sato_block_state_t *st,
                              const sato_block_t *b);

#endif
