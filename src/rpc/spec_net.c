/* The network methods' interface (handlers in net.c), in Core's layout
 * and Sato's words; where this node answers differently the text says so. */
#include "spec.h"

#define NETWORK_NAMES "ipv4, ipv6, onion, i2p, cjdns"

const sato_rpc_method_t sato_rpc_spec_net[] = {
    {
        .category = "hidden",
        .name = "addconnection",
        .description = "Opens an outbound connection of a given kind to a node, as the node would open one itself. "
                       "For tests only (regtest).\n",
        .args = ARGS(REQ("address", STR, "The node's IP address and port"),
                     REQ("connection_type", STR,
                         "The kind of connection (\"outbound-full-relay\", \"block-relay-only\", \"addr-fetch\" "
                         "or \"feeler\")"),
                     REQ("v2transport", BOOL, "Whether to use BIP324's v2 transport (this node speaks only v1: "
                                              "true is refused)")),
        .results = RESULTS(RES(OBJ, "", "",
                               .inner = RESULTS(RES(STR, "address", "The address connected to"),
                                                RES(STR, "connection_type", "The kind of connection opened")))),
        .examples = EX_CLI("addconnection", "\"192.168.0.6:8333\" \"outbound-full-relay\" false")
            EX_RPC("addconnection", "\"192.168.0.6:8333\", \"outbound-full-relay\", false"),
    },
    {
        .category = "network",
        .name = "addnode",
        .description =
            "Adds a node to the addnode list or removes it, or tries one connection to it.\n"
            "Nodes added with addnode (or -connect) are not disconnected for misbehaviour and need not be full "
            "nodes or support segwit as other outbound peers must (such peers are then not synced from).",
        .args = ARGS(REQ("node", STR, "The peer's IP address, with an optional :port (this node takes IP literals, not "
                                      "host names)"),
                     REQ("command", STR,
                         "'add' to put the node on the list, 'remove' to take it off, 'onetry' to connect to it once"),
                     HINT("v2transport", BOOL, "set by -v2transport",
                          "Whether to connect with BIP324's v2 transport. This node speaks only v1: the value is "
                          "ignored.")),
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_CLI("addnode", "\"192.168.0.6:8333\" \"onetry\" true")
            EX_RPC("addnode", "\"192.168.0.6:8333\", \"onetry\", true"),
    },
    {
        .category = "hidden",
        .name = "addpeeraddress",
        .description = "Adds a potential peer's address to a table of the address manager. For tests only.",
        .args = ARGS(REQ("address", STR, "The peer's IP address"), REQ("port", NUM, "The peer's port"),
                     DEF("tried", BOOL, "false", "Whether to put it in the table of tried addresses")),
        .results = RESULTS(RES(OBJ, "", "",
                               .inner = RESULTS(RES(BOOL, "success", "whether the address went into the table"),
                                                RES_OPT(STR, "error",
                                                        "why it did not, if known (this node never says)")))),
        .examples = EX_CLI("addpeeraddress", "\"1.2.3.4\" 8333 true") EX_RPC("addpeeraddress", "\"1.2.3.4\", 8333, true"),
    },
    {
        .category = "network",
        .name = "clearbanned",
        .description = "Lifts every ban.",
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_BOTH("clearbanned", ""),
    },
    {
        .category = "network",
        .name = "disconnectnode",
        .description = "Disconnects a peer at once.\n"
                       "\nGive exactly one of 'address' and 'nodeid'.\n"
                       "\nTo disconnect by nodeid, give 'address' as the empty string, or pass 'nodeid' by name alone.",
        .args = ARGS(HINT("address", STR, "fallback to nodeid", "The peer's IP address and port"),
                     HINT("nodeid", NUM, "fallback to address", "The peer's id (getpeerinfo lists them)")),
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_CLI("disconnectnode", "\"192.168.0.6:8333\"") EX_CLI("disconnectnode", "\"\" 1")
            EX_RPC("disconnectnode", "\"192.168.0.6:8333\"") EX_RPC("disconnectnode", "\"\", 1"),
    },
    {
        .category = "network",
        .name = "getaddednodeinfo",
        .description = "Returns the nodes of the addnode list (those tried once with onetry are not on it).",
        .args = ARGS(HINT("node", STR, "all nodes",
                          "The node to report on. This node does not filter yet: it always lists every added node.")),
        .results = RESULTS(RES(
            ARR, "", "",
            .inner = RESULTS(RES(
                OBJ, "", "",
                .inner = RESULTS(
                    RES(STR, "addednode", "the node's address, as added"),
                    RES(BOOL, "connected", "whether it is connected"),
                    RES(ARR, "addresses", "only while connected",
                        .inner = RESULTS(RES(OBJ, "", "",
                                             .inner = RESULTS(RES(STR, "address", "the address and port connected to"),
                                                              RES(STR, "connected", "inbound or outbound")))))))))),
        .examples = EX_BOTH("getaddednodeinfo", "\"192.168.0.201\""),
    },
    {
        .category = "network",
        .name = "getconnectioncount",
        .description = "Returns how many peers the node is connected to.",
        .results = RESULTS(RES(NUM, "", "the number of connections")),
        .examples = EX_BOTH("getconnectioncount", ""),
    },
    {
        .category = "network",
        .name = "getnettotals",
        .description = "Returns the network traffic so far (bytes in and out) and the current time.",
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(NUM, "totalbytesrecv", "bytes received"), RES(NUM, "totalbytessent", "bytes sent"),
                RES(TIME, "timemillis", "the current " UNIX_EPOCH_TIME ", in milliseconds"),
                RES(OBJ, "uploadtarget", "",
                    .inner = RESULTS(
                        RES(NUM, "timeframe", "the measuring period, in seconds"),
                        RES(NUM, "target", "the upload target in bytes (0: none; this node sets none)"),
                        RES(BOOL, "target_reached", "whether the target is reached"),
                        RES(BOOL, "serve_historical_blocks", "whether old blocks are still served"),
                        RES(NUM, "bytes_left_in_cycle", "bytes left in the current period"),
                        RES(NUM, "time_left_in_cycle", "seconds left in the current period")))))),
        .examples = EX_BOTH("getnettotals", ""),
    },
    {
        .category = "network",
        .name = "getnetworkinfo",
        .description = "Returns the state of the peer-to-peer networking.",
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(NUM, "version", "the server's version"), RES(STR, "subversion", "the server's user agent"),
                RES(NUM, "protocolversion", "the protocol version"),
                RES(STR_HEX, "localservices", "the services offered to the network"),
                RES(ARR, "localservicesnames", "the same services, by name",
                    .inner = RESULTS(RES(STR, "SERVICE_NAME", "a service's name"))),
                RES(BOOL, "localrelay", "whether peers are asked to relay transactions (never: no mempool yet)"),
                RES(NUM, "timeoffset", "the time offset"), RES(NUM, "connections", "all connections"),
                RES(NUM, "connections_in", "inbound connections"), RES(NUM, "connections_out", "outbound connections"),
                RES(BOOL, "networkactive", "whether peer-to-peer networking is on"),
                RES(ARR, "networks", "each network",
                    .inner = RESULTS(RES(
                        OBJ, "", "",
                        .inner = RESULTS(RES(STR, "name", "the network (" NETWORK_NAMES ")"),
                                         RES(BOOL, "limited", "whether it is left out (this node reaches IPv4 and IPv6 only)"),
                                         RES(BOOL, "reachable", "whether it is reachable"),
                                         RES(STR, "proxy", "(\"host:port\") its proxy, or empty for none"),
                                         RES(BOOL, "proxy_randomize_credentials",
                                             "whether the proxy gets random credentials"))))),
                RES(NUM, "relayfee", "the minimum relay fee rate for transactions, in BTC/kvB"),
                RES(NUM, "incrementalfee",
                    "the minimum fee rate increment for mempool limiting or replacement, in BTC/kvB"),
                RES(ARR, "localaddresses", "the node's own addresses (none listed yet)",
                    .inner = RESULTS(RES(OBJ, "", "",
                                         .inner = RESULTS(RES(STR, "address", "an address"), RES(NUM, "port", "its port"),
                                                          RES(NUM, "score", "its relative score"))))),
                RES(ARR, "warnings", "network and chain warnings", .inner = RESULTS(RES(STR, "", "a warning")))))),
        .examples = EX_BOTH("getnetworkinfo", ""),
    },
    {
        .category = "network",
        .name = "getnodeaddresses",
        .description = "Returns addresses the node knows, picked for quality and recency.\n"
                       "They are candidates for new peers; the node may know more of them.",
        .args = ARGS(DEF("count", NUM, "1", "The most addresses to return; 0 for all of them."),
                     HINT("network", STR, "all networks",
                          "Only the addresses of this network: one of " NETWORK_NAMES ".")),
        .results = RESULTS(RES(
            ARR, "", "",
            .inner = RESULTS(RES(
                OBJ, "", "",
                .inner = RESULTS(RES(TIME, "time", "the " UNIX_EPOCH_TIME " the node was last seen"),
                                 RES(NUM, "services", "the services it offers"),
                                 RES(STR, "address", "its address"), RES(NUM, "port", "its port"),
                                 RES(STR, "network", "its network (" NETWORK_NAMES ")")))))),
        .examples = EX_CLI("getnodeaddresses", "8") EX_CLI("getnodeaddresses", "4 \"i2p\"")
            EX_CLI("-named getnodeaddresses", "network=onion count=12") EX_RPC("getnodeaddresses", "8")
                EX_RPC("getnodeaddresses", "4, \"i2p\""),
    },
    {
        .category = "network",
        .name = "getpeerinfo",
        .description = "Returns each connected peer as a JSON object.\n"
                       "Bitcoin Core's last_inv_sequence and inv_to_send (about transaction announcements) are left "
                       "out: this node has no mempool yet. addrbind, addrlocal and mapped_as are not given either.",
        .results = RESULTS(RES(
            ARR, "", "",
            .inner = RESULTS(RES(
                OBJ, "", "",
                .inner = RESULTS(
                    RES(NUM, "id", "the peer's id"),
                    RES(STR, "addr", "(host:port) the peer's address"),
                    RES(STR, "network",
                        "the network (" NETWORK_NAMES ", or not_publicly_routable for loopback and private "
                        "addresses)"),
                    RES(STR_HEX, "services", "the services it offers"),
                    RES(ARR, "servicesnames", "the same services, by name",
                        .inner = RESULTS(RES(STR, "SERVICE_NAME", "a known service's name"))),
                    RES(BOOL, "relaytxes", "whether transactions are relayed to it"),
                    RES(TIME, "lastsend", "the " UNIX_EPOCH_TIME " of the last send"),
                    RES(TIME, "lastrecv", "the " UNIX_EPOCH_TIME " of the last receive"),
                    RES(TIME, "last_transaction", "the " UNIX_EPOCH_TIME " of its last valid transaction (always 0)"),
                    RES(TIME, "last_block", "the " UNIX_EPOCH_TIME " of its last new block (always 0 yet)"),
                    RES(NUM, "bytessent", "bytes sent to it"), RES(NUM, "bytesrecv", "bytes received from it"),
                    RES(TIME, "conntime", "the " UNIX_EPOCH_TIME " of the connection"),
                    RES(NUM, "timeoffset", "its clock's offset, in seconds"),
                    RES_OPT(NUM, "pingtime", "the last ping time in seconds, if any"),
                    RES_OPT(NUM, "minping", "the smallest ping time seen, in seconds, if any"),
                    RES_OPT(NUM, "pingwait", "how long an unanswered ping has waited, in seconds, if one has"),
                    RES(NUM, "version", "its protocol version, such as 70016"),
                    RES(STR, "subver", "its user agent"), RES(BOOL, "inbound", "true if it connected to us"),
                    RES(BOOL, "bip152_hb_to", "whether we chose it as a high-bandwidth compact block peer (never yet)"),
                    RES(BOOL, "bip152_hb_from", "whether it chose us as one (never yet)"),
                    RES(NUM, "startingheight",
                        "the height it announced when connecting (Bitcoin Core no longer returns it)"),
                    RES(NUM, "presynced_headers",
                        "the height of the low-work header pre-sync with it, or -1 if there is none"),
                    RES(NUM, "synced_headers", "the last header both have"),
                    RES(NUM, "synced_blocks", "the last block both have"),
                    RES(ARR, "inflight", "", .inner = RESULTS(RES(NUM, "n", "the heights of blocks asked of it"))),
                    RES(BOOL, "addr_relay_enabled", "whether addresses are relayed with it"),
                    RES(NUM, "addr_processed", "addresses processed, not counting those rate-limited"),
                    RES(NUM, "addr_rate_limited", "addresses dropped by the rate limit"),
                    RES(ARR, "permissions", "the permissions it has",
                        .inner = RESULTS(RES(STR, "permission_type", "noban (not disconnected for misbehaviour; the "
                                                                     "only permission this node grants)"))),
                    RES(NUM, "minfeefilter", "the lowest fee rate it takes for transactions"),
                    RES(OBJ_DYN, "bytessent_per_msg", "",
                        .inner = RESULTS(RES(NUM, "msg",
                                             "bytes sent of each message type (its 24-byte header and payload); a "
                                             "type not listed had none. Only known message types appear"))),
                    RES(OBJ_DYN, "bytesrecv_per_msg", "",
                        .inner = RESULTS(RES(NUM, "msg",
                                             "bytes received of each message type (its 24-byte header and payload); "
                                             "a type not listed had none. Only known message types appear: "
                                             "unknown ones, and messages dropped for a bad checksum or type, "
                                             "are counted under '*other*'"))),
                    RES(STR, "connection_type",
                        "the kind of connection (this node makes the first three; Bitcoin Core has more):\n"
                        "outbound-full-relay (automatic),\n"
                        "inbound (the peer connected to us),\n"
                        "manual (addnode, -addnode or -connect).\n"
                        "These names may change, as they may in Bitcoin Core."),
                    RES(STR, "transport_protocol_type", "the transport: v1 (plaintext; the only one this node speaks)"),
                    RES(STR, "session_id", "the v2 session id, or \"\" (always, with v1)")))))),
        .examples = EX_BOTH("getpeerinfo", ""),
    },
    {
        .category = "network",
        .name = "listbanned",
        .description = "Lists the IP addresses and subnets banned by hand.",
        .results = RESULTS(RES(
            ARR, "", "",
            .inner = RESULTS(RES(
                OBJ, "", "",
                .inner = RESULTS(RES(STR, "address", "the banned address or subnet"),
                                 RES(TIME, "ban_created", "the " UNIX_EPOCH_TIME " of the ban"),
                                 RES(TIME, "banned_until", "the " UNIX_EPOCH_TIME " it ends"),
                                 RES(TIME, "ban_duration", "how long it lasts, in seconds"),
                                 RES(TIME, "time_remaining", "how long it has left, in seconds")))))),
        .examples = EX_BOTH("listbanned", ""),
    },
    {
        .category = "network",
        .name = "ping",
        .description = "Asks every peer for a ping, to measure the ping time (getpeerinfo shows the results).",
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_BOTH("ping", ""),
    },
    {
        .category = "network",
        .name = "setban",
        .description = "Bans an IP address or subnet, or lifts its ban.",
        .args = ARGS(REQ("subnet", STR, "The IP address or subnet, with an optional netmask (/32, a single address, by "
                                        "default)"),
                     REQ("command", STR, "'add' to ban it, 'remove' to lift the ban"),
                     DEF("bantime", NUM, "0",
                         "how long the ban lasts, in seconds (or, with absolute, until when); 0 for 24 hours"),
                     DEF("absolute", BOOL, "false", "Whether bantime is an " UNIX_EPOCH_TIME " rather than a duration")),
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_CLI("setban", "\"192.168.0.6\" \"add\" 86400") EX_CLI("setban", "\"192.168.0.0/24\" \"add\"")
            EX_RPC("setban", "\"192.168.0.6\", \"add\", 86400"),
    },
    {
        .category = "network",
        .name = "setnetworkactive",
        .description = "Turns all peer-to-peer network activity off or on.",
        .args = ARGS(REQ("state", BOOL, "true to turn networking on, false to turn it off")),
        .results = RESULTS(RES(BOOL, "", "whether networking is now on")),
        .examples = "",
    },
    {0},
};
