#ifndef SATO_BASE58_H
#define SATO_BASE58_H

#include <stddef.h>

/* Base58 and Base58Check with Bitcoin's alphabet, matching Bitcoin Core's
 * EncodeBase58/DecodeBase58 byte for byte. Strings are passed with an
 * explicit length so that an embedded NUL is seen (and refused) rather than
 * silently ending the input. */

/* Bytes an encoding of n input bytes may need, its terminating NUL
 * included: log(256)/log(58) < 1.38 characters per byte. */
#define SATO_BASE58_ENCODE_SIZE(n) ((n) * 138 / 100 + 2)

/* Writes the encoding of in[0..inlen) and a NUL to out; *outlen receives
 * the string length. Each leading zero byte becomes a leading '1'. Returns
 * 0 (and an empty string where outcap > 0) if outcap is too small. */
int sato_base58_encode(char *out, size_t outcap, size_t *outlen,
                       const unsigned char *in, size_t inlen);

/* Decodes str[0..len) into out, refusing any result longer than outcap
 * bytes: outcap is Core's max_ret_len and bounds the work done. Leading and
 * trailing whitespace is skipped as Core does; any other character outside
 * the alphabet, embedded whitespace or a NUL makes it fail. On failure
 * *outlen is 0 and out[0..outcap) holds no decoded data. */
int sato_base58_decode(unsigned char *out, size_t outcap, size_t *outlen,
                       const char *str, size_t len);

/* Base58 of in || first 4 bytes of SHA256d(in). */
int sato_base58check_encode(char *out, size_t outcap, size_t *outlen,
                            const unsigned char *in, size_t inlen);

/* Decodes and verifies the checksum; the payload (without it) goes to out
 * and may be at most outcap bytes long. Scratch memory holding the decoded
 * bytes is wiped, so this is fit for secrets. */
int sato_base58check_decode(unsigned char *out, size_t outcap, size_t *outlen,
                            const char *str, size_t len);

#endif
