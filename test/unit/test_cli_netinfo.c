/* sato-cli -netinfo's dashboard against bitcoin-cli's layout: the
 * expected texts were rendered from Core's format strings by an
 * independent script, for peers of every kind the table shows (inbound
 * and outbound, block-relay, manual, an unreachable network, no ping, a
 * ping past 999999 ms, a wide rate-limit count) and local addresses. */
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* The client's version is the build's; the expected texts say TEST. */
#define SATO_VERSION "TEST"
#include "cli/netinfo.c"

static const char peers_json[] = "[{\"id\": 0, \"inbound\": true, \"network\": \"ipv4\", \"addr\": \"1.2.3.4:8333\", \"minping\": 0.0123, \"pingtime\": 0.0456, \"servicesnames\": [\"NETWORK\", \"WITNESS\"], \"conntime\": 1699999880, \"lastsend\": 1699999995, \"lastrecv\": 1699999993, \"last_transaction\": 0, \"last_block\": 1699996400, \"relaytxes\": true, \"addr_relay_enabled\": true, \"addr_processed\": 12, \"addr_rate_limited\": 0, \"bip152_hb_to\": false, \"bip152_hb_from\": true, \"version\": 70016, \"subver\": \"/Satoshi:27.0.0/\", \"transport_protocol_type\": \"v2\", \"connection_type\": \"inbound\"}, {\"id\": 13, \"inbound\": false, \"network\": \"ipv6\", \"addr\": \"[2001:db8::1]:8333\", \"minping\": 1000.5, \"pingtime\": 0.2, \"servicesnames\": [\"NETWORK\", \"NETWORK_LIMITED\", \"P2P_V2\"], \"conntime\": 1699997000, \"lastsend\": 1699999999, \"lastrecv\": 1699999998, \"last_transaction\": 0, \"last_block\": 0, \"relaytxes\": false, \"addr_relay_enabled\": false, \"addr_processed\": 0, \"addr_rate_limited\": 0, \"bip152_hb_to\": true, \"bip152_hb_from\": false, \"version\": 70016, \"subver\": \"/Sato:0.1.0/\", \"transport_protocol_type\": \"v1\", \"connection_type\": \"block-relay-only\"}, {\"id\": 5, \"inbound\": false, \"network\": \"not_publicly_routable\", \"addr\": \"127.0.0.1:18444\", \"servicesnames\": [], \"conntime\": 1700000000, \"lastsend\": 0, \"lastrecv\": 0, \"last_transaction\": 0, \"last_block\": 0, \"relaytxes\": true, \"addr_relay_enabled\": true, \"addr_processed\": 0, \"addr_rate_limited\": 1234567, \"bip152_hb_to\": false, \"bip152_hb_from\": false, \"version\": 0, \"subver\": \"\", \"transport_protocol_type\": \"v1\", \"connection_type\": \"manual\"}, {\"id\": 7, \"inbound\": true, \"network\": \"onion\", \"addr\": \"abc.onion:8333\", \"servicesnames\": [\"NETWORK\"], \"conntime\": 1699999940, \"lastsend\": 1699999940, \"lastrecv\": 1699999940, \"last_transaction\": 1699999400, \"last_block\": 0, \"relaytxes\": true, \"addr_relay_enabled\": true, \"addr_processed\": 3, \"addr_rate_limited\": 0, \"bip152_hb_to\": false, \"bip152_hb_from\": false, \"version\": 70015, \"subver\": \"/x/\", \"transport_protocol_type\": \"v1\", \"connection_type\": \"inbound\"}]";
static const char netinfo_json[] = "{\"protocolversion\": 70016, \"subversion\": \"/Sato:0.1.0/\", \"localservicesnames\": [\"NETWORK\", \"WITNESS\"], \"networks\": [{\"name\": \"ipv4\", \"reachable\": true}, {\"name\": \"ipv6\", \"reachable\": true}, {\"name\": \"onion\", \"reachable\": false}, {\"name\": \"i2p\", \"reachable\": false}, {\"name\": \"cjdns\", \"reachable\": false}], \"localaddresses\": [{\"address\": \"1.2.3.4\", \"port\": 8333, \"score\": 4}, {\"address\": \"2001:db8::5\", \"port\": 8333, \"score\": 1}]}";
static const char want_0_0[] =
    "Sato client vTEST regtest - server 70016/Sato:0.1.0/\n"
    "\n"
    "         ipv4    ipv6     npr   total   block  manual\n"
    "in          1       0       0       2\n"
    "out         0       1       1       2       1       1\n"
    "total       1       1       1       4\n"
    "\n"
    "Local services: network, witness\n"
    "\n"
    "Local addresses\n"
    "1.2.3.4         port   8333    score      4\n"
    "2001:db8::5     port   8333    score      1";
static const char want_1_0[] =
    "Sato client vTEST regtest - server 70016/Sato:0.1.0/ - services nw\n"
    "\n"
    "<->   type   net   serv  v  mping   ping send recv  txn  blk  hb addrp  addrl  age id \n"
    " in        onion      n  1                 60   60   10              3           1  7 \n"
    " in         ipv4     nw  2     12     46    5    7        60   *    12           2  0 \n"
    "out manual   npr         1                                            1234567    0  5 \n"
    "out  block  ipv6    nl2  1      -    200    1    2    *       .      .          50 13 \n"
    "                               ms     ms  sec  sec  min  min                  min\n"
    "\n"
    "         ipv4    ipv6     npr   total   block  manual\n"
    "in          1       0       0       2\n"
    "out         0       1       1       2       1       1\n"
    "total       1       1       1       4\n"
    "\n"
    "Local addresses\n"
    "1.2.3.4         port   8333    score      4\n"
    "2001:db8::5     port   8333    score      1";
static const char want_4_0[] =
    "Sato client vTEST regtest - server 70016/Sato:0.1.0/ - services nw\n"
    "\n"
    "<->   type   net   serv  v  mping   ping send recv  txn  blk  hb addrp  addrl  age id address            version\n"
    " in        onion      n  1                 60   60   10              3           1  7 abc.onion:8333     70015/x/\n"
    " in         ipv4     nw  2     12     46    5    7        60   *    12           2  0 1.2.3.4:8333       70016/Satoshi:27.0.0/\n"
    "out manual   npr         1                                            1234567    0  5 127.0.0.1:18444    \n"
    "out  block  ipv6    nl2  1      -    200    1    2    *       .      .          50 13 [2001:db8::1]:8333 70016/Sato:0.1.0/\n"
    "                               ms     ms  sec  sec  min  min                  min\n"
    "\n"
    "         ipv4    ipv6     npr   total   block  manual\n"
    "in          1       0       0       2\n"
    "out         0       1       1       2       1       1\n"
    "total       1       1       1       4\n"
    "\n"
    "Local addresses\n"
    "1.2.3.4         port   8333    score      4\n"
    "2001:db8::5     port   8333    score      1";
static const char want_3_1[] =
    "Sato client vTEST regtest - server 70016/Sato:0.1.0/ - services nw\n"
    "\n"
    "<->   type   net   serv  v  mping   ping send recv  txn  blk  hb addrp  addrl  age id version\n"
    "out manual   npr         1                                            1234567    0  5 \n"
    "out  block  ipv6    nl2  1      -    200    1    2    *       .      .          50 13 70016/Sato:0.1.0/\n"
    "                               ms     ms  sec  sec  min  min                  min\n"
    "\n"
    "         ipv4    ipv6     npr   total   block  manual\n"
    "in          1       0       0       2\n"
    "out         0       1       1       2       1       1\n"
    "total       1       1       1       4\n"
    "\n"
    "Local addresses\n"
    "1.2.3.4         port   8333    score      4\n"
    "2001:db8::5     port   8333    score      1";

static void check_render(int level, int outonly, const char *want) {
    json_t *peers = json_loads(peers_json, 0, NULL), *info = json_loads(netinfo_json, 0, NULL);
    char *got = sato_netinfo_render(peers, info, level, outonly, "regtest", 1700000000);
    int ok = strcmp(got, want) == 0;
    if (!ok) fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
    test_case(ok, "-netinfo %d%s renders as bitcoin-cli", level, outonly ? " outonly" : "");
    free(got);
    json_decref(peers);
    json_decref(info);
}

static void test_args(void) {
    const char *a[3];
    char err[256];
    int level, outonly;
    CHECK(sato_netinfo_parse(&level, &outonly, a, 0, err, sizeof(err)) && level == 0 && !outonly);
    a[0] = "255";
    CHECK(sato_netinfo_parse(&level, &outonly, a, 1, err, sizeof(err)) && level == 4);
    a[0] = "256";
    CHECK(!sato_netinfo_parse(&level, &outonly, a, 1, err, sizeof(err)) &&
          strcmp(err, "invalid -netinfo level argument: 256\nFor more information, run: sato-cli -netinfo help") == 0);
    a[0] = "-1";
    CHECK(!sato_netinfo_parse(&level, &outonly, a, 1, err, sizeof(err)));
    a[0] = "2";
    a[1] = "o";
    a[2] = "ignored";
    CHECK(sato_netinfo_parse(&level, &outonly, a, 3, err, sizeof(err)) && level == 2 && outonly);
    a[1] = "outonly";
    CHECK(sato_netinfo_parse(&level, &outonly, a, 2, err, sizeof(err)) && outonly);
    a[1] = "x";
    CHECK(!sato_netinfo_parse(&level, &outonly, a, 2, err, sizeof(err)) && strstr(err, "outonly argument: x\n"));
    a[0] = "0";
    a[1] = "o";
    CHECK(!sato_netinfo_parse(&level, &outonly, a, 2, err, sizeof(err)) &&
          strstr(err, "only valid for a level greater than 0") != NULL);
    a[0] = "h";
    CHECK(sato_netinfo_wants_help(a, 1));
    a[0] = "help";
    CHECK(sato_netinfo_wants_help(a, 1) && !sato_netinfo_wants_help(a, 0));
}

static void test_no_peers(void) {
    json_t *peers = json_array(), *info = json_loads(netinfo_json, 0, NULL);
    char *got;
    json_object_set_new(info, "localaddresses", json_array());
    got = sato_netinfo_render(peers, info, 4, 0, "main", 0);
    CHECK(strcmp(got, "Sato client vTEST - server 70016/Sato:0.1.0/ - services nw\n\n"
                      "         ipv4    ipv6   total   block\n"
                      "in          0       0       0\n"
                      "out         0       0       0       0\n"
                      "total       0       0       0\n\n"
                      "Local addresses: n/a\n") == 0);
    free(got);
    json_decref(peers);
    json_decref(info);
}

int main(void) {
    check_render(0, 0, want_0_0);
    check_render(1, 0, want_1_0);
    check_render(4, 0, want_4_0);
    check_render(3, 1, want_3_1);
    test_args();
    test_no_peers();
    return test_report("cli_netinfo");
}
