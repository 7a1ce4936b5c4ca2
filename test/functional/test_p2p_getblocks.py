"""getblocks served as Core serves it; older clients (bcoin 1.0.2 among
them) sync with getblocks alone: an inv of at most 500 blocks after the
locator's fork, without the stop block; when the peer then asks for the
500th block, an inv of the tip follows that block, which is what makes the
peer send its next getblocks."""
import struct

from chainutil import ADDR
from test_p2p_defence import RawPeer, compact, frame

MSG_BLOCK = 2


def getblocks(locator, stop=None):
    return frame("getblocks", struct.pack("<I", 70016) + compact(len(locator))
                 + b"".join(bytes.fromhex(h)[::-1] for h in locator)
                 + (bytes.fromhex(stop)[::-1] if stop else bytes(32)))


def getdata(hashes):
    return frame("getdata", compact(len(hashes))
                 + b"".join(struct.pack("<I", MSG_BLOCK) + bytes.fromhex(h)[::-1] for h in hashes))


def parse_inv(payload):
    n, off = payload[0], 1
    if n == 0xfd:
        n, off = struct.unpack("<H", payload[1:3])[0], 3
    return [(struct.unpack("<I", payload[off + 36 * i:off + 36 * i + 4])[0],
             payload[off + 36 * i + 4:off + 36 * i + 36][::-1].hex()) for i in range(n)]


def until_pong(p):
    """The commands received up to the answer of a ping sent now."""
    p.send(frame("ping", struct.pack("<Q", 99)))
    seen = []
    while True:
        cmd, _ = p.recv_msg()
        if cmd == "pong":
            return seen
        seen.append(cmd)


def test_getblocks_stop_and_continuation(make_node):
    a = make_node()
    hashes = a.rpc("generatetoaddress", 510, ADDR)
    genesis = a.rpc("getblockhash", 0)
    p = RawPeer(a.p2pport)
    p.handshake()
    # The stop block ends the answer and is not in it.
    p.send(getblocks([genesis], stop=hashes[9]))
    assert parse_inv(p.wait_for("inv")) == [(MSG_BLOCK, h) for h in hashes[:9]]
    # From a locator's fork: the blocks after it, 500 at most.
    p.send(getblocks([hashes[2], genesis]))
    assert parse_inv(p.wait_for("inv")) == [(MSG_BLOCK, h) for h in hashes[3:503]]
    # Asking for other blocks changes nothing; the 500th (height 503) is
    # followed by an inv of the tip, once.
    p.send(getdata(hashes[3:5]))
    assert until_pong(p).count("inv") == 0
    p.send(getdata([hashes[502]]))
    p.wait_for("block")
    assert parse_inv(p.wait_for("inv")) == [(MSG_BLOCK, hashes[-1])]
    p.send(getdata([hashes[502]]))
    assert until_pong(p).count("inv") == 0
    # A new getblocks from there: the rest, no continuation (under 500).
    p.send(getblocks([hashes[502]]))
    assert parse_inv(p.wait_for("inv")) == [(MSG_BLOCK, h) for h in hashes[503:]]
    p.send(getdata([hashes[-1]]))
    assert until_pong(p).count("inv") == 0
