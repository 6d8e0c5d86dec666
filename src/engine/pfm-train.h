/* pfm-train.h - training the glass: the voxel indices as a network's weights (docs/physics.md section 5)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An example's pixels drive the SLM's macro-pixels; class k is detector
 * region k; the glass predicts the brightest region.  Each voxel has one
 * real parameter theta, dn = delta_n tanh(theta), so a design never
 * exceeds the writable contrast.  The loss is the cross-entropy of
 * softmax(T p_k / sum_j p_j) with a trained temperature T; gradients come
 * from pfm-adjoint; Adam steps per minibatch, whose per-example gradients
 * are summed in example order, so a run is bit-identical for any thread
 * count.  A checkpoint holds the whole state after an epoch (design,
 * Adam's moments, the shuffle's generator and order, the log), so a run
 * resumed from it continues bit for bit as if it had not stopped.
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"
#include "pfm-dataset.h"

G_BEGIN_DECLS

#define PFM_TRAIN_ERROR (pfm_train_error_quark ())

typedef enum {
  PFM_TRAIN_ERROR_SETUP,      /* the project and the dataset do not fit together */
  PFM_TRAIN_ERROR_CHECKPOINT, /* a checkpoint that is damaged or from another project */
} PfmTrainError;

typedef struct
{
  guint  epoch, n_epochs;     /* epoch counts from 1 */
  guint  batch, n_batches;    /* batch within the epoch, from 1 */
  double loss, accuracy;      /* running means over this epoch's batches so far */
  double elapsed_s;
} PfmTrainProgress;

typedef struct
{
  guint  epoch;
  double train_loss, train_accuracy;
  double validation_loss, validation_accuracy;   /* NaN-free: 0 when there is no validation set */
  double seconds;                                /* since the start of training */
} PfmTrainEpoch;

typedef struct
{
  int          threads;       /* worker threads (pfm-types.h; PFM_THREADS_AUTO: one per CPU) */
  guint64      memory_budget; /* bytes; 0 = the engine's default */
  void       (*progress) (const PfmTrainProgress *progress, gpointer user_data);
  gpointer     user_data;
  const gint  *cancel;        /* non-zero cancels (checked between examples) */
  const char  *checkpoint;    /* written atomically after every epoch; NULL = none */
  const char  *resume;        /* continue from this checkpoint; NULL = start afresh */
  /* pfm_evaluate: @done of @total forward runs, from the calling thread. */
  void       (*runs) (guint done, guint total, gpointer user_data);
  /* After each epoch's validation (the log entry just appended), from the
   * training thread: live curves.  NULL = none. */
  void       (*epoch) (const PfmTrainEpoch *epoch, gpointer user_data);
} PfmTrainOptions;

/* The examples as the glass sees them: SLM values per example. */
typedef struct
{
  PfmDataset *dataset;
  guint       n_pixels;       /* beam.slm_pixels */
  guint       n_classes;
  float      *values;         /* n_examples * n_pixels: each image resized to the SLM's tiles */
  guint      *train, *validation, *test;
  guint       n_train, n_validation, n_test;
} PfmTrainData;

typedef struct
{
  int     nvx, nvy, nvz;
  float  *dn;                 /* the trained index map, x fastest */
  double  temperature;
  GArray *epochs;             /* PfmTrainEpoch */
  double  test_accuracy;      /* of the differentiable model, on the test set */
  guint  *confusion;          /* n_classes^2, rows = true class */
  guint   n_classes, n_test;
  guint64 n_parameters;
  double  seconds;
} PfmTrainResult;

GQuark          pfm_train_error_quark (void);

/* Loads cfg->train.dataset (relative paths against @base_dir), splits it
 * and resizes each example to the SLM's tiles; checks that the detector
 * has one region per class. */
PfmTrainData   *pfm_train_data_new    (const PfmConfig *cfg,
                                       const char      *base_dir,
                                       GError         **error);
void            pfm_train_data_free   (PfmTrainData    *data);

/* Softmax cross-entropy of T p / sum(p) against @label; with @dl_dp not
 * NULL writes dL/dp_k there and dL/dT to @dl_dt. */
double          pfm_train_loss        (const double    *p,
                                       guint            n,
                                       guint            label,
                                       double           temperature,
                                       double          *dl_dp,
                                       double          *dl_dt);

/* The predicted class: the brightest of @n detector regions (the first on a tie). */
guint           pfm_train_argmax      (const double    *p,
                                       guint            n);

PfmTrainResult *pfm_train_run         (const PfmConfig       *cfg,
                                       const PfmTrainData    *data,
                                       const PfmTrainOptions *opts,
                                       GError               **error);
void            pfm_train_result_free (PfmTrainResult  *result);

/* The worker count of @opts (its threads, 0 and NULL being one, or one
 * per CPU for PFM_THREADS_AUTO), at most 64. */
int             pfm_train_threads     (const PfmTrainOptions *opts);
/* Bytes training @cfg needs on @threads workers (each an adjoint within
 * @budget / @threads) with @batch examples per batch over @n_voxels
 * voxels: what pfm_train_run refuses above @budget. */
guint64         pfm_train_estimate_memory (const PfmConfig *cfg,
                                           int              threads,
                                           guint            batch,
                                           guint64          n_voxels,
                                           guint64          budget);

/* Appends an @nc x @nc confusion matrix (rows: the true class) to @s as
 * a JSON array of rows, indented for a member of a top-level object. */
void            pfm_train_append_confusion_json (GString     *s,
                                                 const guint *confusion,
                                                 guint        nc);

/* The training log, one CSV row per epoch (PfmTrainEpoch). */
char           *pfm_train_log_to_csv  (const GArray    *epochs);
/* @cfg with the trained design: medium.kind = file, medium.file =
 * @map_file, train.temperature = @temperature. */
PfmConfig      *pfm_train_trained_config (const PfmConfig *cfg,
                                          const char      *map_file,
                                          double           temperature);
/* Writes @path (ending in .pfm) and its index map beside it (.idx), the
 * project referring to the map by its name.  With @keep_text (the text of
 * the project trained from; may be NULL), the project is written over it
 * and keeps its comments (pfm_config_save_file_keeping). */
gboolean        pfm_train_save_project (const PfmConfig      *cfg,
                                        const PfmTrainResult *result,
                                        const char           *path,
                                        const char           *keep_text,
                                        gsize                 keep_len,
                                        GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmTrainData, pfm_train_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmTrainResult, pfm_train_result_free)

G_END_DECLS
