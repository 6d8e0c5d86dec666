/* pfm-scaling.h - the scaling model: an optical PFM against a GPU fleet
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The back-of-the-envelope model of Wright, Wang, Onodera and McMahon,
 * "Physical Foundation Models", arXiv:2604.27911 (2026), Sec. III.1,
 * Appendix A and Table 1, as specified in docs/physics.md section 2.
 * Pure functions of their inputs: no GTK, no global state.  Everything is
 * SI (m, s, W, J, m^2/W, bit).
 */
#pragma once

#include <glib.h>

#include "pfm-types.h"

G_BEGIN_DECLS

#define PFM_SCALING_ERROR (pfm_scaling_error_quark ())

typedef enum {
  PFM_SCALING_ERROR_INVALID,   /* an input is not finite or out of its accepted range */
  PFM_SCALING_ERROR_RANGE,     /* every input is valid, but a result is not representable */
} PfmScalingError;

/* Which bound sets the optical time per inference. */
typedef enum {
  PFM_SCALING_LIMIT_POWER,     /* E / P_avg: the average-power limit of the tube */
  PFM_SCALING_LIMIT_TRANSIT,   /* n L / c: the pulse's transit through the tube */
} PfmScalingLimit;

/* The assumptions.  pfm_scaling_inputs_init() fills the defaults written
 * after each field (those of docs/physics.md section 2 and docs/cli.md's
 * [scaling] keys); pfm_scaling_inputs_from_config() fills them from a
 * project.  The memory and planar fields are the paper's Sec. I and II
 * figures and are not project keys. */
typedef struct
{
  /* Optics ([optics] keys). */
  double wavelength;        /* m, vacuum wavelength lambda: 1.55e-6 */
  double n;                 /* mean refractive index (fused silica): 1.5 */
  double n2;                /* m^2/W, Kerr index: 1e-20.  n2 < 0 (self-defocusing)
                             * is accepted: see pfm_scaling_compute() */

  /* Optical PFM ([scaling] keys). */
  double aspect;            /* tube length / side r: 1000 */
  double beam_fraction;     /* beam side / tube side: 0.5 */
  double phi_nl;            /* rad, target nonlinear phase: 2 pi */
  double pulse;             /* s, pulse duration tau: 1e-12 */
  double e_io;              /* J per input or output element: 1e-10 */
  double p_avg;             /* W, average optical power limit: 1e3 */
  double io_exponent;       /* N_io = P^io_exponent: 1/3 (0.333333333) */
  double bits;              /* bits per I/O element (data rate): 2 */

  /* Digital reference, a B200-class GPU fleet ([scaling] keys). */
  double e_op;              /* J per 8-bit operation, one per parameter: 1e-12 */
  double gpu_mem;           /* B of memory per GPU: 192e9 */
  double gpu_bw;            /* B/s of memory bandwidth per GPU: 8e12 */
  double gpu_volume;        /* m^3 per GPU: 1e-3 */
  double bytes_per_param;   /* B per parameter on the GPU: 1 */
  double gpu_gain;          /* yearly improvement factor g: 1.5 */
  double years;             /* years ahead: digital energy and time / g^years: 0 */

  /* Memory argument (paper Sec. I; not project keys). */
  double mem_bits_per_param;/* bit per stored parameter: 8 */
  double mem_density;       /* bit/m^2 of 3D-NAND: 30 Gb/mm^2 = 3e16 */
  double mem_layer;         /* m, thickness of one memory layer: 50e-6 */
  double mem_read_rate;     /* bit/s, bandwidth to read the model: 1e12 */

  /* Planar comparison (paper Sec. II; not project keys). */
  double wafer_diameter;    /* m, metasurface wafer: 0.3 */
  double pixel_pitch;       /* m, metasurface pixel edge: 250e-9 */
  double slm_pixels;        /* pixels of the largest programmable SLMs: 1e7 */
} PfmScalingInputs;

/* Every derived quantity at one parameter count P.  The double fields are
 * listed, with names, units and descriptions, by pfm_scaling_fields(). */
typedef struct
{
  double params;            /* P */

  /* Optical PFM: geometry. */
  double voxel;             /* m, a_vox = lambda / n */
  double volume;            /* m^3, V = P a_vox^3 */
  double side;              /* m, s = (V / r)^(1/3) */
  double length;            /* m, L = r s */
  double area;              /* m^2, A = s^2 */
  double modes;             /* guided modes M = A n^2 / lambda^2 */
  double io_dim;            /* N_io = P^io_exponent (not rounded) */
  gboolean modes_ok;        /* M >= N_io */

  /* Optical PFM: Kerr nonlinearity, energy, time. */
  double beam_area;         /* m^2, A0 = (beam_fraction s)^2 */
  double peak_power;        /* W, P0 = Phi_NL lambda A0 / (2 pi |n2| L) */
  double peak_intensity;    /* W/m^2, P0 / A0 */
  double pulse_energy;      /* J, P0 tau */
  double io_energy;         /* J, 2 N_io e_io */
  double energy;            /* J per inference, pulse + I/O */
  double power_time;        /* s, E / P_avg */
  double transit_time;      /* s, n L / c */
  double time;              /* s per inference, the larger of the two */
  PfmScalingLimit time_limit;
  double io_rate_bps;       /* bit/s, N_io bits / t */

  /* Self-focusing (Marburger; INFINITY where there is none). */
  double p_cr;              /* W, 3.77 lambda^2 / (8 pi n n2) */
  double p_lens;            /* W, lambda^2 / (2 pi n n2) */
  double beam_waist;        /* m, w0 = sqrt(2 A0 / pi) (same peak intensity) */
  double rayleigh_range;    /* m, z_R = pi n w0^2 / lambda */
  double collapse_distance; /* m, Marburger's fit; INFINITY for P0 <= P_cr */
  gboolean self_focusing;   /* collapse_distance < length */
  gboolean defocusing;      /* n2 < 0: no collapse at any power */

  /* Digital reference. */
  double digital_energy;    /* J, P e_op / g^years */
  double digital_time;      /* s, gpu_mem / gpu_bw / g^years (flat in P) */
  double digital_gpus;      /* P bytes_per_param / gpu_mem (fractional) */
  double digital_volume;    /* m^3, GPUs x gpu_volume */
  double digital_cube_side; /* m, digital_volume^(1/3) */
  double energy_ratio;      /* digital / optical */
  double time_ratio;        /* digital / optical */

  /* Memory argument. */
  double memory_bits;       /* bit, P mem_bits_per_param */
  double memory_area;       /* m^2 of 3D-NAND at mem_density */
  double memory_volume;     /* m^3, area x mem_layer (stacking keeps it) */
  double memory_cube_side;  /* m */
  double memory_read_time;  /* s, bits / mem_read_rate */

  /* Planar comparison. */
  double metasurface_params;/* pi (D/2)^2 / pitch^2 */
  double slm_params;        /* slm_pixels */
  double metasurface_wafers;/* P / metasurface_params */
} PfmScalingPoint;

typedef enum {
  PFM_SCALING_FIELD_MAY_BE_INFINITE = 1 << 0,  /* INFINITY means "none" (JSON null) */
  PFM_SCALING_FIELD_MAY_BE_ZERO     = 1 << 1,
} PfmScalingFieldFlags;

/* One double field of PfmScalingPoint, for JSON/CSV columns and tooltips. */
typedef struct
{
  const char          *name;        /* JSON key and CSV column */
  const char          *unit;        /* SI unit, "" when dimensionless */
  gsize                offset;      /* into PfmScalingPoint */
  PfmScalingFieldFlags flags;
  const char          *description;
} PfmScalingField;

/* The paper's Table 1 as published (order of magnitude, rounded up), with
 * Appendix A's unrounded peak power and pulse energy.  Reference data:
 * shown beside the computed values, never in place of them. */
typedef struct
{
  double params;
  double optical_side;      /* m */
  double optical_length;    /* m */
  double optical_energy;    /* J */
  double optical_time;      /* s */
  double digital_cube_side; /* m */
  double digital_energy;    /* J */
  double digital_time;      /* s */
  double peak_power;        /* W (Appendix A) */
  double pulse_energy;      /* J (Appendix A) */
} PfmScalingPublished;

GQuark                     pfm_scaling_error_quark        (void);

void                       pfm_scaling_inputs_init        (PfmScalingInputs       *in);
void                       pfm_scaling_inputs_from_config (PfmScalingInputs       *in,
                                                           const PfmConfig        *cfg);
gboolean                   pfm_scaling_inputs_validate    (const PfmScalingInputs *in,
                                                           GError                **error);

gboolean                   pfm_scaling_compute            (const PfmScalingInputs *in,
                                                           double                  params,
                                                           PfmScalingPoint        *out,
                                                           GError                **error);
PfmScalingPoint           *pfm_scaling_compute_list       (const PfmScalingInputs *in,
                                                           const double           *params,
                                                           gsize                   n_params,
                                                           GError                **error);
PfmScalingPoint           *pfm_scaling_sweep              (const PfmScalingInputs *in,
                                                           double                  p_min,
                                                           double                  p_max,
                                                           guint                   n_points,
                                                           GError                **error);

double                     pfm_scaling_critical_power     (double                  wavelength,
                                                           double                  n,
                                                           double                  n2);
double                     pfm_scaling_collapse_distance  (double                  power,
                                                           double                  p_cr,
                                                           double                  rayleigh_range);

const char                *pfm_scaling_limit_name         (PfmScalingLimit         limit);
const PfmScalingField     *pfm_scaling_fields             (guint                  *n_fields);
const PfmScalingPublished *pfm_scaling_published          (guint                  *n_rows);
const PfmScalingPublished *pfm_scaling_published_lookup   (double                  params);

char                      *pfm_scaling_to_json            (const PfmScalingPoint  *points,
                                                           gsize                   n_points);
char                      *pfm_scaling_to_csv             (const PfmScalingPoint  *points,
                                                           gsize                   n_points);

char                      *pfm_scaling_format_value       (double                  value,
                                                           const char             *unit);
char                      *pfm_scaling_format_volume      (double                  volume);

G_END_DECLS
