/* pfm-gl.c - small OpenGL helpers for the volume renderer
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pfm-gl"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "pfm-gl.h"

#define SHADER_PREFIX "/io/github/pfm_explorer/PfmExplorer/shaders/"

G_DEFINE_QUARK (pfm-gl-error-quark, pfm_gl_error)

char *
pfm_gl_load_shader (const char *name, gboolean es, GError **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_autofree char *path = g_strconcat (SHADER_PREFIX, name, NULL);
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local);
  if (bytes == NULL)
    {
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_RESOURCE, "shader %s: %s", name, local->message);
      return NULL;
    }
  gsize n = 0;
  const char *text = g_bytes_get_data (bytes, &n);
  static const char core[] = "#version 330 core";
  if (n < sizeof core - 1 || strncmp (text, core, sizeof core - 1) != 0)
    {
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_RESOURCE,
                   "shader %s: the first line must be “%s”", name, core);
      return NULL;
    }
  /* Same line count either way, so the driver's line numbers match the
   * file's. */
  return g_strconcat (es ? "#version 300 es  " : core, text + sizeof core - 1, NULL);
}

static char *
info_log (GLuint object, gboolean program)
{
  GLint len = 0;
  if (program)
    glGetProgramiv (object, GL_INFO_LOG_LENGTH, &len);
  else
    glGetShaderiv (object, GL_INFO_LOG_LENGTH, &len);
  char *log = g_malloc0 (MAX (len, 1) + 1);
  if (len > 0)
    {
      if (program)
        glGetProgramInfoLog (object, len, NULL, log);
      else
        glGetShaderInfoLog (object, len, NULL, log);
    }
  g_strchomp (log);
  return log;
}

static GLuint
compile (const char *label, GLenum kind, const char *source, GError **error)
{
  GLuint shader = glCreateShader (kind);
  glShaderSource (shader, 1, &source, NULL);
  glCompileShader (shader);
  GLint ok = GL_FALSE;
  glGetShaderiv (shader, GL_COMPILE_STATUS, &ok);
  if (!ok)
    {
      g_autofree char *log = info_log (shader, FALSE);
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_SHADER, "%s: the %s shader does not compile:\n%s",
                   label, kind == GL_VERTEX_SHADER ? "vertex" : "fragment", log[0] ? log : "(no log)");
      glDeleteShader (shader);
      return 0;
    }
  return shader;
}

GLuint
pfm_gl_program_new (const char *label, const char *vertex_source, const char *fragment_source, GError **error)
{
  g_return_val_if_fail (vertex_source != NULL && fragment_source != NULL, 0);
  GLuint vs = compile (label, GL_VERTEX_SHADER, vertex_source, error);
  if (vs == 0)
    return 0;
  GLuint fs = compile (label, GL_FRAGMENT_SHADER, fragment_source, error);
  if (fs == 0)
    {
      glDeleteShader (vs);
      return 0;
    }
  GLuint program = glCreateProgram ();
  glAttachShader (program, vs);
  glAttachShader (program, fs);
  glLinkProgram (program);
  glDetachShader (program, vs);
  glDetachShader (program, fs);
  glDeleteShader (vs);
  glDeleteShader (fs);
  GLint ok = GL_FALSE;
  glGetProgramiv (program, GL_LINK_STATUS, &ok);
  if (!ok)
    {
      g_autofree char *log = info_log (program, TRUE);
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_SHADER, "%s: the program does not link:\n%s",
                   label, log[0] ? log : "(no log)");
      glDeleteProgram (program);
      return 0;
    }
  return program;
}

GLuint
pfm_gl_program_from_resources (const char *vertex, const char *fragment, gboolean es, GError **error)
{
  g_autofree char *vs = pfm_gl_load_shader (vertex, es, error);
  if (vs == NULL)
    return 0;
  g_autofree char *fs = pfm_gl_load_shader (fragment, es, error);
  if (fs == NULL)
    return 0;
  g_autofree char *label = g_strdup_printf ("%s + %s", vertex, fragment);
  return pfm_gl_program_new (label, vs, fs, error);
}

GLuint
pfm_gl_framebuffer_new (int width, int height, GLuint *color_texture, GError **error)
{
  g_return_val_if_fail (width > 0 && height > 0 && color_texture != NULL, 0);
  GLuint tex = 0, fbo = 0;
  glGenTextures (1, &tex);
  glBindTexture (GL_TEXTURE_2D, tex);
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glGenFramebuffers (1, &fbo);
  glBindFramebuffer (GL_FRAMEBUFFER, fbo);
  glFramebufferTexture2D (GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
  GLenum status = glCheckFramebufferStatus (GL_FRAMEBUFFER);
  if (status != GL_FRAMEBUFFER_COMPLETE)
    {
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_FRAMEBUFFER,
                   "an offscreen framebuffer of %d × %d is incomplete (status 0x%04x)", width, height, status);
      glDeleteFramebuffers (1, &fbo);
      glDeleteTextures (1, &tex);
      return 0;
    }
  *color_texture = tex;
  return fbo;
}
