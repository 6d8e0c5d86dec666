/* pfm-file.c - reading and replacing files safely
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "pfm-file.h"

/* ---- names in messages -------------------------------------------------- */

char *
pfm_file_display_name (const char *path)
{
  GString *s = g_string_sized_new (path ? strlen (path) + 8 : 8);
  const char *p = path ? path : "";
  const char *end = p + strlen (p);
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (s, "\\x%02x", (guint8) *p);
          p++;
          continue;
        }
      if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", (guint) c);
      else
        g_string_append_len (s, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (s, FALSE);
}

static void
set_errno_error (GError **error, int err, const char *verb, const char *path)
{
  g_autofree char *name = pfm_file_display_name (path);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
               "could not %s %s: %s", verb, name, g_strerror (err));
}

/* ---- reading ------------------------------------------------------------- */

static const char *
kind_of (mode_t mode)
{
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "a device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

static gboolean
refuse_kind (const char *path, mode_t mode, const char *what, GError **error)
{
  g_autofree char *name = pfm_file_display_name (path);
  if (S_ISDIR (mode))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s is a folder, not %s", name, what);
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "%s is %s, not %s: accepted a regular file", name, kind_of (mode), what);
  return FALSE;
}

gboolean
pfm_file_check_regular (const char *path, const char *what, GError **error)
{
  GStatBuf st;
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    return refuse_kind (path, st.st_mode, what, error);
  return TRUE;
}

gboolean
pfm_file_read (const char *path, gsize max, const char *what, char **data, gsize *length, GError **error)
{
  g_return_val_if_fail (path != NULL && data != NULL, FALSE);
  g_autofree char *name = pfm_file_display_name (path);

  /* O_NONBLOCK: opening a FIFO that has no writer returns at once. */
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, "open", path);
      return FALSE;
    }
  struct stat st;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      set_errno_error (error, saved, "read", path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      return refuse_kind (path, st.st_mode, what, error);
    }
  if ((guint64) st.st_size > max)
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                   "%s: %lld bytes is too large for %s: accepted at most %" G_GSIZE_FORMAT " bytes",
                   name, (long long) st.st_size, what, max);
      return FALSE;
    }
  /* The size may change while we read: never read more than @max + 1. */
  gsize cap = (gsize) st.st_size;
  char *buf = g_try_malloc (cap + 2);
  if (buf == NULL)
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                   "out of memory reading %s (%lld bytes)", name, (long long) st.st_size);
      return FALSE;
    }
  gsize got = 0;
  for (;;)
    {
      if (got == cap + 1)
        break;
      ssize_t r = read (fd, buf + got, cap + 1 - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          close (fd);
          g_free (buf);
          set_errno_error (error, saved, "read", path);
          return FALSE;
        }
      if (r == 0)
        break;
      got += (gsize) r;
    }
  close (fd);
  if (got > cap)
    {
      g_free (buf);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s changed while it was read: try again", name);
      return FALSE;
    }
  buf[got] = '\0';
  *data = buf;
  if (length)
    *length = got;
  return TRUE;
}

/* ---- interrupts and pending temporary files ------------------------------ */

static const gint *interrupt_flag;

void
pfm_file_set_interrupt (const gint *flag)
{
  interrupt_flag = flag;
}

gboolean
pfm_file_interrupted (void)
{
  return interrupt_flag != NULL && g_atomic_int_get (interrupt_flag) != 0;
}

/* Temporary files being written, for pfm_file_remove_temporaries() in a
 * signal handler: fixed slots, claimed and released with atomics, so the
 * handler reads no structure that is half updated. */
#define N_SLOTS 8
static char pending[N_SLOTS][PATH_MAX];
static gint pending_used[N_SLOTS];

static int
claim_slot (const char *tmp)
{
  if (strlen (tmp) >= PATH_MAX)
    return -1;
  for (int i = 0; i < N_SLOTS; i++)
    if (g_atomic_int_compare_and_exchange (&pending_used[i], 0, 1))
      {
        strcpy (pending[i], tmp);
        g_atomic_int_set (&pending_used[i], 2);   /* 2: the name is complete */
        return i;
      }
  return -1;   /* more writes at once than slots: that one is not tracked */
}

static void
release_slot (int i)
{
  if (i >= 0)
    g_atomic_int_set (&pending_used[i], 0);
}

void
pfm_file_remove_temporaries (void)
{
  for (int i = 0; i < N_SLOTS; i++)
    if (g_atomic_int_get (&pending_used[i]) == 2)
      unlink (pending[i]);
}

/* ---- writing ------------------------------------------------------------- */

/* Follows a chain of symbolic links to the file they name (which need not
 * exist yet); NULL with @error for a loop. */
static char *
resolve_links (const char *path, GError **error)
{
  char *cur = g_strdup (path);
  for (int depth = 0; depth < 40; depth++)
    {
      GStatBuf st;
      if (g_lstat (cur, &st) != 0 || !S_ISLNK (st.st_mode))
        return cur;
      g_autoptr(GError) local = NULL;
      g_autofree char *target = g_file_read_link (cur, &local);
      if (target == NULL)
        {
          g_free (cur);
          set_errno_error (error, EINVAL, "follow the link", path);
          return NULL;
        }
      char *next;
      if (g_path_is_absolute (target))
        next = g_steal_pointer (&target);
      else
        {
          g_autofree char *dir = g_path_get_dirname (cur);
          next = g_build_filename (dir, target, NULL);
        }
      g_free (cur);
      cur = next;
    }
  g_free (cur);
  set_errno_error (error, ELOOP, "write", path);
  return NULL;
}

static mode_t
current_umask (void)
{
  static GMutex lock;
  g_mutex_lock (&lock);
  mode_t m = umask (022);
  umask (m);
  g_mutex_unlock (&lock);
  return m;
}

static gboolean
cancelled_error (GError **error, const char *path)
{
  g_autofree char *name = pfm_file_display_name (path);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled: %s was not written", name);
  return FALSE;
}

/* How a write ended: TRUE, or why not (an interrupt, or errno @err). */
static gboolean
write_outcome (int err, gboolean interrupted, const char *path, GError **error)
{
  if (interrupted)
    return cancelled_error (error, path);
  if (err != 0)
    {
      set_errno_error (error, err, "write", path);
      return FALSE;
    }
  return TRUE;
}

/* write() all of @data to @fd, checking the interrupt flag between chunks. */
static int
write_all (int fd, const char *data, gsize length, gboolean *interrupted)
{
  const gsize chunk = 4u << 20;
  gsize done = 0;
  while (done < length)
    {
      if (pfm_file_interrupted ())
        {
          *interrupted = TRUE;
          return 0;
        }
      ssize_t w = write (fd, data + done, MIN (chunk, length - done));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return errno;
      done += (gsize) w;
    }
  return 0;
}

/* A device or a FIFO has no contents to keep and must not be replaced by a
 * renamed regular file: write through it. */
static gboolean
write_through (const char *path, const char *data, gsize length, GError **error)
{
  /* O_NONBLOCK for the open only: a FIFO with no reader fails (ENXIO)
   * rather than waiting for one. */
  int fd = g_open (path, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, "write", path);
      return FALSE;
    }
  int fl = fcntl (fd, F_GETFL);
  if (fl >= 0)
    fcntl (fd, F_SETFL, fl & ~O_NONBLOCK);
  gboolean interrupted = FALSE;
  int err = write_all (fd, data, length, &interrupted);
  if (close (fd) != 0 && err == 0)
    err = errno;
  return write_outcome (err, interrupted, path, error);
}

/* What the writer checks before it writes: @target (links resolved) is a
 * folder (refused), another non-regular file (*through = TRUE), read-only
 * (refused) or a regular file whose mode it keeps (*mode). */
static gboolean
check_target (const char *path, const char *target, mode_t *mode, gboolean *through, GError **error)
{
  g_autofree char *name = pfm_file_display_name (path);
  *through = FALSE;
  *mode = 0666 & ~current_umask ();
  GStatBuf st;
  if (g_stat (target, &st) != 0)
    return TRUE;
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "could not write %s: it is a folder", name);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      *through = TRUE;
      return TRUE;
    }
  /* rename() would replace a file the user made read-only (it only needs
   * the folder's permission): refuse instead.  The mode bits, not access(),
   * so that root is refused too. */
  if ((st.st_mode & 0222) == 0 || (geteuid () != 0 && access (target, W_OK) != 0))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   "could not write %s: it is read-only (mode %04o); it was not replaced",
                   name, (unsigned) (st.st_mode & 07777));
      return FALSE;
    }
  *mode = st.st_mode & 07777;
  return TRUE;
}

/* The file a write of @path goes to (its links followed), checked as
 * check_target does; NULL with @error when it may not be written. */
static char *
writable_target (const char *path, mode_t *mode, gboolean *through, GError **error)
{
  g_autofree char *target = resolve_links (path, error);
  if (target == NULL || !check_target (path, target, mode, through, error))
    return NULL;
  return g_steal_pointer (&target);
}

gboolean
pfm_file_check_writable (const char *path, GError **error)
{
  mode_t mode;
  gboolean through;
  g_autofree char *target = writable_target (path, &mode, &through, error);
  if (target == NULL)
    return FALSE;
  if (through)
    return TRUE;
  g_autofree char *dir = g_path_get_dirname (target);
  GStatBuf st;
  int err = 0;
  if (g_stat (dir, &st) != 0)
    err = errno;
  else if (!S_ISDIR (st.st_mode))
    err = ENOTDIR;
  else if (access (dir, W_OK | X_OK) != 0)
    err = errno;
  if (err != 0)
    {
      g_autofree char *name = pfm_file_display_name (path);
      g_autofree char *dname = pfm_file_display_name (dir);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "could not write %s: its folder %s: %s", name, dname, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

gboolean
pfm_file_write_atomic (const char *path, const void *data, gsize length, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (pfm_file_interrupted ())
    return cancelled_error (error, path);

  mode_t mode;
  gboolean through;
  g_autofree char *target = writable_target (path, &mode, &through, error);
  if (target == NULL)
    return FALSE;
  if (through)
    return write_through (target, data, length, error);

  g_autofree char *tmp = g_strconcat (target, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_errno_error (error, errno, "write", path);
      return FALSE;
    }
  int slot = claim_slot (tmp);

  gboolean interrupted = FALSE;
  int err = write_all (fd, data, length, &interrupted);
  if (err == 0 && !interrupted && fchmod (fd, mode) != 0)
    err = errno;
  if (err == 0 && !interrupted && fsync (fd) != 0 && errno != EINVAL)
    err = errno;
  if (close (fd) != 0 && err == 0)
    err = errno;
  if (err == 0 && !interrupted && pfm_file_interrupted ())
    interrupted = TRUE;
  if (err == 0 && !interrupted && g_rename (tmp, target) != 0)
    err = errno;
  if (err != 0 || interrupted)
    g_unlink (tmp);
  release_slot (slot);

  return write_outcome (err, interrupted, path, error);
}
