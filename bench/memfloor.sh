# memfloor.sh: sourced by bench-*.sh.  The memory floor that the libraries
# alone impose, so that our RSS can be read against it:
#   memfloor_build BIN DIR   builds DIR/floor: `int main(){pause();}` linked
#                            (--no-as-needed) with exactly the DT_NEEDED
#                            libraries of BIN, in the same order
#   memfloor_rss DIR         runs it for 0.5 s and prints "RSS ANON FILE" (KiB)
#   rss_of PID               prints "RSS ANON FILE HWM" (KiB) of a process
# Not named bench-*.sh, so `make bench` does not run it on its own.

memfloor_build () {
  local bin=$1 dir=$2 libs
  libs=$(readelf -d "$bin" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/-l:\1/p' | tr '\n' ' ')
  [ -n "$libs" ] || return 1
  printf '#include <unistd.h>\nint main (void) { pause (); return 0; }\n' >"$dir/floor.c"
  # shellcheck disable=SC2086
  ${CC:-cc} -O2 -o "$dir/floor" "$dir/floor.c" -Wl,--no-as-needed $libs 2>"$dir/floor.err"
}

rss_of () {
  awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} /^VmHWM/ {h=$2}
       END {print r+0, a+0, f+0, h+0}' "/proc/$1/status" 2>/dev/null
}

memfloor_rss () {
  local dir=$1 pid out
  [ -x "$dir/floor" ] || return 1
  "$dir/floor" &
  pid=$!
  sleep 0.5
  out=$(rss_of "$pid")
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  echo "$out" | cut -d' ' -f1-3
}

mib () { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
