#ifndef SATO_SCRIPT_SHA1_H
#define SATO_SCRIPT_SHA1_H

/* SHA-1 for OP_SHA1. Private to the script module. */

#include <stddef.h>

void sato_script_sha1(unsigned char out20[20], const unsigned char *data, size_t len);

#endif
