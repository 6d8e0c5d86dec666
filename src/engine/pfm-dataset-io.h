/* pfm-dataset-io.h - the dataset file readers behind pfm_dataset_load
 * (internal to the engine: not installed)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-dataset.h"

G_BEGIN_DECLS

/* A field of the input, quoted back in a message: short, printable ASCII. */
char       *pfm_dataset_quote_field    (const char  *s,
                                        gsize        len);

/* Pairs of IDX images and labels files (@n_pairs 1 or 2), concatenated in
 * order (Fashion-MNIST: training then test); @first_count is set to the
 * first pair's count.  @hint follows "not found" messages; @budget (bytes,
 * 0 = what the machine can address) bounds the features. */
PfmDataset *pfm_dataset_load_idx_pairs (const char        *name,
                                        const char *const *images,
                                        const char *const *labels,
                                        guint              n_pairs,
                                        const char        *hint,
                                        guint64            budget,
                                        guint             *first_count,
                                        GError           **error);

/* A CSV of rows "features..., label" (see pfm_dataset_load); @digits: the
 * scikit-learn digits file (64 pixels 0 to 16, labels 0 to 9). */
PfmDataset *pfm_dataset_load_csv       (const char  *name,
                                        const char  *path,
                                        gboolean     digits,
                                        const char  *hint,
                                        guint64      budget,
                                        GError     **error);

G_END_DECLS
