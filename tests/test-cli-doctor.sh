#!/bin/bash
# test-cli-doctor.sh: `cadc-samp doctor` says, one line per check, what is
# set up and what to do about what is not; and `cadc-samp --version` names
# the libraries it runs with.  Real parts: our hub and JSAMP's with an
# astropy peer registered by name, DaCHS as the archive (as the cadc archive
# through its registry, and as [archive.dachs]), a closed port as an
# unreachable archive, certificates made with openssl (expired, two days
# left), a cache path that cannot be a directory.  Secrets never printed.
. "$(dirname "$0")/lib.sh"
need_cmds openssl; need_astropy
setup_samp
start_dachs
plan 41
DEAD=$(free_port)
CONF=$XDG_CONFIG_HOME/cadc-samp/config
STATE=$XDG_CONFIG_HOME/cadc-samp/auth.ini
DIAG_FILES=("$T/out" "$T/err")
doctor () { timeout 60 "$CADC_SAMP" doctor "$@" >"$T/out" 2>"$T/err"; RC=$?; }
line () { grep -q -- "$1" "$T/out"; }     # a line the user reads (grep pattern)
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
cat >"$CONF" <<EOF
[archive.dachs]
tap=$DACHS_URL/tap
[archive.gone]
tap=http://127.0.0.1:$DEAD/tap
EOF
export CADC_REGISTRY_URL=$DACHS_URL/static/reg/resource-caps

# --- cadc-samp --version: our version, then the libraries' own versions
"$CADC_SAMP" --version >"$T/out" 2>"$T/err"
check "--version: first line is the name and version" \
  eval 'head -1 "$T/out" | grep -Eq "^cadc-samp [0-9]+\.[0-9]+\.[0-9]+$"'
check "--version: GLib, libcurl and libxml2 as the installed ones" eval '
  line "^Libraries: GLib/$(pkg-config --modversion glib-2.0) libcurl/$(curl-config --version | cut -d" " -f2) " &&
  line " libxml2/$(xml2-config --version) "'
check "--version: xmlrpc-c and cfitsio as the installed ones" eval '
  line " xmlrpc-c/$(xmlrpc-c-config --version) " && line " cfitsio/$(pkg-config --modversion cfitsio)\$"'
check "--version: a Features line with HTTPS" eval 'line "^Features: .*SAMP-hub.* HTTPS"'

# --- no hub
doctor --archive dachs
check "no hub: exit 1" test "$RC" = 1
check "no hub: the problem, where the lockfile was looked for, and what to do" \
  line "^problem  hub: no SAMP hub (no lockfile $SAMP_LOCK); start one: .*cadc-samp hub"
check "no hub: the other checks still run (config, archive, cache)" eval '
  line "^ok       config: $CONF read (archives: cadc, dachs, gone)" &&
  line "^ok       archive dachs: TAP $DACHS_URL/tap answers" && line "^ok       cache: "'
check "a summary line counts the problems" line "^1 problem, 0 warnings$"

# --- our hub, a named client
start_hub cadc || bail "cadc-samp hub did not start"
start_recorder pyviewer "$T/rec.json" --name pyviewer || bail "the astropy peer did not register"
doctor --archive dachs
check "our hub and a client: exit 0" test "$RC" = 0
check "the hub answers its ping, its lockfile named" \
  line "^ok       hub: http://127.0.0.1:[0-9]*/.* answers samp.hub.ping (lockfile $SAMP_LOCK)"
check "the registered clients by name (doctor itself left out)" eval '
  line "^ok       clients: [0-9] registered: .*pyviewer" && ! line "cadc-samp doctor"'
check "nothing to report: no summary line" eval '! line "problem" && ! line "warning"'
check "the hub secret never printed" eval '! grep -qF "$(sed -n "s/^samp.secret=//p" "$SAMP_LOCK")" "$T/out"'

# --- the cadc archive through DaCHS's registry; an unreachable archive
doctor
check "cadc through the registry: registry and TAP answer" \
  line "^ok       archive cadc: registry $CADC_REGISTRY_URL and TAP $DACHS_URL/tap answer"
check "every configured archive is checked without --archive" eval '
  line "^ok       archive dachs: " && line "^problem  archive gone: "'
doctor --archive gone
check "unreachable archive (closed port): exit 1" test "$RC" = 1
check "unreachable archive: the URL, unreachable, and where to fix it" \
  line "^problem  archive gone: TAP http://127.0.0.1:$DEAD/tap unreachable: .*; check tap= in \[archive.gone\] of $CONF"
doctor --archive dachs --tap "http://127.0.0.1:$DEAD/tap"
check "--tap overrides the archive's TAP, and the advice names --tap" \
  line "^problem  archive dachs: TAP http://127.0.0.1:$DEAD/tap unreachable: .*check the --tap URL"
CADC_REGISTRY_URL=http://127.0.0.1:$DEAD/reg doctor --archive cadc
check "unreachable registry: a problem naming it" \
  line "^problem  archive cadc: registry http://127.0.0.1:$DEAD/reg unreachable: .*; check the network, and the registry URL"

# --- credentials: certificates made here, saved as `login --cert` saves them
cd "$T" || exit 1
make_test_certs || bail "could not make test certificates"
save_login () { printf '[login]\n%s\n' "$@" >"$STATE"; chmod 600 "$STATE"; }

doctor --archive dachs
check "no login: anonymous, ok" line "^ok       login: anonymous (public data only)"
save_login "cert=$T/expired.pem"
doctor --archive dachs
check "expired certificate: exit 1" test "$RC" = 1
check "expired certificate: when, and how to renew it" \
  line "^problem  certificate: Client certificate ($T/expired.pem) expired on 2020-01-02.*; get a new one (cadc-get-cert) and run .cadc-samp login --cert FILE."
save_login "cert=$T/soon.pem"
doctor --archive dachs
check "certificate with 2 days left: a warning, exit 0" eval '[ $RC = 0 ] &&
  line "^warning  certificate: client certificate ($T/soon.pem) expires on .*cadc-get-cert"'
check "the summary counts the warning" line "^0 problems, 1 warning$"
save_login "cert=$T/valid.pem"
doctor --archive dachs
check "certificate valid for 30 days: its notAfter" \
  line "^ok       certificate: $T/valid.pem valid until 20[0-9-]* [0-9:]* UTC (29 days)"

save_login "user=alice" "token=SECRET-TOKEN-7f3a"
printf 'machine 127.0.0.1 login bob password SECRET-PASS-9c1d\nmachine archive.example login bob password SECRET-PASS-9c1d\n' >"$NETRC"
chmod 644 "$NETRC"
doctor --archive dachs
check "token saved: the user, the token's presence, not the token" eval '
  line "^ok       login: user alice, CADC_SSO token saved (not shown)" && ! grep -q SECRET "$T/out" "$T/err"'
check "a netrc others can read: its machines, chmod 600, no password" eval '
  line "^warning  netrc: $NETRC (machines: 127.0.0.1, archive.example) can be read by others (mode 644); chmod 600 $NETRC" &&
  ! grep -q "SECRET\|bob" "$T/out"'
chmod 600 "$NETRC"
doctor --archive dachs --json
check "--json: one JSON object, no secret in it" eval '
  [ "$(json "d[\"problems\"], d[\"warnings\"], len(d[\"checks\"])" <"$T/out")" = "0 0 7" ] &&
  ! grep -q SECRET "$T/out"'
check "--json: each check with status, what was found, what to do" \
  eval '[ "$(json "[c[\"status\"] for c in d[\"checks\"] if c[\"check\"] == \"netrc\"][0]" <"$T/out")" = ok ]'
rm -f "$STATE" "$NETRC"

# --- cache and config problems
mkdir -p "$T/cache2"; : >"$T/cache2/cadc-samp"
XDG_CACHE_HOME=$T/cache2 doctor --archive dachs
check "a cache that cannot be a directory: exit 1, the reason, what to do" eval '[ $RC = 1 ] &&
  line "^problem  cache: cannot write into $T/cache2/cadc-samp: .*; make it a directory you can write"'
printf '[archive.bad]\nmodel=caom2\n' >>"$CONF"
doctor --archive dachs
check "an archive section without tap=: the config is a problem" eval '[ $RC = 1 ] &&
  line "^problem  config: $CONF: .*bad.*; fix the section"'
printf 'this is not a key file\n' >"$CONF"
doctor
check "an unparsable config: what is wrong; no archive can be checked" eval '[ $RC = 1 ] &&
  line "^problem  config: $CONF cannot be read: .*; fix the file" && ! line "archive"'
rm -f "$CONF"
doctor
check "no config file: ok, the defaults" line "^ok       config: no config file $CONF (the defaults"

# --- JSAMP's hub, and a hub that died
stop_hub
if have_jsamp && start_hub jsamp; then
  doctor --tap "$DACHS_URL/tap"
  check "JSAMP's hub: ok, its own client named" eval '[ $RC = 0 ] &&
    line "^ok       hub: .* answers samp.hub.ping" && line "^ok       clients: 1 registered: Hub$"'
  stop_hub
else
  skip "JSAMP is not installed"
fi
start_hub cadc || bail "cadc-samp hub did not start again"
kill_hub
doctor --tap "$DACHS_URL/tap"
check "a stale lockfile (hub killed): the URL does not answer; remove the lockfile" eval '[ $RC = 1 ] &&
  line "^problem  hub: the lockfile $SAMP_LOCK names http://.* which does not answer samp.hub.ping; the hub has gone: remove the stale lockfile"'
rm -f "$SAMP_LOCK"

# --- colours: only on a terminal, never with NO_COLOR
"$PY" "$CS_HARNESS/pty-run.py" 120 env -u NO_COLOR TERM=xterm "$CADC_SAMP" doctor >"$T/tty" 2>&1
check "on a terminal the status is coloured" grep -q $'\033\\[32mok' "$T/tty"
"$PY" "$CS_HARNESS/pty-run.py" 120 env NO_COLOR=1 TERM=xterm "$CADC_SAMP" doctor >"$T/tty" 2>&1
check "NO_COLOR: no escape sequences on a terminal" eval '! grep -q $'"'"'\033'"'"' "$T/tty" && grep -q "^ok       cache" "$T/tty"'
doctor
check "piped: no escape sequences" eval '! grep -q $'"'"'\033'"'"' "$T/out"'
"$CADC_SAMP" --help >"$T/out"
check "--help lists doctor" line "^  doctor  "
# bash completion (src/cli/cadc-samp.bash) finds doctor and its --json
completes () { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cadc_samp
  echo "${COMPREPLY[*]}"' - "$CS_TESTS_DIR/../src/cli/cadc-samp.bash" "$CADC_SAMP" "$@"; }
check "completion: doctor among the commands" eval '[ "$(completes do)" = "doctor" ]'
check "completion: doctor's --json" eval '[ "$(completes doctor --j)" = "--json" ]'
