"""sato-cli: bitcoin-cli's command line against a running node."""
import json
import os
import subprocess

from framework import SATO_CLI


def test_cli_basic(node):
    r = node.cli("uptime")
    assert r.returncode == 0 and int(r.stdout) >= 0
    r = node.cli("help", "uptime")
    assert r.returncode == 0 and r.stdout.startswith("uptime")
    r = node.cli("logging", '["net"]')
    assert r.returncode == 0 and json.loads(r.stdout)["net"] is True


def test_cli_named_and_stdin(node):
    r = node.cli("-named", "logging", 'exclude=["net"]')
    assert r.returncode == 0 and json.loads(r.stdout)["net"] is False
    r = node.cli("-named", "help", "command=stop")
    assert r.returncode == 0 and r.stdout.startswith("stop")
    r = node.cli("-named", "help", "stop")
    assert r.returncode != 0 and "No '='" in r.stderr
    r = node.cli("-stdin", "help", stdin="uptime\n")
    assert r.returncode == 0 and r.stdout.startswith("uptime")


def test_cli_errors(node):
    r = node.cli("nosuchmethod")
    assert r.returncode == 32601 % 256  # bitcoin-cli exits with abs(code)
    assert "error code: -32601" in r.stderr and "Method not found" in r.stderr
    r = node.cli("logging", "[not json")
    assert r.returncode != 0 and "Error parsing JSON" in r.stderr
    r = node.cli("-rpcpassword=x", "-rpcuser=y", "uptime")
    assert r.returncode != 0 and "Incorrect rpcuser or rpcpassword" in r.stderr


def test_cli_no_server(tmp_path):
    r = subprocess.run([SATO_CLI, "-regtest", "-datadir=%s" % tmp_path, "-rpcport=1", "-rpcpassword=x",
                        "uptime"], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "Could not connect to the server" in r.stderr


def test_cli_rpcwait(make_node):
    n = make_node(start=False)
    cli = subprocess.Popen([SATO_CLI, "-regtest", "-datadir=" + n.datadir, "-rpcport=%d" % n.rpcport,
                            "-rpcwait", "-rpcwaittimeout=60", "uptime"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    n.start()
    out, err = cli.communicate(timeout=90)
    assert cli.returncode == 0, err
    assert int(out) >= 0


def test_cli_reads_config(make_node):
    n = make_node(["-rpcuser=u", "-rpcpassword=p"], start=False)
    with open(os.path.join(n.datadir, "sato.conf"), "w") as f:
        f.write("[regtest]\nrpcuser=u\nrpcpassword=p\nrpcport=%d\n" % n.rpcport)
    n.start(wait=False)
    r = subprocess.run([SATO_CLI, "-regtest", "-datadir=" + n.datadir, "-rpcwait", "uptime"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_cli_getinfo_and_chain_calls(node):
    r = node.cli("generatetoaddress", "2", "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 2
    r = node.cli("-getinfo")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:4] == ["Chain: regtest", "Blocks: 2", "Headers: 2", "Verification progress: 100.0000%"]
    assert lines[4] == "Difficulty: 4.656542373906925e-10"
    # Core's network section from getnetworkinfo; no made-up wallet figures.
    assert lines[6:11] == ["Network: in 0, out 0, total 0", "Version: 10000", "Time offset (s): 0", "Proxies: n/a",
                           "Min tx relay fee rate (BTC/kvB): 0.00000100"]
    assert "Wallet: not available" in r.stdout and "Balance" not in r.stdout
    r = node.cli("-getinfo", "extra")
    assert r.returncode != 0 and "-getinfo takes no arguments" in r.stderr
    r = node.cli("-named", "getblock", "blockhash=" + node.rpc("getbestblockhash"), "verbosity=0")
    assert r.returncode == 0 and len(r.stdout.strip()) > 160
    r = node.cli("gettxoutsetinfo")
    assert r.returncode == 0 and '"total_amount": 100.00000000' in r.stdout


def test_cli_missing_datadir(tmp_path):
    # bitcoin-cli's CheckDataDirOption: refused before anything is read or
    # sent, with its words and exit status 1.
    missing = str(tmp_path / "missing")
    a_file = tmp_path / "file"
    a_file.write_text("")
    for bad in (missing, str(a_file)):
        r = subprocess.run([SATO_CLI, "-regtest", "-datadir=" + bad, "-rpcport=1", "-rpcpassword=x", "uptime"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 1
        assert r.stderr == 'Error: Specified data directory "%s" does not exist.\n' % bad
        assert r.stdout == ""
