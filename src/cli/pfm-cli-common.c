/* pfm-cli-common.c - what the pfm-cli subcommands share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pfm-cli-common.h"
#include "pfm-export.h"

static const char *current_command = "pfm-cli";

void
pfm_cli_error (const char *command, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* One line, always. */
  for (char *p = msg; *p; p++)
    if (*p == '\n')
      *p = ' ';
  fprintf (stderr, "pfm-cli %s: %s\n", command ? command : current_command, msg);
}

gboolean
pfm_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  current_command = command;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      pfm_cli_error (command, "%s (try pfm-cli %s --help)", error->message, command);
      return FALSE;
    }
  return TRUE;
}

PfmConfig *
pfm_cli_load_config (const char *project, char **assignments)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GError) error = NULL;

  if (project != NULL && !pfm_config_load_file (cfg, project, &error))
    {
      pfm_cli_error (NULL, "%s", error->message);
      return NULL;
    }
  /* A relative index map named in a project file lies beside the project
   * (pfm-cli train writes it there); one given with --set is relative to
   * the current folder, as the user typed it. */
  if (project != NULL)
    pfm_config_resolve_paths (cfg, project);
  for (guint i = 0; assignments && assignments[i]; i++)
    if (!pfm_config_set_assignment (cfg, assignments[i], &error))
      {
        pfm_cli_error (NULL, "%s", error->message);
        return NULL;
      }
  if (!pfm_config_validate (cfg, &error))
    {
      pfm_cli_error (NULL, "%s", error->message);
      return NULL;
    }
  return g_steal_pointer (&cfg);
}

gboolean
pfm_cli_write_output (const char *path, const char *contents, gsize length, GError **error)
{
  if (path == NULL || strcmp (path, "-") == 0)
    {
      if (fwrite (contents, 1, length, stdout) != length || fflush (stdout) != 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "could not write to standard output");
          return FALSE;
        }
      return TRUE;
    }
  return pfm_export_write_atomic (path, contents, length, error);
}

void
pfm_cli_progress_init (PfmCliProgress *p)
{
  p->last_permille = -1000;
  p->tty = isatty (STDERR_FILENO);
}

void
pfm_cli_progress (PfmCliProgress *p, guint done, guint total, const char *format, ...)
{
  int permille = total > 0 ? (int) (1000.0 * done / total) : 1000;
  int quantum = p->tty ? 5 : 100;
  /* In a log, also a line at least every 10 s of wall time, so a slow run
   * is seen to progress.  One clock for the process: the CLI shows one
   * progress at a time. */
  static gint64 last_line_us = 0;
  const gint64 now = g_get_monotonic_time ();
  if (last_line_us == 0)
    last_line_us = now;
  const gboolean due = !p->tty && now - last_line_us >= 10 * G_USEC_PER_SEC;
  if (permille / quantum == p->last_permille / quantum && done != total && !due)
    return;
  p->last_permille = permille;
  last_line_us = now;
  char bar[31];
  int filled = permille * 30 / 1000;
  for (int i = 0; i < 30; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[30] = '\0';
  va_list ap;
  va_start (ap, format);
  g_autofree char *detail = g_strdup_vprintf (format, ap);
  va_end (ap);
  fprintf (stderr, "%s[%s] %5.1f%%  %s%s", p->tty ? "\r" : "", bar, permille / 10.0, detail, p->tty ? "" : "\n");
  if (p->tty && done == total)
    fputc ('\n', stderr);
}

gboolean
pfm_cli_write_text (const char *command, const char *path, const char *text)
{
  g_autoptr(GError) error = NULL;
  if (!pfm_cli_write_output (path, text, strlen (text), &error))
    {
      pfm_cli_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pfm_cli_same_file (const char *a, const char *b)
{
  if (a == NULL || b == NULL || strcmp (a, "-") == 0 || strcmp (b, "-") == 0)
    return FALSE;
  if (strcmp (a, b) == 0)
    return TRUE;
  GStatBuf sa, sb;
  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static volatile gint sigint_flag;

static void
on_sigint (int sig)
{
  g_atomic_int_set (&sigint_flag, 1);
}

const gint *
pfm_cli_catch_sigint (void)
{
  signal (SIGINT, on_sigint);
  return (const gint *) &sigint_flag;
}

void
pfm_cli_release_sigint (void)
{
  signal (SIGINT, SIG_DFL);
}
