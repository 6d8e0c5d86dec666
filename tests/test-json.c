/* test-json.c - pfm-json: what the result files' reader promises
 * (pfm-json.h) on top of json-glib, which alone reads more (pfm-json.c)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-json.h"

/* @text parsed, or NULL. */
static PfmJson *
parse (const char *text)
{
  return pfm_json_parse (text, strlen (text), NULL);
}

static void
assert_malformed (const char *text)
{
  gsize where = G_MAXSIZE;
  g_autoptr(PfmJson) n = pfm_json_parse (text, strlen (text), &where);
  if (n != NULL)
    g_error ("accepted: %s", text);
  g_assert_cmpuint (where, <=, strlen (text));
}

static void
test_tree (void)
{
  g_autoptr(PfmJson) n = parse (" {\"b\": [1, \"x\\n\\u00e9\\ud83d\\ude00\", true, false, null], \"a\": {}} ");
  g_assert_nonnull (n);
  g_assert_cmpint (n->type, ==, PFM_JSON_OBJECT);
  g_assert_cmpuint (n->names->len, ==, 2);
  g_assert_cmpstr (n->names->pdata[0], ==, "b");   /* the order written */
  g_assert_cmpstr (n->names->pdata[1], ==, "a");
  const PfmJson *b = pfm_json_member (n, "b");
  g_assert_cmpuint (b->items->len, ==, 5);
  const PfmJson *const *v = (const PfmJson *const *) b->items->pdata;
  g_assert_cmpint (v[0]->type, ==, PFM_JSON_NUMBER);
  g_assert_cmpstr (v[0]->text, ==, "1");
  g_assert_cmpstr (v[1]->text, ==, "x\n\xc3\xa9\xf0\x9f\x98\x80");
  g_assert_true (v[2]->type == PFM_JSON_BOOL && v[2]->boolean);
  g_assert_true (v[3]->type == PFM_JSON_BOOL && !v[3]->boolean);
  g_assert_cmpint (v[4]->type, ==, PFM_JSON_NULL);
  g_assert_cmpint (pfm_json_member (n, "a")->type, ==, PFM_JSON_OBJECT);
  g_assert_null (pfm_json_member (n, "c"));
  g_autoptr(PfmJson) scalar = parse ("\"s\"");
  g_assert_cmpstr (scalar->text, ==, "s");
}

static void
test_numbers (void)
{
  /* Unsigned: the literal, without sign, fraction or exponent; the whole
   * guint64 range (json-glib's gint64 reads 2^64-1 as -1). */
  g_autoptr(PfmJson) n = parse ("{\"max\": 18446744073709551615, \"big\": 9223372036854775808, \"neg\": -1, "
                                "\"minus0\": -0, \"frac\": 1.0, \"exp\": 1e3, \"over\": 18446744073709551616, "
                                "\"zero\": 0, \"lead\": 010, \"null\": null}");
  g_assert_nonnull (n);
  guint64 u = 0;
  g_assert_true (pfm_json_get_uint (n, "max", G_MAXUINT64, &u));
  g_assert_cmpuint (u, ==, G_MAXUINT64);
  g_assert_true (pfm_json_get_uint (n, "big", G_MAXUINT64, &u));
  g_assert_cmpuint (u, ==, G_GUINT64_CONSTANT (9223372036854775808));
  g_assert_false (pfm_json_get_uint (n, "max", G_MAXUINT64 - 1, &u));
  const char *refused[] = { "neg", "minus0", "frac", "exp", "over", "null", "none" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_false (pfm_json_get_uint (n, refused[i], G_MAXUINT64, &u));
  g_assert_true (pfm_json_get_uint (n, "zero", 0, &u));
  g_assert_cmpuint (u, ==, 0);
  /* Decimal, as g_ascii_strtod reads it (json-glib alone: octal 8). */
  g_assert_true (pfm_json_get_uint (n, "lead", 100, &u));
  g_assert_cmpuint (u, ==, 10);
  double d = 0;
  g_assert_true (pfm_json_get_number (n, "null", 7.5, &d));
  g_assert_cmpfloat (d, ==, 7.5);
  g_assert_true (pfm_json_get_number (n, "minus0", 7.5, &d));
  g_assert_true (d == 0 && signbit (d));

  /* 17 significant digits read back the same double, subnormals too. */
  const double values[] = { 0.1, 1.0 / 3, 2.2250738585072014e-308, 4.9406564584124654e-324, 1.7976931348623157e308,
                            -123456789.12345679, 6.02214076e23 };
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"v\": %.17g}", values[i]);
      g_autoptr(PfmJson) one = parse (text);
      g_assert_true (pfm_json_get_number (one, "v", NAN, &d));
      g_assert_true (memcmp (&d, &values[i], sizeof d) == 0);
    }

  /* Finite, at most 64 characters, nothing g_ascii_strtod leaves over. */
  const char *bad[] = { "[1e999]", "[-1e999]", "[NaN]", "[nan]", "[Infinity]", "[-Infinity]", "[0x10]", "[$10]",
                        "[- 5]", "[--5]", "[1e]", "[1.5.5]", "[1e5.5]", "[-]", "[1x]",
                        "[12345678901234567890123456789012345678901234567890123456789012345]" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_malformed (bad[i]);
  g_autoptr(PfmJson) long64 = parse ("[1234567890123456789012345678901234567890123456789012345678901234]");
  g_assert_nonnull (long64);
}

static void
test_malformed (void)
{
  /* A name given twice (json-glib keeps the last), at any depth. */
  assert_malformed ("{\"a\": 1, \"a\": 2}");
  assert_malformed ("{\"a\": 1, \"b\": {\"c\": 2, \"c\": 2}}");
  g_autoptr(PfmJson) same_elsewhere = parse ("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 2}, {\"a\": 3}]}");
  g_assert_nonnull (same_elsewhere);

  /* What json-glib 1.6 takes and JSON does not. */
  const char *bad[] = { "", "  ", "/* c */ {}", "// c\n{}", "var a = {};", "{} {}", "[1] 2", "\xef\xbb\xbf{}",
                        "['a']", "{a: 1}", "[\"a\nb\"]", "[\"a\tb\"]", "[\"\\x\"]", "[\"\\'\"]", "[\"\\u0000\"]",
                        "[\"\\ud800\"]", "[\"\\ud800x\"]", "[\"\\ud800\\u0041\"]", "[\"\\udc00\"]", "[\"\\u12\"]",
                        "[\"\xff\"]", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\": 1,}", "[1]]", "[tru]", "[True]", "{};" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_malformed (bad[i]);
  gsize where = 0;
  g_assert_null (pfm_json_parse ("[1]\0[2]", 7, &where));
}

static void
test_depth (void)
{
  /* Values at most 64 deep (the root is 1); json-glib alone recurses
   * until the stack runs out. */
  for (guint d = 62; d <= 66; d++)
    {
      GString *s = g_string_new (NULL);
      for (guint k = 0; k < d; k++)
        g_string_append (s, k % 2 ? "{\"k\": " : "[");
      g_string_append (s, "1");
      for (guint k = d; k-- > 0;)
        g_string_append (s, k % 2 ? "}" : "]");
      g_autoptr(PfmJson) n = pfm_json_parse (s->str, s->len, NULL);
      if (d + 1 <= 64)
        g_assert_nonnull (n);
      else
        g_assert_null (n);
      g_string_free (s, TRUE);
    }
  g_autofree char *deep = g_strnfill (1000000, '[');
  g_assert_null (pfm_json_parse (deep, strlen (deep), NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/tree", test_tree);
  g_test_add_func ("/json/numbers", test_numbers);
  g_test_add_func ("/json/malformed", test_malformed);
  g_test_add_func ("/json/depth", test_depth);
  return g_test_run ();
}
