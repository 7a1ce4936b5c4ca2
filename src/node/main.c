/* satod: the Sato node daemon. For now it parses its command line, reports
 * its version and the chain it was asked to run; later layers make it a
 * node. */
#include <stdio.h>
#include <string.h>

#include "sato/sha256.h"

static const char *const chains[] = {"main", "test", "testnet4", "signet", "regtest"};

static int known_chain(const char *name) {
    size_t i;
    for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++)
        if (strcmp(chains[i], name) == 0) return 1;
    return 0;
}

static void usage(FILE *out) {
    fprintf(out,
            "Usage: satod [options]\n"
            "  -chain=<name>    main, test, testnet4, signet or regtest (default: main)\n"
            "  -regtest         same as -chain=regtest\n"
            "  -testnet         same as -chain=test\n"
            "  -testnet4        same as -chain=testnet4\n"
            "  -signet          same as -chain=signet\n"
            "  -datadir=<dir>   data directory\n"
            "  -version         print the version and exit\n");
}

int main(int argc, char **argv) {
    const char *chain = "main", *datadir = NULL;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-') a++;
        if (strcmp(a, "-regtest") == 0) chain = "regtest";
        else if (strcmp(a, "-testnet") == 0) chain = "test";
        else if (strcmp(a, "-testnet4") == 0) chain = "testnet4";
        else if (strcmp(a, "-signet") == 0) chain = "signet";
        else if (strncmp(a, "-chain=", 7) == 0) chain = a + 7;
        else if (strncmp(a, "-datadir=", 9) == 0) datadir = a + 9;
        else if (strcmp(a, "-version") == 0) {
            printf("Sato daemon version %s\n", SATO_VERSION);
            return 0;
        } else if (strcmp(a, "-help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "-?") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "Error: unknown option '%s' (see satod -help)\n", argv[i]);
            return 1;
        }
    }
    if (!known_chain(chain)) {
        fprintf(stderr, "Error: unknown chain '%s'\n", chain);
        return 1;
    }
    printf("Sato daemon version %s\n", SATO_VERSION);
    printf("chain: %s\n", chain);
    printf("datadir: %s\n", datadir ? datadir : "(default)");
    printf("sha256: %s\n", sato_sha256_impl());
    printf("The node itself (chain state, P2P, RPC) is not built yet; exiting.\n");
    return 0;
}
