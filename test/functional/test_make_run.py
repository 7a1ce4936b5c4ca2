"""`make run ARGS="..."`: the extra flags reach satod. make only prints
the command (-n, so nothing is built); the test runs what it printed,
with the tests' satod in place of the Release one."""
import os
import shlex
import subprocess

from chainutil import ADDR
from framework import BUILD, Node

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_make_run_passes_args(tmp_path):
    n = Node(tmp_path)
    extra = "-debug=rpc -txindex -printtoconsole=0 -rpcport=%d" % n.rpcport
    build = os.path.relpath(os.path.abspath(BUILD), ROOT)
    out = subprocess.run(["make", "-n", "-s", "-C", ROOT, "run", "BUILD=" + build, "DATADIR=%s" % tmp_path,
                          "ARGS=" + extra], capture_output=True, text=True, timeout=60, check=True).stdout
    argv = shlex.split([line for line in out.splitlines() if line.startswith("./%s/satod " % build)][-1])
    assert argv[1:] == ["-regtest", "-datadir=%s" % tmp_path] + extra.split()
    argv[0] = os.path.join(ROOT, argv[0])
    n.args = lambda: argv
    n.start()
    try:
        assert n.rpc("logging")["rpc"] is True
        block = n.rpc("generatetoaddress", 1, ADDR)[0]
        coinbase = n.rpc("getblock", block)["tx"][0]
        # Without -txindex a transaction is found only with its block's hash.
        assert n.rpc("getrawtransaction", coinbase, True)["blockhash"] == block
    finally:
        n.kill()
