/* test-util.c: the shared helpers of the GTest programs (test-util.h). */
#include "config.h"

#include "test-util.h"

#include <glib/gstdio.h>

struct CsTestServer
{
  GSubprocess *proc;
  char *base;
};

CsTestServer *
cs_test_server_start (void)
{
  return cs_test_server_start_on (0);
}

CsTestServer *
cs_test_server_start_on (guint port)
{
  const char *py = g_getenv ("PYTHON3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "http-test-server.py", NULL);
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autoptr(GError) error = NULL;
  CsTestServer *srv = g_new0 (CsTestServer, 1);

  srv->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                &error, py != NULL && *py ? py : "python3", script, port_arg,
                                NULL);
  g_assert_no_error (error);
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (srv->proc));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  srv->base = g_strdup_printf ("http://127.0.0.1:%s", g_strstrip (line));
  return srv;
}

void
cs_test_server_stop (CsTestServer *srv)
{
  if (srv == NULL)
    return;
  /* closing stdin ends the server */
  g_output_stream_close (g_subprocess_get_stdin_pipe (srv->proc), NULL, NULL);
  g_subprocess_wait (srv->proc, NULL, NULL);
  g_object_unref (srv->proc);
  g_free (srv->base);
  g_free (srv);
}

const char *
cs_test_server_base (const CsTestServer *srv)
{
  return srv->base;
}

char *
cs_test_server_url (const CsTestServer *srv, const char *path)
{
  return g_strconcat (srv->base, path, NULL);
}

char *
cs_test_dead_url (const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", cs_test_free_port (), path);
}

guint
cs_test_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_assert_true (g_socket_bind (sock, any, FALSE, &error));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);
  return port;
}

char *
cs_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

char *
cs_test_load_data (const char *name, gsize *len)
{
  g_autofree char *path = cs_test_data_path (name);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize n = 0;

  g_assert_true (g_file_get_contents (path, &data, &n, &error));
  g_assert_no_error (error);
  if (len != NULL)
    *len = n;
  return data;
}

void
cs_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        cs_test_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

gboolean
cs_test_wait_until (CsTestCondition cond, gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return cond (data);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
counter_positive (gpointer data)
{
  return *(int *) data > 0;
}

gboolean
cs_test_wait_for_count (int *counter, guint timeout_ms)
{
  return cs_test_wait_until (counter_positive, counter, timeout_ms);
}
