/* pfm-param-group.c - controls for one group of project keys, from the
 * engine's validation table
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's table (pfm-config.c) says what each key is, its range and
 * its one-sentence physics; this file only adds how a key reads on screen
 * (label, display unit).  Every edit is validated by the document against
 * the whole configuration before it is applied; a rejected value stays in
 * its entry, marked, with the reason under it.
 */
#define G_LOG_DOMAIN "pfm-param-group"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "pfm-app-util.h"
#include "pfm-param-group.h"

static const PfmKeyDisplay displays[] = {
  { "optics.wavelength", N_("Wavelength λ"), "nm", 1e-9 },
  { "optics.n0", N_("Refractive index n₀"), "", 1 },
  { "optics.n2", N_("Kerr index n₂"), "m²/W", 1 },
  { "optics.loss", N_("Loss α"), "1/m", 1 },
  { "tube.profile", N_("Guiding profile"), "", 1 },
  { "tube.side", N_("Core side"), "µm", 1e-6 },
  { "tube.length", N_("Sample length"), "µm", 1e-6 },
  { "tube.na", N_("Numerical aperture"), "", 1 },
  { "tube.grin_delta", N_("GRIN contrast Δ"), "", 1 },
  { "medium.kind", N_("Index voxels"), "", 1 },
  { "medium.delta_n", N_("Voxel contrast δn"), "", 1 },
  { "medium.voxel", N_("Voxel edge"), "µm", 1e-6 },
  { "medium.seed", N_("Seed"), "", 1 },
  { "medium.file", N_("Index-map file"), "", 1 },
  { "beam.kind", N_("Input"), "", 1 },
  { "beam.power", N_("Peak power P₀"), "W", 1 },
  { "beam.waist", N_("Waist w₀"), "µm", 1e-6 },
  { "beam.offset_x", N_("Offset x"), "µm", 1e-6 },
  { "beam.offset_y", N_("Offset y"), "µm", 1e-6 },
  { "beam.tilt_x", N_("Tilt x"), "mrad", 1e-3 },
  { "beam.tilt_y", N_("Tilt y"), "mrad", 1e-3 },
  { "beam.slm_pixels", N_("SLM pixels (input size)"), "", 1 },
  { "beam.encoding", N_("SLM encoding"), "", 1 },
  { "beam.input", N_("Input vector"), "", 1 },
  { "beam.phase_range", N_("Phase range"), "rad", 1 },
  { "beam.slm_bits", N_("SLM bits"), "", 1 },
  { "detector.regions", N_("Detector regions (output size)"), "", 1 },
  { "detector.bits", N_("ADC bits"), "", 1 },
  { "detector.noise", N_("Detector noise"), "", 1 },
  { "grid.n", N_("Samples per side"), "", 1 },
  { "grid.window", N_("Window"), "µm", 1e-6 },
  { "grid.dz", N_("Step dz"), "µm", 1e-6 },
  { "grid.absorber", N_("Absorber width"), "", 1 },
  { "grid.record_every", N_("Record every"), N_("steps"), 1 },
  { "scaling.params", N_("Parameter counts P"), "", 1 },
  { "scaling.aspect", N_("Tube aspect L/s"), "", 1 },
  { "scaling.beam_fraction", N_("Beam / tube side"), "", 1 },
  { "scaling.phi_nl", N_("Nonlinear phase Φ"), "rad", 1 },
  { "scaling.pulse", N_("Pulse duration τ"), "ps", 1e-12 },
  { "scaling.e_io", N_("Energy per I/O element"), "pJ", 1e-12 },
  { "scaling.p_avg", N_("Average power limit"), "W", 1 },
  { "scaling.io_exponent", N_("I/O exponent (N = Pˣ)"), "", 1 },
  { "scaling.bits", N_("Bits per I/O element"), "", 1 },
  { "scaling.e_op", N_("GPU energy per op"), "pJ", 1e-12 },
  { "scaling.gpu_mem", N_("GPU memory"), "GB", 1e9 },
  { "scaling.gpu_bw", N_("GPU bandwidth"), "TB/s", 1e12 },
  { "scaling.gpu_volume", N_("Volume per GPU"), "cm³", 1e-6 },
  { "scaling.bytes_per_param", N_("Bytes per parameter"), "B", 1 },
  { "scaling.gpu_gain", N_("GPU gain per year"), "", 1 },
  { "scaling.years", N_("Years ahead"), "", 1 },
  { "defects.seed", N_("Copy seed"), "", 1 },
  { "defects.sigma", N_("Write error σ (× δn)"), "", 1 },
  { "defects.corr_length", N_("Correlation length"), "µm", 1e-6 },
  { "defects.scale_error", N_("Scale error"), "", 1 },
  { "defects.offset", N_("Index offset"), "", 1 },
  { "defects.side_error", N_("Side error"), "", 1 },
  { "defects.stuck_fraction", N_("Stuck voxels"), "", 1 },
  { "defects.inclusion_density", N_("Inclusion density"), "1/m³", 1 },
  { "defects.inclusion_radius", N_("Inclusion radius"), "µm", 1e-6 },
  { "defects.inclusion_dn", N_("Inclusion contrast"), "", 1 },
  { "defects.taper", N_("Taper"), "", 1 },
  { "defects.roughness", N_("Sidewall roughness"), "nm", 1e-9 },
  { "defects.drift_time", N_("Age"), "s", 1 },
  { "defects.drift_tau", N_("Relaxation time τ"), "s", 1 },
  { "defects.temperature_gradient", N_("Temperature gradient"), "K/m", 1 },
  { "defects.dn_dT", N_("Thermo-optic dn/dT"), "1/K", 1 },
  { "train.dataset", N_("Dataset"), "", 1 },
  { "train.test_fraction", N_("Test fraction"), "", 1 },
  { "train.validation_fraction", N_("Validation fraction"), "", 1 },
  { "train.split_seed", N_("Split seed"), "", 1 },
  { "train.epochs", N_("Epochs"), "", 1 },
  { "train.batch", N_("Batch size"), "", 1 },
  { "train.lr", N_("Learning rate"), "", 1 },
  { "train.lr_decay", N_("Learning-rate decay per epoch"), "", 1 },
  { "train.seed", N_("Training seed"), "", 1 },
  { "train.init", N_("Initial design"), "", 1 },
  { "train.temperature", N_("Softmax temperature T"), "", 1 },
  { "train.noise_aware", N_("Noise-aware training"), "", 1 },
  { "train.max_examples", N_("Examples used (0 = all)"), "", 1 },
};

const PfmKeyDisplay *
pfm_key_display (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (displays); i++)
    if (g_str_equal (displays[i].key, key))
      return &displays[i];
  return NULL;
}

typedef struct
{
  PfmParamGroup    *group;
  const PfmKeyInfo *info;
  char             *key;          /* "group.key" */
  const PfmKeyDisplay *display;
  GtkWidget        *row;
  GtkWidget        *entry;        /* numeric and text keys */
  GtkWidget        *scale;        /* beam.power: log slider */
  gboolean          updating;
} Control;

struct _PfmParamGroup
{
  AdwBin       parent_instance;
  PfmDocument *document;
  GPtrArray   *controls;
  char        *group;
};

G_DEFINE_FINAL_TYPE (PfmParamGroup, pfm_param_group, ADW_TYPE_BIN)

static void
control_free (gpointer p)
{
  Control *c = p;
  g_free (c->key);
  g_free (c);
}

/* Engineering units (nm, um, pJ...) unless the user chose plain SI. */
double
pfm_key_display_factor (const char *key)
{
  const PfmKeyDisplay *d = pfm_key_display (key);
  if (d == NULL)
    return 1.0;
  GSettings *settings = pfm_app_settings ();
  g_autofree char *style = settings ? g_settings_get_string (settings, "unit-style") : NULL;
  return g_strcmp0 (style, "si") == 0 ? 1.0 : d->factor;
}

const char *
pfm_key_display_unit (const char *key)
{
  const PfmKeyDisplay *d = pfm_key_display (key);
  const PfmKeyInfo *info = pfm_config_lookup_key (key);
  if (d == NULL)
    return info ? info->unit : "";
  return pfm_key_display_factor (key) == 1.0 && d->factor != 1.0 ? info->unit : d->unit;
}

char *
pfm_key_display_title (const char *key)
{
  const PfmKeyDisplay *d = pfm_key_display (key);
  const char *label = d ? _(d->label) : key;
  const char *unit = pfm_key_display_unit (key);
  return (unit && unit[0]) ? g_strdup_printf ("%s (%s)", label, _(unit)) : g_strdup (label);
}

static double
display_factor (Control *c)
{
  return pfm_key_display_factor (c->key);
}

static void
set_title (Control *c)
{
  g_autofree char *title = pfm_key_display_title (c->key);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (c->row), title);
  /* The entry is the row's activatable widget: libadwaita labels it by the
   * row's title (a label of its own as well would be read twice). */
}

static char *
display_text (Control *c)
{
  g_autofree char *si = pfm_document_get_value (c->group->document, c->key);
  if (c->info->type != PFM_KEY_DOUBLE || g_str_equal (si, "auto"))
    return g_steal_pointer (&si);
  if (display_factor (c) == 1.0)
    return pfm_locale_number (g_steal_pointer (&si));
  double v = g_ascii_strtod (si, NULL) / display_factor (c);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.6g", v);
  return pfm_locale_number (g_strdup (buf));
}

/* A rejected value: plain text under the field (no markup: the message
 * may hold any character), all of it, in the error colour. */
static void
show_error (Control *c, const char *message)
{
  const char *desc = _(c->info->description);
  if (message)
    {
      gtk_widget_add_css_class (c->entry ? c->entry : c->row, "error");
      gtk_widget_add_css_class (c->row, "pfm-invalid");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (c->row), message);
    }
  else
    {
      if (c->entry)
        gtk_widget_remove_css_class (c->entry, "error");
      gtk_widget_remove_css_class (c->row, "error");
      gtk_widget_remove_css_class (c->row, "pfm-invalid");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (c->row), "");
    }
  gtk_widget_set_tooltip_text (c->row, desc);
}

static gboolean
has_error (Control *c)
{
  return gtk_widget_has_css_class (c->row, "pfm-invalid");
}

/* A number in a message as the fields show numbers: the locale's point. */
static char *
format_shown (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return pfm_locale_number (g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", v)));
}

/* "Wavelength λ must be between 100 and 20000 nm": the field's own label,
 * range and unit, or NULL when the range is not what refused @v. */
static char *
range_message (Control *c, double v_display)
{
  const double f = display_factor (c);
  const double lo = c->info->min / f, hi = c->info->max / f;
  const gboolean has_lo = isfinite (c->info->min) && c->info->min > -G_MAXDOUBLE;
  const gboolean has_hi = isfinite (c->info->max) && c->info->max < G_MAXDOUBLE;
  const gboolean below = has_lo && (c->info->min_exclusive ? v_display <= lo : v_display < lo);
  const gboolean above = has_hi && v_display > hi;
  if (!below && !above)
    return NULL;
  const char *label = c->display ? _(c->display->label) : c->key;
  const char *unit = pfm_key_display_unit (c->key);
  g_autofree char *u = unit && unit[0] ? g_strdup_printf (" %s", _(unit)) : g_strdup ("");
  g_autofree char *a = format_shown (lo), *b = format_shown (hi);
  g_autofree char *msg = NULL;
  if (has_lo && has_hi)
    msg = c->info->min_exclusive
      /* TRANSLATORS: "Waist w₀ must be greater than 0 and at most 5000 µm" */
      ? g_strdup_printf (_("%s must be greater than %s and at most %s%s."), label, a, b, u)
      /* TRANSLATORS: "Wavelength λ must be between 100 and 20000 nm" */
      : g_strdup_printf (_("%s must be between %s and %s%s."), label, a, b, u);
  else if (has_lo)
    msg = c->info->min_exclusive ? g_strdup_printf (_("%s must be greater than %s%s."), label, a, u)
                                 : g_strdup_printf (_("%s must be at least %s%s."), label, a, u);
  else
    msg = g_strdup_printf (_("%s must be at most %s%s."), label, b, u);
  if (c->info->allow_auto)
    {
      g_autofree char *more = g_strdup_printf (_("%s Or type “auto”."), msg);
      return g_steal_pointer (&more);
    }
  return g_steal_pointer (&msg);
}

static void
sync_control (Control *c)
{
  c->updating = TRUE;
  if (c->entry)
    {
      g_autofree char *text = display_text (c);
      gtk_editable_set_text (GTK_EDITABLE (c->entry), text);
      show_error (c, NULL);
    }
  else if (ADW_IS_COMBO_ROW (c->row))
    {
      g_autofree char *v = pfm_document_get_value (c->group->document, c->key);
      for (guint i = 0; c->info->choices[i]; i++)
        if (g_str_equal (c->info->choices[i], v))
          adw_combo_row_set_selected (ADW_COMBO_ROW (c->row), i);
    }
  if (c->scale)
    {
      double p = pfm_document_get_config (c->group->document)->beam.power;
      gtk_range_set_value (GTK_RANGE (c->scale), p > 0 ? log10 (p) : -3.0);
    }
  c->updating = FALSE;
}

/* A typed number: the C form ("1.45") or the locale's ("1,45"), as the
 * field shows it. */
static gboolean
parse_number (const char *text, double *out)
{
  g_autofree char *t = g_strdup (text);
  if (strchr (t, '.') == NULL)
    g_strdelimit (t, ",", '.');
  char *end = NULL;
  double v = g_ascii_strtod (t, &end);
  if (end == t || *end != '\0' || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

static void
apply_text (Control *c, const char *text)
{
  g_autofree char *value = NULL;
  g_autofree char *trim = g_strstrip (g_strdup (text));
  const gboolean numeric = c->info->type == PFM_KEY_DOUBLE || c->info->type == PFM_KEY_INT ||
                           c->info->type == PFM_KEY_UINT64;
  if (numeric && !(c->info->allow_auto && g_ascii_strcasecmp (trim, "auto") == 0))
    {
      double v;
      const char *label = c->display ? _(c->display->label) : c->key;
      if (!parse_number (trim, &v))
        {
          g_autofree char *shown = display_text (c);
          g_autofree char *msg = trim[0] == '\0'
            ? g_strdup_printf (_("%s needs a value, such as %s."), label, shown)
            : g_strdup_printf (_("%s must be a number, such as %s."), label, shown);
          show_error (c, msg);
          return;
        }
      g_autofree char *range = range_message (c, v);
      if (range)
        {
          show_error (c, range);
          return;
        }
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      /* To SI by an exact power of ten: 1550 nm is 1550 / 1e9 = 1.55e-06,
       * where 1550 * 1e-9 would be 1.5500000000000002e-06 in the file. */
      const double f = display_factor (c);
      g_ascii_dtostr (buf, sizeof buf, f < 1.0 ? v / round (1.0 / f) : v * f);
      /* Integers as integers: the engine's parser wants "64", not "64.0". */
      if (c->info->type != PFM_KEY_DOUBLE && v == floor (v) && fabs (v) < 9e15)
        g_snprintf (buf, sizeof buf, "%.0f", v);
      value = g_strdup (buf);
    }
  if (value == NULL)
    value = g_strdup (trim);

  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (c->group->document, c->key, value, &error))
    show_error (c, error->message);
  else
    show_error (c, NULL);
}

static void
entry_activate_cb (GtkEntry *entry, Control *c)
{
  if (!c->updating)
    apply_text (c, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
entry_focus_leave_cb (GtkEventControllerFocus *focus, Control *c)
{
  if (c->updating)
    return;
  g_autofree char *shown = display_text (c);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (c->entry));
  if (g_strcmp0 (shown, text) != 0)
    apply_text (c, text);
  else if (has_error (c))
    show_error (c, NULL);   /* the value in force is back in the field */
}

/* Escape puts the value in force back and clears the message; with
 * nothing to revert it goes on to the window (leaving presentation mode). */
static gboolean
entry_key_cb (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state, Control *c)
{
  /* Ctrl+Z is the project's undo, Ctrl+Shift+Z and Ctrl+Y its redo: the
   * entry's own history would step back past the value shown. */
  const GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK);
  if ((keyval == GDK_KEY_z || keyval == GDK_KEY_Z) && (mods & GDK_CONTROL_MASK) && !(mods & GDK_ALT_MASK))
    {
      sync_control (c);   /* what was typed and not applied goes first */
      gtk_widget_activate_action (c->entry, (mods & GDK_SHIFT_MASK) ? "win.redo" : "win.undo", NULL);
      return TRUE;
    }
  if (keyval == GDK_KEY_y && mods == GDK_CONTROL_MASK)
    {
      sync_control (c);
      gtk_widget_activate_action (c->entry, "win.redo", NULL);
      return TRUE;
    }
  if (keyval != GDK_KEY_Escape)
    return FALSE;
  g_autofree char *shown = display_text (c);
  if (g_strcmp0 (shown, gtk_editable_get_text (GTK_EDITABLE (c->entry))) == 0 && !has_error (c))
    return FALSE;
  sync_control (c);
  return TRUE;
}

static void
combo_selected_cb (AdwComboRow *row, GParamSpec *pspec, Control *c)
{
  if (c->updating)
    return;
  guint i = adw_combo_row_get_selected (row);
  if (i == GTK_INVALID_LIST_POSITION)
    return;
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (c->group->document, c->key, c->info->choices[i], &error))
    {
      show_error (c, error->message);
      sync_control (c);   /* the choice was not applied: show what is */
      show_error (c, error->message);
    }
  else
    show_error (c, NULL);
}

static void
scale_changed_cb (GtkRange *range, Control *c)
{
  if (c->updating)
    return;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.4g", pow (10.0, gtk_range_get_value (range)));
  g_autoptr(GError) error = NULL;
  if (!pfm_document_set (c->group->document, c->key, buf, &error))
    show_error (c, error->message);
}

static void
document_changed_cb (PfmDocument *doc, const char *key, PfmParamGroup *self)
{
  for (guint i = 0; i < self->controls->len; i++)
    {
      Control *c = self->controls->pdata[i];
      if (key == NULL || g_str_equal (key, c->key))
        sync_control (c);
    }
}

/* An entry too narrow for its value: the whole value in its tooltip. */
static void
entry_text_cb (GtkEditable *entry, GParamSpec *pspec, Control *c)
{
  const char *text = gtk_editable_get_text (entry);
  if (g_utf8_strlen (text, -1) > gtk_editable_get_width_chars (entry))
    {
      g_autofree char *tip = g_strdup_printf ("%s\n\n%s", text, _(c->info->description));
      gtk_widget_set_tooltip_text (GTK_WIDGET (entry), tip);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (entry), _(c->info->description));
}

static GtkWidget *
make_row (PfmParamGroup *self, const PfmKeyInfo *info)
{
  Control *c = g_new0 (Control, 1);
  c->group = self;
  c->info = info;
  c->key = g_strdup_printf ("%s.%s", info->group, info->key);
  c->display = pfm_key_display (c->key);
  g_ptr_array_add (self->controls, c);

  if (info->type == PFM_KEY_ENUM)
    {
      GtkStringList *model = gtk_string_list_new ((const char *const *) info->choices);
      c->row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (c->row), G_LIST_MODEL (model));
      g_object_unref (model);
      g_signal_connect (c->row, "notify::selected", G_CALLBACK (combo_selected_cb), c);
    }
  else
    {
      c->row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (c->row), FALSE);
      c->entry = gtk_entry_new ();
      /* Wide enough for a list of three (1e+12,1e+15,1e+18) and a double
       * to full precision; anything longer is in the tooltip. */
      const gboolean wide = info->type == PFM_KEY_STRING || info->type == PFM_KEY_DOUBLE_LIST;
      gtk_editable_set_width_chars (GTK_EDITABLE (c->entry), wide ? 18 : 12);
      gtk_editable_set_max_width_chars (GTK_EDITABLE (c->entry), wide ? 24 : 18);
      g_signal_connect (c->entry, "notify::text", G_CALLBACK (entry_text_cb), c);
      gtk_widget_set_valign (c->entry, GTK_ALIGN_CENTER);
      gtk_entry_set_alignment (GTK_ENTRY (c->entry), 1.0);
      g_signal_connect (c->entry, "activate", G_CALLBACK (entry_activate_cb), c);
      GtkEventController *focus = gtk_event_controller_focus_new ();
      g_signal_connect (focus, "leave", G_CALLBACK (entry_focus_leave_cb), c);
      gtk_widget_add_controller (c->entry, focus);
      /* Before the entry's text sees them: Escape, Ctrl+Z, Ctrl+Shift+Z. */
      GtkEventController *keys = gtk_event_controller_key_new ();
      gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
      g_signal_connect (keys, "key-pressed", G_CALLBACK (entry_key_cb), c);
      gtk_widget_add_controller (c->entry, keys);
      gtk_editable_set_enable_undo (GTK_EDITABLE (c->entry), FALSE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (c->row), c->entry);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (c->row), c->entry);
      /* One Tab stop per value: the entry, not the row around it too. */
      gtk_widget_set_focusable (c->row, FALSE);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (c->row), 0);
      gtk_widget_set_tooltip_text (c->entry, _(info->description));
    }
  gtk_widget_set_tooltip_text (c->row, _(info->description));
  set_title (c);

  if (g_str_equal (c->key, "beam.power"))
    {
      /* Peak power spans fifteen decades: a log slider beside the entry. */
      c->scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, -3.0, 12.0, 0.01);
      gtk_scale_set_draw_value (GTK_SCALE (c->scale), FALSE);
      gtk_widget_set_size_request (c->scale, 110, -1);
      gtk_widget_set_valign (c->scale, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (c->scale, _("log₁₀ of the peak power in W, from 1 mW to 1 TW"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (c->scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Peak power (logarithmic)"), -1);
      g_signal_connect (c->scale, "value-changed", G_CALLBACK (scale_changed_cb), c);
      adw_action_row_add_suffix (ADW_ACTION_ROW (c->row), c->scale);
    }
  sync_control (c);
  return c->row;
}

static void
units_changed_cb (GSettings *settings, const char *key, PfmParamGroup *self)
{
  for (guint i = 0; i < self->controls->len; i++)
    {
      Control *c = self->controls->pdata[i];
      set_title (c);
      sync_control (c);
    }
}

static void
pfm_param_group_dispose (GObject *object)
{
  PfmParamGroup *self = PFM_PARAM_GROUP (object);
  if (pfm_app_settings ())
    g_signal_handlers_disconnect_by_data (pfm_app_settings (), self);
  if (self->document)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  G_OBJECT_CLASS (pfm_param_group_parent_class)->dispose (object);
}

static void
pfm_param_group_finalize (GObject *object)
{
  PfmParamGroup *self = PFM_PARAM_GROUP (object);
  g_ptr_array_unref (self->controls);
  g_free (self->group);
  G_OBJECT_CLASS (pfm_param_group_parent_class)->finalize (object);
}

static void
pfm_param_group_class_init (PfmParamGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = pfm_param_group_dispose;
  object_class->finalize = pfm_param_group_finalize;
}

static void
pfm_param_group_init (PfmParamGroup *self)
{
  self->controls = g_ptr_array_new_with_free_func (control_free);
}

GtkWidget *
pfm_param_group_new (PfmDocument *document, const char *group, const char *title, const char *description)
{
  PfmParamGroup *self = g_object_new (PFM_TYPE_PARAM_GROUP, NULL);
  self->document = g_object_ref (document);
  self->group = g_strdup (group);
  GtkWidget *prefs = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (prefs), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (prefs), description);
  guint n;
  const PfmKeyInfo *keys = pfm_config_keys (&n);
  for (guint i = 0; i < n; i++)
    if (g_str_equal (keys[i].group, group))
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (prefs), make_row (self, &keys[i]));
  adw_bin_set_child (ADW_BIN (self), prefs);
  g_signal_connect (document, "changed", G_CALLBACK (document_changed_cb), self);
  if (pfm_app_settings ())
    g_signal_connect (pfm_app_settings (), "changed::unit-style", G_CALLBACK (units_changed_cb), self);
  return GTK_WIDGET (self);
}
