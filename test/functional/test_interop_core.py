"""Interop with Bitcoin Core's bitcoind on regtest over 127.0.0.1: Core
syncs a chain Sato mined and Sato syncs a chain Core mined, with each side
dialling the other; new blocks relay both ways within seconds; two halves
mined apart reorganize to the heavier side, whichever node has it; both
UTXO sets hash the same; getpeerinfo on both sides shows the other as
expected; and neither side logs misbehaviour or an unexplained disconnect.

Skipped unless SATO_BITCOIND names a bitcoind binary (built from source,
outside this repository). Run from test/functional:

    SATO_BITCOIND=/path/to/bitcoind /usr/bin/python3 -m pytest -q -s test_interop_core.py

Sato's satod comes from SATO_BUILD (framework.py: build-test by default);
when that has none and build/ (`make build`) has one, build/ is used.

What Core does that a Sato-only network does not:

- Core's v2transport (BIP324) is on by default, and for -connect/-addnode
  peers Core tries v2 whatever the peer's services say. Sato speaks only
  v1: it drops the connection at the first bytes ("Wrong MessageStart"),
  having sent nothing, and Core reconnects at once with v1 ("retrying with
  v1 transport protocol"). That one disconnect per dial is expected.
- Core's regtest genesis is from 2011, so a fresh bitcoind is in initial
  block download until its tip is recent; blocks mined now end that.
"""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

import framework
from chainutil import ADDR
from framework import free_port, wait_until

BITCOIND = os.environ.get("SATO_BITCOIND")

if not BITCOIND:
    pytest.skip("SATO_BITCOIND is not set: point it at a bitcoind binary (Bitcoin Core, built outside "
                "this repository) to run the Core interop tests", allow_module_level=True)
if not (os.path.isfile(BITCOIND) and os.access(BITCOIND, os.X_OK)):
    pytest.skip("SATO_BITCOIND=%s is not an executable file" % BITCOIND, allow_module_level=True)

# A release build (`make build`) does as well as the sanitizer one.
_REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
if "SATOD" not in os.environ and "SATO_BUILD" not in os.environ and not os.path.exists(framework.SATOD):
    if os.path.exists(os.path.join(_REPO, "build", "satod")):
        framework.SATOD = os.path.join(_REPO, "build", "satod")
        framework.SATO_CLI = os.path.join(_REPO, "build", "sato-cli")

# Not given by Sato: lines in either log that mean a peer was punished.
PUNISHED = re.compile(r"Misbehaving|discourag|Ban threshold|Banning", re.I)


class CoreRPCError(Exception):
    def __init__(self, code, message):
        super().__init__("%d: %s" % (code, message))
        self.code = code


class Bitcoind:
    """One bitcoind -regtest with its own data directory, P2P port (bound
    to 127.0.0.1) and RPC port, user/password auth, -debug=net; no seeds,
    no onion service, no NAT mapping, no discovery."""

    USER, PASSWORD = "interop", "interop-pass"

    def __init__(self, datadir, extra_args=()):
        self.datadir = str(datadir)
        os.makedirs(self.datadir, exist_ok=True)
        self.p2pport = free_port()
        self.rpcport = free_port()
        self.extra_args = list(extra_args)
        self.proc = None
        self.stderr_path = os.path.join(self.datadir, "stderr.txt")

    @property
    def log_path(self):
        return os.path.join(self.datadir, "regtest", "debug.log")

    def args(self):
        return [BITCOIND, "-regtest", "-datadir=" + self.datadir, "-printtoconsole=0", "-server=1",
                "-rpcuser=" + self.USER, "-rpcpassword=" + self.PASSWORD, "-rpcport=%d" % self.rpcport,
                "-listen=1", "-bind=127.0.0.1:%d" % self.p2pport, "-port=%d" % self.p2pport,
                "-listenonion=0", "-dnsseed=0", "-fixedseeds=0", "-discover=0", "-natpmp=0",
                "-debug=net", "-debug=cmpctblock", "-logtimemicros=1"] + self.extra_args

    def start(self, timeout=60):
        self.err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.args(), stdin=subprocess.DEVNULL, stdout=self.err, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                with open(self.stderr_path, errors="replace") as f:
                    raise RuntimeError("bitcoind exited with %d: %s" % (self.proc.returncode, f.read()[-3000:]))
            try:
                self.rpc("getblockcount")
                return self
            except CoreRPCError as e:
                if e.code != -28:  # warming up
                    raise
            except (ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise TimeoutError("bitcoind RPC did not come up")

    def rpc(self, method, *params, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.rpcport, timeout=timeout)
        creds = base64.b64encode(("%s:%s" % (self.USER, self.PASSWORD)).encode()).decode()
        try:
            conn.request("POST", "/", body=json.dumps({"jsonrpc": "1.0", "id": 1, "method": method,
                                                       "params": list(params)}),
                         headers={"Content-Type": "application/json", "Authorization": "Basic " + creds})
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status == 401:
            raise RuntimeError("bitcoind refused the RPC credentials")
        body = json.loads(data)
        if body.get("error"):
            raise CoreRPCError(body["error"]["code"], body["error"]["message"])
        return body["result"]

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout=60):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.rpc("stop")
            self.proc.wait(timeout)
        except Exception:
            self.kill()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "err", None) is not None:
            self.err.close()
            self.err = None


@pytest.fixture
def make_core(tmp_path):
    made = []

    def make(extra_args=()):
        c = Bitcoind(tmp_path / ("core%d" % len(made)), extra_args)
        made.append(c)
        return c.start()

    yield make
    for c in made:
        c.kill()
        # Keep the logs of a failed run where they can be read.
        keep = os.environ.get("SATO_INTEROP_KEEP")
        if keep:
            os.makedirs(keep, exist_ok=True)
            shutil.copy(c.log_path, os.path.join(keep, os.path.basename(c.datadir) + "-debug.log"))


def timed(what, pred, timeout=120):
    t0 = time.time()
    wait_until(pred, timeout, what, poll=0.02)
    dt = time.time() - t0
    print("%s: %.2f s" % (what, dt))
    return dt


def sato_log(node):
    with open(os.path.join(node.chaindir, "debug.log"), errors="replace") as f:
        return f.read()


def same_tip(s, c):
    return s.rpc("getbestblockhash") == c.rpc("getbestblockhash")


def assert_same_chain(s, c, height):
    assert s.rpc("getblockcount") == c.rpc("getblockcount") == height
    for h in sorted({0, 1, height // 2, height - 1, height}):
        assert s.rpc("getblockhash", h) == c.rpc("getblockhash", h), "block %d differs" % h
    # The UTXO sets agree (Core's and Sato's hash_serialized_3).
    us, uc = s.rpc("gettxoutsetinfo"), c.rpc("gettxoutsetinfo")
    assert us["hash_serialized_3"] == uc["hash_serialized_3"]
    assert us["txouts"] == uc["txouts"] and us["height"] == uc["height"] == height


def check_peers(s, c, core_inbound, core_sees, sato_sees):
    """getpeerinfo on both sides: exactly one peer each, the other node,
    with the services and version it speaks; core_sees and sato_sees are
    the (synced_headers, synced_blocks) each should report of the other.
    As in Core, a peer's synced_headers is the best block it is known to
    have (from what it announced or sent), synced_blocks the last block in
    common found while downloading from it: -1 for a peer that only ever
    downloaded from us and never announced a block."""
    cps, sps = c.rpc("getpeerinfo"), s.rpc("getpeerinfo")
    assert len(cps) == 1 and len(sps) == 1, (cps, sps)
    cp, sp = cps[0], sps[0]
    summary = "Core sees Sato: %s\nSato sees Core: %s" % (
        json.dumps({k: cp.get(k) for k in (
            "subver", "version", "services", "servicesnames", "inbound", "connection_type",
            "transport_protocol_type", "synced_headers", "synced_blocks", "startingheight", "relaytxes",
            "bip152_hb_from", "bip152_hb_to")}),
        json.dumps({k: sp.get(k) for k in (
            "subver", "version", "services", "servicesnames", "inbound", "connection_type", "synced_headers",
            "synced_blocks", "startingheight")}))
    assert cp["subver"].startswith("/Sato:"), summary
    assert cp["version"] == 70016, summary
    assert cp["inbound"] is core_inbound, summary
    assert cp["connection_type"] == ("inbound" if core_inbound else "manual"), summary
    assert cp["transport_protocol_type"] == "v1", summary
    assert {"NETWORK", "WITNESS", "NETWORK_LIMITED"} <= set(cp["servicesnames"]), summary
    assert "P2P_V2" not in cp["servicesnames"], summary
    assert cp["relaytxes"] is False, summary  # Sato has no mempool yet: fRelay=0 in its version
    assert sp["subver"].startswith("/Satoshi:"), summary
    assert sp["version"] >= 70016, summary  # Core 31.99 speaks 70017 (the "feature" message)
    assert sp["inbound"] is (not core_inbound), summary
    assert {"NETWORK", "WITNESS", "NETWORK_LIMITED"} <= set(sp["servicesnames"]), summary
    assert (cp["synced_headers"], cp["synced_blocks"]) == core_sees, summary
    assert (sp["synced_headers"], sp["synced_blocks"]) == sato_sees, summary
    print(summary)


def settle(check, timeout=30):
    """Retries check (which asserts) until it passes or time is up:
    getpeerinfo catches up with a block a moment after it connects."""
    deadline = time.time() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def check_logs(s, c, allow_disconnects=0):
    """Neither log shows a punished peer; Core's disconnects are all the
    expected ones (printed), at most allow_disconnects of them besides the
    v2 fallback, and Sato's are accounted for."""
    clog, slog = c.read_log(), sato_log(s)
    assert not PUNISHED.findall(clog), [l for l in clog.splitlines() if PUNISHED.search(l)]
    assert not PUNISHED.findall(slog), [l for l in slog.splitlines() if PUNISHED.search(l)]
    cdisc = [l for l in clog.splitlines() if re.search(r"disconnect", l, re.I)]
    sdisc = [l for l in slog.splitlines() if re.search(r"disconnect", l, re.I)]
    for l in cdisc:
        print("core: " + l)
    for l in sdisc:
        print("sato: " + l)
    v2_retries = clog.count("retrying with v1 transport protocol")
    # Each v2 attempt costs Sato one "Wrong MessageStart" and nothing else.
    s_unexpected = [l for l in sdisc if "Wrong MessageStart" not in l and "socket closed" not in l]
    assert len(s_unexpected) <= allow_disconnects, s_unexpected
    assert sum("Wrong MessageStart" in l for l in sdisc) == v2_retries
    c_unexpected = [l for l in cdisc if "disconnecting peer" in l or "Disconnecting" in l]
    assert len(c_unexpected) <= v2_retries + allow_disconnects, c_unexpected


def test_core_syncs_from_sato_then_sato_from_core(make_node, make_core):
    # Sato mines 200 blocks alone; a fresh bitcoind dials it (-connect).
    s = make_node(["-debug=net"])
    t0 = time.time()
    sato_hashes = s.rpc("generatetoaddress", 200, ADDR)
    print("Sato mined 200 blocks: %.2f s" % (time.time() - t0))
    c = make_core(["-connect=127.0.0.1:%d" % s.p2pport])
    timed("Core synced 200 blocks from Sato",
          lambda: c.rpc("getblockcount") == 200 and c.rpc("getbestblockhash") == sato_hashes[-1])
    assert c.rpc("getblockchaininfo")["initialblockdownload"] is False
    assert_same_chain(s, c, 200)
    # Core downloaded from Sato; Sato never heard of a block from Core.
    settle(lambda: check_peers(s, c, False, core_sees=(200, 200), sato_sees=(-1, -1)))

    # Core mines 200 on top: Sato (its inbound peer) takes them.
    t0 = time.time()
    core_hashes = c.rpc("generatetoaddress", 200, ADDR)
    print("Core mined 200 blocks: %.2f s" % (time.time() - t0))
    timed("Sato synced 200 blocks from Core (counted from the end of mining)",
          lambda: s.rpc("getbestblockhash") == core_hashes[-1])
    assert_same_chain(s, c, 400)

    # Relay of single blocks, each way, within a few seconds.
    for _ in range(3):
        new = s.rpc("generatetoaddress", 1, ADDR)[0]
        assert timed("a Sato block reached Core", lambda: c.rpc("getbestblockhash") == new, 10) < 5
        new = c.rpc("generatetoaddress", 1, ADDR)[0]
        assert timed("a Core block reached Sato", lambda: s.rpc("getbestblockhash") == new, 10) < 5
    assert_same_chain(s, c, 406)
    # The last block Sato mined (405) Core has from Sato; 406 went the
    # other way.
    settle(lambda: check_peers(s, c, False, core_sees=(405, 405), sato_sees=(406, 406)))
    check_logs(s, c)


def test_sato_syncs_from_core_and_both_reorganize(make_node, make_core):
    # Core mines 200 alone; a fresh Sato dials it (-addnode).
    c = make_core()
    t0 = time.time()
    core_hashes = c.rpc("generatetoaddress", 200, ADDR)
    print("Core mined 200 blocks: %.2f s" % (time.time() - t0))
    s = make_node(["-debug=net", "-addnode=127.0.0.1:%d" % c.p2pport])
    timed("Sato synced 200 blocks from Core", lambda: s.rpc("getbestblockhash") == core_hashes[-1])
    assert_same_chain(s, c, 200)
    # Sato mines 200 on top: Core (whose inbound peer Sato is) takes them.
    sato_hashes = s.rpc("generatetoaddress", 200, ADDR)
    timed("Core synced 200 blocks from Sato", lambda: c.rpc("getbestblockhash") == sato_hashes[-1])
    assert_same_chain(s, c, 400)
    settle(lambda: check_peers(s, c, True, core_sees=(400, 400), sato_sees=(200, 200)))
    new = s.rpc("generatetoaddress", 1, ADDR)[0]
    assert timed("a Sato block reached Core", lambda: c.rpc("getbestblockhash") == new, 10) < 5
    new = c.rpc("generatetoaddress", 1, ADDR)[0]
    assert timed("a Core block reached Sato", lambda: s.rpc("getbestblockhash") == new, 10) < 5
    check_logs(s, c)
    base = 402

    def split_mine_join(sato_n, core_n):
        for n in (s, c):
            n.rpc("setnetworkactive", False)
        wait_until(lambda: not s.rpc("getpeerinfo") and not c.rpc("getpeerinfo"), 30, "the split")
        sh = s.rpc("generatetodescriptor", sato_n, "raw(51)#8lvh9jxk")
        ch = c.rpc("generatetoaddress", core_n, ADDR)
        t0 = time.time()
        # Core first: Sato's dial would find it not yet accepting.
        for n in (c, s):
            n.rpc("setnetworkactive", True)
        return sh, ch, t0

    # Core's side is heavier: Sato reorganizes 5 blocks away.
    sh, ch, t0 = split_mine_join(5, 12)
    wait_until(lambda: same_tip(s, c) and s.rpc("getbestblockhash") == ch[-1], 120, "Sato's reorg to Core's side")
    print("Sato reorganized 5 -> 12 blocks onto Core's side: %.2f s after the join" % (time.time() - t0))
    assert_same_chain(s, c, base + 12)
    assert any(t["branchlen"] == 5 and t["hash"] == sh[-1] for t in s.rpc("getchaintips"))
    settle(lambda: check_peers(s, c, True, core_sees=(base + 5, -1), sato_sees=(base + 12, base + 12)))
    base += 12

    # Sato's side is heavier: Core reorganizes 3 blocks away.
    sh, ch, t0 = split_mine_join(15, 3)
    wait_until(lambda: same_tip(s, c) and c.rpc("getbestblockhash") == sh[-1], 120, "Core's reorg to Sato's side")
    print("Core reorganized 3 -> 15 blocks onto Sato's side: %.2f s after the join" % (time.time() - t0))
    assert_same_chain(s, c, base + 15)
    assert any(t["branchlen"] == 3 and t["hash"] == ch[-1] for t in c.rpc("getchaintips"))
    # Core's 3 blocks (417) came in the headers answering Sato's getheaders;
    # Sato downloaded nothing from Core on this connection. Two bitcoinds
    # in Sato's and Core's places report exactly these numbers too.
    settle(lambda: check_peers(s, c, True, core_sees=(base + 15, base + 15), sato_sees=(base + 3, -1)))
    new = s.rpc("generatetoaddress", 1, ADDR)[0]
    assert timed("after the reorgs, a Sato block reached Core", lambda: c.rpc("getbestblockhash") == new, 10) < 5
    # Two splits: each drops the connection on both sides once.
    check_logs(s, c, allow_disconnects=4)
