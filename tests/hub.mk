# hub tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-hub test-hub-load
TESTS += test-hub test-hub-load test-hub-astropy.sh test-hub-jsamp.sh test-hub-peers.sh
dist_check_SCRIPTS += test-hub-astropy.sh test-hub-jsamp.sh test-hub-peers.sh
# test-hub-hostile.sh: hostile XML-RPC/HTTP against cadc-samp hub and listen (issue 10).
TESTS += test-hub-hostile.sh
dist_check_SCRIPTS += test-hub-hostile.sh
