# bash completion for cadc-samp (installed by `make install` into
# bash-completion's completionsdir).  Everything comes from the program
# itself, so it never goes stale: the commands, archive names (from the
# config file) and formats from the hidden `cadc-samp --complete WHAT`, the
# options of a command (and the global ones) from its --help, which is
# made from the same GOptionEntry tables the parser uses.

# _cadc_samp_help PROG [CMD]: "OPTION VALUED" lines (VALUED: 1 when the
# option takes a value) from PROG [CMD] --help
_cadc_samp_help () {
  "$1" ${2:+"$2"} --help 2>/dev/null \
    | sed -n -E 's/^  (-[A-Za-z0-9], )?(--[A-Za-z0-9-]+)( [^ ]+)?( .*)?$/\1\2 \3/p' \
    | while read -r a b c; do
        # "-o, --output FILE" / "--radius R" / "--verbose"
        if [ "${a%,}" != "$a" ]; then
          v=0; [ -n "$c" ] && v=1
          echo "${a%,} $v"; echo "$b $v"
        else
          v=0; [ -n "$b" ] && v=1
          echo "$a $v"
        fi
      done
}

_cadc_samp () {
  local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w
  local help valued words
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  # the global options' table, for the words before the command
  help=$(_cadc_samp_help "$prog")
  valued=" $(awk '$2 == 1 { print $1 }' <<<"$help" | tr '\n' ' ')"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case "$w" in
      -*) [[ "$valued" == *" $w "* ]] && ((i++)) ;;
      *) cmd=$w; break ;;
    esac
  done
  if [ -n "$cmd" ]; then
    help=$(_cadc_samp_help "$prog" "$cmd")
    valued=" $(awk '$2 == 1 { print $1 }' <<<"$help" | tr '\n' ' ')"
  fi
  case "$prev" in
    --format) words=$("$prog" --complete formats 2>/dev/null) ;;
    --archive) words=$("$prog" --complete archives 2>/dev/null) ;;
    --model) words="caom2 obscore" ;;
    --web-auth) words="ask origins accept" ;;
    *)
      if [[ "$prev" == -* && "$valued" == *" $prev "* ]]; then
        return 0    # a value: files (complete -o default) or free text
      elif [[ "$cur" == -* ]]; then
        words=$(awk '{ print $1 }' <<<"$help")
      elif [ -z "$cmd" ]; then
        words=$("$prog" --complete commands 2>/dev/null)
      else
        return 0    # a command's arguments: files (complete -o default)
      fi ;;
  esac
  local IFS=$'\n'
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _cadc_samp cadc-samp
