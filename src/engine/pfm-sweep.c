/* pfm-sweep.c - parameter sweeps: a grid of one or two numeric keys
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-sweep"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-export.h"
#include "pfm-json.h"
#include "pfm-scaling.h"
#include "pfm-sweep.h"

G_DEFINE_QUARK (pfm-sweep-error-quark, pfm_sweep_error)

/* The batch metrics a row holds (the transmission-matrix error is not
 * measured by a sweep). */
static const PfmMetric row_metrics[] = {
  PFM_METRIC_RELATIVE_ERROR, PFM_METRIC_COSINE_SIMILARITY, PFM_METRIC_EFFECTIVE_BITS,
};
static const char *const stat_names[] = { "mean", "std", "min", "max" };

void
pfm_sweep_options_init (PfmSweepOptions *o)
{
  g_return_if_fail (o != NULL);
  memset (o, 0, sizeof *o);
  PfmBatchOptions b;
  pfm_batch_options_init (&b);
  o->copies = 0;
  o->n_inputs = b.n_inputs;
  o->n_calibration = b.n_calibration;
  o->input_seed = b.input_seed;
  o->shard_index = 1;
  o->shard_count = 1;
  o->threads = 0;
  o->rigor = PFM_PLAN_MEASURE;
}

/* ---- axes ------------------------------------------------------------------ */

void
pfm_sweep_axis_free (PfmSweepAxis *a)
{
  if (a == NULL)
    return;
  g_free (a->key);
  g_free (a->spec);
  if (a->values)
    g_ptr_array_unref (a->values);
  g_free (a);
}

static char *
range_text (const PfmKeyInfo *k)
{
  g_autofree char *lo = g_strdup_printf ("%.17g", k->min), *hi = g_strdup_printf ("%.17g", k->max);
  if (k->type == PFM_KEY_UINT64)
    return g_strdup ("[0, 18446744073709551615]");
  return g_strdup_printf ("%s%s, %s]%s%s%s", k->min_exclusive ? "(" : "[", lo, hi,
                          k->unit[0] ? " " : "", k->unit, k->allow_auto ? " or auto" : "");
}

#define FORMS "accepted KEY=V1,V2,... or KEY=START:STOP:N[:log] with N in [1, 10000]"

static gboolean
spec_error (GError **error, const char *key, const PfmKeyInfo *k, const char *value, const char *why)
{
  g_autofree char *range = k ? range_text (k) : NULL;
  g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
               "--vary %s: \"%s\" %s; " FORMS "%s%s%s", key, value, why,
               range ? "; the key accepts " : "", range ? range : "", "");
  return FALSE;
}

/* Parses a number of the START:STOP:N form (C locale, finite). */
static gboolean
parse_double (const char *text, double *out)
{
  char *end = NULL;
  if (text[0] == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*out);
}

PfmSweepAxis *
pfm_sweep_axis_parse (const PfmConfig *cfg, const char *vary, GError **error)
{
  g_return_val_if_fail (cfg != NULL && vary != NULL, NULL);
  const char *eq = strchr (vary, '=');
  if (eq == NULL || eq == vary)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   "--vary %s: no KEY=...; " FORMS, vary);
      return NULL;
    }
  g_autoptr(PfmSweepAxis) a = g_new0 (PfmSweepAxis, 1);
  a->key = g_strstrip (g_strndup (vary, eq - vary));
  a->spec = g_strstrip (g_strdup (eq + 1));
  a->values = g_ptr_array_new_with_free_func (g_free);
  const PfmKeyInfo *k = pfm_config_lookup_key (a->key);
  if (k == NULL)
    {
      spec_error (error, a->key, NULL, a->spec, "names no key of the table (group.key, see pfm-cli propagate --help)");
      return NULL;
    }
  if (k->type != PFM_KEY_DOUBLE && k->type != PFM_KEY_INT && k->type != PFM_KEY_UINT64)
    {
      spec_error (error, a->key, NULL, a->spec, "is not a numeric key (a sweep varies double, int and uint64 keys)");
      return NULL;
    }
  if (a->spec[0] == '\0')
    {
      spec_error (error, a->key, k, a->spec, "is empty");
      return NULL;
    }

  const gboolean integer = k->type != PFM_KEY_DOUBLE;
  if (strchr (a->spec, ':') != NULL)
    {
      g_auto(GStrv) f = g_strsplit (a->spec, ":", -1);
      const guint nf = g_strv_length (f);
      double lo, hi;
      guint64 n;
      if (nf < 3 || nf > 4 || !parse_double (g_strstrip (f[0]), &lo) || !parse_double (g_strstrip (f[1]), &hi) ||
          !g_ascii_string_to_unsigned (g_strstrip (f[2]), 10, 1, PFM_SWEEP_MAX_POINTS, &n, NULL) ||
          (nf == 4 && strcmp (g_strstrip (f[3]), "log") != 0))
        {
          spec_error (error, a->key, k, a->spec, "is not a range");
          return NULL;
        }
      const gboolean log_scale = nf == 4;
      if (log_scale && !(lo > 0.0 && hi > 0.0))
        {
          spec_error (error, a->key, k, a->spec, "is a :log range that does not lie above 0");
          return NULL;
        }
      for (guint64 i = 0; i < n; i++)
        {
          const double t = n > 1 ? (double) i / (double) (n - 1) : 0.0;
          double v = i + 1 == n && n > 1 ? hi
                     : log_scale ? exp (log (lo) + (log (hi) - log (lo)) * t) : lo + (hi - lo) * t;
          if (i == 0)
            v = lo;
          char *text;
          if (integer)
            {
              if (fabs (v - rint (v)) > 1e-9 * MAX (1.0, fabs (v)))
                {
                  g_autofree char *vt = g_strdup_printf ("%.12g", v);
                  spec_error (error, a->key, k, vt, "is a range point that is not an integer (an integer key)");
                  return NULL;
                }
              text = g_strdup_printf ("%.0f", rint (v));
            }
          else
            /* 12 digits: the values as a person writes them, without
             * the last bits of the arithmetic. */
            text = g_strdup_printf ("%.12g", v);
          g_ptr_array_add (a->values, text);
        }
    }
  else
    {
      g_auto(GStrv) f = g_strsplit (a->spec, ",", -1);
      for (guint i = 0; f[i]; i++)
        g_ptr_array_add (a->values, g_strdup (g_strstrip (f[i])));
      if (a->values->len > PFM_SWEEP_MAX_POINTS)
        {
          g_autofree char *count = g_strdup_printf ("%u values", a->values->len);
          spec_error (error, a->key, k, count, "is too many");
          return NULL;
        }
    }

  for (guint i = 0; i < a->values->len; i++)
    {
      const char *v = a->values->pdata[i];
      g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
      g_autoptr(GError) e = NULL;
      if (v[0] == '\0')
        {
          spec_error (error, a->key, k, a->spec, "has an empty value");
          return NULL;
        }
      if (!pfm_config_set (c, a->key, v, &e))
        {
          spec_error (error, a->key, k, v,
                      g_error_matches (e, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE)
                      ? "is out of range" : "is not a value of this key");
          return NULL;
        }
    }
  return g_steal_pointer (&a);
}

PfmConfig *
pfm_sweep_point_config (const PfmConfig *cfg, PfmSweepAxis **axes, guint n_axes, guint p, GError **error)
{
  g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
  guint rest = p;
  for (int i = (int) n_axes - 1; i >= 0; i--)
    {
      const guint len = axes[i]->values->len;
      const char *v = axes[i]->values->pdata[rest % len];
      rest /= len;
      if (!pfm_config_set (c, axes[i]->key, v, error))
        return NULL;
    }
  return g_steal_pointer (&c);
}

/* "KEY=V, KEY2=V2" of point @p, for messages. */
static char *
point_text (PfmSweepAxis **axes, guint n_axes, guint p)
{
  GString *s = g_string_new (NULL);
  guint div = 1;
  for (guint i = n_axes; i-- > 0;)
    {
      const guint len = axes[i]->values->len;
      g_autofree char *one = g_strdup_printf ("%s=%s", axes[i]->key,
                                              (const char *) axes[i]->values->pdata[(p / div) % len]);
      g_string_prepend (s, one);
      if (i > 0)
        g_string_prepend (s, ", ");
      div *= len;
    }
  return g_string_free (s, FALSE);
}

static guint64
point_memory (const PfmConfig *c, const PfmSweepOptions *o)
{
  if (o->copies > 0)
    {
      PfmBatchOptions b;
      pfm_batch_options_init (&b);
      b.n_inputs = o->n_inputs;
      b.n_calibration = o->n_calibration;
      const guint64 per = pfm_batch_estimate_memory (c, &b);
      return o->threads > 0 ? per * (guint64) o->threads : per;
    }
  PfmBpmOptions bo = { .threads = MAX (o->threads, 1), .no_volume = TRUE };
  return pfm_bpm_estimate_memory (c, &bo);
}

gboolean
pfm_sweep_check (const PfmConfig *cfg, PfmSweepAxis **axes, guint n_axes, const PfmSweepOptions *o,
                 guint *n_points, GError **error)
{
  g_return_val_if_fail (cfg != NULL && o != NULL, FALSE);
  if (n_axes < 1 || n_axes > PFM_SWEEP_MAX_AXES)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   "%u --vary options: accepted 1 or %d", n_axes, PFM_SWEEP_MAX_AXES);
      return FALSE;
    }
  guint64 n = 1;
  for (guint i = 0; i < n_axes; i++)
    {
      n *= axes[i]->values->len;
      for (guint j = 0; j < i; j++)
        if (strcmp (axes[i]->key, axes[j]->key) == 0)
          {
            g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                         "--vary %s is given twice: accepted two different keys", axes[i]->key);
            return FALSE;
          }
    }
  if (n > PFM_SWEEP_MAX_POINTS)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   "the grid has %" G_GUINT64_FORMAT " points: accepted at most %d (split the study into "
                   "several sweeps)", n, PFM_SWEEP_MAX_POINTS);
      return FALSE;
    }
  if (o->copies > 1000000 || o->n_inputs < 1 || o->n_inputs > 100000 || o->n_calibration > 100000 ||
      o->threads < 0 || o->threads > 1024)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   "copies = %u, inputs = %u, calibration inputs = %u, threads = %d: accepted [0, 1000000], "
                   "[1, 100000], [0, 100000] and [0, 1024]", o->copies, o->n_inputs, o->n_calibration, o->threads);
      return FALSE;
    }
  if (o->shard_count < 1 || o->shard_count > n || o->shard_index < 1 || o->shard_index > o->shard_count)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   "shard %u/%u: accepted I/K with 1 <= I <= K <= the grid's points (%" G_GUINT64_FORMAT ")",
                   o->shard_index, o->shard_count, n);
      return FALSE;
    }
  const guint64 budget = o->memory_budget ? o->memory_budget : pfm_bpm_default_memory_budget ();
  for (guint p = 0; p < n; p++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(PfmConfig) c = pfm_sweep_point_config (cfg, axes, n_axes, p, &e);
      if (c == NULL || !pfm_config_validate (c, &e))
        {
          g_autofree char *where = point_text (axes, n_axes, p);
          g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC, "point %u (%s): %s", p, where, e->message);
          return FALSE;
        }
      const guint64 need = point_memory (c, o);
      if (need > budget)
        {
          g_autofree char *where = point_text (axes, n_axes, p);
          g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                       "point %u (%s) needs about %.3g MiB, over the memory budget of %.3g MiB: "
                       "lower grid.n or raise PFM_MEMORY_BUDGET", p, where, need / 1048576.0, budget / 1048576.0);
          return FALSE;
        }
    }
  *n_points = (guint) n;
  return TRUE;
}

/* ---- one point ------------------------------------------------------------- */

double
pfm_sweep_peak_distance (const PfmRecord *rec, double factor)
{
  g_return_val_if_fail (rec != NULL, NAN);
  if (rec->rows->len == 0)
    return NAN;
  const PfmDiagRow *r = (const PfmDiagRow *) rec->rows->data;
  const double target = factor * r[0].peak_intensity;
  if (r[0].peak_intensity >= target)
    return r[0].z;
  for (guint k = 1; k < rec->rows->len; k++)
    if (r[k].peak_intensity >= target)
      {
        const double t = (target - r[k - 1].peak_intensity) / (r[k].peak_intensity - r[k - 1].peak_intensity);
        return r[k - 1].z + CLAMP (t, 0.0, 1.0) * (r[k].z - r[k - 1].z);
      }
  return NAN;
}

static void
row_clear (PfmSweepRow *row)
{
  g_clear_pointer (&row->stop_reason, g_free);
  g_clear_pointer (&row->output, g_free);
}

static void
row_init_nan (PfmSweepRow *row)
{
  const guint point = row->point;
  memset (row, 0, sizeof *row);
  row->point = point;
  row->stop_z = row->power = row->power_ratio = row->width_x = row->width_y = NAN;
  row->peak_input = row->peak_max = row->z_peak_max = row->z_peak10 = row->b_integral = NAN;
  row->p_over_pcr = row->z_marburger = row->relative_error = NAN;
  row->yield = row->yield_calibrated = NAN;
  for (int m = 0; m < PFM_N_METRICS; m++)
    {
      PfmMetricStats *s = &row->stats[m], *c = &row->stats_calibrated[m];
      s->mean = s->std = s->min = s->max = NAN;
      c->mean = c->std = c->min = c->max = NAN;
    }
}

void
pfm_sweep_row_from_record (PfmSweepRow *row, const PfmConfig *cfg, const PfmRecord *rec)
{
  g_return_if_fail (row != NULL && cfg != NULL && rec != NULL);
  row_clear (row);
  row_init_nan (row);
  row->status = rec->status;
  row->stop_reason = g_strdup (rec->stop_reason);
  row->steps_done = rec->steps_done;
  row->n_steps = rec->n_steps;
  const guint nr = rec->rows->len;
  if (nr > 0)
    {
      const PfmDiagRow *r = (const PfmDiagRow *) rec->rows->data, *last = &r[nr - 1];
      row->stop_z = rec->status == PFM_RUN_UNRESOLVED ? rec->stop_z : last->z;
      row->power = last->power;
      row->power_ratio = rec->input_power > 0 ? last->power / rec->input_power : NAN;
      row->width_x = last->width_x;
      row->width_y = last->width_y;
      row->b_integral = last->b_integral;
      row->peak_input = r[0].peak_intensity;
      row->peak_max = r[0].peak_intensity;
      row->z_peak_max = r[0].z;
      for (guint k = 1; k < nr; k++)
        if (r[k].peak_intensity > row->peak_max)
          {
            row->peak_max = r[k].peak_intensity;
            row->z_peak_max = r[k].z;
          }
      row->z_peak10 = pfm_sweep_peak_distance (rec, 10.0);
    }
  if (cfg->beam.kind == PFM_BEAM_GAUSSIAN)
    {
      const double pcr = pfm_scaling_critical_power (cfg->optics.wavelength, cfg->optics.n0, cfg->optics.n2);
      const double zr = G_PI * cfg->optics.n0 * cfg->beam.waist * cfg->beam.waist / cfg->optics.wavelength;
      row->p_over_pcr = cfg->beam.power / pcr;
      row->z_marburger = pfm_scaling_collapse_distance (cfg->beam.power, pcr, zr);
    }
  if (rec->n_output > 0)
    {
      row->n_output = (guint) rec->n_output;
      row->output = g_memdup2 (rec->output, sizeof (double) * rec->n_output);
    }
}

static void
row_from_batch (PfmSweepRow *row, const PfmBatchResult *b)
{
  row_clear (row);
  row_init_nan (row);
  row->n_resolved = b->n_resolved;
  memcpy (row->stats, b->stats, sizeof row->stats);
  memcpy (row->stats_calibrated, b->stats_calibrated, sizeof row->stats_calibrated);
  row->yield = b->yield;
  row->yield_calibrated = b->yield_calibrated;
}

static double
relative_error (const PfmSweepRow *row, const PfmSweepRow *ref)
{
  if (ref == NULL || row->output == NULL || ref->output == NULL || row->n_output != ref->n_output)
    return NAN;
  double num = 0.0, den = 0.0;
  for (guint i = 0; i < row->n_output; i++)
    {
      const double d = row->output[i] - ref->output[i];
      num += d * d;
      den += ref->output[i] * ref->output[i];
    }
  return den > 0.0 ? sqrt (num / den) : NAN;
}

static gboolean
run_point (const PfmConfig *cfg, PfmSweepAxis **axes, guint n_axes, const PfmSweepOptions *o,
           const PfmSweepCallbacks *cb, guint p, PfmSweepRow *row, GError **error)
{
  g_autoptr(PfmConfig) c = pfm_sweep_point_config (cfg, axes, n_axes, p, error);
  if (c == NULL)
    return FALSE;
  row->point = p;
  if (o->copies > 0)
    {
      PfmBatchOptions b;
      pfm_batch_options_init (&b);
      b.copies = o->copies;
      b.n_inputs = o->n_inputs;
      b.n_calibration = o->n_calibration;
      b.input_seed = o->input_seed;
      b.threads = o->threads;
      b.rigor = o->rigor;
      b.memory_budget = o->memory_budget;
      PfmBatchCallbacks bcb = { .cancel = cb ? cb->cancel : NULL };
      g_autoptr(PfmBatchResult) r = pfm_batch_run (c, &b, &bcb, error);
      if (r == NULL)
        {
          if (error && *error && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_autofree char *where = point_text (axes, n_axes, p);
              g_prefix_error (error, "point %u (%s): ", p, where);
            }
          return FALSE;
        }
      row_from_batch (row, r);
      return TRUE;
    }

  PfmBpmOptions bo = { .threads = MAX (o->threads, 1), .rigor = o->rigor,
                       .memory_budget = o->memory_budget, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (c, &bo, error);
  if (bpm == NULL)
    return FALSE;
  PfmBpmCallbacks bcb = { .cancel = cb ? cb->cancel : NULL };
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &bcb, error);
  if (rec == NULL)
    return FALSE;
  if (rec->status == PFM_RUN_CANCELLED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the sweep was cancelled");
      return FALSE;
    }
  pfm_sweep_row_from_record (row, c, rec);
  return TRUE;
}

static PfmSweepResult *
result_new (void)
{
  PfmSweepResult *r = g_new0 (PfmSweepResult, 1);
  r->axes = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_sweep_axis_free);
  r->keys = g_ptr_array_new_with_free_func (g_free);
  r->values = g_ptr_array_new_with_free_func (g_free);
  r->rows = g_array_new (FALSE, TRUE, sizeof (PfmSweepRow));
  g_array_set_clear_func (r->rows, (GDestroyNotify) row_clear);
  return r;
}

void
pfm_sweep_result_free (PfmSweepResult *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->axes);
  g_ptr_array_unref (r->keys);
  g_ptr_array_unref (r->values);
  g_array_unref (r->rows);
  g_free (r->source);
  g_free (r);
}

static PfmSweepAxis *
axis_copy (const PfmSweepAxis *a)
{
  PfmSweepAxis *c = g_new0 (PfmSweepAxis, 1);
  c->key = g_strdup (a->key);
  c->spec = g_strdup (a->spec);
  c->values = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < a->values->len; i++)
    g_ptr_array_add (c->values, g_strdup (a->values->pdata[i]));
  return c;
}

PfmSweepResult *
pfm_sweep_run (const PfmConfig *cfg, PfmSweepAxis **axes, guint n_axes, const PfmSweepOptions *options,
               const PfmSweepCallbacks *cb, GError **error)
{
  g_return_val_if_fail (cfg != NULL && axes != NULL, NULL);
  PfmSweepOptions defaults;
  pfm_sweep_options_init (&defaults);
  const PfmSweepOptions *o = options ? options : &defaults;
  guint n = 0;
  if (!pfm_config_validate (cfg, error) || !pfm_sweep_check (cfg, axes, n_axes, o, &n, error))
    return NULL;
  guint first, count;
  pfm_batch_shard_range (n, o->shard_index, o->shard_count, &first, &count);
  /* relative_error needs point 0: a shard without it runs it too. */
  const gboolean need_ref = o->copies == 0 && first > 0;
  const guint total = count + (need_ref ? 1 : 0);
  guint done = 0;

  g_autoptr(PfmSweepResult) res = result_new ();
  for (guint i = 0; i < n_axes; i++)
    g_ptr_array_add (res->axes, axis_copy (axes[i]));
  res->n_points = n;
  res->options = *o;
  res->options.threads = 0;
  res->options.rigor = PFM_PLAN_MEASURE;
  res->options.memory_budget = 0;
  guint nk;
  const PfmKeyInfo *keys = pfm_config_keys (&nk);
  for (guint i = 0; i < nk; i++)
    {
      g_ptr_array_add (res->keys, g_strdup_printf ("%s.%s", keys[i].group, keys[i].key));
      g_ptr_array_add (res->values, pfm_config_get_string (cfg, &keys[i]));
    }

  PfmSweepRow ref = { 0 };
  if (need_ref)
    {
      if (!run_point (cfg, axes, n_axes, o, cb, 0, &ref, error))
        {
          row_clear (&ref);
          return NULL;
        }
      done++;
      if (cb && cb->progress)
        cb->progress (done, total, cb->user_data);
    }
  for (guint p = first; p < first + count; p++)
    {
      PfmSweepRow row = { 0 };
      if (!run_point (cfg, axes, n_axes, o, cb, p, &row, error))
        {
          row_clear (&row);
          row_clear (&ref);
          return NULL;
        }
      g_array_append_val (res->rows, row);
      done++;
      if (cb && cb->progress)
        cb->progress (done, total, cb->user_data);
    }
  if (o->copies == 0)
    {
      const PfmSweepRow *r0 = need_ref ? &ref : &g_array_index (res->rows, PfmSweepRow, 0);
      for (guint i = 0; i < res->rows->len; i++)
        {
          PfmSweepRow *row = &g_array_index (res->rows, PfmSweepRow, i);
          row->relative_error = relative_error (row, r0);
        }
    }
  row_clear (&ref);
  return g_steal_pointer (&res);
}

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

char *
pfm_sweep_result_to_json (const PfmSweepResult *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  const PfmSweepOptions *o = &r->options;
  GString *s = g_string_new ("{\n  \"format\": \"" PFM_SWEEP_FORMAT "\",\n  \"settings\": {");
  for (guint i = 0; i < r->keys->len; i++)
    {
      g_string_append (s, i ? ",\n    " : "\n    ");
      pfm_export_json_string (s, r->keys->pdata[i]);
      g_string_append (s, ": ");
      pfm_export_json_string (s, r->values->pdata[i]);
    }
  g_string_append_printf (s, "\n  },\n  \"sweep\": {\"points\": %u, \"copies\": %u", r->n_points, o->copies);
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
      else
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
  row_init_nan (row);
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
  g_autoptr(PfmSweepResult) r = result_new ();
  pfm_sweep_options_init (&r->options);
  const PfmJson *settings = pfm_json_member (root, "settings");
  if (settings == NULL || settings->type != PFM_JSON_OBJECT)
    {
      parse_fail (error, "no \"settings\" object");
      return NULL;
    }
  for (guint i = 0; i < settings->names->len; i++)
    {
      const PfmJson *v = settings->items->pdata[i];
      if (v->type != PFM_JSON_STRING)
        {
          parse_fail (error, "a setting that is not a string");
          return NULL;
        }
      g_ptr_array_add (r->keys, g_strdup (settings->names->pdata[i]));
      g_ptr_array_add (r->values, g_strdup (v->text));
    }
  const PfmJson *sw = pfm_json_member (root, "sweep");
  guint64 points, copies, u;
  if (!pfm_json_get_uint (sw, "points", PFM_SWEEP_MAX_POINTS, &points) || points < 1 ||
      !pfm_json_get_uint (sw, "copies", 1000000, &copies))
    {
      parse_fail (error, "no valid \"sweep\" object (points, copies)");
      return NULL;
    }
  r->n_points = (guint) points;
  r->options.copies = (guint) copies;
  if (copies > 0)
    {
      if (!pfm_json_get_uint (sw, "inputs", 100000, &u) || u < 1)
        {
          parse_fail (error, "a batch sweep without \"inputs\"");
          return NULL;
        }
      r->options.n_inputs = (guint) u;
      if (!pfm_json_get_uint (sw, "calibration_inputs", 100000, &u))
        {
          parse_fail (error, "a batch sweep without \"calibration_inputs\"");
          return NULL;
        }
      r->options.n_calibration = (guint) u;
      if (!pfm_json_get_uint (sw, "input_seed", G_MAXUINT64, &r->options.input_seed))
        {
          parse_fail (error, "a batch sweep without \"input_seed\"");
          return NULL;
        }
    }
  const PfmJson *axes = pfm_json_member (sw, "axes");
  if (axes == NULL || axes->type != PFM_JSON_ARRAY || axes->items->len < 1 || axes->items->len > PFM_SWEEP_MAX_AXES)
    {
      parse_fail (error, "no \"axes\" array of 1 or 2 axes");
      return NULL;
    }
  guint64 product = 1;
  for (guint i = 0; i < axes->items->len; i++)
    {
      const PfmJson *ja = axes->items->pdata[i];
      const char *key = pfm_json_get_string (ja, "key"), *spec = pfm_json_get_string (ja, "spec");
      const PfmJson *vals = pfm_json_member (ja, "values");
      if (key == NULL || spec == NULL || vals == NULL || vals->type != PFM_JSON_ARRAY || vals->items->len < 1)
        {
          parse_fail (error, "an axis without key, spec and values");
          return NULL;
        }
      PfmSweepAxis *a = g_new0 (PfmSweepAxis, 1);
      a->key = g_strdup (key);
      a->spec = g_strdup (spec);
      a->values = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (r->axes, a);
      for (guint j = 0; j < vals->items->len; j++)
        {
          const PfmJson *v = vals->items->pdata[j];
          if (v->type != PFM_JSON_STRING)
            {
              parse_fail (error, "an axis value that is not a string");
              return NULL;
            }
          g_ptr_array_add (a->values, g_strdup (v->text));
        }
      product *= vals->items->len;
    }
  if (product != points)
    {
      parse_fail (error, "\"points\" is not the product of the axes' lengths");
      return NULL;
    }
  const PfmJson *shard = pfm_json_member (root, "shard");
  if (shard != NULL)
    {
      guint64 i, k;
      if (!pfm_json_get_uint (shard, "index", points, &i) || !pfm_json_get_uint (shard, "count", points, &k) ||
          i < 1 || k < 2 || i > k)
        {
          parse_fail (error, "a \"shard\" without 1 <= index <= count <= points");
          return NULL;
        }
      r->options.shard_index = (guint) i;
      r->options.shard_count = (guint) k;
    }
  const PfmJson *rows = pfm_json_member (root, "rows");
  if (rows == NULL || rows->type != PFM_JSON_ARRAY)
    {
      parse_fail (error, "no \"rows\" array");
      return NULL;
    }
  for (guint i = 0; i < rows->items->len; i++)
    {
      PfmSweepRow row = { 0 };
      gboolean ok = read_row (r, rows->items->pdata[i], &row, error);
      g_array_append_val (r->rows, row);
      if (!ok)
        return NULL;
    }
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
    {
      const PfmSweepResult *s = shards[i];
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
          return NULL;
        }
      if (a->shard_count != K)
        {
          g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH,
                       "%s is shard %u/%u, %s shard %u/%u: accepted the shards of one split",
                       name_of (s0, 0), b->shard_index, K, name_of (s, i), a->shard_index, a->shard_count);
          return NULL;
        }
      if (by_index[a->shard_index - 1] != NULL)
        {
          g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH, "shard %u/%u is given twice (%s)",
                       a->shard_index, K, name_of (s, i));
          return NULL;
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
          return NULL;
        }
    }
  for (guint k = 0; k < K; k++)
    if (by_index[k] == NULL)
      {
        g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_MISMATCH, "shard %u/%u is missing", k + 1, K);
        return NULL;
      }

  g_autoptr(PfmSweepResult) m = result_new ();
  for (guint i = 0; i < s0->axes->len; i++)
    g_ptr_array_add (m->axes, axis_copy (s0->axes->pdata[i]));
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
  /* relative_error from the merged point 0, whatever each shard's
   * reference run gave (the same numbers when the runs are reproducible). */
  if (m->options.copies == 0)
    {
      const PfmSweepRow *r0 = &g_array_index (m->rows, PfmSweepRow, 0);
      for (guint i = 0; i < m->rows->len; i++)
        {
          PfmSweepRow *row = &g_array_index (m->rows, PfmSweepRow, i);
          row->relative_error = relative_error (row, r0);
        }
    }
  return g_steal_pointer (&m);
}
