/* pfm-camera.h - the volume view's orbit camera and projection (no GL)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * World coordinates: the recorded volume is a box centred on the origin,
 * x and y transverse, z along the tube (the direction of propagation).
 * Matrices are 4x4, column-major (OpenGL's layout), in single precision
 * because that is what the shaders get; the camera state is double.
 * Pixel coordinates have their origin at the top left of the viewport.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PFM_CAMERA_OBLIQUE,   /* the default three-quarter view */
  PFM_CAMERA_SIDE,      /* z to the right, y up */
  PFM_CAMERA_END_ON,    /* looking back along the tube at the output facet */
} PfmCameraPreset;

typedef struct
{
  double yaw;           /* rad, about world y; 0: eye on +z */
  double pitch;         /* rad, elevation above the xz plane */
  double distance;      /* eye to target, world units */
  double target[3];     /* the point the camera orbits (pan moves it) */
  double fov_y;         /* rad, vertical field of view */
  double radius;        /* bounding radius of the scene (for fit and limits) */
} PfmCamera;

/* Half extents of the volume box in world units: the transverse size is
 * normalised to a width of 1 (the larger side), and z is shortened by
 * @z_compression (>= 1 shortens, 1 = true proportions). */
void     pfm_volume_box_half_extents (double           lx,
                                      double           ly,
                                      double           lz,
                                      double           z_compression,
                                      double           half[3]);

/* The z compression that gives the box a length of @aspect widths
 * (never below 1: a short sample is shown in true proportions). */
double   pfm_volume_auto_z_compression (double         lx,
                                        double         lz,
                                        double         aspect);

/* Sets the camera to look at a box of half extents @half from a preset
 * direction, at the distance where all its corners fit a viewport of
 * @aspect (width / height) with a small margin. */
void     pfm_camera_reset       (PfmCamera        *camera,
                                 const double      half[3],
                                 PfmCameraPreset   preset,
                                 double            aspect);
/* Keeps the direction; moves the eye to the distance where the box fits. */
void     pfm_camera_fit         (PfmCamera        *camera,
                                 const double      half[3],
                                 double            aspect);
void     pfm_camera_orbit       (PfmCamera        *camera,
                                 double            dyaw,
                                 double            dpitch);
/* Multiplies the distance by @factor (clamped to a sensible range). */
void     pfm_camera_zoom        (PfmCamera        *camera,
                                 double            factor);
/* Moves the target so that the scene follows a drag of (dx, dy) pixels
 * in a viewport @height pixels high. */
void     pfm_camera_pan         (PfmCamera        *camera,
                                 double            dx,
                                 double            dy,
                                 double            height);

void     pfm_camera_eye         (const PfmCamera  *camera,
                                 double            eye[3]);
/* The camera basis: right, up and forward (unit vectors). */
void     pfm_camera_basis       (const PfmCamera  *camera,
                                 double            right[3],
                                 double            up[3],
                                 double            forward[3]);
void     pfm_camera_view        (const PfmCamera  *camera,
                                 float             m[16]);
void     pfm_camera_projection  (const PfmCamera  *camera,
                                 double            aspect,
                                 float             m[16]);
/* projection * view */
void     pfm_camera_view_projection (const PfmCamera *camera,
                                     double           aspect,
                                     float            m[16]);

/* World point to pixel coordinates in a @width x @height viewport; FALSE
 * when the point is behind the eye. */
gboolean pfm_camera_project     (const PfmCamera  *camera,
                                 int               width,
                                 int               height,
                                 const double      world[3],
                                 double            pixel[2]);
/* The ray through pixel (px, py): origin (the eye) and unit direction. */
void     pfm_camera_pixel_ray   (const PfmCamera  *camera,
                                 int               width,
                                 int               height,
                                 double            px,
                                 double            py,
                                 double            origin[3],
                                 double            direction[3]);

/* Ray against the box [-half, half]: the entry and exit distances, FALSE
 * when the ray misses it. */
gboolean pfm_ray_box            (const double      origin[3],
                                 const double      direction[3],
                                 const double      half[3],
                                 double           *t_near,
                                 double           *t_far);

/* Dragging an axis-aligned slice plane: how far (in world units along
 * @axis) the point @world moves when the pointer moves by (dx, dy) pixels,
 * i.e. the projection of the drag onto the axis as drawn on screen. */
double   pfm_camera_drag_along_axis (const PfmCamera *camera,
                                     int              width,
                                     int              height,
                                     const double     world[3],
                                     int              axis,
                                     double           dx,
                                     double           dy);

/* Small matrix helpers (column-major). */
void     pfm_mat4_multiply      (const float       a[16],
                                 const float       b[16],
                                 float             out[16]);
gboolean pfm_mat4_invert        (const float       m[16],
                                 float             out[16]);

G_END_DECLS
