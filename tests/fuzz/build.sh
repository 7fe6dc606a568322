#!/bin/sh
# build.sh: builds the libFuzzer harnesses of tests/fuzz/ and their seed
# corpora.  Not part of `make` or `make check`.
#
#   tests/fuzz/build.sh [OUTDIR [NAME...]]  (default: /tmp/cadc-samp-fuzz, all)
#
# Needs clang with libFuzzer (Debian 12: clang-14, whose libFuzzer runtime
# ships in the clang package) and the -dev packages the project builds
# with (pkg-config: glib-2.0 gio-2.0 gio-unix-2.0 libxml-2.0 cfitsio; xmlrpc-c-config).
# Each harness is compiled with -fsanitize=fuzzer,address,undefined from
# the project's own .c files (src/, samp/), not from the libtool archives,
# so the parser code is instrumented.  A minimal config.h is written to
# OUTDIR.  Seeds come from tests/data/ (the project's fixtures); FITS seeds
# are made with /usr/bin/python3 + astropy when available.
#
# Run one (see README):
#   nice OUTDIR/fuzz-votable -max_total_time=300 OUTDIR/corpus/votable OUTDIR/seeds/votable
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-/tmp/cadc-samp-fuzz}
[ $# -gt 0 ] && shift
only=" $* "
CC=${CC:-clang}
mkdir -p "$out"

cat > "$out/config.h" <<'H'
#define _GNU_SOURCE 1
#define PACKAGE_NAME "cadc-samp"
#define PACKAGE_VERSION "fuzz"
H

pc() { pkg-config "$@" glib-2.0 gio-2.0 gio-unix-2.0 libxml-2.0 cfitsio; }
CFLAGS="-g -O1 -std=gnu11 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
 -fno-sanitize-recover=undefined -I$out -I$top/src/vo -I$top/samp -I$here $(pc --cflags) \
 $(xmlrpc-c-config --cflags) -DG_LOG_DOMAIN=\"fuzz\""
LIBS="$(pc --libs) $(xmlrpc-c-config --libs) -lm"

VOTABLE="src/vo/vo-error.c src/vo/vo-votable.c src/vo/vo-votable-field.c src/vo/vo-votable-load.c"
XMLUTIL="src/vo/vo-error.c src/vo/vo-xmlutil.c"
SAMP="samp/samp-error.c samp/samp-value.c"

build() {
  name=$1; shift
  [ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) return 0 ;; esac
  srcs=""
  for f in "$@"; do srcs="$srcs $top/$f"; done
  echo "  CC fuzz-$name"
  # shellcheck disable=SC2086
  $CC $CFLAGS -o "$out/fuzz-$name" "$here/fuzz-$name.c" $srcs $LIBS
}

build votable  $VOTABLE
build datalink $VOTABLE src/vo/vo-datalink.c
build uws      $XMLUTIL src/vo/vo-uws.c
build vosi     $XMLUTIL src/vo/vo-vosi.c
build caps     $XMLUTIL src/vo/vo-caps.c
build coords   src/vo/vo-error.c src/vo/vo-coords.c
build xmlrpc   $SAMP samp/samp-xmlrpc.c samp/samp-xmlguard.c samp/samp-xmlrpc-fast.c
build hub-http $SAMP samp/samp-xmlrpc.c samp/samp-xmlguard.c samp/samp-xmlrpc-fast.c samp/samp-hub-reader.c
build http-server $SAMP samp/samp-xmlrpc.c samp/samp-xmlguard.c samp/samp-xmlrpc-fast.c samp/samp-hub-reader.c samp/samp-hub-net.c
build lockfile $SAMP samp/samp-http.c samp/samp-lockfile.c samp/samp-xmlrpc.c samp/samp-xmlguard.c samp/samp-xmlrpc-fast.c samp/samp-hub-reader.c samp/samp-hub-net.c
build fits     $VOTABLE src/vo/vo-votable-writer.c src/vo/vo-text.c src/vo/vo-cleanup.c src/vo/vo-fits.c

# Seed corpora (copies, so that libFuzzer never writes into tests/data).
d="$top/tests/data"
seed() { mkdir -p "$out/seeds/$1"; shift_dir=$1; shift; for f in "$@"; do [ -f "$f" ] && cp "$f" "$out/seeds/$shift_dir/"; done; return 0; }
seed votable  "$d"/votable-*.xml "$d"/datalink-*.xml
seed datalink "$d"/datalink-*.xml "$d"/votable-datalink.xml "$d"/votable-error.xml
seed uws      "$d"/uws-*.xml
seed vosi     "$d"/vosi-*.xml
seed caps     "$d"/caps-*.xml "$d"/registry-*.txt
seed xmlrpc   "$here"/seeds/xmlrpc/*
seed hub-http "$here"/seeds/http/*
seed http-server "$here"/seeds/http/*
seed lockfile "$here"/seeds/lockfile/*
seed coords   "$here"/seeds/coords/*
# The VOTable harness takes its first byte as the chunk-size seed.
for f in "$out"/seeds/votable/*.xml; do
  { printf 'A'; cat "$f"; } > "$f.in" && rm "$f"
done
mkdir -p "$out/seeds/fits"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import astropy' 2>/dev/null; then
  /usr/bin/python3 "$here/make-fits-seeds.py" "$out/seeds/fits"
else
  echo "build.sh: no /usr/bin/python3 with astropy: fuzz-fits starts without seeds" >&2
fi
echo "built in $out"
