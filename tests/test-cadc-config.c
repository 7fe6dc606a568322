/* test-cadc-config.c: the [archive] group of the config file and the
 * precedence command line > environment > file > default (cadc-config.h).
 * Runs with a private XDG_CONFIG_HOME in a temp dir.
 */
#include "config.h"

#include "test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadc-config.h"

static char *tmpdir;

static char *
write_config (const char *text)
{
  g_autofree char *path = cadc_config_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

static void
test_default_path (void)
{
  g_autofree char *path = cadc_config_default_path ();
  g_autofree char *want = g_build_filename (tmpdir, "xdg", "cadc-samp", "config", NULL);

  g_assert_cmpstr (path, ==, want);
}

static void
test_missing_file (void)
{
  g_autoptr(CadcConfig) c = cadc_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *nowhere = g_build_filename (tmpdir, "nope", NULL);

  g_assert_true (cadc_config_load (c, nowhere, FALSE, &error));
  g_assert_no_error (error);
  g_assert_null (c->registry);
  g_assert_null (c->cookie_domains);
  g_assert_false (cadc_config_load (c, nowhere, TRUE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_load (void)
{
  g_autofree char *path = write_config (
    "[listen]\nradius=2arcmin\ntap=http://listen.only/tap\n"
    "[archive]\n"
    "registry = http://reg.test/reg/resource-caps\n"
    "tap=http://tap.test/tap\n"
    "datalink=http://dl.test/links\n"
    "login=\n"
    "cookie-domains=127.0.0.1; .example.org, ,localhost\n");
  g_autoptr(CadcConfig) c = cadc_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cadc_config_load (c, NULL, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c->registry, ==, "http://reg.test/reg/resource-caps");
  g_assert_cmpstr (c->tap, ==, "http://tap.test/tap");     /* not [listen]'s */
  g_assert_cmpstr (c->datalink, ==, "http://dl.test/links");
  g_assert_null (c->login);                                 /* empty = unset */
  g_assert_nonnull (c->cookie_domains);
  g_assert_cmpuint (g_strv_length (c->cookie_domains), ==, 3);
  g_assert_cmpstr (c->cookie_domains[0], ==, "127.0.0.1");
  g_assert_cmpstr (c->cookie_domains[1], ==, ".example.org");
  g_assert_cmpstr (c->cookie_domains[2], ==, "localhost");
  g_unlink (path);
}

static void
test_no_group (void)
{
  g_autofree char *path = write_config ("[listen]\ntap=http://x/tap\n");
  g_autoptr(CadcConfig) c = cadc_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cadc_config_load (c, NULL, TRUE, &error));
  g_assert_null (c->tap);
  g_unlink (path);
}

static void
test_malformed (void)
{
  g_autofree char *path = write_config ("[archive\nregistry=x\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcConfig) c = cadc_config_resolve (NULL, NULL, NULL, NULL, NULL, &error);

  g_assert_null (c);
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, path));
  g_unlink (path);
}

static void
test_precedence (void)
{
  g_autofree char *path = write_config ("[archive]\nregistry=http://file/reg\ntap=http://file/tap\n"
                                        "cookie-domains=file.test\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcConfig) a = NULL, b = NULL, c = NULL;

  /* file only */
  a = cadc_config_resolve (NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->registry, ==, "http://file/reg");
  g_assert_cmpstr (a->cookie_domains[0], ==, "file.test");

  /* environment over file */
  g_setenv ("CADC_REGISTRY_URL", "http://env/reg", TRUE);
  g_setenv ("CADC_SAMP_COOKIE_DOMAINS", "env.test,b.test", TRUE);
  b = cadc_config_resolve (NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->registry, ==, "http://env/reg");
  g_assert_cmpstr (b->tap, ==, "http://file/tap");
  g_assert_cmpuint (g_strv_length (b->cookie_domains), ==, 2);
  g_assert_cmpstr (b->cookie_domains[0], ==, "env.test");

  /* command line over environment */
  c = cadc_config_resolve (NULL, "http://flag/reg", "http://flag/tap", "http://flag/dl",
                           "http://flag/login", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->registry, ==, "http://flag/reg");
  g_assert_cmpstr (c->tap, ==, "http://flag/tap");
  g_assert_cmpstr (c->datalink, ==, "http://flag/dl");
  g_assert_cmpstr (c->login, ==, "http://flag/login");

  /* empty environment variables do not count */
  g_setenv ("CADC_REGISTRY_URL", "", TRUE);
  g_unsetenv ("CADC_SAMP_COOKIE_DOMAINS");
  {
    g_autoptr(CadcConfig) d = cadc_config_resolve (NULL, NULL, NULL, NULL, NULL, &error);
    g_assert_cmpstr (d->registry, ==, "http://file/reg");
  }
  g_unsetenv ("CADC_REGISTRY_URL");
  g_unlink (path);
}

static void
test_split_list (void)
{
  g_auto(GStrv) a = cadc_config_split_list (" a ,b;;c ");
  g_auto(GStrv) b = cadc_config_split_list ("");
  g_auto(GStrv) c = cadc_config_split_list (NULL);

  g_assert_cmpuint (g_strv_length (a), ==, 3);
  g_assert_cmpstr (a[2], ==, "c");
  g_assert_cmpuint (g_strv_length (b), ==, 0);
  g_assert_cmpuint (g_strv_length (c), ==, 0);
}

/* [archive.cadc] is not an archive of its own (cadc is [archive]), and
 * the user is told so (a warning, in a subprocess where warnings are not
 * fatal, so that it ends and cleans up normally). */
static void
test_archive_cadc_ignored (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_autofree char *path = write_config ("[archive.votest]\ntap=http://vo/tap\n"
                                            "[archive.cadc]\ntap=http://ignored\n");
      g_auto(GStrv) names = cadc_config_archive_names (NULL, NULL);
      g_autofree char *joined = g_strjoinv (",", names);
      g_print ("names: %s\n", joined);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*names: cadc,votest*");
  g_test_trap_assert_stderr ("*[archive.cadc] is ignored: the cadc archive is configured in "
                             "[archive]*");
}

/* [archive.NAME]: another TAP service, named by --archive. */
static void
test_named_archives (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_config (
      "[archive]\nregistry=http://cadc/reg\nmodel=caom2\n\n"
      "[archive.votest]\ntap=http://vo/tap\nmodel=obscore\ncollection=VOTEST\n\n"
      "[archive.mast]\ntap=https://mast/tap\ncredentials=cadc\n\n"
      "[archive.broken]\nmodel=obscore\n\n"
      "");
  g_auto(GStrv) names = cadc_config_archive_names (NULL, &error);
  g_assert_no_error (error);
  g_autofree char *joined = g_strjoinv (",", names);
  g_assert_cmpstr (joined, ==, "cadc,votest,mast,broken");

  g_autoptr(CadcConfig) cadc = cadc_config_resolve_archive (NULL, "cadc", NULL, NULL, NULL,
                                                            NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cadc->registry, ==, "http://cadc/reg");
  g_assert_cmpstr (cadc->model, ==, "caom2");
  g_assert_null (cadc->tap);
  g_assert_false (cadc->anonymous);

  g_setenv ("CADC_REGISTRY_URL", "http://env/reg", TRUE);
  g_autoptr(CadcConfig) vt = cadc_config_resolve_archive (NULL, "votest", "http://cli/reg", NULL,
                                                          NULL, NULL, &error);
  g_unsetenv ("CADC_REGISTRY_URL");
  g_assert_no_error (error);
  g_assert_cmpstr (vt->name, ==, "votest");
  g_assert_cmpstr (vt->tap, ==, "http://vo/tap");
  g_assert_cmpstr (vt->model, ==, "obscore");
  g_assert_cmpstr (vt->collection, ==, "VOTEST");
  g_assert_null (vt->registry);           /* no registry, from anywhere */
  g_assert_true (vt->anonymous);

  g_autoptr(CadcConfig) over = cadc_config_resolve_archive (NULL, "mast", NULL, "http://cli/tap",
                                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (over->tap, ==, "http://cli/tap");
  g_assert_false (over->anonymous);

  g_assert_null (cadc_config_resolve_archive (NULL, "broken", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "[archive.broken] has no tap="));
  g_clear_error (&error);
  g_assert_null (cadc_config_resolve_archive (NULL, "nope", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND);
  g_assert_nonnull (strstr (error->message,
                            "unknown archive 'nope' (known: cadc, votest, mast, broken;"));
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_autofree char *xdg = NULL;
  int ret;

  tmpdir = g_dir_make_tmp ("test-cadc-config-XXXXXX", NULL);
  xdg = g_build_filename (tmpdir, "xdg", NULL);
  g_setenv ("HOME", tmpdir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", xdg, TRUE);
  g_unsetenv ("CADC_REGISTRY_URL");
  g_unsetenv ("CADC_SAMP_COOKIE_DOMAINS");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/default-path", test_default_path);
  g_test_add_func ("/config/missing-file", test_missing_file);
  g_test_add_func ("/config/load", test_load);
  g_test_add_func ("/config/no-group", test_no_group);
  g_test_add_func ("/config/malformed", test_malformed);
  g_test_add_func ("/config/precedence", test_precedence);
  g_test_add_func ("/config/split-list", test_split_list);
  g_test_add_func ("/config/named-archives", test_named_archives);
  g_test_add_func ("/config/archive-cadc-ignored", test_archive_cadc_ignored);
  ret = g_test_run ();
  cs_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
