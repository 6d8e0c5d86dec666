/* pfm-cli-bench.c - `pfm-cli bench`: the split step against the FFT limit
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each split step costs one forward and one inverse FFT plus pointwise
 * work; the FFT pair is the floor.  For each grid size and thread count
 * this measures, in the same run and on the same plans, the time of a full
 * step (default device: step guide, random voxels, Kerr) and of a raw FFTW
 * pair, and reports their ratio: a number that means the same on any
 * machine.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfm-adjoint.h"
#include "pfm-bpm.h"
#include "pfm-cli-common.h"
#include "pfm-export.h"

typedef struct
{
  int    n;
  int    threads;
  double step_min, step_median;    /* s */
  double fft_min, fft_median;      /* s, one forward + one inverse */
  double ratio_min, ratio_median;  /* step / pair, per repeat */
} BenchRow;

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Enough iterations for ~0.1 s of work per timing. */
static int
iterations_for (int n)
{
  double work = (double) n * n * MAX (1.0, log2 ((double) n * n));
  return CLAMP ((int) (4e7 / work), 5, 2000);
}

static gboolean
bench_one (int n, int threads, int repeats, BenchRow *row, GError **error)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  cfg->grid.n = n;
  PfmBpmOptions opts = { .threads = threads, .rigor = PFM_PLAN_MEASURE, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, error);
  if (bpm == NULL || !pfm_bpm_set_input_from_config (bpm, error))
    return FALSE;
  pfm_bpm_bench_prepare (bpm);

  const int iters = iterations_for (n);
  g_autofree double *steps = g_new (double, repeats);
  g_autofree double *ffts = g_new (double, repeats);
  g_autofree double *ratios = g_new (double, repeats);
  g_autoptr(GTimer) t = g_timer_new ();

  for (int i = 0; i < iters / 4 + 1; i++)   /* warm caches and the layer maps */
    pfm_bpm_step (bpm);
  for (int r = 0; r < repeats; r++)
    {
      /* Interleaved, so both see the same machine state. */
      g_timer_start (t);
      for (int i = 0; i < iters; i++)
        pfm_bpm_fft_pair (bpm);
      ffts[r] = g_timer_elapsed (t, NULL) / iters;
      g_timer_start (t);
      for (int i = 0; i < iters; i++)
        pfm_bpm_step (bpm);
      steps[r] = g_timer_elapsed (t, NULL) / iters;
      ratios[r] = steps[r] / ffts[r];
    }
  row->n = n;
  row->threads = threads;
  row->step_median = median (steps, repeats);
  row->fft_median = median (ffts, repeats);
  row->ratio_median = median (ratios, repeats);
  row->step_min = steps[0];
  row->fft_min = ffts[0];
  row->ratio_min = ratios[0];   /* sorted by median () */
  return TRUE;
}

static gboolean
parse_int_list (const char *text, const char *what, int lo, int hi, GArray *out)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      gint64 v;
      if (!g_ascii_string_to_signed (g_strstrip (parts[i]), 10, lo, hi, &v, NULL))
        {
          pfm_cli_error ("bench", "%s \"%s\": accepted comma-separated integers in [%d, %d]", what, parts[i], lo, hi);
          return FALSE;
        }
      int iv = (int) v;
      g_array_append_val (out, iv);
    }
  return out->len > 0;
}

/* ---- --train: the adjoint's forward + backward against four FFTs a step */

typedef struct
{
  PfmAdjoint   *adj;
  const double *dn;
  gsize         nv;
  int           reps;
  gboolean      fft_only;
  double       *grad;
  double        powers[16];
  double        w[16];
} TrainBenchArg;

static gpointer
train_bench_worker (gpointer user_data)
{
  TrainBenchArg *a = user_data;
  const guint steps = pfm_adjoint_n_steps (a->adj);
  for (int r = 0; r < a->reps; r++)
    {
      if (a->fft_only)
        for (guint s = 0; s < steps; s++)
          pfm_adjoint_fft_quad (a->adj);
      else
        {
          pfm_adjoint_forward (a->adj, a->powers);
          pfm_adjoint_backward (a->adj, a->w, a->grad);
        }
    }
  return NULL;
}

/* Wall time per example of @threads workers running at once. */
static double
time_workers (TrainBenchArg *args, int threads, gboolean fft_only)
{
  GThread *th[64];
  g_autoptr(GTimer) t = g_timer_new ();
  for (int w = 0; w < threads; w++)
    {
      args[w].fft_only = fft_only;
      th[w] = g_thread_new ("pfm-bench", train_bench_worker, &args[w]);
    }
  for (int w = 0; w < threads; w++)
    g_thread_join (th[w]);
  return g_timer_elapsed (t, NULL) / ((double) threads * args[0].reps);
}

/* The digits project's device (data/projects/train-digits.pfm) on an n^2 grid. */
static PfmConfig *
train_bench_config (int n, GError **error)
{
  static const char *const keys[] = {
    "tube.side=1.6e-05", "tube.length=0.0002", "medium.voxel=1e-06", "medium.delta_n=0.005",
    "beam.kind=slm", "beam.slm_pixels=64", "detector.regions=10", "grid.window=3.2e-05", "grid.dz=1e-06",
  };
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!pfm_config_set_assignment (cfg, keys[i], error))
      return NULL;
  cfg->grid.n = n;
  return pfm_config_validate (cfg, error) ? g_steal_pointer (&cfg) : NULL;
}

static gboolean
bench_train_one (int n, int threads, int repeats, BenchRow *row, GError **error)
{
  g_autoptr(PfmConfig) cfg = train_bench_config (n, error);
  if (cfg == NULL)
    return FALSE;
  g_autofree TrainBenchArg *args = g_new0 (TrainBenchArg, threads);
  double values[64];
  for (int q = 0; q < 64; q++)
    values[q] = 0.5 + 0.5 * sin (1.7 * q);
  gboolean ok = TRUE;
  g_autofree double *dn = NULL;
  for (int w = 0; w < threads && ok; w++)
    {
      args[w].adj = pfm_adjoint_new (cfg, 0, error);
      if (args[w].adj == NULL)
        {
          ok = FALSE;
          break;
        }
      args[w].nv = pfm_adjoint_n_voxels (args[w].adj);
      if (dn == NULL)
        {
          dn = g_new (double, args[w].nv);
          for (gsize v = 0; v < args[w].nv; v++)
            dn[v] = cfg->medium.delta_n * sin (0.37 * v);
        }
      args[w].grad = g_new0 (double, args[w].nv);
      for (int k = 0; k < 16; k++)
        args[w].w[k] = k % 3 - 1.0;
      pfm_adjoint_set_dn (args[w].adj, dn);
      pfm_adjoint_set_input_values (args[w].adj, values);
      /* Enough examples for ~0.2 s per timing. */
      args[w].reps = CLAMP ((int) (2e5 / ((double) n * n)), 2, 50);
      pfm_adjoint_forward (args[w].adj, args[w].powers);   /* warm up */
    }
  g_autofree double *ex = g_new (double, repeats), *ff = g_new (double, repeats), *ra = g_new (double, repeats);
  for (int r = 0; ok && r < repeats; r++)
    {
      /* Interleaved, so a load on the machine hits both alike. */
      ex[r] = time_workers (args, threads, FALSE);
      ff[r] = time_workers (args, threads, TRUE);
      ra[r] = ex[r] / ff[r];
    }
  for (int w = 0; w < threads; w++)
    {
      pfm_adjoint_free (args[w].adj);
      g_free (args[w].grad);
    }
  if (!ok)
    return FALSE;
  row->n = n;
  row->threads = threads;
  double lo = ra[0], elo = ex[0], flo = ff[0];
  for (int r = 1; r < repeats; r++)
    {
      lo = MIN (lo, ra[r]);
      elo = MIN (elo, ex[r]);
      flo = MIN (flo, ff[r]);
    }
  row->ratio_min = lo;
  row->step_min = elo;
  row->fft_min = flo;
  row->ratio_median = median (ra, repeats);
  row->step_median = median (ex, repeats);
  row->fft_median = median (ff, repeats);
  return TRUE;
}

/* One row of the result: a JSON object (@last: without the comma) or a
 * line of the table (of training's columns when @train). */
static void
append_row (GString *s, const BenchRow *row, gboolean json, gboolean train, int repeats, gboolean last)
{
  if (json)
    {
      g_string_append_printf (s, "  {\"n\": %d, \"threads\": %d, \"%s\": ", row->n, row->threads,
                              train ? "example_s" : "step_s");
      pfm_export_json_number (s, row->step_median);
      g_string_append_printf (s, ", \"%s\": ", train ? "example_min_s" : "step_min_s");
      pfm_export_json_number (s, row->step_min);
      g_string_append_printf (s, ", \"%s\": ", train ? "fft_floor_s" : "fft_pair_s");
      pfm_export_json_number (s, row->fft_median);
      g_string_append (s, ", \"ratio_min\": ");
      pfm_export_json_number (s, row->ratio_min);
      g_string_append (s, ", \"ratio_median\": ");
      pfm_export_json_number (s, row->ratio_median);
      g_string_append_printf (s, ", \"%s\": ", train ? "examples_per_s" : "steps_per_s");
      pfm_export_json_number (s, 1.0 / row->step_median);
      g_string_append_printf (s, ", \"repeats\": %d}%s\n", repeats, last ? "" : ",");
    }
  else if (train)
    g_string_append_printf (s, "%5d  %7d   %12.3f   %19.3f   %9.3f   %12.3f   %10.1f\n",
                            row->n, row->threads, row->step_median * 1e3, row->fft_median * 1e3,
                            row->ratio_min, row->ratio_median, 1.0 / row->step_median);
  else
    g_string_append_printf (s, "%5d  %7d   %9.4f   %13.4f   %9.3f   %12.3f   %7.0f\n",
                            row->n, row->threads, row->step_median * 1e3, row->fft_median * 1e3,
                            row->ratio_min, row->ratio_median, 1.0 / row->step_median);
}

/* Times every grid size of @ns with every thread count of @ts into @s; a
 * table goes to stdout row by row when there is no -o, so a long run
 * shows its progress.  FALSE (the reason printed) when a case fails. */
static gboolean
bench_cases (GString *s, GArray *ns, GArray *ts, int repeats, gboolean json, gboolean train, gboolean to_stdout)
{
  if (json)
    g_string_append (s, "[\n");
  else if (train)
    g_string_append (s, "    n  threads   example (ms)   4 FFTs x steps (ms)   ratio min   ratio median   examples/s\n");
  else
    g_string_append (s, "    n  threads   step (ms)   fft pair (ms)   ratio min   ratio median   steps/s\n");
  for (guint i = 0; i < ns->len; i++)
    for (guint j = 0; j < ts->len; j++)
      {
        BenchRow row;
        g_autoptr(GError) error = NULL;
        const int nt = g_array_index (ts, int, j);
        if (!(train ? bench_train_one (g_array_index (ns, int, i), nt, repeats, &row, &error)
                    : bench_one (g_array_index (ns, int, i), nt, repeats, &row, &error)))
          {
            pfm_cli_error ("bench", "%s", error->message);
            return FALSE;
          }
        append_row (s, &row, json, train, repeats, i + 1 == ns->len && j + 1 == ts->len);
        if (!json && to_stdout)
          {
            fputs (s->str, stdout);
            fflush (stdout);
            g_string_truncate (s, 0);
          }
      }
  if (json)
    g_string_append (s, "]\n");
  return TRUE;
}

int
pfm_cli_bench (int argc, char **argv)
{
  g_autofree char *grids = NULL, *threads = NULL, *format = NULL, *out_path = NULL;
  int repeats = 5;
  gboolean train = FALSE;
  const GOptionEntry entries[] = {
    { "train", 0, 0, G_OPTION_ARG_NONE, &train,
      "Time training instead: the adjoint's forward + backward per example against four FFTs per step "
      "(threads = examples at once; default grids 64,128)", NULL },
    { "grid", 'g', 0, G_OPTION_ARG_STRING, &grids, "Grid sizes n (default 128,256,512,1024)", "LIST" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &threads, "FFTW thread counts (default 1,2)", "LIST" },
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &repeats, "Timed repeats per case, for min and median (default 5)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (default) or json", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write here instead of stdout", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- time the split step against FFTW's own transform");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "ratio = (time of one split step) / (time of one forward + one inverse FFT of\n"
    "the same size, same plan, same threads, same run).  1.0 is the FFT floor.");
  if (!pfm_cli_parse (ctx, "bench", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (argc > 1)
    {
      pfm_cli_error ("bench", "unexpected argument \"%s\"", argv[1]);
      return PFM_EXIT_USAGE;
    }
  gboolean json = FALSE;
  if (format && strcmp (format, "json") == 0)
    json = TRUE;
  else if (format && strcmp (format, "table") != 0)
    {
      pfm_cli_error ("bench", "--format %s: accepted table or json", format);
      return PFM_EXIT_USAGE;
    }
  if (repeats < 1 || repeats > 100)
    {
      pfm_cli_error ("bench", "--repeats = %d is out of range: accepted [1, 100]", repeats);
      return PFM_EXIT_USAGE;
    }
  g_autoptr(GArray) ns = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) ts = g_array_new (FALSE, FALSE, sizeof (int));
  if (!parse_int_list (grids ? grids : (train ? "64,128" : "128,256,512,1024"), "--grid", 16, 8192, ns) ||
      !parse_int_list (threads ? threads : "1,2", "--threads", 1, 64, ts))
    return PFM_EXIT_USAGE;

  g_autoptr(GString) s = g_string_new (NULL);
  if (!bench_cases (s, ns, ts, repeats, json, train, out_path == NULL))
    return PFM_EXIT_FAILED;
  g_autoptr(GError) error = NULL;
  if (!pfm_cli_write_output (out_path, s->str, s->len, &error))
    {
      pfm_cli_error ("bench", "%s", error->message);
      return PFM_EXIT_FAILED;
    }
  return PFM_EXIT_OK;
}
