/* pfm-view.h - what every view of the window shares
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A view shows one side of the project: it is given the document and
 * the runner when it is made (construct-only properties; either may be
 * NULL where a view needs only one) and follows the window's
 * presentation mode through its "presentation" property, which the
 * window binds once for every view.  The plots a view registers with
 * pfm_view_add_plot() follow presentation mode by themselves; a view
 * with more to change overrides presentation_changed.  A view of
 * today's shape derives from it by naming PFM_TYPE_VIEW as its parent.
 */
#pragma once

#include <adwaita.h>

#include "pfm-document.h"
#include "pfm-plot.h"
#include "pfm-runner.h"

G_BEGIN_DECLS

#define PFM_TYPE_VIEW (pfm_view_get_type ())
G_DECLARE_DERIVABLE_TYPE (PfmView, pfm_view, PFM, VIEW, AdwBin)

struct _PfmViewClass
{
  AdwBinClass parent_class;

  /* After the registered plots have followed @presentation. */
  void (*presentation_changed) (PfmView  *self,
                                gboolean  presentation);

  /* TRUE once the view shows its results for the current settings, or
   * when the work behind them failed: then @failure says why.  NULL: the
   * view shows the runner's record (ready when the runner's results are),
   * or, without a runner, waits for nothing. */
  gboolean (*results_ready) (PfmView       *self,
                             const GError **failure);

  gpointer padding[3];
};

PfmDocument *pfm_view_get_document     (PfmView  *self);
PfmRunner   *pfm_view_get_runner       (PfmView  *self);
gboolean     pfm_view_get_presentation (PfmView  *self);
void         pfm_view_set_presentation (PfmView  *self,
                                        gboolean  presentation);
/* What a --screenshot waits for (the class's results_ready). */
gboolean     pfm_view_results_ready    (PfmView       *self,
                                        const GError **failure);
/* @plot (a child of the view) follows the view's presentation mode. */
void         pfm_view_add_plot         (PfmView  *self,
                                        PfmPlot  *plot);

G_END_DECLS
