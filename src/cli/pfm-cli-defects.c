/* pfm-cli-defects.c - `pfm-cli defects`, `pfm-cli tm` and `pfm-cli merge`:
 * Monte-Carlo batches of fabricated copies, transmission matrices, shards
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-cli-common.h"
#include "pfm-export.h"

/* Shards hold one record per copy: 1 GiB is far beyond any real study. */
#define MAX_SHARD_BYTES ((gsize) 1 << 30)

typedef struct
{
  PfmCliProgress bar;
  const char    *what;
} Progress;

static void
progress_cb (guint done, guint total, gpointer user_data)
{
  Progress *p = user_data;
  pfm_cli_progress (&p->bar, done, total, "%s %u/%u", p->what, done, total);
}

/* The exit status of an engine error: a bad value is usage (2), the rest a
 * run that could not complete (1). */
static int
exit_for (const GError *error)
{
  if (error->domain == PFM_CONFIG_ERROR ||
      g_error_matches (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_OPTIONS))
    return PFM_EXIT_USAGE;
  return PFM_EXIT_FAILED;
}

/* One "mean +- std" cell of the summary: never inf or nan.  Effective
 * bits are infinite for a copy without error. */
static char *
stat_text (const PfmBatchResult *r, PfmMetric m, gboolean cal)
{
  if (cal && m == PFM_METRIC_TM_ERROR)
    return g_strdup ("-");
  if (cal && r->options.n_calibration == 0)
    return g_strdup ("- (no calibration)");
  guint n = 0, n_up = 0;
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      const double v = cal ? c->calibrated[m] : c->metric[m];
      if (!c->resolved || isnan (v))
        continue;
      n++;
      n_up += v == INFINITY;
    }
  const PfmMetricStats *st = cal ? &r->stats_calibrated[m] : &r->stats[m];
  if (n == 0)
    return g_strdup ("- (not measured)");
  if (m == PFM_METRIC_EFFECTIVE_BITS && n_up == n)
    return g_strdup ("unbounded (no error)");
  if (m == PFM_METRIC_EFFECTIVE_BITS && n_up > 0)
    return g_strdup_printf ("unbounded (%u of %u without error)", n_up, n);
  if (!isfinite (st->mean) || !isfinite (st->std))
    return g_strdup ("- (not finite)");
  /* A similarity close to 1 needs its digits. */
  const char *fmt = m == PFM_METRIC_COSINE_SIMILARITY ? "%.10f +- %.2g" : "%.4g +- %.2g";
  return g_strdup_printf (fmt, st->mean, st->std);
}

/* A short summary for people: what the JSON says, in a few lines. */
static void
print_summary (const PfmBatchResult *r, GString *out)
{
  static const PfmMetric shown[] = { PFM_METRIC_RELATIVE_ERROR, PFM_METRIC_COSINE_SIMILARITY,
                                     PFM_METRIC_EFFECTIVE_BITS, PFM_METRIC_TM_ERROR };
  g_string_append_printf (out, "%u copies (%u resolved); mean +- std\n", r->copies->len, r->n_resolved);
  g_string_append_printf (out, "  %-18s %-30s %s\n", "metric", "before calibration", "after calibration");
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    {
      const PfmMetric m = shown[i];
      if (m == PFM_METRIC_TM_ERROR && !r->options.tm_error)
        continue;
      g_autofree char *before = stat_text (r, m, FALSE);
      g_autofree char *after = stat_text (r, m, TRUE);
      g_string_append_printf (out, "  %-18s %-30s %s\n", pfm_metric_name (m), before, after);
    }
  g_autofree char *before = isfinite (r->yield) ? g_strdup_printf ("%.3g", r->yield) : g_strdup ("-");
  g_autofree char *after = isfinite (r->yield_calibrated) ? g_strdup_printf ("%.3g", r->yield_calibrated)
                           : g_strdup ("-");
  g_string_append_printf (out, "  yield (%s %s %g): %s before, %s after calibration%s\n",
           pfm_metric_name (r->options.yield_metric),
           pfm_metric_higher_is_better (r->options.yield_metric) ? ">=" : "<=",
           r->options.threshold, before, after, r->options.n_calibration == 0 ? " (no calibration inputs)" : "");
}

static const char *const stat_names[] = { "mean", "std" };

static char *
sweep_json (const char *key, char **values, PfmBatchResult **results, guint n)
{
  GString *s = g_string_new ("{\n\"sweep\": ");
  pfm_export_json_string (s, key);
  g_string_append (s, ",\n\"points\": [\n");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *one = pfm_batch_result_to_json (results[i]);
      g_string_append (s, i ? ",\n{\"value\": " : "{\"value\": ");
      pfm_export_json_string (s, values[i]);
      g_string_append_printf (s, ", \"result\": %s}", g_strchomp (one));
    }
  g_string_append (s, "\n]\n}\n");
  return g_string_free (s, FALSE);
}

/* One row per sweep point: the value, then each metric's mean and std
 * before and after calibration, then the yields. */
static char *
sweep_csv (char **values, PfmBatchResult **results, guint n)
{
  const gboolean tm = n > 0 && results[0]->options.tm_error;
  GString *s = g_string_new ("value,copies,resolved");
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
        for (int k = 0; k < 2; k++)
          g_string_append_printf (s, ",%s%s_%s", pfm_metric_name (m), cal ? "_calibrated" : "", stat_names[k]);
  g_string_append (s, ",yield,yield_calibrated\n");
  for (guint i = 0; i < n; i++)
    {
      const PfmBatchResult *r = results[i];
      g_string_append_printf (s, "%s,%u,%u", values[i], r->copies->len, r->n_resolved);
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
            {
              const PfmMetricStats *st = cal ? &r->stats_calibrated[m] : &r->stats[m];
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, st->mean);
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, st->std);
            }
      g_string_append_c (s, ',');
      pfm_export_csv_number (s, r->yield);
      g_string_append_c (s, ',');
      pfm_export_csv_number (s, r->yield_calibrated);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* The options of `pfm-cli defects`, as parsed. */
typedef struct
{
  char   **sets;
  char    *out_path, *format, *shard, *metric, *sweep, *summary_path;
  int      copies, inputs, calibration, threads;
  gint64   input_seed;
  double   threshold, ridge;
  gboolean tm_error, quiet, estimate, csv;
  GPtrArray *help;      /* the --help texts that name engine defaults */
} DefectsArgs;

static void
defects_args_clear (DefectsArgs *a)
{
  g_strfreev (a->sets);
  g_free (a->out_path);
  g_free (a->format);
  g_free (a->shard);
  g_free (a->metric);
  g_free (a->sweep);
  g_free (a->summary_path);
  g_ptr_array_unref (a->help);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DefectsArgs, defects_args_clear)

/* The option context of `defects`, its defaults (in @a and in --help) the
 * engine's pfm_batch_options_init (docs/cli.md "defects"). */
static GOptionContext *
defects_context (DefectsArgs *a, const PfmBatchOptions *d)
{
  a->copies = (int) d->copies;
  a->inputs = (int) d->n_inputs;
  a->calibration = (int) d->n_calibration;
  a->input_seed = (gint64) d->input_seed;
  a->threshold = d->threshold;
  a->ridge = d->ridge;
  a->help = g_ptr_array_new_with_free_func (g_free);
  const GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &a->sets, "Override one key (repeatable)", "GROUP.KEY=VALUE" },
    { "copies", 'k', 0, G_OPTION_ARG_INT, &a->copies,
      pfm_cli_help_text (a->help, "Fabricated copies in the whole batch (default %u)", d->copies), "K" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &a->shard, "Compute only shard I of K (1 <= I <= K): the copies the whole batch gives them", "I/K" },
    { "inputs", 'n', 0, G_OPTION_ARG_INT, &a->inputs,
      pfm_cli_help_text (a->help, "Test input vectors (default %u)", d->n_inputs), "N" },
    { "calibration-inputs", 'c', 0, G_OPTION_ARG_INT, &a->calibration,
      pfm_cli_help_text (a->help, "Calibration input vectors, never tested on (default %u; 0 = no calibration)",
                         d->n_calibration), "N" },
    { "input-seed", 0, 0, G_OPTION_ARG_INT64, &a->input_seed,
      pfm_cli_help_text (a->help, "Seed of the input vectors (default %" G_GUINT64_FORMAT ")", d->input_seed), "SEED" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &a->threshold,
      pfm_cli_help_text (a->help, "A copy yields when its yield metric passes this (default %g)", d->threshold), "T" },
    { "yield-metric", 0, 0, G_OPTION_ARG_STRING, &a->metric, "relative_error (<= T, default), cosine_similarity, effective_bits (>= T) or tm_error (<= T)", "METRIC" },
    { "ridge", 0, 0, G_OPTION_ARG_DOUBLE, &a->ridge,
      pfm_cli_help_text (a->help, "Relative ridge of the calibration fit, pulling A towards I (default %g)", d->ridge), "R" },
    { "tm-error", 0, 0, G_OPTION_ARG_NONE, &a->tm_error, "Also measure the linear transmission-matrix error (slm_pixels more runs per copy)", NULL },
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &a->sweep, "One batch per value of a key, e.g. defects.sigma=0.01,0.05,0.2", "KEY=V1,V2,..." },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &a->format, "json (default) or csv", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->out_path, "Write the result here (default: stdout)", "FILE" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &a->summary_path, "Also write a short human-readable summary here (- for stdout)", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &a->threads, "Copies computed in parallel (default: the CPUs that fit the memory budget)", "N" },
    { "estimate", 0, 0, G_OPTION_ARG_NONE, &a->estimate, "Skip FFTW's plan measurement: the same bits in every run on one kind of CPU (recorded as batch.planning; use it for shards)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "No progress bar", NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("[PROJECT.pfm] - Monte-Carlo batch of fabricated copies");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Fabricates K copies of the device (the project's [defects] keys, copy j with\n"
    "its own seed derived from defects.seed and j), runs each on the same SLM\n"
    "input vectors as the nominal device, and reports per copy and for the batch\n"
    "the relative error, cosine similarity and effective bits of the output vector,\n"
    "before and after an affine calibration layer fitted on separate calibration\n"
    "inputs; plus the yield.  Shards (--shard I/K) combine with pfm-cli merge into\n"
    "exactly the whole batch's result.\n"
    "Exit status: 0 done, 1 the batch could not complete (memory, I/O, cancel,\n"
    "an under-resolved nominal run), 2 bad usage or value.");
  return ctx;
}

/* The numeric options' ranges: FALSE (the reason printed) when one is out. */
static gboolean
defects_check_ranges (const DefectsArgs *a)
{
  if (a->copies < 1 || a->copies > 1000000)
    {
      pfm_cli_error ("defects", "--copies = %d is out of range: accepted [1, 1000000]", a->copies);
      return FALSE;
    }
  if (a->inputs < 1 || a->inputs > 100000 || a->calibration < 0 || a->calibration > 100000)
    {
      pfm_cli_error ("defects", "--inputs = %d, --calibration-inputs = %d: accepted [1, 100000] and [0, 100000]",
                     a->inputs, a->calibration);
      return FALSE;
    }
  if (a->threads < 0 || a->threads > 1024)
    {
      pfm_cli_error ("defects", "--threads = %d is out of range: accepted [1, 1024], or 0 for the CPUs that fit",
                     a->threads);
      return FALSE;
    }
  if (a->input_seed < 0 || !(a->ridge >= 0.0 && a->ridge <= 1e6) || !isfinite (a->threshold))
    {
      pfm_cli_error ("defects", "--input-seed = %" G_GINT64_FORMAT ", --ridge = %g, --threshold = %g: accepted a seed >= 0, "
                     "a ridge in [0, 1e6] and a finite threshold", a->input_seed, a->ridge, a->threshold);
      return FALSE;
    }
  return TRUE;
}

/* The batch options from the parsed ones (@o holds the engine's defaults):
 * FALSE (the reason printed) for a bad value. */
static gboolean
defects_options (const DefectsArgs *a, PfmBatchOptions *o)
{
  if (!defects_check_ranges (a))
    return FALSE;
  o->copies = (guint) a->copies;
  o->n_inputs = (guint) a->inputs;
  o->n_calibration = (guint) a->calibration;
  o->input_seed = (guint64) a->input_seed;
  o->threshold = a->threshold;
  o->ridge = a->ridge;
  o->tm_error = a->tm_error;
  o->threads = pfm_cli_threads (a->threads);
  o->rigor = a->estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;
  if (a->metric != NULL)
    {
      int m = pfm_metric_from_name (a->metric);
      if (m < 0 || (m == PFM_METRIC_TM_ERROR && !a->tm_error))
        {
          pfm_cli_error ("defects", "--yield-metric %s: accepted relative_error, cosine_similarity, effective_bits, "
                         "or tm_error with --tm-error", a->metric);
          return FALSE;
        }
      o->yield_metric = m;
    }
  if (a->shard != NULL)
    {
      if (!pfm_cli_parse_shard (a->shard, 1000000, &o->shard_index, &o->shard_count) || o->shard_count > o->copies)
        {
          pfm_cli_error ("defects", "--shard %s: accepted I/K with 1 <= I <= K <= --copies (%u)", a->shard, o->copies);
          return FALSE;
        }
      if (a->csv)
        {
          pfm_cli_error ("defects", "--shard writes JSON for pfm-cli merge: drop --format csv");
          return FALSE;
        }
    }
  return TRUE;
}

/* --sweep KEY=V1,V2,...: its key and values (stripped), or FALSE with the
 * reason printed. */
static gboolean
defects_parse_sweep (const DefectsArgs *a, char **key, char ***values)
{
  const char *eq = strchr (a->sweep, '=');
  if (eq == NULL || eq[1] == '\0' || a->shard != NULL)
    {
      pfm_cli_error ("defects", "--sweep %s: accepted KEY=V1,V2,... (and not with --shard: run one batch per "
                     "value with --set instead)", a->sweep);
      return FALSE;
    }
  *key = g_strstrip (g_strndup (a->sweep, eq - a->sweep));
  *values = g_strsplit (eq + 1, ",", -1);
  for (guint i = 0; (*values)[i]; i++)
    g_strstrip ((*values)[i]);
  return TRUE;
}

/* Every --sweep value is checked before hours of work start. */
static gboolean
defects_check_sweep (const PfmConfig *cfg, const char *key, char **values)
{
  for (guint i = 0; values[i]; i++)
    {
      g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
      g_autoptr(GError) error = NULL;
      if (!pfm_config_set (c, key, values[i], &error) || !pfm_config_validate (c, &error))
        {
          pfm_cli_error ("defects", "--sweep: %s", error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* Runs the batch (or one per sweep value), keeping the results in @keep,
 * and formats them into @text: a status to exit with. */
static int
defects_compute (const PfmConfig *cfg, const PfmBatchOptions *o, const DefectsArgs *a,
                 const char *key, char **values, GPtrArray *keep, char **text)
{
  Progress progress = { .what = "propagations" };
  pfm_cli_progress_init (&progress.bar);
  PfmBatchCallbacks cb = { .progress = a->quiet ? NULL : progress_cb, .user_data = &progress };
  g_autoptr(GError) error = NULL;
  cb.cancel = pfm_cli_cancel_flag ();
  if (key == NULL)
    {
      PfmBatchResult *r = pfm_batch_run (cfg, o, &cb, &error);
      if (r == NULL)
        return pfm_cli_run_failed ("defects", !a->quiet, error, exit_for (error));
      g_ptr_array_add (keep, r);
      *text = a->csv ? pfm_batch_result_to_csv (r) : pfm_batch_result_to_json (r);
      return PFM_EXIT_OK;
    }
  const guint n = g_strv_length (values);
  g_autofree PfmBatchResult **results = g_new0 (PfmBatchResult *, n);
  if (!pfm_batch_sweep (cfg, key, (const char *const *) values, n, o, &cb, results, &error))
    return pfm_cli_run_failed ("defects", !a->quiet, error, exit_for (error));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (keep, results[i]);
  *text = a->csv ? sweep_csv (values, results, n) : sweep_json (key, values, results, n);
  return PFM_EXIT_OK;
}

int
pfm_cli_defects (int argc, char **argv)
{
  g_auto(DefectsArgs) a = { NULL };
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  g_autoptr(GOptionContext) ctx = defects_context (&a, &o);
  if (!pfm_cli_parse (ctx, "defects", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (!pfm_cli_check_project_args ("defects", argc) || !pfm_cli_parse_format ("defects", a.format, &a.csv) ||
      !defects_options (&a, &o))
    return PFM_EXIT_USAGE;
  g_autofree char *sweep_key = NULL;
  g_auto(GStrv) sweep_values = NULL;
  if (a.sweep != NULL && !defects_parse_sweep (&a, &sweep_key, &sweep_values))
    return PFM_EXIT_USAGE;

  const char *project = argc == 2 ? argv[1] : NULL;
  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (project, a.sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  int status = pfm_cli_check_outputs ("defects", cfg, project, a.out_path, a.summary_path);
  if (status != PFM_EXIT_OK)
    return status;
  if (sweep_key != NULL && !defects_check_sweep (cfg, sweep_key, sweep_values))
    return PFM_EXIT_USAGE;

  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_batch_result_free);
  status = defects_compute (cfg, &o, &a, sweep_key, sweep_values, keep, &text);
  if (status != PFM_EXIT_OK)
    return status;
  g_autoptr(GString) summary = g_string_new (NULL);
  for (guint i = 0; i < keep->len; i++)
    {
      if (sweep_key != NULL)
        g_string_append_printf (summary, "%s = %s: ", sweep_key, sweep_values[i]);
      print_summary (keep->pdata[i], summary);
    }
  return pfm_cli_write_result ("defects", a.out_path, text, summary->str, !a.quiet, a.summary_path)
         ? PFM_EXIT_OK : PFM_EXIT_FAILED;
}

/* The region transmission matrix @tm (re, im pairs, row-major by region)
 * as CSV; the header says the layout: re,im pairs per macro-pixel. */
static char *
tm_csv (const double *tm, int npix, int nreg)
{
  GString *s = g_string_new ("region");
  for (int p = 0; p < npix; p++)
    g_string_append_printf (s, ",pixel%d_re,pixel%d_im", p, p);
  g_string_append_c (s, '\n');
  for (int r = 0; r < nreg; r++)
    {
      g_string_append_printf (s, "%d", r);
      for (int p = 0; p < npix; p++)
        {
          g_string_append_c (s, ',');
          pfm_export_csv_number (s, tm[2 * ((gsize) r * npix + p)]);
          g_string_append_c (s, ',');
          pfm_export_csv_number (s, tm[2 * ((gsize) r * npix + p) + 1]);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

int
pfm_cli_tm (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *out_path = NULL;
  int threads = 0;
  gboolean quiet = FALSE, estimate = FALSE;
  const GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override one key (repeatable)", "GROUP.KEY=VALUE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the CSV here (default: stdout)", "FILE.csv" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Propagations in parallel (default: the CPUs that fit the memory budget)", "N" },
    { "estimate", 0, 0, G_OPTION_ARG_NONE, &estimate, "Skip FFTW's plan measurement", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - the linear transmission matrix");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Propagates each SLM macro-pixel alone (n2 = 0: the linear regime) and writes\n"
    "the complex amplitude it couples into the flat-top mode of each detector\n"
    "region: T[r][p] = (integral of E_p over region r) / sqrt(A_r P).  The CSV has\n"
    "one row per region and a (re, im) pair of columns per macro-pixel.  With\n"
    "[defects] keys set, it is the fabricated copy's matrix.\n"
    "Exit status: 0 done, 1 the run could not complete, 2 bad usage or value.");
  if (!pfm_cli_parse (ctx, "tm", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (!pfm_cli_check_project_args ("tm", argc))
    return PFM_EXIT_USAGE;
  if (threads < 0 || threads > 1024)
    {
      pfm_cli_error ("tm", "--threads = %d is out of range: accepted [1, 1024], or 0 for the CPUs that fit", threads);
      return PFM_EXIT_USAGE;
    }
  const char *project = argc == 2 ? argv[1] : NULL;
  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (project, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  int files_status = pfm_cli_check_outputs ("tm", cfg, project, out_path, NULL);
  if (files_status != PFM_EXIT_OK)
    return files_status;

  const int npix = cfg->beam.slm_pixels, nreg = cfg->detector.regions;
  g_autofree double *tm = g_new (double, 2 * (gsize) npix * nreg);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.threads = pfm_cli_threads (threads);
  o.rigor = estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;
  Progress progress = { .what = "macro-pixels" };
  pfm_cli_progress_init (&progress.bar);
  PfmBatchCallbacks cb = { .progress = quiet ? NULL : progress_cb, .user_data = &progress };
  g_autoptr(GError) error = NULL;
  cb.cancel = pfm_cli_cancel_flag ();
  if (!pfm_batch_region_tm (cfg, &o, &cb, tm, &error))
    return pfm_cli_run_failed ("tm", !quiet, error, exit_for (error));
  g_autofree char *text = tm_csv (tm, npix, nreg);
  return pfm_cli_write_text ("tm", out_path, text) ? PFM_EXIT_OK : PFM_EXIT_FAILED;
}


/* A tolerance as people write it: "1e-3" (one significant digit, the
 * exponent without padding), so --help and the messages say the engine's
 * PFM_BATCH_VERIFY_TOLERANCE and _FLOOR rather than repeat them. */
static char *
tolerance_text (double v)
{
  g_autofree char *e = g_strdup_printf ("%.0e", v);   /* "1e-03" */
  char *x = strchr (e, 'e');
  if (x == NULL)
    return g_steal_pointer (&e);
  const char *sign = x[1] == '-' ? "-" : "";
  const char *digits = x + 1 + (x[1] == '-' || x[1] == '+');
  while (digits[0] == '0' && digits[1] != '\0')
    digits++;
  *x = '\0';
  return g_strdup_printf ("%se%s%s", e, sign, digits);
}

/* A batch shard for pfm_cli_read_shards: the result, named by its file. */
static gpointer
read_batch_shard (const char *path, const char *data, gsize length, GError **error)
{
  PfmBatchResult *r = pfm_batch_result_from_json (data, length, error);
  if (r != NULL)
    r->source = g_strdup (path);
  return r;
}

/* --verify: recomputes @verify copies of @merged, spread over @shards and
 * drawn from @verify_seed, and says which matched: a status to exit with. */
static int
merge_verify (GPtrArray *shards, const PfmBatchResult *merged, int verify, gint64 verify_seed, int threads,
              gboolean quiet)
{
  const guint K = merged->options.copies, nv = MIN ((guint) verify, K);
  g_autofree guint *pick = g_new (guint, nv);
  /* merged has one shard: the files' shard count is the first's. */
  const guint S = ((PfmBatchResult *) shards->pdata[0])->options.shard_count;
  pfm_batch_verify_pick (K, S, (guint64) verify_seed, nv, pick);
  Progress progress = { .what = "--verify propagations" };
  pfm_cli_progress_init (&progress.bar);
  PfmBatchCallbacks cb = { .progress = quiet ? NULL : progress_cb, .user_data = &progress,
                           .cancel = pfm_cli_cancel_flag () };
  g_autoptr(GError) error = NULL;
  if (!pfm_batch_verify ((PfmBatchResult **) shards->pdata, shards->len, pick, nv, pfm_cli_threads (threads), &cb, &error))
    return pfm_cli_run_failed ("merge", !quiet && progress.bar.tty, error,
                               g_error_matches (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH) ||
                               g_error_matches (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE)
                               ? PFM_EXIT_USAGE : PFM_EXIT_FAILED);
  g_autoptr(GString) list = g_string_new (NULL);
  for (guint i = 0; i < nv && i < 20; i++)
    g_string_append_printf (list, "%s%u", i ? ", " : "", pick[i]);
  if (nv > 20)
    g_string_append_printf (list, " and %u more", nv - 20);
  g_autofree char *tol = tolerance_text (PFM_BATCH_VERIFY_TOLERANCE);
  g_autofree char *floor_text = tolerance_text (PFM_BATCH_VERIFY_FLOOR);
  g_autofree char *within = g_strdup_printf ("within a relative %s plus %s (measured plans)", tol, floor_text);
  pfm_cli_error ("merge", "--verify: %s %s of %u (--verify-seed %" G_GINT64_FORMAT ") recomputed: %s",
                 nv == 1 ? "copy" : "copies", list->str, K, verify_seed, merged->planning == PFM_BATCH_PLANNING_ESTIMATE
                 ? "the same bits (planning: estimate)" : within);
  return PFM_EXIT_OK;
}

static GOptionContext *
merge_context (const GOptionEntry *entries)
{
  g_autofree char *tol = tolerance_text (PFM_BATCH_VERIFY_TOLERANCE);
  g_autofree char *floor_text = tolerance_text (PFM_BATCH_VERIFY_FLOOR);
  g_autofree char *description = g_strdup_printf (
    "Reads the JSON results of pfm-cli defects --shard 1/K ... K/K (in any order)\n"
    "and writes the result of the whole batch: the same file an unsharded run\n"
    "writes.  Refuses shards of different settings or input-file contents\n"
    "(input_sha256), shards planned differently (batch.planning), a shard given\n"
    "twice or missing ones (naming each), a copy whose seed is not the one\n"
    "defects.seed gives it, and a metric out of its range.  It does not\n"
    "recompute anything unless asked: --verify N recomputes N copies, spread\n"
    "over the shards (N >= K checks every shard) and drawn from --verify-seed,\n"
    "with the settings the shards record, and compares every metric: bit for\n"
    "bit for shards planned with --estimate, else within a relative %s plus\n"
    "%s (README.md).  It costs N + 1 copies' propagations.\n"
    "Exit status: 0 done, 1 a file could not be read or written (or --verify\n"
    "could not run), 2 bad usage, shards that do not make one batch, or a copy\n"
    "that --verify does not reproduce.", tol, floor_text);
  GOptionContext *ctx = g_option_context_new ("SHARD.json... - combine the shards of one defects batch");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, description);
  return ctx;
}

int
pfm_cli_merge (int argc, char **argv)
{
  /* Sweep shards (pfm-cli sweep --shard) have their own reader. */
  if (pfm_cli_merge_is_sweep (argc, argv))
    return pfm_cli_sweep_merge (argc, argv);
  g_autofree char *out_path = NULL, *format = NULL, *summary_path = NULL;
  int verify = 0, threads = 0;
  gint64 verify_seed = 1;
  gboolean quiet = FALSE, csv;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the merged result here (default: stdout)", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "json (default) or csv", "FORMAT" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path, "Also write a short human-readable summary here (- for stdout)", "FILE" },
    { "verify", 0, 0, G_OPTION_ARG_INT, &verify, "Recompute N copies, spread over the shards, and compare them with the files (default 0)", "N" },
    { "verify-seed", 0, 0, G_OPTION_ARG_INT64, &verify_seed, "Seed of the choice of --verify's copies (default 1)", "SEED" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "--verify: copies computed in parallel (default: the CPUs that fit)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "--verify: no progress bar", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = merge_context (entries);
  if (!pfm_cli_parse (ctx, "merge", &argc, &argv) || !pfm_cli_parse_format ("merge", format, &csv))
    return PFM_EXIT_USAGE;
  if (argc < 2)
    {
      pfm_cli_error ("merge", "expected one or more shard files (try pfm-cli merge --help)");
      return PFM_EXIT_USAGE;
    }
  if (verify < 0 || verify > 1000000 || verify_seed < 0 || threads < 0 || threads > 1024)
    {
      pfm_cli_error ("merge", "--verify = %d, --verify-seed = %" G_GINT64_FORMAT ", --threads = %d: accepted "
                     "[0, 1000000] copies, a seed >= 0 and [0, 1024] threads", verify, verify_seed, threads);
      return PFM_EXIT_USAGE;
    }

  int status = pfm_cli_merge_check_files (argc, argv, out_path, summary_path);
  if (status != PFM_EXIT_OK)
    return status;
  g_autoptr(GPtrArray) shards = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_batch_result_free);
  status = pfm_cli_read_shards ("merge", argc, argv, MAX_SHARD_BYTES, read_batch_shard, shards);
  if (status != PFM_EXIT_OK)
    return status;
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBatchResult) merged = pfm_batch_merge ((PfmBatchResult **) shards->pdata, shards->len, &error);
  if (merged == NULL)
    return pfm_cli_run_failed ("merge", FALSE, error, PFM_EXIT_USAGE);
  if (merged->planning == PFM_BATCH_PLANNING_UNKNOWN)
    pfm_cli_error ("merge", "note: the shards record no planning mode (batch.planning; written by an older "
                   "pfm-cli), so merge cannot check that they were planned alike");
  if (verify > 0 && (status = merge_verify (shards, merged, verify, verify_seed, threads, quiet)) != PFM_EXIT_OK)
    return status;
  g_autofree char *text = csv ? pfm_batch_result_to_csv (merged) : pfm_batch_result_to_json (merged);
  g_autoptr(GString) summary = g_string_new (NULL);
  print_summary (merged, summary);
  return pfm_cli_write_result ("merge", out_path, text, summary->str, FALSE, summary_path)
         ? PFM_EXIT_OK : PFM_EXIT_FAILED;
}
