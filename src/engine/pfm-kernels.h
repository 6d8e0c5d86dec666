/* pfm-kernels.h - the pointwise passes of a split step
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fields are interleaved complex float (re, im), the layout of
 * fftwf_complex.  Inside kernels short mathematical names are used.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest error of pfm_fast_sincosm1f against the exact sin and cos - 1, for
 * |x| <= PFM_FAST_SINCOS_RANGE (measured by the tests; bound stated here). */
#define PFM_FAST_SINCOS_MAX_ERROR 3e-7f
#define PFM_FAST_SINCOS_RANGE     1000.0f

/* sin(x) and cos(x) - 1 in float: quadrant reduction in three parts
 * (Cody-Waite) and Taylor polynomials on [-pi/4, pi/4].  cos - 1 rather
 * than cos keeps full relative precision for the small angles of a split
 * step: a rotation applied as e + e (cm1 + i s) then changes |e| by an
 * unbiased rounding, where e (c + i s) with c rounded near 1 would bias
 * the power by up to 1e-7 per step.  Written with selects and no branches
 * so that the loops calling it vectorise.  Outside PFM_FAST_SINCOS_RANGE
 * the result stays bounded but loses accuracy; the engine never gets there
 * because a step whose phase exceeds 0.5 rad is flagged and stops. */
static inline void
pfm_fast_sincosm1f (float x, float *s, float *cm1)
{
  const float two_over_pi = 0.636619772367581343f;
  /* pi/2 in three parts (Cephes' split): q * DP1 and q * DP2 are exact
   * for the quadrant counts reached within the stated range. */
  const float dp1 = 1.5703125f;
  const float dp2 = 4.837512969970703125e-4f;
  const float dp3 = 7.54978995489188216e-8f;
  const float magic = 12582912.0f;     /* 1.5 * 2^23: round to nearest */

  float qf = (x * two_over_pi + magic) - magic;
  int q = (int) qf;
  float r = ((x - qf * dp1) - qf * dp2) - qf * dp3;
  float r2 = r * r;

  float sr = r + r * r2 * (-1.6666667163e-01f + r2 * (8.3333337680e-03f + r2 * (-1.9841270114e-04f + r2 * 2.7557314297e-06f)));
  float crm1 = r2 * (-0.5f + r2 * (4.1666667908e-02f + r2 * (-1.3888889225e-03f + r2 * 2.4801587642e-05f)));
  float cr = 1.0f + crm1;

  /* Quadrant q mod 4: (sin, cos) = (sr, cr), (cr, -sr), (-sr, -cr), (-cr, sr). */
  float ss = (q & 1) ? cr : sr;
  *s = (q & 2) ? -ss : ss;
  float c_odd = ((q + 1) & 2) ? -sr : sr;          /* q = 1: -sr, q = 3: sr */
  float c_even = (q & 2) ? (-2.0f - crm1) : crm1;  /* q = 0: cr - 1, q = 2: -cr - 1 */
  *cm1 = (q & 1) ? (c_odd - 1.0f) : c_even;
}

typedef struct
{
  float  peak;       /* largest |e|^2 before the update: the mid-step peak intensity */
  double power_in;   /* sum |e|^2 before the update */
  double power_out;  /* sum |e|^2 after the update */
} PfmNonlinearStats;

/* e *= amp * exp(i (w0 m0 + w1 m1 + kerr |e|^2)), with m1 == NULL meaning
 * w1 = 0 and amp == NULL meaning 1. */
void  pfm_kernel_nonlinear (float             *e,
                            const float       *m0,
                            float              w0,
                            const float       *m1,
                            float              w1,
                            const float       *amp,
                            float              kerr,
                            gsize              count,
                            PfmNonlinearStats *stats);

/* The same with libm's sin in double: the reference the fast path is
 * tested against (PfmBpmOptions.exact_trig). */
void  pfm_kernel_nonlinear_exact (float             *e,
                                  const float       *m0,
                                  float              w0,
                                  const float       *m1,
                                  float              w1,
                                  const float       *amp,
                                  float              kerr,
                                  gsize              count,
                                  PfmNonlinearStats *stats);

/* e = scale (e + e dm1): multiplication by scale (1 + dm1), where dm1
 * holds exp(i phi) - 1 (complex, elementwise). */
void  pfm_kernel_cmul      (float       *e,
                            const float *dm1,
                            float        scale,
                            gsize        count);

/* out = scale (e + e dm1); returns sum |e|^2 over the whole array and adds to
 * @edge_power the part where @edge (count bytes, may be NULL) is non-zero. */
double pfm_kernel_cmul_to  (float       *out,
                            const float *e,
                            const float *dm1,
                            float        scale,
                            const guint8 *edge,
                            double      *edge_power,
                            gsize        count);

G_END_DECLS
