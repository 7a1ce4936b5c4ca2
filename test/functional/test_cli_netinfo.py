"""sato-cli -netinfo (bitcoin-cli's dashboard) against two connected
nodes: the counts table, the peers listing of each level, outonly, the
help and the argument errors. The exact layout of every column is
checked by test/unit/test_cli_netinfo.c."""
import re
import time


def connected_pair(make_node):
    a = make_node()
    # a's clock runs ten minutes behind, so its peer's age reads 10 min.
    a.rpc("setmocktime", int(time.time()) - 600)
    b = make_node(["-addnode=127.0.0.1:%d" % a.p2pport])
    deadline = time.time() + 30
    while time.time() < deadline:
        pa, pb = a.rpc("getpeerinfo"), b.rpc("getpeerinfo")
        if pa and pb and "pingtime" in pb[0]:
            return a, b
        time.sleep(0.05)
    raise AssertionError("the nodes did not connect")


def test_netinfo_levels(make_node):
    a, b = connected_pair(make_node)
    info = b.rpc("getnetworkinfo")
    header = "Sato client v%s regtest - server %d%s" % (
        info["subversion"].split(":")[1].rstrip("/"), info["protocolversion"], info["subversion"])

    r = b.cli("-netinfo")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (header + "\n\n"
                        "         ipv4    ipv6     npr   total   block  manual\n"
                        "in          0       0       0       0\n"
                        "out         0       0       1       1       0       1\n"
                        "total       0       0       1       1\n\n"
                        "Local services: network, witness, network limited\n\n"
                        "Local addresses: n/a\n\n")
    r = a.cli("-netinfo")
    assert "\nin          0       0       1       1\nout         0       0       0       0       0\n" in r.stdout

    # Level 1: the listing, without address and version.
    lines = b.cli("-netinfo", "1").stdout.split("\n")
    assert lines[0] == header + " - services nwl"
    assert lines[2].startswith("<->   type   net   serv  v  mping   ping send recv  txn  blk  hb addrp addrl  age id")
    assert re.match(r"^out manual   npr    nwl  1 +\d+ +\d+ +\d+ +\d+ +\* +0  0 $", lines[3]), lines[3]
    assert lines[4].strip().split() == ["ms", "ms", "sec", "sec", "min", "min", "min"]

    peer_port = b.rpc("getpeerinfo")[0]["addr"]
    out4 = b.cli("-netinfo", "4").stdout.split("\n")
    assert out4[2].endswith(" id address         version")
    assert out4[3].endswith(" 0 %s 70016%s" % (peer_port, a.rpc("getnetworkinfo")["subversion"]))
    out2 = b.cli("-netinfo", "2").stdout.split("\n")
    assert out2[3].endswith(" 0 %s " % peer_port) and "70016" not in out2[3]
    out3 = b.cli("-netinfo", "3").stdout.split("\n")
    assert out3[3].endswith(" 0 70016" + a.rpc("getnetworkinfo")["subversion"]) and peer_port not in out3[3]
    # Levels past 4 read as 4.
    assert b.cli("-netinfo", "200").stdout.split("\n")[2] == out4[2]

    # a sees b inbound, connected ten (mocked) minutes ago.
    row = a.cli("-netinfo", "1").stdout.split("\n")[3]
    assert row.startswith(" in          npr") and re.search(r" 10  0 $", row), row
    # outonly: a has no outbound peer, so no listing at all.
    r = a.cli("-netinfo", "4", "outonly")
    assert r.returncode == 0 and "<->" not in r.stdout and "\nin          0       0       1       1" in r.stdout


def test_netinfo_help_and_errors(node):
    for h in ("help", "h"):
        r = node.cli("-netinfo", h)
        assert r.returncode == 0 and r.stdout.startswith("-netinfo (level [outonly]) | help\n")
    r = node.cli("-netinfo", "x")
    assert r.returncode == 1
    assert r.stderr == "error: invalid -netinfo level argument: x\nFor more information, run: sato-cli -netinfo help\n"
    r = node.cli("-netinfo", "0", "o")
    assert r.returncode == 1 and "only valid for a level greater than 0" in r.stderr
    r = node.cli("-netinfo", "1", "x")
    assert r.returncode == 1 and "invalid -netinfo outonly argument: x\n" in r.stderr
    # No peers: only the counts.
    r = node.cli("-netinfo", "4")
    assert r.returncode == 0 and "<->" not in r.stdout and "total       0       0       0\n" in r.stdout
