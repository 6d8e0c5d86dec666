/* pfm-train-io.c - a training run's files: trained project, log, evaluation
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One writer for each file `pfm-cli train` / `evaluate` and the app's
 * Training view both write, so the two cannot drift apart.  Numbers are
 * the engine's (locale-independent, round-trip, never NaN).
 */
#define G_LOG_DOMAIN "pfm-train"

#include "config.h"

#include <string.h>

#include "pfm-evaluate.h"
#include "pfm-export.h"
#include "pfm-medium.h"
#include "pfm-train.h"

char *
pfm_train_log_to_csv (const GArray *epochs)
{
  GString *s = g_string_new ("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds\n");
  for (guint i = 0; epochs && i < epochs->len; i++)
    {
      const PfmTrainEpoch *e = &g_array_index (epochs, PfmTrainEpoch, i);
      const double v[] = { e->train_loss, e->train_accuracy, e->validation_loss, e->validation_accuracy, e->seconds };
      g_string_append_printf (s, "%u", e->epoch);
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        {
          g_string_append_c (s, ',');
          pfm_export_csv_number (s, v[k]);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

PfmConfig *
pfm_train_trained_config (const PfmConfig *cfg, const char *map_file, double temperature)
{
  PfmConfig *trained = pfm_config_copy (cfg);
  trained->medium.kind = PFM_MEDIUM_FILE;
  g_free (trained->medium.file);
  trained->medium.file = g_strdup (map_file);
  trained->train.temperature = temperature;
  return trained;
}

gboolean
pfm_train_save_project (const PfmConfig *cfg, const PfmTrainResult *res, const char *path,
                        const char *keep_text, gsize keep_len, GError **error)
{
  g_return_val_if_fail (g_str_has_suffix (path, ".pfm"), FALSE);
  g_autofree char *stem = g_strndup (path, strlen (path) - 4);
  g_autofree char *map_path = g_strconcat (stem, ".idx", NULL);
  if (!pfm_medium_save_map (map_path, res->nvx, res->nvy, res->nvz, res->dn, error))
    return FALSE;
  /* The index map beside the project, referred to by its name. */
  g_autofree char *map_name = g_path_get_basename (map_path);
  g_autoptr(PfmConfig) trained = pfm_train_trained_config (cfg, map_name, res->temperature);
  return pfm_config_save_file_keeping (trained, path, keep_text, keep_len, error);
}

void
pfm_train_append_confusion_json (GString *s, const guint *m, guint nc)
{
  g_string_append (s, "[");
  for (guint r = 0; r < nc; r++)
    {
      g_string_append (s, r ? ",\n    [" : "\n    [");
      for (guint c = 0; c < nc; c++)
        g_string_append_printf (s, "%s%u", c ? ", " : "", m[r * nc + c]);
      g_string_append_c (s, ']');
    }
  g_string_append (s, "\n  ]");
}

static void
append_key (GString *s, const char *key, double v)
{
  g_string_append_printf (s, ",\n  \"%s\": ", key);
  pfm_export_json_number (s, v);
}

static void
append_copies (GString *s, const PfmEvaluation *ev)
{
  g_string_append (s, ",\n  \"copies\": [");
  for (guint k = 0; k < ev->n_copies; k++)
    {
      g_string_append_printf (s, "%s\n    { \"seed\": %" G_GUINT64_FORMAT ", \"accuracy\": ", k ? "," : "", ev->copies[k].seed);
      pfm_export_json_number (s, ev->copies[k].accuracy);
      g_string_append (s, ", \"accuracy_calibrated\": ");
      pfm_export_json_number (s, ev->copies[k].accuracy_calibrated);
      if (ev->copies[k].unresolved)
        {
          g_string_append (s, ", \"unresolved\": ");
          pfm_export_json_string (s, ev->copies[k].unresolved);
        }
      g_string_append (s, " }");
    }
  g_string_append_printf (s, "\n  ],\n  \"unresolved_copies\": %u", ev->n_unresolved);
  append_key (s, "mean", ev->mean);
  append_key (s, "std", ev->std);
  append_key (s, "min", ev->min);
  append_key (s, "mean_calibrated", ev->mean_calibrated);
  append_key (s, "std_calibrated", ev->std_calibrated);
  append_key (s, "min_calibrated", ev->min_calibrated);
}

char *
pfm_evaluation_to_json (const PfmEvaluation *ev)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "{\n  \"examples\": %u", ev->n_test);
  append_key (s, "accuracy", ev->accuracy);
  g_string_append (s, ",\n  \"confusion\": ");
  pfm_train_append_confusion_json (s, ev->confusion, ev->n_classes);
  if (ev->n_copies > 0)
    append_copies (s, ev);
  if (ev->has_baselines)
    {
      g_string_append (s, ",\n  \"baselines\": { \"logistic\": ");
      pfm_export_json_number (s, ev->logistic);
      g_string_append (s, ", \"random_glass_readout\": ");
      pfm_export_json_number (s, ev->random_glass_readout);
      g_string_append (s, " }");
    }
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

char *
pfm_evaluation_to_csv (const PfmEvaluation *ev)
{
  GString *s = g_string_new ("copy,seed,resolved,accuracy,accuracy_calibrated\n");
  for (guint k = 0; k < ev->n_copies; k++)
    {
      g_string_append_printf (s, "%u,%" G_GUINT64_FORMAT ",%s,", k, ev->copies[k].seed,
                              ev->copies[k].unresolved ? "false" : "true");
      pfm_export_csv_number (s, ev->copies[k].accuracy);
      g_string_append_c (s, ',');
      pfm_export_csv_number (s, ev->copies[k].accuracy_calibrated);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}
