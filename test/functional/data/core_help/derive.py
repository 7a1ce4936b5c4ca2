#!/usr/bin/env python3
"""Writes the help texts in this directory from a Bitcoin Core source tree.

    derive.py <core>/src <outdir>

Takes the RPCMethod definitions of the methods below from Core's own
sources (the text of each function up to its handler lambda, and the
GetBlockFields helper getblock uses), compiles them with Core's help
formatter (src/rpc/util.cpp, rpc/rawtransaction_util.cpp for TxDoc,
univalue) in a scratch directory, and writes what RPCMethod::ToString()
returns for each: the text `bitcoin-cli help <method>` prints. Nothing of
Core is kept here; only its output is (the .txt files).

Needs g++ (C++20); Core's other sources are not built, and the symbols
the formatter never calls are left unresolved at link time.
"""
import os
import re
import subprocess
import sys
import tempfile

METHODS = {
    "rpc/blockchain.cpp": ["getblockheader", "getblock", "getblockchaininfo"],
    "rpc/mining.cpp": ["generatetoaddress"],
}
HELPERS = {"rpc/blockchain.cpp": ["GetBlockFields"]}
FORMATTER = ["rpc/util.cpp", "rpc/rawtransaction_util.cpp", "script/solver.cpp", "univalue/lib/univalue.cpp",
             "univalue/lib/univalue_write.cpp", "univalue/lib/univalue_read.cpp", "univalue/lib/univalue_get.cpp",
             "util/string.cpp", "util/strencodings.cpp"]

# What the definitions use from headers that pull in the rest of the node.
PRELUDE = """#include <chainparamsbase.h>
#include <iostream>
#include <policy/feerate.h>
#include <rpc/mining.h>
#include <rpc/rawtransaction_util.h>
#include <rpc/util.h>
#include <util/vector.h>
#define CLIENT_NAME "Bitcoin Core"
bool IsDeprecatedRPCEnabled(const std::string&) { return false; }
"""


def method_source(text, name):
    """The function building method `name`, cut before its handler."""
    m = re.search(r"^(static )?RPCMethod %s\(\)" % name, text, re.M)
    if m is None:
        sys.exit("no RPCMethod %s()" % name)
    end = text.index("[](const RPCMethod& self", m.start())
    body = text[m.start():end] + "};\n}\n"
    return re.sub(r"^(static )?RPCMethod %s\(\)" % name, "static RPCMethod help_%s()" % name, body, count=1,
                  flags=re.M)


def helper_source(text, name):
    m = re.search(r"^static [^\n]*\b%s\(.*?^}\n" % name, text, re.M | re.S)
    if m is None:
        sys.exit("no helper %s" % name)
    return m.group(0)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, outdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    parts, names = [PRELUDE], []
    for f, funcs in METHODS.items():
        text = open(os.path.join(src, f)).read()
        for h in HELPERS.get(f, []):
            parts.append(helper_source(text, h))
        for fn in funcs:
            parts.append(method_source(text, fn))
            names.append(fn)
    parts.append("int main(int argc, char **argv) {\n  std::string m{argv[1]};\n")
    for n in names:
        parts.append('  if (m == "%s") { std::cout << help_%s().ToString(); return 0; }\n' % (n, n))
    parts.append("  return 1;\n}\n")
    flags = ["-std=c++20", "-I" + src, "-I" + os.path.join(src, "univalue", "include")]
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "help.cpp"), "w") as f:
            f.write("".join(parts))
        objs = []
        for i, f in enumerate(FORMATTER + ["HELP"]):
            path = os.path.join(tmp, "help.cpp") if f == "HELP" else os.path.join(src, f)
            obj = os.path.join(tmp, "%d.o" % i)
            subprocess.run(["g++"] + flags + ["-c", path, "-o", obj], check=True)
            objs.append(obj)
        exe = os.path.join(tmp, "help")
        subprocess.run(["g++", "-no-pie", "-o", exe] + objs + ["-Wl,--unresolved-symbols=ignore-all"], check=True,
                       stderr=subprocess.DEVNULL)
        os.makedirs(outdir, exist_ok=True)
        for n in names:
            out = subprocess.run([exe, n], check=True, capture_output=True).stdout
            with open(os.path.join(outdir, n + ".txt"), "wb") as f:
                f.write(out)
            print("wrote", os.path.join(outdir, n + ".txt"))


if __name__ == "__main__":
    main()
