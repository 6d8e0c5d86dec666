/* pfm-plot-axis.c - a plot axis's tick choices and tick labels
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <math.h>

#include "pfm-plot-axis.h"

/* The decade steps of a log axis that keep its labels round. */
static guint
log_tick_sets (double span, PfmTickSet *out)
{
  guint n = 0;
  if (span < 0.7)
    out[n++] = (PfmTickSet) { PFM_TICKS_LOG_FINE, 1 };
  if (span < 2.5)
    out[n++] = (PfmTickSet) { PFM_TICKS_LOG_125, 1 };
  static const int steps[] = { 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 25, 30, 50, 100 };
  for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
    {
      out[n++] = (PfmTickSet) { PFM_TICKS_LOG_DECADES, steps[k] };
      if (steps[k] >= span)
        break;
    }
  return n;
}

guint
pfm_plot_axis_tick_sets (gboolean log, gboolean category, gboolean integer, double lo, double hi,
                         PfmTickSet *out)
{
  guint n = 0;
  const double span = hi - lo;
  if (category)
    {
      static const int every[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000 };
      for (guint k = 0; k < G_N_ELEMENTS (every); k++)
        out[n++] = (PfmTickSet) { PFM_TICKS_CATEGORY, every[k] };
      return n;
    }
  if (log)
    return log_tick_sets (span, out);
  if (!(span > 0) || !isfinite (span))
    {
      out[n++] = (PfmTickSet) { PFM_TICKS_LINEAR, 1 };
      return n;
    }
  double mag = pow (10.0, floor (log10 (span / 60.0)));
  while (n + 3 <= PFM_PLOT_MAX_TICK_SETS)
    {
      static const double m[] = { 1, 2, 5 };
      gboolean last = FALSE;
      for (guint k = 0; k < 3; k++)
        {
          double step = m[k] * mag;
          if (integer && step < 1)
            continue;
          out[n++] = (PfmTickSet) { PFM_TICKS_LINEAR, step };
          if (step >= span)
            {
              last = TRUE;
              break;
            }
        }
      if (last)
        break;
      mag *= 10;
    }
  return n;
}

/* The 1-2-5 (or 1…9) marks of every decade that lie in [lo, hi]. */
static void
log_marks (gboolean fine, double lo, double hi, GArray *values)
{
  static const double sub[] = { 1, 2, 5 };
  static const double sub_fine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  const double *m = fine ? sub_fine : sub;
  guint nm = fine ? G_N_ELEMENTS (sub_fine) : G_N_ELEMENTS (sub);
  for (int d = (int) floor (lo); d <= (int) ceil (hi); d++)
    for (guint k = 0; k < nm; k++)
      {
        double v = d + log10 (m[k]);
        if (v >= lo - 1e-9 && v <= hi + 1e-9)
          g_array_append_val (values, v);
      }
}

gboolean
pfm_plot_axis_tick_values (const PfmTickSet *set, double lo, double hi, gsize n_categories, GArray *values)
{
  g_array_set_size (values, 0);
  switch (set->kind)
    {
    case PFM_TICKS_CATEGORY:
      for (gsize k = 0; k < n_categories; k += (gsize) set->step)
        {
          double v = k;
          g_array_append_val (values, v);
        }
      break;
    case PFM_TICKS_LOG_FINE:
    case PFM_TICKS_LOG_125:
      log_marks (set->kind == PFM_TICKS_LOG_FINE, lo, hi, values);
      break;
    case PFM_TICKS_LOG_DECADES:
    case PFM_TICKS_LINEAR:
      {
        const double step = set->step;
        const double first = ceil (lo / step - 1e-9);
        if ((hi - lo) / step > 200)
          return FALSE;
        for (double i = first; i * step <= hi + 1e-9 * step; i += 1)
          {
            double v = i * step;
            g_array_append_val (values, v);
          }
        break;
      }
    }
  return values->len <= 200;
}

static const char *const si_prefixes[] = { "a", "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };

char *
pfm_plot_axis_pretty_unit (const char *unit)
{
  GString *u = g_string_new (unit ? unit : "");
  g_string_replace (u, "^2", "²", 0);
  g_string_replace (u, "^3", "³", 0);
  return g_string_free (u, FALSE);
}

char *
pfm_plot_axis_format_decade (double v)
{
  return g_strdup_printf ("10<sup>%d</sup>", (int) lround (v));
}

char *
pfm_plot_axis_format_linear (double v, double step, double magnitude, const char *unit)
{
  if (fabs (v) < 1e-9 * step)
    v = 0.0;
  if (unit == NULL || unit[0] == '\0')
    {
      if (magnitude >= 1e5 || (magnitude < 1e-3 && magnitude > 0))
        return g_strdup_printf ("%.*e", CLAMP ((int) ceil (log10 (magnitude / step) - 1e-9), 0, 6), v);
      return g_strdup_printf ("%.*f", step > 0 ? CLAMP ((int) ceil (-log10 (step) - 1e-9), 0, 6) : 0, v);
    }
  int e3 = magnitude > 0 ? (int) floor (log10 (magnitude) / 3.0) : 0;
  e3 = CLAMP (e3, -6, 6);
  double scale = pow (10.0, 3 * e3);
  int decimals = CLAMP ((int) ceil (-log10 (step / scale) - 1e-9), 0, 6);
  g_autofree char *pretty = pfm_plot_axis_pretty_unit (unit);
  /* (g_markup_printf_escaped does not take "*" precisions.) */
  g_autofree char *text = g_strdup_printf ("%.*f %s%s", decimals, v / scale, si_prefixes[e3 + 6], pretty);
  return g_markup_escape_text (text, -1);
}
