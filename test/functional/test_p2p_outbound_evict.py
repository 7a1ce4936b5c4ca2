"""Upkeep of outbound peers as Core's ConsiderEviction and
CheckForStaleTipAndEvictPeers, with the node's clock moved by setmocktime:
an outbound peer whose chain stays behind ours is asked for headers once
after 20 minutes and dropped 2 minutes later; a full-relay peer that had
our tip is protected; a peer that catches up when asked stays; a tip
unchanged for 30 minutes buys one extra full-relay peer, and the surplus
(and extra block-relay-only peers tried after the sync) are let go."""
import os
import socket
import time

from chainutil import ADDR
from framework import wait_until
from rawpeer import compact, dial_raw, frame


def log(node):
    with open(os.path.join(node.chaindir, "debug.log")) as f:
        return f.read()


def headers_msg(node, upto):
    """Headers 1..upto of the node's chain."""
    out = b""
    for h in range(1, upto + 1):
        out += bytes.fromhex(node.rpc("getblockheader", node.rpc("getblockhash", h), False)) + b"\x00"
    return frame("headers", compact(upto) + out)


def dialled_peer(node, kind):
    """A raw peer the node dials, with what pump() notes about it."""
    p = dial_raw(node, kind)
    p.seen = []
    p.gone = False
    return p


def pump(peers, seconds):
    """Reads what the node sends for a while: pings are answered, the rest
    noted in peer.seen; a closed connection marks the peer gone."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for p in peers:
            if p.gone:
                continue
            try:
                cmd, payload = p.recv_msg(0.05)
            except (TimeoutError, socket.timeout):
                continue
            except (ConnectionError, OSError):
                p.gone = True
                continue
            if cmd == "ping":
                p.send(frame("pong", payload))
            p.seen.append(cmd)


def advance(node, peers, start, end, step=200):
    """Moves the node's clock from start to end in steps short enough that
    pings keep every honest link alive."""
    t = start
    while t < end:
        t = min(t + step, end)
        node.rpc("setmocktime", t)
        pump(peers, 1.5)
    return t


def test_lagging_outbound_peers_are_dropped(make_node):
    a = make_node(["-debug=net"])
    t0 = int(time.time())
    a.rpc("setmocktime", t0)
    a.rpc("generatetoaddress", 5, ADDR)
    protected = dialled_peer(a, "outbound-full-relay")  # had our tip
    blocks_only = dialled_peer(a, "block-relay-only")   # had our tip, never protected
    catches_up = dialled_peer(a, "outbound-full-relay")  # says nothing until asked
    behind = dialled_peer(a, "outbound-full-relay")      # three blocks short
    peers = [protected, blocks_only, catches_up, behind]
    protected.send(headers_msg(a, 5))
    blocks_only.send(headers_msg(a, 5))
    behind.send(headers_msg(a, 3))
    for p in peers:
        assert p.alive()
    wait_until(lambda: "Protecting outbound peer=" in log(a), 10, "the protection")
    assert log(a).count("Protecting outbound peer=") == 1
    a.rpc("generatetoaddress", 1, ADDR)  # everyone is behind now
    pump(peers, 1)
    for p in peers:
        p.seen = []
    # 20 minutes on: one getheaders each to the unprotected ones.
    t = advance(a, peers, t0, t0 + 20 * 60 + 10)
    pump(peers, 1)
    assert "getheaders" in blocks_only.seen and "getheaders" in catches_up.seen and "getheaders" in behind.seen
    assert "getheaders" not in protected.seen
    assert "to verify chain work" in log(a)
    catches_up.send(headers_msg(a, 6))
    assert catches_up.alive()
    # 2 minutes more: the ones still behind are dropped, the rest kept.
    advance(a, peers, t, t + 2 * 60 + 10)
    wait_until(lambda: len(a.rpc("getpeerinfo")) == 2, 10, "the laggards dropped")
    pump(peers, 1)
    assert blocks_only.gone and behind.gone and not protected.gone and not catches_up.gone
    kept = {x["addr"].split(":")[1] for x in a.rpc("getpeerinfo")}
    assert kept == {str(protected.port), str(catches_up.port)}
    assert log(a).count("Outbound peer has old chain") == 2
    assert "Misbehaving" not in log(a)
    assert protected.alive() and catches_up.alive()


def count(node, kind):
    return sum(1 for p in node.rpc("getpeerinfo") if p["connection_type"] == kind)


def test_stale_tip_extra_peers(make_node):
    target = make_node()
    target.rpc("generatetoaddress", 20, ADDR)
    a = make_node(["-test=localaddrs", "-debug=net"])
    for g in range(1, 16):
        assert a.rpc("addpeeraddress", "127.%d.0.1" % g, target.p2pport)["success"]
    wait_until(lambda: count(a, "outbound-full-relay") == 8 and count(a, "block-relay-only") == 2, 90,
               "the outbound slots filled")
    wait_until(lambda: a.rpc("getblockcount") == 20, 60, "the sync")
    t = int(time.time())

    def step_until(pred, step, limit, what):
        """Moves the clock on in steps the pings survive until pred holds."""
        nonlocal t
        end = t + limit
        while not pred():
            assert t < end, what
            t += step
            a.rpc("setmocktime", t)
            time.sleep(1.5)

    # 30 minutes without a new tip (checked every 10).
    step_until(lambda: "Potential stale tip detected, will try using extra outbound peer" in log(a), 200, 3600,
               "the stale tip noticed")
    step_until(lambda: count(a, "outbound-full-relay") == 9, 50, 600, "an extra full-relay peer")
    # The checks every 45 s let the surplus go once it is 30 s old.
    step_until(lambda: "disconnecting extra outbound peer=" in log(a), 50, 600, "the surplus dropped")
    wait_until(lambda: count(a, "outbound-full-relay") <= 8, 10, "back to 8 full-relay peers")
    # Synced, the node also tries an extra block-relay-only peer every
    # five minutes or so (the clock jumps make that often here), and the
    # youngest, which gave no newer block, goes at the next check.
    originals = sorted(p["id"] for p in a.rpc("getpeerinfo") if p["connection_type"] == "block-relay-only")[:2]
    step_until(lambda: log(a).count("disconnecting extra block-relay-only peer=") >= 3, 100, 7200,
               "extra block-relay-only peers tried and dropped")
    text = log(a)
    extras = [int(line.rsplit("peer=", 1)[1].split(" ")[0]) for line in text.splitlines()
              if "New block-relay-only peer connected" in line]
    extras = [i for i in extras if i not in originals]
    assert len(extras) >= 3
    for i in extras[:-1]:  # the last may still be within its first check
        assert "disconnecting extra block-relay-only peer=%d " % i in text
    still = [p["id"] for p in a.rpc("getpeerinfo") if p["connection_type"] == "block-relay-only"]
    assert set(originals) <= set(still) and len(still) <= 3
    assert a.rpc("getblockcount") == 20
    assert "Misbehaving" not in text
