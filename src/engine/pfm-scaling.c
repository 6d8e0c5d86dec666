/* pfm-scaling.c - the scaling model: an optical PFM against a GPU fleet
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/physics.md section 2, after Wright, Wang, Onodera and McMahon,
 * "Physical Foundation Models", arXiv:2604.27911 (2026): Sec. I (memory),
 * Sec. II (planar encodings), Sec. III.1 and Table 1, Appendix A (Kerr
 * phase, peak power, self-focusing).
 */
#define G_LOG_DOMAIN "pfm-scaling"

#include "config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "pfm-config.h"
#include "pfm-export.h"
#include "pfm-scaling.h"

G_DEFINE_QUARK (pfm-scaling-error-quark, pfm_scaling_error)

/* Marburger's Gaussian-beam constants (Prog. Quantum Electron. 4, 35, 1975). */
#define MARBURGER_PCR   3.77
#define MARBURGER_A     0.367
#define MARBURGER_B     0.852
#define MARBURGER_C     0.0219

/* Below this |n2| the required peak power stops being a useful number
 * (it is ten orders of magnitude weaker than any glass) and, near the
 * smallest doubles, would overflow. */
#define MIN_ABS_N2      1e-30

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

typedef struct
{
  const char *name;        /* project key, or a field name where there is none */
  gsize       offset;      /* into PfmScalingInputs */
  gboolean    from_config; /* range from pfm-config's table */
  const char *unit;        /* for inputs that are not project keys */
  double      min, max;
  gboolean    min_exclusive;
} InputKey;

#define IN(field) offsetof (PfmScalingInputs, field)

/* The project keys take their ranges from the one validation table in
 * pfm-config.c; the memory and planar figures have their own. */
static const InputKey input_keys[] = {
  { "optics.wavelength",       IN (wavelength),      TRUE },
  { "optics.n0",               IN (n),               TRUE },
  { "optics.n2",               IN (n2),              TRUE },
  { "scaling.aspect",          IN (aspect),          TRUE },
  { "scaling.beam_fraction",   IN (beam_fraction),   TRUE },
  { "scaling.phi_nl",          IN (phi_nl),          TRUE },
  { "scaling.pulse",           IN (pulse),           TRUE },
  { "scaling.e_io",            IN (e_io),            TRUE },
  { "scaling.p_avg",           IN (p_avg),           TRUE },
  { "scaling.io_exponent",     IN (io_exponent),     TRUE },
  { "scaling.bits",            IN (bits),            TRUE },
  { "scaling.e_op",            IN (e_op),            TRUE },
  { "scaling.gpu_mem",         IN (gpu_mem),         TRUE },
  { "scaling.gpu_bw",          IN (gpu_bw),          TRUE },
  { "scaling.gpu_volume",      IN (gpu_volume),      TRUE },
  { "scaling.bytes_per_param", IN (bytes_per_param), TRUE },
  { "scaling.gpu_gain",        IN (gpu_gain),        TRUE },
  { "scaling.years",           IN (years),           TRUE },
  { "mem_bits_per_param",      IN (mem_bits_per_param), FALSE, "bit",     0.0, 64.0, TRUE },
  { "mem_density",             IN (mem_density),     FALSE, "bit/m^2",    0.0, 1e30, TRUE },
  { "mem_layer",               IN (mem_layer),       FALSE, "m",          0.0, 1.0,  TRUE },
  { "mem_read_rate",           IN (mem_read_rate),   FALSE, "bit/s",      1.0, 1e30, FALSE },
  { "wafer_diameter",          IN (wafer_diameter),  FALSE, "m",          0.0, 10.0, TRUE },
  { "pixel_pitch",             IN (pixel_pitch),     FALSE, "m",          0.0, 1.0,  TRUE },
  { "slm_pixels",              IN (slm_pixels),      FALSE, "",           1.0, 1e18, FALSE },
};

#undef IN

/**
 * pfm_scaling_inputs_init:
 * @in: the inputs to fill
 *
 * Fills @in with the defaults of docs/physics.md section 2, which are the
 * paper's (Table 1, Appendix A): the same values as a new PfmConfig.
 */
void
pfm_scaling_inputs_init (PfmScalingInputs *in)
{
  g_return_if_fail (in != NULL);

  *in = (PfmScalingInputs) {
    .wavelength = 1.55e-6,
    .n = 1.5,
    .n2 = 1e-20,
    .aspect = 1000.0,
    .beam_fraction = 0.5,
    .phi_nl = 6.283185307,
    .pulse = 1e-12,
    .e_io = 1e-10,
    .p_avg = 1e3,
    .io_exponent = 0.333333333,
    .bits = 2.0,
    .e_op = 1e-12,
    .gpu_mem = 192e9,
    .gpu_bw = 8e12,
    .gpu_volume = 1e-3,
    .bytes_per_param = 1.0,
    .gpu_gain = 1.5,
    .years = 0.0,
    .mem_bits_per_param = 8.0,
    .mem_density = 30e9 / 1e-6,     /* 30 Gb/mm^2 */
    .mem_layer = 50e-6,
    .mem_read_rate = 1e12,
    .wafer_diameter = 0.3,
    .pixel_pitch = 250e-9,
    .slm_pixels = 1e7,
  };
}

/**
 * pfm_scaling_inputs_from_config:
 * @in: the inputs to fill
 * @cfg: a project
 *
 * Fills @in from @cfg's [optics] wavelength, n0, n2 and its [scaling]
 * keys; the memory and planar figures, which are not project keys, keep
 * their defaults.  @cfg.scaling.params is not copied: pass it to
 * pfm_scaling_compute_list().
 */
void
pfm_scaling_inputs_from_config (PfmScalingInputs *in, const PfmConfig *cfg)
{
  g_return_if_fail (in != NULL);
  g_return_if_fail (cfg != NULL);

  pfm_scaling_inputs_init (in);
  in->wavelength = cfg->optics.wavelength;
  in->n = cfg->optics.n0;
  in->n2 = cfg->optics.n2;
  in->aspect = cfg->scaling.aspect;
  in->beam_fraction = cfg->scaling.beam_fraction;
  in->phi_nl = cfg->scaling.phi_nl;
  in->pulse = cfg->scaling.pulse;
  in->e_io = cfg->scaling.e_io;
  in->p_avg = cfg->scaling.p_avg;
  in->io_exponent = cfg->scaling.io_exponent;
  in->bits = cfg->scaling.bits;
  in->e_op = cfg->scaling.e_op;
  in->gpu_mem = cfg->scaling.gpu_mem;
  in->gpu_bw = cfg->scaling.gpu_bw;
  in->gpu_volume = cfg->scaling.gpu_volume;
  in->bytes_per_param = cfg->scaling.bytes_per_param;
  in->gpu_gain = cfg->scaling.gpu_gain;
  in->years = cfg->scaling.years;
}


static gboolean
check_range (const char *name, const char *unit, double v, double min, double max,
             gboolean min_exclusive, GError **error)
{
  if (isfinite (v) && (min_exclusive ? v > min : v >= min) && v <= max)
    return TRUE;

  g_autofree char *val = pfm_config_format_double (v);
  g_autofree char *lo = pfm_config_format_double (min);
  g_autofree char *hi = pfm_config_format_double (max);
  g_set_error (error, PFM_SCALING_ERROR, PFM_SCALING_ERROR_INVALID,
               "%s = %s %s: accepted %s%s, %s]%s%s",
               name, val, isfinite (v) ? "is out of range" : "is not a finite number",
               min_exclusive ? "(" : "[", lo, hi,
               unit && unit[0] ? " " : "", unit ? unit : "");
  return FALSE;
}

static gboolean
check_params (double params, GError **error)
{
  const PfmKeyInfo *k = pfm_config_lookup_key ("scaling.params");
  g_assert (k != NULL);
  return check_range ("scaling.params", "", params, k->min, k->max, k->min_exclusive, error);
}

/**
 * pfm_scaling_inputs_validate:
 * @in: the inputs
 * @error: return location for a #PFM_SCALING_ERROR_INVALID error
 *
 * Checks every input is finite and inside its accepted range (the project
 * key's range from pfm-config's table where there is one).  The model
 * also needs a Kerr effect: |n2| >= 1e-30 m^2/W.  The message names the
 * key, the value and the accepted range.
 *
 * Returns: %TRUE when @in is valid
 */
gboolean
pfm_scaling_inputs_validate (const PfmScalingInputs *in, GError **error)
{
  g_return_val_if_fail (in != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (input_keys); i++)
    {
      const InputKey *ik = &input_keys[i];
      double v = G_STRUCT_MEMBER (double, in, ik->offset);
      if (ik->from_config)
        {
          const PfmKeyInfo *k = pfm_config_lookup_key (ik->name);
          g_assert (k != NULL);
          if (!check_range (ik->name, k->unit, v, k->min, k->max, k->min_exclusive, error))
            return FALSE;
        }
      else if (!check_range (ik->name, ik->unit, v, ik->min, ik->max, ik->min_exclusive, error))
        return FALSE;
    }

  if (fabs (in->n2) < MIN_ABS_N2)
    {
      g_autofree char *val = pfm_config_format_double (in->n2);
      g_set_error (error, PFM_SCALING_ERROR, PFM_SCALING_ERROR_INVALID,
                   "optics.n2 = %s gives no Kerr effect, so no peak power reaches the target "
                   "nonlinear phase: the scaling model accepts 1e-30 <= |n2| <= 1e-16 m^2/W "
                   "(negative: self-defocusing)", val);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The model                                                           */

/**
 * pfm_scaling_critical_power:
 * @wavelength: vacuum wavelength (m)
 * @n: refractive index
 * @n2: Kerr index (m^2/W)
 *
 * Marburger's critical power for the self-focusing collapse of a Gaussian
 * beam, P_cr = 3.77 lambda^2 / (8 pi n n2).  A self-defocusing or linear
 * medium (n2 <= 0) never collapses: the result is INFINITY.
 *
 * Returns: P_cr in W
 */
double
pfm_scaling_critical_power (double wavelength, double n, double n2)
{
  if (!(n2 > 0.0))
    return INFINITY;
  return MARBURGER_PCR * wavelength * wavelength / (8.0 * G_PI * n * n2);
}

/**
 * pfm_scaling_collapse_distance:
 * @power: peak power P0 (W)
 * @p_cr: critical power (W), INFINITY for none
 * @rayleigh_range: z_R = pi n w0^2 / lambda of the Gaussian beam (m)
 *
 * Marburger's fit for the collapse distance of a collimated Gaussian beam,
 * z_c = 0.367 z_R / sqrt((sqrt(P0/P_cr) - 0.852)^2 - 0.0219).  For
 * P0 <= P_cr there is no collapse and the result is INFINITY, even where
 * the fit's root is real (P0 < 0.496 P_cr): the fit only holds above P_cr.
 *
 * Returns: z_c in m, or INFINITY
 */
double
pfm_scaling_collapse_distance (double power, double p_cr, double rayleigh_range)
{
  if (!isfinite (p_cr) || !(power > p_cr))
    return INFINITY;

  /* For P0 > P_cr the radicand is at least (1 - 0.852)^2 - 0.0219 = 4e-6. */
  double d = sqrt (power / p_cr) - MARBURGER_B;
  double radicand = d * d - MARBURGER_C;
  if (!(radicand > 0.0))
    return INFINITY;
  return MARBURGER_A * rayleigh_range / sqrt (radicand);
}

const char *
pfm_scaling_limit_name (PfmScalingLimit limit)
{
  switch (limit)
    {
    case PFM_SCALING_LIMIT_POWER:
      return "power";
    case PFM_SCALING_LIMIT_TRANSIT:
      return "transit";
    default:
      g_return_val_if_reached ("unknown");
    }
}

#define PT(field) offsetof (PfmScalingPoint, field)
#define INF PFM_SCALING_FIELD_MAY_BE_INFINITE
#define ZERO PFM_SCALING_FIELD_MAY_BE_ZERO

static const PfmScalingField fields[] = {
  { "params",             "",       PT (params),             0,    "Parameter count P." },
  { "voxel",              "m",      PT (voxel),              0,    "Voxel edge lambda/n: one voxel per parameter." },
  { "volume",             "m^3",    PT (volume),             0,    "Volume of nanostructured glass, P voxels." },
  { "side",               "m",      PT (side),               0,    "Side of the tube's square cross-section, (V/aspect)^(1/3)." },
  { "length",             "m",      PT (length),             0,    "Length of the tube, aspect x side." },
  { "area",               "m^2",    PT (area),               0,    "Cross-section of the tube, side^2." },
  { "modes",              "",       PT (modes),              0,    "Guided modes, about area n^2 / lambda^2." },
  { "io_dim",             "",       PT (io_dim),             0,    "Input = output vector dimension, P^io_exponent." },
  { "beam_area",          "m^2",    PT (beam_area),          0,    "Beam area (beam_fraction x side)^2." },
  { "peak_power",         "W",      PT (peak_power),         0,    "Peak power that gives the target nonlinear phase over the length." },
  { "peak_intensity",     "W/m^2",  PT (peak_intensity),     0,    "Peak intensity, peak power / beam area." },
  { "pulse_energy",       "J",      PT (pulse_energy),       0,    "Pulse energy, peak power x pulse duration." },
  { "io_energy",          "J",      PT (io_energy),          ZERO, "Energy of the input and output elements, 2 N_io e_io." },
  { "energy",             "J",      PT (energy),             0,    "Optical energy per inference, pulse + I/O." },
  { "power_time",         "s",      PT (power_time),         0,    "Time per inference allowed by the average power limit, E / P_avg." },
  { "transit_time",       "s",      PT (transit_time),       0,    "Transit time of a pulse through the tube, n L / c." },
  { "time",               "s",      PT (time),               0,    "Optical time per inference, the larger of the two limits." },
  { "io_rate_bps",        "bit/s",  PT (io_rate_bps),        0,    "I/O data rate, N_io bits per inference time." },
  { "p_cr",               "W",      PT (p_cr),               INF,  "Critical power for self-focusing (Marburger); null when n2 < 0." },
  { "p_lens",             "W",      PT (p_lens),             INF,  "Power at which Kerr lensing balances diffraction for a Gaussian, lambda^2/(2 pi n n2)." },
  { "beam_waist",         "m",      PT (beam_waist),         0,    "Waist of the Gaussian with the beam's power and peak intensity, sqrt(2 A0/pi)." },
  { "rayleigh_range",     "m",      PT (rayleigh_range),     0,    "Rayleigh range of that Gaussian, pi n w0^2 / lambda." },
  { "collapse_distance",  "m",      PT (collapse_distance),  INF,  "Marburger self-focusing collapse distance; null when the power is below critical." },
  { "digital_energy",     "J",      PT (digital_energy),     0,    "GPU fleet energy per inference, P x e_op / gain^years." },
  { "digital_time",       "s",      PT (digital_time),       0,    "GPU fleet time per inference, one read of each GPU's memory / gain^years." },
  { "digital_gpus",       "",       PT (digital_gpus),       0,    "GPUs needed to hold the parameters (fractional)." },
  { "digital_volume",     "m^3",    PT (digital_volume),     0,    "Volume of the GPU fleet." },
  { "digital_cube_side",  "m",      PT (digital_cube_side),  0,    "Side of a cube with the fleet's volume." },
  { "energy_ratio",       "",       PT (energy_ratio),       0,    "Digital / optical energy per inference." },
  { "time_ratio",         "",       PT (time_ratio),         0,    "Digital / optical time per inference." },
  { "memory_bits",        "bit",    PT (memory_bits),        0,    "Bits to store the parameters (paper Sec. I: 8 bits each)." },
  { "memory_area",        "m^2",    PT (memory_area),        0,    "3D-NAND area at 30 Gb/mm^2." },
  { "memory_volume",      "m^3",    PT (memory_volume),      0,    "3D-NAND volume at 50 um per layer, however it is stacked." },
  { "memory_cube_side",   "m",      PT (memory_cube_side),   0,    "Side of a cube with that volume." },
  { "memory_read_time",   "s",      PT (memory_read_time),   0,    "Time to read the model once at the memory bandwidth (1 Tbit/s)." },
  { "metasurface_params", "",       PT (metasurface_params), 0,    "Parameters of a metasurface on one wafer (300 mm, 250 nm pixels)." },
  { "slm_params",         "",       PT (slm_params),         0,    "Pixels of the largest programmable spatial light modulators." },
  { "metasurface_wafers", "",       PT (metasurface_wafers), 0,    "Metasurface wafers needed for P parameters (planar encoding)." },
};

#undef PT
#undef INF
#undef ZERO

/**
 * pfm_scaling_fields:
 * @n_fields: (out): the number of fields
 *
 * The double fields of #PfmScalingPoint in output order, with their JSON
 * and CSV names, units and descriptions.
 *
 * Returns: a static table
 */
const PfmScalingField *
pfm_scaling_fields (guint *n_fields)
{
  if (n_fields != NULL)
    *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

/* Never NaN, never an unexpected infinity or zero in a result: the inputs
 * are valid one by one, but extreme combinations can over- or underflow. */
static gboolean
check_results (const PfmScalingPoint *p, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      double v = G_STRUCT_MEMBER (double, p, fields[i].offset);
      const char *what = NULL;

      if (isnan (v))
        what = "is undefined";
      else if (isinf (v) && !(fields[i].flags & PFM_SCALING_FIELD_MAY_BE_INFINITE))
        what = "overflows";
      else if (v <= 0.0 && !(v == 0.0 && (fields[i].flags & PFM_SCALING_FIELD_MAY_BE_ZERO)))
        what = "underflows to zero";
      if (what != NULL)
        {
          g_autofree char *pv = pfm_config_format_double (p->params);
          g_set_error (error, PFM_SCALING_ERROR, PFM_SCALING_ERROR_RANGE,
                       "at scaling.params = %s the %s %s: these inputs are too extreme for the model",
                       pv, fields[i].name, what);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * pfm_scaling_compute:
 * @in: the assumptions
 * @params: the parameter count P, in [1, 1e30]
 * @out: (out caller-allocates): every derived quantity
 * @error: return location for a #PFM_SCALING_ERROR
 *
 * Evaluates docs/physics.md section 2 at @params.
 *
 * A negative n2 (self-defocusing) still gives a nonlinear phase of
 * magnitude Phi_NL: the peak power uses |n2|, and there is no collapse
 * (P_cr, P_lens and the collapse distance are INFINITY, @out->defocusing
 * is set).  A vanishing n2 is refused by pfm_scaling_inputs_validate().
 *
 * The time per inference is max(E / P_avg, n L / c), with E the whole
 * energy per inference (pulse and I/O), as the paper's Table 1 reads.
 *
 * Returns: %TRUE on success; on failure @out is untouched
 */
gboolean
pfm_scaling_compute (const PfmScalingInputs *in, double params, PfmScalingPoint *out, GError **error)
{
  g_return_val_if_fail (in != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!pfm_scaling_inputs_validate (in, error) || !check_params (params, error))
    return FALSE;

  PfmScalingPoint p = { 0 };
  const double lambda = in->wavelength;
  const double n = in->n;

  p.params = params;

  /* Geometry: one (lambda/n)^3 voxel per parameter in a tube r times longer than wide. */
  p.voxel = lambda / n;
  p.volume = params * p.voxel * p.voxel * p.voxel;
  p.side = cbrt (p.volume / in->aspect);
  p.length = in->aspect * p.side;
  p.area = p.side * p.side;
  p.modes = p.area * n * n / (lambda * lambda);
  p.io_dim = pow (params, in->io_exponent);
  p.modes_ok = p.modes >= p.io_dim;

  /* Kerr phase Phi_NL = (2 pi / lambda) |n2| (P0 / A0) L, solved for P0. */
  const double beam_side = in->beam_fraction * p.side;
  p.beam_area = beam_side * beam_side;
  p.peak_power = in->phi_nl * lambda * p.beam_area / (2.0 * G_PI * fabs (in->n2) * p.length);
  p.peak_intensity = p.peak_power / p.beam_area;
  p.pulse_energy = p.peak_power * in->pulse;
  p.io_energy = 2.0 * p.io_dim * in->e_io;
  p.energy = p.pulse_energy + p.io_energy;

  p.power_time = p.energy / in->p_avg;
  p.transit_time = n * p.length / PFM_C0;
  if (p.power_time >= p.transit_time)
    {
      p.time = p.power_time;
      p.time_limit = PFM_SCALING_LIMIT_POWER;
    }
  else
    {
      p.time = p.transit_time;
      p.time_limit = PFM_SCALING_LIMIT_TRANSIT;
    }
  p.io_rate_bps = p.io_dim * in->bits / p.time;

  /* Self-focusing of the Gaussian with the same power and peak intensity:
   * 2 P0 / (pi w0^2) = P0 / A0. */
  p.defocusing = in->n2 < 0.0;
  p.p_cr = pfm_scaling_critical_power (lambda, n, in->n2);
  p.p_lens = in->n2 > 0.0 ? lambda * lambda / (2.0 * G_PI * n * in->n2) : INFINITY;
  p.beam_waist = sqrt (2.0 * p.beam_area / G_PI);
  p.rayleigh_range = G_PI * n * p.beam_waist * p.beam_waist / lambda;
  p.collapse_distance = pfm_scaling_collapse_distance (p.peak_power, p.p_cr, p.rayleigh_range);
  p.self_focusing = p.collapse_distance < p.length;

  /* Digital reference: one 8-bit op per parameter; every GPU reads its
   * memory once per inference, in parallel. */
  const double improvement = pow (in->gpu_gain, in->years);
  p.digital_energy = params * in->e_op / improvement;
  p.digital_time = in->gpu_mem / in->gpu_bw / improvement;
  p.digital_gpus = params * in->bytes_per_param / in->gpu_mem;
  p.digital_volume = p.digital_gpus * in->gpu_volume;
  p.digital_cube_side = cbrt (p.digital_volume);
  p.energy_ratio = p.digital_energy / p.energy;
  p.time_ratio = p.digital_time / p.time;

  /* Memory argument: stacking N layers divides the area by N and
   * multiplies the thickness by N, so the volume does not depend on N. */
  p.memory_bits = params * in->mem_bits_per_param;
  p.memory_area = p.memory_bits / in->mem_density;
  p.memory_volume = p.memory_area * in->mem_layer;
  p.memory_cube_side = cbrt (p.memory_volume);
  p.memory_read_time = p.memory_bits / in->mem_read_rate;

  /* Planar encodings: one parameter per metasurface pixel. */
  const double radius = 0.5 * in->wafer_diameter;
  p.metasurface_params = G_PI * radius * radius / (in->pixel_pitch * in->pixel_pitch);
  p.slm_params = in->slm_pixels;
  p.metasurface_wafers = params / p.metasurface_params;

  if (!check_results (&p, error))
    return FALSE;

  *out = p;
  return TRUE;
}

/**
 * pfm_scaling_compute_list:
 * @in: the assumptions
 * @params: (array length=n_params): parameter counts
 * @n_params: how many, at least one
 * @error: return location for a #PFM_SCALING_ERROR
 *
 * Returns: (transfer full): @n_params points (free with g_free()), or
 *   %NULL on error
 */
PfmScalingPoint *
pfm_scaling_compute_list (const PfmScalingInputs *in, const double *params, gsize n_params, GError **error)
{
  g_return_val_if_fail (in != NULL, NULL);
  g_return_val_if_fail (params != NULL && n_params > 0, NULL);

  g_autofree PfmScalingPoint *points = g_new0 (PfmScalingPoint, n_params);
  for (gsize i = 0; i < n_params; i++)
    if (!pfm_scaling_compute (in, params[i], &points[i], error))
      return NULL;
  return g_steal_pointer (&points);
}

/**
 * pfm_scaling_sweep:
 * @in: the assumptions
 * @p_min: first parameter count
 * @p_max: last parameter count, above @p_min
 * @n_points: number of points, 2 to 100000
 * @error: return location for a #PFM_SCALING_ERROR
 *
 * Evaluates the model at @n_points parameter counts spaced evenly in
 * log P from @p_min to @p_max inclusive, for plots.
 *
 * Returns: (transfer full): @n_points points (free with g_free()), or
 *   %NULL on error
 */
PfmScalingPoint *
pfm_scaling_sweep (const PfmScalingInputs *in, double p_min, double p_max, guint n_points, GError **error)
{
  g_return_val_if_fail (in != NULL, NULL);

  if (!check_params (p_min, error) || !check_params (p_max, error))
    return NULL;
  if (!(p_max > p_min) || n_points < 2 || n_points > 100000)
    {
      g_autofree char *lo = pfm_config_format_double (p_min);
      g_autofree char *hi = pfm_config_format_double (p_max);
      g_set_error (error, PFM_SCALING_ERROR, PFM_SCALING_ERROR_INVALID,
                   "sweep from %s to %s in %u points: accepted p_min < p_max and 2 to 100000 points",
                   lo, hi, n_points);
      return NULL;
    }

  g_autofree double *params = g_new (double, n_points);
  const double l0 = log (p_min), l1 = log (p_max);
  for (guint i = 0; i < n_points; i++)
    params[i] = exp (l0 + (l1 - l0) * i / (n_points - 1));
  /* Exact end points, whatever exp(log(x)) rounds to. */
  params[0] = p_min;
  params[n_points - 1] = p_max;

  return pfm_scaling_compute_list (in, params, n_points, error);
}

/* ------------------------------------------------------------------ */
/* The paper's Table 1                                                 */

/* Wright, Wang, Onodera, McMahon, arXiv:2604.27911 (2026), Table 1 (each
 * cell an order of magnitude, rounded up) and Appendix A (peak powers
 * 44 MW, 450 MW, 4.5 GW; pulse energies 44 uJ, 440 uJ, 4.4 mJ). */
static const PfmScalingPublished published[] = {
  { 1e12, 1e-3, 1.0,   100e-6, 100e-9, 0.17, 1.0, 25e-3, 44e6,  44e-6  },
  { 1e15, 1e-2, 10.0,  1e-3,   1e-6,   1.7,  1e3, 25e-3, 450e6, 440e-6 },
  { 1e18, 1e-1, 100.0, 10e-3,  10e-6,  17.0, 1e6, 25e-3, 4.5e9, 4.4e-3 },
};

/**
 * pfm_scaling_published:
 * @n_rows: (out): number of rows (3)
 *
 * The paper's published Table 1 (P = 1e12, 1e15, 1e18), reference data to
 * show beside the computed values.
 *
 * Returns: a static table
 */
const PfmScalingPublished *
pfm_scaling_published (guint *n_rows)
{
  if (n_rows != NULL)
    *n_rows = G_N_ELEMENTS (published);
  return published;
}

/**
 * pfm_scaling_published_lookup:
 * @params: a parameter count
 *
 * Returns: the published row for @params (matched to 1e-9 relative), or
 *   %NULL when the paper has no column for it
 */
const PfmScalingPublished *
pfm_scaling_published_lookup (double params)
{
  for (guint i = 0; i < G_N_ELEMENTS (published); i++)
    if (fabs (params / published[i].params - 1.0) < 1e-9)
      return &published[i];
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/**
 * pfm_scaling_to_json:
 * @points: (array length=n_points): computed points
 * @n_points: how many
 *
 * A JSON array with one object per point: every field of
 * pfm_scaling_fields() as a number (an infinite value, meaning "none", is
 * null), then modes_ok, self_focusing and defocusing as booleans and
 * time_limit as "power" or "transit".  All SI; ratios are digital/optical.
 *
 * Returns: (transfer full): the text, ending in a newline
 */
char *
pfm_scaling_to_json (const PfmScalingPoint *points, gsize n_points)
{
  g_return_val_if_fail (points != NULL || n_points == 0, NULL);

  GString *s = g_string_new ("[");
  for (gsize i = 0; i < n_points; i++)
    {
      const PfmScalingPoint *p = &points[i];
      g_string_append (s, i ? ",\n  {" : "\n  {");
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          g_string_append_printf (s, "\n    \"%s\": ", fields[f].name);
          pfm_export_json_number (s, G_STRUCT_MEMBER (double, p, fields[f].offset));
          g_string_append_c (s, ',');
        }
      g_string_append_printf (s, "\n    \"modes_ok\": %s,", p->modes_ok ? "true" : "false");
      g_string_append_printf (s, "\n    \"self_focusing\": %s,", p->self_focusing ? "true" : "false");
      g_string_append_printf (s, "\n    \"defocusing\": %s,", p->defocusing ? "true" : "false");
      g_string_append (s, "\n    \"time_limit\": ");
      pfm_export_json_string (s, pfm_scaling_limit_name (p->time_limit));
      g_string_append (s, "\n  }");
    }
  g_string_append (s, n_points ? "\n]\n" : "]\n");
  return g_string_free (s, FALSE);
}

/**
 * pfm_scaling_to_csv:
 * @points: (array length=n_points): computed points
 * @n_points: how many
 *
 * CSV with a header row of the JSON names and one row per point; an
 * infinite value is an empty field, booleans are 0/1, time_limit is
 * "power" or "transit".
 *
 * Returns: (transfer full): the text
 */
char *
pfm_scaling_to_csv (const PfmScalingPoint *points, gsize n_points)
{
  g_return_val_if_fail (points != NULL || n_points == 0, NULL);

  GString *s = g_string_new (NULL);
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    g_string_append_printf (s, "%s,", fields[f].name);
  g_string_append (s, "modes_ok,self_focusing,defocusing,time_limit\n");

  for (gsize i = 0; i < n_points; i++)
    {
      const PfmScalingPoint *p = &points[i];
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          pfm_export_csv_number (s, G_STRUCT_MEMBER (double, p, fields[f].offset));
          g_string_append_c (s, ',');
        }
      g_string_append_printf (s, "%d,%d,%d,%s\n", p->modes_ok ? 1 : 0, p->self_focusing ? 1 : 0,
                              p->defocusing ? 1 : 0, pfm_scaling_limit_name (p->time_limit));
    }
  return g_string_free (s, FALSE);
}

/* Three significant digits, C locale, never "1e+03" for 999.96. */
static char *
format_mantissa (double v, double scale, double *shown)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.3g", v / scale);
  *shown = g_ascii_strtod (buf, NULL);
  return g_strdup (buf);
}

/**
 * pfm_scaling_format_volume:
 * @volume: a volume in m^3
 *
 * Formats @volume for people: µm³, mm³, cm³, litres or m³, three
 * significant digits.
 *
 * Returns: (transfer full): the text
 */
char *
pfm_scaling_format_volume (double volume)
{
  static const struct { double scale; const char *unit; } units[] = {
    { 1.0, "m³" }, { 1e-3, "L" }, { 1e-6, "cm³" }, { 1e-9, "mm³" }, { 1e-18, "µm³" },
  };

  if (!isfinite (volume))
    return g_strdup (isnan (volume) ? "undefined" : "infinite");
  if (volume == 0.0)
    return g_strdup ("0 m³");
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (fabs (volume) >= units[i].scale || i + 1 == G_N_ELEMENTS (units))
      {
        double shown;
        g_autofree char *m = format_mantissa (volume, units[i].scale, &shown);
        return g_strdup_printf ("%s %s", m, units[i].unit);
      }
  g_assert_not_reached ();
}

/**
 * pfm_scaling_format_value:
 * @value: a value in SI units
 * @unit: its SI unit: "m", "m^2", "m^3", "J", "s", "W", "W/m^2", "bit/s",
 *   ...; "" for a plain number
 *
 * Formats @value in engineering units with three significant digits:
 * 41.8 µJ, 1.03 mm, 17.3 cm, 24 ms, 267 mm², 92.6 days (lengths from
 * 1 cm to 1 m in cm, long times in hours or days, volumes as
 * pfm_scaling_format_volume()).  Plain numbers use
 * scientific notation (2.5e+07).  Infinity reads "infinite".
 *
 * Returns: (transfer full): the text (UTF-8)
 */
char *
pfm_scaling_format_value (double value, const char *unit)
{
  static const char *const prefixes[] = {
    "y", "z", "a", "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y",
  };
  const int zero = 8;   /* index of "" */
  double shown;

  g_return_val_if_fail (unit != NULL, NULL);

  if (isnan (value))
    return g_strdup ("undefined");
  if (isinf (value))
    return g_strdup (value > 0 ? "infinite" : "-infinite");
  if (unit[0] == '\0')
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3g", value));
    }
  if (strcmp (unit, "m^3") == 0)
    return pfm_scaling_format_volume (value);
  if (value == 0.0)
    return g_strdup_printf ("0 %s", unit);
  if (strcmp (unit, "s") == 0 && fabs (value) >= 1e3)
    {
      /* Long times read better in hours and days than in ks and Ms. */
      gboolean days = fabs (value) >= 2.0 * 86400.0;
      g_autofree char *m = format_mantissa (value, days ? 86400.0 : 3600.0, &shown);
      return g_strdup_printf ("%s %s", m, days ? "days" : "h");
    }

  /* Lengths between 1 cm and 1 m read as the paper writes them. */
  if (strcmp (unit, "m") == 0 && fabs (value) >= 1e-2 && fabs (value) < 1.0)
    {
      g_autofree char *m = format_mantissa (value, 1e-2, &shown);
      if (fabs (shown) < 100.0)
        return g_strdup_printf ("%s cm", m);
    }

  /* Areas step by 1e6 (mm^2, m^2, km^2), everything else by 1e3. */
  const gboolean area = strcmp (unit, "m^2") == 0;
  const int dim = area ? 2 : 1;
  const gboolean length = strcmp (unit, "m") == 0;
  const int lo = area ? -2 : -zero, hi = (area || length) ? 1 : zero;   /* no Mm */
  int e = (int) floor (log10 (fabs (value)) / (3.0 * dim));
  e = CLAMP (e, lo, hi);

  g_autofree char *m = format_mantissa (value, pow (10.0, 3.0 * dim * e), &shown);
  if (fabs (shown) >= 1000.0 && e < hi)
    {
      e++;
      g_free (m);
      m = format_mantissa (value, pow (10.0, 3.0 * dim * e), &shown);
    }
  g_autofree char *shown_unit = g_strdup (unit);
  char *sq = strstr (shown_unit, "^2");
  if (sq != NULL)
    {
      /* "W/m^2" -> "W/m²": the superscript is two bytes, like "^2". */
      memcpy (sq, "²", 2);
    }
  return g_strdup_printf ("%s %s%s", m, prefixes[e + zero], shown_unit);
}
