# hub part of src/: cadc-samp hub (cmd-hub.c)
cadc_samp_SOURCES += cmd-hub.c
