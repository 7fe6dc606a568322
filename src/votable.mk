# votable part of src/ (sources appended to libcadc_la_SOURCES or cadc_samp_SOURCES)
libcadc_la_SOURCES += vo-error.c vo-error.h
