/* The options satod understands. Each one listed here is implemented;
 * anything else is refused at start. */
#include <stddef.h>

#include "node/node.h"

const sato_arg_def_t sato_node_options[] = {
    SATO_ARGS_CHAIN_OPTIONS,
    {"daemon", SATO_ARG_BOOL, 0, "  Run in the background"},
    {"pid", SATO_ARG_STRING, 0, "=<file>  PID file, relative to the chain's data directory (default: satod.pid)"},
    {"debug", SATO_ARG_LIST, 0, "=<category>  Log debug lines of a category (1 or all: every one)"},
    {"debugexclude", SATO_ARG_LIST, 0, "=<category>  Exclude a category from -debug"},
    {"printtoconsole", SATO_ARG_BOOL, 0, "  Log to standard output (default: 1 unless -daemon)"},
    {"debuglogfile", SATO_ARG_STRING, 0, "=<file>  Log file, relative to the chain's data directory (default: debug.log)"},
    {"server", SATO_ARG_BOOL, 0, "  Accept JSON-RPC commands (default: 1)"},
    {"rpcport", SATO_ARG_INT, SATO_ARG_NETWORK_ONLY, "=<port>  JSON-RPC port"},
    {"rpcbind", SATO_ARG_LIST, SATO_ARG_NETWORK_ONLY,
     "=<addr>[:port]  Bind JSON-RPC here (honoured only with -rpcallowip; default: loopback)"},
    {"rpcallowip", SATO_ARG_LIST, 0, "=<ip>  Allow JSON-RPC from this address or subnet"},
    {"rpcuser", SATO_ARG_STRING, 0, "=<user>  JSON-RPC user name"},
    {"rpcpassword", SATO_ARG_STRING, 0, "=<pw>  JSON-RPC password"},
    {"rpcauth", SATO_ARG_LIST, 0, "=<userpw>  user:salt$hmac as made by rpcauth.py"},
    {"rpccookiefile", SATO_ARG_STRING, 0, "=<file>  Cookie file (default: .cookie in the chain's data directory)"},
    {"rpcthreads", SATO_ARG_INT, 0, "=<n>  JSON-RPC worker threads (default: 4)"},
    {"rpcworkqueue", SATO_ARG_INT, 0, "=<n>  Queued JSON-RPC requests before refusing (default: 16)"},
    {"rpcservertimeout", SATO_ARG_INT, 0, "=<n>  HTTP timeout in seconds (default: 30)"},
    {"dbcache", SATO_ARG_INT, 0, "=<n>  UTXO cache size in MiB (4 to 16384, default: 450)"},
    {"par", SATO_ARG_INT, 0,
     "=<n>  Script verification threads (1 to 15; 0: one per core; <0: leave that many cores free)"},
    {"reindex", SATO_ARG_BOOL, 0, "  Rebuild the chain state and the indexes from the blk files on disk"},
    {"assumevalid", SATO_ARG_STRING, 0,
     "=<hex>  Assume this block and its ancestors valid and skip their script checks (0: check all; "
     "default: the network's, as Core)"},
    {"minimumchainwork", SATO_ARG_STRING, 0,
     "=<hex>  (debug) Minimum work assumed to exist on a valid chain (default: the network's, as Core)"},
    {"checkblocks", SATO_ARG_INT, 0, "=<n>  Blocks to check at start (default: 6, 0 = all)"},
    {"txindex", SATO_ARG_BOOL, 0, "  Maintain a full transaction index, used by getrawtransaction (default: 0)"},
    {"listen", SATO_ARG_BOOL, 0, "  Accept connections from outside (default: 1 if no -connect)"},
    {"bind", SATO_ARG_LIST, SATO_ARG_NETWORK_ONLY, "=<addr>[:port]  Listen on this address (default: all)"},
    {"port", SATO_ARG_INT, SATO_ARG_NETWORK_ONLY, "=<port>  Listen for peers on this port"},
    {"connect", SATO_ARG_LIST, SATO_ARG_NETWORK_ONLY, "=<ip>[:port]  Connect only to these nodes (0: none)"},
    {"addnode", SATO_ARG_LIST, SATO_ARG_NETWORK_ONLY, "=<ip>[:port]  Also connect to this node and keep it"},
    {"seednode", SATO_ARG_LIST, SATO_ARG_NETWORK_ONLY, "=<ip>  Not supported yet: refused"},
    {"maxconnections", SATO_ARG_INT, 0, "=<n>  At most this many peers (default: 125)"},
    {"peertimeout", SATO_ARG_INT, 0, "=<n>  Seconds a new peer has to finish the handshake (default: 60)"},
    {"networkactive", SATO_ARG_BOOL, 0, "  Enable all P2P network activity (default: 1)"},
    {"whitelist", SATO_ARG_LIST, 0, "=noban@<ip>  Never punish peers from this address"},
    {"dnsseed", SATO_ARG_BOOL, 0, "  Query DNS seeds (default: 1; Sato has none yet and says so)"},
    {"flushinterval", SATO_ARG_INT, 0,
     "=<n>  (debug) Seconds between writes of the chain state of an idle node (default: 3600)"},
    {"help", SATO_ARG_BOOL, SATO_ARG_COMMANDLINE_ONLY, "  This help"},
    {"version", SATO_ARG_BOOL, SATO_ARG_COMMANDLINE_ONLY, "  Print the version and exit"},
};
const size_t sato_node_noptions = sizeof(sato_node_options) / sizeof(sato_node_options[0]);
