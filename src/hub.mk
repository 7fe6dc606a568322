# hub part of src/: cadc-samp hub (cmd-hub.c)
