# bridge tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
