/* pfm-sweep-view.c - sweeps of one or two keys: progress, cancel, plots
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's sweep (pfm-sweep.c, the one `pfm-cli sweep` drives) over
 * one or two numeric keys of the sidebar: each axis is a key, a start, a
 * stop, a number of points and optionally log spacing, entered in the
 * sidebar's units and checked against the key's range.  The grid runs on a
 * worker thread (one propagation per point, FFTW's estimated plans on one
 * thread, so its JSON is byte for byte `pfm-cli sweep --estimate`'s).  Any
 * metric of the rows is plotted: a line for one key, a heat map for two.
 * A change of the project marks the shown result out of date.
 */
#define G_LOG_DOMAIN "pfm-sweep-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-file.h"
#include "pfm-job.h"
#include "pfm-param-group.h"
#include "pfm-plot.h"
#include "pfm-sweep.h"
#include "pfm-sweep-view.h"

typedef struct
{
  const char *label;   /* translatable */
  const char *unit;    /* SI: the plots add the prefixes */
  gsize       offset;  /* into PfmSweepRow */
} Metric;

#define M(field) offsetof (PfmSweepRow, field)
static const Metric metrics[] = {
  { N_("Where the run stopped"), "m", M (stop_z) },
  { N_("Distance to 10× the input peak (z_peak10)"), "m", M (z_peak10) },
  { N_("Power left (fraction of the input)"), "", M (power_ratio) },
  { N_("Largest peak intensity"), "W/m²", M (peak_max) },
  { N_("z of the largest peak"), "m", M (z_peak_max) },
  { N_("B-integral"), "rad", M (b_integral) },
  { N_("Final width x"), "m", M (width_x) },
  { N_("Final width y"), "m", M (width_y) },
  { N_("Output error against point 0"), "", M (relative_error) },
  { N_("Power over the critical power P₀/P_cr"), "", M (p_over_pcr) },
  { N_("Marburger collapse distance z_c"), "m", M (z_marburger) },
  { N_("Power at the end"), "W", M (power) },
};
#undef M

typedef struct
{
  GtkDropDown    *key;
  GtkEntry       *start, *stop;
  GtkSpinButton  *count;
  GtkCheckButton *log;
  double          factor;   /* the display factor the fields were written in */
} Axis;

typedef struct
{
  gboolean        stale;     /* the project changed while it ran */
  PfmConfig      *cfg;
  GPtrArray      *axes;      /* PfmSweepAxis* */
  PfmJobRun      *run;       /* set on the worker */
  PfmSweepResult *result;
} Job;

struct _PfmSweepView
{
  PfmView         parent_instance;
  GtkGrid        *axes_grid;
  GtkLabel       *message, *summary;
  GtkProgressBar *progress;
  GtkDropDown    *metric_drop;
  GtkBox         *plot_box;
  GtkCheckButton *second;
  Axis            axis[PFM_SWEEP_MAX_AXES];
  GPtrArray      *keys;      /* char*, the numeric keys offered */
  PfmPlot        *line, *map;
  PfmJob         *job;
  PfmSweepResult *result;
  gboolean        stale;
  GError         *error;     /* why the last sweep failed (not a cancel) */
  char           *export_path;
  gboolean        relabelling;
};

G_DEFINE_FINAL_TYPE (PfmSweepView, pfm_sweep_view, PFM_TYPE_VIEW)

static void
job_free (Job *job)
{
  pfm_config_free (job->cfg);
  g_ptr_array_unref (job->axes);
  g_clear_pointer (&job->result, pfm_sweep_result_free);
  g_free (job);
}

/* --- fields ------------------------------------------------------------------- */

static const char *
axis_key (PfmSweepView *self, guint a)
{
  guint i = gtk_drop_down_get_selected (self->axis[a].key);
  return i < self->keys->len ? self->keys->pdata[i] : NULL;
}

static void
set_number (GtkEntry *entry, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.10g", v);
  gtk_editable_set_text (GTK_EDITABLE (entry), buf);
}

/* A new key: from its current value to twice it (or to 1 from zero). */
static void
key_selected_cb (GtkDropDown *drop, GParamSpec *pspec, PfmSweepView *self)
{
  if (self->relabelling)
    return;
  for (guint a = 0; a < PFM_SWEEP_MAX_AXES; a++)
    {
      if (self->axis[a].key != drop || axis_key (self, a) == NULL)
        continue;
      const char *key = axis_key (self, a);
      const PfmKeyInfo *info = pfm_config_lookup_key (key);
      g_autofree char *text = pfm_document_get_value (pfm_view_get_document (PFM_VIEW (self)), key);
      double v = g_ascii_strtod (text, NULL);
      double stop = v != 0 ? 2 * v : 1.0;
      if (stop > info->max)
        stop = v != 0 ? v / 2 : info->max;
      self->axis[a].factor = pfm_key_display_factor (key);
      set_number (self->axis[a].start, v / self->axis[a].factor);
      set_number (self->axis[a].stop, stop / self->axis[a].factor);
    }
}

static GListModel *key_titles (PfmSweepView *self);

/* The fields keep their quantity when the unit style changes, and the
 * key menus show the new units. */
static void
units_changed_cb (GSettings *settings, const char *name, PfmSweepView *self)
{
  self->relabelling = TRUE;
  for (guint a = 0; a < PFM_SWEEP_MAX_AXES; a++)
    {
      guint selected = gtk_drop_down_get_selected (self->axis[a].key);
      g_autoptr(GListModel) titles = key_titles (self);
      gtk_drop_down_set_model (self->axis[a].key, titles);
      gtk_drop_down_set_selected (self->axis[a].key, selected);
    }
  self->relabelling = FALSE;
  for (guint a = 0; a < PFM_SWEEP_MAX_AXES; a++)
    {
      const char *key = axis_key (self, a);
      if (key == NULL)
        continue;
      double f = pfm_key_display_factor (key);
      GtkEntry *entries[] = { self->axis[a].start, self->axis[a].stop };
      for (guint e = 0; e < 2; e++)
        {
          char *end = NULL;
          const char *text = gtk_editable_get_text (GTK_EDITABLE (entries[e]));
          double v = g_ascii_strtod (text, &end);
          if (end != text && *end == '\0')
            set_number (entries[e], v * self->axis[a].factor / f);
        }
      self->axis[a].factor = f;
    }
}

static void
show_message (PfmSweepView *self, const char *message)
{
  gtk_label_set_text (self->message, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), message != NULL);
}

static void
mark (GtkWidget *w, gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (w, "error");
  else
    gtk_widget_remove_css_class (w, "error");
}

/* One bound of an axis in SI, or FALSE with a message in the field's unit
 * that shows the accepted range. */
static gboolean
read_bound (PfmSweepView *self, guint a, GtkEntry *entry, const char *what, double *si, GError **error)
{
  const char *key = axis_key (self, a);
  const PfmKeyInfo *info = pfm_config_lookup_key (key);
  const double f = pfm_key_display_factor (key);
  const char *unit = pfm_key_display_unit (key);
  g_autofree char *title = pfm_key_display_title (key);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);
  mark (GTK_WIDGET (entry), FALSE);
  if (end == text || *end != '\0' || !isfinite (v))
    {
      mark (GTK_WIDGET (entry), TRUE);
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC, _("Key %u, %s: “%s” is not a number (%s)."),
                   a + 1, what, text, title);
      return FALSE;
    }
  *si = v * f;
  gboolean low = info->min_exclusive ? *si <= info->min : *si < info->min;
  if (low || *si > info->max)
    {
      mark (GTK_WIDGET (entry), TRUE);
      g_autofree char *u = unit[0] ? g_strconcat (" ", _(unit), NULL) : g_strdup ("");
      g_autofree char *range = info->min_exclusive
        ? g_strdup_printf (_("more than %g and at most %g%s"), info->min / f, info->max / f, u)
        : g_strdup_printf (_("%g to %g%s"), info->min / f, info->max / f, u);
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC, _("Key %u, %s: %s%s is out of range for %s: accepted %s."),
                   a + 1, what, text, u, title, range);
      return FALSE;
    }
  return TRUE;
}

/* "KEY=START:STOP:N[:log]" from the fields of axis @a. */
static char *
axis_vary (PfmSweepView *self, guint a, GError **error)
{
  double start, stop;
  if (!read_bound (self, a, self->axis[a].start, _("start"), &start, error) ||
      !read_bound (self, a, self->axis[a].stop, _("stop"), &stop, error))
    return NULL;
  const gboolean log = gtk_check_button_get_active (self->axis[a].log);
  if (log && (start <= 0 || stop <= 0))
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   _("Key %u: log spacing needs a start and a stop above 0."), a + 1);
      return NULL;
    }
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (b1, sizeof b1, "%.12g", start);
  g_ascii_formatd (b2, sizeof b2, "%.12g", stop);
  return g_strdup_printf ("%s=%s:%s:%d%s", axis_key (self, a), b1, b2,
                          gtk_spin_button_get_value_as_int (self->axis[a].count), log ? ":log" : "");
}

static gboolean
select_key (PfmSweepView *self, guint a, const char *key)
{
  for (guint i = 0; i < self->keys->len; i++)
    if (g_str_equal (self->keys->pdata[i], key))
      {
        gtk_drop_down_set_selected (self->axis[a].key, i);
        key_selected_cb (self->axis[a].key, NULL, self);
        return TRUE;
      }
  return FALSE;
}

static gboolean
set_spec (PfmSweepView *self, guint a, const char *vary, GError **error)
{
  g_auto(GStrv) kv = g_strsplit (vary, "=", 2);
  g_auto(GStrv) parts = kv[0] && kv[1] ? g_strsplit (kv[1], ":", -1) : NULL;
  guint n = parts ? g_strv_length (parts) : 0;
  guint64 count = 0;
  if ((n != 3 && n != 4) || (n == 4 && strcmp (parts[3], "log") != 0) ||
      !g_ascii_string_to_unsigned (parts[2], 10, 1, PFM_SWEEP_MAX_POINTS, &count, NULL))
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   _("“%s”: accepted KEY=START:STOP:N or KEY=START:STOP:N:log (SI values, N in [1, %d])"),
                   vary, PFM_SWEEP_MAX_POINTS);
      return FALSE;
    }
  if (!select_key (self, a, kv[0]))
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC,
                   _("“%s”: not a numeric key of the project (the keys the sweep offers are the sidebar's)"), kv[0]);
      return FALSE;
    }
  const double f = self->axis[a].factor;
  set_number (self->axis[a].start, g_ascii_strtod (parts[0], NULL) / f);
  set_number (self->axis[a].stop, g_ascii_strtod (parts[1], NULL) / f);
  gtk_spin_button_set_value (self->axis[a].count, (double) count);
  gtk_check_button_set_active (self->axis[a].log, n == 4);
  return TRUE;
}

gboolean
pfm_sweep_view_set_specs (PfmSweepView *self, const char *const *specs, GError **error)
{
  guint n = specs ? g_strv_length ((char **) specs) : 0;
  if (n < 1 || n > PFM_SWEEP_MAX_AXES)
    {
      g_set_error (error, PFM_SWEEP_ERROR, PFM_SWEEP_ERROR_SPEC, _("%u sweep keys: accepted one or two"), n);
      return FALSE;
    }
  for (guint a = 0; a < n; a++)
    if (!set_spec (self, a, specs[a], error))
      return FALSE;
  gtk_check_button_set_active (self->second, n == 2);
  return TRUE;
}

/* --- progress and the work ------------------------------------------------------ */

/* Main thread, for the current sweep only (PfmJob coalesces the reports). */
static void
job_progress (gpointer owner, gpointer data, guint done, guint total)
{
  PfmSweepView *self = owner;
  if (total == 0)
    return;
  g_autofree char *text = g_strdup_printf (_("Point %u of %u"), done, total);
  gtk_progress_bar_set_fraction (self->progress, (double) done / total);
  gtk_progress_bar_set_text (self->progress, text);
}

static void
sweep_progress_cb (guint done, guint total, gpointer user_data)
{
  Job *job = user_data;
  pfm_job_run_progress (job->run, done, total);
}

static gboolean
job_thread (PfmJobRun *run, gpointer data, GError **error)
{
  Job *job = data;
  job->run = run;
  PfmSweepOptions o;
  pfm_sweep_options_init (&o);
  o.rigor = PFM_PLAN_ESTIMATE;   /* the same bits as pfm-cli sweep --estimate */
  PfmSweepCallbacks cb = { .progress = sweep_progress_cb, .user_data = job,
                           .cancel = pfm_job_run_get_cancel_flag (run) };
  job->result = pfm_sweep_run (job->cfg, (PfmSweepAxis **) job->axes->pdata, job->axes->len, &o, &cb, error);
  return job->result != NULL;
}

/* --- showing results ------------------------------------------------------------ */

static double
row_metric (const PfmSweepRow *row, const Metric *m)
{
  double v = *(const double *) ((const char *) row + m->offset);
  return isfinite (v) ? v : NAN;
}

/* Value @j of a result axis, in SI (the plots add the prefixes). */
static double
axis_value (const PfmSweepAxis *ax, guint j)
{
  const char *text = ax->values->pdata[j];
  return g_ascii_strtod (text, NULL);
}

static gboolean
axis_is_log (const PfmSweepAxis *ax)
{
  return g_str_has_suffix (ax->spec, ":log");
}

/* Cell edges around the first and last point (log spacing: in log). */
static void
axis_extent (const PfmSweepAxis *ax, double *lo, double *hi)
{
  const guint n = ax->values->len;
  const double a = axis_value (ax, 0), b = axis_value (ax, n - 1);
  if (axis_is_log (ax) && a > 0 && b > 0)
    {
      double r = n > 1 ? sqrt (pow (b / a, 1.0 / (n - 1))) : 2.0;
      *lo = a / r;
      *hi = b * r;
      return;
    }
  double h = n > 1 ? 0.5 * (b - a) / (n - 1) : (a != 0 ? 0.5 * fabs (a) : 0.5);
  *lo = a - h;
  *hi = b + h;
}

static void
set_key_axis (PfmPlot *plot, gboolean x, const PfmSweepAxis *ax)
{
  const PfmKeyDisplay *d = pfm_key_display (ax->key);
  const char *label = d ? _(d->label) : ax->key;
  const PfmKeyInfo *info = pfm_config_lookup_key (ax->key);
  const char *unit = info ? info->unit : "";
  if (x)
    pfm_plot_set_x_axis (plot, label, unit, axis_is_log (ax));
  else
    pfm_plot_set_y_axis (plot, label, unit, axis_is_log (ax));
}

static void
show_line (PfmSweepView *self, const PfmSweepResult *r, const Metric *m)
{
  const PfmSweepAxis *ax = r->axes->pdata[0];
  g_autofree double *x = g_new (double, r->rows->len);
  g_autofree double *y = g_new (double, r->rows->len);
  for (guint i = 0; i < r->rows->len; i++)
    {
      const PfmSweepRow *row = &g_array_index (r->rows, PfmSweepRow, i);
      x[i] = axis_value (ax, row->point % ax->values->len);
      y[i] = row_metric (row, m);
    }
  set_key_axis (self->line, TRUE, ax);
  pfm_plot_set_y_axis (self->line, _(m->label), m->unit, FALSE);
  pfm_plot_set_title (self->line, _(m->label));
  guint finite = 0;
  for (guint i = 0; i < r->rows->len; i++)
    finite += isfinite (y[i]);
  if (finite == 0)
    pfm_plot_clear_data (self->line);
  else
    pfm_plot_set_series (self->line, 0, x, y, r->rows->len);
  pfm_plot_set_placeholder (self->line, _("No point of this sweep has this metric (for example, no peak reached 10× its input)"));
}

static void
show_map (PfmSweepView *self, const PfmSweepResult *r, const Metric *m)
{
  const PfmSweepAxis *a1 = r->axes->pdata[0], *a2 = r->axes->pdata[1];
  const guint n1 = a1->values->len, n2 = a2->values->len;
  g_autofree float *v = g_new (float, (gsize) n1 * n2);
  for (gsize p = 0; p < (gsize) n1 * n2; p++)
    v[p] = NAN;
  for (guint i = 0; i < r->rows->len; i++)
    {
      const PfmSweepRow *row = &g_array_index (r->rows, PfmSweepRow, i);
      if (row->point < n1 * n2)
        v[row->point] = (float) row_metric (row, m);   /* p = i1 N2 + i2: row i1, column i2 */
    }
  double x0, x1, y0, y1;
  axis_extent (a2, &x0, &x1);
  axis_extent (a1, &y0, &y1);
  set_key_axis (self->map, TRUE, a2);
  set_key_axis (self->map, FALSE, a1);
  pfm_plot_set_title (self->map, _(m->label));
  guint finite = 0;
  for (gsize p = 0; p < (gsize) n1 * n2; p++)
    finite += isfinite (v[p]);
  pfm_plot_clear_data (self->map);
  if (finite > 0)
    pfm_plot_set_image (self->map, v, (int) n2, (int) n1, x0, x1, y0, y1, m->unit, FALSE);
  pfm_plot_set_placeholder (self->map, _("No point of this sweep has this metric (for example, no peak reached 10× its input)"));
}

static void
update_summary (PfmSweepView *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  if (self->stale)
    g_string_append (s, _("Out of date: the parameters changed since this sweep ran. Run it again to update it. "));
  const PfmSweepResult *r = self->result;
  if (r != NULL)
    {
      guint completed = 0, unresolved = 0;
      for (guint i = 0; i < r->rows->len; i++)
        {
          const PfmSweepRow *row = &g_array_index (r->rows, PfmSweepRow, i);
          completed += row->status == PFM_RUN_COMPLETED;
          unresolved += row->status == PFM_RUN_UNRESOLVED;
        }
      g_string_append_printf (s, _("%u points: %u ran the whole length, %u stopped unresolved "
                                   "(their last resolved slice is plotted; “-” in the exported table where a metric "
                                   "was never reached)."), r->rows->len, completed, unresolved);
    }
  gtk_label_set_text (self->summary, s->str);
}

static void
show_result (PfmSweepView *self)
{
  const PfmSweepResult *r = self->result;
  const gboolean two = r != NULL && r->axes->len == 2;
  gtk_widget_set_visible (GTK_WIDGET (self->line), !two);
  gtk_widget_set_visible (GTK_WIDGET (self->map), two);
  update_summary (self);
  const char *notice = self->stale ? _("Out of date: the parameters changed since this sweep ran. Run it again.") : NULL;
  pfm_plot_set_stale (self->line, notice);
  pfm_plot_set_stale (self->map, notice);
  if (r == NULL)
    return;
  guint mi = gtk_drop_down_get_selected (self->metric_drop);
  const Metric *m = &metrics[mi < G_N_ELEMENTS (metrics) ? mi : 0];
  if (two)
    show_map (self, r, m);
  else
    show_line (self, r, m);
}

static void
metric_selected_cb (GtkDropDown *drop, GParamSpec *pspec, PfmSweepView *self)
{
  show_result (self);
}

static void
write_export (PfmSweepView *self)
{
  g_autofree char *path = g_steal_pointer (&self->export_path);
  if (path == NULL || self->result == NULL)
    return;
  g_autofree char *text = pfm_sweep_result_to_json (self->result);
  g_autoptr(GError) error = NULL;
  if (!pfm_file_write_atomic (path, text, strlen (text), &error))
    g_printerr ("pfm-explorer: --sweep-json: %s\n", error->message);
}

/* Main thread, for the current sweep only: PfmJob drops a superseded one. */
static void
job_done (gpointer owner, gpointer data, GError *error)
{
  PfmSweepView *self = owner;
  Job *job = data;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.cancel", FALSE);
  if (error != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress, 0.0);
      const gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      gtk_progress_bar_set_text (self->progress, cancelled ? _("Cancelled") : _("Failed"));
      show_message (self, cancelled ? NULL : error->message);
      if (!cancelled)
        self->error = g_error_copy (error);
      g_clear_pointer (&self->export_path, g_free);
      return;
    }
  g_clear_pointer (&self->result, pfm_sweep_result_free);
  self->result = g_steal_pointer (&job->result);
  self->stale = job->stale;
  gtk_progress_bar_set_fraction (self->progress, 1.0);
  show_result (self);
  write_export (self);
}

/* The axes of the fields, checked: NULL with the message shown. */
static GPtrArray *
read_axes (PfmSweepView *self, const PfmConfig *cfg, GError **error)
{
  g_autoptr(GPtrArray) axes = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_sweep_axis_free);
  const guint n = gtk_check_button_get_active (self->second) ? 2 : 1;
  for (guint a = 0; a < n; a++)
    {
      g_autofree char *vary = axis_vary (self, a, error);
      PfmSweepAxis *ax = vary ? pfm_sweep_axis_parse (cfg, vary, error) : NULL;
      if (ax == NULL)
        return NULL;
      g_ptr_array_add (axes, ax);
    }
  PfmSweepOptions o;
  pfm_sweep_options_init (&o);
  guint n_points;
  if (!pfm_sweep_check (cfg, (PfmSweepAxis **) axes->pdata, axes->len, &o, &n_points, error))
    return NULL;
  return g_steal_pointer (&axes);
}

gboolean
pfm_sweep_view_run (PfmSweepView *self, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(PfmConfig) cfg = pfm_config_copy (pfm_document_get_config (pfm_view_get_document (PFM_VIEW (self))));
  g_autoptr(GPtrArray) axes = read_axes (self, cfg, &local);
  if (axes == NULL)
    {
      show_message (self, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  show_message (self, NULL);
  g_clear_error (&self->error);
  Job *job = g_new0 (Job, 1);
  job->cfg = g_steal_pointer (&cfg);
  job->axes = g_steal_pointer (&axes);
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_progress_bar_set_text (self->progress, _("Starting…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.cancel", TRUE);
  /* Supersedes (cancels) the sweep in flight. */
  pfm_job_start (self->job, job_thread, job, (GDestroyNotify) job_free);
  return TRUE;
}

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmSweepView *self)
{
  if (!(pfm_config_key_affects (key) & PFM_AFFECTS_RUN))
    return;
  Job *job = pfm_job_get_data (self->job);
  if (job)
    job->stale = TRUE;
  if (self->result && !self->stale)
    {
      self->stale = TRUE;
      show_result (self);
    }
}

/* --- actions ------------------------------------------------------------------- */

static void
run_action (GtkWidget *w, const char *a, GVariant *p)
{
  pfm_sweep_view_run (PFM_SWEEP_VIEW (w), NULL);
}

static void
cancel_action (GtkWidget *w, const char *a, GVariant *p)
{
  pfm_job_cancel (PFM_SWEEP_VIEW (w)->job);
}

static gboolean
save_sweep (const char *path, gpointer user_data, GError **error)
{
  PfmSweepView *self = user_data;
  return pfm_write_csv_or_json (path, self->result, (PfmFormatFunc) pfm_sweep_result_to_csv,
                                (PfmFormatFunc) pfm_sweep_result_to_json, _("run a sweep first"), error);
}

static void
export_action (GtkWidget *w, const char *a, GVariant *p)
{
  static const char *const patterns[] = { "*.json", "*.csv", NULL };
  pfm_save_dialog (w, _("Export Sweep"), "sweep.json", patterns, save_sweep, w, NULL);
}

/* --- construction ---------------------------------------------------------------- */

static void
pfm_sweep_view_dispose (GObject *object)
{
  PfmSweepView *self = PFM_SWEEP_VIEW (object);
  if (self->job)
    pfm_job_cancel (self->job);
  if (pfm_app_settings ())
    g_signal_handlers_disconnect_by_data (pfm_app_settings (), self);
  g_clear_pointer (&self->result, pfm_sweep_result_free);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->export_path, g_free);
  g_clear_object (&self->job);   /* a run in flight holds its own reference */
  G_OBJECT_CLASS (pfm_sweep_view_parent_class)->dispose (object);
}

/* No sweep runs; the last one's failure, if it failed. */
static gboolean
results_ready (PfmView *view, const GError **failure)
{
  PfmSweepView *self = PFM_SWEEP_VIEW (view);
  if (!pfm_sweep_view_is_ready (self))
    return FALSE;
  *failure = self->error;
  return TRUE;
}

static void
pfm_sweep_view_class_init (PfmSweepViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = pfm_sweep_view_dispose;
  PFM_VIEW_CLASS (klass)->results_ready = results_ready;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pfm_explorer/PfmExplorer/ui/pfm-sweep-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PfmSweepView, axes_grid);
  gtk_widget_class_bind_template_child (widget_class, PfmSweepView, message);
  gtk_widget_class_bind_template_child (widget_class, PfmSweepView, summary);
  gtk_widget_class_bind_template_child (widget_class, PfmSweepView, progress);
  gtk_widget_class_bind_template_child (widget_class, PfmSweepView, metric_drop);
  gtk_widget_class_bind_template_child (widget_class, PfmSweepView, plot_box);
  gtk_widget_class_install_action (widget_class, "sweep.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "sweep.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sweep.export", NULL, export_action);
}

static GtkWidget *
labelled (GtkWidget *w, const char *name, const char *tooltip)
{
  /* A drop-down's own button is named too (a screen reader lands on it). */
  pfm_set_accessible_label (w, name);
  gtk_widget_set_tooltip_text (w, tooltip);
  gtk_widget_set_valign (w, GTK_ALIGN_CENTER);
  return w;
}

static GListModel *
key_titles (PfmSweepView *self)
{
  GtkStringList *titles = gtk_string_list_new (NULL);
  for (guint i = 0; i < self->keys->len; i++)
    {
      g_autofree char *t = pfm_key_display_title (self->keys->pdata[i]);
      gtk_string_list_append (titles, t);
    }
  return G_LIST_MODEL (titles);
}

static GtkWidget *
key_drop_new (PfmSweepView *self)
{
  GtkExpression *e = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GtkWidget *drop = gtk_drop_down_new (key_titles (self), e);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (drop), TRUE);
  return drop;
}

/* Row @a of the axes grid: [label] key start stop N log. */
static void
add_axis_row (PfmSweepView *self, guint a)
{
  Axis *ax = &self->axis[a];
  GtkGrid *g = self->axes_grid;
  g_autofree char *n1 = g_strdup_printf (_("Key %u"), a + 1);
  GtkWidget *head;
  if (a == 0)
    head = gtk_label_new (n1);
  else
    {
      head = gtk_check_button_new_with_label (n1);
      self->second = GTK_CHECK_BUTTON (head);
      labelled (head, _("Sweep a second key"), _("Sweep a second key too: the grid is every pair, plotted as a heat map"));
    }
  gtk_grid_attach (g, head, 0, a, 1, 1);
  ax->key = GTK_DROP_DOWN (labelled (key_drop_new (self), n1, _("The key to sweep, as the sidebar names it, in its unit")));
  gtk_widget_set_hexpand (GTK_WIDGET (ax->key), TRUE);
  g_signal_connect (ax->key, "notify::selected", G_CALLBACK (key_selected_cb), self);
  gtk_grid_attach (g, GTK_WIDGET (ax->key), 1, a, 1, 1);
  const char *names[] = { _("from"), _("to") };
  GtkEntry **entries[] = { &ax->start, &ax->stop };
  for (guint e = 0; e < 2; e++)
    {
      gtk_grid_attach (g, gtk_label_new (names[e]), 2 + 2 * e, a, 1, 1);
      *entries[e] = GTK_ENTRY (gtk_entry_new ());
      gtk_editable_set_width_chars (GTK_EDITABLE (*entries[e]), 10);
      g_autofree char *acc = g_strdup_printf (e ? _("Key %u stop") : _("Key %u start"), a + 1);
      labelled (GTK_WIDGET (*entries[e]), acc, e ? _("The last value, in the key's unit (the sidebar's)")
                                                 : _("The first value, in the key's unit (the sidebar's)"));
      gtk_grid_attach (g, GTK_WIDGET (*entries[e]), 3 + 2 * e, a, 1, 1);
    }
  gtk_grid_attach (g, gtk_label_new (_("points")), 6, a, 1, 1);
  ax->count = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, PFM_SWEEP_MAX_POINTS, 1));
  gtk_spin_button_set_value (ax->count, a == 0 ? 5 : 3);
  g_autofree char *nacc = g_strdup_printf (_("Key %u points"), a + 1);
  labelled (GTK_WIDGET (ax->count), nacc, _("Number of values, both ends included (at most 10000 points in all)"));
  gtk_grid_attach (g, GTK_WIDGET (ax->count), 7, a, 1, 1);
  ax->log = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_("log")));
  g_autofree char *lacc = g_strdup_printf (_("Key %u log spacing"), a + 1);
  labelled (GTK_WIDGET (ax->log), lacc, _("Space the values evenly in log (start and stop above 0)"));
  gtk_grid_attach (g, GTK_WIDGET (ax->log), 8, a, 1, 1);
  if (a > 0)
    {
      /* The second row's fields only count when it is ticked. */
      GtkWidget *row[] = { GTK_WIDGET (ax->key), GTK_WIDGET (ax->start), GTK_WIDGET (ax->stop),
                           GTK_WIDGET (ax->count), GTK_WIDGET (ax->log) };
      for (guint i = 0; i < G_N_ELEMENTS (row); i++)
        g_object_bind_property (head, "active", row[i], "sensitive", G_BINDING_SYNC_CREATE);
    }
}

static void
pfm_sweep_view_init (PfmSweepView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->job = pfm_job_new (G_OBJECT (self), job_progress, job_done);
  self->keys = g_ptr_array_new_with_free_func (g_free);
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    if ((keys[i].type == PFM_KEY_DOUBLE || keys[i].type == PFM_KEY_INT || keys[i].type == PFM_KEY_UINT64) &&
        !g_str_equal (keys[i].group, "scaling"))
      g_ptr_array_add (self->keys, g_strdup_printf ("%s.%s", keys[i].group, keys[i].key));
  for (guint a = 0; a < PFM_SWEEP_MAX_AXES; a++)
    add_axis_row (self, a);

  GtkStringList *names = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    {
      gtk_string_list_append (names, _(metrics[i].label));
    }
  gtk_drop_down_set_model (self->metric_drop, G_LIST_MODEL (names));
  g_object_unref (names);
  pfm_set_accessible_label (GTK_WIDGET (self->metric_drop), _("Metric"));
  g_signal_connect (self->metric_drop, "notify::selected", G_CALLBACK (metric_selected_cb), self);

  self->line = PFM_PLOT (pfm_plot_new (PFM_PLOT_LINES));
  pfm_plot_add_series (self->line, _("sweep"), 0, FALSE);
  pfm_plot_set_placeholder (self->line, _("Choose one or two keys and their ranges, then run the sweep"));
  self->map = PFM_PLOT (pfm_plot_new (PFM_PLOT_IMAGE));
  pfm_plot_set_image_cells (self->map, TRUE);
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *w = GTK_WIDGET (i ? self->map : self->line);
      gtk_widget_set_hexpand (w, TRUE);
      gtk_widget_set_vexpand (w, TRUE);
      gtk_widget_set_size_request (w, 420, 320);
      gtk_box_append (self->plot_box, w);
      pfm_view_add_plot (PFM_VIEW (self), PFM_PLOT (w));
    }
  gtk_progress_bar_set_text (self->progress, _("Not run yet"));
}

GtkWidget *
pfm_sweep_view_new (PfmDocument *document)
{
  PfmSweepView *self = g_object_new (PFM_TYPE_SWEEP_VIEW, "document", document, NULL);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  if (pfm_app_settings ())
    g_signal_connect (pfm_app_settings (), "changed::unit-style", G_CALLBACK (units_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.cancel", FALSE);
  /* The first key: the beam's peak power, from its value to twice it. */
  if (!select_key (self, 0, "beam.power"))
    key_selected_cb (self->axis[0].key, NULL, self);
  select_key (self, 1, "medium.delta_n");
  show_result (self);
  return GTK_WIDGET (self);
}

void
pfm_sweep_view_set_export_path (PfmSweepView *self, const char *path)
{
  g_free (self->export_path);
  self->export_path = g_strdup (path);
}

gboolean
pfm_sweep_view_is_ready (PfmSweepView *self)
{
  return !pfm_job_is_running (self->job);
}

gboolean
pfm_sweep_view_is_out_of_date (PfmSweepView *self)
{
  return self->result != NULL && self->stale;
}

const char *
pfm_sweep_view_get_summary (PfmSweepView *self)
{
  return gtk_label_get_text (self->summary);
}

const GError *
pfm_sweep_view_get_error (PfmSweepView *self)
{
  return self->error;
}
