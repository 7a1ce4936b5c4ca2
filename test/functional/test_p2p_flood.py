"""Floods that need no mempool (reliability.md BI07: B13 inv, B17 addr,
80 x 4 MB junk): each ends with the offender throttled or dropped as
Core would, the node's memory bounded and an honest Sato peer still
connected and in sync. B16 (orphans) waits for the mempool."""
import os
import random
import socket
import struct
import threading
import time

from chainutil import ADDR, grind
from rawpeer import RawPeer, compact, frame, honest_pair, still_honest, wait_until

# ASan keeps up to 256 MB of freed memory in quarantine, which would be
# counted as the node's; a small quarantine lets VmRSS measure the node.
LOW_QUARANTINE = {"ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16").lstrip(":")}
RSS_CEILING_KIB = 200 * 1024  # generous: the receive queues alone may take 5 MB a peer

MSG_TX, MSG_BLOCK, MSG_WTX, WITNESS = 1, 2, 5, 0x40000000
INV_TYPES = (MSG_TX, MSG_BLOCK, MSG_WTX, MSG_TX | WITNESS, MSG_BLOCK | WITNESS)


def inv_message(n):
    """n random block and transaction announcements."""
    hashes, kinds = os.urandom(32 * n), os.urandom(n)
    return frame("inv", compact(n) + b"".join(struct.pack("<I", INV_TYPES[kinds[i] % len(INV_TYPES)])
                                              + hashes[32 * i:32 * i + 32] for i in range(n)))


def until_pong(peer, timeout):
    """Pings; returns the commands the node sent before the pong."""
    nonce = struct.pack("<Q", 0x5a70)
    peer.send(frame("ping", nonce))
    cmds, deadline = [], time.time() + timeout
    while True:
        cmd, payload = peer.recv_msg(deadline - time.time())
        if cmd == "pong" and payload == nonce:
            return cmds
        cmds.append(cmd)


def peer_by_port(node, port):
    for x in node.rpc("getpeerinfo"):
        if x["addr"].endswith(":%d" % port):
            return x
    return None


def connected(a, b):
    """b is among a's peers and a among b's."""
    return (any(x["addr"].endswith(":%d" % a.p2pport) for x in b.rpc("getpeerinfo"))
            and b.rpc("getbestblockhash") == a.rpc("getbestblockhash"))


def test_b13_inv_flood(make_node):
    """Many peers announce millions of random blocks and transactions in
    lists of up to 50,000 (Core's MAX_INV_SZ): as Core, the unknown
    blocks cost one getheaders per peer per two minutes, transactions are
    ignored (no mempool), nobody is punished, and the flooders are only
    throttled (reading pauses past 5 MB unprocessed). A block mined
    meanwhile reaches the honest peer while the flood goes on."""
    a, b = honest_pair(make_node, env=LOW_QUARANTINE)
    base = a.rss_kib()
    flooders = []
    for _ in range(24):
        p = RawPeer(a.p2pport, timeout=60)
        p.handshake()
        flooders.append(p)
    stop = threading.Event()
    sent = [0] * len(flooders)
    errors = []

    def flood(i):
        n = 50000 if i == 0 else 5000  # the first at the limit, which is allowed
        try:
            msgs = [inv_message(n) for _ in range(3)]
            k = 0
            while not stop.is_set():
                flooders[i].send(msgs[k % 3])
                sent[i] += n
                k += 1
        except OSError as e:
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=flood, args=(i,), daemon=True) for i in range(len(flooders))]
    t0 = time.time()
    try:
        for t in threads:
            t.start()
        peak = base
        wait_until(lambda: min(sent) >= 20000, 60, "every flooder's first 20,000 entries")
        time.sleep(1)
        new = a.rpc("generatetoaddress", 1, ADDR)[0]
        mined = time.time()
        while b.rpc("getbestblockhash") != new and time.time() - mined < 30:
            peak = max(peak, a.rss_kib())
            time.sleep(0.1)
        reached = time.time() - mined
        assert b.rpc("getbestblockhash") == new, "the honest peer did not get the block during the flood"
        time.sleep(1)  # a little more flood after it
        peak = max(peak, a.rss_kib())
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    print("inv flood: %d peers, %d entries in %.1f s; block reached the honest peer in %.2f s; RSS %d KiB, +%d KiB"
          % (len(flooders), sum(sent), time.time() - t0, reached, base, peak - base))
    assert errors == [], errors
    assert peak - base < RSS_CEILING_KIB
    # The flooders are kept (nothing they sent is misbehaviour): a ping
    # behind all they sent is answered once the node has caught up.
    for p in flooders:
        cmds = until_pong(p, 60)
        # The one getheaders came with the handshake; the millions of
        # unknown blocks asked for none more (one per peer per 2 min,
        # Core's HEADERS_RESPONSE_TIME).
        assert cmds.count("getheaders") == 1, cmds
    assert a.rpc("getconnectioncount") == len(flooders) + 1
    assert "Misbehaving" not in open(a.chaindir + "/debug.log").read()
    assert connected(a, b)
    still_honest(a, b)


def random_routable_ipv4(rng):
    first = rng.choice([x for x in range(1, 224) if x not in (10, 100, 127, 169, 172, 192, 198)])
    return bytes([first, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)])


def addr_message(rng, n=1000):
    now = int(time.time())
    return frame("addr", compact(n) + b"".join(
        struct.pack("<IQ", now, 1 | 8) + bytes(10) + b"\xff\xff" + random_routable_ipv4(rng) + struct.pack(">H", 8333)
        for _ in range(n)))


def test_b17_addr_flood(make_node):
    """10,000 addresses in a minute (here in seconds) from an outbound
    peer we asked with getaddr (1,000 tokens more) and from an inbound
    one (1 token): Core's token bucket (0.1 a second, 1,000 banked)
    processes about 1,001 and 1 of them and counts the rest as rate
    limited; the peers are throttled, not punished."""
    a, b = honest_pair(make_node, env=LOW_QUARANTINE)
    rng = random.Random(17)
    known_before = len(a.rpc("getnodeaddresses", 0))
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    lst.settimeout(30)
    out_port = lst.getsockname()[1]
    t_conn = time.time()
    assert a.rpc("addconnection", "127.0.0.1:%d" % out_port, "outbound-full-relay", False)
    sock, _ = lst.accept()
    lst.close()
    outp = RawPeer(sock=sock, timeout=30)
    outp.answer_handshake()
    outp.wait_for("getaddr")
    inp = RawPeer(a.p2pport, timeout=30)
    inp.handshake()
    inp_port = inp.sock.getsockname()[1]
    for _ in range(10):
        m = addr_message(rng)
        outp.send(m)
        inp.send(addr_message(rng))
        time.sleep(0.1)
    assert outp.alive(30) and inp.alive(30)  # every addr before the ping is handled
    elapsed = time.time() - t_conn
    o = peer_by_port(a, out_port)
    i = peer_by_port(a, inp_port)
    print("addr flood over %.1f s: outbound processed %d, rate limited %d; inbound processed %d, rate limited %d"
          % (elapsed, o["addr_processed"], o["addr_rate_limited"], i["addr_processed"], i["addr_rate_limited"]))
    # The burst a getaddr allows, then 0.1 a second.
    assert 1000 <= o["addr_processed"] <= 1001 + elapsed * 0.1 + 1
    assert o["addr_processed"] + o["addr_rate_limited"] == 10000
    assert 1 <= i["addr_processed"] <= 1 + elapsed * 0.1 + 1
    assert i["addr_processed"] + i["addr_rate_limited"] == 10000
    known = len(a.rpc("getnodeaddresses", 0))
    print("address manager: %d addresses (%d before)" % (known, known_before))
    # What was processed went in (less bucket collisions); nothing more.
    assert 700 <= known - known_before <= o["addr_processed"] + i["addr_processed"]
    assert o["connection_type"] == "outbound-full-relay" and i["inbound"] is True
    assert "Misbehaving" not in open(a.chaindir + "/debug.log").read()
    assert connected(a, b)
    still_honest(a, b)


def invalid_block_payload(size=4000000):
    """A block that decodes (one transaction whose output script is the
    padding) but fails proof of work: Core's BLOCK_INVALID_HEADER."""
    header = grind(struct.pack("<I", 4) + os.urandom(64) + struct.pack("<II", int(time.time()), 0x207fffff)
                   + bytes(4), want_valid=False)
    head = header + compact(1) + struct.pack("<I", 1) + compact(1) + bytes(32) + b"\xff" * 4 + compact(0) \
        + b"\xff" * 4 + compact(1) + bytes(8)
    tail = bytes(4)  # lock time
    n = size - len(head) - len(tail) - 5
    payload = head + compact(n) + os.urandom(n) + tail
    assert len(payload) == size
    return payload


def test_80_junk_messages_of_4mb(make_node):
    """Three peers each send 80 messages of 4,000,000 bytes (the most a
    message may carry) while a fourth pings every 200 ms: an unknown
    command (ignored, as Core), a "block" of garbage (undecodable: Core
    drops the message and keeps the peer, reading paused while 5 MB wait)
    and a block that decodes but fails proof of work (misbehaviour:
    dropped after the first). Every pong comes within 2 s."""
    a, b = honest_pair(make_node, env=LOW_QUARANTINE)
    junk = os.urandom(4000000)
    floods = {"unknown": frame("junkjunk", junk), "garbage": frame("block", junk),
              "invalid": frame("block", invalid_block_payload())}
    peers = {}
    for name in floods:
        peers[name] = RawPeer(a.p2pport, timeout=120)
        peers[name].handshake()
    pinger = RawPeer(a.p2pport, timeout=10)
    pinger.handshake()
    base = a.rss_kib()
    sent = {name: 0 for name in floods}
    refused = {}

    def flood(name):
        try:
            for _ in range(80):
                peers[name].send(floods[name])
                sent[name] += 1
        except OSError as e:
            refused[name] = repr(e)

    threads = [threading.Thread(target=flood, args=(name,), daemon=True) for name in floods]
    t0 = time.time()
    for t in threads:
        t.start()
    latencies, peak, nonce = [], base, 0
    while any(t.is_alive() for t in threads) or len(latencies) < 10:
        nonce += 1
        t_ping = time.time()
        pinger.send(frame("ping", struct.pack("<Q", nonce)))
        while True:
            cmd, payload = pinger.recv_msg(10)
            if cmd == "pong" and payload == struct.pack("<Q", nonce):
                break
        latencies.append(time.time() - t_ping)
        peak = max(peak, a.rss_kib())
        time.sleep(max(0.0, 0.2 - (time.time() - t_ping)))
        assert time.time() - t0 < 150, "the flood did not end"
    for t in threads:
        t.join()
    worst = max(latencies)
    print("junk flood: %s messages sent in %.1f s; %d pings, slowest pong %.0f ms; RSS %d KiB, +%d KiB"
          % (sent, time.time() - t0, len(latencies), 1000 * worst, base, peak - base))
    assert worst < 2.0
    assert peak - base < RSS_CEILING_KIB
    # Ignored and undecodable messages: the peers are kept, all read.
    for name in ("unknown", "garbage"):
        assert sent[name] == 80 and name not in refused
        assert peers[name].alive(60), name
        info = peer_by_port(a, peers[name].sock.getsockname()[1])
        assert info["bytesrecv"] >= 80 * 4000024, (name, info["bytesrecv"])
    # The invalid block: punished at once (a local address is not
    # discouraged, only disconnected); the rest of its flood unsent.
    assert peers["invalid"].closed(10)
    assert sent["invalid"] < 80
    assert "Misbehaving" in open(a.chaindir + "/debug.log").read()
    assert a.rpc("getconnectioncount") == 4  # b, unknown, garbage, pinger
    assert connected(a, b)
    still_honest(a, b)


def test_getheaders_from_a_peer_that_does_not_read(make_node):
    """3,000 getheaders from a peer that reads nothing: without Core's
    fPauseSend each 200-header answer would pile up in memory (about
    50 MB); the node stops serving the peer while its send buffer is
    full, stays bounded and answers everyone, and once the peer reads
    it gets every answer."""
    a, b = honest_pair(make_node, env=LOW_QUARANTINE)
    a.rpc("generatetoaddress", 195, ADDR)
    wait_until(lambda: b.rpc("getblockcount") == 200, 60, "the honest peer's sync")
    genesis = bytes.fromhex(a.rpc("getblockhash", 0))[::-1]
    slow = RawPeer(a.p2pport, timeout=60)
    slow.handshake()
    rss_before = a.rss_kib()
    # The kernel holds a few MB for the socket; past that it all waits in
    # the node unless the node stops serving.
    ask = frame("getheaders", struct.pack("<I", 70016) + compact(1) + genesis + bytes(32))
    n = 3000
    slow.sock.sendall(ask * n)
    time.sleep(3)
    grown = a.rss_kib() - rss_before
    print("RSS grew by %.1f MB with %d getheaders unread" % (grown / 1024, n))
    assert grown < 30 * 1024
    still_honest(a, b)
    got = 0
    deadline = time.time() + 120
    while got < n and time.time() < deadline:
        cmd, payload = slow.recv_msg(deadline - time.time())
        if cmd == "headers":
            assert payload[0] in (200, 201)  # every header after genesis (201 once still_honest mined)
            got += 1
        elif cmd == "ping":
            slow.send(frame("pong", payload))
    print("drained %d answers in %.1f s" % (got, time.time() - deadline + 120))
    assert got == n
    assert slow.alive()
    assert connected(a, b)
