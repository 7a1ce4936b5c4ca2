"""The JSON-RPC server: shapes, errors, credentials and hostile requests."""
import hashlib
import hmac
import json
import os
import subprocess
import time

import bitcoin.rpc
import pytest

from framework import SATOD, Node, RPCError


def test_rawproxy_third_party_client(node):
    """python-bitcoinlib's RawProxy calls Sato unchanged."""
    proxy = bitcoin.rpc.RawProxy(service_url=node.url())
    assert isinstance(proxy.uptime(), int)
    assert "uptime" in proxy.help()
    assert proxy.help("stop").startswith("stop")
    logging = proxy.logging()
    assert logging["net"] is False and "rpc" in logging
    with pytest.raises(bitcoin.rpc.JSONRPCError) as e:
        proxy.call("nosuchmethod")
    assert e.value.error["code"] == -32601
    assert e.value.error["message"] == "Method not found"


def test_legacy_and_v2_shapes(node):
    status, body = node.post({"method": "uptime", "params": [], "id": "a"})
    assert status == 200 and set(body) == {"result", "error", "id"} and body["error"] is None
    assert body["id"] == "a"
    status, body = node.post({"jsonrpc": "2.0", "method": "uptime", "id": 7})
    assert status == 200 and set(body) == {"jsonrpc", "result", "id"}
    status, body = node.post({"jsonrpc": "2.0", "method": "nosuch", "id": 7})
    assert status == 200 and set(body) == {"jsonrpc", "error", "id"}
    assert body["error"]["code"] == -32601
    # A 2.0 notification gets no reply at all.
    status, body = node.post({"jsonrpc": "2.0", "method": "uptime"})
    assert status == 204 and body is None


def test_errors_and_status_codes(node):
    status, body = node.post(None, raw=b"{not json")
    assert status == 500 and body["error"]["code"] == -32700 and body["id"] is None
    status, body = node.post({"method": "nosuch", "id": 1})
    assert status == 404 and body["error"]["code"] == -32601
    status, body = node.post(None, raw=b"[1]")
    assert status == 200 and body[0]["error"]["code"] == -32600
    status, body = node.post({"method": 5, "id": 1})
    assert status == 400 and body["error"]["code"] == -32600
    status, body = node.post({"method": "help", "params": "x", "id": 1})
    assert status == 400 and body["error"]["message"] == "Params must be an array or object"
    status, body = node.post({"method": "help", "params": [1], "id": 1})
    assert status == 500 and body["error"]["code"] == -3
    status, body = node.post({"method": "help", "params": {"bogus": 1}, "id": 1})
    assert body["error"]["code"] == -8 and "Unknown named parameter bogus" in body["error"]["message"]
    status, body = node.post({"method": "logging", "params": [["nosuchcategory"]], "id": 1})
    assert body["error"]["code"] == -8
    status, body = node.post({"method": "getmemoryinfo", "params": ["weird"], "id": 1})
    assert body["error"]["code"] == -8
    status, _ = node.post(None, raw=b"", method="GET")
    assert status == 405
    assert node.rpc("uptime") >= 0


def test_named_parameters(node):
    status, body = node.post({"method": "logging", "params": {"include": ["net"]}, "id": 1})
    assert body["result"]["net"] is True
    status, body = node.post({"method": "logging", "params": {"exclude": ["net"]}, "id": 1})
    assert body["result"]["net"] is False
    status, body = node.post({"method": "help", "params": {"command": "uptime"}, "id": 1})
    assert body["result"].startswith("uptime")


def test_batch(node):
    status, body = node.post([{"method": "uptime", "id": 1}, {"method": "nosuch", "id": 2},
                              {"jsonrpc": "2.0", "method": "uptime"}])
    assert status == 200 and len(body) == 2
    assert body[0]["error"] is None and body[1]["error"]["code"] == -32601
    status, body = node.post([])
    assert status == 200 and body == []


def test_credentials(node):
    status, body = node.post({"method": "uptime", "id": 1}, auth="__cookie__:wrong")
    assert status == 401 and body is None
    status, body = node.post({"method": "uptime", "id": 1}, auth="")
    assert status == 401
    status, body = node.post({"method": "uptime", "id": 1}, auth="", headers={"Authorization": "Basic !!!!"})
    assert status == 401
    assert node.rpc("uptime") >= 0


def test_rpcauth_and_userpass(make_node):
    salt = "cb77f0957de88ff388cf817ddbc7273"
    mac = hmac.new(salt.encode(), b"secretpw", hashlib.sha256).hexdigest()
    n = make_node(["-rpcauth=alice:%s$%s" % (salt, mac), "-rpcuser=bob", "-rpcpassword=builder"])
    status, body = n.post({"method": "uptime", "id": 1}, auth="alice:secretpw")
    assert status == 200 and body["error"] is None
    status, _ = n.post({"method": "uptime", "id": 1}, auth="alice:wrong")
    assert status == 401
    status, body = n.post({"method": "uptime", "id": 1}, auth="bob:builder")
    assert status == 200
    # With -rpcuser there is no cookie.
    assert not os.path.exists(n.cookie_path())


def test_huge_body_refused_and_node_survives(node):
    big = b'{"method":"uptime","params":["' + b"a" * (33 * 1024 * 1024) + b'"],"id":1}'
    try:
        status, _ = node.post(None, raw=big)
        assert status == 413
    except (ConnectionError, OSError):
        pass  # the server may close the connection while we are still sending
    assert node.rpc("uptime") >= 0


def test_stop_is_clean(node):
    assert node.rpc("stop") == "Sato server stopping"
    assert node.wait(30) == 0
    assert not os.path.exists(node.cookie_path())
    assert not os.path.exists(os.path.join(node.chaindir, "satod.pid"))
    with open(os.path.join(node.chaindir, "debug.log")) as f:
        assert "Shutdown: done" in f.read()


def test_sigterm_is_clean(node):
    assert os.path.exists(os.path.join(node.chaindir, "satod.pid"))
    assert node.stop() == 0
    assert not os.path.exists(node.cookie_path())


def test_bad_config_refused(make_node, tmp_path):
    n = make_node(conf="nosuchoption=1\n", start=False)
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "nosuchoption" in r.stderr
    n = make_node(["-rpcport=notanumber"], start=False)
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "rpcport" in r.stderr
    n = make_node(["-bogus"], start=False)
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "Invalid parameter -bogus" in r.stderr
    n = make_node(["-rpcallowip=300.1.2.3"], start=False)
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    r = subprocess.run([SATOD, "-regtest", "-testnet"], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "at most one" in r.stderr


def test_config_sections(make_node):
    """[regtest] settings apply on regtest; top-level rpcport is mainnet-only."""
    n = make_node(start=False)
    with open(os.path.join(n.datadir, "sato.conf"), "w") as f:
        f.write("rpcport=1\ndebug=rpc\n[regtest]\nrpcport=%d\nport=%d\ndebug=net\n[test]\ndebug=http\n"
                % (n.rpcport, n.p2pport))
    n.port_on_cmdline = False
    n.start()
    logging = n.rpc("logging")
    assert logging["net"] is True and logging["rpc"] is True and logging["http"] is False


def test_debug_log_categories(make_node):
    n = make_node(["-debug=rpc", "-debugexclude=net"])
    assert n.rpc("logging")["rpc"] is True
    n2 = make_node(["-debug=nonsense"], start=False)
    r = subprocess.run(n2.args(), capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "nonsense" in r.stderr


def test_daemon_and_pidfile(make_node):
    n = make_node(["-daemon"], start=False)
    r = subprocess.run(n.args(), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    pidfile = os.path.join(n.chaindir, "satod.pid")
    deadline = time.time() + 30
    while not (os.path.exists(pidfile) and os.path.exists(n.cookie_path())) and time.time() < deadline:
        time.sleep(0.05)
    pid = int(open(pidfile).read())
    # Past the warm-up (-28 while the chain state loads), as Core's
    # test framework waits.
    while time.time() < deadline:
        try:
            status, body = n.post({"method": "uptime", "params": [], "id": 0})
            if body["error"] is None:
                break
            assert body["error"]["code"] == -28
        except (ConnectionError, OSError):
            pass
        time.sleep(0.05)
    assert n.rpc("stop") == "Sato server stopping"
    deadline = time.time() + 30
    while os.path.exists("/proc/%d" % pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(pidfile)


def test_rawproxy_chain_methods(node):
    """RawProxy on the chain methods: results of Core's shapes."""
    proxy = bitcoin.rpc.RawProxy(service_url=node.url())
    addr = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
    hashes = proxy.generatetoaddress(3, addr)
    assert len(hashes) == 3 and proxy.getblockcount() == 3
    assert proxy.getbestblockhash() == hashes[-1] == proxy.getblockhash(3)
    info = proxy.getblockchaininfo()
    assert info["chain"] == "regtest" and info["blocks"] == 3 and info["bestblockhash"] == hashes[-1]
    blk = proxy.getblock(hashes[0])
    assert blk["height"] == 1 and blk["nextblockhash"] == hashes[1] and len(blk["tx"]) == 1
    assert proxy.getblockheader(hashes[0], False) == proxy.getblock(hashes[0], 0)[:160]
    out = proxy.gettxout(blk["tx"][0], 0)
    assert out["coinbase"] is True and out["value"] == 50 and out["confirmations"] == 3
    assert proxy.getrawtransaction(blk["tx"][0], True, hashes[0])["txid"] == blk["tx"][0]
    assert proxy.gettxoutsetinfo()["txouts"] == 3
    assert proxy.getchaintips()[0]["status"] == "active"
    assert proxy.verifychain()
    assert proxy.submitblock(proxy.getblock(hashes[0], 0)) == "duplicate"
    with pytest.raises(bitcoin.rpc.JSONRPCError) as e:
        proxy.getblock("00" * 32)
    assert e.value.error == {"code": -5, "message": "Block not found"}
