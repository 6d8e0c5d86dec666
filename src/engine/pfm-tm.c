/* pfm-tm.c - transmission matrices: between SLM macro-pixels and detector
 * regions, and of the full field on a basis (docs/physics.md section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in pfm-batch.h.  A region matrix is measured column by
 * column, one propagation per SLM macro-pixel, on the batch's worker pool
 * (pfm-batch-private.h): alone (pfm_batch_region_tm), or inside a batch
 * as the nominal device's matrix and each copy's tm_error.
 */
#define G_LOG_DOMAIN "pfm-batch"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-batch-private.h"
#include "pfm-beam.h"
#include "pfm-detector.h"

/* Region of each grid point, and each region's point count. */
static void
region_map (const PfmConfig *cfg, const PfmGrid *g, int *region, double *count)
{
  for (int r = 0; r < cfg->detector.regions; r++)
    count[r] = 0.0;
  for (int j = 0; j < g->n; j++)
    for (int i = 0; i < g->n; i++)
      {
        const int r = pfm_detector_region (cfg, pfm_grid_x (g, i), pfm_grid_x (g, j));
        region[(gsize) j * g->n + i] = r;
        if (r >= 0)
          count[r] += 1.0;
      }
}

/* The configuration a transmission matrix is measured with. */
static PfmConfig *
tm_config (const PfmConfig *cfg)
{
  PfmConfig *t = pfm_config_copy (cfg);
  t->optics.n2 = 0.0;
  t->beam.kind = PFM_BEAM_SLM;
  t->beam.encoding = PFM_ENCODING_AMPLITUDE;
  return t;
}

/* Columns [p0, p1) of the region transmission matrix of @bpm's device
 * (a tm_config); @tm is nreg x npix complex.  FALSE on a failure, a cancel
 * or an unresolved run (then *unresolved is set). */
static gboolean
region_tm_columns (Batch *B, PfmBpm *bpm, guint p0, guint p1, float *field, double *tm,
                   gboolean *unresolved, guint *columns_done, char **reason)
{
  const PfmConfig *cfg = pfm_bpm_get_config (bpm);
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  const int npix = cfg->beam.slm_pixels, nreg = cfg->detector.regions;
  g_autofree int *region = g_new (int, (gsize) g->n * g->n);
  g_autofree double *count = g_new (double, nreg);
  g_autofree double *values = g_new0 (double, npix);
  g_autofree double *acc = g_new (double, 2 * nreg);
  region_map (cfg, g, region, count);
  const double P = cfg->beam.power;

  for (guint p = p0; p < p1; p++)
    {
      if (pfm_batch_aborted (B))
        return FALSE;
      memset (values, 0, npix * sizeof (double));
      values[p] = 1.0;
      pfm_beam_fill_slm (cfg, g, values, field);
      PfmBpmCallbacks cb = { .progress = pfm_batch_step_cb, .user_data = B, .cancel = &B->abort };
      const PfmRunStatus status = pfm_bpm_execute (bpm, field, NULL, &cb);
      if (status != PFM_RUN_COMPLETED)
        {
          *unresolved = status == PFM_RUN_UNRESOLVED;
          g_autofree char *why = pfm_bpm_stop_reason (bpm);
          if (reason != NULL && why != NULL)
            *reason = g_strdup_printf ("SLM pixel %u: %s", p, why);
          return FALSE;
        }
      const float *F = pfm_bpm_get_field (bpm);
      memset (acc, 0, 2 * nreg * sizeof (double));
      for (gsize q = 0; q < (gsize) g->n * g->n; q++)
        {
          const int r = region[q];
          if (r < 0)
            continue;
          acc[2 * r] += F[2 * q];
          acc[2 * r + 1] += F[2 * q + 1];
        }
      for (int r = 0; r < nreg; r++)
        {
          /* (sum F dx^2) / sqrt(count dx^2 P) */
          const double s = count[r] > 0.0 ? g->dx / sqrt (count[r] * P) : 0.0;
          tm[2 * ((gsize) r * npix + p)] = acc[2 * r] * s;
          tm[2 * ((gsize) r * npix + p) + 1] = acc[2 * r + 1] * s;
        }
      pfm_batch_advance (B, 1);
      (*columns_done)++;
    }
  return TRUE;
}

/* |t - t0|_F / |t0|_F of two @n-value complex matrices: the tm_error
 * metric (pfm-calibration.h); 0 for equal ones. */
static double
tm_distance (const double *t, const double *t0, gsize n)
{
  double se = 0.0, s0 = 0.0;
  for (gsize i = 0; i < 2 * n; i++)
    {
      se += (t[i] - t0[i]) * (t[i] - t0[i]);
      s0 += t0[i] * t0[i];
    }
  return se == 0.0 ? 0.0 : sqrt (se / s0);
}

void
pfm_tm_nominal_job (Batch *B, guint p0, guint p1)
{
  g_autoptr(PfmConfig) tcfg = tm_config (B->nominal);
  g_autoptr(PfmBpm) bpm = pfm_batch_new_bpm (B, tcfg);
  if (bpm == NULL)
    return;
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  g_autofree float *field = pfm_batch_try_field (B, g);
  if (field == NULL)
    return;
  gboolean unresolved = FALSE;
  guint cols = 0;
  g_autofree char *reason = NULL;
  /* Each job fills its own columns of tm0. */
  if (!region_tm_columns (B, bpm, p0, p1, field, B->tm0, &unresolved, &cols, &reason) && unresolved)
    {
      g_autofree char *who = pfm_batch_device_name (tcfg);
      pfm_batch_fail (B, g_error_new (PFM_BATCH_ERROR, PFM_BATCH_ERROR_UNRESOLVED,
                                      "the transmission-matrix run of %s stopped under-resolved at %s",
                                      who, reason ? reason : "a pixel (no reason recorded)"));
    }
}

gboolean
pfm_tm_copy_error (Batch *B, const PfmConfig *cfg, float *field, guint left, double *tm_error)
{
  g_autoptr(PfmConfig) tcfg = tm_config (cfg);
  g_autoptr(PfmBpm) tbpm = pfm_batch_new_bpm (B, tcfg);
  if (tbpm == NULL)
    return FALSE;
  g_autofree double *tm = g_new (double, 2 * (gsize) B->nreg * B->npix);
  gboolean unresolved = FALSE;
  guint cols = 0;
  if (!region_tm_columns (B, tbpm, 0, B->npix, field, tm, &unresolved, &cols, NULL))
    {
      if (unresolved)
        pfm_batch_advance (B, left - cols);
      return FALSE;
    }
  *tm_error = tm_distance (tm, B->tm0, (gsize) B->nreg * B->npix);
  return TRUE;
}

gboolean
pfm_batch_region_tm (const PfmConfig *cfg, const PfmBatchOptions *options, const PfmBatchCallbacks *cb,
                     double *tm, GError **error)
{
  g_return_val_if_fail (cfg != NULL && tm != NULL, FALSE);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  if (options != NULL)
    {
      o.threads = options->threads;
      o.rigor = options->rigor;
      o.memory_budget = options->memory_budget;
    }
  if (!pfm_batch_check_options (&o, error) || !pfm_config_validate (cfg, error))
    return FALSE;
  g_autoptr(PfmConfig) t = tm_config (cfg);
  Batch B;
  pfm_batch_core_init (&B, &o, cb);
  B.npix = t->beam.slm_pixels;
  B.nreg = t->detector.regions;
  B.total = B.npix;
  B.nominal = t;
  B.tm0 = tm;
  gboolean ok = FALSE;
  int threads = pfm_batch_worker_count (t, &o, B.npix, error);
  if (threads > 0)
    {
      if (pfm_batch_warm_up (&B, t))
        {
          g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
          /* tm_config of a tm_config is itself: the job's configuration. */
          pfm_batch_push_chunks (jobs, JOB_NOMINAL_TM, B.npix, threads);
          pfm_batch_run_jobs (&B, threads, jobs);
        }
      ok = pfm_batch_finish (&B, "the transmission matrix was cancelled", error);
    }
  pfm_batch_core_clear (&B);
  return ok;
}

gboolean
pfm_batch_field_tm (const PfmConfig *cfg, const PfmBatchOptions *options, guint n_basis,
                    const float *basis, float *out, GError **error)
{
  g_return_val_if_fail (cfg != NULL && basis != NULL && out != NULL, FALSE);
  PfmBpmOptions bo = { .threads = 1, .rigor = options ? options->rigor : PFM_PLAN_MEASURE,
                       .no_volume = TRUE, .memory_budget = options ? options->memory_budget : 0 };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &bo, error);
  if (bpm == NULL)
    return FALSE;
  const gsize nn = (gsize) cfg->grid.n * cfg->grid.n;
  for (guint k = 0; k < n_basis; k++)
    {
      const PfmBpmOutput o = { .field = out + 2 * nn * k };
      if (pfm_bpm_execute (bpm, basis + 2 * nn * k, &o, NULL) != PFM_RUN_COMPLETED)
        {
          g_autofree char *why = pfm_bpm_stop_reason (bpm);
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_UNRESOLVED,
                       "basis field %u: %s", k, why ? why : "the run did not complete");
          return FALSE;
        }
    }
  return TRUE;
}
