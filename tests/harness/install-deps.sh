#!/bin/sh
# install-deps.sh build|test: install what cadc-samp needs from Debian 12's
# packages (run as root).  `build` is what compiles and runs cadc-samp;
# `test` adds the real peers the test suite starts: SAMP hubs (JSAMP,
# astropy), TOPCAT, ds9 and Aladin under Xvfb, and the GAVO DaCHS TAP
# server on PostgreSQL (tests/harness/dachs/install.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-build}

BUILD_PKGS="build-essential autoconf automake libtool pkg-config
  libglib2.0-dev libcurl4-openssl-dev libxml2-dev libxmlrpc-core-c3-dev
  libcfitsio-dev ca-certificates python3"
# python3: `make docs` (libsamp's API reference, samp/gen-api-html.py)
TEST_PKGS="curl libxml2-utils procps python3 python3-astropy python3-numpy
  jsamp default-jre-headless xvfb x11-utils xdotool topcat saods9 xpa-tools
  aladin python3-pyvo python3-astroquery valgrind time imagemagick
  clang chromium chromium-driver python3-selenium
  systemd desktop-file-utils libglib2.0-bin dpkg-dev debhelper lintian fakeroot"
# imagemagick: screenshots of the real-peer runs (import -window root)
# clang: tests/fuzz/build.sh (libFuzzer ships with Debian 12's clang-14)
# chromium, chromium-driver, python3-selenium: test-web-browser.sh drives
# headless Chromium to a sampjs page (tests/harness/web/drive.py)
# systemd (systemd-analyze, systemd-journald, systemd-cat, journalctl),
# desktop-file-utils, libglib2.0-bin (gio launch): tests/desktop.mk;
# dpkg-dev, debhelper (dh with autoreconf), lintian, fakeroot:
# tests/test-debian-package.sh builds debian/'s packages

# sampjs (npm): the SAMP Web Profile library of archive pages, loaded by the
# browser test's page; installed (not vendored) outside the repository in
# SAMPJS_PREFIX.  Idempotent: a second run with that version present asks
# no registry, so it works offline.
SAMPJS_PREFIX=/usr/local/lib/cadc-samp-test
SAMPJS_VERSION=1.0.3
install_sampjs() {
  pj=$SAMPJS_PREFIX/node_modules/sampjs/package.json
  if [ -r "$pj" ] && grep -q "\"version\": *\"$SAMPJS_VERSION\"" "$pj"; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  mkdir -p "$SAMPJS_PREFIX"
  npm install --prefix "$SAMPJS_PREFIX" --no-audit --no-fund --no-save \
    "sampjs@$SAMPJS_VERSION"
}

export DEBIAN_FRONTEND=noninteractive
apt_install() {
  # --no-upgrade: never move packages the machine already has (the DaCHS
  # installer pins PostgreSQL for pgsphere's sake).
  apt-get install -y -q --no-upgrade --no-install-recommends "$@"
}

case "$mode" in
build)
  apt_install $BUILD_PKGS
  ;;
test)
  apt_install $BUILD_PKGS $TEST_PKGS
  install_sampjs
  if [ -x "$here/dachs/install.sh" ]; then
    "$here/dachs/install.sh"
  fi
  ;;
*)
  echo "usage: $0 build|test" >&2
  exit 2
  ;;
esac
