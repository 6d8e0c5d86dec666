/* pfm-scaling-view.h - the scaling model: plots, Table 1, diagnostics
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-view.h"

G_BEGIN_DECLS

#define PFM_TYPE_SCALING_VIEW (pfm_scaling_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmScalingView, pfm_scaling_view, PFM, SCALING_VIEW, PfmView)

GtkWidget *pfm_scaling_view_new (PfmDocument *document);

G_END_DECLS
