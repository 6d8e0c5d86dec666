/* test-dataset.c - the dataset loaders: the real datasets, IDX, gzip, CSV
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real datasets (Debian's python3-sklearn digits and
 * dataset-fashion-mnist) are checked when installed and skipped when not;
 * every error case uses a small file written here into a temporary folder,
 * plain and gzipped (by GLib's own compressor).  The resize and the split
 * are test-dataset-prep.c's.
 */
#define G_LOG_DOMAIN "test-dataset"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-dataset.h"
#include "pfm-test-util.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct
{
  char *dir;
} TmpDir;

static void
tmp_setup (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  t->dir = pfm_test_tmp_dir ("pfm-test-dataset");
}

static void
tmp_teardown (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  pfm_test_remove_tree (t->dir);
  g_free (t->dir);
}

static char *
tmp_path (TmpDir *t, const char *name)
{
  return g_build_filename (t->dir, name, NULL);
}

static void
write_file (const char *path, const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_set_contents (path, data, len, &error));
  g_assert_no_error (error);
}

/* @data gzipped by GLib's zlib compressor. */
static GBytes *
gzip_bytes (const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GZlibCompressor) comp = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (comp));
  gsize written;
  g_assert_true (g_output_stream_write_all (out, data, len, &written, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
write_maybe_gz (const char *path, const void *data, gsize len, gboolean gz)
{
  if (!gz)
    {
      write_file (path, data, len);
      return;
    }
  g_autoptr(GBytes) z = gzip_bytes (data, len);
  gsize zlen;
  const void *zd = g_bytes_get_data (z, &zlen);
  write_file (path, zd, zlen);
}

static void
put_be32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (a, b, 4);
}

static GByteArray *
idx_images (guint32 magic, guint32 n, guint32 rows, guint32 cols, const guint8 *pixels, gsize n_pixels)
{
  GByteArray *a = g_byte_array_new ();
  put_be32 (a, magic);
  put_be32 (a, n);
  put_be32 (a, rows);
  put_be32 (a, cols);
  g_byte_array_append (a, pixels, n_pixels);
  return a;
}

static GByteArray *
idx_labels (guint32 n, const guint8 *labels, gsize n_labels)
{
  GByteArray *a = g_byte_array_new ();
  put_be32 (a, 0x00000801);
  put_be32 (a, n);
  g_byte_array_append (a, labels, n_labels);
  return a;
}

static void
write_array (const char *path, GByteArray *a, gboolean gz)
{
  write_maybe_gz (path, a->data, a->len, gz);
}

/* A valid IDX pair of @n images of @rows x @cols, labels k % @classes. */
static void
write_idx_pair (const char *images, const char *labels, guint n, guint rows, guint cols, guint classes, gboolean gz)
{
  gsize np = (gsize) n * rows * cols;
  g_autofree guint8 *px = g_new (guint8, np);
  for (gsize k = 0; k < np; k++)
    px[k] = pixel_pattern (k);
  g_autofree guint8 *lb = g_new (guint8, n);
  for (guint k = 0; k < n; k++)
    lb[k] = k % classes;
  g_autoptr(GByteArray) ia = idx_images (0x00000803, n, rows, cols, px, np);
  g_autoptr(GByteArray) la = idx_labels (n, lb, n);
  write_array (images, ia, gz);
  write_array (labels, la, gz);
}

/* Loads @spec expecting a refusal of @code whose message contains each of
 * the NULL-terminated fragments. */
static void
expect_error (const char *spec, const char *base_dir, guint64 budget, int code, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmDataset) ds = pfm_dataset_load (spec, base_dir, budget, &error);
  g_assert_null (ds);
  g_assert_nonnull (error);
  g_test_message ("%s -> %s", spec, error->message);
  g_assert_error (error, PFM_DATASET_ERROR, code);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  va_list ap;
  va_start (ap, code);
  for (const char *frag = va_arg (ap, const char *); frag != NULL; frag = va_arg (ap, const char *))
    if (strstr (error->message, frag) == NULL)
      g_error ("%s: message \"%s\" lacks \"%s\"", spec, error->message, frag);
  va_end (ap);
}

static PfmDataset *
load_ok (const char *spec, const char *base_dir)
{
  g_autoptr(GError) error = NULL;
  PfmDataset *ds = pfm_dataset_load (spec, base_dir, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

/* The invariants every loaded dataset keeps. */
static void
check_invariants (const PfmDataset *ds)
{
  g_assert_cmpuint (ds->n_examples, >, 0);
  g_assert_cmpuint ((guint64) ds->width * ds->height, ==, ds->n_features);
  g_assert_cmpuint (ds->n_classes, >=, 2);
  g_assert_cmpuint (ds->n_classes, <=, PFM_DATASET_MAX_CLASSES);
  g_assert_cmpuint (ds->n_own_train, <=, ds->n_examples);
  const gsize n = (gsize) ds->n_examples * ds->n_features;
  for (gsize k = 0; k < n; k++)
    if (!(ds->features[k] >= 0.0f && ds->features[k] <= 1.0f))
      g_error ("feature %" G_GSIZE_FORMAT " = %g outside [0, 1]", k, (double) ds->features[k]);
  for (guint i = 0; i < ds->n_examples; i++)
    g_assert_cmpuint (ds->labels[i], <, ds->n_classes);
}

static void
assert_same_data (const PfmDataset *a, const PfmDataset *b)
{
  g_assert_cmpuint (a->n_examples, ==, b->n_examples);
  g_assert_cmpuint (a->n_features, ==, b->n_features);
  g_assert_cmpuint (a->width, ==, b->width);
  g_assert_cmpuint (a->height, ==, b->height);
  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  g_assert_cmpuint (a->n_own_train, ==, b->n_own_train);
  g_assert_cmpmem (a->features, (gsize) a->n_examples * a->n_features * sizeof (float),
                   b->features, (gsize) b->n_examples * b->n_features * sizeof (float));
  g_assert_cmpmem (a->labels, a->n_examples, b->labels, b->n_examples);
}

/* ---- the real datasets ------------------------------------------------- */

static void
test_digits_real (void)
{
  const char *env = g_getenv ("PFM_DIGITS_CSV");
  const char *path = env && *env ? env : pfm_dataset_default_path ("digits");
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("scikit-learn's digits are not installed (Debian's python3-sklearn)");
      return;
    }
  g_autoptr(PfmDataset) ds = load_ok ("digits", NULL);
  check_invariants (ds);
  g_assert_cmpstr (ds->name, ==, "digits");
  g_assert_cmpuint (ds->n_examples, ==, 1797);
  g_assert_cmpuint (ds->n_features, ==, 64);
  g_assert_cmpuint (ds->width, ==, 8);
  g_assert_cmpuint (ds->height, ==, 8);
  g_assert_cmpuint (ds->n_classes, ==, 10);
  g_assert_cmpuint (ds->n_own_train, ==, 0);
  /* The counts in scikit-learn's file (zcat digits.csv.gz | cut -d, -f65 | sort | uniq -c). */
  static const guint expected[10] = { 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 };
  guint counts[10] = { 0 };
  for (guint i = 0; i < ds->n_examples; i++)
    counts[ds->labels[i]]++;
  for (guint c = 0; c < 10; c++)
    g_assert_cmpuint (counts[c], ==, expected[c]);
  /* The first row begins 0,0,5,13,9,1 (a zero): pixels / 16, exactly. */
  g_assert_cmpfloat (ds->features[2], ==, 5.0f / 16.0f);
  g_assert_cmpfloat (ds->features[3], ==, 13.0f / 16.0f);
  g_assert_cmpuint (ds->labels[0], ==, 0);
  float vmax = 0.0f;
  for (gsize k = 0; k < (gsize) ds->n_examples * 64; k++)
    vmax = MAX (vmax, ds->features[k]);
  g_assert_cmpfloat (vmax, ==, 1.0f);
}

static gboolean
fashion_installed (void)
{
  const char *env = g_getenv ("PFM_FASHION_MNIST_DIR");
  const char *dir = env && *env ? env : pfm_dataset_default_path ("fashion-mnist");
  g_autofree char *f = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
  return g_file_test (f, G_FILE_TEST_IS_REGULAR);
}

static void
test_fashion_real (void)
{
  if (!fashion_installed ())
    {
      g_test_skip ("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)");
      return;
    }
  g_autoptr(PfmDataset) ds = load_ok ("fashion-mnist", NULL);
  check_invariants (ds);
  g_assert_cmpstr (ds->name, ==, "fashion-mnist");
  g_assert_cmpuint (ds->n_examples, ==, 70000);
  g_assert_cmpuint (ds->n_own_train, ==, 60000);
  g_assert_cmpuint (ds->width, ==, 28);
  g_assert_cmpuint (ds->height, ==, 28);
  g_assert_cmpuint (ds->n_features, ==, 784);
  g_assert_cmpuint (ds->n_classes, ==, 10);
  guint train[10] = { 0 }, test[10] = { 0 };
  for (guint i = 0; i < ds->n_examples; i++)
    (i < ds->n_own_train ? train : test)[ds->labels[i]]++;
  for (guint c = 0; c < 10; c++)
    {
      g_assert_cmpuint (train[c], ==, 6000);
      g_assert_cmpuint (test[c], ==, 1000);
    }
  /* Bytes / 255: some pixel is fully on, and every value is k / 255. */
  float vmax = 0.0f;
  for (gsize k = 0; k < (gsize) 70000 * 784; k += 97)
    {
      float v = ds->features[k] * 255.0f;
      g_assert_cmpfloat_with_epsilon (v, rintf (v), 1e-4);
      vmax = MAX (vmax, ds->features[k]);
    }
  g_assert_cmpfloat (vmax, ==, 1.0f);

  /* Its own test set is the split's test set. */
  g_autofree guint *tr = NULL, *va = NULL, *te = NULL;
  guint ntr, nva, nte;
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_dataset_split (ds, 0.5, 0.1, 7, 0, &tr, &ntr, &va, &nva, &te, &nte, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nte, ==, 10000);
  g_assert_cmpuint (nva, ==, 6000);
  g_assert_cmpuint (ntr, ==, 54000);
  for (guint k = 0; k < nte; k++)
    g_assert_cmpuint (te[k], >=, 60000);
}

static void
test_fashion_budget (void)
{
  if (!fashion_installed ())
    {
      g_test_skip ("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)");
      return;
    }
  /* 70000 x 784 floats = 219520000 bytes = 209.4 MiB, refused from the
   * headers alone. */
  expect_error ("fashion-mnist", NULL, 100 << 20, PFM_DATASET_ERROR_MEMORY,
                "fashion-mnist", "needs 209.4 MiB for its features", "more than the 100 MiB budget", NULL);
}

/* ---- absent datasets --------------------------------------------------- */

static void
test_absent (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *none = tmp_path (t, "none.csv.gz");
  g_autofree char *old_digits = g_strdup (g_getenv ("PFM_DIGITS_CSV"));
  g_autofree char *old_fashion = g_strdup (g_getenv ("PFM_FASHION_MNIST_DIR"));

  g_setenv ("PFM_DIGITS_CSV", none, TRUE);
  expect_error ("digits", NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, none, "not found", "python3-sklearn",
                "apt-get install python3-sklearn", NULL);
  g_setenv ("PFM_FASHION_MNIST_DIR", t->dir, TRUE);
  expect_error ("fashion-mnist", NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, "train-images-idx3-ubyte.gz",
                "not found", "dataset-fashion-mnist", "apt-get install dataset-fashion-mnist", NULL);

  /* Without the override: the Debian path, and the package, when absent. */
  g_unsetenv ("PFM_DIGITS_CSV");
  if (!g_file_test (pfm_dataset_default_path ("digits"), G_FILE_TEST_EXISTS))
    expect_error ("digits", NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, pfm_dataset_default_path ("digits"),
                  "not found: install Debian's python3-sklearn (apt-get install python3-sklearn)", NULL);

  if (old_digits)
    g_setenv ("PFM_DIGITS_CSV", old_digits, TRUE);
  if (old_fashion)
    g_setenv ("PFM_FASHION_MNIST_DIR", old_fashion, TRUE);
  else
    g_unsetenv ("PFM_FASHION_MNIST_DIR");

  g_assert_cmpstr (pfm_dataset_default_path ("digits"), ==,
                   "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz");
  g_assert_cmpstr (pfm_dataset_default_path ("fashion-mnist"), ==, "/usr/share/datasets/fashion-mnist");
  g_assert_null (pfm_dataset_default_path ("iris"));
  g_assert_cmpstr (pfm_dataset_debian_package ("digits"), ==, "python3-sklearn");
  g_assert_cmpstr (pfm_dataset_debian_package ("fashion-mnist"), ==, "dataset-fashion-mnist");

  /* Plain files that are not there, and specs that are not datasets. */
  g_autofree char *spec = g_strdup_printf ("csv:%s", none);
  expect_error (spec, NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, none, "not found", NULL);
  expect_error ("idx:a.idx:b.idx", t->dir, 0, PFM_DATASET_ERROR_NOT_FOUND, "a.idx", "not found", NULL);
  expect_error ("mnist", NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, "unknown dataset 'mnist'", NULL);
  expect_error ("idx:only-one", NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, "idx:IMAGES:LABELS", NULL);
  expect_error ("csv:", NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, "csv:PATH", NULL);
  /* A folder is not a file. */
  g_autofree char *dir_spec = g_strdup_printf ("csv:%s", t->dir);
  expect_error (dir_spec, NULL, 0, PFM_DATASET_ERROR_NOT_FOUND, "could not", NULL);
}

/* ---- IDX --------------------------------------------------------------- */

static void
test_idx_load (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *im = tmp_path (t, "im.idx"), *lb = tmp_path (t, "lb.idx");
  g_autofree char *imz = tmp_path (t, "im.idx.gz"), *lbz = tmp_path (t, "lb.bin");
  write_idx_pair (im, lb, 30, 5, 7, 3, FALSE);
  write_idx_pair (imz, lbz, 30, 5, 7, 3, TRUE);

  /* Relative to base_dir. */
  g_autoptr(PfmDataset) ds = load_ok ("idx:im.idx:lb.idx", t->dir);
  check_invariants (ds);
  g_assert_cmpstr (ds->name, ==, "im.idx:lb.idx");
  g_assert_cmpuint (ds->n_examples, ==, 30);
  g_assert_cmpuint (ds->height, ==, 5);
  g_assert_cmpuint (ds->width, ==, 7);
  g_assert_cmpuint (ds->n_features, ==, 35);
  g_assert_cmpuint (ds->n_classes, ==, 3);
  g_assert_cmpuint (ds->n_own_train, ==, 0);
  for (guint k = 0; k < 30 * 35; k++)
    g_assert_cmpfloat (ds->features[k], ==, (float) pixel_pattern (k) / 255.0f);
  for (guint k = 0; k < 30; k++)
    g_assert_cmpuint (ds->labels[k], ==, k % 3);

  /* Gzipped (detected by the magic, whatever the name): the same data. */
  g_autofree char *spec = g_strdup_printf ("idx:%s:%s", imz, lbz);
  g_autoptr(PfmDataset) dz = load_ok (spec, "/nonexistent-base");
  assert_same_data (ds, dz);

  /* Labels of one class still make two classes. */
  write_idx_pair (im, lb, 4, 2, 2, 1, FALSE);
  g_autoptr(PfmDataset) one = load_ok ("idx:im.idx:lb.idx", t->dir);
  g_assert_cmpuint (one->n_classes, ==, 2);
}

static void
test_idx_errors (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *im = tmp_path (t, "x.idx"), *lb = tmp_path (t, "labels");
  guint8 px[4 * 9], lab[4] = { 0, 1, 2, 1 };
  for (guint k = 0; k < sizeof px; k++)
    px[k] = pixel_pattern (k);
  g_autoptr(GByteArray) la = idx_labels (4, lab, 4);
  write_array (lb, la, FALSE);

  for (int gz = 0; gz < 2; gz++)
    {
      g_test_message ("gzipped: %d", gz);
      /* Wrong magic (an IDX of 2-byte values). */
      g_autoptr(GByteArray) bad = idx_images (0x00000802, 4, 3, 3, px, sizeof px);
      write_array (im, bad, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "x.idx: wrong magic 0x00000802, expected 0x00000803 (IDX unsigned-byte images)", NULL);
      /* Labels given as images. */
      expect_error ("idx:labels:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "labels: wrong magic 0x00000801, expected 0x00000803", NULL);
      /* Images given as labels. */
      g_autoptr(GByteArray) ok = idx_images (0x00000803, 4, 3, 3, px, sizeof px);
      write_array (im, ok, gz);
      expect_error ("idx:x.idx:x.idx", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "x.idx: wrong magic 0x00000803, expected 0x00000801 (IDX unsigned-byte labels)", NULL);

      /* Truncated: the header promises 4 images of 3x3 (36 bytes). */
      g_autoptr(GByteArray) cut = idx_images (0x00000803, 4, 3, 3, px, 20);
      write_array (im, cut, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "x.idx: truncated: header says 4 images of 3x3 (36 bytes), file has 20", NULL);
      /* Truncated inside the header. */
      write_maybe_gz (im, ok->data, 10, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "x.idx: truncated", "header", NULL);
      write_maybe_gz (im, ok->data, 2, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "x.idx: truncated", NULL);
      write_maybe_gz (im, "", 0, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "x.idx: truncated", NULL);
      /* Data after what the header declares. */
      g_autoptr(GByteArray) extra = idx_images (0x00000803, 3, 3, 3, px, sizeof px);
      write_array (im, extra, gz);
      g_autoptr(GByteArray) l3 = idx_labels (3, lab, 3);
      write_array (lb, l3, FALSE);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "x.idx:", "unexpected data after the 3 images", NULL);
      write_array (lb, la, FALSE);
      /* Counts that differ (3 images, 4 labels). */
      g_autoptr(GByteArray) three = idx_images (0x00000803, 3, 3, 3, px, 27);
      write_array (im, three, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "images and labels counts differ: x.idx has 3 images, labels has 4 labels", NULL);
      /* Empty and enormous images. */
      g_autoptr(GByteArray) zero = idx_images (0x00000803, 0, 3, 3, px, 0);
      write_array (im, zero, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "x.idx: the header says 0 images", NULL);
      g_autoptr(GByteArray) flat = idx_images (0x00000803, 4, 0, 3, px, 0);
      write_array (im, flat, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "x.idx: images of 0x3", NULL);
      g_autoptr(GByteArray) wide = idx_images (0x00000803, 4, 3, 100000, px, 0);
      write_array (im, wide, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "x.idx: images of 3x100000", NULL);

      /* A label out of range (255 would make 256 classes). */
      write_array (im, ok, FALSE);
      guint8 high[4] = { 0, 1, 255, 1 };
      g_autoptr(GByteArray) lh = idx_labels (4, high, 4);
      write_array (lb, lh, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "labels: label 255 at example 2 is out of range (at most 255 classes)", NULL);
      /* 254 is the largest label. */
      guint8 top[4] = { 0, 1, 254, 1 };
      g_autoptr(GByteArray) lt = idx_labels (4, top, 4);
      write_array (lb, lt, gz);
      g_autoptr(PfmDataset) ds = load_ok ("idx:x.idx:labels", t->dir);
      g_assert_cmpuint (ds->n_classes, ==, 255);
      /* Truncated labels. */
      g_autoptr(GByteArray) lc = idx_labels (4, top, 3);
      write_array (lb, lc, gz);
      expect_error ("idx:x.idx:labels", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                    "labels: truncated: header says 4 labels, file has 3", NULL);
      write_array (lb, la, FALSE);
    }
}

static void
test_idx_budget (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *im = tmp_path (t, "big.idx"), *lb = tmp_path (t, "big.lab");
  /* 10 images of 4x4: 640 bytes of features. */
  write_idx_pair (im, lb, 10, 4, 4, 2, FALSE);
  expect_error ("idx:big.idx:big.lab", t->dir, 600, PFM_DATASET_ERROR_MEMORY,
                "big.idx: needs 640 bytes for its features", "more than the 600 bytes budget", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmDataset) ds = pfm_dataset_load ("idx:big.idx:big.lab", t->dir, 640, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ds);

  /* Headers of 1100000 images of 1000 x 1000, gzipped with no pixels:
   * refused from the headers, before anything is allocated. */
  guint8 lab[1] = { 0 };
  g_autoptr(GByteArray) huge = idx_images (0x00000803, 1100000, 1000, 1000, lab, 0);
  write_array (im, huge, TRUE);
  g_autoptr(GByteArray) hl = idx_labels (1100000, lab, 1);
  write_array (lb, hl, TRUE);
  expect_error ("idx:big.idx:big.lab", t->dir, G_GUINT64_CONSTANT (2) << 30, PFM_DATASET_ERROR_MEMORY,
                "big.idx: needs 4 TiB for its features", "more than the 2 GiB budget", NULL);
  /* 2^32 - 1 images of 65536 x 65536: more bytes than 64 bits count. */
  g_autoptr(GByteArray) h2 = idx_images (0x00000803, G_MAXUINT32, 65536, 65536, lab, 0);
  write_array (im, h2, TRUE);
  g_autoptr(GByteArray) hl2 = idx_labels (G_MAXUINT32, lab, 1);
  write_array (lb, hl2, TRUE);
  expect_error ("idx:big.idx:big.lab", t->dir, G_GUINT64_CONSTANT (2) << 30, PFM_DATASET_ERROR_MEMORY,
                "big.idx: needs more than 16 EiB for its features", "more than the 2 GiB budget", NULL);
  expect_error ("idx:big.idx:big.lab", t->dir, 0, PFM_DATASET_ERROR_MEMORY,
                "big.idx: needs more than 16 EiB for its features", "more than this machine can address", NULL);
  /* 4.1 GiB against 2 GiB, as the user sees it. */
  g_autoptr(GByteArray) h3 = idx_images (0x00000803, 1100, 1000, 1000, lab, 0);
  write_array (im, h3, TRUE);
  g_autoptr(GByteArray) hl3 = idx_labels (1100, lab, 1);
  write_array (lb, hl3, TRUE);
  expect_error ("idx:big.idx:big.lab", t->dir, G_GUINT64_CONSTANT (2) << 30, PFM_DATASET_ERROR_MEMORY,
                "big.idx: needs 4.1 GiB for its features (1100 examples of 1000000), more than the 2 GiB budget",
                NULL);
  /* 60000 images of 28x28 want 179.4 MiB. */
  g_autoptr(GByteArray) mn = idx_images (0x00000803, 60000, 28, 28, lab, 0);
  write_array (im, mn, TRUE);
  g_autoptr(GByteArray) ml = idx_labels (60000, lab, 1);
  write_array (lb, ml, TRUE);
  expect_error ("idx:big.idx:big.lab", t->dir, 100 << 20, PFM_DATASET_ERROR_MEMORY,
                "needs 179.4 MiB for its features", "more than the 100 MiB budget", NULL);
  /* Without a budget, the gzipped file is found truncated. */
  expect_error ("idx:big.idx:big.lab", t->dir, 0, PFM_DATASET_ERROR_FORMAT,
                "big.lab: truncated: header says 60000 labels, file has 1", NULL);
}

static void
test_gzip_damaged (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *im = tmp_path (t, "z.idx"), *lb = tmp_path (t, "z.lab");
  const guint n = 200, side = 16;
  write_idx_pair (im, lb, n, side, side, 10, FALSE);
  g_autoptr(PfmDataset) plain = load_ok ("idx:z.idx:z.lab", t->dir);

  gchar *raw;
  gsize len;
  g_assert_true (g_file_get_contents (im, &raw, &len, NULL));
  g_autoptr(GBytes) z = gzip_bytes (raw, len);
  g_free (raw);
  gsize zlen;
  const guint8 *zd = g_bytes_get_data (z, &zlen);
  g_assert_cmpuint (zlen, >, 200);

  /* Intact: the same data as the plain file. */
  write_file (im, zd, zlen);
  g_autoptr(PfmDataset) dz = load_ok ("idx:z.idx:z.lab", t->dir);
  assert_same_data (plain, dz);

  /* Bytes flipped in the middle of the compressed stream. */
  g_autofree guint8 *bad = g_memdup2 (zd, zlen);
  for (gsize k = zlen / 2; k < zlen / 2 + 4; k++)
    bad[k] ^= 0xff;
  write_file (im, bad, zlen);
  expect_error ("idx:z.idx:z.lab", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "z.idx: gzip data is damaged: ", NULL);

  /* Only the CRC-32 of the trailer wrong: the data decode, the check fails. */
  memcpy (bad, zd, zlen);
  bad[zlen - 6] ^= 0x01;
  write_file (im, bad, zlen);
  expect_error ("idx:z.idx:z.lab", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "z.idx: gzip data is damaged: ", NULL);

  /* Cut short in the middle. */
  write_file (im, zd, zlen / 2);
  expect_error ("idx:z.idx:z.lab", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "z.idx: gzip data is damaged: ",
                "(the file ends early)", NULL);
  /* Cut inside the gzip header. */
  write_file (im, zd, 5);
  expect_error ("idx:z.idx:z.lab", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "z.idx: gzip data is damaged: ", NULL);

  /* A damaged gzipped CSV. */
  g_autofree char *csv = tmp_path (t, "d.csv");
  GString *text = g_string_new (NULL);
  for (guint r = 0; r < 300; r++)
    g_string_append_printf (text, "%u,%u,%u,%u\n", pixel_pattern (r), pixel_pattern (r + 1), pixel_pattern (3 * r), r % 4);
  g_autoptr(GBytes) cz = gzip_bytes (text->str, text->len);
  g_string_free (text, TRUE);
  const guint8 *czd = g_bytes_get_data (cz, &zlen);
  g_autofree guint8 *cbad = g_memdup2 (czd, zlen);
  cbad[zlen - 7] ^= 0x10;
  write_file (csv, cbad, zlen);
  expect_error ("csv:d.csv", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "d.csv: gzip data is damaged: ", NULL);
}

/* ---- CSV --------------------------------------------------------------- */

static void
test_csv_load (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *path = tmp_path (t, "a.csv"), *pz = tmp_path (t, "a.data");
  /* A header, blank lines, spaces and CRLF, no final newline; max 8 -> / 8. */
  const char *text = "pixel0,pixel1,pixel2,pixel3,label\n"
                     "0,1,2,3,0\r\n"
                     "\n"
                     "  4 , 5,6,7 ,1\n"
                     "   \n"
                     "8,0.5,0,1e0,2";
  write_file (path, text, strlen (text));
  write_maybe_gz (pz, text, strlen (text), TRUE);
  g_autoptr(PfmDataset) ds = load_ok ("csv:a.csv", t->dir);
  check_invariants (ds);
  g_assert_cmpstr (ds->name, ==, "a.csv");
  g_assert_cmpuint (ds->n_examples, ==, 3);
  g_assert_cmpuint (ds->n_features, ==, 4);
  g_assert_cmpuint (ds->width, ==, 2);
  g_assert_cmpuint (ds->height, ==, 2);
  g_assert_cmpuint (ds->n_classes, ==, 3);
  static const float expected[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0, 1 };
  for (guint k = 0; k < 12; k++)
    g_assert_cmpfloat (ds->features[k], ==, expected[k] / 8.0f);
  g_assert_cmpuint (ds->labels[0], ==, 0);
  g_assert_cmpuint (ds->labels[1], ==, 1);
  g_assert_cmpuint (ds->labels[2], ==, 2);

  /* Gzipped (whatever the name): identical. */
  g_autoptr(PfmDataset) dz = load_ok ("csv:a.data", t->dir);
  assert_same_data (ds, dz);

  /* Values at most 1 are kept as they are; 3 features are 3 x 1. */
  const char *small = "0.25,0.5,1,1\n0,0.125,0,0\n";
  write_file (path, small, strlen (small));
  g_autoptr(PfmDataset) s = load_ok ("csv:a.csv", t->dir);
  g_assert_cmpuint (s->width, ==, 3);
  g_assert_cmpuint (s->height, ==, 1);
  g_assert_cmpuint (s->n_classes, ==, 2);
  g_assert_cmpfloat (s->features[0], ==, 0.25f);
  g_assert_cmpfloat (s->features[4], ==, 0.125f);

  /* A longer file (several read chunks), plain and gzipped. */
  GString *big = g_string_new (NULL);
  for (guint r = 0; r < 5000; r++)
    {
      for (guint c = 0; c < 16; c++)
        g_string_append_printf (big, "%u,", pixel_pattern (r * 16 + c));
      g_string_append_printf (big, "%u\n", r % 7);
    }
  write_file (path, big->str, big->len);
  write_maybe_gz (pz, big->str, big->len, TRUE);
  g_string_free (big, TRUE);
  g_autoptr(PfmDataset) b = load_ok ("csv:a.csv", t->dir);
  g_autoptr(PfmDataset) bz = load_ok ("csv:a.data", t->dir);
  check_invariants (b);
  assert_same_data (b, bz);
  g_assert_cmpuint (b->n_examples, ==, 5000);
  g_assert_cmpuint (b->width, ==, 4);
  g_assert_cmpuint (b->n_classes, ==, 7);
  float vmax = 0.0f;
  for (guint k = 0; k < 5000 * 16; k++)
    vmax = MAX (vmax, (float) pixel_pattern (k));
  for (guint k = 0; k < 5000 * 16; k++)
    g_assert_cmpfloat (b->features[k], ==, (float) pixel_pattern (k) / vmax);

  /* The digits rules through PFM_DIGITS_CSV: a copy in gzip loads the same. */
  const char *env = g_getenv ("PFM_DIGITS_CSV");
  const char *dpath = env && *env ? env : pfm_dataset_default_path ("digits");
  if (g_file_test (dpath, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(PfmDataset) d1 = load_ok ("digits", NULL);
      g_autofree char *spec = g_strdup_printf ("csv:%s", dpath);
      g_autoptr(PfmDataset) d2 = load_ok (spec, NULL);
      /* Max 16 over the file: csv: scales the same way as digits. */
      g_free (d2->name);
      d2->name = NULL;
      assert_same_data (d1, d2);
    }
}

/* Malformed CSV, plain and gzipped: each refused with its line and value. */
static void
check_csv_format_errors (TmpDir *t)
{
  g_autofree char *path = tmp_path (t, "e.csv");
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "1,2,3,0\n1,2,3,1\n1,2,1\n", "e.csv: line 3: 3 values, expected 4 (3 features and a label)" },
    { "1,2,3,0\n\n1,2,3,4,5,1\n", "e.csv: line 3: 6 values, expected 4 (3 features and a label)" },
    { "h1,h2\n1,0\n1,2,1\n", "e.csv: line 3: 3 values, expected 2 (1 feature and a label)" },
    { "1,2,0\n1,2,1\nnan,2,1\n", "e.csv: line 3: value 'nan' is not a finite number" },
    { "1,inf,0\n", "e.csv: line 1: value 'inf' is not a finite number" },
    { "1,1e999,0\n", "e.csv: line 1: value '1e999' is not a finite number" },
    { "1,2,0\n1,-2,1\n", "e.csv: line 2: value '-2' is negative (features must be >= 0)" },
    { "1,2x,0\n", "e.csv: line 1: value '2x' is not a number" },
    { "1,,0\n", "e.csv: line 1: value '' is not a number" },
    { "1,1e39,0\n", "e.csv: line 1: value '1e39' is too large" },
    { "1,2,0.5\n", "e.csv: line 1: label '0.5' is not a whole number" },
    { "1,2,-1\n", "e.csv: line 1: label '-1' is out of range (at most 255 classes, 0 to 254)" },
    { "1,2,255\n", "e.csv: line 1: label '255' is out of range" },
    { "1,2,nan\n", "e.csv: line 1: label 'nan' is not a finite number" },
    { "1,2,cat\n", "e.csv: line 1: label 'cat' is not a number" },
    { "5\n", "e.csv: line 1: 1 value, expected at least 2" },
    { "", "e.csv: no examples" },
    { "\n\n  \n", "e.csv: no examples" },
    { "only,a,header\n", "e.csv: no examples" },
    /* A second header-like line is data, and not a number. */
    { "a,b\nc,d\n", "e.csv: line 2: value 'c' is not a number" },
    { "1,\001\377,0\n", "e.csv: line 1: value '\\001\\377' is not a number" },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (int gz = 0; gz < 2; gz++)
      {
        write_maybe_gz (path, cases[c].text, strlen (cases[c].text), gz);
        expect_error ("csv:e.csv", t->dir, 0, PFM_DATASET_ERROR_FORMAT, cases[c].message, NULL);
      }
}

/* Bytes no field may hold, and a field too long to quote whole. */
static void
check_csv_nul_and_long_field (TmpDir *t)
{
  g_autofree char *path = tmp_path (t, "e.csv");

  /* A NUL inside a field. */
  write_file (path, "1,2\0003,0\n", 8);
  expect_error ("csv:e.csv", t->dir, 0, PFM_DATASET_ERROR_FORMAT, "e.csv: line 1: value '2' is not a number", NULL);

  /* A long field is quoted short. */
  g_autofree char *longv = g_strnfill (500, 'z');
  g_autofree char *longt = g_strdup_printf ("1,%s,0\n", longv);
  write_file (path, longt, strlen (longt));
  g_autoptr(GError) error = NULL;
  g_assert_null (pfm_dataset_load ("csv:e.csv", t->dir, 0, &error));
  g_assert_cmpuint (strlen (error->message), <, 120);
}

/* The digits rules: 64 pixels of 0..16 and a label 0..9. */
static void
check_digits_rules (TmpDir *t)
{
  g_autofree char *d = tmp_path (t, "digits.csv.gz");
  g_autofree char *old = g_strdup (g_getenv ("PFM_DIGITS_CSV"));
  g_setenv ("PFM_DIGITS_CSV", d, TRUE);
  GString *rows = g_string_new (NULL);
  for (guint r = 0; r < 12; r++)
    {
      for (guint c = 0; c < (r == 11 ? 63 : 64); c++)
        g_string_append_printf (rows, "%u,", (r + c) % 17);
      g_string_append_printf (rows, "%u\n", r % 10);
    }
  write_maybe_gz (d, rows->str, rows->len, TRUE);
  expect_error ("digits", NULL, 0, PFM_DATASET_ERROR_FORMAT,
                "digits.csv.gz: line 12: 64 values, expected 65 (64 features and a label)", NULL);
  g_string_truncate (rows, 0);
  for (guint c = 0; c < 64; c++)
    g_string_append_printf (rows, "%u,", c == 5 ? 17 : 0);
  g_string_append (rows, "3\n");
  write_maybe_gz (d, rows->str, rows->len, TRUE);
  expect_error ("digits", NULL, 0, PFM_DATASET_ERROR_FORMAT, "digits.csv.gz: line 1: value '17' is above 16", NULL);
  g_string_truncate (rows, 0);
  for (guint c = 0; c < 64; c++)
    g_string_append (rows, "16,");
  g_string_append (rows, "10\n");
  write_maybe_gz (d, rows->str, rows->len, TRUE);
  expect_error ("digits", NULL, 0, PFM_DATASET_ERROR_FORMAT,
                "digits.csv.gz: line 1: label '10' is out of range (digits has 10 classes, 0 to 9)", NULL);
  /* A valid one-row digits file: 16 -> 1. */
  g_string_truncate (rows, 0);
  for (guint c = 0; c < 64; c++)
    g_string_append_printf (rows, "%u,", c % 17);
  g_string_append (rows, "9\n");
  write_maybe_gz (d, rows->str, rows->len, FALSE);
  g_string_free (rows, TRUE);
  g_autoptr(PfmDataset) one = load_ok ("digits", NULL);
  g_assert_cmpuint (one->n_examples, ==, 1);
  g_assert_cmpuint (one->width, ==, 8);
  g_assert_cmpuint (one->n_classes, ==, 10);
  for (guint c = 0; c < 64; c++)
    g_assert_cmpfloat (one->features[c], ==, (float) (c % 17) / 16.0f);
  if (old)
    g_setenv ("PFM_DIGITS_CSV", old, TRUE);
  else
    g_unsetenv ("PFM_DIGITS_CSV");
}

static void
test_csv_errors (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  check_csv_format_errors (t);
  check_csv_nul_and_long_field (t);
  check_digits_rules (t);
}

static void
test_csv_budget (TmpDir *t, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *path = tmp_path (t, "b.csv");
  GString *text = g_string_new (NULL);
  for (guint r = 0; r < 1000; r++)
    g_string_append_printf (text, "%u,%u,%u,%u,%u\n", r, r + 1, r + 2, r + 3, r % 2);
  for (int gz = 0; gz < 2; gz++)
    {
      write_maybe_gz (path, text->str, text->len, gz);
      /* 1000 x 4 floats = 16000 bytes = 15.6 KiB. */
      expect_error ("csv:b.csv", t->dir, 8192, PFM_DATASET_ERROR_MEMORY,
                    "b.csv: needs 15.6 KiB for its features (1000 examples of 4)", "more than the 8 KiB budget", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(PfmDataset) ds = pfm_dataset_load ("csv:b.csv", t->dir, 16000, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ds->n_examples, ==, 1000);
    }
  g_string_free (text, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset/digits/real", test_digits_real);
  g_test_add_func ("/dataset/fashion-mnist/real", test_fashion_real);
  g_test_add_func ("/dataset/fashion-mnist/budget", test_fashion_budget);
  g_test_add ("/dataset/absent", TmpDir, NULL, tmp_setup, test_absent, tmp_teardown);
  g_test_add ("/dataset/idx/load", TmpDir, NULL, tmp_setup, test_idx_load, tmp_teardown);
  g_test_add ("/dataset/idx/errors", TmpDir, NULL, tmp_setup, test_idx_errors, tmp_teardown);
  g_test_add ("/dataset/idx/budget", TmpDir, NULL, tmp_setup, test_idx_budget, tmp_teardown);
  g_test_add ("/dataset/gzip/damaged", TmpDir, NULL, tmp_setup, test_gzip_damaged, tmp_teardown);
  g_test_add ("/dataset/csv/load", TmpDir, NULL, tmp_setup, test_csv_load, tmp_teardown);
  g_test_add ("/dataset/csv/errors", TmpDir, NULL, tmp_setup, test_csv_errors, tmp_teardown);
  g_test_add ("/dataset/csv/budget", TmpDir, NULL, tmp_setup, test_csv_budget, tmp_teardown);

  return g_test_run ();
}

