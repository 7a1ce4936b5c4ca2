#ifndef SATO_BECH32_H
#define SATO_BECH32_H

#include <stddef.h>
#include <stdint.h>

/* Bech32 (BIP173) and Bech32m (BIP350) strings, and segwit addresses built
 * on them, with Bitcoin Core's rules. Strings are passed with an explicit
 * length so that NUL and other bytes outside printable ASCII are refused. */

typedef enum {
    SATO_BECH32_INVALID = 0,
    SATO_BECH32 = 1,  /* checksum constant 1 (BIP173) */
    SATO_BECH32M = 2  /* checksum constant 0x2bc830a3 (BIP350) */
} sato_bech32_encoding_t;

/* The longest string either encoding allows, without the NUL. */
#define SATO_BECH32_MAX_LEN 90
/* Longest witness program a segwit address may carry. */
#define SATO_SEGWIT_PROGRAM_MAX 40

/* Writes hrp '1' data checksum and a NUL to out. hrp must be 1 or more
 * characters in 33..126 without upper case; data holds 5-bit values. Fails
 * if a value exceeds 31, the result would be longer than
 * SATO_BECH32_MAX_LEN, or outcap cannot hold it. */
int sato_bech32_encode(char *out, size_t outcap, const char *hrp,
                       const unsigned char *data, size_t datalen,
                       sato_bech32_encoding_t encoding);

/* Parses str[0..len). On success returns the checksum's encoding, writes
 * the HRP in lower case (NUL-terminated) to hrp and the 5-bit values
 * before the checksum to data. Refuses mixed case, characters outside
 * 33..126, strings over 90 characters, an empty HRP, fewer than 6 checksum
 * characters and characters outside the charset. */
sato_bech32_encoding_t sato_bech32_decode(char hrp[SATO_BECH32_MAX_LEN],
                                          unsigned char data[SATO_BECH32_MAX_LEN],
                                          size_t *datalen,
                                          const char *str, size_t len);

/* Regroups in[0..inlen) of frombits-bit values into tobits-bit values
 * (1..8 bits each). With pad, a last partial group is zero-filled; without
 * it, leftover bits must be fewer than frombits and all zero. */
int sato_bech32_convertbits(unsigned char *out, size_t outcap, size_t *outlen, int tobits,
                            const unsigned char *in, size_t inlen, int frombits, int pad);

/* The checksum residue of a lower-case hrp and 5-bit values (checksum
 * included) against an encoding: 0 exactly when the checksum is valid,
 * otherwise the error polynomial modulo the code's generator, whose six
 * 5-bit coefficients (x^5 in the top bits) sato_bech32_locate_errors
 * decodes. */
uint32_t sato_bech32_residue(const char *hrp, size_t hrplen, const unsigned char *values,
                             size_t nvalues, sato_bech32_encoding_t encoding);

/* Why str[0..len) is not a valid Bech32/Bech32m string, as Bitcoin Core's
 * bech32::LocateErrors explains it: *message receives Core's message ("" if
 * str is valid) and up to cap character positions at fault are written to
 * positions in ascending order; returns how many were written. A bad
 * checksum is decoded as up to two substituted characters in the data
 * part, trying both encodings and keeping the one needing fewer; if
 * neither explains it, the message is "Invalid checksum" with no
 * positions. */
size_t sato_bech32_locate_errors(int *positions, size_t cap, const char *str, size_t len,
                                 const char **message);

/* A segwit address for witness version 0..16 and its program: version 0
 * takes a 20 or 32 byte program and Bech32, versions 1..16 a program of
 * 2..40 bytes and Bech32m. out needs SATO_BECH32_MAX_LEN + 1 bytes. */
int sato_segwit_encode(char out[SATO_BECH32_MAX_LEN + 1], const char *hrp,
                       int version, const unsigned char *program, size_t programlen);

/* The reverse, accepting only addresses for the given (lower case) hrp. */
int sato_segwit_decode(int *version, unsigned char program[SATO_SEGWIT_PROGRAM_MAX],
                       size_t *programlen, const char *hrp, const char *addr, size_t len);

#endif
