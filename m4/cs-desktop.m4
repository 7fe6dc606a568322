dnl cs-desktop.m4: where `make install` puts the desktop integration of
dnl `cadc-samp listen` (data/): the systemd user unit and the XDG
dnl autostart entry.
dnl
dnl --with-systemduserunitdir=DIR|no: default systemd.pc's
dnl systemduserunitdir with its ${prefix} replaced by ours (so
dnl /usr/lib/systemd/user for --prefix=/usr, /usr/local/lib/systemd/user
dnl for the default prefix, both on systemd's search path), else
dnl ${prefix}/lib/systemd/user when systemd.pc is missing; `no` installs none.
dnl --with-autostartdir=DIR|no: default ${sysconfdir}/xdg/autostart (the
dnl XDG autostart spec's system-wide directory; Debian configures with
dnl --sysconfdir=/etc).
AC_DEFUN([CS_DESKTOP_DIRS], [
  AC_ARG_WITH([systemduserunitdir],
    [AS_HELP_STRING([--with-systemduserunitdir=DIR],
      [install the systemd user unit into DIR, or not with =no (default: systemd.pc's systemduserunitdir under our prefix)])],
    [], [with_systemduserunitdir=auto])
  AS_IF([test "x$with_systemduserunitdir" = xauto], [
    cs_unitdir=
    AS_IF([test -n "$PKG_CONFIG"],
      [cs_unitdir=`$PKG_CONFIG --define-variable=prefix='${prefix}' --variable=systemduserunitdir systemd 2>/dev/null`])
    AS_IF([test -z "$cs_unitdir"], [cs_unitdir='${prefix}/lib/systemd/user'])
    with_systemduserunitdir=$cs_unitdir
  ])
  AS_IF([test "x$with_systemduserunitdir" = xno], [with_systemduserunitdir=])
  AC_SUBST([systemduserunitdir], [$with_systemduserunitdir])
  AM_CONDITIONAL([CS_SYSTEMD_UNIT], [test -n "$with_systemduserunitdir"])

  AC_ARG_WITH([autostartdir],
    [AS_HELP_STRING([--with-autostartdir=DIR],
      [install the XDG autostart entry of listen into DIR, or not with =no (default: SYSCONFDIR/xdg/autostart)])],
    [], [with_autostartdir='${sysconfdir}/xdg/autostart'])
  AS_IF([test "x$with_autostartdir" = xno], [with_autostartdir=])
  AC_SUBST([autostartdir], [$with_autostartdir])
  AM_CONDITIONAL([CS_AUTOSTART], [test -n "$with_autostartdir"])
])
