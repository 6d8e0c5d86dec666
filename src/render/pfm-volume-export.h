/* pfm-volume-export.h - pictures of the volume view: PNG and turntables
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rendered offscreen (a framebuffer of the view's size times @scale), with
 * the colour bar drawn beside the picture by the same code as on screen.
 */
#pragma once

#include <gio/gio.h>

#include "pfm-volume-area.h"

G_BEGIN_DECLS

typedef void (*PfmTurntableProgress) (guint    done,
                                      guint    total,
                                      gpointer user_data);

/* The view at @scale (1 or 2 for the usual exports) with its colour bar;
 * NULL and an error if it cannot be rendered. */
cairo_surface_t *pfm_volume_export_image (PfmVolumeArea         *area,
                                          const PfmColorBarSpec *spec,
                                          int                    scale,
                                          GError               **error);
/* Writes @surface as PNG, atomically. */
gboolean         pfm_volume_export_write_png (cairo_surface_t   *surface,
                                              const char        *path,
                                              GError           **error);
gboolean         pfm_volume_export_png   (PfmVolumeArea         *area,
                                          const PfmColorBarSpec *spec,
                                          int                    scale,
                                          const char            *path,
                                          GError               **error);

/* A full turn about the tube's transverse axis in @n_frames steps, written
 * as DIRECTORY/PREFIX-0001.png, ...; one frame per frame-clock tick, so the
 * window stays responsive and shows the turn.  The camera is restored at
 * the end.  Cancel through @cancellable. */
void             pfm_volume_export_turntable_async  (PfmVolumeArea         *area,
                                                     const PfmColorBarSpec *spec,
                                                     const char            *directory,
                                                     const char            *prefix,
                                                     guint                  n_frames,
                                                     int                    scale,
                                                     GCancellable          *cancellable,
                                                     PfmTurntableProgress   progress,
                                                     gpointer               progress_data,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
/* The number of frames written (also on error or cancellation). */
gboolean         pfm_volume_export_turntable_finish (PfmVolumeArea         *area,
                                                     GAsyncResult          *result,
                                                     guint                 *n_written,
                                                     GError               **error);

G_END_DECLS
