# tests/desktop.mk: cadc-samp on a desktop and as a Debian package.
#   test-desktop-files.sh    data/: the systemd user unit and the autostart entry
#   test-listen-journal.sh   listen's log in a real journal (root: a mount namespace)
#   test-listen-service.sh   the unit under a real systemd user manager (root: namespaces)
#   test-debian-package.sh   debian/: build, install, use, purge the packages (root)
TESTS += test-desktop-files.sh test-listen-journal.sh test-listen-service.sh test-debian-package.sh
dist_check_SCRIPTS += test-desktop-files.sh test-listen-journal.sh test-listen-service.sh test-debian-package.sh
