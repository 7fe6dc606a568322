# samp tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
# test-samp-unit: pure code.  test-samp-jsamp / test-samp-astropy: the same
# integration source run against each real hub (harness/samp/hub.sh).
check_PROGRAMS += test-samp-unit test-samp-http test-samp-jsamp test-samp-astropy
test_samp_jsamp_SOURCES = test-samp-hubs.c
test_samp_jsamp_CFLAGS = $(AM_CFLAGS) -DHUB_KIND=\"jsamp\"
test_samp_astropy_SOURCES = test-samp-hubs.c
test_samp_astropy_CFLAGS = $(AM_CFLAGS) -DHUB_KIND=\"astropy\"
TESTS += test-samp-unit test-samp-http test-samp-jsamp test-samp-astropy
dist_check_SCRIPTS += test-samp-cli.sh
TESTS += test-samp-cli.sh
dist_check_SCRIPTS += test-samp-desktop.sh
TESTS += test-samp-desktop.sh
# test-samp-hostile: XML-RPC documents an attacker sends (issue 10).
check_PROGRAMS += test-samp-hostile
TESTS += test-samp-hostile
