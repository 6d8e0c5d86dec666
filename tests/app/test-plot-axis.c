/* test-plot-axis.c - a plot axis's ticks and labels (pfm-plot-axis.c),
 * without a display: linear steps are 1, 2 or 5 x 10^k, tick values are
 * multiples of their step covering the range, strictly increasing and not
 * too many, for spans from 1e-12 to 1e12; log axes tick at decades or at
 * 1-2-5 marks; labels carry the decimals their step needs, read back as
 * the value, and use one SI prefix.  Expectations are computed here from
 * the definitions, not from the functions under test.
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "pfm-plot-axis.h"

/* TRUE if @step is 1, 2 or 5 times a power of ten. */
static gboolean
is_nice (double step)
{
  double mantissa = step / pow (10.0, floor (log10 (step) + 1e-12));
  return fabs (mantissa - 1) < 1e-9 || fabs (mantissa - 2) < 1e-9 || fabs (mantissa - 5) < 1e-9;
}

/* TRUE if @x is within @tol of a whole number. */
static gboolean
near_integer (double x, double tol)
{
  return fabs (x - round (x)) < tol;
}

/* The ticks of one linear set over [lo, hi], checked against the step:
 * returns their number. */
static guint
check_linear_values (const PfmTickSet *set, double lo, double hi)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  const double step = set->step, eps = 1e-9 * step;
  if (!pfm_plot_axis_tick_values (set, lo, hi, 0, values))
    {
      /* Refused: only when there would be over 200. */
      g_assert_cmpfloat ((hi - lo) / step, >, 199);
      return G_MAXUINT;
    }
  g_assert_cmpuint (values->len, <=, 200);
  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);
      g_assert_cmpfloat (v, >=, lo - eps);
      g_assert_cmpfloat (v, <=, hi + eps);
      g_assert_true (near_integer (v / step, 1e-6));
      if (i > 0)
        {
          double d = v - g_array_index (values, double, i - 1);
          g_assert_cmpfloat (d, >, 0);
          g_assert_cmpfloat (fabs (d - step), <, 1e-6 * step);
        }
    }
  /* Covered: no end of the range more than a step from a tick. */
  if (values->len > 0)
    {
      g_assert_cmpfloat (g_array_index (values, double, 0) - lo, <, step + eps);
      g_assert_cmpfloat (hi - g_array_index (values, double, values->len - 1), <, step + eps);
    }
  /* The number of multiples of the step in the range, where neither end
   * is (nearly) one itself. */
  if (!near_integer (lo / step, 1e-6) && !near_integer (hi / step, 1e-6))
    g_assert_cmpuint (values->len, ==, (guint) (floor (hi / step) - ceil (lo / step) + 1));
  return values->len;
}

/* Every set for [lo, hi]: nice, finest first, the coarsest at least the
 * span, and one of them a readable number of ticks. */
static void
check_linear_range (double lo, double hi, gboolean integer)
{
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  guint n = pfm_plot_axis_tick_sets (FALSE, FALSE, integer, lo, hi, sets);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, PFM_PLOT_MAX_TICK_SETS);
  gboolean readable = FALSE;
  guint last_count = 0;
  for (guint k = 0; k < n; k++)
    {
      g_assert_cmpint (sets[k].kind, ==, PFM_TICKS_LINEAR);
      g_assert_true (is_nice (sets[k].step));
      if (integer)
        g_assert_cmpfloat (sets[k].step, >=, 1);
      if (k > 0)
        g_assert_cmpfloat (sets[k].step, >, sets[k - 1].step);
      guint count = check_linear_values (&sets[k], lo, hi);
      readable |= count >= 3 && count <= 12;
      last_count = count;
    }
  g_assert_cmpfloat (sets[n - 1].step, >=, hi - lo);
  g_assert_cmpuint (last_count, <=, 2);   /* a step of at least the span */
  /* The finest set is fine enough to have many ticks: at least 1/60 of
   * the span (more than a dozen ticks), whole numbers aside. */
  if (!integer)
    {
      g_assert_cmpfloat (sets[0].step, <=, (hi - lo) / 12);
      g_assert_true (readable);
    }
}

static void
test_linear_nice (void)
{
  /* Spans from 1e-12 to 1e12, at offsets that put the ends off the ticks,
   * across zero and on the negative side. */
  for (int e = -12; e <= 12; e++)
    for (int m = 0; m < 3; m++)
      {
        const double span = pow (10.0, e) * (1.0 + 1.7 * m);
        check_linear_range (0.0, span, FALSE);
        check_linear_range (0.137 * span, 1.137 * span, FALSE);
        check_linear_range (-0.61 * span, 0.39 * span, FALSE);
        check_linear_range (-3.3 * span, -2.3 * span, FALSE);
        check_linear_range (1000.0 * span, 1000.0 * span + 0.73 * span, FALSE);
      }
}

static void
test_linear_integer (void)
{
  check_linear_range (0.0, 3.5, TRUE);
  check_linear_range (0.0, 17.2, TRUE);
  check_linear_range (0.0, 1234.5, TRUE);
  /* A span under one: only the whole-number step 1 and up. */
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  guint n = pfm_plot_axis_tick_sets (FALSE, FALSE, TRUE, 0.0, 0.3, sets);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpfloat (sets[0].step, ==, 1.0);
}

/* An empty or non-finite span still gets one set (step 1). */
static void
test_linear_degenerate (void)
{
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  g_assert_cmpuint (pfm_plot_axis_tick_sets (FALSE, FALSE, FALSE, 2.0, 2.0, sets), ==, 1);
  g_assert_cmpfloat (sets[0].step, ==, 1.0);
  g_assert_cmpuint (pfm_plot_axis_tick_sets (FALSE, FALSE, FALSE, 0.0, INFINITY, sets), ==, 1);
  g_assert_cmpuint (pfm_plot_axis_tick_sets (FALSE, FALSE, FALSE, 0.0, NAN, sets), ==, 1);
}

/* Decades: [lo, hi] in log10 units; ticks at whole decades, multiples of
 * the set's step. */
static void
test_log_decades (void)
{
  static const double ranges[][2] = { { 9, 21 }, { -3, 5 }, { -12, 12 }, { 0.3, 4.7 }, { -15.2, -9.9 } };
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      const double lo = ranges[r][0], hi = ranges[r][1];
      PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
      guint n = pfm_plot_axis_tick_sets (TRUE, FALSE, FALSE, lo, hi, sets);
      g_assert_cmpuint (n, >=, 1);
      for (guint k = 0; k < n; k++)
        {
          g_assert_cmpint (sets[k].kind, ==, PFM_TICKS_LOG_DECADES);   /* spans of 2.5 decades or more */
          g_assert_true (near_integer (sets[k].step, 1e-12));
          if (k > 0)
            g_assert_cmpfloat (sets[k].step, >, sets[k - 1].step);
          g_assert_true (pfm_plot_axis_tick_values (&sets[k], lo, hi, 0, values));
          for (guint i = 0; i < values->len; i++)
            {
              double v = g_array_index (values, double, i);
              g_assert_true (near_integer (v, 1e-9));
              g_assert_true (near_integer (v / sets[k].step, 1e-9));
              g_assert_cmpfloat (v, >=, lo - 1e-9);
              g_assert_cmpfloat (v, <=, hi + 1e-9);
              if (i > 0)
                g_assert_cmpfloat (v, >, g_array_index (values, double, i - 1));
            }
        }
      /* The finest set is every decade. */
      g_assert_cmpfloat (sets[0].step, ==, 1.0);
      pfm_plot_axis_tick_values (&sets[0], lo, hi, 0, values);
      g_assert_cmpuint (values->len, ==, (guint) (floor (hi) - ceil (lo) + 1));
      g_assert_cmpfloat (sets[n - 1].step, >=, hi - lo);
    }
}

/* Marks inside decades: 1-2-5 under 2.5 decades, 1…9 under 0.7. */
static void
check_log_marks (double lo, double hi, PfmTickKind kind, const double *mantissas, guint n_mantissas)
{
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  guint n = pfm_plot_axis_tick_sets (TRUE, FALSE, FALSE, lo, hi, sets);
  gboolean found = FALSE;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint k = 0; k < n; k++)
    {
      if (sets[k].kind != kind)
        continue;
      found = TRUE;
      g_assert_true (pfm_plot_axis_tick_values (&sets[k], lo, hi, 0, values));
      /* Expected: every mantissa x 10^d in the range, counted here. */
      guint expected = 0;
      for (int d = (int) floor (lo) - 1; d <= (int) ceil (hi) + 1; d++)
        for (guint j = 0; j < n_mantissas; j++)
          {
            double v = d + log10 (mantissas[j]);
            expected += v >= lo - 1e-9 && v <= hi + 1e-9;
          }
      g_assert_cmpuint (values->len, ==, expected);
      for (guint i = 0; i < values->len; i++)
        {
          double v = g_array_index (values, double, i);
          double m = pow (10.0, v - floor (v + 1e-12));
          gboolean ok = FALSE;
          for (guint j = 0; j < n_mantissas; j++)
            ok |= fabs (m - mantissas[j]) < 1e-6 * mantissas[j];
          g_assert_true (ok);
          if (i > 0)
            g_assert_cmpfloat (v, >, g_array_index (values, double, i - 1));
        }
    }
  g_assert_true (found);
}

static void
test_log_marks (void)
{
  static const double m125[] = { 1, 2, 5 };
  static const double m19[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  check_log_marks (-0.2, 1.9, PFM_TICKS_LOG_125, m125, G_N_ELEMENTS (m125));
  check_log_marks (3.05, 5.4, PFM_TICKS_LOG_125, m125, G_N_ELEMENTS (m125));
  check_log_marks (0.1, 0.75, PFM_TICKS_LOG_FINE, m19, G_N_ELEMENTS (m19));
  check_log_marks (-7.6, -7.0, PFM_TICKS_LOG_FINE, m19, G_N_ELEMENTS (m19));
  /* Wide: no marks inside decades. */
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  guint n = pfm_plot_axis_tick_sets (TRUE, FALSE, FALSE, 0, 6, sets);
  for (guint k = 0; k < n; k++)
    g_assert_cmpint (sets[k].kind, ==, PFM_TICKS_LOG_DECADES);
}

/* Categories (bars): every n-th index from 0. */
static void
test_categories (void)
{
  PfmTickSet sets[PFM_PLOT_MAX_TICK_SETS];
  guint n = pfm_plot_axis_tick_sets (FALSE, TRUE, FALSE, -0.5, 39.5, sets);
  g_assert_cmpuint (n, >=, 4);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  static const double every[] = { 1, 2, 5, 10 };
  for (guint k = 0; k < G_N_ELEMENTS (every); k++)
    {
      g_assert_cmpint (sets[k].kind, ==, PFM_TICKS_CATEGORY);
      g_assert_cmpfloat (sets[k].step, ==, every[k]);
      g_assert_true (pfm_plot_axis_tick_values (&sets[k], -0.5, 39.5, 40, values));
      g_assert_cmpuint (values->len, ==, (guint) ceil (40 / every[k]));
      for (guint i = 0; i < values->len; i++)
        g_assert_cmpfloat (g_array_index (values, double, i), ==, i * every[k]);
    }
}

/* Far too many ticks are refused, not listed. */
static void
test_too_many (void)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  PfmTickSet set = { PFM_TICKS_LINEAR, 1.0 };
  g_assert_false (pfm_plot_axis_tick_values (&set, 0, 1000, 0, values));
  g_assert_true (pfm_plot_axis_tick_values (&set, 0, 150, 0, values));
  g_assert_cmpuint (values->len, ==, 151);
}

/* The number of digits after the decimal point in @s (0: none). */
static int
decimals_of (const char *s)
{
  const char *dot = strchr (s, '.');
  if (dot == NULL)
    return 0;
  int n = 0;
  for (const char *p = dot + 1; g_ascii_isdigit (*p); p++)
    n++;
  return n;
}

/* Unitless linear labels: the decimals of the step (a step m x 10^k needs
 * max(0, -k)), and the label reads back as the value. */
static void
test_format_plain (void)
{
  for (int e = -3; e <= 3; e++)
    for (int mi = 0; mi < 3; mi++)
      {
        static const double m[] = { 1, 2, 5 };
        const double step = m[mi] * pow (10.0, e);
        const int expected = MAX (0, -e);
        for (int i = -7; i <= 7; i++)
          {
            const double v = i * step;
            const double magnitude = MAX (7 * step, 1e-3);   /* the plain form: below 1e5, from 1e-3 */
            if (magnitude >= 1e5)
              continue;
            g_autofree char *label = pfm_plot_axis_format_linear (v, step, magnitude, NULL);
            g_assert_cmpint (decimals_of (label), ==, expected);
            g_assert_null (strchr (label, 'e'));
            char *end;
            double back = g_ascii_strtod (label, &end);
            g_assert_cmpint (*end, ==, '\0');
            g_assert_cmpfloat (fabs (back - v), <=, 1e-9 * step);
          }
      }
  /* Rounding noise at zero reads 0, never -0. */
  g_autofree char *zero = pfm_plot_axis_format_linear (-1e-17, 0.1, 1.0, "");
  g_assert_cmpstr (zero, ==, "0.0");
  g_autofree char *fifteen = pfm_plot_axis_format_linear (15, 5, 20, NULL);
  g_assert_cmpstr (fifteen, ==, "15");
}

/* Large or tiny unitless values: exponent form with as many digits as
 * magnitude / step needs. */
static void
test_format_exponent (void)
{
  g_autofree char *a = pfm_plot_axis_format_linear (2e5, 1e5, 1e6, NULL);
  g_assert_cmpstr (a, ==, "2.0e+05");
  g_autofree char *b = pfm_plot_axis_format_linear (3e-5, 1e-5, 5e-4, "");
  g_assert_cmpstr (b, ==, "3.00e-05");   /* log10 (5e-4 / 1e-5) = 1.7: two digits */
  g_autofree char *c = pfm_plot_axis_format_linear (1.25e12, 5e10, 2e12, NULL);
  g_assert_cmpstr (c, ==, "1.25e+12");
  /* Every tick of a 1e9..1e10 axis at step 1e9 reads back exactly. */
  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *label = pfm_plot_axis_format_linear (i * 1e9, 1e9, 1e10, NULL);
      g_assert_cmpfloat (fabs (g_ascii_strtod (label, NULL) - i * 1e9), <=, 1e-6 * 1e9);
    }
}

/* With a unit: one SI prefix from the axis's magnitude, decimals from the
 * step in that prefix's units, markup-escaped, ^2 and ^3 as superscripts. */
static void
test_format_units (void)
{
  g_autofree char *km = pfm_plot_axis_format_linear (1500, 500, 3000, "m");
  g_assert_cmpstr (km, ==, "1.5 km");
  g_autofree char *same_prefix = pfm_plot_axis_format_linear (500, 500, 3000, "m");
  g_assert_cmpstr (same_prefix, ==, "0.5 km");   /* the axis's prefix, not the value's */
  g_autofree char *micro = pfm_plot_axis_format_linear (2.5e-6, 5e-7, 5e-6, "W/m^2");
  g_assert_cmpstr (micro, ==, "2.5 µW/m²");
  g_autofree char *plain = pfm_plot_axis_format_linear (40, 10, 90, "s");
  g_assert_cmpstr (plain, ==, "40 s");
  g_autofree char *pico = pfm_plot_axis_format_linear (3e-12, 1e-12, 9e-12, "J");
  g_assert_cmpstr (pico, ==, "3 pJ");
  g_autofree char *escaped = pfm_plot_axis_format_linear (2, 1, 5, "a<b");
  g_assert_cmpstr (escaped, ==, "2 a&lt;b");
  /* Beyond exa the prefix stays E; the decimals are capped at 6. */
  g_autofree char *huge = pfm_plot_axis_format_linear (3e24, 1e24, 5e24, "W");
  g_assert_cmpstr (huge, ==, "3000000 EW");
  g_autofree char *fine = pfm_plot_axis_format_linear (1.5, 1e-9, 2, "m");
  g_assert_cmpint (decimals_of (fine), ==, 6);
}

static void
test_format_decade (void)
{
  g_autofree char *a = pfm_plot_axis_format_decade (3);
  g_assert_cmpstr (a, ==, "10<sup>3</sup>");
  g_autofree char *b = pfm_plot_axis_format_decade (-12);
  g_assert_cmpstr (b, ==, "10<sup>-12</sup>");
  g_autofree char *c = pfm_plot_axis_format_decade (2.9999999);   /* log10 rounding */
  g_assert_cmpstr (c, ==, "10<sup>3</sup>");
}

static void
test_pretty_unit (void)
{
  g_autofree char *a = pfm_plot_axis_pretty_unit ("W/m^2");
  g_assert_cmpstr (a, ==, "W/m²");
  g_autofree char *b = pfm_plot_axis_pretty_unit ("m^3");
  g_assert_cmpstr (b, ==, "m³");
  g_autofree char *c = pfm_plot_axis_pretty_unit (NULL);
  g_assert_cmpstr (c, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-axis/linear-nice", test_linear_nice);
  g_test_add_func ("/plot-axis/linear-integer", test_linear_integer);
  g_test_add_func ("/plot-axis/linear-degenerate", test_linear_degenerate);
  g_test_add_func ("/plot-axis/log-decades", test_log_decades);
  g_test_add_func ("/plot-axis/log-marks", test_log_marks);
  g_test_add_func ("/plot-axis/categories", test_categories);
  g_test_add_func ("/plot-axis/too-many", test_too_many);
  g_test_add_func ("/plot-axis/format-plain", test_format_plain);
  g_test_add_func ("/plot-axis/format-exponent", test_format_exponent);
  g_test_add_func ("/plot-axis/format-units", test_format_units);
  g_test_add_func ("/plot-axis/format-decade", test_format_decade);
  g_test_add_func ("/plot-axis/pretty-unit", test_pretty_unit);
  return g_test_run ();
}
