/* pfm-sweep.c - parameter sweeps: a grid of one or two numeric keys
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The axes, the checks and the run; the result's JSON and CSV, their
 * reader and the shard merge are in pfm-sweep-io.c.
 */
#define G_LOG_DOMAIN "pfm-sweep"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-scaling.h"
#include "pfm-sweep.h"
#include "pfm-sweep-private.h"

G_DEFINE_QUARK (pfm-sweep-error-quark, pfm_sweep_error)

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
  o->threads = PFM_THREADS_AUTO;
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

/* The values of the range START:STOP:N[:log] in @a->spec into
 * @a->values: N points evenly spaced (in log for :log), START and STOP
 * exact, integers for an integer key. */
static gboolean
axis_range_values (PfmSweepAxis *a, const PfmKeyInfo *k, GError **error)
{
  const gboolean integer = k->type != PFM_KEY_DOUBLE;
  g_auto(GStrv) f = g_strsplit (a->spec, ":", -1);
  const guint nf = g_strv_length (f);
  double lo, hi;
  guint64 n;
  if (nf < 3 || nf > 4 || !parse_double (g_strstrip (f[0]), &lo) || !parse_double (g_strstrip (f[1]), &hi) ||
      !g_ascii_string_to_unsigned (g_strstrip (f[2]), 10, 1, PFM_SWEEP_MAX_POINTS, &n, NULL) ||
      (nf == 4 && strcmp (g_strstrip (f[3]), "log") != 0))
    return spec_error (error, a->key, k, a->spec, "is not a range");
  const gboolean log_scale = nf == 4;
  if (log_scale && !(lo > 0.0 && hi > 0.0))
    return spec_error (error, a->key, k, a->spec, "is a :log range that does not lie above 0");
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
              return spec_error (error, a->key, k, vt, "is a range point that is not an integer (an integer key)");
            }
          text = g_strdup_printf ("%.0f", rint (v));
        }
      else
        /* 12 digits: the values as a person writes them, without
         * the last bits of the arithmetic. */
        text = g_strdup_printf ("%.12g", v);
      g_ptr_array_add (a->values, text);
    }
  return TRUE;
}

/* The values of the list V1,V2,... in @a->spec into @a->values, each
 * stripped, at most PFM_SWEEP_MAX_POINTS. */
static gboolean
axis_list_values (PfmSweepAxis *a, const PfmKeyInfo *k, GError **error)
{
  g_auto(GStrv) f = g_strsplit (a->spec, ",", -1);
  for (guint i = 0; f[i]; i++)
    g_ptr_array_add (a->values, g_strdup (g_strstrip (f[i])));
  if (a->values->len > PFM_SWEEP_MAX_POINTS)
    {
      g_autofree char *count = g_strdup_printf ("%u values", a->values->len);
      return spec_error (error, a->key, k, count, "is too many");
    }
  return TRUE;
}

/* Each value of @a set on a copy of @cfg: none empty, each one the key
 * takes (in its range), so that a run never meets a bad point. */
static gboolean
axis_check_values (const PfmConfig *cfg, const PfmSweepAxis *a, const PfmKeyInfo *k, GError **error)
{
  for (guint i = 0; i < a->values->len; i++)
    {
      const char *v = a->values->pdata[i];
      g_autoptr(PfmConfig) c = pfm_config_copy (cfg);
      g_autoptr(GError) e = NULL;
      if (v[0] == '\0')
        return spec_error (error, a->key, k, a->spec, "has an empty value");
      if (!pfm_config_set (c, a->key, v, &e))
        return spec_error (error, a->key, k, v,
                           g_error_matches (e, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE)
                           ? "is out of range" : "is not a value of this key");
    }
  return TRUE;
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
  const gboolean range = strchr (a->spec, ':') != NULL;
  if (!(range ? axis_range_values (a, k, error) : axis_list_values (a, k, error)) ||
      !axis_check_values (cfg, a, k, error))
    return NULL;
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
      (o->threads < 0 && o->threads != PFM_THREADS_AUTO) || o->threads > 1024)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   "copies = %u, inputs = %u, calibration inputs = %u, threads = %d: accepted [0, 1000000], "
                   "[1, 100000], [0, 100000] and [0, 1024] (or %d, the engine's choice)", o->copies, o->n_inputs,
                   o->n_calibration, o->threads, PFM_THREADS_AUTO);
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

void
pfm_sweep_row_init_nan (PfmSweepRow *row)
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
  pfm_sweep_row_init_nan (row);
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
  pfm_sweep_row_init_nan (row);
  row->n_resolved = b->n_resolved;
  memcpy (row->stats, b->stats, sizeof row->stats);
  memcpy (row->stats_calibrated, b->stats_calibrated, sizeof row->stats_calibrated);
  row->yield = b->yield;
  row->yield_calibrated = b->yield_calibrated;
}

double
pfm_sweep_relative_error (const PfmSweepRow *row, const PfmSweepRow *ref)
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

PfmSweepResult *
pfm_sweep_result_new (void)
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

PfmSweepAxis *
pfm_sweep_axis_copy (const PfmSweepAxis *a)
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

  g_autoptr(PfmSweepResult) res = pfm_sweep_result_new ();
  for (guint i = 0; i < n_axes; i++)
    g_ptr_array_add (res->axes, pfm_sweep_axis_copy (axes[i]));
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
          row->relative_error = pfm_sweep_relative_error (row, r0);
        }
    }
  row_clear (&ref);
  return g_steal_pointer (&res);
}
