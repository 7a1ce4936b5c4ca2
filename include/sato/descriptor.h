#ifndef SATO_DESCRIPTOR_H
#define SATO_DESCRIPTOR_H

#include <stddef.h>

#include "sato/address.h"

/* Output script descriptors (BIP380-386), so far the parts RPC results
 * need: the checksum, and inferring a descriptor from a script. */

/* The 8-character BIP380 checksum of desc (without '#'); writes it and a
 * NUL to out. Returns 0 if desc has a character outside the charset. */
int sato_descriptor_checksum(char out[9], const char *desc, size_t len);

/* Bitcoin Core's InferDescriptor with no signing data: pk() and multi()
 * for bare keys, rawtr() for taproot outputs, addr() for scripts with an
 * address, raw() for the rest; when witness_script is given and script is
 * its P2WSH output, wsh(pk()) / wsh(multi()) where those fit. Miniscript
 * inference inside wsh() is not implemented: such scripts give addr().
 * Returns a malloc'd string with "#checksum" appended. */
char *sato_descriptor_infer(const sato_chain_addr_t *chain, const unsigned char *script, size_t len,
                            const unsigned char *witness_script, size_t witness_script_len);

/* Parses a descriptor that stands for one output script: addr(ADDRESS),
 * raw(HEX), pk(KEY), pkh(KEY), wpkh(KEY), sh(wpkh(KEY)), rawtr(XONLY), with
 * keys in hex (no extended keys or derivation yet). The "#checksum" suffix
 * is optional but checked when present. Writes the script to a malloc'd
 * *script; on failure writes Bitcoin Core's error text to err. */
int sato_descriptor_parse_script(unsigned char **script, size_t *script_len, char *err, size_t errlen,
                                 const sato_chain_addr_t *chain, const char *desc);

#endif
