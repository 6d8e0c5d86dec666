/* pfm-calibration.c - the metrics of a device's outputs and the digital
 * calibration layer (docs/physics.md section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in pfm-calibration.h.  Everything is double precision:
 * the outputs it compares come from single-precision fields, and the
 * normal equations of the fit square their condition number.
 */
#define G_LOG_DOMAIN "pfm-calibration"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-calibration.h"

/* ---- metrics ------------------------------------------------------------- */

static const char *const metric_names[PFM_N_METRICS] = {
  "relative_error", "cosine_similarity", "effective_bits", "tm_error",
};

const char *
pfm_metric_name (PfmMetric m)
{
  g_return_val_if_fail (m >= 0 && m < PFM_N_METRICS, NULL);
  return metric_names[m];
}

int
pfm_metric_from_name (const char *name)
{
  for (int m = 0; m < PFM_N_METRICS; m++)
    if (g_strcmp0 (name, metric_names[m]) == 0)
      return m;
  return -1;
}

gboolean
pfm_metric_higher_is_better (PfmMetric m)
{
  return m == PFM_METRIC_COSINE_SIMILARITY || m == PFM_METRIC_EFFECTIVE_BITS;
}

void
pfm_batch_metrics (const double *y, const double *y0, guint n, guint dim, double *metric)
{
  double se = 0.0, s0 = 0.0, cos_sum = 0.0;
  for (guint i = 0; i < n; i++)
    {
      const double *a = y + (gsize) i * dim, *b = y0 + (gsize) i * dim;
      double ab = 0.0, aa = 0.0, bb = 0.0;
      for (guint r = 0; r < dim; r++)
        {
          const double d = a[r] - b[r];
          se += d * d;
          ab += a[r] * b[r];
          aa += a[r] * a[r];
          bb += b[r] * b[r];
        }
      s0 += bb;
      /* Two dark vectors agree; one dark vector is orthogonal to anything. */
      cos_sum += (aa > 0.0 && bb > 0.0) ? ab / sqrt (aa * bb) : (aa == bb ? 1.0 : 0.0);
    }
  metric[PFM_METRIC_RELATIVE_ERROR] = se == 0.0 ? 0.0 : (s0 > 0.0 ? sqrt (se / s0) : INFINITY);
  metric[PFM_METRIC_COSINE_SIMILARITY] = n > 0 ? cos_sum / n : NAN;
  /* rms over the same count of values: the ratio of the sums. */
  metric[PFM_METRIC_EFFECTIVE_BITS] = se == 0.0 ? INFINITY : (s0 > 0.0 ? 0.5 * log2 (s0 / se) : -INFINITY);
}

/* ---- calibration ----------------------------------------------------------- */

/* Cholesky factorisation in place (lower triangle); FALSE if not positive definite. */
static gboolean
cholesky (double *M, guint d)
{
  for (guint j = 0; j < d; j++)
    {
      double s = M[(gsize) j * d + j];
      for (guint k = 0; k < j; k++)
        s -= M[(gsize) j * d + k] * M[(gsize) j * d + k];
      if (!(s > 0.0))
        return FALSE;
      const double l = sqrt (s);
      M[(gsize) j * d + j] = l;
      for (guint i = j + 1; i < d; i++)
        {
          double t = M[(gsize) i * d + j];
          for (guint k = 0; k < j; k++)
            t -= M[(gsize) i * d + k] * M[(gsize) j * d + k];
          M[(gsize) i * d + j] = t / l;
        }
    }
  return TRUE;
}

/* Solves L L^T x = b in place (L from cholesky). */
static void
cholesky_solve (const double *L, guint d, double *x)
{
  for (guint i = 0; i < d; i++)
    {
      double t = x[i];
      for (guint k = 0; k < i; k++)
        t -= L[(gsize) i * d + k] * x[k];
      x[i] = t / L[(gsize) i * d + i];
    }
  for (guint i = d; i-- > 0;)
    {
      double t = x[i];
      for (guint k = i + 1; k < d; k++)
        t -= L[(gsize) k * d + i] * x[k];
      x[i] = t / L[(gsize) i * d + i];
    }
}

gboolean
pfm_calibration_fit (const double *y, const double *y0, guint n, guint d, double ridge, double *A, double *b)
{
  g_return_val_if_fail (y != NULL && y0 != NULL && A != NULL && b != NULL && d > 0, FALSE);
  if (n == 0)
    return FALSE;
  g_autofree double *my = g_new0 (double, d);
  g_autofree double *m0 = g_new0 (double, d);
  for (guint c = 0; c < n; c++)
    for (guint r = 0; r < d; r++)
      {
        my[r] += y[(gsize) c * d + r];
        m0[r] += y0[(gsize) c * d + r];
      }
  for (guint r = 0; r < d; r++)
    {
      my[r] /= n;
      m0[r] /= n;
    }

  /* C = sum x x^T and B = sum x t^T of the centred outputs. */
  g_autofree double *C = g_new0 (double, (gsize) d * d);
  g_autofree double *W = g_new0 (double, (gsize) d * d);
  g_autofree double *x = g_new (double, d);
  g_autofree double *t = g_new (double, d);
  for (guint c = 0; c < n; c++)
    {
      for (guint r = 0; r < d; r++)
        {
          x[r] = y[(gsize) c * d + r] - my[r];
          t[r] = y0[(gsize) c * d + r] - m0[r];
        }
      for (guint i = 0; i < d; i++)
        for (guint j = 0; j < d; j++)
          {
            C[(gsize) i * d + j] += x[i] * x[j];
            W[(gsize) i * d + j] += x[i] * t[j];
          }
    }
  double trace = 0.0;
  for (guint i = 0; i < d; i++)
    trace += C[(gsize) i * d + i];
  const double lambda = ridge * trace / d;

  if (trace == 0.0)
    {
      /* Nothing varies: the layer can only shift (A = I). */
      memset (A, 0, (gsize) d * d * sizeof (double));
      for (guint i = 0; i < d; i++)
        {
          A[(gsize) i * d + i] = 1.0;
          b[i] = m0[i] - my[i];
        }
      return TRUE;
    }

  /* (C + lambda I) W = B + lambda I, then A = W^T. */
  for (guint i = 0; i < d; i++)
    {
      C[(gsize) i * d + i] += lambda;
      W[(gsize) i * d + i] += lambda;
    }
  if (!cholesky (C, d))
    return FALSE;
  g_autofree double *col = g_new (double, d);
  for (guint r = 0; r < d; r++)
    {
      for (guint k = 0; k < d; k++)
        col[k] = W[(gsize) k * d + r];
      cholesky_solve (C, d, col);
      for (guint k = 0; k < d; k++)
        A[(gsize) r * d + k] = col[k];
    }
  for (guint r = 0; r < d; r++)
    {
      double s = m0[r];
      for (guint k = 0; k < d; k++)
        s -= A[(gsize) r * d + k] * my[k];
      b[r] = s;
    }
  for (gsize i = 0; i < (gsize) d * d; i++)
    if (!isfinite (A[i]))
      return FALSE;
  return TRUE;
}

void
pfm_calibration_apply (const double *A, const double *b, guint d, const double *y, double *out)
{
  for (guint r = 0; r < d; r++)
    {
      double s = b[r];
      for (guint k = 0; k < d; k++)
        s += A[(gsize) r * d + k] * y[k];
      out[r] = s;
    }
}
