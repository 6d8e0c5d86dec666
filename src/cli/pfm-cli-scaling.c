/* pfm-cli-scaling.c - `pfm-cli scaling`: the scaling model in a terminal
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-cli"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-cli-common.h"
#include "pfm-config.h"
#include "pfm-scaling.h"

#define COMMAND "scaling"

/* Appends @text left-aligned in @width columns (UTF-8 aware: µ, ², ³). */
static void
append_padded (GString *s, const char *text, glong width)
{
  g_string_append (s, text);
  for (glong w = g_utf8_strlen (text, -1); w < width; w++)
    g_string_append_c (s, ' ');
}

static void
append_row (GString *s, const char *quantity, const char *computed,
            const char *paper, const char *ratio)
{
  g_string_append (s, "  ");
  append_padded (s, quantity, 32);
  if (paper == NULL)
    g_string_append (s, computed);
  else
    {
      append_padded (s, computed, 28);
      if (ratio[0] == '\0')
        g_string_append (s, paper);
      else
        {
          append_padded (s, paper, 20);
          g_string_append (s, ratio);
        }
    }
  g_string_append_c (s, '\n');
}

static char *
fmt (double v, const char *unit)
{
  return pfm_scaling_format_value (v, unit);
}

static char *
ratio_text (double computed, double paper)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3g", computed / paper));
}

static char *
tube_size (double side, double length)
{
  g_autofree char *s = fmt (side, "m");
  g_autofree char *l = fmt (length, "m");
  return g_strdup_printf ("(%s)² x %s", s, l);
}

static char *
approx (double v, const char *unit)
{
  g_autofree char *t = fmt (v, unit);
  return g_strdup_printf ("~%s", t);
}

/* The computed Table 1 column for one P, beside the paper's where the
 * paper has one (1e12, 1e15, 1e18).  @paper NULL: no paper column. */
static void
append_table1 (GString *s, const PfmScalingPoint *p)
{
  const PfmScalingPublished *pub = pfm_scaling_published_lookup (p->params);
  g_autofree char *title = fmt (p->params, "");

  if (pub != NULL)
    g_string_append_printf (s, "P = %s parameters\n", title);
  else
    g_string_append_printf (s, "P = %s parameters (the paper's Table 1 has columns for 1e12, 1e15 and 1e18 only)\n", title);
  append_row (s, "quantity", "computed", pub ? "paper, Table 1" : NULL, "computed/paper");

  {
    g_autofree char *c = tube_size (p->side, p->length);
    g_autofree char *q = pub ? tube_size (pub->optical_side, pub->optical_length) : NULL;
    g_autofree char *r1 = pub ? ratio_text (p->side, pub->optical_side) : NULL;
    g_autofree char *r2 = pub ? ratio_text (p->length, pub->optical_length) : NULL;
    g_autofree char *r = pub ? g_strdup_printf ("%s, %s", r1, r2) : g_strdup ("");
    append_row (s, "optical size (side)² x length", c, pub ? q : NULL, r);
  }
  {
    g_autofree char *c = fmt (p->energy, "J");
    g_autofree char *q = pub ? approx (pub->optical_energy, "J") : NULL;
    g_autofree char *r = pub ? ratio_text (p->energy, pub->optical_energy) : g_strdup ("");
    append_row (s, "optical energy / inference", c, pub ? q : NULL, r);
  }
  {
    g_autofree char *t = fmt (p->time, "s");
    g_autofree char *c = g_strdup_printf ("%s [%s-limited]", t, pfm_scaling_limit_name (p->time_limit));
    g_autofree char *q = pub ? approx (pub->optical_time, "s") : NULL;
    g_autofree char *r = pub ? ratio_text (p->time, pub->optical_time) : g_strdup ("");
    append_row (s, "optical time / inference", c, pub ? q : NULL, r);
  }
  {
    g_autofree char *side = fmt (p->digital_cube_side, "m");
    g_autofree char *c = g_strdup_printf ("(%s)³", side);
    g_autofree char *pside = pub ? fmt (pub->digital_cube_side, "m") : NULL;
    g_autofree char *q = pub ? g_strdup_printf ("(%s)³", pside) : NULL;
    g_autofree char *r = pub ? ratio_text (p->digital_cube_side, pub->digital_cube_side) : g_strdup ("");
    append_row (s, "digital size (cube side)³", c, pub ? q : NULL, r);
  }
  {
    g_autofree char *c = fmt (p->digital_energy, "J");
    g_autofree char *q = pub ? approx (pub->digital_energy, "J") : NULL;
    g_autofree char *r = pub ? ratio_text (p->digital_energy, pub->digital_energy) : g_strdup ("");
    append_row (s, "digital energy / inference", c, pub ? q : NULL, r);
  }
  {
    g_autofree char *c = fmt (p->digital_time, "s");
    g_autofree char *q = pub ? approx (pub->digital_time, "s") : NULL;
    g_autofree char *r = pub ? ratio_text (p->digital_time, pub->digital_time) : g_strdup ("");
    append_row (s, "digital time / inference", c, pub ? q : NULL, r);
  }
  {
    g_autofree char *e = fmt (p->energy_ratio, "");
    g_autofree char *t = fmt (p->time_ratio, "");
    g_autofree char *c = g_strdup_printf ("energy x %s, time x %s", e, t);
    append_row (s, "digital / optical", c, NULL, "");
  }
}

/* Everything else the model derives at one P, one topic per line. */
static void
append_details (GString *s, const PfmScalingInputs *in, const PfmScalingPoint *p)
{
  const PfmScalingPublished *pub = pfm_scaling_published_lookup (p->params);
  const char *indent = "                    ";

  {
    g_autofree char *v = fmt (p->volume, "m^3");
    g_autofree char *a = fmt (p->voxel, "m");
    g_autofree char *x = fmt (p->area, "m^2");
    g_string_append_printf (s, "  glass tube        %s of (%s)³ voxels, cross-section %s\n", v, a, x);
  }
  {
    g_autofree char *io = fmt (p->io_dim, "");
    g_autofree char *m = fmt (p->modes, "");
    g_string_append_printf (s, "  I/O               %s elements in and out; %s guided modes: %s\n", io, m,
                            p->modes_ok ? "enough" : "TOO FEW for the I/O dimension (widen the tube: lower scaling.aspect)");
  }
  {
    g_autofree char *pw = fmt (p->peak_power, "W");
    g_autofree char *ba = fmt (p->beam_area, "m^2");
    g_autofree char *pi = fmt (p->peak_intensity, "W/m^2");
    g_autofree char *ref = pub ? fmt (pub->peak_power, "W") : NULL;
    g_autofree char *refs = ref ? g_strdup_printf (" (paper, App. A: %s)", ref) : g_strdup ("");
    g_string_append_printf (s, "  Kerr phase        peak power %s%s for %.3g rad over the length%s\n",
                            pw, refs, in->phi_nl, in->n2 < 0 ? ", using |n2|" : "");
    g_string_append_printf (s, "%sbeam area %s, peak intensity %s\n", indent, ba, pi);
  }
  {
    g_autofree char *tau = fmt (in->pulse, "s");
    g_autofree char *ep = fmt (p->pulse_energy, "J");
    g_autofree char *eio = fmt (p->io_energy, "J");
    g_autofree char *ref = pub ? fmt (pub->pulse_energy, "J") : NULL;
    g_autofree char *refs = ref ? g_strdup_printf (" (paper, App. A: %s)", ref) : g_strdup ("");
    g_string_append_printf (s, "  energy            pulse %s x %s = %s%s; I/O %s\n", tau, "P0", ep, refs, eio);
  }
  {
    g_autofree char *tp = fmt (p->power_time, "s");
    g_autofree char *tt = fmt (p->transit_time, "s");
    g_autofree char *rate = fmt (p->io_rate_bps, "bit/s");
    g_string_append_printf (s, "  time              average-power limit E/P_avg %s, transit n L/c %s: %s-limited\n",
                            tp, tt, pfm_scaling_limit_name (p->time_limit));
    g_string_append_printf (s, "  I/O data rate     %s at %g bits per element\n", rate, in->bits);
  }
  if (p->defocusing)
    g_string_append (s, "  self-focusing     none: n2 < 0 defocuses, there is no critical power\n");
  else
    {
      g_autofree char *pcr = fmt (p->p_cr, "W");
      g_autofree char *zc = fmt (p->collapse_distance, "m");
      g_autofree char *len = fmt (p->length, "m");
      g_string_append_printf (s, "  self-focusing     P_cr %s, P0/P_cr = %.3g; ", pcr, p->peak_power / p->p_cr);
      if (!isfinite (p->collapse_distance))
        g_string_append (s, "below critical power: no collapse\n");
      else
        g_string_append_printf (s, "Marburger collapse distance %s %s length %s\n", zc,
                                p->self_focusing ? "<" : ">=", len);
      if (p->self_focusing)
        g_string_append_printf (s, "%sa homogeneous tube would COLLAPSE before its end; the paper argues the\n"
                                "%snanostructure suppresses it (try it on a sample with pfm-cli propagate)\n",
                                indent, indent);
    }
  {
    g_autofree char *gpus = fmt (p->digital_gpus, "");
    g_autofree char *vol = fmt (p->digital_volume, "m^3");
    g_string_append_printf (s, "  GPU fleet         %s GPUs (fractional), %s\n", gpus, vol);
  }
  {
    g_autofree char *bits = fmt (p->memory_bits, "");
    g_autofree char *area = fmt (p->memory_area, "m^2");
    g_autofree char *vol = fmt (p->memory_volume, "m^3");
    g_autofree char *cube = fmt (p->memory_cube_side, "m");
    g_autofree char *read = fmt (p->memory_read_time, "s");
    g_string_append_printf (s, "  memory (Sec. I)   %s bits of 3D-NAND: %s, %s stacked (a %s cube); one read %s\n",
                            bits, area, vol, cube, read);
  }
  {
    g_autofree char *meta = fmt (p->metasurface_params, "");
    g_autofree char *wafers = fmt (p->metasurface_wafers, "");
    g_autofree char *slm = fmt (p->slm_params, "");
    g_string_append_printf (s, "  planar (Sec. II)  one wafer metasurface holds %s parameters (%s wafers for P);"
                            " an SLM ~%s\n", meta, wafers, slm);
  }
}

static void
append_assumptions (GString *s, const PfmConfig *cfg, const PfmScalingInputs *in)
{
  guint n_keys = 0;
  const PfmKeyInfo *keys = pfm_config_keys (&n_keys);

  g_string_append (s, "Assumptions (change any with --set KEY=VALUE or in the project file; SI units)\n");
  for (guint i = 0; i < n_keys; i++)
    {
      const PfmKeyInfo *k = &keys[i];
      gboolean optics = g_str_equal (k->group, "optics") &&
        (g_str_equal (k->key, "wavelength") || g_str_equal (k->key, "n0") || g_str_equal (k->key, "n2"));
      if (!optics && !(g_str_equal (k->group, "scaling") && !g_str_equal (k->key, "params")))
        continue;
      g_autofree char *name = g_strdup_printf ("%s.%s", k->group, k->key);
      g_autofree char *value = pfm_config_get_string (cfg, k);
      g_autofree char *shown = g_strdup_printf ("%s%s%s", value, k->unit[0] ? " " : "", k->unit);
      g_string_append (s, "  ");
      append_padded (s, name, 24);
      append_padded (s, shown, 16);
      g_string_append_printf (s, "%s\n", k->description);
    }

  {
    g_autofree char *a = fmt (in->wavelength / in->n, "m");
    g_autofree char *dens = fmt (in->mem_density * 1e-6 / 1e9, "");
    g_autofree char *layer = fmt (in->mem_layer, "m");
    g_autofree char *rate = fmt (in->mem_read_rate, "bit/s");
    g_autofree char *wafer = fmt (in->wafer_diameter, "m");
    g_autofree char *pitch = fmt (in->pixel_pitch, "m");
    g_autofree char *slm = fmt (in->slm_pixels, "");

    g_string_append_printf (s,
      "Fixed in the model\n"
      "  one parameter per voxel of edge lambda/n = %s; tube of square cross-section\n"
      "  guided modes M = A n²/lambda² (no prefactor); I/O dimension not rounded\n"
      "  peak power from Phi_NL = (2 pi/lambda) |n2| (P0/A0) L; energy = P0 tau + 2 N_io e_io;\n"
      "    time = max(energy/P_avg, n L/c) with c = 299792458 m/s\n"
      "  self-focusing (Marburger): P_cr = 3.77 lambda²/(8 pi n n2); collapse distance\n"
      "    0.367 z_R / sqrt((sqrt(P0/P_cr) - 0.852)² - 0.0219) for the Gaussian of equal power and peak\n"
      "    intensity (w0 = sqrt(2 A0/pi), z_R = pi n w0²/lambda), none for P0 <= P_cr\n"
      "  GPU fleet: one %s op per parameter, one read of each GPU's memory per inference, perfect\n"
      "    parallelism, GPUs not rounded up\n"
      "  memory argument (paper Sec. I): %g bits per parameter, %s Gb/mm², %s per layer, read at %s\n"
      "  planar comparison (paper Sec. II): %s wafer, %s pixels; SLM with %s pixels\n",
      a, "8-bit", in->mem_bits_per_param, dens, layer, rate, wafer, pitch, slm);
  }
  if (in->years > 0)
    g_string_append_printf (s, "  digital energy and time divided by %g^%g = %.3g (years ahead)\n",
                            in->gpu_gain, in->years, pow (in->gpu_gain, in->years));
}

static char *
format_table (const PfmConfig *cfg, const PfmScalingInputs *in,
              const PfmScalingPoint *points, gsize n_points)
{
  GString *s = g_string_new (NULL);

  g_string_append (s,
    "PFM Explorer scaling model: an optical physical foundation model (a tube of\n"
    "nanostructured glass) against a fleet of GPUs, computed from the assumptions below.\n"
    "Paper: Wright, Wang, Onodera, McMahon, \"Physical Foundation Models\",\n"
    "arXiv:2604.27911 (2026).  Its Table 1 cells are orders of magnitude, rounded up:\n"
    "the \"paper, Table 1\" column is that reference, never an input.\n\n");

  for (gsize i = 0; i < n_points; i++)
    {
      append_table1 (s, &points[i]);
      g_string_append_c (s, '\n');
      append_details (s, in, &points[i]);
      g_string_append_c (s, '\n');
    }
  append_assumptions (s, cfg, in);
  return g_string_free (s, FALSE);
}

/**
 * pfm_cli_scaling:
 * @argc: argument count; @argv[0] is "scaling"
 * @argv: arguments
 *
 * `pfm-cli scaling [PROJECT.pfm] [--set KEY=VALUE]... [--params LIST]
 * [--format table|csv|json] [-o FILE]` (docs/cli.md).
 *
 * Returns: the exit status
 */
int
pfm_cli_scaling (int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *params = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;

  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a project key, e.g. optics.n2=2.7e-20 (repeatable)", "KEY=VALUE" },
    { "params", 0, 0, G_OPTION_ARG_STRING, &params,
      "Parameter counts, comma-separated (overrides scaling.params)", "LIST" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "table (default), csv or json", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write to FILE (atomically) instead of standard output", "FILE" },
    { NULL }
  };

  g_autoptr(GOptionContext) context = g_option_context_new ("[PROJECT.pfm]");
  g_option_context_set_summary (context,
    "The scaling model (docs/physics.md section 2): size, energy and time per inference of an\n"
    "optical physical foundation model against a GPU fleet, beside the paper's Table 1.");
  g_option_context_set_description (context,
    "JSON is an array of objects, one per parameter count, all SI; ratios are digital/optical;\n"
    "an infinite value (no collapse) is null.  Exit status: 0 success, 2 bad usage or value.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_set_prgname ("pfm-cli " COMMAND);

  if (!pfm_cli_parse (context, COMMAND, &argc, &argv))
    return PFM_EXIT_USAGE;
  if (argc > 2)
    {
      pfm_cli_error (COMMAND, "unexpected argument \"%s\": accepted at most one PROJECT.pfm", argv[2]);
      return PFM_EXIT_USAGE;
    }
  const char *project = argc == 2 ? argv[1] : NULL;

  const char *fmt_name = format ? format : "table";
  if (!g_str_equal (fmt_name, "table") && !g_str_equal (fmt_name, "csv") && !g_str_equal (fmt_name, "json"))
    {
      pfm_cli_error (COMMAND, "--format %s: accepted table, csv or json", fmt_name);
      return PFM_EXIT_USAGE;
    }

  /* --params is scaling.params, applied after every --set. */
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  if (sets != NULL)
    g_strv_builder_addv (builder, (const char **) sets);
  g_autofree char *params_set = params ? g_strdup_printf ("scaling.params=%s", params) : NULL;
  if (params_set != NULL)
    g_strv_builder_add (builder, params_set);
  g_auto(GStrv) assignments = g_strv_builder_end (builder);

  g_autoptr(PfmConfig) cfg = pfm_cli_load_config (project, assignments);
  if (cfg == NULL)
    return PFM_EXIT_USAGE;
  g_autoptr(PfmCliFiles) files = pfm_cli_files_new ();
  pfm_cli_files_add_config (files, cfg, project);
  pfm_cli_files_add (files, "-o", output, TRUE);
  int files_status = pfm_cli_files_check (files, COMMAND);
  if (files_status != PFM_EXIT_OK)
    return files_status;

  PfmScalingInputs in;
  pfm_scaling_inputs_from_config (&in, cfg);
  g_autofree PfmScalingPoint *points =
    pfm_scaling_compute_list (&in, cfg->scaling.params, cfg->scaling.n_params, &error);
  if (points == NULL)
    {
      pfm_cli_error (COMMAND, "%s", error->message);
      return PFM_EXIT_USAGE;
    }

  g_autofree char *text = NULL;
  if (g_str_equal (fmt_name, "json"))
    text = pfm_scaling_to_json (points, cfg->scaling.n_params);
  else if (g_str_equal (fmt_name, "csv"))
    text = pfm_scaling_to_csv (points, cfg->scaling.n_params);
  else
    text = format_table (cfg, &in, points, cfg->scaling.n_params);

  if (!pfm_cli_write_output (output, text, strlen (text), &error))
    {
      pfm_cli_error (COMMAND, "%s", error->message);
      return PFM_EXIT_FAILED;
    }
  return PFM_EXIT_OK;
}
