#!/bin/sh
# Installs a build into a scratch prefix and builds an outside program
# against it with pkg-config alone, as a user of the library would.
#   install_test.sh <build dir> <source dir> <C compiler> <libdir> <bindir> <version> [flags...]
# (libdir and bindir relative to the prefix, as CMAKE_INSTALL_LIBDIR/BINDIR).
# The flags (the build's sanitizers, if any) go to the compiler; sato.pc
# itself carries nothing build-specific.
set -eu
build=$1 src=$2 cc=$3 libdir=$4 bindir=$5 version=$6
shift 6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "install failed"; }
inc=$tmp/prefix/include/sato
[ -f "$tmp/prefix/$libdir/pkgconfig/sato.pc" ] || fail "no $libdir/pkgconfig/sato.pc"
for f in $libdir/libsato_consensus.a $libdir/libsato_util.a $bindir/satod $bindir/sato-cli; do
    [ -f "$tmp/prefix/$f" ] || fail "not installed: $f"
done
PKG_CONFIG_PATH=$tmp/prefix/$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
got=$(pkg-config --modversion sato) || fail "pkg-config cannot read sato.pc"
[ "$got" = "$version" ] || fail "sato.pc says version $got, the project $version"
case "$(pkg-config --variable=prefix sato)" in
    "$tmp/prefix") ;;
    *) fail "sato.pc's prefix is not the one installed to" ;;
esac

# Every header the installed libraries' sources or headers include is
# installed, and each one compiles on its own.
needed=$(cat "$src"/src/util/*.c "$src"/src/crypto/*.c "$src"/src/primitives/*.c \
             "$src"/src/script/*.c "$src"/src/consensus/*.c "$inc"/*.h |
         sed -n 's/^#include "sato\/\([a-z0-9_]*\.h\)".*/\1/p' | sort -u)
for h in $needed; do
    [ -f "$inc/$h" ] || fail "sato/$h is used by the library but not installed"
done
cflags=$(pkg-config --cflags sato)
for h in "$inc"/*.h; do
    # shellcheck disable=SC2046,SC2086
    echo "#include <sato/$(basename "$h")>" | "$cc" $cflags -Wall -Werror -fsyntax-only -x c - ||
        fail "sato/$(basename "$h") does not compile on its own"
done

# An outside program, linked with plain --libs and with --static.
# shellcheck disable=SC2046,SC2086
"$cc" "$@" -Wall -Wextra -Werror -o "$tmp/outside" "$src/test/install/outside.c" \
    $(pkg-config --cflags --libs sato) || fail "outside program does not build with --libs"
# shellcheck disable=SC2046,SC2086
"$cc" "$@" -o "$tmp/outside-static" "$src/test/install/outside.c" \
    $(pkg-config --static --cflags --libs sato) || fail "outside program does not build with --static"
cat >"$tmp/expected" <<'OUT'
genesis 0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206 1 txs, CheckBlock ok
tx f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16
signed: scripts ok
tampered: block-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)
PASS
OUT
for prog in outside outside-static; do
    "$tmp/$prog" >"$tmp/$prog.out" || { cat "$tmp/$prog.out"; fail "$prog failed"; }
    diff -u "$tmp/expected" "$tmp/$prog.out" || fail "$prog printed something else"
done
echo "install_test: 1 passed, 0 failed"
