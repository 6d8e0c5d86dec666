/* pfm-sweep.h - parameter sweeps: a grid of one or two numeric keys, one
 * propagation (or one defect batch) per point, one row of metrics each
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Axes.  A --vary spec is KEY=V1,V2,... (the values as written) or
 * KEY=START:STOP:N[:log] (N points, START and STOP included, evenly spaced
 * or, with :log, evenly spaced in log; an int key needs integer points).
 * KEY is any numeric key of the table (double, int or uint64).  With two
 * axes the grid is their outer product, the first axis slowest: point
 * p = i1 * N2 + i2.
 *
 * A point without copies is one propagation of the project with the axis
 * values set; its row (PfmSweepRow) is what pfm-record records:
 *   status            completed / unresolved / cancelled
 *   stop_z            z of the last resolved state (the length when completed)
 *   stop_reason       why an unresolved run stopped (NULL when completed)
 *   power, power_ratio  the power there, and over the input power
 *   width_x, width_y  the beam widths there
 *   peak_input        the peak intensity of the first recorded slice
 *   peak_max, z_peak_max  the largest recorded peak intensity and its z
 *   z_peak10          the first z where the peak intensity reaches 10x
 *                     peak_input, interpolated linearly between the two
 *                     recorded slices around it; NAN (null) when never
 *                     (its resolution is grid.dz x grid.record_every)
 *   b_integral        the B-integral there
 *   p_over_pcr, z_marburger  beam.power / P_cr and Marburger's collapse
 *                     distance for a collimated Gaussian beam of that power
 *                     and waist (pfm-scaling.c); INFINITY (null) below P_cr,
 *                     for n2 <= 0 or an SLM beam
 *   output            the detector powers
 *   relative_error    |y - y_0| / |y_0| against point 0's output vector
 *                     (NAN when either is missing or y_0 = 0)
 * A point with copies (K >= 1) is pfm_batch_run with K copies, seeds
 * pfm_defects_copy_seed (defects.seed, j) as in `pfm-cli defects`; its
 * row holds the batch's resolved count, statistics and yields.
 *
 * Shards are contiguous blocks of points (pfm_batch_shard_range); a shard
 * without point 0 also runs point 0, as the reference of relative_error,
 * so every shard's rows are the whole sweep's, and pfm_sweep_merge gives
 * exactly (byte for byte) the whole sweep's file.
 */
#pragma once

#include <glib.h>

#include "pfm-batch.h"
#include "pfm-config.h"
#include "pfm-record.h"

G_BEGIN_DECLS

#define PFM_SWEEP_FORMAT     "pfm-explorer sweep 1"
#define PFM_SWEEP_MAX_AXES   2
#define PFM_SWEEP_MAX_POINTS 10000

#define PFM_SWEEP_ERROR (pfm_sweep_error_quark ())

typedef enum {
  PFM_SWEEP_ERROR_SPEC,       /* a bad --vary spec or option */
  PFM_SWEEP_ERROR_PARSE,      /* a file that is not a sweep result */
  PFM_SWEEP_ERROR_MISMATCH,   /* shards that do not make one sweep */
} PfmSweepError;

typedef struct
{
  char      *key;             /* "group.key" */
  char      *spec;            /* the spec after '=' */
  GPtrArray *values;          /* char*, each accepted by pfm_config_set */
} PfmSweepAxis;

typedef struct
{
  guint     copies;           /* 0 = one propagation per point, else a batch of K copies */
  guint     n_inputs;         /* batch options (copies > 0) */
  guint     n_calibration;
  guint64   input_seed;
  guint     shard_index;      /* 1-based */
  guint     shard_count;      /* 1 = the whole sweep */
  /* Execution only: never changes a number. */
  int          threads;       /* FFTW threads per propagation, or copies in parallel (PFM_THREADS_AUTO: 1 / the CPUs) */
  PfmPlanRigor rigor;
  guint64      memory_budget; /* 0 = pfm_bpm_default_memory_budget () */
} PfmSweepOptions;

typedef struct
{
  guint    point;
  /* One propagation (copies = 0). */
  PfmRunStatus status;
  char    *stop_reason;
  guint    steps_done, n_steps;
  double   stop_z, power, power_ratio, width_x, width_y;
  double   peak_input, peak_max, z_peak_max, z_peak10, b_integral;
  double   p_over_pcr, z_marburger;
  double  *output;
  guint    n_output;
  double   relative_error;
  /* A batch (copies > 0). */
  guint    n_resolved;
  PfmMetricStats stats[PFM_N_METRICS];
  PfmMetricStats stats_calibrated[PFM_N_METRICS];
  double   yield, yield_calibrated;
} PfmSweepRow;

typedef struct
{
  GPtrArray       *axes;      /* PfmSweepAxis* */
  guint            n_points;  /* the whole grid */
  PfmSweepOptions  options;   /* threads, rigor and memory are not kept */
  GPtrArray       *keys;      /* the base settings: every key of the table, as text */
  GPtrArray       *values;
  GArray          *rows;      /* PfmSweepRow, this shard's points in order */
  char            *source;    /* where it was read from, for messages, or NULL */
} PfmSweepResult;

typedef struct
{
  /* After each point: @done of @total points (this shard's, reference included). */
  void        (*progress) (guint done, guint total, gpointer user_data);
  gpointer      user_data;
  const gint   *cancel;       /* non-zero cancels (read at every step) */
} PfmSweepCallbacks;

GQuark          pfm_sweep_error_quark    (void);
void            pfm_sweep_options_init   (PfmSweepOptions *options);

/* Parses "KEY=SPEC" for @cfg: every value is set on a copy of @cfg and
 * checked against the key's range.  The message names the key, the value
 * and the accepted forms and range. */
PfmSweepAxis   *pfm_sweep_axis_parse     (const PfmConfig *cfg,
                                          const char      *vary,
                                          GError         **error);
void            pfm_sweep_axis_free      (PfmSweepAxis    *axis);

/* Checks the grid of @axes (at most PFM_SWEEP_MAX_AXES, at most
 * PFM_SWEEP_MAX_POINTS points, distinct keys): every point validates, and
 * its memory estimate fits the budget.  @n_points receives the count. */
gboolean        pfm_sweep_check          (const PfmConfig        *cfg,
                                          PfmSweepAxis          **axes,
                                          guint                   n_axes,
                                          const PfmSweepOptions  *options,
                                          guint                  *n_points,
                                          GError                **error);

/* The configuration of point @p of the grid. */
PfmConfig      *pfm_sweep_point_config   (const PfmConfig        *cfg,
                                          PfmSweepAxis          **axes,
                                          guint                   n_axes,
                                          guint                   p,
                                          GError                **error);

/* The metrics of one recorded run (row->point is left as it is). */
void            pfm_sweep_row_from_record (PfmSweepRow           *row,
                                           const PfmConfig       *cfg,
                                           const PfmRecord       *record);
/* The first z where the peak intensity reaches @factor times the first
 * slice's, linearly interpolated; NAN when never. */
double          pfm_sweep_peak_distance  (const PfmRecord        *record,
                                          double                  factor);

/* Runs the grid (or its shard): NULL with @error on a bad option, a
 * failed point (memory, a batch's unresolved nominal run) or a cancel
 * (G_IO_ERROR_CANCELLED).  An unresolved propagation is a row, not an
 * error. */
PfmSweepResult *pfm_sweep_run            (const PfmConfig         *cfg,
                                          PfmSweepAxis           **axes,
                                          guint                    n_axes,
                                          const PfmSweepOptions   *options,
                                          const PfmSweepCallbacks *callbacks,
                                          GError                 **error);
void            pfm_sweep_result_free    (PfmSweepResult          *result);

char           *pfm_sweep_result_to_json (const PfmSweepResult    *result);
char           *pfm_sweep_result_to_csv  (const PfmSweepResult    *result);
PfmSweepResult *pfm_sweep_result_from_json (const char            *text,
                                            gsize                  length,
                                            GError               **error);
/* TRUE when @text is a JSON object whose "format" is PFM_SWEEP_FORMAT
 * (a cheap look, for the merge command to choose its reader). */
gboolean        pfm_sweep_is_sweep_json  (const char              *text,
                                          gsize                    length);

/* The shards 1/K .. K/K of one sweep (any order) into the whole sweep's
 * result.  Refuses different settings or axes, a shard given twice or
 * missing, rows that are not the shard's points. */
PfmSweepResult *pfm_sweep_merge          (PfmSweepResult         **shards,
                                          guint                    n_shards,
                                          GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmSweepAxis, pfm_sweep_axis_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmSweepResult, pfm_sweep_result_free)

G_END_DECLS
