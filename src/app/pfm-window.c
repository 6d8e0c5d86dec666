/* pfm-window.c - the main window: parameters, views, files
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pfm-app-util.h"
#include "pfm-defects-view.h"
#include "pfm-document.h"
#include "pfm-param-group.h"
#include "pfm-presets.h"
#include "pfm-propagation-view.h"
#include "pfm-runner.h"
#include "pfm-scaling-view.h"
#include "pfm-training-view.h"
#include "pfm-sweep-view.h"
#include "pfm-view.h"
#include "pfm-volume-view.h"
#include "pfm-window.h"

struct _PfmWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwViewStack    *view_stack;
  GtkWidget       *presets_button;
  GtkWidget       *menu_button;
  AdwHeaderBar    *header_bar;
  GtkBox          *sidebar_box;
  GtkWidget       *sidebar;
  GtkToggleButton *sidebar_button;
  GtkRevealer     *preset_revealer;
  GtkLabel        *preset_label;
  GMenu           *presets_section;
  GMenu           *recent_menu;

  PfmDocument     *document;
  PfmRunner       *runner;
  GtkWidget       *scaling_view;
  GtkWidget       *propagation_view;
  GtkWidget       *volume_view;
  GtkWidget       *defects_view;
  GtkWidget       *training_view;
  GtkWidget       *sweep_view;
  gboolean         presentation;
  gboolean         close_confirmed;
  gboolean         discard_trained;
  GHashTable      *groups;          /* group name -> its sidebar widget */

  /* --screenshot */
  char            *shot_path;
  void           (*shot_done) (PfmWindow *, GError *, gpointer);
  gpointer         shot_data;
  guint            shot_frames;
};

G_DEFINE_FINAL_TYPE (PfmWindow, pfm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PRESENTATION,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static const char *const project_patterns[] = { "*.pfm", NULL };

/* --- title, recent files ---------------------------------------------------- */

static void
update_title (PfmWindow *self)
{
  g_autofree char *name = pfm_document_dup_title (self->document);
  g_autofree char *title = g_strdup_printf ("%s%s — %s", pfm_document_get_dirty (self->document) ? "• " : "",
                                            name, _("PFM Explorer"));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_recent (PfmWindow *self)
{
  g_menu_remove_all (self->recent_menu);
  GtkRecentManager *rm = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (rm);
  guint n = 0;
  for (GList *l = items; l && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      if (!g_str_has_suffix (uri, ".pfm") || !gtk_recent_info_exists (info))
        continue;
      g_autofree char *action = g_strdup_printf ("win.open-recent('%s')", uri);
      g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (uri));
      g_menu_append_item (self->recent_menu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  if (n == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No recent projects"), "win.none");
      g_menu_append_item (self->recent_menu, item);
    }
}

static void
add_recent (PfmWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  GSettings *settings = pfm_app_settings ();
  if (settings && parent)
    {
      g_autofree char *dir = g_file_get_path (parent);
      if (dir)
        g_settings_set_string (settings, "last-folder", dir);
    }
  update_recent (self);
}

/* --- files ------------------------------------------------------------------ */

gboolean
pfm_window_open_file (PfmWindow *self, GFile *file, GError **error)
{
  if (!pfm_document_load (self->document, file, error))
    return FALSE;
  add_recent (self, file);
  gtk_revealer_set_reveal_child (self->preset_revealer, FALSE);
  return TRUE;
}

void
pfm_window_show_open_error (PfmWindow *self, GFile *file, const GError *error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *heading = g_strdup_printf (_("Could not open “%s”"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  /* The window manager's title too: the dialog names the file wherever it is listed. */
  gtk_window_set_title (GTK_WINDOW (dialog), heading);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s\n\nThe window shows an untitled project with the default settings; "
                                    "the file was left as it is."), error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Opens @file, or says in a toast why it could not be opened. */
static void
open_or_toast (PfmWindow *self, GFile *file)
{
  g_autoptr(GError) error = NULL;
  if (!pfm_window_open_file (self, file, &error))
    pfm_toast (GTK_WIDGET (self), _("Could not open: %s"), error->message);
}

static void
open_response_cb (GtkNativeDialog *dialog, int response, PfmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      open_or_toast (self, file);
    }
  g_object_unref (dialog);
}

/* A Continuation (confirm_then): @arg is not used. */
static void
show_open_dialog (PfmWindow *self, const char *arg)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PFM Explorer projects"));
  gtk_file_filter_add_pattern (filter, "*.pfm");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  pfm_file_chooser_start_in (GTK_FILE_CHOOSER (dialog), "last-folder");
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_uri (PfmWindow *self, const char *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  open_or_toast (self, file);
}

static gboolean
save_project (const char *path, gpointer user_data, GError **error)
{
  PfmWindow *self = user_data;
  g_autofree char *full = g_str_has_suffix (path, ".pfm") ? g_strdup (path) : g_strconcat (path, ".pfm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (full);
  if (!pfm_document_save (self->document, file, error))
    return FALSE;
  add_recent (self, file);
  return TRUE;
}

static void
save_as_action (GtkWidget *widget, const char *action, GVariant *param)
{
  PfmWindow *self = PFM_WINDOW (widget);
  g_autofree char *name = pfm_document_get_file (self->document)
    ? g_file_get_basename (pfm_document_get_file (self->document)) : g_strdup (_("project.pfm"));
  pfm_save_dialog (widget, _("Save Project"), name, project_patterns, save_project, self, NULL);
}

static gboolean
save_current (PfmWindow *self)
{
  GFile *file = pfm_document_get_file (self->document);
  if (file == NULL)
    {
      save_as_action (GTK_WIDGET (self), NULL, NULL);
      return FALSE;
    }
  g_autoptr(GError) error = NULL;
  if (!pfm_document_save (self->document, file, &error))
    {
      pfm_toast (GTK_WIDGET (self), _("Could not save: %s"), error->message);
      return FALSE;
    }
  g_autofree char *path = g_file_get_path (file);
  pfm_toast (GTK_WIDGET (self), _("Saved %s"), path);
  return TRUE;
}

static void
save_action (GtkWidget *widget, const char *action, GVariant *param)
{
  save_current (PFM_WINDOW (widget));
}

/* --- unsaved edits: ask before replacing them ---------------------------------- */

typedef void (*Continuation) (PfmWindow *self, const char *arg);

typedef struct
{
  PfmWindow   *window;
  Continuation then;
  char        *arg;
} Pending;

static void
pending_response_cb (AdwMessageDialog *dialog, const char *response, Pending *p)
{
  gboolean go = g_str_equal (response, "discard") ||
                (g_str_equal (response, "save") && save_current (p->window));
  if (go)
    p->then (p->window, p->arg);
  g_object_unref (p->window);
  g_free (p->arg);
  g_free (p);
}

/* A question over the window: Cancel (closing it), Discard (destructive)
 * or @save_label (the default). */
static GtkWidget *
discard_dialog_new (PfmWindow *self, const char *heading, const char *body, const char *save_label)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "discard", _("_Discard"), "save", save_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}

/* Runs @then now if the project has no unsaved edits; else asks first
 * (Cancel, Discard, Save) and runs it after Discard or a save that
 * succeeded.  A project never saved opens Save As instead, and the action
 * waits for the user to choose it again. */
static void
confirm_then (PfmWindow *self, const char *heading, Continuation then, const char *arg)
{
  if (!pfm_document_get_dirty (self->document) || self->shot_path != NULL)
    {
      then (self, arg);
      return;
    }
  g_autofree char *name = pfm_document_dup_title (self->document);
  g_autofree char *body = g_strdup_printf (_("“%s” has unsaved changes. Changes which are not saved will be lost."), name);
  GtkWidget *dialog = discard_dialog_new (self, heading, body, _("_Save"));
  Pending *p = g_new0 (Pending, 1);
  p->window = g_object_ref (self);
  p->then = then;
  p->arg = g_strdup (arg);
  g_signal_connect (dialog, "response", G_CALLBACK (pending_response_cb), p);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
do_new (PfmWindow *self, const char *arg)
{
  pfm_document_reset (self->document);
  gtk_revealer_set_reveal_child (self->preset_revealer, FALSE);
}

static void
new_action (GtkWidget *widget, const char *action, GVariant *param)
{
  confirm_then (PFM_WINDOW (widget), _("Start a New Project?"), do_new, NULL);
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  confirm_then (PFM_WINDOW (widget), _("Open Another Project?"), show_open_dialog, NULL);
}

static void
open_recent_action (GtkWidget *widget, const char *action, GVariant *param)
{
  confirm_then (PFM_WINDOW (widget), _("Open Another Project?"), open_uri, g_variant_get_string (param, NULL));
}

static void
undo_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_document_undo (PFM_WINDOW (widget)->document);
}

static void
redo_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_document_redo (PFM_WINDOW (widget)->document);
}

static void
history_notify_cb (PfmDocument *doc, GParamSpec *pspec, PfmWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", pfm_document_can_undo (doc));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", pfm_document_can_redo (doc));
}

/* --- presets, views, modes ------------------------------------------------------ */

gboolean
pfm_window_apply_preset (PfmWindow *self, const char *id, GError **error)
{
  const PfmPreset *p = pfm_preset_lookup (id);
  if (p == NULL)
    {
      guint n;
      const PfmPreset *all = pfm_presets (&n);
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint i = 0; i < n; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", all[i].id);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("unknown preset “%s”: accepted %s"), id, names->str);
      return FALSE;
    }
  g_autoptr(PfmConfig) cfg = pfm_preset_config (p, error);
  if (cfg == NULL)
    return FALSE;
  pfm_document_replace (self->document, cfg);
  if (p->sweep && !pfm_sweep_view_set_specs (PFM_SWEEP_VIEW (self->sweep_view), p->sweep, error))
    return FALSE;
  const char *title = _(p->title);
  g_autofree char *markup = g_markup_printf_escaped (g_str_has_suffix (title, "?") ? "<b>%s</b> %s" : "<b>%s.</b> %s",
                                                     title, _(p->explanation));
  gtk_label_set_markup (self->preset_label, markup);
  gtk_revealer_set_reveal_child (self->preset_revealer, TRUE);
  pfm_window_set_view (self, p->view);
  return TRUE;
}

static void
do_preset (PfmWindow *self, const char *id)
{
  g_autoptr(GError) error = NULL;
  if (!pfm_window_apply_preset (self, id, &error))
    pfm_toast (GTK_WIDGET (self), "%s", error->message);
}

static void
preset_action (GtkWidget *widget, const char *action, GVariant *param)
{
  /* A preset load can be undone, but it replaces every value at once. */
  confirm_then (PFM_WINDOW (widget), _("Load the Preset?"), do_preset, g_variant_get_string (param, NULL));
}

static void
hide_preset_action (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_revealer_set_reveal_child (PFM_WINDOW (widget)->preset_revealer, FALSE);
}

gboolean
pfm_window_set_view (PfmWindow *self, const char *name)
{
  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    return FALSE;
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  return TRUE;
}

static void
view_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_window_set_view (PFM_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
set_presentation (PfmWindow *self, gboolean on)
{
  self->presentation = on;
  /* On a projector the plots need the room; parameters stay one F11 away. */
  gtk_widget_set_visible (self->sidebar, !on && gtk_toggle_button_get_active (self->sidebar_button));
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), !on);
  /* Full screen has no window to minimise or close: Escape or F11 leaves. */
  adw_header_bar_set_show_start_title_buttons (self->header_bar, !on);
  adw_header_bar_set_show_end_title_buttons (self->header_bar, !on);
  if (on)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  /* The views follow the "presentation" property (bound in add_view). */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
  GSettings *settings = pfm_app_settings ();
  if (settings && self->shot_path == NULL)
    g_settings_set_boolean (settings, "presentation-mode", on);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-presentation", on);
}

static void
presentation_action (GtkWidget *widget, const char *action, GVariant *param)
{
  PfmWindow *self = PFM_WINDOW (widget);
  set_presentation (self, !self->presentation);
}

static void
leave_presentation_action (GtkWidget *widget, const char *action, GVariant *param)
{
  set_presentation (PFM_WINDOW (widget), FALSE);
}

static void
toggle_sidebar_action (GtkWidget *widget, const char *action, GVariant *param)
{
  PfmWindow *self = PFM_WINDOW (widget);
  if (!self->presentation)
    gtk_toggle_button_set_active (self->sidebar_button, !gtk_toggle_button_get_active (self->sidebar_button));
}

static void
sidebar_button_cb (GtkToggleButton *button, PfmWindow *self)
{
  if (!self->presentation)
    gtk_widget_set_visible (self->sidebar, gtk_toggle_button_get_active (button));
}

static void
toast_action (GtkWidget *widget, const char *action, GVariant *param)
{
  AdwToast *toast = adw_toast_new (g_variant_get_string (param, NULL));
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (PFM_WINDOW (widget)->toast_overlay, toast);
}

static void
run_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_runner_start (PFM_WINDOW (widget)->runner);
}

static void
cancel_action (GtkWidget *widget, const char *action, GVariant *param)
{
  pfm_runner_cancel (PFM_WINDOW (widget)->runner);
}

/* --- closing ------------------------------------------------------------------------ */

static gboolean
close_idle (gpointer window)
{
  gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

/* The window closes once the dialog is done with its "response": closed
 * from inside it, the window would destroy the dialog (transient for it)
 * while the dialog still runs, and GLib reports its instance gone. */
static void
close_later (PfmWindow *self)
{
  self->close_confirmed = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle, g_object_ref (self), g_object_unref);
}

/* "Save Changes?" answered Discard, or Save and the save went through. */
static void
close_after_confirm (PfmWindow *self, const char *arg)
{
  close_later (self);
}

static void
trained_response_cb (AdwMessageDialog *dialog, const char *response, PfmWindow *self)
{
  if (g_str_equal (response, "discard"))
    {
      self->discard_trained = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle, g_object_ref (self), g_object_unref);
    }
  else if (g_str_equal (response, "save"))
    pfm_training_view_save_trained (PFM_TRAINING_VIEW (self->training_view));
}

/* A trained design lives only in the Training view until it is exported. */
static gboolean
ask_trained (PfmWindow *self)
{
  if (self->discard_trained || self->shot_path != NULL ||
      !pfm_training_view_has_unsaved (PFM_TRAINING_VIEW (self->training_view)))
    return FALSE;
  GtkWidget *dialog = discard_dialog_new (self, _("Save the Trained Glass?"),
                                          _("The design trained in the Training view has not been saved as a "
                                            "project. If you close now it is lost."),
                                          _("_Save Trained Project…"));
  g_signal_connect (dialog, "response", G_CALLBACK (trained_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static gboolean
pfm_window_close_request (GtkWindow *window)
{
  PfmWindow *self = PFM_WINDOW (window);
  if (ask_trained (self))
    return TRUE;
  if (pfm_document_get_dirty (self->document) && !self->close_confirmed && self->shot_path == NULL)
    {
      confirm_then (self, _("Save Changes?"), close_after_confirm, NULL);
      return TRUE;
    }
  /* A run in flight is cancelled; the application waits for it to stop. */
  pfm_runner_cancel (self->runner);
  pfm_training_view_cancel (PFM_TRAINING_VIEW (self->training_view));
  return GTK_WINDOW_CLASS (pfm_window_parent_class)->close_request (window);
}

/* Fills the Sweep view from "KEY=START:STOP:N[:log]" specs and runs it;
 * @json_path, if not NULL, receives its JSON when it ends (--sweep,
 * --sweep-json). */
gboolean
pfm_window_start_sweep (PfmWindow *self, const char *const *specs, const char *json_path, GError **error)
{
  PfmSweepView *view = PFM_SWEEP_VIEW (self->sweep_view);
  if (!pfm_sweep_view_set_specs (view, specs, error))
    return FALSE;
  pfm_sweep_view_set_export_path (view, json_path);
  return pfm_sweep_view_run (view, error);
}

/* --- screenshot ------------------------------------------------------------------------- */

/* TRUE when the visible view has its results, or when the run behind it
 * failed: then @failure says why (a failed run has no picture to wait for). */
static gboolean
results_ready (PfmWindow *self, const GError **failure)
{
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);
  GtkWidget *view = page ? g_object_get_data (G_OBJECT (page), "pfm-view") : NULL;
  *failure = NULL;
  /* What the command line asked the Training view for comes first (the
   * trained glass may be what the other views are to show). */
  if (!pfm_training_view_is_ready (PFM_TRAINING_VIEW (self->training_view)))
    return FALSE;
  return !PFM_IS_VIEW (view) || pfm_view_results_ready (PFM_VIEW (view), failure);
}

static gboolean
shot_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  PfmWindow *self = PFM_WINDOW (widget);
  const GError *failure = NULL;
  if (!results_ready (self, &failure))
    {
      self->shot_frames = 0;
      return G_SOURCE_CONTINUE;
    }
  /* No picture of a run that did not happen: the reason, and a failure. */
  if (failure != NULL)
    {
      g_autoptr(GError) error = g_error_new (failure->domain, failure->code, _("the run failed: %s"), failure->message);
      self->shot_done (self, error, self->shot_data);
      return G_SOURCE_REMOVE;
    }
  /* A few frames after the results arrive, so they have been laid out and drawn. */
  if (++self->shot_frames < 4)
    {
      gtk_widget_queue_draw (widget);
      return G_SOURCE_CONTINUE;
    }
  g_autoptr(GError) error = NULL;
  pfm_widget_save_png (widget, self->shot_path, &error);
  self->shot_done (self, error, self->shot_data);
  return G_SOURCE_REMOVE;
}

void
pfm_window_screenshot (PfmWindow *self, const char *path, void (*done) (PfmWindow *, GError *, gpointer), gpointer data)
{
  g_free (self->shot_path);
  self->shot_path = g_strdup (path);
  self->shot_done = done;
  self->shot_data = data;
  self->shot_frames = 0;
  gtk_widget_add_tick_callback (GTK_WIDGET (self), shot_tick_cb, NULL, NULL);
}

/* --- construction --------------------------------------------------------------------- */

static void
pfm_window_dispose (GObject *object)
{
  PfmWindow *self = PFM_WINDOW (object);
  if (self->runner)
    pfm_runner_cancel (self->runner);
  /* Its jobs hold the view: a paused training would never end. */
  if (self->training_view)
    pfm_training_view_cancel (PFM_TRAINING_VIEW (self->training_view));
  self->training_view = NULL;
  if (self->document)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->runner);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), PFM_TYPE_WINDOW);
  G_OBJECT_CLASS (pfm_window_parent_class)->dispose (object);
}

static void
pfm_window_finalize (GObject *object)
{
  PfmWindow *self = PFM_WINDOW (object);
  g_free (self->shot_path);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  G_OBJECT_CLASS (pfm_window_parent_class)->finalize (object);
}

static void
pfm_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PRESENTATION:
      g_value_set_boolean (value, PFM_WINDOW (object)->presentation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_window_class_init (PfmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pfm_window_dispose;
  object_class->finalize = pfm_window_finalize;
  object_class->get_property = pfm_window_get_property;
  window_class->close_request = pfm_window_close_request;

  /* Presentation mode, which every PfmView follows. */
  properties[PROP_PRESENTATION] = g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                                                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                        G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, presets_button);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, preset_revealer);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, preset_label);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, presets_section);
  gtk_widget_class_bind_template_child (widget_class, PfmWindow, recent_menu);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.preset", "s", preset_action);
  gtk_widget_class_install_action (widget_class, "win.hide-preset", NULL, hide_preset_action);
  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "win.presentation", NULL, presentation_action);
  gtk_widget_class_install_action (widget_class, "win.leave-presentation", NULL, leave_presentation_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.presentation", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.view", "s", "scaling");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.view", "s", "propagation");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.view", "s", "volume");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.view", "s", "defects");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_5, GDK_ALT_MASK, "win.view", "s", "training");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_6, GDK_ALT_MASK, "win.view", "s", "sweep");
}

/* The sidebar shows the groups that drive the visible view. */
static void
update_sidebar (PfmWindow *self)
{
  const char *view = adw_view_stack_get_visible_child_name (self->view_stack);
  gboolean scaling = g_strcmp0 (view, "scaling") == 0;
  gboolean defects = g_strcmp0 (view, "defects") == 0;
  gboolean training = g_strcmp0 (view, "training") == 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, self->groups);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const char *group = key;
      gboolean show;
      if (scaling)
        show = g_str_equal (group, "optics") || g_str_equal (group, "scaling");
      else if (defects)
        show = g_str_equal (group, "defects") || g_str_equal (group, "beam") || g_str_equal (group, "detector");
      else if (training)
        show = !g_str_equal (group, "scaling");
      else
        show = !g_str_equal (group, "scaling") && !g_str_equal (group, "defects") && !g_str_equal (group, "train");
      gtk_widget_set_visible (value, show);
    }
  /* The view's own settings come first: in the Defects view the defect
   * models, above the beam and detector they act with. */
  GtkWidget *defects_group = g_hash_table_lookup (self->groups, "defects");
  if (defects)
    gtk_box_reorder_child_after (self->sidebar_box, defects_group, NULL);
  else
    gtk_box_reorder_child_after (self->sidebar_box, defects_group, gtk_widget_get_last_child (GTK_WIDGET (self->sidebar_box)));
}

static void
add_view (PfmWindow *self, GtkWidget *child, const char *name, const char *title, const char *icon)
{
  /* The stack is as wide as its widest page: a horizontal scroller keeps a
   * narrow window (or a projector at 1024 px) from clipping any view. */
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  g_object_set_data (G_OBJECT (scroller), "pfm-view", child);
  AdwViewStackPage *page = adw_view_stack_add_titled (self->view_stack, scroller, name, title);
  adw_view_stack_page_set_icon_name (page, icon);
  if (PFM_IS_VIEW (child))
    g_object_bind_property (self, "presentation", child, "presentation", G_BINDING_SYNC_CREATE);
}

static void
pfm_window_init (PfmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pfm_set_accessible_label (self->presets_button, _("Presets"));
  pfm_set_accessible_label (self->menu_button, _("Main menu"));
  g_signal_connect (self->sidebar_button, "toggled", G_CALLBACK (sidebar_button_cb), self);

  self->document = pfm_document_new ();
  self->runner = pfm_runner_new (self->document);
  g_signal_connect_swapped (self->document, "notify::dirty", G_CALLBACK (update_title), self);
  g_signal_connect_swapped (self->document, "notify::title", G_CALLBACK (update_title), self);
  g_signal_connect (self->document, "notify::can-undo", G_CALLBACK (history_notify_cb), self);
  g_signal_connect (self->document, "notify::can-redo", G_CALLBACK (history_notify_cb), self);
  history_notify_cb (self->document, NULL, self);

  static const struct { const char *group, *title, *description; } groups[] = {
    { "train", N_("Training"), N_("The glass as a classifier: the dataset, its split and the optimiser (physics.md section 5).") },
    { "optics", N_("Optics"), N_("The light and the glass (paper: λ = 1550 nm, fused silica).") },
    { "scaling", N_("Scaling assumptions"), N_("The full-size device and the GPU fleet (paper: Table 1 and Appendix A).") },
    { "beam", N_("Beam"), N_("The input: a Gaussian beam or a vector written by an SLM.") },
    { "tube", N_("Tube"), N_("The guide around the voxels; the simulated sample is a short piece of it.") },
    { "medium", N_("Medium"), N_("The written index voxels: one voxel, one parameter.") },
    { "detector", N_("Detector"), N_("The output vector: power in each region of the output facet.") },
    { "grid", N_("Grid"), N_("Numerical resolution of the split-step engine.") },
    { "defects", N_("Fabrication defects"), N_("How a fabricated copy differs from the design; each model is reproducible from its seed.") },
  };
  self->groups = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      GtkWidget *w = pfm_param_group_new (self->document, groups[i].group, _(groups[i].title), _(groups[i].description));
      g_hash_table_insert (self->groups, (gpointer) groups[i].group, w);
      gtk_box_append (self->sidebar_box, w);
    }

  self->scaling_view = pfm_scaling_view_new (self->document);
  self->propagation_view = pfm_propagation_view_new (self->runner);
  self->volume_view = pfm_volume_view_new (self->runner, self->document);
  add_view (self, self->scaling_view, "scaling", _("Scaling"), "view-continuous-symbolic");
  add_view (self, self->propagation_view, "propagation", _("Propagation"), "media-playlist-consecutive-symbolic");
  add_view (self, self->volume_view, "volume", _("Volume"), "view-grid-symbolic");
  self->defects_view = pfm_defects_view_new (self->document);
  add_view (self, self->defects_view, "defects", _("Defects"), "dialog-warning-symbolic");
  self->training_view = pfm_training_view_new (self->document);
  add_view (self, self->training_view, "training", _("Training"), "applications-science-symbolic");
  g_signal_connect_swapped (self->training_view, "use-trained", G_CALLBACK (pfm_volume_view_show_both), self->volume_view);
  self->sweep_view = pfm_sweep_view_new (self->document);
  add_view (self, self->sweep_view, "sweep", _("Sweep"), "view-list-bullet-symbolic");

  guint n;
  const PfmPreset *presets = pfm_presets (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(presets[i].title), NULL);
      g_menu_item_set_action_and_target_value (item, "win.preset", g_variant_new_string (presets[i].id));
      g_menu_append_item (self->presets_section, item);
    }
  update_recent (self);
  update_title (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-presentation", FALSE);
  /* Escape leaves presentation mode before any widget sees it: the
   * focused one may be the paned, whose Escape only cancels a resize.
   * The action is disabled outside presentation mode, and the key then
   * goes on as usual. */
  GtkEventController *esc = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (esc, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (esc),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("win.leave-presentation")));
  gtk_widget_add_controller (GTK_WIDGET (self), esc);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name", G_CALLBACK (update_sidebar), self);
  update_sidebar (self);

  /* The window's size and maximised state are the settings' (bound both
   * ways: restored now, stored as they change). */
  GSettings *settings = pfm_app_settings ();
  if (settings)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  pfm_runner_start (self->runner);
}

void
pfm_window_train_now (PfmWindow *self, guint pause_after, guint copies, gboolean use_trained, const char *save_path)
{
  pfm_training_view_train_now (PFM_TRAINING_VIEW (self->training_view), pause_after, copies, use_trained, save_path);
}

PfmWindow *
pfm_window_new (AdwApplication *app)
{
  return g_object_new (PFM_TYPE_WINDOW, "application", app, NULL);
}
