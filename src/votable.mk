# votable part of src/ (sources appended to libcadc_la_SOURCES or cadc_samp_SOURCES)
libcadc_la_SOURCES += vo-error.c vo-error.h \
	vo-votable.c vo-votable.h vo-votable-private.h \
	vo-votable-field.c vo-votable-load.c \
	vo-votable-writer.c vo-votable-writer.h \
	cs-fits.c cs-fits.h
