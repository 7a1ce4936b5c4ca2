#ifndef SATO_TEST_SCRIPT_ASM_H
#define SATO_TEST_SCRIPT_ASM_H

/* Bitcoin Core's script text syntax used by its test vectors (ParseScript
 * in core_read.cpp): decimal numbers pushed as script numbers, 0x.. raw
 * bytes inserted as they are, 'text' pushed as data, opcode names with or
 * without the OP_ prefix. */

#include "sato/buf.h"

/* Appends the parsed script to out; returns 0 on a token it cannot read. */
int script_asm_parse(sato_buf_t *out, const char *text);

/* Appends the push of data as `CScript() << data` writes it. */
void script_asm_push_data(sato_buf_t *out, const unsigned char *data, size_t len);

/* Parses a comma-separated list of flag names (no SCRIPT_VERIFY_ prefix). */
int script_asm_parse_flags(unsigned int *flags, const char *text);

#endif
