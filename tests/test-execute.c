/* test-execute.c - pfm_bpm_execute, the engine's execute path: it
 * allocates nothing, and it gives what pfm_bpm_run records
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The allocation count comes from this executable's own malloc family,
 * which forwards to glibc's (__libc_malloc and friends) and counts calls
 * while `counting` is set.  A program's own malloc takes the place of
 * libc's for every library it loads (GLib, FFTW, libm), so nothing that
 * allocates can hide.  Under AddressSanitizer the sanitizer owns malloc,
 * and the allocation test is skipped there; the comparisons still run.
 * PFM_TEST_ABORT_ON_ALLOC=1 aborts at a counted allocation: run under
 * gdb, the backtrace names the caller.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-test-util.h"

#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef COUNT_ALLOCATIONS
#define COUNT_ALLOCATIONS 1
#endif

static gint counting;
static gint allocations;

#if COUNT_ALLOCATIONS
extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *p, size_t size);
extern void *__libc_memalign (size_t alignment, size_t size);
extern void  __libc_free (void *p);

static inline void
counted (void)
{
  if (g_atomic_int_get (&counting))
    {
      g_atomic_int_inc (&allocations);
      if (g_getenv ("PFM_TEST_ABORT_ON_ALLOC")) abort ();
    }
}

void *
malloc (size_t size)
{
  counted ();
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  counted ();
  return __libc_calloc (n, size);
}

void *
realloc (void *p, size_t size)
{
  counted ();
  return __libc_realloc (p, size);
}

void *
memalign (size_t alignment, size_t size)
{
  counted ();
  return __libc_memalign (alignment, size);
}

void *
aligned_alloc (size_t alignment, size_t size)
{
  counted ();
  return __libc_memalign (alignment, size);
}

int
posix_memalign (void **out, size_t alignment, size_t size)
{
  counted ();
  void *p = __libc_memalign (alignment, size);
  if (p == NULL && size > 0)
    return 12; /* ENOMEM */
  *out = p;
  return 0;
}

void
free (void *p)
{
  __libc_free (p);
}
#endif

/* The full device model: step guide, random voxels, Kerr, loss, an
 * SLM input, detector noise; and a fabricated copy of it (write error and
 * a taper, whose guide changes along z: the per-layer caches). */
static PfmConfig *
device (gboolean copy)
{
  return copy
    ? config_with ("grid.n=32", "tube.length=3e-5", "grid.dz=2e-6", "beam.kind=slm", "beam.slm_pixels=4",
                   "detector.regions=4", "detector.noise=0.01", "defects.sigma=0.05", "defects.taper=0.1", NULL)
    : config_with ("grid.n=32", "tube.length=3e-5", "grid.dz=2e-6", "beam.kind=slm", "beam.slm_pixels=4",
                   "detector.regions=4", "detector.noise=0.01", NULL);
}

static float *
slm_field (PfmBpm *bpm, guint k)
{
  const PfmConfig *cfg = pfm_bpm_get_config (bpm);
  const PfmGrid *g = pfm_bpm_get_grid (bpm);
  double values[4] = { 0.2, 0.9, 0.5, 0.1 };
  values[k % 4] = 1.0;
  float *field = g_new (float, 2 * (gsize) g->n * g->n);
  pfm_beam_fill_slm (cfg, g, values, field);
  return field;
}

/* Many executes of a planned device, with field and detector outputs and
 * a progress and cancel callback: not one allocation. */
static void
test_execute_allocates_nothing (gconstpointer data)
{
  const gboolean copy = GPOINTER_TO_INT (data);
#if !COUNT_ALLOCATIONS
  g_test_skip ("AddressSanitizer owns malloc: allocations are not counted");
  return;
#endif
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmConfig) cfg = device (copy);
  PfmBpmOptions opts = { .threads = 1, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  const gsize nn = (gsize) cfg->grid.n * cfg->grid.n;
  g_autofree float *in[3] = { slm_field (bpm, 0), slm_field (bpm, 1), slm_field (bpm, 2) };
  g_autofree float *out_field = g_new (float, 2 * nn);
  double y[4];
  const gint cancel = 0;
  const PfmBpmCallbacks cb = { .cancel = &cancel };
  const PfmBpmOutput out = { .field = out_field, .detectors = y, .noise_seed = 7 };

  /* A first run may fill what the device caches lazily (FFTW's
   * thread-local state, the layer maps); the contract is for the runs
   * that follow it. */
  g_assert_cmpint (pfm_bpm_execute (bpm, in[0], &out, &cb), ==, PFM_RUN_COMPLETED);
  g_atomic_int_set (&allocations, 0);
  g_atomic_int_set (&counting, 1);
  PfmRunStatus st[9];
  for (guint r = 0; r < 9; r++)
    st[r] = pfm_bpm_execute (bpm, in[r % 3], &out, &cb);
  g_atomic_int_set (&counting, 0);
  for (guint r = 0; r < 9; r++)
    g_assert_cmpint (st[r], ==, PFM_RUN_COMPLETED);
  g_test_message ("allocations during 9 executes: %d", g_atomic_int_get (&allocations));
  g_assert_cmpint (g_atomic_int_get (&allocations), ==, 0);

  /* The counter counts: the record path allocates (rows, warnings). */
  g_atomic_int_set (&counting, 1);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_atomic_int_set (&counting, 0);
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&allocations), >, 0);
}

/* pfm_bpm_execute and pfm_bpm_run are one path: the same input gives the
 * same bits in the output field and the detectors, and the same status. */
static void
test_execute_matches_run (gconstpointer data)
{
  const gboolean copy = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmConfig) cfg = device (copy);
  PfmBpmOptions opts = { .threads = 1 };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  const gsize nn = (gsize) cfg->grid.n * cfg->grid.n;
  g_autofree float *in = slm_field (bpm, 1);
  g_autofree float *out_field = g_new (float, 2 * nn);
  double y[4] = { NAN, NAN, NAN, NAN };
  const PfmBpmOutput out = { .field = out_field, .detectors = y, .noise_seed = pfm_bpm_noise_seed (cfg) };
  g_assert_cmpint (pfm_bpm_execute (bpm, in, &out, NULL), ==, PFM_RUN_COMPLETED);

  pfm_bpm_set_input (bpm, in);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  g_assert_cmpint (rec->n_output, ==, 4);
  /* Exact: the same operations on the same data, in the same order. */
  g_assert_cmpmem (rec->output, 4 * sizeof (double), y, sizeof y);
  g_assert_cmpmem (pfm_bpm_get_field (bpm), 2 * nn * sizeof (float), out_field, 2 * nn * sizeof (float));
  for (int r = 0; r < 4; r++)
    g_assert_true (isfinite (y[r]) && y[r] > 0.0);
  g_assert_null (pfm_bpm_stop_reason (bpm));
}

/* An unresolved run: the status, where it stopped and why are the same
 * from both calls, and execute leaves the outputs of the last resolved
 * state. */
static void
test_execute_unresolved (void)
{
  g_autoptr(GError) error = NULL;
  /* 1 MW into a 2 um-wide spot over a 30 um tube with 10 um steps: the
   * Kerr phase per step is far above PFM_BPM_MAX_STEP_PHASE. */
  g_autoptr(PfmConfig) cfg = config_with ("grid.n=32", "tube.length=3e-5", "grid.dz=1e-5", "beam.power=1e9", NULL);
  PfmBpmOptions opts = { .threads = 1, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_UNRESOLVED);
  g_assert_nonnull (rec->stop_reason);
  g_autofree char *reason = pfm_bpm_stop_reason (bpm);
  g_assert_cmpstr (reason, ==, rec->stop_reason);

  g_autoptr(GError) e2 = NULL;
  g_autoptr(PfmConfig) again = pfm_config_copy (cfg);
  g_autoptr(PfmBpm) b2 = pfm_bpm_new (again, &opts, &e2);
  g_assert_no_error (e2);
  g_assert_true (pfm_bpm_set_input_from_config (b2, &e2));
  const gsize nn = (gsize) cfg->grid.n * cfg->grid.n;
  g_autofree float *in = g_memdup2 (pfm_bpm_get_field (b2), 2 * nn * sizeof (float));
  g_autofree float *out_field = g_new0 (float, 2 * nn);
  const PfmBpmOutput out = { .field = out_field };
  g_assert_cmpint (pfm_bpm_execute (b2, in, &out, NULL), ==, PFM_RUN_UNRESOLVED);
  g_autofree char *r2 = pfm_bpm_stop_reason (b2);
  g_assert_cmpstr (r2, ==, rec->stop_reason);
  g_assert_cmpmem (pfm_bpm_get_field (bpm), 2 * nn * sizeof (float), out_field, 2 * nn * sizeof (float));
}

/* A cancel before the first step: the status says so, and the outputs are
 * not written (nothing was resolved past the input). */
static void
test_execute_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmConfig) cfg = device (FALSE);
  PfmBpmOptions opts = { .threads = 1, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  g_autofree float *in = slm_field (bpm, 0);
  double y[4] = { -1, -1, -1, -1 };
  const gint cancel = 1;
  const PfmBpmCallbacks cb = { .cancel = &cancel };
  const PfmBpmOutput out = { .detectors = y };
  g_assert_cmpint (pfm_bpm_execute (bpm, in, &out, &cb), ==, PFM_RUN_CANCELLED);
  for (int r = 0; r < 4; r++)
    g_assert_cmpfloat (y[r], ==, -1.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/execute/allocates-nothing/nominal", GINT_TO_POINTER (FALSE), test_execute_allocates_nothing);
  g_test_add_data_func ("/execute/allocates-nothing/copy", GINT_TO_POINTER (TRUE), test_execute_allocates_nothing);
  g_test_add_data_func ("/execute/matches-run/nominal", GINT_TO_POINTER (FALSE), test_execute_matches_run);
  g_test_add_data_func ("/execute/matches-run/copy", GINT_TO_POINTER (TRUE), test_execute_matches_run);
  g_test_add_func ("/execute/unresolved", test_execute_unresolved);
  g_test_add_func ("/execute/cancelled", test_execute_cancelled);
  return g_test_run ();
}
