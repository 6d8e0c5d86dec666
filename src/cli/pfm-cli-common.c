/* pfm-cli-common.c - what the pfm-cli subcommands share
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pfm-cli-common.h"
#include "pfm-export.h"
#include "pfm-file.h"

static const char *current_command = "pfm-cli";
static gint reported_interrupt;   /* the one line after an interrupt is out */

void
pfm_cli_error (const char *command, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *raw = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* After a Ctrl-C, one line says so: the first error (which says what was
   * stopped), or pfm_cli_finish's. */
  if (pfm_cli_interrupted () && !g_atomic_int_compare_and_exchange (&reported_interrupt, 0, 1))
    return;
  /* One line of valid UTF-8, always: a newline or a byte that is not UTF-8
   * (in a file name, say) is escaped, so the name shown is the name. */
  g_autofree char *msg = pfm_file_display_name (raw);
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
  return pfm_file_write_atomic (path, contents, length, error);
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

/* Same file: the same device and inode when both exist (links, "./x"
 * and "x", a hard link); otherwise the same canonical path. */
gboolean
pfm_cli_files_same (const char *a, const char *b)
{
  GStatBuf sa, sb;
  if (g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  g_autofree char *ca = g_canonicalize_filename (a, NULL);
  g_autofree char *cb = g_canonicalize_filename (b, NULL);
  return strcmp (ca, cb) == 0;
}

typedef struct
{
  char     *label;
  char     *path;
  gboolean  output;
} FileEntry;

struct _PfmCliFiles
{
  GArray *entries;
};

static void
file_entry_clear (FileEntry *e)
{
  g_free (e->label);
  g_free (e->path);
}

PfmCliFiles *
pfm_cli_files_new (void)
{
  PfmCliFiles *f = g_new0 (PfmCliFiles, 1);
  f->entries = g_array_new (FALSE, TRUE, sizeof (FileEntry));
  g_array_set_clear_func (f->entries, (GDestroyNotify) file_entry_clear);
  return f;
}

void
pfm_cli_files_free (PfmCliFiles *files)
{
  if (files == NULL)
    return;
  g_array_unref (files->entries);
  g_free (files);
}

void
pfm_cli_files_add (PfmCliFiles *files, const char *label, const char *path, gboolean output)
{
  if (path == NULL || path[0] == '\0' || strcmp (path, "-") == 0)
    return;
  FileEntry e = { g_strdup (label), g_strdup (path), output };
  g_array_append_val (files->entries, e);
}

void
pfm_cli_files_add_config (PfmCliFiles *files, const PfmConfig *cfg, const char *project)
{
  pfm_cli_files_add (files, "the project", project, FALSE);
  if (cfg == NULL)
    return;
  if (cfg->medium.kind == PFM_MEDIUM_FILE)
    pfm_cli_files_add (files, "the index map (medium.file)", cfg->medium.file, FALSE);
  /* train.dataset's own files, relative to the project's folder. */
  const char *spec = cfg->train.dataset;
  if (spec == NULL)
    return;
  g_autofree char *base = project ? g_path_get_dirname (project) : g_get_current_dir ();
  g_autofree char *images = NULL, *labels = NULL;
  if (g_str_has_prefix (spec, "csv:"))
    images = g_strdup (spec + 4);
  else if (g_str_has_prefix (spec, "idx:") && strrchr (spec + 4, ':') != NULL)
    {
      const char *colon = strrchr (spec + 4, ':');
      images = g_strndup (spec + 4, colon - (spec + 4));
      labels = g_strdup (colon + 1);
    }
  const char *parts[] = { images, labels };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL && parts[i][0] != '\0')
      {
        g_autofree char *full = g_path_is_absolute (parts[i]) ? g_strdup (parts[i])
                                                                : g_build_filename (base, parts[i], NULL);
        pfm_cli_files_add (files, "a dataset file (train.dataset)", full, FALSE);
      }
}

int
pfm_cli_files_check (PfmCliFiles *files, const char *command)
{
  for (guint i = 0; i < files->entries->len; i++)
    {
      const FileEntry *o = &g_array_index (files->entries, FileEntry, i);
      if (!o->output)
        continue;
      for (guint j = 0; j < files->entries->len; j++)
        {
          const FileEntry *x = &g_array_index (files->entries, FileEntry, j);
          if (j == i || (x->output && j < i) || !pfm_cli_files_same (o->path, x->path))
            continue;
          if (x->output)
            pfm_cli_error (command, "%s %s and %s name the same file: each output needs a name of its own",
                           o->label, o->path, x->label);
          else
            pfm_cli_error (command, "%s %s is %s, an input: writing it would destroy it; choose another name",
                           o->label, o->path, x->label);
          return PFM_EXIT_USAGE;
        }
    }
  /* A folder that is not there, or a read-only file, is found before the
   * run, not after hours of it. */
  for (guint i = 0; i < files->entries->len; i++)
    {
      const FileEntry *o = &g_array_index (files->entries, FileEntry, i);
      g_autoptr(GError) error = NULL;
      if (o->output && !pfm_file_check_writable (o->path, &error))
        {
          pfm_cli_error (command, "%s: %s", o->label, error->message);
          return PFM_EXIT_FAILED;
        }
    }
  return PFM_EXIT_OK;
}

int
pfm_cli_merge_check_files (int argc, char **argv, const char *out_path, const char *summary_path)
{
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  for (int i = 1; i < argc; i++)
    pfm_cli_files_add (files, "a shard", argv[i], FALSE);
  pfm_cli_files_add (files, "-o", out_path, TRUE);
  pfm_cli_files_add (files, "--summary", summary_path, TRUE);
  return pfm_cli_files_check (files, "merge");
}

/* ---- signals -------------------------------------------------------------- */

static gint interrupt_flag;
static volatile sig_atomic_t interrupt_signal;

static void
on_signal (int sig)
{
  if (g_atomic_int_get (&interrupt_flag))
    {
      /* A second signal: the user means now.  Only async-signal-safe calls. */
      static const char msg[] = "pfm-cli: interrupted twice: stopped at once; no output was replaced\n";
      pfm_file_remove_temporaries ();
      if (write (STDERR_FILENO, msg, sizeof msg - 1) < 0)
        _exit (PFM_EXIT_FAILED);
      _exit (PFM_EXIT_FAILED);
    }
  interrupt_signal = sig;
  g_atomic_int_set (&interrupt_flag, 1);
}

void
pfm_cli_install_signals (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  /* No SA_RESTART: a write blocked on a full pipe or FIFO returns EINTR,
   * and the writer then sees the flag and gives up. */
  sa.sa_flags = 0;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  /* Past `ulimit -f` a write fails with EFBIG, reported like any other
   * write error, instead of the process dying silently. */
  signal (SIGXFSZ, SIG_IGN);
  pfm_file_set_interrupt (&interrupt_flag);
}

const gint *
pfm_cli_cancel_flag (void)
{
  return &interrupt_flag;
}

gboolean
pfm_cli_interrupted (void)
{
  return g_atomic_int_get (&interrupt_flag) != 0;
}

int
pfm_cli_finish (const char *command, int status)
{
  if (!pfm_cli_interrupted ())
    return status;
  if (!g_atomic_int_get (&reported_interrupt))
    pfm_cli_error (command, "cancelled by %s: no output was written or replaced",
                   interrupt_signal == SIGTERM ? "SIGTERM" : "SIGINT");
  return PFM_EXIT_FAILED;
}

/* ---- what several subcommands parse, check and write alike ------------- */

const char *
pfm_cli_help_text (GPtrArray *pool, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  char *text = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_ptr_array_add (pool, text);
  return text;
}

gboolean
pfm_cli_check_project_args (const char *command, int argc)
{
  if (argc <= 2)
    return TRUE;
  pfm_cli_error (command, "expected at most one project file, got %d arguments", argc - 1);
  return FALSE;
}

gboolean
pfm_cli_parse_format (const char *command, const char *format, gboolean *csv)
{
  *csv = format != NULL && strcmp (format, "csv") == 0;
  if (format != NULL && !*csv && strcmp (format, "json") != 0)
    {
      pfm_cli_error (command, "--format %s: accepted json or csv", format);
      return FALSE;
    }
  return TRUE;
}

gboolean
pfm_cli_parse_shard (const char *text, guint max, guint *index, guint *count)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", -1);
  guint64 i, k;
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, max, &i, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, max, &k, NULL) || i > k)
    return FALSE;
  *index = (guint) i;
  *count = (guint) k;
  return TRUE;
}

int
pfm_cli_check_outputs (const char      *command,
                       const PfmConfig *cfg,
                       const char      *project,
                       const char      *out_path,
                       const char      *summary_path)
{
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, project);
  pfm_cli_files_add (files, "-o", out_path, TRUE);
  pfm_cli_files_add (files, "--summary", summary_path, TRUE);
  return pfm_cli_files_check (files, command);
}

int
pfm_cli_run_failed (const char   *command,
                    gboolean      newline,
                    const GError *error,
                    int           status)
{
  if (newline)
    fputc ('\n', stderr);
  pfm_cli_error (command, "%s", error->message);
  return status;
}

int
pfm_cli_read_shards (const char     *command,
                     int             argc,
                     char          **argv,
                     gsize           max_bytes,
                     PfmCliShardRead read,
                     GPtrArray      *shards)
{
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize len = 0;
      /* A FIFO or /dev/zero is refused, not waited on or read for ever. */
      if (!pfm_file_read (argv[i], max_bytes, "a shard file", &data, &len, &error))
        {
          pfm_cli_error (command, "%s", error->message);
          return PFM_EXIT_FAILED;
        }
      gpointer r = read (argv[i], data, len, &error);
      if (r == NULL)
        {
          pfm_cli_error (command, "%s: %s", argv[i], error->message);
          return PFM_EXIT_USAGE;
        }
      g_ptr_array_add (shards, r);
    }
  return PFM_EXIT_OK;
}

gboolean
pfm_cli_write_result (const char *command,
                      const char *out_path,
                      const char *text,
                      const char *summary,
                      gboolean    show_summary,
                      const char *summary_path)
{
  if (!pfm_cli_write_text (command, out_path, text))
    return FALSE;
  if (show_summary)
    fputs (summary, stderr);
  return summary_path == NULL || pfm_cli_write_text (command, summary_path, summary);
}
