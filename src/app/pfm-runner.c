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
 * worker to notice, instead of killing it mid-step (all of it PfmJob's).
 */
#define G_LOG_DOMAIN "pfm-runner"

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-job.h"
#include "pfm-runner.h"

#define DEBOUNCE_MS 80

/* One run's own state, read on the worker. */
typedef struct
{
  PfmConfig  *cfg;
  PfmJobRun  *run;
  gint        last_percent;
  PfmRecord  *rec;           /* the result, or NULL */
} Run;

struct _PfmRunner
{
  GObject      parent_instance;
  PfmDocument *document;
  PfmJob      *job;
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
run_free (gpointer p)
{
  Run *r = p;
  pfm_config_free (r->cfg);
  g_clear_pointer (&r->rec, pfm_record_free);
  g_free (r);
}

/* --- deliveries to the main loop ------------------------------------------ */

static void
slice_free (gpointer p)
{
  PfmRunnerSlice *slice = p;
  g_free (slice->intensity);
  g_free (slice);
}

/* Main thread, for the current run only (pfm_job_run_post). */
static void
deliver_slice (gpointer owner, gpointer data, gpointer event)
{
  PfmRunner *self = owner;
  const guint generation = pfm_job_get_generation (self->job);
  if (self->changed_at != 0 && self->first_slice_generation != generation)
    {
      /* Latency from an edit to its first streamed slice (G_MESSAGES_DEBUG=pfm-runner). */
      self->first_slice_generation = generation;
      g_debug ("first slice on screen %.1f ms after the change",
               (g_get_monotonic_time () - self->changed_at) / 1000.0);
    }
  g_signal_emit (self, signals[SLICE], 0, event);
}

static void
deliver_progress (gpointer owner, gpointer data, guint done, guint total)
{
  g_signal_emit (owner, signals[PROGRESS], 0, (double) done / total);
}

/* Worker thread. */
static void
slice_cb (const PfmRecord *rec, gpointer user_data)
{
  Run *r = user_data;
  PfmRunnerSlice *slice = g_new0 (PfmRunnerSlice, 1);
  slice->row = g_array_index (rec->rows, PfmDiagRow, rec->rows->len - 1);
  slice->length = r->cfg->tube.length;
  if (rec->vol_intensity != NULL && rec->vol_count > 0 &&
      rec->vol_z[rec->vol_count - 1] == slice->row.z)
    {
      gsize n = (gsize) rec->vol_nx * rec->vol_ny;
      slice->vol_n = rec->vol_nx;
      slice->vol_x0 = rec->vol_x0;
      slice->vol_dx = rec->vol_dx;
      slice->intensity = g_memdup2 (rec->vol_intensity + (gsize) (rec->vol_count - 1) * n, n * sizeof (float));
    }
  pfm_job_run_post (r->run, deliver_slice, slice, slice_free);
}

static void
progress_cb (guint step, guint n_steps, double z, gpointer user_data)
{
  Run *r = user_data;
  int percent = (int) (100.0 * step / n_steps);
  if (percent == r->last_percent)
    return;
  r->last_percent = percent;
  pfm_job_run_progress (r->run, step, n_steps);
}

static gboolean
run_thread (PfmJobRun *run, gpointer data, GError **error)
{
  Run *r = data;
  r->run = run;
  PfmBpmOptions opts = { .threads = PFM_THREADS_AUTO, .rigor = PFM_PLAN_MEASURE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (r->cfg, &opts, error);
  if (bpm == NULL)
    return FALSE;
  PfmBpmCallbacks cb = { .progress = progress_cb, .slice = slice_cb, .user_data = r,
                         .cancel = pfm_job_run_get_cancel_flag (run) };
  r->rec = pfm_bpm_run (bpm, &cb, error);
  return r->rec != NULL;
}

/* Main thread, for the current run only: a superseded run's result is
 * dropped by the job. */
static void
run_done (gpointer owner, gpointer data, GError *error)
{
  PfmRunner *self = owner;
  Run *r = data;
  g_clear_pointer (&self->record, pfm_record_free);
  g_clear_pointer (&self->record_cfg, pfm_config_free);
  g_clear_error (&self->error);
  self->record = g_steal_pointer (&r->rec);
  self->record_cfg = pfm_config_copy (r->cfg);
  self->error = error ? g_error_copy (error) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

void
pfm_runner_cancel (PfmRunner *self)
{
  g_return_if_fail (PFM_IS_RUNNER (self));
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  /* Its result arrives later and is still reported (as cancelled). */
  pfm_job_cancel (self->job);
}

void
pfm_runner_start (PfmRunner *self)
{
  g_return_if_fail (PFM_IS_RUNNER (self));
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  Run *r = g_new0 (Run, 1);
  r->cfg = pfm_config_copy (pfm_document_get_config (self->document));
  r->last_percent = -1;
  pfm_job_start (self->job, run_thread, r, run_free);
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
  pfm_job_cancel (self->job);
  self->changed_at = g_get_monotonic_time ();
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
}

static void
pfm_runner_dispose (GObject *object)
{
  PfmRunner *self = PFM_RUNNER (object);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->job)
    pfm_job_cancel (self->job);
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
  g_clear_object (&self->job);
  G_OBJECT_CLASS (pfm_runner_parent_class)->finalize (object);
}

static void
pfm_runner_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmRunner *self = PFM_RUNNER (object);
  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, pfm_job_is_running (self->job));
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
  self->job = pfm_job_new (G_OBJECT (self), deliver_progress, run_done);
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
  return pfm_job_is_running (self->job) || self->debounce_id != 0;
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

gboolean
pfm_runner_results_ready (PfmRunner *self, const GError **failure)
{
  *failure = NULL;
  if (pfm_runner_is_running (self))
    return FALSE;
  *failure = self->error;
  return self->error != NULL || self->record != NULL;
}
