/* pfm-dataset-io.c - the dataset file formats: IDX and CSV, plain or gzipped
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files are streamed (through GLib's zlib decompressor when they start
 * with the gzip magic), so a gzipped dataset is never held twice.  Sizes
 * come from the IDX headers, or from the rows as they are read for CSV,
 * and are checked against the memory budget before the features are
 * allocated or grown.
 */
#define G_LOG_DOMAIN "pfm-dataset"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "pfm-dataset-io.h"
#include "pfm-file.h"

#define READ_CHUNK          ((gsize) 64 << 10)
/* Longest CSV line accepted (a row of some millions of values). */
#define MAX_LINE            ((gsize) 16 << 20)
/* Longest side of an IDX image. */
#define MAX_SIDE            65536u
/* Longest field quoted back in a message. */
#define MAX_QUOTE           40

/* "4.1 GiB", "2 GiB", "512 KiB", "100 bytes". */
static char *
format_size (guint64 bytes)
{
  static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
  if (bytes < 1024)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " byte%s", bytes, bytes == 1 ? "" : "s");
  double v = (double) bytes;
  guint u = 0;
  for (v /= 1024.0; v >= 1024.0 && u + 1 < G_N_ELEMENTS (units); v /= 1024.0)
    u++;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.1f", v);
  gsize len = strlen (buf);
  if (len > 2 && strcmp (buf + len - 2, ".0") == 0)
    buf[len - 2] = '\0';
  return g_strdup_printf ("%s %s", buf, units[u]);
}

/* A field of the input, quoted back in a message: short, printable ASCII. */
char *
pfm_dataset_quote_field (const char *s, gsize len)
{
  gboolean cut = len > MAX_QUOTE;
  g_autofree char *raw = g_strndup (s, cut ? MAX_QUOTE : len);
  g_autofree char *esc = g_strescape (raw, NULL);
  return g_strconcat (esc, cut ? "..." : "", NULL);
}

static gboolean
over_budget (const char *what, guint64 n_examples, guint64 n_features, guint64 budget, GError **error)
{
  guint64 floats, bytes;
  gboolean overflow = !g_uint64_checked_mul (&floats, n_examples, n_features) ||
                      !g_uint64_checked_mul (&bytes, floats, sizeof (float)) ||
                      bytes > G_MAXSIZE;
  if (!overflow && (budget == 0 || bytes <= budget))
    return FALSE;
  g_autofree char *need = overflow ? g_strdup ("more than 16 EiB") : format_size (bytes);
  if (budget == 0)
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                 "%s: needs %s for its features (%" G_GUINT64_FORMAT " examples of %" G_GUINT64_FORMAT
                 "), more than this machine can address", what, need, n_examples, n_features);
  else
    {
      g_autofree char *b = format_size (budget);
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                   "%s: needs %s for its features (%" G_GUINT64_FORMAT " examples of %" G_GUINT64_FORMAT
                   "), more than the %s budget", what, need, n_examples, n_features, b);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* A file, plain or gzipped. */

typedef struct
{
  GInputStream *stream;  /* the buffered file, or the decompressor over it */
  char         *display; /* the file's base name, for messages */
  gboolean      gz;
  gint64        size;    /* bytes of a plain regular file; -1 when not known */
  guint64       offset;  /* bytes read so far (after decompression) */
} Source;

static void
source_clear (Source *s)
{
  g_clear_object (&s->stream);
  g_clear_pointer (&s->display, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Source, source_clear)

/* Opens @path; @not_found_hint (may be NULL) follows "not found" when the
 * file is absent. */
static gboolean
source_open (Source *s, const char *path, const char *not_found_hint, GError **error)
{
  g_autofree char *full = g_filename_display_name (path);
  s->display = g_filename_display_basename (path);
  s->size = -1;

  g_autoptr(GError) local = NULL;
  /* A FIFO with no writer would block the open for ever. */
  if (!pfm_file_check_regular (path, "a dataset file", &local) &&
      !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ISDIR))   /* a folder: the open says so */
    {
      g_set_error_literal (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT, local->message);
      return FALSE;
    }
  g_clear_error (&local);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) fin = g_file_read (file, NULL, &local);
  if (fin == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                     "%s not found%s", full, not_found_hint ? not_found_hint : "");
      else
        g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                     "%s: could not open it: %s", full, local->message);
      return FALSE;
    }
  g_autoptr(GFileInfo) info = g_file_input_stream_query_info (fin, G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                                              G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
      g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    s->size = g_file_info_get_size (info);

  g_autoptr(GInputStream) buffered = g_buffered_input_stream_new_sized (G_INPUT_STREAM (fin), READ_CHUNK);
  GBufferedInputStream *bis = G_BUFFERED_INPUT_STREAM (buffered);
  while (g_buffered_input_stream_get_available (bis) < 2)
    {
      gssize got = g_buffered_input_stream_fill (bis, 2 - g_buffered_input_stream_get_available (bis),
                                                 NULL, &local);
      if (got < 0)
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                       "%s: could not read it: %s", full, local->message);
          return FALSE;
        }
      if (got == 0)
        break;
    }
  gsize avail;
  const guint8 *head = g_buffered_input_stream_peek_buffer (bis, &avail);
  if (avail >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    {
      g_autoptr(GZlibDecompressor) dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      s->stream = g_converter_input_stream_new (buffered, G_CONVERTER (dec));
      s->gz = TRUE;
      s->size = -1;
    }
  else
    s->stream = g_steal_pointer (&buffered);
  return TRUE;
}

/* Reads up to @n bytes (fewer only at the end of the data). */
static gboolean
source_read (Source *s, void *buf, gsize n, gsize *got, GError **error)
{
  g_autoptr(GError) local = NULL;
  *got = 0;
  gboolean ok = g_input_stream_read_all (s->stream, buf, n, got, NULL, &local);
  s->offset += *got;
  if (ok)
    return TRUE;
  if (s->gz && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: gzip data is damaged: %s", s->display, local->message);
  else if (s->gz && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: gzip data is damaged: %s (the file ends early)", s->display, local->message);
  else
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: could not read it: %s", s->display, local->message);
  return FALSE;
}

/* After the data a header declared: the file must end (reading on also
 * makes the decompressor check the gzip trailer). */
static gboolean
source_expect_end (Source *s, guint count, const char *what, GError **error)
{
  guint8 byte;
  gsize got;
  if (!source_read (s, &byte, 1, &got, error))
    return FALSE;
  if (got != 0)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: unexpected data after the %u %s the header declares", s->display, count, what);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* IDX (MNIST format). */

typedef struct
{
  Source  src;
  guint32 n;             /* images or labels */
  guint32 rows, cols;    /* images only */
  guint   header;        /* header bytes */
} Idx;

static void
idx_clear (Idx *x)
{
  source_clear (&x->src);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Idx, idx_clear)

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Opens an IDX file of unsigned bytes, images (3 dimensions) or labels
 * (1), and checks its header against the file's size when that is known. */
static gboolean
idx_open (Idx *x, const char *path, gboolean images, const char *hint, GError **error)
{
  if (!source_open (&x->src, path, hint, error))
    return FALSE;
  const char *name = x->src.display;
  const guint32 magic = images ? 0x00000803u : 0x00000801u;
  const guint ndims = images ? 3 : 1;
  const char *kind = images ? "images" : "labels";
  x->header = 4 + 4 * ndims;

  guint8 head[16];
  gsize got;
  if (!source_read (&x->src, head, 4, &got, error))
    return FALSE;
  if (got < 4)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: truncated: %" G_GSIZE_FORMAT " bytes, too short for an IDX header", name, got);
      return FALSE;
    }
  guint32 m = read_be32 (head);
  if (m != magic)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: wrong magic 0x%08x, expected 0x%08x (IDX unsigned-byte %s)", name, m, magic, kind);
      return FALSE;
    }
  if (!source_read (&x->src, head + 4, 4 * ndims, &got, error))
    return FALSE;
  if (got < 4 * ndims)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: truncated: %" G_GSIZE_FORMAT " bytes, too short for the %u-byte IDX %s header",
                   name, 4 + got, x->header, kind);
      return FALSE;
    }
  x->n = read_be32 (head + 4);
  x->rows = images ? read_be32 (head + 8) : 1;
  x->cols = images ? read_be32 (head + 12) : 1;
  if (x->n == 0)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: the header says 0 %s", name, kind);
      return FALSE;
    }
  if (x->rows == 0 || x->cols == 0 || x->rows > MAX_SIDE || x->cols > MAX_SIDE)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: images of %ux%u: accepted 1 to %u pixels a side", name, x->rows, x->cols, MAX_SIDE);
      return FALSE;
    }

  /* rows * cols < 2^32 and n < 2^32: no overflow in 64 bits. */
  const guint64 data = (guint64) x->n * x->rows * x->cols;
  if (x->src.size >= (gint64) x->header)
    {
      const guint64 has = (guint64) x->src.size - x->header;
      if (has < data)
        {
          if (images)
            g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                         "%s: truncated: header says %u images of %ux%u (%" G_GUINT64_FORMAT
                         " bytes), file has %" G_GUINT64_FORMAT " after the %u-byte header",
                         name, x->n, x->rows, x->cols, data, has, x->header);
          else
            g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                         "%s: truncated: header says %u labels, file has %" G_GUINT64_FORMAT
                         " after the %u-byte header", name, x->n, has, x->header);
          return FALSE;
        }
      if (has > data)
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                       "%s: %" G_GUINT64_FORMAT " bytes of unexpected data after the %u %s the header declares",
                       name, has - data, x->n, kind);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
idx_truncated (Idx *x, gboolean images, GError **error)
{
  const guint64 data = (guint64) x->n * x->rows * x->cols;
  const guint64 has = x->src.offset - x->header;
  if (images)
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: truncated: header says %u images of %ux%u (%" G_GUINT64_FORMAT
                 " bytes), file has %" G_GUINT64_FORMAT " after the %u-byte header",
                 x->src.display, x->n, x->rows, x->cols, data, has, x->header);
  else
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: truncated: header says %u labels, file has %" G_GUINT64_FORMAT
                 " after the %u-byte header", x->src.display, x->n, has, x->header);
  return FALSE;
}

/* The pixels, as bytes / 255, into @dest (n * rows * cols floats). */
static gboolean
idx_read_images (Idx *x, float *dest, GError **error)
{
  float lut[256];
  for (int v = 0; v < 256; v++)
    lut[v] = (float) v / 255.0f;
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  guint64 left = (guint64) x->n * x->rows * x->cols;
  while (left > 0)
    {
      gsize want = (gsize) MIN (left, (guint64) READ_CHUNK), got;
      if (!source_read (&x->src, buf, want, &got, error))
        return FALSE;
      for (gsize k = 0; k < got; k++)
        dest[k] = lut[buf[k]];
      dest += got;
      left -= got;
      if (got < want)
        return idx_truncated (x, TRUE, error);
    }
  return source_expect_end (&x->src, x->n, "images", error);
}

/* The labels into @dest (n bytes), each < PFM_DATASET_MAX_CLASSES; the
 * largest goes to @max_label. */
static gboolean
idx_read_labels (Idx *x, guint8 *dest, guint *max_label, GError **error)
{
  guint64 left = x->n, index = 0;
  while (left > 0)
    {
      gsize want = (gsize) MIN (left, (guint64) READ_CHUNK), got;
      if (!source_read (&x->src, dest, want, &got, error))
        return FALSE;
      for (gsize k = 0; k < got; k++, index++)
        {
          if (dest[k] >= PFM_DATASET_MAX_CLASSES)
            {
              g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                           "%s: label %u at example %" G_GUINT64_FORMAT " is out of range (at most %u classes)",
                           x->src.display, dest[k], index, PFM_DATASET_MAX_CLASSES);
              return FALSE;
            }
          *max_label = MAX (*max_label, dest[k]);
        }
      dest += got;
      left -= got;
      if (got < want)
        return idx_truncated (x, FALSE, error);
    }
  return source_expect_end (&x->src, x->n, "labels", error);
}

/* Pairs of images and labels files, concatenated in order (Fashion-MNIST:
 * training then test).  @n_own_train is set to the first pair's count. */
PfmDataset *
pfm_dataset_load_idx_pairs (const char *name, const char *const *images, const char *const *labels, guint n_pairs,
                const char *hint, guint64 budget, guint *first_count, GError **error)
{
  g_assert (n_pairs >= 1 && n_pairs <= 2);
  g_autofree char *shown = g_filename_display_name (name);
  g_auto(Idx) im0 = { 0 }, im1 = { 0 }, lb0 = { 0 }, lb1 = { 0 };
  Idx *im[2] = { &im0, &im1 }, *lb[2] = { &lb0, &lb1 };
  guint64 total = 0;

  for (guint p = 0; p < n_pairs; p++)
    {
      if (!idx_open (im[p], images[p], TRUE, hint, error) || !idx_open (lb[p], labels[p], FALSE, hint, error))
        return NULL;
      if (im[p]->n != lb[p]->n)
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                       "images and labels counts differ: %s has %u images, %s has %u labels",
                       im[p]->src.display, im[p]->n, lb[p]->src.display, lb[p]->n);
          return NULL;
        }
      if (p > 0 && (im[p]->rows != im[0]->rows || im[p]->cols != im[0]->cols))
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                       "%s: images of %ux%u, but %s has %ux%u", im[p]->src.display, im[p]->rows, im[p]->cols,
                       im[0]->src.display, im[0]->rows, im[0]->cols);
          return NULL;
        }
      total += im[p]->n;
    }
  const guint64 nf = (guint64) im[0]->rows * im[0]->cols;
  /* One pair is named after its images file, more after the dataset. */
  if (over_budget (n_pairs == 1 ? im[0]->src.display : shown, total, nf, budget, error))
    return NULL;
  if (total > G_MAXUINT || nf > G_MAXUINT)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                   "%s: %" G_GUINT64_FORMAT " examples of %" G_GUINT64_FORMAT " features: accepted at most %u of each",
                   shown, total, nf, G_MAXUINT);
      return NULL;
    }

  g_autoptr(PfmDataset) ds = g_new0 (PfmDataset, 1);
  ds->name = g_strdup (name);
  ds->n_examples = (guint) total;
  ds->width = im[0]->cols;
  ds->height = im[0]->rows;
  ds->n_features = (guint) nf;
  ds->features = g_try_malloc (total * nf * sizeof (float));
  ds->labels = g_try_malloc (total);
  if (ds->features == NULL || ds->labels == NULL)
    {
      g_autofree char *need = format_size (total * nf * sizeof (float));
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                   "%s: out of memory: could not allocate %s for its features", shown, need);
      return NULL;
    }
  guint max_label = 0;
  guint64 at = 0;
  for (guint p = 0; p < n_pairs; p++)
    {
      if (!idx_read_labels (lb[p], ds->labels + at, &max_label, error) ||
          !idx_read_images (im[p], ds->features + at * nf, error))
        return NULL;
      at += im[p]->n;
    }
  ds->n_classes = MAX (2u, max_label + 1);
  *first_count = im[0]->n;
  return g_steal_pointer (&ds);
}

/* ------------------------------------------------------------------ */
/* CSV. */

typedef struct
{
  Source   *src;
  guint8   *buf;
  gsize     len, pos;
  gboolean  eof;
  GString  *line;
  guint64   number;  /* of the line last read, from 1 */
} LineReader;

/* The next line (without its newline) in lr->line; FALSE at the end of the
 * file or on an error (then *error is set). */
static gboolean
next_line (LineReader *lr, GError **error)
{
  g_string_truncate (lr->line, 0);
  for (;;)
    {
      if (lr->pos < lr->len)
        {
          const guint8 *start = lr->buf + lr->pos;
          const guint8 *nl = memchr (start, '\n', lr->len - lr->pos);
          gsize take = nl ? (gsize) (nl - start) : lr->len - lr->pos;
          if (lr->line->len + take > MAX_LINE)
            {
              g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                           "%s: line %" G_GUINT64_FORMAT " is longer than %" G_GSIZE_FORMAT " MiB",
                           lr->src->display, lr->number + 1, MAX_LINE >> 20);
              return FALSE;
            }
          g_string_append_len (lr->line, (const char *) start, take);
          lr->pos += take;
          if (nl != NULL)
            {
              lr->pos++;
              lr->number++;
              return TRUE;
            }
        }
      if (lr->eof)
        {
          if (lr->line->len == 0)
            return FALSE;
          lr->number++;
          return TRUE;
        }
      if (!source_read (lr->src, lr->buf, READ_CHUNK, &lr->len, error))
        return FALSE;
      lr->pos = 0;
      lr->eof = lr->len < READ_CHUNK;
    }
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parses the field [s, e) (NUL-terminated at e by the caller) as a number. */
static gboolean
parse_number (const char *s, const char *e, double *v)
{
  if (s == e)
    return FALSE;
  char *end = NULL;
  *v = g_ascii_strtod (s, &end);
  return end == e;
}

/* What a CSV load has read so far. */
typedef struct
{
  const char *file;        /* the file's base name, for messages */
  gboolean    digits;
  guint64     budget;
  guint       n_cols, nf;  /* 0: not known before the first row */
  guint64     rows, cap;
  guint64     budget_rows; /* the most rows the budget holds, once the row length is known */
  gboolean    counting;    /* over the budget: only counting rows */
  float      *feat;
  guint8     *lab;
  guint       max_label;
  float       vmax;
} CsvLoad;

static void
csv_load_clear (CsvLoad *c)
{
  g_clear_pointer (&c->feat, g_free);
  g_clear_pointer (&c->lab, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvLoad, csv_load_clear)

/* The field of @s that ends at the next comma (or @end), with the spaces
 * around it trimmed: [*f, *t); returns where the comma (or @end) is. */
static char *
csv_field (char *s, char *end, char **f, char **t)
{
  char *fe = memchr (s, ',', end - s);
  if (fe == NULL)
    fe = end;
  char *a = s;
  while (a < fe && is_space (*a))
    a++;
  char *b = fe;
  while (b > a && is_space (b[-1]))
    b--;
  *f = a;
  *t = b;
  return fe;
}

/* A header line: its first field is not a number. */
static gboolean
csv_is_header (char *s, char *end)
{
  char *f, *t;
  csv_field (s, end, &f, &t);
  char saved = *t;
  *t = '\0';
  double v;
  gboolean number = parse_number (f, t, &v);
  *t = saved;
  return !number;
}

/* The first row fixes the row length (unless the file is digits): FALSE
 * with @error set for a row of @count values that is not one. */
static gboolean
csv_check_count (CsvLoad *c, guint count, guint64 line, GError **error)
{
  if (c->n_cols == 0)
    {
      if (count < 2)
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                       "%s: line %" G_GUINT64_FORMAT ": 1 value, expected at least 2 (the features and a label)",
                       c->file, line);
          return FALSE;
        }
      c->n_cols = count;
      c->nf = count - 1;
      c->budget_rows = c->budget ? c->budget / ((guint64) c->nf * sizeof (float)) : G_MAXUINT64;
    }
  if (count != c->n_cols)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: line %" G_GUINT64_FORMAT ": %u value%s, expected %u (%u feature%s and a label)",
                   c->file, line, count, count == 1 ? "" : "s", c->n_cols, c->nf, c->nf == 1 ? "" : "s");
      return FALSE;
    }
  return TRUE;
}

/* Room for one more row: doubles the capacity (within the budget), FALSE
 * with @error set when that cannot be allocated. */
static gboolean
csv_grow (CsvLoad *c, guint64 line, GError **error)
{
  if (c->rows >= G_MAXUINT)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                   "%s: more than %u examples", c->file, G_MAXUINT);
      return FALSE;
    }
  if (c->rows < c->cap)
    return TRUE;
  guint64 ncap = MAX (c->cap * 2, (guint64) 64);
  ncap = MIN (ncap, MIN (c->budget_rows, (guint64) G_MAXUINT));
  float *nfeat = NULL;
  guint8 *nlab = NULL;
  if (ncap * c->nf * sizeof (float) <= G_MAXSIZE)
    nfeat = g_try_realloc (c->feat, ncap * c->nf * sizeof (float));
  if (nfeat != NULL)
    {
      c->feat = nfeat;
      nlab = g_try_realloc (c->lab, ncap);
    }
  if (nlab == NULL)
    {
      g_autofree char *need = format_size (ncap * c->nf * sizeof (float));
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                   "%s: out of memory at line %" G_GUINT64_FORMAT ": could not allocate %s for the features",
                   c->file, line, need);
      return FALSE;
    }
  c->lab = nlab;
  c->cap = ncap;
  return TRUE;
}

/* A label [f, t) that is not a class: the error that says why. */
static void
csv_label_error (const CsvLoad *c, const char *f, const char *t, double v, guint64 line, GError **error)
{
  g_autofree char *qf = pfm_dataset_quote_field (f, t - f);
  if (v != floor (v))
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: line %" G_GUINT64_FORMAT ": label '%s' is not a whole number", c->file, line, qf);
  else if (c->digits)
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: line %" G_GUINT64_FORMAT ": label '%s' is out of range (digits has 10 classes, 0 to 9)",
                 c->file, line, qf);
  else
    g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                 "%s: line %" G_GUINT64_FORMAT ": label '%s' is out of range (at most %u classes, 0 to %u)",
                 c->file, line, qf, PFM_DATASET_MAX_CLASSES, PFM_DATASET_MAX_CLASSES - 1);
}

/* What is wrong with the value @v of column @k (NULL when nothing is); a
 * bad label sets @error itself and returns "". */
static const char *
csv_value_problem (const CsvLoad *c, guint k, gboolean number, double v, const char *f, const char *t,
                   guint64 line, GError **error)
{
  if (!number)
    return "is not a number";
  if (!isfinite (v))
    return "is not a finite number";
  if (k < c->nf)
    {
      if (v < 0.0)
        return "is negative (features must be >= 0)";
      if (v > FLT_MAX)
        return "is too large (features must fit a float)";
      if (c->digits && v > 16.0)
        return "is above 16 (digits pixels are 0 to 16)";
      return NULL;
    }
  if (v != floor (v) || v < 0.0 || v >= (c->digits ? 10.0 : (double) PFM_DATASET_MAX_CLASSES))
    {
      csv_label_error (c, f, t, v, line, error);
      return "";
    }
  return NULL;
}

/* Parses the row [s, end) (its fields NUL-terminated in place) into row
 * c->rows: FALSE with @error set for a value or label that is not one. */
static gboolean
csv_parse_row (CsvLoad *c, char *s, char *end, guint64 line, GError **error)
{
  float *row = c->feat + c->rows * c->nf;
  char *f = s;
  for (guint k = 0; k < c->n_cols; k++)
    {
      char *t;
      char *fe = csv_field (f, end, &f, &t);
      char *next = fe + (fe < end);
      *t = '\0';
      double v;
      gboolean number = parse_number (f, t, &v);
      const char *problem = csv_value_problem (c, k, number, v, f, t, line, error);
      if (problem != NULL && problem[0] == '\0')
        return FALSE;
      if (problem != NULL)
        {
          g_autofree char *qf = pfm_dataset_quote_field (f, t - f);
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                       "%s: line %" G_GUINT64_FORMAT ": %s '%s' %s", c->file, line,
                       k < c->nf ? "value" : "label", qf, problem);
          return FALSE;
        }
      if (k < c->nf)
        {
          /* + 0.0f turns -0 into 0. */
          row[k] = (float) v + 0.0f;
          c->vmax = MAX (c->vmax, row[k]);
        }
      else
        {
          c->lab[c->rows] = (guint8) v;
          c->max_label = MAX (c->max_label, c->lab[c->rows]);
        }
      f = next;
    }
  c->rows++;
  return TRUE;
}

/* One line of the file: skipped when blank (or the header), counted when
 * over the budget, else parsed.  FALSE with @error set on an error. */
static gboolean
csv_line (CsvLoad *c, GString *line, guint64 number, gboolean *first, GError **error)
{
  char *s = line->str;
  char *end = s + line->len;
  /* Blank lines are skipped. */
  const char *q = s;
  while (q < end && is_space (*q))
    q++;
  if (q == end)
    return TRUE;
  if (c->counting)
    {
      c->rows++;
      return TRUE;
    }
  guint count = 1;
  for (const char *p = s; p < end; p++)
    count += *p == ',';
  if (*first)
    {
      *first = FALSE;
      if (csv_is_header (s, end))
        return TRUE;
    }
  if (!csv_check_count (c, count, number, error))
    return FALSE;
  if (c->rows + 1 > c->budget_rows)
    {
      c->counting = TRUE;
      csv_load_clear (c);
      c->rows++;
      return TRUE;
    }
  return csv_grow (c, number, error) && csv_parse_row (c, s, end, number, error);
}

/* The dataset of the rows read: features scaled to [0, 1] (digits by 16,
 * else by the largest value when above 1), square images when the row
 * length is a square, else rows of one pixel's height. */
static PfmDataset *
csv_finish (CsvLoad *c, const char *name)
{
  const guint nf = c->nf;
  const gsize n = (gsize) c->rows * nf;
  if (c->digits)
    for (gsize k = 0; k < n; k++)
      c->feat[k] /= 16.0f;
  else if (c->vmax > 1.0f)
    for (gsize k = 0; k < n; k++)
      c->feat[k] /= c->vmax;

  g_autoptr(PfmDataset) ds = g_new0 (PfmDataset, 1);
  ds->name = g_strdup (name);
  ds->n_examples = (guint) c->rows;
  ds->n_features = nf;
  guint side = (guint) sqrt ((double) nf);
  while ((guint64) side * side > nf)
    side--;
  while ((guint64) (side + 1) * (side + 1) <= nf)
    side++;
  if ((guint64) side * side == nf)
    ds->width = ds->height = side;
  else
    {
      ds->width = nf;
      ds->height = 1;
    }
  ds->n_classes = MAX (2u, c->max_label + 1);
  /* Give back the unused capacity. */
  ds->features = g_realloc (g_steal_pointer (&c->feat), n * sizeof (float));
  ds->labels = g_realloc (g_steal_pointer (&c->lab), c->rows);
  return g_steal_pointer (&ds);
}

PfmDataset *
pfm_dataset_load_csv (const char *name, const char *path, gboolean digits, const char *hint, guint64 budget,
                      GError **error)
{
  g_auto(Source) src = { 0 };
  if (!source_open (&src, path, hint, error))
    return NULL;

  g_autofree guint8 *chunk = g_malloc (READ_CHUNK);
  g_autoptr(GString) line = g_string_new (NULL);
  LineReader lr = { &src, chunk, 0, 0, FALSE, line, 0 };
  g_autoptr(GError) local = NULL;
  g_auto(CsvLoad) c = {
    .file = src.display, .digits = digits, .budget = budget,
    .n_cols = digits ? 65 : 0, .nf = digits ? 64 : 0,
    .budget_rows = digits && budget ? budget / (64 * sizeof (float)) : G_MAXUINT64,
  };
  gboolean first = TRUE;       /* before the first line that is not blank */
  while (next_line (&lr, &local))
    if (!csv_line (&c, line, lr.number, &first, error))
      return NULL;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (c.counting)
    {
      over_budget (c.file, c.rows, c.nf, budget, error);
      return NULL;
    }
  if (c.rows == 0)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: no examples (expected lines of feature values and a label)", c.file);
      return NULL;
    }
  return csv_finish (&c, name);
}
