# archive part of src/ (sources appended to libcadc_la_SOURCES or cadc_samp_SOURCES)
libcadc_la_SOURCES += vo-http.c vo-http.h vo-text.c vo-text.h vo-limits.h cs-cleanup.c cs-cleanup.h
libcadc_la_SOURCES += vo-coords.c vo-coords.h vo-region.c vo-region.h vo-adql.c vo-adql.h vo-xmlutil.c vo-xmlutil.h vo-caps.c vo-caps.h vo-uws.c vo-uws.h
libcadc_la_SOURCES += vo-vosi.c vo-vosi.h
libcadc_la_SOURCES += vo-datalink.c vo-datalink.h vo-soda.c vo-soda.h
libcadc_la_SOURCES += cadc-auth.c cadc-auth.h cadc-client.c cadc-client.h cadc-client-private.h
libcadc_la_SOURCES += cadc-client-tap.c cadc-client-uws.c cadc-client-data.c
libcadc_la_SOURCES += cadc-config.c cadc-config.h cs-limits.c cs-limits.h
cadc_samp_SOURCES += cmd-archive.c cmd-archive-private.h cmd-meta.c cmd-query.c cmd-data.c cmd-login.c
