/* test-sweep-view.c - the Sweep view's state: a result goes out of date
 * when the project changes, a cancel leaves no result and no error
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "pfm-sweep-view.h"

static void
wait_ready (PfmSweepView *view)
{
  while (!pfm_sweep_view_is_ready (view))
    g_main_context_iteration (NULL, TRUE);
}

static PfmDocument *
small_document (void)
{
  PfmDocument *doc = pfm_document_new ();
  static const char *const sets[][2] = {
    { "tube.profile", "none" }, { "tube.length", "0.0001" }, { "medium.kind", "none" },
    { "grid.n", "32" }, { "grid.dz", "2e-06" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    g_assert_true (pfm_document_set (doc, sets[i][0], sets[i][1], NULL));
  return doc;
}

static void
test_out_of_date (void)
{
  g_autoptr(PfmDocument) doc = small_document ();
  GtkWidget *w = g_object_ref_sink (pfm_sweep_view_new (doc));
  PfmSweepView *view = PFM_SWEEP_VIEW (w);
  const char *const specs[] = { "beam.power=1:1000:3:log", NULL };
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_sweep_view_set_specs (view, specs, &error));
  g_assert_true (pfm_sweep_view_run (view, &error));
  g_assert_no_error (error);
  wait_ready (view);
  g_assert_null (pfm_sweep_view_get_error (view));
  g_assert_false (pfm_sweep_view_is_out_of_date (view));
  g_assert_nonnull (strstr (pfm_sweep_view_get_summary (view), "3 points"));
  /* A scaling key does not feed a propagation: still up to date. */
  g_assert_true (pfm_document_set (doc, "scaling.years", "3", NULL));
  g_assert_false (pfm_sweep_view_is_out_of_date (view));
  g_assert_true (pfm_document_set (doc, "beam.waist", "5e-06", NULL));
  g_assert_true (pfm_sweep_view_is_out_of_date (view));
  g_assert_nonnull (strstr (pfm_sweep_view_get_summary (view), "Out of date"));
  /* Run again: up to date. */
  g_assert_true (pfm_sweep_view_run (view, &error));
  wait_ready (view);
  g_assert_false (pfm_sweep_view_is_out_of_date (view));
  g_object_unref (w);
}

static void
test_refused (void)
{
  g_autoptr(PfmDocument) doc = small_document ();
  GtkWidget *w = g_object_ref_sink (pfm_sweep_view_new (doc));
  PfmSweepView *view = PFM_SWEEP_VIEW (w);
  /* beam.waist is shown in µm: the message says so. */
  const char *const specs[] = { "beam.waist=1e-06:2:3", NULL };
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_sweep_view_set_specs (view, specs, &error));
  g_assert_false (pfm_sweep_view_run (view, &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "out of range"));
  g_assert_nonnull (strstr (error->message, "µm"));
  g_assert_true (pfm_sweep_view_is_ready (view));
  const char *const bad[] = { "optics.n2=1,2", NULL };
  g_clear_error (&error);
  g_assert_false (pfm_sweep_view_set_specs (view, bad, &error));
  g_assert_nonnull (strstr (error->message, "START:STOP:N"));
  g_object_unref (w);
}

static void
test_cancel (void)
{
  g_autoptr(PfmDocument) doc = small_document ();
  GtkWidget *w = g_object_ref_sink (pfm_sweep_view_new (doc));
  PfmSweepView *view = PFM_SWEEP_VIEW (w);
  const char *const specs[] = { "beam.power=1:1000:400", NULL };
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_sweep_view_set_specs (view, specs, &error));
  g_assert_true (pfm_sweep_view_run (view, &error));
  gtk_widget_activate_action (w, "sweep.cancel", NULL);
  wait_ready (view);
  g_assert_null (pfm_sweep_view_get_error (view));   /* a cancel is not a failure */
  g_assert_null (strstr (pfm_sweep_view_get_summary (view), "400 points"));   /* and leaves no result */
  g_assert_false (pfm_sweep_view_is_out_of_date (view));
  g_object_unref (w);
}

static void
activate_cb (GApplication *app, gpointer data)
{
  g_application_hold (app);
  *(int *) data = g_test_run ();
  g_application_release (app);
}

int
main (int argc, char **argv)
{
  /* No accessibility bus under Xvfb: its warning would be fatal here. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sweep-view/out-of-date", test_out_of_date);
  g_test_add_func ("/sweep-view/refused", test_refused);
  g_test_add_func ("/sweep-view/cancel", test_cancel);
  /* The view holds the default application while a sweep runs. */
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.pfm_explorer.TestSweepView", G_APPLICATION_NON_UNIQUE);
  int status = 1;
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), &status);
  g_application_run (G_APPLICATION (app), 0, NULL);
  return status;
}
