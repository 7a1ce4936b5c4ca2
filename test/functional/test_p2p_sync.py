"""The peer-to-peer network between Sato nodes on 127.0.0.1: three nodes
in a line sync a 500-block chain mined at one end, a new block reaches
every node within a second, a node offline for 200 blocks catches up,
and two halves mined apart reorganize to the heavier side when joined."""
import time

from chainutil import ADDR


def wait_until(pred, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def addr(node):
    return "127.0.0.1:%d" % node.p2pport


def tips(nodes):
    return [n.rpc("getbestblockhash") for n in nodes]


def test_line_of_three_syncs_and_relays(make_node):
    a = make_node()
    hashes = a.rpc("generatetoaddress", 500, ADDR)
    b = make_node(["-addnode=" + addr(a)])
    c = make_node(["-addnode=" + addr(b)])
    wait_until(lambda: tips([a, b, c]) == [hashes[-1]] * 3, 120, "the line to sync 500 blocks")
    assert c.rpc("getblockcount") == 500
    assert c.rpc("getblock", hashes[250])["height"] == 251
    # A new block reaches every node within a second (measured, printed).
    for _ in range(3):
        t0 = time.time()
        new = a.rpc("generatetoaddress", 1, ADDR)[0]
        wait_until(lambda: tips([b, c]) == [new, new], 10, "relay of a new block")
        print("new block reached the far end in %.0f ms" % (1000 * (time.time() - t0)))
        assert time.time() - t0 < 1.0
    # C's UTXO set is A's.
    ua, uc = a.rpc("gettxoutsetinfo"), c.rpc("gettxoutsetinfo")
    assert ua["hash_serialized_3"] == uc["hash_serialized_3"]


def test_offline_node_catches_up(make_node):
    a = make_node()
    a.rpc("generatetoaddress", 10, ADDR)
    b = make_node(["-addnode=" + addr(a)])
    wait_until(lambda: b.rpc("getblockcount") == 10, 60, "first sync")
    b.stop()
    hashes = a.rpc("generatetoaddress", 200, ADDR)
    b.start()
    wait_until(lambda: b.rpc("getbestblockhash") == hashes[-1], 60, "catch-up of 200 blocks")


def test_two_halves_reorganize_to_the_heavier(make_node):
    a = make_node()
    common = a.rpc("generatetoaddress", 20, ADDR)
    b = make_node(["-addnode=" + addr(a)])
    wait_until(lambda: b.rpc("getblockcount") == 20, 60, "common history")
    # Split: each mines alone; B's side gets more blocks.
    a.rpc("setnetworkactive", False)
    b.rpc("setnetworkactive", False)
    a.rpc("generatetoaddress", 5, ADDR)
    heavy = b.rpc("generatetodescriptor", 12, "raw(51)#8lvh9jxk")  # not A's blocks
    assert a.rpc("getblockhash", 21) != b.rpc("getblockhash", 21)
    a.rpc("setnetworkactive", True)
    b.rpc("setnetworkactive", True)
    wait_until(lambda: tips([a, b]) == [heavy[-1]] * 2, 60, "the reorg to the heavier side")
    assert a.rpc("getblockcount") == 32
    assert a.rpc("getblockhash", 20) == common[-1]
    forks = [t for t in a.rpc("getchaintips") if t["status"] != "active"]
    assert any(t["branchlen"] == 5 for t in forks)


def test_net_rpcs_and_bans(make_node):
    from framework import RPCError
    import pytest
    a = make_node()
    a.rpc("generatetoaddress", 3, ADDR)
    b = make_node(["-addnode=" + addr(a)])
    wait_until(lambda: b.rpc("getconnectioncount") == 1 and a.rpc("getconnectioncount") == 1, 30, "connection")
    peer = b.rpc("getpeerinfo")[0]
    assert peer["addr"] == addr(a) and peer["inbound"] is False and peer["connection_type"] == "manual"
    assert peer["version"] == 70016 and peer["subver"].startswith("/Sato:")
    assert "NETWORK" in peer["servicesnames"] and "WITNESS" in peer["servicesnames"]
    wait_until(lambda: b.rpc("getpeerinfo")[0]["synced_headers"] == 3, 30, "synced_headers")
    assert b.rpc("getpeerinfo")[0]["synced_blocks"] in (2, 3) and b.rpc("getpeerinfo")[0]["inflight"] == []
    info = b.rpc("getnetworkinfo")
    assert info["connections"] == 1 and info["connections_out"] == 1 and info["networkactive"] is True
    assert b.rpc("getaddednodeinfo")[0]["addednode"] == addr(a)
    totals = b.rpc("getnettotals")
    assert totals["totalbytessent"] > 0 and totals["totalbytesrecv"] > 0
    assert b.rpc("ping") is None
    with pytest.raises(RPCError) as e:
        b.rpc("addnode", addr(a), "add")
    assert e.value.code == -23
    # A ban drops the peer, refuses it and survives a restart.
    a.rpc("setban", "127.0.0.1", "add", 3600)
    wait_until(lambda: a.rpc("getconnectioncount") == 0, 30, "the banned peer to go")
    banned = a.rpc("listbanned")
    assert banned[0]["address"] == "127.0.0.1/32" and 0 < banned[0]["time_remaining"] <= 3600
    with pytest.raises(RPCError) as e:
        a.rpc("setban", "127.0.0.1", "add")
    assert e.value.code == -23
    with pytest.raises(RPCError) as e:
        a.rpc("setban", "not-an-ip", "add")
    assert e.value.code == -30
    a.stop()
    a.start()
    assert a.rpc("listbanned")[0]["address"] == "127.0.0.1/32"
    time.sleep(2)
    assert a.rpc("getconnectioncount") == 0  # b keeps trying, refused
    a.rpc("clearbanned")
    assert a.rpc("listbanned") == []
    wait_until(lambda: a.rpc("getconnectioncount") == 1, 90, "the peer to come back")
    b.rpc("disconnectnode", addr(a))
    with pytest.raises(RPCError) as e:
        b.rpc("disconnectnode", "", 999)
    assert e.value.code == -29
