/* pfm-volume-data.h - the volume the renderer draws, on the CPU side (no GL)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nz slices of nx x ny samples, x fastest then y then slice (the engine's
 * PfmRecord layout).  The box spans the sampled window transversely and
 * the whole tube, z in [0, length], along the axis; the slices cover
 * [z_first, z_last] of it (all of it once a run is complete, the part the
 * light has reached while it streams in).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int     nx, ny, nz;
  int     capacity;       /* slices allocated (>= nz) */
  float  *intensity;      /* W/m^2, nx * ny * capacity */
  float  *dn;             /* index change, same layout; NULL if unknown */
  double  x0, y0;         /* m, centre of sample (0, 0) */
  double  dx, dy;         /* m, sample spacing */
  double  z_first, z_last;/* m, positions of the first and last slice */
  double  length;         /* m, the tube's length (the box's z extent) */
  double  max_intensity;  /* W/m^2, over all slices */
  double  max_abs_dn;
} PfmVolumeData;

/* An empty volume of nx x ny slices (append with _append_slice). */
PfmVolumeData *pfm_volume_data_new          (int                  nx,
                                             int                  ny,
                                             double               x0,
                                             double               y0,
                                             double               dx,
                                             double               dy,
                                             double               length,
                                             gboolean             with_dn);
/* A complete volume, copying @intensity and @dn (may be NULL); @z holds
 * the nz slice positions. */
PfmVolumeData *pfm_volume_data_new_full     (int                  nx,
                                             int                  ny,
                                             int                  nz,
                                             const float         *intensity,
                                             const float         *dn,
                                             double               x0,
                                             double               y0,
                                             double               dx,
                                             double               dy,
                                             const double        *z,
                                             double               length);
PfmVolumeData *pfm_volume_data_copy         (const PfmVolumeData *data);
/* The colour range of the index, ±r: symmetric about 0 out to the largest
 * |δn| (max_abs_dn), so the data's minimum and maximum both lie inside it
 * and neither end saturates.  NAN without an index (or an all-zero one). */
double         pfm_volume_data_index_range  (const PfmVolumeData *data);
void           pfm_volume_data_free         (PfmVolumeData       *data);

/* Appends slice @z (nx * ny values, x fastest; @dn may be NULL). */
void           pfm_volume_data_append_slice (PfmVolumeData       *data,
                                             double               z,
                                             const float         *intensity,
                                             const float         *dn);

/* Transverse extents of the box (m). */
double         pfm_volume_data_width        (const PfmVolumeData *data);
double         pfm_volume_data_height       (const PfmVolumeData *data);

/* A copy that fits: no side above @max_side and at most @max_bytes at
 * @bytes_per_voxel, averaging blocks of samples (a box filter) where it
 * must shrink.  Returns a plain copy when it already fits; sets
 * *@downsampled when it did not. */
PfmVolumeData *pfm_volume_data_fit          (const PfmVolumeData *data,
                                             int                  max_side,
                                             guint64              max_bytes,
                                             int                  bytes_per_voxel,
                                             gboolean            *downsampled);

/* Where a box fraction fz in [0, 1] along z (0: input facet) samples the
 * texture of @depth slices: tex_z = fz * scale + offset, valid for fz in
 * [valid_min, valid_max]. */
void           pfm_volume_data_z_mapping    (const PfmVolumeData *data,
                                             int                  depth,
                                             double              *scale,
                                             double              *offset,
                                             double              *valid_min,
                                             double              *valid_max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmVolumeData, pfm_volume_data_free)

G_END_DECLS
