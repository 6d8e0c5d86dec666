/* pfm-job.h - one worker-thread job at a time, its results on the main loop
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PfmJob is the slot an owner (the runner, a view) runs its work in:
 * pfm_job_start() runs a function on a GTask thread and supersedes the
 * run in flight.  Each run has a GCancellable whose cancellation sets the
 * engine's cancel flag (the `gint` it reads with g_atomic_int_get); a
 * superseded run is cancelled and whatever it still delivers is dropped
 * by generation number.  Progress from the worker is coalesced: at most
 * one main-loop idle is pending per run, and it reports the latest
 * value.  The default GApplication is held while a run is in flight, so
 * closing the window cancels the work and the process waits for the
 * worker to notice instead of killing it mid-step.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PfmJobRun PfmJobRun;

/* Worker thread: the work itself, its results left in @data. */
typedef gboolean (*PfmJobFunc)         (PfmJobRun *run,
                                        gpointer   data,
                                        GError   **error);
/* Main thread, while the run is current: its latest progress. */
typedef void     (*PfmJobProgressFunc) (gpointer   owner,
                                        gpointer   data,
                                        guint      done,
                                        guint      total);
/* Main thread, once, for the current run only (never for a superseded
 * one): @error is NULL on success, G_IO_ERROR_CANCELLED after a cancel
 * if the function reports it so. */
typedef void     (*PfmJobDoneFunc)     (gpointer   owner,
                                        gpointer   data,
                                        GError    *error);
/* Main thread, while the run is current: one event of pfm_job_run_post(). */
typedef void     (*PfmJobEventFunc)    (gpointer   owner,
                                        gpointer   data,
                                        gpointer   event);

#define PFM_TYPE_JOB (pfm_job_get_type ())
G_DECLARE_FINAL_TYPE (PfmJob, pfm_job, PFM, JOB, GObject)

/* A slot for @owner's runs (not referenced by the slot; each run holds
 * it until it is freed, on the main thread).  @progress may be NULL. */
PfmJob       *pfm_job_new                 (GObject            *owner,
                                           PfmJobProgressFunc  progress,
                                           PfmJobDoneFunc      done);
/* Runs @func (@data, freed with @destroy once the run is over) on a
 * worker thread; the run in flight is cancelled and its result dropped. */
void          pfm_job_start               (PfmJob             *self,
                                           PfmJobFunc          func,
                                           gpointer            data,
                                           GDestroyNotify      destroy);
/* Cancels the run in flight; its result still arrives (as a cancel). */
void          pfm_job_cancel              (PfmJob             *self);
gboolean      pfm_job_is_running          (PfmJob             *self);
/* The data of the run in flight, or NULL. */
gpointer      pfm_job_get_data            (PfmJob             *self);
/* How many runs were started: the current run's number. */
guint         pfm_job_get_generation      (PfmJob             *self);

/* For the worker function (any thread). */
const gint   *pfm_job_run_get_cancel_flag (PfmJobRun          *run);
gboolean      pfm_job_run_is_cancelled    (PfmJobRun          *run);
GCancellable *pfm_job_run_get_cancellable (PfmJobRun          *run);
guint         pfm_job_run_get_generation  (PfmJobRun          *run);
/* Coalesced: the owner sees the latest (@done, @total) soon after. */
void          pfm_job_run_progress        (PfmJobRun          *run,
                                           guint               done,
                                           guint               total);
/* Ordered and never coalesced: @func (owner, data, @event) on the main
 * thread unless the run was superseded; @event is freed with @free. */
void          pfm_job_run_post            (PfmJobRun          *run,
                                           PfmJobEventFunc     func,
                                           gpointer            event,
                                           GDestroyNotify      free);

G_END_DECLS
