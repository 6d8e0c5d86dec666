/* pfm-application.h - the application: actions, command line, settings
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PFM_TYPE_APPLICATION (pfm_application_get_type ())
G_DECLARE_FINAL_TYPE (PfmApplication, pfm_application, PFM, APPLICATION, AdwApplication)

PfmApplication *pfm_application_new             (void);
/* Non-zero after a failed --screenshot, --preset or project file. */
int             pfm_application_get_exit_status (PfmApplication *self);

G_END_DECLS
