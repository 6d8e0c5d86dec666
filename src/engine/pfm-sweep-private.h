/* pfm-sweep-private.h - what pfm-sweep.c (axes, run) and pfm-sweep-io.c
 * (JSON, CSV, reader, merge) share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-sweep.h"

G_BEGIN_DECLS

/* An empty result: no axes, settings or rows; rows cleared when freed. */
PfmSweepResult *pfm_sweep_result_new     (void);

/* A deep copy of @axis. */
PfmSweepAxis   *pfm_sweep_axis_copy      (const PfmSweepAxis *axis);

/* @row with every number NaN and no strings or output, its point kept
 * (what a row is before its run or its JSON fills it). */
void            pfm_sweep_row_init_nan   (PfmSweepRow        *row);

/* ||output - ref's output|| / ||ref's output|| (docs/physics.md section
 * 6), NaN without @ref, outputs or a common length. */
double          pfm_sweep_relative_error (const PfmSweepRow  *row,
                                          const PfmSweepRow  *ref);

G_END_DECLS
