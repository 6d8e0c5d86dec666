/* pfm-adjoint.c - the split-step scheme with its exact reverse mode (docs/physics.md section 5)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Forward, per step s of length h_s (as pfm-bpm.c, with the half steps of
 * diffraction merged):
 *
 *     E <- D(d_s) E,       d_s = h_{s-1}/2 + h_s/2   (h_{-1} = 0)
 *     E <- a_s E exp(i theta),  theta = phi_s + kappa_s |E|^2
 *
 * with D(h) = F^-1 exp(-i h (kx^2 + ky^2) / 2k) F, phi_s the index phase
 * k0 (h_s dn_profile + sum over the voxel layers l under the step of
 * len_{s,l} dn_l), kappa_s = k0 n2 h_s and a_s = exp(-(alpha/2 + sigma) h_s)
 * the loss and absorber.  The output is D(h_last/2) E, and p_k the power
 * on detector region k.
 *
 * Reverse, with g = dL/dRe(E) + i dL/dIm(E) (twice the conjugate-Wirtinger
 * derivative dL/dE*): D is unitary, so g <- D(-d) g; for the pointwise
 * step, out = a E exp(i theta) and q = dL/dtheta = Im(conj(out) g)... with
 * the sign worked out below, dL/dphi_p = q_p, and
 *
 *     g_in = a exp(-i theta) g_out + 2 kappa q E_in
 *
 * (the second term is the Kerr phase's |E|^2 dependence, both E and E*).
 * dL/d(dn_v) = k0 sum over steps and layers of len_{s,l} sum over the
 * pixels p that voxel v covers of q_p.
 */
#define G_LOG_DOMAIN "pfm-adjoint"

#include "config.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "pfm-adjoint.h"
#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-detector.h"
#include "pfm-grid.h"
#include "pfm-medium.h"

/* The pointwise passes: an AVX2 + FMA clone where the CPU has it. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define PFM_ADJOINT_HOT __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define PFM_ADJOINT_HOT
#endif

/* FFTW's planner is not thread-safe; one instance per thread plans here. */
static GMutex planner_lock;

/* Diffraction lengths are few (dz, dz/2, and those of a shortened last
 * step): at most this many propagators. */
#define MAX_PROPAGATORS 4

/* Per grid point, besides the kept fields: E, the output, g, the input,
 * four propagators (complex double); the profile phase rate, the step's
 * phase, two amplitude masks (double); the region map (int); the float
 * input. */
#define FIXED_BYTES_PER_POINT (8 * 16 + 4 * 8 + 4 + 8)

struct _PfmAdjoint
{
  PfmConfig    *cfg;
  PfmMedium    *medium;
  PfmGrid       grid;
  int           n;
  gsize         nn;
  double        k0, k, dz, voxel, kerr;   /* kerr = k0 n2 */
  guint         n_steps;
  int           nvx, nvy, nvz;
  gsize         nxy;                      /* nvx * nvy */

  /* Steps: length, diffraction before it (as a propagator slot), layers. */
  double       *h;
  int          *d_slot;
  int           out_slot;
  int          *l_first;                  /* first voxel layer under step s */
  int          *l_count;
  double      **l_len;                    /* lengths inside each layer */
  double        prop_len[MAX_PROPAGATORS];
  fftw_complex *prop[MAX_PROPAGATORS];
  int           n_props;

  double       *prof;                     /* k0 dn_profile per point (rad/m) */
  double       *amp_full, *amp_last;      /* a for h = dz and for the last step */
  int          *region;                   /* detector region per point, -1 outside */
  int          *cvox, *rvox;              /* voxel column / row per grid column / row */
  double       *acc;                      /* nxy: k0 sum_l len dn_l for one step */
  double       *qsum;                     /* nxy: sum of q over each voxel's pixels */
  double       *phase;                    /* nn: phi_p of one step */

  fftw_complex *E, *out, *g;
  fftw_complex *input;
  float        *input_f;
  fftw_plan     fwd, bwd;

  /* Kept: every step's E_in and its pointwise factor a exp(i theta)
   * (two fields a step), or checkpoints (the field entering steps 0, c,
   * 2c, ...) and a segment buffer of c such pairs. */
  gboolean      checkpointed;
  guint         every;                    /* c */
  fftw_complex *store;
  fftw_complex *segment;

  const double *dn;
  int           n_regions;
};

static guint
checkpoint_interval (guint steps)
{
  return MAX (1u, (guint) ceil (sqrt ((double) steps)));
}

static guint64
fixed_bytes (const PfmConfig *cfg, guint64 nn)
{
  const guint64 nxy = pfm_medium_lattice_count (cfg->tube.side, pfm_config_voxel (cfg));
  /* The two per-layer sums (acc, qsum), then the per-step tables. */
  guint64 b = nn * FIXED_BYTES_PER_POINT + 2 * nxy * nxy * sizeof (double);
  b += (guint64) pfm_config_n_steps (cfg) * (sizeof (double) * 4 + sizeof (int) * 3);
  return b;
}

guint64
pfm_adjoint_estimate_memory (const PfmConfig *cfg, guint64 budget)
{
  g_return_val_if_fail (cfg != NULL, 0);
  if (budget == 0)
    budget = pfm_bpm_default_memory_budget ();
  const guint64 nn = (guint64) cfg->grid.n * cfg->grid.n;
  const guint64 field = nn * sizeof (fftw_complex);
  const guint steps = pfm_config_n_steps (cfg);
  guint64 fixed = fixed_bytes (cfg, nn);
  guint64 all = fixed + (guint64) steps * 2 * field;
  if (all <= budget)
    return all;
  guint c = checkpoint_interval (steps);
  return fixed + ((guint64) (steps + c - 1) / c + 2 * c) * field;
}

static int
propagator_slot (PfmAdjoint *a, double len)
{
  for (int i = 0; i < a->n_props; i++)
    if (a->prop_len[i] == len)
      return i;
  g_assert (a->n_props < MAX_PROPAGATORS);
  int s = a->n_props++;
  a->prop_len[s] = len;
  a->prop[s] = fftw_malloc (a->nn * sizeof (fftw_complex));
  const double c = -len / (2.0 * a->k);
  for (int j = 0; j < a->n; j++)
    {
      const double ky = pfm_grid_kx (&a->grid, j);
      for (int i = 0; i < a->n; i++)
        {
          const double kx = pfm_grid_kx (&a->grid, i);
          const double ph = c * (kx * kx + ky * ky);
          const gsize p = (gsize) j * a->n + i;
          /* The 1/n^2 of FFTW's unnormalised pair goes in here. */
          a->prop[s][p][0] = cos (ph) / (double) a->nn;
          a->prop[s][p][1] = sin (ph) / (double) a->nn;
        }
    }
  return s;
}

static void
plan_steps (PfmAdjoint *a)
{
  const guint S = a->n_steps;
  a->h = g_new (double, S);
  a->d_slot = g_new (int, S);
  a->l_first = g_new (int, S);
  a->l_count = g_new (int, S);
  a->l_len = g_new0 (double *, S);
  double pending = 0.0;
  for (guint s = 0; s < S; s++)
    {
      const double z0 = s * a->dz;
      const double h = (s + 1 == S) ? a->cfg->tube.length - z0 : a->dz;
      a->h[s] = h;
      a->d_slot[s] = propagator_slot (a, pending + 0.5 * h);
      pending = 0.5 * h;
      /* The layers under [z0, z0 + h], as pfm-bpm.c's nonlinear_pass(). */
      const double z1 = z0 + h, v = a->voxel;
      int l0 = (int) floor (z0 / v);
      int l1 = (int) floor (z1 / v * (1.0 - 1e-12));
      l0 = CLAMP (l0, 0, a->nvz);
      l1 = CLAMP (l1, l0, a->nvz);
      a->l_first[s] = l0;
      a->l_count[s] = l1 - l0 + 1;
      a->l_len[s] = g_new (double, l1 - l0 + 1);
      if (l0 == l1)
        a->l_len[s][0] = h;
      else
        for (int l = l0; l <= l1; l++)
          a->l_len[s][l - l0] = MAX (0.0, MIN (z1, (l + 1) * v) - MAX (z0, l * v));
    }
  a->out_slot = propagator_slot (a, pending);
}

/* The work buffers of @a (its sizes set), and the store of kept steps: all
 * of them, or checkpoints when keeping every step would exceed @budget.
 * FALSE with @error set when one cannot be allocated. */
static gboolean
adjoint_alloc (PfmAdjoint *a, guint64 budget, GError **error)
{
  const gsize cb = a->nn * sizeof (fftw_complex);
  a->E = fftw_malloc (cb);
  a->out = fftw_malloc (cb);
  a->g = fftw_malloc (cb);
  a->input = fftw_malloc (cb);
  a->input_f = g_try_new (float, 2 * a->nn);
  a->prof = g_try_new (double, a->nn);
  a->phase = g_try_new (double, a->nn);
  a->amp_full = g_try_new (double, a->nn);
  a->amp_last = g_try_new (double, a->nn);
  a->region = g_try_new (int, a->nn);
  a->cvox = g_new (int, a->n);
  a->rvox = g_new (int, a->n);
  a->acc = g_try_new0 (double, a->nxy);
  a->qsum = g_try_new0 (double, a->nxy);

  /* What keeping every step would take (an unlimited budget never
   * checkpoints). */
  a->checkpointed = pfm_adjoint_estimate_memory (a->cfg, G_MAXUINT64) > budget;
  a->every = a->checkpointed ? checkpoint_interval (a->n_steps) : 1;
  if (a->checkpointed)
    {
      a->store = fftw_malloc ((gsize) ((a->n_steps + a->every - 1) / a->every) * cb);
      a->segment = fftw_malloc ((gsize) a->every * 2 * cb);
    }
  else
    a->store = fftw_malloc ((gsize) a->n_steps * 2 * cb);
  if (!a->E || !a->out || !a->g || !a->input || !a->input_f || !a->prof || !a->phase || !a->amp_full ||
      !a->amp_last || !a->region || !a->acc || !a->qsum || !a->store || (a->checkpointed && !a->segment))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "out of memory for the gradient of a %d x %d grid: lower grid.n", a->n, a->n);
      return FALSE;
    }
  return TRUE;
}

/* The forward and backward FFT plans of @a (in place on a->E). */
static gboolean
adjoint_plan (PfmAdjoint *a, GError **error)
{
  /* FFTW's planner aborts when its own scratch cannot be allocated. */
  if (!pfm_fftw_can_alloc (a->nn * sizeof (fftw_complex)))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "out of memory planning the FFT of a %d x %d grid: lower grid.n", a->n, a->n);
      return FALSE;
    }
  g_mutex_lock (&planner_lock);
  /* FFTW_ESTIMATE: the same plan, hence the same rounding, in every
   * thread and on every run, so training is bit-reproducible. */
  a->fwd = fftw_plan_dft_2d (a->n, a->n, a->E, a->E, FFTW_FORWARD, FFTW_ESTIMATE);
  a->bwd = fftw_plan_dft_2d (a->n, a->n, a->E, a->E, FFTW_BACKWARD, FFTW_ESTIMATE);
  g_mutex_unlock (&planner_lock);
  if (a->fwd == NULL || a->bwd == NULL)
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_FAILED, "FFTW could not plan a %d x %d transform", a->n, a->n);
      return FALSE;
    }
  return TRUE;
}

/* Per grid point: the guide's k0 dn profile, the loss and absorber factor
 * of a full and of the last step, the detector region; per grid column
 * and row, the voxel it lies in (docs/physics.md section 5). */
static void
adjoint_fill_grid (PfmAdjoint *a, const PfmConfig *cfg)
{
  const double alpha = cfg->optics.loss;
  const double h_last = a->h[a->n_steps - 1];
  g_autofree double *rate = g_new (double, a->n);
  for (int i = 0; i < a->n; i++)
    {
      const double x = pfm_grid_x (&a->grid, i);
      rate[i] = pfm_bpm_absorber_rate (cfg, &a->grid, x);
      a->cvox[i] = pfm_medium_voxel_index (a->medium, x, a->nvx);
      a->rvox[i] = pfm_medium_voxel_index (a->medium, x, a->nvy);
    }
  for (int j = 0; j < a->n; j++)
    {
      const double y = pfm_grid_x (&a->grid, j);
      for (int i = 0; i < a->n; i++)
        {
          const gsize p = (gsize) j * a->n + i;
          const double x = pfm_grid_x (&a->grid, i);
          const double r = 0.5 * alpha + rate[i] + rate[j];
          a->prof[p] = a->k0 * pfm_medium_profile_dn (a->medium, x, y, a->grid.dx);
          a->amp_full[p] = exp (-r * a->dz);
          a->amp_last[p] = exp (-r * h_last);
          a->region[p] = pfm_detector_region (cfg, x, y);
        }
    }
}

PfmAdjoint *
pfm_adjoint_new (const PfmConfig *cfg, guint64 budget, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  if (!pfm_config_validate (cfg, error))
    return NULL;
  if (budget == 0)
    budget = pfm_bpm_default_memory_budget ();

  guint64 need = pfm_adjoint_estimate_memory (cfg, budget);
  if (need > budget)
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "the gradient of a grid.n = %d run over %u steps needs about %.0f MiB, over the memory "
                   "budget of %.0f MiB: lower grid.n or tube.length, or raise PFM_MEMORY_BUDGET",
                   cfg->grid.n, pfm_config_n_steps (cfg), need / 1048576.0, budget / 1048576.0);
      return NULL;
    }

  g_autoptr(PfmAdjoint) a = g_new0 (PfmAdjoint, 1);
  a->cfg = pfm_config_copy (cfg);
  /* The design's lattice and guide: a random medium's lattice unless an
   * index map gives its own; the nominal geometry (no defects). */
  g_autoptr(PfmConfig) mc = pfm_config_copy (cfg);
  pfm_defects_clear (mc);
  if (mc->medium.kind != PFM_MEDIUM_FILE)
    mc->medium.kind = PFM_MEDIUM_RANDOM;
  a->medium = pfm_medium_new (mc, error);
  if (a->medium == NULL)
    return NULL;

  pfm_grid_init (&a->grid, cfg);
  a->n = cfg->grid.n;
  a->nn = (gsize) a->n * a->n;
  a->k0 = pfm_config_k0 (cfg);
  a->k = a->k0 * cfg->optics.n0;
  a->dz = cfg->grid.dz;
  a->voxel = pfm_config_voxel (cfg);
  a->kerr = a->k0 * cfg->optics.n2;
  a->n_steps = pfm_config_n_steps (cfg);
  a->nvx = a->medium->nvx;
  a->nvy = a->medium->nvy;
  a->nvz = a->medium->nvz;
  a->nxy = (gsize) a->nvx * a->nvy;
  a->n_regions = cfg->detector.regions;

  if (!adjoint_alloc (a, budget, error) || !adjoint_plan (a, error))
    return NULL;
  plan_steps (a);
  adjoint_fill_grid (a, cfg);
  memset (a->input, 0, a->nn * sizeof (fftw_complex));
  return g_steal_pointer (&a);
}

void
pfm_adjoint_free (PfmAdjoint *a)
{
  if (a == NULL)
    return;
  g_mutex_lock (&planner_lock);
  if (a->fwd)
    fftw_destroy_plan (a->fwd);
  if (a->bwd)
    fftw_destroy_plan (a->bwd);
  g_mutex_unlock (&planner_lock);
  for (int i = 0; i < a->n_props; i++)
    fftw_free (a->prop[i]);
  if (a->l_len)
    for (guint s = 0; s < a->n_steps; s++)
      g_free (a->l_len[s]);
  g_free (a->l_len);
  g_free (a->h);
  g_free (a->d_slot);
  g_free (a->l_first);
  g_free (a->l_count);
  fftw_free (a->E);
  fftw_free (a->out);
  fftw_free (a->g);
  fftw_free (a->input);
  fftw_free (a->store);
  fftw_free (a->segment);
  g_free (a->input_f);
  g_free (a->prof);
  g_free (a->phase);
  g_free (a->amp_full);
  g_free (a->amp_last);
  g_free (a->region);
  g_free (a->cvox);
  g_free (a->rvox);
  g_free (a->acc);
  g_free (a->qsum);
  pfm_medium_free (a->medium);
  pfm_config_free (a->cfg);
  g_free (a);
}

void
pfm_adjoint_get_lattice (const PfmAdjoint *a, int *nvx, int *nvy, int *nvz)
{
  *nvx = a->nvx;
  *nvy = a->nvy;
  *nvz = a->nvz;
}

gsize
pfm_adjoint_n_voxels (const PfmAdjoint *a)
{
  return a->nxy * a->nvz;
}

int
pfm_adjoint_n_regions (const PfmAdjoint *a)
{
  return a->n_regions;
}

gboolean
pfm_adjoint_checkpointed (const PfmAdjoint *a)
{
  return a->checkpointed;
}

void
pfm_adjoint_read_medium (const PfmAdjoint *a, const PfmMedium *m, double *dn)
{
  g_return_if_fail (m->nvx == a->nvx && m->nvy == a->nvy && m->nvz == a->nvz);
  g_autofree float *layer = g_new (float, a->nxy);
  for (int z = 0; z < a->nvz; z++)
    {
      pfm_medium_fill_layer (m, z, layer);
      for (gsize v = 0; v < a->nxy; v++)
        dn[(gsize) z * a->nxy + v] = layer[v];
    }
}

void
pfm_adjoint_set_dn (PfmAdjoint *a, const double *dn)
{
  a->dn = dn;
}

void
pfm_adjoint_set_input_field (PfmAdjoint *a, const float *field)
{
  for (gsize p = 0; p < a->nn; p++)
    {
      a->input[p][0] = field[2 * p];
      a->input[p][1] = field[2 * p + 1];
    }
}

void
pfm_adjoint_set_input_values (PfmAdjoint *a, const double *values)
{
  /* Written in float exactly as pfm_bpm's input, then widened. */
  pfm_beam_fill_slm (a->cfg, &a->grid, values, a->input_f);
  pfm_adjoint_set_input_field (a, a->input_f);
}

/* sin and cos in double, branch-free so the pointwise loops vectorise:
 * quadrant reduction with pi/2 in three parts (Cephes' split, exact for
 * the quadrant counts of |x| < 1e5) and Cephes' minimax polynomials on
 * [-pi/4, pi/4] (about 1 ulp).  A resolved step's phase is below 0.5 rad
 * plus the guide's; larger phases are still reduced correctly. */
static inline __attribute__ ((always_inline)) void
sincos_d (double x, double *s, double *c)
{
  const double magic = 6755399441055744.0;          /* 1.5 * 2^52: round to nearest */
  const double qf = (x * 0.63661977236758134308 + magic) - magic;
  const int q = (int) qf;
  const double r = ((x - qf * 1.57079625129699707031e+00) - qf * 7.54978941586159635335e-08)
                   - qf * 5.39030285815811905290e-15;
  const double z = r * r;
  const double sr = r + r * z * (-1.66666666666666307295e-1 + z * (8.33333333332211858878e-3 + z * (-1.98412698295895385996e-4
                    + z * (2.75573136213857245213e-6 + z * (-2.50507477628578072866e-8 + z * 1.58962301576546568060e-10)))));
  const double cr = 1.0 - 0.5 * z + z * z * (4.16666666666665929218e-2 + z * (-1.38888888888730564116e-3 + z * (2.48015872888517045348e-5
                    + z * (-2.75573141792967388112e-7 + z * (2.08757008419747316778e-9 + z * -1.13585365213876817300e-11)))));
  /* Quadrant q mod 4: (sin, cos) = (sr, cr), (cr, -sr), (-sr, -cr), (-cr, sr). */
  const double ss = (q & 1) ? cr : sr, cc = (q & 1) ? sr : cr;
  *s = (q & 2) ? -ss : ss;
  *c = ((q + 1) & 2) ? -cc : cc;
}

/* x <- x d, or x conj(d), point by point. */
PFM_ADJOINT_HOT static void
multiply (double *restrict x, const double *restrict d, double sg, gsize nn)
{
  for (gsize p = 0; p < nn; p++)
    {
      const double dr = d[2 * p], di = sg * d[2 * p + 1];
      const double xr = x[2 * p], xi = x[2 * p + 1];
      x[2 * p] = xr * dr - xi * di;
      x[2 * p + 1] = xr * di + xi * dr;
    }
}

/* x <- D(len of @slot) x, or its adjoint D(-len) when @adjoint. */
static void
diffract (PfmAdjoint *a, fftw_complex *x, int slot, gboolean adjoint)
{
  fftw_execute_dft (a->fwd, x, x);
  multiply ((double *) x, (const double *) a->prop[slot], adjoint ? -1.0 : 1.0, a->nn);
  fftw_execute_dft (a->bwd, x, x);
}

/* phi_p of step @s (without the Kerr part) into a->phase; returns max |phi_p|. */
static double
step_phase (PfmAdjoint *a, guint s)
{
  const double h = a->h[s];
  const gboolean voxels = a->dn != NULL;
  double pmax = 0.0;
  if (voxels)
    {
      memset (a->acc, 0, a->nxy * sizeof (double));
      for (int t = 0; t < a->l_count[s]; t++)
        {
          const int l = a->l_first[s] + t;
          if (l >= a->nvz)
            continue;
          const double w = a->k0 * a->l_len[s][t];
          const double *layer = a->dn + (gsize) l * a->nxy;
          for (gsize v = 0; v < a->nxy; v++)
            a->acc[v] += w * layer[v];
        }
    }
  for (int j = 0; j < a->n; j++)
    {
      const int iy = a->rvox[j];
      const gsize row = (gsize) j * a->n;
      for (int i = 0; i < a->n; i++)
        {
          const int ix = a->cvox[i];
          double ph = h * a->prof[row + i];
          if (voxels && ix >= 0 && iy >= 0)
            ph += a->acc[(gsize) iy * a->nvx + ix];
          a->phase[row + i] = ph;
          pmax = fabs (ph) > pmax ? fabs (ph) : pmax;
        }
    }
  return pmax;
}

/* x <- amp x exp(i (phi + kappa |x|^2)); when @keep, the field entering
 * (into @ein) and the factor amp exp(i theta) (into @rot) are kept for the
 * reverse pass, in the same sweep over memory.  @keep is a constant at
 * each call below, so each variant compiles without the branch. */
static inline __attribute__ ((always_inline)) void
pointwise_body (double *restrict xd, double *restrict ein, double *restrict rot, const double *restrict ph,
                const double *restrict amp, double kappa, gsize nn, gboolean keep)
{
  for (gsize p = 0; p < nn; p++)
    {
      const double xr = xd[2 * p], xi = xd[2 * p + 1];
      const double th = ph[p] + kappa * (xr * xr + xi * xi);
      double sn, c;
      sincos_d (th, &sn, &c);
      c *= amp[p];
      sn *= amp[p];
      if (keep)
        {
          ein[2 * p] = xr;
          ein[2 * p + 1] = xi;
          rot[2 * p] = c;
          rot[2 * p + 1] = sn;
        }
      xd[2 * p] = xr * c - xi * sn;
      xd[2 * p + 1] = xr * sn + xi * c;
    }
}

PFM_ADJOINT_HOT static void
pointwise_keep (double *restrict xd, double *restrict ein, double *restrict rot, const double *restrict ph,
                const double *restrict amp, double kappa, gsize nn)
{
  pointwise_body (xd, ein, rot, ph, amp, kappa, nn, TRUE);
}

PFM_ADJOINT_HOT static void
pointwise (double *restrict xd, const double *restrict ph, const double *restrict amp, double kappa, gsize nn)
{
  pointwise_body (xd, NULL, NULL, ph, amp, kappa, nn, FALSE);
}

/* The largest |x|^2 (a plain loop: a max reduction would stop
 * pointwise() from vectorising). */
static double
max_intensity (const double *xd, gsize nn)
{
  double imax = 0.0;
  for (gsize p = 0; p < nn; p++)
    {
      const double i = xd[2 * p] * xd[2 * p] + xd[2 * p + 1] * xd[2 * p + 1];
      imax = i > imax ? i : imax;
    }
  return imax;
}

/* Step @s on x (in place): diffraction, then the pointwise part.  When
 * @keep is not NULL the field entering the pointwise part and its
 * pointwise factor are kept there (two fields).  Returns a bound on the largest
 * real-space phase of the step. */
static double
advance (PfmAdjoint *a, guint s, fftw_complex *x, fftw_complex *keep)
{
  diffract (a, x, a->d_slot[s], FALSE);
  const double *amp = (s + 1 == a->n_steps) ? a->amp_last : a->amp_full;
  const double kappa = a->kerr * a->h[s];
  /* A bound on the step's largest |theta|: max |phi| + |kappa| max |x|^2. */
  double bound = step_phase (a, s);
  if (kappa != 0.0)
    bound += fabs (kappa) * max_intensity ((const double *) x, a->nn);
  if (keep != NULL)
    pointwise_keep ((double *) x, (double *) keep, (double *) (keep + a->nn), a->phase, amp, kappa, a->nn);
  else
    pointwise ((double *) x, a->phase, amp, kappa, a->nn);
  return bound;
}

double
pfm_adjoint_forward (PfmAdjoint *a, double *powers)
{
  g_return_val_if_fail (a != NULL && powers != NULL, 0.0);
  const gsize cb = a->nn * sizeof (fftw_complex);
  memcpy (a->E, a->input, cb);
  double worst = 0.0;
  for (guint s = 0; s < a->n_steps; s++)
    {
      fftw_complex *keep = NULL;
      if (!a->checkpointed)
        keep = a->store + (gsize) s * 2 * a->nn;
      else if (s % a->every == 0)
        memcpy (a->store + (gsize) (s / a->every) * a->nn, a->E, cb);
      /* Not inside MAX(): the macro would evaluate the step twice. */
      const double phase = advance (a, s, a->E, keep);
      worst = MAX (worst, phase);
    }
  memcpy (a->out, a->E, cb);
  diffract (a, a->out, a->out_slot, FALSE);

  for (int k = 0; k < a->n_regions; k++)
    powers[k] = 0.0;
  for (gsize p = 0; p < a->nn; p++)
    if (a->region[p] >= 0)
      powers[a->region[p]] += a->out[p][0] * a->out[p][0] + a->out[p][1] * a->out[p][1];
  const double da = a->grid.dx * a->grid.dx;
  for (int k = 0; k < a->n_regions; k++)
    powers[k] *= da;
  return worst;
}

/* The field entering the pointwise part of step @s, followed by its
 * pointwise factor. */
static const fftw_complex *
kept_field (PfmAdjoint *a, guint s, guint *segment_start)
{
  if (!a->checkpointed)
    return a->store + (gsize) s * 2 * a->nn;
  const guint c = a->every, s0 = (s / c) * c;
  if (*segment_start != s0)
    {
      /* Recompute the segment [s0, s0 + c) from its checkpoint. */
      memcpy (a->E, a->store + (gsize) (s0 / c) * a->nn, a->nn * sizeof (fftw_complex));
      for (guint t = s0; t < MIN (s0 + c, a->n_steps); t++)
        advance (a, t, a->E, a->segment + (gsize) (t - s0) * 2 * a->nn);
      *segment_start = s0;
    }
  return a->segment + (gsize) (s - s0) * 2 * a->nn;
}

/* The reverse of pointwise() at the field @ed it was applied to, with
 * the factor @rot it applied: @gd (dL/dout) becomes dL/dE, and @qd gets
 * dL/dphi. */
PFM_ADJOINT_HOT static void
reverse_pointwise (const double *restrict ed, const double *restrict rot, double *restrict gd, double *restrict qd,
                   double kappa, gsize nn)
{
  for (gsize p = 0; p < nn; p++)
    {
      const double er = ed[2 * p], ei = ed[2 * p + 1];
      const double c = rot[2 * p], sn = rot[2 * p + 1];
      const double orr = er * c - ei * sn, oi = er * sn + ei * c;
      const double gr = gd[2 * p], gi = gd[2 * p + 1];
      /* dL = Re(conj(g) dout) and dout = i out dtheta + ...:
       * dL/dtheta = Re(conj(g) i out) = gi orr - gr oi. */
      const double q = gi * orr - gr * oi;
      /* a exp(-i theta) g + 2 kappa q E. */
      gd[2 * p] = gr * c + gi * sn + 2.0 * kappa * q * er;
      gd[2 * p + 1] = gi * c - gr * sn + 2.0 * kappa * q * ei;
      qd[p] = q;
    }
}

void
pfm_adjoint_backward (PfmAdjoint *a, const double *dl_dp, double *grad_dn)
{
  g_return_if_fail (a != NULL && dl_dp != NULL);
  const double da = a->grid.dx * a->grid.dx;
  fftw_complex *g = a->g;

  /* p_k = da sum |out|^2: dp_k/dRe + i dp_k/dIm = 2 da out. */
  for (gsize p = 0; p < a->nn; p++)
    {
      const int r = a->region[p];
      const double w = r >= 0 ? 2.0 * da * dl_dp[r] : 0.0;
      g[p][0] = w * a->out[p][0];
      g[p][1] = w * a->out[p][1];
    }
  diffract (a, g, a->out_slot, TRUE);

  guint segment_start = G_MAXUINT;
  for (guint s = a->n_steps; s-- > 0;)
    {
      const fftw_complex *e = kept_field (a, s, &segment_start);
      const double kappa = a->kerr * a->h[s];
      const gboolean voxels = a->dn != NULL && grad_dn != NULL;
      reverse_pointwise ((const double *) e, (const double *) (e + a->nn), (double *) g, a->phase, kappa, a->nn);
      const double *qd = a->phase;
      if (voxels)
        {
          /* dL/dphi summed over each voxel's pixels (a separate pass: the
           * scatter would stop the loop above from vectorising), then
           * spread over the layers under the step. */
          memset (a->qsum, 0, a->nxy * sizeof (double));
          for (int j = 0; j < a->n; j++)
            {
              const int iy = a->rvox[j];
              if (iy < 0)
                continue;
              double *qrow = a->qsum + (gsize) iy * a->nvx;
              const double *qp = qd + (gsize) j * a->n;
              for (int i = 0; i < a->n; i++)
                if (a->cvox[i] >= 0)
                  qrow[a->cvox[i]] += qp[i];
            }
          for (int t = 0; t < a->l_count[s]; t++)
            {
              const int l = a->l_first[s] + t;
              if (l >= a->nvz)
                continue;
              const double w = a->k0 * a->l_len[s][t];
              double *gl = grad_dn + (gsize) l * a->nxy;
              for (gsize v = 0; v < a->nxy; v++)
                gl[v] += w * a->qsum[v];
            }
        }
      diffract (a, g, a->d_slot[s], TRUE);
    }
}

void
pfm_adjoint_fft_quad (PfmAdjoint *a)
{
  /* The output buffer is free between runs; zeros keep repeated
   * unnormalised transforms finite, and the speed does not depend on the
   * data. */
  memset (a->g, 0, a->nn * sizeof (fftw_complex));
  for (int r = 0; r < 2; r++)
    {
      fftw_execute_dft (a->fwd, a->g, a->g);
      fftw_execute_dft (a->bwd, a->g, a->g);
    }
}

guint
pfm_adjoint_n_steps (const PfmAdjoint *a)
{
  return a->n_steps;
}
