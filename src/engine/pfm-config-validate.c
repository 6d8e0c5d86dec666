/* pfm-config-validate.c - a configuration's cross-key checks, the
 * quantities derived from it, and the SLM input vector (docs/physics.md)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pfm-config.c checks each key against its range; these checks need
 * several keys at once (the window must hold the tube, the beam must fit
 * the grid's band), so a value set from C or a file is refused here with
 * PFM_CONFIG_ERROR_INCONSISTENT.
 */
#define G_LOG_DOMAIN "pfm-config"

#include "config.h"

#include <math.h>
#include <stdarg.h>

#include "pfm-config.h"
#include "pfm-config-private.h"
#include "pfm-rng.h"

double
pfm_config_voxel (const PfmConfig *cfg)
{
  return cfg->medium.voxel > 0 ? cfg->medium.voxel : cfg->optics.wavelength / cfg->optics.n0;
}

double
pfm_config_window (const PfmConfig *cfg)
{
  return cfg->grid.window > 0 ? cfg->grid.window : 2.0 * cfg->tube.side;
}

double
pfm_config_k0 (const PfmConfig *cfg)
{
  return 2.0 * G_PI / cfg->optics.wavelength;
}

guint
pfm_config_n_steps (const PfmConfig *cfg)
{
  double s = ceil (cfg->tube.length / cfg->grid.dz * (1.0 - 1e-12));
  /* A tiny dz gives more steps than a guint holds: saturate rather than
   * convert out of range (undefined; on x86 it wrapped to 0 steps, which
   * slipped past the 1e8-step limit in pfm_config_validate). */
  if (!(s < (double) G_MAXUINT))
    return G_MAXUINT;
  return (guint) MAX (1.0, s);
}

static gboolean
inconsistent (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
inconsistent (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT, msg);
  return FALSE;
}

/* The window against the tube: the cladding index exists, the window
 * holds the tube inside its absorber. */
static gboolean
check_window (const PfmConfig *cfg, double window, double inner, GError **error)
{
  const double side = cfg->tube.side;
  if (cfg->tube.profile == PFM_PROFILE_STEP && cfg->tube.na >= cfg->optics.n0)
    return inconsistent (error, "tube.na = %g must be below optics.n0 = %g (the cladding index is sqrt(n0^2 - NA^2))",
                         cfg->tube.na, cfg->optics.n0);
  if (window <= side)
    return inconsistent (error, "grid.window = %g m must be larger than tube.side = %g m: the window must hold the tube",
                         window, side);
  if (inner <= 0.5 * side && cfg->tube.profile != PFM_PROFILE_NONE)
    return inconsistent (error, "grid.absorber = %g leaves %g m of window inside the absorber, less than tube.side = %g m: "
                         "lower grid.absorber or enlarge grid.window", cfg->grid.absorber, 2 * inner, side);
  return TRUE;
}

/* The fabricated core (docs/physics.md section 4) at its widest and
 * narrowest: inside the window's non-absorbing part, and never closed. */
static gboolean
check_defects (const PfmConfig *cfg, double inner, GError **error)
{
  if (cfg->tube.profile == PFM_PROFILE_NONE ||
      (cfg->defects.side_error == 0.0 && cfg->defects.taper == 0.0 && !(cfg->defects.roughness > 0.0)))
    return TRUE;
  /* A wall moves by at most 4 rms of roughness (pfm-defects.h). */
  const double side = cfg->tube.side;
  const double f = 1.0 + cfg->defects.side_error;
  const double widest = side * f * (1.0 + MAX (cfg->defects.taper, 0.0)) + 8.0 * cfg->defects.roughness;
  const double narrowest = side * f * (1.0 + MIN (cfg->defects.taper, 0.0)) - 8.0 * cfg->defects.roughness;
  if (widest >= 2.0 * inner)
    return inconsistent (error, "the fabricated core reaches %g m across (tube.side = %g m with defects.side_error = %g, "
                         "defects.taper = %g and defects.roughness = %g m), more than the window's non-absorbing "
                         "part (%g m): enlarge grid.window or lower grid.absorber",
                         widest, side, cfg->defects.side_error, cfg->defects.taper, cfg->defects.roughness, 2 * inner);
  if (narrowest <= 0.0)
    return inconsistent (error, "defects.roughness = %g m can close the core (tube.side = %g m, side error %g, taper %g): "
                         "accepted roughness below an eighth of the narrowest side",
                         cfg->defects.roughness, side, cfg->defects.side_error, cfg->defects.taper);
  return TRUE;
}

/* The peak intensity a single-precision field holds, and the steps. */
static gboolean
check_power_and_steps (const PfmConfig *cfg, double dx, GError **error)
{
  /* All the power in one grid cell is the most intensity a run can reach
   * without gain; keep it far inside single precision (3.4e38), so no
   * product or FFT sum of the field overflows.  This also refuses a
   * spacing so small that dx^2 underflows (a tube.side of 1e-308 m). */
  if (!(cfg->beam.power / (dx * dx) <= 1e30))
    return inconsistent (error, "beam.power = %g W on a grid spacing of %g m (grid.window / grid.n) allows intensities "
                         "up to %g W/m^2, beyond the 1e30 W/m^2 a single-precision field holds safely: "
                         "lower beam.power, enlarge grid.window or lower grid.n",
                         cfg->beam.power, dx, cfg->beam.power / (dx * dx));
  if (cfg->grid.dz > cfg->tube.length)
    return inconsistent (error, "grid.dz = %g m must not exceed tube.length = %g m", cfg->grid.dz, cfg->tube.length);
  if ((double) pfm_config_n_steps (cfg) > 1e8)
    return inconsistent (error, "tube.length / grid.dz = %g steps: accepted at most 1e8 steps", cfg->tube.length / cfg->grid.dz);
  return TRUE;
}

/* The beam on the grid: its offset inside the non-absorbing part, a
 * Gaussian waist the grid resolves and the window holds, a tilt inside
 * the grid's band. */
static gboolean
check_beam (const PfmConfig *cfg, double dx, double inner, GError **error)
{
  if (fabs (cfg->beam.offset_x) >= inner || fabs (cfg->beam.offset_y) >= inner)
    return inconsistent (error, "beam offset (%g, %g) m must lie inside the window's non-absorbing part, |offset| < %g m",
                         cfg->beam.offset_x, cfg->beam.offset_y, inner);
  if (cfg->beam.kind == PFM_BEAM_GAUSSIAN && cfg->beam.waist > inner)
    return inconsistent (error, "beam.waist = %g m is wider than the window's non-absorbing half-width %g m: "
                         "enlarge grid.window or reduce the waist", cfg->beam.waist, inner);
  if (cfg->beam.kind == PFM_BEAM_GAUSSIAN && cfg->beam.waist < 2.0 * dx)
    return inconsistent (error, "beam.waist = %g m is under two grid spacings (%g m): raise grid.n or the waist",
                         cfg->beam.waist, 2 * dx);
  /* The tilt's carrier must sit well inside the grid's band (|kx| < k_nyquist / 2). */
  const double k = pfm_config_k0 (cfg) * cfg->optics.n0;
  const double knyq = G_PI / dx;
  const double smax = 0.5 * knyq / k;
  if (fabs (sin (cfg->beam.tilt_x)) > smax || fabs (sin (cfg->beam.tilt_y)) > smax)
    return inconsistent (error, "beam tilt (%g, %g) rad is too steep for the grid: accepted |sin(tilt)| <= %.3g "
                         "(half the grid's Nyquist angle); raise grid.n or narrow grid.window",
                         cfg->beam.tilt_x, cfg->beam.tilt_y, smax);
  return TRUE;
}

gboolean
pfm_config_validate (const PfmConfig *cfg, GError **error)
{
  g_return_val_if_fail (cfg != NULL, FALSE);

  if (!pfm_config_check_fields (cfg, error))
    return FALSE;
  const double window = pfm_config_window (cfg);
  const double dx = window / cfg->grid.n;
  const double inner = 0.5 * window * (1.0 - 2.0 * cfg->grid.absorber);
  if (!check_window (cfg, window, inner, error) || !check_defects (cfg, inner, error) ||
      !check_power_and_steps (cfg, dx, error) || !check_beam (cfg, dx, inner, error))
    return FALSE;
  if (cfg->medium.kind == PFM_MEDIUM_FILE && (cfg->medium.file == NULL || cfg->medium.file[0] == '\0'))
    return inconsistent (error, "medium.kind = file needs medium.file = PATH of an index map");
  if (cfg->beam.kind == PFM_BEAM_SLM)
    {
      g_autofree double *v = g_new (double, cfg->beam.slm_pixels);
      if (!pfm_config_parse_input_vector (cfg, v, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pfm_config_parse_input_vector (const PfmConfig *cfg, double *values, GError **error)
{
  const int n = cfg->beam.slm_pixels;
  const char *in = cfg->beam.input ? cfg->beam.input : "";

  if (g_str_has_prefix (in, "random:"))
    {
      guint64 seed;
      if (!g_ascii_string_to_unsigned (in + 7, 10, 0, G_MAXUINT64, &seed, NULL))
        {
          /* Not "%.64s": a byte count can cut a UTF-8 character in two. */
          g_autofree char *shown = pfm_config_shown_text (in);
          return inconsistent (error, "beam.input = \"%s\": random:SEED needs an unsigned integer seed", shown);
        }
      PfmRng rng;
      pfm_rng_init (&rng, seed);
      for (int i = 0; i < n; i++)
        values[i] = pfm_rng_uniform (&rng);
      return TRUE;
    }

  g_auto(GStrv) parts = g_strsplit (in, ",", -1);
  if ((int) g_strv_length (parts) != n)
    return inconsistent (error, "beam.input has %u values: accepted random:SEED or exactly beam.slm_pixels = %d "
                         "comma-separated values in [0, 1]", g_strv_length (parts), n);
  for (int i = 0; i < n; i++)
    if (!pfm_config_parse_double (parts[i], &values[i]) || values[i] < 0.0 || values[i] > 1.0)
      {
        g_autofree char *shown = pfm_config_shown_text (parts[i]);
        return inconsistent (error, "beam.input value %d = \"%s\" is not a number in [0, 1]", i + 1, shown);
      }
  return TRUE;
}

