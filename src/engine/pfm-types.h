/* pfm-types.h - forward declarations shared by the engine's headers
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PfmConfig   PfmConfig;
typedef struct _PfmGrid     PfmGrid;
typedef struct _PfmMedium   PfmMedium;
typedef struct _PfmBpm      PfmBpm;
typedef struct _PfmRecord   PfmRecord;

/* Physical constants (SI). */
#define PFM_C0 299792458.0

G_END_DECLS
