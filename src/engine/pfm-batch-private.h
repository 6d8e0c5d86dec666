/* pfm-batch-private.h - the core that batches (pfm-batch.c) and
 * transmission matrices (pfm-tm.c) share, and what the result files
 * (pfm-batch-io.c, pfm-batch-merge.c) need of the batch
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Included by those files only.  A run (a batch, or a transmission
 * matrix alone) is one Batch: its set-up, its jobs on a pool of workers
 * that each own a propagator, a first error that stops the others, a
 * cancel read at every propagation step, and its progress; all of it is
 * here once, so the two kinds of run handle set-up, cancel and errors
 * alike (docs/architecture.md, "Parallel work inside the engine").
 */
#pragma once

#include <glib.h>

#include "pfm-batch.h"
#include "pfm-bpm.h"
#include "pfm-config.h"

G_BEGIN_DECLS

/* The accepted range of relative and TM errors, wide enough for any
 * device and narrow enough that sums over a million copies stay finite;
 * and the relative error below which the effective bits may overflow to
 * infinity (written as null). */
#define PFM_BATCH_MAX_ERROR 1e100
#define PFM_BATCH_TINY_ERROR 1e-150

typedef struct
{
  const PfmBatchOptions   *o;
  const PfmBatchCallbacks *cb;
  PfmConfig *nominal;        /* ideal I/O, no defects */
  PfmConfig *base;           /* the configuration: copies take its I/O */
  int        npix, nreg;
  guint      n_all;          /* calibration inputs first, then test inputs */
  double    *inputs;         /* n_all x npix */
  double    *y0;             /* n_all x nreg */
  double    *tm0;            /* nreg x npix complex, when tm_error */
  guint      first, count;   /* the shard's copies */
  const guint *index;        /* or, when set, these count copies (merge --verify) */
  PfmCopyResult *results;    /* count */

  GMutex     lock;
  guint      done, total;
  gint       abort;
  GError    *error;
} Batch;

typedef enum {
  JOB_NOMINAL_INPUTS,        /* the nominal device's inputs [a, b) (pfm-batch.c) */
  JOB_NOMINAL_TM,            /* its transmission matrix's columns [a, b) (pfm-tm.c) */
  JOB_COPY,                  /* copy slot a (pfm-batch.c) */
} JobKind;

/* ---- set-up and the end of a run (pfm-batch.c) ---------------------------- */

/* Clears @B and sets its options, callbacks and lock; the rest of it is
 * the caller's to fill. */
void      pfm_batch_core_init     (Batch                   *B,
                                   const PfmBatchOptions   *o,
                                   const PfmBatchCallbacks *cb);
/* Frees what pfm_batch_core_init set up, and an error nobody took. */
void      pfm_batch_core_clear    (Batch                   *B);
/* Plans @cfg's propagator once, on this thread alone, so that the
 * workers then share the same plans; FALSE (recorded in @B) when it
 * cannot be built. */
gboolean  pfm_batch_warm_up       (Batch                   *B,
                                   const PfmConfig         *cfg);
/* After the jobs: TRUE when the run completed; else moves its first
 * error, or a cancel (G_IO_ERROR_CANCELLED, @cancelled as its message),
 * to @error. */
gboolean  pfm_batch_finish        (Batch                   *B,
                                   const char              *cancelled,
                                   GError                 **error);

/* ---- inside a job (pfm-batch.c) --------------------------------------------- */

/* Records @error (taking it) unless an earlier one is there, and stops
 * every job. */
void      pfm_batch_fail          (Batch                   *B,
                                   GError                  *error);
/* @n more propagations done; reports progress. */
void      pfm_batch_advance       (Batch                   *B,
                                   guint                    n);
/* The PfmBpmCallbacks progress of every propagation (user data @B): it
 * turns the caller's cancel into B's abort flag. */
void      pfm_batch_step_cb       (guint                    step,
                                   guint                    n_steps,
                                   double                   z,
                                   gpointer                 user_data);
/* TRUE once the run failed or was cancelled. */
gboolean  pfm_batch_aborted       (Batch                   *B);
/* A worker's own propagator for @cfg (one thread, no volume, no budget
 * of its own: the pool's was checked); NULL, recorded in @B, on failure. */
PfmBpm   *pfm_batch_new_bpm       (Batch                   *B,
                                   const PfmConfig         *cfg);
/* An input field of grid @g, or NULL with "out of memory" recorded in @B. */
float    *pfm_batch_try_field     (Batch                   *B,
                                   const PfmGrid           *g);
/* How messages name the device @cfg describes. */
char     *pfm_batch_device_name   (const PfmConfig         *cfg);

/* ---- the worker pool (pfm-batch.c) ------------------------------------------ */

/* How many workers for @jobs jobs of @cfg: the asked number, or the CPUs
 * that fit the memory budget; 0 with @error when none fits. */
int       pfm_batch_worker_count  (const PfmConfig         *cfg,
                                   const PfmBatchOptions   *o,
                                   guint                    jobs,
                                   GError                 **error);
/* Splits [0, @n) into at most @parts contiguous jobs of @kind. */
void      pfm_batch_push_chunks   (GPtrArray               *jobs,
                                   JobKind                  kind,
                                   guint                    n,
                                   int                      parts);
/* Runs @jobs on @threads workers and waits for them; each job is freed
 * when it ends, so the caller only empties the array.  FALSE, recorded
 * in @B, when the pool cannot start. */
gboolean  pfm_batch_run_jobs      (Batch                   *B,
                                   int                      threads,
                                   GPtrArray               *jobs);

/* ---- options and results (pfm-batch.c) -------------------------------------- */

/* The batch options' ranges (docs/cli.md, defects); FALSE with a
 * PFM_BATCH_ERROR_OPTIONS @error (may be NULL) naming the bad one. */
gboolean        pfm_batch_check_options (const PfmBatchOptions   *o,
                                         GError                 **error);
/* An empty result, its arrays made. */
PfmBatchResult *pfm_batch_result_new    (void);
/* The copies @index (@n_index of them, 0-based in the whole batch) of the
 * batch @cfg, @o, in that order: what merge --verify recomputes. */
PfmBatchResult *pfm_batch_run_copies    (const PfmConfig         *cfg,
                                         const PfmBatchOptions   *o,
                                         const PfmBatchCallbacks *cb,
                                         const guint             *index,
                                         guint                    n_index,
                                         GError                 **error);

/* ---- the transmission-matrix jobs (pfm-tm.c) -------------------------------- */

/* The JOB_NOMINAL_TM job: columns [@p0, @p1) of B->tm0, the region
 * transmission matrix of B->nominal; an unresolved run fails the run. */
void      pfm_tm_nominal_job      (Batch                   *B,
                                   guint                    p0,
                                   guint                    p1);
/* The TM error of the copy @cfg against B->tm0, using the job's input
 * field @field.  FALSE when it has none: a failure or cancel (recorded
 * in @B), or an unresolved run, after which the @left propagations the
 * copy had to go count as done. */
gboolean  pfm_tm_copy_error       (Batch                   *B,
                                   const PfmConfig         *cfg,
                                   float                   *field,
                                   guint                    left,
                                   double                  *tm_error);

G_END_DECLS
