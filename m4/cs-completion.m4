dnl cs-completion.m4: where `make install` puts the bash completion
dnl (src/cli/cadc-samp.bash): --with-bash-completion-dir=DIR, else
dnl bash-completion's completionsdir (pkg-config) when it lies under our
dnl prefix, else $(datadir)/bash-completion/completions.
AC_DEFUN([CS_BASH_COMPLETION], [
  AC_ARG_WITH([bash-completion-dir],
    [AS_HELP_STRING([--with-bash-completion-dir=DIR],
      [install the bash completion into DIR (default: bash-completion's completionsdir, else DATADIR/bash-completion/completions)])],
    [], [with_bash_completion_dir=auto])
  AS_IF([test "x$with_bash_completion_dir" = xauto], [
    PKG_CHECK_VAR([cs_bash_completionsdir], [bash-completion], [completionsdir], [], [])
    cs_prefix=$prefix
    test "x$cs_prefix" = xNONE && cs_prefix=$ac_default_prefix
    AS_CASE(["$cs_bash_completionsdir"],
      ["$cs_prefix"/*], [with_bash_completion_dir=$cs_bash_completionsdir],
      [with_bash_completion_dir='${datadir}/bash-completion/completions'])
  ])
  AC_SUBST([bashcompletiondir], [$with_bash_completion_dir])
])
