/* pfm-beam.c - input fields: a Gaussian beam or an SLM-encoded vector
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-beam"

#include "config.h"

#include <math.h>

#include "pfm-beam.h"

double
pfm_field_power (const float *field, const PfmGrid *grid)
{
  const gsize nn = (gsize) grid->n * grid->n;
  double sum = 0.0;
  for (gsize i = 0; i < nn; i++)
    sum += (double) field[2 * i] * field[2 * i] + (double) field[2 * i + 1] * field[2 * i + 1];
  return sum * grid->dx * grid->dx;
}

void
pfm_field_normalize (float *field, const PfmGrid *grid, double power)
{
  double p = pfm_field_power (field, grid);
  if (p <= 0.0)
    return;
  const float s = (float) sqrt (power / p);
  const gsize nn = (gsize) grid->n * grid->n;
  for (gsize i = 0; i < 2 * nn; i++)
    field[i] *= s;
}

static void
fill_gaussian (const PfmConfig *cfg, const PfmGrid *g, float *field)
{
  const double w = cfg->beam.waist;
  const double k = pfm_config_k0 (cfg) * cfg->optics.n0;
  const double kx = k * sin (cfg->beam.tilt_x);
  const double ky = k * sin (cfg->beam.tilt_y);
  for (int j = 0; j < g->n; j++)
    {
      const double y = pfm_grid_x (g, j);
      const double dy = y - cfg->beam.offset_y;
      for (int i = 0; i < g->n; i++)
        {
          const double x = pfm_grid_x (g, i);
          const double dx = x - cfg->beam.offset_x;
          const double a = exp (-(dx * dx + dy * dy) / (w * w));
          /* Tilt: the carrier exp(i k sin(tilt) x), phase taken from the
           * beam centre so an offset beam starts with zero phase there. */
          const double ph = kx * dx + ky * dy;
          field[2 * ((gsize) j * g->n + i)] = (float) (a * cos (ph));
          field[2 * ((gsize) j * g->n + i) + 1] = (float) (a * sin (ph));
        }
    }
}

/* A macro-pixel with softened edges: the SLM is imaged onto the facet by
 * optics of finite resolution, and hard edges would put power at the
 * grid's highest spatial frequencies. */
static inline double
soft_box (double x, double lo, double hi, double s)
{
  return 0.5 * (erf ((x - lo) / s) - erf ((x - hi) / s));
}

void
pfm_beam_fill_slm (const PfmConfig *cfg, const PfmGrid *g, const double *values, float *field)
{
  const int npix = cfg->beam.slm_pixels;
  const double side = cfg->tube.side;
  int cols, rows;
  pfm_tile_layout (npix, &cols, &rows);
  const double px = side / cols, py = side / rows;
  const double s = MAX (0.5 * cfg->optics.wavelength / cfg->optics.n0, 2.0 * g->dx);
  const gboolean phase = cfg->beam.encoding == PFM_ENCODING_PHASE;

  /* Per-axis weights of each column/row of pixels, evaluated once. */
  g_autofree double *wx = g_new (double, (gsize) cols * g->n);
  g_autofree double *wy = g_new (double, (gsize) rows * g->n);
  for (int c = 0; c < cols; c++)
    for (int i = 0; i < g->n; i++)
      wx[(gsize) c * g->n + i] = soft_box (pfm_grid_x (g, i), -0.5 * side + c * px, -0.5 * side + (c + 1) * px, s);
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < g->n; j++)
      wy[(gsize) r * g->n + j] = soft_box (pfm_grid_x (g, j), -0.5 * side + r * py, -0.5 * side + (r + 1) * py, s);

  const gsize nn = (gsize) g->n * g->n;
  for (gsize i = 0; i < 2 * nn; i++)
    field[i] = 0.0f;

  /* An SLM of beam.slm_bits bits shows the nearest of its 2^bits levels. */
  const double levels = cfg->beam.slm_bits > 0 ? ldexp (1.0, cfg->beam.slm_bits) - 1.0 : 0.0;

  for (int p = 0; p < npix; p++)
    {
      const int c = p % cols, r = p / cols;
      const double v = levels > 0.0 ? round (CLAMP (values[p], 0.0, 1.0) * levels) / levels : values[p];
      const double re = phase ? cos (cfg->beam.phase_range * v) : v;
      const double im = phase ? sin (cfg->beam.phase_range * v) : 0.0;
      if (re == 0.0 && im == 0.0)
        continue;
      for (int j = 0; j < g->n; j++)
        {
          const double ay = wy[(gsize) r * g->n + j];
          if (ay < 1e-12)
            continue;
          for (int i = 0; i < g->n; i++)
            {
              const double a = ay * wx[(gsize) c * g->n + i];
              field[2 * ((gsize) j * g->n + i)] += (float) (a * re);
              field[2 * ((gsize) j * g->n + i) + 1] += (float) (a * im);
            }
        }
    }
  pfm_field_normalize (field, g, cfg->beam.power);
}

gboolean
pfm_beam_fill (const PfmConfig *cfg, const PfmGrid *grid, float *field, GError **error)
{
  if (cfg->beam.kind == PFM_BEAM_GAUSSIAN)
    {
      fill_gaussian (cfg, grid, field);
      pfm_field_normalize (field, grid, cfg->beam.power);
      return TRUE;
    }
  g_autofree double *values = g_new (double, cfg->beam.slm_pixels);
  if (!pfm_config_parse_input_vector (cfg, values, error))
    return FALSE;
  pfm_beam_fill_slm (cfg, grid, values, field);
  return TRUE;
}
