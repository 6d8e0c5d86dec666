/* test-physics.c - the propagation engine against analytic results and
 * conservation laws
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every tolerance is argued in a comment next to it.  The measured errors
 * are printed with g_test_message (run with --verbose to see them).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-kernels.h"
#include "pfm-medium.h"
#include "pfm-rng.h"
#include "pfm-test-util.h"

/* A configuration from the defaults and "group.key=value" overrides. */
static PfmRecord *
run (const PfmConfig *cfg, PfmBpm **keep)
{
  g_autoptr(GError) error = NULL;
  PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_MEASURE };
  PfmBpm *bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  PfmRecord *rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  if (keep)
    *keep = bpm;
  else
    pfm_bpm_free (bpm);
  return rec;
}

#define ROW(rec, i) (&g_array_index ((rec)->rows, PfmDiagRow, (i)))

static void
assert_rows_finite (const PfmRecord *rec)
{
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = ROW (rec, i);
      g_assert_true (isfinite (r->z) && isfinite (r->power) && isfinite (r->width_x) &&
                     isfinite (r->width_y) && isfinite (r->peak_intensity) &&
                     isfinite (r->b_integral) && isfinite (r->centroid_x) && isfinite (r->centroid_y));
    }
}

/* --- conservation ------------------------------------------------------ */

static void
test_power_conservation (void)
{
  /* The full device model (step guide, random voxels, Kerr at a tenth of
   * the critical power) with no loss and no absorber: every operator of
   * the split step is unitary, so power is conserved up to float rounding.
   * Single-precision FFTW transform pairs lose ~1.3e-7 of the power per
   * pair (measured; 1.3e-4 over these 1000 steps if left alone), which the
   * engine compensates (pfm-bpm.c, step_once); what remains is rounding of
   * the power sums and of the compensating gain, ~1e-9 per step.  Bound:
   * 1e-5 over the run, 30x the measured 3e-7 and 13x below the
   * uncompensated FFT loss, so it also catches a broken compensation; the
   * absorber, if wrongly applied, would remove > 1e-3. */
  g_autoptr(PfmConfig) cfg = config_with ("grid.absorber=0", "optics.loss=0", "beam.power=2e6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  assert_rows_finite (rec);
  double p0 = ROW (rec, 0)->power, worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    worst = MAX (worst, fabs (ROW (rec, i)->power / p0 - 1.0));
  g_test_message ("power conservation: max relative drift %.3e over %u steps", worst, rec->n_steps);
  g_assert_cmpfloat (fabs (p0 / 2e6 - 1.0), <, 1e-6);   /* input normalised to P0 (double sum of floats) */
  g_assert_cmpfloat (worst, <, 1e-5);
}

static void
test_loss (void)
{
  /* Uniform loss alpha (power): P(z) = P0 exp(-alpha z), exactly, since
   * the loss factor commutes with every other operator.  The per-step
   * factor exp(-alpha dz / 2) is stored in float: a fixed relative
   * rounding of up to 6e-8 in amplitude, 1.2e-7 in power, per step,
   * systematic: 1.2e-4 over 1000 steps at worst (measured 5.8e-5).  A
   * wrong factor of 2 in alpha would be off by 0.6 of P0. */
  g_autoptr(PfmConfig) cfg = config_with ("grid.absorber=0", "optics.loss=2000", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = ROW (rec, i);
      worst = MAX (worst, fabs (r->power / (ROW (rec, 0)->power * exp (-2000.0 * r->z)) - 1.0));
    }
  g_test_message ("loss: max relative error of exp(-alpha z) %.3e", worst);
  g_assert_cmpfloat (worst, <, 1.2e-4);
}

/* --- homogeneous diffraction ------------------------------------------ */

#define HOMOGENEOUS "tube.profile=none", "medium.kind=none", "optics.n2=0", \
  "tube.side=32e-6", "grid.window=128e-6", "grid.n=256"

static void
test_gaussian_diffraction (void)
{
  /* w(z) = w0 sqrt(1 + (z/zR)^2), zR = pi n0 w0^2 / lambda: exact for the
   * second-moment width of a Gaussian under the paraxial equation.  The
   * diffraction operator is applied exactly in Fourier space, so the only
   * errors are float rounding and the finite window: at z = 3 zR the beam
   * (w ~ 13 um) is far from the absorber (|x| > 51 um), whose Gaussian tail
   * is exp(-30).  1e-4 relative is ~100x the float level we measure and
   * 100x below the effect of a 1% error in the wavenumber. */
  g_autoptr(PfmConfig) cfg = config_with (HOMOGENEOUS, "beam.waist=4e-6", "tube.length=150e-6",
                                          "grid.dz=1e-6", "grid.record_every=10", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  const double w0 = 4e-6, zr = G_PI * 1.5 * w0 * w0 / 1.55e-6;
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = ROW (rec, i);
      double w = w0 * sqrt (1.0 + (r->z / zr) * (r->z / zr));
      worst = MAX (worst, fabs (r->width_x / w - 1.0));
      worst = MAX (worst, fabs (r->width_y / w - 1.0));
    }
  g_test_message ("gaussian diffraction: max relative width error %.3e (z up to %.2f zR)",
                  worst, ROW (rec, rec->rows->len - 1)->z / zr);
  g_assert_cmpfloat (worst, <, 1e-4);
}

static void
test_tilt_walkoff (void)
{
  /* A beam launched with exp(i k sin(theta) x) moves its centroid at
   * dx/dz = sin(theta) (paraxial group velocity k_x / k), exactly.  Over
   * 150 um at 0.05 rad the walk-off is 7.5 um; we allow 1e-4 of it
   * (0.75 nm, 1/600 of a grid step), well above the float floor and far
   * below a tan-vs-sin difference (1e-3 relative at this angle). */
  g_autoptr(PfmConfig) cfg = config_with (HOMOGENEOUS, "beam.waist=6e-6", "beam.tilt_x=0.05",
                                          "beam.offset_x=-10e-6", "tube.length=150e-6",
                                          "grid.dz=1e-6", "grid.record_every=10", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = ROW (rec, i);
      double expect = -10e-6 + sin (0.05) * r->z;
      worst = MAX (worst, fabs (r->centroid_x - expect));
      g_assert_cmpfloat (fabs (r->centroid_y), <, 1e-10);
    }
  double shift = sin (0.05) * 150e-6;
  g_test_message ("tilt walk-off: max centroid error %.3e m (%.2e of the %.2e m shift)", worst, worst / shift, shift);
  g_assert_cmpfloat (worst / shift, <, 1e-4);
}

static void
test_absorber (void)
{
  /* A steep beam leaving the window must be absorbed, not wrap around:
   * after it has crossed the layer, < 1e-3 of the power remains and the
   * intensity re-entering on the far side is < 1e-6 of the launch peak
   * (with the periodic FFT window and no absorber it would be O(1)). */
  g_autoptr(PfmConfig) cfg = config_with (HOMOGENEOUS, "beam.waist=5e-6", "beam.tilt_x=0.3",
                                          "tube.length=400e-6", "grid.dz=1e-6", NULL);
  PfmBpm *bpm = NULL;
  g_autoptr(PfmRecord) rec = run (cfg, &bpm);
  const PfmDiagRow *last = ROW (rec, rec->rows->len - 1);
  double p_rel = last->power / ROW (rec, 0)->power;
  const float *f = pfm_bpm_get_field (bpm);
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  double far = 0.0;
  for (int j = 0; j < g->n; j++)
    for (int i = 0; i < g->n / 2; i++)   /* x < 0: where wrapped light would re-enter */
      {
        gsize p = (gsize) j * g->n + i;
        far = MAX (far, (double) f[2 * p] * f[2 * p] + (double) f[2 * p + 1] * f[2 * p + 1]);
      }
  g_test_message ("absorber: %.3e of the power left, re-entering peak %.3e of launch", p_rel,
                  far / ROW (rec, 0)->peak_intensity);
  g_assert_cmpfloat (p_rel, <, 1e-3);
  g_assert_cmpfloat (far / ROW (rec, 0)->peak_intensity, <, 1e-6);
  pfm_bpm_free (bpm);
}

/* --- Kerr ---------------------------------------------------------------- */

static void
test_spm_plane_wave (void)
{
  /* A plane wave of intensity I in a homogeneous Kerr medium keeps |E|
   * and gains the phase k0 n2 I L, exactly (diffraction does nothing to a
   * uniform field).  The total here is 2 rad over 200 steps; each step's
   * phase (0.01 rad) carries the float rounding of the phase sum and of
   * the fast sincos (< 1e-6, PFM_FAST_SINCOS_MAX_ERROR, but relative to a
   * 0.01 rad angle its error is ~1e-9), and the field's float storage
   * rotates by ~eps per step: 200 * 6e-8 ~ 1.2e-5 rad worst case.  We
   * allow 5e-5 rad (2.5e-5 of the total). */
  g_autoptr(PfmConfig) cfg = config_with (HOMOGENEOUS, "optics.n2=1e-20", "grid.absorber=0",
                                          "tube.length=100e-6", "grid.dz=0.5e-6", "grid.n=64", NULL);
  g_autoptr(GError) error = NULL;
  PfmBpmOptions opts = { .threads = 1 };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  const double k0 = 2 * G_PI / 1.55e-6, L = 100e-6, phi = 2.0;
  const double I = phi / (k0 * 1e-20 * L);
  const gsize nn = (gsize) g->n * g->n;
  g_autofree float *f = g_new (float, 2 * nn);
  for (gsize p = 0; p < nn; p++)
    {
      f[2 * p] = (float) sqrt (I);
      f[2 * p + 1] = 0.0f;
    }
  pfm_bpm_set_input (bpm, f);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  const float *out = pfm_bpm_get_field (bpm);
  double worst_phase = 0.0, worst_amp = 0.0;
  for (gsize p = 0; p < nn; p++)
    {
      double ph = atan2 (out[2 * p + 1], out[2 * p]);
      double amp = hypot (out[2 * p], out[2 * p + 1]);
      worst_phase = MAX (worst_phase, fabs (ph - phi));
      worst_amp = MAX (worst_amp, fabs (amp / sqrt (I) - 1.0));
    }
  double b = ROW (rec, rec->rows->len - 1)->b_integral;
  g_test_message ("SPM: phase error %.3e rad of %.1f, amplitude error %.3e, B-integral error %.3e",
                  worst_phase, phi, worst_amp, fabs (b - phi));
  g_assert_cmpfloat (worst_phase, <, 5e-5);
  g_assert_cmpfloat (worst_amp, <, 1e-5);
  /* The B-integral uses the stored float peak intensity: 1e-6 relative. */
  g_assert_cmpfloat (fabs (b - phi), <, 2e-6);
}

static void
test_kerr_width_law (void)
{
  /* For a flat-phase Gaussian in a homogeneous Kerr medium the variance
   * identity is exact (docs/physics.md section 2):
   *   <r^2>(z) = (w0^2 / 2) [1 + (1 - P0/P_lens) z^2 / zR^2],
   *   P_lens = lambda^2 / (2 pi n0 n2),
   * and <r^2> = (wx^2 + wy^2) / 4 for our second-moment widths.  At
   * P0 = P_lens / 2 the beam spreads half as fast as in linear optics.
   * Errors: the Strang splitting's O(dz^2) (dz/zR = 2.6e-3, B ~ 1 rad:
   * ~1e-6) and float rounding; the window keeps the tail at < 1e-6.  We
   * allow 2e-4 relative on <r^2>: 20x the measured error, and 100x below
   * the 2% change that a 5% error in P0/P_lens would make at z = zR. */
  const double lambda = 1.55e-6, n0 = 1.5, n2 = 1e-20, w0 = 8e-6;
  const double p_lens = lambda * lambda / (2 * G_PI * n0 * n2);
  const double zr = G_PI * n0 * w0 * w0 / lambda;
  g_autofree char *power = g_strdup_printf ("beam.power=%.17g", 0.5 * p_lens);
  g_autoptr(PfmConfig) cfg = config_with ("tube.profile=none", "medium.kind=none", "tube.side=32e-6",
                                          "grid.window=96e-6", "grid.n=256", "beam.waist=8e-6",
                                          power, "tube.length=200e-6", "grid.dz=0.5e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = ROW (rec, i);
      double r2 = 0.25 * (r->width_x * r->width_x + r->width_y * r->width_y);
      double expect = 0.5 * w0 * w0 * (1.0 + 0.5 * (r->z / zr) * (r->z / zr));
      worst = MAX (worst, fabs (r2 / expect - 1.0));
    }
  const PfmDiagRow *last = ROW (rec, rec->rows->len - 1);
  double linear = 0.5 * w0 * w0 * (1.0 + (last->z / zr) * (last->z / zr));
  double r2_last = 0.25 * (last->width_x * last->width_x + last->width_y * last->width_y);
  g_test_message ("Kerr width law: max relative error of <r^2> %.3e (linear law would be off by %.3e), B = %.3f rad",
                  worst, fabs (r2_last / linear - 1.0), last->b_integral);
  g_assert_cmpfloat (worst, <, 2e-4);
  g_assert_cmpfloat (fabs (r2_last / linear - 1.0), >, 0.1);   /* the Kerr effect really acted */
}

/* --- guided propagation ------------------------------------------------ */

static void
test_grin_matched (void)
{
  /* n(r) = n0 (1 - delta r^2 / R^2) is a harmonic potential for the
   * paraxial equation; its fundamental mode is a Gaussian of waist
   *   w = (2 R^2 / (k^2 delta))^(1/4),
   * which propagates unchanged.  Over 1 mm (1.4 self-imaging periods)
   * its width must stay within 2e-4 relative: the Strang error for the
   * oscillator is ~(Omega dz)^2 / 24 ~ 1e-6, the profile's clamp at r > R
   * touches a tail of exp(-2 (R/w)^2) ~ 1e-6, and a 1% mismatched waist
   * would breathe by 2%, 100x the bound. */
  const double R = 16e-6, delta = 0.01, k = 2 * G_PI * 1.5 / 1.55e-6;
  const double w = pow (2 * R * R / (k * k * delta), 0.25);
  g_autofree char *waist = g_strdup_printf ("beam.waist=%.17g", w);
  g_autoptr(PfmConfig) cfg = config_with ("tube.profile=grin", "medium.kind=none", "optics.n2=0",
                                          waist, "tube.length=1e-3", "grid.dz=1e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    worst = MAX (worst, fabs (ROW (rec, i)->width_x / w - 1.0));
  g_test_message ("GRIN matched mode (w = %.3f um): max relative width change %.3e", w * 1e6, worst);
  g_assert_cmpfloat (worst, <, 2e-4);
}

static void
test_grin_self_imaging (void)
{
  /* An offset beam in the parabolic guide oscillates like a ray:
   * x(z) = x0 cos(Omega z), Omega = sqrt(2 delta) / R (period 711 um
   * here).  Ehrenfest's theorem makes this exact for the centroid in a
   * purely parabolic index; the beam (w ~ 6 um at 4 um offset) reaches
   * r ~ 16 um = R only in its exp(-14) tail.  Tolerance: 1e-3 of x0 (4 nm),
   * far below the 2% a 1% error in delta would cause at the half period. */
  const double R = 16e-6, delta = 0.01, x0 = 4e-6;
  const double omega = sqrt (2 * delta) / R;
  g_autoptr(PfmConfig) cfg = config_with ("tube.profile=grin", "medium.kind=none", "optics.n2=0",
                                          "beam.waist=6e-6", "beam.offset_x=4e-6",
                                          "tube.length=711e-6", "grid.dz=1e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  double worst = 0.0;
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = ROW (rec, i);
      worst = MAX (worst, fabs (r->centroid_x - x0 * cos (omega * r->z)));
    }
  g_test_message ("GRIN self-imaging: max centroid error %.3e m (%.2e of the offset)", worst, worst / x0);
  g_assert_cmpfloat (worst / x0, <, 1e-3);
}

/* --- convergence ------------------------------------------------------- */

static double
field_distance (const float *a, const float *b, gsize nn)
{
  double num = 0.0, den = 0.0;
  for (gsize p = 0; p < 2 * nn; p++)
    {
      num += ((double) a[p] - b[p]) * ((double) a[p] - b[p]);
      den += (double) b[p] * b[p];
    }
  return sqrt (num / den);
}

static float *
run_field_opts (const PfmConfig *base, double dz, gsize *nn, gboolean exact_trig)
{
  g_autoptr(PfmConfig) cfg = pfm_config_copy (base);
  cfg->grid.dz = dz;
  cfg->grid.record_every = 1000000;
  g_autoptr(GError) error = NULL;
  PfmBpmOptions opts = { .threads = 1, .exact_trig = exact_trig };
  PfmBpm *bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  *nn = (gsize) cfg->grid.n * cfg->grid.n;
  float *f = g_memdup2 (pfm_bpm_get_field (bpm), 2 * *nn * sizeof (float));
  pfm_bpm_free (bpm);
  return f;
}

static float *
run_field (const PfmConfig *base, double dz, gsize *nn)
{
  return run_field_opts (base, dz, nn, FALSE);
}

static void
test_fast_trig_below_splitting_error (void)
{
  /* The polynomial sincos (error < 3e-7) against libm's in double, on the
   * nonlinear GRIN run of the convergence test at dz = 1 um: the change it
   * makes to the output field must be far below the split-step error at
   * that dz (2.3e-4 measured against dz = 0.125 um).  Bound: 1/20 of it. */
  g_autoptr(PfmConfig) base = config_with ("tube.profile=grin", "medium.kind=none",
                                           "beam.waist=5e-6", "beam.offset_x=3e-6", "beam.power=1.4e7",
                                           "tube.length=400e-6", "grid.n=128", NULL);
  gsize nn;
  g_autofree float *fast = run_field_opts (base, 1e-6, &nn, FALSE);
  g_autofree float *exact = run_field_opts (base, 1e-6, &nn, TRUE);
  g_autofree float *fine = run_field_opts (base, 0.125e-6, &nn, TRUE);
  double d_trig = field_distance (fast, exact, nn);
  double d_split = field_distance (exact, fine, nn);
  g_test_message ("fast sincos changes the field by %.3e; the split-step error at dz = 1 um is %.3e", d_trig, d_split);
  g_assert_cmpfloat (d_trig, <, d_split / 20);
}

static void
test_convergence_order (void)
{
  /* Strang splitting is second order: the global error at fixed length
   * scales as dz^2, so halving dz divides it by 4.  A nonlinear run (GRIN
   * guide, offset beam, Kerr at 0.6 P_cr) at dz = 4, 2, 1 um against a
   * dz = 0.125 um reference (4 um keeps the step phase under 0.5 rad).  The observed order must lie in
   * [1.8, 2.2]: a first-order scheme (or a z-averaging bug) gives ~1, and
   * the reference's own error (1/64 of the finest) shifts the estimate by
   * < 0.05.  All errors stay far above the float floor (~1e-6). */
  g_autoptr(PfmConfig) base = config_with ("tube.profile=grin", "medium.kind=none",
                                           "beam.waist=5e-6", "beam.offset_x=3e-6", "beam.power=1.4e7",
                                           "tube.length=400e-6", "grid.n=128", NULL);
  gsize nn;
  g_autofree float *ref = run_field (base, 0.125e-6, &nn);
  const double dzs[] = { 4e-6, 2e-6, 1e-6 };
  double err[3];
  for (int i = 0; i < 3; i++)
    {
      g_autofree float *f = run_field (base, dzs[i], &nn);
      err[i] = field_distance (f, ref, nn);
    }
  double p1 = log2 (err[0] / err[1]), p2 = log2 (err[1] / err[2]);
  g_test_message ("convergence: errors %.3e %.3e %.3e at dz = 4, 2, 1 um; orders %.3f %.3f",
                  err[0], err[1], err[2], p1, p2);
  g_assert_cmpfloat (err[2], >, 1e-5);
  g_assert_cmpfloat (p1, >, 1.8);
  g_assert_cmpfloat (p1, <, 2.2);
  g_assert_cmpfloat (p2, >, 1.8);
  g_assert_cmpfloat (p2, <, 2.2);
}

static void
test_convergence_voxels (void)
{
  /* With the voxel map the index is piecewise constant in z; because each
   * step sees the exact z-average of the layers it spans, the scheme stays
   * second order (sampling the index at the step midpoint would drop it to
   * first order at every layer boundary).  dz = 0.8, 0.4, 0.2 um are not
   * commensurate with the 1.033 um voxel, so boundaries fall inside steps.
   * Accepted order: > 1.6 (the layer-average is exact for the phase but
   * its commutator with diffraction at a boundary adds a small
   * lower-order part; first order would give ~1.0). */
  g_autoptr(PfmConfig) base = config_with ("medium.delta_n=0.01", "grid.n=128", "tube.length=100e-6",
                                           "beam.power=1e6", NULL);
  gsize nn;
  g_autofree float *ref = run_field (base, 0.025e-6, &nn);
  const double dzs[] = { 0.8e-6, 0.4e-6, 0.2e-6 };
  double err[3];
  for (int i = 0; i < 3; i++)
    {
      g_autofree float *f = run_field (base, dzs[i], &nn);
      err[i] = field_distance (f, ref, nn);
    }
  double p1 = log2 (err[0] / err[1]), p2 = log2 (err[1] / err[2]);
  g_test_message ("voxel convergence: errors %.3e %.3e %.3e; orders %.3f %.3f", err[0], err[1], err[2], p1, p2);
  g_assert_cmpfloat (p1, >, 1.6);
  g_assert_cmpfloat (p2, >, 1.6);
}

/* --- reproducibility and media ---------------------------------------- */

static void
test_same_seed (void)
{
  /* Identical configuration -> bit-identical output; another seed ->
   * a different medium and a different output. */
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=128", "tube.length=100e-6", NULL);
  g_autoptr(PfmConfig) other = config_with ("grid.n=128", "tube.length=100e-6", "medium.seed=2", NULL);
  g_autoptr(PfmRecord) a = run (cfg, NULL);
  g_autoptr(PfmRecord) b = run (cfg, NULL);
  g_autoptr(PfmRecord) c = run (other, NULL);
  g_assert_cmpint (a->rows->len, ==, b->rows->len);
  g_assert_cmpmem (a->rows->data, a->rows->len * sizeof (PfmDiagRow),
                   b->rows->data, b->rows->len * sizeof (PfmDiagRow));
  g_assert_cmpmem (a->output, a->n_output * sizeof (double), b->output, b->n_output * sizeof (double));
  g_assert_true (memcmp (a->output, c->output, a->n_output * sizeof (double)) != 0);
}

static void
test_random_medium (void)
{
  /* Voxel dn is uniform in [-delta_n, delta_n]: mean 0 and standard
   * deviation delta_n / sqrt(3).  Over the 465124 voxels of the default
   * sample the standard error of the mean is 0.577 delta_n / 682 ~ 8.5e-4
   * delta_n; we allow 5 sigma (4.3e-3) for the mean and 1% for the std
   * (its standard error is ~0.1%).  The lattice holds ceil(side/a_vox)^2 x
   * ceil(length/a_vox) voxels, the sample's parameter count.  The values
   * are counter-based, so a layer is the same whatever order fills it. */
  g_autoptr(PfmConfig) cfg = config_with (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmMedium) m = pfm_medium_new (cfg, &error);
  g_assert_no_error (error);
  const double a = 1.55e-6 / 1.5;
  g_assert_cmpint (m->nvx, ==, (int) ceil (32e-6 / a));
  g_assert_cmpint (m->nvz, ==, (int) ceil (500e-6 / a));
  g_assert_cmpuint (pfm_medium_n_parameters (m), ==, (guint64) m->nvx * m->nvy * m->nvz);
  double s = 0, ss = 0;
  gsize n = 0;
  g_autofree float *layer = g_new (float, m->nvx * m->nvy);
  for (int z = 0; z < m->nvz; z++)
    {
      pfm_medium_fill_layer (m, z, layer);
      for (int i = 0; i < m->nvx * m->nvy; i++)
        {
          g_assert_cmpfloat (fabs (layer[i]), <=, 1e-3);
          s += layer[i];
          ss += (double) layer[i] * layer[i];
          n++;
        }
    }
  double mean = s / n, sd = sqrt (ss / n - mean * mean);
  g_test_message ("random medium: %zu voxels, mean %.3e, std %.5e (expect %.5e)", n, mean, sd, 1e-3 / sqrt (3));
  g_assert_cmpfloat (fabs (mean), <, 4.3e-3 * 1e-3);
  g_assert_cmpfloat (fabs (sd / (1e-3 / sqrt (3)) - 1.0), <, 0.01);
  /* Reverse order gives the same layer. */
  g_autofree float *again = g_new (float, m->nvx * m->nvy);
  pfm_medium_fill_layer (m, 7, layer);
  for (int iy = m->nvy - 1; iy >= 0; iy--)
    for (int ix = m->nvx - 1; ix >= 0; ix--)
      again[iy * m->nvx + ix] = pfm_medium_voxel_dn (m, ix, iy, 7);
  g_assert_cmpmem (layer, m->nvx * m->nvy * sizeof (float), again, m->nvx * m->nvy * sizeof (float));
}

static void
test_rng_reference (void)
{
  /* Seeding runs splitmix64, whose first output from state 0 is the
   * published reference 0xE220A8397B1DCDAF: the stream is pure integer
   * arithmetic and must match it on every platform. */
  PfmRng rng;
  pfm_rng_init (&rng, 0);
  g_assert_cmpuint (rng.s[0], ==, G_GUINT64_CONSTANT (0xE220A8397B1DCDAF));
  /* Same seed, same stream. */
  PfmRng a, b;
  pfm_rng_init (&a, 42);
  pfm_rng_init (&b, 42);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpuint (pfm_rng_next (&a), ==, pfm_rng_next (&b));
  g_assert_cmpuint (pfm_rng_hash (0, 0, 0, 0), !=, pfm_rng_hash (0, 0, 0, 1));
  /* Mean of 1e5 uniforms: standard error 9.1e-4; 5 sigma. */
  double s = 0;
  for (int i = 0; i < 100000; i++)
    s += pfm_rng_uniform (&rng);
  g_assert_cmpfloat (fabs (s / 100000 - 0.5), <, 4.6e-3);
}

/* --- numerical honesty ------------------------------------------------- */

static void
test_collapse_flagged (void)
{
  /* Five times the critical power in a homogeneous medium collapses within
   * a Rayleigh range (Marburger: z_c ~ 0.367 zR / 1.4 ~ 0.26 zR).  The run
   * must stop and say so, with every recorded value finite. */
  g_autoptr(PfmConfig) cfg = config_with ("tube.profile=none", "medium.kind=none", "beam.power=1.2e8",
                                          "grid.n=128", "tube.length=400e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  g_test_message ("collapse: status %s at z = %.3e m: %s", pfm_run_status_to_string (rec->status),
                  rec->stop_z, rec->stop_reason);
  g_assert_cmpint (rec->status, ==, PFM_RUN_UNRESOLVED);
  g_assert_nonnull (rec->stop_reason);
  /* Marburger's collapse distance for this beam (docs/physics.md section 2):
   * z_c = 0.367 zR / sqrt((sqrt(P/P_cr) - 0.852)^2 - 0.0219) = 52 um.  The
   * grid (dx = 0.5 um) stops resolving the collapsing core shortly before
   * the singularity, and the fit itself is good to a few percent: the run
   * must stop within [0.6, 1.1] z_c (it stops at 48 um). */
  const double p_cr = 3.77 * 1.55e-6 * 1.55e-6 / (8 * G_PI * 1.5 * 1e-20);
  const double zr = G_PI * 1.5 * 8e-6 * 8e-6 / 1.55e-6;
  const double rt = sqrt (1.2e8 / p_cr) - 0.852;
  const double zc = 0.367 * zr / sqrt (rt * rt - 0.0219);
  g_test_message ("collapse: Marburger z_c = %.3e m, stopped at %.3f z_c", zc, rec->stop_z / zc);
  g_assert_cmpfloat (rec->stop_z, >, 0.6 * zc);
  g_assert_cmpfloat (rec->stop_z, <, 1.1 * zc);
  assert_rows_finite (rec);
  for (int i = 0; i < rec->n_output; i++)
    g_assert_true (isfinite (rec->output[i]));
}

static void
test_absurd_power (void)
{
  /* 1e15 W: the first step's Kerr phase is ~1e6 rad.  Stopped at once,
   * nothing non-finite recorded. */
  g_autoptr(PfmConfig) cfg = config_with ("beam.power=1e15", "grid.n=64", "tube.length=50e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  g_assert_cmpint (rec->status, ==, PFM_RUN_UNRESOLVED);
  g_assert_true (strstr (rec->stop_reason, "phase per step") != NULL);
  g_assert_cmpuint (rec->steps_done, ==, 0);
  assert_rows_finite (rec);
  g_assert_true (rec->warnings->len >= 1);   /* predicted before the run */
}

static void
test_undersampled_warning (void)
{
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=64", "tube.length=10e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  /* 64 samples over 64 um: 1.03 samples per voxel. */
  gboolean found = FALSE;
  for (guint i = 0; i < rec->warnings->len; i++)
    found |= strstr (rec->warnings->pdata[i], "under-samples") != NULL;
  g_assert_true (found);
}

static void
test_fast_sincos (void)
{
  /* The polynomial sincos against libm in double, over the whole stated
   * range, 2e6 points plus the quadrant boundaries. */
  double worst = 0.0;
  const int N = 2000000;
  for (int i = 0; i <= N; i++)
    {
      float x = (float) (-PFM_FAST_SINCOS_RANGE + 2.0 * PFM_FAST_SINCOS_RANGE * i / N);
      float s, c;
      pfm_fast_sincosm1f (x, &s, &c); c += 1.0f;
      worst = MAX (worst, fabs (s - sin ((double) x)));
      worst = MAX (worst, fabs (c - cos ((double) x)));
    }
  for (int q = -600; q <= 600; q++)
    {
      float x = (float) (q * G_PI / 2), s, c;
      pfm_fast_sincosm1f (x, &s, &c); c += 1.0f;
      worst = MAX (worst, fabs (s - sin ((double) x)));
      worst = MAX (worst, fabs (c - cos ((double) x)));
    }
  g_test_message ("fast sincos: max abs error %.3e over |x| <= %.0f", worst, (double) PFM_FAST_SINCOS_RANGE);
  g_assert_cmpfloat (worst, <=, PFM_FAST_SINCOS_MAX_ERROR);
}

static void
check_kernel_against_reference (double phase_scale)
{
  const gsize n = 1003;
  g_autofree float *e = g_new (float, 2 * n), *ref = g_new (float, 2 * n);
  g_autofree float *m0 = g_new (float, n), *m1 = g_new (float, n), *amp = g_new (float, n);
  PfmRng rng;
  pfm_rng_init (&rng, 7);
  for (gsize i = 0; i < n; i++)
    {
      e[2 * i] = (float) pfm_rng_gaussian (&rng);
      e[2 * i + 1] = (float) pfm_rng_gaussian (&rng);
      m0[i] = (float) (phase_scale * pfm_rng_gaussian (&rng));
      m1[i] = (float) (phase_scale * pfm_rng_gaussian (&rng));
      amp[i] = (float) (0.5 + 0.5 * pfm_rng_uniform (&rng));
    }
  memcpy (ref, e, 2 * n * sizeof (float));
  const float w0 = 0.7f, w1 = 0.3f, kerr = (float) (0.05 * phase_scale);
  PfmNonlinearStats st;
  pfm_kernel_nonlinear (e, m0, w0, m1, w1, amp, kerr, n, &st);
  double p_in = 0, p_out = 0, worst = 0;
  float peak = 0;
  for (gsize i = 0; i < n; i++)
    {
      float re = ref[2 * i], im = ref[2 * i + 1], I = re * re + im * im, s, c;
      pfm_fast_sincosm1f (w0 * m0[i] + w1 * m1[i] + kerr * I, &s, &c);
      float nr = amp[i] * (re + (re * c - im * s)), ni = amp[i] * (im + (re * s + im * c));
      p_in += I;
      p_out += nr * nr + ni * ni;
      peak = MAX (peak, I);
      double mag = MAX (1e-3, hypot (nr, ni));
      worst = MAX (worst, hypot (e[2 * i] - nr, e[2 * i + 1] - ni) / mag);
    }
  g_test_message ("vector kernel vs scalar reference (phases ~%.2f rad): max relative difference %.3e",
                  phase_scale, worst);
  g_assert_cmpfloat (worst, <, 1e-6);
  g_assert_cmpfloat (fabs (st.power_in / p_in - 1), <, 1e-6);
  g_assert_cmpfloat (fabs (st.power_out / p_out - 1), <, 1e-6);
  g_assert_cmpfloat (st.peak, ==, peak);
}

static void
test_kernel_matches_reference (void)
{
  /* The vectorised nonlinear pass against a scalar evaluation of the same
   * formula with the reference pfm_fast_sincosm1f, on random data of a
   * length that is not a multiple of the vector width (tail path too).
   * Phases of ~0.3 rad put values beyond pi/4 in every block (the full
   * range-reduced path); ~0.01 rad keeps every block on the fast path of
   * small phases.  Both are float; the vector path may contract to FMA on
   * AVX2, so they may differ by a few ulp of the field (< 1e-6 relative);
   * the power sums are accumulated in different orders (< 1e-6 relative). */
  check_kernel_against_reference (0.3);
  check_kernel_against_reference (0.01);
}

/* --- input and output ---------------------------------------------------- */

static void
test_slm_input (void)
{
  /* Amplitude encoding: pixel amplitudes follow the input values, so a
   * pixel's power goes as value^2; the total is P0.  The soft pixel edges
   * leak a little power to neighbours (edge width ~0.5 um vs 8 um pixels:
   * ~3% of a pixel's power at each edge), hence 10% on the ratio test. */
  g_autoptr(PfmConfig) cfg = config_with ("beam.kind=slm", "beam.slm_pixels=4", "beam.input=1,0.5,0,1",
                                          "detector.regions=4", "tube.length=1e-6", "grid.dz=1e-6", NULL);
  PfmBpm *bpm = NULL;
  g_autoptr(PfmRecord) rec = run (cfg, &bpm);
  g_assert_cmpfloat (fabs (rec->input_power - 1.0), <, 1e-6);
  g_assert_cmpint (rec->n_output, ==, 4);
  /* After 1 um the field has barely diffracted: regions = pixels. */
  g_test_message ("SLM: outputs %.4f %.4f %.4f %.4f", rec->output[0], rec->output[1], rec->output[2], rec->output[3]);
  g_assert_cmpfloat (fabs (rec->output[1] / rec->output[0] - 0.25), <, 0.1 * 0.25);
  g_assert_cmpfloat (rec->output[2] / rec->output[0], <, 0.02);
  g_assert_cmpfloat (fabs (rec->output[3] / rec->output[0] - 1.0), <, 0.02);
  pfm_bpm_free (bpm);
}

static void
test_detector_sum (void)
{
  /* The regions tile the core facet: their sum is the power inside the
   * core, which for a guided beam after a step-index sample is all but the
   * light in the cladding (here > 90%) and can never exceed the total. */
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=128", "tube.length=100e-6", NULL);
  g_autoptr(PfmRecord) rec = run (cfg, NULL);
  double s = 0;
  for (int i = 0; i < rec->n_output; i++)
    s += rec->output[i];
  double p = ROW (rec, rec->rows->len - 1)->power;
  g_test_message ("detector: sum %.6f W of %.6f W", s, p);
  g_assert_cmpfloat (s, <=, p * (1 + 1e-9));
  g_assert_cmpfloat (s, >, 0.9 * p);
}

static void
test_cancel (void)
{
  gint cancel = 1;
  PfmBpmCallbacks cb = { .cancel = &cancel };
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=64", "tube.length=50e-6", "grid.dz=1e-6", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &cb, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_CANCELLED);
  g_assert_cmpuint (rec->steps_done, ==, 0);
  /* The same object runs again to completion afterwards. */
  cancel = 0;
  g_autoptr(PfmRecord) again = pfm_bpm_run (bpm, &cb, &error);
  g_assert_cmpint (again->status, ==, PFM_RUN_COMPLETED);
  g_assert_cmpfloat (g_array_index (again->rows, PfmDiagRow, again->rows->len - 1).z, ==, 50e-6);
}

static void
test_memory_refused (void)
{
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=8192", NULL);
  g_autoptr(GError) error = NULL;
  PfmBpmOptions opts = { .memory_budget = 100 << 20 };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_null (bpm);
  g_assert_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY);
  g_assert_true (strstr (error->message, "grid.n") != NULL);
  g_assert_cmpuint (pfm_bpm_estimate_memory (cfg, &opts), >, (guint64) 8192 * 8192 * 40);
}

/* PFM_MEMORY_BUDGET's form: digits only, at least 1, no overflow. */
static void
test_memory_budget_parse (void)
{
  const struct { const char *text; guint64 want; } good[] = {
    { "1", 1 }, { "100000000", 100000000 }, { "007", 7 },
    { "18446744073709551615", G_MAXUINT64 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint64 v = 0;
      g_autoptr(GError) error = NULL;
      g_assert_true (pfm_bpm_parse_memory_budget (good[i].text, &v, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (v, ==, good[i].want);
    }
  const char *bad[] = { "", "0", "000", "-5", "+5", " 1000", "1000 ", "abc", "1e9", "100MB", "0x10",
                        "18446744073709551616", "99999999999999999999999" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint64 v = 42;
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_bpm_parse_memory_budget (bad[i], &v, &error));
      g_assert_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_BUDGET);
      g_assert_nonnull (strstr (error->message, "PFM_MEMORY_BUDGET"));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_cmpuint (v, ==, 42);
    }
}

/* The estimate counts the diagnostics rows (and their CSV when written),
 * and the export of the volume: each by exactly its bytes. */
static void
test_memory_estimate_terms (void)
{
  g_autoptr(PfmConfig) few = config_with ("grid.n=32", "tube.length=1e-3", "grid.dz=1e-6", "grid.record_every=1", NULL);
  g_autoptr(PfmConfig) many = config_with ("grid.n=32", "tube.length=1e-3", "grid.dz=1e-9", "grid.record_every=1", NULL);
  PfmBpmOptions o = { .no_volume = TRUE };
  const guint64 rows_few = 1001, rows_many = 1000001;
  g_assert_cmpuint (pfm_bpm_estimate_memory (many, &o) - pfm_bpm_estimate_memory (few, &o), ==,
                    (rows_many - rows_few) * sizeof (PfmDiagRow));
  PfmBpmOptions csv = { .no_volume = TRUE, .diagnostics_csv = TRUE };
  g_assert_cmpuint (pfm_bpm_estimate_memory (many, &csv) - pfm_bpm_estimate_memory (many, &o), ==,
                    rows_many * PFM_RECORD_CSV_ROW_BYTES);
  PfmBpmOptions vol = { 0 }, npy = { .field_format = PFM_FIELD_NPY }, vti = { .field_format = PFM_FIELD_VTI };
  const guint64 v = pfm_bpm_estimate_memory (few, &vol);
  g_assert_cmpuint (v, >, pfm_bpm_estimate_memory (few, &o));
  g_assert_cmpuint (pfm_bpm_estimate_memory (few, &npy), >, v);
  g_assert_cmpuint (pfm_bpm_estimate_memory (few, &vti) - v, ==,
                    2 * (pfm_bpm_estimate_memory (few, &npy) - v) - 4096);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/bpm/power-conservation", test_power_conservation);
  g_test_add_func ("/engine/bpm/loss", test_loss);
  g_test_add_func ("/engine/bpm/gaussian-diffraction", test_gaussian_diffraction);
  g_test_add_func ("/engine/bpm/tilt-walkoff", test_tilt_walkoff);
  g_test_add_func ("/engine/bpm/absorber", test_absorber);
  g_test_add_func ("/engine/bpm/spm-plane-wave", test_spm_plane_wave);
  g_test_add_func ("/engine/bpm/kerr-width-law", test_kerr_width_law);
  g_test_add_func ("/engine/bpm/grin-matched", test_grin_matched);
  g_test_add_func ("/engine/bpm/grin-self-imaging", test_grin_self_imaging);
  g_test_add_func ("/engine/bpm/convergence-order", test_convergence_order);
  g_test_add_func ("/engine/bpm/convergence-voxels", test_convergence_voxels);
  g_test_add_func ("/engine/bpm/fast-trig-error", test_fast_trig_below_splitting_error);
  g_test_add_func ("/engine/bpm/same-seed", test_same_seed);
  g_test_add_func ("/engine/medium/random", test_random_medium);
  g_test_add_func ("/engine/rng/reference", test_rng_reference);
  g_test_add_func ("/engine/bpm/collapse-flagged", test_collapse_flagged);
  g_test_add_func ("/engine/bpm/absurd-power", test_absurd_power);
  g_test_add_func ("/engine/bpm/undersampled-warning", test_undersampled_warning);
  g_test_add_func ("/engine/kernels/fast-sincos", test_fast_sincos);
  g_test_add_func ("/engine/kernels/nonlinear-reference", test_kernel_matches_reference);
  g_test_add_func ("/engine/beam/slm", test_slm_input);
  g_test_add_func ("/engine/detector/sum", test_detector_sum);
  g_test_add_func ("/engine/bpm/cancel", test_cancel);
  g_test_add_func ("/engine/bpm/memory-refused", test_memory_refused);
  g_test_add_func ("/engine/bpm/memory-budget-parse", test_memory_budget_parse);
  g_test_add_func ("/engine/bpm/memory-estimate-terms", test_memory_estimate_terms);

  return g_test_run ();
}
