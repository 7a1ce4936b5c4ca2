#ifndef SATO_MERKLE_H
#define SATO_MERKLE_H

#include <stddef.h>

#include "sato/block.h"

/* Bitcoin's merkle root over n 32-byte leaves (an odd level repeats its
 * last hash; no leaves gives 32 zero bytes). When mutated is not NULL it
 * receives 1 if any level, before that repetition, holds two equal hashes
 * at positions 2k and 2k+1: the CVE-2012-2459 trees that share a root with
 * a shorter list of leaves. Bitcoin Core's ComputeMerkleRoot. */
void sato_merkle_root(unsigned char out32[32], int *mutated, const unsigned char *leaves, size_t n);

/* The root over the block's txids (the header's merkle_root). */
void sato_block_merkle_root(unsigned char out32[32], int *mutated, const sato_block_t *block);
/* The BIP141 root over wtxids, with the coinbase's taken as zero. */
void sato_block_witness_merkle_root(unsigned char out32[32], int *mutated,
                                    const sato_block_t *block);

/* A witness commitment is an output script of at least 38 bytes that
 * starts with OP_RETURN, a 36-byte push and the tag aa21a9ed; the
 * commitment is the 32 bytes after the tag. */
#define SATO_WITNESS_COMMITMENT_MIN_SIZE 38
extern const unsigned char SATO_WITNESS_COMMITMENT_HEADER[6];

/* Index of the coinbase output holding the commitment (the last one that
 * qualifies, as BIP141 says); 0 if the block has none. */
int sato_block_witness_commitment_find(size_t *index, const sato_block_t *block);
/* Double SHA-256 of the witness root followed by the 32-byte witness
 * reserved value. */
void sato_witness_commitment(unsigned char out32[32], const unsigned char witness_root[32],
                             const unsigned char reserved_value[32]);
/* Bitcoin Core's CheckWitnessMalleation. With expect_commitment set (segwit
 * active) and a commitment present, the coinbase witness must be a single
 * 32-byte item ("bad-witness-nonce-size") and the commitment must match
 * ("bad-witness-merkle-match"); otherwise no transaction may carry witness
 * data ("unexpected-witness"). Returns 1 if the block passes. */
int sato_block_check_witness_commitment(const sato_block_t *block, int expect_commitment,
                                        const char **reason);

#endif
