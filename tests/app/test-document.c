/* test-document.c - the project's undo history (g_test, no display)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every applied edit and every replacement is one step back; quick edits
 * of one key are one step (a slider's drag); a new edit drops what was
 * undone; the project reads as unsaved exactly when it differs from the
 * state last saved or loaded, also after undo and redo.
 */
#include <glib/gstdio.h>

#include "pfm-document.h"

static char *
value (PfmDocument *doc, const char *key)
{
  return pfm_document_get_value (doc, key);
}

static void
set (PfmDocument *doc, const char *key, const char *v)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_document_set (doc, key, v, &error));
  g_assert_no_error (error);
}

static void
assert_value (PfmDocument *doc, const char *key, const char *expected)
{
  g_autofree char *v = value (doc, key);
  g_assert_cmpstr (v, ==, expected);
}

static void
test_undo_redo (void)
{
  g_autoptr(PfmDocument) doc = pfm_document_new ();
  g_autofree char *start = value (doc, "optics.n0");
  g_assert_false (pfm_document_can_undo (doc));
  set (doc, "optics.n0", "1.6");
  set (doc, "beam.power", "5");   /* another key: a step of its own */
  g_assert_true (pfm_document_get_dirty (doc));
  g_assert_true (pfm_document_undo (doc));
  assert_value (doc, "beam.power", "1");
  assert_value (doc, "optics.n0", "1.6");
  g_assert_true (pfm_document_undo (doc));
  assert_value (doc, "optics.n0", start);
  /* Back where it started: nothing to save. */
  g_assert_false (pfm_document_get_dirty (doc));
  g_assert_false (pfm_document_undo (doc));
  g_assert_true (pfm_document_redo (doc));
  assert_value (doc, "optics.n0", "1.6");
  g_assert_true (pfm_document_get_dirty (doc));
  /* A new edit drops the step that could still be redone. */
  set (doc, "optics.loss", "2");
  g_assert_false (pfm_document_can_redo (doc));
  g_assert_false (pfm_document_redo (doc));
}

static void
test_coalesce (void)
{
  g_autoptr(PfmDocument) doc = pfm_document_new ();
  /* A drag: ten values of one key in well under the coalescing second. */
  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *v = g_strdup_printf ("%d", 10 * i);
      set (doc, "beam.power", v);
    }
  g_assert_true (pfm_document_undo (doc));
  assert_value (doc, "beam.power", "1");
  g_assert_false (pfm_document_can_undo (doc));
}

static void
test_saved_state (void)
{
  g_autoptr(PfmDocument) doc = pfm_document_new ();
  g_autofree char *dir = g_dir_make_tmp ("pfm-doc-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "p.pfm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  set (doc, "optics.n0", "1.6");
  g_assert_true (pfm_document_save (doc, file, &error));
  g_assert_no_error (error);
  g_assert_false (pfm_document_get_dirty (doc));
  /* An edit right after the save, on the same key, is not folded into
   * the step before it: undo must come back to the saved state. */
  set (doc, "optics.n0", "1.7");
  g_assert_true (pfm_document_get_dirty (doc));
  g_assert_true (pfm_document_undo (doc));
  assert_value (doc, "optics.n0", "1.6");
  g_assert_false (pfm_document_get_dirty (doc));
  g_assert_true (pfm_document_undo (doc));
  g_assert_true (pfm_document_get_dirty (doc));   /* before the save */
  /* An edit now: the saved state can no longer be reached by redo. */
  set (doc, "optics.loss", "1");
  g_assert_true (pfm_document_get_dirty (doc));
  g_assert_true (pfm_document_undo (doc));
  g_assert_true (pfm_document_get_dirty (doc));

  /* Loading starts a fresh history. */
  g_assert_true (pfm_document_load (doc, file, &error));
  g_assert_no_error (error);
  g_assert_false (pfm_document_can_undo (doc));
  g_assert_false (pfm_document_can_redo (doc));
  g_assert_false (pfm_document_get_dirty (doc));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_replace (void)
{
  g_autoptr(PfmDocument) doc = pfm_document_new ();
  set (doc, "optics.n0", "1.6");
  g_autoptr(PfmConfig) other = pfm_config_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set (other, "optics.n0", "2", &error));
  pfm_document_replace (doc, other);   /* a preset */
  assert_value (doc, "optics.n0", "2");
  g_assert_true (pfm_document_undo (doc));
  assert_value (doc, "optics.n0", "1.6");
  /* New: a fresh untitled project with no history. */
  pfm_document_reset (doc);
  g_assert_false (pfm_document_can_undo (doc));
  g_assert_false (pfm_document_get_dirty (doc));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document/undo-redo", test_undo_redo);
  g_test_add_func ("/document/coalesce", test_coalesce);
  g_test_add_func ("/document/saved-state", test_saved_state);
  g_test_add_func ("/document/replace", test_replace);
  return g_test_run ();
}
