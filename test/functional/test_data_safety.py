"""Data safety: a second node on the same data directory is refused, an
interrupted -reindex resumes, kill -9 loses no stored block, the RPC
server answers -28 while the node loads, a start that a reindex would fix
says so, and rejected blocks are logged as Core logs them."""
import os
import signal
import struct
import subprocess
import time

import pytest

from chainutil import ADDR, grind
from framework import SATOD, Node, RPCError


def fault_injection_built():
    from framework import BUILD
    try:
        return "SATO_FAULT_INJECT:BOOL=ON" in open(os.path.join(BUILD, "CMakeCache.txt")).read()
    except OSError:
        return False


def blk_data(node):
    """The block file's bytes without the zeros of its preallocation."""
    with open(os.path.join(node.chaindir, "blocks", "blk00000.dat"), "rb") as f:
        return f.read().rstrip(b"\0")


def kept(before, node):
    """Every stored byte is still there (more may have been added)."""
    with open(os.path.join(node.chaindir, "blocks", "blk00000.dat"), "rb") as f:
        return f.read().startswith(before)


def utxo(node):
    info = node.rpc("gettxoutsetinfo")
    return {k: info[k] for k in ("height", "bestblock", "hash_serialized_3", "txouts", "total_amount")}


def log_text(node):
    with open(os.path.join(node.chaindir, "debug.log"), errors="replace") as f:
        return f.read()


def test_second_instance_is_refused_and_the_first_unharmed(make_node):
    a = make_node()
    hashes = a.rpc("generatetoaddress", 30, ADDR)
    cookie = a.auth()
    pid_path = os.path.join(a.chaindir, "satod.pid")
    data = blk_data(a)
    for extra in ([], ["-daemon"], ["-reindex"]):
        b = Node(a.datadir, extra)
        p = subprocess.run(b.args(), capture_output=True, text=True, timeout=60)
        assert p.returncode == 1
        assert ("Error: Cannot obtain a lock on directory %s. Sato is probably already running."
                % a.chaindir) in p.stderr
    # Nothing of the first node was touched.
    assert a.auth() == cookie and os.path.exists(pid_path)
    assert blk_data(a) == data
    assert a.rpc("getbestblockhash") == hashes[-1]
    hashes += a.rpc("generatetoaddress", 5, ADDR)
    assert a.stop() == 0
    assert not os.path.exists(os.path.join(a.chaindir, ".cookie"))
    # Once it is gone the directory is free again, and all is there.
    a.start()
    assert a.rpc("getblockcount") == 35 and a.rpc("getbestblockhash") == hashes[-1]


def test_kill9_after_mining_keeps_every_block(make_node):
    n = make_node(["-checkblocks=0"])
    hashes = n.rpc("generatetoaddress", 500, ADDR)
    data = blk_data(n)
    n.kill()  # SIGKILL: nothing was flushed since the start
    n.start()
    assert n.rpc("getblockcount") == 500
    assert n.rpc("getbestblockhash") == hashes[-1]
    assert kept(data, n)
    assert "Recovered 500 blocks written after the last flush" in log_text(n)
    # Killed again before any flush, and while blocks come in: still all.
    hashes += n.rpc("generatetoaddress", 100, ADDR)
    n.kill()
    n.start()
    assert n.rpc("getbestblockhash") == hashes[-1]
    assert n.rpc("verifychain", 4, 0) is True
    assert n.stop() == 0


def start_reindex_and_kill(n, monkeypatch, fault=None, delay=None):
    """Starts -reindex and kills it: at a fault site (FI_EXIT_AT, a crash at
    that exact point) or with SIGKILL after delay seconds."""
    n.extra_args = ["-reindex", "-checkblocks=0"]
    if fault:
        monkeypatch.setenv("FI_EXIT_AT", fault)
    n.start(wait=False)
    if fault:
        rc = n.proc.wait(60)
        monkeypatch.delenv("FI_EXIT_AT")
        assert rc == 137, "the fault site %s was not reached" % fault
    else:
        time.sleep(delay)
        n.kill()
    n.extra_args = ["-checkblocks=0"]


def test_interrupted_reindex_resumes_on_a_plain_start(make_node, monkeypatch):
    n = make_node(["-checkblocks=0"])
    hashes = n.rpc("generatetoaddress", 600, ADDR)
    want = utxo(n)
    assert n.stop() == 0
    data = blk_data(n)
    moments = [("delay", d) for d in (0.05, 0.15, 0.3)]
    if fault_injection_built():
        # Exact points: while reading the block files (first block, middle,
        # last) and while connecting them again (undo data written).
        moments += [("fault", f) for f in ("chain.recover.block:1", "chain.recover.block:300",
                                           "chain.recover.block:601", "rev.appended:1",
                                           "rev.appended:450")]
    for kind, what in moments:
        if kind == "fault":
            start_reindex_and_kill(n, monkeypatch, fault=what)
        else:
            start_reindex_and_kill(n, monkeypatch, delay=what)
        assert kept(data, n), "block data was cut after %s %s" % (kind, what)
        n.start()
        assert n.rpc("getblockcount") == 600, "after %s %s" % (kind, what)
        assert n.rpc("getbestblockhash") == hashes[-1]
        assert utxo(n) == want
        assert n.stop() == 0
    log = log_text(n)
    assert "A reindex was interrupted; resuming it" in log
    assert "Reindexing block file blk00000.dat..." in log


def test_sigterm_during_reindex_stops_and_resumes(make_node):
    n = make_node(["-checkblocks=0"])
    hashes = n.rpc("generatetoaddress", 2000, ADDR)
    assert n.stop() == 0
    n.extra_args = ["-reindex"]
    n.start(wait=False)
    time.sleep(0.2)
    n.proc.send_signal(signal.SIGTERM)
    assert n.wait(60) == 0
    n.extra_args = []
    n.start()
    assert n.rpc("getbestblockhash") == hashes[-1]


def test_rpc_warms_up_while_loading(make_node):
    n = make_node(["-checkblocks=0"])
    n.rpc("generatetoaddress", 3000, ADDR)
    assert n.stop() == 0
    n.extra_args = ["-reindex"]
    seen = []
    n.start(wait=False)
    n.wait_for_rpc(warmup=seen)
    # Every early call got Core's warm-up answer, never a missing cookie
    # or a refused connection once the cookie was there.
    assert seen, "no call was answered during the reindex"
    assert set(seen) <= {"RPC server started", "Loading block index\u2026", "Verifying blocks\u2026"}
    assert n.rpc("getblockcount") == 3000
    # Unknown methods get the warm-up answer too (Core checks it first).
    n.kill()
    os.unlink(n.cookie_path())  # what kill -9 leaves behind
    n.extra_args = ["-reindex"]
    n.start(wait=False)
    deadline = time.time() + 30
    answer = None
    while time.time() < deadline and answer is None:
        try:
            if os.path.exists(n.cookie_path()):
                answer = n.post({"method": "nosuchmethod", "params": [], "id": 1})
        except (ConnectionError, OSError):
            pass
        time.sleep(0.005)
    status, body = answer
    assert (status, body["error"]["code"]) in ((500, -28), (404, -32601))
    n.wait_for_rpc()
    assert n.rpc("getblockcount") == 3000


def test_failed_start_suggests_reindex_which_fixes_it(make_node):
    n = make_node()
    n.rpc("generatetoaddress", 50, ADDR)
    assert n.stop() == 0
    path = os.path.join(n.chaindir, "blocks", "blk00000.dat")
    with open(path, "r+b") as f:
        f.truncate(len(blk_data(n)) // 2)
    p = subprocess.run(n.args(), capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    log = log_text(n)
    assert "Error: Error opening block database" in log
    assert "Please restart with -reindex to recover." in log
    n.extra_args = ["-reindex"]
    n.start()
    height = n.rpc("getblockcount")
    assert 0 < height < 50
    assert n.rpc("verifychain", 4, 0) is True


def test_rejected_blocks_are_logged(make_node):
    n = make_node()
    n.rpc("generatetoaddress", 1, ADDR)
    block = bytes.fromhex(n.rpc("generateblock", ADDR, [], False)["hex"])
    cb = block[81:]
    # The coinbase pays one satoshi more than the subsidy: ConnectBlock
    # refuses it ("bad-cb-amount"), a verdict Core remembers and logs.
    value = struct.pack("<q", 50 * 100000000)
    assert value in cb
    bad_cb = cb.replace(value, struct.pack("<q", 50 * 100000000 + 1), 1)
    txid = n.rpc("decoderawtransaction", bad_cb.hex())["txid"]
    header = grind(block[:36] + bytes.fromhex(txid)[::-1] + block[68:80])
    bad = header + block[80:81] + bad_cb
    assert n.rpc("submitblock", bad.hex()) == "bad-cb-amount"
    from chainutil import header_hash
    h = header_hash(header)
    log = log_text(n)
    assert "[error] ConnectTip: ConnectBlock %s failed, bad-cb-amount" % h in log
    assert "InvalidChainFound: invalid block=%s height=2 log2_work=" % h in log
    assert "InvalidChainFound: current best=%s height=1 log2_work=" % n.rpc("getbestblockhash") in log
    # A block CheckBlock refuses gets ProcessNewBlock's line.
    bad_merkle = grind(block[:36] + bytes(32) + block[68:80]) + block[80:]
    assert n.rpc("submitblock", bad_merkle.hex()) == "bad-txnmrklroot"
    assert "[error] ProcessNewBlock: AcceptBlock FAILED (bad-txnmrklroot" in log_text(n)
