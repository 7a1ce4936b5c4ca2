/* RPC credentials: cookie, -rpcuser/-rpcpassword and salted -rpcauth. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sato/base64.h"
#include "sato/hex.h"
#include "sato/hmac.h"
#include "sato/mem.h"
#include "sato/random.h"
#include "sato/rpcauth.h"

#define COOKIE_USER "__cookie__"

typedef struct {
    char *user;
    char *salt;
    unsigned char hmac[32];
} rpcauth_entry_t;

struct sato_rpcauth {
    char *userpass; /* "user:password" pairs accepted verbatim */
    char *cookie;
    rpcauth_entry_t *entries;
    size_t n;
};

sato_rpcauth_t *sato_rpcauth_create(void) {
    return sato_calloc(1, sizeof(sato_rpcauth_t));
}

void sato_rpcauth_destroy(sato_rpcauth_t *a) {
    size_t i;
    if (a == NULL) return;
    for (i = 0; i < a->n; i++) {
        free(a->entries[i].user);
        free(a->entries[i].salt);
    }
    free(a->entries);
    if (a->userpass) sato_memzero(a->userpass, strlen(a->userpass));
    if (a->cookie) sato_memzero(a->cookie, strlen(a->cookie));
    free(a->userpass);
    free(a->cookie);
    free(a);
}

int sato_rpcauth_make_cookie(sato_rpcauth_t *a, const char *path) {
    unsigned char secret[32];
    char hex[65], *tmp, *line;
    size_t n = strlen(path) + 5, len;
    int fd, ok = 0;
    sato_random_bytes(secret, sizeof(secret));
    sato_hex_encode(hex, secret, sizeof(secret));
    sato_memzero(secret, sizeof(secret));
    len = strlen(COOKIE_USER) + 1 + 64;
    line = sato_malloc(len + 1);
    snprintf(line, len + 1, "%s:%s", COOKIE_USER, hex);
    tmp = sato_malloc(n);
    snprintf(tmp, n, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) goto out;
    if (write(fd, line, len) != (ssize_t)len || fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        goto out;
    }
    free(a->cookie);
    a->cookie = line;
    line = NULL;
    ok = 1;
out:
    free(tmp);
    if (line) {
        sato_memzero(line, len);
        free(line);
    }
    return ok;
}

void sato_rpcauth_set_userpass(sato_rpcauth_t *a, const char *user, const char *pass) {
    size_t n = strlen(user) + strlen(pass) + 2;
    free(a->userpass);
    a->userpass = sato_malloc(n);
    snprintf(a->userpass, n, "%s:%s", user, pass);
}

int sato_rpcauth_add(sato_rpcauth_t *a, const char *entry) {
    const char *colon = strchr(entry, ':'), *dollar;
    size_t hmaclen;
    rpcauth_entry_t e;
    if (colon == NULL || colon == entry) return 0;
    dollar = strchr(colon + 1, '$');
    if (dollar == NULL || dollar == colon + 1 || strchr(dollar + 1, '$') != NULL) return 0;
    if (!sato_hex_decode(e.hmac, sizeof(e.hmac), &hmaclen, dollar + 1) || hmaclen != 32) return 0;
    e.user = sato_malloc((size_t)(colon - entry) + 1);
    memcpy(e.user, entry, (size_t)(colon - entry));
    e.user[colon - entry] = '\0';
    e.salt = sato_malloc((size_t)(dollar - colon));
    memcpy(e.salt, colon + 1, (size_t)(dollar - colon - 1));
    e.salt[dollar - colon - 1] = '\0';
    a->entries = sato_realloc(a->entries, (a->n + 1) * sizeof(*a->entries));
    a->entries[a->n++] = e;
    return 1;
}

/* Compares without an early exit, so timing says nothing of the secret. */
static int equal_ct(const char *x, size_t xlen, const char *y, size_t ylen) {
    unsigned char d = (unsigned char)(xlen != ylen);
    size_t i, n = xlen < ylen ? xlen : ylen;
    for (i = 0; i < n; i++) d |= (unsigned char)(x[i] ^ y[i]);
    return d == 0;
}

int sato_rpcauth_check(const sato_rpcauth_t *a, const char *header) {
    unsigned char decoded[1024];
    size_t n, i, hlen;
    const char *colon;
    int ok = 0;
    if (header == NULL || strncmp(header, "Basic ", 6) != 0) return 0;
    header += 6;
    while (*header == ' ') header++;
    hlen = strlen(header);
    while (hlen > 0 && header[hlen - 1] == ' ') hlen--;
    if (!sato_base64_decode(decoded, sizeof(decoded) - 1, &n, header, hlen)) return 0;
    decoded[n] = '\0';
    if (memchr(decoded, '\0', n) != NULL) goto out;
    if (a->cookie && equal_ct((char *)decoded, n, a->cookie, strlen(a->cookie))) ok = 1;
    if (a->userpass && equal_ct((char *)decoded, n, a->userpass, strlen(a->userpass))) ok = 1;
    colon = memchr(decoded, ':', n);
    for (i = 0; colon != NULL && i < a->n; i++) {
        const rpcauth_entry_t *e = &a->entries[i];
        const char *pass = colon + 1;
        unsigned char mac[32];
        size_t ulen = (size_t)(colon - (char *)decoded);
        if (ulen != strlen(e->user) || memcmp(decoded, e->user, ulen) != 0) continue;
        sato_hmac_sha256(mac, (const unsigned char *)e->salt, strlen(e->salt),
                         (const unsigned char *)pass, n - ulen - 1);
        if (equal_ct((char *)mac, 32, (const char *)e->hmac, 32)) ok = 1;
    }
out:
    sato_memzero(decoded, sizeof(decoded));
    return ok;
}

int sato_rpcauth_read_cookie(const char *path, char *out, size_t outlen) {
    FILE *f = fopen(path, "r");
    size_t n;
    if (f == NULL || outlen == 0) {
        if (f) fclose(f);
        return 0;
    }
    n = fread(out, 1, outlen - 1, f);
    fclose(f);
    out[n] = '\0';
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r')) out[--n] = '\0';
    return n > 0 && strchr(out, ':') != NULL;
}
