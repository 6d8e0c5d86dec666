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
};

PfmRecord *pfm_record_new            (void);
void       pfm_record_free           (PfmRecord     *record);
void       pfm_record_add_warning    (PfmRecord     *record,
                                      const char    *format,
                                      ...) G_GNUC_PRINTF (2, 3);
const char *pfm_run_status_to_string (PfmRunStatus   status);

/* Writers (atomic).  The column sets are the CLI contract (cli.md). */
char      *pfm_record_diagnostics_csv (const PfmRecord *record);
char      *pfm_record_output_csv      (const PfmRecord *record);
gboolean   pfm_record_write_field     (const PfmRecord *record,
                                       const char      *path,
                                       GError         **error);
char      *pfm_record_summary         (const PfmRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmRecord, pfm_record_free)

G_END_DECLS
