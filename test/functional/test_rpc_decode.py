"""decoderawtransaction, decodescript and validateaddress on a live node."""
import json
import os

import bitcoin.rpc

VECTORS = os.environ.get("SATO_VECTORS", os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                      "shared", "vectors"))


def load(rel):
    with open(os.path.join(VECTORS, rel)) as f:
        return json.load(f)


def test_decodescript_vectors(node):
    proxy = bitcoin.rpc.RawProxy(service_url=node.url())
    for script_hex, want in load("bitcoin-core/rpc_decodescript.json"):
        got = proxy.decodescript(script_hex)
        assert json.loads(json.dumps(got, default=float)) == json.loads(json.dumps(want)), script_hex


def test_decoderawtransaction(node):
    want = load("bitcoin-core/util/txcreatesignv1.json")
    got = node.rpc("decoderawtransaction", want["hex"])
    del want["hex"]
    # Addresses differ by chain (the vector is mainnet, the node regtest).
    for out in want["vout"] + got["vout"]:
        out["scriptPubKey"].pop("address", None)
        out["scriptPubKey"].pop("desc", None)
    assert got == want
    status, body = node.post({"method": "decoderawtransaction", "params": ["zz"], "id": 1})
    assert body["error"]["code"] == -22 and body["error"]["message"] == "TX decode failed"
    status, body = node.post({"method": "decoderawtransaction", "params": [], "id": 1})
    assert body["error"]["code"] == -1 and body["error"]["message"].startswith("decoderawtransaction")
    status, body = node.post({"method": "decodescript", "params": ["0g"], "id": 1})
    assert body["error"]["code"] == -8


def test_amount_text_is_exact(node):
    """Amounts are printed with eight decimals, as Bitcoin Core prints them."""
    hexstr = load("bitcoin-core/util/txcreatedata1.json")["hex"]
    r = node.cli("decoderawtransaction", hexstr)
    assert r.returncode == 0
    assert '"value": 0.18000000' in r.stdout and '"value": 4.00000000' in r.stdout


def test_validateaddress(node):
    ok = node.rpc("validateaddress", "BCRT1QTMP74AYG7P24USLCTSSVJM06Q5PHZ4YRXUCGNV")
    assert list(ok) == ["isvalid", "address", "scriptPubKey", "isscript", "iswitness", "witness_version",
                        "witness_program"]
    assert ok["isvalid"] is True and ok["address"] == "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv"
    assert ok["scriptPubKey"] == "0014" + ok["witness_program"] and len(ok["witness_program"]) == 40
    assert ok["isscript"] is False and ok["iswitness"] is True and ok["witness_version"] == 0
    p2pkh = node.rpc("validateaddress", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")
    assert p2pkh["isscript"] is False and p2pkh["iswitness"] is False
    assert p2pkh["scriptPubKey"].startswith("76a914") and p2pkh["scriptPubKey"].endswith("88ac")
    bad = node.rpc("validateaddress", "bcrt1q04oldschfnwystcqnsvyfpj23mpsg3jcedq9xv")
    assert bad == {"isvalid": False, "error_locations": [8], "error": "Invalid Base 32 character"}
    unknown = node.rpc("validateaddress", "bcrt1p424qxxyd0r")
    assert unknown["isvalid"] and "isscript" not in unknown and unknown["iswitness"] is True
    status, body = node.post({"method": "validateaddress", "params": [None], "id": 1})
    assert body["error"] == {"code": -3, "message": "JSON value of type null is not of expected type string"}
    status, body = node.post({"method": "validateaddress", "params": [], "id": 1})
    assert body["error"]["code"] == -1
    assert "Return information about the given bitcoin address." in body["error"]["message"]
