/* pfm-volume-view.c - the recorded volume: the light in 3D, and slice by slice
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two pages.  "3D": the OpenGL volume renderer (src/render/) with its
 * controls, the colour bar and the transfer-function editor; slices appear
 * as the engine produces them and the full record (with the index) replaces
 * them when the run finishes.  "Slices": Cairo views of the same record: a
 * transverse slice of the intensity and of the written index at any z,
 * and the index along the axis.  When GL cannot be had or a shader fails,
 * the reason (shader log included) is shown above and the slices are all
 * there is; the rest of the app does not notice.
 *
 * The transfer function lives with this view for the session (the engine's
 * project keys are its own); "Save Transfer Function…" writes it to a
 * small .pfmtf key file and "Load…" reads one back.
 *
 * The widgets are the template ui/pfm-volume-view.ui; this file binds
 * them, adds the slice plots, and does the rest.
 */
#define G_LOG_DOMAIN "pfm-volume-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pfm-app-util.h"
#include "pfm-color-bar.h"
#include "pfm-file.h"
#include "pfm-plot.h"
#include "pfm-transfer-editor.h"
#include "pfm-volume-area.h"
#include "pfm-volume-export.h"
#include "pfm-volume-view.h"

#define HIST_BINS         128
#define TURNTABLE_FRAMES  72

struct _PfmVolumeView
{
  PfmView            parent_instance;
  GtkStack          *stack;
  GtkStackPage      *page_3d;

  /* 3D */
  PfmVolumeArea     *area;
  PfmColorBar       *color_bar;
  PfmTransferEditor *editor;
  GtkWidget         *controls;
  GtkWidget         *tf_row;
  GtkWidget         *exports_button;
  GtkDropDown       *channel_dd;
  GtkDropDown       *colormap_dd;
  GtkDropDown       *scale_dd;
  GtkSpinButton     *zc_spin;
  GtkSpinButton     *decades_spin;
  GtkToggleButton   *plane_toggle[3];
  GtkLabel          *status_label;
  GtkRevealer       *error_revealer;
  GtkLabel          *error_label;
  GtkLabel          *error_details;
  GtkWidget         *error_expander;
  GtkRevealer       *turntable_revealer;
  GtkProgressBar    *turntable_progress;
  GCancellable      *turntable_cancel;
  gboolean           syncing;
  gboolean           from_document; /* applying the project's own transfer function (saved in the document) */
  gboolean           stream_pending;
  double             stream_z;
  double             stream_length;

  /* Slices */
  GtkScale          *z_scale;
  GtkLabel          *z_label;
  GtkGrid           *slices_grid;
  PfmPlot           *intensity;
  PfmPlot           *index;
  PfmPlot           *index_xz;
};

G_DEFINE_FINAL_TYPE (PfmVolumeView, pfm_volume_view, PFM_TYPE_VIEW)

/* --- the slice views ------------------------------------------------------------------ */

static void
show_slice (PfmVolumeView *self)
{
  const PfmRecord *rec = pfm_runner_get_record (pfm_view_get_runner (PFM_VIEW (self)));
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

/* The colour scale of the index (here, in the 3D view and its colour
 * bar): pfm_volume_data_index_range, symmetric about 0 out to the largest
 * |δn|, so the cladding's step (often ten times the voxels' contrast) is
 * inside it and nothing saturates. */
static void
update_slices (PfmVolumeView *self, const PfmRecord *rec)
{
  gtk_range_set_range (GTK_RANGE (self->z_scale), 0, MAX (1, rec->vol_count - 1));
  double range = pfm_volume_data_index_range (pfm_volume_area_get_data (self->area));
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

/* --- the 3D view: scale, histogram, status ---------------------------------------------- */

static void
update_color_scale (PfmVolumeView *self)
{
  PfmColorBarSpec spec;
  pfm_volume_area_get_color_bar_spec (self->area, &spec);
  const gboolean index = pfm_volume_area_get_channel (self->area) == PFM_VOLUME_CHANNEL_INDEX;
  spec.title = index ? _("Index change δn") : _("Intensity");
  spec.subtitle = spec.log ? _("log scale") : NULL;
  pfm_color_bar_set_spec (self->color_bar, &spec);

  const PfmTransfer *tf = pfm_transfer_editor_get_transfer (self->editor);
  const PfmVolumeData *data = pfm_volume_area_get_data (self->area);
  const double max = data && data->max_intensity > 0 ? data->max_intensity : 0;
  pfm_transfer_editor_set_diverging (self->editor, index);
  if (index && data && data->dn && spec.max > spec.min)
    {
      /* Index mode: the histogram of δn over the colour range, labelled in
       * δn (a pure number), not the light's. */
      g_autofree char *lo = g_strdup_printf ("Δn %+.3g", spec.min);
      g_autofree char *hi = g_strdup_printf ("Δn %+.3g", spec.max);
      pfm_transfer_editor_set_range_labels (self->editor, lo, hi);
      const gsize n = (gsize) data->nx * data->ny * data->nz;
      const gsize stride = MAX (n / 1000000, 1);
      guint bins[HIST_BINS] = { 0 };
      for (gsize i = 0; i < n; i += stride)
        {
          const double v = data->dn[i];
          if (!isfinite (v))
            continue;
          int b = (int) floor ((v - spec.min) / (spec.max - spec.min) * HIST_BINS);
          bins[CLAMP (b, 0, HIST_BINS - 1)]++;
        }
      pfm_transfer_editor_set_histogram (self->editor, bins, HIST_BINS);
    }
  else if (max > 0)
    {
      g_autofree char *lo = pfm_format_si (pfm_transfer_denormalize (tf, 0, max), "W/m²", 3);
      g_autofree char *hi = pfm_format_si (max, "W/m²", 3);
      pfm_transfer_editor_set_range_labels (self->editor, lo, hi);
      /* A strided subset is plenty for 128 bins. */
      const gsize n = (gsize) data->nx * data->ny * data->nz;
      const gsize stride = MAX (n / 1000000, 1);
      g_autofree float *sub = g_new (float, n / stride + 1);
      gsize m = 0;
      for (gsize i = 0; i < n; i += stride)
        sub[m++] = data->intensity[i];
      guint bins[HIST_BINS];
      pfm_transfer_histogram (tf, sub, m, max, bins, HIST_BINS);
      pfm_transfer_editor_set_histogram (self->editor, bins, HIST_BINS);
    }
  else
    {
      pfm_transfer_editor_set_range_labels (self->editor, NULL, NULL);
      pfm_transfer_editor_set_histogram (self->editor, NULL, 0);
    }
}

static void
update_status (PfmVolumeView *self)
{
  GString *s = g_string_new (NULL);
  int size[3];
  gboolean down = FALSE;
  const PfmVolumeData *data = pfm_volume_area_get_data (self->area);
  if (pfm_volume_area_is_streaming (self->area))
    g_string_append_printf (s, _("Receiving slices: z = %.0f of %.0f µm"), self->stream_z * 1e6, self->stream_length * 1e6);
  else if (data == NULL)
    g_string_append (s, _("Waiting for the first run…"));
  else if (pfm_volume_area_get_texture_size (self->area, size, &down))
    {
      if (down)
        g_string_append_printf (s, _("%d × %d × %d voxels on the GPU (downsampled from %d × %d × %d)"),
                                size[0], size[1], size[2], data->nx, data->ny, data->nz);
      else
        g_string_append_printf (s, _("%d × %d × %d voxels"), size[0], size[1], size[2]);
    }
  else
    g_string_append_printf (s, _("%d × %d × %d voxels"), data->nx, data->ny, data->nz);
  g_string_append_printf (s, _(" · z shown %.3g× shorter"), pfm_volume_area_get_effective_z_compression (self->area));
  static const char axes[] = "xyz";
  for (int a = 0; a < 3; a++)
    if (pfm_volume_area_get_slice_plane (self->area, a, NULL))
      g_string_append_printf (s, _(" · slice %c = %.1f µm"), axes[a], pfm_volume_area_slice_plane_coordinate (self->area, a) * 1e6);
  gtk_label_set_text (self->status_label, s->str);
  g_string_free (s, TRUE);
}

static void
sync_zc_spin (PfmVolumeView *self)
{
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->zc_spin, pfm_volume_area_get_effective_z_compression (self->area));
  self->syncing = FALSE;
}

/* --- the runner ------------------------------------------------------------------------ */

static void
started_cb (PfmRunner *runner, PfmVolumeView *self)
{
  self->stream_pending = TRUE;
}

static void
slice_cb (PfmRunner *runner, const PfmRunnerSlice *slice, PfmVolumeView *self)
{
  if (slice->vol_n <= 0 || slice->intensity == NULL)
    return;
  if (self->stream_pending)
    {
      self->stream_pending = FALSE;
      pfm_volume_area_begin_stream (self->area, slice->vol_n, slice->vol_n, slice->vol_x0, slice->vol_x0,
                                    slice->vol_dx, slice->vol_dx, slice->length);
    }
  pfm_volume_area_append_slice (self->area, slice->row.z, slice->intensity);
  self->stream_z = slice->row.z;
  self->stream_length = slice->length;
  update_status (self);
}

static void
finished_cb (PfmRunner *runner, PfmVolumeView *self)
{
  self->stream_pending = FALSE;
  const PfmRecord *rec = pfm_runner_get_record (runner);
  const PfmConfig *cfg = pfm_runner_get_config (runner);
  if (rec == NULL || rec->vol_count == 0 || rec->vol_intensity == NULL)
    {
      /* Nothing recorded: keep what streamed in, as it is. */
      const PfmVolumeData *streamed = pfm_volume_area_get_data (self->area);
      if (pfm_volume_area_is_streaming (self->area) && streamed && streamed->nz > 0)
        {
          g_autoptr(PfmVolumeData) copy = pfm_volume_data_copy (streamed);
          pfm_volume_area_set_data (self->area, copy);
        }
      else if (pfm_volume_area_is_streaming (self->area))
        pfm_volume_area_clear (self->area);
      update_status (self);
      return;
    }
  const double length = cfg ? cfg->tube.length : rec->vol_z[rec->vol_count - 1];
  g_autoptr(PfmVolumeData) data = pfm_volume_data_new_full (rec->vol_nx, rec->vol_ny, rec->vol_count,
                                                            rec->vol_intensity, rec->vol_dn,
                                                            rec->vol_x0, rec->vol_x0, rec->vol_dx, rec->vol_dx,
                                                            rec->vol_z, length);
  if (cfg && cfg->tube.profile != PFM_PROFILE_NONE)
    pfm_volume_area_set_tube (self->area, cfg->tube.side, cfg->tube.side);
  else
    pfm_volume_area_set_tube (self->area, 0, 0);
  pfm_volume_area_set_index_range (self->area, pfm_volume_data_index_range (data));
  pfm_volume_area_set_data (self->area, data);
  sync_zc_spin (self);
  update_color_scale (self);
  update_status (self);
  update_slices (self, rec);
}

/* --- controls ---------------------------------------------------------------------------- */

/* The transfer function lives in the project (render.transfer), so it is
 * saved and opened with it; editing it marks the project changed. */
static void
store_transfer (PfmVolumeView *self)
{
  /* Applying what the project holds must not mark the project changed. */
  PfmDocument *document = pfm_view_get_document (PFM_VIEW (self));
  if (document == NULL || self->from_document)
    return;
  g_autofree char *data = pfm_transfer_to_data (pfm_transfer_editor_get_transfer (self->editor));
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (document, "render.transfer", data, &error))
    g_warning ("transfer function not stored in the project: %s", error->message);
}

static void apply_transfer (PfmVolumeView *self, const PfmTransfer *tf);

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmVolumeView *self)
{
  if (key != NULL && !g_str_equal (key, "render.transfer"))
    return;
  const char *data = pfm_document_get_config (doc)->render.transfer;
  g_autoptr(PfmTransfer) tf = NULL;
  if (data != NULL && data[0] != '\0')
    {
      g_autoptr(GError) error = NULL;
      tf = pfm_transfer_new_from_data (data, &error);
      if (tf == NULL)
        {
          pfm_toast (GTK_WIDGET (self), _("The project's transfer function is unreadable (%s); using the default"),
                     error->message);
          return;
        }
    }
  else
    {
      tf = pfm_transfer_copy (pfm_transfer_editor_get_transfer (self->editor));
      pfm_transfer_reset (tf);
    }
  if (!pfm_transfer_equal (tf, pfm_transfer_editor_get_transfer (self->editor)))
    {
      self->from_document = TRUE;
      apply_transfer (self, tf);
      self->from_document = FALSE;
    }
}

static void
apply_transfer (PfmVolumeView *self, const PfmTransfer *tf)
{
  pfm_transfer_editor_set_transfer (self->editor, tf);
  pfm_volume_area_set_transfer (self->area, tf);
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->colormap_dd, tf->colormap);
  gtk_drop_down_set_selected (self->scale_dd, tf->log_scale ? 0 : 1);
  gtk_spin_button_set_value (self->decades_spin, tf->decades);
  gtk_widget_set_sensitive (GTK_WIDGET (self->decades_spin), tf->log_scale);
  self->syncing = FALSE;
  update_color_scale (self);
  store_transfer (self);
}

static void
editor_changed_cb (PfmTransferEditor *editor, PfmVolumeView *self)
{
  pfm_volume_area_set_transfer (self->area, pfm_transfer_editor_get_transfer (editor));
  store_transfer (self);
}

static void
colormap_changed_cb (GtkDropDown *dd, GParamSpec *pspec, PfmVolumeView *self)
{
  if (self->syncing)
    return;
  g_autoptr(PfmTransfer) tf = pfm_transfer_copy (pfm_transfer_editor_get_transfer (self->editor));
  tf->colormap = MIN (gtk_drop_down_get_selected (dd), PFM_N_COLORMAPS - 1);
  apply_transfer (self, tf);
}

static void
scale_mode_changed_cb (GtkDropDown *dd, GParamSpec *pspec, PfmVolumeView *self)
{
  if (self->syncing)
    return;
  g_autoptr(PfmTransfer) tf = pfm_transfer_copy (pfm_transfer_editor_get_transfer (self->editor));
  tf->log_scale = gtk_drop_down_get_selected (dd) == 0;
  apply_transfer (self, tf);
}

static void
decades_changed_cb (GtkSpinButton *spin, PfmVolumeView *self)
{
  if (self->syncing)
    return;
  g_autoptr(PfmTransfer) tf = pfm_transfer_copy (pfm_transfer_editor_get_transfer (self->editor));
  tf->decades = gtk_spin_button_get_value (spin);
  apply_transfer (self, tf);
}

static void
channel_changed_cb (GtkDropDown *dd, GParamSpec *pspec, PfmVolumeView *self)
{
  static const PfmVolumeChannel channels[] = { PFM_VOLUME_CHANNEL_FIELD, PFM_VOLUME_CHANNEL_BOTH, PFM_VOLUME_CHANNEL_INDEX };
  guint i = MIN (gtk_drop_down_get_selected (dd), G_N_ELEMENTS (channels) - 1);
  pfm_volume_area_set_channel (self->area, channels[i]);
  update_color_scale (self);
}

static void
zc_changed_cb (GtkSpinButton *spin, PfmVolumeView *self)
{
  if (self->syncing)
    return;
  pfm_volume_area_set_z_compression (self->area, gtk_spin_button_get_value (spin));
  update_status (self);
}

static void
plane_toggled_cb (GtkToggleButton *button, PfmVolumeView *self)
{
  for (int a = 0; a < 3; a++)
    if (button == self->plane_toggle[a])
      {
        double pos;
        pfm_volume_area_get_slice_plane (self->area, a, &pos);
        pfm_volume_area_set_slice_plane (self->area, a, gtk_toggle_button_get_active (button), pos);
      }
}

static void
planes_changed_cb (PfmVolumeArea *area, PfmVolumeView *self)
{
  update_status (self);
}

static void
uploaded_cb (PfmVolumeArea *area, PfmVolumeView *self)
{
  update_status (self);
}

/* GL failed: say why and show the slices instead.  From an idle, because
 * the area reports it while it is being realized, which is no time to hide
 * its page. */
static gboolean
show_fallback_cb (gpointer user_data)
{
  PfmVolumeView *self = user_data;
  const GError *error = pfm_volume_area_get_error (self->area);
  if (error == NULL)
    return G_SOURCE_REMOVE;
  g_auto(GStrv) lines = g_strsplit (error->message, "\n", 2);
  g_autofree char *text = g_strdup_printf (_("The 3D view is unavailable (%s), so the volume is shown as slices."),
                                           lines[0]);
  gtk_label_set_text (self->error_label, text);
  gtk_label_set_text (self->error_details, error->message);
  gtk_widget_set_visible (self->error_expander, lines[1] != NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "slices");
  gtk_stack_page_set_visible (self->page_3d, FALSE);
  gtk_widget_set_sensitive (self->controls, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "volume.export-png", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "volume.export-turntable", FALSE);
  return G_SOURCE_REMOVE;
}

static void
area_error_cb (PfmVolumeArea *area, GParamSpec *pspec, PfmVolumeView *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, show_fallback_cb, g_object_ref (self), g_object_unref);
}

static void
view_action (GtkWidget *widget, const char *action, GVariant *param)
{
  PfmVolumeView *self = PFM_VOLUME_VIEW (widget);
  const char *which = g_variant_get_string (param, NULL);
  PfmCameraPreset preset = g_str_equal (which, "side") ? PFM_CAMERA_SIDE
                         : g_str_equal (which, "end") ? PFM_CAMERA_END_ON : PFM_CAMERA_OBLIQUE;
  pfm_volume_area_reset_view (self->area, preset);
}

/* --- exports ------------------------------------------------------------------------------ */

static void
color_bar_spec (PfmVolumeView *self, PfmColorBarSpec *spec)
{
  pfm_volume_area_get_color_bar_spec (self->area, spec);
  spec->title = pfm_volume_area_get_channel (self->area) == PFM_VOLUME_CHANNEL_INDEX ? _("Index change δn") : _("Intensity");
  spec->subtitle = spec->log ? _("log scale") : NULL;
}

typedef struct
{
  PfmVolumeView *view;
  int            scale;
} PngExport;

static gboolean
save_png (const char *path, gpointer user_data, GError **error)
{
  PngExport *e = user_data;
  PfmColorBarSpec spec;
  color_bar_spec (e->view, &spec);
  return pfm_volume_export_png (e->view->area, &spec, e->scale, path, error);
}

static void
export_png_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.png", NULL };
  PngExport *e = g_new0 (PngExport, 1);
  e->view = PFM_VOLUME_VIEW (widget);
  e->scale = CLAMP (g_variant_get_int32 (param), 1, 2);
  pfm_save_dialog (widget, e->scale == 2 ? _("Export View as PNG (2×)") : _("Export View as PNG"),
                   "volume.png", patterns, save_png, e, g_free);
}

static void
turntable_progress_cb (guint done, guint total, gpointer user_data)
{
  PfmVolumeView *self = user_data;
  gtk_progress_bar_set_fraction (self->turntable_progress, (double) done / total);
  g_autofree char *text = g_strdup_printf (_("Turntable: frame %u of %u"), done, total);
  gtk_progress_bar_set_text (self->turntable_progress, text);
}

static void
turntable_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PfmVolumeView *self = user_data;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  gboolean ok = pfm_volume_export_turntable_finish (PFM_VOLUME_AREA (source), result, &n, &error);
  gtk_revealer_set_reveal_child (self->turntable_revealer, FALSE);
  g_clear_object (&self->turntable_cancel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "volume.export-turntable", TRUE);
  if (ok)
    pfm_toast (GTK_WIDGET (self), _("Wrote %u turntable frames"), n);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    pfm_toast (GTK_WIDGET (self), _("Turntable cancelled after %u frames"), n);
  else
    pfm_toast (GTK_WIDGET (self), _("Turntable stopped: %s"), error->message);
  g_object_unref (self);
}

static void
turntable_folder_cb (GtkNativeDialog *dialog, int response, PfmVolumeView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;
      if (path == NULL)
        pfm_toast (GTK_WIDGET (self), _("Only local folders can be written"));
      else
        {
          PfmColorBarSpec spec;
          color_bar_spec (self, &spec);
          self->turntable_cancel = g_cancellable_new ();
          gtk_progress_bar_set_fraction (self->turntable_progress, 0);
          gtk_revealer_set_reveal_child (self->turntable_revealer, TRUE);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "volume.export-turntable", FALSE);
          pfm_volume_export_turntable_async (self->area, &spec, path, "turntable", TURNTABLE_FRAMES, 1,
                                             self->turntable_cancel, turntable_progress_cb, self,
                                             turntable_done_cb, g_object_ref (self));
        }
    }
  g_object_unref (dialog);
}

static void
export_turntable_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Choose a Folder for the Turntable Frames"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                              _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (turntable_folder_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
cancel_turntable_action (GtkWidget *widget, const char *action, GVariant *param)
{
  PfmVolumeView *self = PFM_VOLUME_VIEW (widget);
  if (self->turntable_cancel)
    g_cancellable_cancel (self->turntable_cancel);
}

static gboolean
save_transfer (const char *path, gpointer user_data, GError **error)
{
  PfmVolumeView *self = user_data;
  g_autofree char *text = pfm_transfer_to_data (pfm_transfer_editor_get_transfer (self->editor));
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static void
save_transfer_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.pfmtf", NULL };
  pfm_save_dialog (widget, _("Save Transfer Function"), "volume.pfmtf", patterns, save_transfer, widget, NULL);
}

static void
load_transfer_cb (GtkNativeDialog *dialog, int response, PfmVolumeView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PfmTransfer) tf = NULL;
      if (path && pfm_file_read (path, 1 << 20, "a transfer function", &text, NULL, &error))
        tf = pfm_transfer_new_from_data (text, &error);
      if (tf)
        apply_transfer (self, tf);
      else
        pfm_toast (GTK_WIDGET (self), _("Could not load the transfer function: %s"),
                   error ? error->message : _("not a local file"));
    }
  g_object_unref (dialog);
}

static void
load_transfer_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Load Transfer Function"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_add_pattern (filter, "*.pfmtf");
  gtk_file_filter_set_name (filter, _("Transfer functions (*.pfmtf)"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (load_transfer_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
reset_transfer_action (GtkWidget *widget, const char *action, GVariant *param)
{
  g_autoptr(PfmTransfer) tf = pfm_transfer_new ();
  apply_transfer (PFM_VOLUME_VIEW (widget), tf);
}

/* --- construction --------------------------------------------------------------------------- */

static void
pfm_volume_view_dispose (GObject *object)
{
  PfmVolumeView *self = PFM_VOLUME_VIEW (object);
  if (self->turntable_cancel)
    g_cancellable_cancel (self->turntable_cancel);
  g_clear_object (&self->turntable_cancel);
  G_OBJECT_CLASS (pfm_volume_view_parent_class)->dispose (object);
}

/* The colour bar and the transfer editor follow presentation mode with
 * the slice plots (those are registered with pfm_view_add_plot). */
static void
presentation_changed (PfmView *view, gboolean presentation)
{
  PfmVolumeView *self = PFM_VOLUME_VIEW (view);
  pfm_color_bar_set_presentation (self->color_bar, presentation);
  pfm_transfer_editor_set_presentation (self->editor, presentation);
}

static void
pfm_volume_view_class_init (PfmVolumeViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PfmViewClass *view_class = PFM_VIEW_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pfm_volume_view_dispose;
  view_class->presentation_changed = presentation_changed;
  gtk_widget_class_install_action (widget_class, "volume.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "volume.export-png", "i", export_png_action);
  gtk_widget_class_install_action (widget_class, "volume.export-turntable", NULL, export_turntable_action);
  gtk_widget_class_install_action (widget_class, "volume.cancel-turntable", NULL, cancel_turntable_action);
  gtk_widget_class_install_action (widget_class, "volume.save-transfer", NULL, save_transfer_action);
  gtk_widget_class_install_action (widget_class, "volume.load-transfer", NULL, load_transfer_action);
  gtk_widget_class_install_action (widget_class, "volume.reset-transfer", NULL, reset_transfer_action);

  g_type_ensure (PFM_TYPE_VOLUME_AREA);
  g_type_ensure (PFM_TYPE_COLOR_BAR);
  g_type_ensure (PFM_TYPE_TRANSFER_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-volume-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, stack);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, page_3d);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, area);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, color_bar);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, editor);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, controls);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, tf_row);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, exports_button);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, channel_dd);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, colormap_dd);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, scale_dd);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, zc_spin);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, decades_spin);
  gtk_widget_class_bind_template_child_full (widget_class, "plane_x", FALSE, G_STRUCT_OFFSET (PfmVolumeView, plane_toggle[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "plane_y", FALSE, G_STRUCT_OFFSET (PfmVolumeView, plane_toggle[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "plane_z", FALSE, G_STRUCT_OFFSET (PfmVolumeView, plane_toggle[2]));
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, status_label);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, error_label);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, error_details);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, error_expander);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, turntable_revealer);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, turntable_progress);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, z_scale);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, z_label);
  gtk_widget_class_bind_template_child (widget_class, PfmVolumeView, slices_grid);
  gtk_widget_class_bind_template_callback (widget_class, scale_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, channel_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, colormap_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, scale_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, decades_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, zc_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, plane_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, area_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, planes_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, uploaded_cb);
}

static PfmPlot *
image_plot (const char *title, const char *xlabel, const char *ylabel)
{
  PfmPlot *p = PFM_PLOT (pfm_plot_new (PFM_PLOT_IMAGE));
  pfm_plot_set_title (p, title);
  pfm_plot_set_x_axis (p, xlabel, "m", FALSE);
  pfm_plot_set_y_axis (p, ylabel, "m", FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (p), 240, 200);
  return p;
}

/* The Slices page's plots, into the template's grid (a PfmPlot's kind is
 * a constructor argument, which a template cannot pass). */
static void
add_slice_plots (PfmVolumeView *self)
{
  self->intensity = image_plot (_("Intensity at z"), "x", "y");
  self->index = image_plot (_("Index change δn at z"), "x", "y");
  self->index_xz = image_plot (_("Index change δn along the axis (y = 0)"), "z", "x");
  pfm_plot_set_equal_aspect (self->intensity, TRUE);
  pfm_plot_set_equal_aspect (self->index, TRUE);
  gtk_grid_attach (self->slices_grid, GTK_WIDGET (self->intensity), 0, 0, 1, 1);
  gtk_grid_attach (self->slices_grid, GTK_WIDGET (self->index), 1, 0, 1, 1);
  gtk_grid_attach (self->slices_grid, GTK_WIDGET (self->index_xz), 0, 1, 2, 1);
  pfm_view_add_plot (PFM_VIEW (self), self->intensity);
  pfm_view_add_plot (PFM_VIEW (self), self->index);
  pfm_view_add_plot (PFM_VIEW (self), self->index_xz);
}

static void
pfm_volume_view_init (PfmVolumeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_slice_plots (self);
  /* Also on the drop-downs' and the menu button's inner buttons, which
   * is what screen readers (and the interaction tests) see; a template's
   * <accessibility> would name only the outer widget. */
  pfm_set_accessible_label (GTK_WIDGET (self->channel_dd), _("Show"));
  pfm_set_accessible_label (GTK_WIDGET (self->colormap_dd), _("Colours"));
  pfm_set_accessible_label (GTK_WIDGET (self->scale_dd), _("Scale"));
  pfm_set_accessible_label (self->exports_button, _("Volume exports"));
  pfm_set_accessible_label (self->error_expander, _("Details (driver log)"));
  pfm_set_accessible_label (GTK_WIDGET (self->turntable_progress), _("Turntable export progress"));
  gtk_stack_set_visible_child_name (self->stack, "3d");

  g_autoptr(PfmTransfer) tf = pfm_transfer_new ();
  apply_transfer (self, tf);
  sync_zc_spin (self);
  update_status (self);
}

GtkWidget *
pfm_volume_view_new (PfmRunner *runner, PfmDocument *document)
{
  PfmVolumeView *self = g_object_new (PFM_TYPE_VOLUME_VIEW, "document", document, "runner", runner, NULL);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  g_signal_connect (runner, "started", G_CALLBACK (started_cb), self);
  g_signal_connect (runner, "slice", G_CALLBACK (slice_cb), self);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), self);
  return GTK_WIDGET (self);
}

void
pfm_volume_view_show_both (PfmVolumeView *self)
{
  gtk_drop_down_set_selected (self->channel_dd, 1);
}
