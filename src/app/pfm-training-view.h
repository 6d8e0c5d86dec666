/* pfm-training-view.h - train a glass classifier live, use it, fabricate it
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-view.h"

G_BEGIN_DECLS

#define PFM_TYPE_TRAINING_VIEW (pfm_training_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmTrainingView, pfm_training_view, PFM, TRAINING_VIEW, PfmView)

GtkWidget *pfm_training_view_new              (PfmDocument     *document);

/* What the command line asks for (--train, --pause-after-epoch,
 * --fabricate, --use-trained, --save-trained): train now; pause after
 * epoch @pause_after (0 = never); once trained, fabricate @copies copies
 * (0 = none), use the trained glass, and save the trained project, log
 * (.csv) and evaluation (.json) to @save_path (NULL = none). */
void       pfm_training_view_train_now        (PfmTrainingView *self,
                                               guint            pause_after,
                                               guint            copies,
                                               gboolean         use_trained,
                                               const char      *save_path);
/* TRUE when nothing is pending: no job runs (or the training is paused
 * as asked) and what was asked for at start is done. */
gboolean   pfm_training_view_is_ready         (PfmTrainingView *self);
/* A trained design that has not been exported as a project. */
gboolean   pfm_training_view_has_unsaved      (PfmTrainingView *self);
/* Cancels any job (closing the window). */
void       pfm_training_view_cancel           (PfmTrainingView *self);
/* Opens the save dialog for the trained project. */
void       pfm_training_view_save_trained     (PfmTrainingView *self);

G_END_DECLS
