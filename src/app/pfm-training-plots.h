/* pfm-training-plots.h - the Training view's plots
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each is a PfmPlot, so it exports itself (PNG, SVG, PDF, CSV, JSON) from
 * its right-click menu like every plot of the app.
 */
#pragma once

#include <gtk/gtk.h>

#include "pfm-evaluate.h"
#include "pfm-plot.h"
#include "pfm-train.h"

G_BEGIN_DECLS

enum {
  PFM_TRAINING_PLOT_LOSS,
  PFM_TRAINING_PLOT_ACCURACY,
  PFM_TRAINING_PLOT_CONFUSION,
  PFM_TRAINING_PLOT_DETECTORS,
  PFM_TRAINING_PLOT_COPIES,
  PFM_TRAINING_PLOT_ROBUST,
  PFM_TRAINING_PLOT_BASELINES,
  PFM_TRAINING_N_PLOTS
};

/* The last fabrication of a standard (0) and a noise-aware (1) design. */
typedef struct
{
  gboolean valid;
  double   mean, min, mean_calibrated, min_calibrated;
} PfmRobustness;

/* Fills @plots, placed in @grid's three columns (row 1 columns 0-1 are
 * left for the gallery). */
void pfm_training_plots_make       (GtkGrid              *grid,
                                    PfmPlot             **plots);
/* Loss and accuracy per epoch, with @live's running means (may be NULL). */
void pfm_training_plots_curves     (PfmPlot             **plots,
                                    const GArray         *epochs,
                                    guint                 n_epochs,
                                    const PfmTrainProgress *live);
void pfm_training_plots_confusion  (PfmPlot             **plots,
                                    const guint          *confusion,
                                    guint                 n_classes);
/* Test example @i (of data->test) with detector powers @power; i < 0 clears. */
void pfm_training_plots_detectors  (PfmPlot             **plots,
                                    const PfmTrainData   *data,
                                    const double         *power,
                                    int                   i);
void pfm_training_plots_baselines  (PfmPlot             **plots,
                                    const PfmEvaluation  *design,
                                    const PfmEvaluation  *copies);
void pfm_training_plots_copies     (PfmPlot             **plots,
                                    const PfmEvaluation  *copies,
                                    double                design_accuracy);
void pfm_training_plots_robustness (PfmPlot             **plots,
                                    const PfmRobustness   robust[2]);

G_END_DECLS
