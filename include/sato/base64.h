#ifndef SATO_BASE64_H
#define SATO_BASE64_H

#include <stddef.h>

/* Standard base64 (RFC 4648, with padding). encode writes a NUL-terminated
 * string of 4*ceil(n/3) characters; out needs that plus one. */
void sato_base64_encode(char *out, const unsigned char *in, size_t n);
/* Strict decoding: padding required, no whitespace. Returns 0 on junk or
 * if the result would not fit in outcap. */
int sato_base64_decode(unsigned char *out, size_t outcap, size_t *outlen, const char *in, size_t inlen);

#endif
