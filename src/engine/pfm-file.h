/* pfm-file.h - reading and replacing files safely
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file the engine, the CLI and the app read or write goes through
 * here, so the promises of README.md ("Reliability") hold in one place:
 * reads refuse what is not a regular file and are bounded; a write replaces
 * a file whole or not at all, keeps its mode and any symbolic link, refuses
 * a read-only file, and is abandoned (its temporary file removed) when the
 * process is interrupted.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads @path whole into a NUL-terminated buffer.  Refuses a folder, a
 * FIFO, a device or a socket (opened without blocking, so a FIFO with no
 * writer cannot hang) and a file over @max bytes; @what names the file in
 * messages, with its article ("a project file", "an index map").  G_FILE_ERROR_NOSPC for too large. */
gboolean pfm_file_read            (const char  *path,
                                   gsize        max,
                                   const char  *what,
                                   char       **data,
                                   gsize       *length,
                                   GError     **error);

/* FALSE, with the message pfm_file_read would give, when @path exists
 * and is a folder, FIFO, device or socket; TRUE otherwise (also when it
 * does not exist).  For readers that stream a file. */
gboolean pfm_file_check_regular   (const char  *path,
                                   const char  *what,
                                   GError     **error);

/* Writes @data to @path through a temporary file beside it and rename(),
 * so an existing file is either replaced whole or left untouched:
 * - a symbolic link stays a link: its target is replaced;
 * - an existing file keeps its permission bits; a new one gets 0666 less
 *   the umask;
 * - a file without write permission is refused, not replaced;
 * - a device or FIFO (/dev/null, /dev/stdout) is written through;
 * - when the interrupt flag is set (pfm_file_set_interrupt) before the
 *   rename, the temporary file is removed and G_IO_ERROR_CANCELLED is
 *   returned: nothing is replaced.
 * Messages name @path, never the temporary file. */
gboolean pfm_file_write_atomic    (const char  *path,
                                   const void  *data,
                                   gsize        length,
                                   GError     **error);

/* Whether pfm_file_write_atomic could write @path now: its folder (after
 * symbolic links) exists and takes new files, and an existing file is not
 * a folder or read-only.  For refusing a run before it starts. */
gboolean pfm_file_check_writable  (const char  *path,
                                   GError     **error);

/* The process's interrupt flag (set by the CLI's SIGINT/SIGTERM handler);
 * NULL for none.  The one process-wide setting of this module. */
void     pfm_file_set_interrupt   (const gint  *flag);
gboolean pfm_file_interrupted     (void);

/* Removes the temporary files of writes in progress.  Async-signal-safe:
 * for a signal handler that is about to _exit(). */
void     pfm_file_remove_temporaries (void);

/* @path as one printable UTF-8 line: control characters and bytes that are
 * not UTF-8 become \n, \t, \xNN escapes. */
char    *pfm_file_display_name    (const char  *path);

G_END_DECLS
