/* test-sweep.c - pfm-sweep: specs, the peak-distance metric, JSON round
 * trip and merge
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-record.h"
#include "pfm-sweep.h"
#include "pfm-test-util.h"

static PfmSweepAxis *
axis (const PfmConfig *cfg, const char *spec)
{
  g_autoptr(GError) error = NULL;
  PfmSweepAxis *a = pfm_sweep_axis_parse (cfg, spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

static char *
joined (const PfmSweepAxis *a)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < a->values->len; i++)
    g_string_append_printf (s, "%s%s", i ? " " : "", (const char *) a->values->pdata[i]);
  return g_string_free (s, FALSE);
}

static void
test_specs (void)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  struct { const char *spec, *want; } ok[] = {
    { "medium.delta_n=0,0.01, 0.02", "0 0.01 0.02" },
    { "medium.delta_n=0:0.02:6", "0 0.004 0.008 0.012 0.016 0.02" },
    { "beam.power = 1e-3:1e3:7:log", "0.001 0.01 0.1 1 10 100 1000" },
    { "grid.n=16:64:4", "16 32 48 64" },
    { "medium.seed=1:3:3", "1 2 3" },
    { "medium.voxel=auto,1e-6", "auto 1e-6" },
    { "train.lr=0.5:0.5:1", "0.5" },
    { "defects.sigma=0.1", "0.1" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(PfmSweepAxis) a = axis (cfg, ok[i].spec);
      g_autofree char *got = joined (a);
      g_assert_cmpstr (got, ==, ok[i].want);
    }
  const char *bad[] = {
    "medium.delta_n", "=1", "medium.delta_n=", "medium.delta_n=0,,1", "medium.delta_n=0:1",
    "medium.delta_n=0:1:0", "medium.delta_n=0:1:10001", "medium.delta_n=0:0.1:3:lin",
    "beam.power=0:1:3:log", "grid.n=16:17:3", "tube.profile=none", "beam.input=1",
    "scaling.params=1", "no.key=1", "medium.delta_n=0.6", "medium.delta_n=nan", "medium.delta_n=0:inf:2",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PfmSweepAxis) a = pfm_sweep_axis_parse (cfg, bad[i], &error);
      if (a != NULL)
        g_error ("%s was accepted", bad[i]);
      g_assert_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC);
      g_assert_nonnull (strstr (error->message, "START:STOP:N[:log]"));
    }
}

static void
test_peak_distance (void)
{
  g_autoptr(PfmRecord) rec = pfm_record_new ();
  const double z[] = { 0, 1, 2, 3 }, peak[] = { 1, 4, 13, 40 };
  for (guint i = 0; i < G_N_ELEMENTS (z); i++)
    {
      PfmDiagRow r = { .z = z[i], .peak_intensity = peak[i], .power = 1 };
      g_array_append_val (rec->rows, r);
    }
  /* 10 lies between 4 (z = 1) and 13 (z = 2): z = 1 + 6/9. */
  g_assert_cmpfloat_with_epsilon (pfm_sweep_peak_distance (rec, 10.0), 1.0 + 6.0 / 9.0, 1e-12);
  g_assert_cmpfloat (pfm_sweep_peak_distance (rec, 4.0), ==, 1.0);
  g_assert_true (isnan (pfm_sweep_peak_distance (rec, 100.0)));
  g_assert_cmpfloat (pfm_sweep_peak_distance (rec, 1.0), ==, 0.0);
}

/* A tiny sweep: JSON round trip, shards, merge. */
static void
test_run_merge (void)
{
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=32", "tube.length=1e-5", "grid.dz=1e-6", NULL);
  g_autoptr(PfmSweepAxis) a1 = axis (cfg, "medium.delta_n=0,0.001,0.002");
  g_autoptr(PfmSweepAxis) a2 = axis (cfg, "beam.power=1,2");
  PfmSweepAxis *axes[] = { a1, a2 };
  PfmSweepOptions o;
  pfm_sweep_options_init (&o);
  o.rigor = PFM_PLAN_ESTIMATE;
  o.threads = 1;
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmSweepResult) whole = pfm_sweep_run (cfg, axes, 2, &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->rows->len, ==, 6);
  g_assert_cmpfloat (g_array_index (whole->rows, PfmSweepRow, 0).relative_error, ==, 0.0);
  g_autofree char *text = pfm_sweep_result_to_json (whole);
  g_assert_true (pfm_sweep_is_sweep_json (text, strlen (text)));
  g_autoptr(PfmSweepResult) back = pfm_sweep_result_from_json (text, strlen (text), &error);
  g_assert_no_error (error);
  g_autofree char *again = pfm_sweep_result_to_json (back);
  g_assert_cmpstr (text, ==, again);

  PfmSweepResult *shards[4] = { NULL };
  for (guint i = 0; i < 4; i++)
    {
      o.shard_index = 4 - i;
      o.shard_count = 4;
      shards[i] = pfm_sweep_run (cfg, axes, 2, &o, NULL, &error);
      g_assert_no_error (error);
    }
  g_autoptr(PfmSweepResult) merged = pfm_sweep_merge (shards, 4, &error);
  g_assert_no_error (error);
  g_autofree char *mtext = pfm_sweep_result_to_json (merged);
  g_assert_cmpstr (text, ==, mtext);
  g_autoptr(PfmSweepResult) partial = pfm_sweep_merge (shards, 3, &error);
  g_assert_null (partial);
  g_assert_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH);
  for (guint i = 0; i < 4; i++)
    pfm_sweep_result_free (shards[i]);

  const char *garbage[] = { "", "{}", "[1]", "{\"format\": \"pfm-explorer defects 1\"}",
                            "{\"format\": \"pfm-explorer sweep 1\", \"settings\": {}}" };
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_clear_error (&error);
      g_autoptr(PfmSweepResult) r = pfm_sweep_result_from_json (garbage[i], strlen (garbage[i]), &error);
      g_assert_null (r);
      g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sweep/specs", test_specs);
  g_test_add_func ("/sweep/peak-distance", test_peak_distance);
  g_test_add_func ("/sweep/run-merge", test_run_merge);
  return g_test_run ();
}
