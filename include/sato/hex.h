#ifndef SATO_HEX_H
#define SATO_HEX_H

#include <stddef.h>

/* Writes 2*n lowercase hex digits and a NUL to out (2*n+1 bytes). */
void sato_hex_encode(char *out, const unsigned char *in, size_t n);
/* The same for a 32-byte hash shown in Bitcoin's reversed byte order. */
void sato_hex_encode_rev(char *out, const unsigned char *in, size_t n);

/* Decodes a complete hex string (even length, digits of either case, no
 * spaces or prefix). Writes the byte count to *outlen; out needs
 * strlen(hex)/2 bytes. Returns 0 on any malformed input. */
int sato_hex_decode(unsigned char *out, size_t outcap, size_t *outlen, const char *hex);
/* Decodes exactly n bytes, reversed: for hashes shown in display order. */
int sato_hex_decode_rev(unsigned char *out, size_t n, const char *hex);
/* Decodes into a fresh allocation (caller frees); NULL on malformed input. */
unsigned char *sato_hex_decode_alloc(const char *hex, size_t *outlen);

#endif
