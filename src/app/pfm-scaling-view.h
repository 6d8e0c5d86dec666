/* pfm-scaling-view.h - the scaling model: plots, Table 1, diagnostics
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pfm-document.h"

G_BEGIN_DECLS

#define PFM_TYPE_SCALING_VIEW (pfm_scaling_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmScalingView, pfm_scaling_view, PFM, SCALING_VIEW, AdwBin)

GtkWidget *pfm_scaling_view_new         (PfmDocument    *document);
void       pfm_scaling_view_set_presentation (PfmScalingView *self,
                                              gboolean        presentation);

G_END_DECLS
