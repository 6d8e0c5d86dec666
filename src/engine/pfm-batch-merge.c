/* pfm-batch-merge.c - merging the shards of a batch, and recomputing some
 * of their copies to check them (docs/cli.md, merge and merge --verify)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in pfm-batch.h.  Merge only accepts shards that make
 * one batch, each copy as the batch writes it, so that the merged result
 * is the whole batch's, byte for byte; verify reruns chosen copies with
 * the batch itself (pfm-batch-private.h).
 */
#define G_LOG_DOMAIN "pfm-batch"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pfm-batch.h"
#include "pfm-batch-private.h"
#include "pfm-config.h"
#include "pfm-defects.h"
#include "pfm-export.h"
#include "pfm-rng.h"

static int
cmp_copy (gconstpointer a, gconstpointer b)
{
  const PfmCopyResult *x = a, *y = b;
  return (x->index > y->index) - (x->index < y->index);
}

/* The first batch option in which @a and @b differ: its name in the JSON
 * and both values; FALSE when they agree. */
static gboolean
batch_difference (const PfmBatchOptions *a, const PfmBatchOptions *b, const char **field, char **va, char **vb)
{
#define DIFF(cond, name, fmt, x, y)      \
  if (cond)                              \
    {                                    \
      *field = name;                     \
      *va = g_strdup_printf (fmt, x);    \
      *vb = g_strdup_printf (fmt, y);    \
      return TRUE;                       \
    }
  DIFF (a->copies != b->copies, "batch.copies", "%u", a->copies, b->copies);
  DIFF (a->shard_count != b->shard_count, "shard.count", "%u", a->shard_count, b->shard_count);
  DIFF (a->n_inputs != b->n_inputs, "batch.inputs", "%u", a->n_inputs, b->n_inputs);
  DIFF (a->n_calibration != b->n_calibration, "batch.calibration_inputs", "%u", a->n_calibration, b->n_calibration);
  DIFF (a->input_seed != b->input_seed, "batch.input_seed", "%" G_GUINT64_FORMAT, a->input_seed, b->input_seed);
  DIFF (a->ridge != b->ridge, "batch.ridge", "%.17g", a->ridge, b->ridge);
  DIFF (a->yield_metric != b->yield_metric, "batch.yield_metric", "%s", pfm_metric_name (a->yield_metric),
        pfm_metric_name (b->yield_metric));
  DIFF (a->threshold != b->threshold, "batch.threshold", "%.17g", a->threshold, b->threshold);
  DIFF (a->tm_error != b->tm_error, "batch.tm_error", "%s", a->tm_error ? "true" : "false",
        b->tm_error ? "true" : "false");
#undef DIFF
  return FALSE;
}

/* How messages name a shard: its file, or its index. */
static char *
shard_label (const PfmBatchResult *s)
{
  return s->source ? g_strdup (s->source)
                   : g_strdup_printf ("shard %u/%u", s->options.shard_index, s->options.shard_count);
}

static const char *
setting (const PfmBatchResult *r, const char *key)
{
  for (guint k = 0; k < r->keys->len; k++)
    if (strcmp (r->keys->pdata[k], key) == 0)
      return r->values->pdata[k];
  return NULL;
}

static const char *
input_hash (const PfmBatchResult *r, const char *key)
{
  for (guint k = 0; k < r->input_keys->len; k++)
    if (strcmp (r->input_keys->pdata[k], key) == 0)
      return r->input_sha256->pdata[k];
  return NULL;
}

/* Both shards recorded the same contents for every input file. */
static gboolean
same_inputs (const PfmBatchResult *a, const PfmBatchResult *b, GError **error)
{
  for (int pass = 0; pass < 2; pass++)
    {
      const PfmBatchResult *x = pass ? b : a, *y = pass ? a : b;
      for (guint k = 0; k < x->input_keys->len; k++)
        {
          const char *key = x->input_keys->pdata[k];
          const char *hx = x->input_sha256->pdata[k], *hy = input_hash (y, key);
          if (hy != NULL && strcmp (hx, hy) == 0)
            continue;
          g_autofree char *lx = shard_label (x), *ly = shard_label (y);
          const char *path = setting (x, key);
          if (hy == NULL)
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                         "%s records the SHA-256 of %s = %s (input_sha256) but %s does not (written by an older "
                         "pfm-cli?): rerun that shard, so that every shard records what it read",
                         lx, key, path ? path : "?", ly);
          else
            g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                         "%s and %s were computed from different contents of %s = %s (input_sha256 %.12s... and "
                         "%.12s...): the shards are not of one batch; rerun them from one file",
                         lx, ly, key, path ? path : "?", hx, hy);
          return FALSE;
        }
    }
  return TRUE;
}

/* What the accepted range of metric @m says, or NULL when @v (measured,
 * not NaN) is in it; @re is the relative error of the same set. */
static const char *
metric_out_of_range (int m, double v, double re)
{
  switch (m)
    {
    case PFM_METRIC_RELATIVE_ERROR:
    case PFM_METRIC_TM_ERROR:
      return v >= 0.0 && v <= PFM_BATCH_MAX_ERROR ? NULL : "accepted a number in [0, 1e100]";
    case PFM_METRIC_COSINE_SIMILARITY:
      /* A similarity of equal vectors can round to just above 1. */
      return v >= -1.0 - 1e-12 && v <= 1.0 + 1e-12 ? NULL : "accepted [-1, 1]";
    case PFM_METRIC_EFFECTIVE_BITS:
      if (re >= PFM_BATCH_TINY_ERROR)
        return isfinite (v) && fabs (v + log2 (re)) <= 1e-6 * MAX (1.0, fabs (v)) ? NULL
               : "accepted -log2(relative_error), the bits the relative error gives";
      return v == INFINITY || v >= 490.0 ? NULL
             : "accepted null (an exact match) or at least 490 for a relative error below 1e-150";
    default:
      return NULL;
    }
}

/* A copy of shard @s as the batch writes it: its seed is the one the
 * study's seed gives it, its metrics are in range. */
static gboolean
check_copy (const PfmBatchResult *s, guint64 study_seed, const PfmCopyResult *c, GError **error)
{
  const PfmBatchOptions *o = &s->options;
  g_autofree char *label = shard_label (s);
  const guint64 want = pfm_defects_copy_seed (study_seed, c->index);
  if (c->seed != want)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s: copy %u: seed = %" G_GUINT64_FORMAT ", but defects.seed = %" G_GUINT64_FORMAT " gives copy %u "
                   "the seed %" G_GUINT64_FORMAT ": a changed copy, or one of another study", label, c->index, c->seed,
                   study_seed, c->index, want);
      return FALSE;
    }
  for (int cal = 0; cal < 2; cal++)
    {
      const double *v = cal ? c->calibrated : c->metric;
      const char *sfx = cal ? "_calibrated" : "";
      const gboolean must = c->resolved && (!cal || o->n_calibration > 0);
      guint measured = 0;
      for (int m = 0; m < PFM_N_METRICS; m++)
        if (!(m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error)) && !isnan (v[m]))
          measured++;
      /* A calibration fit that cannot be solved leaves all of them null. */
      if (must && cal && measured == 0)
        continue;
      for (int m = 0; m < PFM_N_METRICS; m++)
        {
          if (m == PFM_METRIC_TM_ERROR && (cal || !o->tm_error))
            continue;
          const char *name = pfm_metric_name (m);
          if (!must)
            {
              if (isnan (v[m]))
                continue;
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                           "%s: copy %u: %s%s has a value, but the copy %s: accepted null", label, c->index, name,
                           sfx, !c->resolved ? "is not resolved" : "has no calibration (calibration_inputs = 0)");
              return FALSE;
            }
          const double re = v[PFM_METRIC_RELATIVE_ERROR];
          if (isnan (v[m]) || (m == PFM_METRIC_EFFECTIVE_BITS && isinf (v[m]) && re >= PFM_BATCH_TINY_ERROR))
            {
              if (m == PFM_METRIC_EFFECTIVE_BITS)
                g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                             "%s: copy %u: effective_bits%s is null (infinite: an exact match), but relative_error%s "
                             "= %g is not 0: accepted -log2(relative_error) = %g", label, c->index, sfx, sfx, re,
                             -log2 (re));
              else
                g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                             "%s: copy %u: %s%s is null in a resolved copy: accepted a number (%s)", label, c->index,
                             name, sfx, cal ? "the calibrated metrics are all measured or all null"
                                            : "every metric of a resolved copy is measured");
              return FALSE;
            }
          const char *why = metric_out_of_range (m, v[m], re);
          if (why != NULL)
            {
              g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, "%s: copy %u: %s%s = %.9g is out of range: %s",
                           label, c->index, name, sfx, v[m], why);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Every copy of shard @s is one the batch writes. */
static gboolean
check_copies (const PfmBatchResult *s, GError **error)
{
  const char *seed_text = setting (s, "defects.seed");
  guint64 study_seed;
  if (seed_text == NULL || !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &study_seed, NULL))
    {
      g_autofree char *label = shard_label (s);
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s: its settings hold no defects.seed (an unsigned integer), so its copies' seeds cannot be "
                   "checked", label);
      return FALSE;
    }
  for (guint c = 0; c < s->copies->len; c++)
    if (!check_copy (s, study_seed, &g_array_index (s->copies, PfmCopyResult, c), error))
      return FALSE;
  return TRUE;
}

/* "a.json, b.json and 3 more": the first few of @list (labels). */
static void
append_labels (GString *out, GPtrArray *list)
{
  const guint shown = MIN (list->len, 3);
  for (guint i = 0; i < shown; i++)
    g_string_append_printf (out, "%s%s", i == 0 ? "" : (i + 1 == list->len ? " and " : ", "),
                            (char *) list->pdata[i]);
  if (list->len > shown)
    g_string_append_printf (out, " and %u more", list->len - shown);
}

/* Every shard was planned the same way (or none records how). */
static gboolean
same_planning (PfmBatchResult **shards, guint n, GError **error)
{
  GPtrArray *by[3] = { NULL, NULL, NULL };
  guint modes = 0;
  for (guint i = 0; i < n; i++)
    {
      const PfmBatchPlanning p = shards[i]->planning;
      if (by[p] == NULL)
        {
          by[p] = g_ptr_array_new_with_free_func (g_free);
          modes++;
        }
      g_ptr_array_add (by[p], shard_label (shards[i]));
    }
  if (modes <= 1)
    {
      for (int p = 0; p < 3; p++)
        if (by[p] != NULL)
          g_ptr_array_unref (by[p]);
      return TRUE;
    }
  g_autoptr(GString) msg = g_string_new ("the shards were not planned alike (batch.planning): ");
  gboolean first = TRUE;
  for (int p = PFM_BATCH_PLANNING_ESTIMATE; p >= PFM_BATCH_PLANNING_UNKNOWN; p--)
    {
      if (by[p] == NULL)
        continue;
      g_string_append (msg, first ? "" : "; ");
      append_labels (msg, by[p]);
      if (p == PFM_BATCH_PLANNING_UNKNOWN)
        g_string_append (msg, by[p]->len == 1 ? " records no planning mode (written by an older pfm-cli?)"
                                               : " record no planning mode (written by an older pfm-cli?)");
      else
        g_string_append_printf (msg, " \"%s\"%s", pfm_batch_planning_name (p),
                                p == PFM_BATCH_PLANNING_ESTIMATE ? " (--estimate)" : " (measured plans)");
      first = FALSE;
      g_ptr_array_unref (by[p]);
    }
  g_string_append (msg, ".  FFTW's plans change the last digits of every number, so such shards are not one "
                        "run's: rerun the odd ones in the mode of the rest (the recipes use --estimate)");
  g_set_error_literal (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, msg->str);
  return FALSE;
}

/* "2, 5-7, 9": the shards of @K that @seen lacks, at most @max_ranges
 * ranges of them; the count in *n_missing. */
static char *
missing_list (const gboolean *seen, guint K, guint max_ranges, guint *n_missing)
{
  GString *s = g_string_new (NULL);
  guint ranges = 0;
  *n_missing = 0;
  for (guint I = 1; I <= K; I++)
    {
      if (seen[I])
        continue;
      guint J = I;
      while (J + 1 <= K && !seen[J + 1])
        J++;
      *n_missing += J - I + 1;
      if (ranges < max_ranges)
        {
          g_string_append (s, ranges ? ", " : "");
          if (J == I)
            g_string_append_printf (s, "%u", I);
          else
            g_string_append_printf (s, "%u-%u", I, J);
        }
      else if (ranges == max_ranges)
        g_string_append (s, ", ...");
      ranges++;
      I = J;
    }
  return g_string_free (s, FALSE);
}

/* Shard @s is of the batch of @s0: the same batch options and the same
 * settings, key by key. */
static gboolean
same_batch (const PfmBatchResult *s0, const PfmBatchResult *s, GError **error)
{
  g_autofree char *l0 = shard_label (s0), *ls = shard_label (s);
  const char *field;
  g_autofree char *v0 = NULL, *vs = NULL;
  if (batch_difference (&s0->options, &s->options, &field, &v0, &vs))
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s has %s = %s, %s has %s = %s: the shards are not of one batch", l0, field, v0, ls, field, vs);
      return FALSE;
    }
  for (guint k = 0; k < MAX (s->keys->len, s0->keys->len); k++)
    {
      const char *k0 = k < s0->keys->len ? s0->keys->pdata[k] : NULL;
      const char *ks = k < s->keys->len ? s->keys->pdata[k] : NULL;
      if (k0 == NULL || ks == NULL || strcmp (k0, ks) != 0)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                       "%s and %s record different settings (key %u is %s in the first, %s in the second): "
                       "written by different pfm-cli versions?  Rerun them with one", l0, ls, k + 1,
                       k0 ? k0 : "absent", ks ? ks : "absent");
          return FALSE;
        }
      if (strcmp (s->values->pdata[k], s0->values->pdata[k]) != 0)
        {
          g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                       "%s ran with %s = %s, %s with %s = %s: the shards are not of one batch", l0, k0,
                       (char *) s0->values->pdata[k], ls, k0, (char *) s->values->pdata[k]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Shard @s (of the batch of @s0, @K shards) read the same input files,
 * is not given twice (@seen, by shard index, records it), and holds its
 * whole range of copies, in order, each as the batch writes it. */
static gboolean
check_shard (const PfmBatchResult *s0, const PfmBatchResult *s, guint K, const PfmBatchResult **seen,
             GError **error)
{
  g_autofree char *label = shard_label (s);
  if (!same_inputs (s0, s, error))
    return FALSE;
  const guint I = s->options.shard_index;
  if (seen[I] != NULL)
    {
      g_autofree char *other = shard_label (seen[I]);
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, "shard %u/%u is given twice: %s and %s",
                   I, K, other, label);
      return FALSE;
    }
  seen[I] = s;
  guint first, count;
  pfm_batch_shard_range (s->options.copies, I, K, &first, &count);
  if (s->copies->len != count)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s (shard %u/%u) holds %u copies, expected %u (an interrupted run?)", label, I, K,
                   s->copies->len, count);
      return FALSE;
    }
  for (guint c = 0; c < count; c++)
    if (g_array_index (s->copies, PfmCopyResult, c).index != first + c)
      {
        g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                     "%s (shard %u/%u) does not hold copies %u to %u in order", label, I, K, first,
                     first + count - 1);
        return FALSE;
      }
  return check_copies (s, error);
}

/* Every one of the @K shards is in @seen; else the error names the
 * missing ones. */
static gboolean
none_missing (const PfmBatchResult **seen, guint K, GError **error)
{
  g_autofree gboolean *have = g_new0 (gboolean, K + 1);
  for (guint I = 1; I <= K; I++)
    have[I] = seen[I] != NULL;
  guint n_missing;
  g_autofree char *list = missing_list (have, K, 40, &n_missing);
  if (n_missing == 0)
    return TRUE;
  g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
               n_missing == 1 ? "shard %s of %u is missing (%u of them): merge needs all %u shards; rerun it "
                                "(--shard I/%u)"
                              : "shards %s of %u are missing (%u of them): merge needs all %u shards; rerun "
                                "those (--shard I/%u)",
               list, K, n_missing, K, K);
  return FALSE;
}

/* The whole batch from its @n checked shards: the first one's settings,
 * options and input files, every shard's copies in index order. */
static PfmBatchResult *
merged_result (PfmBatchResult **shards, guint n)
{
  const PfmBatchResult *s0 = shards[0];
  PfmBatchResult *r = pfm_batch_result_new ();
  for (guint k = 0; k < s0->keys->len; k++)
    {
      g_ptr_array_add (r->keys, g_strdup (s0->keys->pdata[k]));
      g_ptr_array_add (r->values, g_strdup (s0->values->pdata[k]));
    }
  for (guint k = 0; k < s0->input_keys->len; k++)
    {
      g_ptr_array_add (r->input_keys, g_strdup (s0->input_keys->pdata[k]));
      g_ptr_array_add (r->input_sha256, g_strdup (s0->input_sha256->pdata[k]));
    }
  r->options = s0->options;
  r->options.shard_index = 1;
  r->options.shard_count = 1;
  r->planning = s0->planning;
  for (guint i = 0; i < n; i++)
    g_array_append_vals (r->copies, shards[i]->copies->data, shards[i]->copies->len);
  g_array_sort (r->copies, cmp_copy);
  pfm_batch_result_summarize (r);
  return r;
}

PfmBatchResult *
pfm_batch_merge (PfmBatchResult **shards, guint n, GError **error)
{
  g_return_val_if_fail (shards != NULL, NULL);
  if (n == 0)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH, "no shards to merge");
      return NULL;
    }
  const PfmBatchResult *s0 = shards[0];
  const guint K = s0->options.shard_count;
  g_autofree const PfmBatchResult **seen = g_new0 (const PfmBatchResult *, K + 1);
  /* What makes one batch first, for every shard: the settings, the
   * batch options, the planning mode, the input files.  Then each
   * shard's own copies, then the shards that are not there. */
  for (guint i = 1; i < n; i++)
    if (!same_batch (s0, shards[i], error))
      return NULL;
  if (!same_planning (shards, n, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    if (!check_shard (s0, shards[i], K, seen, error))
      return NULL;
  if (!none_missing (seen, K, error))
    return NULL;
  return merged_result (shards, n);
}

/* ---- merge --verify ------------------------------------------------------- */

/* Floyd's sampling: @n distinct values of [0, @range) into @out, each set
 * of n equally likely. */
static void
sample (PfmRng *rng, guint range, guint n, guint *out)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint k = 0;
  for (guint j = range - n; j < range; j++)
    {
      guint t = MIN ((guint) (pfm_rng_uniform (rng) * (j + 1.0)), j);
      if (g_hash_table_contains (chosen, GUINT_TO_POINTER (t + 1)))
        t = j;
      g_hash_table_add (chosen, GUINT_TO_POINTER (t + 1));
      out[k++] = t;
    }
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  const guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

void
pfm_batch_verify_pick (guint copies, guint shard_count, guint64 seed, guint n, guint *indices)
{
  g_return_if_fail (n <= copies && shard_count >= 1 && shard_count <= copies && (n == 0 || indices != NULL));
  PfmRng rng;
  pfm_rng_init (&rng, pfm_rng_hash (seed, 0x76657269 /* "veri" */, copies, ((guint64) shard_count << 32) | n));
  /* Spread over the shards: n / S copies each, one more in n % S shards
   * drawn at random, then what a small shard cannot hold in the others. */
  const guint S = shard_count;
  g_autofree guint *want = g_new0 (guint, S);
  g_autofree guint *extra = g_new (guint, MAX (n % S, 1));
  sample (&rng, S, n % S, extra);
  for (guint s = 0; s < S; s++)
    want[s] = n / S;
  for (guint i = 0; i < n % S; i++)
    want[extra[i]]++;
  guint spare = 0;
  for (guint s = 0; s < S; s++)
    {
      guint first, count;
      pfm_batch_shard_range (copies, s + 1, S, &first, &count);
      if (want[s] > count)
        {
          spare += want[s] - count;
          want[s] = count;
        }
    }
  for (guint s = 0; s < S && spare > 0; s++)
    {
      guint first, count;
      pfm_batch_shard_range (copies, s + 1, S, &first, &count);
      const guint more = MIN (spare, count - want[s]);
      want[s] += more;
      spare -= more;
    }
  guint k = 0;
  for (guint s = 0; s < S; s++)
    {
      guint first, count;
      pfm_batch_shard_range (copies, s + 1, S, &first, &count);
      sample (&rng, count, want[s], indices + k);
      for (guint i = 0; i < want[s]; i++)
        indices[k + i] += first;
      k += want[s];
    }
  qsort (indices, n, sizeof (guint), cmp_uint);
}

/* @a (recorded) and @b (recomputed) agree for metric @m: exactly
 * (@exact), or within PFM_BATCH_VERIFY_TOLERANCE relative plus
 * PFM_BATCH_VERIFY_FLOOR; @re_a and @re_b are the relative errors of the
 * same set (before or after calibration), which bound how much 1 - cosine
 * similarity can move. */
static gboolean
metric_agrees (int m, double a, double b, gboolean exact, double re_a, double re_b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  if (a == b)
    return TRUE;
  if (exact)
    return FALSE;
  double floor = PFM_BATCH_VERIFY_FLOOR;
  switch (m)
    {
    case PFM_METRIC_COSINE_SIMILARITY:
      /* 1 - cos is about the square of the error across the output: it
       * moves by about the relative error times the error's own noise. */
      a = 1.0 - a;
      b = 1.0 - b;
      floor = 2.0 * PFM_BATCH_VERIFY_FLOOR * (isfinite (re_a) && isfinite (re_b) ? MAX (re_a, re_b) : 1.0) + 1e-15;
      break;
    case PFM_METRIC_EFFECTIVE_BITS:
      /* As the relative error they stand for. */
      a = exp2 (-a);
      b = exp2 (-b);
      break;
    default:
      break;
    }
  return fabs (a - b) <= PFM_BATCH_VERIFY_TOLERANCE * MAX (fabs (a), fabs (b)) + floor;
}

/* The configuration the settings of @merged describe, checked; NULL with
 * a PFM_BATCH_ERROR_PARSE @error when this build cannot take them. */
static PfmConfig *
config_of (const PfmBatchResult *merged, GError **error)
{
  /* The settings hold every key of the table, as text. */
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) e = NULL;
  gboolean ok = TRUE;
  for (guint k = 0; ok && k < merged->keys->len; k++)
    ok = pfm_config_set (cfg, merged->keys->pdata[k], merged->values->pdata[k], &e);
  if (ok)
    ok = pfm_config_validate (cfg, &e);
  if (!ok)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_PARSE,
                   "the shards' settings cannot be recomputed here: %s", e->message);
      return NULL;
    }
  return g_steal_pointer (&cfg);
}

/* The shard of @shards (@n_shards of them) that holds copy @index; NULL
 * when none does. */
static const PfmBatchResult *
holder_of (PfmBatchResult **shards, guint n_shards, guint index)
{
  for (guint s = 0; s < n_shards; s++)
    {
      guint first, count;
      pfm_batch_shard_range (shards[s]->options.copies, shards[s]->options.shard_index,
                             shards[s]->options.shard_count, &first, &count);
      if (index >= first && index < first + count)
        return shards[s];
    }
  return NULL;
}

/* Copy @want as shard @label recorded it and @got as recomputed agree in
 * every field (metric_agrees, @exact); else the error names the first
 * field that differs, both values, and @how they were compared. */
static gboolean
same_copy (const char *label, const PfmCopyResult *want, const PfmCopyResult *got, gboolean tm_error,
           gboolean exact, const char *how, GError **error)
{
  if (got->seed != want->seed || got->resolved != want->resolved)
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "%s: copy %u: resolved = %s in the file, %s recomputed: a changed file, or a copy of another "
                   "build or kind of CPU", label, want->index, want->resolved ? "true" : "false",
                   got->resolved ? "true" : "false");
      return FALSE;
    }
  for (int cal = 0; cal < 2; cal++)
    for (int m = 0; m < PFM_N_METRICS; m++)
      {
        if (m == PFM_METRIC_TM_ERROR && (cal || !tm_error))
          continue;
        const double a = cal ? want->calibrated[m] : want->metric[m];
        const double b = cal ? got->calibrated[m] : got->metric[m];
        const int re = PFM_METRIC_RELATIVE_ERROR;
        if (metric_agrees (m, a, b, exact, cal ? want->calibrated[re] : want->metric[re],
                           cal ? got->calibrated[re] : got->metric[re]))
          continue;
        g_autoptr(GString) va = g_string_new (NULL), vb = g_string_new (NULL);
        pfm_export_json_number (va, a);
        pfm_export_json_number (vb, b);
        if (isinf (a) || isinf (b))
          g_string_append (isinf (a) ? va : vb, " (an exact match)");
        g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                     "%s: copy %u: %s%s = %s in the file, %s recomputed (%s): a changed file, or a copy "
                     "computed by another build or kind of CPU", label, want->index, pfm_metric_name (m),
                     cal ? "_calibrated" : "", va->str, vb->str, how);
        return FALSE;
      }
  return TRUE;
}

gboolean
pfm_batch_verify (PfmBatchResult **shards, guint n_shards, const guint *indices, guint n, int threads,
                  const PfmBatchCallbacks *cb, GError **error)
{
  g_return_val_if_fail (shards != NULL && (n == 0 || indices != NULL), FALSE);
  g_autoptr(PfmBatchResult) merged = pfm_batch_merge (shards, n_shards, error);
  if (merged == NULL)
    return FALSE;
  if (n == 0)
    return TRUE;

  g_autoptr(PfmConfig) cfg = config_of (merged, error);
  if (cfg == NULL)
    return FALSE;
  PfmBatchOptions o = merged->options;
  o.shard_index = 1;
  o.shard_count = 1;
  o.threads = threads;
  o.memory_budget = 0;
  const gboolean exact = merged->planning == PFM_BATCH_PLANNING_ESTIMATE;
  o.rigor = exact ? PFM_PLAN_ESTIMATE : PFM_PLAN_MEASURE;

  g_autoptr(PfmBatchResult) again = pfm_batch_run_copies (cfg, &o, cb, indices, n, error);
  if (again == NULL)
    return FALSE;
  if (!same_inputs (merged, again, NULL))
    {
      g_set_error (error, PFM_BATCH_ERROR, PFM_BATCH_ERROR_MISMATCH,
                   "--verify: the input file %s = %s does not hold what the shards read (input_sha256): it changed "
                   "since, so their copies cannot be recomputed", "medium.file",
                   setting (merged, "medium.file") ? setting (merged, "medium.file") : "?");
      return FALSE;
    }

  const char *how = exact ? "planning: estimate, so the same bits were expected"
                          : "measured plans, so a relative 1e-3 plus 1e-6 was allowed";
  for (guint i = 0; i < n; i++)
    {
      const PfmCopyResult *want = &g_array_index (merged->copies, PfmCopyResult, indices[i]);
      const PfmCopyResult *got = &g_array_index (again->copies, PfmCopyResult, i);
      const PfmBatchResult *holder = holder_of (shards, n_shards, want->index);
      g_autofree char *label = holder ? shard_label (holder) : g_strdup ("?");
      if (!same_copy (label, want, got, o.tm_error, exact, how, error))
        return FALSE;
    }
  return TRUE;
}
