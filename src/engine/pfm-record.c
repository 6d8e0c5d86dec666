/* pfm-record.c - what a run records, and its writers
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-record"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-export.h"
#include "pfm-record.h"

PfmRecord *
pfm_record_new (void)
{
  PfmRecord *r = g_new0 (PfmRecord, 1);
  r->rows = g_array_new (FALSE, TRUE, sizeof (PfmDiagRow));
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  r->status = PFM_RUN_RUNNING;
  r->vol_stride = 1;
  return r;
}

void
pfm_record_free (PfmRecord *r)
{
  if (r == NULL)
    return;
  g_array_unref (r->rows);
  g_ptr_array_unref (r->warnings);
  g_free (r->vol_intensity);
  g_free (r->vol_dn);
  g_free (r->vol_z);
  g_free (r->output);
  g_free (r->stop_reason);
  g_free (r);
}

void
pfm_record_add_warning (PfmRecord *r, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_ptr_array_add (r->warnings, g_strdup_vprintf (format, ap));
  va_end (ap);
}

const char *
pfm_run_status_to_string (PfmRunStatus status)
{
  switch (status)
    {
    case PFM_RUN_RUNNING: return "running";
    case PFM_RUN_COMPLETED: return "completed";
    case PFM_RUN_UNRESOLVED: return "unresolved";
    case PFM_RUN_CANCELLED: return "cancelled";
    default: return "unknown";
    }
}

char *
pfm_record_diagnostics_csv (const PfmRecord *r)
{
  GString *s = g_string_new ("z,power,width_x,width_y,peak_intensity,b_integral,centroid_x,centroid_y\n");
  for (guint i = 0; i < r->rows->len; i++)
    {
      const PfmDiagRow *d = &g_array_index (r->rows, PfmDiagRow, i);
      const double v[] = { d->z, d->power, d->width_x, d->width_y, d->peak_intensity,
                           d->b_integral, d->centroid_x, d->centroid_y };
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        {
          if (k)
            g_string_append_c (s, ',');
          /* Rows are finite by construction (the run stops before a
           * non-finite state); write 0 rather than an empty field if not. */
          pfm_export_csv_number (s, isfinite (v[k]) ? v[k] : 0.0);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

char *
pfm_record_output_csv (const PfmRecord *r)
{
  GString *s = g_string_new ("region,power\n");
  for (int i = 0; i < r->n_output; i++)
    {
      g_string_append_printf (s, "%d,", i);
      pfm_export_csv_number (s, isfinite (r->output[i]) ? r->output[i] : 0.0);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

gboolean
pfm_record_write_field (const PfmRecord *r, const char *path, GError **error)
{
  if (r->vol_intensity == NULL || r->vol_count == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "this run recorded no volume to write to %s", path);
      return FALSE;
    }
  if (g_str_has_suffix (path, ".npy"))
    {
      const gsize shape[3] = { r->vol_count, r->vol_ny, r->vol_nx };
      return pfm_export_npy_f32 (path, r->vol_intensity, shape, 3, error);
    }
  if (g_str_has_suffix (path, ".vti"))
    {
      /* ImageData needs a uniform z spacing: the recorded slices are
       * uniform except possibly the last (a shortened step); the spacing
       * written is the mean, and the exact z of each slice is in the
       * diagnostics CSV. */
      double dz = r->vol_count > 1 ? (r->vol_z[r->vol_count - 1] - r->vol_z[0]) / (r->vol_count - 1) : 1.0;
      const double origin[3] = { r->vol_x0, r->vol_x0, r->vol_z[0] };
      const double spacing[3] = { r->vol_dx, r->vol_dx, dz > 0 ? dz : 1.0 };
      const PfmVtiArray arrays[] = {
        { "intensity", r->vol_intensity },
        { "dn", r->vol_dn },
      };
      return pfm_export_vti (path, r->vol_nx, r->vol_ny, r->vol_count, origin, spacing, arrays, 2, error);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
               "%s: the field file must end in .npy or .vti", path);
  return FALSE;
}

char *
pfm_record_summary (const PfmRecord *r)
{
  GString *s = g_string_new (NULL);
  const PfmDiagRow *last = r->rows->len ? &g_array_index (r->rows, PfmDiagRow, r->rows->len - 1) : NULL;
  g_string_append_printf (s, "status: %s (%u of %u steps, %.3f s)\n",
                          pfm_run_status_to_string (r->status), r->steps_done, r->n_steps, r->elapsed_s);
  if (r->stop_reason)
    g_string_append_printf (s, "stopped: %s\n", r->stop_reason);
  g_string_append_printf (s, "parameters in the simulated sample (voxels): %" G_GUINT64_FORMAT "\n", r->n_parameters);
  if (last != NULL)
    {
      g_string_append_printf (s, "z = %.6g m: power %.6g W (input %.6g W, %.3f%%), width %.4g x %.4g um, "
                              "peak %.4g W/m^2, B-integral %.4g rad\n",
                              last->z, last->power, r->input_power,
                              r->input_power > 0 ? 100.0 * last->power / r->input_power : 0.0,
                              last->width_x * 1e6, last->width_y * 1e6, last->peak_intensity, last->b_integral);
    }
  if (r->n_output > 0)
    {
      g_string_append (s, "output vector (W):");
      for (int i = 0; i < r->n_output; i++)
        g_string_append_printf (s, " %.4g", r->output[i]);
      g_string_append_c (s, '\n');
    }
  for (guint i = 0; i < r->warnings->len; i++)
    g_string_append_printf (s, "warning: %s\n", (const char *) r->warnings->pdata[i]);
  return g_string_free (s, FALSE);
}
