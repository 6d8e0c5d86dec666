/* test-faults.c - faults: failed writes, cancelled runs, numerical blow-up
 * and bad input files, each counted by category
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The promises checked here: a failed write gives an error and leaves any
 * existing file whole; a cancelled run leaves the propagator reusable (the
 * next run equals a fresh one bit for bit) and, under ASan or valgrind in
 * CI, leaks nothing; no input the validation table accepts makes a run
 * write NaN or Inf, and a run that stops resolving the field says so.
 * Every category prints how many bad inputs it tried and what became of
 * them (run with --verbose, or read the TAP comments in meson's log).
 */
#define G_LOG_DOMAIN "test-faults"

#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-bpm.h"
#include "pfm-config.h"
#include "pfm-export.h"
#include "pfm-medium.h"
#include "pfm-record.h"

#include "fuzz/pfm-fuzz-dataset.h"
#include "fuzz/pfm-fuzz-targets.h"
#include "pfm-test-util.h"

/* ---- helpers ---------------------------------------------------------- */

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static GBytes *
read_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return g_bytes_new_take (data, len);
}

/* A refusal's message: one line of valid UTF-8 that names @name. */
static void
assert_clear_error (const GError *error, const char *name)
{
  g_assert_nonnull (error);
  pfm_fuzz_check_message ("fault", error);
  if (name != NULL && strstr (error->message, name) == NULL)
    g_error ("the message does not name %s: %s", name, error->message);
}

/* ---- writers under test ------------------------------------------------- */

/* Each writer writes about @size bytes to @path (the project file is
 * always about 7 kB). */
typedef gboolean (*WriteFn) (const char *path, gsize size, GError **error);

static gboolean
write_raw (const char *path, gsize size, GError **error)
{
  g_autofree char *data = g_malloc (size);
  memset (data, 'n', size);
  return pfm_file_write_atomic (path, data, size, error);
}

static float *
ramp (gsize n)
{
  float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) (i % 1000) / 2000.0f;
  return v;
}

static gboolean
write_npy (const char *path, gsize size, GError **error)
{
  const gsize n = MAX (size / 4, 1);
  g_autofree float *v = ramp (n);
  const gsize shape[1] = { n };
  return pfm_export_npy_f32 (path, v, shape, 1, error);
}

static gboolean
write_vti (const char *path, gsize size, GError **error)
{
  const gsize n = MAX (size / 8, 1);
  g_autofree float *v = ramp (n);
  const PfmVtiArray arrays[] = { { "a", v }, { "b", v } };
  const double origin[3] = { 0, 0, 0 }, spacing[3] = { 1, 1, 1 };
  return pfm_export_vti (path, n, 1, 1, origin, spacing, arrays, 2, error);
}

static gboolean
write_map (const char *path, gsize size, GError **error)
{
  const int n = (int) MIN (MAX (size / 4, 1), 65536);
  g_autofree float *v = ramp (n);
  return pfm_medium_save_map (path, n, 1, 1, v, error);
}

static gboolean
write_project (const char *path, gsize size, GError **error)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  return pfm_config_save_file (cfg, path, error);
}

static const char *const SMALL[] = {
  "grid.n=32", "tube.length=8e-6", "grid.dz=1e-6", "grid.record_every=2", NULL
};

static PfmRecord *field_record;

/* The recorded volume of a small run, through pfm_record_write_field
 * (which wants a name ending in .vti or .npy: the scenarios use .vti). */
static gboolean
write_field (const char *path, gsize size, GError **error)
{
  if (field_record == NULL)
    {
      g_autoptr(PfmConfig) cfg = config_from (SMALL);
      PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE };
      g_autoptr(GError) e = NULL;
      g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &e);
      g_assert_no_error (e);
      field_record = pfm_bpm_run (bpm, NULL, &e);
      g_assert_no_error (e);
      g_assert_cmpuint (field_record->vol_count, >, 0);
    }
  return pfm_record_write_field (field_record, path, error);
}

typedef struct
{
  const char *name;
  WriteFn     fn;
} Writer;

static const Writer writers[] = {
  { "atomic", write_raw },
  { "npy", write_npy },
  { "vti", write_vti },
  { "index-map", write_map },
  { "project", write_project },
  { "field", write_field },
};

#define OLD_CONTENTS "old contents: must survive a failed write\n"

/* Writes with every writer into @dir/@name, over an existing file when
 * @existing; each must fail, keep the old contents and leave no stray
 * file behind.  Returns the number of writes tried. */
static guint
expect_every_write_fails (const char *dir, const char *name, gboolean existing, gsize size)
{
  guint tried = 0;
  for (guint w = 0; w < G_N_ELEMENTS (writers); w++)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (existing && strlen (name) < 200)
        g_assert_true (g_file_set_contents (path, OLD_CONTENTS, -1, NULL));
      guint before = existing ? count_entries (dir) : 0;

      g_autoptr(GError) error = NULL;
      gboolean ok = writers[w].fn (path, size, &error);
      if (ok)
        g_error ("%s writer: a write to %s succeeded", writers[w].name, path);
      assert_clear_error (error, name);
      g_test_message ("  %s: %s", writers[w].name, error->message);

      if (existing)
        {
          g_autoptr(GBytes) now = read_bytes (path);
          g_assert_nonnull (now);
          gsize len;
          const char *data = g_bytes_get_data (now, &len);
          if (len != strlen (OLD_CONTENTS) || memcmp (data, OLD_CONTENTS, len) != 0)
            g_error ("%s writer: the existing file was changed by a failed write", writers[w].name);
          g_assert_cmpuint (count_entries (dir), ==, before);
        }
      tried++;
    }
  return tried;
}

/* ---- write faults ------------------------------------------------------ */

static guint n_write_faults;

static void
test_write_dev_full (void)
{
  /* Where /dev is writable (root), a private copy of the node stands in
   * for /dev/full, so a regression that renamed over the path could not
   * replace the machine's own. */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *path = NULL;
  if (access ("/dev", W_OK) != 0 && g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    path = g_strdup ("/dev/full");
  else
    {
      path = g_build_filename (dir, "full.vti", NULL);
      if (mknod (path, S_IFCHR | 0666, makedev (1, 7)) != 0)
        {
          pfm_test_remove_tree (dir);
          g_test_skip ("/dev is writable and no private /dev/full node can be made (needs CAP_MKNOD)");
          return;
        }
    }
  guint tried = 0;
  for (guint w = 0; w < G_N_ELEMENTS (writers); w++)
    {
      if (writers[w].fn == write_field && !g_str_has_suffix (path, ".vti"))
        continue;   /* the field writer wants a .vti or .npy name */
      g_autoptr(GError) error = NULL;
      if (writers[w].fn (path, 65536, &error))
        g_error ("%s writer: a write to %s succeeded", writers[w].name, path);
      assert_clear_error (error, path);
      GStatBuf st;
      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
      tried++;
    }
  n_write_faults += tried;
  g_test_message ("write faults: full disk (/dev/full): %u writes, %u refused with an error, the device kept", tried, tried);
  pfm_test_remove_tree (dir);
}

static void
test_write_unwritable_folder (void)
{
  if (geteuid () == 0)
    {
      g_test_skip ("running as root: folder permissions are not enforced (the root-proof cases cover the same promise)");
      return;
    }
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *ro = g_build_filename (dir, "ro", NULL);
  g_assert_cmpint (g_mkdir (ro, 0755), ==, 0);
  g_autofree char *path = g_build_filename (ro, "old.vti", NULL);
  g_assert_true (g_file_set_contents (path, OLD_CONTENTS, -1, NULL));
  g_assert_cmpint (g_chmod (ro, 0555), ==, 0);
  guint tried = expect_every_write_fails (ro, "old.vti", TRUE, 4096);
  g_chmod (ro, 0755);
  n_write_faults += tried;
  g_test_message ("write faults: unwritable folder: %u writes over an existing file, all refused, the file kept", tried);
  pfm_test_remove_tree (dir);
}

static void
test_write_parent_is_file (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_assert_true (g_file_set_contents (file, OLD_CONTENTS, -1, NULL));
  guint tried = expect_every_write_fails (file, "out.vti", FALSE, 4096);
  /* The regular file in the way is untouched. */
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, OLD_CONTENTS);
  n_write_faults += tried;
  g_test_message ("write faults: parent is a regular file: %u writes, all refused, the file kept", tried);
  pfm_test_remove_tree (dir);
}

static void
test_write_vanished_folder (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *gone = g_build_filename (dir, "gone", NULL);
  g_assert_cmpint (g_mkdir (gone, 0755), ==, 0);
  g_assert_cmpint (g_rmdir (gone), ==, 0);
  guint tried = expect_every_write_fails (gone, "out.vti", FALSE, 4096);
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  n_write_faults += tried;
  g_test_message ("write faults: vanished folder: %u writes, all refused, nothing created", tried);
  pfm_test_remove_tree (dir);
}

static void
test_write_no_temp_file (void)
{
  /* A 250-byte name exists, but the temporary file beside it (name +
   * ".XXXXXX") is over NAME_MAX: the replacement cannot even start, for
   * root too.  The old file must survive whole. */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  char name[251];
  memset (name, 'p', 246);
  strcpy (name + 246, ".vti");
  g_autofree char *path = g_build_filename (dir, name, NULL);
  /* Not g_file_set_contents: it would need the same temporary name. */
  FILE *f = fopen (path, "w");
  if (f == NULL || fputs (OLD_CONTENTS, f) < 0 || fclose (f) != 0)
    {
      pfm_test_remove_tree (dir);
      g_test_skip ("this file system refuses 250-byte names");
      return;
    }
  guint tried = expect_every_write_fails (dir, name, TRUE, 4096);
  n_write_faults += tried;
  g_test_message ("write faults: temporary file cannot be created: %u writes over an existing file, all refused, the file kept", tried);
  pfm_test_remove_tree (dir);
}

/* The write fails midway: a file-size limit (RLIMIT_FSIZE, which binds
 * root too) stops the temporary file after 512 bytes (every writer here
 * writes more: a project file is about 1.4 kB). */
static void
test_write_midway (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, 0);
      g_test_trap_assert_passed ();
      n_write_faults += G_N_ELEMENTS (writers);
      g_test_message ("write faults: failing midway (file-size limit): %u writes over an existing file, all refused, the file kept",
                      (guint) G_N_ELEMENTS (writers));
      return;
    }
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  signal (SIGXFSZ, SIG_IGN);   /* write() returns EFBIG instead */
  struct rlimit old, lim;
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  lim = old;
  lim.rlim_cur = 512;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  expect_every_write_fails (dir, "old.vti", TRUE, 65536);
  setrlimit (RLIMIT_FSIZE, &old);
  pfm_test_remove_tree (dir);
}

/* No file descriptor left (RLIMIT_NOFILE, binding root too): no
 * temporary file can be opened. */
static void
test_write_no_descriptors (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, 0);
      g_test_trap_assert_passed ();
      n_write_faults += G_N_ELEMENTS (writers);
      g_test_message ("write faults: no file descriptor left: %u writes over an existing file, all refused, the file kept",
                      (guint) G_N_ELEMENTS (writers));
      return;
    }
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *path = g_build_filename (dir, "old.vti", NULL);
  /* The field writer's run (and its FFTW plan) first, while files can
   * still be opened. */
  g_autoptr(GError) e = NULL;
  g_assert_true (write_field (path, 0, &e));
  g_assert_no_error (e);
  g_remove (path);

  struct rlimit old, lim;
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &old), ==, 0);
  /* Every descriptor below the limit is taken: the lowest free one is the
   * next open()'s, so a limit there leaves none. */
  int fd = dup (0);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  for (guint w = 0; w < G_N_ELEMENTS (writers); w++)
    {
      g_autofree char *p = g_build_filename (dir, "old.vti", NULL);
      g_assert_true (g_file_set_contents (p, OLD_CONTENTS, -1, NULL));
      guint before = count_entries (dir);
      lim = old;
      lim.rlim_cur = fd;
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lim), ==, 0);
      g_autoptr(GError) error = NULL;
      gboolean ok = writers[w].fn (p, 4096, &error);
      setrlimit (RLIMIT_NOFILE, &old);
      if (ok)
        g_error ("%s writer: succeeded with no file descriptor left", writers[w].name);
      assert_clear_error (error, "old.vti");
      g_autoptr(GBytes) now = read_bytes (p);
      g_assert_nonnull (now);
      g_assert_cmpuint (g_bytes_get_size (now), ==, strlen (OLD_CONTENTS));
      g_assert_true (memcmp (g_bytes_get_data (now, NULL), OLD_CONTENTS, strlen (OLD_CONTENTS)) == 0);
      g_assert_cmpuint (count_entries (dir), ==, before);
    }
  pfm_test_remove_tree (dir);
}

static void
test_write_target_is_folder (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *sub = g_build_filename (dir, "out.vti", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_autofree char *inside = g_build_filename (sub, "keep", NULL);
  g_assert_true (g_file_set_contents (inside, OLD_CONTENTS, -1, NULL));
  guint tried = 0;
  for (guint w = 0; w < G_N_ELEMENTS (writers); w++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (writers[w].fn (sub, 4096, &error));
      assert_clear_error (error, "out.vti");
      g_assert_true (g_file_test (sub, G_FILE_TEST_IS_DIR));
      g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
      tried++;
    }
  n_write_faults += tried;
  g_test_message ("write faults: target is a folder: %u writes, all refused, the folder kept", tried);
  g_test_message ("write faults: %u in all so far", n_write_faults);
  pfm_test_remove_tree (dir);
}

/* ---- cancelling -------------------------------------------------------- */

typedef struct
{
  gint  cancel;
  guint at_step;      /* cancel when progress reports this step */
  guint at_slice;     /* or when this many slices are recorded (0: never) */
  guint slices;
} CancelCtx;

static void
cancel_progress_cb (guint step, guint n_steps, double z, gpointer data)
{
  CancelCtx *c = data;
  if (step == c->at_step)
    g_atomic_int_set (&c->cancel, 1);
}

static void
cancel_slice_cb (const PfmRecord *rec, gpointer data)
{
  CancelCtx *c = data;
  if (++c->slices == c->at_slice)
    g_atomic_int_set (&c->cancel, 1);
}

static void
assert_record_finite (const PfmRecord *rec, const char *label)
{
  for (guint i = 0; i < rec->rows->len; i++)
    {
      const PfmDiagRow *r = &g_array_index (rec->rows, PfmDiagRow, i);
      const double v[] = { r->z, r->power, r->width_x, r->width_y, r->peak_intensity,
                           r->b_integral, r->centroid_x, r->centroid_y };
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        if (!isfinite (v[k]))
          g_error ("%s: diagnostics row %u, column %u is %g", label, i, k, v[k]);
    }
  for (int i = 0; i < rec->n_output; i++)
    if (!isfinite (rec->output[i]))
      g_error ("%s: output %d is %g", label, i, rec->output[i]);
  const gsize slice = (gsize) rec->vol_nx * rec->vol_ny;
  for (gsize i = 0; rec->vol_intensity != NULL && i < slice * rec->vol_count; i++)
    if (!isfinite (rec->vol_intensity[i]) || !isfinite (rec->vol_dn[i]))
      g_error ("%s: volume sample %" G_GSIZE_FORMAT " is not finite (intensity %g, dn %g)",
               label, i, (double) rec->vol_intensity[i], (double) rec->vol_dn[i]);
  for (guint i = 0; rec->vol_z != NULL && i < rec->vol_count; i++)
    g_assert_true (isfinite (rec->vol_z[i]));
}

static void
assert_records_identical (const PfmRecord *a, const PfmRecord *b)
{
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpuint (a->steps_done, ==, b->steps_done);
  g_assert_cmpuint (a->rows->len, ==, b->rows->len);
  g_assert_true (memcmp (a->rows->data, b->rows->data, a->rows->len * sizeof (PfmDiagRow)) == 0);
  g_assert_cmpint (a->n_output, ==, b->n_output);
  if (a->n_output > 0)
    g_assert_true (memcmp (a->output, b->output, a->n_output * sizeof (double)) == 0);
  g_assert_cmpuint (a->vol_count, ==, b->vol_count);
  const gsize n = (gsize) a->vol_nx * a->vol_ny * a->vol_count;
  if (n > 0)
    {
      g_assert_true (memcmp (a->vol_intensity, b->vol_intensity, n * sizeof (float)) == 0);
      g_assert_true (memcmp (a->vol_dn, b->vol_dn, n * sizeof (float)) == 0);
      g_assert_true (memcmp (a->vol_z, b->vol_z, a->vol_count * sizeof (double)) == 0);
    }
  g_assert_cmpuint (a->warnings->len, ==, b->warnings->len);
}

static const char *const CANCEL_CASE[] = {
  "grid.n=64", "tube.length=2e-5", "grid.dz=1e-6", "grid.record_every=4", "beam.power=2e6", NULL
};

static PfmRecord *
reference_run (const PfmConfig *cfg, const PfmBpmOptions *opts, float **field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, opts, &error);
  g_assert_no_error (error);
  PfmRecord *rec = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
  *field = g_memdup2 (pfm_bpm_get_field (bpm), (gsize) 2 * cfg->grid.n * cfg->grid.n * sizeof (float));
  return rec;
}

/* Cancels at every step k = 0 .. n_steps from the progress callback (and
 * at every recorded slice from the slice callback); after each, the same
 * PfmBpm runs again to the end and must equal a fresh run bit for bit. */
static void
test_cancel_every_step (void)
{
  g_autoptr(PfmConfig) cfg = config_from (CANCEL_CASE);
  PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE };
  g_autofree float *ref_field = NULL;
  g_autoptr(PfmRecord) ref = reference_run (cfg, &opts, &ref_field);
  const guint n_steps = ref->n_steps;
  const gsize field_bytes = (gsize) 2 * cfg->grid.n * cfg->grid.n * sizeof (float);
  g_assert_cmpuint (n_steps, ==, 20);
  guint cancelled = 0, completed = 0, tried = 0;

  for (int mode = 0; mode < 2; mode++)
    {
      /* mode 0: progress callback at step k; mode 1: slice callback at slice k. */
      const guint last = mode == 0 ? n_steps : ref->rows->len;
      for (guint k = 0; k <= last; k++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
          g_assert_no_error (error);
          CancelCtx c = { .cancel = (k == 0), .at_step = mode == 0 ? k : G_MAXUINT, .at_slice = mode == 1 ? k : 0 };
          PfmBpmCallbacks cb = { .progress = cancel_progress_cb, .slice = cancel_slice_cb, .user_data = &c, .cancel = &c.cancel };
          g_autoptr(PfmRecord) first = pfm_bpm_run (bpm, &cb, &error);
          g_assert_no_error (error);
          g_assert_nonnull (first);
          assert_record_finite (first, "cancelled run");
          tried++;
          if (first->status == PFM_RUN_CANCELLED)
            {
              cancelled++;
              /* A cancelled run stops where it was told and reports no
               * output vector (it did not reach the detector). */
              if (mode == 0)
                g_assert_cmpuint (first->steps_done, ==, k);
              g_assert_cmpint (first->n_output, ==, 0);
              g_assert_null (first->output);
              g_assert_cmpuint (first->rows->len, >=, 1);
            }
          else
            {
              /* Cancelled after the last step: nothing was left to stop. */
              g_assert_cmpint (first->status, ==, PFM_RUN_COMPLETED);
              g_assert_true (mode == 0 ? k == n_steps : k >= ref->rows->len);
              completed++;
              assert_records_identical (first, ref);
            }

          /* Twice more on the same PfmBpm: cancelled again at the same
           * point, then to the end: equal to the fresh run. */
          c = (CancelCtx) { .cancel = (k == 0), .at_step = c.at_step, .at_slice = c.at_slice };
          g_autoptr(PfmRecord) again = pfm_bpm_run (bpm, &cb, &error);
          g_assert_no_error (error);
          assert_records_identical (first, again);
          PfmBpmCallbacks none = { 0 };
          g_autoptr(PfmRecord) second = pfm_bpm_run (bpm, &none, &error);
          g_assert_no_error (error);
          assert_records_identical (second, ref);
          g_assert_true (memcmp (pfm_bpm_get_field (bpm), ref_field, field_bytes) == 0);
        }
    }
  g_test_message ("cancel: %u runs cancelled at every step and every recorded slice (%u stopped, %u had finished); "
                  "each PfmBpm then ran to the end equal to a fresh run bit for bit", tried, cancelled, completed);
}

typedef struct
{
  gint  *cancel;
  gulong delay_us;
} Canceller;

static gpointer
canceller_thread (gpointer data)
{
  Canceller *c = data;
  g_usleep (c->delay_us);
  g_atomic_int_set (c->cancel, 1);
  return NULL;
}

/* Cancel from another thread (as the GUI does) at arbitrary moments. */
static void
test_cancel_from_thread (void)
{
  const char *const longer[] = {
    "grid.n=64", "tube.length=2e-4", "grid.dz=1e-6", "grid.record_every=4", "beam.power=2e6", NULL
  };
  g_autoptr(PfmConfig) cfg = config_from (longer);
  PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE };
  g_autofree float *ref_field = NULL;
  g_autoptr(PfmRecord) ref = reference_run (cfg, &opts, &ref_field);
  const gsize field_bytes = (gsize) 2 * cfg->grid.n * cfg->grid.n * sizeof (float);
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  g_assert_no_error (error);
  guint cancelled = 0;
  const guint tries = 8;
  for (guint t = 0; t < tries; t++)
    {
      gint cancel = 0;
      Canceller c = { &cancel, 500 + t * 1500 };
      GThread *th = g_thread_new ("canceller", canceller_thread, &c);
      PfmBpmCallbacks cb = { .cancel = &cancel };
      g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &cb, &error);
      g_thread_join (th);
      g_assert_no_error (error);
      assert_record_finite (rec, "run cancelled from a thread");
      cancelled += rec->status == PFM_RUN_CANCELLED;
    }
  g_autoptr(PfmRecord) last = pfm_bpm_run (bpm, NULL, &error);
  g_assert_no_error (error);
  assert_records_identical (last, ref);
  g_assert_true (memcmp (pfm_bpm_get_field (bpm), ref_field, field_bytes) == 0);
  g_test_message ("cancel: %u runs cancelled from another thread (%u stopped before the end); the PfmBpm then ran equal to a fresh run",
                  tries, cancelled);
}

/* ---- numerical blow-up ------------------------------------------------- */

typedef struct
{
  guint refused_config;   /* the table's cross-key rules */
  guint refused_memory;   /* over the memory budget */
  guint refused_other;    /* e.g. out of memory for a lattice */
  guint completed;
  guint unresolved;       /* stopped and said why */
  guint capped;           /* long runs stopped by the test after a few steps */
  guint total;
} Outcomes;

typedef struct
{
  gint    cancel;
  guint   max_steps;
  double  max_seconds;
  GTimer *timer;
} Cap;

static void
cap_progress_cb (guint step, guint n_steps, double z, gpointer data)
{
  Cap *c = data;
  if (step >= c->max_steps || g_timer_elapsed (c->timer, NULL) > c->max_seconds)
    g_atomic_int_set (&c->cancel, 1);
}

/* Validates and runs @cfg (a few steps at most), asserting that nothing
 * non-finite comes out and that a stopped run says why. */
static PfmRunStatus
run_checked (const PfmConfig *cfg, const char *label, guint max_steps, double max_seconds, Outcomes *o)
{
  g_autoptr(GError) error = NULL;
  o->total++;
  if (!pfm_config_validate (cfg, &error))
    {
      assert_clear_error (error, NULL);
      o->refused_config++;
      return PFM_RUN_RUNNING;
    }
  /* A budget that keeps the sweep small; a refusal must name it. */
  PfmBpmOptions opts = { .threads = 1, .rigor = PFM_PLAN_ESTIMATE, .memory_budget = G_GUINT64_CONSTANT (256) << 20,
                         .volume_budget = G_GUINT64_CONSTANT (4) << 20, .volume_max_side = 32 };
  g_autoptr(PfmBpm) bpm = pfm_bpm_new (cfg, &opts, &error);
  if (bpm == NULL)
    {
      assert_clear_error (error, NULL);
      if (g_error_matches (error, PFM_BPM_ERROR, PFM_BPM_ERROR_MEMORY))
        o->refused_memory++;
      else
        {
          o->refused_other++;
          g_test_message ("%s: refused by pfm_bpm_new: %s", label, error->message);
        }
      return PFM_RUN_RUNNING;
    }
  Cap cap = { 0, max_steps, max_seconds, g_timer_new () };
  PfmBpmCallbacks cb = { .progress = cap_progress_cb, .user_data = &cap, .cancel = &cap.cancel };
  g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, &cb, &error);
  g_timer_destroy (cap.timer);
  if (rec == NULL)
    {
      assert_clear_error (error, NULL);
      o->refused_other++;
      return PFM_RUN_RUNNING;
    }
  assert_record_finite (rec, label);
  /* The field the app would show next. */
  const float *f = pfm_bpm_get_field (bpm);
  for (gsize i = 0; i < (gsize) 2 * cfg->grid.n * cfg->grid.n; i++)
    if (!isfinite (f[i]))
      g_error ("%s: the field holds a non-finite value", label);
  switch (rec->status)
    {
    case PFM_RUN_COMPLETED:
      o->completed++;
      /* Only loss and the absorber remove power, nothing adds it: a
       * completed run that gained power blew up undetected. */
      for (guint i = 0; i < rec->rows->len; i++)
        if (g_array_index (rec->rows, PfmDiagRow, i).power > rec->input_power * 1.001)
          g_error ("%s: completed, but power grew to %g W from %g W", label,
                   g_array_index (rec->rows, PfmDiagRow, i).power, rec->input_power);
      break;
    case PFM_RUN_UNRESOLVED:
      o->unresolved++;
      g_assert_nonnull (rec->stop_reason);
      g_assert_true (rec->stop_reason[0] != '\0');
      break;
    case PFM_RUN_CANCELLED:
      o->capped++;
      break;
    default:
      g_error ("%s: status %d after a run", label, rec->status);
    }
  return rec->status;
}

static void
print_outcomes (const char *category, const Outcomes *o)
{
  g_test_message ("%s: %u configurations: %u refused by the table's rules, %u over the memory budget, "
                  "%u refused otherwise, %u completed, %u stopped as unresolved, %u capped after a few steps; "
                  "no NaN/Inf anywhere",
                  category, o->total, o->refused_config, o->refused_memory, o->refused_other,
                  o->completed, o->unresolved, o->capped);
}

/* Self-focusing collapse and absurd peak powers, up to the table's 1e15 W,
 * at the table's largest Kerr coefficients of either sign. */
static void
test_blowup_powers (void)
{
  const char *const base[] = {
    "tube.profile=none", "medium.kind=none", "grid.n=64", "grid.window=64e-6", "tube.side=32e-6",
    "tube.length=2e-4", "grid.dz=1e-6", "grid.record_every=4", "grid.absorber=0.1", NULL
  };
  const double powers[] = { 1e3, 1e6, 1e7, 2.4e7, 7e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
  const char *n2s[] = { "1e-20", "1e-16", "-1e-16" };
  const char *waists[] = { "8e-6", "2e-6" };
  Outcomes o = { 0 };
  for (guint a = 0; a < G_N_ELEMENTS (n2s); a++)
    for (guint w = 0; w < G_N_ELEMENTS (waists); w++)
      for (guint p = 0; p < G_N_ELEMENTS (powers); p++)
        {
          g_autoptr(PfmConfig) cfg = config_from (base);
          char pw[G_ASCII_DTOSTR_BUF_SIZE];
          g_ascii_dtostr (pw, sizeof pw, powers[p]);
          g_assert_true (pfm_config_set (cfg, "beam.power", pw, NULL));
          g_assert_true (pfm_config_set (cfg, "optics.n2", n2s[a], NULL));
          g_assert_true (pfm_config_set (cfg, "beam.waist", waists[w], NULL));
          g_autofree char *label = g_strdup_printf ("P = %s W, n2 = %s, w0 = %s", pw, n2s[a], waists[w]);
          PfmRunStatus st = run_checked (cfg, label, G_MAXUINT, 60.0, &o);
          /* n2 = 1e-20 at w0 = 8 um: P_cr = 2.4e7 W, and the collapse
           * distance at 3 P_cr is ~80 um, inside the 200 um tube; at 1e10
           * W the first step's Kerr phase is already ~4 rad. */
          if (a == 0 && w == 0 && powers[p] >= 7e7 && st != PFM_RUN_UNRESOLVED)
            g_error ("%s: a collapse went unflagged (status %d)", label, st);
          if (a == 0 && w == 0 && powers[p] <= 1e6)
            g_assert_cmpint (st, ==, PFM_RUN_COMPLETED);
          if (powers[p] >= 1e12 && a != 0)
            g_assert_cmpint (st, ==, PFM_RUN_UNRESOLVED);
        }
  print_outcomes ("blow-up: collapse and absurd powers (1e3..1e15 W, n2 = 1e-20, +-1e-16)", &o);
  g_assert_cmpuint (o.unresolved, >, 0);
}

/* The smallest value a key accepts, or its largest. */
static char *
edge_value (const PfmKeyInfo *k, gboolean upper)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  switch (k->type)
    {
    case PFM_KEY_INT:
      return g_strdup_printf ("%.0f", upper ? k->max : k->min);
    case PFM_KEY_UINT64:
      return g_strdup (upper ? "18446744073709551615" : "0");
    case PFM_KEY_DOUBLE:
    case PFM_KEY_DOUBLE_LIST:
      {
        double v = upper ? k->max : k->min;
        /* An exclusive 0 becomes the smallest normal double (text for a
         * subnormal does not parse as a finite number). */
        if (!upper && k->min_exclusive)
          v = k->min == 0.0 ? DBL_MIN : nextafter (k->min, INFINITY);
        return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
      }
    default:
      return NULL;
    }
}

/* Every numeric key at both ends of its range, one at a time, on three
 * small cases (a step guide with random voxels and a Gaussian; a GRIN
 * guide with an SLM in phase encoding; a homogeneous medium at high
 * power). */
static void
test_blowup_range_edges (void)
{
  const char *const small_step[] = {
    "grid.n=32", "tube.side=8e-6", "tube.length=4e-6", "grid.dz=5e-7", "grid.record_every=2",
    "beam.waist=3e-6", NULL
  };
  const char *const small_grin_slm[] = {
    "grid.n=32", "tube.side=8e-6", "tube.length=4e-6", "grid.dz=5e-7", "grid.record_every=1",
    "tube.profile=grin", "medium.kind=none", "beam.kind=slm", "beam.encoding=phase", "beam.slm_pixels=4",
    "detector.regions=4", "detector.bits=8", "detector.noise=0.01", NULL
  };
  const char *const small_kerr[] = {
    "grid.n=32", "tube.side=8e-6", "tube.length=4e-6", "grid.dz=5e-7", "grid.record_every=3",
    "tube.profile=none", "medium.kind=none", "beam.waist=3e-6", "beam.power=1e6", "optics.n2=1e-18", NULL
  };
  const char *const *bases[] = { small_step, small_grin_slm, small_kerr };
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  Outcomes o = { 0 };

  for (guint b = 0; b < G_N_ELEMENTS (bases); b++)
    for (guint i = 0; i < n; i++)
      for (int upper = 0; upper < 2; upper++)
        {
          const PfmKeyInfo *k = &keys[i];
          g_autofree char *value = edge_value (k, upper);
          if (value == NULL)
            continue;
          g_autoptr(PfmConfig) cfg = config_from (bases[b]);
          g_autofree char *name = g_strdup_printf ("%s.%s", k->group, k->key);
          g_autoptr(GError) error = NULL;
          if (!pfm_config_set (cfg, name, value, &error))
            g_error ("%s = %s, a bound of the table, is refused: %s", name, value, error->message);
          g_autofree char *label = g_strdup_printf ("case %u, %s = %s", b, name, value);
          run_checked (cfg, label, 16, 0.5, &o);
        }

  /* The same edges in pairs on the step case: every key at its minimum
   * with every other at its maximum (the table's corners, two at a time). */
  Outcomes pairs = { 0 };
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        if (i == j)
          continue;
        g_autofree char *lo = edge_value (&keys[i], FALSE);
        g_autofree char *hi = edge_value (&keys[j], TRUE);
        if (lo == NULL || hi == NULL || keys[i].type == PFM_KEY_UINT64 || keys[j].type == PFM_KEY_UINT64 ||
            g_str_equal (keys[i].group, "scaling") || g_str_equal (keys[j].group, "scaling") ||
            g_str_equal (keys[i].group, "defects") || g_str_equal (keys[j].group, "defects"))
          continue;
        g_autoptr(PfmConfig) cfg = config_from (small_step);
        g_autofree char *ni = g_strdup_printf ("%s.%s", keys[i].group, keys[i].key);
        g_autofree char *nj = g_strdup_printf ("%s.%s", keys[j].group, keys[j].key);
        g_assert_true (pfm_config_set (cfg, ni, lo, NULL));
        g_assert_true (pfm_config_set (cfg, nj, hi, NULL));
        g_autofree char *label = g_strdup_printf ("%s = %s, %s = %s", ni, lo, nj, hi);
        run_checked (cfg, label, 16, 0.5, &pairs);
      }
  print_outcomes ("blow-up: every numeric key at its min and max, one at a time, on 3 small cases", &o);
  print_outcomes ("blow-up: every propagation key at its min with every other at its max", &pairs);
  g_assert_cmpuint (o.completed, >, 0);
}

/* ---- bad input files ------------------------------------------------------ */

/* The bad values of each kind, through the project-file path: each must be
 * refused with a message naming the key, and leave the loaded
 * configuration as it was. */
static void
test_bad_values_in_files (void)
{
  const char *non_finite[] = { "nan", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e-999999" };
  const char *wrong_type[] = { "abc", "", "1,5", "1 2", "0x1p", "auto?", "\\x00", "1e", "\xc3\xa9", "--1" };
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  guint tried[4] = { 0 }, refused[4] = { 0 };
  const char *names[4] = { "non-finite or unrepresentable numbers", "wrong types", "below the range", "above the range" };

  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autofree char *before = pfm_fuzz_config_text (cfg);
  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      if (k->type != PFM_KEY_DOUBLE && k->type != PFM_KEY_INT && k->type != PFM_KEY_DOUBLE_LIST)
        continue;
      for (int cat = 0; cat < 4; cat++)
        {
          const char *const *values;
          guint count;
          char buf[2][G_ASCII_DTOSTR_BUF_SIZE];
          const char *edge[1];
          if (cat == 0)
            values = non_finite, count = G_N_ELEMENTS (non_finite);
          else if (cat == 1)
            values = wrong_type, count = G_N_ELEMENTS (wrong_type);
          else
            {
              double v = cat == 2 ? (k->min > 0 ? k->min / 2 : (k->min < 0 ? k->min * 2 : -1.0))
                                  : (k->max > 0 ? k->max * 2 : (k->max < 0 ? k->max / 2 : 1.0));
              if (k->type == PFM_KEY_INT)
                g_snprintf (buf[0], sizeof buf[0], "%.0f", cat == 2 ? k->min - 1 : k->max + 1);
              else
                g_ascii_dtostr (buf[0], sizeof buf[0], v);
              edge[0] = buf[0];
              values = edge, count = 1;
            }
          for (guint j = 0; j < count; j++)
            {
              g_autofree char *text = g_strdup_printf ("[project]\nversion=1\n[%s]\n%s=%s\n", k->group, k->key, values[j]);
              if (k->type == PFM_KEY_DOUBLE_LIST && strchr (values[j], ',') != NULL)
                continue;   /* a list of two numbers */
              g_autoptr(GError) error = NULL;
              tried[cat]++;
              if (pfm_config_load_data (cfg, text, strlen (text), &error))
                g_error ("%s.%s = \"%s\" was loaded", k->group, k->key, values[j]);
              g_autofree char *name = g_strdup_printf ("%s.%s", k->group, k->key);
              assert_clear_error (error, name);
              g_autofree char *after = pfm_fuzz_config_text (cfg);
              g_assert_cmpstr (before, ==, after);
              refused[cat]++;
            }
        }
    }
  guint all = 0;
  for (int cat = 0; cat < 4; cat++)
    {
      g_test_message ("bad values in project files: %s: %u tried, %u refused naming the key, configuration unchanged",
                      names[cat], tried[cat], refused[cat]);
      all += tried[cat];
    }
  g_test_message ("bad values in project files: %u in all", all);
}

/* Files that are not files: devices with no end, a FIFO, a folder; a
 * step count past what a guint holds. */
static void
test_odd_files (void)
{
  guint tried = 0;
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autofree char *before = pfm_fuzz_config_text (cfg);

  /* /dev/zero and /dev/urandom never end: both loaders refuse a device
   * (README "Reliability") instead of reading until memory runs out. */
  const char *devices[] = { "/dev/zero", "/dev/urandom" };
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      if (!g_file_test (devices[i], G_FILE_TEST_EXISTS))
        continue;
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_load_file (cfg, devices[i], &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      assert_clear_error (error, devices[i]);
      g_clear_error (&error);
      int nx, ny, nz;
      float *v = NULL;
      g_assert_false (pfm_medium_load_map (devices[i], &nx, &ny, &nz, &v, &error));
      assert_clear_error (error, devices[i]);
      g_assert_null (v);
      tried += 2;
    }

  /* A FIFO with no writer is refused at once, for both loaders (a blocking
   * open used to wait for a writer for ever). */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-test-faults");
  g_autofree char *fifo = g_build_filename (dir, "project.fifo", NULL);
  if (mkfifo (fifo, 0600) == 0)
    {
      g_autoptr(PfmConfig) c2 = pfm_config_new ();
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_load_file (c2, fifo, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      assert_clear_error (error, "FIFO");
      g_clear_error (&error);
      int nx, ny, nz;
      float *v = NULL;
      g_assert_false (pfm_medium_load_map (fifo, &nx, &ny, &nz, &v, &error));
      assert_clear_error (error, "FIFO");
      tried += 2;
    }

  /* A folder, for both loaders. */
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (pfm_config_load_file (cfg, dir, &error));
    assert_clear_error (error, dir);
    g_clear_error (&error);
    int nx, ny, nz;
    float *v = NULL;
    g_assert_false (pfm_medium_load_map (dir, &nx, &ny, &nz, &v, &error));
    assert_clear_error (error, dir);
    tried += 2;
  }

  /* grid.dz = 1e-300 asks for 5e296 steps: refused.  (The step count used
   * to be converted to a guint out of range, which gave 0 steps on x86
   * and slipped past the limit: a "completed" run of no steps.) */
  const char *tiny[] = { "1e-300", "2.2250738585072014e-308", "1e-20" };
  for (guint i = 0; i < G_N_ELEMENTS (tiny); i++)
    {
      g_autoptr(PfmConfig) c3 = pfm_config_new ();
      g_assert_true (pfm_config_set (c3, "grid.dz", tiny[i], NULL));
      g_assert_cmpuint (pfm_config_n_steps (c3), >, 100000000u);
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_validate (c3, &error));
      g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT);
      assert_clear_error (error, "steps");
      tried++;
    }

  g_autofree char *after = pfm_fuzz_config_text (cfg);
  g_assert_cmpstr (before, ==, after);
  g_test_message ("odd files: %u tried (endless devices, a FIFO, folders, a step count past 2^32): all handled", tried);
  pfm_test_remove_tree (dir);
}

/* Every file of @dir through @target; returns how many. */
static guint
replay_dir (const char *dir, int (*target) (const guint8 *, gsize))
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return 0;
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (name[0] == '.')
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) bytes = read_bytes (path);
      if (bytes == NULL)
        continue;
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_test_message ("replay %s", path);
      /* An exact-size copy, so ASan sees any read past the end (never
       * NULL, as libFuzzer's input never is). */
      g_autofree guint8 *copy = g_malloc (MAX (len, 1));
      memcpy (copy, data, len);
      target (copy, len);
      n++;
    }
  return n;
}

/* The fuzzers' seed corpus and every input that once broke a loader
 * (tests/fuzz/regressions/), through the fuzz targets' own checks. */
static void
test_fuzz_regressions (void)
{
  const char *kinds[] = { "project", "indexmap", "dataset" };
  int (*targets[]) (const guint8 *, gsize) = { pfm_fuzz_project, pfm_fuzz_indexmap, pfm_fuzz_dataset };
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *corpus = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", kinds[k], NULL);
      g_autofree char *regr = g_test_build_filename (G_TEST_DIST, "fuzz", "regressions", kinds[k], NULL);
      guint nc = replay_dir (corpus, targets[k]);
      guint nr = replay_dir (regr, targets[k]);
      g_assert_cmpuint (nc, >, 5);
      g_test_message ("fuzz replay: %s: %u corpus files and %u regression inputs pass the targets' checks",
                      kinds[k], nc, nr);
    }
}

/* Deterministic damage to valid files: every prefix (a save cut short)
 * and every byte replaced by a few values that matter to the parsers. */
static void
test_damaged_files (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "projects", "default.pfm", NULL);
  g_autoptr(GBytes) project = read_bytes (path);
  g_assert_nonnull (project);
  gsize plen;
  const guint8 *pdata = g_bytes_get_data (project, &plen);

  guint truncated = 0, corrupted = 0;
  for (gsize cut = 0; cut < plen; cut++)
    {
      g_autofree guint8 *copy = g_malloc (MAX (cut, 1));
      memcpy (copy, pdata, cut);
      pfm_fuzz_project (copy, cut);
      truncated++;
    }
  /* Bytes after '=' signs and in group headers matter most: damage every
   * 7th byte (about 1000 positions) with each replacement. */
  const guint8 repl[] = { 0x00, 0xff, '\n', '=', '[', ']', '9', '-', ' ', '\\', 0xc3 };
  g_autofree guint8 *buf = g_memdup2 (pdata, plen);
  for (gsize i = 0; i < plen; i += 7)
    for (guint r = 0; r < G_N_ELEMENTS (repl); r++)
      {
        guint8 keep = buf[i];
        buf[i] = repl[r];
        pfm_fuzz_project (buf, plen);
        buf[i] = keep;
        corrupted++;
      }
  g_test_message ("damaged project files: %u truncations and %u corrupted bytes of default.pfm: no crash, "
                  "every refusal one clear line, every acceptance valid and stable on a round trip",
                  truncated, corrupted);

  /* An index map: every prefix and every byte of the header and the first
   * values, with each replacement. */
  GString *map = g_string_new ("PFM-INDEX-MAP 1\n4 3 2\n");
  for (int i = 0; i < 24; i++)
    {
      float f = (float) (i - 12) / 25.0f;
      guint32 u;
      memcpy (&u, &f, 4);
      u = GUINT32_TO_LE (u);
      g_string_append_len (map, (const char *) &u, 4);
    }
  guint mt = 0, mc = 0;
  for (gsize cut = 0; cut < map->len; cut++)
    {
      g_autofree guint8 *copy = g_malloc (MAX (cut, 1));
      memcpy (copy, map->str, cut);
      pfm_fuzz_indexmap (copy, cut);
      mt++;
    }
  const guint8 mrepl[] = { 0x00, 0xff, 0x7f, 0x80, '\n', ' ', '0', '9', '-' };
  for (gsize i = 0; i < map->len; i++)
    for (guint r = 0; r < G_N_ELEMENTS (mrepl); r++)
      {
        g_autofree guint8 *copy = g_memdup2 (map->str, map->len);
        copy[i] = mrepl[r];
        pfm_fuzz_indexmap (copy, map->len);
        mc++;
      }
  g_string_free (map, TRUE);
  g_test_message ("damaged index maps: %u truncations and %u corrupted bytes: all handled", mt, mc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* No FFTW wisdom file is read or written by the tests. */
  g_setenv ("PFM_FFTW_WISDOM", "", TRUE);
  g_unsetenv ("PFM_MEMORY_BUDGET");

  g_test_add_func ("/faults/write/dev-full", test_write_dev_full);
  g_test_add_func ("/faults/write/unwritable-folder", test_write_unwritable_folder);
  g_test_add_func ("/faults/write/parent-is-file", test_write_parent_is_file);
  g_test_add_func ("/faults/write/vanished-folder", test_write_vanished_folder);
  g_test_add_func ("/faults/write/no-temp-file", test_write_no_temp_file);
  g_test_add_func ("/faults/write/midway", test_write_midway);
  g_test_add_func ("/faults/write/no-descriptors", test_write_no_descriptors);
  g_test_add_func ("/faults/write/target-is-folder", test_write_target_is_folder);
  g_test_add_func ("/faults/cancel/every-step", test_cancel_every_step);
  g_test_add_func ("/faults/cancel/from-thread", test_cancel_from_thread);
  g_test_add_func ("/faults/blowup/powers", test_blowup_powers);
  g_test_add_func ("/faults/blowup/range-edges", test_blowup_range_edges);
  g_test_add_func ("/faults/input/bad-values", test_bad_values_in_files);
  g_test_add_func ("/faults/input/odd-files", test_odd_files);
  g_test_add_func ("/faults/input/fuzz-regressions", test_fuzz_regressions);
  g_test_add_func ("/faults/input/damaged-files", test_damaged_files);

  int status = g_test_run ();
  g_clear_pointer (&field_record, pfm_record_free);
  return status;
}
