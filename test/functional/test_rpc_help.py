"""help as Bitcoin Core prints it, and sato-cli's parameters from the same
method table. The expected texts in data/core_help/ are Core's own output
(see data/core_help/README.md)."""
import json
import os

import pytest

from chainutil import ADDR
from framework import RPCError

CORE_HELP = os.path.join(os.path.dirname(__file__), "data", "core_help")
EXACT = ["getblock", "getblockchaininfo", "getblockheader", "generatetoaddress"]


def core_text(method):
    with open(os.path.join(CORE_HELP, method + ".txt"), newline="") as f:
        return f.read()


@pytest.mark.parametrize("method", EXACT)
def test_help_is_cores_text(node, method):
    assert node.rpc("help", method) == core_text(method)
    # bitcoin-cli prints the string and a newline.
    r = node.cli("help", method)
    assert r.returncode == 0 and r.stdout == core_text(method) + "\n"


def test_help_list(node):
    text = node.rpc("help")
    sections = text.split("\n\n")
    assert [s.splitlines()[0] for s in sections] == [
        "== Blockchain ==", "== Control ==", "== Mining ==", "== Network ==", "== Rawtransactions ==", "== Util =="]
    lines = [l for l in text.splitlines() if l and not l.startswith("==")]
    names = [l.split()[0] for l in lines]
    assert "getblock \"blockhash\" ( verbosity )" in lines
    assert "gettxoutsetinfo ( \"hash_type\" hash_or_height use_index )" in lines
    # Core's "hidden" category is not listed, and its methods answer.
    for hidden in ("generatetoaddress", "generateblock", "generatetodescriptor", "invalidateblock",
                   "reconsiderblock"):
        assert hidden not in names
        assert node.rpc("help", hidden).startswith(hidden + " ")
    # Each listed line is the first line of the method's own help.
    for line, name in zip(lines, names):
        assert node.rpc("help", name).split("\n")[0] == line
    assert node.rpc("help", "nosuch") == "help: unknown command: nosuch"
    assert node.rpc("help", "") == text


def test_wrong_argument_count_answers_the_help(node):
    names = [l.split()[0] for l in node.rpc("help").splitlines() if l and not l.startswith("==")]
    names += ["generatetoaddress", "invalidateblock"]
    for name in names:
        help_text = node.rpc("help", name)
        synopsis = help_text.split("\n")[0].split()
        too_many = [None] * (len(synopsis) + 2)
        with pytest.raises(RPCError) as e:
            node.rpc(name, *too_many)
        assert e.value.code == -1 and e.value.message == help_text, name


def test_types_checked_before_the_handler(node):
    h = node.rpc("getbestblockhash")
    with pytest.raises(RPCError) as e:
        node.rpc("getblockheader", "ab", 1)  # Core checks every type first: verbose is not a bool
    assert e.value.code == -3 and e.value.message == "JSON value of type number is not of expected type bool"
    with pytest.raises(RPCError) as e:
        node.rpc("generateblock", ADDR, {})
    assert e.value.message == "JSON value of type object is not of expected type array"
    # getblock's verbosity takes a number or a bool (the table leaves it to the handler).
    assert node.rpc("getblock", h, True)["hash"] == h
    with pytest.raises(RPCError) as e:
        node.rpc("getblock", h, 1.5)
    assert e.value.code == -1 and e.value.message == "JSON integer out of range"


def test_conversions(node):
    dump = node.rpc("help", "dump_all_command_conversions")
    assert ["getblock", 1, "verbosity", False] in dump and ["getblock", 1, "verbose", False] in dump
    assert ["getblock", 0, "blockhash", True] in dump and ["stop", 0, "wait", False] in dump


def test_cli_parameters_from_the_table(node):
    r = node.cli("generatetoaddress", "3", ADDR)
    assert r.returncode == 0, r.stderr
    hashes = json.loads(r.stdout)
    assert len(hashes) == 3
    r = node.cli("getblock", hashes[-1], "2")
    assert r.returncode == 0, r.stderr
    block = json.loads(r.stdout)
    assert block["height"] == 3 and isinstance(block["tx"][0], dict)
    r = node.cli("getblockheader", hashes[-1], "false")
    assert r.returncode == 0 and len(r.stdout.strip()) == 160
    r = node.cli("-named", "getblock", "blockhash=" + hashes[-1], "verbosity=0")
    assert r.returncode == 0 and r.stdout.strip() == node.rpc("getblock", hashes[-1], 0)
    r = node.cli("-named", "getblock", "blockhash=" + hashes[-1], "verbose=1")
    assert r.returncode == 0 and json.loads(r.stdout)["tx"] == node.rpc("getblock", hashes[-1])["tx"]
    r = node.cli("gettxoutsetinfo", "none", hashes[-1])  # hash_or_height: a string when not JSON
    assert r.returncode == 8 and "requires coinstatsindex" in r.stderr
    r = node.cli("getblock", hashes[-1], "x")
    assert r.returncode != 0 and "Error parsing JSON: x" in r.stderr
