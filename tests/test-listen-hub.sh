#!/bin/bash
# test-listen-hub.sh: `cadc-samp listen` on a desktop where no hub runs.
# --hub=never gives up with exit 3; the default (--hub=auto) starts an
# in-process hub whose lockfile is private, a real peer (astropy) talks to
# cadc-samp through it, JSAMP's hubtester passes against it, and SIGTERM
# removes the lockfile.  Prints TAP.
set -u
. "$CS_HARNESS/samp/bridge-env.sh"
bridge_setup
N=0
ok () { N=$((N+1)); if [ "$1" = 0 ]; then echo "ok $N - $2"; else echo "not ok $N - $2"; fi; }
skip () { N=$((N+1)); echo "ok $N # SKIP $1"; }
echo "1..7"

timeout 30 "$CADC_SAMP" listen --hub=never --tap http://127.0.0.1:9/tap --no-cutouts \
  >"$BRIDGE_TMP/never.log" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "no SAMP hub" "$BRIDGE_TMP/never.log"
ok $? "--hub=never without a hub exits 3 saying so (rc $rc)"

bridge_spawn listen "$CADC_SAMP" listen --tap http://127.0.0.1:9/tap --no-cutouts
LPID=$BRIDGE_LAST_PID
bridge_wait_file "$HOME/.samp" 20
perms=$(stat -c %a "$HOME/.samp" 2>/dev/null)
[ "$perms" = 600 ] && grep -q '^samp.profile.version=1.3' "$HOME/.samp"
ok $? "--hub=auto starts a hub: lockfile $HOME/.samp mode $perms"

registered=1
for _ in $(seq 100); do
  if "$CADC_SAMP" status --json 2>/dev/null | grep -q '"name": "cadc-samp"'; then registered=0; break; fi
  sleep 0.2
done
ok $registered "cadc-samp is registered with its own hub (status --json)"

if have_astropy; then
  timeout 60 "$PY" - >"$BRIDGE_TMP/peer.log" 2>&1 <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.samp import SAMPIntegratedClient
c = SAMPIntegratedClient(name="listen-hub-peer")
c.connect()
try:
    ids = [i for i in c.get_registered_clients()
           if c.get_metadata(i).get("samp.name") == "cadc-samp"]
    assert len(ids) == 1, ids
    r = c.call_and_wait(ids[0], {"samp.mtype": "samp.app.ping", "samp.params": {}}, "10")
    assert r["samp.status"] == "samp.ok", r
    r = c.call_and_wait(ids[0], {"samp.mtype": "cadc.query.region",
                                 "samp.params": {"ra": "abc", "dec": "10"}}, "10")
    assert r["samp.status"] == "samp.error", r
    assert "ra" in r["samp.error"]["samp.errortxt"], r
    print("peer ok")
finally:
    c.disconnect()
PYEOF
  rc=$?
  ok $rc "an astropy peer pings cadc-samp and gets samp.error for ra=abc through the in-process hub"
else
  skip "python3-astropy not installed"
fi

if have_jsamp; then
  timeout 120 java -classpath /usr/share/java/jsamp.jar org.astrogrid.samp.JSamp hubtester \
    >"$BRIDGE_TMP/hubtester.log" 2>&1
  rc=$?
  ok $rc "jsamp hubtester passes against listen's in-process hub"
else
  skip "jsamp not installed"
fi

kill -TERM "$LPID"
rc=124
for _ in $(seq 100); do
  if ! kill -0 "$LPID" 2>/dev/null; then wait "$LPID"; rc=$?; break; fi
  sleep 0.1
done
ok $([ $rc = 0 ]; echo $?) "SIGTERM: listen exits 0 (rc $rc)"
[ ! -e "$HOME/.samp" ]
ok $? "SIGTERM: the in-process hub removed its lockfile"
