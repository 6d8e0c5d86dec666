/* pfm-plot-draw-axes.c - a plot's axes: ticks measured and placed, grid,
 * frame, axis labels and title
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which tick sets an axis may have, and their labels' text, come from
 * pfm-plot-axis.c (pure functions); here each set's labels are measured
 * with Pango, and the finest whose labels do not overlap is drawn.
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "pfm-app-util.h"
#include "pfm-plot-axis.h"
#include "pfm-plot-private.h"

/* A tick label: log axes label decades (with a unit, as the value reads
 * in the locale); linear axes as pfm_plot_axis_format_linear. */
char *
pfm_plot_format_tick (const Axis *a, double v, double step, double magnitude)
{
  if (a->log && (a->unit == NULL || a->unit[0] == '\0'))
    return pfm_plot_axis_format_decade (v);
  if (a->log)
    {
      g_autofree char *s = pfm_display_value (pow (10.0, v), a->unit);
      g_autofree char *p = pfm_plot_axis_pretty_unit (s);
      return g_markup_escape_text (p, -1);
    }
  return pfm_plot_axis_format_linear (v, step, magnitude, a->unit);
}

/* --- ticks ---------------------------------------------------------------- */

/* The label of tick @v of @set: a category's index, else format_tick's. */
static char *
tick_label (const Axis *a, const PfmTickSet *set, double v, double magnitude)
{
  if (set->kind == PFM_TICKS_CATEGORY)
    return g_strdup_printf ("%.0f", v);
  return pfm_plot_format_tick (a, v, set->step, magnitude);
}

typedef struct
{
  double pos;     /* along the axis, device units */
  char  *label;
  int    w, h;
} Tick;

static void
tick_clear (gpointer p)
{
  g_free (((Tick *) p)->label);
}

/* The labels of @set measured and placed; TRUE when no two overlap (with
 * @gap between them) and ticks lie at least @min_spacing apart. */
static gboolean
layout_ticks (cairo_t *cr, const Axis *a, const PfmTickSet *set, const GArray *values, const Frame *f,
              gboolean x_axis, double font, double gap, double min_spacing, double magnitude, GArray *ticks)
{
  g_array_set_size (ticks, 0);
  gboolean ok = TRUE;
  double prev_pos = NAN, prev_end = -INFINITY;
  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);
      Tick tk = { x_axis ? fx (f, v) : fy (f, v), tick_label (a, set, v, magnitude), 0, 0 };
      PangoLayout *layout = pfm_plot_text_layout (cr, tk.label, font);
      pango_layout_get_pixel_size (layout, &tk.w, &tk.h);
      g_object_unref (layout);
      /* Along the axis, from small to large coordinates. */
      double extent = x_axis ? tk.w : tk.h;
      double start = tk.pos - 0.5 * extent, end = tk.pos + 0.5 * extent;
      if (!x_axis)
        {
          start = -tk.pos - 0.5 * extent;   /* y grows downward: walk upward */
          end = -tk.pos + 0.5 * extent;
        }
      if (start < prev_end + gap)
        ok = FALSE;
      if (isfinite (prev_pos) && fabs (tk.pos - prev_pos) < min_spacing)
        ok = FALSE;
      prev_end = end;
      prev_pos = tk.pos;
      g_array_append_val (ticks, tk);
    }
  return ok;
}

/* The ticks of an axis: the finest set whose labels do not overlap and lie
 * a comfortable distance apart; when that leaves fewer than three, the
 * coarsest finer one with more ticks whose labels still do not overlap.  Whatever is chosen, a label that
 * would still overlap the one before it is left out, so labels never
 * overlap (the grid line stays). */
static GArray *
choose_ticks (PfmPlot *self, cairo_t *cr, const Axis *a, gboolean x_axis, const Frame *f, double font, double s)
{
  const gboolean category = x_axis && self->kind == PFM_PLOT_BARS;
  const gboolean integer = !x_axis && self->y_integer;
  const double lo = x_axis ? f->x0 : f->y0, hi = x_axis ? f->x1 : f->y1;
  const double pixels = x_axis ? f->right - f->left : f->bottom - f->top;
  gsize n_cat = self->series->len ? ((Series *) self->series->pdata[0])->x->len : 0;
  double comfortable = (category ? 28.0 : x_axis ? (a->log ? 50.0 : 85.0) : 42.0) * s;
  if (self->image_counts)
    comfortable = MIN (comfortable, 24.0 * s);   /* class indices: short labels, a tick every class or two */
  const double gap = (x_axis ? 8.0 : 3.0) * s;
  const double magnitude = MAX (fabs (lo), fabs (hi));
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  guint n_sets = pfm_plot_axis_tick_sets (a->log, category, integer, lo, hi, sets);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (Tick));
  g_array_set_clear_func (ticks, tick_clear);

  /* For each set: how many ticks, whether they fit comfortably, whether
   * they fit at all (labels apart, ticks not crammed). */
  guint count[PFM_PLOT_MAX_TICK_SETS] = { 0 };
  gboolean fits[PFM_PLOT_MAX_TICK_SETS] = { FALSE };
  int chosen = -1;
  for (guint k = 0; k < n_sets; k++)
    {
      if (!pfm_plot_axis_tick_values (&sets[k], lo, hi, n_cat, values) || values->len == 0)
        continue;
      count[k] = values->len;
      /* Cheap test first: far too many ticks for the space. */
      if (values->len > 1 && pixels / (values->len - 1) < 0.4 * comfortable)
        continue;
      fits[k] = layout_ticks (cr, a, &sets[k], values, f, x_axis, font, gap, 0.4 * comfortable, magnitude, ticks);
      if (fits[k] && layout_ticks (cr, a, &sets[k], values, f, x_axis, font, gap, comfortable, magnitude, ticks))
        {
          chosen = k;
          break;
        }
    }
  /* Fewer than three: the coarsest finer set that fits and has more. */
  if (chosen < 0 || count[chosen] < 3)
    for (int k = (chosen < 0 ? (int) n_sets : chosen) - 1; k >= 0; k--)
      if (fits[k] && count[k] > (chosen < 0 ? 0 : count[chosen]))
        {
          chosen = k;
          break;
        }
  if (chosen < 0)
    {
      /* Nothing fits as a whole: the coarsest set with a tick. */
      for (int k = n_sets - 1; k >= 0 && chosen < 0; k--)
        if (pfm_plot_axis_tick_values (&sets[k], lo, hi, n_cat, values) && values->len > 0)
          chosen = k;
      if (chosen < 0)
        return ticks;
    }
  pfm_plot_axis_tick_values (&sets[chosen], lo, hi, n_cat, values);
  layout_ticks (cr, a, &sets[chosen], values, f, x_axis, font, gap, 0, magnitude, ticks);

  /* The safety net: drop what still overlaps. */
  double prev_end = -INFINITY;
  for (guint i = 0; i < ticks->len;)
    {
      Tick *tk = &g_array_index (ticks, Tick, i);
      double extent = x_axis ? tk->w : tk->h, c = x_axis ? tk->pos : -tk->pos;
      if (c - 0.5 * extent < prev_end + gap)
        {
          g_free (tk->label);
          tk->label = NULL;
          i++;
          continue;
        }
      prev_end = c + 0.5 * extent;
      i++;
    }
  return ticks;
}


/* One axis's grid lines and tick labels; each label's box is recorded in
 * self->tick_boxes[axis] (0: x) for the tests. */
static void
draw_axis_ticks (PfmPlot *self, cairo_t *cr, int axis, const Frame *f, const PfmPlotTheme *t, double font)
{
  const double s = t->scale;
  const Axis *a = axis == 0 ? &self->xa : &self->ya;
  g_autoptr(GArray) ticks = choose_ticks (self, cr, a, axis == 0, f, font, s);
  GArray *boxes = self->tick_boxes[axis];
  g_array_set_size (boxes, 0);
  for (guint ti = 0; ti < ticks->len; ti++)
    {
      const Tick *tk = &g_array_index (ticks, Tick, ti);
      const double p = tk->pos;
      if (!(axis == 0 && self->kind == PFM_PLOT_BARS))
        {
          cairo_set_line_width (cr, 1.0 * s);
          pfm_plot_set_color (cr, t->grid);
          if (axis == 0)
            {
              cairo_move_to (cr, p, f->top);
              cairo_line_to (cr, p, f->bottom);
            }
          else
            {
              cairo_move_to (cr, f->left, p);
              cairo_line_to (cr, f->right, p);
            }
          cairo_stroke (cr);
        }
      if (tk->label == NULL)
        continue;
      pfm_plot_set_color (cr, t->fg);
      double box[4];
      if (axis == 0)
        {
          pfm_plot_draw_text (cr, tk->label, font, p, f->bottom + 4 * s, 0.5, 0.0, 0);
          box[0] = p - 0.5 * tk->w;
          box[1] = f->bottom + 4 * s;
        }
      else
        {
          pfm_plot_draw_text (cr, tk->label, font, f->left - 5 * s, p, 1.0, 0.5, 0);
          box[0] = f->left - 5 * s - tk->w;
          box[1] = p - 0.5 * tk->h;
        }
      box[2] = tk->w;
      box[3] = tk->h;
      g_array_append_vals (boxes, box, 4);
    }
}

/* The axes' labels and the title. */
static void
draw_axis_labels (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t, double font)
{
  const double s = t->scale;
  pfm_plot_set_color (cr, t->fg);
  if (self->xa.label)
    {
      g_autofree char *esc = g_markup_escape_text (self->xa.label, -1);
      pfm_plot_draw_text (cr, esc, font, 0.5 * (f->left + f->right), f->bottom + 22 * s, 0.5, 0.0, 0);
    }
  if (self->ya.label)
    {
      g_autofree char *esc = g_markup_escape_text (self->ya.label, -1);
      pfm_plot_draw_text (cr, esc, font, 12 * s, 0.5 * (f->top + f->bottom), 0.5, 0.5, -G_PI / 2);
    }
  if (self->title)
    {
      PangoLayout *layout = pfm_plot_title_layout (self, cr, f->width, f->right - f->left, s);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      /* On one line over the plot area when it fits there; else wrapped
       * over the whole width, centred. */
      double x = pango_layout_get_width (layout) > 0 ? 4 * s : 0.5 * (f->left + f->right) - 0.5 * w;
      cairo_move_to (cr, x, 4 * s);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
}

void
pfm_plot_draw_axes (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  const double s = t->scale;
  const double font = 11 * s;

  for (int axis = 0; axis < 2; axis++)
    draw_axis_ticks (self, cr, axis, f, t, font);
  /* Frame */
  double fgc[4] = { t->fg[0], t->fg[1], t->fg[2], 0.6 };
  pfm_plot_set_color (cr, fgc);
  cairo_set_line_width (cr, 1.0 * s);
  cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
  cairo_stroke (cr);
  draw_axis_labels (self, cr, f, t, font);
}
