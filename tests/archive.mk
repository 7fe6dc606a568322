# archive tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-http
TESTS += test-http
EXTRA_DIST += http-test-server.py
check_PROGRAMS += test-coords test-adql test-caps test-uws
TESTS += test-coords test-adql test-caps test-uws
check_PROGRAMS += test-vosi
TESTS += test-vosi
check_PROGRAMS += test-datalink test-soda
TESTS += test-datalink test-soda
TESTS += test-archive-dachs.sh
dist_check_SCRIPTS += test-archive-dachs.sh
check_PROGRAMS += test-auth
TESTS += test-auth
TESTS += test-archive-login.sh
dist_check_SCRIPTS += test-archive-login.sh
