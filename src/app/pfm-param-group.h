/* pfm-param-group.h - controls for one group of project keys, from the
 * engine's validation table
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pfm-document.h"

G_BEGIN_DECLS

#define PFM_TYPE_PARAM_GROUP (pfm_param_group_get_type ())
G_DECLARE_FINAL_TYPE (PfmParamGroup, pfm_param_group, PFM, PARAM_GROUP, AdwBin)

/* A preferences group titled @title with one row per key of @group (the
 * table's order), editing @document. */
GtkWidget *pfm_param_group_new (PfmDocument *document,
                                const char  *group,
                                const char  *title,
                                const char  *description);

/* Display label and unit of a key: engineering units where they read
 * better (nm, um, ...); the factor converts the display value to SI. */
typedef struct
{
  const char *key;
  const char *label;
  const char *unit;
  double      factor;
} PfmKeyDisplay;

const PfmKeyDisplay *pfm_key_display (const char *group_dot_key);

/* Under the current unit style (engineering or SI): the factor from the
 * display value to SI, the display unit (untranslated; "" for none) and
 * the title "Label (unit)" the sidebar shows. */
double      pfm_key_display_factor (const char *group_dot_key);
const char *pfm_key_display_unit   (const char *group_dot_key);
char       *pfm_key_display_title  (const char *group_dot_key);

G_END_DECLS
