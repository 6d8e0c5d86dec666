/* test-dataset-prep.c - a dataset made ready for training: the
 * area-averaging resize, the split
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every dataset here is built by hand in memory; the loaders that read
 * the real datasets and files are test-dataset.c's.
 */
#define G_LOG_DOMAIN "test-dataset-prep"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "pfm-dataset.h"
#include "pfm-test-util.h"

/* ---- helpers ---------------------------------------------------------- */

/* A dataset built by hand, for the resize and split tests. */
static PfmDataset *
dataset_new (guint n, guint w, guint h, guint n_own_train)
{
  PfmDataset *ds = g_new0 (PfmDataset, 1);
  ds->name = g_strdup ("hand-made");
  ds->n_examples = n;
  ds->width = w;
  ds->height = h;
  ds->n_features = w * h;
  ds->n_classes = 2;
  ds->features = g_new0 (float, (gsize) n * w * h);
  ds->labels = g_new0 (guint8, n);
  ds->n_own_train = n_own_train;
  return ds;
}

/* ---- resize ------------------------------------------------------------ */

static void
test_resize_mean (void)
{
  g_autoptr(PfmDataset) ds = dataset_new (2, 28, 28, 0);
  for (guint k = 0; k < 2 * 784; k++)
    ds->features[k] = pixel_pattern (k) / 255.0f;
  for (guint i = 0; i < 2; i++)
    {
      static const guint sizes[][2] = { { 8, 8 }, { 5, 3 }, { 28, 1 }, { 40, 33 }, { 1, 1 } };
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          const guint w = sizes[s][0], h = sizes[s][1];
          g_autofree float *out = g_new (float, w * h);
          pfm_dataset_resize_example (ds, i, w, h, out);
          double min = 0.0, mout = 0.0;
          for (guint k = 0; k < 784; k++)
            min += ds->features[i * 784 + k];
          for (guint k = 0; k < w * h; k++)
            {
              g_assert_cmpfloat (out[k], >=, 0.0f);
              g_assert_cmpfloat (out[k], <=, 1.0f);
              mout += out[k];
            }
          /* The area weights are exact; what differs is the rounding of
           * each output value to float (relative 6e-8), so 1e-6 holds. */
          g_assert_cmpfloat_with_epsilon (mout / (w * h), min / 784, 1e-6);
        }
    }
}

static void
test_resize_identity (void)
{
  g_autoptr(PfmDataset) ds = dataset_new (3, 7, 5, 0);
  for (guint k = 0; k < 3 * 35; k++)
    ds->features[k] = pixel_pattern (k + 11) / 255.0f;
  float out[35];
  pfm_dataset_resize_example (ds, 2, 7, 5, out);
  g_assert_cmpmem (out, sizeof out, ds->features + 2 * 35, 35 * sizeof (float));
}

static void
test_resize_by_hand (void)
{
  /* 4x4 -> 2x2: each output the mean of a 2x2 block. */
  g_autoptr(PfmDataset) a = dataset_new (1, 4, 4, 0);
  static const float img4[16] = {
    0.0f, 0.25f, 0.5f, 1.0f,
    0.5f, 0.25f, 0.0f, 0.5f,
    1.0f, 1.0f,  0.0f, 0.0f,
    0.0f, 0.5f,  0.0f, 0.25f,
  };
  memcpy (a->features, img4, sizeof img4);
  float out4[4];
  pfm_dataset_resize_example (a, 0, 2, 2, out4);
  g_assert_cmpfloat_with_epsilon (out4[0], (0.0 + 0.25 + 0.5 + 0.25) / 4, 1e-7);  /* 0.25 */
  g_assert_cmpfloat_with_epsilon (out4[1], (0.5 + 1.0 + 0.0 + 0.5) / 4, 1e-7);    /* 0.5 */
  g_assert_cmpfloat_with_epsilon (out4[2], (1.0 + 1.0 + 0.0 + 0.5) / 4, 1e-7);    /* 0.625 */
  g_assert_cmpfloat_with_epsilon (out4[3], (0.0 + 0.0 + 0.0 + 0.25) / 4, 1e-7);   /* 0.0625 */

  /* 3x3 -> 2x2: output pixel 0 covers source [0, 1.5) on each axis, so
   * source 0 weighs 2/3 and source 1 weighs 1/3; output 1 covers
   * [1.5, 3): source 1 1/3 and source 2 2/3.  With v = [a b c; d e f; g h i]
   * the top-left output is (4a + 2b + 2d + e) / 9, and so on. */
  g_autoptr(PfmDataset) b = dataset_new (1, 3, 3, 0);
  static const float img3[9] = { 0.9f, 0.0f, 0.3f,
                                 0.0f, 0.6f, 0.0f,
                                 0.0f, 0.0f, 0.0f };
  memcpy (b->features, img3, sizeof img3);
  float out3[4];
  pfm_dataset_resize_example (b, 0, 2, 2, out3);
  /* (4*0.9 + 2*0 + 2*0 + 0.6) / 9 = 4.2 / 9 */
  g_assert_cmpfloat_with_epsilon (out3[0], 4.2 / 9, 1e-7);
  /* top-right: (2b + 4c + e + 2f) / 9 = (0 + 1.2 + 0.6 + 0) / 9 */
  g_assert_cmpfloat_with_epsilon (out3[1], 1.8 / 9, 1e-7);
  /* bottom-left: (2d + e + 4g + 2h) / 9 = 0.6 / 9 */
  g_assert_cmpfloat_with_epsilon (out3[2], 0.6 / 9, 1e-7);
  /* bottom-right: (e + 2f + 2h + 4i) / 9 = 0.6 / 9 */
  g_assert_cmpfloat_with_epsilon (out3[3], 0.6 / 9, 1e-7);

  /* 2x1 -> 3x1 (enlarging): outputs cover [0, 2/3), [2/3, 4/3), [4/3, 2). */
  g_autoptr(PfmDataset) c = dataset_new (1, 2, 1, 0);
  c->features[0] = 0.3f;
  c->features[1] = 0.9f;
  float out2[3];
  pfm_dataset_resize_example (c, 0, 3, 1, out2);
  g_assert_cmpfloat_with_epsilon (out2[0], 0.3, 1e-7);
  g_assert_cmpfloat_with_epsilon (out2[1], 0.6, 1e-7);
  g_assert_cmpfloat_with_epsilon (out2[2], 0.9, 1e-7);
}

/* ---- split ------------------------------------------------------------- */

typedef struct
{
  guint *tr, *va, *te;
  guint ntr, nva, nte;
} Split;

static void
split_clear (Split *s)
{
  g_free (s->tr);
  g_free (s->va);
  g_free (s->te);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Split, split_clear)

static void
split_ok (const PfmDataset *ds, double tf, double vf, guint64 seed, guint max, Split *s)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_dataset_split (ds, tf, vf, seed, max, &s->tr, &s->ntr, &s->va, &s->nva, &s->te, &s->nte, &error));
  g_assert_no_error (error);
}

/* Disjoint, within the dataset; returns how many indices in all. */
static guint
check_disjoint (const PfmDataset *ds, const Split *s)
{
  g_autofree guint8 *seen = g_new0 (guint8, ds->n_examples);
  const guint *lists[] = { s->tr, s->va, s->te };
  const guint counts[] = { s->ntr, s->nva, s->nte };
  for (guint l = 0; l < 3; l++)
    for (guint k = 0; k < counts[l]; k++)
      {
        g_assert_cmpuint (lists[l][k], <, ds->n_examples);
        g_assert_cmpuint (seen[lists[l][k]], ==, 0);
        seen[lists[l][k]] = 1;
      }
  return s->ntr + s->nva + s->nte;
}

static gboolean
split_equal (const Split *a, const Split *b)
{
  return a->ntr == b->ntr && a->nva == b->nva && a->nte == b->nte &&
         memcmp (a->tr, b->tr, a->ntr * sizeof (guint)) == 0 &&
         memcmp (a->va, b->va, a->nva * sizeof (guint)) == 0 &&
         memcmp (a->te, b->te, a->nte * sizeof (guint)) == 0;
}

static void
test_split (void)
{
  g_autoptr(PfmDataset) ds = dataset_new (1000, 2, 2, 0);
  g_auto(Split) a = { 0 }, b = { 0 }, c = { 0 };
  split_ok (ds, 0.2, 0.1, 42, 0, &a);
  split_ok (ds, 0.2, 0.1, 42, 0, &b);
  split_ok (ds, 0.2, 0.1, 43, 0, &c);
  /* Deterministic for a seed; another seed, another split. */
  g_assert_true (split_equal (&a, &b));
  g_assert_false (split_equal (&a, &c));
  /* Disjoint and covering, in the proportions asked. */
  g_assert_cmpuint (check_disjoint (ds, &a), ==, 1000);
  g_assert_cmpuint (check_disjoint (ds, &c), ==, 1000);
  g_assert_cmpuint (a.nte, ==, 200);
  g_assert_cmpuint (a.nva, ==, 100);
  g_assert_cmpuint (a.ntr, ==, 700);
  /* Shuffled: the test set is not the first 200. */
  guint below = 0;
  for (guint k = 0; k < a.nte; k++)
    below += a.te[k] < 200;
  g_assert_cmpuint (below, <, 100);

  /* The same on every platform: the generator is splitmix64, so the
   * split for seed 42 is fixed forever (these are its first indices). */
  g_test_message ("seed 42: test begins %u %u %u, training begins %u %u %u",
                  a.te[0], a.te[1], a.te[2], a.tr[0], a.tr[1], a.tr[2]);
  g_auto(Split) small = { 0 };
  g_autoptr(PfmDataset) ten = dataset_new (10, 1, 1, 0);
  split_ok (ten, 0.3, 0.2, 0, 0, &small);
  g_assert_cmpuint (small.nte, ==, 3);
  g_assert_cmpuint (small.nva, ==, 2);
  g_assert_cmpuint (small.ntr, ==, 5);
  GString *order = g_string_new (NULL);
  for (guint k = 0; k < small.nte; k++)
    g_string_append_printf (order, "%u ", small.te[k]);
  for (guint k = 0; k < small.nva; k++)
    g_string_append_printf (order, "%u ", small.va[k]);
  for (guint k = 0; k < small.ntr; k++)
    g_string_append_printf (order, "%u ", small.tr[k]);
  g_test_message ("10 examples, seed 0: %s", order->str);
  /* Fisher-Yates from the top, j = splitmix64 () % i with rejection of
   * the biased tail; recomputed independently in Python (splitmix64 from
   * state 0 first gives 0xe220a8397b1dcdaf, the published reference). */
  g_assert_cmpstr (order->str, ==, "6 3 2 9 8 1 4 7 0 5 ");
  g_string_free (order, TRUE);

  /* No validation or no test set at all. */
  g_auto(Split) d = { 0 };
  split_ok (ds, 0.0, 0.0, 1, 0, &d);
  g_assert_cmpuint (d.ntr, ==, 1000);
  g_assert_cmpuint (d.nva, ==, 0);
  g_assert_cmpuint (d.nte, ==, 0);
  g_assert_null (d.va);
  g_assert_null (d.te);
  g_assert_cmpuint (check_disjoint (ds, &d), ==, 1000);

  /* Lists not wanted may be NULL. */
  guint ntr = 0;
  g_autofree guint *tr = NULL;
  g_assert_true (pfm_dataset_split (ds, 0.5, 0.25, 9, 0, &tr, &ntr, NULL, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (ntr, ==, 250);
}

static void
test_split_max (void)
{
  g_autoptr(PfmDataset) ds = dataset_new (1000, 2, 2, 0);
  g_auto(Split) a = { 0 }, full = { 0 };
  split_ok (ds, 0.25, 0.15, 5, 100, &a);
  g_assert_cmpuint (check_disjoint (ds, &a), ==, 100);
  g_assert_cmpuint (a.nte, ==, 25);
  g_assert_cmpuint (a.nva, ==, 15);
  g_assert_cmpuint (a.ntr, ==, 60);
  /* A cap of at least the size is no cap. */
  split_ok (ds, 0.25, 0.15, 5, 5000, &full);
  g_assert_cmpuint (check_disjoint (ds, &full), ==, 1000);
}

static void
test_split_own (void)
{
  /* 800 training examples, then 200 of its own test set. */
  g_autoptr(PfmDataset) ds = dataset_new (1000, 2, 2, 800);
  g_auto(Split) a = { 0 }, b = { 0 }, m = { 0 };
  /* The test fraction is ignored, even a bad one. */
  split_ok (ds, 0.9, 0.25, 3, 0, &a);
  split_ok (ds, -1.0, 0.25, 3, 0, &b);
  g_assert_true (split_equal (&a, &b));
  g_assert_cmpuint (check_disjoint (ds, &a), ==, 1000);
  g_assert_cmpuint (a.nte, ==, 200);
  g_assert_cmpuint (a.nva, ==, 200);
  g_assert_cmpuint (a.ntr, ==, 600);
  for (guint k = 0; k < a.nte; k++)
    g_assert_cmpuint (a.te[k], >=, 800);
  for (guint k = 0; k < a.nva; k++)
    g_assert_cmpuint (a.va[k], <, 800);
  for (guint k = 0; k < a.ntr; k++)
    g_assert_cmpuint (a.tr[k], <, 800);

  /* Capped at 100: 80 from training (20 of them validation), 20 test. */
  split_ok (ds, 0.0, 0.25, 3, 100, &m);
  g_assert_cmpuint (check_disjoint (ds, &m), ==, 100);
  g_assert_cmpuint (m.nte, ==, 20);
  g_assert_cmpuint (m.nva, ==, 20);
  g_assert_cmpuint (m.ntr, ==, 60);
  for (guint k = 0; k < m.nte; k++)
    g_assert_cmpuint (m.te[k], >=, 800);
  for (guint k = 0; k < m.ntr; k++)
    g_assert_cmpuint (m.tr[k], <, 800);
}

static void
test_split_errors (void)
{
  g_autoptr(PfmDataset) ds = dataset_new (10, 1, 1, 0);
  static const double bad[][2] = {
    { -0.1, 0.1 }, { 1.0, 0.0 }, { 0.1, 1.0 }, { 0.5, 0.5 }, { 0.7, 0.4 }, { NAN, 0.1 }, { 0.1, INFINITY },
  };
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(GError) error = NULL;
      guint *tr = GUINT_TO_POINTER (1);
      guint ntr = 77;
      g_assert_false (pfm_dataset_split (ds, bad[k][0], bad[k][1], 1, 0, &tr, &ntr, NULL, NULL, NULL, NULL, &error));
      g_assert_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID);
      g_test_message ("%g, %g: %s", bad[k][0], bad[k][1], error->message);
      /* The outputs are untouched. */
      g_assert_true (tr == GUINT_TO_POINTER (1));
      g_assert_cmpuint (ntr, ==, 77);
    }
  /* Fractions that round to no training example. */
  g_autoptr(PfmDataset) two = dataset_new (2, 1, 1, 0);
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_dataset_split (two, 0.45, 0.45, 1, 0, NULL, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "none for training"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset/resize/mean", test_resize_mean);
  g_test_add_func ("/dataset/resize/identity", test_resize_identity);
  g_test_add_func ("/dataset/resize/by-hand", test_resize_by_hand);
  g_test_add_func ("/dataset/split/seeded", test_split);
  g_test_add_func ("/dataset/split/max-examples", test_split_max);
  g_test_add_func ("/dataset/split/own-test-set", test_split_own);
  g_test_add_func ("/dataset/split/errors", test_split_errors);

  return g_test_run ();
}

