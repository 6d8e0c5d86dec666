#version 330 core
// pfm-lines.vert - the wireframe: tube boundary and slice-plane outlines
//
// Copyright 2026 The PFM Explorer developers
// SPDX-License-Identifier: GPL-3.0-or-later
precision highp float;

layout (location = 0) in vec3 a_position;
uniform mat4 u_view_proj;

void
main ()
{
  gl_Position = u_view_proj * vec4 (a_position, 1.0);
}
