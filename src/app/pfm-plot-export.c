/* pfm-plot-export.c - a plot as a figure (PNG, SVG, PDF) or as data (CSV,
 * JSON)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A figure is drawn by pfm_plot_draw, the code that draws the widget, on a
 * white background, so an exported figure is what the window shows.
 */
#define G_LOG_DOMAIN "pfm-plot"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "pfm-export.h"
#include "pfm-plot-private.h"

/* A cairo write function: appends to the GByteArray @closure. */
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

gboolean
pfm_plot_save_data (PfmPlot *self, const char *path, GError **error)
{
  const gboolean json = g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".JSON");
  if (!json && !g_str_has_suffix (path, ".csv") && !g_str_has_suffix (path, ".CSV"))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s: data must be saved as .csv or .json"), path);
      return FALSE;
    }
  g_autofree char *text = json ? pfm_plot_to_json (self) : pfm_plot_to_csv (self);
  return pfm_file_write_atomic (path, text, strlen (text), error);
}
