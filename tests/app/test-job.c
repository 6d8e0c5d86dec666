/* test-job.c - PfmJob, the app's worker-thread jobs (g_test, no display)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A superseded run is cancelled and nothing of it reaches the owner; a
 * cancel reaches the engine's flag the worker reads; many progress
 * reports arrive as one, the last; the application is held while a run
 * is in flight and released once it is done or cancelled.
 */
#include "config.h"

#include <string.h>

#include "pfm-job.h"

/* What one run did, written by its worker and read once it is done. */
typedef struct
{
  guint    id;
  gboolean wait_for_cancel;   /* spin until cancelled */
  gint     saw_cancel;
  guint    n_reports;         /* progress reports to make */
  gint     reported;          /* the worker made them all */
  gint     may_finish;        /* the main thread let the worker return */
} Work;

/* What the owner saw, on the main thread. */
typedef struct
{
  guint  n_done;
  guint  done_id;
  GError *error;
  guint  n_progress;
  guint  last_done, last_total;
  guint  n_events;
  guint  event_id;
} Seen;

static Seen seen;

static void
seen_reset (void)
{
  g_clear_error (&seen.error);
  memset (&seen, 0, sizeof seen);
}

static void
event_cb (gpointer owner, gpointer data, gpointer event)
{
  seen.n_events++;
  seen.event_id = ((Work *) data)->id;
}

static gboolean
work_func (PfmJobRun *run, gpointer data, GError **error)
{
  Work *w = data;
  for (guint i = 1; i <= w->n_reports; i++)
    pfm_job_run_progress (run, i, w->n_reports);
  g_atomic_int_set (&w->reported, 1);
  if (w->wait_for_cancel)
    {
      /* As the engine does between steps (at most 20 s here). */
      const gint *flag = pfm_job_run_get_cancel_flag (run);
      for (int i = 0; i < 20000 && !g_atomic_int_get (flag); i++)
        g_usleep (1000);
      g_atomic_int_set (&w->saw_cancel, g_atomic_int_get (flag));
      /* A superseded run's late events are dropped. */
      pfm_job_run_post (run, event_cb, NULL, NULL);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return FALSE;
    }
  while (!g_atomic_int_get (&w->may_finish))
    g_usleep (1000);
  pfm_job_run_post (run, event_cb, NULL, NULL);
  return TRUE;
}

static void
progress_cb (gpointer owner, gpointer data, guint done, guint total)
{
  seen.n_progress++;
  seen.last_done = done;
  seen.last_total = total;
}

static void
done_cb (gpointer owner, gpointer data, GError *error)
{
  seen.n_done++;
  seen.done_id = ((Work *) data)->id;
  g_clear_error (&seen.error);
  seen.error = error ? g_error_copy (error) : NULL;
}

static void
wait_done (PfmJob *job)
{
  while (pfm_job_is_running (job))
    g_main_context_iteration (NULL, TRUE);
}

static Work *
work_new (guint id, gboolean wait_for_cancel)
{
  Work *w = g_new0 (Work, 1);
  w->id = id;
  w->wait_for_cancel = wait_for_cancel;
  w->may_finish = 1;
  return w;
}

static void
test_superseded (void)
{
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PfmJob) job = pfm_job_new (owner, progress_cb, done_cb);
  seen_reset ();
  Work *a = work_new (1, TRUE), *b = work_new (2, FALSE);
  /* Kept past the runs: each run frees nothing of its data. */
  pfm_job_start (job, work_func, a, NULL);
  g_assert_cmpuint (pfm_job_get_generation (job), ==, 1);
  g_assert_true (pfm_job_get_data (job) == a);
  pfm_job_start (job, work_func, b, NULL);
  g_assert_cmpuint (pfm_job_get_generation (job), ==, 2);
  g_assert_true (pfm_job_get_data (job) == b);
  wait_done (job);
  /* Let the first run's late deliveries arrive too. */
  while (!g_atomic_int_get (&a->saw_cancel))
    g_main_context_iteration (NULL, FALSE);
  for (int i = 0; i < 200; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (g_atomic_int_get (&a->saw_cancel));   /* superseding cancels */
  g_assert_cmpuint (seen.n_done, ==, 1);
  g_assert_cmpuint (seen.done_id, ==, 2);
  g_assert_no_error (seen.error);
  g_assert_cmpuint (seen.n_events, ==, 1);
  g_assert_cmpuint (seen.event_id, ==, 2);
  g_free (a);
  g_free (b);
}

static void
test_cancel (void)
{
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PfmJob) job = pfm_job_new (owner, progress_cb, done_cb);
  seen_reset ();
  Work *w = work_new (7, TRUE);
  pfm_job_start (job, work_func, w, g_free);
  g_assert_true (pfm_job_is_running (job));
  pfm_job_cancel (job);
  wait_done (job);
  g_assert_cmpuint (seen.n_done, ==, 1);
  g_assert_cmpuint (seen.done_id, ==, 7);
  /* The worker saw the flag, and its result still arrived, as a cancel. */
  g_assert_error (seen.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (pfm_job_is_running (job));
}

static void
test_coalesced (void)
{
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PfmJob) job = pfm_job_new (owner, progress_cb, done_cb);
  seen_reset ();
  Work *w = work_new (3, FALSE);
  w->n_reports = 10000;
  w->may_finish = 0;
  pfm_job_start (job, work_func, w, NULL);
  /* The main loop is busy elsewhere while the worker reports. */
  while (!g_atomic_int_get (&w->reported))
    g_usleep (1000);
  g_atomic_int_set (&w->may_finish, 1);
  wait_done (job);
  g_assert_cmpuint (seen.n_done, ==, 1);
  g_assert_cmpuint (seen.n_progress, ==, 1);   /* one idle for 10000 reports */
  g_assert_cmpuint (seen.last_done, ==, 10000);
  g_assert_cmpuint (seen.last_total, ==, 10000);
  /* After the run, nothing more. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (seen.n_progress, ==, 1);
  g_free (w);
}

/* --- the application hold --------------------------------------------------------- */

typedef struct
{
  PfmJob  *job;
  gboolean cancel;
} HoldCase;

static gboolean
watchdog_cb (gpointer app)
{
  g_test_message ("the application was not released");
  g_test_fail ();
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_idle (gpointer p)
{
  pfm_job_cancel (p);
  return G_SOURCE_REMOVE;
}

static void
hold_activate_cb (GApplication *app, HoldCase *c)
{
  /* No hold of its own: the application runs exactly as long as the job. */
  pfm_job_start (c->job, work_func, work_new (9, c->cancel), g_free);
  if (c->cancel)
    g_timeout_add (50, cancel_idle, c->job);
}

static void
run_held (gboolean cancel)
{
  g_autoptr(GApplication) app = g_application_new ("io.github.pfm_explorer.TestJob", G_APPLICATION_NON_UNIQUE);
  g_application_set_default (app);
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PfmJob) job = pfm_job_new (owner, progress_cb, done_cb);
  seen_reset ();
  HoldCase c = { job, cancel };
  g_signal_connect (app, "activate", G_CALLBACK (hold_activate_cb), &c);
  guint watchdog = g_timeout_add_seconds (30, watchdog_cb, app);
  g_application_run (app, 0, NULL);
  g_source_remove (watchdog);
  /* It ran until the job was done (it was held), and then returned (released). */
  g_assert_cmpuint (seen.n_done, ==, 1);
  g_assert_cmpuint (seen.done_id, ==, 9);
  if (cancel)
    g_assert_error (seen.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  else
    g_assert_no_error (seen.error);
  g_assert_false (pfm_job_is_running (job));
  g_application_set_default (NULL);
}

static void
test_hold_done (void)
{
  run_held (FALSE);
}

static void
test_hold_cancel (void)
{
  run_held (TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/job/superseded", test_superseded);
  g_test_add_func ("/job/cancel", test_cancel);
  g_test_add_func ("/job/coalesced-progress", test_coalesced);
  g_test_add_func ("/job/hold-done", test_hold_done);
  g_test_add_func ("/job/hold-cancel", test_hold_cancel);
  return g_test_run ();
}
