/* pfm-plot.c - a Cairo plot: lines, bars or an image, log or linear axes
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The widget: its API and GObject properties (so that a plot can be
 * declared in a .ui file), the pointer's hover and the right-click menu.
 * The drawing is pfm-plot-draw.c's, the exports pfm-plot-export.c's.
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-plot-private.h"

G_DEFINE_FINAL_TYPE (PfmPlot, pfm_plot, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_KIND,
  PROP_TITLE,
  PROP_X_LABEL,
  PROP_X_UNIT,
  PROP_X_LOG,
  PROP_Y_LABEL,
  PROP_Y_UNIT,
  PROP_Y_LOG,
  PROP_PLACEHOLDER,
  PROP_PRESENTATION,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

GType
pfm_plot_kind_get_type (void)
{
  static gsize type;
  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { PFM_PLOT_LINES, "PFM_PLOT_LINES", "lines" },
        { PFM_PLOT_BARS, "PFM_PLOT_BARS", "bars" },
        { PFM_PLOT_IMAGE, "PFM_PLOT_IMAGE", "image" },
        { PFM_PLOT_HISTOGRAM, "PFM_PLOT_HISTOGRAM", "histogram" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("PfmPlotKind", values));
    }
  return type;
}

static void
series_free (gpointer p)
{
  Series *s = p;
  g_free (s->name);
  g_array_unref (s->x);
  g_array_unref (s->y);
  g_free (s);
}

static void
pfm_plot_finalize (GObject *object)
{
  PfmPlot *self = PFM_PLOT (object);
  g_free (self->title);
  g_free (self->xa.label);
  g_free (self->xa.unit);
  g_free (self->ya.label);
  g_free (self->ya.unit);
  g_ptr_array_unref (self->series);
  g_array_unref (self->markers);
  g_free (self->marker_label);
  g_free (self->image);
  g_free (self->image_unit);
  g_free (self->placeholder);
  g_free (self->stale);
  g_array_unref (self->tick_boxes[0]);
  g_array_unref (self->tick_boxes[1]);
  G_OBJECT_CLASS (pfm_plot_parent_class)->finalize (object);
}

static void
widget_theme (PfmPlot *self, PfmPlotTheme *t)
{
  GdkRGBA fg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  t->fg[0] = fg.red;
  t->fg[1] = fg.green;
  t->fg[2] = fg.blue;
  t->fg[3] = 1.0;
  /* The widget's own background shows through (bg alpha 0); the grid is
   * the text colour, faint, so it works in light and dark styles. */
  for (int i = 0; i < 3; i++)
    {
      t->bg[i] = 0.0;
      t->grid[i] = t->fg[i];
    }
  t->bg[3] = 0.0;
  t->grid[3] = 0.12;
  t->scale = self->presentation ? 1.6 : 1.0;
  t->high_contrast = self->presentation;
}

static void
pfm_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PfmPlot *self = PFM_PLOT (widget);
  const int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (w < 10 || h < 10)
    return;
  PfmPlotTheme theme;
  widget_theme (self, &theme);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  pfm_plot_draw (self, cr, w, h, &theme);
  cairo_destroy (cr);
}

static void
motion_cb (GtkEventControllerMotion *c, double x, double y, PfmPlot *self)
{
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *c, PfmPlot *self)
{
  self->hover_x = self->hover_y = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
save_figure (const char *path, gpointer user_data, GError **error)
{
  PfmPlot *self = user_data;
  int w = MAX (640, gtk_widget_get_width (GTK_WIDGET (self)));
  int h = MAX (420, gtk_widget_get_height (GTK_WIDGET (self)));
  return pfm_plot_export (self, path, w, h, error);
}

static gboolean
save_data (const char *path, gpointer user_data, GError **error)
{
  return pfm_plot_save_data (user_data, path, error);
}

static char *
suggested_name (PfmPlot *self, const char *ext)
{
  g_autofree char *base = g_strdup (self->title ? self->title : "plot");
  for (char *p = base; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '-';
  return g_strdup_printf ("%s.%s", base, ext);
}

static void
save_figure_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.png", "*.svg", "*.pdf", NULL };
  g_autofree char *name = suggested_name (PFM_PLOT (widget), "png");
  pfm_save_dialog (widget, _("Save Figure (PNG, SVG or PDF)"), name, patterns, save_figure, widget, NULL);
}

static void
save_data_action (GtkWidget *widget, const char *action, GVariant *param)
{
  static const char *const patterns[] = { "*.csv", "*.json", NULL };
  g_autofree char *name = suggested_name (PFM_PLOT (widget), "csv");
  pfm_save_dialog (widget, _("Save Data (CSV or JSON)"), name, patterns, save_data, widget, NULL);
}

/* The menu stays parented to the plot: a popover unparented on "closed"
 * loses the plot's actions before its item is activated, and the item then
 * does nothing. */
static void
pressed_cb (GtkGestureClick *gesture, int n, double x, double y, PfmPlot *self)
{
  if (self->menu == NULL)
    {
      GMenu *menu = g_menu_new ();
      g_menu_append (menu, _("Save Figure…"), "plot.save-figure");
      g_menu_append (menu, _("Save Data…"), "plot.save-data");
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      g_object_unref (menu);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

/* A popover child is positioned by its parent's allocation. */
static void
pfm_plot_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  PfmPlot *self = PFM_PLOT (widget);
  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
pfm_plot_dispose (GObject *object)
{
  PfmPlot *self = PFM_PLOT (object);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (pfm_plot_parent_class)->dispose (object);
}

static void
pfm_plot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmPlot *self = PFM_PLOT (object);
  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, self->xa.label);
      break;
    case PROP_X_UNIT:
      g_value_set_string (value, self->xa.unit);
      break;
    case PROP_X_LOG:
      g_value_set_boolean (value, self->xa.log);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->ya.label);
      break;
    case PROP_Y_UNIT:
      g_value_set_string (value, self->ya.unit);
      break;
    case PROP_Y_LOG:
      g_value_set_boolean (value, self->ya.log);
      break;
    case PROP_PLACEHOLDER:
      g_value_set_string (value, self->placeholder);
      break;
    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Each property is set through its public setter: one place holds the
 * state, and the setters notify. */
static void
pfm_plot_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PfmPlot *self = PFM_PLOT (object);
  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);   /* construct-only */
      break;
    case PROP_TITLE:
      pfm_plot_set_title (self, g_value_get_string (value));
      break;
    case PROP_X_LABEL:
      pfm_plot_set_x_axis (self, g_value_get_string (value), self->xa.unit, self->xa.log);
      break;
    case PROP_X_UNIT:
      pfm_plot_set_x_axis (self, self->xa.label, g_value_get_string (value), self->xa.log);
      break;
    case PROP_X_LOG:
      pfm_plot_set_x_axis (self, self->xa.label, self->xa.unit, g_value_get_boolean (value));
      break;
    case PROP_Y_LABEL:
      pfm_plot_set_y_axis (self, g_value_get_string (value), self->ya.unit, self->ya.log);
      break;
    case PROP_Y_UNIT:
      pfm_plot_set_y_axis (self, self->ya.label, g_value_get_string (value), self->ya.log);
      break;
    case PROP_Y_LOG:
      pfm_plot_set_y_axis (self, self->ya.label, self->ya.unit, g_value_get_boolean (value));
      break;
    case PROP_PLACEHOLDER:
      pfm_plot_set_placeholder (self, g_value_get_string (value));
      break;
    case PROP_PRESENTATION:
      pfm_plot_set_presentation (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A string property, read-write, notified only on change. */
static GParamSpec *
string_prop (const char *name, const char *blurb)
{
  return g_param_spec_string (name, NULL, blurb, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_prop (const char *name, const char *blurb)
{
  return g_param_spec_boolean (name, NULL, blurb, FALSE,
                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
pfm_plot_class_init (PfmPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = pfm_plot_dispose;
  object_class->finalize = pfm_plot_finalize;
  object_class->get_property = pfm_plot_get_property;
  object_class->set_property = pfm_plot_set_property;
  widget_class->snapshot = pfm_plot_snapshot;
  widget_class->size_allocate = pfm_plot_size_allocate;

  props[PROP_KIND] = g_param_spec_enum ("kind", NULL, "Lines, bars, an image or a histogram",
                                        PFM_TYPE_PLOT_KIND, PFM_PLOT_LINES,
                                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_TITLE] = string_prop ("title", "The title over the plot (also its accessible name)");
  props[PROP_X_LABEL] = string_prop ("x-label", "The x axis's label");
  props[PROP_X_UNIT] = string_prop ("x-unit", "The x axis's unit (\"m\", \"W/m^2\"; \"\": none)");
  props[PROP_X_LOG] = boolean_prop ("x-log", "Whether the x axis is logarithmic");
  props[PROP_Y_LABEL] = string_prop ("y-label", "The y axis's label");
  props[PROP_Y_UNIT] = string_prop ("y-unit", "The y axis's unit");
  props[PROP_Y_LOG] = boolean_prop ("y-log", "Whether the y axis is logarithmic");
  props[PROP_PLACEHOLDER] = string_prop ("placeholder", "Text shown while the plot has no data");
  props[PROP_PRESENTATION] = boolean_prop ("presentation", "Larger type and lines, high-contrast colours");
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_css_name (widget_class, "pfmplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_install_action (widget_class, "plot.save-figure", NULL, save_figure_action);
  gtk_widget_class_install_action (widget_class, "plot.save-data", NULL, save_data_action);
}

static void
pfm_plot_init (PfmPlot *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->markers = g_array_new (FALSE, FALSE, sizeof (double));
  self->xa.fixed_min = self->xa.fixed_max = NAN;
  self->image_min = self->image_max = NAN;
  self->ya.fixed_min = self->ya.fixed_max = NAN;
  self->hover_x = self->hover_y = -1;
  self->tick_boxes[0] = g_array_new (FALSE, FALSE, sizeof (double));
  self->tick_boxes[1] = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_size_request (GTK_WIDGET (self), 240, 180);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
}

GtkWidget *
pfm_plot_new (PfmPlotKind kind)
{
  return g_object_new (PFM_TYPE_PLOT, "kind", kind, NULL);
}

PfmPlotKind
pfm_plot_get_kind (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), PFM_PLOT_LINES);
  return self->kind;
}

void
pfm_plot_set_title (PfmPlot *self, const char *title)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  const gboolean changed = g_strcmp0 (title, self->title) != 0;
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TITLE]);
}

const char *
pfm_plot_get_title (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->title;
}

/* Sets an axis's label, unit (NULL: "") and scale; notifies the plot's
 * properties @first_prop (label), + 1 (unit) and + 2 (log) that changed.
 * @label and @unit may be the axis's own strings. */
static void
set_axis (PfmPlot *self, Axis *a, const char *label, const char *unit, gboolean log, guint first_prop)
{
  char *new_label = g_strdup (label), *new_unit = g_strdup (unit ? unit : "");
  const gboolean label_changed = g_strcmp0 (new_label, a->label) != 0;
  const gboolean unit_changed = g_strcmp0 (new_unit, a->unit) != 0;
  const gboolean log_changed = !a->log != !log;
  g_free (a->label);
  g_free (a->unit);
  a->label = new_label;
  a->unit = new_unit;
  a->log = log;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_freeze_notify (G_OBJECT (self));
  if (label_changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[first_prop]);
  if (unit_changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[first_prop + 1]);
  if (log_changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[first_prop + 2]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
pfm_plot_set_x_axis (PfmPlot *self, const char *label, const char *unit, gboolean log)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  set_axis (self, &self->xa, label, unit, log, PROP_X_LABEL);
}

void
pfm_plot_set_y_axis (PfmPlot *self, const char *label, const char *unit, gboolean log)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  set_axis (self, &self->ya, label, unit, log, PROP_Y_LABEL);
}

const char *
pfm_plot_get_x_label (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->xa.label;
}

const char *
pfm_plot_get_x_unit (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->xa.unit;
}

gboolean
pfm_plot_get_x_log (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), FALSE);
  return self->xa.log;
}

const char *
pfm_plot_get_y_label (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->ya.label;
}

const char *
pfm_plot_get_y_unit (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->ya.unit;
}

gboolean
pfm_plot_get_y_log (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), FALSE);
  return self->ya.log;
}

void
pfm_plot_set_x_range (PfmPlot *self, double min, double max)
{
  self->xa.fixed_min = min;
  self->xa.fixed_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_y_range (PfmPlot *self, double min, double max)
{
  self->ya.fixed_min = min;
  self->ya.fixed_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
pfm_plot_add_series (PfmPlot *self, const char *name, guint color, gboolean dashed)
{
  Series *s = g_new0 (Series, 1);
  s->name = g_strdup (name);
  s->color = color;
  s->dashed = dashed;
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, s);
  return self->series->len - 1;
}

void
pfm_plot_set_series (PfmPlot *self, guint index, const double *x, const double *y, gsize n)
{
  g_return_if_fail (index < self->series->len);
  Series *s = self->series->pdata[index];
  g_array_set_size (s->x, 0);
  g_array_set_size (s->y, 0);
  g_array_append_vals (s->x, x, n);
  g_array_append_vals (s->y, y, n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_append (PfmPlot *self, guint index, double x, double y)
{
  g_return_if_fail (index < self->series->len);
  Series *s = self->series->pdata[index];
  g_array_append_val (s->x, x);
  g_array_append_val (s->y, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_clear_data (PfmPlot *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = self->series->pdata[i];
      g_array_set_size (s->x, 0);
      g_array_set_size (s->y, 0);
    }
  g_clear_pointer (&self->image, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_markers (PfmPlot *self, const double *x, gsize n, const char *label)
{
  g_array_set_size (self->markers, 0);
  g_array_append_vals (self->markers, x, n);
  g_free (self->marker_label);
  self->marker_label = g_strdup (label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_image (PfmPlot *self, const float *values, int width, int height,
                    double x0, double x1, double y0, double y1, const char *value_unit, gboolean log)
{
  g_free (self->image);
  self->image = g_memdup2 (values, (gsize) width * height * sizeof (float));
  self->image_w = width;
  self->image_h = height;
  self->img_x0 = x0;
  self->img_x1 = x1;
  self->img_y0 = y0;
  self->img_y1 = y1;
  g_free (self->image_unit);
  self->image_unit = g_strdup (value_unit);
  self->image_log = log;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_image_range (PfmPlot *self, double min, double max)
{
  self->image_min = min;
  self->image_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_image_counts (PfmPlot *self, gboolean counts)
{
  self->image_counts = counts;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_equal_aspect (PfmPlot *self, gboolean equal)
{
  self->equal_aspect = equal;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_image_cells (PfmPlot *self, gboolean cells)
{
  self->image_cells = cells;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_presentation (PfmPlot *self, gboolean presentation)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  const gboolean changed = !self->presentation != !presentation;
  self->presentation = presentation;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PRESENTATION]);
}

gboolean
pfm_plot_get_presentation (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), FALSE);
  return self->presentation;
}

void
pfm_plot_set_y_integer (PfmPlot *self, gboolean integer)
{
  self->y_integer = integer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const double *
pfm_plot_get_tick_boxes (PfmPlot *self, gboolean x_axis, gsize *n_boxes)
{
  GArray *a = self->tick_boxes[x_axis ? 0 : 1];
  *n_boxes = a->len / 4;
  return (const double *) a->data;
}

void
pfm_plot_get_hover_box (PfmPlot *self, double box[4])
{
  memcpy (box, self->hover_box, sizeof self->hover_box);
}

void
pfm_plot_set_hover (PfmPlot *self, double x, double y)
{
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_get_frame (PfmPlot *self, double frame[4], double *title_height)
{
  memcpy (frame, self->last_frame, sizeof self->last_frame);
  *title_height = self->title_height;
}

/* --- drawing ------------------------------------------------------------ */

void
pfm_plot_set_stale (PfmPlot *self, const char *notice)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  if (g_strcmp0 (notice, self->stale) == 0)
    return;
  g_free (self->stale);
  self->stale = g_strdup (notice);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  notice ? notice : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
pfm_plot_get_stale (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->stale;
}

void
pfm_plot_set_placeholder (PfmPlot *self, const char *text)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  const gboolean changed = g_strcmp0 (text, self->placeholder) != 0;
  g_free (self->placeholder);
  self->placeholder = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLACEHOLDER]);
}

const char *
pfm_plot_get_placeholder (PfmPlot *self)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), NULL);
  return self->placeholder;
}

