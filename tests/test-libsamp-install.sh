#!/bin/bash
# test-libsamp-install.sh: libsamp as another C program sees it (issue 15,
# doc/LIBSAMP.md).  `make install DESTDIR=$T/root` of samp/ installs
# libsamp.so.0, the public headers under include/samp/ and samp.pc; the
# library exports exactly the functions its installed headers declare; the
# two programs of samp/examples/ build with `pkg-config --cflags --libs samp`
# against that layout (pkg-config sees $T/root as its sysroot) and run from
# it against a real hub: send-table's table reaches a recording astropy
# peer, listen-positions prints the position another client sends it.
# `make docs` (built into $T, installed with the rest) documents every
# exported function.
. "$(dirname "$0")/lib.sh"
need_cmds nm objdump ldd realpath
need_astropy
: "${CS_MAKE:?run me from make check}" "${CS_TOP_BUILDDIR:?}" "${CS_TOP_SRCDIR:?}" \
  "${CS_CC:?}" "${PKG_CONFIG:?}" "${CS_LIBDIR:?}" "${CS_INCLUDEDIR:?}" "${CS_HTMLDIR:?}"
setup_samp
plan 14

R=$T/root                         # the DESTDIR, and pkg-config's sysroot
LIBDIR=$R$CS_LIBDIR INCDIR=$R$CS_INCLUDEDIR/samp
mkdir -p "$T/build"

# ---- the installed layout
DIAG_FILES=("$T/install.log")
( unset MAKEFLAGS MFLAGS MAKELEVEL
  $CS_MAKE -C "$CS_TOP_BUILDDIR/samp" docs install LIBSAMP_HTML_DIR="$T/html" DESTDIR="$R" ) \
  >"$T/install.log" 2>&1
ok $? "make -C samp docs install DESTDIR=\$T/root" || bail "libsamp did not install"

soname=$(objdump -p "$LIBDIR/libsamp.so" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
why="soname '$soname'; $(ls -l "$LIBDIR" 2>&1)"
check "libsamp.so is a link to the versioned libsamp.so.0, whose soname is libsamp.so.0" \
  eval '[ "$soname" = libsamp.so.0 ] && [ -L "$LIBDIR/libsamp.so" ] && [ -f "$LIBDIR/libsamp.so.0" ] \
        && [ -f "$LIBDIR/pkgconfig/samp.pc" ]'

headers=$(cd "$INCDIR" && ls | tr '\n' ' ')
why="installed: $headers"
check "the public headers, and only they, are installed under include/samp/" \
  test "$headers" = "samp-api.h samp-client.h samp-error.h samp-hub.h samp-mtype.h samp-value.h samp.h "

# Every function the installed headers declare (SAMP_API or not), against
# the .so's dynamic exports; names starting with _ belong to the toolchain.
sed -n 's/^\(SAMP_API \)\{0,1\}[A-Za-z][^(#]*[ *]\(samp_[a-z0-9_]*\) *(.*/\2/p' "$INCDIR"/*.h \
  | sort -u >"$T/declared"
nm -D --defined-only "$LIBDIR/libsamp.so.0" | awk '{print $NF}' | grep -v '^_' | sort -u >"$T/exported"
why="declared but not exported / exported but not declared:
$(diff "$T/declared" "$T/exported")"
check "libsamp.so.0 exports exactly the $(wc -l <"$T/declared") functions its installed headers declare" \
  eval '[ -s "$T/declared" ] && cmp -s "$T/declared" "$T/exported"'

# make docs: an entry (an anchor) for each of them, installed in htmldir
HTML=$R$CS_HTMLDIR/libsamp/index.html
grep -o 'id="samp_[a-z0-9_]*"' "$HTML" 2>/dev/null | sed 's/id="\(.*\)"/\1/' | sort -u >"$T/documented"
why="exported but not documented: $(comm -23 "$T/exported" "$T/documented" | tr '\n' ' ')"
check "make docs: the installed API reference documents each exported function" \
  eval '[ -s "$T/exported" ] && [ -z "$(comm -23 "$T/exported" "$T/documented")" ]'

# pkg-config in a sysroot prefixes every -I/-L, the system's too: the sysroot
# shows the system's own dependency directories through symlinks, and
# nothing is ever created outside $R.
sysroot_link () {
  local d=$1 parent
  [ -d "$d" ] && [ ! -e "$R$d" ] || return 0
  parent=$(dirname "$R$d")
  case $(realpath -m "$parent") in "$R"|"$R"/*) ;; *) return 0;; esac
  mkdir -p "$parent" && ln -s "$d" "$R$d"
}
for d in $("$PKG_CONFIG" --cflags-only-I --libs-only-L glib-2.0 gobject-2.0 gio-2.0 libxml-2.0 \
           | tr ' ' '\n' | sed -n 's/^-[IL]//p'); do
  sysroot_link "$d"
done
export PKG_CONFIG_SYSROOT_DIR=$R PKG_CONFIG_PATH=$LIBDIR/pkgconfig
samp_flags=$("$PKG_CONFIG" --cflags --libs samp 2>"$T/pc.err")
DIAG_FILES=("$T/pc.err" "$T/cc.log")
why="pkg-config --cflags --libs samp: $samp_flags"
check "pkg-config --cflags --libs samp names the installed include dir and library" \
  eval 'case " $samp_flags " in *" -I$R$CS_INCLUDEDIR "*" -L$LIBDIR "*) true;; *) false;; esac'

# Each public header compiles on its own, as <samp/NAME>.
: >"$T/cc.log"
for h in "$INCDIR"/*.h; do
  printf '#include <samp/%s>\nint main (void) { return 0; }\n' "${h##*/}" >"$T/build/h.c"
  # shellcheck disable=SC2086
  $CS_CC $CS_EXAMPLE_CFLAGS -c "$T/build/h.c" -o "$T/build/h.o" $samp_flags >>"$T/cc.log" 2>&1 \
    || echo "FAILED: <samp/${h##*/}>" >>"$T/cc.log"
done
check "each installed header compiles alone as <samp/NAME>" eval '! grep -q FAILED "$T/cc.log"'

build_example () {
  # shellcheck disable=SC2086
  $CS_CC $CS_EXAMPLE_CFLAGS -o "$T/build/$1" "$CS_TOP_SRCDIR/samp/examples/$1.c" $samp_flags \
    >>"$T/cc.log" 2>&1
}
check "samp/examples/ build warning-free with pkg-config's flags for the installed libsamp" \
  eval 'build_example send-table && build_example listen-positions'
export LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
why=$(ldd "$T/build/send-table" 2>&1)
check "the examples load the installed libsamp.so.0 (\$T/root)" \
  eval 'ldd "$T/build/send-table" | grep -q "libsamp.so.0 => $LIBDIR/libsamp.so.0"'

# ---- against a real hub
if have_jsamp; then hub=jsamp; else hub=cadc; fi
start_hub "$hub" || bail "the $hub hub did not start"
cp "$CS_TESTDATA/votable-dachs.xml" "$T/m31 table.vot"
mkdir -p "$T/copies"
start_recorder rec "$T/rec.jsonl" --mtype table.load.votable --copy "$T/copies" \
  || bail "the recording peer did not register"
DIAG_FILES=("$T/send.out" "$T/rec.jsonl")
(cd "$T" && timeout 60 "$T/build/send-table" "m31 table.vot" "M31 sources") >"$T/send.out" 2>&1
rc=$?
url="file://$T/m31%20table.vot"
check "send-table ($hub hub) exits 0 and reports that bridge-peer loaded the file:// URL of the table" \
  eval '[ $rc = 0 ] && grep -qF "bridge-peer (" "$T/send.out" && grep -qF "): loaded $url" "$T/send.out"'
got_url=$(last_param "$T/rec.jsonl" table.load.votable url 2>/dev/null)
got_name=$(last_param "$T/rec.jsonl" table.load.votable name 2>/dev/null)
copy=$(grep table.load.votable "$T/rec.jsonl" | tail -1 | json "d.get('copy', '')" 2>/dev/null)
why="url '$got_url' name '$got_name' copy '$copy'"
check "the peer received table.load.votable with the table's URL and name, and read the same bytes" \
  eval '[ "$got_url" = "$url" ] && [ "$got_name" = "M31 sources" ] && [ -n "$copy" ] \
        && cmp -s "$copy" "$T/m31 table.vot"'

DIAG_FILES=("$LOGS/listen.log" "$T/pos.json") why=
spawn listen "$T/build/listen-positions"
wait_client listen-positions:coord.pointAt.sky 30
peer send coord.pointAt.sky ra=83.633083 dec=22.0145 --to listen-positions >"$T/pos.json" 2>&1
wait_until 10 grep -q '^ra=' "$LOGS/listen.log"
check "listen-positions prints the position bridge-sender sent it, and answers samp.ok" \
  eval 'grep -qx "ra=83.633083 dec=+22.014500 from bridge-sender" "$LOGS/listen.log" \
        && grep -q "\"samp.status\": \"samp.ok\"" "$T/pos.json"'
peer send coord.pointAt.sky ra=north dec=22 --to listen-positions >"$T/pos.json" 2>&1
check "a position that is not one gets samp.error, and nothing is printed" \
  eval 'grep -q "\"samp.status\": \"samp.error\"" "$T/pos.json" && [ $(grep -c "^ra=" "$LOGS/listen.log") = 1 ]'
kill -TERM "$(pid_of listen)"
wait_exit listen 10
check "SIGTERM: listen-positions exits 0 after unregistering (rc $EXIT_RC)" \
  eval '[ "$EXIT_RC" = 0 ] && ! registered listen-positions'
