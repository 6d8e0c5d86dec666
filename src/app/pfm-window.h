/* pfm-window.h - the main window: parameters, views, files
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PFM_TYPE_WINDOW (pfm_window_get_type ())
G_DECLARE_FINAL_TYPE (PfmWindow, pfm_window, PFM, WINDOW, AdwApplicationWindow)

PfmWindow *pfm_window_new             (AdwApplication *app);
gboolean   pfm_window_open_file       (PfmWindow      *self,
                                       GFile          *file,
                                       GError        **error);
/* Tells, in a dialog over the window, why @file could not be opened. */
void       pfm_window_show_open_error (PfmWindow      *self,
                                       GFile          *file,
                                       const GError   *error);
gboolean   pfm_window_apply_preset    (PfmWindow      *self,
                                       const char     *id,
                                       GError        **error);
/* "scaling", "propagation", "volume", "defects", "training" or "sweep". */
gboolean   pfm_window_set_view        (PfmWindow      *self,
                                       const char     *name);
/* The Training view trains now (pfm_training_view_train_now). */
void       pfm_window_train_now       (PfmWindow      *self,
                                       guint           pause_after,
                                       guint           copies,
                                       gboolean        use_trained,
                                       const char     *save_path);
/* Fills the Sweep view from one or two "KEY=START:STOP:N[:log]" and runs
 * it; when it ends its JSON goes to @json_path unless that is NULL. */
gboolean   pfm_window_start_sweep     (PfmWindow         *self,
                                       const char *const *specs,
                                       const char        *json_path,
                                       GError           **error);
/* Once the visible view's results are complete and drawn, writes the
 * window to @path as PNG and calls @done with the outcome. */
void       pfm_window_screenshot      (PfmWindow      *self,
                                       const char     *path,
                                       void          (*done) (PfmWindow *, GError *, gpointer),
                                       gpointer        user_data);

G_END_DECLS
