/* pfm-fftw.c - FFTW set-up shared by the engine: threads, planner lock, wisdom
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only global state of the engine is FFTW's own (wisdom, threads),
 * guarded here.
 */
#define G_LOG_DOMAIN "pfm-fftw"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pfm-export.h"
#include "pfm-fftw.h"

/* Wisdom for every grid the engine plans is a few hundred kB at most. */
#define WISDOM_MAX_BYTES ((gsize) 64 << 20)

static GMutex planner_lock;
static char *wisdom_path;

gboolean
pfm_fftw_can_alloc (gsize bytes)
{
  gpointer p = g_try_malloc (MAX (bytes, 1));
  g_free (p);
  return p != NULL;
}

void
pfm_fftw_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      fftwf_init_threads ();
      const char *env = g_getenv ("PFM_FFTW_WISDOM");
      if (env != NULL)
        wisdom_path = g_strdup (env);
      else
        wisdom_path = g_build_filename (g_get_user_cache_dir (), "pfm-explorer", "fftwf-wisdom", NULL);
      /* Absent, stale or not a regular file (a FIFO would block, /dev/zero
       * never end): ignored, as a cache may be. */
      g_autofree char *text = NULL;
      if (wisdom_path[0] != '\0' && pfm_file_read (wisdom_path, WISDOM_MAX_BYTES, "a wisdom file", &text, NULL, NULL))
        fftwf_import_wisdom_from_string (text);
      g_once_init_leave (&once, 1);
    }
}

static void
save_wisdom_locked (void)
{
  if (wisdom_path == NULL || wisdom_path[0] == '\0')
    return;
  char *text = fftwf_export_wisdom_to_string ();
  if (text == NULL)
    return;
  g_autofree char *dir = g_path_get_dirname (wisdom_path);
  if (g_mkdir_with_parents (dir, 0755) == 0)
    {
      g_autoptr(GError) error = NULL;
      /* A failure to cache costs only planning time next launch. */
      if (!pfm_file_write_atomic (wisdom_path, text, strlen (text), &error))
        g_debug ("%s", error->message);
    }
  fftwf_free (text);
}

fftwf_plan
pfm_fftw_plan_2d (int n, fftwf_complex *buf, int sign, int threads, PfmPlanRigor rigor)
{
  pfm_fftw_init ();
  g_mutex_lock (&planner_lock);
  fftwf_plan_with_nthreads (MAX (1, threads));
  unsigned flags = rigor == PFM_PLAN_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE;
  fftwf_plan plan = NULL;
  if (rigor == PFM_PLAN_MEASURE)
    {
      /* Wisdom answers at once if this size was measured before; the
       * buffer is not touched then.  Otherwise MEASURE overwrites it. */
      plan = fftwf_plan_dft_2d (n, n, buf, buf, sign, flags | FFTW_WISDOM_ONLY);
      if (plan == NULL)
        {
          plan = fftwf_plan_dft_2d (n, n, buf, buf, sign, flags);
          save_wisdom_locked ();
        }
    }
  else
    plan = fftwf_plan_dft_2d (n, n, buf, buf, sign, flags);
  g_mutex_unlock (&planner_lock);
  return plan;
}

void
pfm_fftw_destroy_plan (fftwf_plan plan)
{
  if (plan == NULL)
    return;
  g_mutex_lock (&planner_lock);
  fftwf_destroy_plan (plan);
  g_mutex_unlock (&planner_lock);
}

/* Times @reps forward+inverse pairs of an n x n plan with @threads threads. */
static double
time_pair (int n, int threads, fftwf_complex *buf)
{
  fftwf_plan f = pfm_fftw_plan_2d (n, buf, FFTW_FORWARD, threads, PFM_PLAN_MEASURE);
  fftwf_plan b = pfm_fftw_plan_2d (n, buf, FFTW_BACKWARD, threads, PFM_PLAN_MEASURE);
  if (f == NULL || b == NULL)
    {
      pfm_fftw_destroy_plan (f);
      pfm_fftw_destroy_plan (b);
      return G_MAXDOUBLE;
    }
  memset (buf, 0, sizeof (fftwf_complex) * n * n);
  double work = (double) n * n * MAX (1.0, log2 ((double) n * n));
  int reps = CLAMP ((int) (2e7 / work), 3, 500);
  g_autoptr(GTimer) t = g_timer_new ();
  double best = G_MAXDOUBLE;
  for (int r = 0; r < 3; r++)
    {
      g_timer_start (t);
      for (int i = 0; i < reps; i++)
        {
          fftwf_execute (f);
          fftwf_execute (b);
        }
      best = MIN (best, g_timer_elapsed (t, NULL) / reps);
    }
  pfm_fftw_destroy_plan (f);
  pfm_fftw_destroy_plan (b);
  return best;
}

static GMutex threads_lock;

int
pfm_fftw_best_threads (int n)
{
  pfm_fftw_init ();
  const int max_threads = MIN ((int) g_get_num_processors (), 8);
  if (max_threads <= 1)
    return 1;

  g_mutex_lock (&threads_lock);
  g_autofree char *key = g_strdup_printf ("n%d_cpus%d", n, max_threads);
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  int best = 0;
  if (wisdom_path != NULL && wisdom_path[0] != '\0')
    {
      path = g_strconcat (wisdom_path, "-threads", NULL);
      g_autofree char *text = NULL;
      gsize len = 0;
      if (pfm_file_read (path, WISDOM_MAX_BYTES, "a thread-count cache", &text, &len, NULL) &&
          g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, NULL))
        best = g_key_file_get_integer (kf, "threads", key, NULL);
    }
  if (best < 1 || best > max_threads)
    {
      /* Measure: on small grids threading overhead can exceed the gain
       * (two threads were slower than one at 256^2 on a 2-core machine). */
      fftwf_complex *buf = fftwf_malloc (sizeof (fftwf_complex) * n * n);
      double best_t = G_MAXDOUBLE;
      best = 1;
      /* A plan's scratch is about one more grid: probed first, since
       * FFTW aborts when its own allocation fails. */
      for (int t = 1; buf != NULL && pfm_fftw_can_alloc (sizeof (fftwf_complex) * n * n) && t <= max_threads; t *= 2)
        {
          double dt = time_pair (n, t, buf);
          g_debug ("n = %d, %d threads: %.3f ms per FFT pair", n, t, dt * 1e3);
          /* A thread count must win by 5% to be worth its cores. */
          if (dt < 0.95 * best_t)
            {
              best_t = dt;
              best = t;
            }
        }
      fftwf_free (buf);
      if (path != NULL)
        {
          g_key_file_set_integer (kf, "threads", key, best);
          gsize len;
          g_autofree char *data = g_key_file_to_data (kf, &len, NULL);
          g_autoptr(GError) error = NULL;
          if (!pfm_file_write_atomic (path, data, len, &error))
            g_debug ("%s", error->message);
        }
    }
  g_mutex_unlock (&threads_lock);
  return best;
}
