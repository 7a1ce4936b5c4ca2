#ifndef SATO_TEST_TAPROOT_LEAF_H
#define SATO_TEST_TAPROOT_LEAF_H

#include <stddef.h>

/* The x-only public key of private key 1 (the generator's x). */
extern const unsigned char test_generator_x[32];

/* BIP341 output key and control block (33 bytes) of a tree with the one
 * tapscript leaf leaf_script, internal key G. Returns 0 on failure. */
int test_taproot_one_leaf(unsigned char out_key[32], unsigned char control[33],
                          const unsigned char *leaf_script, size_t leaf_len);

#endif
