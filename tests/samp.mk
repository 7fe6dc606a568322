# samp tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-samp-unit
TESTS += test-samp-unit
