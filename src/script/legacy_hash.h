#ifndef SATO_SCRIPT_LEGACY_HASH_H
#define SATO_SCRIPT_LEGACY_HASH_H

/* The two non-SHA-2 hashes script opcodes need: OP_SHA1 and OP_RIPEMD160
 * (and HASH160). Private to the script module. */

#include <stddef.h>

void sato_script_sha1(unsigned char out20[20], const unsigned char *data, size_t len);
void sato_script_ripemd160(unsigned char out20[20], const unsigned char *data, size_t len);

#endif
