#!/bin/bash
# test-listen-hub.sh: `cadc-samp listen` on a desktop where no hub runs.
# --hub=never gives up with exit 3; the default (--hub=auto) starts an
# in-process hub whose lockfile is private, a real peer (astropy) talks to
# cadc-samp through it, JSAMP's hubtester passes against it, and SIGTERM
# removes the lockfile.
. "$(dirname "$0")/lib.sh"
setup_samp
plan 7

timeout 30 "$CADC_SAMP" listen --hub=never --tap http://127.0.0.1:9/tap --no-cutouts >"$T/never.log" 2>&1
rc=$?
DIAG_FILES=("$T/never.log")
check "--hub=never without a hub exits 3 saying so (rc $rc)" \
  eval '[ $rc = 3 ] && grep -q "no SAMP hub" "$T/never.log"'

DIAG_FILES=("$LOGS/listen.log")
spawn listen "$CADC_SAMP" listen --tap http://127.0.0.1:9/tap --no-cutouts
wait_file "$SAMP_LOCK" 20
perms=$(stat -c %a "$SAMP_LOCK" 2>/dev/null)
check "--hub=auto starts a hub: lockfile $SAMP_LOCK mode $perms" \
  eval '[ "$perms" = 600 ] && grep -q "^samp.profile.version=1.3" "$SAMP_LOCK"'

listed () { "$CADC_SAMP" status --json 2>/dev/null | grep -q '"name": "cadc-samp"'; }
check "cadc-samp is registered with its own hub (status --json)" wait_until 20 listed

if have_astropy; then
  DIAG_FILES=("$T/peer.log")
  timeout 60 "$PY" - >"$T/peer.log" 2>&1 <<'PYEOF'
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
  ok $? "an astropy peer pings cadc-samp and gets samp.error for ra=abc through the in-process hub"
else
  skip "python3-astropy not installed"
fi

if have_jsamp; then
  DIAG_FILES=("$T/hubtester.log")
  timeout 120 java -classpath /usr/share/java/jsamp.jar org.astrogrid.samp.JSamp hubtester \
    >"$T/hubtester.log" 2>&1
  ok $? "jsamp hubtester passes against listen's in-process hub"
else
  skip "jsamp not installed"
fi

DIAG_FILES=("$LOGS/listen.log")
kill -TERM "$(pid_of listen)"
wait_exit listen 10
check "SIGTERM: listen exits 0 (rc $EXIT_RC)" test "$EXIT_RC" = 0
check "SIGTERM: the in-process hub removed its lockfile" test ! -e "$SAMP_LOCK"
