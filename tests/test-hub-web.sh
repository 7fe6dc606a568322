#!/bin/bash
# test-hub-web.sh: the SAMP Web Profile of `cadc-samp hub --web-profile` on
# 127.0.0.1:21012 (held under cs_hold_web_port for the whole test).
# JSAMP's hubtester through the Web Profile, then through the Standard
# Profile, against our hub (and JSAMP's own hub the same way, and with
# its MType restriction on, side by side); then a web client of our own
# (harness/samp/webprofile.py, python with Origin headers): CORS, consent
# (accept, origins, ask on a terminal, no terminal: every origin gets CORS,
# a refused register gets a fault saying why), the long poll, the
# MType restriction, the URL translator, the bounded queue, a page that
# stops pulling (unregistered after [hub] web-idle-timeout), hostile input,
# and port 21012 already taken.
. "$(dirname "$0")/lib.sh"
need_jsamp
setup_samp
export JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS -Djava.awt.headless=true"
unset DISPLAY
cs_hold_web_port
plan 66
WP="$PY $SAMP_TOOLS/webprofile.py"
JSAMP="java -cp /usr/share/java/jsamp.jar org.astrogrid.samp.JSamp"

# start_our_hub NAME ARGS...: cadc-samp hub ARGS (lockfile $SAMP_LOCK), waits for both profiles
start_our_hub () {
  local name=$1; shift
  rm -f "$SAMP_LOCK"
  spawn "$name" "$CADC_SAMP" hub "$@"
  wait_file "$SAMP_LOCK" 20 && wait_until 20 grep -q "Web Profile running\|Web Profile not started" "$LOGS/$name.log"
}
stop_hub_named () { stop "$1"; rm -f "$SAMP_LOCK"; }

# tester PROFILE: jsamp hubtester through the Web (web) or the Standard (std) Profile
tester () {
  if [ "$1" = web ]; then
    SAMP_HUB=web-appname:tester timeout 150 $JSAMP hubtester >"$T/tester-$1.log" 2>&1
  else
    timeout 150 $JSAMP hubtester >"$T/tester-$1.log" 2>&1
  fi
}

# ---- JSAMP's hubtester against our hub, through both profiles
start_our_hub hub --web-profile --web-auth=accept --no-web-restrict-mtypes \
  || bail "cadc-samp hub --web-profile did not start"
DIAG_FILES=("$T/tester-web.log" "$LOGS/hub.log")
check "jsamp hubtester through the Web Profile passes against cadc-samp hub" tester web
DIAG_FILES=("$T/tester-std.log" "$LOGS/hub.log")
check "jsamp hubtester through the Standard Profile passes against the same hub" tester std
DIAG_FILES=("$LOGS/hub.log")
check "the hub logs web registrations with the origin and the name" \
  grep -q 'registration of "tester" from origin .* accepted' "$LOGS/hub.log"
check "no private key reaches the log" eval '! grep -qi "private-key\|samp.secret" "$LOGS/hub.log"'
results_of $WP hostile
check "the hub is still running after hostile input" eval 'kill -0 $(pid_of hub)'
stop_hub_named hub

# ---- the same against JSAMP's hub, and with its restriction on
rm -f "$SAMP_LOCK"
spawn jhub $JSAMP hub -mode no-gui -profiles std,web -web:auth true -web:norestrictmtypes
wait_file "$SAMP_LOCK" 30 && sleep 2
DIAG_FILES=("$T/tester-web.log" "$LOGS/jhub.log")
check "JSAMP's hub -web:norestrictmtypes: hubtester through the Web Profile passes" tester web
check "JSAMP's hub: hubtester through the Standard Profile passes" tester std
stop_hub_named jhub
spawn jhub $JSAMP hub -mode no-gui -profiles std,web -web:auth true
wait_file "$SAMP_LOCK" 30 && sleep 2
DIAG_FILES=("$T/tester-web.log")
check "JSAMP's hub with its MType restriction: the web hubtester fails" eval '! tester web'
stop_hub_named jhub
start_our_hub hub2 --web-profile --web-auth=accept || bail "hub did not start"
check "cadc-samp hub with its MType restriction: the web hubtester fails the same way" \
  eval '! tester web'
stop_hub_named hub2

# ---- our web client: CORS, long poll, restriction, translator, bounded queue
start_our_hub hub3 --web-profile --web-auth=accept || bail "hub did not start"
DIAG_FILES=("$LOGS/hub3.log")
results_of $WP cors http://localhost:8000
results_of $WP messaging http://localhost:8000 "$T"
check "the hub logs the web client it dropped for not pulling its callbacks" \
  grep -q "not collected: queue full" "$LOGS/hub3.log"
check "the hub logs the refused translation" grep -q "translation of .* refused" "$LOGS/hub3.log"
stop_hub_named hub3

# ---- a page that stops pulling its callbacks (tab closed): [hub] web-idle-timeout
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[hub]\nweb-idle-timeout=2\n' >"$XDG_CONFIG_HOME/cadc-samp/config"
start_our_hub hubidle --web-profile --web-auth=accept || bail "hub did not start"
DIAG_FILES=("$LOGS/hubidle.log")
results_of $WP idle http://localhost:8000 2
check "the hub logs why it unregistered the page" \
  grep -q "web client .* unregistered: its page stopped pulling its callbacks: none for 2 s" "$LOGS/hubidle.log"
stop_hub_named hubidle
rm -f "$XDG_CONFIG_HOME/cadc-samp/config"

# ---- consent: --web-auth=origins
start_our_hub hub4 --web-profile --web-auth=origins --web-origin http://good.example:8000 \
  || bail "hub did not start"
DIAG_FILES=("$LOGS/hub4.log")
results_of $WP register http://good.example:8000 goodpage accepted
# a page of an origin not listed: CORS lets it talk to the hub (else it
# could only say "No hub?"), its register gets a fault saying why, and
# nothing else works without the private key only an accepted register gives
results_of $WP register http://evil.example evilpage refused \
  "origin http://evil.example is not in [hub] web-origins"
check "the refusal is logged once, with the origin and the reason" eval \
  'test "$(grep -c "registration of \"evilpage\" from origin http://evil.example refused: origin http://evil.example is not in \[hub\] web-origins" "$LOGS/hub4.log")" = 1'
results_of $WP stranger http://evil.example
stop_hub_named hub4

# ---- consent: [hub] web-profile=true in the config, ask (the default) with no terminal
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[hub]\nweb-profile=true\n' >"$XDG_CONFIG_HOME/cadc-samp/config"
start_our_hub hub5 || bail "hub did not start"
DIAG_FILES=("$LOGS/hub5.log")
check "[hub] web-profile=true in the config starts the Web Profile" \
  grep -q "Web Profile running" "$LOGS/hub5.log"
results_of $WP register http://localhost:8000 notty refused "no terminal to ask on"
check "with no terminal to ask on, the refusal says so" grep -q "no terminal to ask on" "$LOGS/hub5.log"
stop_hub_named hub5
rm -f "$XDG_CONFIG_HOME/cadc-samp/config"

# ---- consent: ask, answered on the hub's terminal
rm -f "$SAMP_LOCK"
results_of $WP ask "$CADC_SAMP" hub --web-profile --web-auth=ask
rm -f "$SAMP_LOCK"

# ---- listen's own hub (--hub=always) runs the Web Profile with the same options
rm -f "$SAMP_LOCK"
spawn listen "$CADC_SAMP" listen --hub=always --web-profile --web-auth=accept --tap http://127.0.0.1:9/tap
DIAG_FILES=("$LOGS/listen.log")
check "listen --hub=always --web-profile: its hub runs the Web Profile" \
  wait_until 20 grep -q "Web Profile running" "$LOGS/listen.log"
results_of $WP sees http://localhost:8000 cadc-samp
stop listen
rm -f "$SAMP_LOCK"

# ---- port 21012 already taken: a warning, the Standard Profile runs
spawn busy "$PY" -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 21012)); s.listen(1)
print("bound", flush=True); time.sleep(60)'
wait_until 10 grep -q bound "$LOGS/busy.log" || bail "cannot bind 21012 for the test: $(cat "$LOGS/busy.log")"
start_our_hub hub6 --web-profile --web-auth=accept || bail "hub did not start"
DIAG_FILES=("$LOGS/hub6.log")
check "port 21012 taken: the hub warns that the Web Profile is not started" \
  grep -q "Web Profile not started.*21012" "$LOGS/hub6.log"
check "and the Standard Profile works (cadc-samp status)" eval '"$CADC_SAMP" status >"$T/status.out" 2>&1'
stop_hub_named hub6
stop busy
