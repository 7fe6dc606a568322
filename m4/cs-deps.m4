dnl CS_CHECK_DEPS: every foreign library, found the way its Debian package
dnl publishes it, with the package name in the error message.
AC_DEFUN([CS_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$2 not found: on Debian, apt-get install $3])])
])

AC_DEFUN([CS_CHECK_DEPS], [
  PKG_PROG_PKG_CONFIG
  CS_PKG([GLIB], [glib-2.0 >= 2.66 gobject-2.0 gio-2.0 gio-unix-2.0], [libglib2.0-dev])
  CS_PKG([CURL], [libcurl >= 7.74], [libcurl4-openssl-dev])
  CS_PKG([XML], [libxml-2.0 >= 2.9], [libxml2-dev])
  CS_PKG([CFITSIO], [cfitsio], [libcfitsio-dev])
  CS_CHECK_XMLRPC
])

dnl xmlrpc-c ships xmlrpc-c-config rather than a .pc file on Debian 12.
dnl We use only its value model, serializer and parser (no transports).
AC_DEFUN([CS_CHECK_XMLRPC], [
  AC_ARG_VAR([XMLRPC_C_CONFIG], [path to xmlrpc-c-config])
  AC_PATH_PROG([XMLRPC_C_CONFIG], [xmlrpc-c-config], [no])
  AS_IF([test "x$XMLRPC_C_CONFIG" = xno],
    [AC_MSG_ERROR([xmlrpc-c-config not found: on Debian, apt-get install libxmlrpc-core-c3-dev])])
  XMLRPC_CFLAGS=`$XMLRPC_C_CONFIG --cflags`
  XMLRPC_LIBS=`$XMLRPC_C_CONFIG --libs`
  cs_save_CFLAGS=$CFLAGS; cs_save_LIBS=$LIBS
  CFLAGS="$CFLAGS $XMLRPC_CFLAGS"; LIBS="$LIBS $XMLRPC_LIBS"
  AC_MSG_CHECKING([whether xmlrpc-c links])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <xmlrpc-c/base.h>]],
      [[xmlrpc_env e; xmlrpc_env_init(&e); xmlrpc_env_clean(&e);]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no]); AC_MSG_ERROR([xmlrpc-c does not link: apt-get install libxmlrpc-core-c3-dev])])
  CFLAGS=$cs_save_CFLAGS; LIBS=$cs_save_LIBS
  AC_SUBST([XMLRPC_CFLAGS])
  AC_SUBST([XMLRPC_LIBS])
])
