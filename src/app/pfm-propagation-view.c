/* pfm-propagation-view.c - the engine's run, streamed as it advances in z
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-propagation-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-export.h"
#include "pfm-plot.h"
#include "pfm-propagation-view.h"

enum {
  PLOT_WIDTH,
  PLOT_POWER,
  PLOT_PEAK,
  PLOT_B,
  PLOT_XZ,
  PLOT_YZ,
  PLOT_FACET,
  PLOT_OUTPUT,
  N_PLOTS
};

struct _PfmPropagationView
{
  PfmView         parent_instance;
  GtkProgressBar *progress;
  GtkWidget      *cancel_button;
  GtkLabel       *status_label;
  GtkLabel       *warnings_label;
  GtkGrid        *plots_grid;
  PfmPlot        *plots[N_PLOTS];

  /* Maps along z, grown as slices arrive. */
  GArray         *xz;   /* float, slice-major: n values per slice */
  GArray         *yz;
  int             map_n;
  double          map_x0, map_dx;
  double          last_z;
};

G_DEFINE_FINAL_TYPE (PfmPropagationView, pfm_propagation_view, PFM_TYPE_VIEW)

/* Slice-major (one column per z) to the plot's row-major image (x rows, z columns). */
static void
show_map (PfmPropagationView *self, PfmPlot *plot, GArray *data)
{
  const int n = self->map_n;
  const int nz = n ? data->len / n : 0;
  if (nz < 2)
    return;
  g_autofree float *img = g_new (float, (gsize) n * nz);
  const float *src = (const float *) data->data;
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < n; j++)
      img[(gsize) j * nz + k] = src[(gsize) k * n + j];
  double x1 = self->map_x0 + (n - 1) * self->map_dx;
  pfm_plot_set_image (plot, img, nz, n, 0.0, self->last_z, self->map_x0, x1, "W/m^2", TRUE);
}

static void
started_cb (PfmRunner *runner, PfmPropagationView *self)
{
  for (int i = 0; i < N_PLOTS; i++)
    pfm_plot_clear_data (self->plots[i]);
  g_array_set_size (self->xz, 0);
  g_array_set_size (self->yz, 0);
  self->map_n = 0;
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_progress_bar_set_text (self->progress, _("Propagating…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "propagation.cancel", TRUE);
  /* The last run's warnings were about other parameters. */
  gtk_label_set_text (self->warnings_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_label), FALSE);
}

static void
slice_cb (PfmRunner *runner, PfmRunnerSlice *s, PfmPropagationView *self)
{
  const PfmDiagRow *r = &s->row;
  pfm_plot_append (self->plots[PLOT_WIDTH], 0, r->z, r->width_x);
  pfm_plot_append (self->plots[PLOT_WIDTH], 1, r->z, r->width_y);
  pfm_plot_append (self->plots[PLOT_POWER], 0, r->z, r->power);
  pfm_plot_append (self->plots[PLOT_PEAK], 0, r->z, r->peak_intensity);
  pfm_plot_append (self->plots[PLOT_B], 0, r->z, r->b_integral);
  pfm_plot_set_x_range (self->plots[PLOT_WIDTH], 0, s->length);
  pfm_plot_set_x_range (self->plots[PLOT_POWER], 0, s->length);
  pfm_plot_set_x_range (self->plots[PLOT_PEAK], 0, s->length);
  pfm_plot_set_x_range (self->plots[PLOT_B], 0, s->length);

  if (s->intensity != NULL)
    {
      const int n = s->vol_n;
      if (self->map_n != n)
        {
          g_array_set_size (self->xz, 0);
          g_array_set_size (self->yz, 0);
          self->map_n = n;
        }
      self->map_x0 = s->vol_x0;
      self->map_dx = s->vol_dx;
      self->last_z = r->z;
      /* The xz plane is the row through y = 0, the yz plane the column through x = 0. */
      int mid = (int) lround (-s->vol_x0 / s->vol_dx);
      mid = CLAMP (mid, 0, n - 1);
      g_array_append_vals (self->xz, s->intensity + (gsize) mid * n, n);
      for (int j = 0; j < n; j++)
        g_array_append_val (self->yz, s->intensity[(gsize) j * n + mid]);
      show_map (self, self->plots[PLOT_XZ], self->xz);
      show_map (self, self->plots[PLOT_YZ], self->yz);
      double x1 = s->vol_x0 + (n - 1) * s->vol_dx;
      pfm_plot_set_image (self->plots[PLOT_FACET], s->intensity, n, n, s->vol_x0, x1, s->vol_x0, x1, "W/m^2", TRUE);
    }
}

static void
progress_cb (PfmRunner *runner, double fraction, PfmPropagationView *self)
{
  gtk_progress_bar_set_fraction (self->progress, fraction);
  g_autofree char *text = g_strdup_printf (_("Propagating… %.0f%%"), 100 * fraction);
  gtk_progress_bar_set_text (self->progress, text);
}

static void
finished_cb (PfmRunner *runner, PfmPropagationView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "propagation.cancel", FALSE);
  const PfmRecord *rec = pfm_runner_get_record (runner);
  const PfmConfig *cfg = pfm_runner_get_config (runner);
  GError *error = pfm_runner_get_error (runner);
  GString *w = g_string_new (NULL);

  if (error != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress, 0.0);
      gtk_progress_bar_set_text (self->progress, _("Not run"));
      g_string_append_printf (w, "⚠ %s", error->message);
    }
  else if (rec != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress, (double) rec->steps_done / MAX (1u, rec->n_steps));
      const char *what = rec->status == PFM_RUN_COMPLETED ? _("Done")
                       : rec->status == PFM_RUN_CANCELLED ? _("Cancelled")
                       : _("Stopped: under-resolved");
      g_autofree char *text = g_strdup_printf (_("%s — %u of %u steps in %.2f s"), what, rec->steps_done, rec->n_steps, rec->elapsed_s);
      gtk_progress_bar_set_text (self->progress, text);

      /* The count is formatted apart: gettext cannot see through G_GUINT64_FORMAT. */
      g_autofree char *voxels = g_strdup_printf ("%'" G_GUINT64_FORMAT, rec->n_parameters);
      g_autofree char *status = g_markup_printf_escaped (
        _("A sample of the tube, %.0f µm × %.0f µm × %.0f µm with %s voxels (its parameters), on a "
          "%d × %d grid. The full-size device is in the Scaling view."),
        cfg->tube.side * 1e6, cfg->tube.side * 1e6, cfg->tube.length * 1e6, voxels, cfg->grid.n, cfg->grid.n);
      gtk_label_set_markup (self->status_label, status);

      if (rec->stop_reason)
        {
          g_autofree char *esc = g_markup_escape_text (rec->stop_reason, -1);
          g_string_append_printf (w, "⚠ %s\n", esc);
        }
      for (guint i = 0; i < rec->warnings->len; i++)
        {
          g_autofree char *esc = g_markup_escape_text (rec->warnings->pdata[i], -1);
          g_string_append_printf (w, "⚠ %s\n", esc);
        }
      if (rec->n_output > 0)
        {
          g_autofree double *idx = g_new (double, rec->n_output);
          for (int i = 0; i < rec->n_output; i++)
            idx[i] = i;
          pfm_plot_set_series (self->plots[PLOT_OUTPUT], 0, idx, rec->output, rec->n_output);
        }
    }
  if (w->len && w->str[w->len - 1] == '\n')
    g_string_truncate (w, w->len - 1);
  gtk_label_set_markup (self->warnings_label, w->str);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_label), w->len > 0);
  g_string_free (w, TRUE);
}

static void
cancel_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_runner_cancel (pfm_view_get_runner (PFM_VIEW (widget)));
}

static void
run_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_runner_start (pfm_view_get_runner (PFM_VIEW (widget)));
}

static gboolean
save_volume (const char *path, gpointer user_data, GError **error)
{
  PfmPropagationView *self = user_data;
  const PfmRecord *rec = pfm_runner_get_record (pfm_view_get_runner (PFM_VIEW (self)));
  if (rec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("no finished run to export yet"));
      return FALSE;
    }
  return pfm_record_write_field (rec, path, error);
}

static void
export_volume_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.vti", "*.npy", NULL };
  pfm_save_dialog (widget, _("Export Field Volume"), "volume.vti", patterns, save_volume, widget, NULL);
}

static gboolean
save_table (const char *path, gpointer user_data, GError **error)
{
  PfmPropagationView *self = user_data;
  const PfmRecord *rec = pfm_runner_get_record (pfm_view_get_runner (PFM_VIEW (self)));
  if (rec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("no finished run to export yet"));
      return FALSE;
    }
  g_autofree char *text = NULL;
  if (g_str_has_suffix (path, ".json"))
    {
      GString *s = g_string_new ("{\"status\": ");
      pfm_export_json_string (s, pfm_run_status_to_string (rec->status));
      g_string_append (s, ", \"parameters\": ");
      pfm_export_json_number (s, (double) rec->n_parameters);
      g_string_append (s, ", \"rows\": [");
      for (guint i = 0; i < rec->rows->len; i++)
        {
          const PfmDiagRow *r = &g_array_index (rec->rows, PfmDiagRow, i);
          const double v[] = { r->z, r->power, r->width_x, r->width_y, r->peak_intensity, r->b_integral, r->centroid_x, r->centroid_y };
          const char *names[] = { "z", "power", "width_x", "width_y", "peak_intensity", "b_integral", "centroid_x", "centroid_y" };
          g_string_append (s, i ? ",\n  {" : "\n  {");
          for (guint k = 0; k < G_N_ELEMENTS (v); k++)
            {
              g_string_append_printf (s, "%s\"%s\": ", k ? ", " : "", names[k]);
              pfm_export_json_number (s, v[k]);
            }
          g_string_append_c (s, '}');
        }
      g_string_append (s, "],\n \"output\": [");
      for (int i = 0; i < rec->n_output; i++)
        {
          if (i)
            g_string_append (s, ", ");
          pfm_export_json_number (s, rec->output[i]);
        }
      g_string_append (s, "]}\n");
      text = g_string_free (s, FALSE);
    }
  else
    text = pfm_record_diagnostics_csv (rec);
  return pfm_file_write_atomic (path, text, strlen (text), error);
}

static void
export_table_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.csv", "*.json", NULL };
  pfm_save_dialog (widget, _("Export Diagnostics"), "diagnostics.csv", patterns, save_table, widget, NULL);
}

static void
pfm_propagation_view_finalize (GObject *object)
{
  PfmPropagationView *self = PFM_PROPAGATION_VIEW (object);
  g_array_unref (self->xz);
  g_array_unref (self->yz);
  G_OBJECT_CLASS (pfm_propagation_view_parent_class)->finalize (object);
}

static void
pfm_propagation_view_class_init (PfmPropagationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->finalize = pfm_propagation_view_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-propagation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PfmPropagationView, progress);
  gtk_widget_class_bind_template_child (widget_class, PfmPropagationView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PfmPropagationView, status_label);
  gtk_widget_class_bind_template_child (widget_class, PfmPropagationView, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, PfmPropagationView, plots_grid);
  gtk_widget_class_install_action (widget_class, "propagation.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "propagation.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "propagation.export-volume", NULL, export_volume_action);
  gtk_widget_class_install_action (widget_class, "propagation.export-table", NULL, export_table_action);
}

static PfmPlot *
add_plot (PfmPropagationView *self, PfmPlotKind kind, const char *title, const char *xlabel, const char *xunit,
          const char *ylabel, const char *yunit, gboolean ylog, int col, int row, int span)
{
  PfmPlot *p = PFM_PLOT (pfm_plot_new (kind));
  pfm_plot_set_title (p, title);
  pfm_plot_set_x_axis (p, xlabel, xunit, FALSE);
  pfm_plot_set_y_axis (p, ylabel, yunit, ylog);
  gtk_widget_set_size_request (GTK_WIDGET (p), 200, 210);
  gtk_grid_attach (self->plots_grid, GTK_WIDGET (p), col, row, span, 1);
  return p;
}

static void
pfm_propagation_view_init (PfmPropagationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->xz = g_array_new (FALSE, FALSE, sizeof (float));
  self->yz = g_array_new (FALSE, FALSE, sizeof (float));

  self->plots[PLOT_WIDTH] = add_plot (self, PFM_PLOT_LINES, _("Beam width"), "z", "m", _("width"), "m", FALSE, 0, 0, 1);
  pfm_plot_add_series (self->plots[PLOT_WIDTH], "x", 0, FALSE);
  pfm_plot_add_series (self->plots[PLOT_WIDTH], "y", 1, TRUE);
  self->plots[PLOT_POWER] = add_plot (self, PFM_PLOT_LINES, _("Power"), "z", "m", _("power"), "W", FALSE, 1, 0, 1);
  pfm_plot_add_series (self->plots[PLOT_POWER], NULL, 0, FALSE);
  self->plots[PLOT_PEAK] = add_plot (self, PFM_PLOT_LINES, _("Peak intensity"), "z", "m", _("intensity"), "W/m^2", TRUE, 2, 0, 1);
  pfm_plot_add_series (self->plots[PLOT_PEAK], NULL, 4, FALSE);
  self->plots[PLOT_B] = add_plot (self, PFM_PLOT_LINES, _("B-integral (Kerr phase)"), "z", "m", _("B"), "rad", FALSE, 3, 0, 1);
  pfm_plot_add_series (self->plots[PLOT_B], NULL, 3, FALSE);
  self->plots[PLOT_XZ] = add_plot (self, PFM_PLOT_IMAGE, _("Intensity in the xz plane (y = 0)"), "z", "m", "x", "m", FALSE, 0, 1, 2);
  self->plots[PLOT_YZ] = add_plot (self, PFM_PLOT_IMAGE, _("Intensity in the yz plane (x = 0)"), "z", "m", "y", "m", FALSE, 2, 1, 2);
  self->plots[PLOT_FACET] = add_plot (self, PFM_PLOT_IMAGE, _("Intensity at the last slice"), "x", "m", "y", "m", FALSE, 0, 2, 2);
  pfm_plot_set_equal_aspect (self->plots[PLOT_FACET], TRUE);
  self->plots[PLOT_OUTPUT] = add_plot (self, PFM_PLOT_BARS, _("Output vector (detector powers)"), _("region"), "",
                                       _("power"), "W", FALSE, 2, 2, 2);
  pfm_plot_add_series (self->plots[PLOT_OUTPUT], _("output"), 2, FALSE);
  for (int i = 0; i < N_PLOTS; i++)
    pfm_view_add_plot (PFM_VIEW (self), self->plots[i]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "propagation.cancel", FALSE);
}

GtkWidget *
pfm_propagation_view_new (PfmRunner *runner)
{
  PfmPropagationView *self = g_object_new (PFM_TYPE_PROPAGATION_VIEW, "runner", runner, NULL);
  g_signal_connect (runner, "started", G_CALLBACK (started_cb), self);
  g_signal_connect (runner, "slice", G_CALLBACK (slice_cb), self);
  g_signal_connect (runner, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), self);
  return GTK_WIDGET (self);
}
