/* pfm-job.c - one worker-thread job at a time, its results on the main loop
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run is reference counted: the GTask holds it, and so does every
 * delivery queued on the main loop, so a late delivery can still ask
 * whether its run is current.  The slot holds the current run until it
 * is done or superseded; a run holds the slot and its owner, and gives
 * both back on the main thread (its last reference may drop on the
 * worker).
 */
#define G_LOG_DOMAIN "pfm-job"

#include "config.h"

#include "pfm-app-util.h"
#include "pfm-job.h"

struct _PfmJobRun
{
  gint            ref;
  PfmJob         *job;             /* strong, released on the main thread */
  GObject        *owner;           /* strong, released on the main thread */
  GApplication   *app;             /* held while the run is in flight */
  GMainContext   *context;
  guint           generation;
  gint            cancel;          /* the engine's flag */
  GCancellable   *cancellable;
  gulong          cancelled_id;
  PfmJobFunc      func;
  gpointer        data;
  GDestroyNotify  destroy;
  /* the latest progress, and whether an idle will report it */
  GMutex          lock;
  guint           done, total;
  gboolean        progress_queued;
};

struct _PfmJob
{
  GObject             parent_instance;
  GObject            *owner;       /* not referenced: runs hold it */
  PfmJobProgressFunc  progress;
  PfmJobDoneFunc      done;
  guint               generation;
  PfmJobRun          *current;     /* the run in flight, or NULL */
};

G_DEFINE_FINAL_TYPE (PfmJob, pfm_job, G_TYPE_OBJECT)

static PfmJobRun *
run_ref (PfmJobRun *run)
{
  g_atomic_int_inc (&run->ref);
  return run;
}

/* Any thread. */
static void
run_unref (gpointer p)
{
  PfmJobRun *run = p;
  if (!g_atomic_int_dec_and_test (&run->ref))
    return;
  g_cancellable_disconnect (run->cancellable, run->cancelled_id);
  g_object_unref (run->cancellable);
  if (run->destroy)
    run->destroy (run->data);
  g_mutex_clear (&run->lock);
  pfm_release_on_main (run->context, run->owner);
  pfm_release_on_main (run->context, run->job);
  g_main_context_unref (run->context);
  g_free (run);
}

/* Main thread: later deliveries of a superseded or finished run are dropped. */
static gboolean
run_is_current (PfmJobRun *run)
{
  return run->job->current == run && run->generation == run->job->generation;
}

static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  PfmJobRun *run = user_data;
  g_atomic_int_set (&run->cancel, 1);
}

/* --- deliveries ---------------------------------------------------------------- */

/* Always through the loop, as g_main_context_invoke_full() is while the
 * loop owns the context; unlike it, never on the worker when nothing
 * owns the context yet (a test before its loop runs). */
static void
schedule (PfmJobRun *run, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[pfm-job] delivery");
  g_source_attach (source, run->context);
  g_source_unref (source);
}

static gboolean
progress_idle (gpointer p)
{
  PfmJobRun *run = p;
  g_mutex_lock (&run->lock);
  const guint done = run->done, total = run->total;
  run->progress_queued = FALSE;
  g_mutex_unlock (&run->lock);
  if (run_is_current (run) && run->job->progress)
    run->job->progress (run->owner, run->data, done, total);
  return G_SOURCE_REMOVE;
}

void
pfm_job_run_progress (PfmJobRun *run, guint done, guint total)
{
  g_mutex_lock (&run->lock);
  run->done = done;
  run->total = total;
  const gboolean queue = !run->progress_queued;
  run->progress_queued = TRUE;
  g_mutex_unlock (&run->lock);
  /* One idle at a time: the worker may report faster than the UI draws. */
  if (queue)
    schedule (run, progress_idle, run_ref (run), run_unref);
}

typedef struct
{
  PfmJobRun      *run;
  PfmJobEventFunc func;
  gpointer        event;
  GDestroyNotify  free;
} Event;

static gboolean
event_idle (gpointer p)
{
  Event *e = p;
  if (run_is_current (e->run))
    e->func (e->run->owner, e->run->data, e->event);
  return G_SOURCE_REMOVE;
}

static void
event_free (gpointer p)
{
  Event *e = p;
  if (e->free)
    e->free (e->event);
  run_unref (e->run);
  g_free (e);
}

void
pfm_job_run_post (PfmJobRun *run, PfmJobEventFunc func, gpointer event, GDestroyNotify free)
{
  Event *e = g_new (Event, 1);
  e->run = run_ref (run);
  e->func = func;
  e->event = event;
  e->free = free;
  schedule (run, event_idle, e, event_free);
}

/* --- the task ------------------------------------------------------------------ */

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PfmJobRun *run = task_data;
  g_autoptr(GError) error = NULL;
  if (run->func (run, run->data, &error))
    g_task_return_boolean (task, TRUE);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else   /* a failure must say why: never a NULL error to the owner */
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "the job failed");
}

/* Main thread: the application is released whether or not the run still
 * counts; only the current run reaches its owner. */
static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (result);
  PfmJobRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_task_propagate_boolean (task, &error);
  if (run->app)
    {
      g_application_release (run->app);
      g_clear_object (&run->app);
    }
  PfmJob *job = run->job;
  if (!run_is_current (run))
    return;
  /* Cleared first: the owner may start the next run from its callback. */
  job->current = NULL;
  job->done (run->owner, run->data, error);
  run_unref (run);
}

void
pfm_job_start (PfmJob *self, PfmJobFunc func, gpointer data, GDestroyNotify destroy)
{
  g_return_if_fail (PFM_IS_JOB (self));
  PfmJobRun *run = g_new0 (PfmJobRun, 1);
  run->ref = 1;
  run->job = g_object_ref (self);
  run->owner = g_object_ref (self->owner);
  run->context = g_main_context_ref_thread_default ();
  run->generation = ++self->generation;
  run->cancellable = g_cancellable_new ();
  run->cancelled_id = g_cancellable_connect (run->cancellable, G_CALLBACK (cancelled_cb), run, NULL);
  run->func = func;
  run->data = data;
  run->destroy = destroy;
  g_mutex_init (&run->lock);

  if (self->current != NULL)
    {
      g_cancellable_cancel (self->current->cancellable);
      run_unref (self->current);
    }
  self->current = run;   /* the slot's reference */

  run->app = g_application_get_default ();
  if (run->app)
    {
      g_object_ref (run->app);
      g_application_hold (run->app);
    }
  /* The cancellable is the run's, not the task's: a cancelled run still
   * returns what the worker made of it (a cancelled record, say). */
  GTask *task = g_task_new (NULL, NULL, run_done_cb, NULL);
  g_task_set_task_data (task, run_ref (run), run_unref);
  g_task_run_in_thread (task, run_thread);
  g_object_unref (task);
}

void
pfm_job_cancel (PfmJob *self)
{
  g_return_if_fail (PFM_IS_JOB (self));
  if (self->current != NULL)
    g_cancellable_cancel (self->current->cancellable);
}

gboolean
pfm_job_is_running (PfmJob *self)
{
  return self->current != NULL;
}

gpointer
pfm_job_get_data (PfmJob *self)
{
  return self->current ? self->current->data : NULL;
}

guint
pfm_job_get_generation (PfmJob *self)
{
  return self->generation;
}

const gint *
pfm_job_run_get_cancel_flag (PfmJobRun *run)
{
  return &run->cancel;
}

gboolean
pfm_job_run_is_cancelled (PfmJobRun *run)
{
  return g_atomic_int_get (&run->cancel) != 0;
}

GCancellable *
pfm_job_run_get_cancellable (PfmJobRun *run)
{
  return run->cancellable;
}

guint
pfm_job_run_get_generation (PfmJobRun *run)
{
  return run->generation;
}

static void
pfm_job_class_init (PfmJobClass *klass)
{
}

static void
pfm_job_init (PfmJob *self)
{
}

PfmJob *
pfm_job_new (GObject *owner, PfmJobProgressFunc progress, PfmJobDoneFunc done)
{
  g_return_val_if_fail (G_IS_OBJECT (owner) && done != NULL, NULL);
  PfmJob *self = g_object_new (PFM_TYPE_JOB, NULL);
  self->owner = owner;
  self->progress = progress;
  self->done = done;
  return self;
}
