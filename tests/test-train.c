/* test-train.c - training the glass: the loss, reproducibility, learning
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pfm-bpm.h"
#include "pfm-evaluate.h"
#include "pfm-medium.h"
#include "pfm-train.h"
#include "pfm-test-util.h"

static void
test_loss_gradient (void)
{
  /* dL/dp and dL/dT of the softmax cross-entropy against central
   * differences: L is smooth and O(1), so a step of 1e-6 of each p gives
   * a truncation of ~1e-12 and double rounding of ~1e-10 relative. */
  const double p[4] = { 0.3, 1.7, 0.2, 0.9 };
  const double T = 7.0;
  double g[4], gt;
  pfm_train_loss (p, 4, 2, T, g, &gt);
  for (int k = 0; k < 4; k++)
    {
      double a[4], b[4];
      memcpy (a, p, sizeof a);
      memcpy (b, p, sizeof b);
      const double h = 1e-6;
      a[k] += h;
      b[k] -= h;
      const double fd = (pfm_train_loss (a, 4, 2, T, NULL, NULL) - pfm_train_loss (b, 4, 2, T, NULL, NULL)) / (2 * h);
      g_assert_cmpfloat_with_epsilon (g[k], fd, 1e-7);
    }
  const double fdt = (pfm_train_loss (p, 4, 2, T + 1e-6, NULL, NULL) - pfm_train_loss (p, 4, 2, T - 1e-6, NULL, NULL)) / 2e-6;
  g_assert_cmpfloat_with_epsilon (gt, fdt, 1e-7);
  /* Scaling every power leaves the loss unchanged (normalised powers). */
  const double q[4] = { 3.0, 17.0, 2.0, 9.0 };
  g_assert_cmpfloat_with_epsilon (pfm_train_loss (p, 4, 2, T, NULL, NULL), pfm_train_loss (q, 4, 2, T, NULL, NULL), 1e-12);
  /* No light: log(C), no gradient, no NaN. */
  const double z[4] = { 0 };
  g_assert_cmpfloat_with_epsilon (pfm_train_loss (z, 4, 0, T, g, &gt), log (4.0), 1e-15);
  g_assert_cmpfloat (g[0], ==, 0.0);
}

/* A small task: 4 SLM pixels (2 x 2), 2 classes.  Class 0 lights the top
 * row, class 1 the bottom row, each with random brightness; the detector
 * regions are the left and right halves, so an untrained straight guide
 * cannot tell them apart: the glass has to route rows to sides. */
static char *
write_task (const char *dir, guint n)
{
  g_autofree char *path = g_build_filename (dir, "task.csv", NULL);
  g_autoptr(GString) s = g_string_new (NULL);
  guint64 x = 12345;
  for (guint i = 0; i < n; i++)
    {
      const guint label = i % 2;
      double v[4];
      for (int k = 0; k < 4; k++)
        {
          x = x * 6364136223846793005ull + 1442695040888963407ull;
          v[k] = 0.2 + 0.3 * (double) (x >> 11) / 9007199254740992.0;
        }
      if (label == 0)
        v[0] += 0.5, v[1] += 0.5;
      else
        v[2] += 0.5, v[3] += 0.5;
      g_string_append_printf (s, "%.3f,%.3f,%.3f,%.3f,%u\n", v[0], v[1], v[2], v[3], label);
    }
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  return g_strdup_printf ("train.dataset=csv:%s", path);
}

static PfmConfig *
task_config (const char *dataset, const char *epochs)
{
  return config_with ("grid.n=32", "tube.side=1.6e-05", "grid.window=3.2e-05", "medium.voxel=2e-06",
                      "tube.length=1e-04", "grid.dz=2e-06", "beam.kind=slm", "beam.slm_pixels=4",
                      "detector.regions=2", "medium.delta_n=0.02", "optics.n2=0",
                      "train.batch=8", "train.lr=0.1", "train.lr_decay=1", "train.test_fraction=0.25",
                      "train.validation_fraction=0", dataset, epochs, NULL);
}

static PfmTrainResult *
train (const PfmConfig *cfg, int threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmTrainData) data = pfm_train_data_new (cfg, NULL, &error);
  g_assert_no_error (error);
  PfmTrainOptions o = { .threads = threads };
  PfmTrainResult *r = pfm_train_run (cfg, data, &o, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_threads_identical (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-train");
  g_autofree char *ds = write_task (dir, 24);
  g_autoptr(PfmConfig) cfg = task_config (ds, "train.epochs=2");
  g_autoptr(PfmTrainResult) a = train (cfg, 1);
  g_autoptr(PfmTrainResult) b = train (cfg, 2);
  g_autoptr(PfmTrainResult) c = train (cfg, 3);
  const gsize nv = (gsize) a->nvx * a->nvy * a->nvz;
  /* Per-example gradients are summed in example order whatever thread
   * computed them: the designs are identical bit for bit. */
  g_assert_cmpmem (a->dn, nv * sizeof (float), b->dn, nv * sizeof (float));
  g_assert_cmpmem (a->dn, nv * sizeof (float), c->dn, nv * sizeof (float));
  g_assert_cmpfloat (a->temperature, ==, b->temperature);
  pfm_test_remove_tree (dir);
}

static void
test_learns (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-train");
  g_autofree char *ds = write_task (dir, 64);
  g_autoptr(PfmConfig) cfg = task_config (ds, "train.epochs=12");
  /* The untrained glass (a learning rate too small to move it) scores
   * about chance: rows of light reach both halves alike. */
  g_autoptr(PfmConfig) still = task_config (ds, "train.epochs=1");
  still->train.lr = 1e-12;
  g_autoptr(PfmTrainResult) r0 = train (still, 0);
  const double untrained = g_array_index (r0->epochs, PfmTrainEpoch, 0).train_accuracy;
  g_test_message ("untrained train accuracy %.2f", untrained);
  g_assert_cmpfloat (untrained, <, 0.75);

  g_autoptr(PfmTrainResult) r = train (cfg, 0);
  const PfmTrainEpoch *first = &g_array_index (r->epochs, PfmTrainEpoch, 0);
  const PfmTrainEpoch *last = &g_array_index (r->epochs, PfmTrainEpoch, r->epochs->len - 1);
  g_test_message ("train loss %.3f -> %.3f, accuracy %.2f -> %.2f, test accuracy %.2f",
                  first->train_loss, last->train_loss, first->train_accuracy, last->train_accuracy, r->test_accuracy);
  /* A trained glass routes each row to its side. */
  g_assert_cmpfloat (last->train_loss, <, 0.8 * first->train_loss);
  g_assert_cmpfloat (last->train_accuracy, ==, 1.0);
  /* Never beyond the writable contrast. */
  const gsize nv = (gsize) r->nvx * r->nvy * r->nvz;
  for (gsize v = 0; v < nv; v++)
    g_assert_cmpfloat (fabsf (r->dn[v]), <=, 0.02f);
  pfm_test_remove_tree (dir);
}

static void
test_resume_identical (void)
{
  /* Three epochs straight, against two with a checkpoint and one more
   * resumed from it: the same design, bit for bit. */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-train");
  g_autofree char *ds = write_task (dir, 24);
  g_autofree char *ckpt = g_build_filename (dir, "run.ckpt", NULL);
  g_autoptr(PfmConfig) three = task_config (ds, "train.epochs=3");
  g_autoptr(PfmConfig) two = task_config (ds, "train.epochs=2");
  g_autoptr(GError) error = NULL;
  g_autoptr(PfmTrainData) data = pfm_train_data_new (three, NULL, &error);
  g_assert_no_error (error);
  PfmTrainOptions o = { .threads = 2 };
  g_autoptr(PfmTrainResult) a = pfm_train_run (three, data, &o, &error);
  g_assert_no_error (error);
  o.checkpoint = ckpt;
  g_autoptr(PfmTrainResult) b2 = pfm_train_run (two, data, &o, &error);
  g_assert_no_error (error);
  o.checkpoint = NULL;
  o.resume = ckpt;
  g_autoptr(PfmTrainResult) b = pfm_train_run (three, data, &o, &error);
  g_assert_no_error (error);
  const gsize nv = (gsize) a->nvx * a->nvy * a->nvz;
  g_assert_cmpmem (a->dn, nv * sizeof (float), b->dn, nv * sizeof (float));
  g_assert_cmpuint (b->epochs->len, ==, 3);
  g_assert_cmpfloat (g_array_index (a->epochs, PfmTrainEpoch, 2).train_loss, ==,
                     g_array_index (b->epochs, PfmTrainEpoch, 2).train_loss);

  /* Another project's checkpoint is refused, naming the file. */
  g_autoptr(PfmConfig) other = task_config (ds, "train.epochs=3");
  other->train.lr = 0.2;
  g_clear_pointer (&b, pfm_train_result_free);
  PfmTrainResult *c = pfm_train_run (other, data, &o, &error);
  g_assert_null (c);
  g_assert_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_CHECKPOINT);
  g_assert_nonnull (strstr (error->message, "run.ckpt"));
  g_clear_error (&error);
  /* A truncated one too. */
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (ckpt, &text, &len, NULL));
  g_assert_true (g_file_set_contents (ckpt, text, len / 2, NULL));
  c = pfm_train_run (three, data, &o, &error);
  g_assert_null (c);
  g_assert_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_CHECKPOINT);
  pfm_test_remove_tree (dir);
}

static void
test_noise_aware_gradient_path (void)
{
  /* Every voxel stuck: the copies do not depend on the design, so no
   * gradient reaches it and the zero design stays zero. */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-train");
  g_autofree char *ds = write_task (dir, 16);
  g_autoptr(PfmConfig) stuck = task_config (ds, "train.epochs=1");
  g_autoptr(GError) error = NULL;
  g_assert_true (pfm_config_set (stuck, "train.noise_aware", "true", &error));
  g_assert_true (pfm_config_set (stuck, "defects.stuck_fraction", "1", &error));
  g_autoptr(PfmTrainResult) r = train (stuck, 2);
  const gsize nv = (gsize) r->nvx * r->nvy * r->nvz;
  for (gsize v = 0; v < nv; v++)
    g_assert_cmpfloat (r->dn[v], ==, 0.0f);

  /* A pure offset shifts every copy but passes the gradient unchanged:
   * the design moves, and differs from plain training's (the copies are
   * other devices). */
  g_autoptr(PfmConfig) off = task_config (ds, "train.epochs=1");
  g_assert_true (pfm_config_set (off, "train.noise_aware", "true", &error));
  g_assert_true (pfm_config_set (off, "defects.offset", "0.002", &error));
  g_autoptr(PfmTrainResult) ro = train (off, 2);
  g_autoptr(PfmConfig) plain = task_config (ds, "train.epochs=1");
  g_autoptr(PfmTrainResult) rp = train (plain, 2);
  double moved = 0.0, differs = 0.0;
  for (gsize v = 0; v < nv; v++)
    {
      moved = MAX (moved, fabsf (ro->dn[v]));
      differs = MAX (differs, fabsf (ro->dn[v] - rp->dn[v]));
    }
  g_assert_cmpfloat (moved, >, 1e-4);
  g_assert_cmpfloat (differs, >, 0.0);
  pfm_test_remove_tree (dir);
}

static void
test_evaluate_equals_propagate (void)
{
  /* The accuracy evaluate reports is what plain runs of the forward
   * engine give, one per test example, with the example written as the
   * project's beam.input text (as `pfm-cli propagate --set beam.input=...`
   * would) and the trained map read from its file. */
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-train");
  g_autofree char *ds = write_task (dir, 64);
  g_autoptr(PfmConfig) cfg = task_config (ds, "train.epochs=1");
  g_autoptr(GError) error = NULL;
  /* A contrast this 32^2 grid resolves in the forward engine, and a short
   * training, so that the glass gets some examples wrong. */
  g_assert_true (pfm_config_set (cfg, "medium.delta_n", "0.002", &error));
  g_assert_true (pfm_config_set (cfg, "train.lr", "0.01", &error));
  g_autoptr(PfmTrainData) data = pfm_train_data_new (cfg, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(PfmTrainResult) r = train (cfg, 2);
  g_autofree char *map = g_build_filename (dir, "trained.idx", NULL);
  g_assert_true (pfm_medium_save_map (map, r->nvx, r->nvy, r->nvz, r->dn, &error));
  g_autoptr(PfmConfig) trained = pfm_config_copy (cfg);
  g_assert_true (pfm_config_set (trained, "medium.kind", "file", &error));
  g_assert_true (pfm_config_set (trained, "medium.file", map, &error));

  PfmTrainOptions o = { .threads = 2 };
  g_autoptr(PfmEvaluation) ev = pfm_evaluate (trained, data, 0, FALSE, &o, &error);
  g_assert_no_error (error);

  guint correct = 0;
  g_autofree guint *confusion = g_new0 (guint, 4);
  for (guint i = 0; i < data->n_test; i++)
    {
      const guint ex = data->test[i];
      g_autoptr(GString) input = g_string_new ("beam.input=");
      for (guint q = 0; q < data->n_pixels; q++)
        g_string_append_printf (input, "%s%.9g", q ? "," : "", (double) data->values[(gsize) ex * data->n_pixels + q]);
      g_autoptr(PfmConfig) one = pfm_config_copy (trained);
      g_assert_true (pfm_config_set_assignment (one, input->str, &error));
      g_autoptr(PfmBpm) bpm = pfm_bpm_new (one, NULL, &error);
      g_assert_no_error (error);
      g_autoptr(PfmRecord) rec = pfm_bpm_run (bpm, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rec->status, ==, PFM_RUN_COMPLETED);
      const guint predicted = pfm_train_argmax (rec->output, rec->n_output);
      correct += predicted == data->dataset->labels[ex];
      confusion[data->dataset->labels[ex] * 2 + predicted]++;
    }
  g_test_message ("evaluate %.4f, %u test examples through propagate %.4f", ev->accuracy, data->n_test,
                  (double) correct / data->n_test);
  g_assert_cmpuint (data->n_test, >, 0);
  g_assert_cmpfloat (ev->accuracy, ==, (double) correct / data->n_test);
  /* Example by example, through the confusion matrix. */
  g_assert_cmpmem (ev->confusion, 4 * sizeof (guint), confusion, 4 * sizeof (guint));
  pfm_test_remove_tree (dir);
}

static void
test_setup_errors (void)
{
  g_autofree char *dir = pfm_test_tmp_dir ("pfm-train");
  g_autofree char *ds = write_task (dir, 8);
  g_autoptr(PfmConfig) cfg = task_config (ds, "train.epochs=1");
  g_autoptr(GError) error = NULL;
  cfg->detector.regions = 3;
  g_assert_null (pfm_train_data_new (cfg, NULL, &error));
  g_assert_error (error, PFM_TRAIN_ERROR, PFM_TRAIN_ERROR_SETUP);
  g_assert_nonnull (strstr (error->message, "detector.regions=2"));
  pfm_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/loss-gradient", test_loss_gradient);
  g_test_add_func ("/train/threads-identical", test_threads_identical);
  g_test_add_func ("/train/learns", test_learns);
  g_test_add_func ("/train/resume-identical", test_resume_identical);
  g_test_add_func ("/train/noise-aware-gradient-path", test_noise_aware_gradient_path);
  g_test_add_func ("/train/evaluate-equals-propagate", test_evaluate_equals_propagate);
  g_test_add_func ("/train/setup-errors", test_setup_errors);
  return g_test_run ();
}
