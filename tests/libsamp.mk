# libsamp as other programs see it (issue 15): test-libsamp-install.sh
# installs samp/ with DESTDIR into its temp dir, checks the shared
# library's exports against the installed headers and builds
# samp/examples/ through pkg-config against that layout; `make docs`
# documents every exported function.
dist_check_SCRIPTS += test-libsamp-install.sh
TESTS += test-libsamp-install.sh
AM_TESTS_ENVIRONMENT += \
	CS_MAKE="$(MAKE)" CS_TOP_BUILDDIR="$(abs_top_builddir)" CS_TOP_SRCDIR="$(abs_top_srcdir)" \
	CS_CC="$(CC)" CS_EXAMPLE_CFLAGS="$(CS_STD_CFLAGS) $(CS_WARN_CFLAGS)" PKG_CONFIG="$(PKG_CONFIG)" \
	CS_LIBDIR="$(libdir)" CS_INCLUDEDIR="$(includedir)" CS_HTMLDIR="$(htmldir)"; \
	export CS_MAKE CS_TOP_BUILDDIR CS_TOP_SRCDIR CS_CC CS_EXAMPLE_CFLAGS PKG_CONFIG \
	CS_LIBDIR CS_INCLUDEDIR CS_HTMLDIR;
