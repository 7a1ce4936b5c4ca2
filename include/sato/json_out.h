#ifndef SATO_JSON_OUT_H
#define SATO_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* JSON text exactly as Bitcoin Core's UniValue writes it: amounts with
 * eight decimals ("1.00000000"), other reals with 16 significant digits,
 * objects in insertion order. jansson alone cannot print an amount that
 * way, so amounts are built with sato_json_amount and recognised here. */

/* An amount in satoshis, printed in BTC with eight decimals. */
json_t *sato_json_amount(int64_t sats);
/* The satoshis of a value made by sato_json_amount; 0 if it is not one. */
int sato_json_is_amount(const json_t *v, int64_t *sats);

/* Bytes as a JSON hex string. */
json_t *sato_json_hex(const unsigned char *p, size_t n);

/* Compact text (malloc'd), or NULL if v holds invalid data. */
char *sato_json_dumps(const json_t *v);

/* Re-indents JSON text by two spaces without reparsing numbers, so what
 * the server printed is what the user sees (sato-cli). Returns NULL if
 * the text is not JSON-shaped. */
char *sato_json_reindent(const char *text);

/* Finds the value of member `key` in the top-level object of JSON text
 * and returns its raw text span (not reparsed); 0 if absent or the text
 * is malformed. */
int sato_json_find_member(const char *text, const char *key, size_t *start, size_t *len);

#endif
