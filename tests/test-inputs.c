/* test-inputs.c - faults: numerical blow-up and bad input files, each
 * counted by category
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The promises checked here: no input the validation table accepts makes a
 * run write NaN or Inf, and a run that stops resolving the field says so;
 * a bad input file is refused with one clear line and changes nothing.
 * Failed writes and cancelled runs are test-faults.c's.  Every category
 * prints how many bad inputs it tried and what became of them (run with
 * --verbose, or read the TAP comments in meson's log).
 */
#define G_LOG_DOMAIN "test-inputs"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-bpm.h"
#include "pfm-config.h"
#include "pfm-medium.h"
#include "pfm-record.h"

#include "fuzz/pfm-fuzz-dataset.h"
#include "pfm-test-util.h"

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
      g_autoptr(GBytes) bytes = pfm_test_read_bytes (path);
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
  g_autoptr(GBytes) project = pfm_test_read_bytes (path);
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

  g_test_add_func ("/faults/blowup/powers", test_blowup_powers);
  g_test_add_func ("/faults/blowup/range-edges", test_blowup_range_edges);
  g_test_add_func ("/faults/input/bad-values", test_bad_values_in_files);
  g_test_add_func ("/faults/input/odd-files", test_odd_files);
  g_test_add_func ("/faults/input/fuzz-regressions", test_fuzz_regressions);
  g_test_add_func ("/faults/input/damaged-files", test_damaged_files);

  return g_test_run ();
}
