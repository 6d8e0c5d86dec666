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

/* Undo and redo over the whole project: every applied edit and every
 * replacement (a preset) is one step; quick edits of one key (a slider's
 * drag) are one step.  Loading a file or starting a new project starts a
 * fresh history.  "can-undo" and "can-redo" follow. */
gboolean         pfm_document_undo         (PfmDocument  *self);
gboolean         pfm_document_redo         (PfmDocument  *self);
gboolean         pfm_document_can_undo     (PfmDocument  *self);
gboolean         pfm_document_can_redo     (PfmDocument  *self);

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
