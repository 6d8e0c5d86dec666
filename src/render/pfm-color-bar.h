/* pfm-color-bar.h - the colour scale of the volume view, with units
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Cairo drawing function serves the widget beside the 3D view and the
 * exported pictures.
 */
#pragma once

#include <gtk/gtk.h>

#include "pfm-transfer.h"

G_BEGIN_DECLS

typedef struct
{
  PfmColormap colormap;
  gboolean    diverging;  /* the diverging map instead of @colormap */
  gboolean    log;        /* log10 scale from max * 10^-decades to max */
  double      decades;
  double      min, max;   /* physical values at the ends (linear) */
  const char *title;      /* e.g. "Intensity" */
  const char *subtitle;   /* e.g. "log scale", or NULL */
  const char *unit;       /* e.g. "W/m²" (SI prefixes are added), or "" */
} PfmColorBarSpec;

/* Draws a vertical bar with ticks and labels in the rectangle; @fg is the
 * text colour (RGBA), @scale enlarges type and lines. */
void       pfm_color_bar_draw      (cairo_t               *cr,
                                    double                 x,
                                    double                 y,
                                    double                 width,
                                    double                 height,
                                    const PfmColorBarSpec *spec,
                                    const double           fg[4],
                                    double                 scale);

/* "9.93 GW/m²": engineering notation with an SI prefix. */
char      *pfm_format_si           (double                 value,
                                    const char            *unit,
                                    int                    digits);

#define PFM_TYPE_COLOR_BAR (pfm_color_bar_get_type ())
G_DECLARE_FINAL_TYPE (PfmColorBar, pfm_color_bar, PFM, COLOR_BAR, GtkWidget)

GtkWidget *pfm_color_bar_new              (void);
void       pfm_color_bar_set_spec         (PfmColorBar           *self,
                                           const PfmColorBarSpec *spec);
void       pfm_color_bar_set_presentation (PfmColorBar           *self,
                                           gboolean               presentation);

G_END_DECLS
