#ifndef SATO_SHA256_H
#define SATO_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Streaming SHA-256. The compression function is chosen once at run time
 * (portable C, or SHA-NI where the CPU has it). */
typedef struct {
    uint32_t s[8];
    unsigned char buf[64];
    uint64_t bytes;
} sato_sha256_t;

void sato_sha256_init(sato_sha256_t *ctx);
void sato_sha256_write(sato_sha256_t *ctx, const unsigned char *data, size_t len);
void sato_sha256_finalize(sato_sha256_t *ctx, unsigned char out32[32]);

/* One-shot SHA-256 and double SHA-256 (Bitcoin's HASH256). */
void sato_sha256(unsigned char out32[32], const unsigned char *data, size_t len);
void sato_sha256d(unsigned char out32[32], const unsigned char *data, size_t len);

/* Double SHA-256 of `blocks` independent 64-byte inputs (merkle tree
 * nodes): out receives 32*blocks bytes. Uses multi-way SIMD where it can. */
void sato_sha256d64(unsigned char *out, const unsigned char *in, size_t blocks);

/* Name of the implementation selected at run time, for logs and benches. */
const char *sato_sha256_impl(void);

#endif
