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

/* Largest error of pfm_fast_sincosf against the exact sin and cos, for
 * |x| <= PFM_FAST_SINCOS_RANGE (measured by the tests; bound stated here). */
#define PFM_FAST_SINCOS_MAX_ERROR 1e-6f
#define PFM_FAST_SINCOS_RANGE     1000.0f

/* sin and cos of @x in float: quadrant reduction in two parts (Cody-Waite)
 * and Taylor polynomials on [-pi/4, pi/4].  Written with selects and no
 * branches so compilers vectorise the loops that call it.  Outside
 * PFM_FAST_SINCOS_RANGE the result is still bounded by 1 but loses
 * accuracy; the engine never gets there because a step whose phase exceeds
 * 0.5 rad is flagged and stops. */
static inline void
pfm_fast_sincosf (float x, float *s, float *c)
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
  float cr = 1.0f + r2 * (-0.5f + r2 * (4.1666667908e-02f + r2 * (-1.3888889225e-03f + r2 * 2.4801587642e-05f)));

  float ss = (q & 1) ? cr : sr;
  float cc = (q & 1) ? sr : cr;
  *s = (q & 2) ? -ss : ss;
  *c = ((q + 1) & 2) ? -cc : cc;
}

/* e *= amp * exp(i (w0 m0 + w1 m1 + kerr |e|^2)), with m1 == NULL meaning
 * w1 = 0 and amp == NULL meaning 1.  Returns the largest |e|^2 before the
 * update (the mid-step peak intensity). */
float pfm_kernel_nonlinear (float       *e,
                            const float *m0,
                            float        w0,
                            const float *m1,
                            float        w1,
                            const float *amp,
                            float        kerr,
                            gsize        count);

/* e *= d (complex, elementwise). */
void  pfm_kernel_cmul      (float       *e,
                            const float *d,
                            gsize        count);

/* out = e * d; returns sum |e|^2 over the whole array and adds to
 * @edge_power the part where @edge (count bytes, may be NULL) is non-zero. */
double pfm_kernel_cmul_to  (float       *out,
                            const float *e,
                            const float *d,
                            const guint8 *edge,
                            double      *edge_power,
                            gsize        count);

G_END_DECLS
