/* test-io.c - the field writers and their formats: .npy, .vti, a run's
 * recorded field
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every reader here is independent of the writer under test: the .npy
 * header and the .vti XML are parsed by hand from the bytes on disk, and,
 * when numpy is importable, the .npy file is also loaded by NumPy itself.
 * Index maps, atomic writes and the refusal of non-finite data are
 * test-io-files.c's.
 */
#define G_LOG_DOMAIN "test-io"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-bpm.h"
#include "pfm-config.h"
#include "pfm-export.h"
#include "pfm-medium.h"
#include "pfm-record.h"
#include "pfm-test-util.h"

/* ---- helpers ---------------------------------------------------------- */

static const guint8 *
find_bytes (const guint8 *hay, gsize len, const char *needle)
{
  gsize nl = strlen (needle);
  for (gsize i = 0; i + nl <= len; i++)
    if (memcmp (hay + i, needle, nl) == 0)
      return hay + i;
  return NULL;
}

static guint64
le_u64 (const guint8 *p)
{
  guint64 v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* Deterministic test data with awkward values mixed in. */
static float *
make_data (gsize n)
{
  float *d = g_new (float, n);
  guint32 s = 12345;
  for (gsize i = 0; i < n; i++)
    {
      s = s * 1664525u + 1013904223u;
      d[i] = ((float) (s >> 8) / (float) (1 << 24) - 0.5f) * 1e3f;
    }
  const float special[] = { -0.0f, 1e-45f /* denormal */, 3.4028235e38f, -3.4028235e38f, 1.17549435e-38f, 1.0f / 3.0f };
  for (gsize i = 0; i < G_N_ELEMENTS (special) && i < n; i++)
    d[(i * 7) % n] = special[i];
  return d;
}

/* A python3 that can import numpy, or NULL.  Tried: python3 on PATH, then
 * the system's (a pyenv or venv python3 on PATH may lack numpy). */
static const char *
numpy_python (void)
{
  static char *found = NULL;
  static gboolean tried = FALSE;
  if (tried)
    return found;
  tried = TRUE;
  g_autofree char *on_path = g_find_program_in_path ("python3");
  const char *candidates[] = { on_path, "/usr/bin/python3" };
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (candidates[i] == NULL || !g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
        continue;
      const char *argv[] = { candidates[i], "-c", "import numpy", NULL };
      int status = -1;
      if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL) &&
          g_spawn_check_wait_status (status, NULL))
        {
          found = g_strdup (candidates[i]);
          break;
        }
    }
  return found;
}

/* Loads @path with numpy.load and checks dtype, shape and a SHA-256 of the
 * little-endian float32 bytes against @data. */
static void
check_with_numpy (const char *path, const float *data, const gsize *shape, guint ndim)
{
  const char *python = numpy_python ();
  if (python == NULL)
    {
      g_test_skip ("python3 with numpy is not available: the NumPy load of the .npy file was not checked");
      return;
    }
  const char *script =
    "import sys, hashlib, numpy as np\n"
    "a = np.load(sys.argv[1], allow_pickle=False)\n"
    "b = np.ascontiguousarray(a, dtype='<f4')\n"
    "print(a.dtype.str, ','.join(str(s) for s in a.shape), hashlib.sha256(b.tobytes()).hexdigest())\n";
  const char *argv[] = { python, "-c", script, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("numpy could not load %s: %s", path, err);

  gsize n = 1;
  GString *sh = g_string_new (NULL);
  for (guint i = 0; i < ndim; i++)
    {
      n *= shape[i];
      g_string_append_printf (sh, "%s%" G_GSIZE_FORMAT, i ? "," : "", shape[i]);
    }
  g_autofree guint8 *le = g_new (guint8, 4 * n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;
      memcpy (&u, &data[i], 4);
      u = GUINT32_TO_LE (u);
      memcpy (le + 4 * i, &u, 4);
    }
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, le, 4 * n);
  g_autofree char *expect = g_strdup_printf ("<f4 %s %s\n", sh->str, sum);
  g_string_free (sh, TRUE);
  g_test_message ("numpy (%s): %s", python, out);
  g_assert_cmpstr (out, ==, expect);
}

/* Checks the bytes of a .npy file against the NumPy format 1.0 spec. */
static void
check_npy_layout (const char *path, const float *data, const gsize *shape, guint ndim)
{
  g_autoptr(GBytes) bytes = pfm_test_read_all (path);
  gsize len;
  const guint8 *b = g_bytes_get_data (bytes, &len);

  g_assert_cmpuint (len, >=, 10);
  g_assert_true (memcmp (b, "\x93NUMPY", 6) == 0);
  g_assert_cmpuint (b[6], ==, 1);   /* major */
  g_assert_cmpuint (b[7], ==, 0);   /* minor */
  gsize hlen = b[8] | ((gsize) b[9] << 8);
  /* The whole preamble (magic, version, length, header) is a multiple of
   * 64 bytes, and the header ends with a newline. */
  g_assert_cmpuint ((10 + hlen) % 64, ==, 0);
  g_assert_cmpuint (10 + hlen, <=, len);
  g_assert_cmpint (b[10 + hlen - 1], ==, '\n');

  g_autofree char *header = g_strndup ((const char *) b + 10, hlen);
  g_assert_true (g_str_is_ascii (header));
  g_assert_cmpint (header[0], ==, '{');
  g_assert_nonnull (strstr (header, "'descr': '<f4'"));
  g_assert_nonnull (strstr (header, "'fortran_order': False"));
  /* The shape tuple, as Python writes it (a 1-tuple keeps its comma). */
  GString *t = g_string_new ("'shape': (");
  for (guint i = 0; i < ndim; i++)
    g_string_append_printf (t, "%s%" G_GSIZE_FORMAT, i ? ", " : "", shape[i]);
  if (ndim == 1)
    g_string_append_c (t, ',');
  g_string_append_c (t, ')');
  g_autofree char *tuple = g_string_free (t, FALSE);
  /* Tolerate "(5, )" as well as "(5,)": both are the same Python tuple. */
  g_autofree char *tuple_sp = ndim == 1 ? g_strdup_printf ("'shape': (%" G_GSIZE_FORMAT ", )", shape[0]) : NULL;
  g_assert_true (strstr (header, tuple) != NULL || (tuple_sp && strstr (header, tuple_sp) != NULL));
  /* Only spaces pad the dict out to the newline. */
  const char *close = strrchr (header, '}');
  g_assert_nonnull (close);
  for (const char *p = close + 1; *p != '\n'; p++)
    g_assert_cmpint (*p, ==, ' ');

  gsize n = 1;
  for (guint i = 0; i < ndim; i++)
    n *= shape[i];
  g_assert_cmpuint (len, ==, 10 + hlen + 4 * n);
  for (gsize i = 0; i < n; i++)
    {
      float f = pfm_test_le_float (b + 10 + hlen + 4 * i);
      assert_floats_identical (&f, &data[i], 1);
    }
}

/* ---- .npy ------------------------------------------------------------- */

static void
roundtrip_npy (PfmTestDir *t, const char *name, const gsize *shape, guint ndim)
{
  g_autofree char *path = pfm_test_dir_path (t, name);
  gsize n = 1;
  for (guint i = 0; i < ndim; i++)
    n *= shape[i];
  g_autofree float *data = make_data (n);
  g_autoptr(GError) error = NULL;

  g_assert_true (pfm_export_npy_f32 (path, data, shape, ndim, &error));
  g_assert_no_error (error);
  check_npy_layout (path, data, shape, ndim);

  g_autofree float *back = NULL;
  gsize bshape[8] = { 0 };
  guint bndim = 0;
  g_assert_true (pfm_export_read_npy_f32 (path, &back, bshape, &bndim, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bndim, ==, ndim);
  for (guint i = 0; i < ndim; i++)
    g_assert_cmpuint (bshape[i], ==, shape[i]);
  assert_floats_identical (data, back, n);

  check_with_numpy (path, data, shape, ndim);
}

static void
test_npy_roundtrip (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  const gsize s3[] = { 3, 4, 5 };
  const gsize s1[] = { 7 };
  const gsize s2[] = { 1, 1 };
  /* A header long enough to need a second 64-byte block. */
  const gsize s8[] = { 2, 1, 3, 1, 2, 1, 1000000000, 0 };
  roundtrip_npy (t, "a.npy", s3, 3);
  roundtrip_npy (t, "b.npy", s1, 1);
  roundtrip_npy (t, "c.npy", s2, 2);

  /* An empty array (a zero in the shape) is still a valid file. */
  g_autofree char *path = pfm_test_dir_path (t, "empty.npy");
  g_autoptr(GError) error = NULL;
  const float none[1] = { 0 };
  g_assert_true (pfm_export_npy_f32 (path, none, s8, 8, &error));
  g_assert_no_error (error);
  check_npy_layout (path, none, s8, 8);
}

/* In a subprocess (a corrupt file may crash the reader, and that must not
 * take the other checks down): reading $PFM_TEST_NPY_PATH fails cleanly. */
/* Fills the stack below the caller with a non-zero pattern, so that a
 * reader that uses a variable before initialising it (or frees one it
 * never set) fails every time rather than by luck of what the stack held. */
static G_GNUC_NO_INLINE void
dirty_stack (void)
{
  volatile guint8 buf[32768];
  for (gsize i = 0; i < sizeof buf; i++)
    buf[i] = 0xa5;
}

static void
npy_read_must_fail_child (void)
{
  const char *p = g_getenv ("PFM_TEST_NPY_PATH");
  g_assert_nonnull (p);
  dirty_stack ();
  float *back = NULL;
  gsize s[8];
  guint nd = 0;
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_export_read_npy_f32 (p, &back, s, &nd, &error));
  g_assert_nonnull (error);
  g_assert_null (back);
}

/* Runs the check above on @path; returns whether it passed. */
static gboolean
npy_read_fails_cleanly (const char *path, const char *what)
{
  g_setenv ("PFM_TEST_NPY_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("PFM_TEST_NPY_PATH");
  if (g_test_trap_has_passed ())
    return TRUE;
  g_test_message ("reading a .npy file with %s did not fail cleanly (crash or accepted)", what);
  return FALSE;
}

static void
test_npy_read_corrupt (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  if (g_test_subprocess ())
    {
      npy_read_must_fail_child ();
      return;
    }

  const gsize shape[] = { 2, 3 };
  g_autofree float *data = make_data (6);
  g_autofree char *good = pfm_test_dir_path (t, "good.npy");
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_export_npy_f32 (good, data, shape, 2, &error));
  g_assert_no_error (error);
  g_autoptr(GBytes) bytes = pfm_test_read_all (good);
  gsize len;
  const char *b = g_bytes_get_data (bytes, &len);
  gboolean all_ok = TRUE;

  struct { const char *what; gsize keep; } cuts[] = {
    { "nothing in it", 0 }, { "the magic only", 6 }, { "half the header", 40 },
    { "one float short", len - 4 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("cut%u.npy", i);
      g_autofree char *p = pfm_test_dir_path (t, name);
      g_assert_true (g_file_set_contents (p, b, cuts[i].keep, NULL));
      all_ok &= npy_read_fails_cleanly (p, cuts[i].what);
    }

  /* A float64 file is refused, not misread. */
  g_autofree char *f8 = g_malloc (len + 1);
  memcpy (f8, b, len);
  f8[len] = '\0';
  char *d = strstr (f8 + 10, "<f4");
  g_assert_nonnull (d);
  d[2] = '8';
  g_autofree char *p8 = pfm_test_dir_path (t, "f8.npy");
  g_assert_true (g_file_set_contents (p8, f8, len, NULL));
  all_ok &= npy_read_fails_cleanly (p8, "float64 data");

  if (!all_ok)
    g_test_fail ();
}

/* A shape whose element count overflows gsize: 4 n wraps around to the
 * few bytes that follow, so a size check without overflow guard passes
 * and the reader would try to allocate 2^62 floats (an abort). */
static void
test_npy_read_overflow (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  if (g_test_subprocess ())
    {
      npy_read_must_fail_child ();
      return;
    }

  /* n = 2^62 + 1: 4 n = 4 (mod 2^64), and one float follows the header. */
  GString *h = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387905,), }");
  while ((10 + h->len + 1) % 64)
    g_string_append_c (h, ' ');
  g_string_append_c (h, '\n');
  GString *f = g_string_new_len ("\x93NUMPY\x01\x00", 8);
  g_string_append_c (f, (char) (h->len & 0xff));
  g_string_append_c (f, (char) (h->len >> 8));
  g_string_append_len (f, h->str, h->len);
  g_string_append_len (f, "\0\0\0\0", 4);
  g_autofree char *path = pfm_test_dir_path (t, "overflow.npy");
  g_assert_true (g_file_set_contents (path, f->str, f->len, NULL));
  g_string_free (h, TRUE);
  g_string_free (f, TRUE);

  if (!npy_read_fails_cleanly (path, "a shape whose size overflows"))
    g_test_fail ();
}

/* ---- .vti ------------------------------------------------------------- */

typedef struct
{
  gsize extent[6];
  double origin[3];
  double spacing[3];
  guint n_arrays;
  char *names[4];
  guint64 offsets[4];
  const guint8 *appended;   /* first byte after '_' */
  gsize appended_len;       /* bytes from there to the end of the file */
} VtiHeader;

static void
vti_header_clear (VtiHeader *h)
{
  for (guint i = 0; i < h->n_arrays; i++)
    g_free (h->names[i]);
}

/* The value of attribute @name in the first element at or after @from. */
static char *
xml_attr (const char *from, const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=\"", name);
  const char *p = strstr (from, key);
  if (p == NULL)
    return NULL;
  p += strlen (key);
  const char *q = strchr (p, '"');
  return q ? g_strndup (p, q - p) : NULL;
}

static void
parse_doubles (const char *text, double *out, guint n)
{
  g_auto(GStrv) f = g_strsplit (text, " ", -1);
  g_assert_cmpuint (g_strv_length (f), ==, n);
  for (guint i = 0; i < n; i++)
    {
      char *end;
      out[i] = g_ascii_strtod (f[i], &end);
      g_assert_true (end != f[i] && *end == '\0');
    }
}

static void
parse_vti (const guint8 *data, gsize len, VtiHeader *h)
{
  memset (h, 0, sizeof *h);
  /* The XML part ends at the '_' that starts the raw data. */
  const char *marker = "<AppendedData encoding=\"raw\">";
  const guint8 *m = find_bytes (data, len, marker);
  g_assert_nonnull (m);
  const guint8 *u = memchr (m, '_', len - (m - data));
  g_assert_nonnull (u);
  g_autofree char *xml = g_strndup ((const char *) data, u - data);
  h->appended = u + 1;
  h->appended_len = len - (u + 1 - data);

  g_assert_true (g_str_has_prefix (xml, "<?xml version=\"1.0\"?>\n<VTKFile type=\"ImageData\""));
  g_autofree char *order = xml_attr (xml, "byte_order");
  g_autofree char *htype = xml_attr (xml, "header_type");
  g_assert_cmpstr (order, ==, "LittleEndian");
  g_assert_cmpstr (htype, ==, "UInt64");

  const char *img = strstr (xml, "<ImageData");
  g_assert_nonnull (img);
  g_autofree char *ext = xml_attr (img, "WholeExtent");
  g_autofree char *org = xml_attr (img, "Origin");
  g_autofree char *spc = xml_attr (img, "Spacing");
  g_assert_nonnull (ext);
  g_assert_nonnull (org);
  g_assert_nonnull (spc);
  double e[6];
  parse_doubles (ext, e, 6);
  for (int i = 0; i < 6; i++)
    h->extent[i] = (gsize) e[i];
  parse_doubles (org, h->origin, 3);
  parse_doubles (spc, h->spacing, 3);

  const char *piece = strstr (img, "<Piece");
  g_assert_nonnull (piece);
  g_autofree char *pext = xml_attr (piece, "Extent");
  g_assert_cmpstr (pext, ==, ext);

  for (const char *p = strstr (piece, "<DataArray"); p != NULL; p = strstr (p + 1, "<DataArray"))
    {
      g_assert_cmpuint (h->n_arrays, <, G_N_ELEMENTS (h->names));
      g_autofree char *type = xml_attr (p, "type");
      g_autofree char *format = xml_attr (p, "format");
      g_autofree char *off = xml_attr (p, "offset");
      g_assert_cmpstr (type, ==, "Float32");
      g_assert_cmpstr (format, ==, "appended");
      g_assert_nonnull (off);
      h->names[h->n_arrays] = xml_attr (p, "Name");
      h->offsets[h->n_arrays] = g_ascii_strtoull (off, NULL, 10);
      h->n_arrays++;
    }
  g_assert_nonnull (strstr (xml, "</ImageData>"));
}

/* The raw values of array @a (x fastest); checks the UInt64 byte count. */
static const guint8 *
vti_array (const VtiHeader *h, guint a, gsize n)
{
  g_assert_cmpuint (h->offsets[a] + 8 + 4 * n, <=, h->appended_len);
  const guint8 *p = h->appended + h->offsets[a];
  g_assert_cmpuint (le_u64 (p), ==, 4 * (guint64) n);
  return p + 8;
}

static void
assert_vti_array_equals (const VtiHeader *h, guint a, const float *expect, gsize n)
{
  const guint8 *p = vti_array (h, a, n);
  for (gsize i = 0; i < n; i++)
    {
      float f = pfm_test_le_float (p + 4 * i);
      assert_floats_identical (&f, &expect[i], 1);
    }
}

static void
test_vti (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  const gsize nx = 3, ny = 4, nz = 5, n = nx * ny * nz;
  g_autofree float *a = make_data (n);
  g_autofree float *b = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    b[i] = (float) i * 0.25f - 3.0f;   /* encodes its own index: catches a swapped order */
  const double origin[3] = { -1.5e-5, 2.0 / 3.0, 0.0 };
  const double spacing[3] = { 1e-6, 1.0000000000000002e-6, 1.0 / 3.0 };
  const PfmVtiArray arrays[] = { { "intensity", a }, { "dn", b } };
  g_autofree char *path = pfm_test_dir_path (t, "f.vti");
  g_autoptr(GError) error = NULL;

  g_assert_true (pfm_export_vti (path, nx, ny, nz, origin, spacing, arrays, 2, &error));
  g_assert_no_error (error);

  g_autoptr(GBytes) bytes = pfm_test_read_all (path);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  VtiHeader h;
  parse_vti (data, len, &h);

  const gsize extent[6] = { 0, nx - 1, 0, ny - 1, 0, nz - 1 };
  for (int i = 0; i < 6; i++)
    g_assert_cmpuint (h.extent[i], ==, extent[i]);
  /* Written with round-trip precision: exact. */
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (h.origin[i], ==, origin[i]);
      g_assert_cmpfloat (h.spacing[i], ==, spacing[i]);
    }
  g_assert_cmpuint (h.n_arrays, ==, 2);
  g_assert_cmpstr (h.names[0], ==, "intensity");
  g_assert_cmpstr (h.names[1], ==, "dn");
  /* Each block is a UInt64 byte count then the data, back to back. */
  g_assert_cmpuint (h.offsets[0], ==, 0);
  g_assert_cmpuint (h.offsets[1], ==, 8 + 4 * n);
  assert_vti_array_equals (&h, 0, a, n);
  assert_vti_array_equals (&h, 1, b, n);

  /* The file closes the elements after the data. */
  const char *tail = (const char *) h.appended + 2 * (8 + 4 * n);
  gsize tail_len = h.appended_len - 2 * (8 + 4 * n);
  g_autofree char *tail_text = g_strndup (tail, tail_len);
  g_assert_nonnull (strstr (tail_text, "</AppendedData>"));
  g_assert_true (g_str_has_suffix (tail_text, "</VTKFile>\n"));
  vti_header_clear (&h);
}

/* ---- a run, written to both formats ---------------------------------- */

/* The run's recorded volume has the expected slices and is not blank;
 * returns its number of samples. */
static gsize
check_recorded_volume (const PfmRecord *rec)
{
  /* 20 steps recorded every 4th, plus z = 0: six slices of 64 x 64. */
  g_assert_cmpuint (rec->vol_count, ==, 6);
  g_assert_cmpint (rec->vol_nx, ==, 64);
  g_assert_cmpint (rec->vol_ny, ==, 64);
  const gsize n = (gsize) rec->vol_count * rec->vol_ny * rec->vol_nx;
  double peak = 0.0, dn_span = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      peak = MAX (peak, rec->vol_intensity[i]);
      dn_span = MAX (dn_span, fabs (rec->vol_dn[i] - rec->vol_dn[0]));
    }
  /* Not a blank volume, so equality below means something. */
  g_assert_cmpfloat (peak, >, 0.0);
  g_assert_cmpfloat (dn_span, >, 0.0);
  return n;
}

/* .npy: intensity, shape (nz, ny, nx), read back bit for bit. */
static void
check_field_npy (PfmTestDir *t, const PfmRecord *rec, gsize n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *npy = pfm_test_dir_path (t, "field.npy");
  g_assert_true (pfm_record_write_field (rec, npy, &error));
  g_assert_no_error (error);
  g_autofree float *back = NULL;
  gsize shape[8] = { 0 };
  guint ndim = 0;
  g_assert_true (pfm_export_read_npy_f32 (npy, &back, shape, &ndim, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ndim, ==, 3);
  g_assert_cmpuint (shape[0], ==, rec->vol_count);
  g_assert_cmpuint (shape[1], ==, (gsize) rec->vol_ny);
  g_assert_cmpuint (shape[2], ==, (gsize) rec->vol_nx);
  assert_floats_identical (back, rec->vol_intensity, n);
  check_npy_layout (npy, rec->vol_intensity, shape, 3);
  check_with_numpy (npy, rec->vol_intensity, shape, 3);
}

/* .vti: intensity and dn, extent (nx, ny, count), the volume's geometry. */
static void
check_field_vti (PfmTestDir *t, const PfmRecord *rec, gsize n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *vti = pfm_test_dir_path (t, "field.vti");
  g_assert_true (pfm_record_write_field (rec, vti, &error));
  g_assert_no_error (error);
  g_autoptr(GBytes) bytes = pfm_test_read_all (vti);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  VtiHeader h;
  parse_vti (data, len, &h);
  g_assert_cmpuint (h.extent[1], ==, (gsize) rec->vol_nx - 1);
  g_assert_cmpuint (h.extent[3], ==, (gsize) rec->vol_ny - 1);
  g_assert_cmpuint (h.extent[5], ==, rec->vol_count - 1);
  g_assert_cmpfloat (h.spacing[0], ==, rec->vol_dx);
  g_assert_cmpfloat (h.spacing[1], ==, rec->vol_dx);
  g_assert_cmpfloat (h.origin[0], ==, rec->vol_x0);
  g_assert_cmpfloat (h.origin[2], ==, rec->vol_z[0]);
  /* Uniform slices 4 um apart; the written spacing is their mean, exact
   * up to the rounding of the z values (1e-18 m is far below a step). */
  g_assert_cmpfloat_with_epsilon (h.spacing[2], 4e-6, 1e-18);
  g_assert_cmpuint (h.n_arrays, ==, 2);
  g_assert_cmpstr (h.names[0], ==, "intensity");
  g_assert_cmpstr (h.names[1], ==, "dn");
  assert_vti_array_equals (&h, 0, rec->vol_intensity, n);
  assert_vti_array_equals (&h, 1, rec->vol_dn, n);
  vti_header_clear (&h);
}

/* What pfm_record_write_field refuses: a file of neither format, a run
 * without a volume. */
static void
check_field_refused (PfmTestDir *t, const PfmConfig *cfg, const PfmRecord *rec)
{
  g_autoptr(GError) error = NULL;
  /* Neither format: refused, nothing written. */
  g_autofree char *txt = pfm_test_dir_path (t, "field.txt");
  g_assert_false (pfm_record_write_field (rec, txt, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, ".npy"));
  g_clear_error (&error);
  g_assert_false (g_file_test (txt, G_FILE_TEST_EXISTS));

  /* A run without a volume has nothing to write. */
  PfmBpmOptions nov = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm2 = pfm_bpm_new (cfg, &nov, &error);
  g_assert_no_error (error);
  g_autoptr(PfmRecord) rec2 = pfm_bpm_run (bpm2, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *npy2 = pfm_test_dir_path (t, "none.npy");
  g_assert_false (pfm_record_write_field (rec2, npy2, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (npy2, G_FILE_TEST_EXISTS));
}

static void
test_record_field (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  const char *const set[][2] = {
    { "grid.n", "64" }, { "tube.length", "20e-6" }, { "grid.dz", "1e-6" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (set); i++)
    {
      g_assert_true (pfm_config_set (cfg, set[i][0], set[i][1], &error));
      g_assert_no_error (error);
    }
  PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bpm);
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);

  const gsize n = check_recorded_volume (rec);
  check_field_npy (t, rec, n);
  check_field_vti (t, rec, n);
  check_field_refused (t, cfg, rec);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* No FFTW wisdom file is read or written by the tests. */
  g_setenv ("PFM_FFTW_WISDOM", "", TRUE);

#define ADD(path, fn) g_test_add (path, PfmTestDir, "pfm-test-io", pfm_test_dir_setup, fn, pfm_test_dir_teardown)
  ADD ("/io/npy/roundtrip", test_npy_roundtrip);
  ADD ("/io/npy/read-corrupt", test_npy_read_corrupt);
  ADD ("/io/npy/read-overflow", test_npy_read_overflow);
  ADD ("/io/vti/layout", test_vti);
  ADD ("/io/record/field", test_record_field);
#undef ADD

  return g_test_run ();
}

