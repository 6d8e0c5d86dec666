/* pfm-beam.h - input fields: a Gaussian beam or an SLM-encoded vector
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-grid.h"

G_BEGIN_DECLS

/* Fills @field (n*n interleaved complex floats, |E|^2 in W/m^2) with the
 * input of @cfg, scaled so that sum |E|^2 dx^2 = beam.power. */
gboolean pfm_beam_fill      (const PfmConfig *cfg,
                             const PfmGrid   *grid,
                             float           *field,
                             GError         **error);

/* The same for an explicit input vector of beam.slm_pixels values in [0, 1],
 * each rounded to the SLM's 2^beam.slm_bits levels when slm_bits > 0. */
void     pfm_beam_fill_slm  (const PfmConfig *cfg,
                             const PfmGrid   *grid,
                             const double    *values,
                             float           *field);

/* Scales @field so its power is @power (no-op for a dark field). */
void     pfm_field_normalize (float         *field,
                              const PfmGrid *grid,
                              double         power);

double   pfm_field_power    (const float   *field,
                             const PfmGrid *grid);

G_END_DECLS
