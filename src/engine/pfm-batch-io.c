/* pfm-batch-io.c - batch results as JSON and CSV, and the JSON reader
 * (docs/cli.md, `defects --format json`)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in pfm-batch.h.  The reader accepts what the writer
 * writes, and results of older versions (no planning mode, no
 * input_sha256); merge (pfm-batch-merge.c) then checks that shards make
 * one batch.
 */
#define G_LOG_DOMAIN "pfm-batch"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-batch-private.h"
#include "pfm-config.h"
#include "pfm-export.h"
#include "pfm-json.h"

#define FORMAT_NAME "pfm-explorer defects 1"

const char *
pfm_batch_planning_name (PfmBatchPlanning planning)
{
  switch (planning)
    {
    case PFM_BATCH_PLANNING_MEASURE:
      return "measure";
    case PFM_BATCH_PLANNING_ESTIMATE:
      return "estimate";
    default:
      return "unknown";
    }
}

/* ---- writing ------------------------------------------------------------------- */

static void
json_key_number (GString *s, const char *key, double v)
{
  pfm_export_json_string (s, key);
  g_string_append (s, ": ");
  pfm_export_json_number (s, v);
}

static void
append_metrics_object (GString *s, const char *name, const PfmBatchResult *r, int what)
{
  g_string_append_printf (s, ",\n  \"%s\": {", name);
  gboolean first = TRUE;
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      {
        if (m == PFM_METRIC_TM_ERROR && (cal || !r->options.tm_error))
          continue;
        const PfmMetricStats *st = cal ? &r->stats_calibrated[m] : &r->stats[m];
        const double v = what == 0 ? st->mean : what == 1 ? st->std : what == 2 ? st->min : st->max;
        g_autofree char *key = g_strdup_printf ("%s%s", pfm_metric_name (m), cal ? "_calibrated" : "");
        g_string_append (s, first ? "" : ", ");
        json_key_number (s, key, v);
        first = FALSE;
      }
  g_string_append (s, "}");
}

char *
pfm_batch_result_to_json (const PfmBatchResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const PfmBatchOptions *o = &r->options;
  GString *s = g_string_new ("{\n  \"format\": \"" FORMAT_NAME "\",\n  \"settings\": {");
  for (guint i = 0; i < r->keys->len; i++)
    {
      g_string_append (s, i ? ",\n    " : "\n    ");
      pfm_export_json_string (s, r->keys->pdata[i]);
      g_string_append (s, ": ");
      pfm_export_json_string (s, r->values->pdata[i]);
    }
  g_string_append_printf (s, "\n  },\n  \"batch\": {\"copies\": %u, \"inputs\": %u, \"calibration_inputs\": %u, "
                          "\"input_seed\": %" G_GUINT64_FORMAT ", ",
                          o->copies, o->n_inputs, o->n_calibration, o->input_seed);
  json_key_number (s, "ridge", o->ridge);
  g_string_append_printf (s, ", \"yield_metric\": \"%s\", ", pfm_metric_name (o->yield_metric));
  json_key_number (s, "threshold", o->threshold);
  g_string_append_printf (s, ", \"tm_error\": %s", o->tm_error ? "true" : "false");
  /* Older results have no planning mode: they are written back without one. */
  if (r->planning != PFM_BATCH_PLANNING_UNKNOWN)
    g_string_append_printf (s, ", \"planning\": \"%s\"", pfm_batch_planning_name (r->planning));
  g_string_append (s, "}");
  if (o->shard_count > 1)
    g_string_append_printf (s, ",\n  \"shard\": {\"index\": %u, \"count\": %u}", o->shard_index, o->shard_count);
  if (r->input_keys->len > 0)
    {
      g_string_append (s, ",\n  \"input_sha256\": {");
      for (guint i = 0; i < r->input_keys->len; i++)
        {
          g_string_append (s, i ? ", " : "");
          pfm_export_json_string (s, r->input_keys->pdata[i]);
          g_string_append (s, ": ");
          pfm_export_json_string (s, r->input_sha256->pdata[i]);
        }
      g_string_append (s, "}");
    }

  g_string_append (s, ",\n  \"copies\": [");
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      g_string_append_printf (s, "%s\n    {\"copy\": %u, \"seed\": %" G_GUINT64_FORMAT ", \"resolved\": %s",
                              i ? "," : "", c->index, c->seed, c->resolved ? "true" : "false");
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          {
            if (m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error))
              continue;
            g_autofree char *key = g_strdup_printf ("%s%s", pfm_metric_name (m), cal ? "_calibrated" : "");
            g_string_append (s, ", ");
            json_key_number (s, key, cal ? c->calibrated[m] : c->metric[m]);
          }
      g_string_append (s, "}");
    }
  g_string_append_printf (s, "%s],\n  \"resolved\": %u", r->copies->len ? "\n  " : "", r->n_resolved);
  append_metrics_object (s, "mean", r, 0);
  append_metrics_object (s, "std", r, 1);
  append_metrics_object (s, "min", r, 2);
  append_metrics_object (s, "max", r, 3);
  g_string_append (s, ",\n  ");
  json_key_number (s, "yield", r->yield);
  g_string_append (s, ",\n  ");
  json_key_number (s, "yield_calibrated", r->yield_calibrated);
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

char *
pfm_batch_result_to_csv (const PfmBatchResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const gboolean tm = r->options.tm_error;
  GString *s = g_string_new ("copy,seed,resolved");
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
        g_string_append_printf (s, ",%s%s", pfm_metric_name (m), cal ? "_calibrated" : "");
  g_string_append_c (s, '\n');
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      g_string_append_printf (s, "%u,%" G_GUINT64_FORMAT ",%d", c->index, c->seed, c->resolved ? 1 : 0);
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
            {
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, cal ? c->calibrated[m] : c->metric[m]);
            }
      g_string_append_c (s, '\n');
    }
  /* Summary rows: the first column names the statistic. */
  for (int what = 0; what < 5; what++)
    {
      static const char *const names[] = { "mean", "std", "min", "max", "yield" };
      g_string_append_printf (s, "%s,,%u", names[what], r->n_resolved);
      for (int cal = 0; cal < 2; cal++)
        for (int m = 0; m < PFM_N_METRICS; m++)
          if (!(m == PFM_METRIC_TM_ERROR && (cal || !tm)))
            {
              const PfmMetricStats *st = cal ? &r->stats_calibrated[m] : &r->stats[m];
              double v = what == 0 ? st->mean : what == 1 ? st->std : what == 2 ? st->min : what == 3 ? st->max : NAN;
              /* The yield row fills the yield metric's columns only. */
              if (what == 4 && m == (int) r->options.yield_metric)
                v = cal ? r->yield_calibrated : r->yield;
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, v);
            }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* ---- reading ------------------------------------------------------------------- */

/* A number pfm_json_member (null refused). */
static gboolean
get_number (const PfmJson *obj, const char *name, double *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  if (n == NULL || n->type != PFM_JSON_NUMBER)
    return FALSE;
  *out = n->number;
  return TRUE;
}

/* The one message of every malformed field that has none of its own; FALSE. */
static gboolean
malformed (GError **error)
{
  g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
               "a defects result with missing or malformed fields (settings, batch, copies)");
  return FALSE;
}

/* "settings": every key with its value as text, in the file's order. */
static gboolean
read_settings (const PfmJson *settings, PfmBatchResult *r, GError **error)
{
  for (guint i = 0; i < settings->names->len; i++)
    {
      const PfmJson *v = settings->items->pdata[i];
      if (v->type != PFM_JSON_STRING)
        return malformed (error);
      g_ptr_array_add (r->keys, g_strdup (settings->names->pdata[i]));
      g_ptr_array_add (r->values, g_strdup (v->text));
    }
  return TRUE;
}

/* "batch": the batch options into r->options, and the planning mode,
 * which results of older versions do not record (UNKNOWN then). */
static gboolean
read_batch (const PfmJson *batch, PfmBatchResult *r, GError **error)
{
  PfmBatchOptions *o = &r->options;
  guint64 u;
  if (!pfm_json_get_uint (batch, "copies", 1000000, &u))
    return malformed (error);
  o->copies = (guint) u;
  if (!pfm_json_get_uint (batch, "inputs", 100000, &u))
    return malformed (error);
  o->n_inputs = (guint) u;
  if (!pfm_json_get_uint (batch, "calibration_inputs", 100000, &u))
    return malformed (error);
  o->n_calibration = (guint) u;
  if (!pfm_json_get_uint (batch, "input_seed", G_MAXUINT64, &o->input_seed) || !get_number (batch, "ridge", &o->ridge) ||
      !get_number (batch, "threshold", &o->threshold) || !pfm_json_get_bool (batch, "tm_error", &o->tm_error))
    return malformed (error);
  const PfmJson *ym = pfm_json_member (batch, "yield_metric");
  if (ym == NULL || ym->type != PFM_JSON_STRING || pfm_metric_from_name (ym->text) < 0)
    return malformed (error);
  o->yield_metric = pfm_metric_from_name (ym->text);

  const PfmJson *pl = pfm_json_member (batch, "planning");
  if (pl == NULL)
    return TRUE;
  if (pl->type == PFM_JSON_STRING && strcmp (pl->text, "measure") == 0)
    r->planning = PFM_BATCH_PLANNING_MEASURE;
  else if (pl->type == PFM_JSON_STRING && strcmp (pl->text, "estimate") == 0)
    r->planning = PFM_BATCH_PLANNING_ESTIMATE;
  else
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                   "batch.planning: accepted \"measure\" or \"estimate\"");
      return FALSE;
    }
  return TRUE;
}

/* "shard", when there (a whole batch has none): its index and count. */
static gboolean
read_shard (const PfmJson *shard, PfmBatchOptions *o, GError **error)
{
  guint64 si, sc;
  if (!pfm_json_get_uint (shard, "index", 1000000, &si) || !pfm_json_get_uint (shard, "count", 1000000, &sc))
    return malformed (error);
  o->shard_index = (guint) si;
  o->shard_count = (guint) sc;
  return TRUE;
}

/* "input_sha256", when there: project keys, each with the 64 lowercase
 * hex digits of a SHA-256 (what the batch records of the files it read). */
static gboolean
read_input_sha256 (const PfmJson *inputs, PfmBatchResult *r, GError **error)
{
  if (inputs->type != PFM_JSON_OBJECT)
    return malformed (error);
  for (guint i = 0; i < inputs->names->len; i++)
    {
      const PfmJson *v = inputs->items->pdata[i];
      const char *key = inputs->names->pdata[i];
      gboolean hex = v->type == PFM_JSON_STRING && strlen (v->text) == 64;
      for (int k = 0; hex && k < 64; k++)
        hex = g_ascii_isxdigit (v->text[k]) && !g_ascii_isupper (v->text[k]);
      if (pfm_config_lookup_key (key) == NULL)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                       "input_sha256 names something that is not a project key (accepted: medium.file)");
          return FALSE;
        }
      if (!hex)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                       "input_sha256: %s is not the 64 lowercase hex digits of a SHA-256", key);
          return FALSE;
        }
      g_ptr_array_add (r->input_keys, g_strdup (key));
      g_ptr_array_add (r->input_sha256, g_strdup (v->text));
    }
  return TRUE;
}

/* One element of "copies" into @cr: its index (in the batch of @o), seed,
 * resolved flag, and the metrics the options say it has; FALSE when
 * malformed. */
static gboolean
read_copy (const PfmJson *c, const PfmBatchOptions *o, PfmCopyResult *cr)
{
  guint64 u;
  if (!pfm_json_get_uint (c, "copy", o->copies - 1, &u) || !pfm_json_get_uint (c, "seed", G_MAXUINT64, &cr->seed) ||
      !pfm_json_get_bool (c, "resolved", &cr->resolved))
    return FALSE;
  cr->index = (guint) u;
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      {
        double *dst = cal ? &cr->calibrated[m] : &cr->metric[m];
        *dst = NAN;
        if (m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error))
          continue;
        /* null is "not measured", except for the bits of an exact
         * match (a relative error of 0, or too small to invert in
         * double precision), which are infinite. */
        const gboolean measured = cr->resolved && (!cal || o->n_calibration > 0);
        const double re = cal ? cr->calibrated[PFM_METRIC_RELATIVE_ERROR] : cr->metric[PFM_METRIC_RELATIVE_ERROR];
        const double null_value = (m == PFM_METRIC_EFFECTIVE_BITS && measured && re < PFM_BATCH_TINY_ERROR) ? INFINITY
                                                                                                         : NAN;
        g_autofree char *key = g_strdup_printf ("%s%s", pfm_metric_name (m), cal ? "_calibrated" : "");
        if (!pfm_json_get_number (c, key, null_value, dst))
          return FALSE;
      }
  return TRUE;
}

PfmBatchResult *
pfm_batch_result_from_json (const char *text, gsize length, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  gsize bad = 0;
  g_autoptr(PfmJson) root = pfm_json_parse (text, length, &bad);
  if (root == NULL || root->type != PFM_JSON_OBJECT)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                   "not a JSON object (malformed near byte %ld)", (long) (root == NULL ? bad : 0));
      return NULL;
    }
  const PfmJson *fmt = pfm_json_member (root, "format");
  if (fmt == NULL || fmt->type != PFM_JSON_STRING || strcmp (fmt->text, FORMAT_NAME) != 0)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                   "not a result of pfm-cli defects --format json (\"format\" is not \"" FORMAT_NAME "\")");
      return NULL;
    }

  g_autoptr(PfmBatchResult) r = pfm_batch_result_new ();
  PfmBatchOptions *o = &r->options;
  pfm_batch_options_init (o);
  o->threads = 0;

  const PfmJson *settings = pfm_json_member (root, "settings");
  const PfmJson *batch = pfm_json_member (root, "batch");
  const PfmJson *copies = pfm_json_member (root, "copies");
  const PfmJson *shard = pfm_json_member (root, "shard");
  const PfmJson *inputs = pfm_json_member (root, "input_sha256");
  if (settings == NULL || settings->type != PFM_JSON_OBJECT || batch == NULL || copies == NULL ||
      copies->type != PFM_JSON_ARRAY)
    {
      malformed (error);
      return NULL;
    }
  /* In this order, so that a file with several faults names the same one
   * every time. */
  if (!read_settings (settings, r, error) || !read_batch (batch, r, error) ||
      (shard != NULL && !read_shard (shard, o, error)))
    return NULL;
  if (!pfm_batch_check_options (o, NULL))
    {
      malformed (error);
      return NULL;
    }
  if (inputs != NULL && !read_input_sha256 (inputs, r, error))
    return NULL;
  for (guint i = 0; i < copies->items->len; i++)
    {
      PfmCopyResult cr = { 0 };
      if (!read_copy (copies->items->pdata[i], o, &cr))
        {
          malformed (error);
          return NULL;
        }
      g_array_append_val (r->copies, cr);
    }
  pfm_batch_result_summarize (r);
  return g_steal_pointer (&r);
}
