/* test-volume-render.c - the GL volume renderer, offscreen, under Xvfb
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   test-volume-render [--tap]           the tests (needs a display with GL:
 *                                         xvfb-run and Mesa's llvmpipe will do)
 *   test-volume-render --bench           frame times, 128 x 128 x 256 at 800 x 600
 *   test-volume-render --shot FILE.png   a picture of a real run (the engine's
 *                                         default configuration), for looking at
 *
 * A synthetic volume holds one bright Gaussian blob at a known voxel; the
 * picture's brightest region must land where the camera's projection
 * (pfm-camera.c, computed independently of the shaders' matrices) puts
 * the blob's centre, within a few pixels, for several views.  A blank or
 * misplaced picture fails.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-config.h"
#include "pfm-gl.h"
#include "pfm-volume-area.h"
#include "pfm-volume-export.h"

#define W 400
#define H 300
#define TOLERANCE_PX 3.0

static GtkWidget     *window;
static PfmVolumeArea *area;
static gboolean       realized;

/* The blob: volume 64 x 48 x 96 (no two sides alike, so a swapped axis
 * shows), 1 µm voxels in x and y, slices 2 µm apart over a 190 µm tube. */
enum { NX = 64, NY = 48, NZ = 96 };
static const double DX = 1e-6, DZ = 2e-6;
static const int blob_voxel[3] = { 44, 14, 30 };
static const double sigma = 2.5;   /* voxels */

static PfmVolumeData *
blob_volume (int nx, int ny, int nz, const int c[3], double s, gboolean with_dn)
{
  g_autofree float *v = g_new0 (float, (gsize) nx * ny * nz);
  g_autofree float *dn = g_new0 (float, (gsize) nx * ny * nz);
  g_autofree double *z = g_new (double, nz);
  for (int k = 0; k < nz; k++)
    {
      z[k] = k * DZ;
      for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
          {
            double r2 = (i - c[0]) * (i - c[0]) + (j - c[1]) * (j - c[1]) + (k - c[2]) * (k - c[2]);
            v[((gsize) k * ny + j) * nx + i] = (float) (1e9 * exp (-r2 / (2 * s * s)));
          }
    }
  return pfm_volume_data_new_full (nx, ny, nz, v, with_dn ? dn : NULL, -0.5 * nx * DX + 0.5 * DX,
                                   -0.5 * ny * DX + 0.5 * DX, DX, DX, z, (nz - 1) * DZ);
}

/* The blob's centre in world coordinates, from the box's definition
 * (pfm-camera.h), not from the renderer. */
static void
blob_world (const PfmVolumeData *d, const int c[3], double world[3])
{
  const double len[3] = { d->nx * d->dx, d->ny * d->dy, d->length };
  const double zc = pfm_volume_area_get_effective_z_compression (area);
  double half[3];
  pfm_volume_box_half_extents (len[0], len[1], len[2], zc, half);
  const double frac[3] = { (c[0] + 0.5) / d->nx, (c[1] + 0.5) / d->ny, c[2] * DZ / d->length };
  for (int a = 0; a < 3; a++)
    world[a] = (frac[a] - 0.5) * 2 * half[a];
}

/* Keeps a failing picture for a look: TMPDIR/pfm-render-NAME.png. */
static void
dump_png (const char *name, const guint8 *px, int w, int h)
{
  g_autoptr(GBytes) bytes = g_bytes_new (px, (gsize) w * h * 4);
  g_autoptr(GdkTexture) tex = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8, bytes, (gsize) w * 4);
  g_autofree char *file = g_strdup_printf ("pfm-render-%s.png", name);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), file, NULL);
  for (char *c = path + strlen (g_get_tmp_dir ()) + 1; *c; c++)
    if (*c == ' ' || *c == ',')
      *c = '-';
  if (gdk_texture_save_to_png (tex, path))
    g_test_message ("picture kept in %s", path);
}

/* The light's brightness: the colormaps run through warm colours while
 * the background, the outlines and the slice-plane frames are cool (blue
 * above red), so those count as dark. */
static double
luminance (const guint8 *p)
{
  return p[0] >= p[2] ? 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2] : 0;
}

/* Centroid of the pixels brighter than halfway between the background and
 * the peak; FALSE if the picture is blank. */
static gboolean
bright_centroid (const guint8 *px, int w, int h, double c[2], double *peak)
{
  const double bg = luminance (px);   /* corner: background */
  double max = 0;
  for (int i = 0; i < w * h; i++)
    max = MAX (max, luminance (px + 4 * i));
  *peak = max - bg;
  if (max - bg < 40)
    return FALSE;
  const double thr = bg + 0.5 * (max - bg);
  double sw = 0, sx = 0, sy = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double l = luminance (px + 4 * ((gsize) y * w + x)) - thr;
        if (l > 0)
          {
            sw += l;
            sx += l * (x + 0.5);
            sy += l * (y + 0.5);
          }
      }
  c[0] = sx / sw;
  c[1] = sy / sw;
  return TRUE;
}

static void
check_blob_lands (const char *what, gboolean interactive)
{
  const PfmVolumeData *d = pfm_volume_area_get_data (area);
  double world[3], expect[2], got[2], peak;
  blob_world (d, blob_voxel, world);
  g_assert_true (pfm_camera_project (pfm_volume_area_get_camera (area), W, H, world, expect));
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *px = pfm_volume_area_render_pixels (area, W, H, interactive, &error);
  g_assert_no_error (error);
  g_assert_nonnull (px);
  if (!bright_centroid (px, W, H, got, &peak))
    dump_png (what, px, W, H);
  if (!bright_centroid (px, W, H, got, &peak))
    g_error ("%s: the picture is blank (peak %.0f above the background)", what, peak);
  double err = hypot (got[0] - expect[0], got[1] - expect[1]);
  g_test_message ("%s: blob at (%.1f, %.1f), projection says (%.1f, %.1f): %.2f px off; peak %.0f",
                  what, got[0], got[1], expect[0], expect[1], err, peak);
  if (err > TOLERANCE_PX)
    dump_png (what, px, W, H);
  if (err > TOLERANCE_PX)
    g_error ("%s: the blob is at (%.1f, %.1f), the projection puts it at (%.1f, %.1f): %.1f px off",
             what, got[0], got[1], expect[0], expect[1], err);
}

static void
set_blob (void)
{
  g_autoptr(PfmVolumeData) d = blob_volume (NX, NY, NZ, blob_voxel, sigma, TRUE);
  g_autoptr(PfmTransfer) tf = pfm_transfer_new ();
  pfm_volume_area_set_transfer (area, tf);
  pfm_volume_area_set_channel (area, PFM_VOLUME_CHANNEL_FIELD);
  /* The outline is as bright as the blob: leave it out of the picture. */
  pfm_volume_area_set_wireframe (area, FALSE);
  pfm_volume_area_set_z_compression (area, 0);
  pfm_volume_area_set_memory_budget (area, G_GUINT64_CONSTANT (256) << 20);
  for (int a = 0; a < 3; a++)
    pfm_volume_area_set_slice_plane (area, a, FALSE, 0.5);
  pfm_volume_area_set_data (area, d);
}

static void
test_blob_views (void)
{
  set_blob ();
  static const struct { const char *name; PfmCameraPreset preset; double yaw, pitch, zoom, pan_x, pan_y; } views[] = {
    { "oblique", PFM_CAMERA_OBLIQUE, 0, 0, 1, 0, 0 },
    { "side", PFM_CAMERA_SIDE, 0, 0, 1, 0, 0 },
    { "end-on", PFM_CAMERA_END_ON, 0, 0, 1, 0, 0 },
    { "from below, zoomed and panned", PFM_CAMERA_OBLIQUE, 2.2, -0.9, 0.7, 25, -15 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      pfm_volume_area_reset_view (area, views[i].preset);
      PfmCamera cam = *pfm_volume_area_get_camera (area);
      pfm_camera_orbit (&cam, views[i].yaw, views[i].pitch);
      pfm_camera_zoom (&cam, views[i].zoom);
      pfm_camera_pan (&cam, views[i].pan_x, views[i].pan_y, H);
      pfm_volume_area_set_camera (area, &cam);
      check_blob_lands (views[i].name, FALSE);
    }
}

static void
test_blob_z_compression (void)
{
  /* True proportions (a long box) and a strongly shortened one. */
  set_blob ();
  pfm_volume_area_set_z_compression (area, 2.5);
  pfm_volume_area_reset_view (area, PFM_CAMERA_SIDE);
  check_blob_lands ("z compression 2.5, side", FALSE);
  pfm_volume_area_set_z_compression (area, 6);
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  check_blob_lands ("z compression 6", FALSE);
}

static void
test_blob_interactive (void)
{
  /* The coarse frame drawn while dragging still puts the blob in place. */
  set_blob ();
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  check_blob_lands ("interactive quality", TRUE);
}

static void
test_blob_downsampled (void)
{
  /* A memory budget the volume does not fit: it is downsampled, and the
   * blob stays where it was. */
  set_blob ();
  pfm_volume_area_set_memory_budget (area, (guint64) NX * NY * NZ * 4 / 12);
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  check_blob_lands ("downsampled", FALSE);
  int size[3];
  gboolean down = FALSE;
  g_assert_true (pfm_volume_area_get_texture_size (area, size, &down));
  g_assert_true (down);
  g_assert_cmpuint ((guint64) size[0] * size[1] * size[2] * 4, <=, (guint64) NX * NY * NZ * 4 / 12);
}

/* The largest screen x of any lit pixel (above the background by 40). */
static int
rightmost_light (const guint8 *px, int w, int h)
{
  const double bg = luminance (px);
  int right = -1;
  for (int y = 0; y < h; y++)
    for (int x = w - 1; x > right; x--)
      if (luminance (px + 4 * ((gsize) y * w + x)) - bg > 40)
        right = x;
  return right;
}

static void
test_stream (void)
{
  /* Slices arrive one by one: what has arrived is drawn at once, the rest
   * of the tube stays empty.  Seen from the side, z runs to the right, so
   * no light may show right of the last slice received. */
  set_blob ();
  g_autoptr(PfmVolumeData) d = blob_volume (NX, NY, NZ, blob_voxel, sigma, FALSE);
  pfm_volume_area_begin_stream (area, NX, NY, d->x0, d->y0, DX, DX, d->length);
  pfm_volume_area_reset_view (area, PFM_CAMERA_SIDE);
  g_autofree guint8 *none = pfm_volume_area_render_pixels (area, W, H, FALSE, NULL);
  g_assert_cmpint (rightmost_light (none, W, H), ==, -1);

  const gsize slice = (gsize) NX * NY;
  const int k_early = blob_voxel[2] + 2;
  for (int k = 0; k < k_early; k++)
    pfm_volume_area_append_slice (area, k * DZ, d->intensity + k * slice);
  g_autofree guint8 *early = pfm_volume_area_render_pixels (area, W, H, FALSE, NULL);
  g_assert_nonnull (early);
  /* Where the half-slice beyond the last one received lands on screen. */
  const double zc = pfm_volume_area_get_effective_z_compression (area);
  double half[3], edge_px = 0;
  pfm_volume_box_half_extents (NX * DX, NY * DX, d->length, zc, half);
  const double wz = ((k_early - 0.5) * DZ / d->length - 0.5) * 2 * half[2];
  for (int c = 0; c < 4; c++)
    {
      const double p[3] = { (c & 1) ? half[0] : -half[0], (c & 2) ? half[1] : -half[1], wz };
      double px[2];
      g_assert_true (pfm_camera_project (pfm_volume_area_get_camera (area), W, H, p, px));
      edge_px = MAX (edge_px, px[0]);
    }
  int right = rightmost_light (early, W, H);
  g_test_message ("streamed %d of %d slices: light up to x = %d px, the last slice ends at %.1f px",
                  k_early, NZ, right, edge_px);
  g_assert_cmpint (right, >, 0);
  g_assert_cmpfloat (right, <=, edge_px + 1.5);

  for (int k = k_early; k < NZ; k++)
    pfm_volume_area_append_slice (area, k * DZ, d->intensity + k * slice);
  g_assert_true (pfm_volume_area_is_streaming (area));
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  check_blob_lands ("streamed", FALSE);
}

static void
test_blank_and_planes (void)
{
  /* No light, no picture. */
  const int far[3] = { -1000, -1000, -1000 };
  g_autoptr(PfmVolumeData) dark = blob_volume (NX, NY, NZ, far, sigma, TRUE);
  pfm_volume_area_set_data (area, dark);
  g_autofree guint8 *px = pfm_volume_area_render_pixels (area, W, H, FALSE, NULL);
  double c[2], peak;
  g_assert_nonnull (px);
  g_assert_false (bright_centroid (px, W, H, c, &peak));

  /* A z slice plane through the blob's centre, seen end-on: the plane is
   * opaque, its brightest spot is the blob's cross-section. */
  set_blob ();
  const PfmVolumeData *d = pfm_volume_area_get_data (area);
  pfm_volume_area_set_slice_plane (area, 2, TRUE, blob_voxel[2] * DZ / d->length);
  pfm_volume_area_reset_view (area, PFM_CAMERA_END_ON);
  check_blob_lands ("z plane through the blob", FALSE);
  /* Moved next to the output facet, between the eye and the blob, the
   * plane hides it. */
  pfm_volume_area_set_slice_plane (area, 2, TRUE, 0.99);
  g_autofree guint8 *hidden = pfm_volume_area_render_pixels (area, W, H, FALSE, NULL);
  if (bright_centroid (hidden, W, H, c, &peak))
    dump_png ("hidden-behind-plane", hidden, W, H);
  g_assert_false (bright_centroid (hidden, W, H, c, &peak));
  pfm_volume_area_set_slice_plane (area, 2, FALSE, 0.5);
}

static void
test_export_png (void)
{
  set_blob ();
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  PfmColorBarSpec spec;
  pfm_volume_area_get_color_bar_spec (area, &spec);
  spec.title = "Intensity";
  g_autoptr(GError) error = NULL;
  cairo_surface_t *s = pfm_volume_export_image (area, &spec, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 2 * gtk_widget_get_width (GTK_WIDGET (area)) + 2 * 120);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 2 * gtk_widget_get_height (GTK_WIDGET (area)));
  g_autofree char *dir = g_dir_make_tmp ("pfm-render-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "view.png", NULL);
  g_assert_true (pfm_volume_export_write_png (s, path, &error));
  g_assert_no_error (error);
  cairo_surface_destroy (s);
  g_autoptr(GdkTexture) tex = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (tex), ==, 2 * gtk_widget_get_width (GTK_WIDGET (area)) + 240);
  g_unlink (path);
  g_rmdir (dir);
}

static void
turntable_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint *n = user_data;
  g_autoptr(GError) error = NULL;
  pfm_volume_export_turntable_finish (PFM_VOLUME_AREA (source), result, &n[0], &error);
  n[1] = error ? (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? 2 : 3) : 1;
}

static void
progress_cb (guint done, guint total, gpointer user_data)
{
  GCancellable *cancel = user_data;
  if (cancel && done == 3)
    g_cancellable_cancel (cancel);
}

static void
test_turntable (void)
{
  set_blob ();
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  const PfmCamera before = *pfm_volume_area_get_camera (area);
  PfmColorBarSpec spec;
  pfm_volume_area_get_color_bar_spec (area, &spec);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pfm-turntable-XXXXXX", &error);
  g_assert_no_error (error);

  guint n[2] = { 0, 0 };
  pfm_volume_export_turntable_async (area, &spec, dir, "tt", 6, 1, NULL, NULL, NULL, turntable_done_cb, n);
  while (n[1] == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n[1], ==, 1);
  g_assert_cmpuint (n[0], ==, 6);
  for (int i = 1; i <= 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("tt-%04d.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_unlink (path);
    }
  /* The camera is back where it was. */
  g_assert_cmpfloat_with_epsilon (pfm_volume_area_get_camera (area)->yaw, before.yaw, 1e-12);

  /* Cancelled after the third frame: three files, a cancelled result. */
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  n[0] = n[1] = 0;
  pfm_volume_export_turntable_async (area, &spec, dir, "tt", 10, 1, cancel, progress_cb, cancel, turntable_done_cb, n);
  while (n[1] == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n[1], ==, 2);
  g_assert_cmpuint (n[0], ==, 3);
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("tt-%04d.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_shader_errors (void)
{
  /* A shader that does not compile: the error names it and carries the
   * driver's log (what the view shows the user). */
  gtk_gl_area_make_current (GTK_GL_AREA (area));
  GdkGLContext *ctx = gtk_gl_area_get_context (GTK_GL_AREA (area));
  g_autoptr(GError) error = NULL;
  g_autofree char *vs = pfm_gl_load_shader ("pfm-lines.vert", gdk_gl_context_get_use_es (ctx), &error);
  g_assert_no_error (error);
  const char *broken = gdk_gl_context_get_use_es (ctx)
                       ? "#version 300 es\nprecision highp float;\nout vec4 c;\nvoid main () { c = vec4 (undeclared); }\n"
                       : "#version 330 core\nout vec4 c;\nvoid main () { c = vec4 (undeclared); }\n";
  GLuint p = pfm_gl_program_new ("broken-test", vs, broken, &error);
  g_assert_cmpuint (p, ==, 0);
  g_assert_error (error, PFM_GL_ERROR, PFM_GL_ERROR_SHADER);
  g_test_message ("%s", error->message);
  g_assert_true (strstr (error->message, "broken-test") != NULL);
  g_assert_true (strstr (error->message, "fragment shader does not compile") != NULL);
  g_assert_true (strstr (error->message, "undeclared") != NULL);
  g_clear_error (&error);
  /* A missing resource. */
  g_assert_null (pfm_gl_load_shader ("no-such.frag", FALSE, &error));
  g_assert_error (error, PFM_GL_ERROR, PFM_GL_ERROR_RESOURCE);
}

/* --- a real run, for the bench and for looking ------------------------------------- */

static PfmVolumeData *
beam_volume (int nx, int ny, int nz)
{
  /* A beam that narrows and widens (a self-imaging guide, roughly) with a
   * random index pattern: data with the texture of a real run. */
  g_autofree float *v = g_new (float, (gsize) nx * ny * nz);
  g_autofree float *dn = g_new (float, (gsize) nx * ny * nz);
  g_autofree double *z = g_new (double, nz);
  GRand *rand = g_rand_new_with_seed (7);
  for (int k = 0; k < nz; k++)
    {
      z[k] = k * 2e-6;
      const double w = 10 + 6 * cos (k * 0.08);
      for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
          {
            double x = i - nx / 2.0, y = j - ny / 2.0;
            gsize p = ((gsize) k * ny + j) * nx + i;
            v[p] = (float) (1e10 * (12.0 / w) * (12.0 / w) * exp (-2 * (x * x + y * y) / (w * w)));
            dn[p] = fabs (x) < nx / 4.0 && fabs (y) < ny / 4.0 ? (float) g_rand_double_range (rand, -1e-3, 1e-3) : -5e-3f;
          }
    }
  g_rand_free (rand);
  return pfm_volume_data_new_full (nx, ny, nz, v, dn, -nx * 0.25e-6, -ny * 0.25e-6, 0.5e-6, 0.5e-6, z, (nz - 1) * 2e-6);
}

static int
run_bench (void)
{
  g_autoptr(PfmVolumeData) d = beam_volume (128, 128, 256);
  pfm_volume_area_set_data (area, d);
  pfm_volume_area_set_wireframe (area, TRUE);
  pfm_volume_area_set_tube (area, 32e-6, 32e-6);
  pfm_volume_area_set_channel (area, PFM_VOLUME_CHANNEL_BOTH);
  pfm_volume_area_reset_view (area, PFM_CAMERA_OBLIQUE);
  gtk_gl_area_make_current (GTK_GL_AREA (area));
  printf ("renderer: %s (%s)\n", (const char *) glGetString (GL_RENDERER), (const char *) glGetString (GL_VERSION));
  printf ("volume 128 x 128 x 256 (field + index), 800 x 600, oblique view\n");
  static const struct { const char *name; gboolean interactive; int frames; } modes[] = {
    { "at rest (1 sample per voxel, full resolution)", FALSE, 5 },
    { "interacting (0.35 samples per voxel, half resolution)", TRUE, 10 },
  };
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_free (pfm_volume_area_render_pixels (area, 800, 600, modes[m].interactive, NULL));  /* warm up */
      double best = G_MAXDOUBLE, sum = 0;
      for (int i = 0; i < modes[m].frames; i++)
        {
          PfmCamera cam = *pfm_volume_area_get_camera (area);
          pfm_camera_orbit (&cam, 0.05, 0);
          pfm_volume_area_set_camera (area, &cam);
          gint64 t0 = g_get_monotonic_time ();
          g_autofree guint8 *px = pfm_volume_area_render_pixels (area, 800, 600, modes[m].interactive, NULL);
          double ms = (g_get_monotonic_time () - t0) / 1000.0;
          best = MIN (best, ms);
          sum += ms;
        }
      printf ("%-55s mean %7.1f ms, best %7.1f ms per frame (%d frames)\n", modes[m].name, sum / modes[m].frames,
              best, modes[m].frames);
    }
  return 0;
}

static int
run_shot (const char *path, const char *channel, const char *planes, const char *view)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  PfmBpmOptions opts = { .threads = 1 };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_autoptr(PfmRecord) rec = bpm ? pfm_bpm_run (bpm, NULL, &error) : NULL;
  if (rec == NULL)
    {
      g_printerr ("engine: %s\n", error->message);
      return 1;
    }
  g_autoptr(PfmVolumeData) d = pfm_volume_data_new_full (rec->vol_nx, rec->vol_ny, rec->vol_count, rec->vol_intensity,
                                                         rec->vol_dn, rec->vol_x0, rec->vol_x0, rec->vol_dx,
                                                         rec->vol_dx, rec->vol_z, cfg->tube.length);
  pfm_volume_area_set_data (area, d);
  pfm_volume_area_set_wireframe (area, TRUE);
  pfm_volume_area_set_tube (area, cfg->tube.side, cfg->tube.side);
  pfm_volume_area_set_index_range (area, cfg->medium.delta_n);
  pfm_volume_area_set_channel (area, g_strcmp0 (channel, "index") == 0 ? PFM_VOLUME_CHANNEL_INDEX
                                     : g_strcmp0 (channel, "both") == 0 ? PFM_VOLUME_CHANNEL_BOTH
                                     : PFM_VOLUME_CHANNEL_FIELD);
  for (int a = 0; a < 3 && planes; a++)
    pfm_volume_area_set_slice_plane (area, a, strchr (planes, "xyz"[a]) != NULL, a == 2 ? 0.6 : 0.5);
  pfm_volume_area_reset_view (area, g_strcmp0 (view, "side") == 0 ? PFM_CAMERA_SIDE
                                    : g_strcmp0 (view, "end") == 0 ? PFM_CAMERA_END_ON : PFM_CAMERA_OBLIQUE);
  PfmColorBarSpec spec;
  pfm_volume_area_get_color_bar_spec (area, &spec);
  spec.title = "Intensity";
  if (!pfm_volume_export_png (area, &spec, 1, path, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

static void
realize_cb (GtkWidget *widget, gpointer data)
{
  realized = TRUE;
}

int
main (int argc, char **argv)
{
  gboolean bench = FALSE;
  char *shot = NULL, *channel = NULL, *planes = NULL, *view = NULL;
  GOptionEntry entries[] = {
    { "bench", 0, 0, G_OPTION_ARG_NONE, &bench, "Measure frame times instead of testing", NULL },
    { "shot", 0, 0, G_OPTION_ARG_FILENAME, &shot, "Render the default configuration's run to FILE.png", "FILE" },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, "With --shot: field, index or both", "CHANNEL" },
    { "planes", 0, 0, G_OPTION_ARG_STRING, &planes, "With --shot: slice planes, e.g. xz", "AXES" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &view, "With --shot: oblique, side or end", "VIEW" },
    { NULL }
  };
  /* g_test_init takes its own options; ours are read first. */
  g_autoptr(GOptionContext) octx = g_option_context_new (NULL);
  g_option_context_add_main_entries (octx, entries, NULL);
  g_option_context_set_ignore_unknown_options (octx, TRUE);
  g_option_context_set_help_enabled (octx, FALSE);
  g_option_context_parse (octx, &argc, &argv, NULL);

  g_test_init (&argc, &argv, NULL);
  /* No session bus under xvfb-run: accessibility would only warn. */
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", FALSE);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), W, H);
  area = PFM_VOLUME_AREA (pfm_volume_area_new ());
  g_signal_connect_after (area, "realize", G_CALLBACK (realize_cb), NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (area));
  gtk_window_present (GTK_WINDOW (window));
  while (!realized || gtk_widget_get_width (GTK_WIDGET (area)) == 0)
    g_main_context_iteration (NULL, TRUE);

  const GError *gl_error = pfm_volume_area_get_error (area);
  if (gl_error && !g_error_matches (gl_error, PFM_GL_ERROR, PFM_GL_ERROR_SHADER))
    {
      /* No GL context at all: the machine, not the renderer. */
      g_print ("1..0 # SKIP no OpenGL context: %s\n", gl_error->message);
      return 77;
    }
  if (gl_error)
    g_error ("the renderer's shaders fail: %s", gl_error->message);

  if (bench)
    return run_bench ();
  if (shot)
    return run_shot (shot, channel, planes, view);

  g_test_add_func ("/render/gl/blob-lands-where-projected", test_blob_views);
  g_test_add_func ("/render/gl/blob-with-z-compression", test_blob_z_compression);
  g_test_add_func ("/render/gl/blob-interactive", test_blob_interactive);
  g_test_add_func ("/render/gl/blob-downsampled", test_blob_downsampled);
  g_test_add_func ("/render/gl/stream", test_stream);
  g_test_add_func ("/render/gl/blank-and-slice-planes", test_blank_and_planes);
  g_test_add_func ("/render/gl/export-png", test_export_png);
  g_test_add_func ("/render/gl/turntable", test_turntable);
  g_test_add_func ("/render/gl/shader-errors", test_shader_errors);
  return g_test_run ();
}
