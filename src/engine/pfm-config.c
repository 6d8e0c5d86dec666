/* pfm-config.c - the project configuration: one validation table for every key
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-config"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pfm-config.h"
#include "pfm-config-private.h"
#include "pfm-file.h"
#include "pfm-export.h"

G_DEFINE_QUARK (pfm-config-error-quark, pfm_config_error)

static const char *const profile_names[] = { "step", "grin", "none", NULL };
static const char *const medium_names[] = { "random", "none", "file", NULL };
static const char *const beam_names[] = { "gaussian", "slm", NULL };
static const char *const encoding_names[] = { "amplitude", "phase", NULL };
static const char *const init_names[] = { "random", "zero", "design", NULL };
static const char *const boolean_names[] = { "false", "true", NULL };

#define OFF(field) offsetof (PfmConfig, field)
#define D(g, k, field, unit, lo, hi, def, desc) \
  { g, k, PFM_KEY_DOUBLE, OFF (field), unit, lo, hi, FALSE, FALSE, NULL, def, desc }
#define DX(g, k, field, unit, lo, hi, def, desc) \
  { g, k, PFM_KEY_DOUBLE, OFF (field), unit, lo, hi, TRUE, FALSE, NULL, def, desc }
#define DA(g, k, field, unit, lo, hi, def, desc) \
  { g, k, PFM_KEY_DOUBLE, OFF (field), unit, lo, hi, FALSE, TRUE, NULL, def, desc }
#define I(g, k, field, lo, hi, def, desc) \
  { g, k, PFM_KEY_INT, OFF (field), "", lo, hi, FALSE, FALSE, NULL, def, desc }
#define U(g, k, field, def, desc) \
  { g, k, PFM_KEY_UINT64, OFF (field), "", 0, 18446744073709551615.0, FALSE, FALSE, NULL, def, desc }
#define E(g, k, field, names, def, desc) \
  { g, k, PFM_KEY_ENUM, OFF (field), "", 0, 0, FALSE, FALSE, names, def, desc }
/* A string key's max is its length limit in bytes. */
#define S(g, k, field, def, desc) \
  { g, k, PFM_KEY_STRING, OFF (field), "", 0, PFM_CONFIG_MAX_STRING_BYTES, FALSE, FALSE, NULL, def, desc }
#define SL(g, k, field, max_bytes, def, desc) \
  { g, k, PFM_KEY_STRING, OFF (field), "", 0, max_bytes, FALSE, FALSE, NULL, def, desc }

/* The one validation table.  Ranges are wide enough for every regime the
 * app teaches and narrow enough that the arithmetic stays finite; the
 * cross-key rules live in pfm_config_validate(). */
static const PfmKeyInfo keys[] = {
  D  ("optics", "wavelength", optics.wavelength, "m", 1e-7, 2e-5, "1.55e-06",
      "Vacuum wavelength lambda; sets k0 = 2 pi / lambda, the voxel size lambda/n0 and the diffraction length."),
  D  ("optics", "n0", optics.n0, "", 1.0, 4.0, "1.5",
      "Core refractive index n0 (fused silica ~1.5); the wavenumber in the glass is k = k0 n0."),
  D  ("optics", "n2", optics.n2, "m^2/W", -1e-16, 1e-16, "1e-20",
      "Kerr coefficient: the index rises by n2 I at intensity I (silica ~2.7e-20 m^2/W; the paper uses 1e-20)."),
  D  ("optics", "loss", optics.loss, "1/m", 0.0, 1e6, "0",
      "Power attenuation coefficient alpha: the field decays as exp(-alpha z / 2)."),

  E  ("tube", "profile", tube.profile, profile_names, "step",
      "Guiding profile: step (square core in a cladding set by the NA), grin (parabolic circular core) or none (homogeneous glass)."),
  DX ("tube", "side", tube.side, "m", 0.0, 1e-2, "3.2e-05",
      "Side of the square core of the simulated sample (the real device is far larger: see the scaling model)."),
  DX ("tube", "length", tube.length, "m", 0.0, 1.0, "0.0005",
      "Length of the simulated sample along z; the run takes ceil(length / dz) steps."),
  D  ("tube", "na", tube.na, "", 0.0, 4.0, "0.2",
      "Numerical aperture of the step profile: the cladding index is sqrt(n0^2 - NA^2)."),
  D  ("tube", "grin_delta", tube.grin_delta, "", 0.0, 0.5, "0.01",
      "Graded-index contrast: n(r) = n0 (1 - delta (r/R)^2) inside the core of radius R = side/2."),

  E  ("medium", "kind", medium.kind, medium_names, "random",
      "Index voxels written into the core: random (seeded), none, or loaded from an index-map file."),
  D  ("medium", "delta_n", medium.delta_n, "", 0.0, 0.5, "0.001",
      "Amplitude of the random voxel index perturbation: each voxel's dn is uniform in [-delta_n, +delta_n]."),
  DA ("medium", "voxel", medium.voxel, "m", 1e-8, 1e-3, "auto",
      "Voxel edge a_vox (auto = lambda/n0); each voxel is one parameter of the physical model."),
  U  ("medium", "seed", medium.seed, "1",
      "Seed of the random voxel map: the same seed gives the same medium on every machine."),
  S  ("medium", "file", medium.file, "",
      "Index-map file (PFM-INDEX-MAP format, see the README) used when kind = file."),

  E  ("beam", "kind", beam.kind, beam_names, "gaussian",
      "Input field: a Gaussian beam, or an input vector written by a spatial light modulator (SLM)."),
  D  ("beam", "power", beam.power, "W", 0.0, 1e15, "1",
      "Peak power P0 of the pulse; the Kerr phase grows as n2 P0 / area and self-focusing sets in near P_cr."),
  DX ("beam", "waist", beam.waist, "m", 0.0, 1e-1, "8e-06",
      "Gaussian waist w0 (1/e^2 intensity radius); the Rayleigh range is pi n0 w0^2 / lambda."),
  D  ("beam", "offset_x", beam.offset_x, "m", -1.0, 1.0, "0",
      "Transverse offset of the beam centre from the tube axis along x."),
  D  ("beam", "offset_y", beam.offset_y, "m", -1.0, 1.0, "0",
      "Transverse offset of the beam centre from the tube axis along y."),
  D  ("beam", "tilt_x", beam.tilt_x, "rad", -1.5, 1.5, "0",
      "Propagation angle inside the medium in the xz plane: the field carries exp(i k sin(tilt) x)."),
  D  ("beam", "tilt_y", beam.tilt_y, "rad", -1.5, 1.5, "0",
      "Propagation angle inside the medium in the yz plane: the field carries exp(i k sin(tilt) y)."),
  I  ("beam", "slm_pixels", beam.slm_pixels, 1, PFM_CONFIG_MAX_SLM_PIXELS, "16",
      "Number of SLM macro-pixels (the input dimension), tiled over the core's input facet."),
  E  ("beam", "encoding", beam.encoding, encoding_names, "amplitude",
      "SLM encoding: amplitude (field ~ x) or phase (field ~ exp(i phase_range x), itself a nonlinearity)."),
  /* Long enough for a list of the most macro-pixels (slm_pixels). */
  SL ("beam", "input", beam.input, PFM_CONFIG_MAX_INPUT_BYTES, "random:1",
      "Input vector: random:SEED, or slm_pixels comma-separated values in [0, 1]."),
  D  ("beam", "phase_range", beam.phase_range, "rad", 0.0, 100.0, "3.141592653589793",
      "Phase encoding maps an input value x in [0, 1] to the phase phase_range * x."),
  I  ("beam", "slm_bits", beam.slm_bits, 0, 24, "0",
      "SLM resolution: each input value is rounded to one of 2^bits levels before encoding (0 = ideal)."),

  I  ("detector", "regions", detector.regions, 1, 4096, "16",
      "Number of detector regions tiled over the core's output facet (the output dimension)."),
  I  ("detector", "bits", detector.bits, 0, 24, "0",
      "ADC resolution of each detector reading (0 = ideal, no quantisation)."),
  D  ("detector", "noise", detector.noise, "", 0.0, 1.0, "0",
      "Detector noise, relative rms of each region's reading."),

  I  ("grid", "n", grid.n, 16, 16384, "256",
      "Transverse samples per side; the grid spacing is window / n and must resolve each voxel twice."),
  DA ("grid", "window", grid.window, "m", 1e-7, 1.0, "auto",
      "Transverse size of the computational window (auto = 2 x side); it must hold the tube and its absorber."),
  DX ("grid", "dz", grid.dz, "m", 0.0, 1e-2, "5e-07",
      "Propagation step; the real-space phase per step k0 dz (dn + n2 I) should stay below 0.5 rad."),
  D  ("grid", "absorber", grid.absorber, "", 0.0, 0.4, "0.1",
      "Width of the absorbing layer on each side as a fraction of the window; it stops light wrapping around."),
  I  ("grid", "record_every", grid.record_every, 1, 1000000, "4",
      "Every n-th step is recorded (a diagnostics row and a volume slice)."),

  U  ("defects", "seed", defects.seed, "1",
      "Seed of the fabricated copy's perturbations."),
  D  ("defects", "sigma", defects.sigma, "", 0.0, 10.0, "0",
      "Voxel write error: Gaussian, rms relative to delta_n (independent per voxel, or correlated over corr_length)."),
  D  ("defects", "corr_length", defects.corr_length, "m", 0.0, 1e-3, "0",
      "Correlation length l_c of the write error: its correlation is exp(-r^2 / l_c^2) (0 = independent voxels)."),
  D  ("defects", "scale_error", defects.scale_error, "", -0.9, 10.0, "0",
      "Systematic relative error of the written index contrast."),
  D  ("defects", "stuck_fraction", defects.stuck_fraction, "", 0.0, 1.0, "0",
      "Fraction of written voxels that fail, half stuck at 0 and half at the maximum +delta_n."),
  D  ("defects", "inclusion_density", defects.inclusion_density, "1/m^3", 0.0, 1e21, "0",
      "Number density of scattering inclusions (bubbles, voids) in the written block."),
  D  ("defects", "inclusion_radius", defects.inclusion_radius, "m", 0.0, 1e-4, "5e-07",
      "Radius of each scattering inclusion."),
  D  ("defects", "inclusion_dn", defects.inclusion_dn, "", -1.0, 1.0, "-0.45",
      "Index of an inclusion relative to n0: it replaces the voxel's index where it sits (a void in silica is about -0.45)."),
  D  ("defects", "taper", defects.taper, "", -0.9, 0.9, "0",
      "Relative change of the core side from the input to the output facet (linear in z)."),
  D  ("defects", "roughness", defects.roughness, "m", 0.0, 1e-5, "0",
      "Sidewall roughness: each wall of the core moves by a random amount of this rms at every voxel layer."),
  D  ("defects", "drift_time", defects.drift_time, "s", 0.0, 1e10, "0",
      "Age of the device: the written index relaxes as exp(-t / tau)."),
  DX ("defects", "drift_tau", defects.drift_tau, "s", 0.0, 1e12, "3.15e7",
      "Relaxation time constant of the written index."),
  D  ("defects", "temperature_gradient", defects.temperature_gradient, "K/m", -1e6, 1e6, "0",
      "Transverse temperature gradient along x (zero change on the axis): the index tilts by dn/dT x gradient x x, which steers the light."),
  D  ("defects", "dn_dT", defects.dn_dT, "1/K", -1e-3, 1e-3, "1e-05",
      "Thermo-optic coefficient (silica ~1e-5 /K)."),
  D  ("defects", "side_error", defects.side_error, "", -0.5, 0.5, "0",
      "Relative error of the core side (the guide's cladding boundary; the voxel lattice stays where it was written)."),
  D  ("defects", "offset", defects.offset, "", -0.1, 0.1, "0",
      "Systematic index offset added to every written voxel, before drift."),

  S  ("train", "dataset", train.dataset, "digits",
      "Training data: digits (scikit-learn's 8x8), fashion-mnist, idx:IMAGES:LABELS or csv:PATH (features, then the label)."),
  D  ("train", "test_fraction", train.test_fraction, "", 0.0, 0.9, "0.2",
      "Share of the examples held out for the test set (a dataset with its own test set keeps it)."),
  D  ("train", "validation_fraction", train.validation_fraction, "", 0.0, 0.9, "0.1",
      "Share of the examples held out from training to validate each epoch."),
  U  ("train", "split_seed", train.split_seed, "1",
      "Seed of the train / validation / test split: the same seed gives the same split on every machine."),
  I  ("train", "epochs", train.epochs, 1, 100000, "6",
      "Passes over the training set."),
  I  ("train", "batch", train.batch, 1, 100000, "32",
      "Examples per minibatch: one Adam step per minibatch."),
  DX ("train", "lr", train.lr, "", 0.0, 100.0, "0.1",
      "Adam learning rate on the voxel parameters theta (each voxel's dn = delta_n tanh theta)."),
  DX ("train", "lr_decay", train.lr_decay, "", 0.0, 1.0, "0.7",
      "Factor applied to the learning rate after each epoch."),
  U  ("train", "seed", train.seed, "1",
      "Seed of the initial design, the minibatch order and the noise-aware copies."),
  E  ("train", "init", train.init, init_names, "zero",
      "Initial design: zero (plain guide), random (small seeded dn) or design (the project's own medium)."),
  DX ("train", "temperature", train.temperature, "", 0.0, 1e6, "10",
      "Initial softmax temperature T on the normalised detector powers; it is trained with the glass."),
  E  ("train", "noise_aware", train.noise_aware, boolean_names, "false",
      "Train through a freshly fabricated copy (the [defects] models) for every minibatch."),
  I  ("train", "max_examples", train.max_examples, 0, 100000000, "0",
      "Use at most this many examples of the dataset (0 = all), keeping the split's proportions."),

  S  ("render", "transfer", render.transfer, "",
      "How the Volume view maps intensity to colour and opacity (colormap, scale, opacity points); empty for the default."),

  { "scaling", "params", PFM_KEY_DOUBLE_LIST, OFF (scaling.params), "", 1.0, 1e30, FALSE, FALSE, NULL,
    "1e12,1e15,1e18", "Parameter counts P to tabulate (comma-separated)." },
  D  ("scaling", "aspect", scaling.aspect, "", 1.0, 1e9, "1000",
      "Tube aspect ratio r = length / side (the paper uses 1000)."),
  DX ("scaling", "beam_fraction", scaling.beam_fraction, "", 0.0, 1.0, "0.5",
      "Beam side as a fraction of the tube side; the beam area is (fraction x side)^2."),
  DX ("scaling", "phi_nl", scaling.phi_nl, "rad", 0.0, 1e3, "6.283185307",
      "Target nonlinear phase over the tube; sets the peak power (the paper uses 2 pi)."),
  D  ("scaling", "pulse", scaling.pulse, "s", 1e-16, 1.0, "1e-12",
      "Pulse duration tau; the pulse energy is P0 tau."),
  D  ("scaling", "e_io", scaling.e_io, "J", 0.0, 1.0, "1e-10",
      "Energy per input or output element (modulation, detection, digitisation)."),
  DX ("scaling", "p_avg", scaling.p_avg, "W", 0.0, 1e9, "1000",
      "Average optical power the tube can carry; limits the inference rate."),
  D  ("scaling", "io_exponent", scaling.io_exponent, "", 0.0, 1.0, "0.333333333",
      "The I/O dimension is P^exponent (the paper uses 1/3)."),
  D  ("scaling", "bits", scaling.bits, "", 1.0, 64.0, "2",
      "Bits per input/output element, for the I/O data rate."),
  DX ("scaling", "e_op", scaling.e_op, "J", 0.0, 1.0, "1e-12",
      "GPU energy per 8-bit operation (one op per parameter per inference)."),
  DX ("scaling", "gpu_mem", scaling.gpu_mem, "B", 0.0, 1e15, "192e9",
      "Memory per GPU (B200-class: 192 GB)."),
  DX ("scaling", "gpu_bw", scaling.gpu_bw, "B/s", 0.0, 1e16, "8e12",
      "Memory bandwidth per GPU (B200-class: 8 TB/s); one read of memory per inference."),
  DX ("scaling", "gpu_volume", scaling.gpu_volume, "m^3", 0.0, 10.0, "1e-3",
      "Volume per GPU (about 1000 cm^3)."),
  DX ("scaling", "bytes_per_param", scaling.bytes_per_param, "B", 0.0, 16.0, "1",
      "Bytes per stored parameter on the GPU."),
  D  ("scaling", "gpu_gain", scaling.gpu_gain, "", 1.0, 100.0, "1.5",
      "Yearly improvement factor of digital energy and time."),
  D  ("scaling", "years", scaling.years, "", 0.0, 100.0, "0",
      "Years ahead for the digital baseline: its energy and time are divided by gain^years."),
};

#undef D
#undef DX
#undef DA
#undef I
#undef U
#undef E
#undef S
#undef OFF

const PfmKeyInfo *
pfm_config_keys (guint *n_keys)
{
  if (n_keys != NULL)
    *n_keys = G_N_ELEMENTS (keys);
  return keys;
}

const PfmKeyInfo *
pfm_config_lookup_key (const char *group_dot_key)
{
  g_return_val_if_fail (group_dot_key != NULL, NULL);

  const char *dot = strchr (group_dot_key, '.');
  if (dot == NULL)
    return NULL;
  gsize glen = dot - group_dot_key;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strlen (keys[i].group) == glen &&
        strncmp (keys[i].group, group_dot_key, glen) == 0 &&
        strcmp (keys[i].key, dot + 1) == 0)
      return &keys[i];
  return NULL;
}

PfmAffects
pfm_config_key_affects (const char *group_dot_key)
{
  /* A group's keys feed the same computations, but for the few keys that
   * also define the training examples. */
  static const struct { const char *group; PfmAffects affects; } groups[] = {
    { "optics", PFM_AFFECTS_SCALING | PFM_AFFECTS_RUN },
    { "scaling", PFM_AFFECTS_SCALING },
    { "render", PFM_AFFECTS_RENDER },
  };
  static const char *const dataset_keys[] = {
    "train.dataset", "train.test_fraction", "train.validation_fraction", "train.split_seed",
    "train.max_examples", "beam.slm_pixels", "detector.regions", NULL,
  };
  const PfmKeyInfo *k = group_dot_key ? pfm_config_lookup_key (group_dot_key) : NULL;
  if (k == NULL)
    return PFM_AFFECTS_ALL;
  if (g_strv_contains (dataset_keys, group_dot_key))
    return PFM_AFFECTS_RUN | PFM_AFFECTS_DATASET;
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    if (g_str_equal (k->group, groups[i].group))
      return groups[i].affects;
  return PFM_AFFECTS_RUN;
}

static gpointer
field_ptr (const PfmConfig *cfg, const PfmKeyInfo *k)
{
  return (guint8 *) cfg + k->offset;
}

char *
pfm_config_format_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite (v))
    return g_strdup (isnan (v) ? "nan" : v > 0 ? "inf" : "-inf");
  for (int prec = 6; prec <= 17; prec++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  return g_strdup (buf);
}

static char *
range_text (const PfmKeyInfo *k)
{
  g_autofree char *lo = pfm_config_format_double (k->min);
  g_autofree char *hi = pfm_config_format_double (k->max);
  const char *unit = k->unit[0] ? k->unit : "";
  return g_strdup_printf ("%s%s, %s]%s%s%s",
                          k->min_exclusive ? "(" : "[", lo, hi,
                          unit[0] ? " " : "", unit,
                          k->allow_auto ? " or auto" : "");
}

gboolean
pfm_config_parse_double (const char *text, double *out)
{
  char *end = NULL;
  errno = 0;
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;
  double v = g_ascii_strtod (text, &end);
  if (end == text || errno == ERANGE)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
check_double_range (const PfmKeyInfo *k, double v, GError **error)
{
  if ((k->min_exclusive ? v > k->min : v >= k->min) && v <= k->max)
    return TRUE;
  g_autofree char *range = range_text (k);
  g_autofree char *val = pfm_config_format_double (v);
  g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE,
               "%s.%s = %s is out of range: accepted %s",
               k->group, k->key, val, range);
  return FALSE;
}

/* @text as a message shows it: escaped to printable ASCII (a message must
 * stay one line of valid UTF-8 whatever a file holds) and cut to 64 bytes,
 * so a 1 MiB value cannot become a 1 MiB message. */
char *
pfm_config_shown_text (const char *text)
{
  char *shown = g_strescape (text, NULL);
  if (strlen (shown) > 64)
    strcpy (shown + 60, "...");
  return shown;
}

static gboolean
bad_type (const PfmKeyInfo *k, const char *value, const char *what, GError **error)
{
  g_autofree char *range = NULL;
  if (k->type == PFM_KEY_DOUBLE || k->type == PFM_KEY_INT || k->type == PFM_KEY_DOUBLE_LIST)
    range = range_text (k);
  g_autofree char *shown = pfm_config_shown_text (value);
  g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_BAD_TYPE,
               "%s.%s = \"%s\" is not %s%s%s",
               k->group, k->key, shown, what,
               range ? ": accepted " : "", range ? range : "");
  return FALSE;
}

/* set_value for a number key: "auto" (where the key allows it) or a
 * finite number in range. */
static gboolean
set_double (double *p, const PfmKeyInfo *k, const char *value, GError **error)
{
  double v;
  g_autofree char *trimmed = g_strstrip (g_strdup (value));
  if (k->allow_auto && g_ascii_strcasecmp (trimmed, "auto") == 0)
    {
      *p = 0.0;
      return TRUE;
    }
  if (!pfm_config_parse_double (value, &v))
    return bad_type (k, value, "a finite number", error);
  if (!check_double_range (k, v, error))
    return FALSE;
  *p = v;
  return TRUE;
}

/* set_value for an integer key: a 32-bit integer in range. */
static gboolean
set_int (int *p, const PfmKeyInfo *k, const char *value, GError **error)
{
  gint64 v;
  g_autofree char *s = g_strstrip (g_strdup (value));
  if (!g_ascii_string_to_signed (s, 10, G_MININT32, G_MAXINT32, &v, NULL))
    return bad_type (k, value, "an integer", error);
  if (v < k->min || v > k->max)
    {
      g_autofree char *range = range_text (k);
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE,
                   "%s.%s = %" G_GINT64_FORMAT " is out of range: accepted %s",
                   k->group, k->key, v, range);
      return FALSE;
    }
  *p = (int) v;
  return TRUE;
}

/* set_value for a choice key: one of its names, in any case. */
static gboolean
set_enum (int *p, const PfmKeyInfo *k, const char *value, GError **error)
{
  g_autofree char *s = g_strstrip (g_strdup (value));
  for (int i = 0; k->choices[i] != NULL; i++)
    if (g_ascii_strcasecmp (s, k->choices[i]) == 0)
      {
        *p = i;
        return TRUE;
      }
  g_autofree char *list = g_strjoinv ("|", (char **) k->choices);
  g_autofree char *what = g_strdup_printf ("one of %s", list);
  return bad_type (k, value, what, error);
}

/* set_value for scaling.params: 1 to 1000 comma-separated numbers, each
 * in range. */
static gboolean
set_double_list (PfmConfig *cfg, const PfmKeyInfo *k, const char *value, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);
  guint n = g_strv_length (parts);
  if (n == 0 || n > 1000)
    return bad_type (k, value, "a list of 1 to 1000 comma-separated numbers", error);
  g_autofree double *vals = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      if (!pfm_config_parse_double (parts[i], &vals[i]))
        return bad_type (k, value, "a comma-separated list of finite numbers", error);
      if (!check_double_range (k, vals[i], error))
        return FALSE;
    }
  g_free (cfg->scaling.params);
  cfg->scaling.params = g_steal_pointer (&vals);
  cfg->scaling.n_params = n;
  return TRUE;
}

static gboolean
set_value (PfmConfig *cfg, const PfmKeyInfo *k, const char *value, GError **error)
{
  gpointer p = field_ptr (cfg, k);

  switch (k->type)
    {
    case PFM_KEY_DOUBLE:
      return set_double (p, k, value, error);
    case PFM_KEY_INT:
      return set_int (p, k, value, error);
    case PFM_KEY_UINT64:
      {
        guint64 v;
        g_autofree char *s = g_strstrip (g_strdup (value));
        if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT64, &v, NULL))
          return bad_type (k, value, "an unsigned integer in [0, 18446744073709551615]", error);
        *(guint64 *) p = v;
        return TRUE;
      }
    case PFM_KEY_ENUM:
      return set_enum (p, k, value, error);
    case PFM_KEY_STRING:
      if ((double) strlen (value) > k->max || !g_utf8_validate (value, -1, NULL))
        {
          g_autofree char *what = g_strdup_printf ("a UTF-8 string of at most %.0f bytes", k->max);
          return bad_type (k, value, what, error);
        }
      g_free (*(char **) p);
      *(char **) p = g_strdup (value);
      return TRUE;
    case PFM_KEY_DOUBLE_LIST:
      return set_double_list (cfg, k, value, error);
    default:
      g_assert_not_reached ();
    }
}

PfmConfig *
pfm_config_new (void)
{
  PfmConfig *cfg = g_new0 (PfmConfig, 1);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) error = NULL;
      if (!set_value (cfg, &keys[i], keys[i].default_value, &error))
        g_error ("default of %s.%s is invalid: %s", keys[i].group, keys[i].key, error->message);
    }
  return cfg;
}

PfmConfig *
pfm_config_copy (const PfmConfig *cfg)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  PfmConfig *copy = g_memdup2 (cfg, sizeof *cfg);
  copy->medium.file = g_strdup (cfg->medium.file);
  copy->beam.input = g_strdup (cfg->beam.input);
  copy->render.transfer = g_strdup (cfg->render.transfer);
  copy->train.dataset = g_strdup (cfg->train.dataset);
  copy->scaling.params = g_memdup2 (cfg->scaling.params, cfg->scaling.n_params * sizeof (double));
  return copy;
}

void
pfm_config_free (PfmConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_free (cfg->medium.file);
  g_free (cfg->beam.input);
  g_free (cfg->render.transfer);
  g_free (cfg->train.dataset);
  g_free (cfg->scaling.params);
  g_free (cfg);
}

gboolean
pfm_config_set (PfmConfig *cfg, const char *group_dot_key, const char *value, GError **error)
{
  g_return_val_if_fail (cfg != NULL, FALSE);
  g_return_val_if_fail (group_dot_key != NULL && value != NULL, FALSE);

  const PfmKeyInfo *k = pfm_config_lookup_key (group_dot_key);
  if (k == NULL)
    {
      g_autofree char *shown = pfm_config_shown_text (group_dot_key);
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_UNKNOWN_KEY,
                   "unknown key \"%s\": keys are group.key, e.g. optics.wavelength "
                   "(see pfm-cli --help or the README for the list)", shown);
      return FALSE;
    }
  return set_value (cfg, k, value, error);
}

gboolean
pfm_config_set_assignment (PfmConfig *cfg, const char *assignment, GError **error)
{
  const char *eq = strchr (assignment, '=');
  if (eq == NULL)
    {
      g_autofree char *shown = pfm_config_shown_text (assignment);
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE,
                   "--set \"%s\": expected group.key=value, e.g. optics.wavelength=1.55e-6", shown);
      return FALSE;
    }
  g_autofree char *key = g_strstrip (g_strndup (assignment, eq - assignment));
  return pfm_config_set (cfg, key, eq + 1, error);
}

char *
pfm_config_get_string (const PfmConfig *cfg, const PfmKeyInfo *k)
{
  gpointer p = field_ptr (cfg, k);
  switch (k->type)
    {
    case PFM_KEY_DOUBLE:
      if (k->allow_auto && *(double *) p == 0.0)
        return g_strdup ("auto");
      return pfm_config_format_double (*(double *) p);
    case PFM_KEY_INT:
      return g_strdup_printf ("%d", *(int *) p);
    case PFM_KEY_UINT64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, *(guint64 *) p);
    case PFM_KEY_ENUM:
      return g_strdup (k->choices[*(int *) p]);
    case PFM_KEY_STRING:
      return g_strdup (*(char **) p ? *(char **) p : "");
    case PFM_KEY_DOUBLE_LIST:
      {
        GString *s = g_string_new (NULL);
        for (gsize i = 0; i < cfg->scaling.n_params; i++)
          {
            g_autofree char *v = pfm_config_format_double (cfg->scaling.params[i]);
            g_string_append_printf (s, "%s%s", i ? "," : "", v);
          }
        return g_string_free (s, FALSE);
      }
    default:
      g_assert_not_reached ();
    }
}

gboolean
pfm_config_load_key_file (PfmConfig *cfg, GKeyFile *kf, GError **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);

  /* Work on a copy so a bad file leaves cfg untouched. */
  g_autoptr(PfmConfig) work = pfm_config_copy (cfg);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) names = g_key_file_get_keys (kf, groups[g], NULL, NULL);
      if (g_str_equal (groups[g], "project"))
        {
          /* Free-form metadata; only the format version is checked. */
          g_autofree char *version = g_key_file_get_value (kf, "project", "version", NULL);
          if (version != NULL && g_strcmp0 (g_strstrip (version), "1") != 0)
            {
              g_autofree char *shown = pfm_config_shown_text (version);
              g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE,
                           "project.version = %s is not supported: this build reads version 1",
                           shown);
              return FALSE;
            }
          continue;
        }
      for (guint i = 0; names && names[i] != NULL; i++)
        {
          g_autofree char *full = g_strdup_printf ("%s.%s", groups[g], names[i]);
          g_autofree char *raw = g_key_file_get_value (kf, groups[g], names[i], NULL);
          if (raw == NULL)
            continue;
          const PfmKeyInfo *k = pfm_config_lookup_key (full);
          /* String values keep GKeyFile's escapes decoded. */
          g_autofree char *value = (k && k->type == PFM_KEY_STRING)
            ? g_key_file_get_string (kf, groups[g], names[i], NULL) : g_strdup (raw);
          if (!pfm_config_set (work, full, value ? value : raw, error))
            return FALSE;
        }
    }

  if (!pfm_config_validate (work, error))
    return FALSE;

  /* Commit. */
  PfmConfig tmp = *cfg;
  *cfg = *work;
  *work = tmp;
  return TRUE;
}

gboolean
pfm_config_load_data (PfmConfig *cfg, const char *data, gsize length, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (length > PFM_CONFIG_MAX_FILE_SIZE)
    {
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_TOO_LARGE,
                   "project file is %" G_GSIZE_FORMAT " bytes: accepted at most %d bytes",
                   length, PFM_CONFIG_MAX_FILE_SIZE);
      return FALSE;
    }
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE,
                   "project file is not UTF-8 text (binary data?)");
      return FALSE;
    }
  if (!g_key_file_load_from_data (kf, data, length, G_KEY_FILE_NONE, &local))
    {
      /* GLib quotes the offending line whole: keep the start of it. */
      const char *msg = local->message;
      const char *cut = g_utf8_strlen (msg, -1) > 200 ? g_utf8_offset_to_pointer (msg, 200) : NULL;
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE,
                   "project file is not a valid key file: %.*s%s",
                   cut ? (int) (cut - msg) : (int) strlen (msg), msg, cut ? "..." : "");
      return FALSE;
    }
  return pfm_config_load_key_file (cfg, kf, error);
}

gboolean
pfm_config_load_file (PfmConfig *cfg, const char *path, GError **error)
{
  return pfm_config_load_file_text (cfg, path, NULL, error);
}

gboolean
pfm_config_load_file_text (PfmConfig *cfg, const char *path, GBytes **text, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (cfg != NULL && path != NULL, FALSE);

  /* A FIFO or a device (/dev/zero) is refused, not read until memory runs
   * out or waited on for ever. */
  if (!pfm_file_read (path, PFM_CONFIG_MAX_FILE_SIZE, "a project file", &data, &length, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        g_set_error_literal (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_TOO_LARGE, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!pfm_config_load_data (cfg, data, length, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  if (text != NULL)
    *text = g_bytes_new_take (g_steal_pointer (&data), length);
  return TRUE;
}

/* What @k's value in @kf reads as, in the canonical text of
 * pfm_config_get_string() (a relative medium.file as a reader of
 * @project_path finds it), or NULL when @kf has none that reads. */
static char *
key_file_reads_as (GKeyFile *kf, const PfmKeyInfo *k, const PfmConfig *cfg, const char *project_path)
{
  g_autofree char *raw = g_key_file_get_value (kf, k->group, k->key, NULL);
  if (raw == NULL)
    return NULL;
  /* As pfm_config_load_key_file reads it. */
  g_autofree char *value = k->type == PFM_KEY_STRING ? g_key_file_get_string (kf, k->group, k->key, NULL)
                                                     : g_strdup (raw);
  g_autofree char *full = g_strdup_printf ("%s.%s", k->group, k->key);
  g_autoptr(PfmConfig) scratch = pfm_config_copy (cfg);
  if (value == NULL || !pfm_config_set (scratch, full, value, NULL))
    return NULL;
  if (project_path != NULL)
    pfm_config_resolve_paths (scratch, project_path);
  return pfm_config_get_string (scratch, k);
}

/* The one serialiser.  @every_key: a new project, written whole. */
static void
update_key_file (const PfmConfig *cfg, GKeyFile *kf, const char *project_path, gboolean every_key)
{
  g_autoptr(PfmConfig) defaults = every_key ? NULL : pfm_config_new ();
  if (every_key)
    g_key_file_set_value (kf, "project", "version", "1");
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const PfmKeyInfo *k = &keys[i];
      g_autofree char *v = pfm_config_get_string (cfg, k);
      /* A value that already reads right keeps the user's spelling of it. */
      g_autofree char *has = key_file_reads_as (kf, k, cfg, project_path);
      if (g_strcmp0 (has, v) == 0)
        continue;
      if (!every_key && !g_key_file_has_key (kf, k->group, k->key, NULL))
        {
          /* The loader reads a key the file lacks as the default. */
          g_autofree char *d = pfm_config_get_string (defaults, k);
          if (g_strcmp0 (d, v) == 0)
            continue;
        }
      if (k->type == PFM_KEY_STRING)
        g_key_file_set_string (kf, k->group, k->key, v);
      else
        g_key_file_set_value (kf, k->group, k->key, v);
    }
}

void
pfm_config_update_key_file (const PfmConfig *cfg, GKeyFile *kf, const char *project_path)
{
  g_return_if_fail (cfg != NULL && kf != NULL);
  update_key_file (cfg, kf, project_path, FALSE);
}

GKeyFile *
pfm_config_to_key_file (const PfmConfig *cfg)
{
  GKeyFile *kf = g_key_file_new ();
  update_key_file (cfg, kf, NULL, TRUE);
  return kf;
}

char *
pfm_config_to_data_keeping (const PfmConfig *cfg, const char *original, gsize length, const char *project_path,
                            gsize *out_length, GError **error)
{
  if (original == NULL)
    {
      g_autoptr(GKeyFile) fresh = pfm_config_to_key_file (cfg);
      return g_key_file_to_data (fresh, out_length, NULL);
    }
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  if (!g_key_file_load_from_data (kf, original, length, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                  &local))
    {
      g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_PARSE,
                   "the project's original text is not a valid key file: %s", local->message);
      return NULL;
    }
  update_key_file (cfg, kf, project_path, FALSE);
  return g_key_file_to_data (kf, out_length, NULL);
}

gboolean
pfm_config_save_file (const PfmConfig *cfg, const char *path, GError **error)
{
  return pfm_config_save_file_keeping (cfg, path, NULL, 0, error);
}

gboolean
pfm_config_save_file_keeping (const PfmConfig *cfg, const char *path, const char *original, gsize length,
                              GError **error)
{
  gsize len = 0;
  g_autofree char *data = pfm_config_to_data_keeping (cfg, original, length, path, &len, error);
  if (data == NULL)
    return FALSE;
  /* Not g_file_set_contents_full directly: on a device (/dev/stdout,
   * /dev/full) it renamed a regular file over the node and reported
   * success; pfm_file_write_atomic writes through devices. */
  return pfm_file_write_atomic (path, data, len, error);
}

gboolean
pfm_config_check_fields (const PfmConfig *cfg, GError **error)
{
  /* Every field against the table, so values set from C are checked too. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const PfmKeyInfo *k = &keys[i];
      gpointer p = field_ptr (cfg, k);
      if (k->type == PFM_KEY_DOUBLE)
        {
          double v = *(double *) p;
          if (k->allow_auto && v == 0.0)
            continue;
          if (!isfinite (v))
            return bad_type (k, "nan/inf", "a finite number", error);
          if (!check_double_range (k, v, error))
            return FALSE;
        }
      else if (k->type == PFM_KEY_INT)
        {
          int v = *(int *) p;
          if (v < k->min || v > k->max)
            {
              g_autofree char *range = range_text (k);
              g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_OUT_OF_RANGE,
                           "%s.%s = %d is out of range: accepted %s", k->group, k->key, v, range);
              return FALSE;
            }
        }
      else if (k->type == PFM_KEY_ENUM)
        {
          int v = *(int *) p;
          if (v < 0 || v >= (int) g_strv_length ((char **) k->choices))
            return bad_type (k, "?", "a known choice", error);
        }
      else if (k->type == PFM_KEY_DOUBLE_LIST)
        {
          if (cfg->scaling.n_params == 0)
            return bad_type (k, "", "a non-empty list", error);
          for (gsize j = 0; j < cfg->scaling.n_params; j++)
            if (!isfinite (cfg->scaling.params[j]) || !check_double_range (k, cfg->scaling.params[j], error))
              {
                if (error && *error == NULL)
                  bad_type (k, "nan/inf", "a list of finite numbers", error);
                return FALSE;
              }
        }
    }
  return TRUE;
}

void
pfm_config_resolve_paths (PfmConfig *cfg, const char *project_path)
{
  g_return_if_fail (cfg != NULL && project_path != NULL);
  if (cfg->medium.file == NULL || cfg->medium.file[0] == '\0' || g_path_is_absolute (cfg->medium.file))
    return;
  g_autofree char *dir = g_path_get_dirname (project_path);
  char *resolved = g_build_filename (dir, cfg->medium.file, NULL);
  g_free (cfg->medium.file);
  cfg->medium.file = resolved;
}
