/* pfm-cli-propagate.c - `pfm-cli propagate`: one run of the engine
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-cli-common.h"

static void
progress_cb (guint step, guint n_steps, double z, gpointer user_data)
{
  pfm_cli_progress (user_data, step, n_steps, "step %u/%u  z = %.4g m", step, n_steps, z);
}

static gboolean
write_text (const char *path, const char *text, const char *what)
{
  g_autoptr(GError) error = NULL;
  if (!pfm_cli_write_output (path, text, strlen (text), &error))
    {
      pfm_cli_error ("propagate", "writing the %s: %s", what, error->message);
      return FALSE;
    }
  return TRUE;
}

/* Sets up the engine and runs it, with its setup warnings and progress on
 * stderr unless @quiet: the record of a run that was not cancelled in
 * @rec_out, else a status to exit with. */
static int
propagate_run (const PfmConfig *cfg, const PfmBpmOptions *opts, gboolean quiet, PfmRecord **rec_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, opts, &error);
  if (bpm == NULL)
    return pfm_cli_run_failed ("propagate", FALSE, error,
                               g_error_matches (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT) ||
                               g_error_matches (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE)
                               ? PFM_EXIT_USAGE : PFM_EXIT_FAILED);

  /* What is known before the run, said before it (a long run otherwise
   * gives its warnings only at the end); --quiet keeps stderr silent, and
   * the summary repeats them. */
  g_autoptr(GPtrArray) warnings = quiet ? NULL : pfm_bpm_setup_warnings (bpm);
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    pfm_cli_error ("propagate", "warning: %s", (const char *) warnings->pdata[i]);

  PfmCliProgress progress;
  pfm_cli_progress_init (&progress);
  PfmBpmCallbacks cb = { .progress = quiet ? NULL : progress_cb, .user_data = &progress };
  cb.cancel = pfm_cli_cancel_flag ();
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &cb, &error);
  if (rec == NULL)
    return pfm_cli_run_failed ("propagate", FALSE, error, PFM_EXIT_FAILED);
  if (!quiet && rec->status != PFM_RUN_COMPLETED)
    fputc ('\n', stderr);
  /* A cancelled run writes nothing: a partial record must never replace a
   * complete file from an earlier run. */
  if (rec->status == PFM_RUN_CANCELLED)
    {
      pfm_cli_error ("propagate", "cancelled at step %u of %u: no output was written or replaced",
                     rec->steps_done, rec->n_steps);
      return PFM_EXIT_FAILED;
    }
  *rec_out = g_steal_pointer (&rec);
  return PFM_EXIT_OK;
}

/* Writes each output asked for, and the summary (to stdout without
 * --summary): FALSE when any write failed, each failure said. */
static gboolean
propagate_write (const PfmRecord *rec, const char *diag_path, const char *out_path, const char *field_path,
                 const char *summary_path)
{
  gboolean ok = TRUE;
  if (diag_path)
    {
      g_autofree char *csv = pfm_record_diagnostics_csv (rec);
      ok &= write_text (diag_path, csv, "diagnostics");
    }
  if (out_path)
    {
      g_autofree char *csv = pfm_record_output_csv (rec);
      ok &= write_text (out_path, csv, "output vector");
    }
  g_autoptr(GError) error = NULL;
  if (field_path && !pfm_record_write_field (rec, field_path, &error))
    {
      pfm_cli_error ("propagate", "%s", error->message);
      ok = FALSE;
    }
  g_autofree char *summary = pfm_record_summary (rec);
  ok &= write_text (summary_path, summary, "summary");
  return ok;
}

int
pfm_cli_propagate (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *diag_path = NULL, *out_path = NULL, *field_path = NULL, *summary_path = NULL;
  int threads = 0;
  gboolean quiet = FALSE, strict = FALSE, estimate = FALSE;
  const GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override one key (repeatable)", "GROUP.KEY=VALUE" },
    { "diagnostics", 'd', 0, G_OPTION_ARG_FILENAME, &diag_path, "Write the per-slice diagnostics CSV (- for stdout)", "FILE.csv" },
    { "output-vector", 'v', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the detector output vector CSV (- for stdout)", "FILE.csv" },
    { "field", 'f', 0, G_OPTION_ARG_FILENAME, &field_path, "Write the recorded intensity volume (.npy: intensity; .vti: intensity and dn)", "FILE" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path, "Write the run summary here instead of stdout", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "FFTW threads (1..64; default: the fastest for this grid, measured once and cached)", "N" },
    { "estimate", 0, 0, G_OPTION_ARG_NONE, &estimate, "Skip FFTW's plan measurement (plans instantly, runs up to 10x slower)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Exit 1 if the run becomes under-resolved", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - propagate through a sample of the tube");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Runs the split-step Fourier engine on the project (defaults if none) with\n"
    "any --set overrides, shows progress on stderr and prints a summary.\n"
    "Exit status: 0 done (also when under-resolved, unless --strict), 1 the run\n"
    "could not complete, 2 bad usage or value.");
  if (!pfm_cli_parse (ctx, "propagate", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (!pfm_cli_check_project_args ("propagate", argc))
    return PFM_EXIT_USAGE;
  if (threads < 0 || threads > 64)
    {
      pfm_cli_error ("propagate", "--threads = %d is out of range: accepted [1, 64], or 0 for the fastest (measured)", threads);
      return PFM_EXIT_USAGE;
    }
  if (field_path && !g_str_has_suffix (field_path, ".npy") && !g_str_has_suffix (field_path, ".vti"))
    {
      pfm_cli_error ("propagate", "--field %s: accepted a name ending in .npy or .vti", field_path);
      return PFM_EXIT_USAGE;
    }

  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (argc == 2 ? argv[1] : NULL, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, argc == 2 ? argv[1] : NULL);
  pfm_cli_files_add (files, "--diagnostics", diag_path, TRUE);
  pfm_cli_files_add (files, "--output-vector", out_path, TRUE);
  pfm_cli_files_add (files, "--field", field_path, TRUE);
  pfm_cli_files_add (files, "--summary", summary_path, TRUE);
  int files_status = pfm_cli_files_check (files, "propagate");
  if (files_status != PFM_EXIT_OK)
    return files_status;

  PfmBpmOptions opts = { .threads = pfm_cli_threads (threads), .rigor = estimate ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE,
                         .no_volume = field_path == NULL, .diagnostics_csv = diag_path != NULL,
                         .field_format = pfm_record_field_format (field_path) };
  g_autoptr(PfmRecord) rec = NULL;
  const int status = propagate_run (cfg, &opts, quiet, &rec);
  if (status != PFM_EXIT_OK)
    return status;
  if (!propagate_write (rec, diag_path, out_path, field_path, summary_path))
    return PFM_EXIT_FAILED;
  if (rec->status == PFM_RUN_UNRESOLVED)
    {
      pfm_cli_error ("propagate", "under-resolved: %s", rec->stop_reason);
      return strict ? PFM_EXIT_FAILED : PFM_EXIT_OK;
    }
  return PFM_EXIT_OK;
}
