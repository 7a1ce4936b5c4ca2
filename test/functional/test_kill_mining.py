"""Fault injection over RPC: 5,000 blocks (with spends) are mined while
the node is killed with SIGKILL at random moments, 20 times, sometimes in
the middle of its start-up. After every restart the node has every block
whose generate call returned, never less than its last flush, and its
UTXO set hash equals that of a node fed the same blocks without
interruption."""
import http.client
import os
import random
import threading
import time

from chainutil import spend_hex

TARGET = 5000
KILLS = 20
OP_TRUE = "raw(51)#8lvh9jxk"


def utxo(node):
    info = node.rpc("gettxoutsetinfo")
    return {k: info[k] for k in ("height", "bestblock", "hash_serialized_3", "txouts", "total_amount")}


class Miner(threading.Thread):
    """Mines until the node dies; remembers the blocks it was told about."""

    def __init__(self, node, rng, confirmed, quota):
        super().__init__(daemon=True)
        self.node, self.rng, self.confirmed = node, rng, confirmed
        self.stop_at = len(confirmed) + quota
        self.error = None
        self.spends = 0

    def mine_spend(self):
        height = self.node.rpc("getblockcount")
        if height < 101:
            return None
        txid = self.node.rpc("getblock", self.node.rpc("getblockhash", height - 100))["tx"][0]
        coin = self.node.rpc("gettxout", txid, 0)
        if coin is None:
            return None
        value = int(round(coin["value"] * 1e8)) - 1000
        if value < 1000:  # regtest halves every 150 blocks
            return None
        return self.node.rpc("generateblock", OP_TRUE, [spend_hex(txid, value)])["hash"]

    def run(self):
        try:
            while len(self.confirmed) < self.stop_at:
                if self.rng.random() < 0.15:
                    h = self.mine_spend()
                    got = [h] if h else []
                    self.spends += bool(h)
                else:
                    got = self.node.rpc("generatetodescriptor", self.rng.randint(1, 8), OP_TRUE)
                self.confirmed.extend(got)
        except (ConnectionError, OSError, http.client.HTTPException):
            pass  # the node was killed under us
        except Exception as e:  # noqa: BLE001 - reported by the test thread
            self.error = e


def test_kill9_at_random_moments_while_mining(make_node):
    seed = int(os.environ.get("SATO_TEST_SEED", time.time()))
    print("seed", seed)
    rng = random.Random(seed)
    node = make_node()
    ref = make_node()
    confirmed = []      # hashes of blocks a generate call returned
    flushed_height = 0  # a start-up ends with a flush
    during_startup = mid_mining = spends = 0
    kills = 0
    while kills < KILLS or node.rpc("getblockcount") < TARGET:
        if kills >= KILLS:
            node.rpc("generatetodescriptor", TARGET - node.rpc("getblockcount"), OP_TRUE)
            break
        if rng.random() < 0.3 and kills < KILLS - 1:
            # Blocks mined, killed, then killed again while the start-up
            # recovers them.
            confirmed.extend(node.rpc("generatetodescriptor", rng.randint(50, 300), OP_TRUE))
            node.kill()
            kills += 1
            node.start(wait=False)
            time.sleep(rng.uniform(0.0, 0.05))
            during_startup += 1
            miner = None
        else:
            # About the blocks still to mine over the kills still to come,
            # so the kills fall all along the 5,000 blocks.
            quota = max(50, (TARGET - len(confirmed)) // (KILLS - kills))
            miner = Miner(node, rng, confirmed, 2 * quota)
            kill_after = len(confirmed) + rng.randint(1, 2 * quota)
            miner.start()
            deadline = time.time() + 60
            while len(confirmed) < kill_after and miner.is_alive() and time.time() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.003))  # inside the next call, or between two
            mid_mining += miner.is_alive()
        node.kill()
        kills += 1
        if miner is not None:
            miner.join(30)
            assert miner.error is None, miner.error
            spends += miner.spends
        node.start()
        height = node.rpc("getblockcount")
        # Every block a call returned is there, at its height.
        assert height >= len(confirmed) >= 0
        if confirmed:
            assert node.rpc("getblockhash", len(confirmed)) == confirmed[-1]
        assert height >= flushed_height
        flushed_height = height
        # Blocks mined by a call that did not return may be there too:
        # they are the node's now, and the next calls build on them.
        confirmed.extend(node.rpc("getblockhash", h) for h in range(len(confirmed) + 1, height + 1))
        for h in range(ref.rpc("getblockcount") + 1, height + 1):
            assert ref.rpc("submitblock", node.rpc("getblock", node.rpc("getblockhash", h), 0)) is None
        assert utxo(node) == utxo(ref), "UTXO set differs after kill %d at height %d" % (kills, height)
    height = node.rpc("getblockcount")
    assert height >= TARGET
    for h in range(ref.rpc("getblockcount") + 1, height + 1):
        assert ref.rpc("submitblock", node.rpc("getblock", node.rpc("getblockhash", h), 0)) is None
    assert utxo(node) == utxo(ref)
    print("kills", kills, "while mining", mid_mining, "during start-up", during_startup,
          "height", height, "blocks with a spend", spends)
    assert node.rpc("verifychain", 4, 100) is True
