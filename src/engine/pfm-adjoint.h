/* pfm-adjoint.h - the split-step scheme with its exact reverse mode (docs/physics.md section 5)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The differentiable twin of pfm-bpm: the same discrete scheme (Strang
 * splitting with merged half steps, the same diffraction propagators, the
 * voxel layers averaged exactly over each step, the Kerr phase, loss and
 * absorbing boundary, the detector regions), in double precision, with
 * the forward fields and pointwise factors kept so that the gradient of any function of the
 * detector powers with respect to every voxel's dn comes out of one
 * backward sweep.  The reverse mode is that of the discrete scheme itself,
 * not of the continuous equation, so it is exact for what is computed.
 *
 * FFTW's shape: pfm_adjoint_new() plans and allocates; forward/backward
 * execute without allocating; one instance per thread.
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-types.h"

G_BEGIN_DECLS

typedef struct _PfmAdjoint PfmAdjoint;

/* Bytes a PfmAdjoint for @cfg needs (every step's field and pointwise
 * factor kept, or checkpoints every ~sqrt(steps) steps when that is over
 * @budget). */
guint64      pfm_adjoint_estimate_memory (const PfmConfig *cfg,
                                          guint64          budget);

/* Plans for @cfg's grid, tube and detector; the voxel lattice is the one a
 * random medium of @cfg would have (or the index map's, for kind = file).
 * Refuses, with PFM_BPM_ERROR_MEMORY, a set-up over @budget bytes (0 = the
 * engine's default budget). */
PfmAdjoint  *pfm_adjoint_new          (const PfmConfig *cfg,
                                       guint64          budget,
                                       GError         **error);
void         pfm_adjoint_free         (PfmAdjoint      *adj);

/* The voxel lattice: nvx * nvy * nvz values, x fastest (the index-map order). */
void         pfm_adjoint_get_lattice  (const PfmAdjoint *adj,
                                       int             *nvx,
                                       int             *nvy,
                                       int             *nvz);
gsize        pfm_adjoint_n_voxels     (const PfmAdjoint *adj);
int          pfm_adjoint_n_regions    (const PfmAdjoint *adj);
/* TRUE when the field was stored at checkpoints only (backward recomputes). */
gboolean     pfm_adjoint_checkpointed (const PfmAdjoint *adj);

/* @medium's voxels (its copy's, if it has defects), layer by layer, as a
 * dn array on this lattice; @medium must have the same lattice. */
void         pfm_adjoint_read_medium  (const PfmAdjoint *adj,
                                       const PfmMedium  *medium,
                                       double           *dn);

/* The voxel index map the next forward run uses (not copied: keep it
 * alive and unchanged until the matching backward run). */
void         pfm_adjoint_set_dn       (PfmAdjoint      *adj,
                                       const double    *dn);

/* The SLM input for the macro-pixel values @values (beam.slm_pixels of
 * them, in [0, 1]), as pfm-beam writes it, into the instance. */
void         pfm_adjoint_set_input_values (PfmAdjoint   *adj,
                                           const double *values);
/* Or an explicit field, n * n interleaved complex floats (W/m^2 in |E|^2). */
void         pfm_adjoint_set_input_field  (PfmAdjoint   *adj,
                                           const float  *field);

/* Propagates the input to the output facet and writes each detector
 * region's power (W, ideal detector) to @powers.  Returns a bound on
 * the largest real-space phase of one step (rad: max |phi| + |k0 n2 dz|
 * max |E|^2): above PFM_BPM_MAX_STEP_PHASE the
 * scheme is under-resolved, as pfm_bpm_run would report. */
double       pfm_adjoint_forward      (PfmAdjoint      *adj,
                                       double          *powers);

/* Given dL/dp_k for the last forward run, ADDS dL/d(dn_v) for every voxel
 * to @grad_dn (n_voxels values). */
void         pfm_adjoint_backward     (PfmAdjoint      *adj,
                                       const double    *dl_dpowers,
                                       double          *grad_dn);

/* For benchmarks: four transforms of the grid (two forward, two inverse,
 * the plans of the run), on a scratch buffer; a step of forward plus
 * backward costs four.  The number of steps of a run. */
void         pfm_adjoint_fft_quad     (PfmAdjoint      *adj);
guint        pfm_adjoint_n_steps      (const PfmAdjoint *adj);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmAdjoint, pfm_adjoint_free)

G_END_DECLS
