/* pfm-transfer-editor.h - the opacity curve over the data's histogram
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small Cairo widget: the histogram of the normalised values (log of
 * the counts), the colormap along the bottom, and the piecewise-linear
 * opacity curve on top (on a square-root axis: the useful opacities per
 * step are small).  Drag a point to move it, press on empty space
 * to add one, double-press or right-press a point to remove it; with the
 * keyboard, Left/Right choose a point, Up/Down change its opacity,
 * Shift+Left/Right move it and Delete removes it.
 */
#pragma once

#include <gtk/gtk.h>

#include "pfm-transfer.h"

G_BEGIN_DECLS

#define PFM_TYPE_TRANSFER_EDITOR (pfm_transfer_editor_get_type ())
G_DECLARE_FINAL_TYPE (PfmTransferEditor, pfm_transfer_editor, PFM, TRANSFER_EDITOR, GtkWidget)

GtkWidget         *pfm_transfer_editor_new          (void);
const PfmTransfer *pfm_transfer_editor_get_transfer (PfmTransferEditor *self);
/* Copies @tf (emits nothing: "changed" is for the user's edits). */
void               pfm_transfer_editor_set_transfer (PfmTransferEditor *self,
                                                     const PfmTransfer *tf);
void               pfm_transfer_editor_set_histogram (PfmTransferEditor *self,
                                                      const guint       *bins,
                                                      guint              n_bins);
/* Labels under the two ends of the value axis (units included). */
void               pfm_transfer_editor_set_range_labels (PfmTransferEditor *self,
                                                         const char        *low,
                                                         const char        *high);
/* The strip under the curve in the diverging map (the index's colours)
 * instead of the transfer function's. */
void               pfm_transfer_editor_set_diverging (PfmTransferEditor *self,
                                                      gboolean           diverging);
void               pfm_transfer_editor_set_presentation (PfmTransferEditor *self,
                                                         gboolean           presentation);

G_END_DECLS
