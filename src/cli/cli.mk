# src/cli: the cadc-samp executable: main.c and one file per command
# group.  Sees every layer.  Log domain "cadc-samp".  Included by
# src/Makefile.am so that the program is built as src/cadc-samp.
bin_PROGRAMS = cadc-samp
cadc_samp_CPPFLAGS = -I$(top_builddir) -I$(srcdir)/cli -I$(srcdir)/bridge \
	-I$(srcdir)/cadc -I$(srcdir)/vo -I$(top_srcdir)/samp \
	-DG_LOG_DOMAIN=\"cadc-samp\" -DG_LOG_USE_STRUCTURED=1 \
	-DCS_DATADIR=\"$(pkgdatadir)\"
cadc_samp_CFLAGS = $(CS_STD_CFLAGS) $(CS_WARN_CFLAGS) $(GLIB_CFLAGS) $(CURL_CFLAGS) \
	$(XML_CFLAGS) $(CFITSIO_CFLAGS) $(XMLRPC_CFLAGS)
cadc_samp_LDADD = bridge/libbridge.la cadc/libcadc.la vo/libvo.la \
	$(top_builddir)/samp/libsamp.la \
	$(GLIB_LIBS) $(CURL_LIBS) $(XML_LIBS) $(CFITSIO_LIBS) $(XMLRPC_LIBS) -lm
cadc_samp_SOURCES = cli/main.c cli/commands.h cli/cli-exit.c cli/cli-exit.h \
	cli/cli-options.c cli/cli-options.h cli/cli-hub-web.c cli/cli-hub-web.h \
	cli/cmd-archive.c cli/cmd-archive-private.h cli/cmd-meta.c cli/cmd-query.c \
	cli/cmd-data.c cli/cmd-login.c \
	cli/cmd-listen.c cli/cmd-send.c cli/cmd-status.c cli/cmd-hub.c

# bash completion (m4/cs-completion.m4 says where), installed as `cadc-samp`
# (bash-completion loads it by the command's name); in EXTRA_DIST and
# CLEANFILES of ../Makefile.am
bashcompletion_DATA = cli/cadc-samp
cli/cadc-samp: cli/cadc-samp.bash
	$(AM_V_GEN)$(MKDIR_P) cli && cp $(srcdir)/cli/cadc-samp.bash $@
