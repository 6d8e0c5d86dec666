/* pfm-transfer.c - transfer function: colormap, opacity curve, scale (no GL)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-transfer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-transfer.h"

G_DEFINE_QUARK (pfm-transfer-error-quark, pfm_transfer_error)

/* matplotlib's perceptually uniform maps (CC0), sampled at 11 points and
 * interpolated linearly: close enough for a colour scale on screen. */
static const guint8 colormaps[PFM_N_COLORMAPS][11][3] = {
  [PFM_COLORMAP_INFERNO] = {
    { 0x00, 0x00, 0x04 }, { 0x16, 0x0b, 0x39 }, { 0x42, 0x0a, 0x68 }, { 0x6a, 0x17, 0x6e },
    { 0x93, 0x26, 0x67 }, { 0xbc, 0x37, 0x54 }, { 0xdd, 0x51, 0x3a }, { 0xf3, 0x78, 0x19 },
    { 0xfc, 0xa5, 0x0a }, { 0xf6, 0xd7, 0x46 }, { 0xfc, 0xff, 0xa4 },
  },
  [PFM_COLORMAP_VIRIDIS] = {
    { 0x44, 0x01, 0x54 }, { 0x48, 0x24, 0x75 }, { 0x41, 0x44, 0x87 }, { 0x35, 0x5f, 0x8d },
    { 0x2a, 0x78, 0x8e }, { 0x21, 0x91, 0x8c }, { 0x22, 0xa8, 0x84 }, { 0x44, 0xbf, 0x70 },
    { 0x7a, 0xd1, 0x51 }, { 0xbd, 0xdf, 0x26 }, { 0xfd, 0xe7, 0x25 },
  },
  [PFM_COLORMAP_MAGMA] = {
    { 0x00, 0x00, 0x04 }, { 0x14, 0x0e, 0x36 }, { 0x3b, 0x0f, 0x70 }, { 0x64, 0x1a, 0x80 },
    { 0x8c, 0x29, 0x81 }, { 0xb7, 0x37, 0x79 }, { 0xde, 0x49, 0x68 }, { 0xf7, 0x70, 0x5c },
    { 0xfe, 0x9f, 0x6d }, { 0xfe, 0xcf, 0x92 }, { 0xfc, 0xfd, 0xbf },
  },
  [PFM_COLORMAP_GREY] = {
    { 0x00, 0x00, 0x00 }, { 0x1a, 0x1a, 0x1a }, { 0x33, 0x33, 0x33 }, { 0x4d, 0x4d, 0x4d },
    { 0x66, 0x66, 0x66 }, { 0x80, 0x80, 0x80 }, { 0x99, 0x99, 0x99 }, { 0xb3, 0xb3, 0xb3 },
    { 0xcc, 0xcc, 0xcc }, { 0xe6, 0xe6, 0xe6 }, { 0xff, 0xff, 0xff },
  },
};

static const char *const colormap_names[PFM_N_COLORMAPS] = { "inferno", "viridis", "magma", "grey" };

const char *
pfm_colormap_to_string (PfmColormap map)
{
  g_return_val_if_fail (map < PFM_N_COLORMAPS, NULL);
  return colormap_names[map];
}

gboolean
pfm_colormap_from_string (const char *name, PfmColormap *map)
{
  for (guint i = 0; i < PFM_N_COLORMAPS; i++)
    if (g_strcmp0 (name, colormap_names[i]) == 0)
      {
        *map = i;
        return TRUE;
      }
  return FALSE;
}

void
pfm_colormap_eval (PfmColormap map, double t, double rgb[3])
{
  if ((guint) map >= PFM_N_COLORMAPS)
    map = PFM_COLORMAP_INFERNO;
  t = isfinite (t) ? CLAMP (t, 0.0, 1.0) * 10.0 : 0.0;
  int i = MIN ((int) t, 9);
  double f = t - i;
  for (int c = 0; c < 3; c++)
    rgb[c] = (colormaps[map][i][c] * (1 - f) + colormaps[map][i + 1][c] * f) / 255.0;
}

void
pfm_colormap_diverging (double t, double rgb[3])
{
  static const double ends[3][3] = { { 0.230, 0.299, 0.754 }, { 0.865, 0.865, 0.865 }, { 0.706, 0.016, 0.150 } };
  t = isfinite (t) ? CLAMP (t, 0.0, 1.0) : 0.5;
  const int i = t < 0.5 ? 0 : 1;
  const double f = t < 0.5 ? t * 2 : t * 2 - 1;
  for (int c = 0; c < 3; c++)
    rgb[c] = ends[i][c] * (1 - f) + ends[i + 1][c] * f;
}

PfmTransfer *
pfm_transfer_new (void)
{
  PfmTransfer *tf = g_new0 (PfmTransfer, 1);
  pfm_transfer_reset (tf);
  return tf;
}

PfmTransfer *
pfm_transfer_copy (const PfmTransfer *tf)
{
  g_return_val_if_fail (tf != NULL, NULL);
  return g_memdup2 (tf, sizeof *tf);
}

void
pfm_transfer_free (PfmTransfer *tf)
{
  g_free (tf);
}

void
pfm_transfer_reset (PfmTransfer *tf)
{
  g_return_if_fail (tf != NULL);
  static const PfmTransferPoint defaults[] = {
    { 0.0, 0.0 }, { 0.3, 0.0 }, { 0.6, 0.006 }, { 0.85, 0.03 }, { 1.0, 0.12 },
  };
  memset (tf, 0, sizeof *tf);
  tf->colormap = PFM_COLORMAP_INFERNO;
  tf->log_scale = TRUE;
  tf->decades = 4;
  tf->n_points = G_N_ELEMENTS (defaults);
  memcpy (tf->points, defaults, sizeof defaults);
}

gboolean
pfm_transfer_equal (const PfmTransfer *a, const PfmTransfer *b)
{
  if (a->colormap != b->colormap || a->log_scale != b->log_scale || a->decades != b->decades ||
      a->n_points != b->n_points)
    return FALSE;
  for (guint i = 0; i < a->n_points; i++)
    if (a->points[i].x != b->points[i].x || a->points[i].opacity != b->points[i].opacity)
      return FALSE;
  return TRUE;
}

double
pfm_transfer_opacity (const PfmTransfer *tf, double x)
{
  g_return_val_if_fail (tf != NULL && tf->n_points >= 2, 0);
  if (!isfinite (x) || x <= tf->points[0].x)
    return tf->points[0].opacity;
  for (guint i = 1; i < tf->n_points; i++)
    if (x <= tf->points[i].x)
      {
        const PfmTransferPoint *a = &tf->points[i - 1], *b = &tf->points[i];
        double f = (x - a->x) / (b->x - a->x);
        return a->opacity + f * (b->opacity - a->opacity);
      }
  return tf->points[tf->n_points - 1].opacity;
}

/* Points closer than this in x are merged by the editor. */
#define MIN_GAP 1e-3

int
pfm_transfer_add_point (PfmTransfer *tf, double x, double opacity)
{
  g_return_val_if_fail (tf != NULL, -1);
  if (tf->n_points >= PFM_TRANSFER_MAX_POINTS || !isfinite (x) || !isfinite (opacity))
    return -1;
  x = CLAMP (x, 0.0, 1.0);
  opacity = CLAMP (opacity, 0.0, 1.0);
  guint i = 0;
  while (i < tf->n_points && tf->points[i].x < x)
    i++;
  if ((i < tf->n_points && tf->points[i].x - x < MIN_GAP) || (i > 0 && x - tf->points[i - 1].x < MIN_GAP) ||
      i == 0 || i == tf->n_points)
    return -1;
  memmove (&tf->points[i + 1], &tf->points[i], (tf->n_points - i) * sizeof (PfmTransferPoint));
  tf->points[i].x = x;
  tf->points[i].opacity = opacity;
  tf->n_points++;
  return (int) i;
}

void
pfm_transfer_move_point (PfmTransfer *tf, guint i, double x, double opacity)
{
  g_return_if_fail (tf != NULL && i < tf->n_points);
  if (!isfinite (x) || !isfinite (opacity))
    return;
  if (i == 0)
    x = 0;
  else if (i == tf->n_points - 1)
    x = 1;
  else
    x = CLAMP (x, tf->points[i - 1].x + MIN_GAP, tf->points[i + 1].x - MIN_GAP);
  tf->points[i].x = x;
  tf->points[i].opacity = CLAMP (opacity, 0.0, 1.0);
}

gboolean
pfm_transfer_remove_point (PfmTransfer *tf, guint i)
{
  g_return_val_if_fail (tf != NULL, FALSE);
  if (i == 0 || i + 1 >= tf->n_points)
    return FALSE;
  memmove (&tf->points[i], &tf->points[i + 1], (tf->n_points - i - 1) * sizeof (PfmTransferPoint));
  tf->n_points--;
  return TRUE;
}

double
pfm_transfer_normalize (const PfmTransfer *tf, double value, double max)
{
  if (!(max > 0) || !(value > 0))
    return 0;
  double r = value / max;
  if (!tf->log_scale)
    return CLAMP (r, 0.0, 1.0);
  double d = tf->decades > 0 ? tf->decades : 4;
  return CLAMP (1 + log10 (r) / d, 0.0, 1.0);
}

double
pfm_transfer_denormalize (const PfmTransfer *tf, double v, double max)
{
  v = CLAMP (v, 0.0, 1.0);
  if (!tf->log_scale)
    return v * max;
  double d = tf->decades > 0 ? tf->decades : 4;
  return max * pow (10.0, (v - 1) * d);
}

void
pfm_transfer_bake (const PfmTransfer *tf, guint8 rgba[PFM_TRANSFER_LUT_SIZE * 4 * 2])
{
  g_return_if_fail (tf != NULL && rgba != NULL);
  for (int i = 0; i < PFM_TRANSFER_LUT_SIZE; i++)
    {
      double t = (double) i / (PFM_TRANSFER_LUT_SIZE - 1), rgb[3];
      pfm_colormap_eval (tf->colormap, t, rgb);
      for (int c = 0; c < 3; c++)
        rgba[4 * i + c] = (guint8) lround (rgb[c] * 255);
      rgba[4 * i + 3] = (guint8) lround (CLAMP (pfm_transfer_opacity (tf, t), 0.0, 1.0) * 255);
      guint8 *d = rgba + 4 * (PFM_TRANSFER_LUT_SIZE + i);
      pfm_colormap_diverging (t, rgb);
      for (int c = 0; c < 3; c++)
        d[c] = (guint8) lround (rgb[c] * 255);
      d[3] = 255;
    }
}

void
pfm_transfer_histogram (const PfmTransfer *tf, const float *values, gsize n, double max,
                        guint *bins, guint n_bins)
{
  g_return_if_fail (tf != NULL && bins != NULL && n_bins > 0);
  memset (bins, 0, n_bins * sizeof (guint));
  if (values == NULL || !(max > 0))
    return;
  for (gsize i = 0; i < n; i++)
    {
      double v = pfm_transfer_normalize (tf, values[i], max);
      guint b = MIN ((guint) (v * n_bins), n_bins - 1);
      bins[b]++;
    }
}

char *
pfm_transfer_to_data (const PfmTransfer *tf)
{
  g_return_val_if_fail (tf != NULL, NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_key_file_set_comment (kf, NULL, NULL, " PFM Explorer transfer function (volume view)", NULL);
  g_key_file_set_string (kf, "transfer", "colormap", pfm_colormap_to_string (tf->colormap));
  g_key_file_set_string (kf, "transfer", "scale", tf->log_scale ? "log" : "linear");
  g_key_file_set_double (kf, "transfer", "decades", tf->decades);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < tf->n_points; i++)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, "%s%s:%s", i ? "," : "",
                              g_ascii_formatd (a, sizeof a, "%.4f", tf->points[i].x),
                              g_ascii_formatd (b, sizeof b, "%.4f", tf->points[i].opacity));
    }
  g_key_file_set_string (kf, "transfer", "opacity", s->str);
  g_string_free (s, TRUE);
  return g_key_file_to_data (kf, NULL, NULL);
}

PfmTransfer *
pfm_transfer_new_from_data (const char *data, GError **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, error))
    return NULL;
  g_autoptr(PfmTransfer) tf = pfm_transfer_new ();
  g_autofree char *map = g_key_file_get_string (kf, "transfer", "colormap", NULL);
  if (map && !pfm_colormap_from_string (map, &tf->colormap))
    {
      g_set_error (error, PFM_TRANSFER_ERROR, PFM_TRANSFER_ERROR_PARSE,
                   "transfer.colormap: unknown colormap “%s” (inferno, viridis, magma or grey)", map);
      return NULL;
    }
  g_autofree char *scale = g_key_file_get_string (kf, "transfer", "scale", NULL);
  if (scale && g_strcmp0 (scale, "log") != 0 && g_strcmp0 (scale, "linear") != 0)
    {
      g_set_error (error, PFM_TRANSFER_ERROR, PFM_TRANSFER_ERROR_PARSE,
                   "transfer.scale: “%s” is neither log nor linear", scale);
      return NULL;
    }
  if (scale)
    tf->log_scale = g_str_equal (scale, "log");
  if (g_key_file_has_key (kf, "transfer", "decades", NULL))
    {
      g_autoptr(GError) e = NULL;
      double d = g_key_file_get_double (kf, "transfer", "decades", &e);
      if (e || !(d >= 1 && d <= 12))
        {
          g_set_error (error, PFM_TRANSFER_ERROR, PFM_TRANSFER_ERROR_PARSE,
                       "transfer.decades: expected a number from 1 to 12");
          return NULL;
        }
      tf->decades = d;
    }
  g_autofree char *points = g_key_file_get_string (kf, "transfer", "opacity", NULL);
  if (points)
    {
      g_auto(GStrv) items = g_strsplit (points, ",", -1);
      guint n = g_strv_length (items);
      if (n < 2 || n > PFM_TRANSFER_MAX_POINTS)
        {
          g_set_error (error, PFM_TRANSFER_ERROR, PFM_TRANSFER_ERROR_PARSE,
                       "transfer.opacity: expected 2 to %d points x:opacity", PFM_TRANSFER_MAX_POINTS);
          return NULL;
        }
      for (guint i = 0; i < n; i++)
        {
          char *end = NULL;
          double x = g_ascii_strtod (g_strstrip (items[i]), &end);
          double o = end && *end == ':' ? g_ascii_strtod (end + 1, &end) : NAN;
          gboolean ok = end && *end == '\0' && isfinite (x) && isfinite (o) && o >= 0 && o <= 1 &&
                        x >= 0 && x <= 1 && (i == 0 ? x == 0 : x > tf->points[i - 1].x) && (i + 1 < n || x == 1);
          if (!ok)
            {
              g_set_error (error, PFM_TRANSFER_ERROR, PFM_TRANSFER_ERROR_PARSE,
                           "transfer.opacity: point %u (“%s”) is not x:opacity in [0, 1] with x increasing from 0 to 1",
                           i + 1, items[i]);
              return NULL;
            }
          tf->points[i].x = x;
          tf->points[i].opacity = o;
        }
      tf->n_points = n;
    }
  return g_steal_pointer (&tf);
}
