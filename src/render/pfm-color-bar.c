/* pfm-color-bar.c - the colour scale of the volume view, with units
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-color-bar"

#include "config.h"

#include <math.h>

#include "pfm-color-bar.h"

struct _PfmColorBar
{
  GtkWidget       parent_instance;
  PfmColorBarSpec spec;
  char           *title;
  char           *unit;
  char           *subtitle;
  gboolean        presentation;
};

G_DEFINE_FINAL_TYPE (PfmColorBar, pfm_color_bar, GTK_TYPE_WIDGET)

char *
pfm_format_si (double value, const char *unit, int digits)
{
  static const char *const prefixes[] = { "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };
  unit = unit ? unit : "";
  if (!isfinite (value))
    return g_strdup_printf ("%g %s", value, unit);
  if (unit[0] == '\0')
    return g_strdup_printf ("%.*g", MAX (digits, 1), value);
  if (value == 0)
    return g_strdup_printf ("0 %s", unit);
  int e3 = (int) floor (log10 (fabs (value)) / 3 + 1e-9);
  e3 = CLAMP (e3, -5, 6);
  double m = value / pow (10, 3 * e3);
  /* Rounding can carry into the next prefix (999.7 -> 1000). */
  char buf[32];
  g_snprintf (buf, sizeof buf, "%.*g", MAX (digits, 1), m);
  if (fabs (g_ascii_strtod (buf, NULL)) >= 1000 && e3 < 6)
    {
      e3++;
      m /= 1000;
      g_snprintf (buf, sizeof buf, "%.*g", MAX (digits, 1), m);
    }
  return g_strdup_printf ("%s %s%s", buf, prefixes[e3 + 5], unit);
}

static double
nice_step (double range, int target)
{
  double raw = range / MAX (target, 1);
  double p = pow (10, floor (log10 (raw)));
  double f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

void
pfm_color_bar_draw (cairo_t *cr, double x, double y, double width, double height,
                    const PfmColorBarSpec *spec, const double fg[4], double scale)
{
  g_return_if_fail (cr != NULL && spec != NULL);
  const double font = 11 * scale, bar_w = 14 * scale, pad = 4 * scale;
  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, font);
  cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], fg[3]);

  /* Title (and unit) on two short lines above the bar. */
  double ty = y + font;
  if (spec->title && spec->title[0])
    {
      cairo_move_to (cr, x + pad, ty);
      cairo_show_text (cr, spec->title);
      ty += font * 1.25;
    }
  if (spec->subtitle && spec->subtitle[0])
    {
      cairo_move_to (cr, x + pad, ty);
      cairo_show_text (cr, spec->subtitle);
      ty += font * 1.25;
    }
  const double bx = x + pad, by0 = ty + pad, by1 = y + height - font * 0.8;
  if (by1 - by0 < 20)
    {
      cairo_restore (cr);
      return;
    }

  cairo_pattern_t *grad = cairo_pattern_create_linear (0, by1, 0, by0);
  for (int i = 0; i <= 32; i++)
    {
      double rgb[3];
      if (spec->diverging)
        pfm_colormap_diverging (i / 32.0, rgb);
      else
        pfm_colormap_eval (spec->colormap, i / 32.0, rgb);
      cairo_pattern_add_color_stop_rgb (grad, i / 32.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_rectangle (cr, bx, by0, bar_w, by1 - by0);
  cairo_set_source (cr, grad);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (grad);
  cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], fg[3] * 0.6);
  cairo_set_line_width (cr, 1 * scale);
  cairo_stroke (cr);

  /* Ticks: decades on a log scale, round numbers on a linear one. */
  cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], fg[3]);
  double ticks[32];
  int n = 0;
  double lo, hi;
  if (spec->log && spec->max > 0)
    {
      const double d = spec->decades > 0 ? spec->decades : 4;
      lo = log10 (spec->max) - d;
      hi = log10 (spec->max);
      int step = d > 8 ? 2 : 1;
      for (int e = (int) ceil (lo - 1e-9); e <= (int) floor (hi + 1e-9) && n < 32; e += step)
        ticks[n++] = e;
    }
  else
    {
      lo = spec->min;
      hi = spec->max;
      if (!(hi > lo))
        hi = lo + 1;
      double st = nice_step (hi - lo, 5);
      for (double v = ceil (lo / st - 1e-9) * st; v <= hi + 1e-9 * st && n < 32; v += st)
        ticks[n++] = fabs (v) < st * 1e-9 ? 0 : v;
    }
  for (int i = 0; i < n; i++)
    {
      double f = (ticks[i] - lo) / (hi - lo);
      double yy = by1 - f * (by1 - by0);
      cairo_move_to (cr, bx + bar_w, yy);
      cairo_line_to (cr, bx + bar_w + 4 * scale, yy);
      cairo_stroke (cr);
      g_autofree char *label = pfm_format_si (spec->log ? pow (10, ticks[i]) : ticks[i], spec->unit, 3);
      cairo_text_extents_t ext;
      cairo_text_extents (cr, label, &ext);
      cairo_move_to (cr, bx + bar_w + 6 * scale, CLAMP (yy + ext.height / 2, by0 + ext.height, by1 + font * 0.7));
      cairo_show_text (cr, label);
    }
  cairo_restore (cr);
}

static void
pfm_color_bar_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PfmColorBar *self = PFM_COLOR_BAR (widget);
  const int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (w <= 0 || h <= 0 || self->title == NULL)
    return;
  GdkRGBA c;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &c);
  const double fg[4] = { c.red, c.green, c.blue, c.alpha };
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  pfm_color_bar_draw (cr, 0, 0, w, h, &self->spec, fg, self->presentation ? 1.4 : 1.0);
  cairo_destroy (cr);
}

static void
pfm_color_bar_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  PfmColorBar *self = PFM_COLOR_BAR (widget);
  const int s = self->presentation ? 14 : 10;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 11 * s;
  else
    {
      *minimum = 120;
      *natural = 300;
    }
}

static void
pfm_color_bar_finalize (GObject *object)
{
  PfmColorBar *self = PFM_COLOR_BAR (object);
  g_free (self->title);
  g_free (self->unit);
  g_free (self->subtitle);
  G_OBJECT_CLASS (pfm_color_bar_parent_class)->finalize (object);
}

static void
pfm_color_bar_class_init (PfmColorBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pfm_color_bar_finalize;
  widget_class->snapshot = pfm_color_bar_snapshot;
  widget_class->measure = pfm_color_bar_measure;
  gtk_widget_class_set_css_name (widget_class, "pfm-color-bar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pfm_color_bar_init (PfmColorBar *self)
{
}

GtkWidget *
pfm_color_bar_new (void)
{
  return g_object_new (PFM_TYPE_COLOR_BAR, NULL);
}

void
pfm_color_bar_set_spec (PfmColorBar *self, const PfmColorBarSpec *spec)
{
  g_return_if_fail (PFM_IS_COLOR_BAR (self) && spec != NULL);
  g_free (self->title);
  g_free (self->unit);
  g_free (self->subtitle);
  self->spec = *spec;
  self->title = g_strdup (spec->title ? spec->title : "");
  self->unit = g_strdup (spec->unit ? spec->unit : "");
  self->spec.title = self->title;
  self->subtitle = g_strdup (spec->subtitle ? spec->subtitle : "");
  self->spec.unit = self->unit;
  self->spec.subtitle = self->subtitle;
  g_autofree char *lo = pfm_format_si (spec->log ? spec->max * pow (10, -spec->decades) : spec->min, self->unit, 3);
  g_autofree char *hi = pfm_format_si (spec->max, self->unit, 3);
  g_autofree char *desc = g_strdup_printf ("%s: %s … %s %s", self->title, lo, hi, self->subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, desc, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_color_bar_set_presentation (PfmColorBar *self, gboolean presentation)
{
  g_return_if_fail (PFM_IS_COLOR_BAR (self));
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
