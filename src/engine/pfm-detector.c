/* pfm-detector.c - detector regions on the output facet -> output vector
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "pfm-detector.h"
#include "pfm-rng.h"

int
pfm_detector_region (const PfmConfig *cfg, double x, double y)
{
  const double side = cfg->tube.side;
  int cols, rows;
  pfm_tile_layout (cfg->detector.regions, &cols, &rows);
  double u = (x + 0.5 * side) / side, v = (y + 0.5 * side) / side;
  if (u < 0.0 || u >= 1.0 || v < 0.0 || v >= 1.0)
    return -1;
  int c = (int) (u * cols), r = (int) (v * rows);
  int p = r * cols + c;
  return p < cfg->detector.regions ? p : -1;
}

void
pfm_detector_read (const PfmConfig *cfg, const PfmGrid *g, const float *field, guint64 noise_seed, double *out)
{
  const int nreg = cfg->detector.regions;

  for (int p = 0; p < nreg; p++)
    out[p] = 0.0;

  for (int j = 0; j < g->n; j++)
    {
      const double y = pfm_grid_x (g, j);
      for (int i = 0; i < g->n; i++)
        {
          int p = pfm_detector_region (cfg, pfm_grid_x (g, i), y);
          if (p < 0)
            continue;
          const float *e = field + 2 * ((gsize) j * g->n + i);
          out[p] += (double) e[0] * e[0] + (double) e[1] * e[1];
        }
    }
  for (int p = 0; p < nreg; p++)
    out[p] *= g->dx * g->dx;

  if (cfg->detector.noise > 0.0)
    {
      PfmRng rng;
      pfm_rng_init (&rng, noise_seed);
      for (int p = 0; p < nreg; p++)
        out[p] = MAX (0.0, out[p] * (1.0 + cfg->detector.noise * pfm_rng_gaussian (&rng)));
    }
  if (cfg->detector.bits > 0)
    {
      /* An auto-ranged ADC: full scale at the brightest region. */
      double fs = 0.0;
      for (int p = 0; p < nreg; p++)
        fs = MAX (fs, out[p]);
      const double levels = ldexp (1.0, cfg->detector.bits) - 1.0;
      if (fs > 0.0)
        for (int p = 0; p < nreg; p++)
          out[p] = round (out[p] / fs * levels) * fs / levels;
    }
}
