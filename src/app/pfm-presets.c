/* pfm-presets.c - teaching presets: a configuration and why it is interesting
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each preset is checked by the tests (tests/test-presets.c): it validates,
 * and its run ends the way its explanation says.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pfm-presets.h"

static const char *const paper_settings[] = {
  "scaling.params=1e12,1e15,1e18",
  NULL
};

static const char *const linear_settings[] = {
  "beam.kind=slm", "beam.slm_pixels=16", "beam.input=random:3", "beam.power=1",
  "detector.regions=16", "tube.length=1e-3", "grid.dz=1e-6",
  NULL
};

static const char *const kerr_settings[] = {
  "beam.kind=gaussian", "beam.waist=6e-6", "beam.power=1.5e7",
  "tube.length=1e-3", "grid.dz=0.5e-6", "medium.delta_n=2e-3",
  NULL
};

static const char *const collapse_settings[] = {
  "tube.profile=none", "medium.kind=none", "beam.power=1.2e8", "beam.waist=8e-6",
  "tube.length=200e-6", "grid.dz=0.25e-6", "grid.record_every=2",
  NULL
};

static const char *const grin_settings[] = {
  "tube.profile=grin", "tube.grin_delta=0.01", "medium.kind=none", "optics.n2=0",
  "beam.waist=5e-6", "beam.offset_x=5e-6", "tube.length=711e-6", "grid.dz=1e-6",
  NULL
};

static const char *const variability_settings[] = {
  "beam.kind=slm", "beam.input=random:5", "defects.sigma=1.0", "defects.stuck_fraction=0.05",
  "defects.seed=3",
  NULL
};

/* data/projects/train-digits.pfm, on a third of the digits for four
 * epochs: about a minute on two threads. */
static const char *const train_settings[] = {
  "optics.n2=1e-20", "tube.side=1.6e-5", "tube.length=2e-4", "medium.delta_n=5e-3", "medium.voxel=1e-6",
  "beam.kind=slm", "beam.power=1", "beam.slm_pixels=64", "beam.encoding=amplitude", "detector.regions=10",
  "grid.n=64", "grid.window=3.2e-5", "grid.dz=1e-6", "grid.record_every=10",
  "train.dataset=digits", "train.max_examples=600", "train.epochs=4", "train.lr=0.15", "train.temperature=10",
  "defects.sigma=0.5",
  NULL
};

/* data/projects/self-focusing.pfm, the README's study (tests/test-presets.c
 * checks that every key is the file's). */
static const char *const self_focusing_settings[] = {
  "tube.profile=none", "tube.side=6.4e-5", "tube.length=2e-3",
  "medium.kind=random", "medium.delta_n=0", "medium.voxel=auto", "medium.seed=1",
  "beam.kind=gaussian", "beam.power=48051132", "beam.waist=2e-5",
  "grid.n=256", "grid.window=1.28e-4", "grid.dz=1e-6", "grid.absorber=0.1", "grid.record_every=1",
  NULL
};

static const char *const self_focusing_sweep[] = { "medium.delta_n=0:0.005:3", NULL };

static const PfmPreset presets[] = {
  { "paper", N_("Paper Table 1 device"),
    N_("The paper's worked example: one voxel of about (λ/n)³ per parameter, a tube 1000 times longer "
       "than it is wide, a beam half its width and enough peak power for a 2π Kerr phase. The Scaling "
       "view computes its size, energy and time per inference from these assumptions for 10¹² to 10¹⁸ "
       "parameters, beside a GPU fleet and the published Table 1."),
    paper_settings, "scaling" },
  { "linear", N_("Linear regime: a fixed matrix"),
    N_("At low peak power the glass does not respond to the light: the output field is a fixed linear "
       "function of the input field, a matrix written into the voxels. Sixteen SLM pixels encode the "
       "input vector; sixteen detector regions read the output. Change the input and the output "
       "changes linearly in the field (the detectors measure power)."),
    linear_settings, "propagation" },
  { "kerr", N_("Kerr nonlinearity"),
    N_("At 15 MW (about 0.6 of the critical power) the Kerr effect adds a few radians of phase "
       "that depend on the light itself: the transform now depends on its input, as in a deep network. "
       "Watch the B-integral grow along z; raise the power and the beam narrows."),
    kerr_settings, "propagation" },
  { "collapse", N_("Self-focusing collapse"),
    N_("Five times the critical power in homogeneous glass: the beam focuses itself and collapses after "
       "about 50 µm, close to Marburger's formula. The engine stops when the grid can no longer resolve "
       "the beam, and says so. The paper argues that the nanostructure suppresses collapse: switch "
       "the profile and voxels back on to test it."),
    collapse_settings, "propagation" },
  { "grin", N_("GRIN self-imaging"),
    N_("In a parabolic graded-index core an offset beam swings across the axis like a ray and returns to "
       "its starting point after one period, 2πR/√(2Δ) ≈ 711 µm here: the guide images its input onto "
       "itself. Follow the centroid in the xz map."),
    grin_settings, "propagation" },
  { "variability", N_("Fabrication variability"),
    N_("No two fabricated copies are alike. Here every voxel is written with a random error as large as its "
       "intended contrast, and 5% of the voxels failed; yet the copy's output vector differs from the design's by "
       "only about 1.5%, because each output mixes thousands of voxels. Run a batch to see the spread over many "
       "copies, and how much a small digital calibration layer, fitted on separate inputs, recovers."),
    variability_settings, "defects" },
  { "train", N_("Train a digit classifier"),
    N_("The glass is the network: each of its 51,200 voxels is one trained weight. An 8×8 handwritten digit drives "
       "64 SLM pixels, and the glass is trained to steer the light onto the detector region of the digit's class. "
       "Press Train: in about a minute it classifies more than half of the held-out digits correctly, where guessing "
       "gets 10%. Pick a digit in the gallery and Use Trained Glass to watch its light in the Propagation view; "
       "Fabricate to see whether imperfect copies still work."),
    train_settings, "training" },
  { "self-focusing", N_("Does the glass stop self-focusing?"),
    N_("The paper argues that the written nanostructure suppresses self-focusing. Here a 20 µm beam at twice the "
       "critical power enters 2 mm of glass: without voxels (δn = 0) its peak intensity reaches ten times the input "
       "after about 0.66 mm, before Marburger's collapse distance of 0.82 mm, and the run stops at the collapse near "
       "0.75 mm. Run the sweep of the voxel contrast δn from 0 to 0.005 (a few seconds) and choose the metric “Distance "
       "to 10× the input peak (z_peak10)”: at the paper's voxel size the ten-times distance moves by less than a tenth and the beam "
       "still collapses. The README's study sweeps further."),
    self_focusing_settings, "sweep", self_focusing_sweep },
};

const PfmPreset *
pfm_presets (guint *n)
{
  *n = G_N_ELEMENTS (presets);
  return presets;
}

const PfmPreset *
pfm_preset_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].id, id))
      return &presets[i];
  return NULL;
}

PfmConfig *
pfm_preset_config (const PfmPreset *preset, GError **error)
{
  g_autoptr(PfmConfig) cfg = pfm_config_new ();
  for (guint i = 0; preset->settings[i]; i++)
    if (!pfm_config_set_assignment (cfg, preset->settings[i], error))
      return NULL;
  if (!pfm_config_validate (cfg, error))
    return NULL;
  return g_steal_pointer (&cfg);
}
