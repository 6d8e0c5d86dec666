/* pfm-defects-view.h - fabricated copies, Monte-Carlo batches, calibration
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-view.h"

G_BEGIN_DECLS

#define PFM_TYPE_DEFECTS_VIEW (pfm_defects_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmDefectsView, pfm_defects_view, PFM, DEFECTS_VIEW, PfmView)

GtkWidget *pfm_defects_view_new              (PfmDocument    *document);
/* TRUE once the fabricated copy of the current settings is shown. */
gboolean   pfm_defects_view_is_ready         (PfmDefectsView *self);
/* Why the fabricated copy of the current settings could not be made, or NULL. */
const GError *pfm_defects_view_get_error     (PfmDefectsView *self);

G_END_DECLS
