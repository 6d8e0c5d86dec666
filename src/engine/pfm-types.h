/* pfm-types.h - forward declarations shared by the engine's headers
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PfmConfig   PfmConfig;
typedef struct _PfmGrid     PfmGrid;
typedef struct _PfmMedium   PfmMedium;
typedef struct _PfmBpm      PfmBpm;
typedef struct _PfmRecord   PfmRecord;

/* Thread counts, one convention in every options struct of the engine
 * (PfmBpmOptions, PfmBatchOptions, PfmSweepOptions, PfmTrainOptions):
 * n > 0 is n threads; 0, what a zero-initialised struct holds, is one
 * thread (no measurement, the same timing on every machine);
 * PFM_THREADS_AUTO lets the engine choose for the job: the measured
 * fastest FFTW thread count for one propagation (pfm_fftw_best_threads),
 * the CPUs that fit the memory budget for a batch of copies, one FFTW
 * thread per point of a sweep (its points are small runs), one worker per
 * CPU for training and evaluation.  Threads never change a number.
 * The *_options_init functions choose PFM_THREADS_AUTO. */
#define PFM_THREADS_AUTO (-1)

/* Cancelling, one convention too: every job takes a `const gint *cancel`
 * flag (non-zero cancels; read with g_atomic_int_get at every propagation
 * step or between examples).  A job that returns a result (a batch, a
 * transmission matrix, a sweep, training, evaluation) reports a cancel as
 * G_IO_ERROR_CANCELLED; a single propagation (pfm_bpm_execute,
 * pfm_bpm_run) reports it as the status PFM_RUN_CANCELLED, because what it
 * recorded up to there is itself a result that a front end shows.
 *
 * Options, one convention: a zero-initialised options struct (or NULL) is
 * a valid request with the engine's defaults, and *_options_init fills in
 * the documented defaults that the CLI and the app take from it. */

/* Physical constants (SI). */
#define PFM_C0 299792458.0

G_END_DECLS
