/* pfm-document.h - the open project: one configuration, one source of truth
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pfm-config.h"

G_BEGIN_DECLS

#define PFM_TYPE_DOCUMENT (pfm_document_get_type ())
G_DECLARE_FINAL_TYPE (PfmDocument, pfm_document, PFM, DOCUMENT, GObject)

PfmDocument     *pfm_document_new          (void);
const PfmConfig *pfm_document_get_config   (PfmDocument  *self);
/* Validates @value for @key against the whole configuration; applies it
 * (emitting ::changed) only when valid.  Errors name key, value and range. */
gboolean         pfm_document_set          (PfmDocument  *self,
                                            const char   *key,
                                            const char   *value,
                                            GError      **error);
/* Replaces the whole configuration (a preset, a loaded file). */
void             pfm_document_replace      (PfmDocument     *self,
                                            const PfmConfig *cfg);
/* A new untitled project with the defaults: no file (a save asks for a
 * name, so no earlier file is overwritten) and nothing to save. */
void             pfm_document_reset        (PfmDocument     *self);
char            *pfm_document_get_value    (PfmDocument  *self,
                                            const char   *key);

GFile           *pfm_document_get_file     (PfmDocument  *self);
gboolean         pfm_document_get_dirty    (PfmDocument  *self);
char            *pfm_document_dup_title    (PfmDocument  *self);

gboolean         pfm_document_load         (PfmDocument  *self,
                                            GFile        *file,
                                            GError      **error);
gboolean         pfm_document_save         (PfmDocument  *self,
                                            GFile        *file,
                                            GError      **error);

G_END_DECLS
