/* test-render-math.c - the volume renderer's arithmetic, without GL
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The camera's projection against geometry worked out by hand, the float
 * matrices the shaders get against the double projection, picking rays,
 * the transfer function and the downsampling that fits a volume to the GPU.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-camera.h"
#include "pfm-transfer.h"
#include "pfm-volume-data.h"

static const double box[3] = { 0.5, 0.4, 1.5 };

/* Pixel of a world point through the float view-projection matrix. */
static void
project_matrix (const PfmCamera *cam, int w, int h, const double p[3], double px[2])
{
  float m[16];
  pfm_camera_view_projection (cam, (double) w / h, m);
  double c[4];
  for (int r = 0; r < 4; r++)
    c[r] = m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r];
  px[0] = (c[0] / c[3] + 1) * 0.5 * w;
  px[1] = (1 - c[1] / c[3]) * 0.5 * h;
}

static void
test_end_on_by_hand (void)
{
  /* End-on: the eye on the +z axis looking back, x to the right, y up.
   * A point at (x, y, 0) lands at the centre + f x / (d tan(fov/2))
   * half-heights, where d is the eye's distance. */
  PfmCamera cam;
  pfm_camera_reset (&cam, box, PFM_CAMERA_END_ON, 4.0 / 3);
  double eye[3];
  pfm_camera_eye (&cam, eye);
  g_assert_cmpfloat_with_epsilon (eye[0], 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (eye[1], 0, 1e-12);
  g_assert_cmpfloat (eye[2], >, box[2]);
  const int w = 800, h = 600;
  const double t = tan (cam.fov_y / 2), d = cam.distance;
  const double p[3] = { 0.2, -0.1, 0 };
  double px[2];
  g_assert_true (pfm_camera_project (&cam, w, h, p, px));
  g_assert_cmpfloat_with_epsilon (px[0], w / 2.0 + 0.2 / (d * t) * h / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (px[1], h / 2.0 + 0.1 / (d * t) * h / 2.0, 1e-9);
  /* The centre of the box is the centre of the picture. */
  const double o[3] = { 0, 0, 0 };
  g_assert_true (pfm_camera_project (&cam, w, h, o, px));
  g_assert_cmpfloat_with_epsilon (px[0], w / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (px[1], h / 2.0, 1e-9);
}

static void
test_side_view_by_hand (void)
{
  /* Side view: z runs to the right, y up; the input facet (z < 0) on the
   * left, the output on the right. */
  PfmCamera cam;
  pfm_camera_reset (&cam, box, PFM_CAMERA_SIDE, 4.0 / 3);
  double in[2], out[2], top[2];
  const double pin[3] = { 0, 0, -box[2] }, pout[3] = { 0, 0, box[2] }, ptop[3] = { 0, box[1], 0 };
  g_assert_true (pfm_camera_project (&cam, 800, 600, pin, in));
  g_assert_true (pfm_camera_project (&cam, 800, 600, pout, out));
  g_assert_true (pfm_camera_project (&cam, 800, 600, ptop, top));
  g_assert_cmpfloat (in[0], <, 400);
  g_assert_cmpfloat (out[0], >, 400);
  g_assert_cmpfloat_with_epsilon (in[1], 300, 1e-9);
  g_assert_cmpfloat (top[1], <, 300);
}

static void
test_camera_fit (void)
{
  /* After a reset every corner is inside the picture, and the tightest
   * one is near the margin (the box fills the view). */
  for (int preset = PFM_CAMERA_OBLIQUE; preset <= PFM_CAMERA_END_ON; preset++)
    for (int a = 0; a < 2; a++)
      {
        const int w = a ? 600 : 1000, h = a ? 800 : 500;
        PfmCamera cam;
        pfm_camera_reset (&cam, box, preset, (double) w / h);
        double worst = 0;
        for (int c = 0; c < 8; c++)
          {
            const double p[3] = { (c & 1) ? box[0] : -box[0], (c & 2) ? box[1] : -box[1], (c & 4) ? box[2] : -box[2] };
            double px[2];
            g_assert_true (pfm_camera_project (&cam, w, h, p, px));
            g_assert_cmpfloat (px[0], >=, 0);
            g_assert_cmpfloat (px[0], <=, w);
            g_assert_cmpfloat (px[1], >=, 0);
            g_assert_cmpfloat (px[1], <=, h);
            worst = MAX (worst, MAX (fabs (px[0] - w / 2.0) / (w / 2.0), fabs (px[1] - h / 2.0) / (h / 2.0)));
          }
        g_assert_cmpfloat (worst, >, 0.8);
        g_assert_cmpfloat (worst, <, 0.86);
      }
}

static void
test_matrix_matches_projection (void)
{
  /* The shaders' float matrices and the double projection agree to a
   * small fraction of a pixel, for any orbit, zoom and pan. */
  PfmCamera cam;
  pfm_camera_reset (&cam, box, PFM_CAMERA_OBLIQUE, 4.0 / 3);
  pfm_camera_orbit (&cam, 0.7, -0.3);
  pfm_camera_zoom (&cam, 0.8);
  pfm_camera_pan (&cam, 30, -12, 600);
  for (int i = 0; i < 27; i++)
    {
      const double p[3] = { box[0] * ((i % 3) - 1), box[1] * ((i / 3 % 3) - 1), box[2] * ((i / 9) - 1) };
      double a[2], b[2];
      g_assert_true (pfm_camera_project (&cam, 800, 600, p, a));
      project_matrix (&cam, 800, 600, p, b);
      g_assert_cmpfloat_with_epsilon (a[0], b[0], 0.05);
      g_assert_cmpfloat_with_epsilon (a[1], b[1], 0.05);
    }
  /* The inverse used by the ray caster undoes the matrix. */
  float m[16], inv[16], id[16];
  pfm_camera_view_projection (&cam, 4.0 / 3, m);
  g_assert_true (pfm_mat4_invert (m, inv));
  pfm_mat4_multiply (m, inv, id);
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat_with_epsilon (id[i], (i % 5) == 0, 1e-4);
}

static void
test_pixel_ray_inverts_projection (void)
{
  PfmCamera cam;
  pfm_camera_reset (&cam, box, PFM_CAMERA_OBLIQUE, 4.0 / 3);
  pfm_camera_orbit (&cam, -1.1, 0.4);
  const double p[3] = { 0.31, -0.22, 0.9 };
  double px[2], o[3], d[3];
  g_assert_true (pfm_camera_project (&cam, 640, 480, p, px));
  pfm_camera_pixel_ray (&cam, 640, 480, px[0], px[1], o, d);
  /* p lies on the ray: the distance from p to the line is ~0. */
  double v[3] = { p[0] - o[0], p[1] - o[1], p[2] - o[2] };
  double t = v[0] * d[0] + v[1] * d[1] + v[2] * d[2];
  double dist = 0;
  for (int i = 0; i < 3; i++)
    dist += (v[i] - t * d[i]) * (v[i] - t * d[i]);
  g_assert_cmpfloat (sqrt (dist), <, 1e-9);
  /* A point behind the eye does not project. */
  double behind[3];
  for (int i = 0; i < 3; i++)
    behind[i] = o[i] - d[i];
  g_assert_false (pfm_camera_project (&cam, 640, 480, behind, px));
}

static void
test_ray_box_and_drag (void)
{
  const double o[3] = { 0, 0, 5 }, d[3] = { 0, 0, -1 };
  double tn, tf;
  g_assert_true (pfm_ray_box (o, d, box, &tn, &tf));
  g_assert_cmpfloat_with_epsilon (tn, 5 - box[2], 1e-12);
  g_assert_cmpfloat_with_epsilon (tf, 5 + box[2], 1e-12);
  const double miss[3] = { 2, 0, 5 };
  g_assert_false (pfm_ray_box (miss, d, box, &tn, &tf));

  /* Side view: dragging right moves a z plane towards the output by the
   * drag's length in world units; dragging up does not move it. */
  PfmCamera cam;
  pfm_camera_reset (&cam, box, PFM_CAMERA_SIDE, 4.0 / 3);
  const double p[3] = { 0, 0, 0 };
  double ppx[2], qpx[2];
  const double q[3] = { 0, 0, 0.1 };
  pfm_camera_project (&cam, 800, 600, p, ppx);
  pfm_camera_project (&cam, 800, 600, q, qpx);
  const double px_per_unit = (qpx[0] - ppx[0]) / 0.1;
  g_assert_cmpfloat_with_epsilon (pfm_camera_drag_along_axis (&cam, 800, 600, p, 2, 50, 0), 50 / px_per_unit, 1e-3);
  g_assert_cmpfloat_with_epsilon (pfm_camera_drag_along_axis (&cam, 800, 600, p, 2, 0, 50), 0, 1e-6);
  /* End-on, the z axis points at the viewer: no drag direction. */
  pfm_camera_reset (&cam, box, PFM_CAMERA_END_ON, 4.0 / 3);
  g_assert_cmpfloat (fabs (pfm_camera_drag_along_axis (&cam, 800, 600, p, 2, 50, 0)), <, 1e-6);
}

static void
test_orbit_zoom_limits (void)
{
  PfmCamera cam;
  pfm_camera_reset (&cam, box, PFM_CAMERA_OBLIQUE, 4.0 / 3);
  pfm_camera_orbit (&cam, 0, 10);
  g_assert_cmpfloat (cam.pitch, <, G_PI / 2);
  pfm_camera_orbit (&cam, 0, -20);
  g_assert_cmpfloat (cam.pitch, >, -G_PI / 2);
  for (int i = 0; i < 100; i++)
    pfm_camera_zoom (&cam, 0.5);
  g_assert_cmpfloat (cam.distance, >, 0);
  double eye[3];
  pfm_camera_eye (&cam, eye);
  g_assert_true (isfinite (eye[0] + eye[1] + eye[2]));
  /* Orbiting all the way round comes back. */
  PfmCamera a;
  pfm_camera_reset (&a, box, PFM_CAMERA_OBLIQUE, 4.0 / 3);
  PfmCamera b = a;
  for (int i = 0; i < 72; i++)
    pfm_camera_orbit (&b, 2 * G_PI / 72, 0);
  double ea[3], eb[3];
  pfm_camera_eye (&a, ea);
  pfm_camera_eye (&b, eb);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (ea[i], eb[i], 1e-9);
}

static void
test_box_extents (void)
{
  double half[3];
  /* 64 µm wide, 500 µm long, shown 2.5 times shorter. */
  pfm_volume_box_half_extents (64e-6, 64e-6, 500e-6, 2.5, half);
  g_assert_cmpfloat_with_epsilon (half[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (half[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (half[2], 0.5 * 500.0 / 64 / 2.5, 1e-12);
  /* Automatic: three widths long, never stretched. */
  g_assert_cmpfloat_with_epsilon (pfm_volume_auto_z_compression (64e-6, 500e-6, 3), 500.0 / 64 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (pfm_volume_auto_z_compression (64e-6, 100e-6, 3), 1, 1e-12);
}

static void
test_transfer (void)
{
  g_autoptr(PfmTransfer) tf = pfm_transfer_new ();
  tf->n_points = 2;
  tf->points[0] = (PfmTransferPoint) { 0, 0 };
  tf->points[1] = (PfmTransferPoint) { 1, 0.5 };
  g_assert_cmpfloat_with_epsilon (pfm_transfer_opacity (tf, 0.5), 0.25, 1e-12);
  int i = pfm_transfer_add_point (tf, 0.5, 1.0);
  g_assert_cmpint (i, ==, 1);
  g_assert_cmpfloat_with_epsilon (pfm_transfer_opacity (tf, 0.25), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (pfm_transfer_opacity (tf, 0.75), 0.75, 1e-12);
  /* A point cannot pass its neighbours; end points keep x = 0 and 1. */
  pfm_transfer_move_point (tf, 1, 2.0, 0.3);
  g_assert_cmpfloat (tf->points[1].x, <, 1);
  pfm_transfer_move_point (tf, 0, 0.4, 0.1);
  g_assert_cmpfloat (tf->points[0].x, ==, 0);
  g_assert_false (pfm_transfer_remove_point (tf, 0));
  g_assert_true (pfm_transfer_remove_point (tf, 1));
  g_assert_cmpuint (tf->n_points, ==, 2);

  /* Log scale: the peak is 1, four decades down is 0. */
  tf->log_scale = TRUE;
  tf->decades = 4;
  g_assert_cmpfloat_with_epsilon (pfm_transfer_normalize (tf, 10, 10), 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (pfm_transfer_normalize (tf, 1e-3, 10), 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (pfm_transfer_normalize (tf, 0.1, 10), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (pfm_transfer_denormalize (tf, 0.5, 10), 0.1, 1e-12);

  guint8 lut[PFM_TRANSFER_LUT_SIZE * 4 * 2];
  pfm_transfer_bake (tf, lut);
  g_assert_cmpuint (lut[3], ==, 26);   /* the first point was raised to 0.1 above */
  g_assert_cmpuint (lut[4 * 255 + 3], ==, 128);
  /* The diverging row: opaque, blue to red through grey. */
  g_assert_cmpuint (lut[4 * PFM_TRANSFER_LUT_SIZE + 3], ==, 255);
  g_assert_cmpuint (lut[4 * PFM_TRANSFER_LUT_SIZE + 2], >, lut[4 * PFM_TRANSFER_LUT_SIZE]);
  g_assert_cmpuint (lut[4 * (2 * PFM_TRANSFER_LUT_SIZE - 1)], >, lut[4 * (2 * PFM_TRANSFER_LUT_SIZE - 1) + 2]);

  /* Round trip through the .pfmtf key file. */
  g_autoptr(PfmTransfer) a = pfm_transfer_new ();
  a->colormap = PFM_COLORMAP_VIRIDIS;
  a->log_scale = FALSE;
  pfm_transfer_add_point (a, 0.55, 0.2);
  g_autofree char *text = pfm_transfer_to_data (a);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmTransfer) b = pfm_transfer_new_from_data (text, &error);
  g_assert_no_error (error);
  g_assert_true (pfm_transfer_equal (a, b));

  static const char *const bad[] = {
    "[transfer]\ncolormap=jet\n",
    "[transfer]\nscale=sqrt\n",
    "[transfer]\nopacity=0:0,0.5:2,1:1\n",
    "[transfer]\nopacity=0:0,0.6:0.1,0.5:0.2,1:1\n",
    "[transfer]\nopacity=0.1:0,1:1\n",
    "[transfer]\ndecades=0\n",
  };
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(PfmTransfer) t = pfm_transfer_new_from_data (bad[k], &e);
      g_assert_null (t);
      g_assert_error (e, PFM_TRANSFER_ERROR, PFM_TRANSFER_ERROR_PARSE);
      g_assert_true (strstr (e->message, "transfer.") != NULL);
    }
}

static void
test_colormaps (void)
{
  /* Every map runs from dark to light (perceptually ordered). */
  for (int m = 0; m < PFM_N_COLORMAPS; m++)
    {
      double a[3], b[3];
      pfm_colormap_eval (m, 0, a);
      pfm_colormap_eval (m, 1, b);
      g_assert_cmpfloat (0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2], <, 0.2126 * b[0] + 0.7152 * b[1] + 0.0722 * b[2]);
      PfmColormap back;
      g_assert_true (pfm_colormap_from_string (pfm_colormap_to_string (m), &back));
      g_assert_cmpint (back, ==, m);
    }
}

static PfmVolumeData *
ramp_volume (int nx, int ny, int nz)
{
  g_autofree float *v = g_new (float, (gsize) nx * ny * nz);
  g_autofree double *z = g_new (double, nz);
  for (int k = 0; k < nz; k++)
    {
      z[k] = 10e-6 * k;
      for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
          v[((gsize) k * ny + j) * nx + i] = (float) (i + 2 * j + 3 * k);
    }
  return pfm_volume_data_new_full (nx, ny, nz, v, v, -nx * 0.5e-6, -ny * 0.5e-6, 1e-6, 1e-6, z, 10e-6 * (nz - 1));
}

static void
test_fit (void)
{
  g_autoptr(PfmVolumeData) d = ramp_volume (40, 30, 100);
  gboolean down = TRUE;
  g_autoptr(PfmVolumeData) same = pfm_volume_data_fit (d, 256, G_MAXUINT64, 4, &down);
  g_assert_false (down);
  g_assert_cmpint (same->nz, ==, 100);

  /* A side limit: every side within it, the box unchanged, a linear ramp
   * stays a ramp (the box filter keeps the mean). */
  g_autoptr(PfmVolumeData) small = pfm_volume_data_fit (d, 32, G_MAXUINT64, 4, &down);
  g_assert_true (down);
  g_assert_cmpint (small->nx, <=, 32);
  g_assert_cmpint (small->ny, <=, 32);
  g_assert_cmpint (small->nz, <=, 32);
  g_assert_cmpfloat_with_epsilon (pfm_volume_data_width (small), pfm_volume_data_width (d), 1e-6 * small->dx);
  g_assert_cmpfloat_with_epsilon (small->x0 - 0.5 * small->dx, d->x0 - 0.5 * d->dx, 1e-15);
  g_assert_cmpfloat_with_epsilon (small->z_first, d->z_first + 0.5 * (4 - 1) * 10e-6, 1e-12);
  /* Sample (0, 0, 0) averages i, j, k over its block: i in {0, 1}, ... */
  const double expect = 0.5 * (small->dx / d->dx - 1) + 2 * 0 + 3 * 1.5;
  g_assert_cmpfloat_with_epsilon (small->intensity[0], expect, 1e-4);

  /* A memory budget: at most that many bytes. */
  g_autoptr(PfmVolumeData) tight = pfm_volume_data_fit (d, 256, 40 * 30 * 100 * 4 / 10, 4, &down);
  g_assert_true (down);
  g_assert_cmpuint ((guint64) tight->nx * tight->ny * tight->nz * 4, <=, 40 * 30 * 100 * 4 / 10);
  g_assert_cmpfloat (tight->max_intensity, <=, d->max_intensity);

  /* The z mapping puts slice k at the centre of texel k. */
  double s, o, lo, hi;
  pfm_volume_data_z_mapping (d, 128, &s, &o, &lo, &hi);
  for (int k = 0; k < d->nz; k += 33)
    g_assert_cmpfloat_with_epsilon ((10e-6 * k / d->length) * s + o, (k + 0.5) / 128, 1e-9);
  g_assert_cmpfloat_with_epsilon (lo, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 1, 1e-12);
}

static void
test_stream (void)
{
  g_autoptr(PfmVolumeData) d = pfm_volume_data_new (4, 3, 0, 0, 1e-6, 1e-6, 100e-6, FALSE);
  float s[12];
  for (int k = 0; k < 40; k++)
    {
      for (int i = 0; i < 12; i++)
        s[i] = (float) (k * 100 + i);
      pfm_volume_data_append_slice (d, k * 1e-6, s, NULL);
    }
  g_assert_cmpint (d->nz, ==, 40);
  g_assert_cmpint (d->capacity, >=, 40);
  g_assert_cmpfloat (d->intensity[39 * 12 + 11], ==, 3911);
  g_assert_cmpfloat (d->max_intensity, ==, 3911);
  /* Only the part of the tube the light has reached is valid. */
  double sc, o, lo, hi;
  pfm_volume_data_z_mapping (d, d->capacity, &sc, &o, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (hi, 39.5 / 100, 1e-9);
}

/* The index's colour range holds its minimum and maximum: a cladding
 * step of -0.0134 around a core written ±0.001 is not saturated. */
static void
test_index_range (void)
{
  const int n = 8, nz = 3;
  float in[8 * 8 * 3], dn[8 * 8 * 3];
  double z[3] = { 0, 1e-6, 2e-6 };
  double lo = INFINITY, hi = -INFINITY;
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        {
          const int p = (k * n + j) * n + i;
          const gboolean core = i >= 2 && i < 6 && j >= 2 && j < 6;
          in[p] = 1;
          dn[p] = core ? (float) (0.001 * sin (p)) : -0.0134f;
          lo = MIN (lo, dn[p]);
          hi = MAX (hi, dn[p]);
        }
  g_autoptr(PfmVolumeData) d = pfm_volume_data_new_full (n, n, nz, in, dn, 0, 0, 1e-6, 1e-6, z, 3e-6);
  const double r = pfm_volume_data_index_range (d);
  g_assert_cmpfloat (-r, <=, lo);
  g_assert_cmpfloat (r, >=, hi);
  g_assert_cmpfloat_with_epsilon (r, 0.0134, 1e-6);   /* and no wider: the core's contrast still shows */
  g_autoptr(PfmVolumeData) none = pfm_volume_data_new_full (n, n, nz, in, NULL, 0, 0, 1e-6, 1e-6, z, 3e-6);
  g_assert_true (isnan (pfm_volume_data_index_range (none)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/camera/end-on-by-hand", test_end_on_by_hand);
  g_test_add_func ("/render/camera/side-view-by-hand", test_side_view_by_hand);
  g_test_add_func ("/render/camera/fit", test_camera_fit);
  g_test_add_func ("/render/camera/matrix-matches-projection", test_matrix_matches_projection);
  g_test_add_func ("/render/camera/pixel-ray", test_pixel_ray_inverts_projection);
  g_test_add_func ("/render/camera/ray-box-and-drag", test_ray_box_and_drag);
  g_test_add_func ("/render/camera/limits", test_orbit_zoom_limits);
  g_test_add_func ("/render/camera/box-extents", test_box_extents);
  g_test_add_func ("/render/transfer/curve-scale-file", test_transfer);
  g_test_add_func ("/render/transfer/colormaps", test_colormaps);
  g_test_add_func ("/render/volume/fit", test_fit);
  g_test_add_func ("/render/volume/stream", test_stream);
  g_test_add_func ("/render/volume/index-range", test_index_range);
  return g_test_run ();
}
