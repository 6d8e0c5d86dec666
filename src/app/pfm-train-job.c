/* pfm-train-job.c - the Training view's work on a worker thread
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-train-job"

#include "config.h"

#include <glib/gi18n.h>

#include "pfm-app-util.h"
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
job_unref (PfmTrainJob *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref))
    return;
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
  /* Released on the UI thread: this may run on the worker. */
  pfm_release_on_main (job->context, job->owner);
  g_main_context_unref (job->context);
  g_free (job);
}

/* --- events, from the worker to the UI thread --------------------------------- */

typedef enum { EV_PROGRESS, EV_EPOCH, EV_RUNS, EV_PAUSED } EventKind;

typedef struct
{
  EventKind        kind;
  PfmTrainJob     *job;
  GObject         *owner;
  PfmTrainProgress progress;
  PfmTrainEpoch    epoch;
  guint            done, total;
} Event;

static gboolean
event_cb (gpointer p)
{
  Event *e = p;
  const PfmTrainJobCallbacks *cb = e->job->cb;
  switch (e->kind)
    {
    case EV_PROGRESS:
      cb->progress (e->owner, e->job, &e->progress);
      break;
    case EV_EPOCH:
      cb->epoch (e->owner, e->job, &e->epoch);
      break;
    case EV_RUNS:
      cb->runs (e->owner, e->job, e->done, e->total);
      break;
    case EV_PAUSED:
      cb->paused (e->owner, e->job);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
event_free (gpointer p)
{
  Event *e = p;
  g_object_unref (e->owner);
  job_unref (e->job);
  g_free (e);
}

/* Each event holds the job. */
static void
post (PfmTrainJob *job, Event *e)
{
  g_atomic_int_inc (&job->ref);
  e->job = job;
  e->owner = g_object_ref (job->owner);
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, event_cb, e, event_free);
}

/* Blocks the training thread while paused (not once cancelled). */
static void
wait_if_paused (PfmTrainJob *job)
{
  g_mutex_lock (&job->lock);
  if (job->paused && !g_atomic_int_get (&job->cancel))
    {
      Event *e = g_new0 (Event, 1);
      e->kind = EV_PAUSED;
      post (job, e);
      while (job->paused && !g_atomic_int_get (&job->cancel))
        g_cond_wait (&job->cond, &job->lock);
    }
  g_mutex_unlock (&job->lock);
}

static void
progress_cb (const PfmTrainProgress *p, gpointer user_data)
{
  PfmTrainJob *job = user_data;
  Event *e = g_new0 (Event, 1);
  e->kind = EV_PROGRESS;
  e->progress = *p;
  post (job, e);
  wait_if_paused (job);
}

static void
epoch_cb (const PfmTrainEpoch *ep, gpointer user_data)
{
  PfmTrainJob *job = user_data;
  Event *e = g_new0 (Event, 1);
  e->kind = EV_EPOCH;
  e->epoch = *ep;
  post (job, e);
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
  Event *e = g_new0 (Event, 1);
  e->kind = EV_RUNS;
  e->done = done;
  e->total = total;
  post (job, e);
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
  PfmTrainOptions o = { .threads = 0, .progress = progress_cb, .epoch = epoch_cb, .runs = runs_cb,
                        .user_data = job, .cancel = &job->cancel };
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
  PfmTrainOptions o = { .threads = 0, .runs = runs_cb, .user_data = job, .cancel = &job->cancel };
  job->evaluation = pfm_evaluate (job->cfg, job->shared->data, job->copies, FALSE, &o, error);
  return job->evaluation != NULL;
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PfmTrainJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;
  switch (job->kind)
    {
    case PFM_TRAIN_JOB_PREPARE:
      ok = prepare (job, &error);
      break;
    case PFM_TRAIN_JOB_TRAIN:
      ok = train (job, &error);
      break;
    case PFM_TRAIN_JOB_FABRICATE:
      ok = fabricate (job, &error);
      break;
    }
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled."));
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (result);
  PfmTrainJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_task_propagate_boolean (task, &error);
  g_application_release (g_application_get_default ());
  job->cb->done (job->owner, job, error);
}

PfmTrainJob *
pfm_train_job_new (PfmTrainJobKind kind, const PfmConfig *cfg, const char *base_dir, PfmSharedData *shared,
                   gpointer owner, const PfmTrainJobCallbacks *cb)
{
  PfmTrainJob *job = g_new0 (PfmTrainJob, 1);
  job->ref = 1;
  job->kind = kind;
  job->cfg = pfm_config_copy (cfg);
  job->base_dir = g_strdup (base_dir);
  job->shared = shared ? pfm_shared_data_ref (shared) : NULL;
  job->owner = g_object_ref (owner);
  job->context = g_main_context_ref_thread_default ();
  job->cb = cb;
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  return job;
}

void
pfm_train_job_run (PfmTrainJob *job)
{
  /* Held while the worker runs: closing the window waits for it to stop. */
  g_application_hold (g_application_get_default ());
  GTask *task = g_task_new (NULL, NULL, job_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_unref);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
}

void
pfm_train_job_cancel (PfmTrainJob *job)
{
  g_mutex_lock (&job->lock);
  g_atomic_int_set (&job->cancel, 1);
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
