/* The control methods' interface. help is the server's own (help.c);
 * the others are the daemon's (src/node/rpc_control.c), described here so
 * that sato-cli, which does not link the daemon, knows their arguments. */
#include "spec.h"

const sato_rpc_method_t sato_rpc_spec_control[] = {
    {
        .category = "control",
        .name = "getmemoryinfo",
        .description = "Returns an object describing the node's memory use.",
        .args = ARGS(DEF("mode", STR, "\"stats\"",
                         "what to describe.\n"
                         "  - \"stats\": figures about the locked memory that keeps secrets (this node keeps none "
                         "yet, so every figure is 0).\n"
                         "  - \"mallocinfo\": glibc's malloc_info XML about the heap.")),
        .results = RESULTS(
            RES(OBJ, "", "", .cond = "mode \"stats\"",
                .inner = RESULTS(RES(
                    OBJ, "locked", "the locked memory manager's figures",
                    .inner = RESULTS(RES(NUM, "used", "bytes in use"),
                                     RES(NUM, "free", "bytes free in the current arenas"),
                                     RES(NUM, "total", "bytes managed"),
                                     RES(NUM, "locked",
                                         "bytes locked in memory; less than total when locking failed, so that "
                                         "secrets may reach the swap"),
                                     RES(NUM, "chunks_used", "chunks in use"), RES(NUM, "chunks_free", "chunks free"))))),
            RES(STR, "", "\"<malloc version=\"1\">...\"", .cond = "mode \"mallocinfo\"")),
        .examples = EX_BOTH("getmemoryinfo", ""),
    },
    {
        .category = "control",
        .name = "help",
        .description = "Lists every command, or describes one.",
        .args = ARGS(HINT("command", STR, "all commands", "The command to describe")),
        .results = RESULTS(RES(STR, "", "The help text"), RES(ANY, "", "")),
        .examples = "",
    },
    {
        .category = "control",
        .name = "logging",
        .description =
            "Gets and sets which debug categories are logged.\n"
            "Without arguments, returns every category with whether it is logged.\n"
            "With arguments, first adds the \"include\" categories, then removes the \"exclude\" ones (a category "
            "in both ends up not logged), and returns the same list.\n"
            "The categories are: addrman, bench, blockstorage, cmpctblock, coindb, http, libevent, mempool, net, "
            "prune, reindex, rpc, validation, walletdb\n"
            "Besides, \"all\" and \"1\" stand for every category.",
        .args = ARGS(OPT("include", ARR, "The categories to log",
                         .inner = ARGS(OPT("include_category", STR, "a logging category"))),
                     OPT("exclude", ARR, "The categories to stop logging",
                         .inner = ARGS(OPT("exclude_category", STR, "a logging category")))),
        .results = RESULTS(RES(OBJ_DYN, "", "each category, with whether it is logged",
                               .inner = RESULTS(RES(BOOL, "category", "true: logged, false: not logged")))),
        .examples = EX_CLI("logging", "\"[\\\"all\\\"]\" \"[\\\"http\\\"]\"")
            EX_RPC("logging", "[\"all\"], [\"libevent\"]"),
    },
    {
        .category = "hidden",
        .name = "setmocktime",
        .description = "Set the local time to given timestamp (-regtest only)\n",
        .args = ARGS(REQ("timestamp", NUM,
                         "UNIX epoch time\nPass 0 to go back to using the system time.")),
        .results = RESULTS(RES(NONE, "", "")),
        .examples = "",
    },
    {
        .category = "control",
        .name = "stop",
        .description = "Asks Sato to shut down cleanly.",
        /* As in Core, a hidden wait in milliseconds before the answer (for tests). */
        .args = ARGS(OPT("wait", NUM, "how long to wait in ms", .opts = SATO_RPC_ARG_HIDDEN)),
        .results = RESULTS(RES(STR, "", "the words 'Sato server stopping'")),
        .examples = "",
    },
    {
        .category = "control",
        .name = "uptime",
        .description = "Returns how long the server has been running.",
        .results = RESULTS(RES(NUM, "", "the number of seconds since the server started")),
        .examples = EX_BOTH("uptime", ""),
    },
    {0},
};
