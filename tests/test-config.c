/* test-config.c - the project configuration: validation table, cross-key
 * rules
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most checks loop over pfm_config_keys(), so a key added to the table is
 * covered without touching this file.  Project files (load, save, round
 * trip, bad files) are test-config-files.c's.
 */
#define G_LOG_DOMAIN "test-config"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pfm-config.h"
#include "pfm-scaling.h"
#include "pfm-test-util.h"

/* ---- helpers ---------------------------------------------------------- */

/* The shortest decimal that parses back to @v, the way a user (or a saved
 * project) writes a number; the messages must quote values this way.
 * config/format-double checks the engine's formatter on its own. */
static char *
shortest (double v)
{
  return pfm_config_format_double (v);
}

static char *
full_name (const PfmKeyInfo *k)
{
  return g_strdup_printf ("%s.%s", k->group, k->key);
}

/* Characters that continue a number written in text. */
static gboolean
is_number_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '+' || c == '-';
}

/* TRUE when @token occurs in @text as a whole number (not as part of a
 * longer one: "10" inside "100", "1" inside "-1" or "1e+06"). */
static gboolean
has_token (const char *text, const char *token)
{
  gsize tl = strlen (token);
  for (const char *p = strstr (text, token); p != NULL; p = strstr (p + 1, token))
    {
      gboolean before_ok = (p == text) || !is_number_char (p[-1]);
      gboolean after_ok = !(g_ascii_isalnum (p[tl]) || p[tl] == '.');
      if (before_ok && after_ok)
        return TRUE;
    }
  return FALSE;
}

/* Asserts that @msg names @k, quotes @value outside the range text, and
 * states the accepted range "lo, hi". */
static void
assert_range_message (const PfmKeyInfo *k, const char *msg, const char *value)
{
  g_autofree char *name = full_name (k);
  g_autofree char *lo = shortest (k->min);
  g_autofree char *hi = shortest (k->max);
  g_autofree char *range = g_strdup_printf ("%s, %s", lo, hi);

  if (strstr (msg, name) == NULL)
    g_error ("message for %s does not name the key: %s", name, msg);
  const char *r = strstr (msg, range);
  if (r == NULL)
    g_error ("message for %s = %s does not state the range \"%s\": %s", name, value, range, msg);
  /* Blank out the range so a value that happens to equal a bound cannot
   * be "found" there. */
  g_autofree char *rest = g_strdup (msg);
  memset (rest + (r - msg), ' ', strlen (range));
  if (!has_token (rest, value))
    g_error ("message for %s does not quote the value %s: %s", name, value, msg);
}

/* ---- the table ------------------------------------------------------- */

static void
test_table (void)
{
  guint n = 0;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  g_assert_cmpuint (n, >, 40);

  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = full_name (&keys[i]);
      /* group.key is unique and finds its own row. */
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, g_strdup (name));
      g_assert_true (pfm_config_lookup_key (name) == &keys[i]);
      g_assert_nonnull (keys[i].default_value);
      g_assert_nonnull (keys[i].description);
      g_assert_cmpstr (keys[i].description, !=, "");
      if (keys[i].type == PFM_KEY_DOUBLE || keys[i].type == PFM_KEY_INT ||
          keys[i].type == PFM_KEY_DOUBLE_LIST)
        g_assert_cmpfloat (keys[i].min, <, keys[i].max);
      if (keys[i].type == PFM_KEY_ENUM)
        g_assert_true (keys[i].choices != NULL && keys[i].choices[0] != NULL);
    }
  g_assert_null (pfm_config_lookup_key ("optics"));
  g_assert_null (pfm_config_lookup_key ("optics."));
  g_assert_null (pfm_config_lookup_key ("optics.wavelengthx"));
  g_assert_null (pfm_config_lookup_key ("optic.wavelength"));
  g_assert_null (pfm_config_lookup_key (".wavelength"));
}

/* The key table's PFM_AFFECTS_SCALING is honest: a key without it leaves
 * the scaling model's inputs untouched (so the Scaling view may skip it),
 * and the table's special rows hold. */
static void
test_affects (void)
{
  guint n = 0;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  g_autoptr(PfmConfig) base = pfm_config_new ();
  PfmScalingInputs in0;
  pfm_scaling_inputs_from_config (&in0, base);
  guint changed = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = full_name (&keys[i]);
      const PfmAffects a = pfm_config_key_affects (name);
      g_assert_cmpint (a, !=, 0);
      g_assert_cmpint (a & ~PFM_AFFECTS_ALL, ==, 0);
      if (keys[i].type != PFM_KEY_DOUBLE)
        continue;
      /* A value inside the range other than the default. */
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      const double lo = keys[i].min, hi = keys[i].max;
      const double v = lo > 0 ? sqrt (lo * hi) * 1.37 : lo + (hi - lo) * 0.37;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (!pfm_config_set (cfg, name, g_ascii_dtostr (buf, sizeof buf, MIN (v, hi)), NULL))
        continue;
      PfmScalingInputs in;
      pfm_scaling_inputs_from_config (&in, cfg);
      if (memcmp (&in, &in0, sizeof in) != 0)
        {
          g_assert_true (a & PFM_AFFECTS_SCALING);
          changed++;
        }
    }
  /* At least the wavelength, n0, n2 and the [scaling] doubles moved it. */
  g_assert_cmpuint (changed, >=, 10);
  g_assert_cmpint (pfm_config_key_affects (NULL), ==, PFM_AFFECTS_ALL);
  g_assert_cmpint (pfm_config_key_affects ("no.such"), ==, PFM_AFFECTS_ALL);
  g_assert_cmpint (pfm_config_key_affects ("render.transfer"), ==, PFM_AFFECTS_RENDER);
  g_assert_cmpint (pfm_config_key_affects ("scaling.pulse"), ==, PFM_AFFECTS_SCALING);
  g_assert_true (pfm_config_key_affects ("optics.n2") & PFM_AFFECTS_RUN);
  g_assert_true (pfm_config_key_affects ("detector.regions") & PFM_AFFECTS_DATASET);
  g_assert_false (pfm_config_key_affects ("train.epochs") & PFM_AFFECTS_DATASET);
}

/* The shortest decimal that reads back exactly: known strings (C's %g
 * forms), then a round trip over awkward doubles with no digit to spare. */
static void
test_format_double (void)
{
  static const struct { double v; const char *text; } known[] = {
    { 0.1, "0.1" }, { 1.55e-6, "1.55e-06" }, { 1e-20, "1e-20" }, { 1550, "1550" }, { -0.0134, "-0.0134" },
    { 1.0 / 3.0, "0.3333333333333333" }, { 3.141592653589793, "3.141592653589793" }, { 0.1 + 0.2, "0.30000000000000004" }, { 0, "0" },
    { 1e15, "1e+15" }, { 123456, "123456" }, { 1234567, "1234567" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_autofree char *t = pfm_config_format_double (known[i].v);
      g_assert_cmpstr (t, ==, known[i].text);
    }
  g_autofree char *nan_text = pfm_config_format_double (NAN), *inf_text = pfm_config_format_double (-INFINITY);
  g_assert_cmpstr (nan_text, ==, "nan");
  g_assert_cmpstr (inf_text, ==, "-inf");
  /* Each value reads back bit for bit, and one digit fewer would not. */
  const double awkward[] = { 0.1 + 0.2, 2.0 / 3.0, 1e-300 * 1.5, 5e-324, 1.7976931348623157e308, 8.0000000000000007 };
  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    {
      g_autofree char *t = pfm_config_format_double (awkward[i]);
      g_assert_true (g_ascii_strtod (t, NULL) == awkward[i]);
      int digits = 0;   /* significant: after the leading zeros */
      gboolean lead = TRUE;
      for (const char *c = t; *c && *c != 'e'; c++)
        if (g_ascii_isdigit (*c) && !(lead && *c == '0'))
          {
            lead = FALSE;
            digits++;
          }
      if (digits > 6)
        {
          char fewer[G_ASCII_DTOSTR_BUF_SIZE], fmt[8];
          g_snprintf (fmt, sizeof fmt, "%%.%dg", digits - 1);
          g_ascii_formatd (fewer, sizeof fewer, fmt, awkward[i]);
          g_assert_false (g_ascii_strtod (fewer, NULL) == awkward[i]);
        }
    }
}

static void
test_defaults (void)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (pfm_config_validate (cfg, &error));
  g_assert_no_error (error);

  /* Each default as written in the table is accepted and is what a new
   * config holds. */
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  g_autoptr(GPtrArray) before = config_snapshot (cfg);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = full_name (&keys[i]);
      g_assert_true (pfm_config_set (cfg, name, keys[i].default_value, &error));
      g_assert_no_error (error);
    }
  g_autoptr(GPtrArray) after = config_snapshot (cfg);
  assert_same_config (before, after);

  /* The documented defaults (docs/cli.md) and the derived "auto" values. */
  g_assert_cmpfloat (cfg->optics.wavelength, ==, 1.55e-6);
  g_assert_cmpfloat (cfg->optics.n0, ==, 1.5);
  g_assert_cmpfloat (cfg->tube.side, ==, 32e-6);
  g_assert_cmpfloat (cfg->tube.length, ==, 500e-6);
  g_assert_cmpint (cfg->grid.n, ==, 256);
  g_assert_cmpint (cfg->grid.record_every, ==, 4);
  g_assert_cmpuint (cfg->scaling.n_params, ==, 3);
  /* Exact: both sides are the same double expression. */
  g_assert_cmpfloat (pfm_config_window (cfg), ==, 2.0 * cfg->tube.side);
  g_assert_cmpfloat (pfm_config_voxel (cfg), ==, cfg->optics.wavelength / cfg->optics.n0);
  g_assert_cmpuint (pfm_config_n_steps (cfg), ==, 1000);
}

/* ---- ranges, data driven --------------------------------------------- */

static gboolean
is_ranged (const PfmKeyInfo *k)
{
  return k->type == PFM_KEY_DOUBLE || k->type == PFM_KEY_INT || k->type == PFM_KEY_DOUBLE_LIST;
}

/* A value strictly outside [min, max] on the side asked for, as text. */
static char *
outside_value (const PfmKeyInfo *k, gboolean below)
{
  if (k->type == PFM_KEY_INT)
    return g_strdup_printf ("%.0f", below ? k->min - 1 : k->max + 1);
  double b = below ? k->min : k->max;
  double v;
  if (below)
    v = b > 0 ? b / 2 : (b < 0 ? b * 2 : -1.0);
  else
    v = b > 0 ? b * 2 : (b < 0 ? b / 2 : 1.0);
  return shortest (v);
}

static void
check_out_of_range (gboolean below)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  guint checked = 0;

  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      if (!is_ranged (k))
        continue;
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *name = full_name (k);
      g_autofree char *value = outside_value (k, below);
      g_autoptr(GPtrArray) before = config_snapshot (cfg);

      g_test_message ("%s = %s", name, value);
      g_assert_false (pfm_config_set (cfg, name, value, &error));
      g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
      assert_range_message (k, error->message, value);
      /* A rejected value is not stored. */
      g_autoptr(GPtrArray) after = config_snapshot (cfg);
      assert_same_config (before, after);
      checked++;
    }
  g_assert_cmpuint (checked, >, 40);
}

static void
test_range_below (void)
{
  check_out_of_range (TRUE);
}

static void
test_range_above (void)
{
  check_out_of_range (FALSE);
}

/* The bounds themselves: min is rejected exactly when the table says it is
 * exclusive; max is always accepted. */
static void
test_range_bounds (void)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);

  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      if (!is_ranged (k))
        continue;
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      g_autofree char *name = full_name (k);
      g_autofree char *lo = k->type == PFM_KEY_INT ? g_strdup_printf ("%.0f", k->min) : shortest (k->min);
      g_autofree char *hi = k->type == PFM_KEY_INT ? g_strdup_printf ("%.0f", k->max) : shortest (k->max);
      g_autoptr(GError) e1 = NULL;
      g_autoptr(GError) e2 = NULL;

      g_test_message ("%s bounds %s .. %s", name, lo, hi);
      gboolean ok_lo = pfm_config_set (cfg, name, lo, &e1);
      if (k->min_exclusive)
        {
          g_assert_false (ok_lo);
          g_assert_error (e1, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
          /* The range is written half-open, "(min, max]". */
          g_autofree char *open = g_strdup_printf ("(%s, %s]", lo, hi);
          g_assert_nonnull (strstr (e1->message, open));
        }
      else
        {
          g_assert_no_error (e1);
          g_assert_true (ok_lo);
        }
      g_assert_true (pfm_config_set (cfg, name, hi, &e2));
      g_assert_no_error (e2);
      /* The bound is stored exactly. */
      g_autofree char *got = pfm_config_get_string (cfg, k);
      g_assert_cmpstr (got, ==, hi);
    }
}

/* Seeds are unsigned 64-bit: the whole range is accepted and anything past
 * either end is refused with a message naming the key and the range. */
static void
test_range_uint64 (void)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  const char *bad[] = { "-1", "18446744073709551616", "99999999999999999999999" };
  guint checked = 0;

  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      if (k->type != PFM_KEY_UINT64)
        continue;
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      g_autofree char *name = full_name (k);
      g_autoptr(GError) error = NULL;

      g_assert_true (pfm_config_set (cfg, name, "0", &error));
      g_assert_true (pfm_config_set (cfg, name, "18446744073709551615", &error));
      g_assert_no_error (error);
      g_autofree char *got = pfm_config_get_string (cfg, k);
      g_assert_cmpstr (got, ==, "18446744073709551615");

      for (guint j = 0; j < G_N_ELEMENTS (bad); j++)
        {
          g_autoptr(GError) e = NULL;
          g_assert_false (pfm_config_set (cfg, name, bad[j], &e));
          /* Either code reads as a bad value (exit status 2); text parsing
           * cannot tell "past 2^64" from "not an unsigned integer". */
          g_assert_true (g_error_matches (e, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE) ||
                         g_error_matches (e, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE));
          g_assert_nonnull (strstr (e->message, name));
          g_assert_nonnull (strstr (e->message, bad[j]));
          g_assert_nonnull (strstr (e->message, "18446744073709551615"));
        }
      g_autofree char *still = pfm_config_get_string (cfg, k);
      g_assert_cmpstr (still, ==, "18446744073709551615");
      checked++;
    }
  g_assert_cmpuint (checked, >=, 2);
}

/* ---- types ----------------------------------------------------------- */

static void
assert_bad_type (PfmConfig *cfg, const PfmKeyInfo *k, const char *value)
{
  g_autofree char *name = full_name (k);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = config_snapshot (cfg);

  if (pfm_config_set (cfg, name, value, &error))
    g_error ("%s = \"%s\" was accepted", name, value);
  if (!g_error_matches (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE))
    g_error ("%s = \"%s\": expected BAD_TYPE, got %s", name, value, error->message);
  g_assert_nonnull (strstr (error->message, name));
  g_autoptr(GPtrArray) after = config_snapshot (cfg);
  assert_same_config (before, after);
}

static void
test_bad_type (void)
{
  const char *not_numbers[] = {
    "abc", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999",
    "", "   ", "1.5x", "1,5", "1 2", "--1", "e5",
  };
  const char *not_integers[] = { "1.5", "abc", "", "nan", "1e3", "16x", "0x10" };
  const char *not_lists[] = { "", "1e12,nan", "1e12,,1e15", "1e12,inf", "abc", "1e12;1e15", "1e999" };
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  guint checked = 0;

  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      switch (k->type)
        {
        case PFM_KEY_DOUBLE:
          for (guint j = 0; j < G_N_ELEMENTS (not_numbers); j++)
            assert_bad_type (cfg, k, not_numbers[j]);
          if (!k->allow_auto)
            assert_bad_type (cfg, k, "auto");
          checked++;
          break;
        case PFM_KEY_INT:
          for (guint j = 0; j < G_N_ELEMENTS (not_integers); j++)
            assert_bad_type (cfg, k, not_integers[j]);
          assert_bad_type (cfg, k, "auto");
          checked++;
          break;
        case PFM_KEY_UINT64:
          assert_bad_type (cfg, k, "abc");
          assert_bad_type (cfg, k, "1.5");
          assert_bad_type (cfg, k, "");
          assert_bad_type (cfg, k, "auto");
          checked++;
          break;
        case PFM_KEY_DOUBLE_LIST:
          for (guint j = 0; j < G_N_ELEMENTS (not_lists); j++)
            assert_bad_type (cfg, k, not_lists[j]);
          checked++;
          break;
        default:
          break;
        }
    }
  g_assert_cmpuint (checked, >, 40);

  /* Whitespace around a number is not an error (hand-edited files). */
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set (cfg, "optics.n0", " 1.25 ", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cfg->optics.n0, ==, 1.25);
  g_assert_true (pfm_config_set (cfg, "scaling.params", "1e10, 2e10", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfg->scaling.n_params, ==, 2);
  g_assert_cmpfloat (cfg->scaling.params[1], ==, 2e10);
}

static void
test_enums (void)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  guint checked = 0;

  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      if (k->type != PFM_KEY_ENUM)
        continue;
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      g_autofree char *name = full_name (k);
      g_autofree char *list = g_strjoinv ("|", (char **) k->choices);

      /* Every name is accepted and read back as itself. */
      for (guint c = 0; k->choices[c] != NULL; c++)
        {
          g_autoptr(GError) error = NULL;
          g_assert_true (pfm_config_set (cfg, name, k->choices[c], &error));
          g_assert_no_error (error);
          g_autofree char *got = pfm_config_get_string (cfg, k);
          g_assert_cmpstr (got, ==, k->choices[c]);
          g_assert_cmpint (G_STRUCT_MEMBER (int, cfg, k->offset), ==, (int) c);
        }
      const char *bad[] = { "unknown", "", "0", "1", "auto", "gaussian-ish" };
      for (guint j = 0; j < G_N_ELEMENTS (bad); j++)
        {
          g_autoptr(GError) error = NULL;
          assert_bad_type (cfg, k, bad[j]);
          /* The message lists the accepted names. */
          pfm_config_set (cfg, name, bad[j], &error);
          g_assert_nonnull (strstr (error->message, list));
        }
      checked++;
    }
  /* profile, medium, beam, encoding, train.init, train.noise_aware */
  g_assert_cmpuint (checked, ==, 6);
}

/* "auto" is a value only for medium.voxel and grid.window. */
static void
test_auto (void)
{
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);

  for (guint i = 0; i < n; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      g_autofree char *name = full_name (k);
      gboolean expect = g_str_equal (name, "medium.voxel") || g_str_equal (name, "grid.window");
      g_assert_cmpint (k->allow_auto, ==, expect);
      if (k->type == PFM_KEY_STRING)
        continue;   /* a file name or input list may be any text */
      g_autoptr(PfmConfig) cfg = pfm_config_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok = pfm_config_set (cfg, name, "auto", &error);
      if (ok != expect)
        g_error ("%s = auto was %s", name, ok ? "accepted" : "refused");
    }

  g_autoptr(PfmConfig) cfg = config_from ((const char *const[]) {
    "grid.window=1e-4", "medium.voxel=2e-6", NULL });
  g_assert_cmpfloat (pfm_config_window (cfg), ==, 1e-4);
  g_assert_cmpfloat (pfm_config_voxel (cfg), ==, 2e-6);
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set (cfg, "grid.window", " auto ", &error));
  g_assert_true (pfm_config_set (cfg, "medium.voxel", "auto", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (pfm_config_window (cfg), ==, 2.0 * cfg->tube.side);
  g_assert_cmpfloat (pfm_config_voxel (cfg), ==, cfg->optics.wavelength / cfg->optics.n0);
  g_autofree char *w = pfm_config_get_string (cfg, pfm_config_lookup_key ("grid.window"));
  g_assert_cmpstr (w, ==, "auto");
  /* "auto" is a word, not a zero: an explicit 0 is out of range. */
  g_assert_false (pfm_config_set (cfg, "grid.window", "0", &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
}

static void
test_unknown_key (void)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  const char *names[] = { "optics.colour", "lasers.power", "wavelength", "", ".", "optics.",
                          ".wavelength", "Optics.wavelength", "optics.wavelength.x" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_set (cfg, names[i], "1", &error));
      g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_UNKNOWN_KEY);
      g_assert_nonnull (strstr (error->message, names[i]));
    }

  /* In a project file: an unknown key in a known group, a key in an
   * unknown group. */
  const char *files[] = {
    "[optics]\nwavelength=1e-6\ncolour=red\n",
    "[lasers]\npower=1\n",
    "[optics]\nn0=1.4\n[Tube]\nside=3e-5\n",
  };
  const char *named[] = { "optics.colour", "lasers.power", "Tube.side" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_load_data (cfg, files[i], strlen (files[i]), &error));
      g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_UNKNOWN_KEY);
      g_assert_nonnull (strstr (error->message, named[i]));
    }
}

/* ---- cross-key rules -------------------------------------------------- */

typedef struct
{
  const char *what;
  const char *set[6];
  const char *named;     /* the message must mention this */
} Inconsistent;

/* Defaults: side 32 um, window auto = 64 um, n = 256 (dx = 0.25 um),
 * absorber 0.1, so the non-absorbing half-width is 25.6 um. */
static const Inconsistent inconsistent_cases[] = {
  { "na equal to n0", { "tube.na=1.5", NULL }, "tube.na" },
  { "na above n0", { "optics.n0=1.2", "tube.na=1.3", NULL }, "tube.na" },
  { "window equal to side", { "grid.window=3.2e-05", NULL }, "grid.window" },
  { "window smaller than side", { "grid.window=2e-05", NULL }, "grid.window" },
  { "absorber eats the tube", { "grid.absorber=0.4", "beam.waist=2e-6", NULL }, "grid.absorber" },
  { "dz longer than the tube", { "tube.length=1e-6", "grid.dz=2e-6", NULL }, "grid.dz" },
  { "too many steps", { "tube.length=1", "grid.dz=1e-9", NULL }, "grid.dz" },
  { "offset_x outside the window", { "beam.offset_x=2.6e-5", NULL }, "offset" },
  { "offset_y outside the window", { "beam.offset_y=-3e-5", NULL }, "offset" },
  { "waist wider than the window", { "beam.waist=3e-5", NULL }, "beam.waist" },
  { "waist under two grid spacings", { "beam.waist=4e-7", NULL }, "beam.waist" },
  { "waist under two grid spacings (coarse grid)", { "grid.n=16", "beam.waist=7e-6", NULL }, "beam.waist" },
  /* n = 64: dx = 1 um, the tilt limit |sin| <= 0.5 (pi/dx) / k = 0.258. */
  { "tilt_x too steep", { "grid.n=64", "beam.tilt_x=0.3", NULL }, "tilt" },
  { "tilt_y too steep", { "grid.n=64", "beam.tilt_y=-0.3", NULL }, "tilt" },
  { "kind=file without a file", { "medium.kind=file", NULL }, "medium.file" },
  { "kind=file with an empty file", { "medium.kind=file", "medium.file=", NULL }, "medium.file" },
  { "slm input too short", { "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0.1,0.2,0.3", NULL }, "beam.input" },
  { "slm input too long", { "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0,0,0,0,0", NULL }, "beam.input" },
  { "slm input above 1", { "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0.1,0.2,0.3,1.5", NULL }, "beam.input" },
  { "slm input below 0", { "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0.1,-0.2,0.3,1", NULL }, "beam.input" },
  { "slm input nan", { "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0.1,nan,0.3,1", NULL }, "beam.input" },
  { "slm input empty", { "beam.kind=slm", "beam.slm_pixels=2", "beam.input=", NULL }, "beam.input" },
  { "slm input text", { "beam.kind=slm", "beam.slm_pixels=2", "beam.input=a,b", NULL }, "beam.input" },
  { "slm random without a seed", { "beam.kind=slm", "beam.input=random:", NULL }, "beam.input" },
  { "slm random with a bad seed", { "beam.kind=slm", "beam.input=random:-3", NULL }, "beam.input" },
};

static void
test_inconsistent (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (inconsistent_cases); i++)
    {
      const Inconsistent *c = &inconsistent_cases[i];
      g_autoptr(PfmConfig) cfg = config_from (c->set);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", c->what);
      if (pfm_config_validate (cfg, &error))
        g_error ("%s: accepted", c->what);
      if (!g_error_matches (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT))
        g_error ("%s: expected INCONSISTENT, got %s", c->what, error->message);
      if (strstr (error->message, c->named) == NULL)
        g_error ("%s: message does not mention %s: %s", c->what, c->named, error->message);
    }
}

/* The near misses of the rules above are accepted, so each rule tests its
 * own condition rather than refusing a whole neighbourhood. */
static void
test_consistent (void)
{
  const char *const cases[][6] = {
    { "tube.profile=grin", "tube.na=1.6", NULL },           /* NA only matters for step */
    { "tube.profile=none", "tube.na=2", NULL },
    { "tube.na=1.49", NULL },
    { "grid.window=3.3e-05", "grid.absorber=0", "beam.waist=1e-5", NULL },
    { "tube.length=1e-6", "grid.dz=1e-6", NULL },           /* dz == length: one step */
    { "beam.offset_x=2.5e-5", "beam.offset_y=-2.5e-5", NULL },
    { "beam.waist=5e-7", NULL },                             /* waist == 2 dx */
    { "grid.n=64", "beam.tilt_x=0.25", "beam.tilt_y=-0.25", NULL },
    { "medium.kind=file", "medium.file=/nonexistent/is-checked-on-load.map", NULL },
    { "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0,0.5,1,0.25", NULL },
    { "beam.kind=slm", "beam.slm_pixels=4", "beam.input= 0 , 1 ,0.5,1e-3", NULL },
    { "beam.kind=slm", "beam.input=random:7", NULL },
    { "beam.kind=slm", "beam.waist=1e-9", NULL },           /* the waist is the Gaussian's */
    { "beam.kind=gaussian", "beam.input=garbage", NULL },   /* the input vector is the SLM's */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PfmConfig) cfg = config_from (cases[i]);
      g_autoptr(GError) error = NULL;
      if (!pfm_config_validate (cfg, &error))
        g_error ("case %u (%s ...): %s", i, cases[i][0], error->message);
    }

  /* beam.input values are parsed exactly. */
  g_autoptr(PfmConfig) cfg = config_from ((const char *const[]) {
    "beam.kind=slm", "beam.slm_pixels=4", "beam.input=0,0.5,1,0.25", NULL });
  double v[4];
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_parse_input_vector (cfg, v, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (v[0], ==, 0.0);
  g_assert_cmpfloat (v[1], ==, 0.5);
  g_assert_cmpfloat (v[2], ==, 1.0);
  g_assert_cmpfloat (v[3], ==, 0.25);

  /* random:SEED: values in [0, 1], the same for the same seed. */
  g_autoptr(PfmConfig) r = config_from ((const char *const[]) {
    "beam.kind=slm", "beam.slm_pixels=64", "beam.input=random:7", NULL });
  double a[64], b[64];
  g_assert_true (pfm_config_parse_input_vector (r, a, &error));
  g_assert_true (pfm_config_parse_input_vector (r, b, &error));
  g_assert_no_error (error);
  double spread = 0.0;
  for (int i = 0; i < 64; i++)
    {
      g_assert_cmpfloat (a[i], >=, 0.0);
      g_assert_cmpfloat (a[i], <=, 1.0);
      g_assert_cmpfloat (a[i], ==, b[i]);
      spread = MAX (spread, fabs (a[i] - a[0]));
    }
  g_assert_cmpfloat (spread, >, 0.0);
}

/* Values set from C bypass pfm_config_set: validate checks them too. */
static void
test_validate_direct (void)
{
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->optics.wavelength = -1.0;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
    g_assert_nonnull (strstr (error->message, "optics.wavelength"));
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->optics.n0 = NAN;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE);
    g_assert_nonnull (strstr (error->message, "optics.n0"));
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->grid.window = INFINITY;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE);
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->grid.n = 8;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
    g_assert_nonnull (strstr (error->message, "grid.n"));
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->tube.side = 0.0;   /* exclusive minimum */
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->tube.profile = 7;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE);
    g_assert_nonnull (strstr (error->message, "tube.profile"));
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->scaling.n_params = 0;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE);
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->scaling.params[1] = NAN;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE);
    g_assert_nonnull (strstr (error->message, "scaling.params"));
  }
  {
    g_autoptr(PfmConfig) cfg = pfm_config_new ();
    g_autoptr(GError) error = NULL;
    cfg->scaling.params[2] = 1e31;
    g_assert_false (pfm_config_validate (cfg, &error));
    g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
  }
}

static void
test_set_assignment (void)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();

  const char *no_eq[] = { "nonsense", "optics.wavelength", "optics.wavelength 1e-6", "" };
  for (guint i = 0; i < G_N_ELEMENTS (no_eq); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (pfm_config_set_assignment (cfg, no_eq[i], &error));
      g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, no_eq[i]));
      g_assert_nonnull (strstr (error->message, "="));
    }

  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set_assignment (cfg, "optics.wavelength=1e-6", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cfg->optics.wavelength, ==, 1e-6);
  g_assert_true (pfm_config_set_assignment (cfg, " optics.n0 = 1.25 ", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cfg->optics.n0, ==, 1.25);
  /* Only the first '=' splits. */
  g_assert_true (pfm_config_set_assignment (cfg, "medium.file=a=b.map", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cfg->medium.file, ==, "a=b.map");

  g_assert_false (pfm_config_set_assignment (cfg, "=1", &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);
  g_assert_false (pfm_config_set_assignment (cfg, "optics.wavelength=", &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE);
  g_clear_error (&error);
  g_assert_false (pfm_config_set_assignment (cfg, "optics.wavelength=-1", &error));
  g_assert_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE);
  g_assert_cmpfloat (cfg->optics.wavelength, ==, 1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/config/table", test_table);
  g_test_add_func ("/config/affects", test_affects);
  g_test_add_func ("/config/format-double", test_format_double);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/range/below-min", test_range_below);
  g_test_add_func ("/config/range/above-max", test_range_above);
  g_test_add_func ("/config/range/bounds", test_range_bounds);
  g_test_add_func ("/config/range/uint64", test_range_uint64);
  g_test_add_func ("/config/bad-type", test_bad_type);
  g_test_add_func ("/config/enums", test_enums);
  g_test_add_func ("/config/auto", test_auto);
  g_test_add_func ("/config/unknown-key", test_unknown_key);
  g_test_add_func ("/config/inconsistent", test_inconsistent);
  g_test_add_func ("/config/consistent", test_consistent);
  g_test_add_func ("/config/validate-direct", test_validate_direct);
  g_test_add_func ("/config/set-assignment", test_set_assignment);

  return g_test_run ();
}
