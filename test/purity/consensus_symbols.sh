#!/bin/sh
# The consensus library is pure: no system calls, no files, no clock, no
# threads, no randomness, no log. Every symbol it needs from outside must
# be its own, a pure helper of sato_util, libsecp256k1's, the sanitizers'
# or on the short list of libc functions below; anything else fails.
# Usage: consensus_symbols.sh libsato_consensus.a libsato_util.a
set -eu
lib=$1
util=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

defined() { nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
defined "$lib" >"$tmp/own"
# sato_util's services that do I/O or hold globals are not for consensus.
defined "$util" | grep -v -E '^sato_(log|args|random)_' >"$tmp/util"
nm -u "$lib" | awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u >"$tmp/needed"

cat >"$tmp/libc" <<'LIST'
abort
bsearch
calloc
free
malloc
memchr
memcmp
memcpy
memmove
memset
qsort
realloc
snprintf
strchr
strcmp
strlen
strncmp
strrchr
vsnprintf
__stack_chk_fail
__memcpy_chk
__memset_chk
__snprintf_chk
__vsnprintf_chk
LIST
sort -u -o "$tmp/libc" "$tmp/libc"

bad=$(comm -23 "$tmp/needed" "$tmp/own" | comm -23 - "$tmp/util" | comm -23 - "$tmp/libc" |
      grep -v -E '^(secp256k1_|__asan_|__ubsan_|__sanitizer_|__sancov_|__lsan_)' || true)
n=$(wc -l <"$tmp/needed")
if [ -n "$bad" ]; then
    echo "consensus library needs symbols outside its whitelist:"
    echo "$bad" | sed 's/^/  /'
    echo "consensus_symbols: 0 passed, 1 failed"
    exit 1
fi
echo "consensus_symbols: $n undefined symbols checked"
echo "consensus_symbols: 1 passed, 0 failed"
