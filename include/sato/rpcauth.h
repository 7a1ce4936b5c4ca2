#ifndef SATO_RPCAUTH_H
#define SATO_RPCAUTH_H

#include <stddef.h>

/* Who may call the RPC server: the cookie user, -rpcuser/-rpcpassword,
 * and any number of -rpcauth entries (user:salt$hmac, as Bitcoin Core's
 * share/rpcauth/rpcauth.py writes them). */
typedef struct sato_rpcauth sato_rpcauth_t;

sato_rpcauth_t *sato_rpcauth_create(void);
void sato_rpcauth_destroy(sato_rpcauth_t *a);

/* Creates a fresh random cookie and writes "__cookie__:<hex>" to path
 * (through a temporary file and rename, mode 0600). */
int sato_rpcauth_make_cookie(sato_rpcauth_t *a, const char *path);
void sato_rpcauth_set_userpass(sato_rpcauth_t *a, const char *user, const char *pass);
/* Returns 0 if the entry is malformed. */
int sato_rpcauth_add(sato_rpcauth_t *a, const char *entry);

/* Checks an HTTP Authorization header value ("Basic <base64>"). */
int sato_rpcauth_check(const sato_rpcauth_t *a, const char *header);

/* Reads a cookie file's "user:password" into out (for sato-cli). */
int sato_rpcauth_read_cookie(const char *path, char *out, size_t outlen);

#endif
