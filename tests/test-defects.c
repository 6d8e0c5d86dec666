/* test-defects.c - fabrication defects: the models, one by one, and the
 * sigma sweep (docs/physics.md section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each model is checked against its definition (pfm-defects.h); statistical
 * checks state the spread they expect and allow about 4 standard
 * deviations, so a correct model fails less than once in 10^4 runs (the
 * seeds are fixed, so a run either always passes or always fails) while
 * a wrong factor fails by many deviations.  Measured values are printed
 * with g_test_message (--verbose).  Batches, calibration, merge and
 * transmission matrices are test-batch.c's.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-medium.h"
#include "pfm-rng.h"
#include "pfm-test-util.h"

static PfmMedium *
medium (const PfmConfig *cfg)
{
  g_autoptr(GError) error = NULL;
  PfmMedium *m = pfm_medium_new (cfg, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

/* Every voxel of @m, x fastest, then y, then z. */
static float *
all_voxels (const PfmMedium *m)
{
  const gsize nv = (gsize) m->nvx * m->nvy;
  float *v = g_new (float, nv * m->nvz);
  for (int iz = 0; iz < m->nvz; iz++)
    pfm_medium_fill_layer (m, iz, v + nv * iz);
  return v;
}

/* A block of 64 x 64 x 64 voxels of 1 um, for the statistics of the models. */
#define BLOCK "tube.side=64e-6", "tube.length=64e-6", "medium.voxel=1e-6", "grid.window=160e-6", "grid.n=256"


/* --- the copy: reproducible, and the nominal device when nothing is set -- */

typedef struct
{
  const PfmConfig *cfg;
  float           *voxels;
} MediumJob;

static gpointer
medium_thread (gpointer data)
{
  MediumJob *job = data;
  g_autoptr(PfmMedium) m = medium (job->cfg);
  job->voxels = all_voxels (m);
  return NULL;
}

static void
test_same_seed (void)
{
  /* Every model on at once; the copy built in another thread, and the
   * layer-by-layer path (what a copy too large to keep uses) must agree
   * bit for bit with the kept copy. */
  g_autoptr(PfmConfig) cfg = config_with (BLOCK, "tube.length=16e-6", "defects.seed=7", "defects.sigma=0.3",
                                          "defects.corr_length=3e-6", "defects.scale_error=0.05",
                                          "defects.offset=1e-5", "defects.stuck_fraction=0.01",
                                          "defects.inclusion_density=1e16", "defects.drift_time=1e6", NULL);
  g_autoptr(PfmMedium) a = medium (cfg);
  g_assert_nonnull (a->copy_map);
  g_autofree float *va = all_voxels (a);
  const gsize n = (gsize) a->nvx * a->nvy * a->nvz;

  MediumJob job = { cfg, NULL };
  GThread *t = g_thread_new ("copy", medium_thread, &job);
  g_thread_join (t);
  g_assert_true (memcmp (va, job.voxels, n * sizeof (float)) == 0);
  g_free (job.voxels);

  g_autoptr(PfmConfig) nominal = pfm_config_copy (cfg);
  pfm_defects_clear (nominal);
  g_autoptr(PfmMedium) nm = medium (nominal);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmDefects) d = pfm_defects_new (cfg, a->nvx, a->nvy, a->nvz, a->voxel, TRUE, &error);
  g_assert_no_error (error);
  const gsize nv = (gsize) a->nvx * a->nvy;
  g_autofree float *layer = g_new (float, nv);
  for (int iz = 0; iz < a->nvz; iz++)
    {
      pfm_medium_fill_layer (nm, iz, layer);
      pfm_defects_apply_layer (d, iz, layer);
      g_assert_true (memcmp (layer, va + nv * iz, nv * sizeof (float)) == 0);
    }

  /* A different seed is a different copy. */
  config_assign (cfg, "defects.seed=8");
  g_autoptr(PfmMedium) b = medium (cfg);
  g_autofree float *vb = all_voxels (b);
  gsize differ = 0;
  for (gsize i = 0; i < n; i++)
    differ += va[i] != vb[i];
  g_assert_cmpuint (differ, >, n / 2);
}

static void
test_zero_is_nominal (void)
{
  /* Every perturbation at zero, but the shaping parameters and the seed
   * changed: the medium and the run are the nominal ones, bit for bit. */
  g_autoptr(PfmConfig) nominal = config_with (DEFECTS_SMALL, NULL);
  g_autoptr(PfmConfig) copy = config_with (DEFECTS_SMALL, "defects.seed=99", "defects.corr_length=5e-6",
                                           "defects.inclusion_radius=1e-6", "defects.drift_tau=10",
                                           "defects.dn_dT=1e-4", NULL);
  g_assert_false (pfm_defects_active (copy));
  g_autoptr(PfmMedium) a = medium (nominal);
  g_autoptr(PfmMedium) b = medium (copy);
  g_assert_null (b->defects);
  g_autofree float *va = all_voxels (a);
  g_autofree float *vb = all_voxels (b);
  g_assert_true (memcmp (va, vb, (gsize) a->nvx * a->nvy * a->nvz * sizeof (float)) == 0);

  PfmBpmOptions opts = { .threads = 1, .no_volume = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) pa = pfm_bpm_new (nominal, &opts, &error);
  g_autoptr(PfmBpm) pb = pfm_bpm_new (copy, &opts, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) ra = pfm_bpm_run (pa, NULL, &error);
  g_autoptr(PfmRecord) rb = pfm_bpm_run (pb, NULL, &error);
  g_assert_no_error (error);
  const gsize nn = (gsize) nominal->grid.n * nominal->grid.n;
  g_assert_true (memcmp (pfm_bpm_get_field (pa), pfm_bpm_get_field (pb), 2 * nn * sizeof (float)) == 0);

  /* A batch of such copies: zero error exactly. */
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = 2;
  o.n_inputs = 3;
  o.n_calibration = 12;
  o.threads = 1;
  g_autoptr(PfmBatchResult) r = pfm_batch_run (copy, &o, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      g_assert_true (c->resolved);
      g_assert_cmpfloat (c->metric[PFM_METRIC_RELATIVE_ERROR], ==, 0.0);
      g_assert_cmpfloat (c->metric[PFM_METRIC_COSINE_SIMILARITY], ==, 1.0);
      g_assert_true (isinf (c->metric[PFM_METRIC_EFFECTIVE_BITS]));
      /* The ridge pulls A towards I, so a perfect copy keeps A = I up to
       * the rounding of the 9 x 9 Cholesky solve, ~1e-15. */
      g_assert_cmpfloat (c->calibrated[PFM_METRIC_RELATIVE_ERROR], <, 1e-12);
    }
}

/* --- each model against its definition ----------------------------------- */

/* copy - nominal over the block, for the additive models. */
static double *
voxel_difference (const PfmConfig *cfg, int *nx, int *ny, int *nz)
{
  g_autoptr(PfmConfig) nominal = pfm_config_copy (cfg);
  pfm_defects_clear (nominal);
  g_autoptr(PfmMedium) a = medium (nominal);
  g_autoptr(PfmMedium) b = medium (cfg);
  g_autofree float *va = all_voxels (a);
  g_autofree float *vb = all_voxels (b);
  const gsize n = (gsize) a->nvx * a->nvy * a->nvz;
  double *d = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    d[i] = (double) vb[i] - (double) va[i];
  *nx = a->nvx;
  *ny = a->nvy;
  *nz = a->nvz;
  return d;
}

/* Normalised correlation of @f at a lag of @lag voxels along @axis. */
static double
correlation (const double *f, int nx, int ny, int nz, int axis, int lag)
{
  double s = 0.0, s0 = 0.0;
  gsize count = 0;
  for (int z = 0; z < nz; z++)
    for (int y = 0; y < ny; y++)
      for (int x = 0; x < nx; x++)
        {
          int x2 = x + (axis == 0 ? lag : 0), y2 = y + (axis == 1 ? lag : 0), z2 = z + (axis == 2 ? lag : 0);
          if (x2 >= nx || y2 >= ny || z2 >= nz)
            continue;
          const double a = f[((gsize) z * ny + y) * nx + x];
          s += a * f[((gsize) z2 * ny + y2) * nx + x2];
          s0 += a * a;
          count++;
        }
  return s / s0;
}

static void
test_white_noise (void)
{
  /* sigma relative to delta_n: rms(copy - nominal) = sigma delta_n.  Over
   * 262144 independent Gaussians the rms is known to 1/sqrt(2N) = 0.14%
   * and the mean to 0.2% of the rms: 1% and 1% are 7 and 5 deviations;
   * a neighbour correlation of independent voxels is 0 +- 0.002. */
  g_autoptr(PfmConfig) cfg = config_with (BLOCK, "defects.sigma=0.2", NULL);
  int nx, ny, nz;
  g_autofree double *d = voxel_difference (cfg, &nx, &ny, &nz);
  const gsize n = (gsize) nx * ny * nz;
  double s = 0.0, ss = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      s += d[i];
      ss += d[i] * d[i];
    }
  const double want = 0.2 * 1e-3;
  const double rms = sqrt (ss / n), mean = s / n;
  const double c1 = correlation (d, nx, ny, nz, 0, 1);
  g_test_message ("write error: rms %.6g (want %.6g), mean %.3g, neighbour correlation %.4f", rms, want, mean, c1);
  g_assert_cmpfloat (fabs (rms / want - 1.0), <, 0.01);
  g_assert_cmpfloat (fabs (mean), <, 0.01 * want);
  g_assert_cmpfloat (fabs (c1), <, 0.01);
}

static void
test_correlation_length (void)
{
  /* Setting l_c = 4 voxels: the correlation must be exp(-d^2 / l_c^2) at
   * every lag, along each axis, and fall to 1/e at l_c.  The block holds
   * about (64/4)^3 / (pi/2)^(3/2) ~ 2000 independent patches, so each
   * measured correlation scatters by about 1/sqrt(2000) = 0.022: 0.08
   * absolute is ~4 deviations.  At C = 1/e the slope is -2/(e l_c), so
   * the interpolated length scatters by 0.022 e / 2 = 3% of l_c: 12% is 4
   * deviations, and the uncorrelated model (l_c -> 0) or a kernel off by
   * sqrt(2) (l_c vs the kernel's rms width) fails it by 40% or more. */
  const double lc = 4.0;
  g_autoptr(PfmConfig) cfg = config_with (BLOCK, "defects.sigma=1", "defects.corr_length=4e-6", NULL);
  int nx, ny, nz;
  g_autofree double *d = voxel_difference (cfg, &nx, &ny, &nz);
  double rms = 0.0;
  for (gsize i = 0; i < (gsize) nx * ny * nz; i++)
    rms += d[i] * d[i];
  rms = sqrt (rms / ((gsize) nx * ny * nz));
  g_test_message ("correlated noise: rms %.4g (want 1e-3)", rms);
  /* Correlated over ~2000 patches: rms to 1.6%; 8% is 5 deviations. */
  g_assert_cmpfloat (fabs (rms / 1e-3 - 1.0), <, 0.08);
  for (int axis = 0; axis < 3; axis++)
    {
      double prev = 1.0, measured = NAN;
      for (int lag = 1; lag <= 10; lag++)
        {
          const double c = correlation (d, nx, ny, nz, axis, lag);
          const double want = exp (-(double) lag * lag / (lc * lc));
          g_assert_cmpfloat (fabs (c - want), <, 0.08);
          if (isnan (measured) && c < exp (-1.0))
            measured = (lag - 1) + (prev - exp (-1.0)) / (prev - c);
          prev = c;
        }
      g_test_message ("correlation length along axis %d: %.3f voxels (set %.1f)", axis, measured, lc);
      g_assert_cmpfloat (fabs (measured / lc - 1.0), <, 0.12);
    }

  /* The single-voxel evaluation is the same field. */
  g_autoptr(PfmMedium) m = medium (cfg);
  for (int k = 0; k < 5; k++)
    {
      const int x = 3 + 11 * k, y = 60 - 9 * k, z = 7 * k;
      const double f = pfm_defects_noise_at (m->defects, x, y, z);
      g_assert_cmpfloat (fabs (f * 1e-3 - d[((gsize) z * ny + y) * nx + x]), <, 1e-9);
    }
}

static void
test_scale_offset_drift (void)
{
  /* Scale, offset and drift are exact maps of each voxel, applied in
   * double and rounded once to float: the copy is exactly that rounding. */
  g_autoptr(PfmConfig) nominal = config_with (BLOCK, "tube.length=8e-6", NULL);
  g_autoptr(PfmMedium) nm = medium (nominal);
  g_autofree float *v0 = all_voxels (nm);
  const gsize n = (gsize) nm->nvx * nm->nvy * nm->nvz;

  struct { const char *set; double scale, offset, drift; } cases[] = {
    { "defects.scale_error=1", 2.0, 0.0, 1.0 },
    { "defects.scale_error=-0.3", 0.7, 0.0, 1.0 },
    { "defects.offset=2e-4", 1.0, 2e-4, 1.0 },
    { "defects.drift_time=3.15e7", 1.0, 0.0, exp (-1.0) },
    { "defects.drift_time=6.3e7", 1.0, 0.0, exp (-2.0) },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(PfmConfig) cfg = pfm_config_copy (nominal);
      config_assign (cfg, cases[c].set);
      g_autoptr(PfmMedium) m = medium (cfg);
      g_autofree float *v = all_voxels (m);
      double ratio = 0.0;
      for (gsize i = 0; i < n; i++)
        {
          const float want = (float) ((cases[c].scale * v0[i] + cases[c].offset) * cases[c].drift);
          if (v[i] != want)
            g_error ("%s: voxel %" G_GSIZE_FORMAT " is %.9g, want %.9g", cases[c].set, i, v[i], want);
          ratio += fabs ((double) v[i]) / MAX (1e-30, fabs ((double) v0[i]));
        }
      g_test_message ("%s: mean |copy/nominal| = %.7f", cases[c].set, ratio / n);
    }
  /* scale_error = 1 doubles every voxel exactly, with no rounding at all. */
  config_assign (nominal, "defects.scale_error=1");
  g_autoptr(PfmMedium) m2 = medium (nominal);
  g_autofree float *v2 = all_voxels (m2);
  for (gsize i = 0; i < n; i++)
    g_assert_true (v2[i] == 2.0f * v0[i]);
}

static void
test_stuck (void)
{
  /* 262144 voxels with p = 0.05: the stuck count is binomial with rms
   * sqrt(N p (1-p)) = 112 around 13107; 4 rms is 3.4% of it.  Half of the
   * stuck ones read delta_n: 6554 +- 57 (4 rms: 3.5%).  The rest are
   * untouched, exactly. */
  g_autoptr(PfmConfig) cfg = config_with (BLOCK, "defects.stuck_fraction=0.05", NULL);
  g_autoptr(PfmConfig) nominal = pfm_config_copy (cfg);
  pfm_defects_clear (nominal);
  g_autoptr(PfmMedium) a = medium (nominal);
  g_autoptr(PfmMedium) b = medium (cfg);
  g_autofree float *va = all_voxels (a);
  g_autofree float *vb = all_voxels (b);
  const gsize n = (gsize) a->nvx * a->nvy * a->nvz;
  gsize zero = 0, high = 0, other = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (vb[i] == va[i])
        continue;
      if (vb[i] == 0.0f)
        zero++;
      else if (vb[i] == (float) 1e-3)
        high++;
      else
        other++;
    }
  const double p = (double) (zero + high) / n;
  g_test_message ("stuck: %.5f of %" G_GSIZE_FORMAT " voxels (set 0.05), %" G_GSIZE_FORMAT " at 0, %"
                  G_GSIZE_FORMAT " at +delta_n", p, n, zero, high);
  g_assert_cmpuint (other, ==, 0);
  g_assert_cmpfloat (fabs (p / 0.05 - 1.0), <, 0.034);
  g_assert_cmpfloat (fabs ((double) high / (zero + high) - 0.5), <, 0.5 * 0.035);
}

static void
test_inclusions (void)
{
  /* Spheres of radius R at density rho, in unwritten glass (medium none,
   * so a voxel reads phi dn_incl, phi its covered fraction).  A point is
   * covered with probability 1 - exp(-rho v), v = 4/3 pi R^3, whatever the
   * overlaps: the measured density is -ln(1 - <phi>) / v.  The block of
   * 2.6e-13 m^3 holds rho V = 2.1e4 spheres, Poisson: the density is known
   * to 0.7%; 3% is 4 deviations.  Counting a sphere's bounding cube (6/pi)
   * or using the diameter (8x) would be far outside. */
  const double rho = 8e16, R = 0.5e-6, dn = -0.45;
  g_autoptr(PfmConfig) cfg = config_with (BLOCK, "medium.kind=none", "defects.inclusion_density=8e16",
                                          "defects.inclusion_radius=0.5e-6", "defects.inclusion_dn=-0.45", NULL);
  g_autoptr(PfmMedium) m = medium (cfg);
  g_assert_true (m->has_voxels);
  g_autofree float *v = all_voxels (m);
  const gsize n = (gsize) m->nvx * m->nvy * m->nvz;
  double phi = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      const double f = v[i] / dn;
      /* Each voxel is covered in 64ths. */
      g_assert_cmpfloat (f, >=, -1e-6);
      g_assert_cmpfloat (f, <=, 1.0 + 1e-6);
      g_assert_cmpfloat (fabs (f * 64 - round (f * 64)), <, 1e-4);
      phi += f;
    }
  phi /= n;
  const double v1 = 4.0 / 3.0 * G_PI * R * R * R;
  const double measured = -log (1.0 - phi) / v1;
  g_test_message ("inclusions: covered fraction %.5f, density %.4g /m^3 (set %.4g)", phi, measured, rho);
  g_assert_cmpfloat (fabs (measured / rho - 1.0), <, 0.03);

  /* Too many to place is refused up front. */
  config_assign (cfg, "defects.inclusion_density=1e21");
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmMedium) none = pfm_medium_new (cfg, &error);
  g_assert_null (none);
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT);
}

/* Area of the step core in the profile of @layer: the profile is the exact
 * area-weighted overlap, so the sum is the core's area. */
static double
core_area (const PfmMedium *m, int layer, int n, double dx)
{
  g_autofree float *p = g_new (float, (gsize) n * n);
  pfm_medium_fill_profile (m, layer, n, dx, 1.0, p, NULL);
  const double c = sqrt (m->n0 * m->n0 - m->na * m->na) - m->n0;
  double inside = 0.0;
  for (gsize i = 0; i < (gsize) n * n; i++)
    inside += 1.0 - p[i] / c;
  return inside * dx * dx;
}

static void
test_geometry (void)
{
  /* Side error and taper: the core of layer l has side
   * side (1 + e)(1 + t z_l / L), z_l the layer's centre; the area from the
   * profile is exact up to float rounding of the per-pixel values (1e-7
   * relative each, 1e-6 on the sum is generous). */
  g_autoptr(PfmConfig) cfg = config_with ("defects.side_error=0.05", "defects.taper=-0.2", NULL);
  g_autoptr(PfmMedium) m = medium (cfg);
  g_assert_true (m->profile_varies);
  const int n = 256;
  const double dx = pfm_config_window (cfg) / n, a = m->voxel;
  for (int l = 0; l < m->nlz; l += 97)
    {
      const double z = (l + 0.5) * a;
      const double side = 32e-6 * 1.05 * (1.0 - 0.2 * z / 500e-6);
      const double area = core_area (m, l, n, dx);
      g_test_message ("layer %d: core side %.6g um (want %.6g)", l, 1e6 * sqrt (area), 1e6 * side);
      g_assert_cmpfloat (fabs (area / (side * side) - 1.0), <, 1e-6);
    }

  /* Roughness: each wall moves by N(0, r^2) per layer, independently.
   * 4 x 485 samples give the rms to 1.6%; 7% is 4 deviations.  Neighbouring
   * layers are independent: correlation 0 +- 0.023, bound 0.1. */
  g_autoptr(PfmConfig) rc = config_with ("defects.roughness=50e-9", NULL);
  g_autoptr(PfmMedium) rm = medium (rc);
  double ss = 0.0, cc = 0.0;
  int count = 0;
  double prev[4] = { 0 };
  for (int l = 0; l < rm->nlz; l++)
    {
      PfmCoreBounds b;
      pfm_defects_core_bounds (rm->defects, l, &b);
      const double w[4] = { -b.x_lo - 16e-6, b.x_hi - 16e-6, -b.y_lo - 16e-6, b.y_hi - 16e-6 };
      for (int k = 0; k < 4; k++)
        {
          ss += w[k] * w[k];
          if (l > 0)
            cc += w[k] * prev[k];
          prev[k] = w[k];
        }
      count++;
    }
  const double rms = sqrt (ss / (4.0 * count)), corr = cc / ss;
  g_test_message ("roughness: wall rms %.4g nm (set 50), layer-to-layer correlation %.3f", 1e9 * rms, corr);
  g_assert_cmpfloat (fabs (rms / 50e-9 - 1.0), <, 0.07);
  g_assert_cmpfloat (fabs (corr), <, 0.1);

  /* A core that no longer fits the window is refused. */
  g_autoptr(PfmConfig) wide = pfm_config_new ();
  config_assign (wide, "defects.taper=0.9");
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_config_validate (wide, &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT);
}

static void
test_varying_profile_run (void)
{
  /* The propagator rebuilds the profile per voxel layer when the guide
   * changes along z.  With a taper of 1e-9 (walls moved by 1.6e-14 m) that
   * path must give the nominal run's output up to float rounding of the
   * rebuilt profile phase (~1e-7 per step, random: ~1e-6 over 60 steps);
   * 1e-5 is 10x that.  A real taper of 20% must change it by far more, and
   * keep the power where there is no absorber and no loss (unitary steps:
   * 1e-5, as in test-physics). */
  g_autoptr(PfmConfig) nominal = config_with (DEFECTS_SMALL, "grid.absorber=0", "beam.waist=3e-6", NULL);
  g_autoptr(PfmConfig) tiny = pfm_config_copy (nominal);
  config_assign (tiny, "defects.taper=1e-9");
  g_autoptr(PfmConfig) taper = pfm_config_copy (nominal);
  config_assign (taper, "defects.taper=-0.2");
  PfmBpmOptions opts = { .threads = 1, .no_volume = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) a = pfm_bpm_new (nominal, &opts, &error);
  g_autoptr(PfmBpm) b = pfm_bpm_new (tiny, &opts, &error);
  g_autoptr(PfmBpm) c = pfm_bpm_new (taper, &opts, &error);
  g_assert_no_error (error);
  g_assert_true (pfm_bpm_get_medium (b)->profile_varies);
  g_autoptr(PfmRecord) ra = pfm_bpm_run (a, NULL, &error);
  g_autoptr(PfmRecord) rb = pfm_bpm_run (b, NULL, &error);
  g_autoptr(PfmRecord) rcp = pfm_bpm_run (c, NULL, &error);
  g_assert_no_error (error);
  const gsize nn = 64 * 64;
  const float *fa = pfm_bpm_get_field (a), *fb = pfm_bpm_get_field (b), *fc = pfm_bpm_get_field (c);
  double dab = 0.0, dac = 0.0, s = 0.0;
  for (gsize i = 0; i < 2 * nn; i++)
    {
      dab += (fa[i] - fb[i]) * (double) (fa[i] - fb[i]);
      dac += (fa[i] - fc[i]) * (double) (fa[i] - fc[i]);
      s += fa[i] * (double) fa[i];
    }
  const PfmDiagRow *first = &g_array_index (rcp->rows, PfmDiagRow, 0);
  const PfmDiagRow *last = &g_array_index (rcp->rows, PfmDiagRow, rcp->rows->len - 1);
  g_test_message ("layered profile: tiny taper differs by %.3g, 20%% taper by %.3g; power drift %.3g",
                  sqrt (dab / s), sqrt (dac / s), last->power / first->power - 1.0);
  g_assert_cmpfloat (sqrt (dab / s), <, 1e-5);
  g_assert_cmpfloat (sqrt (dac / s), >, 1e-2);
  g_assert_cmpfloat (fabs (last->power / first->power - 1.0), <, 1e-5);
}

static void
test_thermal_steering (void)
{
  /* A transverse index gradient g = dn_dT G bends a beam: in the paraxial
   * equation the centroid obeys d2<x>/dz2 = g / n0 exactly (Ehrenfest; the
   * potential is linear), so <x>(z) = g z^2 / (2 n0) whatever the beam.
   * Split-step is exact for a linear potential too (the commutators
   * terminate).  The gradient is exaggerated (6e5 K/m at dn/dT 1e-4) to
   * bend the beam by 5 um within this short sample.  Errors: float
   * rounding of the centroid sum (~1e-7 of the window) and the periodic
   * ramp's jump at the window edge, where the beam (w = 18 um at the end)
   * is 1e-9 of its peak: 5 nm absolute is 0.1% of the deflection; a missing
   * factor 2 or n0 would be off by 2.5 um or more. */
  g_autoptr(PfmConfig) cfg = config_with ("tube.profile=none", "medium.kind=none", "optics.n2=0",
                                          "grid.window=128e-6", "grid.absorber=0", "beam.waist=12e-6",
                                          "defects.temperature_gradient=6e5", "defects.dn_dT=1e-4", NULL);
  PfmBpmOptions opts = { .threads = 1, .no_volume = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  const double g = 1e-4 * 6e5;
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = &g_array_index (rec->rows, PfmDiagRow, i);
      worst = MAX (worst, fabs (r->centroid_x - g * r->z * r->z / (2 * 1.5)));
      g_assert_cmpfloat (fabs (r->centroid_y), <, 1e-9);
    }
  const PfmDiagRow *last = &g_array_index (rec->rows, PfmDiagRow, rec->rows->len - 1);
  g_test_message ("thermal steering: centroid %.5g um at the output (want %.5g), worst error %.3g nm",
                  1e6 * last->centroid_x, 1e6 * g * 500e-6 * 500e-6 / 3.0, 1e9 * worst);
  g_assert_cmpfloat (worst, <, 5e-9);
}

static void
test_slm_bits (void)
{
  /* A 1-bit SLM shows 0 or 1: the field of any input equals the field of
   * the input rounded by hand, bit for bit; 2 bits give thirds. */
  g_autoptr(PfmConfig) cfg = config_with ("beam.kind=slm", "beam.slm_pixels=4", "beam.slm_bits=1", NULL);
  g_autoptr(PfmConfig) ideal = config_with ("beam.kind=slm", "beam.slm_pixels=4", NULL);
  PfmGrid g;
  pfm_grid_init (&g, cfg);
  const gsize nn = (gsize) g.n * g.n;
  g_autofree float *a = g_new (float, 2 * nn);
  g_autofree float *b = g_new (float, 2 * nn);
  const double in[4] = { 0.2, 0.7, 0.49, 0.51 }, rounded[4] = { 0, 1, 0, 1 };
  pfm_beam_fill_slm (cfg, &g, in, a);
  pfm_beam_fill_slm (ideal, &g, rounded, b);
  g_assert_true (memcmp (a, b, 2 * nn * sizeof (float)) == 0);
  config_assign (cfg, "beam.slm_bits=2");
  const double thirds[4] = { 1.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0 };
  pfm_beam_fill_slm (cfg, &g, in, a);
  pfm_beam_fill_slm (ideal, &g, thirds, b);
  g_assert_true (memcmp (a, b, 2 * nn * sizeof (float)) == 0);
}

/* "Sweep σ" covers the project's σ: from 0 past it, with it as a point. */
static void
test_sweep_sigmas (void)
{
  const double sigmas[] = { 0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.7, 10, NAN, -1 };
  for (guint k = 0; k < G_N_ELEMENTS (sigmas); k++)
    {
      double v[PFM_DEFECTS_SWEEP_MAX];
      guint n = pfm_defects_sweep_sigmas (sigmas[k], v);
      g_assert_cmpuint (n, >=, 6);
      g_assert_cmpuint (n, <=, PFM_DEFECTS_SWEEP_MAX);
      g_assert_cmpfloat (v[0], ==, 0.0);
      for (guint i = 1; i < n; i++)
        g_assert_cmpfloat (v[i], >, v[i - 1]);
      const double sigma = isfinite (sigmas[k]) && sigmas[k] > 0 ? sigmas[k] : 0;
      g_assert_cmpfloat (v[n - 1], >=, MAX (0.2, 1.5 * sigma) - 1e-12);
      gboolean found = sigma == 0;
      for (guint i = 0; i < n; i++)
        found |= fabs (v[i] - sigma) <= 1e-12 * sigma;
      g_assert_true (found);
    }
  /* The default project (σ = 0) keeps the old points. */
  double v[PFM_DEFECTS_SWEEP_MAX];
  g_assert_cmpuint (pfm_defects_sweep_sigmas (0, v), ==, 6);
  g_assert_cmpfloat_with_epsilon (v[1], 0.01, 1e-15);
  g_assert_cmpfloat_with_epsilon (v[5], 0.2, 1e-15);
  /* σ = 0.3: 0 to 0.5, 0.3 among the points. */
  g_assert_cmpuint (pfm_defects_sweep_sigmas (0.3, v), ==, 7);
  g_assert_cmpfloat_with_epsilon (v[6], 0.5, 1e-15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/defects/same-seed", test_same_seed);
  g_test_add_func ("/defects/zero-is-nominal", test_zero_is_nominal);
  g_test_add_func ("/defects/write-error", test_white_noise);
  g_test_add_func ("/defects/correlation-length", test_correlation_length);
  g_test_add_func ("/defects/scale-offset-drift", test_scale_offset_drift);
  g_test_add_func ("/defects/stuck", test_stuck);
  g_test_add_func ("/defects/inclusions", test_inclusions);
  g_test_add_func ("/defects/geometry", test_geometry);
  g_test_add_func ("/defects/varying-profile-run", test_varying_profile_run);
  g_test_add_func ("/defects/thermal-steering", test_thermal_steering);
  g_test_add_func ("/defects/slm-bits", test_slm_bits);
  g_test_add_func ("/defects/sweep-sigmas", test_sweep_sigmas);
  return g_test_run ();
}
