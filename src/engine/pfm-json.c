/* pfm-json.c - the JSON reader of the result files the engine writes, on
 * json-glib
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib's JsonParser reads the grammar, decodes the strings and builds
 * the tree; the tree is then copied into #PfmJson, whose fields the
 * readers in pfm-batch-io.c and pfm-sweep-io.c use directly.
 *
 * json-glib 1.6 (Debian 12's 1.6.6, checked by experiment) reads more than
 * pfm-json.h promises, and loses what that promise needs:
 *
 *  - it recurses without limit: 100000 '[' overflow the stack;
 *  - integers go through a gint64: 2^63..2^64-1 wrap, larger ones
 *    saturate, "-1" and "18446744073709551615" both read -1, "-0" reads 0
 *    (an input_seed is a guint64, and an unsigned member must be written
 *    without sign); "010" is octal 8, "0x10" and "$10" hex, "- 5" is -5;
 *  - 1e999 reads as inf;
 *  - a name given twice in an object keeps the last value, silently;
 *  - it takes C comments, 'single quotes', "var x = ...;", a second value
 *    after the first (ignored), raw control characters, unknown escapes
 *    and \u0000 in strings (truncating them), a byte-order mark.
 *
 * So a lexical scan (scan_text) runs first and keeps the rules of the
 * reader this one replaced: values at most 64 deep, one root value, only
 * JSON's tokens outside strings, no control character, unknown escape or
 * \u0000 in strings; each number a literal of at most 64 characters of
 * [0-9+-.eE] that g_ascii_strtod reads whole and finite.  The scan keeps
 * each number's literal and hands json-glib a "0" of the same width in its
 * place, so json-glib's number rules never apply and its error positions
 * still point into the text; the tree's number nodes take the literals
 * back in document order (pfm_json_get_uint reads the literal, so 2^64-1
 * is exact and a sign refused; a number is g_ascii_strtod of its literal,
 * so 17 significant digits read back the same double).  Duplicate names
 * are counted: json-glib emits "object-member" once per member read, and
 * the tree keeps one per distinct name.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "pfm-json.h"

/* Values (the root is 1) nest at most this deep. */
#define MAX_DEPTH 64
/* A number's literal is at most this long. */
#define MAX_NUMBER 64

void
pfm_json_free (PfmJson *n)
{
  if (n == NULL)
    return;
  g_free (n->text);
  if (n->items)
    g_ptr_array_unref (n->items);
  if (n->names)
    g_ptr_array_unref (n->names);
  g_free (n);
}

/* ---- the lexical scan --------------------------------------------------- */

typedef struct
{
  char      *masked;     /* a copy of the text, each number "0" and spaces */
  GPtrArray *literals;   /* each number's literal (char*), in document order */
} Scan;

/* The four hex digits at @t[@at], or -1. */
static int
scan_hex4 (const char *t, gsize n, gsize at)
{
  if (n < at + 4)
    return -1;
  int v = 0;
  for (int k = 0; k < 4; k++)
    {
      if (!g_ascii_isxdigit (t[at + k]))
        return -1;
      v = v * 16 + g_ascii_xdigit_value (t[at + k]);
    }
  return v;
}

/* Steps *@i past the string that starts there; FALSE, *@i at the fault,
 * for a control character, an escape JSON lacks, \u0000 (which the old
 * reader refused: its string then failed UTF-8 validation), a surrogate
 * not in a pair, or no end. */
static gboolean
scan_string (const char *t, gsize n, gsize *i)
{
  for ((*i)++; *i < n; (*i)++)
    {
      const guchar c = t[*i];
      if (c == '"')
        {
          (*i)++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        continue;
      if (++*i >= n)
        return FALSE;
      if (t[*i] == 'u')
        {
          /* 0 is \u0000, -1 no four hex digits; a low surrogate only
           * as the second of a pair, a high one only as the first (json-glib
           * takes a high one alone when no escape follows it). */
          const int u = scan_hex4 (t, n, *i + 1);
          if (u <= 0 || (u >= 0xdc00 && u <= 0xdfff))
            return FALSE;
          *i += 4;
          if (u >= 0xd800 && u <= 0xdbff)
            {
              const int lo = n - *i > 2 && t[*i + 1] == '\\' && t[*i + 2] == 'u' ? scan_hex4 (t, n, *i + 3) : -1;
              if (lo < 0xdc00 || lo > 0xdfff)
                return FALSE;
              *i += 6;
            }
        }
      else if (t[*i] == '\0' || strchr ("\"\\/bfnrt", t[*i]) == NULL)
        return FALSE;
    }
  return FALSE;
}

/* A character of a bare word: a number, true, false or null. */
static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '-' || c == '.';
}

/* Checks the bare word @w (@len bytes) and, for a number, keeps its
 * literal in @s and masks it in @s->masked at @at. */
static gboolean
scan_word (Scan *s, const char *w, gsize len, gsize at)
{
  if (!g_ascii_isdigit (w[0]) && strchr ("+-.", w[0]) == NULL)
    return (len == 4 && strncmp (w, "true", 4) == 0) || (len == 5 && strncmp (w, "false", 5) == 0) ||
           (len == 4 && strncmp (w, "null", 4) == 0);
  if (len > MAX_NUMBER)
    return FALSE;
  for (gsize k = 0; k < len; k++)
    if (!g_ascii_isdigit (w[k]) && strchr ("+-.eE", w[k]) == NULL)
      return FALSE;
  char *literal = g_strndup (w, len);
  char *end = NULL;
  const double v = g_ascii_strtod (literal, &end);
  if (end == NULL || *end != '\0' || !isfinite (v))
    {
      g_free (literal);
      return FALSE;
    }
  g_ptr_array_add (s->literals, literal);
  s->masked[at] = '0';
  memset (s->masked + at + 1, ' ', len - 1);
  return TRUE;
}

/* Scans @t as pfm-json.h promises (see the file comment) and fills @s;
 * FALSE, *@where at the fault, for a text that breaks a rule.  The
 * grammar (commas, colons, names) is json-glib's to check. */
static gboolean
scan_text (Scan *s, const char *t, gsize n, gsize *where)
{
  guint open = 0;          /* arrays and objects open here */
  gboolean done = FALSE;   /* the root value is complete */
  gsize i = 0;
  while (i < n)
    {
      const char c = t[i];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || ((c == ',' || c == ':') && open > 0))
        {
          i++;
          continue;
        }
      if (c == '}' || c == ']')
        {
          if (open == 0)
            break;
          done = --open == 0;
          i++;
          continue;
        }
      /* What starts here is a value (or a name) inside @open containers:
       * at depth open + 1, and after the root value nothing may start. */
      if (done || open >= MAX_DEPTH)
        break;
      if (c == '{' || c == '[')
        {
          open++;
          i++;
          continue;
        }
      if (c == '"')
        {
          if (!scan_string (t, n, &i))
            break;
        }
      else if (is_word_char (c))
        {
          const gsize start = i;
          while (i < n && is_word_char (t[i]))
            i++;
          if (!scan_word (s, t + start, i - start, start))
            {
              i = start;
              break;
            }
        }
      else
        break;
      done = open == 0;
    }
  *where = i;
  return i == n && done;
}

/* ---- json-glib's tree into PfmJson --------------------------------------- */

typedef struct
{
  GPtrArray *literals;   /* Scan's, taken in document order */
  guint      next;       /* the next literal to take */
  guint      members;    /* the object members the tree holds */
} Convert;

static PfmJson *convert_node (JsonNode *node, Convert *c);

/* An array's or object's items (and an object's names) from @node. */
static gboolean
convert_container (PfmJson *n, JsonNode *node, Convert *c)
{
  n->items = g_ptr_array_new_with_free_func ((GDestroyNotify) pfm_json_free);
  if (n->type == PFM_JSON_ARRAY)
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          PfmJson *v = convert_node (json_array_get_element (a, i), c);
          if (v == NULL)
            return FALSE;
          g_ptr_array_add (n->items, v);
        }
      return TRUE;
    }
  JsonObject *o = json_node_get_object (node);
  n->names = g_ptr_array_new_with_free_func (g_free);
  /* In the order read: json-glib keeps insertion order, and the literals
   * come back in document order only if this walk follows it. */
  g_autoptr(GList) names = json_object_get_members (o);
  for (GList *l = names; l != NULL; l = l->next)
    {
      PfmJson *v = convert_node (json_object_get_member (o, l->data), c);
      if (v == NULL)
        return FALSE;
      g_ptr_array_add (n->names, g_strdup (l->data));
      g_ptr_array_add (n->items, v);
      c->members++;
    }
  return TRUE;
}

/* A scalar of @node: a number takes the next literal, the only numbers
 * json-glib saw being Scan's "0" placeholders. */
static gboolean
convert_value (PfmJson *n, JsonNode *node, Convert *c)
{
  const GType t = json_node_get_value_type (node);
  if (t == G_TYPE_BOOLEAN)
    {
      n->type = PFM_JSON_BOOL;
      n->boolean = json_node_get_boolean (node);
      return TRUE;
    }
  if (t == G_TYPE_STRING)
    {
      n->type = PFM_JSON_STRING;
      n->text = g_strdup (json_node_get_string (node));
      return TRUE;
    }
  if (t != G_TYPE_INT64 || c->next >= c->literals->len)
    return FALSE;
  n->type = PFM_JSON_NUMBER;
  n->text = g_steal_pointer (&c->literals->pdata[c->next++]);
  n->number = g_ascii_strtod (n->text, NULL);
  return TRUE;
}

/* @node as a PfmJson tree, or NULL. */
static PfmJson *
convert_node (JsonNode *node, Convert *c)
{
  g_autoptr(PfmJson) n = g_new0 (PfmJson, 1);
  gboolean ok;
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      n->type = PFM_JSON_NULL;
      ok = TRUE;
      break;
    case JSON_NODE_VALUE:
      ok = convert_value (n, node, c);
      break;
    case JSON_NODE_ARRAY:
      n->type = PFM_JSON_ARRAY;
      ok = convert_container (n, node, c);
      break;
    case JSON_NODE_OBJECT:
      n->type = PFM_JSON_OBJECT;
      ok = convert_container (n, node, c);
      break;
    default:
      ok = FALSE;
      break;
    }
  return ok ? g_steal_pointer (&n) : NULL;
}

/* ---- the parse ------------------------------------------------------------ */

/* "object-member": one per member read, a name given twice included. */
static void
count_member (JsonParser *parser G_GNUC_UNUSED, JsonObject *object G_GNUC_UNUSED,
              const char *name G_GNUC_UNUSED, gpointer data)
{
  (*(guint *) data)++;
}

/* Where json-glib stopped: it says so only in its message, as
 * "<data>:LINE:COLUMN: ..." (COLUMN counts bytes from 1); 0 if it does
 * not. */
static gsize
error_offset_of (const GError *error, const char *text, gsize length)
{
  guint line, column;
  if (sscanf (error->message, "<data>:%u:%u:", &line, &column) != 2)
    return 0;
  gsize i = 0;
  for (guint l = 1; l < line && i < length; i++)
    if (text[i] == '\n')
      l++;
  return MIN (i + (column > 0 ? column - 1 : 0), length);
}

/* json-glib's tree of @s->masked (@length bytes) as a PfmJson tree, taking
 * @s's literals; NULL, *@where near the fault, if malformed. */
static PfmJson *
parse_masked (Scan *s, gsize length, gsize *where)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint read = 0;
  g_signal_connect (parser, "object-member", G_CALLBACK (count_member), &read);
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data (parser, s->masked, (gssize) length, &error))
    {
      *where = error_offset_of (error, s->masked, length);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  Convert c = { s->literals, 0, 0 };
  g_autoptr(PfmJson) tree = root != NULL ? convert_node (root, &c) : NULL;
  /* Every literal taken, and no member lost to a name given twice (one
   * value to this reader, perhaps another to the next: malformed). */
  if (tree == NULL || c.next != s->literals->len || c.members != read)
    {
      *where = 0;
      return NULL;
    }
  return g_steal_pointer (&tree);
}

PfmJson *
pfm_json_parse (const char *text, gsize length, gsize *error_offset)
{
  g_return_val_if_fail (text != NULL, NULL);
  Scan s = { NULL, g_ptr_array_new_with_free_func (g_free) };
  s.masked = g_malloc (length + 1);
  memcpy (s.masked, text, length);
  s.masked[length] = '\0';
  gsize where = 0;
  PfmJson *root = NULL;
  if (scan_text (&s, text, length, &where))
    root = parse_masked (&s, length, &where);
  g_free (s.masked);
  g_ptr_array_unref (s.literals);
  if (root == NULL && error_offset)
    *error_offset = where;
  return root;
}

const PfmJson *
pfm_json_member (const PfmJson *obj, const char *name)
{
  if (obj == NULL || obj->type != PFM_JSON_OBJECT)
    return NULL;
  for (guint i = 0; i < obj->names->len; i++)
    if (strcmp (obj->names->pdata[i], name) == 0)
      return obj->items->pdata[i];
  return NULL;
}

const char *
pfm_json_get_string (const PfmJson *obj, const char *name)
{
  const PfmJson *n = pfm_json_member (obj, name);
  return n != NULL && n->type == PFM_JSON_STRING ? n->text : NULL;
}

gboolean
pfm_json_get_uint (const PfmJson *obj, const char *name, guint64 max, guint64 *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  return n != NULL && n->type == PFM_JSON_NUMBER && g_ascii_string_to_unsigned (n->text, 10, 0, max, out, NULL);
}

gboolean
pfm_json_get_number (const PfmJson *obj, const char *name, double null_value, double *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  if (n == NULL)
    return FALSE;
  if (n->type == PFM_JSON_NULL)
    {
      *out = null_value;
      return TRUE;
    }
  if (n->type != PFM_JSON_NUMBER)
    return FALSE;
  *out = n->number;
  return TRUE;
}

gboolean
pfm_json_get_bool (const PfmJson *obj, const char *name, gboolean *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  if (n == NULL || n->type != PFM_JSON_BOOL)
    return FALSE;
  *out = n->boolean;
  return TRUE;
}
