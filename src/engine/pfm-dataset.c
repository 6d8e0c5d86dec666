/* pfm-dataset.c - datasets for training the glass: loaders, resize, split
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

#include "pfm-dataset.h"
#include "pfm-file.h"
#include "pfm-rng.h"

G_DEFINE_QUARK (pfm-dataset-error-quark, pfm_dataset_error)

#define DIGITS_DEBIAN_PATH  "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
#define DIGITS_PACKAGE      "python3-sklearn"
#define FASHION_DEBIAN_DIR  "/usr/share/datasets/fashion-mnist"
#define FASHION_PACKAGE     "dataset-fashion-mnist"

#define READ_CHUNK          ((gsize) 64 << 10)
/* Longest CSV line accepted (a row of some millions of values). */
#define MAX_LINE            ((gsize) 16 << 20)
/* Longest side of an IDX image. */
#define MAX_SIDE            65536u
/* Longest field quoted back in a message. */
#define MAX_QUOTE           40

const char *
pfm_dataset_default_path (const char *name)
{
  if (g_strcmp0 (name, "digits") == 0)
    return DIGITS_DEBIAN_PATH;
  if (g_strcmp0 (name, "fashion-mnist") == 0)
    return FASHION_DEBIAN_DIR;
  return NULL;
}

const char *
pfm_dataset_debian_package (const char *name)
{
  if (g_strcmp0 (name, "digits") == 0)
    return DIGITS_PACKAGE;
  if (g_strcmp0 (name, "fashion-mnist") == 0)
    return FASHION_PACKAGE;
  return NULL;
}

void
pfm_dataset_free (PfmDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->name);
  g_free (ds->features);
  g_free (ds->labels);
  g_free (ds);
}

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
static char *
quote_field (const char *s, gsize len)
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
static PfmDataset *
load_idx_pairs (const char *name, const char *const *images, const char *const *labels, guint n_pairs,
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

/* A CSV of rows "features..., label" (see pfm_dataset_load). */
static PfmDataset *
load_csv (const char *name, const char *path, gboolean digits, const char *hint, guint64 budget,
          GError **error)
{
  g_auto(Source) src = { 0 };
  if (!source_open (&src, path, hint, error))
    return NULL;
  const char *file = src.display;

  g_autofree guint8 *chunk = g_malloc (READ_CHUNK);
  g_autoptr(GString) line = g_string_new (NULL);
  LineReader lr = { &src, chunk, 0, 0, FALSE, line, 0 };
  g_autoptr(GError) local = NULL;

  guint n_cols = digits ? 65 : 0, nf = digits ? 64 : 0;   /* 0: not known before the first row */
  guint64 rows = 0, cap = 0;
  /* The most rows the budget holds, once the row length is known. */
  guint64 budget_rows = digits && budget ? budget / (64 * sizeof (float)) : G_MAXUINT64;
  gboolean counting = FALSE;   /* over the budget: only counting rows */
  gboolean first = TRUE;       /* before the first line that is not blank */
  g_autofree float *feat = NULL;
  g_autofree guint8 *lab = NULL;
  guint max_label = 0;
  float vmax = 0.0f;

  while (next_line (&lr, &local))
    {
      char *s = line->str;
      char *end = s + line->len;
      /* Blank lines are skipped. */
      const char *q = s;
      while (q < end && is_space (*q))
        q++;
      if (q == end)
        continue;
      if (counting)
        {
          rows++;
          continue;
        }

      guint count = 1;
      for (const char *c = s; c < end; c++)
        count += *c == ',';

      if (first)
        {
          first = FALSE;
          /* A header line: its first field is not a number. */
          char *f = s, *fe = memchr (s, ',', line->len);
          if (fe == NULL)
            fe = s + line->len;
          while (f < fe && is_space (*f))
            f++;
          char *t = fe;
          while (t > f && is_space (t[-1]))
            t--;
          char saved = *t;
          *t = '\0';
          double v;
          gboolean number = parse_number (f, t, &v);
          *t = saved;
          if (!number)
            continue;
        }
      if (n_cols == 0)
        {
          if (count < 2)
            {
              g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                           "%s: line %" G_GUINT64_FORMAT ": 1 value, expected at least 2 (the features and a label)",
                           file, lr.number);
              return NULL;
            }
          n_cols = count;
          nf = count - 1;
          budget_rows = budget ? budget / ((guint64) nf * sizeof (float)) : G_MAXUINT64;
        }
      if (count != n_cols)
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                       "%s: line %" G_GUINT64_FORMAT ": %u value%s, expected %u (%u feature%s and a label)",
                       file, lr.number, count, count == 1 ? "" : "s", n_cols, nf, nf == 1 ? "" : "s");
          return NULL;
        }

      if (rows + 1 > budget_rows)
        {
          counting = TRUE;
          g_clear_pointer (&feat, g_free);
          g_clear_pointer (&lab, g_free);
          rows++;
          continue;
        }
      if (rows >= G_MAXUINT)
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                       "%s: more than %u examples", file, G_MAXUINT);
          return NULL;
        }
      if (rows == cap)
        {
          guint64 ncap = MAX (cap * 2, (guint64) 64);
          ncap = MIN (ncap, MIN (budget_rows, (guint64) G_MAXUINT));
          float *nfeat = NULL;
          guint8 *nlab = NULL;
          if (ncap * nf * sizeof (float) <= G_MAXSIZE)
            nfeat = g_try_realloc (feat, ncap * nf * sizeof (float));
          if (nfeat != NULL)
            {
              feat = nfeat;
              nlab = g_try_realloc (lab, ncap);
            }
          if (nlab == NULL)
            {
              g_autofree char *need = format_size (ncap * nf * sizeof (float));
              g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_MEMORY,
                           "%s: out of memory at line %" G_GUINT64_FORMAT ": could not allocate %s for the features",
                           file, lr.number, need);
              return NULL;
            }
          lab = nlab;
          cap = ncap;
        }

      /* The fields, NUL-terminated in place. */
      float *row = feat + rows * nf;
      char *f = s;
      for (guint k = 0; k < n_cols; k++)
        {
          char *fe = memchr (f, ',', end - f);
          if (fe == NULL)
            fe = end;
          char *next = fe + (fe < end);
          while (f < fe && is_space (*f))
            f++;
          char *t = fe;
          while (t > f && is_space (t[-1]))
            t--;
          *t = '\0';
          double v;
          gboolean number = parse_number (f, t, &v);
          const char *problem = NULL;
          if (!number)
            problem = "is not a number";
          else if (!isfinite (v))
            problem = "is not a finite number";
          else if (k < nf)
            {
              if (v < 0.0)
                problem = "is negative (features must be >= 0)";
              else if (v > FLT_MAX)
                problem = "is too large (features must fit a float)";
              else if (digits && v > 16.0)
                problem = "is above 16 (digits pixels are 0 to 16)";
            }
          else if (v != floor (v) || v < 0.0 || v >= (digits ? 10.0 : (double) PFM_DATASET_MAX_CLASSES))
            {
              g_autofree char *qf = quote_field (f, t - f);
              if (v != floor (v))
                g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                             "%s: line %" G_GUINT64_FORMAT ": label '%s' is not a whole number",
                             file, lr.number, qf);
              else if (digits)
                g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                             "%s: line %" G_GUINT64_FORMAT ": label '%s' is out of range (digits has 10 classes, 0 to 9)",
                             file, lr.number, qf);
              else
                g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                             "%s: line %" G_GUINT64_FORMAT ": label '%s' is out of range (at most %u classes, 0 to %u)",
                             file, lr.number, qf, PFM_DATASET_MAX_CLASSES, PFM_DATASET_MAX_CLASSES - 1);
              return NULL;
            }
          if (problem != NULL)
            {
              g_autofree char *qf = quote_field (f, t - f);
              g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                           "%s: line %" G_GUINT64_FORMAT ": %s '%s' %s", file, lr.number,
                           k < nf ? "value" : "label", qf, problem);
              return NULL;
            }
          if (k < nf)
            {
              /* + 0.0f turns -0 into 0. */
              row[k] = (float) v + 0.0f;
              vmax = MAX (vmax, row[k]);
            }
          else
            {
              lab[rows] = (guint8) v;
              max_label = MAX (max_label, lab[rows]);
            }
          f = next;
        }
      rows++;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (counting)
    {
      over_budget (file, rows, nf, budget, error);
      return NULL;
    }
  if (rows == 0)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_FORMAT,
                   "%s: no examples (expected lines of feature values and a label)", file);
      return NULL;
    }

  const gsize n = (gsize) rows * nf;
  if (digits)
    for (gsize k = 0; k < n; k++)
      feat[k] /= 16.0f;
  else if (vmax > 1.0f)
    for (gsize k = 0; k < n; k++)
      feat[k] /= vmax;

  g_autoptr(PfmDataset) ds = g_new0 (PfmDataset, 1);
  ds->name = g_strdup (name);
  ds->n_examples = (guint) rows;
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
  ds->n_classes = MAX (2u, max_label + 1);
  /* Give back the unused capacity. */
  ds->features = g_realloc (g_steal_pointer (&feat), n * sizeof (float));
  ds->labels = g_realloc (g_steal_pointer (&lab), rows);
  return g_steal_pointer (&ds);
}

/* ------------------------------------------------------------------ */

static char *
resolve (const char *path, const char *base_dir)
{
  if (base_dir != NULL && !g_path_is_absolute (path))
    return g_build_filename (base_dir, path, NULL);
  return g_strdup (path);
}

static const char *
env_nonempty (const char *name)
{
  const char *v = g_getenv (name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

PfmDataset *
pfm_dataset_load (const char *spec, const char *base_dir, guint64 memory_budget, GError **error)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strcmp (spec, "digits") == 0)
    {
      const char *env = env_nonempty ("PFM_DIGITS_CSV");
      g_autofree char *hint = env != NULL
        ? g_strdup (" (PFM_DIGITS_CSV names it): unset PFM_DIGITS_CSV to use Debian's " DIGITS_PACKAGE
                    " (apt-get install " DIGITS_PACKAGE ")")
        : g_strdup (": install Debian's " DIGITS_PACKAGE " (apt-get install " DIGITS_PACKAGE ")");
      return load_csv ("digits", env ? env : DIGITS_DEBIAN_PATH, TRUE, hint, memory_budget, error);
    }
  if (strcmp (spec, "fashion-mnist") == 0)
    {
      const char *env = env_nonempty ("PFM_FASHION_MNIST_DIR");
      const char *dir = env ? env : FASHION_DEBIAN_DIR;
      const char *hint = env != NULL
        ? " (PFM_FASHION_MNIST_DIR names its folder): unset PFM_FASHION_MNIST_DIR to use Debian's "
          FASHION_PACKAGE " (apt-get install " FASHION_PACKAGE ")"
        : ": install Debian's " FASHION_PACKAGE " (apt-get install " FASHION_PACKAGE ")";
      g_autofree char *ti = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
      g_autofree char *tl = g_build_filename (dir, "train-labels-idx1-ubyte.gz", NULL);
      g_autofree char *si = g_build_filename (dir, "t10k-images-idx3-ubyte.gz", NULL);
      g_autofree char *sl = g_build_filename (dir, "t10k-labels-idx1-ubyte.gz", NULL);
      const char *images[] = { ti, si }, *labels[] = { tl, sl };
      guint n_train = 0;
      PfmDataset *ds = load_idx_pairs ("fashion-mnist", images, labels, 2, hint, memory_budget, &n_train, error);
      if (ds != NULL)
        ds->n_own_train = n_train;
      return ds;
    }
  if (g_str_has_prefix (spec, "idx:"))
    {
      const char *rest = spec + 4;
      const char *colon = strrchr (rest, ':');
      if (colon == NULL || colon == rest || colon[1] == '\0')
        {
          g_autofree char *q = quote_field (spec, strlen (spec));
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                       "dataset '%s': expected idx:IMAGES:LABELS (two IDX files)", q);
          return NULL;
        }
      g_autofree char *im = g_strndup (rest, colon - rest);
      g_autofree char *ipath = resolve (im, base_dir);
      g_autofree char *lpath = resolve (colon + 1, base_dir);
      const char *images[] = { ipath }, *labels[] = { lpath };
      guint n_train = 0;
      return load_idx_pairs (rest, images, labels, 1, NULL, memory_budget, &n_train, error);
    }
  if (g_str_has_prefix (spec, "csv:"))
    {
      const char *path = spec + 4;
      if (path[0] == '\0')
        {
          g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
                       "dataset 'csv:': expected csv:PATH");
          return NULL;
        }
      g_autofree char *full = resolve (path, base_dir);
      return load_csv (path, full, FALSE, NULL, memory_budget, error);
    }
  g_autofree char *q = quote_field (spec, strlen (spec));
  g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_NOT_FOUND,
               "unknown dataset '%s': expected digits, fashion-mnist, idx:IMAGES:LABELS or csv:PATH", q);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Resize. */

/* One axis of @in source and @out output pixels, in units of 1 / @out
 * source pixel: source pixel s spans [s out, (s+1) out) and output pixel o
 * spans [o in, (o+1) in), so the overlaps are exact integers and those of
 * an output pixel sum to @in. */
typedef struct
{
  guint  *first;   /* per output pixel: its first source pixel */
  guint  *count;   /* per output pixel: how many source pixels it covers */
  guint  *start;   /* per output pixel: where its overlaps begin in weight */
  double *weight;  /* the overlaps (integers, exact in a double) */
} AxisWeights;

static void
axis_weights (guint in, guint out, AxisWeights *w)
{
  w->first = g_new (guint, out);
  w->count = g_new (guint, out);
  w->start = g_new (guint, out);
  gsize total = 0;
  for (guint o = 0; o < out; o++)
    {
      guint64 lo = (guint64) o * in, hi = lo + in;
      guint s0 = (guint) (lo / out), s1 = (guint) ((hi + out - 1) / out);
      w->first[o] = s0;
      w->count[o] = s1 - s0;
      w->start[o] = (guint) total;
      total += s1 - s0;
    }
  w->weight = g_new (double, total);
  for (guint o = 0; o < out; o++)
    {
      guint64 lo = (guint64) o * in, hi = lo + in;
      for (guint k = 0; k < w->count[o]; k++)
        {
          guint64 s = w->first[o] + k;
          guint64 a = MAX (lo, s * out), b = MIN (hi, (s + 1) * out);
          w->weight[w->start[o] + k] = b > a ? (double) (b - a) : 0.0;
        }
    }
}

static void
axis_weights_clear (AxisWeights *w)
{
  g_free (w->first);
  g_free (w->count);
  g_free (w->start);
  g_free (w->weight);
}

void
pfm_dataset_resize_example (const PfmDataset *ds, guint i, guint out_w, guint out_h, float *out)
{
  g_return_if_fail (ds != NULL && ds->features != NULL);
  g_return_if_fail (i < ds->n_examples);
  g_return_if_fail (out_w > 0 && out_h > 0 && out != NULL);
  g_return_if_fail ((guint64) ds->width * ds->height == ds->n_features);

  const guint in_w = ds->width, in_h = ds->height;
  const float *src = ds->features + (gsize) i * ds->n_features;
  if (in_w == out_w && in_h == out_h)
    {
      memcpy (out, src, (gsize) in_w * in_h * sizeof (float));
      return;
    }
  AxisWeights wx, wy;
  axis_weights (in_w, out_w, &wx);
  axis_weights (in_h, out_h, &wy);
  /* The overlaps of an output pixel sum to in_w * in_h. */
  const double norm = 1.0 / ((double) in_w * in_h);
  g_autofree double *acc = g_new (double, out_w);
  for (guint oy = 0; oy < out_h; oy++)
    {
      memset (acc, 0, out_w * sizeof (double));
      for (guint ky = 0; ky < wy.count[oy]; ky++)
        {
          const double a = wy.weight[wy.start[oy] + ky];
          if (a == 0.0)
            continue;
          const float *srow = src + (gsize) (wy.first[oy] + ky) * in_w;
          for (guint ox = 0; ox < out_w; ox++)
            {
              const float *sp = srow + wx.first[ox];
              const double *wp = wx.weight + wx.start[ox];
              double sum = 0.0;
              for (guint kx = 0; kx < wx.count[ox]; kx++)
                sum += wp[kx] * sp[kx];
              acc[ox] += a * sum;
            }
        }
      for (guint ox = 0; ox < out_w; ox++)
        out[(gsize) oy * out_w + ox] = (float) (acc[ox] * norm);
    }
  axis_weights_clear (&wx);
  axis_weights_clear (&wy);
}

/* ------------------------------------------------------------------ */
/* Split. */

/* Uniform in [0, bound), bound > 0, without modulo bias. */
static guint64
uniform_below (guint64 *state, guint64 bound)
{
  const guint64 threshold = (0 - bound) % bound;   /* 2^64 mod bound */
  for (;;)
    {
      guint64 r = pfm_rng_splitmix64 (state);
      if (r >= threshold)
        return r % bound;
    }
}

/* Fisher-Yates over @v. */
static void
shuffle (guint *v, guint n, guint64 *state)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) uniform_below (state, i);
      guint t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
}

static guint
round_count (guint n, double fraction)
{
  double c = floor ((double) n * fraction + 0.5);
  return c >= (double) n ? n : (guint) c;
}

static gboolean
fraction_ok (double f)
{
  return isfinite (f) && f >= 0.0 && f < 1.0;
}

static guint *
copy_indices (const guint *v, guint n)
{
  return n > 0 ? g_memdup2 (v, (gsize) n * sizeof (guint)) : NULL;
}

gboolean
pfm_dataset_split (const PfmDataset *ds, double test_fraction, double validation_fraction, guint64 seed,
                   guint max_examples, guint **train, guint *n_train, guint **validation, guint *n_validation,
                   guint **test, guint *n_test, GError **error)
{
  g_return_val_if_fail (ds != NULL, FALSE);
  g_return_val_if_fail (ds->n_own_train <= ds->n_examples, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const gboolean own = ds->n_own_train > 0;
  if (!own && !fraction_ok (test_fraction))
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "the test fraction is %g: accepted 0 <= fraction < 1", test_fraction);
      return FALSE;
    }
  if (!fraction_ok (validation_fraction))
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "the validation fraction is %g: accepted 0 <= fraction < 1", validation_fraction);
      return FALSE;
    }
  if (!own && test_fraction + validation_fraction >= 1.0)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "split fractions sum to %g: test %g plus validation %g must leave a training set (sum < 1)",
                   test_fraction + validation_fraction, test_fraction, validation_fraction);
      return FALSE;
    }

  const guint n = ds->n_examples;
  const guint total = max_examples > 0 && max_examples < n ? max_examples : n;
  g_autofree guint *order = g_new (guint, MAX (n, 1u));
  for (guint k = 0; k < n; k++)
    order[k] = k;
  guint64 state = seed;

  /* order: [training part | test part], each shuffled; the first
   * part_train and part_test of each are used. */
  guint own_train = own ? ds->n_own_train : n;
  shuffle (order, own_train, &state);
  shuffle (order + own_train, n - own_train, &state);

  guint part_train, part_test, nv, nt;
  const guint *train_part = order, *test_part;
  if (own)
    {
      part_train = (guint) MIN ((guint64) own_train,
                                (guint64) floor ((double) total * own_train / n + 0.5));
      part_test = MIN (total - part_train, n - own_train);
      test_part = order + own_train;
      nt = part_test;
      nv = round_count (part_train, validation_fraction);
    }
  else
    {
      /* test, then validation, then training, from the shuffled order. */
      nt = round_count (total, test_fraction);
      nv = round_count (total, validation_fraction);
      nv = MIN (nv, total - nt);
      test_part = order;
      train_part = order + nt;
      part_train = total - nt;
    }
  if (part_train <= nv)
    {
      g_set_error (error, PFM_DATASET_ERROR, PFM_DATASET_ERROR_INVALID,
                   "%s: %u examples leave none for training (test %u, validation %u)",
                   ds->name ? ds->name : "dataset", total, nt, nv);
      return FALSE;
    }
  const guint ntr = part_train - nv;

  /* Validation first from the training part, then training. */
  if (n_test)
    *n_test = nt;
  if (test)
    *test = copy_indices (test_part, nt);
  if (n_validation)
    *n_validation = nv;
  if (validation)
    *validation = copy_indices (train_part, nv);
  if (n_train)
    *n_train = ntr;
  if (train)
    *train = copy_indices (train_part + nv, ntr);
  return TRUE;
}
