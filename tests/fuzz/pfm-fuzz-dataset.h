/* pfm-fuzz-dataset.h - the body of the dataset loaders' fuzz target
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the libFuzzer entry point (fuzz-dataset.c) and test-inputs,
 * which replays tests/fuzz/corpus/dataset in every build.  The loaders
 * read files, so each input is written to a file in a private temporary
 * folder and loaded four ways: as csv:, as the "digits" file
 * (PFM_DIGITS_CSV), as IDX images beside a fixed valid labels file of 2
 * labels, and as IDX labels beside a fixed valid images file of 3 images.
 * The promises are those of pfm-fuzz-targets.h.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "pfm-dataset.h"
#include "pfm-fuzz-targets.h"

/* Small, so that a header may claim more than it holds without the
 * fuzzer spending its time in allocations. */
#define FUZZ_BUDGET (G_GUINT64_CONSTANT (8) << 20)

static char *fuzz_dir G_GNUC_UNUSED, *input_path, *labels_path, *images_path;

static void
remove_fuzz_dir (void)
{
  g_remove (input_path);
  g_remove (labels_path);
  g_remove (images_path);
  g_rmdir (fuzz_dir);
}

static void
write_or_die (const char *path, const void *data, size_t size)
{
  FILE *f = fopen (path, "wb");
  if (f == NULL || (size > 0 && fwrite (data, 1, size, f) != size) || fclose (f) != 0)
    g_error ("could not write %s", path);
}

static void
fuzz_init (void)
{
  g_autoptr(GError) error = NULL;
  fuzz_dir = g_dir_make_tmp ("pfm-fuzz-dataset-XXXXXX", &error);
  if (fuzz_dir == NULL)
    g_error ("could not make a temporary folder: %s", error->message);
  input_path = g_build_filename (fuzz_dir, "input", NULL);
  labels_path = g_build_filename (fuzz_dir, "labels.idx", NULL);
  images_path = g_build_filename (fuzz_dir, "images.idx", NULL);
  /* 2 labels (0, 1). */
  static const guint8 labels[] = { 0, 0, 8, 1, 0, 0, 0, 2, 0, 1 };
  write_or_die (labels_path, labels, sizeof labels);
  /* 3 images of 2x2. */
  static const guint8 images[] = { 0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                                   0, 64, 128, 255, 1, 2, 3, 4, 255, 0, 255, 0 };
  write_or_die (images_path, images, sizeof images);
  g_setenv ("PFM_DIGITS_CSV", input_path, TRUE);
  atexit (remove_fuzz_dir);
}

/* What an accepted dataset must satisfy, its resize and its split. */
static void
check_dataset (const char *what, const PfmDataset *ds)
{
  if (ds->n_examples == 0 || ds->n_features == 0 || (guint64) ds->width * ds->height != ds->n_features)
    g_error ("%s: accepted %u examples of %u features as %ux%u", what, ds->n_examples, ds->n_features,
             ds->width, ds->height);
  if (ds->n_classes < 2 || ds->n_classes > PFM_DATASET_MAX_CLASSES || ds->n_own_train > ds->n_examples)
    g_error ("%s: accepted %u classes, own training set %u", what, ds->n_classes, ds->n_own_train);
  const guint64 n = (guint64) ds->n_examples * ds->n_features;
  if (n * sizeof (float) > FUZZ_BUDGET)
    g_error ("%s: accepted %" G_GUINT64_FORMAT " features, over the budget", what, n);
  guint max_label = 0;
  for (guint i = 0; i < ds->n_examples; i++)
    {
      if (ds->labels[i] >= ds->n_classes)
        g_error ("%s: label %u of example %u, with %u classes", what, ds->labels[i], i, ds->n_classes);
      max_label = MAX (max_label, ds->labels[i]);
    }
  if (ds->n_classes != MAX (2u, max_label + 1))
    g_error ("%s: %u classes for labels up to %u", what, ds->n_classes, max_label);
  for (guint64 k = 0; k < n; k++)
    if (!(ds->features[k] >= 0.0f && ds->features[k] <= 1.0f))
      g_error ("%s: feature %" G_GUINT64_FORMAT " = %g outside [0, 1]", what, k, (double) ds->features[k]);

  /* Resize: the same size is the identity, another keeps [0, 1]. */
  const guint i = ds->n_examples - 1;
  g_autofree float *same = g_new (float, ds->n_features);
  pfm_dataset_resize_example (ds, i, ds->width, ds->height, same);
  if (memcmp (same, ds->features + (gsize) i * ds->n_features, ds->n_features * sizeof (float)) != 0)
    g_error ("%s: resizing to the same size changed the image", what);
  float small[6];
  pfm_dataset_resize_example (ds, i, 3, 2, small);
  for (guint k = 0; k < 6; k++)
    if (!(small[k] >= 0.0f && small[k] <= 1.0f))
      g_error ("%s: resized pixel %u = %g outside [0, 1]", what, k, (double) small[k]);

  /* Split: disjoint, covering (or refused with a message). */
  g_autofree guint *tr = NULL, *va = NULL, *te = NULL;
  guint ntr = 0, nva = 0, nte = 0;
  g_autoptr(GError) error = NULL;
  if (!pfm_dataset_split (ds, 0.2, 0.1, ds->n_examples, 0, &tr, &ntr, &va, &nva, &te, &nte, &error))
    {
      pfm_fuzz_check_message ("split", error);
      return;
    }
  if (ntr + nva + nte != ds->n_examples || ntr == 0)
    g_error ("%s: split %u + %u + %u of %u", what, ntr, nva, nte, ds->n_examples);
  g_autofree guint8 *seen = g_new0 (guint8, ds->n_examples);
  const guint *lists[] = { tr, va, te };
  const guint counts[] = { ntr, nva, nte };
  for (guint l = 0; l < 3; l++)
    for (guint k = 0; k < counts[l]; k++)
      {
        if (lists[l][k] >= ds->n_examples || seen[lists[l][k]])
          g_error ("%s: split index %u repeated or out of range", what, lists[l][k]);
        seen[lists[l][k]] = 1;
      }
}

static void
load_one (const char *what, const char *spec, guint expect_examples)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmDataset) ds = pfm_dataset_load (spec, NULL, FUZZ_BUDGET, &error);
  if (ds == NULL)
    {
      pfm_fuzz_check_message (what, error);
      return;
    }
  if (error != NULL)
    g_error ("%s: accepted with an error set: %s", what, error->message);
  if (expect_examples > 0 && ds->n_examples != expect_examples)
    g_error ("%s: accepted %u examples, the fixed file has %u", what, ds->n_examples, expect_examples);
  check_dataset (what, ds);
}

G_GNUC_UNUSED static int
pfm_fuzz_dataset (const guint8 *data, gsize size)
{
  if (fuzz_dir == NULL)
    fuzz_init ();
  write_or_die (input_path, data, size);

  g_autofree char *csv = g_strdup_printf ("csv:%s", input_path);
  load_one ("csv", csv, 0);
  load_one ("digits", "digits", 0);
  g_autofree char *idx_images = g_strdup_printf ("idx:%s:%s", input_path, labels_path);
  load_one ("idx images", idx_images, 2);
  g_autofree char *idx_labels = g_strdup_printf ("idx:%s:%s", images_path, input_path);
  load_one ("idx labels", idx_labels, 3);
  return 0;
}
