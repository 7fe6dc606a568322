/* test-util.h: what several GTest programs need, written once.
 *
 * - the local HTTP stand-in server (tests/http-test-server.py): started on
 *   127.0.0.1 port 0, stopped by closing its stdin, so it never outlives
 *   the test program;
 * - test data files (tests/data/), found through G_TEST_DIST; removing a
 *   test's temp dir with whatever a test left in it;
 * - waiting for a condition with a bound, while the thread-default main
 *   context runs (callbacks keep arriving meanwhile).
 *
 * Failures to set up are test failures (g_assert), not GErrors: a test
 * cannot go on without its server or its data.
 */
#pragma once

#include <gio/gio.h>

typedef struct CsTestServer CsTestServer;

/* Starts http-test-server.py (with $PYTHON3, else python3).  Never NULL. */
CsTestServer *cs_test_server_start (void);
/* The same on 127.0.0.1:@port (a server that appears where a client was
 * already pointed). */
CsTestServer *cs_test_server_start_on (guint port);
/* Closes the server's stdin and reaps it; frees @srv.  NULL is fine. */
void cs_test_server_stop (CsTestServer *srv);
/* "http://127.0.0.1:PORT" */
const char *cs_test_server_base (const CsTestServer *srv);
/* base + @path, newly allocated */
char *cs_test_server_url (const CsTestServer *srv, const char *path);

/* http://127.0.0.1:PORT@path on a port that was free a moment ago
 * (connections are refused). */
char *cs_test_dead_url (const char *path);
/* A 127.0.0.1 port that was free a moment ago. */
guint cs_test_free_port (void);

/* tests/data/@name (the distributed copy) */
char *cs_test_data_path (const char *name);
/* The contents of tests/data/@name; its length in @len (may be NULL). */
char *cs_test_load_data (const char *name, gsize *len);

/* Removes @dir and everything below it (symlinks are not followed). */
void cs_test_remove_tree (const char *dir);

typedef gboolean (*CsTestCondition) (gpointer data);
/* Iterates the thread-default main context and polls @cond (every few ms:
 * some conditions depend on other threads or files, not on events) until
 * it holds or @timeout_ms passed.  Returns the last value of @cond. */
gboolean cs_test_wait_until (CsTestCondition cond, gpointer data, guint timeout_ms);
/* cs_test_wait_until for "*@counter > 0". */
gboolean cs_test_wait_for_count (int *counter, guint timeout_ms);
