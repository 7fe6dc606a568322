# cli-samp part of src/ (sources appended to libcadc_la_SOURCES or cadc_samp_SOURCES)
cadc_samp_SOURCES += cmd-status.c cmd-send.c
