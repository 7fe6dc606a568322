# hub tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-hub
TESTS += test-hub test-hub-astropy.sh test-hub-jsamp.sh test-hub-peers.sh
dist_check_SCRIPTS += test-hub-astropy.sh test-hub-jsamp.sh test-hub-peers.sh
