/* test-gles-shaders.c - the shaders' GLSL ES 3.00 variant compiles and links
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK picks desktop GL wherever it can, so the GLES path of the renderer
 * would go untested on a desktop.  This makes an OpenGL ES 3.0 context of
 * its own (EGL, Mesa's surfaceless platform: no display needed) and builds
 * the renderer's programs from the resource exactly as the area does when
 * gdk_gl_context_get_use_es() is TRUE.  Skipped (77) without such a context.
 */
#include "config.h"

#include <epoxy/egl.h>

#include "pfm-gl.h"

static EGLDisplay display;
static EGLContext context;

static gboolean
make_es_context (char **why)
{
  if (!epoxy_has_egl ())
    {
      *why = g_strdup ("no EGL");
      return FALSE;
    }
  display = eglGetPlatformDisplayEXT (EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
  EGLint major, minor;
  if (display == EGL_NO_DISPLAY || !eglInitialize (display, &major, &minor))
    {
      *why = g_strdup ("no surfaceless EGL display (Mesa)");
      return FALSE;
    }
  eglBindAPI (EGL_OPENGL_ES_API);
  const EGLint attribs[] = { EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0, EGL_NONE };
  context = eglCreateContext (display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attribs);
  if (context == EGL_NO_CONTEXT || !eglMakeCurrent (display, EGL_NO_SURFACE, EGL_NO_SURFACE, context))
    {
      *why = g_strdup_printf ("no OpenGL ES 3.0 context (EGL error 0x%x)", eglGetError ());
      return FALSE;
    }
  return TRUE;
}

static void
test_programs (void)
{
  g_test_message ("%s, %s", (const char *) glGetString (GL_VERSION), (const char *) glGetString (GL_RENDERER));
  g_assert_false (epoxy_is_desktop_gl ());
  static const char *const programs[][2] = {
    { "pfm-volume.vert", "pfm-volume.frag" },
    { "pfm-lines.vert", "pfm-lines.frag" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *src = pfm_gl_load_shader (programs[i][1], TRUE, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (src, "#version 300 es"));
      GLuint p = pfm_gl_program_from_resources (programs[i][0], programs[i][1], TRUE, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (p, !=, 0);
      glDeleteProgram (p);
    }
  /* The uniforms the area looks up are live in the ES program too. */
  g_autoptr(GError) error = NULL;
  GLuint p = pfm_gl_program_from_resources ("pfm-volume.vert", "pfm-volume.frag", TRUE, &error);
  g_assert_no_error (error);
  static const char *const uniforms[] = { "u_inv_view_proj", "u_eye", "u_half", "u_field", "u_index", "u_lut",
                                          "u_step", "u_zmap", "u_planes" };
  for (guint i = 0; i < G_N_ELEMENTS (uniforms); i++)
    g_assert_cmpint (glGetUniformLocation (p, uniforms[i]), >=, 0);
  glDeleteProgram (p);
}

static void
test_framebuffer (void)
{
  /* The offscreen target the exports use exists in ES 3.0 as well. */
  g_autoptr(GError) error = NULL;
  GLuint tex = 0;
  GLuint fbo = pfm_gl_framebuffer_new (64, 48, &tex, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fbo, !=, 0);
  glDeleteFramebuffers (1, &fbo);
  glDeleteTextures (1, &tex);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *why = NULL;
  if (!make_es_context (&why))
    {
      g_print ("1..0 # SKIP %s\n", why);
      return 77;
    }
  g_test_add_func ("/render/gles/programs", test_programs);
  g_test_add_func ("/render/gles/framebuffer", test_framebuffer);
  int status = g_test_run ();
  eglMakeCurrent (display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  eglDestroyContext (display, context);
  eglTerminate (display);
  return status;
}
