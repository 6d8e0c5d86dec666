/* pfm-bpm.h - split-step Fourier beam propagation (docs/physics.md section 3)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FFTW's shape: pfm_bpm_new() plans and allocates (costly, once),
 * pfm_bpm_execute() runs an explicit input to an explicit output as many
 * times as wanted (no allocation, no planning, unless a record is asked
 * for), pfm_bpm_free() releases.  pfm_bpm_run() is the convenience on
 * top: the configuration's input, a new record, the detector vector.
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-fftw.h"
#include "pfm-grid.h"
#include "pfm-medium.h"
#include "pfm-record.h"
#include "pfm-types.h"

G_BEGIN_DECLS

#define PFM_BPM_ERROR (pfm_bpm_error_quark ())

typedef enum {
  PFM_BPM_ERROR_MEMORY,     /* the run would exceed the memory budget */
  PFM_BPM_ERROR_FAILED,
  PFM_BPM_ERROR_BUDGET,     /* PFM_MEMORY_BUDGET is not a positive whole number of bytes */
} PfmBpmError;

/* A run becomes under-resolved when the real-space phase of one step
 * exceeds this (rad) ... */
#define PFM_BPM_MAX_STEP_PHASE   0.5
/* ... or when the outer 10% of the spatial frequencies hold more than this
 * fraction of the power (docs/physics.md section 3). */
#define PFM_BPM_MAX_EDGE_POWER   1e-4
#define PFM_BPM_EDGE_BAND        0.1
/* When the spectrum reaches the edge, the stop names self-focusing if the
 * nonlinear phase has reached this (rad), else the index structure. */
#define PFM_BPM_COLLAPSE_B_INTEGRAL 1.0

typedef struct
{
  int          threads;         /* FFTW threads (pfm-types.h); PFM_THREADS_AUTO = the fastest, measured (pfm_fftw_best_threads) */
  PfmPlanRigor rigor;
  guint64      memory_budget;   /* bytes; 0 = default (see pfm_bpm_default_memory_budget) */
  guint64      volume_budget;   /* bytes for the recorded volume; 0 = 64 MiB */
  int          volume_max_side; /* largest transverse side of the volume; 0 = 128 */
  gboolean     no_volume;       /* skip the volume (batch runs) */
  gboolean     exact_trig;      /* libm sin/cos in the nonlinear pass (reference; ~3x slower) */
  /* What the caller will write after the run, for the memory estimate:
   * the diagnostics CSV, and the volume in this format. */
  gboolean     diagnostics_csv;
  PfmFieldFormat field_format;
} PfmBpmOptions;

typedef struct
{
  /* Called after each step, from the thread that runs. */
  void        (*progress) (guint step, guint n_steps, double z, gpointer user_data);
  /* Called after each recorded slice (record->rows grew by one). */
  void        (*slice)    (const PfmRecord *record, gpointer user_data);
  gpointer      user_data;
  /* Non-zero (read with g_atomic_int_get at every step) cancels the run. */
  const gint   *cancel;
} PfmBpmCallbacks;

GQuark           pfm_bpm_error_quark          (void);

/* The absorbing boundary's damping rate (1/m, field amplitude) at the
 * transverse coordinate @x, on either axis: the one formula pfm-bpm and
 * pfm-adjoint share. */
double           pfm_bpm_absorber_rate        (const PfmConfig *cfg,
                                               const PfmGrid   *grid,
                                               double           x);

/* The budget runs are held to: PFM_MEMORY_BUDGET when set (and valid),
 * else half the machine's memory, at most 8 GiB, and at most half of what
 * the address-space or data limits (ulimit -v, -d) leave this process. */
guint64          pfm_bpm_default_memory_budget (void);
/* Parses a memory budget strictly: digits only (no sign, space or suffix),
 * at least 1 byte.  On failure sets one line naming the accepted form. */
gboolean         pfm_bpm_parse_memory_budget  (const char          *text,
                                               guint64             *bytes,
                                               GError             **error);
/* Checks PFM_MEMORY_BUDGET: TRUE when it is unset or valid (front ends
 * refuse to start otherwise). */
gboolean         pfm_bpm_check_memory_budget_env (GError           **error);
/* Bytes a run of @cfg takes: the grid's buffers, the recorded rows and
 * volume, the index map and a copy's voxels, and the buffers of the
 * outputs that @opts says will be written. */
guint64          pfm_bpm_estimate_memory      (const PfmConfig     *cfg,
                                               const PfmBpmOptions *opts);
/* @bytes in MiB for messages ("95 MiB", "0.012 MiB"): one format everywhere. */
char            *pfm_bpm_format_mib           (guint64              bytes);

/* A rough run time (s) of @bpm's configuration: the steps' transforms and
 * real-space passes, and the voxel layers it computes, at costs measured
 * on a 2-core development machine (FFTW measured plans, one thread). */
double           pfm_bpm_estimate_seconds     (PfmBpm              *bpm);
/* Above this estimate a run is warned about before it starts. */
#define PFM_BPM_LONG_RUN_S 60.0

/* What can be said about a run before it starts (plain-language warnings,
 * char*): the voxel sampling, dz against the voxel, and a long estimated
 * time.  pfm_bpm_run records the same warnings; a front end shows them
 * before it starts the run. */
GPtrArray       *pfm_bpm_setup_warnings       (PfmBpm              *bpm);

PfmBpm          *pfm_bpm_new                  (const PfmConfig     *cfg,
                                               const PfmBpmOptions *opts,
                                               GError             **error);
void             pfm_bpm_free                 (PfmBpm              *bpm);

/* Input: from the configuration (Gaussian or SLM), or an explicit field of
 * n*n interleaved complex floats (|E|^2 in W/m^2). */
gboolean         pfm_bpm_set_input_from_config (PfmBpm             *bpm,
                                                GError            **error);
void             pfm_bpm_set_input            (PfmBpm              *bpm,
                                               const float         *field);

/* Where pfm_bpm_execute puts what a run produced; every member may be
 * NULL.  The field and the detectors are written unless the run was
 * cancelled or no slice resolved (an unresolved run gives the last state
 * it resolved). */
typedef struct
{
  PfmRecord   *record;     /* a fresh pfm_bpm_record_new: diagnostics rows, volume, warnings, status */
  float       *field;      /* n*n interleaved complex floats: the output field */
  double      *detectors;  /* detector.regions values, read with @noise_seed (pfm_detector_read) */
  guint64      noise_seed;
} PfmBpmOutput;

/* Propagates @input (n*n interleaved complex floats, |E|^2 in W/m^2) from
 * z = 0 to the tube length.  Allocates nothing and takes no lock when
 * @out has no record: that is the path a batch, a transmission matrix and
 * training call many times.  The slice callback is called only with a
 * record.  Returns the run's status; why an unresolved run stopped is
 * pfm_bpm_stop_reason. */
PfmRunStatus     pfm_bpm_execute              (PfmBpm                *bpm,
                                               const float           *input,
                                               const PfmBpmOutput    *out,
                                               const PfmBpmCallbacks *callbacks);

/* A record for one pfm_bpm_execute of @bpm: rows reserved at their final
 * count, the volume unless the options say no_volume.  NULL (and
 * PFM_BPM_ERROR_MEMORY) when that does not fit in memory. */
PfmRecord       *pfm_bpm_record_new           (PfmBpm                *bpm,
                                               GError               **error);

/* Why the last run stopped before the exit facet, in words; NULL if it
 * did not.  Free with g_free. */
char            *pfm_bpm_stop_reason          (PfmBpm                *bpm);

/* The detector-noise seed of a device's single runs (pfm_bpm_run): one
 * per medium seed, so a run and its re-run read the same noise. */
guint64          pfm_bpm_noise_seed           (const PfmConfig       *cfg);

/* pfm_bpm_execute of the input set by pfm_bpm_set_input (or, if none was
 * set since the last run, the configuration's), into a new record with
 * the detector vector.  Returns the record (its status says whether it
 * completed, was cancelled or stopped under-resolved); NULL only on a
 * hard failure. */
PfmRecord       *pfm_bpm_run                  (PfmBpm                *bpm,
                                               const PfmBpmCallbacks *callbacks,
                                               GError               **error);

/* One full step of length dz from the current state, without recording:
 * for benchmarks.  Returns the mid-step peak intensity. */
double           pfm_bpm_step                 (PfmBpm              *bpm);

/* The field at the end of the last run (n*n interleaved complex floats). */
const float     *pfm_bpm_get_field            (PfmBpm              *bpm);
const PfmGrid   *pfm_bpm_get_grid             (PfmBpm              *bpm);
const PfmMedium *pfm_bpm_get_medium           (PfmBpm              *bpm);
const PfmConfig *pfm_bpm_get_config           (PfmBpm              *bpm);

/* The raw FFT pair of this grid and plan, for ratios against the FFT
 * limit: call pfm_bpm_bench_prepare() once before timing it. */
void             pfm_bpm_bench_prepare        (PfmBpm              *bpm);
void             pfm_bpm_fft_pair             (PfmBpm              *bpm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmBpm, pfm_bpm_free)

G_END_DECLS
