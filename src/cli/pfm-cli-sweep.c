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

/* The options of `pfm-cli sweep`, as parsed. */
typedef struct
{
  char   **sets, **vary;
  char    *out_path, *format, *shard, *summary_path;
  int      copies, inputs, calibration, threads;
  gint64   input_seed;
  gboolean quiet, estimate, csv;
  GPtrArray *help;      /* the --help texts that name engine defaults */
} SweepArgs;

static void
sweep_args_clear (SweepArgs *a)
{
  g_strfreev (a->sets);
  g_strfreev (a->vary);
  g_free (a->out_path);
  g_free (a->format);
  g_free (a->shard);
  g_free (a->summary_path);
  g_ptr_array_unref (a->help);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SweepArgs, sweep_args_clear)

/* The option context of `sweep`, its defaults (in @a and in --help) the
 * engine's pfm_sweep_options_init (docs/cli.md "sweep"). */
static GOptionContext *
sweep_context (SweepArgs *a, const PfmSweepOptions *d)
{
  a->copies = (int) d->copies;
  a->inputs = (int) d->n_inputs;
  a->calibration = (int) d->n_calibration;
  a->input_seed = (gint64) d->input_seed;
  a->help = g_ptr_array_new_with_free_func (g_free);
  const GOptionEntry entries[] = {
    { "vary", 'v', 0, G_OPTION_ARG_STRING_ARRAY, &a->vary, "A key and its values: KEY=V1,V2,... or KEY=START:STOP:N[:log] (once or twice)", "KEY=SPEC" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &a->sets, "Override one key (repeatable)", "GROUP.KEY=VALUE" },
    { "copies", 'k', 0, G_OPTION_ARG_INT, &a->copies,
      pfm_cli_help_text (a->help, "Each point a defects batch of K copies (default %u: one propagation)", d->copies), "K" },
    { "inputs", 'n', 0, G_OPTION_ARG_INT, &a->inputs,
      pfm_cli_help_text (a->help, "With --copies: test input vectors (default %u)", d->n_inputs), "N" },
    { "calibration-inputs", 'c', 0, G_OPTION_ARG_INT, &a->calibration,
      pfm_cli_help_text (a->help, "With --copies: calibration input vectors (default %u)", d->n_calibration), "N" },
    { "input-seed", 0, 0, G_OPTION_ARG_INT64, &a->input_seed,
      pfm_cli_help_text (a->help, "With --copies: seed of the input vectors (default %" G_GUINT64_FORMAT ")",
                         d->input_seed), "SEED" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &a->shard, "Compute only shard I of K: a contiguous block of points", "I/K" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &a->format, "json (default) or csv", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->out_path, "Write the result here (default: stdout)", "FILE" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &a->summary_path, "Also write a short summary here (- for stdout)", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &a->threads, "FFTW threads per propagation (default 1), or copies in parallel with --copies", "N" },
    { "estimate", 0, 0, G_OPTION_ARG_NONE, &a->estimate, "Skip FFTW's plan measurement (reproducible bits across processes)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "No progress bar or summary", NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("[PROJECT.pfm] - a grid of one or two keys, one row per point");
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
  return ctx;
}

/* The sweep options from the parsed ones (@o holds the engine's defaults):
 * FALSE (the reason printed) for a bad value. */
static gboolean
sweep_options (const SweepArgs *a, PfmSweepOptions *o)
{
  const guint n_vary = a->vary ? g_strv_length (a->vary) : 0;
  if (n_vary < 1 || n_vary > PFM_SWEEP_MAX_AXES)
    {
      pfm_cli_error ("sweep", "%u --vary options: accepted one or two (--vary KEY=V1,V2,... or "
                     "--vary KEY=START:STOP:N[:log])", n_vary);
      return FALSE;
    }
  if (a->copies < 0 || a->copies > 1000000)
    {
      pfm_cli_error ("sweep", "--copies = %d is out of range: accepted [0, 1000000] (0 = one propagation per point)",
                     a->copies);
      return FALSE;
    }
  if (a->inputs < 1 || a->inputs > 100000 || a->calibration < 0 || a->calibration > 100000 || a->input_seed < 0)
    {
      pfm_cli_error ("sweep", "--inputs = %d, --calibration-inputs = %d, --input-seed = %" G_GINT64_FORMAT
                     ": accepted [1, 100000], [0, 100000] and a seed >= 0", a->inputs, a->calibration, a->input_seed);
      return FALSE;
    }
  if (a->threads < 0 || a->threads > 1024)
    {
      pfm_cli_error ("sweep", "--threads = %d is out of range: accepted [1, 1024], or 0 for the default", a->threads);
      return FALSE;
    }
  o->copies = (guint) a->copies;
  o->n_inputs = (guint) a->inputs;
  o->n_calibration = (guint) a->calibration;
  o->input_seed = (guint64) a->input_seed;
  o->threads = pfm_cli_threads (a->threads);
  o->rigor = a->estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;
  if (a->shard == NULL)
    return TRUE;
  if (!pfm_cli_parse_shard (a->shard, PFM_SWEEP_MAX_POINTS, &o->shard_index, &o->shard_count))
    {
      pfm_cli_error ("sweep", "--shard %s: accepted I/K with 1 <= I <= K <= the grid's points", a->shard);
      return FALSE;
    }
  if (a->csv)
    {
      pfm_cli_error ("sweep", "--shard writes JSON for pfm-cli merge: drop --format csv");
      return FALSE;
    }
  return TRUE;
}

/* The --vary axes into @axes, then every point checked, and its memory
 * estimated, before any run: a status to exit with. */
static int
sweep_axes (const PfmConfig *cfg, char **vary, const PfmSweepOptions *o, GPtrArray *axes)
{
  g_autoptr(GError) error = NULL;
  for (guint i = 0; vary[i] != NULL; i++)
    {
      PfmSweepAxis *a = pfm_sweep_axis_parse (cfg, vary[i], &error);
      if (a == NULL)
        return pfm_cli_run_failed ("sweep", FALSE, error, PFM_EXIT_USAGE);
      g_ptr_array_add (axes, a);
    }
  guint n_points;
  if (!pfm_sweep_check (cfg, (PfmSweepAxis **) axes->pdata, axes->len, o, &n_points, &error))
    return pfm_cli_run_failed ("sweep", FALSE, error, exit_for (error));
  return PFM_EXIT_OK;
}

int
pfm_cli_sweep (int argc, char **argv)
{
  g_auto(SweepArgs) a = { NULL };
  PfmSweepOptions o;
  pfm_sweep_options_init (&o);
  g_autoptr(GOptionContext) ctx = sweep_context (&a, &o);
  if (!pfm_cli_parse (ctx, "sweep", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (!pfm_cli_check_project_args ("sweep", argc) || !pfm_cli_parse_format ("sweep", a.format, &a.csv) ||
      !sweep_options (&a, &o))
    return PFM_EXIT_USAGE;

  const char *project = argc == 2 ? argv[1] : NULL;
  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (project, a.sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(GPtrArray) axes = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_sweep_axis_free);
  int status = sweep_axes (cfg, a.vary, &o, axes);
  if (status == PFM_EXIT_OK)
    status = pfm_cli_check_outputs ("sweep", cfg, project, a.out_path, a.summary_path);
  if (status != PFM_EXIT_OK)
    return status;

  PfmCliProgress bar;
  pfm_cli_progress_init (&bar);
  PfmSweepCallbacks cb = { .progress = a.quiet ? NULL : progress_cb, .user_data = &bar,
                           .cancel = pfm_cli_cancel_flag () };
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmSweepResult) r = pfm_sweep_run (cfg, (PfmSweepAxis **) axes->pdata, axes->len, &o, &cb, &error);
  if (r == NULL)
    return pfm_cli_run_failed ("sweep", !a.quiet, error, exit_for (error));
  g_autofree char *text = a.csv ? pfm_sweep_result_to_csv (r) : pfm_sweep_result_to_json (r);
  g_autofree char *summary = summary_text (r);
  return pfm_cli_write_result ("sweep", a.out_path, text, summary, !a.quiet, a.summary_path)
         ? PFM_EXIT_OK : PFM_EXIT_FAILED;
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

/* A sweep shard for pfm_cli_read_shards: the result, named by its file. */
static gpointer
read_sweep_shard (const char *path, const char *data, gsize length, GError **error)
{
  PfmSweepResult *r = pfm_sweep_result_from_json (data, length, error);
  if (r != NULL)
    r->source = g_strdup (path);
  return r;
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
  gboolean csv;
  if (!pfm_cli_parse_format ("merge", format, &csv))
    return PFM_EXIT_USAGE;
  if (argc < 2)
    {
      pfm_cli_error ("merge", "expected one or more shard files (try pfm-cli merge --help)");
      return PFM_EXIT_USAGE;
    }
  int files_status = pfm_cli_merge_check_files (argc, argv, out_path, summary_path);
  if (files_status != PFM_EXIT_OK)
    return files_status;

  g_autoptr(GPtrArray) shards = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_sweep_result_free);
  files_status = pfm_cli_read_shards ("merge", argc, argv, MAX_SHARD_BYTES, read_sweep_shard, shards);
  if (files_status != PFM_EXIT_OK)
    return files_status;
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmSweepResult) merged = pfm_sweep_merge ((PfmSweepResult **) shards->pdata, shards->len, &error);
  if (merged == NULL)
    return pfm_cli_run_failed ("merge", FALSE, error, PFM_EXIT_USAGE);
  g_autofree char *text = csv ? pfm_sweep_result_to_csv (merged) : pfm_sweep_result_to_json (merged);
  g_autofree char *summary = summary_text (merged);
  return pfm_cli_write_result ("merge", out_path, text, summary, FALSE, summary_path)
         ? PFM_EXIT_OK : PFM_EXIT_FAILED;
}
