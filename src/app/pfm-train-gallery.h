/* pfm-train-gallery.h - test examples with their true and predicted class
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One tile per example: the image, "true → predicted", and the power on
 * each detector region as bars (the true class's bar green, a wrong
 * prediction's red); a misclassified tile is framed red.  Selecting a tile
 * emits ::example-selected with its position.
 */
#pragma once

#include <adwaita.h>

#include "pfm-train.h"

G_BEGIN_DECLS

#define PFM_TYPE_TRAIN_GALLERY (pfm_train_gallery_get_type ())
G_DECLARE_FINAL_TYPE (PfmTrainGallery, pfm_train_gallery, PFM, TRAIN_GALLERY, AdwBin)

GtkWidget *pfm_train_gallery_new      (void);
/* @n test examples data->test[0 .. n-1], their detector powers @outputs
 * (n x data->n_classes). */
void       pfm_train_gallery_set      (PfmTrainGallery    *self,
                                       const PfmTrainData *data,
                                       const double       *outputs,
                                       guint               n);
void       pfm_train_gallery_clear    (PfmTrainGallery    *self,
                                       const char         *placeholder);
/* The selected tile (-1 when none). */
int        pfm_train_gallery_get_selected (PfmTrainGallery *self);
void       pfm_train_gallery_select   (PfmTrainGallery    *self,
                                       int                 index);

G_END_DECLS
