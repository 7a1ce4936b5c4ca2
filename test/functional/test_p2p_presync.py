"""Headers presync (Core's HeadersSyncState) with -minimumchainwork: a
chain that shows enough work is fetched twice (presync, then redownload
checked against the commitments) and stored; a chain that ends with too
little work is never stored."""
import time

from chainutil import ADDR


def wait_until(pred, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


# Regtest: each block adds 2 to the chain work; genesis has 2.
MIN_WORK = "%x" % (2 * 2601)  # the work at height 2600


def log(node):
    return open(node.chaindir + "/debug.log").read()


def test_presync_then_redownload_stores_a_heavy_enough_chain(make_node):
    a = make_node()
    hashes = a.rpc("generatetoaddress", 3000, ADDR)
    b = make_node(["-minimumchainwork=" + MIN_WORK, "-addnode=127.0.0.1:%d" % a.p2pport])
    wait_until(lambda: b.rpc("getbestblockhash") == hashes[-1], 120, "sync through presync")
    text = log(b)
    assert "presyncing it" in text and "Initial headers sync complete" in text
    assert b.rpc("getblockchaininfo")["initialblockdownload"] is False


def test_a_chain_with_too_little_work_is_never_stored(make_node):
    c = make_node()
    c.rpc("generatetoaddress", 2500, ADDR)  # work 5,002 < 5,202
    d = make_node(["-minimumchainwork=" + MIN_WORK, "-addnode=127.0.0.1:%d" % c.p2pport])
    wait_until(lambda: "Initial headers sync aborted" in log(d), 60, "the presync to give up")
    assert "ends with too little work" in log(d)
    info = d.rpc("getblockchaininfo")
    assert info["headers"] == 0 and info["blocks"] == 0
    peer = d.rpc("getpeerinfo")[0]
    assert peer["inbound"] is False  # the peer is kept, not punished
    assert peer["presynced_headers"] == -1 and peer["synced_headers"] == -1
