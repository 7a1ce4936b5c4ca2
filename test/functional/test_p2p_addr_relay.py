"""Address relay as Core's RelayAddress/MaybeSendAddr: a fresh address
from a small addr message reaches exactly two of the peers that take
addresses, after the Poisson send timer (moved on here with setmocktime);
big messages, stale addresses and block-relay-only peers get nothing."""
import socket
import struct
import time

from rawpeer import RawPeer, compact, dial_raw, frame, wait_until

SERVICES = 1 | 8


def addr_payload(entries):
    """entries: (ipv4 bytes, port, time)."""
    return compact(len(entries)) + b"".join(
        struct.pack("<IQ", t, SERVICES) + bytes(10) + b"\xff\xff" + ip + struct.pack(">H", port)
        for ip, port, t in entries)


def addrs_in(payload):
    n, off, out = payload[0], 1, []
    for _ in range(n):
        out.append(payload[off + 24:off + 28])
        off += 30
    return out


def collect_addrs(peers, seconds):
    """Every IPv4 address each peer is sent within the time, answering
    pings on the way."""
    got = {id(p): [] for p in peers}
    deadline = time.time() + seconds
    while time.time() < deadline:
        for p in peers:
            try:
                cmd, payload = p.recv_msg(0.05)
            except (TimeoutError, socket.timeout):
                continue
            if cmd == "ping":
                p.send(frame("pong", payload))
            elif cmd == "addr":
                got[id(p)].extend(addrs_in(payload))
    return got


def test_fresh_address_goes_to_two_peers(make_node):
    a = make_node(["-debug=net"])
    now = int(time.time())
    a.rpc("setmocktime", now)
    sender = RawPeer(a.p2pport)
    sender.handshake()
    receivers = []
    for _ in range(3):
        r = RawPeer(a.p2pport)
        r.handshake()
        r.send(frame("getaddr"))  # an inbound peer takes addresses once it asks
        receivers.append(r)
    # A block-relay-only peer the node dialled: it must never see one.
    blocks_only = dial_raw(a, "block-relay-only")
    everyone = receivers + [blocks_only, sender]
    for p in everyone:
        assert p.alive()  # the getaddrs are handled
    wait_until(lambda: len(a.rpc("getpeerinfo")) == 5, 10, "five peers")

    fresh = bytes([1, 2, 3, 4])
    sender.send(frame("addr", addr_payload([(fresh, 8333, now)])))
    assert sender.alive()
    # The send timer is exponential with a 30 s mean: 600 s on, it has
    # fired for every peer (and the inbound sender has earned tokens).
    a.rpc("setmocktime", now + 600)
    got = collect_addrs(everyone, 4)
    reached = [r for r in receivers if fresh in got[id(r)]]
    assert len(reached) == 2, [got[id(r)] for r in receivers]
    assert got[id(blocks_only)] == [] and got[id(sender)] == []
    peers = a.rpc("getpeerinfo")
    br = [x for x in peers if x["connection_type"] == "block-relay-only"]
    assert len(br) == 1 and br[0]["addr_relay_enabled"] is False
    assert sum(1 for x in peers if x["inbound"] and x["addr_relay_enabled"]) == 4

    # Not relayed: an answer-sized message (11 entries), a stale address
    # (an hour old), and the same fresh address again (the two already
    # know it; the third is not among its two destinations).
    t = now + 600
    many = [(bytes([5, 6, 7, i + 1]), 8333, t) for i in range(11)]
    stale = (bytes([9, 9, 9, 9]), 8333, t - 3600)
    sender.send(frame("addr", addr_payload(many)))
    sender.send(frame("addr", addr_payload([stale])))
    sender.send(frame("addr", addr_payload([(fresh, 8333, t)])))
    assert sender.alive()
    a.rpc("setmocktime", t + 600)
    got = collect_addrs(everyone, 4)
    assert all(got[id(p)] == [] for p in everyone), got
    info = [x for x in a.rpc("getpeerinfo") if x["addr"].endswith(":%d" % sender.sock.getsockname()[1])][0]
    assert info["addr_processed"] >= 13  # they were taken in, just not passed on
    assert "Misbehaving" not in open(a.chaindir + "/debug.log").read()


def test_block_relay_only_peer_addr_ignored(make_node):
    """What a block-relay-only peer sends of addresses is dropped unread."""
    a = make_node(["-debug=net"])
    p = dial_raw(a, "block-relay-only")
    p.send(frame("addr", addr_payload([(bytes([1, 2, 3, 5]), 8333, int(time.time()))])))
    assert p.alive()
    info = a.rpc("getpeerinfo")[0]
    assert info["addr_processed"] == 0 and info["addr_relay_enabled"] is False
    assert a.rpc("getnodeaddresses", 0) == []
    assert "ignoring addr message from block-relay-only" in open(a.chaindir + "/debug.log").read()
