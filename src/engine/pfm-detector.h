/* pfm-detector.h - detector regions on the output facet -> output vector
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-grid.h"

G_BEGIN_DECLS

/* Region of the pixel centred at (x, y), or -1 outside every region.  The
 * detector.regions regions tile the core's facet like the SLM pixels. */
int  pfm_detector_region (const PfmConfig *cfg,
                          double           x,
                          double           y);

/* Integrates |E|^2 over each region (W), then applies the detector's
 * relative noise (seeded by @noise_seed) and ADC quantisation.
 * @out has detector.regions entries. */
void pfm_detector_read   (const PfmConfig *cfg,
                          const PfmGrid   *grid,
                          const float     *field,
                          guint64          noise_seed,
                          double          *out);

G_END_DECLS
