/* pfm-batch.c - Monte-Carlo batches of fabricated copies: the run, its
 * worker pool, and sweeps of batches (docs/physics.md section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in pfm-batch.h; the core this file shares with the
 * transmission matrices (pfm-tm.c) is declared in pfm-batch-private.h.
 * Work is split into jobs that each own a propagator (FFTW plans come
 * from the in-process wisdom, so every job uses the same algorithm): the
 * nominal device's inputs in chunks, then one job per copy.  A
 * propagation does not depend on what its propagator ran before
 * (pfm_bpm_set_input resets the state; every cache is a pure function of
 * its key), so the numbers do not depend on the chunking.
 */
#define G_LOG_DOMAIN "pfm-batch"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-batch-private.h"
#include "pfm-beam.h"
#include "pfm-defects.h"
#include "pfm-detector.h"
#include "pfm-rng.h"

G_DEFINE_QUARK (pfm-batch-error-quark, pfm_batch_error)

enum {
  TAG_TEST = 0x74657374,         /* "test" */
  TAG_CALIBRATION = 0x63616c69,  /* "cali" */
  TAG_DETECTOR = 0x64657465,     /* "dete" */
};

/* ---- options ----------------------------------------------------------------- */

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
  o->threads = PFM_THREADS_AUTO;
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

gboolean
pfm_batch_check_options (const PfmBatchOptions *o, GError **error)
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
  if ((o->threads < 0 && o->threads != PFM_THREADS_AUTO) || o->threads > 1024)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS,
                   "threads = %d: accepted [0, 1024] (0 = one), or %d for the CPUs that fit the memory budget",
                   o->threads, PFM_THREADS_AUTO);
      return FALSE;
    }
  return TRUE;
}

/* ---- the core: set-up, failure, cancel, progress ------------------------------ */

void
pfm_batch_core_init (Batch *B, const PfmBatchOptions *o, const PfmBatchCallbacks *cb)
{
  memset (B, 0, sizeof *B);
  B->o = o;
  B->cb = cb;
  g_mutex_init (&B->lock);
}

void
pfm_batch_core_clear (Batch *B)
{
  g_clear_error (&B->error);
  g_mutex_clear (&B->lock);
}

void
pfm_batch_fail (Batch *B, GError *error)
{
  g_mutex_lock (&B->lock);
  if (B->error == NULL)
    B->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&B->lock);
  g_atomic_int_set (&B->abort, 1);
}

void
pfm_batch_advance (Batch *B, guint n)
{
  g_mutex_lock (&B->lock);
  B->done += n;
  if (B->cb && B->cb->progress)
    B->cb->progress (B->done, B->total, B->cb->user_data);
  g_mutex_unlock (&B->lock);
}

void
pfm_batch_step_cb (guint step, guint n_steps, double z, gpointer user_data)
{
  Batch *B = user_data;
  if (B->cb && B->cb->cancel && g_atomic_int_get (B->cb->cancel))
    g_atomic_int_set (&B->abort, 1);
}

gboolean
pfm_batch_aborted (Batch *B)
{
  if (B->cb && B->cb->cancel && g_atomic_int_get (B->cb->cancel))
    g_atomic_int_set (&B->abort, 1);
  return g_atomic_int_get (&B->abort) != 0;
}

/* Input @i of the set @tag: @npix values uniform in [0, 1] (pfm-batch.h, "Inputs"). */
static void
input_vector (guint64 seed, guint64 tag, guint i, int npix, double *v)
{
  PfmRng rng;
  pfm_rng_init (&rng, pfm_rng_hash (seed, tag, i, 0));
  for (int p = 0; p < npix; p++)
    v[p] = pfm_rng_uniform (&rng);
}

PfmBpm *
pfm_batch_new_bpm (Batch *B, const PfmConfig *cfg)
{
  PfmBpmOptions bo = { .threads = 1, .rigor = B->o->rigor, .no_volume = TRUE,
                       .memory_budget = G_MAXUINT64 };
  GError *error = NULL;
  PfmBpm *bpm = pfm_bpm_new (cfg, &bo, &error);
  if (bpm == NULL)
    pfm_batch_fail (B, error);
  return bpm;
}

/* An input field of the grid, checked: a worker that cannot get one fails
 * the batch with "out of memory" rather than aborting the process. */
float *
pfm_batch_try_field (Batch *B, const PfmGrid *g)
{
  float *f = g_try_new (float, 2 * (gsize) g->n * g->n);
  if (f == NULL)
    pfm_batch_fail (B, g_error_new (PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                                    "out of memory for a %d x %d input field: lower grid.n or use fewer threads", g->n, g->n));
  return f;
}

/* How messages name the device a run was made on. */
char *
pfm_batch_device_name (const PfmConfig *cfg)
{
  if (pfm_defects_active (cfg))
    return g_strdup_printf ("the fabricated copy (defects.seed = %" G_GUINT64_FORMAT ")", cfg->defects.seed);
  return g_strdup ("the nominal device");
}

/* Propagates one SLM input; reads the regions into @y if it completed.
 * Returns the run's status (execute without a record cannot fail hard);
 * *@reason (if not NULL) says why an unresolved run stopped. */
static PfmRunStatus
run_input (Batch *B, PfmBpm *bpm, const double *values, float *field, guint64 noise_seed, double *y,
           char **reason)
{
  const PfmConfig *cfg = pfm_bpm_get_config (bpm);
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  pfm_beam_fill_slm (cfg, g, values, field);
  /* The allocation-free path; only a completed run is read. */
  PfmBpmCallbacks cb = { .progress = pfm_batch_step_cb, .user_data = B, .cancel = &B->abort };
  const PfmRunStatus status = pfm_bpm_execute (bpm, field, NULL, &cb);
  if (status == PFM_RUN_COMPLETED)
    pfm_detector_read (cfg, g, pfm_bpm_get_field (bpm), noise_seed, y);
  if (reason != NULL)
    *reason = pfm_bpm_stop_reason (bpm);
  return status;
}

gboolean
pfm_batch_warm_up (Batch *B, const PfmConfig *cfg)
{
  PfmBpm *warm = pfm_batch_new_bpm (B, cfg);
  if (warm == NULL)
    return FALSE;
  pfm_bpm_free (warm);
  return TRUE;
}

gboolean
pfm_batch_finish (Batch *B, const char *cancelled, GError **error)
{
  if (B->error != NULL)
    g_propagate_error (error, g_steal_pointer (&B->error));
  else if (pfm_batch_aborted (B))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, cancelled);
  else
    return TRUE;
  return FALSE;
}

/* ---- the jobs ------------------------------------------------------------------ */

typedef struct
{
  JobKind kind;
  guint   a, b;              /* inputs / pixels [a, b), or the copy's slot a */
} Job;

/* The JOB_COPY job: copy slot @slot's outputs on every input, its metrics
 * before and after calibration, and its TM error when asked.  An
 * unresolved run leaves the copy unresolved (and counts its remaining
 * propagations as done); a failure or cancel is recorded in @B. */
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
  g_autoptr(PfmBpm) bpm = pfm_batch_new_bpm (B, cfg);
  if (bpm == NULL)
    return;
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  g_autofree float *field = pfm_batch_try_field (B, g);
  g_autofree double *Y = g_try_new (double, (gsize) B->n_all * B->nreg);
  if (field == NULL || Y == NULL)
    {
      if (field != NULL)
        pfm_batch_fail (B, g_error_new (PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY, "out of memory for a copy's outputs"));
      return;
    }

  guint done = 0;
  for (guint i = 0; i < B->n_all; i++)
    {
      if (pfm_batch_aborted (B))
        return;
      const guint64 noise_seed = pfm_rng_hash (res->seed, TAG_DETECTOR, i, 0);
      const PfmRunStatus st = run_input (B, bpm, B->inputs + (gsize) i * B->npix, field, noise_seed, Y + (gsize) i * B->nreg, NULL);
      if (st == PFM_RUN_CANCELLED)
        return;
      done++;
      pfm_batch_advance (B, 1);
      if (st != PFM_RUN_COMPLETED)
        {
          /* Under-resolved: no metrics for this copy. */
          pfm_batch_advance (B, per_copy - done);
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

  if (o->tm_error && !pfm_tm_copy_error (B, cfg, field, per_copy - done, &res->metric[PFM_METRIC_TM_ERROR]))
    return;
  res->resolved = TRUE;
}

/* The JOB_NOMINAL_INPUTS job: the nominal device's outputs B->y0 on
 * inputs [@i0, @i1).  An unresolved run fails the batch: every metric is
 * measured against these outputs. */
static void
nominal_inputs_job (Batch *B, guint i0, guint i1)
{
  g_autoptr(PfmBpm) bpm = pfm_batch_new_bpm (B, B->nominal);
  if (bpm == NULL)
    return;
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  g_autofree float *field = pfm_batch_try_field (B, g);
  for (guint i = i0; field != NULL && i < i1 && !pfm_batch_aborted (B); i++)
    {
      g_autofree char *reason = NULL;
      const PfmRunStatus st = run_input (B, bpm, B->inputs + (gsize) i * B->npix, field, 0, B->y0 + (gsize) i * B->nreg, &reason);
      if (st == PFM_RUN_UNRESOLVED)
        {
          g_autofree char *who = pfm_batch_device_name (B->nominal);
          pfm_batch_fail (B, g_error_new (PFM_BATCH_ERROR, PFM_BATCH_ERROR_UNRESOLVED,
                                          "the run of %s for input %u stopped under-resolved: %s; "
                                          "fix the grid or the power first (see pfm-cli propagate)",
                                          who, i, reason ? reason : "no reason recorded"));
        }
      if (st != PFM_RUN_COMPLETED)
        break;
      pfm_batch_advance (B, 1);
    }
}

/* A worker's loop body: runs @data (a Job) unless the run has stopped,
 * and frees it. */
static void
job_func (gpointer data, gpointer user_data)
{
  Job *job = data;
  Batch *B = user_data;

  if (!pfm_batch_aborted (B))
    switch (job->kind)
      {
      case JOB_NOMINAL_INPUTS:
        nominal_inputs_job (B, job->a, job->b);
        break;
      case JOB_NOMINAL_TM:
        pfm_tm_nominal_job (B, job->a, job->b);
        break;
      case JOB_COPY:
        copy_job (B, job->a);
        break;
      }
  g_free (job);
}

/* ---- the worker pool ------------------------------------------------------------ */

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

/* How many workers: the asked number (0 is one), or for PFM_THREADS_AUTO
 * the CPUs that fit the budget. */
int
pfm_batch_worker_count (const PfmConfig *cfg, const PfmBatchOptions *o, guint jobs, GError **error)
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
  if (o->threads != PFM_THREADS_AUTO)
    {
      const int threads = MAX (o->threads, 1);
      if ((guint64) threads * per > budget)
        {
          g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                       "%d threads each need about %.3g MiB, %.3g MiB in all, over the memory budget of %.3g MiB: "
                       "use at most %d threads or raise PFM_MEMORY_BUDGET", threads, per / 1048576.0,
                       threads * (per / 1048576.0), budget / 1048576.0, (int) (budget / per));
          return 0;
        }
      return threads;
    }
  guint64 n = MIN ((guint64) g_get_num_processors (), budget / per);
  return (int) CLAMP (n, 1, MAX (jobs, 1));
}

gboolean
pfm_batch_run_jobs (Batch *B, int threads, GPtrArray *jobs)
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
      pfm_batch_fail (B, error);
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
void
pfm_batch_push_chunks (GPtrArray *jobs, JobKind kind, guint n, int parts)
{
  parts = MAX (1, MIN (parts, (int) n));
  for (int k = 0; k < parts; k++)
    {
      guint a = (guint) ((guint64) n * k / parts), b = (guint) ((guint64) n * (k + 1) / parts);
      if (b > a)
        g_ptr_array_add (jobs, job_new (kind, a, b));
    }
}

/* ---- results --------------------------------------------------------------------- */

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

PfmBatchResult *
pfm_batch_result_new (void)
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

/* ---- running a batch -------------------------------------------------------------- */

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

/* Refuses a copy of @index (@n_index of them) that is not in the batch. */
static gboolean
check_index (const PfmBatchOptions *o, const guint *index, guint n_index, GError **error)
{
  for (guint i = 0; index != NULL && i < n_index; i++)
    if (index[i] >= o->copies)
      {
        g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS, "copy %u: the batch has copies 0 to %u",
                     index[i], o->copies - 1);
        return FALSE;
      }
  return TRUE;
}

/* Fills @B (after pfm_batch_core_init) for the batch @cfg: the devices,
 * the shard's copies (or @index's), every input vector (pfm-batch.h,
 * "Inputs"), the output buffers and the progress total. */
static void
batch_setup (Batch *B, const PfmConfig *cfg, const guint *index, guint n_index)
{
  const PfmBatchOptions *o = B->o;
  B->base = pfm_config_copy (cfg);
  B->base->beam.kind = PFM_BEAM_SLM;
  B->nominal = pfm_config_copy (B->base);
  pfm_defects_nominal (B->nominal);
  B->npix = cfg->beam.slm_pixels;
  B->nreg = cfg->detector.regions;
  B->n_all = o->n_calibration + o->n_inputs;
  pfm_batch_shard_range (o->copies, o->shard_index, o->shard_count, &B->first, &B->count);
  if (index != NULL)
    {
      B->index = index;
      B->first = 0;
      B->count = n_index;
    }
  B->inputs = g_new (double, (gsize) B->n_all * B->npix);
  B->y0 = g_new0 (double, (gsize) B->n_all * B->nreg);
  B->results = g_new0 (PfmCopyResult, B->count);
  if (o->tm_error)
    B->tm0 = g_new0 (double, 2 * (gsize) B->nreg * B->npix);
  for (guint i = 0; i < o->n_calibration; i++)
    input_vector (o->input_seed, TAG_CALIBRATION, i, B->npix, B->inputs + (gsize) i * B->npix);
  for (guint i = 0; i < o->n_inputs; i++)
    input_vector (o->input_seed, TAG_TEST, i, B->npix, B->inputs + (gsize) (o->n_calibration + i) * B->npix);

  const guint tm_cols = o->tm_error ? (guint) B->npix : 0;
  B->total = (B->n_all + tm_cols) * (B->count + 1);
}

/* Frees what batch_setup allocated. */
static void
batch_clear (Batch *B)
{
  pfm_config_free (B->base);
  pfm_config_free (B->nominal);
  g_free (B->inputs);
  g_free (B->y0);
  g_free (B->tm0);
  g_free (B->results);
}

/* Runs @B's jobs on @threads workers: the nominal device first (its
 * outputs, and its transmission matrix when asked), since every copy is
 * measured against it; then, unless that failed or was cancelled, one
 * job per copy. */
static void
batch_execute (Batch *B, int threads)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
  if (pfm_batch_warm_up (B, B->nominal))
    {
      pfm_batch_push_chunks (jobs, JOB_NOMINAL_INPUTS, B->n_all, threads);
      if (B->o->tm_error)
        pfm_batch_push_chunks (jobs, JOB_NOMINAL_TM, B->npix, threads);
      pfm_batch_run_jobs (B, threads, jobs);
    }
  g_ptr_array_set_size (jobs, 0);
  if (!pfm_batch_aborted (B))
    {
      for (guint s = 0; s < B->count; s++)
        g_ptr_array_add (jobs, job_new (JOB_COPY, s, s));
      pfm_batch_run_jobs (B, threads, jobs);
    }
}

/* The result of @B's completed run of @cfg, with the input files recorded
 * in @inputs.  The options keep only what changes a number: threads and
 * the budget never do, and the rigor is recorded as the planning mode. */
static PfmBatchResult *
batch_result (const Batch *B, const PfmConfig *cfg, const PfmBatchResult *inputs)
{
  const PfmBatchOptions *o = B->o;
  PfmBatchResult *result = pfm_batch_result_new ();
  settings_from_config (result, cfg);
  result->options = *o;
  result->options.threads = 0;
  result->options.rigor = PFM_PLAN_MEASURE;
  result->planning = o->rigor == PFM_PLAN_ESTIMATE ? PFM_BATCH_PLANNING_ESTIMATE : PFM_BATCH_PLANNING_MEASURE;
  result->options.memory_budget = 0;
  g_array_append_vals (result->copies, B->results, B->count);
  for (guint i = 0; i < inputs->input_keys->len; i++)
    {
      g_ptr_array_add (result->input_keys, g_strdup (inputs->input_keys->pdata[i]));
      g_ptr_array_add (result->input_sha256, g_strdup (inputs->input_sha256->pdata[i]));
    }
  pfm_batch_result_summarize (result);
  return result;
}

/* The batch, or (@index set) only its @n_index copies @index.  Progress
 * is reported as point @offset of @factor equal parts (a sweep's). */
static PfmBatchResult *
batch_run (const PfmConfig *cfg, const PfmBatchOptions *options, const PfmBatchCallbacks *cb,
           guint offset, guint factor, const guint *index, guint n_index, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  PfmBatchOptions defaults;
  pfm_batch_options_init (&defaults);
  const PfmBatchOptions *o = options ? options : &defaults;
  if (!pfm_batch_check_options (o, error) || !pfm_config_validate (cfg, error) ||
      !check_index (o, index, n_index, error))
    return NULL;
  /* The input files' contents, before any copy reads them: merge compares
   * them between shards. */
  g_autoptr(PfmBatchResult) inputs = pfm_batch_result_new ();
  if (!record_inputs (inputs, cfg, error))
    return NULL;

  ScaledProgress sp = { cb, offset, factor };
  PfmBatchCallbacks scb = { .progress = (cb && cb->progress) ? scaled_progress : NULL,
                            .user_data = &sp, .cancel = cb ? cb->cancel : NULL };

  Batch B;
  pfm_batch_core_init (&B, o, &scb);
  batch_setup (&B, cfg, index, n_index);
  PfmBatchResult *result = NULL;
  int threads = pfm_batch_worker_count (B.base, o, MAX (B.count, 1), error);
  if (threads > 0)
    {
      batch_execute (&B, threads);
      if (pfm_batch_finish (&B, "the batch was cancelled", error))
        result = batch_result (&B, cfg, inputs);
    }
  batch_clear (&B);
  pfm_batch_core_clear (&B);
  return result;
}

PfmBatchResult *
pfm_batch_run (const PfmConfig *cfg, const PfmBatchOptions *options, const PfmBatchCallbacks *cb, GError **error)
{
  return batch_run (cfg, options, cb, 0, 1, NULL, 0, error);
}

PfmBatchResult *
pfm_batch_run_copies (const PfmConfig *cfg, const PfmBatchOptions *o, const PfmBatchCallbacks *cb,
                      const guint *index, guint n_index, GError **error)
{
  return batch_run (cfg, o, cb, 0, 1, index, n_index, error);
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
