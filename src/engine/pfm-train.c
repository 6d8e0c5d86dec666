/* pfm-train.c - training the glass (docs/physics.md section 5)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-train"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "pfm-adjoint.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-export.h"
#include "pfm-grid.h"
#include "pfm-medium.h"
#include "pfm-rng.h"
#include "pfm-train.h"
#include "pfm-train-private.h"

G_DEFINE_QUARK (pfm-train-error-quark, pfm_train_error)

/* Adam's moment decay rates and its guard (Kingma & Ba's defaults). */
#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define ADAM_EPS   1e-8

PfmTrainData *
pfm_train_data_new (const PfmConfig *cfg, const char *base_dir, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  g_autoptr(PfmTrainData) d = g_new0 (PfmTrainData, 1);
  d->dataset = pfm_dataset_load (cfg->train.dataset, base_dir, pfm_bpm_default_memory_budget (), error);
  if (d->dataset == NULL)
    return NULL;
  d->n_classes = d->dataset->n_classes;
  if ((guint) cfg->detector.regions != d->n_classes)
    {
      g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_SETUP,
                   "detector.regions = %d, but %s has %u classes: each class needs its own detector region "
                   "(set detector.regions=%u)", cfg->detector.regions, d->dataset->name, d->n_classes, d->n_classes);
      return NULL;
    }
  if (cfg->beam.kind != PFM_BEAM_SLM)
    {
      g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_SETUP,
                   "beam.kind = gaussian: the examples are written by the SLM (set beam.kind=slm)");
      return NULL;
    }
  if (!pfm_dataset_split (d->dataset, cfg->train.test_fraction, cfg->train.validation_fraction,
                          cfg->train.split_seed, (guint) cfg->train.max_examples,
                          &d->train, &d->n_train, &d->validation, &d->n_validation,
                          &d->test, &d->n_test, error))
    return NULL;
  if (d->n_train == 0)
    {
      g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_SETUP, "the split leaves no training example");
      return NULL;
    }

  /* Pixel p drives macro-pixel p (row-major): each image is resized to
   * the SLM's tile layout by area averaging. */
  d->n_pixels = (guint) cfg->beam.slm_pixels;
  int cols, rows;
  pfm_tile_layout (cfg->beam.slm_pixels, &cols, &rows);
  const guint n_ex = d->dataset->n_examples;
  d->values = g_try_new0 (float, (gsize) n_ex * d->n_pixels);
  g_autofree float *tile = g_new (float, (gsize) cols * rows);
  if (d->values == NULL)
    {
      g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_SETUP, "out of memory for the SLM inputs");
      return NULL;
    }
  for (guint i = 0; i < n_ex; i++)
    {
      pfm_dataset_resize_example (d->dataset, i, cols, rows, tile);
      memcpy (d->values + (gsize) i * d->n_pixels, tile, d->n_pixels * sizeof (float));
    }
  return g_steal_pointer (&d);
}

void
pfm_train_data_free (PfmTrainData *d)
{
  if (d == NULL)
    return;
  pfm_dataset_free (d->dataset);
  g_free (d->values);
  g_free (d->train);
  g_free (d->validation);
  g_free (d->test);
  g_free (d);
}

double
pfm_train_loss (const double *p, guint n, guint label, double T, double *dl_dp, double *dl_dt)
{
  double P = 0.0;
  for (guint k = 0; k < n; k++)
    P += p[k];
  if (!(P > 0.0))
    {
      /* No light detected: every class equally likely, no gradient. */
      if (dl_dp)
        for (guint k = 0; k < n; k++)
          dl_dp[k] = 0.0;
      if (dl_dt)
        *dl_dt = 0.0;
      return log ((double) n);
    }
  double smax = -G_MAXDOUBLE;
  for (guint k = 0; k < n; k++)
    smax = MAX (smax, T * p[k] / P);
  double z = 0.0;
  for (guint k = 0; k < n; k++)
    z += exp (T * p[k] / P - smax);
  const double loss = -(T * p[label] / P - smax) + log (z);
  if (dl_dp != NULL)
    {
      /* u_k = softmax_k - [k = label]; s_k = T p_k / P, so
       * dL/dp_j = (T / P) (u_j - sum_k u_k p_k / P), dL/dT = sum_k u_k p_k / P. */
      double up = 0.0;
      for (guint k = 0; k < n; k++)
        {
          const double u = exp (T * p[k] / P - smax) / z - (k == label ? 1.0 : 0.0);
          dl_dp[k] = u;
          up += u * p[k] / P;
        }
      for (guint k = 0; k < n; k++)
        dl_dp[k] = T / P * (dl_dp[k] - up);
      if (dl_dt)
        *dl_dt = up;
    }
  return loss;
}

int
pfm_train_threads (const PfmTrainOptions *o)
{
  if (o != NULL && o->threads == PFM_THREADS_AUTO)
    return (int) CLAMP (g_get_num_processors (), 1, 64);
  return o != NULL ? CLAMP (o->threads, 1, 64) : 1;
}

void
pfm_train_run_workers (int threads, GThreadFunc func, gpointer args, gsize arg_size)
{
  GThread *th[64];
  threads = CLAMP (threads, 1, 64);
  for (int w = 1; w < threads; w++)
    th[w] = g_thread_new ("pfm-train", func, (guint8 *) args + w * arg_size);
  func (args);
  for (int w = 1; w < threads; w++)
    g_thread_join (th[w]);
}

void
pfm_train_example_values (const PfmTrainData *d, guint example, double *values)
{
  const float *v = d->values + (gsize) example * d->n_pixels;
  for (guint q = 0; q < d->n_pixels; q++)
    values[q] = v[q];
}

guint
pfm_train_argmax (const double *p, guint n)
{
  guint best = 0;
  for (guint k = 1; k < n; k++)
    if (p[k] > p[best])
      best = k;
  return best;
}

/* One job: forward (and backward) runs of a list of examples over the
 * worker threads, each result in its example's own slot. */
typedef struct
{
  const PfmTrainData *data;
  const guint        *examples;
  guint               n;
  const double       *dn;
  double              temperature;
  gboolean            backward;
  gsize               n_voxels;
  double             *grads;      /* n * n_voxels */
  double             *dt;         /* n */
  double             *loss;       /* n */
  guint              *predicted;  /* n */
  gint                next;
  const gint         *cancel;
  PfmAdjoint        **adj;
} Job;

typedef struct
{
  Job *job;
  int  worker;
} WorkerArg;

static gpointer
job_worker (gpointer user_data)
{
  WorkerArg *wa = user_data;
  Job *j = wa->job;
  PfmAdjoint *adj = j->adj[wa->worker];
  const guint nc = j->data->n_classes, np = j->data->n_pixels;
  double p[PFM_DATASET_MAX_CLASSES], dldp[PFM_DATASET_MAX_CLASSES];
  g_autofree double *values = g_new (double, np);
  pfm_adjoint_set_dn (adj, j->dn);
  for (;;)
    {
      const guint i = (guint) g_atomic_int_add (&j->next, 1);
      if (i >= j->n || (j->cancel && g_atomic_int_get (j->cancel)))
        break;
      const guint ex = j->examples[i];
      pfm_train_example_values (j->data, ex, values);
      pfm_adjoint_set_input_values (adj, values);
      pfm_adjoint_forward (adj, p);
      const guint label = j->data->dataset->labels[ex];
      j->predicted[i] = pfm_train_argmax (p, nc);
      if (j->backward)
        {
          j->loss[i] = pfm_train_loss (p, nc, label, j->temperature, dldp, &j->dt[i]);
          double *g = j->grads + (gsize) i * j->n_voxels;
          memset (g, 0, j->n_voxels * sizeof (double));
          pfm_adjoint_backward (adj, dldp, g);
        }
      else
        j->loss[i] = pfm_train_loss (p, nc, label, j->temperature, NULL, NULL);
    }
  return NULL;
}

static void
run_job (Job *j, int threads)
{
  g_atomic_int_set (&j->next, 0);
  WorkerArg args[64];
  threads = CLAMP (threads, 1, 64);
  for (int w = 0; w < threads; w++)
    args[w] = (WorkerArg) { j, w };
  pfm_train_run_workers (threads, job_worker, args, sizeof args[0]);
}

/* Loss and accuracy of @dn over @examples (forward only). */
static void
evaluate_set (Job *j, const guint *examples, guint n, int threads, double *loss, double *accuracy, guint *confusion)
{
  *loss = *accuracy = 0.0;
  if (n == 0)
    return;
  j->examples = examples;
  j->n = n;
  j->backward = FALSE;
  run_job (j, threads);
  double l = 0.0;
  guint ok = 0;
  for (guint i = 0; i < n; i++)
    {
      const guint label = j->data->dataset->labels[examples[i]];
      l += j->loss[i];
      ok += j->predicted[i] == label;
      if (confusion)
        confusion[label * j->data->n_classes + j->predicted[i]]++;
    }
  *loss = l / n;
  *accuracy = (double) ok / n;
}

static void
init_theta (const PfmConfig *cfg, PfmAdjoint *adj, double *theta, gsize nv, GError **error)
{
  if (cfg->train.init == PFM_TRAIN_INIT_RANDOM)
    {
      PfmRng rng;
      pfm_rng_init (&rng, cfg->train.seed ^ G_GUINT64_CONSTANT (0x7A1E5EED));
      for (gsize v = 0; v < nv; v++)
        theta[v] = 0.1 * (2.0 * pfm_rng_uniform (&rng) - 1.0);
      return;
    }
  memset (theta, 0, nv * sizeof (double));
  if (cfg->train.init != PFM_TRAIN_INIT_DESIGN || cfg->medium.delta_n <= 0.0)
    return;
  /* The project's own medium as written (its [defects] are copies). */
  g_autoptr(PfmConfig) mc = pfm_config_copy (cfg);
  pfm_defects_clear (mc);
  g_autoptr(PfmMedium) m = pfm_medium_new (mc, error);
  if (m == NULL)
    return;
  pfm_adjoint_read_medium (adj, m, theta);
  for (gsize v = 0; v < nv; v++)
    theta[v] = atanh (CLAMP (theta[v] / cfg->medium.delta_n, -0.999, 0.999));
}

/* ---- checkpoints ---------------------------------------------------------- */

#define CHECKPOINT_MAGIC "PFM-TRAIN-CHECKPOINT 1\n"

/* The state between two epochs, apart from the arrays. */
typedef struct
{
  guint64 config_hash;
  guint64 n_voxels;
  guint64 n_train;
  guint64 step;
  guint64 epochs_done;
  double  tau, tm1, tm2;
  PfmRng  rng;
} TrainState;

/* Every key but train.epochs: a checkpoint may be resumed for more epochs,
 * not with another device, dataset or optimiser. */
static guint64
config_hash (const PfmConfig *cfg)
{
  g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
  c->train.epochs = 1;
  g_autoptr(GKeyFile) kf = pfm_config_to_key_file (c);
  g_autofree char *text = g_key_file_to_data (kf, NULL, NULL);
  guint64 h = G_GUINT64_CONSTANT (1469598103934665603);
  for (const char *p = text; *p; p++)
    h = (h ^ (guchar) *p) * G_GUINT64_CONSTANT (1099511628211);
  return h;
}

static gboolean
save_checkpoint (const char *path, const TrainState *st, const double *theta, const double *m1, const double *m2,
                 const guint *order, const GArray *epochs, GError **error)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  const gsize nv = st->n_voxels;
  const guint64 ne = epochs->len;
  g_byte_array_append (b, (const guint8 *) CHECKPOINT_MAGIC, strlen (CHECKPOINT_MAGIC));
  g_byte_array_append (b, (const guint8 *) st, sizeof *st);
  g_byte_array_append (b, (const guint8 *) theta, nv * sizeof (double));
  g_byte_array_append (b, (const guint8 *) m1, nv * sizeof (double));
  g_byte_array_append (b, (const guint8 *) m2, nv * sizeof (double));
  g_byte_array_append (b, (const guint8 *) order, st->n_train * sizeof (guint));
  g_byte_array_append (b, (const guint8 *) &ne, sizeof ne);
  g_byte_array_append (b, (const guint8 *) epochs->data, ne * sizeof (PfmTrainEpoch));
  return pfm_file_write_atomic (path, (const char *) b->data, b->len, error);
}

static gboolean
load_checkpoint (const char *path, TrainState *st, double *theta, double *m1, double *m2, guint *order,
                 GArray *epochs, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  /* Bounded: a checkpoint holds three parameter vectors and the epoch log. */
  if (!pfm_file_read (path, (gsize) 4 << 30, "a training checkpoint", &data, &len, error))
    return FALSE;
  const TrainState want = *st;
  const gsize head = strlen (CHECKPOINT_MAGIC);
  g_autofree char *name = g_path_get_basename (path);
  if (len < head + sizeof *st || memcmp (data, CHECKPOINT_MAGIC, head) != 0)
    {
      g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_CHECKPOINT, "%s is not a PFM Explorer training checkpoint", name);
      return FALSE;
    }
  memcpy (st, data + head, sizeof *st);
  if (st->config_hash != want.config_hash || st->n_voxels != want.n_voxels || st->n_train != want.n_train)
    {
      g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_CHECKPOINT,
                   "%s was written for another project, dataset or split (only train.epochs may change on resume)", name);
      return FALSE;
    }
  const gsize nv = st->n_voxels;
  const gsize arrays = 3 * nv * sizeof (double) + st->n_train * sizeof (guint);
  guint64 ne = 0;
  if (len < head + sizeof *st + arrays + sizeof ne)
    goto truncated;
  const char *p = data + head + sizeof *st;
  memcpy (theta, p, nv * sizeof (double));
  memcpy (m1, p + nv * sizeof (double), nv * sizeof (double));
  memcpy (m2, p + 2 * nv * sizeof (double), nv * sizeof (double));
  memcpy (order, p + 3 * nv * sizeof (double), st->n_train * sizeof (guint));
  p += arrays;
  memcpy (&ne, p, sizeof ne);
  p += sizeof ne;
  if (ne != st->epochs_done || len != (gsize) (p - data) + ne * sizeof (PfmTrainEpoch))
    goto truncated;
  g_array_set_size (epochs, 0);
  g_array_append_vals (epochs, p, (guint) ne);
  return TRUE;

truncated:
  g_set_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_CHECKPOINT, "%s is damaged (its size does not match its header)", name);
  return FALSE;
}

/* A fabricated copy's voxels are an affine map of the design's, voxel by
 * voxel: write error and offset add, scale and drift multiply, a stuck
 * voxel or an inclusion replaces (slope 0).  So the copy of any design is
 * dn' = a dn + b, with a and b read off the defect model at dn = 0 and 1,
 * and the gradient reaches the design as a dL/ddn'. */
static gboolean
copy_map (const PfmConfig *cfg, guint64 seed, int nvx, int nvy, int nvz, double *a, double *b, GError **error)
{
  g_autoptr(PfmConfig) cc = pfm_config_copy (cfg);
  cc->defects.seed = seed;
  g_autoptr(PfmDefects) d = pfm_defects_new (cc, nvx, nvy, nvz, pfm_config_voxel (cc), TRUE, error);
  if (d == NULL)
    return FALSE;
  const gsize nxy = (gsize) nvx * nvy;
  g_autofree float *zero = g_new (float, nxy), *one = g_new (float, nxy);
  for (int z = 0; z < nvz; z++)
    {
      for (gsize v = 0; v < nxy; v++)
        zero[v] = 0.0f, one[v] = 1.0f;
      pfm_defects_apply_layer (d, z, zero);
      pfm_defects_apply_layer (d, z, one);
      for (gsize v = 0; v < nxy; v++)
        {
          b[(gsize) z * nxy + v] = zero[v];
          a[(gsize) z * nxy + v] = (double) one[v] - zero[v];
        }
    }
  return TRUE;
}

/* ---- the training run ------------------------------------------------------ */

/* Everything a run holds between two minibatches.  The optimiser's state
 * is the checkpoint's TrainState (step, log T and its moments, the
 * shuffle's generator) plus theta, its moments and the order. */
typedef struct
{
  const PfmConfig    *cfg;
  const PfmTrainData *data;
  PfmTrainOptions     o;
  int                 threads;
  guint               batch, n_batches;
  gsize               nv;
  PfmAdjoint        **adj;
  double             *theta, *dn, *m1, *m2, *grad, *grads, *dt, *loss;
  guint              *predicted, *order;
  gboolean            noisy;          /* noise-aware: each minibatch through a fresh copy */
  double             *ca, *cb, *cdn;  /* that copy: dn' = ca dn + cb */
  TrainState          st;
  Job                 job;
  GTimer             *timer;
  PfmTrainResult     *res;
} Trainer;

static void
trainer_free (Trainer *t)
{
  for (int w = 0; t->adj && w < t->threads; w++)
    pfm_adjoint_free (t->adj[w]);
  g_free (t->adj);
  g_free (t->theta);
  g_free (t->dn);
  g_free (t->m1);
  g_free (t->m2);
  g_free (t->grad);
  g_free (t->grads);
  g_free (t->dt);
  g_free (t->loss);
  g_free (t->predicted);
  g_free (t->order);
  g_free (t->ca);
  g_free (t->cb);
  g_free (t->cdn);
  g_clear_pointer (&t->timer, g_timer_destroy);
  g_clear_pointer (&t->res, pfm_train_result_free);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Trainer, trainer_free)

guint64
pfm_train_estimate_memory (const PfmConfig *cfg, int threads, guint batch, guint64 n_voxels, guint64 budget)
{
  threads = MAX (threads, 1);
  return pfm_adjoint_estimate_memory (cfg, budget / threads) * threads + ((guint64) batch + 4) * n_voxels * sizeof (double);
}

/* The workers' adjoints, refused up front when they and one gradient per
 * batch example would exceed the memory budget. */
static gboolean
trainer_plan (Trainer *t, GError **error)
{
  const guint64 budget = t->o.memory_budget ? t->o.memory_budget : pfm_bpm_default_memory_budget ();
  t->adj = g_new0 (PfmAdjoint *, t->threads);
  if ((t->adj[0] = pfm_adjoint_new (t->cfg, budget / t->threads, error)) == NULL)
    return FALSE;
  t->nv = pfm_adjoint_n_voxels (t->adj[0]);
  const guint64 need = pfm_train_estimate_memory (t->cfg, t->threads, t->batch, t->nv, budget);
  if (need > budget)
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "training needs about %.0f MiB (%d threads, %u examples per batch, %" G_GSIZE_FORMAT
                   " voxels), over the memory budget of %.0f MiB: lower train.batch, grid.n or the thread count",
                   need / 1048576.0, t->threads, t->batch, t->nv, budget / 1048576.0);
      return FALSE;
    }
  for (int w = 1; w < t->threads; w++)
    if ((t->adj[w] = pfm_adjoint_new (t->cfg, budget / t->threads, error)) == NULL)
      return FALSE;
  return TRUE;
}

static Trainer *
trainer_new (const PfmConfig *cfg, const PfmTrainData *data, const PfmTrainOptions *opts, GError **error)
{
  g_autoptr(Trainer) t = g_new0 (Trainer, 1);
  t->cfg = cfg;
  t->data = data;
  if (opts)
    t->o = *opts;
  t->threads = pfm_train_threads (&t->o);
  t->batch = (guint) MIN ((guint) cfg->train.batch, data->n_train);
  t->n_batches = (data->n_train + t->batch - 1) / t->batch;
  t->timer = g_timer_new ();
  if (!trainer_plan (t, error))
    return NULL;

  const gsize nv = t->nv;
  t->res = g_new0 (PfmTrainResult, 1);
  pfm_adjoint_get_lattice (t->adj[0], &t->res->nvx, &t->res->nvy, &t->res->nvz);
  t->res->n_parameters = nv;
  t->res->n_classes = data->n_classes;
  t->res->epochs = g_array_new (FALSE, TRUE, sizeof (PfmTrainEpoch));
  t->res->dn = g_try_new (float, nv);

  const guint max_n = MAX (t->batch, MAX (data->n_validation, data->n_test));
  t->theta = g_try_new (double, nv);
  t->dn = g_try_new (double, nv);
  t->m1 = g_try_new0 (double, nv);
  t->m2 = g_try_new0 (double, nv);
  t->grad = g_try_new (double, nv);
  t->grads = g_try_new (double, (gsize) t->batch * nv);
  t->dt = g_new (double, max_n);
  t->loss = g_new (double, max_n);
  t->predicted = g_new (guint, max_n);
  t->order = g_memdup2 (data->train, data->n_train * sizeof (guint));
  t->noisy = cfg->train.noise_aware && pfm_defects_touch_voxels (cfg);
  if (t->noisy)
    {
      t->ca = g_try_new (double, nv);
      t->cb = g_try_new (double, nv);
      t->cdn = g_try_new (double, nv);
    }
  if (!t->theta || !t->dn || !t->m1 || !t->m2 || !t->grad || !t->grads || !t->res->dn ||
      (t->noisy && (!t->ca || !t->cb || !t->cdn)))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY, "out of memory for the training state");
      return NULL;
    }

  GError *init_error = NULL;
  init_theta (cfg, t->adj[0], t->theta, nv, &init_error);
  if (init_error)
    {
      g_propagate_error (error, init_error);
      return NULL;
    }
  /* T = exp(tau) > 0, trained by Adam with the voxels. */
  t->st = (TrainState) { .config_hash = config_hash (cfg), .n_voxels = nv, .n_train = data->n_train,
                         .tau = log (MAX (cfg->train.temperature, 1e-6)) };
  pfm_rng_init (&t->st.rng, cfg->train.seed);
  if (t->o.resume != NULL &&
      !load_checkpoint (t->o.resume, &t->st, t->theta, t->m1, t->m2, t->order, t->res->epochs, error))
    return NULL;

  t->job = (Job) { .data = data, .dn = t->noisy ? t->cdn : t->dn, .n_voxels = nv, .grads = t->grads, .dt = t->dt,
                   .loss = t->loss, .predicted = t->predicted, .cancel = t->o.cancel, .adj = t->adj };
  return g_steal_pointer (&t);
}

static void
design_from_theta (Trainer *t)
{
  const double delta_n = t->cfg->medium.delta_n;
  for (gsize v = 0; v < t->nv; v++)
    t->dn[v] = delta_n * tanh (t->theta[v]);
}

/* One Adam step on theta and log T from the summed minibatch gradient
 * (dL/dtheta = dL/ddn delta_n (1 - tanh^2)). */
static void
adam_step (Trainer *t, guint nb, double gtau, double lr)
{
  const double delta_n = t->cfg->medium.delta_n;
  TrainState *st = &t->st;
  st->step++;
  const double c1 = 1.0 - pow (ADAM_BETA1, (double) st->step), c2 = 1.0 - pow (ADAM_BETA2, (double) st->step);
  for (gsize v = 0; v < t->nv; v++)
    {
      const double th = tanh (t->theta[v]);
      const double g = t->grad[v] / nb * delta_n * (1.0 - th * th);
      t->m1[v] = ADAM_BETA1 * t->m1[v] + (1.0 - ADAM_BETA1) * g;
      t->m2[v] = ADAM_BETA2 * t->m2[v] + (1.0 - ADAM_BETA2) * g * g;
      t->theta[v] -= lr * (t->m1[v] / c1) / (sqrt (t->m2[v] / c2) + ADAM_EPS);
    }
  st->tm1 = ADAM_BETA1 * st->tm1 + (1.0 - ADAM_BETA1) * gtau;
  st->tm2 = ADAM_BETA2 * st->tm2 + (1.0 - ADAM_BETA2) * gtau * gtau;
  st->tau -= lr * (st->tm1 / c1) / (sqrt (st->tm2 / c2) + ADAM_EPS);
}

/* Minibatch @b of the epoch's order: forward and backward on the
 * workers, the gradient summed in example order, one Adam step.  Adds
 * the batch's losses and hits to @sum_loss and @sum_ok. */
/* TRUE, with G_IO_ERROR_CANCELLED (as every engine job reports a cancel),
 * once the cancel flag is set. */
static gboolean
trainer_cancelled (const Trainer *t, GError **error)
{
  if (t->o.cancel == NULL || !g_atomic_int_get (t->o.cancel))
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "training cancelled");
  return TRUE;
}

static gboolean
trainer_batch (Trainer *t, guint b, double lr, double *sum_loss, guint *sum_ok, GError **error)
{
  const guint first = b * t->batch, nb = MIN (t->batch, t->data->n_train - first);
  const gsize nv = t->nv;
  design_from_theta (t);
  if (t->noisy)
    {
      /* A fresh copy per minibatch, seeded from the training seed and
       * the step: never one of evaluate's copies. */
      const guint64 seed = pfm_defects_copy_seed (t->cfg->train.seed ^ G_GUINT64_CONSTANT (0x401531A3E), t->st.step);
      if (!copy_map (t->cfg, seed, t->res->nvx, t->res->nvy, t->res->nvz, t->ca, t->cb, error))
        return FALSE;
      for (gsize v = 0; v < nv; v++)
        t->cdn[v] = t->ca[v] * t->dn[v] + t->cb[v];
    }
  t->job.examples = t->order + first;
  t->job.n = nb;
  t->job.temperature = exp (t->st.tau);
  t->job.backward = TRUE;
  run_job (&t->job, t->threads);
  if (trainer_cancelled (t, error))
    return FALSE;

  memset (t->grad, 0, nv * sizeof (double));
  double gtau = 0.0;
  for (guint i = 0; i < nb; i++)
    {
      const double *g = t->grads + (gsize) i * nv;
      for (gsize v = 0; v < nv; v++)
        t->grad[v] += g[v];
      gtau += t->dt[i];
      *sum_loss += t->loss[i];
      *sum_ok += t->predicted[i] == t->data->dataset->labels[t->job.examples[i]];
    }
  gtau *= t->job.temperature / nb;
  if (t->noisy)
    for (gsize v = 0; v < nv; v++)
      t->grad[v] *= t->ca[v];
  adam_step (t, nb, gtau, lr);
  return TRUE;
}

/* Epoch @e: a seeded shuffle, the minibatches, validation, the
 * checkpoint. */
static gboolean
trainer_epoch (Trainer *t, int e, GError **error)
{
  const PfmTrainData *data = t->data;
  const double lr = t->cfg->train.lr * pow (t->cfg->train.lr_decay, e - 1);
  for (guint i = data->n_train; i > 1; i--)
    {
      guint k = (guint) (pfm_rng_uniform (&t->st.rng) * i);
      guint x = t->order[i - 1];
      t->order[i - 1] = t->order[k];
      t->order[k] = x;
    }
  double sum_loss = 0.0;
  guint sum_ok = 0, seen = 0;
  for (guint b = 0; b < t->n_batches; b++)
    {
      if (!trainer_batch (t, b, lr, &sum_loss, &sum_ok, error))
        return FALSE;
      seen += MIN (t->batch, data->n_train - b * t->batch);
      if (t->o.progress)
        {
          PfmTrainProgress pr = { e, t->cfg->train.epochs, b + 1, t->n_batches, sum_loss / seen,
                                  (double) sum_ok / seen, g_timer_elapsed (t->timer, NULL) };
          t->o.progress (&pr, t->o.user_data);
        }
    }

  /* Validation on the design itself, not on a copy. */
  design_from_theta (t);
  t->job.temperature = exp (t->st.tau);
  t->job.dn = t->dn;
  PfmTrainEpoch ep = { .epoch = (guint) e, .train_loss = sum_loss / MAX (seen, 1),
                       .train_accuracy = (double) sum_ok / MAX (seen, 1) };
  evaluate_set (&t->job, data->validation, data->n_validation, t->threads, &ep.validation_loss,
                &ep.validation_accuracy, NULL);
  t->job.dn = t->noisy ? t->cdn : t->dn;
  ep.seconds = g_timer_elapsed (t->timer, NULL);
  g_array_append_val (t->res->epochs, ep);
  t->st.epochs_done = (guint64) e;
  if (t->o.epoch)
    t->o.epoch (&ep, t->o.user_data);
  /* Cancelled during this epoch: the last checkpoint stays as it was (a
   * cancelled run replaces no file). */
  if (trainer_cancelled (t, error))
    return FALSE;
  return t->o.checkpoint == NULL ||
         save_checkpoint (t->o.checkpoint, &t->st, t->theta, t->m1, t->m2, t->order, t->res->epochs, error);
}

PfmTrainResult *
pfm_train_run (const PfmConfig *cfg, const PfmTrainData *data, const PfmTrainOptions *opts, GError **error)
{
  g_return_val_if_fail (cfg != NULL && data != NULL, NULL);
  g_autoptr(Trainer) t = trainer_new (cfg, data, opts, error);
  if (t == NULL)
    return NULL;
  for (int e = (int) t->st.epochs_done + 1; e <= cfg->train.epochs; e++)
    if (!trainer_epoch (t, e, error))
      return NULL;

  /* The trained design, and its test accuracy in the differentiable model. */
  PfmTrainResult *res = t->res;
  design_from_theta (t);
  for (gsize v = 0; v < t->nv; v++)
    res->dn[v] = (float) t->dn[v];
  res->temperature = exp (t->st.tau);
  t->job.temperature = res->temperature;
  t->job.dn = t->dn;
  res->confusion = g_new0 (guint, (gsize) data->n_classes * data->n_classes);
  res->n_test = data->n_test;
  double test_loss;
  evaluate_set (&t->job, data->test, data->n_test, t->threads, &test_loss, &res->test_accuracy, res->confusion);
  res->seconds = g_timer_elapsed (t->timer, NULL);
  return g_steal_pointer (&t->res);
}

void
pfm_train_result_free (PfmTrainResult *r)
{
  if (r == NULL)
    return;
  g_free (r->dn);
  g_free (r->confusion);
  if (r->epochs)
    g_array_unref (r->epochs);
  g_free (r);
}
