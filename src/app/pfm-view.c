/* pfm-view.c - what every view of the window shares
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-view"

#include "config.h"

#include "pfm-view.h"

typedef struct
{
  PfmDocument *document;
  PfmRunner   *runner;
  gboolean     presentation;
  GPtrArray   *plots;        /* PfmPlot*, not referenced: children of the view */
} PfmViewPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (PfmView, pfm_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_RUNNER,
  PROP_PRESENTATION,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
pfm_view_dispose (GObject *object)
{
  PfmViewPrivate *priv = pfm_view_get_instance_private (PFM_VIEW (object));
  /* The handlers a view connected with itself as data go with it. */
  if (priv->document)
    g_signal_handlers_disconnect_by_data (priv->document, object);
  if (priv->runner)
    g_signal_handlers_disconnect_by_data (priv->runner, object);
  g_clear_object (&priv->document);
  g_clear_object (&priv->runner);
  g_ptr_array_set_size (priv->plots, 0);
  G_OBJECT_CLASS (pfm_view_parent_class)->dispose (object);
}

static void
pfm_view_finalize (GObject *object)
{
  PfmViewPrivate *priv = pfm_view_get_instance_private (PFM_VIEW (object));
  g_ptr_array_unref (priv->plots);
  G_OBJECT_CLASS (pfm_view_parent_class)->finalize (object);
}

static void
pfm_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmViewPrivate *priv = pfm_view_get_instance_private (PFM_VIEW (object));
  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, priv->document);
      break;
    case PROP_RUNNER:
      g_value_set_object (value, priv->runner);
      break;
    case PROP_PRESENTATION:
      g_value_set_boolean (value, priv->presentation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PfmView *self = PFM_VIEW (object);
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  switch (prop_id)
    {
    case PROP_DOCUMENT:
      priv->document = g_value_dup_object (value);
      break;
    case PROP_RUNNER:
      priv->runner = g_value_dup_object (value);
      break;
    case PROP_PRESENTATION:
      pfm_view_set_presentation (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_view_class_init (PfmViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = pfm_view_dispose;
  object_class->finalize = pfm_view_finalize;
  object_class->get_property = pfm_view_get_property;
  object_class->set_property = pfm_view_set_property;

  properties[PROP_DOCUMENT] = g_param_spec_object ("document", NULL, NULL, PFM_TYPE_DOCUMENT,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNER] = g_param_spec_object ("runner", NULL, NULL, PFM_TYPE_RUNNER,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENTATION] = g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                        G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pfm_view_init (PfmView *self)
{
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  priv->plots = g_ptr_array_new ();
}

PfmDocument *
pfm_view_get_document (PfmView *self)
{
  g_return_val_if_fail (PFM_IS_VIEW (self), NULL);
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  return priv->document;
}

PfmRunner *
pfm_view_get_runner (PfmView *self)
{
  g_return_val_if_fail (PFM_IS_VIEW (self), NULL);
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  return priv->runner;
}

gboolean
pfm_view_get_presentation (PfmView *self)
{
  g_return_val_if_fail (PFM_IS_VIEW (self), FALSE);
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  return priv->presentation;
}

void
pfm_view_set_presentation (PfmView *self, gboolean presentation)
{
  g_return_if_fail (PFM_IS_VIEW (self));
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  presentation = !!presentation;
  if (priv->presentation == presentation)
    return;
  priv->presentation = presentation;
  for (guint i = 0; i < priv->plots->len; i++)
    pfm_plot_set_presentation (priv->plots->pdata[i], presentation);
  if (PFM_VIEW_GET_CLASS (self)->presentation_changed)
    PFM_VIEW_GET_CLASS (self)->presentation_changed (self, presentation);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
}

gboolean
pfm_view_results_ready (PfmView *self, const GError **failure)
{
  g_return_val_if_fail (PFM_IS_VIEW (self), TRUE);
  *failure = NULL;
  PfmViewClass *klass = PFM_VIEW_GET_CLASS (self);
  if (klass->results_ready != NULL)
    return klass->results_ready (self, failure);
  /* By default a view with a runner shows its record. */
  PfmRunner *runner = pfm_view_get_runner (self);
  return runner == NULL || pfm_runner_results_ready (runner, failure);
}

void
pfm_view_add_plot (PfmView *self, PfmPlot *plot)
{
  g_return_if_fail (PFM_IS_VIEW (self) && PFM_IS_PLOT (plot));
  PfmViewPrivate *priv = pfm_view_get_instance_private (self);
  g_ptr_array_add (priv->plots, plot);
  /* A plot made after presentation mode was turned on starts in it. */
  if (priv->presentation)
    pfm_plot_set_presentation (plot, TRUE);
}
