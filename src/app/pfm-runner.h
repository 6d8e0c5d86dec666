/* pfm-runner.h - the engine on a worker thread, results streamed to the UI
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pfm-document.h"
#include "pfm-record.h"

G_BEGIN_DECLS

/* One recorded slice, delivered on the main loop while the run goes on. */
typedef struct
{
  PfmDiagRow row;
  int        vol_n;          /* volume slice side (0 if none was kept) */
  float     *intensity;      /* vol_n * vol_n, x fastest (may be NULL) */
  double     vol_x0, vol_dx; /* m */
  double     length;         /* m, the run's full length */
} PfmRunnerSlice;

#define PFM_TYPE_RUNNER (pfm_runner_get_type ())
G_DECLARE_FINAL_TYPE (PfmRunner, pfm_runner, PFM, RUNNER, GObject)

PfmRunner       *pfm_runner_new        (PfmDocument *document);
/* Starts a run now, cancelling the one in flight. */
void             pfm_runner_start      (PfmRunner   *self);
void             pfm_runner_cancel     (PfmRunner   *self);
gboolean         pfm_runner_is_running (PfmRunner   *self);
/* The last finished run (completed, unresolved or cancelled), or NULL. */
const PfmRecord *pfm_runner_get_record (PfmRunner   *self);
/* The configuration the last finished run used. */
const PfmConfig *pfm_runner_get_config (PfmRunner   *self);
GError          *pfm_runner_get_error  (PfmRunner   *self);
/* TRUE once no run is pending and the last one left a record, or failed
 * (then @failure says why). */
gboolean         pfm_runner_results_ready (PfmRunner     *self,
                                           const GError **failure);

G_END_DECLS
