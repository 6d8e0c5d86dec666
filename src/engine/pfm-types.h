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

/* Physical constants (SI). */
#define PFM_C0 299792458.0

G_END_DECLS
