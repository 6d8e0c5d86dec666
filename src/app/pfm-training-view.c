/* pfm-training-view.c - train a glass classifier live, use it, fabricate it
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view drives the training engine as `pfm-cli train` and `evaluate`
 * do (pfm-train-job.c runs each job on a worker): the set-up line counts
 * the glass's parameters and estimates time and memory; Train streams
 * the loss and accuracy per batch and per epoch; once trained, the design
 * goes through the forward engine for the test accuracy the view shows
 * (the number `pfm-cli evaluate` gives on the exported project), the
 * confusion matrix, the digital baselines and the gallery.  "Use trained
 * glass" makes the project's medium the trained index map and its input
 * the selected test example, so the Propagation and Volume views show
 * that example's light reaching its detector.  Fabricate measures copies
 * made with the sidebar's defects, before and after calibration, and
 * keeps the last result of a standard and of a noise-aware design side
 * by side.
 */
#define G_LOG_DOMAIN "pfm-training-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "pfm-app-util.h"
#include "pfm-export.h"
#include "pfm-train-gallery.h"
#include "pfm-train-job.h"
#include "pfm-training-plots.h"
#include "pfm-training-view.h"

#define DEBOUNCE_MS 300

struct _PfmTrainingView
{
  PfmView          parent_instance;
  GtkDropDown     *dataset_dropdown;
  GtkButton       *pause_button;
  GtkWidget       *export_button;
  GtkProgressBar  *progress;
  GtkLabel        *setup_label;
  GtkLabel        *summary;
  GtkSpinButton   *copies_spin;
  GtkGrid         *plots_grid;
  PfmPlot         *plots[PFM_TRAINING_N_PLOTS];
  PfmTrainGallery *gallery;
  gboolean         syncing;

  /* the dataset of the current settings */
  PfmSharedData   *shared;
  PfmTrainJob     *prepare_job;
  guint            prepare_id;
  char            *data_error;

  /* training */
  PfmTrainJob     *train_job, *fab_job;
  gboolean         pause_confirmed;
  GArray          *epochs;          /* PfmTrainEpoch, live */
  guint            n_epochs;

  /* the trained design */
  PfmConfig       *train_cfg;       /* the project it was trained on */
  PfmConfig       *trained;         /* ... with its index map */
  PfmConfig       *applied;         /* ... as Use Trained Glass sets the project */
  PfmConfig       *fab_cfg;         /* the last copies' design and defects */
  gboolean         train_stale, fab_stale;
  PfmTrainResult  *result;
  PfmEvaluation   *evaluation;      /* forward engine, with baselines */
  PfmEvaluation   *fabrication;     /* the last copies */
  PfmSharedData   *trained_data;
  double          *gallery_power;
  guint            n_gallery;
  gboolean         unsaved, using_trained;
  PfmRobustness    robust[2];
  char            *result_text, *fab_text;

  /* what the command line asked for */
  gboolean         pending;
  guint            auto_copies;
  gboolean         auto_use;
  char            *auto_save;
};

G_DEFINE_FINAL_TYPE (PfmTrainingView, pfm_training_view, PFM_TYPE_VIEW)

enum { USE_TRAINED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_fabricate (PfmTrainingView *self, guint copies);
static void redraw_curves (PfmTrainingView *self, const PfmTrainProgress *live);
static void use_trained (PfmTrainingView *self);
static void update_stale (PfmTrainingView *self);
typedef gboolean (*SetFunc) (gpointer target, const char *key, const char *value, GError **error);
static gboolean apply_trained (PfmTrainingView *self, SetFunc set, gpointer target, GError **error);

/* --- the set-up line ------------------------------------------------------------ */

static void
update_setup (PfmTrainingView *self)
{
  const PfmConfig *cfg = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)));
  g_autofree char *text = pfm_train_job_describe (cfg, self->shared ? self->shared->data : NULL, self->data_error);
  gtk_label_set_text (self->setup_label, text);
  /* Before a run, the curves' axis spans the epochs to come. */
  if (self->train_job == NULL && self->epochs->len == 0)
    {
      self->n_epochs = (guint) cfg->train.epochs;
      redraw_curves (self, NULL);
    }
}

static void
sync_dataset (PfmTrainingView *self)
{
  const char *ds = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)))->train.dataset;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->dataset_dropdown, g_strcmp0 (ds, "digits") == 0 ? 0
                              : g_strcmp0 (ds, "fashion-mnist") == 0 ? 1 : 2);
  self->syncing = FALSE;
}

/* --- jobs' events ----------------------------------------------------------------- */

/* The bar's text is drawn, not a child a screen reader can reach: it is
 * also the bar's accessible description. */
static void
set_progress_text (PfmTrainingView *self, const char *text)
{
  gtk_progress_bar_set_text (self->progress, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
update_actions (PfmTrainingView *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  const gboolean training = self->train_job != NULL, busy = training || self->fab_job != NULL;
  gtk_widget_action_set_enabled (w, "training.train", !busy);
  gtk_widget_action_set_enabled (w, "training.pause", training);
  gtk_widget_action_set_enabled (w, "training.cancel", busy);
  gtk_widget_action_set_enabled (w, "training.use", self->trained != NULL);
  gtk_widget_action_set_enabled (w, "training.fabricate", self->trained != NULL && !busy);
  gtk_widget_action_set_enabled (w, "training.export-project", self->result != NULL);
  gtk_widget_action_set_enabled (w, "training.export-log", self->epochs->len > 0);
  gtk_widget_action_set_enabled (w, "training.export-evaluation", self->evaluation != NULL);
  gtk_widget_action_set_enabled (w, "training.export-copies", self->fabrication != NULL);
  const gboolean paused = training && self->train_job->paused;
  gtk_button_set_label (self->pause_button, paused ? _("_Resume") : _("_Pause"));
}

static void
redraw_curves (PfmTrainingView *self, const PfmTrainProgress *live)
{
  pfm_training_plots_curves (self->plots, self->epochs, self->n_epochs, live);
}

static void
progress_cb (gpointer owner, PfmTrainJob *job, const PfmTrainProgress *p)
{
  PfmTrainingView *self = owner;
  if (job != self->train_job)
    return;
  const guint done = (p->epoch - 1) * p->n_batches + p->batch, total = p->n_epochs * p->n_batches;
  const double eta = done > 0 ? p->elapsed_s * (total - done) / done : 0.0;
  g_autofree char *eta_text = pfm_train_job_format_duration (eta);
  g_autofree char *text = g_strdup_printf (_("Epoch %u/%u, batch %u/%u · loss %.3f · accuracy %.1f%% · ETA %s"),
                                           p->epoch, p->n_epochs, p->batch, p->n_batches, p->loss,
                                           100 * p->accuracy, eta_text);
  gtk_progress_bar_set_fraction (self->progress, (double) done / MAX (1u, total));
  if (!self->pause_confirmed)
    set_progress_text (self, text);
  redraw_curves (self, p);
}

static void
epoch_cb (gpointer owner, PfmTrainJob *job, const PfmTrainEpoch *e)
{
  PfmTrainingView *self = owner;
  if (job != self->train_job)
    return;
  g_array_append_val (self->epochs, *e);
  redraw_curves (self, NULL);
  update_actions (self);
}

static void
runs_cb (gpointer owner, PfmTrainJob *job, guint done, guint total)
{
  PfmTrainingView *self = owner;
  if (job != self->train_job && job != self->fab_job)
    return;
  gtk_progress_bar_set_fraction (self->progress, (double) done / MAX (1u, total));
  g_autofree char *text = g_strdup_printf (job == self->fab_job ? _("Fabricated copies: run %u of %u")
                                           : _("The trained glass in the forward engine: run %u of %u"), done, total);
  set_progress_text (self, text);
}

static void
paused_cb (gpointer owner, PfmTrainJob *job)
{
  PfmTrainingView *self = owner;
  if (job != self->train_job)
    return;
  self->pause_confirmed = TRUE;
  g_autofree char *text = g_strdup_printf (_("Paused after epoch %u: press Resume to go on"), self->epochs->len);
  set_progress_text (self, self->epochs->len > 0 ? text : _("Paused: press Resume to go on"));
  update_actions (self);
}

/* --- results ------------------------------------------------------------------------ */

#define TRAIN_STALE_NOTICE _("Out of date: the parameters changed since this glass was trained. Train again.")
#define FAB_STALE_NOTICE _("Out of date: the defects changed since these copies were fabricated. Fabricate again.")

static void
show_summary (PfmTrainingView *self)
{
  const char *notice = self->train_stale ? TRAIN_STALE_NOTICE : self->fab_stale ? FAB_STALE_NOTICE : "";
  g_autofree char *text = g_strjoin (" ", notice, self->result_text ? self->result_text : "",
                                     self->fab_text ? self->fab_text : "", NULL);
  gtk_label_set_text (self->summary, g_strstrip (text));
}

static void
show_detectors (PfmTrainingView *self, int i)
{
  const gboolean ok = i >= 0 && (guint) i < self->n_gallery;
  pfm_training_plots_detectors (self->plots, ok ? self->trained_data->data : NULL, self->gallery_power, ok ? i : -1);
}

static void
show_baselines (PfmTrainingView *self)
{
  const PfmEvaluation *ev = self->evaluation;
  pfm_training_plots_baselines (self->plots, ev, self->fabrication);
  g_autofree char *chance = g_strdup_printf ("%.0f%%", 100.0 / MAX (1u, ev->n_classes));
  g_free (self->result_text);
  self->result_text = g_strdup_printf (
    _("Trained: test accuracy %.1f%% on %u held-out examples (the forward engine, as pfm-cli evaluate gives it; "
      "chance is %s). On the same split a logistic regression on the pixels gets %.1f%%, an untrained random "
      "glass with a trained digital readout %.1f%%."),
    100 * ev->accuracy, ev->n_test, chance, 100 * ev->logistic, 100 * ev->random_glass_readout);
  show_summary (self);
}

static void
train_done (PfmTrainingView *self, PfmTrainJob *job)
{
  g_clear_pointer (&self->train_cfg, pfm_config_free);
  g_clear_pointer (&self->trained, pfm_config_free);
  g_clear_pointer (&self->applied, pfm_config_free);
  g_clear_pointer (&self->fab_cfg, pfm_config_free);
  g_clear_pointer (&self->result, pfm_train_result_free);
  g_clear_pointer (&self->evaluation, pfm_evaluation_free);
  g_clear_pointer (&self->fabrication, pfm_evaluation_free);
  g_clear_pointer (&self->fab_text, g_free);
  g_clear_pointer (&self->trained_data, pfm_shared_data_unref);
  g_clear_pointer (&self->gallery_power, g_free);
  self->train_cfg = g_steal_pointer (&job->cfg);
  self->trained = g_steal_pointer (&job->trained);
  self->result = g_steal_pointer (&job->result);
  self->evaluation = g_steal_pointer (&job->evaluation);
  self->trained_data = g_steal_pointer (&job->shared);
  self->applied = pfm_config_copy (self->trained);
  apply_trained (self, (SetFunc) pfm_config_set, self->applied, NULL);
  self->gallery_power = g_steal_pointer (&job->gallery);
  self->n_gallery = job->n_gallery;
  self->unsaved = TRUE;
  self->using_trained = FALSE;
  pfm_plot_clear_data (self->plots[PFM_TRAINING_PLOT_COPIES]);
  pfm_training_plots_confusion (self->plots, self->evaluation->confusion, self->evaluation->n_classes);
  show_baselines (self);
  pfm_train_gallery_set (self->gallery, self->trained_data->data, self->gallery_power, self->n_gallery);
  pfm_train_gallery_select (self->gallery, 0);
  show_detectors (self, 0);
  update_stale (self);
  gtk_progress_bar_set_fraction (self->progress, 1.0);
  g_autofree char *text = g_strdup_printf (_("Trained in %.0f s"), self->result->seconds);
  set_progress_text (self, text);
}

/* --- saving ---------------------------------------------------------------------- */

static gboolean
save_project (const char *path, gpointer user_data, GError **error)
{
  PfmTrainingView *self = user_data;
  g_autofree char *full = g_str_has_suffix (path, ".pfm") ? g_strdup (path) : g_strconcat (path, ".pfm", NULL);
  if (!pfm_train_save_project (self->train_cfg, self->result, full, NULL, 0, error))
    return FALSE;
  self->unsaved = FALSE;
  return TRUE;
}

static gboolean
save_text (const char *path, char *text, GError **error)
{
  gboolean ok = pfm_file_write_atomic (path, text, strlen (text), error);
  g_free (text);
  return ok;
}

static gboolean
save_log (const char *path, gpointer user_data, GError **error)
{
  return save_text (path, pfm_train_log_to_csv (PFM_TRAINING_VIEW (user_data)->epochs), error);
}

/* `pfm-cli evaluate --baselines [--copies K]`'s document. */
static gboolean
save_evaluation (const char *path, gpointer user_data, GError **error)
{
  PfmTrainingView *self = user_data;
  return save_text (path, pfm_train_job_evaluation_json (self->evaluation, self->fabrication), error);
}

static gboolean
save_copies (const char *path, gpointer user_data, GError **error)
{
  return save_text (path, pfm_evaluation_to_csv (PFM_TRAINING_VIEW (user_data)->fabrication), error);
}

/* --save-trained FILE.pfm: the project and its index map, FILE.csv, FILE.json. */
static void
auto_save (PfmTrainingView *self)
{
  g_autofree char *stem = g_strndup (self->auto_save, strlen (self->auto_save) - 4);
  g_autofree char *log = g_strconcat (stem, ".csv", NULL), *json = g_strconcat (stem, ".json", NULL);
  g_autoptr(GError) error = NULL;
  if (!save_project (self->auto_save, self, &error) || !save_log (log, self, &error) ||
      !save_evaluation (json, self, &error))
    pfm_toast (GTK_WIDGET (self), _("Could not save: %s"), error->message);
}

/* What the command line asked for, in order: use the trained glass,
 * fabricate, then save (the evaluation with the copies). */
static void
continue_pending (PfmTrainingView *self, PfmTrainJobKind finished, gboolean ok)
{
  if (!self->pending)
    return;
  if (finished == PFM_TRAIN_JOB_TRAIN && ok)
    {
      if (self->auto_use)
        use_trained (self);
      if (self->auto_copies > 0)
        {
          start_fabricate (self, self->auto_copies);
          self->auto_copies = 0;
          return;
        }
    }
  if (self->auto_save && self->result)
    auto_save (self);
  self->pending = FALSE;
}

static void
show_fabrication (PfmTrainingView *self)
{
  const PfmEvaluation *ev = self->fabrication;
  pfm_training_plots_copies (self->plots, ev, self->evaluation->accuracy);
  self->robust[self->train_cfg->train.noise_aware ? 1 : 0] =
    (PfmRobustness) { TRUE, ev->mean, ev->min, ev->mean_calibrated, ev->min_calibrated };
  pfm_training_plots_robustness (self->plots, self->robust);
  g_free (self->fab_text);
  const guint ok = ev->n_copies - ev->n_unresolved;
  self->fab_text = ok == 0 ? g_strdup_printf (_("None of the %u fabricated copies could be resolved by the grid."), ev->n_copies)
    : g_strdup_printf (_("Fabricated %u copies (%u resolved): accuracy %.1f%% mean, %.1f%% worst before calibration; "
                         "%.1f%% mean, %.1f%% worst after."),
                       ev->n_copies, ok, 100 * ev->mean, 100 * ev->min, 100 * ev->mean_calibrated, 100 * ev->min_calibrated);
  show_baselines (self);
}

static void
done_cb (gpointer owner, PfmTrainJob *job, GError *error)
{
  PfmTrainingView *self = owner;
  if (job == self->prepare_job)
    {
      self->prepare_job = NULL;
      g_clear_pointer (&self->data_error, g_free);
      pfm_shared_data_unref (self->shared);
      self->shared = job->shared ? pfm_shared_data_ref (job->shared) : NULL;
      if (error)
        self->data_error = g_strdup (error->message);
      update_setup (self);
      return;
    }
  const gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (job == self->train_job)
    {
      self->train_job = NULL;
      self->pause_confirmed = FALSE;
      if (error == NULL)
        train_done (self, job);
      else
        {
          gtk_progress_bar_set_fraction (self->progress, 0.0);
          set_progress_text (self, cancelled ? _("Training cancelled") : _("Training failed"));
          if (!cancelled)
            {
              g_free (self->result_text);
              self->result_text = g_strdup (error->message);
              show_summary (self);
            }
        }
      update_actions (self);
      continue_pending (self, PFM_TRAIN_JOB_TRAIN, error == NULL);
    }
  else if (job == self->fab_job)
    {
      self->fab_job = NULL;
      set_progress_text (self, error ? (cancelled ? _("Fabrication cancelled") : error->message)
                                                       : _("Fabricated"));
      if (error == NULL)
        {
          g_clear_pointer (&self->fabrication, pfm_evaluation_free);
          self->fabrication = g_steal_pointer (&job->evaluation);
          g_clear_pointer (&self->fab_cfg, pfm_config_free);
          self->fab_cfg = g_steal_pointer (&job->cfg);
          show_fabrication (self);
          update_stale (self);
        }
      update_actions (self);
      continue_pending (self, PFM_TRAIN_JOB_FABRICATE, error == NULL);
    }
}

static const PfmTrainJobCallbacks job_callbacks = { progress_cb, epoch_cb, runs_cb, paused_cb, done_cb };

/* --- starting jobs ------------------------------------------------------------------ */

static char *
base_dir (PfmTrainingView *self)
{
  GFile *file = pfm_document_get_file (pfm_view_get_document (PFM_VIEW (self)));
  g_autoptr(GFile) parent = file ? g_file_get_parent (file) : NULL;
  char *dir = parent ? g_file_get_path (parent) : NULL;
  return dir ? dir : g_get_current_dir ();
}

static gboolean
prepare_cb (gpointer p)
{
  PfmTrainingView *self = p;
  self->prepare_id = 0;
  if (self->prepare_job)
    pfm_train_job_cancel (self->prepare_job);
  g_autofree char *dir = base_dir (self);
  self->prepare_job = pfm_train_job_new (PFM_TRAIN_JOB_PREPARE, pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self))), dir,
                                         NULL, self, &job_callbacks);
  pfm_train_job_run (self->prepare_job);
  return G_SOURCE_REMOVE;
}

static char *
new_map_path (void)
{
  static guint counter;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "pfm-explorer", NULL);
  g_mkdir_with_parents (dir, 0700);
  g_autofree char *name = g_strdup_printf ("trained-%d-%u.idx", (int) getpid (), ++counter);
  return g_build_filename (dir, name, NULL);
}

static void
start_training (PfmTrainingView *self, guint pause_after)
{
  if (self->train_job || self->fab_job)
    return;
  g_autofree char *dir = base_dir (self);
  const PfmConfig *cfg = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)));
  PfmTrainJob *job = pfm_train_job_new (PFM_TRAIN_JOB_TRAIN, cfg, dir, NULL, self, &job_callbacks);
  job->map_path = new_map_path ();
  job->pause_after = pause_after;
  self->train_job = job;
  self->pause_confirmed = FALSE;
  g_array_set_size (self->epochs, 0);
  self->n_epochs = (guint) cfg->train.epochs;
  redraw_curves (self, NULL);
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  set_progress_text (self, _("Loading the dataset and planning the adjoint…"));
  update_actions (self);
  pfm_train_job_run (job);
}

static void
start_fabricate (PfmTrainingView *self, guint copies)
{
  if (self->trained == NULL || self->train_job || self->fab_job)
    return;
  /* The trained design, fabricated with the sidebar's defects. */
  g_autoptr(PfmConfig) cfg = pfm_config_copy (self->trained);
  cfg->defects = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)))->defects;
  PfmTrainJob *job = pfm_train_job_new (PFM_TRAIN_JOB_FABRICATE, cfg, NULL, self->trained_data, self, &job_callbacks);
  job->copies = copies;
  self->fab_job = job;
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  set_progress_text (self, _("Fabricating copies…"));
  update_actions (self);
  pfm_train_job_run (job);
}

/* The selected example's SLM values as beam.input. */
static void
send_example (PfmTrainingView *self, int i)
{
  const PfmTrainData *d = self->trained_data->data;
  if (i < 0 || (guint) i >= d->n_test)
    return;
  g_autoptr(GString) s = g_string_new (NULL);
  const float *v = d->values + (gsize) d->test[i] * d->n_pixels;
  for (guint k = 0; k < d->n_pixels; k++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, "%s%s", k ? "," : "", g_ascii_formatd (buf, sizeof buf, "%.6g", v[k]));
    }
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (pfm_view_get_document (PFM_VIEW (self)), "beam.input", s->str, &error))
    pfm_toast (GTK_WIDGET (self), "%s", error->message);
}

/* What Use Trained Glass writes into the project (into @target with @set). */
static gboolean
apply_trained (PfmTrainingView *self, SetFunc set, gpointer target, GError **error)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *regions = g_strdup_printf ("%u", self->trained_data->data->n_classes);
  g_autofree char *pixels = g_strdup_printf ("%u", self->trained_data->data->n_pixels);
  const char *sets[][2] = {
    { "medium.file", self->trained->medium.file }, { "medium.kind", "file" },
    { "train.temperature", g_ascii_dtostr (buf, sizeof buf, self->trained->train.temperature) },
    { "beam.kind", "slm" }, { "beam.slm_pixels", pixels }, { "detector.regions", regions },
  };
  for (guint k = 0; k < G_N_ELEMENTS (sets); k++)
    if (!set (target, sets[k][0], sets[k][1], error))
      return FALSE;
  return TRUE;
}

static void
use_trained (PfmTrainingView *self)
{
  if (self->trained == NULL)
    return;
  g_autoptr(GError) error = NULL;
  if (!apply_trained (self, (SetFunc) pfm_document_set, pfm_view_get_document (PFM_VIEW (self)), &error))
    {
      pfm_toast (GTK_WIDGET (self), "%s", error->message);
      return;
    }
  self->using_trained = TRUE;
  send_example (self, MAX (0, pfm_train_gallery_get_selected (self->gallery)));
  g_signal_emit (self, signals[USE_TRAINED], 0);
}

static void
example_selected_cb (PfmTrainGallery *gallery, guint i, PfmTrainingView *self)
{
  show_detectors (self, (int) i);
  if (self->using_trained)
    send_example (self, (int) i);
}

/* --- document ------------------------------------------------------------------------ */

/* Whether the project's value of @k is neither @a's nor @b's. */
static gboolean
key_differs (const PfmKeyInfo *k, const PfmConfig *now, const PfmConfig *a, const PfmConfig *b)
{
  g_autofree char *v = pfm_config_get_string (now, k), *va = pfm_config_get_string (a, k);
  g_autofree char *vb = b ? pfm_config_get_string (b, k) : NULL;
  return g_strcmp0 (v, va) != 0 && (b == NULL || g_strcmp0 (v, vb) != 0);
}

/* The results are out of date once a key they depend on differs from the
 * project they were trained on, and from what Use Trained Glass set (its
 * medium, SLM and detectors are the trained design, not a change).  The
 * example on show (beam.input) is not a parameter of the training; the
 * defects are, only for noise-aware training.  The copies depend, as
 * well, on the defects they were fabricated with. */
static void
update_stale (PfmTrainingView *self)
{
  const PfmConfig *now = pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)));
  guint n_keys;
  const PfmKeyInfo *keys = pfm_config_keys (&n_keys);
  self->train_stale = self->fab_stale = FALSE;
  for (guint i = 0; self->train_cfg && i < n_keys; i++)
    {
      g_autofree char *name = g_strconcat (keys[i].group, ".", keys[i].key, NULL);
      const gboolean defect = g_str_equal (keys[i].group, "defects");
      if (!(pfm_config_key_affects (name) & PFM_AFFECTS_RUN) || g_str_equal (name, "beam.input"))
        continue;
      if ((!defect || self->train_cfg->train.noise_aware) && key_differs (&keys[i], now, self->train_cfg, self->applied))
        self->train_stale = TRUE;
      if (defect && self->fab_cfg && key_differs (&keys[i], now, self->fab_cfg, NULL))
        self->fab_stale = TRUE;
    }
  const char *train = self->train_stale ? TRAIN_STALE_NOTICE : NULL;
  const char *copies = train ? train : self->fab_stale ? FAB_STALE_NOTICE : NULL;
  for (guint i = 0; i < PFM_TRAINING_N_PLOTS; i++)
    pfm_plot_set_stale (self->plots[i], i == PFM_TRAINING_PLOT_COPIES || i == PFM_TRAINING_PLOT_ROBUST ? copies : train);
  if (self->result_text)
    show_summary (self);
}

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmTrainingView *self)
{
  if (!(pfm_config_key_affects (key) & PFM_AFFECTS_RUN))
    return;
  sync_dataset (self);
  if (pfm_config_key_affects (key) & PFM_AFFECTS_DATASET)
    {
      g_clear_handle_id (&self->prepare_id, g_source_remove);
      self->prepare_id = g_timeout_add (DEBOUNCE_MS, prepare_cb, self);
    }
  update_setup (self);
  update_stale (self);
}

static void
csv_response_cb (GtkNativeDialog *dialog, int response, PfmTrainingView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *spec = g_strconcat ("csv:", path, NULL);
      g_autoptr(GError) error = NULL;
      if (path && !pfm_document_set (pfm_view_get_document (PFM_VIEW (self)), "train.dataset", spec, &error))
        pfm_toast (GTK_WIDGET (self), "%s", error->message);
    }
  sync_dataset (self);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
dataset_selected_cb (GtkDropDown *dd, GParamSpec *pspec, PfmTrainingView *self)
{
  if (self->syncing)
    return;
  const guint i = gtk_drop_down_get_selected (dd);
  if (i < 2)
    {
      g_autoptr(GError) error = NULL;
      if (!pfm_document_set (pfm_view_get_document (PFM_VIEW (self)), "train.dataset", i == 0 ? "digits" : "fashion-mnist", &error))
        pfm_toast (GTK_WIDGET (self), "%s", error->message);
      return;
    }
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Choose a CSV Dataset"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (csv_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- actions and exports --------------------------------------------------------------- */

static void
train_action (GtkWidget *w, const char *a, GVariant *p)
{
  start_training (PFM_TRAINING_VIEW (w), 0);
}

static void
pause_action (GtkWidget *w, const char *a, GVariant *p)
{
  PfmTrainingView *self = PFM_TRAINING_VIEW (w);
  if (self->train_job == NULL)
    return;
  const gboolean pause = !self->train_job->paused;
  pfm_train_job_pause (self->train_job, pause);
  self->pause_confirmed = FALSE;
  set_progress_text (self, pause ? _("Pausing after this batch…") : _("Resuming…"));
  update_actions (self);
}

static void
cancel_action (GtkWidget *w, const char *a, GVariant *p)
{
  pfm_training_view_cancel (PFM_TRAINING_VIEW (w));
}

static void
use_action (GtkWidget *w, const char *a, GVariant *p)
{
  use_trained (PFM_TRAINING_VIEW (w));
  gtk_widget_activate_action (w, "win.view", "s", "propagation");
}

static void
fabricate_action (GtkWidget *w, const char *a, GVariant *p)
{
  PfmTrainingView *self = PFM_TRAINING_VIEW (w);
  start_fabricate (self, (guint) gtk_spin_button_get_value_as_int (self->copies_spin));
}

static void
export_project_action (GtkWidget *w, const char *a, GVariant *p)
{
  static const char *const patterns[] = { "*.pfm", NULL };
  pfm_save_dialog (w, _("Save Trained Project"), "trained.pfm", patterns, save_project, w, NULL);
}

static void
export_log_action (GtkWidget *w, const char *a, GVariant *p)
{
  static const char *const patterns[] = { "*.csv", NULL };
  pfm_save_dialog (w, _("Export Training Log"), "training-log.csv", patterns, save_log, w, NULL);
}

static void
export_evaluation_action (GtkWidget *w, const char *a, GVariant *p)
{
  static const char *const patterns[] = { "*.json", NULL };
  pfm_save_dialog (w, _("Export Evaluation"), "evaluation.json", patterns, save_evaluation, w, NULL);
}

static void
export_copies_action (GtkWidget *w, const char *a, GVariant *p)
{
  static const char *const patterns[] = { "*.csv", NULL };
  pfm_save_dialog (w, _("Export Fabricated Copies"), "copies.csv", patterns, save_copies, w, NULL);
}

/* --- construction ------------------------------------------------------------------------ */

static void
pfm_training_view_dispose (GObject *object)
{
  PfmTrainingView *self = PFM_TRAINING_VIEW (object);
  g_clear_handle_id (&self->prepare_id, g_source_remove);
  pfm_training_view_cancel (self);
  if (self->prepare_job)
    pfm_train_job_cancel (self->prepare_job);
  G_OBJECT_CLASS (pfm_training_view_parent_class)->dispose (object);
}

static void
pfm_training_view_finalize (GObject *object)
{
  PfmTrainingView *self = PFM_TRAINING_VIEW (object);
  pfm_shared_data_unref (self->shared);
  pfm_shared_data_unref (self->trained_data);
  g_free (self->data_error);
  g_array_unref (self->epochs);
  pfm_config_free (self->train_cfg);
  pfm_config_free (self->trained);
  pfm_config_free (self->applied);
  pfm_config_free (self->fab_cfg);
  pfm_train_result_free (self->result);
  pfm_evaluation_free (self->evaluation);
  pfm_evaluation_free (self->fabrication);
  g_free (self->gallery_power);
  g_free (self->result_text);
  g_free (self->fab_text);
  g_free (self->auto_save);
  G_OBJECT_CLASS (pfm_training_view_parent_class)->finalize (object);
}

/* What the command line asked for is done (no failure stops a screenshot). */
static gboolean
results_ready (PfmView *view, const GError **failure)
{
  return pfm_training_view_is_ready (PFM_TRAINING_VIEW (view));
}

static void
pfm_training_view_class_init (PfmTrainingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = pfm_training_view_dispose;
  object_class->finalize = pfm_training_view_finalize;
  PFM_VIEW_CLASS (klass)->results_ready = results_ready;
  /* The project's medium is now the trained index map. */
  signals[USE_TRAINED] = g_signal_new ("use-trained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, export_button);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, progress);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, setup_label);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, summary);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, copies_spin);
  gtk_widget_class_bind_template_child (widget_class, PfmTrainingView, plots_grid);
  gtk_widget_class_install_action (widget_class, "training.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "training.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "training.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "training.use", NULL, use_action);
  gtk_widget_class_install_action (widget_class, "training.fabricate", NULL, fabricate_action);
  gtk_widget_class_install_action (widget_class, "training.export-project", NULL, export_project_action);
  gtk_widget_class_install_action (widget_class, "training.export-log", NULL, export_log_action);
  gtk_widget_class_install_action (widget_class, "training.export-evaluation", NULL, export_evaluation_action);
  gtk_widget_class_install_action (widget_class, "training.export-copies", NULL, export_copies_action);
}

static void
make_plots (PfmTrainingView *self)
{
  pfm_training_plots_make (self->plots_grid, self->plots);
  for (int i = 0; i < PFM_TRAINING_N_PLOTS; i++)
    pfm_view_add_plot (PFM_VIEW (self), self->plots[i]);
  self->gallery = PFM_TRAIN_GALLERY (pfm_train_gallery_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->gallery), 440, 220);
  gtk_grid_attach (self->plots_grid, GTK_WIDGET (self->gallery), 0, 1, 2, 1);
  pfm_train_gallery_clear (self->gallery, _("Train to see test examples: true class → predicted class, with the "
                                            "light on each detector region (green: the true class)"));
  g_signal_connect (self->gallery, "example-selected", G_CALLBACK (example_selected_cb), self);
}

static void
pfm_training_view_init (PfmTrainingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->epochs = g_array_new (FALSE, TRUE, sizeof (PfmTrainEpoch));
  const char *const datasets[] = { _("Digits (8×8)"), _("Fashion-MNIST"), _("CSV File…"), NULL };
  GtkStringList *model = gtk_string_list_new (datasets);
  gtk_drop_down_set_model (self->dataset_dropdown, G_LIST_MODEL (model));
  g_object_unref (model);
  /* Names a screen reader says (a tooltip is only a description). */
  pfm_set_accessible_label (GTK_WIDGET (self->dataset_dropdown), _("Dataset"));
  pfm_set_accessible_label (self->export_button, _("Training exports"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copies_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Number of fabricated copies"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Training progress"), -1);
  make_plots (self);
}

GtkWidget *
pfm_training_view_new (PfmDocument *document)
{
  PfmTrainingView *self = g_object_new (PFM_TYPE_TRAINING_VIEW, "document", document, NULL);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  sync_dataset (self);
  g_signal_connect (self->dataset_dropdown, "notify::selected", G_CALLBACK (dataset_selected_cb), self);
  self->prepare_id = g_timeout_add (DEBOUNCE_MS, prepare_cb, self);
  update_setup (self);
  update_actions (self);
  set_progress_text (self, _("Not trained yet"));
  return GTK_WIDGET (self);
}

void
pfm_training_view_train_now (PfmTrainingView *self, guint pause_after, guint copies, gboolean use, const char *save_path)
{
  self->pending = TRUE;
  self->auto_copies = copies;
  self->auto_use = use;
  g_free (self->auto_save);
  self->auto_save = save_path && g_str_has_suffix (save_path, ".pfm") ? g_strdup (save_path) : NULL;
  start_training (self, pause_after);
}

gboolean
pfm_training_view_is_ready (PfmTrainingView *self)
{
  if (self->prepare_job || self->prepare_id)
    return FALSE;
  if (self->train_job)
    return self->pause_confirmed;
  return self->fab_job == NULL && !self->pending;
}

gboolean
pfm_training_view_has_unsaved (PfmTrainingView *self)
{
  return self->unsaved && self->result != NULL;
}

void
pfm_training_view_cancel (PfmTrainingView *self)
{
  if (self->train_job)
    pfm_train_job_cancel (self->train_job);
  if (self->fab_job)
    pfm_train_job_cancel (self->fab_job);
}

void
pfm_training_view_save_trained (PfmTrainingView *self)
{
  if (self->result)
    export_project_action (GTK_WIDGET (self), NULL, NULL);
}
