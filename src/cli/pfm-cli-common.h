/* pfm-cli-common.h - what the pfm-cli subcommands share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-config.h"

G_BEGIN_DECLS

/* Exit statuses of the CLI contract (docs/cli.md). */
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

/* Signals, installed once by main(): the first SIGINT or SIGTERM sets the
 * cancel flag (pass it as the engine's cancel flag; writes check it before
 * they replace anything) and the command stops at its next check; a second
 * one removes the temporary files of writes in progress and exits at once.
 * SIGXFSZ is ignored, so a write past `ulimit -f` fails with EFBIG. */
void        pfm_cli_install_signals (void);
const gint *pfm_cli_cancel_flag     (void);
gboolean    pfm_cli_interrupted     (void);
/* The status a command ends with: @status, or 1 after an interrupt, when
 * it also prints the one line that says so if the command printed none. */
int         pfm_cli_finish          (const char *command,
                                     int         status);

/* The files one command reads and writes.  pfm_cli_files_check, called
 * before any work, refuses with one line on stderr an output that names an
 * input or another output (PFM_EXIT_USAGE: the same device and inode for
 * files that exist, links and "./x" included, the same canonical path
 * otherwise) and one that cannot be written (PFM_EXIT_FAILED: a missing or
 * read-only folder, a read-only file); else PFM_EXIT_OK.  NULL, "" and "-"
 * are not files. */
typedef struct _PfmCliFiles PfmCliFiles;
PfmCliFiles *pfm_cli_files_new        (void);
void         pfm_cli_files_free       (PfmCliFiles       *files);
void         pfm_cli_files_add        (PfmCliFiles       *files,
                                       const char        *label,
                                       const char        *path,
                                       gboolean           output);
/* Adds @project and what @cfg reads: medium.file for a file medium, and
 * train.dataset's csv:/idx: files (relative to the project's folder). */
void         pfm_cli_files_add_config (PfmCliFiles       *files,
                                       const PfmConfig   *cfg,
                                       const char        *project);
int          pfm_cli_files_check      (PfmCliFiles       *files,
                                       const char        *command);
/* pfm_cli_files_check for `merge`: argv[1..] are the shards (inputs), -o
 * and --summary the outputs.  One check for batch and sweep shards. */
int          pfm_cli_merge_check_files (int          argc,
                                        char       **argv,
                                        const char  *out_path,
                                        const char  *summary_path);
/* The same-file test pfm_cli_files_check applies. */
gboolean     pfm_cli_files_same       (const char        *a,
                                       const char        *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmCliFiles, pfm_cli_files_free)

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

/* A --help text that names an engine default (docs/cli.md: the CLI reads
 * its defaults from the engine rather than repeating them): formatted
 * once, kept in @pool (g_free) for as long as the option context lives. */
const char *pfm_cli_help_text    (GPtrArray   *pool,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);

/* At most one project file after the options (argv[0] is the command):
 * else prints why and returns FALSE. */
gboolean   pfm_cli_check_project_args (const char *command,
                                       int         argc);

/* --format json (the default, @format NULL) or csv: sets @csv; anything
 * else prints why and returns FALSE. */
gboolean   pfm_cli_parse_format (const char  *command,
                                 const char  *format,
                                 gboolean    *csv);

/* "I/K" with 1 <= I <= K <= @max; FALSE (nothing printed) otherwise. */
gboolean   pfm_cli_parse_shard  (const char  *text,
                                 guint        max,
                                 guint       *index,
                                 guint       *count);

/* pfm_cli_files_check of the project, what @cfg reads, -o and --summary
 * (either may be NULL). */
int        pfm_cli_check_outputs (const char      *command,
                                  const PfmConfig *cfg,
                                  const char      *project,
                                  const char      *out_path,
                                  const char      *summary_path);

/* An engine run that failed: ends the progress bar's line when @newline,
 * prints the error and returns @status. */
int        pfm_cli_run_failed   (const char   *command,
                                 gboolean      newline,
                                 const GError *error,
                                 int           status);

/* Reads one shard file's contents (@path names it in messages) into a
 * result, or NULL with @error set. */
typedef gpointer (*PfmCliShardRead) (const char  *path,
                                     const char  *data,
                                     gsize        length,
                                     GError     **error);

/* `merge`: reads argv[1..] (at most @max_bytes each) with @read into
 * @shards.  PFM_EXIT_FAILED for a file that cannot be read, PFM_EXIT_USAGE
 * for one that is not a shard (each with its line on stderr). */
int        pfm_cli_read_shards  (const char      *command,
                                 int              argc,
                                 char           **argv,
                                 gsize            max_bytes,
                                 PfmCliShardRead  read,
                                 GPtrArray       *shards);

/* Writes @text to @out_path (or stdout), then shows @summary on stderr when
 * @show_summary and writes it to @summary_path when not NULL; FALSE (the
 * reason printed) when a write fails. */
gboolean   pfm_cli_write_result (const char  *command,
                                 const char  *out_path,
                                 const char  *text,
                                 const char  *summary,
                                 gboolean     show_summary,
                                 const char  *summary_path);

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

/* The engine's thread count for a --threads value: the CLI's 0 (the
 * default) is the engine's own choice, PFM_THREADS_AUTO (docs/cli.md). */
static inline int
pfm_cli_threads (int threads)
{
  return threads > 0 ? threads : PFM_THREADS_AUTO;
}

int pfm_cli_propagate (int argc, char **argv);
int pfm_cli_scaling   (int argc, char **argv);
int pfm_cli_bench     (int argc, char **argv);
int pfm_cli_defects   (int argc, char **argv);
int pfm_cli_tm        (int argc, char **argv);
int pfm_cli_merge     (int argc, char **argv);
int pfm_cli_train     (int argc, char **argv);
int pfm_cli_evaluate  (int argc, char **argv);
int pfm_cli_gradient  (int argc, char **argv);
int pfm_cli_sweep     (int argc, char **argv);
/* `pfm-cli merge` of sweep shards (pfm-cli-sweep.c): TRUE when its first
 * file is a sweep result. */
gboolean pfm_cli_merge_is_sweep (int argc, char **argv);
int      pfm_cli_sweep_merge    (int argc, char **argv);

G_END_DECLS
