/* pfm-volume-data.c - the volume the renderer draws, on the CPU side (no GL)
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-volume-data"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-volume-data.h"

PfmVolumeData *
pfm_volume_data_new (int nx, int ny, double x0, double y0, double dx, double dy, double length, gboolean with_dn)
{
  g_return_val_if_fail (nx > 0 && ny > 0, NULL);
  PfmVolumeData *d = g_new0 (PfmVolumeData, 1);
  d->nx = nx;
  d->ny = ny;
  d->x0 = x0;
  d->y0 = y0;
  d->dx = dx;
  d->dy = dy;
  d->length = length;
  d->capacity = 16;
  d->intensity = g_new0 (float, (gsize) nx * ny * d->capacity);
  if (with_dn)
    d->dn = g_new0 (float, (gsize) nx * ny * d->capacity);
  return d;
}

static void
update_maxima (PfmVolumeData *d, const float *intensity, const float *dn, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (isfinite (intensity[i]) && intensity[i] > d->max_intensity)
        d->max_intensity = intensity[i];
      if (dn && isfinite (dn[i]) && fabsf (dn[i]) > d->max_abs_dn)
        d->max_abs_dn = fabsf (dn[i]);
    }
}

PfmVolumeData *
pfm_volume_data_new_full (int nx, int ny, int nz, const float *intensity, const float *dn,
                          double x0, double y0, double dx, double dy, const double *z, double length)
{
  g_return_val_if_fail (nx > 0 && ny > 0 && nz > 0 && intensity != NULL && z != NULL, NULL);
  const gsize n = (gsize) nx * ny * nz;
  PfmVolumeData *d = g_new0 (PfmVolumeData, 1);
  d->nx = nx;
  d->ny = ny;
  d->nz = d->capacity = nz;
  d->x0 = x0;
  d->y0 = y0;
  d->dx = dx;
  d->dy = dy;
  d->z_first = z[0];
  d->z_last = z[nz - 1];
  d->length = length > 0 ? length : z[nz - 1];
  d->intensity = g_memdup2 (intensity, n * sizeof (float));
  d->dn = dn ? g_memdup2 (dn, n * sizeof (float)) : NULL;
  update_maxima (d, intensity, dn, n);
  return d;
}

double
pfm_volume_data_index_range (const PfmVolumeData *data)
{
  return data != NULL && data->dn != NULL && data->max_abs_dn > 0 ? data->max_abs_dn : NAN;
}

PfmVolumeData *
pfm_volume_data_copy (const PfmVolumeData *data)
{
  g_return_val_if_fail (data != NULL, NULL);
  const gsize n = (gsize) data->nx * data->ny * data->capacity;
  PfmVolumeData *d = g_memdup2 (data, sizeof *data);
  d->intensity = g_memdup2 (data->intensity, n * sizeof (float));
  d->dn = data->dn ? g_memdup2 (data->dn, n * sizeof (float)) : NULL;
  return d;
}

void
pfm_volume_data_free (PfmVolumeData *data)
{
  if (data == NULL)
    return;
  g_free (data->intensity);
  g_free (data->dn);
  g_free (data);
}

void
pfm_volume_data_append_slice (PfmVolumeData *d, double z, const float *intensity, const float *dn)
{
  g_return_if_fail (d != NULL && intensity != NULL);
  const gsize slice = (gsize) d->nx * d->ny;
  if (d->nz == d->capacity)
    {
      d->capacity *= 2;
      d->intensity = g_renew (float, d->intensity, slice * d->capacity);
      if (d->dn)
        d->dn = g_renew (float, d->dn, slice * d->capacity);
    }
  memcpy (d->intensity + slice * d->nz, intensity, slice * sizeof (float));
  if (d->dn)
    {
      if (dn)
        memcpy (d->dn + slice * d->nz, dn, slice * sizeof (float));
      else
        memset (d->dn + slice * d->nz, 0, slice * sizeof (float));
    }
  update_maxima (d, intensity, d->dn ? dn : NULL, slice);
  if (d->nz == 0)
    d->z_first = z;
  d->z_last = z;
  d->nz++;
}

double
pfm_volume_data_width (const PfmVolumeData *data)
{
  return data->nx * data->dx;
}

double
pfm_volume_data_height (const PfmVolumeData *data)
{
  return data->ny * data->dy;
}

/* Mean over blocks of fx x fy x fz samples; the last block of an axis may
 * be partial and averages what it has. */
static float *
downsample (const float *src, int nx, int ny, int nz, int fx, int fy, int fz, int ox, int oy, int oz)
{
  float *out = g_new (float, (gsize) ox * oy * oz);
  for (int k = 0; k < oz; k++)
    for (int j = 0; j < oy; j++)
      for (int i = 0; i < ox; i++)
        {
          double s = 0;
          int c = 0;
          for (int kk = k * fz; kk < MIN ((k + 1) * fz, nz); kk++)
            for (int jj = j * fy; jj < MIN ((j + 1) * fy, ny); jj++)
              for (int ii = i * fx; ii < MIN ((i + 1) * fx, nx); ii++)
                {
                  s += src[((gsize) kk * ny + jj) * nx + ii];
                  c++;
                }
          out[((gsize) k * oy + j) * ox + i] = (float) (c ? s / c : 0);
        }
  return out;
}

PfmVolumeData *
pfm_volume_data_fit (const PfmVolumeData *data, int max_side, guint64 max_bytes, int bytes_per_voxel,
                     gboolean *downsampled)
{
  g_return_val_if_fail (data != NULL && max_side > 0 && bytes_per_voxel > 0, NULL);
  int f[3] = { 1, 1, 1 };
  const int n[3] = { data->nx, data->ny, MAX (data->nz, 1) };
  int o[3] = { n[0], n[1], n[2] };
  for (int a = 0; a < 3; a++)
    while (o[a] > max_side)
      {
        f[a]++;
        o[a] = (n[a] + f[a] - 1) / f[a];
      }
  /* Over the memory budget: coarsen the axis with the most samples left. */
  while ((guint64) o[0] * o[1] * o[2] * bytes_per_voxel > max_bytes && (o[0] > 1 || o[1] > 1 || o[2] > 1))
    {
      int a = o[0] >= o[1] && o[0] >= o[2] ? 0 : (o[1] >= o[2] ? 1 : 2);
      f[a]++;
      o[a] = (n[a] + f[a] - 1) / f[a];
    }
  gboolean shrunk = f[0] > 1 || f[1] > 1 || f[2] > 1;
  if (downsampled)
    *downsampled = shrunk;
  if (!shrunk || data->nz == 0)
    {
    return pfm_volume_data_copy (data);
    }
  PfmVolumeData *d = g_new0 (PfmVolumeData, 1);
  d->nx = o[0];
  d->ny = o[1];
  d->nz = d->capacity = o[2];
  d->dx = data->dx * f[0];
  d->dy = data->dy * f[1];
  /* Keep the box: a coarse sample's centre is where its block's is. */
  d->x0 = data->x0 - 0.5 * data->dx + 0.5 * d->dx;
  d->y0 = data->y0 - 0.5 * data->dy + 0.5 * d->dy;
  const double s = data->nz > 1 ? (data->z_last - data->z_first) / (data->nz - 1) : 0;
  d->z_first = data->z_first + 0.5 * (MIN (f[2], n[2]) - 1) * s;
  int last_lo = (o[2] - 1) * f[2];
  d->z_last = data->z_first + 0.5 * (last_lo + n[2] - 1) * s;
  d->length = data->length;
  d->intensity = downsample (data->intensity, n[0], n[1], n[2], f[0], f[1], f[2], o[0], o[1], o[2]);
  d->dn = data->dn ? downsample (data->dn, n[0], n[1], n[2], f[0], f[1], f[2], o[0], o[1], o[2]) : NULL;
  update_maxima (d, d->intensity, d->dn, (gsize) o[0] * o[1] * o[2]);
  return d;
}

void
pfm_volume_data_z_mapping (const PfmVolumeData *data, int depth, double *scale, double *offset,
                           double *valid_min, double *valid_max)
{
  const double L = data->length > 0 ? data->length : MAX (data->z_last, 1e-12);
  if (data->nz == 0 || depth <= 0)
    {
      *scale = 0;
      *offset = 0;
      *valid_min = 1;
      *valid_max = 0;
      return;
    }
  /* One slice stands for a thin layer (1/64 of the tube). */
  const double s = data->nz > 1 ? (data->z_last - data->z_first) / (data->nz - 1) : L / 64;
  *scale = L / (s * depth);
  *offset = (0.5 - data->z_first / s) / depth;
  *valid_min = CLAMP ((data->z_first - 0.5 * s) / L, 0.0, 1.0);
  *valid_max = CLAMP ((data->z_last + 0.5 * s) / L, 0.0, 1.0);
}
