/* pfm-volume-input.c - pointer, scroll, key and gesture handling of the volume area
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A left drag orbits the camera, or moves the slice plane it starts on;
 * a middle or right (or shifted) drag pans; the wheel and pinch zoom;
 * two-finger scrolling orbits; arrows, +/- and 0/1/2 do the same from the
 * keyboard.  Each change marks the area as settling so frames are drawn
 * coarse until a tick callback sees the interaction stop.
 */
#define G_LOG_DOMAIN "pfm-volume-area"

#include "config.h"

#include <math.h>

#include "pfm-volume-area-private.h"

#define SETTLE_US           (180 * G_TIME_SPAN_MILLISECOND)

/* Ends the coarse frames once no drag is on and nothing has moved for
 * SETTLE_US, with one full-quality frame. */
static gboolean
settle_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (widget);
  if (self->drag_mode != DRAG_NONE || g_get_monotonic_time () - self->last_event < SETTLE_US)
    return G_SOURCE_CONTINUE;
  self->settling = FALSE;
  self->settle_tick = 0;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  return G_SOURCE_REMOVE;
}

/* Something moved: draw coarse frames until things settle. */
void
pfm_volume_input_touched (PfmVolumeArea *self)
{
  self->last_event = g_get_monotonic_time ();
  self->settling = TRUE;
  if (self->settle_tick == 0)
    self->settle_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), settle_tick_cb, NULL, NULL);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

/* The enabled slice plane under pixel (x, y), nearest first; -1 if none. */
static int
pick_plane (PfmVolumeArea *self, double x, double y, double hit[3])
{
  const int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double o[3], d[3], half[3], tn, tf;
  pfm_volume_area_get_box (self, half);
  pfm_camera_pixel_ray (&self->camera, w, h, x, y, o, d);
  if (!pfm_ray_box (o, d, half, &tn, &tf))
    return -1;
  int best = -1;
  double best_t = tf;
  for (int a = 0; a < 3; a++)
    {
      if (!self->plane_on[a] || fabs (d[a]) < 1e-9)
        continue;
      double t = ((self->plane_pos[a] - 0.5) * 2 * half[a] - o[a]) / d[a];
      if (t >= tn && t <= best_t)
        {
          best = a;
          best_t = t;
        }
    }
  if (best >= 0 && hit)
    for (int i = 0; i < 3; i++)
      hit[i] = o[i] + best_t * d[i];
  return best;
}

/* Highlights @plane (-1: none) and shows the move cursor over it. */
static void
set_hover (PfmVolumeArea *self, int plane)
{
  if (self->hover_plane == plane)
    return;
  self->hover_plane = plane;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), plane >= 0 ? "move" : NULL);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, PfmVolumeArea *self)
{
  if (self->drag_mode == DRAG_NONE)
    set_hover (self, pick_plane (self, x, y, NULL));
}

static void
leave_cb (GtkEventControllerMotion *motion, PfmVolumeArea *self)
{
  if (self->drag_mode == DRAG_NONE)
    set_hover (self, -1);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, PfmVolumeArea *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_last[0] = self->drag_last[1] = 0;
  if (button == GDK_BUTTON_MIDDLE || button == GDK_BUTTON_SECONDARY || (mods & GDK_SHIFT_MASK))
    self->drag_mode = DRAG_PAN;
  else if ((self->drag_plane = pick_plane (self, x, y, self->drag_point)) >= 0)
    self->drag_mode = DRAG_PLANE;
  else
    self->drag_mode = DRAG_ORBIT;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  pfm_volume_input_touched (self);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double ox, double oy, PfmVolumeArea *self)
{
  const double dx = ox - self->drag_last[0], dy = oy - self->drag_last[1];
  self->drag_last[0] = ox;
  self->drag_last[1] = oy;
  const int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  switch (self->drag_mode)
    {
    case DRAG_ORBIT:
      pfm_camera_orbit (&self->camera, -dx * 0.008, dy * 0.008);
      break;
    case DRAG_PAN:
      pfm_camera_pan (&self->camera, dx, dy, h);
      break;
    case DRAG_PLANE:
      {
        const int a = self->drag_plane;
        double half[3];
        pfm_volume_area_get_box (self, half);
        double move = pfm_camera_drag_along_axis (&self->camera, w, h, self->drag_point, a, dx, dy);
        double pos = CLAMP (self->plane_pos[a] + move / (2 * half[a]), 0.0, 1.0);
        self->drag_point[a] = (pos - 0.5) * 2 * half[a];
        if (pos != self->plane_pos[a])
          {
            self->plane_pos[a] = pos;
            pfm_volume_area_emit_planes_changed (self);
          }
      }
      break;
    default:
      return;
    }
  pfm_volume_input_touched (self);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double ox, double oy, PfmVolumeArea *self)
{
  self->drag_mode = DRAG_NONE;
  pfm_volume_input_touched (self);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, PfmVolumeArea *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  const int h = gtk_widget_get_height (GTK_WIDGET (self));
  if (gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL)
    pfm_camera_zoom (&self->camera, pow (1.12, dy));
  else if (mods & GDK_CONTROL_MASK)
    pfm_camera_zoom (&self->camera, exp (dy * 0.01));
  else if (mods & GDK_SHIFT_MASK)
    pfm_camera_pan (&self->camera, -dx, -dy, h);
  else
    /* Two fingers on a touchpad turn the tube. */
    pfm_camera_orbit (&self->camera, -dx * 0.006, dy * 0.006);
  pfm_volume_input_touched (self);
  return TRUE;
}

static void
zoom_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, PfmVolumeArea *self)
{
  self->zoom_distance = self->camera.distance;
}

static void
zoom_scale_cb (GtkGestureZoom *gesture, double scale, PfmVolumeArea *self)
{
  if (scale > 0)
    {
      pfm_camera_zoom (&self->camera, self->zoom_distance / scale / self->camera.distance);
      pfm_volume_input_touched (self);
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state, PfmVolumeArea *self)
{
  const gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  const double step = 5 * G_PI / 180;
  const int h = gtk_widget_get_height (GTK_WIDGET (self));
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      shift ? pfm_camera_pan (&self->camera, -20, 0, h) : pfm_camera_orbit (&self->camera, step, 0);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      shift ? pfm_camera_pan (&self->camera, 20, 0, h) : pfm_camera_orbit (&self->camera, -step, 0);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      shift ? pfm_camera_pan (&self->camera, 0, -20, h) : pfm_camera_orbit (&self->camera, 0, -step);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      shift ? pfm_camera_pan (&self->camera, 0, 20, h) : pfm_camera_orbit (&self->camera, 0, step);
      break;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      pfm_camera_zoom (&self->camera, 1 / 1.15);
      break;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      pfm_camera_zoom (&self->camera, 1.15);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      pfm_volume_area_reset_view (self, PFM_CAMERA_OBLIQUE);
      return TRUE;
    case GDK_KEY_1:
    case GDK_KEY_KP_1:
      pfm_volume_area_reset_view (self, PFM_CAMERA_SIDE);
      return TRUE;
    case GDK_KEY_2:
    case GDK_KEY_KP_2:
      pfm_volume_area_reset_view (self, PFM_CAMERA_END_ON);
      return TRUE;
    default:
      return FALSE;
    }
  pfm_volume_input_touched (self);
  return TRUE;
}

void
pfm_volume_input_attach (PfmVolumeArea *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  GtkGesture *zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (zoom_begin_cb), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (zoom_scale_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));
  gtk_gesture_group (zoom, drag);

  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  GtkEventController *key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}
