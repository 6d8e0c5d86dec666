/* pfm-cli.c - the command-line front end of PFM Explorer
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "pfm-bpm.h"
#include "pfm-cli-common.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "scaling",   pfm_cli_scaling,   "the scaling model: optical PFM vs GPU fleet (physics.md section 2)" },
  { "propagate", pfm_cli_propagate, "split-step beam propagation through a sample of the tube" },
  { "bench",     pfm_cli_bench,     "time the split step against FFTW's raw transform (ratios)" },
  { "defects",   pfm_cli_defects,   "Monte-Carlo batch of fabricated copies: errors, yield, calibration" },
  { "tm",        pfm_cli_tm,        "the linear transmission matrix from SLM macro-pixels to detector regions" },
  { "merge",     pfm_cli_merge,     "combine the shards of a defects batch or a sweep into the whole result" },
  { "sweep",     pfm_cli_sweep,     "a grid of one or two keys: one row of run (or batch) metrics per point" },
  { "train",     pfm_cli_train,     "train the glass as a classifier: adjoint gradients through the engine" },
  { "evaluate",  pfm_cli_evaluate,  "test accuracy and confusion matrix of a (trained) glass" },
  { "gradient",  pfm_cli_gradient,  "the adjoint gradient of weighted detector powers w.r.t. every voxel" },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: pfm-cli COMMAND [OPTIONS]\n"
           "       pfm-cli --help | --version\n\n"
           "PFM Explorer's command-line front end: the same engine as the app.\n\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\nRun pfm-cli COMMAND --help for its options.  Values are SI; override any\n"
           "project key with --set group.key=value.  Exit status: 0 success, 2 bad usage\n"
           "or value, 1 a run that could not complete.\n");
}

int
main (int argc, char **argv)
{
  /* Messages may follow the user's language, numbers never: every output
   * and every option reads and writes C numbers in any locale, so what one
   * run prints another accepts (--set, --threshold 0.5, --summary files). */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  pfm_cli_install_signals ();

  if (argc < 2)
    {
      usage (stderr);
      return PFM_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return PFM_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("pfm-cli %s\n", PACKAGE_VERSION);
      return PFM_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* A budget that does not parse is refused, not silently replaced
         * by the default. */
        g_autoptr(GError) error = NULL;
        if (!pfm_bpm_check_memory_budget_env (&error))
          {
            pfm_cli_error (commands[i].name, "%s", error->message);
            return PFM_EXIT_USAGE;
          }
        return pfm_cli_finish (commands[i].name, commands[i].run (argc - 1, argv + 1));
      }

  fprintf (stderr, "pfm-cli: unknown command \"%s\" (see pfm-cli --help)\n", argv[1]);
  return PFM_EXIT_USAGE;
}
