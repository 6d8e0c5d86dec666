/* pfm-train-gallery.c - test examples with their true and predicted class
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-train-gallery"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pfm-plot.h"
#include "pfm-train-gallery.h"

#define TILE_W 104
#define TILE_H 132

typedef struct
{
  float  *image;      /* w * h in [0, 1] */
  guint   w, h;
  guint   label, predicted;
  double *power;      /* n_classes */
  guint   n_classes;
} Tile;

struct _PfmTrainGallery
{
  AdwBin      parent_instance;
  GtkStack   *stack;
  GtkLabel   *placeholder;
  GtkFlowBox *flow;
  GPtrArray  *tiles;
};

G_DEFINE_FINAL_TYPE (PfmTrainGallery, pfm_train_gallery, ADW_TYPE_BIN)

enum { EXAMPLE_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
tile_free (gpointer p)
{
  Tile *t = p;
  g_free (t->image);
  g_free (t->power);
  g_free (t);
}

static void
set_rgb (cairo_t *cr, guint color)
{
  double rgb[3];
  pfm_plot_palette (color, FALSE, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

static void
draw_tile (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  const Tile *t = user_data;
  GdkRGBA fg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  const gboolean wrong = t->predicted != t->label;
  /* The image, as large as fits above the text and bars. */
  const double side = MIN (width - 8, height - 52);
  const double px = side / MAX (t->w, t->h), x0 = (width - px * t->w) / 2, y0 = 4;
  for (guint j = 0; j < t->h; j++)
    for (guint i = 0; i < t->w; i++)
      {
        const double v = t->image[j * t->w + i];
        cairo_set_source_rgb (cr, v, v, v);
        cairo_rectangle (cr, x0 + i * px, y0 + j * px, px + 0.5, px + 0.5);
        cairo_fill (cr);
      }
  /* true → predicted */
  g_autofree char *text = g_strdup_printf ("%u → %u%s", t->label, t->predicted, wrong ? " ✗" : "");
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), text);
  int tw, th;
  pango_layout_get_pixel_size (layout, &tw, &th);
  if (wrong)
    set_rgb (cr, 4);
  else
    gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, (width - tw) / 2.0, y0 + side + 2);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  /* Detector powers, normalised to the brightest. */
  double top = 0;
  for (guint k = 0; k < t->n_classes; k++)
    top = MAX (top, t->power[k]);
  const double by = height - 4, bh = height - 4 - (y0 + side + th + 4), bw = (width - 8.0) / MAX (1u, t->n_classes);
  for (guint k = 0; k < t->n_classes && top > 0; k++)
    {
      if (k == t->label)
        set_rgb (cr, 2);
      else if (k == t->predicted)
        set_rgb (cr, 4);
      else
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.45);
      const double h = bh * t->power[k] / top;
      cairo_rectangle (cr, 4 + k * bw + 1, by - h, bw - 2, h);
      cairo_fill (cr);
    }
  if (wrong)
    {
      set_rgb (cr, 4);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, 1.5, 1.5, width - 3, height - 3);
      cairo_stroke (cr);
    }
}

static void
selected_cb (GtkFlowBox *flow, PfmTrainGallery *self)
{
  int i = pfm_train_gallery_get_selected (self);
  if (i >= 0)
    g_signal_emit (self, signals[EXAMPLE_SELECTED], 0, (guint) i);
}

static void
pfm_train_gallery_finalize (GObject *object)
{
  PfmTrainGallery *self = PFM_TRAIN_GALLERY (object);
  g_ptr_array_unref (self->tiles);
  G_OBJECT_CLASS (pfm_train_gallery_parent_class)->finalize (object);
}

static void
pfm_train_gallery_class_init (PfmTrainGalleryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pfm_train_gallery_finalize;
  signals[EXAMPLE_SELECTED] = g_signal_new ("example-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pfm_train_gallery_init (PfmTrainGallery *self)
{
  self->tiles = g_ptr_array_new_with_free_func (tile_free);
  self->stack = GTK_STACK (gtk_stack_new ());
  self->placeholder = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->placeholder, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "dim-label");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->placeholder), "empty");
  self->flow = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->flow, GTK_SELECTION_SINGLE);
  gtk_flow_box_set_max_children_per_line (self->flow, 12);
  gtk_flow_box_set_homogeneous (self->flow, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->flow), GTK_ALIGN_START);
  g_signal_connect (self->flow, "selected-children-changed", G_CALLBACK (selected_cb), self);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->flow));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_stack_add_named (self->stack, scroller, "tiles");
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->stack));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->flow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Test examples: true and predicted class"), -1);
}

GtkWidget *
pfm_train_gallery_new (void)
{
  return g_object_new (PFM_TYPE_TRAIN_GALLERY, NULL);
}

void
pfm_train_gallery_clear (PfmTrainGallery *self, const char *placeholder)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  g_ptr_array_set_size (self->tiles, 0);
  gtk_label_set_text (self->placeholder, placeholder);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static Tile *
make_tile (const PfmTrainData *data, guint example, const double *power)
{
  const PfmDataset *ds = data->dataset;
  Tile *t = g_new0 (Tile, 1);
  t->w = ds->width;
  t->h = ds->height;
  t->image = g_memdup2 (ds->features + (gsize) example * ds->n_features, ds->n_features * sizeof (float));
  t->label = ds->labels[example];
  t->n_classes = data->n_classes;
  t->power = g_memdup2 (power, t->n_classes * sizeof (double));
  t->predicted = pfm_train_argmax (power, t->n_classes);
  return t;
}

void
pfm_train_gallery_set (PfmTrainGallery *self, const PfmTrainData *data, const double *outputs, guint n)
{
  pfm_train_gallery_clear (self, "");
  for (guint i = 0; i < n; i++)
    {
      Tile *t = make_tile (data, data->test[i], outputs + (gsize) i * data->n_classes);
      g_ptr_array_add (self->tiles, t);
      GtkWidget *area = gtk_drawing_area_new ();
      gtk_widget_set_size_request (area, TILE_W, TILE_H);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_tile, t, NULL);
      g_autofree char *tip = g_strdup_printf (_("Test example %u: true class %u, predicted %u%s. "
                                                "Select it to send its light through the glass in the other views."),
                                              i + 1, t->label, t->predicted, t->predicted != t->label ? _(" (wrong)") : "");
      gtk_widget_set_tooltip_text (area, tip);
      gtk_flow_box_append (self->flow, area);
      /* What a screen reader says for the tile (a tooltip is only its
       * description): on the child the user selects. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (area)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      tip, -1);
    }
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "tiles" : "empty");
}

int
pfm_train_gallery_get_selected (PfmTrainGallery *self)
{
  GList *sel = gtk_flow_box_get_selected_children (self->flow);
  int i = sel ? gtk_flow_box_child_get_index (sel->data) : -1;
  g_list_free (sel);
  return i;
}

void
pfm_train_gallery_select (PfmTrainGallery *self, int index)
{
  GtkFlowBoxChild *child = index >= 0 ? gtk_flow_box_get_child_at_index (self->flow, index) : NULL;
  if (child)
    gtk_flow_box_select_child (self->flow, child);
  else
    gtk_flow_box_unselect_all (self->flow);
}
