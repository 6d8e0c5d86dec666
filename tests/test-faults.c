/* test-faults.c - faults: failed writes and cancelled runs, each counted
 * by category
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The promises checked here: a failed write gives an error and leaves any
 * existing file whole; a cancelled run leaves the propagator reusable (the
 * next run equals a fresh one bit for bit) and, under ASan or valgrind in
 * CI, leaks nothing.  Numerical blow-up and bad input files are
 * test-inputs.c's.  Every category prints how many bad inputs it tried and
 * what became of them (run with --verbose, or read the TAP comments in
 * meson's log).
 */
#define G_LOG_DOMAIN "test-faults"

#include "config.h"

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
          g_autoptr(GBytes) now = pfm_test_read_bytes (path);
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
      g_autoptr(GBytes) now = pfm_test_read_bytes (p);
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

  int status = g_test_run ();
  g_clear_pointer (&field_record, pfm_record_free);
  return status;
}
