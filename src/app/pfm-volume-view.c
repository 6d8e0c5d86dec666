/* pfm-volume-view.c - the recorded volume: field and index, slice by slice
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cairo slice views of the engine's recorded volume (the 3D OpenGL
 * renderer is a separate piece of work; these slices are also what it
 * falls back to): a transverse slice of the intensity and of the written
 * index at any z, and the index along the axis, so the voxels the light
 * crosses can be seen beside the light.
 */
#define G_LOG_DOMAIN "pfm-volume-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pfm-plot.h"
#include "pfm-volume-view.h"

struct _PfmVolumeView
{
  AdwBin     parent_instance;
  PfmRunner *runner;
  GtkScale  *z_scale;
  GtkLabel  *z_label;
  PfmPlot   *intensity;
  PfmPlot   *index;
  PfmPlot   *index_xz;
};

G_DEFINE_FINAL_TYPE (PfmVolumeView, pfm_volume_view, ADW_TYPE_BIN)

static void
show_slice (PfmVolumeView *self)
{
  const PfmRecord *rec = pfm_runner_get_record (self->runner);
  if (rec == NULL || rec->vol_count == 0)
    return;
  guint k = (guint) CLAMP (lround (gtk_range_get_value (GTK_RANGE (self->z_scale))), 0, (long) rec->vol_count - 1);
  const int n = rec->vol_nx;
  const gsize slice = (gsize) n * n;
  const double x1 = rec->vol_x0 + (n - 1) * rec->vol_dx;
  pfm_plot_set_image (self->intensity, rec->vol_intensity + k * slice, n, n, rec->vol_x0, x1, rec->vol_x0, x1, "W/m^2", TRUE);
  pfm_plot_set_image (self->index, rec->vol_dn + k * slice, n, n, rec->vol_x0, x1, rec->vol_x0, x1, "", FALSE);
  g_autofree char *text = g_strdup_printf (_("z = %.1f µm (slice %u of %u)"), rec->vol_z[k] * 1e6, k + 1, rec->vol_count);
  gtk_label_set_text (self->z_label, text);
}

static void
finished_cb (PfmRunner *runner, PfmVolumeView *self)
{
  const PfmRecord *rec = pfm_runner_get_record (runner);
  if (rec == NULL || rec->vol_count == 0)
    return;
  gtk_range_set_range (GTK_RANGE (self->z_scale), 0, MAX (1, rec->vol_count - 1));
  /* The colour scale spans the written voxels' contrast, so their pattern
   * shows; the guide's cladding step (often ten times larger) saturates. */
  const PfmConfig *cfg = pfm_runner_get_config (runner);
  double range = cfg->medium.kind == PFM_MEDIUM_RANDOM && cfg->medium.delta_n > 0 ? cfg->medium.delta_n : NAN;
  pfm_plot_set_image_range (self->index, -range, range);
  pfm_plot_set_image_range (self->index_xz, -range, range);
  /* The index along the axis: the row through y = 0 of every slice. */
  const int n = rec->vol_nx, nz = rec->vol_count;
  int mid = CLAMP ((int) lround (-rec->vol_x0 / rec->vol_dx), 0, n - 1);
  g_autofree float *img = g_new (float, (gsize) n * nz);
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < n; j++)
      img[(gsize) j * nz + k] = rec->vol_dn[(gsize) k * n * n + (gsize) mid * n + j];
  pfm_plot_set_image (self->index_xz, img, nz, n, rec->vol_z[0], rec->vol_z[nz - 1],
                      rec->vol_x0, rec->vol_x0 + (n - 1) * rec->vol_dx, "", FALSE);
  show_slice (self);
}

static void
scale_changed_cb (GtkRange *range, PfmVolumeView *self)
{
  show_slice (self);
}

static void
pfm_volume_view_dispose (GObject *object)
{
  PfmVolumeView *self = PFM_VOLUME_VIEW (object);
  if (self->runner)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  G_OBJECT_CLASS (pfm_volume_view_parent_class)->dispose (object);
}

static void
pfm_volume_view_class_init (PfmVolumeViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pfm_volume_view_dispose;
}

static PfmPlot *
image_plot (const char *title, const char *xlabel, const char *ylabel)
{
  PfmPlot *p = PFM_PLOT (pfm_plot_new (PFM_PLOT_IMAGE));
  pfm_plot_set_title (p, title);
  pfm_plot_set_x_axis (p, xlabel, "m", FALSE);
  pfm_plot_set_y_axis (p, ylabel, "m", FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (p), 300, 280);
  return p;
}

static void
pfm_volume_view_init (PfmVolumeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  GtkWidget *note = gtk_label_new (_("The recorded volume, slice by slice: the light (left) and the written index change "
                                     "δn (right) at the chosen z, and the index along the axis below. The 3D "
                                     "renderer is not part of this version."));
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_box_append (GTK_BOX (box), note);

  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->z_scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_widget_set_hexpand (GTK_WIDGET (self->z_scale), TRUE);
  gtk_scale_set_draw_value (self->z_scale, FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->z_scale), _("Choose the slice along z"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->z_scale), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Slice position z"), -1);
  g_signal_connect (self->z_scale, "value-changed", G_CALLBACK (scale_changed_cb), self);
  self->z_label = GTK_LABEL (gtk_label_new (""));
  gtk_widget_set_size_request (GTK_WIDGET (self->z_label), 220, -1);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->z_scale));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->z_label));
  gtk_box_append (GTK_BOX (box), row);

  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_widget_set_vexpand (grid, TRUE);
  self->intensity = image_plot (_("Intensity at z"), "x", "y");
  self->index = image_plot (_("Index change δn at z"), "x", "y");
  self->index_xz = image_plot (_("Index change δn along the axis (y = 0)"), "z", "x");
  pfm_plot_set_equal_aspect (self->intensity, TRUE);
  pfm_plot_set_equal_aspect (self->index, TRUE);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->intensity), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->index), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->index_xz), 0, 1, 2, 1);
  gtk_box_append (GTK_BOX (box), grid);
  adw_bin_set_child (ADW_BIN (self), box);
}

GtkWidget *
pfm_volume_view_new (PfmRunner *runner)
{
  PfmVolumeView *self = g_object_new (PFM_TYPE_VOLUME_VIEW, NULL);
  self->runner = g_object_ref (runner);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), self);
  return GTK_WIDGET (self);
}

void
pfm_volume_view_set_presentation (PfmVolumeView *self, gboolean presentation)
{
  pfm_plot_set_presentation (self->intensity, presentation);
  pfm_plot_set_presentation (self->index, presentation);
  pfm_plot_set_presentation (self->index_xz, presentation);
}
