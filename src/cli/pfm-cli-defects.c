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

static gboolean
parse_shard (const char *text, guint *index, guint *count)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", -1);
  guint64 i, k;
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, 1000000, &i, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 1000000, &k, NULL) || i > k)
    return FALSE;
  *index = (guint) i;
  *count = (guint) k;
  return TRUE;
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

int
pfm_cli_defects (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *out_path = NULL, *format = NULL, *shard = NULL, *metric = NULL, *sweep = NULL;
  g_autofree char *summary_path = NULL;
  int copies = 32, inputs = 16, calibration = 48, threads = 0;
  gint64 input_seed = 1;
  double threshold = 0.1, ridge = 1e-2;
  gboolean tm_error = FALSE, quiet = FALSE, estimate = FALSE;
  const GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override one key (repeatable)", "GROUP.KEY=VALUE" },
    { "copies", 'k', 0, G_OPTION_ARG_INT, &copies, "Fabricated copies in the whole batch (default 32)", "K" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Compute only shard I of K (1 <= I <= K): the copies the whole batch gives them", "I/K" },
    { "inputs", 'n', 0, G_OPTION_ARG_INT, &inputs, "Test input vectors (default 16)", "N" },
    { "calibration-inputs", 'c', 0, G_OPTION_ARG_INT, &calibration, "Calibration input vectors, never tested on (default 48; 0 = no calibration)", "N" },
    { "input-seed", 0, 0, G_OPTION_ARG_INT64, &input_seed, "Seed of the input vectors (default 1)", "SEED" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold, "A copy yields when its yield metric passes this (default 0.1)", "T" },
    { "yield-metric", 0, 0, G_OPTION_ARG_STRING, &metric, "relative_error (<= T, default), cosine_similarity, effective_bits (>= T) or tm_error (<= T)", "METRIC" },
    { "ridge", 0, 0, G_OPTION_ARG_DOUBLE, &ridge, "Relative ridge of the calibration fit, pulling A towards I (default 0.01)", "R" },
    { "tm-error", 0, 0, G_OPTION_ARG_NONE, &tm_error, "Also measure the linear transmission-matrix error (slm_pixels more runs per copy)", NULL },
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep, "One batch per value of a key, e.g. defects.sigma=0.01,0.05,0.2", "KEY=V1,V2,..." },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "json (default) or csv", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the result here (default: stdout)", "FILE" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path, "Also write a short human-readable summary here (- for stdout)", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Copies computed in parallel (default: the CPUs that fit the memory budget)", "N" },
    { "estimate", 0, 0, G_OPTION_ARG_NONE, &estimate, "Skip FFTW's plan measurement: the same bits in every run on one kind of CPU (recorded as batch.planning; use it for shards)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - Monte-Carlo batch of fabricated copies");
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
  if (!pfm_cli_parse (ctx, "defects", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (argc > 2)
    {
      pfm_cli_error ("defects", "expected at most one project file, got %d arguments", argc - 1);
      return PFM_EXIT_USAGE;
    }

  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  const gboolean csv = format != NULL && strcmp (format, "csv") == 0;
  if (format != NULL && !csv && strcmp (format, "json") != 0)
    {
      pfm_cli_error ("defects", "--format %s: accepted json or csv", format);
      return PFM_EXIT_USAGE;
    }
  if (copies < 1 || copies > 1000000)
    {
      pfm_cli_error ("defects", "--copies = %d is out of range: accepted [1, 1000000]", copies);
      return PFM_EXIT_USAGE;
    }
  if (inputs < 1 || inputs > 100000 || calibration < 0 || calibration > 100000)
    {
      pfm_cli_error ("defects", "--inputs = %d, --calibration-inputs = %d: accepted [1, 100000] and [0, 100000]",
                     inputs, calibration);
      return PFM_EXIT_USAGE;
    }
  if (threads < 0 || threads > 1024)
    {
      pfm_cli_error ("defects", "--threads = %d is out of range: accepted [1, 1024], or 0 for the CPUs that fit", threads);
      return PFM_EXIT_USAGE;
    }
  if (input_seed < 0 || !(ridge >= 0.0 && ridge <= 1e6) || !isfinite (threshold))
    {
      pfm_cli_error ("defects", "--input-seed = %" G_GINT64_FORMAT ", --ridge = %g, --threshold = %g: accepted a seed >= 0, "
                     "a ridge in [0, 1e6] and a finite threshold", input_seed, ridge, threshold);
      return PFM_EXIT_USAGE;
    }
  o.copies = (guint) copies;
  o.n_inputs = (guint) inputs;
  o.n_calibration = (guint) calibration;
  o.input_seed = (guint64) input_seed;
  o.threshold = threshold;
  o.ridge = ridge;
  o.tm_error = tm_error;
  o.threads = threads;
  o.rigor = estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;
  if (metric != NULL)
    {
      int m = pfm_metric_from_name (metric);
      if (m < 0 || (m == PFM_METRIC_TM_ERROR && !tm_error))
        {
          pfm_cli_error ("defects", "--yield-metric %s: accepted relative_error, cosine_similarity, effective_bits, "
                         "or tm_error with --tm-error", metric);
          return PFM_EXIT_USAGE;
        }
      o.yield_metric = m;
    }
  if (shard != NULL)
    {
      if (!parse_shard (shard, &o.shard_index, &o.shard_count) || o.shard_count > o.copies)
        {
          pfm_cli_error ("defects", "--shard %s: accepted I/K with 1 <= I <= K <= --copies (%u)", shard, o.copies);
          return PFM_EXIT_USAGE;
        }
      if (csv)
        {
          pfm_cli_error ("defects", "--shard writes JSON for pfm-cli merge: drop --format csv");
          return PFM_EXIT_USAGE;
        }
    }

  g_autofree char *sweep_key = NULL;
  g_auto(GStrv) sweep_values = NULL;
  if (sweep != NULL)
    {
      const char *eq = strchr (sweep, '=');
      if (eq == NULL || eq[1] == '\0' || shard != NULL)
        {
          pfm_cli_error ("defects", "--sweep %s: accepted KEY=V1,V2,... (and not with --shard: run one batch per "
                         "value with --set instead)", sweep);
          return PFM_EXIT_USAGE;
        }
      sweep_key = g_strstrip (g_strndup (sweep, eq - sweep));
      sweep_values = g_strsplit (eq + 1, ",", -1);
      for (guint i = 0; sweep_values[i]; i++)
        g_strstrip (sweep_values[i]);
    }

  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (argc == 2 ? argv[1] : NULL, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, argc == 2 ? argv[1] : NULL);
  pfm_cli_files_add (files, "-o", out_path, TRUE);
  pfm_cli_files_add (files, "--summary", summary_path, TRUE);
  int files_status = pfm_cli_files_check (files, "defects");
  if (files_status != PFM_EXIT_OK)
    return files_status;
  if (sweep_key != NULL)
    {
      /* Every value is checked before hours of work start. */
      for (guint i = 0; sweep_values[i]; i++)
        {
          g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
          g_autoptr(GError) error = NULL;
          if (!pfm_config_set (c, sweep_key, sweep_values[i], &error) || !pfm_config_validate (c, &error))
            {
              pfm_cli_error ("defects", "--sweep: %s", error->message);
              return PFM_EXIT_USAGE;
            }
        }
    }

  Progress progress = { .what = "propagations" };
  pfm_cli_progress_init (&progress.bar);
  PfmBatchCallbacks cb = { .progress = quiet ? NULL : progress_cb, .user_data = &progress };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_batch_result_free);

  cb.cancel = pfm_cli_cancel_flag ();
  if (sweep_key != NULL)
    {
      const guint n = g_strv_length (sweep_values);
      g_autofree PfmBatchResult **results = g_new0 (PfmBatchResult *, n);
      gboolean ok = pfm_batch_sweep (cfg, sweep_key, (const char *const *) sweep_values, n, &o, &cb, results, &error);
      if (!ok)
        {
          if (!quiet)
            fputc ('\n', stderr);
          pfm_cli_error ("defects", "%s", error->message);
          return exit_for (error);
        }
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (keep, results[i]);
      text = csv ? sweep_csv (sweep_values, results, n) : sweep_json (sweep_key, sweep_values, results, n);
    }
  else
    {
      PfmBatchResult *r = pfm_batch_run (cfg, &o, &cb, &error);
      if (r == NULL)
        {
          if (!quiet)
            fputc ('\n', stderr);
          pfm_cli_error ("defects", "%s", error->message);
          return exit_for (error);
        }
      g_ptr_array_add (keep, r);
      text = csv ? pfm_batch_result_to_csv (r) : pfm_batch_result_to_json (r);
    }

  if (!pfm_cli_write_text ("defects", out_path, text))
    return PFM_EXIT_FAILED;
  g_autoptr(GString) summary = g_string_new (NULL);
  for (guint i = 0; i < keep->len; i++)
    {
      if (sweep_key != NULL)
        g_string_append_printf (summary, "%s = %s: ", sweep_key, sweep_values[i]);
      print_summary (keep->pdata[i], summary);
    }
  if (!quiet)
    fputs (summary->str, stderr);
  if (summary_path != NULL && !pfm_cli_write_text ("defects", summary_path, summary->str))
    return PFM_EXIT_FAILED;
  return PFM_EXIT_OK;
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
  if (argc > 2)
    {
      pfm_cli_error ("tm", "expected at most one project file, got %d arguments", argc - 1);
      return PFM_EXIT_USAGE;
    }
  if (threads < 0 || threads > 1024)
    {
      pfm_cli_error ("tm", "--threads = %d is out of range: accepted [1, 1024], or 0 for the CPUs that fit", threads);
      return PFM_EXIT_USAGE;
    }
  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (argc == 2 ? argv[1] : NULL, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, argc == 2 ? argv[1] : NULL);
  pfm_cli_files_add (files, "-o", out_path, TRUE);
  int files_status = pfm_cli_files_check (files, "tm");
  if (files_status != PFM_EXIT_OK)
    return files_status;

  const int npix = cfg->beam.slm_pixels, nreg = cfg->detector.regions;
  g_autofree double *tm = g_new (double, 2 * (gsize) npix * nreg);
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.threads = threads;
  o.rigor = estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;
  Progress progress = { .what = "macro-pixels" };
  pfm_cli_progress_init (&progress.bar);
  PfmBatchCallbacks cb = { .progress = quiet ? NULL : progress_cb, .user_data = &progress };
  g_autoptr(GError) error = NULL;
  cb.cancel = pfm_cli_cancel_flag ();
  gboolean ok = pfm_batch_region_tm (cfg, &o, &cb, tm, &error);
  if (!ok)
    {
      if (!quiet)
        fputc ('\n', stderr);
      pfm_cli_error ("tm", "%s", error->message);
      return exit_for (error);
    }

  /* The header says the layout: re,im pairs per macro-pixel. */
  g_autoptr(GString) s = g_string_new ("region");
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
  return pfm_cli_write_text ("tm", out_path, s->str) ? PFM_EXIT_OK : PFM_EXIT_FAILED;
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
  gboolean quiet = FALSE;
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
  g_autoptr(GOptionContext) ctx = g_option_context_new ("SHARD.json... - combine the shards of one defects batch");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Reads the JSON results of pfm-cli defects --shard 1/K ... K/K (in any order)\n"
    "and writes the result of the whole batch: the same file an unsharded run\n"
    "writes.  Refuses shards of different settings or input-file contents\n"
    "(input_sha256), shards planned differently (batch.planning), a shard given\n"
    "twice or missing ones (naming each), a copy whose seed is not the one\n"
    "defects.seed gives it, and a metric out of its range.  It does not\n"
    "recompute anything unless asked: --verify N recomputes N copies, spread\n"
    "over the shards (N >= K checks every shard) and drawn from --verify-seed,\n"
    "with the settings the shards record, and compares every metric: bit for\n"
    "bit for shards planned with --estimate, else within a relative 1e-3 plus\n"
    "1e-6 (README.md).  It costs N + 1 copies' propagations.\n"
    "Exit status: 0 done, 1 a file could not be read or written (or --verify\n"
    "could not run), 2 bad usage, shards that do not make one batch, or a copy\n"
    "that --verify does not reproduce.");
  if (!pfm_cli_parse (ctx, "merge", &argc, &argv))
    return PFM_EXIT_USAGE;
  const gboolean csv = format != NULL && strcmp (format, "csv") == 0;
  if (format != NULL && !csv && strcmp (format, "json") != 0)
    {
      pfm_cli_error ("merge", "--format %s: accepted json or csv", format);
      return PFM_EXIT_USAGE;
    }
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

  int files_status = pfm_cli_merge_check_files (argc, argv, out_path, summary_path);
  if (files_status != PFM_EXIT_OK)
    return files_status;

  g_autoptr(GPtrArray) shards = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_batch_result_free);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize len = 0;
      /* A FIFO or /dev/zero is refused, not waited on or read for ever. */
      if (!pfm_file_read (argv[i], MAX_SHARD_BYTES, "a shard file", &data, &len, &error))
        {
          pfm_cli_error ("merge", "%s", error->message);
          return PFM_EXIT_FAILED;
        }
      PfmBatchResult *r = pfm_batch_result_from_json (data, len, &error);
      if (r == NULL)
        {
          pfm_cli_error ("merge", "%s: %s", argv[i], error->message);
          return PFM_EXIT_USAGE;
        }
      r->source = g_strdup (argv[i]);
      g_ptr_array_add (shards, r);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBatchResult) merged = pfm_batch_merge ((PfmBatchResult **) shards->pdata, shards->len, &error);
  if (merged == NULL)
    {
      pfm_cli_error ("merge", "%s", error->message);
      return PFM_EXIT_USAGE;
    }
  if (merged->planning == PFM_BATCH_PLANNING_UNKNOWN)
    pfm_cli_error ("merge", "note: the shards record no planning mode (batch.planning; written by an older "
                   "pfm-cli), so merge cannot check that they were planned alike");
  if (verify > 0)
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
      const gboolean ok = pfm_batch_verify ((PfmBatchResult **) shards->pdata, shards->len, pick, nv, threads, &cb,
                                            &error);
      if (!ok)
        {
          if (!quiet && progress.bar.tty)
            fputc ('\n', stderr);
          pfm_cli_error ("merge", "%s", error->message);
          return g_error_matches (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH) ||
                 g_error_matches (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE) ? PFM_EXIT_USAGE : PFM_EXIT_FAILED;
        }
      g_autoptr(GString) list = g_string_new (NULL);
      for (guint i = 0; i < nv && i < 20; i++)
        g_string_append_printf (list, "%s%u", i ? ", " : "", pick[i]);
      if (nv > 20)
        g_string_append_printf (list, " and %u more", nv - 20);
      pfm_cli_error ("merge", "--verify: %s %s of %u (--verify-seed %" G_GINT64_FORMAT ") recomputed: %s",
                     nv == 1 ? "copy" : "copies", list->str, K, verify_seed, merged->planning == PFM_BATCH_PLANNING_ESTIMATE
                     ? "the same bits (planning: estimate)" : "within a relative 1e-3 plus 1e-6 (measured plans)");
    }
  g_autofree char *text = csv ? pfm_batch_result_to_csv (merged) : pfm_batch_result_to_json (merged);
  if (!pfm_cli_write_text ("merge", out_path, text))
    return PFM_EXIT_FAILED;
  if (summary_path != NULL)
    {
      g_autoptr(GString) summary = g_string_new (NULL);
      print_summary (merged, summary);
      if (!pfm_cli_write_text ("merge", summary_path, summary->str))
        return PFM_EXIT_FAILED;
    }
  return PFM_EXIT_OK;
}
