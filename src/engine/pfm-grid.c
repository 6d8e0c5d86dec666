/* pfm-grid.c - the transverse sampling grid
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "pfm-config.h"
#include "pfm-grid.h"

void
pfm_grid_init (PfmGrid *grid, const PfmConfig *cfg)
{
  grid->n = cfg->grid.n;
  grid->window = pfm_config_window (cfg);
  grid->dx = grid->window / grid->n;
}
