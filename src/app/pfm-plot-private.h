/* pfm-plot-private.h - what the plot's widget, drawing and export share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not for the views: they use pfm-plot.h.  pfm-plot.c is the widget (its
 * API, properties and input); pfm-plot-draw.c draws a plot into any
 * cairo_t, with pfm-plot-draw-axes.c (ticks, grid, labels) and
 * pfm-plot-draw-image.c (heatmaps); pfm-plot-export.c writes figures and
 * data files; pfm-plot-axis.c holds the pure tick and label helpers.
 */
#pragma once

#include <math.h>
#include <pango/pangocairo.h>

#include "pfm-plot.h"

G_BEGIN_DECLS

typedef struct
{
  char    *name;
  guint    color;
  gboolean dashed;
  GArray  *x;
  GArray  *y;
} Series;

typedef struct
{
  char    *label;
  char    *unit;
  gboolean log;
  double   fixed_min, fixed_max;
} Axis;

struct _PfmPlot
{
  GtkWidget    parent_instance;

  GtkWidget   *menu;        /* the right-click menu, parented for the widget's life */

  PfmPlotKind  kind;
  char        *title;
  Axis         xa, ya;
  GPtrArray   *series;
  GArray      *markers;
  char        *marker_label;

  float       *image;
  int          image_w, image_h;
  char        *image_unit;
  gboolean     image_log;
  double       image_min, image_max;  /* NAN: from the data */
  gboolean     image_counts;          /* each cell's value written on it */
  double       img_x0, img_x1, img_y0, img_y1;

  gboolean     presentation;
  gboolean     equal_aspect;
  gboolean     image_cells;
  char        *placeholder;
  char        *stale;              /* out-of-date notice, NULL: current */
  double       hover_x, hover_y;   /* widget coordinates, < 0: none */
  gboolean     y_integer;          /* y ticks at whole numbers (counts) */

  /* What the last draw put where (for tests). */
  GArray      *tick_boxes[2];      /* x, y, w, h per label; [0] x axis */
  double       hover_box[4];
  double       last_frame[4];
  double       title_height;
};

/* Where a draw puts the data: the axes' ranges and the plot area. */
typedef struct
{
  double x0, x1, y0, y1;          /* data range (log10 for log axes) */
  double left, right, top, bottom;/* plot area in device units */
  double width;                   /* of the whole figure */
} Frame;

/* A data value in axis units: log10 on a log axis (NAN if not > 0). */
static inline double
to_axis (const Axis *a, double v)
{
  return a->log ? (v > 0 ? log10 (v) : NAN) : v;
}

/* Axis units to device units. */
static inline double
fx (const Frame *f, double v)
{
  return f->left + (v - f->x0) / (f->x1 - f->x0) * (f->right - f->left);
}

static inline double
fy (const Frame *f, double v)
{
  return f->bottom - (v - f->y0) / (f->y1 - f->y0) * (f->bottom - f->top);
}

/* Drawing helpers shared by pfm-plot-draw*.c. */
void         pfm_plot_set_color        (cairo_t            *cr,
                                        const double        c[4]);
/* A layout of @markup in Sans at @size device units. */
PangoLayout *pfm_plot_text_layout      (cairo_t            *cr,
                                        const char         *markup,
                                        double              size);
/* Draws @markup with its anchor (ax, ay in [0,1] of its extents) at (x, y),
 * rotated by @angle. */
void         pfm_plot_draw_text        (cairo_t            *cr,
                                        const char         *markup,
                                        double              size,
                                        double              x,
                                        double              y,
                                        double              ax,
                                        double              ay,
                                        double              angle);
/* The title's layout: one line over the plot area when it fits, else
 * wrapped over the figure's @width (two lines at most). */
PangoLayout *pfm_plot_title_layout     (PfmPlot            *self,
                                        cairo_t            *cr,
                                        double              width,
                                        double              plot_width,
                                        double              s);
/* The markup of a tick label at @v (axis units) of @a. */
char        *pfm_plot_format_tick      (const Axis         *a,
                                        double              v,
                                        double              step,
                                        double              magnitude);
/* Grid, tick labels, frame, axis labels and title (pfm-plot-draw-axes.c). */
void         pfm_plot_draw_axes        (PfmPlot            *self,
                                        cairo_t            *cr,
                                        const Frame        *f,
                                        const PfmPlotTheme *t);
/* An image plot and its colour bar (pfm-plot-draw-image.c). */
void         pfm_plot_draw_image       (PfmPlot            *self,
                                        cairo_t            *cr,
                                        const Frame        *f,
                                        const PfmPlotTheme *t);
/* The hover read-out of the image at (px, py), or NULL outside it. */
char        *pfm_plot_hover_image_text (PfmPlot            *self,
                                        const Frame        *f,
                                        double              px,
                                        double              py);

/* Writes the plotted data to @path as CSV or JSON (by extension). */
gboolean pfm_plot_save_data (PfmPlot     *self,
                             const char  *path,
                             GError     **error);

G_END_DECLS
