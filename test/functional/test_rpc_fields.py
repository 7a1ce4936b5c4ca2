"""Sato's result fields, method by method, against the field names of
Bitcoin Core's RPC help (test/functional/data/core_rpc_fields.json)."""
import json
import os

from chainutil import ADDR, spend_hex

with open(os.path.join(os.path.dirname(__file__), "data", "core_rpc_fields.json")) as f:
    FIELDS = json.load(f)


def check(name, result, seen):
    spec = FIELDS[name]
    required, optional = set(spec["required"]), set(spec["optional"])
    keys = set(result)
    assert required <= keys, "%s lacks %s" % (name, sorted(required - keys))
    assert keys <= required | optional, "%s has fields Core does not: %s" % (name, sorted(keys - required - optional))
    # What Sato leaves out on purpose must be optional in Core, and absent.
    for field in spec["not_produced"]:
        assert field in optional and field not in keys, (name, field)
    seen.setdefault(name, set()).update(keys)


def test_fields_match_core(make_node):
    n = make_node(["-txindex"])
    seen = {}
    first = n.rpc("generatetodescriptor", 1, "raw(51)")
    n.rpc("generatetoaddress", 100, ADDR)
    spend_txid = n.rpc("getblock", first[0])["tx"][0]
    spend = n.rpc("generateblock", ADDR, [spend_hex(spend_txid, 10**8)])["hash"]
    hashes = n.rpc("generatetoaddress", 3, ADDR) + [spend]
    check("getblockchaininfo", n.rpc("getblockchaininfo"), seen)
    for h in [n.rpc("getblockhash", 0)] + hashes:
        check("getblockheader", n.rpc("getblockheader", h), seen)
        b = n.rpc("getblock", h)
        check("getblock_1", b, seen)
        check("getblock_coinbase_tx", b["coinbase_tx"], seen)
        for tx in n.rpc("getblock", h, 2)["tx"]:
            check("getblock_2_tx", tx, seen)
        for tx in n.rpc("getblock", h, 3)["tx"][1:]:
            for vin in tx["vin"]:
                check("getblock_3_prevout", vin["prevout"], seen)
    for tip in n.rpc("getchaintips"):
        check("getchaintips_item", tip, seen)
    txid = n.rpc("getblock", hashes[0])["tx"][0]
    out = n.rpc("gettxout", txid, 0)
    check("gettxout", out, seen)
    check("gettxout_scriptPubKey", out["scriptPubKey"], seen)
    check("gettxoutsetinfo", n.rpc("gettxoutsetinfo"), seen)
    check("getrawtransaction_1", n.rpc("getrawtransaction", txid, 1), seen)
    check("getrawtransaction_1", n.rpc("getrawtransaction", txid, 1, hashes[0]), seen)
    spent_in = n.rpc("getblock", spend)["tx"][1]
    check("getrawtransaction_2", n.rpc("getrawtransaction", spent_in, 2), seen)
    check("getrawtransaction_2", n.rpc("getrawtransaction", spent_in, 2, spend), seen)
    check("generateblock", n.rpc("generateblock", ADDR, []), seen)
    check("generateblock", n.rpc("generateblock", ADDR, [], False), seen)
    # Every method of the file was exercised, and each optional field Sato
    # does produce showed up at least once.
    assert set(seen) == {k for k in FIELDS if not k.startswith("_")}
    for name, spec in FIELDS.items():
        if name.startswith("_"):
            continue
        expected = set(spec["optional"]) - set(spec["not_produced"]) - {"signet_challenge"}
        assert expected <= seen[name], (name, sorted(expected - seen[name]))
