/* pfm-application.c - the application: actions, command line, settings
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pfm-explorer [PROJECT.pfm] [--preset NAME] [--view scaling|propagation|volume|defects|training|sweep]
 *              [--sweep KEY=START:STOP:N[:log]]... [--sweep-json FILE.json]
 *              [--size WxH] [--presentation] [--screenshot FILE.png]
 *              [--train [--pause-after-epoch N] [--fabricate K] [--use-trained] [--save-trained FILE.pfm]]
 * With --screenshot the app waits until the chosen view's results are
 * complete and drawn, writes the window as PNG and exits (0, or 1 with a
 * message when the run behind the view fails; 2 for bad arguments or a
 * project that cannot be read).  Without it a project that cannot be read
 * opens an untitled window that shows why.
 */
#define G_LOG_DOMAIN "pfm-application"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pfm-app-util.h"
#include "pfm-application.h"
#include "pfm-window.h"

struct _PfmApplication
{
  AdwApplication parent_instance;
  char          *preset;
  char          *view;
  char          *size;
  char          *screenshot;
  char         **sweep;
  char          *sweep_json;
  gboolean       presentation;
  gboolean       train;
  int            pause_after, fabricate;
  gboolean       use_trained;
  char          *save_trained;
  int            exit_status;
};

G_DEFINE_FINAL_TYPE (PfmApplication, pfm_application, ADW_TYPE_APPLICATION)

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The PFM Explorer developers", NULL };
  GtkWidget *about = adw_about_window_new ();
  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("PFM Explorer"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("The PFM Explorer developers"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
    _("Explore and teach physical foundation models: fixed hardware whose physics performs the inference. "
      "The scaling model and the tube of nanostructured glass follow Wright, Wang, Onodera and McMahon, "
      "“Physical Foundation Models”, arXiv:2604.27911 (2026), CC BY 4.0."));
  adw_about_window_add_link (ADW_ABOUT_WINDOW (about), _("The paper (arXiv:2604.27911)"), "https://arxiv.org/abs/2604.27911");
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  for (GList *l = gtk_application_get_windows (app); l; l = l->next)
    gtk_window_close (l->data);
}

static void
apply_color_scheme (const char *scheme)
{
  AdwColorScheme s = g_strcmp0 (scheme, "light") == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                   : g_strcmp0 (scheme, "dark") == 0 ? ADW_COLOR_SCHEME_FORCE_DARK
                   : ADW_COLOR_SCHEME_DEFAULT;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), s);
}

static void
color_scheme_changed_cb (GSettings *settings, const char *key, gpointer user_data)
{
  g_autofree char *scheme = g_settings_get_string (settings, key);
  apply_color_scheme (scheme);
}

/* Without the settings schema (an uninstalled build run by hand): the
 * choices hold for this run only. */
static void
color_scheme_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_simple_action_set_state (action, param);
  apply_color_scheme (g_variant_get_string (param, NULL));
}

static const GActionEntry app_entries[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static const GActionEntry unsaved_entries[] = {
  { "unit-style", NULL, "s", "'engineering'", NULL },
  { "color-scheme", NULL, "s", "'default'", color_scheme_action },
};

static void
screenshot_done (PfmWindow *window, GError *error, gpointer user_data)
{
  PfmApplication *self = user_data;
  if (error)
    {
      fprintf (stderr, "pfm-explorer: screenshot failed: %s\n", error->message);
      self->exit_status = 1;
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static PfmWindow *
new_window (PfmApplication *self)
{
  PfmWindow *window = pfm_window_new (ADW_APPLICATION (self));
  if (self->size)
    {
      int w = 0, h = 0;
      if (sscanf (self->size, "%dx%d", &w, &h) == 2 && w >= 320 && h >= 240 && w <= 8192 && h <= 8192)
        gtk_window_set_default_size (GTK_WINDOW (window), w, h);
      else
        g_printerr ("pfm-explorer: --size %s: accepted WxH with 320 <= W, H <= 8192\n", self->size);
    }
  return window;
}

static gboolean
configure_window (PfmApplication *self, PfmWindow *window)
{
  g_autoptr(GError) error = NULL;
  if (self->preset && !pfm_window_apply_preset (window, self->preset, &error))
    {
      g_printerr ("pfm-explorer: --preset: %s\n", error->message);
      return FALSE;
    }
  if (self->view && !pfm_window_set_view (window, self->view))
    {
      g_printerr ("pfm-explorer: --view %s: accepted scaling, propagation, volume, defects, training or sweep\n", self->view);
      return FALSE;
    }
  if (self->sweep_json && !self->sweep)
    {
      g_printerr ("pfm-explorer: --sweep-json needs --sweep\n");
      return FALSE;
    }
  if (self->sweep && !pfm_window_start_sweep (window, (const char *const *) self->sweep, self->sweep_json, &error))
    {
      g_printerr ("pfm-explorer: --sweep: %s\n", error->message);
      return FALSE;
    }
  if (self->pause_after < 0 || self->fabricate < 0 || self->fabricate > 100000 ||
      (self->save_trained && !g_str_has_suffix (self->save_trained, ".pfm")))
    {
      g_printerr ("pfm-explorer: --pause-after-epoch and --fabricate take a count >= 0 (at most 100000 copies); "
                  "--save-trained a file name ending in .pfm\n");
      return FALSE;
    }
  if (self->train)
    pfm_window_train_now (window, (guint) self->pause_after, (guint) self->fabricate, self->use_trained, self->save_trained);
  return TRUE;
}

static gboolean
present (PfmApplication *self, PfmWindow *window)
{
  if (!configure_window (self, window))
    {
      self->exit_status = 2;
      gtk_window_destroy (GTK_WINDOW (window));
      return FALSE;
    }
  gtk_window_present (GTK_WINDOW (window));
  GSettings *settings = pfm_app_settings ();
  if (!self->screenshot && settings && g_settings_get_boolean (settings, "presentation-mode"))
    self->presentation = TRUE;   /* a classroom machine left in presentation mode stays there */
  /* The screenshot is armed first: a screenshot run never stores settings. */
  if (self->screenshot)
    pfm_window_screenshot (window, self->screenshot, screenshot_done, self);
  if (self->presentation)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.presentation", NULL);
  return TRUE;
}

static void
pfm_application_activate (GApplication *app)
{
  PfmApplication *self = PFM_APPLICATION (app);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (active && !self->screenshot)
    {
      gtk_window_present (active);
      return;
    }
  present (self, new_window (self));
}

static void
pfm_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  PfmApplication *self = PFM_APPLICATION (app);
  for (int i = 0; i < n_files; i++)
    {
      PfmWindow *window = new_window (self);
      g_autoptr(GError) error = NULL;
      if (!pfm_window_open_file (window, files[i], &error))
        {
          g_printerr ("pfm-explorer: %s\n", error->message);
          if (self->screenshot)
            {
              /* A screenshot of the defaults is not a picture of this file. */
              self->exit_status = 2;
              gtk_window_destroy (GTK_WINDOW (window));
              continue;
            }
          /* Opened from a file manager nobody reads stderr: the window
           * opens untitled, with the defaults, and says what went wrong.
           * The file stays untouched: a save asks for a name. */
          if (present (self, window))
            pfm_window_show_open_error (window, files[i], error);
          continue;
        }
      present (self, window);
    }
}

static int
pfm_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  PfmApplication *self = PFM_APPLICATION (app);
  g_variant_dict_lookup (options, "preset", "s", &self->preset);
  g_variant_dict_lookup (options, "view", "s", &self->view);
  g_variant_dict_lookup (options, "size", "s", &self->size);
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot);
  g_variant_dict_lookup (options, "presentation", "b", &self->presentation);
  g_variant_dict_lookup (options, "train", "b", &self->train);
  g_variant_dict_lookup (options, "pause-after-epoch", "i", &self->pause_after);
  g_variant_dict_lookup (options, "fabricate", "i", &self->fabricate);
  g_variant_dict_lookup (options, "use-trained", "b", &self->use_trained);
  g_variant_dict_lookup (options, "save-trained", "^ay", &self->save_trained);
  g_variant_dict_lookup (options, "sweep", "^as", &self->sweep);
  g_variant_dict_lookup (options, "sweep-json", "^ay", &self->sweep_json);
  if (self->screenshot)
    {
      /* A screenshot run is its own instance, never handed to a running one. */
      GApplicationFlags flags = g_application_get_flags (app);
      g_application_set_flags (app, flags | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

static void
pfm_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (pfm_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries), app);
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);

  GtkCssProvider *css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/pfm_explorer/PfmExplorer/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (css);

  /* The preferences are the settings' own actions (their state is the
   * key), as gnome-text-editor does; the views follow "changed::". */
  GSettings *settings = pfm_app_settings ();
  if (settings == NULL)
    g_action_map_add_action_entries (G_ACTION_MAP (app), unsaved_entries, G_N_ELEMENTS (unsaved_entries), app);
  else
    {
      static const char *const keys[] = { "unit-style", "color-scheme" };
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          g_autoptr(GAction) action = g_settings_create_action (settings, keys[i]);
          g_action_map_add_action (G_ACTION_MAP (app), action);
        }
      g_signal_connect (settings, "changed::color-scheme", G_CALLBACK (color_scheme_changed_cb), NULL);
      color_scheme_changed_cb (settings, "color-scheme", NULL);
    }
}

static void
pfm_application_finalize (GObject *object)
{
  PfmApplication *self = PFM_APPLICATION (object);
  g_free (self->preset);
  g_free (self->view);
  g_free (self->size);
  g_free (self->screenshot);
  g_free (self->save_trained);
  g_strfreev (self->sweep);
  g_free (self->sweep_json);
  G_OBJECT_CLASS (pfm_application_parent_class)->finalize (object);
}

static void
pfm_application_class_init (PfmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pfm_application_finalize;
  app_class->activate = pfm_application_activate;
  app_class->open = pfm_application_open;
  app_class->startup = pfm_application_startup;
  app_class->handle_local_options = pfm_application_handle_local_options;
}

static void
pfm_application_init (PfmApplication *self)
{
  static const GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Start with a teaching preset (paper, linear, kerr, collapse, grin, variability, train, self-focusing)"), N_("NAME") },
    { "view", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Show a view: scaling, propagation, volume, defects, training or sweep"), N_("VIEW") },
    { "size", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Window size"), N_("WxH") },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("When the view's results are drawn, save the window as PNG and exit"), N_("FILE.png") },
    { "sweep", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, N_("Fill the Sweep view with a key and its range (once or twice, SI values) and run it"), N_("KEY=START:STOP:N[:log]") },
    { "sweep-json", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("When the --sweep ends, write its table as JSON (as Export JSON… does)"), N_("FILE.json") },
    { "presentation", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start in presentation mode (full screen, large type, high contrast)"), NULL },
    { "train", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start training the glass at once (the Training view)"), NULL },
    { "pause-after-epoch", 0, 0, G_OPTION_ARG_INT, NULL, N_("With --train: pause after this many epochs"), N_("N") },
    { "fabricate", 0, 0, G_OPTION_ARG_INT, NULL, N_("With --train: once trained, fabricate K copies with the project's defects"), N_("K") },
    { "use-trained", 0, 0, G_OPTION_ARG_NONE, NULL, N_("With --train: once trained, make the trained glass the project's medium"), NULL },
    { "save-trained", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("With --train: once trained, save the trained project, its log (.csv) and evaluation (.json)"), N_("TRAINED.pfm") },
    { NULL }
  };
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[PROJECT.pfm]"));
}

PfmApplication *
pfm_application_new (void)
{
  return g_object_new (PFM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/pfm_explorer/PfmExplorer",
                       NULL);
}

int
pfm_application_get_exit_status (PfmApplication *self)
{
  return self->exit_status;
}
