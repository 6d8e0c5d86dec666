/* test-io-files.c - writing files safely: index maps, atomic writes, the
 * refusal of non-finite data
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test works in a fresh temporary folder of its own.  The .npy and
 * .vti formats and a run's recorded field are test-io.c's.
 */
#define G_LOG_DOMAIN "test-io-files"

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

/* ---- index maps ----------------------------------------------------------- */

static void
test_map_roundtrip (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  const int nx = 3, ny = 4, nz = 5, n = nx * ny * nz;
  g_autofree float *v = g_new (float, n);
  for (int i = 0; i < n; i++)
    v[i] = (float) i / (n - 1) - 0.5f;        /* [-0.5, 0.5], both ends included */
  v[7] = -0.0f;
  v[8] = 1e-45f;
  g_autofree char *path = pfm_test_dir_path (t, "m.map");
  g_autoptr(GError) error = NULL;

  g_assert_true (pfm_medium_save_map (path, nx, ny, nz, v, &error));
  g_assert_no_error (error);

  /* The documented layout: two text lines, then little-endian float32, x fastest. */
  g_autoptr(GBytes) bytes = pfm_test_read_all (path);
  gsize len;
  const guint8 *b = g_bytes_get_data (bytes, &len);
  const char *head = "PFM-INDEX-MAP 1\n3 4 5\n";
  g_assert_cmpuint (len, ==, strlen (head) + 4 * (gsize) n);
  g_assert_true (memcmp (b, head, strlen (head)) == 0);
  for (int i = 0; i < n; i++)
    {
      float f = pfm_test_le_float (b + strlen (head) + 4 * i);
      assert_floats_identical (&f, &v[i], 1);
    }

  int lx = 0, ly = 0, lz = 0;
  g_autofree float *back = NULL;
  g_assert_true (pfm_medium_load_map (path, &lx, &ly, &lz, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lx, ==, nx);
  g_assert_cmpint (ly, ==, ny);
  g_assert_cmpint (lz, ==, nz);
  assert_floats_identical (v, back, n);

  /* A hand-written map loads in x-fastest order. */
  GString *s = g_string_new ("PFM-INDEX-MAP 1\n2 1 1\n");
  const guint8 first[4] = { 0x00, 0x00, 0x80, 0x3e };   /* 0.25 */
  const guint8 second[4] = { 0x00, 0x00, 0x00, 0xbf };  /* -0.5 */
  g_string_append_len (s, (const char *) first, 4);
  g_string_append_len (s, (const char *) second, 4);
  g_autofree char *hand = pfm_test_dir_path (t, "hand.map");
  g_assert_true (g_file_set_contents (hand, s->str, s->len, NULL));
  g_string_free (s, TRUE);
  g_autofree float *hv = NULL;
  g_assert_true (pfm_medium_load_map (hand, &lx, &ly, &lz, &hv, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lx, ==, 2);
  g_assert_cmpint (ly, ==, 1);
  g_assert_cmpint (lz, ==, 1);
  g_assert_cmpfloat (hv[0], ==, 0.25f);
  g_assert_cmpfloat (hv[1], ==, -0.5f);
}

typedef struct
{
  const char *what;
  const char *header;       /* text part */
  int n_values;             /* float32 values that follow */
  float bad_value;          /* written as the last value when set_bad */
  gboolean set_bad;
  gint code;                /* PfmMediumError */
  const char *mentions;     /* the message must contain this too */
} BadMap;

static void
test_map_malformed (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  const BadMap cases[] = {
    { "bad magic", "PFM-INDEX-MAP 2\n1 1 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "PFM-INDEX-MAP 1" },
    { "other magic", "P5\n1 1 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "PFM-INDEX-MAP 1" },
    { "empty file", "", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "PFM-INDEX-MAP 1" },
    { "no dims line", "PFM-INDEX-MAP 1\n", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "dims not numbers", "PFM-INDEX-MAP 1\n1 x 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "two dims", "PFM-INDEX-MAP 1\n2 2\n", 4, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "four dims", "PFM-INDEX-MAP 1\n1 1 1 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "negative dim", "PFM-INDEX-MAP 1\n-1 1 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "fractional dim", "PFM-INDEX-MAP 1\n1.5 1 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "dim too large", "PFM-INDEX-MAP 1\n65537 1 1\n", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "zero dim x", "PFM-INDEX-MAP 1\n0 1 1\n", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "zero dim z", "PFM-INDEX-MAP 1\n2 2 0\n", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "dims line unterminated", "PFM-INDEX-MAP 1\n2 2 2", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "NX NY NZ" },
    { "truncated data", "PFM-INDEX-MAP 1\n2 2 2\n", 7, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "32 bytes" },
    { "no data", "PFM-INDEX-MAP 1\n2 2 2\n", 0, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "32 bytes" },
    { "extra data", "PFM-INDEX-MAP 1\n2 2 2\n", 9, 0, FALSE, PFM_MEDIUM_ERROR_FORMAT, "32 bytes" },
    { "NaN value", "PFM-INDEX-MAP 1\n2 1 1\n", 2, NAN, TRUE, PFM_MEDIUM_ERROR_FORMAT, "[-0.5, 0.5]" },
    { "Inf value", "PFM-INDEX-MAP 1\n2 1 1\n", 2, -INFINITY, TRUE, PFM_MEDIUM_ERROR_FORMAT, "[-0.5, 0.5]" },
    { "dn above 0.5", "PFM-INDEX-MAP 1\n2 1 1\n", 2, 0.5000001f, TRUE, PFM_MEDIUM_ERROR_FORMAT, "[-0.5, 0.5]" },
    { "dn below -0.5", "PFM-INDEX-MAP 1\n2 1 1\n", 2, -0.75f, TRUE, PFM_MEDIUM_ERROR_FORMAT, "[-0.5, 0.5]" },
    /* 2^32 voxels declared: refused from the header, before any allocation. */
    { "too many voxels", "PFM-INDEX-MAP 1\n65536 65536 1\n", 1, 0, FALSE, PFM_MEDIUM_ERROR_TOO_LARGE, "voxels" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadMap *c = &cases[i];
      GString *s = g_string_new (c->header);
      for (int j = 0; j < c->n_values; j++)
        {
          float f = (c->set_bad && j == c->n_values - 1) ? c->bad_value : 0.125f;
          guint32 u;
          memcpy (&u, &f, 4);
          u = GUINT32_TO_LE (u);
          g_string_append_len (s, (const char *) &u, 4);
        }
      g_autofree char *name = g_strdup_printf ("bad%u.map", i);
      g_autofree char *path = pfm_test_dir_path (t, name);
      g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
      g_string_free (s, TRUE);

      int nx = -7, ny = -7, nz = -7;
      float *values = NULL;
      g_autoptr(GError) error = NULL;
      g_test_message ("%s", c->what);
      gboolean ok = pfm_medium_load_map (path, &nx, &ny, &nz, &values, &error);
      if (ok)
        g_error ("%s: accepted", c->what);
      if (!g_error_matches (error, PFM_MEDIUM_ERROR, c->code))
        g_error ("%s: expected code %d, got %s", c->what, c->code, error ? error->message : "no error");
      /* A clear message: which file, and what was expected. */
      g_assert_nonnull (strstr (error->message, path));
      if (strstr (error->message, c->mentions) == NULL)
        g_error ("%s: message does not mention \"%s\": %s", c->what, c->mentions, error->message);
      /* Outputs untouched on failure. */
      g_assert_null (values);
      g_assert_cmpint (nx, ==, -7);
    }

  /* A missing file. */
  g_autofree char *missing = pfm_test_dir_path (t, "missing.map");
  int nx, ny, nz;
  float *values = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_medium_load_map (missing, &nx, &ny, &nz, &values, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* The map reaches a run: kind = file with a bad map fails at pfm_bpm_new
 * with the loader's message, not later. */
static void
test_map_in_config (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  g_autofree char *path = pfm_test_dir_path (t, "nan.map");
  GString *s = g_string_new ("PFM-INDEX-MAP 1\n1 1 1\n");
  float f = NAN;
  g_string_append_len (s, (const char *) &f, 4);
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  g_string_free (s, TRUE);

  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set (cfg, "grid.n", "64", &error));
  g_assert_true (pfm_config_set (cfg, "tube.length", "2e-6", &error));
  g_assert_true (pfm_config_set (cfg, "grid.dz", "1e-6", &error));
  g_assert_true (pfm_config_set (cfg, "medium.kind", "file", &error));
  g_assert_true (pfm_config_set (cfg, "medium.file", path, &error));
  g_assert_no_error (error);
  PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE, .no_volume = TRUE };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_null (bpm);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
}

/* ---- atomic writes -------------------------------------------------------- */

static void
test_atomic_basic (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  g_autofree char *path = pfm_test_dir_path (t, "out.txt");
  g_autoptr(GError) error = NULL;

  g_assert_true (pfm_file_write_atomic (path, "first", 5, &error));
  g_assert_no_error (error);
  g_assert_true (pfm_file_write_atomic (path, "second!", 7, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (len, ==, 7);
  g_assert_cmpstr (text, ==, "second!");

  /* Nothing but the file is left in the folder (no temporary files). */
  g_autoptr(GDir) d = g_dir_open (t->dir, 0, NULL);
  guint count = 0;
  while (g_dir_read_name (d) != NULL)
    count++;
  g_assert_cmpuint (count, ==, 1);
}

static void
test_atomic_missing_folder (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  g_autofree char *path = g_build_filename (t->dir, "no-such-folder", "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_file_write_atomic (path, "x", 1, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The writers built on it fail the same way. */
  g_clear_error (&error);
  const float v[2] = { 1, 2 };
  const gsize shape[1] = { 2 };
  g_autofree char *npy = g_build_filename (t->dir, "no-such-folder", "a.npy", NULL);
  g_assert_false (pfm_export_npy_f32 (npy, v, shape, 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_autofree char *map = g_build_filename (t->dir, "no-such-folder", "a.map", NULL);
  g_assert_false (pfm_medium_save_map (map, 2, 1, 1, v, &error));
  g_assert_nonnull (error);
}

static void
test_atomic_read_only (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  if (geteuid () == 0)
    {
      /* root writes into a 0555 folder regardless. */
      g_test_skip ("running as root: folder permissions are not enforced");
      return;
    }
  g_autofree char *sub = g_build_filename (t->dir, "ro", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_autofree char *path = g_build_filename (sub, "old.csv", NULL);
  g_assert_true (g_file_set_contents (path, "old contents\n", -1, NULL));
  g_assert_cmpint (g_chmod (sub, 0555), ==, 0);

  g_autoptr(GError) error = NULL;
  gboolean ok = pfm_file_write_atomic (path, "new", 3, &error);
  g_chmod (sub, 0755);
  g_assert_false (ok);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old contents\n");
}

/* /dev/full: every write fails with ENOSPC.  Either way (the temporary
 * file beside it cannot be created, or the data cannot be written):
 * FALSE, an error naming the path, no crash, and the node stays a device.
 * Where /dev is writable (root), a writer that renamed a temporary file
 * over the path would replace the system's /dev/full, so a private copy of
 * the node (mknod c 1 7 in the temporary folder) stands in for it. */
static void
test_atomic_dev_full (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  g_autofree char *path = NULL;
  if (access ("/dev", W_OK) != 0 && g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    path = g_strdup ("/dev/full");
  else
    {
      path = pfm_test_dir_path (t, "full");
      if (mknod (path, S_IFCHR | 0666, makedev (1, 7)) != 0)
        {
          g_test_skip ("/dev is writable and no private /dev/full node can be made (needs CAP_MKNOD)");
          return;
        }
    }
  g_test_message ("writing to %s", path);
  g_autoptr(GError) error = NULL;
  g_assert_false (pfm_file_write_atomic (path, "data", 4, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  GStatBuf st;
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  /* The same through a writer built on it. */
  g_clear_error (&error);
  const float v[2] = { 1, 2 };
  const gsize shape[1] = { 2 };
  g_assert_false (pfm_export_npy_f32 (path, v, shape, 1, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

/* A path that names a device (or /dev/stdout, a FIFO) is not a file to
 * replace: writing must go to the device or fail, and the node must stay.
 * A copy of /dev/null's node in a temporary folder shows what rename()
 * does without touching /dev (needs CAP_MKNOD, so usually root). */
static void
test_atomic_device_target (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  g_autofree char *node = pfm_test_dir_path (t, "null");
  if (mknod (node, S_IFCHR | 0666, makedev (1, 3)) != 0)
    {
      g_test_skip ("cannot create a device node here (needs CAP_MKNOD)");
      return;
    }
  g_autoptr(GError) error = NULL;
  gboolean ok = pfm_file_write_atomic (node, "data", 4, &error);
  g_test_message ("write to a device node: %s", ok ? "TRUE" : error->message);
  GStatBuf st;
  g_assert_cmpint (g_lstat (node, &st), ==, 0);
  if (!S_ISCHR (st.st_mode))
    {
      g_test_message ("the device node was replaced by a regular file "
                      "(as root, --diagnostics /dev/stdout would replace /dev/stdout)");
      g_test_fail ();
    }
  /* /dev/null takes anything: the write goes through. */
  g_assert_true (ok);
}

/* ---- non-finite data ---------------------------------------------------- */

static void
test_refuse_nan (PfmTestDir *t, gconstpointer unused G_GNUC_UNUSED)
{
  const float bad_values[] = { NAN, INFINITY, -INFINITY };
  for (guint k = 0; k < G_N_ELEMENTS (bad_values); k++)
    {
      float v[6] = { 0, 1, 2, 3, 4, 5 };
      v[4] = bad_values[k];
      const gsize shape[2] = { 2, 3 };
      g_autoptr(GError) error = NULL;

      /* Into a new file: refused, nothing created. */
      g_autofree char *npy = pfm_test_dir_path (t, "nan.npy");
      g_assert_false (pfm_export_npy_f32 (npy, v, shape, 2, &error));
      g_assert_nonnull (error);
      g_assert_false (g_file_test (npy, G_FILE_TEST_EXISTS));
      g_clear_error (&error);

      const float good[6] = { 0 };
      const PfmVtiArray arrays[] = { { "ok", good }, { "bad", v } };
      const double origin[3] = { 0, 0, 0 }, spacing[3] = { 1, 1, 1 };
      g_autofree char *vti = pfm_test_dir_path (t, "nan.vti");
      g_assert_false (pfm_export_vti (vti, 3, 2, 1, origin, spacing, arrays, 2, &error));
      g_assert_nonnull (error);
      g_assert_false (g_file_test (vti, G_FILE_TEST_EXISTS));
      g_clear_error (&error);

      /* Over an existing file: refused, the old file kept. */
      g_autofree char *old = pfm_test_dir_path (t, "old.npy");
      g_assert_true (pfm_export_npy_f32 (old, good, shape, 2, &error));
      g_assert_no_error (error);
      g_autoptr(GBytes) before = pfm_test_read_all (old);
      g_assert_false (pfm_export_npy_f32 (old, v, shape, 2, &error));
      g_assert_nonnull (error);
      g_autoptr(GBytes) after = pfm_test_read_all (old);
      g_assert_true (g_bytes_equal (before, after));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* No FFTW wisdom file is read or written by the tests. */
  g_setenv ("PFM_FFTW_WISDOM", "", TRUE);

#define ADD(path, fn) g_test_add (path, PfmTestDir, "pfm-test-io", pfm_test_dir_setup, fn, pfm_test_dir_teardown)
  ADD ("/io/map/roundtrip", test_map_roundtrip);
  ADD ("/io/map/malformed", test_map_malformed);
  ADD ("/io/map/in-config", test_map_in_config);
  ADD ("/io/atomic/basic", test_atomic_basic);
  ADD ("/io/atomic/missing-folder", test_atomic_missing_folder);
  ADD ("/io/atomic/read-only-folder", test_atomic_read_only);
  ADD ("/io/atomic/dev-full", test_atomic_dev_full);
  ADD ("/io/atomic/device-node", test_atomic_device_target);
  ADD ("/io/writers/refuse-non-finite", test_refuse_nan);
#undef ADD

  return g_test_run ();
}

