/* pfm-scaling-view.c - the scaling model: plots, Table 1, diagnostics
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is computed by the engine's scaling model on every
 * change of an assumption (it takes well under a millisecond), so the view
 * is current within the frame.  The paper's Table 1 is shown beside the
 * computed values, never in their place.
 */
#define G_LOG_DOMAIN "pfm-scaling-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-export.h"
#include "pfm-plot.h"
#include "pfm-scaling-view.h"
#include "pfm-scaling.h"

#define SWEEP_MIN 1e9
#define SWEEP_MAX 1e21
#define SWEEP_N   61

struct _PfmScalingView
{
  PfmView      parent_instance;
  GtkGrid     *table_grid;
  GtkLabel    *diagnostics_label;
  PfmPlot     *plots[3];   /* volume, energy, time: declared in the .ui */
};

G_DEFINE_FINAL_TYPE (PfmScalingView, pfm_scaling_view, PFM_TYPE_VIEW)

static void
set_plot (PfmPlot *plot, const PfmScalingPoint *pts, guint n, gsize off_opt, gsize off_dig,
          const double *marks, gsize n_marks)
{
  g_autofree double *x = g_new (double, n), *a = g_new (double, n), *b = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      x[i] = pts[i].params;
      a[i] = *(const double *) ((const guint8 *) &pts[i] + off_opt);
      b[i] = *(const double *) ((const guint8 *) &pts[i] + off_dig);
    }
  pfm_plot_set_series (plot, 0, x, a, n);
  pfm_plot_set_series (plot, 1, x, b, n);
  pfm_plot_set_markers (plot, marks, n_marks, _("this design"));
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
cell (GtkGrid *grid, int col, int row, const char *markup, gboolean dim)
{
  GtkWidget *l = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (l), markup);
  gtk_label_set_xalign (GTK_LABEL (l), col == 0 ? 0.0f : 1.0f);
  gtk_label_set_selectable (GTK_LABEL (l), TRUE);
  if (dim)
    gtk_widget_add_css_class (l, "dim-label");
  gtk_grid_attach (grid, l, col, row, 1, 1);
}

static char *
fmt (double v, const char *unit)
{
  if (!isfinite (v))
    return g_strdup (_("none"));
  g_autofree char *s = pfm_display_value (v, unit);
  return g_markup_escape_text (s, -1);
}

static void
fill_table (PfmScalingView *self, const PfmScalingPoint *pts, gsize n)
{
  clear_grid (self->table_grid);
  cell (self->table_grid, 0, 0, _("<b>Quantity</b>"), FALSE);
  for (gsize j = 0; j < n; j++)
    {
      g_autofree char *h = g_strdup_printf (_("<b>P = %.0e</b>"), pts[j].params);
      cell (self->table_grid, 1 + 2 * j, 0, h, FALSE);
      cell (self->table_grid, 2 + 2 * j, 0, _("<i>paper</i>"), TRUE);
    }
  struct { const char *label; gsize off; gsize pub_off; const char *unit; } rows[] = {
    { N_("Optical tube side"), G_STRUCT_OFFSET (PfmScalingPoint, side), G_STRUCT_OFFSET (PfmScalingPublished, optical_side), "m" },
    { N_("Optical tube length"), G_STRUCT_OFFSET (PfmScalingPoint, length), G_STRUCT_OFFSET (PfmScalingPublished, optical_length), "m" },
    { N_("Optical energy / inference"), G_STRUCT_OFFSET (PfmScalingPoint, energy), G_STRUCT_OFFSET (PfmScalingPublished, optical_energy), "J" },
    { N_("Optical time / inference"), G_STRUCT_OFFSET (PfmScalingPoint, time), G_STRUCT_OFFSET (PfmScalingPublished, optical_time), "s" },
    { N_("Peak power P₀"), G_STRUCT_OFFSET (PfmScalingPoint, peak_power), G_STRUCT_OFFSET (PfmScalingPublished, peak_power), "W" },
    { N_("GPU fleet cube side"), G_STRUCT_OFFSET (PfmScalingPoint, digital_cube_side), G_STRUCT_OFFSET (PfmScalingPublished, digital_cube_side), "m" },
    { N_("Digital energy / inference"), G_STRUCT_OFFSET (PfmScalingPoint, digital_energy), G_STRUCT_OFFSET (PfmScalingPublished, digital_energy), "J" },
    { N_("Digital time / inference"), G_STRUCT_OFFSET (PfmScalingPoint, digital_time), G_STRUCT_OFFSET (PfmScalingPublished, digital_time), "s" },
  };
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_autofree char *label = g_markup_escape_text (_(rows[r].label), -1);
      cell (self->table_grid, 0, r + 1, label, FALSE);
      for (gsize j = 0; j < n; j++)
        {
          double v = *(const double *) ((const guint8 *) &pts[j] + rows[r].off);
          g_autofree char *t = fmt (v, rows[r].unit);
          if (rows[r].off == G_STRUCT_OFFSET (PfmScalingPoint, time))
            {
              g_autofree char *old = t;
              t = g_strdup_printf ("%s <small>(%s)</small>", old,
                                   pts[j].time_limit == PFM_SCALING_LIMIT_POWER ? _("power") : _("transit"));
            }
          cell (self->table_grid, 1 + 2 * j, r + 1, t, FALSE);
          const PfmScalingPublished *pub = pfm_scaling_published_lookup (pts[j].params);
          g_autofree char *p = pub ? fmt (*(const double *) ((const guint8 *) pub + rows[r].pub_off), rows[r].unit)
                                   : g_strdup ("—");
          cell (self->table_grid, 2 + 2 * j, r + 1, p, TRUE);
        }
    }
  guint r = G_N_ELEMENTS (rows) + 1;
  cell (self->table_grid, 0, r, _("Digital ÷ optical energy"), FALSE);
  cell (self->table_grid, 0, r + 1, _("Digital ÷ optical time"), FALSE);
  for (gsize j = 0; j < n; j++)
    {
      g_autofree char *e = g_strdup_printf ("%.3g×", pts[j].energy_ratio);
      g_autofree char *t = g_strdup_printf ("%.3g×", pts[j].time_ratio);
      cell (self->table_grid, 1 + 2 * j, r, e, FALSE);
      cell (self->table_grid, 1 + 2 * j, r + 1, t, FALSE);
    }
}

static void
fill_diagnostics (PfmScalingView *self, const PfmScalingPoint *pts, gsize n)
{
  GString *s = g_string_new (NULL);
  for (gsize j = 0; j < n; j++)
    {
      const PfmScalingPoint *p = &pts[j];
      g_autofree char *side = fmt (p->side, "m"), *len = fmt (p->length, "m");
      g_autofree char *pcr = fmt (p->p_cr, "W"), *zc = fmt (p->collapse_distance, "m");
      g_string_append_printf (s, _("<b>P = %.0e</b>: a tube %s wide and %s long.\n"), p->params, side, len);
      if (p->modes_ok)
        g_string_append_printf (s, _("  • It guides about %.2g modes, enough for %.2g inputs and outputs.\n"),
                                p->modes, p->io_dim);
      else
        g_string_append_printf (s, _("  • ⚠ Only about %.2g guided modes for %.2g inputs and outputs: the tube cannot carry the vector.\n"),
                                p->modes, p->io_dim);
      if (p->defocusing)
        g_string_append (s, _("  • n₂ &lt; 0 defocuses: no self-focusing at any power.\n"));
      else if (!isfinite (p->collapse_distance))
        g_string_append_printf (s, _("  • P₀/P_cr = %.2f: below the critical power %s, no collapse.\n"),
                                p->peak_power / p->p_cr, pcr);
      else if (p->self_focusing)
        g_string_append_printf (s, _("  • ⚠ P₀/P_cr = %.2f: a homogeneous tube would self-focus and collapse after %s, "
                                     "before its end. The paper argues the nanostructure suppresses collapse; test it "
                                     "in the Propagation view.\n"), p->peak_power / p->p_cr, zc);
      else
        g_string_append_printf (s, _("  • P₀/P_cr = %.2f: collapse would need %s, longer than the tube.\n"),
                                p->peak_power / p->p_cr, zc);
    }
  gtk_label_set_markup (self->diagnostics_label, s->str);
  g_string_free (s, TRUE);
}

static void
recompute (PfmScalingView *self)
{
  const PfmConfig *cfg = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)));
  PfmScalingInputs in;
  pfm_scaling_inputs_from_config (&in, cfg);
  g_autoptr(GError) error = NULL;
  g_autofree PfmScalingPoint *sweep = pfm_scaling_sweep (&in, SWEEP_MIN, SWEEP_MAX, SWEEP_N, &error);
  g_autofree PfmScalingPoint *pts = sweep ? pfm_scaling_compute_list (&in, cfg->scaling.params, cfg->scaling.n_params, &error) : NULL;
  if (pts == NULL)
    {
      g_autofree char *msg = g_markup_printf_escaped ("<span foreground=\"#e01b24\">%s</span>", error->message);
      gtk_label_set_markup (self->diagnostics_label, msg);
      return;
    }
  set_plot (self->plots[0], sweep, SWEEP_N, G_STRUCT_OFFSET (PfmScalingPoint, volume),
            G_STRUCT_OFFSET (PfmScalingPoint, digital_volume), cfg->scaling.params, cfg->scaling.n_params);
  set_plot (self->plots[1], sweep, SWEEP_N, G_STRUCT_OFFSET (PfmScalingPoint, energy),
            G_STRUCT_OFFSET (PfmScalingPoint, digital_energy), cfg->scaling.params, cfg->scaling.n_params);
  set_plot (self->plots[2], sweep, SWEEP_N, G_STRUCT_OFFSET (PfmScalingPoint, time),
            G_STRUCT_OFFSET (PfmScalingPoint, digital_time), cfg->scaling.params, cfg->scaling.n_params);
  fill_table (self, pts, cfg->scaling.n_params);
  fill_diagnostics (self, pts, cfg->scaling.n_params);
}

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmScalingView *self)
{
  if (pfm_config_key_affects (key) & PFM_AFFECTS_SCALING)
    recompute (self);
}

static gboolean
save_table (const char *path, gpointer user_data, GError **error)
{
  PfmScalingView *self = user_data;
  const PfmConfig *cfg = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)));
  PfmScalingInputs in;
  pfm_scaling_inputs_from_config (&in, cfg);
  g_autofree PfmScalingPoint *pts = pfm_scaling_compute_list (&in, cfg->scaling.params, cfg->scaling.n_params, error);
  if (pts == NULL)
    return FALSE;
  g_autofree char *text = g_str_has_suffix (path, ".json") ? pfm_scaling_to_json (pts, cfg->scaling.n_params)
                                                           : pfm_scaling_to_csv (pts, cfg->scaling.n_params);
  return pfm_file_write_atomic (path, text, strlen (text), error);
}

static void
export_table_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.csv", "*.json", NULL };
  pfm_save_dialog (widget, _("Export Scaling Table"), "scaling.csv", patterns, save_table, widget, NULL);
}

static void
pfm_scaling_view_class_init (PfmScalingViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-scaling-view.ui");
  /* The template declares PfmPlots: their type must exist before it is
   * parsed. */
  g_type_ensure (PFM_TYPE_PLOT);
  gtk_widget_class_bind_template_child_full (widget_class, "volume_plot", FALSE,
                                             G_STRUCT_OFFSET (PfmScalingView, plots[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "energy_plot", FALSE,
                                             G_STRUCT_OFFSET (PfmScalingView, plots[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "time_plot", FALSE,
                                             G_STRUCT_OFFSET (PfmScalingView, plots[2]));
  gtk_widget_class_bind_template_child (widget_class, PfmScalingView, table_grid);
  gtk_widget_class_bind_template_child (widget_class, PfmScalingView, diagnostics_label);
  gtk_widget_class_install_action (widget_class, "scaling.export-table", NULL, export_table_action);
}

static void
pfm_scaling_view_init (PfmScalingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Titles and axes are the template's; the series are added here (a .ui
   * file cannot declare them). */
  for (int i = 0; i < 3; i++)
    {
      pfm_plot_add_series (self->plots[i], _("optical PFM"), 0, FALSE);
      pfm_plot_add_series (self->plots[i], _("GPU fleet"), 1, TRUE);
      pfm_view_add_plot (PFM_VIEW (self), self->plots[i]);
    }
}

GtkWidget *
pfm_scaling_view_new (PfmDocument *document)
{
  PfmScalingView *self = g_object_new (PFM_TYPE_SCALING_VIEW, "document", document, NULL);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  recompute (self);
  return GTK_WIDGET (self);
}
