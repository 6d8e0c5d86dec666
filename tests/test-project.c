/* test-project.c - the shipped project files load and mean what they say
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "pfm-config.h"

/* Every key of @a reads as in @b. */
static void
assert_same_config (const PfmConfig *a, const PfmConfig *b)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *va = pfm_config_get_string (a, &keys[i]);
      g_autofree char *vb = pfm_config_get_string (b, &keys[i]);
      g_assert_cmpstr (va, ==, vb);
    }
}

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

static const char commented[] =
  "# My notes: the lab's laser, the sample from 3 March.\n"
  "# Second line of the notes.\n"
  "\n"
  "[project]\n"
  "version=1\n"
  "author=someone\n"
  "\n"
  "[optics]\n"
  "# measured, not the datasheet\n"
  "wavelength=1.55e-6\n"
  "n0=1.5\n"
  "\n"
  "# coarse, for the lecture\n"
  "[grid]\n"
  "# was 256\n"
  "n=128\n";

static void
test_save_keeps_comments (void)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_load_data (cfg, commented, strlen (commented), &error));
  g_assert_no_error (error);
  g_assert_true (pfm_config_set (cfg, "grid.n", "192", &error));
  g_assert_true (pfm_config_set (cfg, "optics.n0", "1.45", &error));

  gsize len = 0;
  g_autofree char *text = pfm_config_to_data_keeping (cfg, commented, strlen (commented), NULL, &len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_assert_cmpuint (len, ==, strlen (text));
  /* The user's notes, the group and key comments, the unknown metadata. */
  g_assert_true (g_str_has_prefix (text, "# My notes: the lab's laser, the sample from 3 March.\n"
                                         "# Second line of the notes.\n"));
  g_assert_nonnull (strstr (text, "author=someone\n"));
  g_assert_nonnull (strstr (text, "# measured, not the datasheet\nwavelength=1.55e-6\n"));
  /* (GKeyFile writes a blank line between a group's comment and its header.) */
  g_assert_nonnull (strstr (text, "# coarse, for the lecture\n\n[grid]\n# was 256\nn=192\n"));
  /* Changed values are the new ones; an unchanged value keeps its spelling. */
  g_assert_nonnull (strstr (text, "\nn0=1.45\n"));
  g_assert_null (strstr (text, "n=128"));
  g_assert_null (strstr (text, "n0=1.5\n"));
  /* A key the file lacks is added only when it is not the default. */
  g_assert_null (strstr (text, "[tube]"));
  g_assert_null (strstr (text, "dz="));

  /* Re-read, it is the same configuration. */
  g_autoptr(PfmConfig) again = pfm_config_new ();
  g_assert_true (pfm_config_load_data (again, text, len, &error));
  g_assert_no_error (error);
  assert_same_config (cfg, again);

  /* A changed value the file lacked joins its group. */
  g_assert_true (pfm_config_set (cfg, "grid.dz", "1e-6", &error));
  g_assert_true (pfm_config_set (cfg, "tube.length", "0.001", &error));
  g_autofree char *more = pfm_config_to_data_keeping (cfg, text, len, NULL, &len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (more, "# coarse, for the lecture\n\n[grid]\n# was 256\nn=192\ndz=1e-06\n"));
  g_assert_nonnull (strstr (more, "\n[tube]\nlength=0.001\n"));
  g_assert_true (g_str_has_prefix (more, "# My notes: the lab's laser"));
  g_autoptr(PfmConfig) third = pfm_config_new ();
  g_assert_true (pfm_config_load_data (third, more, len, &error));
  g_assert_no_error (error);
  assert_same_config (cfg, third);

  /* Without an original text: what pfm_config_to_key_file writes. */
  g_autoptr(GKeyFile) kf = pfm_config_to_key_file (cfg);
  g_autofree char *plain = g_key_file_to_data (kf, NULL, NULL);
  g_autofree char *fresh = pfm_config_to_data_keeping (cfg, NULL, 0, NULL, NULL, &error);
  g_assert_cmpstr (plain, ==, fresh);
  g_assert_null (strstr (fresh, "#"));
}

static void
test_save_default_unchanged (void)
{
  /* The shipped defaults, saved unchanged: the same text, byte for byte. */
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "projects", "default.pfm", NULL);
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_load_file_text (cfg, path, &bytes, &error));
  g_assert_no_error (error);
  gsize in_len;
  const char *in = g_bytes_get_data (bytes, &in_len);
  gsize len = 0;
  g_autofree char *text = pfm_config_to_data_keeping (cfg, in, in_len, path, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (text, len, in, in_len);
}

static void
test_save_keeps_relative_map (void)
{
  /* A trained project names its map relative to itself; the loader makes
   * it absolute.  Saved beside it, the name stays relative; saved
   * elsewhere, it is the absolute path that still finds the map. */
  static const char text[] = "[medium]\n# written by pfm-cli train\nkind=file\nfile=trained.idx\n";
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_load_data (cfg, text, strlen (text), &error));
  g_assert_no_error (error);
  pfm_config_resolve_paths (cfg, "/data/run1/trained.pfm");
  g_assert_cmpstr (cfg->medium.file, ==, "/data/run1/trained.idx");

  g_autofree char *same = pfm_config_to_data_keeping (cfg, text, strlen (text), "/data/run1/trained.pfm", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (same, "# written by pfm-cli train\nkind=file\nfile=trained.idx\n"));
  g_autofree char *moved = pfm_config_to_data_keeping (cfg, text, strlen (text), "/elsewhere/copy.pfm", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (moved, "# written by pfm-cli train\nkind=file\nfile=/data/run1/trained.idx\n"));
}

static void
test_save_file_keeping (void)
{
  /* Through the files: load with its text, change, save over it, load. */
  g_autofree char *dir = g_dir_make_tmp ("pfm-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.pfm", NULL);
  g_assert_true (g_file_set_contents (path, commented, -1, NULL));
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_load_file_text (cfg, path, &bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), commented, strlen (commented));
  g_assert_true (pfm_config_set (cfg, "optics.wavelength", "1.064e-6", &error));
  gsize in_len;
  const char *in = g_bytes_get_data (bytes, &in_len);
  g_assert_true (pfm_config_save_file_keeping (cfg, path, in, in_len, &error));
  g_assert_no_error (error);
  g_autofree char *saved = NULL;
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "# My notes: the lab's laser"));
  g_assert_nonnull (strstr (saved, "# measured, not the datasheet\nwavelength=1.064e-06\n"));
  g_autoptr(PfmConfig) again = pfm_config_new ();
  g_assert_true (pfm_config_load_file (again, path, &error));
  g_assert_no_error (error);
  assert_same_config (cfg, again);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/default-file", test_default_project);
  g_test_add_func ("/project/save-keeps-comments", test_save_keeps_comments);
  g_test_add_func ("/project/save-default-unchanged", test_save_default_unchanged);
  g_test_add_func ("/project/save-keeps-relative-map", test_save_keeps_relative_map);
  g_test_add_func ("/project/save-file-keeping", test_save_file_keeping);
  return g_test_run ();
}
