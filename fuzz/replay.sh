#!/bin/sh
# Replay every input of a fuzz corpus through its target, once each.
set -e
bin=$1
dir=$2
set -- "$dir"/*
[ -e "$1" ] || { echo "replay: empty corpus $dir" >&2; exit 1; }
"$bin" "$@"
echo "replay: $# inputs from $dir"
