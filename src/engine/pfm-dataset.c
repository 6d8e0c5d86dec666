/* pfm-dataset.c - datasets for training the glass: which file a dataset
 * name loads, resize, split (the file formats: pfm-dataset-io.c)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-dataset"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-dataset.h"
#include "pfm-dataset-io.h"
#include "pfm-rng.h"

G_DEFINE_QUARK (pfm-dataset-error-quark, pfm_dataset_error)

#define DIGITS_DEBIAN_PATH  "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
#define DIGITS_PACKAGE      "python3-sklearn"
#define FASHION_DEBIAN_DIR  "/usr/share/datasets/fashion-mnist"
#define FASHION_PACKAGE     "dataset-fashion-mnist"

const char *
pfm_dataset_default_path (const char *name)
{
  if (g_strcmp0 (name, "digits") == 0)
    return DIGITS_DEBIAN_PATH;
  if (g_strcmp0 (name, "fashion-mnist") == 0)
    return FASHION_DEBIAN_DIR;
  return NULL;
}

const char *
pfm_dataset_debian_package (const char *name)
{
  if (g_strcmp0 (name, "digits") == 0)
    return DIGITS_PACKAGE;
  if (g_strcmp0 (name, "fashion-mnist") == 0)
    return FASHION_PACKAGE;
  return NULL;
}

void
pfm_dataset_free (PfmDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->name);
  g_free (ds->features);
  g_free (ds->labels);
  g_free (ds);
}

/* ------------------------------------------------------------------ */

static char *
resolve (const char *path, const char *base_dir)
{
  if (base_dir != NULL && !g_path_is_absolute (path))
    return g_build_filename (base_dir, path, NULL);
  return g_strdup (path);
}

static const char *
env_nonempty (const char *name)
{
  const char *v = g_getenv (name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

PfmDataset *
pfm_dataset_load (const char *spec, const char *base_dir, guint64 memory_budget, GError **error)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strcmp (spec, "digits") == 0)
    {
      const char *env = env_nonempty ("PFM_DIGITS_CSV");
      g_autofree char *hint = env != NULL
        ? g_strdup (" (PFM_DIGITS_CSV names it): unset PFM_DIGITS_CSV to use Debian's " DIGITS_PACKAGE
                    " (apt-get install " DIGITS_PACKAGE ")")
        : g_strdup (": install Debian's " DIGITS_PACKAGE " (apt-get install " DIGITS_PACKAGE ")");
      return pfm_dataset_load_csv ("digits", env ? env : DIGITS_DEBIAN_PATH, TRUE, hint, memory_budget, error);
    }
  if (strcmp (spec, "fashion-mnist") == 0)
    {
      const char *env = env_nonempty ("PFM_FASHION_MNIST_DIR");
      const char *dir = env ? env : FASHION_DEBIAN_DIR;
      const char *hint = env != NULL
        ? " (PFM_FASHION_MNIST_DIR names its folder): unset PFM_FASHION_MNIST_DIR to use Debian's "
          FASHION_PACKAGE " (apt-get install " FASHION_PACKAGE ")"
        : ": install Debian's " FASHION_PACKAGE " (apt-get install " FASHION_PACKAGE ")";
      g_autofree char *ti = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
      g_autofree char *tl = g_build_filename (dir, "train-labels-idx1-ubyte.gz", NULL);
      g_autofree char *si = g_build_filename (dir, "t10k-images-idx3-ubyte.gz", NULL);
      g_autofree char *sl = g_build_filename (dir, "t10k-labels-idx1-ubyte.gz", NULL);
      const char *images[] = { ti, si }, *labels[] = { tl, sl };
      guint n_train = 0;
      PfmDataset *ds = pfm_dataset_load_idx_pairs ("fashion-mnist", images, labels, 2, hint, memory_budget, &n_train, error);
      if (ds != NULL)
        ds->n_own_train = n_train;
      return ds;
    }
  if (g_str_has_prefix (spec, "idx:"))
    {
      const char *rest = spec + 4;
      const char *colon = strrchr (rest, ':');
      if (colon == NULL || colon == rest || colon[1] == '\0')
        {
          g_autofree char *q = pfm_dataset_quote_field (spec, strlen (spec));
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                       "dataset '%s': expected idx:IMAGES:LABELS (two IDX files)", q);
          return NULL;
        }
      g_autofree char *im = g_strndup (rest, colon - rest);
      g_autofree char *ipath = resolve (im, base_dir);
      g_autofree char *lpath = resolve (colon + 1, base_dir);
      const char *images[] = { ipath }, *labels[] = { lpath };
      guint n_train = 0;
      return pfm_dataset_load_idx_pairs (rest, images, labels, 1, NULL, memory_budget, &n_train, error);
    }
  if (g_str_has_prefix (spec, "csv:"))
    {
      const char *path = spec + 4;
      if (path[0] == '\0')
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                       "dataset 'csv:': expected csv:PATH");
          return NULL;
        }
      g_autofree char *full = resolve (path, base_dir);
      return pfm_dataset_load_csv (path, full, FALSE, NULL, memory_budget, error);
    }
  g_autofree char *q = pfm_dataset_quote_field (spec, strlen (spec));
  g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
               "unknown dataset '%s': expected digits, fashion-mnist, idx:IMAGES:LABELS or csv:PATH", q);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Resize. */

/* One axis of @in source and @out output pixels, in units of 1 / @out
 * source pixel: source pixel s spans [s out, (s+1) out) and output pixel o
 * spans [o in, (o+1) in), so the overlaps are exact integers and those of
 * an output pixel sum to @in. */
typedef struct
{
  guint  *first;   /* per output pixel: its first source pixel */
  guint  *count;   /* per output pixel: how many source pixels it covers */
  guint  *start;   /* per output pixel: where its overlaps begin in weight */
  double *weight;  /* the overlaps (integers, exact in a double) */
} AxisWeights;

static void
axis_weights (guint in, guint out, AxisWeights *w)
{
  w->first = g_new (guint, out);
  w->count = g_new (guint, out);
  w->start = g_new (guint, out);
  gsize total = 0;
  for (guint o = 0; o < out; o++)
    {
      guint64 lo = (guint64) o * in, hi = lo + in;
      guint s0 = (guint) (lo / out), s1 = (guint) ((hi + out - 1) / out);
      w->first[o] = s0;
      w->count[o] = s1 - s0;
      w->start[o] = (guint) total;
      total += s1 - s0;
    }
  w->weight = g_new (double, total);
  for (guint o = 0; o < out; o++)
    {
      guint64 lo = (guint64) o * in, hi = lo + in;
      for (guint k = 0; k < w->count[o]; k++)
        {
          guint64 s = w->first[o] + k;
          guint64 a = MAX (lo, s * out), b = MIN (hi, (s + 1) * out);
          w->weight[w->start[o] + k] = b > a ? (double) (b - a) : 0.0;
        }
    }
}

static void
axis_weights_clear (AxisWeights *w)
{
  g_free (w->first);
  g_free (w->count);
  g_free (w->start);
  g_free (w->weight);
}

void
pfm_dataset_resize_example (const PfmDataset *ds, guint i, guint out_w, guint out_h, float *out)
{
  g_return_if_fail (ds != NULL && ds->features != NULL);
  g_return_if_fail (i < ds->n_examples);
  g_return_if_fail (out_w > 0 && out_h > 0 && out != NULL);
  g_return_if_fail ((guint64) ds->width * ds->height == ds->n_features);

  const guint in_w = ds->width, in_h = ds->height;
  const float *src = ds->features + (gsize) i * ds->n_features;
  if (in_w == out_w && in_h == out_h)
    {
      memcpy (out, src, (gsize) in_w * in_h * sizeof (float));
      return;
    }
  AxisWeights wx, wy;
  axis_weights (in_w, out_w, &wx);
  axis_weights (in_h, out_h, &wy);
  /* The overlaps of an output pixel sum to in_w * in_h. */
  const double norm = 1.0 / ((double) in_w * in_h);
  g_autofree double *acc = g_new (double, out_w);
  for (guint oy = 0; oy < out_h; oy++)
    {
      memset (acc, 0, out_w * sizeof (double));
      for (guint ky = 0; ky < wy.count[oy]; ky++)
        {
          const double a = wy.weight[wy.start[oy] + ky];
          if (a == 0.0)
            continue;
          const float *srow = src + (gsize) (wy.first[oy] + ky) * in_w;
          for (guint ox = 0; ox < out_w; ox++)
            {
              const float *sp = srow + wx.first[ox];
              const double *wp = wx.weight + wx.start[ox];
              double sum = 0.0;
              for (guint kx = 0; kx < wx.count[ox]; kx++)
                sum += wp[kx] * sp[kx];
              acc[ox] += a * sum;
            }
        }
      for (guint ox = 0; ox < out_w; ox++)
        out[(gsize) oy * out_w + ox] = (float) (acc[ox] * norm);
    }
  axis_weights_clear (&wx);
  axis_weights_clear (&wy);
}

/* ------------------------------------------------------------------ */
/* Split. */

/* Uniform in [0, bound), bound > 0, without modulo bias. */
static guint64
uniform_below (guint64 *state, guint64 bound)
{
  const guint64 threshold = (0 - bound) % bound;   /* 2^64 mod bound */
  for (;;)
    {
      guint64 r = pfm_rng_splitmix64 (state);
      if (r >= threshold)
        return r % bound;
    }
}

/* Fisher-Yates over @v. */
static void
shuffle (guint *v, guint n, guint64 *state)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) uniform_below (state, i);
      guint t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
}

static guint
round_count (guint n, double fraction)
{
  double c = floor ((double) n * fraction + 0.5);
  return c >= (double) n ? n : (guint) c;
}

static gboolean
fraction_ok (double f)
{
  return isfinite (f) && f >= 0.0 && f < 1.0;
}

static guint *
copy_indices (const guint *v, guint n)
{
  return n > 0 ? g_memdup2 (v, (gsize) n * sizeof (guint)) : NULL;
}

gboolean
pfm_dataset_split (const PfmDataset *ds, double test_fraction, double validation_fraction, guint64 seed,
                   guint max_examples, guint **train, guint *n_train, guint **validation, guint *n_validation,
                   guint **test, guint *n_test, GError **error)
{
  g_return_val_if_fail (ds != NULL, FALSE);
  g_return_val_if_fail (ds->n_own_train <= ds->n_examples, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const gboolean own = ds->n_own_train > 0;
  if (!own && !fraction_ok (test_fraction))
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "the test fraction is %g: accepted 0 <= fraction < 1", test_fraction);
      return FALSE;
    }
  if (!fraction_ok (validation_fraction))
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "the validation fraction is %g: accepted 0 <= fraction < 1", validation_fraction);
      return FALSE;
    }
  if (!own && test_fraction + validation_fraction >= 1.0)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "split fractions sum to %g: test %g plus validation %g must leave a training set (sum < 1)",
                   test_fraction + validation_fraction, test_fraction, validation_fraction);
      return FALSE;
    }

  const guint n = ds->n_examples;
  const guint total = max_examples > 0 && max_examples < n ? max_examples : n;
  g_autofree guint *order = g_new (guint, MAX (n, 1u));
  for (guint k = 0; k < n; k++)
    order[k] = k;
  guint64 state = seed;

  /* order: [training part | test part], each shuffled; the first
   * part_train and part_test of each are used. */
  guint own_train = own ? ds->n_own_train : n;
  shuffle (order, own_train, &state);
  shuffle (order + own_train, n - own_train, &state);

  guint part_train, part_test, nv, nt;
  const guint *train_part = order, *test_part;
  if (own)
    {
      part_train = (guint) MIN ((guint64) own_train,
                                (guint64) floor ((double) total * own_train / n + 0.5));
      part_test = MIN (total - part_train, n - own_train);
      test_part = order + own_train;
      nt = part_test;
      nv = round_count (part_train, validation_fraction);
    }
  else
    {
      /* test, then validation, then training, from the shuffled order. */
      nt = round_count (total, test_fraction);
      nv = round_count (total, validation_fraction);
      nv = MIN (nv, total - nt);
      test_part = order;
      train_part = order + nt;
      part_train = total - nt;
    }
  if (part_train <= nv)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "%s: %u examples leave none for training (test %u, validation %u)",
                   ds->name ? ds->name : "dataset", total, nt, nv);
      return FALSE;
    }
  const guint ntr = part_train - nv;

  /* Validation first from the training part, then training. */
  if (n_test)
    *n_test = nt;
  if (test)
    *test = copy_indices (test_part, nt);
  if (n_validation)
    *n_validation = nv;
  if (validation)
    *validation = copy_indices (train_part, nv);
  if (n_train)
    *n_train = ntr;
  if (train)
    *train = copy_indices (train_part + nv, ntr);
  return TRUE;
}
