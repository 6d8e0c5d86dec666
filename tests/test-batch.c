/* test-batch.c - Monte-Carlo batches of defective copies: threads,
 * calibration, shards and merge, verification, transmission matrices
 * (docs/physics.md section 4)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Statistical checks state the spread they expect and allow about 4
 * standard deviations, so a correct model fails less than once in 10^4
 * runs (the seeds are fixed, so a run either always passes or always
 * fails) while a wrong factor fails by many deviations.  Measured values
 * are printed with g_test_message (--verbose).  The defect models
 * themselves are test-defects.c's.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-rng.h"
#include "pfm-test-util.h"

/* --- batches ------------------------------------------------------------ */

static PfmBatchResult *
batch (const PfmConfig *cfg, guint copies, guint inputs, guint calibration, int threads)
{
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = copies;
  o.n_inputs = inputs;
  o.n_calibration = calibration;
  o.threads = threads;
  g_autoptr(GError) error = NULL;
  PfmBatchResult *r = pfm_batch_run (cfg, &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static void
test_batch_threads (void)
{
  /* The same batch on 1 and 2 threads: the same numbers, bit for bit. */
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, "defects.sigma=0.3", "defects.corr_length=2e-6",
                                          "defects.stuck_fraction=0.01", "detector.noise=0.01", NULL);
  g_autoptr(PfmBatchResult) a = batch (cfg, 4, 3, 12, 1);
  g_autoptr(PfmBatchResult) b = batch (cfg, 4, 3, 12, 2);
  g_assert_cmpuint (a->copies->len, ==, 4);
  g_assert_true (memcmp (a->copies->data, b->copies->data, 4 * sizeof (PfmCopyResult)) == 0);
  g_autofree char *ja = pfm_batch_result_to_json (a);
  g_autofree char *jb = pfm_batch_result_to_json (b);
  g_assert_cmpstr (ja, ==, jb);
  for (guint i = 0; i < 4; i++)
    {
      const PfmCopyResult *c = &g_array_index (a->copies, PfmCopyResult, i);
      g_assert_cmpuint (c->index, ==, i);
      g_assert_cmpuint (c->seed, ==, pfm_defects_copy_seed (1, i));
      g_assert_cmpfloat (c->metric[PFM_METRIC_RELATIVE_ERROR], >, 0.0);
    }
}

static void
test_sigma_grows (void)
{
  /* The same 6 copies (same seeds) at growing write error: the mean output
   * error grows, in proportion at first order (error ~ sigma): from sigma
   * 0.05 to 0.25 it should grow about 5x; 3x to 7x allows the second order
   * and the spread of 6 copies. */
  const char *sigmas[] = { "0.05", "0.25", "1" };
  double err[3];
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, NULL);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = 6;
  o.n_inputs = 4;
  o.n_calibration = 0;
  PfmBatchResult *r[3];
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_batch_sweep (cfg, "defects.sigma", sigmas, 3, &o, NULL, r, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      err[i] = r[i]->stats[PFM_METRIC_RELATIVE_ERROR].mean;
      g_test_message ("sigma %s: mean relative error %.4g +- %.2g", sigmas[i], err[i],
                      r[i]->stats[PFM_METRIC_RELATIVE_ERROR].std);
      g_assert_true (isnan (r[i]->stats_calibrated[PFM_METRIC_RELATIVE_ERROR].mean));
      pfm_batch_result_free (r[i]);
    }
  g_assert_cmpfloat (err[0], <, err[1]);
  g_assert_cmpfloat (err[1], <, err[2]);
  g_assert_cmpfloat (err[1] / err[0], >, 3.0);
  g_assert_cmpfloat (err[1] / err[0], <, 7.0);
}

static void
test_calibration_solver (void)
{
  /* Outputs that are an exact affine image of the copy's: the fit
   * recovers A and b to the rounding of a well-conditioned 5 x 5 solve
   * (1e-12 with the ridge at 0); with a ridge, A is pulled towards I. */
  const guint d = 5, n = 40;
  double A0[25], b0[5];
  PfmRng rng;
  pfm_rng_init (&rng, 3);
  for (guint i = 0; i < d * d; i++)
    A0[i] = (i % (d + 1) == 0 ? 1.0 : 0.0) + 0.3 * (pfm_rng_uniform (&rng) - 0.5);
  for (guint i = 0; i < d; i++)
    b0[i] = pfm_rng_uniform (&rng);
  g_autofree double *y = g_new (double, n * d);
  g_autofree double *y0 = g_new (double, n * d);
  for (guint c = 0; c < n; c++)
    {
      for (guint i = 0; i < d; i++)
        y[c * d + i] = pfm_rng_gaussian (&rng);
      pfm_calibration_apply (A0, b0, d, y + c * d, y0 + c * d);
    }
  double A[25], b[5];
  g_assert_true (pfm_calibration_fit (y, y0, n, d, 0.0, A, b));
  for (guint i = 0; i < d * d; i++)
    g_assert_cmpfloat_with_epsilon (A[i], A0[i], 1e-12);
  for (guint i = 0; i < d; i++)
    g_assert_cmpfloat_with_epsilon (b[i], b0[i], 1e-12);
  /* A huge ridge leaves only the shift: A -> I. */
  g_assert_true (pfm_calibration_fit (y, y0, n, d, 1e9, A, b));
  for (guint i = 0; i < d * d; i++)
    g_assert_cmpfloat_with_epsilon (A[i], i % (d + 1) == 0 ? 1.0 : 0.0, 1e-6);
}

static void
test_calibration_held_out (void)
{
  /* Small variability in the linear regime (beam.power = 1 W: B ~ 1e-8
   * rad): the affine layer, fitted on 40 calibration inputs and applied
   * to 8 others, must lower the mean error of the test outputs.  The
   * first-order change of the outputs is largely an input-independent
   * shift plus a linear function of the input, which an affine map of the
   * 9 outputs can absorb; what remains is the quadratic part.  Measured
   * ratio ~0.3; 0.7 leaves room for the fit's own noise (9 + 1 parameters
   * per output from 40 samples), and no calibration (ratio 1) fails. */
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, "defects.sigma=0.1", NULL);
  g_autoptr(PfmBatchResult) r = batch (cfg, 4, 8, 40, 0);
  const double before = r->stats[PFM_METRIC_RELATIVE_ERROR].mean;
  const double after = r->stats_calibrated[PFM_METRIC_RELATIVE_ERROR].mean;
  g_test_message ("calibration: mean relative error %.4g before, %.4g after (held-out inputs)", before, after);
  g_assert_cmpfloat (after, <, 0.7 * before);
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      g_assert_cmpfloat (c->calibrated[PFM_METRIC_RELATIVE_ERROR], <, c->metric[PFM_METRIC_RELATIVE_ERROR]);
      g_assert_cmpfloat (c->calibrated[PFM_METRIC_EFFECTIVE_BITS], >, c->metric[PFM_METRIC_EFFECTIVE_BITS]);
    }
}

static void
test_shard_merge (void)
{
  /* Shards compute the copies the whole batch computes: merged in any
   * order they give the whole batch's JSON byte for byte, and a result
   * survives its own JSON. */
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, "defects.sigma=0.2", NULL);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = 5;
  o.n_inputs = 2;
  o.n_calibration = 6;
  o.tm_error = TRUE;
  o.threads = 1;
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBatchResult) whole = pfm_batch_run (cfg, &o, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *json = pfm_batch_result_to_json (whole);

  PfmBatchResult *shards[3];
  for (guint i = 0; i < 3; i++)
    {
      o.shard_index = 3 - i;   /* out of order */
      o.shard_count = 3;
      g_autoptr(PfmBatchResult) s = pfm_batch_run (cfg, &o, NULL, &error);
      g_assert_no_error (error);
      g_autofree char *text = pfm_batch_result_to_json (s);
      shards[i] = pfm_batch_result_from_json (text, strlen (text), &error);
      g_assert_no_error (error);
    }
  g_autoptr(PfmBatchResult) merged = pfm_batch_merge (shards, 3, &error);
  g_assert_no_error (error);
  g_autofree char *mjson = pfm_batch_result_to_json (merged);
  g_assert_cmpstr (mjson, ==, json);

  g_autoptr(PfmBatchResult) back = pfm_batch_result_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  g_autofree char *again = pfm_batch_result_to_json (back);
  g_assert_cmpstr (again, ==, json);

  /* A missing shard, a repeated one, or one of other settings: refused. */
  g_autoptr(PfmBatchResult) m2 = pfm_batch_merge (shards, 2, &error);
  g_assert_null (m2);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  g_clear_error (&error);
  PfmBatchResult *twice[3] = { shards[0], shards[0], shards[1] };
  g_autoptr(PfmBatchResult) m3 = pfm_batch_merge (twice, 3, &error);
  g_assert_null (m3);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  g_clear_error (&error);
  g_free (g_ptr_array_index (shards[2]->values, 0));
  g_ptr_array_index (shards[2]->values, 0) = g_strdup ("1.3e-06");
  g_autoptr(PfmBatchResult) m4 = pfm_batch_merge (shards, 3, &error);
  g_assert_null (m4);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  for (guint i = 0; i < 3; i++)
    pfm_batch_result_free (shards[i]);
}

static void
test_merge_checks (void)
{
  /* merge refuses a copy whose seed is not the one defects.seed gives it,
   * a metric out of its range, and a JSON object with a name twice; the
   * message names the shard's source, the copy and the field. */
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, "defects.sigma=0.2", NULL);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = 2;
  o.n_inputs = 2;
  o.n_calibration = 3;
  o.threads = 1;
  o.shard_count = 2;
  g_autoptr(GError) error = NULL;
  PfmBatchResult *shards[2];
  for (guint i = 0; i < 2; i++)
    {
      o.shard_index = i + 1;
      shards[i] = pfm_batch_run (cfg, &o, NULL, &error);
      g_assert_no_error (error);
      shards[i]->source = g_strdup_printf ("s%u.json", i + 1);
    }
  g_autoptr(PfmBatchResult) ok = pfm_batch_merge (shards, 2, &error);
  g_assert_no_error (error);

  PfmCopyResult *c = &g_array_index (shards[1]->copies, PfmCopyResult, 0);
  c->seed++;
  g_autoptr(PfmBatchResult) m1 = pfm_batch_merge (shards, 2, &error);
  g_assert_null (m1);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "s2.json: copy 1: seed"));
  g_clear_error (&error);
  c->seed--;

  const double cos = c->metric[PFM_METRIC_COSINE_SIMILARITY];
  c->metric[PFM_METRIC_COSINE_SIMILARITY] = 2.5;
  g_autoptr(PfmBatchResult) m2 = pfm_batch_merge (shards, 2, &error);
  g_assert_null (m2);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "s2.json: copy 1: cosine_similarity = 2.5"));
  g_clear_error (&error);
  c->metric[PFM_METRIC_COSINE_SIMILARITY] = cos;

  g_autofree char *json = pfm_batch_result_to_json (shards[0]);
  g_autofree char *twice = g_strdup (json);
  char *p = strstr (twice, "\"inputs\": ");
  g_assert_nonnull (p);
  memcpy (p, "\"copies\":", 9);   /* "copies" twice in the batch object */
  g_autoptr(PfmBatchResult) back = pfm_batch_result_from_json (twice, strlen (twice), &error);
  g_assert_null (back);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE);
  g_clear_error (&error);
  for (guint i = 0; i < 2; i++)
    pfm_batch_result_free (shards[i]);
}

/* Runs @cfg as three estimated shards of 6 copies; each records its
 * planning mode, also through JSON, and is named s1.json .. s3.json. */
static void
run_estimated_shards (const PfmConfig *cfg, PfmBatchResult *shards[3])
{
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = 6;
  o.n_inputs = 2;
  o.n_calibration = 3;
  o.threads = 1;
  o.shard_count = 3;
  o.rigor = PFM_PLAN_ESTIMATE;
  g_autoptr(GError) error = NULL;
  for (guint i = 0; i < 3; i++)
    {
      o.shard_index = i + 1;
      g_autoptr(PfmBatchResult) s = pfm_batch_run (cfg, &o, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (s->planning, ==, PFM_BATCH_PLANNING_ESTIMATE);
      g_autofree char *text = pfm_batch_result_to_json (s);
      g_assert_nonnull (strstr (text, "\"planning\": \"estimate\""));
      shards[i] = pfm_batch_result_from_json (text, strlen (text), &error);
      g_assert_no_error (error);
      g_assert_cmpint (shards[i]->planning, ==, PFM_BATCH_PLANNING_ESTIMATE);
      shards[i]->source = g_strdup_printf ("s%u.json", i + 1);
    }
}

/* The copies verify picks: spread over the shards, distinct, sorted,
 * reproducible. */
static void
check_verify_pick (void)
{
  guint pick[6], again[6];
  pfm_batch_verify_pick (6, 3, 1, 3, pick);
  pfm_batch_verify_pick (6, 3, 1, 3, again);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (pick[i], ==, again[i]);
      g_assert_cmpuint (pick[i] / 2, ==, i);   /* one in each shard of 2 */
    }
  pfm_batch_verify_pick (6, 3, 5, 6, pick);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (pick[i], ==, i);
  guint big[40];
  pfm_batch_verify_pick (1000, 7, 99, 40, big);
  for (guint i = 1; i < 40; i++)
    g_assert_cmpuint (big[i - 1], <, big[i]);
  g_assert_cmpuint (big[39], <, 1000);
}

/* Every copy verifies (the same bits for estimated plans); a metric
 * changed consistently passes merge's range checks, not verify. */
static void
check_verify_metric (PfmBatchResult *shards[3])
{
  g_autoptr(GError) error = NULL;
  guint all[6] = { 0, 1, 2, 3, 4, 5 };
  g_assert_true (pfm_batch_verify (shards, 3, all, 6, 1, NULL, &error));
  g_assert_no_error (error);

  PfmCopyResult *c = &g_array_index (shards[1]->copies, PfmCopyResult, 1);
  const double re = c->metric[PFM_METRIC_RELATIVE_ERROR], bits = c->metric[PFM_METRIC_EFFECTIVE_BITS];
  c->metric[PFM_METRIC_RELATIVE_ERROR] = re * 1.001;
  c->metric[PFM_METRIC_EFFECTIVE_BITS] = -log2 (re * 1.001);
  g_autoptr(PfmBatchResult) m = pfm_batch_merge (shards, 3, &error);
  g_assert_no_error (error);
  g_assert_false (pfm_batch_verify (shards, 3, all, 6, 1, NULL, &error));
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "s2.json: copy 3: relative_error = "));
  g_clear_error (&error);
  c->metric[PFM_METRIC_RELATIVE_ERROR] = re;
  c->metric[PFM_METRIC_EFFECTIVE_BITS] = bits;
}

/* Merge and planning modes: planned differently, or unknown among known,
 * is refused naming the file; all unknown (older files) merge, and are
 * written without one.  Leaves every shard's mode unknown. */
static void
check_merge_planning (PfmBatchResult *shards[3])
{
  g_autoptr(GError) error = NULL;
  shards[2]->planning = PFM_BATCH_PLANNING_MEASURE;
  g_autoptr(PfmBatchResult) m1 = pfm_batch_merge (shards, 3, &error);
  g_assert_null (m1);
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "s3.json \"measure\""));
  g_clear_error (&error);
  shards[2]->planning = PFM_BATCH_PLANNING_UNKNOWN;
  g_autoptr(PfmBatchResult) m2 = pfm_batch_merge (shards, 3, &error);
  g_assert_null (m2);
  g_assert_nonnull (strstr (error->message, "s3.json records no planning mode"));
  g_clear_error (&error);

  for (guint i = 0; i < 3; i++)
    shards[i]->planning = PFM_BATCH_PLANNING_UNKNOWN;
  g_autoptr(PfmBatchResult) m3 = pfm_batch_merge (shards, 3, &error);
  g_assert_no_error (error);
  g_autofree char *old = pfm_batch_result_to_json (m3);
  g_assert_null (strstr (old, "planning"));
}

/* Every missing shard is named. */
static void
check_missing_shards (PfmBatchResult *shards[3])
{
  g_autoptr(GError) error = NULL;
  PfmBatchResult *one[1] = { shards[1] };
  g_autoptr(PfmBatchResult) m4 = pfm_batch_merge (one, 1, &error);
  g_assert_null (m4);
  g_assert_nonnull (strstr (error->message, "shards 1, 3 of 3 are missing"));
  g_clear_error (&error);
}

static void
test_planning_verify (void)
{
  /* Each shard records its planning mode, merge refuses a mix, and
   * pfm_batch_verify recomputes chosen copies: the same bits for estimated
   * plans, a changed metric refused with the file, copy and field. */
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, "defects.sigma=0.2", NULL);
  PfmBatchResult *shards[3];
  run_estimated_shards (cfg, shards);
  check_verify_pick ();
  check_verify_metric (shards);
  check_merge_planning (shards);
  check_missing_shards (shards);
  for (guint i = 0; i < 3; i++)
    pfm_batch_result_free (shards[i]);
}

static void
test_tm (void)
{
  /* The TM is measured with n2 = 0 and normalised by sqrt(P): at P and at
   * 4e7 P (far into the Kerr regime for n2 = 1e-20) it is the same matrix
   * up to float rounding (~1e-6 after 60 steps).  Each column holds at
   * most the whole power (Cauchy-Schwarz per region, summed), and a copy
   * with a write error has a different matrix. */
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, NULL);
  const gsize n = 2 * 9 * 9;
  double t1[2 * 81], t2[2 * 81];
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_batch_region_tm (cfg, NULL, NULL, t1, &error));
  g_assert_no_error (error);
  config_assign (cfg, "beam.power=4e7");
  g_assert_true (pfm_batch_region_tm (cfg, NULL, NULL, t2, &error));
  double d = 0.0, s = 0.0, col = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      d += (t1[i] - t2[i]) * (t1[i] - t2[i]);
      s += t1[i] * t1[i];
    }
  for (int r = 0; r < 9; r++)
    col += t1[2 * (r * 9)] * t1[2 * (r * 9)] + t1[2 * (r * 9) + 1] * t1[2 * (r * 9) + 1];
  g_test_message ("region TM: |T(P) - T(4P)| / |T| = %.3g; column 0 carries %.3f of the power in flat-top modes",
                  sqrt (d / s), col);
  g_assert_cmpfloat (sqrt (d / s), <, 1e-5);
  g_assert_cmpfloat (col, >, 0.0);
  g_assert_cmpfloat (col, <=, 1.0);
  config_assign (cfg, "defects.sigma=0.5");
  g_assert_true (pfm_batch_region_tm (cfg, NULL, NULL, t2, &error));
  d = 0.0;
  for (gsize i = 0; i < n; i++)
    d += (t1[i] - t2[i]) * (t1[i] - t2[i]);
  g_test_message ("region TM of a copy with sigma 0.5: differs by %.3g", sqrt (d / s));
  g_assert_cmpfloat (sqrt (d / s), >, 1e-4);
}

static void
test_tm_unitary (void)
{
  /* A lossless linear medium (step guide with random voxels, no absorber,
   * loss 0, n2 = 0) maps an orthonormal basis to an orthonormal set.  The
   * basis: the 81 plane waves exp(2 pi i (a x + b y) / W) / n, |a|, |b| <= 4,
   * on a 32 x 32 grid.  Each step rounds every value to float (1e-7) through
   * an FFT pair; over 40 steps the Gram matrix of the outputs departs from
   * I by ~1e-6 (measured below); 2e-5 is 10x that, while a loss of 1000/m
   * (exp(-0.02) in power) misses I by 0.02. */
  const int n = 32, M = 4, nb = (2 * M + 1) * (2 * M + 1);
  const char *base[] = { "grid.n=32", "tube.side=8e-6", "grid.window=16e-6", "tube.length=20e-6",
                         "grid.absorber=0", "optics.loss=0", "optics.n2=0", "medium.delta_n=2e-3", NULL };
  double dev[2];
  for (int lossy = 0; lossy < 2; lossy++)
    {
      g_autoptr(PfmConfig) cfg = config_with (base[0], base[1], base[2], base[3], base[4], base[5], base[6],
                                              base[7], lossy ? "optics.loss=1000" : NULL, NULL);
      const gsize nn = (gsize) n * n;
      g_autofree float *in = g_new (float, 2 * nn * nb);
      g_autofree float *out = g_new (float, 2 * nn * nb);
      int k = 0;
      for (int a = -M; a <= M; a++)
        for (int b = -M; b <= M; b++, k++)
          for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
              {
                const double ph = 2 * G_PI * (a * i + b * j) / n;
                in[2 * (nn * k + (gsize) j * n + i)] = (float) (cos (ph) / n);
                in[2 * (nn * k + (gsize) j * n + i) + 1] = (float) (sin (ph) / n);
              }
      g_autoptr(GError) error = NULL;
      g_assert_true (pfm_batch_field_tm (cfg, NULL, nb, in, out, &error));
      g_assert_no_error (error);
      double worst = 0.0;
      for (int p = 0; p < nb; p++)
        for (int q = 0; q < nb; q++)
          {
            double re = 0.0, im = 0.0;
            const float *u = out + 2 * nn * p, *v = out + 2 * nn * q;
            for (gsize s = 0; s < nn; s++)
              {
                re += (double) u[2 * s] * v[2 * s] + (double) u[2 * s + 1] * v[2 * s + 1];
                im += (double) u[2 * s] * v[2 * s + 1] - (double) u[2 * s + 1] * v[2 * s];
              }
            worst = MAX (worst, hypot (re - (p == q ? 1.0 : 0.0), im));
          }
      dev[lossy] = worst;
    }
  g_test_message ("unitarity: max |F^H F - I| = %.3g lossless, %.3g with loss 1000/m", dev[0], dev[1]);
  g_assert_cmpfloat (dev[0], <, 2e-5);
  g_assert_cmpfloat (dev[1], >, 1e-2);
}

static void
test_options_refused (void)
{
  g_autoptr(PfmConfig) cfg = config_with (DEFECTS_SMALL, NULL);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  g_autoptr(GError) error = NULL;
  o.shard_index = 3;
  o.shard_count = 2;
  g_assert_null (pfm_batch_run (cfg, &o, NULL, &error));
  g_assert_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS);
  g_clear_error (&error);
  /* Over the memory budget: refused before any work. */
  pfm_batch_options_init (&o);
  o.memory_budget = 65536;
  g_assert_null (pfm_batch_run (cfg, &o, NULL, &error));
  g_assert_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY);
  g_clear_error (&error);
  /* A cancel stops the batch. */
  pfm_batch_options_init (&o);
  gint cancel = 1;
  PfmBatchCallbacks cb = { .cancel = &cancel };
  g_assert_null (pfm_batch_run (cfg, &o, &cb, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/batch/threads", test_batch_threads);
  g_test_add_func ("/batch/sigma-grows", test_sigma_grows);
  g_test_add_func ("/batch/calibration-solver", test_calibration_solver);
  g_test_add_func ("/batch/calibration-held-out", test_calibration_held_out);
  g_test_add_func ("/batch/shard-merge", test_shard_merge);
  g_test_add_func ("/batch/merge-checks", test_merge_checks);
  g_test_add_func ("/batch/planning-verify", test_planning_verify);
  g_test_add_func ("/batch/region-tm", test_tm);
  g_test_add_func ("/batch/tm-unitary", test_tm_unitary);
  g_test_add_func ("/batch/options-refused", test_options_refused);
  return g_test_run ();
}
