# bridge tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-bridge-units test-bridge-sky
TESTS += test-bridge-units test-bridge-sky test-bridge-listen.sh test-bridge-ds9.sh test-listen-hub.sh \
	test-listen-registry.sh test-listen-restart.sh test-bridge-tables.sh
dist_check_SCRIPTS += test-bridge-listen.sh test-bridge-ds9.sh test-listen-hub.sh \
	test-listen-registry.sh test-listen-restart.sh test-bridge-tables.sh
# test-bridge-tables.sh leaves its screenshot of Aladin/TOPCAT here
clean-local:
	rm -rf screenshots
