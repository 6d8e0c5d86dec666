/* pfm-medium.c - the tube: guiding profile and the voxel index map
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-medium"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "pfm-export.h"
#include "pfm-medium.h"
#include "pfm-rng.h"

G_DEFINE_QUARK (pfm-medium-error-quark, pfm_medium_error)

#define MAP_MAGIC "PFM-INDEX-MAP 1\n"

int
pfm_medium_lattice_count (double extent, double voxel)
{
  /* The relative slack keeps a side that is an exact multiple of the voxel
   * from gaining a sliver voxel through rounding. */
  return MAX (1, (int) ceil (extent / voxel * (1.0 - 1e-9)));
}

static inline float
nominal_dn (const PfmMedium *m, int ix, int iy, int iz)
{
  switch (m->kind)
    {
    case PFM_MEDIUM_RANDOM:
      return (float) (m->delta_n * (2.0 * pfm_rng_hash_uniform (m->seed, ix, iy, iz) - 1.0));
    case PFM_MEDIUM_FILE:
      return m->map[((gsize) iz * m->nvy + iy) * m->nvx + ix];
    case PFM_MEDIUM_NONE:
    default:
      return 0.0f;
    }
}

static void
nominal_layer (const PfmMedium *m, int iz, float *layer)
{
  if (iz < 0 || iz >= m->nvz)
    {
      memset (layer, 0, (gsize) m->nvx * m->nvy * sizeof (float));
      return;
    }
  for (int iy = 0; iy < m->nvy; iy++)
    for (int ix = 0; ix < m->nvx; ix++)
      layer[iy * m->nvx + ix] = nominal_dn (m, ix, iy, iz);
}

static guint64
copy_bytes (int nvx, int nvy, int nvz)
{
  guint64 b = (guint64) nvx * nvy * nvz * sizeof (float);
  return b <= PFM_MEDIUM_MAX_COPY_BYTES ? b : 0;
}

/* A copy's voxels: one pass over the layers, kept when they fit, which
 * also measures the largest |dn| for the step-phase check.  Returns the
 * bound on |dn| of the copy's voxels. */
static double
copy_voxels (PfmMedium *m, const PfmConfig *cfg, double nominal_bound)
{
  const gsize nv = (gsize) m->nvx * m->nvy;
  if (copy_bytes (m->nvx, m->nvy, m->nvz) > 0)
    m->copy_map = g_try_new (float, nv * m->nvz);
  if (m->copy_map == NULL)
    return pfm_defects_voxel_bound (m->defects, nominal_bound);

  float vmax = 0.0f;
  for (int iz = 0; iz < m->nvz; iz++)
    {
      float *layer = m->copy_map + nv * iz;
      nominal_layer (m, iz, layer);
      pfm_defects_apply_layer (m->defects, iz, layer);
      for (gsize v = 0; v < nv; v++)
        vmax = MAX (vmax, fabsf (layer[v]));
    }
  return vmax;
}

guint64
pfm_medium_estimate_copy_bytes (const PfmConfig *cfg)
{
  g_return_val_if_fail (cfg != NULL, 0);
  if (!pfm_defects_active (cfg) || !pfm_defects_touch_voxels (cfg))
    return 0;
  if (cfg->medium.kind == PFM_MEDIUM_FILE)
    {
      /* The file holds the same float32 values, plus a short header. */
      GStatBuf st;
      if (cfg->medium.file == NULL || g_stat (cfg->medium.file, &st) != 0)
        return 0;
      return (guint64) st.st_size <= PFM_MEDIUM_MAX_COPY_BYTES ? (guint64) st.st_size : 0;
    }
  const double voxel = pfm_config_voxel (cfg);
  int nxy = pfm_medium_lattice_count (cfg->tube.side, voxel), nz = pfm_medium_lattice_count (cfg->tube.length, voxel);
  return copy_bytes (nxy, nxy, nz);
}

PfmMedium *
pfm_medium_new (const PfmConfig *cfg, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);

  g_autoptr(PfmMedium) m = g_new0 (PfmMedium, 1);
  m->profile = cfg->tube.profile;
  m->kind = cfg->medium.kind;
  m->n0 = cfg->optics.n0;
  m->side = cfg->tube.side;
  m->length = cfg->tube.length;
  m->na = cfg->tube.na;
  m->grin_delta = cfg->tube.grin_delta;
  m->delta_n = cfg->medium.delta_n;
  m->voxel = pfm_config_voxel (cfg);
  m->seed = cfg->medium.seed;

  if (m->kind == PFM_MEDIUM_FILE)
    {
      if (!pfm_medium_load_map (cfg->medium.file, &m->nvx, &m->nvy, &m->nvz, &m->map, error))
        return NULL;
    }
  else
    {
      m->nvx = m->nvy = pfm_medium_lattice_count (m->side, m->voxel);
      m->nvz = pfm_medium_lattice_count (m->length, m->voxel);
      if ((guint64) m->nvx * m->nvy * m->nvz > G_GUINT64_CONSTANT (1) << 40)
        {
          g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_TOO_LARGE,
                       "the sample has %d x %d x %d voxels: accepted at most 2^40; "
                       "enlarge medium.voxel or shrink the tube", m->nvx, m->nvy, m->nvz);
          return NULL;
        }
    }

  double prof = 0.0;
  if (m->profile == PFM_PROFILE_STEP)
    prof = m->n0 - sqrt (m->n0 * m->n0 - m->na * m->na);
  else if (m->profile == PFM_PROFILE_GRIN)
    prof = m->n0 * m->grin_delta;
  double vox = 0.0;
  if (m->kind == PFM_MEDIUM_RANDOM)
    vox = m->delta_n;
  else if (m->kind == PFM_MEDIUM_FILE)
    {
      gsize n = (gsize) m->nvx * m->nvy * m->nvz;
      for (gsize i = 0; i < n; i++)
        vox = MAX (vox, fabs (m->map[i]));
    }
  m->has_voxels = m->kind != PFM_MEDIUM_NONE;
  m->nlz = m->nvz;

  if (pfm_defects_active (cfg))
    {
      m->defects = pfm_defects_new (cfg, m->nvx, m->nvy, m->nvz, m->voxel, m->kind != PFM_MEDIUM_NONE, error);
      if (m->defects == NULL)
        return NULL;
      m->profile_varies = pfm_defects_profile_varies (cfg);
      if (m->profile_varies)
        m->nlz = MAX (m->nvz, pfm_medium_lattice_count (m->length, m->voxel));
      /* The temperature's index tilt is largest at the window's edge. */
      prof += fabs (pfm_defects_thermal_dn (m->defects, 0.5 * pfm_config_window (cfg)));
      if (pfm_defects_changes_voxels (m->defects))
        {
          m->has_voxels = TRUE;
          vox = copy_voxels (m, cfg, vox);
        }
    }
  m->profile_abs_dn = prof;
  m->voxel_abs_dn = vox;
  m->max_abs_dn = prof + vox;
  return g_steal_pointer (&m);
}

void
pfm_medium_free (PfmMedium *medium)
{
  if (medium == NULL)
    return;
  g_free (medium->map);
  g_free (medium->copy_map);
  pfm_defects_free (medium->defects);
  g_free (medium);
}

/* Length of [c - d/2, c + d/2] inside [-h, h], as a fraction of d. */
static inline double
overlap (double c, double d, double h)
{
  double lo = MAX (c - 0.5 * d, -h);
  double hi = MIN (c + 0.5 * d, h);
  return hi > lo ? (hi - lo) / d : 0.0;
}

/* Length of [c - d/2, c + d/2] inside [lo, hi], as a fraction of d. */
static inline double
overlap2 (double c, double d, double lo, double hi)
{
  double a = MAX (c - 0.5 * d, lo);
  double b = MIN (c + 0.5 * d, hi);
  return b > a ? (b - a) / d : 0.0;
}

static double
n_clad_minus_n0 (const PfmMedium *m)
{
  return sqrt (m->n0 * m->n0 - m->na * m->na) - m->n0;
}

/* The profile of a copy, with the core's walls at @b. */
static double
copy_profile_dn (const PfmMedium *m, const PfmCoreBounds *b, double x, double y, double dx)
{
  double dn = pfm_defects_thermal_dn (m->defects, x);
  switch (m->profile)
    {
    case PFM_PROFILE_STEP:
      {
        double inside = overlap2 (x, dx, b->x_lo, b->x_hi) * overlap2 (y, dx, b->y_lo, b->y_hi);
        return dn + n_clad_minus_n0 (m) * (1.0 - inside);
      }
    case PFM_PROFILE_GRIN:
      {
        double R = b->radius;
        double rr = MIN ((x * x + y * y) / (R * R), 1.0);
        return dn - m->n0 * m->grin_delta * rr;
      }
    case PFM_PROFILE_NONE:
    default:
      return dn;
    }
}

void
pfm_medium_fill_profile (const PfmMedium *m, int layer, int n, double dx, double scale, float *out,
                         double *scratch)
{
  g_return_if_fail (m != NULL && out != NULL && n > 0);
  if (m->defects == NULL)
    {
      for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
          out[(gsize) j * n + i] = (float) (scale * pfm_medium_profile_dn (m, (i - n / 2) * dx, (j - n / 2) * dx, dx));
      return;
    }
  PfmCoreBounds b;
  pfm_defects_core_bounds (m->defects, m->profile_varies ? layer : -1, &b);
  if (m->profile != PFM_PROFILE_STEP)
    {
      for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
          out[(gsize) j * n + i] = (float) (scale * copy_profile_dn (m, &b, (i - n / 2) * dx, (j - n / 2) * dx, dx));
      return;
    }
  /* The step profile is separable: per-axis overlaps, then a product. */
  g_autofree double *own = scratch == NULL ? g_new (double, 3 * (gsize) n) : NULL;
  double *ox = scratch != NULL ? scratch : own;
  double *oy = ox + n, *t = oy + n;
  for (int i = 0; i < n; i++)
    {
      const double x = (i - n / 2) * dx;
      ox[i] = overlap2 (x, dx, b.x_lo, b.x_hi);
      oy[i] = overlap2 (x, dx, b.y_lo, b.y_hi);
      t[i] = pfm_defects_thermal_dn (m->defects, x);
    }
  const double c = n_clad_minus_n0 (m);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      out[(gsize) j * n + i] = (float) (scale * (t[i] + c * (1.0 - ox[i] * oy[j])));
}

double
pfm_medium_profile_dn (const PfmMedium *m, double x, double y, double dx)
{
  if (m->defects != NULL)
    {
      PfmCoreBounds b;
      pfm_defects_core_bounds (m->defects, -1, &b);
      return copy_profile_dn (m, &b, x, y, dx);
    }
  switch (m->profile)
    {
    case PFM_PROFILE_STEP:
      {
        /* Area-weighted, so the core edge does not jump by a whole pixel. */
        double n_clad = sqrt (m->n0 * m->n0 - m->na * m->na);
        double inside = overlap (x, dx, 0.5 * m->side) * overlap (y, dx, 0.5 * m->side);
        return (n_clad - m->n0) * (1.0 - inside);
      }
    case PFM_PROFILE_GRIN:
      {
        double R = 0.5 * m->side;
        double rr = MIN ((x * x + y * y) / (R * R), 1.0);
        return -m->n0 * m->grin_delta * rr;
      }
    case PFM_PROFILE_NONE:
    default:
      return 0.0;
    }
}

int
pfm_medium_voxel_index (const PfmMedium *m, double x, int count)
{
  if (!m->has_voxels || fabs (x) > 0.5 * m->side)
    return -1;
  int i = (int) floor ((x + 0.5 * m->side) / m->voxel);
  return (i >= 0 && i < count) ? i : -1;
}

float
pfm_medium_voxel_dn (const PfmMedium *m, int ix, int iy, int iz)
{
  if (ix < 0 || iy < 0 || iz < 0 || ix >= m->nvx || iy >= m->nvy || iz >= m->nvz)
    return 0.0f;
  const gsize nv = (gsize) m->nvx * m->nvy;
  if (m->copy_map != NULL)
    return m->copy_map[nv * iz + (gsize) iy * m->nvx + ix];
  if (m->defects != NULL && pfm_defects_changes_voxels (m->defects))
    {
      g_autofree float *layer = g_new (float, nv);
      pfm_medium_fill_layer (m, iz, layer);
      return layer[(gsize) iy * m->nvx + ix];
    }
  return nominal_dn (m, ix, iy, iz);
}

void
pfm_medium_fill_layer (const PfmMedium *m, int iz, float *layer)
{
  if (m->copy_map != NULL)
    {
      const gsize nv = (gsize) m->nvx * m->nvy;
      if (iz >= 0 && iz < m->nvz)
        memcpy (layer, m->copy_map + nv * iz, nv * sizeof (float));
      else
        memset (layer, 0, nv * sizeof (float));
      return;
    }
  nominal_layer (m, iz, layer);
  if (m->defects != NULL && pfm_defects_changes_voxels (m->defects))
    pfm_defects_apply_layer (m->defects, iz, layer);
}

guint64
pfm_medium_n_parameters (const PfmMedium *m)
{
  if (m->kind == PFM_MEDIUM_NONE)
    return 0;
  return (guint64) m->nvx * m->nvy * m->nvz;
}

/* Checks the header and the length of @data; the values start at *offset. */
static gboolean
map_header (const char *data, gsize len, const char *name, guint64 d[3], gsize *offset, GError **error)
{
  const gsize mlen = strlen (MAP_MAGIC);
  if (len < mlen || memcmp (data, MAP_MAGIC, mlen) != 0)
    {
      g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
                   "%s is not an index map: it must start with the line \"PFM-INDEX-MAP 1\"", name);
      return FALSE;
    }
  const char *p = data + mlen;
  const char *nl = memchr (p, '\n', MIN (len - mlen, 64));
  if (nl == NULL)
    goto bad_header;
  {
    g_autofree char *line = g_strndup (p, nl - p);
    g_auto(GStrv) f = g_strsplit (g_strstrip (line), " ", -1);
    if (g_strv_length (f) != 3)
      goto bad_header;
    for (int i = 0; i < 3; i++)
      if (!g_ascii_string_to_unsigned (f[i], 10, 1, 65536, &d[i], NULL))
        goto bad_header;
    guint64 n = d[0] * d[1] * d[2];
    if (n > PFM_MEDIUM_MAX_FILE_VOXELS)
      {
        g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_TOO_LARGE,
                     "%s: %" G_GUINT64_FORMAT " voxels: accepted at most %" G_GUINT64_FORMAT,
                     name, n, PFM_MEDIUM_MAX_FILE_VOXELS);
        return FALSE;
      }
    gsize off = nl + 1 - data;
    if (len - off != 4 * n)
      {
        g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
                     "%s: header says %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                     " voxels (%" G_GUINT64_FORMAT " bytes of float32) but %" G_GSIZE_FORMAT " bytes follow",
                     name, d[0], d[1], d[2], 4 * n, len - off);
        return FALSE;
      }
    *offset = off;
    return TRUE;
  }

bad_header:
  g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
               "%s: the second line must be \"NX NY NZ\", three integers in [1, 65536]", name);
  return FALSE;
}

/* Decodes @n little-endian float32 from @src into @dst and checks each.
 * @dst may overlap @src when it does not lie after it (decoding in place,
 * front to back, never overwrites a value before it is read). */
static gboolean
map_values (const char *src, float *dst, guint64 n, const char *name, GError **error)
{
  for (guint64 i = 0; i < n; i++)
    {
      guint32 u;
      float v;
      memcpy (&u, src + 4 * i, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&v, &u, 4);
      if (!isfinite (v) || fabsf (v) > 0.5f)
        {
          g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
                       "%s: voxel %" G_GUINT64_FORMAT " has dn = %g: accepted finite values in [-0.5, 0.5]",
                       name, i, (double) v);
          return FALSE;
        }
      memcpy (&dst[i], &v, 4);
    }
  return TRUE;
}

static void
out_of_memory (const char *name, guint64 bytes, GError **error)
{
  g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_TOO_LARGE,
               "out of memory reading %s (%" G_GUINT64_FORMAT " MiB)", name, bytes >> 20);
}

gboolean
pfm_medium_load_map_data (const char *data, gsize len, const char *name,
                          int *nx, int *ny, int *nz, float **values, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (nx != NULL && ny != NULL && nz != NULL && values != NULL, FALSE);
  if (name == NULL)
    name = "index map";

  guint64 d[3];
  gsize off;
  if (!map_header (data, len, name, d, &off, error))
    return FALSE;
  const guint64 n = d[0] * d[1] * d[2];
  float *v = g_try_new (float, n);
  if (v == NULL)
    {
      out_of_memory (name, 4 * n, error);
      return FALSE;
    }
  if (!map_values (data + off, v, n, name, error))
    {
      g_free (v);
      return FALSE;
    }
  *nx = (int) d[0];
  *ny = (int) d[1];
  *nz = (int) d[2];
  *values = v;
  return TRUE;
}

gboolean
pfm_medium_load_map (const char *path, int *nx, int *ny, int *nz, float **values, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (nx != NULL && ny != NULL && nz != NULL && values != NULL, FALSE);

  /* A FIFO or a device (/dev/zero) is refused, not read until memory runs out. */
  g_autoptr(GError) local = NULL;
  if (!pfm_file_read (path, 64 + 4 * PFM_MEDIUM_MAX_FILE_VOXELS, "an index map", &data, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_TOO_LARGE,
                     "%s (%" G_GUINT64_FORMAT " voxels)", local->message, PFM_MEDIUM_MAX_FILE_VOXELS);
      else if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_INVAL) ||
               g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ISDIR))
        g_set_error_literal (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  guint64 d[3];
  gsize off;
  if (!map_header (data, len, path, d, &off, error))
    return FALSE;
  /* Decoded in place, so a map costs its file's size once, not twice. */
  const guint64 n = d[0] * d[1] * d[2];
  if (!map_values (data + off, (float *) data, n, path, error))
    return FALSE;
  char *shrunk = g_try_realloc (data, MAX (4 * n, 1));
  if (shrunk != NULL)
    data = shrunk;
  *nx = (int) d[0];
  *ny = (int) d[1];
  *nz = (int) d[2];
  *values = (float *) g_steal_pointer (&data);
  return TRUE;
}

gboolean
pfm_medium_save_map (const char *path, int nx, int ny, int nz, const float *values, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *header = g_strdup_printf (MAP_MAGIC "%d %d %d\n", nx, ny, nz);
  g_byte_array_append (out, (const guint8 *) header, strlen (header));
  gsize n = (gsize) nx * ny * nz;
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;
      memcpy (&u, &values[i], 4);
      u = GUINT32_TO_LE (u);
      g_byte_array_append (out, (const guint8 *) &u, 4);
    }
  return pfm_file_write_atomic (path, out->data, out->len, error);
}
