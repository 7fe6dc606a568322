#!/bin/bash
# test-debian-package.sh: debian/ as a person on Debian 12 uses it.  The
# committed tree (git archive HEAD; a copy of the source directory where it
# is not a git checkout, as in CI's sanitizer run) is built into packages
# with `dpkg-buildpackage -us -uc -b` in a temporary directory (-j2: the
# suite may run beside it), lintian finds no error, and the packages are
# installed on this machine with dpkg -i: the installed cadc-samp runs, its
# files are where the desktop and the shell look for them, the libsamp
# examples build with `pkg-config --cflags --libs samp` against the
# installed library and talk to a real hub (the installed `cadc-samp hub`)
# with an astropy peer.  dpkg --purge at the end (and on any exit) leaves
# nothing of them.  Installing needs root: without it the test fails.
. "$(dirname "$0")/lib.sh"
PKGS="cadc-samp libsamp0 libsamp-dev"
SRC=${CS_TOP_SRCDIR:-$CS_TESTS_DIR/..}
BUILD=${CS_TOP_BUILDDIR:-$CS_TESTS_DIR/..}
need_cmds dpkg-buildpackage dh lintian systemd-analyze desktop-file-validate
setup_samp
plan 16
[ "$(id -u)" = 0 ] || bail "must run as root: the packages are installed with dpkg -i (CI runs as root)"
for p in $PKGS; do
  s=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)
  [ -z "$s" ] || [ "$s" = not-installed ] \
    || bail "$p is already on this machine ($s): the test would replace and purge it"
done

# ---- the committed tree, exported
mkdir -p "$T/pkg/src"
src=$(cd "$SRC" && pwd -P) build=$(cd "$BUILD" && pwd -P)
if [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
  how="git archive HEAD"
  git -C "$src" archive HEAD | tar -x -C "$T/pkg/src"
else
  # No git: the source directory without what a build put there (an
  # out-of-tree build directory inside it, autoreconf's cache).
  how="a copy of $src (no git checkout)"
  excl=(--exclude=./autom4te.cache)
  case $build in "$src"/*) excl+=(--exclude="./${build#"$src"/}");; esac
  tar -C "$src" "${excl[@]}" -cf - . | tar -x -C "$T/pkg/src"
  if [ "$build" = "$src" ] && [ -f "$T/pkg/src/Makefile" ]; then
    (unset MAKEFLAGS MFLAGS MAKELEVEL; make -s -C "$T/pkg/src" distclean) >/dev/null 2>&1
  fi
fi
[ -x "$T/pkg/src/debian/rules" ] || bail "no debian/rules in the export ($how)"

# ---- built as a person would: a clean environment, two jobs at most
DIAG_FILES=("$T/build.log")
( cd "$T/pkg/src" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$HOME" TMPDIR="$TMPDIR" \
    LANG=C.UTF-8 DEB_BUILD_OPTIONS=parallel=2 \
    timeout 2400 nice -n 5 dpkg-buildpackage -us -uc -b ) >"$T/build.log" 2>&1
rc=$?
debs=()
for p in $PKGS; do debs+=("$(ls "$T"/pkg/"${p}"_*.deb 2>/dev/null)"); done
check "dpkg-buildpackage -us -uc -b ($how) builds $PKGS (rc $rc)" \
  eval '[ $rc = 0 ] && [ -f "${debs[0]}" ] && [ -f "${debs[1]}" ] && [ -f "${debs[2]}" ]'
[ $rc = 0 ] || bail "the packages did not build"
ran=$(grep -oE '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS): [^ ]+' "$T/build.log" | awk '{print $2}' \
      | sort -u | tr '\n' ' ')
check "dh_auto_test ran the unit tests only ($ran), all passed: $(grep -m1 '^# TOTAL' "$T/build.log")" \
  eval '[ "$ran" = "test-adql test-coords test-samp-unit test-text test-votable " ] \
        && grep -q "^# PASS: *[1-9]" "$T/build.log" && grep -q "^# FAIL: *0$" "$T/build.log" \
        && grep -q "^# ERROR: *0$" "$T/build.log"'

lintian --fail-on error "$T"/pkg/*.changes >"$T/lintian.log" 2>&1
rc=$?
DIAG_FILES=("$T/lintian.log")
check "lintian --fail-on error: no error in the packages (rc $rc)" \
  eval '[ $rc = 0 ] && ! grep -q "^E: " "$T/lintian.log"'

# ---- installed on this machine; purged on any exit
at_exit "dpkg --purge $PKGS >/dev/null 2>&1"
install_debs () {
  local _
  for _ in $(seq 60); do       # another dpkg (apt) may hold the lock a while
    dpkg -i "$@" >"$T/dpkg-i.log" 2>&1 && return 0
    grep -qi "lock" "$T/dpkg-i.log" || return 1
    sleep 2
  done
  return 1
}
DIAG_FILES=("$T/dpkg-i.log")
install_debs "${debs[@]}"
# status PKG: dpkg's word for PKG (installed, not-installed, ...)
status () { local s; s=$(dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null); echo "${s:-not-installed}"; }
all_are () { local p; for p in $PKGS; do [ "$(status "$p")" = "$1" ] || return 1; done; }
check "dpkg -i installs $PKGS" all_are installed

version=$(dpkg-query -W -f '${Version}' cadc-samp)
out=$(/usr/bin/cadc-samp --version 2>&1)
why="--version: $out"
check "the installed cadc-samp --version names the package's version $version" \
  eval '[[ "$(head -1 <<<"$out")" = "cadc-samp ${version%%-*}"* ]]'

UNIT=/usr/lib/systemd/user/cadc-samp-listen.service
DESKTOP=/etc/xdg/autostart/cadc-samp-listen.desktop
COMPLETION=/usr/share/bash-completion/completions/cadc-samp
MAN=/usr/share/man/man1/cadc-samp.1.gz
owned () { local f; for f in "$@"; do [ -f "$f" ] && dpkg -S "$f" 2>/dev/null | grep -q "^cadc-samp: $f$" || return 1; done; }
why="$(dpkg -L cadc-samp 2>&1)"
check "cadc-samp installed its user unit, autostart entry, bash completion and man page where they are looked for" \
  owned "$UNIT" "$DESKTOP" "$COMPLETION" "$MAN"
why=

mkdir -p "$T/run" && chmod 700 "$T/run"
man_opt=--man=no
have man && man -w cadc-samp >/dev/null 2>&1 && man_opt=--man=yes
XDG_RUNTIME_DIR=$T/run systemd-analyze --user $man_opt verify "$UNIT" >"$T/verify.log" 2>&1
rc=$?
DIAG_FILES=("$T/verify.log")
check "the installed unit passes systemd-analyze --user verify ($man_opt; /usr/bin/cadc-samp exists) (rc $rc)" \
  eval '[ $rc = 0 ] && [ ! -s "$T/verify.log" ] && grep -qx "ExecStart=/usr/bin/cadc-samp listen" "$UNIT"'
check "the package enables the service for nobody: systemctl --user enable is the user's choice" \
  test ! -e /etc/systemd/user/default.target.wants/cadc-samp-listen.service
desktop-file-validate "$DESKTOP" >"$T/validate.log" 2>&1
rc=$?
DIAG_FILES=("$T/validate.log")
check "the installed autostart entry passes desktop-file-validate (rc $rc)" \
  eval '[ $rc = 0 ] && [ ! -s "$T/validate.log" ]'
spec=$(bash -c ". $COMPLETION && complete -p cadc-samp" 2>&1)
why="complete -p: $spec"
check "the installed bash completion completes cadc-samp" \
  eval '[[ "$spec" = "complete "*"-F _"*" cadc-samp" ]]'

# ---- another C program against the installed libsamp
ref=/usr/share/doc/libsamp-dev/html/index.html
why="$(dpkg -L libsamp-dev 2>&1 | grep -v '^/usr/share/doc/libsamp-dev/examples')"
check "libsamp-dev has <samp/samp.h>, the API reference naming samp_client_new, and LIBSAMP.md" \
  eval '[ -f /usr/include/samp/samp.h ] && grep -q samp_client_new "$ref" \
        && [ -n "$(ls /usr/share/doc/libsamp-dev/LIBSAMP.md* 2>/dev/null)" ]'
mkdir -p "$T/ex"
cp /usr/share/doc/libsamp-dev/examples/* "$T/ex/"
( unset MAKEFLAGS MFLAGS MAKELEVEL PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
  make -C "$T/ex" ) >"$T/ex.log" 2>&1
rc=$?
DIAG_FILES=("$T/ex.log")
libdir=$(pkg-config --variable=libdir samp 2>/dev/null)
loaded=$(ldd "$T/ex/send-table" 2>/dev/null | awk '$1 == "libsamp.so.0" {print $3}')
why="pkg-config's libdir $libdir; ldd: libsamp.so.0 => $loaded"
check "the examples build warning-free with pkg-config --cflags --libs samp and load the installed libsamp.so.0 (rc $rc)" \
  eval '[ $rc = 0 ] && ! grep -q "warning:" "$T/ex.log" && [ "$libdir" = "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)" ] \
        && [ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$(realpath "$libdir/libsamp.so.0")" ] \
        && dpkg -S "$libdir/libsamp.so.0" | grep -q "^libsamp0:"'

if have_astropy; then
  why=
  CADC_SAMP=/usr/bin/cadc-samp start_hub cadc || bail "the installed cadc-samp hub did not start"
  cp "$CS_TESTDATA/votable-dachs.xml" "$T/table.vot"
  start_recorder rec "$T/rec.jsonl" --mtype table.load.votable \
    || bail "the recording peer did not register"
  DIAG_FILES=("$T/send.out" "$T/rec.jsonl" "$LOGS/hub.log")
  (cd "$T" && timeout 60 "$T/ex/send-table" table.vot "packaged") >"$T/send.out" 2>&1
  rc=$?
  check "send-table (installed libsamp) sends its table through the installed cadc-samp hub to a peer (rc $rc)" \
    eval '[ $rc = 0 ] && [ "$(last_param "$T/rec.jsonl" table.load.votable url)" = "file://$T/table.vot" ]'
  DIAG_FILES=("$LOGS/listen.log" "$T/pos.json")
  spawn listen "$T/ex/listen-positions"
  wait_client listen-positions:coord.pointAt.sky 30
  peer send coord.pointAt.sky ra=10.684708 dec=41.26875 --to listen-positions >"$T/pos.json" 2>&1
  wait_until 10 grep -q '^ra=' "$LOGS/listen.log"
  check "listen-positions (installed libsamp) prints the position a peer sent and answers samp.ok" \
    eval 'grep -qx "ra=10.684708 dec=+41.268750 from bridge-sender" "$LOGS/listen.log" \
          && grep -q "\"samp.status\": \"samp.ok\"" "$T/pos.json"'
  stop listen
  stop rec
  stop_hub
else
  skip "astropy (the SAMP peer) not installed"
  skip "astropy (the SAMP peer) not installed"
fi

# ---- purged: nothing left
dpkg -L $PKGS 2>/dev/null | sort -u >"$T/files"
dpkg --purge $PKGS >"$T/purge.log" 2>&1
rc=$?
DIAG_FILES=("$T/purge.log")
check "dpkg --purge removes $PKGS (rc $rc)" eval '[ $rc = 0 ] && all_are not-installed'
left=$(while read -r f; do [ -f "$f" ] || [ -L "$f" ] && echo "$f"; done <"$T/files")
why="left: $left"
check "none of the $(wc -l <"$T/files") paths the packages had is left as a file (the autostart conffile neither)" \
  eval '[ -s "$T/files" ] && [ -z "$left" ] && [ ! -e "$DESKTOP" ]'
