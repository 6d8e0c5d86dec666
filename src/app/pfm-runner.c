/* pfm-runner.c - the engine on a worker thread, results streamed to the UI
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * At most one run per document.  A change to the document restarts the
 * run after a short debounce; the run in flight is cancelled through the
 * engine's atomic flag (checked every step) and its late deliveries are
 * dropped by generation number.  While a run is in flight the application
 * is held, so closing the window cancels it and the process waits for the
 * worker to notice, instead of killing it mid-step.
 */
#define G_LOG_DOMAIN "pfm-runner"

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-bpm.h"
#include "pfm-runner.h"

#define DEBOUNCE_MS 80

typedef struct
{
  gint        cancel;
  guint       generation;
  PfmConfig  *cfg;
  PfmRunner  *runner;        /* strong ref, released on the main thread */
  GMainContext *context;
  gint        last_percent;
} Job;

struct _PfmRunner
{
  GObject      parent_instance;
  PfmDocument *document;
  Job         *job;           /* the run in flight, or NULL */
  guint        generation;
  guint        debounce_id;
  PfmRecord   *record;
  PfmConfig   *record_cfg;
  GError      *error;
  gint64       changed_at;     /* monotonic time of the last document change */
  guint        first_slice_generation;
};

G_DEFINE_FINAL_TYPE (PfmRunner, pfm_runner, G_TYPE_OBJECT)

enum {
  STARTED,
  SLICE,
  PROGRESS,
  FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
job_free (Job *job)
{
  pfm_config_free (job->cfg);
  /* Released on the UI thread: this may run on the worker. */
  pfm_release_on_main (job->context, job->runner);
  g_main_context_unref (job->context);
  g_free (job);
}

/* --- deliveries to the main loop ------------------------------------------ */

typedef struct
{
  PfmRunner     *runner;
  guint          generation;
  PfmRunnerSlice slice;
  double         fraction;
  gboolean       is_slice;
} Delivery;

static void
delivery_free (gpointer p)
{
  Delivery *d = p;
  g_object_unref (d->runner);
  g_free (d->slice.intensity);
  g_free (d);
}

static gboolean
deliver_cb (gpointer p)
{
  Delivery *d = p;
  if (d->generation != d->runner->generation)
    return G_SOURCE_REMOVE;   /* a newer run superseded this one */
  if (d->is_slice && d->runner->changed_at != 0 && d->runner->first_slice_generation != d->generation)
    {
      /* Latency from an edit to its first streamed slice (G_MESSAGES_DEBUG=pfm-runner). */
      d->runner->first_slice_generation = d->generation;
      g_debug ("first slice on screen %.1f ms after the change",
               (g_get_monotonic_time () - d->runner->changed_at) / 1000.0);
    }
  if (d->is_slice)
    g_signal_emit (d->runner, signals[SLICE], 0, &d->slice);
  else
    g_signal_emit (d->runner, signals[PROGRESS], 0, d->fraction);
  return G_SOURCE_REMOVE;
}

static void
deliver (Job *job, Delivery *d)
{
  d->runner = g_object_ref (job->runner);
  d->generation = job->generation;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, deliver_cb, d, delivery_free);
}

/* Worker thread. */
static void
slice_cb (const PfmRecord *rec, gpointer user_data)
{
  Job *job = user_data;
  Delivery *d = g_new0 (Delivery, 1);
  d->is_slice = TRUE;
  d->slice.row = g_array_index (rec->rows, PfmDiagRow, rec->rows->len - 1);
  d->slice.length = job->cfg->tube.length;
  if (rec->vol_intensity != NULL && rec->vol_count > 0 &&
      rec->vol_z[rec->vol_count - 1] == d->slice.row.z)
    {
      gsize n = (gsize) rec->vol_nx * rec->vol_ny;
      d->slice.vol_n = rec->vol_nx;
      d->slice.vol_x0 = rec->vol_x0;
      d->slice.vol_dx = rec->vol_dx;
      d->slice.intensity = g_memdup2 (rec->vol_intensity + (gsize) (rec->vol_count - 1) * n, n * sizeof (float));
    }
  deliver (job, d);
}

static void
progress_cb (guint step, guint n_steps, double z, gpointer user_data)
{
  Job *job = user_data;
  int percent = (int) (100.0 * step / n_steps);
  if (percent == job->last_percent)
    return;
  job->last_percent = percent;
  Delivery *d = g_new0 (Delivery, 1);
  d->fraction = (double) step / n_steps;
  deliver (job, d);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  PfmBpmOptions opts = { .threads = -1, .rigor = PFM_PLAN_MEASURE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (job->cfg, &opts, &error);
  if (bpm == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  PfmBpmCallbacks cb = { .progress = progress_cb, .slice = slice_cb, .user_data = job, .cancel = &job->cancel };
  PfmRecord *rec = pfm_bpm_run (bpm, &cb, &error);
  if (rec == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, rec, (GDestroyNotify) pfm_record_free);
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PfmRunner) self = user_data;   /* the callback runs on the main thread */
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  PfmRecord *rec = g_task_propagate_pointer (task, &error);

  g_application_release (g_application_get_default ());

  if (job != self->job)
    {
      /* Superseded (cancelled for a newer run): drop its result. */
      g_clear_pointer (&rec, pfm_record_free);
      return;
    }
  self->job = NULL;
  g_clear_pointer (&self->record, pfm_record_free);
  g_clear_pointer (&self->record_cfg, pfm_config_free);
  g_clear_error (&self->error);
  self->record = rec;
  self->record_cfg = pfm_config_copy (job->cfg);
  self->error = g_steal_pointer (&error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

void
pfm_runner_cancel (PfmRunner *self)
{
  g_return_if_fail (PFM_IS_RUNNER (self));
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->job != NULL)
    {
      g_atomic_int_set (&self->job->cancel, 1);
      /* Its result arrives later and is still reported (as cancelled). */
    }
}

void
pfm_runner_start (PfmRunner *self)
{
  g_return_if_fail (PFM_IS_RUNNER (self));
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->job != NULL)
    g_atomic_int_set (&self->job->cancel, 1);

  Job *job = g_new0 (Job, 1);
  job->generation = ++self->generation;
  job->cfg = pfm_config_copy (pfm_document_get_config (self->document));
  job->runner = g_object_ref (self);
  job->context = g_main_context_ref_thread_default ();
  job->last_percent = -1;
  self->job = job;

  g_application_hold (g_application_get_default ());
  GTask *task = g_task_new (NULL, NULL, run_done_cb, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_thread);
  g_object_unref (task);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[STARTED], 0);
}

static gboolean
debounce_cb (gpointer user_data)
{
  PfmRunner *self = user_data;
  self->debounce_id = 0;
  pfm_runner_start (self);
  return G_SOURCE_REMOVE;
}

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmRunner *self)
{
  /* The scaling model and the renderer's settings do not change this run;
   * the defect settings do (the run propagates the fabricated copy they
   * describe, pfm_defects_active()). */
  if (!(pfm_config_key_affects (key) & PFM_AFFECTS_RUN))
    return;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->job != NULL)
    g_atomic_int_set (&self->job->cancel, 1);
  self->changed_at = g_get_monotonic_time ();
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
}

static void
pfm_runner_dispose (GObject *object)
{
  PfmRunner *self = PFM_RUNNER (object);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->job != NULL)
    g_atomic_int_set (&self->job->cancel, 1);
  if (self->document)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  G_OBJECT_CLASS (pfm_runner_parent_class)->dispose (object);
}

static void
pfm_runner_finalize (GObject *object)
{
  PfmRunner *self = PFM_RUNNER (object);
  g_clear_pointer (&self->record, pfm_record_free);
  g_clear_pointer (&self->record_cfg, pfm_config_free);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (pfm_runner_parent_class)->finalize (object);
}

static void
pfm_runner_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmRunner *self = PFM_RUNNER (object);
  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->job != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_runner_class_init (PfmRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = pfm_runner_dispose;
  object_class->finalize = pfm_runner_finalize;
  object_class->get_property = pfm_runner_get_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SLICE] = g_signal_new ("slice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pfm_runner_init (PfmRunner *self)
{
}

PfmRunner *
pfm_runner_new (PfmDocument *document)
{
  PfmRunner *self = g_object_new (PFM_TYPE_RUNNER, NULL);
  self->document = g_object_ref (document);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  return self;
}

gboolean
pfm_runner_is_running (PfmRunner *self)
{
  return self->job != NULL || self->debounce_id != 0;
}

const PfmRecord *
pfm_runner_get_record (PfmRunner *self)
{
  return self->record;
}

const PfmConfig *
pfm_runner_get_config (PfmRunner *self)
{
  return self->record_cfg;
}

GError *
pfm_runner_get_error (PfmRunner *self)
{
  return self->error;
}
