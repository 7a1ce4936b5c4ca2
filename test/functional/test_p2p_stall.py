"""A peer that announces a chain and never delivers its blocks: once the
1,024-block download window cannot move past the blocks it holds, Core's
stalling rule (2 s at first) drops it and the node gets those blocks from
the other peer."""
import socket
import struct
import threading
import time

from chainutil import ADDR
from test_p2p_defence import compact, frame, sha256d


class Staller(threading.Thread):
    """Listens on 127.0.0.1, shakes hands, answers getheaders with the
    given headers and ignores every getdata."""

    def __init__(self, headers):
        super().__init__(daemon=True)
        self.headers = headers
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(4)
        self.port = self.srv.getsockname()[1]
        self.getdata = 0
        self.stop = False
        self.disconnected = threading.Event()

    def run(self):
        conn, _ = self.srv.accept()
        conn.settimeout(0.2)
        buf = b""
        ver = (struct.pack("<iQq", 70016, 1 | 8, int(time.time())) + bytes(26) + bytes(26)
               + struct.pack("<Q", 99) + compact(9) + b"/staller/" + struct.pack("<i", len(self.headers)) + b"\0")
        conn.sendall(frame("version", ver))
        while not self.stop:
            try:
                data = conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not data:
                break
            buf += data
            while len(buf) >= 24 and len(buf) >= 24 + struct.unpack("<I", buf[16:20])[0]:
                n = struct.unpack("<I", buf[16:20])[0]
                cmd, payload, buf = buf[4:16].rstrip(b"\0").decode(), buf[24:24 + n], buf[24 + n:]
                if cmd == "version":
                    conn.sendall(frame("verack"))
                elif cmd == "ping":
                    conn.sendall(frame("pong", payload))
                elif cmd == "getheaders":
                    batch = self.headers[:2000]
                    conn.sendall(frame("headers", compact(len(batch)) + b"".join(h + b"\0" for h in batch)))
                elif cmd == "getdata":
                    self.getdata += 1  # and never answered
        self.disconnected.set()
        conn.close()


def test_stalling_peer_is_replaced(make_node):
    honest = make_node()
    hashes = honest.rpc("generatetoaddress", 1100, ADDR)
    headers = [bytes.fromhex(honest.rpc("getblockheader", h, False)) for h in hashes]
    assert sha256d(headers[-1])[::-1].hex() == hashes[-1]
    staller = Staller(headers)
    staller.start()
    node = make_node(["-connect=127.0.0.1:%d" % staller.port, "-debug=net"])
    deadline = time.time() + 30
    while staller.getdata == 0 and time.time() < deadline:
        time.sleep(0.05)
    assert staller.getdata > 0, "the node never asked the staller for blocks"
    # Now an honest peer: it serves everything but the staller's blocks,
    # the window fills, and the staller is dropped.
    t0 = time.time()
    node.rpc("addnode", "127.0.0.1:%d" % honest.p2pport, "onetry")
    assert staller.disconnected.wait(60), "the stalling peer was not disconnected"
    print("staller dropped %.1f s after the honest peer came" % (time.time() - t0))
    deadline = time.time() + 60
    while node.rpc("getbestblockhash") != hashes[-1] and time.time() < deadline:
        time.sleep(0.1)
    assert node.rpc("getbestblockhash") == hashes[-1]
    log = open(node.chaindir + "/debug.log").read()
    assert "is stalling block download" in log
    staller.stop = True
