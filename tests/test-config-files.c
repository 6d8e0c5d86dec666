/* test-config-files.c - the project configuration: project files (load,
 * save, version, bad files)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The round-trip test insists on a non-default value for every key of
 * pfm_config_keys(), and says which one it lacks, so a key added to the
 * table is covered without touching this file.  The table, the ranges and
 * the cross-key rules are test-config.c's.
 */
#define G_LOG_DOMAIN "test-config-files"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-config.h"
#include "pfm-test-util.h"

/* ---- project files ------------------------------------------------------ */

static void
test_load_failure_untouched (void)
{
  g_autoptr(PfmConfig) cfg = config_from ((const char *const[]) {
    "optics.wavelength=1e-6", "grid.n=128", "medium.file=keep.map", "scaling.params=1e9", NULL });
  g_autoptr(GPtrArray) before = config_snapshot (cfg);

  /* Each file starts with valid keys that would change cfg, then fails. */
  const struct { const char *data; PfmConfigError code; } bad[] = {
    { "[optics]\nn0=2\nwavelength=-1\n", PFM_CONFIG_ERROR_OUT_OF_RANGE },
    { "[optics]\nn0=2\n[grid]\nn=abc\n", PFM_CONFIG_ERROR_BAD_TYPE },
    { "[optics]\nn0=2\n[grid]\nsize=3\n", PFM_CONFIG_ERROR_UNKNOWN_KEY },
    { "[medium]\nfile=other.map\n[tube]\nna=1.7\n", PFM_CONFIG_ERROR_INCONSISTENT },
    { "[scaling]\nparams=1e3\n[project]\nversion=2\n", PFM_CONFIG_ERROR_PARSE },
    { "[optics]\nn0=2\n[grid\nn=64\n", PFM_CONFIG_ERROR_PARSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_load_data (cfg, bad[i].data, strlen (bad[i].data), &error));
      g_assert_error (error, PFM_CONFIG_ERROR, (gint) bad[i].code);
      g_autoptr(GPtrArray) after = config_snapshot (cfg);
      assert_same_config (before, after);
    }

  /* The same through a file on disk. */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-config");
  g_autofree char *path = g_build_filename (dir, "bad.pfm", NULL);
  g_assert_true (g_file_set_contents (path, bad[0].data, -1, NULL));
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_config_load_file (cfg, path, &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, path));
  g_autoptr(GPtrArray) after = config_snapshot (cfg);
  assert_same_config (before, after);

  /* And a good file does change it (so the check above can fail). */
  g_clear_error (&error);
  const char *good = "[optics]\nn0=2\n";
  g_assert_true (pfm_config_load_data (cfg, good, strlen (good), &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cfg->optics.n0, ==, 2.0);
  /* Keys the file does not name keep their values. */
  g_assert_cmpfloat (cfg->optics.wavelength, ==, 1e-6);
  g_assert_cmpint (cfg->grid.n, ==, 128);
  pfm_test_remove_tree (dir);
}

/* A non-default value for every key, all consistent together; awkward
 * values on purpose (full-precision doubles, text with escapes). */
static const char *const roundtrip_values[] = {
  "optics.wavelength=1.0333333333333334e-06",
  "optics.n0=1.4500000000000002",
  "optics.n2=-2.7000000000000001e-20",
  "optics.loss=0.1",
  "tube.profile=grin",
  "tube.side=2.9999999999999997e-05",
  "tube.length=0.00012345678901234567",
  "tube.na=0.123456789",
  "tube.grin_delta=0.02",
  "medium.kind=none",
  "medium.delta_n=0.0033333333333333335",
  "medium.voxel=7.7e-07",
  "medium.seed=18446744073709551615",
  "medium.file= lead space\\and\tbackslash; \"quoted\" # not a comment \xc3\xa9\n2nd line ",
  /* What the Volume view stores: a small multi-line key file. */
  "render.transfer=[transfer]\ncolormap=viridis\nlog-scale=true\ndecades=3\npoints=0,0;0.5,0.2;1,0.9\n",
  "beam.kind=slm",
  "beam.power=123456.789",
  "beam.waist=5.5e-06",
  "beam.offset_x=-1e-06",
  "beam.offset_y=2.5e-07",
  "beam.tilt_x=0.01",
  "beam.tilt_y=-0.02",
  "beam.slm_pixels=3",
  "beam.encoding=phase",
  "beam.input=0.1,0.30000000000000004,1",
  "beam.phase_range=6.2831853071795862",
  "beam.slm_bits=6",
  "detector.regions=9",
  "detector.bits=8",
  "detector.noise=0.01",
  "grid.n=96",
  "grid.window=7.0000000000000007e-05",
  "grid.dz=3.3333333333333335e-07",
  "grid.absorber=0.125",
  "grid.record_every=3",
  "defects.seed=42",
  "defects.sigma=0.5",
  "defects.corr_length=1e-06",
  "defects.scale_error=-0.1",
  "defects.stuck_fraction=0.001",
  "defects.inclusion_density=1e+15",
  "defects.inclusion_radius=2e-07",
  "defects.inclusion_dn=0.1",
  "defects.taper=0.05",
  "defects.roughness=1e-08",
  "defects.drift_time=86400",
  "defects.drift_tau=1e+08",
  "defects.temperature_gradient=-12.5",
  "defects.dn_dT=8.6e-06",
  "defects.side_error=0.02",
  "defects.offset=-0.0001",
  "train.dataset=idx:imgs with space.idx:labels\\x.idx",
  "train.test_fraction=0.25",
  "train.validation_fraction=0.15000000000000002",
  "train.split_seed=18446744073709551614",
  "train.epochs=11",
  "train.batch=7",
  "train.lr=0.0123",
  "train.lr_decay=0.95",
  "train.seed=42",
  "train.init=design",
  "train.temperature=3.5",
  "train.noise_aware=true",
  "train.max_examples=500",
  "scaling.params=1,2.5e+13,1e+30,3.3333333333333332e+17",
  "scaling.aspect=500",
  "scaling.beam_fraction=0.25",
  "scaling.phi_nl=3.1415926535897931",
  "scaling.pulse=1e-13",
  "scaling.e_io=2e-11",
  "scaling.p_avg=100",
  "scaling.io_exponent=0.5",
  "scaling.bits=4",
  "scaling.e_op=5e-13",
  "scaling.gpu_mem=8e+10",
  "scaling.gpu_bw=3.35e+12",
  "scaling.gpu_volume=0.002",
  "scaling.bytes_per_param=2",
  "scaling.gpu_gain=1.3",
  "scaling.years=5",
  NULL,
};

static void
check_roundtrip (const PfmConfig *cfg, const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (pfm_config_save_file (cfg, path, &error));
  g_assert_no_error (error);

  /* Load into a config that differs from @cfg wherever it can. */
  g_autoptr(PfmConfig) back = pfm_config_new ();
  g_assert_true (pfm_config_load_file (back, path, &error));
  g_assert_no_error (error);
  g_autoptr(GPtrArray) a = config_snapshot (cfg);
  g_autoptr(GPtrArray) b = config_snapshot (back);
  assert_same_config (a, b);
}

static void
test_roundtrip (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-config");

  /* Defaults, with their "auto" values. */
  g_autoptr(PfmConfig) def = pfm_config_new ();
  check_roundtrip (def, dir, "defaults.pfm");

  g_autoptr(PfmConfig) cfg = config_from (roundtrip_values);
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_validate (cfg, &error));
  g_assert_no_error (error);

  /* Every key is covered with a value other than its default, so a key
   * the writer drops (or the reader ignores) shows up below. */
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  g_autoptr(GPtrArray) dv = config_snapshot (def);
  g_autoptr(GPtrArray) cv = config_snapshot (cfg);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (dv->pdata[i], cv->pdata[i]) == 0)
      g_error ("the round-trip test has no non-default value for %s.%s", keys[i].group, keys[i].key);

  check_roundtrip (cfg, dir, "custom.pfm");

  /* Exactness beyond the text: the doubles are bit-identical. */
  g_autofree char *path = g_build_filename (dir, "custom.pfm", NULL);
  g_autoptr(PfmConfig) back = pfm_config_new ();
  g_assert_true (pfm_config_load_file (back, path, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (&cfg->optics, &back->optics, sizeof cfg->optics) == 0);
  g_assert_true (memcmp (&cfg->defects, &back->defects, sizeof cfg->defects) == 0);
  g_assert_cmpuint (back->scaling.n_params, ==, cfg->scaling.n_params);
  g_assert_true (memcmp (cfg->scaling.params, back->scaling.params,
                         cfg->scaling.n_params * sizeof (double)) == 0);
  g_assert_cmpstr (back->medium.file, ==, cfg->medium.file);
  g_assert_cmpuint (back->medium.seed, ==, G_MAXUINT64);

  /* The saved file is a GKeyFile marked as format version 1. */
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  g_autofree char *version = g_key_file_get_value (kf, "project", "version", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "1");

  pfm_test_remove_tree (dir);
}

static void
test_project_version (void)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;

  const char *v2 = "[project]\nversion=2\n[optics]\nn0=1.6\n";
  g_assert_false (pfm_config_load_data (cfg, v2, strlen (v2), &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "version"));
  g_assert_nonnull (strstr (error->message, "2"));
  g_assert_cmpfloat (cfg->optics.n0, ==, 1.5);
  g_clear_error (&error);

  const char *vx = "[project]\nversion=one\n";
  g_assert_false (pfm_config_load_data (cfg, vx, strlen (vx), &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE);
  g_clear_error (&error);

  /* Version 1, or none, with free-form metadata. */
  const char *v1 = "[project]\nversion=1\nname=My tube\nnotes=anything\n[optics]\nn0=1.6\n";
  g_assert_true (pfm_config_load_data (cfg, v1, strlen (v1), &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cfg->optics.n0, ==, 1.6);
  const char *nov = "# comment\n\n[optics]\nn0=1.7\n";
  g_assert_true (pfm_config_load_data (cfg, nov, strlen (nov), &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cfg->optics.n0, ==, 1.7);
}

/* Binary: a NUL byte, and bytes that are not UTF-8. */
static void
check_binary_files (PfmConfig *cfg, const char *dir)
{
  static const char with_nul[] = "[optics]\nn0=1.6\n\0\x01\x02";
  static const char not_utf8[] = "[optics]\nn0=1.6\n\xff\xfe\x80";
  const struct { const char *data; gsize len; } bin[] = {
    { with_nul, sizeof with_nul - 1 },
    { not_utf8, sizeof not_utf8 - 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bin); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s/binary%u.pfm", dir, i);
      g_assert_true (g_file_set_contents (path, bin[i].data, bin[i].len, NULL));
      g_assert_false (pfm_config_load_file (cfg, path, &error));
      g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "UTF-8"));
    }
}

/* Truncated saves: cut inside a group header, after "key=", inside a number. */
static void
check_truncated_saves (PfmConfig *cfg, const char *dir)
{
  g_autofree char *full = g_build_filename (dir, "full.pfm", NULL);
  g_autoptr(GError) serr = NULL;
  g_assert_true (pfm_config_save_file (cfg, full, &serr));
  g_assert_no_error (serr);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (full, &text, NULL, NULL));
  const struct { const char *find; gsize keep; PfmConfigError code; } cuts[] = {
    { "[tube]", 3, PFM_CONFIG_ERROR_PARSE },                 /* "[tu" */
    { "\nn0=", 4, PFM_CONFIG_ERROR_BAD_TYPE },              /* "n0=" */
    { "\nwavelength=1.55e-06", 17, PFM_CONFIG_ERROR_BAD_TYPE }, /* "wavelength=1.55e" */
    { "\nprofile=step", 11, PFM_CONFIG_ERROR_BAD_TYPE },    /* "profile=st" */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      const char *at = strstr (text, cuts[i].find);
      g_assert_nonnull (at);
      gsize len = (at - text) + cuts[i].keep;
      g_autofree char *path = g_strdup_printf ("%s/cut%u.pfm", dir, i);
      g_assert_true (g_file_set_contents (path, text, len, NULL));
      g_autoptr(GError) error = NULL;
      g_test_message ("truncated to %" G_GSIZE_FORMAT " bytes", len);
      g_assert_false (pfm_config_load_file (cfg, path, &error));
      g_assert_error (error, PFM_CONFIG_ERROR, (gint) cuts[i].code);
      g_assert_nonnull (strstr (error->message, path));
    }
}

/* Size limit: exactly PFM_CONFIG_MAX_FILE_SIZE bytes loads, one more does not. */
static void
check_size_limit (PfmConfig *cfg, const char *dir)
{
  GString *big = g_string_new ("[optics]\nn0=1.6\n");
  while (big->len < PFM_CONFIG_MAX_FILE_SIZE - 80)
    g_string_append (big, "# padding padding padding padding padding padding padding padding\n");
  g_string_append (big, "#");
  while (big->len < PFM_CONFIG_MAX_FILE_SIZE - 1)
    g_string_append_c (big, 'x');
  g_string_append_c (big, '\n');
  g_assert_cmpuint (big->len, ==, PFM_CONFIG_MAX_FILE_SIZE);
  g_autofree char *at_limit = g_build_filename (dir, "at-limit.pfm", NULL);
  g_assert_true (g_file_set_contents (at_limit, big->str, big->len, NULL));
  {
    g_autoptr(PfmConfig) c2 = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    g_assert_true (pfm_config_load_file (c2, at_limit, &error));
    g_assert_no_error (error);
    g_assert_cmpfloat (c2->optics.n0, ==, 1.6);
  }
  g_string_append_c (big, '\n');
  g_autofree char *over = g_build_filename (dir, "over.pfm", NULL);
  g_assert_true (g_file_set_contents (over, big->str, big->len, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (pfm_config_load_file (cfg, over, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, over));
    g_autofree char *limit = g_strdup_printf ("%d", PFM_CONFIG_MAX_FILE_SIZE);
    g_assert_nonnull (strstr (error->message, limit));
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (pfm_config_load_data (cfg, big->str, big->len, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_TOO_LARGE);
  }
  g_string_free (big, TRUE);
}

/* Not a key file at all; a folder; a missing file. */
static void
check_not_key_files (PfmConfig *cfg, const char *dir)
{
  {
    const char *junk = "this is not\na key file\n";
    g_autoptr(GError) error = NULL;
    g_assert_false (pfm_config_load_data (cfg, junk, strlen (junk), &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (pfm_config_load_file (cfg, dir, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, dir));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *missing = g_build_filename (dir, "missing.pfm", NULL);
    g_assert_false (pfm_config_load_file (cfg, missing, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  }
}

/* Every bad file is refused, and none changes the configuration. */
static void
test_bad_files (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-config");
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GPtrArray) before = config_snapshot (cfg);

  check_binary_files (cfg, dir);
  check_truncated_saves (cfg, dir);
  check_size_limit (cfg, dir);
  check_not_key_files (cfg, dir);

  g_autoptr(GPtrArray) after = config_snapshot (cfg);
  assert_same_config (before, after);
  pfm_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/config/load/failure-untouched", test_load_failure_untouched);
  g_test_add_func ("/config/load/version", test_project_version);
  g_test_add_func ("/config/load/bad-files", test_bad_files);
  g_test_add_func ("/config/save-load/roundtrip", test_roundtrip);

  return g_test_run ();
}
