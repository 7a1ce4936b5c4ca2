"""Interop with bcoin 1.0.2 (npm), a full node no one here wrote, on
regtest over 127.0.0.1: Sato syncs a chain bcoin mined, bcoin syncs a
chain from Sato, new blocks relay both ways, and what bcoin's older rules
refuse is checked as a refusal.

bcoin runs through test/functional/npm/bcoin_node.js (its FullNode with
the chain in memory; see that file for why) and is driven over its
bitcoind-style JSON-RPC. What bcoin 1.0.2 does differently, found by
running it against Sato and reading its source:

- It speaks protocol 70015, so Sato sends it no wtxidrelay or sendaddrv2
  (70016 features, as Core); it sends BIP61 reject messages, which Sato
  logs and ignores as Core does.
- On regtest it has no checkpoints, so it syncs with getblocks and inv
  (not getheaders), only from outbound peers, and it ignores headers
  messages outside checkpoint sync; it never sends sendheaders, so Sato
  announces blocks to it with inv. A getblocks answer holds 500 blocks at
  most, and bcoin goes on only when the inv of the tip that Core sends
  after the 500th block (its hashContinue) comes: without it bcoin stopped
  at height 500 (test_p2p_getblocks.py checks that part without bcoin).
- Its regtest still has segwit as a BIP9 deployment (bit 1, 108 of 144
  blocks), active from height 432 once blocks signal; Core and Sato have
  it active from genesis on regtest, so every block they mine carries a
  witness commitment and the coinbase's witness reserved value. bcoin
  refuses such a block below its activation height with
  "unexpected-witness" (score 100: it bans the sender). So bcoin cannot
  sync a chain that Sato mined from genesis; it accepts Sato's blocks from
  height 432 on, after blocks mined by bcoin itself (which signal bit 1).
  The sync tests build their chains that way; the last two tests check
  the refusal, at block 1 and at 431.
- Its other regtest heights are late (BIP34 at 100,000,000, BIP66 at
  1,251, BIP65 at 1,351; Core's are 1), which does not matter here: its
  coinbases carry the height anyway and its block versions (BIP9
  versionbits: 0x20000000, then 0x30000003 from height 144) pass Sato's
  version checks.
- Its regtest addresses use the HRP "rb", not "bcrt".
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from framework import free_port

NPM_DIR = os.path.join(os.path.dirname(__file__), "npm")
RUNNER = os.path.join(NPM_DIR, "bcoin_node.js")
BCOIN_PKG = os.path.join(NPM_DIR, "node_modules", "bcoin", "package.json")
# The witness program of chainutil.ADDR, in bcoin's regtest form and Sato's.
BCOIN_ADDR = "rb1qw508d6qejxtdg4y5r3zarvary0c5xw7k38f4sn"
SATO_ADDR = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
# bcoin's regtest: the first height at which it accepts witness data
# (segwit active after three 144-block periods of its own signalling).
BCOIN_SEGWIT_HEIGHT = 432


def wait_until(pred, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def addr(port):
    return "127.0.0.1:%d" % port


class Bcoin:
    """One bcoin full node on regtest: its own prefix, P2P and HTTP ports
    on 127.0.0.1, no seeds; log in <prefix>/bcoin.log."""

    def __init__(self, prefix, **options):
        self.prefix = str(prefix)
        os.makedirs(self.prefix)
        self.port = free_port()
        self.http_port = free_port()
        self.options = dict(prefix=self.prefix, port=self.port, httpPort=self.http_port, **options)
        self.log_path = os.path.join(self.prefix, "bcoin.log")
        self.log = None
        self.proc = None

    def start(self, timeout=60):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["node", RUNNER, json.dumps(self.options)], cwd=NPM_DIR,
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("bcoin exited with %d:\n%s" % (self.proc.returncode, self.read_log()[-3000:]))
            if "bcoin-ready " in self.read_log():
                return self
            time.sleep(0.05)
        raise TimeoutError("bcoin did not start:\n" + self.read_log()[-3000:])

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def rpc(self, method, *params):
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        try:
            conn.request("POST", "/", body=json.dumps({"method": method, "params": list(params), "id": 1}),
                         headers={"Content-Type": "application/json"})
            body = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        if body.get("error"):
            raise RuntimeError("bcoin %s: %s" % (method, body["error"]))
        return body["result"]

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log is not None:
            self.log.close()
            self.log = None


@pytest.fixture
def make_bcoin(tmp_path):
    """Starts bcoin nodes (FullNode options as keywords); all are stopped at the end."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/deps installs it)")
    if not os.path.exists(BCOIN_PKG):
        pytest.skip("bcoin is not installed in test/functional/npm (scripts/deps installs it)")
    with open(BCOIN_PKG) as f:
        version = json.load(f)["version"]
    if version != "1.0.2":
        pytest.skip("test/functional/npm has bcoin %s, not the pinned 1.0.2 (rerun scripts/deps)" % version)
    made = []

    def make(**options):
        b = Bcoin(tmp_path / ("bcoin%d" % len(made)), **options)
        made.append(b)
        return b.start()

    yield make
    for b in made:
        b.kill()


def timed(what, pred, timeout=30):
    t0 = time.time()
    wait_until(pred, timeout, what)
    print("%s: %.2f s" % (what, time.time() - t0))


def sato_log(node):
    with open(os.path.join(node.chaindir, "debug.log"), errors="replace") as f:
        return f.read()


def test_sato_syncs_bcoins_chain_and_blocks_relay_both_ways(make_bcoin, make_node):
    b = make_bcoin()
    t0 = time.time()
    hashes = b.rpc("generatetoaddress", BCOIN_SEGWIT_HEIGHT - 1, BCOIN_ADDR)
    print("bcoin mined %d blocks: %.2f s" % (len(hashes), time.time() - t0))
    # Sato dials bcoin and syncs headers first from it.
    s = make_node(["-addnode=" + addr(b.port), "-debug=net"])
    timed("Sato synced %d blocks from bcoin" % len(hashes), lambda: s.rpc("getbestblockhash") == hashes[-1])
    assert s.rpc("getblock", hashes[199])["height"] == 200
    peers = s.rpc("getpeerinfo")
    assert [(p["subver"], p["version"], p["inbound"]) for p in peers] == [("/bcoin:v1.0.2/", 70015, False)]
    assert [(p["subver"], p["inbound"]) for p in b.rpc("getpeerinfo")] == [("/Sato:0.1.0/", True)]
    # A 70015 peer gets none of 70016's feature messages.
    log = sato_log(s)
    assert "sending wtxidrelay" not in log and "sending sendaddrv2" not in log
    # bcoin -> Sato: its block at 432 is its first with a witness commitment.
    for _ in range(2):
        new = b.rpc("generatetoaddress", 1, BCOIN_ADDR)[0]
        timed("a bcoin block reached Sato", lambda: s.rpc("getbestblockhash") == new, 10)
    assert s.rpc("getblockcount") == BCOIN_SEGWIT_HEIGHT + 1
    # Sato -> bcoin (bcoin's inbound peer announces with inv).
    for _ in range(2):
        new = s.rpc("generatetoaddress", 1, SATO_ADDR)[0]
        timed("a Sato block reached bcoin", lambda: b.rpc("getbestblockhash") == new, 10)
    assert b.rpc("getblockcount") == BCOIN_SEGWIT_HEIGHT + 3
    assert b.rpc("getblock", new)["confirmations"] == 1


def test_bcoin_syncs_from_sato_and_blocks_relay_both_ways(make_bcoin, make_node):
    # bcoin A mines up to its segwit activation; Sato takes that chain and
    # mines 100 blocks of its own on top, relayed to A as they come.
    a = make_bcoin()
    a.rpc("generatetoaddress", BCOIN_SEGWIT_HEIGHT - 1, BCOIN_ADDR)
    s = make_node(["-addnode=" + addr(a.port), "-debug=net"])
    wait_until(lambda: s.rpc("getblockcount") == BCOIN_SEGWIT_HEIGHT - 1, 30, "Sato to sync from bcoin A")
    t0 = time.time()
    hashes = s.rpc("generatetoaddress", 100, SATO_ADDR)
    timed("100 Sato blocks reached bcoin A", lambda: a.rpc("getbestblockhash") == hashes[-1])
    print("(mined and relayed in %.2f s)" % (time.time() - t0))
    # bcoin B, fresh, knows only Sato: all 531 blocks come from Sato, over
    # more than one getblocks round (500 hashes per inv).
    t0 = time.time()
    b = make_bcoin(only=[addr(s.p2pport)])
    timed("bcoin B synced %d blocks from Sato" % (BCOIN_SEGWIT_HEIGHT + 99),
          lambda: b.rpc("getbestblockhash") == hashes[-1])
    print("(with its start: %.2f s)" % (time.time() - t0))
    assert b.rpc("getblockhash", 250) == s.rpc("getblockhash", 250)
    assert {(p["subver"], p["inbound"]) for p in s.rpc("getpeerinfo")} == {
        ("/bcoin:v1.0.2/", False), ("/bcoin:v1.0.2/", True)}
    assert [(p["subver"], p["inbound"]) for p in b.rpc("getpeerinfo")] == [("/Sato:0.1.0/", False)]
    # B mines: Sato (B's outbound peer) takes it and passes it on to A.
    new = b.rpc("generatetoaddress", 1, BCOIN_ADDR)[0]
    timed("a block of bcoin B reached Sato and bcoin A",
          lambda: s.rpc("getbestblockhash") == new and a.rpc("getbestblockhash") == new, 10)
    # Sato mines: both bcoin nodes take it.
    new = s.rpc("generatetoaddress", 1, SATO_ADDR)[0]
    timed("a Sato block reached both bcoin nodes",
          lambda: a.rpc("getbestblockhash") == new and b.rpc("getbestblockhash") == new, 10)
    assert b.rpc("getblockcount") == s.rpc("getblockcount") == BCOIN_SEGWIT_HEIGHT + 101


def test_bcoin_refuses_sato_blocks_below_its_segwit_activation(make_bcoin, make_node):
    s = make_node(["-debug=net"])
    first = s.rpc("generatetoaddress", 5, SATO_ADDR)[0]
    b = make_bcoin(only=[addr(s.p2pport)])
    refusal = re.compile(r"Rejecting block %s .*reason=unexpected-witness" % first)
    wait_until(lambda: refusal.search(b.read_log()), 20, "bcoin's refusal of Sato's block 1")
    assert "Ban threshold exceeded" in b.read_log()
    assert b.rpc("getblockcount") == 0
    # Sato got bcoin's BIP61 reject, ignored it, and still serves.
    wait_until(lambda: "received: reject" in sato_log(s), 10, "the reject message")
    assert s.rpc("getblockcount") == 5


def test_bcoin_refuses_a_sato_block_at_431(make_bcoin, make_node):
    b = make_bcoin()
    b.rpc("generatetoaddress", BCOIN_SEGWIT_HEIGHT - 2, BCOIN_ADDR)
    s = make_node(["-addnode=" + addr(b.port)])
    wait_until(lambda: s.rpc("getblockcount") == BCOIN_SEGWIT_HEIGHT - 2, 30, "Sato to sync from bcoin")
    last = s.rpc("generatetoaddress", 1, SATO_ADDR)[0]
    refusal = re.compile(r"Rejecting block %s .*reason=unexpected-witness" % last)
    wait_until(lambda: refusal.search(b.read_log()), 20, "bcoin's refusal of Sato's block 431")
    assert b.rpc("getblockcount") == BCOIN_SEGWIT_HEIGHT - 2
