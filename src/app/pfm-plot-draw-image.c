/* pfm-plot-draw-image.c - an image plot: the heatmap, its cells' counts,
 * its colour bar and its hover read-out
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pfm-app-util.h"
#include "pfm-plot-private.h"
#include "pfm-transfer.h"

/* The renderer's colormaps (pfm-transfer.h), so that a slice plot and the
 * volume view's colour bar agree, packed as Cairo's ARGB32. */
static guint32
pack_rgb (const double rgb[3])
{
  guint32 argb = 0xff000000u;
  for (int c = 0; c < 3; c++)
    argb |= ((guint32) (255.0 * CLAMP (rgb[c], 0.0, 1.0) + 0.5)) << (16 - 8 * c);
  return argb;
}

static guint32
colormap (double t)
{
  double rgb[3];
  pfm_colormap_eval (PFM_COLORMAP_INFERNO, t, rgb);
  return pack_rgb (rgb);
}

/* Blue - grey - red for signed quantities (differences, index changes). */
static guint32
colormap_diverging (double t)
{
  double rgb[3];
  pfm_colormap_diverging (t, rgb);
  return pack_rgb (rgb);
}

/* Cell values as integers (a confusion matrix's counts), dark on the
 * bright end of the colour map, light on the dark end. */
static void
draw_counts (PfmPlot *self, cairo_t *cr, double x0, double x1, double y0, double y1, double mn, double mx,
             const PfmPlotTheme *t)
{
  const int w = self->image_w, h = self->image_h;
  const double cw = (x1 - x0) / w, ch = (y0 - y1) / h;
  const double size = MIN (10 * t->scale, 0.45 * MIN (cw, ch));
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      {
        const double v = self->image[(gsize) j * w + i];
        if (!isfinite (v) || v == 0)
          continue;
        const double u = (v - mn) / (mx - mn);
        cairo_set_source_rgb (cr, u > 0.6 ? 0 : 1, u > 0.6 ? 0 : 1, u > 0.6 ? 0 : 1);
        g_autofree char *text = g_strdup_printf ("%.0f", v);
        pfm_plot_draw_text (cr, text, size, x0 + (i + 0.5) * cw, y0 - (j + 0.5) * ch, 0.5, 0.5, 0);
      }
}


/* The colour scale of the image: [mn, mx] (log10 when image_log) from the
 * data (four decades at most on a log scale) or the fixed range; a
 * symmetric fixed range around 0 is drawn with the diverging map.  FALSE
 * when the image has no finite value. */
static gboolean
image_scale (PfmPlot *self, double *lo, double *hi, gboolean *diverging)
{
  const gsize n = (gsize) self->image_w * self->image_h;
  double mn = INFINITY, mx = -INFINITY;
  for (gsize i = 0; i < n; i++)
    {
      double v = self->image[i];
      if (self->image_log)
        v = v > 0 ? log10 (v) : NAN;
      if (isfinite (v))
        {
          mn = MIN (mn, v);
          mx = MAX (mx, v);
        }
    }
  if (!isfinite (mx))
    return FALSE;
  if (self->image_log)
    mn = MAX (mn, mx - 4.0);   /* four decades of dynamic range */
  *diverging = FALSE;
  if (isfinite (self->image_min) && isfinite (self->image_max) && self->image_max > self->image_min)
    {
      mn = self->image_log ? log10 (self->image_min) : self->image_min;
      mx = self->image_log ? log10 (self->image_max) : self->image_max;
      *diverging = !self->image_log && self->image_min == -self->image_max;
    }
  if (mx <= mn)
    mx = mn + 1;
  *lo = mn;
  *hi = mx;
  return TRUE;
}

/* The image's values through @cmap, one pixel per value, row 0 at the
 * bottom. */
static cairo_surface_t *
image_surface (PfmPlot *self, guint32 (*cmap) (double), double mn, double mx)
{
  const int w = self->image_w, h = self->image_h;
  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  guint8 *data = cairo_image_surface_get_data (surf);
  int stride = cairo_image_surface_get_stride (surf);
  for (int j = 0; j < h; j++)
    {
      guint32 *row = (guint32 *) (data + (gsize) (h - 1 - j) * stride);
      for (int i = 0; i < w; i++)
        {
          double v = self->image[(gsize) j * w + i];
          if (self->image_cells && !isfinite (v))
            {
              row[i] = 0;   /* no value: the background shows */
              continue;
            }
          if (self->image_log)
            v = v > 0 ? log10 (v) : mn;
          row[i] = cmap ((v - mn) / (mx - mn));
        }
    }
  cairo_surface_mark_dirty (surf);
  return surf;
}

/* The colour bar right of the plot area, its ends labelled. */
static void
draw_colour_bar (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t, guint32 (*cmap) (double),
                 double mn, double mx)
{
  const double s = t->scale;
  double bx = f->right + 12 * s, bw = 12 * s;
  for (int k = 0; k < 64; k++)
    {
      guint32 c = cmap (k / 63.0);
      cairo_set_source_rgb (cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
      double yk = f->bottom - (k + 1) / 64.0 * (f->bottom - f->top);
      cairo_rectangle (cr, bx, yk, bw, (f->bottom - f->top) / 64.0 + 0.5);
      cairo_fill (cr);
    }
  pfm_plot_set_color (cr, t->fg);
  Axis va = { NULL, self->image_unit, self->image_log, NAN, NAN };
  g_autofree char *top = pfm_plot_format_tick (&va, mx, (mx - mn) / 4, MAX (fabs (mx), fabs (mn)));
  g_autofree char *bottom = pfm_plot_format_tick (&va, mn, (mx - mn) / 4, MAX (fabs (mx), fabs (mn)));
  pfm_plot_draw_text (cr, top, 10 * s, bx + bw + 3 * s, f->top, 0.0, 0.0, 0);
  pfm_plot_draw_text (cr, bottom, 10 * s, bx + bw + 3 * s, f->bottom, 0.0, 1.0, 0);
  if (self->image_log)
    pfm_plot_draw_text (cr, _("log"), 10 * s, bx + bw + 3 * s, 0.5 * (f->top + f->bottom), 0.0, 0.5, 0);
}

/* An image plot: the image over its extent, clipped to the plot area,
 * counts written on its cells if asked, and its colour bar. */
void
pfm_plot_draw_image (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  if (self->image == NULL)
    return;
  const int w = self->image_w, h = self->image_h;
  const gsize n = (gsize) w * h;
  double mn, mx;
  gboolean diverging;
  if (!image_scale (self, &mn, &mx, &diverging))
    return;
  guint32 (*cmap) (double) = diverging ? colormap_diverging : colormap;
  cairo_surface_t *surf = image_surface (self, cmap, mn, mx);
  cairo_save (cr);
  double x0 = fx (f, to_axis (&self->xa, self->img_x0)), x1 = fx (f, to_axis (&self->xa, self->img_x1));
  double y0 = fy (f, to_axis (&self->ya, self->img_y0)), y1 = fy (f, to_axis (&self->ya, self->img_y1));
  cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
  cairo_clip (cr);
  cairo_translate (cr, x0, y1);
  cairo_scale (cr, (x1 - x0) / w, (y0 - y1) / h);
  cairo_set_source_surface (cr, surf, 0, 0);
  /* Counts and sweep points are cells, not samples of a field: no smoothing. */
  cairo_pattern_set_filter (cairo_get_source (cr), self->image_counts || self->image_cells
                            ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surf);
  if (self->image_counts && n <= 1024)
    draw_counts (self, cr, x0, x1, y0, y1, mn, mx, t);
  draw_colour_bar (self, cr, f, t, cmap, mn, mx);
}

/* The read-out of an image under the pointer (markup: "x, y\nvalue"), or
 * NULL outside the image. */
char *
pfm_plot_hover_image_text (PfmPlot *self, const Frame *f, double px, double py)
{
  double xv = f->x0 + (px - f->left) / (f->right - f->left) * (f->x1 - f->x0);
  double yv = f->y0 + (f->bottom - py) / (f->bottom - f->top) * (f->y1 - f->y0);
  int i = (int) ((xv - self->img_x0) / (self->img_x1 - self->img_x0) * self->image_w);
  int j = (int) ((yv - self->img_y0) / (self->img_y1 - self->img_y0) * self->image_h);
  if (i < 0 || j < 0 || i >= self->image_w || j >= self->image_h)
    return NULL;
  g_autofree char *xs = pfm_display_value (xv, self->xa.unit);
  g_autofree char *ys = pfm_display_value (yv, self->ya.unit);
  g_autofree char *vs = pfm_display_value (self->image[(gsize) j * self->image_w + i], self->image_unit);
  return g_markup_printf_escaped ("%s, %s\n%s", xs, ys, vs);
}
