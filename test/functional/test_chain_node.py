"""Operating the node with a chain state: clean stops flush, -reindex
rebuilds the same chain, the chain options are taken, a storage failure
at start stops the node with a clear line and a non-zero exit."""
import os
import signal
import subprocess

from chainutil import ADDR
from framework import Node


def test_sigint_flushes_and_reindex_rebuilds(make_node):
    n = make_node(["-dbcache=4", "-par=2", "-checkblocks=0"])
    hashes = n.rpc("generatetoaddress", 20, ADDR)
    n.proc.send_signal(signal.SIGINT)
    assert n.wait() == 0
    log = open(os.path.join(n.chaindir, "debug.log")).read()
    assert "Shutdown: flushing the chain state" in log and "Shutdown: done" in log
    n.start()
    assert n.rpc("getbestblockhash") == hashes[-1]
    before = n.rpc("gettxoutsetinfo")
    assert n.rpc("stop") == "Sato server stopping"
    assert n.wait() == 0
    n.extra_args = ["-reindex", "-txindex"]
    n.start()
    assert n.rpc("getbestblockhash") == hashes[-1]
    after = n.rpc("gettxoutsetinfo")
    assert {k: after[k] for k in ("hash_serialized_3", "txouts", "total_amount", "height")} == \
        {k: before[k] for k in ("hash_serialized_3", "txouts", "total_amount", "height")}
    txid = n.rpc("getblock", hashes[4])["tx"][0]
    assert n.rpc("getrawtransaction", txid, 1)["blockhash"] == hashes[4]
    log = open(os.path.join(n.chaindir, "debug.log")).read()
    assert "Reindexing the chain state" in log and "txindex is enabled at height 20" in log


def test_storage_failure_at_start(tmp_path):
    d = tmp_path / "bad"
    os.makedirs(d / "regtest")
    # The chain state's directory is a file: the database cannot open.
    (d / "regtest" / "chainstate").write_text("not a directory")
    n = Node(d)
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    log = open(os.path.join(n.chaindir, "debug.log")).read()
    assert "Error: Error opening block database" in log
    assert not os.path.exists(os.path.join(n.chaindir, "satod.pid"))


def test_unknown_chain_option_refused(tmp_path):
    n = Node(tmp_path, ["-prune=550"])
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=60)
    assert r.returncode != 0


def test_stop_interrupts_long_generate(make_node):
    import threading
    n = make_node()
    result = {}

    def mine():
        try:
            result["hashes"] = n.rpc("generatetoaddress", 100000, ADDR)
        except Exception as e:  # the connection may close under it
            result["error"] = e
    t = threading.Thread(target=mine)
    t.start()
    import time
    deadline = time.time() + 30
    while n.rpc("getblockcount") < 5 and time.time() < deadline:
        time.sleep(0.05)
    n.proc.send_signal(signal.SIGTERM)
    assert n.wait(60) == 0
    t.join(60)
    n.start()
    height = n.rpc("getblockcount")
    assert 5 <= height < 100000
    assert n.rpc("verifychain", 4, 0) is True


def fault_injection_built():
    from framework import BUILD
    try:
        return "SATO_FAULT_INJECT:BOOL=ON" in open(os.path.join(BUILD, "CMakeCache.txt")).read()
    except OSError:
        return False


def test_storage_failure_while_running_stops_the_node(make_node, monkeypatch):
    import pytest
    if not fault_injection_built():
        pytest.skip("needs a build with SATO_FAULT_INJECT (make test)")
    # Undo data cannot be written: connecting the next block fails for
    # the disk, never for the block.
    monkeypatch.setenv("FI_EIO_ON", "rev.write")
    n = make_node()
    from framework import RPCError
    with pytest.raises(RPCError) as e:
        n.rpc("generatetoaddress", 1, ADDR)
    assert e.value.code == -20
    assert n.wait(30) != 0
    log = open(os.path.join(n.chaindir, "debug.log")).read()
    assert "*** Failed to store a new block" in log and "shutting down" in log
    monkeypatch.delenv("FI_EIO_ON")
    n.start()
    # The block itself reached the blk file before its undo data failed:
    # the restart reads it back and connects it (a storage error is never
    # a verdict on the block).
    assert n.rpc("getblockcount") == 1
    assert n.rpc("getchaintips")[0]["status"] == "active"
    assert len(n.rpc("generatetoaddress", 1, ADDR)) == 1


def test_rpc_answers_while_the_periodic_flush_runs(make_node):
    """The periodic flush runs on the work queue, not on the event loop:
    calls keep being answered while it writes."""
    import time
    n = make_node(["-flushinterval=1", "-debug=coindb", "-rpcthreads=4"])
    latencies = []
    deadline = time.time() + 4
    while time.time() < deadline:
        n.rpc("generatetoaddress", 200, ADDR)  # dirty coins for the next flush
        for _ in range(20):
            t = time.time()
            assert n.rpc("uptime") >= 0
            latencies.append(time.time() - t)
    log = open(os.path.join(n.chaindir, "debug.log")).read()
    flushes = [int(line.rsplit(" ", 2)[-2]) for line in log.splitlines()
               if "Periodic flush of the chain state took" in line]
    assert flushes, "no periodic flush ran"
    latencies.sort()
    print("periodic flushes: %d, longest %d ms; uptime calls: %d, median %.1f ms, max %.1f ms"
          % (len(flushes), max(flushes), len(latencies), 1000 * latencies[len(latencies) // 2],
             1000 * latencies[-1]))
