/* pfm-volume-area-private.h - the volume area's state, shared by its three files
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PfmVolumeArea is one GtkGLArea subclass written in three files:
 * pfm-volume-area.c (the widget: API, properties, realize, state),
 * pfm-volume-renderer.c (the GL side: programs, textures, the frame's
 * passes) and pfm-volume-input.c (pointer, scroll, key and gesture
 * handling).  They share the instance struct below and the few functions
 * declared here; nothing outside src/render includes this header.
 */
#pragma once

#include <epoxy/gl.h>

#include "pfm-volume-area.h"

G_BEGIN_DECLS

enum { DRAG_NONE, DRAG_ORBIT, DRAG_PAN, DRAG_PLANE };

struct _PfmVolumeArea
{
  GtkGLArea        parent_instance;

  /* GL objects (valid between realize and unrealize) */
  gboolean         gl_ready;
  gboolean         es;
  GLuint           volume_program;
  GLuint           lines_program;
  GLuint           vao;
  GLuint           line_vao;
  GLuint           line_vbo;
  GLuint           field_tex;
  GLuint           index_tex;
  GLuint           lut_tex;
  GLuint           lod_fbo;
  GLuint           lod_tex;
  int              lod_w, lod_h;
  GLint            max_3d;
  GLint            max_fb;
  struct {
    GLint inv_view_proj, eye, half, field, index, lut, channel, log, decades, norm;
    GLint index_range, index_opacity, step, ref_step, max_steps, zmap, planes, seed;
    GLint view_proj, color;
  } u;

  /* what the GPU holds */
  const PfmVolumeData *gpu;    /* data, or fitted when data had to shrink */
  PfmVolumeData   *fitted;
  int              fitted_from_nz;
  gboolean         downsampled;
  int              tex_nx, tex_ny, tex_depth, tex_nz;
  float            tex_scale;  /* intensity texture holds I / tex_scale */
  float            dn_scale;   /* index texture holds dn / dn_scale */
  gboolean         full_upload;
  gboolean         lut_dirty;
  guint64          budget;

  /* the scene */
  PfmVolumeData   *data;
  gboolean         streaming;
  PfmTransfer     *tf;
  PfmVolumeChannel channel;
  double           z_compression;   /* 0 = automatic */
  double           index_range;     /* NAN = the volume's largest */
  double           tube[2];         /* m; 0 = the box */
  gboolean         wireframe;
  gboolean         plane_on[3];
  double           plane_pos[3];
  int              hover_plane;
  PfmCamera        camera;
  gboolean         camera_set;
  double           cam_half[3];     /* box the camera was fitted to */
  double           rest_quality;
  double           lod_quality;

  /* interaction */
  gboolean         settling;        /* drawn coarse until the tick says it settled */
  gint64           last_event;
  guint            settle_tick;
  int              drag_mode;
  int              drag_plane;
  double           drag_point[3];
  double           drag_last[2];
  double           zoom_distance;

  GError          *error;
};

/* pfm-volume-area.c */

/* The data's physical box (m): its lower corner and side lengths; a
 * unit-wide placeholder box when there is no data. */
void     pfm_volume_area_physical_box        (PfmVolumeArea *self,
                                              double         lo[3],
                                              double         len[3]);
/* Refits the camera when the box changed shape, keeping its direction. */
void     pfm_volume_area_update_camera_box   (PfmVolumeArea *self);
/* Records the first GL failure (takes @error) and notifies "error". */
void     pfm_volume_area_set_gl_error        (PfmVolumeArea *self,
                                              GError        *error);
/* Emit the "uploaded" and "planes-changed" signals. */
void     pfm_volume_area_emit_uploaded       (PfmVolumeArea *self);
void     pfm_volume_area_emit_planes_changed (PfmVolumeArea *self);

/* pfm-volume-renderer.c */

/* Compiles the programs and makes the buffers and the LUT texture, with
 * a current context of a usable version; FALSE (error set) on failure. */
gboolean pfm_volume_renderer_setup           (PfmVolumeArea *self);
/* Frees every GL object and the GPU-side copy of the data. */
void     pfm_volume_renderer_teardown        (PfmVolumeArea *self);
/* The GtkGLArea::render handler. */
gboolean pfm_volume_renderer_render          (GtkGLArea     *area,
                                              GdkGLContext  *context);

/* pfm-volume-input.c */

/* Adds the drag, zoom, scroll, motion and key controllers. */
void     pfm_volume_input_attach             (PfmVolumeArea *self);
/* Something moved: draw coarse frames until the interaction settles. */
void     pfm_volume_input_touched            (PfmVolumeArea *self);

G_END_DECLS
