/* pfm-plot.c - a Cairo plot: lines, bars or an image, log or linear axes
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "pfm-app-util.h"
#include "pfm-export.h"
#include "pfm-plot.h"
#include "pfm-scaling.h"
#include "pfm-transfer.h"

typedef struct
{
  char    *name;
  guint    color;
  gboolean dashed;
  GArray  *x;
  GArray  *y;
} Series;

typedef struct
{
  char    *label;
  char    *unit;
  gboolean log;
  double   fixed_min, fixed_max;
} Axis;

struct _PfmPlot
{
  GtkWidget    parent_instance;

  GtkWidget   *menu;        /* the right-click menu, parented for the widget's life */

  PfmPlotKind  kind;
  char        *title;
  Axis         xa, ya;
  GPtrArray   *series;
  GArray      *markers;
  char        *marker_label;

  float       *image;
  int          image_w, image_h;
  char        *image_unit;
  gboolean     image_log;
  double       image_min, image_max;  /* NAN: from the data */
  gboolean     image_counts;          /* each cell's value written on it */
  double       img_x0, img_x1, img_y0, img_y1;

  gboolean     presentation;
  gboolean     equal_aspect;
  gboolean     image_cells;
  char        *placeholder;
  char        *stale;              /* out-of-date notice, NULL: current */
  double       hover_x, hover_y;   /* widget coordinates, < 0: none */
  gboolean     y_integer;          /* y ticks at whole numbers (counts) */

  /* What the last draw put where (for tests). */
  GArray      *tick_boxes[2];      /* x, y, w, h per label; [0] x axis */
  double       hover_box[4];
  double       last_frame[4];
  double       title_height;
};

G_DEFINE_FINAL_TYPE (PfmPlot, pfm_plot, GTK_TYPE_WIDGET)

/* Okabe-Ito style palette: distinguishable for colour-blind viewers. */
static const double palette[][3] = {
  { 0.00, 0.45, 0.70 },  /* blue: optical */
  { 0.90, 0.38, 0.00 },  /* orange: digital */
  { 0.00, 0.62, 0.45 },  /* green */
  { 0.80, 0.47, 0.65 },  /* purple */
  { 0.84, 0.15, 0.16 },  /* red */
  { 0.55, 0.55, 0.55 },  /* grey */
};

static const double palette_hc[][3] = {
  { 0.00, 0.30, 1.00 },
  { 1.00, 0.35, 0.00 },
  { 0.00, 0.75, 0.20 },
  { 0.85, 0.00, 0.85 },
  { 1.00, 0.00, 0.00 },
  { 0.40, 0.40, 0.40 },
};

void
pfm_plot_palette (guint index, gboolean high_contrast, double rgb[3])
{
  const double *c = high_contrast ? palette_hc[index % G_N_ELEMENTS (palette_hc)]
                                  : palette[index % G_N_ELEMENTS (palette)];
  rgb[0] = c[0];
  rgb[1] = c[1];
  rgb[2] = c[2];
}

/* The renderer's colormaps (pfm-transfer.h), so that a slice plot and the
 * volume view's colour bar agree, packed as Cairo's ARGB32. */
static guint32
pack_rgb (const double rgb[3])
{
  guint32 argb = 0xff000000u;
  for (int c = 0; c < 3; c++)
    argb |= ((guint32) (255.0 * CLAMP (rgb[c], 0.0, 1.0) + 0.5)) << (16 - 8 * c);
  return argb;
}

static guint32
colormap (double t)
{
  double rgb[3];
  pfm_colormap_eval (PFM_COLORMAP_INFERNO, t, rgb);
  return pack_rgb (rgb);
}

/* Blue - grey - red for signed quantities (differences, index changes). */
static guint32
colormap_diverging (double t)
{
  double rgb[3];
  pfm_colormap_diverging (t, rgb);
  return pack_rgb (rgb);
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
  PfmPlot *self = user_data;
  const gboolean json = g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".JSON");
  if (!json && !g_str_has_suffix (path, ".csv") && !g_str_has_suffix (path, ".CSV"))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s: data must be saved as .csv or .json"), path);
      return FALSE;
    }
  g_autofree char *text = json ? pfm_plot_to_json (self) : pfm_plot_to_csv (self);
  return pfm_file_write_atomic (path, text, strlen (text), error);
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
pfm_plot_class_init (PfmPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = pfm_plot_dispose;
  object_class->finalize = pfm_plot_finalize;
  widget_class->snapshot = pfm_plot_snapshot;
  widget_class->size_allocate = pfm_plot_size_allocate;
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
  PfmPlot *self = g_object_new (PFM_TYPE_PLOT, NULL);
  self->kind = kind;
  return GTK_WIDGET (self);
}

void
pfm_plot_set_title (PfmPlot *self, const char *title)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_axis (Axis *a, const char *label, const char *unit, gboolean log)
{
  g_free (a->label);
  g_free (a->unit);
  a->label = g_strdup (label);
  a->unit = g_strdup (unit ? unit : "");
  a->log = log;
}

void
pfm_plot_set_x_axis (PfmPlot *self, const char *label, const char *unit, gboolean log)
{
  set_axis (&self->xa, label, unit, log);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pfm_plot_set_y_axis (PfmPlot *self, const char *label, const char *unit, gboolean log)
{
  set_axis (&self->ya, label, unit, log);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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
  self->presentation = presentation;
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

typedef struct
{
  double x0, x1, y0, y1;          /* data range (log10 for log axes) */
  double left, right, top, bottom;/* plot area in device units */
  double width;                   /* of the whole figure */
} Frame;

static double
to_axis (const Axis *a, double v)
{
  return a->log ? (v > 0 ? log10 (v) : NAN) : v;
}

static double
fx (const Frame *f, double v)
{
  return f->left + (v - f->x0) / (f->x1 - f->x0) * (f->right - f->left);
}

static double
fy (const Frame *f, double v)
{
  return f->bottom - (v - f->y0) / (f->y1 - f->y0) * (f->bottom - f->top);
}

/* A histogram's bin width: the smallest spacing of the first series'
 * centres (1 when it has fewer than two). */
static double
bin_width (PfmPlot *self)
{
  double w = INFINITY;
  GArray *arr = self->series->len ? ((Series *) self->series->pdata[0])->x : NULL;
  for (guint k = 1; arr && k < arr->len; k++)
    {
      double d = fabs (g_array_index (arr, double, k) - g_array_index (arr, double, k - 1));
      if (d > 0 && isfinite (d))
        w = MIN (w, d);
    }
  return isfinite (w) ? w : 1.0;
}

static void
data_range (PfmPlot *self, const Axis *a, gboolean is_x, double *lo, double *hi)
{
  double mn = INFINITY, mx = -INFINITY;
  if (self->kind == PFM_PLOT_IMAGE && self->image)
    {
      mn = to_axis (a, is_x ? self->img_x0 : self->img_y0);
      mx = to_axis (a, is_x ? self->img_x1 : self->img_y1);
    }
  else if (self->kind == PFM_PLOT_BARS && is_x)
    {
      gsize n = self->series->len ? ((Series *) self->series->pdata[0])->x->len : 0;
      mn = -0.5;
      mx = MAX (1, n) - 0.5;
    }
  else if (self->kind == PFM_PLOT_HISTOGRAM && is_x)
    {
      /* The bins' edges: half a bin either side of the outer centres. */
      const double w = bin_width (self);
      for (guint i = 0; i < self->series->len; i++)
        {
          GArray *arr = ((Series *) self->series->pdata[i])->x;
          for (guint k = 0; k < arr->len; k++)
            {
              double v = g_array_index (arr, double, k);
              if (isfinite (v))
                {
                  mn = MIN (mn, v - 0.5 * w);
                  mx = MAX (mx, v + 0.5 * w);
                }
            }
        }
    }
  else
    for (guint i = 0; i < self->series->len; i++)
      {
        GArray *arr = is_x ? ((Series *) self->series->pdata[i])->x : ((Series *) self->series->pdata[i])->y;
        for (guint k = 0; k < arr->len; k++)
          {
            double v = to_axis (a, g_array_index (arr, double, k));
            if (isfinite (v))
              {
                mn = MIN (mn, v);
                mx = MAX (mx, v);
              }
          }
      }
  const gboolean bars = self->kind == PFM_PLOT_BARS || self->kind == PFM_PLOT_HISTOGRAM;
  if (bars && !is_x && !a->log)
    mn = MIN (mn, 0.0);
  /* Headroom over the tallest bar: it never touches the frame. */
  if (bars && !is_x && isfinite (mn) && isfinite (mx) && mx > mn && !isfinite (a->fixed_max))
    mx += 0.08 * (mx - mn);
  if (isfinite (a->fixed_min))
    mn = to_axis (a, a->fixed_min);
  if (isfinite (a->fixed_max))
    mx = to_axis (a, a->fixed_max);
  if (!isfinite (mn) || !isfinite (mx))
    {
      mn = 0;
      mx = 1;
    }
  if (!a->log && mn == 0.0 && mx == 0.0)
    mx = 1.0;   /* all zero (a linear run's B-integral): show 0 at the bottom */
  else if (a->log && mx - mn < 0.05)
    {
      mn -= 0.5;
      mx += 0.5;
    }
  else if (!a->log && mx - mn < 1e-4 * MAX (fabs (mx), fabs (mn)))
    {
      /* Variations below 1e-4 of the value are float rounding, not
       * physics (power conservation is good to ~1e-6): don't magnify them. */
      double c = 0.5 * (mx + mn), d = 5e-4 * MAX (fabs (mx), fabs (mn));
      mn = c - d;
      mx = c + d;
    }
  else if (!isfinite (a->fixed_min) && !isfinite (a->fixed_max) && self->kind == PFM_PLOT_LINES)
    {
      double pad = 0.04 * (mx - mn);
      if (!(mn == 0.0 && !a->log))
        mn -= pad;
      mx += pad;
    }
  *lo = mn;
  *hi = mx;
}

static const char *const si_prefixes[] = { "a", "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };

/* "W/m^2" -> "W/m²" for display. */
static char *
pretty_unit (const char *unit)
{
  GString *u = g_string_new (unit ? unit : "");
  g_string_replace (u, "^2", "²", 0);
  g_string_replace (u, "^3", "³", 0);
  return g_string_free (u, FALSE);
}

/* A tick label: log axes label decades; linear axes use one SI prefix for
 * the whole axis (from its largest magnitude) and as many decimals as the
 * tick step needs, so neighbouring labels never read the same. */
static char *
format_tick (const Axis *a, double v, double step, double magnitude)
{
  if (a->log && (a->unit == NULL || a->unit[0] == '\0'))
    return g_strdup_printf ("10<sup>%d</sup>", (int) lround (v));
  if (a->log)
    {
      g_autofree char *s = pfm_display_value (pow (10.0, v), a->unit);
      g_autofree char *p = pretty_unit (s);
      return g_markup_escape_text (p, -1);
    }
  if (fabs (v) < 1e-9 * step)
    v = 0.0;
  if (a->unit == NULL || a->unit[0] == '\0')
    {
      if (magnitude >= 1e5 || (magnitude < 1e-3 && magnitude > 0))
        return g_strdup_printf ("%.*e", CLAMP ((int) ceil (log10 (magnitude / step) - 1e-9), 0, 6), v);
      return g_strdup_printf ("%.*f", step > 0 ? CLAMP ((int) ceil (-log10 (step) - 1e-9), 0, 6) : 0, v);
    }
  int e3 = magnitude > 0 ? (int) floor (log10 (magnitude) / 3.0) : 0;
  e3 = CLAMP (e3, -6, 6);
  double scale = pow (10.0, 3 * e3);
  int decimals = CLAMP ((int) ceil (-log10 (step / scale) - 1e-9), 0, 6);
  g_autofree char *unit = pretty_unit (a->unit);
  /* (g_markup_printf_escaped does not take "*" precisions.) */
  g_autofree char *text = g_strdup_printf ("%.*f %s%s", decimals, v / scale, si_prefixes[e3 + 6], unit);
  return g_markup_escape_text (text, -1);
}

static void
set_color (cairo_t *cr, const double c[4])
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], c[3]);
}

static PangoLayout *
text_layout (cairo_t *cr, const char *markup, double size)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (fd, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

/* Draws @markup with its anchor (ax, ay in [0,1] of its extents) at (x, y). */
static void
draw_text (cairo_t *cr, const char *markup, double size, double x, double y, double ax, double ay, double angle)
{
  PangoLayout *layout = text_layout (cr, markup, size);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -ax * w, -ay * h);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
}

/* The title: on one line when it fits over the plot area, else wrapped
 * over the figure's whole width (two lines at most, then "…"). */
static PangoLayout *
title_layout (PfmPlot *self, cairo_t *cr, double width, double plot_width, double s)
{
  g_autofree char *esc = g_markup_printf_escaped ("<b>%s</b>", self->title);
  PangoLayout *layout = text_layout (cr, esc, 12.5 * s);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  if (w > plot_width)
    {
      pango_layout_set_width (layout, (int) MAX (1.0, width - 8 * s) * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_height (layout, -2);
    }
  return layout;
}

/* --- ticks ---------------------------------------------------------------- */

/* One way to place an axis's ticks: a linear step, a log axis's decade
 * step, or (log) the 1-2-5 or 1…9 marks in every decade. */
typedef enum { TICKS_LINEAR, TICKS_LOG_FINE, TICKS_LOG_125, TICKS_LOG_DECADES, TICKS_CATEGORY } TickKind;

typedef struct
{
  TickKind kind;
  double   step;
} TickSet;

#define MAX_TICK_SETS 48

/* Every tick set worth trying for the axis, finest first. */
static guint
tick_sets (const Axis *a, gboolean category, gboolean integer, double lo, double hi, TickSet *out)
{
  guint n = 0;
  const double span = hi - lo;
  if (category)
    {
      static const int every[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000 };
      for (guint k = 0; k < G_N_ELEMENTS (every); k++)
        out[n++] = (TickSet) { TICKS_CATEGORY, every[k] };
      return n;
    }
  if (a->log)
    {
      if (span < 0.7)
        out[n++] = (TickSet) { TICKS_LOG_FINE, 1 };
      if (span < 2.5)
        out[n++] = (TickSet) { TICKS_LOG_125, 1 };
      /* Decade steps that keep the labels round. */
      static const int steps[] = { 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 25, 30, 50, 100 };
      for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
        {
          out[n++] = (TickSet) { TICKS_LOG_DECADES, steps[k] };
          if (steps[k] >= span)
            break;
        }
      return n;
    }
  if (!(span > 0) || !isfinite (span))
    {
      out[n++] = (TickSet) { TICKS_LINEAR, 1 };
      return n;
    }
  double mag = pow (10.0, floor (log10 (span / 60.0)));
  while (n + 3 <= MAX_TICK_SETS)
    {
      static const double m[] = { 1, 2, 5 };
      gboolean last = FALSE;
      for (guint k = 0; k < 3; k++)
        {
          double step = m[k] * mag;
          if (integer && step < 1)
            continue;
          out[n++] = (TickSet) { TICKS_LINEAR, step };
          if (step >= span)
            {
              last = TRUE;
              break;
            }
        }
      if (last)
        break;
      mag *= 10;
    }
  return n;
}

/* The tick values of @set in [lo, hi]; FALSE if there would be too many to
 * be worth drawing. */
static gboolean
tick_values (const TickSet *set, double lo, double hi, gsize n_categories, GArray *values)
{
  g_array_set_size (values, 0);
  switch (set->kind)
    {
    case TICKS_CATEGORY:
      for (gsize k = 0; k < n_categories; k += (gsize) set->step)
        {
          double v = k;
          g_array_append_val (values, v);
        }
      break;
    case TICKS_LOG_FINE:
    case TICKS_LOG_125:
      {
        static const double sub[] = { 1, 2, 5 };
        static const double sub_fine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        const double *m = set->kind == TICKS_LOG_FINE ? sub_fine : sub;
        guint nm = set->kind == TICKS_LOG_FINE ? G_N_ELEMENTS (sub_fine) : G_N_ELEMENTS (sub);
        for (int d = (int) floor (lo); d <= (int) ceil (hi); d++)
          for (guint k = 0; k < nm; k++)
            {
              double v = d + log10 (m[k]);
              if (v >= lo - 1e-9 && v <= hi + 1e-9)
                g_array_append_val (values, v);
            }
        break;
      }
    case TICKS_LOG_DECADES:
    case TICKS_LINEAR:
      {
        const double step = set->step;
        const double first = ceil (lo / step - 1e-9);
        if ((hi - lo) / step > 200)
          return FALSE;
        for (double i = first; i * step <= hi + 1e-9 * step; i += 1)
          {
            double v = i * step;
            g_array_append_val (values, v);
          }
        break;
      }
    }
  return values->len <= 200;
}

static char *
tick_label (const Axis *a, const TickSet *set, double v, double magnitude)
{
  if (set->kind == TICKS_CATEGORY)
    return g_strdup_printf ("%.0f", v);
  return format_tick (a, v, set->step, magnitude);
}

typedef struct
{
  double pos;     /* along the axis, device units */
  char  *label;
  int    w, h;
} Tick;

static void
tick_clear (gpointer p)
{
  g_free (((Tick *) p)->label);
}

/* The labels of @set measured and placed; TRUE when no two overlap (with
 * @gap between them) and ticks lie at least @min_spacing apart. */
static gboolean
layout_ticks (cairo_t *cr, const Axis *a, const TickSet *set, const GArray *values, const Frame *f,
              gboolean x_axis, double font, double gap, double min_spacing, double magnitude, GArray *ticks)
{
  g_array_set_size (ticks, 0);
  gboolean ok = TRUE;
  double prev_pos = NAN, prev_end = -INFINITY;
  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);
      Tick tk = { x_axis ? fx (f, v) : fy (f, v), tick_label (a, set, v, magnitude), 0, 0 };
      PangoLayout *layout = text_layout (cr, tk.label, font);
      pango_layout_get_pixel_size (layout, &tk.w, &tk.h);
      g_object_unref (layout);
      /* Along the axis, from small to large coordinates. */
      double extent = x_axis ? tk.w : tk.h;
      double start = tk.pos - 0.5 * extent, end = tk.pos + 0.5 * extent;
      if (!x_axis)
        {
          start = -tk.pos - 0.5 * extent;   /* y grows downward: walk upward */
          end = -tk.pos + 0.5 * extent;
        }
      if (start < prev_end + gap)
        ok = FALSE;
      if (isfinite (prev_pos) && fabs (tk.pos - prev_pos) < min_spacing)
        ok = FALSE;
      prev_end = end;
      prev_pos = tk.pos;
      g_array_append_val (ticks, tk);
    }
  return ok;
}

/* The ticks of an axis: the finest set whose labels do not overlap and lie
 * a comfortable distance apart; when that leaves fewer than three, the
 * coarsest finer one with more ticks whose labels still do not overlap.  Whatever is chosen, a label that
 * would still overlap the one before it is left out, so labels never
 * overlap (the grid line stays). */
static GArray *
choose_ticks (PfmPlot *self, cairo_t *cr, const Axis *a, gboolean x_axis, const Frame *f, double font, double s)
{
  const gboolean category = x_axis && self->kind == PFM_PLOT_BARS;
  const gboolean integer = !x_axis && self->y_integer;
  const double lo = x_axis ? f->x0 : f->y0, hi = x_axis ? f->x1 : f->y1;
  const double pixels = x_axis ? f->right - f->left : f->bottom - f->top;
  gsize n_cat = self->series->len ? ((Series *) self->series->pdata[0])->x->len : 0;
  double comfortable = (category ? 28.0 : x_axis ? (a->log ? 50.0 : 85.0) : 42.0) * s;
  if (self->image_counts)
    comfortable = MIN (comfortable, 24.0 * s);   /* class indices: short labels, a tick every class or two */
  const double gap = (x_axis ? 8.0 : 3.0) * s;
  const double magnitude = MAX (fabs (lo), fabs (hi));
  TickSet sets[MAX_TICK_SETS];
  guint n_sets = tick_sets (a, category, integer, lo, hi, sets);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (Tick));
  g_array_set_clear_func (ticks, tick_clear);

  /* For each set: how many ticks, whether they fit comfortably, whether
   * they fit at all (labels apart, ticks not crammed). */
  guint count[MAX_TICK_SETS] = { 0 };
  gboolean fits[MAX_TICK_SETS] = { FALSE };
  int chosen = -1;
  for (guint k = 0; k < n_sets; k++)
    {
      if (!tick_values (&sets[k], lo, hi, n_cat, values) || values->len == 0)
        continue;
      count[k] = values->len;
      /* Cheap test first: far too many ticks for the space. */
      if (values->len > 1 && pixels / (values->len - 1) < 0.4 * comfortable)
        continue;
      fits[k] = layout_ticks (cr, a, &sets[k], values, f, x_axis, font, gap, 0.4 * comfortable, magnitude, ticks);
      if (fits[k] && layout_ticks (cr, a, &sets[k], values, f, x_axis, font, gap, comfortable, magnitude, ticks))
        {
          chosen = k;
          break;
        }
    }
  /* Fewer than three: the coarsest finer set that fits and has more. */
  if (chosen < 0 || count[chosen] < 3)
    for (int k = (chosen < 0 ? (int) n_sets : chosen) - 1; k >= 0; k--)
      if (fits[k] && count[k] > (chosen < 0 ? 0 : count[chosen]))
        {
          chosen = k;
          break;
        }
  if (chosen < 0)
    {
      /* Nothing fits as a whole: the coarsest set with a tick. */
      for (int k = n_sets - 1; k >= 0 && chosen < 0; k--)
        if (tick_values (&sets[k], lo, hi, n_cat, values) && values->len > 0)
          chosen = k;
      if (chosen < 0)
        return ticks;
    }
  tick_values (&sets[chosen], lo, hi, n_cat, values);
  layout_ticks (cr, a, &sets[chosen], values, f, x_axis, font, gap, 0, magnitude, ticks);

  /* The safety net: drop what still overlaps. */
  double prev_end = -INFINITY;
  for (guint i = 0; i < ticks->len;)
    {
      Tick *tk = &g_array_index (ticks, Tick, i);
      double extent = x_axis ? tk->w : tk->h, c = x_axis ? tk->pos : -tk->pos;
      if (c - 0.5 * extent < prev_end + gap)
        {
          g_free (tk->label);
          tk->label = NULL;
          i++;
          continue;
        }
      prev_end = c + 0.5 * extent;
      i++;
    }
  return ticks;
}

static void
draw_axes (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  const double s = t->scale;
  const double font = 11 * s;

  for (int axis = 0; axis < 2; axis++)
    {
      const Axis *a = axis == 0 ? &self->xa : &self->ya;
      g_autoptr(GArray) ticks = choose_ticks (self, cr, a, axis == 0, f, font, s);
      GArray *boxes = self->tick_boxes[axis];
      g_array_set_size (boxes, 0);
      for (guint ti = 0; ti < ticks->len; ti++)
        {
          const Tick *tk = &g_array_index (ticks, Tick, ti);
          const double p = tk->pos;
          if (!(axis == 0 && self->kind == PFM_PLOT_BARS))
            {
              cairo_set_line_width (cr, 1.0 * s);
              set_color (cr, t->grid);
              if (axis == 0)
                {
                  cairo_move_to (cr, p, f->top);
                  cairo_line_to (cr, p, f->bottom);
                }
              else
                {
                  cairo_move_to (cr, f->left, p);
                  cairo_line_to (cr, f->right, p);
                }
              cairo_stroke (cr);
            }
          if (tk->label == NULL)
            continue;
          set_color (cr, t->fg);
          double box[4];
          if (axis == 0)
            {
              draw_text (cr, tk->label, font, p, f->bottom + 4 * s, 0.5, 0.0, 0);
              box[0] = p - 0.5 * tk->w;
              box[1] = f->bottom + 4 * s;
            }
          else
            {
              draw_text (cr, tk->label, font, f->left - 5 * s, p, 1.0, 0.5, 0);
              box[0] = f->left - 5 * s - tk->w;
              box[1] = p - 0.5 * tk->h;
            }
          box[2] = tk->w;
          box[3] = tk->h;
          g_array_append_vals (boxes, box, 4);
        }
    }
  /* Frame */
  double fgc[4] = { t->fg[0], t->fg[1], t->fg[2], 0.6 };
  set_color (cr, fgc);
  cairo_set_line_width (cr, 1.0 * s);
  cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
  cairo_stroke (cr);

  set_color (cr, t->fg);
  if (self->xa.label)
    {
      g_autofree char *esc = g_markup_escape_text (self->xa.label, -1);
      draw_text (cr, esc, font, 0.5 * (f->left + f->right), f->bottom + 22 * s, 0.5, 0.0, 0);
    }
  if (self->ya.label)
    {
      g_autofree char *esc = g_markup_escape_text (self->ya.label, -1);
      draw_text (cr, esc, font, 12 * s, 0.5 * (f->top + f->bottom), 0.5, 0.5, -G_PI / 2);
    }
  if (self->title)
    {
      PangoLayout *layout = title_layout (self, cr, f->width, f->right - f->left, s);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      /* On one line over the plot area when it fits there; else wrapped
       * over the whole width, centred. */
      double x = pango_layout_get_width (layout) > 0 ? 4 * s : 0.5 * (f->left + f->right) - 0.5 * w;
      cairo_move_to (cr, x, 4 * s);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
}

static void
draw_series (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  const double s = t->scale;
  cairo_save (cr);
  cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
  cairo_clip (cr);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      double rgb[3];
      pfm_plot_palette (se->color, t->high_contrast, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      if (self->kind == PFM_PLOT_BARS)
        {
          double bw = 0.8 / MAX (1u, self->series->len);
          for (guint k = 0; k < se->y->len; k++)
            {
              double v = to_axis (&self->ya, g_array_index (se->y, double, k));
              if (!isfinite (v))
                continue;
              double base = self->ya.log ? f->y0 : 0.0;
              double xl = fx (f, k - 0.4 + i * bw), xr = fx (f, k - 0.4 + (i + 1) * bw);
              double yt = fy (f, v), yb = fy (f, base);
              cairo_rectangle (cr, xl, MIN (yt, yb), xr - xl, fabs (yb - yt));
            }
          cairo_fill (cr);
          continue;
        }
      if (self->kind == PFM_PLOT_HISTOGRAM)
        {
          /* The series side by side in each bin, a small gap between bins. */
          const double w = bin_width (self), bw = 0.9 * w / MAX (1u, self->series->len);
          for (guint k = 0; k < se->y->len && k < se->x->len; k++)
            {
              double c = to_axis (&self->xa, g_array_index (se->x, double, k));
              double v = to_axis (&self->ya, g_array_index (se->y, double, k));
              if (!isfinite (c) || !isfinite (v))
                continue;
              double base = self->ya.log ? f->y0 : 0.0;
              double xl = fx (f, c - 0.45 * w + i * bw), xr = fx (f, c - 0.45 * w + (i + 1) * bw);
              double yt = fy (f, v), yb = fy (f, base);
              cairo_rectangle (cr, xl, MIN (yt, yb), xr - xl, fabs (yb - yt));
            }
          cairo_fill (cr);
          continue;
        }
      cairo_set_line_width (cr, 2.0 * s);
      if (se->dashed)
        {
          double dash[] = { 6 * s, 4 * s };
          cairo_set_dash (cr, dash, 2, 0);
        }
      else
        cairo_set_dash (cr, NULL, 0, 0);
      gboolean pen = FALSE;
      for (guint k = 0; k < se->x->len; k++)
        {
          double x = to_axis (&self->xa, g_array_index (se->x, double, k));
          double y = to_axis (&self->ya, g_array_index (se->y, double, k));
          if (!isfinite (x) || !isfinite (y))
            {
              pen = FALSE;
              continue;
            }
          if (pen)
            cairo_line_to (cr, fx (f, x), fy (f, y));
          else
            cairo_move_to (cr, fx (f, x), fy (f, y));
          pen = TRUE;
        }
      if (se->x->len == 1)
        {
          double x = to_axis (&self->xa, g_array_index (se->x, double, 0));
          double y = to_axis (&self->ya, g_array_index (se->y, double, 0));
          if (isfinite (x) && isfinite (y))
            cairo_arc (cr, fx (f, x), fy (f, y), 3 * s, 0, 2 * G_PI);
        }
      cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);

  /* Markers */
  for (guint m = 0; m < self->markers->len; m++)
    {
      double v = to_axis (&self->xa, g_array_index (self->markers, double, m));
      if (!isfinite (v) || v < f->x0 || v > f->x1)
        continue;
      double dash[] = { 3 * s, 3 * s };
      cairo_set_dash (cr, dash, 2, 0);
      double c[4] = { t->fg[0], t->fg[1], t->fg[2], 0.55 };
      set_color (cr, c);
      cairo_set_line_width (cr, 1.2 * s);
      cairo_move_to (cr, fx (f, v), f->top);
      cairo_line_to (cr, fx (f, v), f->bottom);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (m == 0 && self->marker_label)
        {
          g_autofree char *esc = g_markup_escape_text (self->marker_label, -1);
          draw_text (cr, esc, 10 * s, fx (f, v) + 3 * s, f->bottom - 3 * s, 0.0, 1.0, 0);
        }
    }
  cairo_restore (cr);
}

/* Number of data points (screen space) inside a rectangle: the legend goes
 * to the corner that hides the fewest. */
static guint
points_in (PfmPlot *self, const Frame *f, double x0, double y0, double x1, double y1)
{
  guint n = 0;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      for (guint k = 0; k < se->x->len; k++)
        {
          double x = to_axis (&self->xa, g_array_index (se->x, double, k));
          double y = to_axis (&self->ya, g_array_index (se->y, double, k));
          if (!isfinite (x) || !isfinite (y))
            continue;
          double px = fx (f, x), py = fy (f, y);
          n += px >= x0 && px <= x1 && py >= y0 && py <= y1;
        }
    }
  return n;
}

/* Returns the band of heights the legend covers in @top, @bottom (both
 * f->top when there is none). */
static void
draw_legend (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t, double *top, double *bottom)
{
  const double s = t->scale;
  guint n = 0;
  *top = *bottom = f->top;
  for (guint i = 0; i < self->series->len; i++)
    n += ((Series *) self->series->pdata[i])->name != NULL;
  if (n < 2)
    return;

  /* Measure the legend. */
  double lw = 0, lh = 0;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      if (se->name == NULL)
        continue;
      g_autofree char *esc = g_markup_escape_text (se->name, -1);
      PangoLayout *layout = text_layout (cr, esc, 10.5 * s);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      g_object_unref (layout);
      lw = MAX (lw, 26 * s + w);
      lh += h + 3 * s;
    }
  const double pad = 8 * s;
  const double cx[4] = { f->left + pad, f->right - pad - lw, f->left + pad, f->right - pad - lw };
  const double cy[4] = { f->top + pad, f->top + pad, f->bottom - pad - lh, f->bottom - pad - lh };
  guint best = 0, best_n = G_MAXUINT;
  for (guint c = 0; c < 4; c++)
    {
      guint k = points_in (self, f, cx[c] - 4 * s, cy[c] - 4 * s, cx[c] + lw + 4 * s, cy[c] + lh + 4 * s);
      if (k < best_n)
        {
          best_n = k;
          best = c;
        }
    }
  double x = cx[best], y = cy[best];
  *top = y - 2 * s;
  *bottom = y + lh;
  double bg[4] = { t->bg[0], t->bg[1], t->bg[2], t->bg[3] > 0 ? 0.85 : 0.0 };
  if (bg[3] > 0)
    {
      set_color (cr, bg);
      cairo_rectangle (cr, x - 3 * s, y - 2 * s, lw + 6 * s, lh + 2 * s);
      cairo_fill (cr);
    }
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      if (se->name == NULL)
        continue;
      double rgb[3];
      pfm_plot_palette (se->color, t->high_contrast, rgb);
      g_autofree char *esc = g_markup_escape_text (se->name, -1);
      PangoLayout *layout = text_layout (cr, esc, 10.5 * s);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      if (self->kind == PFM_PLOT_BARS || self->kind == PFM_PLOT_HISTOGRAM)
        {
          /* Bars: a swatch of the bar's colour. */
          cairo_rectangle (cr, x + 4 * s, y + h / 2.0 - 5 * s, 10 * s, 10 * s);
          cairo_fill (cr);
        }
      else
        {
          cairo_set_line_width (cr, 2.5 * s);
          if (se->dashed)
            {
              double dash[] = { 4 * s, 3 * s };
              cairo_set_dash (cr, dash, 2, 0);
            }
          cairo_move_to (cr, x, y + h / 2.0);
          cairo_line_to (cr, x + 18 * s, y + h / 2.0);
          cairo_stroke (cr);
        }
      cairo_set_dash (cr, NULL, 0, 0);
      set_color (cr, t->fg);
      cairo_move_to (cr, x + 23 * s, y);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
      y += h + 3 * s;
    }
}

/* Cell values as integers (a confusion matrix's counts), dark on the
 * bright end of the colour map, light on the dark end. */
static void
draw_counts (PfmPlot *self, cairo_t *cr, double x0, double x1, double y0, double y1, double mn, double mx,
             const PfmPlotTheme *t)
{
  const int w = self->image_w, h = self->image_h;
  const double cw = (x1 - x0) / w, ch = (y0 - y1) / h;
  const double size = MIN (10 * t->scale, 0.45 * MIN (cw, ch));
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      {
        const double v = self->image[(gsize) j * w + i];
        if (!isfinite (v) || v == 0)
          continue;
        const double u = (v - mn) / (mx - mn);
        cairo_set_source_rgb (cr, u > 0.6 ? 0 : 1, u > 0.6 ? 0 : 1, u > 0.6 ? 0 : 1);
        g_autofree char *text = g_strdup_printf ("%.0f", v);
        draw_text (cr, text, size, x0 + (i + 0.5) * cw, y0 - (j + 0.5) * ch, 0.5, 0.5, 0);
      }
}

static void
draw_image (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  if (self->image == NULL)
    return;
  const int w = self->image_w, h = self->image_h;
  const gsize n = (gsize) w * h;
  double mn = INFINITY, mx = -INFINITY;
  for (gsize i = 0; i < n; i++)
    {
      double v = self->image[i];
      if (self->image_log)
        v = v > 0 ? log10 (v) : NAN;
      if (isfinite (v))
        {
          mn = MIN (mn, v);
          mx = MAX (mx, v);
        }
    }
  if (!isfinite (mx))
    return;
  if (self->image_log)
    mn = MAX (mn, mx - 4.0);   /* four decades of dynamic range */
  gboolean diverging = FALSE;
  if (isfinite (self->image_min) && isfinite (self->image_max) && self->image_max > self->image_min)
    {
      mn = self->image_log ? log10 (self->image_min) : self->image_min;
      mx = self->image_log ? log10 (self->image_max) : self->image_max;
      diverging = !self->image_log && self->image_min == -self->image_max;
    }
  guint32 (*cmap) (double) = diverging ? colormap_diverging : colormap;
  if (mx <= mn)
    mx = mn + 1;
  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  guint8 *data = cairo_image_surface_get_data (surf);
  int stride = cairo_image_surface_get_stride (surf);
  for (int j = 0; j < h; j++)
    {
      guint32 *row = (guint32 *) (data + (gsize) (h - 1 - j) * stride);
      for (int i = 0; i < w; i++)
        {
          double v = self->image[(gsize) j * w + i];
          if (self->image_cells && !isfinite (v))
            {
              row[i] = 0;   /* no value: the background shows */
              continue;
            }
          if (self->image_log)
            v = v > 0 ? log10 (v) : mn;
          row[i] = cmap ((v - mn) / (mx - mn));
        }
    }
  cairo_surface_mark_dirty (surf);
  cairo_save (cr);
  double x0 = fx (f, to_axis (&self->xa, self->img_x0)), x1 = fx (f, to_axis (&self->xa, self->img_x1));
  double y0 = fy (f, to_axis (&self->ya, self->img_y0)), y1 = fy (f, to_axis (&self->ya, self->img_y1));
  cairo_rectangle (cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
  cairo_clip (cr);
  cairo_translate (cr, x0, y1);
  cairo_scale (cr, (x1 - x0) / w, (y0 - y1) / h);
  cairo_set_source_surface (cr, surf, 0, 0);
  /* Counts and sweep points are cells, not samples of a field: no smoothing. */
  cairo_pattern_set_filter (cairo_get_source (cr), self->image_counts || self->image_cells
                            ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surf);
  if (self->image_counts && n <= 1024)
    draw_counts (self, cr, x0, x1, y0, y1, mn, mx, t);

  /* Colour bar */
  const double s = t->scale;
  double bx = f->right + 12 * s, bw = 12 * s;
  for (int k = 0; k < 64; k++)
    {
      guint32 c = cmap (k / 63.0);
      cairo_set_source_rgb (cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
      double yk = f->bottom - (k + 1) / 64.0 * (f->bottom - f->top);
      cairo_rectangle (cr, bx, yk, bw, (f->bottom - f->top) / 64.0 + 0.5);
      cairo_fill (cr);
    }
  set_color (cr, t->fg);
  Axis va = { NULL, self->image_unit, self->image_log, NAN, NAN };
  g_autofree char *top = format_tick (&va, mx, (mx - mn) / 4, MAX (fabs (mx), fabs (mn)));
  g_autofree char *bottom = format_tick (&va, mn, (mx - mn) / 4, MAX (fabs (mx), fabs (mn)));
  draw_text (cr, top, 10 * s, bx + bw + 3 * s, f->top, 0.0, 0.0, 0);
  draw_text (cr, bottom, 10 * s, bx + bw + 3 * s, f->bottom, 0.0, 1.0, 0);
  if (self->image_log)
    draw_text (cr, _("log"), 10 * s, bx + bw + 3 * s, 0.5 * (f->top + f->bottom), 0.0, 0.5, 0);
}

static void
draw_hover (PfmPlot *self, cairo_t *cr, const Frame *f, const PfmPlotTheme *t)
{
  if (self->hover_x < f->left || self->hover_x > f->right || self->hover_y < f->top || self->hover_y > f->bottom)
    return;
  const double s = t->scale;
  g_autofree char *text = NULL;
  double px = self->hover_x, py = self->hover_y;

  if (self->kind == PFM_PLOT_IMAGE && self->image)
    {
      double xv = f->x0 + (px - f->left) / (f->right - f->left) * (f->x1 - f->x0);
      double yv = f->y0 + (f->bottom - py) / (f->bottom - f->top) * (f->y1 - f->y0);
      int i = (int) ((xv - self->img_x0) / (self->img_x1 - self->img_x0) * self->image_w);
      int j = (int) ((yv - self->img_y0) / (self->img_y1 - self->img_y0) * self->image_h);
      if (i < 0 || j < 0 || i >= self->image_w || j >= self->image_h)
        return;
      g_autofree char *xs = pfm_display_value (xv, self->xa.unit);
      g_autofree char *ys = pfm_display_value (yv, self->ya.unit);
      g_autofree char *vs = pfm_display_value (self->image[(gsize) j * self->image_w + i], self->image_unit);
      text = g_markup_printf_escaped ("%s, %s\n%s", xs, ys, vs);
    }
  else
    {
      double best = 30 * s * 30 * s;
      Series *bs = NULL;
      guint bk = 0;
      for (guint i = 0; i < self->series->len; i++)
        {
          Series *se = self->series->pdata[i];
          for (guint k = 0; k < se->x->len; k++)
            {
              double x = self->kind == PFM_PLOT_BARS ? k : to_axis (&self->xa, g_array_index (se->x, double, k));
              double y = to_axis (&self->ya, g_array_index (se->y, double, k));
              if (!isfinite (x) || !isfinite (y))
                continue;
              double dx = fx (f, x) - px, dy = fy (f, y) - py;
              if (self->kind == PFM_PLOT_BARS || self->kind == PFM_PLOT_HISTOGRAM)
                dy = 0;
              if (dx * dx + dy * dy < best)
                {
                  best = dx * dx + dy * dy;
                  bs = se;
                  bk = k;
                }
            }
        }
      if (bs == NULL)
        return;
      double xv = g_array_index (bs->x, double, bk), yv = g_array_index (bs->y, double, bk);
      double x = self->kind == PFM_PLOT_BARS ? bk : to_axis (&self->xa, xv);
      px = fx (f, x);
      py = fy (f, to_axis (&self->ya, yv));
      if (self->kind == PFM_PLOT_HISTOGRAM)
        {
          /* The point on the top of its own bar. */
          guint si = 0;
          while (si < self->series->len && self->series->pdata[si] != bs)
            si++;
          const double w = bin_width (self), bw = 0.9 * w / MAX (1u, self->series->len);
          px = fx (f, x - 0.45 * w + (si + 0.5) * bw);
        }
      double rgb[3];
      pfm_plot_palette (bs->color, t->high_contrast, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_arc (cr, px, py, 4.5 * s, 0, 2 * G_PI);
      cairo_fill (cr);
      g_autofree char *xs = self->kind == PFM_PLOT_BARS ? g_strdup_printf ("#%g", xv)
        : (self->xa.unit && self->xa.unit[0]) ? pfm_display_value (xv, self->xa.unit)
        : g_strdup_printf ("%.4g", xv);
      g_autofree char *ys = (self->ya.unit && self->ya.unit[0]) ? pfm_display_value (yv, self->ya.unit)
        : g_strdup_printf ("%.4g", yv);
      text = g_markup_printf_escaped ("%s%s%s, %s", bs->name ? bs->name : "", bs->name ? ": " : "", xs, ys);
    }

  PangoLayout *layout = text_layout (cr, text, 11 * s);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  const double bw = w + 8 * s, bh = h + 6 * s;
  double bx = px + 10 * s, by = py - bh - 10 * s;
  if (bx + bw > f->right)
    bx = px - bw - 10 * s;
  if (by < f->top)
    by = py + 10 * s;
  /* Inside the plot area whichever side it went to. */
  bx = MAX (f->left + 2 * s, MIN (bx, f->right - 2 * s - bw));
  by = MAX (f->top + 2 * s, MIN (by, f->bottom - 2 * s - bh));
  if (bw > f->right - f->left - 4 * s)   /* wider than the plot: inside the figure, centred on the point */
    bx = MAX (2 * s, MIN (px - 0.5 * bw, f->width - 2 * s - bw));
  self->hover_box[0] = bx;
  self->hover_box[1] = by;
  self->hover_box[2] = bw;
  self->hover_box[3] = bh;
  cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.88);
  cairo_rectangle (cr, bx, by, bw, bh);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, bx + 4 * s, by + 3 * s);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* The placeholder inside the plot area: wrapped to its width, in smaller
 * type while it is taller than the area (down to 8 px), and cut with an
 * ellipsis only if it still does not fit. */
static void
draw_notice (cairo_t *cr, const char *notice, const Frame *f, const PfmPlotTheme *t, double legend_top,
             double legend_bottom, double alpha)
{
  const double s = t->scale, pad = 6 * s;
  /* Beside the legend (above or below it, where there is more room),
   * not over it. */
  double top = f->top, bottom = f->bottom;
  if (legend_bottom > legend_top)
    {
      if (f->bottom - legend_bottom >= legend_top - f->top)
        top = legend_bottom;
      else
        bottom = legend_top;
    }
  const double w = f->right - f->left - 2 * pad, h = bottom - top - 2 * pad;
  if (w < 8 || h < 8)
    return;
  g_autofree char *esc = g_markup_printf_escaped ("<i>%s</i>", notice);
  PangoLayout *layout = NULL;
  int lw = 0, lh = 0;
  for (double size = 11 * s;; size -= s)
    {
      g_clear_object (&layout);
      layout = text_layout (cr, esc, size);
      pango_layout_set_width (layout, (int) (w * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (lh <= h || size - s < 8 * s)
        break;
    }
  if (lh > h)
    {
      pango_layout_set_height (layout, (int) (h * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &lw, &lh);
    }
  double c[4] = { t->fg[0], t->fg[1], t->fg[2], alpha };
  set_color (cr, c);
  cairo_move_to (cr, f->left + pad, 0.5 * (top + bottom) - 0.5 * lh);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

void
pfm_plot_draw (PfmPlot *self, cairo_t *cr, double width, double height, const PfmPlotTheme *t)
{
  g_return_if_fail (PFM_IS_PLOT (self));
  const double s = t->scale;

  if (t->bg[3] > 0)
    {
      set_color (cr, t->bg);
      cairo_paint (cr);
    }
  Frame f;
  f.width = width;
  f.left = 86 * s;
  f.right = width - (self->kind == PFM_PLOT_IMAGE ? 92 * s : 26 * s);
  f.top = 10 * s;
  self->title_height = 0;
  if (self->title)
    {
      PangoLayout *layout = title_layout (self, cr, width, f.right - f.left, s);
      int tw, th;
      pango_layout_get_pixel_size (layout, &tw, &th);
      g_object_unref (layout);
      self->title_height = th;
      f.top = MAX (26 * s, th + 11 * s);
    }
  f.bottom = height - 44 * s;
  g_array_set_size (self->tick_boxes[0], 0);
  g_array_set_size (self->tick_boxes[1], 0);
  self->hover_box[0] = self->hover_box[1] = self->hover_box[2] = self->hover_box[3] = 0;
  if (f.right - f.left < 20 || f.bottom - f.top < 20)
    return;
  data_range (self, &self->xa, TRUE, &f.x0, &f.x1);
  data_range (self, &self->ya, FALSE, &f.y0, &f.y1);
  if (self->equal_aspect && !self->xa.log && !self->ya.log)
    {
      /* Same scale on both axes: shrink the plot area along the longer one. */
      double sx = (f.right - f.left) / (f.x1 - f.x0), sy = (f.bottom - f.top) / (f.y1 - f.y0);
      if (sx > sy)
        {
          double w = (f.x1 - f.x0) * sy, c = 0.5 * (f.left + f.right);
          f.left = c - w / 2;
          f.right = c + w / 2;
        }
      else
        {
          double h = (f.y1 - f.y0) * sx, c = 0.5 * (f.top + f.bottom);
          f.top = c - h / 2;
          f.bottom = c + h / 2;
        }
    }
  self->last_frame[0] = f.left;
  self->last_frame[1] = f.top;
  self->last_frame[2] = f.right;
  self->last_frame[3] = f.bottom;
  if (self->kind == PFM_PLOT_IMAGE)
    draw_image (self, cr, &f, t);
  draw_axes (self, cr, &f, t);
  double legend_top = f.top, legend_bottom = f.top;
  if (self->kind != PFM_PLOT_IMAGE)
    {
      draw_series (self, cr, &f, t);
      draw_legend (self, cr, &f, t, &legend_top, &legend_bottom);
    }
  draw_hover (self, cr, &f, t);

  gboolean empty = self->kind == PFM_PLOT_IMAGE ? self->image == NULL : TRUE;
  for (guint i = 0; self->kind != PFM_PLOT_IMAGE && i < self->series->len; i++)
    empty &= ((Series *) self->series->pdata[i])->x->len == 0;
  if (empty && self->placeholder)
    draw_notice (cr, self->placeholder, &f, t, legend_top, legend_bottom, 0.6);
  else if (!empty && self->stale)
    {
      /* Out of date: the data faded behind the notice, which says why. */
      double veil[4] = { t->bg[0], t->bg[1], t->bg[2], 0.7 };
      if (t->bg[3] <= 0)   /* the widget's own background: light under dark text, dark under light */
        veil[0] = veil[1] = veil[2] = (t->fg[0] + t->fg[1] + t->fg[2]) / 3 > 0.5 ? 0.14 : 1.0;
      set_color (cr, veil);
      cairo_rectangle (cr, f.left, f.top, f.right - f.left, f.bottom - f.top);
      cairo_fill (cr);
      draw_notice (cr, self->stale, &f, t, f.top, f.top, 0.9);
    }
}

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
  g_free (self->placeholder);
  self->placeholder = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- export ------------------------------------------------------------- */

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
pfm_plot_export (PfmPlot *self, const char *path, int width, int height, GError **error)
{
  g_return_val_if_fail (PFM_IS_PLOT (self), FALSE);
  PfmPlotTheme t = { { 0.1, 0.1, 0.1, 1 }, { 1, 1, 1, 1 }, { 0.1, 0.1, 0.1, 0.12 }, 1.0, FALSE };
  t.scale = self->presentation ? 1.6 : 1.0;
  t.high_contrast = self->presentation;
  double saved_x = self->hover_x;
  self->hover_x = -1;   /* no hover read-out in a figure */

  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = NULL;
  gboolean png = g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".PNG");
  if (png)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * 2, height * 2);
  else if (g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG"))
    surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
  else if (g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF"))
    surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
  else
    {
      self->hover_x = saved_x;
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s: a figure must be saved as .png, .svg or .pdf"), path);
      return FALSE;
    }
  cairo_t *cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, 2, 2);   /* 2x for sharp figures in slides */
  pfm_plot_draw (self, cr, width, height, &t);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (png)
    cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_finish (surface);
  cairo_status_t st = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  self->hover_x = saved_x;
  if (st != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", path, cairo_status_to_string (st));
      return FALSE;
    }
  return pfm_file_write_atomic (path, bytes->data, bytes->len, error);
}

char *
pfm_plot_to_csv (PfmPlot *self)
{
  GString *s = g_string_new (NULL);
  if (self->kind == PFM_PLOT_IMAGE)
    {
      g_string_append (s, "x_index,y_index,value\n");
      for (int j = 0; self->image && j < self->image_h; j++)
        for (int i = 0; i < self->image_w; i++)
          {
            g_string_append_printf (s, "%d,%d,", i, j);
            pfm_export_csv_number (s, self->image[(gsize) j * self->image_w + i]);
            g_string_append_c (s, '\n');
          }
      return g_string_free (s, FALSE);
    }
  g_string_append (s, "series,x,y\n");
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      for (guint k = 0; k < se->x->len; k++)
        {
          g_string_append_c (s, '"');
          for (const char *p = se->name ? se->name : ""; *p; p++)
            g_string_append_printf (s, *p == '"' ? "\"\"" : "%c", *p);
          g_string_append (s, "\",");
          pfm_export_csv_number (s, g_array_index (se->x, double, k));
          g_string_append_c (s, ',');
          pfm_export_csv_number (s, g_array_index (se->y, double, k));
          g_string_append_c (s, '\n');
        }
    }
  return g_string_free (s, FALSE);
}

char *
pfm_plot_to_json (PfmPlot *self)
{
  GString *s = g_string_new ("{\"title\": ");
  pfm_export_json_string (s, self->title ? self->title : "");
  g_string_append (s, ", \"x_label\": ");
  pfm_export_json_string (s, self->xa.label ? self->xa.label : "");
  g_string_append (s, ", \"x_unit\": ");
  pfm_export_json_string (s, self->xa.unit ? self->xa.unit : "");
  g_string_append (s, ", \"y_label\": ");
  pfm_export_json_string (s, self->ya.label ? self->ya.label : "");
  g_string_append (s, ", \"y_unit\": ");
  pfm_export_json_string (s, self->ya.unit ? self->ya.unit : "");
  g_string_append (s, ", \"series\": [");
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *se = self->series->pdata[i];
      g_string_append (s, i ? ", {\"name\": " : "{\"name\": ");
      pfm_export_json_string (s, se->name ? se->name : "");
      for (int axis = 0; axis < 2; axis++)
        {
          GArray *arr = axis ? se->y : se->x;
          g_string_append (s, axis ? ", \"y\": [" : ", \"x\": [");
          for (guint k = 0; k < arr->len; k++)
            {
              if (k)
                g_string_append (s, ", ");
              pfm_export_json_number (s, g_array_index (arr, double, k));
            }
          g_string_append_c (s, ']');
        }
      g_string_append_c (s, '}');
    }
  g_string_append_c (s, ']');
  /* An image plot's data is its image, row by row (y, then x), as the CSV
   * lists it. */
  if (self->kind == PFM_PLOT_IMAGE && self->image != NULL)
    {
      g_string_append_printf (s, ", \"image\": {\"width\": %d, \"height\": %d, \"unit\": ", self->image_w, self->image_h);
      pfm_export_json_string (s, self->image_unit ? self->image_unit : "");
      g_string_append (s, ", \"values\": [");
      for (gsize k = 0; k < (gsize) self->image_w * self->image_h; k++)
        {
          if (k)
            g_string_append (s, ", ");
          pfm_export_json_number (s, self->image[k]);
        }
      g_string_append (s, "]}");
    }
  g_string_append (s, "}\n");
  return g_string_free (s, FALSE);
}
