/* pfm-camera.c - the volume view's orbit camera and projection (no GL)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure arithmetic, shared by the renderer (which hands the matrices to the
 * shaders), the pointer handling (picking and dragging slice planes) and
 * the tests (which check that a bright point lands where this file says).
 */
#define G_LOG_DOMAIN "pfm-camera"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-camera.h"

#define PITCH_LIMIT (89.0 * G_PI / 180.0)

static double
dot3 (const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void
normalize3 (double v[3])
{
  double n = sqrt (dot3 (v, v));
  if (n > 0)
    for (int i = 0; i < 3; i++)
      v[i] /= n;
}

static void
cross3 (const double a[3], const double b[3], double out[3])
{
  double c[3] = { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
  memcpy (out, c, sizeof c);
}

void
pfm_volume_box_half_extents (double lx, double ly, double lz, double z_compression, double half[3])
{
  g_return_if_fail (half != NULL);
  double w = MAX (lx, ly);
  if (!(w > 0))
    w = 1;
  if (!(z_compression >= 1e-6))
    z_compression = 1;
  half[0] = 0.5 * (lx > 0 ? lx : w) / w;
  half[1] = 0.5 * (ly > 0 ? ly : w) / w;
  half[2] = 0.5 * (lz > 0 ? lz : w) / w / z_compression;
}

double
pfm_volume_auto_z_compression (double lx, double lz, double aspect)
{
  if (!(lx > 0) || !(lz > 0) || !(aspect > 0))
    return 1;
  return MAX (1.0, lz / lx / aspect);
}

void
pfm_camera_reset (PfmCamera *camera, const double half[3], PfmCameraPreset preset, double aspect)
{
  g_return_if_fail (camera != NULL && half != NULL);
  camera->fov_y = 40.0 * G_PI / 180.0;
  camera->radius = sqrt (dot3 (half, half));
  camera->target[0] = camera->target[1] = camera->target[2] = 0;
  switch (preset)
    {
    case PFM_CAMERA_SIDE:
      camera->yaw = -G_PI / 2;
      camera->pitch = 0;
      break;
    case PFM_CAMERA_END_ON:
      camera->yaw = 0;
      camera->pitch = 0;
      break;
    case PFM_CAMERA_OBLIQUE:
    default:
      camera->yaw = -60.0 * G_PI / 180.0;
      camera->pitch = 22.0 * G_PI / 180.0;
      break;
    }
  pfm_camera_fit (camera, half, aspect);
}

void
pfm_camera_fit (PfmCamera *camera, const double half[3], double aspect)
{
  g_return_if_fail (camera != NULL && half != NULL);
  /* A corner at (cx, cy) across and cz along the view, from the target,
   * is inside the picture when the eye is at least cz + |cx| / (t aspect)
   * and cz + |cy| / t away (t = tan (fov / 2)), shrunk by the margin. */
  const double margin = 0.85, t = tan (camera->fov_y / 2) * margin;
  if (!(aspect > 0))
    aspect = 1;
  double r[3], u[3], f[3], d = 0;
  pfm_camera_basis (camera, r, u, f);
  for (int c = 0; c < 8; c++)
    {
      const double p[3] = { (c & 1) ? half[0] : -half[0], (c & 2) ? half[1] : -half[1], (c & 4) ? half[2] : -half[2] };
      const double cx = dot3 (p, r), cy = dot3 (p, u), cz = -dot3 (p, f);
      d = MAX (d, MAX (cz + fabs (cx) / (t * aspect), cz + fabs (cy) / t));
    }
  camera->radius = sqrt (dot3 (half, half));
  camera->distance = MAX (d, 0.2 * camera->radius);
}

void
pfm_camera_orbit (PfmCamera *camera, double dyaw, double dpitch)
{
  g_return_if_fail (camera != NULL);
  camera->yaw = remainder (camera->yaw + dyaw, 2 * G_PI);
  camera->pitch = CLAMP (camera->pitch + dpitch, -PITCH_LIMIT, PITCH_LIMIT);
}

void
pfm_camera_zoom (PfmCamera *camera, double factor)
{
  g_return_if_fail (camera != NULL);
  if (!(factor > 0) || !isfinite (factor))
    return;
  double r = camera->radius > 0 ? camera->radius : 1;
  camera->distance = CLAMP (camera->distance * factor, 0.15 * r, 25.0 * r);
}

void
pfm_camera_basis (const PfmCamera *camera, double right[3], double up[3], double forward[3])
{
  const double cp = cos (camera->pitch), sp = sin (camera->pitch);
  const double cy = cos (camera->yaw), sy = sin (camera->yaw);
  double f[3] = { -cp * sy, -sp, -cp * cy };
  double r[3] = { cy, 0, -sy };   /* forward x world-up, normalised */
  double u[3];
  cross3 (r, f, u);
  normalize3 (u);
  memcpy (right, r, sizeof r);
  memcpy (up, u, sizeof u);
  memcpy (forward, f, sizeof f);
}

void
pfm_camera_eye (const PfmCamera *camera, double eye[3])
{
  double r[3], u[3], f[3];
  pfm_camera_basis (camera, r, u, f);
  for (int i = 0; i < 3; i++)
    eye[i] = camera->target[i] - camera->distance * f[i];
}

void
pfm_camera_pan (PfmCamera *camera, double dx, double dy, double height)
{
  g_return_if_fail (camera != NULL);
  if (!(height > 0))
    return;
  double r[3], u[3], f[3];
  pfm_camera_basis (camera, r, u, f);
  const double s = 2 * camera->distance * tan (camera->fov_y / 2) / height;
  const double lim = 2 * (camera->radius > 0 ? camera->radius : 1);
  for (int i = 0; i < 3; i++)
    camera->target[i] = CLAMP (camera->target[i] - r[i] * dx * s + u[i] * dy * s, -lim, lim);
}

void
pfm_camera_view (const PfmCamera *camera, float m[16])
{
  double r[3], u[3], f[3], e[3];
  pfm_camera_basis (camera, r, u, f);
  pfm_camera_eye (camera, e);
  memset (m, 0, 16 * sizeof (float));
  for (int i = 0; i < 3; i++)
    {
      m[i * 4 + 0] = (float) r[i];
      m[i * 4 + 1] = (float) u[i];
      m[i * 4 + 2] = (float) -f[i];
    }
  m[12] = (float) -dot3 (r, e);
  m[13] = (float) -dot3 (u, e);
  m[14] = (float) dot3 (f, e);
  m[15] = 1;
}

static void
near_far (const PfmCamera *camera, double *n, double *f)
{
  double r = camera->radius > 0 ? camera->radius : 1;
  *n = MAX (camera->distance * 0.01, camera->distance - 3 * r);
  *f = camera->distance + 3 * r;
}

void
pfm_camera_projection (const PfmCamera *camera, double aspect, float m[16])
{
  double n, f;
  near_far (camera, &n, &f);
  const double c = 1.0 / tan (camera->fov_y / 2);
  if (!(aspect > 0))
    aspect = 1;
  memset (m, 0, 16 * sizeof (float));
  m[0] = (float) (c / aspect);
  m[5] = (float) c;
  m[10] = (float) ((f + n) / (n - f));
  m[11] = -1;
  m[14] = (float) (2 * f * n / (n - f));
}

void
pfm_mat4_multiply (const float a[16], const float b[16], float out[16])
{
  float r[16];
  for (int c = 0; c < 4; c++)
    for (int row = 0; row < 4; row++)
      {
        double s = 0;
        for (int k = 0; k < 4; k++)
          s += (double) a[k * 4 + row] * b[c * 4 + k];
        r[c * 4 + row] = (float) s;
      }
  memcpy (out, r, sizeof r);
}

gboolean
pfm_mat4_invert (const float m[16], float out[16])
{
  /* Gauss-Jordan with partial pivoting, in double. */
  double a[4][8];
  for (int row = 0; row < 4; row++)
    for (int c = 0; c < 4; c++)
      {
        a[row][c] = m[c * 4 + row];
        a[row][c + 4] = row == c;
      }
  for (int c = 0; c < 4; c++)
    {
      int p = c;
      for (int row = c + 1; row < 4; row++)
        if (fabs (a[row][c]) > fabs (a[p][c]))
          p = row;
      if (fabs (a[p][c]) < 1e-300)
        return FALSE;
      for (int k = 0; k < 8; k++)
        {
          double t = a[c][k];
          a[c][k] = a[p][k];
          a[p][k] = t;
        }
      double d = a[c][c];
      for (int k = 0; k < 8; k++)
        a[c][k] /= d;
      for (int row = 0; row < 4; row++)
        if (row != c)
          {
            double q = a[row][c];
            for (int k = 0; k < 8; k++)
              a[row][k] -= q * a[c][k];
          }
    }
  for (int row = 0; row < 4; row++)
    for (int c = 0; c < 4; c++)
      out[c * 4 + row] = (float) a[row][c + 4];
  return TRUE;
}

void
pfm_camera_view_projection (const PfmCamera *camera, double aspect, float m[16])
{
  float v[16], p[16];
  pfm_camera_view (camera, v);
  pfm_camera_projection (camera, aspect, p);
  pfm_mat4_multiply (p, v, m);
}

gboolean
pfm_camera_project (const PfmCamera *camera, int width, int height, const double world[3], double pixel[2])
{
  g_return_val_if_fail (camera != NULL && width > 0 && height > 0, FALSE);
  /* In double, from the basis, so that tests compare against the exact
   * geometry rather than against the float matrices under test. */
  double r[3], u[3], f[3], e[3], d[3];
  pfm_camera_basis (camera, r, u, f);
  pfm_camera_eye (camera, e);
  for (int i = 0; i < 3; i++)
    d[i] = world[i] - e[i];
  const double depth = dot3 (d, f);
  if (depth <= 0)
    return FALSE;
  const double t = tan (camera->fov_y / 2), aspect = (double) width / height;
  const double nx = dot3 (d, r) / (depth * t * aspect);
  const double ny = dot3 (d, u) / (depth * t);
  pixel[0] = (nx + 1) * 0.5 * width;
  pixel[1] = (1 - ny) * 0.5 * height;
  return TRUE;
}

void
pfm_camera_pixel_ray (const PfmCamera *camera, int width, int height, double px, double py,
                      double origin[3], double direction[3])
{
  double r[3], u[3], f[3];
  pfm_camera_basis (camera, r, u, f);
  pfm_camera_eye (camera, origin);
  const double t = tan (camera->fov_y / 2), aspect = (double) MAX (width, 1) / MAX (height, 1);
  const double nx = 2 * px / MAX (width, 1) - 1, ny = 1 - 2 * py / MAX (height, 1);
  for (int i = 0; i < 3; i++)
    direction[i] = f[i] + nx * t * aspect * r[i] + ny * t * u[i];
  normalize3 (direction);
}

gboolean
pfm_ray_box (const double origin[3], const double direction[3], const double half[3], double *t_near, double *t_far)
{
  double t0 = -G_MAXDOUBLE, t1 = G_MAXDOUBLE;
  for (int i = 0; i < 3; i++)
    {
      if (fabs (direction[i]) < 1e-12)
        {
          if (origin[i] < -half[i] || origin[i] > half[i])
            return FALSE;
          continue;
        }
      double a = (-half[i] - origin[i]) / direction[i];
      double b = (half[i] - origin[i]) / direction[i];
      t0 = MAX (t0, MIN (a, b));
      t1 = MIN (t1, MAX (a, b));
    }
  if (t1 < MAX (t0, 0))
    return FALSE;
  *t_near = MAX (t0, 0);
  *t_far = t1;
  return TRUE;
}

double
pfm_camera_drag_along_axis (const PfmCamera *camera, int width, int height, const double world[3],
                            int axis, double dx, double dy)
{
  g_return_val_if_fail (axis >= 0 && axis < 3, 0);
  const double eps = 0.01 * (camera->radius > 0 ? camera->radius : 1);
  double p1w[3] = { world[0], world[1], world[2] };
  p1w[axis] += eps;
  double p0[2], p1[2];
  if (!pfm_camera_project (camera, width, height, world, p0) ||
      !pfm_camera_project (camera, width, height, p1w, p1))
    return 0;
  /* Pixels per world unit along the axis, as drawn. */
  const double sx = (p1[0] - p0[0]) / eps, sy = (p1[1] - p0[1]) / eps;
  const double s2 = sx * sx + sy * sy;
  if (s2 < 1e-6)
    return 0;   /* the axis points at the viewer: no drag direction */
  return (dx * sx + dy * sy) / s2;
}
