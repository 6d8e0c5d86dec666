/* pfm-record.h - what a run records: diagnostics per slice, a bounded
 * downsampled volume, the output vector and the run's status
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-types.h"

G_BEGIN_DECLS

typedef struct
{
  double z;               /* m */
  double power;           /* W */
  double width_x;         /* m, 2 sqrt(<(x - <x>)^2>) */
  double width_y;         /* m */
  double peak_intensity;  /* W/m^2 */
  double b_integral;      /* rad */
  double centroid_x;      /* m */
  double centroid_y;      /* m */
} PfmDiagRow;

/* The diagnostics CSV takes at most about this many bytes per row: eight
 * numbers written to round-trip (%.9g, or %.17g when that is needed:
 * up to 24 characters each) and their separators.  Measured 164 bytes per
 * row on a 32^2 run of 5e5 rows whose values mostly needed 17 digits. */
#define PFM_RECORD_CSV_ROW_BYTES 168

/* Below this peak intensity (W/m^2) a slice's diagnostics are undefined:
 * the engine squares the float32 field, and the beam's tails (1e-8 of the
 * peak and below, which carry its second moments) fall under FLT_MIN
 * (1.2e-38).  Such a row has no width or centroid (written 0, and the
 * summary says "undefined"), and its spectrum is not checked. */
#define PFM_RECORD_MIN_INTENSITY 1e-28

typedef enum {
  PFM_FIELD_NONE,        /* the volume is not written */
  PFM_FIELD_NPY,         /* intensity only */
  PFM_FIELD_VTI,         /* intensity and dn */
} PfmFieldFormat;

typedef enum {
  PFM_RUN_RUNNING,
  PFM_RUN_COMPLETED,     /* reached z = length */
  PFM_RUN_UNRESOLVED,    /* stopped: the grid or the step no longer resolve the field */
  PFM_RUN_CANCELLED,
} PfmRunStatus;

struct _PfmRecord
{
  GArray      *rows;            /* PfmDiagRow, one per recorded slice */

  /* Volume for the renderer: vol_count slices of vol_nx x vol_ny, x fastest;
   * each sample is the mean over a vol_factor x vol_factor block. */
  int          vol_nx, vol_ny;
  int          vol_factor;
  guint        vol_stride;      /* every vol_stride-th recorded slice is kept */
  guint        vol_capacity;
  guint        vol_count;
  double       vol_dx;          /* m */
  double       vol_x0;          /* m, centre of the first sample */
  float       *vol_intensity;   /* W/m^2 */
  float       *vol_dn;          /* index change relative to n0 */
  double      *vol_z;           /* m */

  double      *output;          /* detector powers, W */
  int          n_output;

  PfmRunStatus status;
  double       stop_z;          /* where an unresolved run stopped */
  char        *stop_reason;
  GPtrArray   *warnings;        /* char*, plain-language */

  guint        n_steps;
  guint        steps_done;
  guint64      n_parameters;    /* voxels in the simulated sample */
  double       input_power;
  double       elapsed_s;
  guint64      memory_estimate; /* bytes the engine estimated for the run (pfm_bpm_estimate_memory) */
};

PfmRecord *pfm_record_new            (void);
/* Allocates room for @n_rows diagnostics rows at once; FALSE (the record
 * unchanged) when memory runs out. */
gboolean   pfm_record_reserve_rows   (PfmRecord     *record,
                                      guint          n_rows);
void       pfm_record_free           (PfmRecord     *record);
void       pfm_record_add_warning    (PfmRecord     *record,
                                      const char    *format,
                                      ...) G_GNUC_PRINTF (2, 3);
const char *pfm_run_status_to_string (PfmRunStatus   status);

/* Writers (atomic).  The column sets are the CLI contract (docs/cli.md). */
char      *pfm_record_diagnostics_csv (const PfmRecord *record);
char      *pfm_record_output_csv      (const PfmRecord *record);
/* The format a field file's name asks for (NONE for an unknown suffix). */
PfmFieldFormat pfm_record_field_format (const char      *path);
/* Bytes writing @samples samples per array of the volume in @format takes
 * on top of the volume itself (the file's image is built in memory). */
guint64    pfm_record_field_write_bytes (PfmFieldFormat format,
                                         guint64        samples);
gboolean   pfm_record_write_field     (const PfmRecord *record,
                                       const char      *path,
                                       GError         **error);
char      *pfm_record_summary         (const PfmRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmRecord, pfm_record_free)

G_END_DECLS
