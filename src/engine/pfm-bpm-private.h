/* pfm-bpm-private.h - the propagator's state, shared by pfm-bpm.c (plan
 * and execute), pfm-bpm-budget.c (what is known before a run: memory,
 * time, warnings) and pfm-bpm-record.c (what a run records)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed, not for callers outside these three files.
 */
#pragma once

#include <fftw3.h>

#include "pfm-bpm.h"

G_BEGIN_DECLS

/* Why a run stopped before the exit facet, and the numbers its message
 * quotes. */
typedef enum {
  BPM_STOP_NONE,
  BPM_STOP_NON_FINITE,   /* the field became non-finite */
  BPM_STOP_STEP_PHASE,   /* the real-space phase of a step grew too large */
  BPM_STOP_EDGE,         /* the spectrum reached the grid's edge */
} BpmStopKind;

typedef struct
{
  BpmStopKind kind;
  double      z;         /* where (m) */
  double      h;         /* STEP_PHASE: the step */
  double      peak;      /* STEP_PHASE, EDGE: the peak intensity (W/m^2) */
  double      dphi;      /* STEP_PHASE: the phase (rad) */
  double      edge;      /* EDGE: the fraction of the power in the outer band */
  double      b_integral;/* EDGE: the B-integral so far (rad) */
} BpmStop;

struct _PfmBpm
{
  PfmConfig   *cfg;
  PfmBpmOptions opts;
  PfmGrid      grid;
  PfmMedium   *medium;
  int          n;
  gsize        nn;
  double       k0, k, dz, length, voxel;
  guint        n_steps;

  float       *E;          /* the field (real space, or spectral when `spectral`) */
  float       *S;          /* scratch: the synchronised field of the last record */
  float       *d_full;     /* exp(-i K^2 dz / 2k) - 1 */
  float       *d_half;     /* exp(-i K^2 dz / 4k) - 1 */
  float       *d_tmp;      /* any other h */
  double      *kx2;        /* kx^2 of each column (and ky^2 of each row), 1/m^2;
                            * then 3 n doubles of scratch for pfm_medium_fill_profile */
  double       d_tmp_h;
  float        inv_nn;     /* FFTW's unnormalised pair: exact for n = 2^m */
  float       *ps;         /* k0 dz dn_profile */
  float       *amp;        /* exp(-(alpha/2 + sigma) dz); NULL if 1 everywhere */
  guint8      *edge;       /* outer band of spatial frequencies */
  int         *cvox, *rvox;/* voxel index of each column / row, -1 outside */
  gboolean     has_voxels;
  gboolean     profile_varies; /* a copy whose guide changes along z */
  gboolean     layered;    /* has_voxels || profile_varies: per-layer maps */
  int          nlz;        /* layers the maps distinguish (medium->nlz) */
  float       *ps_layer;   /* k0 dz dn_profile of layer ps_layer_l (profile_varies) */
  int          ps_layer_l;
  float       *map[2];     /* ps + k0 dz dn_voxel(layer), for two cached layers */
  int          map_layer[2];
  gboolean     outside_ready[2]; /* the slot's rows outside the core hold ps */
  float       *layer;      /* nvx * nvy scratch */
  float       *layer_avg;  /* nvx * nvy scratch */

  fftwf_plan   fwd, bwd;

  /* Run state */
  double       z;
  double       pending;    /* diffraction owed to the field, m */
  gboolean     spectral;
  double       b_integral;
  float        kerr_dz;    /* k0 n2 dz */
  double       power_before_fft;  /* sum |E|^2 leaving the last nonlinear pass */
  double       fft_gain;   /* compensates the float FFT pair's power loss; kept in
                            * double so that it integrates the error that its
                            * float rounding leaves (sigma-delta fashion) */
  gboolean     input_set;
  gboolean     dark_warned;  /* the "no light is left" warning was given this run */

  /* The run in progress (pfm_bpm_execute): its status, its finite
   * slices, and why it stopped, kept as numbers so that the message is
   * only written when asked for (pfm_bpm_stop_reason). */
  PfmRunStatus status;
  guint        steps_done;
  guint        slices;
  BpmStop      stop;
};

/* Diagnostics rows a run of @cfg records (the input, every record_every-th
 * step and the exit facet). */
guint64      pfm_bpm_n_records        (const PfmConfig     *cfg);
/* The recorded volume's layout: block factor, side, slice stride and
 * capacity within the options' volume budget. */
void         pfm_bpm_volume_layout    (const PfmConfig     *cfg,
                                       const PfmBpmOptions *o,
                                       int                 *factor,
                                       int                 *vnx,
                                       guint               *stride,
                                       guint               *capacity);
/* exp(-i K^2 h / 2k) - 1 on the grid, for a step of @h (cached). */
const float *pfm_bpm_propagator       (PfmBpm              *b,
                                       double               h);
/* k0 dz dn_profile of layer @l. */
const float *pfm_bpm_profile_phase    (PfmBpm              *b,
                                       int                  l);
/* Which term of the step phase is to blame, in words (g_free). */
char        *pfm_bpm_step_phase_cause (const PfmBpm        *b,
                                       double               h,
                                       double               peak);
/* The input's checks (pfm-bpm-record.c). */
void         pfm_bpm_check_setup      (PfmBpm              *b,
                                       PfmRecord           *rec);
/* The field at the true z into S, checked; recorded if @rec. */
void         pfm_bpm_record_slice     (PfmBpm              *b,
                                       PfmRecord           *rec,
                                       const PfmBpmCallbacks *cb,
                                       gboolean             force_volume);

G_END_DECLS
