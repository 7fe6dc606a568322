# votable part of src/ (sources appended to libcadc_la_SOURCES or cadc_samp_SOURCES)
