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

#include <glib/gstdio.h>

#include "pfm-export.h"
#include "pfm-medium.h"
#include "pfm-rng.h"

G_DEFINE_QUARK (pfm-medium-error-quark, pfm_medium_error)

#define MAP_MAGIC "PFM-INDEX-MAP 1\n"

static int
lattice_count (double extent, double voxel)
{
  /* The relative slack keeps a side that is an exact multiple of the voxel
   * from gaining a sliver voxel through rounding. */
  return MAX (1, (int) ceil (extent / voxel * (1.0 - 1e-9)));
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
      m->nvx = m->nvy = lattice_count (m->side, m->voxel);
      m->nvz = lattice_count (m->length, m->voxel);
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
  m->max_abs_dn = prof + vox;
  return g_steal_pointer (&m);
}

void
pfm_medium_free (PfmMedium *medium)
{
  if (medium == NULL)
    return;
  g_free (medium->map);
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

double
pfm_medium_profile_dn (const PfmMedium *m, double x, double y, double dx)
{
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
  if (m->kind == PFM_MEDIUM_NONE || fabs (x) > 0.5 * m->side)
    return -1;
  int i = (int) floor ((x + 0.5 * m->side) / m->voxel);
  return (i >= 0 && i < count) ? i : -1;
}

float
pfm_medium_voxel_dn (const PfmMedium *m, int ix, int iy, int iz)
{
  if (ix < 0 || iy < 0 || iz < 0 || ix >= m->nvx || iy >= m->nvy || iz >= m->nvz)
    return 0.0f;
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

void
pfm_medium_fill_layer (const PfmMedium *m, int iz, float *layer)
{
  for (int iy = 0; iy < m->nvy; iy++)
    for (int ix = 0; ix < m->nvx; ix++)
      layer[iy * m->nvx + ix] = pfm_medium_voxel_dn (m, ix, iy, iz);
}

guint64
pfm_medium_n_parameters (const PfmMedium *m)
{
  if (m->kind == PFM_MEDIUM_NONE)
    return 0;
  return (guint64) m->nvx * m->nvy * m->nvz;
}

gboolean
pfm_medium_load_map (const char *path, int *nx, int *ny, int *nz, float **values, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  GStatBuf st;
  if (g_stat (path, &st) == 0 && (guint64) st.st_size > 64 + 4 * PFM_MEDIUM_MAX_FILE_VOXELS)
    {
      g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_TOO_LARGE,
                   "index map %s is %lld bytes: accepted at most %" G_GUINT64_FORMAT " voxels",
                   path, (long long) st.st_size, PFM_MEDIUM_MAX_FILE_VOXELS);
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;

  const gsize mlen = strlen (MAP_MAGIC);
  if (len < mlen || memcmp (data, MAP_MAGIC, mlen) != 0)
    {
      g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
                   "%s is not an index map: it must start with the line \"PFM-INDEX-MAP 1\"", path);
      return FALSE;
    }
  const char *p = data + mlen;
  const char *nl = memchr (p, '\n', MIN (len - mlen, 64));
  if (nl == NULL)
    goto bad_header;
  {
    g_autofree char *line = g_strndup (p, nl - p);
    g_auto(GStrv) f = g_strsplit (g_strstrip (line), " ", -1);
    guint64 d[3];
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
                     path, n, PFM_MEDIUM_MAX_FILE_VOXELS);
        return FALSE;
      }
    gsize off = nl + 1 - data;
    if (len - off != 4 * n)
      {
        g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
                     "%s: header says %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                     " voxels (%" G_GUINT64_FORMAT " bytes of float32) but %" G_GSIZE_FORMAT " bytes follow",
                     path, d[0], d[1], d[2], 4 * n, len - off);
        return FALSE;
      }
    float *v = g_new (float, n);
    for (guint64 i = 0; i < n; i++)
      {
        guint32 u;
        memcpy (&u, data + off + 4 * i, 4);
        u = GUINT32_FROM_LE (u);
        memcpy (&v[i], &u, 4);
        if (!isfinite (v[i]) || fabsf (v[i]) > 0.5f)
          {
            g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
                         "%s: voxel %" G_GUINT64_FORMAT " has dn = %g: accepted finite values in [-0.5, 0.5]",
                         path, i, (double) v[i]);
            g_free (v);
            return FALSE;
          }
      }
    *nx = (int) d[0];
    *ny = (int) d[1];
    *nz = (int) d[2];
    *values = v;
    return TRUE;
  }

bad_header:
  g_set_error (error, PFM_MEDIUM_ERROR, PFM_MEDIUM_ERROR_FORMAT,
               "%s: the second line must be \"NX NY NZ\", three integers in [1, 65536]", path);
  return FALSE;
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
  return pfm_export_write_atomic (path, out->data, out->len, error);
}
