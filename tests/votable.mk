# votable tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-votable test-fits
TESTS += test-votable test-fits
