/* pfm-app-util.c - small helpers the views share: save dialogs and toasts
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-app"

#include "config.h"

#include <glib/gi18n.h>

#include "pfm-app-util.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "pfm-file.h"
#include "pfm-scaling.h"

GSettings *
pfm_app_settings (void)
{
  static GSettings *settings;
  static gboolean looked;
  if (!looked)
    {
      looked = TRUE;
      GSettingsSchemaSource *src = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = src ? g_settings_schema_source_lookup (src, APP_ID, TRUE) : NULL;
      if (schema != NULL)
        settings = g_settings_new (APP_ID);
      else
        g_message ("GSettings schema %s not installed: window state and folders are not remembered", APP_ID);
    }
  return settings;
}

static gboolean
unref_cb (gpointer object)
{
  g_object_unref (object);
  return G_SOURCE_REMOVE;
}

void
pfm_release_on_main (GMainContext *context, gpointer object)
{
  g_main_context_invoke (context, unref_cb, object);
}

void
pfm_toast (GtkWidget *widget, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (!gtk_widget_activate_action (widget, "win.toast", "s", msg))
    g_message ("%s", msg);
}

typedef struct
{
  GtkWidget     *widget;
  PfmSaveFunc    save;
  gpointer       user_data;
  GDestroyNotify destroy;
} SaveData;

static void
save_data_free (SaveData *d)
{
  if (d->destroy)
    d->destroy (d->user_data);
  g_object_unref (d->widget);
  g_free (d);
}

static void
response_cb (GtkNativeDialog *dialog, int response, SaveData *d)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;
      if (path == NULL)
        pfm_toast (d->widget, _("Only local files can be written"));
      else if (!d->save (path, d->user_data, &error))
        pfm_toast (d->widget, _("Could not save: %s"), error->message);
      else
        {
          g_autofree char *dir = g_path_get_dirname (path);
          GSettings *settings = pfm_app_settings ();
          if (settings)
            g_settings_set_string (settings, "export-folder", dir);
          pfm_toast (d->widget, _("Saved %s"), path);
        }
    }
  save_data_free (d);
  g_object_unref (dialog);
}

void
pfm_file_chooser_start_in (GtkFileChooser *chooser, const char *key)
{
  GSettings *settings = pfm_app_settings ();
  g_autofree char *folder = settings ? g_settings_get_string (settings, key) : NULL;
  if (folder && folder[0])
    {
      g_autoptr(GFile) f = g_file_new_for_path (folder);
      gtk_file_chooser_set_current_folder (chooser, f, NULL);
    }
}

void
pfm_save_dialog (GtkWidget *widget, const char *title, const char *suggested_name,
                 const char *const *patterns, PfmSaveFunc save, gpointer user_data, GDestroyNotify destroy)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
  pfm_file_chooser_start_in (GTK_FILE_CHOOSER (dialog), "export-folder");
  for (guint i = 0; patterns && patterns[i]; i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_add_pattern (filter, patterns[i]);
      gtk_file_filter_set_name (filter, patterns[i]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  SaveData *d = g_new0 (SaveData, 1);
  d->widget = g_object_ref (widget);
  d->save = save;
  d->user_data = user_data;
  d->destroy = destroy;
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), d);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

char *
pfm_locale_number (char *c_form)
{
  const char *point = localeconv ()->decimal_point;
  if (point == NULL || g_str_equal (point, ".") || strchr (c_form, '.') == NULL)
    return c_form;
  g_auto(GStrv) parts = g_strsplit (c_form, ".", -1);
  g_free (c_form);
  return g_strjoinv (point, parts);
}

char *
pfm_display_value (double value, const char *unit)
{
  if (isnan (value))
    return g_strdup (_("undefined"));
  if (isinf (value))
    return g_strdup (value > 0 ? _("infinite") : _("−infinite"));
  char *s = pfm_scaling_format_value (value, unit);
  if (g_str_has_suffix (s, " days"))
    {
      s[strlen (s) - strlen (" days")] = '\0';
      g_autofree char *number = s;
      /* TRANSLATORS: a duration, "92.6 days" (the number is already formatted) */
      s = g_strdup_printf (_("%s days"), number);
    }
  return pfm_locale_number (s);
}

void
pfm_set_accessible_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  GtkWidget *inner = gtk_widget_get_first_child (widget);
  if (inner != NULL && GTK_IS_BUTTON (inner))
    gtk_accessible_update_property (GTK_ACCESSIBLE (inner), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

gboolean
pfm_write_csv_or_json (const char *path, gconstpointer result, PfmFormatFunc to_csv, PfmFormatFunc to_json,
                       const char *missing, GError **error)
{
  if (result == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, missing);
      return FALSE;
    }
  g_autofree char *text = g_str_has_suffix (path, ".csv") ? to_csv (result) : to_json (result);
  return pfm_file_write_atomic (path, text, strlen (text), error);
}

gboolean
pfm_widget_save_png (GtkWidget *widget, const char *path, GError **error)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_object_unref (paintable);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the window drew nothing"));
      return FALSE;
    }
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GdkTexture) texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  return g_file_set_contents_full (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
