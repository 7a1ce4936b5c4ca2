"""Chain methods over JSON-RPC: mining, restart after kill -9, reorgs,
submitblock/submitheader, getrawtransaction with and without -txindex,
UTXO set hashes across nodes, and bad input per method."""
import os
import signal

import pytest

from chainutil import ADDR, grind, header_hash, spend_hex
from framework import Node, RPCError


def rpc_error(node, method, *params):
    with pytest.raises(RPCError) as e:
        node.rpc(method, *params)
    return e.value.code, e.value.message


def chain_hashes(node):
    return [node.rpc("getblockhash", h) for h in range(node.rpc("getblockcount") + 1)]


def test_mine_kill_restart_extend(make_node):
    n = make_node()
    hashes = n.rpc("generatetoaddress", 300, ADDR)
    assert len(hashes) == 300 and n.rpc("getblockcount") == 300
    assert chain_hashes(n)[1:] == hashes
    # Headers, blocks and the chain agree with each other.
    for h in (1, 150, 299, 300):
        bh = n.rpc("getblockhash", h)
        hdr = n.rpc("getblockheader", bh)
        blk = n.rpc("getblock", bh)
        assert hdr["height"] == blk["height"] == h
        assert hdr["confirmations"] == 301 - h
        assert {k: blk[k] for k in hdr} == hdr
        assert blk["nTx"] == len(blk["tx"]) == 1
        raw = n.rpc("getblock", bh, 0)
        assert header_hash(bytes.fromhex(raw[:160])) == bh
        assert n.rpc("getblockheader", bh, False) == raw[:160]
        if h > 1:
            assert hdr["previousblockhash"] == n.rpc("getblockhash", h - 1)
    assert "nextblockhash" not in n.rpc("getblockheader", hashes[-1])
    # gettxoutsetinfo flushes: this tip is on disk.
    flushed = n.rpc("gettxoutsetinfo")
    assert flushed["height"] == 300 and flushed["txouts"] == 300
    more = n.rpc("generatetoaddress", 5, ADDR)
    n.proc.send_signal(signal.SIGKILL)
    n.proc.wait()
    n.start()
    height = n.rpc("getblockcount")
    assert 300 <= height <= 305
    assert chain_hashes(n)[1:] == (hashes + more)[:height]
    assert n.rpc("verifychain", 4, 0) is True
    if height == 300:
        assert n.rpc("gettxoutsetinfo")["hash_serialized_3"] == flushed["hash_serialized_3"]
    ext = n.rpc("generatetoaddress", 10, ADDR)
    assert n.rpc("getblockcount") == height + 10
    assert n.rpc("getbestblockhash") == ext[-1]
    # A clean stop flushes everything.
    assert n.stop() == 0
    n.start()
    assert n.rpc("getbestblockhash") == ext[-1]
    log = open(os.path.join(n.chaindir, "debug.log")).read()
    assert "UpdateTip: new best=%s height=%d" % (ext[-1], height + 10) in log
    assert "progress=1.000000" in log


def test_reorg_with_invalidate_and_reconsider(node):
    old = node.rpc("generatetoaddress", 10, ADDR)
    assert node.rpc("invalidateblock", old[5]) is None
    assert node.rpc("getblockcount") == 5 and node.rpc("getbestblockhash") == old[4]
    tips = {t["hash"]: t for t in node.rpc("getchaintips")}
    assert tips[old[9]]["status"] == "invalid" and tips[old[9]]["branchlen"] == 5
    assert node.rpc("getblockheader", old[7])["confirmations"] == -1
    # Mining on the same parent within the same second to the same address
    # would remake the invalidated block; Core refuses that one too.
    assert node.rpc("generatetodescriptor", 1, "raw(51)")[0] != old[5]
    new = node.rpc("generatetodescriptor", 6, "raw(52)")
    new = [node.rpc("getblockhash", 6)] + new
    assert node.rpc("getblockcount") == 12
    assert node.rpc("reconsiderblock", old[5]) is None
    # The new branch has more work and stays; the old one is valid again.
    assert node.rpc("getbestblockhash") == new[-1]
    tips = {t["hash"]: t for t in node.rpc("getchaintips")}
    assert tips[new[-1]] == {"height": 12, "hash": new[-1], "branchlen": 0, "status": "active"}
    assert tips[old[9]]["status"] == "valid-fork" and tips[old[9]]["branchlen"] == 5
    # Invalidating the new branch brings the old one back.
    node.rpc("invalidateblock", new[0])
    assert node.rpc("getbestblockhash") == old[9]
    assert node.rpc("getblock", old[9])["confirmations"] == 1


def test_submitblock_submitheader_and_utxo_hash(make_node):
    a, b = make_node(), make_node()
    blocks = [a.rpc("getblock", h, 0) for h in a.rpc("generatetoaddress", 6, ADDR)]
    for raw in blocks[:5]:
        assert b.rpc("submitblock", raw) is None
    assert b.rpc("submitblock", blocks[0]) == "duplicate"
    assert b.rpc("getbestblockhash") == a.rpc("getblockhash", 5)
    a.rpc("invalidateblock", a.rpc("getblockhash", 6))
    ia, ib = a.rpc("gettxoutsetinfo"), b.rpc("gettxoutsetinfo")
    assert ia == ib and ia["height"] == 5
    a.rpc("reconsiderblock", a.rpc("getblockhash", 5))
    # submitheader: the next header alone, then the block.
    hdr6 = blocks[5][:160]
    assert b.rpc("submitheader", hdr6) is None
    tips = {t["hash"]: t["status"] for t in b.rpc("getchaintips")}
    assert tips[header_hash(bytes.fromhex(hdr6))] == "headers-only"
    assert b.rpc("getblockchaininfo")["headers"] == 6
    assert b.rpc("submitblock", blocks[5]) is None
    assert b.rpc("getblockcount") == 6
    # Bad blocks get their reject reasons.
    raw = bytes.fromhex(blocks[5])
    bad_merkle = grind(raw[:36] + bytes(32) + raw[68:80]) + raw[80:]
    assert b.rpc("submitblock", bad_merkle.hex()) == "bad-txnmrklroot"
    high_hash = grind(raw[:80], want_valid=False) + raw[80:]
    assert b.rpc("submitblock", high_hash.hex()) == "high-hash"
    orphan = grind(raw[:4] + bytes(range(32)) + raw[36:80]) + raw[80:]
    assert b.rpc("submitblock", orphan.hex()) == "prev-blk-not-found"
    b.rpc("invalidateblock", header_hash(raw[:80]))
    assert b.rpc("submitblock", blocks[5]) == "duplicate-invalid"
    # A valid block on a branch with less work is stored, not connected.
    c = make_node()
    c.rpc("generatetodescriptor", 7, "raw(51)")
    assert c.rpc("submitblock", blocks[0]) == "inconclusive"
    # submitheader errors.
    assert rpc_error(b, "submitheader", "00") == (-22, "Block header decode failed")
    code, msg = rpc_error(b, "submitheader", orphan[:80].hex())
    assert code == -25 and msg == "Must submit previous header (%s) first" % bytes(range(32))[::-1].hex()
    assert rpc_error(b, "submitheader", high_hash[:80].hex()) == (-25, "high-hash")
    assert rpc_error(b, "submitblock", "zz") == (-22, "Block decode failed")
    assert rpc_error(b, "submitblock", "0000") == (-22, "Block decode failed")


def test_submitblock_trailing_bytes_and_copies(make_node):
    """Core's submitblock: DecodeHexBlk reads one block and ignores what
    follows; CheckBlock runs before the look-up by hash, so a tampered copy
    of a known block is judged on its bytes, never called a duplicate."""
    a, b = make_node(), make_node()
    hashes = a.rpc("generatetoaddress", 3, ADDR)
    blocks = [a.rpc("getblock", h, 0) for h in hashes]
    # Trailing bytes after the block are ignored; the block is stored as it is.
    assert b.rpc("submitblock", blocks[0] + "00") is None
    assert b.rpc("submitblock", blocks[1] + "deadbeef" * 8) is None
    assert b.rpc("getbestblockhash") == hashes[1]
    assert b.rpc("getblock", hashes[0], 0) == blocks[0] and b.rpc("getblock", hashes[1], 0) == blocks[1]
    # Identical copies, with or without trailing bytes.
    assert b.rpc("submitblock", blocks[1]) == "duplicate"
    assert b.rpc("submitblock", blocks[0] + "ff") == "duplicate"
    # A copy of a connected block with its coinbase's lock time (the last
    # four bytes) changed: same header, so same hash, but the transactions
    # no longer match the merkle root.
    tampered = blocks[1][:-8] + "01000000"
    assert header_hash(bytes.fromhex(tampered[:160])) == hashes[1]
    assert b.rpc("submitblock", tampered) == "bad-txnmrklroot"
    assert b.rpc("submitblock", tampered + "00") == "bad-txnmrklroot"
    with open(os.path.join(b.chaindir, "debug.log")) as f:
        assert "[error] ProcessNewBlock: AcceptBlock FAILED (bad-txnmrklroot" in f.read()
    # Nothing was remembered against the hash.
    assert b.rpc("getbestblockhash") == hashes[1]
    assert {t["hash"]: t["status"] for t in b.rpc("getchaintips")}[hashes[1]] == "active"
    assert b.rpc("submitblock", blocks[1]) == "duplicate"
    # A block the node holds as invalid: an identical copy is
    # "duplicate-invalid", a tampered one still gets CheckBlock's reason.
    b.rpc("invalidateblock", hashes[1])
    assert b.rpc("submitblock", blocks[1]) == "duplicate-invalid"
    with open(os.path.join(b.chaindir, "debug.log")) as f:
        assert "[error] ProcessNewBlock: AcceptBlock FAILED (duplicate-invalid)" in f.read()
    assert b.rpc("submitblock", tampered) == "bad-txnmrklroot"
    # A block cut short is still undecodable.
    assert rpc_error(b, "submitblock", blocks[2][:-2]) == (-22, "Block decode failed")


def test_generateblock_and_descriptor(make_node):
    node = make_node(["-txindex"])
    h = node.rpc("generatetodescriptor", 2, "raw(51)")
    assert len(h) == 2
    r = node.rpc("generateblock", ADDR, [])
    assert set(r) == {"hash"} and node.rpc("getbestblockhash") == r["hash"]
    r = node.rpc("generateblock", "raw(51)", [], False)
    assert set(r) == {"hash", "hex"} and node.rpc("getblockcount") == 3
    assert node.rpc("submitblock", r["hex"]) is None and node.rpc("getbestblockhash") == r["hash"]
    # A coinbase-only block with a witness commitment.
    blk = node.rpc("getblock", r["hash"], 2)
    cb = blk["tx"][0]
    assert cb["vout"][0]["scriptPubKey"]["hex"] == "51"
    assert cb["vout"][-1]["scriptPubKey"]["hex"].startswith("6a24aa21a9ed")
    assert blk["coinbase_tx"]["witness"] == "00" * 32 and "fee" not in cb
    # Spend the first coinbase (mature after 100 blocks) in a generated block.
    node.rpc("generatetoaddress", 100, ADDR)
    cbtxid = node.rpc("getblock", h[0])["tx"][0]
    too_much = spend_hex(cbtxid, 51 * 10**8)
    code, msg = rpc_error(node, "generateblock", ADDR, [too_much])
    assert code == -25 and msg.startswith("TestBlockValidity failed: bad-txns-in-belowout")
    # TestBlockValidity runs before the block is solved, also without submit,
    # and leaves the chain as it was.
    height = node.rpc("getblockcount")
    code, msg = rpc_error(node, "generateblock", ADDR, [too_much], False)
    assert code == -25 and msg.startswith("TestBlockValidity failed: bad-txns-in-belowout")
    code, msg = rpc_error(node, "generateblock", ADDR, [spend_hex("11" * 32, 10**8)], False)
    assert code == -25 and msg.startswith("TestBlockValidity failed: bad-txns-inputs-missingorspent")
    assert node.rpc("getblockcount") == height
    spend = spend_hex(cbtxid, 49 * 10**8)
    r = node.rpc("generateblock", ADDR, [spend])
    blk = node.rpc("getblock", r["hash"], 2)
    assert len(blk["tx"]) == 2 and blk["nTx"] == 2
    tx = blk["tx"][1]
    assert tx["hex"] == spend and float(tx["fee"]) == 1.0 and "prevout" not in tx["vin"][0]
    assert list(tx)[-2:] == ["fee", "hex"]
    tx3 = node.rpc("getblock", r["hash"], 3)["tx"][1]
    assert tx3["vin"][0]["prevout"] == {"generated": True, "height": 1, "value": 50,
                                        "scriptPubKey": cb["vout"][0]["scriptPubKey"]}
    assert list(tx3["vin"][0])[-2:] == ["prevout", "sequence"]
    raw2 = node.rpc("getrawtransaction", tx["txid"], 2)
    assert raw2["fee"] == tx["fee"] and raw2["vin"][0]["prevout"] == tx3["vin"][0]["prevout"]
    assert raw2["blockhash"] == r["hash"] and raw2["confirmations"] == 1
    assert node.rpc("gettxout", cbtxid, 0) is None
    assert node.rpc("gettxout", tx["txid"], 0)["coinbase"] is False
    assert rpc_error(node, "generateblock", ADDR, ["00" * 32]) == \
        (-5, "Transaction %s not in mempool." % ("00" * 32))
    code, _ = rpc_error(node, "generateblock", ADDR, ["zz"])
    assert code == -22
    assert rpc_error(node, "generateblock", "nonsense", []) == (-5, "Error: Invalid address or descriptor")


def test_getrawtransaction_with_and_without_txindex(make_node):
    plain = make_node()
    hashes = plain.rpc("generatetoaddress", 3, ADDR)
    blk = plain.rpc("getblock", hashes[1])
    txid = blk["tx"][0]
    code, msg = rpc_error(plain, "getrawtransaction", txid)
    assert code == -5 and msg == ("No such mempool transaction. Use -txindex or provide a block hash to enable "
                                  "blockchain transaction queries. Use gettransaction for wallet transactions.")
    r = plain.rpc("getrawtransaction", txid, 1, hashes[1])
    assert r["in_active_chain"] is True and r["txid"] == txid and r["blockhash"] == hashes[1]
    assert r["confirmations"] == 2 and r["blocktime"] == blk["time"]
    code, msg = rpc_error(plain, "getrawtransaction", txid, 0, hashes[0])
    assert code == -5 and msg.startswith("No such transaction found in the provided block")
    assert rpc_error(plain, "getrawtransaction", txid, 0, "11" * 32) == (-5, "Block hash not found")
    genesis = plain.rpc("getblock", plain.rpc("getblockhash", 0))["tx"][0]
    code, msg = rpc_error(plain, "getrawtransaction", genesis)
    assert code == -5 and msg.startswith("The genesis block coinbase is not considered")
    assert plain.rpc("stop")
    plain.wait()
    # Restarting with -txindex builds the index for the existing chain.
    plain.extra_args.append("-txindex")
    plain.start()
    raw = plain.rpc("getrawtransaction", txid)
    assert raw == plain.rpc("getrawtransaction", txid, False, hashes[1])
    r = plain.rpc("getrawtransaction", txid, True)
    assert "in_active_chain" not in r and r["hex"] == raw and r["confirmations"] == 2
    # New blocks are indexed; a reorg takes its transactions out.
    new = plain.rpc("generatetoaddress", 1, ADDR)
    newtx = plain.rpc("getblock", new[0])["tx"][0]
    assert plain.rpc("getrawtransaction", newtx, 1)["blockhash"] == new[0]
    plain.rpc("invalidateblock", new[0])
    code, msg = rpc_error(plain, "getrawtransaction", newtx)
    assert code == -5 and msg.startswith("No such mempool or blockchain transaction")
    r = plain.rpc("getrawtransaction", newtx, 1, new[0])
    assert r["in_active_chain"] is False and r["confirmations"] == 0


def test_bad_input_per_method(node):
    node.rpc("generatetoaddress", 2, ADDR)
    assert rpc_error(node, "getblockhash", -1) == (-8, "Block height out of range")
    assert rpc_error(node, "getblockhash", 3) == (-8, "Block height out of range")
    assert rpc_error(node, "getblockhash", "1")[0] == -3
    assert rpc_error(node, "getblock", "abc") == (-8, "blockhash must be of length 64 (not 3, for 'abc')")
    assert rpc_error(node, "getblock", "zz" * 32) == (-8, "blockhash must be hexadecimal string (not '%s')" % ("zz" * 32))
    assert rpc_error(node, "getblock", "00" * 32) == (-5, "Block not found")
    assert rpc_error(node, "getblock", 5)[0] == -3
    assert rpc_error(node, "getblock", node.rpc("getbestblockhash"), "x")[0] == -3
    assert rpc_error(node, "getblockheader", "00" * 32) == (-5, "Block not found")
    assert rpc_error(node, "getblockheader", "ab") == (-8, "hash must be of length 64 (not 2, for 'ab')")
    assert rpc_error(node, "getblockheader", node.rpc("getbestblockhash"), 1)[0] == -3
    assert rpc_error(node, "gettxout", "ab", 0) == (-8, "txid must be of length 64 (not 2, for 'ab')")
    assert rpc_error(node, "gettxout", "00" * 32, "x")[0] == -3
    assert node.rpc("gettxout", "00" * 32, 0) is None
    assert rpc_error(node, "gettxoutsetinfo", "foo") == (-8, "'foo' is not a valid hash_type")
    assert rpc_error(node, "gettxoutsetinfo", "muhash")[0] == -8
    assert "hash_serialized_3" not in node.rpc("gettxoutsetinfo", "none")
    assert rpc_error(node, "gettxoutsetinfo", "hash_serialized_3", 1)[0] == -8
    assert rpc_error(node, "invalidateblock", "00" * 32) == (-5, "Block not found")
    assert rpc_error(node, "reconsiderblock", "xyz")[0] == -8
    assert rpc_error(node, "generatetoaddress", 1, "notanaddress") == (-5, "Error: Invalid address")
    assert rpc_error(node, "generatetoaddress", "1", ADDR)[0] == -3
    assert rpc_error(node, "generatetodescriptor", 1, "nonsense(x)")[0] == -5
    assert rpc_error(node, "getrawtransaction", "00")[0] == -8
    assert rpc_error(node, "verifychain", "x")[0] == -3
    # Wallet methods do not exist yet (the mempool's are test_mempool.py's).
    for m in ("getwalletinfo", "getmininginfo"):
        assert rpc_error(node, m) == (-32601, "Method not found")
    assert node.rpc("getblockcount") == 2


def test_named_parameters_and_aliases(node):
    h = node.rpc("generatetoaddress", 1, ADDR)[0]

    def named(method, **kw):
        status, body = node.post({"jsonrpc": "1.0", "id": 1, "method": method, "params": kw})
        return body
    raw = node.rpc("getblock", h, 0)
    assert named("getblock", blockhash=h, verbosity=0)["result"] == raw
    # Core's "verbosity|verbose": either name.
    assert named("getblock", blockhash=h, verbose=0)["result"] == raw
    txid = node.rpc("getblock", h)["tx"][0]
    r = named("getrawtransaction", txid=txid, verbose=True, blockhash=h)["result"]
    assert r["txid"] == txid and r["in_active_chain"] is True
    assert named("getblockheader", blockhash=h, verbose=False)["result"] == raw[:160]
    assert named("getblockhash", height=1)["result"] == h
    assert named("gettxout", txid=txid, n=0, include_mempool=False)["result"]["value"] == 50
    e = named("getblock", blockhash=h, verbosityx=0)["error"]
    assert e["code"] == -8 and e["message"] == "Unknown named parameter verbosityx"
    # A required argument left out is a type error (null), as in Core.
    e = named("getblock", verbosity=0)["error"]
    assert e["code"] == -3


def test_concurrent_readers_while_mining(node):
    """RPC workers run on several threads; the chain lock keeps readers
    consistent while blocks are mined."""
    import threading
    errors = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                info = node.rpc("getblockchaininfo")
                h = node.rpc("getblockhash", info["blocks"])
                hdr = node.rpc("getblockheader", h)
                assert hdr["height"] == info["blocks"]
                node.rpc("getchaintips")
        except Exception as e:  # reported below
            errors.append(e)
    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    mined = node.rpc("generatetoaddress", 150, ADDR)
    stop.set()
    for t in threads:
        t.join(60)
    assert not errors, errors[0]
    assert node.rpc("getbestblockhash") == mined[-1]
