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

gboolean
pfm_record_reserve_rows (PfmRecord *r, guint n_rows)
{
  /* g_array_sized_new aborts when it cannot allocate: try the size it
   * will ask for first (GArray rounds its allocation up to a power of 2;
   * only the rows written become resident). */
  gsize want = ((gsize) n_rows + 1) * sizeof (PfmDiagRow), alloc = 64;
  while (alloc < want && alloc <= G_MAXSIZE / 2)
    alloc *= 2;
  gpointer probe = g_try_malloc (alloc);
  if (probe == NULL)
    return FALSE;
  g_free (probe);
  GArray *rows = g_array_sized_new (FALSE, TRUE, sizeof (PfmDiagRow), n_rows);
  g_array_append_vals (rows, r->rows->data, r->rows->len);
  g_array_unref (r->rows);
  r->rows = rows;
  return TRUE;
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
  /* Sized once, as the memory estimate counts it: grown by doubling, the
   * old and new buffers would coexist at every step (1.5 times the text). */
  GString *s = g_string_sized_new (((gsize) r->rows->len + 1) * PFM_RECORD_CSV_ROW_BYTES);
  g_string_append (s, "z,power,width_x,width_y,peak_intensity,b_integral,centroid_x,centroid_y\n");
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

PfmFieldFormat
pfm_record_field_format (const char *path)
{
  if (path == NULL)
    return PFM_FIELD_NONE;
  if (g_str_has_suffix (path, ".npy"))
    return PFM_FIELD_NPY;
  if (g_str_has_suffix (path, ".vti"))
    return PFM_FIELD_VTI;
  return PFM_FIELD_NONE;
}

guint64
pfm_record_field_write_bytes (PfmFieldFormat format, guint64 samples)
{
  /* The writers build the whole file in one buffer (pfm-export.c): one
   * float32 array for .npy, two for .vti, plus headers (a few KiB). */
  switch (format)
    {
    case PFM_FIELD_NPY: return 4 * samples + 4096;
    case PFM_FIELD_VTI: return 2 * 4 * samples + 4096;
    case PFM_FIELD_NONE:
    default: return 0;
    }
}

gboolean
pfm_record_write_field (const PfmRecord *r, const char *path, GError **error)
{
  if (r->vol_intensity == NULL || r->vol_count == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "this run recorded no volume to write to %s", path);
      return FALSE;
    }
  const PfmFieldFormat format = pfm_record_field_format (path);
  const guint64 samples = (guint64) r->vol_count * r->vol_nx * r->vol_ny;
  /* Checked before the writer's buffer, which would abort if it failed. */
  gpointer probe = g_try_malloc (pfm_record_field_write_bytes (format, samples));
  if (probe == NULL && format != PFM_FIELD_NONE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "out of memory writing the field to %s", path);
      return FALSE;
    }
  g_free (probe);
  if (format == PFM_FIELD_NPY)
    {
      const gsize shape[3] = { r->vol_count, r->vol_ny, r->vol_nx };
      return pfm_export_npy_f32 (path, r->vol_intensity, shape, 3, error);
    }
  if (format == PFM_FIELD_VTI)
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
  if (r->memory_estimate > 0)
    g_string_append_printf (s, "memory estimate: %" G_GUINT64_FORMAT " bytes\n", r->memory_estimate);
  if (last != NULL)
    {
      g_autofree char *width = last->peak_intensity >= PFM_RECORD_MIN_INTENSITY
        ? g_strdup_printf ("%.4g x %.4g um", last->width_x * 1e6, last->width_y * 1e6)
        : g_strdup ("undefined (no light left)");
      g_string_append_printf (s, "z = %.6g m: power %.6g W (input %.6g W, %.3f%%), width %s, "
                              "peak %.4g W/m^2, B-integral %.4g rad\n",
                              last->z, last->power, r->input_power,
                              r->input_power > 0 ? 100.0 * last->power / r->input_power : 0.0,
                              width, last->peak_intensity, last->b_integral);
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
