#version 330 core
// pfm-lines.frag - flat colour for the wireframe
//
// Copyright 2026 The PFM Explorer developers
// SPDX-License-Identifier: GPL-3.0-or-later
precision highp float;

out vec4 frag_color;
uniform vec4 u_color;

void
main ()
{
  frag_color = u_color;
}
