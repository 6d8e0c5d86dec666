/* pfm-training-plots.c - the Training view's plots
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-training-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pfm-training-plots.h"

#define HIST_BINS 20

static PfmPlot *
make_plot (GtkGrid *grid, PfmPlotKind kind, const char *title, const char *xl, const char *yl, int col, int row)
{
  PfmPlot *p = PFM_PLOT (pfm_plot_new (kind));
  pfm_plot_set_title (p, title);
  pfm_plot_set_x_axis (p, xl, "", FALSE);
  pfm_plot_set_y_axis (p, yl, "", FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (p), 220, 220);
  gtk_grid_attach (grid, GTK_WIDGET (p), col, row, 1, 1);
  return p;
}

static void
add_series (PfmPlot *p, const char *a, const char *b, const char *c, const char *d)
{
  const char *names[] = { a, b, c, d };
  for (guint i = 0; i < G_N_ELEMENTS (names) && names[i]; i++)
    pfm_plot_add_series (p, names[i], i, FALSE);
}

void
pfm_training_plots_make (GtkGrid *g, PfmPlot **P)
{
  P[PFM_TRAINING_PLOT_LOSS] = make_plot (g, PFM_PLOT_LINES, _("Loss (cross-entropy)"), _("epoch"), _("loss"), 0, 0);
  add_series (P[PFM_TRAINING_PLOT_LOSS], _("training"), _("validation"), _("this epoch so far"), NULL);
  P[PFM_TRAINING_PLOT_ACCURACY] = make_plot (g, PFM_PLOT_LINES, _("Accuracy"), _("epoch"), _("accuracy"), 1, 0);
  add_series (P[PFM_TRAINING_PLOT_ACCURACY], _("training"), _("validation"), _("this epoch so far"), NULL);
  pfm_plot_set_y_range (P[PFM_TRAINING_PLOT_ACCURACY], 0, 1);
  pfm_plot_set_placeholder (P[PFM_TRAINING_PLOT_LOSS], _("Press Train to watch the loss fall"));
  pfm_plot_set_placeholder (P[PFM_TRAINING_PLOT_ACCURACY], _("Press Train to watch the accuracy rise"));
  PfmPlot *c = P[PFM_TRAINING_PLOT_CONFUSION] =
    make_plot (g, PFM_PLOT_IMAGE, _("Confusion matrix (test set)"), _("predicted class"), _("true class"), 2, 0);
  pfm_plot_set_image_counts (c, TRUE);
  pfm_plot_set_equal_aspect (c, TRUE);
  pfm_plot_set_placeholder (c, _("Train to see which classes the glass confuses"));
  PfmPlot *d = P[PFM_TRAINING_PLOT_DETECTORS] =
    make_plot (g, PFM_PLOT_BARS, _("Detector powers"), _("detector region (class)"), _("power"), 2, 1);
  pfm_plot_add_series (d, _("other classes"), 5, FALSE);
  pfm_plot_add_series (d, _("true class"), 2, FALSE);
  pfm_plot_set_y_axis (d, _("power"), "W", FALSE);
  PfmPlot *h = P[PFM_TRAINING_PLOT_COPIES] =
    make_plot (g, PFM_PLOT_LINES, _("Accuracy of fabricated copies"), _("test accuracy"), _("copies"), 0, 2);
  pfm_plot_add_series (h, _("before calibration"), 4, FALSE);
  pfm_plot_add_series (h, _("after calibration"), 2, TRUE);
  pfm_plot_set_placeholder (h, _("Fabricate copies to see if the design survives"));
  PfmPlot *r = P[PFM_TRAINING_PLOT_ROBUST] =
    make_plot (g, PFM_PLOT_BARS, _("Robustness of the two designs"), _("0: standard, 1: noise-aware"), _("accuracy"), 1, 2);
  add_series (r, _("mean"), _("worst"), _("mean, calibrated"), _("worst, calibrated"));
  pfm_plot_set_y_range (r, 0, 1);
  pfm_plot_set_placeholder (r, _("Fabricate a standard and a noise-aware design to compare them"));
  PfmPlot *b = P[PFM_TRAINING_PLOT_BASELINES] =
    make_plot (g, PFM_PLOT_BARS, _("Test accuracy beside the baselines"), "", _("accuracy"), 2, 2);
  add_series (b, _("trained glass"), _("logistic regression"), _("random glass + readout"),
              _("fabricated copies (calibrated)"));
  pfm_plot_set_y_range (b, 0, 1);
  pfm_plot_set_placeholder (b, _("Train to compare the glass with digital baselines"));
}

/* One point per finished epoch, and the running means of the epoch in
 * progress at its fractional position. */
void
pfm_training_plots_curves (PfmPlot **P, const GArray *epochs, guint n_epochs, const PfmTrainProgress *live)
{
  PfmPlot *loss = P[PFM_TRAINING_PLOT_LOSS], *acc = P[PFM_TRAINING_PLOT_ACCURACY];
  pfm_plot_clear_data (loss);
  pfm_plot_clear_data (acc);
  pfm_plot_set_x_range (loss, 0, MAX (1u, n_epochs));
  pfm_plot_set_x_range (acc, 0, MAX (1u, n_epochs));
  for (guint i = 0; i < epochs->len; i++)
    {
      const PfmTrainEpoch *e = &g_array_index (epochs, PfmTrainEpoch, i);
      pfm_plot_append (loss, 0, e->epoch, e->train_loss);
      pfm_plot_append (loss, 1, e->epoch, e->validation_loss);
      pfm_plot_append (acc, 0, e->epoch, e->train_accuracy);
      pfm_plot_append (acc, 1, e->epoch, e->validation_accuracy);
    }
  if (live && live->batch < live->n_batches)
    {
      const double x = live->epoch - 1 + (double) live->batch / live->n_batches;
      pfm_plot_append (loss, 2, x, live->loss);
      pfm_plot_append (acc, 2, x, live->accuracy);
    }
}

void
pfm_training_plots_confusion (PfmPlot **P, const guint *m, guint nc)
{
  /* Row 0 at the bottom: true class on y, predicted on x. */
  g_autofree float *img = g_new (float, (gsize) nc * nc);
  for (guint r = 0; r < nc; r++)
    for (guint c = 0; c < nc; c++)
      img[(gsize) r * nc + c] = (float) m[r * nc + c];
  pfm_plot_set_image (P[PFM_TRAINING_PLOT_CONFUSION], img, (int) nc, (int) nc, -0.5, nc - 0.5, -0.5, nc - 0.5,
                      _("examples"), FALSE);
}

void
pfm_training_plots_detectors (PfmPlot **P, const PfmTrainData *d, const double *power, int i)
{
  PfmPlot *plot = P[PFM_TRAINING_PLOT_DETECTORS];
  pfm_plot_clear_data (plot);
  if (i < 0)
    {
      pfm_plot_set_title (plot, _("Detector powers"));
      return;
    }
  const guint nc = d->n_classes, label = d->dataset->labels[d->test[i]];
  const double *p = power + (gsize) i * nc;
  for (guint k = 0; k < nc; k++)
    {
      pfm_plot_append (plot, 0, k, k == label ? NAN : p[k]);
      pfm_plot_append (plot, 1, k, k == label ? p[k] : NAN);
    }
  g_autofree char *title = g_strdup_printf (_("Test example %d: class %u → %u"), i + 1, label, pfm_train_argmax (p, nc));
  pfm_plot_set_title (plot, title);
}

void
pfm_training_plots_baselines (PfmPlot **P, const PfmEvaluation *ev, const PfmEvaluation *fab)
{
  PfmPlot *plot = P[PFM_TRAINING_PLOT_BASELINES];
  pfm_plot_clear_data (plot);
  pfm_plot_append (plot, 0, 0, ev->accuracy);
  pfm_plot_append (plot, 1, 0, ev->logistic);
  pfm_plot_append (plot, 2, 0, ev->random_glass_readout);
  if (fab && fab->n_copies > fab->n_unresolved)
    pfm_plot_append (plot, 3, 0, fab->mean_calibrated);
}

/* A histogram of the copies' accuracies from the worst tenth up to 1,
 * with the design's accuracy marked. */
void
pfm_training_plots_copies (PfmPlot **P, const PfmEvaluation *ev, double design_accuracy)
{
  double lo = 1.0;
  for (guint k = 0; k < ev->n_copies; k++)
    if (!ev->copies[k].unresolved)
      lo = MIN (lo, MIN (ev->copies[k].accuracy, ev->copies[k].accuracy_calibrated));
  lo = MIN (floor (lo * 10) / 10, 0.9);
  double before[HIST_BINS] = { 0 }, after[HIST_BINS] = { 0 }, centre[HIST_BINS];
  const double w = (1.0 - lo) / HIST_BINS;
  for (int b = 0; b < HIST_BINS; b++)
    centre[b] = lo + (b + 0.5) * w;
  for (guint k = 0; k < ev->n_copies; k++)
    if (!ev->copies[k].unresolved)
      {
        before[CLAMP ((int) ((ev->copies[k].accuracy - lo) / w), 0, HIST_BINS - 1)] += 1;
        after[CLAMP ((int) ((ev->copies[k].accuracy_calibrated - lo) / w), 0, HIST_BINS - 1)] += 1;
      }
  PfmPlot *plot = P[PFM_TRAINING_PLOT_COPIES];
  pfm_plot_set_series (plot, 0, centre, before, HIST_BINS);
  pfm_plot_set_series (plot, 1, centre, after, HIST_BINS);
  pfm_plot_set_markers (plot, &design_accuracy, 1, _("design"));
}

void
pfm_training_plots_robustness (PfmPlot **P, const PfmRobustness robust[2])
{
  PfmPlot *plot = P[PFM_TRAINING_PLOT_ROBUST];
  pfm_plot_clear_data (plot);
  for (int d = 0; d < 2; d++)
    {
      const PfmRobustness *x = &robust[d];
      pfm_plot_append (plot, 0, d, x->valid ? x->mean : NAN);
      pfm_plot_append (plot, 1, d, x->valid ? x->min : NAN);
      pfm_plot_append (plot, 2, d, x->valid ? x->mean_calibrated : NAN);
      pfm_plot_append (plot, 3, d, x->valid ? x->min_calibrated : NAN);
    }
}
