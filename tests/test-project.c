/* test-project.c - the shipped project files load and mean what they say
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "pfm-config.h"

static void
test_default_project (void)
{
  /* data/projects/default.pfm is what `scripts/pfm run` propagates: it
   * must hold exactly the built-in defaults, key by key, so the README,
   * the CLI and the file never disagree. */
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "projects", "default.pfm", NULL);
  g_autoptr(PfmConfig) defaults = pfm_config_new ();
  g_autoptr(PfmConfig) loaded = pfm_config_new ();
  loaded->tube.length = 1.0;   /* so the load must overwrite it */
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_load_file (loaded, path, &error));
  g_assert_no_error (error);
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *a = pfm_config_get_string (defaults, &keys[i]);
      g_autofree char *b = pfm_config_get_string (loaded, &keys[i]);
      g_assert_cmpstr (a, ==, b);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/default-file", test_default_project);
  return g_test_run ();
}
