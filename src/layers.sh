#!/bin/sh
# layers.sh LAYER "COMPILER AND FLAGS" ALLOWED-HEADER FORBIDDEN-HEADER...
#
# Proves that a layer's include path enforces the layering (src/Makefile.am):
# with exactly the flags the layer is compiled with, a header of its own
# or a lower layer compiles, and every header of a higher layer does not.
# Run by `make check` in each folder of src/.
layer=$1 cc=$2 allowed=$3
shift 3
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
probe () {
  printf '#include "config.h"\n#include "%s"\n' "$1" > "$tmp/probe.c"
  # shellcheck disable=SC2086  # $cc is a command line
  $cc -fsyntax-only "$tmp/probe.c" > "$tmp/out" 2>&1
}
if probe "$allowed"; then
  echo "layers: $layer sees $allowed (its own or a lower layer): ok"
else
  echo "layers: $layer cannot compile its own $allowed:" >&2
  cat "$tmp/out" >&2
  fail=1
fi
for h in "$@"; do
  if probe "$h"; then
    echo "layers: $layer can include $h from a higher layer: FAIL" >&2
    fail=1
  elif grep -q "$h" "$tmp/out"; then
    echo "layers: $layer cannot include $h: ok"
  else
    echo "layers: $layer: $h failed for another reason:" >&2
    cat "$tmp/out" >&2
    fail=1
  fi
done
exit $fail
