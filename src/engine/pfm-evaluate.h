/* pfm-evaluate.h - how well a glass classifies: design, fabricated copies, baselines (docs/physics.md section 5)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every run here is the forward engine (pfm_bpm), so an accuracy is what
 * `pfm-cli propagate` on each test example would give.  Fabricated copies
 * are the [defects] models with copy seeds pfm_defects_copy_seed
 * (defects.seed, j), a stream noise-aware training never draws from; each
 * copy's calibration layer (pfm-batch.h) is fitted label-free on the
 * first PFM_EVALUATE_CALIBRATION training examples, mapping the copy's
 * detector powers to the design's.  A copy whose runs stop under-resolved
 * (its defects scatter light beyond the grid) is reported as such and left
 * out of the statistics; the design itself must resolve.
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-train.h"

G_BEGIN_DECLS

#define PFM_EVALUATE_CALIBRATION 100
/* Relative ridge of the per-copy calibration fit. */
#define PFM_EVALUATE_RIDGE       1e-3

typedef struct
{
  guint64 seed;
  double  accuracy, accuracy_calibrated;   /* NaN (JSON null) when unresolved */
  char   *unresolved;                      /* why a run of this copy stopped; NULL when resolved */
} PfmCopyAccuracy;

typedef struct
{
  double           accuracy;
  guint           *confusion;     /* n_classes^2, rows = true class */
  guint            n_classes, n_test;
  guint            n_copies;
  guint            n_unresolved;  /* copies whose light the grid could not resolve */
  PfmCopyAccuracy *copies;
  double           mean, std, min;                   /* over the resolved copies */
  double           mean_calibrated, std_calibrated, min_calibrated;
  gboolean         has_baselines;
  double           logistic;                         /* softmax regression on the SLM values */
  double           random_glass_readout;             /* untrained random glass + trained linear readout */
} PfmEvaluation;

/* Runs @examples through @cfg's device (@n of them) and writes each
 * detector vector (regions values) to @out. */
gboolean       pfm_evaluate_outputs (const PfmConfig       *cfg,
                                     const PfmTrainData    *data,
                                     const guint           *examples,
                                     guint                  n,
                                     const PfmTrainOptions *opts,
                                     double                *out,
                                     GError               **error);

/* Softmax regression on @features (n x dim, plus a bias) trained by
 * full-batch Adam for @iterations; returns the accuracy on the test
 * features.  Deterministic. */
double         pfm_evaluate_softmax_regression (const double *train_x,
                                                const guint8 *train_y,
                                                guint         n_train,
                                                const double *test_x,
                                                const guint8 *test_y,
                                                guint         n_test,
                                                guint         dim,
                                                guint         n_classes,
                                                guint         iterations);

PfmEvaluation *pfm_evaluate         (const PfmConfig       *cfg,
                                     const PfmTrainData    *data,
                                     guint                  copies,
                                     gboolean               baselines,
                                     const PfmTrainOptions *opts,
                                     GError               **error);
void           pfm_evaluation_free  (PfmEvaluation         *ev);

/* `pfm-cli evaluate`'s outputs: the JSON document, and one CSV row per
 * fabricated copy. */
char          *pfm_evaluation_to_json (const PfmEvaluation *ev);
char          *pfm_evaluation_to_csv  (const PfmEvaluation *ev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmEvaluation, pfm_evaluation_free)

G_END_DECLS
