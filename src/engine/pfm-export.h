/* pfm-export.h - file formats: CSV/JSON helpers, .npy and .vti
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-file.h"   /* pfm_file_write_atomic: every writer here uses it */

G_BEGIN_DECLS

/* Appends @v to @s as a JSON number; NaN/Inf (never expected) become null. */
void     pfm_export_json_number  (GString     *s,
                                  double       v);
/* Appends @v to @s for CSV with round-trip precision; non-finite -> empty field. */
void     pfm_export_csv_number   (GString     *s,
                                  double       v);
/* Appends a JSON string literal (quoted, escaped). */
void     pfm_export_json_string  (GString     *s,
                                  const char  *text);

/* NumPy .npy (format 1.0), little-endian float32, C order. */
gboolean pfm_export_npy_f32      (const char   *path,
                                  const float  *data,
                                  const gsize  *shape,
                                  guint         ndim,
                                  GError      **error);
/* Reads back what pfm_export_npy_f32 writes (float32, C order); for tests and tools. */
gboolean pfm_export_read_npy_f32 (const char   *path,
                                  float       **data,
                                  gsize        *shape,
                                  guint        *ndim,
                                  GError      **error);

typedef struct
{
  const char  *name;
  const float *data;     /* nx*ny*nz values, x fastest */
} PfmVtiArray;

/* VTK XML ImageData (.vti, ParaView) with raw appended float32 point data. */
gboolean pfm_export_vti          (const char         *path,
                                  gsize               nx,
                                  gsize               ny,
                                  gsize               nz,
                                  const double        origin[3],
                                  const double        spacing[3],
                                  const PfmVtiArray  *arrays,
                                  guint               n_arrays,
                                  GError            **error);

G_END_DECLS
