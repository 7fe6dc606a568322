#!/bin/bash
# test-cli-options.sh: the one command-line parser every command shares
# (src/cli/cli-options.c), as a user meets it: each command's --help lists
# its usage, its own options and the global ones; the global options act
# the same before or after the command; "-30" and "-" are positionals,
# "--" ends the options, "-oFILE" and "--opt=value" are read; usage errors
# say what is wrong and end with 2.  The archive is tests/http-test-server.py
# (/hostile answers any query with a one-row table) or a dead port.
. "$(dirname "$0")/lib.sh"
setup_tmp; cd "$T" || bail "no temp dir"
start_http_server || bail "http-test-server.py did not start"
S=$HTTP_URL
DEAD="http://127.0.0.1:$(free_port)/tap"

# command | the options its --help lists (besides the global ones)
HELP=$(cat <<'END'
listen|-r, --radius|-c, --collection|--cutouts|--no-cutouts|--max-cutouts|--max-rows|--no-pointat|--no-table|--no-image|--no-highlight|--no-footprints|--viewer-frames|--cache-max-mb|--hub|--once|--image|--config
hub|--lockfile|--delivery-timeout|--print-url
status|--json
send|--to|--call|--timeout|--name|--id
collections
region|--radius|--collection|--type
name
query|--maxrec|--upload|--async
job|--wait|--result|--abort|--delete
jobs|--phase|--last|--after
tables|--names
table
data-urls|--aux
cutout-urls
cutouts|--collection|--dir|--parallel|--urls-only
login|--user|--cert|--login-url|--insecure
logout
whoami
END
)
GLOBAL="--registry|--tap|--datalink|-o, --output|--format|-v, --verbose|-q, --quiet"

# arguments | what stderr says (after "cadc-samp: ") -- each must end with 2
USAGE=$(cat <<'END'
query --bogus x|query: unknown option --bogus (see --help)
table -x|table: unknown option -x (see --help)
send point 1 2 --bogus|send: unknown option --bogus (see --help)
status --bogus|status: unknown option --bogus (see --help)
listen -x|listen: unknown option -x (see --help)
hub --bogus|hub: unknown option --bogus (see --help)
region 1 2 --radius|region: option --radius needs a value
region 1 2 -o|region: option -o needs a value
cutouts 1 2 3 --parallel many|cutouts: Cannot parse integer value “many” for --parallel
hub x|hub: takes no arguments, not 'x' (see --help)
name|name: give exactly one TARGET (see --help)
END
)

plan $(( $(grep -c . <<<"$HELP") + $(grep -c . <<<"$USAGE") + 6 ))
DIAG_FILES=("$T/err" "$T/out")
# cs ARGS: cadc-samp ARGS, stdout in $T/out, stderr in $T/err
cs () { timeout 60 "$CADC_SAMP" "$@" </dev/null >"$T/out" 2>"$T/err"; }

while IFS='|' read -r cmd opts; do
  cs "$cmd" --help; rc=$?
  missing=
  IFS='|' read -ra want <<<"$opts|$GLOBAL"
  for o in "${want[@]}"; do
    [ -n "$o" ] && ! grep -Eq -- "^  $o( |\$)" "$T/out" && missing="$missing [$o]"
  done
  why="rc $rc, not listed:$missing" check "$cmd --help: its usage, its options and the global options" \
    eval '[ $rc = 0 ] && head -1 "$T/out" | grep -q "^Usage: cadc-samp $cmd" && grep -q "^Global options (before or after the command):" "$T/out" && [ -z "$missing" ]'
done <<<"$HELP"

cs --tap "$S/hostile" --format csv -o before.csv query "select table"
cs query "select table" --tap "$S/hostile" --format=csv -oafter.csv
check "global options after the command (--tap, --format=csv, -oFILE) act as before it" \
  eval 'grep -q "^col" before.csv && grep -q "^val" before.csv && cmp -s before.csv after.csv'

cs query "select 1" --tap "$DEAD" -vv; rc=$?
why="rc $rc" check "-vv after the command: the ADQL is traced, the dead service gives 4" \
  eval '[ $rc = 4 ] && grep -q "^cadc-samp: ADQL: select 1\$" "$T/err"'

cs region 12 -30 --tap "$DEAD" -vv; rc=$?
why="rc $rc" check "region 12 -30: -30 is the Dec (the query is for Dec about -30), not an option" \
  eval '[ $rc = 4 ] && grep -Eq "^cadc-samp: ADQL: .*, -(29\\.9|30\\.0)" "$T/err"'

cs --tap "$DEAD" -vv query -- --maxrec; rc=$?
why="rc $rc" check "-- ends the options: query -- --maxrec sends the ADQL '--maxrec'" \
  eval '[ $rc = 4 ] && grep -q "^cadc-samp: ADQL: --maxrec\$" "$T/err"'

cs --tap "$DEAD" data-urls -; rc=$?
why="rc $rc" check "a lone - is a positional (data-urls reads the result from stdin: empty, 4)" \
  eval '[ $rc = 4 ] && ! grep -q "option" "$T/err"'

cs send point 10 -30.5 --call; rc=$?
why="rc $rc" check "send point 10 -30.5 --call: parsed, then no hub (3)" test "$rc" = 3

while IFS='|' read -r args msg; do
  # shellcheck disable=SC2086
  cs --tap "$DEAD" $args; rc=$?
  why="rc $rc" check "usage error, exit 2: $args" \
    eval '[ $rc = 2 ] && [ "$(cat "$T/err")" = "cadc-samp: $msg" ]'
done <<<"$USAGE"
