/* pfm-config-private.h - what pfm-config.c and pfm-config-validate.c share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"

G_BEGIN_DECLS

/* Every field of @cfg against its key's range and type (values set from C
 * are checked too): the first step of pfm_config_validate. */
gboolean pfm_config_check_fields (const PfmConfig *cfg,
                                  GError         **error);

/* A finite number, spaces around it allowed: FALSE for anything else. */
gboolean pfm_config_parse_double (const char *text,
                                  double     *out);

/* @text as a message shows it: escaped to printable ASCII (a message must
 * stay one line of valid UTF-8 whatever a file holds) and cut to 64 bytes,
 * so a 1 MiB value cannot become a 1 MiB message. */
char    *pfm_config_shown_text   (const char *text);

G_END_DECLS
