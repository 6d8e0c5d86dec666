/* pfm-fuzz-targets.h - the bodies of the fuzz targets and what they check
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the libFuzzer entry points (fuzz-project.c, fuzz-indexmap.c)
 * and by test-inputs, which replays the seed corpus and every input that
 * once broke a loader (tests/fuzz/regressions/) in every build, sanitizers
 * included.  A target returns normally when the loader behaved; any broken
 * promise aborts through g_error(), which libFuzzer reports as a crash.
 *
 * The promises: never a crash, a hang or a leak; a refusal comes with one
 * short line of valid UTF-8 (what the CLI prints and the GUI shows) and
 * leaves the caller's data untouched; an accepted input is fully valid and
 * survives a save/load round trip unchanged, also when saved over its
 * own text.
 */
#pragma once

#include <math.h>
#include <string.h>

#include <glib.h>

#include "pfm-config.h"
#include "pfm-medium.h"

/* Longer than any message the loaders write for a one-line error. */
#define PFM_FUZZ_MAX_MESSAGE 1024

G_GNUC_UNUSED static void
pfm_fuzz_check_message (const char *what, const GError *error)
{
  if (error == NULL)
    g_error ("%s: refused without an error", what);
  const char *m = error->message;
  gsize len = strlen (m);
  if (len == 0 || len > PFM_FUZZ_MAX_MESSAGE)
    g_error ("%s: error message of %" G_GSIZE_FORMAT " bytes (accepted 1..%d)",
             what, len, PFM_FUZZ_MAX_MESSAGE);
  if (!g_utf8_validate (m, len, NULL))
    g_error ("%s: error message is not valid UTF-8", what);
  if (strchr (m, '\n') != NULL)
    g_error ("%s: error message is more than one line: %s", what, m);
}

G_GNUC_UNUSED static char *
pfm_fuzz_config_text (const PfmConfig *cfg)
{
  g_autoptr(GKeyFile) kf = pfm_config_to_key_file (cfg);
  return g_key_file_to_data (kf, NULL, NULL);
}

/* Field by field, as the table describes them (cheaper than the text). */
G_GNUC_UNUSED static gboolean
pfm_fuzz_config_equal (const PfmConfig *a, const PfmConfig *b)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    {
      const guint8 *pa = (const guint8 *) a + keys[i].offset;
      const guint8 *pb = (const guint8 *) b + keys[i].offset;
      switch (keys[i].type)
        {
        case PFM_KEY_DOUBLE:
          if (memcmp (pa, pb, sizeof (double)) != 0)
            return FALSE;
          break;
        case PFM_KEY_INT:
        case PFM_KEY_ENUM:
          if (memcmp (pa, pb, sizeof (int)) != 0)
            return FALSE;
          break;
        case PFM_KEY_UINT64:
          if (memcmp (pa, pb, sizeof (guint64)) != 0)
            return FALSE;
          break;
        case PFM_KEY_STRING:
          if (g_strcmp0 (*(char *const *) pa, *(char *const *) pb) != 0)
            return FALSE;
          break;
        case PFM_KEY_DOUBLE_LIST:
          if (a->scaling.n_params != b->scaling.n_params ||
              memcmp (a->scaling.params, b->scaling.params, a->scaling.n_params * sizeof (double)) != 0)
            return FALSE;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/* What an accepted configuration must satisfy. */
G_GNUC_UNUSED static void
pfm_fuzz_check_valid_config (const char *what, const PfmConfig *cfg)
{
  g_autoptr(GError) error = NULL;
  if (!pfm_config_validate (cfg, &error))
    g_error ("%s: accepted, but pfm_config_validate refuses it: %s", what, error->message);
  /* The step count the run will take is the one the validator bounded. */
  if (pfm_config_n_steps (cfg) > 100000000u)
    g_error ("%s: accepted with %u steps (limit 1e8)", what, pfm_config_n_steps (cfg));
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    if (keys[i].type == PFM_KEY_DOUBLE)
      {
        double v = *(const double *) ((const guint8 *) cfg + keys[i].offset);
        if (!isfinite (v))
          g_error ("%s: accepted a non-finite %s.%s", what, keys[i].group, keys[i].key);
      }
  if (cfg->beam.kind == PFM_BEAM_SLM)
    {
      g_autofree double *v = g_new (double, cfg->beam.slm_pixels);
      if (!pfm_config_parse_input_vector (cfg, v, &error))
        g_error ("%s: accepted, but its input vector is refused: %s", what, error->message);
      for (int i = 0; i < cfg->beam.slm_pixels; i++)
        if (!(v[i] >= 0.0 && v[i] <= 1.0))
          g_error ("%s: input value %d = %g outside [0, 1]", what, i, v[i]);
    }
  /* The derived sizes a run starts from are finite and positive. */
  const double derived[] = { pfm_config_voxel (cfg), pfm_config_window (cfg), pfm_config_k0 (cfg),
                             pfm_config_window (cfg) / cfg->grid.n };
  for (guint i = 0; i < G_N_ELEMENTS (derived); i++)
    if (!isfinite (derived[i]) || !(derived[i] > 0.0))
      g_error ("%s: accepted, but a derived size is %g", what, derived[i]);
}

/* Project files: pfm_config_load_data, then the same bytes line by line
 * as --set assignments (the CLI's path into the same table). */
G_GNUC_UNUSED static int
pfm_fuzz_project (const guint8 *data, gsize size)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(PfmConfig) before = pfm_config_copy (cfg);
  g_autoptr(GError) error = NULL;

  if (pfm_config_load_data (cfg, (const char *) data, size, &error))
    {
      pfm_fuzz_check_valid_config ("project file", cfg);
      /* Save and load again: the same configuration, byte for byte. */
      g_autofree char *saved = pfm_fuzz_config_text (cfg);
      g_autoptr(PfmConfig) again = pfm_config_new ();
      g_autoptr(GError) e2 = NULL;
      if (!pfm_config_load_data (again, saved, strlen (saved), &e2))
        g_error ("project file: accepted, but its saved form is refused: %s\n%s", e2->message, saved);
      g_autofree char *resaved = pfm_fuzz_config_text (again);
      if (strcmp (saved, resaved) != 0)
        g_error ("project file: a save/load round trip changed it:\n%s\n---\n%s", saved, resaved);
      /* Saved over its own text (the app's and train's save, which keep
       * the comments): accepted again, the same configuration. */
      gsize kept_len = 0;
      g_autofree char *kept = pfm_config_to_data_keeping (cfg, (const char *) data, size, NULL, &kept_len, &e2);
      if (kept == NULL)
        g_error ("project file: accepted, but it cannot be saved over its own text: %s", e2->message);
      g_autoptr(PfmConfig) over = pfm_config_new ();
      if (!pfm_config_load_data (over, kept, kept_len, &e2))
        g_error ("project file: accepted, but saved over its own text it is refused: %s\n%s", e2->message, kept);
      if (!pfm_fuzz_config_equal (cfg, over))
        g_error ("project file: saved over its own text, it reads differently:\n%s", kept);
    }
  else
    {
      pfm_fuzz_check_message ("project file", error);
      if (!pfm_fuzz_config_equal (before, cfg))
        g_error ("project file: refused (%s), but the configuration changed", error->message);
    }

  /* --set assignments, one per line (at most 64), on one configuration. */
  if (size == 0 || size > 65536 || memchr (data, '\0', size) != NULL)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 65);
  g_autoptr(PfmConfig) set = pfm_config_new ();
  gboolean any = FALSE;
  for (guint i = 0; lines[i] != NULL && i < 64; i++)
    {
      if (!g_utf8_validate (lines[i], -1, NULL))
        continue;
      g_autoptr(PfmConfig) prev = pfm_config_copy (set);
      g_autoptr(GError) e = NULL;
      if (pfm_config_set_assignment (set, lines[i], &e))
        {
          any = TRUE;
          continue;
        }
      pfm_fuzz_check_message ("--set", e);
      if (!pfm_fuzz_config_equal (prev, set))
        g_error ("--set \"%s\" was refused (%s), but the configuration changed", lines[i], e->message);
    }
  if (any)
    {
      /* Every value passed the table one by one; the whole must either be
       * valid or be refused with a clear message, never crash. */
      g_autoptr(GError) e = NULL;
      if (pfm_config_validate (set, &e))
        pfm_fuzz_check_valid_config ("--set", set);
      else
        pfm_fuzz_check_message ("--set validate", e);
    }
  return 0;
}

/* Index maps: pfm_medium_load_map_data (pfm_medium_load_map reads the
 * file and calls it). */
G_GNUC_UNUSED static int
pfm_fuzz_indexmap (const guint8 *data, gsize size)
{
  int nx = -7, ny = -7, nz = -7;
  float *values = NULL;
  g_autoptr(GError) error = NULL;

  if (!pfm_medium_load_map_data ((const char *) data, size, "fuzz.map", &nx, &ny, &nz, &values, &error))
    {
      pfm_fuzz_check_message ("index map", error);
      if (values != NULL || nx != -7 || ny != -7 || nz != -7)
        g_error ("index map: refused (%s), but the outputs were written", error->message);
      return 0;
    }
  g_autofree float *v = values;
  if (nx < 1 || ny < 1 || nz < 1 || nx > 65536 || ny > 65536 || nz > 65536)
    g_error ("index map: accepted dimensions %d x %d x %d", nx, ny, nz);
  const guint64 n = (guint64) nx * ny * nz;
  if (n > PFM_MEDIUM_MAX_FILE_VOXELS || 4 * n > size)
    g_error ("index map: accepted %" G_GUINT64_FORMAT " voxels from %" G_GSIZE_FORMAT " bytes", n, size);
  for (guint64 i = 0; i < n; i++)
    if (!isfinite (v[i]) || fabsf (v[i]) > 0.5f)
      g_error ("index map: accepted voxel %" G_GUINT64_FORMAT " = %g", i, (double) v[i]);

  /* The canonical form (what pfm_medium_save_map writes) loads to the same
   * bits; the input itself was canonical unless its header had spaces
   * around the numbers. */
  GString *canon = g_string_new (NULL);
  g_string_append_printf (canon, "PFM-INDEX-MAP 1\n%d %d %d\n", nx, ny, nz);
  for (guint64 i = 0; i < n; i++)
    {
      guint32 u;
      memcpy (&u, &v[i], 4);
      u = GUINT32_TO_LE (u);
      g_string_append_len (canon, (const char *) &u, 4);
    }
  int mx, my, mz;
  g_autofree float *back = NULL;
  if (!pfm_medium_load_map_data (canon->str, canon->len, "canonical.map", &mx, &my, &mz, &back, &error))
    g_error ("index map: accepted, but its canonical form is refused: %s", error->message);
  if (mx != nx || my != ny || mz != nz || memcmp (back, v, 4 * n) != 0)
    g_error ("index map: the canonical form loads differently");
  g_string_free (canon, TRUE);
  return 0;
}
