/* pfm-fftw.h - FFTW set-up shared by the engine: threads, planner lock, wisdom
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <fftw3.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PFM_PLAN_MEASURE,    /* measured once (~0.3 s at 256^2), then cached as wisdom; the default */
  PFM_PLAN_ESTIMATE,   /* instant, but up to 10x slower transforms on some machines */
} PfmPlanRigor;

/* Initialises FFTW's threads and loads the wisdom cache (once): from
 * $XDG_CACHE_HOME/pfm-explorer/fftwf-wisdom, or $PFM_FFTW_WISDOM ("" disables it). */
void        pfm_fftw_init          (void);

/* Makes an in-place 2D n x n complex plan on @buf under the global planner
 * lock (FFTW's planner is not thread-safe; execution is). */
fftwf_plan  pfm_fftw_plan_2d       (int           n,
                                    fftwf_complex *buf,
                                    int           sign,
                                    int           threads,
                                    PfmPlanRigor  rigor);
void        pfm_fftw_destroy_plan  (fftwf_plan    plan);

/* The fastest FFTW thread count for n x n transforms on this machine
 * (1, 2, 4 or 8, up to the CPU count), measured once and cached beside the
 * wisdom (takes ~1 s the first time for a size). */
int         pfm_fftw_best_threads  (int           n);

/* TRUE when @bytes more can be allocated now: a trial allocation, freed at
 * once.  fftwf_malloc returns NULL when memory runs out (callers check),
 * but FFTW's planner allocates its own scratch and aborts the process
 * ("alloc.c: assertion failed") when that fails: probing before planning
 * turns a shortage into an error. */
gboolean    pfm_fftw_can_alloc     (gsize         bytes);

G_END_DECLS
