# bridge tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-bridge-units test-bridge-sky test-bridge-footprint
TESTS += test-bridge-units test-bridge-sky test-bridge-footprint test-bridge-listen.sh test-bridge-ds9.sh \
	test-listen-hub.sh test-listen-registry.sh test-listen-restart.sh test-bridge-tables.sh \
	test-bridge-ds9-view.sh test-listen-offline.sh test-listen-archives.sh \
	test-bridge-obscore-viewers.sh test-listen-peer-limits.sh
dist_check_SCRIPTS += test-bridge-listen.sh test-bridge-ds9.sh test-listen-hub.sh \
	test-listen-registry.sh test-listen-restart.sh test-bridge-tables.sh test-bridge-ds9-view.sh \
	test-listen-offline.sh test-listen-archives.sh test-bridge-obscore-viewers.sh \
	test-listen-peer-limits.sh
# screenshots of the real-peer runs (test-bridge-tables.sh: Aladin/TOPCAT,
# test-bridge-ds9-view.sh: ds9) are kept here for a reviewer
CLEAN_LOCAL_DIRS += screenshots
