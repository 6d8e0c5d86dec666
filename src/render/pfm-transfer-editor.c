/* pfm-transfer-editor.c - the opacity curve over the data's histogram
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-transfer-editor"

#include "config.h"

#include <math.h>

#include "pfm-transfer-editor.h"

#define PICK_RADIUS 9.0

struct _PfmTransferEditor
{
  GtkWidget    parent_instance;
  PfmTransfer *tf;
  guint       *bins;
  guint        n_bins;
  char        *low;
  char        *high;
  int          selected;
  int          dragging;
  gboolean     presentation;
  gboolean     diverging;    /* the strip shows the index's diverging map */
};

G_DEFINE_FINAL_TYPE (PfmTransferEditor, pfm_transfer_editor, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct
{
  double x, y, w, h;   /* the curve's box */
  double strip;        /* colormap strip height */
} Frame;

static void
frame (PfmTransferEditor *self, Frame *f)
{
  const double s = self->presentation ? 1.4 : 1.0;
  const double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  f->x = 8;
  f->y = 6;
  f->w = MAX (w - 16, 1);
  f->strip = 10 * s;
  f->h = MAX (h - f->y - f->strip - 18 * s, 1);
}

/* The opacity axis is a square root: the useful opacities per step are
 * small, and a linear axis would crowd them at the bottom. */
static void
to_screen (const Frame *f, double x, double opacity, double *px, double *py)
{
  *px = f->x + x * f->w;
  *py = f->y + (1 - sqrt (CLAMP (opacity, 0.0, 1.0))) * f->h;
}

static int
pick (PfmTransferEditor *self, double px, double py)
{
  Frame f;
  frame (self, &f);
  int best = -1;
  double best_d = PICK_RADIUS * PICK_RADIUS;
  for (guint i = 0; i < self->tf->n_points; i++)
    {
      double x, y;
      to_screen (&f, self->tf->points[i].x, self->tf->points[i].opacity, &x, &y);
      double d = (x - px) * (x - px) + (y - py) * (y - py);
      if (d <= best_d)
        {
          best = (int) i;
          best_d = d;
        }
    }
  return best;
}

static void
changed (PfmTransferEditor *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Backdrop and the histogram (log of the counts: a few bright voxels
 * next to a sea of dark ones). */
static void
draw_histogram (PfmTransferEditor *self, cairo_t *cr, const Frame *f)
{
  cairo_rectangle (cr, f->x, f->y, f->w, f->h);
  cairo_set_source_rgba (cr, 0.05, 0.06, 0.07, 0.9);
  cairo_fill (cr);
  guint max = 0;
  for (guint i = 0; i < self->n_bins; i++)
    max = MAX (max, self->bins[i]);
  if (max > 0)
    {
      cairo_set_source_rgba (cr, 0.75, 0.78, 0.85, 0.35);
      const double bw = f->w / self->n_bins, lm = log1p (max);
      for (guint i = 0; i < self->n_bins; i++)
        if (self->bins[i] > 0)
          {
            double bh = f->h * log1p (self->bins[i]) / lm;
            cairo_rectangle (cr, f->x + i * bw, f->y + f->h - bh, MAX (bw - 0.5, 0.5), bh);
          }
      cairo_fill (cr);
    }
}

/* The colormap as a strip under the plot, and as a translucent fill
 * under the opacity curve. */
static void
draw_colormap (PfmTransferEditor *self, cairo_t *cr, const Frame *f)
{
  cairo_pattern_t *grad = cairo_pattern_create_linear (f->x, 0, f->x + f->w, 0);
  for (int i = 0; i <= 32; i++)
    {
      double rgb[3];
      if (self->diverging)
        pfm_colormap_diverging (i / 32.0, rgb);
      else
        pfm_colormap_eval (self->tf->colormap, i / 32.0, rgb);
      cairo_pattern_add_color_stop_rgb (grad, i / 32.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_rectangle (cr, f->x, f->y + f->h + 2, f->w, f->strip);
  cairo_set_source (cr, grad);
  cairo_fill (cr);

  cairo_save (cr);
  for (guint i = 0; i < self->tf->n_points; i++)
    {
      double x, y;
      to_screen (f, self->tf->points[i].x, self->tf->points[i].opacity, &x, &y);
      if (i == 0)
        cairo_move_to (cr, x, f->y + f->h);
      cairo_line_to (cr, x, y);
    }
  cairo_line_to (cr, f->x + f->w, f->y + f->h);
  cairo_close_path (cr);
  cairo_set_source (cr, grad);
  cairo_clip (cr);
  cairo_paint_with_alpha (cr, 0.45);
  cairo_restore (cr);
  cairo_pattern_destroy (grad);
}

/* The opacity curve and its control points (the selected one larger),
 * with a focus ring round the selected point when focus is visible.
 * @s scales the line widths and radii (presentation mode). */
static void
draw_curve (PfmTransferEditor *self, cairo_t *cr, const Frame *f, double s, const GdkRGBA *fg)
{
  cairo_set_line_width (cr, 1.5 * s);
  cairo_set_source_rgba (cr, 0.95, 0.95, 0.95, 0.95);
  for (guint i = 0; i < self->tf->n_points; i++)
    {
      double x, y;
      to_screen (f, self->tf->points[i].x, self->tf->points[i].opacity, &x, &y);
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
  for (guint i = 0; i < self->tf->n_points; i++)
    {
      double x, y;
      to_screen (f, self->tf->points[i].x, self->tf->points[i].opacity, &x, &y);
      cairo_arc (cr, x, y, (i == (guint) self->selected ? 5.5 : 4) * s, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.1, 0.1, 0.1, 1);
      cairo_set_line_width (cr, 1.2 * s);
      cairo_stroke (cr);
    }
  if (gtk_widget_has_visible_focus (GTK_WIDGET (self)) && self->selected >= 0)
    {
      double x, y;
      to_screen (f, self->tf->points[self->selected].x, self->tf->points[self->selected].opacity, &x, &y);
      cairo_arc (cr, x, y, 8 * s, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_stroke (cr);
    }
}

/* The ends of the value axis, in physical units. */
static void
draw_axis_labels (PfmTransferEditor *self, cairo_t *cr, const Frame *f, double s, const GdkRGBA *fg)
{
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10.5 * s);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  const double ty = f->y + f->h + f->strip + 14 * s;
  if (self->low)
    {
      cairo_move_to (cr, f->x, ty);
      cairo_show_text (cr, self->low);
    }
  if (self->high)
    {
      cairo_text_extents_t e;
      cairo_text_extents (cr, self->high, &e);
      cairo_move_to (cr, f->x + f->w - e.x_advance, ty);
      cairo_show_text (cr, self->high);
    }
}

static void
pfm_transfer_editor_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PfmTransferEditor *self = PFM_TRANSFER_EDITOR (widget);
  const int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (w <= 0 || h <= 0)
    return;
  GdkRGBA fg;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  const double s = self->presentation ? 1.4 : 1.0;
  Frame f;
  frame (self, &f);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  draw_histogram (self, cr, &f);
  draw_colormap (self, cr, &f);
  draw_curve (self, cr, &f, s, &fg);
  draw_axis_labels (self, cr, &f, s, &fg);
  cairo_destroy (cr);
}

static void
pfm_transfer_editor_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                             int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  PfmTransferEditor *self = PFM_TRANSFER_EDITOR (widget);
  const double s = self->presentation ? 1.4 : 1.0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 100;
      *natural = 320;
    }
  else
    *minimum = *natural = (int) (110 * s);
}

static void
point_at (PfmTransferEditor *self, double px, double py, double *x, double *opacity)
{
  Frame f;
  frame (self, &f);
  *x = CLAMP ((px - f.x) / f.w, 0.0, 1.0);
  const double q = CLAMP (1 - (py - f.y) / f.h, 0.0, 1.0);
  *opacity = q * q;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double px, double py, PfmTransferEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  int i = pick (self, px, py);
  if (i < 0)
    {
      double x, o;
      point_at (self, px, py, &x, &o);
      i = pfm_transfer_add_point (self->tf, x, o);
      if (i >= 0)
        changed (self);
    }
  self->selected = i;
  self->dragging = i;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double ox, double oy, PfmTransferEditor *self)
{
  if (self->dragging < 0)
    return;
  double sx, sy, x, o;
  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  point_at (self, sx + ox, sy + oy, &x, &o);
  pfm_transfer_move_point (self->tf, self->dragging, x, o);
  changed (self);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double ox, double oy, PfmTransferEditor *self)
{
  self->dragging = -1;
}

static void
pressed_cb (GtkGestureClick *click, int n_press, double px, double py, PfmTransferEditor *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (click));
  if (button != GDK_BUTTON_SECONDARY && n_press < 2)
    return;
  int i = pick (self, px, py);
  if (i >= 0 && pfm_transfer_remove_point (self->tf, i))
    {
      self->selected = -1;
      self->dragging = -1;
      changed (self);
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state,
                PfmTransferEditor *self)
{
  const int n = self->tf->n_points;
  const gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  if (self->selected < 0 || self->selected >= n)
    self->selected = 0;
  PfmTransferPoint *p = &self->tf->points[self->selected];
  switch (keyval)
    {
    case GDK_KEY_Left:
      if (shift)
        pfm_transfer_move_point (self->tf, self->selected, p->x - 0.01, p->opacity);
      else
        self->selected = MAX (self->selected - 1, 0);
      break;
    case GDK_KEY_Right:
      if (shift)
        pfm_transfer_move_point (self->tf, self->selected, p->x + 0.01, p->opacity);
      else
        self->selected = MIN (self->selected + 1, n - 1);
      break;
    case GDK_KEY_Up:
      pfm_transfer_move_point (self->tf, self->selected, p->x, p->opacity + 0.01);
      break;
    case GDK_KEY_Down:
      pfm_transfer_move_point (self->tf, self->selected, p->x, p->opacity - 0.01);
      break;
    case GDK_KEY_Delete:
    case GDK_KEY_BackSpace:
      if (!pfm_transfer_remove_point (self->tf, self->selected))
        return TRUE;
      self->selected = MIN (self->selected, (int) self->tf->n_points - 1);
      break;
    default:
      return FALSE;
    }
  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_Right)
    {
      if (shift)
        changed (self);
      else
        gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    changed (self);
  return TRUE;
}

static void
pfm_transfer_editor_finalize (GObject *object)
{
  PfmTransferEditor *self = PFM_TRANSFER_EDITOR (object);
  g_clear_pointer (&self->tf, pfm_transfer_free);
  g_free (self->bins);
  g_free (self->low);
  g_free (self->high);
  G_OBJECT_CLASS (pfm_transfer_editor_parent_class)->finalize (object);
}

static void
pfm_transfer_editor_class_init (PfmTransferEditorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pfm_transfer_editor_finalize;
  widget_class->snapshot = pfm_transfer_editor_snapshot;
  widget_class->measure = pfm_transfer_editor_measure;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "pfm-transfer-editor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pfm_transfer_editor_init (PfmTransferEditor *self)
{
  self->tf = pfm_transfer_new ();
  self->selected = -1;
  self->dragging = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  GtkEventController *key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

GtkWidget *
pfm_transfer_editor_new (void)
{
  return g_object_new (PFM_TYPE_TRANSFER_EDITOR, NULL);
}

const PfmTransfer *
pfm_transfer_editor_get_transfer (PfmTransferEditor *self)
{
  g_return_val_if_fail (PFM_IS_TRANSFER_EDITOR (self), NULL);
  return self->tf;
}

void
pfm_transfer_editor_set_transfer (PfmTransferEditor *self, const PfmTransfer *tf)
{
  g_return_if_fail (PFM_IS_TRANSFER_EDITOR (self) && tf != NULL);
  *self->tf = *tf;
  self->selected = MIN (self->selected, (int) tf->n_points - 1);
  self->dragging = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_transfer_editor_set_histogram (PfmTransferEditor *self, const guint *bins, guint n_bins)
{
  g_return_if_fail (PFM_IS_TRANSFER_EDITOR (self));
  g_free (self->bins);
  self->bins = bins && n_bins ? g_memdup2 (bins, n_bins * sizeof (guint)) : NULL;
  self->n_bins = self->bins ? n_bins : 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_transfer_editor_set_range_labels (PfmTransferEditor *self, const char *low, const char *high)
{
  g_return_if_fail (PFM_IS_TRANSFER_EDITOR (self));
  g_free (self->low);
  g_free (self->high);
  self->low = g_strdup (low);
  self->high = g_strdup (high);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_transfer_editor_set_diverging (PfmTransferEditor *self, gboolean diverging)
{
  g_return_if_fail (PFM_IS_TRANSFER_EDITOR (self));
  self->diverging = diverging;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_transfer_editor_set_presentation (PfmTransferEditor *self, gboolean presentation)
{
  g_return_if_fail (PFM_IS_TRANSFER_EDITOR (self));
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
