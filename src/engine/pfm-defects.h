/* pfm-defects.h - fabrication defects: a fabricated copy of the nominal device
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fabricated copy is the nominal design of the [tube] and [medium]
 * groups plus the perturbations of the [defects] group (docs/physics.md
 * section 4).  Every random choice is a counter-based hash of
 * (a per-model seed derived from defects.seed, integer coordinates), so a
 * copy is the same whatever order or thread computes it, and copy j of a
 * batch is reproducible from its seed alone.
 *
 * The models, in the order they act on a written voxel of nominal index
 * change w (medium.kind = random or file; nothing is written for none):
 *
 *   1. write error: w += sigma delta_n f(r), f a zero-mean unit-variance
 *      Gaussian field.  corr_length = 0: independent per voxel.
 *      corr_length = l_c > 0: correlation <f(r) f(r + d)> = exp(-|d|^2 / l_c^2)
 *      (so l_c is the lag where it falls to 1/e), made by smoothing
 *      independent Gaussians on a node lattice of spacing l_c / 2 with a
 *      Gaussian kernel of the same rms width and normalising the variance
 *      to 1 at every point; the discrete lattice leaves a relative ripple
 *      of about 4 exp(-pi^2) = 2e-4 on that correlation.  The field is
 *      sampled at voxel centres; below l_c = voxel / 3 neighbours
 *      correlate by less than exp(-9) and the independent model is used.
 *   2. scale and offset: w = (1 + scale_error) w + offset.
 *   3. stuck voxels: a fraction stuck_fraction of voxels, chosen by hash,
 *      reads exactly 0 (half of them) or +delta_n (the other half),
 *      whatever was to be written.
 *   4. drift: w *= exp(-drift_time / drift_tau) (the written index relaxes).
 *   5. inclusions (also in unwritten glass): spheres of radius R and
 *      index inclusion_dn (relative to n0) placed by a Poisson process of
 *      density inclusion_density over the written block, clipped to it.
 *      A voxel covered by a fraction phi of inclusions (the union of the
 *      spheres, measured on 4 x 4 x 4 points per voxel) becomes
 *      (1 - phi) w + phi inclusion_dn.  A point is covered with
 *      probability 1 - exp(-density 4/3 pi R^3), exactly.
 *
 * Geometry changes the guide (the cladding boundary), not the voxel
 * lattice: the core's half-side at voxel layer l (centre z_l) is
 *   h(z_l) = side/2 (1 + side_error) (1 + taper z_l / length),
 * and each of its four walls moves by its own Gaussian displacement of
 * rms roughness (clipped to 4 rms), drawn per voxel layer.  For the grin
 * profile the radius follows h(z) and one displacement per layer.
 *
 * Thermal: a transverse temperature gradient G along x, zero on the axis,
 * changes the index everywhere by dn_dT G x.  A linear index tilt steers a
 * beam: its centroid follows x(z) = dn_dT G z^2 / (2 n0) (the paraxial
 * equation's Ehrenfest theorem, exact for a linear potential).  A gradient
 * along z alone would only add a uniform phase per layer, which no
 * detector sees.
 *
 * I/O non-idealities are the configuration's beam.slm_bits,
 * detector.noise and detector.bits; pfm_defects_nominal() turns them off
 * for the reference device.
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"

G_BEGIN_DECLS

typedef struct _PfmDefects PfmDefects;

/* Refuse copies whose inclusions would take unreasonable work. */
#define PFM_DEFECTS_MAX_INCLUSIONS  (G_GUINT64_CONSTANT (1) << 24)

/* The walls of the core at one voxel layer (m, from the tube axis). */
typedef struct
{
  double x_lo, x_hi;
  double y_lo, y_hi;
  double radius;       /* grin: the core radius */
} PfmCoreBounds;

/* TRUE when any perturbation of the medium or the guide is non-zero
 * (the I/O non-idealities are not counted: they are not the medium). */
gboolean    pfm_defects_active          (const PfmConfig *cfg);
/* TRUE when a copy of @cfg has voxels that differ from the nominal ones. */
gboolean    pfm_defects_touch_voxels    (const PfmConfig *cfg);
/* TRUE when the guide's profile changes along z (taper or roughness). */
gboolean    pfm_defects_profile_varies  (const PfmConfig *cfg);

/* Sets every perturbation to zero, keeping the seed and the parameters
 * that only shape a perturbation (corr_length, inclusion_radius and _dn,
 * drift_tau, dn_dT): the medium becomes the nominal one. */
void        pfm_defects_clear           (PfmConfig       *cfg);
/* pfm_defects_clear() plus ideal I/O (no SLM quantisation, no detector
 * noise, no ADC): the reference a copy is measured against. */
void        pfm_defects_nominal         (PfmConfig       *cfg);

/* The voxel write errors σ (in units of δn) a sweep of defects.sigma
 * measures for a project whose σ is @sigma: from 0 to
 * max(0.2, 1.5 @sigma) rounded up to 1, 2 or 5 × 10^k, at 0, 5, 10, 25,
 * 50 and 100 % of that, with @sigma itself among them (when it is
 * positive).  Writes them to @out in ascending order and returns how many
 * (at most PFM_DEFECTS_SWEEP_MAX). */
#define PFM_DEFECTS_SWEEP_MAX 7
guint       pfm_defects_sweep_sigmas    (double           sigma,
                                         double           out[PFM_DEFECTS_SWEEP_MAX]);

/* The seed of copy @copy of a batch whose defects.seed is @batch_seed. */
guint64     pfm_defects_copy_seed       (guint64          batch_seed,
                                         guint64          copy);

/* The perturbations of @cfg for a voxel lattice of nvx x nvy x nvz, edge
 * @voxel, with @written voxels (medium.kind random or file).  NULL with
 * @error set when the inclusions would be too many. */
PfmDefects *pfm_defects_new             (const PfmConfig *cfg,
                                         int              nvx,
                                         int              nvy,
                                         int              nvz,
                                         double           voxel,
                                         gboolean         written,
                                         GError         **error);
void        pfm_defects_free            (PfmDefects      *defects);

/* TRUE when the voxels differ from the nominal ones. */
gboolean    pfm_defects_changes_voxels  (const PfmDefects *defects);

/* Turns the nominal voxel layer @iz (nvx * nvy values, x fastest) into the
 * copy's, in place. */
void        pfm_defects_apply_layer     (const PfmDefects *defects,
                                         int               iz,
                                         float            *layer);

/* A bound on |dn| of the copy's voxels given a bound on the nominal ones
 * (for the step-phase check when the copy is not materialised). */
double      pfm_defects_voxel_bound     (const PfmDefects *defects,
                                         double            nominal_bound);

/* The core's walls at voxel layer @layer; @layer < 0 gives the
 * z-independent part (side error only). */
void        pfm_defects_core_bounds     (const PfmDefects *defects,
                                         int               layer,
                                         PfmCoreBounds    *bounds);

/* Index change of the temperature gradient at @x (m). */
double      pfm_defects_thermal_dn      (const PfmDefects *defects,
                                         double            x);

/* The unit-variance write-error field f at voxel (ix, iy, iz), as used by
 * pfm_defects_apply_layer (for tests and views; slow per call). */
double      pfm_defects_noise_at        (const PfmDefects *defects,
                                         int               ix,
                                         int               iy,
                                         int               iz);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmDefects, pfm_defects_free)

G_END_DECLS
