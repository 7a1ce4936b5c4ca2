"""Automatic outbound connections as Core makes them: 8 full-relay and 2
block-relay-only peers chosen from the address manager, one per network
group; block-relay-only peers kept as anchors across a clean restart;
-seednode addr-fetch; addconnection's types; DNS seeding offline.

All of 127.0.0.0/8 reaches this machine, so one listening node is many
peers at 127.G.0.1, each G its own /16 group once -test=localaddrs lets
the address manager keep local addresses."""
import os
import time

import pytest

from chainutil import ADDR
from framework import RPCError, wait_until


def by_type(node):
    out = {}
    for p in node.rpc("getpeerinfo"):
        out.setdefault(p["connection_type"], []).append(p)
    return out


def count(node, kind):
    return len(by_type(node).get(kind, []))


def group(addr):
    return tuple(addr.split(":")[0].split(".")[:2])


def log(node):
    with open(os.path.join(node.chaindir, "debug.log")) as f:
        return f.read()


def test_slots_groups_and_anchors(make_node):
    target = make_node()
    target.rpc("generatetoaddress", 30, ADDR)
    a = make_node(["-test=localaddrs", "-debug=net"])
    # Twelve groups, two of them offered twice: no group may be used twice.
    for g in range(1, 13):
        assert a.rpc("addpeeraddress", "127.%d.0.1" % g, target.p2pport)["success"]
    for g in (1, 2):
        a.rpc("addpeeraddress", "127.%d.0.2" % g, target.p2pport)
    wait_until(lambda: count(a, "outbound-full-relay") == 8 and count(a, "block-relay-only") == 2, 90,
               "8 full-relay and 2 block-relay-only peers")
    time.sleep(2)  # no more than that is opened
    kinds = by_type(a)
    assert len(kinds["outbound-full-relay"]) == 8 and len(kinds["block-relay-only"]) == 2
    auto = kinds["outbound-full-relay"] + kinds["block-relay-only"]
    groups = [group(p["addr"]) for p in auto]
    assert len(set(groups)) == len(groups), groups
    assert target.rpc("getconnectioncount") == 10
    # Block-relay-only peers carry no address traffic; full-relay ones do.
    assert all(not p["addr_relay_enabled"] for p in kinds["block-relay-only"])
    assert all(p["addr_relay_enabled"] for p in kinds["outbound-full-relay"])
    # The peers found automatically bring the chain.
    wait_until(lambda: a.rpc("getblockcount") == 30, 60, "sync from automatic peers")
    # A clean stop keeps the block-relay-only peers as anchors.
    anchors = sorted(p["addr"] for p in kinds["block-relay-only"])
    a.stop()
    path = os.path.join(a.chaindir, "anchors.dat")
    assert os.path.exists(path)
    assert "Flush 2 outbound block-relay-only peer addresses to anchors.dat" in log(a)
    a.start()
    # The anchors come first, as block-relay-only again; the file is gone.
    wait_until(lambda: count(a, "block-relay-only") == 2, 30, "anchor connections")
    assert sorted(p["addr"] for p in by_type(a)["block-relay-only"]) == anchors
    assert not os.path.exists(path)
    text = log(a)
    assert 'Loaded 2 addresses from "anchors.dat"' in text
    assert "Trying to make an anchor connection to" in text
    wait_until(lambda: count(a, "outbound-full-relay") == 8, 60, "full-relay peers after the restart")
    # A damaged anchors.dat is reported and ignored, never a crash.
    a.stop()
    with open(path, "r+b") as f:
        f.seek(20)
        f.write(b"\xff\xff\xff")
    a.start()
    assert "anchors.dat is unreadable or not this network's; ignored" in log(a)
    assert not os.path.exists(path)
    wait_until(lambda: count(a, "outbound-full-relay") == 8, 60, "full-relay peers after a bad anchors.dat")


def test_connect_turns_automatic_connections_off(make_node):
    target = make_node()
    a = make_node(["-test=localaddrs", "-connect=127.0.0.1:%d" % target.p2pport])
    for g in range(1, 5):
        a.rpc("addpeeraddress", "127.%d.0.1" % g, target.p2pport)
    wait_until(lambda: count(a, "manual") == 1, 30, "the -connect peer")
    time.sleep(3)
    assert list(by_type(a)) == ["manual"]


def test_seednode_fetches_addresses_then_leaves(make_node):
    target = make_node(["-test=localaddrs"])
    # The seed knows enough addresses that its getaddr answer (23% of
    # them) holds more than one: that answer ends the addr-fetch link.
    for g in range(1, 41):
        target.rpc("addpeeraddress", "127.%d.0.1" % g, target.p2pport)
    a = make_node(["-test=localaddrs", "-debug=net", "-seednode=127.0.0.1:%d" % target.p2pport])
    wait_until(lambda: "addrfetch connection completed" in log(a), 30, "the addr-fetch answer")
    text = log(a)
    assert "Empty addrman, adding seednode (127.0.0.1:%d) to addrfetch" % target.p2pport in text
    assert "-seednode enabled. Trying the provided seeds for 30 seconds" not in text  # -dnsseed=0
    assert len(a.rpc("getnodeaddresses", 0)) >= 2
    # From what the seed gave, the node makes its own outbound peers.
    wait_until(lambda: count(a, "outbound-full-relay") >= 2, 60, "outbound peers from the fetched addresses")
    assert count(a, "addr-fetch") == 0


def test_addconnection_types(make_node):
    target = make_node()
    a = make_node(["-debug=net"])
    peer = "127.0.0.1:%d" % target.p2pport
    r = a.rpc("addconnection", peer, "block-relay-only", False)
    assert r == {"address": peer, "connection_type": "block-relay-only"}
    wait_until(lambda: count(a, "block-relay-only") == 1, 30, "block-relay-only peer")
    a.rpc("addconnection", peer, "block-relay-only", False)
    wait_until(lambda: count(a, "block-relay-only") == 2, 30, "second block-relay-only peer")
    try:
        a.rpc("addconnection", peer, "block-relay-only", False)
        raise AssertionError("a third block-relay-only connection was opened")
    except RPCError as e:
        assert e.code == -34 and "Error: Already at capacity for specified connection type." in e.message
    try:
        a.rpc("addconnection", peer, "inbound", False)
        raise AssertionError("inbound accepted as a type")
    except RPCError as e:
        assert e.code == -8 and "addconnection" in e.message  # the help, as Core
    # A feeler only checks that the address answers, then leaves.
    a.rpc("addconnection", peer, "feeler", False)
    wait_until(lambda: "feeler connection completed" in log(a), 30, "the feeler to finish")
    wait_until(lambda: count(a, "feeler") == 0, 30, "the feeler to be gone")
    a.rpc("addconnection", peer, "outbound-full-relay", False)
    wait_until(lambda: count(a, "outbound-full-relay") == 1, 30, "full-relay peer")
    # The target saw them all as inbound.
    assert {p["connection_type"] for p in target.rpc("getpeerinfo")} == {"inbound"}


def test_bad_seeding_options_refused(make_node):
    for args, line in ((["-test=nosuchthing"], "Unrecognized test option: nosuchthing"),
                       (["-forcednsseed=1", "-dnsseed=0"],
                        "Cannot set -forcednsseed to true when setting -dnsseed to false.")):
        n = make_node(args, start=False)
        with pytest.raises(RuntimeError):
            n.start()
        assert line in log(n)


def test_dns_seeding_offline_is_logged_and_harmless(make_node):
    # regtest's only seed does not exist: the lookup fails, is said in
    # one line, and the node goes on answering and stops promptly.
    a = make_node(["-dnsseed=1"])
    wait_until(lambda: "addresses found from DNS seeds" in log(a), 60, "the seeding to finish")
    text = log(a)
    assert "Loading addresses from DNS seed dummySeed.invalid." in text
    assert "DNS seed dummySeed.invalid. gave no addresses" in text
    assert "0 addresses found from DNS seeds" in text
    assert a.rpc("getblockcount") == 0
    t0 = time.time()
    a.stop()
    assert time.time() - t0 < 15
