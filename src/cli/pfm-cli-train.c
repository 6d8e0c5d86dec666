/* pfm-cli-train.c - `pfm-cli train`, `evaluate` and `gradient` (docs/cli.md "Training")
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "pfm-adjoint.h"
#include "pfm-beam.h"
#include "pfm-bpm.h"
#include "pfm-cli-common.h"
#include "pfm-defects.h"
#include "pfm-evaluate.h"
#include "pfm-export.h"
#include "pfm-medium.h"
#include "pfm-train.h"

/* Numbers in every output are the engine's (locale-independent,
 * round-trip, never NaN). */
#define append_number pfm_export_json_number

static int
exit_for (const GError *error)
{
  return error->domain == PFM_CONFIG_ERROR || error->domain == PFM_DATASET_ERROR ||
         error->domain == PFM_TRAIN_ERROR ? PFM_EXIT_USAGE : PFM_EXIT_FAILED;
}

static char *
project_dir (const char *project)
{
  if (project == NULL)
    return g_get_current_dir ();
  g_autofree char *dir = g_path_get_dirname (project);
  if (g_path_is_absolute (dir))
    return g_steal_pointer (&dir);
  g_autofree char *cwd = g_get_current_dir ();
  return g_build_filename (cwd, dir, NULL);
}

typedef struct
{
  PfmCliProgress bar;
  gboolean       quiet;
} TrainProgress;

static void
train_progress_cb (const PfmTrainProgress *p, gpointer user_data)
{
  TrainProgress *tp = user_data;
  if (tp->quiet)
    return;
  const guint done = (p->epoch - 1) * p->n_batches + p->batch, total = p->n_epochs * p->n_batches;
  const double eta = done > 0 ? p->elapsed_s * (total - done) / done : 0.0;
  pfm_cli_progress (&tp->bar, done, total, "epoch %u/%u, batch %u/%u, loss %.3f, accuracy %.1f%%, ETA %.0f s",
                    p->epoch, p->n_epochs, p->batch, p->n_batches, p->loss, 100.0 * p->accuracy, eta);
}

/* The project (at most one argument) with its overrides, and its dataset
 * as the glass sees it: a status to exit with when either fails. */
static int
load_task (const char *command, int argc, char **argv, char **sets, PfmConfig **cfg_out, PfmTrainData **data_out)
{
  if (argc > 2)
    {
      pfm_cli_error (command, "expected at most one project file, got %d arguments", argc - 1);
      return PFM_EXIT_USAGE;
    }
  const char *project = argc == 2 ? argv[1] : NULL;
  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (project, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = project_dir (project);
  PfmTrainData *data = pfm_train_data_new (cfg, base, &error);
  if (data == NULL)
    {
      pfm_cli_error (command, "%s", error->message);
      return exit_for (error);
    }
  *cfg_out = g_steal_pointer (&cfg);
  *data_out = data;
  return PFM_EXIT_OK;
}

/* Every file train writes, none of them an input or another output.
 * Resuming from TRAINED.ckpt itself is allowed: it is read whole first,
 * and later epochs replace it as they would have. */
static int
train_check_files (const PfmConfig *cfg, const char *project, const char *resume, const char *ckpt,
                   const char *out, const char *map_path, const char *log_path, const char *summary)
{
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, project);
  if (resume != NULL && !pfm_cli_files_same (resume, ckpt))
    pfm_cli_files_add (files, "the checkpoint --resume", resume, FALSE);
  pfm_cli_files_add (files, "-o", out, TRUE);
  pfm_cli_files_add (files, "the trained index map", map_path, TRUE);
  pfm_cli_files_add (files, "the checkpoint", ckpt, TRUE);
  pfm_cli_files_add (files, "--log", log_path, TRUE);
  pfm_cli_files_add (files, "--summary", summary, TRUE);
  return pfm_cli_files_check (files, "train");
}

/* The project's text, read now (training takes a while): the trained
 * project is written over it and keeps its comments.  Without it (no
 * project, or one that changed under us) NULL: it is written whole. */
static GBytes *
read_project_text (const char *project)
{
  g_autoptr(GBytes) project_text = NULL;
  if (project == NULL)
    return NULL;
  g_autoptr(PfmConfig) scratch = pfm_config_new ();
  if (!pfm_config_load_file_text (scratch, project, &project_text, NULL))
    g_clear_pointer (&project_text, g_bytes_unref);
  return g_steal_pointer (&project_text);
}

/* The trained design through the forward engine, once: a design whose
 * voxels scatter beyond the grid's resolution trains (the adjoint does
 * not check it) but would stop under-resolved in propagate.  Warns on
 * stderr when it does. */
static void
check_trained_forward (const PfmConfig *trained, const char *out, const PfmTrainData *data)
{
  if (data->n_test == 0)
    return;
  /* The project just written, its map found as a reader finds it,
   * and the design as written: its [defects] are evaluate's copies. */
  g_autoptr(PfmConfig) check = pfm_config_copy (trained);
  pfm_config_resolve_paths (check, out);
  pfm_defects_clear (check);
  g_autoptr(GError) check_error = NULL;
  PfmTrainData one = *data;
  one.n_test = 1;
  g_autofree double *y = g_new (double, check->detector.regions);
  PfmTrainOptions co = { .threads = 1 };
  if (!pfm_evaluate_outputs (check, &one, one.test, 1, &co, y, &check_error))
    fprintf (stderr, "pfm-cli train: warning: the trained design is under-resolved in the forward engine "
             "(%s); evaluate and propagate will stop: lower medium.delta_n or raise grid.n\n",
             check_error->message);
}

/* --summary's JSON: test accuracy, confusion matrix and timings. */
static char *
train_summary_json (const PfmTrainData *data, const PfmTrainResult *res)
{
  GString *s = g_string_new ("{\n  \"dataset\": ");
  pfm_export_json_string (s, data->dataset->name);
  g_string_append_printf (s, ",\n  \"parameters\": %" G_GUINT64_FORMAT ",\n  \"test_examples\": %u,\n"
                          "  \"test_accuracy\": ", res->n_parameters, res->n_test);
  append_number (s, res->test_accuracy);
  g_string_append (s, ",\n  \"temperature\": ");
  append_number (s, res->temperature);
  g_string_append (s, ",\n  \"seconds\": ");
  append_number (s, res->seconds);
  g_string_append (s, ",\n  \"confusion\": ");
  pfm_train_append_confusion_json (s, res->confusion, res->n_classes);
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

/* Trains @cfg on @data, checkpointing to @ckpt after every epoch: the
 * result, or NULL with a status in @status. */
static PfmTrainResult *
train_run (const PfmConfig *cfg, const PfmTrainData *data, const char *ckpt, const char *resume, int threads,
           gboolean quiet, int *status)
{
  g_autoptr(GError) error = NULL;
  if (!quiet)
    fprintf (stderr, "pfm-cli train: %s, %u train / %u validation / %u test examples, %u classes, %u SLM pixels\n",
             data->dataset->name, data->n_train, data->n_validation, data->n_test, data->n_classes, data->n_pixels);

  TrainProgress tp = { .quiet = quiet };
  pfm_cli_progress_init (&tp.bar);
  /* The checkpoint beside the output, replaced atomically after every
   * epoch: Ctrl-C leaves the last complete one. */
  PfmTrainOptions o = { .threads = pfm_cli_threads (threads), .progress = train_progress_cb, .user_data = &tp,
                        .checkpoint = ckpt, .resume = resume };
  o.cancel = pfm_cli_cancel_flag ();
  PfmTrainResult *res = pfm_train_run (cfg, data, &o, &error);
  if (res == NULL)
    {
      pfm_cli_error ("train", "%s", error->message);
      *status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? PFM_EXIT_FAILED : exit_for (error);
    }
  return res;
}

int
pfm_cli_train (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *out = NULL, *log_path = NULL, *summary = NULL, *resume = NULL;
  int threads = 0;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a project key (repeatable)", "KEY=VALUE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The trained project (the index map is written beside it)", "TRAINED.pfm" },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path, "One CSV row per epoch", "FILE.csv" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary, "Test accuracy, confusion matrix and timings", "FILE.json" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &resume, "Continue from a checkpoint (TRAINED.ckpt, written after every epoch)", "CHECKPOINT" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads (0 = one per CPU)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - train the glass as a classifier (physics.md section 5)");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!pfm_cli_parse (ctx, "train", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (out == NULL || !g_str_has_suffix (out, ".pfm"))
    {
      pfm_cli_error ("train", "-o TRAINED.pfm is required (a project file name ending in .pfm)");
      return PFM_EXIT_USAGE;
    }
  if (threads < 0 || threads > 64)
    {
      pfm_cli_error ("train", "--threads = %d is out of range: accepted [1, 64], or 0 for one per CPU", threads);
      return PFM_EXIT_USAGE;
    }
  g_autofree char *stem = g_strndup (out, strlen (out) - 4);
  g_autofree char *ckpt = g_strconcat (stem, ".ckpt", NULL);
  g_autofree char *map_path = g_strconcat (stem, ".idx", NULL);
  const char *project = argc == 2 ? argv[1] : NULL;
  g_autoptr(PfmConfig) cfg = NULL;
  g_autoptr(PfmTrainData) data = NULL;
  int st = load_task ("train", argc, argv, sets, &cfg, &data);
  if (st == PFM_EXIT_OK)
    st = train_check_files (cfg, project, resume, ckpt, out, map_path, log_path, summary);
  if (st != PFM_EXIT_OK)
    return st;
  g_autoptr(GBytes) project_text = read_project_text (project);
  g_autoptr(PfmTrainResult) res = train_run (cfg, data, ckpt, resume, threads, quiet, &st);
  if (res == NULL)
    return st;

  g_autoptr(GError) error = NULL;
  gsize text_len = 0;
  const char *text = project_text ? g_bytes_get_data (project_text, &text_len) : NULL;
  if (!pfm_train_save_project (cfg, res, out, text, text_len, &error))
    return pfm_cli_run_failed ("train", FALSE, error, PFM_EXIT_FAILED);
  g_autofree char *map_name = g_path_get_basename (map_path);
  g_autoptr(PfmConfig) trained = pfm_train_trained_config (cfg, map_name, res->temperature);
  check_trained_forward (trained, out, data);

  g_autofree char *log_text = log_path != NULL ? pfm_train_log_to_csv (res->epochs) : NULL;
  if (log_path != NULL && !pfm_cli_write_text ("train", log_path, log_text))
    return PFM_EXIT_FAILED;
  g_autofree char *summary_text = summary != NULL ? train_summary_json (data, res) : NULL;
  if (summary != NULL && !pfm_cli_write_text ("train", summary, summary_text))
    return PFM_EXIT_FAILED;
  if (!quiet)
    fprintf (stderr, "pfm-cli train: test accuracy %.2f%% (%u examples) after %d epochs, %.0f s; "
             "%" G_GUINT64_FORMAT " voxels; wrote %s and %s\n",
             100.0 * res->test_accuracy, res->n_test, cfg->train.epochs, res->seconds, res->n_parameters, out, map_path);
  return PFM_EXIT_OK;
}

/* --- evaluate: the glass through the forward engine -------------------- */

static void
eval_progress_cb (guint done, guint total, gpointer user_data)
{
  pfm_cli_progress (user_data, done, total, "run %u/%u", done, total);
}

int
pfm_cli_evaluate (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *out = NULL, *format = NULL;
  int threads = 0, copies = 0;
  gboolean baselines = FALSE;
  GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a project key (repeatable)", "KEY=VALUE" },
    { "copies", 0, 0, G_OPTION_ARG_INT, &copies, "Also fabricate K copies with the [defects] models", "K" },
    { "baselines", 0, 0, G_OPTION_ARG_NONE, &baselines, "Also the digital baselines (logistic regression; random glass + readout)", NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "json (default) or csv (one row per fabricated copy)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output file (default: standard output)", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads (0 = one per CPU)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - test accuracy of the glass, with the forward engine");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!pfm_cli_parse (ctx, "evaluate", &argc, &argv))
    return PFM_EXIT_USAGE;
  const gboolean csv = format != NULL && strcmp (format, "csv") == 0;
  if (format != NULL && !csv && strcmp (format, "json") != 0)
    {
      pfm_cli_error ("evaluate", "--format %s: accepted json or csv", format);
      return PFM_EXIT_USAGE;
    }
  if (threads < 0 || threads > 64 || copies < 0 || copies > 100000)
    {
      pfm_cli_error ("evaluate", "--threads = %d, --copies = %d: accepted [0, 64] (0 = one per CPU) and [0, 100000]",
                     threads, copies);
      return PFM_EXIT_USAGE;
    }
  g_autoptr(PfmConfig) cfg = NULL;
  g_autoptr(PfmTrainData) data = NULL;
  int st = load_task ("evaluate", argc, argv, sets, &cfg, &data);
  if (st != PFM_EXIT_OK)
    return st;
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, argc == 2 ? argv[1] : NULL);
  pfm_cli_files_add (files, "-o", out, TRUE);
  int files_status = pfm_cli_files_check (files, "evaluate");
  if (files_status != PFM_EXIT_OK)
    return files_status;
  g_autoptr(GError) error = NULL;
  PfmCliProgress bar;
  pfm_cli_progress_init (&bar);
  PfmTrainOptions o = { .threads = pfm_cli_threads (threads), .runs = eval_progress_cb, .user_data = &bar };
  o.cancel = pfm_cli_cancel_flag ();
  g_autoptr(PfmEvaluation) ev = pfm_evaluate (cfg, data, (guint) copies, baselines, &o, &error);
  if (ev == NULL)
    {
      pfm_cli_error ("evaluate", "%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? PFM_EXIT_FAILED : exit_for (error);
    }

  if (ev->n_unresolved > 0)
    {
      const PfmCopyAccuracy *first = NULL;
      for (guint k = 0; k < ev->n_copies && first == NULL; k++)
        first = ev->copies[k].unresolved ? &ev->copies[k] : NULL;
      fprintf (stderr, "pfm-cli evaluate: warning: %u of %u copies could not be resolved by the grid and are left "
               "out of the statistics (the first: %s)\n", ev->n_unresolved, ev->n_copies, first->unresolved);
    }
  g_autofree char *text = csv ? pfm_evaluation_to_csv (ev) : pfm_evaluation_to_json (ev);
  return pfm_cli_write_text ("evaluate", out, text) ? PFM_EXIT_OK : PFM_EXIT_FAILED;
}

/* --- gradient: the adjoint, for checking it from outside --------------- */

int
pfm_cli_gradient (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *out = NULL, *weights = NULL;
  GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a project key (repeatable)", "KEY=VALUE" },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &weights, "One weight per detector region", "W1,...,WC" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The gradient as an index map", "GRAD.idx" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[PROJECT.pfm] - d(sum_k W_k p_k)/d(dn) for every voxel, by the adjoint");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!pfm_cli_parse (ctx, "gradient", &argc, &argv))
    return PFM_EXIT_USAGE;
  if (argc > 2 || out == NULL || weights == NULL)
    {
      pfm_cli_error ("gradient", "usage: pfm-cli gradient [PROJECT.pfm] --weights W1,...,WC -o GRAD.idx");
      return PFM_EXIT_USAGE;
    }
  const char *project = argc == 2 ? argv[1] : NULL;
  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (project, sets);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, project);
  pfm_cli_files_add (files, "-o", out, TRUE);
  int files_status = pfm_cli_files_check (files, "gradient");
  if (files_status != PFM_EXIT_OK)
    return files_status;
  g_auto(GStrv) parts = g_strsplit (weights, ",", -1);
  const guint nw = g_strv_length (parts);
  if (nw != (guint) cfg->detector.regions)
    {
      pfm_cli_error ("gradient", "--weights has %u values: accepted exactly detector.regions = %d", nw, cfg->detector.regions);
      return PFM_EXIT_USAGE;
    }
  g_autofree double *w = g_new (double, nw);
  for (guint k = 0; k < nw; k++)
    {
      char *end = NULL;
      w[k] = g_ascii_strtod (parts[k], &end);
      if (end == parts[k] || *end != '\0' || !isfinite (w[k]) || fabs (w[k]) > 1e30)
        {
          pfm_cli_error ("gradient", "--weights: \"%s\" is not a finite number in [-1e30, 1e30]", parts[k]);
          return PFM_EXIT_USAGE;
        }
    }

  g_autoptr(GError) error = NULL;
  g_autoptr(PfmAdjoint) adj = pfm_adjoint_new (cfg, 0, &error);
  g_autoptr(PfmMedium) medium = adj ? pfm_medium_new (cfg, &error) : NULL;
  if (adj == NULL || medium == NULL)
    {
      pfm_cli_error ("gradient", "%s", error->message);
      return exit_for (error);
    }
  g_autofree float *field = g_new (float, 2 * (gsize) cfg->grid.n * cfg->grid.n);
  PfmGrid grid;
  pfm_grid_init (&grid, cfg);
  if (!pfm_beam_fill (cfg, &grid, field, &error))
    {
      pfm_cli_error ("gradient", "%s", error->message);
      return exit_for (error);
    }
  pfm_adjoint_set_input_field (adj, field);
  int nx, ny, nz;
  pfm_adjoint_get_lattice (adj, &nx, &ny, &nz);
  const gsize nv = pfm_adjoint_n_voxels (adj);
  g_autofree double *dn = g_new (double, nv);
  pfm_adjoint_read_medium (adj, medium, dn);
  g_autofree double *powers = g_new (double, nw);
  g_autofree double *grad = g_new0 (double, nv);
  pfm_adjoint_set_dn (adj, dn);
  pfm_adjoint_forward (adj, powers);
  pfm_adjoint_backward (adj, w, grad);
  g_autofree float *gf = g_new (float, nv);
  for (gsize v = 0; v < nv; v++)
    gf[v] = (float) grad[v];
  if (!pfm_medium_save_map (out, nx, ny, nz, gf, &error))
    {
      pfm_cli_error ("gradient", "%s", error->message);
      return PFM_EXIT_FAILED;
    }
  return PFM_EXIT_OK;
}
