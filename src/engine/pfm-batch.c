/* pfm-batch.c - Monte-Carlo batches of fabricated copies, transmission
 * matrices and the digital calibration layer (docs/physics.md section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in pfm-batch.h.  Work is split into jobs that each own a
 * propagator (FFTW plans come from the in-process wisdom, so every job
 * uses the same algorithm): the nominal device's inputs in chunks, then
 * one job per copy.  A propagation does not depend on what its propagator
 * ran before (pfm_bpm_set_input resets the state; every cache is a pure
 * function of its key), so the numbers do not depend on the chunking.
 */
#define G_LOG_DOMAIN "pfm-batch"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-json.h"
#include "pfm-beam.h"
#include "pfm-defects.h"
#include "pfm-detector.h"
#include "pfm-export.h"
#include "pfm-rng.h"

G_DEFINE_QUARK (pfm-batch-error-quark, pfm_batch_error)

#define FORMAT_NAME "pfm-explorer defects 1"

/* The accepted range of relative and TM errors, wide enough for any
 * device and narrow enough that sums over a million copies stay finite;
 * and the relative error below which the effective bits may overflow to
 * infinity (written as null). */
#define MAX_ERROR 1e100
#define TINY_ERROR 1e-150

enum {
  TAG_TEST = 0x74657374,         /* "test" */
  TAG_CALIBRATION = 0x63616c69,  /* "cali" */
  TAG_DETECTOR = 0x64657465,     /* "dete" */
};

static const char *const metric_names[PFM_N_METRICS] = {
  "relative_error", "cosine_similarity", "effective_bits", "tm_error",
};

const char *
pfm_metric_name (PfmMetric m)
{
  g_return_val_if_fail (m >= 0 && m < PFM_N_METRICS, NULL);
  return metric_names[m];
}

int
pfm_metric_from_name (const char *name)
{
  for (int m = 0; m < PFM_N_METRICS; m++)
    if (g_strcmp0 (name, metric_names[m]) == 0)
      return m;
  return -1;
}

gboolean
pfm_metric_higher_is_better (PfmMetric m)
{
  return m == PFM_METRIC_COSINE_SIMILARITY || m == PFM_METRIC_EFFECTIVE_BITS;
}

const char *
pfm_batch_planning_name (PfmBatchPlanning planning)
{
  switch (planning)
    {
    case PFM_BATCH_PLANNING_MEASURE:
      return "measure";
    case PFM_BATCH_PLANNING_ESTIMATE:
      return "estimate";
    default:
      return "unknown";
    }
}

void
pfm_batch_options_init (PfmBatchOptions *o)
{
  g_return_if_fail (o != NULL);
  memset (o, 0, sizeof *o);
  o->copies = 32;
  o->shard_index = 1;
  o->shard_count = 1;
  o->n_inputs = 16;
  o->n_calibration = 48;
  o->input_seed = 1;
  o->ridge = 1e-2;
  o->yield_metric = PFM_METRIC_RELATIVE_ERROR;
  o->threshold = 0.1;
  o->tm_error = FALSE;
  o->threads = 0;
  o->rigor = PFM_PLAN_MEASURE;
}

void
pfm_batch_shard_range (guint copies, guint shard_index, guint shard_count, guint *first, guint *count)
{
  g_return_if_fail (shard_count >= 1 && shard_index >= 1 && shard_index <= shard_count);
  const guint64 a = (guint64) copies * (shard_index - 1) / shard_count;
  const guint64 b = (guint64) copies * shard_index / shard_count;
  *first = (guint) a;
  *count = (guint) (b - a);
}

static gboolean
check_options (const PfmBatchOptions *o, GError **error)
{
  if (o->copies < 1 || o->copies > 1000000)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS,
                   "copies = %u: accepted [1, 1000000]", o->copies);
      return FALSE;
    }
  if (o->shard_count < 1 || o->shard_count > o->copies || o->shard_index < 1 || o->shard_index > o->shard_count)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS,
                   "shard %u/%u: accepted I/K with 1 <= I <= K <= copies (%u)",
                   o->shard_index, o->shard_count, o->copies);
      return FALSE;
    }
  if (o->n_inputs < 1 || o->n_inputs > 100000 || o->n_calibration > 100000)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS,
                   "%u test and %u calibration inputs: accepted [1, 100000] and [0, 100000]",
                   o->n_inputs, o->n_calibration);
      return FALSE;
    }
  if (!(o->ridge >= 0.0 && o->ridge <= 1e6) || !isfinite (o->threshold) ||
      o->yield_metric < 0 || o->yield_metric >= PFM_N_METRICS ||
      (o->yield_metric == PFM_METRIC_TM_ERROR && !o->tm_error))
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS,
                   "ridge = %g, threshold = %g, yield metric %d: accepted a ridge in [0, 1e6], a finite threshold "
                   "and a measured metric", o->ridge, o->threshold, (int) o->yield_metric);
      return FALSE;
    }
  if (o->threads < 0 || o->threads > 1024)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS,
                   "threads = %d: accepted [1, 1024], or 0 for the CPUs that fit the memory budget", o->threads);
      return FALSE;
    }
  return TRUE;
}

/* ---- metrics and calibration -------------------------------------------- */

void
pfm_batch_metrics (const double *y, const double *y0, guint n, guint dim, double *metric)
{
  double se = 0.0, s0 = 0.0, cos_sum = 0.0;
  for (guint i = 0; i < n; i++)
    {
      const double *a = y + (gsize) i * dim, *b = y0 + (gsize) i * dim;
      double ab = 0.0, aa = 0.0, bb = 0.0;
      for (guint r = 0; r < dim; r++)
        {
          const double d = a[r] - b[r];
          se += d * d;
          ab += a[r] * b[r];
          aa += a[r] * a[r];
          bb += b[r] * b[r];
        }
      s0 += bb;
      /* Two dark vectors agree; one dark vector is orthogonal to anything. */
      cos_sum += (aa > 0.0 && bb > 0.0) ? ab / sqrt (aa * bb) : (aa == bb ? 1.0 : 0.0);
    }
  metric[PFM_METRIC_RELATIVE_ERROR] = se == 0.0 ? 0.0 : (s0 > 0.0 ? sqrt (se / s0) : INFINITY);
  metric[PFM_METRIC_COSINE_SIMILARITY] = n > 0 ? cos_sum / n : NAN;
  /* rms over the same count of values: the ratio of the sums. */
  metric[PFM_METRIC_EFFECTIVE_BITS] = se == 0.0 ? INFINITY : (s0 > 0.0 ? 0.5 * log2 (s0 / se) : -INFINITY);
}

/* Cholesky factorisation in place (lower triangle); FALSE if not positive definite. */
static gboolean
cholesky (double *M, guint d)
{
  for (guint j = 0; j < d; j++)
    {
      double s = M[(gsize) j * d + j];
      for (guint k = 0; k < j; k++)
        s -= M[(gsize) j * d + k] * M[(gsize) j * d + k];
      if (!(s > 0.0))
        return FALSE;
      const double l = sqrt (s);
      M[(gsize) j * d + j] = l;
      for (guint i = j + 1; i < d; i++)
        {
          double t = M[(gsize) i * d + j];
          for (guint k = 0; k < j; k++)
            t -= M[(gsize) i * d + k] * M[(gsize) j * d + k];
          M[(gsize) i * d + j] = t / l;
        }
    }
  return TRUE;
}

/* Solves L L^T x = b in place (L from cholesky). */
static void
cholesky_solve (const double *L, guint d, double *x)
{
  for (guint i = 0; i < d; i++)
    {
      double t = x[i];
      for (guint k = 0; k < i; k++)
        t -= L[(gsize) i * d + k] * x[k];
      x[i] = t / L[(gsize) i * d + i];
    }
  for (guint i = d; i-- > 0;)
    {
      double t = x[i];
      for (guint k = i + 1; k < d; k++)
        t -= L[(gsize) k * d + i] * x[k];
      x[i] = t / L[(gsize) i * d + i];
    }
}

gboolean
pfm_calibration_fit (const double *y, const double *y0, guint n, guint d, double ridge, double *A, double *b)
{
  g_return_val_if_fail (y != NULL && y0 != NULL && A != NULL && b != NULL && d > 0, FALSE);
  if (n == 0)
    return FALSE;
  g_autofree double *my = g_new0 (double, d);
  g_autofree double *m0 = g_new0 (double, d);
  for (guint c = 0; c < n; c++)
    for (guint r = 0; r < d; r++)
      {
        my[r] += y[(gsize) c * d + r];
        m0[r] += y0[(gsize) c * d + r];
      }
  for (guint r = 0; r < d; r++)
    {
      my[r] /= n;
      m0[r] /= n;
    }

  /* C = sum x x^T and B = sum x t^T of the centred outputs. */
  g_autofree double *C = g_new0 (double, (gsize) d * d);
  g_autofree double *W = g_new0 (double, (gsize) d * d);
  g_autofree double *x = g_new (double, d);
  g_autofree double *t = g_new (double, d);
  for (guint c = 0; c < n; c++)
    {
      for (guint r = 0; r < d; r++)
        {
          x[r] = y[(gsize) c * d + r] - my[r];
          t[r] = y0[(gsize) c * d + r] - m0[r];
        }
      for (guint i = 0; i < d; i++)
        for (guint j = 0; j < d; j++)
          {
            C[(gsize) i * d + j] += x[i] * x[j];
            W[(gsize) i * d + j] += x[i] * t[j];
          }
    }
  double trace = 0.0;
  for (guint i = 0; i < d; i++)
    trace += C[(gsize) i * d + i];
  const double lambda = ridge * trace / d;

  if (trace == 0.0)
    {
      /* Nothing varies: the layer can only shift (A = I). */
      memset (A, 0, (gsize) d * d * sizeof (double));
      for (guint i = 0; i < d; i++)
        {
          A[(gsize) i * d + i] = 1.0;
          b[i] = m0[i] - my[i];
        }
      return TRUE;
    }

  /* (C + lambda I) W = B + lambda I, then A = W^T. */
  for (guint i = 0; i < d; i++)
    {
      C[(gsize) i * d + i] += lambda;
      W[(gsize) i * d + i] += lambda;
    }
  if (!cholesky (C, d))
    return FALSE;
  g_autofree double *col = g_new (double, d);
  for (guint r = 0; r < d; r++)
    {
      for (guint k = 0; k < d; k++)
        col[k] = W[(gsize) k * d + r];
      cholesky_solve (C, d, col);
      for (guint k = 0; k < d; k++)
        A[(gsize) r * d + k] = col[k];
    }
  for (guint r = 0; r < d; r++)
    {
      double s = m0[r];
      for (guint k = 0; k < d; k++)
        s -= A[(gsize) r * d + k] * my[k];
      b[r] = s;
    }
  for (gsize i = 0; i < (gsize) d * d; i++)
    if (!isfinite (A[i]))
      return FALSE;
  return TRUE;
}

void
pfm_calibration_apply (const double *A, const double *b, guint d, const double *y, double *out)
{
  for (guint r = 0; r < d; r++)
    {
      double s = b[r];
      for (guint k = 0; k < d; k++)
        s += A[(gsize) r * d + k] * y[k];
      out[r] = s;
    }
}

/* ---- the batch ------------------------------------------------------------ */

typedef struct
{
  const PfmBatchOptions   *o;
  const PfmBatchCallbacks *cb;
  PfmConfig *nominal;        /* ideal I/O, no defects */
  PfmConfig *base;           /* the configuration: copies take its I/O */
  int        npix, nreg;
  guint      n_all;          /* calibration inputs first, then test inputs */
  double    *inputs;         /* n_all x npix */
  double    *y0;             /* n_all x nreg */
  double    *tm0;            /* nreg x npix complex, when tm_error */
  guint      first, count;   /* the shard's copies */
  const guint *index;        /* or, when set, these count copies (merge --verify) */
  PfmCopyResult *results;    /* count */

  GMutex     lock;
  guint      done, total;
  gint       abort;
  GError    *error;
} Batch;

typedef enum {
  JOB_NOMINAL_INPUTS,
  JOB_NOMINAL_TM,
  JOB_COPY,
} JobKind;

typedef struct
{
  JobKind kind;
  guint   a, b;              /* inputs / pixels [a, b), or the copy's slot a */
} Job;

static void
fail (Batch *B, GError *error)
{
  g_mutex_lock (&B->lock);
  if (B->error == NULL)
    B->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&B->lock);
  g_atomic_int_set (&B->abort, 1);
}

static void
advance (Batch *B, guint n)
{
  g_mutex_lock (&B->lock);
  B->done += n;
  if (B->cb && B->cb->progress)
    B->cb->progress (B->done, B->total, B->cb->user_data);
  g_mutex_unlock (&B->lock);
}

static void
step_cb (guint step, guint n_steps, double z, gpointer user_data)
{
  Batch *B = user_data;
  if (B->cb && B->cb->cancel && g_atomic_int_get (B->cb->cancel))
    g_atomic_int_set (&B->abort, 1);
}

static gboolean
aborted (Batch *B)
{
  if (B->cb && B->cb->cancel && g_atomic_int_get (B->cb->cancel))
    g_atomic_int_set (&B->abort, 1);
  return g_atomic_int_get (&B->abort) != 0;
}

static void
input_vector (guint64 seed, guint64 tag, guint i, int npix, double *v)
{
  PfmRng rng;
  pfm_rng_init (&rng, pfm_rng_hash (seed, tag, i, 0));
  for (int p = 0; p < npix; p++)
    v[p] = pfm_rng_uniform (&rng);
}

static PfmBpm *
new_bpm (Batch *B, const PfmConfig *cfg)
{
  PfmBpmOptions bo = { .threads = 1, .rigor = B->o->rigor, .no_volume = TRUE,
                       .memory_budget = G_MAXUINT64 };
  GError *error = NULL;
  PfmBpm *bpm = pfm_bpm_new (cfg, &bo, &error);
  if (bpm == NULL)
    fail (B, error);
  return bpm;
}

/* An input field of the grid, checked: a worker that cannot get one fails
 * the batch with "out of memory" rather than aborting the process. */
static float *
try_field (Batch *B, const PfmGrid *g)
{
  float *f = g_try_new (float, 2 * (gsize) g->n * g->n);
  if (f == NULL)
    fail (B, g_error_new (PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                          "out of memory for a %d x %d input field: lower grid.n or use fewer threads", g->n, g->n));
  return f;
}

/* How messages name the device a run was made on. */
static char *
device_name (const PfmConfig *cfg)
{
  if (pfm_defects_active (cfg))
    return g_strdup_printf ("the fabricated copy (defects.seed = %" G_GUINT64_FORMAT ")", cfg->defects.seed);
  return g_strdup ("the nominal device");
}

/* Propagates one SLM input; reads the regions into @y.  Returns the run's
 * status, or -1 on a hard failure (recorded in B). */
static int
run_input (Batch *B, PfmBpm *bpm, const double *values, float *field, guint64 noise_seed, double *y,
           char **reason)
{
  const PfmConfig *cfg = pfm_bpm_get_config (bpm);
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  pfm_beam_fill_slm (cfg, g, values, field);
  pfm_bpm_set_input (bpm, field);
  PfmBpmCallbacks cb = { .progress = step_cb, .user_data = B, .cancel = &B->abort };
  GError *error = NULL;
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &cb, &error);
  if (rec == NULL)
    {
      fail (B, error);
      return -1;
    }
  if (rec->status == PFM_RUN_COMPLETED)
    pfm_detector_read (cfg, g, pfm_bpm_get_field (bpm), noise_seed, y);
  if (reason != NULL && rec->stop_reason != NULL)
    *reason = g_strdup (rec->stop_reason);
  return rec->status;
}

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
      if (aborted (B))
        return FALSE;
      memset (values, 0, npix * sizeof (double));
      values[p] = 1.0;
      pfm_beam_fill_slm (cfg, g, values, field);
      pfm_bpm_set_input (bpm, field);
      PfmBpmCallbacks cb = { .progress = step_cb, .user_data = B, .cancel = &B->abort };
      GError *error = NULL;
      g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &cb, &error);
      if (rec == NULL)
        {
          fail (B, error);
          return FALSE;
        }
      if (rec->status != PFM_RUN_COMPLETED)
        {
          *unresolved = rec->status == PFM_RUN_UNRESOLVED;
          if (reason != NULL && rec->stop_reason != NULL)
            *reason = g_strdup_printf ("SLM pixel %u: %s", p, rec->stop_reason);
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
      advance (B, 1);
      (*columns_done)++;
    }
  return TRUE;
}

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

static void
copy_job (Batch *B, guint slot)
{
  const PfmBatchOptions *o = B->o;
  PfmCopyResult *res = &B->results[slot];
  const guint j = B->index ? B->index[slot] : B->first + slot;
  const guint per_copy = B->n_all + (o->tm_error ? (guint) B->npix : 0);
  res->index = j;
  res->seed = pfm_defects_copy_seed (B->base->defects.seed, j);
  res->resolved = FALSE;
  for (int m = 0; m < PFM_N_METRICS; m++)
    res->metric[m] = res->calibrated[m] = NAN;

  g_autoptr(PfmConfig) cfg = pfm_config_copy (B->base);
  cfg->defects.seed = res->seed;
  g_autoptr(PfmBpm) bpm = new_bpm (B, cfg);
  if (bpm == NULL)
    return;
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  g_autofree float *field = try_field (B, g);
  g_autofree double *Y = g_try_new (double, (gsize) B->n_all * B->nreg);
  if (field == NULL || Y == NULL)
    {
      if (field != NULL)
        fail (B, g_error_new (PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY, "out of memory for a copy's outputs"));
      return;
    }

  guint done = 0;
  for (guint i = 0; i < B->n_all; i++)
    {
      if (aborted (B))
        return;
      const guint64 noise_seed = pfm_rng_hash (res->seed, TAG_DETECTOR, i, 0);
      int st = run_input (B, bpm, B->inputs + (gsize) i * B->npix, field, noise_seed, Y + (gsize) i * B->nreg, NULL);
      if (st < 0 || st == PFM_RUN_CANCELLED)
        return;
      done++;
      advance (B, 1);
      if (st != PFM_RUN_COMPLETED)
        {
          /* Under-resolved: no metrics for this copy. */
          advance (B, per_copy - done);
          return;
        }
    }
  g_clear_pointer (&bpm, pfm_bpm_free);

  const guint nc = o->n_calibration, nt = o->n_inputs, R = B->nreg;
  const double *Yt = Y + (gsize) nc * R, *Y0t = B->y0 + (gsize) nc * R;
  pfm_batch_metrics (Yt, Y0t, nt, R, res->metric);
  if (nc > 0)
    {
      g_autofree double *A = g_new (double, (gsize) R * R);
      g_autofree double *b = g_new (double, R);
      if (pfm_calibration_fit (Y, B->y0, nc, R, o->ridge, A, b))
        {
          g_autofree double *Yc = g_new (double, (gsize) nt * R);
          for (guint i = 0; i < nt; i++)
            pfm_calibration_apply (A, b, R, Yt + (gsize) i * R, Yc + (gsize) i * R);
          pfm_batch_metrics (Yc, Y0t, nt, R, res->calibrated);
        }
    }

  if (o->tm_error)
    {
      g_autoptr(PfmConfig) tcfg = tm_config (cfg);
      g_autoptr(PfmBpm) tbpm = new_bpm (B, tcfg);
      if (tbpm == NULL)
        return;
      g_autofree double *tm = g_new (double, 2 * (gsize) B->nreg * B->npix);
      gboolean unresolved = FALSE;
      guint cols = 0;
      if (!region_tm_columns (B, tbpm, 0, B->npix, field, tm, &unresolved, &cols, NULL))
        {
          if (unresolved)
            advance (B, per_copy - done - cols);
          return;
        }
      res->metric[PFM_METRIC_TM_ERROR] = tm_distance (tm, B->tm0, (gsize) B->nreg * B->npix);
    }
  res->resolved = TRUE;
}

static void
job_func (gpointer data, gpointer user_data)
{
  Job *job = data;
  Batch *B = user_data;

  if (!aborted (B))
    switch (job->kind)
      {
      case JOB_NOMINAL_INPUTS:
        {
          g_autoptr(PfmBpm) bpm = new_bpm (B, B->nominal);
          if (bpm == NULL)
            break;
          const PfmGrid *g = pfm_bpm_get_grid (bpm);
          g_autofree float *field = try_field (B, g);
          for (guint i = job->a; field != NULL && i < job->b && !aborted (B); i++)
            {
              g_autofree char *reason = NULL;
              int st = run_input (B, bpm, B->inputs + (gsize) i * B->npix, field, 0, B->y0 + (gsize) i * B->nreg,
                                  &reason);
              if (st == PFM_RUN_UNRESOLVED)
                {
                  g_autofree char *who = device_name (B->nominal);
                  fail (B, g_error_new (PFM_BATCH_ERROR, PFM_BATCH_ERROR_UNRESOLVED,
                                        "the run of %s for input %u stopped under-resolved: %s; "
                                        "fix the grid or the power first (see pfm-cli propagate)",
                                        who, i, reason ? reason : "no reason recorded"));
                }
              if (st != PFM_RUN_COMPLETED)
                break;
              advance (B, 1);
            }
          break;
        }
      case JOB_NOMINAL_TM:
        {
          g_autoptr(PfmConfig) tcfg = tm_config (B->nominal);
          g_autoptr(PfmBpm) bpm = new_bpm (B, tcfg);
          if (bpm == NULL)
            break;
          const PfmGrid *g = pfm_bpm_get_grid (bpm);
          g_autofree float *field = try_field (B, g);
          if (field == NULL)
            break;
          gboolean unresolved = FALSE;
          guint cols = 0;
          g_autofree char *reason = NULL;
          /* Each job fills its own columns of tm0. */
          if (!region_tm_columns (B, bpm, job->a, job->b, field, B->tm0, &unresolved, &cols, &reason) && unresolved)
            {
              g_autofree char *who = device_name (tcfg);
              fail (B, g_error_new (PFM_BATCH_ERROR, PFM_BATCH_ERROR_UNRESOLVED,
                                    "the transmission-matrix run of %s stopped under-resolved at %s",
                                    who, reason ? reason : "a pixel (no reason recorded)"));
            }
          break;
        }
      case JOB_COPY:
        copy_job (B, job->a);
        break;
      }
  g_free (job);
}

guint64
pfm_batch_estimate_memory (const PfmConfig *cfg, const PfmBatchOptions *options)
{
  g_return_val_if_fail (cfg != NULL, 0);
  PfmBatchOptions defaults;
  pfm_batch_options_init (&defaults);
  const PfmBatchOptions *o = options ? options : &defaults;
  PfmBpmOptions bo = { .threads = 1, .no_volume = TRUE };
  const guint64 nn = (guint64) cfg->grid.n * cfg->grid.n;
  /* A propagator, an input field, a region map; the outputs of every input. */
  return pfm_bpm_estimate_memory (cfg, &bo) + nn * (8 + 4) +
         (guint64) (o->n_inputs + o->n_calibration) * cfg->detector.regions * sizeof (double);
}

/* How many workers: the asked number, or the CPUs that fit the budget. */
static int
worker_count (const PfmConfig *cfg, const PfmBatchOptions *o, guint jobs, GError **error)
{
  const guint64 budget = o->memory_budget ? o->memory_budget : pfm_bpm_default_memory_budget ();
  const guint64 per = pfm_batch_estimate_memory (cfg, o);
  if (per > budget)
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "one copy of grid.n = %d needs about %.3g MiB, over the memory budget of %.3g MiB: "
                   "lower grid.n or raise PFM_MEMORY_BUDGET", cfg->grid.n, per / 1048576.0, budget / 1048576.0);
      return 0;
    }
  if (o->threads > 0)
    {
      if ((guint64) o->threads * per > budget)
        {
          g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                       "%d threads each need about %.3g MiB, %.3g MiB in all, over the memory budget of %.3g MiB: "
                       "use at most %d threads or raise PFM_MEMORY_BUDGET", o->threads, per / 1048576.0,
                       o->threads * (per / 1048576.0), budget / 1048576.0, (int) (budget / per));
          return 0;
        }
      return o->threads;
    }
  guint64 n = MIN ((guint64) g_get_num_processors (), budget / per);
  return (int) CLAMP (n, 1, MAX (jobs, 1));
}

static gboolean
run_jobs (Batch *B, int threads, GPtrArray *jobs)
{
  if (threads <= 1 || jobs->len <= 1)
    {
      for (guint i = 0; i < jobs->len; i++)
        job_func (jobs->pdata[i], B);
      return TRUE;
    }
  GError *error = NULL;
  GThreadPool *pool = g_thread_pool_new (job_func, B, MIN ((guint) threads, jobs->len), FALSE, &error);
  if (pool == NULL)
    {
      fail (B, error);
      for (guint i = 0; i < jobs->len; i++)
        g_free (jobs->pdata[i]);
      return FALSE;
    }
  for (guint i = 0; i < jobs->len; i++)
    g_thread_pool_push (pool, jobs->pdata[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  return TRUE;
}

static Job *
job_new (JobKind kind, guint a, guint b)
{
  Job *j = g_new (Job, 1);
  j->kind = kind;
  j->a = a;
  j->b = b;
  return j;
}

/* Splits [0, n) into at most @parts contiguous jobs. */
static void
push_chunks (GPtrArray *jobs, JobKind kind, guint n, int parts)
{
  parts = MAX (1, MIN (parts, (int) n));
  for (int k = 0; k < parts; k++)
    {
      guint a = (guint) ((guint64) n * k / parts), b = (guint) ((guint64) n * (k + 1) / parts);
      if (b > a)
        g_ptr_array_add (jobs, job_new (kind, a, b));
    }
}

static void
settings_from_config (PfmBatchResult *res, const PfmConfig *cfg)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (res->keys, g_strdup_printf ("%s.%s", keys[i].group, keys[i].key));
      g_ptr_array_add (res->values, pfm_config_get_string (cfg, &keys[i]));
    }
}

static PfmBatchResult *
result_new (void)
{
  PfmBatchResult *r = g_new0 (PfmBatchResult, 1);
  r->keys = g_ptr_array_new_with_free_func (g_free);
  r->values = g_ptr_array_new_with_free_func (g_free);
  r->copies = g_array_new (FALSE, TRUE, sizeof (PfmCopyResult));
  r->input_keys = g_ptr_array_new_with_free_func (g_free);
  r->input_sha256 = g_ptr_array_new_with_free_func (g_free);
  return r;
}

void
pfm_batch_result_free (PfmBatchResult *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->keys);
  g_ptr_array_unref (r->values);
  g_array_unref (r->copies);
  g_ptr_array_unref (r->input_keys);
  g_ptr_array_unref (r->input_sha256);
  g_free (r->source);
  g_free (r);
}

/* The SHA-256 of a file's bytes (lowercase hex), read in blocks: an index
 * map can be large. */
static char *
hash_file (const char *key, const char *path, GError **error)
{
  FILE *f = g_fopen (path, "rb");
  if (f == NULL)
    {
      const int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "could not read %s = %s to record its checksum: %s",
                   key, path, g_strerror (e));
      return NULL;
    }
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (1 << 16);
  size_t got;
  while ((got = fread (buf, 1, 1 << 16, f)) > 0)
    g_checksum_update (sum, buf, got);
  const gboolean bad = ferror (f) != 0;
  const int e = errno;
  fclose (f);
  if (bad)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "could not read %s = %s to record its checksum: %s",
                   key, path, g_strerror (e));
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* Records the contents of every file @cfg makes the batch read.  A path
 * that is not a regular file is left to the loader, whose refusal then
 * stops the batch with its own message (a FIFO would never end). */
static gboolean
record_inputs (PfmBatchResult *r, const PfmConfig *cfg, GError **error)
{
  GStatBuf st;
  if (cfg->medium.kind == PFM_MEDIUM_FILE && cfg->medium.file != NULL && cfg->medium.file[0] != '\0' &&
      g_stat (cfg->medium.file, &st) == 0 && S_ISREG (st.st_mode))
    {
      char *hex = hash_file ("medium.file", cfg->medium.file, error);
      if (hex == NULL)
        return FALSE;
      g_ptr_array_add (r->input_keys, g_strdup ("medium.file"));
      g_ptr_array_add (r->input_sha256, hex);
    }
  return TRUE;
}

static gboolean
passes (const PfmBatchOptions *o, double v)
{
  if (isnan (v))
    return FALSE;
  return pfm_metric_higher_is_better (o->yield_metric) ? v >= o->threshold : v <= o->threshold;
}

static void
stats_of (const PfmBatchResult *r, gboolean calibrated, int m, PfmMetricStats *s)
{
  double sum = 0.0, lo = INFINITY, hi = -INFINITY;
  guint n = 0;
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      const double v = calibrated ? c->calibrated[m] : c->metric[m];
      if (!c->resolved || isnan (v))
        continue;
      sum += v;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
      n++;
    }
  s->mean = n > 0 ? sum / n : NAN;
  double ss = 0.0;
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      const double v = calibrated ? c->calibrated[m] : c->metric[m];
      if (!c->resolved || isnan (v))
        continue;
      ss += (v - s->mean) * (v - s->mean);
    }
  s->std = n > 1 ? sqrt (ss / (n - 1)) : (n == 1 ? 0.0 : NAN);
  s->min = n > 0 ? lo : NAN;
  s->max = n > 0 ? hi : NAN;
}

void
pfm_batch_result_summarize (PfmBatchResult *r)
{
  g_return_if_fail (r != NULL);
  r->n_resolved = 0;
  guint pass = 0, pass_cal = 0;
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      if (!c->resolved)
        continue;
      r->n_resolved++;
      pass += passes (&r->options, c->metric[r->options.yield_metric]);
      /* The TM is not calibrated: its yield stays what it was. */
      pass_cal += passes (&r->options, r->options.yield_metric == PFM_METRIC_TM_ERROR
                                        ? c->metric[PFM_METRIC_TM_ERROR] : c->calibrated[r->options.yield_metric]);
    }
  for (int m = 0; m < PFM_N_METRICS; m++)
    {
      stats_of (r, FALSE, m, &r->stats[m]);
      stats_of (r, TRUE, m, &r->stats_calibrated[m]);
    }
  const guint n = r->copies->len;
  r->yield = n > 0 ? (double) pass / n : NAN;
  r->yield_calibrated = n > 0 && r->options.n_calibration > 0 ? (double) pass_cal / n : NAN;
}

static PfmBatchResult *
batch_run (const PfmConfig *cfg, const PfmBatchOptions *o, const PfmBatchCallbacks *cb,
           guint done_offset, guint total_scale, const guint *index, guint n_index, GError **error);

typedef struct
{
  const PfmBatchCallbacks *outer;
  guint offset, factor;
} ScaledProgress;

static void
scaled_progress (guint done, guint total, gpointer user_data)
{
  ScaledProgress *sp = user_data;
  sp->outer->progress (sp->offset * total + done, sp->factor * total, sp->outer->user_data);
}

PfmBatchResult *
pfm_batch_run (const PfmConfig *cfg, const PfmBatchOptions *options, const PfmBatchCallbacks *cb, GError **error)
{
  return batch_run (cfg, options, cb, 0, 1, NULL, 0, error);
}

/* The batch, or (@index set) only its @n_index copies @index. */
static PfmBatchResult *
batch_run (const PfmConfig *cfg, const PfmBatchOptions *options, const PfmBatchCallbacks *cb,
           guint offset, guint factor, const guint *index, guint n_index, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  PfmBatchOptions defaults;
  pfm_batch_options_init (&defaults);
  const PfmBatchOptions *o = options ? options : &defaults;
  if (!check_options (o, error) || !pfm_config_validate (cfg, error))
    return NULL;
  for (guint i = 0; index != NULL && i < n_index; i++)
    if (index[i] >= o->copies)
      {
        g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS, "copy %u: the batch has copies 0 to %u",
                     index[i], o->copies - 1);
        return NULL;
      }
  /* The input files' contents, before any copy reads them: merge compares
   * them between shards. */
  g_autoptr(PfmBatchResult) inputs = result_new ();
  if (!record_inputs (inputs, cfg, error))
    return NULL;

  ScaledProgress sp = { cb, offset, factor };
  PfmBatchCallbacks scb = { .progress = (cb && cb->progress) ? scaled_progress : NULL,
                            .user_data = &sp, .cancel = cb ? cb->cancel : NULL };

  Batch B = { 0 };
  B.o = o;
  B.cb = &scb;
  g_mutex_init (&B.lock);
  B.base = pfm_config_copy (cfg);
  B.base->beam.kind = PFM_BEAM_SLM;
  B.nominal = pfm_config_copy (B.base);
  pfm_defects_nominal (B.nominal);
  B.npix = cfg->beam.slm_pixels;
  B.nreg = cfg->detector.regions;
  B.n_all = o->n_calibration + o->n_inputs;
  pfm_batch_shard_range (o->copies, o->shard_index, o->shard_count, &B.first, &B.count);
  if (index != NULL)
    {
      B.index = index;
      B.first = 0;
      B.count = n_index;
    }
  B.inputs = g_new (double, (gsize) B.n_all * B.npix);
  B.y0 = g_new0 (double, (gsize) B.n_all * B.nreg);
  B.results = g_new0 (PfmCopyResult, B.count);
  if (o->tm_error)
    B.tm0 = g_new0 (double, 2 * (gsize) B.nreg * B.npix);
  for (guint i = 0; i < o->n_calibration; i++)
    input_vector (o->input_seed, TAG_CALIBRATION, i, B.npix, B.inputs + (gsize) i * B.npix);
  for (guint i = 0; i < o->n_inputs; i++)
    input_vector (o->input_seed, TAG_TEST, i, B.npix, B.inputs + (gsize) (o->n_calibration + i) * B.npix);

  const guint tm_cols = o->tm_error ? (guint) B.npix : 0;
  B.total = (B.n_all + tm_cols) * (B.count + 1);

  PfmBatchResult *result = NULL;
  int threads = worker_count (B.base, o, MAX (B.count, 1), error);
  if (threads > 0)
    {
      /* Plan once here, alone: the workers then share the same plans. */
      g_autoptr(PfmBpm) warm = new_bpm (&B, B.nominal);
      g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
      if (warm != NULL)
        {
          g_clear_pointer (&warm, pfm_bpm_free);
          push_chunks (jobs, JOB_NOMINAL_INPUTS, B.n_all, threads);
          if (o->tm_error)
            push_chunks (jobs, JOB_NOMINAL_TM, tm_cols, threads);
          run_jobs (&B, threads, jobs);
        }
      g_ptr_array_set_size (jobs, 0);
      if (!aborted (&B))
        {
          for (guint s = 0; s < B.count; s++)
            g_ptr_array_add (jobs, job_new (JOB_COPY, s, s));
          run_jobs (&B, threads, jobs);
        }

      if (B.error != NULL)
        g_propagate_error (error, g_steal_pointer (&B.error));
      else if (aborted (&B))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the batch was cancelled");
      else
        {
          result = result_new ();
          settings_from_config (result, cfg);
          result->options = *o;
          result->options.threads = 0;
          result->options.rigor = PFM_PLAN_MEASURE;
          result->planning = o->rigor == PFM_PLAN_ESTIMATE ? PFM_BATCH_PLANNING_ESTIMATE : PFM_BATCH_PLANNING_MEASURE;
          result->options.memory_budget = 0;
          g_array_append_vals (result->copies, B.results, B.count);
          for (guint i = 0; i < inputs->input_keys->len; i++)
            {
              g_ptr_array_add (result->input_keys, g_strdup (inputs->input_keys->pdata[i]));
              g_ptr_array_add (result->input_sha256, g_strdup (inputs->input_sha256->pdata[i]));
            }
          pfm_batch_result_summarize (result);
        }
    }

  g_clear_error (&B.error);
  g_mutex_clear (&B.lock);
  pfm_config_free (B.base);
  pfm_config_free (B.nominal);
  g_free (B.inputs);
  g_free (B.y0);
  g_free (B.tm0);
  g_free (B.results);
  return result;
}

gboolean
pfm_batch_sweep (const PfmConfig *cfg, const char *key, const char *const *values, guint n_values,
                 const PfmBatchOptions *options, const PfmBatchCallbacks *cb,
                 PfmBatchResult **results, GError **error)
{
  g_return_val_if_fail (cfg != NULL && key != NULL && results != NULL, FALSE);
  for (guint k = 0; k < n_values; k++)
    results[k] = NULL;
  for (guint k = 0; k < n_values; k++)
    {
      g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
      if (!pfm_config_set (c, key, values[k], error) || !pfm_config_validate (c, error))
        goto failed;
      results[k] = batch_run (c, options, cb, k, n_values, NULL, 0, error);
      if (results[k] == NULL)
        goto failed;
    }
  return TRUE;

failed:
  for (guint k = 0; k < n_values; k++)
    g_clear_pointer (&results[k], pfm_batch_result_free);
  return FALSE;
}

/* ---- transmission matrices ------------------------------------------------ */

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
  if (!check_options (&o, error) || !pfm_config_validate (cfg, error))
    return FALSE;
  g_autoptr(PfmConfig) t = tm_config (cfg);
  Batch B = { 0 };
  B.o = &o;
  B.cb = cb;
  g_mutex_init (&B.lock);
  B.npix = t->beam.slm_pixels;
  B.nreg = t->detector.regions;
  B.total = B.npix;
  B.nominal = t;
  B.tm0 = tm;
  gboolean ok = FALSE;
  int threads = worker_count (t, &o, B.npix, error);
  if (threads > 0)
    {
      g_autoptr(PfmBpm) warm = new_bpm (&B, t);
      if (warm != NULL)
        {
          g_clear_pointer (&warm, pfm_bpm_free);
          g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
          /* tm_config of a tm_config is itself: the job's configuration. */
          push_chunks (jobs, JOB_NOMINAL_TM, B.npix, threads);
          run_jobs (&B, threads, jobs);
        }
      if (B.error != NULL)
        g_propagate_error (error, g_steal_pointer (&B.error));
      else if (aborted (&B))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the transmission matrix was cancelled");
      else
        ok = TRUE;
    }
  g_clear_error (&B.error);
  g_mutex_clear (&B.lock);
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
      pfm_bpm_set_input (bpm, basis + 2 * nn * k);
      g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, error);
      if (rec == NULL)
        return FALSE;
      if (rec->status != PFM_RUN_COMPLETED)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_UNRESOLVED,
                       "basis field %u: %s", k, rec->stop_reason ? rec->stop_reason : "the run did not complete");
          return FALSE;
        }
      memcpy (out + 2 * nn * k, pfm_bpm_get_field (bpm), 2 * nn * sizeof (float));
    }
  return TRUE;
}

/* ---- JSON and CSV ------------------------------------------------------------ */

static void
json_key_number (GString *s, const char *key, double v)
{
  pfm_export_json_string (s, key);
  g_string_append (s, ": ");
  pfm_export_json_number (s, v);
}

static void
append_metrics_object (GString *s, const char *name, const PfmBatchResult *r, int what)
{
  g_string_append_printf (s, ",\n  \"%s\": {", name);
  gboolean first = TRUE;
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      {
        if (m == PFM_METRIC_TM_ERROR && (cal || !r->options.tm_error))
          continue;
        const PfmMetricStats *st = cal ? &r->stats_calibrated[m] : &r->stats[m];
        const double v = what == 0 ? st->mean : what == 1 ? st->std : what == 2 ? st->min : st->max;
        g_autofree char *key = g_strdup_printf ("%s%s", metric_names[m], cal ? "_calibrated" : "");
        g_string_append (s, first ? "" : ", ");
        json_key_number (s, key, v);
        first = FALSE;
      }
  g_string_append (s, "}");
}

char *
pfm_batch_result_to_json (const PfmBatchResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const PfmBatchOptions *o = &r->options;
  GString *s = g_string_new ("{\n  \"format\": \"" FORMAT_NAME "\",\n  \"settings\": {");
  for (guint i = 0; i < r->keys->len; i++)
    {
      g_string_append (s, i ? ",\n    " : "\n    ");
      pfm_export_json_string (s, r->keys->pdata[i]);
      g_string_append (s, ": ");
      pfm_export_json_string (s, r->values->pdata[i]);
    }
  g_string_append_printf (s, "\n  },\n  \"batch\": {\"copies\": %u, \"inputs\": %u, \"calibration_inputs\": %u, "
                          "\"input_seed\": %" G_GUINT64_FORMAT ", ",
                          o->copies, o->n_inputs, o->n_calibration, o->input_seed);
  json_key_number (s, "ridge", o->ridge);
  g_string_append_printf (s, ", \"yield_metric\": \"%s\", ", metric_names[o->yield_metric]);
  json_key_number (s, "threshold", o->threshold);
  g_string_append_printf (s, ", \"tm_error\": %s", o->tm_error ? "true" : "false");
  /* Older results have no planning mode: they are written back without one. */
  if (r->planning != PFM_BATCH_PLANNING_UNKNOWN)
    g_string_append_printf (s, ", \"planning\": \"%s\"", pfm_batch_planning_name (r->planning));
  g_string_append (s, "}");
  if (o->shard_count > 1)
    g_string_append_printf (s, ",\n  \"shard\": {\"index\": %u, \"count\": %u}", o->shard_index, o->shard_count);
  if (r->input_keys->len > 0)
    {
      g_string_append (s, ",\n  \"input_sha256\": {");
      for (guint i = 0; i < r->input_keys->len; i++)
        {
          g_string_append (s, i ? ", " : "");
          pfm_export_json_string (s, r->input_keys->pdata[i]);
          g_string_append (s, ": ");
          pfm_export_json_string (s, r->input_sha256->pdata[i]);
        }
      g_string_append (s, "}");
    }

  g_string_append (s, ",\n  \"copies\": [");
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      g_string_append_printf (s, "%s\n    {\"copy\": %u, \"seed\": %" G_GUINT64_FORMAT ", \"resolved\": %s",
                              i ? "," : "", c->index, c->seed, c->resolved ? "true" : "false");
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          {
            if (m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error))
              continue;
            g_autofree char *key = g_strdup_printf ("%s%s", metric_names[m], cal ? "_calibrated" : "");
            g_string_append (s, ", ");
            json_key_number (s, key, cal ? c->calibrated[m] : c->metric[m]);
          }
      g_string_append (s, "}");
    }
  g_string_append_printf (s, "%s],\n  \"resolved\": %u", r->copies->len ? "\n  " : "", r->n_resolved);
  append_metrics_object (s, "mean", r, 0);
  append_metrics_object (s, "std", r, 1);
  append_metrics_object (s, "min", r, 2);
  append_metrics_object (s, "max", r, 3);
  g_string_append (s, ",\n  ");
  json_key_number (s, "yield", r->yield);
  g_string_append (s, ",\n  ");
  json_key_number (s, "yield_calibrated", r->yield_calibrated);
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

char *
pfm_batch_result_to_csv (const PfmBatchResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const gboolean tm = r->options.tm_error;
  GString *s = g_string_new ("copy,seed,resolved");
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
        g_string_append_printf (s, ",%s%s", metric_names[m], cal ? "_calibrated" : "");
  g_string_append_c (s, '\n');
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      g_string_append_printf (s, "%u,%" G_GUINT64_FORMAT ",%d", c->index, c->seed, c->resolved ? 1 : 0);
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
            {
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, cal ? c->calibrated[m] : c->metric[m]);
            }
      g_string_append_c (s, '\n');
    }
  /* Summary rows: the first column names the statistic. */
  for (int what = 0; what < 5; what++)
    {
      static const char *const names[] = { "mean", "std", "min", "max", "yield" };
      g_string_append_printf (s, "%s,,%u", names[what], r->n_resolved);
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
            {
              const PfmMetricStats *st = cal ? &r->stats_calibrated[m] : &r->stats[m];
              double v = what == 0 ? st->mean : what == 1 ? st->std : what == 2 ? st->min : what == 3 ? st->max : NAN;
              /* The yield row fills the yield metric's columns only. */
              if (what == 4 && m == (int) r->options.yield_metric)
                v = cal ? r->yield_calibrated : r->yield;
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, v);
            }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* A number pfm_json_member (null refused). */
static gboolean
get_number (const PfmJson *obj, const char *name, double *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  if (n == NULL || n->type != PFM_JSON_NUMBER)
    return FALSE;
  *out = n->number;
  return TRUE;
}

PfmBatchResult *
pfm_batch_result_from_json (const char *text, gsize length, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  gsize bad = 0;
  g_autoptr(PfmJson) root = pfm_json_parse (text, length, &bad);
  if (root == NULL || root->type != PFM_JSON_OBJECT)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                   "not a JSON object (malformed near byte %ld)", (long) (root == NULL ? bad : 0));
      return NULL;
    }
  const PfmJson *fmt = pfm_json_member (root, "format");
  if (fmt == NULL || fmt->type != PFM_JSON_STRING || strcmp (fmt->text, FORMAT_NAME) != 0)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                   "not a result of pfm-cli defects --format json (\"format\" is not \"" FORMAT_NAME "\")");
      return NULL;
    }

  g_autoptr(PfmBatchResult) r = result_new ();
  PfmBatchOptions *o = &r->options;
  pfm_batch_options_init (o);
  o->threads = 0;

  const PfmJson *settings = pfm_json_member (root, "settings");
  const PfmJson *batch = pfm_json_member (root, "batch");
  const PfmJson *copies = pfm_json_member (root, "copies");
  guint64 u;
  if (settings == NULL || settings->type != PFM_JSON_OBJECT || batch == NULL || copies == NULL || copies->type != PFM_JSON_ARRAY)
    goto bad;
  for (guint i = 0; i < settings->names->len; i++)
    {
      const PfmJson *v = settings->items->pdata[i];
      if (v->type != PFM_JSON_STRING)
        goto bad;
      g_ptr_array_add (r->keys, g_strdup (settings->names->pdata[i]));
      g_ptr_array_add (r->values, g_strdup (v->text));
    }
  if (!pfm_json_get_uint (batch, "copies", 1000000, &u))
    goto bad;
  o->copies = (guint) u;
  if (!pfm_json_get_uint (batch, "inputs", 100000, &u))
    goto bad;
  o->n_inputs = (guint) u;
  if (!pfm_json_get_uint (batch, "calibration_inputs", 100000, &u))
    goto bad;
  o->n_calibration = (guint) u;
  if (!pfm_json_get_uint (batch, "input_seed", G_MAXUINT64, &o->input_seed) || !get_number (batch, "ridge", &o->ridge) ||
      !get_number (batch, "threshold", &o->threshold) || !pfm_json_get_bool (batch, "tm_error", &o->tm_error))
    goto bad;
  {
    const PfmJson *ym = pfm_json_member (batch, "yield_metric");
    if (ym == NULL || ym->type != PFM_JSON_STRING || pfm_metric_from_name (ym->text) < 0)
      goto bad;
    o->yield_metric = pfm_metric_from_name (ym->text);
  }
  {
    /* Optional: results of older versions do not record it. */
    const PfmJson *pl = pfm_json_member (batch, "planning");
    if (pl != NULL)
      {
        if (pl->type == PFM_JSON_STRING && strcmp (pl->text, "measure") == 0)
          r->planning = PFM_BATCH_PLANNING_MEASURE;
        else if (pl->type == PFM_JSON_STRING && strcmp (pl->text, "estimate") == 0)
          r->planning = PFM_BATCH_PLANNING_ESTIMATE;
        else
          {
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                         "batch.planning: accepted \"measure\" or \"estimate\"");
            return NULL;
          }
      }
  }
  const PfmJson *shard = pfm_json_member (root, "shard");
  if (shard != NULL)
    {
      guint64 si, sc;
      if (!pfm_json_get_uint (shard, "index", 1000000, &si) || !pfm_json_get_uint (shard, "count", 1000000, &sc))
        goto bad;
      o->shard_index = (guint) si;
      o->shard_count = (guint) sc;
    }
  if (!check_options (o, NULL))
    goto bad;
  const PfmJson *inputs = pfm_json_member (root, "input_sha256");
  if (inputs != NULL)
    {
      if (inputs->type != PFM_JSON_OBJECT)
        goto bad;
      for (guint i = 0; i < inputs->names->len; i++)
        {
          const PfmJson *v = inputs->items->pdata[i];
          const char *key = inputs->names->pdata[i];
          gboolean hex = v->type == PFM_JSON_STRING && strlen (v->text) == 64;
          for (int k = 0; hex && k < 64; k++)
            hex = g_ascii_isxdigit (v->text[k]) && !g_ascii_isupper (v->text[k]);
          if (pfm_config_lookup_key (key) == NULL)
            {
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                           "input_sha256 names something that is not a project key (accepted: medium.file)");
              return NULL;
            }
          if (!hex)
            {
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                           "input_sha256: %s is not the 64 lowercase hex digits of a SHA-256", key);
              return NULL;
            }
          g_ptr_array_add (r->input_keys, g_strdup (key));
          g_ptr_array_add (r->input_sha256, g_strdup (v->text));
        }
    }

  for (guint i = 0; i < copies->items->len; i++)
    {
      const PfmJson *c = copies->items->pdata[i];
      PfmCopyResult cr = { 0 };
      if (!pfm_json_get_uint (c, "copy", o->copies - 1, &u) || !pfm_json_get_uint (c, "seed", G_MAXUINT64, &cr.seed) ||
          !pfm_json_get_bool (c, "resolved", &cr.resolved))
        goto bad;
      cr.index = (guint) u;
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          {
            double *dst = cal ? &cr.calibrated[m] : &cr.metric[m];
            *dst = NAN;
            if (m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error))
              continue;
            /* null is "not measured", except for the bits of an exact
             * match (a relative error of 0, or too small to invert in
             * double precision), which are infinite. */
            const gboolean measured = cr.resolved && (!cal || o->n_calibration > 0);
            const double re = cal ? cr.calibrated[PFM_METRIC_RELATIVE_ERROR] : cr.metric[PFM_METRIC_RELATIVE_ERROR];
            const double null_value = (m == PFM_METRIC_EFFECTIVE_BITS && measured && re < TINY_ERROR) ? INFINITY : NAN;
            g_autofree char *key = g_strdup_printf ("%s%s", metric_names[m], cal ? "_calibrated" : "");
            if (!pfm_json_get_number (c, key, null_value, dst))
              goto bad;
          }
      g_array_append_val (r->copies, cr);
    }
  pfm_batch_result_summarize (r);
  return g_steal_pointer (&r);

bad:
  g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
               "a defects result with missing or malformed fields (settings, batch, copies)");
  return NULL;
}

static int
cmp_copy (gconstpointer a, gconstpointer b)
{
  const PfmCopyResult *x = a, *y = b;
  return (x->index > y->index) - (x->index < y->index);
}

/* The first batch option in which @a and @b differ: its name in the JSON
 * and both values; FALSE when they agree. */
static gboolean
batch_difference (const PfmBatchOptions *a, const PfmBatchOptions *b, const char **field, char **va, char **vb)
{
#define DIFF(cond, name, fmt, x, y)      \
  if (cond)                              \
    {                                    \
      *field = name;                     \
      *va = g_strdup_printf (fmt, x);    \
      *vb = g_strdup_printf (fmt, y);    \
      return TRUE;                       \
    }
  DIFF (a->copies != b->copies, "batch.copies", "%u", a->copies, b->copies);
  DIFF (a->shard_count != b->shard_count, "shard.count", "%u", a->shard_count, b->shard_count);
  DIFF (a->n_inputs != b->n_inputs, "batch.inputs", "%u", a->n_inputs, b->n_inputs);
  DIFF (a->n_calibration != b->n_calibration, "batch.calibration_inputs", "%u", a->n_calibration, b->n_calibration);
  DIFF (a->input_seed != b->input_seed, "batch.input_seed", "%" G_GUINT64_FORMAT, a->input_seed, b->input_seed);
  DIFF (a->ridge != b->ridge, "batch.ridge", "%.17g", a->ridge, b->ridge);
  DIFF (a->yield_metric != b->yield_metric, "batch.yield_metric", "%s", metric_names[a->yield_metric],
        metric_names[b->yield_metric]);
  DIFF (a->threshold != b->threshold, "batch.threshold", "%.17g", a->threshold, b->threshold);
  DIFF (a->tm_error != b->tm_error, "batch.tm_error", "%s", a->tm_error ? "true" : "false",
        b->tm_error ? "true" : "false");
#undef DIFF
  return FALSE;
}

/* How messages name a shard: its file, or its index. */
static char *
shard_label (const PfmBatchResult *s)
{
  return s->source ? g_strdup (s->source)
                   : g_strdup_printf ("shard %u/%u", s->options.shard_index, s->options.shard_count);
}

static const char *
setting (const PfmBatchResult *r, const char *key)
{
  for (guint k = 0; k < r->keys->len; k++)
    if (strcmp (r->keys->pdata[k], key) == 0)
      return r->values->pdata[k];
  return NULL;
}

static const char *
input_hash (const PfmBatchResult *r, const char *key)
{
  for (guint k = 0; k < r->input_keys->len; k++)
    if (strcmp (r->input_keys->pdata[k], key) == 0)
      return r->input_sha256->pdata[k];
  return NULL;
}

/* Both shards recorded the same contents for every input file. */
static gboolean
same_inputs (const PfmBatchResult *a, const PfmBatchResult *b, GError **error)
{
  for (int pass = 0; pass < 2; pass++)
    {
      const PfmBatchResult *x = pass ? b : a, *y = pass ? a : b;
      for (guint k = 0; k < x->input_keys->len; k++)
        {
          const char *key = x->input_keys->pdata[k];
          const char *hx = x->input_sha256->pdata[k], *hy = input_hash (y, key);
          if (hy != NULL && strcmp (hx, hy) == 0)
            continue;
          g_autofree char *lx = shard_label (x), *ly = shard_label (y);
          const char *path = setting (x, key);
          if (hy == NULL)
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                         "%s records the SHA-256 of %s = %s (input_sha256) but %s does not (written by an older "
                         "pfm-cli?): rerun that shard, so that every shard records what it read",
                         lx, key, path ? path : "?", ly);
          else
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                         "%s and %s were computed from different contents of %s = %s (input_sha256 %.12s... and "
                         "%.12s...): the shards are not of one batch; rerun them from one file",
                         lx, ly, key, path ? path : "?", hx, hy);
          return FALSE;
        }
    }
  return TRUE;
}

/* What the accepted range of metric @m says, or NULL when @v (measured,
 * not NaN) is in it; @re is the relative error of the same set. */
static const char *
metric_out_of_range (int m, double v, double re)
{
  switch (m)
    {
    case PFM_METRIC_RELATIVE_ERROR:
    case PFM_METRIC_TM_ERROR:
      return v >= 0.0 && v <= MAX_ERROR ? NULL : "accepted a number in [0, 1e100]";
    case PFM_METRIC_COSINE_SIMILARITY:
      /* A similarity of equal vectors can round to just above 1. */
      return v >= -1.0 - 1e-12 && v <= 1.0 + 1e-12 ? NULL : "accepted [-1, 1]";
    case PFM_METRIC_EFFECTIVE_BITS:
      if (re >= TINY_ERROR)
        return isfinite (v) && fabs (v + log2 (re)) <= 1e-6 * MAX (1.0, fabs (v)) ? NULL
               : "accepted -log2(relative_error), the bits the relative error gives";
      return v == INFINITY || v >= 490.0 ? NULL
             : "accepted null (an exact match) or at least 490 for a relative error below 1e-150";
    default:
      return NULL;
    }
}

/* A copy of shard @s as the batch writes it: its seed is the one the
 * study's seed gives it, its metrics are in range. */
static gboolean
check_copy (const PfmBatchResult *s, guint64 study_seed, const PfmCopyResult *c, GError **error)
{
  const PfmBatchOptions *o = &s->options;
  g_autofree char *label = shard_label (s);
  const guint64 want = pfm_defects_copy_seed (study_seed, c->index);
  if (c->seed != want)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s: copy %u: seed = %" G_GUINT64_FORMAT ", but defects.seed = %" G_GUINT64_FORMAT " gives copy %u "
                   "the seed %" G_GUINT64_FORMAT ": a changed copy, or one of another study", label, c->index, c->seed,
                   study_seed, c->index, want);
      return FALSE;
    }
  for (int cal = 0; cal < 2; cal++)
    {
      const double *v = cal ? c->calibrated : c->metric;
      const char *sfx = cal ? "_calibrated" : "";
      const gboolean must = c->resolved && (!cal || o->n_calibration > 0);
      guint measured = 0;
      for (int m = 0; m < PFM_N_METRICS; m++)
        if (!(m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error)) && !isnan (v[m]))
          measured++;
      /* A calibration fit that cannot be solved leaves all of them null. */
      if (must && cal && measured == 0)
        continue;
      for (int m = 0; m < PFM_N_METRICS; m++)
        {
          if (m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error))
            continue;
          const char *name = metric_names[m];
          if (!must)
            {
              if (isnan (v[m]))
                continue;
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                           "%s: copy %u: %s%s has a value, but the copy %s: accepted null", label, c->index, name,
                           sfx, !c->resolved ? "is not resolved" : "has no calibration (calibration_inputs = 0)");
              return FALSE;
            }
          const double re = v[PFM_METRIC_RELATIVE_ERROR];
          if (isnan (v[m]) || (m == PFM_METRIC_EFFECTIVE_BITS && isinf (v[m]) && re >= TINY_ERROR))
            {
              if (m == PFM_METRIC_EFFECTIVE_BITS)
                g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                             "%s: copy %u: effective_bits%s is null (infinite: an exact match), but relative_error%s "
                             "= %g is not 0: accepted -log2(relative_error) = %g", label, c->index, sfx, sfx, re,
                             -log2 (re));
              else
                g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                             "%s: copy %u: %s%s is null in a resolved copy: accepted a number (%s)", label, c->index,
                             name, sfx, cal ? "the calibrated metrics are all measured or all null"
                                            : "every metric of a resolved copy is measured");
              return FALSE;
            }
          const char *why = metric_out_of_range (m, v[m], re);
          if (why != NULL)
            {
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, "%s: copy %u: %s%s = %.9g is out of range: %s",
                           label, c->index, name, sfx, v[m], why);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Every copy of shard @s is one the batch writes. */
static gboolean
check_copies (const PfmBatchResult *s, GError **error)
{
  const char *seed_text = setting (s, "defects.seed");
  guint64 study_seed;
  if (seed_text == NULL || !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &study_seed, NULL))
    {
      g_autofree char *label = shard_label (s);
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s: its settings hold no defects.seed (an unsigned integer), so its copies' seeds cannot be "
                   "checked", label);
      return FALSE;
    }
  for (guint c = 0; c < s->copies->len; c++)
    if (!check_copy (s, study_seed, &g_array_index (s->copies, PfmCopyResult, c), error))
      return FALSE;
  return TRUE;
}

/* "a.json, b.json and 3 more": the first few of @list (labels). */
static void
append_labels (GString *out, GPtrArray *list)
{
  const guint shown = MIN (list->len, 3);
  for (guint i = 0; i < shown; i++)
    g_string_append_printf (out, "%s%s", i == 0 ? "" : (i + 1 == list->len ? " and " : ", "),
                            (char *) list->pdata[i]);
  if (list->len > shown)
    g_string_append_printf (out, " and %u more", list->len - shown);
}

/* Every shard was planned the same way (or none records how). */
static gboolean
same_planning (PfmBatchResult **shards, guint n, GError **error)
{
  GPtrArray *by[3] = { NULL, NULL, NULL };
  guint modes = 0;
  for (guint i = 0; i < n; i++)
    {
      const PfmBatchPlanning p = shards[i]->planning;
      if (by[p] == NULL)
        {
          by[p] = g_ptr_array_new_with_free_func (g_free);
          modes++;
        }
      g_ptr_array_add (by[p], shard_label (shards[i]));
    }
  if (modes <= 1)
    {
      for (int p = 0; p < 3; p++)
        if (by[p] != NULL)
          g_ptr_array_unref (by[p]);
      return TRUE;
    }
  g_autoptr(GString) msg = g_string_new ("the shards were not planned alike (batch.planning): ");
  gboolean first = TRUE;
  for (int p = PFM_BATCH_PLANNING_ESTIMATE; p >= PFM_BATCH_PLANNING_UNKNOWN; p--)
    {
      if (by[p] == NULL)
        continue;
      g_string_append (msg, first ? "" : "; ");
      append_labels (msg, by[p]);
      if (p == PFM_BATCH_PLANNING_UNKNOWN)
        g_string_append (msg, by[p]->len == 1 ? " records no planning mode (written by an older pfm-cli?)"
                                               : " record no planning mode (written by an older pfm-cli?)");
      else
        g_string_append_printf (msg, " \"%s\"%s", pfm_batch_planning_name (p),
                                p == PFM_BATCH_PLANNING_ESTIMATE ? " (--estimate)" : " (measured plans)");
      first = FALSE;
      g_ptr_array_unref (by[p]);
    }
  g_string_append (msg, ".  FFTW's plans change the last digits of every number, so such shards are not one "
                        "run's: rerun the odd ones in the mode of the rest (the recipes use --estimate)");
  g_set_error_literal (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, msg->str);
  return FALSE;
}

/* "2, 5-7, 9": the shards of @K that @seen lacks, at most @max_ranges
 * ranges of them; the count in *n_missing. */
static char *
missing_list (const gboolean *seen, guint K, guint max_ranges, guint *n_missing)
{
  GString *s = g_string_new (NULL);
  guint ranges = 0;
  *n_missing = 0;
  for (guint I = 1; I <= K; I++)
    {
      if (seen[I])
        continue;
      guint J = I;
      while (J + 1 <= K && !seen[J + 1])
        J++;
      *n_missing += J - I + 1;
      if (ranges < max_ranges)
        {
          g_string_append (s, ranges ? ", " : "");
          if (J == I)
            g_string_append_printf (s, "%u", I);
          else
            g_string_append_printf (s, "%u-%u", I, J);
        }
      else if (ranges == max_ranges)
        g_string_append (s, ", ...");
      ranges++;
      I = J;
    }
  return g_string_free (s, FALSE);
}

PfmBatchResult *
pfm_batch_merge (PfmBatchResult **shards, guint n, GError **error)
{
  g_return_val_if_fail (shards != NULL, NULL);
  if (n == 0)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, "no shards to merge");
      return NULL;
    }
  const PfmBatchResult *s0 = shards[0];
  const guint K = s0->options.shard_count;
  g_autofree const PfmBatchResult **seen = g_new0 (const PfmBatchResult *, K + 1);
  /* What makes one batch first, for every shard: the settings, the
   * batch options, the planning mode, the input files. */
  for (guint i = 1; i < n; i++)
    {
      const PfmBatchResult *s = shards[i];
      g_autofree char *l0 = shard_label (s0), *ls = shard_label (s);
      const char *field;
      g_autofree char *v0 = NULL, *vs = NULL;
      if (batch_difference (&s0->options, &s->options, &field, &v0, &vs))
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                       "%s has %s = %s, %s has %s = %s: the shards are not of one batch", l0, field, v0, ls, field, vs);
          return NULL;
        }
      for (guint k = 0; k < MAX (s->keys->len, s0->keys->len); k++)
        {
          const char *k0 = k < s0->keys->len ? s0->keys->pdata[k] : NULL;
          const char *ks = k < s->keys->len ? s->keys->pdata[k] : NULL;
          if (k0 == NULL || ks == NULL || strcmp (k0, ks) != 0)
            {
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                           "%s and %s record different settings (key %u is %s in the first, %s in the second): "
                           "written by different pfm-cli versions?  Rerun them with one", l0, ls, k + 1,
                           k0 ? k0 : "absent", ks ? ks : "absent");
              return NULL;
            }
          if (strcmp (s->values->pdata[k], s0->values->pdata[k]) != 0)
            {
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                           "%s ran with %s = %s, %s with %s = %s: the shards are not of one batch", l0, k0,
                           (char *) s0->values->pdata[k], ls, k0, (char *) s->values->pdata[k]);
              return NULL;
            }
        }
    }
  if (!same_planning (shards, n, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      const PfmBatchResult *s = shards[i];
      g_autofree char *label = shard_label (s);
      if (!same_inputs (s0, s, error))
        return NULL;
      const guint I = s->options.shard_index;
      if (seen[I] != NULL)
        {
          g_autofree char *other = shard_label (seen[I]);
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, "shard %u/%u is given twice: %s and %s",
                       I, K, other, label);
          return NULL;
        }
      seen[I] = s;
      guint first, count;
      pfm_batch_shard_range (s->options.copies, I, K, &first, &count);
      if (s->copies->len != count)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                       "%s (shard %u/%u) holds %u copies, expected %u (an interrupted run?)", label, I, K,
                       s->copies->len, count);
          return NULL;
        }
      for (guint c = 0; c < count; c++)
        if (g_array_index (s->copies, PfmCopyResult, c).index != first + c)
          {
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                         "%s (shard %u/%u) does not hold copies %u to %u in order", label, I, K, first,
                         first + count - 1);
            return NULL;
          }
      if (!check_copies (s, error))
        return NULL;
    }
  {
    g_autofree gboolean *have = g_new0 (gboolean, K + 1);
    for (guint I = 1; I <= K; I++)
      have[I] = seen[I] != NULL;
    guint n_missing;
    g_autofree char *list = missing_list (have, K, 40, &n_missing);
    if (n_missing > 0)
      {
        g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                     n_missing == 1 ? "shard %s of %u is missing (%u of them): merge needs all %u shards; rerun it "
                                      "(--shard I/%u)"
                                    : "shards %s of %u are missing (%u of them): merge needs all %u shards; rerun "
                                      "those (--shard I/%u)",
                     list, K, n_missing, K, K);
        return NULL;
      }
  }

  PfmBatchResult *r = result_new ();
  for (guint k = 0; k < s0->keys->len; k++)
    {
      g_ptr_array_add (r->keys, g_strdup (s0->keys->pdata[k]));
      g_ptr_array_add (r->values, g_strdup (s0->values->pdata[k]));
    }
  for (guint k = 0; k < s0->input_keys->len; k++)
    {
      g_ptr_array_add (r->input_keys, g_strdup (s0->input_keys->pdata[k]));
      g_ptr_array_add (r->input_sha256, g_strdup (s0->input_sha256->pdata[k]));
    }
  r->options = s0->options;
  r->options.shard_index = 1;
  r->options.shard_count = 1;
  r->planning = s0->planning;
  for (guint i = 0; i < n; i++)
    g_array_append_vals (r->copies, shards[i]->copies->data, shards[i]->copies->len);
  g_array_sort (r->copies, cmp_copy);
  pfm_batch_result_summarize (r);
  return r;
}

/* ---- merge --verify ------------------------------------------------------- */

/* Floyd's sampling: @n distinct values of [0, @range) into @out, each set
 * of n equally likely. */
static void
sample (PfmRng *rng, guint range, guint n, guint *out)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint k = 0;
  for (guint j = range - n; j < range; j++)
    {
      guint t = MIN ((guint) (pfm_rng_uniform (rng) * (j + 1.0)), j);
      if (g_hash_table_contains (chosen, GUINT_TO_POINTER (t + 1)))
        t = j;
      g_hash_table_add (chosen, GUINT_TO_POINTER (t + 1));
      out[k++] = t;
    }
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  const guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

void
pfm_batch_verify_pick (guint copies, guint shard_count, guint64 seed, guint n, guint *indices)
{
  g_return_if_fail (n <= copies && shard_count >= 1 && shard_count <= copies && (n == 0 || indices != NULL));
  PfmRng rng;
  pfm_rng_init (&rng, pfm_rng_hash (seed, 0x76657269 /* "veri" */, copies, ((guint64) shard_count << 32) | n));
  /* Spread over the shards: n / S copies each, one more in n % S shards
   * drawn at random, then what a small shard cannot hold in the others. */
  const guint S = shard_count;
  g_autofree guint *want = g_new0 (guint, S);
  g_autofree guint *extra = g_new (guint, MAX (n % S, 1));
  sample (&rng, S, n % S, extra);
  for (guint s = 0; s < S; s++)
    want[s] = n / S;
  for (guint i = 0; i < n % S; i++)
    want[extra[i]]++;
  guint spare = 0;
  for (guint s = 0; s < S; s++)
    {
      guint first, count;
      pfm_batch_shard_range (copies, s + 1, S, &first, &count);
      if (want[s] > count)
        {
          spare += want[s] - count;
          want[s] = count;
        }
    }
  for (guint s = 0; s < S && spare > 0; s++)
    {
      guint first, count;
      pfm_batch_shard_range (copies, s + 1, S, &first, &count);
      const guint more = MIN (spare, count - want[s]);
      want[s] += more;
      spare -= more;
    }
  guint k = 0;
  for (guint s = 0; s < S; s++)
    {
      guint first, count;
      pfm_batch_shard_range (copies, s + 1, S, &first, &count);
      sample (&rng, count, want[s], indices + k);
      for (guint i = 0; i < want[s]; i++)
        indices[k + i] += first;
      k += want[s];
    }
  qsort (indices, n, sizeof (guint), cmp_uint);
}

/* @a (recorded) and @b (recomputed) agree for metric @m: exactly
 * (@exact), or within PFM_BATCH_VERIFY_TOLERANCE relative plus
 * PFM_BATCH_VERIFY_FLOOR; @re_a and @re_b are the relative errors of the
 * same set (before or after calibration), which bound how much 1 - cosine
 * similarity can move. */
static gboolean
metric_agrees (int m, double a, double b, gboolean exact, double re_a, double re_b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  if (a == b)
    return TRUE;
  if (exact)
    return FALSE;
  double floor = PFM_BATCH_VERIFY_FLOOR;
  switch (m)
    {
    case PFM_METRIC_COSINE_SIMILARITY:
      /* 1 - cos is about the square of the error across the output: it
       * moves by about the relative error times the error's own noise. */
      a = 1.0 - a;
      b = 1.0 - b;
      floor = 2.0 * PFM_BATCH_VERIFY_FLOOR * (isfinite (re_a) && isfinite (re_b) ? MAX (re_a, re_b) : 1.0) + 1e-15;
      break;
    case PFM_METRIC_EFFECTIVE_BITS:
      /* As the relative error they stand for. */
      a = exp2 (-a);
      b = exp2 (-b);
      break;
    default:
      break;
    }
  return fabs (a - b) <= PFM_BATCH_VERIFY_TOLERANCE * MAX (fabs (a), fabs (b)) + floor;
}

gboolean
pfm_batch_verify (PfmBatchResult **shards, guint n_shards, const guint *indices, guint n, int threads,
                  const PfmBatchCallbacks *cb, GError **error)
{
  g_return_val_if_fail (shards != NULL && (n == 0 || indices != NULL), FALSE);
  g_autoptr(PfmBatchResult) merged = pfm_batch_merge (shards, n_shards, error);
  if (merged == NULL)
    return FALSE;
  if (n == 0)
    return TRUE;

  /* The settings hold every key of the table, as text. */
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  for (guint k = 0; k < merged->keys->len; k++)
    {
      g_autoptr(GError) e = NULL;
      if (!pfm_config_set (cfg, merged->keys->pdata[k], merged->values->pdata[k], &e))
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                       "the shards' settings cannot be recomputed here: %s", e->message);
          return FALSE;
        }
    }
  {
    g_autoptr(GError) e = NULL;
    if (!pfm_config_validate (cfg, &e))
      {
        g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                     "the shards' settings cannot be recomputed here: %s", e->message);
        return FALSE;
      }
  }
  PfmBatchOptions o = merged->options;
  o.shard_index = 1;
  o.shard_count = 1;
  o.threads = threads;
  o.memory_budget = 0;
  const gboolean exact = merged->planning == PFM_BATCH_PLANNING_ESTIMATE;
  o.rigor = exact ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;

  g_autoptr(PfmBatchResult) again = batch_run (cfg, &o, cb, 0, 1, indices, n, error);
  if (again == NULL)
    return FALSE;
  if (!same_inputs (merged, again, NULL))
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "--verify: the input file %s = %s does not hold what the shards read (input_sha256): it changed "
                   "since, so their copies cannot be recomputed", "medium.file",
                   setting (merged, "medium.file") ? setting (merged, "medium.file") : "?");
      return FALSE;
    }

  const char *how = exact ? "planning: estimate, so the same bits were expected"
                          : "measured plans, so a relative 1e-3 plus 1e-6 was allowed";
  for (guint i = 0; i < n; i++)
    {
      const PfmCopyResult *want = &g_array_index (merged->copies, PfmCopyResult, indices[i]);
      const PfmCopyResult *got = &g_array_index (again->copies, PfmCopyResult, i);
      const PfmBatchResult *holder = NULL;
      for (guint s = 0; s < n_shards && holder == NULL; s++)
        {
          guint first, count;
          pfm_batch_shard_range (shards[s]->options.copies, shards[s]->options.shard_index,
                                 shards[s]->options.shard_count, &first, &count);
          if (want->index >= first && want->index < first + count)
            holder = shards[s];
        }
      g_autofree char *label = holder ? shard_label (holder) : g_strdup ("?");
      if (got->seed != want->seed || got->resolved != want->resolved)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                       "%s: copy %u: resolved = %s in the file, %s recomputed: a changed file, or a copy of another "
                       "build or kind of CPU", label, want->index, want->resolved ? "true" : "false",
                       got->resolved ? "true" : "false");
          return FALSE;
        }
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          {
            if (m == PFM_METRIC_TM_ERROR && (cal || !o.tm_error))
              continue;
            const double a = cal ? want->calibrated[m] : want->metric[m];
            const double b = cal ? got->calibrated[m] : got->metric[m];
            const int re = PFM_METRIC_RELATIVE_ERROR;
            if (metric_agrees (m, a, b, exact, cal ? want->calibrated[re] : want->metric[re],
                               cal ? got->calibrated[re] : got->metric[re]))
              continue;
            g_autoptr(GString) va = g_string_new (NULL), vb = g_string_new (NULL);
            pfm_export_json_number (va, a);
            pfm_export_json_number (vb, b);
            if (isinf (a) || isinf (b))
              g_string_append (isinf (a) ? va : vb, " (an exact match)");
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                         "%s: copy %u: %s%s = %s in the file, %s recomputed (%s): a changed file, or a copy "
                         "computed by another build or kind of CPU", label, want->index, metric_names[m],
                         cal ? "_calibrated" : "", va->str, vb->str, how);
            return FALSE;
          }
    }
  return TRUE;
}
