/* pfm-plot-draw.c - a plot drawn with Cairo: the frame, data ranges,
 * series, legend, hover read-out, placeholder and out-of-date notice
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pfm_plot_draw draws into any cairo_t: the widget's snapshot and the
 * figure exports (pfm-plot-export.c) share it, so a saved figure is what
 * the window shows.  The axes are drawn by pfm-plot-draw-axes.c, image
 * plots by pfm-plot-draw-image.c.
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "pfm-app-util.h"
#include "pfm-plot-private.h"

/* Okabe-Ito style palette: distinguishable for colour-blind viewers. */
static const double palette[][3] = {
  { 0.00, 0.45, 0.70 },  /* blue: optical */
  { 0.90, 0.38, 0.00 },  /* orange: digital */
  { 0.00, 0.62, 0.45 },  /* green */
  { 0.80, 0.47, 0.65 },  /* purple */
  { 0.84, 0.15, 0.16 },  /* red */
  { 0.55, 0.55, 0.55 },  /* grey */
};

static const double palette_hc[][3] = {
  { 0.00, 0.30, 1.00 },
  { 1.00, 0.35, 0.00 },
  { 0.00, 0.75, 0.20 },
  { 0.85, 0.00, 0.85 },
  { 1.00, 0.00, 0.00 },
  { 0.40, 0.40, 0.40 },
};

void
pfm_plot_palette (guint index, gboolean high_contrast, double rgb[3])
{
  const double *c = high_contrast ? palette_hc[index % G_N_ELEMENTS (palette_hc)]
                                  : palette[index % G_N_ELEMENTS (palette)];
  rgb[0] = c[0];
  rgb[1] = c[1];
  rgb[2] = c[2];
}

/* A histogram's bin width: the smallest spacing of the first series'
 * centres (1 when it has fewer than two). */
static double
bin_width (PfmPlot *self)
{
  double w = INFINITY;
  GArray *arr = self->series->len ? ((Series *) self->series->pdata[0])->x : NULL;
  for (guint k = 1; arr && k < arr->len; k++)
    {
      double d = fabs (g_array_index (arr, double, k) - g_array_index (arr, double, k - 1));
      if (d > 0 && isfinite (d))
        w = MIN (w, d);
    }
  return isfinite (w) ? w : 1.0;
}


/* The extent of the data along an axis (axis units), before padding:
 * an image's extent, bar slots, histogram bin edges, or the finite data. */
static void
data_extent (PfmPlot *self, const Axis *a, gboolean is_x, double *lo, double *hi)
{
  double mn = INFINITY, mx = -INFINITY;
  if (self->kind == PFM_PLOT_IMAGE && self->image)
    {
      mn = to_axis (a, is_x ? self->img_x0 : self->img_y0);
      mx = to_axis (a, is_x ? self->img_x1 : self->img_y1);
    }
  else if (self->kind == PFM_PLOT_BARS && is_x)
    {
      gsize n = self->series->len ? ((Series *) self->series->pdata[0])->x->len : 0;
      mn = -0.5;
      mx = MAX (1, n) - 0.5;
    }
  else if (self->kind == PFM_PLOT_HISTOGRAM && is_x)
    {
      /* The bins' edges: half a bin either side of the outer centres. */
      const double w = bin_width (self);
      for (guint i = 0; i < self->series->len; i++)
        {
          GArray *arr = ((Series *) self->series->pdata[i])->x;
          for (guint k = 0; k < arr->len; k++)
            {
              double v = g_array_index (arr, double, k);
              if (isfinite (v))
                {
                  mn = MIN (mn, v - 0.5 * w);
                  mx = MAX (mx, v + 0.5 * w);
                }
            }
        }
    }
  else
    for (guint i = 0; i < self->series->len; i++)
      {
        GArray *arr = is_x ? ((Series *) self->series->pdata[i])->x : ((Series *) self->series->pdata[i])->y;
        for (guint k = 0; k < arr->len; k++)
          {
            double v = to_axis (a, g_array_index (arr, double, k));
            if (isfinite (v))
              {
                mn = MIN (mn, v);
                mx = MAX (mx, v);
              }
          }
      }
  *lo = mn;
  *hi = mx;
}

/* The range an axis shows (axis units): the data's extent, bars from 0
 * with headroom, the fixed ends, and a range widened where it would be
 * empty or magnify rounding. */
static void
data_range (PfmPlot *self, const Axis *a, gboolean is_x, double *lo, double *hi)
{
  double mn, mx;
  data_extent (self, a, is_x, &mn, &mx);
  const gboolean bars = self->kind == PFM_PLOT_BARS || self->kind == PFM_PLOT_HISTOGRAM;
  if (bars && !is_x && !a->log)
    mn = MIN (mn, 0.0);
  /* Headroom over the tallest bar: it never touches the frame. */
  if (bars && !is_x && isfinite (mn) && isfinite (mx) && mx > mn && !isfinite (a->fixed_max))
    mx += 0.08 * (mx - mn);
  if (isfinite (a->fixed_min))
    mn = to_axis (a, a->fixed_min);
  if (isfinite (a->fixed_max))
    mx = to_axis (a, a->fixed_max);
  if (!isfinite (mn) || !isfinite (mx))
    {
      mn = 0;
      mx = 1;
    }
  if (!a->log && mn == 0.0 && mx == 0.0)
    mx = 1.0;   /* all zero (a linear run's B-integral): show 0 at the bottom */
  else if (a->log && mx - mn < 0.05)
    {
      mn -= 0.5;
      mx += 0.5;
    }
  else if (!a->log && mx - mn < 1e-4 * MAX (fabs (mx), fabs (mn)))
    {
      /* Variations below 1e-4 of the value are float rounding, not
       * physics (power conservation is good to ~1e-6): don't magnify them. */
      double c = 0.5 * (mx + mn), d = 5e-4 * MAX (fabs (mx), fabs (mn));
      mn = c - d;
      mx = c + d;
    }
  else if (!isfinite (a->fixed_min) && !isfinite (a->fixed_max) && self->kind == PFM_PLOT_LINES)
    {
      double pad = 0.04 * (mx - mn);
      if (!(mn == 0.0 && !a->log))
        mn -= pad;
      mx += pad;
    }
  *lo = mn;
  *hi = mx;
}

/* --- text ----------------------------------------------------------------- */

void
pfm_plot_set_color (cairo_t *cr, const double c[4])
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], c[3]);
}

PangoLayout *
pfm_plot_text_layout (cairo_t *cr, const char *markup, double size)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (fd, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

void
pfm_plot_draw_text (cairo_t *cr, const char *markup, double size, double x, double y, double ax, double ay, double angle)
{
  PangoLayout *layout = pfm_plot_text_layout (cr, markup, size);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -ax * w, -ay * h);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
}

PangoLayout *
pfm_plot_title_layout (PfmPlot *self, cairo_t *cr, double width, double plot_width, double s)
{
  g_autofree char *esc = g_markup_printf_escaped ("<b>%s</b>", self->title);
  PangoLayout *layout = pfm_plot_text_layout (cr, esc, 12.5 * s);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  if (w > plot_width)
    {
      pango_layout_set_width (layout, (int) MAX (1.0, width - 8 * s) * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_height (layout, -2);
    }
  return layout;
}

/* --- series and legend -------------------------------------------------- */

/* Series @i of a bar chart: a bar per category, the series side by side. */
static void
draw_bars (PfmPlot *self, cairo_t *cr, const Frame *f, guint i)
{
  Series *se = self->series->pdata[i];
  double bw = 0.8 / MAX (1u, self->series->len);
  for (guint k = 0; k < se->y->len; k++)
    {
      double v = to_axis (&self->ya, g_array_index (se->y, double, k));
      if (!isfinite (v))
        continue;
      double base = self->ya.log ? f->y0 : 0.0;
      double xl = fx (f, k - 0.4 + i * bw), xr = fx (f, k - 0.4 + (i + 1) * bw);
      double yt = fy (f, v), yb = fy (f, base);
      cairo_rectangle (cr, xl, MIN (yt, yb), xr - xl, fabs (yb - yt));
    }
  cairo_fill (cr);
}

/* Series @i of a histogram: the series side by side in each bin, a small
 * gap between bins. */
static void
draw_histogram (PfmPlot *self, cairo_t *cr, const Frame *f, guint i)
{
  Series *se = self->series->pdata[i];
  const double w = bin_width (self), bw = 0.9 * w / MAX (1u, self->series->len);
  for (guint k = 0; k < se->y->len && k < se->x->len; k++)
    {
      double c = to_axis (&self->xa, g_array_index (se->x, double, k));
      double v = to_axis (&self->ya, g_array_index (se->y, double, k));
      if (!isfinite (c) || !isfinite (v))
        continue;
      double base = self->ya.log ? f->y0 : 0.0;
      double xl = fx (f, c - 0.45 * w + i * bw), xr = fx (f, c - 0.45 * w + (i + 1) * bw);
      double yt = fy (f, v), yb = fy (f, base);
      cairo_rectangle (cr, xl, MIN (yt, yb), xr - xl, fabs (yb - yt));
    }
  cairo_fill (cr);
}

/* A series as a line, broken at non-finite points; a lone point as a dot. */
static void
draw_line (PfmPlot *self, cairo_t *cr, const Frame *f, const Series *se, double s)
{
  cairo_set_line_width (cr, 2.0 * s);
  if (se->dashed)
    {
      double dash[] = { 6 * s, 4 * s };
      cairo_set_dash (cr, dash, 2, 0);
    }
  else
    cairo_set_dash (cr, NULL, 0, 0);
  gboolean pen = FALSE;
  for (guint k = 0; k < se->x->len; k++)
    {
      double x = to_axis (&self->xa, g_array_index (se->x, double, k));
      double y = to_axis (&self->ya, g_array_index (se->y, double, k));
      if (!isfinite (x) || !isfinite (y))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, fx (f, x), fy (f, y));
      else
        cairo_move_to (cr, fx (f, x), fy (f, y));
      pen = TRUE;
    }
  if (se->x->len == 1)
    {
      double x = to_axis (&self->xa, g_array_index (se->x, double, 0));
      double y = to_axis (&self->ya, g_array_index (se->y, double, 0));
      if (isfinite (x) && isfinite (y))
        cairo_arc (cr, fx (f, x), fy (f, y), 3 * s, 0, 2 * G_PI);
    }
  cairo_stroke (cr);
}

/* The vertical markers in the x range; the first one labelled. */
static void
draw_markers (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  const double s = t->scale;
  for (guint m = 0; m < self->markers->len; m++)
    {
      double v = to_axis (&self->xa, g_array_index (self->markers, double, m));
      if (!isfinite (v) || v < f->x0 || v > f->x1)
        continue;
      double dash[] = { 3 * s, 3 * s };
      cairo_set_dash (cr, dash, 2, 0);
      double c[4] = { t->fg[0], t->fg[1], t->fg[2], 0.55 };
      pfm_plot_set_color (cr, c);
      cairo_set_line_width (cr, 1.2 * s);
      cairo_move_to (cr, fx (f, v), f->top);
      cairo_line_to (cr, fx (f, v), f->bottom);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (m == 0 && self->marker_label)
        {
          g_autofree char *esc = g_markup_escape_text (self->marker_label, -1);
          pfm_plot_draw_text (cr, esc, 10 * s, fx (f, v) + 3 * s, f->bottom - 3 * s, 0.0, 1.0, 0);
        }
    }
}

/* Every series, then the markers, clipped to the plot area. */
static void
draw_series (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  cairo_save (cr);
  cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
  cairo_clip (cr);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      double rgb[3];
      pfm_plot_palette (se->color, t->high_contrast, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      if (self->kind == PFM_PLOT_BARS)
        draw_bars (self, cr, f, i);
      else if (self->kind == PFM_PLOT_HISTOGRAM)
        draw_histogram (self, cr, f, i);
      else
        draw_line (self, cr, f, se, t->scale);
    }
  cairo_set_dash (cr, NULL, 0, 0);
  draw_markers (self, cr, f, t);
  cairo_restore (cr);
}

/* Number of data points (screen space) inside a rectangle: the legend goes
 * to the corner that hides the fewest. */
static guint
points_in (PfmPlot *self, const Frame *f, double x0, double y0, double x1, double y1)
{
  guint n = 0;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      for (guint k = 0; k < se->x->len; k++)
        {
          double x = to_axis (&self->xa, g_array_index (se->x, double, k));
          double y = to_axis (&self->ya, g_array_index (se->y, double, k));
          if (!isfinite (x) || !isfinite (y))
            continue;
          double px = fx (f, x), py = fy (f, y);
          n += px >= x0 && px <= x1 && py >= y0 && py <= y1;
        }
    }
  return n;
}

/* The legend's size: the widest entry, the entries' heights. */
static void
measure_legend (PfmPlot *self, cairo_t *cr, double s, double *lw, double *lh)
{
  *lw = *lh = 0;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      if (se->name == NULL)
        continue;
      g_autofree char *esc = g_markup_escape_text (se->name, -1);
      PangoLayout *layout = pfm_plot_text_layout (cr, esc, 10.5 * s);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      g_object_unref (layout);
      *lw = MAX (*lw, 26 * s + w);
      *lh += h + 3 * s;
    }
}

/* One legend entry at (x, y): a swatch (bars) or a line sample, then the
 * name; returns the entry's height. */
static int
draw_legend_entry (PfmPlot *self, cairo_t *cr, const Series *se, const PfmPlotTheme *t, double x, double y)
{
  const double s = t->scale;
  double rgb[3];
  pfm_plot_palette (se->color, t->high_contrast, rgb);
  g_autofree char *esc = g_markup_escape_text (se->name, -1);
  PangoLayout *layout = pfm_plot_text_layout (cr, esc, 10.5 * s);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  if (self->kind == PFM_PLOT_BARS || self->kind == PFM_PLOT_HISTOGRAM)
    {
      /* Bars: a swatch of the bar's colour. */
      cairo_rectangle (cr, x + 4 * s, y + h / 2.0 - 5 * s, 10 * s, 10 * s);
      cairo_fill (cr);
    }
  else
    {
      cairo_set_line_width (cr, 2.5 * s);
      if (se->dashed)
        {
          double dash[] = { 4 * s, 3 * s };
          cairo_set_dash (cr, dash, 2, 0);
        }
      cairo_move_to (cr, x, y + h / 2.0);
      cairo_line_to (cr, x + 18 * s, y + h / 2.0);
      cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);
  pfm_plot_set_color (cr, t->fg);
  cairo_move_to (cr, x + 23 * s, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  return h;
}

/* The legend (named series, when there are two or more), in the corner of
 * the plot area that hides the fewest points.  Returns the band of heights
 * it covers in @top, @bottom (both f->top when there is none). */
static void
draw_legend (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t, double *top, double *bottom)
{
  const double s = t->scale;
  guint n = 0;
  *top = *bottom = f->top;
  for (guint i = 0; i < self->series->len; i++)
    n += ((Series *) self->series->pdata[i])->name != NULL;
  if (n < 2)
    return;

  double lw, lh;
  measure_legend (self, cr, s, &lw, &lh);
  const double pad = 8 * s;
  const double cx[4] = { f->left + pad, f->right - pad - lw, f->left + pad, f->right - pad - lw };
  const double cy[4] = { f->top + pad, f->top + pad, f->bottom - pad - lh, f->bottom - pad - lh };
  guint best = 0, best_n = G_MAXUINT;
  for (guint c = 0; c < 4; c++)
    {
      guint k = points_in (self, f, cx[c] - 4 * s, cy[c] - 4 * s, cx[c] + lw + 4 * s, cy[c] + lh + 4 * s);
      if (k < best_n)
        {
          best_n = k;
          best = c;
        }
    }
  double x = cx[best], y = cy[best];
  *top = y - 2 * s;
  *bottom = y + lh;
  double bg[4] = { t->bg[0], t->bg[1], t->bg[2], t->bg[3] > 0 ? 0.85 : 0.0 };
  if (bg[3] > 0)
    {
      pfm_plot_set_color (cr, bg);
      cairo_rectangle (cr, x - 3 * s, y - 2 * s, lw + 6 * s, lh + 2 * s);
      cairo_fill (cr);
    }
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      if (se->name != NULL)
        y += draw_legend_entry (self, cr, se, t, x, y) + 3 * s;
    }
}

/* --- hover read-out ------------------------------------------------------- */

/* The data point nearest the pointer (px, py) within 30 px (bars and
 * histograms: nearest in x), or NULL; its index in @k. */
static Series *
hover_nearest (PfmPlot *self, const Frame *f, double px, double py, double s, guint *k_out)
{
  double best = 30 * s * 30 * s;
  Series *bs = NULL;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      for (guint k = 0; k < se->x->len; k++)
        {
          double x = self->kind == PFM_PLOT_BARS ? k : to_axis (&self->xa, g_array_index (se->x, double, k));
          double y = to_axis (&self->ya, g_array_index (se->y, double, k));
          if (!isfinite (x) || !isfinite (y))
            continue;
          double dx = fx (f, x) - px, dy = fy (f, y) - py;
          if (self->kind == PFM_PLOT_BARS || self->kind == PFM_PLOT_HISTOGRAM)
            dy = 0;
          if (dx * dx + dy * dy < best)
            {
              best = dx * dx + dy * dy;
              bs = se;
              *k_out = k;
            }
        }
    }
  return bs;
}

/* The read-out of point @bk of @bs: a dot on the point, which moves
 * (px, py) to it, and the markup "name: x, y"; NULL when no point is near. */
static char *
hover_series_text (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t, double *px, double *py)
{
  const double s = t->scale;
  guint bk = 0;
  Series *bs = hover_nearest (self, f, *px, *py, s, &bk);
  if (bs == NULL)
    return NULL;
  double xv = g_array_index (bs->x, double, bk), yv = g_array_index (bs->y, double, bk);
  double x = self->kind == PFM_PLOT_BARS ? bk : to_axis (&self->xa, xv);
  *px = fx (f, x);
  *py = fy (f, to_axis (&self->ya, yv));
  if (self->kind == PFM_PLOT_HISTOGRAM)
    {
      /* The point on the top of its own bar. */
      guint si = 0;
      while (si < self->series->len && self->series->pdata[si] != bs)
        si++;
      const double w = bin_width (self), bw = 0.9 * w / MAX (1u, self->series->len);
      *px = fx (f, x - 0.45 * w + (si + 0.5) * bw);
    }
  double rgb[3];
  pfm_plot_palette (bs->color, t->high_contrast, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_arc (cr, *px, *py, 4.5 * s, 0, 2 * G_PI);
  cairo_fill (cr);
  g_autofree char *xs = self->kind == PFM_PLOT_BARS ? g_strdup_printf ("#%g", xv)
    : (self->xa.unit && self->xa.unit[0]) ? pfm_display_value (xv, self->xa.unit)
    : g_strdup_printf ("%.4g", xv);
  g_autofree char *ys = (self->ya.unit && self->ya.unit[0]) ? pfm_display_value (yv, self->ya.unit)
    : g_strdup_printf ("%.4g", yv);
  return g_markup_printf_escaped ("%s%s%s, %s", bs->name ? bs->name : "", bs->name ? ": " : "", xs, ys);
}

/* The read-out's box beside the point (px, py), kept inside the plot area
 * (or the figure, when wider than the plot); recorded in self->hover_box. */
static void
draw_hover_box (PfmPlot *self, cairo_t *cr, const Frame *f, double s, const char *text, double px, double py)
{
  PangoLayout *layout = pfm_plot_text_layout (cr, text, 11 * s);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  const double bw = w + 8 * s, bh = h + 6 * s;
  double bx = px + 10 * s, by = py - bh - 10 * s;
  if (bx + bw > f->right)
    bx = px - bw - 10 * s;
  if (by < f->top)
    by = py + 10 * s;
  /* Inside the plot area whichever side it went to. */
  bx = MAX (f->left + 2 * s, MIN (bx, f->right - 2 * s - bw));
  by = MAX (f->top + 2 * s, MIN (by, f->bottom - 2 * s - bh));
  if (bw > f->right - f->left - 4 * s)   /* wider than the plot: inside the figure, centred on the point */
    bx = MAX (2 * s, MIN (px - 0.5 * bw, f->width - 2 * s - bw));
  self->hover_box[0] = bx;
  self->hover_box[1] = by;
  self->hover_box[2] = bw;
  self->hover_box[3] = bh;
  cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.88);
  cairo_rectangle (cr, bx, by, bw, bh);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, bx + 4 * s, by + 3 * s);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* The read-out of what is under the pointer, if it is over the plot area. */
static void
draw_hover (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  if (self->hover_x < f->left || self->hover_x > f->right || self->hover_y < f->top || self->hover_y > f->bottom)
    return;
  double px = self->hover_x, py = self->hover_y;
  g_autofree char *text = self->kind == PFM_PLOT_IMAGE && self->image
                          ? pfm_plot_hover_image_text (self, f, px, py)
                          : hover_series_text (self, cr, f, t, &px, &py);
  if (text != NULL)
    draw_hover_box (self, cr, f, t->scale, text, px, py);
}


/* The placeholder inside the plot area: wrapped to its width, in smaller
 * type while it is taller than the area (down to 8 px), and cut with an
 * ellipsis only if it still does not fit. */
static void
draw_notice (cairo_t *cr, const char *notice, const Frame *f, const PfmPlotTheme *t, double legend_top,
             double legend_bottom, double alpha)
{
  const double s = t->scale, pad = 6 * s;
  /* Beside the legend (above or below it, where there is more room),
   * not over it. */
  double top = f->top, bottom = f->bottom;
  if (legend_bottom > legend_top)
    {
      if (f->bottom - legend_bottom >= legend_top - f->top)
        top = legend_bottom;
      else
        bottom = legend_top;
    }
  const double w = f->right - f->left - 2 * pad, h = bottom - top - 2 * pad;
  if (w < 8 || h < 8)
    return;
  g_autofree char *esc = g_markup_printf_escaped ("<i>%s</i>", notice);
  PangoLayout *layout = NULL;
  int lw = 0, lh = 0;
  for (double size = 11 * s;; size -= s)
    {
      g_clear_object (&layout);
      layout = pfm_plot_text_layout (cr, esc, size);
      pango_layout_set_width (layout, (int) (w * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (lh <= h || size - s < 8 * s)
        break;
    }
  if (lh > h)
    {
      pango_layout_set_height (layout, (int) (h * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &lw, &lh);
    }
  double c[4] = { t->fg[0], t->fg[1], t->fg[2], alpha };
  pfm_plot_set_color (cr, c);
  cairo_move_to (cr, f->left + pad, 0.5 * (top + bottom) - 0.5 * lh);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* The plot area for a @width x @height figure, below the title (whose
 * height is recorded in self->title_height). */
static void
frame_area (PfmPlot *self, cairo_t *cr, double width, double height, double s, Frame *f)
{
  f->width = width;
  f->left = 86 * s;
  f->right = width - (self->kind == PFM_PLOT_IMAGE ? 92 * s : 26 * s);
  f->top = 10 * s;
  self->title_height = 0;
  if (self->title)
    {
      PangoLayout *layout = pfm_plot_title_layout (self, cr, width, f->right - f->left, s);
      int tw, th;
      pango_layout_get_pixel_size (layout, &tw, &th);
      g_object_unref (layout);
      self->title_height = th;
      f->top = MAX (26 * s, th + 11 * s);
    }
  f->bottom = height - 44 * s;
}

/* Same scale on both axes: shrinks the plot area along the longer one. */
static void
frame_equal_aspect (Frame *f)
{
  double sx = (f->right - f->left) / (f->x1 - f->x0), sy = (f->bottom - f->top) / (f->y1 - f->y0);
  if (sx > sy)
    {
      double w = (f->x1 - f->x0) * sy, c = 0.5 * (f->left + f->right);
      f->left = c - w / 2;
      f->right = c + w / 2;
    }
  else
    {
      double h = (f->y1 - f->y0) * sx, c = 0.5 * (f->top + f->bottom);
      f->top = c - h / 2;
      f->bottom = c + h / 2;
    }
}

/* Over the data: the placeholder of an empty plot, or the out-of-date
 * notice over the data faded, which says why. */
static void
draw_overlay (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t, double legend_top,
              double legend_bottom)
{
  gboolean empty = self->kind == PFM_PLOT_IMAGE ? self->image == NULL : TRUE;
  for (guint i = 0; self->kind != PFM_PLOT_IMAGE && i < self->series->len; i++)
    empty &= ((Series *) self->series->pdata[i])->x->len == 0;
  if (empty && self->placeholder)
    draw_notice (cr, self->placeholder, f, t, legend_top, legend_bottom, 0.6);
  else if (!empty && self->stale)
    {
      double veil[4] = { t->bg[0], t->bg[1], t->bg[2], 0.7 };
      if (t->bg[3] <= 0)   /* the widget's own background: light under dark text, dark under light */
        veil[0] = veil[1] = veil[2] = (t->fg[0] + t->fg[1] + t->fg[2]) / 3 > 0.5 ? 0.14 : 1.0;
      pfm_plot_set_color (cr, veil);
      cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
      cairo_fill (cr);
      draw_notice (cr, self->stale, f, t, f->top, f->top, 0.9);
    }
}

void
pfm_plot_draw (PfmPlot *self, cairo_t *cr, double width, double height, const PfmPlotTheme *t)
{
  g_return_if_fail (PFM_IS_PLOT (self));

  if (t->bg[3] > 0)
    {
      pfm_plot_set_color (cr, t->bg);
      cairo_paint (cr);
    }
  Frame f;
  frame_area (self, cr, width, height, t->scale, &f);
  g_array_set_size (self->tick_boxes[0], 0);
  g_array_set_size (self->tick_boxes[1], 0);
  self->hover_box[0] = self->hover_box[1] = self->hover_box[2] = self->hover_box[3] = 0;
  if (f.right - f.left < 20 || f.bottom - f.top < 20)
    return;
  data_range (self, &self->xa, TRUE, &f.x0, &f.x1);
  data_range (self, &self->ya, FALSE, &f.y0, &f.y1);
  if (self->equal_aspect && !self->xa.log && !self->ya.log)
    frame_equal_aspect (&f);
  self->last_frame[0] = f.left;
  self->last_frame[1] = f.top;
  self->last_frame[2] = f.right;
  self->last_frame[3] = f.bottom;
  if (self->kind == PFM_PLOT_IMAGE)
    pfm_plot_draw_image (self, cr, &f, t);
  pfm_plot_draw_axes (self, cr, &f, t);
  double legend_top = f.top, legend_bottom = f.top;
  if (self->kind != PFM_PLOT_IMAGE)
    {
      draw_series (self, cr, &f, t);
      draw_legend (self, cr, &f, t, &legend_top, &legend_bottom);
    }
  draw_hover (self, cr, &f, t);
  draw_overlay (self, cr, &f, t, legend_top, legend_bottom);
}
