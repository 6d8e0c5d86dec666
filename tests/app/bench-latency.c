/* bench-latency.c - how soon an edit's first slice reaches the UI thread
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, never a test: the document and runner of the app, without a
 * window.  After a run has finished, an edit (beam.power) is made and the
 * time until the runner delivers the new run's first slice on the main
 * loop is measured, 7 times; the min and median are printed.  This is the
 * latency the Propagation view sees, less the drawing of one frame.
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#include "pfm-document.h"
#include "pfm-runner.h"

#define REPEATS 7

static PfmDocument *doc;
static PfmRunner *runner;
static gint64 changed_at;
static gboolean waiting_slice;
static double lat[REPEATS];
static int n_lat;

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean
edit_cb (gpointer data)
{
  char value[32];
  g_snprintf (value, sizeof value, "%d", 2 + n_lat);
  changed_at = g_get_monotonic_time ();
  waiting_slice = TRUE;
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (doc, "beam.power", value, &error))
    g_error ("%s", error->message);
  return G_SOURCE_REMOVE;
}

static void
slice_cb (PfmRunner *r, gpointer slice, gpointer app)
{
  if (!waiting_slice)
    return;
  waiting_slice = FALSE;
  lat[n_lat++] = (g_get_monotonic_time () - changed_at) / 1000.0;
}

static void
finished_cb (PfmRunner *r, gpointer app)
{
  if (waiting_slice)
    return;
  if (n_lat < REPEATS)
    {
      g_timeout_add (200, edit_cb, NULL);   /* let the machine settle first */
      return;
    }
  qsort (lat, REPEATS, sizeof (double), cmp);
  printf ("first streamed slice after an edit: min %.1f ms, median %.1f ms, max %.1f ms (%d edits, 256x256 default device)\n",
          lat[0], lat[REPEATS / 2], lat[REPEATS - 1], REPEATS);
  g_application_release (G_APPLICATION (app));
}

static void
activate_cb (GApplication *app)
{
  g_application_hold (app);
  doc = pfm_document_new ();
  runner = pfm_runner_new (doc);
  g_signal_connect (runner, "slice", G_CALLBACK (slice_cb), app);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), app);
  pfm_runner_start (runner);
}

int
main (int argc, char **argv)
{
  g_autoptr(GApplication) app = g_application_new ("io.github.pfm_explorer.LatencyBench", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  int status = g_application_run (app, argc, argv);
  g_clear_object (&runner);
  g_clear_object (&doc);
  return status;
}
