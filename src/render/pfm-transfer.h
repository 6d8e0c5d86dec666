/* pfm-transfer.h - transfer function: colormap, opacity curve, scale (no GL)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The renderer maps the field's intensity to a normalised value v in
 * [0, 1] (linear: I / I_max; log: 1 + log10 (I / I_max) / decades), then v
 * to a colour (the colormap) and an opacity (a piecewise-linear curve of
 * control points).  The opacity is per reference step of 1/100 of the
 * tube's width, so the picture does not change with the sampling rate.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PFM_COLORMAP_INFERNO,
  PFM_COLORMAP_VIRIDIS,
  PFM_COLORMAP_MAGMA,
  PFM_COLORMAP_GREY,
  PFM_N_COLORMAPS
} PfmColormap;

#define PFM_TRANSFER_MAX_POINTS 32
#define PFM_TRANSFER_LUT_SIZE   256
#define PFM_TRANSFER_ERROR (pfm_transfer_error_quark ())

typedef enum {
  PFM_TRANSFER_ERROR_PARSE,
} PfmTransferError;

typedef struct
{
  double x;         /* normalised value, [0, 1] */
  double opacity;   /* [0, 1] */
} PfmTransferPoint;

typedef struct _PfmTransfer PfmTransfer;

struct _PfmTransfer
{
  PfmColormap      colormap;
  gboolean         log_scale;
  double           decades;         /* range of the log scale */
  guint            n_points;        /* >= 2; x strictly increasing, first 0, last 1 */
  PfmTransferPoint points[PFM_TRANSFER_MAX_POINTS];
};

GQuark       pfm_transfer_error_quark (void);

const char  *pfm_colormap_to_string   (PfmColormap        map);
gboolean     pfm_colormap_from_string (const char        *name,
                                       PfmColormap       *map);
/* Colour of @map at @t in [0, 1] (clamped), components in [0, 1]. */
void         pfm_colormap_eval        (PfmColormap        map,
                                       double             t,
                                       double             rgb[3]);

/* The diverging map for signed data (the index change): blue, white, red
 * (Moreland's cool-warm), @t in [0, 1] with 0.5 the middle. */
void         pfm_colormap_diverging   (double             t,
                                       double             rgb[3]);

PfmTransfer *pfm_transfer_new         (void);
PfmTransfer *pfm_transfer_copy        (const PfmTransfer *tf);
void         pfm_transfer_free        (PfmTransfer       *tf);
/* The default: inferno on a log scale over 4 decades, transparent over the
 * lowest third, a faint glow above, rising towards the peak. */
void         pfm_transfer_reset       (PfmTransfer       *tf);
gboolean     pfm_transfer_equal       (const PfmTransfer *a,
                                       const PfmTransfer *b);

double       pfm_transfer_opacity     (const PfmTransfer *tf,
                                       double             x);
/* Inserts a point (kept sorted); returns its index, or -1 if the curve
 * is full or a point already sits at @x. */
int          pfm_transfer_add_point   (PfmTransfer       *tf,
                                       double             x,
                                       double             opacity);
/* Moves point @i, keeping the order: x stays strictly between its
 * neighbours, and the end points keep x = 0 and x = 1. */
void         pfm_transfer_move_point  (PfmTransfer       *tf,
                                       guint              i,
                                       double             x,
                                       double             opacity);
/* Removes point @i unless it is an end point. */
gboolean     pfm_transfer_remove_point (PfmTransfer      *tf,
                                        guint             i);

/* The normalised value of intensity @value given the data's maximum. */
double       pfm_transfer_normalize   (const PfmTransfer *tf,
                                       double             value,
                                       double             max);
/* The intensity at normalised value @v (inverse of the above). */
double       pfm_transfer_denormalize (const PfmTransfer *tf,
                                       double             v,
                                       double             max);

/* RGBA8 table of PFM_TRANSFER_LUT_SIZE entries (colour, opacity); a second
 * row of as many entries holds the diverging map (opacity 1). */
void         pfm_transfer_bake        (const PfmTransfer *tf,
                                       guint8             rgba[PFM_TRANSFER_LUT_SIZE * 4 * 2]);

/* Histogram of the normalised values of @n samples (zeros and values
 * below the scale's floor count in bin 0). */
void         pfm_transfer_histogram   (const PfmTransfer *tf,
                                       const float       *values,
                                       gsize              n,
                                       double             max,
                                       guint             *bins,
                                       guint              n_bins);

/* A small key file ([transfer] colormap, scale, decades, points). */
char        *pfm_transfer_to_data     (const PfmTransfer *tf);
PfmTransfer *pfm_transfer_new_from_data (const char      *data,
                                         GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmTransfer, pfm_transfer_free)

G_END_DECLS
