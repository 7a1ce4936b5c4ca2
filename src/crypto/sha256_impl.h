#ifndef SATO_CRYPTO_SHA256_IMPL_H
#define SATO_CRYPTO_SHA256_IMPL_H

/* Internal interface between the SHA-256 front end (sha256.c) and its
 * compression functions. Not part of the public API. */

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#define SATO_SHA256_X86 1
#else
#define SATO_SHA256_X86 0
#endif

/* Compresses `blocks` consecutive 64-byte chunks into the state s. */
typedef void (*sato_sha256_transform_fn)(uint32_t s[8], const unsigned char *chunk, size_t blocks);

/* Double SHA-256 of a fixed number (the implementation's "ways") of
 * consecutive 64-byte inputs; writes 32 bytes per input. */
typedef void (*sato_sha256_d64_fn)(unsigned char *out, const unsigned char *in);

extern const uint32_t sato_sha256_k[64];
extern const uint32_t sato_sha256_iv[8];
/* K[i] + W[i] for the block that pads a 64-byte message: its schedule is
 * the same for every message, so multi-way code adds it as a constant. */
extern const uint32_t sato_sha256_pad64_wk[64];

void sato_sha256_transform_generic(uint32_t s[8], const unsigned char *chunk, size_t blocks);

#if SATO_SHA256_X86
void sato_sha256_transform_shani(uint32_t s[8], const unsigned char *chunk, size_t blocks);
void sato_sha256d64_shani_2way(unsigned char *out, const unsigned char *in);
void sato_sha256_transform_shani_avx(uint32_t s[8], const unsigned char *chunk, size_t blocks);
void sato_sha256d64_shani_avx_2way(unsigned char *out, const unsigned char *in);
void sato_sha256d64_sse41_4way(unsigned char *out, const unsigned char *in);
void sato_sha256d64_avx2_8way(unsigned char *out, const unsigned char *in);
void sato_sha256d64_avx512_16way(unsigned char *out, const unsigned char *in);
#endif

/* Hooks for tests and benchmarks. The i-th single-buffer or 64-byte
 * double-hash implementation this CPU can run, fastest first (NULL past the
 * end). sato_sha256_select pins one of each by name (NULL: the automatic
 * choice) and returns 0 if a name is unknown or unsupported here; it must
 * not race with hashing on other threads. The environment variable
 * SATO_SHA256=generic forces the portable code at start-up. */
const char *sato_sha256_transform_name(size_t i);
const char *sato_sha256_d64_name(size_t i);
int sato_sha256_select(const char *transform, const char *d64);

#endif
