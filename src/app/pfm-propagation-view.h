/* pfm-propagation-view.h - the engine's run, streamed as it advances in z
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-view.h"

G_BEGIN_DECLS

#define PFM_TYPE_PROPAGATION_VIEW (pfm_propagation_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmPropagationView, pfm_propagation_view, PFM, PROPAGATION_VIEW, PfmView)

GtkWidget *pfm_propagation_view_new              (PfmRunner          *runner);

G_END_DECLS
