/* pfm-calibration.h - the metrics of a device's outputs against the
 * nominal ones, and the digital calibration layer (docs/physics.md
 * section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain arithmetic on output vectors: nothing here propagates or knows a
 * batch, so the batch (pfm-batch.h) and training's evaluation
 * (pfm-evaluate.h) both use it.
 *
 * Metrics of a copy, over the n test inputs with outputs y_i (copy) and
 * y0_i (nominal):
 *   relative_error     sqrt(sum_i |y_i - y0_i|^2 / sum_i |y0_i|^2)
 *   cosine_similarity  mean over i of y_i . y0_i / (|y_i| |y0_i|)
 *   effective_bits     log2(rms(y0) / rms(y - y0)) over all test outputs,
 *                      i.e. -log2(relative_error); infinite for an exact match
 *   tm_error           |T - T0|_F / |T0|_F of the linear region
 *                      transmission matrices (pfm_batch_region_tm)
 *
 * Calibration.  An affine layer y' = A y + b after the device, fitted on
 * the calibration inputs only by least squares with a ridge that pulls A
 * towards the identity:
 *   minimise sum_c |A y_c + b - y0_c|^2 + lambda |A - I|_F^2,
 *   lambda = ridge * trace(C) / regions, C = sum_c of the outer products
 *   of the copy's centred calibration outputs
 * (so, per calibration input, ridge times the outputs' mean variance);
 * solved by Cholesky in double precision.  The *_calibrated metrics apply
 * it to the test inputs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PFM_METRIC_RELATIVE_ERROR,
  PFM_METRIC_COSINE_SIMILARITY,
  PFM_METRIC_EFFECTIVE_BITS,
  PFM_METRIC_TM_ERROR,
  PFM_N_METRICS,
} PfmMetric;

/* "relative_error", ...; and back (-1 when unknown). */
const char *pfm_metric_name      (PfmMetric    metric);
int         pfm_metric_from_name (const char  *name);
/* TRUE when larger values are better (cosine similarity, effective bits). */
gboolean    pfm_metric_higher_is_better (PfmMetric metric);

/* Fits the calibration layer on @n_cal pairs of (copy output @y, nominal
 * output @y0), each @dim values, row-major; writes A (dim x dim,
 * row-major) and b (dim).  FALSE only when the system cannot be solved. */
gboolean        pfm_calibration_fit     (const double            *y,
                                         const double            *y0,
                                         guint                    n_cal,
                                         guint                    dim,
                                         double                   ridge,
                                         double                  *A,
                                         double                  *b);
void            pfm_calibration_apply   (const double            *A,
                                         const double            *b,
                                         guint                    dim,
                                         const double            *y,
                                         double                  *out);

/* The metrics of outputs @y against @y0 (@n vectors of @dim values):
 * writes relative error, cosine similarity and effective bits into
 * @metric (indexed by PfmMetric).  Named for the batch, its first user;
 * it needs none. */
void            pfm_batch_metrics       (const double            *y,
                                         const double            *y0,
                                         guint                    n,
                                         guint                    dim,
                                         double                  *metric);

G_END_DECLS
