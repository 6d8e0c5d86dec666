/* pfm-bpm.c - split-step Fourier beam propagation (docs/physics.md section 3)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dE/dz = i/(2k) laplacian E + i k0 [dn(x,y,z) + n2 |E|^2] E - (alpha/2) E
 *
 * Symmetric (Strang) splitting D(h/2) N(h) D(h/2).  Consecutive half steps
 * of diffraction merge, D(h/2) D(h/2) = D(h), so a step costs one forward
 * and one inverse FFT; the owed half step is paid only where a recorded
 * slice needs the field at a true z, into a scratch buffer (one extra
 * inverse FFT per recorded slice).
 *
 * The real-space part N(h) applies, in one pass, the step's index phase
 * (the guide profile plus the voxel layers averaged exactly over [z, z+h]),
 * the Kerr phase, loss and the absorbing boundary.
 */
#define G_LOG_DOMAIN "pfm-bpm"

#include "config.h"

#include <math.h>
#include <string.h>


#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-bpm-private.h"
#include "pfm-detector.h"
#include "pfm-kernels.h"

G_DEFINE_QUARK (pfm-bpm-error-quark, pfm_bpm_error)


static void
fill_propagator (float *d, const PfmBpm *b, double h)
{
  const double c = -h / (2.0 * b->k);
  const double *kx2 = b->kx2;
  for (int j = 0; j < b->n; j++)
    for (int i = 0; i < b->n; i++)
      {
        double ph = c * (kx2[i] + kx2[j]);
        gsize p = (gsize) j * b->n + i;
        /* cos - 1 = -2 sin^2(ph/2), accurate for small ph. */
        const double sh = sin (0.5 * ph);
        d[2 * p] = (float) (-2.0 * sh * sh);
        d[2 * p + 1] = (float) sin (ph);
      }
}

const float *
pfm_bpm_propagator (PfmBpm *b, double h)
{
  if (h == b->dz)
    return b->d_full;
  if (h == 0.5 * b->dz)
    return b->d_half;
  if (h != b->d_tmp_h)
    {
      fill_propagator (b->d_tmp, b, h);
      b->d_tmp_h = h;
    }
  return b->d_tmp;
}

/* Damping rate of the absorbing layer (1/m) at coordinate x.  A quadratic
 * ramp over the layer; its strength is chosen so that a wave crossing the
 * layer and back at half the grid's largest transverse wavenumber loses
 * about e^-8 of its amplitude, while the ramp stays gentle enough not to
 * reflect. */
double
pfm_bpm_absorber_rate (const PfmConfig *cfg, const PfmGrid *grid, double x)
{
  const double a = cfg->grid.absorber * grid->window;
  if (a <= 0.0)
    return 0.0;
  const double inner = 0.5 * grid->window - a;
  const double d = fabs (x) - inner;
  if (d <= 0.0)
    return 0.0;
  const double u = MIN (d / a, 1.0);
  const double kx_ref = 0.5 * G_PI / grid->dx;
  const double rmax = 12.0 * kx_ref / (a * pfm_config_k0 (cfg) * cfg->optics.n0);
  return rmax * u * u;
}

static void
fill_static (PfmBpm *b)
{
  const PfmGrid *g = &b->grid;
  const double alpha = b->cfg->optics.loss;
  gboolean need_amp = alpha > 0.0 || b->cfg->grid.absorber > 0.0;
  g_autofree double *rate = g_new (double, b->n);

  for (int i = 0; i < b->n; i++)
    rate[i] = pfm_bpm_absorber_rate (b->cfg, g, pfm_grid_x (g, i));

  for (int j = 0; j < b->n; j++)
    {
      const double y = pfm_grid_x (g, j);
      for (int i = 0; i < b->n; i++)
        {
          const gsize p = (gsize) j * b->n + i;
          const double x = pfm_grid_x (g, i);
          b->ps[p] = (float) (b->k0 * b->dz * pfm_medium_profile_dn (b->medium, x, y, g->dx));
          if (need_amp)
            b->amp[p] = (float) exp (-(0.5 * alpha + rate[i] + rate[j]) * b->dz);
        }
    }
  if (!need_amp)
    g_clear_pointer (&b->amp, fftwf_free);

  /* Spatial frequencies in the outer band of either axis. */
  const int half = b->n / 2;
  for (int j = 0; j < b->n; j++)
    {
      int mj = j < (b->n + 1) / 2 ? j : b->n - j;
      for (int i = 0; i < b->n; i++)
        {
          int mi = i < (b->n + 1) / 2 ? i : b->n - i;
          b->edge[(gsize) j * b->n + i] =
            (mi > (1.0 - PFM_BPM_EDGE_BAND) * half || mj > (1.0 - PFM_BPM_EDGE_BAND) * half);
        }
    }

  for (int i = 0; i < b->n; i++)
    {
      b->cvox[i] = pfm_medium_voxel_index (b->medium, pfm_grid_x (g, i), b->medium->nvx);
      b->rvox[i] = pfm_medium_voxel_index (b->medium, pfm_grid_x (g, i), b->medium->nvy);
    }
}

/* The profile phase k0 dz dn_profile of layer @l: the static one, or for
 * a copy whose guide changes along z, that layer's (cached). */
const float *
pfm_bpm_profile_phase (PfmBpm *b, int l)
{
  if (!b->profile_varies)
    return b->ps;
  l = CLAMP (l, 0, b->nlz - 1);
  if (b->ps_layer_l != l)
    {
      pfm_medium_fill_profile (b->medium, l, b->n, b->grid.dx, b->k0 * b->dz, b->ps_layer, b->kx2 + b->n);
      b->ps_layer_l = l;
    }
  return b->ps_layer;
}

/* map = ps(l) + k0 dz layer[voxel(p)].  Rows outside the core are ps
 * alone; with a static profile they never change, so once a map slot holds
 * them they are not copied again (they are half the window). */
static void
expand_layer (PfmBpm *b, int l, const float *layer, int slot)
{
  float *map = b->map[slot];
  const float *ps = pfm_bpm_profile_phase (b, l);
  const gboolean rows_ready = !b->profile_varies && b->outside_ready[slot];
  if (!b->has_voxels)
    {
      memcpy (map, ps, b->nn * sizeof (float));
      return;
    }
  const int nvx = b->medium->nvx;
  const float s = (float) (b->k0 * b->dz);
  for (int j = 0; j < b->n; j++)
    {
      const gsize row = (gsize) j * b->n;
      const int iy = b->rvox[j];
      if (iy < 0)
        {
          if (!rows_ready)
            memcpy (map + row, ps + row, b->n * sizeof (float));
          continue;
        }
      const float *lrow = layer + (gsize) iy * nvx;
      for (int i = 0; i < b->n; i++)
        {
          const int ix = b->cvox[i];
          map[row + i] = ps[row + i] + (ix >= 0 ? s * lrow[ix] : 0.0f);
        }
    }
  b->outside_ready[slot] = !b->profile_varies;
}

static const float *
layer_map (PfmBpm *b, int l, int keep)
{
  for (int s = 0; s < 2; s++)
    if (b->map_layer[s] == l)
      return b->map[s];
  /* Replace the slot that does not hold layer @keep. */
  int s = (b->map_layer[0] == keep) ? 1 : 0;
  if (b->has_voxels)
    pfm_medium_fill_layer (b->medium, l, b->layer);
  expand_layer (b, l, b->layer, s);
  b->map_layer[s] = l;
  return b->map[s];
}

/* The options with their defaults filled in, refused when the run would
 * exceed the memory budget. */
static gboolean
resolve_options (const PfmConfig *cfg, const PfmBpmOptions *opts, PfmBpmOptions *o, GError **error)
{
  *o = (PfmBpmOptions) { 0 };
  if (opts != NULL)
    *o = *opts;
  if (o->threads == 0)
    o->threads = 1;
  if (o->memory_budget == 0)
    o->memory_budget = pfm_bpm_default_memory_budget ();

  guint64 need = pfm_bpm_estimate_memory (cfg, o);
  if (need > o->memory_budget)
    {
      g_autofree char *need_s = pfm_bpm_format_mib (need);
      g_autofree char *budget_s = pfm_bpm_format_mib (o->memory_budget);
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "grid.n = %d with %" G_GUINT64_FORMAT " recorded slices needs about %s, over the memory budget of %s: "
                   "lower grid.n (memory grows as n^2), raise grid.record_every, or raise PFM_MEMORY_BUDGET",
                   cfg->grid.n, pfm_bpm_n_records (cfg), need_s, budget_s);
      return FALSE;
    }
  return TRUE;
}

/* Every buffer a run uses, made once here so that execute allocates
 * nothing. */
static gboolean
alloc_buffers (PfmBpm *b, GError **error)
{
  const gsize cbytes = b->nn * sizeof (fftwf_complex);
  const gsize fbytes = b->nn * sizeof (float);
  b->E = fftwf_malloc (cbytes);
  b->S = fftwf_malloc (cbytes);
  b->d_full = fftwf_malloc (cbytes);
  b->d_half = fftwf_malloc (cbytes);
  b->d_tmp = fftwf_malloc (cbytes);
  b->ps = fftwf_malloc (fbytes);
  b->amp = fftwf_malloc (fbytes);
  b->edge = g_try_malloc (b->nn);
  b->cvox = g_new (int, b->n);
  b->rvox = g_new (int, b->n);
  /* kx^2, then (a copy whose guide varies along z) the profile's
   * scratch, so that a run allocates nothing. */
  b->kx2 = g_new (double, (b->medium->profile_varies ? 4 : 1) * (gsize) b->n);
  for (int i = 0; i < b->n; i++)
    b->kx2[i] = pfm_grid_kx (&b->grid, i) * pfm_grid_kx (&b->grid, i);
  if (b->layered)
    {
      b->map[0] = fftwf_malloc (fbytes);
      b->map[1] = fftwf_malloc (fbytes);
      b->layer = g_try_new (float, (gsize) b->medium->nvx * b->medium->nvy);
      b->layer_avg = g_try_new (float, (gsize) b->medium->nvx * b->medium->nvy);
    }
  if (b->profile_varies)
    b->ps_layer = fftwf_malloc (fbytes);
  if (!b->E || !b->S || !b->d_full || !b->d_half || !b->d_tmp || !b->ps || !b->amp || !b->edge ||
      (b->layered && (!b->map[0] || !b->map[1] || !b->layer || !b->layer_avg)) ||
      (b->profile_varies && !b->ps_layer))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "out of memory allocating a %d x %d grid: lower grid.n", b->n, b->n);
      return FALSE;
    }
  return TRUE;
}

PfmBpm *
pfm_bpm_new (const PfmConfig *cfg, const PfmBpmOptions *opts, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);

  if (!pfm_config_validate (cfg, error))
    return NULL;

  PfmBpmOptions o;
  if (!resolve_options (cfg, opts, &o, error))
    return NULL;

  /* Only once the run is known to fit: measuring allocates a grid. */
  if (o.threads < 0)
    o.threads = pfm_fftw_best_threads (cfg->grid.n);

  g_autoptr(PfmBpm) b = g_new0 (PfmBpm, 1);
  b->cfg = pfm_config_copy (cfg);
  b->opts = o;
  pfm_grid_init (&b->grid, cfg);
  b->n = cfg->grid.n;
  b->nn = (gsize) b->n * b->n;
  b->inv_nn = (float) (1.0 / (double) b->nn);
  b->k0 = pfm_config_k0 (cfg);
  b->k = b->k0 * cfg->optics.n0;
  b->dz = cfg->grid.dz;
  b->length = cfg->tube.length;
  b->voxel = pfm_config_voxel (cfg);
  b->n_steps = pfm_config_n_steps (cfg);
  b->kerr_dz = (float) (b->k0 * cfg->optics.n2 * b->dz);
  b->d_tmp_h = -1.0;
  b->map_layer[0] = b->map_layer[1] = -1;

  b->medium = pfm_medium_new (cfg, error);
  if (b->medium == NULL)
    return NULL;
  b->has_voxels = b->medium->has_voxels;
  b->profile_varies = b->medium->profile_varies;
  b->layered = b->has_voxels || b->profile_varies;
  b->nlz = b->medium->nlz;
  b->ps_layer_l = -1;

  if (!alloc_buffers (b, error))
    return NULL;
  const gsize cbytes = b->nn * sizeof (fftwf_complex);

  /* FFTW's planner allocates its scratch (up to about one grid, as the
   * estimate counts) and aborts the process when that fails: probe it first. */
  if (!pfm_fftw_can_alloc (cbytes))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "out of memory planning the FFT of a %d x %d grid: lower grid.n", b->n, b->n);
      return NULL;
    }
  b->fwd = pfm_fftw_plan_2d (b->n, (fftwf_complex *) b->E, FFTW_FORWARD, o.threads, o.rigor);
  b->bwd = pfm_fftw_plan_2d (b->n, (fftwf_complex *) b->E, FFTW_BACKWARD, o.threads, o.rigor);
  if (b->fwd == NULL || b->bwd == NULL)
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_FAILED, "FFTW could not plan a %d x %d transform", b->n, b->n);
      return NULL;
    }

  fill_propagator (b->d_full, b, b->dz);
  fill_propagator (b->d_half, b, 0.5 * b->dz);
  fill_static (b);
  memset (b->E, 0, cbytes);
  memset (b->S, 0, cbytes);
  return g_steal_pointer (&b);
}

void
pfm_bpm_free (PfmBpm *b)
{
  if (b == NULL)
    return;
  pfm_fftw_destroy_plan (b->fwd);
  pfm_fftw_destroy_plan (b->bwd);
  g_clear_pointer (&b->E, fftwf_free);
  g_clear_pointer (&b->S, fftwf_free);
  g_clear_pointer (&b->d_full, fftwf_free);
  g_clear_pointer (&b->d_half, fftwf_free);
  g_clear_pointer (&b->d_tmp, fftwf_free);
  g_clear_pointer (&b->ps, fftwf_free);
  g_clear_pointer (&b->amp, fftwf_free);
  g_clear_pointer (&b->map[0], fftwf_free);
  g_clear_pointer (&b->map[1], fftwf_free);
  g_clear_pointer (&b->ps_layer, fftwf_free);
  g_free (b->edge);
  g_free (b->kx2);
  g_free (b->cvox);
  g_free (b->rvox);
  g_free (b->layer);
  g_free (b->layer_avg);
  pfm_medium_free (b->medium);
  pfm_config_free (b->cfg);
  g_free (b);
}

void
pfm_bpm_set_input (PfmBpm *b, const float *field)
{
  g_return_if_fail (b != NULL && field != NULL);
  memcpy (b->E, field, b->nn * sizeof (fftwf_complex));
  if (field != b->S)
    memcpy (b->S, field, b->nn * sizeof (fftwf_complex));
  b->z = 0.0;
  b->pending = 0.0;
  b->spectral = FALSE;
  b->b_integral = 0.0;
  b->input_set = TRUE;
  b->power_before_fft = 0.0;
  for (gsize p = 0; p < b->nn; p++)
    b->power_before_fft += (double) field[2 * p] * field[2 * p] + (double) field[2 * p + 1] * field[2 * p + 1];
  b->fft_gain = 1.0;
}

gboolean
pfm_bpm_set_input_from_config (PfmBpm *b, GError **error)
{
  g_return_val_if_fail (b != NULL, FALSE);
  if (!pfm_beam_fill (b->cfg, &b->grid, b->S, error))
    return FALSE;
  pfm_bpm_set_input (b, b->S);
  return TRUE;
}

typedef void (*NonlinearKernel) (float *, const float *, float, const float *, float,
                                 const float *, float, gsize, PfmNonlinearStats *);

static inline NonlinearKernel
nonlinear_kernel (const PfmBpm *b)
{
  return b->opts.exact_trig ? pfm_kernel_nonlinear_exact : pfm_kernel_nonlinear;
}

/* The real-space part of a step [z, z + h]. */
static void
nonlinear_pass (PfmBpm *b, double h, PfmNonlinearStats *st)
{
  const float kerr = (float) (b->kerr_dz * (h / b->dz));
  const float scale = (float) (h / b->dz);
  const float *amp = b->amp;

  if (amp != NULL && h != b->dz)
    {
      /* A shortened step: amp^(h/dz), built in d_tmp, whose propagator
       * this step has already applied (S must keep the last record). */
      float *tmp = b->d_tmp;
      b->d_tmp_h = -1.0;
      for (gsize p = 0; p < b->nn; p++)
        tmp[p] = powf (amp[p], scale);
      amp = tmp;
    }

  if (!b->layered)
    {
      nonlinear_kernel (b) (b->E, b->ps, scale, NULL, 0.0f, amp, kerr, b->nn, st);
      return;
    }

  /* The voxel layers under [z, z + h], weighted by the length of the step
   * inside each, so the step sees the exact z-average of the index. */
  const double a = b->voxel;
  const int nvz = b->nlz;
  const double z0 = b->z, z1 = b->z + h;
  int l0 = (int) floor (z0 / a);
  int l1 = (int) floor (z1 / a * (1.0 - 1e-12));
  l0 = CLAMP (l0, 0, nvz);
  l1 = CLAMP (l1, l0, nvz);
  /* Layers at or beyond nvz are outside the written block: dn = 0 there,
   * which fill_layer already returns. */

  if (l0 == l1)
    {
      nonlinear_kernel (b) (b->E, layer_map (b, l0, -1), scale, NULL, 0.0f, amp, kerr, b->nn, st);
      return;
    }

  if (l1 == l0 + 1)
    {
      const double zb = l1 * a;
      const float w0 = (float) ((zb - z0) / h * scale);
      const float w1 = scale - w0;
      const float *m0 = layer_map (b, l0, l1);
      const float *m1 = layer_map (b, l1, l0);
      nonlinear_kernel (b) (b->E, m0, w0, m1, w1, amp, kerr, b->nn, st);
      return;
    }

  /* dz spans several voxels (warned about up front): average them. */
  if (b->profile_varies)
    {
      /* The profile changes too: average whole maps, built in slot 1. */
      memset (b->map[0], 0, b->nn * sizeof (float));
      for (int l = l0; l <= l1; l++)
        {
          double lo = MAX (z0, l * a), hi = MIN (z1, (l + 1) * a);
          if (hi <= lo)
            continue;
          float w = (float) ((hi - lo) / h);
          if (b->has_voxels)
            pfm_medium_fill_layer (b->medium, l, b->layer);
          expand_layer (b, l, b->layer, 1);
          for (gsize p = 0; p < b->nn; p++)
            b->map[0][p] += w * b->map[1][p];
        }
      b->map_layer[0] = b->map_layer[1] = -1;
      nonlinear_kernel (b) (b->E, b->map[0], scale, NULL, 0.0f, amp, kerr, b->nn, st);
      return;
    }
  const gsize nv = (gsize) b->medium->nvx * b->medium->nvy;
  memset (b->layer_avg, 0, nv * sizeof (float));
  for (int l = l0; l <= l1; l++)
    {
      double lo = MAX (z0, l * a), hi = MIN (z1, (l + 1) * a);
      if (hi <= lo)
        continue;
      float w = (float) ((hi - lo) / h);
      pfm_medium_fill_layer (b->medium, l, b->layer);
      for (gsize v = 0; v < nv; v++)
        b->layer_avg[v] += w * b->layer[v];
    }
  int slot = 0;
  expand_layer (b, l0, b->layer_avg, slot);
  b->map_layer[slot] = -1;
  nonlinear_kernel (b) (b->E, b->map[slot], scale, NULL, 0.0f, amp, kerr, b->nn, st);
}

/* Diffraction owed plus the first half of this step, then N(h).
 *
 * Power bookkeeping: diffraction is unitary, so the power entering the
 * forward FFT must equal the power leaving the inverse one.  In single
 * precision FFTW's transform pair loses ~1.3e-7 of it each time (measured;
 * double precision conserves to 1e-13), which over thousands of steps
 * would dominate the splitting error.  The nonlinear pass measures both
 * powers, and the next step's diffraction multiply (which carries the
 * 1/n^2 normalisation anyway) restores the ratio: only FFT rounding is
 * compensated, never a physical loss (loss and absorber act inside the
 * nonlinear pass, after the measurement of what entered it). */
static float
step_once (PfmBpm *b, double h)
{
  if (!b->spectral)
    fftwf_execute (b->fwd);
  pfm_kernel_cmul (b->E, pfm_bpm_propagator (b, b->pending + 0.5 * h), (float) (b->inv_nn * b->fft_gain), b->nn);
  fftwf_execute (b->bwd);
  b->spectral = FALSE;
  PfmNonlinearStats st;
  nonlinear_pass (b, h, &st);
  if (b->power_before_fft > 0.0 && st.power_in > 0.0)
    b->fft_gain *= sqrt (b->power_before_fft / st.power_in);
  b->power_before_fft = st.power_out;
  b->pending = 0.5 * h;
  return st.peak;
}

double
pfm_bpm_step (PfmBpm *b)
{
  g_return_val_if_fail (b != NULL, 0.0);
  /* Benchmarks step indefinitely: wrap around to the input facet so every
   * step sees the sample's voxel layers. */
  if (b->z + b->dz > b->length)
    b->z = 0.0;
  double peak = step_once (b, b->dz);
  b->z += b->dz;
  return peak;
}

void
pfm_bpm_fft_pair (PfmBpm *b)
{
  /* On the scratch buffer, zeroed: the transform's speed does not depend
   * on the data, and zeros cannot overflow over repeated unnormalised
   * pairs. */
  fftwf_execute_dft (b->fwd, (fftwf_complex *) b->d_tmp, (fftwf_complex *) b->d_tmp);
  fftwf_execute_dft (b->bwd, (fftwf_complex *) b->d_tmp, (fftwf_complex *) b->d_tmp);
}

void
pfm_bpm_bench_prepare (PfmBpm *b)
{
  memset (b->d_tmp, 0, b->nn * sizeof (fftwf_complex));
  b->d_tmp_h = -1.0;
}

/* One step of a run from z: FALSE when the step is not resolved (then
 * the run stops at z, and the step does not count). */
static gboolean
run_step (PfmBpm *b, guint s)
{
  const gboolean last = (s + 1 == b->n_steps);
  const double h = last ? b->length - b->z : b->dz;
  const float peak = step_once (b, h);
  const double dphi = b->k0 * h * (b->medium->max_abs_dn + fabs (b->cfg->optics.n2) * peak);
  if (!isfinite (peak) || dphi > PFM_BPM_MAX_STEP_PHASE)
    {
      b->status = PFM_RUN_UNRESOLVED;
      b->stop = isfinite (peak)
        ? (BpmStop) { .kind = BPM_STOP_STEP_PHASE, .z = b->z, .h = h, .peak = peak, .dphi = dphi }
        : (BpmStop) { .kind = BPM_STOP_NON_FINITE, .z = b->z };
      return FALSE;
    }
  b->b_integral += b->k0 * b->cfg->optics.n2 * peak * h;
  /* z from the step count, not a running sum, so it does not drift. */
  b->z = last ? b->length : (s + 1) * b->dz;
  b->steps_done = s + 1;
  return TRUE;
}

PfmRunStatus
pfm_bpm_execute (PfmBpm *b, const float *input, const PfmBpmOutput *out, const PfmBpmCallbacks *cb)
{
  g_return_val_if_fail (b != NULL && input != NULL, PFM_RUN_CANCELLED);
  PfmRecord *rec = out ? out->record : NULL;
  g_return_val_if_fail (rec == NULL || (rec->rows->len == 0 && rec->vol_count == 0), PFM_RUN_CANCELLED);

  if (input != b->S || !b->input_set)
    pfm_bpm_set_input (b, input);
  /* The next run restarts from its own input. */
  b->input_set = FALSE;
  b->status = PFM_RUN_RUNNING;
  b->steps_done = 0;
  b->slices = 0;
  b->stop = (BpmStop) { .kind = BPM_STOP_NONE };

  pfm_bpm_check_setup (b, rec);
  pfm_bpm_record_slice (b, rec, cb, FALSE);

  const guint every = b->cfg->grid.record_every;
  for (guint s = 0; s < b->n_steps && b->status == PFM_RUN_RUNNING; s++)
    {
      if (cb && cb->cancel && g_atomic_int_get (cb->cancel))
        {
          b->status = PFM_RUN_CANCELLED;
          break;
        }
      /* Outputs stop at the last finite, resolved state: an unresolved
       * step is not counted, and no further records are made. */
      if (!run_step (b, s))
        break;
      const gboolean last = (s + 1 == b->n_steps);
      if (last || (s + 1) % every == 0)
        pfm_bpm_record_slice (b, rec, cb, last);
      if (cb && cb->progress)
        cb->progress (s + 1, b->n_steps, b->z, cb->user_data);
    }
  if (b->status == PFM_RUN_RUNNING)
    b->status = PFM_RUN_COMPLETED;

  /* An interrupted run describes the last state it resolved: S still
   * holds the last recorded slice. */
  if (out != NULL && b->status != PFM_RUN_CANCELLED && b->slices > 0)
    {
      if (out->field != NULL)
        memcpy (out->field, b->S, b->nn * sizeof (fftwf_complex));
      if (out->detectors != NULL)
        pfm_detector_read (b->cfg, &b->grid, b->S, out->noise_seed, out->detectors);
    }
  if (rec != NULL)
    {
      rec->status = b->status;
      rec->steps_done = b->steps_done;
      if (b->stop.kind != BPM_STOP_NONE)
        {
          rec->stop_z = b->stop.z;
          rec->stop_reason = pfm_bpm_stop_reason (b);
        }
    }
  return b->status;
}

guint64
pfm_bpm_noise_seed (const PfmConfig *cfg)
{
  return cfg->medium.seed ^ G_GUINT64_CONSTANT (0x5DE7EC7085EED);
}

PfmRecord *
pfm_bpm_run (PfmBpm *b, const PfmBpmCallbacks *cb, GError **error)
{
  g_return_val_if_fail (b != NULL, NULL);

  if (!b->input_set && !pfm_bpm_set_input_from_config (b, error))
    return NULL;
  const gint64 start = g_get_monotonic_time ();
  g_autoptr(PfmRecord) rec = pfm_bpm_record_new (b, error);
  if (rec == NULL)
    return NULL;
  rec->n_output = b->cfg->detector.regions;
  rec->output = g_new0 (double, rec->n_output);
  const PfmBpmOutput out = {
    .record = rec,
    .detectors = rec->output,
    .noise_seed = pfm_bpm_noise_seed (b->cfg),
  };
  pfm_bpm_execute (b, b->S, &out, cb);
  if (rec->status == PFM_RUN_CANCELLED || b->slices == 0)
    {
      /* Nothing resolved to read the detectors from. */
      g_clear_pointer (&rec->output, g_free);
      rec->n_output = 0;
    }
  rec->elapsed_s = (g_get_monotonic_time () - start) / 1e6;
  return g_steal_pointer (&rec);
}

const float *
pfm_bpm_get_field (PfmBpm *b)
{
  return b->S;
}

const PfmGrid *
pfm_bpm_get_grid (PfmBpm *b)
{
  return &b->grid;
}

const PfmMedium *
pfm_bpm_get_medium (PfmBpm *b)
{
  return b->medium;
}

const PfmConfig *
pfm_bpm_get_config (PfmBpm *b)
{
  return b->cfg;
}
