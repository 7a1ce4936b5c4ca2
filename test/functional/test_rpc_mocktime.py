"""setmocktime and -mocktime (Core's rpc/node.cpp, p2p_ping.py): the
errors, a clock jump that ends a silent peer by ping timeout, and the
mocked clock in getpeerinfo; getpeerinfo's bytes per message type."""
import os
import socket
import struct
import subprocess
import time

import pytest

from framework import SATOD, Node, RPCError
from test_p2p_defence import RawPeer, frame

TIMEOUT_INTERVAL = 20 * 60
PING_INTERVAL = 2 * 60


def log_text(node):
    with open(os.path.join(node.chaindir, "debug.log"), errors="replace") as f:
        return f.read()


def wait_until(pred, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def quiet_handshake(port):
    """A peer that completes the handshake and answers nothing after it
    (no pongs): returns it and the nonce of the node's first ping."""
    p = RawPeer(port)
    p.handshake()
    deadline = time.time() + 10
    while True:
        cmd, payload = p.recv_msg(deadline - time.time())
        if cmd == "ping":
            return p, payload


def test_setmocktime_errors(node):
    with pytest.raises(RPCError) as e:
        node.rpc("setmocktime", -1)
    assert (e.value.code, e.value.message) == (-8, "Mocktime must be in the range [0, 4294967295], not -1.")
    with pytest.raises(RPCError) as e:
        node.rpc("setmocktime", 2 ** 32)
    assert e.value.code == -8
    with pytest.raises(RPCError) as e:
        node.rpc("setmocktime", "1")
    assert e.value.code == -3
    with pytest.raises(RPCError) as e:
        node.rpc("setmocktime")
    assert e.value.code == -1
    assert node.rpc("setmocktime", 1700000000) is None
    assert node.rpc("setmocktime", 0) is None
    # Hidden, as in Core: not in the list, but described.
    assert "setmocktime" not in node.rpc("help")
    assert node.rpc("help", "setmocktime").startswith("setmocktime timestamp\n")


class SignetNode(Node):
    """A node on signet, which the framework's Node (regtest) is not."""

    @property
    def chaindir(self):
        return os.path.join(self.datadir, "signet")

    def args(self):
        return [SATOD, "-signet", "-datadir=" + self.datadir, "-printtoconsole=0", "-dnsseed=0", "-listen=0",
                "-connect=0", "-rpcport=%d" % self.rpcport, "-port=%d" % self.p2pport] + self.extra_args


def test_setmocktime_regtest_only(tmp_path):
    """On another chain the call and the option are refused."""
    n = SignetNode(tmp_path, ["-mocktime=1700000000"])
    bad = subprocess.run(n.args(), capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0
    with open(os.path.join(n.chaindir, "debug.log")) as f:
        assert "-mocktime is for regression testing (-regtest mode) only" in f.read()
    n.extra_args = []
    n.start()
    try:
        with pytest.raises(RPCError) as e:
            n.rpc("setmocktime", 1700000000)
        assert (e.value.code, e.value.message) == (-1, "setmocktime is for regression testing (-regtest mode) only")
    finally:
        n.kill()


def test_ping_timeout_by_mocked_clock(make_node):
    """As Core's p2p_ping.py: a peer that never answers the node's ping is
    dropped once the mocked clock is more than 20 minutes past it, even
    though it talked in between."""
    node = make_node(["-peertimeout=1", "-debug=net"])
    t = int(time.time())
    node.rpc("setmocktime", t)
    p, _ = quiet_handshake(node.p2pport)
    peer = node.rpc("getpeerinfo")[0]
    assert peer["conntime"] == t and peer["lastsend"] == t and peer["lastrecv"] == t
    assert peer["network"] == "not_publicly_routable"  # 127.0.0.1, as Core
    node.rpc("setmocktime", t + 3)
    assert node.rpc("getpeerinfo")[0]["pingwait"] == 3
    node.rpc("setmocktime", t + TIMEOUT_INTERVAL // 2)
    # Talking does not cancel the outstanding ping.
    p.send(frame("ping", struct.pack("<Q", 7)))
    while p.recv_msg()[0] != "pong":
        pass
    peer = node.rpc("getpeerinfo")[0]
    assert peer["lastrecv"] == t + TIMEOUT_INTERVAL // 2 and peer["pingwait"] == TIMEOUT_INTERVAL // 2
    time.sleep(1.5)  # ticks pass: nothing is due yet
    assert len(node.rpc("getpeerinfo")) == 1
    node.rpc("setmocktime", t + TIMEOUT_INTERVAL + 1)
    assert p.closed(10), "the peer was not disconnected"
    assert wait_until(lambda: node.rpc("getpeerinfo") == [])
    assert "ping timeout: 1201.000000s" in log_text(node)


def test_inactivity_timeout_by_mocked_clock(make_node):
    node = make_node(["-peertimeout=1", "-debug=net"])
    t = int(time.time())
    node.rpc("setmocktime", t)
    p, nonce = quiet_handshake(node.p2pport)
    p.send(frame("pong", nonce))  # the ping answered: only silence is left
    assert wait_until(lambda: "pingwait" not in node.rpc("getpeerinfo")[0])
    node.rpc("setmocktime", t + PING_INTERVAL - 1)
    time.sleep(1.5)
    assert len(node.rpc("getpeerinfo")) == 1
    # Jumping 21 minutes at once: nothing was sent or received since t.
    node.rpc("setmocktime", t + TIMEOUT_INTERVAL + 60)
    assert p.closed(10)
    assert "socket sending timeout: 1260s" in log_text(node)
    # Back to the real clock.
    node.rpc("setmocktime", 0)
    q = RawPeer(node.p2pport)
    q.handshake()
    assert abs(node.rpc("getpeerinfo")[0]["conntime"] - time.time()) < 60


def test_mocktime_option(make_node):
    t = 1600000000
    node = make_node(["-mocktime=%d" % t])
    p = RawPeer(node.p2pport)
    p.handshake()
    assert p.alive()
    peer = node.rpc("getpeerinfo")[0]
    assert (peer["conntime"], peer["lastsend"], peer["lastrecv"]) == (t, t, t)
    # Blocks are stamped with the mocked time too (Core's generate).
    from chainutil import ADDR
    h = node.rpc("generatetoaddress", 1, ADDR)[0]
    assert node.rpc("getblockheader", h)["time"] == t
    for bad in ("-mocktime=-1",):
        n = make_node([bad], start=False)
        r = subprocess.run(n.args(), capture_output=True, text=True, timeout=60)
        assert r.returncode != 0


def per_msg_consistent(a, b):
    """a's counts for its one peer b mirror b's for a, and add up."""
    pa, pb = a.rpc("getpeerinfo")[0], b.rpc("getpeerinfo")[0]
    return (pa["bytessent_per_msg"] == pb["bytesrecv_per_msg"] and pa["bytesrecv_per_msg"] == pb["bytessent_per_msg"]
            and sum(pa["bytessent_per_msg"].values()) == pa["bytessent"]
            and sum(pa["bytesrecv_per_msg"].values()) == pa["bytesrecv"], pa, pb)


def test_bytes_per_message(make_node):
    a = make_node()
    b = make_node(["-addnode=127.0.0.1:%d" % a.p2pport])
    assert wait_until(lambda: len(a.rpc("getpeerinfo")) == 1 and len(b.rpc("getpeerinfo")) == 1
                      and "pingtime" in b.rpc("getpeerinfo")[0] and "pingtime" in a.rpc("getpeerinfo")[0])
    assert wait_until(lambda: per_msg_consistent(a, b)[0])
    _, pa, pb = per_msg_consistent(a, b)
    for p in (pa, pb):
        sent = p["bytessent_per_msg"]
        assert sent["verack"] == 24 and sent["ping"] == 32 and sent["pong"] == 32
        assert sent["sendaddrv2"] == 24 and sent["wtxidrelay"] == 24
        assert list(sent) == sorted(sent)  # Core's map order
    # Each side's version counts 24 + payload: fixed fields and the other's
    # user agent with its length byte.
    assert pb["bytesrecv_per_msg"]["version"] == 24 + 80 + 1 + len(pb["subver"]) + 4 + 1
    # getnettotals: one connection ever, so the totals are the peer's bytes.
    tot = a.rpc("getnettotals")
    pa = a.rpc("getpeerinfo")[0]
    assert tot["totalbytessent"] == pa["bytessent"] and tot["totalbytesrecv"] == pa["bytesrecv"]


def test_unknown_and_broken_messages_count_as_other(node):
    p = RawPeer(node.p2pport)
    p.handshake()
    before = node.rpc("getpeerinfo")[0]["bytesrecv_per_msg"]
    assert "*other*" not in before and before["version"] > 24 and before["verack"] == 24
    p.send(frame("foo", b"12345"))                          # a type Core does not know
    p.send(frame("ping", struct.pack("<Q", 1), checksum=b"\0\0\0\0"))  # dropped: bad checksum
    assert p.alive()
    after = node.rpc("getpeerinfo")[0]["bytesrecv_per_msg"]
    assert after["*other*"] == (24 + 5) + (24 + 8)
    assert after["ping"] == 32  # only the good one of alive()
    assert list(after)[0] == "*other*"
