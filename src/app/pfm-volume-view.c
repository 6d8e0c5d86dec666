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
  AdwBin             parent_instance;
  PfmRunner         *runner;
  GtkStack          *stack;
  GtkStackPage      *page_3d;

  /* 3D */
  PfmVolumeArea     *area;
  PfmColorBar       *color_bar;
  PfmTransferEditor *editor;
  GtkWidget         *controls;
  GtkWidget         *tf_row;
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
  PfmDocument       *document;     /* the transfer function is saved in it */
  gboolean           from_document; /* applying the project's own transfer function */
  gboolean           stream_pending;
  double             stream_z;
  double             stream_length;

  /* Slices */
  GtkScale          *z_scale;
  GtkLabel          *z_label;
  PfmPlot           *intensity;
  PfmPlot           *index;
  PfmPlot           *index_xz;
};

G_DEFINE_FINAL_TYPE (PfmVolumeView, pfm_volume_view, ADW_TYPE_BIN)

/* --- the slice views ------------------------------------------------------------------ */

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
  if (self->document == NULL || self->from_document)
    return;
  g_autofree char *data = pfm_transfer_to_data (pfm_transfer_editor_get_transfer (self->editor));
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (self->document, "render.transfer", data, &error))
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
  if (self->runner)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  if (self->document)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  g_clear_object (&self->turntable_cancel);
  G_OBJECT_CLASS (pfm_volume_view_parent_class)->dispose (object);
}

static void
pfm_volume_view_class_init (PfmVolumeViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pfm_volume_view_dispose;
  gtk_widget_class_install_action (widget_class, "volume.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "volume.export-png", "i", export_png_action);
  gtk_widget_class_install_action (widget_class, "volume.export-turntable", NULL, export_turntable_action);
  gtk_widget_class_install_action (widget_class, "volume.cancel-turntable", NULL, cancel_turntable_action);
  gtk_widget_class_install_action (widget_class, "volume.save-transfer", NULL, save_transfer_action);
  gtk_widget_class_install_action (widget_class, "volume.load-transfer", NULL, load_transfer_action);
  gtk_widget_class_install_action (widget_class, "volume.reset-transfer", NULL, reset_transfer_action);
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

static GtkWidget *
slices_page (PfmVolumeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *note = gtk_label_new (_("The recorded volume, slice by slice: the light (left) and the written index change "
                                     "δn (right) at the chosen z, and the index along the axis below."));
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
  return box;
}

static GtkDropDown *
drop_down (const char *const *items, const char *name, const char *tooltip)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; items[i]; i++)
    g_strv_builder_add (b, _(items[i]));
  g_auto(GStrv) strings = g_strv_builder_end (b);
  GtkDropDown *dd = GTK_DROP_DOWN (gtk_drop_down_new_from_strings ((const char *const *) strings));
  gtk_widget_set_tooltip_text (GTK_WIDGET (dd), tooltip);
  pfm_set_accessible_label (GTK_WIDGET (dd), name);
  return dd;
}

static GtkWidget *
osd_button (const char *icon, const char *label, const char *tooltip, const char *action, GVariant *target)
{
  GtkWidget *b = label ? gtk_button_new_with_label (label) : gtk_button_new_from_icon_name (icon);
  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  if (target)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (b), target);
  if (!label)
    gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return b;
}

/* @widget as a flow box's child that keyboard focus passes through. */
static void
flow_append (GtkWidget *flow, GtkWidget *widget)
{
  GtkWidget *child = gtk_flow_box_child_new ();
  gtk_widget_set_focusable (child, FALSE);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), widget);
  gtk_flow_box_append (GTK_FLOW_BOX (flow), child);
}

static GtkWidget *
three_d_page (PfmVolumeView *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_vexpand (row, TRUE);

  GtkWidget *overlay = gtk_overlay_new ();
  gtk_widget_set_hexpand (overlay, TRUE);
  self->area = PFM_VOLUME_AREA (pfm_volume_area_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->area), 240, 180);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->area),
                               _("Drag to turn the tube, Shift+drag or right-drag to pan, scroll or pinch to zoom; "
                                 "drag a slice plane to move it. Keys: arrows turn, Shift+arrows pan, +/− zoom, "
                                 "Home resets, 1 side view, 2 end-on."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("3D view of the light in the tube"), -1);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->area));

  /* Camera presets and slice planes, floating over the view's corner:
   * the two groups side by side, one above the other in a narrow view
   * (the overlay is measured, so the view is never narrower than one). */
  GtkWidget *osd = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (osd), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (osd), 2);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (osd), TRUE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (osd), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (osd), 6);
  gtk_widget_set_halign (osd, GTK_ALIGN_START);
  gtk_widget_set_valign (osd, GTK_ALIGN_START);
  gtk_widget_set_margin_start (osd, 8);
  gtk_widget_set_margin_top (osd, 8);
  GtkWidget *views = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (views, "linked");
  gtk_box_append (GTK_BOX (views), osd_button ("view-refresh-symbolic", NULL, _("Reset the view (Home)"),
                                               "volume.view", g_variant_new_string ("reset")));
  gtk_box_append (GTK_BOX (views), osd_button (NULL, _("Side"), _("Side view: z to the right (1)"),
                                               "volume.view", g_variant_new_string ("side")));
  gtk_box_append (GTK_BOX (views), osd_button (NULL, _("End-on"), _("Look back along the tube at the output facet (2)"),
                                               "volume.view", g_variant_new_string ("end")));
  flow_append (osd, views);
  GtkWidget *planes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (planes, "linked");
  static const char *const plane_tips[3] = {
    N_("Slice plane across x (drag it in the view to move it)"),
    N_("Slice plane across y (drag it in the view to move it)"),
    N_("Slice plane across z (drag it in the view to move it)"),
  };
  static const char *const plane_names[3] = { "x", "y", "z" };
  for (int a = 0; a < 3; a++)
    {
      self->plane_toggle[a] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (plane_names[a]));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->plane_toggle[a]), _(plane_tips[a]));
      g_signal_connect (self->plane_toggle[a], "toggled", G_CALLBACK (plane_toggled_cb), self);
      gtk_box_append (GTK_BOX (planes), GTK_WIDGET (self->plane_toggle[a]));
    }
  flow_append (osd, planes);
  gtk_widget_add_css_class (views, "osd");
  gtk_widget_add_css_class (planes, "osd");
  gtk_widget_set_halign (views, GTK_ALIGN_START);
  gtk_widget_set_halign (planes, GTK_ALIGN_START);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), osd);
  gtk_overlay_set_measure_overlay (GTK_OVERLAY (overlay), osd, TRUE);
  gtk_box_append (GTK_BOX (row), overlay);

  self->color_bar = PFM_COLOR_BAR (pfm_color_bar_new ());
  gtk_widget_set_margin_start (GTK_WIDGET (self->color_bar), 6);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->color_bar));
  gtk_box_append (GTK_BOX (page), row);

  GtkWidget *tf_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *tf_label = gtk_label_new (_("Opacity"));
  gtk_widget_add_css_class (tf_label, "dim-label");
  gtk_widget_set_valign (tf_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (tf_row), tf_label);
  self->editor = PFM_TRANSFER_EDITOR (pfm_transfer_editor_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->editor), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->editor),
                               _("Opacity of each intensity over the histogram of the volume: drag a point, press "
                                 "empty space to add one, double-press or right-press a point to remove it"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Opacity curve (Left/Right choose a point, Up/Down change its opacity, "
                                    "Shift+Left/Right move it, Delete removes it)"), -1);
  g_signal_connect (self->editor, "changed", G_CALLBACK (editor_changed_cb), self);
  gtk_box_append (GTK_BOX (tf_row), GTK_WIDGET (self->editor));
  self->tf_row = tf_row;
  gtk_box_append (GTK_BOX (page), tf_row);

  self->status_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_ellipsize (self->status_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->status_label));

  g_signal_connect (self->area, "notify::error", G_CALLBACK (area_error_cb), self);
  g_signal_connect (self->area, "planes-changed", G_CALLBACK (planes_changed_cb), self);
  g_signal_connect (self->area, "uploaded", G_CALLBACK (uploaded_cb), self);
  return page;
}

static void
add_control (PfmVolumeView *self, const char *label, GtkWidget *control)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), control);
  gtk_label_set_xalign (GTK_LABEL (l), 1);
  /* Each label with its control, the pairs in the order added, wrapping
   * to the width: two a line at most, one in a narrow window. */
  GtkWidget *pair = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (pair), l);
  gtk_box_append (GTK_BOX (pair), control);
  gtk_widget_set_halign (pair, GTK_ALIGN_END);
  flow_append (self->controls, pair);
}

static GtkWidget *
toolbar (PfmVolumeView *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *switcher = gtk_stack_switcher_new ();
  gtk_widget_set_valign (switcher, GTK_ALIGN_START);
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->stack);
  gtk_box_append (GTK_BOX (bar), switcher);

  /* The display settings sit beside the opacity curve, in a flow box. */
  self->controls = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->controls), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->controls), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->controls), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->controls), 4);
  gtk_widget_set_valign (self->controls, GTK_ALIGN_START);

  static const char *const channels[] = { N_("Field"), N_("Both"), N_("Index"), NULL };
  self->channel_dd = drop_down (channels, _("Show"), _("What to show: the light (field), the light with the written index as "
                                            "faint glass (both), or the index change δn alone"));
  g_signal_connect (self->channel_dd, "notify::selected", G_CALLBACK (channel_changed_cb), self);
  add_control (self, _("_Show"), GTK_WIDGET (self->channel_dd));

  static const char *const maps[] = { N_("Inferno"), N_("Viridis"), N_("Magma"), N_("Grey"), NULL };
  self->colormap_dd = drop_down (maps, _("Colours"), _("Colormap of the transfer function"));
  g_signal_connect (self->colormap_dd, "notify::selected", G_CALLBACK (colormap_changed_cb), self);
  add_control (self, _("_Colours"), GTK_WIDGET (self->colormap_dd));

  static const char *const scales[] = { N_("Log"), N_("Linear"), NULL };
  self->scale_dd = drop_down (scales, _("Scale"), _("Intensity scale: log spans some decades below the peak, so the faint "
                                        "light around the beam shows too"));
  g_signal_connect (self->scale_dd, "notify::selected", G_CALLBACK (scale_mode_changed_cb), self);
  add_control (self, _("Sc_ale"), GTK_WIDGET (self->scale_dd));

  self->decades_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 12, 1));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->decades_spin), 2);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->decades_spin),
                               _("How many decades below the peak the log scale reaches: more shows fainter "
                                 "light, e.g. the beam before a self-focusing collapse"));
  g_signal_connect (self->decades_spin, "value-changed", G_CALLBACK (decades_changed_cb), self);
  add_control (self, _("_Decades"), GTK_WIDGET (self->decades_spin));

  self->zc_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 1000, 0.5));
  gtk_spin_button_set_digits (self->zc_spin, 1);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->zc_spin), 4);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->zc_spin),
                               _("z compression: the tube is drawn this many times shorter than it is, so a long "
                                 "thin tube reads well (1 = true proportions)"));
  g_signal_connect (self->zc_spin, "value-changed", G_CALLBACK (zc_changed_cb), self);
  add_control (self, _("z _÷"), GTK_WIDGET (self->zc_spin));

  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (bar), spacer);

  GMenu *menu = g_menu_new ();
  GMenu *pics = g_menu_new ();
  g_menu_append (pics, _("Export View as _PNG…"), "volume.export-png(1)");
  g_menu_append (pics, _("Export View as PNG (_2×)…"), "volume.export-png(2)");
  g_menu_append (pics, _("Export _Turntable…"), "volume.export-turntable");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (pics));
  GMenu *tf = g_menu_new ();
  g_menu_append (tf, _("_Save Transfer Function…"), "volume.save-transfer");
  g_menu_append (tf, _("_Load Transfer Function…"), "volume.load-transfer");
  g_menu_append (tf, _("_Reset Transfer Function"), "volume.reset-transfer");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (tf));
  GtkWidget *button = gtk_menu_button_new ();
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "document-save-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (button, _("Export pictures of the 3D view; save or load the transfer function"));
  pfm_set_accessible_label (button, _("Volume exports"));
  g_object_unref (pics);
  g_object_unref (tf);
  g_object_unref (menu);
  gtk_box_append (GTK_BOX (bar), button);
  return bar;
}

static void
pfm_volume_view_init (PfmVolumeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  /* Each page asks only for its own size. */
  gtk_stack_set_hhomogeneous (self->stack, FALSE);
  gtk_stack_set_vhomogeneous (self->stack, FALSE);
  gtk_box_append (GTK_BOX (box), toolbar (self));

  /* Why there is no 3D view, when there is none. */
  self->error_revealer = GTK_REVEALER (gtk_revealer_new ());
  GtkWidget *err = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  self->error_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "warning");
  gtk_box_append (GTK_BOX (err), GTK_WIDGET (self->error_label));
  GtkWidget *expander = self->error_expander = gtk_expander_new (_("Details (driver log)"));
  pfm_set_accessible_label (expander, _("Details (driver log)"));
  self->error_details = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_selectable (self->error_details, TRUE);
  gtk_label_set_wrap (self->error_details, TRUE);
  gtk_label_set_xalign (self->error_details, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_details), "monospace");
  gtk_expander_set_child (GTK_EXPANDER (expander), GTK_WIDGET (self->error_details));
  gtk_box_append (GTK_BOX (err), expander);
  gtk_revealer_set_child (self->error_revealer, err);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_revealer));

  self->turntable_revealer = GTK_REVEALER (gtk_revealer_new ());
  GtkWidget *tt = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->turntable_progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  pfm_set_accessible_label (GTK_WIDGET (self->turntable_progress), _("Turntable export progress"));
  gtk_progress_bar_set_show_text (self->turntable_progress, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->turntable_progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->turntable_progress), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (tt), GTK_WIDGET (self->turntable_progress));
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "volume.cancel-turntable");
  gtk_box_append (GTK_BOX (tt), cancel);
  gtk_revealer_set_child (self->turntable_revealer, tt);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->turntable_revealer));

  self->page_3d = gtk_stack_add_titled (self->stack, three_d_page (self), "3d", _("3D"));
  gtk_box_append (GTK_BOX (self->tf_row), self->controls);
  gtk_stack_add_titled (self->stack, slices_page (self), "slices", _("Slices"));
  gtk_stack_set_visible_child_name (self->stack, "3d");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_bin_set_child (ADW_BIN (self), box);

  g_autoptr(PfmTransfer) tf = pfm_transfer_new ();
  apply_transfer (self, tf);
  sync_zc_spin (self);
  update_status (self);
}

GtkWidget *
pfm_volume_view_new (PfmRunner *runner, PfmDocument *document)
{
  PfmVolumeView *self = g_object_new (PFM_TYPE_VOLUME_VIEW, NULL);
  self->runner = g_object_ref (runner);
  self->document = g_object_ref (document);
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

void
pfm_volume_view_set_presentation (PfmVolumeView *self, gboolean presentation)
{
  pfm_plot_set_presentation (self->intensity, presentation);
  pfm_plot_set_presentation (self->index, presentation);
  pfm_plot_set_presentation (self->index_xz, presentation);
  pfm_color_bar_set_presentation (self->color_bar, presentation);
  pfm_transfer_editor_set_presentation (self->editor, presentation);
}
