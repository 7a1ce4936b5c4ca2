"""The npm `bitcoin-core` JSON-RPC client, a third-party client used as is."""
import json
import os
import shutil
import subprocess

NPM_DIR = os.path.join(os.path.dirname(__file__), "npm")


def test_npm_bitcoin_core_client(node):
    assert shutil.which("node"), "node is installed by scripts/deps"
    assert os.path.isdir(os.path.join(NPM_DIR, "node_modules", "bitcoin-core")), \
        "scripts/deps installs test/functional/npm (npm ci)"
    user, password = node.auth().split(":", 1)
    r = subprocess.run(["node", os.path.join(NPM_DIR, "client_check.js"), "http://127.0.0.1:%d" % node.rpcport,
                        user, password], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert isinstance(out["uptime"], int)
    assert out["helpStop"].startswith("stop")
    assert out["decodescript"]["type"] == "witness_v1_taproot"
    assert out["validateaddress"]["isvalid"] is True
    assert out["logging"]["net"] is True
    assert isinstance(out["batch"][0], int) and out["batch"][1].startswith("uptime")
    assert out["unknown"]["code"] == -32601 and out["unknown"]["message"] == "Method not found"
    assert out["badauth"] != "no error"
    # Chain methods.
    assert len(out["generated"]) == 2 and out["blockcount"] == 2
    assert out["blockchaininfo"]["chain"] == "regtest" and out["blockchaininfo"]["blocks"] == 2
    assert out["block"]["hash"] == out["generated"][0] and out["block"]["height"] == 1
    assert {k: out["block"][k] for k in out["header"]} == out["header"]
    assert out["txout"]["coinbase"] is True and out["txout"]["scriptPubKey"]["type"] == "witness_v0_keyhash"
    assert out["txoutset"]["height"] == 2 and len(out["txoutset"]["hash_serialized_3"]) == 64
    assert out["chaintips"] == [{"height": 2, "hash": out["generated"][1], "branchlen": 0, "status": "active"}]
    assert out["chainbatch"][0] == out["generated"][0]
    assert out["chainbatch"][1]["code"] == -8 and out["chainbatch"][1]["message"] == "Block height out of range"
