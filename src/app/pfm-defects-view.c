/* pfm-defects-view.c - fabricated copies, Monte-Carlo batches, calibration
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Fabricate copy" propagates the nominal device and one fabricated copy
 * (the [defects] settings) and shows what differs: the written index along
 * the axis, the light at the output facet, the output vector.  It reruns a
 * moment after any change.  "Run batch" measures many copies against the
 * nominal device on a set of input vectors, before and after the digital
 * calibration layer; "Sweep σ" repeats it over the voxel write error.
 * All work runs on worker threads with progress and cancel.
 */
#define G_LOG_DOMAIN "pfm-defects-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-batch.h"
#include "pfm-bpm.h"
#include "pfm-defects.h"
#include "pfm-defects-view.h"
#include "pfm-export.h"
#include "pfm-job.h"
#include "pfm-plot.h"

#define DEBOUNCE_MS 200
#define HIST_BINS   12

enum {
  PLOT_DN,
  PLOT_FACET,
  PLOT_OUTPUT,
  PLOT_HIST,
  PLOT_SWEEP,
  N_PLOTS
};

typedef enum {
  JOB_COPY,
  JOB_BATCH,
  JOB_SWEEP,
} JobKind;

typedef struct
{
  JobKind          kind;
  PfmConfig       *cfg;
  guint            copies;
  PfmJobRun       *run;      /* set on the worker */
  /* Results */
  PfmRecord       *nominal, *copy;
  PfmBatchResult  *batch;
  PfmBatchResult **sweep;
  guint            n_sweep;
  double           sigmas[PFM_DEFECTS_SWEEP_MAX];   /* the sweep's σ, ascending */
} Job;

struct _PfmDefectsView
{
  PfmView         parent_instance;
  GtkProgressBar *progress;
  GtkLabel       *summary;
  GtkSpinButton  *copies_spin;
  GtkGrid        *plots_grid;
  PfmPlot        *plots[N_PLOTS];
  PfmJob         *job;
  guint           debounce_id;
  gboolean        copy_done;
  GError         *copy_error;     /* why the last copy was not made, or NULL */
  PfmBatchResult *last_batch;
  gboolean        have_sweep;     /* the σ sweep plot holds a sweep */
};

G_DEFINE_FINAL_TYPE (PfmDefectsView, pfm_defects_view, PFM_TYPE_VIEW)

static void
job_free (Job *job)
{
  pfm_config_free (job->cfg);
  g_clear_pointer (&job->nominal, pfm_record_free);
  g_clear_pointer (&job->copy, pfm_record_free);
  g_clear_pointer (&job->batch, pfm_batch_result_free);
  for (guint i = 0; job->sweep && i < job->n_sweep; i++)
    g_clear_pointer (&job->sweep[i], pfm_batch_result_free);
  g_free (job->sweep);
  g_free (job);
}

static const char *
stale_notice (JobKind kind)
{
  return kind == JOB_BATCH ? _("Out of date: the parameters changed since this batch ran. Run Batch again.")
                           : _("Out of date: the parameters changed since this sweep ran. Sweep σ again.");
}

/* --- progress, from workers ------------------------------------------------- */

/* Main thread, for the current job only (PfmJob coalesces the reports). */
static void
job_progress (gpointer owner, gpointer data, guint done, guint total)
{
  PfmDefectsView *self = owner;
  gtk_progress_bar_set_fraction (self->progress, (double) done / total);
}

static void
batch_progress_cb (guint done, guint total, gpointer user_data)
{
  Job *job = user_data;
  if (total > 0 && (done % MAX (1u, total / 100) == 0 || done == total))
    pfm_job_run_progress (job->run, done, total);
}

/* The nominal device is the first half of the bar, the copy the second. */
static void
bpm_progress_cb (guint step, guint n_steps, double z, gpointer user_data)
{
  Job *job = user_data;
  if (step % MAX (1u, n_steps / 50) == 0)
    pfm_job_run_progress (job->run, step + (job->nominal ? n_steps : 0), 2 * n_steps);
}

/* --- the work --------------------------------------------------------------------- */

static PfmRecord *
propagate (Job *job, const PfmConfig *cfg, GError **error)
{
  PfmBpmOptions opts = { .threads = PFM_THREADS_AUTO };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, error);
  if (bpm == NULL)
    return NULL;
  PfmBpmCallbacks cb = { .progress = bpm_progress_cb, .user_data = job,
                         .cancel = pfm_job_run_get_cancel_flag (job->run) };
  return pfm_bpm_run (bpm, &cb, error);
}

static gboolean
job_thread (PfmJobRun *run, gpointer data, GError **error)
{
  Job *job = data;
  g_autoptr(GError) local = NULL;
  job->run = run;
  PfmBatchOptions o;
  pfm_batch_options_init (&o);
  o.copies = job->copies;
  /* Fewer inputs than the CLI's defaults keep a batch interactive; the
   * calibration still has more inputs than outputs to fit. */
  o.n_inputs = 8;
  o.n_calibration = MAX (24u, (guint) job->cfg->detector.regions + 8);
  PfmBatchCallbacks cb = { .progress = batch_progress_cb, .user_data = job,
                           .cancel = pfm_job_run_get_cancel_flag (run) };

  switch (job->kind)
    {
    case JOB_COPY:
      {
        g_autoptr(PfmConfig) nominal = pfm_config_copy (job->cfg);
        pfm_defects_nominal (nominal);
        job->nominal = propagate (job, nominal, &local);
        if (job->nominal)
          job->copy = propagate (job, job->cfg, &local);
        break;
      }
    case JOB_BATCH:
      job->batch = pfm_batch_run (job->cfg, &o, &cb, &local);
      break;
    case JOB_SWEEP:
      {
        /* From 0 past the sidebar's σ (pfm_defects_sweep_sigmas), that σ
         * among the points. */
        o.copies = MAX (4u, job->copies / 4);
        job->n_sweep = pfm_defects_sweep_sigmas (job->cfg->defects.sigma, job->sigmas);
        char text[PFM_DEFECTS_SWEEP_MAX][G_ASCII_DTOSTR_BUF_SIZE];
        const char *values[PFM_DEFECTS_SWEEP_MAX];
        for (guint i = 0; i < job->n_sweep; i++)
          values[i] = g_ascii_formatd (text[i], sizeof text[i], "%.6g", job->sigmas[i]);
        job->sweep = g_new0 (PfmBatchResult *, job->n_sweep);
        if (!pfm_batch_sweep (job->cfg, "defects.sigma", values, job->n_sweep, &o, &cb, job->sweep, &local))
          job->n_sweep = 0;
        break;
      }
    }
  /* Failed exactly when an error was set (a cancelled copy is a result). */
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* --- showing results ------------------------------------------------------------- */

/* Effective bits for the text: infinite (no error at all) is "unbounded",
 * never "inf" or "nan". */
static char *
bits_text (double bits)
{
  if (isfinite (bits))
    return g_strdup_printf ("%.1f", bits);
  return g_strdup (isnan (bits) ? _("not measured") : _("unbounded"));
}

static void
show_copy (PfmDefectsView *self, Job *job)
{
  const PfmRecord *a = job->nominal, *b = job->copy;
  if (a == NULL || b == NULL || a->vol_count == 0 || b->vol_count == 0 || a->vol_nx != b->vol_nx)
    return;
  const int n = a->vol_nx;
  const int nz = MIN (a->vol_count, b->vol_count);
  const gsize slice = (gsize) n * n;
  int mid = CLAMP ((int) lround (-a->vol_x0 / a->vol_dx), 0, n - 1);
  g_autofree float *dn = g_new (float, (gsize) n * nz);
  double max_dn = 0;
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < n; j++)
      {
        gsize p = k * slice + (gsize) mid * n + j;
        float d = b->vol_dn[p] - a->vol_dn[p];
        dn[(gsize) j * nz + k] = d;
        max_dn = MAX (max_dn, fabs (d));
      }
  const double x1 = a->vol_x0 + (n - 1) * a->vol_dx;
  pfm_plot_set_image (self->plots[PLOT_DN], dn, nz, n, a->vol_z[0], a->vol_z[nz - 1], a->vol_x0, x1, "", FALSE);
  pfm_plot_set_image_range (self->plots[PLOT_DN], max_dn > 0 ? -max_dn : NAN, max_dn > 0 ? max_dn : NAN);

  /* Intensity difference at the output facet (the last recorded slices). */
  g_autofree float *di = g_new (float, slice);
  const float *ia = a->vol_intensity + (a->vol_count - 1) * slice, *ib = b->vol_intensity + (b->vol_count - 1) * slice;
  double max_di = 0;
  for (gsize p = 0; p < slice; p++)
    {
      di[p] = ib[p] - ia[p];
      max_di = MAX (max_di, fabs (di[p]));
    }
  pfm_plot_set_image (self->plots[PLOT_FACET], di, n, n, a->vol_x0, x1, a->vol_x0, x1, "W/m^2", FALSE);
  pfm_plot_set_image_range (self->plots[PLOT_FACET], max_di > 0 ? -max_di : NAN, max_di > 0 ? max_di : NAN);

  if (a->n_output > 0 && a->n_output == b->n_output)
    {
      g_autofree double *idx = g_new (double, a->n_output);
      double num = 0, den = 0;
      for (int i = 0; i < a->n_output; i++)
        {
          idx[i] = i;
          num += (b->output[i] - a->output[i]) * (b->output[i] - a->output[i]);
          den += a->output[i] * a->output[i];
        }
      pfm_plot_set_series (self->plots[PLOT_OUTPUT], 0, idx, a->output, a->n_output);
      pfm_plot_set_series (self->plots[PLOT_OUTPUT], 1, idx, b->output, b->n_output);
      const double rel = den > 0 ? sqrt (num / den) : 0.0;
      g_autofree char *text = NULL;
      if (!pfm_defects_active (job->cfg))
        text = g_strdup (_("All defects are zero: the copy is the design. Set a write error σ, stuck voxels, "
                           "inclusions, a taper… in the sidebar to fabricate an imperfect copy."));
      else
        {
          /* The seed is formatted apart: gettext cannot see through G_GUINT64_FORMAT. */
          g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, job->cfg->defects.seed);
          g_autofree char *bits = bits_text (rel > 0 ? -log2 (rel) : INFINITY);
          text = g_strdup_printf (_("This copy (defect seed %s): output vector off by %.3g%% "
                                    "(relative error), %s effective bits. Run a batch for the statistics over many copies."),
                                  seed, 100 * rel, bits);
        }
      gtk_label_set_text (self->summary, text);
    }
}

static void
show_batch (PfmDefectsView *self, const PfmBatchResult *r)
{
  const PfmMetric m = PFM_METRIC_RELATIVE_ERROR;
  double hi = 0;
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      if (c->resolved && isfinite (c->metric[m]))
        hi = MAX (hi, c->metric[m]);
    }
  if (hi <= 0)
    hi = 1e-3;
  /* Bars over the error in % (as the text gives it), counts of copies. */
  double before[HIST_BINS] = { 0 }, after[HIST_BINS] = { 0 }, centre[HIST_BINS];
  for (int b = 0; b < HIST_BINS; b++)
    centre[b] = 100 * (b + 0.5) * hi / HIST_BINS;
  for (guint i = 0; i < r->copies->len; i++)
    {
      const PfmCopyResult *c = &g_array_index (r->copies, PfmCopyResult, i);
      if (!c->resolved)
        continue;
      if (isfinite (c->metric[m]))
        before[MIN (HIST_BINS - 1, (int) (c->metric[m] / hi * HIST_BINS))] += 1;
      if (isfinite (c->calibrated[m]))
        after[MIN (HIST_BINS - 1, (int) (c->calibrated[m] / hi * HIST_BINS))] += 1;
    }
  pfm_plot_set_stale (self->plots[PLOT_HIST], NULL);
  pfm_plot_set_series (self->plots[PLOT_HIST], 0, centre, before, HIST_BINS);
  pfm_plot_set_series (self->plots[PLOT_HIST], 1, centre, after, HIST_BINS);
  g_autofree char *title = g_strdup_printf (_("Relative error of %u copies"), r->copies->len);
  pfm_plot_set_title (self->plots[PLOT_HIST], title);
  g_autofree char *xlabel = g_strdup_printf (_("relative error (%%), bins of %.2g %%"), 100 * hi / HIST_BINS);
  pfm_plot_set_x_axis (self->plots[PLOT_HIST], xlabel, "", FALSE);

  g_autofree char *bits = bits_text (r->stats[PFM_METRIC_EFFECTIVE_BITS].mean);
  g_autofree char *bits_cal = bits_text (r->stats_calibrated[PFM_METRIC_EFFECTIVE_BITS].mean);
  g_autofree char *text = g_strdup_printf (
    _("Batch of %u copies (%u resolved): relative error %.3g%% ± %.3g%% before calibration, %.3g%% ± %.3g%% after; "
      "cosine similarity %.5f → %.5f; effective bits %s → %s; yield (error ≤ %.3g%%) %.0f%% → %.0f%%."),
    r->copies->len, r->n_resolved,
    100 * r->stats[m].mean, 100 * r->stats[m].std, 100 * r->stats_calibrated[m].mean, 100 * r->stats_calibrated[m].std,
    r->stats[PFM_METRIC_COSINE_SIMILARITY].mean, r->stats_calibrated[PFM_METRIC_COSINE_SIMILARITY].mean,
    bits, bits_cal,
    100 * r->options.threshold, 100 * r->yield, 100 * r->yield_calibrated);
  gtk_label_set_text (self->summary, text);
}

static void
show_sweep (PfmDefectsView *self, Job *job)
{
  g_autofree double *x = g_new (double, job->n_sweep);
  g_autofree double *a = g_new (double, job->n_sweep);
  g_autofree double *b = g_new (double, job->n_sweep);
  for (guint i = 0; i < job->n_sweep; i++)
    {
      x[i] = job->sigmas[i];
      a[i] = 100 * job->sweep[i]->stats[PFM_METRIC_RELATIVE_ERROR].mean;
      b[i] = 100 * job->sweep[i]->stats_calibrated[PFM_METRIC_RELATIVE_ERROR].mean;
    }
  pfm_plot_set_stale (self->plots[PLOT_SWEEP], NULL);
  self->have_sweep = TRUE;
  pfm_plot_set_series (self->plots[PLOT_SWEEP], 0, x, a, job->n_sweep);
  pfm_plot_set_series (self->plots[PLOT_SWEEP], 1, x, b, job->n_sweep);
  const double sigma = job->cfg->defects.sigma;
  pfm_plot_set_markers (self->plots[PLOT_SWEEP], &sigma, sigma > 0 ? 1 : 0, _("this σ"));
  if (job->n_sweep > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Swept the write error σ from 0 to %g δn (%u points, %u copies each)."),
                                               job->sigmas[job->n_sweep - 1], job->n_sweep,
                                               job->sweep[0]->copies->len);
      gtk_label_set_text (self->summary, text);
    }
}

/* Main thread, for the current job only: PfmJob drops a superseded one. */
static void
job_done (gpointer owner, gpointer data, GError *error)
{
  PfmDefectsView *self = owner;
  Job *job = data;
  const gboolean ok = error == NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "defects.cancel", FALSE);
  gtk_progress_bar_set_fraction (self->progress, ok ? 1.0 : 0.0);
  if (!ok)
    {
      gtk_label_set_text (self->summary, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                         ? _("Cancelled.") : error->message);
      if (job->kind == JOB_COPY)
        {
          self->copy_done = TRUE;
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            self->copy_error = g_error_copy (error);
        }
      return;
    }
  switch (job->kind)
    {
    case JOB_COPY:
      show_copy (self, job);
      self->copy_done = TRUE;
      break;
    case JOB_BATCH:
      show_batch (self, job->batch);
      g_clear_pointer (&self->last_batch, pfm_batch_result_free);
      self->last_batch = g_steal_pointer (&job->batch);
      break;
    case JOB_SWEEP:
      show_sweep (self, job);
      break;
    }
}

static void
start_job (PfmDefectsView *self, JobKind kind)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  Job *job = g_new0 (Job, 1);
  job->kind = kind;
  job->cfg = pfm_config_copy (pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self))));
  job->copies = (guint) gtk_spin_button_get_value_as_int (self->copies_spin);
  if (kind == JOB_COPY)
    {
      self->copy_done = FALSE;
      g_clear_error (&self->copy_error);
    }
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "defects.cancel", TRUE);
  gtk_label_set_text (self->summary, kind == JOB_COPY ? _("Fabricating a copy and propagating it beside the design…")
                                     : kind == JOB_BATCH ? _("Running the batch…") : _("Sweeping the write error σ…"));
  /* Supersedes (cancels) the job in flight. */
  pfm_job_start (self->job, job_thread, job, (GDestroyNotify) job_free);
}

static gboolean
debounce_cb (gpointer p)
{
  PfmDefectsView *self = p;
  self->debounce_id = 0;
  start_job (self, JOB_COPY);
  return G_SOURCE_REMOVE;
}

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmDefectsView *self)
{
  if (!(pfm_config_key_affects (key) & PFM_AFFECTS_RUN))
    return;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->copy_done = FALSE;
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
  /* The copy re-runs by itself (and cancels a batch or sweep in flight);
   * a batch or sweep is the user's to re-run: what they show is marked
   * out of date until then. */
  if (self->last_batch != NULL)
    pfm_plot_set_stale (self->plots[PLOT_HIST], stale_notice (JOB_BATCH));
  if (self->have_sweep)
    pfm_plot_set_stale (self->plots[PLOT_SWEEP], stale_notice (JOB_SWEEP));
}

/* --- actions ------------------------------------------------------------------------- */

static void
copy_action (GtkWidget *w, const char *a, GVariant *p)
{
  start_job (PFM_DEFECTS_VIEW (w), JOB_COPY);
}

static void
batch_action (GtkWidget *w, const char *a, GVariant *p)
{
  start_job (PFM_DEFECTS_VIEW (w), JOB_BATCH);
}

static void
sweep_action (GtkWidget *w, const char *a, GVariant *p)
{
  start_job (PFM_DEFECTS_VIEW (w), JOB_SWEEP);
}

/* The next copy off the line: the next defect seed, set in the project
 * (so the sidebar, the text and a saved project all say which copy it is;
 * Undo goes back); the change makes the copy again. */
static void
another_action (GtkWidget *w, const char *a, GVariant *p)
{
  PfmDefectsView *self = PFM_DEFECTS_VIEW (w);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                           pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self)))->defects.seed + 1);
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (pfm_view_get_document (PFM_VIEW (self)), "defects.seed", seed, &error))
    gtk_label_set_text (self->summary, error->message);
}

static void
cancel_action (GtkWidget *w, const char *a, GVariant *p)
{
  pfm_job_cancel (PFM_DEFECTS_VIEW (w)->job);
}

static gboolean
save_batch (const char *path, gpointer user_data, GError **error)
{
  PfmDefectsView *self = user_data;
  return pfm_write_csv_or_json (path, self->last_batch, (PfmFormatFunc) pfm_batch_result_to_csv,
                                (PfmFormatFunc) pfm_batch_result_to_json, _("run a batch first"), error);
}

static void
export_action (GtkWidget *w, const char *a, GVariant *p)
{
  static const char *const patterns[] = { "*.json", "*.csv", NULL };
  pfm_save_dialog (w, _("Export Batch Results"), "batch.json", patterns, save_batch, w, NULL);
}

/* --- construction --------------------------------------------------------------------- */

static void
pfm_defects_view_dispose (GObject *object)
{
  PfmDefectsView *self = PFM_DEFECTS_VIEW (object);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->job)
    pfm_job_cancel (self->job);
  g_clear_pointer (&self->last_batch, pfm_batch_result_free);
  g_clear_error (&self->copy_error);
  g_clear_object (&self->job);   /* a run in flight holds its own reference */
  G_OBJECT_CLASS (pfm_defects_view_parent_class)->dispose (object);
}

/* The copy of the current settings is shown, or could not be made. */
static gboolean
results_ready (PfmView *view, const GError **failure)
{
  PfmDefectsView *self = PFM_DEFECTS_VIEW (view);
  if (!pfm_defects_view_is_ready (self))
    return FALSE;
  *failure = self->copy_error;
  return TRUE;
}

static void
pfm_defects_view_class_init (PfmDefectsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = pfm_defects_view_dispose;
  PFM_VIEW_CLASS (klass)->results_ready = results_ready;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-defects-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PfmDefectsView, progress);
  gtk_widget_class_bind_template_child (widget_class, PfmDefectsView, summary);
  gtk_widget_class_bind_template_child (widget_class, PfmDefectsView, copies_spin);
  gtk_widget_class_bind_template_child (widget_class, PfmDefectsView, plots_grid);
  gtk_widget_class_install_action (widget_class, "defects.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "defects.another", NULL, another_action);
  gtk_widget_class_install_action (widget_class, "defects.batch", NULL, batch_action);
  gtk_widget_class_install_action (widget_class, "defects.sweep", NULL, sweep_action);
  gtk_widget_class_install_action (widget_class, "defects.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "defects.export", NULL, export_action);
}

static PfmPlot *
make_plot (GtkGrid *grid, PfmPlotKind kind, const char *title, const char *xl, const char *xu,
           const char *yl, const char *yu, int col, int row)
{
  PfmPlot *p = PFM_PLOT (pfm_plot_new (kind));
  pfm_plot_set_title (p, title);
  pfm_plot_set_x_axis (p, xl, xu, FALSE);
  pfm_plot_set_y_axis (p, yl, yu, FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (p), 220, 230);
  gtk_grid_attach (grid, GTK_WIDGET (p), col, row, 1, 1);
  return p;
}

static void
pfm_defects_view_init (PfmDefectsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->job = pfm_job_new (G_OBJECT (self), job_progress, job_done);
  GtkGrid *g = self->plots_grid;
  self->plots[PLOT_DN] = make_plot (g, PFM_PLOT_IMAGE, _("Index difference, copy − design (y = 0)"), "z", "m", "x", "m", 0, 0);
  self->plots[PLOT_FACET] = make_plot (g, PFM_PLOT_IMAGE, _("Intensity difference at the output"), "x", "m", "y", "m", 1, 0);
  pfm_plot_set_equal_aspect (self->plots[PLOT_FACET], TRUE);
  self->plots[PLOT_OUTPUT] = make_plot (g, PFM_PLOT_BARS, _("Output vector: design and copy"), _("region"), "", _("power"), "W", 2, 0);
  pfm_plot_add_series (self->plots[PLOT_OUTPUT], _("design"), 0, FALSE);
  pfm_plot_add_series (self->plots[PLOT_OUTPUT], _("copy"), 1, FALSE);
  self->plots[PLOT_HIST] = make_plot (g, PFM_PLOT_HISTOGRAM, _("Relative error over copies"), _("relative error (%)"), "",
                                      _("copies"), "", 0, 1);
  pfm_plot_set_y_integer (self->plots[PLOT_HIST], TRUE);
  pfm_plot_add_series (self->plots[PLOT_HIST], _("before calibration"), 4, FALSE);
  pfm_plot_add_series (self->plots[PLOT_HIST], _("after calibration"), 2, FALSE);
  pfm_plot_set_placeholder (self->plots[PLOT_HIST], _("Run a batch to see the distribution"));
  self->plots[PLOT_SWEEP] = make_plot (g, PFM_PLOT_LINES, _("Mean relative error vs σ"), _("write error σ (× δn)"), "",
                                       _("mean relative error (%)"), "", 1, 1);
  pfm_plot_add_series (self->plots[PLOT_SWEEP], _("before calibration"), 4, FALSE);
  pfm_plot_add_series (self->plots[PLOT_SWEEP], _("after calibration"), 2, TRUE);
  pfm_plot_set_placeholder (self->plots[PLOT_SWEEP], _("Sweep σ to see the trend"));
  for (int i = 0; i < N_PLOTS; i++)
    pfm_view_add_plot (PFM_VIEW (self), self->plots[i]);
}

GtkWidget *
pfm_defects_view_new (PfmDocument *document)
{
  PfmDefectsView *self = g_object_new (PFM_TYPE_DEFECTS_VIEW, "document", document, NULL);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "defects.cancel", FALSE);
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
  return GTK_WIDGET (self);
}

gboolean
pfm_defects_view_is_ready (PfmDefectsView *self)
{
  return self->copy_done && !pfm_job_is_running (self->job) && self->debounce_id == 0;
}

const GError *
pfm_defects_view_get_error (PfmDefectsView *self)
{
  return self->copy_error;
}
