/* pfm-train-job.c - the Training view's work on a worker thread
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-train-job"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pfm-adjoint.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-medium.h"
#include "pfm-train-job.h"

static void
shared_clear (gpointer p)
{
  PfmSharedData *s = p;
  g_clear_pointer (&s->data, pfm_train_data_free);
}

static PfmSharedData *
shared_new (PfmTrainData *data)
{
  PfmSharedData *s = g_atomic_rc_box_new0 (PfmSharedData);
  s->data = data;
  return s;
}

PfmSharedData *
pfm_shared_data_ref (PfmSharedData *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

void
pfm_shared_data_unref (PfmSharedData *shared)
{
  if (shared)
    g_atomic_rc_box_release_full (shared, shared_clear);
}

static void
job_free (gpointer p)
{
  PfmTrainJob *job = p;
  pfm_config_free (job->cfg);
  g_free (job->base_dir);
  g_free (job->map_path);
  pfm_shared_data_unref (job->shared);
  g_clear_pointer (&job->result, pfm_train_result_free);
  g_clear_pointer (&job->trained, pfm_config_free);
  g_clear_pointer (&job->evaluation, pfm_evaluation_free);
  g_free (job->gallery);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  /* Not the last reference: the run holds the slot until it is freed on
   * the UI thread. */
  g_object_unref (job->slot);
  g_free (job);
}

/* --- events, from the worker to the UI thread --------------------------------- */

static void
progress_event (gpointer owner, gpointer data, gpointer event)
{
  PfmTrainJob *job = data;
  job->cb->progress (owner, job, event);
}

static void
epoch_event (gpointer owner, gpointer data, gpointer event)
{
  PfmTrainJob *job = data;
  job->cb->epoch (owner, job, event);
}

static void
paused_event (gpointer owner, gpointer data, gpointer event)
{
  PfmTrainJob *job = data;
  job->cb->paused (owner, job);
}

static void
runs_progress (gpointer owner, gpointer data, guint done, guint total)
{
  PfmTrainJob *job = data;
  job->cb->runs (owner, job, done, total);
}

static void
job_done (gpointer owner, gpointer data, GError *error)
{
  PfmTrainJob *job = data;
  job->cb->done (owner, job, error);
}

/* Blocks the training thread while paused (not once cancelled). */
static void
wait_if_paused (PfmTrainJob *job)
{
  g_mutex_lock (&job->lock);
  if (job->paused && !pfm_job_run_is_cancelled (job->run))
    {
      pfm_job_run_post (job->run, paused_event, NULL, NULL);
      while (job->paused && !pfm_job_run_is_cancelled (job->run))
        g_cond_wait (&job->cond, &job->lock);
    }
  g_mutex_unlock (&job->lock);
}

static void
progress_cb (const PfmTrainProgress *p, gpointer user_data)
{
  PfmTrainJob *job = user_data;
  /* Each batch is drawn (the live curves): posted, never coalesced. */
  pfm_job_run_post (job->run, progress_event, g_memdup2 (p, sizeof *p), g_free);
  wait_if_paused (job);
}

static void
epoch_cb (const PfmTrainEpoch *ep, gpointer user_data)
{
  PfmTrainJob *job = user_data;
  pfm_job_run_post (job->run, epoch_event, g_memdup2 (ep, sizeof *ep), g_free);
  if (job->pause_after > 0 && ep->epoch == job->pause_after && ep->epoch < (guint) job->cfg->train.epochs)
    {
      g_mutex_lock (&job->lock);
      job->paused = TRUE;
      g_mutex_unlock (&job->lock);
    }
  wait_if_paused (job);
}

static void
runs_cb (guint done, guint total, gpointer user_data)
{
  PfmTrainJob *job = user_data;
  if (total == 0 || (done % MAX (1u, total / 100) != 0 && done != total))
    return;
  pfm_job_run_progress (job->run, done, total);
}

/* --- the work ------------------------------------------------------------------ */

static gboolean
prepare (PfmTrainJob *job, GError **error)
{
  PfmTrainData *data = pfm_train_data_new (job->cfg, job->base_dir, error);
  if (data == NULL)
    return FALSE;
  job->shared = shared_new (data);
  return TRUE;
}

/* The trained design through the forward engine: accuracy, confusion,
 * baselines, and the gallery's detector powers. */
static gboolean
evaluate_design (PfmTrainJob *job, const PfmTrainOptions *o, GError **error)
{
  const PfmTrainData *data = job->shared->data;
  job->evaluation = pfm_evaluate (job->trained, data, 0, TRUE, o, error);
  if (job->evaluation == NULL)
    return FALSE;
  job->n_gallery = MIN (PFM_TRAIN_JOB_GALLERY, data->n_test);
  if (job->n_gallery == 0)
    return TRUE;
  g_autoptr(PfmConfig) nominal = pfm_config_copy (job->trained);
  pfm_defects_clear (nominal);
  job->gallery = g_new (double, (gsize) job->n_gallery * nominal->detector.regions);
  PfmTrainOptions go = *o;
  go.runs = NULL;
  return pfm_evaluate_outputs (nominal, data, data->test, job->n_gallery, &go, job->gallery, error);
}

static gboolean
train (PfmTrainJob *job, GError **error)
{
  if (!prepare (job, error))
    return FALSE;
  PfmTrainOptions o = { .threads = PFM_THREADS_AUTO, .progress = progress_cb, .epoch = epoch_cb, .runs = runs_cb,
                        .user_data = job, .cancel = pfm_job_run_get_cancel_flag (job->run) };
  job->result = pfm_train_run (job->cfg, job->shared->data, &o, error);
  if (job->result == NULL)
    return FALSE;
  const PfmTrainResult *r = job->result;
  if (!pfm_medium_save_map (job->map_path, r->nvx, r->nvy, r->nvz, r->dn, error))
    return FALSE;
  job->trained = pfm_train_trained_config (job->cfg, job->map_path, r->temperature);
  return evaluate_design (job, &o, error);
}

static gboolean
fabricate (PfmTrainJob *job, GError **error)
{
  PfmTrainOptions o = { .threads = PFM_THREADS_AUTO, .runs = runs_cb, .user_data = job,
                        .cancel = pfm_job_run_get_cancel_flag (job->run) };
  job->evaluation = pfm_evaluate (job->cfg, job->shared->data, job->copies, FALSE, &o, error);
  return job->evaluation != NULL;
}

static gboolean
job_thread (PfmJobRun *run, gpointer data, GError **error)
{
  PfmTrainJob *job = data;
  g_autoptr(GError) local = NULL;
  gboolean ok = FALSE;
  job->run = run;
  switch (job->kind)
    {
    case PFM_TRAIN_JOB_PREPARE:
      ok = prepare (job, &local);
      break;
    case PFM_TRAIN_JOB_TRAIN:
      ok = train (job, &local);
      break;
    case PFM_TRAIN_JOB_FABRICATE:
      ok = fabricate (job, &local);
      break;
    }
  if (!ok && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&local);
      g_set_error_literal (&local, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled."));
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local));
  return ok;
}

PfmTrainJob *
pfm_train_job_new (PfmTrainJobKind kind, const PfmConfig *cfg, const char *base_dir, PfmSharedData *shared,
                   gpointer owner, const PfmTrainJobCallbacks *cb)
{
  PfmTrainJob *job = g_new0 (PfmTrainJob, 1);
  job->kind = kind;
  job->cfg = pfm_config_copy (cfg);
  job->base_dir = g_strdup (base_dir);
  job->shared = shared ? pfm_shared_data_ref (shared) : NULL;
  job->slot = pfm_job_new (G_OBJECT (owner), runs_progress, job_done);
  job->cb = cb;
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  return job;
}

void
pfm_train_job_run (PfmTrainJob *job)
{
  /* PfmJob holds the application while the worker runs: closing the
   * window waits for it to stop. */
  pfm_job_start (job->slot, job_thread, job, job_free);
}

void
pfm_train_job_cancel (PfmTrainJob *job)
{
  g_mutex_lock (&job->lock);
  pfm_job_cancel (job->slot);
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
}

void
pfm_train_job_pause (PfmTrainJob *job, gboolean paused)
{
  g_mutex_lock (&job->lock);
  job->paused = paused;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
}

/* --- the set-up line ------------------------------------------------------------ */

/* Seconds per forward run and per n^2 log2(n) * steps on one thread, and
 * a backward pass costs about this many forward runs (measured on the
 * digits task: 6.3 ms a forward run at n = 64, 200 steps, doubled for
 * the planning, the validation and threads that do not scale fully). */
#define FORWARD_COST  2.6e-9
#define BACKWARD_RUNS 2.3

char *
pfm_train_job_format_duration (double s)
{
  if (s < 90)
    return g_strdup_printf (_("%.0f s"), MAX (1.0, s));
  if (s < 5400)
    return g_strdup_printf (_("%.0f min"), s / 60);
  return g_strdup_printf (_("%.1f h"), s / 3600);
}

char *
pfm_train_job_describe (const PfmConfig *cfg, const PfmTrainData *d, const char *data_error)
{
  const double voxel = pfm_config_voxel (cfg);
  const int nxy = pfm_medium_lattice_count (cfg->tube.side, voxel), nz = pfm_medium_lattice_count (cfg->tube.length, voxel);
  const guint64 params = (guint64) nxy * nxy * nz;
  /* The training the view starts: the engine's own worker count and
   * memory estimate. */
  const PfmTrainOptions engine_choice = { .threads = PFM_THREADS_AUTO };
  const int threads = pfm_train_threads (&engine_choice);
  const double mib = pfm_train_estimate_memory (cfg, threads, (guint) cfg->train.batch, params,
                                                pfm_bpm_default_memory_budget ()) / 1048576.0;
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, params);
  g_autofree char *glass = g_strdup_printf (_("The glass: %s parameters, one per voxel (%d × %d × %d voxels of %.2g µm, "
                                              "each within ±%.3g of n₀)."),
                                            count, nxy, nxy, nz, voxel * 1e6, cfg->medium.delta_n);
  g_autofree char *data = NULL;
  if (data_error)
    data = g_strdup_printf (_("The dataset cannot be used: %s"), data_error);
  else if (d == NULL)
    data = g_strdup (_("Loading the dataset…"));
  else
    {
      const double n = cfg->grid.n;
      const double run = FORWARD_COST * n * n * log2 (n) * pfm_config_n_steps (cfg);
      const double runs = cfg->train.epochs * ((1.0 + BACKWARD_RUNS) * d->n_train + d->n_validation) +
                          2.0 * d->n_test + d->n_train + PFM_TRAIN_JOB_GALLERY;
      g_autofree char *eta = pfm_train_job_format_duration (run * runs / threads);
      data = g_strdup_printf (_("%s: %u training, %u validation and %u test examples, %u classes on %u SLM pixels. "
                                "Training %d epochs: about %s on %d threads, %.0f MiB."),
                              d->dataset->name, d->n_train, d->n_validation, d->n_test, d->n_classes, d->n_pixels,
                              cfg->train.epochs, eta, threads, mib);
    }
  return g_strconcat (glass, " ", data, NULL);
}

/* `pfm-cli evaluate --baselines [--copies K]`'s document: the design and
 * the baselines, with the fabricated copies when there are some. */
char *
pfm_train_job_evaluation_json (const PfmEvaluation *design, const PfmEvaluation *copies)
{
  PfmEvaluation ev = *design;
  if (copies)
    {
      ev.n_copies = copies->n_copies;
      ev.copies = copies->copies;
      ev.n_unresolved = copies->n_unresolved;
      ev.mean = copies->mean, ev.std = copies->std, ev.min = copies->min;
      ev.mean_calibrated = copies->mean_calibrated, ev.std_calibrated = copies->std_calibrated;
      ev.min_calibrated = copies->min_calibrated;
    }
  return pfm_evaluation_to_json (&ev);
}
