/* pfm-evaluate.c - how well a glass classifies (docs/physics.md section 5)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-evaluate"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "pfm-batch.h"
#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-evaluate.h"
#include "pfm-train-private.h"

/* Runs done so far of an evaluation's total, for the progress callback. */
typedef struct
{
  const PfmTrainOptions *o;
  guint                  done, total;
} Progress;

typedef struct
{
  const PfmConfig    *cfg;
  const PfmTrainData *data;
  const guint        *examples;
  guint               n;
  double             *out;
  const gint         *cancel;
  gint                next;
  gint                failed;
  GMutex              lock;
  GError             *error;
  Progress           *progress;
  GThread            *caller;
} OutputsJob;

static gpointer
outputs_worker (gpointer user_data)
{
  OutputsJob *j = user_data;
  g_autoptr(GError) error = NULL;
  PfmBpmOptions bo = { .threads = 1, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (j->cfg, &bo, &error);
  const guint np = j->data->n_pixels;
  const int nr = j->cfg->detector.regions;
  g_autofree double *values = g_new (double, np);
  g_autofree float *field = g_new (float, 2 * (gsize) j->cfg->grid.n * j->cfg->grid.n);
  while (bpm != NULL && !g_atomic_int_get (&j->failed))
    {
      const guint i = (guint) g_atomic_int_add (&j->next, 1);
      if (i >= j->n || (j->cancel && g_atomic_int_get (j->cancel)))
        break;
      pfm_train_example_values (j->data, j->examples[i], values);
      pfm_beam_fill_slm (j->cfg, pfm_bpm_get_grid (bpm), values, field);
      /* The allocation-free path: the detectors straight into the
       * output matrix. */
      const PfmBpmOutput out = { .detectors = j->out + (gsize) i * nr, .noise_seed = pfm_bpm_noise_seed (j->cfg) };
      if (pfm_bpm_execute (bpm, field, &out, NULL) != PFM_RUN_COMPLETED)
        {
          g_autofree char *reason = pfm_bpm_stop_reason (bpm);
          g_set_error (&error, PFM_BPM_ERROR, PFM_BPM_ERROR_FAILED, "test example %u: %s", j->examples[i],
                       reason ? reason : "the run did not complete");
          break;
        }
      if (j->progress && j->progress->o && j->progress->o->runs && g_thread_self () == j->caller)
        j->progress->o->runs (j->progress->done + MIN (j->n, (guint) g_atomic_int_get (&j->next)),
                              j->progress->total, j->progress->o->user_data);
    }
  if (error != NULL)
    {
      g_mutex_lock (&j->lock);
      if (j->error == NULL)
        j->error = g_steal_pointer (&error);
      g_mutex_unlock (&j->lock);
      g_atomic_int_set (&j->failed, 1);
    }
  return NULL;
}

static gboolean
outputs (const PfmConfig *cfg, const PfmTrainData *data, const guint *examples, guint n,
         const PfmTrainOptions *opts, double *out, Progress *progress, GError **error)
{
  OutputsJob j = { cfg, data, examples, n, out, opts ? opts->cancel : NULL, 0, 0 };
  j.progress = progress;
  j.caller = g_thread_self ();
  g_mutex_init (&j.lock);
  pfm_train_run_workers (pfm_train_threads (opts), outputs_worker, &j, 0);
  g_mutex_clear (&j.lock);
  if (progress)
    progress->done += n;
  if (j.error != NULL)
    {
      g_propagate_error (error, j.error);
      return FALSE;
    }
  if (opts && opts->cancel && g_atomic_int_get (opts->cancel))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "evaluation cancelled");
      return FALSE;
    }
  return TRUE;
}

gboolean
pfm_evaluate_outputs (const PfmConfig *cfg, const PfmTrainData *data, const guint *examples, guint n,
                      const PfmTrainOptions *opts, double *out, GError **error)
{
  return outputs (cfg, data, examples, n, opts, out, NULL, error);
}

static double
accuracy_of (const double *y, const PfmTrainData *d, guint nc)
{
  guint ok = 0;
  for (guint i = 0; i < d->n_test; i++)
    ok += pfm_train_argmax (y + (gsize) i * nc, nc) == d->dataset->labels[d->test[i]];
  return d->n_test ? (double) ok / d->n_test : 0.0;
}

double
pfm_evaluate_softmax_regression (const double *tx, const guint8 *ty, guint n, const double *vx, const guint8 *vy,
                                 guint nv, guint dim, guint nc, guint iterations)
{
  const guint d1 = dim + 1;
  g_autofree double *w = g_new0 (double, (gsize) nc * d1);
  g_autofree double *g = g_new (double, (gsize) nc * d1);
  g_autofree double *m1 = g_new0 (double, (gsize) nc * d1);
  g_autofree double *m2 = g_new0 (double, (gsize) nc * d1);
  g_autofree double *s = g_new (double, nc);
  /* Features standardised on the training set, so one step size fits all. */
  g_autofree double *mu = g_new0 (double, dim), *sd = g_new0 (double, dim);
  for (guint i = 0; i < n; i++)
    for (guint f = 0; f < dim; f++)
      mu[f] += tx[(gsize) i * dim + f] / n;
  for (guint i = 0; i < n; i++)
    for (guint f = 0; f < dim; f++)
      {
        const double e = tx[(gsize) i * dim + f] - mu[f];
        sd[f] += e * e / n;
      }
  for (guint f = 0; f < dim; f++)
    sd[f] = sd[f] > 1e-24 ? sqrt (sd[f]) : 1.0;

  const double lr = 0.05, l2 = 1e-4;
  for (guint it = 1; it <= iterations; it++)
    {
      memset (g, 0, (gsize) nc * d1 * sizeof (double));
      for (guint i = 0; i < n; i++)
        {
          const double *x = tx + (gsize) i * dim;
          double smax = -G_MAXDOUBLE, z = 0.0;
          for (guint c = 0; c < nc; c++)
            {
              const double *wc = w + (gsize) c * d1;
              double a = wc[dim];
              for (guint f = 0; f < dim; f++)
                a += wc[f] * (x[f] - mu[f]) / sd[f];
              s[c] = a;
              smax = MAX (smax, a);
            }
          for (guint c = 0; c < nc; c++)
            z += (s[c] = exp (s[c] - smax));
          for (guint c = 0; c < nc; c++)
            {
              const double u = s[c] / z - (c == ty[i] ? 1.0 : 0.0);
              double *gc = g + (gsize) c * d1;
              for (guint f = 0; f < dim; f++)
                gc[f] += u * (x[f] - mu[f]) / sd[f] / n;
              gc[dim] += u / n;
            }
        }
      const double c1 = 1.0 - pow (0.9, it), c2 = 1.0 - pow (0.999, it);
      for (gsize k = 0; k < (gsize) nc * d1; k++)
        {
          const double gk = g[k] + l2 * w[k];
          m1[k] = 0.9 * m1[k] + 0.1 * gk;
          m2[k] = 0.999 * m2[k] + 0.001 * gk * gk;
          w[k] -= lr * (m1[k] / c1) / (sqrt (m2[k] / c2) + 1e-8);
        }
    }
  guint ok = 0;
  for (guint i = 0; i < nv; i++)
    {
      const double *x = vx + (gsize) i * dim;
      guint best = 0;
      double best_a = -G_MAXDOUBLE;
      for (guint c = 0; c < nc; c++)
        {
          const double *wc = w + (gsize) c * d1;
          double a = wc[dim];
          for (guint f = 0; f < dim; f++)
            a += wc[f] * (x[f] - mu[f]) / sd[f];
          if (a > best_a)
            best_a = a, best = c;
        }
      ok += best == vy[i];
    }
  return nv ? (double) ok / nv : 0.0;
}

/* Normalised detector powers p / sum(p): the readout's features. */
static void
normalise_rows (double *y, guint n, guint nc)
{
  for (guint i = 0; i < n; i++)
    {
      double s = 0.0;
      for (guint c = 0; c < nc; c++)
        s += y[(gsize) i * nc + c];
      for (guint c = 0; c < nc; c++)
        y[(gsize) i * nc + c] = s > 0.0 ? y[(gsize) i * nc + c] / s : 0.0;
    }
}

static gboolean
baselines (const PfmConfig *cfg, const PfmTrainData *d, const PfmTrainOptions *opts, Progress *pr, PfmEvaluation *ev,
           GError **error)
{
  const guint nc = d->n_classes, np = d->n_pixels;
  g_autofree double *tx = g_new (double, (gsize) d->n_train * MAX (np, nc));
  g_autofree double *vx = g_new (double, (gsize) d->n_test * MAX (np, nc));
  g_autofree guint8 *ty = g_new (guint8, d->n_train);
  g_autofree guint8 *vy = g_new (guint8, MAX (d->n_test, 1));
  for (guint i = 0; i < d->n_train; i++)
    {
      ty[i] = d->dataset->labels[d->train[i]];
      pfm_train_example_values (d, d->train[i], tx + (gsize) i * np);
    }
  for (guint i = 0; i < d->n_test; i++)
    {
      vy[i] = d->dataset->labels[d->test[i]];
      pfm_train_example_values (d, d->test[i], vx + (gsize) i * np);
    }
  /* The same SLM values the glass sees, straight into a linear classifier. */
  ev->logistic = pfm_evaluate_softmax_regression (tx, ty, d->n_train, vx, vy, d->n_test, np, nc, 500);

  /* An untrained random glass of the same contrast, read out linearly. */
  g_autoptr(PfmConfig) rc = pfm_config_copy (cfg);
  rc->medium.kind = PFM_MEDIUM_RANDOM;
  pfm_defects_clear (rc);
  if (!outputs (rc, d, d->train, d->n_train, opts, tx, pr, error) ||
      !outputs (rc, d, d->test, d->n_test, opts, vx, pr, error))
    return FALSE;
  normalise_rows (tx, d->n_train, nc);
  normalise_rows (vx, d->n_test, nc);
  ev->random_glass_readout = pfm_evaluate_softmax_regression (tx, ty, d->n_train, vx, vy, d->n_test, nc, nc, 500);
  ev->has_baselines = TRUE;
  return TRUE;
}

static void
stats (const double *x, guint n, double *mean, double *std, double *min)
{
  double s = 0.0, ss = 0.0, lo = n ? x[0] : 0.0;
  for (guint i = 0; i < n; i++)
    {
      s += x[i];
      lo = MIN (lo, x[i]);
    }
  const double m = n ? s / n : 0.0;
  for (guint i = 0; i < n; i++)
    ss += (x[i] - m) * (x[i] - m);
  *mean = m;
  *std = n > 1 ? sqrt (ss / (n - 1)) : 0.0;
  *min = lo;
}

PfmEvaluation *
pfm_evaluate (const PfmConfig *cfg, const PfmTrainData *d, guint copies, gboolean with_baselines,
              const PfmTrainOptions *opts, GError **error)
{
  g_return_val_if_fail (cfg != NULL && d != NULL, NULL);
  const guint nc = d->n_classes;
  g_autoptr(PfmEvaluation) ev = g_new0 (PfmEvaluation, 1);
  ev->n_classes = nc;
  ev->n_test = d->n_test;
  ev->confusion = g_new0 (guint, (gsize) nc * nc);

  /* The design, as written (its own [defects] are the copies' business). */
  g_autoptr(PfmConfig) nominal = pfm_config_copy (cfg);
  pfm_defects_clear (nominal);
  const guint n_cal = copies > 0 ? MIN (PFM_EVALUATE_CALIBRATION, d->n_train) : 0;
  Progress pr = { opts, 0, d->n_test + n_cal + copies * (d->n_test + n_cal) +
                           (with_baselines ? d->n_train + d->n_test : 0) };
  g_autofree double *y0 = g_new (double, (gsize) MAX (d->n_test, 1) * nc);
  if (!outputs (nominal, d, d->test, d->n_test, opts, y0, &pr, error))
    return NULL;
  for (guint i = 0; i < d->n_test; i++)
    ev->confusion[d->dataset->labels[d->test[i]] * nc + pfm_train_argmax (y0 + (gsize) i * nc, nc)]++;
  ev->accuracy = accuracy_of (y0, d, nc);

  if (copies > 0)
    {
      g_autofree double *c0 = g_new (double, (gsize) MAX (n_cal, 1) * nc);
      g_autofree double *y = g_new (double, (gsize) MAX (d->n_test, 1) * nc);
      g_autofree double *yc = g_new (double, (gsize) MAX (d->n_test, 1) * nc);
      g_autofree double *c = g_new (double, (gsize) MAX (n_cal, 1) * nc);
      g_autofree double *A = g_new (double, (gsize) nc * nc);
      g_autofree double *b = g_new (double, nc);
      g_autofree double *acc = g_new (double, copies), *accc = g_new (double, copies);
      if (n_cal > 0 && !outputs (nominal, d, d->train, n_cal, opts, c0, &pr, error))
        return NULL;
      ev->n_copies = copies;
      ev->copies = g_new0 (PfmCopyAccuracy, copies);
      guint n_ok = 0;
      for (guint k = 0; k < copies; k++)
        {
          g_autoptr(PfmConfig) cc = pfm_config_copy (cfg);
          cc->defects.seed = pfm_defects_copy_seed (cfg->defects.seed, k);
          ev->copies[k].seed = cc->defects.seed;
          g_autoptr(GError) copy_error = NULL;
          const guint done_before = pr.done;
          if (!outputs (cc, d, d->test, d->n_test, opts, y, &pr, &copy_error) ||
              (n_cal > 0 && !outputs (cc, d, d->train, n_cal, opts, c, &pr, &copy_error)))
            {
              if (!g_error_matches (copy_error, PFM_BPM_ERROR, PFM_BPM_ERROR_FAILED))
                {
                  g_propagate_error (error, g_steal_pointer (&copy_error));
                  return NULL;
                }
              pr.done = done_before + d->n_test + n_cal;
              ev->copies[k].unresolved = g_strdup (copy_error->message);
              ev->copies[k].accuracy = ev->copies[k].accuracy_calibrated = NAN;
              ev->n_unresolved++;
              continue;
            }
          acc[n_ok] = ev->copies[k].accuracy = accuracy_of (y, d, nc);
          if (n_cal > 0 && pfm_calibration_fit (c, c0, n_cal, nc, PFM_EVALUATE_RIDGE, A, b))
            {
              for (guint i = 0; i < d->n_test; i++)
                pfm_calibration_apply (A, b, nc, y + (gsize) i * nc, yc + (gsize) i * nc);
              accc[n_ok] = accuracy_of (yc, d, nc);
            }
          else
            accc[n_ok] = acc[n_ok];
          ev->copies[k].accuracy_calibrated = accc[n_ok];
          n_ok++;
        }
      stats (acc, n_ok, &ev->mean, &ev->std, &ev->min);
      stats (accc, n_ok, &ev->mean_calibrated, &ev->std_calibrated, &ev->min_calibrated);
      if (n_ok == 0)
        ev->mean = ev->std = ev->min = ev->mean_calibrated = ev->std_calibrated = ev->min_calibrated = NAN;
    }

  if (with_baselines && !baselines (cfg, d, opts, &pr, ev, error))
    return NULL;
  return g_steal_pointer (&ev);
}

void
pfm_evaluation_free (PfmEvaluation *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->confusion);
  for (guint k = 0; ev->copies && k < ev->n_copies; k++)
    g_free (ev->copies[k].unresolved);
  g_free (ev->copies);
  g_free (ev);
}
