"""Helpers for tests that build and mangle blocks in Python."""
import hashlib
import struct

ADDR = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
REGTEST_TARGET = int("7fffff" + "00" * 29, 16)


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def header_hash(header80):
    return sha256d(header80)[::-1].hex()


def meets_target(header80, target=REGTEST_TARGET):
    return int.from_bytes(sha256d(header80), "little") <= target


def grind(header80, want_valid=True, target=REGTEST_TARGET):
    """Changes the nonce until the header meets (or misses) the target."""
    h = bytearray(header80)
    nonce = 0
    while True:
        struct.pack_into("<I", h, 76, nonce)
        if meets_target(bytes(h), target) == want_valid:
            return bytes(h)
        nonce += 1


def spend_hex(txid, value_sats, script_hex="51"):
    """A version 2 transaction spending output 0 of txid (an OP_TRUE
    output, so an empty scriptSig) into one output."""
    spk = bytes.fromhex(script_hex)
    return ("02000000" + "01" + bytes.fromhex(txid)[::-1].hex() + "00000000" + "00" + "ffffffff"
            + "01" + value_sats.to_bytes(8, "little").hex() + "%02x" % len(spk) + spk.hex() + "00000000")
