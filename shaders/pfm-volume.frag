#version 330 core
// pfm-volume.frag - ray marching through the recorded volume
//
// Copyright 2026 The PFM Explorer developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Emission-absorption model, composited front to back, stopped once the
// ray is (almost) opaque.  The first sample of each ray is offset by a
// per-pixel fraction of a step (interleaved gradient noise) so that the
// sampling planes do not show as bands.  The opacity of the transfer
// function is per reference step and corrected for the actual step, so
// fewer samples while interacting give the same picture, only coarser.
// The output is premultiplied: the host blends it over the background
// and the wireframe behind the volume.
precision highp float;
precision highp sampler3D;

in vec2 v_ndc;
out vec4 frag_color;

uniform mat4 u_inv_view_proj;
uniform vec3 u_eye;
uniform vec3 u_half;           // box half extents (world)
uniform sampler3D u_field;     // intensity / u_norm = I / I_max
uniform sampler3D u_index;     // dn / u_index_range = contrast in [-1, 1]
uniform sampler2D u_lut;       // row 0: transfer function (colormap + opacity); row 1: diverging map
uniform int u_channel;         // 0 field, 1 index, 2 both
uniform int u_log;
uniform float u_decades;
uniform float u_norm;
uniform float u_index_range;
uniform float u_index_opacity; // per reference step, at full contrast
uniform float u_step;          // world units
uniform float u_ref_step;      // world units the opacities refer to
uniform int u_max_steps;
uniform vec4 u_zmap;           // tex z = fz * x + y, valid for fz in [z, w]
uniform vec3 u_planes;         // slice planes, box fraction; < 0: off
uniform float u_seed;

vec4
lut (float v, float row)
{
  return texture (u_lut, vec2 (v * (255.0 / 256.0) + 0.5 / 256.0, row));
}

float
field_value (vec3 tc)
{
  float i = max (texture (u_field, tc).r, 0.0) / u_norm;
  if (u_log == 1)
    return clamp (1.0 + log2 (max (i, 1e-30)) * 0.30103 / u_decades, 0.0, 1.0);
  return clamp (i, 0.0, 1.0);
}

// Index change over the range shown at full contrast; beyond it (the
// guide's cladding step, often ten times the written voxels' contrast) it
// saturates.
float
index_raw (vec3 tc)
{
  return texture (u_index, tc).r / u_index_range;
}

// Colour and opacity (per reference step) of the volume at tc.
vec4
sample_volume (vec3 tc)
{
  vec4 c = vec4 (0.0);
  if (u_channel != 1)
    c = lut (field_value (tc), 0.25);
  if (u_channel != 0)
    {
      float raw = index_raw (tc);
      float s = clamp (raw, -1.0, 1.0);
      // The saturated cladding is a faint glass; the written voxels show.
      float ia = u_index_opacity * abs (s) * (abs (raw) > 1.05 ? 0.35 : 1.0);
      // Alone, the index takes the diverging map; as context, a pale glass
      // tint (cyan where it was raised, blue where it was lowered).
      vec3 ic = u_channel == 1 ? lut (0.5 + 0.5 * s, 0.75).rgb
                               : (s > 0.0 ? vec3 (0.55, 0.9, 1.0) : vec3 (0.35, 0.45, 0.95));
      float a = c.a + ia - c.a * ia;
      float w = c.a + ia;
      c.rgb = w > 0.0 ? (c.rgb * c.a + ic * ia) / w : c.rgb;
      c.a = a;
    }
  return c;
}

// The colour a slice plane shows at tc (opaque).
vec3
plane_colour (vec3 tc, bool inside)
{
  if (!inside)
    return vec3 (0.16, 0.16, 0.19);
  if (u_channel == 1)
    return lut (0.5 + 0.5 * clamp (index_raw (tc), -1.0, 1.0), 0.75).rgb;
  return lut (field_value (tc), 0.25).rgb;
}

void
main ()
{
  vec4 pf = u_inv_view_proj * vec4 (v_ndc, 1.0, 1.0);
  vec3 ro = u_eye;
  vec3 rd = normalize (pf.xyz / pf.w - ro);
  vec3 safe = vec3 (abs (rd.x) < 1e-7 ? 1e-7 : rd.x, abs (rd.y) < 1e-7 ? 1e-7 : rd.y, abs (rd.z) < 1e-7 ? 1e-7 : rd.z);
  vec3 inv = 1.0 / safe;
  vec3 ta = (-u_half - ro) * inv;
  vec3 tb = (u_half - ro) * inv;
  vec3 tmin = min (ta, tb);
  vec3 tmax = max (ta, tb);
  float tn = max (max (tmin.x, tmin.y), max (tmin.z, 0.0));
  float tf = min (min (tmax.x, tmax.y), tmax.z);
  if (tf <= tn)
    {
      frag_color = vec4 (0.0);
      return;
    }

  // The nearest slice plane the ray meets inside the box ends the march.
  float tp = tf;
  for (int a = 0; a < 3; a++)
    {
      if (u_planes[a] < 0.0 || abs (rd[a]) < 1e-7)
        continue;
      float t = ((u_planes[a] - 0.5) * 2.0 * u_half[a] - ro[a]) / rd[a];
      if (t > tn && t < tp)
        tp = t;
    }

  float jitter = fract (52.9829189 * fract (dot (gl_FragCoord.xy, vec2 (0.06711056, 0.00583715))) + u_seed);
  float t = tn + jitter * u_step;
  float k = u_step / u_ref_step;
  vec4 acc = vec4 (0.0);
  for (int i = 0; i < u_max_steps; i++)
    {
      if (t >= tp)
        break;
      vec3 f = (ro + rd * t) / (2.0 * u_half) + 0.5;
      if (f.z >= u_zmap.z && f.z <= u_zmap.w)
        {
          vec4 s = sample_volume (vec3 (f.xy, f.z * u_zmap.x + u_zmap.y));
          float a = 1.0 - pow (1.0 - clamp (s.a, 0.0, 0.999), k);
          acc.rgb += (1.0 - acc.a) * a * s.rgb;
          acc.a += (1.0 - acc.a) * a;
          if (acc.a > 0.99)
            break;
        }
      t += u_step;
    }

  if (tp < tf && acc.a <= 0.99)
    {
      vec3 f = (ro + rd * tp) / (2.0 * u_half) + 0.5;
      bool inside = f.z >= u_zmap.z && f.z <= u_zmap.w;
      vec3 c = plane_colour (vec3 (f.xy, f.z * u_zmap.x + u_zmap.y), inside);
      acc.rgb += (1.0 - acc.a) * c;
      acc.a = 1.0;
    }
  frag_color = acc;
}
