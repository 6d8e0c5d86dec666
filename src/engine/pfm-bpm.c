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

#include <glib/gstdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-detector.h"
#include "pfm-kernels.h"

G_DEFINE_QUARK (pfm-bpm-error-quark, pfm_bpm_error)

#define DEFAULT_VOLUME_BUDGET (G_GUINT64_CONSTANT (64) << 20)
#define DEFAULT_VOLUME_SIDE   128
/* Bytes per grid point: E, S, three propagators (complex float); static
 * phase, amplitude and two layer maps (float); edge mask; FFTW's own
 * buffers for threaded plans (about one more field). */
#define BYTES_PER_POINT       (5 * 8 + 4 * 4 + 1 + 8)

/* Why a run stopped before the exit facet, and the numbers its message
 * quotes. */
typedef enum {
  BPM_STOP_NONE,
  BPM_STOP_NON_FINITE,   /* the field became non-finite */
  BPM_STOP_STEP_PHASE,   /* the real-space phase of a step grew too large */
  BPM_STOP_EDGE,         /* the spectrum reached the grid's edge */
} BpmStopKind;

typedef struct
{
  BpmStopKind kind;
  double      z;         /* where (m) */
  double      h;         /* STEP_PHASE: the step */
  double      peak;      /* STEP_PHASE, EDGE: the peak intensity (W/m^2) */
  double      dphi;      /* STEP_PHASE: the phase (rad) */
  double      edge;      /* EDGE: the fraction of the power in the outer band */
  double      b_integral;/* EDGE: the B-integral so far (rad) */
} BpmStop;

struct _PfmBpm
{
  PfmConfig   *cfg;
  PfmBpmOptions opts;
  PfmGrid      grid;
  PfmMedium   *medium;
  int          n;
  gsize        nn;
  double       k0, k, dz, length, voxel;
  guint        n_steps;

  float       *E;          /* the field (real space, or spectral when `spectral`) */
  float       *S;          /* scratch: the synchronised field of the last record */
  float       *d_full;     /* exp(-i K^2 dz / 2k) - 1 */
  float       *d_half;     /* exp(-i K^2 dz / 4k) - 1 */
  float       *d_tmp;      /* any other h */
  double      *kx2;        /* kx^2 of each column (and ky^2 of each row), 1/m^2;
                            * then 3 n doubles of scratch for pfm_medium_fill_profile */
  double       d_tmp_h;
  float        inv_nn;     /* FFTW's unnormalised pair: exact for n = 2^m */
  float       *ps;         /* k0 dz dn_profile */
  float       *amp;        /* exp(-(alpha/2 + sigma) dz); NULL if 1 everywhere */
  guint8      *edge;       /* outer band of spatial frequencies */
  int         *cvox, *rvox;/* voxel index of each column / row, -1 outside */
  gboolean     has_voxels;
  gboolean     profile_varies; /* a copy whose guide changes along z */
  gboolean     layered;    /* has_voxels || profile_varies: per-layer maps */
  int          nlz;        /* layers the maps distinguish (medium->nlz) */
  float       *ps_layer;   /* k0 dz dn_profile of layer ps_layer_l (profile_varies) */
  int          ps_layer_l;
  float       *map[2];     /* ps + k0 dz dn_voxel(layer), for two cached layers */
  int          map_layer[2];
  gboolean     outside_ready[2]; /* the slot's rows outside the core hold ps */
  float       *layer;      /* nvx * nvy scratch */
  float       *layer_avg;  /* nvx * nvy scratch */

  fftwf_plan   fwd, bwd;

  /* Run state */
  double       z;
  double       pending;    /* diffraction owed to the field, m */
  gboolean     spectral;
  double       b_integral;
  float        kerr_dz;    /* k0 n2 dz */
  double       power_before_fft;  /* sum |E|^2 leaving the last nonlinear pass */
  double       fft_gain;   /* compensates the float FFT pair's power loss; kept in
                            * double so that it integrates the error that its
                            * float rounding leaves (sigma-delta fashion) */
  gboolean     input_set;
  gboolean     dark_warned;  /* the "no light is left" warning was given this run */

  /* The run in progress (pfm_bpm_execute): its status, its finite
   * slices, and why it stopped, kept as numbers so that the message is
   * only written when asked for (pfm_bpm_stop_reason). */
  PfmRunStatus status;
  guint        steps_done;
  guint        slices;
  BpmStop      stop;
};

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
static guint64
n_records (const PfmConfig *cfg)
{
  guint64 steps = pfm_config_n_steps (cfg);
  guint every = cfg->grid.record_every;
  return 1 + steps / every + (steps % every ? 1 : 0);
}

static void
volume_layout (const PfmConfig *cfg, const PfmBpmOptions *o, int *factor, int *vnx,
               guint *stride, guint *capacity)
{
  const int side = o->volume_max_side > 0 ? o->volume_max_side : DEFAULT_VOLUME_SIDE;
  const guint64 budget = o->volume_budget > 0 ? o->volume_budget : DEFAULT_VOLUME_BUDGET;
  const int n = cfg->grid.n;
  int f = (n + side - 1) / side;
  *factor = f;
  *vnx = n / f;
  guint64 nrec = n_records (cfg);
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
  const guint64 nrec = n_records (cfg);
  bytes += nrec * sizeof (PfmDiagRow);
  if (o->diagnostics_csv)
    bytes += nrec * PFM_RECORD_CSV_ROW_BYTES;
  if (!o->no_volume)
    {
      int f, vnx;
      guint stride, cap;
      volume_layout (cfg, o, &f, &vnx, &stride, &cap);
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

static const float *
propagator (PfmBpm *b, double h)
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
static const float *
profile_phase (PfmBpm *b, int l)
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
  const float *ps = profile_phase (b, l);
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

PfmBpm *
pfm_bpm_new (const PfmConfig *cfg, const PfmBpmOptions *opts, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);

  if (!pfm_config_validate (cfg, error))
    return NULL;

  PfmBpmOptions o = { 0 };
  if (opts != NULL)
    o = *opts;
  if (o.threads == 0)
    o.threads = 1;
  if (o.memory_budget == 0)
    o.memory_budget = pfm_bpm_default_memory_budget ();

  guint64 need = pfm_bpm_estimate_memory (cfg, &o);
  if (need > o.memory_budget)
    {
      g_autofree char *need_s = pfm_bpm_format_mib (need);
      g_autofree char *budget_s = pfm_bpm_format_mib (o.memory_budget);
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "grid.n = %d with %" G_GUINT64_FORMAT " recorded slices needs about %s, over the memory budget of %s: "
                   "lower grid.n (memory grows as n^2), raise grid.record_every, or raise PFM_MEMORY_BUDGET",
                   cfg->grid.n, n_records (cfg), need_s, budget_s);
      return NULL;
    }

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
      return NULL;
    }

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
  pfm_kernel_cmul (b->E, propagator (b, b->pending + 0.5 * h), (float) (b->inv_nn * b->fft_gain), b->nn);
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

static void
diagnostics (const PfmBpm *b, const float *f, PfmDiagRow *row)
{
  const PfmGrid *g = &b->grid;
  double s = 0, sx = 0, sxx = 0, sy = 0, syy = 0;
  float peak = 0.0f;
  for (int j = 0; j < b->n; j++)
    {
      const double y = pfm_grid_x (g, j);
      const float *r = f + 2 * (gsize) j * b->n;
      double rs = 0, rx = 0, rxx = 0;
      for (int i = 0; i < b->n; i++)
        {
          const float I = r[2 * i] * r[2 * i] + r[2 * i + 1] * r[2 * i + 1];
          const double x = pfm_grid_x (g, i);
          peak = I > peak ? I : peak;
          rs += I;
          rx += I * x;
          rxx += I * x * x;
        }
      s += rs;
      sx += rx;
      sxx += rxx;
      sy += rs * y;
      syy += rs * y * y;
    }
  const double da = g->dx * g->dx;
  row->z = b->z;
  row->power = s * da;
  row->peak_intensity = peak;
  row->b_integral = b->b_integral;
  if (s > 0.0 && peak >= PFM_RECORD_MIN_INTENSITY)
    {
      row->centroid_x = sx / s;
      row->centroid_y = sy / s;
      row->width_x = 2.0 * sqrt (MAX (0.0, sxx / s - row->centroid_x * row->centroid_x));
      row->width_y = 2.0 * sqrt (MAX (0.0, syy / s - row->centroid_y * row->centroid_y));
    }
  else
    row->centroid_x = row->centroid_y = row->width_x = row->width_y = 0.0;
}

static void
record_volume_slice (PfmBpm *b, PfmRecord *rec, const float *f)
{
  if (rec->vol_count >= rec->vol_capacity)
    return;
  const int fct = rec->vol_factor, vn = rec->vol_nx;
  const guint k = rec->vol_count;
  float *vi = rec->vol_intensity + (gsize) k * vn * vn;
  float *vd = rec->vol_dn + (gsize) k * vn * vn;
  const double inv_k0dz = 1.0 / (b->k0 * b->dz);
  const int nvx = b->medium->nvx;
  int lz = (int) floor (b->z / b->voxel);
  if (b->has_voxels)
    pfm_medium_fill_layer (b->medium, MIN (lz, b->medium->nvz), b->layer);
  const float *ps = profile_phase (b, lz);
  const float norm = 1.0f / (fct * fct);

  for (int J = 0; J < vn; J++)
    for (int I = 0; I < vn; I++)
      {
        double si = 0.0, sd = 0.0;
        for (int j = J * fct; j < (J + 1) * fct; j++)
          for (int i = I * fct; i < (I + 1) * fct; i++)
            {
              const gsize p = (gsize) j * b->n + i;
              si += f[2 * p] * f[2 * p] + f[2 * p + 1] * f[2 * p + 1];
              double dn = ps[p] * inv_k0dz;
              if (b->has_voxels && b->cvox[i] >= 0 && b->rvox[j] >= 0)
                dn += b->layer[(gsize) b->rvox[j] * nvx + b->cvox[i]];
              sd += dn;
            }
        vi[(gsize) J * vn + I] = (float) si * norm;
        vd[(gsize) J * vn + I] = (float) sd * norm;
      }
  rec->vol_z[k] = b->z;
  rec->vol_count++;
}

/* Brings the field to the true z in the scratch buffer S and checks it
 * (finite; light left; the spectrum inside the grid's band).  With a
 * record, appends a diagnostics row (and a volume slice) and the
 * warnings; without one, allocates nothing. */
static void
record_slice (PfmBpm *b, PfmRecord *rec, const PfmBpmCallbacks *cb, gboolean force_volume)
{
  if (!b->spectral)
    {
      fftwf_execute (b->fwd);
      b->spectral = TRUE;
    }
  double edge = 0.0;
  double total = pfm_kernel_cmul_to (b->S, b->E, propagator (b, b->pending), b->inv_nn,
                                     b->edge, &edge, b->nn);
  fftwf_execute_dft (b->bwd, (fftwf_complex *) b->S, (fftwf_complex *) b->S);

  PfmDiagRow row;
  diagnostics (b, b->S, &row);
  if (rec != NULL)
    {
      g_array_append_val (rec->rows, row);
      guint r = rec->rows->len - 1;
      if (rec->vol_intensity != NULL && (r % rec->vol_stride == 0 || force_volume))
        record_volume_slice (b, rec, b->S);
    }

  if (!isfinite (row.power) || !isfinite (row.peak_intensity))
    {
      b->status = PFM_RUN_UNRESOLVED;
      b->stop = (BpmStop) { .kind = BPM_STOP_NON_FINITE, .z = b->z };
      /* Never let a NaN row reach an output. */
      if (rec != NULL)
        g_array_set_size (rec->rows, rec->rows->len - 1);
    }
  else if (row.peak_intensity < PFM_RECORD_MIN_INTENSITY)
    {
      b->slices++;
      /* No light left to resolve: the spectrum of what float32 keeps of
       * it is rounding noise, not detail (that once read as "collapse"). */
      if (!b->dark_warned && rec != NULL)
        pfm_record_add_warning (rec, "no light is left from z = %.4g m: the power fell to %.3g W (%.3g W at the input; "
                                "optics.loss = %g 1/m, and the absorbing boundary), below what single precision "
                                "resolves: widths and centroids are undefined from there",
                                b->z, row.power, rec->input_power, b->cfg->optics.loss);
      b->dark_warned = TRUE;
    }
  else
    {
      b->slices++;
      if (total > 0.0 && edge / total > PFM_BPM_MAX_EDGE_POWER && b->status == PFM_RUN_RUNNING)
        {
          b->status = PFM_RUN_UNRESOLVED;
          b->stop = (BpmStop) { .kind = BPM_STOP_EDGE, .z = b->z, .edge = edge / total,
                                .b_integral = b->b_integral, .peak = row.peak_intensity };
        }
    }

  if (rec != NULL && cb && cb->slice)
    cb->slice (rec, cb->user_data);
}

/* The term of the step phase k0 h (max|dn| + |n2| I_peak) that is to
 * blame when it exceeds PFM_BPM_MAX_STEP_PHASE, in words. */
static char *
step_phase_cause (const PfmBpm *b, double h, double peak)
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

/* The input's checks: the set-up warnings and the step phase at the
 * input go to the record (if any); the dark input is noted either way. */
static void
check_setup (PfmBpm *b, PfmRecord *rec)
{
  double peak = 0.0;
  for (gsize p = 0; p < b->nn; p++)
    peak = MAX (peak, (double) b->E[2 * p] * b->E[2 * p] + (double) b->E[2 * p + 1] * b->E[2 * p + 1]);
  const double input_power = pfm_field_power (b->E, &b->grid);
  /* Said once a run: from the input, or where the light runs out. */
  b->dark_warned = input_power <= 0.0 || peak < PFM_RECORD_MIN_INTENSITY;
  if (rec == NULL)
    return;

  rec->input_power = input_power;
  g_autoptr(GPtrArray) setup = pfm_bpm_setup_warnings (b);
  for (guint i = 0; i < setup->len; i++)
    pfm_record_add_warning (rec, "%s", (const char *) setup->pdata[i]);
  double phase = b->k0 * b->dz * (b->medium->max_abs_dn + fabs (b->cfg->optics.n2) * peak);
  if (phase > PFM_BPM_MAX_STEP_PHASE)
    {
      g_autofree char *cause = step_phase_cause (b, b->dz, peak);
      pfm_record_add_warning (rec, "the real-space phase per step is %.2f rad at the input (above %.1f), from %s: "
                              "the split-step is under-resolved", phase, PFM_BPM_MAX_STEP_PHASE, cause);
    }
  if (b->dark_warned)
    pfm_record_add_warning (rec, "the input carries no light (power %.3g W, peak %.3g W/m^2): "
                            "widths and centroids are undefined; check beam.power and beam.input",
                            rec->input_power, peak);
}

PfmRecord *
pfm_bpm_record_new (PfmBpm *b, GError **error)
{
  g_return_val_if_fail (b != NULL, NULL);
  g_autoptr(PfmRecord) rec = pfm_record_new ();
  rec->n_steps = b->n_steps;
  rec->n_parameters = pfm_medium_n_parameters (b->medium);
  rec->memory_estimate = pfm_bpm_estimate_memory (b->cfg, &b->opts);
  /* The rows at their final size, checked: grown by doubling they would
   * pass through twice the size, and a failed g_array growth aborts. */
  if (!pfm_record_reserve_rows (rec, (guint) MIN (n_records (b->cfg), G_MAXUINT)))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "out of memory for the %" G_GUINT64_FORMAT " diagnostics rows: raise grid.record_every",
                   n_records (b->cfg));
      return NULL;
    }
  if (!b->opts.no_volume)
    {
      int f, vn;
      guint stride, cap;
      volume_layout (b->cfg, &b->opts, &f, &vn, &stride, &cap);
      rec->vol_factor = f;
      rec->vol_nx = rec->vol_ny = vn;
      rec->vol_stride = stride;
      rec->vol_capacity = cap;
      rec->vol_dx = b->grid.dx * f;
      rec->vol_x0 = pfm_grid_x (&b->grid, 0) + 0.5 * (f - 1) * b->grid.dx;
      gsize slice = (gsize) vn * vn;
      rec->vol_intensity = g_try_new0 (float, slice * cap);
      rec->vol_dn = g_try_new0 (float, slice * cap);
      rec->vol_z = g_try_new0 (double, cap);
      if (rec->vol_intensity == NULL || rec->vol_dn == NULL || rec->vol_z == NULL)
        {
          g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY, "out of memory for the recorded volume");
          return NULL;
        }
    }
  return g_steal_pointer (&rec);
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

  check_setup (b, rec);
  record_slice (b, rec, cb, FALSE);

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
        record_slice (b, rec, cb, last);
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

char *
pfm_bpm_stop_reason (PfmBpm *b)
{
  g_return_val_if_fail (b != NULL, NULL);
  const BpmStop *st = &b->stop;
  switch (st->kind)
    {
    case BPM_STOP_NON_FINITE:
      return g_strdup_printf ("the field became non-finite at z = %.4g m", st->z);
    case BPM_STOP_STEP_PHASE:
      {
        g_autofree char *cause = step_phase_cause (b, st->h, st->peak);
        return g_strdup_printf ("the real-space phase per step reached %.2f rad (above %.1f) at z = %.4g m, from %s",
                                st->dphi, PFM_BPM_MAX_STEP_PHASE, st->z, cause);
      }
    case BPM_STOP_EDGE:
      {
        const PfmMedium *m = b->medium;
        g_autofree char *cause = st->b_integral >= PFM_BPM_COLLAPSE_B_INTEGRAL
          ? g_strdup_printf ("self-focusing: the B-integral reached %.3g rad (peak intensity %.3g W/m^2); "
                             "lower beam.power, or raise grid.n", st->b_integral, st->peak)
          : g_strdup_printf ("light scattered to wide angles by the index structure (max|dn| = %.3g: the guide's "
                             "profile %.3g, the voxels %.3g; B-integral only %.2g rad); raise grid.n or narrow grid.window",
                             m->max_abs_dn, m->profile_abs_dn, m->voxel_abs_dn, st->b_integral);
        return g_strdup_printf ("the spectrum reached the grid's edge at z = %.4g m "
                                "(%.2g of the power in the outer %.0f%% of spatial frequencies, "
                                "above %.0e): the field holds finer detail than the grid resolves, from %s",
                                st->z, st->edge, 100 * PFM_BPM_EDGE_BAND, PFM_BPM_MAX_EDGE_POWER, cause);
      }
    case BPM_STOP_NONE:
    default:
      return NULL;
    }
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
