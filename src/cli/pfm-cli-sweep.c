/* pfm-cli-sweep.c - `pfm-cli sweep`: a grid of one or two keys, one row of
 * metrics per point; and the merge of its shards
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-cli-common.h"
#include "pfm-file.h"
#include "pfm-sweep.h"

/* A shard holds one row per point: 1 GiB is far beyond any real study. */
#define MAX_SHARD_BYTES ((gsize) 1 << 30)

static void
progress_cb (guint done, guint total, gpointer user_data)
{
  pfm_cli_progress (user_data, done, total, "points %u/%u", done, total);
}

static int
exit_for (const GError *error)
{
  if (error->domain == PFM_CONFIG_ERROR || error->domain == PFM_SWEEP_ERROR ||
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
      !g_ascii_string_to_unsigned (parts[0], 10, 1, PFM_SWEEP_MAX_POINTS, &i, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, PFM_SWEEP_MAX_POINTS, &k, NULL) || i > k)
    return FALSE;
  *index = (guint) i;
  *count = (guint) k;
  return TRUE;
}

static char *
z_text (double z)
{
  return isfinite (z) ? g_strdup_printf ("%.4g mm", z * 1e3) : g_strdup ("-");
}

/* A number for people: never inf or nan in a summary. */
static char *
num_text (const char *format, double v)
{
  return isfinite (v) ? g_strdup_printf (format, v) : g_strdup ("-");
}

/* A few lines for people: per point the status and the distances. */
static char *
summary_text (const PfmSweepResult *r)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < r->rows->len; i++)
    {
      const PfmSweepRow *row = &g_array_index (r->rows, PfmSweepRow, i);
      g_string_append_printf (s, "point %u", row->point);
      guint div = 1;
      g_autoptr(GString) where = g_string_new (NULL);
      for (guint a = r->axes->len; a-- > 0;)
        {
          const PfmSweepAxis *ax = r->axes->pdata[a];
          g_autofree char *one = g_strdup_printf (" %s=%s", ax->key,
                                                  (const char *) ax->values->pdata[(row->point / div) % ax->values->len]);
          g_string_prepend (where, one);
          div *= ax->values->len;
        }
      g_string_append (s, where->str);
      if (r->options.copies > 0)
        {
          g_autofree char *mean = num_text ("%.4g", row->stats[PFM_METRIC_RELATIVE_ERROR].mean);
          g_autofree char *std = num_text ("%.2g", row->stats[PFM_METRIC_RELATIVE_ERROR].std);
          g_autofree char *yield = num_text ("%.3g", row->yield);
          g_string_append_printf (s, ": %u of %u copies resolved, relative error %s +- %s, yield %s\n",
                                  row->n_resolved, r->options.copies, mean, std, yield);
          continue;
        }
      g_autofree char *z10 = z_text (row->z_peak10), *zs = z_text (row->stop_z), *zc = z_text (row->z_marburger);
      g_autofree char *power = num_text ("%.4g%%", 100 * row->power_ratio);
      g_string_append_printf (s, ": %s at %s, peak x10 at %s (Marburger z_c %s), power %s\n",
                              pfm_run_status_to_string (row->status), zs, z10, zc, power);
    }
  return g_string_free (s, FALSE);
}

int
pfm_cli_sweep (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL, vary = NULL;
  g_autofree char *out_path = NULL, *format = NULL, *shard = NULL, *summary_path = NULL;
  int copies = 0, inputs = 16, calibration = 48, threads = 0;
  gint64 input_seed = 1;
  gboolean quiet = FALSE, estimate = FALSE;
  const GOptionEntry entries[] = {
    { "vary", 'v', 0, G_OPTION_ARG_STRING_ARRAY, &vary, "A key and its values: KEY=V1,V2,... or KEY=START:STOP:N[:log] (once or twice)", "KEY=SPEC" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override one key (repeatable)", "GROUP.KEY=VALUE" },
    { "copies", 'k', 0, G_OPTION_ARG_INT, &copies, "Each point a defects batch of K copies (default 0: one propagation)", "K" },
    { "inputs", 'n', 0, G_OPTION_ARG_INT, &inputs, "With --copies: test input vectors (default 16)", "N" },
    { "calibration-inputs", 'c', 0, G_OPTION_ARG_INT, &calibration, "With --copies: calibration input vectors (default 48)", "N" },
    { "input-seed", 0, 0, G_OPTION_ARG_INT64, &input_seed, "With --copies: seed of the input vectors (default 1)", "SEED" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Compute only shard I of K: a contiguous block of points", "I/K" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "json (default) or csv", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the result here (default: stdout)", "FILE" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path, "Also write a short summary here (- for stdout)", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "FFTW threads per propagation (default 1), or copies in parallel with --copies", "N" },
    { "estimate", 0, 0, G_OPTION_ARG_NONE, &estimate, "Skip FFTW's plan measurement (reproducible bits across processes)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar or summary", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - a grid of one or two keys, one row per point");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Runs the project at every point of the grid of one or two --vary keys (any\n"
    "numeric key; the first key varies slowest) and writes one row per point:\n"
    "status (completed / unresolved), where it stopped and why, power, widths,\n"
    "input and largest peak intensity and its z, z_peak10 (the first z where the\n"
    "peak intensity reaches 10x its input, null when never), B-integral, P0/P_cr\n"
    "and Marburger's collapse distance, the output vector and its relative error\n"
    "against point 0.  With --copies K each point is a defects batch (the seeds\n"
    "of pfm-cli defects) and the row holds its statistics and yields.  Shards\n"
    "(--shard I/K) combine with pfm-cli merge into exactly the whole sweep's file\n"
    "(with --estimate, or one FFTW wisdom, for the same bits in every process).\n"
    "Exit status: 0 done, 1 the sweep could not complete (memory, I/O, cancel),\n"
    "2 bad usage or value (every --vary value is checked before any run).");
  if (!pfm_cli_parse (ctx, "sweep", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (argc > 2)
    {
      pfm_cli_error ("sweep", "expected at most one project file, got %d arguments", argc - 1);
      return PFM_EXIT_USAGE;
    }
  const gboolean csv = format != NULL && strcmp (format, "csv") == 0;
  if (format != NULL && !csv && strcmp (format, "json") != 0)
    {
      pfm_cli_error ("sweep", "--format %s: accepted json or csv", format);
      return PFM_EXIT_USAGE;
    }
  const guint n_vary = vary ? g_strv_length (vary) : 0;
  if (n_vary < 1 || n_vary > PFM_SWEEP_MAX_AXES)
    {
      pfm_cli_error ("sweep", "%u --vary options: accepted one or two (--vary KEY=V1,V2,... or "
                     "--vary KEY=START:STOP:N[:log])", n_vary);
      return PFM_EXIT_USAGE;
    }
  if (copies < 0 || copies > 1000000)
    {
      pfm_cli_error ("sweep", "--copies = %d is out of range: accepted [0, 1000000] (0 = one propagation per point)", copies);
      return PFM_EXIT_USAGE;
    }
  if (inputs < 1 || inputs > 100000 || calibration < 0 || calibration > 100000 || input_seed < 0)
    {
      pfm_cli_error ("sweep", "--inputs = %d, --calibration-inputs = %d, --input-seed = %" G_GINT64_FORMAT
                     ": accepted [1, 100000], [0, 100000] and a seed >= 0", inputs, calibration, input_seed);
      return PFM_EXIT_USAGE;
    }
  if (threads < 0 || threads > 1024)
    {
      pfm_cli_error ("sweep", "--threads = %d is out of range: accepted [1, 1024], or 0 for the default", threads);
      return PFM_EXIT_USAGE;
    }
  PfmSweepOptions o;
  pfm_sweep_options_init (&o);
  o.copies = (guint) copies;
  o.n_inputs = (guint) inputs;
  o.n_calibration = (guint) calibration;
  o.input_seed = (guint64) input_seed;
  o.threads = threads;
  o.rigor = estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;
  if (shard != NULL)
    {
      if (!parse_shard (shard, &o.shard_index, &o.shard_count))
        {
          pfm_cli_error ("sweep", "--shard %s: accepted I/K with 1 <= I <= K <= the grid's points", shard);
          return PFM_EXIT_USAGE;
        }
      if (csv)
        {
          pfm_cli_error ("sweep", "--shard writes JSON for pfm-cli merge: drop --format csv");
          return PFM_EXIT_USAGE;
        }
    }

  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (argc == 2 ? argv[1] : NULL, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(GPtrArray) axes = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_sweep_axis_free);
  for (guint i = 0; i < n_vary; i++)
    {
      g_autoptr(GError) error = NULL;
      PfmSweepAxis *a = pfm_sweep_axis_parse (cfg, vary[i], &error);
      if (a == NULL)
        {
          pfm_cli_error ("sweep", "%s", error->message);
          return PFM_EXIT_USAGE;
        }
      g_ptr_array_add (axes, a);
    }

  /* Every point is checked, and its memory estimated, before any run. */
  {
    g_autoptr(GError) error = NULL;
    guint n_points;
    if (!pfm_sweep_check (cfg, (PfmSweepAxis **) axes->pdata, axes->len, &o, &n_points, &error))
      {
        pfm_cli_error ("sweep", "%s", error->message);
        return exit_for (error);
      }
  }

  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, argc == 2 ? argv[1] : NULL);
  pfm_cli_files_add (files, "-o", out_path, TRUE);
  pfm_cli_files_add (files, "--summary", summary_path, TRUE);
  int files_status = pfm_cli_files_check (files, "sweep");
  if (files_status != PFM_EXIT_OK)
    return files_status;

  PfmCliProgress bar;
  pfm_cli_progress_init (&bar);
  PfmSweepCallbacks cb = { .progress = quiet ? NULL : progress_cb, .user_data = &bar,
                           .cancel = pfm_cli_cancel_flag () };
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmSweepResult) r = pfm_sweep_run (cfg, (PfmSweepAxis **) axes->pdata, axes->len, &o, &cb, &error);
  if (r == NULL)
    {
      if (!quiet)
        fputc ('\n', stderr);
      pfm_cli_error ("sweep", "%s", error->message);
      return exit_for (error);
    }
  g_autofree char *text = csv ? pfm_sweep_result_to_csv (r) : pfm_sweep_result_to_json (r);
  if (!pfm_cli_write_text ("sweep", out_path, text))
    return PFM_EXIT_FAILED;
  g_autofree char *summary = summary_text (r);
  if (!quiet)
    fputs (summary, stderr);
  if (summary_path != NULL && !pfm_cli_write_text ("sweep", summary_path, summary))
    return PFM_EXIT_FAILED;
  return PFM_EXIT_OK;
}

/* The first file argument of `pfm-cli merge` is a sweep result: a cheap
 * look at its start (the writer puts "format" first); the sweep reader
 * then checks everything. */
gboolean
pfm_cli_merge_is_sweep (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0 || strcmp (a, "-f") == 0 ||
          strcmp (a, "--format") == 0 || strcmp (a, "--summary") == 0)
        {
          i++;
          continue;
        }
      if (strcmp (a, "--") == 0)
        {
          if (i + 1 >= argc)
            return FALSE;
          a = argv[i + 1];
        }
      else if (a[0] == '-')
        continue;
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!pfm_file_read (a, MAX_SHARD_BYTES, "a shard file", &data, &len, NULL))
        return FALSE;
      const gsize head = MIN (len, (gsize) 4096);
      g_autofree char *start = g_strndup (data, head);
      return strstr (start, "\"format\"") != NULL && strstr (start, "\"" PFM_SWEEP_FORMAT "\"") != NULL;
    }
  return FALSE;
}

int
pfm_cli_sweep_merge (int argc, char **argv)
{
  g_autofree char *out_path = NULL, *format = NULL, *summary_path = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the merged result here (default: stdout)", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "json (default) or csv", "FORMAT" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path, "Also write a short summary here (- for stdout)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("SHARD.json... - combine the shards of one sweep");
  g_option_context_add_main_entries (ctx, entries, NULL);
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
  int files_status = pfm_cli_merge_check_files (argc, argv, out_path, summary_path);
  if (files_status != PFM_EXIT_OK)
    return files_status;

  g_autoptr(GPtrArray) shards = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_sweep_result_free);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!pfm_file_read (argv[i], MAX_SHARD_BYTES, "a shard file", &data, &len, &error))
        {
          pfm_cli_error ("merge", "%s", error->message);
          return PFM_EXIT_FAILED;
        }
      PfmSweepResult *r = pfm_sweep_result_from_json (data, len, &error);
      if (r == NULL)
        {
          pfm_cli_error ("merge", "%s: %s", argv[i], error->message);
          return PFM_EXIT_USAGE;
        }
      r->source = g_strdup (argv[i]);
      g_ptr_array_add (shards, r);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmSweepResult) merged = pfm_sweep_merge ((PfmSweepResult **) shards->pdata, shards->len, &error);
  if (merged == NULL)
    {
      pfm_cli_error ("merge", "%s", error->message);
      return PFM_EXIT_USAGE;
    }
  g_autofree char *text = csv ? pfm_sweep_result_to_csv (merged) : pfm_sweep_result_to_json (merged);
  if (!pfm_cli_write_text ("merge", out_path, text))
    return PFM_EXIT_FAILED;
  if (summary_path != NULL)
    {
      g_autofree char *summary = summary_text (merged);
      if (!pfm_cli_write_text ("merge", summary_path, summary))
        return PFM_EXIT_FAILED;
    }
  return PFM_EXIT_OK;
}
