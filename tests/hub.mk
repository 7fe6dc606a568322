# hub tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-hub test-hub-load
TESTS += test-hub test-hub-load test-hub-astropy.sh test-hub-jsamp.sh test-hub-peers.sh
dist_check_SCRIPTS += test-hub-astropy.sh test-hub-jsamp.sh test-hub-peers.sh
# test-hub-hostile.sh: hostile XML-RPC/HTTP against cadc-samp hub and listen (issue 10).
TESTS += test-hub-hostile.sh
dist_check_SCRIPTS += test-hub-hostile.sh
# test-hub-web.sh: the SAMP Web Profile of the hub (issue 14); binds 21012 under cs_hold_web_port.
TESTS += test-hub-web.sh
dist_check_SCRIPTS += test-hub-web.sh
# test-hub-burst.sh: a burst of connections is queued (listen backlog 128), every one answered.
TESTS += test-hub-burst.sh
dist_check_SCRIPTS += test-hub-burst.sh
