/* pfm-train-job.h - the Training view's work on a worker thread
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three jobs, each a GTask on its own thread driving the engine as
 * `pfm-cli train` / `evaluate` do: PREPARE loads and splits the dataset
 * (for the set-up's counts and the gallery), TRAIN trains the glass, then
 * runs the trained design through the forward engine (test accuracy,
 * confusion, the baselines, the gallery's detector powers), FABRICATE
 * evaluates K fabricated copies of a trained design.  Each runs in a
 * PfmJob of its own (the view keeps its own notion of current jobs: a
 * PREPARE runs beside a TRAIN or a FABRICATE).  Events reach the owner's
 * callbacks on the UI thread, in order; the evaluation runs' progress is
 * coalesced.  Pausing blocks the training thread between batches, so the
 * engine knows nothing of it.
 */
#pragma once

#include <gio/gio.h>

#include "pfm-evaluate.h"
#include "pfm-job.h"
#include "pfm-train.h"

G_BEGIN_DECLS

typedef enum {
  PFM_TRAIN_JOB_PREPARE,
  PFM_TRAIN_JOB_TRAIN,
  PFM_TRAIN_JOB_FABRICATE,
} PfmTrainJobKind;

/* The dataset as the glass sees it, shared by the view and its jobs. */
typedef struct
{
  PfmTrainData *data;
} PfmSharedData;

PfmSharedData *pfm_shared_data_ref   (PfmSharedData *shared);
void           pfm_shared_data_unref (PfmSharedData *shared);

typedef struct _PfmTrainJob PfmTrainJob;

typedef struct
{
  void (*progress) (gpointer owner, PfmTrainJob *job, const PfmTrainProgress *progress);
  void (*epoch)    (gpointer owner, PfmTrainJob *job, const PfmTrainEpoch *epoch);
  /* evaluation runs @done of @total */
  void (*runs)     (gpointer owner, PfmTrainJob *job, guint done, guint total);
  void (*paused)   (gpointer owner, PfmTrainJob *job);
  void (*done)     (gpointer owner, PfmTrainJob *job, GError *error);
} PfmTrainJobCallbacks;

#define PFM_TRAIN_JOB_GALLERY 24

struct _PfmTrainJob
{
  PfmTrainJobKind kind;
  PfmConfig      *cfg;          /* the project (FABRICATE: the trained design with the defects) */
  char           *base_dir;     /* for relative dataset paths */
  char           *map_path;     /* TRAIN: where the trained index map is written */
  guint           copies;       /* FABRICATE */
  guint           pause_after;  /* TRAIN: pause after this epoch (0 = never) */
  /* Results, read on the UI thread once done */
  PfmSharedData  *shared;       /* PREPARE, TRAIN: made; FABRICATE: given */
  PfmTrainResult *result;
  PfmConfig      *trained;      /* cfg with the trained index map */
  PfmEvaluation  *evaluation;   /* TRAIN: the design and the baselines; FABRICATE: the copies */
  double         *gallery;      /* PFM_TRAIN_JOB_GALLERY test examples' detector powers */
  guint           n_gallery;
  /* private */
  PfmJob         *slot;         /* runs it: thread, cancel flag, events, the app held */
  PfmJobRun      *run;          /* set on the worker */
  GMutex          lock;
  GCond           cond;
  gboolean        paused;
  const PfmTrainJobCallbacks *cb;
};

/* A job of @kind on a copy of @cfg for @owner (a GObject, held while the
 * job runs); set its inputs (map_path, copies, pause_after), then
 * pfm_train_job_run.  The job is freed after @cb->done returns. */
PfmTrainJob *pfm_train_job_new    (PfmTrainJobKind             kind,
                                   const PfmConfig            *cfg,
                                   const char                 *base_dir,
                                   PfmSharedData              *shared,
                                   gpointer                    owner,
                                   const PfmTrainJobCallbacks *cb);
void         pfm_train_job_run    (PfmTrainJob *job);
void         pfm_train_job_cancel (PfmTrainJob *job);
void         pfm_train_job_pause  (PfmTrainJob *job,
                                   gboolean     paused);

/* `pfm-cli evaluate --baselines [--copies K]`'s JSON: @design and its
 * baselines, with @copies (may be NULL) as the fabricated copies. */
char        *pfm_train_job_evaluation_json (const PfmEvaluation *design,
                                            const PfmEvaluation *copies);
/* "12 s", "3 min", "1.5 h" (an estimate, an ETA). */
char        *pfm_train_job_format_duration (double s);
/* The Training view's set-up line: the glass's parameters and, once
 * @data is loaded, the dataset and what training would cost in time and
 * memory; or why the dataset cannot be used (@data_error). */
char        *pfm_train_job_describe        (const PfmConfig    *cfg,
                                            const PfmTrainData *data,
                                            const char         *data_error);

G_END_DECLS
