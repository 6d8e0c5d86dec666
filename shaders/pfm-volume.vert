#version 330 core
// pfm-volume.vert - one triangle that covers the viewport; the fragment
// shader casts a ray per pixel.
//
// Copyright 2026 The PFM Explorer developers
// SPDX-License-Identifier: GPL-3.0-or-later
precision highp float;

out vec2 v_ndc;

void
main ()
{
  vec2 p = vec2 (float ((gl_VertexID << 1) & 2), float (gl_VertexID & 2)) * 2.0 - 1.0;
  v_ndc = p;
  gl_Position = vec4 (p, 0.0, 1.0);
}
