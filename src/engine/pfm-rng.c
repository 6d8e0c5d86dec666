/* pfm-rng.c - small seeded generators, identical on every platform
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Integer-only arithmetic up to the final conversion to double, so the
 * streams are bit-identical on every compiler and CPU.
 */
#include "config.h"

#include <math.h>

#include "pfm-rng.h"

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
pfm_rng_init (PfmRng *rng, guint64 seed)
{
  guint64 x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = pfm_rng_splitmix64 (&x);
}

guint64
pfm_rng_next (PfmRng *rng)
{
  guint64 *s = rng->s;
  const guint64 result = rotl (s[1] * 5, 7) * 9;
  const guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

static inline double
to_unit (guint64 x)
{
  return (double) (x >> 11) * 0x1.0p-53;
}

double
pfm_rng_uniform (PfmRng *rng)
{
  return to_unit (pfm_rng_next (rng));
}

double
pfm_rng_gaussian (PfmRng *rng)
{
  /* Box-Muller; u1 in (0, 1] so the log is finite. */
  double u1 = 1.0 - pfm_rng_uniform (rng);
  double u2 = pfm_rng_uniform (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

guint64
pfm_rng_hash (guint64 seed, guint64 a, guint64 b, guint64 c)
{
  guint64 x = seed;
  guint64 h = pfm_rng_splitmix64 (&x);
  x = h ^ a;
  h = pfm_rng_splitmix64 (&x);
  x = h ^ b;
  h = pfm_rng_splitmix64 (&x);
  x = h ^ c;
  return pfm_rng_splitmix64 (&x);
}

double
pfm_rng_hash_uniform (guint64 seed, guint64 a, guint64 b, guint64 c)
{
  return to_unit (pfm_rng_hash (seed, a, b, c));
}
