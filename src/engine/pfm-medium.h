/* pfm-medium.h - the tube: guiding profile and the voxel index map
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-defects.h"
#include "pfm-types.h"

G_BEGIN_DECLS

#define PFM_MEDIUM_ERROR (pfm_medium_error_quark ())

typedef enum {
  PFM_MEDIUM_ERROR_FORMAT,
  PFM_MEDIUM_ERROR_TOO_LARGE,
} PfmMediumError;

/* Largest index map accepted from a file (voxels). */
#define PFM_MEDIUM_MAX_FILE_VOXELS (G_GUINT64_CONSTANT (1) << 28)

/* A fabricated copy's voxels are computed once and kept when they take at
 * most this many bytes; larger copies are recomputed layer by layer. */
#define PFM_MEDIUM_MAX_COPY_BYTES  (G_GUINT64_CONSTANT (256) << 20)

struct _PfmMedium
{
  PfmProfile    profile;
  PfmMediumKind kind;
  double        n0;
  double        side;
  double        length;
  double        na;
  double        grin_delta;
  double        delta_n;
  double        voxel;     /* voxel edge a_vox, m */
  guint64       seed;
  /* Voxel lattice aligned with the core's corner (x = y = -side/2, z = 0). */
  int           nvx, nvy, nvz;
  /* kind = file: nvx * nvy * nvz values, x fastest. */
  float        *map;
  double        max_abs_dn;  /* bound on |dn| of voxels + profile */
  double        profile_abs_dn; /* its parts: the guide's profile (and a copy's temperature tilt) ... */
  double        voxel_abs_dn;   /* ... and the voxels (random, the map's largest, a copy's) */

  /* A fabricated copy (pfm-defects.h); NULL for the nominal device. */
  PfmDefects   *defects;
  float        *copy_map;        /* the copy's voxels when materialised, x fastest */
  gboolean      has_voxels;      /* the voxel lattice carries an index (written, or inclusions) */
  gboolean      profile_varies;  /* the guide changes along z (taper, roughness) */
  int           nlz;             /* z layers of edge voxel the propagator distinguishes */
};

GQuark     pfm_medium_error_quark (void);

PfmMedium *pfm_medium_new        (const PfmConfig *cfg,
                                  GError         **error);
void       pfm_medium_free       (PfmMedium       *medium);

/* Index change of the guiding profile (relative to n0) averaged over the
 * pixel of edge @dx centred at (x, y).  For a copy this includes the
 * z-independent defects (side error, temperature gradient); where the
 * profile varies along z (profile_varies), use pfm_medium_fill_profile. */
double     pfm_medium_profile_dn (const PfmMedium *medium,
                                  double           x,
                                  double           y,
                                  double           dx);

/* The profile of voxel layer @layer (z in [layer, layer + 1) voxel edges)
 * on an n x n grid of spacing @dx centred on the axis (x_i = (i - n/2) dx),
 * times @scale, into @out (n * n floats, x fastest).  @scratch holds 3 n
 * doubles (a caller that fills many layers keeps one and so allocates
 * nothing), or is NULL. */
void       pfm_medium_fill_profile (const PfmMedium *medium,
                                    int              layer,
                                    int              n,
                                    double           dx,
                                    double           scale,
                                    float           *out,
                                    double          *scratch);

/* Voxels of edge @voxel along @extent: the lattice of a random medium
 * (at least 1; an exact multiple gains no sliver voxel). */
int        pfm_medium_lattice_count (double extent,
                                     double voxel);

/* Bytes a copy of @cfg keeps for its voxels (0 for the nominal device or
 * a copy recomputed layer by layer); for memory estimates. */
guint64    pfm_medium_estimate_copy_bytes (const PfmConfig *cfg);

/* Voxel lattice index of coordinate @x (transverse), or -1 outside the core. */
int        pfm_medium_voxel_index (const PfmMedium *medium,
                                   double           x,
                                   int              count);

/* dn of voxel (ix, iy, iz); 0 outside the lattice.  For a copy that is
 * not materialised this computes a whole layer (slow per call). */
float      pfm_medium_voxel_dn   (const PfmMedium *medium,
                                  int              ix,
                                  int              iy,
                                  int              iz);

/* Fills the layer @iz: nvx * nvy values, x fastest. */
void       pfm_medium_fill_layer (const PfmMedium *medium,
                                  int              iz,
                                  float           *layer);

/* The sample's parameter count: written voxels inside the core. */
guint64    pfm_medium_n_parameters (const PfmMedium *medium);

/* Index-map files: see the README ("Index-map file format"). */
gboolean   pfm_medium_load_map   (const char      *path,
                                  int             *nx,
                                  int             *ny,
                                  int             *nz,
                                  float          **values,
                                  GError         **error);
/* The same from memory (a fuzz target's entry point); @name stands for
 * the file in messages (NULL: "index map"). */
gboolean   pfm_medium_load_map_data (const char   *data,
                                     gsize         len,
                                     const char   *name,
                                     int          *nx,
                                     int          *ny,
                                     int          *nz,
                                     float       **values,
                                     GError      **error);
gboolean   pfm_medium_save_map   (const char      *path,
                                  int              nx,
                                  int              ny,
                                  int              nz,
                                  const float     *values,
                                  GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmMedium, pfm_medium_free)

G_END_DECLS
