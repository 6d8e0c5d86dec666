/* pfm-batch.h - Monte-Carlo batches of fabricated copies, transmission
 * matrices, and the result files of batches and their shards
 * (docs/physics.md section 4, docs/cli.md)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A batch measures K fabricated copies (pfm-defects.h) against the nominal
 * device on a set of SLM input vectors.  Copy j (0-based) uses
 * defects.seed = pfm_defects_copy_seed (defects.seed, j); it is computed
 * whole by one worker, so the results do not depend on the thread count,
 * and a shard I/K of the batch computes exactly the copies (and numbers)
 * the whole batch would.
 *
 * Inputs.  Test input i (0-based) holds slm_pixels values uniform in
 * [0, 1] from a stream seeded by (input_seed, "test", i); calibration
 * input i from (input_seed, "calibration", i): the two sets never share a
 * vector.  Every input is written by the SLM (beam.encoding, beam.power,
 * beam.slm_bits), propagated, and read by the detector regions (with
 * detector.noise seeded per copy and input, and detector.bits).  The
 * nominal reference uses ideal I/O (pfm_defects_nominal).
 *
 * The metrics of a copy and its calibration layer are defined in
 * pfm-calibration.h, which needs no batch.
 *
 * Where it is: pfm-batch.c runs batches and sweeps of them (the worker
 * pool it shares with the transmission matrices through
 * pfm-batch-private.h), pfm-tm.c measures transmission matrices,
 * pfm-batch-io.c writes and reads results, and pfm-batch-merge.c merges
 * and verifies shards.
 */
#pragma once

#include <glib.h>

#include "pfm-bpm.h"
#include "pfm-calibration.h"
#include "pfm-config.h"

G_BEGIN_DECLS

#define PFM_BATCH_ERROR (pfm_batch_error_quark ())

typedef enum {
  PFM_BATCH_ERROR_OPTIONS,      /* a bad option */
  PFM_BATCH_ERROR_UNRESOLVED,   /* the nominal device's run did not complete */
  PFM_BATCH_ERROR_PARSE,        /* a result file that is not a batch result */
  PFM_BATCH_ERROR_MISMATCH,     /* shards that do not make one batch */
} PfmBatchError;

typedef struct
{
  guint     copies;          /* K, the whole batch (>= 1) */
  guint     shard_index;     /* 1-based: this is shard I of shard_count */
  guint     shard_count;     /* 1 = the whole batch */
  guint     n_inputs;        /* test inputs (>= 1) */
  guint     n_calibration;   /* calibration inputs (0 = no calibration) */
  guint64   input_seed;
  double    ridge;           /* relative ridge of the calibration fit (>= 0) */
  PfmMetric yield_metric;
  double    threshold;       /* a copy passes when its yield metric is at most
                              * (errors) or at least (similarity, bits) this */
  gboolean  tm_error;        /* also measure the transmission-matrix error */
  /* Execution only: threads and the memory budget never change a number;
   * the rigor of FFTW's plans can change their last bits (so the result
   * records it as its planning, and merge compares it). */
  int       threads;         /* copies in parallel (pfm-types.h; PFM_THREADS_AUTO: the CPUs that fit the memory budget) */
  PfmPlanRigor rigor;
  guint64   memory_budget;   /* bytes for all workers; 0 = pfm_bpm_default_memory_budget () */
} PfmBatchOptions;

void pfm_batch_options_init (PfmBatchOptions *options);

typedef struct
{
  /* Called after each propagation, from any worker but never from two at
   * once. */
  void        (*progress) (guint done, guint total, gpointer user_data);
  gpointer      user_data;
  /* Non-zero cancels (read at every propagation step). */
  const gint   *cancel;
} PfmBatchCallbacks;

typedef struct
{
  guint    index;            /* j, 0-based, in the whole batch */
  guint64  seed;             /* its defects.seed */
  gboolean resolved;         /* FALSE: a run stopped under-resolved; no metrics */
  double   metric[PFM_N_METRICS];      /* NAN where not measured */
  double   calibrated[PFM_N_METRICS];  /* NAN where not defined */
} PfmCopyResult;

typedef struct
{
  double mean, std;          /* over resolved copies; std with K - 1 */
  double min, max;
} PfmMetricStats;

/* How a batch planned its FFTs.  The plan FFTW picks can change the last
 * bits of every field, so the last digits of a metric: with measured plans
 * (the default) two runs on one machine can differ, with estimated plans
 * (--estimate) one build on one kind of CPU gives the same bits every
 * time.  UNKNOWN: a result written before the mode was recorded. */
typedef enum {
  PFM_BATCH_PLANNING_UNKNOWN,
  PFM_BATCH_PLANNING_MEASURE,
  PFM_BATCH_PLANNING_ESTIMATE,
} PfmBatchPlanning;

/* "measure", "estimate"; "unknown" for UNKNOWN. */
const char *pfm_batch_planning_name (PfmBatchPlanning planning);

typedef struct
{
  /* The settings the batch ran with: every key of the table, as text. */
  GPtrArray      *keys;      /* char* "group.key" */
  GPtrArray      *values;    /* char* */
  PfmBatchOptions options;   /* threads, rigor and memory are not kept
                              * (rigor is recorded as planning) */
  PfmBatchPlanning planning; /* the options' rigor, as "planning" in the JSON */
  GArray         *copies;    /* PfmCopyResult, by index */
  guint           n_resolved;
  PfmMetricStats  stats[PFM_N_METRICS];
  PfmMetricStats  stats_calibrated[PFM_N_METRICS];
  double          yield, yield_calibrated;   /* fraction of copies passing */
  /* The contents of the files the batch read: "group.key" of each key
   * that named one (medium.file, with medium.kind = file) and the SHA-256
   * of its bytes in lowercase hex, in the same order.  Empty when the
   * batch read no file (or for a result of an older version). */
  GPtrArray      *input_keys;     /* char* */
  GPtrArray      *input_sha256;   /* char* */
  /* Where the result was read from, for messages (set by the caller of
   * pfm_batch_result_from_json), or NULL. */
  char           *source;
} PfmBatchResult;

GQuark          pfm_batch_error_quark   (void);

/* The copies [first, first + count) of shard I of K (contiguous blocks). */
void            pfm_batch_shard_range   (guint            copies,
                                         guint            shard_index,
                                         guint            shard_count,
                                         guint           *first,
                                         guint           *count);

/* Bytes one worker needs for @cfg (its propagator, fields). */
guint64         pfm_batch_estimate_memory (const PfmConfig       *cfg,
                                           const PfmBatchOptions *options);

/* Runs the batch (or its shard).  NULL with @error on bad options, over the
 * memory budget, an unresolved nominal run, or a cancel
 * (G_IO_ERROR_CANCELLED). */
PfmBatchResult *pfm_batch_run           (const PfmConfig         *cfg,
                                         const PfmBatchOptions   *options,
                                         const PfmBatchCallbacks *callbacks,
                                         GError                 **error);
void            pfm_batch_result_free   (PfmBatchResult          *result);

/* Recomputes n_resolved, stats and yields from the copies. */
void            pfm_batch_result_summarize (PfmBatchResult       *result);

/* JSON (docs/cli.md, `defects --format json`) and CSV (one row per copy, then
 * mean, std and yield rows). */
char           *pfm_batch_result_to_json (const PfmBatchResult   *result);
char           *pfm_batch_result_to_csv  (const PfmBatchResult   *result);
PfmBatchResult *pfm_batch_result_from_json (const char           *text,
                                            gsize                 length,
                                            GError              **error);

/* Combines the shards of one batch into the result the whole batch gives
 * (the same JSON, byte for byte).  Refuses shards of different settings or
 * batch options (naming both files and the field), a shard given twice,
 * or missing ones (naming every one); shards planned differently (one
 * "estimate", another "measure", or one that records no planning mode
 * with one that does); shards computed from different
 * contents of an input file (input_sha256); a copy whose seed is not
 * pfm_defects_copy_seed (defects.seed, j); and a metric out of its range:
 * relative error and tm_error in [0, 1e100], cosine similarity in [-1, 1],
 * effective bits -log2(relative error) (infinite, null, only for an exact
 * match), all of them measured for a resolved copy (the calibrated ones
 * all or none) and none for an unresolved one.  Messages name the shard
 * by its source when set, the copy and the field. */
PfmBatchResult *pfm_batch_merge         (PfmBatchResult         **shards,
                                         guint                    n_shards,
                                         GError                 **error);

/* Recomputes the copies @indices (@n of them, 0-based, in the whole batch)
 * of a batch from what its shards record: the settings, the batch options
 * and the planning mode (measured plans for UNKNOWN), with @threads
 * workers (0: the CPUs that fit), and compares every field of each copy
 * with the shard that holds it: bit for bit when the shards were planned
 * with estimated plans, else within PFM_BATCH_VERIFY_TOLERANCE relative
 * plus PFM_BATCH_VERIFY_FLOOR absolute: of the relative and TM errors, of
 * the relative error the effective bits stand for (2^-bits), and of
 * 1 - cosine similarity, whose floor is 2 PFM_BATCH_VERIFY_FLOOR times the
 * set's relative error.  The floor is 10 times the spread that measured
 * plans gave between runs (about 1e-7 of the nominal output's norm, in
 * single precision at grid.n = 128): with measured plans, a change below
 * it cannot be told from planning.  The shards must merge
 * (pfm_batch_merge).  FALSE with
 * PFM_BATCH_ERROR_MISMATCH naming the shard (its source), the copy, the
 * field and both values on the first difference, with
 * PFM_BATCH_ERROR_PARSE when the settings cannot be applied, or with the
 * batch's own errors (memory, cancel, an unresolved nominal run). */
#define PFM_BATCH_VERIFY_TOLERANCE 1e-3
#define PFM_BATCH_VERIFY_FLOOR 1e-6
gboolean        pfm_batch_verify        (PfmBatchResult         **shards,
                                         guint                    n_shards,
                                         const guint             *indices,
                                         guint                    n,
                                         int                      threads,
                                         const PfmBatchCallbacks *callbacks,
                                         GError                 **error);

/* Chooses @n distinct copies of @copies (n <= copies) from @seed, spread
 * over the @shard_count shards (every shard gets n / shard_count of them
 * or one more, those with one more drawn at random; with n below the shard
 * count, n shards drawn at random get one each), at random within each
 * shard; in increasing order.  The copies merge --verify recomputes. */
void            pfm_batch_verify_pick   (guint                    copies,
                                         guint                    shard_count,
                                         guint64                  seed,
                                         guint                    n,
                                         guint                   *indices);

/* One batch per value of @key (a "group.key" of the table): the points of a
 * sweep, in the order given.  @results receives n_values results. */
gboolean        pfm_batch_sweep         (const PfmConfig         *cfg,
                                         const char              *key,
                                         const char *const       *values,
                                         guint                    n_values,
                                         const PfmBatchOptions   *options,
                                         const PfmBatchCallbacks *callbacks,
                                         PfmBatchResult         **results,
                                         GError                 **error);

/* ---- transmission matrices (pfm-tm.c) ------------------------------------ */

/* The linear transmission matrix between SLM macro-pixels and detector
 * regions of the device @cfg describes (a copy when its [defects] are
 * set), computed with n2 = 0.  Column p is the response to macro-pixel p
 * alone (its soft-edged box field, amplitude encoding, at power P):
 *   T[r][p] = (integral over region r of E_p dA) / sqrt(A_r P),
 * the amplitude coupled into the flat-top mode of region r per unit input
 * amplitude.  @tm holds regions x slm_pixels complex values as (re, im)
 * pairs, row-major.  Linear optics makes T independent of P; |T[r][p]|^2
 * is at most the fraction of the power in region r. */
gboolean        pfm_batch_region_tm     (const PfmConfig         *cfg,
                                         const PfmBatchOptions   *options,
                                         const PfmBatchCallbacks *callbacks,
                                         double                  *tm,
                                         GError                 **error);

/* The full-field transmission matrix on a basis: propagates each of the
 * @n_basis input fields (grid.n^2 interleaved complex floats each, in
 * @basis) through @cfg and writes the output fields to @out.  With an
 * orthonormal basis and a lossless linear medium (no absorber, loss 0,
 * n2 = 0) the outputs are orthonormal: the operator is unitary. */
gboolean        pfm_batch_field_tm      (const PfmConfig         *cfg,
                                         const PfmBatchOptions   *options,
                                         guint                    n_basis,
                                         const float             *basis,
                                         float                   *out,
                                         GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmBatchResult, pfm_batch_result_free)

G_END_DECLS
