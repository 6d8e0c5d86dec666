/* pfm-volume-view.h - the recorded volume: the light in 3D, and slice by slice
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-view.h"

G_BEGIN_DECLS

#define PFM_TYPE_VOLUME_VIEW (pfm_volume_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmVolumeView, pfm_volume_view, PFM, VOLUME_VIEW, PfmView)

GtkWidget *pfm_volume_view_new              (PfmRunner     *runner,
                                             PfmDocument   *document);
/* Shows the light with the written index as faint glass (a trained design). */
void       pfm_volume_view_show_both        (PfmVolumeView *self);

G_END_DECLS
