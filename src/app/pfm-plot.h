/* pfm-plot.h - a Cairo plot: lines, bars or an image, log or linear axes
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One drawing function serves the screen (snapshot), and PNG, SVG and PDF
 * export, so an exported figure is exactly what the window shows.
 *
 * Properties ("kind", construct-only; "title", "x-label", "x-unit",
 * "x-log", "y-label", "y-unit", "y-log", "placeholder", "presentation")
 * let a plot be declared in a .ui file; the setters below set them.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PFM_TYPE_PLOT (pfm_plot_get_type ())
G_DECLARE_FINAL_TYPE (PfmPlot, pfm_plot, PFM, PLOT, GtkWidget)

typedef enum {
  PFM_PLOT_LINES,
  PFM_PLOT_BARS,
  PFM_PLOT_IMAGE,
  /* Bars over a numeric x axis: each series' x are the centres of equal
   * bins (a histogram); several series share each bin side by side. */
  PFM_PLOT_HISTOGRAM,
} PfmPlotKind;

#define PFM_TYPE_PLOT_KIND (pfm_plot_kind_get_type ())
GType       pfm_plot_kind_get_type   (void) G_GNUC_CONST;

typedef struct
{
  double fg[4];
  double bg[4];
  double grid[4];
  double scale;      /* line widths and fonts; 1 normal, ~1.6 presentation */
  gboolean high_contrast;
} PfmPlotTheme;

GtkWidget  *pfm_plot_new             (PfmPlotKind     kind);
PfmPlotKind pfm_plot_get_kind        (PfmPlot        *plot);
void        pfm_plot_set_title       (PfmPlot        *plot,
                                      const char     *title);
const char *pfm_plot_get_title       (PfmPlot        *plot);
void        pfm_plot_set_x_axis      (PfmPlot        *plot,
                                      const char     *label,
                                      const char     *unit,
                                      gboolean        log);
void        pfm_plot_set_y_axis      (PfmPlot        *plot,
                                      const char     *label,
                                      const char     *unit,
                                      gboolean        log);
/* The axes as set (a unit set as NULL reads ""). */
const char *pfm_plot_get_x_label     (PfmPlot        *plot);
const char *pfm_plot_get_x_unit      (PfmPlot        *plot);
gboolean    pfm_plot_get_x_log       (PfmPlot        *plot);
const char *pfm_plot_get_y_label     (PfmPlot        *plot);
const char *pfm_plot_get_y_unit      (PfmPlot        *plot);
gboolean    pfm_plot_get_y_log       (PfmPlot        *plot);
/* Fixes an axis range (NAN, NAN = automatic). */
void        pfm_plot_set_x_range     (PfmPlot        *plot,
                                      double          min,
                                      double          max);
void        pfm_plot_set_y_range     (PfmPlot        *plot,
                                      double          min,
                                      double          max);

guint       pfm_plot_add_series      (PfmPlot        *plot,
                                      const char     *name,
                                      guint           color,
                                      gboolean        dashed);
void        pfm_plot_set_series      (PfmPlot        *plot,
                                      guint           series,
                                      const double   *x,
                                      const double   *y,
                                      gsize           n);
void        pfm_plot_append          (PfmPlot        *plot,
                                      guint           series,
                                      double          x,
                                      double          y);
void        pfm_plot_clear_data      (PfmPlot        *plot);

/* Vertical markers with labels ("this design"). */
void        pfm_plot_set_markers     (PfmPlot        *plot,
                                      const double   *x,
                                      gsize           n,
                                      const char     *label);

/* PFM_PLOT_IMAGE: width x height values, row 0 at the bottom (y min);
 * log10 colour scale if @log.  The x/y ranges are the image's extent. */
void        pfm_plot_set_image       (PfmPlot        *plot,
                                      const float    *values,
                                      int             width,
                                      int             height,
                                      double          x0,
                                      double          x1,
                                      double          y0,
                                      double          y1,
                                      const char     *value_unit,
                                      gboolean        log);

/* Text shown in an empty plot ("Run a batch to fill this"). */
void        pfm_plot_set_placeholder  (PfmPlot       *plot,
                                       const char    *text);
const char *pfm_plot_get_placeholder  (PfmPlot       *plot);
/* Marks the data as out of date (@notice, e.g. "Parameters changed: run
 * the batch again"): the data are drawn faded under the notice, in the
 * figure exports too, and the notice is the plot's accessible
 * description.  NULL: current again. */
void        pfm_plot_set_stale        (PfmPlot       *plot,
                                       const char    *notice);
const char *pfm_plot_get_stale        (PfmPlot       *plot);
/* Fixes the colour scale of an image (NAN, NAN: from the data). */
void        pfm_plot_set_image_range  (PfmPlot       *plot,
                                       double         min,
                                       double         max);
/* Writes each image cell's value on it, as an integer (counts). */
void        pfm_plot_set_image_counts (PfmPlot       *plot,
                                       gboolean       counts);
/* Same length per pixel on both axes (maps of the facet). */
void        pfm_plot_set_equal_aspect (PfmPlot       *plot,
                                       gboolean       equal);
/* Each value of the image one flat cell (a sweep's grid), not smoothed;
 * a non-finite value is left empty. */
void        pfm_plot_set_image_cells  (PfmPlot       *plot,
                                       gboolean       cells);
/* Larger type and lines, high-contrast colours (classrooms). */
void        pfm_plot_set_presentation (PfmPlot       *plot,
                                       gboolean       presentation);
gboolean    pfm_plot_get_presentation (PfmPlot       *plot);
/* Ticks of the y axis at whole numbers only (counts). */
void        pfm_plot_set_y_integer    (PfmPlot       *plot,
                                       gboolean       integer);

/* For tests: where the last pfm_plot_draw put the tick labels of an axis
 * (x, y, width, height per label, device units), and the hover read-out
 * (x, y, width, height; width 0 when none was drawn).  The pointer is as
 * set by pfm_plot_set_hover (widget coordinates, < 0: none). */
const double *pfm_plot_get_tick_boxes (PfmPlot       *plot,
                                       gboolean       x_axis,
                                       gsize         *n_boxes);
void        pfm_plot_get_hover_box    (PfmPlot       *plot,
                                       double         box[4]);
void        pfm_plot_set_hover        (PfmPlot       *plot,
                                       double         x,
                                       double         y);
/* For tests: the plot area of the last pfm_plot_draw (left, top, right,
 * bottom) and the height of its title (0: none). */
void        pfm_plot_get_frame        (PfmPlot       *plot,
                                       double         frame[4],
                                       double        *title_height);

void        pfm_plot_draw            (PfmPlot            *plot,
                                      cairo_t            *cr,
                                      double              width,
                                      double              height,
                                      const PfmPlotTheme *theme);

/* Writes the figure as .png, .svg or .pdf (by extension), atomically. */
gboolean    pfm_plot_export          (PfmPlot        *plot,
                                      const char     *path,
                                      int             width,
                                      int             height,
                                      GError        **error);
/* The plotted data as CSV (series,x,y) or JSON. */
char       *pfm_plot_to_csv          (PfmPlot        *plot);
char       *pfm_plot_to_json         (PfmPlot        *plot);

/* Colour @index of the palette (also used by legends outside plots). */
void        pfm_plot_palette         (guint           index,
                                      gboolean        high_contrast,
                                      double          rgb[3]);

G_END_DECLS
