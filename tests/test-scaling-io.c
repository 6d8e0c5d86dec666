/* test-scaling-io.c - the scaling model's output: JSON, CSV and formatted
 * values
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model is docs/physics.md section 2, checked in test-scaling.c; here
 * its writers: pfm_scaling_to_json() and pfm_scaling_to_csv() (every field
 * by name, every number exact on a round trip) and
 * pfm_scaling_format_value().
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-config.h"
#include "pfm-scaling.h"
#include "pfm-test-util.h"

/* ------------------------------------------------------------------ */
/* A minimal JSON reader: an array of flat objects whose values are
 * numbers, strings, true, false or null - what pfm_scaling_to_json()
 * promises.  Strict: anything else fails the test. */

typedef enum { J_NUMBER, J_STRING, J_TRUE, J_FALSE, J_NULL } JType;

typedef struct
{
  JType type;
  double number;
  char *string;
} JValue;

static void
jvalue_free (gpointer data)
{
  JValue *v = data;
  g_free (v->string);
  g_free (v);
}

static void
skip_ws (const char **p)
{
  while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
    (*p)++;
}

static char *
parse_string (const char **p)
{
  g_assert_cmpint (**p, ==, '"');
  (*p)++;
  GString *s = g_string_new (NULL);
  while (**p != '"')
    {
      g_assert_cmpint (**p, !=, '\0');
      g_assert_cmpint ((unsigned char) **p, >=, 0x20);
      if (**p == '\\')
        {
          (*p)++;
          g_assert_true (**p == '"' || **p == '\\');
        }
      g_string_append_c (s, **p);
      (*p)++;
    }
  (*p)++;
  return g_string_free (s, FALSE);
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static double
parse_number (const char **p)
{
  const char *start = *p, *q = *p;
  if (*q == '-')
    q++;
  g_assert_true (g_ascii_isdigit (*q));
  if (*q == '0')
    q++;
  else
    while (g_ascii_isdigit (*q))
      q++;
  if (*q == '.')
    {
      q++;
      g_assert_true (g_ascii_isdigit (*q));
      while (g_ascii_isdigit (*q))
        q++;
    }
  if (*q == 'e' || *q == 'E')
    {
      q++;
      if (*q == '+' || *q == '-')
        q++;
      g_assert_true (g_ascii_isdigit (*q));
      while (g_ascii_isdigit (*q))
        q++;
    }
  char *end = NULL;
  double v = g_ascii_strtod (start, &end);
  g_assert_true (end == q);
  *p = q;
  return v;
}

static GPtrArray *
parse_json_array (const char *text)
{
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  const char *p = text;

  skip_ws (&p);
  g_assert_cmpint (*p, ==, '[');
  p++;
  skip_ws (&p);
  while (*p != ']')
    {
      GHashTable *obj = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, jvalue_free);
      g_assert_cmpint (*p, ==, '{');
      p++;
      skip_ws (&p);
      while (*p != '}')
        {
          char *key = parse_string (&p);
          skip_ws (&p);
          g_assert_cmpint (*p, ==, ':');
          p++;
          skip_ws (&p);
          JValue *v = g_new0 (JValue, 1);
          if (*p == '"')
            {
              v->type = J_STRING;
              v->string = parse_string (&p);
            }
          else if (g_str_has_prefix (p, "true"))
            v->type = J_TRUE, p += 4;
          else if (g_str_has_prefix (p, "false"))
            v->type = J_FALSE, p += 5;
          else if (g_str_has_prefix (p, "null"))
            v->type = J_NULL, p += 4;
          else
            {
              v->type = J_NUMBER;
              v->number = parse_number (&p);
            }
          g_assert_false (g_hash_table_contains (obj, key));   /* no duplicate keys */
          g_hash_table_insert (obj, key, v);
          skip_ws (&p);
          if (*p == ',')
            {
              p++;
              skip_ws (&p);
              g_assert_cmpint (*p, ==, '"');
            }
          else
            g_assert_cmpint (*p, ==, '}');
        }
      p++;
      g_ptr_array_add (objects, obj);
      skip_ws (&p);
      if (*p == ',')
        {
          p++;
          skip_ws (&p);
          g_assert_cmpint (*p, ==, '{');
        }
      else
        g_assert_cmpint (*p, ==, ']');
    }
  p++;
  skip_ws (&p);
  g_assert_cmpint (*p, ==, '\0');
  return objects;
}

static const JValue *
jget (GHashTable *obj, const char *key)
{
  const JValue *v = g_hash_table_lookup (obj, key);
  if (v == NULL)
    g_error ("JSON object lacks \"%s\"", key);
  return v;
}

static void
test_json (void)
{
  /* Three points: the defaults at 1e12 (collapse within the tube), 1e18
   * (finite collapse beyond the tube) and a defocusing medium (no
   * collapse: null) at 3e13. */
  PfmScalingInputs in;
  pfm_scaling_inputs_init (&in);
  PfmScalingPoint pts[3] = { scaling_compute (&in, 1e12), scaling_compute (&in, 1e18) };
  in.n2 = -2e-20;
  pts[2] = scaling_compute (&in, 3e13);

  g_autofree char *json = pfm_scaling_to_json (pts, 3);
  g_autoptr(GPtrArray) objs = parse_json_array (json);
  g_assert_cmpuint (objs->len, ==, 3);

  /* The fields docs/cli.md promises, by name (not from the engine's table). */
  static const char *const required[] = {
    "params", "volume", "side", "length", "modes", "io_dim", "peak_power",
    "pulse_energy", "energy", "time", "p_cr", "collapse_distance",
    "self_focusing", "io_rate_bps", "digital_energy", "digital_time",
    "digital_gpus", "digital_volume", "digital_cube_side", "energy_ratio",
    "time_ratio",
  };
  for (guint i = 0; i < objs->len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (required); k++)
      jget (objs->pdata[i], required[k]);

  /* Every number round-trips exactly: the writer prints 17 significant
   * digits when 9 do not read back, and g_ascii_strtod is correctly
   * rounded, so the tolerance is zero. */
  guint n_fields;
  const PfmScalingField *fields = pfm_scaling_fields (&n_fields);
  for (guint i = 0; i < objs->len; i++)
    for (guint f = 0; f < n_fields; f++)
      {
        const JValue *v = jget (objs->pdata[i], fields[f].name);
        double want = G_STRUCT_MEMBER (double, &pts[i], fields[f].offset);
        if (isinf (want))
          g_assert_cmpint (v->type, ==, J_NULL);
        else
          {
            g_assert_cmpint (v->type, ==, J_NUMBER);
            g_assert_cmpfloat (v->number, ==, want);
          }
      }

  /* Spot checks against the hand calculation, booleans and strings. */
  GHashTable *o = objs->pdata[0];
  g_assert_cmpfloat (jget (o, "params")->number, ==, 1e12);
  assert_rel (jget (o, "energy")->number, 4.20416667e-5, 1e-6);
  g_assert_cmpint (jget (o, "self_focusing")->type, ==, J_TRUE);
  g_assert_cmpint (jget (o, "modes_ok")->type, ==, J_TRUE);
  g_assert_cmpstr (jget (o, "time_limit")->string, ==, "power");
  o = objs->pdata[1];
  g_assert_cmpint (jget (o, "self_focusing")->type, ==, J_FALSE);
  g_assert_cmpint (jget (o, "collapse_distance")->type, ==, J_NUMBER);
  o = objs->pdata[2];
  g_assert_cmpint (jget (o, "collapse_distance")->type, ==, J_NULL);
  g_assert_cmpint (jget (o, "p_cr")->type, ==, J_NULL);
  g_assert_cmpint (jget (o, "self_focusing")->type, ==, J_FALSE);
  g_assert_cmpint (jget (o, "defocusing")->type, ==, J_TRUE);

  /* No NaN or Infinity tokens anywhere (they are not JSON). */
  g_assert_null (strstr (json, "nan"));
  g_assert_null (strstr (json, "inf"));

  /* An empty list is an empty array. */
  g_autofree char *empty = pfm_scaling_to_json (NULL, 0);
  g_autoptr(GPtrArray) none = parse_json_array (empty);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_csv (void)
{
  PfmScalingInputs in;
  pfm_scaling_inputs_init (&in);
  in.n2 = -1e-20;
  PfmScalingPoint pts[2] = { scaling_compute (&in, 1e12), scaling_compute (&in, 1e15) };

  g_autofree char *csv = pfm_scaling_to_csv (pts, 2);
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 rows, "" after the last newline */
  g_assert_cmpstr (lines[3], ==, "");

  g_auto(GStrv) header = g_strsplit (lines[0], ",", -1);
  guint n_fields;
  const PfmScalingField *fields = pfm_scaling_fields (&n_fields);
  g_assert_cmpuint (g_strv_length (header), ==, n_fields + 4);
  for (guint r = 0; r < 2; r++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[r + 1], ",", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, n_fields + 4);
      for (guint f = 0; f < n_fields; f++)
        {
          double want = G_STRUCT_MEMBER (double, &pts[r], fields[f].offset);
          g_assert_cmpstr (header[f], ==, fields[f].name);
          if (isinf (want))
            g_assert_cmpstr (cells[f], ==, "");     /* no collapse: empty field */
          else
            g_assert_cmpfloat (g_ascii_strtod (cells[f], NULL), ==, want);   /* exact, as JSON */
        }
      g_assert_cmpstr (cells[n_fields + 2], ==, "1");       /* defocusing */
      g_assert_cmpstr (cells[n_fields + 3], ==, "power");
    }
}

static void
test_format (void)
{
  const struct { double v; const char *unit; const char *text; } cases[] = {
    { 4.20416667e-5, "J", "42 µJ" },
    { 4.20416667e-8, "s", "42 ns" },
    { 1.03333333e-3, "m", "1.03 mm" },
    { 0.173340319, "m", "17.3 cm" },
    { 103.333333, "m", "103 m" },
    { 2.66944444e-7, "m^2", "0.267 mm²" },
    { 266.666667, "m^2", "267 m²" },
    { 1.10337037e-6, "m^3", "1.1 cm³" },
    { 5.20833333e-3, "m^3", "5.21 L" },
    { 1.5e14, "W/m^2", "150 TW/m²" },
    { 4.00416667e7, "W", "40 MW" },
    { 999.96, "W", "1 kW" },                 /* rounding carries into the next prefix */
    { 8e6, "s", "92.6 days" },
    { 1e4, "", "1e+04" },
    { INFINITY, "m", "infinite" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = pfm_scaling_format_value (cases[i].v, cases[i].unit);
      g_assert_cmpstr (t, ==, cases[i].text);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scaling/json", test_json);
  g_test_add_func ("/scaling/csv", test_csv);
  g_test_add_func ("/scaling/format", test_format);

  return g_test_run ();
}
