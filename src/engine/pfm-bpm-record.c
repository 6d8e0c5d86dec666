/* pfm-bpm-record.c - what a propagation records: the field brought to a
 * true z, its diagnostics and volume slices, the resolution checks and
 * why a run stopped (docs/physics.md section 3)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-bpm"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-beam.h"
#include "pfm-bpm-private.h"
#include "pfm-detector.h"
#include "pfm-kernels.h"


static void
diagnostics (const PfmBpm *b, const float *f, PfmDiagRow *row)
{
  const PfmGrid *g = &b->grid;
  double s = 0, sx = 0, sxx = 0, sy = 0, syy = 0;
  float peak = 0.0f;
  for (int j = 0; j < b->n; j++)
    {
      const double y = pfm_grid_x (g, j);
      const float *r = f + 2 * (gsize) j * b->n;
      double rs = 0, rx = 0, rxx = 0;
      for (int i = 0; i < b->n; i++)
        {
          const float I = r[2 * i] * r[2 * i] + r[2 * i + 1] * r[2 * i + 1];
          const double x = pfm_grid_x (g, i);
          peak = I > peak ? I : peak;
          rs += I;
          rx += I * x;
          rxx += I * x * x;
        }
      s += rs;
      sx += rx;
      sxx += rxx;
      sy += rs * y;
      syy += rs * y * y;
    }
  const double da = g->dx * g->dx;
  row->z = b->z;
  row->power = s * da;
  row->peak_intensity = peak;
  row->b_integral = b->b_integral;
  if (s > 0.0 && peak >= PFM_RECORD_MIN_INTENSITY)
    {
      row->centroid_x = sx / s;
      row->centroid_y = sy / s;
      row->width_x = 2.0 * sqrt (MAX (0.0, sxx / s - row->centroid_x * row->centroid_x));
      row->width_y = 2.0 * sqrt (MAX (0.0, syy / s - row->centroid_y * row->centroid_y));
    }
  else
    row->centroid_x = row->centroid_y = row->width_x = row->width_y = 0.0;
}

static void
record_volume_slice (PfmBpm *b, PfmRecord *rec, const float *f)
{
  if (rec->vol_count >= rec->vol_capacity)
    return;
  const int fct = rec->vol_factor, vn = rec->vol_nx;
  const guint k = rec->vol_count;
  float *vi = rec->vol_intensity + (gsize) k * vn * vn;
  float *vd = rec->vol_dn + (gsize) k * vn * vn;
  const double inv_k0dz = 1.0 / (b->k0 * b->dz);
  const int nvx = b->medium->nvx;
  int lz = (int) floor (b->z / b->voxel);
  if (b->has_voxels)
    pfm_medium_fill_layer (b->medium, MIN (lz, b->medium->nvz), b->layer);
  const float *ps = pfm_bpm_profile_phase (b, lz);
  const float norm = 1.0f / (fct * fct);

  for (int J = 0; J < vn; J++)
    for (int I = 0; I < vn; I++)
      {
        double si = 0.0, sd = 0.0;
        for (int j = J * fct; j < (J + 1) * fct; j++)
          for (int i = I * fct; i < (I + 1) * fct; i++)
            {
              const gsize p = (gsize) j * b->n + i;
              si += f[2 * p] * f[2 * p] + f[2 * p + 1] * f[2 * p + 1];
              double dn = ps[p] * inv_k0dz;
              if (b->has_voxels && b->cvox[i] >= 0 && b->rvox[j] >= 0)
                dn += b->layer[(gsize) b->rvox[j] * nvx + b->cvox[i]];
              sd += dn;
            }
        vi[(gsize) J * vn + I] = (float) si * norm;
        vd[(gsize) J * vn + I] = (float) sd * norm;
      }
  rec->vol_z[k] = b->z;
  rec->vol_count++;
}

/* Brings the field to the true z in the scratch buffer S and checks it
 * (finite; light left; the spectrum inside the grid's band).  With a
 * record, appends a diagnostics row (and a volume slice) and the
 * warnings; without one, allocates nothing. */
void
pfm_bpm_record_slice (PfmBpm *b, PfmRecord *rec, const PfmBpmCallbacks *cb, gboolean force_volume)
{
  if (!b->spectral)
    {
      fftwf_execute (b->fwd);
      b->spectral = TRUE;
    }
  double edge = 0.0;
  double total = pfm_kernel_cmul_to (b->S, b->E, pfm_bpm_propagator (b, b->pending), b->inv_nn,
                                     b->edge, &edge, b->nn);
  fftwf_execute_dft (b->bwd, (fftwf_complex *) b->S, (fftwf_complex *) b->S);

  PfmDiagRow row;
  diagnostics (b, b->S, &row);
  if (rec != NULL)
    {
      g_array_append_val (rec->rows, row);
      guint r = rec->rows->len - 1;
      if (rec->vol_intensity != NULL && (r % rec->vol_stride == 0 || force_volume))
        record_volume_slice (b, rec, b->S);
    }

  if (!isfinite (row.power) || !isfinite (row.peak_intensity))
    {
      b->status = PFM_RUN_UNRESOLVED;
      b->stop = (BpmStop) { .kind = BPM_STOP_NON_FINITE, .z = b->z };
      /* Never let a NaN row reach an output. */
      if (rec != NULL)
        g_array_set_size (rec->rows, rec->rows->len - 1);
    }
  else if (row.peak_intensity < PFM_RECORD_MIN_INTENSITY)
    {
      b->slices++;
      /* No light left to resolve: the spectrum of what float32 keeps of
       * it is rounding noise, not detail (that once read as "collapse"). */
      if (!b->dark_warned && rec != NULL)
        pfm_record_add_warning (rec, "no light is left from z = %.4g m: the power fell to %.3g W (%.3g W at the input; "
                                "optics.loss = %g 1/m, and the absorbing boundary), below what single precision "
                                "resolves: widths and centroids are undefined from there",
                                b->z, row.power, rec->input_power, b->cfg->optics.loss);
      b->dark_warned = TRUE;
    }
  else
    {
      b->slices++;
      if (total > 0.0 && edge / total > PFM_BPM_MAX_EDGE_POWER && b->status == PFM_RUN_RUNNING)
        {
          b->status = PFM_RUN_UNRESOLVED;
          b->stop = (BpmStop) { .kind = BPM_STOP_EDGE, .z = b->z, .edge = edge / total,
                                .b_integral = b->b_integral, .peak = row.peak_intensity };
        }
    }

  if (rec != NULL && cb && cb->slice)
    cb->slice (rec, cb->user_data);
}

/* The input's checks: the set-up warnings and the step phase at the
 * input go to the record (if any); the dark input is noted either way. */
void
pfm_bpm_check_setup (PfmBpm *b, PfmRecord *rec)
{
  double peak = 0.0;
  for (gsize p = 0; p < b->nn; p++)
    peak = MAX (peak, (double) b->E[2 * p] * b->E[2 * p] + (double) b->E[2 * p + 1] * b->E[2 * p + 1]);
  const double input_power = pfm_field_power (b->E, &b->grid);
  /* Said once a run: from the input, or where the light runs out. */
  b->dark_warned = input_power <= 0.0 || peak < PFM_RECORD_MIN_INTENSITY;
  if (rec == NULL)
    return;

  rec->input_power = input_power;
  g_autoptr(GPtrArray) setup = pfm_bpm_setup_warnings (b);
  for (guint i = 0; i < setup->len; i++)
    pfm_record_add_warning (rec, "%s", (const char *) setup->pdata[i]);
  double phase = b->k0 * b->dz * (b->medium->max_abs_dn + fabs (b->cfg->optics.n2) * peak);
  if (phase > PFM_BPM_MAX_STEP_PHASE)
    {
      g_autofree char *cause = pfm_bpm_step_phase_cause (b, b->dz, peak);
      pfm_record_add_warning (rec, "the real-space phase per step is %.2f rad at the input (above %.1f), from %s: "
                              "the split-step is under-resolved", phase, PFM_BPM_MAX_STEP_PHASE, cause);
    }
  if (b->dark_warned)
    pfm_record_add_warning (rec, "the input carries no light (power %.3g W, peak %.3g W/m^2): "
                            "widths and centroids are undefined; check beam.power and beam.input",
                            rec->input_power, peak);
}

PfmRecord *
pfm_bpm_record_new (PfmBpm *b, GError **error)
{
  g_return_val_if_fail (b != NULL, NULL);
  g_autoptr(PfmRecord) rec = pfm_record_new ();
  rec->n_steps = b->n_steps;
  rec->n_parameters = pfm_medium_n_parameters (b->medium);
  rec->memory_estimate = pfm_bpm_estimate_memory (b->cfg, &b->opts);
  /* The rows at their final size, checked: grown by doubling they would
   * pass through twice the size, and a failed g_array growth aborts. */
  if (!pfm_record_reserve_rows (rec, (guint) MIN (pfm_bpm_n_records (b->cfg), G_MAXUINT)))
    {
      g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY,
                   "out of memory for the %" G_GUINT64_FORMAT " diagnostics rows: raise grid.record_every",
                   pfm_bpm_n_records (b->cfg));
      return NULL;
    }
  if (!b->opts.no_volume)
    {
      int f, vn;
      guint stride, cap;
      pfm_bpm_volume_layout (b->cfg, &b->opts, &f, &vn, &stride, &cap);
      rec->vol_factor = f;
      rec->vol_nx = rec->vol_ny = vn;
      rec->vol_stride = stride;
      rec->vol_capacity = cap;
      rec->vol_dx = b->grid.dx * f;
      rec->vol_x0 = pfm_grid_x (&b->grid, 0) + 0.5 * (f - 1) * b->grid.dx;
      gsize slice = (gsize) vn * vn;
      rec->vol_intensity = g_try_new0 (float, slice * cap);
      rec->vol_dn = g_try_new0 (float, slice * cap);
      rec->vol_z = g_try_new0 (double, cap);
      if (rec->vol_intensity == NULL || rec->vol_dn == NULL || rec->vol_z == NULL)
        {
          g_set_error (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY, "out of memory for the recorded volume");
          return NULL;
        }
    }
  return g_steal_pointer (&rec);
}

char *
pfm_bpm_stop_reason (PfmBpm *b)
{
  g_return_val_if_fail (b != NULL, NULL);
  const BpmStop *st = &b->stop;
  switch (st->kind)
    {
    case BPM_STOP_NON_FINITE:
      return g_strdup_printf ("the field became non-finite at z = %.4g m", st->z);
    case BPM_STOP_STEP_PHASE:
      {
        g_autofree char *cause = pfm_bpm_step_phase_cause (b, st->h, st->peak);
        return g_strdup_printf ("the real-space phase per step reached %.2f rad (above %.1f) at z = %.4g m, from %s",
                                st->dphi, PFM_BPM_MAX_STEP_PHASE, st->z, cause);
      }
    case BPM_STOP_EDGE:
      {
        const PfmMedium *m = b->medium;
        g_autofree char *cause = st->b_integral >= PFM_BPM_COLLAPSE_B_INTEGRAL
          ? g_strdup_printf ("self-focusing: the B-integral reached %.3g rad (peak intensity %.3g W/m^2); "
                             "lower beam.power, or raise grid.n", st->b_integral, st->peak)
          : g_strdup_printf ("light scattered to wide angles by the index structure (max|dn| = %.3g: the guide's "
                             "profile %.3g, the voxels %.3g; B-integral only %.2g rad); raise grid.n or narrow grid.window",
                             m->max_abs_dn, m->profile_abs_dn, m->voxel_abs_dn, st->b_integral);
        return g_strdup_printf ("the spectrum reached the grid's edge at z = %.4g m "
                                "(%.2g of the power in the outer %.0f%% of spatial frequencies, "
                                "above %.0e): the field holds finer detail than the grid resolves, from %s",
                                st->z, st->edge, 100 * PFM_BPM_EDGE_BAND, PFM_BPM_MAX_EDGE_POWER, cause);
      }
    case BPM_STOP_NONE:
    default:
      return NULL;
    }
}
