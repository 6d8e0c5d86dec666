/* test-plot.c - what a plot draws, checked without a window: tick labels
 * never overlap (any size, normal and presentation type), an axis keeps
 * more than one label where there is room, a hover read-out stays inside
 * the plot, the tallest bar has headroom, a long title wraps, a histogram's
 * count axis has whole-number ticks, out-of-date data are drawn faded; the
 * properties are what the setters set, from g_object_set and from a .ui.
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>

#include "pfm-plot.h"

static const PfmPlotTheme normal = { { 0, 0, 0, 1 }, { 1, 1, 1, 1 }, { 0, 0, 0, 0.12 }, 1.0, FALSE };
static const PfmPlotTheme presentation = { { 0, 0, 0, 1 }, { 1, 1, 1, 1 }, { 0, 0, 0, 0.12 }, 1.6, TRUE };

/* Draws @plot at @w x @h; the surface is returned for pixel checks. */
static cairo_surface_t *
draw (PfmPlot *plot, int w, int h, const PfmPlotTheme *t)
{
  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surf);
  pfm_plot_draw (plot, cr, w, h, t);
  cairo_destroy (cr);
  cairo_surface_flush (surf);
  return surf;
}

/* TRUE if no two of the label boxes intersect. */
static gboolean
boxes_apart (const double *b, gsize n, char **why)
{
  for (gsize i = 0; i < n; i++)
    for (gsize j = i + 1; j < n; j++)
      {
        const double *p = b + 4 * i, *q = b + 4 * j;
        if (p[0] < q[0] + q[2] && q[0] < p[0] + p[2] && p[1] < q[1] + q[3] && q[1] < p[1] + p[3])
          {
            *why = g_strdup_printf ("labels %" G_GSIZE_FORMAT " (%.0f,%.0f %.0fx%.0f) and %" G_GSIZE_FORMAT
                                    " (%.0f,%.0f %.0fx%.0f) overlap",
                                    i, p[0], p[1], p[2], p[3], j, q[0], q[1], q[2], q[3]);
            return FALSE;
          }
      }
  return TRUE;
}

/* Plots like the views': the Scaling view's log-log curves, the
 * Propagation view's linear ones with units, bars, a histogram. */
static PfmPlot *
make_plot (int which)
{
  PfmPlot *p;
  double x[64], y[64];
  switch (which)
    {
    case 0:   /* Scaling: parameters (log, no unit) against a time (log, s) */
      p = PFM_PLOT (pfm_plot_new (PFM_PLOT_LINES));
      pfm_plot_set_title (p, "Time per inference");
      pfm_plot_set_x_axis (p, "parameters P", "", TRUE);
      pfm_plot_set_y_axis (p, "Time per inference", "s", TRUE);
      pfm_plot_add_series (p, "optical PFM", 0, FALSE);
      for (int i = 0; i < 64; i++)
        {
          x[i] = pow (10, 9 + 13.0 * i / 63);
          y[i] = 1e-9 * pow (x[i] / 1e9, 0.5);
        }
      pfm_plot_set_series (p, 0, x, y, 64);
      break;
    case 1:   /* Propagation: peak intensity along z (linear, units) */
      p = PFM_PLOT (pfm_plot_new (PFM_PLOT_LINES));
      pfm_plot_set_title (p, "Peak intensity");
      pfm_plot_set_x_axis (p, "z", "m", FALSE);
      pfm_plot_set_y_axis (p, "peak intensity", "W/m^2", FALSE);
      pfm_plot_add_series (p, NULL, 0, FALSE);
      for (int i = 0; i < 64; i++)
        {
          x[i] = 5e-4 * i / 63;
          y[i] = 1.23456e15 * (1 + 0.3 * sin (i / 5.0));
        }
      pfm_plot_set_series (p, 0, x, y, 64);
      break;
    case 2:   /* Bars: an output vector of 40 regions */
      p = PFM_PLOT (pfm_plot_new (PFM_PLOT_BARS));
      pfm_plot_set_x_axis (p, "region", "", FALSE);
      pfm_plot_set_y_axis (p, "power", "W", FALSE);
      pfm_plot_add_series (p, "design", 0, FALSE);
      for (int i = 0; i < 40; i++)
        {
          x[i] = i;
          y[i] = 0.01 * (1 + i % 7);
        }
      pfm_plot_set_series (p, 0, x, y, 40);
      break;
    default:   /* Histogram: copies per bin of relative error (%) */
      p = PFM_PLOT (pfm_plot_new (PFM_PLOT_HISTOGRAM));
      pfm_plot_set_title (p, "Relative error of 16 copies");
      pfm_plot_set_x_axis (p, "relative error (%)", "", FALSE);
      pfm_plot_set_y_axis (p, "copies", "", FALSE);
      pfm_plot_set_y_integer (p, TRUE);
      pfm_plot_add_series (p, "before", 4, FALSE);
      pfm_plot_add_series (p, "after", 2, FALSE);
      for (int i = 0; i < 12; i++)
        {
          x[i] = 0.0123 * (i + 0.5);
          y[i] = (i * 7) % 4;
        }
      pfm_plot_set_series (p, 0, x, y, 12);
      for (int i = 0; i < 12; i++)
        y[i] = (i * 5) % 3;
      pfm_plot_set_series (p, 1, x, y, 12);
      break;
    }
  return g_object_ref_sink (p);
}

static void
test_ticks_apart (void)
{
  for (int which = 0; which < 4; which++)
    {
      g_autoptr(PfmPlot) p = make_plot (which);
      for (int pres = 0; pres < 2; pres++)
        for (int w = 80; w <= 2000; w += 20)
          for (int h = 80; h <= 1000; h += w % 200 == 0 ? 40 : 460)
            {
              cairo_surface_t *s = draw (p, w, h, pres ? &presentation : &normal);
              cairo_surface_destroy (s);
              for (int axis = 0; axis < 2; axis++)
                {
                  gsize n;
                  const double *b = pfm_plot_get_tick_boxes (p, axis == 0, &n);
                  g_autofree char *why = NULL;
                  if (!boxes_apart (b, n, &why))
                    g_error ("plot %d, %dx%d%s, %s axis: %s", which, w, h, pres ? " presentation" : "",
                             axis == 0 ? "x" : "y", why);
                }
            }
    }
}

/* The Scaling view's plots in presentation mode have ~110 px of height:
 * more than one label on each axis. */
static void
test_ticks_enough (void)
{
  for (int which = 0; which < 2; which++)
    {
      g_autoptr(PfmPlot) p = make_plot (which);
      const int sizes[][2] = { { 420, 220 }, { 480, 260 }, { 900, 500 } };
      for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
        for (int pres = 0; pres < 2; pres++)
          {
            cairo_surface_destroy (draw (p, sizes[k][0], sizes[k][1], pres ? &presentation : &normal));
            gsize nx, ny;
            pfm_plot_get_tick_boxes (p, TRUE, &nx);
            pfm_plot_get_tick_boxes (p, FALSE, &ny);
            if (nx < 2 || ny < 2)
              g_error ("plot %d at %dx%d%s: %" G_GSIZE_FORMAT " x labels, %" G_GSIZE_FORMAT " y labels",
                       which, sizes[k][0], sizes[k][1], pres ? " presentation" : "", nx, ny);
          }
    }
}

static void
test_hover_inside (void)
{
  g_autoptr(PfmPlot) p = make_plot (1);
  for (int pres = 0; pres < 2; pres++)
    {
      const int W = pres ? 600 : 300, H = pres ? 320 : 200;
      cairo_surface_destroy (draw (p, W, H, pres ? &presentation : &normal));
      double fr[4], th;
      pfm_plot_get_frame (p, fr, &th);
      /* At the corners and edges of the plot area, near the curve's ends. */
      const double at[][2] = { { fr[0] + 1, fr[1] + 1 }, { fr[0] + 1, fr[3] - 1 }, { fr[2] - 1, fr[1] + 1 },
                               { fr[2] - 1, fr[3] - 1 }, { 0.5 * (fr[0] + fr[2]), 0.5 * (fr[1] + fr[3]) } };
      for (guint k = 0; k < G_N_ELEMENTS (at); k++)
        {
          pfm_plot_set_hover (p, at[k][0], at[k][1]);
          cairo_surface_destroy (draw (p, W, H, pres ? &presentation : &normal));
          double b[4];
          pfm_plot_get_hover_box (p, b);
          if (b[2] <= 0)
            continue;   /* no point near enough: nothing drawn */
          if (b[0] < fr[0] || b[1] < fr[1] || b[0] + b[2] > fr[2] + 0.5 || b[1] + b[3] > fr[3] + 0.5)
            g_error ("hover at (%.0f, %.0f)%s: read-out %.0f,%.0f %.0fx%.0f outside the plot %.0f..%.0f x %.0f..%.0f",
                     at[k][0], at[k][1], pres ? " presentation" : "", b[0], b[1], b[2], b[3], fr[0], fr[2], fr[1], fr[3]);
        }
    }
  /* A read-out wider than a small plot stays inside the figure. */
  pfm_plot_set_hover (p, 0, 0);
  cairo_surface_destroy (draw (p, 300, 200, &presentation));
  double sf[4], sth, sb[4];
  pfm_plot_get_frame (p, sf, &sth);
  pfm_plot_set_hover (p, sf[0] + 1, sf[1] + 1);
  cairo_surface_destroy (draw (p, 300, 200, &presentation));
  pfm_plot_get_hover_box (p, sb);
  if (sb[2] > 0)
    {
      g_assert_cmpfloat (sb[0], >=, 0);
      g_assert_cmpfloat (sb[0] + sb[2], <=, 300);
    }
  /* A point at the plot's left edge (the first sample) is read. */
  pfm_plot_set_hover (p, 0, 0);
  cairo_surface_destroy (draw (p, 300, 200, &normal));
  double fr[4], th, b[4];
  pfm_plot_get_frame (p, fr, &th);
  pfm_plot_set_hover (p, fr[0] + 2, 0.5 * (fr[1] + fr[3]));
  cairo_surface_destroy (draw (p, 300, 200, &normal));
  pfm_plot_get_hover_box (p, b);
  g_assert_cmpfloat (b[2], >, 0);
  g_assert_cmpfloat (b[0], >=, fr[0]);
}

/* The tallest bar ends below the top of the frame. */
static void
test_bar_headroom (void)
{
  for (int which = 2; which < 4; which++)
    {
      g_autoptr(PfmPlot) p = make_plot (which);
      cairo_surface_t *s = draw (p, 500, 300, &normal);
      double fr[4], th;
      pfm_plot_get_frame (p, fr, &th);
      const guint8 *data = cairo_image_surface_get_data (s);
      const int stride = cairo_image_surface_get_stride (s);
      /* Just under the frame's top line, across the plot: no bar colour
       * (a saturated pixel: the bars are coloured, the rest grey). */
      const int row = (int) ceil (fr[1]) + 3;
      int coloured = 0;
      for (int x = (int) fr[0] + 3; x < (int) fr[2] - 3; x++)
        {
          const guint8 *px = data + (gsize) row * stride + 4 * x;
          const int r = px[2], g = px[1], bl = px[0];
          coloured += MAX (MAX (r, g), bl) - MIN (MIN (r, g), bl) > 60;
        }
      cairo_surface_destroy (s);
      if (coloured > 0)
        g_error ("plot %d: %d bar pixels just under the frame's top", which, coloured);
    }
}

/* A title wider than the plot wraps (it is not cut), the plot area below it. */
static void
test_title_wraps (void)
{
  g_autoptr(PfmPlot) p = make_plot (1);
  cairo_surface_destroy (draw (p, 400, 300, &normal));
  double fr[4], one;
  pfm_plot_get_frame (p, fr, &one);
  g_assert_cmpfloat (one, >, 0);
  pfm_plot_set_title (p, "Relative error over 1024 copies, before and after the calibration layer");
  cairo_surface_destroy (draw (p, 300, 300, &normal));
  double two;
  pfm_plot_get_frame (p, fr, &two);
  g_assert_cmpfloat (two, >, 1.5 * one);
  g_assert_cmpfloat (fr[1], >, two);
}

/* Pixels in the plot frame whose colour is saturated (the data: bars and
 * lines are coloured, axes, grid and text grey). */
static int
coloured_in_frame (PfmPlot *p, int w, int h)
{
  cairo_surface_t *s = draw (p, w, h, &normal);
  double fr[4], th;
  pfm_plot_get_frame (p, fr, &th);
  const guint8 *data = cairo_image_surface_get_data (s);
  const int stride = cairo_image_surface_get_stride (s);
  int n = 0;
  for (int y = (int) fr[1] + 2; y < (int) fr[3] - 2; y++)
    for (int x = (int) fr[0] + 2; x < (int) fr[2] - 2; x++)
      {
        const guint8 *px = data + (gsize) y * stride + 4 * x;
        n += MAX (MAX (px[2], px[1]), px[0]) - MIN (MIN (px[2], px[1]), px[0]) > 60;
      }
  cairo_surface_destroy (s);
  return n;
}

/* Out of date: the data fade behind the notice (a palette colour mixed
 * 70 % with the background keeps under 60 of its channel spread, so no
 * data pixel stays saturated), and come back when it is cleared. */
static void
test_stale_fades (void)
{
  for (int which = 2; which < 4; which++)
    {
      g_autoptr(PfmPlot) p = make_plot (which);
      const int before = coloured_in_frame (p, 500, 300);
      g_assert_cmpint (before, >, 100);
      pfm_plot_set_stale (p, "Out of date: run it again");
      g_assert_cmpstr (pfm_plot_get_stale (p), ==, "Out of date: run it again");
      const int stale = coloured_in_frame (p, 500, 300);
      g_assert_cmpint (stale, ==, 0);
      pfm_plot_set_stale (p, NULL);
      g_assert_null (pfm_plot_get_stale (p));
      g_assert_cmpint (coloured_in_frame (p, 500, 300), ==, before);
    }
}

/* Counts: whole-number ticks, so at most max + 1 labels from 0. */
static void
test_integer_ticks (void)
{
  g_autoptr(PfmPlot) p = make_plot (3);
  cairo_surface_destroy (draw (p, 500, 600, &normal));
  gsize n;
  pfm_plot_get_tick_boxes (p, FALSE, &n);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (n, <=, 4);   /* 0, 1, 2, 3 */
}

/* Counts "notify::" emissions. */
static void
count_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(guint *) data)++;
}

/* Properties set with g_object_set are what the getters report, and the
 * setters notify them. */
static void
test_properties (void)
{
  g_autoptr(PfmPlot) p = g_object_ref_sink (PFM_PLOT (pfm_plot_new (PFM_PLOT_HISTOGRAM)));
  g_assert_cmpint (pfm_plot_get_kind (p), ==, PFM_PLOT_HISTOGRAM);
  guint notified = 0;
  g_signal_connect (p, "notify", G_CALLBACK (count_notify), &notified);
  g_object_set (p, "title", "Energy per inference", "x-label", "parameters P", "x-unit", "",
                "x-log", TRUE, "y-label", "energy", "y-unit", "J", "y-log", TRUE,
                "placeholder", "Run a batch", "presentation", TRUE, NULL);
  g_assert_cmpstr (pfm_plot_get_title (p), ==, "Energy per inference");
  g_assert_cmpstr (pfm_plot_get_x_label (p), ==, "parameters P");
  g_assert_cmpstr (pfm_plot_get_x_unit (p), ==, "");
  g_assert_true (pfm_plot_get_x_log (p));
  g_assert_cmpstr (pfm_plot_get_y_label (p), ==, "energy");
  g_assert_cmpstr (pfm_plot_get_y_unit (p), ==, "J");
  g_assert_true (pfm_plot_get_y_log (p));
  g_assert_cmpstr (pfm_plot_get_placeholder (p), ==, "Run a batch");
  g_assert_true (pfm_plot_get_presentation (p));
  g_assert_cmpuint (notified, ==, 9);   /* x-unit from NULL to "" is a change too */

  /* A setter is the property's: one axis setter, three notifications
   * (label, unit, log), none for what stays. */
  notified = 0;
  pfm_plot_set_y_axis (p, "time", "s", FALSE);
  g_assert_cmpuint (notified, ==, 3);
  notified = 0;
  pfm_plot_set_y_axis (p, "time", "s", FALSE);
  pfm_plot_set_presentation (p, TRUE);
  g_assert_cmpuint (notified, ==, 0);
  g_autofree char *label = NULL, *unit = NULL;
  gboolean log = TRUE, presentation = FALSE;
  g_object_get (p, "y-label", &label, "y-unit", &unit, "y-log", &log, "presentation", &presentation, NULL);
  g_assert_cmpstr (label, ==, "time");
  g_assert_cmpstr (unit, ==, "s");
  g_assert_false (log);
  g_assert_true (presentation);
  /* The x axis kept its own unit and scale when only its label changed. */
  g_object_set (p, "x-label", "P", NULL);
  g_assert_cmpstr (pfm_plot_get_x_label (p), ==, "P");
  g_assert_cmpstr (pfm_plot_get_x_unit (p), ==, "");
  g_assert_true (pfm_plot_get_x_log (p));
}

/* A plot declared in a .ui file has the properties it declares. */
static void
test_builder (void)
{
  static const char ui[] =
    "<interface>"
    "  <object class='PfmPlot' id='plot'>"
    "    <property name='kind'>bars</property>"
    "    <property name='title'>Volume</property>"
    "    <property name='x-label'>parameters P</property>"
    "    <property name='x-log'>true</property>"
    "    <property name='y-label'>volume</property>"
    "    <property name='y-unit'>m^3</property>"
    "    <property name='y-log'>true</property>"
    "    <property name='placeholder'>Nothing yet</property>"
    "    <property name='presentation'>true</property>"
    "  </object>"
    "</interface>";
  g_type_ensure (PFM_TYPE_PLOT);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_string (ui, -1);
  PfmPlot *p = PFM_PLOT (gtk_builder_get_object (builder, "plot"));
  g_assert_nonnull (p);
  g_assert_cmpint (pfm_plot_get_kind (p), ==, PFM_PLOT_BARS);
  g_assert_cmpstr (pfm_plot_get_title (p), ==, "Volume");
  g_assert_cmpstr (pfm_plot_get_x_label (p), ==, "parameters P");
  g_assert_true (pfm_plot_get_x_log (p));
  g_assert_cmpstr (pfm_plot_get_y_label (p), ==, "volume");
  g_assert_cmpstr (pfm_plot_get_y_unit (p), ==, "m^3");
  g_assert_true (pfm_plot_get_y_log (p));
  g_assert_cmpstr (pfm_plot_get_placeholder (p), ==, "Nothing yet");
  g_assert_true (pfm_plot_get_presentation (p));
  /* And it draws as one made in code. */
  g_object_ref_sink (p);
  pfm_plot_add_series (p, "a", 0, FALSE);
  pfm_plot_set_series (p, 0, (const double[]) { 0, 1, 2 }, (const double[]) { 1, 10, 100 }, 3);
  cairo_surface_destroy (draw (p, 500, 300, &normal));
  gsize n;
  pfm_plot_get_tick_boxes (p, FALSE, &n);
  g_assert_cmpuint (n, >=, 2);
  g_object_unref (p);
}

int
main (int argc, char **argv)
{
  /* No accessibility bus under Xvfb: its warning would be fatal here. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_test_add_func ("/plot/ticks-apart", test_ticks_apart);
  g_test_add_func ("/plot/ticks-enough", test_ticks_enough);
  g_test_add_func ("/plot/hover-inside", test_hover_inside);
  g_test_add_func ("/plot/bar-headroom", test_bar_headroom);
  g_test_add_func ("/plot/title-wraps", test_title_wraps);
  g_test_add_func ("/plot/integer-ticks", test_integer_ticks);
  g_test_add_func ("/plot/stale-fades", test_stale_fades);
  g_test_add_func ("/plot/properties", test_properties);
  g_test_add_func ("/plot/builder", test_builder);
  return g_test_run ();
}
