/* pfm-document.c - the open project: one configuration, one source of truth
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Controls edit the document, views observe it: every change goes through
 * pfm_document_set(), which validates against the engine's table before
 * anything is applied, and announces it with ::changed (detail: the key).
 */
#define G_LOG_DOMAIN "pfm-document"

#include "config.h"

#include <glib/gi18n.h>

#include "pfm-document.h"
#include "pfm-export.h"

struct _PfmDocument
{
  GObject    parent_instance;
  PfmConfig *cfg;
  GFile     *file;
  GBytes    *text;       /* the file's text as read or last saved: a save keeps its comments */
  gboolean   dirty;
  GPtrArray *undo;       /* UndoStep: the configuration before each step, oldest first */
  GPtrArray *redo;       /* UndoStep: the configuration after each undone step, newest last */
  int        saved_depth; /* undo->len when the project matched its file; -1: no longer reachable */
};

/* Steps closer than this on one key are one step: a slider's drag. */
#define COALESCE_US (1000 * 1000)

typedef struct
{
  PfmConfig *cfg;
  char      *key;        /* the key the step changed, NULL for a replacement */
  gint64     time;
} UndoStep;

static void
undo_step_free (gpointer p)
{
  UndoStep *u = p;
  pfm_config_free (u->cfg);
  g_free (u->key);
  g_free (u);
}

static UndoStep *
undo_step_new (const PfmConfig *cfg, const char *key)
{
  UndoStep *u = g_new0 (UndoStep, 1);
  u->cfg = pfm_config_copy (cfg);
  u->key = g_strdup (key);
  u->time = g_get_monotonic_time ();
  return u;
}

G_DEFINE_FINAL_TYPE (PfmDocument, pfm_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_DIRTY,
  PROP_TITLE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
pfm_document_finalize (GObject *object)
{
  PfmDocument *self = PFM_DOCUMENT (object);
  pfm_config_free (self->cfg);
  g_clear_object (&self->file);
  g_clear_pointer (&self->text, g_bytes_unref);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  G_OBJECT_CLASS (pfm_document_parent_class)->finalize (object);
}

static void
pfm_document_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmDocument *self = PFM_DOCUMENT (object);
  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;
    case PROP_TITLE:
      g_value_take_string (value, pfm_document_dup_title (self));
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->undo->len > 0);
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->redo->len > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_document_class_init (PfmDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = pfm_document_finalize;
  object_class->get_property = pfm_document_get_property;

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PfmDocument::changed:
   * @key: "group.key" that changed, or NULL when everything may have.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pfm_document_init (PfmDocument *self)
{
  self->cfg = pfm_config_new ();
  self->undo = g_ptr_array_new_with_free_func (undo_step_free);
  self->redo = g_ptr_array_new_with_free_func (undo_step_free);
}

PfmDocument *
pfm_document_new (void)
{
  return g_object_new (PFM_TYPE_DOCUMENT, NULL);
}

const PfmConfig *
pfm_document_get_config (PfmDocument *self)
{
  g_return_val_if_fail (PFM_IS_DOCUMENT (self), NULL);
  return self->cfg;
}

static void
set_dirty (PfmDocument *self, gboolean dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void
notify_history (PfmDocument *self, gboolean could_undo, gboolean could_redo)
{
  if (could_undo != (self->undo->len > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != (self->redo->len > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  set_dirty (self, self->saved_depth != (int) self->undo->len);
}

/* The configuration before a step about to be applied, kept for undo; a
 * new step drops what was undone. */
static void
record_step (PfmDocument *self, const char *key)
{
  gboolean could_undo = self->undo->len > 0, could_redo = self->redo->len > 0;
  UndoStep *last = self->undo->len ? self->undo->pdata[self->undo->len - 1] : NULL;
  gint64 now = g_get_monotonic_time ();
  if (self->saved_depth > (int) self->undo->len)
    self->saved_depth = -1;
  g_ptr_array_set_size (self->redo, 0);
  if (key && last && last->key && g_str_equal (last->key, key) && now - last->time < COALESCE_US &&
      !could_redo && self->saved_depth != (int) self->undo->len)
    last->time = now;
  else
    g_ptr_array_add (self->undo, undo_step_new (self->cfg, key));
  notify_history (self, could_undo, could_redo);
}

static void
clear_history (PfmDocument *self)
{
  gboolean could_undo = self->undo->len > 0, could_redo = self->redo->len > 0;
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  self->saved_depth = 0;
  notify_history (self, could_undo, could_redo);
}

/* Moves one step from @from to @to: the document takes the step's
 * configuration, the step keeps the one it replaced. */
static gboolean
travel (PfmDocument *self, GPtrArray *from, GPtrArray *to)
{
  if (from->len == 0)
    return FALSE;
  gboolean could_undo = self->undo->len > 0, could_redo = self->redo->len > 0;
  UndoStep *u = g_ptr_array_steal_index (from, from->len - 1);
  PfmConfig *tmp = self->cfg;
  self->cfg = u->cfg;
  u->cfg = tmp;
  u->time = 0;   /* a step that was travelled never absorbs the next edit */
  g_ptr_array_add (to, u);
  notify_history (self, could_undo, could_redo);
  if (u->key)
    g_signal_emit (self, signals[CHANGED], g_quark_from_string (u->key), u->key);
  else
    g_signal_emit (self, signals[CHANGED], 0, NULL);
  return TRUE;
}

gboolean
pfm_document_undo (PfmDocument *self)
{
  g_return_val_if_fail (PFM_IS_DOCUMENT (self), FALSE);
  return travel (self, self->undo, self->redo);
}

gboolean
pfm_document_redo (PfmDocument *self)
{
  g_return_val_if_fail (PFM_IS_DOCUMENT (self), FALSE);
  return travel (self, self->redo, self->undo);
}

gboolean
pfm_document_can_undo (PfmDocument *self)
{
  return self->undo->len > 0;
}

gboolean
pfm_document_can_redo (PfmDocument *self)
{
  return self->redo->len > 0;
}

gboolean
pfm_document_set (PfmDocument *self, const char *key, const char *value, GError **error)
{
  g_return_val_if_fail (PFM_IS_DOCUMENT (self), FALSE);

  g_autofree char *old = pfm_document_get_value (self, key);
  g_autoptr(PfmConfig) work = pfm_config_copy (self->cfg);
  if (!pfm_config_set (work, key, value, error) || !pfm_config_validate (work, error))
    return FALSE;
  const PfmKeyInfo *k = pfm_config_lookup_key (key);
  g_autofree char *now = pfm_config_get_string (work, k);
  if (g_strcmp0 (old, now) == 0)
    return TRUE;
  record_step (self, key);
  PfmConfig *tmp = self->cfg;
  self->cfg = g_steal_pointer (&work);
  work = tmp;
  set_dirty (self, self->saved_depth != (int) self->undo->len);
  g_signal_emit (self, signals[CHANGED], g_quark_from_string (key), key);
  return TRUE;
}

void
pfm_document_replace (PfmDocument *self, const PfmConfig *cfg)
{
  g_return_if_fail (PFM_IS_DOCUMENT (self));
  record_step (self, NULL);
  pfm_config_free (self->cfg);
  self->cfg = pfm_config_copy (cfg);
  set_dirty (self, TRUE);
  g_signal_emit (self, signals[CHANGED], 0, NULL);
}

static void set_file (PfmDocument *self, GFile *file);

void
pfm_document_reset (PfmDocument *self)
{
  g_return_if_fail (PFM_IS_DOCUMENT (self));
  pfm_config_free (self->cfg);
  self->cfg = pfm_config_new ();
  g_clear_pointer (&self->text, g_bytes_unref);
  set_file (self, NULL);
  clear_history (self);
  g_signal_emit (self, signals[CHANGED], 0, NULL);
}

char *
pfm_document_get_value (PfmDocument *self, const char *key)
{
  const PfmKeyInfo *k = pfm_config_lookup_key (key);
  g_return_val_if_fail (k != NULL, NULL);
  return pfm_config_get_string (self->cfg, k);
}

GFile *
pfm_document_get_file (PfmDocument *self)
{
  return self->file;
}

gboolean
pfm_document_get_dirty (PfmDocument *self)
{
  return self->dirty;
}

char *
pfm_document_dup_title (PfmDocument *self)
{
  if (self->file == NULL)
    return g_strdup (_("Untitled project"));
  return g_file_get_basename (self->file);
}

static void
set_file (PfmDocument *self, GFile *file)
{
  if (g_set_object (&self->file, file))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

gboolean
pfm_document_load (PfmDocument *self, GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be opened"));
      return FALSE;
    }
  /* Loads into a copy: a bad file leaves the open project untouched. */
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  g_autoptr(GBytes) text = NULL;
  if (!pfm_config_load_file_text (cfg, path, &text, error))
    return FALSE;
  /* A trained project's index map lies beside it. */
  pfm_config_resolve_paths (cfg, path);
  pfm_config_free (self->cfg);
  self->cfg = g_steal_pointer (&cfg);
  g_clear_pointer (&self->text, g_bytes_unref);
  self->text = g_steal_pointer (&text);
  set_file (self, file);
  clear_history (self);
  g_signal_emit (self, signals[CHANGED], 0, NULL);
  return TRUE;
}

gboolean
pfm_document_save (PfmDocument *self, GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be saved"));
      return FALSE;
    }
  /* Written over the text the project was read from: the user's notes
   * and the comments stay, the values are the document's. */
  gsize in_len = 0, len = 0;
  const char *in = self->text ? g_bytes_get_data (self->text, &in_len) : NULL;
  g_autofree char *data = pfm_config_to_data_keeping (self->cfg, in, in_len, path, &len, error);
  if (data == NULL || !pfm_file_write_atomic (path, data, len, error))
    return FALSE;
  g_clear_pointer (&self->text, g_bytes_unref);
  self->text = g_bytes_new_take (g_steal_pointer (&data), len);
  set_file (self, file);
  self->saved_depth = (int) self->undo->len;
  set_dirty (self, FALSE);
  return TRUE;
}
