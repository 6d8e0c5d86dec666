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

#include <string.h>

#include <glib/gstdio.h>

#include "pfm-export.h"
#include "pfm-fftw.h"

static GMutex planner_lock;
static char *wisdom_path;

const char *
pfm_fftw_wisdom_path (void)
{
  pfm_fftw_init ();
  return wisdom_path;
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
      if (wisdom_path[0] != '\0')
        fftwf_import_wisdom_from_filename (wisdom_path);   /* absent or stale: ignored */
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
      if (!pfm_export_write_atomic (wisdom_path, text, strlen (text), &error))
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
