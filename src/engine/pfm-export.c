/* pfm-export.c - file formats: CSV/JSON helpers, .npy and .vti
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-export"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "pfm-export.h"
#include "pfm-file.h"

static void
append_double (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int prec = 9; prec <= 17; prec += 8)
    {
      g_ascii_formatd (buf, sizeof buf, prec == 9 ? "%.9g" : "%.17g", v);
      if (prec == 17 || g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (s, buf);
}

void
pfm_export_json_number (GString *s, double v)
{
  if (!isfinite (v))
    g_string_append (s, "null");
  else
    append_double (s, v);
}

void
pfm_export_csv_number (GString *s, double v)
{
  if (isfinite (v))
    append_double (s, v);
}

void
pfm_export_json_string (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; p && *p; p++)
    {
      unsigned char c = (unsigned char) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

#if G_BYTE_ORDER != G_LITTLE_ENDIAN
static inline guint32
to_le32 (float f)
{
  guint32 u;
  memcpy (&u, &f, 4);
  return GUINT32_TO_LE (u);
}
#endif

static void
append_le_floats (GByteArray *out, const float *data, gsize n)
{
  gsize start = out->len;
  g_byte_array_set_size (out, start + 4 * n);
  guint32 *dst = (guint32 *) (out->data + start);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (dst, data, 4 * n);
#else
  for (gsize i = 0; i < n; i++)
    dst[i] = to_le32 (data[i]);
#endif
}

static gboolean
all_finite (const float *data, gsize n, GError **error)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (data[i]))
      {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     "refusing to write a non-finite value (element %" G_GSIZE_FORMAT ")", i);
        return FALSE;
      }
  return TRUE;
}

gboolean
pfm_export_npy_f32 (const char *path, const float *data, const gsize *shape, guint ndim, GError **error)
{
  g_return_val_if_fail (ndim >= 1 && ndim <= 8, FALSE);
  gsize n = 1;
  GString *dict = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  for (guint i = 0; i < ndim; i++)
    {
      n *= shape[i];
      g_string_append_printf (dict, "%" G_GSIZE_FORMAT "%s", shape[i], (ndim == 1 || i + 1 < ndim) ? ", " : "");
    }
  g_string_append (dict, "), }");
  if (!all_finite (data, n, error))
    {
      g_string_free (dict, TRUE);
      return FALSE;
    }
  /* Header: magic, version 1.0, little-endian u16 length; the whole
   * preamble padded with spaces to a multiple of 64 and ended by '\n'. */
  gsize pre = 10 + dict->len + 1;
  gsize pad = (64 - pre % 64) % 64;
  for (gsize i = 0; i < pad; i++)
    g_string_append_c (dict, ' ');
  g_string_append_c (dict, '\n');

  g_autoptr(GByteArray) out = g_byte_array_sized_new (10 + dict->len + 4 * n);
  const guint8 magic[8] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 };
  guint16 hlen = GUINT16_TO_LE ((guint16) dict->len);
  g_byte_array_append (out, magic, 8);
  g_byte_array_append (out, (const guint8 *) &hlen, 2);
  g_byte_array_append (out, (const guint8 *) dict->str, dict->len);
  g_string_free (dict, TRUE);
  append_le_floats (out, data, n);
  return pfm_file_write_atomic (path, out->data, out->len, error);
}

gboolean
pfm_export_read_npy_f32 (const char *path, float **data, gsize *shape, guint *ndim, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;   /* before any goto: freed on every path */
  gsize len = 0;
  if (!pfm_file_read (path, (gsize) 4 << 30, "a .npy file", &contents, &len, error))
    return FALSE;
  if (len < 10 || memcmp (contents, "\x93NUMPY", 6) != 0 || contents[6] != 1)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a version 1 .npy file", path);
      return FALSE;
    }
  gsize hlen = (guint8) contents[8] | ((gsize) (guint8) contents[9] << 8);
  if (10 + hlen > len)
    goto bad;
  header = g_strndup (contents + 10, hlen);
  if (strstr (header, "'<f4'") == NULL || strstr (header, "'fortran_order': False") == NULL)
    goto bad;
  const char *p = strstr (header, "'shape': (");
  if (p == NULL)
    goto bad;
  p += 10;
  guint nd = 0;
  gsize n = 1;
  while (*p && *p != ')' && nd < 8)
    {
      char *end;
      guint64 v = g_ascii_strtoull (p, &end, 10);
      if (end == p || !g_size_checked_mul (&n, n, v) || n > len / 4)
        goto bad;
      shape[nd++] = v;
      p = end;
      while (*p == ',' || *p == ' ')
        p++;
    }
  if (nd == 0 || 10 + hlen + 4 * n != len)
    goto bad;
  *ndim = nd;
  *data = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;
      memcpy (&u, contents + 10 + hlen + 4 * i, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&(*data)[i], &u, 4);
    }
  return TRUE;
bad:
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: unsupported or corrupt .npy header", path);
  return FALSE;
}

gboolean
pfm_export_vti (const char *path, gsize nx, gsize ny, gsize nz,
                const double origin[3], const double spacing[3],
                const PfmVtiArray *arrays, guint n_arrays, GError **error)
{
  const gsize n = nx * ny * nz;
  for (guint a = 0; a < n_arrays; a++)
    if (!all_finite (arrays[a].data, n, error))
      return FALSE;

  GString *xml = g_string_new (NULL);
  g_string_append (xml, "<?xml version=\"1.0\"?>\n"
                   "<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n");
  g_string_append_printf (xml, "  <ImageData WholeExtent=\"0 %" G_GSIZE_FORMAT " 0 %" G_GSIZE_FORMAT " 0 %" G_GSIZE_FORMAT "\" Origin=\"",
                          nx - 1, ny - 1, nz - 1);
  for (int i = 0; i < 3; i++)
    {
      append_double (xml, origin[i]);
      g_string_append_c (xml, i < 2 ? ' ' : '"');
    }
  g_string_append (xml, " Spacing=\"");
  for (int i = 0; i < 3; i++)
    {
      append_double (xml, spacing[i]);
      g_string_append_c (xml, i < 2 ? ' ' : '"');
    }
  g_string_append_printf (xml, ">\n    <Piece Extent=\"0 %" G_GSIZE_FORMAT " 0 %" G_GSIZE_FORMAT " 0 %" G_GSIZE_FORMAT "\">\n"
                          "      <PointData Scalars=\"%s\">\n",
                          nx - 1, ny - 1, nz - 1, n_arrays ? arrays[0].name : "");
  guint64 offset = 0;
  for (guint a = 0; a < n_arrays; a++)
    {
      g_string_append_printf (xml, "        <DataArray type=\"Float32\" Name=\"%s\" format=\"appended\" offset=\"%" G_GUINT64_FORMAT "\"/>\n",
                              arrays[a].name, offset);
      offset += 8 + 4 * (guint64) n;
    }
  g_string_append (xml, "      </PointData>\n    </Piece>\n  </ImageData>\n  <AppendedData encoding=\"raw\">\n   _");

  g_autoptr(GByteArray) out = g_byte_array_sized_new (xml->len + offset + 64);
  g_byte_array_append (out, (const guint8 *) xml->str, xml->len);
  g_string_free (xml, TRUE);
  for (guint a = 0; a < n_arrays; a++)
    {
      guint64 bytes = GUINT64_TO_LE (4 * (guint64) n);
      g_byte_array_append (out, (const guint8 *) &bytes, 8);
      append_le_floats (out, arrays[a].data, n);
    }
  const char *tail = "\n  </AppendedData>\n</VTKFile>\n";
  g_byte_array_append (out, (const guint8 *) tail, strlen (tail));
  return pfm_file_write_atomic (path, out->data, out->len, error);
}
