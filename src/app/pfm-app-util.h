/* pfm-app-util.h - small helpers the views share: save dialogs and toasts
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*PfmSaveFunc) (const char *path, gpointer user_data, GError **error);

/* Asks for a file name (starting in the last export folder), then calls
 * @save; reports success or the error as a toast in @widget's window. */
void pfm_save_dialog (GtkWidget      *widget,
                      const char     *title,
                      const char     *suggested_name,
                      const char     *const *patterns,
                      PfmSaveFunc     save,
                      gpointer        user_data,
                      GDestroyNotify  destroy);

/* Opens @chooser in the folder the setting @key remembers ("last-folder",
 * "export-folder"), if there is one. */
void pfm_file_chooser_start_in (GtkFileChooser *chooser,
                                const char     *key);

/* Draws @widget (a window: its native renders it) and writes it to @path
 * as PNG. */
gboolean pfm_widget_save_png (GtkWidget   *widget,
                              const char  *path,
                              GError     **error);

/* One result as text (a batch's or a sweep's CSV or JSON); newly allocated. */
typedef char *(*PfmFormatFunc) (gconstpointer result);

/* Writes @result to @path (atomically) as @to_csv gives it when the name
 * ends in .csv, else as @to_json; with no @result, fails with @missing. */
gboolean pfm_write_csv_or_json (const char     *path,
                                gconstpointer   result,
                                PfmFormatFunc   to_csv,
                                PfmFormatFunc   to_json,
                                const char     *missing,
                                GError        **error);

/* Shows @message as a toast in @widget's window (the win.toast action). */
/* Names @widget for screen readers, and the button GTK 4.8 puts inside a
 * GtkMenuButton or a GtkDropDown, which it leaves unnamed. */
void pfm_set_accessible_label (GtkWidget  *widget,
                               const char *label);

void pfm_toast       (GtkWidget  *widget,
                      const char *format,
                      ...) G_GNUC_PRINTF (2, 3);

/* A number in C form ("1.45") as the locale writes it ("1,45" in
 * French), exactly: only the decimal point changes.  Takes @c_form. */
char *pfm_locale_number  (char       *c_form);
/* pfm_scaling_format_value() (the engine's engineering units, "1.03 mm")
 * for the screen: in the locale's decimal form, its words translated. */
char *pfm_display_value  (double      value,
                          const char *unit);

/* Drops a reference to @object on @context's thread (the UI thread): a
 * GTask's data may be freed on its worker thread, and GTK objects must not
 * be finalized there. */
void pfm_release_on_main (GMainContext *context,
                          gpointer      object);

/* The application's settings, or NULL when its schema is not installed. */
GSettings *pfm_app_settings (void);

G_END_DECLS
