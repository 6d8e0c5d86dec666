/* pfm-train-private.h - what pfm-train.c and pfm-evaluate.c share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-train.h"

G_BEGIN_DECLS


/* Runs @func on @threads workers at once, the first on the calling
 * thread, and waits for all: worker w gets @args + w * @arg_size (all the
 * same @args when @arg_size is 0). */
void  pfm_train_run_workers    (int                    threads,
                                GThreadFunc            func,
                                gpointer               args,
                                gsize                  arg_size);

/* Example @example's SLM values (n_pixels of them) as the beam takes them. */
void  pfm_train_example_values (const PfmTrainData    *data,
                                guint                  example,
                                double                *values);

G_END_DECLS
