/* Core's list of message types, for getpeerinfo's bytes per message.
 * Sorted as Core's std::map prints them, so a lookup is a binary search
 * and the RPC walks the array in order. Anything else counts as
 * "*other*", so a peer cannot grow the table with made-up names. */
#include <string.h>

#include "sato/protocol.h"

const char *const sato_msg_types[SATO_MSG_TYPES] = {
    "*other*",     "addr",        "addrv2",      "block",        "blocktxn",     "cfcheckpt",   "cfheaders",
    "cfilter",     "cmpctblock",  "feature",     "feefilter",    "filteradd",    "filterclear", "filterload",
    "getaddr",     "getblocks",   "getblocktxn", "getcfcheckpt", "getcfheaders", "getcfilters", "getdata",
    "getheaders",  "headers",     "inv",         "mempool",      "merkleblock",  "notfound",    "ping",
    "pong",        "sendaddrv2",  "sendcmpct",   "sendheaders",  "sendtxrcncl",  "tx",          "verack",
    "version",     "wtxidrelay",
};

size_t sato_msg_type_index(const char *command) {
    size_t lo = 1, hi = SATO_MSG_TYPES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(command, sato_msg_types[mid]);
        if (c == 0) return mid;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return SATO_MSG_TYPE_OTHER;
}
