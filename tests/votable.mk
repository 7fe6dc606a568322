# votable tests: append to check_PROGRAMS, TESTS, dist_check_SCRIPTS
check_PROGRAMS += test-votable test-fits
TESTS += test-votable test-fits

# Helpers of bench/bench-votable.sh (built by make check, or on demand by
# the bench script); not tests.
check_PROGRAMS += bench-votable-gen bench-votable-parse bench-votable-sax
