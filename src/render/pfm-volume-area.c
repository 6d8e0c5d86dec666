/* pfm-volume-area.c - the OpenGL volume renderer of the propagating field
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The widget side of PfmVolumeArea: its API, properties and signals, the
 * scene state the API sets, and realize/unrealize.  The GL side (the
 * frame and the uploads) is pfm-volume-renderer.c; pointer, scroll and
 * key handling is pfm-volume-input.c; the instance struct they share is
 * in pfm-volume-area-private.h.
 */
#define G_LOG_DOMAIN "pfm-volume-area"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-gl.h"
#include "pfm-volume-area-private.h"

#define DEFAULT_BUDGET      (G_GUINT64_CONSTANT (256) << 20)

G_DEFINE_FINAL_TYPE (PfmVolumeArea, pfm_volume_area, GTK_TYPE_GL_AREA)

enum {
  PROP_0,
  PROP_CHANNEL,
  PROP_Z_COMPRESSION,
  PROP_ERROR,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum {
  UPLOADED,
  PLANES_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* --- geometry ---------------------------------------------------------------------- */

void
pfm_volume_area_physical_box (PfmVolumeArea *self, double lo[3], double len[3])
{
  if (self->data)
    {
      const PfmVolumeData *d = self->data;
      lo[0] = d->x0 - 0.5 * d->dx;
      lo[1] = d->y0 - 0.5 * d->dy;
      lo[2] = 0;
      len[0] = pfm_volume_data_width (d);
      len[1] = pfm_volume_data_height (d);
      len[2] = d->length > 0 ? d->length : MAX (d->z_last, len[0]);
    }
  else
    {
      lo[0] = lo[1] = -0.5;
      lo[2] = 0;
      len[0] = len[1] = 1;
      len[2] = 8;
    }
}

double
pfm_volume_area_get_effective_z_compression (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), 1);
  if (self->z_compression > 0)
    return self->z_compression;
  double lo[3], len[3];
  pfm_volume_area_physical_box (self, lo, len);
  return pfm_volume_auto_z_compression (MAX (len[0], len[1]), len[2], 3.0);
}

void
pfm_volume_area_get_box (PfmVolumeArea *self, double half[3])
{
  double lo[3], len[3];
  pfm_volume_area_physical_box (self, lo, len);
  pfm_volume_box_half_extents (len[0], len[1], len[2], pfm_volume_area_get_effective_z_compression (self), half);
}

void
pfm_volume_area_world_from_physical (PfmVolumeArea *self, const double p[3], double world[3])
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  double lo[3], len[3], half[3];
  pfm_volume_area_physical_box (self, lo, len);
  pfm_volume_area_get_box (self, half);
  for (int a = 0; a < 3; a++)
    world[a] = ((p[a] - lo[a]) / len[a] - 0.5) * 2 * half[a];
}

static double
aspect (PfmVolumeArea *self)
{
  const int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  return w > 0 && h > 0 ? (double) w / h : 4.0 / 3.0;
}

/* Refits the camera when the box changes shape (first data, other z
 * compression), keeping the direction the user chose. */
void
pfm_volume_area_update_camera_box (PfmVolumeArea *self)
{
  double half[3];
  pfm_volume_area_get_box (self, half);
  if (!self->camera_set)
    {
      pfm_camera_reset (&self->camera, half, PFM_CAMERA_OBLIQUE, aspect (self));
      self->camera_set = TRUE;
    }
  else if (fabs (half[0] - self->cam_half[0]) > 1e-6 * half[0] ||
           fabs (half[1] - self->cam_half[1]) > 1e-6 * half[1] ||
           fabs (half[2] - self->cam_half[2]) > 1e-6 * half[2])
    {
      double r = sqrt (half[0] * half[0] + half[1] * half[1] + half[2] * half[2]);
      double old = self->camera.radius > 0 ? self->camera.radius : r;
      self->camera.distance *= r / old;
      for (int a = 0; a < 3; a++)
        self->camera.target[a] *= r / old;
      self->camera.radius = r;
    }
  memcpy (self->cam_half, half, sizeof half);
}

/* --- signals ------------------------------------------------------------------------ */

void
pfm_volume_area_emit_uploaded (PfmVolumeArea *self)
{
  g_signal_emit (self, signals[UPLOADED], 0);
}

void
pfm_volume_area_emit_planes_changed (PfmVolumeArea *self)
{
  g_signal_emit (self, signals[PLANES_CHANGED], 0);
}

/* --- GL setup ------------------------------------------------------------------------ */

void
pfm_volume_area_set_gl_error (PfmVolumeArea *self, GError *error)
{
  /* Takes @error. */
  if (self->error == NULL)
    {
      self->error = error;
      g_message ("3D view unavailable: %s", error->message);
      gtk_gl_area_set_error (GTK_GL_AREA (self), error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  else
    g_error_free (error);
}

static void
pfm_volume_area_realize (GtkWidget *widget)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (widget);
  GTK_WIDGET_CLASS (pfm_volume_area_parent_class)->realize (widget);

  gtk_gl_area_make_current (GTK_GL_AREA (self));
  GError *area_error = gtk_gl_area_get_error (GTK_GL_AREA (self));
  if (area_error != NULL)
    {
      /* No context: keep GTK's reason (it is the one to show). */
      if (self->error == NULL)
        {
          self->error = g_error_copy (area_error);
          g_message ("3D view unavailable: %s", area_error->message);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
        }
      return;
    }
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  int major = 0, minor = 0;
  gdk_gl_context_get_version (context, &major, &minor);
  self->es = gdk_gl_context_get_use_es (context);
  if ((self->es && major < 3) || (!self->es && (major < 3 || (major == 3 && minor < 3))))
    {
      pfm_volume_area_set_gl_error (self, g_error_new (PFM_GL_ERROR, PFM_GL_ERROR_VERSION,
                                                        "the volume renderer needs OpenGL 3.3 or OpenGL ES 3.0; this context is %s %d.%d",
                                                        self->es ? "OpenGL ES" : "OpenGL", major, minor));
      return;
    }

  pfm_volume_renderer_setup (self);
}

static void
pfm_volume_area_unrealize (GtkWidget *widget)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (widget);
  pfm_volume_renderer_teardown (self);
  GTK_WIDGET_CLASS (pfm_volume_area_parent_class)->unrealize (widget);
}

static void
pfm_volume_area_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  GTK_WIDGET_CLASS (pfm_volume_area_parent_class)->size_allocate (widget, width, height, baseline);
  /* Auto-render is off: a new size needs a new frame. */
  gtk_gl_area_queue_render (GTK_GL_AREA (widget));
}

/* --- GObject ------------------------------------------------------------------------- */

static void
pfm_volume_area_dispose (GObject *object)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  if (self->settle_tick)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->settle_tick);
      self->settle_tick = 0;
    }
  G_OBJECT_CLASS (pfm_volume_area_parent_class)->dispose (object);
}

static void
pfm_volume_area_finalize (GObject *object)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  g_clear_pointer (&self->fitted, pfm_volume_data_free);
  g_clear_pointer (&self->tf, pfm_transfer_free);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (pfm_volume_area_parent_class)->finalize (object);
}

static void
pfm_volume_area_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_int (value, self->channel);
      break;
    case PROP_Z_COMPRESSION:
      g_value_set_double (value, self->z_compression);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_volume_area_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  switch (prop_id)
    {
    case PROP_CHANNEL:
      pfm_volume_area_set_channel (self, g_value_get_int (value));
      break;
    case PROP_Z_COMPRESSION:
      pfm_volume_area_set_z_compression (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_volume_area_class_init (PfmVolumeAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkGLAreaClass *area_class = GTK_GL_AREA_CLASS (klass);

  object_class->dispose = pfm_volume_area_dispose;
  object_class->finalize = pfm_volume_area_finalize;
  object_class->get_property = pfm_volume_area_get_property;
  object_class->set_property = pfm_volume_area_set_property;
  widget_class->realize = pfm_volume_area_realize;
  widget_class->unrealize = pfm_volume_area_unrealize;
  widget_class->size_allocate = pfm_volume_area_size_allocate;
  area_class->render = pfm_volume_renderer_render;

  properties[PROP_CHANNEL] = g_param_spec_int ("channel", NULL, NULL, PFM_VOLUME_CHANNEL_FIELD, PFM_VOLUME_CHANNEL_BOTH,
                                               PFM_VOLUME_CHANNEL_FIELD,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Z_COMPRESSION] = g_param_spec_double ("z-compression", NULL, NULL, 0, 1e6, 0,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[UPLOADED] = g_signal_new ("uploaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PLANES_CHANGED] = g_signal_new ("planes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "pfm-volume-area");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pfm_volume_area_init (PfmVolumeArea *self)
{
  self->tf = pfm_transfer_new ();
  self->channel = PFM_VOLUME_CHANNEL_FIELD;
  self->index_range = NAN;
  self->hover_plane = -1;
  self->wireframe = TRUE;
  self->drag_plane = -1;
  self->rest_quality = 1.0;
  self->lod_quality = 0.35;
  self->budget = DEFAULT_BUDGET;
  for (int a = 0; a < 3; a++)
    self->plane_pos[a] = 0.5;
  self->full_upload = TRUE;

  gtk_gl_area_set_auto_render (GTK_GL_AREA (self), FALSE);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  pfm_volume_input_attach (self);
}

/* --- API ----------------------------------------------------------------------------- */

GtkWidget *
pfm_volume_area_new (void)
{
  return g_object_new (PFM_TYPE_VOLUME_AREA, NULL);
}

/* The GPU's copy no longer stands for the data (the textures stay
 * allocated and are refilled at the next frame). */
static void
drop_gpu_copy (PfmVolumeArea *self)
{
  self->gpu = NULL;
  g_clear_pointer (&self->fitted, pfm_volume_data_free);
  self->tex_nz = 0;
  self->full_upload = TRUE;
}

static void
data_replaced (PfmVolumeArea *self)
{
  self->full_upload = TRUE;
  pfm_volume_area_update_camera_box (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_data (PfmVolumeArea *self, const PfmVolumeData *data)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (data != NULL);
  drop_gpu_copy (self);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  self->data = pfm_volume_data_copy (data);
  self->streaming = FALSE;
  data_replaced (self);
}

const PfmVolumeData *
pfm_volume_area_get_data (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  return self->data;
}

void
pfm_volume_area_clear (PfmVolumeArea *self)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  drop_gpu_copy (self);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  self->streaming = FALSE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_begin_stream (PfmVolumeArea *self, int nx, int ny, double x0, double y0, double dx, double dy,
                              double length)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (nx > 0 && ny > 0);
  drop_gpu_copy (self);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  self->data = pfm_volume_data_new (nx, ny, x0, y0, dx, dy, length, FALSE);
  self->streaming = TRUE;
  data_replaced (self);
}

void
pfm_volume_area_append_slice (PfmVolumeArea *self, double z, const float *intensity)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (intensity != NULL);
  if (!self->streaming || self->data == NULL)
    return;
  int capacity = self->data->capacity;
  pfm_volume_data_append_slice (self->data, z, intensity, NULL);
  if (self->data->capacity != capacity || self->data->nz == 1)
    self->full_upload = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

gboolean
pfm_volume_area_is_streaming (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), FALSE);
  return self->streaming;
}

void
pfm_volume_area_set_tube (PfmVolumeArea *self, double side_x, double side_y)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->tube[0] = side_x > 0 ? side_x : 0;
  self->tube[1] = side_y > 0 ? side_y : 0;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_wireframe (PfmVolumeArea *self, gboolean show)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->wireframe = !!show;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_index_range (PfmVolumeArea *self, double range)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->index_range = range;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_transfer (PfmVolumeArea *self, const PfmTransfer *tf)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (tf != NULL && tf->n_points >= 2);
  if (pfm_transfer_equal (self->tf, tf))
    return;
  *self->tf = *tf;
  self->lut_dirty = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

const PfmTransfer *
pfm_volume_area_get_transfer (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  return self->tf;
}

void
pfm_volume_area_set_channel (PfmVolumeArea *self, PfmVolumeChannel channel)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (channel <= PFM_VOLUME_CHANNEL_BOTH);
  if (self->channel == channel)
    return;
  self->channel = channel;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL]);
}

PfmVolumeChannel
pfm_volume_area_get_channel (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), PFM_VOLUME_CHANNEL_FIELD);
  return self->channel;
}

void
pfm_volume_area_set_z_compression (PfmVolumeArea *self, double compression)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  compression = compression > 0 ? CLAMP (compression, 0.01, 1e6) : 0;
  if (self->z_compression == compression)
    return;
  self->z_compression = compression;
  pfm_volume_area_update_camera_box (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Z_COMPRESSION]);
}

void
pfm_volume_area_set_slice_plane (PfmVolumeArea *self, int axis, gboolean enabled, double position)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (axis >= 0 && axis < 3);
  position = isfinite (position) ? CLAMP (position, 0.0, 1.0) : 0.5;
  if (self->plane_on[axis] == !!enabled && self->plane_pos[axis] == position)
    return;
  self->plane_on[axis] = !!enabled;
  self->plane_pos[axis] = position;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  g_signal_emit (self, signals[PLANES_CHANGED], 0);
}

gboolean
pfm_volume_area_get_slice_plane (PfmVolumeArea *self, int axis, double *position)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), FALSE);
  g_return_val_if_fail (axis >= 0 && axis < 3, FALSE);
  if (position)
    *position = self->plane_pos[axis];
  return self->plane_on[axis];
}

double
pfm_volume_area_slice_plane_coordinate (PfmVolumeArea *self, int axis)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), 0);
  g_return_val_if_fail (axis >= 0 && axis < 3, 0);
  double lo[3], len[3];
  pfm_volume_area_physical_box (self, lo, len);
  return lo[axis] + self->plane_pos[axis] * len[axis];
}

void
pfm_volume_area_reset_view (PfmVolumeArea *self, PfmCameraPreset preset)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  double half[3];
  pfm_volume_area_get_box (self, half);
  pfm_camera_reset (&self->camera, half, preset, aspect (self));
  memcpy (self->cam_half, half, sizeof half);
  self->camera_set = TRUE;
  pfm_volume_input_touched (self);
}

const PfmCamera *
pfm_volume_area_get_camera (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  pfm_volume_area_update_camera_box (self);
  return &self->camera;
}

void
pfm_volume_area_set_camera (PfmVolumeArea *self, const PfmCamera *camera)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self) && camera != NULL);
  pfm_volume_area_update_camera_box (self);
  self->camera = *camera;
  self->camera_set = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_memory_budget (PfmVolumeArea *self, guint64 bytes)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->budget = MAX (bytes, 4096);
  self->full_upload = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

gboolean
pfm_volume_area_get_texture_size (PfmVolumeArea *self, int size[3], gboolean *downsampled)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), FALSE);
  if (self->gpu == NULL || self->tex_nz == 0)
    return FALSE;
  size[0] = self->tex_nx;
  size[1] = self->tex_ny;
  size[2] = self->tex_nz;
  if (downsampled)
    *downsampled = self->downsampled;
  return TRUE;
}

const GError *
pfm_volume_area_get_error (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  return self->error;
}

void
pfm_volume_area_get_color_bar_spec (PfmVolumeArea *self, PfmColorBarSpec *spec)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self) && spec != NULL);
  memset (spec, 0, sizeof *spec);
  spec->colormap = self->tf->colormap;
  if (self->channel == PFM_VOLUME_CHANNEL_INDEX)
    {
      const double r = isfinite (self->index_range) && self->index_range > 0 ? self->index_range
                       : (self->data && self->data->max_abs_dn > 0 ? self->data->max_abs_dn : 1);
      spec->log = FALSE;
      spec->diverging = TRUE;
      spec->min = -r;
      spec->max = r;
      spec->unit = "";
    }
  else
    {
      spec->log = self->tf->log_scale;
      spec->decades = self->tf->decades;
      spec->max = self->data && self->data->max_intensity > 0 ? self->data->max_intensity : 1;
      spec->min = 0;
      spec->unit = "W/m²";
    }
}