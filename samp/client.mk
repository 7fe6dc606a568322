# SAMP client: lockfile, values, XML-RPC codec, HTTP transport, SampClient.
libsamp_la_SOURCES += samp-error.c samp-error.h samp-value.c samp-value.h \
	samp-mtype.c samp-mtype.h samp-xmlrpc.c samp-xmlrpc.h samp-xmlguard.c samp-xmlguard.h \
	samp-xmlrpc-fast.c samp-xmlrpc-fast.h \
	samp-http.c samp-http.h samp-lockfile.c samp-lockfile.h
libsamp_la_SOURCES += samp-client.c samp-client.h samp-client-private.h samp-client-messaging.c \
	samp-client-watch.c
