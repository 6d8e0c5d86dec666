/* pfm-volume-export.c - pictures of the volume view: PNG and turntables
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-volume-export"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "pfm-volume-export.h"

#define BAR_WIDTH 120

cairo_surface_t *
pfm_volume_export_image (PfmVolumeArea *area, const PfmColorBarSpec *spec, int scale, GError **error)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (area) && spec != NULL, NULL);
  scale = CLAMP (scale, 1, 4);
  const int w = gtk_widget_get_width (GTK_WIDGET (area)) * scale;
  const int h = gtk_widget_get_height (GTK_WIDGET (area)) * scale;
  if (w <= 0 || h <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the 3D view is not on screen");
      return NULL;
    }
  g_autofree guint8 *pixels = pfm_volume_area_render_pixels (area, w, h, FALSE, error);
  if (pixels == NULL)
    return NULL;

  const int bar = BAR_WIDTH * scale;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w + bar, h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no memory for a %d × %d picture", w + bar, h);
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  guint8 *dst = cairo_image_surface_get_data (surface);
  const int stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < h; y++)
    {
      guint32 *row = (guint32 *) (dst + (gsize) y * stride);
      const guint8 *src = pixels + (gsize) y * w * 4;
      for (int x = 0; x < w; x++)
        row[x] = 0xff000000u | ((guint32) src[4 * x] << 16) | ((guint32) src[4 * x + 1] << 8) | src[4 * x + 2];
    }
  cairo_surface_mark_dirty (surface);

  cairo_t *cr = cairo_create (surface);
  cairo_rectangle (cr, w, 0, bar, h);
  cairo_set_source_rgb (cr, 0.055, 0.058, 0.07);
  cairo_fill (cr);
  static const double fg[4] = { 0.92, 0.92, 0.94, 1 };
  pfm_color_bar_draw (cr, w + 6 * scale, 8 * scale, bar - 8 * scale, h - 16 * scale, spec, fg, scale);
  cairo_destroy (cr);
  return surface;
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
pfm_volume_export_write_png (cairo_surface_t *surface, const char *path, GError **error)
{
  g_return_val_if_fail (surface != NULL && path != NULL, FALSE);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_status_t status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

gboolean
pfm_volume_export_png (PfmVolumeArea *area, const PfmColorBarSpec *spec, int scale, const char *path, GError **error)
{
  cairo_surface_t *surface = pfm_volume_export_image (area, spec, scale, error);
  if (surface == NULL)
    return FALSE;
  gboolean ok = pfm_volume_export_write_png (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

/* --- turntable ------------------------------------------------------------------------ */

typedef struct
{
  PfmColorBarSpec      spec;
  char                *title, *subtitle, *unit;
  char                *directory;
  char                *prefix;
  guint                n_frames;
  guint                done;
  int                  scale;
  PfmCamera            camera;      /* restored at the end */
  double               turn_distance;
  PfmTurntableProgress progress;
  gpointer             progress_data;
  guint                tick;
  gboolean             finished;
} Turntable;

static void
turntable_free (gpointer p)
{
  Turntable *t = p;
  g_free (t->title);
  g_free (t->subtitle);
  g_free (t->unit);
  g_free (t->directory);
  g_free (t->prefix);
  g_free (t);
}

static void
turntable_finish (GTask *task, Turntable *t, GError *error)
{
  PfmVolumeArea *area = g_task_get_source_object (task);
  t->finished = TRUE;
  pfm_volume_area_set_camera (area, &t->camera);
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
turntable_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  GTask *task = user_data;
  Turntable *t = g_task_get_task_data (task);
  PfmVolumeArea *area = PFM_VOLUME_AREA (widget);
  GError *error = NULL;
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      turntable_finish (task, t, error);
      return G_SOURCE_REMOVE;
    }
  PfmCamera cam = t->camera;
  pfm_camera_orbit (&cam, 2 * G_PI * t->done / t->n_frames, 0);
  cam.distance = t->turn_distance;
  pfm_volume_area_set_camera (area, &cam);
  g_autofree char *name = g_strdup_printf ("%s-%04u.png", t->prefix, t->done + 1);
  g_autofree char *path = g_build_filename (t->directory, name, NULL);
  if (!pfm_volume_export_png (area, &t->spec, t->scale, path, &error))
    {
      turntable_finish (task, t, error);
      return G_SOURCE_REMOVE;
    }
  t->done++;
  if (t->progress)
    t->progress (t->done, t->n_frames, t->progress_data);
  if (t->done >= t->n_frames)
    {
      turntable_finish (task, t, NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
turntable_tick_destroy (gpointer user_data)
{
  GTask *task = user_data;
  Turntable *t = g_task_get_task_data (task);
  if (!t->finished)
    {
      /* The widget went away (window closed) before the last frame. */
      t->finished = TRUE;
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the view was closed");
    }
  g_object_unref (task);
}

void
pfm_volume_export_turntable_async (PfmVolumeArea *area, const PfmColorBarSpec *spec, const char *directory,
                                   const char *prefix, guint n_frames, int scale, GCancellable *cancellable,
                                   PfmTurntableProgress progress, gpointer progress_data,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (area) && spec != NULL && directory != NULL);
  GTask *task = g_task_new (area, cancellable, callback, user_data);
  g_task_set_source_tag (task, pfm_volume_export_turntable_async);
  Turntable *t = g_new0 (Turntable, 1);
  t->spec = *spec;
  t->title = g_strdup (spec->title);
  t->subtitle = g_strdup (spec->subtitle);
  t->unit = g_strdup (spec->unit);
  t->spec.title = t->title;
  t->spec.subtitle = t->subtitle;
  t->spec.unit = t->unit;
  t->directory = g_strdup (directory);
  t->prefix = g_strdup (prefix && prefix[0] ? prefix : "turntable");
  t->n_frames = CLAMP (n_frames, 1, 3600);
  t->scale = CLAMP (scale, 1, 4);
  t->camera = *pfm_volume_area_get_camera (area);
  t->progress = progress;
  /* Far enough that the box stays whole at every angle of the turn. */
  double half[3], far = t->camera.distance;
  pfm_volume_area_get_box (area, half);
  const int w = gtk_widget_get_width (GTK_WIDGET (area)), h = gtk_widget_get_height (GTK_WIDGET (area));
  for (guint i = 0; i < t->n_frames; i++)
    {
      PfmCamera cam = t->camera;
      pfm_camera_orbit (&cam, 2 * G_PI * i / t->n_frames, 0);
      pfm_camera_fit (&cam, half, w > 0 && h > 0 ? (double) w / h : 4.0 / 3.0);
      far = MAX (far, cam.distance);
    }
  t->turn_distance = far;
  t->progress_data = progress_data;
  g_task_set_task_data (task, t, turntable_free);

  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int e = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (e), "%s: %s", directory, g_strerror (e));
      g_object_unref (task);
      return;
    }
  t->tick = gtk_widget_add_tick_callback (GTK_WIDGET (area), turntable_tick_cb, task, turntable_tick_destroy);
}

gboolean
pfm_volume_export_turntable_finish (PfmVolumeArea *area, GAsyncResult *result, guint *n_written, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, area), FALSE);
  Turntable *t = g_task_get_task_data (G_TASK (result));
  if (n_written)
    *n_written = t->done;
  return g_task_propagate_boolean (G_TASK (result), error);
}
