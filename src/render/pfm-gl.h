/* pfm-gl.h - small OpenGL helpers for the volume renderer
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only for code that runs with a GL context current.
 */
#pragma once

#include <epoxy/gl.h>
#include <glib.h>

G_BEGIN_DECLS

#define PFM_GL_ERROR (pfm_gl_error_quark ())

typedef enum {
  PFM_GL_ERROR_VERSION,
  PFM_GL_ERROR_SHADER,
  PFM_GL_ERROR_RESOURCE,
  PFM_GL_ERROR_FRAMEBUFFER,
  PFM_GL_ERROR_LIMIT,
} PfmGlError;

GQuark  pfm_gl_error_quark       (void);

/* Loads a shader from the application's GResource (@name under
 * shaders/) and adapts its #version line to the context (GLSL 3.30 core
 * or GLSL ES 3.00). */
char   *pfm_gl_load_shader       (const char  *name,
                                  gboolean     es,
                                  GError     **error);
/* Compiles and links; on failure the error message carries @label and
 * the driver's log. */
GLuint  pfm_gl_program_new       (const char  *label,
                                  const char  *vertex_source,
                                  const char  *fragment_source,
                                  GError     **error);
/* Loads @vertex and @fragment from the resource and builds the program. */
GLuint  pfm_gl_program_from_resources (const char  *vertex,
                                       const char  *fragment,
                                       gboolean     es,
                                       GError     **error);

/* An RGBA8 colour target of @width x @height; 0 and an error if the
 * framebuffer is incomplete. */
GLuint  pfm_gl_framebuffer_new   (int          width,
                                  int          height,
                                  GLuint      *color_texture,
                                  GError     **error);

G_END_DECLS
