"""The mempool over RPC: acceptance, the reject reasons reachable from
testmempoolaccept and sendrawtransaction, the entry fields, removal when
a block holds a transaction, and re-addition when that block is
disconnected (invalidateblock). Transactions are built and signed with
python-bitcoinlib."""
import pytest

import bitcoin
from bitcoin.core import (COIN, COutPoint, CMutableTransaction, CMutableTxIn, CMutableTxOut, CTxInWitness, CTxWitness,
                          Hash160, lx, b2lx)
from bitcoin.core.script import (CScript, CScriptWitness, OP_0, OP_CHECKSIG, OP_DUP, OP_EQUALVERIFY, OP_HASH160,
                                 OP_NOP, OP_RETURN, SIGHASH_ALL, SIGVERSION_WITNESS_V0, SignatureHash)
from bitcoin.wallet import CBitcoinSecret, P2WPKHBitcoinAddress

from framework import RPCError

bitcoin.SelectParams("regtest")
KEY = CBitcoinSecret.from_secret_bytes(b"\x07" * 32)
SPK = CScript([OP_0, Hash160(KEY.pub)])
ADDR = str(P2WPKHBitcoinAddress.from_scriptPubKey(SPK))
SUBSIDY = 50 * COIN


def rpc_error(node, method, *params):
    with pytest.raises(RPCError) as e:
        node.rpc(method, *params)
    return e.value.code, e.value.message


def make_tx(inputs, outputs, version=2, locktime=0, sequence=0xFFFFFFFD, bad_sig=False, script_sig=None):
    """inputs: (txid hex, vout, value in sats), all paying SPK (P2WPKH);
    outputs: (value in sats, script). Returns the hex."""
    tx = CMutableTransaction([CMutableTxIn(COutPoint(lx(t), n), nSequence=sequence) for t, n, _ in inputs],
                             [CMutableTxOut(v, s) for v, s in outputs], nLockTime=locktime, nVersion=version)
    code = CScript([OP_DUP, OP_HASH160, Hash160(KEY.pub), OP_EQUALVERIFY, OP_CHECKSIG])
    wits = []
    for i, (_, _, value) in enumerate(inputs):
        h = SignatureHash(code, tx, i, SIGHASH_ALL, amount=value + (1 if bad_sig else 0),
                          sigversion=SIGVERSION_WITNESS_V0)
        wits.append(CTxInWitness(CScriptWitness([KEY.sign(h) + bytes([SIGHASH_ALL]), KEY.pub])))
    tx.wit = CTxWitness(wits)
    if script_sig is not None:
        tx.vin[0].scriptSig = script_sig
    return tx.serialize().hex()


def txid_of(hexstr):
    return b2lx(CMutableTransaction.deserialize(bytes.fromhex(hexstr)).GetTxid())


class Coins:
    """Mature coinbase outputs paying KEY, handed out one at a time."""

    def __init__(self, node, n):
        hashes = node.rpc("generatetoaddress", n, ADDR)
        node.rpc("generatetoaddress", 100, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
        self.left = [node.rpc("getblock", h)["tx"][0] for h in hashes]

    def take(self):
        return (self.left.pop(0), 0, SUBSIDY)


def send(node, coin, fee=10000, n_out=1):
    value = (coin[2] - fee) // n_out
    h = make_tx([coin], [(value, SPK)] * n_out)
    txid = node.rpc("sendrawtransaction", h)
    return txid, h, value


def test_accept_fields_and_chain(node):
    coins = Coins(node, 3)
    info = node.rpc("getmempoolinfo")
    assert info["size"] == 0 and info["bytes"] == 0 and info["loaded"] is True
    assert info["minrelaytxfee"] == 0.000001 and info["mempoolminfee"] == 0.000001
    assert info["limitclustercount"] == 64 and info["limitclustersize"] == 101000
    assert info["maxdatacarriersize"] == 100000 and info["permitbaremultisig"] is True

    coin = coins.take()
    h = make_tx([coin], [(coin[2] - 10000, SPK)])
    res = node.rpc("testmempoolaccept", [h])
    assert len(res) == 1 and res[0]["allowed"] is True
    assert res[0]["txid"] == txid_of(h)
    vsize = res[0]["vsize"]
    assert vsize in (109, 110)  # one P2WPKH input (a 71- or 72-byte signature), one P2WPKH output
    assert res[0]["fees"]["base"] == 0.0001
    assert res[0]["fees"]["effective-feerate"] == pytest.approx(0.0001 * 1000 / vsize, abs=1e-8)
    assert res[0]["fees"]["effective-includes"] == [res[0]["wtxid"]]
    assert node.rpc("getrawmempool") == []  # only a test

    parent = node.rpc("sendrawtransaction", h)
    assert parent == txid_of(h)
    assert node.rpc("sendrawtransaction", h) == parent  # already there: same answer
    child_hex = make_tx([(parent, 0, coin[2] - 10000)], [(coin[2] - 30000, SPK)])
    child = node.rpc("sendrawtransaction", child_hex)
    assert sorted(node.rpc("getrawmempool")) == sorted([parent, child])
    seq = node.rpc("getrawmempool", False, True)
    assert sorted(seq["txids"]) == sorted([parent, child]) and seq["mempool_sequence"] >= 2
    assert rpc_error(node, "getrawmempool", True, True)[0] == -8

    e = node.rpc("getmempoolentry", parent)
    assert e["vsize"] == vsize and e["weight"] in (vsize * 4 - 3, vsize * 4 - 2, vsize * 4 - 1, vsize * 4)
    assert e["height"] == 103 and e["time"] > 0
    assert e["ancestorcount"] == 1 and e["ancestorsize"] == vsize
    cvsize = node.rpc("getmempoolentry", child)["vsize"]
    assert e["descendantcount"] == 2 and e["descendantsize"] == vsize + cvsize
    assert e["fees"] == {"base": 0.0001, "modified": 0.0001, "ancestor": 0.0001, "descendant": 0.0003,
                         "chunk": 0.0003}
    assert e["depends"] == [] and e["spentby"] == [child] and e["unbroadcast"] is False
    c = node.rpc("getmempoolentry", child)
    assert e["chunkweight"] == c["chunkweight"] == e["weight"] + c["weight"]
    assert c["depends"] == [parent] and c["spentby"] == [] and c["ancestorcount"] == 2
    assert c["fees"]["ancestor"] == 0.0003
    assert node.rpc("getmempoolancestors", child) == [parent]
    assert list(node.rpc("getmempoolancestors", child, True)) == [parent]
    assert node.rpc("getmempooldescendants", parent) == [child]
    assert node.rpc("getmempooldescendants", child) == []
    verbose = node.rpc("getrawmempool", True)
    assert set(verbose) == {parent, child} and verbose[parent]["wtxid"] == e["wtxid"]
    assert rpc_error(node, "getmempoolentry", "00" * 32) == (-5, "Transaction not in mempool")
    # getrawtransaction finds pool transactions; gettxout sees the pool
    # unless told not to.
    assert node.rpc("getrawtransaction", child) == child_hex
    raw = node.rpc("getrawtransaction", child, 1)
    assert raw["txid"] == child and "blockhash" not in raw and "confirmations" not in raw
    assert node.rpc("gettxout", coin[0], 0) is None
    assert node.rpc("gettxout", coin[0], 0, False)["value"] == 50
    out = node.rpc("gettxout", child, 0)
    assert out["confirmations"] == 0 and out["value"] == pytest.approx((coin[2] - 30000) / COIN)
    assert node.rpc("gettxout", parent, 0) is None  # spent by child
    assert node.rpc("gettxout", child, 0, False) is None
    info = node.rpc("getmempoolinfo")
    assert info["size"] == 2 and info["bytes"] == vsize + cvsize and info["total_fee"] == 0.0003
    assert info["usage"] > 0

    # Mined: generatetoaddress takes both, parent first, with their fees.
    tip = node.rpc("generatetoaddress", 1, ADDR)[0]
    block = node.rpc("getblock", tip, 2)
    assert [t["txid"] for t in block["tx"][1:]] == [parent, child]
    assert block["tx"][0]["vout"][0]["value"] == pytest.approx(50.0003)
    assert node.rpc("getrawmempool") == []
    # Confirmed now: its outputs are in the UTXO set (-27), and the
    # spent coin is gone (-25 for a double spend of it).
    assert rpc_error(node, "sendrawtransaction", child_hex) == (-27, "Transaction outputs already in utxo set")
    other = make_tx([coin], [(coin[2] - 20000, SPK)])
    assert rpc_error(node, "sendrawtransaction", other) == (-25, "bad-txns-inputs-missingorspent")

    # Disconnected: both come back; connected again: both go.
    node.rpc("invalidateblock", tip)
    assert sorted(node.rpc("getrawmempool")) == sorted([parent, child])
    assert node.rpc("getmempoolentry", child)["depends"] == [parent]
    node.rpc("reconsiderblock", tip)
    assert node.rpc("getbestblockhash") == tip
    assert node.rpc("getrawmempool") == []

    # generateblock names a mempool transaction by its txid.
    coin = coins.take()
    txid, _, _ = send(node, coin)
    blk = node.rpc("generateblock", ADDR, [txid])
    assert node.rpc("getblock", blk["hash"])["tx"][1] == txid
    assert node.rpc("getrawmempool") == []


def accept(node, h):
    r = node.rpc("testmempoolaccept", [h])[0]
    assert r["allowed"] is False, r
    return r.get("reject-reason"), r.get("reject-details")


def test_reject_reasons(node):
    coins = Coins(node, 4)
    coin = coins.take()
    value = coin[2] - 10000
    height = node.rpc("getblockcount")

    # Policy on the transaction alone.
    assert accept(node, make_tx([coin], [(value, SPK)], version=4))[0] == "version"
    assert accept(node, make_tx([coin], [(value, CScript([1]))]))[0] == "scriptpubkey"
    assert accept(node, make_tx([coin], [(value // 2, SPK), (100, SPK), (100, SPK)]))[0] == "dust"
    assert accept(node, make_tx([coin], [(value - 100, SPK), (100, SPK)])) == (
        "dust", "dust, tx with dust output must be 0-fee")
    assert accept(node, make_tx([coin], [(value, SPK)], script_sig=CScript([OP_NOP])))[0] == "scriptsig-not-pushonly"
    small = make_tx([coin], [(0, CScript([OP_RETURN]))])
    assert accept(node, small)[0] == "tx-size-small"
    assert accept(node, make_tx([coin], [(value, SPK)], locktime=height + 2))[0] == "non-final"
    # Fees and inputs.
    assert accept(node, make_tx([coin], [(coin[2], SPK)])) == (
        "min relay fee not met", "min relay fee not met, 0 < 11")
    assert accept(node, make_tx([coin], [(coin[2] + 1, SPK)]))[0] == "bad-txns-in-belowout"
    assert accept(node, make_tx([("11" * 32, 0, COIN)], [(COIN // 2, SPK)])) == ("missing-inputs", None)
    assert rpc_error(node, "sendrawtransaction", make_tx([("11" * 32, 0, COIN)], [(COIN // 2, SPK)])) == (
        -25, "bad-txns-inputs-missingorspent")
    young = node.rpc("getblock", node.rpc("generatetoaddress", 1, ADDR)[0])["tx"][0]
    assert accept(node, make_tx([(young, 0, SUBSIDY)], [(SUBSIDY - 10000, SPK)]))[0] == \
        "bad-txns-premature-spend-of-coinbase"
    # Scripts: a signature over the wrong amount fails a standard flag.
    reason, details = accept(node, make_tx([coin], [(value, SPK)], bad_sig=True))
    assert reason == "mempool-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)"
    assert details.startswith(reason + ", input 0 of ")
    code, msg = rpc_error(node, "sendrawtransaction", make_tx([coin], [(value, SPK)], bad_sig=True))
    assert code == -26 and msg.startswith(reason)

    # The client's limits.
    greedy = make_tx([coin], [(coin[2] - COIN, SPK)])
    r = node.rpc("testmempoolaccept", [greedy])[0]
    assert r["allowed"] is False and r["reject-reason"] == "max-fee-exceeded"
    assert node.rpc("testmempoolaccept", [greedy], 0)[0]["allowed"] is True
    assert rpc_error(node, "sendrawtransaction", greedy) == (
        -25, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)")
    assert rpc_error(node, "testmempoolaccept", [greedy], 1)[0] == -8
    burn = make_tx([coin], [(value - 1000, SPK), (1000, CScript([OP_RETURN, b"hi"]))])
    assert rpc_error(node, "sendrawtransaction", burn) == (
        -25, "Unspendable output exceeds maximum configured by user (maxburnamount)")
    assert node.rpc("sendrawtransaction", burn, 0.1, 0.00001) == txid_of(burn)

    # In the pool: the same transaction, then a conflicting one.
    assert accept(node, burn)[0] == "txn-already-in-mempool"
    double = make_tx([coin], [(value - 5000, SPK)])
    assert accept(node, double)[0] == "txn-mempool-conflict"
    code, msg = rpc_error(node, "sendrawtransaction", double)
    assert (code, msg) == (-26, "txn-mempool-conflict")

    # BIP68: a relative lock of 5 blocks on a coin confirmed in the
    # last block is not final in the next one.
    txid, _, out_value = send(node, coins.take())
    node.rpc("generatetoaddress", 1, ADDR)
    locked = make_tx([(txid, 0, out_value)], [(out_value - 10000, SPK)], sequence=5)
    assert accept(node, locked)[0] == "non-BIP68-final"
    node.rpc("generatetoaddress", 4, ADDR)
    assert node.rpc("testmempoolaccept", [locked])[0]["allowed"] is True

    # Cluster limit: a chain of 64 transactions, the 65th is refused.
    txid, _, out_value = send(node, coins.take())
    for _ in range(63):
        h = make_tx([(txid, 0, out_value)], [(out_value - 200, SPK)])
        txid = node.rpc("sendrawtransaction", h)
        out_value -= 200
    assert node.rpc("getmempoolinfo")["size"] == 64  # the burn transaction was mined above
    assert accept(node, make_tx([(txid, 0, out_value)], [(out_value - 200, SPK)]))[0] == "too-large-cluster"
    assert node.rpc("getmempoolentry", txid)["ancestorcount"] == 64
    # Mining takes them all, in order.
    node.rpc("generatetoaddress", 1, ADDR)
    assert node.rpc("getrawmempool") == []


def test_rpc_argument_errors(node):
    assert rpc_error(node, "testmempoolaccept", [])[0] == -8
    assert rpc_error(node, "testmempoolaccept", ["zz"]) == (
        -22, "TX decode failed: zz Make sure the tx has at least one input.")
    assert rpc_error(node, "sendrawtransaction", "zz") == (
        -22, "TX decode failed. Make sure the tx has at least one input.")
    assert rpc_error(node, "getmempoolentry", "xyz")[0] == -8
    assert rpc_error(node, "getmempoolancestors", "00" * 32) == (-5, "Transaction not in mempool")


def test_truc(node):
    coins = Coins(node, 1)
    coin = coins.take()
    half = (coin[2] - 10000) // 2
    parent_hex = make_tx([coin], [(half, SPK), (half, SPK)], version=3)
    parent = node.rpc("sendrawtransaction", parent_hex)
    # A non-TRUC transaction may not spend an unconfirmed TRUC one.
    reason, details = accept(node, make_tx([(parent, 0, half)], [(half - 1000, SPK)], version=2))
    # (Sato's debug messages hold 191 characters: the parent's ids are cut.)
    assert reason == "TRUC-violation" and "cannot spend from version=3 tx " + parent[:5] in details
    assert details.startswith("TRUC-violation, non-version=3 tx ")
    child = node.rpc("sendrawtransaction", make_tx([(parent, 0, half)], [(half - 1000, SPK)], version=3))
    assert node.rpc("getmempoolentry", child)["depends"] == [parent]
    # One child per TRUC parent (no sibling eviction yet), none under the child.
    reason, details = accept(node, make_tx([(parent, 1, half)], [(half - 1000, SPK)], version=3))
    assert reason == "TRUC-violation" and details.endswith("would exceed descendant count limit"), details
    reason, details = accept(node, make_tx([(child, 0, half - 1000)], [(half - 2000, SPK)], version=3))
    assert reason == "TRUC-violation" and details.endswith("would have too many ancestors")
