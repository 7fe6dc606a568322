# bridge part of src/ (sources appended to libcadc_la_SOURCES or cadc_samp_SOURCES)
# The bridge joins libsamp and libcadc, so it lives in the executable.
cadc_samp_SOURCES += cmd-listen.c cs-bridge.c cs-bridge.h cs-bridge-private.h \
	cs-bridge-viewers.c cs-bridge-viewers.h cs-bridge-viewers-private.h cs-bridge-ds9.c \
	cs-bridge-handlers.c cs-bridge-query.c cs-bridge-query.h \
	cs-bridge-datalink.c cs-bridge-datalink.h
# Pure helpers (no SAMP) go into libcadc so tests can link them.
libcadc_la_SOURCES += cs-bridge-config.c cs-bridge-config.h cs-bridge-cache.c \
	cs-bridge-cache.h cs-bridge-table.c cs-bridge-table.h \
	cs-bridge-sky.c cs-bridge-sky.h cs-bridge-footprint.c cs-bridge-footprint.h
dist_pkgdata_DATA += ds9-cadc.ds9
