/* pfm-bpm-budget.c - what is known of a propagation before it runs: the
 * memory budget and estimate, the time estimate, the set-up warnings
 * (docs/physics.md section 3, docs/architecture.md)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-bpm"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pfm-bpm-private.h"

#define DEFAULT_VOLUME_BUDGET (G_GUINT64_CONSTANT (64) << 20)
#define DEFAULT_VOLUME_SIDE   128
/* Bytes per grid point: E, S, three propagators (complex float); static
 * phase, amplitude and two layer maps (float); edge mask; FFTW's own
 * buffers for threaded plans (about one more field). */
#define BYTES_PER_POINT       (5 * 8 + 4 * 4 + 1 + 8)

gboolean
pfm_bpm_parse_memory_budget (const char *text, guint64 *bytes, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  guint64 v = 0;
  gboolean ok = text[0] != '\0';
  for (const char *p = text; ok && *p; p++)
    {
      if (!g_ascii_isdigit (*p) || v > (G_MAXUINT64 - (guint64) (*p - '0')) / 10)
        ok = FALSE;
      else
        v = 10 * v + (guint64) (*p - '0');
    }
  if (!ok || v == 0)
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_BUDGET,
                   "PFM_MEMORY_BUDGET = \"%s\" is not accepted: give the budget as a whole number of bytes, "
                   "digits only and at least 1 (e.g. PFM_MEMORY_BUDGET=4000000000), or unset it for the default",
                   text);
      return FALSE;
    }
  if (bytes != NULL)
    *bytes = v;
  return TRUE;
}

gboolean
pfm_bpm_check_memory_budget_env (GError **error)
{
  const char *env = g_getenv ("PFM_MEMORY_BUDGET");
  return env == NULL || pfm_bpm_parse_memory_budget (env, NULL, error);
}

/* Bytes the process may still map under RLIMIT_AS and RLIMIT_DATA
 * (G_MAXUINT64 when neither is set). */
static guint64
rlimit_room (void)
{
  guint64 room = G_MAXUINT64;
  const int which[] = { RLIMIT_AS, RLIMIT_DATA };
  guint64 used = 0;
  g_autofree char *statm = NULL;
  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    used = g_ascii_strtoull (statm, NULL, 10) * (guint64) sysconf (_SC_PAGESIZE);
  for (guint i = 0; i < G_N_ELEMENTS (which); i++)
    {
      struct rlimit rl;
      if (getrlimit (which[i], &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        room = MIN (room, (guint64) rl.rlim_cur > used ? (guint64) rl.rlim_cur - used : 0);
    }
  return room;
}

guint64
pfm_bpm_default_memory_budget (void)
{
  const char *env = g_getenv ("PFM_MEMORY_BUDGET");
  guint64 v;
  if (env != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (pfm_bpm_parse_memory_budget (env, &v, &error))
        return v;
      /* Front ends refuse this before they start (the CLI exits 2); an
       * embedder that did not check is told, once, and gets the default. */
      static gsize warned = 0;
      if (g_once_init_enter (&warned))
        {
          g_warning ("%s; using the default budget", error->message);
          g_once_init_leave (&warned, 1);
        }
    }
  /* Half the machine's memory, at most 8 GiB. */
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);
  guint64 phys = (pages > 0 && page > 0) ? (guint64) pages * page : G_GUINT64_CONSTANT (4) << 30;
  guint64 budget = MIN (phys / 2, G_GUINT64_CONSTANT (8) << 30);
  /* Under ulimit -v / -d, half of what is left: thread stacks, malloc's
   * arenas and FFTW's planner take address space the estimate does not
   * count, and running out there aborts rather than failing. */
  guint64 room = rlimit_room ();
  if (room != G_MAXUINT64)
    budget = MIN (budget, MAX (room / 2, 1));
  return budget;
}

/* Slices a run records: z = 0, every record_every-th step, and the end. */
guint64
pfm_bpm_n_records (const PfmConfig *cfg)
{
  guint64 steps = pfm_config_n_steps (cfg);
  guint every = cfg->grid.record_every;
  return 1 + steps / every + (steps % every ? 1 : 0);
}

void
pfm_bpm_volume_layout (const PfmConfig *cfg, const PfmBpmOptions *o, int *factor, int *vnx,
               guint *stride, guint *capacity)
{
  const int side = o->volume_max_side > 0 ? o->volume_max_side : DEFAULT_VOLUME_SIDE;
  const guint64 budget = o->volume_budget > 0 ? o->volume_budget : DEFAULT_VOLUME_BUDGET;
  const int n = cfg->grid.n;
  int f = (n + side - 1) / side;
  *factor = f;
  *vnx = n / f;
  guint64 nrec = pfm_bpm_n_records (cfg);
  guint64 slice = (guint64) (*vnx) * (*vnx) * 2 * sizeof (float);
  guint64 s = (nrec * slice + budget - 1) / budget;
  *stride = (guint) MAX (1, s);
  *capacity = (guint) ((nrec + *stride - 1) / *stride + 1);
}

char *
pfm_bpm_format_mib (guint64 bytes)
{
  const double mib = bytes / 1048576.0;
  return mib >= 10.0 ? g_strdup_printf ("%.0f MiB", mib) : g_strdup_printf ("%.2g MiB", mib);
}

guint64
pfm_bpm_estimate_memory (const PfmConfig *cfg, const PfmBpmOptions *opts)
{
  PfmBpmOptions defaults = { 0 };
  const PfmBpmOptions *o = opts ? opts : &defaults;
  guint64 nn = (guint64) cfg->grid.n * cfg->grid.n;
  guint64 bytes = nn * BYTES_PER_POINT;
  /* The diagnostics rows (kept for the whole run), and their CSV. */
  const guint64 nrec = pfm_bpm_n_records (cfg);
  bytes += nrec * sizeof (PfmDiagRow);
  if (o->diagnostics_csv)
    bytes += nrec * PFM_RECORD_CSV_ROW_BYTES;
  if (!o->no_volume)
    {
      int f, vnx;
      guint stride, cap;
      pfm_bpm_volume_layout (cfg, o, &f, &vnx, &stride, &cap);
      /* Two arrays (intensity, dn), and the file's image when written. */
      const guint64 samples = (guint64) cap * vnx * vnx;
      bytes += samples * 2 * sizeof (float);
      bytes += pfm_record_field_write_bytes (o->field_format, samples);
    }
  if (cfg->medium.kind == PFM_MEDIUM_FILE && cfg->medium.file != NULL)
    {
      /* Read whole and decoded in place (pfm_medium_load_map). */
      GStatBuf st;
      if (g_stat (cfg->medium.file, &st) == 0)
        bytes += st.st_size;
    }
  /* A fabricated copy: its voxels, and a profile per layer. */
  bytes += pfm_medium_estimate_copy_bytes (cfg);
  if (pfm_defects_profile_varies (cfg))
    bytes += nn * sizeof (float);
  return bytes;
}

/* The term of the step phase k0 h (max|dn| + |n2| I_peak) that is to
 * blame when it exceeds PFM_BPM_MAX_STEP_PHASE, in words. */
char *
pfm_bpm_step_phase_cause (const PfmBpm *b, double h, double peak)
{
  const PfmMedium *m = b->medium;
  const double index = b->k0 * h * m->max_abs_dn;
  const double kerr = b->k0 * h * fabs (b->cfg->optics.n2) * peak;
  if (index >= kerr)
    return g_strdup_printf ("the index contrast: max|dn| = %.3g (the guide's profile %.3g, the voxels %.3g) "
                            "gives %.2f rad per step by itself (the Kerr phase %.2g rad); "
                            "lower grid.dz below %.3g m or the index contrast",
                            m->max_abs_dn, m->profile_abs_dn, m->voxel_abs_dn, index, kerr,
                            PFM_BPM_MAX_STEP_PHASE / (b->k0 * m->max_abs_dn));
  return g_strdup_printf ("the Kerr phase: the peak intensity %.3g W/m^2 gives k0 n2 I dz = %.2f rad per step "
                          "(the index contrast %.2g rad); lower grid.dz or beam.power (or the beam is collapsing)",
                          peak, kerr, index);
}

/* Costs measured on the 2-core development machine (one thread): a step
 * (forward and inverse FFT, the real-space pass) takes about this much per
 * grid point and log2 of the point count ... */
#define COST_PER_POINT_LOG_S 3e-9
/* ... and a voxel of a layer (computed, and averaged into the step) about
 * this much: 1.64e7 voxels took 0.23 s. */
#define COST_PER_VOXEL_S     1.4e-8

double
pfm_bpm_estimate_seconds (PfmBpm *b)
{
  g_return_val_if_fail (b != NULL, 0.0);
  const double nn = (double) b->nn;
  double t = (double) b->n_steps * COST_PER_POINT_LOG_S * nn * MAX (1.0, log2 (nn));
  if (b->layered)
    {
      /* Every layer the run crosses is computed (at least once), and each
       * is expanded onto the grid. */
      const double layers = MIN ((double) b->nlz, ceil (b->length / b->voxel));
      const double per_layer = b->has_voxels ? (double) b->medium->nvx * b->medium->nvy : 0.0;
      t += layers * (per_layer * COST_PER_VOXEL_S + nn * COST_PER_POINT_LOG_S);
    }
  return t;
}

static char *
format_duration (double s)
{
  if (s < 120.0)
    return g_strdup_printf ("%.0f s", s);
  if (s < 7200.0)
    return g_strdup_printf ("%.0f minutes", s / 60.0);
  return g_strdup_printf ("%.1f hours", s / 3600.0);
}

GPtrArray *
pfm_bpm_setup_warnings (PfmBpm *b)
{
  g_return_val_if_fail (b != NULL, NULL);
  GPtrArray *w = g_ptr_array_new_with_free_func (g_free);
  const double dx = b->grid.dx;
  if (b->has_voxels && b->voxel / dx < 2.0)
    g_ptr_array_add (w, g_strdup_printf ("the grid under-samples the voxels: %.2f samples per voxel edge (at least 2 needed); "
                                         "raise grid.n or narrow grid.window", b->voxel / dx));
  if (b->has_voxels && b->dz > b->voxel)
    g_ptr_array_add (w, g_strdup_printf ("grid.dz = %.3g m is longer than a voxel (%.3g m): each step averages several voxel layers",
                                         b->dz, b->voxel));
  const double t = pfm_bpm_estimate_seconds (b);
  if (t > PFM_BPM_LONG_RUN_S)
    {
      g_autofree char *d = format_duration (t);
      g_ptr_array_add (w, g_strdup_printf ("this run is estimated to take about %s on one core "
                                           "(%u steps of a %d x %d grid, %" G_GUINT64_FORMAT " voxels in the sample); "
                                           "Ctrl-C cancels it", d, b->n_steps, b->n, b->n,
                                           pfm_medium_n_parameters (b->medium)));
    }
  return w;
}
