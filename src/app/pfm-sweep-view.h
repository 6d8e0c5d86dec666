/* pfm-sweep-view.h - sweeps of one or two keys: progress, cancel, plots
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pfm-view.h"

G_BEGIN_DECLS

#define PFM_TYPE_SWEEP_VIEW (pfm_sweep_view_get_type ())
G_DECLARE_FINAL_TYPE (PfmSweepView, pfm_sweep_view, PFM, SWEEP_VIEW, PfmView)

GtkWidget    *pfm_sweep_view_new              (PfmDocument      *document);
/* Fills the fields from one or two "KEY=START:STOP:N[:log]" (SI values, as
 * for pfm-cli sweep --vary); a second key turns the second axis on, one
 * key turns it off.  FALSE with a message naming what is wrong. */
gboolean      pfm_sweep_view_set_specs        (PfmSweepView     *self,
                                               const char *const *specs,
                                               GError          **error);
/* As the Run button: FALSE (and the message shown) when a field is refused. */
gboolean      pfm_sweep_view_run              (PfmSweepView     *self,
                                               GError          **error);
/* When the next sweep ends, write its JSON here (the Export JSON button's
 * file, for --sweep-json). */
void          pfm_sweep_view_set_export_path  (PfmSweepView     *self,
                                               const char       *path);
gboolean      pfm_sweep_view_is_ready         (PfmSweepView     *self);
/* TRUE when the shown result no longer matches the project's parameters. */
gboolean      pfm_sweep_view_is_out_of_date   (PfmSweepView     *self);
/* The text under the buttons: the result's summary, or why it is out of date. */
const char   *pfm_sweep_view_get_summary      (PfmSweepView     *self);
const GError *pfm_sweep_view_get_error        (PfmSweepView     *self);

G_END_DECLS
