"""A raw P2P peer over a real socket, speaking the v1 wire protocol to a
satod on regtest, for tests of hostile and third-party peers. Messages
are built with python-bitcoinlib where it has them; headers are parsed
here (its parser is not to be trusted)."""
import hashlib
import socket
import struct
import time

import bitcoin
import bitcoin.messages as bmsg

from chainutil import ADDR
from framework import wait_until  # noqa: F401 (re-exported for the tests)

MAGIC = bytes.fromhex("fabfb5da")
bitcoin.SelectParams("regtest")


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def frame(cmd, payload=b"", magic=MAGIC, checksum=None, length=None):
    c = cmd.encode() if isinstance(cmd, str) else cmd
    return (magic + c.ljust(12, b"\0") + struct.pack("<I", len(payload) if length is None else length)
            + (checksum if checksum is not None else sha256d(payload)[:4]) + payload)


def compact(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xffffffff:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


class RawPeer:
    """A minimal P2P client: inbound to the node when given a port, or
    the node's outbound peer when given a socket it dialled."""

    def __init__(self, port=None, sock=None, timeout=10):
        self.sock = sock if sock is not None else socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data.to_bytes() if hasattr(data, "to_bytes") else data)

    def recv_msg(self, timeout=10):
        deadline = time.time() + timeout
        while True:
            if len(self.buf) >= 24:
                n = struct.unpack("<I", self.buf[16:20])[0]
                if len(self.buf) >= 24 + n:
                    cmd = self.buf[4:16].rstrip(b"\0").decode()
                    payload = self.buf[24:24 + n]
                    self.buf = self.buf[24 + n:]
                    return cmd, payload
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no message")
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed by the node")
            self.buf += data

    def wait_for(self, want, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            cmd, payload = self.recv_msg(deadline - time.time())
            if cmd == "ping":
                self.send(frame("pong", payload))
            if cmd == want:
                return payload
        raise TimeoutError(want)

    def handshake(self, version=70016):
        v = bmsg.msg_version()
        v.nVersion = version
        v.nServices = 1 | 8
        self.send(v)
        self.wait_for("version")
        self.send(bmsg.msg_verack())
        self.wait_for("verack")

    def answer_handshake(self, version=70016):
        """The node dialled us: its version first, then ours."""
        self.wait_for("version")
        v = bmsg.msg_version()
        v.nVersion = version
        v.nServices = 1 | 8  # NODE_NETWORK | NODE_WITNESS, as an outbound peer must offer
        self.send(v)
        self.send(bmsg.msg_verack())
        self.wait_for("verack")

    def alive(self, timeout=5):
        """A ping is answered: the connection is up and served."""
        nonce = struct.pack("<Q", 0x1234567890)
        self.send(frame("ping", nonce))
        return self.wait_for("pong", timeout) == nonce

    def closed(self, timeout=10):
        try:
            deadline = time.time() + timeout
            while time.time() < deadline:
                self.recv_msg(deadline - time.time())
        except ConnectionError:
            return True
        except (TimeoutError, socket.timeout):
            return False
        return False


def dial_raw(node, kind):
    """A raw peer the node dials itself (addconnection) as the given
    connection type, past the handshake."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    lst.settimeout(30)
    port = lst.getsockname()[1]
    assert node.rpc("addconnection", "127.0.0.1:%d" % port, kind, False)
    sock, _ = lst.accept()
    lst.close()
    p = RawPeer(sock=sock)
    p.port = port
    p.answer_handshake()
    return p


def parse_headers(payload):
    n, off = payload[0], 1  # counts here are small
    out = []
    for _ in range(n):
        out.append(payload[off:off + 80])
        off += 81
    return out


def honest_pair(make_node, extra_args=(), env=None):
    """Node a with 5 blocks and an honest Sato peer b that dialled it
    (-addnode) and synced them."""
    a = make_node(list(extra_args), env=env)
    a.rpc("generatetoaddress", 5, ADDR)
    b = make_node(["-addnode=127.0.0.1:%d" % a.p2pport])
    wait_until(lambda: b.rpc("getblockcount") == 5, 30, "the honest peer's sync")
    return a, b


def still_honest(a, b, timeout=10):
    """A block mined on a reaches b."""
    new = a.rpc("generatetoaddress", 1, ADDR)[0]
    deadline = time.time() + timeout
    while b.rpc("getbestblockhash") != new and time.time() < deadline:
        time.sleep(0.05)
    assert b.rpc("getbestblockhash") == new, "the honest peer stopped syncing"
