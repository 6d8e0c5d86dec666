/* pfm-rng.h - small seeded generators, identical on every platform
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A sequential stream: xoshiro256** seeded through splitmix64. */
typedef struct
{
  guint64 s[4];
} PfmRng;

/* splitmix64 (Steele, Lea and Flood 2014): advances @state and returns the
 * next value of its stream, the same on every platform.  Inline: the
 * counter-based hash below calls it for every voxel. */
static inline guint64
pfm_rng_splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

void    pfm_rng_init     (PfmRng *rng, guint64 seed);
guint64 pfm_rng_next     (PfmRng *rng);
double  pfm_rng_uniform  (PfmRng *rng);          /* [0, 1) with 53 random bits */
double  pfm_rng_gaussian (PfmRng *rng);          /* standard normal */

/* Counter-based: a value that depends only on (seed, a, b, c), so a voxel's
 * random index is the same whatever order or thread computes it. */
guint64 pfm_rng_hash     (guint64 seed, guint64 a, guint64 b, guint64 c);
double  pfm_rng_hash_uniform (guint64 seed, guint64 a, guint64 b, guint64 c);  /* [0, 1) */

G_END_DECLS
