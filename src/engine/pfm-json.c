/* pfm-json.c - a small JSON reader for the result files the engine writes
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same reader as pfm-batch.c's (copied, not moved, while that file's
 * merge is being reworked elsewhere; pfm-batch.c may switch to this one).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-json.h"

typedef PfmJson JNode;
#define J_NULL PFM_JSON_NULL
#define J_BOOL PFM_JSON_BOOL
#define J_NUMBER PFM_JSON_NUMBER
#define J_STRING PFM_JSON_STRING
#define J_ARRAY PFM_JSON_ARRAY
#define J_OBJECT PFM_JSON_OBJECT

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
#define jnode_free pfm_json_free
typedef struct
{
  const char *p, *end;
  int         depth;
} JParser;

static void
skip_ws (JParser *P)
{
  while (P->p < P->end && (*P->p == ' ' || *P->p == '\n' || *P->p == '\r' || *P->p == '\t'))
    P->p++;
}

static char *
parse_string (JParser *P)
{
  if (P->p >= P->end || *P->p != '"')
    return NULL;
  P->p++;
  GString *s = g_string_new (NULL);
  while (P->p < P->end && *P->p != '"')
    {
      char c = *P->p++;
      if ((guchar) c < 0x20)
        goto bad;
      if (c != '\\')
        {
          g_string_append_c (s, c);
          continue;
        }
      if (P->p >= P->end)
        goto bad;
      c = *P->p++;
      switch (c)
        {
        case '"': case '\\': case '/': g_string_append_c (s, c); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            if (P->end - P->p < 4)
              goto bad;
            char hex[5] = { P->p[0], P->p[1], P->p[2], P->p[3], 0 };
            guint64 u;
            if (!g_ascii_string_to_unsigned (hex, 16, 0, 0xffff, &u, NULL))
              goto bad;
            P->p += 4;
            gunichar ch = (gunichar) u;
            if (ch >= 0xd800 && ch < 0xdc00 && P->end - P->p >= 6 && P->p[0] == '\\' && P->p[1] == 'u')
              {
                char lo[5] = { P->p[2], P->p[3], P->p[4], P->p[5], 0 };
                guint64 v;
                if (g_ascii_string_to_unsigned (lo, 16, 0xdc00, 0xdfff, &v, NULL))
                  {
                    ch = 0x10000 + ((ch - 0xd800) << 10) + ((gunichar) v - 0xdc00);
                    P->p += 6;
                  }
              }
            if (!g_unichar_validate (ch))
              goto bad;
            g_string_append_unichar (s, ch);
            break;
          }
        default:
          goto bad;
        }
    }
  if (P->p >= P->end)
    goto bad;
  P->p++;
  if (!g_utf8_validate (s->str, s->len, NULL))
    goto bad;
  return g_string_free (s, FALSE);

bad:
  g_string_free (s, TRUE);
  return NULL;
}

static JNode *
parse_value (JParser *P)
{
  skip_ws (P);
  if (P->p >= P->end || ++P->depth > 64)
    return NULL;
  g_autoptr(PfmJson) n = g_new0 (JNode, 1);
  const char c = *P->p;
  if (c == '{' || c == '[')
    {
      const gboolean obj = c == '{';
      n->type = obj ? J_OBJECT : J_ARRAY;
      n->items = g_ptr_array_new_with_free_func ((GDestroyNotify) jnode_free);
      if (obj)
        n->names = g_ptr_array_new_with_free_func (g_free);
      P->p++;
      skip_ws (P);
      if (P->p < P->end && *P->p == (obj ? '}' : ']'))
        {
          P->p++;
          P->depth--;
          return g_steal_pointer (&n);
        }
      for (;;)
        {
          if (obj)
            {
              skip_ws (P);
              char *name = parse_string (P);
              if (name == NULL)
                return NULL;
              /* A name given twice could mean one value to this reader
               * and another to the next: malformed. */
              for (guint k = 0; k < n->names->len; k++)
                if (strcmp (n->names->pdata[k], name) == 0)
                  {
                    g_free (name);
                    return NULL;
                  }
              g_ptr_array_add (n->names, name);
              skip_ws (P);
              if (P->p >= P->end || *P->p != ':')
                return NULL;
              P->p++;
            }
          JNode *v = parse_value (P);
          if (v == NULL)
            return NULL;
          g_ptr_array_add (n->items, v);
          skip_ws (P);
          if (P->p < P->end && *P->p == ',')
            {
              P->p++;
              continue;
            }
          if (P->p < P->end && *P->p == (obj ? '}' : ']'))
            {
              P->p++;
              break;
            }
          return NULL;
        }
    }
  else if (c == '"')
    {
      n->type = J_STRING;
      n->text = parse_string (P);
      if (n->text == NULL)
        return NULL;
    }
  else if (P->end - P->p >= 4 && strncmp (P->p, "null", 4) == 0)
    {
      n->type = J_NULL;
      P->p += 4;
    }
  else if (P->end - P->p >= 4 && strncmp (P->p, "true", 4) == 0)
    {
      n->type = J_BOOL;
      n->boolean = TRUE;
      P->p += 4;
    }
  else if (P->end - P->p >= 5 && strncmp (P->p, "false", 5) == 0)
    {
      n->type = J_BOOL;
      P->p += 5;
    }
  else
    {
      const char *start = P->p;
      while (P->p < P->end && (g_ascii_isdigit (*P->p) || strchr ("+-.eE", *P->p) != NULL))
        P->p++;
      if (P->p == start || P->p - start > 64)
        return NULL;
      n->type = J_NUMBER;
      n->text = g_strndup (start, P->p - start);
      char *endp = NULL;
      n->number = g_ascii_strtod (n->text, &endp);
      if (endp == NULL || *endp != '\0' || !isfinite (n->number))
        return NULL;
    }
  P->depth--;
  return g_steal_pointer (&n);
}

PfmJson *
pfm_json_parse (const char *text, gsize length, gsize *error_offset)
{
  g_return_val_if_fail (text != NULL, NULL);
  JParser P = { text, text + length, 0 };
  g_autoptr(PfmJson) root = parse_value (&P);
  if (root != NULL)
    skip_ws (&P);
  if (root == NULL || P.p != P.end)
    {
      if (error_offset)
        *error_offset = (gsize) (P.p - text);
      return NULL;
    }
  return g_steal_pointer (&root);
}

const PfmJson *
pfm_json_member (const PfmJson *obj, const char *name)
{
  if (obj == NULL || obj->type != J_OBJECT)
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
  return n != NULL && n->type == J_STRING ? n->text : NULL;
}

gboolean
pfm_json_get_uint (const PfmJson *obj, const char *name, guint64 max, guint64 *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  return n != NULL && n->type == J_NUMBER && g_ascii_string_to_unsigned (n->text, 10, 0, max, out, NULL);
}

gboolean
pfm_json_get_number (const PfmJson *obj, const char *name, double null_value, double *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  if (n == NULL)
    return FALSE;
  if (n->type == J_NULL)
    {
      *out = null_value;
      return TRUE;
    }
  if (n->type != J_NUMBER)
    return FALSE;
  *out = n->number;
  return TRUE;
}

gboolean
pfm_json_get_bool (const PfmJson *obj, const char *name, gboolean *out)
{
  const PfmJson *n = pfm_json_member (obj, name);
  if (n == NULL || n->type != J_BOOL)
    return FALSE;
  *out = n->boolean;
  return TRUE;
}
