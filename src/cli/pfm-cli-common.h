/* pfm-cli-common.h - what the pfm-cli subcommands share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"

G_BEGIN_DECLS

/* Exit statuses of the CLI contract (docs: cli.md). */
enum {
  PFM_EXIT_OK = 0,
  PFM_EXIT_FAILED = 1,   /* a run that could not complete */
  PFM_EXIT_USAGE = 2,    /* bad usage or a bad value */
};

/* Loads PROJECT (may be NULL: the defaults) and applies each --set
 * assignment, then validates.  On failure prints one line to stderr and
 * returns NULL. */
PfmConfig *pfm_cli_load_config (const char  *project,
                                char       **assignments);

/* Prints "pfm-cli COMMAND: MESSAGE" on stderr. */
void       pfm_cli_error       (const char  *command,
                                const char  *format,
                                ...) G_GNUC_PRINTF (2, 3);

/* Parses the options of a subcommand; on error prints it and returns FALSE. */
gboolean   pfm_cli_parse       (GOptionContext *context,
                                const char     *command,
                                int            *argc,
                                char         ***argv);

/* Ctrl-C while a run is going: from pfm_cli_catch_sigint() until
 * pfm_cli_release_sigint(), SIGINT sets the returned flag (pass it as the
 * engine's cancel flag) instead of ending the process. */
const gint *pfm_cli_catch_sigint   (void);
void        pfm_cli_release_sigint (void);

/* TRUE when @a and @b name the same file: the same path, or, for files
 * that exist, the same device and inode (links, "./x" and "x"). */
gboolean   pfm_cli_same_file   (const char  *a,
                                const char  *b);

/* Writes @text atomically to @path (or stdout); on failure prints
 * "pfm-cli COMMAND: why" and returns FALSE. */
gboolean   pfm_cli_write_text  (const char  *command,
                                const char  *path,
                                const char  *text);

/* Writes @contents atomically to @path, or to stdout when @path is NULL or "-". */
gboolean   pfm_cli_write_output (const char  *path,
                                 const char  *contents,
                                 gsize        length,
                                 GError     **error);

/* The progress bar on stderr: redrawn every 0.5% on a terminal, every 10%
 * (one line each) in a log, and there also at least every 10 s. */
typedef struct
{
  int      last_permille;
  gboolean tty;
} PfmCliProgress;

void       pfm_cli_progress_init (PfmCliProgress *progress);
/* Shows @done of @total, followed by the printf-style detail, when due. */
void       pfm_cli_progress      (PfmCliProgress *progress,
                                  guint           done,
                                  guint           total,
                                  const char     *format,
                                  ...) G_GNUC_PRINTF (4, 5);

int pfm_cli_propagate (int argc, char **argv);
int pfm_cli_scaling   (int argc, char **argv);
int pfm_cli_bench     (int argc, char **argv);
int pfm_cli_defects   (int argc, char **argv);
int pfm_cli_tm        (int argc, char **argv);
int pfm_cli_merge     (int argc, char **argv);
int pfm_cli_train     (int argc, char **argv);
int pfm_cli_evaluate  (int argc, char **argv);
int pfm_cli_gradient  (int argc, char **argv);

G_END_DECLS
