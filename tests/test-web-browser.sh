#!/bin/bash
# test-web-browser.sh: a real browser joins a SAMP session run by our hub,
# through the Web Profile, with the user's consent given as a list of
# origins (issue 14, "A real browser").
#
# Headless Chromium (Debian's chromium + chromium-driver, driven through
# python3-selenium: harness/web/drive.py) opens a page served on loopback
# (harness/web/index.html, by harness/web/serve.py) that uses sampjs (npm,
# installed by install-deps.sh test outside the repository) as archive pages
# do: it registers, subscribes to table.load.votable and sends
# coord.pointAt.sky for a CFHT position of the DaCHS harness.  With
# `cadc-samp listen` on the same hub the page then shows the CADC table that
# position produced (read through the hub's URL translator, as the table is a
# file: URL): its 9 rows and their observation IDs, read from the DOM as the
# user sees them; a screenshot of it is kept in tests/screenshots/.
#
#  - our hub, `cadc-samp hub --web-profile --web-auth=origins`, the page's
#    origin in [hub] web-origins: the page registers and shows the table;
#  - the same page from another origin (another port) is refused: the hub
#    grants CORS to every origin and refuses at register, so the page shows
#    the hub's reason ("... is not in [hub] web-origins"), the hub logs it;
#  - the same page against JSAMP's Web Profile hub shows the same table (it
#    is a plain sampjs client, not one tuned to our hub).
#
# Both hubs bind port 21012: the test holds cs_hold_web_port's lock first.
. "$(dirname "$0")/lib.sh"
need_jsamp
need_cmds chromium chromedriver
SAMPJS=${CS_SAMPJS_DIR:-/usr/local/lib/cadc-samp-test/node_modules/sampjs}
[ -r "$SAMPJS/samp.js" ] || skip_all "sampjs not installed in $SAMPJS (install-deps.sh test)"
"$PY" -c 'import selenium' 2>/dev/null || skip_all "python3-selenium not installed for $PY"
setup_samp
start_dachs
W0=$SECONDS; cs_hold_web_port
[ $((SECONDS - W0)) -lt 2 ] || diag "waited $((SECONDS - W0)) s for port 21012's lock"
SHOTS=${G_TEST_BUILDDIR:-$PWD}/screenshots
mkdir -p "$SHOTS"
rm -f "$SHOTS"/web-browser-*.png   # the screenshots asserted on are this run's
plan 13

# the page, from two origins: ALLOWED is in web-origins, OTHER is not
serve web-allowed "$CS_HARNESS/web/serve.py" || bail "the page server did not start"
ALLOWED=http://127.0.0.1:$SERVED_PORT
serve web-other "$CS_HARNESS/web/serve.py" || bail "the second page server did not start"
OTHER=http://127.0.0.1:$SERVED_PORT
PAGE="/?ra=131.28125&dec=54.3"     # the CFHT position of test-listen-archives.sh
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
cat >"$XDG_CONFIG_HOME/cadc-samp/config" <<CONF
[archive]
tap=$DACHS_URL/tap
[hub]
web-origins=$ALLOWED
CONF

# what DaCHS holds there, asked without SAMP or a browser: the CFHT rows'
# observation IDs
"$CADC_SAMP" region "08h45m07.5s +54d18m00s" --radius 0.3deg --collection CFHT \
  --columns observationID --format csv 2>"$LOGS/region.log" | tail -n +2 >"$T/obsids"
NROWS=$(wc -l <"$T/obsids")
[ "$NROWS" = 9 ] || bail "DaCHS has $NROWS CFHT rows at 131.28125 +54.3, not the harness's 9 planes of test_misc"

# open_page NAME URL: URL in a fresh headless Chromium until the page
# settles (done, refused or failed; 90 s); what it shows in $T/NAME.json,
# its screenshot in $SHOTS/web-browser-NAME.png
open_page () {
  spawn "$1" "$PY" "$CS_HARNESS/web/drive.py" "$2" --profile "$T/chromium-$1" \
    --out "$T/$1.json" --screenshot "$SHOTS/web-browser-$1.png" \
    --driver-log "$LOGS/$1-driver.log" --timeout 90
  local pid; pid=$(pid_of "$1")
  wait_exit "$1" 150
  [ -s "$T/$1.json" ] || echo '{"state": "no page"}' >"$T/$1.json"
  # nothing of that browser outlives it: its process group, and the crash
  # handlers Chromium starts in sessions of their own (found by the
  # profile they write to, in this test's HOME)
  wait_until 10 eval "! pgrep -g $pid >/dev/null && ! pgrep -f -- '--database=$HOME/' >/dev/null" \
    || { kill -KILL -- "-$pid" $(pgrep -f -- "--database=$HOME/") 2>/dev/null; sleep 0.5; }
}
# shows NAME EXPR: EXPR (python, on d = what page NAME showed)
shows () { json "$2" <"$T/$1.json"; }
# the page NAME shows the CFHT table: its rows, observation IDs DaCHS has
shows_table () {
  [ "$(shows "$1" 'd["state"]')" = done ] &&
  [ "$(shows "$1" 'd["rows"]')" = "$NROWS" ] &&
  [ "$(shows "$1" 'len(d["obsids"])')" = 5 ] &&
  [ -z "$(shows "$1" '"\n".join(d["obsids"])' | grep -vxFf "$T/obsids")" ]
}
# png_size FILE: "W x H" of a PNG image
png_size () { "$PY" -c 'import struct, sys
h = open(sys.argv[1], "rb").read(24)
print("%d x %d" % struct.unpack(">II", h[16:24]) if h[:8] == b"\x89PNG\r\n\x1a\n" else "not a PNG")' "$1"; }
# start_web_hub cadc|jsamp: a hub with the Standard and Web Profiles; the
# Web Profile answers on 21012
start_web_hub () {
  rm -f "$SAMP_LOCK"
  case $1 in
  cadc)  spawn hub "$CADC_SAMP" hub --web-profile --web-auth=origins;;
  jsamp) spawn hub java -jar /usr/share/java/jsamp.jar hub -mode no-gui -profiles std,web -web:auth true;;
  esac
  wait_file "$SAMP_LOCK" 30 && wait_until 30 web_ping
}
# web_ping: the Web Profile answers samp.webhub.ping on 21012
web_ping () {
  curl -sf -m 5 -H "Content-Type: text/xml" http://127.0.0.1:21012/ --data-binary \
    '<?xml version="1.0"?><methodCall><methodName>samp.webhub.ping</methodName><params/></methodCall>' \
    2>/dev/null | grep -q "<methodResponse>"
}
stop_web_hub () { stop listen; "$SAMP_TOOLS/hub.sh" stop "$T"; }

# 1-7. our hub, the page from an allowed origin
start_web_hub cadc || bail "cadc-samp hub --web-profile did not start"
start_listen listen --hub=never --radius 0.3deg --collection CFHT --no-cutouts \
  || bail "listen did not register"
DIAG_FILES=("$LOGS/hub.log" "$LOGS/listen.log" "$LOGS/allowed-driver.log")
open_page allowed "$ALLOWED$PAGE"
why=$(cat "$T/allowed.json") check "the page from $ALLOWED registers with our hub, which logs it" \
  eval 'shows allowed "d[\"reg\"]" | grep -q "^registered as " &&
        grep -qF "registration of \"sampjs test page\" from origin $ALLOWED accepted (listed in web-origins)" "$LOGS/hub.log"'
why=$(cat "$T/allowed.json") check "its coord.pointAt.sky reaches listen" \
  grep -q "coord.pointAt.sky from .*: ra=131.281250 dec=+54.300000" "$LOGS/listen.log"
why=$(cat "$T/allowed.json") check "the page shows the CADC table's name" \
  eval 'shows allowed "d[\"table_name\"]" | grep -q "^CADC CFHT 131.28+54.30 r18'"'"'"'
why=$(cat "$T/allowed.json") check "the page shows its $NROWS rows and their observation IDs" shows_table allowed
why=$(cat "$T/allowed.json") check "it read the file: URL through the hub's URL translator" \
  test "$(shows allowed 'd["via"]')" = translator
check "listen says the page loaded the table" \
  wait_until 10 grep -q "loaded by sampjs test page" "$LOGS/listen.log"
check "the screenshot of the page is kept: $SHOTS/web-browser-allowed.png" \
  eval '[[ "$(png_size "$SHOTS/web-browser-allowed.png")" == "1000 x "* ]]'

# 8-10. our hub, the page from an origin not in web-origins
DIAG_FILES=("$LOGS/hub.log" "$LOGS/other-driver.log")
open_page other "$OTHER$PAGE"
# (the browser's CORS preflight of the register call is granted: a refusal
# there would leave the page only sampjs's "No hub?" to show)
why=$(cat "$T/other.json") check "the page from $OTHER is refused and shows the hub's reason" \
  eval '[ "$(shows other "d[\"state\"]")" = refused ] &&
        shows other "d[\"reg\"]" | grep -qxF "registration refused: origin $OTHER is not in [hub] web-origins" &&
        shows other "d[\"text\"]" | grep -qF "Hub registration: registration refused: origin $OTHER is not in [hub] web-origins"'
check "the hub logs the refusal of $OTHER once, with the reason" \
  test "$(grep -cF "registration of \"sampjs test page\" from origin $OTHER refused: origin $OTHER is not in [hub] web-origins" "$LOGS/hub.log")" = 1
check "listen got no second position" test "$(grep -c "coord.pointAt.sky from" "$LOGS/listen.log")" = 1
stop_web_hub

# 11-13. JSAMP's Web Profile hub, the same page
start_web_hub jsamp || bail "JSAMP's hub with the Web Profile did not start"
start_listen listen --hub=never --radius 0.3deg --collection CFHT --no-cutouts \
  || bail "listen did not register with JSAMP's hub"
DIAG_FILES=("$LOGS/hub.log" "$LOGS/listen.log" "$LOGS/jsamp-driver.log")
open_page jsamp "$ALLOWED$PAGE"
why=$(cat "$T/jsamp.json") check "the page registers with JSAMP's hub" \
  eval 'shows jsamp "d[\"reg\"]" | grep -q "^registered as "'
why=$(cat "$T/jsamp.json") check "there too it shows the $NROWS rows and their observation IDs" shows_table jsamp
why=$(cat "$T/jsamp.json") check "read through JSAMP's URL translator" \
  test "$(shows jsamp 'd["via"]')" = translator
stop_web_hub
