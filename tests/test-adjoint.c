/* test-adjoint.c - the training engine's gradient against finite differences
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The adjoint (pfm-adjoint.c) must be the exact derivative of the scheme
 * the forward engine runs.  Three checks, each with its tolerance argued:
 * the differentiable forward agrees with pfm_bpm (the float engine) on
 * the detector powers; the adjoint's directional derivative equals a
 * central finite difference of the double forward in random directions,
 * in linear and Kerr runs with guide, voxels, loss, absorber and a
 * shortened last step; and it equals a finite difference of pfm_bpm
 * itself through an index-map file.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pfm-adjoint.h"
#include "pfm-bpm.h"
#include "pfm-medium.h"
#include "pfm-rng.h"
#include "pfm-test-util.h"

/* A small device: 32^2 grid over 32 um, a 16 um step-index core of 2 um
 * voxels (two samples each), a length that is not a multiple of dz, loss,
 * the absorber, 9 SLM pixels and 4 regions. */
#define SMALL_DEVICE \
  "grid.n=32", "tube.side=1.6e-05", "grid.window=3.2e-05", "medium.voxel=2e-06", \
  "tube.length=2.05e-05", "grid.dz=1e-06", "optics.loss=200", "grid.absorber=0.1", \
  "beam.kind=slm", "beam.slm_pixels=9", "detector.regions=4", "medium.delta_n=0.005", \
  "grid.record_every=1"

static double *
random_vector (gsize n, guint64 seed, double scale)
{
  PfmRng rng;
  pfm_rng_init (&rng, seed);
  double *v = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    v[i] = scale * (2.0 * pfm_rng_uniform (&rng) - 1.0);
  return v;
}

static double
weighted (const double *w, const double *p, int n)
{
  double s = 0.0;
  for (int k = 0; k < n; k++)
    s += w[k] * p[k];
  return s;
}

/* L = sum_k W_k p_k at dn. */
static double
loss_at (PfmAdjoint *adj, const double *dn, const double *w)
{
  double p[64];
  pfm_adjoint_set_dn (adj, dn);
  pfm_adjoint_forward (adj, p);
  return weighted (w, p, pfm_adjoint_n_regions (adj));
}

static PfmAdjoint *
new_adjoint (const PfmConfig *cfg, guint64 budget, const double *values)
{
  g_autoptr(GError) error = NULL;
  PfmAdjoint *adj = pfm_adjoint_new (cfg, budget, &error);
  g_assert_no_error (error);
  pfm_adjoint_set_input_values (adj, values);
  return adj;
}

/* The directional derivative along random directions, adjoint vs central
 * difference, for the device @cfg; returns the worst relative error. */
static double
check_directions (const PfmConfig *cfg, guint64 budget)
{
  const double values[9] = { 0.9, 0.1, 0.5, 0.3, 1.0, 0.7, 0.2, 0.8, 0.4 };
  g_autoptr(PfmAdjoint) adj = new_adjoint (cfg, budget, values);
  const gsize nv = pfm_adjoint_n_voxels (adj);
  const int nr = pfm_adjoint_n_regions (adj);
  g_autofree double *dn = random_vector (nv, 11, cfg->medium.delta_n);
  g_autofree double *w = random_vector (nr, 12, 1.0);

  double p[64];
  pfm_adjoint_set_dn (adj, dn);
  pfm_adjoint_forward (adj, p);
  g_autofree double *grad = g_new0 (double, nv);
  pfm_adjoint_backward (adj, w, grad);

  double worst = 0.0;
  for (guint d = 0; d < 4; d++)
    {
      g_autofree double *dir = random_vector (nv, 100 + d, 1.0);
      double ad = 0.0;
      for (gsize v = 0; v < nv; v++)
        ad += grad[v] * dir[v];
      /* eps moves each dn by up to 1e-6, a fifth of delta_n / 1000: the
       * O(eps^2) truncation of the central difference is then ~1e-12 of
       * the derivative, and double rounding of L (1e-16 relative) divided
       * by 2 eps gives ~1e-9 relative: both far below the tolerance. */
      const double eps = 1e-6;
      g_autofree double *plus = g_new (double, nv);
      g_autofree double *minus = g_new (double, nv);
      for (gsize v = 0; v < nv; v++)
        {
          plus[v] = dn[v] + eps * dir[v];
          minus[v] = dn[v] - eps * dir[v];
        }
      const double fd = (loss_at (adj, plus, w) - loss_at (adj, minus, w)) / (2.0 * eps);
      const double rel = fabs (ad - fd) / MAX (fabs (fd), 1e-300);
      g_test_message ("direction %u: adjoint %.12e, central difference %.12e, relative %.2e", d, ad, fd, rel);
      worst = MAX (worst, rel);
    }
  return worst;
}

static void
test_gradient_linear (void)
{
  g_autoptr(PfmConfig) cfg = config_with (SMALL_DEVICE, "optics.n2=0", "beam.power=1", NULL);
  /* Both sides are double: they agree to ~1e-9 (see check_directions);
   * 1e-6 leaves room for the cancellation in a weighted sum of powers. */
  g_assert_cmpfloat (check_directions (cfg, 0), <, 1e-6);
}

static void
test_gradient_kerr (void)
{
  /* A Kerr run with a B-integral of order 1 below the critical power
   * (P_cr = 3.77 lambda^2 / (8 pi n0 n2) = 2.4e5 W at n2 = 1e-18): 1e5 W
   * over the 16 um core peaks near 1e15 W/m^2, and over 260 um that is
   * k0 n2 I L ~ 1-3 rad.  A 64^2 grid keeps the voxel-scattered spectrum
   * off the grid's edge over that length. */
#define KERR_RUN "optics.n2=1e-18", "beam.power=1e5", "tube.length=2.605e-04", "grid.n=64"
  g_autoptr(PfmConfig) cfg = config_with (SMALL_DEVICE, KERR_RUN, NULL);
  double p[64];
  const double values[9] = { 0.9, 0.1, 0.5, 0.3, 1.0, 0.7, 0.2, 0.8, 0.4 };
  g_autoptr(PfmAdjoint) adj = new_adjoint (cfg, 0, values);
  pfm_adjoint_set_dn (adj, NULL);
  double worst_phase = pfm_adjoint_forward (adj, p);
  g_test_message ("largest step phase %.3f rad", worst_phase);
  g_assert_cmpfloat (worst_phase, <, PFM_BPM_MAX_STEP_PHASE);

  /* The B-integral of this run, from the float engine's record. */
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strdup ("beam.input=0.9,0.1,0.5,0.3,1,0.7,0.2,0.8,0.4");
  g_autoptr(PfmConfig) fc = config_with (SMALL_DEVICE, KERR_RUN, input, NULL);
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (fc, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  const double B = g_array_index (rec->rows, PfmDiagRow, rec->rows->len - 1).b_integral;
  g_test_message ("B-integral %.2f rad", B);
  g_assert_cmpfloat (B, >, 0.5);
  g_assert_cmpfloat (B, <, 5.0);

  /* Same argument as the linear case; what this adds is the Kerr term's
   * |E|^2 dependence (the 2 kappa q E part of the reverse step). */
  g_assert_cmpfloat (check_directions (cfg, 0), <, 1e-6);
}

static void
test_gradient_thick_steps (void)
{
  /* dz longer than a voxel: each step averages two or three layers with
   * the engine's length weights (it warns, but runs it). */
  g_autoptr(PfmConfig) cfg = config_with (SMALL_DEVICE, "grid.dz=4.5e-06", "medium.voxel=2e-06",
                                          "optics.n2=1e-18", "beam.power=1e5", NULL);
  g_assert_cmpfloat (check_directions (cfg, 0), <, 1e-6);
}

static void
test_checkpointed_equal (void)
{
  /* Checkpoint-and-recompute repeats the very same operations, so the
   * gradient must be bit-identical to the stored-fields one. */
  g_autoptr(PfmConfig) cfg = config_with (SMALL_DEVICE, KERR_RUN, NULL);
  const double values[9] = { 0.2, 0.4, 0.6, 0.8, 1.0, 0.8, 0.6, 0.4, 0.2 };
  guint64 all = pfm_adjoint_estimate_memory (cfg, G_MAXUINT64);
  g_autoptr(PfmAdjoint) a = new_adjoint (cfg, 0, values);
  g_autoptr(PfmAdjoint) b = new_adjoint (cfg, all - 1, values);
  g_assert_false (pfm_adjoint_checkpointed (a));
  g_assert_true (pfm_adjoint_checkpointed (b));
  g_assert_cmpuint (pfm_adjoint_estimate_memory (cfg, all - 1), <, all);

  const gsize nv = pfm_adjoint_n_voxels (a);
  g_autofree double *dn = random_vector (nv, 5, cfg->medium.delta_n);
  g_autofree double *w = random_vector (4, 6, 1.0);
  g_autofree double *ga = g_new0 (double, nv);
  g_autofree double *gb = g_new0 (double, nv);
  double pa[4], pb[4];
  pfm_adjoint_set_dn (a, dn);
  pfm_adjoint_set_dn (b, dn);
  pfm_adjoint_forward (a, pa);
  pfm_adjoint_forward (b, pb);
  pfm_adjoint_backward (a, w, ga);
  pfm_adjoint_backward (b, w, gb);
  g_assert_cmpmem (pa, sizeof pa, pb, sizeof pb);
  g_assert_cmpmem (ga, nv * sizeof (double), gb, nv * sizeof (double));
}

static void
test_memory_refused (void)
{
  g_autoptr(PfmConfig) cfg = config_with (SMALL_DEVICE, NULL);
  guint64 need = pfm_adjoint_estimate_memory (cfg, 1024);
  g_autoptr(GError) error = NULL;
  PfmAdjoint *adj = pfm_adjoint_new (cfg, need - 1, &error);
  g_assert_null (adj);
  g_assert_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY);
  g_assert_nonnull (strstr (error->message, "memory budget"));
}

/* The index map of @dn as a file, for pfm_bpm. */
static void
write_map (const char *path, PfmAdjoint *adj, const double *dn)
{
  int nx, ny, nz;
  pfm_adjoint_get_lattice (adj, &nx, &ny, &nz);
  gsize nv = pfm_adjoint_n_voxels (adj);
  g_autofree float *f = g_new (float, nv);
  for (gsize v = 0; v < nv; v++)
    f[v] = (float) dn[v];
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_medium_save_map (path, nx, ny, nz, f, &error));
  g_assert_no_error (error);
}

static void
float_powers (PfmConfig *cfg, double *out)
{
  g_autoptr(GError) error = NULL;
  PfmBpmOptions o = { .threads = 1, .no_volume = TRUE, .exact_trig = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &o, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  memcpy (out, rec->output, rec->n_output * sizeof (double));
}

static void
test_against_float_engine (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-adjoint");
  g_autofree char *map = g_build_filename (dir, "dn.idx", NULL);
  g_autofree char *file = g_strdup_printf ("medium.file=%s", map);
  g_autoptr(PfmConfig) cfg = config_with (SMALL_DEVICE, KERR_RUN,
                                          "beam.input=0.9,0.1,0.5,0.3,1,0.7,0.2,0.8,0.4", NULL);
  const double values[9] = { 0.9, 0.1, 0.5, 0.3, 1.0, 0.7, 0.2, 0.8, 0.4 };
  g_autoptr(PfmAdjoint) adj = new_adjoint (cfg, 0, values);
  const gsize nv = pfm_adjoint_n_voxels (adj);
  g_autofree double *dn = random_vector (nv, 21, cfg->medium.delta_n);
  /* dn as the float map will hold it, so both engines see one medium. */
  for (gsize v = 0; v < nv; v++)
    dn[v] = (float) dn[v];
  double w[4] = { 1.0, -0.5, 0.25, 2.0 };

  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set (cfg, "medium.kind", "file", &error));
  g_assert_true (pfm_config_set (cfg, "medium.file", map, &error));

  /* 1. The same forward: the detector powers agree to float precision.
   * pfm_bpm carries the field in float through 21 steps of two FFTs each
   * (FFTW's float pair rounds to ~1e-7 relative per transform, growing
   * as sqrt of the count), and compensates the pair's power loss: 1e-5 of
   * the total power is ~10x that. */
  write_map (map, adj, dn);
  double pf[4], pd[4];
  float_powers (cfg, pf);
  pfm_adjoint_set_dn (adj, dn);
  pfm_adjoint_forward (adj, pd);
  double total = 0.0, diff = 0.0;
  for (int k = 0; k < 4; k++)
    {
      total += pd[k];
      diff = MAX (diff, fabs (pf[k] - pd[k]));
    }
  g_test_message ("float engine vs adjoint forward: %.2e of the total power", diff / total);
  g_assert_cmpfloat (diff / total, <, 1e-5);

  /* 2. The gradient against a central difference of the float engine
   * itself along one direction.  The float engine's L carries a rounding
   * noise of ~1e-6 of the total power (above); a step moving every dn by
   * up to 2e-4 (4% of delta_n) changes L by ~1e-3 of it, so the difference
   * quotient is good to ~1e-3 relative, and the O(eps^2) truncation adds
   * ~(4%)^2 of the curvature term: a 2% tolerance covers both. */
  g_autofree double *grad = g_new0 (double, nv);
  pfm_adjoint_backward (adj, w, grad);
  g_autofree double *along = random_vector (nv, 22, 1.0);
  const double eps = 2e-4;
  g_autofree double *pert = g_new (double, nv);
  double lp, lm, pp[4];
  for (gsize v = 0; v < nv; v++)
    pert[v] = (float) (dn[v] + eps * along[v]);
  write_map (map, adj, pert);
  float_powers (cfg, pp);
  lp = weighted (w, pp, 4);
  double step_p = 0.0, step_m = 0.0, ad = 0.0;
  for (gsize v = 0; v < nv; v++)
    step_p += grad[v] * (pert[v] - dn[v]);
  for (gsize v = 0; v < nv; v++)
    pert[v] = (float) (dn[v] - eps * along[v]);
  write_map (map, adj, pert);
  float_powers (cfg, pp);
  lm = weighted (w, pp, 4);
  for (gsize v = 0; v < nv; v++)
    step_m += grad[v] * (dn[v] - pert[v]);
  /* The float-rounded steps are not exactly +-eps dir: use the adjoint's
   * prediction for the steps actually taken. */
  ad = step_p + step_m;
  const double fd = lp - lm;
  const double rel = fabs (ad - fd) / fabs (fd);
  g_test_message ("float engine central difference %.6e, adjoint %.6e, relative %.2e", fd, ad, rel);
  g_assert_cmpfloat (rel, <, 2e-2);
  pfm_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/adjoint/gradient/linear", test_gradient_linear);
  g_test_add_func ("/adjoint/gradient/kerr", test_gradient_kerr);
  g_test_add_func ("/adjoint/gradient/thick-steps", test_gradient_thick_steps);
  g_test_add_func ("/adjoint/checkpointed-equal", test_checkpointed_equal);
  g_test_add_func ("/adjoint/memory-refused", test_memory_refused);
  g_test_add_func ("/adjoint/float-engine", test_against_float_engine);
  return g_test_run ();
}
