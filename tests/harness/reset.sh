#!/bin/bash
# reset.sh: make this machine look new to the test suite, without touching
# what a new machine also has (the installed packages, DaCHS and its data).
#
#   tests/harness/reset.sh [-n]        (-n: only say what would be removed)
#
# 1. DaCHS (when installed and its database answers): every UWS job, of TAP
#    (tap_schema.tapjobs) and of SODA async (dc.datalinkjobs), is destroyed
#    through DaCHS's own worker systems (the row and its directory under
#    /var/gavo/state/uwsjobs), as `dachs admin cleantap --all` does for TAP;
#    job directories left without a row (older than 10 minutes, so a job
#    being created now is spared) and DaCHS's caches (/var/gavo/cache, and
#    /var/gavo/tmp entries older than 10 minutes) are removed.  DaCHS keeps
#    running and serves the same data: nothing is stopped or re-imported.
# 2. The temp dirs and files the tests, the harness and cadc-samp make under
#    ${TMPDIR:-/tmp} (each test's private HOME, SAMP lockfile, XPA and JVM
#    dirs live inside them), matched by the names they are made with.
#    Other files there are not touched; DaCHS's own run dir
#    (dachs-test-run: its pid file and logs) is kept.
# 3. A stale ~/.samp (its hub does not answer): a new machine has none.
#
# A test running meanwhile may fail (its temp dir or its DaCHS job is gone).
# `make check-fresh` runs this, then `make check`.
set -u
DRY=0
[ "${1:-}" = -n ] && DRY=1
TMP=${TMPDIR:-/tmp}
PY=/usr/bin/python3
say () { echo "reset: $*"; }
rm_ () { if [ $DRY = 1 ]; then say "would remove $*"; else rm -rf -- "$@"; fi; }

# --- 1. DaCHS ------------------------------------------------------------
if command -v dachs >/dev/null 2>&1 && "$PY" -c 'import gavo' 2>/dev/null; then
  timeout 300 "$PY" - "$DRY" <<'PYEOF' || say "DaCHS jobs: not cleaned (see above)"
import os, shutil, sys, time
from gavo import api, base
from gavo.protocols import dlasync, tap
dry = sys.argv[1] == "1"
known = set()
for worker in (tap.WORKER_SYSTEM, dlasync.DL_WORKER):
    td = worker.jobClass.jobsTD
    ids = [r["jobId"] for r in td.doSimpleQuery(["jobId"])]
    for job_id in ids:
        if dry:
            print("reset: would destroy %s job %s" % (td.getQName(), job_id))
            known.add(job_id)
            continue
        try:
            worker.destroy(job_id)
        except Exception as e:      # e.g. a job locked by a running query
            print("reset: %s job %s: %s" % (td.getQName(), job_id, e))
            known.add(job_id)
    print("reset: %s: %d job(s) %s" % (td.getQName(), len(ids), "found" if dry else "destroyed"))
jobs_dir = base.getConfig("uwsWD")
for name in os.listdir(jobs_dir):
    path = os.path.join(jobs_dir, name)
    if name in known or time.time() - os.path.getmtime(path) < 600:
        continue
    print("reset: %s job directory without a job: %s" % ("would remove" if dry else "removing", path))
    if not dry:
        shutil.rmtree(path, ignore_errors=True)
PYEOF
  GAVO_ROOT=$("$PY" -c 'from gavo import base; print(base.getConfig("rootDir"))' 2>/dev/null)
  if [ -n "$GAVO_ROOT" ]; then
    for d in "$GAVO_ROOT/cache"; do
      [ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -print0 | while IFS= read -r -d '' f; do rm_ "$f"; done
    done
    [ -d "$GAVO_ROOT/tmp" ] && find "$GAVO_ROOT/tmp" -mindepth 1 -maxdepth 1 -mmin +10 -print0 \
      | while IFS= read -r -d '' f; do rm_ "$f"; done
  fi
else
  say "DaCHS not installed: nothing to clean there"
fi

# --- 2. test, harness and cadc-samp temp dirs under $TMP ---------------------
# tests/lib.sh: cs-<test>.XXXXXX; GTest programs: <name>-XXXXXX; bench: bench-*;
# the shell harness before lib.sh: cs-samp.*, cs-bridge-test.*, test-*.XXXXXX;
# cadc-samp: gunzipped FITS and TAP upload temp files.
patterns=(
  'cs-test-*' 'cs-bench-*' 'cs-samp.*' 'cs-bridge-test.*' 'cs-samp-hubs-*'
  'test-hub-*' 'test-archive-*' 'test-samp-*' 'test-auth-*' 'test-cadc-config-*'
  'test-fits-*' 'test-http-*' 'test-votable-*' 'samp-unit-*'
  'bridge-cache-*' 'bridge-cfg-*' 'bridge-up-*'
  'bench-hub.*' 'bench-region.*' 'bench-votable.*'
  'cadc-samp-*.fits' 'cadc-samp-upload-*.xml'
)
n=0
for p in "${patterns[@]}"; do
  for f in "$TMP"/$p; do
    [ -e "$f" ] || continue
    rm_ "$f"; n=$((n + 1))
  done
done
say "$n test temp dir(s)/file(s) under $TMP $([ $DRY = 1 ] && echo found || echo removed)"

# --- 3. a stale ~/.samp --------------------------------------------------------
if [ -f "$HOME/.samp" ]; then
  url=$(sed -n 's/^samp.hub.xmlrpc.url=//p' "$HOME/.samp")
  if [ -z "$url" ] || ! curl -s -m 5 -o /dev/null "$url"; then
    say "stale $HOME/.samp (hub ${url:-unknown} does not answer)"; rm_ "$HOME/.samp"
  fi
fi
exit 0
