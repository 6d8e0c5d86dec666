/* pfm-kernels.c - the pointwise passes of a split step
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over memory each: the nonlinear pass fuses the index phase,
 * the Kerr phase, the absorber and the loss.  The loops are written so
 * GCC vectorises them at -O3 (no calls, selects instead of branches).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-kernels.h"

/* The nonlinear pass in GCC's portable vector extensions: 8 points at a
 * time (one AVX register, or two SSE registers where AVX is absent).  The
 * compiler's auto-vectoriser does not manage the interleaved complex
 * layout together with the reductions, so it is written out; the scalar
 * pfm_fast_sincosm1f is the reference it must match (tests). */
typedef float v8sf __attribute__ ((vector_size (32)));
typedef int   v8si __attribute__ ((vector_size (32)));

#define SPLAT(x) ((v8sf) { x, x, x, x, x, x, x, x })
#define ISPLAT(x) ((v8si) { x, x, x, x, x, x, x, x })

static inline __attribute__ ((always_inline)) v8sf
vsel (v8si mask, v8sf a, v8sf b)
{
  return (v8sf) (((v8si) a & mask) | ((v8si) b & ~mask));
}

static inline __attribute__ ((always_inline)) void
v_sincosm1 (v8sf x, v8sf *s, v8sf *cm1)
{
  const v8sf magic = SPLAT (12582912.0f);
  v8sf qf = (x * SPLAT (0.636619772367581343f) + magic) - magic;
  v8si q = __builtin_convertvector (qf, v8si);
  v8sf r = ((x - qf * SPLAT (1.5703125f)) - qf * SPLAT (4.837512969970703125e-4f)) - qf * SPLAT (7.54978995489188216e-8f);
  v8sf r2 = r * r;
  v8sf sr = r + r * r2 * (SPLAT (-1.6666667163e-01f) + r2 * (SPLAT (8.3333337680e-03f) + r2 * (SPLAT (-1.9841270114e-04f) + r2 * SPLAT (2.7557314297e-06f))));
  v8sf crm1 = r2 * (SPLAT (-0.5f) + r2 * (SPLAT (4.1666667908e-02f) + r2 * (SPLAT (-1.3888889225e-03f) + r2 * SPLAT (2.4801587642e-05f))));
  v8sf cr = SPLAT (1.0f) + crm1;
  v8si odd = (q & ISPLAT (1)) != ISPLAT (0);
  v8si neg = (q & ISPLAT (2)) != ISPLAT (0);
  v8si cneg = ((q + ISPLAT (1)) & ISPLAT (2)) != ISPLAT (0);
  v8sf ss = vsel (odd, cr, sr);
  *s = vsel (neg, -ss, ss);
  v8sf c_odd = vsel (cneg, -sr, sr) - SPLAT (1.0f);
  v8sf c_even = vsel (neg, SPLAT (-2.0f) - crm1, crm1);
  *cm1 = vsel (odd, c_odd, c_even);
}

static inline __attribute__ ((always_inline)) void
scalar_point (float *restrict e, gsize k, float phi, float a, double *p_in, double *p_out, float *peak)
{
  float re = e[2 * k], im = e[2 * k + 1];
  float s, c;
  pfm_fast_sincosm1f (phi, &s, &c);
  float nr = a * (re + (re * c - im * s));
  float ni = a * (im + (re * s + im * c));
  e[2 * k] = nr;
  e[2 * k + 1] = ni;
  float I = re * re + im * im;
  *p_in += I;
  *p_out += nr * nr + ni * ni;
  *peak = I > *peak ? I : *peak;
}

/* Reductions fold into double every BLOCK vectors, so float rounding never
 * accumulates over more than BLOCK terms per lane. */
#define BLOCK 16

/* sin and cos - 1 for |x| <= pi/4: the polynomials alone.  Where a whole
 * block of phases is that small (always, in a resolved run: the engine
 * stops a run whose phase per step exceeds 0.5 rad) the range reduction and
 * the quadrant selects, which cost twice the polynomials, are skipped. */
static inline __attribute__ ((always_inline)) void
v_sincosm1_small (v8sf r, v8sf *s, v8sf *cm1)
{
  v8sf r2 = r * r;
  *s = r + r * r2 * (SPLAT (-1.6666667163e-01f) + r2 * (SPLAT (8.3333337680e-03f) + r2 * (SPLAT (-1.9841270114e-04f) + r2 * SPLAT (2.7557314297e-06f))));
  *cm1 = r2 * (SPLAT (-0.5f) + r2 * (SPLAT (4.1666667908e-02f) + r2 * (SPLAT (-1.3888889225e-03f) + r2 * SPLAT (2.4801587642e-05f))));
}

#define PI_4 0.785398163f

static inline __attribute__ ((always_inline)) void
nonlinear_body (float *restrict e, const float *restrict m0, float w0,
                const float *restrict m1, float w1, const float *restrict amp,
                float kerr, gsize count, PfmNonlinearStats *stats,
                const gboolean has_m1, const gboolean has_amp)
{
  double p_in = 0.0, p_out = 0.0;
  float peak = 0.0f;
  const gsize nvec = count / 8;
  gsize v = 0;
  v8sf re[BLOCK], im[BLOCK], ph[BLOCK];

  while (v < nvec)
    {
      const gsize nb = MIN (nvec - v, (gsize) BLOCK);
      v8sf acc_in = SPLAT (0.0f), acc_out = SPLAT (0.0f), pk = SPLAT (0.0f), big = SPLAT (0.0f);

      /* Pass 1 over the block: intensities and phases. */
      for (gsize b = 0; b < nb; b++)
        {
          const gsize k = 8 * (v + b);
          v8sf lo, hi, mm0, mm1;
          memcpy (&lo, e + 2 * k, sizeof lo);
          memcpy (&hi, e + 2 * k + 8, sizeof hi);
          re[b] = __builtin_shuffle (lo, hi, ((v8si) { 0, 2, 4, 6, 8, 10, 12, 14 }));
          im[b] = __builtin_shuffle (lo, hi, ((v8si) { 1, 3, 5, 7, 9, 11, 13, 15 }));
          v8sf I = re[b] * re[b] + im[b] * im[b];
          memcpy (&mm0, m0 + k, sizeof mm0);
          v8sf phi = SPLAT (w0) * mm0 + SPLAT (kerr) * I;
          if (has_m1)
            {
              memcpy (&mm1, m1 + k, sizeof mm1);
              phi += SPLAT (w1) * mm1;
            }
          ph[b] = phi;
          v8sf aphi = vsel (phi < SPLAT (0.0f), -phi, phi);
          big = vsel (aphi > big, aphi, big);
          acc_in += I;
          pk = vsel (I > pk, I, pk);
        }
      float bmax = 0.0f;
      for (int l = 0; l < 8; l++)
        bmax = big[l] > bmax ? big[l] : bmax;
      const gboolean small = bmax <= PI_4;

      /* Pass 2: rotate (and damp). */
      for (gsize b = 0; b < nb; b++)
        {
          const gsize k = 8 * (v + b);
          v8sf s, c, aa;
          if (small)
            v_sincosm1_small (ph[b], &s, &c);
          else
            v_sincosm1 (ph[b], &s, &c);
          v8sf nr = re[b] + (re[b] * c - im[b] * s);
          v8sf ni = im[b] + (re[b] * s + im[b] * c);
          if (has_amp)
            {
              memcpy (&aa, amp + k, sizeof aa);
              nr *= aa;
              ni *= aa;
            }
          v8sf lo = __builtin_shuffle (nr, ni, ((v8si) { 0, 8, 1, 9, 2, 10, 3, 11 }));
          v8sf hi = __builtin_shuffle (nr, ni, ((v8si) { 4, 12, 5, 13, 6, 14, 7, 15 }));
          memcpy (e + 2 * k, &lo, sizeof lo);
          memcpy (e + 2 * k + 8, &hi, sizeof hi);
          acc_out += nr * nr + ni * ni;
        }
      for (int l = 0; l < 8; l++)
        {
          p_in += acc_in[l];
          p_out += acc_out[l];
          peak = pk[l] > peak ? pk[l] : peak;
        }
      v += nb;
    }
  for (gsize k = 8 * nvec; k < count; k++)
    {
      float r = e[2 * k], i = e[2 * k + 1];
      float phi = w0 * m0[k] + (has_m1 ? w1 * m1[k] : 0.0f) + kerr * (r * r + i * i);
      scalar_point (e, k, phi, has_amp ? amp[k] : 1.0f, &p_in, &p_out, &peak);
    }
  stats->peak = peak;
  stats->power_in = p_in;
  stats->power_out = p_out;
}

/* Built for x86-64-v3 (AVX2, FMA) where the CPU has it (chosen at load time), and for
 * the x86-64 baseline otherwise. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define PFM_CLONES __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define PFM_CLONES
#endif

PFM_CLONES void
pfm_kernel_nonlinear (float *restrict e, const float *restrict m0, float w0,
                      const float *restrict m1, float w1,
                      const float *restrict amp, float kerr, gsize count,
                      PfmNonlinearStats *stats)
{
  if (m1 != NULL && amp != NULL)
    nonlinear_body (e, m0, w0, m1, w1, amp, kerr, count, stats, TRUE, TRUE);
  else if (m1 != NULL)
    nonlinear_body (e, m0, w0, m1, w1, amp, kerr, count, stats, TRUE, FALSE);
  else if (amp != NULL)
    nonlinear_body (e, m0, w0, m1, w1, amp, kerr, count, stats, FALSE, TRUE);
  else
    nonlinear_body (e, m0, w0, m1, w1, amp, kerr, count, stats, FALSE, FALSE);
}

PFM_CLONES void
pfm_kernel_cmul (float *restrict e, const float *restrict d, float scale, gsize count)
{
  for (gsize i = 0; i < count; i++)
    {
      float re = e[2 * i], im = e[2 * i + 1];
      float dr = d[2 * i], di = d[2 * i + 1];
      e[2 * i] = scale * (re + (re * dr - im * di));
      e[2 * i + 1] = scale * (im + (re * di + im * dr));
    }
}

double
pfm_kernel_cmul_to (float *restrict out, const float *restrict e, const float *restrict d,
                    float scale, const guint8 *restrict edge, double *edge_power, gsize count)
{
  double total = 0.0, outer = 0.0;
  for (gsize i = 0; i < count; i++)
    {
      float re = e[2 * i], im = e[2 * i + 1];
      float dr = d[2 * i], di = d[2 * i + 1];
      out[2 * i] = scale * (re + (re * dr - im * di));
      out[2 * i + 1] = scale * (im + (re * di + im * dr));
      double p = (double) re * re + (double) im * im;
      total += p;
      if (edge != NULL && edge[i])
        outer += p;
    }
  if (edge_power != NULL)
    *edge_power += outer;
  return total;
}

void
pfm_kernel_nonlinear_exact (float *restrict e, const float *restrict m0, float w0,
                            const float *restrict m1, float w1,
                            const float *restrict amp, float kerr, gsize count,
                            PfmNonlinearStats *stats)
{
  double p_in = 0.0, p_out = 0.0;
  float peak = 0.0f;
  for (gsize k = 0; k < count; k++)
    {
      float re = e[2 * k], im = e[2 * k + 1];
      float I = re * re + im * im;
      double phi = (double) w0 * m0[k] + (m1 ? (double) w1 * m1[k] : 0.0) + (double) kerr * I;
      double s = sin (phi), h = sin (0.5 * phi), c = -2.0 * h * h;   /* cos - 1 */
      double a = amp ? amp[k] : 1.0;
      float nr = (float) (a * (re + (re * c - im * s)));
      float ni = (float) (a * (im + (re * s + im * c)));
      e[2 * k] = nr;
      e[2 * k + 1] = ni;
      p_in += I;
      p_out += (double) nr * nr + (double) ni * ni;
      peak = I > peak ? I : peak;
    }
  stats->peak = peak;
  stats->power_in = p_in;
  stats->power_out = p_out;
}
