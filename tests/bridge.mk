# bridge tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-bridge-units test-bridge-footprint
TESTS += test-bridge-units test-bridge-footprint test-bridge-listen.sh test-bridge-ds9.sh test-listen-hub.sh \
	test-listen-registry.sh test-listen-restart.sh test-bridge-ds9-view.sh
dist_check_SCRIPTS += test-bridge-listen.sh test-bridge-ds9.sh test-listen-hub.sh \
	test-listen-registry.sh test-listen-restart.sh test-bridge-ds9-view.sh
# screenshots of ds9 taken by test-bridge-ds9-view.sh
CLEANFILES += screenshots/*.png
