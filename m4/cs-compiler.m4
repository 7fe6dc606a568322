dnl CS_CHECK_C11: insist on a C11 compiler (we use _Static_assert and
dnl GCC/clang cleanup attributes through g_autoptr).
AC_DEFUN([CS_CHECK_C11], [
  AC_REQUIRE([AC_PROG_CC])
  AC_MSG_CHECKING([whether $CC accepts -std=c11])
  cs_save_CFLAGS=$CFLAGS
  CFLAGS="$CFLAGS -std=c11"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[_Static_assert(1, "c11");]], [[]])],
    [AC_MSG_RESULT([yes]); CS_STD_CFLAGS="-std=c11"],
    [AC_MSG_RESULT([no]); AC_MSG_ERROR([a C11 compiler is required (Debian: apt-get install build-essential)])])
  CFLAGS=$cs_save_CFLAGS
  AC_SUBST([CS_STD_CFLAGS])
])

dnl CS_COMPILER_WARNINGS: -Wall -Wextra and a few more that catch real bugs.
AC_DEFUN([CS_COMPILER_WARNINGS], [
  CS_WARN_CFLAGS="-Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers"
  AC_SUBST([CS_WARN_CFLAGS])
])

dnl CS_OPTION_DEBUG: --enable-debug turns on -O0 -g, the sanitizers and -Werror.
dnl --enable-sanitizers alone builds everything (libraries, cadc-samp, the
dnl tests) with AddressSanitizer (LeakSanitizer included) and
dnl UndefinedBehaviorSanitizer (plus float-cast-overflow, which GCC leaves
dnl out of "undefined": a double out of an integer's range is UB in C);
dnl every report stops the process with an error status
dnl (-fno-sanitize-recover=all).  tests/Makefile.am sets the runtime
dnl options for `make check` under the SANITIZERS conditional.
AC_DEFUN([CS_OPTION_DEBUG], [
  AC_ARG_ENABLE([debug],
    [AS_HELP_STRING([--enable-debug], [build with -O0 -g, the sanitizers and -Werror])],
    [], [enable_debug=no])
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers],
      [build with AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer; make check runs under them])],
    [], [enable_sanitizers=$enable_debug])
  AS_IF([test "x$enable_debug" = xyes],
    [CS_WARN_CFLAGS="$CS_WARN_CFLAGS -Werror -O0 -g"])
  AS_IF([test "x$enable_sanitizers" = xyes], [
    CS_SAN_FLAGS="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer"
    cs_save_CFLAGS=$CFLAGS; cs_save_LDFLAGS=$LDFLAGS
    CFLAGS="$CFLAGS $CS_SAN_FLAGS"; LDFLAGS="$LDFLAGS $CS_SAN_FLAGS"
    AC_MSG_CHECKING([whether $CC links with $CS_SAN_FLAGS])
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[]], [[]])],
      [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       AC_MSG_ERROR([--enable-sanitizers: $CC cannot link with $CS_SAN_FLAGS (Debian: apt-get install gcc, which brings libasan and libubsan)])])
    CFLAGS=$cs_save_CFLAGS
    CS_WARN_CFLAGS="$CS_WARN_CFLAGS -g $CS_SAN_FLAGS"])
  AM_CONDITIONAL([SANITIZERS], [test "x$enable_sanitizers" = xyes])
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors (CI)])],
    [], [enable_werror=no])
  AS_IF([test "x$enable_werror" = xyes], [CS_WARN_CFLAGS="$CS_WARN_CFLAGS -Werror"])
])
