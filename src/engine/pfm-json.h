/* pfm-json.h - the JSON reader of the result files the engine writes (batch
 * results, sweeps, shards)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Enough for the files this engine writes and any re-indentation of them:
 * nesting at most 64 deep, numbers at most 64 characters and finite, a
 * name given twice in one object is malformed.  json-glib parses; what it
 * lacks of these rules is checked on top (pfm-json.c).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PFM_JSON_NULL,
  PFM_JSON_BOOL,
  PFM_JSON_NUMBER,
  PFM_JSON_STRING,
  PFM_JSON_ARRAY,
  PFM_JSON_OBJECT,
} PfmJsonType;

typedef struct _PfmJson PfmJson;
struct _PfmJson
{
  PfmJsonType type;
  gboolean    boolean;
  double      number;
  char       *text;        /* string value, or a number's literal */
  GPtrArray  *items;       /* array items / object values (PfmJson*) */
  GPtrArray  *names;       /* object keys (char*) */
};

/* NULL when malformed; @error_offset (may be NULL) then says where. */
PfmJson       *pfm_json_parse      (const char    *text,
                                    gsize          length,
                                    gsize         *error_offset);
void           pfm_json_free       (PfmJson       *node);

/* The member @name of an object, or NULL. */
const PfmJson *pfm_json_member     (const PfmJson *obj,
                                    const char    *name);
/* A string member, or NULL. */
const char    *pfm_json_get_string (const PfmJson *obj,
                                    const char    *name);
/* An unsigned integer member written without sign, fraction or exponent. */
gboolean       pfm_json_get_uint   (const PfmJson *obj,
                                    const char    *name,
                                    guint64        max,
                                    guint64       *out);
/* A number member, or null (then @null_value). */
gboolean       pfm_json_get_number (const PfmJson *obj,
                                    const char    *name,
                                    double         null_value,
                                    double        *out);
gboolean       pfm_json_get_bool   (const PfmJson *obj,
                                    const char    *name,
                                    gboolean      *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmJson, pfm_json_free)

G_END_DECLS
