/* pfm-test-util.h - helpers the test programs share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Static functions in a header: each test program is a single file, and
 * G_GNUC_UNUSED keeps those that need only some of them warning-free.
 */
#pragma once

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-config.h"
#include "pfm-record.h"
#include "pfm-scaling.h"

#include "fuzz/pfm-fuzz-targets.h"

/* The defaults with "group.key=value" assignments applied (NULL-terminated
 * arguments); aborts the test on a bad assignment, and also when
 * @validate and the whole configuration does not validate. */
static G_GNUC_UNUSED PfmConfig *
pfm_test_config_v (gboolean validate, const char *first, va_list ap)
{
  PfmConfig *cfg = pfm_config_new ();
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    {
      g_autoptr(GError) error = NULL;
      if (!pfm_config_set_assignment (cfg, a, &error))
        g_error ("%s: %s", a, error->message);
    }
  g_autoptr(GError) error = NULL;
  if (validate && !pfm_config_validate (cfg, &error))
    g_error ("invalid test configuration: %s", error->message);
  return cfg;
}

/* A validated configuration from the defaults and assignments. */
static G_GNUC_UNUSED PfmConfig *
config_with (const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  PfmConfig *cfg = pfm_test_config_v (TRUE, first, ap);
  va_end (ap);
  return cfg;
}

/* The same from an array, without validation (for tests of invalid sets). */
static G_GNUC_UNUSED PfmConfig *
config_from (const char *const *assignments)
{
  PfmConfig *cfg = pfm_config_new ();
  for (guint i = 0; assignments && assignments[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      if (!pfm_config_set_assignment (cfg, assignments[i], &error))
        g_error ("%s: %s", assignments[i], error->message);
    }
  return cfg;
}

/* Every key's value as text, for "nothing changed" and round-trip checks
 * of a configuration. */
static G_GNUC_UNUSED GPtrArray *
config_snapshot (const PfmConfig *cfg)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  GPtrArray *s = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (s, pfm_config_get_string (cfg, &keys[i]));
  return s;
}

/* Two config_snapshot()s agree key by key; the first difference is named. */
static G_GNUC_UNUSED void
assert_same_config (GPtrArray *a, GPtrArray *b)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  g_assert_cmpuint (a->len, ==, n);
  g_assert_cmpuint (b->len, ==, n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (a->pdata[i], b->pdata[i]) != 0)
      g_error ("%s.%s: \"%s\" != \"%s\"", keys[i].group, keys[i].key,
               (char *) a->pdata[i], (char *) b->pdata[i]);
}

/* Applies one "group.key=value" assignment; aborts the test when it is
 * refused. */
static G_GNUC_UNUSED void
config_assign (PfmConfig *cfg, const char *assignment)
{
  g_autoptr(GError) error = NULL;
  if (!pfm_config_set_assignment (cfg, assignment, &error))
    g_error ("%s: %s", assignment, error->message);
}

/* A small, fast device for defect models and batches: 64^2 grid, 60 steps. */
#define DEFECTS_SMALL "grid.n=64", "tube.length=60e-6", "grid.dz=1e-6", "tube.side=16e-6", "grid.window=32e-6", \
  "beam.slm_pixels=9", "detector.regions=9"

/* A deterministic pixel pattern. */
static G_GNUC_UNUSED guint8
pixel_pattern (guint k)
{
  return (guint8) ((k * 2654435761u) >> 24);
}

/* A fresh temporary folder named after @prefix. */
static G_GNUC_UNUSED char *
pfm_test_tmp_dir (const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  char *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  return dir;
}

/* Removes @path and everything below it (making folders writable first;
 * symbolic links are removed, never followed). */
static G_GNUC_UNUSED void
pfm_test_remove_tree (const char *path)
{
  GStatBuf st;
  if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_chmod (path, 0755);
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *p = g_build_filename (path, name, NULL);
          pfm_test_remove_tree (p);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

/* The contents of @path, or NULL when it cannot be read. */
static G_GNUC_UNUSED GBytes *
pfm_test_read_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return g_bytes_new_take (data, len);
}

/* A refusal's message: one line of valid UTF-8 that names @name. */
static G_GNUC_UNUSED void
assert_clear_error (const GError *error, const char *name)
{
  g_assert_nonnull (error);
  pfm_fuzz_check_message ("fault", error);
  if (name != NULL && strstr (error->message, name) == NULL)
    g_error ("the message does not name %s: %s", name, error->message);
}

/* A record holds no NaN or Inf: diagnostics, output vector, volume and
 * slice positions (@label names the run in the failure). */
static G_GNUC_UNUSED void
assert_record_finite (const PfmRecord *rec, const char *label)
{
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = &g_array_index (rec->rows, PfmDiagRow, i);
      const double v[] = { r->z, r->power, r->width_x, r->width_y, r->peak_intensity,
                           r->b_integral, r->centroid_x, r->centroid_y };
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        if (!isfinite (v[k]))
          g_error ("%s: diagnostics row %u, column %u is %g", label, i, k, v[k]);
    }
  for (int i = 0; i < rec->n_output; i++)
    if (!isfinite (rec->output[i]))
      g_error ("%s: output %d is %g", label, i, rec->output[i]);
  const gsize slice = (gsize) rec->vol_nx * rec->vol_ny;
  for (gsize i = 0; rec->vol_intensity != NULL && i < slice * rec->vol_count; i++)
    if (!isfinite (rec->vol_intensity[i]) || !isfinite (rec->vol_dn[i]))
      g_error ("%s: volume sample %" G_GSIZE_FORMAT " is not finite (intensity %g, dn %g)",
               label, i, (double) rec->vol_intensity[i], (double) rec->vol_dn[i]);
  for (guint i = 0; rec->vol_z != NULL && i < rec->vol_count; i++)
    g_assert_true (isfinite (rec->vol_z[i]));
}

/* Relative comparison; every caller says why its tolerance is what it is. */
#define assert_rel(a, b, tol)                                                  \
  G_STMT_START {                                                               \
    double _a = (a), _b = (b);                                                 \
    if (!(fabs (_a - _b) <= (tol) * fabs (_b)))                                \
      g_error ("%s = %.12g, expected %s = %.12g (relative error %.3g > %g)",   \
               #a, _a, #b, _b, fabs (_a - _b) / fabs (_b), (double) (tol));    \
  } G_STMT_END

/* pfm_scaling_compute() at @params parameters, which must succeed. */
static G_GNUC_UNUSED PfmScalingPoint
scaling_compute (const PfmScalingInputs *in, double params)
{
  PfmScalingPoint p;
  g_autoptr(GError) error = NULL;
  gboolean ok = pfm_scaling_compute (in, params, &p, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return p;
}

/* A fixture: a fresh temporary folder for each test, named after the
 * prefix given as the test's data, and removed after it.  A trapped
 * subprocess works on its parent's files, and may crash before any
 * teardown: it gets no folder of its own. */
typedef struct
{
  char *dir;
} PfmTestDir;

static G_GNUC_UNUSED void
pfm_test_dir_setup (PfmTestDir *t, gconstpointer prefix)
{
  if (g_test_subprocess ())
    {
      t->dir = NULL;
      return;
    }
  t->dir = pfm_test_tmp_dir (prefix);
}

static G_GNUC_UNUSED void
pfm_test_dir_teardown (PfmTestDir *t, gconstpointer data G_GNUC_UNUSED)
{
  if (t->dir != NULL)
    pfm_test_remove_tree (t->dir);
  g_free (t->dir);
}

/* @name inside the fixture's folder. */
static G_GNUC_UNUSED char *
pfm_test_dir_path (PfmTestDir *t, const char *name)
{
  return g_build_filename (t->dir, name, NULL);
}

/* The contents of @path, which must be readable. */
static G_GNUC_UNUSED GBytes *
pfm_test_read_all (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* The little-endian float at @p. */
static G_GNUC_UNUSED float
pfm_test_le_float (const guint8 *p)
{
  guint32 u = (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
  float f;
  memcpy (&f, &u, 4);
  return f;
}

/* Bitwise equality: NaN-free data, but -0.0 and denormals must survive. */
static G_GNUC_UNUSED void
assert_floats_identical (const float *a, const float *b, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 ua, ub;
      memcpy (&ua, &a[i], 4);
      memcpy (&ub, &b[i], 4);
      if (ua != ub)
        g_error ("element %" G_GSIZE_FORMAT ": %.9g (0x%08x) != %.9g (0x%08x)",
                 i, (double) a[i], ua, (double) b[i], ub);
    }
}
