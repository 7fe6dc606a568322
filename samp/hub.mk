# SAMP hub (issue 5).
libsamp_la_SOURCES += samp-hub.c samp-hub.h samp-hub-private.h samp-hub-net.c samp-hub-reader.c samp-hub-reader.h samp-hub-lockfile.c \
	samp-hub-web.c samp-hub-web-auth.c samp-hub-web-auth.h
