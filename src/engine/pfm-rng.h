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

void    pfm_rng_init     (PfmRng *rng, guint64 seed);
guint64 pfm_rng_next     (PfmRng *rng);
double  pfm_rng_uniform  (PfmRng *rng);          /* [0, 1) with 53 random bits */
double  pfm_rng_gaussian (PfmRng *rng);          /* standard normal */

/* Counter-based: a value that depends only on (seed, a, b, c), so a voxel's
 * random index is the same whatever order or thread computes it. */
guint64 pfm_rng_hash     (guint64 seed, guint64 a, guint64 b, guint64 c);
double  pfm_rng_hash_uniform (guint64 seed, guint64 a, guint64 b, guint64 c);  /* [0, 1) */

G_END_DECLS
