/* pfm-dataset.h - datasets for training the glass: loaders, resize, split
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/physics.md section 5 "Datasets".  Every loader reads the whole dataset
 * into memory as floats in [0, 1]; files may be gzipped (detected by the
 * gzip magic 1f 8b, never by the name).  A bad file is refused with one
 * line naming the file and what is wrong; no input crashes a loader.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PFM_DATASET_ERROR (pfm_dataset_error_quark ())

typedef enum {
  PFM_DATASET_ERROR_NOT_FOUND,  /* a file or a dataset name that is not there */
  PFM_DATASET_ERROR_FORMAT,     /* a file that is not what it should be */
  PFM_DATASET_ERROR_MEMORY,     /* larger than the memory budget, or out of memory */
  PFM_DATASET_ERROR_INVALID,    /* bad arguments (pfm_dataset_split's fractions) */
} PfmDatasetError;

/* The most classes a dataset may have (labels are 0 .. 254). */
#define PFM_DATASET_MAX_CLASSES 255

typedef struct
{
  char   *name;         /* "digits", "fashion-mnist", or the file path(s) as given */
  guint   n_examples;
  guint   width, height; /* image shape: n_features == width * height (CSV: a square when
                          * n_features is a perfect square, else n_features x 1) */
  guint   n_features;
  guint   n_classes;    /* max label + 1, at least 2 */
  float  *features;     /* n_examples * n_features, row-major per example, each in [0, 1] */
  guint8 *labels;       /* n_examples, each < n_classes */
  guint   n_own_train;  /* a dataset with its own test set (Fashion-MNIST): examples
                         * [0, n_own_train) are its training set, the rest its test set;
                         * 0 = no own split */
} PfmDataset;

GQuark      pfm_dataset_error_quark    (void);

/* Loads the dataset @spec names:
 *   "digits"             scikit-learn's 8x8 digits (Debian's python3-sklearn;
 *                        $PFM_DIGITS_CSV overrides the file), pixels 0..16 / 16
 *   "fashion-mnist"      Debian's dataset-fashion-mnist, 60000 training then
 *                        10000 test images of 28x28, bytes / 255
 *                        ($PFM_FASHION_MNIST_DIR overrides the folder)
 *   "idx:IMAGES:LABELS"  an IDX pair (MNIST format: unsigned-byte images of
 *                        3 dimensions, labels of 1); split at the last colon
 *   "csv:PATH"           one example a line: the feature values, then an
 *                        integer label; an optional header line (its first
 *                        field not a number); values finite and >= 0, scaled
 *                        by 1 / max over the file when max > 1
 * Relative paths of idx: and csv: are taken relative to @base_dir when it is
 * not NULL.  A dataset whose features would take more than @memory_budget
 * bytes (0 = no limit) is refused before anything large is allocated. */
PfmDataset *pfm_dataset_load           (const char *spec,
                                        const char *base_dir,
                                        guint64     memory_budget,
                                        GError    **error);
void        pfm_dataset_free           (PfmDataset *ds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmDataset, pfm_dataset_free)

/* Area-averaging resize of example @i's image to @out_w x @out_h (@out holds
 * out_w * out_h floats, row-major).  Each output pixel is the mean of the
 * source over its footprint with exact area weights (integer arithmetic),
 * so resizing to the same size is the identity and the image mean is
 * preserved up to float rounding; enlarging works the same way. */
void        pfm_dataset_resize_example (const PfmDataset *ds,
                                        guint             i,
                                        guint             out_w,
                                        guint             out_h,
                                        float            *out);

/* A seeded, reproducible split into training / validation / test index
 * lists (each freed by the caller with g_free; NULL when empty; any list
 * pointer may be NULL when that list is not wanted).  The indices are in
 * shuffled order, from a splitmix64 generator that gives the same split
 * on every platform.  When ds->n_own_train > 0 the dataset's own test set
 * is the test set (@test_fraction is ignored) and the validation set is
 * taken from its training part.  @max_examples > 0 caps the examples used
 * (taken from the shuffled order, keeping the proportions of an own split).
 * Fractions outside [0, 1), a sum >= 1, or no training example left are
 * refused (PFM_DATASET_ERROR_INVALID) and the outputs left untouched. */
gboolean    pfm_dataset_split          (const PfmDataset *ds,
                                        double            test_fraction,
                                        double            validation_fraction,
                                        guint64           seed,
                                        guint             max_examples,
                                        guint           **train,
                                        guint            *n_train,
                                        guint           **validation,
                                        guint            *n_validation,
                                        guint           **test,
                                        guint            *n_test,
                                        GError          **error);

/* Where Debian installs "digits" (the CSV file) and "fashion-mnist" (the
 * folder), for messages; NULL for any other name.  Not what the
 * environment overrides point to. */
const char *pfm_dataset_default_path   (const char *name);

/* The Debian package that provides "digits" or "fashion-mnist"; NULL for
 * any other name. */
const char *pfm_dataset_debian_package (const char *name);

G_END_DECLS
