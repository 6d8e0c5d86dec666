/* pfm-volume-area.h - the OpenGL volume renderer of the propagating field
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkGLArea that ray-marches the recorded intensity (and the index
 * change as context) through the tube.  GL 3.3 core, or GLSL ES 3.00 when
 * the context is GLES.  When GL cannot be had or a shader fails, the
 * "error" property says why (shader log included) and nothing is drawn:
 * the owner shows a fallback.
 */
#pragma once

#include <gtk/gtk.h>

#include "pfm-camera.h"
#include "pfm-color-bar.h"
#include "pfm-transfer.h"
#include "pfm-volume-data.h"

G_BEGIN_DECLS

typedef enum {
  PFM_VOLUME_CHANNEL_FIELD,
  PFM_VOLUME_CHANNEL_INDEX,
  PFM_VOLUME_CHANNEL_BOTH,
} PfmVolumeChannel;

#define PFM_TYPE_VOLUME_AREA (pfm_volume_area_get_type ())
G_DECLARE_FINAL_TYPE (PfmVolumeArea, pfm_volume_area, PFM, VOLUME_AREA, GtkGLArea)

GtkWidget        *pfm_volume_area_new              (void);

/* Replaces the volume (copied).  Sets up the camera the first time and
 * whenever the box changes shape. */
void              pfm_volume_area_set_data         (PfmVolumeArea       *self,
                                                    const PfmVolumeData *data);
const PfmVolumeData *pfm_volume_area_get_data      (PfmVolumeArea       *self);
void              pfm_volume_area_clear            (PfmVolumeArea       *self);
/* Progressive display: an empty volume of nx x ny slices over a tube of
 * @length, then slices as the engine produces them (intensity only). */
void              pfm_volume_area_begin_stream     (PfmVolumeArea       *self,
                                                    int                  nx,
                                                    int                  ny,
                                                    double               x0,
                                                    double               y0,
                                                    double               dx,
                                                    double               dy,
                                                    double               length);
void              pfm_volume_area_append_slice     (PfmVolumeArea       *self,
                                                    double               z,
                                                    const float         *intensity);
gboolean          pfm_volume_area_is_streaming     (PfmVolumeArea       *self);

/* The tube's core (m): drawn as the wireframe box.  0 = the volume's box. */
void              pfm_volume_area_set_tube         (PfmVolumeArea       *self,
                                                    double               side_x,
                                                    double               side_y);
/* Whether the tube's outline is drawn (on by default). */
void              pfm_volume_area_set_wireframe    (PfmVolumeArea       *self,
                                                    gboolean             show);
/* The index change shown at full contrast (NAN: the volume's largest). */
void              pfm_volume_area_set_index_range  (PfmVolumeArea       *self,
                                                    double               range);

void              pfm_volume_area_set_transfer     (PfmVolumeArea       *self,
                                                    const PfmTransfer   *tf);
const PfmTransfer *pfm_volume_area_get_transfer    (PfmVolumeArea       *self);
void              pfm_volume_area_set_channel      (PfmVolumeArea       *self,
                                                    PfmVolumeChannel     channel);
PfmVolumeChannel  pfm_volume_area_get_channel      (PfmVolumeArea       *self);
/* 0 = automatic (the box about three widths long). */
void              pfm_volume_area_set_z_compression (PfmVolumeArea      *self,
                                                     double              compression);
/* The compression in effect (resolves automatic). */
double            pfm_volume_area_get_effective_z_compression (PfmVolumeArea *self);

/* Axis-aligned slice planes, @axis 0..2 (x, y, z), @position a fraction of
 * the box along that axis. */
void              pfm_volume_area_set_slice_plane  (PfmVolumeArea       *self,
                                                    int                  axis,
                                                    gboolean             enabled,
                                                    double               position);
gboolean          pfm_volume_area_get_slice_plane  (PfmVolumeArea       *self,
                                                    int                  axis,
                                                    double              *position);
/* A plane's position in metres (x, y from the axis; z from the input). */
double            pfm_volume_area_slice_plane_coordinate (PfmVolumeArea *self,
                                                          int            axis);

void              pfm_volume_area_reset_view       (PfmVolumeArea       *self,
                                                    PfmCameraPreset      preset);
const PfmCamera  *pfm_volume_area_get_camera       (PfmVolumeArea       *self);
void              pfm_volume_area_set_camera       (PfmVolumeArea       *self,
                                                    const PfmCamera     *camera);
/* World position of a physical point (m; z from the input facet). */
void              pfm_volume_area_world_from_physical (PfmVolumeArea    *self,
                                                       const double      physical[3],
                                                       double            world[3]);
void              pfm_volume_area_get_box          (PfmVolumeArea       *self,
                                                    double               half[3]);

void              pfm_volume_area_set_memory_budget (PfmVolumeArea      *self,
                                                     guint64             bytes);

/* What the GPU holds: its size and whether it had to shrink. */
gboolean          pfm_volume_area_get_texture_size (PfmVolumeArea       *self,
                                                    int                  size[3],
                                                    gboolean            *downsampled);
/* NULL while the renderer works. */
const GError     *pfm_volume_area_get_error        (PfmVolumeArea       *self);

/* The colour scale in use, for a colour bar (strings are static). */
void              pfm_volume_area_get_color_bar_spec (PfmVolumeArea     *self,
                                                      PfmColorBarSpec   *spec);

/* Renders the current view offscreen at @width x @height: RGBA8, top row
 * first.  @interactive: at interactive quality.  The area must be
 * realized. */
guint8           *pfm_volume_area_render_pixels    (PfmVolumeArea       *self,
                                                    int                  width,
                                                    int                  height,
                                                    gboolean             interactive,
                                                    GError             **error);

G_END_DECLS
