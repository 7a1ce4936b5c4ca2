#ifndef SATO_SIPHASH_H
#define SATO_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 with a 128-bit key given as two little-endian halves k0, k1,
 * as Bitcoin Core's CSipHasher (hash tables, BIP152 short ids, BIP158). */
typedef struct {
    uint64_t v[4];
    uint64_t tail;      /* pending bytes, little-endian */
    uint8_t count;      /* bytes written so far, mod 256 (as the spec) */
} sato_siphash_t;

void sato_siphash_init(sato_siphash_t *ctx, uint64_t k0, uint64_t k1);
void sato_siphash_write(sato_siphash_t *ctx, const unsigned char *data, size_t len);
/* Same as writing the 8 little-endian bytes of v. */
void sato_siphash_write_u64(sato_siphash_t *ctx, uint64_t v);
/* Does not change ctx: more data may be written and finalized again. */
uint64_t sato_siphash_finalize(const sato_siphash_t *ctx);

/* Fast paths equal to hashing the 32 bytes of a hash (and then the four
 * little-endian bytes of extra) with a fresh hasher. */
uint64_t sato_siphash_uint256(uint64_t k0, uint64_t k1, const unsigned char hash[32]);
uint64_t sato_siphash_uint256_extra(uint64_t k0, uint64_t k1, const unsigned char hash[32],
                                    uint32_t extra);

#endif
