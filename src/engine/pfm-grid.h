/* pfm-grid.h - the transverse sampling grid and its spatial frequencies
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-types.h"

G_BEGIN_DECLS

/* n x n samples over a square window centred on the tube axis:
 * x_i = (i - n/2) dx, so x = 0 is sample n/2. */
struct _PfmGrid
{
  int    n;
  double window;
  double dx;
};

void   pfm_grid_init (PfmGrid *grid, const PfmConfig *cfg);

static inline double
pfm_grid_x (const PfmGrid *g, int i)
{
  return (i - g->n / 2) * g->dx;
}

/* FFTW's ordering: 0, 1, ..., n/2 - 1, -n/2, ..., -1 (times 2 pi / window). */
static inline double
pfm_grid_kx (const PfmGrid *g, int i)
{
  int m = i < (g->n + 1) / 2 ? i : i - g->n;
  return 2.0 * G_PI * m / g->window;
}

/* SLM macro-pixels and detector regions tile the core's facet in a
 * cols x rows grid, cols = ceil(sqrt(count)), filled row by row. */
static inline void
pfm_tile_layout (int count, int *cols, int *rows)
{
  int c = 1;
  while (c * c < count)
    c++;
  *cols = c;
  *rows = (count + c - 1) / c;
}

G_END_DECLS
