/* pfm-plot-axis.h - a plot axis's tick choices and tick labels
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions (GLib and libm only), so that they can be tested without
 * a display: which tick steps an axis may use, the tick values of a step,
 * and the text of a linear or decade label.  Which of the candidate sets
 * is drawn depends on the labels' measured sizes, and is chosen by
 * pfm-plot-draw.c.  Log axes work in log10 units throughout.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One way to place an axis's ticks: a linear step, a log axis's decade
 * step, or (log) the 1-2-5 or 1…9 marks in every decade. */
typedef enum {
  PFM_TICKS_LINEAR,
  PFM_TICKS_LOG_FINE,
  PFM_TICKS_LOG_125,
  PFM_TICKS_LOG_DECADES,
  PFM_TICKS_CATEGORY,
} PfmTickKind;

typedef struct
{
  PfmTickKind kind;
  double      step;   /* linear: in data units; decades: in decades; category: every n-th */
} PfmTickSet;

/* The most sets pfm_plot_axis_tick_sets() writes. */
#define PFM_PLOT_MAX_TICK_SETS 48

/* Every tick set worth trying for an axis over [lo, hi] (log10 units when
 * @log), finest first; at most PFM_PLOT_MAX_TICK_SETS written to @out.
 * Linear steps are 1, 2 or 5 x 10^k, whole numbers only if @integer. */
guint     pfm_plot_axis_tick_sets    (gboolean          log,
                                      gboolean          category,
                                      gboolean          integer,
                                      double            lo,
                                      double            hi,
                                      PfmTickSet       *out);
/* The tick values of @set in [lo, hi] into @values (doubles); FALSE if
 * there would be too many (over 200) to be worth drawing. */
gboolean  pfm_plot_axis_tick_values  (const PfmTickSet *set,
                                      double            lo,
                                      double            hi,
                                      gsize             n_categories,
                                      GArray           *values);

/* "W/m^2" -> "W/m²" for display. */
char     *pfm_plot_axis_pretty_unit  (const char       *unit);
/* Pango markup of a log axis's decade label: "10<sup>3</sup>" for 3. */
char     *pfm_plot_axis_format_decade (double           v);
/* Pango markup of a linear axis's label for @v: one SI prefix for the
 * whole axis (from @magnitude, its largest absolute value) when it has a
 * @unit, else plain or exponent form; as many decimals as @step needs, so
 * neighbouring labels never read the same. */
char     *pfm_plot_axis_format_linear (double           v,
                                       double           step,
                                       double           magnitude,
                                       const char      *unit);

G_END_DECLS
