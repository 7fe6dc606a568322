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

dnl CS_OPTION_DEBUG: --enable-debug turns on assertions, sanitizers and -Werror.
AC_DEFUN([CS_OPTION_DEBUG], [
  AC_ARG_ENABLE([debug],
    [AS_HELP_STRING([--enable-debug], [build with -O0 -g, AddressSanitizer and -Werror])],
    [], [enable_debug=no])
  AS_IF([test "x$enable_debug" = xyes],
    [CS_WARN_CFLAGS="$CS_WARN_CFLAGS -Werror -O0 -g -fsanitize=address,undefined -fno-omit-frame-pointer"
     LDFLAGS="$LDFLAGS -fsanitize=address,undefined"])
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors (CI)])],
    [], [enable_werror=no])
  AS_IF([test "x$enable_werror" = xyes], [CS_WARN_CFLAGS="$CS_WARN_CFLAGS -Werror"])
])
