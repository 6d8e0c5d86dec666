/* pfm-defects.c - fabrication defects: a fabricated copy of the nominal device
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The models and their definitions are documented in pfm-defects.h.
 */
#define G_LOG_DOMAIN "pfm-defects"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-defects.h"
#include "pfm-rng.h"

/* Stream tags: each model draws from its own seed, so turning one model on
 * or off never changes the random numbers of another. */
enum {
  TAG_COPY = 0x636f7079,     /* "copy" */
  TAG_NOISE = 0x6e6f6973,    /* "nois" */
  TAG_STUCK = 0x7374636b,    /* "stck" */
  TAG_INCLUSION = 0x696e636c,/* "incl" */
  TAG_ROUGH = 0x726f7567,    /* "roug" */
};

/* Kernel support: nodes within this many kernel widths of a point. */
#define KERNEL_REACH 4.0
#define MAX_NODES    10
/* Sub-points per voxel edge for the inclusions' volume fraction (4^3 = 64
 * bits of one guint64 per voxel). */
#define SUB 4
/* Mean number of inclusions per placement cell. */
#define CELL_MEAN 4.0
/* Wall displacements are clipped to this many rms. */
#define ROUGH_CLIP 4.0

struct _PfmDefects
{
  int        nvx, nvy, nvz;
  double     voxel, side, length, delta_n;
  PfmProfile profile;
  gboolean   written;

  double     sigma_dn;     /* absolute rms of the write error */
  gboolean   correlated;
  double     kernel;       /* rms width of the smoothing kernel = node spacing = l_c / 2 */

  gboolean   scale_offset;
  double     scale, offset;
  double     stuck;
  gboolean   has_drift;
  double     drift;

  gboolean   inclusions;
  double     incl_radius, incl_dn, incl_cell, incl_mean;

  double     side_error, taper, roughness;
  double     thermal;      /* dn per m of x */

  guint64    seed_noise, seed_stuck, seed_incl, seed_rough;
};

gboolean
pfm_defects_active (const PfmConfig *cfg)
{
  g_return_val_if_fail (cfg != NULL, FALSE);
  __auto_type d = &cfg->defects;
  return d->sigma > 0.0 || d->scale_error != 0.0 || d->offset != 0.0 || d->stuck_fraction > 0.0 ||
         (d->inclusion_density > 0.0 && d->inclusion_radius > 0.0) ||
         d->side_error != 0.0 || d->taper != 0.0 || d->roughness > 0.0 ||
         d->drift_time > 0.0 || (d->temperature_gradient != 0.0 && d->dn_dT != 0.0);
}

gboolean
pfm_defects_touch_voxels (const PfmConfig *cfg)
{
  g_return_val_if_fail (cfg != NULL, FALSE);
  __auto_type d = &cfg->defects;
  const gboolean written = cfg->medium.kind != PFM_MEDIUM_NONE;
  return (d->inclusion_density > 0.0 && d->inclusion_radius > 0.0) ||
         (written && (d->sigma > 0.0 || d->scale_error != 0.0 || d->offset != 0.0 ||
                      d->stuck_fraction > 0.0 || d->drift_time > 0.0));
}

gboolean
pfm_defects_profile_varies (const PfmConfig *cfg)
{
  g_return_val_if_fail (cfg != NULL, FALSE);
  return cfg->tube.profile != PFM_PROFILE_NONE &&
         (cfg->defects.taper != 0.0 || cfg->defects.roughness > 0.0);
}

void
pfm_defects_clear (PfmConfig *cfg)
{
  g_return_if_fail (cfg != NULL);
  cfg->defects.sigma = 0.0;
  cfg->defects.scale_error = 0.0;
  cfg->defects.offset = 0.0;
  cfg->defects.stuck_fraction = 0.0;
  cfg->defects.inclusion_density = 0.0;
  cfg->defects.side_error = 0.0;
  cfg->defects.taper = 0.0;
  cfg->defects.roughness = 0.0;
  cfg->defects.drift_time = 0.0;
  cfg->defects.temperature_gradient = 0.0;
}

void
pfm_defects_nominal (PfmConfig *cfg)
{
  g_return_if_fail (cfg != NULL);
  pfm_defects_clear (cfg);
  cfg->beam.slm_bits = 0;
  cfg->detector.noise = 0.0;
  cfg->detector.bits = 0;
}

guint64
pfm_defects_copy_seed (guint64 batch_seed, guint64 copy)
{
  return pfm_rng_hash (batch_seed, TAG_COPY, copy, 0);
}

guint
pfm_defects_sweep_sigmas (double sigma, double out[PFM_DEFECTS_SWEEP_MAX])
{
  static const double fractions[] = { 0, 0.05, 0.1, 0.25, 0.5, 1 };
  G_STATIC_ASSERT (G_N_ELEMENTS (fractions) + 1 == PFM_DEFECTS_SWEEP_MAX);
  const gboolean have = isfinite (sigma) && sigma > 0;
  double top = MAX (0.2, have ? 1.5 * sigma : 0.0);
  /* Up to 1, 2 or 5 × 10^k, so the points read round. */
  const double mag = pow (10.0, floor (log10 (top) + 1e-12));
  const double r = top / mag;
  top = (r <= 1 + 1e-12 ? 1 : r <= 2 + 1e-12 ? 2 : r <= 5 + 1e-12 ? 5 : 10) * mag;
  guint n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (fractions); i++)
    out[n++] = fractions[i] * top;
  if (have)
    {
      gboolean present = FALSE;
      for (guint i = 0; i < n; i++)
        present |= fabs (out[i] - sigma) <= 1e-9 * top;
      if (!present)
        {
          guint i = n;
          while (i > 0 && out[i - 1] > sigma)
            {
              out[i] = out[i - 1];
              i--;
            }
          out[i] = sigma;
          n++;
        }
    }
  return n;
}

PfmDefects *
pfm_defects_new (const PfmConfig *cfg, int nvx, int nvy, int nvz, double voxel,
                 gboolean written, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  g_return_val_if_fail (nvx > 0 && nvy > 0 && nvz > 0 && voxel > 0.0, NULL);

  __auto_type c = &cfg->defects;
  g_autoptr(PfmDefects) d = g_new0 (PfmDefects, 1);
  d->nvx = nvx;
  d->nvy = nvy;
  d->nvz = nvz;
  d->voxel = voxel;
  d->side = cfg->tube.side;
  d->length = cfg->tube.length;
  d->delta_n = cfg->medium.delta_n;
  d->profile = cfg->tube.profile;
  d->written = written;

  d->seed_noise = pfm_rng_hash (c->seed, TAG_NOISE, 0, 0);
  d->seed_stuck = pfm_rng_hash (c->seed, TAG_STUCK, 0, 0);
  d->seed_incl = pfm_rng_hash (c->seed, TAG_INCLUSION, 0, 0);
  d->seed_rough = pfm_rng_hash (c->seed, TAG_ROUGH, 0, 0);

  if (written)
    {
      d->sigma_dn = c->sigma * cfg->medium.delta_n;
      /* Below a third of a voxel, neighbouring voxel centres would
       * correlate by exp(-9) = 1.2e-4 at most: independent voxels are the
       * same statistics at a fraction of the cost. */
      d->correlated = c->corr_length > voxel / 3.0;
      d->kernel = 0.5 * c->corr_length;
      d->scale_offset = c->scale_error != 0.0 || c->offset != 0.0;
      d->scale = 1.0 + c->scale_error;
      d->offset = c->offset;
      d->stuck = c->stuck_fraction;
      d->has_drift = c->drift_time > 0.0;
      d->drift = exp (-c->drift_time / c->drift_tau);
    }
  else
    {
      d->scale = 1.0;
      d->drift = 1.0;
    }

  d->inclusions = c->inclusion_density > 0.0 && c->inclusion_radius > 0.0;
  if (d->inclusions)
    {
      const double R = c->inclusion_radius;
      d->incl_radius = R;
      d->incl_dn = c->inclusion_dn;
      /* Cells of CELL_MEAN inclusions on average keep the Poisson draws
       * short; the cell size does not change the statistics. */
      d->incl_cell = cbrt (CELL_MEAN / c->inclusion_density);
      d->incl_mean = CELL_MEAN;
      const double ex = nvx * voxel + 2 * R, ey = nvy * voxel + 2 * R, ez = nvz * voxel + 2 * R;
      const double expected = c->inclusion_density * ex * ey * ez;
      const double span = 2.0 * R / voxel + 2.0;
      if (expected > (double) PFM_DEFECTS_MAX_INCLUSIONS || expected * span * span * span > 4294967296.0)
        {
          g_set_error (error, PFM_CONFIG_ERROR, PFM_CONFIG_ERROR_INCONSISTENT,
                       "defects.inclusion_density = %g 1/m^3 with defects.inclusion_radius = %g m puts about %.3g "
                       "inclusions into the sample: too many to place (accepted about %.3g, fewer for large radii); "
                       "lower the density or the radius", c->inclusion_density, R, expected,
                       (double) PFM_DEFECTS_MAX_INCLUSIONS);
          return NULL;
        }
    }

  d->side_error = c->side_error;
  d->taper = c->taper;
  d->roughness = c->roughness;
  d->thermal = c->dn_dT * c->temperature_gradient;
  return g_steal_pointer (&d);
}

void
pfm_defects_free (PfmDefects *d)
{
  g_free (d);
}

gboolean
pfm_defects_changes_voxels (const PfmDefects *d)
{
  g_return_val_if_fail (d != NULL, FALSE);
  return d->inclusions ||
         (d->written && (d->sigma_dn > 0.0 || d->scale_offset || d->stuck > 0.0 || d->has_drift));
}

double
pfm_defects_voxel_bound (const PfmDefects *d, double nominal)
{
  g_return_val_if_fail (d != NULL, nominal);
  double w = nominal;
  if (d->written)
    {
      /* A Gaussian passes 6 rms once in 5e8 draws: the bound only feeds
       * the step-phase check, which the run also measures as it goes. */
      w += 6.0 * d->sigma_dn;
      w = fabs (d->scale) * w + fabs (d->offset);
      if (d->stuck > 0.0)
        w = MAX (w, d->delta_n);
      w *= d->drift;
    }
  if (d->inclusions)
    w = MAX (w, fabs (d->incl_dn));
  return w;
}

/* ---- random numbers ---------------------------------------------------- */

/* A standard normal from one hash: Box-Muller on its two 32-bit halves
 * (u1 in (0, 1], so the logarithm is finite; tails to 6.7 rms). */
static inline double
hash_gaussian (guint64 seed, gint64 a, gint64 b, gint64 c)
{
  const guint64 h = pfm_rng_hash (seed, (guint64) a, (guint64) b, (guint64) c);
  const double u1 = ((double) (h >> 32) + 1.0) * 0x1.0p-32;
  const double u2 = (double) (h & G_GUINT64_CONSTANT (0xffffffff)) * 0x1.0p-32;
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* Poisson(mean) by inversion: mean is CELL_MEAN, so the search is short. */
static guint
poisson (PfmRng *rng, double mean)
{
  const double u = pfm_rng_uniform (rng);
  double p = exp (-mean), cdf = p;
  guint k = 0;
  while (u > cdf && k < 1000)
    {
      k++;
      p *= mean / k;
      cdf += p;
    }
  return k;
}

/* ---- correlated write error -------------------------------------------- */

/* The normalised kernel weights of the nodes (spacing = kernel width s)
 * around coordinate @c (from the lattice origin). */
typedef struct
{
  gint64 first;
  int    count;
  double w[MAX_NODES];
} Weights;

static void
node_weights (double c, double s, Weights *out)
{
  gint64 lo = (gint64) ceil (c / s - KERNEL_REACH);
  gint64 hi = (gint64) floor (c / s + KERNEL_REACH);
  if (hi - lo + 1 > MAX_NODES)
    hi = lo + MAX_NODES - 1;
  out->first = lo;
  out->count = (int) (hi - lo + 1);
  double sum2 = 0.0;
  for (int t = 0; t < out->count; t++)
    {
      const double u = c / s - (double) (lo + t);
      out->w[t] = exp (-0.5 * u * u);
      sum2 += out->w[t] * out->w[t];
    }
  /* Unit variance at every point, whatever the point's place among the nodes. */
  const double norm = 1.0 / sqrt (sum2);
  for (int t = 0; t < out->count; t++)
    out->w[t] *= norm;
}

/* f on the voxels [ix0, ix1) x [iy0, iy1) of layer @iz, row-major. */
static void
correlated_block (const PfmDefects *d, int iz, int ix0, int ix1, int iy0, int iy1, double *f)
{
  const double a = d->voxel, s = d->kernel;
  const int mx = ix1 - ix0, my = iy1 - iy0;
  Weights wz;
  node_weights ((iz + 0.5) * a, s, &wz);
  g_autofree Weights *wx = g_new (Weights, mx);
  g_autofree Weights *wy = g_new (Weights, my);
  for (int i = 0; i < mx; i++)
    node_weights ((ix0 + i + 0.5) * a, s, &wx[i]);
  for (int j = 0; j < my; j++)
    node_weights ((iy0 + j + 0.5) * a, s, &wy[j]);
  const gint64 nx0 = wx[0].first, ny0 = wy[0].first;
  const gint64 NX = wx[mx - 1].first + wx[mx - 1].count - nx0;
  const gint64 NY = wy[my - 1].first + wy[my - 1].count - ny0;

  /* Separable sums, in a fixed order: z, then x, then y. */
  g_autofree double *G = g_new (double, NX * NY);
  for (gint64 j = 0; j < NY; j++)
    for (gint64 i = 0; i < NX; i++)
      {
        double g = 0.0;
        for (int k = 0; k < wz.count; k++)
          g += wz.w[k] * hash_gaussian (d->seed_noise, nx0 + i, ny0 + j, wz.first + k);
        G[j * NX + i] = g;
      }
  g_autofree double *H = g_new (double, NY * mx);
  for (gint64 j = 0; j < NY; j++)
    for (int i = 0; i < mx; i++)
      {
        const double *row = G + j * NX + (wx[i].first - nx0);
        double h = 0.0;
        for (int t = 0; t < wx[i].count; t++)
          h += wx[i].w[t] * row[t];
        H[j * mx + i] = h;
      }
  for (int j = 0; j < my; j++)
    for (int i = 0; i < mx; i++)
      {
        double v = 0.0;
        for (int t = 0; t < wy[j].count; t++)
          v += wy[j].w[t] * H[(wy[j].first - ny0 + t) * mx + i];
        f[(gsize) j * mx + i] = v;
      }
}

double
pfm_defects_noise_at (const PfmDefects *d, int ix, int iy, int iz)
{
  g_return_val_if_fail (d != NULL, 0.0);
  if (d->correlated)
    {
      double f;
      correlated_block (d, iz, ix, ix + 1, iy, iy + 1, &f);
      return f;
    }
  return hash_gaussian (d->seed_noise, ix, iy, iz);
}

/* ---- inclusions -------------------------------------------------------- */

/* Sets, for each voxel of layer @iz, the bit of each of its 4x4x4 sub-points
 * that lies inside an inclusion. */
static void
inclusion_layer (const PfmDefects *d, int iz, guint64 *mask)
{
  const double a = d->voxel, R = d->incl_radius, L = d->incl_cell, R2 = R * R;
  /* Lattice coordinates: from the core's corner, z from the input facet. */
  const double z0 = iz * a, z1 = (iz + 1) * a;
  const gint64 cz0 = (gint64) floor ((z0 - R) / L), cz1 = (gint64) floor ((z1 + R) / L);
  const gint64 cx0 = (gint64) floor (-R / L), cx1 = (gint64) floor ((d->nvx * a + R) / L);
  const gint64 cy0 = (gint64) floor (-R / L), cy1 = (gint64) floor ((d->nvy * a + R) / L);
  double sub[SUB];
  for (int t = 0; t < SUB; t++)
    sub[t] = (t + 0.5) / SUB * a;

  for (gint64 cz = cz0; cz <= cz1; cz++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      for (gint64 cx = cx0; cx <= cx1; cx++)
        {
          PfmRng rng;
          pfm_rng_init (&rng, pfm_rng_hash (d->seed_incl, (guint64) cx, (guint64) cy, (guint64) cz));
          const guint n = poisson (&rng, d->incl_mean);
          for (guint q = 0; q < n; q++)
            {
              /* Every inclusion draws its three coordinates, used or not,
               * so the stream never depends on the layer asking. */
              const double px = (cx + pfm_rng_uniform (&rng)) * L;
              const double py = (cy + pfm_rng_uniform (&rng)) * L;
              const double pz = (cz + pfm_rng_uniform (&rng)) * L;
              if (pz + R <= z0 || pz - R >= z1)
                continue;
              const int ix0 = MAX (0, (int) floor ((px - R) / a)), ix1 = MIN (d->nvx - 1, (int) floor ((px + R) / a));
              const int iy0 = MAX (0, (int) floor ((py - R) / a)), iy1 = MIN (d->nvy - 1, (int) floor ((py + R) / a));
              for (int sz = 0; sz < SUB; sz++)
                {
                  const double dz = z0 + sub[sz] - pz;
                  const double rz = R2 - dz * dz;
                  if (rz <= 0.0)
                    continue;
                  for (int iy = iy0; iy <= iy1; iy++)
                    for (int sy = 0; sy < SUB; sy++)
                      {
                        const double dy = iy * a + sub[sy] - py;
                        const double ry = rz - dy * dy;
                        if (ry <= 0.0)
                          continue;
                        for (int ix = ix0; ix <= ix1; ix++)
                          for (int sx = 0; sx < SUB; sx++)
                            {
                              const double dx = ix * a + sub[sx] - px;
                              if (dx * dx < ry)
                                mask[(gsize) iy * d->nvx + ix] |= G_GUINT64_CONSTANT (1) << ((sz * SUB + sy) * SUB + sx);
                            }
                      }
                }
            }
        }
}

/* ---- the copy's voxels -------------------------------------------------- */

void
pfm_defects_apply_layer (const PfmDefects *d, int iz, float *layer)
{
  g_return_if_fail (d != NULL && layer != NULL);
  if (iz < 0 || iz >= d->nvz)
    return;
  const gsize nv = (gsize) d->nvx * d->nvy;

  g_autofree double *f = NULL;
  if (d->written && d->sigma_dn > 0.0)
    {
      f = g_new (double, nv);
      if (d->correlated)
        correlated_block (d, iz, 0, d->nvx, 0, d->nvy, f);
      else
        for (int iy = 0; iy < d->nvy; iy++)
          for (int ix = 0; ix < d->nvx; ix++)
            f[(gsize) iy * d->nvx + ix] = hash_gaussian (d->seed_noise, ix, iy, iz);
    }
  g_autofree guint64 *mask = NULL;
  if (d->inclusions)
    {
      mask = g_new0 (guint64, nv);
      inclusion_layer (d, iz, mask);
    }

  for (int iy = 0; iy < d->nvy; iy++)
    for (int ix = 0; ix < d->nvx; ix++)
      {
        const gsize v = (gsize) iy * d->nvx + ix;
        double w = layer[v];
        if (d->written)
          {
            if (f != NULL)
              w += d->sigma_dn * f[v];
            if (d->scale_offset)
              w = d->scale * w + d->offset;
            if (d->stuck > 0.0)
              {
                const guint64 h = pfm_rng_hash (d->seed_stuck, ix, iy, iz);
                /* The top 53 bits choose whether it fails, the lowest bit
                 * (independent of them) where it sticks. */
                if ((double) (h >> 11) * 0x1.0p-53 < d->stuck)
                  w = (h & 1) ? d->delta_n : 0.0;
              }
            if (d->has_drift)
              w *= d->drift;
          }
        if (mask != NULL && mask[v] != 0)
          {
            const double phi = __builtin_popcountll (mask[v]) / (double) (SUB * SUB * SUB);
            w = (1.0 - phi) * w + phi * d->incl_dn;
          }
        layer[v] = (float) w;
      }
}

/* ---- geometry and temperature ------------------------------------------ */

void
pfm_defects_core_bounds (const PfmDefects *d, int layer, PfmCoreBounds *b)
{
  g_return_if_fail (d != NULL && b != NULL);
  double h = 0.5 * d->side * (1.0 + d->side_error);
  double dw[4] = { 0.0, 0.0, 0.0, 0.0 };
  if (layer >= 0)
    {
      const double z = MIN ((layer + 0.5) * d->voxel, d->length);
      h *= 1.0 + d->taper * z / d->length;
      if (d->roughness > 0.0)
        for (int w = 0; w < 4; w++)
          dw[w] = d->roughness * CLAMP (hash_gaussian (d->seed_rough, layer, w, 0), -ROUGH_CLIP, ROUGH_CLIP);
    }
  /* A positive displacement moves a wall outwards. */
  b->x_lo = -h - dw[0];
  b->x_hi = h + dw[1];
  b->y_lo = -h - dw[2];
  b->y_hi = h + dw[3];
  b->radius = h + dw[0];
}

double
pfm_defects_thermal_dn (const PfmDefects *d, double x)
{
  g_return_val_if_fail (d != NULL, 0.0);
  return d->thermal * x;
}
