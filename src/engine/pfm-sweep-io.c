/* pfm-sweep-io.c - a sweep result's JSON and CSV, their reader and the
 * shard merge
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The formats are docs/cli.md's (`pfm-explorer sweep 1`); the reader
 * takes back what the writer gives, byte for byte, so merged shards are
 * the unsharded run's file (docs/architecture.md, file formats).
 */
#define G_LOG_DOMAIN "pfm-sweep"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-export.h"
#include "pfm-json.h"
#include "pfm-sweep.h"
#include "pfm-sweep-private.h"

/* The batch metrics a row holds (the transmission-matrix error is not
 * measured by a sweep). */
static const PfmMetric row_metrics[] = {
  PFM_METRIC_RELATIVE_ERROR, PFM_METRIC_COSINE_SIMILARITY, PFM_METRIC_EFFECTIVE_BITS,
};
static const char *const stat_names[] = { "mean", "std", "min", "max" };

/* ---- writers --------------------------------------------------------------- */

static void
json_key_number (GString *s, const char *key, double v)
{
  pfm_export_json_string (s, key);
  g_string_append (s, ": ");
  pfm_export_json_number (s, v);
}

/* The values of point @p, in axis order. */
static const char *
point_value (const PfmSweepResult *r, guint axis, guint p)
{
  guint div = 1;
  for (guint i = r->axes->len; i-- > axis + 1;)
    div *= ((PfmSweepAxis *) r->axes->pdata[i])->values->len;
  const PfmSweepAxis *a = r->axes->pdata[axis];
  return a->values->pdata[(p / div) % a->values->len];
}

typedef struct { const char *name; gsize offset; } RowField;
#define RF(f) { #f, G_STRUCT_OFFSET (PfmSweepRow, f) }
static const RowField row_fields[] = {
  RF (stop_z), RF (power), RF (power_ratio), RF (width_x), RF (width_y),
  RF (peak_input), RF (peak_max), RF (z_peak_max), RF (z_peak10), RF (b_integral),
  RF (p_over_pcr), RF (z_marburger), RF (relative_error),
};
#define ROW_FIELD(row, f) (*(double *) ((char *) (row) + (f)->offset))

/* The "settings" object: every key of the project, as text. */
static void
json_settings (GString *s, const PfmSweepResult *r)
{
  g_string_append (s, "\n  \"settings\": {");
  for (guint i = 0; i < r->keys->len; i++)
    {
      g_string_append (s, i ? ",\n    " : "\n    ");
      pfm_export_json_string (s, r->keys->pdata[i]);
      g_string_append (s, ": ");
      pfm_export_json_string (s, r->values->pdata[i]);
    }
  g_string_append (s, "\n  },");
}

/* The "sweep" object: the point count, the batch options and the axes. */
static void
json_sweep (GString *s, const PfmSweepResult *r)
{
  const PfmSweepOptions *o = &r->options;
  g_string_append_printf (s, "\n  \"sweep\": {\"points\": %u, \"copies\": %u", r->n_points, o->copies);
  if (o->copies > 0)
    g_string_append_printf (s, ", \"inputs\": %u, \"calibration_inputs\": %u, \"input_seed\": %" G_GUINT64_FORMAT,
                            o->n_inputs, o->n_calibration, o->input_seed);
  g_string_append (s, ", \"axes\": [");
  for (guint i = 0; i < r->axes->len; i++)
    {
      const PfmSweepAxis *a = r->axes->pdata[i];
      g_string_append (s, i ? ",\n    {\"key\": " : "\n    {\"key\": ");
      pfm_export_json_string (s, a->key);
      g_string_append (s, ", \"spec\": ");
      pfm_export_json_string (s, a->spec);
      g_string_append (s, ", \"values\": [");
      for (guint j = 0; j < a->values->len; j++)
        {
          g_string_append (s, j ? ", " : "");
          pfm_export_json_string (s, a->values->pdata[j]);
        }
      g_string_append (s, "]}");
    }
  g_string_append (s, "]}");
}

/* A batch row's members after "values": the resolved count, the
 * statistics of each metric (raw and calibrated) and the yields. */
static void
json_row_batch (GString *s, const PfmSweepRow *row)
{
  g_string_append_printf (s, ", \"resolved\": %u", row->n_resolved);
  for (guint w = 0; w < G_N_ELEMENTS (stat_names); w++)
    {
      g_string_append_printf (s, ", \"%s\": {", stat_names[w]);
      gboolean first = TRUE;
      for (int cal = 0; cal < 2; cal++)
        for (guint k = 0; k < G_N_ELEMENTS (row_metrics); k++)
          {
            const PfmMetricStats *st = cal ? &row->stats_calibrated[row_metrics[k]] : &row->stats[row_metrics[k]];
            const double v = w == 0 ? st->mean : w == 1 ? st->std : w == 2 ? st->min : st->max;
            g_autofree char *name = g_strdup_printf ("%s%s", pfm_metric_name (row_metrics[k]),
                                                     cal ? "_calibrated" : "");
            g_string_append (s, first ? "" : ", ");
            json_key_number (s, name, v);
            first = FALSE;
          }
      g_string_append (s, "}");
    }
  g_string_append (s, ", ");
  json_key_number (s, "yield", row->yield);
  g_string_append (s, ", ");
  json_key_number (s, "yield_calibrated", row->yield_calibrated);
}

/* A propagation row's members after "values": status, stop reason, steps,
 * the row_fields and the output vector. */
static void
json_row_run (GString *s, const PfmSweepRow *row)
{
  g_string_append_printf (s, ", \"status\": \"%s\", \"stop_reason\": ", pfm_run_status_to_string (row->status));
  if (row->stop_reason)
    pfm_export_json_string (s, row->stop_reason);
  else
    g_string_append (s, "null");
  g_string_append_printf (s, ", \"steps_done\": %u, \"n_steps\": %u", row->steps_done, row->n_steps);
  for (guint f = 0; f < G_N_ELEMENTS (row_fields); f++)
    {
      g_string_append (s, ", ");
      json_key_number (s, row_fields[f].name, ROW_FIELD (row, &row_fields[f]));
    }
  g_string_append (s, ", \"output\": [");
  for (guint k = 0; k < row->n_output; k++)
    {
      g_string_append (s, k ? ", " : "");
      pfm_export_json_number (s, row->output[k]);
    }
  g_string_append (s, "]");
}

char *
pfm_sweep_result_to_json (const PfmSweepResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const PfmSweepOptions *o = &r->options;
  GString *s = g_string_new ("{\n  \"format\": \"" PFM_SWEEP_FORMAT "\",");
  json_settings (s, r);
  json_sweep (s, r);
  if (o->shard_count > 1)
    g_string_append_printf (s, ",\n  \"shard\": {\"index\": %u, \"count\": %u}", o->shard_index, o->shard_count);
  g_string_append (s, ",\n  \"rows\": [");
  for (guint i = 0; i < r->rows->len; i++)
    {
      const PfmSweepRow *row = &g_array_index (r->rows, PfmSweepRow, i);
      g_string_append_printf (s, "%s\n    {\"point\": %u, \"values\": [", i ? "," : "", row->point);
      for (guint a = 0; a < r->axes->len; a++)
        {
          g_string_append (s, a ? ", " : "");
          pfm_export_json_string (s, point_value (r, a, row->point));
        }
      g_string_append (s, "]");
      if (o->copies > 0)
        json_row_batch (s, row);
      else
        json_row_run (s, row);
      g_string_append (s, "}");
    }
  g_string_append_printf (s, "%s]\n}\n", r->rows->len ? "\n  " : "");
  return g_string_free (s, FALSE);
}

static void
csv_text (GString *s, const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

char *
pfm_sweep_result_to_csv (const PfmSweepResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const gboolean batch = r->options.copies > 0;
  GString *s = g_string_new ("point");
  for (guint a = 0; a < r->axes->len; a++)
    {
      g_string_append_c (s, ',');
      csv_text (s, ((PfmSweepAxis *) r->axes->pdata[a])->key);
    }
  guint n_out = 0;
  for (guint i = 0; i < r->rows->len; i++)
    n_out = MAX (n_out, g_array_index (r->rows, PfmSweepRow, i).n_output);
  if (batch)
    {
      g_string_append (s, ",copies,resolved");
      for (int cal = 0; cal < 2; cal++)
        for (guint k = 0; k < G_N_ELEMENTS (row_metrics); k++)
          for (guint w = 0; w < G_N_ELEMENTS (stat_names); w++)
            g_string_append_printf (s, ",%s%s_%s", pfm_metric_name (row_metrics[k]), cal ? "_calibrated" : "",
                                    stat_names[w]);
      g_string_append (s, ",yield,yield_calibrated");
    }
  else
    {
      g_string_append (s, ",status,steps_done,n_steps");
      for (guint f = 0; f < G_N_ELEMENTS (row_fields); f++)
        g_string_append_printf (s, ",%s", row_fields[f].name);
      for (guint k = 0; k < n_out; k++)
        g_string_append_printf (s, ",output_%u", k);
      g_string_append (s, ",stop_reason");
    }
  g_string_append_c (s, '\n');
  for (guint i = 0; i < r->rows->len; i++)
    {
      const PfmSweepRow *row = &g_array_index (r->rows, PfmSweepRow, i);
      g_string_append_printf (s, "%u", row->point);
      for (guint a = 0; a < r->axes->len; a++)
        {
          g_string_append_c (s, ',');
          csv_text (s, point_value (r, a, row->point));
        }
      if (batch)
        {
          g_string_append_printf (s, ",%u,%u", r->options.copies, row->n_resolved);
          for (int cal = 0; cal < 2; cal++)
            for (guint k = 0; k < G_N_ELEMENTS (row_metrics); k++)
              for (guint w = 0; w < G_N_ELEMENTS (stat_names); w++)
                {
                  const PfmMetricStats *st = cal ? &row->stats_calibrated[row_metrics[k]] : &row->stats[row_metrics[k]];
                  g_string_append_c (s, ',');
                  pfm_export_csv_number (s, w == 0 ? st->mean : w == 1 ? st->std : w == 2 ? st->min : st->max);
                }
          g_string_append_c (s, ',');
          pfm_export_csv_number (s, row->yield);
          g_string_append_c (s, ',');
          pfm_export_csv_number (s, row->yield_calibrated);
        }
      else
        {
          g_string_append_printf (s, ",%s,%u,%u", pfm_run_status_to_string (row->status), row->steps_done,
                                  row->n_steps);
          for (guint f = 0; f < G_N_ELEMENTS (row_fields); f++)
            {
              g_string_append_c (s, ',');
              pfm_export_csv_number (s, ROW_FIELD (row, &row_fields[f]));
            }
          for (guint k = 0; k < n_out; k++)
            {
              g_string_append_c (s, ',');
              if (k < row->n_output)
                pfm_export_csv_number (s, row->output[k]);
            }
          g_string_append_c (s, ',');
          csv_text (s, row->stop_reason ? row->stop_reason : "");
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* ---- reader and merge ------------------------------------------------------ */

gboolean
pfm_sweep_is_sweep_json (const char *text, gsize length)
{
  g_autoptr(PfmJson) root = pfm_json_parse (text, length, NULL);
  const char *fmt = pfm_json_get_string (root, "format");
  return fmt != NULL && strcmp (fmt, PFM_SWEEP_FORMAT) == 0;
}

static gboolean
parse_fail (GError **error, const char *what)
{
  g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_PARSE, "not a sweep result: %s", what);
  return FALSE;
}

static PfmRunStatus
status_from_name (const char *name)
{
  for (int st = PFM_RUN_RUNNING; st <= PFM_RUN_CANCELLED; st++)
    if (name != NULL && strcmp (name, pfm_run_status_to_string (st)) == 0)
      return st;
  return (PfmRunStatus) -1;
}

static gboolean
read_row (const PfmSweepResult *r, const PfmJson *jr, PfmSweepRow *row, GError **error)
{
  guint64 u;
  pfm_sweep_row_init_nan (row);
  if (jr == NULL || jr->type != PFM_JSON_OBJECT || !pfm_json_get_uint (jr, "point", r->n_points - 1, &u))
    return parse_fail (error, "a row without a valid \"point\"");
  row->point = (guint) u;
  const PfmJson *vals = pfm_json_member (jr, "values");
  if (vals == NULL || vals->type != PFM_JSON_ARRAY || vals->items->len != r->axes->len)
    return parse_fail (error, "a row whose \"values\" do not match the axes");
  for (guint a = 0; a < r->axes->len; a++)
    {
      const PfmJson *v = vals->items->pdata[a];
      if (v->type != PFM_JSON_STRING || strcmp (v->text, point_value (r, a, row->point)) != 0)
        {
          g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_PARSE,
                       "not a sweep result: point %u's value of %s is not the grid's (%s)", row->point,
                       ((PfmSweepAxis *) r->axes->pdata[a])->key, point_value (r, a, row->point));
          return FALSE;
        }
    }
  if (r->options.copies > 0)
    {
      if (!pfm_json_get_uint (jr, "resolved", r->options.copies, &u))
        return parse_fail (error, "a batch row without a valid \"resolved\"");
      row->n_resolved = (guint) u;
      for (guint w = 0; w < G_N_ELEMENTS (stat_names); w++)
        {
          const PfmJson *obj = pfm_json_member (jr, stat_names[w]);
          for (int cal = 0; cal < 2; cal++)
            for (guint k = 0; k < G_N_ELEMENTS (row_metrics); k++)
              {
                PfmMetricStats *st = cal ? &row->stats_calibrated[row_metrics[k]] : &row->stats[row_metrics[k]];
                double *v = w == 0 ? &st->mean : w == 1 ? &st->std : w == 2 ? &st->min : &st->max;
                g_autofree char *name = g_strdup_printf ("%s%s", pfm_metric_name (row_metrics[k]),
                                                         cal ? "_calibrated" : "");
                if (!pfm_json_get_number (obj, name, NAN, v))
                  return parse_fail (error, "a batch row without its statistics");
              }
        }
      if (!pfm_json_get_number (jr, "yield", NAN, &row->yield) ||
          !pfm_json_get_number (jr, "yield_calibrated", NAN, &row->yield_calibrated) ||
          (isfinite (row->yield) && !(row->yield >= 0 && row->yield <= 1)) ||
          (isfinite (row->yield_calibrated) && !(row->yield_calibrated >= 0 && row->yield_calibrated <= 1)))
        return parse_fail (error, "a batch row without a yield in [0, 1]");
      return TRUE;
    }

  row->status = status_from_name (pfm_json_get_string (jr, "status"));
  if (row->status != PFM_RUN_COMPLETED && row->status != PFM_RUN_UNRESOLVED)
    return parse_fail (error, "a row whose \"status\" is not completed or unresolved");
  const PfmJson *why = pfm_json_member (jr, "stop_reason");
  if (why == NULL || (why->type != PFM_JSON_NULL && why->type != PFM_JSON_STRING))
    return parse_fail (error, "a row without \"stop_reason\"");
  row->stop_reason = why->type == PFM_JSON_STRING ? g_strdup (why->text) : NULL;
  guint64 sd, ns;
  if (!pfm_json_get_uint (jr, "steps_done", G_MAXUINT, &sd) || !pfm_json_get_uint (jr, "n_steps", G_MAXUINT, &ns) ||
      sd > ns)
    return parse_fail (error, "a row without valid \"steps_done\" and \"n_steps\"");
  row->steps_done = (guint) sd;
  row->n_steps = (guint) ns;
  for (guint f = 0; f < G_N_ELEMENTS (row_fields); f++)
    {
      double *v = &ROW_FIELD (row, &row_fields[f]);
      if (!pfm_json_get_number (jr, row_fields[f].name, NAN, v) || (isfinite (*v) && fabs (*v) > 1e300))
        {
          g_autofree char *what = g_strdup_printf ("a row without a valid \"%s\"", row_fields[f].name);
          return parse_fail (error, what);
        }
    }
  const PfmJson *out = pfm_json_member (jr, "output");
  if (out == NULL || out->type != PFM_JSON_ARRAY || out->items->len > 4096)
    return parse_fail (error, "a row without an \"output\" array");
  row->n_output = out->items->len;
  row->output = row->n_output ? g_new (double, row->n_output) : NULL;
  for (guint k = 0; k < row->n_output; k++)
    {
      const PfmJson *v = out->items->pdata[k];
      if (v->type != PFM_JSON_NUMBER)
        return parse_fail (error, "an \"output\" value that is not a number");
      row->output[k] = v->number;
    }
  return TRUE;
}

/* The "settings" object of @root into @r's keys and values, all text. */
static gboolean
read_settings (PfmSweepResult *r, const PfmJson *root, GError **error)
{
  const PfmJson *settings = pfm_json_member (root, "settings");
  if (settings == NULL || settings->type != PFM_JSON_OBJECT)
    return parse_fail (error, "no \"settings\" object");
  for (guint i = 0; i < settings->names->len; i++)
    {
      const PfmJson *v = settings->items->pdata[i];
      if (v->type != PFM_JSON_STRING)
        return parse_fail (error, "a setting that is not a string");
      g_ptr_array_add (r->keys, g_strdup (settings->names->pdata[i]));
      g_ptr_array_add (r->values, g_strdup (v->text));
    }
  return TRUE;
}

/* The counts of the "sweep" object @sw into @r: points, copies and, for a
 * batch sweep, its inputs, calibration inputs and input seed. */
static gboolean
read_sweep (PfmSweepResult *r, const PfmJson *sw, GError **error)
{
  guint64 points, copies, u;
  if (!pfm_json_get_uint (sw, "points", PFM_SWEEP_MAX_POINTS, &points) || points < 1 ||
      !pfm_json_get_uint (sw, "copies", 1000000, &copies))
    return parse_fail (error, "no valid \"sweep\" object (points, copies)");
  r->n_points = (guint) points;
  r->options.copies = (guint) copies;
  if (copies == 0)
    return TRUE;
  if (!pfm_json_get_uint (sw, "inputs", 100000, &u) || u < 1)
    return parse_fail (error, "a batch sweep without \"inputs\"");
  r->options.n_inputs = (guint) u;
  if (!pfm_json_get_uint (sw, "calibration_inputs", 100000, &u))
    return parse_fail (error, "a batch sweep without \"calibration_inputs\"");
  r->options.n_calibration = (guint) u;
  /* The whole guint64 range: pfm_json_get_uint reads the literal. */
  if (!pfm_json_get_uint (sw, "input_seed", G_MAXUINT64, &r->options.input_seed))
    return parse_fail (error, "a batch sweep without \"input_seed\"");
  return TRUE;
}

/* The "axes" array of @sw into @r->axes: 1 or 2 axes of text values whose
 * lengths multiply to @r->n_points. */
static gboolean
read_axes (PfmSweepResult *r, const PfmJson *sw, GError **error)
{
  const PfmJson *axes = pfm_json_member (sw, "axes");
  if (axes == NULL || axes->type != PFM_JSON_ARRAY || axes->items->len < 1 || axes->items->len > PFM_SWEEP_MAX_AXES)
    return parse_fail (error, "no \"axes\" array of 1 or 2 axes");
  guint64 product = 1;
  for (guint i = 0; i < axes->items->len; i++)
    {
      const PfmJson *ja = axes->items->pdata[i];
      const char *key = pfm_json_get_string (ja, "key"), *spec = pfm_json_get_string (ja, "spec");
      const PfmJson *vals = pfm_json_member (ja, "values");
      if (key == NULL || spec == NULL || vals == NULL || vals->type != PFM_JSON_ARRAY || vals->items->len < 1)
        return parse_fail (error, "an axis without key, spec and values");
      PfmSweepAxis *a = g_new0 (PfmSweepAxis, 1);
      a->key = g_strdup (key);
      a->spec = g_strdup (spec);
      a->values = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (r->axes, a);
      for (guint j = 0; j < vals->items->len; j++)
        {
          const PfmJson *v = vals->items->pdata[j];
          if (v->type != PFM_JSON_STRING)
            return parse_fail (error, "an axis value that is not a string");
          g_ptr_array_add (a->values, g_strdup (v->text));
        }
      product *= vals->items->len;
    }
  if (product != r->n_points)
    return parse_fail (error, "\"points\" is not the product of the axes' lengths");
  return TRUE;
}

/* The "shard" object of @root, if there is one, into @r->options. */
static gboolean
read_shard (PfmSweepResult *r, const PfmJson *root, GError **error)
{
  const PfmJson *shard = pfm_json_member (root, "shard");
  if (shard == NULL)
    return TRUE;
  guint64 i, k;
  if (!pfm_json_get_uint (shard, "index", r->n_points, &i) || !pfm_json_get_uint (shard, "count", r->n_points, &k) ||
      i < 1 || k < 2 || i > k)
    return parse_fail (error, "a \"shard\" without 1 <= index <= count <= points");
  r->options.shard_index = (guint) i;
  r->options.shard_count = (guint) k;
  return TRUE;
}

/* The "rows" array of @root into @r->rows, each checked by read_row. */
static gboolean
read_rows (PfmSweepResult *r, const PfmJson *root, GError **error)
{
  const PfmJson *rows = pfm_json_member (root, "rows");
  if (rows == NULL || rows->type != PFM_JSON_ARRAY)
    return parse_fail (error, "no \"rows\" array");
  for (guint i = 0; i < rows->items->len; i++)
    {
      PfmSweepRow row = { 0 };
      gboolean ok = read_row (r, rows->items->pdata[i], &row, error);
      /* Appended even when refused: the row's strings go with @r. */
      g_array_append_val (r->rows, row);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

PfmSweepResult *
pfm_sweep_result_from_json (const char *text, gsize length, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  gsize where = 0;
  g_autoptr(PfmJson) root = pfm_json_parse (text, length, &where);
  if (root == NULL || root->type != PFM_JSON_OBJECT)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_PARSE,
                   "not a JSON object (malformed near byte %" G_GSIZE_FORMAT ")", where);
      return NULL;
    }
  const char *fmt = pfm_json_get_string (root, "format");
  if (fmt == NULL || strcmp (fmt, PFM_SWEEP_FORMAT) != 0)
    {
      parse_fail (error, "\"format\" is not \"" PFM_SWEEP_FORMAT "\"");
      return NULL;
    }
  g_autoptr(PfmSweepResult) r = pfm_sweep_result_new ();
  pfm_sweep_options_init (&r->options);
  const PfmJson *sw = pfm_json_member (root, "sweep");
  if (!read_settings (r, root, error) || !read_sweep (r, sw, error) || !read_axes (r, sw, error) ||
      !read_shard (r, root, error) || !read_rows (r, root, error))
    return NULL;
  return g_steal_pointer (&r);
}

static const char *
name_of (const PfmSweepResult *r, guint i)
{
  static char buf[32];
  if (r->source)
    return r->source;
  g_snprintf (buf, sizeof buf, "shard %u", i + 1);
  return buf;
}

static gboolean
same_strings (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (a->pdata[i], b->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

static PfmSweepRow
row_copy (const PfmSweepRow *src)
{
  PfmSweepRow d = *src;
  d.stop_reason = g_strdup (src->stop_reason);
  d.output = src->n_output ? g_memdup2 (src->output, sizeof (double) * src->n_output) : NULL;
  return d;
}

/* Checks @s, shard @i of the list, against the first, @s0: the same sweep,
 * the same split in @K, an index not given before (then noted in
 * @by_index), exactly the points of that index in order. */
static gboolean
merge_check_shard (const PfmSweepResult *s0, const PfmSweepResult *s, guint i, guint K,
                   const PfmSweepResult **by_index, GError **error)
{
  const PfmSweepOptions *a = &s->options, *b = &s0->options;
  gboolean same_axes = s->axes->len == s0->axes->len;
  for (guint x = 0; same_axes && x < s->axes->len; x++)
    {
      const PfmSweepAxis *p = s->axes->pdata[x], *q = s0->axes->pdata[x];
      same_axes = strcmp (p->key, q->key) == 0 && strcmp (p->spec, q->spec) == 0 &&
                  same_strings (p->values, q->values);
    }
  if (!same_axes || s->n_points != s0->n_points || a->copies != b->copies || a->n_inputs != b->n_inputs ||
      a->n_calibration != b->n_calibration || a->input_seed != b->input_seed ||
      !same_strings (s->keys, s0->keys) || !same_strings (s->values, s0->values))
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH,
                   "%s and %s are shards of different sweeps (settings, axes or batch options differ)",
                   name_of (s0, 0), name_of (s, i));
      return FALSE;
    }
  if (a->shard_count != K)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH,
                   "%s is shard %u/%u, %s shard %u/%u: accepted the shards of one split",
                   name_of (s0, 0), b->shard_index, K, name_of (s, i), a->shard_index, a->shard_count);
      return FALSE;
    }
  if (by_index[a->shard_index - 1] != NULL)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH, "shard %u/%u is given twice (%s)",
                   a->shard_index, K, name_of (s, i));
      return FALSE;
    }
  by_index[a->shard_index - 1] = s;
  guint first, count;
  pfm_batch_shard_range (s->n_points, a->shard_index, K, &first, &count);
  gboolean rows_ok = s->rows->len == count;
  for (guint j = 0; rows_ok && j < count; j++)
    rows_ok = g_array_index (s->rows, PfmSweepRow, j).point == first + j;
  if (!rows_ok)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH,
                   "%s (shard %u/%u) does not hold exactly points %u to %u in order", name_of (s, i),
                   a->shard_index, K, first, first + count - 1);
      return FALSE;
    }
  return TRUE;
}

/* The unsharded result of the @K checked shards @by_index (in index
 * order): @s0's axes, settings and options, every row in point order. */
static PfmSweepResult *
merge_rows (const PfmSweepResult *s0, const PfmSweepResult *const *by_index, guint K)
{
  PfmSweepResult *m = pfm_sweep_result_new ();
  for (guint i = 0; i < s0->axes->len; i++)
    g_ptr_array_add (m->axes, pfm_sweep_axis_copy (s0->axes->pdata[i]));
  for (guint i = 0; i < s0->keys->len; i++)
    {
      g_ptr_array_add (m->keys, g_strdup (s0->keys->pdata[i]));
      g_ptr_array_add (m->values, g_strdup (s0->values->pdata[i]));
    }
  m->n_points = s0->n_points;
  m->options = s0->options;
  m->options.shard_index = m->options.shard_count = 1;
  for (guint k = 0; k < K; k++)
    for (guint j = 0; j < by_index[k]->rows->len; j++)
      {
        PfmSweepRow row = row_copy (&g_array_index (by_index[k]->rows, PfmSweepRow, j));
        g_array_append_val (m->rows, row);
      }
  return m;
}

PfmSweepResult *
pfm_sweep_merge (PfmSweepResult **shards, guint n_shards, GError **error)
{
  g_return_val_if_fail (shards != NULL, NULL);
  if (n_shards == 0)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH, "no shards to merge");
      return NULL;
    }
  const PfmSweepResult *s0 = shards[0];
  const guint K = s0->options.shard_count;
  g_autofree const PfmSweepResult **by_index = g_new0 (const PfmSweepResult *, K);
  for (guint i = 0; i < n_shards; i++)
    if (!merge_check_shard (s0, shards[i], i, K, by_index, error))
      return NULL;
  for (guint k = 0; k < K; k++)
    if (by_index[k] == NULL)
      {
        g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH, "shard %u/%u is missing", k + 1, K);
        return NULL;
      }

  g_autoptr(PfmSweepResult) m = merge_rows (s0, by_index, K);
  /* relative_error from the merged point 0, whatever each shard's
   * reference run gave (the same numbers when the runs are reproducible). */
  if (m->options.copies == 0)
    {
      const PfmSweepRow *r0 = &g_array_index (m->rows, PfmSweepRow, 0);
      for (guint i = 0; i < m->rows->len; i++)
        {
          PfmSweepRow *row = &g_array_index (m->rows, PfmSweepRow, i);
          row->relative_error = pfm_sweep_relative_error (row, r0);
        }
    }
  return g_steal_pointer (&m);
}
