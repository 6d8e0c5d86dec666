/* pfm-propagation-view.h - the engine's run, streamed as it advances in z
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pfm-runner.h"

G_BEGIN_DECLS

#define PFM_TYPE_PROPAGATION_VIEW (pfm_propagation_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmPropagationView, pfm_propagation_view, PFM, PROPAGATION_VIEW, AdwBin)

GtkWidget *pfm_propagation_view_new              (PfmRunner          *runner);
void       pfm_propagation_view_set_presentation (PfmPropagationView *self,
                                                  gboolean            presentation);

G_END_DECLS
