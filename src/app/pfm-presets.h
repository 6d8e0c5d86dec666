/* pfm-presets.h - teaching presets: a configuration and why it is interesting
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"

G_BEGIN_DECLS

typedef struct
{
  const char        *id;           /* for --preset and the action target */
  const char        *title;        /* translatable */
  const char        *explanation;  /* translatable, a few sentences */
  const char *const *settings;     /* "group.key=value" over the defaults */
  const char        *view;         /* the view that shows it best */
  const char *const *sweep;        /* NULL, or the Sweep view's axes: "KEY=START:STOP:N[:log]" */
} PfmPreset;

const PfmPreset *pfm_presets        (guint           *n_presets);
const PfmPreset *pfm_preset_lookup  (const char      *id);
/* The preset's configuration: defaults plus its settings. */
PfmConfig       *pfm_preset_config  (const PfmPreset *preset,
                                     GError         **error);

G_END_DECLS
