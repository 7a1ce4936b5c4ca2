"""Hostile and third-party peers (reliability.md BI01-BI03): a
python-bitcoinlib client completes the handshake and fetches headers;
framing errors, oversized lists and handshake violations end with the
offender dropped (or the bad message dropped, where Core keeps the peer)
while an honest Sato peer keeps syncing."""
import socket
import struct
import time

import bitcoin.messages as bmsg
from bitcoin.core import lx

from chainutil import ADDR
from rawpeer import RawPeer, compact, dial_raw, frame, honest_pair, parse_headers, sha256d, still_honest


def test_bitcoinlib_handshake_and_headers(make_node):
    a = make_node()
    hashes = a.rpc("generatetoaddress", 20, ADDR)
    p = RawPeer(a.p2pport)
    v = bmsg.msg_version()  # python-bitcoinlib's own (protocol 60002)
    p.send(v)
    version = bmsg.MsgSerializable.from_bytes(frame("version", p.wait_for("version")))
    assert version.nVersion == 70016 and version.strSubVer.startswith(b"/Sato:")
    assert version.nStartingHeight == 20
    p.send(bmsg.msg_verack())
    p.wait_for("verack")
    gh = bmsg.msg_getheaders()
    gh.locator.vHave = [lx(a.rpc("getblockhash", 0))]
    p.send(gh)
    headers = parse_headers(p.wait_for("headers"))
    assert len(headers) == 20
    assert sha256d(headers[-1])[::-1].hex() == hashes[-1]
    peers = a.rpc("getpeerinfo")
    assert len(peers) == 1 and peers[0]["inbound"] is True and peers[0]["version"] == 60002


def test_bi01_framing(make_node):
    a, b = honest_pair(make_node)
    # Split anywhere: a ping sent one byte at a time is answered.
    p = RawPeer(a.p2pport)
    p.handshake()
    for byte in frame("ping", struct.pack("<Q", 7)):
        p.send(bytes([byte]))
    assert p.wait_for("pong") == struct.pack("<Q", 7)
    # Bad checksum: that message is dropped, the peer kept.
    p.send(frame("ping", struct.pack("<Q", 8), checksum=b"\0\0\0\0"))
    assert p.alive()
    # Unknown and non-NUL-padded commands are ignored.
    p.send(frame("nosuchcmd", b"xyz"))
    p.send(frame(b"ping\0x", struct.pack("<Q", 9)))
    assert p.alive()
    # Trailing bytes after a message's fields are ignored (Core).
    p.send(frame("ping", struct.pack("<Q", 10) + b"extra"))
    assert p.wait_for("pong") == struct.pack("<Q", 10)
    # A truncated payload just waits; the connection stays.
    t = RawPeer(a.p2pport)
    t.handshake()
    t.send(frame("ping", struct.pack("<Q", 11))[:-3])
    assert not t.closed(1)
    # Bad magic and a 4,000,001-byte length: disconnected.
    q = RawPeer(a.p2pport)
    q.send(frame("version", b"", magic=b"\xf9\xbe\xb4\xd9"))
    assert q.closed()
    r = RawPeer(a.p2pport)
    r.handshake()
    r.send(frame("block", b"", length=4000001))
    assert r.closed()
    assert p.alive()
    still_honest(a, b)


def test_bi02_oversized_lists(make_node):
    a, b = honest_pair(make_node)
    cases = [
        ("inv", compact(50001) + (struct.pack("<I", 2) + bytes(32)) * 50001),
        ("getdata", compact(50001) + (struct.pack("<I", 2) + bytes(32)) * 50001),
        ("headers", compact(2001) + (bytes(80) + b"\0") * 2001),
        ("addr", compact(1001) + (struct.pack("<I", 1) + bytes(8) + bytes(16) + b"\0\1") * 1001),
        ("getheaders", struct.pack("<I", 70016) + compact(102) + bytes(32) * 102 + bytes(32)),
    ]
    for cmd, payload in cases:
        p = RawPeer(a.p2pport)
        p.handshake()
        p.send(frame(cmd, payload))
        assert p.closed(), cmd + " over the limit: the peer was not dropped"
    # A count of 2^32 with nothing behind it: unreadable, dropped, no
    # allocation; the peer is kept.
    p = RawPeer(a.p2pport)
    p.handshake()
    p.send(frame("inv", compact(2 ** 32)))
    p.send(frame("headers", b"\xfe\xff\xff\xff\xff"))
    assert p.alive()
    assert a.rpc("getconnectioncount") == 2  # b and p
    still_honest(a, b)


def test_bi03_handshake(make_node):
    a, b = honest_pair(make_node)
    # Messages before version are ignored; a second version too.
    p = RawPeer(a.p2pport)
    p.send(frame("ping", struct.pack("<Q", 1)))
    p.handshake()
    v = bmsg.msg_version()
    v.nVersion = 70016
    p.send(v)
    assert p.alive()
    # Feature negotiation after verack: disconnected.
    for cmd in ("wtxidrelay", "sendaddrv2", "sendtxrcncl"):
        q = RawPeer(a.p2pport)
        q.handshake()
        q.send(frame(cmd))
        assert q.closed(), cmd
    # An obsolete protocol version.
    q = RawPeer(a.p2pport)
    v = bmsg.msg_version()
    v.nVersion = 31799
    q.send(v)
    assert q.closed()
    assert p.alive()
    still_honest(a, b)


def test_bi03_timeout_and_self_connection(make_node):
    a = make_node(["-peertimeout=2"])
    p = RawPeer(a.p2pport)  # says nothing at all
    t0 = time.time()
    assert p.closed(15)
    assert time.time() - t0 < 10
    log = open(a.chaindir + "/debug.log").read()
    assert "version handshake timeout" in log
    # Dialling itself: the nonce comes back and the link is dropped.
    a.rpc("addnode", "127.0.0.1:%d" % a.p2pport, "onetry")
    deadline = time.time() + 10
    while "connected to self" not in open(a.chaindir + "/debug.log").read() and time.time() < deadline:
        time.sleep(0.1)
    assert "connected to self, disconnecting" in open(a.chaindir + "/debug.log").read()
    deadline = time.time() + 10
    while a.rpc("getconnectioncount") != 0 and time.time() < deadline:
        time.sleep(0.1)
    assert a.rpc("getconnectioncount") == 0


def parse_addr(payload):
    n, off, out = payload[0], 1, []
    for _ in range(n):
        ip, port = payload[off + 12:off + 28], struct.unpack(">H", payload[off + 28:off + 30])[0]
        out.append((socket.inet_ntoa(ip[12:]) if ip[:12] == bytes(10) + b"\xff\xff" else ip.hex(), port))
        off += 30
    return out


def test_addresses_gossip_and_getaddr(make_node):
    a = make_node()
    # Routable addresses known to the node (unroutable ones are refused,
    # as Core's address manager refuses them).
    for i in range(1, 31):
        assert a.rpc("addpeeraddress", "1.%d.2.4" % i, 8333)["success"] is True
    assert a.rpc("addpeeraddress", "5.6.7.8", 18444, True)["success"] is True
    assert a.rpc("addpeeraddress", "127.0.0.1", 8333)["success"] is False
    assert a.rpc("addpeeraddress", "1.3.2.4", 8333)["success"] is False  # known already
    assert len(a.rpc("getnodeaddresses", 0)) == 31
    # An inbound peer's getaddr is answered once per connection, from
    # the cache, in the legacy form when it did not ask for addrv2.
    p = RawPeer(a.p2pport)
    p.handshake(version=70015)
    p.send(frame("getaddr"))
    got = parse_addr(p.wait_for("addr"))
    # Core's answer: at most 23% of the known addresses.
    assert len(got) == 31 * 23 // 100
    assert all(g[0].startswith("1.") or g == ("5.6.7.8", 18444) for g in got)
    p.send(frame("getaddr"))
    try:
        p.wait_for("addr", 1.5)
        raise AssertionError("a second getaddr was answered")
    except TimeoutError:
        pass
    # Addresses it gossips go into the address manager (rate limited:
    # the first message's tokens cover only one address).
    entries = b"".join(struct.pack("<IQ", int(time.time()), 9) + bytes(10) + b"\xff\xff" + bytes([9, 9, 9, i])
                       + struct.pack(">H", 8333) for i in range(1, 6))
    p.send(frame("addr", compact(5) + entries))
    assert p.alive()
    deadline = time.time() + 10
    while len(a.rpc("getnodeaddresses", 0)) < 32 and time.time() < deadline:
        time.sleep(0.1)
    known = {(x["address"], x["port"]) for x in a.rpc("getnodeaddresses", 0)}
    assert ("9.9.9.1", 8333) in known and ("9.9.9.5", 8333) not in known
    info = [x for x in a.rpc("getpeerinfo") if x["inbound"]][0]
    assert info["addr_processed"] == 1 and info["addr_rate_limited"] == 4
    # peers.dat keeps them across a restart.
    a.stop()
    a.start()
    known = {(x["address"], x["port"]) for x in a.rpc("getnodeaddresses", 0)}
    assert {("1.3.2.4", 8333), ("5.6.7.8", 18444), ("9.9.9.1", 8333)} <= known and len(known) == 32
    assert a.rpc("getnodeaddresses", 0, "ipv6") == []


def test_pings_answered_while_the_chain_is_busy(make_node):
    """The loop thread answers pings without the chain lock: while a long
    generatetoaddress holds the chain, a peer's pings come back fast."""
    import threading
    a = make_node()
    p = RawPeer(a.p2pport)
    p.handshake()
    done = []
    t = threading.Thread(target=lambda: done.append(a.rpc("generatetoaddress", 3000, ADDR)))
    t.start()
    worst = 0.0
    n = 0
    while t.is_alive() and n < 200:
        t0 = time.time()
        assert p.alive(5)
        worst = max(worst, time.time() - t0)
        n += 1
    t.join(120)
    print("%d pings while mining, slowest pong %.1f ms" % (n, 1000 * worst))
    assert n > 0 and len(done) == 1


def test_inbound_eviction_when_full(make_node):
    """With every inbound slot taken, a newcomer replaces an unprotected
    peer (Core's eviction) instead of being refused; the oldest peers are
    among the protected."""
    a = make_node(["-maxconnections=41"])  # 41 - 11 outbound slots = 30 inbound
    peers = []
    for _ in range(30):
        p = RawPeer(a.p2pport)
        p.handshake()
        peers.append(p)
    assert a.rpc("getconnectioncount") == 30
    newcomer = RawPeer(a.p2pport)
    newcomer.handshake()
    assert newcomer.alive()
    time.sleep(1)
    gone = [i for i, p in enumerate(peers) if p.closed(0.05)]
    assert len(gone) == 1, gone
    assert gone[0] >= 15, "an old peer was evicted: %d" % gone[0]
    deadline = time.time() + 10
    while a.rpc("getconnectioncount") != 30 and time.time() < deadline:
        time.sleep(0.1)
    assert a.rpc("getconnectioncount") == 30
    assert "evicted for a new inbound connection" in open(a.chaindir + "/debug.log").read()


def test_transactions_from_block_relay_only_peers(make_node):
    """A block-relay-only peer was told we want no transactions: an inv
    of one, or a tx, ends the link as in Core (not a ban); a full-relay
    peer's inv is only ignored while there is no mempool."""
    a, b = honest_pair(make_node)
    tx_inv = frame("inv", compact(1) + struct.pack("<I", 1) + bytes(range(32)))
    full = dial_raw(a, "outbound-full-relay")
    full.send(tx_inv)
    assert full.alive()
    br = dial_raw(a, "block-relay-only")
    br.send(tx_inv)
    assert br.closed()
    br2 = dial_raw(a, "block-relay-only")
    coinbase_like = bytes.fromhex("01000000" "01" + "00" * 32 + "ffffffff" "00" "ffffffff" "01" + "00" * 8 + "00" "00000000")
    br2.send(frame("tx", coinbase_like))
    assert br2.closed()
    log = open(a.chaindir + "/debug.log").read()
    assert "Misbehaving" not in log
    assert full.alive()
    still_honest(a, b)
