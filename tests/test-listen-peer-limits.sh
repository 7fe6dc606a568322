#!/bin/bash
# test-listen-peer-limits.sh: a SAMP peer cannot make `cadc-samp listen` read
# or store a file past [limits] max-peer-file (doc/CONFIG.md), by http or
# from disk: the call gets samp.error naming the limit, nothing is left in
# the cache, and a file under the limit is still served (real JSAMP hub,
# astropy peer, local DaCHS; the peer's files come from a plain
# `python3 -m http.server`).
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
start_dachs
plan 6
mkdir -p "$XDG_CONFIG_HOME/cadc-samp" "$T/www"
cat >"$XDG_CONFIG_HOME/cadc-samp/config" <<CONF
[limits]
max-peer-file = 4K
CONF
# a VOTable of positions: $1 rows of the astroquery test_misc field
vot () {
  echo '<?xml version="1.0"?>'
  echo '<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE name="mine">'
  echo '<FIELD name="alpha" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>'
  echo '<FIELD name="delta" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>'
  echo '<DATA><TABLEDATA>'
  for i in $(seq 1 "$1"); do echo "<TR><TD>131.2812</TD><TD>54.3</TD></TR>"; done
  echo '</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>'
}
vot 3 >"$T/www/small.xml"      # ~0.4 KiB
vot 400 >"$T/www/big.xml"      # ~16 KiB
WWW=$(free_port)
spawn www "$PY" -m http.server --bind 127.0.0.1 --directory "$T/www" "$WWW"
wait_until 20 curl -sf -o /dev/null "http://127.0.0.1:$WWW/small.xml" || bail "http.server did not start"
start_hub jsamp || bail "JSAMP hub did not start"
REC=$T/rec.jsonl
start_recorder recorder "$REC" || bail "the recorder did not register"
DIAG_FILES=("$LOGS/listen.log")
start_listen listen --hub=never --tap "$DACHS_URL/tap" --radius 0.3deg --collection CFHT --no-cutouts \
  || bail "listen did not register"
CACHE=$(sed -n 's/.*results in \([^ ]*\)$/\1/p' "$LOGS/listen.log" | head -1)
status () { json 'd.get("samp.status")'; }
errortxt () { json 'd.get("samp.error", {}).get("samp.errortxt", "")'; }

# 1. a 16 KiB table by http: samp.error naming the limit
R=$(peer send table.load.votable url=http://127.0.0.1:$WWW/big.xml table-id=big name=big 2>&1)
why=$R check "a 16 KiB peer table by http with max-peer-file=4K -> samp.error naming the limit" \
  eval '[ "$(status <<<"$R")" = samp.error ] && errortxt <<<"$R" | grep -q "larger than the limit of 4.0 KiB"'

# 2. nothing of it stays in the cache
why=$(ls -la "$CACHE" 2>&1) check "no partial or whole copy of it is left in the cache" \
  eval '! ls "$CACHE" | grep -q "^peer"'

# 3. the same file from disk: refused before it is read
R=$(peer send table.load.votable url=file://$T/www/big.xml table-id=big2 name=big2)
why=$R check "the same table as a file: URL -> samp.error naming its size and the limit" \
  eval '[ "$(status <<<"$R")" = samp.error ] && errortxt <<<"$R" | grep -q "larger than the limit of 4.0 KiB (\[limits\] max-peer-file)"'

# 4. a table under the limit still gives its crossmatch
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$(peer send table.load.votable url=http://127.0.0.1:$WWW/small.xml table-id=small name=small)
wait_msgs "$REC" table.load.votable $((BEFORE + 1)) 90
XNAME=$(last_param "$REC" table.load.votable name)
why=$R check "a 0.4 KiB table by http -> samp.ok and the crossmatch table '$XNAME'" \
  eval '[ "$(status <<<"$R")" = samp.ok ] && [[ "$XNAME" == "CADC crossmatch of small "* ]]'

# 5. the log says why the big ones were refused
check "listen's log names the refusals" eval '[ "$(grep -c "larger than the limit" "$LOGS/listen.log")" -ge 2 ]'

# 6. listen is still there
R=$(peer send samp.app.ping)
why=$R check "listen still answers ping" test "$(status <<<"$R")" = samp.ok
